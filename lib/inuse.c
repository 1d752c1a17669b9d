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

/* A missing file is an empty one: the fake roots hold only what a test needs. */
int open_under_root(struct vctx *ctx, const char *rel, FILE **f)
{
	char path[PATH_MAX];
	int err;

	*f = NULL;
	err = ctx_path(ctx, path, sizeof(path), "%s", rel);
	if (err)
		return err;
	*f = fopen(path, "re");
	if (!*f && errno != ENOENT && errno != ENOTDIR)
		return -errno;
	return 0;
}

static int no_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Entries of dir in natural order (sda2 before sda10); none if it is missing. */
int list_dir(const char *dir, struct dirent ***list, int *n)
{
	*list = NULL;
	*n = scandir(dir, list, no_dot, versionsort);
	if (*n >= 0)
		return 0;
	*n = 0;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

void free_list(struct dirent **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * Call fn for every entry of ROOT/sys/class/CLASS whose device lies below d,
 * at any depth (one realpath per entry, whatever the depth), with its name
 * and resolved path. A non-zero return from fn stops the walk.
 */
int each_below(struct vctx *ctx, const char *class, const struct pcidev *d,
	       int (*fn)(void *arg, const char *name, const char *real), void *arg)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct dirent **list;
	int i, n, err;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/%s", class);
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		if (xsnprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) ||
		    strlen(list[i]->d_name) >= USE_NAME_MAX ||
		    !realpath(path, real) || !under(real, d->realpath))
			continue;
		err = fn(arg, list[i]->d_name, real);
	}
	free_list(list, n);
	return err;
}

int device_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	int err;

	u->v = NULL;
	u->n = 0;
	if (d->driver[0] && driver_is_vfio(ctx, d->driver) == 1)
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
