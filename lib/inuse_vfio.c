// SPDX-License-Identifier: GPL-2.0-or-later
/* Processes holding a device on a VFIO driver open (/proc/PID/fd, fdinfo). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "inuse.h"
#include "inuse_int.h"
#include "pcidev.h"
#include "util.h"

/* The nodes of a device's VFIO files, as fd links name them ("" for none). */
struct vfio_nodes {
	char group[48];		/* /dev/vfio/N */
	char noiommu[48];	/* /dev/vfio/noiommu-N */
	char cdev[64];		/* /dev/vfio/devices/vfioX */
};

/*
 * A VFIO device fd is an anonymous inode. Since 6.18 its fdinfo has
 * "vfio-device-syspath: /sys/devices/.../ADDR"; before that nothing in it
 * tells which device it is.
 */
void device_fd(const char *fdinfo, const struct pcidev *d, struct vfio_fds *h)
{
	static const char key[] = "vfio-device-syspath:";
	char *line = NULL, *v;
	size_t cap = 0;
	bool named = false;
	FILE *f;

	f = fopen_regular(fdinfo);
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

/* One open fd of a process that may hold a VFIO device: its link, as readlink says. */
struct vfio_fd {
	char pid[16];
	char fd[16];
	char link[64];		/* "/dev/vfio/..." or "anon_inode:[vfio-device]" */
};

struct vfio_fd_table {
	struct vfio_fd *v;
	size_t n;
};

static void vfio_fd_table_free(void *p)
{
	struct vfio_fd_table *t = p;

	free(t->v);
	free(t);
}

/* The VFIO fds of the process in pid_dir, added to t. */
static int scan_fds(struct vfio_fd_table *t, const char *pid_dir, const char *pid)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent **list;
	struct vfio_fd *e;
	ssize_t len;
	int i, n, err = 0;

	/* another user's process: its fds are not ours to read, and not readable */
	if (xsnprintf(path, sizeof(path), "%s/fd", pid_dir) || list_dir(path, &list, &n))
		return 0;
	for (i = 0; i < n && !err; i++) {
		if (xsnprintf(path, sizeof(path), "%s/fd/%s", pid_dir, list[i]->d_name))
			continue;
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		/* longer links cannot be any node vfio_uses() compares with */
		if ((strncmp(link, "/dev/vfio/", 10) && strcmp(link, "anon_inode:[vfio-device]")) ||
		    (size_t)len >= sizeof(e->link) || strlen(pid) >= sizeof(e->pid) ||
		    strlen(list[i]->d_name) >= sizeof(e->fd))
			continue;
		e = realloc(t->v, (t->n + 1) * sizeof(*t->v));
		if (!e) {
			err = -ENOMEM;
			break;
		}
		t->v = e;
		e = &t->v[t->n++];
		memcpy(e->pid, pid, strlen(pid) + 1);
		memcpy(e->fd, list[i]->d_name, strlen(list[i]->d_name) + 1);
		memcpy(e->link, link, (size_t)len + 1);
	}
	free_list(list, n);
	return err;
}

/*
 * Every process's VFIO fds, read once per process (key "vfio-fds"): one
 * walk of /proc/PID/fd for all the devices of a command instead of one a
 * device, each ~30 system calls a process. Kept across vfioctl's own
 * writes (inuse_memo_kept): binding and unbinding open no fd in any other
 * process. A process that opens the device after the walk is missed, as
 * one that opens it between a fresh walk and the write always was: the
 * check guards against a known holder, not a race with a new one.
 */
static int vfio_fds_read(struct vctx *ctx, const char *key, void **val)
{
	char dir[PATH_MAX], pid_dir[PATH_MAX];
	struct vfio_fd_table *t;
	struct dirent **list;
	int i, n, err;

	(void)key;
	err = ctx_path(ctx, dir, sizeof(dir), "/proc");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	*val = t;
	if (!t)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		const char *pid = list[i]->d_name;

		if (strspn(pid, "0123456789") != strlen(pid) ||
		    xsnprintf(pid_dir, sizeof(pid_dir), "%s/%s", dir, pid))
			continue;
		err = scan_fds(t, pid_dir, pid);
	}
	free_list(list, n);
	return err;
}

/*
 * Processes holding the device d through VFIO, found in /proc/PID/fd: its
 * iommufd cdev open, a device fd whose fdinfo names it, or (kernels before
 * 6.18) a device fd unnamed next to its group's node. The group node alone
 * holds no device: the kernel does not wait for it. Unbinding a held
 * device blocks until the holder lets go (the kernel asks it to through
 * the device's request interrupt), so it counts as a use.
 */
int vfio_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char dir[PATH_MAX], path[PATH_MAX], comm[64], what[USE_WHAT_MAX];
	struct vfio_nodes v = { "", "", "" };
	struct vfio_fd_table *t;
	struct vfio_fds h;
	size_t i, j;
	void *val;
	int err;

	if (d->group >= 0) {
		snprintf(v.group, sizeof(v.group), "/dev/vfio/%d", d->group);
		snprintf(v.noiommu, sizeof(v.noiommu), "/dev/vfio/noiommu-%d", d->group);
	}
	if (d->cdev[0])
		snprintf(v.cdev, sizeof(v.cdev), "/dev/vfio/devices/%s", d->cdev);
	err = ctx_path(ctx, dir, sizeof(dir), "/proc");
	if (!err)
		err = inuse_memo_kept(ctx, "vfio-fds", vfio_fds_read, vfio_fd_table_free, &val);
	if (err)
		return err;
	t = val;
	for (i = 0; i < t->n && !err; i = j) {
		const char *pid = t->v[i].pid;

		memset(&h, 0, sizeof(h));
		for (j = i; j < t->n && !strcmp(t->v[j].pid, pid); j++) {
			const char *link = t->v[j].link;

			if (v.group[0] && (!strcmp(link, v.group) || !strcmp(link, v.noiommu)))
				h.group = true;
			else if (v.cdev[0] && !strcmp(link, v.cdev))
				h.exact = true;
			else if (!strcmp(link, "anon_inode:[vfio-device]") &&
				 !xsnprintf(path, sizeof(path), "%s/%s/fdinfo/%s", dir, pid, t->v[j].fd))
				device_fd(path, d, &h);
		}
		if (!h.exact && !(h.group && h.unnamed))
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s/comm", dir, pid) ||
		    read_attr(path, comm, sizeof(comm)) <= 0)
			snprintf(comm, sizeof(comm), "?");
		snprintf(what, sizeof(what), "pid %s (%s) holds it open through VFIO%s", pid, comm,
			 h.exact ? "" : " (a device fd and its group's node)");
		err = add_use(u, USE_VFIO, pid, what);
	}
	return err;
}
