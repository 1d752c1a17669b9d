// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "log.h"
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

bool state_value_ok(const char *v)
{
	return !v[0] || valid_name(v);
}

/*
 * The one rule for a value of run/vfioctl's files, for the writer and the
 * reader alike: "" or a name, or for a device key a device id, made
 * canonical into out (size: the field's). 0 or -EINVAL.
 */
static int kv_value(const struct kv *k, const char *val, char *out, size_t size)
{
	char id[DEV_ID_MAX];

	if (*val && k->addr) {
		if (dev_id_parse(val, id))
			return -EINVAL;
		val = id;
	} else if (!state_value_ok(val)) {
		return -EINVAL;
	}
	return xstrcpy(out, size, val) ? -EINVAL : 0;
}

/*
 * KEY=VALUE lines of a file vfioctl wrote under run/vfioctl into kv's
 * values, each empty or valid (kv_value); '#' lines and unknown keys (a
 * newer vfioctl's) are skipped. A line longer than any vfioctl writes is
 * malformed, not read as two.
 */
static int kv_load(const char *path, const struct kv *kv, size_t n)
{
	char line[256];
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
		size_t len = strcspn(line, "\n");
		char *val;

		if (!line[len] && !feof(f)) {
			err = -EINVAL;
			break;
		}
		line[len] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		val = strchr(line, '=');
		if (!val) {
			err = -EINVAL;
			break;
		}
		*val++ = '\0';
		for (i = 0; !err && i < n; i++)
			if (!strcmp(line, kv[i].key))
				err = kv_value(&kv[i], val, kv[i].val, kv[i].size);
	}
	fclose(f);
	return err;
}

/*
 * The file kv_load reads back as these values, atomically: -EINVAL, with
 * nothing written, when a value is one it would refuse or change.
 */
static int kv_save(const char *path, const char *comment, const struct kv *kv, size_t n)
{
	char buf[1024], val[DEV_ID_MAX];
	size_t i, len;
	int err;

	for (i = 0; i < n; i++)
		if (!memchr(kv[i].val, '\0', kv[i].size) ||
		    kv_value(&kv[i], kv[i].val, val, kv[i].size) || strcmp(val, kv[i].val))
			return -EINVAL;
	err = xsnprintf(buf, sizeof(buf), "# vfioctl: %s\n", comment);
	for (i = 0; !err && i < n; i++) {
		len = strlen(buf);
		err = xsnprintf(buf + len, sizeof(buf) - len, "%s=%s\n", kv[i].key, kv[i].val);
	}
	return err ? err : write_file_atomic(path, buf, strlen(buf), 0644);
}

/* The device id addr as kv_load gives it back, and the directory made. */
static int save_prepare(struct vctx *ctx, const char *addr)
{
	char dir[PATH_MAX], id[DEV_ID_MAX];
	int err;

	if (dev_id_parse(addr, id) || strcmp(id, addr))
		return -EINVAL;
	/* the lock vfioctl holds while it writes is a file in it: made already */
	if (ctx->lock_fd >= 0)
		return 0;
	err = ctx_path(ctx, dir, sizeof(dir), "/run/vfioctl");
	return err ? err : mkdir_p(dir, 0755);
}

#define STATE_KV(s) { \
	{ "driver", (s)->driver, sizeof((s)->driver), false }, \
	{ "module", (s)->module, sizeof((s)->module), false }, \
	{ "override", (s)->override, sizeof((s)->override), false }, \
}

int state_load(struct vctx *ctx, const char *addr, struct prev_state *s)
{
	const struct kv kv[] = STATE_KV(s);
	char path[PATH_MAX];
	int err;

	memset(s, 0, sizeof(*s));
	err = state_path(ctx, addr, path, sizeof(path));
	return err ? err : kv_load(path, kv, sizeof(kv) / sizeof(kv[0]));
}

int state_save(struct vctx *ctx, const char *addr, const struct prev_state *s)
{
	struct prev_state c = *s;
	const struct kv kv[] = STATE_KV(&c);
	char path[PATH_MAX], comment[DEV_ID_MAX + 64];
	int err;

	err = save_prepare(ctx, addr);
	if (!err)
		err = state_path(ctx, addr, path, sizeof(path));
	if (!err)
		err = xsnprintf(comment, sizeof(comment),
				"%s before vfioctl bound it; read by vfioctl unbind", addr);
	return err ? err : kv_save(path, comment, kv, sizeof(kv) / sizeof(kv[0]));
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

int state_check_dev(const struct pcidev *d, char *why, size_t size)
{
	char val[96];

	if (!state_value_ok(d->override)) {
		snprintf(why, size, "driver_override holds '%s', which is no driver name: clear it "
			 "first (echo > %s/driver_override)",
			 escape_text(d->override, val, sizeof(val)), d->path);
		return -EINVAL;
	}
	if (!state_value_ok(d->driver)) {
		snprintf(why, size, "it is on a driver named '%s', which vfioctl cannot record to "
			 "give it back: unbind it from that driver first (echo %s > %s/driver/unbind)",
			 escape_text(d->driver, val, sizeof(val)), d->name, d->path);
		return -EINVAL;
	}
	return 0;
}

#define JOURNAL_KV(j) { \
	{ "op", (j)->op, sizeof((j)->op), false }, \
	{ "device", (j)->addr, sizeof((j)->addr), true }, \
	{ "driver", (j)->driver, sizeof((j)->driver), false }, \
	{ "override", (j)->override, sizeof((j)->override), false }, \
	{ "target", (j)->target, sizeof((j)->target), false }, \
	{ "target_override", (j)->target_override, sizeof((j)->target_override), false }, \
	{ "new_record", (j)->new_record, sizeof((j)->new_record), false }, \
}

/* What a journal must say beyond its values' rule: its operation, and a device. */
static bool journal_whole(const struct journal *j)
{
	return (!strcmp(j->op, "bind") || !strcmp(j->op, "unbind")) && j->addr[0];
}

int journal_save(struct vctx *ctx, const struct journal *j)
{
	struct journal c = *j;
	const struct kv kv[] = JOURNAL_KV(&c);
	char path[PATH_MAX], comment[64];
	int err;

	if (!memchr(j->op, '\0', sizeof(j->op)) || !memchr(j->addr, '\0', sizeof(j->addr)) ||
	    !journal_whole(j))
		return -EINVAL;
	err = save_prepare(ctx, j->addr);
	if (!err)
		err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal");
	if (!err)
		err = xsnprintf(comment, sizeof(comment),
				"%s under way; the next vfioctl finishes or undoes it", j->op);
	return err ? err : kv_save(path, comment, kv, sizeof(kv) / sizeof(kv[0]));
}

int journal_load(struct vctx *ctx, struct journal *j)
{
	const struct kv kv[] = JOURNAL_KV(j);
	char path[PATH_MAX];
	int err;

	memset(j, 0, sizeof(*j));
	err = ctx_path(ctx, path, sizeof(path), "/run/vfioctl/journal");
	if (!err)
		err = kv_load(path, kv, sizeof(kv) / sizeof(kv[0]));
	if (!err && !journal_whole(j))
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

/*
 * A temporary file of write_file_atomic() (temp_name_base()) for the journal
 * or a record: ".journal.XXXXXX" or ".KEY.XXXXXX", KEY a device's key.
 */
static bool stale_temp(const char *name)
{
	size_t blen = temp_name_base(name);

	if (!blen)
		return false;
	if (blen == 7 && !strncmp(name + 1, "journal", 7))
		return true;
	return blen < DEV_ID_MAX && strspn(name + 1, "abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:._-") >= blen;
}

void state_sweep(struct vctx *ctx)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (ctx_path(ctx, dir, sizeof(dir), "/run/vfioctl"))
		return;
	d = open_dir_stream(dir);
	if (!d)
		return;
	while ((de = readdir(d)))
		if ((de->d_type == DT_REG || de->d_type == DT_UNKNOWN) && stale_temp(de->d_name) &&
		    unlinkat(dirfd(d), de->d_name, 0) == 0)
			dbg("removed %s/%s: a vfioctl was killed while writing it", dir, de->d_name);
	closedir(d);
}
