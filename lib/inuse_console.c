// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Consoles on a PCI device: the boot VGA device, framebuffers (the
 * console's when fbcon is bound), serial consoles on a PCI UART.
 */
#include <dirent.h>
#include <errno.h>
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
 * Framebuffers (class/graphics/fbN): a DRM driver's fbdev emulation or an
 * fbdev driver, each with the device it hangs on and its name. fbcon, when
 * bound, puts every virtual terminal on the first framebuffer registered
 * (con2fb_map_boot is all zeros unless fbcon=map: says otherwise), which
 * is the lowest-numbered one present. Read once for all devices.
 */
struct fb {
	char name[32];
	char *dev;		/* resolved; NULL when it has none */
	bool console;
	bool drmfb;		/* DRM's fbdev emulation: "bochs-drmdrmfb" */
};

struct fbs {
	struct fb *v;
	size_t n;
};

static void fbs_free(void *p)
{
	struct fbs *f = p;
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].dev);
	free(f->v);
	free(f);
}

static int fbs_read(struct vctx *ctx, const char *key, void **val)
{
	char dir[PATH_MAX], path[PATH_MAX], real[PATH_MAX], name[32];
	struct fbs *f = calloc(1, sizeof(*f));
	struct dirent **list;
	bool fbcon, first = true;
	struct fb *v;
	int i, n, err;
	size_t len;

	(void)key;
	if (!f)
		return -ENOMEM;
	*val = f;
	err = ctx_path(ctx, dir, sizeof(dir), "/sys/class/graphics");
	if (!err)
		err = list_dir(dir, &list, &n);
	if (err)
		return err;
	err = fbcon_bound(ctx, &fbcon);
	f->v = calloc((size_t)n + 1, sizeof(*f->v));
	if (!f->v && !err)
		err = -ENOMEM;
	/* versionsort: fb0 first; "fbcon" is no framebuffer */
	for (i = 0; i < n && !err; i++) {
		const char *fb = list[i]->d_name;

		if (strncmp(fb, "fb", 2) || !fb[2] || strspn(fb + 2, "0123456789") != strlen(fb + 2) ||
		    strlen(fb) >= sizeof(v->name))
			continue;
		v = &f->v[f->n++];
		memcpy(v->name, fb, strlen(fb) + 1);
		v->console = fbcon && first;
		first = false;
		if (xsnprintf(path, sizeof(path), "%s/%s/device", dir, fb) ||
		    real_path(path, real, sizeof(real)))
			continue;
		v->dev = strdup(real);
		if (!v->dev)
			err = -ENOMEM;
		len = 0;
		if (!xsnprintf(path, sizeof(path), "%s/%s/name", dir, fb) &&
		    read_attr(path, name, sizeof(name)) > 0)
			len = strlen(name);
		v->drmfb = len >= 5 && !strcmp(name + len - 5, "drmfb");
	}
	free_list(list, n);
	return err;
}

/* The framebuffers whose device is this one. */
static int fb_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char card[32];
	const struct fbs *f;
	struct sb s;
	size_t i;
	void *val;
	int err;

	err = inuse_memo(ctx, "fb", fbs_read, fbs_free, &val);
	if (err)
		return err;
	f = val;
	for (i = 0; i < f->n && !err; i++) {
		if (!f->v[i].dev || !under(f->v[i].dev, d->realpath))
			continue;
		memset(&s, 0, sizeof(s));
		sb_add(&s, "framebuffer %s%s is on it", f->v[i].name,
		       f->v[i].console ? " (the console)" : "");
		drm_card(f->v[i].dev, card, sizeof(card));
		if (card[0] && f->v[i].drmfb)
			sb_add(&s, ", through DRM %s", card);
		err = add_sb(u, USE_CONSOLE, f->v[i].name, &s);
	}
	return err;
}

/*
 * /proc/consoles: the consoles the kernel prints to, "NAME FLAGS (E...)
 * MAJ:MIN", E for enabled; each enabled one's tty resolved. Read once for
 * all devices.
 */
struct ttys {
	char (*name)[USE_NAME_MAX];
	char **real;
	size_t n;
};

static void ttys_free(void *p)
{
	struct ttys *t = p;
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->real[i]);
	free(t->real);
	free(t->name);
	free(t);
}

static int parse_consoles(struct vctx *ctx, FILE *f, struct ttys *t)
{
	char *line = NULL, name[USE_NAME_MAX], path[PATH_MAX], real[PATH_MAX];
	const char *open, *close;
	size_t cap = 0;
	void *v;
	int err = 0;

	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%63s", name) != 1 || strchr(name, '/') || name[0] == '.')
			continue;
		open = strchr(line, '(');
		close = open ? strchr(open, ')') : NULL;
		if (!close || !memchr(open, 'E', (size_t)(close - open)))
			continue;
		if (ctx_path(ctx, path, sizeof(path), "/sys/class/tty/%s", name) ||
		    real_path(path, real, sizeof(real)))
			continue;
		err = -ENOMEM;
		v = realloc(t->name, (t->n + 1) * sizeof(*t->name));
		if (!v)
			break;
		t->name = v;
		v = realloc(t->real, (t->n + 1) * sizeof(*t->real));
		if (!v)
			break;
		t->real = v;
		t->real[t->n] = strdup(real);
		if (!t->real[t->n])
			break;
		memcpy(t->name[t->n++], name, sizeof(name));
		err = 0;
	}
	free(line);
	return err;
}

static int ttys_read(struct vctx *ctx, const char *key, void **val)
{
	struct ttys *t = calloc(1, sizeof(*t));
	FILE *f;
	int err;

	(void)key;
	if (!t)
		return -ENOMEM;
	*val = t;
	err = open_proc(ctx, "/proc/consoles", &f);
	if (err || !f)
		return err;
	err = parse_consoles(ctx, f, t);
	fclose(f);
	return err;
}

/* Serial consoles on a PCI UART (8250_pci, a BMC's serial-over-LAN port): a tty below d. */
int serial_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	char what[USE_WHAT_MAX];
	const struct ttys *t;
	size_t i;
	void *val;
	int err;

	err = inuse_memo(ctx, "consoles", ttys_read, ttys_free, &val);
	if (err)
		return err;
	t = val;
	for (i = 0; i < t->n && !err; i++) {
		if (!under(t->real[i], d->realpath))
			continue;
		snprintf(what, sizeof(what), "serial console %s is on it", t->name[i]);
		err = add_use(u, USE_CONSOLE, t->name[i], what);
	}
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
