/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_CMD_H
#define VFIOCTL_CMD_H

#include <stdbool.h>

#include "pcidev.h"

struct vctx;

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
	const char *bus;	/* --bus BUS: names are of that bus (driverctl's spelling) */
	bool no_reset_required;	/* bind --no-reset-required */
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
 * One name to a device id: a PCI address, or BUS/NAME (from the prefix or
 * --bus) when any_bus; reported and -EINVAL when it is none, or absent and
 * must_exist.
 */
int resolve_device(struct vctx *ctx, const char *name, const char *bus_opt, bool any_bus,
		   bool must_exist, char id[DEV_ID_MAX]);

/*
 * The same for commands that take devices of every bus (any_bus): a PCI
 * address, or BUS/NAME (or NAME with --bus BUS) as the id "BUS/NAME";
 * without any_bus another bus's device is refused in one line.
 */
int resolve_devices(struct vctx *ctx, char **names, int n, const char *bus_opt, bool any_bus,
		    char (**ids)[DEV_ID_MAX], size_t *nids);

/*
 * fn for each device named (resolve_devices), inside one JSON array; at
 * least one must be named ("CMD: name at least one device", exit status 2).
 */
int each_device(struct vctx *ctx, const struct cmd_args *a, const char *cmd, bool any_bus,
		void (*fn)(struct vctx *, const struct cmd_args *, const char *));

/*
 * Device ids as one block, an array of pointers then the strings (free()
 * frees it all): acc's n (taken, may be NULL) then m more from base,
 * stride bytes apart. Thousands of ids take their length, not a
 * DEV_ID_MAX slot each.
 */
int ids_pack(char **acc, size_t n, const char *base, size_t stride, size_t m, char ***out);

/*
 * Every device (of --bus BUS, PCI's by default, every bus's with --bus all),
 * or the named ones (cmd_list.c); reports and sets the status itself. The
 * ids and the array are one block: free *ids with free().
 */
int device_set(struct vctx *ctx, const struct cmd_args *a, char ***ids, size_t *n);

/* show BUS/NAME: a device of a bus beside PCI (cmd_showbus.c). */
struct bus_kind;
int show_bus_device(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		    const char *arg);

/* One PF's VFs, for sriov and apply (vfs.c). */
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

/*
 * --owner as a record would keep it: owner_parse() under the root, before
 * anything is done (cmd_persist.c). Reported (exit status 2 for a bad or
 * unknown name); 0 when owner is NULL.
 */
int check_owner_option(struct vctx *ctx, const char *owner);

/* sriov --persist: put numvfs in the PF's record (cmd_persist.c). */
int persist_numvfs(struct vctx *ctx, const char *pf, const struct cmd_args *a);

#endif
