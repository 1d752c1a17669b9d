// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "bind.h"
#include "cmd.h"
#include "ctx.h"
#include "print.h"

int resolve_names(struct vctx *ctx, char **names, int n,
		  char (**addrs)[PCI_ADDR_MAX], size_t *naddrs)
{
	char (*v)[PCI_ADDR_MAX];
	size_t count = 0, j;
	int i, err = 0;

	v = calloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char addr[PCI_ADDR_MAX], shown[48], path[PATH_MAX];

		printable(names[i], shown, sizeof(shown));
		if (pci_addr_parse(names[i], addr)) {
			out_error(NULL, 0, "'%s': not a PCI device name (expected DDDD:BB:DD.F, BB:DD.F or pci/DDDD:BB:DD.F)",
				  shown);
			err = -EINVAL;
			continue;
		}
		if (ctx_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s", addr) ||
		    !path_exists(path)) {
			out_error(addr, 0, "no such PCI device");
			err = -EINVAL;
			continue;
		}
		for (j = 0; j < count; j++)
			if (!strcmp(v[j], addr))
				break;
		if (j == count)
			memcpy(v[count++], addr, PCI_ADDR_MAX);
	}
	if (err) {
		ctx_fail(ctx, EXIT_USAGE);
		free(v);
		return err;
	}
	*addrs = v;
	*naddrs = count;
	return 0;
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

int each_device(struct vctx *ctx, const struct cmd_args *a, const char *cmd,
		       void (*fn)(struct vctx *, const struct cmd_args *, const char *))
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	size_t i, n = 0;
	int err;

	if (a->nnames == 0) {
		out_error(NULL, 0, "%s: name at least one device", cmd);
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	err = resolve_names(ctx, a->names, a->nnames, &addrs, &n);
	if (err)
		return err;
	out_open_array(NULL);
	for (i = 0; i < n; i++)
		fn(ctx, a, addrs[i]);
	out_close_array();
	free(addrs);
	return 0;
}
