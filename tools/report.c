// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/'s results printed, for every command; see report.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alias.h"
#include "bind.h"
#include "ctx.h"
#include "group.h"
#include "log.h"
#include "print.h"
#include "report.h"

/* A fact as JSON true, false or null. */
static void out_kfact(const char *key, enum kfact f)
{
	if (f == KF_UNKNOWN)
		out_null(OUT_JSON, key, "");
	else
		out_bool(OUT_JSON, key, NULL, f == KF_YES);
}

void print_kernel_facts(const struct kfacts *kf, bool override, bool vfio, const char *indent)
{
	const char *first = "kernel:   ";

	out_open_object("kernel_facts");
	out_str(OUT_JSON, "release", NULL, kf->release[0] ? kf->release : NULL);
	out_kfact("driver_override_generic", kf->override_generic);
	out_kfact("vfio_fdinfo_names_device", kf->fdinfo_device);
	out_close_object();
	if (override && kf->override_generic == KF_YES) {
		out_text("%s%sdriver_override is bus-generic on this kernel (driver core): "
			 "reading it never waits\n", indent, first);
		first = "          ";
	} else if (override && kf->override_generic == KF_NO) {
		out_text("%s%sdriver_override is PCI's own on this kernel: reading it waits while "
			 "an unbind waits for a VFIO holder\n", indent, first);
		first = "          ";
	}
	if (vfio && kf->fdinfo_device == KF_YES)
		out_text("%s%sVFIO device fds name their device (fdinfo, 6.18+): holders are "
			 "found exactly\n", indent, first);
	else if (vfio && kf->fdinfo_device == KF_NO)
		out_text("%s%sVFIO device fds do not name their device (before 6.18): a device "
			 "fd beside the group's node counts for every device of the group\n", indent, first);
}

void report_moddir(struct vctx *ctx, int err)
{
	char dir[PATH_MAX];

	ctx_fail(ctx, EXIT_FAILED);
	if (err == -ENOTUNIQ) {
		ctx_path(ctx, dir, sizeof(dir), "/lib/modules");
		out_error(NULL, 0, "%s holds several kernel releases; pick one with --kernel", dir);
	} else if (err == -ENOENT && ctx->krel[0]) {
		ctx_path(ctx, dir, sizeof(dir), "/lib/modules/%s", ctx->krel);
		out_error(NULL, 0, "no module directory %s (install the kernel's modules, or use --kernel)",
			  dir);
	} else if (err == -ENOENT) {
		ctx_path(ctx, dir, sizeof(dir), "/lib/modules");
		out_error(NULL, 0, "no kernel module directory under %s", dir);
	} else {
		out_error(NULL, err, "cannot read the module directory");
	}
}

void print_cands(const struct cands *c, const char *indent)
{
	size_t i;

	out_open_array("candidates");
	for (i = 0; i < c->n; i++) {
		const struct cand *k = &c->v[i];
		bool best = (long)i == c->best;

		out_open_object(NULL);
		out_text("%s%s ", indent, best ? "*" : " ");
		out_str(OUT_ANY, "module", "%-26s", k->module);
		out_uint(OUT_ANY, "wildcards", "%u  ", k->wildcards);
		if (k->src == SRC_FALLBACK)
			out_null(OUT_ANY, "alias", "(no vfio alias in the indexes: generic fallback)");
		else
			out_str(OUT_ANY, "alias", "%s", k->alias);
		out_bool(OUT_JSON, "builtin", NULL, k->builtin);
		out_bool(OUT_JSON, "blacklisted", NULL, k->blacklisted);
		out_str(OUT_JSON, "source", NULL, cand_src_name(k->src));
		if (best && c->tie)
			out_text("  (tie: first by name)");
		if (k->builtin)
			out_text("  (built-in)");
		if (k->blacklisted)
			out_text("  (blacklisted: not chosen)");
		if (k->src == SRC_CONFIG)
			out_text("  (modprobe.d alias)");
		out_text("\n");
		out_close_object();
	}
	out_close_array();
	if (c->n == 0)
		out_text("%s  (no VFIO module matches)\n", indent);
	out_str(OUT_JSON, "best", NULL, c->best >= 0 ? c->v[c->best].module : NULL);
	out_bool(OUT_JSON, "tie", NULL, c->tie);
}

void print_writes(const struct plan *p, const char *indent)
{
	size_t i;

	out_open_array("writes");
	for (i = 0; i < p->n; i++) {
		const struct write_op *op = &p->op[i];

		out_open_object(NULL);
		out_text("%swrite ", indent);
		if (op->unknown) {
			out_null(OUT_ANY, "value", op->value);
		} else {
			out_str(OUT_JSON, "value", NULL, op->value);
			out_text("\"%s\"", op->value[0] == '\n' ? "\\n" : op->value);
		}
		out_str(OUT_ANY, "path", " > %s\n", op->path);
		out_close_object();
	}
	out_close_array();
}

void report_owner(struct vctx *ctx, const char *dev, const char *owner, int err)
{
	if (err == -EINVAL || err == -ENOENT) {
		out_error(dev, 0, err == -EINVAL ? "--owner '%s': not USER[:GROUP]" :
			  "--owner '%s': no such user or group", owner);
		ctx_fail(ctx, EXIT_USAGE);
	} else {
		out_error(dev, err, "--owner '%s': cannot read %s/etc/passwd or group", owner,
			  ctx->root);
		ctx_fail(ctx, EXIT_FAILED);
	}
}

void report_choice(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		   const struct choice *ch)
{
	char shown[80];

	switch (ch->fail) {
	case CHOICE_OK:
		return;
	case CHOICE_BAD_NAME:
	case CHOICE_NO_SUCH:
		printable(driver_arg, shown, sizeof(shown));
		out_error(d->addr, 0, ch->fail == CHOICE_BAD_NAME ?
			  "'%s': not a module or driver name" : "no %s driver or module named %s",
			  ch->fail == CHOICE_BAD_NAME ? shown : dev_is_pci(d) ? "PCI" : dev_bus(d),
			  shown);
		ctx_fail(ctx, EXIT_USAGE);
		return;
	case CHOICE_ARG:
		out_error(d->addr, ch->err, "cannot resolve %s", driver_arg);
		break;
	case CHOICE_NO_MODALIAS:
		out_error(d->addr, 0, "no modalias in %s", d->path);
		break;
	case CHOICE_MODDIR:
		report_moddir(ctx, ch->err);
		return;
	case CHOICE_LOOKUP:
		out_error(d->addr, 0, "%s", ch->why);
		break;
	case CHOICE_NONE:
		if (!strchr(ch->key, ':'))	/* a bus without vfio aliases: its universal module */
			out_error(d->addr, 0, "no module %s, the %s bus's VFIO driver, in this kernel",
				  ch->key, dev_bus(d));
		else
			out_error(d->addr, 0, "no VFIO module matches %s (is vfio-pci installed?)",
				  ch->key);
		break;
	case CHOICE_BLACKLISTED:
		out_error(d->addr, 0, "every VFIO module matching %s is blacklisted", ch->key);
		break;
	case CHOICE_MODULE:
		out_error(d->addr, ch->err, "cannot read the state of module %s", ch->module);
		break;
	}
	ctx_fail(ctx, EXIT_FAILED);
}

int choose_target(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t)
{
	struct choice ch;
	int err;

	err = target_choose(ctx, d, driver_arg, c, t, &ch);
	report_choice(ctx, d, driver_arg, &ch);
	return err;
}

void report_in_use(struct vctx *ctx, const struct pcidev *d, const struct inuse_check *r)
{
	const struct uses *u = &r->u;
	size_t i;

	if (!r->checked)
		return;
	if (r->err) {
		if (r->force)
			return;	/* logged as it was taken */
		out_error(d->addr, r->err, "cannot tell whether the host uses it; --force takes it anyway");
		ctx_fail(ctx, EXIT_FAILED);
		return;
	}
	out_open_array("in_use");
	for (i = 0; i < u->n; i++) {
		out_open_object(NULL);
		out_str(OUT_JSON, "kind", NULL, use_kind_name(u->v[i].kind));
		out_str(OUT_JSON, "name", NULL, u->v[i].name);
		out_str(OUT_JSON, "what", NULL, u->v[i].what);
		out_close_object();
	}
	out_close_array();
	if (u->n && r->force) {
		out_bool(OUT_JSON, "forced", NULL, true);
	} else if (u->n) {
		out_error(d->addr, 0, "in use: %s%s; --force takes it anyway", u->v[0].what,
			  u->n > 1 ? " (and more: see vfioctl show)" : "");
		ctx_fail(ctx, EXIT_FAILED);
	}
}

int check_in_use(struct vctx *ctx, const struct pcidev *d, bool force)
{
	struct inuse_check r;
	int err;

	err = inuse_check(ctx, d, force, &r);
	report_in_use(ctx, d, &r);
	inuse_check_free(&r);
	return err;
}

/* Steps 5 and 6 (target_load) failed. */
static void report_load(struct vctx *ctx, const struct pcidev *d, const struct target *t, int err)
{
	ctx_fail(ctx, EXIT_FAILED);
	switch (err) {
	case -EOPNOTSUPP:
		out_error(d->addr, 0, "module %s is not loaded under %s; vfioctl loads modules only "
			  "into the running kernel", t->module, ctx->root);
		break;
	case -ENOENT:
		out_error(d->addr, 0, "module %s registered no %s driver (nothing under %s/sys/module/%s/drivers)",
			  t->module, dev_is_pci(d) ? "PCI" : dev_bus(d), ctx->root, t->module);
		break;
	case -ENOTUNIQ:
		out_error(d->addr, 0, "module %s registers several PCI drivers; name one with --driver",
			  t->module);
		break;
	default:
		out_error(d->addr, err, "cannot load module %s", t->module);
	}
}

/*
 * The group of the device just bound, as read after the last bind
 * (last_gen: sysfs_generation() then). A bind of many devices of one
 * group (32 functions behind a conventional bridge share one) reads the
 * group once: when nothing was written between that read and this bind
 * but the bind itself, this device's new driver is set in it, and the
 * rest is as read.
 */
static struct group_status last_group = { .group = -1 };
static unsigned long last_gen;

static void warn_group(struct vctx *ctx, const struct bind_result *r)
{
	struct group_status *gs = &last_group;
	const struct pcidev *d = &r->dev;
	size_t i;

	if (d->group < 0) {
		warn("%s: no IOMMU group: VFIO cannot use it without an IOMMU", d->addr);
		return;
	}
	if (gs->group != d->group || last_gen != r->gen ||
	    group_status_set(ctx, gs, d->addr, d->driver)) {
		group_status_free(gs);
		gs->group = -1;
		if (group_status(ctx, d->group, gs)) {
			gs->group = -1;
			return;
		}
	}
	last_gen = sysfs_generation();
	out_bool(OUT_JSON, "group_viable", NULL, gs->viable);
	for (i = 0; i < gs->n; i++)
		if (!gs->m[i].ok)
			warn("%s: IOMMU group %d is not viable: %s is on %s; bind it too (or unbind it) "
			     "before userspace can use the group", d->addr, d->group, gs->m[i].addr,
			     gs->m[i].driver);
}

/* --owner, after the bind: the nodes given. */
static void report_nodes(struct vctx *ctx, const struct bind_req *req,
			 const struct bind_result *r)
{
	const struct pcidev *d = &r->dev;
	int i;

	if (!r->owner_done)
		return;
	if (r->owner_err) {
		out_error(d->addr, r->owner_err, "cannot give its nodes to %s", req->owner);
		ctx_fail(ctx, EXIT_FAILED);
		return;
	}
	out_str(OUT_JSON, "owner", NULL, req->owner);
	out_open_array("nodes");
	for (i = 0; i < r->nnodes; i++) {
		out_str(OUT_JSON, NULL, NULL, r->nodes[i]);
		out_text("%s: %s now belongs to %s\n", d->addr, r->nodes[i], req->owner);
	}
	out_close_array();
}

void report_bind(struct vctx *ctx, const struct bind_req *req, const struct bind_result *r,
		 bool group_check)
{
	const char *addr = req->addr;
	const struct pcidev *d = &r->dev;
	const struct target *t = &r->target;
	const struct outcome *o = &r->outcome;

	out_open_object(NULL);
	out_str(OUT_JSON, "device", NULL, addr);
	if (req->record)
		out_str(OUT_JSON, "record", NULL, req->record);
	switch (r->fail) {
	case BINDOP_READ:
		out_error(addr, r->err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_TARGET:
		report_choice(ctx, d, req->driver, &r->choice);
		goto out;
	case BINDOP_UNRECORDABLE:
		out_error(addr, 0, "%s", r->why);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	default:
		break;
	}
	report_in_use(ctx, d, &r->inuse);
	switch (r->fail) {
	case BINDOP_IN_USE:
	case BINDOP_NOIOMMU_ON:
		goto out;
	case BINDOP_NO_IOMMU:
		out_error(d->addr, 0, "no IOMMU: VFIO needs one to isolate the device (turn on "
			  "VT-d/AMD-Vi in the firmware, intel_iommu=on or amd_iommu=on on the kernel "
			  "command line); --noiommu opts in to the unsafe no-IOMMU mode where the "
			  "kernel has it");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_NO_NOIOMMU:
		out_error(d->addr, 0, "no IOMMU, and this kernel has no no-IOMMU mode for VFIO "
			  "(CONFIG_VFIO_NOIOMMU is off): it cannot be used through VFIO here");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_OWNER:
		report_owner(ctx, addr, req->owner, r->err);
		goto out;
	case BINDOP_OWNER_RECORD:
		out_error(addr, r->err, "cannot record its owner under run/vfioctl");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_RESET:
		if (r->reset.module[0])
			out_error(addr, r->err, "cannot load %s, the reset handler for %s", r->reset.module,
				  r->reset.compat);
		else
			out_error(addr, r->err, "cannot look its reset handler up");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_RESET_REQUIRED:
		out_error(addr, 0, "--no-reset-required: %s is loaded with reset_required=Y, which is "
			  "read-only once loaded; unload it first (modprobe -r %s)", t->module, t->module);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_LOAD:
		report_load(ctx, d, t, r->err);
		goto out;
	default:
		break;
	}
	out_str(OUT_JSON, "module", NULL, t->module[0] ? t->module : NULL);
	out_str(OUT_JSON, "driver", NULL, t->driver[0] ? t->driver : NULL);
	out_str(OUT_JSON, "previous_driver", NULL, r->prev_driver[0] ? r->prev_driver : NULL);
	if (r->reset_checked) {
		/* vfio-platform/-amba: the handler of the first compatible, loaded first */
		out_open_object("reset");
		out_str(OUT_JSON, "compatible", NULL, r->reset.index >= 0 ? r->reset.compat : NULL);
		out_str(OUT_JSON, "module", NULL, r->reset.index >= 0 ? r->reset.module : NULL);
		out_bool(OUT_JSON, "used", NULL, r->reset.index == 0);
		out_close_object();
		if (r->reset.index == 0 && r->status == BIND_PLANNED)
			out_text("%s: would load %s, the reset handler for %s, first\n", addr,
				 r->reset.module, r->reset.compat);
	}
	if (r->fail == BINDOP_PLAN) {
		out_error(addr, r->err, "cannot plan the writes");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	if (r->fail == BINDOP_EXEC) {
		ctx_fail(ctx, EXIT_FAILED);
		out_str(OUT_JSON, "status", NULL, "failed");
		out_bool(OUT_JSON, "changed", NULL, !o->restored);
		out_bool(OUT_JSON, "restored", NULL, o->restored);
		out_str(OUT_JSON, "driver_now", NULL, o->after[0] ? o->after : NULL);
		if (o->restored)
			out_error(addr, 0, "%s; restored: back on %s",
				  o->why[0] ? o->why : strerror(-r->err),
				  o->before[0] ? o->before : "no driver");
		else
			out_error(addr, 0, "%s; COULD NOT RESTORE: it was on %s and is now on %s",
				  o->why[0] ? o->why : strerror(-r->err),
				  o->before[0] ? o->before : "no driver",
				  o->after[0] ? o->after : "no driver");
		goto out;
	}
	switch (r->status) {
	case BIND_UNCHANGED:
		out_str(OUT_JSON, "status", NULL, "unchanged");
		/* only the nodes' owner can have changed */
		out_bool(OUT_JSON, "changed", NULL, r->owner_changed);
		out_text("%s: already on %s\n", addr, t->driver);
		if (req->dry_run && r->owner_changed)
			out_text("%s: would give its nodes to %s\n", addr, req->owner);
		report_nodes(ctx, req, r);
		break;
	case BIND_PLANNED:
		out_str(OUT_JSON, "status", NULL, "planned");
		out_bool(OUT_JSON, "changed", NULL, true);
		out_text("%s: would bind to ", addr);
		if (t->driver[0])
			out_text("%s", t->driver);
		else
			out_text("the driver of %s", t->module);
		out_text(" (module %s%s%s); now on %s\n", t->module[0] ? t->module : "none",
			 t->mstate == MOD_NOT_LOADED ? ", would be loaded" : "",
			 t->mstate == MOD_BUILTIN ? ", built-in" : "",
			 r->prev_driver[0] ? r->prev_driver : "no driver");
		print_writes(&r->plan, "  ");
		break;
	case BIND_BOUND:
		out_str(OUT_JSON, "status", NULL, "bound");
		out_bool(OUT_JSON, "changed", NULL, true);
		out_text("%s: bound to %s (module %s), was on %s\n", addr, t->driver,
			 t->module[0] ? t->module : "none", o->before[0] ? o->before : "no driver");
		if (group_check)
			warn_group(ctx, r);
		report_nodes(ctx, req, r);
		break;
	case BIND_FAILED:
		break;
	}
out:
	out_close_object();
}

int bind_device(struct vctx *ctx, const struct bind_req *req)
{
	struct bind_result r;
	int status;

	bindop_bind(ctx, req, &r);
	report_bind(ctx, req, &r, true);
	status = r.status;
	bind_result_free(&r);
	return status;
}

void report_unbind(struct vctx *ctx, const struct unbind_req *req,
		   const struct unbind_result *r)
{
	const char *addr = req->addr;
	const struct pcidev *d = &r->dev;
	const struct outcome *o = &r->outcome;

	out_open_object(NULL);
	out_str(OUT_JSON, "device", NULL, addr);
	if (r->fail == BINDOP_READ) {
		out_error(addr, r->err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	out_str(OUT_JSON, "previous_driver", NULL, r->prev_driver[0] ? r->prev_driver : NULL);
	if (r->status == BIND_UNCHANGED) {
		out_str(OUT_JSON, "status", NULL, "unchanged");
		out_bool(OUT_JSON, "changed", NULL, false);
		out_str(OUT_JSON, "driver", NULL, d->driver[0] ? d->driver : NULL);
		out_text("%s: not on a VFIO driver (%s); nothing to do\n", addr,
			 d->driver[0] ? d->driver : "no driver");
		goto out;
	}
	report_in_use(ctx, d, &r->inuse);
	switch (r->fail) {
	case BINDOP_IN_USE:
		goto out;
	case BINDOP_PLAN:
		out_error(addr, r->err, "cannot plan the writes");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_LOCK:
		out_error(addr, r->err, "cannot take the lock in %s/run/vfioctl", ctx->root);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_CLEAR:
		out_error(addr, r->err, "cannot clear driver_override");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	case BINDOP_UNRECORDABLE:
		out_error(addr, 0, "%s", r->why);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	default:
		break;
	}
	if (r->status == BIND_PLANNED) {
		out_str(OUT_JSON, "status", NULL, "planned");
		out_bool(OUT_JSON, "changed", NULL, true);
		out_str(OUT_JSON, "driver", NULL, r->back_to[0] ? r->back_to : NULL);
		out_text("%s: would give it back to %s; now on %s\n", addr,
			 r->back_to[0] ? r->back_to : "the kernel's choice",
			 d->driver[0] ? d->driver : "no driver");
		print_writes(&r->plan, "  ");
		goto out;
	}
	if (!r->vfio) {
		out_str(OUT_JSON, "status", NULL, "unbound");
		out_bool(OUT_JSON, "changed", NULL, true);
		out_str(OUT_JSON, "driver", NULL, d->driver[0] ? d->driver : NULL);
		out_text("%s: driver_override cleared; stays on %s\n", addr,
			 d->driver[0] ? d->driver : "no driver");
		goto out;
	}
	out_str(OUT_JSON, "driver", NULL, o->after[0] ? o->after : NULL);
	if (r->fail == BINDOP_EXEC) {
		ctx_fail(ctx, EXIT_FAILED);
		out_str(OUT_JSON, "status", NULL, "failed");
		out_bool(OUT_JSON, "changed", NULL, !o->restored);
		out_bool(OUT_JSON, "restored", NULL, o->restored);
		out_error(addr, 0, "%s; %s %s", o->why[0] ? o->why : strerror(-r->err),
			  o->restored ? "left on" : "now on", o->after[0] ? o->after : "no driver");
		goto out;
	}
	out_str(OUT_JSON, "status", NULL, "unbound");
	out_bool(OUT_JSON, "changed", NULL, true);
	out_text("%s: given back: %s -> %s\n", addr, o->before, o->after[0] ? o->after : "no driver");
out:
	out_close_object();
}

int unbind_device(struct vctx *ctx, const char *addr, bool dry_run, bool force)
{
	struct unbind_req req = { .addr = addr, .dry_run = dry_run, .force = force };
	struct unbind_result r;
	int status;

	bindop_unbind(ctx, &req, &r);
	report_unbind(ctx, &req, &r);
	status = r.status;
	unbind_result_free(&r);
	return status;
}
