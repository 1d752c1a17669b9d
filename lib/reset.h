/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_RESET_H
#define VFIOCTL_RESET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct vctx;

#define COMPAT_LIST_MAX 1024	/* of_node/compatible: a few strings */

/*
 * vfio-platform (and vfio-amba, which shares its code) wants a reset
 * handler for a device-tree device. Handlers are modules that register one
 * for a compatible string and carry the alias "vfio-reset:COMPATIBLE"
 * (module_vfio_reset_handler()). The kernel requests and uses a handler
 * for the device's *first* compatible only; on 6.1 (before "vfio/platform:
 * Fix reset_required behavior", 6.3) its probe fails with ENOENT without
 * one, even with reset_required=0.
 */
struct reset_match {
	int index;			/* entry of the compatible list that matched, -1: none */
	size_t entries;			/* entries in the list */
	char compat[128];		/* the entry that matched */
	char module[NAME_MAX_LEN];	/* its handler's module */
	bool builtin;
	bool blacklisted;
};

/*
 * Look "vfio-reset:ENTRY" up in the module indexes (and modprobe.d) for
 * every entry of a NUL-separated compatible list, in order: the first
 * entry with a handler wins. 0 (m->index -1 when none matched) or -errno.
 */
int reset_lookup(struct vctx *ctx, const char *list, size_t len, struct reset_match *m);

/* vfio_platform's reset_required as it is loaded: 1 (Y), 0 (N), -ENOENT
 * when the module is not loaded (its parameter is read-only once loaded). */
int reset_required_now(struct vctx *ctx);

/*
 * The device's of_node/compatible (NUL-separated, as the kernel gives it),
 * read through devfd, the device's sysfs directory: its length, 0 when the
 * device has no device-tree node, or -errno. Only a regular file inside the
 * root is read.
 */
ssize_t dt_compatible(struct vctx *ctx, int devfd, char *buf, size_t size);

/*
 * The device's ACPI companion (firmware_node): its namespace path (\_SB_.X)
 * and _HID. vfio-platform resets such a device with its _RST method, which
 * sysfs does not show. -ENOENT when the device has none.
 */
int acpi_companion(struct vctx *ctx, int devfd, char *path, size_t psize,
		   char *hid, size_t hsize);

#endif
