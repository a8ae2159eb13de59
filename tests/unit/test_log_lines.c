// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log_lines.h"
#include "log_lines_arm64.h"

static void parses_dump_stack_header(void **state)
{
	/* from the csd-lockup fixture's console */
	static const char line[] = "CPU: 1 PID: 130 Comm: kdc_waiter Kdump: loaded Tainted: G"
				   "           OEL     6.1.0-50-arm64 #1  Debian 6.1.176-1";
	int cpu = -1;
	int32_t pid = -1;
	char comm[17];

	(void)state;
	assert_true(log_parse_cpu_line(line, sizeof(line) - 1, &cpu, &pid, comm));
	assert_int_equal(cpu, 1);
	assert_int_equal(pid, 130);
	assert_string_equal(comm, "kdc_waiter");
}

static void parses_612_header_with_uid(void **state)
{
	/* from the leaf-nested-6.12 fixture's console (lib/dump_stack.c 6.10+) */
	static const char line[] =
		"CPU: 0 UID: 0 PID: 0 Comm: swapper/0 Kdump: loaded Tainted: G"
		"           OE      6.12.118+deb12-arm64 #1  Debian 6.12.118-1~deb12u1";
	int cpu = -1;
	int32_t pid = -1;
	char comm[17];

	(void)state;
	assert_true(log_parse_cpu_line(line, sizeof(line) - 1, &cpu, &pid, comm));
	assert_int_equal(cpu, 0);
	assert_int_equal(pid, 0);
	assert_string_equal(comm, "swapper/0");
}

static void rejects_other_lines(void **state)
{
	static const char *const bad[] = {
		"WARNING: CPU: 1 PID: 130 at arch/arm64/kernel/machine_kexec.c:184",
		"CPU: x PID: 1 Comm: a",
		"CPU: 1 PID: -5 Comm: a",
		"CPU: 1 PID: 5",
		"CPU: 1 UID: x PID: 5 Comm: a",
		"CPU: 1 UID: 0 Comm: a",
		"CPU: 99999999999999999999 PID: 5 Comm: a",
		"CPU: 1 PID: 99999999999 Comm: a",
		"CPU: ",
		"",
	};
	int cpu;
	int32_t pid;
	char comm[17];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (log_parse_cpu_line(bad[i], strlen(bad[i]), &cpu, &pid, comm))
			fail_msg("accepted: '%s'", bad[i]);
}

static void long_comm_is_cut_and_text_is_not_overread(void **state)
{
	/* not NUL-terminated where len ends: the parser must stop at len */
	char buf[64];
	int cpu;
	int32_t pid;
	char comm[17];
	const char *s = "CPU: 3 PID: 7 Comm: abcdefghijklmnopqrstuvwxyz";

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	memcpy(buf, s, strlen(s));
	assert_true(log_parse_cpu_line(buf, strlen(s), &cpu, &pid, comm));
	assert_int_equal(strlen(comm), 16);
	assert_string_equal(comm, "abcdefghijklmnop");
}

/* the VHE format of 5.10-6.12 (vhe/switch.c), as one printk record */
static void hyp_panic_registers(void **state)
{
	static const char rec[] =
		"HYP panic:\nPS:204003c9 PC:ffff8000080b4d5c ESR:0000000096000005\n"
		"FAR:0000000000000010 HPFAR:0000000000ff7f00 PAR:0000000000000000\n"
		"VCPU:00000000c0ffee00";
	struct kdc_hyp_panic h;

	(void)state;
	assert_true(log_parse_hyp_panic(rec, sizeof(rec) - 1, &h));
	assert_true(h.pstate == 0x204003c9);
	assert_true(h.pc == 0xffff8000080b4d5cull);
	assert_true(h.esr == 0x96000005);
	assert_true(h.have_far && h.far == 0x10);
	assert_true(h.have_hpfar && h.hpfar == 0xff7f00);
	/* "PAR:" inside "HPFAR:" must not be taken for PAR */
	assert_true(h.par == 0);
	assert_false(log_parse_hyp_panic("HYP panic:\nPS:1", 16, &h));
	assert_false(log_parse_hyp_panic("Kernel panic", 12, &h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_dump_stack_header),
		cmocka_unit_test(parses_612_header_with_uid),
		cmocka_unit_test(rejects_other_lines),
		cmocka_unit_test(long_comm_is_cut_and_text_is_not_overread),
		cmocka_unit_test(hyp_panic_registers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
