// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every frame record on a CPU's stacks, live or left over, as a tree.
 *
 * A CPU without a note left its registers nowhere, but its stacks hold the
 * AAPCS64 frame records {x29, x30} of the calls in progress, and below (at
 * lower addresses than) the live ones, records of calls that have returned.
 * Both look alike. What can be told from memory:
 *  - a record is consistent when its x30 is a return address (the word
 *    before it is a call instruction in a known function) and its x29
 *    points to another consistent record higher on the same stack, or on
 *    a stack the CPU came from (IRQ and overflow stacks lead back to the
 *    task stack: arch/arm64/kernel/entry.S call_on_irq_stack), or ends the
 *    chain (0, or the task's entry frame in task_pt_regs(), 5.15+);
 *  - an exception taken at EL1 pushes a pt_regs whose `stackframe` is the
 *    record {x29, ELR} (entry.S kernel_entry), and the C handler's record
 *    returns into the entry code (__entry_text_start .. __entry_text_end):
 *    such a frame holds the interrupted context's registers exactly;
 *  - records that reach the entry frame are "anchored"; each has one parent
 *    and maybe several children. Live records form one path from the top;
 *    children that point to the same parent are siblings of which at most
 *    one is live.
 * Which path is live is the recovery's question (recover_arm64.c); this
 * builds the tree, bounded by the stacks' sizes.
 */
#ifndef KDC_FRAME_GRAPH_ARM64_H
#define KDC_FRAME_GRAPH_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include "code_arm64.h"
#include "cpus.h"
#include "ptregs_arm64.h"

#define FG_NODES_MAX 768
#define FG_STACK_BYTES_MAX (64u << 10)
/* how far below the task stack's top a chain may end with fp 0: the entry
 * pt_regs (336 bytes) and the first frames of a 4.18/5.10 kthread */
#define FG_TOP_SLACK 1024

struct fg_node {
	uint64_t addr;	 /* the record (for an exception: pt_regs.stackframe) */
	uint64_t fp, lr; /* its words; lr with the PAC removed */
	enum kdc_stack_kind stack;
	int parent; /* node index; -1 when it ends the chain */
	bool anchored;
	unsigned int depth; /* records from the chain's end, 1 at the top */
	bool exception;	    /* a pt_regs.stackframe: lr is the ELR */
	uint64_t pt_regs;
	uint64_t owner; /* entry of the function that pushed it; 0 unknown */
	bool indirect;	/* reached through an indirect call (BLR) */
	unsigned int nr_children;
};

struct frame_graph {
	unsigned int nr;
	struct fg_node node[FG_NODES_MAX];
	bool truncated;	       /* more records than FG_NODES_MAX */
	uint64_t final_record; /* the task's entry frame, 0 if unknown */
	struct ptregs_arm64_layout ptregs;
	bool have_ptregs;
};

/**
 * frame_graph_build() - find and link every record on @cpu's stacks
 * Return: the number of anchored records.
 */
unsigned int frame_graph_build(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
			       struct code_cache *code, struct frame_graph *g);

/**
 * frame_graph_prune() - unlink records that cannot be children of their
 * parent: once every record's function is settled, a child must return into
 * its parent's function; one that returns elsewhere was left by an earlier
 * call whose record the parent's has since overwritten
 */
void frame_graph_prune(struct code_cache *code, struct frame_graph *g);

/** frame_graph_find() - the node at @addr, -1 if none */
int frame_graph_find(const struct frame_graph *g, uint64_t addr);

#endif
