// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_mlx5_vfio_pci: vfioctl benchmark fixture with the IDs
 * of upstream mlx5_vfio_pci (ConnectX VFs).
 */
#include "vfxt.h"

static const struct pci_device_id vfxt_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x15b3, 0x101e) },
	{}
};
VFXT_DRIVER("vfxt-mlx5-vfio-pci",
	    "vfioctl bench: IDs of upstream mlx5_vfio_pci");
