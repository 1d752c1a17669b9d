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
#include "util.h"

#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 0x0002u

#define NODE_PREFIX 0x80000000u
#define NODE_VALUES 0x40000000u
#define NODE_CHILDS 0x20000000u
#define NODE_MASK 0x0FFFFFFFu

/*
 * Deepest node followed: a trie nests one node per branching character, and
 * real aliases are far shorter; deeper means a corrupt (or hostile) file,
 * whose walk would otherwise exhaust the stack.
 */
#define DEPTH_MAX 4096

struct kindex {
	void *base;			/* the mapping; NULL for an empty file */
	const unsigned char *map;
	size_t size;
	uint32_t root;			/* 0: an empty index */
	unsigned char *seen;		/* a bit per offset: nodes this walk reached */
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

/* An index over size bytes at map (NULL when size is 0); owned: munmap it. */
static int kindex_new(const void *map, size_t size, bool owned, struct kindex **out)
{
	const unsigned char *p = map;
	struct kindex *idx;

	/*
	 * depmod writes a 0-byte modules.builtin.alias.bin for kernels without
	 * modules.builtin.modinfo; libkmod reads it as empty, and so do we.
	 */
	if (size != 0 && (size < 12 || be32(p) != INDEX_MAGIC ||
			  be32(p + 4) >> 16 != INDEX_VERSION_MAJOR))
		return -EINVAL;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	idx->base = owned ? (void *)(uintptr_t)map : NULL;
	idx->map = p;
	idx->size = size;
	idx->root = size ? be32(p + 8) : 0;
	*out = idx;
	return 0;
}

int kindex_open(const char *path, struct kindex **out)
{
	struct stat st;
	void *map = NULL;
	int fd, err;

	/* a FIFO in its place would block: regular files only */
	fd = open_regular(path);
	if (fd < 0)
		return fd == -EFTYPE ? -EINVAL : fd;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		err = -errno;
	}
	close(fd);
	if (map == MAP_FAILED)
		return err;
	err = kindex_new(map, (size_t)st.st_size, true, out);
	if (err && map)
		munmap(map, (size_t)st.st_size);
	return err;
}

int kindex_open_buffer(const void *buf, size_t size, struct kindex **idx)
{
	return kindex_new(size ? buf : NULL, size, false, idx);
}

void kindex_close(struct kindex *idx)
{
	if (!idx)
		return;
	if (idx->base)
		munmap(idx->base, idx->size);
	free(idx->seen);
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

	/* a node without prefix, children or values takes no bytes: depmod's
	   empty index is a header whose root is such a node, at its end */
	if (off == 0 || off > idx->size)
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
	struct kindex *idx;
	const char *key;
	char *pat;			/* the pattern so far */
	size_t cap;
	kindex_cb cb;
	void *arg;
	int depth;
	size_t *visited;		/* offsets marked in idx->seen, to clear */
	size_t nvisited, vcap;
};

static int pat_reserve(struct walk *w, size_t len)
{
	char *p;
	size_t cap;

	if (len < w->cap)
		return 0;
	cap = w->cap ? w->cap : 256;
	while (cap <= len)
		cap *= 2;
	p = realloc(w->pat, cap);
	if (!p)
		return -ENOMEM;
	w->pat = p;
	w->cap = cap;
	return 0;
}

/*
 * A trie is a tree: each node is reached once. A file whose nodes point
 * back at an ancestor, or share a child, would make the walk loop or
 * repeat whole subtrees (exponentially): it is corrupt.
 */
static int visit(struct walk *w, size_t off)
{
	unsigned char *seen = w->idx->seen;

	if (seen[off / 8] & (1u << (off % 8)))
		return -EINVAL;
	if (w->nvisited == w->vcap) {
		size_t cap = w->vcap ? w->vcap * 2 : 64;
		void *v = realloc(w->visited, cap * sizeof(*w->visited));

		if (!v)
			return -ENOMEM;
		w->visited = v;
		w->vcap = cap;
	}
	w->visited[w->nvisited++] = off;
	seen[off / 8] |= (unsigned char)(1u << (off % 8));
	return 0;
}

/*
 * Follow the trie along key while the pattern is literal; from the first
 * wildcard on, every pattern below is a candidate and fnmatch() decides on
 * the rest of the pattern against the rest of the key (wpat and wkey: where
 * both begin), exactly as libkmod's index_searchwild(): the literal part
 * is compared byte for byte, so a '\\' there is no escape.
 */
static int walk(struct walk *w, uint32_t ref, size_t plen, size_t ki, bool wild,
		size_t wpat, size_t wkey)
{
	struct node n;
	size_t j;
	unsigned ch;
	int err;

	if (w->depth >= DEPTH_MAX)
		return -EINVAL;
	/* read_node first: it checks the offset is inside the file */
	err = read_node(w->idx, ref, &n);
	if (!err)
		err = visit(w, ref & NODE_MASK);
	if (err)
		return err;
	w->depth++;
	for (j = 0; n.prefix[j]; j++) {
		char c = n.prefix[j];

		if (!wild) {
			if (is_wild(c)) {
				wild = true;
				wpat = plen;
				wkey = ki;
			} else if (w->key[ki] != c) {
				goto out;
			} else {
				ki++;
			}
		}
		err = pat_reserve(w, plen + 1);
		if (err)
			goto out;
		w->pat[plen++] = c;
	}
	err = pat_reserve(w, plen + 1);
	if (err)
		goto out;
	w->pat[plen] = '\0';
	if (n.nvalues) {
		bool hit = wild ? fnmatch(w->pat + wpat, w->key + wkey, 0) == 0 : w->key[ki] == '\0';

		if (hit) {
			err = each_value(w->idx, &n, w->pat, w->cb, w->arg);
			if (err)
				goto out;
		}
	}
	for (ch = n.first; ch <= n.last; ch++) {
		uint32_t c = child_ref(&n, ch);

		if (!(c & NODE_MASK))
			continue;
		w->pat[plen] = (char)ch;
		if (wild)
			err = walk(w, c, plen + 1, ki, true, wpat, wkey);
		else if (is_wild((int)ch))
			err = walk(w, c, plen + 1, ki, true, plen, ki);
		/* a literal child: the key's next byte, never past its end */
		else if (ch != 0 && (unsigned char)w->key[ki] == ch)
			err = walk(w, c, plen + 1, ki + 1, false, 0, 0);
		if (err)
			goto out;
	}
out:
	w->depth--;
	return err;
}

int kindex_match(struct kindex *idx, const char *key, kindex_cb cb, void *arg)
{
	struct walk w = { .idx = idx, .key = key, .cb = cb, .arg = arg };
	size_t i;
	int err;

	if (!(idx->root & NODE_MASK))
		return 0;
	if (!idx->seen) {
		idx->seen = calloc(idx->size / 8 + 1, 1);
		if (!idx->seen)
			return -ENOMEM;
	}
	err = walk(&w, idx->root, 0, 0, false, 0, 0);
	for (i = 0; i < w.nvisited; i++)
		idx->seen[w.visited[i] / 8] &= (unsigned char)~(1u << (w.visited[i] % 8));
	free(w.visited);
	free(w.pat);
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

	if (!(ref & NODE_MASK))
		return -ENOENT;
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
