// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "module.h"
#include "pcidev.h"
#include "state.h"
#include "util.h"

static int state_path(struct vctx *ctx, const char *addr, char *path, size_t size)
{
	char key[DEV_ID_MAX];
	int err = dev_key(addr, key, sizeof(key));

	return err ? err : ctx_path(ctx, path, size, "/run/vfioctl/%s", key);
}

struct kv {
	const char *key;
	char *val;
	size_t size;
	bool addr;	/* a device id (dev_id_parse); else a name (valid_name) */
};

/*
 * KEY=VALUE lines of a file vfioctl wrote under run/vfioctl into kv's
 * values, each empty or valid; '#' lines and unknown keys (a newer
 * vfioctl's) are skipped.
 */
static int kv_load(const char *path, const struct kv *kv, size_t n)
{
	char line[256], addr[DEV_ID_MAX];
	size_t i;
	FILE *f;
	int err = 0;

	for (i = 0; i < n; i++)
		kv[i].val[0] = '\0';
	/* a FIFO in its place would block: regular files only */
	f = fopen_regular(path);
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		char *val;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		val = strchr(line, '=');
		if (!val) {
			err = -EINVAL;
			break;
		}
		*val++ = '\0';
		for (i = 0; i < n; i++) {
			if (strcmp(line, kv[i].key))
				continue;
			if (*val && kv[i].addr && dev_id_parse(val, addr) == 0)
				err = xstrcpy(kv[i].val, kv[i].size, addr);
			else if (*val && kv[i].addr)
				err = -EINVAL;
			else if (*val && !valid_name(val))
				err = -EINVAL;
			else
				err = xstrcpy(kv[i].val, kv[i].size, val);
		}
	}
	fclose(f);
	return err;
}

int state_load(struct vctx *ctx, const char *addr, struct prev_state *s)
{
	const struct kv kv[] = {
		{ "driver", s->driver, sizeof(s->driver), false },
		{ "module", s->module, sizeof(s->module), false },
		{ "override", s->override, sizeof(s->override), false },
	};
	char path[PATH_MAX];
	int err;

	memset(s, 0, sizeof(*s));
	err = state_path(ctx, addr, path, sizeof(path));
	return err ? err : kv_load(path, kv, sizeof(kv) / sizeof(kv[0]));
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

int journal_save(struct vctx *ctx, const struct journal *j)
{
	char path[PATH_MAX], dir[PATH_MAX], buf[512];
	int err;

	err = ctx_path(ctx, dir, sizeof(dir), "/run/vfioctl");
	if (!err)
		err = mkdir_p(dir, 0755);
	if (!err)
		err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal");
	if (!err)
		err = xsnprintf(buf, sizeof(buf),
				"# vfioctl: %s under way; the next vfioctl finishes or undoes it\n"
				"op=%s\ndevice=%s\ndriver=%s\noverride=%s\ntarget=%s\n"
				"target_override=%s\nnew_record=%s\n",
				j->op, j->op, j->addr, j->driver, j->override, j->target,
				j->target_override, j->new_record);
	if (err)
		return err;
	return write_file_atomic(path, buf, strlen(buf), 0644);
}

int journal_load(struct vctx *ctx, struct journal *j)
{
	const struct kv kv[] = {
		{ "op", j->op, sizeof(j->op), false },
		{ "device", j->addr, sizeof(j->addr), true },
		{ "driver", j->driver, sizeof(j->driver), false },
		{ "override", j->override, sizeof(j->override), false },
		{ "target", j->target, sizeof(j->target), false },
		{ "target_override", j->target_override, sizeof(j->target_override), false },
		{ "new_record", j->new_record, sizeof(j->new_record), false },
	};
	char path[PATH_MAX];
	int err;

	memset(j, 0, sizeof(*j));
	err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal");
	if (!err)
		err = kv_load(path, kv, sizeof(kv) / sizeof(kv[0]));
	if (!err && ((strcmp(j->op, "bind") && strcmp(j->op, "unbind")) || !j->addr[0]))
		err = -EINVAL;
	return err;
}

int journal_remove(struct vctx *ctx)
{
	char path[PATH_MAX];
	int err;

	err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal");
	return err ? err : remove_file(path);
}

bool journal_exists(struct vctx *ctx)
{
	char path[PATH_MAX];

	return ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal") == 0 &&
	       path_exists(path);
}
