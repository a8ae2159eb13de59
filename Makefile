# kdump-collector: one non-recursive Makefile.
#   make            build $(O)/kdump-collect
#   make check      unit suites + fixture checks, closing "N passed, N failed"
#   make asan       the same under ASan+UBSan in build-asan/
#   make demo       analyze the bundled csd-lockup dump in both forms
#   make fixtures   remake the crash dumps in QEMU (tests/qemu)
#   make check-oracle  rerun crash, makedumpfile and the -dbg vmlinux checks (tests/oracle)
#   make check-e2e  the collector inside the capture kernel in QEMU (tests/qemu/e2e.sh)
#   knobs: O=DIR, PREFIX, DESTDIR, CROSS_COMPILE=aarch64-linux-gnu- (the
#   compiler and pkg-config are then that triplet's), WERROR=0 (packagers
#   with newer compilers), V=1 (print whole command lines)
O ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CROSS_COMPILE ?=
ifneq ($(CROSS_COMPILE),)
CC := $(CROSS_COMPILE)gcc
PKG_CONFIG ?= $(CROSS_COMPILE)pkg-config
endif
PKG_CONFIG ?= pkg-config
WERROR ?= 1
V ?= 0
ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @echo "  $(1)	$(2)"
endif

PKGS := libkdumpfile libaddrxlat libelf libbpf libzstd libxxhash
WARN := -Wall -Wextra -Wformat=2 -Wshadow $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) $(SANITIZE) -MMD -MP
LDLIBS_PKGS := $(shell $(PKG_CONFIG) --libs $(PKGS))
CFLAGS_PKGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

PARSERS := err elf_notes regs_arm64 vmcoreinfo kdump_header kallsyms kallsyms_find printk btf_header insn_arm64 log_lines log_lines_arm64 symbol_map profile printk_log patterns_file tar_header func_arm64
COLLECTOR := main dump mem mem_kdumpfile page_tracker symbols dmesg analyze_cmd report_text report_json report_facts arch arch_arm64 json \
	ktypes kernel cpus unwind unwind_arm64 ptregs_arm64 analysis panic_info modules \
	sources vmlinux profile_cmd csd_wait_graph recover recover_arm64 kvm kvm_arm64 verdict repair patterns \
	bundle collect page_set mini_dump page_filter vmcore_save code_arm64 frame_graph_arm64 cpu_activity ftrace_arm64 kvm_nvhe_arm64 out_file name_safe \
	log_facts_arm64
UNIT_TESTS := test_cursor test_elf_notes test_vmcoreinfo test_regs_arm64 test_kdump_header \
	test_kallsyms test_printk test_json test_cli test_insn_arm64 test_btf_header test_log_lines \
	test_printk_log test_patterns_file test_func_arm64 test_name_safe test_kallsyms_find \
	test_kvm_arm64 test_csd_wait_graph test_unwind_arm64 test_recover_arm64 test_mem test_layout_tables

PARSER_OBJS := $(PARSERS:%=$(O)/parsers/%.o)
COLLECTOR_OBJS := $(COLLECTOR:%=$(O)/collector/%.o)
BIN := $(O)/kdump-collect

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all check unit asan demo fixtures accuracy check-oracle check-e2e fuzz fuzz-bins bench install uninstall deb robustness lint clean

all: $(BIN)

# parsers/ may include only parsers/: the layering is checked by the include path.
$(O)/parsers/%.o: parsers/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Iparsers -c $< -o $@

$(O)/collector/%.o: collector/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Iparsers -Icollector $(CFLAGS_PKGS) $(DEFS_$(*F)) -c $< -o $@

# The installed patterns file's path is compiled into patterns.o (its last
# fallback; the first is beside the binary): a changed PREFIX rebuilds it.
DEFS_patterns = -DKDC_PATTERNS_INSTALLED='"$(PREFIX)/share/kdump-collector/patterns.conf"'
$(O)/prefix.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
$(O)/collector/patterns.o: $(O)/prefix.stamp
.PHONY: FORCE
FORCE:

$(BIN): $(COLLECTOR_OBJS) $(PARSER_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS_PKGS)

# Each suite links only the module it tests plus the parsers base.
$(O)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-shadow -Iparsers -Icollector -c $< -o $@

$(O)/tests/test_json: $(O)/tests/test_json.o $(O)/collector/json.o $(O)/parsers/err.o
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(CMOCKA_LIBS)
$(O)/tests/test_mem: $(O)/tests/test_mem.o $(O)/collector/mem.o $(O)/parsers/err.o
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(CMOCKA_LIBS)
$(O)/tests/test_name_safe: $(O)/tests/test_name_safe.o $(O)/collector/name_safe.o
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(CMOCKA_LIBS)
# Analysis suites: synthetic memory images (tests/unit/mem_image.h) read
# through the collector's own code, linked whole but for main().
ANALYSIS_SUITES := test_kvm_arm64 test_csd_wait_graph test_unwind_arm64 test_recover_arm64 \
	test_layout_tables
$(ANALYSIS_SUITES:%=$(O)/tests/%.o): $(O)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-shadow -Iparsers -Icollector $(CFLAGS_PKGS) -c $< -o $@
$(ANALYSIS_SUITES:%=$(O)/tests/%): $(O)/tests/%: $(O)/tests/%.o \
		$(filter-out $(O)/collector/main.o,$(COLLECTOR_OBJS)) $(PARSER_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS_PKGS) $(CMOCKA_LIBS)
$(O)/tests/test_cli: $(O)/tests/test_cli.o | $(BIN)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(CMOCKA_LIBS)
$(O)/tests/test_%: $(O)/tests/test_%.o $(PARSER_OBJS)
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(CMOCKA_LIBS)

# Runs every suite even when one fails, then sums cmocka's and the fixture
# checks' results into one closing line; fails when anything failed or crashed.
check: $(BIN) $(UNIT_TESTS:%=$(O)/tests/%)
	@rm -f $(O)/check.log; status=0; \
	for t in $(UNIT_TESTS); do \
		echo "== $$t"; \
		$(O)/tests/$$t $(abspath $(BIN)) >$(O)/tests/$$t.log 2>&1; rc=$$?; \
		cat $(O)/tests/$$t.log; cat $(O)/tests/$$t.log >>$(O)/check.log; \
		if [ $$rc -ne 0 ] && ! grep -q 'FAILED  \]' $(O)/tests/$$t.log; then \
			echo "FAIL $$t: exited with status $$rc"; echo "FAIL $$t" >>$(O)/check.log; fi; \
		[ $$rc -eq 0 ] || status=1; \
	done; \
	if [ -x tests/fixture-checks/run.sh ]; then \
		echo "== fixture checks"; \
		KDC_COLLECT=$(abspath $(BIN)) KDC_SCRATCH=$(abspath $(O))/fixtures \
			tests/fixture-checks/run.sh >$(O)/fixture-checks.log 2>&1 || status=1; \
		cat $(O)/fixture-checks.log; cat $(O)/fixture-checks.log >>$(O)/check.log; \
	fi; \
	echo "== packaging: a real initramfs with dracut"; \
	KDC_SCRATCH=$(abspath $(O)) tests/packaging/check-dracut.sh >$(O)/dracut.log 2>&1 || status=1; \
	cat $(O)/dracut.log; cat $(O)/dracut.log >>$(O)/check.log; \
	echo "== packaging: the hooks on a reproduction of kdump's mount layout"; \
	KDC_COLLECT=$(abspath $(BIN)) KDC_SCRATCH=$(abspath $(O)) \
		KDC_HOOK_DUMP=$(abspath $(O))/fixtures/csd-lockup.elf \
		tests/packaging/check-hooks.sh >$(O)/hooks.log 2>&1 || status=1; \
	cat $(O)/hooks.log; cat $(O)/hooks.log >>$(O)/check.log; \
	echo "== packaging: make deb, install and uninstall into a staging root"; \
	KDC_SCRATCH=$(abspath $(O)) tests/packaging/check-install.sh >$(O)/install.log 2>&1 || status=1; \
	cat $(O)/install.log; cat $(O)/install.log >>$(O)/check.log; \
	passed=$$(awk '/^\[  PASSED  \]/ {n += $$4} /^PASS / {n++} END {print n+0}' $(O)/check.log); \
	failed=$$(awk '/^\[  FAILED  \] [0-9]+ test/ {n += $$4} /^FAIL / {n++} END {print n+0}' $(O)/check.log); \
	echo "$$passed passed, $$failed failed"; \
	[ $$status -eq 0 ] && [ $$failed -eq 0 ]

# The rules a reviewer would otherwise check by hand: the include graph
# (no cycle, no arch header in a generic file, parsers/ apart), shellcheck
# on every script, and how far the C sources are from .clang-format
# (reported, not enforced: the tree keeps kernel-style trailing-comment
# alignment that clang-format 14 cannot express).
LINT_SCRIPTS = $(shell git ls-files '*.sh' 2>/dev/null) tests/qemu/initramfs/init \
	dracut/99kdump-collector/module-setup.sh kdump-hooks/debian/postinst \
	kdump-hooks/debian/prerm kdump-hooks/debian/postrm
# C files held to .clang-format (the guest programs under tests/qemu are not)
LINT_C = 'collector/*.[ch]' 'parsers/*.[ch]' 'tests/unit/*.[ch]' 'tests/fuzz/*.[ch]'

lint:
	@status=0; \
	python3 tests/lint/include_graph.py || status=1; \
	for f in $(LINT_SCRIPTS); do \
		if shellcheck -x -S warning "$$f" >$(O)/lint-sh.log 2>&1; then :; else \
			echo "FAIL lint/shellcheck: $$f"; sed 's/^/    /' $(O)/lint-sh.log | head -20; status=1; fi; \
	done; \
	[ $$status -ne 0 ] || echo "PASS lint/shellcheck ($(words $(LINT_SCRIPTS)) scripts)"; \
	files=$$(git ls-files $(LINT_C)); \
	if ! command -v clang-format >/dev/null; then \
		echo "FAIL lint/clang-format: clang-format is not installed (tests/setup-debian.sh)"; status=1; \
	elif clang-format --dry-run $$files >$(O)/lint-fmt.log 2>&1 && \
		! grep -q 'warning:' $(O)/lint-fmt.log; then \
		echo "PASS lint/clang-format ($$(echo $$files | wc -w) files)"; \
	else echo "FAIL lint/clang-format: $$(grep -c 'warning:' $(O)/lint-fmt.log) places differ from" \
		".clang-format (fix: clang-format -i FILE)"; \
		grep 'warning:' $(O)/lint-fmt.log | head -10 | sed 's/^/    /'; status=1; fi; \
	exit $$status

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) O=build-asan SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=all" check

DEMO_DUMP := tests/fixtures/csd-lockup
demo: $(BIN)
	@if [ ! -f $(DEMO_DUMP)/dump.kdump ]; then \
		echo "demo: $(DEMO_DUMP) is missing (make fixtures)"; exit 1; fi
	$(BIN) analyze $(DEMO_DUMP)/dump.kdump
	@mkdir -p $(O)/fixtures
	zstd -q -d -f --long=27 $(DEMO_DUMP)/dump.elf.zst -o $(O)/fixtures/csd-lockup.elf
	$(BIN) analyze $(O)/fixtures/csd-lockup.elf

fixtures:
	bash tests/qemu/make-fixtures.sh

# docs/accuracy.md: the stuck CPUs' true functions against the ranked candidates
robustness: $(BIN)
	@mkdir -p $(O)/fixtures
	KDC_COLLECT=$(abspath $(BIN)) python3 tests/fixture-checks/check_corrupt.py \
		--elf $(abspath $(O))/fixtures/csd-lockup.elf --kdump tests/fixtures/csd-lockup/dump.kdump \
		--scratch $(abspath $(O))/fixtures --table docs/robustness.md | tail -1

accuracy: $(BIN)
	@mkdir -p $(O)/fixtures
	python3 tests/fixture-checks/accuracy.py --collect $(abspath $(BIN)) \
		--fixtures tests/fixtures --scratch $(abspath $(O))/fixtures --table docs/accuracy.md --quiet

# Speed and memory, side by side with makedumpfile and crash, on raw vmcores
# of 2, 8 and 16 GiB guests in use, 4 and 32 CPUs (bench/run.sh; makes the
# dumps on first use with bench/make-dumps.sh, about 45 minutes for all).
bench:
	bash bench/run.sh

# libFuzzer targets, one per decoder family (tests/fuzz). `make fuzz` builds
# them with clang and ASan/UBSan in build-fuzz/ and runs each for
# FUZZ_SECONDS on its kept corpus (tests/fuzz/corpus/<target>, seeded from
# tests/fuzz/seeds/<target>); crashes land in build-fuzz/crashes/ and the run
# fails. Inputs that found bugs are kept as regression seeds.
FUZZ_TARGETS := fuzz_elf_notes fuzz_vmcoreinfo fuzz_kallsyms fuzz_printk fuzz_btf fuzz_bundle \
	fuzz_text_formats fuzz_output_names
FUZZ_SECONDS ?= 60
LIB_OBJS = $(filter-out $(O)/collector/main.o,$(COLLECTOR_OBJS)) $(PARSER_OBJS)
$(O)/fuzz/%: tests/fuzz/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Iparsers -Icollector -Itests/fuzz -Itests/unit $(CFLAGS_PKGS) \
		$< $(LIB_OBJS) -o $@ $(LDLIBS_PKGS)
fuzz-bins: $(FUZZ_TARGETS:%=$(O)/fuzz/%)
fuzz:
	$(MAKE) O=build-fuzz CC=clang \
		SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" fuzz-bins
	@mkdir -p build-fuzz/crashes; status=0; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/corpus/$$t tests/fuzz/seeds/$$t; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		build-fuzz/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=1024 \
			-artifact_prefix=build-fuzz/crashes/$$t- -print_final_stats=1 \
			tests/fuzz/corpus/$$t tests/fuzz/seeds/$$t 2>build-fuzz/$$t.log; rc=$$?; \
		grep -E 'stat::number_of_executed_units|stat::peak_rss' build-fuzz/$$t.log; \
		[ $$rc -eq 0 ] || { echo "FAIL $$t: see build-fuzz/$$t.log"; status=1; }; \
	done; exit $$status

# End to end in QEMU: the cross-built collector runs in the capture kernel
# of the csd-lockup and kvm scenarios through the kdump_pre hook; the bundle
# on the dump disk is verified and checked against the boot's ground truth.
# Needs tests/setup-debian.sh --harness; about 5 minutes.
check-e2e: $(BIN)
	KDC_COLLECT=$(abspath $(BIN)) bash tests/qemu/e2e.sh

# The peers (crash 8.0.2, makedumpfile, the -dbg vmlinux) rerun on every
# fixture: their outputs are re-recorded in tests/fixtures/*/ (git diff shows
# any change), then everything is compared. ~850 MB download, ~5 minutes.
ORACLE_SCENARIOS := csd-lockup csd-single oops sysrq kvm
ORACLE_ROOT = $${KDC_ORACLE_WORK:-tests/oracle/work}/root
# the ELF-only corpus of 5.10 and 6.1 (crash 8.0.2 and the -dbg vmlinux of
# each); not 6.12: see tests/oracle/README.md
ORACLE_CORPUS = $(wildcard tests/fixtures/*-5.10 tests/fixtures/*-6.1)
check-oracle: $(BIN)
	bash tests/oracle/setup.sh
	bash tests/oracle/setup-corpus.sh
	set -e; for s in $(ORACLE_SCENARIOS); do \
		bash tests/oracle/run-makedumpfile.sh $$s; bash tests/oracle/run-crash.sh $$s; done
	set -e; export KDC_ELF_DIR=$(abspath $(O))/fixtures; for s in $(notdir $(ORACLE_CORPUS)); do \
		bash tests/oracle/run-makedumpfile.sh $$s; bash tests/oracle/run-crash.sh $$s; done
	KDC_COLLECT=$(abspath $(BIN)) KDC_SCRATCH=$(abspath $(O))/fixtures \
		bash tests/fixture-checks/run.sh > $(O)/oracle.log; st=$$?; \
	KDC_COLLECT=$(abspath $(BIN)) python3 tests/oracle/check_vmlinux.py \
		--vmlinux $(ORACLE_ROOT)/usr/lib/debug/boot/vmlinux-6.1.0-50-arm64 \
		--system-map $(ORACLE_ROOT)/usr/lib/debug/boot/System.map-6.1.0-50-arm64 \
		--scratch $(abspath $(O)) $(ORACLE_SCENARIOS:%=tests/fixtures/%/dump.kdump) \
		>> $(O)/oracle.log || st=1; \
	KDC_COLLECT=$(abspath $(BIN)) python3 tests/oracle/check_repair.py --root $(ORACLE_ROOT) \
		--vmlinux $(ORACLE_ROOT)/usr/lib/debug/boot/vmlinux-6.1.0-50-arm64 \
		--scratch $(abspath $(O)) $(ORACLE_SCENARIOS:%=tests/fixtures/%) \
		>> $(O)/oracle.log || st=1; \
	KDC_COLLECT=$(abspath $(BIN)) python3 tests/oracle/check_repair_elf.py \
		--work $${KDC_ORACLE_WORK:-tests/oracle/work} --elf-dir $(abspath $(O))/fixtures \
		--scratch $(abspath $(O))/repair-elf --timeout 600 $(ORACLE_CORPUS) \
		>> $(O)/oracle.log || st=1; \
	grep -E '^FAIL|crash|makedumpfile|vmlinux/|repair/|repair-elf/' $(O)/oracle.log; \
	echo "$$(grep -c '^PASS' $(O)/oracle.log) passed, $$(grep -c '^FAIL' $(O)/oracle.log) failed"; \
	git diff --stat -- tests/fixtures; exit $$st

# Hooks and the dracut module go to fixed system paths: kdump-utils,
# kdump-tools, systemd and dracut look for them there, whatever PREFIX is.
LIBEXECDIR ?= /usr/lib/kdump-collector
DRACUTDIR ?= /usr/lib/dracut/modules.d
KDUMP_DRACUT_CONFDIR ?= /usr/lib/kdump/dracut.conf.d
SYSTEMDUNITDIR ?= /usr/lib/systemd/system
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
MAN := $(O)/kdump-collect.1
# every installed file: `make uninstall` removes exactly these
INSTALLED = $(PREFIX)/bin/kdump-collect $(PREFIX)/share/kdump-collector/patterns.conf \
	$(MANDIR)/man1/kdump-collect.1 \
	$(LIBEXECDIR)/lib.sh $(LIBEXECDIR)/kdump-pre.sh $(LIBEXECDIR)/kdump-tools-pre.sh \
	$(LIBEXECDIR)/make-profile.sh \
	$(SYSCONFDIR)/kdump/pre.d/kdump-collector \
	$(SYSCONFDIR)/systemd/system/kdump-tools.service.d/kdump-collector.conf \
	$(SYSCONFDIR)/systemd/system/kdump-tools-dump.service.d/kdump-collector.conf \
	$(SYSCONFDIR)/kernel/postrm.d/kdump-collector \
	$(SYSTEMDUNITDIR)/kdump-collector-profile.service \
	$(DRACUTDIR)/99kdump-collector/module-setup.sh \
	$(KDUMP_DRACUT_CONFDIR)/99-zz-kdump-collector.conf \
	$(SYSCONFDIR)/dracut.conf.d/99-zz-kdump-collector.conf

$(MAN): docs/kdump-collect.1.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

install: $(BIN) $(MAN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kdump-collect
	install -D -m 0644 collector/patterns.conf \
		$(DESTDIR)$(PREFIX)/share/kdump-collector/patterns.conf
	install -D -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man1/kdump-collect.1
	install -D -m 0644 kdump-hooks/kdump-collector-lib.sh $(DESTDIR)$(LIBEXECDIR)/lib.sh
	install -D -m 0755 kdump-hooks/kdump-pre.sh $(DESTDIR)$(LIBEXECDIR)/kdump-pre.sh
	install -D -m 0755 kdump-hooks/kdump-tools-pre.sh $(DESTDIR)$(LIBEXECDIR)/kdump-tools-pre.sh
	install -D -m 0755 kdump-hooks/make-profile.sh $(DESTDIR)$(LIBEXECDIR)/make-profile.sh
	install -D -m 0755 kdump-hooks/kdump-pre.sh $(DESTDIR)$(SYSCONFDIR)/kdump/pre.d/kdump-collector
	install -D -m 0644 kdump-hooks/kdump-tools.dropin.conf \
		$(DESTDIR)$(SYSCONFDIR)/systemd/system/kdump-tools.service.d/kdump-collector.conf
	install -D -m 0644 kdump-hooks/kdump-tools.dropin.conf \
		$(DESTDIR)$(SYSCONFDIR)/systemd/system/kdump-tools-dump.service.d/kdump-collector.conf
	install -D -m 0755 kdump-hooks/kernel-postrm.sh $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/kdump-collector
	install -D -m 0644 kdump-hooks/kdump-collector-profile.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/kdump-collector-profile.service
	install -D -m 0755 dracut/99kdump-collector/module-setup.sh \
		$(DESTDIR)$(DRACUTDIR)/99kdump-collector/module-setup.sh
	install -D -m 0644 dracut/99-zz-kdump-collector.conf \
		$(DESTDIR)$(KDUMP_DRACUT_CONFDIR)/99-zz-kdump-collector.conf
	install -D -m 0644 dracut/99-zz-kdump-collector.conf \
		$(DESTDIR)$(SYSCONFDIR)/dracut.conf.d/99-zz-kdump-collector.conf
	@# the settings file is the admin's once it exists
	[ -e $(DESTDIR)$(SYSCONFDIR)/kdump-collector.conf ] || \
		install -D -m 0644 kdump-hooks/kdump-collector.conf $(DESTDIR)$(SYSCONFDIR)/kdump-collector.conf

# Removes what install placed; the settings file only if unchanged, and the
# profiles and bundles never (they are data).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DRACUTDIR)/99kdump-collector $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(PREFIX)/share/kdump-collector \
		$(DESTDIR)$(SYSCONFDIR)/systemd/system/kdump-tools.service.d \
		$(DESTDIR)$(SYSCONFDIR)/systemd/system/kdump-tools-dump.service.d 2>/dev/null
	if cmp -s kdump-hooks/kdump-collector.conf $(DESTDIR)$(SYSCONFDIR)/kdump-collector.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/kdump-collector.conf; fi

# A Debian package from a staged install (PREFIX=/usr), with dpkg-deb.
# Maintainer scripts and control template: kdump-hooks/debian/.
DEB_VERSION ?= $(shell sed -n 's/^\#define KDC_VERSION "\(.*\)"/\1/p' collector/version.h)
DEB_ARCH ?= $(shell dpkg --print-architecture)
DEB_STAGE = $(O)/deb/kdump-collector_$(DEB_VERSION)_$(DEB_ARCH)
deb:
	rm -rf $(DEB_STAGE)
	$(MAKE) install PREFIX=/usr SYSCONFDIR=/etc DESTDIR=$(abspath $(DEB_STAGE))
	mkdir -p $(DEB_STAGE)/DEBIAN
	sed -e 's/@VERSION@/$(DEB_VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
		-e "s/@SIZE@/$$(du -sk $(DEB_STAGE) | cut -f1)/" \
		-e "s/@DEPENDS@/$$(bash kdump-hooks/debian/depends.sh $(BIN))/" \
		kdump-hooks/debian/control.in > $(DEB_STAGE)/DEBIAN/control
	install -m 0755 kdump-hooks/debian/postinst kdump-hooks/debian/prerm \
		kdump-hooks/debian/postrm $(DEB_STAGE)/DEBIAN/
	cd $(DEB_STAGE) && find etc -type f | sed 's|^|/|' > DEBIAN/conffiles
	dpkg-deb --root-owner-group --build $(DEB_STAGE) $(O)/deb/ >/dev/null
	@echo $(O)/deb/kdump-collector_$(DEB_VERSION)_$(DEB_ARCH).deb

clean:
	rm -rf build build-asan build-fuzz
	@if [ "$(O)" != build ] && [ "$(O)" != build-asan ]; then rm -rf "$(O)"; fi

-include $(wildcard $(O)/*/*.d)
