// SPDX-License-Identifier: GPL-2.0-or-later
/* show: the six steps for one device, each with its input and result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "bind.h"
#include "bus.h"
#include "cmd.h"
#include "ctx.h"
#include "group.h"
#include "inuse.h"
#include "kfacts.h"
#include "module.h"
#include "names.h"
#include "print.h"
#include "report.h"

static void show_group(struct vctx *ctx, const struct pcidev *d)
{
	struct group_status gs;
	size_t i;

	if (d->group < 0) {
		out_null(OUT_ANY, "iommu_group", !d->driver[0] && iommu_group_on_probe(ctx) ?
			 "   group:    none yet (an IOMMU is registered: here a device joins its group "
			 "when a driver probes it)\n" :
			 "   group:    none (no IOMMU: VFIO cannot use this device)\n");
		return;
	}
	out_int(OUT_ANY, "iommu_group", "   group:    %lld", d->group);
	if (group_status(ctx, d->group, &gs)) {
		out_text("\n");
		return;
	}
	out_bool(OUT_ANY, "group_viable", ", viable for userspace: %s\n", gs.viable);
	out_open_array("group_members");
	for (i = 0; i < gs.n; i++) {
		out_open_object(NULL);
		out_str(OUT_ANY, "device", "             %s", gs.m[i].addr);
		out_str(OUT_JSON, "driver", NULL, gs.m[i].driver[0] ? gs.m[i].driver : NULL);
		out_text(" on %s", gs.m[i].driver[0] ? gs.m[i].driver : "no driver");
		out_bool(OUT_JSON, "bridge", NULL, gs.m[i].bridge);
		out_bool(OUT_JSON, "ok", NULL, gs.m[i].ok);
		out_text("%s%s\n", gs.m[i].bridge ? " (bridge)" : "",
			 !strcmp(gs.m[i].addr, d->addr) ? "  (this device)" :
			 gs.m[i].ok ? "" : "  <- keeps the group from userspace");
		out_close_object();
	}
	out_close_array();
	group_status_free(&gs);
}

/* The device nodes userspace opens: the group's, and iommufd's cdev. */
static void show_nodes(struct vctx *ctx, const struct pcidev *d)
{
	char node[64], path[PATH_MAX];

	if (d->group >= 0) {
		snprintf(node, sizeof(node), "/dev/vfio/%d", d->group);
		if (ctx_path(ctx, path, sizeof(path), "%s", node) || !path_exists(path))
			node[0] = '\0';
	} else {
		node[0] = '\0';
	}
	out_str(OUT_JSON, "group_node", NULL, node[0] ? node : NULL);
	if (node[0])
		out_text("   node:     %s\n", node);
	if (d->cdev[0]) {
		snprintf(node, sizeof(node), "/dev/vfio/devices/%s", d->cdev);
		out_str(OUT_ANY, "vfio_cdev", "   cdev:     %s (iommufd)\n", node);
	} else {
		out_null(OUT_JSON, "vfio_cdev", "");
	}
}

/* What the host uses it for: bind refuses these without --force. */
static void show_uses(struct vctx *ctx, const struct pcidev *d)
{
	struct uses u;
	size_t i;

	if (device_uses(ctx, d, &u)) {
		out_null(OUT_ANY, "in_use", "   in use:   cannot tell\n");
		uses_free(&u);
		return;
	}
	out_open_array("in_use");
	if (!u.n)
		out_text("   in use:   nothing the host uses\n");
	for (i = 0; i < u.n; i++) {
		out_open_object(NULL);
		out_str(OUT_ANY, "kind", "   in use:   %s", use_kind_name(u.v[i].kind));
		out_str(OUT_ANY, "name", " %s", u.v[i].name);
		out_str(OUT_ANY, "what", ": %s\n", u.v[i].what);
		out_close_object();
	}
	out_close_array();
	uses_free(&u);
}

static void show_module(struct vctx *ctx, const struct target *t)
{
	char deps[2048], *tok, *save = NULL;
	int err;

	out_open_object("module");
	out_str(OUT_ANY, "name", "5. module:     %s", t->module);
	out_str(OUT_ANY, "state", " (%s)", mod_state_name(t->mstate));
	out_bool(OUT_JSON, "builtin", NULL, t->mstate == MOD_BUILTIN || module_is_builtin(ctx, t->module) > 0);
	err = mod_deps(ctx, t->module, deps, sizeof(deps));
	out_open_array("dependencies");
	if (!err && t->mstate == MOD_NOT_LOADED)
		out_text("; bind loads it%s%s through libkmod, as 'modprobe %s'",
			 deps[0] ? " with " : "", deps, t->module);
	for (tok = err ? NULL : strtok_r(deps, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		out_str(OUT_JSON, NULL, NULL, tok);
	out_close_array();
	out_text("\n");
	out_close_object();
}

static void show_one(struct vctx *ctx, const char *addr)
{
	char key[ALIAS_MAX], vname[128], dname[256], path[PATH_MAX];
	const char *vn, *dn, *dir = "";
	struct kfacts kf;
	struct target t;
	struct pcidev d;
	struct cands c;
	struct plan p;
	int err;

	out_open_object(NULL);
	err = pcidev_load(ctx, addr, &d);
	if (err) {
		out_str(OUT_JSON, "device", NULL, addr);
		out_error(addr, err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	vn = names_vendor(ctx, d.vendor, vname, sizeof(vname));
	dn = names_device(ctx, d.vendor, d.device, dname, sizeof(dname));
	out_str(OUT_ANY, "device", "%s", d.addr);
	out_text(" [%04x:%04x]%s%s%s%s\n", d.vendor, d.device, vn ? " " : "", vn ? vn : "",
		 dn ? " " : "", dn ? dn : "");
	out_str(OUT_JSON, "vendor_name", NULL, vn);
	out_str(OUT_JSON, "device_name", NULL, dn);

	out_str(OUT_ANY, "sysfs_path", "1. sysfs path: %s", d.path);
	out_str(OUT_ANY, "sysfs_realpath", " -> %s\n", d.realpath);

	if (xsnprintf(path, sizeof(path), "%s/modalias", d.path) == 0)
		out_str(OUT_TEXT, NULL, "2. modalias:   read %s\n", path);
	out_str(OUT_ANY, "modalias", "               = %s\n", d.modalias[0] ? d.modalias : NULL);
	if (vfio_alias_of(d.modalias, key, sizeof(key))) {
		out_error(d.addr, 0, "no modalias: nothing to look up");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	out_text("3. vfio alias: \"vfio_\" + modalias, the prefix depmod gives override-only\n"
		 "               (VFIO) entries of ID tables\n");
	out_str(OUT_ANY, "vfio_alias", "               = %s\n", key);

	if (ctx_moddir(ctx, &dir) == 0)
		out_text("4. lookup:     in %s\n"
			 "               modules.alias.bin, modules.builtin.alias.bin and modprobe.d\n"
			 "               aliases; the pattern with the fewest '*' wins\n", dir);
	out_str(OUT_JSON, "module_directory", NULL, dir[0] ? dir : NULL);
	if (choose_target(ctx, &d, NULL, &c, &t)) {
		if (c.n)
			print_cands(&c, "               ");
		cands_free(&c);
		goto out;
	}
	print_cands(&c, "               ");
	cands_free(&c);

	show_module(ctx, &t);

	if (t.driver[0]) {
		out_str(OUT_ANY, "driver", "6. driver:     %s", t.driver);
		out_str(OUT_ANY, "driver_source", " (read from %s)\n", t.driver_src);
	} else {
		out_null(OUT_ANY, "driver", "6. driver:     not known until the module is loaded; ");
		if (ctx_path(ctx, path, sizeof(path), "/sys/module/%s/drivers", t.module) == 0)
			out_str(OUT_ANY, "driver_source", "bind reads it from %s/pci:*\n", path);
	}
	out_str(OUT_JSON, "current_driver", NULL, d.driver[0] ? d.driver : NULL);
	out_text("   now on:   %s", d.driver[0] ? d.driver : "no driver");
	out_str(OUT_JSON, "override", NULL, d.override[0] ? d.override : NULL);
	out_text(", driver_override %s\n", d.override[0] ? d.override : "(null)");
	show_group(ctx, &d);
	show_nodes(ctx, &d);
	show_uses(ctx, &d);
	kernel_facts(ctx, &kf);
	print_kernel_facts(&kf, true, d.driver[0] && driver_is_vfio(ctx, d.driver) == 1, "   ");

	err = plan_bind(ctx, &d, &t, &p);
	if (err)
		goto out;
	out_bool(OUT_JSON, "noop", NULL, p.noop);
	if (p.noop)
		out_text("   bind:     nothing to write: already on %s\n", d.driver);
	else
		out_text("   bind would write, in this order:\n");
	print_writes(&p, "             ");
out:
	out_close_object();
}

int cmd_show(struct vctx *ctx, const struct cmd_args *a)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	const struct bus_kind *bus;
	size_t n = 0;
	int err;

	if (a->nnames != 1) {
		out_error(NULL, 0, "show: name exactly one device");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	bus = bus_of_arg(a->names[0]);
	if (bus && bus->id != BUS_PCI) {
		char name[128], shown[160];

		if (bus_split(a->names[0], NULL, &bus, name, sizeof(name))) {
			out_error(NULL, 0, "'%s': not a device name (expected %s/NAME, NAME as in "
				  "/sys/bus/%s/devices)", printable(a->names[0], shown, sizeof(shown)),
				  bus->name, bus->name);
			ctx_fail(ctx, EXIT_USAGE);
			return -EINVAL;
		}
		return show_bus_device(ctx, bus, name, a->names[0]);
	}
	err = resolve_names(ctx, a->names, a->nnames, &addrs, &n);
	if (err)
		return err;
	show_one(ctx, addrs[0]);
	free(addrs);
	return 0;
}
