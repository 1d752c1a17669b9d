/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What edu_vfio_pci and qemu_vfio_pci share: the vfio_device_ops entries
 * that come straight from the in-tree vfio_pci_core, and the differences
 * between kernel versions in that table.
 *
 * Built and run under QEMU by the test suite against Debian's 6.1 (Debian
 * 12), 6.12 (bookworm-backports) and 7.2 (sid) headers (make kernel,
 * test/lib/kernels), with -Werror. 6.1 compiles none of the branches below,
 * 6.12 the first two, 7.2 all four; which ones a module got is in its
 * modinfo, field "vfioctl_ops" (test/kernels.bats checks it). Each branch
 * was checked against the real 6.12 and 7.2 sources (include/linux/vfio.h,
 * drivers/vfio/pci/virtio/main.c, which sets the same ops):
 *
 *   6.2   bind_iommufd/unbind_iommufd/attach_ioas (vfio_iommufd_physical_*).
 *         With CONFIG_IOMMUFD, vfio refuses to register a device whose ops
 *         lack them; without it, <linux/vfio.h> defines them as NULL.
 *   6.6   detach_ioas (vfio_iommufd_physical_detach_ioas), for the cdev
 *         interface (/dev/vfio/devices/vfioX).
 *   6.17  match_token_uuid (vfio_pci_core_match_token_uuid): the VF token
 *         passed when a device is bound through iommufd.
 *   6.19  VFIO_DEVICE_GET_REGION_INFO no longer goes through .ioctl; vfio
 *         calls .get_region_info_caps, and vfio_pci_ioctl_get_region_info
 *         also describes the regions added with
 *         vfio_pci_core_register_dev_region(). Without it userspace would see
 *         no region at all.
 */
#ifndef VFIOCTL_VARIANT_H
#define VFIOCTL_VARIANT_H

#include <linux/module.h>
#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/*
 * 6.1 is the floor: vfio_alloc_device() and vfio_pci_core_init_dev() replaced
 * vfio_pci_core_init_device() there. vfio_pci_core itself exists since 5.15
 * and .driver_managed_dma since 5.19, but this code has no branch for the
 * older allocation API.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "the vfioctl variant drivers need Linux 6.1 or later"
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define VFIOCTL_OPS_IOMMUFD						\
	.bind_iommufd	= vfio_iommufd_physical_bind,			\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,			\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
#define VFIOCTL_NAME_IOMMUFD " iommufd"
#else
#define VFIOCTL_OPS_IOMMUFD
#define VFIOCTL_NAME_IOMMUFD ""
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define VFIOCTL_OPS_DETACH_IOAS						\
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#define VFIOCTL_NAME_DETACH_IOAS " detach_ioas"
#else
#define VFIOCTL_OPS_DETACH_IOAS
#define VFIOCTL_NAME_DETACH_IOAS ""
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define VFIOCTL_OPS_TOKEN						\
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#define VFIOCTL_NAME_TOKEN " match_token_uuid"
#else
#define VFIOCTL_OPS_TOKEN
#define VFIOCTL_NAME_TOKEN ""
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define VFIOCTL_OPS_REGION_INFO						\
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
#define VFIOCTL_NAME_REGION_INFO " get_region_info_caps"
#else
#define VFIOCTL_OPS_REGION_INFO
#define VFIOCTL_NAME_REGION_INFO ""
#endif

/*
 * Which of the version-dependent ops this build set, for the tests:
 * `modinfo -F vfioctl_ops MODULE` ("base" plus the names above).
 */
MODULE_INFO(vfioctl_ops, "base" VFIOCTL_NAME_IOMMUFD VFIOCTL_NAME_DETACH_IOAS
	    VFIOCTL_NAME_TOKEN VFIOCTL_NAME_REGION_INFO);

/*
 * Everything but .name and .open_device, which each driver sets itself.
 * A driver's open_device must call vfio_pci_core_enable() and then
 * vfio_pci_core_finish_enable(); device-specific regions go in between.
 */
#define VFIOCTL_CORE_OPS						\
	.init		= vfio_pci_core_init_dev,			\
	.release	= vfio_pci_core_release_dev,			\
	.close_device	= vfio_pci_core_close_device,			\
	.ioctl		= vfio_pci_core_ioctl,				\
	.device_feature	= vfio_pci_core_ioctl_feature,			\
	.read		= vfio_pci_core_read,				\
	.write		= vfio_pci_core_write,				\
	.mmap		= vfio_pci_core_mmap,				\
	.request	= vfio_pci_core_request,			\
	.match		= vfio_pci_core_match,				\
	VFIOCTL_OPS_IOMMUFD						\
	VFIOCTL_OPS_DETACH_IOAS						\
	VFIOCTL_OPS_TOKEN						\
	VFIOCTL_OPS_REGION_INFO

#endif /* VFIOCTL_VARIANT_H */
