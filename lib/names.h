/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_NAMES_H
#define VFIOCTL_NAMES_H

#include <stddef.h>

struct vctx;

/*
 * Names from the PCI ID database through libpci (ROOT's pci.ids under
 * --root when it has one). Each returns buf, or NULL when the database
 * does not know the ID; libpci's messages go through our log.
 */
const char *names_vendor(struct vctx *ctx, unsigned vendor, char *buf, size_t size);
const char *names_device(struct vctx *ctx, unsigned vendor, unsigned device,
			 char *buf, size_t size);
const char *names_class(struct vctx *ctx, unsigned class24, char *buf, size_t size);
void names_release(struct vctx *ctx);

#endif
