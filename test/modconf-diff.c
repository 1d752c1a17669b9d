// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modconf-diff [-v] ROOT RELEASE: the aliases and blacklists of ROOT's
 * modprobe.d (and the module directory's modules.softdep, and the kernel
 * command line) as vfioctl reads them (ctx_modconf(), lib/modconf.c) and
 * as libkmod reads the same files (kmod_new() from ctx_kmod()), compared
 * entry for entry and in order. Prints each difference (-v: every entry)
 * and a last line "N aliases, N blacklists, N differences". Exit status 1
 * when any differ, 2 on errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/ctx.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "modconf-cmp.h"

int main(int argc, char **argv)
{
	const struct modconf *mc;
	struct kmod_ctx *kmod;
	int verbose = 0, diff, err;
	struct vctx ctx;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: modconf-diff [-v] ROOT RELEASE\n");
		return 2;
	}
	log_set_level(LOG_ERR);
	err = ctx_init(&ctx, argv[1], argv[2]);
	if (!err)
		err = ctx_modconf(&ctx, &mc);
	if (!err)
		err = ctx_kmod(&ctx, &kmod);
	if (err) {
		fprintf(stderr, "modconf-diff: %s: %s\n", argv[1], errstr(err));
		return 2;
	}
	diff = modconf_cmp(mc, kmod, stdout, verbose);
	printf("%zu aliases, %zu blacklists, %d differences\n", mc->nalias, mc->nblacklist, diff);
	ctx_release(&ctx);
	return diff ? 1 : 0;
}
