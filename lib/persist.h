/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_PERSIST_H
#define VFIOCTL_PERSIST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "owner.h"
#include "pcidev.h"

struct vctx;

/*
 * Records of bindings that must hold across reboots: one small file per
 * device (or per vendor:device match) under ROOT/etc/vfioctl.d/, named
 * pci-ADDRESS.conf, BUS-NAME.conf (another bus: platform-fff50000.ethernet.conf)
 * or ids-VVVV:DDDD[:SSSS:TTTT].conf, of "key = value" lines (see vfioctl.d(5)):
 *	device = 0000:01:00.0		or	ids = 15b3:101e[:15b3:0001]
 *	(or device = BUS/NAME: platform/fff50000.ethernet, amba/..., fsl-mc/..., cdx/...)
 *	driver = auto			or	driver = NAME (module or driver)
 *					or	driver = keep (leave its driver alone)
 *	owner = USER[:GROUP]		optional: who gets its VFIO nodes
 *	numvfs = N			optional: create N SR-IOV VFs (each bound
 *					to its best VFIO driver)
 */
enum match_kind { MATCH_DEVICE, MATCH_IDS };

#define RECORD_AUTO "auto"
#define RECORD_KEEP "keep"	/* leave the device on its driver (a PF whose VFs are wanted) */

struct record {
	char file[PATH_MAX];
	enum match_kind kind;
	char addr[DEV_ID_MAX];			/* MATCH_DEVICE: dev_id_parse's id */
	unsigned vendor, device;		/* MATCH_IDS */
	unsigned subvendor, subdevice;
	bool has_sub;
	char driver[NAME_MAX_LEN];		/* RECORD_AUTO or a name */
	char owner[OWNER_MAX];			/* USER[:GROUP] for its VFIO nodes, "" none */
	int numvfs;				/* SR-IOV VFs to create, -1: none said */
};

/* A malformed or refused file: reported, skipped, listed. */
struct record_error {
	char file[PATH_MAX];
	char msg[256];
};

struct records {
	struct record *v;
	size_t n;
	struct record_error *err;
	size_t nerr;
};

/*
 * Read every *.conf under ROOT/etc/vfioctl.d, sorted by name. A file not
 * owned by root, or writable by others, is refused; a malformed one is
 * reported as "file:line: what" and skipped; neither stops the others.
 * Missing directory: no records, 0.
 */
int records_load(struct vctx *ctx, struct records *rs);
void records_free(struct records *rs);

/*
 * The record that applies to d: a device record before an ids record, a
 * match with subsystem IDs before one without, else the first by name.
 */
const struct record *records_match(const struct records *rs, const struct pcidev *d);
bool record_matches(const struct record *r, const struct pcidev *d);

/*
 * "VVVV:DDDD" or "VVVV:DDDD:SSSS:TTTT" (4 hex digits each) into r's IDs.
 * 0 or -EINVAL.
 */
int ids_parse(const char *s, struct record *r);

/*
 * The file a record lives in: ROOT/etc/vfioctl.d/{pci-ADDR,BUS-NAME,ids-IDS}.conf
 * (BUS-NAME: dev_key(), driverctl's spelling; NAME has no '/').
 */
int record_path(struct vctx *ctx, const struct record *r, char *path, size_t size);

/* A device record of another bus than PCI (device = BUS/NAME). */
bool record_other_bus(const struct record *r);

/*
 * Parse one record file, opened as f and named path (in messages): 0, or
 * -EINVAL with the error added to rs (which may be empty) and warned.
 */
int record_parse(struct records *rs, const char *path, FILE *f, struct record *r);

/*
 * Is r what records_load would accept: its device (a PCI address or
 * BUS/NAME; numvfs for PCI only) or IDs, a driver name,
 * an owner_valid() owner, a VF count? 0 or -EINVAL.
 */
int record_check(const struct record *r);

/* r as its file says it: record_check() first, -ENAMETOOLONG when cut. */
int record_format(const struct record *r, char *buf, size_t size);

/*
 * Write r atomically (temp file, fsync, rename), mode 0644: to r->file when
 * set (a record read from disk stays in its file), else to record_path().
 * -EINVAL, and nothing written, unless record_check() passes.
 */
int record_write(struct vctx *ctx, const struct record *r);

/* Remove r's file (r->file, else record_path()); 0 when it was not there. */
int record_remove(struct vctx *ctx, const struct record *r);

/*
 * Regenerate ROOT/etc/modprobe.d/vfioctl.conf from the records: for every
 * native module that could take a recorded device (its current non-VFIO
 * driver's module, and every module whose plain alias matches it), an
 * install line that runs `vfioctl apply` first. Whoever loads that module
 * (udev, for another device of the same kind; the initramfs) then finds
 * the recorded devices already on their VFIO drivers. Removed when no
 * record needs it. *path gets the file.
 */
int modprobe_conf_update(struct vctx *ctx, bool dry_run, char *path, size_t size);

/*
 * One of driverctl's saved overrides (/etc/driverctl.d/pci-ADDRESS, holding
 * a driver's name) as a device record, for import-driverctl. Trusted as a
 * record is: a regular file owned by root and writable by no one else,
 * holding one name. name is the file's name, path its full path. 0, or
 * -EINVAL (not a PCI override: why is ""), -EPERM (refused) or -errno, with
 * why saying what is wrong in words.
 */
int driverctl_read(const char *path, const char *name, struct record *r, char *why,
		   size_t size);

/* "0000:01:00.0", "platform/NAME" or "15b3:101e[:...]" for messages. */
const char *record_what(const struct record *r, char *buf, size_t size);

#endif
