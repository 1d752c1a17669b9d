// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inuse-probe [--root DIR] DEVICE...: what the host uses each device for,
 * one line per use: "ADDR KIND NAME: WHAT"; nothing for an unused device.
 * A test driver for lib/inuse.c (test/inuse.bats) until a command prints
 * the uses. Exit 0, or 1 when a device could not be read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "inuse.h"
#include "pcidev.h"

int main(int argc, char **argv)
{
	const char *root = NULL;
	char addr[PCI_ADDR_MAX];
	struct pcidev d;
	struct vctx ctx;
	struct uses u = { NULL, 0 };
	int i = 1, err, status = 0;
	size_t j;

	if (argc > 2 && !strcmp(argv[1], "--root")) {
		root = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: inuse-probe [--root DIR] DEVICE...\n");
		return 2;
	}
	err = ctx_init(&ctx, root, NULL);
	if (err) {
		fprintf(stderr, "inuse-probe: %s: %s\n", root ? root : "/", strerror(-err));
		return 2;
	}
	for (; i < argc; i++) {
		err = pci_addr_parse(argv[i], addr);
		if (!err)
			err = pcidev_load(&ctx, addr, &d);
		if (!err)
			err = device_uses(&ctx, &d, &u);
		if (err) {
			fprintf(stderr, "inuse-probe: %s: %s\n", argv[i], strerror(-err));
			status = 1;
		} else {
			for (j = 0; j < u.n; j++)
				printf("%s %s %s: %s\n", d.addr, use_kind_name(u.v[j].kind),
				       u.v[j].name, u.v[j].what);
		}
		uses_free(&u);
	}
	ctx_release(&ctx);
	return status;
}
