// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfxt_nvgrace_gpu_vfio_pci: vfioctl benchmark fixture with the IDs
 * of upstream nvgrace_gpu_vfio_pci (NVIDIA Grace Hopper and Blackwell GPUs):
 * its driver name is not its module name.
 */
#include "vfxt.h"

static const struct pci_device_id vfxt_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x10de, 0x2342) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x10de, 0x2345) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x10de, 0x2348) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x10de, 0x2941) },
	{}
};
VFXT_DRIVER("vfxt-nvgrace-gpu",
	    "vfioctl bench: IDs of upstream nvgrace_gpu_vfio_pci");
