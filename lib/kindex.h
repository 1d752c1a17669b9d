/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_KINDEX_H
#define VFIOCTL_KINDEX_H

#include <stddef.h>

/*
 * Read-only access to kmod's binary indexes (modules.alias.bin,
 * modules.builtin.alias.bin, modules.dep.bin, modules.builtin.bin) as
 * depmod writes them: a trie of keys, big-endian offsets.
 *
 * libkmod reads these too, but its public lookup neither says which alias
 * pattern matched nor lets us query one index alone: it stops at the first
 * index with a hit, so a modular generic vfio_pci hides built-in variants.
 * vfioctl needs both, so it walks the tries itself, the way libkmod does.
 */
struct kindex;

/*
 * 0, -ENOENT when the file is missing, -EINVAL when it is not an index
 * (or not a regular file). An empty file is an empty index, as in libkmod:
 * depmod writes one for kernels without modules.builtin.modinfo.
 */
int kindex_open(const char *path, struct kindex **idx);
/* The same over size bytes at buf, which must outlive the index. */
int kindex_open_buffer(const void *buf, size_t size, struct kindex **idx);
void kindex_close(struct kindex *idx);

/*
 * Call cb for every (pattern, value) whose pattern matches key, as
 * libkmod's index_searchwild() decides: the pattern is literal up to its
 * first '*', '?' or '[' (a '\\' there escapes nothing), and fnmatch(3)
 * matches the rest of it against the rest of the key. A non-zero return
 * from cb stops the walk and is returned. -EINVAL on a corrupt index: a
 * node out of the file, reached twice (a trie is a tree), or nested
 * deeper than any alias.
 */
typedef int (*kindex_cb)(void *arg, const char *pattern, const char *value);
int kindex_match(struct kindex *idx, const char *key, kindex_cb cb, void *arg);

/* The first value stored under exactly key: 0, or -ENOENT. */
int kindex_lookup(struct kindex *idx, const char *key, char *value, size_t size);

#endif
