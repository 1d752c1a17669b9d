/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_DL_H
#define VFIOCTL_DL_H

#include <stddef.h>

/*
 * A shared library vfioctl loads only when a command needs it (dlopen):
 * libkmod to load or inspect a module (lib/kmodlib.h), libpci to name
 * devices (lib/pcilib.h). Starting without their chains of libraries
 * (libcrypto, libzstd, liblzma; libudev, libz) is most of vfioctl's
 * start-up time on a slow machine.
 */
struct dl_sym {
	const char *name;
	size_t offset;		/* of its function pointer in the table */
};

/*
 * dlopen soname (once; never closed) and fill table with its symbols.
 * 0, or -ELIBACC when the library or one of the symbols is missing (said
 * at debug level with dlerror()'s words); the result is kept in *err.
 */
int dl_load(const char *soname, const struct dl_sym *syms, size_t n, void *table,
	    int *err, int *tried);

#endif
