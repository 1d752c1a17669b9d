/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_REPORT_H
#define VFIOCTL_REPORT_H

#include <stdbool.h>

#include "bindop.h"
#include "kfacts.h"

struct vctx;

/*
 * What lib/ found or did, printed the one way every command prints it
 * (text or JSON, through print.h): failures as one error line each, with
 * the exit status raised (ctx_fail).
 */

/* The module directory problem behind err (from ctx_moddir). */
void report_moddir(struct vctx *ctx, int err);

/*
 * owner_parse()'s err for USER[:GROUP] owner, as one line (the value
 * escaped): malformed or unknown, exit status 2; passwd or group
 * unreadable, 1.
 */
void report_owner(struct vctx *ctx, const char *dev, const char *owner, int err);

/*
 * The kernel facts (lib/kfacts.h) as a "kernel_facts" object, and in text,
 * after indent, the lines for those that matter here: the override's when
 * override, the fdinfo's when vfio (a device on a VFIO driver, whose
 * holders were looked for). A fact not known prints no line.
 */
void print_kernel_facts(const struct kfacts *kf, bool override, bool vfio, const char *indent);

/* Candidates of a device as "candidates" and "best", text or JSON. */
void print_cands(const struct cands *c, const char *indent);

/* A plan's writes as "writes", text or JSON. */
void print_writes(const struct plan *p, const char *indent);

/* Why target_choose() failed for d; nothing when it did not. */
void report_choice(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		   const struct choice *ch);

/* target_choose(), its failure reported. */
int choose_target(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t);

/*
 * inuse_check()'s result for d: "in_use" (and "forced") in JSON, or the
 * refusal (exit status 1). Nothing when it was not made.
 */
void report_in_use(struct vctx *ctx, const struct pcidev *d, const struct inuse_check *r);

/* inuse_check(), reported. */
int check_in_use(struct vctx *ctx, const struct pcidev *d, bool force);

/*
 * A bind as one JSON object (or text lines), failures reported. With
 * group_check, a device left in a group userspace cannot use is warned
 * about (bind --group checks the group once, at the end).
 */
void report_bind(struct vctx *ctx, const struct bind_req *req, const struct bind_result *r,
		 bool group_check);

/* bindop_bind(), reported; its bind_status. */
int bind_device(struct vctx *ctx, const struct bind_req *req);

void report_unbind(struct vctx *ctx, const struct unbind_req *req,
		   const struct unbind_result *r);

/* bindop_unbind(), reported; its bind_status. */
int unbind_device(struct vctx *ctx, const char *addr, bool dry_run, bool force);

#endif
