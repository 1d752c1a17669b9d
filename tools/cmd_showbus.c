// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show BUS/NAME: the choice for a platform, AMBA, fsl-mc or CDX device,
 * step by step, as show does for PCI: where the device is, what firmware
 * describes it, how its bus selects (CDX ranks vfio_cdx aliases like PCI;
 * the others have only their universal driver), the reset handler
 * vfio-platform and vfio-amba want, the module and driver, and what bind
 * would write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alias.h"
#include "bus.h"
#include "cmd.h"
#include "ctx.h"
#include "device.h"
#include "module.h"
#include "print.h"
#include "report.h"
#include "reset.h"

/* What show says of a device, read through the device reader (lib/device.c). */
struct busdev {
	struct device dev;
	char path[PATH_MAX];		/* ROOT/sys/bus/BUS/devices/NAME, as shown */
	const char *real;		/* ROOT/sys/devices/... */
	char driver[NAME_MAX_LEN];
	char override[NAME_MAX_LEN];
	const char *modalias;
	int group;			/* -1: none */
	char of_node[PATH_MAX];		/* the node's path in the device tree */
	char compat[COMPAT_LIST_MAX];
	ssize_t compat_len;
	char acpi_path[128], acpi_hid[32];
};

static int busdev_load(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		       struct busdev *d)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;
	int err;

	memset(d, 0, sizeof(*d));
	d->modalias = "";
	/* one confined walk: a device link that leads out of the root is not followed */
	err = device_open(ctx, bus, name, &d->dev);
	if (err == -ENODEV)
		err = -ENOENT;	/* as show has always said it */
	if (!err)
		err = ctx_path(ctx, d->path, sizeof(d->path), "/sys/bus/%s/devices/%s", bus->name,
			       name);
	if (!err)
		err = device_realpath(&d->dev, &d->real);
	if (err)
		return err;
	if (device_driver(&d->dev, d->driver, sizeof(d->driver)))
		d->driver[0] = '\0';
	d->group = device_group(&d->dev);
	if (device_override(&d->dev, d->override, sizeof(d->override)))
		d->override[0] = '\0';
	device_modalias(&d->dev, &d->modalias);
	n = readlinkat(d->dev.fd, "of_node", target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		base = strstr(target, "/devicetree/base");
		xstrcpy(d->of_node, sizeof(d->of_node),
			base && base[16] ? base + 16 : base ? "/" : target);
	}
	d->compat_len = dt_compatible(ctx, d->dev.fd, d->compat, sizeof(d->compat));
	if (d->compat_len < 0)
		d->compat_len = 0;
	if (acpi_companion(ctx, d->dev.fd, d->acpi_path, sizeof(d->acpi_path), d->acpi_hid,
			   sizeof(d->acpi_hid)))
		d->acpi_path[0] = d->acpi_hid[0] = '\0';
	return 0;
}

static void show_firmware(const struct busdev *d)
{
	const char *p;

	if (d->of_node[0]) {
		out_str(OUT_ANY, "of_node", "2. firmware:   device-tree node %s\n", d->of_node);
		out_open_array("compatible");
		out_text("               compatible:");
		for (p = d->compat; p < d->compat + d->compat_len; p += strlen(p) + 1)
			if (*p)
				out_str(OUT_ANY, NULL, " %s", p);
		out_text("\n");
		out_close_array();
	} else {
		out_null(OUT_JSON, "of_node", NULL);
	}
	if (d->acpi_path[0]) {
		out_open_object("acpi");
		out_str(OUT_ANY, "path", "2. firmware:   ACPI companion %s", d->acpi_path);
		out_str(OUT_ANY, "hid", " (_HID %s)\n", d->acpi_hid);
		out_close_object();
	} else {
		out_null(OUT_JSON, "acpi", NULL);
	}
	if (!d->of_node[0] && !d->acpi_path[0])
		out_text("2. firmware:   no device-tree node, no ACPI companion\n");
}

/* vfio-platform and vfio-amba: which reset the kernel will find. */
static void show_reset(struct vctx *ctx, const struct busdev *d)
{
	struct reset_match m;
	enum mod_state st;
	int req = reset_required_now(ctx);
	const char *first = d->compat;

	out_open_object("reset");
	if (d->acpi_path[0] && !d->of_node[0]) {
		out_str(OUT_ANY, "method", "4. reset:      %s", "acpi _RST");
		out_text(": vfio-platform resets an ACPI device with its companion's _RST method,\n"
			 "               which sysfs does not show; without one, bind fails unless\n"
			 "               vfio_platform's reset_required=0 (bind --no-reset-required)\n");
		goto out;
	}
	if (!d->compat_len || reset_lookup(ctx, d->compat, (size_t)d->compat_len, &m)) {
		out_null(OUT_ANY, "method", "4. reset:      no compatible to look a handler up for\n");
		goto out;
	}
	out_text("4. reset:      \"vfio-reset:\" + each compatible, in order\n");
	if (m.index < 0) {
		out_null(OUT_JSON, "method", NULL);
		out_null(OUT_JSON, "module", NULL);
		out_text("               = none of the %zu has a handler: ", m.entries);
		if (d->dev.bus->id == BUS_AMBA)
			out_text("vfio-amba needs none, but kernels\n"
				 "               before 6.3 fail its probe without one (ENOENT)\n");
		else
			out_text("bind fails unless vfio_platform's\n"
				 "               reset_required=0 (bind --no-reset-required), and on kernels\n"
				 "               before 6.3 even then (the probe fails with ENOENT)\n");
		goto out;
	}
	out_str(OUT_JSON, "method", NULL, "handler");
	out_int(OUT_JSON, "index", NULL, m.index);
	out_str(OUT_ANY, "compatible", "               = vfio-reset:%s", m.compat);
	out_str(OUT_ANY, "module", " -> %s", m.module);
	if (mod_state(ctx, m.module, &st) == 0)
		out_str(OUT_ANY, "module_state", " (%s)", mod_state_name(st));
	out_text(", entry %d of %zu\n", m.index + 1, m.entries);
	out_bool(OUT_JSON, "used", NULL, m.index == 0);
	if (m.index == 0)
		out_text("               bind loads it before binding\n");
	else if (d->dev.bus->id == BUS_AMBA)
		out_text("               but vfio-amba asks for a handler of the first compatible\n"
			 "               only (%s): it will not use this one; kernels before 6.3\n"
			 "               fail vfio-amba's probe (ENOENT)\n", first);
	else
		out_text("               but vfio-platform asks for a handler of the first compatible\n"
			 "               only (%s): it will not use this one; bind fails unless\n"
			 "               reset_required=0 (bind --no-reset-required)\n", first);
out:
	if (req >= 0)
		out_bool(OUT_ANY, "reset_required", "               vfio_platform is loaded; reset_required: %s\n",
			 req == 1);
	else
		out_null(OUT_JSON, "reset_required", NULL);
	out_close_object();
}

int show_bus_device(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		    const char *arg)
{
	char key[ALIAS_MAX], drv[NAME_MAX_LEN];
	const char *module, *target;
	struct busdev d;
	struct cands c;
	enum mod_state st;
	int err;

	out_open_object(NULL);
	err = busdev_load(ctx, bus, name, &d);
	out_str(OUT_ANY, "device", "%s", arg);
	out_str(OUT_JSON, "bus", NULL, bus->name);
	out_str(OUT_JSON, "name", NULL, name);
	out_text("\n");
	if (err) {
		out_error(arg, err, "cannot read device");
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	out_str(OUT_ANY, "sysfs_path", "1. sysfs path: %s", d.path);
	out_str(OUT_ANY, "sysfs_realpath", " -> %s\n", d.real);
	show_firmware(&d);

	module = bus->universal;
	if (bus->alias_prefix) {
		if (vfio_alias_of(d.modalias, key, sizeof(key))) {
			out_error(arg, 0, "no modalias: nothing to look up");
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
		out_str(OUT_ANY, "modalias", "3. selection:  modalias %s\n", d.modalias);
		out_str(OUT_ANY, "vfio_alias", "               = %s; the pattern with the fewest '*' wins\n",
			key);
		err = cands_lookup(ctx, key, &c);
		if (err) {
			char why[PATH_MAX + 64];

			out_error(arg, 0, "%s", cands_error(ctx, &c, err, why, sizeof(why)));
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
		print_cands(&c, "               ");
		if (c.best < 0) {
			cands_free(&c);
			out_error(arg, 0, "no usable VFIO module");
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
		xstrcpy(key, sizeof(key), c.v[c.best].module);
		module = key;
		cands_free(&c);
	} else {
		out_null(OUT_JSON, "modalias", NULL);
		out_text("3. selection:  %s devices have no vfio aliases: the universal driver's\n"
			 "               module is the choice", bus->name);
		out_str(OUT_ANY, "universal", ", %s\n", bus->universal);
	}
	if (bus->reset_handlers)
		show_reset(ctx, &d);
	else
		out_null(OUT_JSON, "reset", NULL);

	out_open_object("module");
	out_str(OUT_ANY, "name", "5. module:     %s", module);
	if (mod_state(ctx, module, &st) == 0)
		out_str(OUT_ANY, "state", " (%s)", mod_state_name(st));
	out_text("\n");
	out_close_object();
	if (mod_bus_driver(ctx, module, bus->name, drv, sizeof(drv)) == 0) {
		out_str(OUT_ANY, "driver", "6. driver:     %s", drv);
		out_text(" (read from %s/sys/module/%s/drivers/%s:%s)\n", ctx->root, module,
			 bus->name, drv);
	} else {
		drv[0] = '\0';
		out_null(OUT_ANY, "driver", "6. driver:     not known until the module is loaded; ");
		out_text("bind reads it from %s/sys/module/%s/drivers/%s:*\n", ctx->root, module,
			 bus->name);
	}
	out_str(OUT_JSON, "current_driver", NULL, d.driver[0] ? d.driver : NULL);
	out_text("   now on:   %s", d.driver[0] ? d.driver : "no driver");
	out_str(OUT_JSON, "override", NULL, d.override[0] ? d.override : NULL);
	out_text(", driver_override %s\n", d.override[0] ? d.override : "(null)");
	if (d.group >= 0)
		out_int(OUT_ANY, "iommu_group", "   group:    %lld\n", d.group);
	else
		out_null(OUT_ANY, "iommu_group", "   group:    none: no IOMMU translates for this device "
			 "(its firmware names none), so VFIO cannot use it\n");
	if (bus->id == BUS_FSL_MC) {
		const char *slash = strrchr(d.real, '/');
		char parent[128] = "";

		if (!strncmp(name, "dprc.", 5))
			xstrcpy(parent, sizeof(parent), name);
		else if (slash && slash > d.real) {
			const char *p = slash - 1;

			while (p > d.real && *p != '/')
				p--;
			snprintf(parent, sizeof(parent), "%.*s", (int)(slash - p - 1), p + 1);
		}
		out_str(OUT_ANY, "container", "   container: %s", parent[0] ? parent : NULL);
		out_text("%s\n", strcmp(parent, name) ? " (vfio-fsl-mc takes a container; bind it, "
			 "its objects follow)" : " (this device)");
	}
	target = drv[0] ? drv : "<driver of the module>";
	if (d.driver[0] && drv[0] && !strcmp(d.driver, drv)) {
		out_text("   bind:     nothing to write: already on %s\n", d.driver);
	} else {
		out_text("   bind would write, in this order:\n");
		out_text("             write %s > %s/driver_override\n", target, d.path);
		if (d.driver[0])
			out_text("             write \"%s\" > %s/sys/bus/%s/drivers/%s/unbind\n", name,
				 ctx->root, bus->name, d.driver);
		out_text("             write \"%s\" > %s/sys/bus/%s/drivers_probe\n", name, ctx->root,
			 bus->name);
	}
out:
	device_close(&d.dev);
	out_close_object();
	return 0;
}
