# sqlite-success -- build, test, demo.
#
#   make demo       build everything, create examples/demo.db, print the report
#   make test       the whole test suite against the freshly built library
#   make test-asan  the same suite under AddressSanitizer + UBSan (leaks on)
#   make bench      benchmarks (writes docs/benchmarks.md)
#   make static     dist/libsuccess.a (sources built with -DSQLITE_CORE)
#   make lint       clang-format check;  make format  rewrites in place
#   make install [PREFIX=/usr/local DESTDIR=]   make uninstall   make clean
#   make chart      docs/img/pareto.png from the demo database (gnuplot)
#   make shell      dist/sqlite3-success: the sqlite3 shell with the extension built in
#   make clients    every installed client program on the demo; make node-deps
#   make fuzz | oom | valgrind | threads | coverage | reliability   (tests/reliability.mk)

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror
TCLSH   ?= tclsh
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DOCDIR  ?= $(PREFIX)/share/doc/sqlite-success
SHAREDIR ?= $(PREFIX)/share/sqlite-success
DOC_IMG := $(wildcard docs/img/*.png docs/img/*.svg)
VIEWS   := $(wildcard sql/views/*.sql)

UNAME_S := $(shell uname -s 2>/dev/null)
ifeq ($(UNAME_S),Darwin)
  SO := dylib
  SHARED := -dynamiclib
else ifneq (,$(findstring MINGW,$(UNAME_S)))
  SO := dll
  SHARED := -shared
else
  SO := so
  SHARED := -shared
endif

SRC        := $(wildcard ext/*.c)
OBJ        := $(SRC:ext/%.c=dist/obj/%.o)
STATIC_OBJ := $(SRC:ext/%.c=dist/static/%.o)
ASAN_OBJ   := $(SRC:ext/%.c=dist/asan/%.o)
LIB        := dist/success.$(SO)
ASAN_LIB   := dist/asan/success.$(SO)
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer

.PHONY: all test test-asan demo deps static lint format clean install \
        uninstall bench report chart

all: $(LIB)

# ---- the extension -------------------------------------------------------
dist/obj/%.o: ext/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(LIB): $(OBJ)
	$(CC) $(SHARED) -o $@ $(OBJ) $(LDFLAGS) -lm

dist/static/%.o: ext/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -DSQLITE_CORE -MMD -MP -c $< -o $@

dist/libsuccess.a: $(STATIC_OBJ)
	rm -f $@
	ar rcs $@ $(STATIC_OBJ)

static: dist/libsuccess.a

dist/asan/%.o: ext/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(ASAN_FLAGS) -fPIC -MMD -MP -c $< -o $@

$(ASAN_LIB): $(ASAN_OBJ)
	$(CC) $(SHARED) $(ASAN_FLAGS) -o $@ $(ASAN_OBJ) -lm

-include $(OBJ:.o=.d) $(STATIC_OBJ:.o=.d) $(ASAN_OBJ:.o=.d)

# ---- tools ---------------------------------------------------------------
dist/gen: examples/gen.c
	@mkdir -p $(@D)
	$(CC) -O2 $(WARN) -o $@ $< -lsqlite3 -lm

# C unit tests of the shared layer, linked statically with SQLite.
dist/unit: tests/unit.c ext/common.c ext/success.h
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g -DSQLITE_CORE -o $@ tests/unit.c ext/common.c -lsqlite3 -lm

dist/asan/unit: tests/unit.c ext/common.c ext/success.h
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(ASAN_FLAGS) -DSQLITE_CORE -o $@ tests/unit.c ext/common.c -lsqlite3 -lm

# ---- dependencies --------------------------------------------------------
deps:
	@sh .ci/deps.sh

# ---- tests ---------------------------------------------------------------
test: deps $(LIB) dist/gen dist/unit
	SUCCESS_LIB=dist/success $(TCLSH) tests/all.tcl

# UBSan stops at the first finding; LeakSanitizer reports leaks (Tcl's own
# allocations at exit are suppressed by tests/lsan.supp).
test-asan: deps $(ASAN_LIB) dist/gen dist/asan/unit
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	SUCCESS_UNIT=dist/asan/unit SUCCESS_LIB=dist/asan/success $(TCLSH) tests/all.tcl

# ---- demo ----------------------------------------------------------------
# The demo database: generated data, then the ready-made views of every
# module (sql/views/*.sql, in name order) created with the extension loaded.
examples/demo.db: dist/gen sql/schema.sql $(wildcard sql/views/*.sql) | $(LIB)
	dist/gen --out $@.tmp
	@for f in sql/views/*.sql; do \
	  [ -f "$$f" ] || continue; \
	  sqlite3 -cmd '.load dist/success' $@.tmp < $$f || { rm -f $@.tmp; exit 1; }; \
	done
	mv $@.tmp $@

demo: deps $(LIB) examples/demo.db report

report: $(LIB) examples/demo.db
	@for f in examples/report/*.sql; do \
	  sqlite3 -cmd '.load dist/success' examples/demo.db < $$f || exit 1; \
	done

# ---- chart and benchmarks -------------------------------------------------
chart: $(LIB) examples/demo.db
	sh examples/chart.sh examples/demo.db docs/img/pareto.png

# make bench [BENCH_ARGS='--quick' | '--callgrind' | '--only pareto*']
bench: deps $(LIB) dist/gen
	SUCCESS_LIB=dist/success $(TCLSH) bench/run.tcl $(BENCH_ARGS)

# ---- harness fragments --------------------------------------------------------
# tests/reliability.mk: fuzz, oom, valgrind, threads, coverage targets.
# examples/clients.mk: shell with the extension built in, clients.
-include tests/reliability.mk examples/clients.mk

# ---- style ---------------------------------------------------------------
FORMAT_SRC := $(wildcard ext/*.c ext/*.h examples/*.c examples/clients/*.c \
                          tests/*.c tests/fuzz/*.c tests/fuzz/*.h)
lint:
	@command -v clang-format >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-format >/dev/null; } || \
	  { echo "make lint needs clang-format (Debian: apt-get install clang-format)"; exit 1; }
	clang-format --dry-run -Werror $(FORMAT_SRC)

format:
	clang-format -i $(FORMAT_SRC)

# ---- install -------------------------------------------------------------
install: $(LIB) dist/libsuccess.a
	install -d $(DESTDIR)$(LIBDIR)/sqlite-success $(DESTDIR)$(DOCDIR) \
	           $(DESTDIR)$(SHAREDIR)/views
	install -m 0755 $(LIB) $(DESTDIR)$(LIBDIR)/sqlite-success/success.$(SO)
	install -m 0644 dist/libsuccess.a $(DESTDIR)$(LIBDIR)/libsuccess.a
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	$(if $(DOC_IMG),install -d $(DESTDIR)$(DOCDIR)/img)
	$(if $(DOC_IMG),install -m 0644 $(DOC_IMG) $(DESTDIR)$(DOCDIR)/img/)
	install -m 0644 sql/schema.sql $(DESTDIR)$(SHAREDIR)/
	install -m 0644 $(VIEWS) $(DESTDIR)$(SHAREDIR)/views/

# Removes only what install put there (DOCDIR may be a shared folder).
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/sqlite-success/success.$(SO) \
	      $(DESTDIR)$(LIBDIR)/libsuccess.a
	-rmdir $(DESTDIR)$(LIBDIR)/sqlite-success
	rm -f $(DESTDIR)$(DOCDIR)/README.md \
	      $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(wildcard docs/*.md))) \
	      $(addprefix $(DESTDIR)$(DOCDIR)/img/,$(notdir $(DOC_IMG)))
	-rmdir $(DESTDIR)$(DOCDIR)/img $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(SHAREDIR)/schema.sql \
	      $(addprefix $(DESTDIR)$(SHAREDIR)/views/,$(notdir $(VIEWS)))
	-rmdir $(DESTDIR)$(SHAREDIR)/views $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf dist examples/demo.db
