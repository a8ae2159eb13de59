// SPDX-License-Identifier: GPL-2.0-or-later
#include "log_lines.h"

#include <stdlib.h>
#include <string.h>

#define CPU_MAX (1 << 20)

bool log_parse_cpu_line(const char *text, size_t len, int *cpu, int32_t *pid, char comm[17])
{
	char line[128], *p, *end;
	long c, pd;
	size_t n = 0;

	while (n < len && text[n] != '\n' && n + 1 < sizeof(line))
		n++;
	memcpy(line, text, n);
	line[n] = '\0';
	if (strncmp(line, "CPU: ", 5) || line[5] < '0' || line[5] > '9')
		return false;
	c = strtol(line + 5, &end, 10);
	if (c > CPU_MAX)
		return false;
	/* 6.10+ prints the task's UID between them: "CPU: 1 UID: 0 PID: 130" */
	if (!strncmp(end, " UID: ", 6) && end[6] >= '0' && end[6] <= '9') {
		strtol(end + 6, &end, 10);
	}
	if (strncmp(end, " PID: ", 6))
		return false;
	p = end + 6;
	if (*p < '0' || *p > '9')
		return false;
	pd = strtol(p, &end, 10);
	if (pd > INT32_MAX || strncmp(end, " Comm: ", 7))
		return false;
	p = end + 7;
	n = strcspn(p, " ");
	if (n > 16)
		n = 16;
	memcpy(comm, p, n);
	comm[n] = '\0';
	*cpu = (int)c;
	*pid = (int32_t)pd;
	return true;
}
