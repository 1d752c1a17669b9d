/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_CMD_H
#define VFIOCTL_CMD_H

#include <stdbool.h>

#include "pcidev.h"

struct vctx;
struct cands;
struct plan;

/* What vfioctl.c parsed for a command. */
struct cmd_args {
	char **names;		/* device names as the user wrote them */
	int nnames;
	const char *driver;	/* bind --driver */
	bool dry_run;
	bool vfio_only;		/* list-devices --vfio */
	bool persist;		/* bind/unbind --persist */
	bool group;		/* bind --group */
	bool noiommu;		/* bind --noiommu */
	const char *owner;	/* bind --owner USER[:GROUP] */
	int numvfs;		/* sriov --numvfs; -1 when not given */
	bool force;		/* take a device the host uses */
	bool sriov_only;	/* apply --sriov-only */
};

/*
 * Commands. Each prints through print.h, reports failures with out_error()
 * and ctx_fail(), and returns 0 or -errno; vfioctl.c turns that into the
 * exit status.
 */
int cmd_bind(struct vctx *ctx, const struct cmd_args *a);
int cmd_unbind(struct vctx *ctx, const struct cmd_args *a);
int cmd_list_devices(struct vctx *ctx, const struct cmd_args *a);
int cmd_list_candidates(struct vctx *ctx, const struct cmd_args *a);
int cmd_show(struct vctx *ctx, const struct cmd_args *a);
int cmd_apply(struct vctx *ctx, const struct cmd_args *a);
int cmd_list_overrides(struct vctx *ctx, const struct cmd_args *a);
int cmd_list_persisted(struct vctx *ctx, const struct cmd_args *a);
int cmd_import_driverctl(struct vctx *ctx, const struct cmd_args *a);
int cmd_owner(struct vctx *ctx, const struct cmd_args *a);
int cmd_sriov(struct vctx *ctx, const struct cmd_args *a);
/* bind/unbind --persist (cmd_persist.c) */
int cmd_bind_persist(struct vctx *ctx, const struct cmd_args *a);
int cmd_unbind_persist(struct vctx *ctx, const struct cmd_args *a);
/* bind --group (cmd_group.c) */
int cmd_bind_group(struct vctx *ctx, const struct cmd_args *a);

/* Shared by the commands (cmd_common.c). */

/*
 * Check every name and turn it into an address, before anything is done
 * or any path built from it. Bad names are reported (exit status 2) and
 * give -EINVAL; duplicates are dropped.
 */
int resolve_names(struct vctx *ctx, char **names, int n,
		  char (**addrs)[PCI_ADDR_MAX], size_t *naddrs);

/*
 * fn for each device named (resolve_names), inside one JSON array; at
 * least one must be named ("CMD: name at least one device", exit status 2).
 */
int each_device(struct vctx *ctx, const struct cmd_args *a, const char *cmd,
		void (*fn)(struct vctx *, const struct cmd_args *, const char *));

/* Print the module directory problem behind err (from ctx_moddir). */
void report_moddir(struct vctx *ctx, int err);

/* Candidates of a device as "candidates" and "best", text or JSON. */
void print_cands(const struct cands *c, const char *indent);

/* show BUS/NAME: a device of a bus beside PCI (cmd_showbus.c). */
struct bus_kind;
int show_bus_device(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		    const char *arg);

struct target;
struct outcome;

/*
 * Steps 2 to 4 for one device: the module and driver to bind it to, from
 * --driver (driver_arg) or the best candidate (c is filled then; always
 * free it with cands_free). Reports its own errors and sets the exit status.
 */
int choose_target(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t);

/* One device to bind, for bind and apply. */
struct bind_req {
	const char *addr;
	const char *driver;	/* NULL: select; else --driver semantics */
	bool dry_run;
	const char *record;	/* the record it comes from, for apply */
	bool hold;		/* apply: keep native drivers off while loading */
	struct outcome *out;	/* if set: what happened, for undoing it */
	bool quiet_group;	/* bind --group checks the group once, at the end */
	bool noiommu;		/* opt in to VFIO's unsafe no-IOMMU mode */
	const char *owner;	/* give the device's VFIO nodes to USER[:GROUP] */
	bool force;		/* take it even if the host uses it */
};

/*
 * Before a device leaves its driver: what the host uses it for (network
 * up, mounted, swap, holders, console, root disk), or on a VFIO driver the
 * processes holding it open. Refused (reported, exit status 1, -EBUSY)
 * unless force, which reports what it overrode.
 */
int check_in_use(struct vctx *ctx, const struct pcidev *d, bool force);

enum bind_status { BIND_FAILED, BIND_UNCHANGED, BIND_BOUND, BIND_PLANNED };

/*
 * Bind one device, printing one JSON object (or text lines) for it;
 * failures are reported and raise the exit status.
 */
int bind_device(struct vctx *ctx, const struct bind_req *req);

/* Give one device back, as unbind does; a bind_status. */
int unbind_device(struct vctx *ctx, const char *addr, bool dry_run, bool force);

/* One PF's VFs, for sriov and apply (cmd_sriov.c). */
struct sriov_req {
	const char *pf;
	int numvfs;
	const char *driver;	/* for the VFs; NULL: each its best */
	const char *owner;
	bool noiommu;
	bool dry_run;
	bool force;
	bool defer;		/* apply: a PF without a driver yet is left for its bind event */
};

/* 1 when it changed something, 0 when not, -errno on failure (reported). */
int sriov_set(struct vctx *ctx, const struct sriov_req *r);

/* sriov --persist: put numvfs in the PF's record (cmd_persist.c). */
int persist_numvfs(struct vctx *ctx, const char *pf, const struct cmd_args *a);

/* A plan's writes as "writes", text or JSON. */
void print_writes(const struct plan *p, const char *indent);

#endif
