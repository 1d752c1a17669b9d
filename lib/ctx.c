// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "ctx.h"
#include "log.h"
#include "names.h"
#include "util.h"

int ctx_init(struct vctx *ctx, const char *root, const char *krel)
{
	char real[PATH_MAX];

	memset(ctx, 0, sizeof(*ctx));
	ctx->lock_fd = -1;
	if (root && *root) {
		if (!realpath(root, real))
			return -errno;
		if (!is_dir(real))
			return -ENOTDIR;
		if (strcmp(real, "/") != 0 && xstrcpy(ctx->root, sizeof(ctx->root), real))
			return -ENAMETOOLONG;
	}
	ctx->live = ctx->root[0] == '\0';
	if (krel) {
		/* a release names one directory: nothing that walks the tree */
		if (!*krel || strchr(krel, '/') || !strcmp(krel, ".") || !strcmp(krel, ".."))
			return -EINVAL;
		if (xstrcpy(ctx->krel, sizeof(ctx->krel), krel))
			return -ENAMETOOLONG;
		ctx->krel_given = true;
	}
	return 0;
}

void ctx_release(struct vctx *ctx)
{
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
	if (ctx->kmod)
		kmod_unref(ctx->kmod);
	names_release(ctx);
	ctx->kmod = NULL;
}

int ctx_path(const struct vctx *ctx, char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(ctx->root);
	va_list ap;
	int n;

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, ctx->root, len);
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - len)
		return -ENAMETOOLONG;
	return 0;
}

static int only_release(struct vctx *ctx)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int found = 0, err;
	DIR *d;

	err = ctx_path(ctx, dir, sizeof(dir), "/lib/modules");
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (xsnprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) || !is_dir(sub))
			continue;
		if (found++ == 0)
			err = xstrcpy(ctx->krel, sizeof(ctx->krel), de->d_name);
	}
	closedir(d);
	if (err)
		return err;
	if (found == 0)
		return -ENOENT;
	if (found > 1) {
		ctx->krel[0] = '\0';
		return -ENOTUNIQ;
	}
	return 0;
}

int ctx_moddir(struct vctx *ctx, const char **dir)
{
	int err;

	if (!ctx->moddir[0]) {
		if (!ctx->krel[0]) {
			if (ctx->live) {
				struct utsname u;

				if (uname(&u) < 0)
					return -errno;
				err = xstrcpy(ctx->krel, sizeof(ctx->krel), u.release);
			} else {
				err = only_release(ctx);
			}
			if (err)
				return err;
		}
		err = ctx_path(ctx, ctx->moddir, sizeof(ctx->moddir), "/lib/modules/%s",
			       ctx->krel);
		if (err)
			return err;
	}
	if (!is_dir(ctx->moddir))
		return -ENOENT;
	*dir = ctx->moddir;
	return 0;
}

static void kmod_log(void *data, int priority, const char *file, int line,
		     const char *fn, const char *format, va_list args)
{
	char msg[1024];

	(void)data; (void)file; (void)line; (void)fn;
	vsnprintf(msg, sizeof(msg), format, args);
	/* libkmod's info is housekeeping ("context released"): debug for us */
	log_msg(priority >= LOG_INFO ? LOG_DEBUG : priority, "libkmod: %s", msg);
}

int ctx_kmod(struct vctx *ctx, struct kmod_ctx **kmod)
{
	/* kmod's own search path, taken under the root */
	static const char *const conf[] = {
		"/etc/modprobe.d", "/run/modprobe.d",
		"/usr/local/lib/modprobe.d", "/lib/modprobe.d",
	};
	char paths[ARRAY_SIZE(conf)][PATH_MAX];
	const char *argv[ARRAY_SIZE(conf) + 1];
	const char *dir;
	size_t i;
	int err;

	if (ctx->kmod) {
		*kmod = ctx->kmod;
		return 0;
	}
	err = ctx_moddir(ctx, &dir);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(conf); i++) {
		err = ctx_path(ctx, paths[i], sizeof(paths[i]), "%s", conf[i]);
		if (err)
			return err;
		argv[i] = paths[i];
	}
	argv[i] = NULL;
	ctx->kmod = kmod_new(dir, argv);
	if (!ctx->kmod)
		return -ENOMEM;
	kmod_set_log_fn(ctx->kmod, kmod_log, NULL);
	kmod_set_log_priority(ctx->kmod, log_get_level());
	*kmod = ctx->kmod;
	return 0;
}

int ctx_lock(struct vctx *ctx)
{
	char path[PATH_MAX];
	int fd, err;

	if (ctx->lock_fd >= 0)
		return 0;
	err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl");
	if (!err)
		err = mkdir_p(path, 0755);
	if (!err)
		err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/lock");
	if (err)
		return err;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			err = -errno;
			close(fd);
			return err;
		}
	}
	ctx->lock_fd = fd;
	return 0;
}

void ctx_fail(struct vctx *ctx, int status)
{
	if (status > ctx->exit_status)
		ctx->exit_status = status;
}
