// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "log.h"
#include "names.h"
#include "pcilib.h"
#include "util.h"

/*
 * libpci's error callback must not return; we jump back to the lookup that
 * called it, so a broken ID database costs names, never the process.
 */
static jmp_buf pci_jmp;

static void __attribute__((format(printf, 2, 0))) pci_log(int prio, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_msg(prio, "libpci: %s", msg);
}

static void __attribute__((noreturn, format(printf, 1, 2))) pci_error_cb(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pci_log(LOG_ERR, fmt, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2))) pci_warning_cb(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pci_log(LOG_INFO, fmt, ap);	/* e.g. "Cannot open pci.ids": names are optional */
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2))) pci_debug_cb(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pci_log(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static struct pci_access *names_access(struct vctx *ctx)
{
	static const char *const dbs[] = {
		"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids",
	};
	const struct pcilib *p;
	struct pci_access *pacc;
	char path[PATH_MAX];
	size_t i;

	if (ctx->pacc_failed)
		return NULL;
	if (ctx->pacc)
		return ctx->pacc;
	/* no libpci: IDs, as with no pci.ids */
	if (pcilib(&p)) {
		ctx->pacc_failed = true;
		return NULL;
	}
	pacc = p->alloc();
	if (!pacc) {
		ctx->pacc_failed = true;
		return NULL;
	}
	pacc->error = pci_error_cb;
	pacc->warning = pci_warning_cb;
	pacc->debug = pci_debug_cb;
	if (!ctx->live) {
		/* the host's hwdb describes the host, not this root */
		static char param[] = "hwdb.disable", yes[] = "1";

		p->set_param(pacc, param, yes);
		for (i = 0; i < ARRAY_SIZE(dbs); i++) {
			if (ctx_path(ctx, path, sizeof(path), "%s", dbs[i]) == 0 &&
			    path_exists(path)) {
				p->set_name_list_path(pacc, strdup(path), 1);
				break;
			}
		}
	}
	ctx->pacc = pacc;
	return pacc;
}

static const char *lookup(struct vctx *ctx, char *buf, size_t size, int flags,
			  unsigned a, unsigned b)
{
	struct pci_access *pacc = names_access(ctx);
	const struct pcilib *p;
	const char *r = NULL;

	if (!pacc || pcilib(&p))
		return NULL;
	if (setjmp(pci_jmp) == 0)
		r = p->lookup_name(pacc, buf, (int)size, flags | PCI_LOOKUP_NO_NUMBERS,
				    a, b);
	else
		ctx->pacc_failed = true;
	return r;
}

const char *names_vendor(struct vctx *ctx, unsigned vendor, char *buf, size_t size)
{
	return lookup(ctx, buf, size, PCI_LOOKUP_VENDOR, vendor, 0);
}

const char *names_device(struct vctx *ctx, unsigned vendor, unsigned device,
			 char *buf, size_t size)
{
	return lookup(ctx, buf, size, PCI_LOOKUP_DEVICE, vendor, device);
}

const char *names_class(struct vctx *ctx, unsigned class24, char *buf, size_t size)
{
	return lookup(ctx, buf, size, PCI_LOOKUP_CLASS, class24 >> 8, 0);
}

void names_release(struct vctx *ctx)
{
	const struct pcilib *p;

	if (ctx->pacc && pcilib(&p) == 0)
		p->cleanup(ctx->pacc);
	ctx->pacc = NULL;
}
