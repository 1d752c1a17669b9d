/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * The device-specific VFIO region that edu_vfio_pci adds to QEMU's "edu"
 * device (1234:11e8). Shared by the driver and by userspace (test/vfio-user.c),
 * so it uses only <linux/types.h> and <linux/vfio.h>.
 *
 * Userspace finds the region by walking VFIO_DEVICE_GET_REGION_INFO for the
 * indexes at and above VFIO_PCI_NUM_REGIONS and matching the
 * VFIO_REGION_INFO_CAP_TYPE capability against EDU_VFIO_REGION_TYPE and
 * EDU_VFIO_REGION_SUBTYPE. The region is read-only and holds one
 * struct edu_vfio_region_info, little-endian.
 */
#ifndef EDU_VFIO_PCI_H
#define EDU_VFIO_PCI_H

#include <linux/types.h>
#include <linux/vfio.h>

#define EDU_VFIO_VENDOR_ID		0x1234
#define EDU_VFIO_DEVICE_ID		0x11e8

/*
 * Vendor-specific region type: the vendor ID in the low 16 bits. The cast
 * keeps it unsigned: the uapi flag is the int (1 << 31).
 */
#define EDU_VFIO_REGION_TYPE						\
	((__u32)VFIO_REGION_TYPE_PCI_VENDOR_TYPE | EDU_VFIO_VENDOR_ID)
#define EDU_VFIO_REGION_SUBTYPE		1

#define EDU_VFIO_REGION_MAGIC		"vfioctl-edu"
#define EDU_VFIO_REGION_VERSION		1

/*
 * edu's BAR0 registers, read at open time: the identification register
 * (0xRRrr00ed: major, minor, 0xed) and the liveness register, which reads
 * back the complement of the last value written to it.
 */
#define EDU_REG_IDENT			0x00
#define EDU_REG_LIVENESS		0x04
#define EDU_LIVENESS_PROBE		0x600dcafeU

struct edu_vfio_region_info {
	char	magic[16];	/* EDU_VFIO_REGION_MAGIC, NUL padded */
	__le32	version;	/* EDU_VFIO_REGION_VERSION */
	__le32	ident;		/* BAR0 + EDU_REG_IDENT, ~0 if unusable */
	/*
	 * BAR0 + EDU_REG_LIVENESS after writing EDU_LIVENESS_PROBE to it:
	 * ~EDU_LIVENESS_PROBE on a live edu device, ~0 if BAR0 is unusable.
	 */
	__le32	liveness;
	__le16	vendor;		/* PCI IDs of the device the driver bound */
	__le16	device;
};

#endif /* EDU_VFIO_PCI_H */
