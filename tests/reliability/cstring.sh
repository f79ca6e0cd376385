#!/bin/sh
# cstring.sh FILE... -- the files' text as the body of a C string literal
# (one "line\n" per line; backslashes, quotes and '?' escaped).
cat "$@" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
               -e 's/^/"/' -e 's/$/\\n"/'
