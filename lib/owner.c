// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "log.h"
#include "owner.h"
#include "persist.h"
#include "util.h"

static bool valid_account(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 32 || s[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-$", s[i]))
			return false;
	return true;
}

/* Look name up in ROOT/etc/passwd (user) or ROOT/etc/group. */
static int lookup_file(struct vctx *ctx, bool user, const char *name, unsigned *id,
		       unsigned *primary)
{
	char path[PATH_MAX];
	struct passwd *pw;
	struct group *gr;
	FILE *f;
	int err = -ENOENT;

	if (ctx_path(ctx, path, sizeof(path), user ? "/etc/passwd" : "/etc/group"))
		return -ENAMETOOLONG;
	/* a FIFO in its place would block: regular files only */
	f = fopen_regular(path);
	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	if (user) {
		while ((pw = fgetpwent(f)))
			if (!strcmp(pw->pw_name, name)) {
				*id = pw->pw_uid;
				*primary = pw->pw_gid;
				err = 0;
				break;
			}
	} else {
		while ((gr = fgetgrent(f)))
			if (!strcmp(gr->gr_name, name)) {
				*id = gr->gr_gid;
				err = 0;
				break;
			}
	}
	fclose(f);
	return err;
}

static int lookup(struct vctx *ctx, bool user, const char *name, unsigned *id, unsigned *primary)
{
	if (!ctx->live)
		return lookup_file(ctx, user, name, id, primary);
	if (user) {
		struct passwd *pw = getpwnam(name);

		if (!pw)
			return -ENOENT;
		*id = pw->pw_uid;
		*primary = pw->pw_gid;
	} else {
		struct group *gr = getgrnam(name);

		if (!gr)
			return -ENOENT;
		*id = gr->gr_gid;
	}
	return 0;
}

/* spec into user and group (NULL when none); -EINVAL unless well-formed. */
static int owner_split(const char *spec, char user[OWNER_MAX], char **group)
{
	if (xstrcpy(user, OWNER_MAX, spec))
		return -EINVAL;
	*group = strchr(user, ':');
	if (*group)
		*(*group)++ = '\0';
	if (!valid_account(user) || (*group && !valid_account(*group)))
		return -EINVAL;
	return 0;
}

bool owner_valid(const char *spec)
{
	char user[OWNER_MAX], *group;

	return owner_split(spec, user, &group) == 0;
}

int owner_parse(struct vctx *ctx, const char *spec, uid_t *uid, gid_t *gid)
{
	char user[OWNER_MAX], *group;
	unsigned u = 0, g = 0, primary = 0;
	bool have_primary = false;
	int err;

	err = owner_split(spec, user, &group);
	if (err)
		return err;
	if (all_digits(user)) {
		u = (unsigned)strtoul(user, NULL, 10);
	} else {
		err = lookup(ctx, true, user, &u, &primary);
		if (err)
			return err;
		have_primary = true;
	}
	if (group && all_digits(group)) {
		g = (unsigned)strtoul(group, NULL, 10);
	} else if (group) {
		err = lookup(ctx, false, group, &g, &primary);
		if (err)
			return err;
	} else if (have_primary) {
		g = primary;
	} else {
		/* a bare uid: its group is the same number, as chown(1) does not guess */
		g = u;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

int owner_nodes(struct vctx *ctx, const struct pcidev *d, char nodes[2][64])
{
	char path[PATH_MAX];
	int n = 0;

	nodes[0][0] = nodes[1][0] = '\0';
	if (d->group >= 0) {
		snprintf(nodes[n], sizeof(nodes[n]), "/dev/vfio/%d", d->group);
		if (ctx_path(ctx, path, sizeof(path), "%s", nodes[n]) == 0 && path_exists(path))
			n++;
		else
			nodes[n][0] = '\0';
	}
	if (!nodes[0][0]) {
		/* no-IOMMU groups: /dev/vfio/noiommu-N, N from the vfio group */
		snprintf(nodes[n], sizeof(nodes[n]), "/dev/vfio/noiommu-%d", d->group);
		if (d->group >= 0 && ctx_path(ctx, path, sizeof(path), "%s", nodes[n]) == 0 &&
		    path_exists(path))
			n++;
		else
			nodes[n][0] = '\0';
	}
	if (d->cdev[0]) {
		snprintf(nodes[n], sizeof(nodes[n]), "/dev/vfio/devices/%s", d->cdev);
		if (ctx_path(ctx, path, sizeof(path), "%s", nodes[n]) == 0 && path_exists(path))
			n++;
		else
			nodes[n][0] = '\0';
	}
	return n;
}

static int owner_path(struct vctx *ctx, const char *addr, char *path, size_t size)
{
	char key[DEV_ID_MAX];
	int err = dev_key(addr, key, sizeof(key));

	return err ? err : ctx_path(ctx, path, size, "/run/vfioctl/owners/%s", key);
}

int owner_record(struct vctx *ctx, const char *addr, const char *spec)
{
	char path[PATH_MAX], dir[PATH_MAX], buf[64];
	int err;

	/* never a value owner_parse would refuse to read back */
	if (!owner_valid(spec))
		return -EINVAL;
	err = ctx_path(ctx, dir, sizeof(dir), "/run/vfioctl/owners");
	if (!err)
		err = mkdir_p(dir, 0755);
	if (!err)
		err = owner_path(ctx, addr, path, sizeof(path));
	if (!err)
		err = xsnprintf(buf, sizeof(buf), "%s\n", spec);
	if (err)
		return err;
	return write_file_atomic(path, buf, strlen(buf), 0644);
}

int owner_chown(struct vctx *ctx, const struct pcidev *d, const char *spec, bool dry_run,
		bool *changed)
{
	char path[PATH_MAX], nodes[2][64];
	struct stat st;
	uid_t uid;
	gid_t gid;
	int i, n, err;

	*changed = false;
	err = owner_parse(ctx, spec, &uid, &gid);
	if (err)
		return err;
	n = owner_nodes(ctx, d, nodes);
	for (i = 0; i < n; i++) {
		if (ctx_path(ctx, path, sizeof(path), "%s", nodes[i]))
			continue;
		if (stat(path, &st) == 0 && st.st_uid == uid && st.st_gid == gid &&
		    (st.st_mode & 07777) == 0660)
			continue;
		*changed = true;
		if (dry_run)
			continue;
		info("chown %u:%u %s", (unsigned)uid, (unsigned)gid, path);
		err = chown_node(path, uid, gid, 0660);
		if (err)
			return err;
	}
	return 0;
}

void owner_clear(struct vctx *ctx, const char *addr)
{
	char path[PATH_MAX];

	if (owner_path(ctx, addr, path, sizeof(path)) == 0)
		remove_file(path);
}

int owner_runtime(struct vctx *ctx, const char *addr, char *spec, size_t size)
{
	char path[PATH_MAX];

	if (owner_path(ctx, addr, path, sizeof(path)) == 0 && read_attr(path, spec, size) > 0 &&
	    owner_valid(spec))
		return 0;
	spec[0] = '\0';
	return -ENOENT;
}

int owner_restore(struct vctx *ctx, const char *addr, const char *spec)
{
	if (spec[0])
		return owner_record(ctx, addr, spec);
	owner_clear(ctx, addr);
	return 0;
}

int owner_of_device(struct vctx *ctx, const struct pcidev *d, char *spec, size_t size)
{
	const struct record *r;
	struct records rs;
	int err;

	if (owner_runtime(ctx, d->addr, spec, size) == 0)
		return 0;
	err = records_load(ctx, &rs);
	if (err)
		return err;
	r = records_match(&rs, d);
	err = -ENOENT;
	if (r && r->owner[0])
		err = xstrcpy(spec, size, r->owner);
	records_free(&rs);
	return err;
}
