// SPDX-License-Identifier: GPL-2.0-or-later
/* sriov DEVICE --numvfs N [--persist]: the VFs themselves are made in vfs.c. */
#include <errno.h>

#include "cmd.h"
#include "ctx.h"
#include "print.h"

static void sriov_one(struct vctx *ctx, const struct cmd_args *a, const char *addr)
{
	struct sriov_req r = { .pf = addr, .numvfs = a->numvfs, .driver = a->driver,
			       .owner = a->owner, .noiommu = a->noiommu,
			       .dry_run = a->dry_run, .force = a->force };
	int err;

	if (sriov_set(ctx, &r) < 0 || !a->persist)
		return;
	err = persist_numvfs(ctx, addr, a);
	if (err) {
		out_error(addr, err, "cannot record its VFs in /etc/vfioctl.d");
		ctx_fail(ctx, EXIT_FAILED);
	}
}

int cmd_sriov(struct vctx *ctx, const struct cmd_args *a)
{
	if (a->nnames == 0 || a->numvfs < 0) {
		out_error(NULL, 0, "sriov: name a device and give --numvfs N");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	/* before any VF is made, and before --persist records it */
	if (check_owner_option(ctx, a->owner))
		return -EINVAL;
	return each_device(ctx, a, "sriov", false, sriov_one);
}
