/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_PCILIB_H
#define VFIOCTL_PCILIB_H

#include <pci/pci.h>

/*
 * libpci.so.3, opened when a name is first printed (lib/dl.h): the
 * functions lib/names.c calls, typed from pci/pci.h. PCILIB_SYMS is the
 * one list (the table, its dlsym names, debian/shlibs-stub.c).
 */
#define PCILIB_SYMS(X) \
	X(alloc, pci_alloc) \
	X(cleanup, pci_cleanup) \
	X(set_param, pci_set_param) \
	X(set_name_list_path, pci_set_name_list_path) \
	X(lookup_name, pci_lookup_name)

struct pcilib {
#define PCILIB_FIELD(field, sym) __typeof__(&sym) field;
	PCILIB_SYMS(PCILIB_FIELD)
#undef PCILIB_FIELD
};

/* libpci, loaded once: 0, or -ELIBACC when it cannot be (not installed). */
int pcilib(const struct pcilib **lib);

#endif
