// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_reset_pl031: vfioctl test fixture for the arm64 guest. A vfio-platform
 * reset handler for the first compatible of QEMU virt's PL031 RTC
 * ("arm,pl031"), registered the way upstream's are (module_vfio_reset_handler
 * of vfio_platform_private.h, which writes the "vfio-reset:arm,pl031"
 * alias). The reset itself does nothing: the guest has no IOMMU for AMBA
 * devices, so no user ever opens the device.
 */
#include <linux/module.h>
#include "vfio_platform_private.h"

static int vfxt_reset_pl031(struct vfio_platform_device *vdev)
{
	return 0;
}

module_vfio_reset_handler("arm,pl031", vfxt_reset_pl031);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfioctl fixture: vfio-platform reset handler for arm,pl031");
