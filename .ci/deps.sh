#!/bin/sh
# Installs what building and testing sqlite-success need, only when missing.
# On Debian/Ubuntu as root: apt-get. Elsewhere: prints what is needed and
# stops with a non-zero exit.
#   sh .ci/deps.sh            the build and test packages
#   sh .ci/deps.sh PKG...     these Debian packages (tests/reliability/deps.sh)
PKGS="${*:-gcc make libsqlite3-dev sqlite3 tcl libsqlite3-tcl}"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
  done
else
  # Not Debian: check the commands and headers instead.
  command -v cc >/dev/null 2>&1 || missing="$missing gcc"
  command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
  command -v tclsh >/dev/null 2>&1 || missing="$missing tcl"
  echo 'package require sqlite3' | tclsh >/dev/null 2>&1 || missing="$missing libsqlite3-tcl"
  [ -n "$missing" ] || exit 0
  echo "sqlite-success needs: a C compiler, make, SQLite 3.x headers and shell, Tcl 8.6 with the sqlite3 Tcl package."
  echo "Missing here:$missing (Debian names: $PKGS)"
  exit 1
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
    echo "deps: apt-get install$missing failed" >&2; exit 1; }
  exit 0
fi
echo "deps: missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install -y$missing" >&2
exit 1
