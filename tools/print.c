// SPDX-License-Identifier: GPL-2.0-or-later
/* Text and JSON output from the same calls; see print.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "print.h"
#include "util.h"

/* fmt comes from the callers: one value each, as in iproute2's json_print.c */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define MAX_DEPTH 16

static bool json;
static int depth;		/* open JSON containers */
static bool first[MAX_DEPTH];	/* no member written yet at this level */
static bool is_array[MAX_DEPTH];
static bool doc_started;

void out_init(bool want_json)
{
	json = want_json;
	depth = 0;
	doc_started = false;
}

bool out_is_json(void)
{
	return json;
}

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		default:
			if (*p < 0x20) {
				printf("\\u%04x", *p);
				break;
			}
			/* valid UTF-8 goes into JSON as is, C1 controls too */
			n = *p < 0x80 ? 1 : utf8_len(p, true);
			if (n == 0) {
				/* not UTF-8: keep the byte, as Latin-1 */
				printf("\\u%04x", *p);
				break;
			}
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		p++;
	}
	putchar('"');
}

/* Separator and key before a member; key is ignored inside arrays. */
static void json_member(const char *key)
{
	if (depth > 0) {
		if (!first[depth - 1])
			putchar(',');
		first[depth - 1] = false;
		if (!is_array[depth - 1]) {
			json_string(key ? key : "");
			putchar(':');
		}
	}
	doc_started = true;
}

static void json_open(const char *key, bool array)
{
	if (depth >= MAX_DEPTH)
		return;
	json_member(key);
	putchar(array ? '[' : '{');
	first[depth] = true;
	is_array[depth] = array;
	depth++;
}

static void json_close(void)
{
	if (depth == 0)
		return;
	depth--;
	putchar(is_array[depth] ? ']' : '}');
}

void out_open_object(const char *key)
{
	if (json)
		json_open(key, false);
}

void out_close_object(void)
{
	if (json)
		json_close();
}

void out_open_array(const char *key)
{
	if (json)
		json_open(key, true);
}

void out_close_array(void)
{
	if (json)
		json_close();
}

static bool want(enum out_type t)
{
	return json ? t != OUT_TEXT : t != OUT_JSON;
}

void out_str(enum out_type t, const char *key, const char *fmt, const char *v)
{
	if (!want(t))
		return;
	if (!json) {
		char shown[4096];

		/* values come from files and sysfs: never a raw control byte */
		if (fmt)
			printf(fmt, v ? escape_text(v, shown, sizeof(shown)) : "-");
		return;
	}
	json_member(key);
	if (v)
		json_string(v);
	else
		fputs("null", stdout);
}

void out_uint(enum out_type t, const char *key, const char *fmt, unsigned long long v)
{
	if (!want(t))
		return;
	if (!json) {
		if (fmt)
			printf(fmt, v);
		return;
	}
	json_member(key);
	printf("%llu", v);
}

void out_int(enum out_type t, const char *key, const char *fmt, long long v)
{
	if (!want(t))
		return;
	if (!json) {
		if (fmt)
			printf(fmt, v);
		return;
	}
	json_member(key);
	printf("%lld", v);
}

void out_bool(enum out_type t, const char *key, const char *fmt, bool v)
{
	if (!want(t))
		return;
	if (!json) {
		if (fmt)
			printf(fmt, v ? "yes" : "no");
		return;
	}
	json_member(key);
	fputs(v ? "true" : "false", stdout);
}

void out_null(enum out_type t, const char *key, const char *text)
{
	if (!want(t))
		return;
	if (!json) {
		fputs(text, stdout);
		return;
	}
	json_member(key);
	fputs("null", stdout);
}

/*
 * vprintf, but every string argument (%s) escaped (escape_text): the
 * format's own newlines stay, a value can never add one, nor an escape
 * sequence. Conversions: d i u o x X c s p %, flags, width (also *),
 * precision, length modifiers hh h l ll z j t.
 */
static void vprintf_escaped(const char *fmt, va_list ap)
{
	const char *p = fmt;

	while (*p) {
		const char *start = p, *len;
		char spec[32], shown[4096];
		int width = 0;
		bool star = false;
		size_t n;

		if (*p != '%') {
			n = strcspn(p, "%");
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		p++;
		if (*p == '%') {
			putchar('%');
			p++;
			continue;
		}
		p += strspn(p, "-+ #0");
		if (*p == '*') {
			star = true;
			width = va_arg(ap, int);
			p++;
		} else {
			p += strspn(p, "0123456789");
		}
		if (*p == '.')
			p += 1 + strspn(p + 1, "0123456789");
		len = p;
		p += strspn(p, "hlzjt");
		n = (size_t)(p - start) + 1;
		if (!*p || n >= sizeof(spec))
			return;		/* not a format this file writes */
		memcpy(spec, start, n);
		spec[n] = '\0';
		p++;
#define ARG(type) (star ? printf(spec, width, va_arg(ap, type)) : printf(spec, va_arg(ap, type)))
		switch (spec[n - 1]) {
		case 's':
			escape_text(va_arg(ap, const char *), shown, sizeof(shown));
			star ? printf(spec, width, shown) : printf(spec, shown);
			break;
		case 'c':
			ARG(int);
			break;
		case 'p':
			ARG(void *);
			break;
		case 'd':
		case 'i':
			if (!strncmp(len, "ll", 2) || *len == 'j')
				ARG(long long);
			else if (*len == 'l' || *len == 'z' || *len == 't')
				ARG(long);
			else
				ARG(int);
			break;
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			if (!strncmp(len, "ll", 2) || *len == 'j')
				ARG(unsigned long long);
			else if (*len == 'l' || *len == 'z' || *len == 't')
				ARG(unsigned long);
			else
				ARG(unsigned);
			break;
		default:
			return;
		}
#undef ARG
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	va_start(ap, fmt);
	vprintf_escaped(fmt, ap);
	va_end(ap);
}

void out_error(const char *dev, int err, const char *fmt, ...)
{
	char msg[1024], shown[2048];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	if (err)
		snprintf(msg + len, sizeof(msg) - len, ": %s", errstr(err));

	fflush(stdout);
	/* one line, whatever the values in it hold */
	fprintf(stderr, "%svfioctl:%s %s%s%s\n", log_colour() ? "\033[1;31m" : "",
		log_colour() ? "\033[0m" : "", dev ? dev : "", dev ? ": " : "",
		escape_text(msg, shown, sizeof(shown)));

	if (!json)
		return;
	if (depth > 0 && !is_array[depth - 1]) {
		out_str(OUT_JSON, "error", NULL, msg);
		return;
	}
	json_open(NULL, false);
	if (dev)
		out_str(OUT_JSON, "device", NULL, dev);
	out_str(OUT_JSON, "error", NULL, msg);
	json_close();
}

void out_flush(void)
{
	fflush(stdout);
}

void out_end(void)
{
	if (json) {
		while (depth > 0)
			json_close();
		if (doc_started)
			putchar('\n');
	}
	fflush(stdout);
}
