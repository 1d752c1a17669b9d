// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bindings that hold across reboots: bind/unbind --persist, apply,
 * list-overrides, list-persisted, import-driverctl.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cmd.h"
#include "ctx.h"
#include "device.h"
#include "log.h"
#include "module.h"
#include "persist.h"
#include "print.h"
#include "report.h"

/* No sysfs under the root: an image being prepared; records only. */
static bool offline(struct vctx *ctx)
{
	char path[PATH_MAX];

	return ctx_path(ctx, path, sizeof(path), "/sys/bus") || !is_dir(path);
}

/* The device id (a PCI address or BUS/NAME) is in sysfs under the root. */
static bool dev_present(struct vctx *ctx, const char *id)
{
	const struct bus_kind *bus;
	char name[DEVICE_NAME_MAX], path[PATH_MAX];

	return bus_split(id, NULL, &bus, name, sizeof(name)) == 0 &&
	       ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/devices/%s", bus->name, name) == 0 &&
	       path_exists(path);
}

/*
 * A --persist name: an address, BUS/NAME (or NAME with --bus BUS), or
 * vendor:device[:subvendor:subdevice].
 */
static int parse_target(struct vctx *ctx, const char *name, const char *bus_opt,
			bool need_device, struct record *r)
{
	const struct bus_kind *bus = bus_of_arg(name);
	char path[PATH_MAX], shown[48];

	memset(r, 0, sizeof(*r));
	r->numvfs = -1;
	if (!bus && bus_opt)
		bus = bus_by_name(bus_opt);
	if ((bus_opt && !bus_by_name(bus_opt)) || (bus && bus->id != BUS_PCI)) {
		r->kind = MATCH_DEVICE;
		return resolve_device(ctx, name, bus_opt, true, need_device, r->addr) ? -EINVAL : 0;
	}
	if (pci_addr_parse(name, r->addr) == 0) {
		r->kind = MATCH_DEVICE;
		if (need_device && (ctx_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s",
					     r->addr) || !path_exists(path))) {
			out_error(r->addr, 0, "no such PCI device");
			return -EINVAL;
		}
		return 0;
	}
	if (ids_parse(name, r) == 0) {
		r->kind = MATCH_IDS;
		return 0;
	}
	out_error(NULL, 0, "'%s': not a PCI device name or vendor:device[:subvendor:subdevice]",
		  printable(name, shown, sizeof(shown)));
	return -EINVAL;
}

static int parse_targets(struct vctx *ctx, const struct cmd_args *a, bool need_device,
			 struct record **out)
{
	struct record *v;
	int i, err = 0;

	if (a->nnames == 0) {
		out_error(NULL, 0, "name at least one device or vendor:device");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	v = calloc((size_t)a->nnames, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < a->nnames; i++)
		if (parse_target(ctx, a->names[i], a->bus, need_device, &v[i]))
			err = -EINVAL;
	if (err) {
		ctx_fail(ctx, EXIT_USAGE);
		free(v);
		return err;
	}
	*out = v;
	return 0;
}

/*
 * --owner, checked before anything is done or written: a record keeps it
 * for every boot, so it must be what vfioctl reads back (owner_parse under
 * the root, as apply and udev's owner query do). Reported, exit status 2.
 */
int check_owner_option(struct vctx *ctx, const char *owner)
{
	uid_t uid;
	gid_t gid;
	int err;

	if (!owner)
		return 0;
	err = owner_parse(ctx, owner, &uid, &gid);
	if (err)
		report_owner(ctx, NULL, owner, err);
	return err;
}

static bool same_match(const struct record *a, const struct record *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == MATCH_DEVICE)
		return !strcmp(a->addr, b->addr);
	return a->vendor == b->vendor && a->device == b->device && a->has_sub == b->has_sub &&
	       (!a->has_sub || (a->subvendor == b->subvendor && a->subdevice == b->subdevice));
}

/*
 * The PCI devices present, for the commands that look at records: a board
 * without a PCI bus (no /sys/bus/pci) has none, and its PCI records match
 * nothing; listing PCI devices there (list-devices) is still an error.
 */
static int pci_devices(struct vctx *ctx, char (**addrs)[PCI_ADDR_MAX], size_t *n)
{
	int err = pcidev_list(ctx, addrs, n);

	if (err != -ENOENT)
		return err;
	*addrs = NULL;
	*n = 0;
	return 0;
}

/* Present devices a record matches; callback per address. */
static int each_match(struct vctx *ctx, const struct record *r,
		      int (*fn)(struct vctx *, const char *, void *), void *arg)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	size_t i, n = 0;
	int err;

	if (offline(ctx))
		return 0;
	if (r->kind == MATCH_DEVICE) {
		struct pcidev d;

		return pcidev_load(ctx, r->addr, &d) ? 0 : fn(ctx, d.addr, arg);
	}
	err = pci_devices(ctx, &addrs, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		struct pcidev d;

		if (pcidev_load(ctx, addrs[i], &d) == 0 && record_matches(r, &d))
			err = fn(ctx, d.addr, arg);
	}
	free(addrs);
	return err;
}

/* records_load, its failure reported (a bad file is only a warning in it). */
static int load_records(struct vctx *ctx, struct records *rs)
{
	int err = records_load(ctx, rs);

	if (err) {
		out_error(NULL, err, "cannot read %s/etc/vfioctl.d", ctx->root);
		ctx_fail(ctx, EXIT_FAILED);
	}
	return err;
}

static void update_modprobe_conf(struct vctx *ctx, bool dry_run)
{
	char path[PATH_MAX];
	int err;

	if (dry_run)
		return;
	err = modprobe_conf_update(ctx, false, path, sizeof(path));
	if (err) {
		out_error(NULL, err, "cannot update %s", path);
		ctx_fail(ctx, EXIT_FAILED);
	}
}

struct persist_run {
	const struct cmd_args *a;
	int failed;
};

static int bind_match(struct vctx *ctx, const char *addr, void *arg)
{
	struct persist_run *pr = arg;
	struct bind_req req = { .addr = addr, .driver = pr->a->driver, .dry_run = pr->a->dry_run,
				.noiommu = pr->a->noiommu, .owner = pr->a->owner,
				.force = pr->a->force };

	if (bind_device(ctx, &req) == BIND_FAILED)
		pr->failed++;
	return 0;
}

static int unbind_match(struct vctx *ctx, const char *addr, void *arg)
{
	struct persist_run *pr = arg;

	if (unbind_device(ctx, addr, pr->a->dry_run, pr->a->force) == BIND_FAILED)
		pr->failed++;
	return 0;
}

/* What a record says, as JSON: driver, owner, numvfs (null: not said). */
static void print_record_content(const struct record *r)
{
	out_str(OUT_JSON, "driver", NULL, r->driver);
	out_str(OUT_JSON, "owner", NULL, r->owner[0] ? r->owner : NULL);
	if (r->numvfs >= 0)
		out_int(OUT_JSON, "numvfs", NULL, r->numvfs);
	else
		out_null(OUT_JSON, "numvfs", "");
}

/*
 * One record written, removed, or found as it should be: what it says now
 * (for a removed one, what it said), status, whether the run changed (or
 * with --dry-run would change) it, and prev, what it said before (NULL: no
 * such record).
 */
static void print_record(const struct record *r, const char *status, const char *path,
			 const struct record *prev, bool changed)
{
	char what[DEV_ID_MAX];

	out_open_object(NULL);
	record_what(r, what, sizeof(what));
	out_str(OUT_JSON, r->kind == MATCH_DEVICE ? "device" : "ids", NULL, what);
	out_str(OUT_JSON, "record", NULL, path);
	print_record_content(r);
	out_str(OUT_JSON, "status", NULL, status);
	out_bool(OUT_JSON, "changed", NULL, changed);
	if (prev) {
		out_open_object("previous");
		print_record_content(prev);
		out_close_object();
	} else {
		out_null(OUT_JSON, "previous", "");
	}
	out_text("%s: %s %s (driver %s)\n", what, status, path, r->driver);
	out_close_object();
}

/* The same content: writing b over a would change nothing. */
static bool same_content(const struct record *a, const struct record *b)
{
	return !strcmp(a->driver, b->driver) && !strcmp(a->owner, b->owner) &&
	       a->numvfs == b->numvfs;
}

/*
 * What bind --persist and unbind --persist do first: the targets parsed,
 * the options of a bind checked, the records loaded, the output opened.
 */
static int persist_begin(struct vctx *ctx, const struct cmd_args *a, bool need_device,
			 bool binding, struct record **v, struct records *rs)
{
	int err;

	err = parse_targets(ctx, a, need_device, v);
	if (err)
		return err;
	if (binding && a->driver && !valid_name(a->driver)) {
		char shown[80];

		out_error(NULL, 0, "--driver '%s': not a module or driver name",
			  escape_text(a->driver, shown, sizeof(shown)));
		ctx_fail(ctx, EXIT_USAGE);
		err = -EINVAL;
	}
	if (!err && binding)
		err = check_owner_option(ctx, a->owner);
	if (!err)
		err = load_records(ctx, rs);
	if (err) {
		free(*v);
		return err;
	}
	out_open_array(NULL);
	return 0;
}

/*
 * And last: the output closed, and the modprobe.d guard, which follows the
 * records. After a failure it is left alone unless a record did change, so
 * that a failed write is one error, with nothing else touched.
 */
static void persist_end(struct vctx *ctx, const struct cmd_args *a, struct record *v,
			struct records *rs, unsigned changed)
{
	out_close_array();
	records_free(rs);
	free(v);
	if (changed || ctx->exit_status == EXIT_OK)
		update_modprobe_conf(ctx, a->dry_run);
}

int cmd_bind_persist(struct vctx *ctx, const struct cmd_args *a)
{
	unsigned changed = 0;
	struct records rs;
	struct record *v;
	int i, err;

	err = persist_begin(ctx, a, !offline(ctx), true, &v, &rs);
	if (err)
		return err;
	for (i = 0; i < a->nnames; i++) {
		struct persist_run pr = { a, 0 };
		const struct record *prev;
		struct record *r = &v[i];
		char path[PATH_MAX];
		size_t k;

		/* both checked above: they fit */
		xstrcpy(r->driver, sizeof(r->driver), a->driver ? a->driver : RECORD_AUTO);
		xstrcpy(r->owner, sizeof(r->owner), a->owner ? a->owner : "");
		/* bind now what is there; record only what worked */
		each_match(ctx, r, bind_match, &pr);
		if (pr.failed) {
			char what[DEV_ID_MAX];

			out_error(NULL, 0, "%s: not recorded: the bind failed",
				  record_what(r, what, sizeof(what)));
			continue;
		}
		prev = NULL;
		for (k = 0; k < rs.n; k++)
			if (same_match(&rs.v[k], r)) {
				prev = &rs.v[k];
				memcpy(r->file, prev->file, sizeof(r->file));
			}
		if (r->file[0])
			memcpy(path, r->file, sizeof(path));
		else
			record_path(ctx, r, path, sizeof(path));
		if (prev && same_content(prev, r)) {
			/* not written again: a run that changes nothing says so */
			print_record(r, "unchanged", path, prev, false);
			continue;
		}
		if (a->dry_run) {
			print_record(r, "would record in", path, prev, true);
			continue;
		}
		err = record_write(ctx, r);
		if (err) {
			out_error(NULL, err, "cannot write %s", path);
			ctx_fail(ctx, EXIT_FAILED);
			continue;
		}
		changed++;
		print_record(r, "recorded in", path, prev, true);
	}
	persist_end(ctx, a, v, &rs, changed);
	return 0;
}

int cmd_unbind_persist(struct vctx *ctx, const struct cmd_args *a)
{
	unsigned changed = 0;
	struct records rs;
	struct record *v;
	int i, err;

	err = persist_begin(ctx, a, false, false, &v, &rs);
	if (err)
		return err;
	for (i = 0; i < a->nnames; i++) {
		struct persist_run pr = { a, 0 };
		struct record *r = &v[i];
		bool found = false;
		size_t k;

		each_match(ctx, r, unbind_match, &pr);
		if (pr.failed) {
			char what[DEV_ID_MAX];

			out_error(NULL, 0, "%s: record kept: giving the device back failed",
				  record_what(r, what, sizeof(what)));
			continue;
		}
		for (k = 0; k < rs.n; k++) {
			char what[DEV_ID_MAX];

			if (!same_match(&rs.v[k], r)) {
				/* a fleet record still covers this device: say so */
				if (r->kind == MATCH_DEVICE && rs.v[k].kind == MATCH_IDS) {
					struct pcidev d;

					if (pcidev_load(ctx, r->addr, &d) == 0 && record_matches(&rs.v[k], &d))
						warn("%s: still matched by %s (ids %s): apply will bind it again",
						     r->addr, rs.v[k].file, record_what(&rs.v[k], what, sizeof(what)));
				}
				continue;
			}
			found = true;
			if (a->dry_run) {
				print_record(&rs.v[k], "would remove", rs.v[k].file, &rs.v[k], true);
				continue;
			}
			err = record_remove(ctx, &rs.v[k]);
			if (err) {
				out_error(NULL, err, "cannot remove %s", rs.v[k].file);
				ctx_fail(ctx, EXIT_FAILED);
				continue;
			}
			changed++;
			print_record(&rs.v[k], "removed", rs.v[k].file, &rs.v[k], true);
		}
		if (!found) {
			char what[DEV_ID_MAX];

			info("%s: no record to remove", record_what(r, what, sizeof(what)));
		}
	}
	persist_end(ctx, a, v, &rs, changed);
	return 0;
}

static void report_record_errors(struct vctx *ctx, const struct records *rs)
{
	size_t i;

	out_open_array("errors");
	for (i = 0; i < rs->nerr; i++) {
		char msg[PATH_MAX + 256];

		snprintf(msg, sizeof(msg), "%s%s", rs->err[i].file, rs->err[i].msg);
		out_open_object(NULL);
		out_str(OUT_JSON, "record", NULL, rs->err[i].file);
		out_str(OUT_JSON, "error", NULL, msg);
		out_close_object();
	}
	out_close_array();
	if (rs->nerr)
		ctx_fail(ctx, EXIT_FAILED);
}

/*
 * The devices apply looks at when none is named: every PCI device, and
 * each present device of the other buses that a record names (those are
 * recorded by name only). Free *ids with free().
 */
static int apply_devices(struct vctx *ctx, const struct records *rs, char ***ids, size_t *n)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL, **v = NULL;
	size_t i, j, count = 0;
	int err;

	err = pci_devices(ctx, &addrs, &count);
	if (!err)
		err = ids_pack(NULL, 0, addrs ? addrs[0] : NULL, PCI_ADDR_MAX, count, &v);
	free(addrs);
	for (i = 0; !err && i < rs->n; i++) {
		if (!record_other_bus(&rs->v[i]) || !dev_present(ctx, rs->v[i].addr))
			continue;
		for (j = 0; j < count && strcmp(v[j], rs->v[i].addr); j++)
			;
		if (j == count && !(err = ids_pack(v, count, rs->v[i].addr, DEV_ID_MAX, 1, &v)))
			count++;
	}
	if (err)
		return err;
	*ids = v;
	*n = count;
	return 0;
}

int cmd_apply(struct vctx *ctx, const struct cmd_args *a)
{
	char **addrs = NULL;
	unsigned changed = 0, failed = 0;
	struct records rs;
	size_t i, n = 0;
	int err;

	/* a bind or unbind killed half way is finished or undone first */
	if (!a->dry_run)
		bindop_recover(ctx);
	/* named devices of any bus (udev passes BUS/NAME for the others) */
	if (a->nnames) {
		char (*named)[DEV_ID_MAX] = NULL;

		err = resolve_devices(ctx, a->names, a->nnames, a->bus, true, &named, &n);
		if (!err)
			err = ids_pack(NULL, 0, named ? named[0] : NULL, DEV_ID_MAX, n, &addrs);
		free(named);
		if (err)
			return err;
	}
	err = load_records(ctx, &rs);
	if (err) {
		free(addrs);
		return err;
	}
	if (!a->nnames) {
		err = apply_devices(ctx, &rs, &addrs, &n);
		if (err) {
			out_error(NULL, err, "cannot list PCI devices");
			ctx_fail(ctx, EXIT_FAILED);
			records_free(&rs);
			return err;
		}
	}
	out_open_object(NULL);
	out_open_array("devices");
	for (i = 0; i < n; i++) {
		struct bind_req req = { .addr = addrs[i], .dry_run = a->dry_run, .hold = true,
					.force = a->force };
		const struct record *r;
		struct pcidev d;

		if (pcidev_load(ctx, addrs[i], &d))
			continue;
		r = records_match(&rs, &d);
		if (!r)
			continue;
		req.record = r->file;
		req.driver = strcmp(r->driver, RECORD_AUTO) ? r->driver : NULL;
		req.owner = r->owner[0] ? r->owner : NULL;
		if (strcmp(r->driver, RECORD_KEEP) && !a->sriov_only) {
			switch (bind_device(ctx, &req)) {
			case BIND_FAILED:
				failed++;
				continue;
			case BIND_BOUND:
			case BIND_PLANNED:
				changed++;
				break;
			default:
				break;
			}
		}
		if (r->numvfs >= 0) {
			struct sriov_req sr = { .pf = d.addr, .numvfs = r->numvfs, .owner = req.owner,
						.dry_run = a->dry_run, .force = a->force,
						.defer = true };
			int ret = sriov_set(ctx, &sr);

			if (ret < 0)
				failed++;
			else if (ret > 0)
				changed++;
		}
	}
	out_close_array();

	/* device records whose device is not here: not an error (hotplug) */
	out_open_array("absent");
	for (i = 0; i < rs.n; i++) {
		if (rs.v[i].kind != MATCH_DEVICE || dev_present(ctx, rs.v[i].addr))
			continue;
		out_open_object(NULL);
		out_str(OUT_JSON, "device", NULL, rs.v[i].addr);
		out_str(OUT_JSON, "record", NULL, rs.v[i].file);
		out_close_object();
		info("%s: %s: no such device now; left for when it appears", rs.v[i].addr,
		     rs.v[i].file);
	}
	out_close_array();
	report_record_errors(ctx, &rs);
	out_bool(OUT_JSON, "changed", NULL, changed > 0);
	out_uint(OUT_JSON, "failed", NULL, failed + rs.nerr);
	out_close_object();
	if (!changed && !failed && !a->dry_run)
		out_text("nothing to do\n");
	if (changed && ctx->exit_status == EXIT_OK)
		ctx->exit_status = EXIT_CHANGED;
	records_free(&rs);
	free(addrs);
	return 0;
}

int cmd_list_overrides(struct vctx *ctx, const struct cmd_args *a)
{
	char **ids = NULL;
	struct records rs;
	size_t i, n = 0;
	int err;

	/* PCI's devices, or with --bus those of BUS (all: of every bus) */
	err = device_set(ctx, a, &ids, &n);
	if (err)
		return err;
	if (records_load(ctx, &rs))
		memset(&rs, 0, sizeof(rs));
	out_open_array(NULL);
	out_text("%-13s %-20s %-20s %s\n", "DEVICE", "OVERRIDE", "DRIVER", "RECORD");
	for (i = 0; i < n; i++) {
		const struct record *r;
		struct pcidev d;

		if (pcidev_load(ctx, ids[i], &d) || !d.override[0])
			continue;
		r = records_match(&rs, &d);
		out_open_object(NULL);
		out_str(OUT_ANY, "device", "%-13s", d.addr);
		out_str(OUT_ANY, "override", " %-20s", d.override);
		out_str(OUT_ANY, "driver", " %-20s", d.driver[0] ? d.driver : NULL);
		out_str(OUT_ANY, "record", " %s\n", r ? r->file : NULL);
		out_close_object();
	}
	out_close_array();
	records_free(&rs);
	free(ids);
	return 0;
}

/* What a record matches a PCI device by, kept for every device present. */
struct dev_match {
	char addr[PCI_ADDR_MAX];
	unsigned vendor, device, subvendor, subdevice;
};

/*
 * Every device present, read once (none offline), and kept as what records
 * match: 40 bytes a device, not a whole struct pcidev (9 KiB: 147 MiB at
 * 16,384 devices). Free *v with free().
 */
static int load_devices(struct vctx *ctx, struct dev_match **v, size_t *n)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	size_t i, count = 0;
	struct pcidev *d;
	int err;

	*v = NULL;
	*n = 0;
	if (offline(ctx))
		return 0;
	err = pci_devices(ctx, &addrs, &count);
	if (err)
		return err;
	*v = calloc(count ? count : 1, sizeof(**v));
	d = malloc(sizeof(*d));
	if (!*v || !d) {
		free(*v);
		*v = NULL;
		free(d);
		free(addrs);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		struct dev_match *m = &(*v)[*n];

		if (pcidev_load(ctx, addrs[i], d))
			continue;
		memcpy(m->addr, d->addr, sizeof(m->addr));
		m->vendor = d->vendor;
		m->device = d->device;
		m->subvendor = d->subvendor;
		m->subdevice = d->subdevice;
		(*n)++;
	}
	free(d);
	free(addrs);
	return 0;
}

/* record_matches() for a device kept by load_devices(); d is scratch space. */
static bool record_matches_dev(const struct record *r, const struct dev_match *m,
			       struct pcidev *d)
{
	memcpy(d->addr, m->addr, sizeof(m->addr));
	d->bus = bus_by_name("pci");
	d->vendor = m->vendor;
	d->device = m->device;
	d->subvendor = m->subvendor;
	d->subdevice = m->subdevice;
	return record_matches(r, d);
}

int cmd_list_persisted(struct vctx *ctx, const struct cmd_args *a)
{
	struct dev_match *devs;
	struct pcidev *scratch;
	struct records rs;
	size_t i, j, ndevs;
	int err;

	(void)a;
	err = load_records(ctx, &rs);
	if (err)
		return err;
	/* the devices once, not once per record: thousands of records are fine */
	err = load_devices(ctx, &devs, &ndevs);
	scratch = err ? NULL : calloc(1, sizeof(*scratch));
	if (!err && !scratch) {
		free(devs);
		err = -ENOMEM;
	}
	if (err) {
		out_error(NULL, err, "cannot list PCI devices");
		ctx_fail(ctx, EXIT_FAILED);
		records_free(&rs);
		return err;
	}
	out_open_array(NULL);
	out_text("%-20s %-20s %-14s %s\n", "MATCH", "DRIVER", "DEVICES", "RECORD");
	for (i = 0; i < rs.n; i++) {
		const struct record *r = &rs.v[i];
		char what[DEV_ID_MAX], list[1024] = "";
		size_t len = 0;

		record_what(r, what, sizeof(what));
		out_open_object(NULL);
		out_str(OUT_ANY, r->kind == MATCH_DEVICE ? "device" : "ids", "%-20s", what);
		out_str(OUT_ANY, "driver", " %-20s", r->driver);
		out_open_array("devices");
		/* another bus's device is recorded by name: there, or not */
		if (record_other_bus(r) && !offline(ctx) && dev_present(ctx, r->addr)) {
			out_str(OUT_JSON, NULL, NULL, r->addr);
			len = (size_t)snprintf(list, sizeof(list), "%s", r->addr);
		}
		for (j = 0; j < ndevs && !record_other_bus(r); j++) {
			if (!record_matches_dev(r, &devs[j], scratch))
				continue;
			out_str(OUT_JSON, NULL, NULL, devs[j].addr);
			if (len < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							len ? "," : "", devs[j].addr);
		}
		out_close_array();
		out_text(" %-14s", list[0] ? list : "-");
		out_str(OUT_ANY, "record", " %s\n", r->file);
		out_close_object();
	}
	for (i = 0; i < rs.nerr; i++) {
		char msg[PATH_MAX + 256];

		snprintf(msg, sizeof(msg), "%s%s", rs.err[i].file, rs.err[i].msg);
		out_open_object(NULL);
		out_str(OUT_JSON, "record", NULL, rs.err[i].file);
		out_str(OUT_JSON, "error", NULL, msg);
		out_text("%-20s %-20s %-14s ", "(skipped)", "-", "-");
		out_str(OUT_TEXT, NULL, "%s\n", msg);
		out_close_object();
	}
	out_close_array();
	if (rs.nerr)
		ctx_fail(ctx, EXIT_FAILED);
	free(scratch);
	free(devs);
	records_free(&rs);
	return 0;
}

int cmd_import_driverctl(struct vctx *ctx, const struct cmd_args *a)
{
	unsigned changed = 0;
	struct dirent **names = NULL;
	char dir[PATH_MAX];
	struct records rs;
	int i, n, err;

	err = ctx_path(ctx, dir, sizeof(dir), "/etc/driverctl.d");
	if (err)
		return err;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		if (errno == ENOENT) {
			out_open_array(NULL);
			out_close_array();
			out_text("no driverctl overrides in %s\n", dir);
			return 0;
		}
		out_error(NULL, -errno, "cannot read %s", dir);
		ctx_fail(ctx, EXIT_FAILED);
		return -errno;
	}
	err = load_records(ctx, &rs);
	if (err) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return err;
	}
	out_open_array(NULL);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[PATH_MAX], why[128], shown[2 * NAME_MAX];
		struct record r;
		bool dup = false;
		size_t k;

		if (name[0] == '.')
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s", dir, name))
			continue;
		err = driverctl_read(path, name, &r, why, sizeof(why));
		if (err && !why[0]) {
			warn("%s/%s: not an override for a bus vfioctl knows; skipped", dir,
			     escape_text(name, shown, sizeof(shown)));
			continue;
		}
		if (err) {
			out_error(r.addr, 0, "%s: %s; skipped", path, why);
			ctx_fail(ctx, EXIT_FAILED);
			continue;
		}
		for (k = 0; k < rs.n; k++)
			dup |= same_match(&rs.v[k], &r) || (rs.v[k].kind == MATCH_DEVICE &&
							     !strcmp(rs.v[k].addr, r.addr));
		record_path(ctx, &r, path, sizeof(path));
		if (dup) {
			print_record(&r, "already recorded, kept", path, NULL, false);
			continue;
		}
		if (a->dry_run) {
			print_record(&r, "would record in", path, NULL, true);
			continue;
		}
		err = record_write(ctx, &r);
		if (err) {
			out_error(r.addr, err, "cannot write %s", path);
			ctx_fail(ctx, EXIT_FAILED);
			continue;
		}
		changed++;
		print_record(&r, "recorded in", path, NULL, true);
		info("%s: driverctl still sets this override at boot until its file is removed",
		     r.addr);
	}
	out_close_array();
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	records_free(&rs);
	if (changed || ctx->exit_status == EXIT_OK)
		update_modprobe_conf(ctx, a->dry_run);
	return 0;
}

int persist_numvfs(struct vctx *ctx, const char *pf, const struct cmd_args *a)
{
	struct record r = { .kind = MATCH_DEVICE, .numvfs = -1 }, prev;
	struct records rs;
	bool found = false, drop;
	char path[PATH_MAX];
	size_t k;
	int err;

	memcpy(r.addr, pf, PCI_ADDR_MAX);
	memcpy(r.driver, RECORD_KEEP, sizeof(RECORD_KEEP));
	err = records_load(ctx, &rs);
	if (err)
		return err;
	for (k = 0; k < rs.n; k++)
		if (same_match(&rs.v[k], &r)) {
			r = rs.v[k];	/* keep its driver and owner, its file */
			found = true;
		}
	records_free(&rs);
	prev = r;
	r.numvfs = a->numvfs ? a->numvfs : -1;
	/* sriov checked it before making VFs (check_owner_option): it fits */
	if (a->owner && xstrcpy(r.owner, sizeof(r.owner), a->owner))
		return -EINVAL;
	if (r.file[0])
		memcpy(path, r.file, sizeof(path));
	else
		record_path(ctx, &r, path, sizeof(path));
	/* nothing left to keep: no record */
	drop = r.numvfs < 0 && !strcmp(r.driver, RECORD_KEEP) && !r.owner[0];
	if (found ? !drop && same_content(&prev, &r) : drop) {
		if (found)
			print_record(&r, "unchanged", path, &prev, false);
		return 0;
	}
	if (a->dry_run) {
		print_record(&r, drop ? "would remove" : "would record in", path,
			     found ? &prev : NULL, true);
		return 0;
	}
	if (drop) {
		err = record_remove(ctx, &r);
		if (!err)
			print_record(&r, "removed", path, &prev, true);
		return err;
	}
	err = record_write(ctx, &r);
	if (!err)
		print_record(&r, "recorded in", path, found ? &prev : NULL, true);
	update_modprobe_conf(ctx, false);
	return err;
}
