// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block devices below a PCI device and what uses them: mounted file
 * systems (mountinfo, or /proc/mounts), active swap, holders (dm, md,
 * bcache) and the root file system through any stack of them.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ctx.h"
#include "inuse.h"
#include "inuse_int.h"
#include "pcidev.h"
#include "util.h"

/* Holder chains (dm-crypt on LVM on md on a partition...) are short. */
#define STACK_DEPTH_MAX 8

/* "MAJ:MIN" of a block device's dev attribute. */
static int read_devnum(const char *path, dev_t *dev)
{
	unsigned maj, min;
	char buf[32];
	ssize_t n;

	n = read_attr(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	*dev = makedev(maj, min);
	return 0;
}

/* Undo the octal escapes (\040 for a space...) of mountinfo and swaps. */
void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* ---- mounts ---------------------------------------------------------- */

void mnts_free(struct mnts *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].mp);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/*
 * The block device a mount source names, for mounts whose device number
 * says nothing (btrfs shows an anonymous 0:N in mountinfo) and for
 * /proc/mounts. Running system: stat() the node. Under a root: the kernel
 * name (/dev/NAME) or a device-mapper name (/dev/mapper/NAME) in sysfs.
 */
static bool source_dev(struct vctx *ctx, const char *src, dev_t *dev)
{
	char path[PATH_MAX], name[128];
	struct dirent **list;
	struct stat st;
	bool found = false;
	int i, n;

	if (strncmp(src, "/dev/", 5))
		return false;
	if (ctx->live) {
		if (stat(src, &st) < 0 || !S_ISBLK(st.st_mode))
			return false;
		*dev = st.st_rdev;
		return true;
	}
	if (!strncmp(src, "/dev/mapper/", 12)) {
		if (ctx_path(ctx, path, sizeof(path), "/sys/class/block") ||
		    list_dir(path, &list, &n))
			return false;
		for (i = 0; i < n && !found; i++) {
			if (strncmp(list[i]->d_name, "dm-", 3) ||
			    ctx_path(ctx, path, sizeof(path), "/sys/class/block/%s/dm/name",
				     list[i]->d_name) ||
			    read_attr(path, name, sizeof(name)) < 0 || strcmp(name, src + 12))
				continue;
			found = !ctx_path(ctx, path, sizeof(path), "/sys/class/block/%s/dev",
					  list[i]->d_name) && !read_devnum(path, dev);
		}
		free_list(list, n);
		return found;
	}
	if (strchr(src + 5, '/') || !strcmp(src + 5, ".") || !strcmp(src + 5, ".."))
		return false;
	return !ctx_path(ctx, path, sizeof(path), "/sys/class/block/%s/dev", src + 5) &&
	       !read_devnum(path, dev);
}

static int mnts_push(struct mnts *m, const char *mp, dev_t dev, bool known)
{
	struct mnt *v;

	v = realloc(m->v, (m->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->v = v;
	v[m->n].mp = strdup(mp);
	if (!v[m->n].mp)
		return -ENOMEM;
	v[m->n].dev = dev;
	v[m->n].known = known;
	/* the last mount on "/" is the one on top */
	if (!strcmp(mp, "/"))
		m->root = (ssize_t)m->n;
	m->n++;
	return 0;
}

/*
 * mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE
 * SOURCE SUPER-OPTIONS" (proc(5)); fields separated by single spaces,
 * spaces inside them escaped as \040.
 */
int parse_mountinfo_line(struct vctx *ctx, char *line, struct mnts *m)
{
	char *tok[64], *save = NULL, *t;
	unsigned maj, min;
	size_t n = 0, sep;
	bool known;
	dev_t dev;

	for (t = strtok_r(line, " \n", &save); t && n < ARRAY_SIZE(tok);
	     t = strtok_r(NULL, " \n", &save))
		tok[n++] = t;
	for (sep = 6; sep < n && strcmp(tok[sep], "-"); sep++)
		;
	if (sep + 2 >= n || sscanf(tok[2], "%u:%u", &maj, &min) != 2)
		return 0;	/* not a line we understand: skip it */
	dev = makedev(maj, min);
	known = maj != 0;
	unescape(tok[4]);
	unescape(tok[sep + 2]);
	if (!known)
		known = source_dev(ctx, tok[sep + 2], &dev);
	return mnts_push(m, tok[4], dev, known);
}

/* /proc/mounts (the fallback): "SOURCE MOUNTPOINT FSTYPE OPTIONS 0 0". */
int parse_mounts_line(struct vctx *ctx, char *line, struct mnts *m)
{
	char src[PATH_MAX], mp[PATH_MAX];
	dev_t dev = 0;
	bool known;

	if (sscanf(line, "%4095s %4095s", src, mp) != 2)
		return 0;
	unescape(src);
	unescape(mp);
	known = source_dev(ctx, src, &dev);
	return mnts_push(m, mp, dev, known);
}

int read_mounts(struct vctx *ctx, struct mnts *m)
{
	bool info = true;
	char *line = NULL;
	size_t cap = 0;
	int err;
	FILE *f;

	m->root = -1;
	err = open_proc(ctx, "/proc/self/mountinfo", &f);
	if (!err && !f) {
		info = false;
		err = open_proc(ctx, "/proc/mounts", &f);
	}
	if (err)
		return err;
	if (!f)
		return ctx->live ? -ENOENT : 0;
	while (!err && getline(&line, &cap, f) > 0)
		err = info ? parse_mountinfo_line(ctx, line, m) : parse_mounts_line(ctx, line, m);
	free(line);
	fclose(f);
	return err;
}

/* ---- block devices --------------------------------------------------- */

static int add_block(void *arg, const char *name, const char *real)
{
	struct blks *b = arg;
	char path[PATH_MAX];
	struct blk *v;

	v = realloc(b->v, (b->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	v = &b->v[b->n++];
	memset(v, 0, sizeof(*v));
	strcpy(v->name, name);
	if (xsnprintf(path, sizeof(path), "%s/dev", real) == 0)
		v->known = read_devnum(path, &v->dev) == 0;
	return 0;
}

/* Every block device (disks and partitions) below the PCI device. */
static int find_blocks(struct vctx *ctx, const struct pcidev *d, struct blks *b)
{
	return each_below(ctx, "block", d, add_block, b);
}

static struct blk *blk_by_dev(struct blks *b, dev_t dev)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].known && b->v[i].dev == dev)
			return &b->v[i];
	return NULL;
}

static struct blk *blk_by_name(struct blks *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

/*
 * The root file system: the block device of "/" and, down its slaves/
 * (dm, md and bcache list the devices they are built on there), every
 * device it is built on, in depth-first order, each with its depth and
 * the text so far ("/ on dm-1 over dm-0"). Read once for all devices.
 */
struct root_node {
	char *real;
	int depth;
	struct sb chain;
};

struct root_chain {
	struct root_node *v;
	size_t n;
};

static void root_chain_free(void *p)
{
	struct root_chain *r = p;
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].real);
	free(r->v);
	free(r);
}

static int root_add(struct root_chain *r, const char *node, int depth, const struct sb *chain)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct root_node *v;
	struct dirent **list;
	struct sb next;
	int i, n, err;

	v = realloc(r->v, (r->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->v = v;
	v[r->n].real = strdup(node);
	if (!v[r->n].real)
		return -ENOMEM;
	v[r->n].depth = depth;
	v[r->n].chain = *chain;
	r->n++;
	if (depth >= STACK_DEPTH_MAX)
		return 0;
	if (xsnprintf(path, sizeof(path), "%s/slaves", node))
		return 0;
	err = list_dir(path, &list, &n);
	for (i = 0; i < n && !err; i++) {
		if (xsnprintf(path, sizeof(path), "%s/slaves/%s", node, list[i]->d_name) ||
		    real_path(path, real, sizeof(real)))
			continue;
		next = *chain;
		sb_add(&next, " over %s", base_name(real));
		err = root_add(r, real, depth + 1, &next);
	}
	free_list(list, n);
	return err;
}

static void mnts_release(void *p)
{
	mnts_free(p);
	free(p);
}

static int mounts_read(struct vctx *ctx, const char *key, void **val)
{
	struct mnts *m = calloc(1, sizeof(*m));

	(void)key;
	if (!m)
		return -ENOMEM;
	*val = m;
	return read_mounts(ctx, m);
}

/* The mount table, read once for all devices (inuse_memo). */
static int mounts(struct vctx *ctx, const struct mnts **m)
{
	void *val;
	int err;

	err = inuse_memo(ctx, "mounts", mounts_read, mnts_release, &val);
	*m = val;
	return err;
}

static int root_chain_read(struct vctx *ctx, const char *key, void **val)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct root_chain *r = calloc(1, sizeof(*r));
	struct sb chain = { .len = 0 };
	const struct mnts *m;
	const struct mnt *top;
	int err;

	(void)key;
	if (!r)
		return -ENOMEM;
	*val = r;
	err = mounts(ctx, &m);
	if (err || m->root < 0 || !m->v[m->root].known)
		return err;
	top = &m->v[m->root];
	err = ctx_path(ctx, path, sizeof(path), "/sys/dev/block/%u:%u",
		       major(top->dev), minor(top->dev));
	if (err)
		return err;
	if (real_path(path, real, sizeof(real)))
		return 0;	/* not a block device sysfs knows */
	sb_add(&chain, "holds the root file system (/ on %s", base_name(real));
	return root_add(r, real, 0, &chain);
}

/*
 * The first device of the root's chain below d, on each branch: what the
 * walk down slaves/ would stop at.
 */
static int root_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	const struct root_chain *r;
	struct sb next;
	size_t i;
	void *val;
	int err;

	err = inuse_memo(ctx, "root", root_chain_read, root_chain_free, &val);
	if (err)
		return err;
	r = val;
	for (i = 0; i < r->n && !err; i++) {
		if (!under(r->v[i].real, d->realpath))
			continue;
		next = r->v[i].chain;
		sb_add(&next, ")");
		err = add_sb(u, USE_ROOT, base_name(r->v[i].real), &next);
		/* not below it: that branch ends here */
		while (i + 1 < r->n && r->v[i + 1].depth > r->v[i].depth)
			i++;
	}
	return err;
}

static int mount_uses(const struct blk *b, const struct mnts *m, struct uses *u)
{
	struct sb s = { .len = 0 };
	size_t i, j;
	int found = 0;

	for (i = 0; i < m->n; i++) {
		if (!m->v[i].known || m->v[i].dev != b->dev)
			continue;
		for (j = 0; j < i; j++)	/* the same place mounted twice */
			if (m->v[j].known && m->v[j].dev == b->dev &&
			    !strcmp(m->v[j].mp, m->v[i].mp))
				break;
		if (j < i)
			continue;
		if (found++)
			sb_add(&s, ", %s", m->v[i].mp);
		else
			sb_add(&s, "%s is mounted on %s", b->name, m->v[i].mp);
	}
	return found ? add_sb(u, USE_MOUNT, b->name, &s) : 0;
}

/* The mount a path lives on: the longest mount point above it, last wins. */
static const struct mnt *mount_of(const struct mnts *m, const char *path)
{
	const struct mnt *best = NULL;
	size_t i, len, best_len = 0;

	for (i = 0; i < m->n; i++) {
		const char *mp = m->v[i].mp;

		len = strcmp(mp, "/") ? strlen(mp) : 0;
		if (strncmp(path, mp, len) || (path[len] != '/' && path[len] != '\0'))
			continue;
		if (!best || len >= best_len) {
			best = &m->v[i];
			best_len = len;
		}
	}
	return best;
}

/*
 * /proc/swaps: "FILENAME TYPE SIZE USED PRIORITY" under a header line,
 * the name escaped like mountinfo's. A partition is /dev/NAME (the kernel
 * prints the path of the node it opened, after symlinks); a swap file
 * uses the block device of the file system it lives on.
 */
int swap_uses(struct vctx *ctx, struct blks *b, const struct mnts *m, struct uses *u)
{
	char *line = NULL, name[PATH_MAX], type[32], what[USE_WHAT_MAX * 2];
	const struct mnt *mt;
	struct blk *hit;
	struct stat st;
	size_t cap = 0;
	int err;
	FILE *f;

	err = open_under_root(ctx, "/proc/swaps", &f);
	if (err || !f)
		return err;
	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%4095s %31s", name, type) != 2 || name[0] != '/')
			continue;	/* the header */
		unescape(name);
		hit = NULL;
		if (!strcmp(type, "partition")) {
			if (!strncmp(name, "/dev/", 5))
				hit = blk_by_name(b, name + 5);
			if (!hit && ctx->live && stat(name, &st) == 0 && S_ISBLK(st.st_mode))
				hit = blk_by_dev(b, st.st_rdev);
			if (hit) {
				snprintf(what, sizeof(what), "%s is active swap", hit->name);
				err = add_use(u, USE_SWAP, hit->name, what);
			}
			continue;
		}
		mt = mount_of(m, name);
		if (mt && mt->known)
			hit = blk_by_dev(b, mt->dev);
		if (hit) {
			struct sb s = { .len = 0 };

			sb_add(&s, "%s holds the active swap file %s", hit->name, name);
			err = add_sb(u, USE_SWAP, hit->name, &s);
		}
	}
	free(line);
	fclose(f);
	return err;
}

/* holders/: what is built on the device (dm, md, bcache, LVM's dm). */
static int holder_uses(struct vctx *ctx, const struct blk *b, struct uses *u)
{
	char path[PATH_MAX], real[PATH_MAX], dmname[128];
	struct dirent **list;
	struct sb s;
	int i, n, err;

	err = ctx_path(ctx, path, sizeof(path), "/sys/class/block/%s/holders", b->name);
	if (!err)
		err = list_dir(path, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		memset(&s, 0, sizeof(s));
		sb_add(&s, "%s is held by %s", b->name, list[i]->d_name);
		/* a device-mapper holder has a name people know (vg-root) */
		if (!ctx_path(ctx, path, sizeof(path), "/sys/class/block/%s/holders/%s",
			      b->name, list[i]->d_name) &&
		    !real_path(path, real, sizeof(real)) &&
		    !xsnprintf(path, sizeof(path), "%s/dm/name", real) &&
		    read_attr(path, dmname, sizeof(dmname)) > 0)
			sb_add(&s, " (%s)", dmname);
		err = add_sb(u, USE_HOLDER, b->name, &s);
	}
	free_list(list, n);
	return err;
}

int block_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	struct blks b = { NULL, 0 };
	const struct mnts *m;
	size_t i;
	int err;

	err = mounts(ctx, &m);
	if (!err)
		err = root_uses(ctx, d, u);
	if (!err)
		err = find_blocks(ctx, d, &b);
	for (i = 0; i < b.n && !err; i++)
		err = mount_uses(&b.v[i], m, u);
	if (!err && b.n)
		err = swap_uses(ctx, &b, m, u);
	for (i = 0; i < b.n && !err; i++)
		err = holder_uses(ctx, &b.v[i], u);
	free(b.v);
	return err;
}
