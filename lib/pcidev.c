// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI devices as sysfs shows them, and the names users give them. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bus.h"
#include "ctx.h"
#include "device.h"
#include "pcidev.h"
#include "util.h"

/* Exactly n hex digits (n = 0: 1 to max) at s; value in *v. */
static int hex_field(const char *s, size_t len, size_t min, size_t max, unsigned long *v)
{
	size_t i;

	if (len < min || len > max)
		return -EINVAL;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		*v = *v * 16 + (unsigned long)(isdigit((unsigned char)s[i]) ?
			s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return 0;
}

int pci_addr_parse(const char *name, char addr[PCI_ADDR_MAX])
{
	unsigned long dom = 0, bus, dev, fn;
	const char *p = name, *c1, *c2, *dot;

	if (strlen(name) > 32)
		return -EINVAL;
	if (!strncmp(p, "pci/", 4))
		p += 4;
	c1 = strchr(p, ':');
	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		/* the kernel prints domains with %04x: 4 digits, more for VMD */
		if (hex_field(p, (size_t)(c1 - p), 4, 8, &dom))
			return -EINVAL;
		p = c1 + 1;
		c1 = c2;
	}
	dot = strchr(c1 + 1, '.');
	if (!dot || strchr(c1 + 1, ':'))
		return -EINVAL;
	if (hex_field(p, (size_t)(c1 - p), 2, 2, &bus) ||
	    hex_field(c1 + 1, (size_t)(dot - c1 - 1), 2, 2, &dev) ||
	    hex_field(dot + 1, strlen(dot + 1), 1, 1, &fn))
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	return xsnprintf(addr, PCI_ADDR_MAX, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn) ?
		-EINVAL : 0;
}

/* "%lx:%lx:%lx.%lx" without sscanf: a sort of thousands calls it 100,000 times */
static void addr_key(const char *a, unsigned long k[4])
{
	static const char sep[] = "::.";
	char *end;
	int i;

	memset(k, 0, 4 * sizeof(k[0]));
	for (i = 0; i < 4; i++) {
		k[i] = strtoul(a, &end, 16);
		if (end == a || i == 3 || *end != sep[i])
			break;
		a = end + 1;
	}
}

int pci_addr_cmp(const char *a, const char *b)
{
	unsigned long ka[4], kb[4];
	int i;

	addr_key(a, ka);
	addr_key(b, kb);
	for (i = 0; i < 4; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

/* What a bind changes: the driver, driver_override, the iommufd node. */
static int refresh_from(struct device *dev, struct pcidev *d)
{
	int err;

	device_cdev(dev, d->cdev, sizeof(d->cdev));
	err = device_driver(dev, d->driver, sizeof(d->driver));
	if (!err)
		err = device_override(dev, d->override, sizeof(d->override));
	return err;
}

int pcidev_refresh(struct vctx *ctx, struct pcidev *d)
{
	struct device dev;
	int err;

	err = device_open(ctx, d->bus ? d->bus : bus_by_name("pci"), d->name[0] ? d->name : d->addr,
			  &dev);
	if (err)
		return err;
	err = refresh_from(&dev, d);
	device_close(&dev);
	return err;
}

/*
 * A PCI device's modalias is printed from the same fields as its vendor,
 * device, subsystem_vendor, subsystem_device and class files
 * (drivers/pci/pci-sysfs.c: "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X"):
 * one read instead of six. true when it has exactly that shape; otherwise
 * the files are read.
 */
static bool pci_ids_from_modalias(struct device *dev, struct pcidev *d)
{
	static const char shape[] = "pci:vXXXXXXXXdXXXXXXXXsvXXXXXXXXsdXXXXXXXXbcXXscXXiXX";
	unsigned long v[7];
	const char *m;
	size_t i, k;

	if (device_modalias(dev, &m) || strlen(m) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'X' ? !isxdigit((unsigned char)m[i]) || islower((unsigned char)m[i]) :
				      m[i] != shape[i])
			return false;
	for (i = 0, k = 0; shape[i]; k++) {
		char hex[9];
		size_t n;

		while (shape[i] != 'X')
			i++;
		n = strspn(shape + i, "X");
		memcpy(hex, m + i, n);
		hex[n] = '\0';
		v[k] = strtoul(hex, NULL, 16);
		i += n;
	}
	d->vendor = (unsigned)v[0];
	d->device = (unsigned)v[1];
	d->subvendor = (unsigned)v[2];
	d->subdevice = (unsigned)v[3];
	d->class = (unsigned)(v[4] << 16 | v[5] << 8 | v[6]);
	return true;
}

int pcidev_read(struct vctx *ctx, struct device *dev, struct pcidev *d)
{
	const char *s;
	int err;

	memset(d, 0, sizeof(*d));
	d->bus = dev->bus;
	/* a PCI device's id is its address; any other's is BUS/NAME */
	if (dev->bus->id == BUS_PCI)
		err = xstrcpy(d->addr, sizeof(d->addr), dev->name);
	else
		err = xsnprintf(d->addr, sizeof(d->addr), "%s/%s", dev->bus->name, dev->name) ?
			-ENAMETOOLONG : 0;
	if (err || (err = xstrcpy(d->name, sizeof(d->name), dev->name)) ||
	    (err = ctx_path(ctx, d->path, sizeof(d->path), "/sys/bus/%s/devices/%s",
			    dev->bus->name, dev->name)))
		return err;
	if ((err = device_realpath(dev, &s)) ||
	    (err = xstrcpy(d->realpath, sizeof(d->realpath), s)))
		return err;
	if (dev->bus->id == BUS_PCI && pci_ids_from_modalias(dev, d)) {
		d->is_bridge = (d->class >> 8) == 0x0604 || (d->class >> 8) == 0x0609;
	} else if (dev->bus->id == BUS_PCI) {
		if ((err = device_attr_hex(dev, "vendor", &d->vendor)) ||
		    (err = device_attr_hex(dev, "device", &d->device)) ||
		    (err = device_attr_hex(dev, "class", &d->class)))
			return err;
		/* absent on some virtual functions of old kernels: not fatal */
		device_attr_hex(dev, "subsystem_vendor", &d->subvendor);
		device_attr_hex(dev, "subsystem_device", &d->subdevice);
		d->is_bridge = (d->class >> 8) == 0x0604 || (d->class >> 8) == 0x0609;
	} else if (dev->bus->id == BUS_CDX) {
		device_attr_hex(dev, "vendor", &d->vendor);
		device_attr_hex(dev, "device", &d->device);
	}
	err = device_modalias(dev, &s);
	if (err)
		return err;
	memcpy(d->modalias, s, strlen(s) + 1);
	d->group = device_group(dev);
	return refresh_from(dev, d);
}

int dev_id_parse(const char *s, char id[DEV_ID_MAX])
{
	const struct bus_kind *bus = bus_of_arg(s);
	char name[128];

	if (!bus || bus->id == BUS_PCI) {
		char addr[PCI_ADDR_MAX];

		if (pci_addr_parse(s, addr))
			return -EINVAL;
		return xstrcpy(id, DEV_ID_MAX, addr) ? -EINVAL : 0;
	}
	if (bus_split(s, NULL, &bus, name, sizeof(name)))
		return -EINVAL;
	return xsnprintf(id, DEV_ID_MAX, "%s/%s", bus->name, name) ? -EINVAL : 0;
}

const char *dev_bus(const struct pcidev *d)
{
	return d->bus ? d->bus->name : "pci";
}

bool dev_is_pci(const struct pcidev *d)
{
	return !d->bus || d->bus->id == BUS_PCI;
}

int dev_key(const char *id, char *key, size_t size)
{
	const char *slash = strchr(id, '/');
	int err;

	if (!slash)
		return xstrcpy(key, size, id);
	err = xstrcpy(key, size, id);
	if (!err)
		key[slash - id] = '-';
	return err;
}

int pcidev_load(struct vctx *ctx, const char *addr, struct pcidev *d)
{
	const struct bus_kind *bus;
	struct device dev;
	char name[DEVICE_NAME_MAX];
	int err;

	memset(d, 0, sizeof(*d));
	d->group = -1;
	err = bus_split(addr, NULL, &bus, name, sizeof(name));
	if (err)
		return err == -EEXIST ? -EINVAL : err;
	err = device_open(ctx, bus, name, &dev);
	if (err)
		return err;
	err = pcidev_read(ctx, &dev, d);
	device_close(&dev);
	return err;
}

struct addr_vec {
	char (*v)[PCI_ADDR_MAX];
	size_t n, cap;
};

static int addr_vec_push(struct addr_vec *a, const char *addr)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		void *v = realloc(a->v, cap * sizeof(*a->v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	memcpy(a->v[a->n++], addr, PCI_ADDR_MAX);
	return 0;
}

static int cmp_addr_qsort(const void *a, const void *b)
{
	return pci_addr_cmp(a, b);
}

/* Names in dir that are canonical PCI addresses, sorted. */
static int list_addrs(const char *dir, char (**addrs)[PCI_ADDR_MAX], size_t *n)
{
	struct addr_vec a = { 0 };
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = open_dir_stream(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char canon[PCI_ADDR_MAX];

		if (pci_addr_parse(de->d_name, canon) || strcmp(canon, de->d_name))
			continue;
		err = addr_vec_push(&a, canon);
		if (err)
			break;
	}
	closedir(d);
	if (err) {
		free(a.v);
		return err;
	}
	if (a.n)
		qsort(a.v, a.n, sizeof(*a.v), cmp_addr_qsort);
	*addrs = a.v;
	*n = a.n;
	return 0;
}

int pcidev_list(struct vctx *ctx, char (**addrs)[PCI_ADDR_MAX], size_t *n)
{
	char dir[PATH_MAX];
	int err;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/bus/pci/devices");
	if (err)
		return err;
	return list_addrs(dir, addrs, n);
}

static int cmp_id_qsort(const void *a, const void *b)
{
	return strcmp(a, b);
}

int pci_addrs_as_ids(char (*addrs)[PCI_ADDR_MAX], size_t n, size_t extra,
		     char (**ids)[DEV_ID_MAX])
{
	char (*v)[DEV_ID_MAX] = calloc(n + extra + 1, sizeof(*v));
	size_t i;

	for (i = 0; v && i < n; i++)
		memcpy(v[i], addrs[i], PCI_ADDR_MAX);
	free(addrs);
	if (!v)
		return -ENOMEM;
	*ids = v;
	return 0;
}

int dev_list(struct vctx *ctx, const struct bus_kind *bus, char (**ids)[DEV_ID_MAX], size_t *n)
{
	char dir[PATH_MAX], (*v)[DEV_ID_MAX] = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int err;

	if (bus->id == BUS_PCI) {
		char (*addrs)[PCI_ADDR_MAX];

		err = pcidev_list(ctx, &addrs, &count);
		if (!err)
			err = pci_addrs_as_ids(addrs, count, 0, ids);
		if (!err)
			*n = count;
		return err;
	}
	err = ctx_path(ctx, dir, sizeof(dir), "/sys/bus/%s/devices", bus->name);
	if (err)
		return err;
	d = open_dir_stream(dir);
	if (!d && errno != ENOENT)
		return -errno;
	while (d && (de = readdir(d))) {
		if (!bus_valid_device_name(de->d_name))
			continue;
		if (count == cap) {
			void *nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof(*v));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (xsnprintf(v[count], DEV_ID_MAX, "%s/%s", bus->name, de->d_name) == 0)
			count++;
	}
	if (d)
		closedir(d);
	if (err) {
		free(v);
		return err;
	}
	if (!v && !(v = calloc(1, sizeof(*v))))
		return -ENOMEM;
	if (count)
		qsort(v, count, sizeof(*v), cmp_id_qsort);
	*ids = v;
	*n = count;
	return 0;
}

int iommu_group_members(struct vctx *ctx, int group, char (**addrs)[PCI_ADDR_MAX],
			size_t *n)
{
	char dir[PATH_MAX];
	int err;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/kernel/iommu_groups/%d/devices", group);
	if (err)
		return err;
	return list_addrs(dir, addrs, n);
}
