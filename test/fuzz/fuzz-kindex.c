// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kmod index reader (lib/kindex.c) on any bytes: the input is a key,
 * a NUL, and an index file. Every match it reports must be a pattern that
 * really matches the key by kmod's rule, and the walk must end.
 */
#include <fnmatch.h>

#include "fuzz.h"
#include "../../lib/kindex.h"

struct seen {
	const char *key;
	unsigned long n;
};

static int check(void *arg, const char *pattern, const char *value)
{
	struct seen *s = arg;
	size_t i = 0;

	/* kmod's rule: literal up to the first wildcard, fnmatch after */
	while (pattern[i] && !strchr("*?[", pattern[i])) {
		fuzz_assert(s->key[i] == pattern[i]);
		i++;
	}
	fuzz_assert(pattern[i] ? fnmatch(pattern + i, s->key + i, 0) == 0 : !s->key[i]);
	fuzz_assert(value != NULL);
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *key = fuzz_part(&data, &size), value[256];
	struct seen s = { key, 0 };
	struct kindex *idx;
	void *copy;

	/* an exact copy: the reader must stay inside the file */
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (kindex_open_buffer(copy, size, &idx) == 0) {
		kindex_match(idx, key, check, &s);
		/* the walk's state is reset: the same answer twice */
		{
			struct seen again = { key, 0 };
			int err = kindex_match(idx, key, check, &again);

			fuzz_assert(err < 0 || again.n == s.n);
		}
		kindex_lookup(idx, key, value, sizeof(value));
		kindex_close(idx);
	}
	free(copy);
	free(key);
	return 0;
}
