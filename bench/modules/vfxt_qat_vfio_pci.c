// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_qat_vfio_pci: vfioctl benchmark fixture with the IDs
 * of upstream qat_vfio_pci (Intel QAT 4xxx VFs).
 */
#include "vfxt.h"

static const struct pci_device_id vfxt_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x8086, 0x4941) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x8086, 0x4943) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x8086, 0x4945) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x8086, 0x4949) },
	{}
};
VFXT_DRIVER("vfxt-qat-vfio-pci",
	    "vfioctl bench: IDs of upstream qat_vfio_pci");
