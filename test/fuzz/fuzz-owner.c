// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --owner USER[:GROUP] against a root's etc/passwd and etc/group: the input
 * is the spec, a NUL, passwd's text, a NUL, group's text. A spec that
 * owner_parse accepts is one records may hold (owner_valid).
 */
#include "fuzz.h"
#include "../../lib/ctx.h"
#include "../../lib/owner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_part(&data, &size);
	char *passwd = fuzz_part(&data, &size);
	char *group = fuzz_part(&data, &size);
	struct vctx ctx;
	uid_t uid;
	gid_t gid;

	fuzz_quiet();
	fuzz_write("etc/passwd", passwd, strlen(passwd));
	fuzz_write("etc/group", group, strlen(group));
	if (ctx_init(&ctx, fuzz_root(), NULL) == 0) {
		if (owner_parse(&ctx, spec, &uid, &gid) == 0)
			fuzz_assert(owner_valid(spec));
		ctx_release(&ctx);
	}
	free(spec);
	free(passwd);
	free(group);
	return 0;
}
