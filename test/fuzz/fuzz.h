/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses of test/fuzz (see test/fuzz/README.md):
 * each harness is one file, fuzz-NAME.c, linked with the whole of lib/
 * built under ASan and UBSan. A harness aborts (a "crash" libFuzzer keeps)
 * when a property fails, not only on memory errors.
 */
#ifndef VFIOCTL_FUZZ_H
#define VFIOCTL_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold: abort, so libFuzzer keeps the input. */
#define fuzz_assert(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property failed: %s\n",      \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* data as a NUL-terminated string (cut at its first NUL); free() it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * The next part of the input up to a NUL (or its end) as a string; *data
 * and *size move past it. free() it.
 */
static inline char *fuzz_part(const uint8_t **data, size_t *size)
{
	const uint8_t *nul = memchr(*data, '\0', *size);
	size_t len = nul ? (size_t)(nul - *data) : *size;
	char *s = fuzz_str(*data, len);

	*data += nul ? len + 1 : len;
	*size -= nul ? len + 1 : len;
	return s;
}

/* A directory of the harness's own, made once: a fake root. */
static inline const char *fuzz_root(void)
{
	static char dir[1024];

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/vfioctl-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

/* ROOT/rel into path (4096 bytes), its directories made. */
static inline void fuzz_path(const char *rel, char *path)
{
	char *p;

	snprintf(path, 4096, "%s/%s", fuzz_root(), rel);
	for (p = path + strlen(fuzz_root()) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

/* Write len bytes to ROOT/rel, making its directories. */
static inline void fuzz_write(const char *rel, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	fuzz_path(rel, path);
	f = fopen(path, "w");
	if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f))
		abort();
}

/* ROOT/rel made a symlink to target (replacing what was there), with its directories. */
static inline void fuzz_symlink(const char *rel, const char *target)
{
	char path[4096];

	fuzz_path(rel, path);
	unlink(path);
	if (symlink(target, path))
		abort();
}

/* ROOT/rel removed, if it is there (a file or a link, not a directory). */
static inline void fuzz_remove(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fuzz_root(), rel);
	if (unlink(path) && errno != ENOENT)
		abort();
}

/* vfioctl's messages would drown libFuzzer's: errors only. */
static inline void fuzz_quiet(void)
{
	log_set_level(LOG_EMERG);
}

#endif
