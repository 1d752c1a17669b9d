// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/alias-text ROOT KREL: the best VFIO variant of every device the way
 * libvirt's virPCIDeviceFindBestVFIOVariant() and NVIDIA's k8s-driver-manager
 * (FindBestVFIOVariant, "inspired by" libvirt's) pick it: for each device,
 * read its modalias, read the whole text modules.alias, keep the lines
 * "alias vfio_pci:...", compare the seven fields of each with the device's
 * (a field "*" matches anything and counts as a wildcard), take the match
 * with the fewest wildcards. Written in C, so it is no slower than they are;
 * like them it sees neither built-in aliases nor modprobe.d.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The seven fields of "vXdXsvXsdXbcXscXiX", split in place. */
static int fields(char *s, char *f[7])
{
	static const char *const sep[] = { "d", "sv", "sd", "bc", "sc", "i" };
	int i;

	if (*s != 'v')
		return -1;
	f[0] = s + 1;
	for (i = 0; i < 6; i++) {
		char *p = strstr(f[i], sep[i]);

		if (!p)
			return -1;
		*p = '\0';
		f[i + 1] = p + strlen(sep[i]);
	}
	return 0;
}

static char *read_all(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void best_variant(const char *aliases, const char *modalias, char *best, size_t size)
{
	char dev[256], *df[7];
	int least = 99;

	snprintf(best, size, "vfio-pci");	/* their fallback */
	snprintf(dev, sizeof(dev), "%s", modalias);
	if (strncmp(dev, "pci:", 4) || fields(dev + 4, df))
		return;
	for (const char *l = aliases; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char line[512], *pat, *mod, *pf[7];
		size_t len = strcspn(l, "\n");
		int i, wild = 0;

		if (strncmp(l, "alias vfio_pci:", 15) || len >= sizeof(line))
			continue;
		memcpy(line, l, len);
		line[len] = '\0';
		pat = line + 15;
		mod = strchr(pat, ' ');
		if (!mod)
			continue;
		*mod++ = '\0';
		if (fields(pat, pf))
			continue;
		for (i = 0; i < 7; i++) {
			if (!strcmp(pf[i], "*"))
				wild++;
			else if (strcmp(pf[i], df[i]))
				break;
		}
		if (i == 7 && wild < least) {
			least = wild;
			snprintf(best, size, "%s", mod);
		}
	}
}

int main(int argc, char **argv)
{
	char path[4096], modalias[256], best[64];
	struct dirent *de;
	DIR *d;

	if (argc != 3)
		return 2;
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices", argv[1]);
	d = opendir(path);
	if (!d)
		return 1;
	while ((de = readdir(d))) {
		size_t len;
		char *aliases;
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/modalias", argv[1], de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, modalias, sizeof(modalias) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			continue;
		modalias[strcspn(modalias, "\n")] = '\0';
		/* per device, as they do: the whole file, every time */
		snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.alias", argv[1], argv[2]);
		aliases = read_all(path, &len);
		best_variant(aliases, modalias, best, sizeof(best));
		free(aliases);
		printf("%s %s\n", de->d_name, best);
	}
	closedir(d);
	return 0;
}
