// SPDX-License-Identifier: GPL-2.0-or-later
/* bind and unbind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "bind.h"
#include "cmd.h"
#include "ctx.h"
#include "group.h"
#include "inuse.h"
#include "log.h"
#include "owner.h"
#include "print.h"

int choose_target(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t)
{
	char key[ALIAS_MAX];
	const char *dir;
	int err;

	memset(c, 0, sizeof(*c));
	c->best = -1;
	if (driver_arg) {
		err = target_from_arg(ctx, driver_arg, t);
		if (err == -EINVAL || err == -ENOENT) {
			char shown[80];

			printable(driver_arg, shown, sizeof(shown));
			out_error(d->addr, 0, err == -EINVAL ? "'%s': not a module or driver name" :
				  "no PCI driver or module named %s", shown);
			ctx_fail(ctx, EXIT_USAGE);
		} else if (err) {
			out_error(d->addr, err, "cannot resolve %s", driver_arg);
			ctx_fail(ctx, EXIT_FAILED);
		}
		return err;
	}
	err = vfio_alias_of(d->modalias, key, sizeof(key));
	if (err) {
		out_error(d->addr, 0, "no modalias in %s", d->path);
		ctx_fail(ctx, EXIT_FAILED);
		return err;
	}
	err = ctx_moddir(ctx, &dir);
	if (err) {
		report_moddir(ctx, err);
		return err;
	}
	err = cands_lookup(ctx, key, c);
	if (err) {
		out_error(d->addr, err, "cannot look up %s in %s", key, dir);
		ctx_fail(ctx, EXIT_FAILED);
		return err;
	}
	if (c->best < 0) {
		out_error(d->addr, 0, c->n ? "every VFIO module matching %s is blacklisted" :
			  "no VFIO module matches %s (is vfio-pci installed?)", key);
		ctx_fail(ctx, EXIT_FAILED);
		return -ENOENT;
	}
	if (c->tie)
		warn("%s: %s and %s match equally well (%u wildcards); taking %s, the first by name; "
		     "use --driver to choose", d->addr, c->v[0].module, c->v[1].module,
		     c->v[0].wildcards, c->v[0].module);
	err = target_from_module(ctx, c->v[c->best].module, t);
	if (err) {
		out_error(d->addr, err, "cannot read the state of module %s", c->v[c->best].module);
		ctx_fail(ctx, EXIT_FAILED);
	}
	return err;
}

/* Steps 5 and 6, reported. */
static int load_target(struct vctx *ctx, const struct pcidev *d, struct target *t)
{
	int err = target_load(ctx, t);

	if (!err)
		return 0;
	ctx_fail(ctx, EXIT_FAILED);
	switch (err) {
	case -EOPNOTSUPP:
		out_error(d->addr, 0, "module %s is not loaded under %s; vfioctl loads modules only "
			  "into the running kernel", t->module, ctx->root);
		break;
	case -ENOENT:
		out_error(d->addr, 0, "module %s registered no PCI driver (nothing under %s/sys/module/%s/drivers)",
			  t->module, ctx->root, t->module);
		break;
	case -ENOTUNIQ:
		out_error(d->addr, 0, "module %s registers several PCI drivers; name one with --driver",
			  t->module);
		break;
	default:
		out_error(d->addr, err, "cannot load module %s", t->module);
	}
	return err;
}

static void warn_group(struct vctx *ctx, const struct pcidev *d)
{
	struct group_status gs;
	size_t i;

	if (d->group < 0) {
		warn("%s: no IOMMU group: VFIO cannot use it without an IOMMU", d->addr);
		return;
	}
	if (group_status(ctx, d->group, &gs))
		return;
	out_bool(OUT_JSON, "group_viable", NULL, gs.viable);
	for (i = 0; i < gs.n; i++)
		if (!gs.m[i].ok)
			warn("%s: IOMMU group %d is not viable: %s is on %s; bind it too (or unbind it) "
			     "before userspace can use the group", d->addr, d->group, gs.m[i].addr,
			     gs.m[i].driver);
	group_status_free(&gs);
}

/*
 * No IOMMU group: VFIO drivers refuse the device (vfio-pci's probe fails
 * with EINVAL) unless the kernel has VFIO's no-IOMMU mode and it is on.
 * Say so before anything is written; with --noiommu turn the mode on.
 */
static int check_iommu(struct vctx *ctx, const struct pcidev *d, const struct target *t,
		       const struct bind_req *req)
{
	char path[PATH_MAX], val[8];

	if (d->group >= 0)
		return 0;
	if (t->driver[0] && driver_is_vfio(ctx, t->driver) != 1)
		return 0;	/* pci-stub and the like need no IOMMU */
	if (!d->driver[0] && iommu_group_on_probe(ctx))
		return 0;	/* its group comes with the probe; a refusal rolls back */
	if (!req->noiommu) {
		out_error(d->addr, 0, "no IOMMU: VFIO needs one to isolate the device (turn on "
			  "VT-d/AMD-Vi in the firmware, intel_iommu=on or amd_iommu=on on the kernel "
			  "command line); --noiommu opts in to the unsafe no-IOMMU mode where the "
			  "kernel has it");
		ctx_fail(ctx, EXIT_FAILED);
		return -ENXIO;
	}
	if (ctx->live && !req->dry_run)
		mod_load(ctx, "vfio");
	if (ctx_path(ctx, path, sizeof(path),
		     "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") ||
	    !path_exists(path)) {
		out_error(d->addr, 0, "no IOMMU, and this kernel has no no-IOMMU mode for VFIO "
			  "(CONFIG_VFIO_NOIOMMU is off): it cannot be used through VFIO here");
		ctx_fail(ctx, EXIT_FAILED);
		return -EOPNOTSUPP;
	}
	warn("%s: no-IOMMU mode is UNSAFE: nothing stops the device's DMA, so whoever holds "
	     "it can read and write all memory; the kernel is tainted", d->addr);
	if (req->dry_run || (read_attr(path, val, sizeof(val)) > 0 && val[0] == 'Y'))
		return 0;
	return write_attr(path, "1");
}

int check_in_use(struct vctx *ctx, const struct pcidev *d, bool force)
{
	struct uses u;
	size_t i;
	int err;

	/* no driver: nothing runs on it; on a VFIO driver: what holds it open */
	if (!d->driver[0])
		return 0;
	err = device_uses(ctx, d, &u);
	if (err) {
		uses_free(&u);
		if (force) {
			warn("%s: cannot tell what uses it (%s); taking it anyway (--force)", d->addr,
			     strerror(-err));
			return 0;
		}
		out_error(d->addr, err, "cannot tell whether the host uses it; --force takes it anyway");
		ctx_fail(ctx, EXIT_FAILED);
		return err;
	}
	out_open_array("in_use");
	for (i = 0; i < u.n; i++) {
		out_open_object(NULL);
		out_str(OUT_JSON, "kind", NULL, use_kind_name(u.v[i].kind));
		out_str(OUT_JSON, "name", NULL, u.v[i].name);
		out_str(OUT_JSON, "what", NULL, u.v[i].what);
		out_close_object();
	}
	out_close_array();
	if (u.n && force) {
		out_bool(OUT_JSON, "forced", NULL, true);
		for (i = 0; i < u.n; i++)
			warn("%s: in use, taken anyway (--force): %s", d->addr, u.v[i].what);
	} else if (u.n) {
		out_error(d->addr, 0, "in use: %s%s; --force takes it anyway", u.v[0].what,
			  u.n > 1 ? " (and more: see vfioctl show)" : "");
		ctx_fail(ctx, EXIT_FAILED);
		err = -EBUSY;
	}
	uses_free(&u);
	return err;
}

/* The placeholder override, a name no driver can have ('/'). */
#define HOLD_OVERRIDE "vfioctl/pending"

static int hold_device(const struct pcidev *d, bool on)
{
	char path[PATH_MAX];

	if (xsnprintf(path, sizeof(path), "%s/driver_override", d->path))
		return -ENAMETOOLONG;
	info("%s: %s", d->addr, on ? "holding it for its VFIO driver" : "released");
	return write_attr(path, on ? HOLD_OVERRIDE : d->override[0] ? d->override : "\n");
}

/*
 * --owner, before the bind: check USER[:GROUP] and record it, so udev finds
 * it when the bind makes the group's node appear.
 */
static int prepare_owner(struct vctx *ctx, const char *addr, const struct bind_req *req)
{
	uid_t uid;
	gid_t gid;
	int err;

	if (!req->owner)
		return 0;
	err = owner_parse(ctx, req->owner, &uid, &gid);
	if (err) {
		char shown[48];

		printable(req->owner, shown, sizeof(shown));
		out_error(addr, 0, err == -EINVAL ? "--owner '%s': not USER[:GROUP]" :
			  "--owner %s: no such user or group", shown);
		ctx_fail(ctx, EXIT_USAGE);
		return err;
	}
	if (req->dry_run)
		return 0;
	err = owner_record(ctx, addr, req->owner);
	if (err) {
		out_error(addr, err, "cannot record its owner under run/vfioctl");
		ctx_fail(ctx, EXIT_FAILED);
	}
	return err;
}

/* --owner, after the bind: the nodes that exist now. */
static void give_owner(struct vctx *ctx, struct pcidev *d, const struct bind_req *req)
{
	char nodes[2][64];
	int err, i, n;

	if (!req->owner || req->dry_run)
		return;
	pcidev_refresh(ctx, d);
	err = owner_chown(ctx, d, req->owner);
	if (err) {
		out_error(d->addr, err, "cannot give its nodes to %s", req->owner);
		ctx_fail(ctx, EXIT_FAILED);
		return;
	}
	out_str(OUT_JSON, "owner", NULL, req->owner);
	n = owner_nodes(ctx, d, nodes);
	out_open_array("nodes");
	for (i = 0; i < n; i++) {
		out_str(OUT_JSON, NULL, NULL, nodes[i]);
		out_text("%s: %s now belongs to %s\n", d->addr, nodes[i], req->owner);
	}
	out_close_array();
}

int bind_device(struct vctx *ctx, const struct bind_req *req)
{
	const char *addr = req->addr;
	char orig_override[NAME_MAX_LEN];
	bool held = false;
	struct outcome o;
	struct pcidev d;
	struct target t;
	struct cands c;
	struct plan p;
	int status = BIND_FAILED;
	int err;

	out_open_object(NULL);
	out_str(OUT_JSON, "device", NULL, addr);
	if (req->record)
		out_str(OUT_JSON, "record", NULL, req->record);
	err = pcidev_load(ctx, addr, &d);
	if (err) {
		out_error(addr, err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	err = choose_target(ctx, &d, req->driver, &c, &t);
	cands_free(&c);
	if (err)
		goto out;
	if (t.driver[0] && !strcmp(d.driver, t.driver))
		;	/* already there: nothing is taken from anyone */
	else if (check_in_use(ctx, &d, req->force))
		goto out;
	if (check_iommu(ctx, &d, &t, req) || prepare_owner(ctx, addr, req))
		goto out;
	memcpy(orig_override, d.override, sizeof(orig_override));
	if (req->hold && !req->dry_run && !d.driver[0] && !t.driver[0]) {
		/*
		 * Unbound, and its VFIO module still to load: until then an
		 * override no driver has keeps native drivers, which udev may
		 * be loading for other devices right now, off this one.
		 */
		err = ctx_lock(ctx);
		if (!err) {
			/*
			 * Another vfioctl (udev's, the initramfs's) may have
			 * bound it while we waited for the lock: hold it only
			 * if it is still free, and restore what it has now.
			 */
			pcidev_refresh(ctx, &d);
			if (!strcmp(d.override, HOLD_OVERRIDE))
				d.override[0] = '\0';	/* a holder killed mid-way */
			memcpy(orig_override, d.override, sizeof(orig_override));
			if (!d.driver[0])
				err = hold_device(&d, true);
			held = !err && !d.driver[0];
		}
	}
	if (!req->dry_run && load_target(ctx, &d, &t)) {
		if (held)
			hold_device(&d, false);
		goto out;
	}
	out_str(OUT_JSON, "module", NULL, t.module[0] ? t.module : NULL);
	out_str(OUT_JSON, "driver", NULL, t.driver[0] ? t.driver : NULL);
	out_str(OUT_JSON, "previous_driver", NULL, d.driver[0] ? d.driver : NULL);
	err = plan_bind(ctx, &d, &t, &p);
	if (err) {
		if (held)
			hold_device(&d, false);
		out_error(addr, err, "cannot plan the writes");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	if (req->driver && t.driver[0] && driver_is_vfio(ctx, t.driver) != 1)
		warn("%s: %s is not a VFIO driver", addr, t.driver);

	if (p.noop) {
		status = BIND_UNCHANGED;
		out_str(OUT_JSON, "status", NULL, "unchanged");
		out_text("%s: already on %s\n", addr, d.driver);
		give_owner(ctx, &d, req);
		goto out;
	}
	if (req->dry_run) {
		status = BIND_PLANNED;
		out_str(OUT_JSON, "status", NULL, "planned");
		out_text("%s: would bind to ", addr);
		if (t.driver[0])
			out_text("%s", t.driver);
		else
			out_text("the driver of %s", t.module);
		out_text(" (module %s%s%s); now on %s\n", t.module[0] ? t.module : "none",
			 t.mstate == MOD_NOT_LOADED ? ", would be loaded" : "",
			 t.mstate == MOD_BUILTIN ? ", built-in" : "",
			 d.driver[0] ? d.driver : "no driver");
		print_writes(&p, "  ");
		goto out;
	}

	err = ctx_lock(ctx);
	if (!err) {
		/* another vfioctl may have moved it while we waited */
		pcidev_refresh(ctx, &d);
		if (held)	/* what to restore is what it had before the hold */
			memcpy(d.override, orig_override, sizeof(d.override));
		if (!strcmp(d.driver, t.driver)) {
			status = BIND_UNCHANGED;
			out_str(OUT_JSON, "status", NULL, "unchanged");
			out_text("%s: already on %s\n", addr, d.driver);
			give_owner(ctx, &d, req);
			goto out;
		}
		err = bind_exec(ctx, &d, &t, &o);
		if (req->out)
			*req->out = o;
	} else {
		snprintf(o.why, sizeof(o.why), "cannot take the lock in run/vfioctl: %s",
			 strerror(-err));
		o.restored = true;
		memcpy(o.before, d.driver, sizeof(o.before));
	}
	if (err) {
		if (req->owner)
			owner_clear(ctx, addr);
		ctx_fail(ctx, EXIT_FAILED);
		out_str(OUT_JSON, "status", NULL, "failed");
		out_bool(OUT_JSON, "restored", NULL, o.restored);
		out_str(OUT_JSON, "driver_now", NULL, o.after[0] ? o.after : NULL);
		if (o.restored)
			out_error(addr, 0, "%s; restored: back on %s", o.why[0] ? o.why : strerror(-err),
				  o.before[0] ? o.before : "no driver");
		else
			out_error(addr, 0, "%s; COULD NOT RESTORE: it was on %s and is now on %s",
				  o.why[0] ? o.why : strerror(-err), o.before[0] ? o.before : "no driver",
				  o.after[0] ? o.after : "no driver");
		goto out;
	}
	status = BIND_BOUND;
	out_str(OUT_JSON, "status", NULL, "bound");
	out_text("%s: bound to %s (module %s), was on %s\n", addr, t.driver,
		 t.module[0] ? t.module : "none", o.before[0] ? o.before : "no driver");
	if (d.group < 0)	/* the probe made its group (arm64): read it */
		pcidev_load(ctx, addr, &d);
	if (!req->quiet_group)
		warn_group(ctx, &d);
	give_owner(ctx, &d, req);
out:
	out_close_object();
	return status;
}

static void bind_one(struct vctx *ctx, const struct cmd_args *a, const char *addr)
{
	struct bind_req req = { .addr = addr, .driver = a->driver, .dry_run = a->dry_run,
				.noiommu = a->noiommu, .owner = a->owner, .force = a->force };

	bind_device(ctx, &req);
}

int cmd_bind(struct vctx *ctx, const struct cmd_args *a)
{
	if (a->persist && a->group) {
		out_error(NULL, 0, "bind: --group and --persist do not go together; persist each device");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	if (a->group)
		return cmd_bind_group(ctx, a);
	if (a->persist)
		return cmd_bind_persist(ctx, a);
	return each_device(ctx, a, "bind", bind_one);
}

int unbind_device(struct vctx *ctx, const char *addr, bool dry_run, bool force)
{
	int status = BIND_FAILED;
	struct prev_state prev;
	bool have_prev, vfio;
	struct outcome o;
	struct pcidev d;
	struct plan p;
	int err;

	out_open_object(NULL);
	out_str(OUT_JSON, "device", NULL, addr);
	err = pcidev_load(ctx, addr, &d);
	if (err) {
		out_error(addr, err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	err = state_load(ctx, addr, &prev);
	have_prev = err == 0;
	if (err && err != -ENOENT)
		warn("%s: ignoring unreadable record under %s/run/vfioctl: %s", addr, ctx->root,
		     strerror(-err));
	out_str(OUT_JSON, "previous_driver", NULL, d.driver[0] ? d.driver : NULL);
	vfio = d.driver[0] && driver_is_vfio(ctx, d.driver) == 1;
	if (!vfio && !d.override[0]) {
		out_str(OUT_JSON, "status", NULL, "unchanged");
		out_str(OUT_JSON, "driver", NULL, d.driver[0] ? d.driver : NULL);
		out_text("%s: not on a VFIO driver (%s); nothing to do\n", addr,
			 d.driver[0] ? d.driver : "no driver");
		if (have_prev && !dry_run)
			state_remove(ctx, addr);
		status = BIND_UNCHANGED;
		goto out;
	}
	if (have_prev && prev.driver[0] && !driver_registered(ctx, prev.driver) &&
	    prev.module[0] && !dry_run) {
		/* its driver went away with its module: bring it back */
		err = mod_load(ctx, prev.module);
		if (err)
			warn("%s: cannot load %s for %s: %s; the kernel will choose", addr, prev.module,
			     prev.driver, strerror(-err));
	}
	if (vfio && check_in_use(ctx, &d, force))
		goto out;
	if (!vfio) {
		/* only an override is pending: clearing it gives the device back */
		memset(&prev, 0, sizeof(prev));
		memcpy(prev.driver, d.driver, sizeof(prev.driver));
		have_prev = true;
	}
	err = plan_unbind(ctx, &d, have_prev ? &prev : NULL, &p);
	if (err) {
		out_error(addr, err, "cannot plan the writes");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	if (!vfio)
		p.n = 1;	/* just the override: the device stays on its driver */
	if (dry_run) {
		out_str(OUT_JSON, "status", NULL, "planned");
		out_str(OUT_JSON, "driver", NULL, have_prev && prev.driver[0] ? prev.driver : NULL);
		out_text("%s: would give it back to %s; now on %s\n", addr,
			 have_prev && prev.driver[0] ? prev.driver : "the kernel's choice",
			 d.driver[0] ? d.driver : "no driver");
		print_writes(&p, "  ");
		status = BIND_PLANNED;
		goto out;
	}
	err = ctx_lock(ctx);
	if (err) {
		out_error(addr, err, "cannot take the lock in %s/run/vfioctl", ctx->root);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	if (!vfio) {
		err = write_attr(p.op[0].path, p.op[0].value);
		if (err) {
			out_error(addr, err, "cannot clear driver_override");
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
		state_remove(ctx, addr);
		out_str(OUT_JSON, "status", NULL, "unbound");
		out_str(OUT_JSON, "driver", NULL, d.driver[0] ? d.driver : NULL);
		out_text("%s: driver_override cleared; stays on %s\n", addr,
			 d.driver[0] ? d.driver : "no driver");
		status = BIND_BOUND;
		goto out;
	}
	err = unbind_exec(ctx, &d, have_prev ? &prev : NULL, &o);
	out_str(OUT_JSON, "driver", NULL, o.after[0] ? o.after : NULL);
	if (err) {
		ctx_fail(ctx, EXIT_FAILED);
		out_str(OUT_JSON, "status", NULL, "failed");
		out_bool(OUT_JSON, "restored", NULL, o.restored);
		out_error(addr, 0, "%s; %s %s", o.why[0] ? o.why : strerror(-err),
			  o.restored ? "left on" : "now on", o.after[0] ? o.after : "no driver");
		goto out;
	}
	owner_clear(ctx, addr);
	out_str(OUT_JSON, "status", NULL, "unbound");
	out_text("%s: given back: %s -> %s\n", addr, o.before, o.after[0] ? o.after : "no driver");
	status = BIND_BOUND;
out:
	out_close_object();
	return status;
}

static void unbind_one(struct vctx *ctx, const struct cmd_args *a, const char *addr)
{
	unbind_device(ctx, addr, a->dry_run, a->force);
}

int cmd_unbind(struct vctx *ctx, const struct cmd_args *a)
{
	if (a->persist)
		return cmd_unbind_persist(ctx, a);
	return each_device(ctx, a, "unbind", unbind_one);
}
