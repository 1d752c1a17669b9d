// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe.d's aliases and blacklists, read as libkmod reads them
 * (libkmod-config.c and shared/util.c of kmod 30): test/modconf.bats and
 * test/fuzz/fuzz-modprobe.c check every rule here against libkmod.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "modconf.h"
#include "util.h"

/* kmod's KCMD_LINE_SIZE: it reads at most this less one of /proc/cmdline */
#define CMDLINE_SIZE 4096

/*
 * '-' -> '_' outside [...]; -EINVAL for NULL, a ']' outside a class or a
 * '[' never closed (kmod's underscores()).
 */
static int underscores(char *s)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; s[i]; i++) {
		if (s[i] == '-') {
			s[i] = '_';
		} else if (s[i] == ']') {
			return -EINVAL;
		} else if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				return -EINVAL;
		}
	}
	return 0;
}

static int add_blacklist(struct modconf *mc, const char *name)
{
	char *dup, **nv;

	if (mc->nblacklist % 16 == 0) {
		nv = realloc(mc->blacklist, (mc->nblacklist + 16) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		mc->blacklist = nv;
	}
	dup = strdup(name);
	if (!dup)
		return -ENOMEM;
	mc->blacklist[mc->nblacklist++] = dup;
	return 0;
}

static int add_alias(struct modconf *mc, const char *pattern, const char *module)
{
	struct modconf_alias *nv, *a;

	if (mc->nalias % 16 == 0) {
		nv = realloc(mc->alias, (mc->nalias + 16) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		mc->alias = nv;
	}
	a = &mc->alias[mc->nalias];
	a->pattern = strdup(pattern);
	a->module = strdup(module);
	if (!a->pattern || !a->module) {
		free(a->pattern);
		free(a->module);
		return -ENOMEM;
	}
	mc->nalias++;
	return 0;
}

/*
 * The next logical line of data into line (room for len + 1 bytes), as
 * kmod's freadline_wrapped(): "\\\n" joins lines, '\\' before any other
 * byte is dropped, '\\' at the end of the data leaves the byte 0xff (its
 * EOF as a char). *linenum counts the newlines taken (and the end of a
 * last line without one). false at the end.
 */
static bool next_line(const char *data, size_t len, size_t *pos, char *line, unsigned int *linenum)
{
	size_t i = 0;
	unsigned int n = 0;

	for (;;) {
		int ch = *pos < len ? (unsigned char)data[(*pos)++] : -1;

		if (ch == -1 && i == 0)
			return false;
		if (ch == -1 || ch == '\n') {
			line[i] = '\0';
			*linenum += n + 1;
			return true;
		}
		if (ch == '\\') {
			ch = *pos < len ? (unsigned char)data[(*pos)++] : -1;
			if (ch == '\n') {
				n++;
				continue;
			}
		}
		line[i++] = (char)ch;
	}
}

/* One line: 0, or -ENOMEM. Lines kmod would complain about are warned about the same. */
static int parse_line(struct modconf *mc, const char *name, unsigned int linenum, char *line)
{
	char *cmd, *save, *a, *b;

	if (line[0] == '\0' || line[0] == '#')
		return 0;
	cmd = strtok_r(line, "\t ", &save);
	if (!cmd)
		return 0;
	if (!strcmp(cmd, "alias")) {
		a = strtok_r(NULL, "\t ", &save);
		b = strtok_r(NULL, "\t ", &save);
		if (underscores(a) == 0 && underscores(b) == 0)
			return add_alias(mc, a, b);
	} else if (!strcmp(cmd, "blacklist")) {
		a = strtok_r(NULL, "\t ", &save);
		if (underscores(a) == 0)
			return add_blacklist(mc, a);
	} else if (!strcmp(cmd, "options") || !strcmp(cmd, "install") ||
		   !strcmp(cmd, "remove") || !strcmp(cmd, "softdep")) {
		/* not vfioctl's business, but checked as kmod checks them */
		a = strtok_r(NULL, "\t ", &save);
		b = strtok_r(NULL, "", &save);
		if (underscores(a) == 0 && b)
			return 0;
	} else if (!strcmp(cmd, "include") || !strcmp(cmd, "config")) {
		warn("%s: command %s is deprecated and not parsed anymore", name, cmd);
		return 0;
	}
	warn("%s line %u: ignoring bad line starting with '%s'", name, linenum, cmd);
	return 0;
}

int modconf_parse(struct modconf *mc, const char *name, const char *data, size_t len)
{
	unsigned int linenum = 0;
	size_t pos = 0;
	char *line;
	int err = 0;

	if (len >= SIZE_MAX - 1)
		return -EFBIG;
	line = malloc(len + 2);
	if (!line)
		return -ENOMEM;
	while (!err && next_line(data, len, &pos, line, &linenum))
		err = parse_line(mc, name, linenum, line);
	free(line);
	return err;
}

/* The whole of fd (closed here) into a new buffer of *len bytes, at most max. */
static int read_all(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nb;
	int err = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t r;

		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			err = -EFBIG;
			break;
		}
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = n;
	return 0;
}

int modconf_read_file(struct modconf *mc, const char *path)
{
	char *data;
	size_t len;
	int err;

	err = read_all(open_regular(path), MODCONF_FILE_MAX, &data, &len);
	if (err)
		return err;
	err = modconf_parse(mc, path, data, len);
	free(data);
	return err;
}

/*
 * kmod's kcmdline_parse_result() for the one option vfioctl needs:
 * modprobe.blacklist=A,B,... adds each name as it stands (no '-' -> '_').
 */
static int cmdline_option(struct modconf *mc, const char *modname, const char *param, char *value)
{
	char *t;
	int err = 0;

	if (!modname || !param || strcmp(modname, "modprobe") || strncmp(param, "blacklist=", 10))
		return 0;
	while (!err && (t = strsep(&value, ",")))
		err = add_blacklist(mc, t);
	return err;
}

int modconf_parse_cmdline(struct modconf *mc, const char *cmdline, size_t len)
{
	/* kmod's state machine, quotes and all (kmod_config_parse_kcmdline()) */
	enum { S_IGNORE, S_MODNAME, S_PARAM, S_VALUE, S_COMPLETE } state = S_MODNAME;
	char buf[CMDLINE_SIZE], *p, *quote = NULL, *modname, *param = NULL, *value = NULL;
	bool quoted = false, more = true;
	int err = 0;

	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	memcpy(buf, cmdline, len);
	buf[len] = '\0';
	for (p = buf, modname = buf; more && !err; p++) {
		switch (*p) {
		case '"':
			quoted = !quoted;
			if (quoted && state == S_MODNAME && p == modname) {
				quote = p;
				modname = p + 1;
			} else if (state != S_VALUE) {
				state = S_IGNORE;
			}
			break;
		case '\0':
			more = false;
			/* fall through */
		case ' ': case '\n': case '\t': case '\v': case '\f': case '\r':
			if (quoted && state == S_VALUE) {
				;
			} else if (quoted) {
				state = S_IGNORE;
			} else if (state == S_VALUE || state == S_PARAM) {
				*p = '\0';
				state = S_COMPLETE;
			} else {
				modname = p + 1;
				state = S_MODNAME;
				quote = NULL;
			}
			break;
		case '.':
			if (state == S_MODNAME) {
				*p = '\0';
				param = p + 1;
				state = S_PARAM;
			} else if (state == S_PARAM) {
				state = S_IGNORE;
			}
			break;
		case '=':
			if (state == S_PARAM) {
				value = p + 1;
				state = S_VALUE;
			} else if (state == S_MODNAME) {
				state = S_IGNORE;
			}
			break;
		}
		if (state == S_COMPLETE) {
			/* "mod.param=a b" as a boot loader quotes it: mod.param="a b" */
			if (quote && quote < modname && value) {
				memmove(quote, modname, (size_t)(value - modname));
				value--;
				modname--;
				param--;
				*value = '"';
			}
			err = cmdline_option(mc, modname, param, value);
			modname = p + 1;
			state = S_MODNAME;
			quote = NULL;
		}
	}
	return err;
}

int modconf_read_cmdline(struct modconf *mc)
{
	char buf[CMDLINE_SIZE];
	size_t n = 0;
	int fd;

	/*
	 * The kernel's own file, outside any --root, as libkmod reads it; a
	 * regular file (whatever is mounted over it), so no read spins on EAGAIN.
	 */
	fd = open_regular_at(AT_FDCWD, "/proc/cmdline");
	if (fd < 0)
		return fd;
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return modconf_parse_cmdline(mc, buf, n);
}

void modconf_free(struct modconf *mc)
{
	size_t i;

	for (i = 0; i < mc->nalias; i++) {
		free(mc->alias[i].pattern);
		free(mc->alias[i].module);
	}
	for (i = 0; i < mc->nblacklist; i++)
		free(mc->blacklist[i]);
	free(mc->alias);
	free(mc->blacklist);
	memset(mc, 0, sizeof(*mc));
}
