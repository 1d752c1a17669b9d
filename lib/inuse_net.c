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

/* 32 hex digits as procfs prints an IPv6 address. */
static bool parse_in6(const char *hex, struct in6_addr *a)
{
	unsigned v;
	int i;

	if (strlen(hex) != 32)
		return false;
	for (i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		a->s6_addr[i] = (unsigned char)v;
	}
	return true;
}

/* Running system: the exact addresses, IPv4 included, from getifaddrs(3). */
static void addrs_live(const struct ifaddrs *ifa, const char *ifname, struct sb *s, int *n)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a, *mask;
	int fam, plen;

	for (; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || strcmp(ifa->ifa_name, ifname))
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
				continue;	/* see addrs_inet6() */
			mask = ifa->ifa_netmask ?
				&((const struct sockaddr_in6 *)(const void *)ifa->ifa_netmask)->sin6_addr : NULL;
			plen = mask ? prefix_len(mask, 16) : 128;
		} else {
			continue;
		}
		if (!inet_ntop(fam, a, buf, sizeof(buf)))
			continue;
		sb_add(s, "%s%s/%d", (*n)++ ? ", " : " with ", buf, plen);
	}
}

/*
 * Under a root: IPv6 addresses from /proc/net/if_inet6, "ADDR IFINDEX
 * PREFIXLEN SCOPE FLAGS NAME". Link-local addresses are left out: the
 * kernel makes one itself on every interface it brings up (addrconf's
 * addrconf_addr_gen()) and drops it when the link goes down, even with
 * keep_addr_on_down, so it says nothing the IFF_UP flag does not. No file
 * of procfs lists IPv4 addresses by interface; their prefix routes stand
 * for them (routes_v4()).
 */
int addrs_inet6(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, hex[33], name[IF_NAMESIZE + 1], buf[INET6_ADDRSTRLEN];
	unsigned idx, plen, scope, flags;
	struct in6_addr a;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/if_inet6", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags,
			   name) != 6 || strcmp(name, ifname) || !parse_in6(hex, &a) ||
		    IN6_IS_ADDR_LINKLOCAL(&a) || !inet_ntop(AF_INET6, &a, buf, sizeof(buf)))
			continue;
		sb_add(s, "%s%s/%u", (*n)++ ? ", " : " with ", buf, plen);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * /proc/net/route, the main IPv4 table: "IFACE DEST GATEWAY FLAGS REFCNT
 * USE METRIC MASK ..." under a header, addresses as the hex of their
 * network-order bytes. A configured IPv4 address brings its prefix route
 * (fib_add_ifaddr()), so an addressed interface shows here.
 */
int routes_v4(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, name[IF_NAMESIZE + 1], dbuf[INET_ADDRSTRLEN], gbuf[INET_ADDRSTRLEN];
	unsigned dst, gw, flags, mask;
	struct in_addr a;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/route", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%16s %x %x %x %*d %*u %*d %x", name, &dst, &gw, &flags,
			   &mask) != 5 || strcmp(name, ifname) || !(flags & RTF_UP))
			continue;
		a.s_addr = dst;
		inet_ntop(AF_INET, &a, dbuf, sizeof(dbuf));
		a.s_addr = gw;
		inet_ntop(AF_INET, &a, gbuf, sizeof(gbuf));
		sb_add(s, "%s", (*n)++ ? ", " : ", routes ");
		if (!dst && !mask)
			sb_add(s, "default");
		else
			sb_add(s, "%s/%d", dbuf, prefix_len((const unsigned char *)&mask, 4));
		if (flags & RTF_GATEWAY)
			sb_add(s, " via %s", gbuf);
	}
	free(line);
	fclose(f);
	return 0;
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
int routes_v6(struct vctx *ctx, const char *ifname, struct sb *s, int *n)
{
	char *line = NULL, dhex[33], shex[33], ghex[33], name[IF_NAMESIZE + 1];
	char dbuf[INET6_ADDRSTRLEN], gbuf[INET6_ADDRSTRLEN];
	static const unsigned char ll[8] = { 0xfe, 0x80 };
	unsigned plen, splen, metric, ref, use, flags;
	struct in6_addr dst, gw;
	size_t cap = 0;
	FILE *f;
	int err;

	err = open_under_root(ctx, "/proc/net/ipv6_route", &f);
	if (err || !f)
		return err;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dhex, &plen, shex,
			   &splen, ghex, &metric, &ref, &use, &flags, name) != 10 ||
		    strcmp(name, ifname) || !parse_in6(dhex, &dst) || !parse_in6(ghex, &gw))
			continue;
		if (!(flags & RTF_UP) || (flags & (RTF_LOCAL | RT6_ANYCAST | RTF_CACHE)) ||
		    dst.s6_addr[0] == 0xff ||
		    (plen == 64 && !memcmp(dst.s6_addr, ll, 8) && !(flags & RTF_GATEWAY)))
			continue;
		inet_ntop(AF_INET6, &dst, dbuf, sizeof(dbuf));
		inet_ntop(AF_INET6, &gw, gbuf, sizeof(gbuf));
		sb_add(s, "%s", (*n)++ ? ", " : ", routes ");
		if (plen == 0)
			sb_add(s, "default");
		else
			sb_add(s, "%s/%u", dbuf, plen);
		if (flags & RTF_GATEWAY)
			sb_add(s, " via %s", gbuf);
	}
	free(line);
	fclose(f);
	return 0;
}

static int iface_use(struct vctx *ctx, const char *ifname, const char *dir,
		     const struct ifaddrs *ifa, struct uses *u)
{
	char path[PATH_MAX], buf[32];
	struct sb addrs = { .len = 0 }, routes = { .len = 0 }, s = { .len = 0 };
	unsigned long flags = 0;
	int na = 0, nr = 0, err;

	/* administratively up: "ip link set up", a bond or bridge, NetworkManager */
	if (!xsnprintf(path, sizeof(path), "%s/flags", dir) &&
	    read_attr(path, buf, sizeof(buf)) > 0)
		flags = strtoul(buf, NULL, 16);
	if (ctx->live)
		addrs_live(ifa, ifname, &addrs, &na);
	else if ((err = addrs_inet6(ctx, ifname, &addrs, &na)))
		return err;
	if ((err = routes_v4(ctx, ifname, &routes, &nr)) ||
	    (err = routes_v6(ctx, ifname, &routes, &nr)))
		return err;
	if (!(flags & IFF_UP) && !na && !nr)
		return 0;
	sb_add(&s, "network interface %s is %s%s%s", ifname, flags & IFF_UP ? "up" : "down",
	       addrs.buf, routes.buf);
	return add_sb(u, USE_NET, ifname, &s);
}

struct net_walk {
	struct vctx *ctx;
	struct uses *u;
	struct ifaddrs *ifa;
	bool have_ifa;
};

static int add_iface(void *arg, const char *name, const char *real)
{
	struct net_walk *w = arg;

	if (w->ctx->live && !w->have_ifa) {
		if (getifaddrs(&w->ifa) < 0)
			return -errno;
		w->have_ifa = true;
	}
	return iface_use(w->ctx, name, real, w->ifa, w->u);
}

/*
 * Interfaces below the device: PF and VF netdevs, switchdev representors,
 * virtio's (ADDR/virtioN/net/IFACE); class/net lists them all.
 */
int net_uses(struct vctx *ctx, const struct pcidev *d, struct uses *u)
{
	struct net_walk w = { .ctx = ctx, .u = u };
	int err;

	err = each_below(ctx, "net", d, add_iface, &w);
	if (w.ifa)
		freeifaddrs(w.ifa);
	return err;
}
