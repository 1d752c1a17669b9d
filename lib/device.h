/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_DEVICE_H
#define VFIOCTL_DEVICE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

struct bus_kind;
struct vctx;

/* A device name as bus_valid_device_name() allows it, plus NUL. */
#define DEVICE_NAME_MAX 128

/*
 * The one reader of devices: a device is its bus and its name, and sysfs
 * shows it as the directory ROOT/sys/bus/BUS/devices/NAME. device_open()
 * opens that directory once (confined to the root, its links followed
 * there); every attribute and link is then read through that fd, one path
 * component per call, and only when a caller asks for it. What is read
 * once is kept (modalias, the IOMMU group, the device's real path); what
 * a bind changes (driver, driver_override, vfio-dev) is read every time.
 * PCI's fields (pcidev_load) are read through here, and so are the
 * platform, AMBA, fsl-mc and CDX devices of show BUS/NAME
 * (tools/cmd_showbus.c): the device name and bus_kind are all it takes.
 */
struct device {
	const struct bus_kind *bus;
	char name[DEVICE_NAME_MAX];
	int fd;				/* the device's directory, -1 until opened */
	char path[PATH_MAX];		/* ROOT/sys/bus/BUS/devices/NAME */
	unsigned have;			/* DEVICE_HAVE_*: what was read and kept */
	int modalias_err;
	char modalias[256];		/* "" when the device has none */
	int group;			/* IOMMU group, -1 when none */
	char realpath[PATH_MAX];	/* ROOT/sys/devices/... */
};

/*
 * Open the device NAME (already checked: a PCI address, or
 * bus_valid_device_name) of bus. -ENODEV when sysfs has no such device
 * under the root. Close it with device_close().
 */
int device_open(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		struct device *dev);
/*
 * The same, the directory opened at the first read that needs it: a
 * command that reads modalias alone (list-candidates) opens that one file
 * by its path, confined, and no directory. -ENODEV then comes from the
 * first read.
 */
int device_open_lazy(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		     struct device *dev);
void device_close(struct device *dev);

/*
 * The attribute file attr, one name in the device's directory (never a
 * link: sysfs attributes are files), as read_attr() reads it: the length
 * or -errno (-ENOENT when the device has no such attribute).
 */
ssize_t device_attr(struct device *dev, const char *attr, char *buf, size_t size);

/* A hexadecimal attribute ("0x8086", as sysfs prints IDs). 0 or -errno. */
int device_attr_hex(struct device *dev, const char *attr, unsigned *v);

/* The last component of the link's target (driver, iommu_group): 0 or -errno. */
int device_link_base(struct device *dev, const char *link, char *buf, size_t size);

/*
 * modalias, read once; "" when the device has none. 0 or -errno: -EINVAL
 * when it holds anything but printable ASCII without spaces.
 */
int device_modalias(struct device *dev, const char **modalias);

/* The IOMMU group's number, read once; -1 when it has none. */
int device_group(struct device *dev);

/* The directory's real path under the root (ROOT/sys/devices/...), once. */
int device_realpath(struct device *dev, const char **path);

/* The bound driver's name, "" when none. 0 or -errno. */
int device_driver(struct device *dev, char *buf, size_t size);

/* driver_override, "" when unset ("(null)") or absent (before 3.16). */
int device_override(struct device *dev, char *buf, size_t size);

/* The first vfioX under vfio-dev/ (iommufd, 6.2+), "" when none. */
void device_cdev(struct device *dev, char *buf, size_t size);

#endif
