// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Built, never installed: a program linked against libkmod and libpci
 * that references exactly the functions vfioctl opens them for (the
 * lists of lib/kmodlib.h and lib/pcilib.h). vfioctl itself loads them
 * with dlopen, which dpkg-shlibdeps cannot see; given this stub too
 * (debian/rules), it takes the package's libkmod2 and libpci3 versions
 * from those libraries' symbols files.
 */
#include <stddef.h>

#include "kmodlib.h"
#include "pcilib.h"

#define STUB_REF(field, sym) (void (*)(void))sym,

int main(void)
{
	static void (*const volatile syms[])(void) = {
		KMODLIB_SYMS(STUB_REF)
		PCILIB_SYMS(STUB_REF)
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		n += syms[i] != NULL;
	return n == sizeof(syms) / sizeof(syms[0]) ? 0 : 1;
}
