#!/bin/sh
# sqlite-utils.sh -- the sqlite-utils CLI client (Debian: apt-get install
# sqlite-utils): one `sqlite-utils query --load-extension` per query.
#
#   sh examples/clients/sqlite-utils.sh [DB [LIB [QUERIES]]]
#
# Defaults: examples/demo.db, dist/success, examples/clients/queries.sql.
# sqlite-utils prints TSV (header first, CRLF line ends); this turns it into
# the format every client shares: "== name ==", then header and rows
# separated by "|" only when there are rows. (Fine for these queries: no
# value holds a tab, a "|" or a quote.)
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
db=${1:-$root/examples/demo.db}
lib=${2:-$root/dist/success}
queries=${3:-$root/examples/clients/queries.sql}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one file per query: $tmp/<n>.sql, its name in $tmp/<n>.name
awk -v dir="$tmp" '
  /^-- query: / { n++; name = substr($0, 11); sub(/[ \t\r]+$/, "", name)
                  print name > (dir "/" n ".name"); inq = 1; next }
  inq           { print > (dir "/" n ".sql"); if ($0 ~ /;[ \t\r]*$/) inq = 0 }
' "$queries"
n=1
while [ -f "$tmp/$n.sql" ]; do
  echo "== $(cat "$tmp/$n.name") =="
  # ("--": the SQL starts with a comment, which would read as an option)
  sqlite-utils query --load-extension "$lib" --tsv -- \
    "$db" "$(cat "$tmp/$n.sql")" > "$tmp/out"
  tr -d '\r' < "$tmp/out" | tr '\t' '|' > "$tmp/rows"
  [ "$(wc -l < "$tmp/rows")" -gt 1 ] && cat "$tmp/rows"
  n=$((n + 1))
done
