// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * owner NODE: who should own a VFIO node udev is creating, as udev
 * environment (VFIOCTL_OWNER=UID, VFIOCTL_GROUP=GID); nothing when no one
 * was given it. Used by the udev rule: udev resets new nodes to root's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctx.h"
#include "owner.h"
#include "print.h"

int cmd_owner(struct vctx *ctx, const struct cmd_args *a)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL, spec[64] = "", found[PCI_ADDR_MAX] = "";
	const char *node;
	size_t i, n = 0;
	uid_t uid;
	gid_t gid;
	int err = 0;

	if (a->nnames != 1) {
		out_error(NULL, 0, "owner: name one node (N, noiommu-N, vfioX, or its /dev path)");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	node = a->names[0];
	if (!strncmp(node, "/dev/vfio/", 10))
		node += 10;
	if (!strncmp(node, "devices/", 8))
		node += 8;
	if (!strncmp(node, "vfio", 4) && all_digits(node + 4)) {
		/* an iommufd cdev: its device is the PCI device of vfio-dev/vfioX */
		char path[PATH_MAX];

		addrs = calloc(1, sizeof(*addrs));
		if (!addrs)
			return -ENOMEM;
		if (ctx_path(ctx, path, sizeof(path), "/sys/class/vfio-dev/%s/device", node) == 0 &&
		    read_link_base(path, addrs[0], sizeof(addrs[0])) == 0)
			n = 1;
	} else {
		const char *num = strncmp(node, "noiommu-", 8) ? node : node + 8;

		if (!all_digits(num) || strlen(num) > 9) {
			char shown[48];

			out_error(NULL, 0, "'%s': not a VFIO node", printable(a->names[0], shown,
									      sizeof(shown)));
			ctx_fail(ctx, EXIT_USAGE);
			return -EINVAL;
		}
		err = iommu_group_members(ctx, atoi(num), &addrs, &n);
		if (err == -ENOENT)
			err = 0;
	}
	for (i = 0; i < n && !spec[0]; i++) {
		struct pcidev d;

		if (pcidev_load(ctx, addrs[i], &d) == 0 &&
		    owner_of_device(ctx, &d, spec, sizeof(spec)) == 0)
			memcpy(found, d.addr, sizeof(found));
	}
	free(addrs);
	out_open_object(NULL);
	out_str(OUT_JSON, "node", NULL, a->names[0]);
	if (spec[0] && owner_parse(ctx, spec, &uid, &gid) == 0) {
		out_str(OUT_JSON, "owner", NULL, spec);
		out_str(OUT_JSON, "device", NULL, found);
		out_uint(OUT_ANY, "uid", "VFIOCTL_OWNER=%llu\n", uid);
		out_uint(OUT_ANY, "gid", "VFIOCTL_GROUP=%llu\n", gid);
	} else {
		out_null(OUT_JSON, "owner", "");
	}
	out_close_object();
	return err;
}
