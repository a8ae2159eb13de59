// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 NT_PRSTATUS. struct elf_prstatus (include/linux/elfcore.h) on a
 * 64-bit kernel: pr_info (3 ints, 12) pr_cursig (2) pad (2) pr_sigpend (8)
 * pr_sighold (8) pr_pid pr_ppid pr_pgrp pr_sid (4 each, at 32..47) four
 * struct timeval (16 each, 48..111) pr_reg = struct user_pt_regs
 * (arch/arm64/include/uapi/asm/ptrace.h: regs[31], sp, pc, pstate; 272 bytes
 * at 112) pr_fpvalid (4) and padding to 392. An ABI: it is the core-file
 * format, unchanged since arm64 was merged.
 */
#include "regs.h"

#include <string.h>

#include "cursor.h"

#define PRSTATUS_SIZE_ARM64 392
#define PRSTATUS_PID_OFF 32
#define PRSTATUS_REG_OFF 112
#define USER_PT_REGS_NR 34 /* x0..x30, sp, pc, pstate */

_Static_assert(PRSTATUS_REG_OFF + USER_PT_REGS_NR * 8 + 4 <= PRSTATUS_SIZE_ARM64,
	       "user_pt_regs and pr_fpvalid fit in elf_prstatus");
_Static_assert(USER_PT_REGS_NR <= KDC_REGS_MAX, "kdc_regs holds user_pt_regs");

static const char *const arm64_reg_names[USER_PT_REGS_NR] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",	 "x7",	"x8",  "x9",	 "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",	 "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",	"pc",  "pstate",
};

enum kdc_status regs_arm64_from_prstatus(const uint8_t *desc, size_t len, struct kdc_prstatus *out,
					 struct kdc_err *err)
{
	struct kdc_prstatus ps = { 0 };
	struct kdc_cursor c;
	uint32_t u32;
	enum kdc_status st;

	if (len != PRSTATUS_SIZE_ARM64)
		return kdc_fail(err, KC_CORRUPT, "arm64 prstatus is %d bytes, note has %zu",
				PRSTATUS_SIZE_ARM64, len);
	kdc_cursor_init(&c, desc, len, false, "prstatus");
	if ((st = kdc_cursor_seek(&c, 12, err)) || (st = kdc_cursor_u16(&c, &ps.cursig, err)) ||
	    (st = kdc_cursor_seek(&c, PRSTATUS_PID_OFF, err)))
		return st;
	if ((st = kdc_cursor_u32(&c, &u32, err)))
		return st;
	ps.pid = (int32_t)u32;
	if ((st = kdc_cursor_u32(&c, &u32, err)))
		return st;
	ps.ppid = (int32_t)u32;
	if ((st = kdc_cursor_seek(&c, PRSTATUS_REG_OFF, err)))
		return st;
	for (unsigned int i = 0; i < USER_PT_REGS_NR; i++)
		if ((st = kdc_cursor_u64(&c, &ps.regs.r[i], err)))
			return st;
	ps.regs.nr = USER_PT_REGS_NR;
	ps.regs.names = arm64_reg_names;
	ps.regs.fp = ps.regs.r[29];
	ps.regs.lr = ps.regs.r[30];
	ps.regs.sp = ps.regs.r[31];
	ps.regs.pc = ps.regs.r[32];
	ps.regs.flags = ps.regs.r[33];
	*out = ps;
	return KC_OK;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

size_t regs_arm64_to_prstatus(int32_t pid, const struct kdc_regs *regs, uint8_t *buf, size_t len)
{
	if (len < PRSTATUS_SIZE_ARM64)
		return 0;
	memset(buf, 0, PRSTATUS_SIZE_ARM64);
	put_le(buf + PRSTATUS_PID_OFF, (uint32_t)pid, 4);
	for (unsigned int i = 0; i < 29 && i < regs->nr; i++)
		put_le(buf + PRSTATUS_REG_OFF + 8 * i, regs->r[i], 8);
	/* the named fields are authoritative: a recovered set fills only those */
	put_le(buf + PRSTATUS_REG_OFF + 8 * 29, regs->fp, 8);
	put_le(buf + PRSTATUS_REG_OFF + 8 * 30, regs->lr, 8);
	put_le(buf + PRSTATUS_REG_OFF + 8 * 31, regs->sp, 8);
	put_le(buf + PRSTATUS_REG_OFF + 8 * 32, regs->pc, 8);
	put_le(buf + PRSTATUS_REG_OFF + 8 * 33, regs->flags, 8);
	return PRSTATUS_SIZE_ARM64;
}
