// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>

#include "dl.h"
#include "kmodlib.h"
#include "util.h"

int kmodlib(const struct kmodlib **lib)
{
#define KMODLIB_ENTRY(field, sym) { #sym, offsetof(struct kmodlib, field) },
	static const struct dl_sym syms[] = { KMODLIB_SYMS(KMODLIB_ENTRY) };
#undef KMODLIB_ENTRY
	static struct kmodlib table;
	static int err, tried;

	*lib = &table;
	return dl_load("libkmod.so.2", syms, ARRAY_SIZE(syms), &table, &err, &tried);
}
