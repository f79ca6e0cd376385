# examples/clients.mk -- included by the Makefile: the sqlite3 shell with the
# extension built in, and the client programs of examples/clients/.
#
#   make shell       dist/sqlite3-success: SQLite's own shell + amalgamation
#                    with sqlite-success compiled in (no .load needed)
#   make clients     runs every installed client (shell, Python, Node, Tcl,
#                    sqlite-utils) on examples/demo.db and compares outputs
#   make node-deps   npm install better-sqlite3 into examples/clients/
#                    (the Node client and the docs run under a newer SQLite)
#   make install-shell [PREFIX=/usr/local DESTDIR=]   $(BINDIR)/sqlite3-success
#   make uninstall-shell
#
# SQLite's sources: `apt-get source sqlite3` (the distribution's SQLite with
# its patches) through a deb-src list of our own in a temporary folder -- the
# system's apt configuration and lists are not touched -- then
# `make sqlite3.c shell.c` in the source tree; the amalgamation is cached in
# $(SQLITE_SRC) (`make clean` removes it). Ubuntu: pass
# DEBIAN_MIRROR=http://archive.ubuntu.com/ubuntu. To use another SQLite, put
# sqlite3.c, sqlite3.h and shell.c of an amalgamation
# (https://sqlite.org/download.html) in a folder and pass
# SQLITE_SRC=that/folder.

SQLITE_SRC    ?= dist/sqlite-src
SHELL_BIN     := dist/sqlite3-success
DEBIAN_MIRROR ?= http://deb.debian.org/debian
DEBIAN_SUITE  ?= $(shell . /etc/os-release 2>/dev/null && echo $$VERSION_CODENAME)
# Close to Debian's sqlite3 build, plus FTS5 and the math functions.
SHELL_CFLAGS  ?= -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_COLUMN_METADATA \
                 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS \
                 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE \
                 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_DBSTAT_VTAB \
                 -DSQLITE_ENABLE_STMTVTAB -DSQLITE_ENABLE_EXPLAIN_COMMENTS \
                 -DSQLITE_USE_URI=1
CLIENT_DIR    := examples/clients
BINDIR        ?= $(PREFIX)/bin

.PHONY: shell clients node-deps sqlite-src install-shell uninstall-shell

shell: $(SHELL_BIN)
	@printf 'make shell: %s -- SQLite %s with sqlite-success %s built in\n' \
	  $(SHELL_BIN) \
	  "$$(echo 'SELECT sqlite_version();' | ./$(SHELL_BIN) -batch)" \
	  "$$(echo 'SELECT success_version();' | ./$(SHELL_BIN) -batch)"

sqlite-src: $(SQLITE_SRC)/sqlite3.c

# Fetches Debian's sqlite3 source package and builds the amalgamation.
# Needs apt-get, tclsh and a C compiler; dpkg-source (dpkg-dev) is used when
# present to apply Debian's patches, else the upstream tarball is unpacked.
# apt checks the files against the signed Release file; dpkg-source's own
# warning that it cannot check the uploader's signature (no debian-keyring)
# is silenced.
$(SQLITE_SRC)/sqlite3.c:
	@command -v apt-get >/dev/null 2>&1 || { \
	  echo "make shell: needs apt-get to fetch SQLite's sources; or put" \
	       "sqlite3.c, sqlite3.h and shell.c of an amalgamation in" \
	       "$(SQLITE_SRC)/ (https://sqlite.org/download.html)" >&2; exit 1; }
	@set -e; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir -p "$$tmp/lists/partial" "$$tmp/parts" "$$tmp/get"; \
	key=/usr/share/keyrings/debian-archive-keyring.gpg; \
	signed=""; [ -f "$$key" ] && signed="[signed-by=$$key] "; \
	echo "deb-src $${signed}$(DEBIAN_MIRROR) $(DEBIAN_SUITE) main" \
	  > "$$tmp/sources.list"; \
	apt="apt-get -q -o Dir::Etc::SourceList=$$tmp/sources.list \
	  -o Dir::Etc::SourceParts=$$tmp/parts -o Dir::State::Lists=$$tmp/lists \
	  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
	  -o APT::Sandbox::User=root"; \
	echo "make shell: apt-get source sqlite3 ($(DEBIAN_SUITE))"; \
	$$apt update >/dev/null; \
	(cd "$$tmp/get" && $$apt source --download-only sqlite3 >/dev/null); \
	if command -v dpkg-source >/dev/null 2>&1; then \
	  dpkg-source -x "$$tmp"/get/sqlite3_*.dsc "$$tmp/tree" >"$$tmp/x.log" \
	    2>&1 || { cat "$$tmp/x.log" >&2; exit 1; }; \
	else \
	  mkdir "$$tmp/tree"; \
	  tar -xJf "$$tmp"/get/sqlite3_*.orig.tar.xz -C "$$tmp/tree" \
	    --strip-components=1; \
	fi; \
	echo "make shell: building the amalgamation (sqlite3.c, shell.c)"; \
	mkdir "$$tmp/tree/bld"; \
	(cd "$$tmp/tree/bld" && ../configure --disable-tcl >/dev/null && \
	 $(MAKE) -s sqlite3.c shell.c >/dev/null); \
	mkdir -p "$(SQLITE_SRC).tmp"; \
	for f in sqlite3.c sqlite3.h sqlite3ext.h shell.c; do \
	  cp "$$tmp/tree/bld/$$f" "$(SQLITE_SRC).tmp/"; \
	done; \
	cp "$$tmp/tree/VERSION" "$(SQLITE_SRC).tmp/VERSION"; \
	rm -rf "$(SQLITE_SRC)"; mv "$(SQLITE_SRC).tmp" "$(SQLITE_SRC)"

# The library compiled with SQLITE_EXTRA_INIT: sqlite3_initialize() calls
# sx_builtin_init() (examples/clients/builtin.c), which auto-registers the
# extension for every connection.
$(SQLITE_SRC)/sqlite3-success.o: $(SQLITE_SRC)/sqlite3.c
	$(CC) $(SHELL_CFLAGS) -DSQLITE_EXTRA_INIT=sx_builtin_init \
	  -c $< -o $@

# readline when it links (line editing and history), else a plain shell.
$(SHELL_BIN): $(SQLITE_SRC)/sqlite3-success.o $(SQLITE_SRC)/sqlite3.c \
              $(CLIENT_DIR)/builtin.c dist/libsuccess.a
	@mkdir -p $(@D)
	@rl=""; \
	if printf '#include <stdio.h>\n#include <readline/readline.h>\nint main(void){return readline("")!=0;}\n' \
	   | $(CC) -x c - -lreadline -o /dev/null >/dev/null 2>&1; then \
	  rl="-DHAVE_READLINE=1 -lreadline"; fi; \
	echo "$(CC) ... -o $@ (shell.c builtin.c sqlite3-success.o libsuccess.a $$rl)"; \
	$(CC) $(SHELL_CFLAGS) -I$(SQLITE_SRC) -o $@ $(SQLITE_SRC)/shell.c \
	  $(CLIENT_DIR)/builtin.c $(SQLITE_SRC)/sqlite3-success.o \
	  dist/libsuccess.a $$rl -lm -ldl -lpthread

# Every installed client on the demo database, outputs compared (the same
# test as `make test` runs, on examples/demo.db, showing the output).
clients: $(LIB) examples/demo.db
	CLIENTS_DB=examples/demo.db CLIENTS_SHOW=1 SUCCESS_LIB=dist/success \
	  $(TCLSH) tests/clients.test

# better-sqlite3 builds from source here (~70 s); examples/clients/package.json
node-deps:
	cd $(CLIENT_DIR) && npm install --no-audit --no-fund

# The built shell is not part of `make install` (building it needs network
# access to fetch SQLite's sources); install it on its own.
install-shell: $(SHELL_BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(SHELL_BIN) $(DESTDIR)$(BINDIR)/sqlite3-success

uninstall-shell:
	rm -f $(DESTDIR)$(BINDIR)/sqlite3-success
