#!/bin/sh
# shell.sh -- sqlite3 shell client: the same three queries through the
# command-line shell, `.load` of the extension first.
#
#   sh examples/clients/shell.sh [DB [LIB [QUERIES]]]
#   SQLITE3=dist/sqlite3-success sh examples/clients/shell.sh DB -
#
# Defaults: examples/demo.db, dist/success, examples/clients/queries.sql.
# LIB "-" loads nothing: for a shell with the extension built in (make shell).
# queries.sql's "-- query: name" lines become `.print == name ==`; the shell's
# list mode with headers prints the rest in the format every client shares.
root=$(cd "$(dirname "$0")/../.." && pwd)
db=${1:-$root/examples/demo.db}
lib=${2:-$root/dist/success}
queries=${3:-$root/examples/clients/queries.sql}
{
  printf '.headers on\n.mode list\n.nullvalue ""\n'
  [ "$lib" = - ] || printf '.load "%s"\n' "$lib"
  awk '
    /^-- query: / { name = substr($0, 11); sub(/[ \t\r]+$/, "", name)
                    print ".print == " name " =="; inq = 1; next }
    inq           { print; if ($0 ~ /;[ \t\r]*$/) inq = 0 }
  ' "$queries"
} | "${SQLITE3:-sqlite3}" -batch -bail -readonly "$db"
