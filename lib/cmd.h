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

/* Shared by the commands (cmd_common.c). */

/*
 * Check every name and turn it into an address, before anything is done
 * or any path built from it. Bad names are reported (exit status 2) and
 * give -EINVAL; duplicates are dropped.
 */
int resolve_names(struct vctx *ctx, char **names, int n,
		  char (**addrs)[PCI_ADDR_MAX], size_t *naddrs);

/* Print the module directory problem behind err (from ctx_moddir). */
void report_moddir(struct vctx *ctx, int err);

/* Candidates of a device as "candidates" and "best", text or JSON. */
void print_cands(const struct cands *c, const char *indent);

struct target;

/*
 * Steps 2 to 4 for one device: the module and driver to bind it to, from
 * --driver (driver_arg) or the best candidate (c is filled then; always
 * free it with cands_free). Reports its own errors and sets the exit status.
 */
int choose_target(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t);

/* A plan's writes as "writes", text or JSON. */
void print_writes(const struct plan *p, const char *indent);

#endif
