// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines the kernel prints in fixed formats that the analyses rely on.
 */
#ifndef KDC_LOG_LINES_H
#define KDC_LOG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * log_parse_cpu_line() - "CPU: 1 PID: 130 Comm: kdc_waiter ..." as
 * dump_stack_print_info() prints it (lib/dump_stack.c, 4.18-6.12)
 * @text: the record's text, @len bytes, not NUL-terminated
 * @comm: the first 16 bytes of the command name, NUL-terminated
 * Return: true when @text starts with such a line.
 */
bool log_parse_cpu_line(const char *text, size_t len, int *cpu, int32_t *pid, char comm[17]);

#endif
