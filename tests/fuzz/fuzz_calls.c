/*
** fuzz_calls.c -- libFuzzer target: calls of every SQL function the
** extension registers, with adversarial arguments.
**
** The functions are found at start-up (pragma_function_list of a connection
** with the extension minus one without), so a new function is fuzzed as
** soon as it is registered. The input chooses, byte by byte: the function;
** the form of the call (scalar; aggregate over v(a,b,c,d), over
** health_history or grouped; window with a sliding frame, which exercises
** xInverse/xValue); the argument count when the function is variadic; and
** each argument: a value of tests/fuzz/values.txt, a column, or an
** integer, double, text (any bytes) or blob built from the input.
*/
#include "fuzz.h"

typedef struct Func {
  char *zName;
  int nArg;
  int bAggregate; /* 'a' or 'w' in pragma_function_list */
} Func;

static Func *aFunc;
static int nFunc;

static int func_is_builtin(sqlite3 *plain, const char *zName, int nArg) {
  sqlite3_stmt *pStmt = 0;
  int bFound = 0;
  sqlite3_prepare_v2(plain,
                     "SELECT 1 FROM pragma_function_list WHERE name=?1 AND "
                     "narg=?2",
                     -1, &pStmt, 0);
  sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 2, nArg);
  bFound = sqlite3_step(pStmt) == SQLITE_ROW;
  sqlite3_finalize(pStmt);
  return bFound;
}

static void find_functions(void) {
  sqlite3 *plain = 0, *db = 0;
  sqlite3_stmt *pStmt = 0;
  int nAlloc = 0;
  sqlite3_open(":memory:", &plain);
  sqlite3_open(":memory:", &db);
  rel_register(db);
  sqlite3_prepare_v2(db,
                     "SELECT DISTINCT name, narg, type FROM "
                     "pragma_function_list ORDER BY 1, 2",
                     -1, &pStmt, 0);
  while (sqlite3_step(pStmt) == SQLITE_ROW) {
    const char *zName = (const char *)sqlite3_column_text(pStmt, 0);
    int nArg = sqlite3_column_int(pStmt, 1);
    const char *zType = (const char *)sqlite3_column_text(pStmt, 2);
    if (func_is_builtin(plain, zName, nArg))
      continue;
    if (nFunc == nAlloc) {
      nAlloc = nAlloc ? nAlloc * 2 : 32;
      aFunc = realloc(aFunc, sizeof(Func) * (size_t)nAlloc);
      if (aFunc == 0)
        rel_die("out of memory");
    }
    aFunc[nFunc].zName = rel_strdup(zName, strlen(zName));
    aFunc[nFunc].nArg = nArg;
    aFunc[nFunc].bAggregate = zType && zType[0] != 's';
    nFunc++;
  }
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  sqlite3_close(plain);
}

static const char *const azColumn[] = {"a", "b", "c", "d", "rowid", "NULL"};

static void fuzz_arg(FuzzIn *p, RelBuf *pSql, int bRows) {
  int k = fuzz_byte(p);
  if (bRows && k < 96) {
    rel_buf_printf(pSql, "%s", azColumn[k % 6]);
    return;
  }
  fuzz_value(p, pSql);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  FuzzIn in = {aData, nData, 0};
  RelBuf sql = {0, 0, 0};
  if (nFunc == 0)
    find_functions();
  if (nFunc == 0 || nData < 2)
    return 0;
  int nLeft;
  sqlite3 *db = fuzz_open(&nLeft);
  while (fuzz_more(&in)) {
    const Func *f = &aFunc[fuzz_byte(&in) % nFunc];
    int form = fuzz_byte(&in) % 6;
    int nArg = f->nArg >= 0 ? f->nArg : fuzz_byte(&in) % 8;
    int bRows = f->bAggregate || form >= 2;
    rel_buf_reset(&sql);
    rel_buf_printf(&sql, "SELECT %s(", f->zName);
    for (int i = 0; i < nArg; i++) {
      if (i)
        rel_buf_append(&sql, ", ", 2);
      fuzz_arg(&in, &sql, bRows);
    }
    rel_buf_append(&sql, ")", 1);
    if (form == 3 && f->bAggregate) {
      rel_buf_printf(&sql,
                     " OVER (ORDER BY rowid ROWS BETWEEN %d PRECEDING "
                     "AND %d FOLLOWING) FROM v",
                     fuzz_byte(&in) % 4, fuzz_byte(&in) % 3);
    } else if (form == 4) {
      rel_buf_append(&sql, " FROM v GROUP BY typeof(a)", 26);
    } else if (form == 5) {
      rel_buf_append(&sql, " FROM v WHERE rowid > 3", 23);
    } else if (bRows) {
      rel_buf_append(&sql, " FROM v", 7);
    }
    fuzz_exec(db, &nLeft, sql.z);
  }
  sqlite3_close(db);
  rel_buf_free(&sql);
  return 0;
}
