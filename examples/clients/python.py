#!/usr/bin/python3
"""Python client: the standard library's sqlite3 module loads sqlite-success.

    /usr/bin/python3 examples/clients/python.py [DB [LIB [QUERIES]]]

Defaults: examples/demo.db, dist/success, examples/clients/queries.sql.
Prints each query of queries.sql as "== name ==", a header line and rows,
columns separated by "|", NULL as nothing (the format of every client here).

Needs a Python whose sqlite3 module allows extensions (Debian's
/usr/bin/python3 does; some builds, e.g. macOS system Python or pyenv
without --enable-loadable-sqlite-extensions, lack enable_load_extension).
"""
import os
import sqlite3
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_queries(path):
    """[(name, sql)]: a query starts at "-- query: name", ends at ';' EOL."""
    queries, name, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if name is None:
                if line.startswith("-- query: "):
                    name, lines = line[len("-- query: "):].strip(), []
            else:
                lines.append(line)
                if line.rstrip().endswith(";"):
                    queries.append((name, "\n".join(lines)))
                    name = None
    return queries


def cell(value):
    return "" if value is None else str(value)


def main(argv):
    db = argv[1] if len(argv) > 1 else os.path.join(ROOT, "examples/demo.db")
    lib = argv[2] if len(argv) > 2 else os.path.join(ROOT, "dist/success")
    qfile = argv[3] if len(argv) > 3 else os.path.join(ROOT, "examples/clients/queries.sql")
    uri = "file:%s?mode=ro" % urllib.parse.quote(os.path.abspath(db))
    conn = sqlite3.connect(uri, uri=True)  # read-only: nothing here writes
    if not hasattr(conn, "enable_load_extension"):
        sys.exit("%s: this Python's sqlite3 module cannot load extensions "
                 "(built without --enable-loadable-sqlite-extensions); "
                 "use /usr/bin/python3" % argv[0])
    conn.enable_load_extension(True)
    conn.load_extension(lib)  # entry point: sqlite3_success_init
    conn.enable_load_extension(False)
    for name, sql in read_queries(qfile):
        print("== %s ==" % name)
        cur = conn.execute(sql)
        rows = cur.fetchall()
        if rows:
            print("|".join(d[0] for d in cur.description))
        for row in rows:
            print("|".join(cell(v) for v in row))
    conn.close()


if __name__ == "__main__":
    main(sys.argv)
