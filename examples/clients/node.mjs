// Node client: better-sqlite3 (which bundles its own, newer SQLite) loads
// sqlite-success.
//
//   node examples/clients/node.mjs [DB [LIB [QUERIES]]]
//
// Defaults: examples/demo.db, dist/success, examples/clients/queries.sql.
// Needs `make node-deps` (npm install better-sqlite3 into examples/clients).
// Prints each query of queries.sql as "== name ==", a header line and rows,
// columns separated by "|", NULL as nothing (the format of every client).
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// [{name, sql}]: a query starts at "-- query: name", ends at ';' EOL.
export function readQueries(path) {
  const queries = [];
  let cur = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (cur === null) {
      if (line.startsWith('-- query: ')) {
        cur = { name: line.slice('-- query: '.length).trim(), lines: [] };
      }
    } else {
      cur.lines.push(line);
      if (line.trimEnd().endsWith(';')) {
        queries.push({ name: cur.name, sql: cur.lines.join('\n') });
        cur = null;
      }
    }
  }
  return queries;
}

const cell = (v) => (v === null ? '' : String(v));

const [db = join(root, 'examples/demo.db'), lib = join(root, 'dist/success'),
  qfile = join(root, 'examples/clients/queries.sql')] = process.argv.slice(2);
const conn = new Database(db, { readonly: true, fileMustExist: true });
conn.loadExtension(lib); // entry point: sqlite3_success_init
// INTEGER columns come back as BigInt, printed exactly like the other clients
conn.defaultSafeIntegers(true);
for (const { name, sql } of readQueries(qfile)) {
  console.log(`== ${name} ==`);
  const stmt = conn.prepare(sql).raw(true);
  const rows = stmt.all();
  if (rows.length) console.log(stmt.columns().map((c) => c.name).join('|'));
  for (const row of rows) console.log(row.map(cell).join('|'));
}
conn.close();
