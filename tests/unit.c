/*
** unit.c -- C unit tests of the shared layer (ext/common.c), linked
** statically (-DSQLITE_CORE) with the system SQLite. Prints one line per
** check, "ok <name>" or "FAIL <name>: <detail>", and a final
** "unit: N passed, M failed"; tests/unit.test runs it and counts the lines.
*/
#include "../ext/success.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nPass, nFail;

static void check(const char *zName, int ok, const char *zDetail) {
  if (ok) {
    nPass++;
    printf("ok %s\n", zName);
  } else {
    nFail++;
    printf("FAIL %s: %s\n", zName, zDetail ? zDetail : "");
  }
}

static void check_str(const char *zName, const char *zGot, const char *zWant) {
  char zDetail[400];
  snprintf(zDetail, sizeof(zDetail), "got [%s] want [%s]",
           zGot ? zGot : "(null)", zWant);
  check(zName, zGot && strcmp(zGot, zWant) == 0, zDetail);
}

/* ---- numbers ---- */
static void test_numbers(void) {
  static const struct {
    const char *z;
    int rc;
    double want;
  } aCase[] = {
      {"12", SX_OK, 12},
      {" -3.5e2 ", SX_OK, -350},
      {".5", SX_OK, 0.5},
      {"5.", SX_OK, 5},
      {"+7", SX_OK, 7},
      {"0.1", SX_OK, 0.1},
      {"1e-5", SX_OK, 1e-5},
      {"1E+3", SX_OK, 1000},
      {"123456789012345678901234", SX_OK, 1.2345678901234568e23},
      {"0.30000000000000004", SX_OK, 0.30000000000000004},
      {"1e308", SX_OK, 1e308},
      {"4.9e-324", SX_OK, 4.9e-324},
      {"1e999", SX_INVALID, 0},
      {"abc", SX_INVALID, 0},
      {"0x10", SX_INVALID, 0},
      {"inf", SX_INVALID, 0},
      {"nan", SX_INVALID, 0},
      {"", SX_INVALID, 0},
      {"  ", SX_INVALID, 0},
      {"1e", SX_INVALID, 0},
      {"+", SX_INVALID, 0},
      {".", SX_INVALID, 0},
      {"1 2", SX_INVALID, 0},
      {"12abc", SX_INVALID, 0},
      {"--1", SX_INVALID, 0},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    double x = -1;
    int rc = sx_parse_number(aCase[i].z, -1, &x);
    char zName[80], zDetail[120];
    snprintf(zName, sizeof(zName), "number-%d[%s]", i, aCase[i].z);
    snprintf(zDetail, sizeof(zDetail), "rc=%d x=%.17g", rc, x);
    check(zName, rc == aCase[i].rc && (rc != SX_OK || x == aCase[i].want),
          zDetail);
  }
}

/* ---- JSON numbers round-trip and stay short ---- */
static void test_json_numbers(sqlite3 *db) {
  static const struct {
    double x;
    const char *zWant;
  } aCase[] = {
      {0.1, "0.1"},
      {2, "2"},
      {-1.5, "-1.5"},
      {0.30000000000000004, "0.30000000000000004"},
      {1e300, "1e+300"},
      {1234.56, "1234.56"},
      {1.0 / 3, "0.3333333333333333"},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    sqlite3_str *p = sqlite3_str_new(db);
    sx_json_number(p, aCase[i].x);
    char *z = sqlite3_str_finish(p);
    char zName[40];
    snprintf(zName, sizeof(zName), "json-number-%d", i);
    check_str(zName, z, aCase[i].zWant);
    sqlite3_free(z);
  }
  /* every printed value reads back exactly */
  unsigned int seed = 7;
  int bad = 0;
  for (int i = 0; i < 20000; i++) {
    seed = seed * 1103515245u + 12345u;
    double x = (double)seed / 7.0 * pow(10.0, (double)(i % 40) - 20.0);
    sqlite3_str *p = sqlite3_str_new(db);
    sx_json_number(p, x);
    char *z = sqlite3_str_finish(p);
    double back;
    if (z == 0 || sx_parse_number(z, -1, &back) != SX_OK || back != x)
      bad++;
    sqlite3_free(z);
  }
  check("json-number-roundtrip", bad == 0, "some values did not read back");
  sqlite3_str *p = sqlite3_str_new(db);
  sx_json_string(p, "a\"b\\c\n\x01", -1);
  char *z = sqlite3_str_finish(p);
  check_str("json-string", z, "\"a\\\"b\\\\c\\n\\u0001\"");
  sqlite3_free(z);
}

/* ---- dates ---- */
static double julianday_of(sqlite3 *db, const char *zDate) {
  sqlite3_stmt *pStmt;
  double r = -1;
  sqlite3_prepare_v2(db, "SELECT julianday(?1)", -1, &pStmt, 0);
  sqlite3_bind_text(pStmt, 1, zDate, -1, SQLITE_STATIC);
  if (sqlite3_step(pStmt) == SQLITE_ROW &&
      sqlite3_column_type(pStmt, 0) != SQLITE_NULL) {
    r = sqlite3_column_double(pStmt, 0);
  }
  sqlite3_finalize(pStmt);
  return r;
}

static void test_dates(sqlite3 *db) {
  static const struct {
    const char *z;
    const char *zWant; /* NULL: invalid */
  } aCase[] = {
      {"2024-02-29", "2024-02-29"},
      {"2024-03-01 00:00:00", "2024-03-01"},
      {"2024-03-01 10:20", "2024-03-01 10:20:00"},
      {"2024-03-01T10:20:30", "2024-03-01 10:20:30"},
      {"2024-03-01T10:20:30.500Z", "2024-03-01 10:20:30"},
      {"2024-03-01 12:00+02:00", "2024-03-01 10:00:00"},
      {"2024-03-01 01:00-02:30", "2024-03-01 03:30:00"},
      {" 2024-03-01 ", "2024-03-01"},
      {"0000-01-01", "0000-01-01"},
      {"9999-12-31", "9999-12-31"},
      {"1900-02-28", "1900-02-28"},
      {"2023-02-29", 0},
      {"1900-02-29", 0},
      {"2024-13-01", 0},
      {"2024-00-10", 0},
      {"2024-04-31", 0},
      {"2024-1-1", 0},
      {"2024-01-01 25:00", 0},
      {"2024-01-01 10:60", 0},
      {"2024-01-01x", 0},
      {"2024-01", 0},
      {"", 0},
      {"yesterday", 0},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    SxTime t = 0;
    char zBuf[SX_DATE_BUF], zName[80];
    int rc = sx_parse_date_text(aCase[i].z, -1, &t);
    snprintf(zName, sizeof(zName), "date-%d[%s]", i, aCase[i].z);
    if (aCase[i].zWant == 0) {
      check(zName, rc == SX_INVALID, "accepted an invalid date");
    } else if (rc != SX_OK) {
      check(zName, 0, "rejected a valid date");
    } else {
      check_str(zName, sx_time_text(t, zBuf), aCase[i].zWant);
    }
  }
  /* agrees with SQLite's julianday() on valid dates and times */
  unsigned int seed = 11;
  int bad = 0;
  for (int i = 0; i < 5000; i++) {
    char z[40];
    seed = seed * 1103515245u + 12345u;
    int y = (int)(seed >> 8) % 10000;
    seed = seed * 1103515245u + 12345u;
    int m = 1 + (int)(seed >> 8) % 12, d = 1 + (int)(seed >> 16) % 28;
    seed = seed * 1103515245u + 12345u;
    int hh = (int)(seed >> 8) % 24, mm = (int)(seed >> 16) % 60;
    snprintf(z, sizeof(z), "%04d-%02d-%02d %02d:%02d:07", y, m, d, hh, mm);
    SxTime t;
    if (sx_parse_date_text(z, -1, &t) != SX_OK ||
        fabs((double)t / SX_MS_PER_DAY - julianday_of(db, z)) > 1e-8) {
      if (bad++ < 3)
        printf("# mismatch on %s\n", z);
    }
    char zBuf[SX_DATE_BUF];
    if (strcmp(sx_time_text(t, zBuf), z) != 0 && bad++ < 3) {
      printf("# text mismatch %s -> %s\n", z, zBuf);
    }
  }
  check("date-vs-julianday", bad == 0, "dates disagree with julianday()");
}

/* Reads a value through SQLite (so it has the SQL type of the literal). */
static int date_of_sql(sqlite3 *db, const char *zExpr, char *zOut) {
  sqlite3_stmt *pStmt;
  char *zSql = sqlite3_mprintf("SELECT %s", zExpr);
  int rc = SX_INVALID;
  sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_free(zSql);
  if (sqlite3_step(pStmt) == SQLITE_ROW) {
    SxTime t;
    rc = sx_date(sqlite3_column_value(pStmt, 0), &t);
    if (rc == SX_OK)
      sx_time_text(t, zOut);
  }
  sqlite3_finalize(pStmt);
  return rc;
}

static void test_date_values(sqlite3 *db) {
  static const struct {
    const char *zExpr;
    int rc;
    const char *zWant;
  } aCase[] = {
      {"2460370.5", SX_OK, "2024-03-01"},        /* Julian day */
      {"2460371", SX_OK, "2024-03-01 12:00:00"}, /* noon */
      {"'2460370.5'", SX_OK, "2024-03-01"},      /* numeric text */
      {"1709251200", SX_OK, "2024-03-01"},       /* Unix seconds */
      {"-86400", SX_OK, "1969-12-31"},           /* negative: Unix */
      {"5373484.5", SX_OK, "10000-01-01"},       /* last Julian day */
      {"5373483.5", SX_OK, "9999-12-31"},
      {"5373485", SX_OK, "1970-03-04 04:38:05"}, /* past it: Unix */
      {"253402300800", SX_INVALID, 0},           /* past year 9999 */
      {"9e999", SX_INVALID, 0},                  /* Inf */
      {"x'01'", SX_INVALID, 0},                  /* blob */
      {"'soon'", SX_INVALID, 0},
      {"NULL", SX_NULL, 0},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    char zBuf[SX_DATE_BUF] = "", zName[80], zDetail[120];
    int rc = date_of_sql(db, aCase[i].zExpr, zBuf);
    snprintf(zName, sizeof(zName), "date-value-%d[%s]", i, aCase[i].zExpr);
    snprintf(zDetail, sizeof(zDetail), "rc=%d text=%s", rc, zBuf);
    check(zName,
          rc == aCase[i].rc &&
              (rc != SX_OK || strcmp(zBuf, aCase[i].zWant) == 0),
          zDetail);
  }
}

/* ---- value rendering in errors ---- */
static void test_repr(sqlite3 *db) {
  static const struct {
    const char *zExpr, *zWant;
  } aCase[] = {
      {"NULL", "NULL"},
      {"42", "42"},
      {"4.5", "4.5"},
      {"9e999", "Inf"},
      {"-9e999", "-Inf"},
      {"'it''s'", "'it''s'"},
      {"x'0a1b'", "x'0a1b'"},
      {"zeroblob(20)", "x'00000000000000000000000000000000'..."},
      {"printf('%.50c', 'a')", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'..."},
      {"printf('%.45c', char(233))",
       "'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
       "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
       "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'..."},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    sqlite3_stmt *pStmt;
    char *zSql = sqlite3_mprintf("SELECT %s", aCase[i].zExpr);
    char zName[80];
    sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
    sqlite3_free(zSql);
    sqlite3_step(pStmt);
    char *z = sx_value_repr(sqlite3_column_value(pStmt, 0));
    snprintf(zName, sizeof(zName), "repr-%d", i);
    check_str(zName, z, aCase[i].zWant);
    sqlite3_free(z);
    sqlite3_finalize(pStmt);
  }
}

/* ---- options ---- */
static const SxOptionSpec aSpec[] = {{"source", 1}, {"key", 1}, {"cutoffs", 0}};

static void options_case(const char *zName, int argc, const char **argv,
                         const char *zWantErr, const char *zWantSource,
                         int bWantQuoted) {
  SxOptions opt;
  char *zErr = 0;
  int rc = sx_options_parse("demo", aSpec, 3, argc, argv, &opt, &zErr);
  if (zWantErr) {
    check_str(zName, rc == SQLITE_OK ? "(ok)" : zErr, zWantErr);
  } else {
    check_str(zName, rc == SQLITE_OK ? opt.azValue[0] : zErr, zWantSource);
    if (rc == SQLITE_OK) {
      check(zName, opt.bQuoted[0] == bWantQuoted, "quoted flag");
      sx_options_free(&opt);
    }
  }
  sqlite3_free(zErr);
}

static void test_options(void) {
  const char *a1[] = {"m", "main", "t", "source = accounts", "KEY=id"};
  options_case("opt-bare", 5, a1, 0, "accounts", 0);
  const char *a2[] = {"m", "main", "t", "source='a\"b; DROP TABLE x'",
                      "key=id"};
  options_case("opt-quoted", 5, a2, 0, "a\"b; DROP TABLE x", 1);
  const char *a3[] = {"m", "main", "t", "source=\"it\"\"s\"", "key=[k]"};
  options_case("opt-dquoted", 5, a3, 0, "it\"s", 1);
  const char *a4[] = {"m", "main", "t", "source=a", "key=id", "colour=red"};
  options_case("opt-unknown", 6, a4, "demo: unknown option 'colour'", 0, 0);
  const char *a5[] = {"m", "main", "t", "source=a"};
  options_case("opt-missing", 4, a5, "demo: missing required option key", 0, 0);
  const char *a6[] = {"m", "main", "t", "source=a", "source=b", "key=k"};
  options_case("opt-twice", 6, a6, "demo: option source given twice", 0, 0);
  const char *a7[] = {"m", "main", "t", "source=a", "key"};
  options_case("opt-noeq", 5, a7, "demo: expected name=value, got 'key'", 0, 0);
  const char *a8[] = {"m", "main", "t", "source=''", "key=k"};
  options_case("opt-empty", 5, a8, "demo: option source is empty", 0, 0);

  SxSource src;
  sx_source_init(&src, "aux.accounts", 0);
  check("source-qualified",
        src.zSchema && strcmp(src.zSchema, "aux") == 0 &&
            strcmp(src.zTable, "accounts") == 0,
        "schema.table split");
  sx_source_free(&src);
  sx_source_init(&src, "aux.accounts", 1);
  check("source-quoted-dot",
        src.zSchema == 0 && strcmp(src.zTable, "aux.accounts") == 0,
        "quoted name kept whole");
  sx_source_free(&src);
}

static void test_source_check(sqlite3 *db) {
  SxSource src;
  char *zErr = 0;
  const char *azCol[] = {"a", "nope"};
  const char *azOpt[] = {"key", "value"};
  sqlite3_exec(db, "CREATE TABLE \"t x\"(a, b)", 0, 0, 0);
  sx_source_init(&src, "t x", 1);
  int rc = sx_source_check(db, "demo", "source", &src, azCol, azOpt, 1, &zErr);
  check("source-check-ok", rc == SQLITE_OK, zErr);
  rc = sx_source_check(db, "demo", "source", &src, azCol, azOpt, 2, &zErr);
  check_str("source-check-column", rc == SQLITE_OK ? "(ok)" : zErr,
            "demo: option value: no column nope in t x");
  sqlite3_free(zErr);
  zErr = 0;
  sx_source_free(&src);
  sx_source_init(&src, "missing", 0);
  rc = sx_source_check(db, "demo", "source", &src, azCol, azOpt, 1, &zErr);
  check_str("source-check-table", rc == SQLITE_OK ? "(ok)" : zErr,
            "demo: option source: no such table or view missing");
  sqlite3_free(zErr);
  sx_source_free(&src);
}

static void test_value_compare(sqlite3 *db) {
  static const struct {
    const char *zA, *zB;
    int want; /* sign */
  } aCase[] = {
      {"NULL", "NULL", 0},
      {"NULL", "-1e300", -1},
      {"1", "1.0", 0},
      {"2", "1.5", 1},
      {"9007199254740993", "9007199254740992.0", 1}, /* exact past 2^53 */
      {"-9007199254740993", "-9007199254740992.0", -1},
      {"9e999", "9223372036854775807", 1},
      {"1e300", "'0'", -1}, /* numbers before text */
      {"'b'", "'ab'", 1},
      {"'ab'", "'abc'", -1},
      {"''", "x''", -1}, /* text before blobs */
      {"x'00'", "x''", 1},
      {"x'0102'", "x'0102'", 0},
  };
  for (int i = 0; i < SX_ARRAY_SIZE(aCase); i++) {
    sqlite3_stmt *pStmt;
    char *zSql = sqlite3_mprintf("SELECT %s, %s", aCase[i].zA, aCase[i].zB);
    char zName[40], zDetail[80];
    sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
    sqlite3_free(zSql);
    sqlite3_step(pStmt);
    int c = sx_value_compare(sqlite3_column_value(pStmt, 0),
                             sqlite3_column_value(pStmt, 1));
    int back = sx_value_compare(sqlite3_column_value(pStmt, 1),
                                sqlite3_column_value(pStmt, 0));
    int sign = (c > 0) - (c < 0), backSign = (back > 0) - (back < 0);
    snprintf(zName, sizeof(zName), "value-compare-%d", i);
    snprintf(zDetail, sizeof(zDetail), "%s vs %s gave %d / %d", aCase[i].zA,
             aCase[i].zB, c, back);
    check(zName, sign == aCase[i].want && backSign == -aCase[i].want, zDetail);
    sqlite3_finalize(pStmt);
  }
}

int main(void) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK)
    return 2;
  test_numbers();
  test_json_numbers(db);
  test_dates(db);
  test_date_values(db);
  test_repr(db);
  test_options();
  test_source_check(db);
  test_value_compare(db);
  sqlite3_close(db);
  printf("unit: %d passed, %d failed\n", nPass, nFail);
  return nFail ? 1 : 0;
}
