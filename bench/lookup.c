// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/lookup: the alias lookup of step 4, vfioctl's way and libkmod's,
 * on the same module directory and the same keys. vfioctl walks
 * modules.alias.bin and modules.builtin.alias.bin itself (lib/kindex.c);
 * libkmod's kmod_module_new_from_lookup() is what modprobe -R does.
 *	bench/lookup MODDIR ITERATIONS KEY...
 */
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/kindex.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count(void *arg, const char *pattern, const char *value)
{
	(void)pattern;
	(void)value;
	(*(unsigned long *)arg)++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long hits_ours = 0, hits_kmod = 0;
	struct kindex *mods, *builtin = NULL;
	struct kmod_ctx *kmod;
	char path[4096];
	double t0, ours, theirs;
	long i, iters;
	int k;

	if (argc < 4) {
		fprintf(stderr, "usage: %s MODDIR ITERATIONS KEY...\n", argv[0]);
		return 2;
	}
	iters = atol(argv[2]);
	snprintf(path, sizeof(path), "%s/modules.alias.bin", argv[1]);
	if (kindex_open(path, &mods)) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin.alias.bin", argv[1]);
	kindex_open(path, &builtin);
	kmod = kmod_new(argv[1], NULL);
	if (!kmod)
		return 1;
	kmod_load_resources(kmod);	/* both sides with their indexes mapped */

	t0 = now();
	for (i = 0; i < iters; i++)
		for (k = 3; k < argc; k++) {
			kindex_match(mods, argv[k], count, &hits_ours);
			if (builtin)
				kindex_match(builtin, argv[k], count, &hits_ours);
		}
	ours = now() - t0;

	t0 = now();
	for (i = 0; i < iters; i++)
		for (k = 3; k < argc; k++) {
			struct kmod_list *list = NULL, *l;

			kmod_module_new_from_lookup(kmod, argv[k], &list);
			kmod_list_foreach(l, list)
				hits_kmod++;
			kmod_module_unref_list(list);
		}
	theirs = now() - t0;

	printf("keys %d, iterations %ld, lookups %ld each\n", argc - 3, iters, iters * (argc - 3));
	printf("vfioctl kindex (modules.alias.bin + modules.builtin.alias.bin): %8.2f us/lookup, %lu matches\n",
	       ours * 1e6 / (double)(iters * (argc - 3)), hits_ours);
	printf("libkmod kmod_module_new_from_lookup (stops at first index):  %8.2f us/lookup, %lu matches\n",
	       theirs * 1e6 / (double)(iters * (argc - 3)), hits_kmod);
	printf("ratio libkmod / vfioctl: %.2f\n", theirs / ours);
	kindex_close(mods);
	kindex_close(builtin);
	kmod_unref(kmod);
	return 0;
}
