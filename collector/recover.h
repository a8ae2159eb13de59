// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Registers for a CPU that wrote no NT_PRSTATUS note (it never took the
 * crash-stop IPI), rebuilt from memory by architecture code
 * (recover_<arch>.c). Usually more than one place fits what memory shows,
 * so the result is a ranked list of candidates, each with the method that
 * found it and the evidence for it; the top one gives the registers and the
 * backtrace. Nothing rebuilt is presented as more than it is.
 */
#ifndef KDC_RECOVER_H
#define KDC_RECOVER_H

#include <stdbool.h>

#include "cpu_activity.h"
#include "cpus.h"
#include "kernel.h"
#include "unwind.h"

enum kdc_confidence {
	KDC_CONF_EXACT, /* registers the hardware or kernel saved, or a PC that cannot be elsewhere
			 */
	KDC_CONF_FUNCTION, /* the function is certain (it cannot return, or a dispatcher names it),
			      not the instruction */
	KDC_CONF_CHAIN,	   /* the best-ranked fit of the frame records and code: may be wrong */
};

#define KDC_CANDIDATES_MAX 6

/* the dispatch kind of an ftrace callback: its traced call is in kdc_recovery.traced */
#define KDC_DISPATCH_FTRACE "ftrace callback the trampoline calls"

struct kdc_candidate {
	uint64_t function; /* entry of the function the CPU is in */
	uint64_t pc;	   /* the instruction it passes most; 0 when not even that */
	enum kdc_confidence confidence;
	const char *method; /* static */
	int score;	    /* rank within this CPU's candidates, higher first */
	char evidence[512];
	/* where it sits on the stack, to rebuild registers and backtrace */
	uint64_t frame; /* frame pointer: the innermost frame record in use */
	uint64_t
		return_to; /* link register when it is a leaf called by the frame's owner; else 0 */
	uint64_t via;	   /* the helper it calls in a tight loop, if that is how it was found */
	const char *dispatch_kind; /* static; the dispatcher that names it, if one does */
	bool at_el2;		   /* in the nVHE hypervisor: function and pc are the kernel
				    * image's aliases of hyp text, frame is on the hyp stack */
};

/* A traced call in progress (an ftrace trampoline's saved registers) */
struct kdc_traced_call {
	bool found;
	uint64_t function;  /* the traced function's entry */
	uint64_t return_to; /* its return address into its caller */
	uint64_t args[8];   /* x0-x7 (arm64) as the trampoline saved them */
	uint64_t saved_at;  /* where they are in memory */
	const char *layout; /* "pt_regs", "__arch_ftrace_regs"; static */
};

struct kdc_recovery {
	bool ok;
	struct kdc_regs regs; /* the top candidate's: pc, fp and lr as recovered; sp approximate */
	struct kdc_backtrace bt; /* the top candidate's */
	const char *method;	 /* the top candidate's */
	enum kdc_confidence confidence;
	char evidence[1024]; /* why, in words a kernel engineer can check */
	unsigned int nr_candidates;
	struct kdc_candidate cand[KDC_CANDIDATES_MAX]; /* ranked, best first */
	struct kdc_cpu_activity activity;
	struct kdc_traced_call traced;
	unsigned int records,
		anchored; /* frame records seen on its stacks, and linked to its entry */
	/* hypervisor-stack records linked to the chain in code the symbols do
	 * not name (so no candidate could be placed in them): the CPU may be
	 * there all the same */
	unsigned int hyp_unnamed;
};

/** recover_cpu() - rebuild @cpu's state; @out->ok false (with evidence) when nothing fits */
void recover_cpu(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out);

const char *kdc_confidence_name(enum kdc_confidence c);

#endif
