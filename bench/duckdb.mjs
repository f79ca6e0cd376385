// duckdb.mjs -- times one query on DuckDB for make bench (bench/run.tcl).
//
//   node bench/duckdb.mjs JOB.json
//
// JOB.json: {"tables": [{"name": "accounts", "csv": "/path/accounts.csv",
//                        "columns": [["customer_id", "BIGINT"], ...]}, ...],
//            "query": "SELECT ...", "runs": 5, "timeout_ms": 60000,
//            "threads": 0}                       (0: DuckDB's default)
//
// Loads every table into an in-memory DuckDB from its CSV (header line,
// NULL written as \N; not timed). The query may be several statements:
// all but the last are run once, not timed (e.g. CREATE TEMP VIEW ..., as
// an entry's SQLite setup does); the last is prepared once, then run once
// as a warm-up and `runs` more times, each timed with performance.now()
// around runAndReadAll (the query and reading its few result rows). Prints, one
// item per line (read by bench/lib.tcl):
//
//   version v1.x.y        threads N        load_ms X
//   peak_kb N             peak RSS added by the warm-up run (see below)
//   peak_method M         clear_refs | hwm-delta | none
//   times_ms t1 t2 ...    median_ms M
//   row v1<TAB>v2...      the result rows of the warm-up run
//   error <message>       (then exit status 1) when anything fails
//
// Peak memory: on Linux the peak RSS (VmHWM) is reset to the current RSS by
// writing 5 to /proc/self/clear_refs just before the warm-up run, and
// peak_kb = VmHWM after it - VmRSS before it. Without clear_refs, the
// growth of VmHWM over the run (a lower bound) is reported as hwm-delta.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

function fail(msg) {
  process.stdout.write(`error ${String(msg).replace(/\s+/g, ' ')}\n`);
  process.exit(1);
}

function status(field) {
  try {
    const m = readFileSync('/proc/self/status', 'utf8')
      .match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function quoteIdent(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

function quoteString(s) {
  return "'" + String(s).replace(/'/g, "''") + "'";
}

// One value as the Tcl side compares it: NULL as the empty string (like
// the Tcl sqlite3 binding), integers in full, doubles in shortest form.
function render(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : (v > 0 ? 'Inf' : v < 0 ? '-Inf' : 'NaN');
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v).replace(/[\t\r\n]/g, ' ');
}

async function main() {
  if (process.argv.length !== 3) fail('usage: node bench/duckdb.mjs JOB.json');
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  let api;
  try {
    api = await import('@duckdb/node-api');
  } catch (e) {
    fail(`cannot load @duckdb/node-api: ${e.message}`);
  }
  const instance = await api.DuckDBInstance.create(':memory:',
    job.threads ? { threads: String(job.threads) } : {});
  const conn = await instance.connect();
  const version = (await conn.runAndReadAll('SELECT version()')).getRows()[0][0];
  const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
  process.stdout.write(`version ${render(version)}\nthreads ${render(threads)}\n`);

  const t0 = performance.now();
  for (const t of job.tables) {
    const cols = t.columns.map(([n, ty]) => `${quoteIdent(n)} ${ty}`).join(', ');
    await conn.run(`CREATE TABLE ${quoteIdent(t.name)} (${cols})`);
    await conn.run(`COPY ${quoteIdent(t.name)} FROM ${quoteString(t.csv)} ` +
      `(FORMAT csv, HEADER true, NULLSTR '\\N', QUOTE '"', ESCAPE '"')`);
  }
  process.stdout.write(`load_ms ${(performance.now() - t0).toFixed(3)}\n`);

  // Several statements: all but the last are setup (e.g. CREATE TEMP VIEW),
  // run once and not timed; the last one is prepared once and timed.
  const extracted = await conn.extractStatements(job.query);
  if (extracted.count < 1) fail('no statement in the query');
  for (let i = 0; i < extracted.count - 1; i++) {
    await (await extracted.prepare(i)).run();
  }
  const stmt = await extracted.prepare(extracted.count - 1);

  const timeoutMs = job.timeout_ms || 60000;
  async function once() {
    const timer = setTimeout(() => conn.interrupt(), timeoutMs);
    try {
      const start = performance.now();
      const reader = await stmt.runAndReadAll();
      const ms = performance.now() - start;
      return { ms, rows: reader.getRows() };
    } catch (e) {
      if (/interrupt/i.test(e.message)) {
        fail(`timeout after ${timeoutMs / 1000} s`);
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  const cleared = resetPeak();
  const rssBefore = status('VmRSS');
  const hwmBefore = status('VmHWM');
  const warm = await once();
  const hwmAfter = status('VmHWM');
  let peak = null;
  let method = 'none';
  if (hwmAfter !== null && rssBefore !== null) {
    if (cleared) {
      peak = Math.max(0, hwmAfter - rssBefore);
      method = 'clear_refs';
    } else {
      peak = Math.max(0, hwmAfter - hwmBefore);
      method = 'hwm-delta';
    }
  }
  const times = [];
  for (let i = 0; i < (job.runs || 5); i++) times.push((await once()).ms);
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  process.stdout.write(`peak_kb ${peak === null ? '' : peak}\npeak_method ${method}\n`);
  process.stdout.write(`times_ms ${times.map((t) => t.toFixed(3)).join(' ')}\n`);
  process.stdout.write(`median_ms ${median.toFixed(3)}\n`);
  for (const row of warm.rows) {
    process.stdout.write(`row ${row.map(render).join('\t')}\n`);
  }
  conn.closeSync();
}

main().catch((e) => fail(e && e.message ? e.message : e));
