/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOCTL_LOG_H
#define VFIOCTL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

/*
 * The one logging path. Messages go to stderr as "vfioctl: ..." when their
 * priority (syslog levels) is at or above the threshold: LOG_WARNING by
 * default, LOG_ERR with --quiet, LOG_INFO with --verbose, LOG_DEBUG with
 * -vv. libkmod's and libpci's messages are routed here too.
 */
void log_set_level(int level);
/* Colour the "error:"/"warning:" tags: only on a terminal, never with --json. */
void log_set_colour(bool on);
bool log_colour(void);
int log_get_level(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define dbg(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
