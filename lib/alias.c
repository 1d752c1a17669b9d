// SPDX-License-Identifier: GPL-2.0-or-later
/* Steps 3 and 4: the vfio alias and its candidates, ranked. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "bus.h"
#include "ctx.h"
#include "kindex.h"
#include "log.h"
#include "modconf.h"
#include "module.h"

int vfio_alias_of(const char *modalias, char *key, size_t size)
{
	if (!modalias[0])
		return -EINVAL;
	return xsnprintf(key, size, "vfio_%s", modalias);
}

static bool is_wild(char c)
{
	return c == '*' || c == '?' || c == '[';
}

/* Index of the ']' closing the bracket expression opening at p[0], or 0. */
static size_t bracket_end(const char *p)
{
	size_t j = 1;

	if (p[j] == '!' || p[j] == '^')
		j++;
	if (p[j] == ']')
		j++;	/* a ']' first is one of the set */
	while (p[j] && p[j] != ']') {
		if (p[j] == '[' && (p[j + 1] == ':' || p[j + 1] == '.' || p[j + 1] == '=')) {
			/* [:class:], [.sym.], [=equiv=] */
			const char *end = strchr(p + j + 2, p[j + 1]);

			while (end && end[1] != ']')
				end = strchr(end + 1, p[j + 1]);
			if (end) {
				j = (size_t)(end - p) + 2;
				continue;
			}
		}
		j += (p[j] == '\\' && p[j + 1]) ? 2 : 1;
	}
	return p[j] == ']' ? j : 0;
}

void alias_rank(const char *pattern, bool index, unsigned *wildcards, unsigned *stars)
{
	const char *p = pattern;
	size_t end;

	*wildcards = *stars = 0;
	if (index)
		while (*p && !is_wild(*p))
			p++;
	while (*p) {
		switch (*p) {
		case '\\':
			p += p[1] ? 2 : 1;
			continue;
		case '*':
			++*stars;
			++*wildcards;
			break;
		case '?':
			++*wildcards;
			break;
		case '[':
			end = bracket_end(p);
			if (end) {
				++*wildcards;
				p += end;
			}
			break;
		}
		p++;
	}
}

const char *cand_src_name(enum cand_src src)
{
	switch (src) {
	case SRC_MODULES:
		return "modules.alias.bin";
	case SRC_BUILTIN:
		return "modules.builtin.alias.bin";
	case SRC_CONFIG:
		return "modprobe.d";
	case SRC_FALLBACK:
		return "fallback";
	}
	return "?";
}

static int index_has(struct vctx *ctx, enum ctx_index which, const char *module)
{
	struct kindex *idx;
	char val[PATH_MAX];
	int err;

	err = ctx_index(ctx, which, &idx);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = kindex_lookup(idx, module, val, sizeof(val));
	if (err == -ENOENT)
		return 0;
	return err ? err : 1;
}

int module_is_builtin(struct vctx *ctx, const char *module)
{
	return index_has(ctx, IDX_BUILTIN, module);
}

int module_is_modular(struct vctx *ctx, const char *module)
{
	return index_has(ctx, IDX_DEP, module);
}

/* Is (wild, stars) more specific than k's alias? */
static bool better(unsigned wild, unsigned stars, const struct cand *k)
{
	return wild != k->wildcards ? wild < k->wildcards : stars < k->stars;
}

/* Add or improve the candidate for module: each module once, best alias. */
static int cands_add(struct cands *c, const char *module, const char *pattern,
		     enum cand_src src, bool builtin)
{
	unsigned wild = GENERIC_VFIO_WILDCARDS, stars = GENERIC_VFIO_WILDCARDS;
	char name[NAME_MAX_LEN], *alias;
	struct cand *k;
	size_t i;

	if (pattern)
		alias_rank(pattern, src != SRC_CONFIG, &wild, &stars);
	/* a module name is loaded, printed and written to modprobe.d: checked */
	if (!valid_name(module)) {
		char shown[80];

		warn("ignoring module name '%s' of alias %s: not a module name",
		     escape_text(module, shown, sizeof(shown)), cand_src_name(src));
		return 0;
	}
	memcpy(name, module, strlen(module) + 1);
	modname_normalize(name);
	for (i = 0; i < c->n; i++) {
		k = &c->v[i];
		if (strcmp(k->module, name))
			continue;
		k->builtin |= builtin;
		if (pattern && better(wild, stars, k)) {
			alias = strdup(pattern);
			if (!alias)
				return -ENOMEM;
			free(k->alias);
			k->alias = alias;
			k->wildcards = wild;
			k->stars = stars;
			k->src = src;
		}
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		void *v = realloc(c->v, cap * sizeof(*c->v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	alias = strdup(pattern ? pattern : "");
	if (!alias)
		return -ENOMEM;
	k = &c->v[c->n++];
	memset(k, 0, sizeof(*k));
	memcpy(k->module, name, sizeof(name));
	k->alias = alias;
	k->wildcards = wild;
	k->stars = stars;
	k->builtin = builtin;
	k->src = src;
	return 0;
}

struct add_arg {
	struct cands *c;
	enum cand_src src;
};

static int add_from_index(void *arg, const char *pattern, const char *value)
{
	struct add_arg *a = arg;

	return cands_add(a->c, value, pattern, a->src, a->src == SRC_BUILTIN);
}

static int search_index(struct vctx *ctx, enum ctx_index which, enum cand_src src,
			bool required, struct cands *c)
{
	struct add_arg a = { c, src };
	struct kindex *idx;
	int err;

	err = ctx_index(ctx, which, &idx);
	if (err == -ENOENT && !required)
		return 0;
	if (err) {
		/* said once, by the command: see cands_error() */
		c->bad_index = ctx_index_name(which);
		c->bad_what = err == -EINVAL ? "is not a kmod index" :
			      err == -ENOENT ? "is missing" : NULL;
		return err;
	}
	err = kindex_match(idx, c->key, add_from_index, &a);
	if (err < 0) {
		c->bad_index = ctx_index_name(which);
		c->bad_what = err == -EINVAL ? "is corrupt" : NULL;
	}
	return err < 0 ? err : 0;
}

static int search_config(struct vctx *ctx, struct cands *c)
{
	const struct modconf *mc;
	size_t i;
	int err;

	err = ctx_modconf(ctx, &mc);
	if (err)
		return err;
	for (i = 0; i < mc->nalias; i++) {
		const char *pattern = mc->alias[i].pattern;
		char name[NAME_MAX_LEN];
		int builtin;

		if (fnmatch(pattern, c->key, 0) != 0)
			continue;
		if (xstrcpy(name, sizeof(name), mc->alias[i].module))
			continue;
		modname_normalize(name);
		builtin = module_is_builtin(ctx, name);
		err = cands_add(c, name, pattern, SRC_CONFIG, builtin > 0);
		if (err)
			break;
	}
	return err;
}

static void mark_blacklisted(struct vctx *ctx, struct cands *c)
{
	const struct modconf *mc;
	size_t i, k;

	if (ctx_modconf(ctx, &mc))
		return;
	for (k = 0; k < mc->nblacklist; k++) {
		char name[NAME_MAX_LEN];

		if (xstrcpy(name, sizeof(name), mc->blacklist[k]))
			continue;
		modname_normalize(name);
		for (i = 0; i < c->n; i++)
			if (!strcmp(c->v[i].module, name))
				c->v[i].blacklisted = true;
	}
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->blacklisted != b->blacklisted)
		return a->blacklisted ? 1 : -1;
	if (a->wildcards != b->wildcards)
		return a->wildcards < b->wildcards ? -1 : 1;
	if (a->stars != b->stars)
		return a->stars < b->stars ? -1 : 1;
	return strcmp(a->module, b->module);
}

/*
 * An alias as depmod stores it and kmod looks it up: '-' becomes '_',
 * except inside a [...] class ("vfio-reset:amd,xgbe-seattle-v1a" is
 * indexed as "vfio_reset:amd,xgbe_seattle_v1a").
 */
static int alias_normalize(const char *alias, char *buf, size_t size)
{
	size_t i;
	bool in_class = false;

	for (i = 0; alias[i]; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		if (alias[i] == '[')
			in_class = true;
		else if (alias[i] == ']')
			in_class = false;
		buf[i] = alias[i] == '-' && !in_class ? '_' : alias[i];
	}
	buf[i] = '\0';
	return 0;
}

int cands_lookup(struct vctx *ctx, const char *key, struct cands *c)
{
	const struct bus_kind *b;
	int err;

	memset(c, 0, sizeof(*c));
	c->best = -1;
	err = alias_normalize(key, c->key, sizeof(c->key));
	if (!err)
		err = search_index(ctx, IDX_ALIAS, SRC_MODULES, true, c);
	if (!err)
		err = search_index(ctx, IDX_BUILTIN_ALIAS, SRC_BUILTIN, false, c);
	if (!err)
		err = search_config(ctx, c);
	if (!err && c->n == 0 && (b = bus_by_alias(key)) && b->universal) {
		/* kernels before vfio aliases existed: the universal driver
		 * (vfio_pci, vfio_cdx) fits every device of its bus */
		int builtin = module_is_builtin(ctx, b->universal);

		if (builtin > 0 || module_is_modular(ctx, b->universal) > 0)
			err = cands_add(c, b->universal, NULL, SRC_FALLBACK, builtin > 0);
		if (!err && c->n)
			c->v[c->n - 1].wildcards = b->universal_wildcards;
	}
	if (err) {
		cands_free(c);
		return err;
	}
	mark_blacklisted(ctx, c);
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cand_cmp);
	if (c->n && !c->v[0].blacklisted) {
		c->best = 0;
		c->tie = c->n > 1 && !c->v[1].blacklisted &&
			 c->v[1].wildcards == c->v[0].wildcards && c->v[1].stars == c->v[0].stars;
	}
	return 0;
}

const char *cands_error(struct vctx *ctx, const struct cands *c, int err, char *buf, size_t size)
{
	const char *dir = NULL;

	if (c->bad_index && ctx_moddir(ctx, &dir) == 0) {
		if (c->bad_what)
			snprintf(buf, size, "%s/%s %s; run depmod", dir, c->bad_index, c->bad_what);
		else
			snprintf(buf, size, "%s/%s: %s", dir, c->bad_index, errstr(err));
	} else {
		snprintf(buf, size, "cannot look up %s: %s", c->key, errstr(err));
	}
	return buf;
}

void cands_free(struct cands *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].alias);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}
