// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "ctx.h"
#include "device.h"
#include "group.h"
#include "module.h"
#include "util.h"

static bool member_ok(struct vctx *ctx, const struct group_member *m)
{
	if (!m->driver[0] || !strcmp(m->driver, "pci-stub"))
		return true;
	if (m->bridge && !strcmp(m->driver, "pcieport"))
		return true;
	return driver_is_vfio(ctx, m->driver) == 1;
}

int group_status(struct vctx *ctx, int group, struct group_status *gs)
{
	char (*addrs)[PCI_ADDR_MAX] = NULL;
	size_t i, n = 0;
	int err;

	memset(gs, 0, sizeof(*gs));
	gs->group = group;
	err = iommu_group_members(ctx, group, &addrs, &n);
	if (err)
		return err;
	gs->m = calloc(n ? n : 1, sizeof(*gs->m));
	if (!gs->m) {
		free(addrs);
		return -ENOMEM;
	}
	gs->viable = true;
	for (i = 0; i < n; i++) {
		struct group_member *m = &gs->m[gs->n];
		struct device dev;
		unsigned cls = 0;

		/*
		 * The driver and the class alone, not the whole device: a
		 * bind of every device of a large group asks this once a
		 * device, for every member.
		 */
		if (device_open_lazy(ctx, bus_by_name("pci"), addrs[i], &dev))
			continue;
		err = device_driver(&dev, m->driver, sizeof(m->driver));
		if (!err)
			err = device_attr_hex(&dev, "class", &cls);
		device_close(&dev);
		if (err)
			continue;	/* gone since the listing */
		memcpy(m->addr, addrs[i], sizeof(m->addr));
		m->bridge = (cls >> 8) == 0x0604 || (cls >> 8) == 0x0609;
		m->ok = member_ok(ctx, m);
		gs->viable &= m->ok;
		gs->n++;
	}
	free(addrs);
	return 0;
}

int group_status_set(struct vctx *ctx, struct group_status *gs, const char *addr,
		     const char *driver)
{
	size_t i;
	int found = -ENOENT;

	gs->viable = true;
	for (i = 0; i < gs->n; i++) {
		struct group_member *m = &gs->m[i];

		if (!strcmp(m->addr, addr)) {
			if (xstrcpy(m->driver, sizeof(m->driver), driver))
				return -ENAMETOOLONG;
			m->ok = member_ok(ctx, m);
			found = 0;
		}
		gs->viable &= m->ok;
	}
	return found;
}

void group_status_free(struct group_status *gs)
{
	free(gs->m);
	gs->m = NULL;
	gs->n = 0;
}

bool iommu_group_on_probe(struct vctx *ctx)
{
	char path[PATH_MAX];
	struct dirent *e;
	bool found = false;
	DIR *dir;

	if (ctx_path(ctx, path, sizeof(path), "/sys/class/iommu"))
		return false;
	dir = open_dir_stream(path);
	if (!dir)
		return false;
	while (!found && (e = readdir(dir)))
		found = e->d_name[0] != '.';
	closedir(dir);
	return found;
}
