// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: a PT_NOTE blob, every note decoded, NT_PRSTATUS as arm64. */
#include <stddef.h>
#include <stdint.h>

#include "elf_notes.h"
#include "regs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdc_cursor c;
	struct kdc_note n;
	bool have;

	kdc_cursor_init(&c, data, size, false, "fuzz");
	while (!elf_notes_next(&c, &have, &n, NULL) && have) {
		struct kdc_prstatus ps;

		if (elf_note_name_is(&n, "CORE") && n.type == KDC_NT_PRSTATUS)
			regs_arm64_from_prstatus(n.desc, n.desc_len, &ps, NULL);
	}
	return 0;
}
