// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Consoles on a PCI device: the boot VGA device, framebuffers (the
 * console's when fbcon is bound), serial consoles on a PCI UART.
 */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "inuse.h"
#include "inuse_int.h"
#include "pcidev.h"
#include "util.h"

/*
 * fbcon is the console of the virtual terminals when its vtconsole
 * ("(M) frame buffer device") is bound. The legacy VGA text console
 * ("(S) VGA+") lives on the boot VGA device, reported on its own.
 */
static int fbcon_bound(struct vctx *ctx, bool *bound)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[128];
	struct dirent **list;
	int i, n, err;

	*bound = false;
	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/vtconsole");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	for (i = 0; i < n && !*bound; i++) {
		if (xsnprintf(path, sizeof(path), "%s/%s/name", dir, list[i]->d_name) ||
		    read_attr(path, buf, sizeof(buf)) < 0 || !strstr(buf, "frame buffer"))
			continue;
		if (!xsnprintf(path, sizeof(path), "%s/%s/bind", dir, list[i]->d_name) &&
		    read_attr(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "1"))
			*bound = true;
	}
	free_list(list, n);
	return 0;
}

/* The DRM card of the device a framebuffer hangs on ("" if none). */
static void drm_card(const char *devdir, char *card, size_t size)
{
	char path[PATH_MAX];
	struct dirent **list;
	int i, n;

	card[0] = '\0';
	if (xsnprintf(path, sizeof(path), "%s/drm", devdir) || list_dir(path, &list, &n))
		return;
	for (i = 0; i < n; i++) {
		const char *s = list[i]->d_name;

		/* card0, not its connectors card0-HDMI-A-1 nor renderD128 */
		if (!strncmp(s, "card", 4) && s[4] && strspn(s + 4, "0123456789") == strlen(s + 4) &&
		    !xstrcpy(card, size, s))
			break;
	}
	free_list(list, n);
}

/*
 * Framebuffers (class/graphics/fbN) whose device is this one: a DRM
 * driver's fbdev emulation or an fbdev driver. fbcon, when bound, puts
 * every virtual terminal on the first framebuffer registered
 * (con2fb_map_boot is all zeros unless fbcon=map: says otherwise), which
 * is the lowest-numbered one present.
 */
static int fb_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX], name[32], card[32];
	struct dirent **list;
	bool fbcon, first = true;
	struct sb s;
	int i, n, err;
	size_t len;

	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/graphics");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (!err)
		err = fbcon_bound(ctx, &fbcon);
	if (err)
		return err;
	/* versionsort: fb0 first; "fbcon" is no framebuffer */
	for (i = 0; i < n && !err; i++) {
		const char *fb = list[i]->d_name;

		if (strncmp(fb, "fb", 2) || !fb[2] || strspn(fb + 2, "0123456789") != strlen(fb + 2))
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s/device", dir, fb) ||
		    real_path(path, real, sizeof(real))) {
			first = false;
			continue;
		}
		if (!under(real, d->realpath)) {
			first = false;
			continue;
		}
		memset(&s, 0, sizeof(s));
		sb_add(&s, "framebuffer %s%s is on it", fb, fbcon && first ? " (the console)" : "");
		/* DRM's fbdev emulation is named after the driver: "bochs-drmdrmfb" */
		drm_card(real, card, sizeof(card));
		len = 0;
		if (!xsnprintf(path, sizeof(path), "%s/%s/name", dir, fb) &&
		    read_attr(path, name, sizeof(name)) > 0)
			len = strlen(name);
		if (card[0] && len >= 5 && !strcmp(name + len - 5, "drmfb"))
			sb_add(&s, ", through DRM %s", card);
		err = add_sb(u, USE_CONSOLE, fb, &s);
		first = false;
	}
	free_list(list, n);
	return err;
}

/*
 * /proc/consoles: the consoles the kernel prints to, "NAME FLAGS (E...)
 * MAJ:MIN", E for enabled. A serial console on a PCI UART (8250_pci,
 * a BMC's serial-over-LAN port) is the tty below the device.
 */
int serial_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char *line = NULL, name[USE_NAME_MAX], path[PATH_MAX], real[PATH_MAX];
	char what[USE_WHAT_MAX];
	const char *open, *close;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/consoles", &f);
	if (err || !f)
		return err;
	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%63s", name) != 1 || strchr(name, '/') || name[0] == '.')
			continue;
		open = strchr(line, '(');
		close = open ? strchr(open, ')') : NULL;
		if (!close || !memchr(open, 'E', (size_t)(close - open)))
			continue;
		if (ctx_path(ctx, path, sizeof(path), "/sys/class/tty/%s", name) ||
		    real_path(path, real, sizeof(real)) || !under(real, d->realpath))
			continue;
		snprintf(what, sizeof(what), "serial console %s is on it", name);
		err = add_use(u, USE_CONSOLE, name, what);
	}
	free(line);
	fclose(f);
	return err;
}

int console_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char path[PATH_MAX], buf[8];
	int err;

	/*
	 * boot_vga is 1 on the VGA device the firmware left decoding the
	 * legacy VGA ranges (vga_default_device()): the one the BIOS/UEFI
	 * console, the boot loader, and vgacon or efifb/simplefb draw on.
	 * Those fbdevs hang on a platform device, not on the PCI device, so
	 * this is the only trace of them here.
	 */
	if (!xsnprintf(path, sizeof(path), "%s/boot_vga", d->path) &&
	    read_attr(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "1")) {
		err = add_use(u, USE_CONSOLE, "boot_vga", "boot VGA device: the firmware console");
		if (err)
			return err;
	}
	err = fb_uses(ctx, d, u);
	if (!err)
		err = serial_uses(ctx, d, u);
	return err;
}
