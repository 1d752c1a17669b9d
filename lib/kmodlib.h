/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_KMODLIB_H
#define VFIOCTL_KMODLIB_H

#include <libkmod.h>

/*
 * libkmod.so.2, opened on first use (lib/dl.h): the functions vfioctl
 * calls, typed from libkmod.h so that the compiler checks every call.
 * KMODLIB_SYMS is the one list: the table, its dlsym names and the link
 * stub that gives dpkg-shlibdeps the package's dependency
 * (debian/shlibs-stub.c) are made from it.
 */
#define KMODLIB_SYMS(X) \
	X(new_ctx, kmod_new) \
	X(unref, kmod_unref) \
	X(set_log_fn, kmod_set_log_fn) \
	X(set_log_priority, kmod_set_log_priority) \
	X(list_next, kmod_list_next) \
	X(module_new_from_name_lookup, kmod_module_new_from_name_lookup) \
	X(module_get_dependencies, kmod_module_get_dependencies) \
	X(module_get_module, kmod_module_get_module) \
	X(module_get_name, kmod_module_get_name) \
	X(module_unref, kmod_module_unref) \
	X(module_unref_list, kmod_module_unref_list) \
	X(module_probe_insert_module, kmod_module_probe_insert_module) \
	X(module_get_info, kmod_module_get_info) \
	X(module_info_get_key, kmod_module_info_get_key) \
	X(module_info_get_value, kmod_module_info_get_value) \
	X(module_info_free_list, kmod_module_info_free_list)

struct kmodlib {
#define KMODLIB_FIELD(field, sym) __typeof__(&sym) field;
	KMODLIB_SYMS(KMODLIB_FIELD)
#undef KMODLIB_FIELD
};

/* libkmod, loaded once: 0, or -ELIBACC when it cannot be (not installed). */
int kmodlib(const struct kmodlib **lib);

/* kmod_list_foreach, through the table */
#define kmodlib_foreach(k, pos, list) \
	for ((pos) = (list); (pos); (pos) = (k)->list_next((list), (pos)))

#endif
