/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_INUSE_H
#define VFIOCTL_INUSE_H

#include <stdbool.h>
#include <stddef.h>

struct vctx;
struct pcidev;

/*
 * What the host uses a PCI device for, found before the device is taken
 * from its driver: unbinding a disk controller, a network card or the
 * console's GPU can take the machine down with it.
 */
enum use_kind {
	USE_NET,	/* a network interface that is up, or has addresses or routes */
	USE_MOUNT,	/* a block device with a mounted file system */
	USE_SWAP,	/* active swap: the partition, or a swap file on it */
	USE_HOLDER,	/* dm, md, LVM, bcache... built on a block device */
	USE_ROOT,	/* the root file system is on it, through any stack */
	USE_CONSOLE,	/* boot VGA, a framebuffer, a serial console */
	USE_VFIO,	/* a process holds it through VFIO (a VM, a userspace driver) */
};

#define USE_WHAT_MAX 160
#define USE_NAME_MAX 64

struct use {
	enum use_kind kind;
	char what[USE_WHAT_MAX];	/* one line for humans */
	char name[USE_NAME_MAX];	/* interface, block device, fbN, ttyS4, boot_vga; pid */
};

struct uses {
	struct use *v;
	size_t n;
};

/*
 * Every use of the device d and of everything below it in sysfs (a VMD
 * controller's NVMe drives, a bridge's devices): root file system first,
 * then per block device its mounts, swap and holders, then network
 * interfaces, then consoles. A device on a VFIO driver has none of those;
 * its uses are the processes holding it open through VFIO, which the
 * kernel makes an unbind wait for. u->n == 0: nothing found. Everything is read
 * under ctx's root; a file that does not exist there means "nothing of
 * that kind", except on the running system when neither
 * /proc/self/mountinfo nor /proc/mounts can be read (-ENOENT: without
 * /proc nothing can be said about mounts). 0 or -errno; free u with
 * uses_free() either way.
 */
int device_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);
void uses_free(struct uses *u);

/* "net", "mount", "swap", "holder", "root", "console", "vfio": JSON values. */
const char *use_kind_name(enum use_kind k);

/* The check made before a device leaves its driver (inuse_check). */
struct inuse_check {
	bool checked;		/* it had a driver: its uses were looked for */
	bool force;		/* what was found is overridden */
	int err;		/* device_uses() failed: nothing is known */
	struct uses u;		/* what was found */
};

/*
 * May d leave its driver? Not while the host uses it (device_uses()),
 * unless force. 0 when it has no driver, nothing was found, or force
 * (then each use taken anyway, or not knowing, is logged as a warning);
 * -EBUSY when something was found; device_uses()'s -errno when it cannot
 * tell. Free r with inuse_check_free() either way.
 */
int inuse_check(struct vctx *ctx, const struct pcidev *d, bool force, struct inuse_check *r);
void inuse_check_free(struct inuse_check *r);

#endif
