/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_GROUP_H
#define VFIOCTL_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "pcidev.h"

struct vctx;

struct group_member {
	char addr[PCI_ADDR_MAX];
	char driver[NAME_MAX_LEN];
	bool bridge;
	bool ok;	/* does not stop the group from being used by userspace */
};

/*
 * An IOMMU group as VFIO sees it: viable when every member is on a VFIO
 * driver, on no driver, on pci-stub, or is a bridge (on no driver or
 * pcieport), which are the drivers that leave DMA to their owner.
 */
struct group_status {
	int group;
	size_t n;
	struct group_member *m;
	bool viable;
};

int group_status(struct vctx *ctx, int group, struct group_status *gs);

/*
 * The member addr of gs is now on driver (a bind or unbind this process
 * made): its entry and the group's viability updated, nothing read.
 * -ENOENT when addr is no member.
 */
int group_status_set(struct vctx *ctx, struct group_status *gs, const char *addr,
		     const char *driver);

/*
 * Whether a device with no iommu_group may still get one when a driver
 * probes it: true when an IOMMU is registered (/sys/class/iommu has an
 * entry). On arm64 (device tree or ACPI IORT) a device joins its group only
 * in really_probe (of_dma_configure / acpi_dma_configure), so a device that
 * never had a driver has no group although an SMMU translates for it; on
 * x86 every device a VT-d/AMD-Vi unit covers has its group from the start.
 */
bool iommu_group_on_probe(struct vctx *ctx);
void group_status_free(struct group_status *gs);

#endif
