#!/bin/sh
# fuzz.sh SECONDS TARGET... -- runs each libFuzzer target of dist/rel for
# SECONDS, one after the other. Corpus: dist/rel/fuzz/<target>/ (new inputs
# go there), then the checked-in seeds tests/fuzz/corpus/<target>/; for
# fuzz_sql also every statement of tests/reliability/corpus/*.sql. A crash,
# leak, UBSan report or timeout leaves its input in
# dist/rel/fuzz/crash-<target>-*, is printed, and fails the run.
set -u
secs=$1; shift
rel=dist/rel
dict=$rel/fuzz/sql.dict
mkdir -p $rel/fuzz
# The dictionary: the checked-in one, every public name, every option name.
{
  cat tests/fuzz/sql.dict
  cat tests/api/*.list 2>/dev/null | awk '$1=="function"||$1=="module"{print "\"" $2 "\""}'
  grep -oh '[a-z_]*=' tests/reliability/corpus/*.sql | sort -u | sed 's/.*/"&"/'
} | sort -u > $dict
status=0
for t in "$@"; do
  work=$rel/fuzz/$t
  seeds=$rel/fuzz/seeds/$t
  mkdir -p "$work" "$seeds" "tests/fuzz/corpus/$t"
  if [ "$t" = fuzz_sql ]; then
    # one seed file per corpus statement
    awk -v dir="$seeds" '
      /^--/ { next }
      { buf = buf $0 "\n" }
      /;[ \t]*$/ { n++; f = sprintf("%s/s%04d.sql", dir, n); printf "%s", buf > f; close(f); buf = "" }
    ' tests/reliability/corpus/*.sql
  fi
  echo "== $t: ${secs}s"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  $rel/$t -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
    -max_len=4096 -dict=$dict -print_final_stats=1 \
    -artifact_prefix=$rel/fuzz/crash-$t- \
    "$work" "tests/fuzz/corpus/$t" "$seeds" > $rel/fuzz/$t.log 2>&1
  rc=$?
  grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done )' $rel/fuzz/$t.log
  if [ $rc -ne 0 ]; then
    status=1
    echo "!! $t failed (exit $rc); the end of its log:"
    tail -60 $rel/fuzz/$t.log
    for f in $rel/fuzz/crash-$t-*; do
      [ -f "$f" ] || continue
      echo "-- reproducer $f:"; head -c 2000 "$f" | cat -v; echo
    done
  fi
done
[ $status -eq 0 ] && echo "fuzz: every target ran ${secs}s without a finding"
exit $status
