/*
** fuzz.h -- what the libFuzzer targets in tests/fuzz/ share.
**
** Every input gets a fresh in-memory connection with the extension linked
** statically and the fixture database (sql/schema.sql, then
** tests/reliability/fixture.sql and dirty.sql: clean source tables, dirty_*
** copies with adversarial cells, empty_* tables, a view, and v(a,b,c,d)),
** copied from a template serialized once. Nothing may hang or run away:
** a progress handler stops any statement after a budget of VM steps, the
** SQLite limits are small (length, SQL length, expression depth, ...), a
** hard heap limit makes huge allocations fail cleanly, and an authorizer
** refuses ATTACH / DETACH and pragmas that are not table-valued look-ups
** (so nothing outside the in-memory database is ever touched).
**
** The make target generates "fixture.inc" (the fixture SQL as a C string),
** "values.inc" (tests/fuzz/values.txt: adversarial SQL values, one per
** line) and "corpus.inc" (the SQL corpus) in dist/rel/ and adds it to the
** include path.
*/
#ifndef FUZZ_H
#define FUZZ_H

#include "reliability/rel.h"
#include <stdint.h>

static const char zFuzzFixture[] =
#include "fixture.inc"
    ;

static const char zFuzzValues[] =
#include "values.inc"
    ;

static const char zFuzzCorpus[] =
#include "corpus.inc"
    ;

/* The adversarial values, one SQL expression each. */
static char **azFuzzValue;
static int nFuzzValue;

static unsigned char *aFuzzTemplate;
static sqlite3_int64 nFuzzTemplate;

/* Progress budget of one statement, in handler calls (every 64 VM ops). */
#define FUZZ_PROGRESS_CALLS 40000

static inline int fuzz_authorizer(void *pArg, int iAction, const char *z1,
                                  const char *z2, const char *z3,
                                  const char *z4) {
  (void)pArg;
  (void)z2;
  (void)z3;
  (void)z4;
  if (iAction == SQLITE_ATTACH || iAction == SQLITE_DETACH)
    return SQLITE_DENY;
  if (iAction == SQLITE_PRAGMA) {
    if (z1 && (strstr(z1, "_list") || strstr(z1, "table_")))
      return SQLITE_OK;
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

static inline void fuzz_limits(sqlite3 *db) {
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 100000);
  sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 50000);
  sqlite3_limit(db, SQLITE_LIMIT_COLUMN, 100);
  sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 50);
  sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 10);
  sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 50000);
  sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 16);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
  sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 10);
  sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 4);
  sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
}

static inline void fuzz_split_lines(const char *zText, char ***pazLine,
                                    int *pnLine) {
  const char *z = zText;
  int nAlloc = 0;
  *pazLine = 0;
  *pnLine = 0;
  while (*z) {
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    if (n > 0 && z[0] != '#') {
      if (*pnLine == nAlloc) {
        nAlloc = nAlloc ? nAlloc * 2 : 64;
        *pazLine = realloc(*pazLine, sizeof(char *) * (size_t)nAlloc);
        if (*pazLine == 0)
          rel_die("out of memory");
      }
      (*pazLine)[(*pnLine)++] = rel_strdup(z, n);
    }
    z += n + (zEnd != 0);
  }
}

/* Once per process: the template database and the value pool. */
static inline void fuzz_init(void) {
  sqlite3 *db = 0;
  char *zErr = 0;
  if (aFuzzTemplate)
    return;
  sqlite3_hard_heap_limit64(256 << 20);
  if (sqlite3_open(":memory:", &db) != SQLITE_OK || rel_register(db))
    rel_die("cannot open the template database");
  if (sqlite3_exec(db, zFuzzFixture, 0, 0, &zErr) != SQLITE_OK) {
    fprintf(stderr, "fuzz: fixture: %s\n", zErr);
    exit(2);
  }
  unsigned char *a = sqlite3_serialize(db, "main", &nFuzzTemplate, 0);
  if (a == 0)
    rel_die("cannot serialize the fixture");
  aFuzzTemplate = malloc((size_t)nFuzzTemplate);
  if (aFuzzTemplate == 0)
    rel_die("out of memory");
  memcpy(aFuzzTemplate, a, (size_t)nFuzzTemplate);
  sqlite3_free(a);
  sqlite3_close(db);
  fuzz_split_lines(zFuzzValues, &azFuzzValue, &nFuzzValue);
}

/* A fresh connection for one input; *pnLeft is its progress budget. */
static inline sqlite3 *fuzz_open(int *pnLeft) {
  sqlite3 *db = 0;
  fuzz_init();
  if (sqlite3_open(":memory:", &db) != SQLITE_OK || rel_register(db))
    rel_die("cannot open a connection");
  unsigned char *aCopy = sqlite3_malloc64((sqlite3_uint64)nFuzzTemplate);
  if (aCopy == 0)
    rel_die("out of memory");
  memcpy(aCopy, aFuzzTemplate, (size_t)nFuzzTemplate);
  if (sqlite3_deserialize(db, "main", aCopy, nFuzzTemplate, nFuzzTemplate,
                          SQLITE_DESERIALIZE_FREEONCLOSE |
                              SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
    rel_die("cannot load the fixture");
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, 0);
  fuzz_limits(db);
  sqlite3_set_authorizer(db, fuzz_authorizer, 0);
  *pnLeft = FUZZ_PROGRESS_CALLS;
  sqlite3_progress_handler(db, 64, rel_progress, pnLeft);
  return db;
}

/* Runs zSql (any number of statements) to the end, reading every value.
** FUZZ_TRACE=1 in the environment prints the SQL (to turn a reproducer
** into a regression test). */
static inline void fuzz_exec(sqlite3 *db, int *pnLeft, const char *zSql) {
  const char *zTail = zSql;
  if (getenv("FUZZ_TRACE"))
    fprintf(stderr, "SQL: %s\n", zSql);
  while (zTail && *zTail) {
    sqlite3_stmt *pStmt = 0;
    *pnLeft = FUZZ_PROGRESS_CALLS;
    if (sqlite3_prepare_v2(db, zTail, -1, &pStmt, &zTail) != SQLITE_OK)
      return;
    if (pStmt == 0)
      continue;
    int nRow = 0;
    while (sqlite3_step(pStmt) == SQLITE_ROW && nRow++ < 10000) {
      for (int i = 0; i < sqlite3_column_count(pStmt); i++) {
        sqlite3_column_text(pStmt, i);
        sqlite3_column_bytes(pStmt, i);
      }
    }
    sqlite3_finalize(pStmt);
  }
}

/* Reads bytes off an input. */
typedef struct FuzzIn {
  const uint8_t *a;
  size_t n;
  size_t i;
} FuzzIn;

static inline int fuzz_byte(FuzzIn *p) {
  return p->i < p->n ? p->a[p->i++] : 0;
}
static inline int fuzz_more(const FuzzIn *p) { return p->i < p->n; }

/* Appends a value chosen by the input: from the pool, or built from the
** following bytes (an integer, a double, text of any bytes, a blob). */
static inline void fuzz_value(FuzzIn *p, RelBuf *pSql) {
  int k = fuzz_byte(p);
  if (k < 200 && nFuzzValue > 0) {
    const char *z = azFuzzValue[(k * 256 + fuzz_byte(p)) % nFuzzValue];
    rel_buf_append(pSql, z, strlen(z));
    return;
  }
  int nByte = fuzz_byte(p) % 16;
  switch (k % 4) {
  case 0: {
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
      u = (u << 8) | (uint64_t)fuzz_byte(p);
    rel_buf_printf(pSql, "%lld", (long long)(int64_t)u);
    break;
  }
  case 1: {
    uint64_t u = 0;
    double x;
    for (int i = 0; i < 8; i++)
      u = (u << 8) | (uint64_t)fuzz_byte(p);
    memcpy(&x, &u, sizeof(x));
    if (x != x || x - x != 0)
      x = 0.5;
    rel_buf_printf(pSql, "%.17g", x);
    break;
  }
  default:
    rel_buf_append(pSql, k % 4 == 2 ? "CAST(x'" : "x'", k % 4 == 2 ? 7 : 2);
    for (int i = 0; i < nByte; i++)
      rel_buf_printf(pSql, "%02x", fuzz_byte(p));
    rel_buf_append(pSql, k % 4 == 2 ? "' AS TEXT)" : "'", k % 4 == 2 ? 10 : 1);
    break;
  }
}

#endif /* FUZZ_H */
