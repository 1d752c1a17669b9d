// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe.d as vfioctl reads it: the input is one configuration file in
 * a root's etc/modprobe.d. vfioctl's aliases and blacklists of it
 * (lib/modconf.c) must be libkmod's, entry for entry (any difference
 * aborts); then the lookup of a device's VFIO alias, ranked. A first line
 * "key=..." chooses the key.
 */
#include <fnmatch.h>

#include "fuzz.h"
#include "../../lib/alias.h"
#include "../../lib/ctx.h"
#include "../../lib/module.h"
#include "../modconf-cmp.h"

/* depmod's empty index */
static const unsigned char empty_index[12] = { 0xb0, 0x07, 0xf4, 0x57, 0, 2, 0, 1, 0, 0, 0, 12 };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_write("lib/modules/9.9.9/modules.alias.bin", empty_index, sizeof(empty_index));
	fuzz_write("lib/modules/9.9.9/modules.dep.bin", empty_index, sizeof(empty_index));
	fuzz_write("lib/modules/9.9.9/modules.builtin.bin", empty_index, sizeof(empty_index));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[ALIAS_MAX] = "vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00";
	struct vctx ctx;
	struct cands c;
	size_t i;

	fuzz_quiet();
	if (size > 4 && !memcmp(data, "key=", 4)) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t len = nl ? (size_t)(nl - data) - 4 : size - 4;

		if (len < sizeof(key) && !memchr(data + 4, '\0', len)) {
			memcpy(key, data + 4, len);
			key[len] = '\0';
		}
	}
	fuzz_write("etc/modprobe.d/fuzz.conf", data, size);
	if (ctx_init(&ctx, fuzz_root(), "9.9.9"))
		abort();
	/* the same bytes through libkmod: the same entries, in the same order */
	{
		const struct modconf *mc;
		struct kmod_ctx *kmod;

		if (ctx_modconf(&ctx, &mc) || ctx_kmod(&ctx, &kmod))
			abort();
		if (modconf_cmp(mc, kmod, NULL, 0)) {
			modconf_cmp(mc, kmod, stderr, 0);
			abort();
		}
	}
	if (cands_lookup(&ctx, key, &c) == 0) {
		for (i = 0; i < c.n; i++) {
			fuzz_assert(valid_name(c.v[i].module));
			fuzz_assert(c.v[i].stars <= c.v[i].wildcards);
			fuzz_assert(c.v[i].src != SRC_CONFIG || fnmatch(c.v[i].alias, key, 0) == 0);
			/* ranked: never a blacklisted module first, fewest wildcards first */
			if (i && !c.v[i].blacklisted && !c.v[i - 1].blacklisted)
				fuzz_assert(c.v[i - 1].wildcards <= c.v[i].wildcards);
		}
		fuzz_assert(c.best < 0 || !c.v[c.best].blacklisted);
		cands_free(&c);
	}
	ctx_release(&ctx);
	return 0;
}
