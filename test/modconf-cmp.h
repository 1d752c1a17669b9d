/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfioctl's modprobe.d aliases and blacklists (lib/modconf.c) against
 * libkmod's (its config iterators), entry for entry and in order: shared
 * by test/modconf-diff.c and test/fuzz/fuzz-modprobe.c.
 */
#ifndef VFIOCTL_TEST_MODCONF_CMP_H
#define VFIOCTL_TEST_MODCONF_CMP_H

#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include "../lib/modconf.h"

static inline int modconf_cmp_str(const char *a, const char *b)
{
	return (!a || !b) ? a != b : strcmp(a, b) != 0;
}

/*
 * The number of differences; each printed to out (when not NULL) as
 * "alias N: vfioctl=P M libkmod=P M", "blacklist N: ...". verbose prints
 * the equal entries too.
 */
static inline int modconf_cmp(const struct modconf *mc, const struct kmod_ctx *kmod,
			      FILE *out, int verbose)
{
	struct kmod_config_iter *it;
	int diff = 0;
	size_t i = 0;

	it = kmod_config_get_aliases(kmod);
	while (kmod_config_iter_next(it)) {
		const char *k = kmod_config_iter_get_key(it), *v = kmod_config_iter_get_value(it);
		const char *p = i < mc->nalias ? mc->alias[i].pattern : NULL;
		const char *m = i < mc->nalias ? mc->alias[i].module : NULL;
		int d = modconf_cmp_str(p, k) || modconf_cmp_str(m, v);

		diff += d;
		if (out && (d || verbose))
			fprintf(out, "alias %zu: vfioctl=%s %s libkmod=%s %s\n", i,
				p ? p : "(none)", m ? m : "", k, v);
		i++;
	}
	kmod_config_iter_free_iter(it);
	for (; i < mc->nalias; i++, diff++)
		if (out)
			fprintf(out, "alias %zu: vfioctl=%s %s libkmod=(none)\n", i,
				mc->alias[i].pattern, mc->alias[i].module);
	i = 0;
	it = kmod_config_get_blacklists(kmod);
	while (kmod_config_iter_next(it)) {
		const char *k = kmod_config_iter_get_key(it);
		const char *b = i < mc->nblacklist ? mc->blacklist[i] : NULL;
		int d = modconf_cmp_str(b, k);

		diff += d;
		if (out && (d || verbose))
			fprintf(out, "blacklist %zu: vfioctl=%s libkmod=%s\n", i, b ? b : "(none)", k);
		i++;
	}
	kmod_config_iter_free_iter(it);
	for (; i < mc->nblacklist; i++, diff++)
		if (out)
			fprintf(out, "blacklist %zu: vfioctl=%s libkmod=(none)\n", i, mc->blacklist[i]);
	return diff;
}

#endif
