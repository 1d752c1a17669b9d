// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-user: open a PCI device through VFIO the way a userspace driver does
 * (container, group, device fd) and print what VFIO shows of it, one
 * key=value per line, for the shell tests.
 *
 *   vfio-user [--region-dump] BDF
 *
 * Exit status: 0 on success, 3 when the device's IOMMU group is not viable
 * (some device in it is held by a non-VFIO driver), 1 on any other failure.
 * Errors are one line on stderr starting with "vfio-user:".
 *
 * For every region it prints regionN.size and regionN.flags, and
 * regionN.type/.subtype when the region has a type capability;
 * regionN.present=0 stands for a standard region the device lacks (the VGA
 * region of a device that is not VGA).
 *
 * It decodes the device-specific region of edu_vfio_pci
 * (kernel/edu_vfio_pci.h): edu_region=N, regionN.magic, .version, .ident,
 * .liveness, .vendor, .device, and regionN.write, the outcome of a one-byte
 * write (EINVAL: refused, as it must be for a read-only region).
 * --region-dump adds regionN.dump, a hex dump of up to 256 bytes of every
 * readable device-specific region (index >= VFIO_PCI_NUM_REGIONS).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "../kernel/edu_vfio_pci.h"

#define EXIT_NOT_VIABLE	3
#define DUMP_MAX	256

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vfio-user: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

static void usage(FILE *f)
{
	fputs("usage: vfio-user [--region-dump] [--hold] BDF\n"
	      "Open a PCI device through VFIO (type1 container) and print\n"
	      "what it shows as key=value lines. Exit 3 if the IOMMU group\n"
	      "is not viable. --hold: then keep it open, as a VM does,\n"
	      "until a signal ends the process.\n",
	      f);
}

/* pread that insists on the whole length; regions are small here. */
static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* IOMMU group number from /sys/bus/pci/devices/BDF/iommu_group. */
static int iommu_group_of(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	char *end;
	ssize_t n;
	long group;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno == ENOENT)
			die("%s: no IOMMU group (no such device, or no IOMMU)",
			    bdf);
		die("%s: %s", path, strerror(errno));
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	errno = 0;
	group = strtol(base, &end, 10);
	if (errno || *end || end == base || group < 0 || group > INT_MAX)
		die("%s: unexpected link target %s", path, target);
	return (int)group;
}

/*
 * The one-line reason a group is not viable: its devices and the drivers
 * they are bound to, e.g. "0000:00:03.0 (e1000e), 0000:00:04.0 (vfio-pci)".
 */
static void group_members(int group, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	size_t len = 0;
	DIR *dir;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices",
		 group);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		const char *drv = "no driver";
		ssize_t n;
		int w;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/iommu_groups/%d/devices/%s/driver",
			 group, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			drv = strrchr(target, '/');
			drv = drv ? drv + 1 : target;
		}
		w = snprintf(buf + len, size - len, "%s%s (%s)",
			     len ? ", " : "", de->d_name, drv);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	closedir(dir);
}

/* viable=0 on stdout, the reason and the group's members on stderr. */
static void not_viable(int group, const char *why)
	__attribute__((noreturn));

static void not_viable(int group, const char *why)
{
	char members[1024];

	group_members(group, members, sizeof(members));
	printf("viable=0\n");
	fflush(stdout);
	fprintf(stderr, "vfio-user: group %d is not viable: %s: %s\n", group,
		why, members[0] ? members : "(no devices listed)");
	exit(EXIT_NOT_VIABLE);
}

/*
 * VFIO_DEVICE_GET_REGION_INFO with a buffer grown to the argsz the kernel
 * asks for, so that the capability chain comes back too. Caller frees.
 * NULL for a standard region the device does not have: vfio-pci answers
 * EINVAL for the VGA region of a device that is not a VGA device.
 */
static struct vfio_region_info *region_info(int device, uint32_t index)
{
	struct vfio_region_info *info;
	uint32_t argsz = sizeof(*info);

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			die("out of memory");
		info->argsz = argsz;
		info->index = index;
		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info) < 0) {
			if (errno == EINVAL && index < VFIO_PCI_NUM_REGIONS) {
				free(info);
				return NULL;
			}
			die("VFIO_DEVICE_GET_REGION_INFO %u: %s", index,
			    strerror(errno));
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		free(info);
	}
}

struct region_type {
	bool found;
	uint32_t type, subtype;
};

/* Print the capabilities of one region; return its type capability. */
static struct region_type walk_caps(const struct vfio_region_info *info)
{
	struct region_type rt = { .found = false };
	uint32_t off = info->cap_offset;
	unsigned int hops = 0;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return rt;
	while (off) {
		const struct vfio_info_cap_header *hdr;

		if (off < sizeof(*info) || off > info->argsz - sizeof(*hdr) ||
		    ++hops > 64)
			die("region %u: malformed capability chain",
			    info->index);
		hdr = (const void *)((const char *)info + off);
		switch (hdr->id) {
		case VFIO_REGION_INFO_CAP_TYPE: {
			const struct vfio_region_info_cap_type *cap =
				(const void *)hdr;

			if (off > info->argsz - sizeof(*cap))
				die("region %u: short type capability",
				    info->index);
			rt.found = true;
			rt.type = cap->type;
			rt.subtype = cap->subtype;
			printf("region%u.type=0x%x\n", info->index, cap->type);
			printf("region%u.subtype=0x%x\n", info->index,
			       cap->subtype);
			break;
		}
		case VFIO_REGION_INFO_CAP_SPARSE_MMAP: {
			const struct vfio_region_info_cap_sparse_mmap *cap =
				(const void *)hdr;

			printf("region%u.sparse_mmap_areas=%u\n", info->index,
			       cap->nr_areas);
			break;
		}
		default:
			printf("region%u.cap%u=1\n", info->index, hdr->id);
			break;
		}
		off = hdr->next;
	}
	return rt;
}

static void decode_edu_region(int device, const struct vfio_region_info *info)
{
	struct edu_vfio_region_info edu;
	char magic[sizeof(edu.magic) + 1];
	int err;

	if (info->size < sizeof(edu))
		die("region %u: edu region too small (%llu bytes)", info->index,
		    (unsigned long long)info->size);
	err = read_full(device, &edu, sizeof(edu), info->offset);
	if (err)
		die("region %u: read: %s", info->index, strerror(-err));

	memcpy(magic, edu.magic, sizeof(edu.magic));
	magic[sizeof(edu.magic)] = '\0';
	for (char *p = magic; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			*p = '?';
	printf("edu_region=%u\n", info->index);
	printf("region%u.magic=%s\n", info->index, magic);
	printf("region%u.version=%u\n", info->index, le32toh(edu.version));
	printf("region%u.ident=0x%08x\n", info->index, le32toh(edu.ident));
	printf("region%u.liveness=0x%08x\n", info->index,
	       le32toh(edu.liveness));
	printf("region%u.vendor=0x%04x\n", info->index, le16toh(edu.vendor));
	printf("region%u.device=0x%04x\n", info->index, le16toh(edu.device));
	/* The region is read-only: the driver must refuse a write. */
	if (pwrite(device, edu.magic, 1, (off_t)info->offset) == 1)
		printf("region%u.write=accepted\n", info->index);
	else
		printf("region%u.write=%s\n", info->index,
		       errno == EINVAL ? "EINVAL" : strerror(errno));
	if (strcmp(magic, EDU_VFIO_REGION_MAGIC))
		die("region %u: magic is \"%s\", expected \"%s\"", info->index,
		    magic, EDU_VFIO_REGION_MAGIC);
}

static void dump_region(int device, const struct vfio_region_info *info)
{
	unsigned char buf[DUMP_MAX];
	size_t len = info->size < DUMP_MAX ? (size_t)info->size : DUMP_MAX;
	int err;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_READ) || !len)
		return;
	err = read_full(device, buf, len, info->offset);
	if (err)
		die("region %u: read: %s", info->index, strerror(-err));
	printf("region%u.dump=", info->index);
	for (size_t i = 0; i < len; i++)
		printf("%02x", buf[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_region_info *info;
	char bdf[64], path[PATH_MAX];
	bool region_dump = false, hold = false;
	const char *arg = NULL;
	int container, group, grp, device, api, err;
	uint16_t ids[2];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--region-dump")) {
			region_dump = true;
		} else if (!strcmp(argv[i], "--hold")) {
			hold = true;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else if (argv[i][0] == '-' || arg) {
			usage(stderr);
			return EXIT_FAILURE;
		} else {
			arg = argv[i];
		}
	}
	if (!arg) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	/* Accept 00:04.0 for 0000:00:04.0; VFIO wants the full name. */
	if (strchr(arg, ':') == strrchr(arg, ':'))
		snprintf(bdf, sizeof(bdf), "0000:%s", arg);
	else
		snprintf(bdf, sizeof(bdf), "%s", arg);
	if (strchr(bdf, '/') || strlen(bdf) >= sizeof(bdf) - 1)
		die("%s: not a PCI address", arg);
	printf("bdf=%s\n", bdf);

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		die("/dev/vfio/vfio: %s", strerror(errno));
	api = ioctl(container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION)
		die("VFIO API version %d, expected %d", api, VFIO_API_VERSION);
	printf("api_version=%d\n", api);
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0)
		die("the VFIO container does not offer VFIO_TYPE1_IOMMU "
		    "(is vfio_iommu_type1 loaded?)");
	printf("type1=1\n");

	group = iommu_group_of(bdf);
	printf("group=%d\n", group);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	grp = open(path, O_RDWR | O_CLOEXEC);
	if (grp < 0) {
		if (errno == ENOENT)
			die("%s: %s (is %s bound to a VFIO driver?)", path,
			    strerror(errno), bdf);
		die("%s: %s", path, strerror(errno));
	}

	if (ioctl(grp, VFIO_GROUP_GET_STATUS, &status) < 0)
		die("VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		not_viable(group, "every device in it must be bound to a VFIO "
			   "driver or to none");
	/*
	 * The kernel decides for good here: EPERM means something else owns
	 * the group's DMA (e.g. a VFIO driver without driver_managed_dma).
	 */
	if (ioctl(grp, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
		if (errno != EPERM)
			die("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
		not_viable(group, "VFIO_GROUP_SET_CONTAINER: Operation not "
			   "permitted");
	}
	printf("viable=1\n");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) < 0)
		die("VFIO_SET_IOMMU type1: %s", strerror(errno));
	printf("iommu=type1\n");

	device = ioctl(grp, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD %s: %s", bdf, strerror(errno));
	if (ioctl(device, VFIO_DEVICE_GET_INFO, &dinfo) < 0)
		die("VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	if (!(dinfo.flags & VFIO_DEVICE_FLAGS_PCI))
		die("%s: not a VFIO PCI device (flags 0x%x)", bdf, dinfo.flags);
	printf("device_flags=0x%x\n", dinfo.flags);
	printf("reset=%d\n", !!(dinfo.flags & VFIO_DEVICE_FLAGS_RESET));
	printf("num_regions=%u\n", dinfo.num_regions);
	printf("num_irqs=%u\n", dinfo.num_irqs);
	if (dinfo.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		die("%s: only %u regions, no config space", bdf,
		    dinfo.num_regions);

	info = region_info(device, VFIO_PCI_CONFIG_REGION_INDEX);
	if (!info)
		die("%s: no config space region", bdf);
	err = read_full(device, ids, sizeof(ids), info->offset);
	if (err)
		die("reading config space: %s", strerror(-err));
	free(info);
	printf("vendor=0x%04x\n", le16toh(ids[0]));
	printf("device=0x%04x\n", le16toh(ids[1]));

	for (uint32_t i = 0; i < dinfo.num_regions; i++) {
		struct region_type rt;

		info = region_info(device, i);
		if (!info) {
			printf("region%u.present=0\n", i);
			continue;
		}
		printf("region%u.size=%llu\n", i,
		       (unsigned long long)info->size);
		printf("region%u.flags=0x%x\n", i, info->flags);
		rt = walk_caps(info);
		if (rt.found && rt.type == EDU_VFIO_REGION_TYPE &&
		    rt.subtype == EDU_VFIO_REGION_SUBTYPE)
			decode_edu_region(device, info);
		if (region_dump && i >= VFIO_PCI_NUM_REGIONS)
			dump_region(device, info);
		free(info);
	}

	if (hold) {
		/* the device fd open, as QEMU keeps it: unbind now waits for us */
		printf("holding=1\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	close(device);
	close(grp);
	close(container);
	return EXIT_SUCCESS;
}
