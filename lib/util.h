/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_UTIL_H
#define VFIOCTL_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_LEN 64		/* module and driver names */

/* snprintf into buf; 0, or -ENAMETOOLONG when the result would be cut. */
int xsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy src into dst; 0, or -ENAMETOOLONG when it does not fit. */
int xstrcpy(char *dst, size_t size, const char *src);

/*
 * Not a regular file where one belongs (a FIFO, a device, a directory, a
 * socket). Linux has no errno for it (BSD's EFTYPE), so vfioctl borrows
 * one that no file call returns; errstr() names it.
 */
#define EFTYPE EMEDIUMTYPE

/* strerror(-err), with vfioctl's EFTYPE named. */
const char *errstr(int err);

/*
 * Confine every path the functions below open, create or remove to root
 * ("" or NULL: none, the running system): paths are resolved as if root
 * were "/" (openat2 RESOLVE_IN_ROOT), so no symlink, absolute or "..",
 * leads out of it. Paths given must then start with root. 0 or -errno.
 */
int path_confine(const char *root);

/*
 * Open a file for reading that must be a regular file (sysfs attributes,
 * procfs files and vfioctl's own files all are): O_NONBLOCK, so that a
 * FIFO in its place cannot block, then fstat. The fd, or -errno (-EFTYPE
 * for anything else). The _at form opens name, one entry of dirfd, which
 * the caller opened (open_dir() confines it); a symlink there is refused
 * (-ELOOP), never followed out of the root.
 */
int open_regular(const char *path);
int open_regular_at(int dirfd, const char *name);
/* The same as a stdio stream ("re"); NULL with errno set. */
FILE *fopen_regular(const char *path);
/* A directory, O_RDONLY|O_DIRECTORY, confined: the fd or -errno. */
int open_dir(const char *path);
/* The same as a stream for readdir(3): opendir(3), confined. NULL with errno set. */
DIR *open_dir_stream(const char *path);

/*
 * Read a small text file such as a sysfs attribute into buf (NUL-terminated,
 * one trailing newline dropped) through open_regular. Returns the length,
 * or -errno: -EFTYPE for no regular file, -EOVERFLOW when it does not fit
 * in buf, -EINVAL when it holds a NUL byte (text never does).
 */
ssize_t read_attr(const char *path, char *buf, size_t size);
ssize_t read_attr_at(int dirfd, const char *name, char *buf, size_t size);
/* read_attr, the last component never a link (-ELOOP): a device's attribute by path */
ssize_t read_attr_nofollow(const char *path, char *buf, size_t size);
/* The same from an open fd (which stays open), from its offset. */
ssize_t read_attr_fd(int fd, char *buf, size_t size);

/*
 * A count of what vfioctl did that may change sysfs (an attribute
 * written, a module loaded): what was read of sysfs before a change
 * (a cached view) is read again after it.
 */
unsigned long sysfs_generation(void);
void sysfs_changed(void);

/*
 * Write val to an existing regular file (an attribute) in one write(2),
 * as sysfs wants. Never creates the file. Returns 0 or -errno (what the
 * kernel answered).
 */
int write_attr(const char *path, const char *val);

/*
 * Could write_attr write path: is it there, a regular file, open for
 * writing (nothing is written)? 0 or -errno (-EFTYPE). Opening a sysfs
 * attribute does nothing by itself; only a write does.
 */
int check_writable(const char *path);

/*
 * Open the regular file at path with open(2) flags, confined; O_NOFOLLOW
 * is added (the last component is never a symlink) and O_NONBLOCK (no
 * FIFO blocks). The fd or -errno (-EFTYPE: no regular file). For files
 * vfioctl owns, such as its lock.
 */
int open_file(const char *path, int flags, mode_t mode);

/* unlink path, confined; 0 when it was not there. */
int remove_file(const char *path);

/*
 * chown and chmod the node at path, confined; a symlink there is refused
 * (-ELOOP), never followed.
 */
int chown_node(const char *path, uid_t uid, gid_t gid, mode_t mode);

/* realpath(3), confined: the result starts with the root. 0 or -errno. */
int real_path(const char *path, char *out, size_t size);
/* The same for what fd (from a confined open) names: -EXDEV outside the root. */
int fd_real_path(int fd, char *out, size_t size);

/* Last component of the target of the symlink at path; -ENOENT if none. */
int read_link_base(const char *path, char *buf, size_t size);
/* The same for the link name in the directory dirfd. */
int read_link_base_at(int dirfd, const char *name, char *buf, size_t size);

/*
 * Replace path with data atomically: write a temporary file beside it,
 * fsync, rename over, fsync the directory. A reader sees the old or the
 * new file, never a half-written one.
 */
int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode);
/*
 * name's BASE length when it is a temporary file's name as
 * write_file_atomic() makes them (".BASE.XXXXXX"), else 0.
 */
size_t temp_name_base(const char *name);

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

/*
 * Copy s into buf with every byte a terminal would act on escaped, so that
 * a value never breaks a line or sends an escape sequence: \n, \t, \r,
 * and \xHH for other control bytes, DEL, C1 controls and bytes that are
 * not UTF-8. Valid UTF-8 text is kept. Cut with "..." when buf is too small.
 */
size_t utf8_len(const unsigned char *s, bool c1_ok);
const char *escape_text(const char *s, char *buf, size_t size);

#endif
