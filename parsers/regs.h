// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An architecture-neutral register set, as one CPU's NT_PRSTATUS note (or,
 * later, recovery) gives it. Architecture decoders (regs_<arch>.c) fill it;
 * generic code reads pc/sp/fp/lr and the raw array only for printing.
 */
#ifndef KDC_REGS_H
#define KDC_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KDC_REGS_MAX 40

struct kdc_regs {
	uint64_t r[KDC_REGS_MAX];	/* architecture order: arm64 x0..x30, sp, pc, pstate */
	unsigned int nr;		/* valid entries in r */
	const char *const *names;	/* nr names, static storage */
	uint64_t pc, sp, fp, lr, flags; /* flags: arm64 pstate */
};

/* The parts of struct elf_prstatus (include/linux/elfcore.h) we use. */
struct kdc_prstatus {
	int32_t pid;
	int32_t ppid;
	uint16_t cursig;
	struct kdc_regs regs;
};

/**
 * regs_arm64_from_prstatus() - decode an arm64 NT_PRSTATUS descriptor
 * @desc: the note's descriptor, little-endian (borrowed)
 * @len: its size; must be the arm64 struct elf_prstatus size (392)
 * @out: filled on success only
 * @err: error detail
 *
 * Return: KC_OK, or KC_CORRUPT when @len is not an arm64 prstatus.
 */
enum kdc_status regs_arm64_from_prstatus(const uint8_t *desc, size_t len, struct kdc_prstatus *out,
					 struct kdc_err *err);

/**
 * regs_arm64_to_prstatus() - an arm64 NT_PRSTATUS descriptor for @pid and
 * @regs (x0-x28 from r[], x29/x30/sp/pc/pstate from the named fields)
 * Return: its size (392), or 0 when @len is too small.
 */
size_t regs_arm64_to_prstatus(int32_t pid, const struct kdc_regs *regs, uint8_t *buf, size_t len);

#endif
