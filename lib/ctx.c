// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "ctx.h"
#include "kindex.h"
#include "kmodlib.h"
#include "log.h"
#include "modconf.h"
#include "names.h"
#include "util.h"

int ctx_init(struct vctx *ctx, const char *root, const char *krel)
{
	char real[PATH_MAX];

	int err;

	memset(ctx, 0, sizeof(*ctx));
	ctx->lock_fd = -1;
	if (krel) {
		err = krel_check(krel);
		if (err)
			return err;
		memcpy(ctx->krel, krel, strlen(krel) + 1);
		ctx->krel_given = true;
	}
	if (root) {
		/* "" is a mistake (an unset variable), never the running system */
		if (!*root)
			return -EINVAL;
		if (!realpath(root, real))
			return -errno;
		if (!is_dir(real))
			return -ENOTDIR;
		if (strcmp(real, "/") != 0 && xstrcpy(ctx->root, sizeof(ctx->root), real))
			return -ENAMETOOLONG;
	}
	ctx->live = ctx->root[0] == '\0';
	/* every file vfioctl opens is taken inside the root, symlinks included */
	return path_confine(ctx->root);
}

int krel_check(const char *krel)
{
	/* a release names one directory: nothing that walks the tree */
	if (!*krel || strchr(krel, '/') || !strcmp(krel, ".") || !strcmp(krel, ".."))
		return -EINVAL;
	if (strlen(krel) >= sizeof(((struct vctx *)NULL)->krel))
		return -ENAMETOOLONG;
	return 0;
}

void ctx_release(struct vctx *ctx)
{
	size_t i;

	if (ctx->inuse_cache && ctx->inuse_cache_free)
		ctx->inuse_cache_free(ctx->inuse_cache);
	ctx->inuse_cache = NULL;
	for (i = 0; i < IDX_COUNT; i++) {
		kindex_close(ctx->index[i]);
		ctx->index[i] = NULL;
		ctx->index_tried[i] = false;
	}
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
	if (ctx->kmod) {
		const struct kmodlib *k;

		if (kmodlib(&k) == 0)
			k->unref(ctx->kmod);
	}
	if (ctx->modconf)
		modconf_free(ctx->modconf);
	free(ctx->modconf);
	ctx->modconf = NULL;
	path_confine(NULL);
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
	d = open_dir_stream(dir);
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
	/* looked at once: every index lookup asks, and on a guest's 9p root each stat is a round trip */
	if (!ctx->moddir_ok && !is_dir(ctx->moddir))
		return -ENOENT;
	ctx->moddir_ok = true;
	*dir = ctx->moddir;
	return 0;
}

const char *ctx_index_name(enum ctx_index which)
{
	static const char *const names[IDX_COUNT] = {
		[IDX_ALIAS] = "modules.alias.bin",
		[IDX_BUILTIN_ALIAS] = "modules.builtin.alias.bin",
		[IDX_BUILTIN] = "modules.builtin.bin",
		[IDX_DEP] = "modules.dep.bin",
	};

	return (unsigned)which < IDX_COUNT ? names[which] : "?";
}

int ctx_index(struct vctx *ctx, enum ctx_index which, struct kindex **idx)
{
	char path[PATH_MAX];
	const char *dir;
	int err;

	if ((unsigned)which >= IDX_COUNT)
		return -EINVAL;
	if (!ctx->index_tried[which]) {
		/* no module directory yet is not remembered: it may be given later */
		err = ctx_moddir(ctx, &dir);
		if (err)
			return err;
		if (xsnprintf(path, sizeof(path), "%s/%s", dir, ctx_index_name(which)))
			err = -ENAMETOOLONG;
		else
			err = kindex_open(path, &ctx->index[which]);
		/* not said here: the command says it once, in its words (cands_error()) */
		ctx->index_err[which] = err;
		ctx->index_tried[which] = true;
	}
	*idx = ctx->index[which];
	return ctx->index_err[which];
}

/*
 * libkmod's messages, through our log. Its errors are warnings here:
 * whatever fails, vfioctl says so itself in its own words (config lines
 * it skips do not stop vfioctl, and -q silences them); its info is
 * housekeeping ("context released"): debug for us.
 */
static int kmod_prio(int priority)
{
	if (priority >= LOG_INFO)
		return LOG_DEBUG;
	return priority < LOG_WARNING ? LOG_WARNING : priority;
}

static void __attribute__((format(printf, 6, 0)))
kmod_log(void *data, int priority, const char *file, int line, const char *fn,
	 const char *format, va_list args)
{
	char msg[1024];

	(void)data; (void)file; (void)line; (void)fn;
	vsnprintf(msg, sizeof(msg), format, args);
	log_msg(kmod_prio(priority), "libkmod: %s", msg);
}

/*
 * kmod_new() parses modprobe.d before a log function can be set, printing
 * to stderr; it is run with stderr going to a memory file, and what it
 * printed ("libkmod: ERROR FILE:LINE FN: MESSAGE") goes through our log.
 */
static struct kmod_ctx *kmod_new_logged(const struct kmodlib *k, const char *dir,
					const char *const *conf)
{
	struct kmod_ctx *kmod;
	int mfd, saved = -1;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	fflush(stderr);
	mfd = memfd_create("vfioctl-kmod-log", MFD_CLOEXEC);
	if (mfd >= 0) {
		saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (saved < 0 || dup2(mfd, STDERR_FILENO) < 0) {
			if (saved >= 0)
				close(saved);
			saved = -1;
		}
	}
	kmod = k->new_ctx(dir, conf);
	if (saved < 0) {
		if (mfd >= 0)
			close(mfd);
		return kmod;
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(mfd, 0, SEEK_SET);
	f = fdopen(mfd, "r");
	if (!f) {
		close(mfd);
		return kmod;
	}
	while (getline(&text, &len, f) > 0) {
		char *m = text, prio[16] = "", fn[64] = "";
		int skip = 0;

		text[strcspn(text, "\n")] = '\0';
		if (!strncmp(m, "libkmod: ", 9))
			m += 9;
		/* PRIORITY FILE:LINE FN: */
		if (sscanf(m, "%15s %*s %63[^:]: %n", prio, fn, &skip) == 2 && skip > 0)
			m += skip;
		/* its complaints about modprobe.d's lines: ctx_modconf() made them already */
		if (!strcmp(fn, "kmod_config_parse"))
			continue;
		if (*m)
			log_msg(strcmp(prio, "DEBUG") && strcmp(prio, "INFO") ? LOG_WARNING : LOG_DEBUG,
				"libkmod: %s", m);
	}
	free(text);
	fclose(f);
	return kmod;
}

struct conf_file {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
};

static int cmp_conf(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

static bool kmod_conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len >= 6 &&
	       (!strcmp(name + len - 5, ".conf") || !strcmp(name + len - 6, ".alias"));
}

/*
 * The modprobe.d files kmod would read, by its rules (libkmod-config.c):
 * in each directory, in order, the *.conf and *.alias not starting with
 * '.'; a name met in an earlier directory hides it in later ones;
 * subdirectories are skipped. kmod opens the winners without O_NONBLOCK,
 * so only regular files are passed on: a FIFO would hang it. A link to
 * /dev/null (a character device) still hides the name, quietly, as it is
 * meant to. *files is NULL-terminated; free it with free_conf().
 */
static int conf_files(struct vctx *ctx, const char *const *dirs, size_t ndirs, char ***files)
{
	struct conf_file *v = NULL;
	size_t n = 0, i, k, out = 0;
	char **list;
	int err = 0;

	for (i = 0; i < ndirs && !err; i++) {
		struct dirent *de;
		char dir[PATH_MAX];
		DIR *d;
		int fd;

		if (ctx_path(ctx, dir, sizeof(dir), "%s", dirs[i]))
			continue;
		fd = open_dir(dir);
		if (fd < 0 || !(d = fdopendir(fd))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((de = readdir(d)) && !err) {
			struct conf_file *c;
			struct stat st;

			if (!kmod_conf_name(de->d_name) || strlen(de->d_name) > NAME_MAX)
				continue;
			for (k = 0; k < n; k++)
				if (!strcmp(v[k].name, de->d_name))
					break;
			if (k < n)
				continue;	/* hidden by an earlier directory */
			if (fstatat(dirfd(d), de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode))
				continue;
			if (n % 16 == 0) {
				void *nv = realloc(v, (n + 16) * sizeof(*v));

				if (!nv) {
					err = -ENOMEM;
					break;
				}
				v = nv;
			}
			c = &v[n];
			memcpy(c->name, de->d_name, strlen(de->d_name) + 1);
			if (xsnprintf(c->path, sizeof(c->path), "%s/%s", dir, de->d_name))
				continue;
			n++;
		}
		closedir(d);
	}
	list = err ? NULL : calloc(n + 1, sizeof(*list));
	if (!list) {
		free(v);
		return err ? err : -ENOMEM;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_conf);
	for (i = 0; i < n; i++) {
		int fd = open_regular(v[i].path);
		struct stat st;

		if (fd >= 0) {
			close(fd);
			list[out] = strdup(v[i].path);
			if (!list[out]) {
				err = -ENOMEM;
				break;
			}
			out++;
		} else if (fd == -EFTYPE && stat(v[i].path, &st) == 0 && S_ISCHR(st.st_mode)) {
			dbg("%s: a character device (masked); not read", v[i].path);
		} else if (fd != -ENOENT) {
			warn("%s: %s; not read", v[i].path, errstr(fd));
		}
	}
	free(v);
	*files = list;
	return err;
}

static void free_conf(char **files)
{
	size_t i;

	for (i = 0; files && files[i]; i++)
		free(files[i]);
	free(files);
}

/* The modprobe.d files libkmod reads, for kmod_new() and ctx_modconf(). */
static int modprobe_files(struct vctx *ctx, char ***files)
{
	/* kmod's own search path, taken under the root */
	static const char *const conf[] = {
		"/etc/modprobe.d", "/run/modprobe.d",
		"/usr/local/lib/modprobe.d", "/lib/modprobe.d",
	};

	return conf_files(ctx, conf, ARRAY_SIZE(conf), files);
}

int ctx_kmod(struct vctx *ctx, struct kmod_ctx **kmod)
{
	const struct kmodlib *k;
	const struct modconf *mc;
	const char *dir;
	char **files;
	int err;

	if (ctx->kmod) {
		*kmod = ctx->kmod;
		return 0;
	}
	err = kmodlib(&k);
	if (err)
		return err;
	err = ctx_moddir(ctx, &dir);
	if (err)
		return err;
	/* warns about modprobe.d's bad lines, once (kmod_new_logged() drops libkmod's) */
	err = ctx_modconf(ctx, &mc);
	if (err)
		return err;
	err = modprobe_files(ctx, &files);
	if (err)
		return err;
	ctx->kmod = kmod_new_logged(k, dir, (const char *const *)files);
	free_conf(files);
	if (!ctx->kmod)
		return -ENOMEM;
	k->set_log_fn(ctx->kmod, kmod_log, NULL);
	k->set_log_priority(ctx->kmod, log_get_level());
	*kmod = ctx->kmod;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void modconf_file(struct modconf *mc, const char *path, int *err)
{
	int r;

	if (*err)
		return;
	r = modconf_read_file(mc, path);
	if (r == -ENOMEM)
		*err = r;
	else if (r && r != -ENOENT)
		warn("%s: %s; not read", path, errstr(r));
}

int ctx_modconf(struct vctx *ctx, const struct modconf **out)
{
	char softdep[PATH_MAX], **files;
	struct modconf *mc;
	bool softdep_done = false;
	const char *dir;
	size_t i;
	int err;

	if (ctx->modconf) {
		*out = ctx->modconf;
		return 0;
	}
	err = ctx_moddir(ctx, &dir);
	if (err)
		return err;
	if (xsnprintf(softdep, sizeof(softdep), "%s/modules.softdep", dir))
		return -ENAMETOOLONG;
	err = modprobe_files(ctx, &files);
	if (err)
		return err;
	mc = calloc(1, sizeof(*mc));
	if (!mc) {
		free_conf(files);
		return -ENOMEM;
	}
	/*
	 * libkmod reads the module directory's modules.softdep as one more
	 * configuration file, in its place by name among modprobe.d's
	 */
	for (i = 0; files[i]; i++) {
		if (!softdep_done && strcmp("modules.softdep", base_name(files[i])) < 0) {
			modconf_file(mc, softdep, &err);
			softdep_done = true;
		}
		modconf_file(mc, files[i], &err);
	}
	if (!softdep_done)
		modconf_file(mc, softdep, &err);
	free_conf(files);
	if (!err) {
		/* as libkmod: no /proc (a chroot) means no blacklist there */
		int r = modconf_read_cmdline(mc);

		if (r == -ENOMEM)
			err = r;
		else if (r)
			dbg("/proc/cmdline: %s; not read", errstr(r));
	}
	if (err) {
		modconf_free(mc);
		free(mc);
		return err;
	}
	ctx->modconf = mc;
	*out = mc;
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
	/* never through a symlink: the lock is ours, a link there is not */
	fd = open_file(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return fd;
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
