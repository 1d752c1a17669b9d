// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One PF's VFs, for sriov and apply: create N virtual functions without
 * letting host drivers grab them, and bind each to its best VFIO driver.
 *
 * A VF is probed on its own only if its PF's sriov_drivers_autoprobe is 1
 * or the VF has a driver_override: so autoprobe goes to 0, the VFs are
 * created, each gets its override and a probe, and autoprobe goes back.
 * When the PF itself is on vfio-pci, vfio-pci gives its new VFs the
 * override "vfio-pci" and they bind to it at once, ahead of any variant:
 * binding them to their best driver then moves them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctx.h"
#include "log.h"
#include "module.h"
#include "print.h"
#include "report.h"

static int read_int(const struct pcidev *d, const char *attr, int *v)
{
	char path[PATH_MAX], buf[32], *end;
	ssize_t n;

	if (xsnprintf(path, sizeof(path), "%s/%s", d->path, attr))
		return -ENAMETOOLONG;
	n = read_attr(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	*v = (int)strtol(buf, &end, 10);
	return *end ? -EINVAL : 0;
}

static int write_pf(const struct pcidev *d, const char *attr, int v)
{
	char path[PATH_MAX], buf[16];

	if (xsnprintf(path, sizeof(path), "%s/%s", d->path, attr))
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%d", v);
	info("write %s to %s", buf, path);
	return write_attr(path, buf);
}

/* The PF's VFs, in VF order (virtfn0, virtfn1, ...). */
static int vf_list(const struct pcidev *d, char (**vfs)[PCI_ADDR_MAX], size_t *n)
{
	char (*v)[PCI_ADDR_MAX];
	size_t i, count = 0;
	int total = 4096;

	v = calloc((size_t)total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < (size_t)total; i++) {
		char path[PATH_MAX];

		if (xsnprintf(path, sizeof(path), "%s/virtfn%zu", d->path, i) ||
		    read_link_base(path, v[count], sizeof(v[count])))
			break;
		count++;
	}
	*vfs = v;
	*n = count;
	return 0;
}

/*
 * Every VF on a VFIO driver back to the kernel's choice. First all are
 * checked for holders (a VM): removing a held VF would block until the VM
 * lets go, so when one is held none is touched (-EBUSY).
 */
static int give_back_vfs(struct vctx *ctx, const struct pcidev *pf, bool force)
{
	char (*vfs)[PCI_ADDR_MAX] = NULL;
	size_t i, n = 0;
	int err = 0;

	if (vf_list(pf, &vfs, &n))
		return 0;
	out_open_array("checked");
	for (i = 0; i < n; i++) {
		struct pcidev vf;

		if (pcidev_load(ctx, vfs[i], &vf) || !vf.driver[0] ||
		    driver_is_vfio(ctx, vf.driver) != 1) {
			vfs[i][0] = '\0';	/* not VFIO's: nothing to give back */
			continue;
		}
		out_open_object(NULL);
		out_str(OUT_JSON, "device", NULL, vf.addr);
		if (check_in_use(ctx, &vf, force))
			err = -EBUSY;
		out_close_object();
	}
	out_close_array();
	if (!err) {
		out_open_array("given_back");
		for (i = 0; i < n; i++)
			if (vfs[i][0] && unbind_device(ctx, vfs[i], false, force) == BIND_FAILED)
				err = -EIO;
		out_close_array();
	}
	free(vfs);
	return err;
}

int sriov_set(struct vctx *ctx, const struct sriov_req *r)
{
	char (*vfs)[PCI_ADDR_MAX] = NULL;
	int total, cur, autoprobe = 1, status = 0, err;
	bool autoprobe_off = false;
	struct pcidev pf;
	size_t i, n = 0;

	out_open_object(NULL);
	out_str(OUT_JSON, "device", NULL, r->pf);
	err = pcidev_load(ctx, r->pf, &pf);
	if (err) {
		out_error(r->pf, err, "cannot read device");
		goto fail;
	}
	if (read_int(&pf, "sriov_totalvfs", &total) || read_int(&pf, "sriov_numvfs", &cur)) {
		out_error(pf.addr, 0, "not SR-IOV capable (no sriov_totalvfs in sysfs)");
		goto fail;
	}
	out_int(OUT_JSON, "numvfs", NULL, r->numvfs);
	out_int(OUT_JSON, "previous_numvfs", NULL, cur);
	if (r->defer && !pf.driver[0] && cur != r->numvfs) {
		/* only the PF's driver can make VFs: udev runs apply again when it binds */
		out_str(OUT_JSON, "status", NULL, "deferred");
		info("%s: no driver yet; its %d VFs are made when one binds it", pf.addr, r->numvfs);
		goto out;
	}
	if (r->numvfs > total) {
		out_error(pf.addr, 0, "--numvfs %d: it supports at most %d VFs", r->numvfs, total);
		ctx_fail(ctx, EXIT_USAGE);
		err = -EINVAL;
		goto out;
	}
	if (pf.driver[0] && !strcmp(pf.driver, "vfio-pci") && cur != r->numvfs && r->numvfs)
		info("%s: on vfio-pci: its VFs come up on vfio-pci (it sets their override) and are "
		     "moved to their best driver", pf.addr);
	if (r->dry_run) {
		out_text("%s: would set %d VFs (now %d)", pf.addr, r->numvfs, cur);
		if (cur != r->numvfs && r->numvfs)
			out_text(": sriov_drivers_autoprobe 0, %ssriov_numvfs %d, each VF to its best VFIO "
				 "driver, autoprobe back", cur ? "sriov_numvfs 0, " : "", r->numvfs);
		out_text("\n");
		status = cur != r->numvfs;
		goto out;
	}
	err = bindop_lock(ctx);
	if (err) {
		out_error(pf.addr, err, "cannot take the lock in run/vfioctl");
		goto fail;
	}
	if (read_int(&pf, "sriov_drivers_autoprobe", &autoprobe) == 0 && autoprobe &&
	    cur != r->numvfs) {
		/* no host driver takes a VF: not the new ones, nor the old ones on their way out */
		err = write_pf(&pf, "sriov_drivers_autoprobe", 0);
		autoprobe_off = !err;
	}
	if (cur && cur != r->numvfs) {
		/* the kernel changes the count only through 0 */
		err = give_back_vfs(ctx, &pf, r->force);
		if (err) {
			/* removing a VF a VM holds would block until the VM lets go */
			out_error(pf.addr, err, "a VF could not be given back; its %d VFs are kept", cur);
			goto fail;
		}
		err = write_pf(&pf, "sriov_numvfs", 0);
		if (err) {
			out_error(pf.addr, err, "cannot remove its %d VFs", cur);
			goto fail;
		}
		status = 1;
	}
	if (r->numvfs == 0) {
		if (!cur)
			out_text("%s: no VFs; nothing to do\n", pf.addr);
		else
			out_text("%s: %d VFs removed\n", pf.addr, cur);
		out_open_array("vfs");
		out_close_array();
		goto restore;
	}
	if (cur != r->numvfs) {
		err = write_pf(&pf, "sriov_numvfs", r->numvfs);
		if (err) {
			out_error(pf.addr, err, "cannot create %d VFs%s", r->numvfs,
				  !strcmp(pf.driver, "vfio-pci") ?
				  " (vfio-pci creates VFs only with its enable_sriov parameter set)" :
				  pf.driver[0] ? "" : " (its driver must support SR-IOV: it has none)");
			goto fail;
		}
		status = 1;
		out_text("%s: %d VFs created (was %d)\n", pf.addr, r->numvfs, cur);
	}
	err = vf_list(&pf, &vfs, &n);
	out_open_array("vfs");
	for (i = 0; !err && i < n; i++) {
		struct bind_req req = { .addr = vfs[i], .driver = r->driver, .owner = r->owner,
					.noiommu = r->noiommu, .force = r->force };

		switch (bind_device(ctx, &req)) {
		case BIND_BOUND:
			status = 1;
			break;
		case BIND_FAILED:
			err = -EIO;
			break;
		default:
			break;
		}
	}
	out_close_array();
	free(vfs);
	if (err)
		goto fail;
restore:
	if (autoprobe_off)
		write_pf(&pf, "sriov_drivers_autoprobe", autoprobe);
	goto out;
fail:
	if (autoprobe_off)
		write_pf(&pf, "sriov_drivers_autoprobe", autoprobe);
	ctx_fail(ctx, EXIT_FAILED);
	status = err ? err : -EIO;
out:
	if (status >= 0)
		out_bool(OUT_JSON, "changed", NULL, status > 0);
	out_close_object();
	return status;
}
