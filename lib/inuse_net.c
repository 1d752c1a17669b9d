// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network interfaces below a PCI device that the host uses: up, or with
 * addresses or routes (getifaddrs(3) on the running system, procfs under
 * a root).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ctx.h"
#include "inuse.h"
#include "inuse_int.h"
#include "pcidev.h"
#include "util.h"

/* RTF_ANYCAST of linux/ipv6_route.h; glibc calls the bit RTF_LINKRT. */
#define RT6_ANYCAST 0x00100000

static int prefix_len(const unsigned char *mask, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += __builtin_popcount(mask[i]);
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits as procfs prints an IPv6 address. */
static bool parse_in6(const char *hex, struct in6_addr *a)
{
	int i, hi, lo;

	if (strlen(hex) != 32)
		return false;
	for (i = 0; i < 16; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		a->s6_addr[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* Running system: the exact addresses, IPv4 included, from getifaddrs(3). */
static int addrs_live(struct net_table *t, const struct ifaddrs *ifa)
{
	char buf[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16];
	const void *a, *mask;
	int fam, plen, err = 0;

	for (; ifa && !err; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || !ifa->ifa_name)
			continue;
		fam = ifa->ifa_addr->sa_family;
		if (fam == AF_INET) {
			a = &((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr;
			mask = ifa->ifa_netmask ?
				&((const struct sockaddr_in *)(const void *)ifa->ifa_netmask)->sin_addr : NULL;
			plen = mask ? prefix_len(mask, 4) : 32;
		} else if (fam == AF_INET6) {
			a = &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a))
				continue;	/* see net_parse_if_inet6() */
			mask = ifa->ifa_netmask ?
				&((const struct sockaddr_in6 *)(const void *)ifa->ifa_netmask)->sin6_addr : NULL;
			plen = mask ? prefix_len(mask, 16) : 128;
		} else {
			continue;
		}
		if (!inet_ntop(fam, a, buf, sizeof(buf)))
			continue;
		snprintf(text, sizeof(text), "%s/%d", buf, plen);
		err = net_table_add(t, NET_ADDR, ifa->ifa_name, text);
	}
	return err;
}

int net_table_add(struct net_table *t, enum net_kind kind, const char *ifname, const char *text)
{
	struct net_entry *v, *e;

	if (strlen(ifname) > IF_NAMESIZE)
		return 0;	/* no interface has such a name */
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;

		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	e = &t->v[t->n];
	e->kind = kind;
	e->seq = t->n;
	memcpy(e->ifname, ifname, strlen(ifname) + 1);
	e->text = strdup(text);
	if (!e->text)
		return -ENOMEM;
	t->n++;
	return 0;
}

void net_table_free(struct net_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

/*
 * Under a root: IPv6 addresses from /proc/net/if_inet6, "ADDR IFINDEX
 * PREFIXLEN SCOPE FLAGS NAME". Link-local addresses are left out: the
 * kernel makes one itself on every interface it brings up (addrconf's
 * addrconf_addr_gen()) and drops it when the link goes down, even with
 * keep_addr_on_down, so it says nothing the IFF_UP flag does not. No file
 * of procfs lists IPv4 addresses by interface; their prefix routes stand
 * for them (net_parse_route()).
 */
int net_parse_if_inet6(FILE *f, struct net_table *t)
{
	char *line = NULL, hex[33], name[IF_NAMESIZE + 1], buf[INET6_ADDRSTRLEN];
	char text[INET6_ADDRSTRLEN + 8];
	unsigned idx, plen, scope, flags;
	struct in6_addr a;
	size_t cap = 0;
	int err = 0;

	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags,
			   name) != 6 || !parse_in6(hex, &a) ||
		    IN6_IS_ADDR_LINKLOCAL(&a) || !inet_ntop(AF_INET6, &a, buf, sizeof(buf)))
			continue;
		snprintf(text, sizeof(text), "%s/%u", buf, plen);
		err = net_table_add(t, NET_ADDR, name, text);
	}
	free(line);
	return err;
}

/*
 * /proc/net/route, the main IPv4 table: "IFACE DEST GATEWAY FLAGS REFCNT
 * USE METRIC MASK ..." under a header, addresses as the hex of their
 * network-order bytes. A configured IPv4 address brings its prefix route
 * (fib_add_ifaddr()), so an addressed interface shows here.
 */
int net_parse_route(FILE *f, struct net_table *t)
{
	char *line = NULL, name[IF_NAMESIZE + 1], dbuf[INET_ADDRSTRLEN], gbuf[INET_ADDRSTRLEN];
	char text[2 * INET_ADDRSTRLEN + 16];
	unsigned dst, gw, flags, mask;
	struct in_addr a;
	size_t cap = 0;
	int err = 0, len;

	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%16s %x %x %x %*d %*u %*d %x", name, &dst, &gw, &flags,
			   &mask) != 5 || !(flags & RTF_UP))
			continue;
		a.s_addr = dst;
		inet_ntop(AF_INET, &a, dbuf, sizeof(dbuf));
		a.s_addr = gw;
		inet_ntop(AF_INET, &a, gbuf, sizeof(gbuf));
		if (!dst && !mask)
			len = snprintf(text, sizeof(text), "default");
		else
			len = snprintf(text, sizeof(text), "%s/%d", dbuf,
				       prefix_len((const unsigned char *)&mask, 4));
		if (flags & RTF_GATEWAY)
			snprintf(text + len, sizeof(text) - (size_t)len, " via %s", gbuf);
		err = net_table_add(t, NET_ROUTE4, name, text);
	}
	free(line);
	return err;
}

/*
 * /proc/net/ipv6_route, every table: "DEST PLEN SRC SRCPLEN NEXTHOP METRIC
 * REFCNT USE FLAGS IFACE". Left out, because the kernel adds them by itself
 * whenever IPv6 comes up on a link and removes them when it goes down (so
 * IFF_UP already tells): the fe80::/64 prefix route of the link-local
 * address (addrconf_add_linklocal()), the ff00::/8 multicast route
 * (addrconf_add_mroute()), the local-table host routes of the interface's
 * own addresses (RTF_LOCAL; the addresses themselves are counted) and
 * their anycast routes, and cached exceptions.
 */
int net_parse_ipv6_route(FILE *f, struct net_table *t)
{
	char *line = NULL, dhex[33], shex[33], ghex[33], name[IF_NAMESIZE + 1];
	char dbuf[INET6_ADDRSTRLEN], gbuf[INET6_ADDRSTRLEN], text[2 * INET6_ADDRSTRLEN + 16];
	static const unsigned char ll[8] = { 0xfe, 0x80 };
	unsigned plen, splen, metric, ref, use, flags;
	struct in6_addr dst, gw;
	size_t cap = 0;
	int err = 0, len;

	while (!err && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dhex, &plen, shex,
			   &splen, ghex, &metric, &ref, &use, &flags, name) != 10 ||
		    !parse_in6(dhex, &dst) || !parse_in6(ghex, &gw))
			continue;
		if (!(flags & RTF_UP) || (flags & (RTF_LOCAL | RT6_ANYCAST | RTF_CACHE)) ||
		    dst.s6_addr[0] == 0xff ||
		    (plen == 64 && !memcmp(dst.s6_addr, ll, 8) && !(flags & RTF_GATEWAY)))
			continue;
		inet_ntop(AF_INET6, &dst, dbuf, sizeof(dbuf));
		inet_ntop(AF_INET6, &gw, gbuf, sizeof(gbuf));
		if (plen == 0)
			len = snprintf(text, sizeof(text), "default");
		else
			len = snprintf(text, sizeof(text), "%s/%u", dbuf, plen);
		if (flags & RTF_GATEWAY)
			snprintf(text + len, sizeof(text) - (size_t)len, " via %s", gbuf);
		err = net_table_add(t, NET_ROUTE6, name, text);
	}
	free(line);
	return err;
}

static int by_iface(const void *a, const void *b)
{
	const struct net_entry *x = a, *y = b;
	int r = strcmp(x->ifname, y->ifname);

	if (r)
		return r;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void net_table_sort(struct net_table *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), by_iface);
}

/* ifname's entries, in the table's order (net_table_sort); *n of them. */
const struct net_entry *net_table_find(const struct net_table *t, const char *ifname, size_t *n)
{
	size_t lo = 0, hi = t->n, mid, end;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(t->v[mid].ifname, ifname) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->n && !strcmp(t->v[end].ifname, ifname); end++)
		;
	*n = end - lo;
	return *n ? &t->v[lo] : NULL;
}

static void net_table_release(void *p)
{
	net_table_free(p);
	free(p);
}

/* The addresses and routes of every interface, read once (inuse_memo). */
static int net_table_read(struct vctx *ctx, const char *key, void **val)
{
	static const struct {
		const char *rel;
		int (*parse)(FILE *f, struct net_table *t);
	} files[] = {
		{ "/proc/net/if_inet6", net_parse_if_inet6 },
		{ "/proc/net/route", net_parse_route },
		{ "/proc/net/ipv6_route", net_parse_ipv6_route },
	};
	struct net_table *t = calloc(1, sizeof(*t));
	struct ifaddrs *ifa;
	size_t i;
	FILE *f;
	int err = 0;

	(void)key;
	if (!t)
		return -ENOMEM;
	*val = t;
	for (i = 0; i < ARRAY_SIZE(files) && !err; i++) {
		if (i == 0 && ctx->live) {
			if (getifaddrs(&ifa) < 0)
				return -errno;
			err = addrs_live(t, ifa);
			freeifaddrs(ifa);
			continue;
		}
		err = open_proc(ctx, files[i].rel, &f);
		if (err || !f)
			continue;
		err = files[i].parse(f, t);
		fclose(f);
	}
	net_table_sort(t);
	return err;
}

static int iface_use(const struct net_table *t, const char *ifname, const char *dir,
		     struct uses *u)
{
	char path[PATH_MAX], buf[32];
	struct sb addrs = { .len = 0 }, routes = { .len = 0 }, s = { .len = 0 };
	const struct net_entry *e;
	unsigned long flags = 0;
	size_t n, i;
	int na = 0, nr = 0;

	/* administratively up: "ip link set up", a bond or bridge, NetworkManager */
	if (!xsnprintf(path, sizeof(path), "%s/flags", dir) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		flags = strtoul(buf, NULL, 16);
	e = net_table_find(t, ifname, &n);
	for (i = 0; i < n; i++) {
		if (e[i].kind == NET_ADDR)
			sb_add(&addrs, "%s%s", na++ ? ", " : " with ", e[i].text);
		else
			sb_add(&routes, "%s%s", nr++ ? ", " : ", routes ", e[i].text);
	}
	if (!(flags & IFF_UP) && !na && !nr)
		return 0;
	sb_add(&s, "network interface %s is %s%s%s", ifname, flags & IFF_UP ? "up" : "down",
	       addrs.buf, routes.buf);
	return add_sb(u, USE_NET, ifname, &s);
}

struct net_walk {
	struct vctx *ctx;
	struct uses *u;
	const struct net_table *t;
};

static int add_iface(void *arg, const char *name, const char *real)
{
	struct net_walk *w = arg;
	void *val;
	int err;

	if (!w->t) {
		err = inuse_memo(w->ctx, "net", net_table_read, net_table_release, &val);
		if (err)
			return err;
		w->t = val;
	}
	return iface_use(w->t, name, real, w->u);
}

/*
 * Interfaces below the device: PF and VF netdevs, switchdev representors,
 * virtio's (ADDR/virtioN/net/IFACE); class/net lists them all.
 */
int net_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	struct net_walk w = { .ctx = ctx, .u = u };

	return each_below(ctx, "net", d, add_iface, &w);
}
