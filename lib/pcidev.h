/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_PCIDEV_H
#define VFIOCTL_PCIDEV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct vctx;

/* "dddddddd:bb:dd.f" plus NUL */
#define PCI_ADDR_MAX 20

/*
 * Turn a user's device name into the kernel's address: DDDD:BB:DD.F with a
 * domain of 4 to 8 hex digits, BB:DD.F for domain 0000, or pci/ADDRESS;
 * upper or lower case. Nothing else is accepted, so no path is ever built
 * from raw input. 0 or -EINVAL.
 */
int pci_addr_parse(const char *name, char addr[PCI_ADDR_MAX]);

/* Order of addresses: domain, bus, device, function, numerically. */
int pci_addr_cmp(const char *a, const char *b);

/* A device id: a PCI address, or BUS/NAME for the other buses (bus.h). */
#define DEV_ID_MAX 160

struct bus_kind;

/*
 * A device as sysfs describes it: a bus and a name behind one interface.
 * PCI's IDs, class and bridge flag are read for PCI only; CDX's vendor and
 * device when present. addr is the id commands and records use: the PCI
 * address, or BUS/NAME (platform/9010000.pl031); name is the kernel's name
 * on its bus (what unbind, bind and drivers_probe take).
 */
struct pcidev {
	char addr[DEV_ID_MAX];
	const struct bus_kind *bus;
	char name[128];
	char path[PATH_MAX];		/* ROOT/sys/bus/BUS/devices/NAME */
	char realpath[PATH_MAX];	/* ROOT/sys/devices/... it links to */
	unsigned vendor, device, subvendor, subdevice, class;
	char modalias[256];
	char driver[NAME_MAX_LEN];	/* "" when no driver is bound */
	char override[NAME_MAX_LEN];	/* "" when driver_override is unset */
	int group;			/* IOMMU group, -1 when none */
	bool is_bridge;
	char cdev[32];			/* iommufd: vfio-dev/vfioX, "" when none */
};

/*
 * Load the device with id addr (already parsed: a PCI address or BUS/NAME),
 * through the device reader (device.h). -ENODEV when sysfs has no such
 * device under the root.
 */
int pcidev_load(struct vctx *ctx, const char *addr, struct pcidev *d);

/* The same from a device the caller opened (device_open). */
struct device;
int pcidev_read(struct vctx *ctx, struct device *dev, struct pcidev *d);

/* Re-read only the driver link and driver_override. */
int pcidev_refresh(struct vctx *ctx, struct pcidev *d);

/*
 * A device id as vfioctl writes it in its own files: a PCI address (made
 * canonical), or BUS/NAME of a bus vfioctl knows with a valid name. 0 or
 * -EINVAL.
 */
int dev_id_parse(const char *s, char id[DEV_ID_MAX]);

/* The name of d's bus ("pci", "platform", ...). */
const char *dev_bus(const struct pcidev *d);

/* d is a PCI device (SR-IOV, groups of functions, config space apply). */
bool dev_is_pci(const struct pcidev *d);

/*
 * A device id as a file name under run/vfioctl and etc/vfioctl.d: the PCI
 * address, or BUS-NAME (driverctl's spelling) for the other buses.
 */
int dev_key(const char *id, char *key, size_t size);

/* Every PCI device address, sorted. Free *addrs with free(). */
int pcidev_list(struct vctx *ctx, char (**addrs)[PCI_ADDR_MAX], size_t *n);

/*
 * The n addresses of addrs (which this frees, whatever it returns) as ids
 * in a new array with room for extra more. Free *ids with free().
 */
int pci_addrs_as_ids(char (*addrs)[PCI_ADDR_MAX], size_t n, size_t extra,
		     char (**ids)[DEV_ID_MAX]);

/*
 * Every device of bus as ids (PCI addresses, or BUS/NAME), sorted: PCI's
 * by address, the others' by name. A bus this kernel does not have (no
 * sys/bus/BUS) has none. Free *ids with free().
 */
int dev_list(struct vctx *ctx, const struct bus_kind *bus, char (**ids)[DEV_ID_MAX], size_t *n);

/* Members of IOMMU group n, sorted; free with free(). */
int iommu_group_members(struct vctx *ctx, int group, char (**addrs)[PCI_ADDR_MAX],
			size_t *n);

#endif
