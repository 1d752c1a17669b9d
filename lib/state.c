// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "module.h"
#include "state.h"
#include "util.h"

static int state_path(struct vctx *ctx, const char *addr, char *path, size_t size)
{
	return ctx_path(ctx, path, size, "/run/vfioctl/%s", addr);
}

int state_load(struct vctx *ctx, const char *addr, struct prev_state *s)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int err = 0;

	memset(s, 0, sizeof(*s));
	err = state_path(ctx, addr, path, sizeof(path));
	if (err)
		return err;
	/* a FIFO in its place would block: regular files only */
	f = fopen_regular(path);
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *eq, *val;
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		val = eq + 1;
		if (*val && !valid_name(val)) {
			err = -EINVAL;
			break;
		}
		if (!strcmp(line, "driver"))
			err = xstrcpy(s->driver, sizeof(s->driver), val);
		else if (!strcmp(line, "module"))
			err = xstrcpy(s->module, sizeof(s->module), val);
		else if (!strcmp(line, "override"))
			err = xstrcpy(s->override, sizeof(s->override), val);
		/* unknown keys: written by a newer vfioctl, ignored */
		if (err)
			break;
	}
	fclose(f);
	return err;
}

int state_save(struct vctx *ctx, const char *addr, const struct prev_state *s)
{
	char path[PATH_MAX], dir[PATH_MAX], buf[512];
	int err;

	err = ctx_path(ctx, dir, sizeof(dir), "/run/vfioctl");
	if (!err)
		err = mkdir_p(dir, 0755);
	if (!err)
		err = state_path(ctx, addr, path, sizeof(path));
	if (!err)
		err = xsnprintf(buf, sizeof(buf),
				"# vfioctl: %s before vfioctl bound it; read by vfioctl unbind\n"
				"driver=%s\nmodule=%s\noverride=%s\n",
				addr, s->driver, s->module, s->override);
	if (err)
		return err;
	return write_file_atomic(path, buf, strlen(buf), 0644);
}

int state_remove(struct vctx *ctx, const char *addr)
{
	char path[PATH_MAX];
	int err;

	err = state_path(ctx, addr, path, sizeof(path));
	if (err)
		return err;
	return remove_file(path);
}
