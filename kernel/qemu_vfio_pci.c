// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu_vfio_pci: vendor-wide VFIO variant driver for QEMU's own PCI devices
 * (vendor 1234, e.g. the std VGA 1234:1111).
 *
 * It adds nothing to vfio_pci_core; it exists to exercise vfioctl's choice
 * of driver:
 *  - its alias vfio_pci:v00001234d*sv*sd*bc*sc*i* has fewer wildcards than
 *    vfio-pci's and more than edu_vfio_pci's exact one, so 1234:1111 gets this
 *    driver while edu (1234:11e8) still gets edu_vfio_pci;
 *  - its driver is called "qemu-vfio", which cannot be derived from the module
 *    name: a tool has to read /sys/module/qemu_vfio_pci/drivers/ to learn the
 *    name to write to driver_override;
 *  - the fail_probe parameter makes every probe fail with -EIO, to test how a
 *    tool reports a bind that did not happen.
 */

#include <linux/module.h>
#include <linux/pci.h>

#include "vfioctl_variant.h"

#define QEMU_VFIO_VENDOR_ID	0x1234

static bool fail_probe;
module_param(fail_probe, bool, 0644);
MODULE_PARM_DESC(fail_probe, "Fail every probe with -EIO (for fault tests)");

static int qemu_vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops qemu_vfio_pci_ops = {
	.name		= "qemu-vfio",
	.open_device	= qemu_vfio_pci_open_device,
	VFIOCTL_CORE_OPS
};

static int qemu_vfio_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	if (READ_ONCE(fail_probe)) {
		dev_err(&pdev->dev, "fail_probe is set, refusing to bind\n");
		return -EIO;
	}

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev,
				 &qemu_vfio_pci_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		vfio_put_device(&vdev->vdev);
	return ret;
}

static void qemu_vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id qemu_vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(QEMU_VFIO_VENDOR_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, qemu_vfio_pci_table);

static struct pci_driver qemu_vfio_pci_driver = {
	.name			= "qemu-vfio",
	.id_table		= qemu_vfio_pci_table,
	.probe			= qemu_vfio_pci_probe,
	.remove			= qemu_vfio_pci_remove,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};
module_pci_driver(qemu_vfio_pci_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vfioctl developers");
MODULE_DESCRIPTION("Vendor-wide VFIO variant driver for QEMU's PCI devices");
