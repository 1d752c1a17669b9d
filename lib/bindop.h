/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_BINDOP_H
#define VFIOCTL_BINDOP_H

#include <stdbool.h>

#include "alias.h"
#include "bind.h"
#include "inuse.h"
#include "pcidev.h"
#include "reset.h"

struct vctx;

/*
 * What every command that moves a device shares (bind, unbind, bind
 * --group, --persist, apply, sriov): the choice of its target, and the
 * bind or unbind of one device as a whole operation, each saying in a
 * result what happened and where it stopped. Nothing here prints: the
 * command layer does, from the result (tools/report.c). What is done
 * anyway (a tie broken by name, --force, no-IOMMU mode) is logged as a
 * warning when it is done.
 */

/* Where target_choose() failed. */
enum choice_fail {
	CHOICE_OK,
	CHOICE_BAD_NAME,	/* --driver: not a module or driver name (-EINVAL) */
	CHOICE_NO_SUCH,		/* --driver: no PCI driver or module of that name (-ENOENT) */
	CHOICE_ARG,		/* --driver: cannot be resolved (err) */
	CHOICE_NO_MODALIAS,	/* the device has no modalias */
	CHOICE_MODDIR,		/* no usable module directory (err, from ctx_moddir) */
	CHOICE_LOOKUP,		/* looking key up failed (err) */
	CHOICE_NONE,		/* no VFIO module matches key */
	CHOICE_BLACKLISTED,	/* every VFIO module matching key is blacklisted */
	CHOICE_MODULE,		/* the state of the chosen module cannot be read (err) */
};

struct choice {
	enum choice_fail fail;
	int err;			/* what the failed step returned */
	char key[ALIAS_MAX];		/* the vfio alias looked up, "" before */
	char module[NAME_MAX_LEN];	/* CHOICE_MODULE: the module chosen */
	char why[PATH_MAX + 64];	/* CHOICE_LOOKUP: cands_error()'s words */
};

/*
 * Steps 2 to 4 for d: the module and driver to bind it to, from --driver
 * (driver_arg) or else the best candidate (c is filled then; always free
 * it with cands_free). A tie is logged as a warning. 0, or -errno with ch
 * saying which step failed.
 */
int target_choose(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t, struct choice *ch);

/*
 * ctx_lock(), and once it is taken, what a vfioctl killed half way left in
 * its journal is finished or undone (bind_recover). Every write to a
 * device's binding takes the lock this way.
 */
int bindop_lock(struct vctx *ctx);

/* If a journal is waiting: bindop_lock(), so that it is dealt with now. */
void bindop_recover(struct vctx *ctx);

/*
 * Whether a bind or unbind of d could be undone: its driver and
 * driver_override are values run/vfioctl's journal and record keep
 * (state_check_dev; a holder's placeholder override, left by a vfioctl
 * killed half way, counts as unset). 0, or -EINVAL with why filled.
 */
int bindop_recordable(struct pcidev *d, char *why, size_t size);

/* One device to bind, for bind and apply. */
struct bind_req {
	const char *addr;
	const char *driver;	/* NULL: select; else --driver semantics */
	bool dry_run;
	const char *record;	/* the record it comes from, for apply */
	bool hold;		/* apply: keep native drivers off while loading */
	bool noiommu;		/* opt in to VFIO's unsafe no-IOMMU mode */
	const char *owner;	/* give the device's VFIO nodes to USER[:GROUP] */
	bool force;		/* take it even if the host uses it */
	bool no_reset_required;	/* vfio-platform/-amba: load it with reset_required=0 */
};

enum bind_status { BIND_FAILED, BIND_UNCHANGED, BIND_BOUND, BIND_PLANNED };

/* Where a bind or an unbind stopped (BINDOP_OK: it did not). */
enum bindop_fail {
	BINDOP_OK,
	BINDOP_READ,		/* the device cannot be read (err) */
	BINDOP_TARGET,		/* no target: see choice */
	BINDOP_IN_USE,		/* the host uses it, or cannot tell: see inuse */
	BINDOP_NO_IOMMU,	/* no IOMMU group, and no no-IOMMU opt-in */
	BINDOP_NO_NOIOMMU,	/* no IOMMU group, and no no-IOMMU mode in the kernel */
	BINDOP_NOIOMMU_ON,	/* turning the no-IOMMU mode on failed (err) */
	BINDOP_OWNER,		/* owner: malformed (-EINVAL) or unknown (-ENOENT) */
	BINDOP_OWNER_RECORD,	/* owner: cannot be recorded under run/vfioctl (err) */
	BINDOP_RESET,		/* the reset handler cannot be found or loaded (err): see reset */
	BINDOP_RESET_REQUIRED,	/* --no-reset-required, but the module is loaded with it on */
	BINDOP_LOAD,		/* the module cannot be loaded (err, see target_load) */
	BINDOP_PLAN,		/* the writes cannot be planned (err) */
	BINDOP_LOCK,		/* unbind: the lock cannot be taken (err) */
	BINDOP_CLEAR,		/* unbind: driver_override cannot be cleared (err) */
	BINDOP_EXEC,		/* the writes failed (err): see outcome */
	BINDOP_UNRECORDABLE,	/* its driver or driver_override cannot be kept in
				   run/vfioctl (-EINVAL): see why */
};

struct bind_result {
	enum bind_status status;
	enum bindop_fail fail;
	int err;
	struct pcidev dev;		/* the device as last read (not after READ) */
	unsigned long gen;		/* sysfs_generation() before its first write */
	char prev_driver[NAME_MAX_LEN];	/* the driver it was on, "" none */
	struct choice choice;
	struct inuse_check inuse;	/* inuse.checked: it was made */
	struct target target;
	bool reset_checked;		/* vfio-platform/-amba: the handler was looked up */
	struct reset_match reset;	/* which compatible entry has one (index -1: none) */
	struct plan plan;		/* the writes planned (PLANNED: not done) */
	struct outcome outcome;		/* BOUND, or EXEC: what the writes did */
	char why[PATH_MAX + 256];	/* UNRECORDABLE: state_check_dev()'s words */
	/* owner, once bound or already there: */
	bool owner_done;		/* the nodes were given, or tried (owner_err) */
	bool owner_changed;		/* a node's owner or mode was (dry run: would be) changed */
	int owner_err;
	int nnodes;
	char nodes[2][64];		/* the nodes given, as owner_nodes() */
};

/*
 * Bind one device: choose its target, check that the host does not use
 * it (unless force), load the module, write, verify; on failure put it
 * back where it was (bind_exec). res->status is what happened, res->fail
 * where it stopped. 0 or the -errno of the failure; free res with
 * bind_result_free() either way.
 */
int bindop_bind(struct vctx *ctx, const struct bind_req *req, struct bind_result *res);
void bind_result_free(struct bind_result *res);

struct unbind_req {
	const char *addr;
	bool dry_run;
	bool force;		/* even if a process holds it through VFIO */
};

struct unbind_result {
	enum bind_status status;	/* BIND_BOUND: given back (or override cleared) */
	enum bindop_fail fail;
	int err;
	struct pcidev dev;		/* the device as read (not after READ) */
	char prev_driver[NAME_MAX_LEN];	/* the driver it was on, "" none */
	bool vfio;			/* it was on a VFIO driver; else only an override was set */
	char back_to[NAME_MAX_LEN];	/* the driver it goes back to, "" the kernel's choice */
	struct inuse_check inuse;
	struct plan plan;
	struct outcome outcome;		/* vfio, once written: what the writes did */
	char why[PATH_MAX + 256];	/* UNRECORDABLE: state_check_dev()'s words */
};

/*
 * Give one device back, as unbind does: from a VFIO driver to the driver
 * recorded when it was taken (or the kernel's choice), refused while a
 * process holds it (unless force); or, not on a VFIO driver, clear a
 * pending driver_override. 0 or the -errno of the failure; free res with
 * unbind_result_free() either way.
 */
int bindop_unbind(struct vctx *ctx, const struct unbind_req *req, struct unbind_result *res);
void unbind_result_free(struct unbind_result *res);

#endif
