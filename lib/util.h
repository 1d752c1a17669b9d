/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_UTIL_H
#define VFIOCTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_LEN 64		/* module and driver names */

/* snprintf into buf; 0, or -ENAMETOOLONG when the result would be cut. */
int xsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy src into dst; 0, or -ENAMETOOLONG when it does not fit. */
int xstrcpy(char *dst, size_t size, const char *src);

/*
 * Read a small file such as a sysfs attribute into buf (NUL-terminated,
 * one trailing newline dropped). Returns the length or -errno.
 */
ssize_t read_attr(const char *path, char *buf, size_t size);

/*
 * Write val to an existing attribute in one write(2), as sysfs wants.
 * Never creates the file. Returns 0 or -errno (what the kernel answered).
 */
int write_attr(const char *path, const char *val);

/* Last component of the target of the symlink at path; -ENOENT if none. */
int read_link_base(const char *path, char *buf, size_t size);

/*
 * Replace path with data atomically: write a temporary file beside it,
 * fsync, rename over, fsync the directory. A reader sees the old or the
 * new file, never a half-written one.
 */
int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode);

/* mkdir -p; 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

bool path_exists(const char *path);

/* Non-empty and nothing but decimal digits. */
bool all_digits(const char *s);
bool is_dir(const char *path);

/* Replace '-' by '_' as kmod does for module names. */
void modname_normalize(char *name);

/*
 * Copy s into buf for printing: control and non-ASCII bytes become '?',
 * long strings are cut with "...". Used to name bad input in errors.
 */
const char *printable(const char *s, char *buf, size_t size);

#endif
