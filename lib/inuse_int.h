/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_INUSE_INT_H
#define VFIOCTL_INUSE_INT_H

/*
 * Inside lib/inuse*.c only: what the kinds of use share (inuse.c), each
 * kind's finder, and the parsers of what procfs prints, each callable on
 * its own (tests, fuzzers).
 */
#include <dirent.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "inuse.h"

struct vctx;
struct pcidev;

/* ---- shared (inuse.c) ----------------------------------------------- */

/*
 * A line of text built piece by piece. Once it is cut it is longer than
 * a use's text, which add_use() ends with "...".
 */
struct sb {
	char buf[USE_WHAT_MAX * 3];
	size_t len;
	bool cut;
};

void sb_add(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a use; what longer than a use's text is cut with "...". */
int add_use(struct uses *u, enum use_kind kind, const char *name, const char *what);
int add_sb(struct uses *u, enum use_kind kind, const char *name, const struct sb *s);

/* path is dir itself or below it (both canonical). */
bool under(const char *path, const char *dir);
const char *base_name(const char *path);

/*
 * The value built for key (build gets the key), kept in ctx for the
 * process until the next write (sysfs_generation); free_fn frees it then.
 * On an error nothing is kept and build runs again next time.
 */
int inuse_memo(struct vctx *ctx, const char *key, int (*build)(struct vctx *ctx, const char *key, void **val),
	       void (*free_fn)(void *val), void **val);
/* The same, kept for the whole process: for what vfioctl's writes cannot change. */
int inuse_memo_kept(struct vctx *ctx, const char *key,
		    int (*build)(struct vctx *ctx, const char *key, void **val),
		    void (*free_fn)(void *val), void **val);

/* ROOT/rel opened for reading, read once (inuse_memo); *f NULL when it does not exist. */
int open_under_root(struct vctx *ctx, const char *rel, FILE **f);
/* ROOT/rel opened for reading, no copy kept: for what is parsed once (inuse_memo). */
int open_proc(struct vctx *ctx, const char *rel, FILE **f);

/* Entries of dir in natural order (sda2 before sda10); none if it is missing. */
int list_dir(const char *dir, struct dirent ***list, int *n);
void free_list(struct dirent **list, int n);

/*
 * Call fn for every entry of ROOT/sys/class/CLASS whose device lies below d,
 * at any depth, with its name and resolved path. A non-zero return from fn
 * stops the walk.
 */
int each_below(struct vctx *ctx, const char *class, const struct pcidev *d,
	       int (*fn)(void *arg, const char *name, const char *real), void *arg);

/* ---- block devices (inuse_block.c) ---------------------------------- */

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

struct blk {
	char name[USE_NAME_MAX];
	dev_t dev;
	bool known;
};

struct blks {
	struct blk *v;
	size_t n;
};

/* Undo the octal escapes (\040 for a space...) of mountinfo and swaps, in place. */
void unescape(char *s);

/*
 * One line of /proc/self/mountinfo, or of /proc/mounts, added to m (a line
 * not understood is skipped: 0). line is changed. Sources are resolved
 * under ctx's root.
 */
int parse_mountinfo_line(struct vctx *ctx, char *line, struct mnts *m);
int parse_mounts_line(struct vctx *ctx, char *line, struct mnts *m);
/* mountinfo, else /proc/mounts, under ctx's root. Free m with mnts_free(). */
int read_mounts(struct vctx *ctx, struct mnts *m);
void mnts_free(struct mnts *m);

/* ROOT/proc/swaps: active swap on the block devices b. */
int swap_uses(struct vctx *ctx, struct blks *b, const struct mnts *m, struct uses *u);

int block_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);

/* ---- network (inuse_net.c) ------------------------------------------ */

/*
 * Every interface's addresses and routes as text ("2001:db8::1/64",
 * "default via 192.0.2.1"), from ROOT/proc/net/if_inet6 (getifaddrs(3)
 * on the running system), route and ipv6_route, read once for all
 * devices; sorted by interface, then kind, then the files' order.
 */
enum net_kind { NET_ADDR, NET_ROUTE4, NET_ROUTE6 };

struct net_entry {
	char ifname[IF_NAMESIZE + 1];
	enum net_kind kind;
	size_t seq;
	char *text;
};

struct net_table {
	struct net_entry *v;
	size_t n, cap;
};

/* One file's lines added to t (a line not understood is skipped). */
int net_parse_if_inet6(FILE *f, struct net_table *t);
int net_parse_route(FILE *f, struct net_table *t);
int net_parse_ipv6_route(FILE *f, struct net_table *t);
int net_table_add(struct net_table *t, enum net_kind kind, const char *ifname, const char *text);
void net_table_sort(struct net_table *t);
const struct net_entry *net_table_find(const struct net_table *t, const char *ifname, size_t *n);
void net_table_free(struct net_table *t);

int net_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);

/* ---- consoles (inuse_console.c) ------------------------------------- */

/* ROOT/proc/consoles: enabled serial consoles on a tty below d. */
int serial_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);

int console_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);

/* ---- VFIO holders (inuse_vfio.c) ------------------------------------ */

/* What one process holds of VFIO, as its fd links and fdinfo show it. */
struct vfio_fds {
	bool group;		/* the device's group node */
	bool unnamed;		/* a device fd whose fdinfo does not name its device */
	bool exact;		/* this device: its cdev, or a device fd naming it */
};

/* The fdinfo file of a VFIO device fd: does it name d (h->exact), or nothing (h->unnamed)? */
void device_fd(const char *fdinfo, const struct pcidev *d, struct vfio_fds *h);

int vfio_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u);

#endif
