// SPDX-License-Identifier: GPL-2.0-or-later
#include "kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define OFFSETS_BATCH 64

enum kdc_status kernel_read_u64(const struct kdc_kernel *k, uint64_t addr, uint64_t *v,
				struct kdc_err *err)
{
	return mem_read_u64(k->mem, addr, v, err);
}

enum kdc_status kernel_read_u32(const struct kdc_kernel *k, uint64_t addr, uint32_t *v,
				struct kdc_err *err)
{
	return mem_read_u32(k->mem, addr, v, err);
}

uint64_t kernel_rq(const struct kdc_kernel *k, unsigned int cpu)
{
	return k->per_cpu_start + k->runqueues_off + k->cpu_offset[cpu];
}

bool kernel_describe(const struct kdc_kernel *k, uint64_t addr, char *buf, size_t len)
{
	struct kdc_symbol_hit hit;

	if (!kernel_symbolize(k, addr, &hit) && hit.name) {
		snprintf(buf, len, "%s+0x%llx%s%s%s", hit.name, (unsigned long long)hit.offset,
			 hit.module ? " [" : "", hit.module ? hit.module : "",
			 hit.module ? "]" : "");
		return true;
	}
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return false;
}

#define TASK_REQUIRED(off, ...)                                                                    \
	KTYPES_REQUIRED(struct kdc_task_layout, off, "task_struct", NULL, __VA_ARGS__)
static const struct ktypes_field task_fields[] = {
	TASK_REQUIRED(pid, "pid"),
	TASK_REQUIRED(comm, "comm"),
	TASK_REQUIRED(stack, "stack"),
	/* the volatile long state became unsigned int __state */
	KTYPES_OPTIONAL_SIZED(struct kdc_task_layout, state, state_size, have_state, "task_struct",
			      "Linux kernel commit 2f064a59a11f (\"sched: Change "
			      "task_struct::state\") (in v5.14)",
			      "__state", "state"),
	KTYPES_OPTIONAL(struct kdc_task_layout, cpu, have_cpu, "task_struct",
			"Linux kernel commit bcf9033e5449 (\"sched: move CPU field back into "
			"thread_info if THREAD_INFO_IN_TASK=y\") (in v5.16)",
			"thread_info.cpu", "cpu"),
	KTYPES_OPTIONAL(struct kdc_task_layout, cpu_context, have_cpu_context, "task_struct", NULL,
			"thread.cpu_context"),
};
#undef TASK_REQUIRED

static const struct ktypes_field rq_fields[] = {
	KTYPES_REQUIRED(struct kdc_rq_layout, curr, "rq", NULL, "curr"),
	KTYPES_REQUIRED(struct kdc_rq_layout, cpu, "rq", NULL, "cpu"),
	KTYPES_OPTIONAL(struct kdc_rq_layout, online, have_online, "rq", NULL, "online"),
};

static enum kdc_status load_layouts(struct kdc_kernel *k, struct kdc_err *err)
{
	uint64_t size;
	enum kdc_status st;

	if ((st = ktypes_resolve(task_fields, sizeof(task_fields) / sizeof(task_fields[0]),
				 &k->types, &k->task, err)) ||
	    (st = ktypes_resolve(rq_fields, sizeof(rq_fields) / sizeof(rq_fields[0]), &k->types,
				 &k->rq, err)))
		return st;
	if (!ktypes_size(&k->types, "thread_union", &size, NULL) && size >= k->page_size) {
		k->thread_size = size;
		k->thread_size_source = "btf (union thread_union)";
	}
	return KC_OK;
}

/*
 * Possible CPUs have their offset set by setup_per_cpu_areas(); the rest of
 * __per_cpu_offset[NR_CPUS] stays 0. NR_CPUS itself is not in the dump, so
 * each candidate is confirmed by its runqueue's own cpu field and the walk
 * stops at the first CPU that does not confirm.
 */
static enum kdc_status find_cpus(struct kdc_kernel *k, struct kdc_err *err)
{
	uint8_t raw[OFFSETS_BATCH * 8];
	enum kdc_status st;

	for (unsigned int cpu = 0; cpu < KDC_CPUS_MAX; cpu++) {
		unsigned int slot = cpu % OFFSETS_BATCH;
		uint64_t off = 0;
		uint32_t rq_cpu;

		if (slot == 0 && (st = mem_read(k->mem, k->per_cpu_offset_addr + cpu * 8ull, raw,
						sizeof(raw), err))) {
			if (cpu)
				break; /* the array ended on a page not in the dump */
			return kdc_err_prefix(err, st, "__per_cpu_offset");
		}
		off = mem_decode(k->mem, raw + slot * 8, 8);
		if (kernel_read_u32(k, k->per_cpu_start + k->runqueues_off + off + k->rq.cpu,
				    &rq_cpu, NULL) ||
		    rq_cpu != cpu)
			break;
		k->cpu_offset[cpu] = off;
		k->nr_cpus = cpu + 1;
	}
	if (!k->nr_cpus)
		return kdc_fail(err, KC_CORRUPT,
				"CPU 0's runqueue does not say cpu 0: per-CPU offsets are wrong");
	return KC_OK;
}

static enum kdc_status load_percpu(struct kdc_kernel *k, struct kdc_err *err)
{
	struct kdc_code_addrs code;
	uint64_t runqueues, end;
	enum kdc_status st;

	/* KDC_DEBUG_PERCPU=symbols: the symbol path on a kernel whose BTF has
	 * the DATASEC, so the fixture checks prove it on every dump */
	const char *debug = getenv("KDC_DEBUG_PERCPU");

	k->percpu_vars_from_btf =
		!ktypes_datasec_size(&k->types, ".data..percpu", &(uint64_t){ 0 }, NULL) &&
		!(debug && (!strcmp(debug, "symbols") || !strcmp(debug, "code")));
	/* =code also ignores data symbols: the path of a kernel with neither */
	bool data_symbols = !(debug && !strcmp(debug, "code"));
	k->percpu_vars_source =
		k->percpu_vars_from_btf ? "btf (.data..percpu)" : "symbols (minus __per_cpu_start)";
	if (data_symbols &&
	    !symbols_address(&k->syms, "__per_cpu_offset", &k->per_cpu_offset_addr) &&
	    !symbols_address(&k->syms, "__per_cpu_start", &k->per_cpu_start)) {
		k->percpu_source = "symbols";
		k->have_per_cpu_start = true;
		if (!symbols_address(&k->syms, "__per_cpu_end", &end) && end > k->per_cpu_start &&
		    end - k->per_cpu_start <= KDC_PERCPU_AREA_MAX)
			k->percpu_area_size = end - k->per_cpu_start;
		if ((st = kernel_percpu_var(k, "runqueues", &k->runqueues_off, NULL, err)))
			return st;
	} else {
		if (!k->dump->arch->code_addrs)
			return kdc_fail(err, KC_NOTSUP,
					"no data symbols and no code decoder for %s",
					k->dump->arch->name);
		if ((st = k->dump->arch->code_addrs(k->dump, &k->syms, &code, err)))
			return st;
		k->per_cpu_offset_addr = code.per_cpu_offset;
		runqueues = code.runqueues;
		k->runqueues_addr = runqueues;
		/* without data symbols runqueues' place in the area is BTF's word */
		if (k->percpu_vars_from_btf &&
		    !ktypes_percpu_var(&k->types, "runqueues", &k->runqueues_off, NULL, NULL)) {
			/* runqueues' link address minus its offset in .data..percpu */
			k->per_cpu_start = runqueues - k->runqueues_off;
			k->have_per_cpu_start = true;
			k->percpu_source = "code (nr_iowait_cpu) + btf";
		} else {
			/* the area's start is unknown: offsets are kept from
			 * runqueues instead (they wrap below it, which the
			 * address arithmetic does not mind) */
			k->per_cpu_start = runqueues;
			k->runqueues_off = 0;
			k->percpu_source = "code (nr_iowait_cpu)";
			k->percpu_vars_source = "code (functions that use them)";
		}
	}
	return find_cpus(k, err);
}

unsigned int kernel_load(struct kdc_dump *dump, const struct kdc_sources *src, struct kdc_kernel *k)
{
	const struct kdc_profile *profile = NULL;
	unsigned int missing = 0;

	memset(k, 0, sizeof(*k));
	k->dump = dump;
	k->mem = &dump->mem;
	k->percpu_memo = calloc(KDC_PERCPU_MEMO_MAX, sizeof(*k->percpu_memo));
	k->src = src;
	if (src && src->profile) {
		if (!profile_file_load(src->profile, &k->profile, &k->profile_err))
			profile = &k->profile.p;
		else
			missing++;
	}
	k->page_size = dump_page_size(dump, &k->page_size_err);
	k->thread_size = dump->arch->thread_size(k->page_size);
	k->thread_size_source = "arch default";

	k->have_symbols = !symbols_load(dump, src, profile, &k->syms, &k->symbols_err);
	if (!k->have_symbols) {
		kdc_fail(&k->types_err, KC_NODATA, "no symbols to find the BTF by");
		kdc_fail(&k->layout_err, KC_NODATA, "no kernel types");
		kdc_fail(&k->percpu_err, KC_NODATA, "no symbols");
		return 4;
	}
	k->have_types = !ktypes_load(dump, &k->syms, src, profile, &k->types, &k->types_err);
	if (!k->have_types) {
		kdc_fail(&k->layout_err, KC_NODATA, "no kernel types");
		kdc_fail(&k->percpu_err, KC_NODATA, "no kernel types");
		return 3;
	}
	k->have_modules = !modules_load(&(struct kdc_modules_src){ k->mem, &k->syms, &k->types },
					&k->modules, &k->modules_err);
	missing += !k->have_modules;
	k->have_layouts = !load_layouts(k, &k->layout_err);
	missing += !k->have_layouts;
	if (!k->have_layouts || load_percpu(k, &k->percpu_err)) {
		if (!k->have_layouts)
			kdc_fail(&k->percpu_err, KC_NODATA, "no runqueue layout");
		k->nr_cpus = 0;
		missing++;
	}
	return missing;
}

void kernel_fini(struct kdc_kernel *k)
{
	modules_fini(&k->modules);
	free(k->percpu_memo);
	k->percpu_memo = NULL;
	profile_file_fini(&k->profile);
	ktypes_fini(&k->types);
	symbols_fini(&k->syms);
}

/*
 * arm64's smp_processor_id() reads the per-CPU cpu_number, so most code
 * that uses one per-CPU variable uses that one too: it is the variable
 * whose copy on every CPU holds that CPU's number. One CPU cannot tell.
 */
static bool is_cpu_number(void *ctx, uint64_t addr)
{
	const struct kdc_kernel *k = ctx;
	uint32_t v;

	if (k->nr_cpus < 2)
		return false;
	for (unsigned int cpu = 0; cpu < k->nr_cpus; cpu++)
		if (kernel_read_u32(k, addr + k->cpu_offset[cpu], &v, NULL) || v != cpu)
			return false;
	return true;
}

/*
 * Variables whose every CPU's copy names that CPU: an address read out of
 * code is taken only if each copy says so (hrtimer_cpu_base.cpu is set by
 * hrtimers_prepare_cpu(), timer_base.cpu by init_timer_cpu()).
 */
static const struct {
	const char *var, *type, *member;
} percpu_self_naming[] = {
	{ "hrtimer_bases", "hrtimer_cpu_base", "cpu" },
	{ "timer_bases", "timer_base", "cpu" },
};

static bool names_its_cpu(const struct kdc_kernel *k, const char *name, uint64_t addr)
{
	for (size_t i = 0; i < sizeof(percpu_self_naming) / sizeof(percpu_self_naming[0]); i++) {
		uint64_t off;
		uint32_t v;

		if (strcmp(percpu_self_naming[i].var, name))
			continue;
		if (ktypes_member(&k->types, percpu_self_naming[i].type,
				  percpu_self_naming[i].member, &off, NULL, NULL))
			return true; /* nothing to check it by */
		for (unsigned int cpu = 0; cpu < k->nr_cpus; cpu++)
			if (kernel_read_u32(k, addr + k->cpu_offset[cpu] + off, &v, NULL) ||
			    v != cpu)
				return false;
	}
	return true;
}

/* The arch's answer, checked where the variable can be, remembered: the
 * analyses ask for the same few variables once per CPU. */
static enum kdc_status percpu_var_from_code(const struct kdc_kernel *k, const char *name,
					    uint64_t *addr, struct kdc_err *err)
{
	struct kdc_percpu_memo *m = k->percpu_memo, one = { 0 };
	unsigned int i;

	if (!m) { /* no memory for the memo: answer without it */
		m = &one;
		i = 0;
		goto ask;
	}
	for (i = 0; i < KDC_PERCPU_MEMO_MAX && m[i].name; i++)
		if (!strcmp(m[i].name, name)) {
			*addr = m[i].addr;
			return m[i].addr ? KC_OK : kdc_fail(err, KC_NODATA, "%s", m[i].why);
		}
	if (i == KDC_PERCPU_MEMO_MAX)
		i = KDC_PERCPU_MEMO_MAX - 1; /* more names than the analyses use: reuse */
ask:
	m[i] = (struct kdc_percpu_memo){ .name = name };
	{
		struct kdc_err why = { 0 };

		if (k->dump->arch->percpu_var_code(k->dump, &k->syms, name, k->runqueues_addr,
						   is_cpu_number, (void *)k, &m[i].addr, &why))
			kdc_err_prefix(&why, why.code,
				       "not in BTF's .data..percpu nor among the symbols");
		else if (!names_its_cpu(k, name, m[i].addr))
			kdc_fail(&why, KC_CORRUPT,
				 "per-CPU variable %s read out of code at "
				 "0x%llx, but its copies do not name their CPUs",
				 name, (unsigned long long)m[i].addr);
		if (why.code) {
			m[i].addr = 0;
			snprintf(m[i].why, sizeof(m[i].why), "%s", why.msg);
			return kdc_fail(err, why.code, "%s", why.msg);
		}
	}
	*addr = m[i].addr;
	return KC_OK;
}

/*
 * BTF's .data..percpu DATASEC says where each static per-CPU variable sits
 * in the area, with its size. pahole writes it from v1.18, but
 * scripts/link-vmlinux.sh passes --skip_encoding_btf_vars for pahole 1.18
 * to 1.21 ("can't handle zero-sized per-CPU vars", also in 5.10 stable), so
 * kernels built with those (Debian 11's 5.10: dwarves 1.20) or older have
 * BTF without it, and a variable may be left out; the symbol table says the
 * same thing: on arm64 per-CPU symbols keep their link address in
 * [__per_cpu_start, __per_cpu_end) (only x86_64 makes them absolute
 * offsets, CONFIG_KALLSYMS_ABSOLUTE_PERCPU), so the offset is the symbol
 * minus __per_cpu_start and the size reaches to the next symbol.
 */
enum kdc_status kernel_percpu_var(const struct kdc_kernel *k, const char *name, uint64_t *offset,
				  uint64_t *size, struct kdc_err *err)
{
	struct kdc_symbol_hit hit;
	uint64_t addr;

	if (k->percpu_vars_from_btf && !ktypes_percpu_var(&k->types, name, offset, size, NULL))
		return KC_OK;
	if (k->have_per_cpu_start && !symbols_address(&k->syms, name, &addr)) {
		if (addr < k->per_cpu_start ||
		    (k->percpu_area_size && addr - k->per_cpu_start >= k->percpu_area_size))
			return kdc_fail(err, KC_CORRUPT,
					"symbol %s (0x%llx) is not in the per-CPU "
					"area at 0x%llx",
					name, (unsigned long long)addr,
					(unsigned long long)k->per_cpu_start);
	} else if (k->runqueues_addr && !strcmp(name, "runqueues")) {
		addr = k->runqueues_addr; /* the anchor itself */
	} else if (k->runqueues_addr && k->dump->arch->percpu_var_code) {
		/* last: read out of code that uses the variable; its size is
		 * unknown (callers that need one go without) */
		enum kdc_status st = percpu_var_from_code(k, name, &addr, err);

		if (st)
			return st;
		*offset = addr - k->per_cpu_start;
		if (size)
			*size = 0;
		return KC_OK;
	} else {
		return kdc_fail(err, KC_NODATA,
				"no per-CPU variable %s (neither in BTF's "
				".data..percpu nor among the symbols)",
				name);
	}
	*offset = addr - k->per_cpu_start;
	if (size) {
		if (symbols_lookup(&k->syms, addr, &hit) || hit.offset || !hit.size)
			return kdc_fail(err, KC_NODATA, "per-CPU variable %s: no size", name);
		*size = hit.size;
		if (k->percpu_area_size && *size > k->percpu_area_size - *offset)
			*size = k->percpu_area_size - *offset;
	}
	return KC_OK;
}

const char *const kernel_percpu_vars_used[] = { "runqueues",
						"irq_stack_ptr",
						"overflow_stack",
						"call_single_queue",
						"cfd_data",
						"csd_data",
						"timer_bases",
						"hrtimer_bases",
						"current_kprobe",
						"kvm_running_vcpu",
						"kvm_hyp_ctxt",
						"kvm_arm_hyp_stack_page",
						"kvm_arm_hyp_stack_base",
						NULL };

uint64_t kernel_percpu_area_size(const struct kdc_kernel *k)
{
	uint64_t size;

	if (k->percpu_vars_from_btf &&
	    !ktypes_datasec_size(&k->types, ".data..percpu", &size, NULL))
		return size;
	return k->percpu_area_size;
}

enum kdc_status kernel_percpu_addr(const struct kdc_kernel *k, const char *name, unsigned int cpu,
				   uint64_t *addr, struct kdc_err *err)
{
	uint64_t off;
	enum kdc_status st;

	if (cpu >= k->nr_cpus)
		return kdc_fail(err, KC_NODATA, "cpu %u: per-CPU area unknown", cpu);
	if ((st = kernel_percpu_var(k, name, &off, NULL, err)))
		return st;
	*addr = k->per_cpu_start + off + k->cpu_offset[cpu];
	return KC_OK;
}

enum kdc_status kernel_symbolize(const struct kdc_kernel *k, uint64_t addr,
				 struct kdc_symbol_hit *out)
{
	if (!symbols_lookup(&k->syms, addr, out))
		return KC_OK;
	return modules_lookup(&k->modules, addr, out);
}

size_t kernel_code_data_refs(const struct kdc_kernel *k, uint64_t fn, size_t len, uint64_t *out,
			     size_t max)
{
	return mem_code_data_refs(k->mem, fn, len, out, max);
}
