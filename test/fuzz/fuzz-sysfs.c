// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device reader (lib/device.c, pcidev_load) on any sysfs text: one PCI
 * device, 0000:00:03.0, in a fake root, its attributes and links made of
 * the input's parts, separated by NULs, in this order:
 *   vendor, device, class, subsystem_vendor, subsystem_device, modalias,
 *   driver_override: the files' text; "->TARGET" makes a symlink instead
 *   driver, iommu_group: the links' targets
 *   vfio-dev: the name of the entry in that directory
 *   the bus's link to the device (sys/bus/pci/devices/0000:00:03.0)
 * A part the input ends before is absent (the bus link: the usual one).
 * Beside the root lies a decoy device, modalias "pci:OUTSIDE", that only
 * a read out of the root could find ("../../../../../outside/dev" from the
 * bus's directory).
 */
#include <ctype.h>

#include "fuzz.h"
#include "../../lib/alias.h"
#include "../../lib/bus.h"
#include "../../lib/ctx.h"
#include "../../lib/device.h"
#include "../../lib/inuse_int.h"
#include "../../lib/pcidev.h"
#include "../../lib/util.h"

#define ADDR "0000:00:03.0"
#define DEV "root/sys/devices/pci0000:00/" ADDR
#define BUSLINK "root/sys/bus/pci/devices/" ADDR

static const char *const files[] = {
	"vendor", "device", "class", "subsystem_vendor", "subsystem_device", "modalias",
	"driver_override",
};
static const char *const links[] = { "driver", "iommu_group" };

static struct vctx ctx;
static char vfio_dev[256];	/* the entry of DEV/vfio-dev made for the last input */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char root[4096];
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_quiet();
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(root, sizeof(root), "outside/dev/%s", files[i]);
		fuzz_write(root, "0x1234\n", 7);
	}
	fuzz_write("outside/dev/modalias", "pci:OUTSIDE\n", 12);
	fuzz_write(DEV "/vfio-dev/.keep", "", 0);
	fuzz_path("root", root);
	if (ctx_init(&ctx, root, NULL))
		abort();
	return 0;
}

/* Printable ASCII, no space: what a modalias is made of. */
static bool graph_text(const char *s)
{
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

/* buf is a string within its size. */
#define ENDED(buf) memchr((buf), '\0', sizeof(buf))

/* Read out of the root: the decoy's modalias, which the input does not hold. */
static bool outside(const char *modalias, const uint8_t *data, size_t size)
{
	return strstr(modalias, "OUTSIDE") && !memmem(data, size, "OUTSIDE", 7);
}

/*
 * A modalias of the kernel's shape gives the IDs (lib/pcidev.c): printed
 * back the kernel's way, they are that modalias again.
 */
static void check_ids(const struct pcidev *d)
{
	static const char shape[] = "pci:vXXXXXXXXdXXXXXXXXsvXXXXXXXXsdXXXXXXXXbcXXscXXiXX";
	char back[sizeof(shape)];
	size_t i;

	if (strlen(d->modalias) != sizeof(shape) - 1)
		return;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'X' ? !strchr("0123456789ABCDEF", d->modalias[i]) || !d->modalias[i] :
				      d->modalias[i] != shape[i])
			return;
	snprintf(back, sizeof(back), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", d->vendor,
		 d->device, d->subvendor, d->subdevice, d->class >> 16, (d->class >> 8) & 0xff,
		 d->class & 0xff);
	fuzz_assert(!strcmp(back, d->modalias));
}

static void check_loaded(const struct pcidev *d)
{
	char path[PATH_MAX];

	fuzz_assert(ENDED(d->addr) && !strcmp(d->addr, ADDR) && !strcmp(d->name, ADDR));
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/" ADDR, ctx.root);
	fuzz_assert(ENDED(d->path) && !strcmp(d->path, path));
	/* wherever the bus's link led, it stayed in the root */
	fuzz_assert(ENDED(d->realpath) && under(d->realpath, ctx.root));
	fuzz_assert(ENDED(d->modalias) && graph_text(d->modalias));
	fuzz_assert(ENDED(d->driver) && !strchr(d->driver, '/'));
	fuzz_assert(ENDED(d->override));
	fuzz_assert(ENDED(d->cdev) && (!d->cdev[0] || !strncmp(d->cdev, "vfio", 4)));
	fuzz_assert(d->group >= -1);
	fuzz_assert(d->is_bridge == ((d->class >> 8) == 0x0604 || (d->class >> 8) == 0x0609));
	check_ids(d);
}

static void check_alias(const char *modalias)
{
	char key[ALIAS_MAX];

	if (vfio_alias_of(modalias, key, sizeof(key)))
		return;
	fuzz_assert(!strncmp(key, "vfio_", 5) && !strcmp(key + 5, modalias));
	fuzz_assert(!strchr(key, '\n'));
}

/* Make the device of the input, after clearing the last one's. */
static void make_device(const uint8_t *data, size_t size)
{
	char rel[4096], *part;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(rel, sizeof(rel), DEV "/%s", files[i]);
		fuzz_remove(rel);
		if (!size)
			continue;
		part = fuzz_part(&data, &size);
		if (!strncmp(part, "->", 2) && part[2])
			fuzz_symlink(rel, part + 2);
		else
			fuzz_write(rel, part, strlen(part));
		free(part);
	}
	for (i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(rel, sizeof(rel), DEV "/%s", links[i]);
		fuzz_remove(rel);
		part = fuzz_part(&data, &size);
		if (*part)
			fuzz_symlink(rel, part);
		free(part);
	}
	if (vfio_dev[0]) {
		snprintf(rel, sizeof(rel), DEV "/vfio-dev/%s", vfio_dev);
		fuzz_remove(rel);
		vfio_dev[0] = '\0';
	}
	part = fuzz_part(&data, &size);
	/* one file name: no '/', not "." or "..", not too long */
	if (*part && !strchr(part, '/') && strcmp(part, ".") && strcmp(part, "..") &&
	    strlen(part) < sizeof(vfio_dev)) {
		memcpy(vfio_dev, part, strlen(part) + 1);
		snprintf(rel, sizeof(rel), DEV "/vfio-dev/%s", vfio_dev);
		fuzz_write(rel, "", 0);
	}
	free(part);
	part = fuzz_part(&data, &size);
	fuzz_symlink(BUSLINK, *part ? part : "../../../devices/pci0000:00/" ADDR);
	free(part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bus_kind *pci = bus_by_name("pci");
	struct device dev;
	struct pcidev d;
	const char *modalias;
	int loaded, err;

	make_device(data, size);
	/* nothing of the last input is kept */
	sysfs_changed();
	loaded = pcidev_load(&ctx, ADDR, &d);
	if (loaded == 0) {
		check_loaded(&d);
		fuzz_assert(!outside(d.modalias, data, size));
		check_alias(d.modalias);
	}
	/* list-candidates' way: modalias alone, the directory opened only if it is missing */
	fuzz_assert(device_open_lazy(&ctx, pci, ADDR, &dev) == 0);
	err = device_modalias(&dev, &modalias);
	if (err == 0) {
		fuzz_assert(graph_text(modalias) && !outside(modalias, data, size));
		check_alias(modalias);
		if (loaded == 0)
			fuzz_assert(!strcmp(modalias, d.modalias));
	}
	device_close(&dev);
	return 0;
}
