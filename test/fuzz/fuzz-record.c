// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record parser (etc/vfioctl.d, lib/persist.c) on any file. What it
 * accepts, vfioctl must be able to write back (record_format), and that
 * text must parse to the same record.
 */
#include "fuzz.h"
#include "../../lib/persist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct records rs = { 0 };
	struct record r, back;
	char buf[512];
	FILE *f;

	fuzz_quiet();
	f = fmemopen((void *)(uintptr_t)data, size, "r");
	if (!f)
		return 0;	/* fmemopen refuses size 0 on some libcs */
	if (record_parse(&rs, "fuzz.conf", f, &r) == 0) {
		fuzz_assert(record_check(&r) == 0);
		fuzz_assert(record_format(&r, buf, sizeof(buf)) == 0);
		fclose(f);
		f = fmemopen(buf, strlen(buf), "r");
		if (!f)
			abort();
		fuzz_assert(record_parse(&rs, "fuzz.conf", f, &back) == 0);
		fuzz_assert(back.kind == r.kind && !strcmp(back.addr, r.addr) &&
			    back.vendor == r.vendor && back.device == r.device &&
			    back.has_sub == r.has_sub && back.subvendor == r.subvendor &&
			    back.subdevice == r.subdevice && !strcmp(back.driver, r.driver) &&
			    !strcmp(back.owner, r.owner) && back.numvfs == r.numvfs);
	}
	fclose(f);
	records_free(&rs);
	return 0;
}
