# tests/reliability.mk -- the reliability harnesses (issue 8), included by
# the Makefile. Every target installs what it needs when missing
# (tests/reliability/deps.sh: clang + sanitizer runtimes, valgrind, gcovr).
#
#   make fuzz [FUZZ_SECONDS=60]     each libFuzzer target of tests/fuzz/
#   make oom [OOM_ARGS=...] [OOM_JOBS=1]
#                                   every allocation of the SQL corpus fails
#                                   in turn, transient and persistent (ASan);
#                                   OOM_JOBS corpora at a time, the
#                                   biggest first
#   make oom-ci                     CI-sized: OOM_JOBS=2, persistent mode
#                                   every OOM_CI_STRIDE-th allocation only
#   make valgrind                   the Tcl suite under valgrind memcheck
#   make threads [THREADS_SECONDS=20]  8 threads, ThreadSanitizer
#   make coverage                   line/branch coverage of ext/ over the Tcl
#                                   suite, written into docs/reliability.md
#   make badinput-matrix            rewrites the bad-input matrix section of
#                                   docs/reliability.md from tests/badinput.test
#   make reliability                all of the above, CI-sized
#
# What drives them is data, not code: the SQL corpus
# tests/reliability/corpus/<module>.sql (OOM, threads, fuzz seeds, option
# grammar of fuzz_vtab), the fixture tests/reliability/{fixture,dirty}.sql,
# the value pool tests/fuzz/values.txt and the bad-input table
# tests/reliability/badinput.txt. Covering a new function or virtual table
# means adding SQL there.

REL_CC          ?= clang
REL             := dist/rel
REL_SRC         := $(wildcard ext/*.c)
REL_HDR         := $(wildcard ext/*.h) tests/reliability/rel.h
REL_SETUP       := sql/schema.sql tests/reliability/fixture.sql \
                   tests/reliability/dirty.sql
REL_CORPUS      := $(sort $(wildcard tests/reliability/corpus/*.sql))
REL_CFLAGS      := -std=c11 -Wall -Wextra -Werror -g -DSQLITE_CORE -Iext -Itests
REL_SAN         := -fsanitize=address,undefined -fno-sanitize-recover=all \
                   -fno-omit-frame-pointer
REL_DEPS        := sh tests/reliability/deps.sh
FUZZ_SECONDS    ?= 60
FUZZ_TARGETS    := $(sort $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
THREADS_SECONDS ?= 20
THREADS_N       ?= 8
VALGRIND_JOBS   ?= 2
OOM_JOBS        ?= 1
OOM_CI_STRIDE   ?= 4
COV             := dist/cov
COV_OBJ         := $(SRC:ext/%.c=$(COV)/obj/%.o)
COV_LIB         := $(COV)/success.$(SO)

.PHONY: fuzz oom oom-ci valgrind threads coverage badinput-matrix reliability

# ---- generated C strings (fixture, value pool, corpus) --------------------
$(REL)/fixture.inc: $(REL_SETUP) tests/reliability/cstring.sh
	@mkdir -p $(@D)
	sh tests/reliability/cstring.sh $(REL_SETUP) > $@
$(REL)/values.inc: tests/fuzz/values.txt tests/reliability/cstring.sh
	@mkdir -p $(@D)
	sh tests/reliability/cstring.sh tests/fuzz/values.txt > $@
$(REL)/corpus.inc: $(REL_CORPUS) tests/reliability/cstring.sh
	@mkdir -p $(@D)
	sh tests/reliability/cstring.sh $(REL_CORPUS) > $@

# ---- fuzz -----------------------------------------------------------------
$(REL)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(REL_SRC) $(REL_HDR) \
               $(REL)/fixture.inc $(REL)/values.inc $(REL)/corpus.inc
	@$(REL_DEPS) clang
	$(REL_CC) $(REL_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -fno-omit-frame-pointer -I$(REL) \
	  -o $@ $< $(REL_SRC) -lsqlite3 -lm

fuzz: deps
	@$(REL_DEPS) clang
	$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(REL)/%)
	sh tests/reliability/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- out of memory ----------------------------------------------------------
$(REL)/oom: tests/oom.c $(REL_SRC) $(REL_HDR)
	@mkdir -p $(@D)
	@$(REL_DEPS) clang
	$(REL_CC) $(REL_CFLAGS) -O1 $(REL_SAN) -o $@ tests/oom.c $(REL_SRC) \
	  -lsqlite3 -lm

oom: deps
	@$(REL_DEPS) clang
	$(MAKE) --no-print-directory $(REL)/oom
	ls -S $(REL_CORPUS) | \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	xargs -n 1 -P $(OOM_JOBS) $(REL)/oom $(OOM_ARGS) \
	  $(foreach f,$(REL_SETUP),--setup $(f))

oom-ci:
	$(MAKE) --no-print-directory oom OOM_JOBS=2 \
	  OOM_ARGS='--stride $(OOM_CI_STRIDE) $(OOM_ARGS)'

# ---- threads ----------------------------------------------------------------
$(REL)/threads: tests/threads.c $(REL_SRC) $(REL_HDR)
	@mkdir -p $(@D)
	@$(REL_DEPS) clang
	$(REL_CC) $(REL_CFLAGS) -O1 -fsanitize=thread -o $@ tests/threads.c \
	  $(REL_SRC) -lsqlite3 -lm -lpthread

$(REL)/threads.db: dist/gen sql/schema.sql tests/reliability/dirty.sql
	@mkdir -p $(@D)
	dist/gen --customers 500 --out $@.tmp
	sqlite3 $@.tmp < tests/reliability/dirty.sql
	mv $@.tmp $@

threads: deps
	@$(REL_DEPS) clang
	$(MAKE) --no-print-directory $(REL)/threads $(REL)/threads.db
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	$(REL)/threads --threads $(THREADS_N) --seconds $(THREADS_SECONDS) \
	  $(REL)/threads.db $(REL_CORPUS)

# ---- valgrind ---------------------------------------------------------------
valgrind: deps $(LIB) dist/gen dist/unit
	@$(REL_DEPS) valgrind
	SUCCESS_LIB=dist/success $(TCLSH) tests/reliability/valgrind.tcl \
	  -j $(VALGRIND_JOBS) $(VALGRIND_TESTS)

# ---- coverage ---------------------------------------------------------------
$(COV)/obj/%.o: ext/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O0 -g --coverage -fPIC -c $< -o $@

$(COV_LIB): $(COV_OBJ)
	$(CC) $(SHARED) --coverage -o $@ $(COV_OBJ) -lm

coverage: deps dist/gen dist/unit
	@$(REL_DEPS) gcovr
	$(MAKE) --no-print-directory $(COV_LIB)
	find $(COV) -name '*.gcda' -delete
	-SUCCESS_LIB=$(COV)/success $(TCLSH) tests/all.tcl > $(COV)/suite.log 2>&1
	tail -1 $(COV)/suite.log
	gcovr --root . --filter 'ext/' --exclude-unreachable-branches \
	  --json $(COV)/coverage.json --txt $(COV)/coverage.txt $(COV)/obj
	python3 tests/reliability/coverage.py $(COV)/coverage.json docs/reliability.md
	cat $(COV)/coverage.txt | tail -15

# ---- the bad-input matrix ---------------------------------------------------
badinput-matrix: deps $(LIB)
	SUCCESS_LIB=dist/success SUCCESS_BADINPUT_MATRIX=docs/reliability.md \
	  $(TCLSH) tests/badinput.test

# ---- all, CI-sized ------------------------------------------------------------
reliability: deps
	$(MAKE) --no-print-directory oom-ci
	$(MAKE) --no-print-directory threads
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory valgrind
	$(MAKE) --no-print-directory coverage
