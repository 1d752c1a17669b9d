// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the host uses a PCI device for: its network interfaces, the block
 * devices below it (mounted, swap, held by dm/md, carrying the root file
 * system) and its consoles. Only what the kernel itself exposes in sysfs
 * and procfs is read, all of it under the context's root; no /sys walk:
 * the kernel's class directories (class/net, class/block, class/graphics,
 * class/tty) list every device of their kind with a link into the device
 * tree, so "below this PCI device" is one realpath per entry and a prefix
 * test, whatever the depth (AHCI disks sit six levels down).
 *
 * This file: the uses vector, the helpers every kind shares, the walk of
 * class entries below a device, and device_uses() over the kinds:
 * inuse_block.c (mounts, swap, holders, root), inuse_net.c,
 * inuse_console.c, inuse_vfio.c.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "inuse.h"
#include "inuse_int.h"
#include "log.h"
#include "module.h"
#include "pcidev.h"
#include "util.h"

static const char *const kind_names[] = {
	[USE_NET] = "net",
	[USE_MOUNT] = "mount",
	[USE_SWAP] = "swap",
	[USE_HOLDER] = "holder",
	[USE_ROOT] = "root",
	[USE_CONSOLE] = "console",
	[USE_VFIO] = "vfio",
};

const char *use_kind_name(enum use_kind k)
{
	if ((size_t)k >= ARRAY_SIZE(kind_names) || !kind_names[k])
		return "unknown";
	return kind_names[k];
}

void uses_free(struct uses *u)
{
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

void sb_add(struct sb *s, const char *fmt, ...)
{
	size_t room = sizeof(s->buf) - s->len;
	va_list ap;
	int n;

	if (s->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		/* keep what fitted: add_use() then ends the text with "..." */
		s->len = n < 0 ? s->len : sizeof(s->buf) - 1;
		s->buf[s->len] = '\0';
		s->cut = true;
		return;
	}
	s->len += (size_t)n;
}

int add_use(struct uses *u, enum use_kind kind, const char *name, const char *what)
{
	struct use *v, *e;
	size_t len;

	v = realloc(u->v, (u->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	u->v = v;
	e = &v[u->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	snprintf(e->name, sizeof(e->name), "%s", name);
	len = strlen(what);
	if (len < sizeof(e->what)) {
		memcpy(e->what, what, len + 1);
	} else {
		memcpy(e->what, what, sizeof(e->what) - 4);
		memcpy(e->what + sizeof(e->what) - 4, "...", 4);
	}
	return 0;
}

int add_sb(struct uses *u, enum use_kind kind, const char *name, const struct sb *s)
{
	return add_use(u, kind, name, s->buf);
}

/* path is dir itself or below it (both canonical). */
bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return !strncmp(path, dir, len) && (path[len] == '/' || path[len] == '\0');
}

const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int no_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Entries of dir in natural order (sda2 before sda10); none if it is missing. */
int list_dir(const char *dir, struct dirent ***list, int *n)
{
	int fd = open_dir(dir), err;

	*list = NULL;
	*n = 0;
	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
	*n = scandirat(fd, ".", list, no_dot, versionsort);
	err = *n < 0 ? -errno : 0;
	close(fd);
	if (*n < 0)
		*n = 0;
	return err;
}

void free_list(struct dirent **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * What every device's check reads of the host (procfs files, class
 * listings, the mount table, the root's block device chain, the network
 * table, the framebuffers) is the same for all of them: each is built
 * once per process while vfioctl changes nothing, and again after a
 * write (sysfs_generation), since a probe makes new interfaces and disks.
 */
struct memo {
	char key[32];
	unsigned long gen;		/* sysfs_generation() when built */
	bool kept;			/* valid whatever was written since */
	void *val;
	void (*free)(void *val);
};

struct inuse_cache {
	struct memo m[24];
	size_t n;
};

static void inuse_cache_free(void *p)
{
	struct inuse_cache *cc = p;
	size_t i;

	for (i = 0; i < cc->n; i++)
		if (cc->m[i].val && cc->m[i].free)
			cc->m[i].free(cc->m[i].val);
	free(cc);
}

static int memo_get(struct vctx *ctx, const char *key,
		    int (*build)(struct vctx *ctx, const char *key, void **val),
		    void (*free_fn)(void *val), bool kept, void **val)
{
	struct inuse_cache *cc = ctx->inuse_cache;
	struct memo *m = NULL;
	size_t i;
	int err;

	*val = NULL;
	if (!cc) {
		cc = calloc(1, sizeof(*cc));
		if (!cc)
			return -ENOMEM;
		ctx->inuse_cache = cc;
		ctx->inuse_cache_free = inuse_cache_free;
	}
	for (i = 0; i < cc->n && !m; i++)
		if (!strcmp(cc->m[i].key, key))
			m = &cc->m[i];
	if (m && (m->kept || m->gen == sysfs_generation()) && m->val) {
		*val = m->val;
		return 0;
	}
	if (!m) {
		if (cc->n == ARRAY_SIZE(cc->m) || strlen(key) >= sizeof(m->key))
			return -ENOSPC;
		m = &cc->m[cc->n++];
		memcpy(m->key, key, strlen(key) + 1);
	}
	if (m->val && m->free)
		m->free(m->val);
	m->val = NULL;
	m->free = free_fn;
	err = build(ctx, key, &m->val);
	if (err) {
		if (m->val && free_fn)
			free_fn(m->val);
		m->val = NULL;	/* not known: built again next time */
		return err;
	}
	m->gen = sysfs_generation();
	m->kept = kept;
	*val = m->val;
	return 0;
}

int inuse_memo(struct vctx *ctx, const char *key, int (*build)(struct vctx *ctx, const char *key, void **val),
	       void (*free_fn)(void *val), void **val)
{
	return memo_get(ctx, key, build, free_fn, false, val);
}

int inuse_memo_kept(struct vctx *ctx, const char *key,
		    int (*build)(struct vctx *ctx, const char *key, void **val),
		    void (*free_fn)(void *val), void **val)
{
	return memo_get(ctx, key, build, free_fn, true, val);
}

/* The whole of a regular file into *buf (NUL-terminated). 0 or -errno. */
static int slurp(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	ssize_t r;
	char *b = malloc(cap), *nb;
	int fd = open_regular(path);

	*buf = NULL;
	*len = 0;
	if (fd < 0 || !b) {
		free(b);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : -ENOMEM;
	}
	for (;;) {
		if (cap - n < 2) {
			nb = cap > (64u << 20) ? NULL : realloc(b, cap * 2);
			if (!nb) {
				free(b);
				close(fd);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(b);
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* A procfs file read whole; buf NULL when missing. */
struct proc_file {
	char *buf;
	size_t len;
};

static void proc_file_free(void *p)
{
	struct proc_file *pf = p;

	free(pf->buf);
	free(pf);
}

/* A missing file is an empty one: the fake roots hold only what a test needs. */
static int proc_file_read(struct vctx *ctx, const char *rel, void **val)
{
	struct proc_file *pf = calloc(1, sizeof(*pf));
	char path[PATH_MAX];
	int err;

	if (!pf)
		return -ENOMEM;
	*val = pf;
	err = ctx_path(ctx, path, sizeof(path), "%s", rel);
	/* confined to the root, and a FIFO in its place does not block */
	if (!err)
		err = slurp(path, &pf->buf, &pf->len);
	return err == -ENOENT || err == -ENOTDIR ? 0 : err;
}

/*
 * procfs's views of the whole host (mounts, swaps, consoles, addresses and
 * routes), the same for every device; each caller gets its own stream
 * over the one copy.
 */
int open_under_root(struct vctx *ctx, const char *rel, FILE **f)
{
	struct proc_file *pf;
	void *val;
	int err;

	*f = NULL;
	err = inuse_memo(ctx, rel, proc_file_read, proc_file_free, &val);
	if (err)
		return err;
	pf = val;
	/* fmemopen takes no empty buffer: an empty file reads as a missing one */
	if (!pf->buf || !pf->len)
		return 0;
	*f = fmemopen(pf->buf, pf->len, "r");
	return *f ? 0 : -errno;
}

/*
 * For a file whose parsed form is kept (inuse_memo): read as it is, no
 * copy kept. Missing is empty (*f NULL); a FIFO in its place does not block.
 */
int open_proc(struct vctx *ctx, const char *rel, FILE **f)
{
	char path[PATH_MAX];
	int err;

	*f = NULL;
	err = ctx_path(ctx, path, sizeof(path), "%s", rel);
	if (err)
		return err;
	*f = fopen_regular(path);
	if (*f)
		return 0;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

/*
 * The entries of one ROOT/sys/class/CLASS and where each one's device is,
 * in natural order (eth2 before eth10), and by resolved path (byreal), so
 * that the entries below a device are found by a binary search.
 */
struct class_list {
	char prefix[PATH_MAX];	/* ROOT/sys/devices/, left out of every real */
	size_t plen;
	size_t n;
	char **entry;		/* NULL: the base name of real */
	char **real;
	size_t *byreal;
};

static void class_list_free(void *p)
{
	struct class_list *c = p;
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->entry[i]);
		free(c->real[i]);
	}
	free(c->entry);
	free(c->real);
	free(c->byreal);
	free(c);
}

static int by_real(const void *a, const void *b, void *arg)
{
	const struct class_list *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(c->real[x], c->real[y]);

	return r ? r : (x > y) - (x < y);
}

static int class_list_read(struct vctx *ctx, const char *key, void **val)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct class_list *c;
	struct dirent **list;
	int i, n, err;
	size_t k = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*val = c;
	err = xsnprintf(c->prefix, sizeof(c->prefix), "%s/sys/devices/", ctx->root);
	c->plen = strlen(c->prefix);
	if (!err)
		err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/%s", key + strlen("class:"));
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	c->entry = calloc((size_t)n + 1, sizeof(*c->entry));
	c->real = calloc((size_t)n + 1, sizeof(*c->real));
	c->byreal = calloc((size_t)n + 1, sizeof(*c->byreal));
	if (!c->entry || !c->real || !c->byreal)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		if (strlen(list[i]->d_name) >= USE_NAME_MAX ||
		    xsnprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) ||
		    real_path(path, real, sizeof(real)))
			continue;
		/* every device is there, and the prefix is the same for all */
		if (strncmp(real, c->prefix, c->plen))
			continue;
		/* the name is the device's own (class/net/eth0 -> .../net/eth0): no copy */
		c->entry[k] = strcmp(base_name(real), list[i]->d_name) ? strdup(list[i]->d_name) : NULL;
		c->real[k] = strdup(real + c->plen);
		if ((!c->entry[k] && strcmp(base_name(real), list[i]->d_name)) || !c->real[k]) {
			free(c->entry[k]);
			free(c->real[k]);
			err = -ENOMEM;
		} else {
			c->byreal[k] = k;
			k++;
		}
	}
	c->n = k;
	free_list(list, n);
	qsort_r(c->byreal, c->n, sizeof(*c->byreal), by_real, c);
	return err;
}

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/*
 * Call fn for every entry of ROOT/sys/class/CLASS whose device lies below d,
 * at any depth, with its name and resolved path, in the listing's natural
 * order. A non-zero return from fn stops the walk. The entries below d
 * share d's path as a prefix, so they sit together in the listing sorted
 * by path: a binary search finds them, whatever the size of the class.
 */
int each_below(struct vctx *ctx, const char *class, const struct pcidev *d,
	       int (*fn)(void *arg, const char *name, const char *real), void *arg)
{
	size_t lo, hi, mid, len, *hit = NULL, nhit = 0, i;
	char key[32], real[PATH_MAX];
	struct class_list *c;
	const char *dev;
	void *val;
	int err;

	if (xsnprintf(key, sizeof(key), "class:%s", class))
		return -ENAMETOOLONG;
	err = inuse_memo(ctx, key, class_list_read, class_list_free, &val);
	if (err)
		return err;
	c = val;
	if (strncmp(d->realpath, c->prefix, c->plen))
		return 0;
	dev = d->realpath + c->plen;
	len = strlen(dev);
	/* the first entry whose path is not below d's in sort order */
	lo = 0;
	hi = c->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(c->real[c->byreal[mid]], dev) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < c->n && !strncmp(c->real[c->byreal[i]], dev, len); i++) {
		size_t *v;

		if (!under(c->real[c->byreal[i]], dev))
			continue;	/* a sibling named like d and more: 0000:00:01.0x */
		v = realloc(hit, (nhit + 1) * sizeof(*hit));
		if (!v) {
			free(hit);
			return -ENOMEM;
		}
		hit = v;
		hit[nhit++] = c->byreal[i];
	}
	if (nhit)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(hit, nhit, sizeof(*hit), by_index);
	for (i = 0; i < nhit && !err; i++) {
		err = xsnprintf(real, sizeof(real), "%s%s", c->prefix, c->real[hit[i]]);
		if (!err)
			err = fn(arg, c->entry[hit[i]] ? c->entry[hit[i]] : base_name(real), real);
	}
	free(hit);
	return err;
}

int device_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	int err;

	u->v = NULL;
	u->n = 0;
	if (d->driver[0] && bus_driver_is_vfio(ctx, dev_bus(d), d->driver) == 1)
		return vfio_uses(ctx, d, u);
	err = block_uses(ctx, d, u);
	if (!err)
		err = net_uses(ctx, d, u);
	if (!err)
		err = console_uses(ctx, d, u);
	return err;
}

int inuse_check(struct vctx *ctx, const struct pcidev *d, bool force, struct inuse_check *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->force = force;
	/* no driver: nothing runs on it; on a VFIO driver: what holds it open */
	if (!d->driver[0])
		return 0;
	r->checked = true;
	r->err = device_uses(ctx, d, &r->u);
	if (r->err) {
		uses_free(&r->u);
		if (!force)
			return r->err;
		warn("%s: cannot tell what uses it (%s); taking it anyway (--force)", d->addr,
		     strerror(-r->err));
		return 0;
	}
	if (!r->u.n)
		return 0;
	if (!force)
		return -EBUSY;
	for (i = 0; i < r->u.n; i++)
		warn("%s: in use, taken anyway (--force): %s", d->addr, r->u.v[i].what);
	return 0;
}

void inuse_check_free(struct inuse_check *r)
{
	uses_free(&r->u);
}
