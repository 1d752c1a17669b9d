// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The files vfioctl keeps under run/vfioctl (lib/state.c): a device's
 * record of where it was (state_load/state_save) and the journal of a bind
 * or unbind under way (journal_load/journal_save). The first byte of the
 * input chooses:
 *   0  the rest is a record file: what loads, saved and loaded again, is
 *      the same
 *   1  the same for a journal
 *   2  the rest is a record's values, NUL-separated: valid ones save and
 *      load back the same; any other is refused with nothing written
 *   3  the same for a journal's values
 * Whatever loads holds no control byte and no newline, so no value can
 * become a line of its own, or reach a terminal as a control sequence.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "../../lib/ctx.h"
#include "../../lib/module.h"
#include "../../lib/pcidev.h"
#include "../../lib/state.h"

#define ADDR "0000:00:03.0"
#define RECORD "root/run/vfioctl/" ADDR
#define JOURNAL "root/run/vfioctl/journal"

static struct vctx ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char root[4096];

	(void)argc;
	(void)argv;
	fuzz_quiet();
	fuzz_write("root/run/vfioctl/.keep", "", 0);
	fuzz_path("root", root);
	if (ctx_init(&ctx, root, NULL))
		abort();
	return 0;
}

/* A string within its size, of printable ASCII only. */
#define CLEAN(buf) clean((buf), sizeof(buf))
static bool clean(const char *s, size_t size)
{
	size_t i;

	for (i = 0; i < size && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return i < size;
}

/* What the reader keeps: "" or a name. */
static bool name_ok(const char *s)
{
	return !s[0] || valid_name(s);
}

static bool state_same(const struct prev_state *a, const struct prev_state *b)
{
	return !strcmp(a->driver, b->driver) && !strcmp(a->module, b->module) &&
	       !strcmp(a->override, b->override);
}

static bool journal_same(const struct journal *a, const struct journal *b)
{
	return !strcmp(a->op, b->op) && !strcmp(a->addr, b->addr) &&
	       !strcmp(a->driver, b->driver) && !strcmp(a->override, b->override) &&
	       !strcmp(a->target, b->target) && !strcmp(a->target_override, b->target_override) &&
	       !strcmp(a->new_record, b->new_record);
}

static void check_state_loaded(const struct prev_state *s)
{
	struct prev_state back;

	fuzz_assert(CLEAN(s->driver) && CLEAN(s->module) && CLEAN(s->override));
	fuzz_assert(name_ok(s->driver) && name_ok(s->module) && name_ok(s->override));
	fuzz_assert(state_save(&ctx, ADDR, s) == 0);
	fuzz_assert(state_load(&ctx, ADDR, &back) == 0);
	fuzz_assert(state_same(s, &back));
}

static void check_journal_loaded(const struct journal *j)
{
	char id[DEV_ID_MAX];
	struct journal back;

	fuzz_assert(CLEAN(j->op) && CLEAN(j->addr) && CLEAN(j->driver) && CLEAN(j->override) &&
		    CLEAN(j->target) && CLEAN(j->target_override) && CLEAN(j->new_record));
	fuzz_assert(!strcmp(j->op, "bind") || !strcmp(j->op, "unbind"));
	fuzz_assert(dev_id_parse(j->addr, id) == 0 && !strcmp(id, j->addr));
	fuzz_assert(journal_save(&ctx, j) == 0);
	fuzz_assert(journal_load(&ctx, &back) == 0);
	fuzz_assert(journal_same(j, &back));
}

/* The next part of the input into field, cut to fit. */
#define TAKE(field) take(&data, &size, (field), sizeof(field))
static void take(const uint8_t **data, size_t *size, char *field, size_t fsize)
{
	char *s = fuzz_part(data, size);
	size_t len = strlen(s);

	if (len >= fsize)
		len = fsize - 1;
	memcpy(field, s, len);
	field[len] = '\0';
	free(s);
}

static bool exists(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fuzz_root(), rel);
	return access(path, F_OK) == 0;
}

static void save_state(const uint8_t *data, size_t size)
{
	struct prev_state s, back;
	bool ok;
	int err;

	memset(&s, 0, sizeof(s));
	TAKE(s.driver);
	TAKE(s.module);
	TAKE(s.override);
	ok = name_ok(s.driver) && name_ok(s.module) && name_ok(s.override);
	fuzz_remove(RECORD);
	err = state_save(&ctx, ADDR, &s);
	if (!ok) {
		fuzz_assert(err == -EINVAL && !exists(RECORD));
		return;
	}
	fuzz_assert(err == 0);
	fuzz_assert(state_load(&ctx, ADDR, &back) == 0);
	fuzz_assert(state_same(&s, &back));
}

static void save_journal(const uint8_t *data, size_t size)
{
	struct journal j, back;
	char id[DEV_ID_MAX];
	bool ok;
	int err;

	memset(&j, 0, sizeof(j));
	TAKE(j.op);
	TAKE(j.addr);
	TAKE(j.driver);
	TAKE(j.override);
	TAKE(j.target);
	TAKE(j.target_override);
	TAKE(j.new_record);
	ok = (!strcmp(j.op, "bind") || !strcmp(j.op, "unbind")) &&
	     dev_id_parse(j.addr, id) == 0 && !strcmp(id, j.addr) && name_ok(j.driver) &&
	     name_ok(j.override) && name_ok(j.target) && name_ok(j.target_override) &&
	     name_ok(j.new_record);
	fuzz_remove(JOURNAL);
	err = journal_save(&ctx, &j);
	if (!ok) {
		fuzz_assert(err == -EINVAL && !exists(JOURNAL));
		return;
	}
	fuzz_assert(err == 0);
	fuzz_assert(journal_load(&ctx, &back) == 0);
	fuzz_assert(journal_same(&j, &back));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prev_state s;
	struct journal j;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_write(RECORD, data + 1, size - 1);
		if (state_load(&ctx, ADDR, &s) == 0)
			check_state_loaded(&s);
		break;
	case 1:
		fuzz_write(JOURNAL, data + 1, size - 1);
		if (journal_load(&ctx, &j) == 0)
			check_journal_loaded(&j);
		break;
	case 2:
		save_state(data + 1, size - 1);
		break;
	case 3:
		save_journal(data + 1, size - 1);
		break;
	}
	return 0;
}
