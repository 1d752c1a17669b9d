// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cmd.h"
#include "ctx.h"
#include "print.h"

int resolve_device(struct vctx *ctx, const char *name, const char *bus_opt, bool any_bus,
		   bool must_exist, char id[DEV_ID_MAX])
{
	const struct bus_kind *bus = bus_of_arg(name);
	char shown[48], dev[128], path[PATH_MAX];
	int err;

	printable(name, shown, sizeof(shown));
	if (bus_opt && !bus_by_name(bus_opt)) {
		printable(bus_opt, shown, sizeof(shown));
		out_error(NULL, 0, "--bus '%s': not a bus vfioctl knows (pci, platform, amba, fsl-mc, cdx)",
			  shown);
		return -EINVAL;
	}
	if (!bus && bus_opt)
		bus = bus_by_name(bus_opt);
	if (bus && bus->id != BUS_PCI) {
		if (!any_bus) {
			out_error(NULL, 0, "'%s': %s %s device; this takes PCI devices only", shown,
				  strchr("aeiou", bus->name[0]) ? "an" : "a", bus->name);
			return -EINVAL;
		}
		err = bus_split(name, bus_opt, &bus, dev, sizeof(dev));
		if (err == -EEXIST) {
			out_error(NULL, 0, "'%s': --bus %s says another bus", shown, bus_opt);
			return -EINVAL;
		}
		if (err || xsnprintf(id, DEV_ID_MAX, "%s/%s", bus->name, dev)) {
			out_error(NULL, 0, "'%s': not a device name (expected %s/NAME, NAME as in "
				  "/sys/bus/%s/devices)", shown, bus->name, bus->name);
			return -EINVAL;
		}
		if (must_exist &&
		    (ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/devices/%s", bus->name, dev) ||
		     !path_exists(path))) {
			out_error(id, 0, "no such %s device", bus->name);
			return -EINVAL;
		}
		return 0;
	}
	if (pci_addr_parse(name, id)) {
		out_error(NULL, 0, "'%s': not a PCI device name (expected DDDD:BB:DD.F, BB:DD.F or pci/DDDD:BB:DD.F)",
			  shown);
		return -EINVAL;
	}
	if (must_exist && (ctx_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s", id) ||
			   !path_exists(path))) {
		out_error(id, 0, "no such PCI device");
		return -EINVAL;
	}
	return 0;
}

int resolve_devices(struct vctx *ctx, char **names, int n, const char *bus_opt, bool any_bus,
		    char (**ids)[DEV_ID_MAX], size_t *nids)
{
	char (*v)[DEV_ID_MAX];
	size_t count = 0, j;
	int i, err = 0;

	v = calloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char id[DEV_ID_MAX];

		if (resolve_device(ctx, names[i], bus_opt, any_bus, true, id)) {
			err = -EINVAL;
			continue;
		}
		for (j = 0; j < count; j++)
			if (!strcmp(v[j], id))
				break;
		if (j == count)
			memcpy(v[count++], id, DEV_ID_MAX);
	}
	if (err) {
		ctx_fail(ctx, EXIT_USAGE);
		free(v);
		return err;
	}
	*ids = v;
	*nids = count;
	return 0;
}

int resolve_names(struct vctx *ctx, char **names, int n,
		  char (**addrs)[PCI_ADDR_MAX], size_t *naddrs)
{
	char (*ids)[DEV_ID_MAX], (*v)[PCI_ADDR_MAX];
	size_t i, count;
	int err;

	err = resolve_devices(ctx, names, n, NULL, false, &ids, &count);
	if (err)
		return err;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		free(ids);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++)	/* PCI addresses only: they fit */
		memcpy(v[i], ids[i], PCI_ADDR_MAX);
	free(ids);
	*addrs = v;
	*naddrs = count;
	return 0;
}

int each_device(struct vctx *ctx, const struct cmd_args *a, const char *cmd, bool any_bus,
		void (*fn)(struct vctx *, const struct cmd_args *, const char *))
{
	char (*addrs)[DEV_ID_MAX] = NULL;
	size_t i, n = 0;
	int err;

	if (a->nnames == 0) {
		out_error(NULL, 0, "%s: name at least one device", cmd);
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	err = resolve_devices(ctx, a->names, a->nnames, a->bus, any_bus, &addrs, &n);
	if (err)
		return err;
	out_open_array(NULL);
	for (i = 0; i < n; i++)
		fn(ctx, a, addrs[i]);
	out_close_array();
	free(addrs);
	return 0;
}

/*
 * Strings into one block: the array of pointers, then the strings, so
 * that free() frees it all. acc (n strings, may be NULL) is taken and
 * freed; m more come from base, stride bytes apart. A list of 16,384
 * addresses takes 350 KiB so, not the 2.6 MiB of a DEV_ID_MAX slot each.
 */
int ids_pack(char **acc, size_t n, const char *base, size_t stride, size_t m,
		    char ***out)
{
	size_t i, bytes = 0;
	char **v, *p;

	for (i = 0; i < n; i++)
		bytes += strlen(acc[i]) + 1;
	for (i = 0; i < m; i++)
		bytes += strnlen(base + i * stride, stride) + 1;
	v = malloc((n + m + 1) * sizeof(*v) + bytes);
	if (!v) {
		free(acc);
		return -ENOMEM;
	}
	p = (char *)(v + n + m + 1);
	for (i = 0; i < n + m; i++) {
		const char *s = i < n ? acc[i] : base + (i - n) * stride;
		size_t len = i < n ? strlen(s) : strnlen(s, stride);

		memcpy(p, s, len);
		p[len] = '\0';
		v[i] = p;
		p += len + 1;
	}
	v[n + m] = NULL;
	free(acc);
	*out = v;
	return 0;
}
