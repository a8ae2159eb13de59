// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef KDC_LOG_FACTS_ARM64_H
#define KDC_LOG_FACTS_ARM64_H

#include <stdbool.h>
#include <stddef.h>

struct kdc_log_facts;

/* arch ops log_line for arm64: see log_facts_arm64.c */
void arm64_log_line(const char *line, size_t len, bool is_panic_message, struct kdc_log_facts *f);

#endif
