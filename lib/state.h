/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_STATE_H
#define VFIOCTL_STATE_H

#include "util.h"

struct vctx;

/*
 * What a device looked like before vfioctl took it, kept in
 * ROOT/run/vfioctl/ADDRESS so `unbind` can give it back. run/ is emptied at
 * boot, like the binding itself.
 */
struct prev_state {
	char driver[NAME_MAX_LEN];	/* "" when it had none */
	char module[NAME_MAX_LEN];	/* module behind that driver, "" unknown */
	char override[NAME_MAX_LEN];	/* driver_override before, "" unset */
};

/* 0, -ENOENT when nothing is recorded, -EINVAL for a malformed record. */
int state_load(struct vctx *ctx, const char *addr, struct prev_state *s);
/* Atomic: temp file, fsync, rename. */
int state_save(struct vctx *ctx, const char *addr, const struct prev_state *s);
int state_remove(struct vctx *ctx, const char *addr);

#endif
