/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_KFACTS_H
#define VFIOCTL_KFACTS_H

struct vctx;

/* A kernel fact: not known (-1), no (0), yes (1). */
enum kfact { KF_UNKNOWN = -1, KF_NO = 0, KF_YES = 1 };

/*
 * What vfioctl's reading of sysfs and /proc relies on that differs between
 * kernels, for show and list-devices to say (test/vm/README.md, Kernels):
 *
 * override_generic: driver_override is set through the driver core
 *   (__device_set_driver_override(), bus-generic, under a spinlock: 7.0+
 *   and stable backports such as 6.12.95), so reading it never waits.
 *   Before, PCI's own attribute reads and writes it under the device lock,
 *   which an unbind holds while it waits for a VFIO holder: reading waits as
 *   long. Known from ROOT/proc/kallsyms, which names the helper or not.
 * fdinfo_device: the fdinfo of a VFIO device fd names its device
 *   ("vfio-device-syspath:", 6.18+), so a holder is found exactly; before, a
 *   device fd next to the group's node counts as holding every device of
 *   the group. Known from the kernel release (uname, or under --root the
 *   release of its module directory).
 * release: the release the facts are about ("" when not known).
 */
struct kfacts {
	enum kfact override_generic;
	enum kfact fdinfo_device;
	char release[256];
};

/* Never fails: what cannot be read is KF_UNKNOWN. */
void kernel_facts(struct vctx *ctx, struct kfacts *kf);

/* Whether release (e.g. "6.12.95+deb12-amd64") is major.minor or later: KF_*. */
enum kfact krel_at_least(const char *release, unsigned int major, unsigned int minor);

#endif
