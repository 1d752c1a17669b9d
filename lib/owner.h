/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_OWNER_H
#define VFIOCTL_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pcidev.h"

struct vctx;

/*
 * Non-root users get a device through its VFIO nodes: the group's
 * /dev/vfio/N (noiommu-N without an IOMMU) and, with iommufd, the cdev
 * /dev/vfio/devices/vfioX. Who owns them is kept in
 * ROOT/run/vfioctl/owners/ADDRESS (bind --owner) or in the device's record
 * (bind --persist --owner); udev asks `vfioctl owner NODE` when a node
 * appears, since it resets new nodes to root's.
 */

/* Longest USER[:GROUP], NUL included. */
#define OWNER_MAX 40

/*
 * Is spec a well-formed USER[:GROUP]: names (or numbers) of at most 32 of
 * [A-Za-z0-9_.-$], not starting with '-'? What records and run/vfioctl
 * hold; owner_parse also wants them to exist.
 */
bool owner_valid(const char *spec);

/*
 * "USER[:GROUP]" (names or numbers) into ids; GROUP defaults to USER's
 * primary group. Under --root names come from ROOT/etc/passwd and group.
 * -EINVAL when malformed, -ENOENT when there is no such user or group.
 */
int owner_parse(struct vctx *ctx, const char *spec, uid_t *uid, gid_t *gid);

/*
 * Remember spec as addr's owner until reboot (or unbind). Done before the
 * bind, so that udev, handling the group node the bind creates, finds it.
 * -EINVAL for a spec that is not owner_valid().
 */
int owner_record(struct vctx *ctx, const char *addr, const char *spec);

/*
 * chown USER:GROUP and chmod 0660 d's nodes that exist now; with dry_run
 * only compare. *changed: a node was (or would be) changed.
 */
int owner_chown(struct vctx *ctx, const struct pcidev *d, const char *spec, bool dry_run,
		bool *changed);

/* Forget d's runtime owner. */
void owner_clear(struct vctx *ctx, const char *addr);

/* The runtime owner of addr (owner_record's): 0, or -ENOENT when none. */
int owner_runtime(struct vctx *ctx, const char *addr, char *spec, size_t size);

/* Put back the runtime owner owner_runtime() read: spec, or none for "". */
int owner_restore(struct vctx *ctx, const char *addr, const char *spec);

/* The runtime owner of addr, else the one its record carries: 0 or -ENOENT. */
int owner_of_device(struct vctx *ctx, const struct pcidev *d, char *spec, size_t size);

/* d's VFIO nodes (that exist) as absolute paths without the root, "" ends. */
int owner_nodes(struct vctx *ctx, const struct pcidev *d, char nodes[2][64]);

#endif
