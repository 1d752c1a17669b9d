// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bind --group: every endpoint of a device's IOMMU group, each to its own
 * best VFIO driver, as one operation: if one fails, the ones already moved
 * go back where they were.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bindop.h"
#include "cmd.h"
#include "ctx.h"
#include "group.h"
#include "log.h"
#include "print.h"
#include "report.h"

struct member {
	char addr[PCI_ADDR_MAX];
	struct outcome o;
	int status;
};

/* Endpoints of group g, bridges left out as the kernel does. */
static int endpoints(struct vctx *ctx, int g, struct member **out, size_t *n)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	struct member *m;
	size_t i, k = 0, count = 0;
	int err;

	err = iommu_group_members(ctx, g, &addrs, &count);
	if (err)
		return err;
	m = calloc(count ? count : 1, sizeof(*m));
	if (!m) {
		free(addrs);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		struct pcidev d;

		if (pcidev_load(ctx, addrs[i], &d) || d.is_bridge)
			continue;
		memcpy(m[k++].addr, d.addr, sizeof(d.addr));
	}
	free(addrs);
	*out = m;
	*n = k;
	return 0;
}

/* Undo what this operation did to the members bound so far. */
static void roll_back(struct vctx *ctx, struct member *m, size_t upto)
{
	size_t j;

	for (j = upto; j-- > 0;) {
		struct prev_state prev = { 0 };
		struct outcome o;
		struct pcidev d;

		if (m[j].status != BIND_BOUND || pcidev_load(ctx, m[j].addr, &d))
			continue;
		memcpy(prev.driver, m[j].o.before, sizeof(prev.driver));
		memcpy(prev.override, m[j].o.before_override, sizeof(prev.override));
		if (unbind_exec(ctx, &d, &prev, &o))
			out_error(m[j].addr, 0, "rolling back: %s; now on %s", o.why,
				  o.after[0] ? o.after : "no driver");
		else
			warn("%s: rolled back to %s", m[j].addr, o.after[0] ? o.after : "no driver");
	}
}

static void bind_one_group(struct vctx *ctx, const struct cmd_args *a, int g)
{
	struct group_status gs;
	struct member *m = NULL;
	char why[PATH_MAX + 256];
	size_t i, n = 0;
	bool failed = false;
	int err;

	out_open_object(NULL);
	out_int(OUT_JSON, "group", NULL, g);
	err = endpoints(ctx, g, &m, &n);
	if (err) {
		out_error(NULL, err, "IOMMU group %d: cannot list its devices", g);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	out_text("IOMMU group %d:", g);
	for (i = 0; i < n; i++)
		out_text(" %s", m[i].addr);
	out_text("\n");

	/* everything decided before anything is written */
	for (i = 0; i < n; i++) {
		struct target t;
		struct cands c;
		struct pcidev d;

		err = pcidev_load(ctx, m[i].addr, &d);
		if (!err)
			err = choose_target(ctx, &d, a->driver, &c, &t);
		cands_free(&c);
		if (!err && !(t.driver[0] && !strcmp(d.driver, t.driver)) &&
		    bindop_recordable(&d, why, sizeof(why))) {
			out_error(NULL, 0, "IOMMU group %d: nothing bound: %s: %s", g, m[i].addr, why);
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
		if (!err && !a->dry_run && check_in_use(ctx, &d, a->force)) {
			out_error(NULL, 0, "IOMMU group %d: nothing bound: %s is in use", g, m[i].addr);
			goto out;
		}
		if (err) {
			out_error(NULL, 0, "IOMMU group %d: nothing bound: %s has no usable VFIO driver",
				  g, m[i].addr);
			ctx_fail(ctx, EXIT_FAILED);
			goto out;
		}
	}

	out_open_array("devices");
	for (i = 0; i < n; i++) {
		struct bind_req req = {
			.addr = m[i].addr, .driver = a->driver, .dry_run = a->dry_run,
			.force = true,	/* checked above */
		};
		struct bind_result r;

		bindop_bind(ctx, &req, &r);
		report_bind(ctx, &req, &r, false);	/* the group is checked once, at the end */
		m[i].status = r.status;
		m[i].o = r.outcome;
		bind_result_free(&r);
		if (m[i].status == BIND_FAILED) {
			failed = true;
			break;
		}
	}
	out_close_array();
	out_bool(OUT_JSON, "rolled_back", NULL, failed);
	if (failed) {
		roll_back(ctx, m, i);
		out_error(NULL, 0, "IOMMU group %d: %s failed; the group was put back as it was",
			  g, m[i].addr);
		ctx_fail(ctx, EXIT_FAILED);
		goto out;
	}
	if (a->dry_run || group_status(ctx, g, &gs))
		goto out;
	out_bool(OUT_JSON, "viable", NULL, gs.viable);
	if (gs.viable)
		out_text("IOMMU group %d: viable\n", g);
	for (i = 0; i < gs.n; i++)
		if (!gs.m[i].ok)
			warn("IOMMU group %d is not viable: %s is on %s", g, gs.m[i].addr,
			     gs.m[i].driver);
	group_status_free(&gs);
out:
	free(m);
	out_close_object();
}

int cmd_bind_group(struct vctx *ctx, const struct cmd_args *a)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	int *groups;
	size_t i, j, n = 0, ng = 0;
	int err;

	if (a->nnames == 0) {
		out_error(NULL, 0, "bind --group: name at least one device");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	err = resolve_names(ctx, a->names, a->nnames, &addrs, &n);
	if (err)
		return err;
	groups = calloc(n, sizeof(*groups));
	if (!groups) {
		free(addrs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct pcidev d;

		err = pcidev_load(ctx, addrs[i], &d);
		if (!err && d.group < 0)
			err = -ENXIO;
		if (err) {
			out_error(addrs[i], 0, err == -ENXIO ? "no IOMMU group: the kernel runs without an IOMMU" :
				  "cannot read device");
			ctx_fail(ctx, EXIT_FAILED);
			free(groups);
			free(addrs);
			return err;
		}
		for (j = 0; j < ng && groups[j] != d.group; j++)
			;
		if (j == ng)
			groups[ng++] = d.group;
	}
	out_open_array(NULL);
	for (i = 0; i < ng; i++)
		bind_one_group(ctx, a, groups[i]);
	out_close_array();
	free(groups);
	free(addrs);
	return 0;
}
