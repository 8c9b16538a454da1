# One non-recursive Makefile for the whole compiler.
#   make            plain -O2 build in build/
#   make SAN=1      ASan+UBSan build in build-san/
#   make check      sanitizer build, then every test (tests/run-checks.sh)
#   make example    build, then compile examples/ with our apparmor_parser
#   make bench      benchmarks on the plain build
# Sources are found by wildcard: a new .c, .l, .y or .re in a module
# folder needs no edit here.

include config.mk

config.mk: configure.ac config.mk.in
	aclocal && autoconf && ./configure --quiet

SAN ?=
ifeq ($(SAN),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else
B ?= build
SANFLAGS =
endif

OPT ?= -O2
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wundef -Wformat=2
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(SANFLAGS) \
	-Iinclude -I$(B)/gen -MMD -MP $(CFLAGS)
GEN_CFLAGS = -Wno-unused-function -Wno-sign-compare -Wno-unused-parameter \
	-Wno-missing-prototypes
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)
VERSION_DEF = -DAACC_VERSION=\"$(PACKAGE_VERSION)\"

# --- sources by module ---------------------------------------------------
LIB_SRC = $(wildcard lib/*.c)
PARSER_SRC = $(wildcard parser/*.c)
PARSER_L = $(wildcard parser/*.l)
PARSER_Y = $(wildcard parser/*.y)
PARSER_RE = $(wildcard parser/*.re)
DFA_SRC = $(wildcard dfa/*.c)
DFA_RE = $(wildcard dfa/*.re)
BACKEND_SRC = $(wildcard backend/*.c)
BACKEND_RE = $(wildcard backend/*.re)
CLI_SRC = $(wildcard cli/*.c)
TOOL_SRC = $(wildcard tools/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_HELPER_SRC = $(wildcard tests/unit/helper_*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
genobj = $(patsubst %,$(B)/obj/gen/%.o,$(basename $(notdir $(1))))

LIB_OBJ = $(call obj,$(LIB_SRC))
PARSER_OBJ = $(call obj,$(PARSER_SRC)) $(call genobj,$(PARSER_L) $(PARSER_Y) $(PARSER_RE))
DFA_OBJ = $(call obj,$(DFA_SRC)) $(call genobj,$(DFA_RE))
BACKEND_OBJ = $(call obj,$(BACKEND_SRC)) $(call genobj,$(BACKEND_RE))
CLI_OBJ = $(call obj,$(CLI_SRC))
UNIT_HELPER_OBJ = $(call obj,$(UNIT_HELPER_SRC))

LIBS = $(B)/libbackend.a $(B)/libparser.a $(B)/libdfa.a $(B)/libcommon.a
EXT_LIBS = $(LIBAPPARMOR_LIBS) -lm -lpthread

PROGS = $(B)/apparmor_parser \
	$(patsubst tools/%.c,$(B)/%,$(subst _,-,$(TOOL_SRC)))
UNIT_BINS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

GEN_HDRS = $(patsubst parser/%.y,$(B)/gen/%.h,$(PARSER_Y)) \
	$(patsubst parser/%.l,$(B)/gen/%.h,$(PARSER_L))

.PHONY: all check check-unit check-build check-kernel example bench bench-fe bench-dfa fuzz \
	check-headers format-check clean install
.DEFAULT_GOAL := all
all: $(PROGS) $(UNIT_BINS)

# --- generated scanners and parsers ---------------------------------------
$(B)/gen/%.c $(B)/gen/%.h: parser/%.y
	@mkdir -p $(dir $@)
	$(BISON) -Wall -Werror --defines=$(B)/gen/$*.h -o $(B)/gen/$*.c $<

$(B)/gen/%.c $(B)/gen/%.h: parser/%.l
	@mkdir -p $(dir $@)
	$(FLEX) --header-file=$(B)/gen/$*.h -o $(B)/gen/$*.c $<

$(B)/gen/%.c: parser/%.re
	@mkdir -p $(dir $@)
	$(RE2C) -W -Werror -o $@ $<

$(B)/gen/%.c: dfa/%.re
	@mkdir -p $(dir $@)
	$(RE2C) -W -Werror -o $@ $<

$(B)/gen/%.c: backend/%.re
	@mkdir -p $(dir $@)
	$(RE2C) -W -Werror -o $@ $<

$(B)/obj/gen/%.o: $(B)/gen/%.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(GEN_CFLAGS) -Iparser -Idfa -Ibackend -c -o $@ $<

# --- ordinary objects ----------------------------------------------------
# Every object waits for the generated headers; naming them explicitly
# makes them "ought to exist", so make never falls back to the generic
# rule below for a test or parser object in a fresh build directory.
UNIT_OBJ = $(patsubst tests/unit/%.c,$(B)/obj/tests/unit/%.o,$(UNIT_SRC))
TOOL_OBJ = $(patsubst tools/%.c,$(B)/obj/tools/%.o,$(TOOL_SRC))
$(LIB_OBJ) $(PARSER_OBJ) $(DFA_OBJ) $(BACKEND_OBJ) $(CLI_OBJ) \
	$(UNIT_HELPER_OBJ) $(UNIT_OBJ) $(TOOL_OBJ): | $(GEN_HDRS)

$(B)/obj/parser/%.o: parser/%.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Iparser -c -o $@ $<

$(B)/obj/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(VERSION_DEF) $(LIBAPPARMOR_CFLAGS) -c -o $@ $<

$(B)/obj/tests/%.o: tests/%.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -Iparser -Idfa -Ibackend -Itests/unit \
		-c -o $@ $<

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIBAPPARMOR_CFLAGS) -c -o $@ $<

# --- libraries and programs ----------------------------------------------
$(B)/libcommon.a: $(LIB_OBJ)
$(B)/libparser.a: $(PARSER_OBJ)
$(B)/libdfa.a: $(DFA_OBJ)
$(B)/libbackend.a: $(BACKEND_OBJ)
$(B)/lib%.a:
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/apparmor_parser: $(CLI_OBJ) $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIBS) $(EXT_LIBS)

# aa-dfa needs only the engine, so it links without the other modules
$(B)/aa-dfa: $(B)/obj/tools/aa_dfa.o $(B)/libdfa.a $(B)/libcommon.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lm

$(B)/aa-%: $(B)/obj/tools/aa_%.o $(LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBS) $(EXT_LIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(UNIT_HELPER_OBJ) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(UNIT_HELPER_OBJ) $(LIBS) \
		$(CMOCKA_LIBS) $(EXT_LIBS)

# --- tests ---------------------------------------------------------------
check:
	$(MAKE) SAN=1 check-build
	tests/run-checks.sh build-san

check-build: $(PROGS) $(UNIT_BINS)

check-unit: $(UNIT_BINS)
	tests/run-checks.sh $(B) unit

check-headers:
	@mkdir -p $(B)/hdr
	@set -e; for h in include/*.h; do \
		n=$$(basename $$h .h); \
		printf '#include "%s.h"\n' $$n > $(B)/hdr/$$n.c; \
		$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -c \
			-o $(B)/hdr/$$n.o $(B)/hdr/$$n.c; \
	done; echo "headers: all compile alone"

example: $(PROGS)
	$(B)/apparmor_parser --config-file=/dev/null -M examples/abi/linux-6.1 \
		-I examples -N examples/profiles/
	$(B)/apparmor_parser --config-file=/dev/null -M examples/abi/linux-6.1 \
		-I examples -Q -o $(B)/example.bin examples/profiles/
	$(B)/aa-policy dump $(B)/example.bin | grep -E '^(profile|  (mode|caps|file|policydb))' || true
	@echo "example: compiled examples/profiles/ to $(B)/example.bin ($$(wc -c < $(B)/example.bin) bytes)"

check-kernel: $(PROGS)
	tests/kernel/run.sh $(B)

# issue 5: ours against apparmor_parser 3.0.8; BENCH_RUNS=N (default 5)
bench: $(PROGS)
	tests/bench/bench.sh $(B)

bench-fe: $(PROGS)
	tests/bench/fe.sh $(B)

bench-dfa: $(PROGS)
	tests/bench/dfa.sh $(B)

fuzz:
	$(MAKE) B=build-fuzz CC=clang OPT=-O1 \
		SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/libparser.a build-fuzz/libdfa.a build-fuzz/libcommon.a
	tests/fuzz/run.sh build-fuzz
	tests/fuzz/run_policy.sh build-fuzz $${FUZZ_SECONDS:-120}

format-check:
	@if command -v clang-format >/dev/null; then \
		clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h'); \
	else echo "format-check: clang-format not installed, skipped"; fi

# make install [DESTDIR=...] [PREFIX=/usr/local]: apparmor_parser in
# sbin, the tools in bin, man/*.N in share/man/manN.
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
MANPAGES = $(wildcard man/*.[1-8])
install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	install -m 755 $(B)/apparmor_parser $(DESTDIR)$(SBINDIR)/
	install -m 755 $(filter-out $(B)/apparmor_parser,$(PROGS)) \
		$(DESTDIR)$(BINDIR)/
	@set -e; for m in $(MANPAGES); do s=$${m##*.}; \
		echo "install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
		install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
