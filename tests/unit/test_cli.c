// SPDX-License-Identifier: GPL-2.0-or-later
/* Runs the built kdump-collect (path in argv[1]) and checks exit codes and
 * messages of the command line, including on files that are not dumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const char *bin;

struct run {
	int status;
	char out[8192];
};

static void run(struct run *r, const char *args)
{
	char cmd[1024];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", bin, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(r->out, 1, sizeof(r->out) - 1, p);
	r->out[n] = '\0';
	r->status = pclose(p);
	assert_true(WIFEXITED(r->status));
	r->status = WEXITSTATUS(r->status);
}

static void help_and_version(void **state)
{
	static const char *const cmds[] = { "collect", "analyze", "repair", "show", "profile" };
	struct run r;
	char args[64];

	(void)state;
	run(&r, "--help");
	assert_int_equal(r.status, 0);
	for (size_t i = 0; i < 5; i++)
		assert_non_null(strstr(r.out, cmds[i]));
	for (size_t i = 0; i < 5; i++) {
		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		run(&r, args);
		assert_int_equal(r.status, 0);
		assert_non_null(strstr(r.out, "usage: kdump-collect"));
		assert_non_null(strstr(r.out, "Exit status"));
	}
	run(&r, "--version");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "kdump-collect "));
}

static void usage_errors_exit_64(void **state)
{
	static const char *const bad[] = {
		"",
		"frobnicate",
		"analyze",
		"analyze --no-such-option x",
		"analyze a b",
		"repair",
		"show",
		"show a b",
		"collect extra",
		"profile --bogus",
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r, bad[i]);
		if (r.status != 64)
			fail_msg("'%s' exited %d, want 64: %s", bad[i], r.status, r.out);
		assert_non_null(strstr(r.out, "usage"));
	}
}

/* collect and show reject bad arguments, and show names a missing bundle */
static void collect_and_show_arguments(void **state)
{
	struct run r;

	(void)state;
	run(&r, "show");
	assert_int_equal(r.status, 64);
	run(&r, "show /nonexistent-bundle.tar.zst");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.out, "/nonexistent-bundle.tar.zst"));
	run(&r, "collect --timeout soon");
	assert_int_equal(r.status, 64);
	run(&r, "collect extra-argument");
	assert_int_equal(r.status, 64);
	run(&r, "repair x");
	assert_int_equal(r.status, 64);
}

/* profile needs -o, and names an unreadable input */
static void profile_arguments(void **state)
{
	struct run r;

	(void)state;
	run(&r, "profile");
	assert_int_equal(r.status, 64);
	run(&r, "profile -o /nonexistent-dir/p --kallsyms /nonexistent-kallsyms");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.out, "/nonexistent-kallsyms"));
}

/* Files that are not dumps: exit 2 with a message naming what was wrong. */
static void non_dumps_are_named(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *expect;
	} cases[] = {
		{ "", 0, "too short" },
		{ "hello world, not a dump", 23, "neither an ELF core file nor kdump-compressed" },
		{ "KDUMP   \6\0\0\0", 12, "kdump header" },
		{ "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\1\0", 18, "ELF" },
	};
	char path[] = "/tmp/kdc-test-cli-XXXXXX";
	struct run r;
	char args[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, cases[i].bytes, cases[i].len), (ssize_t)cases[i].len);
		close(fd);
		snprintf(args, sizeof(args), "analyze %s", path);
		run(&r, args);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
		if (r.status != 2 || !strstr(r.out, cases[i].expect))
			fail_msg("case %zu: status %d, output: %s", i, r.status, r.out);
	}
	run(&r, "analyze /nonexistent/dump");
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.out, "No such file"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(usage_errors_exit_64),
		cmocka_unit_test(collect_and_show_arguments),
		cmocka_unit_test(profile_arguments),
		cmocka_unit_test(non_dumps_are_named),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: test_cli PATH-TO-kdump-collect\n");
		return 2;
	}
	bin = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
