// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Names users and files give vfioctl: device names (pci_addr_parse),
 * vendor:device IDs (ids_parse), USER[:GROUP] (owner_valid), module and
 * driver names (valid_name), and the escaping of any value for printing.
 */
#include "fuzz.h"
#include "../../lib/module.h"
#include "../../lib/owner.h"
#include "../../lib/pcidev.h"
#include "../../lib/persist.h"
#include "../../lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char addr[PCI_ADDR_MAX], again[PCI_ADDR_MAX], what[64], esc[128], shown[48];
	char *s = fuzz_str(data, size);
	struct record r = { 0 };
	const unsigned char *p;

	if (pci_addr_parse(s, addr) == 0) {
		/* the kernel's form, which parses back to itself */
		fuzz_assert(pci_addr_parse(addr, again) == 0 && !strcmp(addr, again));
		fuzz_assert(pci_addr_cmp(addr, again) == 0);
		fuzz_assert(strspn(addr, "0123456789abcdef:.") == strlen(addr));
	}
	if (ids_parse(s, &r) == 0) {
		r.kind = MATCH_IDS;
		record_what(&r, what, sizeof(what));
		fuzz_assert(strlen(what) == strlen(s));
		fuzz_assert(!strcasecmp(what, s));
	}
	if (owner_valid(s))
		fuzz_assert(strlen(s) < OWNER_MAX && !strpbrk(s, "\n\r\t =#"));
	if (valid_name(s))
		fuzz_assert(strlen(s) < NAME_MAX_LEN && !strpbrk(s, "\n\r\t =#;$/ "));
	/* printed values never carry a control byte or a C1 control */
	escape_text(s, esc, sizeof(esc));
	fuzz_assert(strlen(esc) < sizeof(esc));
	for (p = (const unsigned char *)esc; *p; p++) {
		fuzz_assert(*p >= 0x20 && *p != 0x7f);
		fuzz_assert(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0));
	}
	printable(s, shown, sizeof(shown));
	for (p = (const unsigned char *)shown; *p; p++)
		fuzz_assert(*p >= 0x20 && *p < 0x7f);
	free(s);
	return 0;
}
