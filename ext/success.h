/*
** success.h -- what every sqlite-success module shares.
**
** Contents
**   1. Registration: tables of functions, registered in order, stopping at
**      the first failure and saying which one failed.
**   2. Reading arguments by the SPEC's rules (section 1): numbers (INTEGER,
**      REAL, numeric TEXT; anything else or a non-finite value is an error)
**      and dates (ISO-8601 text or a number read as SQLite's `auto`).
**   3. Errors in the SPEC's style: "name(): what is wrong, got <value>".
**   4. JSON output through sqlite3_str.
**   5. The virtual-table layer: option parsing, source checks, quoted SQL,
**      reading source cells with module/column error messages.
**
** Memory: everything here allocates with sqlite3_malloc64 / sqlite3_free
** (sqlite3_mprintf and sqlite3_str use the same allocator). Nothing here
** holds mutable global state.
*/
#ifndef SUCCESS_H
#define SUCCESS_H

#include <math.h>
#include <sqlite3ext.h>
#include <stddef.h>
#include <stdint.h>

SQLITE_EXTENSION_INIT3

#define SUCCESS_VERSION "0.1.0"

/* Pure functions: same output for the same input, no side effects, safe in
** views, indexes, generated columns and under trusted_schema=OFF. */
#define SX_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/* ------------------------------------------------------------------ */
/* 1. Registration                                                     */
/* ------------------------------------------------------------------ */

typedef void (*SxFunc)(sqlite3_context *, int, sqlite3_value **);
typedef void (*SxFinal)(sqlite3_context *);

/* One SQL function. Scalar: xFunc. Aggregate: xStep + xFinal. Window
** aggregate: xStep + xFinal + xValue + xInverse. */
typedef struct SxFunction {
  const char *zName;
  int nArg; /* -1: any number */
  int flags;
  SxFunc xFunc;
  SxFunc xStep;
  SxFinal xFinal;
  SxFinal xValue;
  SxFunc xInverse;
} SxFunction;

/* Registers aFunc[0..nFunc-1]; on failure returns the error code and sets
** *pzErr to "cannot register <name>/<nArg>: <reason>". */
int sx_register_functions(sqlite3 *db, const SxFunction *aFunc, int nFunc,
                          char **pzErr);

/* Registers a virtual-table module; same error reporting. */
int sx_register_module(sqlite3 *db, const char *zName,
                       const sqlite3_module *pModule, char **pzErr);

/* Each module exports one of these; ext/success.c calls them in order. */
int sx_core_register(sqlite3 *db, char **pzErr);
int sx_health_register(sqlite3 *db, char **pzErr);
int sx_nps_register(sqlite3 *db, char **pzErr);
int sx_pareto_register(sqlite3 *db, char **pzErr);
int sx_milestone_register(sqlite3 *db, char **pzErr);
int sx_revenue_register(sqlite3 *db, char **pzErr);
int sx_churn_register(sqlite3 *db, char **pzErr);

#define SX_ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ */
/* 2. Reading values                                                   */
/* ------------------------------------------------------------------ */

/* Outcome of reading one value. */
#define SX_OK 0      /* read, result stored */
#define SX_NULL 1    /* the value is SQL NULL; nothing stored */
#define SX_INVALID 2 /* not acceptable (wrong type, malformed, non-finite) */

/* Numbers (SPEC 1): INTEGER and REAL; TEXT that is a well-formed decimal
** number, optionally surrounded by spaces ("12", "-3.5e2", " .5 "); not
** hex, not "inf"/"nan". Non-finite results are SX_INVALID.
** Inline: INTEGER and REAL cells are read in a few instructions, as the
** per-row readers of the virtual tables need; TEXT and the rest go to
** sx_number_other (eType: NULL, TEXT or BLOB). */
int sx_number_other(sqlite3_value *pVal, int eType, double *pOut);
static inline int sx_number(sqlite3_value *pVal, double *pOut) {
  int eType = sqlite3_value_type(pVal);
  if (eType == SQLITE_FLOAT) {
    *pOut = sqlite3_value_double(pVal);
    return isfinite(*pOut) ? SX_OK : SX_INVALID;
  }
  if (eType == SQLITE_INTEGER) {
    *pOut = (double)sqlite3_value_int64(pVal);
    return SX_OK;
  }
  return sx_number_other(pVal, eType, pOut);
}

/* Parses a well-formed decimal number in z[0..n-1] (n<0: NUL-terminated),
** surrounding spaces allowed. Locale independent. Returns SX_OK or
** SX_INVALID (also for a result that overflows to infinity). */
int sx_parse_number(const char *z, int n, double *pOut);

/* Dates are held as milliseconds since the Julian-day epoch, like SQLite's
** own iJD: julianday = ms / 86400000.0. */
typedef int64_t SxTime;
#define SX_MS_PER_DAY 86400000LL

/* Dates (SPEC 1): TEXT 'YYYY-MM-DD', optionally followed by ' ' or 'T',
** 'HH:MM', optional ':SS' and '.SSS', then optional 'Z' or '+HH:MM' /
** '-HH:MM'; or a number (or numeric TEXT) read as SQLite's `auto`
** modifier: 0 .. 5373484.5 a Julian day number, otherwise Unix seconds in
** -210866760000 .. 253402300799. Calendar dates are checked (no Feb 30). */
int sx_date(sqlite3_value *pVal, SxTime *pOut);
int sx_parse_date_text(const char *z, int n, SxTime *pOut);

/* Proleptic Gregorian calendar helpers. */
SxTime sx_time_from_ymd(int y, int m, int d);
void sx_time_to_ymd(SxTime t, int *pY, int *pM, int *pD);
/* Writes 'YYYY-MM-DD', or 'YYYY-MM-DD HH:MM:SS' when the time of day is not
** midnight, into zBuf (at least SX_DATE_BUF bytes). Returns zBuf. */
#define SX_DATE_BUF 32
char *sx_time_text(SxTime t, char *zBuf);
/* Days from a to b, as REAL. */
double sx_days_between(SxTime a, SxTime b);
/* Sets the result to the date as TEXT (see sx_time_text). */
void sx_result_date(sqlite3_context *ctx, SxTime t);

/* SQLite's order of values under BINARY collation, without affinity:
** NULL < numbers (INTEGER and REAL compared exactly) < TEXT (memcmp) <
** BLOB (memcmp). Returns <0, 0 or >0.
** Inline: two INTEGERs (the usual keys, compared on every row of a merge)
** take a few instructions; other pairs go to sx_value_compare_other. */
int sx_value_compare_other(sqlite3_value *a, int ta, sqlite3_value *b, int tb);
static inline int sx_value_compare(sqlite3_value *a, sqlite3_value *b) {
  int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
  if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
    sqlite3_int64 x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
    return x < y ? -1 : x > y;
  }
  return sx_value_compare_other(a, ta, b, tb);
}
/* The rank of a storage class (SQLITE_INTEGER...) in that order: NULL 0,
** numbers 1, TEXT 2, BLOB 3. */
int sx_value_class(int eType);
/* Compares INTEGER i with REAL r exactly (i is not rounded to a double). */
int sx_int_real_compare(sqlite3_int64 i, double r);

/* ------------------------------------------------------------------ */
/* 3. Errors                                                           */
/* ------------------------------------------------------------------ */

/* A value as an error message shows it: NULL, 42, 4.5, 'text' (quoted,
** shortened past 40 characters), x'0a1b' (blobs, shortened), Inf. The
** result is from sqlite3_mprintf (NULL on OOM). */
char *sx_value_repr(sqlite3_value *pVal);

/* Sets "zFunc(): <message>" as the error of ctx. */
void sx_error(sqlite3_context *ctx, const char *zFunc, const char *zFmt, ...);
/* Sets "zFunc(): zWhat, got <repr of pVal>". */
void sx_error_got(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                  sqlite3_value *pVal);

/* Sets "zFunc(): <zFmt formatted>, got <repr of pVal>" (reports OOM
** itself): sx_error_value(ctx, "f", v, "%s must be 0 or 1", "flag"). */
void sx_error_value(sqlite3_context *ctx, const char *zFunc,
                    sqlite3_value *pVal, const char *zFmt, ...);

/* Reads argument pVal of zFunc as a number. SX_INVALID has already set the
** error "zFunc(): zWhat must be a number, got <value>". */
int sx_arg_number(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                  sqlite3_value *pVal, double *pOut);
/* Same for dates: "zFunc(): zWhat must be a date, got <value>". */
int sx_arg_date(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                sqlite3_value *pVal, SxTime *pOut);

/* ------------------------------------------------------------------ */
/* 4. JSON output                                                      */
/* ------------------------------------------------------------------ */

/* Appends a JSON string literal of z[0..n-1] (n<0: NUL-terminated). */
void sx_json_string(sqlite3_str *pStr, const char *z, int n);
/* Appends the shortest decimal that reads back as exactly x (at most 17
** significant digits); "null" when x is not finite. */
void sx_json_number(sqlite3_str *pStr, double x);
/* Finishes pStr and sets it as the TEXT result (or reports OOM). */
void sx_result_str(sqlite3_context *ctx, sqlite3_str *pStr);

/* ------------------------------------------------------------------ */
/* 5. Virtual tables that read user tables                             */
/* ------------------------------------------------------------------ */

/* The options a module accepts. */
typedef struct SxOptionSpec {
  const char *zName;
  int bRequired;
} SxOptionSpec;

/* Parsed "name=value" arguments of CREATE VIRTUAL TABLE. azValue[i] is the
** unquoted value of aSpec[i] or NULL when not given; bQuoted[i] says whether
** it was written quoted ('x', "x", [x] or `x`). */
#define SX_MAX_OPTIONS 16
typedef struct SxOptions {
  int nSpec;
  char *azValue[SX_MAX_OPTIONS];
  unsigned char bQuoted[SX_MAX_OPTIONS];
} SxOptions;

/* Parses argv[3..argc-1] of xCreate/xConnect. Errors (sqlite3_mprintf'd into
** *pzErr, prefix "zModule: "): an argument that is not name=value, an
** unknown option, an option given twice, a missing required option, an
** empty value. Returns SQLITE_OK or SQLITE_ERROR; on error *pOpt is freed. */
int sx_options_parse(const char *zModule, const SxOptionSpec *aSpec, int nSpec,
                     int argc, const char *const *argv, SxOptions *pOpt,
                     char **pzErr);
void sx_options_free(SxOptions *pOpt);

/* The value of option zName (a name in aSpec), or NULL when not given. */
const char *sx_option(const SxOptions *pOpt, const SxOptionSpec *aSpec,
                      const char *zName);

/* A source table or view named by an option: "tbl" or, when written bare,
** "schema.tbl". */
typedef struct SxSource {
  char *zSchema; /* NULL: unqualified */
  char *zTable;
} SxSource;
int sx_source_init(SxSource *pSrc, const char *zValue, int bQuoted);
void sx_source_free(SxSource *pSrc);

/* Appends "schema"."table" (or "table") with identifiers quoted. */
void sx_sql_source(sqlite3_str *pStr, const SxSource *pSrc);
/* Appends "ident" quoted for SQL (embedded quotes doubled). In queries over
** a source, qualify columns (FROM <source> AS s ... s."col"): an unqualified
** "col" naming no column would be read as the string 'col' by SQLite's
** double-quoted-string fallback, silently. */
void sx_sql_ident(sqlite3_str *pStr, const char *zIdent);

/* Checks at CREATE that the source exists and has each column azCol[i]
** (named by option azColOpt[i]). Errors, prefix "zModule: ":
**   "option <opt>: no such table or view <name>"
**   "option <opt>: no column <col> in <table>"                          */
int sx_source_check(sqlite3 *db, const char *zModule, const char *zSrcOpt,
                    const SxSource *pSrc, const char *const *azCol,
                    const char *const *azColOpt, int nCol, char **pzErr);

/* Prepares the SQL in pStr (consumed), for reading a source at query time.
** On failure sets *pzErr to "zModule: cannot read source: <sqlite error>". */
int sx_source_prepare(sqlite3 *db, const char *zModule, sqlite3_str *pStr,
                      sqlite3_stmt **ppStmt, char **pzErr);

/* A message for a bad source cell, sqlite3_mprintf'd:
** "zModule: column <zCol> of <table>: zWhat, got <repr>". */
char *sx_cell_error(const char *zModule, const SxSource *pSrc, const char *zCol,
                    const char *zWhat, sqlite3_value *pVal);

/* Declares the virtual table's schema: columns azCol[0..nCol-1] (quoted)
** then nHidden hidden columns azHidden[]. */
int sx_declare_vtab(sqlite3 *db, const char *const *azCol, int nCol,
                    const char *const *azHidden, int nHidden);

/* Defines a virtual table's static xCreate and xConnect, both calling
** xInit(db, argc, argv, ppVtab, pzErr, bCreate). xCreate (bCreate = 1)
** checks the sources; xConnect (bCreate = 0) does not, so a database whose
** source was dropped can still open, and DROP, the virtual table. */
#define SX_VTAB_CREATE_CONNECT(xCreate, xConnect, xInit)                       \
  static int xCreate(sqlite3 *db, void *pAux, int argc,                        \
                     const char *const *argv, sqlite3_vtab **ppVtab,           \
                     char **pzErr) {                                           \
    (void)pAux;                                                                \
    return xInit(db, argc, argv, ppVtab, pzErr, 1);                            \
  }                                                                            \
  static int xConnect(sqlite3 *db, void *pAux, int argc,                       \
                      const char *const *argv, sqlite3_vtab **ppVtab,          \
                      char **pzErr) {                                          \
    (void)pAux;                                                                \
    return xInit(db, argc, argv, ppVtab, pzErr, 0);                            \
  }

/* Index in pInfo->aConstraint of a usable equality constraint on column
** iCol, or -1. */
int sx_find_eq(const sqlite3_index_info *pInfo, int iCol);

/* Sets pVtab->zErrMsg (freeing any previous one) to zMsg, which it takes. */
void sx_vtab_error(sqlite3_vtab *pVtab, char *zMsg);

/* Grows *paElem (element size szElem) so that it holds at least nNeed
** elements; *pnAlloc tracks the capacity. SQLITE_OK or SQLITE_NOMEM.
** Inline: the usual call, on an array that is large enough already, is
** one comparison; sx_grow_alloc reallocates (nNeed > *pnAlloc). */
int sx_grow_alloc(void **paElem, sqlite3_int64 *pnAlloc, sqlite3_int64 nNeed,
                  size_t szElem);
static inline int sx_grow(void **paElem, sqlite3_int64 *pnAlloc,
                          sqlite3_int64 nNeed, size_t szElem) {
  return nNeed <= *pnAlloc ? SQLITE_OK
                           : sx_grow_alloc(paElem, pnAlloc, nNeed, szElem);
}

#endif /* SUCCESS_H */
