// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_reset_primecell: vfioctl test fixture for the arm64 guest. A
 * vfio-platform reset handler for "arm,primecell", the *second* compatible
 * of every PrimeCell on QEMU virt: vfio-platform looks up only a device's
 * first compatible, so this handler is never used for them, which the
 * arm64 suite proves on the real kernel.
 */
#include <linux/module.h>
#include "vfio_platform_private.h"

static int vfxt_reset_primecell(struct vfio_platform_device *vdev)
{
	return 0;
}

module_vfio_reset_handler("arm,primecell", vfxt_reset_primecell);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfioctl fixture: vfio-platform reset handler for arm,primecell");
