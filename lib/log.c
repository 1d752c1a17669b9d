// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

static int log_level = LOG_WARNING;
static bool colour;

void log_set_colour(bool on)
{
	colour = on;
}

bool log_colour(void)
{
	return colour;
}

void log_set_level(int level)
{
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	const char *tag = "";
	char msg[1024], shown[2048];
	size_t len;

	if (prio > log_level)
		return;
	if (prio <= LOG_ERR)
		tag = colour ? "\033[1;31merror:\033[0m " : "error: ";
	else if (prio == LOG_WARNING)
		tag = colour ? "\033[1;33mwarning:\033[0m " : "warning: ";
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* one message, one line: callers (and libkmod) may end with '\n' */
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	/* stdout first so text output and messages keep their order on a tty */
	fflush(stdout);
	/* one line, whatever the values in it hold (newlines, escape sequences) */
	fprintf(stderr, "vfioctl: %s%s\n", tag, escape_text(msg, shown, sizeof(shown)));
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}
