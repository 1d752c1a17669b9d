// SPDX-License-Identifier: GPL-2.0-or-later
/* Small file and string helpers shared by every part of vfioctl. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int xsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int xstrcpy(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, src, len + 1);
	return 0;
}

/* path_confine()'s root: a directory fd, and its path, which paths start with */
static int root_fd = -1;
static char root_dir[PATH_MAX];
static size_t root_len;

const char *errstr(int err)
{
	if (err == -EFTYPE)
		return "not a regular file";
	return strerror(err < 0 ? -err : err);
}

int path_confine(const char *root)
{
	int fd;

	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
	root_dir[0] = '\0';
	root_len = 0;
	if (!root || !*root || !strcmp(root, "/"))
		return 0;
	if (xstrcpy(root_dir, sizeof(root_dir), root))
		return -ENAMETOOLONG;
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	root_fd = fd;
	root_len = strlen(root_dir);
	while (root_len > 1 && root_dir[root_len - 1] == '/')
		root_dir[--root_len] = '\0';
	return 0;
}

/* The directory fd and the path relative to it under which to open path. */
static int split_root(const char *path, int *dirfd, const char **rel)
{
	if (root_fd < 0) {
		*dirfd = AT_FDCWD;
		*rel = path;
		return 0;
	}
	/* a path not built from the root is a bug, never an open outside it */
	if (strncmp(path, root_dir, root_len) || (path[root_len] && path[root_len] != '/'))
		return -EXDEV;
	*dirfd = root_fd;
	*rel = path + root_len;
	while (**rel == '/')
		(*rel)++;
	if (!**rel)
		*rel = ".";
	return 0;
}

/*
 * open(2) confined to the root: openat2 resolves every component inside
 * it, as the kernel would after chroot (kernels before 5.6, without
 * openat2, get a plain openat).
 */
static int open_confined(const char *path, int flags, mode_t mode)
{
	struct open_how how = { 0 };
	const char *rel;
	int dirfd, err, tries;
	long fd;

	flags |= O_CLOEXEC;
	err = split_root(path, &dirfd, &rel);
	if (err)
		return err;
	if (dirfd == AT_FDCWD) {
		fd = open(path, flags, mode);
		return fd < 0 ? -errno : (int)fd;
	}
	how.flags = (uint64_t)flags;
	how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/*
	 * EAGAIN: a rename or mount somewhere on the system while ".." was
	 * resolved (sysfs's links are all "../.."), and the kernel could not
	 * prove the walk stayed inside; openat2(2) says to retry. A busy host
	 * (depmod, a package manager) makes it happen.
	 */
	for (tries = 0; tries < 64; tries++) {
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, rel, flags, mode);
	return fd < 0 ? -errno : (int)fd;
}

/* fd, if it is a regular file; else closed and -EFTYPE. */
static int keep_regular(int fd)
{
	struct stat st;
	int err;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EFTYPE;
	}
	return fd;
}

int open_regular(const char *path)
{
	return keep_regular(open_confined(path, O_RDONLY | O_NONBLOCK, 0));
}

int open_regular_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	return keep_regular(fd < 0 ? -errno : fd);
}

FILE *fopen_regular(const char *path)
{
	int fd = open_regular(path);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return f;
}

int open_dir(const char *path)
{
	return open_confined(path, O_RDONLY | O_DIRECTORY, 0);
}

DIR *open_dir_stream(const char *path)
{
	int fd = open_dir(path), e;
	DIR *d;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

ssize_t read_attr_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char extra;

	if (size == 0)
		return -EOVERFLOW;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		/*
		 * Less than asked for, ending a line: the end of the file, and
		 * the read that would answer 0 is saved (one system call of
		 * five a device). A regular file gives all it has up to the
		 * count, and sysfs an attribute's whole value in one read (one
		 * seq_file record). A multi-record seq_file (most of /proc) can
		 * stop short at a record once its page is full: those are read
		 * with stdio or slurp(), never here.
		 */
		if (len < size - 1 && buf[len - 1] == '\n')
			break;
	}
	/* a value cut short could pass for another one: no partial reads */
	if (len == size - 1) {
		do
			n = read(fd, &extra, 1);
		while (n < 0 && errno == EINTR);
		if (n > 0)
			return -EOVERFLOW;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len))
		return -EINVAL;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return (ssize_t)len;
}

/* read_attr_fd, then close fd; a negative fd is returned as is. */
static ssize_t read_text_fd(int fd, char *buf, size_t size)
{
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read_attr_fd(fd, buf, size);
	close(fd);
	return n;
}

ssize_t read_attr(const char *path, char *buf, size_t size)
{
	return read_text_fd(open_regular(path), buf, size);
}

ssize_t read_attr_at(int dirfd, const char *name, char *buf, size_t size)
{
	return read_text_fd(open_regular_at(dirfd, name), buf, size);
}

ssize_t read_attr_nofollow(const char *path, char *buf, size_t size)
{
	return read_text_fd(keep_regular(open_confined(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0)),
			    buf, size);
}

static unsigned long sysfs_gen;

unsigned long sysfs_generation(void)
{
	return sysfs_gen;
}

void sysfs_changed(void)
{
	sysfs_gen++;
}

int write_attr(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	sysfs_changed();

	/* O_NONBLOCK: a FIFO without a reader fails instead of blocking */
	fd = keep_regular(open_confined(path, O_WRONLY | O_TRUNC | O_NONBLOCK, 0));
	if (fd < 0)
		return fd;
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int check_writable(const char *path)
{
	int fd = keep_regular(open_confined(path, O_WRONLY | O_NONBLOCK, 0));

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int open_file(const char *path, int flags, mode_t mode)
{
	return keep_regular(open_confined(path, flags | O_NOFOLLOW | O_NONBLOCK, mode));
}

/* Split path into its directory (into buf) and last component. */
static const char *split_dir(const char *path, char *dir, size_t size, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		*base = path;
		return ".";
	}
	*base = slash + 1;
	len = (size_t)(slash - path);
	if (len == 0)
		return "/";
	if (len >= size)
		return NULL;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return dir;
}

/* The directory holding path, opened with flags (confined), and its last component. */
static int open_parent(const char *path, int flags, const char **base)
{
	char buf[PATH_MAX];
	const char *dir = split_dir(path, buf, sizeof(buf), base);

	if (!dir)
		return -ENAMETOOLONG;
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return -EINVAL;
	return open_confined(dir, flags | O_DIRECTORY, 0);
}

int remove_file(const char *path)
{
	const char *base;
	int dirfd, err = 0;

	dirfd = open_parent(path, O_PATH, &base);
	if (dirfd == -ENOENT)
		return 0;
	if (dirfd < 0)
		return dirfd;
	if (unlinkat(dirfd, base, 0) < 0 && errno != ENOENT)
		err = -errno;
	close(dirfd);
	return err;
}

int chown_node(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	char fdpath[64];
	struct stat st;
	int fd, err = 0;

	fd = open_confined(path, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (S_ISLNK(st.st_mode))
		err = -ELOOP;
	else if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		err = -errno;
	/* chmod has no AT_EMPTY_PATH: the fd's /proc link names the same inode */
	else if (snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd) < 0 ||
		 chmod(fdpath, mode) < 0)
		err = -errno;
	close(fd);
	return err;
}

int fd_real_path(int fd, char *out, size_t size)
{
	char fdpath[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	n = readlink(fdpath, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (root_fd >= 0 &&
	    (strncmp(buf, root_dir, root_len) || (buf[root_len] && buf[root_len] != '/')))
		return -EXDEV;
	return xstrcpy(out, size, buf);
}

int real_path(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	int fd, err;

	if (root_fd < 0) {
		if (!realpath(path, buf))
			return -errno;
		return xstrcpy(out, size, buf);
	}
	fd = open_confined(path, O_PATH, 0);
	if (fd < 0)
		return fd;
	err = fd_real_path(fd, out, size);
	close(fd);
	return err;
}

int read_link_base_at(int dirfd, const char *name, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return xstrcpy(buf, size, base);
}

int read_link_base(const char *path, char *buf, size_t size)
{
	return read_link_base_at(AT_FDCWD, path, buf, size);
}

static const char temp_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* A name for a temporary file: ".BASE.XXXXXX", random. */
static int temp_name(char *buf, size_t size, const char *base)
{
	unsigned char rnd[6];
	char suffix[7];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		unsigned long x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)time(NULL) ^
				  (unsigned long)clock();

		for (i = 0; i < sizeof(rnd); i++, x >>= 5)
			rnd[i] = (unsigned char)x;
	}
	for (i = 0; i < sizeof(rnd); i++)
		suffix[i] = temp_chars[rnd[i] % (sizeof(temp_chars) - 1)];
	suffix[i] = '\0';
	return xsnprintf(buf, size, ".%s.%s", base, suffix);
}

size_t temp_name_base(const char *name)
{
	size_t len = strlen(name);

	if (name[0] != '.' || len < 9 || name[len - 7] != '.' ||
	    strspn(name + len - 6, temp_chars) != 6)
		return 0;
	return len - 8;
}

int write_file_atomic(const char *path, const char *data, size_t len,
		      mode_t mode)
{
	char tmp[NAME_MAX + 1];
	const char *base;
	size_t off = 0;
	int dirfd, fd = -1, tries, err = 0;

	dirfd = open_parent(path, O_RDONLY, &base);
	if (dirfd < 0)
		return dirfd;
	/* the leading '.' keeps half-written files out of readers' globs */
	for (tries = 0; tries < 100; tries++) {
		err = temp_name(tmp, sizeof(tmp), base);
		if (err)
			break;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (!err && fd < 0)
		err = -errno;
	if (err) {
		close(dirfd);
		return err;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!err && fchmod(fd, mode) < 0)
		err = -errno;
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	/* rename replaces a symlink at path; it never writes through one */
	if (!err && renameat(dirfd, tmp, dirfd, base) < 0)
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	else if (fsync(dirfd) < 0)
		err = -errno;
	close(dirfd);
	return err;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	const char *base;
	char *p;
	int fd;

	if (xstrcpy(buf, sizeof(buf), path))
		return -ENAMETOOLONG;
	/* the root itself exists: start below it */
	p = buf + (root_fd >= 0 && !strncmp(buf, root_dir, root_len) ? root_len : 0);
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		p += strcspn(p, "/");
		{
			char save = *p;

			*p = '\0';
			fd = open_parent(buf, O_PATH, &base);
			if (fd < 0)
				return fd;
			if (mkdirat(fd, base, mode) < 0 && errno != EEXIST) {
				int err = -errno;

				close(fd);
				return err;
			}
			close(fd);
			*p = save;
		}
	}
	fd = open_confined(path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd == -ENOENT ? -ENOTDIR : fd;
	close(fd);
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void modname_normalize(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

const char *printable(const char *s, char *buf, size_t size)
{
	size_t i, max = size - 1;
	bool cut = strlen(s) > max;

	if (cut)
		max -= 3;
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (cut) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/*
 * Length of the UTF-8 sequence that starts a non-ASCII byte at s, 0 if it is
 * not one; C1 controls (U+0080..U+009F) count as 0 unless c1_ok.
 */
size_t utf8_len(const unsigned char *s, bool c1_ok)
{
	size_t n, i;

	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* U+0080..U+009F: terminals take them for control codes */
	if (!c1_ok && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

/* The escaped form of the character at p into esc; the bytes it takes. */
static size_t escape_one(const unsigned char *p, char esc[8])
{
	size_t n;

	if (*p == '\n' || *p == '\t' || *p == '\r') {
		esc[0] = '\\';
		esc[1] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
		esc[2] = '\0';
		return 1;
	}
	if (*p >= 0x20 && *p < 0x7f) {
		esc[0] = (char)*p;
		esc[1] = '\0';
		return 1;
	}
	n = *p >= 0x80 ? utf8_len(p, false) : 0;
	if (n) {
		memcpy(esc, p, n);
		esc[n] = '\0';
		return n;
	}
	snprintf(esc, 8, "\\x%02x", *p);
	return 1;
}

const char *escape_text(const char *s, char *buf, size_t size)
{
	const unsigned char *p;
	size_t len = 0, total = 0;
	char esc[8];

	if (size < 4) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	/* the common case: printable ASCII that fits, copied as it is */
	for (p = (const unsigned char *)s; *p >= 0x20 && *p < 0x7f; p++)
		;
	if (!*p && (size_t)(p - (const unsigned char *)s) < size) {
		memcpy(buf, s, (size_t)(p - (const unsigned char *)s) + 1);
		return buf;
	}
	for (p = (const unsigned char *)s; *p;) {
		p += escape_one(p, esc);
		total += strlen(esc);
	}
	for (p = (const unsigned char *)s; *p;) {
		size_t step = escape_one(p, esc), n = strlen(esc);

		/* the whole of it fits, or this piece and "..." do */
		if (total >= size && len + n + 3 >= size) {
			memcpy(buf + len, "...", 3);
			len += 3;
			break;
		}
		memcpy(buf + len, esc, n);
		len += n;
		p += step;
	}
	buf[len] = '\0';
	return buf;
}
