/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_PRINT_H
#define VFIOCTL_PRINT_H

#include <stdbool.h>

/*
 * One print path for text and JSON, in the manner of iproute2's
 * print_*(PRINT_ANY, key, fmt, value): each call names the JSON key and
 * the text format of one value. OUT_ANY prints in both modes, OUT_JSON only
 * in JSON and OUT_TEXT only in text. In JSON mode the calls build a single
 * document on stdout; in text mode fmt is printed with the value.
 * A NULL string is JSON null and "-" in text.
 */
enum out_type { OUT_ANY, OUT_JSON, OUT_TEXT };

void out_init(bool json);
bool out_is_json(void);

void out_open_object(const char *key);
void out_close_object(void);
void out_open_array(const char *key);
void out_close_array(void);

void out_str(enum out_type t, const char *key, const char *fmt, const char *v);
void out_uint(enum out_type t, const char *key, const char *fmt, unsigned long long v);
void out_int(enum out_type t, const char *key, const char *fmt, long long v);
void out_bool(enum out_type t, const char *key, const char *fmt, bool v);
/* JSON null, or text printed as is */
void out_null(enum out_type t, const char *key, const char *text);
/* text mode only */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Report an error: one line "vfioctl: DEV: MESSAGE[: strerror(-err)]" on
 * stderr and, in JSON mode, an "error" member in the open object (or a
 * {"device":..,"error":..} element in the open array, or a top-level
 * object). dev may be NULL, err 0.
 */
void out_error(const char *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void out_flush(void);
/* Close whatever is open and end the JSON document with a newline. */
void out_end(void);

#endif
