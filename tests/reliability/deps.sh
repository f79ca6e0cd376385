#!/bin/sh
# deps.sh TOOL... -- installs what the reliability targets need, only when
# missing (Debian/Ubuntu as root: apt-get update, then apt-get install).
# TOOL is one of: clang (with the sanitizer and libFuzzer runtimes),
# valgrind, gcovr.
set -u
missing=""
for tool in "$@"; do
  case "$tool" in
  clang)
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    # libFuzzer / sanitizer runtimes are a separate package on Debian 12
    if command -v clang >/dev/null 2>&1; then
      rt=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
      [ -f "$rt" ] || missing="$missing libclang-rt-dev"
    else
      missing="$missing libclang-rt-dev"
    fi ;;
  valgrind) command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind" ;;
  gcovr) command -v gcovr >/dev/null 2>&1 || missing="$missing gcovr" ;;
  *) echo "deps.sh: unknown tool $tool" >&2; exit 2 ;;
  esac
done
[ -z "$missing" ] && exit 0
# Installing (or saying what to install) is .ci/deps.sh's job.
exec sh "$(dirname "$0")/../../.ci/deps.sh" $missing
