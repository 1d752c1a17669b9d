// SPDX-License-Identifier: GPL-2.0-or-later
/* bind and unbind. */
#include <errno.h>

#include "cmd.h"
#include "ctx.h"
#include "print.h"
#include "report.h"

static void bind_one(struct vctx *ctx, const struct cmd_args *a, const char *addr)
{
	struct bind_req req = { .addr = addr, .driver = a->driver, .dry_run = a->dry_run,
				.noiommu = a->noiommu, .owner = a->owner, .force = a->force,
				.no_reset_required = a->no_reset_required };

	bind_device(ctx, &req);
}

int cmd_bind(struct vctx *ctx, const struct cmd_args *a)
{
	if (a->persist && a->group) {
		out_error(NULL, 0, "bind: --group and --persist do not go together; persist each device");
		ctx_fail(ctx, EXIT_USAGE);
		return -EINVAL;
	}
	if (a->persist)
		return cmd_bind_persist(ctx, a);
	/* before any device: the same answer for each */
	if (check_owner_option(ctx, a->owner))
		return -EINVAL;
	if (a->group)
		return cmd_bind_group(ctx, a);
	return each_device(ctx, a, "bind", true, bind_one);
}

static void unbind_one(struct vctx *ctx, const struct cmd_args *a, const char *addr)
{
	unbind_device(ctx, addr, a->dry_run, a->force);
}

int cmd_unbind(struct vctx *ctx, const struct cmd_args *a)
{
	if (a->persist)
		return cmd_unbind_persist(ctx, a);
	return each_device(ctx, a, "unbind", true, unbind_one);
}
