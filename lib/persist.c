// SPDX-License-Identifier: GPL-2.0-or-later
/* /etc/vfioctl.d: the bindings that hold across reboots. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "bus.h"
#include "ctx.h"
#include "kindex.h"
#include "log.h"
#include "module.h"
#include "persist.h"
#include "util.h"

static int hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		*v = *v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
					  tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return 0;
}

int ids_parse(const char *s, struct record *r)
{
	size_t len = strlen(s);

	if (len != 9 && len != 19)
		return -EINVAL;
	if (hex4(s, &r->vendor) || s[4] != ':' || hex4(s + 5, &r->device))
		return -EINVAL;
	r->has_sub = len == 19;
	if (r->has_sub && (s[9] != ':' || hex4(s + 10, &r->subvendor) || s[14] != ':' ||
			   hex4(s + 15, &r->subdevice)))
		return -EINVAL;
	return 0;
}

const char *record_what(const struct record *r, char *buf, size_t size)
{
	if (r->kind == MATCH_DEVICE)
		snprintf(buf, size, "%s", r->addr);
	else if (r->has_sub)
		snprintf(buf, size, "%04x:%04x:%04x:%04x", r->vendor, r->device, r->subvendor,
			 r->subdevice);
	else
		snprintf(buf, size, "%04x:%04x", r->vendor, r->device);
	return buf;
}

int record_path(struct vctx *ctx, const struct record *r, char *path, size_t size)
{
	char what[DEV_ID_MAX], key[DEV_ID_MAX];
	int err;

	record_what(r, what, sizeof(what));
	if (r->kind == MATCH_DEVICE && strchr(r->addr, '/')) {
		/* BUS/NAME as BUS-NAME: a name of the bus's valid characters, no '/' */
		err = dev_key(what, key, sizeof(key));
		if (err)
			return err;
		return ctx_path(ctx, path, size, "/etc/vfioctl.d/%s.conf", key);
	}
	return ctx_path(ctx, path, size, "/etc/vfioctl.d/%s-%s.conf",
			r->kind == MATCH_DEVICE ? "pci" : "ids", what);
}

bool record_other_bus(const struct record *r)
{
	return r->kind == MATCH_DEVICE && strchr(r->addr, '/');
}

bool record_matches(const struct record *r, const struct pcidev *d)
{
	if (r->kind == MATCH_DEVICE)
		return !strcmp(r->addr, d->addr);
	/* vendor:device IDs are PCI's (a CDX device has IDs of its own kind) */
	if (!dev_is_pci(d))
		return false;
	if (r->vendor != d->vendor || r->device != d->device)
		return false;
	return !r->has_sub || (r->subvendor == d->subvendor && r->subdevice == d->subdevice);
}

static int specificity(const struct record *r)
{
	return r->kind == MATCH_DEVICE ? 2 : r->has_sub ? 1 : 0;
}

const struct record *records_match(const struct records *rs, const struct pcidev *d)
{
	const struct record *best = NULL;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct record *r = &rs->v[i];

		if (record_matches(r, d) && (!best || specificity(r) > specificity(best)))
			best = r;
	}
	return best;
}

static void add_error(struct records *rs, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_error(struct records *rs, const char *file, const char *fmt, ...)
{
	struct record_error *e;
	va_list ap;
	void *v;

	v = realloc(rs->err, (rs->nerr + 1) * sizeof(*rs->err));
	if (!v)
		return;
	rs->err = v;
	e = &rs->err[rs->nerr++];
	snprintf(e->file, sizeof(e->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	warn("%s%s; file skipped", e->file, e->msg);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int record_parse(struct records *rs, const char *path, FILE *f, struct record *r)
{
	bool have_match = false, have_driver = false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, err = 0;

	memset(r, 0, sizeof(*r));
	r->numvfs = -1;
	snprintf(r->file, sizeof(r->file), "%s", path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *key, *val, *eq, *hash;

		lineno++;
		if (len >= 512) {
			add_error(rs, path, ":%d: line too long", lineno);
			err = -EINVAL;
			break;
		}
		if (memchr(line, '\0', (size_t)len)) {
			add_error(rs, path, ":%d: a NUL byte: not text", lineno);
			err = -EINVAL;
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			add_error(rs, path, ":%d: expected key = value", lineno);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		if (!strcmp(key, "device") || !strcmp(key, "ids")) {
			if (have_match) {
				add_error(rs, path, ":%d: a second device or ids line", lineno);
				err = -EINVAL;
				break;
			}
			have_match = true;
			if (key[0] == 'd') {
				r->kind = MATCH_DEVICE;
				if (dev_id_parse(val, r->addr)) {
					add_error(rs, path, strchr(val, '/') ?
						  ":%d: '%s' is not BUS/NAME of a bus vfioctl knows" :
						  ":%d: '%s' is not a PCI address", lineno, val);
					err = -EINVAL;
					break;
				}
			} else {
				r->kind = MATCH_IDS;
				if (ids_parse(val, r)) {
					add_error(rs, path, ":%d: '%s' is not VVVV:DDDD[:SSSS:TTTT]",
						  lineno, val);
					err = -EINVAL;
					break;
				}
			}
		} else if (!strcmp(key, "driver")) {
			if (!valid_name(val)) {
				add_error(rs, path, ":%d: '%s' is not a driver or module name", lineno, val);
				err = -EINVAL;
				break;
			}
			memcpy(r->driver, val, strlen(val) + 1);
			have_driver = true;
		} else if (!strcmp(key, "numvfs")) {
			char *end;
			long v = strtol(val, &end, 10);

			if (!*val || *end || v < 0 || v > 65535) {
				add_error(rs, path, ":%d: '%s' is not a number of VFs", lineno, val);
				err = -EINVAL;
				break;
			}
			r->numvfs = (int)v;
		} else if (!strcmp(key, "owner")) {
			if (!owner_valid(val)) {
				add_error(rs, path, ":%d: '%s' is not USER[:GROUP]", lineno, val);
				err = -EINVAL;
				break;
			}
			memcpy(r->owner, val, strlen(val) + 1);
		} else {
			add_error(rs, path, ":%d: unknown key '%s'", lineno, key);
			err = -EINVAL;
			break;
		}
	}
	free(line);
	if (err)
		return err;
	if (!have_match) {
		add_error(rs, path, ": no device or ids line");
		return -EINVAL;
	}
	if (r->numvfs >= 0 && record_other_bus(r)) {
		add_error(rs, path, ": numvfs is for PCI devices; %s is not one", r->addr);
		return -EINVAL;
	}
	if (!have_driver)
		memcpy(r->driver, RECORD_AUTO, sizeof(RECORD_AUTO));
	return 0;
}

/* Why a file that decides drivers is not trusted: NULL when it is. */
static const char *untrusted(const struct stat *st)
{
	if (st->st_uid != 0)
		return "not owned by root";
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0))
		return "writable by others";
	return NULL;
}

/*
 * driverctl saves /etc/driverctl.d/BUS-DEVICE (its $bus-$dev): pci-0000:01:00.0,
 * platform-fff50000.ethernet, fsl-mc-dprc.2. The device's id, as
 * dev_id_parse gives it, or -EINVAL for another bus or a bad name.
 */
static int driverctl_device(const char *name, char id[DEV_ID_MAX])
{
	const struct bus_kind *b;
	size_t i, len;

	for (i = 0; (b = bus_at(i)) != NULL; i++) {
		len = strlen(b->name);
		if (!strncmp(name, b->name, len) && name[len] == '-')
			break;
	}
	if (!b)
		return -EINVAL;
	if (b->id == BUS_PCI)
		return pci_addr_parse(name + len + 1, id) ? -EINVAL : 0;
	if (!bus_valid_device_name(name + len + 1) ||
	    xsnprintf(id, DEV_ID_MAX, "%s/%s", b->name, name + len + 1))
		return -EINVAL;
	return 0;
}

int driverctl_read(const char *path, const char *name, struct record *r, char *why,
		   size_t size)
{
	char drv[NAME_MAX_LEN];
	const char *bad;
	struct stat st;
	ssize_t len;
	int fd;

	memset(r, 0, sizeof(*r));
	r->numvfs = -1;
	why[0] = '\0';
	if (driverctl_device(name, r->addr))
		return -EINVAL;
	r->kind = MATCH_DEVICE;
	fd = open_regular(path);
	if (fd < 0) {
		snprintf(why, size, "%s", errstr(fd));
		return fd;
	}
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		snprintf(why, size, "%s", errstr(err));
		return err;
	}
	/* it becomes a record, which decides which driver gets a device */
	bad = untrusted(&st);
	if (bad) {
		close(fd);
		snprintf(why, size, "refused: %s", bad);
		return -EPERM;
	}
	len = read_attr_fd(fd, drv, sizeof(drv));
	close(fd);
	if (len <= 0 || !valid_name(drv)) {
		snprintf(why, size, "no driver name in it");
		return -EINVAL;
	}
	/* driverctl set-override DEV none: no driver may bind it, not a binding */
	if (!strcmp(drv, "none")) {
		snprintf(why, size, "driverctl's \"none\" keeps it off every driver, not a binding to record");
		return -EINVAL;
	}
	memcpy(r->driver, drv, (size_t)len + 1);
	return 0;
}

static bool conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".conf");
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int records_load(struct vctx *ctx, struct records *rs)
{
	struct dirent **names = NULL;
	char dir[PATH_MAX];
	int i, n, err;

	memset(rs, 0, sizeof(*rs));
	err = ctx_path(ctx, dir, sizeof(dir), "/etc/vfioctl.d");
	if (err)
		return err;
	n = scandir(dir, &names, NULL, cmp_names);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct record r;
		struct stat st;
		FILE *f;
		int fd;

		if (!conf_name(names[i]->d_name) ||
		    xsnprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name))
			continue;
		fd = open_regular(path);
		if (fd == -EFTYPE && is_dir(path))
			continue;
		if (fd < 0) {
			add_error(rs, path, ": %s", errstr(fd));
			continue;
		}
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		/* a record decides which driver gets a device: root's alone */
		if (untrusted(&st)) {
			close(fd);
			add_error(rs, path, ": refused: %s", untrusted(&st));
			continue;
		}
		f = fdopen(fd, "r");
		if (!f) {
			close(fd);
			continue;
		}
		err = record_parse(rs, path, f, &r);
		fclose(f);
		if (err) {
			/* reported and skipped: never the whole set */
			err = 0;
			continue;
		}
		if (rs->n % 16 == 0) {
			void *v = realloc(rs->v, (rs->n + 16) * sizeof(*rs->v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			rs->v = v;
		}
		rs->v[rs->n++] = r;
		err = 0;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

void records_free(struct records *rs)
{
	free(rs->v);
	free(rs->err);
	memset(rs, 0, sizeof(*rs));
}

static const char *numvfs_line(const struct record *r, char *buf, size_t size)
{
	if (r->numvfs < 0)
		return "";
	snprintf(buf, size, "numvfs = %d\n", r->numvfs);
	return buf;
}

int record_check(const struct record *r)
{
	char addr[DEV_ID_MAX], what[64];
	struct record ids;

	if (r->kind == MATCH_DEVICE) {
		if (!memchr(r->addr, '\0', sizeof(r->addr)) || dev_id_parse(r->addr, addr) ||
		    strcmp(addr, r->addr))
			return -EINVAL;
		if (r->numvfs >= 0 && record_other_bus(r))
			return -EINVAL;
	} else if (r->kind == MATCH_IDS) {
		/* what is written is what record_what() prints: parse it back */
		if (ids_parse(record_what(r, what, sizeof(what)), &ids) ||
		    ids.vendor != r->vendor || ids.device != r->device ||
		    (r->has_sub && (ids.subvendor != r->subvendor ||
				    ids.subdevice != r->subdevice)))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (!memchr(r->driver, '\0', sizeof(r->driver)) || !valid_name(r->driver))
		return -EINVAL;
	if (!memchr(r->owner, '\0', sizeof(r->owner)) || (r->owner[0] && !owner_valid(r->owner)))
		return -EINVAL;
	if (r->numvfs < -1 || r->numvfs > 65535)
		return -EINVAL;
	return 0;
}

int record_format(const struct record *r, char *buf, size_t size)
{
	char what[DEV_ID_MAX], vfs[32];
	int err;

	/* never write what records_load would refuse */
	err = record_check(r);
	if (err)
		return err;
	return xsnprintf(buf, size,
			 "# vfioctl record, see vfioctl.d(5); vfioctl apply binds it at boot\n"
			 "%s = %s\ndriver = %s\n%s%s%s%s",
			 r->kind == MATCH_DEVICE ? "device" : "ids",
			 record_what(r, what, sizeof(what)), r->driver,
			 r->owner[0] ? "owner = " : "", r->owner, r->owner[0] ? "\n" : "",
			 numvfs_line(r, vfs, sizeof(vfs)));
}

int record_write(struct vctx *ctx, const struct record *r)
{
	char path[PATH_MAX], dir[PATH_MAX], buf[512];
	int err;

	err = record_format(r, buf, sizeof(buf));
	if (!err)
		err = ctx_path(ctx, dir, sizeof(dir), "/etc/vfioctl.d");
	if (!err)
		err = mkdir_p(dir, 0755);
	/* a record read from a file of the admin's naming stays in that file */
	if (!err)
		err = r->file[0] ? xstrcpy(path, sizeof(path), r->file) :
			record_path(ctx, r, path, sizeof(path));
	if (err)
		return err;
	return write_file_atomic(path, buf, strlen(buf), 0644);
}

int record_remove(struct vctx *ctx, const struct record *r)
{
	char path[PATH_MAX];
	int err;

	err = r->file[0] ? xstrcpy(path, sizeof(path), r->file) :
		record_path(ctx, r, path, sizeof(path));
	if (err)
		return err;
	return remove_file(path);
}

#ifndef VFIOCTL_SBINDIR
#define VFIOCTL_SBINDIR "/usr/local/sbin"
#endif

struct natives {
	char (*v)[NAME_MAX_LEN];
	size_t n;
};

static int natives_add(struct natives *nv, const char *module)
{
	char name[NAME_MAX_LEN];
	size_t i;

	/* it goes into an install line, which /bin/sh runs: a name, nothing else */
	if (!valid_name(module)) {
		char shown[80];

		warn("ignoring module name '%s' from modules.alias.bin: not a module name",
		     escape_text(module, shown, sizeof(shown)));
		return 0;
	}
	memcpy(name, module, strlen(module) + 1);
	modname_normalize(name);
	/* a VFIO module is not a native driver to keep away */
	if (strstr(name, "vfio"))
		return 0;
	for (i = 0; i < nv->n; i++)
		if (!strcmp(nv->v[i], name))
			return 0;
	if (nv->n % 16 == 0) {
		void *v = realloc(nv->v, (nv->n + 16) * sizeof(*nv->v));

		if (!v)
			return -ENOMEM;
		nv->v = v;
	}
	memcpy(nv->v[nv->n++], name, sizeof(name));
	return 0;
}

static int add_alias_match(void *arg, const char *pattern, const char *value)
{
	(void)pattern;
	return natives_add(arg, value);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The native modules that could take the device id, when a record matches it. */
static int natives_of(struct vctx *ctx, struct kindex *idx, const struct records *rs,
		      const char *id, struct natives *nv)
{
	char mod[NAME_MAX_LEN];
	struct pcidev d;
	int err = 0;

	if (pcidev_load(ctx, id, &d) || !records_match(rs, &d))
		return 0;
	if (d.driver[0] && driver_is_vfio(ctx, d.driver) != 1 &&
	    driver_module(ctx, d.driver, mod, sizeof(mod)) == 0)
		err = natives_add(nv, mod);
	if (!err && idx && d.modalias[0])
		err = kindex_match(idx, d.modalias, add_alias_match, nv);
	return err;
}

int modprobe_conf_update(struct vctx *ctx, bool dry_run, char *path, size_t size)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	struct natives nv = { 0 };
	struct kindex *idx = NULL;
	struct records rs;
	char file[PATH_MAX];
	size_t i, n = 0, len;
	char *buf = NULL;
	int err;

	err = ctx_path(ctx, path, size, "/etc/modprobe.d/vfioctl.conf");
	if (err)
		return err;
	err = records_load(ctx, &rs);
	if (err)
		return err;
	if (ctx_index(ctx, IDX_ALIAS, &idx))
		idx = NULL;
	if (pcidev_list(ctx, &addrs, &n))
		n = 0;
	for (i = 0; i < n && !err; i++)
		err = natives_of(ctx, idx, &rs, addrs[i], &nv);
	/* the other buses' devices are recorded by name only: those, if present */
	for (i = 0; i < rs.n && !err; i++)
		if (record_other_bus(&rs.v[i]))
			err = natives_of(ctx, idx, &rs, rs.v[i].addr, &nv);
	free(addrs);
	records_free(&rs);
	if (err < 0)
		goto out;
	err = 0;
	if (nv.n)
		qsort(nv.v, nv.n, sizeof(*nv.v), cmp_name);
	len = 512 + nv.n * (2 * NAME_MAX_LEN + sizeof(VFIOCTL_SBINDIR) + 96);
	buf = malloc(len);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(buf, len,
		 "# Written by vfioctl from /etc/vfioctl.d; it rewrites this file.\n"
		 "# Before one of these native drivers loads, vfioctl gives the devices\n"
		 "# recorded in /etc/vfioctl.d their VFIO driver, so it never takes them.\n");
	for (i = 0; i < nv.n; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used,
			 "install %s %s/vfioctl --quiet apply; /sbin/modprobe --ignore-install %s $CMDLINE_OPTS\n",
			 nv.v[i], VFIOCTL_SBINDIR, nv.v[i]);
	}
	if (dry_run)
		goto out;
	if (!nv.n) {
		err = remove_file(path);
		goto out;
	}
	err = ctx_path(ctx, file, sizeof(file), "/etc/modprobe.d");
	if (!err)
		err = mkdir_p(file, 0755);
	if (!err)
		err = write_file_atomic(path, buf, strlen(buf), 0644);
out:
	free(buf);
	free(nv.v);
	return err;
}
