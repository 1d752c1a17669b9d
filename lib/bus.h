/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_BUS_H
#define VFIOCTL_BUS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The buses vfioctl hands devices of to VFIO, and how each one selects a
 * driver. PCI and CDX have vfio aliases ("vfio_" + modalias, written by
 * modpost for ID-table entries with the override flag) and rank candidates
 * by them; platform, AMBA and fsl-mc have none: their universal driver is
 * the choice. The names are the kernel's (/sys/bus/NAME), which is also
 * how driverctl's --bus spells them.
 */
enum bus_id { BUS_PCI, BUS_PLATFORM, BUS_AMBA, BUS_FSL_MC, BUS_CDX };

struct bus_kind {
	enum bus_id id;
	const char *name;
	const char *alias_prefix;	/* "vfio_pci", "vfio_cdx"; NULL: no vfio aliases */
	const char *universal;		/* module of the universal VFIO driver */
	unsigned universal_wildcards;	/* '*' in its alias (its rank), 0: it has none */
	bool reset_handlers;		/* vfio-platform's reset handlers apply */
};

/* NULL for a bus vfioctl does not know. */
const struct bus_kind *bus_by_name(const char *name);

/* The bus whose vfio aliases start with the key's prefix ("vfio_cdx:..."). */
const struct bus_kind *bus_by_alias(const char *key);

/* The bus an argument names with a "BUS/" prefix; NULL when it has none or
 * names no bus vfioctl knows. */
const struct bus_kind *bus_of_arg(const char *arg);

/* Every bus, in the order list-devices --bus all shows them. */
const struct bus_kind *bus_at(size_t i);

/*
 * Split a device argument into bus and name: "BUS/NAME" (platform/NAME,
 * amba/NAME, fsl-mc/NAME, cdx/NAME, pci/ADDR), or NAME with bus_opt set
 * (--bus BUS NAME, driverctl's spelling); a bare NAME is PCI. -EINVAL for
 * a name that is not one sysfs entry (bus_valid_device_name), -ENODEV for
 * an unknown bus, -EEXIST when --bus and a BUS/ prefix disagree.
 */
int bus_split(const char *arg, const char *bus_opt, const struct bus_kind **bus,
	      char *name, size_t size);

/*
 * A device name as the kernel gives them (9010000.pl031, dprc.2, cdx-00:01,
 * AMDI8001:00): letters, digits and . _ - : @ only, not starting with '.'
 * or '-', shorter than 128 bytes. Anything else is never a path under
 * sys/bus/BUS/devices, so it is refused before it is used in one.
 */
bool bus_valid_device_name(const char *name);

#endif
