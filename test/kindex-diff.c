// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kindex-diff [-v] INDEX < KEYS: look every key (one a line) up in the kmod
 * index INDEX twice, with vfioctl's reader (lib/kindex.c) and with
 * libkmod's (kmod_module_new_from_lookup() over a module directory that
 * holds INDEX alone, as its modules.alias.bin, and no configuration), and
 * print each key whose sets of modules differ (-v: every key, with its
 * modules). Exit status 1 when any differ, 2 on errors; the last line
 * counts keys, keys with matches, and differences.
 */
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/kindex.h"

struct names {
	char **v;
	size_t n;
};

static int add_name(struct names *s, const char *name)
{
	char *copy, *p;
	size_t i;

	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	for (p = copy; *p; p++)		/* kmod's spelling of module names */
		if (*p == '-')
			*p = '_';
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], copy)) {
			free(copy);
			return 0;
		}
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (!s->v)
		return -ENOMEM;
	s->v[s->n++] = copy;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void print_names(const char *label, const struct names *s)
{
	size_t i;

	printf(" %s=[", label);
	for (i = 0; i < s->n; i++)
		printf("%s%s", i ? " " : "", s->v[i]);
	printf("]");
}

static int collect(void *arg, const char *pattern, const char *value)
{
	(void)pattern;
	return add_name(arg, value) < 0 ? -ENOMEM : 0;
}

int main(int argc, char **argv)
{
	static const char *const no_config[] = { NULL };
	unsigned long keys = 0, hits = 0, diffs = 0;
	char dir[] = "/tmp/kindex-diff.XXXXXX", link[PATH_MAX], real[PATH_MAX];
	struct kindex *idx;
	struct kmod_ctx *kmod;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool verbose = false;
	int err;

	if (argc == 3 && !strcmp(argv[1], "-v")) {
		verbose = true;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: kindex-diff [-v] INDEX < KEYS\n");
		return 2;
	}
	err = kindex_open(argv[1], &idx);
	if (err) {
		fprintf(stderr, "kindex-diff: %s: %s\n", argv[1], strerror(-err));
		return 2;
	}
	if (!realpath(argv[1], real) || !mkdtemp(dir)) {
		perror("kindex-diff");
		return 2;
	}
	snprintf(link, sizeof(link), "%s/modules.alias.bin", dir);
	if (symlink(real, link) < 0) {
		perror("kindex-diff: symlink");
		return 2;
	}
	kmod = kmod_new(dir, no_config);
	if (!kmod) {
		fprintf(stderr, "kindex-diff: kmod_new failed\n");
		return 2;
	}
	kmod_set_log_priority(kmod, 0);
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct names ours = { 0 }, theirs = { 0 };
		struct kmod_list *list = NULL, *l;
		bool same;
		size_t i;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		keys++;
		err = kindex_match(idx, line, collect, &ours);
		if (err < 0) {
			printf("%s: vfioctl: %s\n", line, strerror(-err));
			diffs++;
			continue;
		}
		if (kmod_module_new_from_lookup(kmod, line, &list) >= 0) {
			kmod_list_foreach(l, list) {
				struct kmod_module *m = kmod_module_get_module(l);

				add_name(&theirs, kmod_module_get_name(m));
				kmod_module_unref(m);
			}
			kmod_module_unref_list(list);
		}
		qsort(ours.v, ours.n, sizeof(*ours.v), cmp);
		qsort(theirs.v, theirs.n, sizeof(*theirs.v), cmp);
		same = ours.n == theirs.n;
		for (i = 0; same && i < ours.n; i++)
			same = !strcmp(ours.v[i], theirs.v[i]);
		hits += ours.n > 0;
		if (!same || verbose) {
			diffs += !same;
			printf("%s:", line);
			print_names("vfioctl", &ours);
			print_names("libkmod", &theirs);
			printf("\n");
		}
		names_free(&ours);
		names_free(&theirs);
	}
	free(line);
	kmod_unref(kmod);
	kindex_close(idx);
	unlink(link);
	rmdir(dir);
	printf("%lu keys, %lu with matches, %lu differences\n", keys, hits, diffs);
	return diffs ? 1 : 0;
}
