// docs_node.mjs -- the executed documentation (tests/docs.test) under a newer
// SQLite: Node + better-sqlite3, which bundles its own SQLite 3.5x.
//
//   node tests/docs_node.mjs [LIB]        (default $SUCCESS_LIB or dist/success)
//   node tests/docs_node.mjs --selftest FILE   (checks of the port itself)
//
// A port of docs.test's execution and rendering rules (docs/contributing.md,
// "Executed documentation"), kept line for line with the Tcl procs:
//   ```sql       executed; compared with a following ```output block
//   ```sql box   the same, rendered like the shell's .mode box
// One fresh in-memory database per page, blocks in page order; a block is
// split into statements as docs.test does (a line ends a statement when the
// text so far is sqlite3_complete()); list rendering: "|" between columns,
// NULL as nothing, REAL as %!.15g; a failing statement renders as
// "Error: <message>" and ends the block.
//
// Prints one line per example, for tests/newer_sqlite.test:
//   # sqlite <version> better-sqlite3 <version>
//   ok docs-<page>-<line>
//   FAIL docs-<page>-<line>: got [...] expected [...]   (newlines as \n)
//   # examples <n>
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'examples/clients/package.json'));
const Database = require('better-sqlite3');
const bsqlVersion = require('better-sqlite3/package.json').version;

let lib = process.argv[2] || process.env.SUCCESS_LIB || 'dist/success';
if (!isAbsolute(lib)) lib = join(root, lib);

// ---- Markdown: fenced blocks {line, info, body} (docs.test md_blocks) ----
export function mdBlocks(text) {
  const blocks = [];
  let inBlock = false;
  let start = 0;
  let info = '';
  let body = [];
  text.split('\n').forEach((line, i) => {
    const n = i + 1;
    const m = /^```(.*)$/.exec(line);
    if (!inBlock && m) {
      inBlock = true;
      start = n;
      body = [];
      info = m[1].trim();
    } else if (inBlock && line.trim() === '```') {
      inBlock = false;
      blocks.push({ line: start, info, body: body.join('\n') });
    } else if (inBlock) {
      body.push(line);
    }
  });
  return blocks;
}

// ---- sqlite3_complete(), ported from SQLite's complete.c ----
const tkSEMI = 0, tkWS = 1, tkOTHER = 2, tkEXPLAIN = 3, tkCREATE = 4,
  tkTEMP = 5, tkTRIGGER = 6, tkEND = 7;
const trans = [
  /*               SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
  /* 0 INVALID */ [1, 0, 2, 3, 4, 2, 2, 2],
  /* 1   START */ [1, 1, 2, 3, 4, 2, 2, 2],
  /* 2  NORMAL */ [1, 2, 2, 2, 2, 2, 2, 2],
  /* 3 EXPLAIN */ [1, 3, 3, 2, 4, 2, 2, 2],
  /* 4  CREATE */ [1, 4, 2, 2, 2, 4, 5, 2],
  /* 5 TRIGGER */ [6, 5, 5, 5, 5, 5, 5, 5],
  /* 6    SEMI */ [6, 6, 5, 5, 5, 5, 5, 7],
  /* 7     END */ [1, 7, 5, 5, 5, 5, 5, 5],
];
const isIdChar = (c) => c !== undefined && (/[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80);

// Tokens of sql as {token, end} (end: index after the token); null when a
// quote or /* comment is not closed. A "--" comment running to the end of
// the text ends the list with {eof: true}.
function tokens(sql) {
  const out = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let token;
    if (c === ';') token = tkSEMI;
    else if (' \r\t\n\f'.includes(c)) token = tkWS;
    else if (c === '/') {
      if (sql[i + 1] !== '*') token = tkOTHER;
      else {
        const close = sql.indexOf('*/', i + 2);
        if (close < 0) return null;
        i = close + 1;
        token = tkWS;
      }
    } else if (c === '-') {
      if (sql[i + 1] !== '-') token = tkOTHER;
      else {
        const nl = sql.indexOf('\n', i);
        if (nl < 0) {
          out.push({ eof: true });
          return out;
        }
        i = nl;
        token = tkWS;
      }
    } else if (c === '[' || c === '`' || c === '"' || c === "'") {
      const close = sql.indexOf(c === '[' ? ']' : c, i + 1);
      if (close < 0) return null;
      i = close;
      token = tkOTHER;
    } else if (isIdChar(c)) {
      let n = 1;
      while (isIdChar(sql[i + n])) n++;
      const word = sql.slice(i, i + n).toLowerCase();
      token = { create: tkCREATE, trigger: tkTRIGGER, temp: tkTEMP,
        temporary: tkTEMP, end: tkEND, explain: tkEXPLAIN }[word] ?? tkOTHER;
      i += n - 1;
    } else token = tkOTHER;
    i++;
    out.push({ token, end: i });
  }
  return out;
}

export function complete(sql) {
  const toks = tokens(sql);
  if (toks === null) return false;
  let state = 0;
  for (const t of toks) {
    if (t.eof) return state === 1;
    state = trans[state][t.token];
  }
  return state === 1;
}

// docs.test split_statements: a line ends a chunk when the text is complete.
export function splitStatements(sql) {
  const out = [];
  let cur = '';
  for (const line of sql.split('\n')) {
    cur += line + '\n';
    if (complete(cur)) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

// A chunk may hold several statements ("SELECT 1; SELECT 2;" on one line):
// Tcl's eval runs them all; better-sqlite3 prepares one at a time, so cut
// after each ";" that completes a statement. Pieces without a token are
// skipped, as eval skips them.
function singleStatements(chunk) {
  const toks = tokens(chunk);
  if (toks === null) return [chunk];
  const out = [];
  let state = 0, from = 0, hasToken = false;
  for (const t of toks) {
    if (t.eof) break;
    state = trans[state][t.token];
    if (t.token !== tkWS && t.token !== tkSEMI) hasToken = true;
    if (t.token === tkSEMI && state === 1) {
      if (hasToken) out.push(chunk.slice(from, t.end));
      from = t.end;
      hasToken = false;
    }
  }
  if (hasToken) out.push(chunk.slice(from));
  return out;
}

// ---- rendering (docs.test render_value / render_box) ----
// C's %.15g.
function formatG15(x) {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential(14).split('e');
  const exp = Number(expText);
  const strip = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 15) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return strip(x.toFixed(14 - exp));
}

export function renderValue(v) {
  if (v === null) return '';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
    let s = formatG15(v);
    const m = /^(-?[0-9]+)(e.*)?$/.exec(s);
    if (m) s = `${m[1]}.0${m[2] ?? ''}`;
    return s;
  }
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return String(v);
}

const padRight = (s, w) => s + ' '.repeat(w - s.length);
function center(s, w) {
  const extra = w - s.length;
  const left = Math.floor(extra / 2);
  return ' '.repeat(left) + s + ' '.repeat(extra - left);
}

export function renderBox(cols, rows) {
  const widths = cols.map((c) => c.length);
  for (const r of rows) r.forEach((v, i) => { widths[i] = Math.max(widths[i] ?? 0, v.length); });
  const rule = (l, sep, end) => l + widths.map((w) => '─'.repeat(w + 2)).join(sep) + end;
  const out = [rule('┌', '┬', '┐')];
  out.push('│' + cols.map((c, i) => ` ${center(c, widths[i])} `).join('│') + '│');
  out.push(rule('├', '┼', '┤'));
  for (const r of rows) {
    out.push('│' + widths.map((w, i) => ` ${padRight(r[i] ?? '', w)} `).join('│') + '│');
  }
  out.push(rule('└', '┴', '┘'));
  return out;
}

// docs.test run_statement: one chunk, its rendered lines (throws on error).
function runStatement(db, chunk, mode) {
  let cols = [];
  const rows = [];
  for (const sql of singleStatements(chunk)) {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      if (/contains no statements/.test(e.message)) continue;
      throw e;
    }
    if (!stmt.reader) {
      stmt.run();
      continue;
    }
    stmt.safeIntegers(true).raw(true);
    const got = stmt.all();
    if (got.length) cols = stmt.columns().map((c) => c.name);
    for (const r of got) rows.push(r.map(renderValue));
  }
  if (mode === 'box') return cols.length ? renderBox(cols, rows) : [];
  return rows.map((r) => r.join('|'));
}

function runBlock(db, sql, mode) {
  const out = [];
  for (const chunk of splitStatements(sql)) {
    try {
      out.push(...runStatement(db, chunk, mode));
    } catch (e) {
      out.push(`Error: ${e.message}`);
      return { failed: true, text: out.join('\n') };
    }
  }
  return { failed: false, text: out.join('\n') };
}

const trimLines = (text) =>
  text.split('\n').map((l) => l.trimEnd()).join('\n').replace(/^\n+|\n+$/g, '');
const oneLine = (s) => s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

// ---- self-test of the port, driven by tests/newer_sqlite.test ----
// Each input line "c <sql>" prints "c 0|1" (complete), "v <number>" prints
// "v <rendered REAL>"; \n and \\ are escaped in the SQL.
function selfTest(file) {
  const unescape = (s) => s.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('c ')) console.log(`c ${complete(unescape(line.slice(2))) ? 1 : 0}`);
    else if (line.startsWith('v ')) {
      const text = line.slice(2);
      const x = /^inf$/i.test(text) ? Infinity : /^-inf$/i.test(text) ? -Infinity : Number(text);
      console.log(`v ${renderValue(x)}`);
    }
  }
}

// ---- main ----
if (process.argv[2] === '--selftest') {
  selfTest(process.argv[3]);
  process.exit(0);
}
const probe = new Database(':memory:');
console.log(`# sqlite ${probe.prepare('SELECT sqlite_version()').pluck().get()} better-sqlite3 ${bsqlVersion}`);
probe.close();

const docsDir = join(root, 'docs');
const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort();
let nExamples = 0;
for (const page of pages) {
  const blocks = mdBlocks(readFileSync(join(docsDir, page), 'utf8'));
  const pname = page.replace(/\.md$/, '');
  const db = new Database(':memory:');
  db.loadExtension(lib);
  for (let i = 0; i < blocks.length; i++) {
    const { line, info, body } = blocks[i];
    const m = /^sql( box)?$/.exec(info);
    if (!m) continue;
    const mode = m[1] ? 'box' : 'list';
    const { failed, text } = runBlock(db, body, mode);
    const got = trimLines(text);
    const next = blocks[i + 1];
    const name = `docs-${pname}-${line}`;
    nExamples++;
    let ok;
    let expected;
    if (next && next.info === 'output') {
      expected = trimLines(next.body);
      ok = got === expected;
      i++;
    } else {
      expected = '(runs without error)';
      ok = !failed;
    }
    console.log(ok ? `ok ${name}` : `FAIL ${name}: got [${oneLine(got)}] expected [${oneLine(expected)}]`);
  }
  db.close();
}
console.log(`# examples ${nExamples}`);
