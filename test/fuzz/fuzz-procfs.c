// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /proc text the in-use checks parse (lib/inuse_*.c). The first byte
 * of the input picks what the rest is:
 *   0  the network table: if_inet6, a NUL, route, a NUL, ipv6_route
 *   1  /proc/self/mountinfo       2  /proc/mounts (no mountinfo)
 *   3  /proc/swaps                4  /proc/consoles
 *   5  a VFIO device fd's fdinfo  6  a string for unescape()
 *   7  device_uses(), the whole check: mountinfo, swaps, consoles,
 *      if_inet6, route, ipv6_route, then the sysfs text of texts[] below
 *      (a part the input ends before keeps its default), all NUL-separated
 * Files go into a fake root with one PCI device (0000:00:03.0) that has
 * below it a serial port ttyS0, a disk nvme0n1 (259:0) and its partition
 * nvme0n1p1 (259:1) under dm-0 (254:0, "vg-root"), eth0, fb0 and its DRM
 * card0; beside it a platform ttyS1 and disk sda (8:0), lo.
 */
#include <arpa/inet.h>
#include <sys/sysmacros.h>

#include "fuzz.h"
#include "../../lib/ctx.h"
#include "../../lib/inuse.h"
#include "../../lib/inuse_int.h"
#include "../../lib/pcidev.h"
#include "../../lib/util.h"

#define DEV "sys/devices/pci0000:00/0000:00:03.0"

static struct vctx ctx;
static struct pcidev dev;

/*
 * The sysfs text the whole check (mode 7) reads, each a part of its input;
 * the other modes read these defaults.
 */
#define NVME DEV "/nvme/nvme0/nvme0n1"
static const struct {
	const char *rel, *text;
} texts[] = {
	{ NVME "/dev", "259:0\n" },
	{ NVME "/nvme0n1p1/dev", "259:1\n" },
	{ "sys/devices/virtual/block/dm-0/dev", "254:0\n" },
	{ "sys/devices/virtual/block/dm-0/dm/name", "vg-root\n" },
	{ DEV "/net/eth0/flags", "0x1003\n" },
	{ "sys/devices/virtual/vtconsole/vtcon1/name", "(M) frame buffer device\n" },
	{ "sys/devices/virtual/vtconsole/vtcon1/bind", "1\n" },
	{ DEV "/graphics/fb0/name", "bochs-drmdrmfb\n" },
	{ DEV "/boot_vga", "1\n" },
};
static bool texts_changed;

static void default_texts(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++)
		fuzz_write(texts[i].rel, texts[i].text, strlen(texts[i].text));
	texts_changed = false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const links[][2] = {
		{ "sys/class/tty/ttyS0", "../../devices/pci0000:00/0000:00:03.0/tty/ttyS0" },
		{ "sys/class/tty/ttyS1", "../../devices/platform/serial8250/tty/ttyS1" },
		{ "sys/class/block/sda", "../../devices/platform/ahci/sda" },
		{ "sys/class/block/nvme0n1", "../../devices/pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1" },
		{ "sys/class/block/nvme0n1p1",
		  "../../devices/pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1/nvme0n1p1" },
		{ "sys/class/block/dm-0", "../../devices/virtual/block/dm-0" },
		{ "sys/dev/block/8:0", "../../devices/platform/ahci/sda" },
		{ "sys/dev/block/259:0", "../../devices/pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1" },
		{ "sys/dev/block/259:1",
		  "../../devices/pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1/nvme0n1p1" },
		{ "sys/dev/block/254:0", "../../devices/virtual/block/dm-0" },
		{ NVME "/nvme0n1p1/holders/dm-0", "../../../../../../../virtual/block/dm-0" },
		{ "sys/devices/virtual/block/dm-0/slaves/nvme0n1p1",
		  "../../../../pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1/nvme0n1p1" },
		{ "sys/class/net/eth0", "../../devices/pci0000:00/0000:00:03.0/net/eth0" },
		{ "sys/class/net/lo", "../../devices/virtual/net/lo" },
		{ "sys/class/graphics/fb0", "../../devices/pci0000:00/0000:00:03.0/graphics/fb0" },
		{ DEV "/graphics/fb0/device", "../../../0000:00:03.0" },
		{ "sys/class/vtconsole/vtcon1", "../../devices/virtual/vtconsole/vtcon1" },
	};
	char path[4096];
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_quiet();
	fuzz_write(DEV "/tty/ttyS0/dev", "4:64\n", 5);
	fuzz_write("sys/devices/platform/serial8250/tty/ttyS1/dev", "4:65\n", 5);
	fuzz_write("sys/devices/platform/ahci/sda/dev", "8:0\n", 4);
	fuzz_write("sys/devices/virtual/net/lo/flags", "0x9\n", 4);
	fuzz_write(DEV "/drm/card0/dev", "226:0\n", 6);
	default_texts();
	for (i = 0; i < ARRAY_SIZE(links); i++)
		fuzz_symlink(links[i][0], links[i][1]);
	fuzz_write("proc/1/fdinfo/3", "", 0);
	if (ctx_init(&ctx, fuzz_root(), NULL))
		abort();
	snprintf(path, sizeof(path), "%s/" DEV, ctx.root);
	snprintf(dev.addr, sizeof(dev.addr), "0000:00:03.0");
	snprintf(dev.path, sizeof(dev.path), "%s", path);
	if (real_path(path, dev.realpath, sizeof(dev.realpath)))
		abort();
	dev.group = -1;
	return 0;
}

/* Non-empty printable ASCII, spaces allowed. */
static bool printable_text(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void one_table(char *text, int (*parse)(FILE *f, struct net_table *t),
		      struct net_table *t)
{
	FILE *f;

	if (!*text)
		return;	/* fmemopen takes no empty buffer */
	f = fmemopen(text, strlen(text), "r");
	if (!f)
		abort();
	fuzz_assert(parse(f, t) == 0);
	fclose(f);
}

static void net(const uint8_t *data, size_t size)
{
	char *in6 = fuzz_part(&data, &size), *r4 = fuzz_part(&data, &size);
	char *r6 = fuzz_part(&data, &size);
	struct net_table t = { NULL, 0, 0 };
	const struct net_entry *e;
	size_t i, j, n, count;

	one_table(in6, net_parse_if_inet6, &t);
	one_table(r4, net_parse_route, &t);
	one_table(r6, net_parse_ipv6_route, &t);
	for (i = 0; i < t.n; i++) {
		fuzz_assert(memchr(t.v[i].ifname, '\0', sizeof(t.v[i].ifname)));
		fuzz_assert(strlen(t.v[i].ifname) <= IF_NAMESIZE);
		fuzz_assert(t.v[i].seq == i);
		fuzz_assert(t.v[i].kind <= NET_ROUTE6);
		fuzz_assert(printable_text(t.v[i].text));
	}
	net_table_sort(&t);
	for (i = 0; i < t.n; i++) {
		e = net_table_find(&t, t.v[i].ifname, &n);
		for (count = 0, j = 0; j < t.n; j++)
			count += !strcmp(t.v[j].ifname, t.v[i].ifname);
		fuzz_assert(e && n == count);
		for (j = 0; j < n; j++) {
			fuzz_assert(!strcmp(e[j].ifname, t.v[i].ifname));
			if (j)	/* kind, then the files' order */
				fuzz_assert(e[j - 1].kind < e[j].kind ||
					    (e[j - 1].kind == e[j].kind && e[j - 1].seq < e[j].seq));
		}
	}
	/* a name no line can give (sscanf's %16s stops at a space) */
	e = net_table_find(&t, "no such", &n);
	fuzz_assert(!e && n == 0);
	net_table_free(&t);
	free(in6);
	free(r4);
	free(r6);
}

static void mounts(const uint8_t *data, size_t size, bool info)
{
	struct mnts m = { NULL, 0, 0 };
	size_t i;

	fuzz_write(info ? "proc/self/mountinfo" : "proc/mounts", data, size);
	fuzz_remove(info ? "proc/mounts" : "proc/self/mountinfo");
	fuzz_assert(read_mounts(&ctx, &m) == 0);
	fuzz_assert(m.root >= -1 && m.root < (ssize_t)m.n);
	if (m.root >= 0)
		fuzz_assert(!strcmp(m.v[m.root].mp, "/"));
	for (i = 0; i < m.n; i++) {
		fuzz_assert(strlen(m.v[i].mp) <= size);
		/* the source names a device of the root's sysfs, or the line its number */
		if (!info && m.v[i].known)
			fuzz_assert(m.v[i].dev == makedev(8, 0) || m.v[i].dev == makedev(254, 0) ||
				    m.v[i].dev == makedev(259, 0) || m.v[i].dev == makedev(259, 1));
	}
	mnts_free(&m);
}

static void swaps(const uint8_t *data, size_t size)
{
	struct blk bv[] = {
		{ "sda", makedev(8, 0), true },
		{ "sda1", makedev(8, 1), true },
		{ "dm-0", makedev(254, 0), true },
		{ "sdb", 0, false },
	};
	static char root[] = "/", srv[] = "/srv", mnt[] = "/mnt";
	struct mnt mv[] = {
		{ makedev(8, 1), true, root },
		{ makedev(254, 0), true, srv },
		{ 0, false, mnt },
	};
	struct blks b = { bv, ARRAY_SIZE(bv) };
	struct mnts m = { mv, ARRAY_SIZE(mv), 0 };
	struct uses u = { NULL, 0 };
	char what[USE_WHAT_MAX];
	size_t i, j;

	fuzz_write("proc/swaps", data, size);
	fuzz_assert(swap_uses(&ctx, &b, &m, &u) == 0);
	for (i = 0; i < u.n; i++) {
		fuzz_assert(u.v[i].kind == USE_SWAP);
		fuzz_assert(memchr(u.v[i].what, '\0', sizeof(u.v[i].what)));
		for (j = 0; j < ARRAY_SIZE(bv) && strcmp(u.v[i].name, bv[j].name); j++)
			;
		fuzz_assert(j < ARRAY_SIZE(bv));
		/* a swap file is found through a mount's number, which sdb has not */
		snprintf(what, sizeof(what), "%s is active swap", bv[j].name);
		fuzz_assert(!strcmp(u.v[i].what, what) || bv[j].known);
	}
	uses_free(&u);
}

static void consoles(const uint8_t *data, size_t size)
{
	struct uses u = { NULL, 0 };
	size_t i;

	fuzz_write("proc/consoles", data, size);
	fuzz_assert(serial_uses(&ctx, &dev, &u) == 0);
	for (i = 0; i < u.n; i++) {
		/* ttyS0 is the only tty below the device; ttyS1 is not */
		fuzz_assert(u.v[i].kind == USE_CONSOLE && !strcmp(u.v[i].name, "ttyS0"));
		fuzz_assert(!strcmp(u.v[i].what, "serial console ttyS0 is on it"));
	}
	uses_free(&u);
}

/* What device_fd must find: a line starting with the key, naming 0000:00:03.0. */
static void fdinfo(const uint8_t *data, size_t size)
{
	static const char key[] = "vfio-device-syspath:";
	const size_t klen = sizeof(key) - 1;
	struct vfio_fds h = { false, false, false };
	bool named = false, exact = false;
	const uint8_t *line = data, *end = data + size, *nl, *v, *vend, *base;
	char path[4096];

	fuzz_write("proc/1/fdinfo/3", data, size);
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		if ((size_t)(nl - line) < klen || memcmp(line, key, klen))
			continue;
		named = true;
		v = line + klen;
		vend = memchr(v, '\0', (size_t)(nl - v));
		vend = vend ? vend : nl;
		for (base = vend; base > v && base[-1] != '/'; base--)
			;
		if ((size_t)(vend - base) == strlen(dev.addr) && !memcmp(base, dev.addr, strlen(dev.addr)))
			exact = true;
	}
	snprintf(path, sizeof(path), "%s/proc/1/fdinfo/3", ctx.root);
	device_fd(path, &dev, &h);
	fuzz_assert(!h.group);
	fuzz_assert(h.unnamed == !named);
	fuzz_assert(h.exact == exact);
}

/*
 * The whole check, device_uses(), on what the device above has below it
 * (nvme0n1 with nvme0n1p1, held by dm-0; eth0; fb0 on the console; ttyS0;
 * boot_vga): every use it finds is of one of them, never of sda, dm-0,
 * lo or ttyS1, which are not below it.
 */
static void whole(const uint8_t *data, size_t size)
{
	static const char *const procs[] = {
		"proc/self/mountinfo", "proc/swaps", "proc/consoles", "proc/net/if_inet6",
		"proc/net/route", "proc/net/ipv6_route",
	};
	static const char *const below[] = {
		"nvme0n1", "nvme0n1p1", "eth0", "fb0", "ttyS0", "boot_vga",
	};
	struct uses u = { NULL, 0 };
	size_t i, j, len;
	char *part;

	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		part = fuzz_part(&data, &size);
		fuzz_write(procs[i], part, strlen(part));
		free(part);
	}
	fuzz_remove("proc/mounts");
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		part = size ? fuzz_part(&data, &size) : NULL;
		fuzz_write(texts[i].rel, part ? part : texts[i].text, strlen(part ? part : texts[i].text));
		free(part);
	}
	texts_changed = true;
	fuzz_assert(device_uses(&ctx, &dev, &u) == 0);
	for (i = 0; i < u.n; i++) {
		for (j = 0; j < ARRAY_SIZE(below) && strcmp(u.v[i].name, below[j]); j++)
			;
		fuzz_assert(j < ARRAY_SIZE(below));
		fuzz_assert(u.v[i].kind <= USE_VFIO && u.v[i].kind != USE_VFIO);
		len = strnlen(u.v[i].what, sizeof(u.v[i].what));
		fuzz_assert(len > 0 && len < sizeof(u.v[i].what));
	}
	uses_free(&u);
}

static void unescape_one(const uint8_t *data, size_t size)
{
	char *in = fuzz_str(data, size), *s = strdup(in);

	if (!s)
		abort();
	unescape(s);
	fuzz_assert(strlen(s) <= strlen(in));
	if (!strchr(in, '\\'))
		fuzz_assert(!strcmp(s, in));
	free(s);
	free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned kind;

	if (!size)
		return 0;
	kind = data[0] % 8;
	data++;
	size--;
	/* what inuse_memo keeps of the last input is read again */
	sysfs_changed();
	if (kind != 7 && texts_changed)
		default_texts();
	switch (kind) {
	case 0:
		net(data, size);
		break;
	case 1:
	case 2:
		mounts(data, size, kind == 1);
		break;
	case 3:
		swaps(data, size);
		break;
	case 4:
		consoles(data, size);
		break;
	case 5:
		fdinfo(data, size);
		break;
	case 6:
		unescape_one(data, size);
		break;
	default:
		whole(data, size);
		break;
	}
	return 0;
}
