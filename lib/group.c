// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "group.h"
#include "module.h"

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
		struct pcidev d;

		if (pcidev_load(ctx, addrs[i], &d))
			continue;
		memcpy(m->addr, d.addr, sizeof(m->addr));
		memcpy(m->driver, d.driver, sizeof(m->driver));
		m->bridge = d.is_bridge;
		m->ok = member_ok(ctx, m);
		gs->viable &= m->ok;
		gs->n++;
	}
	free(addrs);
	return 0;
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
