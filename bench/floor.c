// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/floor ROOT KREL: the least any tool can do to list candidates: open
 * the alias index once and read every device's modalias. No lookup, no
 * output but a count; vfioctl's commands are measured against it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], buf[256];
	struct dirent *de;
	struct stat st;
	long n = 0;
	void *map;
	int fd, dfd;
	DIR *d;

	if (argc != 3)
		return 2;
	snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.alias.bin", argv[1], argv[2]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 1;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices", argv[1]);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d)
		return 1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/modalias", de->d_name);
		fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
			n++;
		if (fd >= 0)
			close(fd);
	}
	printf("%ld modaliases, index of %lld bytes\n", n, (long long)st.st_size);
	return 0;
}
