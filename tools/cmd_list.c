// SPDX-License-Identifier: GPL-2.0-or-later
/* list-devices and list-candidates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "bus.h"
#include "cmd.h"
#include "group.h"
#include "inuse.h"
#include "kfacts.h"
#include "ctx.h"
#include "device.h"
#include "module.h"
#include "names.h"
#include "print.h"
#include "report.h"

int device_set(struct vctx *ctx, const struct cmd_args *a, char ***ids, size_t *n)
{
	bool all = a->bus && !strcmp(a->bus, "all");
	const struct bus_kind *bus;
	char **v = NULL;
	size_t i, count = 0;
	int err = 0;

	if (a->nnames) {
		char (*named)[DEV_ID_MAX];

		err = resolve_devices(ctx, a->names, a->nnames, all ? NULL : a->bus, true, &named,
				      &count);
		if (err)
			return err;
		err = ids_pack(NULL, 0, named ? named[0] : NULL, DEV_ID_MAX, count, ids);
		free(named);
		*n = count;
		return err;
	}
	if (!all && !(bus = bus_by_name(a->bus ? a->bus : "pci"))) {
		char shown[48];

		out_error(NULL, 0, "--bus '%s': not a bus vfioctl knows (pci, platform, amba, fsl-mc, "
			  "cdx, all)", printable(a->bus, shown, sizeof(shown)));
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	for (i = 0; all ? (bus = bus_at(i)) != NULL : i == 0; i++) {
		char (*pci)[PCI_ADDR_MAX] = NULL, (*part)[DEV_ID_MAX] = NULL;
		size_t m;

		/* PCI's addresses as they are: the one bus with thousands */
		if (bus->id == BUS_PCI)
			err = pcidev_list(ctx, &pci, &m);
		else
			err = dev_list(ctx, bus, &part, &m);
		if (err == -ENOENT && all)
			continue;	/* --bus all on a board without PCI */
		if (err) {
			ctx_fail(ctx, EXIT_FAILED);
			out_error(NULL, err, "cannot list %s devices under %s/sys/bus/%s/devices",
				  bus->id == BUS_PCI ? "PCI" : bus->name, ctx->root, bus->name);
			free(v);
			return err;
		}
		if (bus->id == BUS_PCI)
			err = ids_pack(v, count, pci ? pci[0] : NULL, PCI_ADDR_MAX, m, &v);
		else
			err = ids_pack(v, count, part ? part[0] : NULL, DEV_ID_MAX, m, &v);
		free(pci);
		free(part);
		if (err)
			return err;
		count += m;
	}
	if (!v)
		err = ids_pack(NULL, 0, NULL, 0, 0, &v);
	*ids = v;
	*n = count;
	return err;
}

/* The kinds of use, as a column ("net,mount") and a JSON array. */
static void print_uses(struct vctx *ctx, const struct pcidev *d)
{
	char col[64] = "";
	struct uses u;
	size_t k, len;

	if (device_uses(ctx, d, &u)) {
		out_null(OUT_JSON, "in_use", "");
		out_text(" %-12s", "?");
		uses_free(&u);
		return;
	}
	out_open_array("in_use");
	for (k = 0; k < u.n; k++) {
		const char *kind = use_kind_name(u.v[k].kind);

		out_str(OUT_JSON, NULL, NULL, kind);
		len = strlen(col);
		if (!strstr(col, kind))
			snprintf(col + len, sizeof(col) - len, "%s%s", len ? "," : "", kind);
	}
	out_close_array();
	out_text(" %-12s", col[0] ? col : "-");
	uses_free(&u);
}

/* Group viability, computed once per group. */
struct viable_cache {
	int group[64];
	bool viable[64];
	size_t n;
};

static bool viable(struct vctx *ctx, struct viable_cache *vc, int g)
{
	struct group_status gs;
	bool v = false;
	size_t i;

	for (i = 0; i < vc->n; i++)
		if (vc->group[i] == g)
			return vc->viable[i];
	if (group_status(ctx, g, &gs) == 0) {
		v = gs.viable;
		group_status_free(&gs);
	}
	if (vc->n < ARRAY_SIZE(vc->group)) {
		vc->group[vc->n] = g;
		vc->viable[vc->n++] = v;
	}
	return v;
}

/* An ID as width hex digits into buf, for JSON; NULL when the bus has none. */
static const char *hex_id(char *buf, size_t size, int width, unsigned v, bool has)
{
	if (!has)
		return NULL;
	snprintf(buf, size, "%0*x", width, v);
	return buf;
}

int cmd_list_devices(struct vctx *ctx, const struct cmd_args *a)
{
	char **addrs = NULL;
	struct viable_cache vc = { .n = 0 };
	bool any_override = false, any_vfio = false;
	struct kfacts kf;
	size_t i, n = 0;
	int err, w = 13;

	err = device_set(ctx, a, &addrs, &n);
	if (err)
		return err;
	kernel_facts(ctx, &kf);
	for (i = 0; i < n; i++)	/* other buses' names are longer than addresses */
		if ((int)strlen(addrs[i]) > w)
			w = (int)strlen(addrs[i]);
	out_open_array(NULL);
	out_text("%-*s %-9s %-5s %-20s %-5s %-20s %-12s %s\n", w, "DEVICE", "ID", "CLASS",
		 "DRIVER", "GROUP", "OVERRIDE", "IN-USE", "NAME");
	for (i = 0; i < n; i++) {
		char vname[128], dname[256], cname[128], id[16], cls[8], buf[16];
		const char *vn = NULL, *dn = NULL, *cn = NULL;
		struct pcidev d;
		bool vfio, pci, ids;

		err = pcidev_load(ctx, addrs[i], &d);
		if (err) {
			/* a device can go away while we walk the bus */
			if (err != -ENODEV) {
				out_error(addrs[i], err, "cannot read device");
				ctx_fail(ctx, EXIT_FAILED);
			}
			continue;
		}
		pci = dev_is_pci(&d);
		ids = pci || d.bus->id == BUS_CDX;	/* CDX has vendor and device too */
		vfio = d.driver[0] && bus_driver_is_vfio(ctx, dev_bus(&d), d.driver) == 1;
		if (a->vfio_only && !vfio &&
		    !(d.override[0] && bus_driver_registered(ctx, dev_bus(&d), d.override) &&
		      bus_driver_is_vfio(ctx, dev_bus(&d), d.override) == 1))
			continue;
		if (pci) {
			vn = names_vendor(ctx, d.vendor, vname, sizeof(vname));
			dn = names_device(ctx, d.vendor, d.device, dname, sizeof(dname));
			cn = names_class(ctx, d.class, cname, sizeof(cname));
		}
		if (ids)
			snprintf(id, sizeof(id), "%04x:%04x", d.vendor, d.device);
		else
			xstrcpy(id, sizeof(id), "-");
		if (pci)
			snprintf(cls, sizeof(cls), "%04x", d.class >> 8);
		else
			xstrcpy(cls, sizeof(cls), "-");

		out_open_object(NULL);
		out_str(OUT_JSON, "device", NULL, d.addr);
		out_text("%-*s", w, d.addr);
		out_str(OUT_JSON, "bus", NULL, dev_bus(&d));
		out_str(OUT_JSON, "name", NULL, d.name);
		out_str(OUT_TEXT, NULL, " %-9s", id);
		out_str(OUT_TEXT, NULL, " %-5s", cls);
		out_str(OUT_ANY, "driver", " %-20s", d.driver[0] ? d.driver : NULL);
		if (d.group >= 0)
			out_int(OUT_ANY, "iommu_group", " %-5lld", d.group);
		else
			out_null(OUT_ANY, "iommu_group", " -    ");
		out_str(OUT_ANY, "override", " %-20s", d.override[0] ? d.override : NULL);
		print_uses(ctx, &d);
		/* as lspci: the names the database has, numbers for the rest */
		if (!pci)
			out_text(" %s\n", d.modalias[0] ? d.modalias : "-");
		else if (vn)
			out_text(" %s", vn);
		else
			out_text(" Vendor %04x", d.vendor);
		if (pci && dn)
			out_text(" %s\n", dn);
		else if (pci)
			out_text(" Device %04x\n", d.device);
		out_bool(OUT_JSON, "vfio", NULL, vfio);
		out_str(OUT_JSON, "vendor_id", NULL, hex_id(buf, sizeof(buf), 4, d.vendor, ids));
		out_str(OUT_JSON, "device_id", NULL, hex_id(buf, sizeof(buf), 4, d.device, ids));
		out_str(OUT_JSON, "subsystem_vendor_id", NULL,
			hex_id(buf, sizeof(buf), 4, d.subvendor, pci));
		out_str(OUT_JSON, "subsystem_device_id", NULL,
			hex_id(buf, sizeof(buf), 4, d.subdevice, pci));
		out_str(OUT_JSON, "class", NULL, hex_id(buf, sizeof(buf), 6, d.class, pci));
		out_str(OUT_JSON, "vendor_name", NULL, vn);
		out_str(OUT_JSON, "device_name", NULL, dn);
		out_str(OUT_JSON, "class_name", NULL, cn);
		out_str(OUT_JSON, "modalias", NULL, d.modalias[0] ? d.modalias : NULL);
		if (d.cdev[0]) {
			char node[64];

			snprintf(node, sizeof(node), "/dev/vfio/devices/%s", d.cdev);
			out_str(OUT_JSON, "vfio_cdev", NULL, node);
		} else {
			out_null(OUT_JSON, "vfio_cdev", "");
		}
		/* a group's viability is counted over its PCI functions; only
		 * JSON shows it, and it reads every member of the group */
		if (out_is_json() && d.group >= 0 && pci)
			out_bool(OUT_JSON, "group_viable", NULL, viable(ctx, &vc, d.group));
		else
			out_null(OUT_JSON, "group_viable", "");
		print_kernel_facts(&kf, false, false, "");
		out_close_object();
		any_override |= d.override[0] != '\0';
		any_vfio |= vfio;
	}
	out_close_array();
	/* under the table, what reading the overrides and the holders relied on */
	if (!out_is_json())
		print_kernel_facts(&kf, any_override, any_vfio, "");
	free(addrs);
	return 0;
}

/*
 * Platform, AMBA and fsl-mc devices have no vfio aliases: their bus's
 * universal driver is the one candidate, shown as the others are.
 */
static void print_universal(const struct bus_kind *bus, const char *indent)
{
	out_null(OUT_JSON, "vfio_alias", NULL);
	out_text("\n");
	out_open_array("candidates");
	out_open_object(NULL);
	out_text("%s* ", indent);
	out_str(OUT_ANY, "module", "%-26s", bus->universal);
	out_null(OUT_ANY, "wildcards", "-  ");
	out_null(OUT_ANY, "alias", "(no vfio aliases on this bus: its universal driver)");
	out_str(OUT_JSON, "source", NULL, "universal");
	out_text("\n");
	out_close_object();
	out_close_array();
	out_str(OUT_JSON, "best", NULL, bus->universal);
	out_bool(OUT_JSON, "tie", NULL, false);
}

int cmd_list_candidates(struct vctx *ctx, const struct cmd_args *a)
{
	char **addrs = NULL;
	const char *dir;
	size_t i, n = 0;
	int err;

	err = device_set(ctx, a, &addrs, &n);
	if (err)
		return err;
	err = ctx_moddir(ctx, &dir);
	if (err) {
		report_moddir(ctx, err);
		free(addrs);
		return err;
	}
	out_open_array(NULL);
	for (i = 0; i < n; i++) {
		const char *modalias = "";
		const struct bus_kind *bus;
		char key[ALIAS_MAX], name[DEVICE_NAME_MAX];
		struct device d = { .fd = -1 };
		struct cands c;

		/* the choice needs modalias and nothing else of the device */
		err = bus_split(addrs[i], NULL, &bus, name, sizeof(name));
		if (!err)
			err = device_open_lazy(ctx, bus, name, &d);
		if (!err)
			err = device_modalias(&d, &modalias);
		/* gone since the listing */
		if (err == -ENODEV && !a->nnames) {
			device_close(&d);
			continue;
		}
		out_open_object(NULL);
		out_str(OUT_ANY, "device", "%s", addrs[i]);
		if (err) {
			out_error(addrs[i], err, "cannot read device");
			ctx_fail(ctx, EXIT_FAILED);
			goto next;
		}
		out_str(OUT_JSON, "modalias", NULL, modalias[0] ? modalias : NULL);
		if (!bus->alias_prefix) {
			print_universal(bus, "  ");
			goto next;
		}
		if (vfio_alias_of(modalias, key, sizeof(key))) {
			out_text("\n");
			out_error(addrs[i], 0, "no modalias in %s/sys/bus/%s/devices/%s", ctx->root,
				  bus->name, name);
			ctx_fail(ctx, EXIT_FAILED);
			goto next;
		}
		out_str(OUT_ANY, "vfio_alias", " %s\n", key);
		err = cands_lookup(ctx, key, &c);
		if (err) {
			char why[PATH_MAX + 64];

			out_error(addrs[i], 0, "%s", cands_error(ctx, &c, err, why, sizeof(why)));
			ctx_fail(ctx, EXIT_FAILED);
			goto next;
		}
		print_cands(&c, "  ");
		cands_free(&c);
next:
		device_close(&d);
		out_close_object();
	}
	out_close_array();
	free(addrs);
	return 0;
}
