// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * edu_vfio_pci: VFIO variant driver for QEMU's "edu" device (1234:11e8).
 *
 * Everything vfio-pci offers comes from the in-tree vfio_pci_core. What this
 * driver adds is one read-only device-specific region, registered on every
 * open of the device, whose contents show userspace that this driver and not
 * generic vfio-pci owns the device, and that the device answered: a magic
 * string, edu's identification register and the result of a liveness check.
 * The layout is in edu_vfio_pci.h.
 *
 * The ID table entry is override_only (PCI_DRIVER_OVERRIDE_DEVICE_VFIO): the
 * driver binds a device only when its driver_override says "edu-vfio-pci",
 * and depmod publishes the alias vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*.
 */

#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "edu_vfio_pci.h"
#include "vfioctl_variant.h"

static bool fail_probe;
module_param(fail_probe, bool, 0644);
MODULE_PARM_DESC(fail_probe, "Fail every probe with -EIO (for fault tests)");

static bool decline_probe;
module_param(decline_probe, bool, 0644);
MODULE_PARM_DESC(decline_probe,
		 "Decline every probe with -ENODEV, which the kernel does not log (for fault tests)");

struct edu_vfio_pci_device {
	struct vfio_pci_core_device core_device;
	/* Contents of the edu region, taken at each open. */
	struct edu_vfio_region_info info;
};

static ssize_t edu_region_rw(struct vfio_pci_core_device *vdev,
			     char __user *buf, size_t count, loff_t *ppos,
			     bool iswrite)
{
	unsigned int i = VFIO_PCI_OFFSET_TO_INDEX(*ppos) - VFIO_PCI_NUM_REGIONS;
	struct vfio_pci_region *region = &vdev->region[i];
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;

	/* vfio_pci_core passes writes on without looking at the region flags */
	if (iswrite || pos >= region->size)
		return -EINVAL;

	count = min_t(size_t, count, region->size - pos);
	if (copy_to_user(buf, (u8 *)region->data + pos, count))
		return -EFAULT;

	*ppos += count;
	return count;
}

/* vfio_pci_core_disable() calls this unconditionally; the data is embedded. */
static void edu_region_release(struct vfio_pci_core_device *vdev,
			       struct vfio_pci_region *region)
{
}

static const struct vfio_pci_regops edu_region_ops = {
	.rw		= edu_region_rw,
	.release	= edu_region_release,
};

/*
 * Read edu's registers through a short private mapping of BAR0: 6.1 does not
 * export vfio_pci_core's own BAR mapping helper. The device has just been
 * enabled and userspace cannot reach it yet, so nothing races with us.
 * driver_override can hand any device to this driver, so the registers are
 * touched only on a real edu with memory decoding on.
 */
static void edu_take_snapshot(struct edu_vfio_pci_device *edev)
{
	struct pci_dev *pdev = edev->core_device.pdev;
	struct edu_vfio_region_info *info = &edev->info;
	u32 ident = ~0U, liveness = ~0U;
	void __iomem *bar0 = NULL;
	u16 cmd = 0;

	memset(info, 0, sizeof(*info));
	strscpy(info->magic, EDU_VFIO_REGION_MAGIC, sizeof(info->magic));
	info->version = cpu_to_le32(EDU_VFIO_REGION_VERSION);
	info->vendor = cpu_to_le16(pdev->vendor);
	info->device = cpu_to_le16(pdev->device);

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (pdev->vendor == EDU_VFIO_VENDOR_ID &&
	    pdev->device == EDU_VFIO_DEVICE_ID &&
	    (cmd & PCI_COMMAND_MEMORY) &&
	    (pci_resource_flags(pdev, 0) & IORESOURCE_MEM) &&
	    pci_resource_len(pdev, 0) >= EDU_REG_LIVENESS + sizeof(u32))
		bar0 = pci_iomap_range(pdev, 0, 0,
				       EDU_REG_LIVENESS + sizeof(u32));
	if (bar0) {
		ident = ioread32(bar0 + EDU_REG_IDENT);
		iowrite32(EDU_LIVENESS_PROBE, bar0 + EDU_REG_LIVENESS);
		liveness = ioread32(bar0 + EDU_REG_LIVENESS);
		pci_iounmap(pdev, bar0);
	} else {
		pci_warn(pdev, "BAR0 not usable, edu region reports ~0\n");
	}

	info->ident = cpu_to_le32(ident);
	info->liveness = cpu_to_le32(liveness);
}

static int edu_vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct edu_vfio_pci_device *edev =
		container_of(core_vdev, struct edu_vfio_pci_device,
			     core_device.vdev);
	struct vfio_pci_core_device *vdev = &edev->core_device;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	/* Dropped again by vfio_pci_core_disable() when the device closes. */
	edu_take_snapshot(edev);
	ret = vfio_pci_core_register_dev_region(vdev, EDU_VFIO_REGION_TYPE,
						EDU_VFIO_REGION_SUBTYPE,
						&edu_region_ops,
						sizeof(edev->info),
						VFIO_REGION_INFO_FLAG_READ,
						&edev->info);
	if (ret) {
		pci_warn(vdev->pdev, "cannot add the edu region: %d\n", ret);
		vfio_pci_core_disable(vdev);
		return ret;
	}

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops edu_vfio_pci_ops = {
	.name		= "edu-vfio-pci",
	.open_device	= edu_vfio_pci_open_device,
	VFIOCTL_CORE_OPS
};

static int edu_vfio_pci_probe(struct pci_dev *pdev,
			      const struct pci_device_id *id)
{
	struct edu_vfio_pci_device *edev;
	int ret;

	if (READ_ONCE(fail_probe)) {
		dev_err(&pdev->dev, "fail_probe is set, refusing to bind\n");
		return -EIO;
	}
	/* "not mine": drivers_probe succeeds and nothing binds, silently */
	if (READ_ONCE(decline_probe))
		return -ENODEV;

	edev = vfio_alloc_device(edu_vfio_pci_device, core_device.vdev,
				 &pdev->dev, &edu_vfio_pci_ops);
	if (IS_ERR(edev))
		return PTR_ERR(edev);

	dev_set_drvdata(&pdev->dev, &edev->core_device);
	ret = vfio_pci_core_register_device(&edev->core_device);
	if (ret)
		vfio_put_device(&edev->core_device.vdev);
	return ret;
}

static void edu_vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id edu_vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(EDU_VFIO_VENDOR_ID,
					  EDU_VFIO_DEVICE_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, edu_vfio_pci_table);

static struct pci_driver edu_vfio_pci_driver = {
	.name			= "edu-vfio-pci",
	.id_table		= edu_vfio_pci_table,
	.probe			= edu_vfio_pci_probe,
	.remove			= edu_vfio_pci_remove,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};
module_pci_driver(edu_vfio_pci_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vfioctl developers");
MODULE_DESCRIPTION("VFIO variant driver for QEMU's edu device");
