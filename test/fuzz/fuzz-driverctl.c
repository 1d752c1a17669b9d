// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * driverctl's saved overrides as import-driverctl reads them
 * (driverctl_read): the input is a file name, a NUL, and the file's
 * content. What it accepts is a device record vfioctl can write.
 */
#include "fuzz.h"
#include "../../lib/module.h"
#include "../../lib/persist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_part(&data, &size), path[4096], why[128];
	struct record r;

	fuzz_quiet();
	fuzz_write("override", data, size);
	snprintf(path, sizeof(path), "%s/override", fuzz_root());
	if (driverctl_read(path, name, &r, why, sizeof(why)) == 0) {
		fuzz_assert(r.kind == MATCH_DEVICE && valid_name(r.driver));
		fuzz_assert(record_check(&r) == 0);
		fuzz_assert(!memchr(data, '\0', size));
	} else {
		fuzz_assert(strlen(why) < sizeof(why));
	}
	free(name);
	return 0;
}
