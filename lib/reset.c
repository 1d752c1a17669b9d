// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "ctx.h"
#include "reset.h"

/*
 * Read rel below dirfd into buf (not NUL-terminated data: compatible lists
 * hold NULs): a regular file, opened without blocking, that resolves
 * inside the root. Returns the length or -errno.
 */
static ssize_t read_in_root(struct vctx *ctx, int dirfd, const char *rel, char *buf,
			    size_t size)
{
	char proc[64], real[PATH_MAX];
	struct stat st;
	ssize_t n, len;
	size_t rlen = strlen(ctx->root);
	int fd;

	fd = openat(dirfd, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (rlen) {
		len = readlink(proc, real, sizeof(real) - 1);
		if (len < 0 || (size_t)len <= rlen || strncmp(real, ctx->root, rlen) ||
		    real[rlen] != '/') {
			close(fd);
			return -EXDEV;	/* a link out of the root */
		}
	}
	len = 0;
	while ((size_t)len < size) {
		n = read(fd, buf + len, size - (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			len = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	return len;
}

ssize_t dt_compatible(struct vctx *ctx, int devfd, char *buf, size_t size)
{
	ssize_t len;

	if (size < 2)
		return -EINVAL;
	len = read_in_root(ctx, devfd, "of_node/compatible", buf, size - 1);
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return len;
	if ((size_t)len == size - 1)
		return -E2BIG;
	buf[len] = '\0';	/* the list ends in NUL; make sure of it */
	return len;
}

/* One line attribute of the companion: drop the newline, end with NUL. */
static int companion_attr(struct vctx *ctx, int devfd, const char *rel, char *buf,
			  size_t size)
{
	ssize_t len;

	if (size < 1)
		return -EINVAL;
	len = read_in_root(ctx, devfd, rel, buf, size - 1);
	if (len < 0)
		return (int)len;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return 0;
}

int acpi_companion(struct vctx *ctx, int devfd, char *path, size_t psize,
		   char *hid, size_t hsize)
{
	int err;

	err = companion_attr(ctx, devfd, "firmware_node/path", path, psize);
	if (!err)
		err = companion_attr(ctx, devfd, "firmware_node/hid", hid, hsize);
	return err;
}

int reset_lookup(struct vctx *ctx, const char *list, size_t len, struct reset_match *m)
{
	const char *p, *end = list + len;
	char key[ALIAS_MAX];
	struct cands c;
	int err;

	memset(m, 0, sizeof(*m));
	m->index = -1;
	for (p = list; p < end; p += strlen(p) + 1) {
		if (!*p)
			continue;
		m->entries++;
		if (m->index >= 0)
			continue;	/* only counting */
		if (xsnprintf(key, sizeof(key), "vfio-reset:%s", p))
			continue;	/* no such alias can exist */
		err = cands_lookup(ctx, key, &c);
		if (err)
			return err;
		if (c.n) {
			const struct cand *k = &c.v[c.best >= 0 ? c.best : 0];

			m->index = (int)m->entries - 1;
			xstrcpy(m->compat, sizeof(m->compat), p);
			memcpy(m->module, k->module, sizeof(m->module));
			m->builtin = k->builtin;
			m->blacklisted = k->blacklisted;
		}
		cands_free(&c);
	}
	return 0;
}

int reset_required_now(struct vctx *ctx)
{
	char path[PATH_MAX], val[8];
	ssize_t n;

	if (ctx_path(ctx, path, sizeof(path), "/sys/module/vfio_platform/parameters/reset_required"))
		return -ENAMETOOLONG;
	n = read_attr(path, val, sizeof(val));
	if (n < 0)
		return (int)n;
	return val[0] == 'Y' || val[0] == 'y' || val[0] == '1';
}
