// SPDX-License-Identifier: GPL-2.0-or-later
/* See kindex.h; the format is libkmod-index.c's, version 2. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kindex.h"
#include "log.h"

#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 0x0002u

#define NODE_PREFIX 0x80000000u
#define NODE_VALUES 0x40000000u
#define NODE_CHILDS 0x20000000u
#define NODE_MASK 0x0FFFFFFFu

/* longest pattern followed; module aliases are far shorter */
#define PATTERN_MAX 512

struct kindex {
	void *base;
	const unsigned char *map;
	size_t size;
	uint32_t root;
};

struct node {
	const char *prefix;
	unsigned first, last;		/* child range; first > last: none */
	const unsigned char *children;
	uint32_t nvalues;
	const unsigned char *values;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int kindex_open(const char *path, struct kindex **out)
{
	struct kindex *idx;
	struct stat st;
	void *map;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (st.st_size < 12) {
		close(fd);
		return -EINVAL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	close(fd);
	if (map == MAP_FAILED)
		return -err;
	if (be32(map) != INDEX_MAGIC || be32((unsigned char *)map + 4) >> 16 != INDEX_VERSION_MAJOR) {
		munmap(map, (size_t)st.st_size);
		return -EINVAL;
	}
	idx = calloc(1, sizeof(*idx));
	if (!idx) {
		munmap(map, (size_t)st.st_size);
		return -ENOMEM;
	}
	idx->base = map;
	idx->map = map;
	idx->size = (size_t)st.st_size;
	idx->root = be32((unsigned char *)map + 8);
	*out = idx;
	return 0;
}

void kindex_close(struct kindex *idx)
{
	if (!idx)
		return;
	munmap(idx->base, idx->size);
	free(idx);
}

/* A NUL-terminated string at off, inside the file; its end in *next. */
static const char *str_at(const struct kindex *idx, size_t off, size_t *next)
{
	const unsigned char *nul;

	if (off >= idx->size)
		return NULL;
	nul = memchr(idx->map + off, '\0', idx->size - off);
	if (!nul)
		return NULL;
	*next = (size_t)(nul - idx->map) + 1;
	return (const char *)idx->map + off;
}

static int read_node(const struct kindex *idx, uint32_t ref, struct node *n)
{
	size_t off = ref & NODE_MASK, next;

	if (off == 0 || off >= idx->size)
		return -EINVAL;
	n->prefix = "";
	if (ref & NODE_PREFIX) {
		n->prefix = str_at(idx, off, &next);
		if (!n->prefix)
			return -EINVAL;
		off = next;
	}
	n->first = 1;
	n->last = 0;
	n->children = NULL;
	if (ref & NODE_CHILDS) {
		if (off + 2 > idx->size)
			return -EINVAL;
		n->first = idx->map[off];
		n->last = idx->map[off + 1];
		if (n->first > n->last)
			return -EINVAL;
		off += 2;
		n->children = idx->map + off;
		off += 4 * (size_t)(n->last - n->first + 1);
		if (off > idx->size)
			return -EINVAL;
	}
	n->nvalues = 0;
	n->values = NULL;
	if (ref & NODE_VALUES) {
		if (off + 4 > idx->size)
			return -EINVAL;
		n->nvalues = be32(idx->map + off);
		n->values = idx->map + off + 4;
	}
	return 0;
}

static uint32_t child_ref(const struct node *n, unsigned ch)
{
	if (!n->children || ch < n->first || ch > n->last)
		return 0;
	return be32(n->children + 4 * (ch - n->first));
}

static int each_value(const struct kindex *idx, const struct node *n, const char *pattern,
		      kindex_cb cb, void *arg)
{
	size_t off = (size_t)(n->values - idx->map), next;
	uint32_t i;

	for (i = 0; i < n->nvalues; i++) {
		const char *v;
		int r;

		if (off + 4 > idx->size)
			return -EINVAL;
		v = str_at(idx, off + 4, &next);	/* after the priority */
		if (!v)
			return -EINVAL;
		off = next;
		r = cb(arg, pattern, v);
		if (r)
			return r;
	}
	return 0;
}

static bool is_wild(int c)
{
	return c == '*' || c == '?' || c == '[';
}

struct walk {
	const struct kindex *idx;
	const char *key;
	char pat[PATTERN_MAX];
	kindex_cb cb;
	void *arg;
	int depth;
};

/*
 * Follow the trie along key while the pattern is literal; below the first
 * wildcard every pattern is a candidate and fnmatch() decides, as in
 * libkmod's index_searchwild().
 */
static int walk(struct walk *w, uint32_t ref, size_t plen, size_t ki, bool wild)
{
	struct node n;
	size_t j;
	unsigned ch;
	int err;

	if (++w->depth > PATTERN_MAX) {
		w->depth--;
		return -EINVAL;	/* a loop in a corrupt file */
	}
	err = read_node(w->idx, ref, &n);
	if (err)
		goto out;
	for (j = 0; n.prefix[j]; j++) {
		char c = n.prefix[j];

		if (!wild) {
			if (is_wild(c)) {
				wild = true;
			} else if (w->key[ki] != c) {
				goto out;
			} else {
				ki++;
			}
		}
		if (plen + 1 >= PATTERN_MAX)
			goto out;
		w->pat[plen++] = c;
	}
	w->pat[plen] = '\0';
	if (n.nvalues) {
		bool hit = wild ? fnmatch(w->pat, w->key, 0) == 0 : w->key[ki] == '\0';

		if (hit) {
			err = each_value(w->idx, &n, w->pat, w->cb, w->arg);
			if (err)
				goto out;
		}
	}
	if (plen + 1 >= PATTERN_MAX)
		goto out;
	for (ch = n.first; ch <= n.last; ch++) {
		uint32_t c = child_ref(&n, ch);
		bool cwild = wild || is_wild((int)ch);

		if (!(c & NODE_MASK))
			continue;
		if (!cwild && (unsigned char)w->key[ki] != ch)
			continue;
		w->pat[plen] = (char)ch;
		err = walk(w, c, plen + 1, cwild ? ki : ki + 1, cwild);
		if (err)
			goto out;
	}
out:
	w->depth--;
	return err;
}

int kindex_match(struct kindex *idx, const char *key, kindex_cb cb, void *arg)
{
	struct walk *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->idx = idx;
	w->key = key;
	w->cb = cb;
	w->arg = arg;
	err = walk(w, idx->root, 0, 0, false);
	free(w);
	return err;
}

struct first_value {
	char *buf;
	size_t size;
	int found;
};

static int take_first(void *arg, const char *pattern, const char *value)
{
	struct first_value *f = arg;
	size_t len = strlen(value);

	(void)pattern;
	if (len >= f->size)
		return -ENAMETOOLONG;
	memcpy(f->buf, value, len + 1);
	f->found = 1;
	return 1;
}

int kindex_lookup(struct kindex *idx, const char *key, char *value, size_t size)
{
	struct first_value f = { value, size, 0 };
	struct node n;
	uint32_t ref = idx->root;
	size_t ki = 0, j;
	int err;

	/* exact search: no wildcard handling, keys such as module names */
	for (;;) {
		err = read_node(idx, ref, &n);
		if (err)
			return err;
		for (j = 0; n.prefix[j]; j++, ki++)
			if (key[ki] != n.prefix[j])
				return -ENOENT;
		if (key[ki] == '\0') {
			if (!n.nvalues)
				return -ENOENT;
			err = each_value(idx, &n, key, take_first, &f);
			if (err < 0)
				return err;
			return f.found ? 0 : -ENOENT;
		}
		ref = child_ref(&n, (unsigned char)key[ki]);
		if (!(ref & NODE_MASK))
			return -ENOENT;
		ki++;
	}
}
