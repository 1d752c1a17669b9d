/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_ALIAS_H
#define VFIOCTL_ALIAS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct vctx;

#define ALIAS_MAX 256

/* Where a candidate's alias was found. */
enum cand_src {
	SRC_MODULES,	/* modules.alias.bin: loadable modules */
	SRC_BUILTIN,	/* modules.builtin.alias.bin: built into the kernel */
	SRC_CONFIG,	/* an alias line in modprobe.d */
	SRC_FALLBACK,	/* no alias matched; the generic vfio_pci exists */
};

struct cand {
	char module[NAME_MAX_LEN];	/* kmod's normalised name */
	char *alias;			/* matching pattern, "" for SRC_FALLBACK */
	unsigned wildcards;		/* wildcards in alias (alias_rank): fewer is more specific */
	unsigned stars;			/* of which '*' */
	bool builtin;
	bool blacklisted;
	enum cand_src src;
};

/*
 * Matching VFIO modules for one vfio alias, ranked best first: never a
 * blacklisted module before a usable one, then fewest wildcards, then
 * fewest '*' of them, then module name (a tie is broken by name; tie is
 * set so callers can warn).
 * best is the index of the chosen module, -1 when every match is
 * blacklisted or nothing matched.
 */
struct cands {
	struct cand *v;
	size_t n, cap;
	long best;
	bool tie;
	char key[ALIAS_MAX];		/* the vfio alias looked up */
	/* when the lookup failed on an index: which, and what is wrong with it */
	const char *bad_index;		/* "modules.alias.bin", ...; NULL otherwise */
	const char *bad_what;		/* "is missing", "is not a kmod index", "is corrupt" */
};

/* The generic driver's module: the universal fallback. */
#define GENERIC_VFIO_MODULE "vfio_pci"
#define GENERIC_VFIO_WILDCARDS 7

/* "vfio_" + modalias into key. -EINVAL for an empty modalias. */
int vfio_alias_of(const char *modalias, char *key, size_t size);

/*
 * Look key up in modules.alias.bin, modules.builtin.alias.bin and the
 * modprobe.d alias lines under the root; all three, always, since libkmod
 * stops at the first index that matches. -ENOENT when the module
 * directory or its modules.alias.bin is missing.
 */
int cands_lookup(struct vctx *ctx, const char *key, struct cands *out);
void cands_free(struct cands *c);

/*
 * Why cands_lookup failed with err, in words, for the one line a command
 * prints: "MODDIR/modules.alias.bin is corrupt; run depmod" when an index
 * is at fault, else "cannot look up KEY: " and the error.
 */
const char *cands_error(struct vctx *ctx, const struct cands *c, int err, char *buf, size_t size);

const char *cand_src_name(enum cand_src src);

/*
 * How broad an alias pattern is: its wildcards, every construct counted
 * once (a '*', a '?', a bracket expression "[...]"), and of those the
 * '*', which match any number of characters where the others match one.
 * A pattern from a kmod index (index true) is literal up to its first
 * '*', '?' or '[', as libkmod compares that part byte for byte; a
 * modprobe.d pattern is fnmatch()ed whole, so a '\' escapes anywhere.
 * A '\'-escaped character and a '[' without its ']' are literal.
 */
void alias_rank(const char *pattern, bool index, unsigned *wildcards, unsigned *stars);

/* Is module listed in modules.builtin.bin? 1, 0 or -errno. */
int module_is_builtin(struct vctx *ctx, const char *module);
/* Is module (normalised) known to modules.dep.bin? 1, 0 or -errno. */
int module_is_modular(struct vctx *ctx, const char *module);

#endif
