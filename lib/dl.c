// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "dl.h"
#include "log.h"

int dl_load(const char *soname, const struct dl_sym *syms, size_t n, void *table,
	    int *err, int *tried)
{
	void *h;
	size_t i;

	if (*tried)
		return *err;
	*tried = 1;
	*err = -ELIBACC;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		dbg("%s", dlerror());
		return *err;
	}
	for (i = 0; i < n; i++) {
		void *s = dlsym(h, syms[i].name);

		if (!s) {
			dbg("%s: %s", soname, dlerror());
			return *err;
		}
		/* a function pointer, stored from dlsym's void * (POSIX) */
		memcpy((char *)table + syms[i].offset, &s, sizeof(s));
	}
	*err = 0;
	return 0;
}
