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

/* The entries of one ROOT/sys/class/CLASS and where each one's device is. */
struct class_list {
	char name[16];
	unsigned long gen;		/* sysfs_generation() when read */
	size_t n;
	char (*entry)[USE_NAME_MAX];
	char **real;			/* NULL: not resolved */
};

/* A procfs file read whole (open_under_root); buf NULL when missing. */
struct proc_file {
	char rel[32];
	unsigned long gen;
	char *buf;
	size_t len;
};

struct class_cache {
	struct class_list cls[8];
	size_t n;
	struct proc_file files[8];
	size_t nfiles;
};

static void class_list_free(struct class_list *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->real[i]);
	free(c->real);
	free(c->entry);
	c->real = NULL;
	c->entry = NULL;
	c->n = 0;
}

static void class_cache_free(void *p)
{
	struct class_cache *cc = p;
	size_t i;

	for (i = 0; i < cc->n; i++)
		class_list_free(&cc->cls[i]);
	for (i = 0; i < cc->nfiles; i++)
		free(cc->files[i].buf);
	free(cc);
}

static struct class_cache *inuse_cache(struct vctx *ctx)
{
	if (!ctx->class_cache) {
		ctx->class_cache = calloc(1, sizeof(struct class_cache));
		if (ctx->class_cache)
			ctx->class_cache_free = class_cache_free;
	}
	return ctx->class_cache;
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

/*
 * A missing file is an empty one: the fake roots hold only what a test
 * needs. The files are procfs's views of the whole host (mounts, swaps,
 * consoles, addresses and routes), the same for every device: read once
 * per process while vfioctl changes nothing, again after a write
 * (sysfs_generation), as the class listings are; each caller gets its own
 * stream over the copy.
 */
int open_under_root(struct vctx *ctx, const char *rel, FILE **f)
{
	struct class_cache *cc = inuse_cache(ctx);
	struct proc_file *pf = NULL;
	char path[PATH_MAX];
	size_t i;
	int err;

	*f = NULL;
	if (!cc)
		return -ENOMEM;
	for (i = 0; i < cc->nfiles; i++)
		if (!strcmp(cc->files[i].rel, rel))
			pf = &cc->files[i];
	if (!pf) {
		if (cc->nfiles == ARRAY_SIZE(cc->files) || strlen(rel) >= sizeof(pf->rel))
			return -ENOSPC;
		pf = &cc->files[cc->nfiles++];
		memcpy(pf->rel, rel, strlen(rel) + 1);
		pf->gen = sysfs_generation() - 1;
	}
	if (pf->gen != sysfs_generation()) {
		free(pf->buf);
		pf->buf = NULL;
		pf->len = 0;
		err = ctx_path(ctx, path, sizeof(path), "%s", rel);
		/* confined to the root, and a FIFO in its place does not block */
		if (!err)
			err = slurp(path, &pf->buf, &pf->len);
		if (err == -ENOENT || err == -ENOTDIR)
			err = 0;
		if (err)
			return err;
		pf->gen = sysfs_generation();
	}
	/* fmemopen takes no empty buffer: an empty file reads as a missing one */
	if (!pf->buf || !pf->len)
		return 0;
	*f = fmemopen(pf->buf, pf->len, "r");
	return *f ? 0 : -errno;
}

static int class_list_read(struct vctx *ctx, struct class_list *c)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct dirent **list;
	int i, n, err;
	size_t k = 0;

	c->gen = sysfs_generation();
	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/%s", c->name);
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	c->entry = calloc((size_t)n + 1, sizeof(*c->entry));
	c->real = calloc((size_t)n + 1, sizeof(*c->real));
	if (!c->entry || !c->real)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		if (xsnprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) ||
		    xstrcpy(c->entry[k], sizeof(c->entry[k]), list[i]->d_name) ||
		    real_path(path, real, sizeof(real)))
			continue;
		c->real[k] = strdup(real);
		if (!c->real[k])
			err = -ENOMEM;
		else
			k++;
	}
	c->n = k;
	free_list(list, n);
	return err;
}

/*
 * ROOT/sys/class/CLASS, read once per process while vfioctl changes
 * nothing: list-devices asks for every device, and each entry's realpath
 * costs a readlink per component. After a write (sysfs_generation) it is
 * read again, since a probe makes new interfaces and disks.
 */
static int class_list(struct vctx *ctx, const char *class, const struct class_list **out)
{
	struct class_cache *cc = inuse_cache(ctx);
	struct class_list *c = NULL;
	size_t i;
	int err;

	if (!cc)
		return -ENOMEM;
	for (i = 0; i < cc->n; i++)
		if (!strcmp(cc->cls[i].name, class))
			c = &cc->cls[i];
	if (c && c->gen == sysfs_generation()) {
		*out = c;
		return 0;
	}
	if (!c) {
		if (cc->n == ARRAY_SIZE(cc->cls) || strlen(class) >= sizeof(c->name))
			return -ENOSPC;
		c = &cc->cls[cc->n++];
		memcpy(c->name, class, strlen(class) + 1);
	}
	class_list_free(c);
	err = class_list_read(ctx, c);
	if (err) {
		class_list_free(c);
		c->gen = sysfs_generation() - 1;	/* not known: read again next time */
		return err;
	}
	*out = c;
	return 0;
}

/*
 * Call fn for every entry of ROOT/sys/class/CLASS whose device lies below d,
 * at any depth (one realpath per entry, whatever the depth, once per
 * process), with its name and resolved path. A non-zero return from fn
 * stops the walk.
 */
int each_below(struct vctx *ctx, const char *class, const struct pcidev *d,
	       int (*fn)(void *arg, const char *name, const char *real), void *arg)
{
	const struct class_list *c;
	size_t i;
	int err;

	err = class_list(ctx, class, &c);
	for (i = 0; !err && i < c->n; i++)
		if (under(c->real[i], d->realpath))
			err = fn(arg, c->entry[i], c->real[i]);
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
