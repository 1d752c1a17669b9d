/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_MODULE_H
#define VFIOCTL_MODULE_H

#include <stdbool.h>
#include <stddef.h>

struct vctx;

/* A module as ROOT/sys/module shows it. */
enum mod_state {
	MOD_NOT_LOADED,	/* no ROOT/sys/module/NAME */
	MOD_LIVE,
	MOD_COMING,
	MOD_GOING,
	MOD_BUILTIN,	/* present without initstate: built into the kernel */
};

int mod_state(struct vctx *ctx, const char *module, enum mod_state *st);
/* Bumped by every module load vfioctl attempts: what was found of modules before is stale. */
unsigned long mod_generation(void);
const char *mod_state_name(enum mod_state st);

/*
 * The module's dependencies, space-separated, as modules.dep lists them;
 * "" for none or for a built-in module. -ENOENT when the module
 * directory knows no such module.
 */
int mod_deps(struct vctx *ctx, const char *module, char *buf, size_t size);

/*
 * Step 5: load exactly this module and its dependencies through libkmod,
 * honouring modprobe.d options and install commands, as `modprobe MODULE`
 * (not `modprobe ALIAS`, which would load every match). Only on the running
 * system: under --root a module that is not loaded there gives
 * -EOPNOTSUPP, since the running kernel is not the root's kernel.
 */
int mod_load(struct vctx *ctx, const char *module);

/* The same, with module parameters ("reset_required=0") for this load. */
int mod_load_opts(struct vctx *ctx, const char *module, const char *options);

/*
 * Step 6's input: the PCI driver a loaded module registered, read from
 * ROOT/sys/module/MODULE/drivers/pci:NAME. Never derived from the module
 * name. -ENOENT when it registered none, -ENOTUNIQ when several.
 */
int mod_pci_driver(struct vctx *ctx, const char *module, char *driver, size_t size);

/* The same for any bus: ROOT/sys/module/MODULE/drivers/BUS:NAME. */
int mod_bus_driver(struct vctx *ctx, const char *module, const char *bus, char *driver,
		   size_t size);

/* Is a driver of that name registered on the PCI bus? */
bool driver_registered(struct vctx *ctx, const char *driver);
/* ... on BUS (sys/bus/BUS/drivers/NAME) */
bool bus_driver_registered(struct vctx *ctx, const char *bus, const char *driver);

/* The module behind a registered driver; -ENOENT when it has no module link. */
int driver_module(struct vctx *ctx, const char *driver, char *module, size_t size);
int bus_driver_module(struct vctx *ctx, const char *bus, const char *driver, char *module,
		      size_t size);

/*
 * 1 when driver is a VFIO driver: the generic vfio-pci or a variant built
 * on vfio_pci_core (a holder of vfio_pci_core, a module depending on it,
 * or a built-in one with vfio aliases); 0 otherwise.
 */
int driver_is_vfio(struct vctx *ctx, const char *driver);

/*
 * The same on BUS. Beside PCI: the bus's universal driver (vfio-platform,
 * vfio-amba, vfio-fsl-mc, vfio-cdx) or a module with vfio aliases.
 */
int bus_driver_is_vfio(struct vctx *ctx, const char *bus, const char *driver);

/* Valid module or driver name: [A-Za-z0-9_.-], not starting with '.', < 64. */
bool valid_name(const char *name);

#endif
