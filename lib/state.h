/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_STATE_H
#define VFIOCTL_STATE_H

#include "pcidev.h"
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

/*
 * What the files under run/vfioctl hold, for their writer and their reader
 * alike: a driver, module or override is "" or a name (valid_name). The
 * savers refuse anything else with -EINVAL and write nothing; the loaders
 * refuse it as malformed.
 */
bool state_value_ok(const char *v);

/*
 * -EINVAL, with why (for the user) filled, when d's driver or
 * driver_override is no value the record and the journal can keep, so a
 * bind or unbind of d could not be undone; 0 when they can.
 */
int state_check_dev(const struct pcidev *d, char *why, size_t size);

/* 0, -ENOENT when nothing is recorded, -EINVAL for a malformed record. */
int state_load(struct vctx *ctx, const char *addr, struct prev_state *s);
/* Atomic: temp file, fsync, rename. */
int state_save(struct vctx *ctx, const char *addr, const struct prev_state *s);
int state_remove(struct vctx *ctx, const char *addr);

/*
 * A bind or unbind under way, in ROOT/run/vfioctl/journal: written before
 * its first sysfs write, removed after its last. Under the lock there is
 * one at a time. A vfioctl killed half way leaves it for the next one
 * (bind_recover) to finish or undo.
 */
struct journal {
	char op[8];			/* "bind" or "unbind" */
	char addr[DEV_ID_MAX];		/* a PCI address or BUS/NAME */
	char driver[NAME_MAX_LEN];	/* where it was: driver, "" none */
	char override[NAME_MAX_LEN];	/* and driver_override, "" unset */
	char target[NAME_MAX_LEN];	/* where it goes: driver, "" the kernel's choice */
	char target_override[NAME_MAX_LEN];
	char new_record[4];		/* "yes": the run/vfioctl record is this bind's */
};

int journal_save(struct vctx *ctx, const struct journal *j);
/* 0, -ENOENT when there is none, -EINVAL for a malformed one. */
int journal_load(struct vctx *ctx, struct journal *j);
int journal_remove(struct vctx *ctx);
bool journal_exists(struct vctx *ctx);

/*
 * Remove the temporary files of run/vfioctl's journal and records that a
 * vfioctl killed before its rename left. Only under the lock: every writer
 * there holds it.
 */
void state_sweep(struct vctx *ctx);

#endif
