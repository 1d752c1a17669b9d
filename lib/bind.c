// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 6: driver_override and rebind, verified, with rollback. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alias.h"
#include "bind.h"
#include "ctx.h"
#include "log.h"
#include "util.h"

/*
 * A loaded module's driver, found once per process for every device that
 * goes to it (~25 system calls each: its state, then its drivers listed),
 * and again after vfioctl loads a module. A module unloaded meanwhile by
 * someone else is caught where it matters: the bind is verified.
 */
static int target_resolve(struct vctx *ctx, struct target *t)
{
	size_t i;
	int err;

	if (ctx->targets_gen != mod_generation())
		ctx->ntargets = 0;
	for (i = 0; i < ctx->ntargets; i++) {
		if (strcmp(ctx->targets[i].module, t->module) || strcmp(ctx->targets[i].bus, t->bus))
			continue;
		t->mstate = ctx->targets[i].mstate;
		memcpy(t->driver, ctx->targets[i].driver, strlen(ctx->targets[i].driver) + 1);
		goto found;
	}
	err = mod_state(ctx, t->module, &t->mstate);
	if (err)
		return err;
	if (t->mstate == MOD_NOT_LOADED)
		return -ENOENT;
	err = mod_bus_driver(ctx, t->module, t->bus, t->driver, sizeof(t->driver));
	if (err) {
		t->driver[0] = '\0';
		return err;
	}
	if ((t->mstate == MOD_LIVE || t->mstate == MOD_BUILTIN) &&
	    strlen(t->module) < sizeof(ctx->targets[0].module) &&
	    strlen(t->driver) < sizeof(ctx->targets[0].driver)) {
		i = ctx->ntargets < ARRAY_SIZE(ctx->targets) ? ctx->ntargets++ : 0;
		memcpy(ctx->targets[i].module, t->module, strlen(t->module) + 1);
		ctx->targets[i].bus = t->bus;
		ctx->targets[i].mstate = t->mstate;
		memcpy(ctx->targets[i].driver, t->driver, strlen(t->driver) + 1);
		ctx->targets_gen = mod_generation();
	}
found:
	return ctx_path(ctx, t->driver_src, sizeof(t->driver_src),
			"/sys/module/%s/drivers/%s:%s", t->module, t->bus, t->driver);
}

int target_from_module(struct vctx *ctx, const char *bus, const char *module,
		       struct target *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->bus = bus;
	err = xstrcpy(t->module, sizeof(t->module), module);
	if (err)
		return err;
	err = target_resolve(ctx, t);
	return err == -ENOENT ? 0 : err;
}

int target_from_arg(struct vctx *ctx, const char *bus, const char *name, struct target *t)
{
	char module[NAME_MAX_LEN];

	memset(t, 0, sizeof(*t));
	t->bus = bus;
	if (!valid_name(name))
		return -EINVAL;
	if (bus_driver_registered(ctx, bus, name)) {
		/* a driver name: the running kernel says what it is */
		memcpy(t->driver, name, strlen(name) + 1);
		ctx_path(ctx, t->driver_src, sizeof(t->driver_src), "/sys/bus/%s/drivers/%s", bus,
			 name);
		if (bus_driver_module(ctx, bus, name, t->module, sizeof(t->module)) == 0)
			mod_state(ctx, t->module, &t->mstate);
		else
			t->mstate = MOD_BUILTIN;
		return 0;
	}
	/* a module name, in kmod's spelling */
	memcpy(module, name, strlen(name) + 1);
	modname_normalize(module);
	if (module_is_modular(ctx, module) <= 0 && module_is_builtin(ctx, module) <= 0) {
		enum mod_state st;

		/* not in the index but loaded (e.g. insmod'ed by hand) */
		if (mod_state(ctx, module, &st) || st == MOD_NOT_LOADED)
			return -ENOENT;
	}
	return target_from_module(ctx, bus, module, t);
}

int target_load(struct vctx *ctx, struct target *t)
{
	int err;

	if (!t->module[0])
		return t->driver[0] ? 0 : -ENOENT;
	err = mod_load(ctx, t->module);
	if (err)
		return err;
	return target_resolve(ctx, t);
}

static int add_op(struct plan *p, const char *path, const char *value)
{
	struct write_op *op;

	if (p->n >= PLAN_MAX)
		return -E2BIG;
	op = &p->op[p->n++];
	op->unknown = false;
	if (xstrcpy(op->path, sizeof(op->path), path) ||
	    xstrcpy(op->value, sizeof(op->value), value))
		return -ENAMETOOLONG;
	return 0;
}

/* A write of d's name to ROOT/sys/bus/BUS/drivers/DRIVER/FILE, or to drivers_probe. */
static int add_bus_op(struct vctx *ctx, struct plan *p, const struct pcidev *d,
		      const char *driver, const char *file)
{
	char path[PATH_MAX];
	int err;

	if (driver)
		err = ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers/%s/%s", dev_bus(d),
			       driver, file);
	else
		err = ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/%s", dev_bus(d), file);
	return err ? err : add_op(p, path, d->name);
}

int plan_bind(struct vctx *ctx, const struct pcidev *d, const struct target *t,
	      struct plan *p)
{
	char path[PATH_MAX];
	int err;

	memset(p, 0, sizeof(*p));
	if (t->driver[0] && !strcmp(d->driver, t->driver)) {
		p->noop = true;
		return 0;
	}
	if (xsnprintf(path, sizeof(path), "%s/driver_override", d->path))
		return -ENAMETOOLONG;
	err = add_op(p, path, t->driver);
	if (err)
		return err;
	if (!t->driver[0]) {
		p->op[0].unknown = true;
		snprintf(p->op[0].value, sizeof(p->op[0].value), "<driver of %s>", t->module);
	}
	if (d->driver[0]) {
		err = add_bus_op(ctx, p, d, d->driver, "unbind");
		if (err)
			return err;
	}
	return add_bus_op(ctx, p, d, NULL, "drivers_probe");
}

int plan_unbind(struct vctx *ctx, const struct pcidev *d, const struct prev_state *prev,
		struct plan *p)
{
	const char *back = prev && prev->driver[0] ? prev->driver : NULL;
	char path[PATH_MAX];
	int err;

	memset(p, 0, sizeof(*p));
	if (xsnprintf(path, sizeof(path), "%s/driver_override", d->path))
		return -ENAMETOOLONG;
	/* a lone newline clears it; "\0" stopped working in 5.19 */
	err = add_op(p, path, prev && prev->override[0] ? prev->override : "\n");
	if (!err && d->driver[0])
		err = add_bus_op(ctx, p, d, d->driver, "unbind");
	if (err)
		return err;
	if (back && bus_driver_registered(ctx, dev_bus(d), back))
		return add_bus_op(ctx, p, d, back, "bind");
	return add_bus_op(ctx, p, d, NULL, "drivers_probe");
}

static int do_write(const struct write_op *op)
{
	int err;

	info("write %s to %s", op->value[0] == '\n' ? "a newline" : op->value, op->path);
	err = write_attr(op->path, op->value);
	if (err)
		info("  -> %s", strerror(-err));
	return err;
}

static int write_value(const char *path, const char *value)
{
	struct write_op op;

	if (xstrcpy(op.path, sizeof(op.path), path) || xstrcpy(op.value, sizeof(op.value), value))
		return -ENAMETOOLONG;
	return do_write(&op);
}

static void probe(struct vctx *ctx, const struct pcidev *d)
{
	char path[PATH_MAX];

	if (ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers_probe", dev_bus(d)) == 0)
		write_value(path, d->name);
}

/*
 * Put d back on driver `was` with driver_override `ovr`: the kernel's own
 * restore sequence (override, unbind, drivers_probe), then the driver's
 * bind file if the probe picked something else. True when it worked.
 */
static bool restore(struct vctx *ctx, struct pcidev *d, const char *was, const char *ovr)
{
	char path[PATH_MAX];

	if (xsnprintf(path, sizeof(path), "%s/driver_override", d->path) == 0)
		write_value(path, ovr[0] ? ovr : "\n");
	pcidev_refresh(ctx, d);
	if (!strcmp(d->driver, was))
		return true;
	if (d->driver[0] &&
	    ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind", dev_bus(d),
		     d->driver) == 0)
		write_value(path, d->name);
	probe(ctx, d);
	pcidev_refresh(ctx, d);
	if (!strcmp(d->driver, was))
		return true;
	if (was[0] && !d->driver[0] &&
	    ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers/%s/bind", dev_bus(d), was) == 0) {
		write_value(path, d->name);
		pcidev_refresh(ctx, d);
	}
	return !strcmp(d->driver, was);
}

/*
 * Before the first write: every file the plan writes is there and is a
 * regular file open for writing (sysfs attributes are). A sysfs shaped
 * wrong fails here, with nothing touched, rather than half way.
 */
static int preflight(const struct plan *p, struct outcome *o)
{
	size_t i;
	int err;

	for (i = 0; i < p->n; i++) {
		err = check_writable(p->op[i].path);
		if (err) {
			snprintf(o->why, sizeof(o->why), "cannot write %s: %s", p->op[i].path,
				 errstr(err));
			o->restored = true;
			return err;
		}
	}
	return 0;
}

/*
 * Before the first write: d's driver and driver_override are values its
 * journal and record can keep, or nothing could undo what follows.
 */
static int unrecordable(const struct pcidev *d, struct outcome *o)
{
	int err = state_check_dev(d, o->why, sizeof(o->why));

	if (err)
		o->restored = true;
	return err;
}

/* The journal of an operation on d, before its first write. */
static int journal_begin(struct vctx *ctx, const char *op, const struct pcidev *d,
			 const char *target, const char *target_override, bool new_record,
			 struct outcome *o)
{
	struct journal j;
	int err;

	memset(&j, 0, sizeof(j));
	if (xstrcpy(j.op, sizeof(j.op), op) || xstrcpy(j.addr, sizeof(j.addr), d->addr) ||
	    xstrcpy(j.driver, sizeof(j.driver), d->driver) ||
	    xstrcpy(j.override, sizeof(j.override), d->override) ||
	    xstrcpy(j.target, sizeof(j.target), target) ||
	    xstrcpy(j.target_override, sizeof(j.target_override), target_override) ||
	    xstrcpy(j.new_record, sizeof(j.new_record), new_record ? "yes" : "no"))
		return -ENAMETOOLONG;
	err = journal_save(ctx, &j);
	if (err) {
		snprintf(o->why, sizeof(o->why), "cannot write its journal under run/vfioctl");
		o->restored = true;
	}
	return err;
}

int bind_exec(struct vctx *ctx, struct pcidev *d, const struct target *t, struct outcome *o)
{
	char old_override[NAME_MAX_LEN];
	struct prev_state prev, rec;
	bool had_record;
	struct plan p;
	size_t i;
	int err;

	memset(o, 0, sizeof(*o));
	memcpy(o->before, d->driver, sizeof(o->before));
	memcpy(o->before_override, d->override, sizeof(o->before_override));
	memcpy(old_override, d->override, sizeof(old_override));
	err = plan_bind(ctx, d, t, &p);
	if (err)
		return err;
	if (p.noop) {
		memcpy(o->after, d->driver, sizeof(o->after));
		return 0;
	}
	if (!t->driver[0])
		return -ENOENT;
	err = unrecordable(d, o);
	if (!err)
		err = preflight(&p, o);
	if (err)
		return err;

	/* remember where it was, before touching anything */
	had_record = state_load(ctx, d->addr, &rec) == 0;
	err = journal_begin(ctx, "bind", d, t->driver, t->driver, !had_record, o);
	if (err)
		return err;
	if (!had_record || !d->driver[0] || bus_driver_is_vfio(ctx, dev_bus(d), d->driver) != 1) {
		memset(&prev, 0, sizeof(prev));
		memcpy(prev.driver, d->driver, sizeof(prev.driver));
		memcpy(prev.override, d->override, sizeof(prev.override));
		if (d->driver[0])
			bus_driver_module(ctx, dev_bus(d), d->driver, prev.module,
					  sizeof(prev.module));
		if (!state_value_ok(prev.module))
			prev.module[0] = '\0';	/* unknown, rather than unreadable */
		err = state_save(ctx, d->addr, &prev);
		if (err) {
			snprintf(o->why, sizeof(o->why), "cannot record its current driver under run/vfioctl");
			o->restored = true;
			journal_remove(ctx);
			return err;
		}
	}

	for (i = 0; i < p.n; i++) {
		bool probe_op = i == p.n - 1;

		err = do_write(&p.op[i]);
		if (err && !probe_op) {
			snprintf(o->why, sizeof(o->why), "writing %s failed", p.op[i].path);
			goto rollback;
		}
		/* drivers_probe's answer says little: the driver link decides */
	}
	err = pcidev_refresh(ctx, d);
	if (!err && !strcmp(d->driver, t->driver)) {
		memcpy(o->after, d->driver, sizeof(o->after));
		journal_remove(ctx);
		return 0;
	}
	if (d->driver[0])
		snprintf(o->why, sizeof(o->why), "%s did not bind: the device is on %s after drivers_probe",
			 t->driver, d->driver);
	else
		snprintf(o->why, sizeof(o->why),
			 "%s did not bind: no driver after drivers_probe (its probe failed or was refused; see dmesg)",
			 t->driver);
	err = -ENODEV;
rollback:
	o->restored = restore(ctx, d, o->before, old_override);
	memcpy(o->after, d->driver, sizeof(o->after));
	if (!had_record)
		state_remove(ctx, d->addr);
	journal_remove(ctx);
	return err;
}

int unbind_exec(struct vctx *ctx, struct pcidev *d, const struct prev_state *prev,
		struct outcome *o)
{
	const char *back = prev && prev->driver[0] ? prev->driver : NULL;
	char old_override[NAME_MAX_LEN];
	struct plan p;
	size_t i;
	int err;

	memset(o, 0, sizeof(*o));
	memcpy(o->before, d->driver, sizeof(o->before));
	memcpy(o->before_override, d->override, sizeof(o->before_override));
	memcpy(old_override, d->override, sizeof(old_override));
	err = plan_unbind(ctx, d, prev, &p);
	if (!err)
		err = unrecordable(d, o);
	if (!err)
		err = preflight(&p, o);
	if (!err)
		err = journal_begin(ctx, "unbind", d, back ? back : "",
				    prev && prev->override[0] ? prev->override : "", false, o);
	if (err)
		return err;
	for (i = 0; i < p.n; i++) {
		bool last = i == p.n - 1;

		err = do_write(&p.op[i]);
		if (err && !last) {
			snprintf(o->why, sizeof(o->why), "writing %s failed", p.op[i].path);
			goto rollback;
		}
		if (err && last && back)
			/* the recorded driver refused the bind file: let the kernel choose */
			probe(ctx, d);
	}
	err = pcidev_refresh(ctx, d);
	if (err) {
		journal_remove(ctx);
		return err;
	}
	if (!back || !strcmp(d->driver, back)) {
		memcpy(o->after, d->driver, sizeof(o->after));
		state_remove(ctx, d->addr);
		journal_remove(ctx);
		return 0;
	}
	snprintf(o->why, sizeof(o->why), "%s did not take the device back (it is on %s)", back,
		 d->driver[0] ? d->driver : "no driver");
	err = -ENODEV;
	if (d->driver[0]) {
		/* on some driver: not driverless, leave it and say so */
		memcpy(o->after, d->driver, sizeof(o->after));
		journal_remove(ctx);
		return err;
	}
rollback:
	/* never leave a device that had a driver without one */
	o->restored = restore(ctx, d, o->before, old_override[0] ? old_override : o->before);
	memcpy(o->after, d->driver, sizeof(o->after));
	journal_remove(ctx);
	return err;
}

/*
 * A bind or unbind killed half way: finish it if its last write was made
 * (the device is where it was going), else put the device back where it
 * was, as the failed operation would have.
 */
int bind_recover(struct vctx *ctx)
{
	struct journal j;
	struct pcidev d;
	bool bind, done, ok = true;
	int err;

	err = journal_load(ctx, &j);
	if (err == -ENOENT)
		return 0;
	if (err) {
		warn("ignoring an unreadable journal under %s/run/vfioctl: %s", ctx->root,
		     strerror(-err));
		journal_remove(ctx);
		return err;
	}
	bind = !strcmp(j.op, "bind");
	err = pcidev_load(ctx, j.addr, &d);
	if (err) {
		warn("%s: %s %s was interrupted; the device is gone", j.addr, bind ? "a" : "an",
		     j.op);
		return journal_remove(ctx);
	}
	/* where it was going: bind to a driver, unbind off the one it was on */
	done = !strcmp(d.override, j.target_override) &&
	       (j.target[0] ? !strcmp(d.driver, j.target) : strcmp(d.driver, j.driver));
	if (!done)
		ok = restore(ctx, &d, j.driver, j.override);
	else if (!bind && !d.driver[0])
		probe(ctx, &d);	/* killed before its drivers_probe */
	if (!done || !d.driver[0])
		pcidev_refresh(ctx, &d);
	if (bind ? !done && j.new_record[0] == 'y' : done)
		state_remove(ctx, j.addr);
	if (ok)
		warn("%s: %s %s was interrupted; %s: on %s", j.addr, bind ? "a" : "an", j.op,
		     done ? "finished" : "undone", d.driver[0] ? d.driver : "no driver");
	else
		warn("%s: %s %s was interrupted; COULD NOT UNDO: it was on %s and is now on %s",
		     j.addr, bind ? "a" : "an", j.op, j.driver[0] ? j.driver : "no driver",
		     d.driver[0] ? d.driver : "no driver");
	return journal_remove(ctx);
}
