// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_hisi_acc_vfio_pci: vfioctl benchmark fixture with the IDs
 * of upstream hisi_acc_vfio_pci (HiSilicon SEC, HPRE, ZIP VFs).
 */
#include "vfxt.h"

static const struct pci_device_id vfxt_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x19e5, 0xa256) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x19e5, 0xa259) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x19e5, 0xa251) },
	{}
};
VFXT_DRIVER("vfxt-hisi-acc-vfio-pci",
	    "vfioctl bench: IDs of upstream hisi_acc_vfio_pci");
