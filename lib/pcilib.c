// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>

#include "dl.h"
#include "pcilib.h"
#include "util.h"

int pcilib(const struct pcilib **lib)
{
#define PCILIB_ENTRY(field, sym) { #sym, offsetof(struct pcilib, field) },
	static const struct dl_sym syms[] = { PCILIB_SYMS(PCILIB_ENTRY) };
#undef PCILIB_ENTRY
	static struct pcilib table;
	static int err, tried;

	*lib = &table;
	return dl_load("libpci.so.3", syms, ARRAY_SIZE(syms), &table, &err, &tried);
}
