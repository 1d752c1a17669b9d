// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Devices as sysfs shows them, read through one directory fd each: on a
 * host with thousands of functions, a command pays one path walk per
 * device and one small read per attribute it needs, nothing more.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "ctx.h"
#include "device.h"
#include "util.h"

enum {
	HAVE_MODALIAS = 1u << 0,
	HAVE_GROUP = 1u << 1,
	HAVE_REALPATH = 1u << 2,
};

/* the path of the device's directory, under the root: dev->path */
static int device_init(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		       struct device *dev)
{
	int err;

	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	dev->group = -1;
	dev->bus = bus;
	err = xstrcpy(dev->name, sizeof(dev->name), name);
	if (!err)
		err = ctx_path(ctx, dev->path, sizeof(dev->path), "/sys/bus/%s/devices/%s",
			       bus->name, name);
	return err;
}

/* The directory fd, opened at the first call of a lazily opened device. */
static int device_dirfd(struct device *dev)
{
	int fd;

	if (dev->fd >= 0)
		return dev->fd;
	/* one walk, confined: the bus's link to the device is followed inside the root */
	fd = open_dir(dev->path);
	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR ? -ENODEV : fd;
	dev->fd = fd;
	return fd;
}

int device_open(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		struct device *dev)
{
	int err = device_init(ctx, bus, name, dev), fd;

	if (err)
		return err;
	fd = device_dirfd(dev);
	return fd < 0 ? fd : 0;
}

int device_open_lazy(struct vctx *ctx, const struct bus_kind *bus, const char *name,
		     struct device *dev)
{
	return device_init(ctx, bus, name, dev);
}

void device_close(struct device *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

ssize_t device_attr(struct device *dev, const char *attr, char *buf, size_t size)
{
	int fd = device_dirfd(dev);

	return fd < 0 ? fd : read_attr_at(fd, attr, buf, size);
}

int device_attr_hex(struct device *dev, const char *attr, unsigned *v)
{
	char buf[32], *end;
	unsigned long x;
	ssize_t n;

	n = device_attr(dev, attr, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	errno = 0;
	x = strtoul(buf, &end, 16);
	if (errno || end == buf || *end)
		return -EINVAL;
	*v = (unsigned)x;
	return 0;
}

int device_link_base(struct device *dev, const char *link, char *buf, size_t size)
{
	int fd = device_dirfd(dev);

	return fd < 0 ? fd : read_link_base_at(fd, link, buf, size);
}

static bool graph_ascii(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

int device_modalias(struct device *dev, const char **modalias)
{
	ssize_t n;

	if (!(dev->have & HAVE_MODALIAS)) {
		if (dev->fd < 0) {
			/*
			 * Opened lazily, modalias first: one confined walk to the
			 * file itself (never a link, a regular file, read to its
			 * end, as through the directory), no directory fd. Whether
			 * ENOENT is the device's or the attribute's, the directory
			 * says.
			 */
			char path[PATH_MAX];

			n = xsnprintf(path, sizeof(path), "%s/modalias", dev->path) ? -ENAMETOOLONG :
				read_attr_nofollow(path, dev->modalias, sizeof(dev->modalias));
			if (n == -ENOENT || n == -ENOTDIR) {
				int fd = device_dirfd(dev);

				if (fd < 0) {
					dev->modalias[0] = '\0';
					return fd;
				}
			}
		} else {
			n = device_attr(dev, "modalias", dev->modalias, sizeof(dev->modalias));
		}
		/*
		 * The kernel prints modaliases of printable ASCII without a
		 * space (of_modalias() turns a compatible's into '_'). Anything
		 * else is no device's: it would make a lookup key with a newline
		 * or a control byte in it.
		 */
		if (n > 0 && !graph_ascii(dev->modalias))
			n = -EINVAL;
		dev->modalias_err = n == -ENOENT || n >= 0 ? 0 : (int)n;
		if (n < 0)
			dev->modalias[0] = '\0';
		dev->have |= HAVE_MODALIAS;
	}
	*modalias = dev->modalias;
	return dev->modalias_err;
}

int device_group(struct device *dev)
{
	char grp[32], *end;
	long g;

	if (!(dev->have & HAVE_GROUP)) {
		dev->group = -1;
		if (device_link_base(dev, "iommu_group", grp, sizeof(grp)) == 0) {
			g = strtol(grp, &end, 10);
			if (!*end && end != grp && g >= 0 && g <= INT_MAX)
				dev->group = (int)g;
		}
		dev->have |= HAVE_GROUP;
	}
	return dev->group;
}

int device_realpath(struct device *dev, const char **path)
{
	int err;

	if (!(dev->have & HAVE_REALPATH)) {
		/* the fd is the path walked, links resolved: the kernel names it */
		int fd = device_dirfd(dev);

		if (fd < 0)
			return fd;
		err = fd_real_path(fd, dev->realpath, sizeof(dev->realpath));
		if (err)
			return err;
		dev->have |= HAVE_REALPATH;
	}
	*path = dev->realpath;
	return 0;
}

int device_driver(struct device *dev, char *buf, size_t size)
{
	int err = device_link_base(dev, "driver", buf, size);

	if (err == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return err;
}

int device_override(struct device *dev, char *buf, size_t size)
{
	ssize_t n = device_attr(dev, "driver_override", buf, size);

	/* kernels before 3.16 have none: unset */
	if (n == -ENOENT)
		buf[0] = '\0';
	else if (n < 0)
		return (int)n;
	/* unset reads "(null)"; an empty value means the same */
	if (!strcmp(buf, "(null)"))
		buf[0] = '\0';
	return 0;
}

void device_cdev(struct device *dev, char *buf, size_t size)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	buf[0] = '\0';
	if (device_dirfd(dev) < 0)
		return;
	fd = openat(dev->fd, "vfio-dev", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4) && de->d_name[4] &&
		    xstrcpy(buf, size, de->d_name) == 0)
			break;
	closedir(dir);
}
