/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_MODCONF_H
#define VFIOCTL_MODCONF_H

#include <stddef.h>

/*
 * What vfioctl takes from modprobe.d: its `alias` and `blacklist` lines,
 * read by libkmod's rules (libkmod-config.c, kmod 30) so that vfioctl and
 * modprobe agree, without libkmod: lines continued by a '\' before the
 * newline (a '\' before any other byte is dropped), '#' comments at the
 * start of a line, fields split on spaces and tabs, '-' -> '_' in aliases
 * and module names except inside [...] (a line with an unbalanced ']' or
 * '[' is ignored, as kmod ignores it), and the kernel command line's
 * modprobe.blacklist=A,B (taken as it stands, as kmod takes it).
 */
struct modconf_alias {
	char *pattern;
	char *module;
};

struct modconf {
	struct modconf_alias *alias;	/* in file order, duplicates kept */
	size_t nalias;
	char **blacklist;		/* the same */
	size_t nblacklist;
};

/* A file larger than this is not read (-EFBIG): modprobe.d files are small. */
#define MODCONF_FILE_MAX (16u << 20)

/*
 * Add the lines of one file's bytes (name is for messages: a bad line is
 * warned about as "NAME line N: ..."). 0 or -ENOMEM.
 */
int modconf_parse(struct modconf *mc, const char *name, const char *data, size_t len);

/* Read a regular file (open_regular: confined, never a FIFO) and parse it. 0 or -errno. */
int modconf_read_file(struct modconf *mc, const char *path);

/*
 * Add the blacklists of a kernel command line (at most its first 4095
 * bytes, as kmod reads /proc/cmdline). 0 or -ENOMEM.
 */
int modconf_parse_cmdline(struct modconf *mc, const char *cmdline, size_t len);

/*
 * The running kernel's /proc/cmdline, parsed: the real one even under
 * --root, as libkmod (and so modprobe) reads it. 0 or -errno.
 */
int modconf_read_cmdline(struct modconf *mc);

void modconf_free(struct modconf *mc);

#endif
