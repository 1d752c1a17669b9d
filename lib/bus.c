// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "util.h"

static const struct bus_kind buses[] = {
	/* vfio_pci: v*d*sv*sd*bc*sc*i* */
	{ BUS_PCI, "pci", "vfio_pci", "vfio_pci", 7, false },
	{ BUS_PLATFORM, "platform", NULL, "vfio_platform", 0, true },
	{ BUS_AMBA, "amba", NULL, "vfio_amba", 0, true },
	{ BUS_FSL_MC, "fsl-mc", NULL, "vfio_fsl_mc", 0, false },
	/* vfio_cdx: v*d*sv*sd*c* */
	{ BUS_CDX, "cdx", "vfio_cdx", "vfio_cdx", 5, false },
};

const struct bus_kind *bus_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(buses); i++)
		if (!strcmp(buses[i].name, name))
			return &buses[i];
	return NULL;
}

const struct bus_kind *bus_by_alias(const char *key)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(buses); i++) {
		if (!buses[i].alias_prefix)
			continue;
		n = strlen(buses[i].alias_prefix);
		if (!strncmp(key, buses[i].alias_prefix, n) && key[n] == ':')
			return &buses[i];
	}
	return NULL;
}

const struct bus_kind *bus_of_arg(const char *arg)
{
	const char *slash = strchr(arg, '/');
	char busname[16];

	if (!slash || (size_t)(slash - arg) >= sizeof(busname))
		return NULL;
	memcpy(busname, arg, (size_t)(slash - arg));
	busname[slash - arg] = '\0';
	return bus_by_name(busname);
}

const struct bus_kind *bus_at(size_t i)
{
	return i < ARRAY_SIZE(buses) ? &buses[i] : NULL;
}

bool bus_valid_device_name(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= 128 || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && !strchr("._-:@", c))
			return false;
	}
	return true;
}

int bus_split(const char *arg, const char *bus_opt, const struct bus_kind **bus,
	      char *name, size_t size)
{
	const char *slash = strchr(arg, '/');
	const struct bus_kind *b = NULL, *opt = NULL;

	if (bus_opt && !(opt = bus_by_name(bus_opt)))
		return -ENODEV;
	if (slash) {
		if (!(b = bus_of_arg(arg)))
			return -ENODEV;
		if (opt && opt != b)
			return -EEXIST;
		arg = slash + 1;
	}
	if (!b)
		b = opt ? opt : bus_by_name("pci");
	if (!bus_valid_device_name(arg))
		return -EINVAL;
	*bus = b;
	return xstrcpy(name, size, arg);
}
