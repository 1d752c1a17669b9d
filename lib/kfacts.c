// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel facts that show and list-devices report they relied on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "ctx.h"
#include "kfacts.h"
#include "util.h"

enum kfact krel_at_least(const char *release, unsigned int major, unsigned int minor)
{
	unsigned long ma, mi;
	char *end;

	ma = strtoul(release, &end, 10);
	if (end == release || *end != '.')
		return KF_UNKNOWN;
	release = end + 1;
	mi = strtoul(release, &end, 10);
	if (end == release)
		return KF_UNKNOWN;
	return ma > major || (ma == major && mi >= minor) ? KF_YES : KF_NO;
}

/* ROOT/proc/kallsyms names the driver core's driver_override helper. */
static enum kfact override_generic(struct vctx *ctx)
{
	static const char sym[] = "__device_set_driver_override";
	char path[PATH_MAX], *line = NULL;
	enum kfact r = KF_NO;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	if (ctx_path(ctx, path, sizeof(path), "/proc/kallsyms"))
		return KF_UNKNOWN;
	f = fopen_regular(path);
	if (!f)
		return KF_UNKNOWN;
	/* "ADDRESS TYPE NAME[\t[MODULE]]" */
	while ((len = getline(&line, &cap, f)) > 0) {
		char *name = strrchr(line, ' ');

		if (name && !strncmp(name + 1, sym, sizeof(sym) - 1) &&
		    strchr("\t\n", name[sizeof(sym)])) {
			r = KF_YES;
			break;
		}
	}
	if (ferror(f))
		r = KF_UNKNOWN;
	free(line);
	fclose(f);
	return r;
}

void kernel_facts(struct vctx *ctx, struct kfacts *kf)
{
	const char *dir;
	struct utsname u;

	kf->release[0] = '\0';
	if (ctx->live) {
		if (uname(&u) == 0)
			xstrcpy(kf->release, sizeof(kf->release), u.release);
	} else if (ctx_moddir(ctx, &dir) == 0 || ctx->krel[0]) {
		xstrcpy(kf->release, sizeof(kf->release), ctx->krel);
	}
	kf->override_generic = override_generic(ctx);
	kf->fdinfo_device = kf->release[0] ? krel_at_least(kf->release, 6, 18) : KF_UNKNOWN;
}
