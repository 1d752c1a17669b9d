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
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ctx.h"
#include "inuse.h"
#include "log.h"
#include "module.h"
#include "pcidev.h"
#include "util.h"

/* RTF_ANYCAST of linux/ipv6_route.h; glibc calls the bit RTF_LINKRT. */
#define RT6_ANYCAST 0x00100000

/* Holder chains (dm-crypt on LVM on md on a partition...) are short. */
#define STACK_DEPTH_MAX 8

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

/*
 * A line of text built piece by piece. Once it is cut it is longer than
 * a use's text, which add_use() ends with "...".
 */
struct sb {
	char buf[USE_WHAT_MAX * 3];
	size_t len;
	bool cut;
};

static void sb_add(struct sb *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *s, const char *fmt, ...)
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

static int add_use(struct uses *u, enum use_kind kind, const char *name,
		   const char *what)
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

static int add_sb(struct uses *u, enum use_kind kind, const char *name, const struct sb *s)
{
	return add_use(u, kind, name, s->buf);
}

/* path is dir itself or below it (both canonical). */
static bool under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return !strncmp(path, dir, len) && (path[len] == '/' || path[len] == '\0');
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A missing file is an empty one: the fake roots hold only what a test needs. */
static int open_under_root(struct vctx *ctx, const char *rel, FILE **f)
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
static int list_dir(const char *dir, struct dirent ***list, int *n)
{
	*list = NULL;
	*n = scandir(dir, list, no_dot, versionsort);
	if (*n >= 0)
		return 0;
	*n = 0;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

static void free_list(struct dirent **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

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
static void unescape(char *s)
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

struct mnt {
	dev_t dev;
	bool known;
	char *mp;
};

struct mnts {
	struct mnt *v;
	size_t n;
	ssize_t root;		/* the mount on "/", -1 when unknown */
};

static void mnts_free(struct mnts *m)
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
static int parse_mountinfo_line(struct vctx *ctx, char *line, struct mnts *m)
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
static int parse_mounts_line(struct vctx *ctx, char *line, struct mnts *m)
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

static int read_mounts(struct vctx *ctx, struct mnts *m)
{
	bool info = true;
	char *line = NULL;
	size_t cap = 0;
	int err;
	FILE *f;

	m->root = -1;
	err = open_under_root(ctx, "/proc/self/mountinfo", &f);
	if (!err && !f) {
		info = false;
		err = open_under_root(ctx, "/proc/mounts", &f);
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

struct blk {
	char name[USE_NAME_MAX];
	dev_t dev;
	bool known;
};

struct blks {
	struct blk *v;
	size_t n;
};

/*
 * Call fn for every entry of ROOT/sys/class/CLASS whose device lies below d,
 * at any depth (one realpath per entry, whatever the depth), with its name
 * and resolved path. A non-zero return from fn stops the walk.
 */
static int each_below(struct vctx *ctx, const char *class, const struct pcidev *d,
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
 * The root file system: from the block device of "/" down its slaves/
 * (dm, md and bcache list the devices they are built on there) until a
 * device below the PCI device. chain is "/ on dm-1 over dm-0" so far.
 */
static int root_walk(const struct pcidev *d, const char *node, struct sb *chain,
		     int depth, struct uses *u)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent **list;
	struct sb next;
	int i, n, err;

	if (under(node, d->realpath)) {
		next = *chain;
		sb_add(&next, ")");
		return add_sb(u, USE_ROOT, base_name(node), &next);
	}
	if (depth >= STACK_DEPTH_MAX)
		return 0;
	if (xsnprintf(path, sizeof(path), "%s/slaves", node))
		return 0;
	err = list_dir(path, &list, &n);
	for (i = 0; i < n && !err; i++) {
		if (xsnprintf(path, sizeof(path), "%s/slaves/%s", node, list[i]->d_name) ||
		    !realpath(path, real))
			continue;
		next = *chain;
		sb_add(&next, " over %s", base_name(real));
		err = root_walk(d, real, &next, depth + 1, u);
	}
	free_list(list, n);
	return err;
}

static int root_uses(struct vctx *ctx, const struct pcidev *d, const struct mnts *m,
		     struct uses *u)
{
	char path[PATH_MAX], real[PATH_MAX];
	const struct mnt *r;
	struct sb chain = { .len = 0 };
	int err;

	if (m->root < 0 || !m->v[m->root].known)
		return 0;
	r = &m->v[m->root];
	err = ctx_path(ctx, path, sizeof(path), "/sys/dev/block/%u:%u",
		       major(r->dev), minor(r->dev));
	if (err)
		return err;
	if (!realpath(path, real))
		return 0;	/* not a block device sysfs knows */
	sb_add(&chain, "holds the root file system (/ on %s", base_name(real));
	return root_walk(d, real, &chain, 0, u);
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
static int swap_uses(struct vctx *ctx, struct blks *b, const struct mnts *m,
		     struct uses *u)
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
		    realpath(path, real) &&
		    !xsnprintf(path, sizeof(path), "%s/dm/name", real) &&
		    read_attr(path, dmname, sizeof(dmname)) > 0)
			sb_add(&s, " (%s)", dmname);
		err = add_sb(u, USE_HOLDER, b->name, &s);
	}
	free_list(list, n);
	return err;
}

static int block_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	struct blks b = { NULL, 0 };
	struct mnts m = { NULL, 0, -1 };
	size_t i;
	int err;

	err = read_mounts(ctx, &m);
	if (!err)
		err = root_uses(ctx, d, &m, u);
	if (!err)
		err = find_blocks(ctx, d, &b);
	for (i = 0; i < b.n && !err; i++)
		err = mount_uses(&b.v[i], &m, u);
	if (!err && b.n)
		err = swap_uses(ctx, &b, &m, u);
	for (i = 0; i < b.n && !err; i++)
		err = holder_uses(ctx, &b.v[i], u);
	free(b.v);
	mnts_free(&m);
	return err;
}

/* ---- network --------------------------------------------------------- */

static int prefix_len(const unsigned char *mask, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += __builtin_popcount(mask[i]);
	return n;
}

/* 32 hex digits as procfs prints an IPv6 address. */
static bool parse_in6(const char *hex, struct in6_addr *a)
{
	unsigned v;
	int i;

	if (strlen(hex) != 32)
		return false;
	for (i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		a->s6_addr[i] = (unsigned char)v;
	}
	return true;
}

/* Running system: the exact addresses, IPv4 included, from getifaddrs(3). */
static void addrs_live(const struct ifaddrs *ifa, const char *ifname, struct sb *s, int *n)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a, *mask;
	int fam, plen;

	for (; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || strcmp(ifa->ifa_name, ifname))
			continue;
		fam = ifa->ifa_addr->sa_family;
		if (fam == AF_INET) {
			a = &((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr;
			mask = ifa->ifa_netmask ?
				&((const struct sockaddr_in *)(const void *)ifa->ifa_netmask)->sin_addr : NULL;
			plen = mask ? prefix_len(mask, 4) : 32;
		} else if (fam == AF_INET6) {
			a = &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a))
				continue;	/* see addrs_inet6() */
			mask = ifa->ifa_netmask ?
				&((const struct sockaddr_in6 *)(const void *)ifa->ifa_netmask)->sin6_addr : NULL;
			plen = mask ? prefix_len(mask, 16) : 128;
		} else {
			continue;
		}
		if (!inet_ntop(fam, a, buf, sizeof(buf)))
			continue;
		sb_add(s, "%s%s/%d", (*n)++ ? ", " : " with ", buf, plen);
	}
}

/*
 * Under a root: IPv6 addresses from /proc/net/if_inet6, "ADDR IFINDEX
 * PREFIXLEN SCOPE FLAGS NAME". Link-local addresses are left out: the
 * kernel makes one itself on every interface it brings up (addrconf's
 * addrconf_addr_gen()) and drops it when the link goes down, even with
 * keep_addr_on_down, so it says nothing the IFF_UP flag does not. No file
 * of procfs lists IPv4 addresses by interface; their prefix routes stand
 * for them (routes_v4()).
 */
static int addrs_inet6(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, hex[33], name[IF_NAMESIZE + 1], buf[INET6_ADDRSTRLEN];
	unsigned idx, plen, scope, flags;
	struct in6_addr a;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/if_inet6", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags,
			   name) != 6 || strcmp(name, ifname) || !parse_in6(hex, &a) ||
		    IN6_IS_ADDR_LINKLOCAL(&a) || !inet_ntop(AF_INET6, &a, buf, sizeof(buf)))
			continue;
		sb_add(s, "%s%s/%u", (*n)++ ? ", " : " with ", buf, plen);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * /proc/net/route, the main IPv4 table: "IFACE DEST GATEWAY FLAGS REFCNT
 * USE METRIC MASK ..." under a header, addresses as the hex of their
 * network-order bytes. A configured IPv4 address brings its prefix route
 * (fib_add_ifaddr()), so an addressed interface shows here.
 */
static int routes_v4(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, name[IF_NAMESIZE + 1], dbuf[INET_ADDRSTRLEN], gbuf[INET_ADDRSTRLEN];
	unsigned dst, gw, flags, mask;
	struct in_addr a;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/route", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%16s %x %x %x %*d %*u %*d %x", name, &dst, &gw, &flags,
			   &mask) != 5 || strcmp(name, ifname) || !(flags & RTF_UP))
			continue;
		a.s_addr = dst;
		inet_ntop(AF_INET, &a, dbuf, sizeof(dbuf));
		a.s_addr = gw;
		inet_ntop(AF_INET, &a, gbuf, sizeof(gbuf));
		sb_add(s, "%s", (*n)++ ? ", " : ", routes ");
		if (!dst && !mask)
			sb_add(s, "default");
		else
			sb_add(s, "%s/%d", dbuf, prefix_len((const unsigned char *)&mask, 4));
		if (flags & RTF_GATEWAY)
			sb_add(s, " via %s", gbuf);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * /proc/net/ipv6_route, every table: "DEST PLEN SRC SRCPLEN NEXTHOP METRIC
 * REFCNT USE FLAGS IFACE". Left out, because the kernel adds them by itself
 * whenever IPv6 comes up on a link and removes them when it goes down (so
 * IFF_UP already tells): the fe80::/64 prefix route of the link-local
 * address (addrconf_add_linklocal()), the ff00::/8 multicast route
 * (addrconf_add_mroute()), the local-table host routes of the interface's
 * own addresses (RTF_LOCAL; the addresses themselves are counted) and
 * their anycast routes, and cached exceptions.
 */
static int routes_v6(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, dhex[33], shex[33], ghex[33], name[IF_NAMESIZE + 1];
	char dbuf[INET6_ADDRSTRLEN], gbuf[INET6_ADDRSTRLEN];
	static const unsigned char ll[8] = { 0xfe, 0x80 };
	unsigned plen, splen, metric, ref, use, flags;
	struct in6_addr dst, gw;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/ipv6_route", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dhex, &plen, shex,
			   &splen, ghex, &metric, &ref, &use, &flags, name) != 10 ||
		    strcmp(name, ifname) || !parse_in6(dhex, &dst) || !parse_in6(ghex, &gw))
			continue;
		if (!(flags & RTF_UP) || (flags & (RTF_LOCAL | RT6_ANYCAST | RTF_CACHE)) ||
		    dst.s6_addr[0] == 0xff ||
		    (plen == 64 && !memcmp(dst.s6_addr, ll, 8) && !(flags & RTF_GATEWAY)))
			continue;
		inet_ntop(AF_INET6, &dst, dbuf, sizeof(dbuf));
		inet_ntop(AF_INET6, &gw, gbuf, sizeof(gbuf));
		sb_add(s, "%s", (*n)++ ? ", " : ", routes ");
		if (plen == 0)
			sb_add(s, "default");
		else
			sb_add(s, "%s/%u", dbuf, plen);
		if (flags & RTF_GATEWAY)
			sb_add(s, " via %s", gbuf);
	}
	free(line);
	fclose(f);
	return 0;
}

static int iface_use(struct vctx *ctx, const char *ifname, const char *dir,
		     const struct ifaddrs *ifa, struct uses *u)
{
	char path[PATH_MAX], buf[32];
	struct sb addrs = { .len = 0 }, routes = { .len = 0 }, s = { .len = 0 };
	unsigned long flags = 0;
	int na = 0, nr = 0, err;

	/* administratively up: "ip link set up", a bond or bridge, NetworkManager */
	if (!xsnprintf(path, sizeof(path), "%s/flags", dir) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		flags = strtoul(buf, NULL, 16);
	if (ctx->live)
		addrs_live(ifa, ifname, &addrs, &na);
	else if ((err = addrs_inet6(ctx, ifname, &addrs, &na)))
		return err;
	if ((err = routes_v4(ctx, ifname, &routes, &nr)) ||
	    (err = routes_v6(ctx, ifname, &routes, &nr)))
		return err;
	if (!(flags & IFF_UP) && !na && !nr)
		return 0;
	sb_add(&s, "network interface %s is %s%s%s", ifname, flags & IFF_UP ? "up" : "down",
	       addrs.buf, routes.buf);
	return add_sb(u, USE_NET, ifname, &s);
}

struct net_walk {
	struct vctx *ctx;
	struct uses *u;
	struct ifaddrs *ifa;
	bool have_ifa;
};

static int add_iface(void *arg, const char *name, const char *real)
{
	struct net_walk *w = arg;

	if (w->ctx->live && !w->have_ifa) {
		if (getifaddrs(&w->ifa) < 0)
			return -errno;
		w->have_ifa = true;
	}
	return iface_use(w->ctx, name, real, w->ifa, w->u);
}

/*
 * Interfaces below the device: PF and VF netdevs, switchdev representors,
 * virtio's (ADDR/virtioN/net/IFACE); class/net lists them all.
 */
static int net_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	struct net_walk w = { .ctx = ctx, .u = u };
	int err;

	err = each_below(ctx, "net", d, add_iface, &w);
	if (w.ifa)
		freeifaddrs(w.ifa);
	return err;
}

/* ---- consoles -------------------------------------------------------- */

/*
 * fbcon is the console of the virtual terminals when its vtconsole
 * ("(M) frame buffer device") is bound. The legacy VGA text console
 * ("(S) VGA+") lives on the boot VGA device, reported on its own.
 */
static int fbcon_bound(struct vctx *ctx, bool *bound)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[128];
	struct dirent **list;
	int i, n, err;

	*bound = false;
	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/vtconsole");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n && !*bound; i++) {
		if (xsnprintf(path, sizeof(path), "%s/%s/name", dir, list[i]->d_name) ||
		    read_attr(path, buf, sizeof(buf)) < 0 || !strstr(buf, "frame buffer"))
			continue;
		if (!xsnprintf(path, sizeof(path), "%s/%s/bind", dir, list[i]->d_name) &&
		    read_attr(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "1"))
			*bound = true;
	}
	free_list(list, n);
	return 0;
}

/* The DRM card of the device a framebuffer hangs on ("" if none). */
static void drm_card(const char *devdir, char *card, size_t size)
{
	char path[PATH_MAX];
	struct dirent **list;
	int i, n;

	card[0] = '\0';
	if (xsnprintf(path, sizeof(path), "%s/drm", devdir) || list_dir(path, &list, &n))
		return;
	for (i = 0; i < n; i++) {
		const char *s = list[i]->d_name;

		/* card0, not its connectors card0-HDMI-A-1 nor renderD128 */
		if (!strncmp(s, "card", 4) && s[4] && strspn(s + 4, "0123456789") == strlen(s + 4) &&
		    !xstrcpy(card, size, s))
			break;
	}
	free_list(list, n);
}

/*
 * Framebuffers (class/graphics/fbN) whose device is this one: a DRM
 * driver's fbdev emulation or an fbdev driver. fbcon, when bound, puts
 * every virtual terminal on the first framebuffer registered
 * (con2fb_map_boot is all zeros unless fbcon=map: says otherwise), which
 * is the lowest-numbered one present.
 */
static int fb_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX], name[32], card[32];
	struct dirent **list;
	bool fbcon, first = true;
	struct sb s;
	int i, n, err;
	size_t len;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/graphics");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (!err)
		err = fbcon_bound(ctx, &fbcon);
	if (err)
		return err;
	/* versionsort: fb0 first; "fbcon" is no framebuffer */
	for (i = 0; i < n && !err; i++) {
		const char *fb = list[i]->d_name;

		if (strncmp(fb, "fb", 2) || !fb[2] || strspn(fb + 2, "0123456789") != strlen(fb + 2))
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s/device", dir, fb) || !realpath(path, real)) {
			first = false;
			continue;
		}
		if (!under(real, d->realpath)) {
			first = false;
			continue;
		}
		memset(&s, 0, sizeof(s));
		sb_add(&s, "framebuffer %s%s is on it", fb, fbcon && first ? " (the console)" : "");
		/* DRM's fbdev emulation is named after the driver: "bochs-drmdrmfb" */
		drm_card(real, card, sizeof(card));
		len = 0;
		if (!xsnprintf(path, sizeof(path), "%s/%s/name", dir, fb) &&
		    read_attr(path, name, sizeof(name)) > 0)
			len = strlen(name);
		if (card[0] && len >= 5 && !strcmp(name + len - 5, "drmfb"))
			sb_add(&s, ", through DRM %s", card);
		err = add_sb(u, USE_CONSOLE, fb, &s);
		first = false;
	}
	free_list(list, n);
	return err;
}

/*
 * /proc/consoles: the consoles the kernel prints to, "NAME FLAGS (E...)
 * MAJ:MIN", E for enabled. A serial console on a PCI UART (8250_pci,
 * a BMC's serial-over-LAN port) is the tty below the device.
 */
static int serial_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char *line = NULL, name[USE_NAME_MAX], path[PATH_MAX], real[PATH_MAX];
	char what[USE_WHAT_MAX];
	const char *open, *close;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/consoles", &f);
	if (err || !f)
		return err;
	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%63s", name) != 1 || strchr(name, '/') || name[0] == '.')
			continue;
		open = strchr(line, '(');
		close = open ? strchr(open, ')') : NULL;
		if (!close || !memchr(open, 'E', (size_t)(close - open)))
			continue;
		if (ctx_path(ctx, path, sizeof(path), "/sys/class/tty/%s", name) ||
		    !realpath(path, real) || !under(real, d->realpath))
			continue;
		snprintf(what, sizeof(what), "serial console %s is on it", name);
		err = add_use(u, USE_CONSOLE, name, what);
	}
	free(line);
	fclose(f);
	return err;
}

static int console_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char path[PATH_MAX], buf[8];
	int err;

	/*
	 * boot_vga is 1 on the VGA device the firmware left decoding the
	 * legacy VGA ranges (vga_default_device()): the one the BIOS/UEFI
	 * console, the boot loader, and vgacon or efifb/simplefb draw on.
	 * Those fbdevs hang on a platform device, not on the PCI device, so
	 * this is the only trace of them here.
	 */
	if (!xsnprintf(path, sizeof(path), "%s/boot_vga", d->path) &&
	    read_attr(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "1")) {
		err = add_use(u, USE_CONSOLE, "boot_vga", "boot VGA device: the firmware console");
		if (err)
			return err;
	}
	err = fb_uses(ctx, d, u);
	if (!err)
		err = serial_uses(ctx, d, u);
	return err;
}

/* ---- VFIO users ------------------------------------------------------ */

/* The nodes of a device's VFIO files, as fd links name them ("" for none). */
struct vfio_nodes {
	char group[48];		/* /dev/vfio/N */
	char noiommu[48];	/* /dev/vfio/noiommu-N */
	char cdev[64];		/* /dev/vfio/devices/vfioX */
};

/* What one process holds of VFIO, as its fd links and fdinfo show it. */
struct vfio_fds {
	bool group;		/* the device's group node */
	bool unnamed;		/* a device fd whose fdinfo does not name its device */
	bool exact;		/* this device: its cdev, or a device fd naming it */
};

/*
 * A VFIO device fd is an anonymous inode. Since 6.18 its fdinfo has
 * "vfio-device-syspath: /sys/devices/.../ADDR"; before that nothing in it
 * tells which device it is.
 */
static void device_fd(const char *fdinfo, const struct pcidev *d, struct vfio_fds *h)
{
	static const char key[] = "vfio-device-syspath:";
	char *line = NULL, *v;
	size_t cap = 0;
	bool named = false;
	FILE *f;

	f = fopen(fdinfo, "re");
	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		v = line + sizeof(key) - 1;
		v[strcspn(v, "\n")] = '\0';
		named = true;
		if (!strcmp(base_name(v), d->addr))
			h->exact = true;
	}
	free(line);
	if (f)
		fclose(f);
	if (!named)
		h->unnamed = true;
}

static void scan_fds(const char *pid_dir, const struct pcidev *d, const struct vfio_nodes *v,
		     struct vfio_fds *h)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent **list;
	ssize_t len;
	int i, n;

	/* another user's process: its fds are not ours to read, and not readable */
	if (xsnprintf(path, sizeof(path), "%s/fd", pid_dir) || list_dir(path, &list, &n))
		return;
	for (i = 0; i < n; i++) {
		if (xsnprintf(path, sizeof(path), "%s/fd/%s", pid_dir, list[i]->d_name))
			continue;
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (v->group[0] && (!strcmp(link, v->group) || !strcmp(link, v->noiommu)))
			h->group = true;
		else if (v->cdev[0] && !strcmp(link, v->cdev))
			h->exact = true;
		else if (!strcmp(link, "anon_inode:[vfio-device]") &&
			 !xsnprintf(path, sizeof(path), "%s/fdinfo/%s", pid_dir, list[i]->d_name))
			device_fd(path, d, h);
	}
	free_list(list, n);
}

/*
 * Processes holding the device d through VFIO, found in /proc/PID/fd: its
 * iommufd cdev open, a device fd whose fdinfo names it, or (kernels before
 * 6.18) a device fd unnamed next to its group's node. The group node alone
 * holds no device: the kernel does not wait for it. Unbinding a held
 * device blocks until the holder lets go (the kernel asks it to through
 * the device's request interrupt), so it counts as a use.
 */
static int vfio_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char dir[PATH_MAX], pid_dir[PATH_MAX], path[PATH_MAX], comm[64], what[USE_WHAT_MAX];
	struct vfio_nodes v = { "", "", "" };
	struct dirent **list;
	struct vfio_fds h;
	int i, n, err;

	if (d->group >= 0) {
		snprintf(v.group, sizeof(v.group), "/dev/vfio/%d", d->group);
		snprintf(v.noiommu, sizeof(v.noiommu), "/dev/vfio/noiommu-%d", d->group);
	}
	if (d->cdev[0])
		snprintf(v.cdev, sizeof(v.cdev), "/dev/vfio/devices/%s", d->cdev);
	err = ctx_path(ctx, dir, sizeof(dir), "/proc");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		const char *pid = list[i]->d_name;

		if (strspn(pid, "0123456789") != strlen(pid) ||
		    xsnprintf(pid_dir, sizeof(pid_dir), "%s/%s", dir, pid))
			continue;
		memset(&h, 0, sizeof(h));
		scan_fds(pid_dir, d, &v, &h);
		if (!h.exact && !(h.group && h.unnamed))
			continue;
		if (xsnprintf(path, sizeof(path), "%s/comm", pid_dir) ||
		    read_attr(path, comm, sizeof(comm)) <= 0)
			snprintf(comm, sizeof(comm), "?");
		snprintf(what, sizeof(what), "pid %s (%s) holds it open through VFIO%s", pid, comm,
			 h.exact ? "" : " (a device fd and its group's node)");
		err = add_use(u, USE_VFIO, pid, what);
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
