// SPDX-License-Identifier: GPL-2.0-or-later
/* Steps 5 and 6: modules, the drivers they register, and loading them. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "alias.h"
#include "bus.h"
#include "ctx.h"
#include "kindex.h"
#include "log.h"
#include "kmodlib.h"
#include "module.h"
#include "util.h"

bool valid_name(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

int mod_state(struct vctx *ctx, const char *module, enum mod_state *st)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int err;

	err = ctx_path(ctx, path, sizeof(path), "/sys/module/%s", module);
	if (err)
		return err;
	if (!is_dir(path)) {
		*st = MOD_NOT_LOADED;
		return 0;
	}
	err = ctx_path(ctx, path, sizeof(path), "/sys/module/%s/initstate", module);
	if (err)
		return err;
	n = read_attr(path, buf, sizeof(buf));
	if (n == -ENOENT) {
		*st = MOD_BUILTIN;
		return 0;
	}
	if (n < 0)
		return (int)n;
	if (!strcmp(buf, "live"))
		*st = MOD_LIVE;
	else if (!strcmp(buf, "coming"))
		*st = MOD_COMING;
	else
		*st = MOD_GOING;
	return 0;
}

const char *mod_state_name(enum mod_state st)
{
	switch (st) {
	case MOD_NOT_LOADED:
		return "not loaded";
	case MOD_LIVE:
		return "loaded";
	case MOD_COMING:
		return "loading";
	case MOD_GOING:
		return "unloading";
	case MOD_BUILTIN:
		return "built-in";
	}
	return "?";
}

/* The module by name, through libkmod; *k its functions (lib/kmodlib.h). */
static int lookup_module(struct vctx *ctx, const char *module, struct kmod_module **mod,
			 const struct kmodlib **k)
{
	struct kmod_ctx *kmod;
	int err;

	err = ctx_kmod(ctx, &kmod);
	if (!err)
		err = kmodlib(k);
	if (err)
		return err;
	*mod = NULL;
	err = (*k)->module_new_from_name_lookup(kmod, module, mod);
	if (err < 0)
		return err;
	return *mod ? 0 : -ENOENT;
}

/* The names of the modules a modules.dep line ("PATH: DEP-PATH...") lists. */
static int dep_names(const char *line, char *buf, size_t size)
{
	const char *p = strchr(line, ':');
	size_t len = 0, i, n;

	buf[0] = '\0';
	if (!p)
		return -EINVAL;
	for (p++; *(p += strspn(p, " \t")); p += n) {
		const char *base = p;

		n = strcspn(p, " \t");
		for (i = 0; i < n; i++)
			if (p[i] == '/')
				base = p + i + 1;
		/* as libkmod names a module from its path: up to the first '.', '-' as '_' */
		i = strcspn(base, ". \t");
		if (len + i + 2 > size)
			return -ENAMETOOLONG;
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, base, i);
		buf[len + i] = '\0';
		modname_normalize(buf + len);
		len += i;
	}
	return 0;
}

int mod_deps(struct vctx *ctx, const char *module, char *buf, size_t size)
{
	struct kmod_list *deps, *l;
	const struct kmodlib *k;
	struct kmod_module *mod;
	char line[PATH_MAX * 2];
	struct kindex *idx;
	size_t len = 0;
	int err;

	buf[0] = '\0';
	/* the index vfioctl has open already, rather than libkmod opening it again */
	err = ctx_index(ctx, IDX_DEP, &idx);
	if (!err) {
		err = kindex_lookup(idx, module, line, sizeof(line));
		if (!err)
			return dep_names(line, buf, size);
		if (err != -ENOENT)
			return err;
		err = module_is_builtin(ctx, module);
		return err < 0 ? err : err > 0 ? 0 : -ENOENT;
	}
	err = lookup_module(ctx, module, &mod, &k);
	if (err)
		return err;
	deps = k->module_get_dependencies(mod);
	kmodlib_foreach(k, l, deps) {
		struct kmod_module *d = k->module_get_module(l);
		const char *name = k->module_get_name(d);

		if (len + strlen(name) + 2 < size) {
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "", name);
		} else {
			err = -ENAMETOOLONG;
		}
		k->module_unref(d);
	}
	k->module_unref_list(deps);
	k->module_unref(mod);
	return err;
}

static unsigned long mod_gen;

unsigned long mod_generation(void)
{
	return mod_gen;
}

int mod_load(struct vctx *ctx, const char *module)
{
	return mod_load_opts(ctx, module, NULL);
}

int mod_load_opts(struct vctx *ctx, const char *module, const char *options)
{
	const struct kmodlib *k;
	struct kmod_module *mod;
	enum mod_state st;
	int err;

	err = mod_state(ctx, module, &st);
	if (err)
		return err;
	if (st == MOD_LIVE || st == MOD_BUILTIN)
		return 0;
	if (!ctx->live)
		return -EOPNOTSUPP;
	err = lookup_module(ctx, module, &mod, &k);
	if (err)
		return err;
	info("loading module %s%s%s", module, options ? " " : "", options ? options : "");
	/* its drivers probe devices: new interfaces, disks, consoles */
	sysfs_changed();
	mod_gen++;
	err = k->module_probe_insert_module(mod, 0, options, NULL, NULL, NULL);
	k->module_unref(mod);
	if (err > 0)
		err = -EPERM;	/* refused by modprobe.d (blacklist) */
	if (err)
		return err;
	err = mod_state(ctx, module, &st);
	if (err)
		return err;
	return (st == MOD_LIVE || st == MOD_BUILTIN) ? 0 : -ENOENT;
}

int mod_bus_driver(struct vctx *ctx, const char *module, const char *bus, char *driver,
		   size_t size)
{
	size_t blen = strlen(bus);
	char dir[PATH_MAX];
	struct dirent *de;
	int found = 0, err = 0;
	DIR *d;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/module/%s/drivers", module);
	if (err)
		return err;
	d = open_dir_stream(dir);
	if (!d)
		return errno == ENOENT ? -ENOENT : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, bus, blen) || de->d_name[blen] != ':' ||
		    !de->d_name[blen + 1])
			continue;
		if (found++ == 0)
			err = xstrcpy(driver, size, de->d_name + blen + 1);
	}
	closedir(d);
	if (err)
		return err;
	if (found == 0)
		return -ENOENT;
	return found > 1 ? -ENOTUNIQ : 0;
}

int mod_pci_driver(struct vctx *ctx, const char *module, char *driver, size_t size)
{
	return mod_bus_driver(ctx, module, "pci", driver, size);
}

bool bus_driver_registered(struct vctx *ctx, const char *bus, const char *driver)
{
	char path[PATH_MAX];

	if (ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers/%s", bus, driver))
		return false;
	return is_dir(path);
}

bool driver_registered(struct vctx *ctx, const char *driver)
{
	return bus_driver_registered(ctx, "pci", driver);
}

int bus_driver_module(struct vctx *ctx, const char *bus, const char *driver, char *module,
		      size_t size)
{
	char path[PATH_MAX];
	int err;

	err = ctx_path(ctx, path, sizeof(path), "/sys/bus/%s/drivers/%s/module", bus, driver);
	if (err)
		return err;
	return read_link_base(path, module, size);
}

int driver_module(struct vctx *ctx, const char *driver, char *module, size_t size)
{
	return bus_driver_module(ctx, "pci", driver, module, size);
}

static bool has_vfio_alias(struct vctx *ctx, const char *module)
{
	struct kmod_list *info = NULL, *l;
	const struct kmodlib *k;
	struct kmod_module *mod;
	bool found = false;

	if (lookup_module(ctx, module, &mod, &k))
		return false;
	if (k->module_get_info(mod, &info) >= 0) {
		kmodlib_foreach(k, l, info) {
			const char *key = k->module_info_get_key(l);
			const char *v = k->module_info_get_value(l);

			if (key && v && !strcmp(key, "alias") && !strncmp(v, "vfio_", 5))
				found = true;
		}
		k->module_info_free_list(info);
	}
	k->module_unref(mod);
	return found;
}

static int module_is_vfio(struct vctx *ctx, const char *module)
{
	char path[PATH_MAX], deps[2048];
	const char *p;
	size_t len;

	if (!strcmp(module, GENERIC_VFIO_MODULE))
		return 1;
	if (ctx_path(ctx, path, sizeof(path), "/sys/module/vfio_pci_core/holders/%s", module) == 0 &&
	    path_exists(path))
		return 1;
	if (mod_deps(ctx, module, deps, sizeof(deps)) == 0) {
		len = strlen("vfio_pci_core");
		for (p = deps; (p = strstr(p, "vfio_pci_core")); p += len)
			if ((p == deps || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
				return 1;
	}
	/* modular variants depend on vfio_pci_core; built-in ones have no deps */
	return module_is_builtin(ctx, module) > 0 && has_vfio_alias(ctx, module);
}

int driver_is_vfio(struct vctx *ctx, const char *driver)
{
	char module[NAME_MAX_LEN];
	size_t i;
	int vfio;

	/*
	 * A registered driver's module and what that depends on stay as they
	 * are while vfioctl runs: asked once per driver, not once per device.
	 */
	for (i = 0; i < ctx->nvfio_drivers; i++)
		if (!strcmp(ctx->vfio_drivers[i].driver, driver))
			return ctx->vfio_drivers[i].vfio;
	if (driver_module(ctx, driver, module, sizeof(module)))
		/* a driver without a module kobject: all we have is its name */
		vfio = strstr(driver, "vfio") != NULL;
	else
		vfio = module_is_vfio(ctx, module);
	if (ctx->nvfio_drivers < ARRAY_SIZE(ctx->vfio_drivers) &&
	    xstrcpy(ctx->vfio_drivers[ctx->nvfio_drivers].driver,
		    sizeof(ctx->vfio_drivers[0].driver), driver) == 0)
		ctx->vfio_drivers[ctx->nvfio_drivers++].vfio = vfio;
	return vfio;
}

int bus_driver_is_vfio(struct vctx *ctx, const char *bus, const char *driver)
{
	const struct bus_kind *b = bus_by_name(bus);
	char module[NAME_MAX_LEN];

	if (!b || b->id == BUS_PCI)
		return driver_is_vfio(ctx, driver);
	if (bus_driver_module(ctx, bus, driver, module, sizeof(module)))
		/* a driver without a module kobject: all we have is its name */
		return !strncmp(driver, "vfio", 4);
	return !strcmp(module, b->universal) || has_vfio_alias(ctx, module);
}
