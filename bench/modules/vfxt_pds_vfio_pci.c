// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_pds_vfio_pci: vfioctl benchmark fixture with the IDs
 * of upstream pds_vfio_pci (AMD Pensando VFs).
 */
#include "vfxt.h"

static const struct pci_device_id vfxt_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1dd8, 0x1003) },
	{}
};
VFXT_DRIVER("vfxt-pds-vfio-pci",
	    "vfioctl bench: IDs of upstream pds_vfio_pci");
