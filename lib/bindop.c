// SPDX-License-Identifier: GPL-2.0-or-later
/* One device's target, bind and unbind, as whole operations; see bindop.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bindop.h"
#include "util.h"
#include "bus.h"
#include "ctx.h"
#include "group.h"
#include "log.h"
#include "state.h"
#include "owner.h"

int target_choose(struct vctx *ctx, const struct pcidev *d, const char *driver_arg,
		  struct cands *c, struct target *t, struct choice *ch)
{
	const struct bus_kind *bus = bus_by_name(dev_bus(d));
	const char *dir;
	int err;

	memset(ch, 0, sizeof(*ch));
	memset(c, 0, sizeof(*c));
	c->best = -1;
	if (driver_arg) {
		err = target_from_arg(ctx, bus->name, driver_arg, t);
		if (err)
			ch->fail = err == -EINVAL ? CHOICE_BAD_NAME :
				   err == -ENOENT ? CHOICE_NO_SUCH : CHOICE_ARG;
		ch->err = err;
		return err;
	}
	if (!bus->alias_prefix) {
		/* no vfio aliases on this bus: its universal driver is the choice */
		enum mod_state st;

		err = ctx_moddir(ctx, &dir);
		if (err) {
			ch->fail = CHOICE_MODDIR;
			goto fail;
		}
		if (module_is_modular(ctx, bus->universal) <= 0 &&
		    module_is_builtin(ctx, bus->universal) <= 0 &&
		    (mod_state(ctx, bus->universal, &st) || st == MOD_NOT_LOADED)) {
			xstrcpy(ch->key, sizeof(ch->key), bus->universal);
			ch->fail = CHOICE_NONE;
			err = -ENOENT;
			goto fail;
		}
		err = target_from_module(ctx, bus->name, bus->universal, t);
		if (err) {
			ch->fail = CHOICE_MODULE;
			snprintf(ch->module, sizeof(ch->module), "%s", bus->universal);
		}
		goto fail;
	}
	err = vfio_alias_of(d->modalias, ch->key, sizeof(ch->key));
	if (err) {
		ch->fail = CHOICE_NO_MODALIAS;
		goto fail;
	}
	err = ctx_moddir(ctx, &dir);
	if (err) {
		ch->fail = CHOICE_MODDIR;
		goto fail;
	}
	err = cands_lookup(ctx, ch->key, c);
	if (err) {
		ch->fail = CHOICE_LOOKUP;
		cands_error(ctx, c, err, ch->why, sizeof(ch->why));
		goto fail;
	}
	if (c->best < 0) {
		ch->fail = c->n ? CHOICE_BLACKLISTED : CHOICE_NONE;
		err = -ENOENT;
		goto fail;
	}
	if (c->tie)
		warn("%s: %s and %s match equally well (%u wildcards); taking %s, the first by name; "
		     "use --driver to choose", d->addr, c->v[0].module, c->v[1].module,
		     c->v[0].wildcards, c->v[0].module);
	err = target_from_module(ctx, bus->name, c->v[c->best].module, t);
	if (err) {
		ch->fail = CHOICE_MODULE;
		snprintf(ch->module, sizeof(ch->module), "%s", c->v[c->best].module);
	}
fail:
	ch->err = err;
	return err;
}

/*
 * No IOMMU group: VFIO drivers refuse the device (vfio-pci's probe fails
 * with EINVAL) unless the kernel has VFIO's no-IOMMU mode and it is on.
 * Say so before anything is written; with noiommu turn the mode on.
 */
static int check_iommu(struct vctx *ctx, const struct pcidev *d, const struct target *t,
		       const struct bind_req *req, struct bind_result *res)
{
	char path[PATH_MAX], val[8];
	int err;

	if (d->group >= 0)
		return 0;
	if (t->driver[0] && bus_driver_is_vfio(ctx, dev_bus(d), t->driver) != 1)
		return 0;	/* pci-stub and the like need no IOMMU */
	if (!dev_is_pci(d) && !req->noiommu) {
		/*
		 * A platform, AMBA or fsl-mc device gets its group from the
		 * IOMMU's of_dma_configure at probe: only the VFIO driver's
		 * probe can tell, and its refusal rolls back.
		 */
		warn("%s: no IOMMU group now: %s will refuse it unless its probe gives it one "
		     "(then it goes back to its driver)", d->addr, t->driver[0] ? t->driver : t->module);
		return 0;
	}
	if (!d->driver[0] && iommu_group_on_probe(ctx))
		return 0;	/* its group comes with the probe; a refusal rolls back */
	if (!req->noiommu) {
		res->fail = BINDOP_NO_IOMMU;
		return -ENXIO;
	}
	if (ctx->live && !req->dry_run)
		mod_load(ctx, "vfio");
	if (ctx_path(ctx, path, sizeof(path),
		     "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") ||
	    !path_exists(path)) {
		res->fail = BINDOP_NO_NOIOMMU;
		return -EOPNOTSUPP;
	}
	warn("%s: no-IOMMU mode is UNSAFE: nothing stops the device's DMA, so whoever holds "
	     "it can read and write all memory; the kernel is tainted", d->addr);
	if (req->dry_run || (read_attr(path, val, sizeof(val)) > 0 && val[0] == 'Y'))
		return 0;
	err = write_attr(path, "1");
	if (err)
		res->fail = BINDOP_NOIOMMU_ON;
	return err;
}

/* The value of module's reset_required parameter: 1, 0, -ENOENT none. */
static int reset_param(struct vctx *ctx, const char *module)
{
	char path[PATH_MAX], val[8];

	if (ctx_path(ctx, path, sizeof(path), "/sys/module/%s/parameters/reset_required", module) ||
	    read_attr(path, val, sizeof(val)) <= 0)
		return -ENOENT;
	return val[0] == 'Y' || val[0] == '1';
}

/*
 * vfio-platform and vfio-amba: the kernel asks only for the reset handler
 * of the device's first compatible, and finds it only if it is loaded:
 * load it before the bind. --no-reset-required loads the universal module
 * with reset_required=0 (read-only once it is loaded).
 */
static int prepare_reset(struct vctx *ctx, const struct pcidev *d, const struct target *t,
			 const struct bind_req *req, struct bind_result *res)
{
	const struct bus_kind *b = bus_by_name(dev_bus(d));
	char compat[COMPAT_LIST_MAX];
	struct reset_match *m = &res->reset;
	enum mod_state st;
	ssize_t n;
	int fd, err;

	m->index = -1;
	if (!b->reset_handlers || strcmp(t->module, b->universal))
		return 0;
	fd = open(d->realpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		res->fail = BINDOP_RESET;
		return -errno;
	}
	n = dt_compatible(ctx, fd, compat, sizeof(compat));
	close(fd);
	err = n < 0 ? (int)n : n > 0 ? reset_lookup(ctx, compat, (size_t)n, m) : 0;
	if (err) {
		res->fail = BINDOP_RESET;
		return err;
	}
	res->reset_checked = true;
	if (m->index == 0 && !m->builtin && !req->dry_run && (err = mod_load(ctx, m->module))) {
		res->fail = BINDOP_RESET;
		return err;
	}
	if (m->index > 0)
		warn("%s: only entry %d of its compatible list (%s) has a reset handler (%s); "
		     "%s asks for the first entry's only", d->addr, m->index + 1, m->compat,
		     m->module, t->module);
	else if (m->index < 0 && !req->no_reset_required)
		warn("%s: no reset handler for any compatible entry: %s refuses it unless loaded "
		     "with reset_required=0 (bind --no-reset-required)", d->addr, t->module);
	if (!req->no_reset_required)
		return 0;
	warn("%s: --no-reset-required: %s is loaded with reset_required=0: devices without a "
	     "reset handler are not reset between users", d->addr, t->module);
	if (mod_state(ctx, t->module, &st) == 0 && st != MOD_NOT_LOADED) {
		if (reset_param(ctx, t->module) != 1)
			return 0;
		res->fail = BINDOP_RESET_REQUIRED;
		return -EBUSY;
	}
	if (req->dry_run)
		return 0;
	err = mod_load_opts(ctx, t->module, "reset_required=0");
	if (err)
		res->fail = BINDOP_LOAD;
	return err;
}

/* The placeholder override, a name no driver can have ('/'). */
#define HOLD_OVERRIDE "vfioctl/pending"

/* The override of a holder killed half way is no one's: it counts as unset. */
static void forget_hold(struct pcidev *d)
{
	if (!strcmp(d->override, HOLD_OVERRIDE))
		d->override[0] = '\0';
}

int bindop_recordable(struct pcidev *d, char *why, size_t size)
{
	forget_hold(d);
	return state_check_dev(d, why, size);
}

static int hold_device(const struct pcidev *d, bool on)
{
	char path[PATH_MAX];

	if (xsnprintf(path, sizeof(path), "%s/driver_override", d->path))
		return -ENAMETOOLONG;
	info("%s: %s", d->addr, on ? "holding it for its VFIO driver" : "released");
	return write_attr(path, on ? HOLD_OVERRIDE : d->override[0] ? d->override : "\n");
}

/* owner: what run/vfioctl/owners said before, and whether this bind wrote it */
struct owner_undo {
	char prev[OWNER_MAX];
	bool written;
};

/*
 * owner, before the bind: check USER[:GROUP] and record it, so udev finds
 * it when the bind makes the group's node appear. Already there (!now):
 * recorded by give_owner, once the nodes are given.
 */
static int prepare_owner(struct vctx *ctx, const char *addr, const struct bind_req *req,
			 struct bind_result *res, bool now, struct owner_undo *u)
{
	uid_t uid;
	gid_t gid;
	int err;

	if (!req->owner)
		return 0;
	err = owner_parse(ctx, req->owner, &uid, &gid);
	if (err) {
		res->fail = BINDOP_OWNER;
		return err;
	}
	if (req->dry_run)
		return 0;
	/* what to put back if the bind fails or the nodes cannot be given */
	owner_runtime(ctx, addr, u->prev, sizeof(u->prev));
	if (!now || !strcmp(u->prev, req->owner))
		return 0;
	err = owner_record(ctx, addr, req->owner);
	if (err)
		res->fail = BINDOP_OWNER_RECORD;
	u->written = !err;
	return err;
}

/*
 * owner, after the bind: the nodes that exist now, and the record. A dry
 * run only says whether they would change (nodes a planned bind makes do
 * not exist yet).
 */
static void give_owner(struct vctx *ctx, struct pcidev *d, const struct bind_req *req,
		       struct bind_result *res, struct owner_undo *u)
{
	if (!req->owner)
		return;
	if (req->dry_run) {
		owner_chown(ctx, d, req->owner, true, &res->owner_changed);
		return;
	}
	res->owner_done = true;
	pcidev_refresh(ctx, d);
	res->owner_err = owner_chown(ctx, d, req->owner, false, &res->owner_changed);
	if (!res->owner_err && !u->written && strcmp(u->prev, req->owner)) {
		res->owner_err = owner_record(ctx, d->addr, req->owner);
		u->written = !res->owner_err;
	}
	if (!res->owner_err)
		res->nnodes = owner_nodes(ctx, d, res->nodes);
}

int bindop_lock(struct vctx *ctx)
{
	bool first = ctx->lock_fd < 0;
	int err;

	err = ctx_lock(ctx);
	if (!err && first) {
		bind_recover(ctx);
		state_sweep(ctx);
	}
	return err;
}

void bindop_recover(struct vctx *ctx)
{
	if (journal_exists(ctx))
		bindop_lock(ctx);
}

int bindop_bind(struct vctx *ctx, const struct bind_req *req, struct bind_result *res)
{
	const char *addr = req->addr;
	char orig_override[NAME_MAX_LEN];
	struct owner_undo u = { "", false };
	bool already;
	struct pcidev *d = &res->dev;
	struct target *t = &res->target;
	struct outcome *o = &res->outcome;
	bool held = false;
	struct cands c;
	int err;

	memset(res, 0, sizeof(*res));
	res->status = BIND_FAILED;
	if (!req->dry_run)
		bindop_recover(ctx);
	res->gen = sysfs_generation();
	err = pcidev_load(ctx, addr, d);
	if (err) {
		res->fail = BINDOP_READ;
		goto out;
	}
	err = target_choose(ctx, d, req->driver, &c, t, &res->choice);
	cands_free(&c);
	if (err) {
		res->fail = BINDOP_TARGET;
		goto out;
	}
	already = t->driver[0] && !strcmp(d->driver, t->driver);
	if (!already && (err = bindop_recordable(d, res->why, sizeof(res->why)))) {
		res->fail = BINDOP_UNRECORDABLE;
		goto out;
	}
	if (already)
		;	/* already there: nothing is taken from anyone */
	else if ((err = inuse_check(ctx, d, req->force, &res->inuse))) {
		res->fail = BINDOP_IN_USE;
		goto out;
	}
	err = check_iommu(ctx, d, t, req, res);
	if (!err)
		err = prepare_reset(ctx, d, t, req, res);
	if (!err)
		err = prepare_owner(ctx, addr, req, res, !already, &u);
	if (err)
		goto out;
	memcpy(orig_override, d->override, sizeof(orig_override));
	if (req->hold && !req->dry_run && !d->driver[0] && !t->driver[0]) {
		/*
		 * Unbound, and its VFIO module still to load: until then an
		 * override no driver has keeps native drivers, which udev may
		 * be loading for other devices right now, off this one.
		 */
		err = bindop_lock(ctx);
		if (!err) {
			/*
			 * Another vfioctl (udev's, the initramfs's) may have
			 * bound it while we waited for the lock: hold it only
			 * if it is still free, and restore what it has now.
			 */
			pcidev_refresh(ctx, d);
			err = bindop_recordable(d, res->why, sizeof(res->why));
			if (err) {
				res->fail = BINDOP_UNRECORDABLE;
				goto out;
			}
			memcpy(orig_override, d->override, sizeof(orig_override));
			if (!d->driver[0])
				err = hold_device(d, true);
			held = !err && !d->driver[0];
		}
	}
	if (!req->dry_run && (err = target_load(ctx, t))) {
		res->fail = BINDOP_LOAD;
		if (held)
			hold_device(d, false);
		goto out;
	}
	memcpy(res->prev_driver, d->driver, sizeof(res->prev_driver));
	err = plan_bind(ctx, d, t, &res->plan);
	if (err) {
		res->fail = BINDOP_PLAN;
		if (held)
			hold_device(d, false);
		goto out;
	}
	if (req->driver && t->driver[0] && bus_driver_is_vfio(ctx, dev_bus(d), t->driver) != 1)
		warn("%s: %s is not a VFIO driver", addr, t->driver);

	if (res->plan.noop) {
		res->status = BIND_UNCHANGED;
		give_owner(ctx, d, req, res, &u);
		goto out;
	}
	if (req->dry_run) {
		res->status = BIND_PLANNED;
		goto out;
	}

	err = bindop_lock(ctx);
	if (!err) {
		/* another vfioctl may have moved it while we waited */
		pcidev_refresh(ctx, d);
		if (held)	/* what to restore is what it had before the hold */
			memcpy(d->override, orig_override, sizeof(d->override));
		if (!strcmp(d->driver, t->driver)) {
			res->status = BIND_UNCHANGED;
			give_owner(ctx, d, req, res, &u);
			goto out;
		}
		err = bindop_recordable(d, res->why, sizeof(res->why));
		if (err) {
			res->fail = BINDOP_UNRECORDABLE;
			if (held)
				hold_device(d, false);
			goto out;
		}
		err = bind_exec(ctx, d, t, o);
	} else {
		snprintf(o->why, sizeof(o->why), "cannot take the lock in run/vfioctl: %s",
			 strerror(-err));
		o->restored = true;
		memcpy(o->before, d->driver, sizeof(o->before));
	}
	if (err) {
		res->fail = BINDOP_EXEC;
		goto out;
	}
	res->status = BIND_BOUND;
	if (d->group < 0)	/* the probe made its group (arm64): read it */
		pcidev_load(ctx, addr, d);
	give_owner(ctx, d, req, res, &u);
out:
	if (u.written && (res->status == BIND_FAILED || res->owner_err))
		owner_restore(ctx, addr, u.prev);
	res->err = err;
	return err;
}

void bind_result_free(struct bind_result *res)
{
	inuse_check_free(&res->inuse);
}

int bindop_unbind(struct vctx *ctx, const struct unbind_req *req, struct unbind_result *res)
{
	const char *addr = req->addr;
	struct pcidev *d = &res->dev;
	struct outcome *o = &res->outcome;
	bool have_prev, locked = ctx->lock_fd >= 0;
	struct prev_state prev;
	char was[2][NAME_MAX_LEN];
	int err;

	if (!req->dry_run)
		bindop_recover(ctx);
again:
	memset(res, 0, sizeof(*res));
	res->status = BIND_FAILED;
	err = pcidev_load(ctx, addr, d);
	if (err) {
		res->fail = BINDOP_READ;
		goto out;
	}
	err = state_load(ctx, addr, &prev);
	have_prev = err == 0;
	if (err && err != -ENOENT)
		warn("%s: ignoring unreadable record under %s/run/vfioctl: %s", addr, ctx->root,
		     strerror(-err));
	err = 0;
	memcpy(res->prev_driver, d->driver, sizeof(res->prev_driver));
	res->vfio = d->driver[0] && bus_driver_is_vfio(ctx, dev_bus(d), d->driver) == 1;
	if (!res->vfio && !d->override[0]) {
		if (have_prev && !req->dry_run)
			state_remove(ctx, addr);
		res->status = BIND_UNCHANGED;
		goto out;
	}
	if (res->vfio && (err = bindop_recordable(d, res->why, sizeof(res->why)))) {
		res->fail = BINDOP_UNRECORDABLE;
		goto out;
	}
	if (have_prev && prev.driver[0] && !bus_driver_registered(ctx, dev_bus(d), prev.driver) &&
	    prev.module[0] && !req->dry_run) {
		/* its driver went away with its module: bring it back */
		err = mod_load(ctx, prev.module);
		if (err)
			warn("%s: cannot load %s for %s: %s; the kernel will choose", addr, prev.module,
			     prev.driver, strerror(-err));
		err = 0;
	}
	if (res->vfio && (err = inuse_check(ctx, d, req->force, &res->inuse))) {
		res->fail = BINDOP_IN_USE;
		goto out;
	}
	if (!res->vfio) {
		/* only an override is pending: clearing it gives the device back */
		memset(&prev, 0, sizeof(prev));
		memcpy(prev.driver, d->driver, sizeof(prev.driver));
		have_prev = true;
	}
	if (have_prev)
		memcpy(res->back_to, prev.driver, sizeof(res->back_to));
	err = plan_unbind(ctx, d, have_prev ? &prev : NULL, &res->plan);
	if (err) {
		res->fail = BINDOP_PLAN;
		goto out;
	}
	if (!res->vfio)
		res->plan.n = 1;	/* just the override: the device stays on its driver */
	if (req->dry_run) {
		res->status = BIND_PLANNED;
		goto out;
	}
	err = bindop_lock(ctx);
	if (err) {
		res->fail = BINDOP_LOCK;
		goto out;
	}
	if (!locked) {
		/* another vfioctl may have moved it while we waited: look again */
		locked = true;
		memcpy(was[0], d->driver, sizeof(was[0]));
		memcpy(was[1], d->override, sizeof(was[1]));
		pcidev_refresh(ctx, d);
		if (strcmp(was[0], d->driver) || strcmp(was[1], d->override)) {
			unbind_result_free(res);
			goto again;
		}
	}
	if (!res->vfio) {
		err = write_attr(res->plan.op[0].path, res->plan.op[0].value);
		if (err) {
			res->fail = BINDOP_CLEAR;
			goto out;
		}
		state_remove(ctx, addr);
		res->status = BIND_BOUND;
		goto out;
	}
	err = unbind_exec(ctx, d, have_prev ? &prev : NULL, o);
	if (err) {
		res->fail = BINDOP_EXEC;
		goto out;
	}
	owner_clear(ctx, addr);
	res->status = BIND_BOUND;
out:
	res->err = err;
	return err;
}

void unbind_result_free(struct unbind_result *res)
{
	inuse_check_free(&res->inuse);
}
