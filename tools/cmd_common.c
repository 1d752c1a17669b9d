// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
