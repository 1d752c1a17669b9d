/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_CTX_H
#define VFIOCTL_CTX_H

#include <limits.h>
#include <stdbool.h>

struct kindex;
struct kmod_ctx;
struct modconf;
struct pci_access;

/* The kmod indexes of the module directory vfioctl reads (ctx_index). */
enum ctx_index {
	IDX_ALIAS,		/* modules.alias.bin */
	IDX_BUILTIN_ALIAS,	/* modules.builtin.alias.bin */
	IDX_BUILTIN,		/* modules.builtin.bin */
	IDX_DEP,		/* modules.dep.bin */
	IDX_COUNT,
};

/* Exit statuses; documented in --help and the man page. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* an operation failed */
	EXIT_USAGE = 2,		/* usage error or bad input */
	EXIT_CHANGED = 3,	/* apply: it bound something (0: nothing to do) */
};

/*
 * Everything a command needs to know about where it runs. root is "" for
 * the running system, else an absolute directory; every path vfioctl
 * touches (sys/, lib/modules/, etc/, run/) is taken under it.
 */
struct vctx {
	char root[PATH_MAX];
	bool live;		/* root is the running system: modules may be loaded */
	char krel[256];		/* kernel release, resolved on first use */
	bool krel_given;
	char moddir[PATH_MAX];
	bool moddir_ok;		/* moddir was found to be a directory */
	struct kmod_ctx *kmod;
	struct modconf *modconf;	/* modprobe.d's aliases and blacklists, read once */
	struct kindex *index[IDX_COUNT];	/* opened once, on first use */
	int index_err[IDX_COUNT];		/* its open's result, once tried */
	bool index_tried[IDX_COUNT];
	struct {			/* driver_is_vfio()'s answers, per driver */
		char driver[64];
		int vfio;
	} vfio_drivers[32];
	size_t nvfio_drivers;
	struct {			/* bind.c target_resolve()'s answers: module -> driver */
		char module[64];
		const char *bus;
		int mstate;		/* enum mod_state: live or built in */
		char driver[64];
	} targets[4];
	size_t ntargets;
	unsigned long targets_gen;	/* mod_generation() when they were found */
	void *inuse_cache;		/* inuse.c: what the in-use checks read of the host (inuse_memo) */
	void (*inuse_cache_free)(void *cache);
	struct pci_access *pacc;
	bool pacc_failed;
	bool dry_run;
	int exit_status;	/* worst status reported so far */
	int lock_fd;		/* ROOT/run/vfioctl/lock, held while writing */
};

/*
 * root: NULL or "/" for the running system ("" is -EINVAL); every path is
 * then confined to it (path_confine). krel: NULL for the default, else
 * checked by krel_check().
 */
int ctx_init(struct vctx *ctx, const char *root, const char *krel);

/* A kernel release names one directory: -EINVAL, or -ENAMETOOLONG. */
int krel_check(const char *krel);
void ctx_release(struct vctx *ctx);

/* buf = root + the formatted absolute path. 0 or -ENAMETOOLONG. */
int ctx_path(const struct vctx *ctx, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The module directory (ROOT/lib/modules/RELEASE). The release is --kernel,
 * else the running kernel's, else under --root the only one present.
 * -ENOENT when there is none, -ENOTUNIQ when --root holds several.
 */
int ctx_moddir(struct vctx *ctx, const char **dir);

/*
 * A kmod index of the module directory, opened (and mapped) on first use
 * and kept until ctx_release(): depmod does not run while vfioctl does,
 * and a command that reads thousands of devices looks each one up in the
 * same index. The result of the first open is kept too: -ENOENT when the
 * file is missing, -EINVAL when it is not an index (warned about once).
 */
int ctx_index(struct vctx *ctx, enum ctx_index which, struct kindex **idx);

/* The file name of an index ("modules.alias.bin"). */
const char *ctx_index_name(enum ctx_index which);

/* libkmod context for the module directory and ROOT's modprobe.d, lazily. */
int ctx_kmod(struct vctx *ctx, struct kmod_ctx **kmod);

/*
 * modprobe.d's aliases and blacklists (lib/modconf.h), read on first use
 * from the files libkmod would read for ctx_kmod() (the module
 * directory's modules.softdep among them) and the kernel command line,
 * then kept until ctx_release(). 0 or -errno.
 */
int ctx_modconf(struct vctx *ctx, const struct modconf **mc);

/*
 * Take ROOT/run/vfioctl/lock (flock, exclusive), once, until exit: two
 * vfioctl processes (udev's apply and a user's bind) never interleave
 * their writes to the same device.
 */
int ctx_lock(struct vctx *ctx);

/* Raise the exit status to at least status. */
void ctx_fail(struct vctx *ctx, int status);

#endif
