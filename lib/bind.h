/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_BIND_H
#define VFIOCTL_BIND_H

#include <limits.h>
#include <stdbool.h>

#include "module.h"
#include "pcidev.h"
#include "state.h"

struct vctx;

/* The driver a device is to be bound to, and the module behind it. */
struct target {
	const char *bus;		/* the bus its driver is on, "pci" ... */
	char module[NAME_MAX_LEN];	/* "" when the driver has no module */
	char driver[NAME_MAX_LEN];	/* "" until the module is loaded */
	char driver_src[PATH_MAX];	/* where the driver name was read */
	enum mod_state mstate;
};

/*
 * --driver NAME: a driver registered on the bus (sys/bus/BUS/drivers), else
 * a module known to the module directory (kmod's '-'/'_' equivalence
 * applies to module names only). -EINVAL for a malformed name, -ENOENT
 * when it is neither.
 */
int target_from_arg(struct vctx *ctx, const char *bus, const char *name, struct target *t);

/*
 * The module picked by selection; the driver it registered on the bus
 * (sys/module/M/drivers/BUS:NAME) is resolved if it is loaded.
 */
int target_from_module(struct vctx *ctx, const char *bus, const char *module,
		       struct target *t);

/*
 * Steps 5 and 6: load t->module (see mod_load) and read the driver it
 * registered. -EOPNOTSUPP under --root for a module that is not loaded
 * there, -ENOENT when it registered no driver on the bus, -ENOTUNIQ for
 * several.
 */
int target_load(struct vctx *ctx, struct target *t);

struct write_op {
	char path[PATH_MAX];
	char value[NAME_MAX_LEN + DEV_ID_MAX];
	bool unknown;	/* dry run: the driver name is known only after loading */
};

#define PLAN_MAX 4
struct plan {
	struct write_op op[PLAN_MAX];
	size_t n;
	bool noop;	/* already where it should be: nothing to write */
};

/*
 * The writes that bind d to t, in the kernel's order: driver_override,
 * unbind from the current driver (when bound), drivers_probe.
 */
int plan_bind(struct vctx *ctx, const struct pcidev *d, const struct target *t,
	      struct plan *p);

/*
 * The writes that give d back: driver_override cleared with a newline (or
 * restored), unbind from the current driver, then the recorded driver's
 * bind file, or drivers_probe for the kernel's choice. prev may be NULL.
 */
int plan_unbind(struct vctx *ctx, const struct pcidev *d, const struct prev_state *prev,
		struct plan *p);

struct outcome {
	char before[NAME_MAX_LEN];
	char before_override[NAME_MAX_LEN];
	char after[NAME_MAX_LEN];
	bool restored;		/* failed, and the device is back where it was */
	char why[256];		/* what went wrong, in words */
};

/*
 * Bind d to t->driver and verify by re-reading the driver link, since
 * drivers_probe succeeds when nothing binds. On any failure: restore
 * driver_override, re-probe so the original driver takes the device back,
 * verify, and return the error with o->why and o->restored set. Records the
 * previous driver under run/vfioctl/ first.
 */
int bind_exec(struct vctx *ctx, struct pcidev *d, const struct target *t, struct outcome *o);

/*
 * Give d back (see plan_unbind) and verify. If the recorded driver does
 * not take it, d goes back on the VFIO driver it was on rather than being
 * left without a driver, and the error is returned.
 */
int unbind_exec(struct vctx *ctx, struct pcidev *d, const struct prev_state *prev,
		struct outcome *o);

/*
 * bind_exec and unbind_exec keep a journal (state.h) from their first
 * write to their last. Under the lock, before anything else: a journal
 * left by a vfioctl killed half way is finished (the device already where
 * it was going) or undone (restored as a failed bind or unbind is), with a
 * warning. 0, or -errno of an unreadable journal (then removed).
 */
int bind_recover(struct vctx *ctx);

#endif
