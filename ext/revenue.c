/*
** revenue.c -- revenue movements and retention (SPEC section 6).
**
**   SELECT mrr_movement(100, 150);               -- 'expansion'
**   SELECT mrr_movement(0, 80, 1);               -- 'reactivation'
**   CREATE VIRTUAL TABLE movements USING mrr_movements(
**     source=mrr_history, key=customer_id, period=month, value=mrr
**     [, grain='month']);                        -- 'month'|'quarter'|'year'
**   SELECT * FROM movements WHERE customer_id = 7;
**   SELECT nrr(start_mrr, end_mrr), grr(start_mrr, end_mrr) FROM cohort;
**
** Rules (cited in the code and tests as (n)):
**   (1) mrr_movement(prev_mrr, mrr [, was_customer]) is 'new' (0 -> >0,
**       never a customer before), 'reactivation' (0 -> >0, a customer
**       before), 'expansion', 'contraction', 'churn' (>0 -> 0), 'flat'
**       (equal, >0); NULL when both are 0. NULL prev_mrr counts as 0, NULL
**       mrr gives NULL, NULL was_customer counts as 0 (not a customer
**       before); was_customer is true when not 0.
**   (2) MRR arguments are numbers (SPEC 1) and not negative; errors
**       "mrr_movement(): mrr must not be negative, got -5".
**   (3) mrr_movements options: source, key, period, value (required), grain
**       (month, quarter or year; default month). Checked at CREATE: unknown
**       or missing options, a bad grain, a missing source or column, a key
**       column named like an output column. Sources are only read.
**   (4) A period is 'YYYY-MM' text or a date in any form sx_date reads, in
**       years 0000..9999, normalised to the grain: '2024-03', '2024-Q1',
**       '2024'. Anything else is an error naming the column:
**       "mrr_movements: column month of mrr_history: must be a date or
**       'YYYY-MM' text, got 'soon'".
**   (5) Several rows of one key and period are summed. A value is a number
**       (SPEC 1) and not negative, else an error naming the column.
**   (6) A period missing between two periods of a key counts as 0.
**   (7) A row for every period in which the key has MRR > 0, and for the
**       period right after an active one when its MRR is 0 (the churn row).
**   (8) A key still active in the last period present in the source (the
**       latest period of any counted row of the whole source, whatever the
**       query's WHERE) gets no churn row.
**   (9) Rows with a NULL key, period or value are ignored.
**  (10) Columns <key>, period, prev_mrr (0 before the first period), mrr,
**       delta = mrr - prev_mrr, movement as in (1) with was_customer = had
**       MRR > 0 in an earlier period.
**  (11) Output is ordered by key (SQLite's order of the key values, BINARY
**       collation) then period; computed streaming, one key at a time, so
**       memory grows with the largest key's history, not with the number of
**       keys. WHERE <key> = ? is pushed down to the source.
**  (12) nrr(start_mrr, end_mrr) = sum(end) / sum(start) and grr = sum(min(
**       start, end)) / sum(start), over rows with start > 0 (NULL start: row
**       skipped; NULL end counts as 0); NULL when no row counted; grr never
**       above 1. Both are window functions too. Arguments as in (2).
**
** How it works. The source is read once in key order (mrr_sql_by_key:
** "... WHERE key IS NOT NULL ORDER BY key COLLATE BINARY"; with an index
** on (key, period) SQLite reads it in order without sorting). The rows of
** one key are collected (period index, value), sorted by period in C
** (usually already sorted), summed per period and walked once to emit the
** movements; then the buffers are reused for the next key.
**
** The last period (8) depends on every row of the source, also on keys
** not read yet, so it cannot be known while streaming; and it is needed
** only to decide whether a key active in its last period gets a churn
** row, that is, whether the source has any later period. That is answered
** lazily (mrr_period_after): from the latest period read so far, by the
** main read or by a scan of the period column alone ("SELECT period FROM
** src WHERE key, period, value IS NOT NULL", each IS NOT NULL left out
** when the column is declared NOT NULL, so that an index on (key, period)
** covers it), which runs only until it meets a later period, and goes on
** from there when a later key asks. So a key that left before the end
** costs the start of the scan; a key active in the last period costs the
** whole scan, once per statement (also when a join filters the table once
** per outer row). Measured, the whole scan is 0.4x the cost of the ordered
** read in SQLite, and no SQL form of it is cheaper: max(), DISTINCT,
** GROUP BY and WHERE filters all cost more per row than returning the
** cell; cells are normalised in C, through a small cache of the period
** texts already read (periods come in mixed forms, so SQL's max() would
** not do anyway). Cells that are not periods are skipped there: the main
** read reports them when they belong to a key being read. No memory is
** kept per key: one key's rows and movements at a time (measured: SQLite's
** heap high-water mark is the same for 10k, 50k and 200k customers).
*/
#include "revenue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Periods (4)                                                         */
/* ------------------------------------------------------------------ */

int mrr_grain_parse(const char *z, MrrGrain *pGrain) {
  static const char *const azGrain[] = {"month", "quarter", "year"};
  for (int i = 0; i < SX_ARRAY_SIZE(azGrain); i++) {
    if (sqlite3_stricmp(z, azGrain[i]) == 0) {
      *pGrain = (MrrGrain)i;
      return SQLITE_OK;
    }
  }
  return SQLITE_ERROR;
}

/* 'YYYY-MM' (surrounding spaces allowed, as for dates) into year, month;
** 0 when z[0..n-1] is not that. Straight-line: it runs for every row. */
static int mrr_parse_year_month(const unsigned char *z, int n, int *pY,
                                int *pM) {
  if (n != 7) {
    while (n > 0 && z[0] == ' ')
      z++, n--;
    while (n > 0 && z[n - 1] == ' ')
      n--;
    if (n != 7)
      return 0;
  }
  unsigned y0 = z[0] - '0', y1 = z[1] - '0', y2 = z[2] - '0';
  unsigned y3 = z[3] - '0', m0 = z[5] - '0', m1 = z[6] - '0';
  if (z[4] != '-' || y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9) {
    return 0;
  }
  unsigned m = m0 * 10 + m1;
  if (m < 1 || m > 12)
    return 0;
  *pY = (int)(((y0 * 10 + y1) * 10 + y2) * 10 + y3);
  *pM = (int)m;
  return 1;
}

static sqlite3_int64 mrr_index_of(int y, int m, MrrGrain grain) {
  switch (grain) {
  case MRR_MONTH:
    return (sqlite3_int64)y * 12 + (m - 1);
  case MRR_QUARTER:
    return (sqlite3_int64)y * 4 + (m - 1) / 3;
  default:
    return y;
  }
}

/* A period cell that is not 'YYYY-MM' text: a date in any form sx_date
** reads, in years 0000..9999. Apart from mrr_period_index's fast path, so
** that the common case stays a short function. */
static int mrr_period_index_date(sqlite3_value *pVal, MrrGrain grain,
                                 sqlite3_int64 *pIdx) {
  SxTime t;
  int y, m, d;
  if (sx_date(pVal, &t) != SX_OK)
    return SX_INVALID;
  sx_time_to_ymd(t, &y, &m, &d);
  if (y < 0 || y > 9999)
    return SX_INVALID;
  *pIdx = mrr_index_of(y, m, grain);
  return SX_OK;
}

int mrr_period_index(sqlite3_value *pVal, MrrGrain grain, sqlite3_int64 *pIdx) {
  int y, m;
  int eType = sqlite3_value_type(pVal);
  if (eType == SQLITE_TEXT) {
    const unsigned char *z = sqlite3_value_text(pVal);
    if (z && mrr_parse_year_month(z, sqlite3_value_bytes(pVal), &y, &m)) {
      *pIdx = mrr_index_of(y, m, grain);
      return SX_OK;
    }
  } else if (eType == SQLITE_NULL) {
    return SX_NULL;
  }
  return mrr_period_index_date(pVal, grain, pIdx);
}

static void mrr_period_cache_init(MrrPeriodCache *pCache) {
  memset(pCache->aWord, 0xFF, sizeof(pCache->aWord));
}

/* mrr_period_index through the cache, for the two per-row loops of the
** stream. A text cell's period depends on its bytes alone; texts of
** exactly 7 bytes ('YYYY-MM') are cached, keyed by those bytes and the
** terminator read as one 64-bit word (the empty mark, all ones, cannot
** match: a text's terminator is 0). */
static inline int mrr_period_read(MrrPeriodCache *pCache, sqlite3_value *pVal,
                                  MrrGrain grain, sqlite3_int64 *pIdx) {
  if (sqlite3_value_type(pVal) == SQLITE_TEXT) {
    const unsigned char *z = sqlite3_value_text(pVal);
    if (z && sqlite3_value_bytes(pVal) == 7) {
      uint64_t w;
      memcpy(&w, z, sizeof(w));
      unsigned h = (unsigned)((w * 0x9E3779B97F4A7C15ull) >> 58);
      if (pCache->aWord[h] == w) {
        *pIdx = pCache->aIdx[h];
        return SX_OK;
      }
      int rc = mrr_period_index(pVal, grain, pIdx);
      if (rc == SX_OK) {
        pCache->aWord[h] = w;
        pCache->aIdx[h] = *pIdx;
      }
      return rc;
    }
  }
  return mrr_period_index(pVal, grain, pIdx);
}

/* Year and first month of period idx. */
static void mrr_period_ym(sqlite3_int64 idx, MrrGrain grain, int *pY, int *pM) {
  switch (grain) {
  case MRR_MONTH:
    *pY = (int)(idx / 12);
    *pM = (int)(idx % 12) + 1;
    break;
  case MRR_QUARTER:
    *pY = (int)(idx / 4);
    *pM = (int)(idx % 4) * 3 + 1;
    break;
  default:
    *pY = (int)idx;
    *pM = 1;
  }
}

/* Writes n digits of v (zero-padded) at z; returns z + n. */
static char *mrr_put_digits(char *z, int v, int n) {
  for (int i = n - 1; i >= 0; i--, v /= 10)
    z[i] = (char)('0' + v % 10);
  return z + n;
}

#define MRR_PERIOD_BUF 16

/* The period as text: '2024-03', '2024-Q1' or '2024', in zBuf (at least
** MRR_PERIOD_BUF bytes); returns its length. Formatted by hand: this runs
** once per output row. */
static int mrr_period_text(sqlite3_int64 idx, MrrGrain grain, char *zBuf) {
  int y, m;
  char *z = zBuf;
  mrr_period_ym(idx, grain, &y, &m);
  z = mrr_put_digits(z, y, 4);
  if (grain == MRR_MONTH) {
    *z++ = '-';
    z = mrr_put_digits(z, m, 2);
  } else if (grain == MRR_QUARTER) {
    *z++ = '-';
    *z++ = 'Q';
    z = mrr_put_digits(z, (m - 1) / 3 + 1, 1);
  }
  *z = 0;
  return (int)(z - zBuf);
}

void mrr_result_period(sqlite3_context *ctx, sqlite3_int64 idx,
                       MrrGrain grain) {
  char zBuf[MRR_PERIOD_BUF];
  int n = mrr_period_text(idx, grain, zBuf);
  sqlite3_result_text(ctx, zBuf, n, SQLITE_TRANSIENT);
}

SxTime mrr_period_start(sqlite3_int64 idx, MrrGrain grain) {
  int y, m;
  mrr_period_ym(idx, grain, &y, &m);
  return sx_time_from_ymd(y, m, 1);
}

/* ------------------------------------------------------------------ */
/* Keys (11)                                                           */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Movement kinds (1)                                                  */
/* ------------------------------------------------------------------ */

MrrKind mrr_kind(double prev, double cur, int bWasCustomer) {
  if (cur > 0) {
    if (prev > 0) {
      return cur > prev ? MRR_EXPANSION
                        : (cur < prev ? MRR_CONTRACTION : MRR_FLAT);
    }
    return bWasCustomer ? MRR_REACTIVATION : MRR_NEW;
  }
  return prev > 0 ? MRR_CHURN : MRR_NONE;
}

/* Names and their lengths, indexed by MrrKind. */
static const struct {
  const char *zName;
  int nName;
} aMrrKind[] = {
    {0, 0},       {"new", 3},           {"expansion", 9}, {"contraction", 11},
    {"churn", 5}, {"reactivation", 12}, {"flat", 4}};

void mrr_result_kind(sqlite3_context *ctx, MrrKind kind) {
  if (kind != MRR_NONE) {
    sqlite3_result_text(ctx, aMrrKind[kind].zName, aMrrKind[kind].nName,
                        SQLITE_STATIC);
  }
}

/* ------------------------------------------------------------------ */
/* Options shared by the movement tables (3)                           */
/* ------------------------------------------------------------------ */

int mrr_spec_init(MrrSpec *pSpec, sqlite3 *db, const char *zModule,
                  const SxOptions *pOpt, int bCheck, char **pzErr) {
  /* option order: MRR_SPEC_OPTIONS */
  const char *zGrain = pOpt->azValue[4];
  memset(pSpec, 0, sizeof(*pSpec));
  pSpec->zModule = zModule;
  if (zGrain && mrr_grain_parse(zGrain, &pSpec->grain) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf(
        "%s: option grain: must be month, quarter or year, got '%q'", zModule,
        zGrain);
    return SQLITE_ERROR;
  }
  int rc = sx_source_init(&pSpec->src, pOpt->azValue[0], pOpt->bQuoted[0]);
  if (rc != SQLITE_OK)
    return rc;
  pSpec->zKey = sqlite3_mprintf("%s", pOpt->azValue[1]);
  pSpec->zPeriod = sqlite3_mprintf("%s", pOpt->azValue[2]);
  pSpec->zValue = sqlite3_mprintf("%s", pOpt->azValue[3]);
  if (!pSpec->zKey || !pSpec->zPeriod || !pSpec->zValue) {
    mrr_spec_free(pSpec);
    return SQLITE_NOMEM;
  }
  if (bCheck) {
    const char *azCol[] = {pSpec->zKey, pSpec->zPeriod, pSpec->zValue};
    const char *azColOpt[] = {"key", "period", "value"};
    rc = sx_source_check(db, zModule, "source", &pSpec->src, azCol, azColOpt, 3,
                         pzErr);
    if (rc != SQLITE_OK)
      mrr_spec_free(pSpec);
  }
  return rc;
}

void mrr_spec_free(MrrSpec *pSpec) {
  sx_source_free(&pSpec->src);
  sqlite3_free(pSpec->zKey);
  sqlite3_free(pSpec->zPeriod);
  sqlite3_free(pSpec->zValue);
  pSpec->zKey = pSpec->zPeriod = pSpec->zValue = 0;
}

int mrr_spec_check_names(const MrrSpec *pSpec, const char *const *azOut,
                         int nOut, char **pzErr) {
  for (int i = 0; i < nOut; i++) {
    if (sqlite3_stricmp(pSpec->zKey, azOut[i]) == 0) {
      *pzErr = sqlite3_mprintf("%s: option key: %s is the name of an output "
                               "column, rename it in a view",
                               pSpec->zModule, pSpec->zKey);
      return SQLITE_ERROR;
    }
  }
  return SQLITE_OK;
}

/* Appends s."zCol": source columns are always qualified, so that a missing
** column is an error and not a double-quoted string. */
static void mrr_sql_col(sqlite3_str *pStr, const char *zCol) {
  sqlite3_str_appendall(pStr, "s.");
  sx_sql_ident(pStr, zCol);
}

void mrr_sql_select(sqlite3_str *pStr, const SxSource *pSrc,
                    const char *const *azCol, int nCol) {
  sqlite3_str_appendall(pStr, "SELECT ");
  for (int i = 0; i < nCol; i++) {
    if (i)
      sqlite3_str_appendall(pStr, ", ");
    mrr_sql_col(pStr, azCol[i]);
  }
  sqlite3_str_appendall(pStr, " FROM ");
  sx_sql_source(pStr, pSrc);
  sqlite3_str_appendall(pStr, " AS s");
}

void mrr_sql_by_key(sqlite3_str *pStr, const SxSource *pSrc, const char *zKey,
                    const char *const *azCol, int nCol, int bKeyEq) {
  const char *azAll[8];
  azAll[0] = zKey;
  for (int i = 0; i < nCol && i < 7; i++)
    azAll[i + 1] = azCol[i];
  mrr_sql_select(pStr, pSrc, azAll, nCol + 1);
  sqlite3_str_appendall(pStr, " WHERE ");
  mrr_sql_col(pStr, zKey);
  sqlite3_str_appendall(pStr, " IS NOT NULL");
  if (bKeyEq) {
    sqlite3_str_appendall(pStr, " AND ");
    mrr_sql_col(pStr, zKey);
    sqlite3_str_appendall(pStr, " = ?1");
  }
  sqlite3_str_appendall(pStr, " ORDER BY ");
  mrr_sql_col(pStr, zKey);
  sqlite3_str_appendall(pStr, " COLLATE BINARY");
}

/* ------------------------------------------------------------------ */
/* xBestIndex (11)                                                     */
/* ------------------------------------------------------------------ */

/* 1 when the query's ORDER BY is satisfied by the output order: key, or
** key then period, ascending; or period alone when the key is fixed. */
static int mrr_order_consumed(const sqlite3_index_info *pInfo, int iKeyCol,
                              int iPeriodCol, int bKeyEq) {
  int n = pInfo->nOrderBy;
  if (n < 1 || n > 2)
    return 0;
  for (int i = 0; i < n; i++) {
    if (pInfo->aOrderBy[i].desc)
      return 0;
  }
  int iFirst = pInfo->aOrderBy[0].iColumn;
  if (iFirst == iKeyCol) {
    return n == 1 || pInfo->aOrderBy[1].iColumn == iPeriodCol;
  }
  return bKeyEq && n == 1 && iFirst == iPeriodCol;
}

int mrr_best_index(sqlite3_index_info *pInfo, int iKeyCol, int iPeriodCol) {
  int iEq = sx_find_eq(pInfo, iKeyCol);
  if (iEq >= 0) {
    /* one key: its own rows (an index seek) plus the once-per-statement
    ** last-period pass, which the planner need not weigh per probe */
    pInfo->aConstraintUsage[iEq].argvIndex = 1;
    pInfo->aConstraintUsage[iEq].omit = 0;
    pInfo->idxNum = 1;
    pInfo->estimatedCost = 50.0;
    pInfo->estimatedRows = 25;
  } else {
    pInfo->idxNum = 0;
    pInfo->estimatedCost = 4000000.0;
    pInfo->estimatedRows = 1000000;
  }
  pInfo->orderByConsumed =
      mrr_order_consumed(pInfo, iKeyCol, iPeriodCol, iEq >= 0);
  return SQLITE_OK;
}

/* ------------------------------------------------------------------ */
/* Rows grouped by key                                                 */
/* ------------------------------------------------------------------ */

int mrr_group_step(MrrGroup *pGrp) {
  int rc = sqlite3_step(pGrp->pStmt);
  pGrp->bRow = rc == SQLITE_ROW;
  return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
}

int mrr_group_start(MrrGroup *pGrp, sqlite3_value *pKeyEq) {
  sqlite3_reset(pGrp->pStmt);
  pGrp->bRow = 0;
  if (pKeyEq) {
    int rc = sqlite3_bind_value(pGrp->pStmt, 1, pKeyEq);
    if (rc != SQLITE_OK)
      return rc;
  }
  return mrr_group_step(pGrp);
}

int mrr_group_at(const MrrGroup *pGrp, sqlite3_value *pKey) {
  return pGrp->bRow &&
         sx_value_compare(sqlite3_column_value(pGrp->pStmt, 0), pKey) == 0;
}

int mrr_group_seek(MrrGroup *pGrp, sqlite3_value *pKey, int *pbMatch) {
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK && pGrp->bRow &&
         sx_value_compare(sqlite3_column_value(pGrp->pStmt, 0), pKey) < 0) {
    rc = mrr_group_step(pGrp);
  }
  *pbMatch = rc == SQLITE_OK && mrr_group_at(pGrp, pKey);
  return rc;
}

/* ------------------------------------------------------------------ */
/* The movement stream (5)-(9)                                         */
/* ------------------------------------------------------------------ */

/* "zModule: cannot read source: <error>" after a failed step. */
static int mrr_read_error(MrrStream *p, int rc, char **pzErr) {
  if (rc == SQLITE_NOMEM)
    return rc;
  *pzErr = sqlite3_mprintf("%s: cannot read source: %s", p->pSpec->zModule,
                           sqlite3_errmsg(p->db));
  return SQLITE_ERROR;
}

/* An error naming the source column of a bad cell. */
static int mrr_cell_error(MrrStream *p, const char *zCol, const char *zWhat,
                          sqlite3_value *pVal, char **pzErr) {
  *pzErr = sx_cell_error(p->pSpec->zModule, &p->pSpec->src, zCol, zWhat, pVal);
  return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* 1 when column zCol of the source is declared NOT NULL (a table's
** column; 0 for a view's or when unsure), so that "IS NOT NULL" on it can be
** left out and an index holding the other columns can cover the query. */
static int mrr_not_null(sqlite3 *db, const SxSource *pSrc, const char *zCol) {
  sqlite3_stmt *pStmt = 0;
  int bNotNull = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT \"notnull\" FROM pragma_table_info(?1, ?2) "
                         "WHERE name = ?3",
                         -1, &pStmt, 0) == SQLITE_OK) {
    sqlite3_bind_text(pStmt, 1, pSrc->zTable, -1, SQLITE_STATIC);
    if (pSrc->zSchema) {
      sqlite3_bind_text(pStmt, 2, pSrc->zSchema, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(pStmt, 3, zCol, -1, SQLITE_STATIC);
    if (sqlite3_step(pStmt) == SQLITE_ROW) {
      bNotNull = sqlite3_column_int(pStmt, 0) != 0;
    }
  }
  sqlite3_finalize(pStmt);
  return bNotNull;
}

/* Prepares the scan of the period column of the counted rows (9), for
** rule (8). */
static int mrr_last_scan_prepare(MrrStream *p, char **pzErr) {
  const MrrSpec *s = p->pSpec;
  sqlite3_str *pStr = sqlite3_str_new(p->db);
  const char *azCol[] = {s->zPeriod, s->zKey, s->zValue};
  int nWhere = 0;
  mrr_sql_select(pStr, &s->src, azCol, 1);
  for (int i = 0; i < 3; i++) {
    if (mrr_not_null(p->db, &s->src, azCol[i]))
      continue;
    sqlite3_str_appendall(pStr, nWhere++ ? " AND " : " WHERE ");
    mrr_sql_col(pStr, azCol[i]);
    sqlite3_str_appendall(pStr, " IS NOT NULL");
  }
  return sx_source_prepare(p->db, s->zModule, pStr, &p->pLastScan, pzErr);
}

/* Reads the next cell of the period-column scan (preparing it on first
** use) into iLatest; at the end of the source, finishes the scan. */
static int mrr_last_scan_step(MrrStream *p, char **pzErr) {
  if (p->pLastScan == 0) {
    int rc = mrr_last_scan_prepare(p, pzErr);
    if (rc != SQLITE_OK)
      return rc;
  }
  int rc = sqlite3_step(p->pLastScan);
  if (rc == SQLITE_ROW) {
    sqlite3_int64 idx;
    if (mrr_period_read(&p->cache, sqlite3_column_value(p->pLastScan, 0),
                        p->pSpec->grain, &idx) == SX_OK &&
        idx > p->iLatest) {
      p->iLatest = idx;
    }
    return SQLITE_OK;
  }
  if (rc != SQLITE_DONE)
    return mrr_read_error(p, rc, pzErr);
  sqlite3_finalize(p->pLastScan);
  p->pLastScan = 0;
  p->bLastScanDone = 1;
  return SQLITE_OK;
}

/* Rule (8): *pbAfter = 1 when some counted row of the source has a period
** later than iPeriod. Answered from the latest period seen so far (by the
** main read and by the scan) when that is later; else the scan of the
** period column goes on from where it stopped, until it reads a later
** period or the end of the source. Cells that are not periods are skipped:
** the main read reports them when they belong to a key it reads. */
static int mrr_period_after(MrrStream *p, sqlite3_int64 iPeriod, int *pbAfter,
                            char **pzErr) {
  while (p->iLatest <= iPeriod && !p->bLastScanDone) {
    int rc = mrr_last_scan_step(p, pzErr);
    if (rc != SQLITE_OK)
      return rc;
  }
  *pbAfter = p->iLatest > iPeriod;
  return SQLITE_OK;
}

int mrr_stream_start(MrrStream *p, sqlite3 *db, const MrrSpec *pSpec,
                     sqlite3_value *pKeyEq, char **pzErr) {
  int rc = SQLITE_OK;
  int bKeyEq = pKeyEq != 0;
  p->pSpec = pSpec;
  p->db = db;
  p->bEof = 1;
  p->nMove = 0;
  if (!p->bStarted) {
    mrr_period_cache_init(&p->cache);
    p->iLatest = -1; /* before any period: they start at 0 (year 0000) */
    p->bStarted = 1;
  }
  if (p->src.pStmt && p->bKeyEq != bKeyEq) {
    sqlite3_finalize(p->src.pStmt);
    p->src.pStmt = 0;
  }
  if (p->src.pStmt == 0) {
    const char *azCol[] = {pSpec->zPeriod, pSpec->zValue};
    sqlite3_str *pStr = sqlite3_str_new(db);
    mrr_sql_by_key(pStr, &pSpec->src, pSpec->zKey, azCol, 2, bKeyEq);
    rc = sx_source_prepare(db, pSpec->zModule, pStr, &p->src.pStmt, pzErr);
    if (rc != SQLITE_OK)
      return rc;
    p->bKeyEq = bKeyEq;
  }
  rc = mrr_group_start(&p->src, pKeyEq);
  if (rc != SQLITE_OK)
    return mrr_read_error(p, rc, pzErr);
  p->bEof = 0;
  return SQLITE_OK;
}

/* Reads the current source row into aRow when it counts (5), (9). */
static int mrr_read_row(MrrStream *p, char **pzErr) {
  const MrrSpec *s = p->pSpec;
  sqlite3_value *pPeriod = sqlite3_column_value(p->src.pStmt, 1);
  sqlite3_value *pValue = sqlite3_column_value(p->src.pStmt, 2);
  sqlite3_int64 idx;
  double value;
  int rc = sx_number(pValue, &value);
  if (rc == SX_NULL)
    return SQLITE_OK; /* (9) */
  switch (mrr_period_read(&p->cache, pPeriod, s->grain, &idx)) {
  case SX_NULL:
    return SQLITE_OK; /* (9) */
  case SX_INVALID:
    return mrr_cell_error(p, s->zPeriod, MRR_PERIOD_INVALID_MSG, pPeriod,
                          pzErr); /* (4) */
  }
  if (rc != SX_OK) {
    return mrr_cell_error(p, s->zValue, "must be a number", pValue, pzErr);
  }
  if (value < 0) {
    return mrr_cell_error(p, s->zValue, "must not be negative", pValue, pzErr);
  }
  if (sx_grow((void **)&p->aRow, &p->nRowAlloc, p->nRow + 1, sizeof(MrrRow))) {
    return SQLITE_NOMEM;
  }
  if (idx > p->iLatest)
    p->iLatest = idx; /* a counted row (8) */
  MrrRow *pRow = &p->aRow[p->nRow];
  pRow->period = idx;
  pRow->value = value + 0.0; /* -0.0 is 0 */
  pRow->seq = p->nRow++;
  return SQLITE_OK;
}

/* Reads every row of the key the source is on into aRow. */
static int mrr_read_key(MrrStream *p, char **pzErr) {
  sqlite3_value_free(p->pKey);
  p->pKey = sqlite3_value_dup(sqlite3_column_value(p->src.pStmt, 0));
  if (p->pKey == 0)
    return SQLITE_NOMEM;
  p->nRow = 0;
  do {
    int rc = mrr_read_row(p, pzErr);
    if (rc != SQLITE_OK)
      return rc;
    rc = mrr_group_step(&p->src);
    if (rc != SQLITE_OK)
      return mrr_read_error(p, rc, pzErr);
  } while (mrr_group_at(&p->src, p->pKey));
  return SQLITE_OK;
}

static int mrr_row_compare(const void *a, const void *b) {
  const MrrRow *x = a, *y = b;
  if (x->period != y->period)
    return x->period < y->period ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts aRow by period, then reading order (so sums do not depend on the
** sort); usually a check that finds it sorted already. */
static void mrr_sort_rows(MrrStream *p) {
  for (sqlite3_int64 i = 1; i < p->nRow; i++) {
    if (p->aRow[i].period < p->aRow[i - 1].period) {
      qsort(p->aRow, (size_t)p->nRow, sizeof(MrrRow), mrr_row_compare);
      return;
    }
  }
}

static int mrr_emit(MrrStream *p, sqlite3_int64 period, double prev, double mrr,
                    MrrKind kind) {
  if (sx_grow((void **)&p->aMove, &p->nMoveAlloc, p->nMove + 1,
              sizeof(MrrMove))) {
    return SQLITE_NOMEM;
  }
  MrrMove *m = &p->aMove[p->nMove++];
  m->period = period;
  m->prev = prev;
  m->mrr = mrr;
  m->kind = kind;
  return SQLITE_OK;
}

/* Walks the sorted rows once and emits the key's movements (6)-(8). */
static int mrr_build_moves(MrrStream *p, char **pzErr) {
  double prev = 0;
  int bWas = 0, rc = SQLITE_OK;
  sqlite3_int64 i = 0, iLastPeriod = 0;
  p->nMove = 0;
  mrr_sort_rows(p);
  while (i < p->nRow && rc == SQLITE_OK) {
    sqlite3_int64 period = p->aRow[i].period;
    double mrr = 0;
    for (; i < p->nRow && p->aRow[i].period == period; i++) {
      mrr += p->aRow[i].value; /* (5) */
    }
    if (prev > 0 && period > iLastPeriod + 1) {
      /* (6) a gap: the period after the last active one is a churn */
      rc = mrr_emit(p, iLastPeriod + 1, prev, 0, MRR_CHURN);
      prev = 0;
    }
    MrrKind kind = mrr_kind(prev, mrr, bWas);
    if (rc == SQLITE_OK && kind != MRR_NONE) {
      rc = mrr_emit(p, period, prev, mrr, kind); /* (7) */
    }
    bWas = bWas || mrr > 0;
    prev = mrr;
    iLastPeriod = period;
  }
  if (rc == SQLITE_OK && prev > 0) {
    int bAfter = 0;
    rc = mrr_period_after(p, iLastPeriod, &bAfter, pzErr);
    if (rc == SQLITE_OK && bAfter)
      rc = mrr_emit(p, iLastPeriod + 1, prev, 0, MRR_CHURN); /* (7), (8) */
  }
  return rc;
}

int mrr_stream_next(MrrStream *p, char **pzErr) {
  p->nMove = 0;
  while (p->nMove == 0) {
    if (!p->src.bRow) {
      p->bEof = 1;
      return SQLITE_OK;
    }
    int rc = mrr_read_key(p, pzErr);
    if (rc == SQLITE_OK)
      rc = mrr_build_moves(p, pzErr);
    if (rc != SQLITE_OK)
      return rc;
  }
  return SQLITE_OK;
}

void mrr_stream_free(MrrStream *p) {
  sqlite3_finalize(p->src.pStmt);
  sqlite3_finalize(p->pLastScan);
  sqlite3_value_free(p->pKey);
  sqlite3_free(p->aRow);
  sqlite3_free(p->aMove);
  memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------ */
/* mrr_movement() (1), (2)                                             */
/* ------------------------------------------------------------------ */

/* Reads an MRR argument: a number (2), not negative. NULL gives SX_NULL;
** on SX_INVALID the error is set. */
static int mrr_arg_mrr(sqlite3_context *ctx, const char *zFunc,
                       const char *zWhat, sqlite3_value *pVal, double *pOut) {
  int rc = sx_arg_number(ctx, zFunc, zWhat, pVal, pOut);
  if (rc == SX_OK && *pOut < 0) {
    sx_error_value(ctx, zFunc, pVal, "%s must not be negative", zWhat);
    return SX_INVALID;
  }
  return rc;
}

static void mrr_movement_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  static const char zFunc[] = "mrr_movement";
  double prev = 0, mrr = 0, was = 0;
  int rc = mrr_arg_mrr(ctx, zFunc, "prev_mrr", argv[0], &prev);
  if (rc == SX_INVALID)
    return;
  rc = mrr_arg_mrr(ctx, zFunc, "mrr", argv[1], &mrr);
  if (rc == SX_INVALID)
    return;
  if (argc > 2 &&
      sx_arg_number(ctx, zFunc, "was_customer", argv[2], &was) == SX_INVALID) {
    return;
  }
  if (rc == SX_NULL)
    return; /* NULL mrr gives NULL */
  mrr_result_kind(ctx, mrr_kind(prev, mrr, was != 0));
}

/* ------------------------------------------------------------------ */
/* nrr(), grr() (12)                                                   */
/* ------------------------------------------------------------------ */

/* A compensated (Neumaier) sum, so that a sliding window that adds and
** removes rows does not drift. */
typedef struct MrrSum {
  double s, c;
} MrrSum;

static void mrr_sum_add(MrrSum *p, double x) {
  double t = p->s + x;
  if (fabs(p->s) >= fabs(x)) {
    p->c += (p->s - t) + x;
  } else {
    p->c += (x - t) + p->s;
  }
  p->s = t;
}

typedef struct MrrRetention {
  MrrSum start, end, kept; /* sums of start, end, min(start, end) */
  sqlite3_int64 n;         /* rows counted */
} MrrRetention;

/* Reads one row; 1 when it counts (start > 0), 0 when skipped or on error
** (then the error is set). */
static int mrr_retention_row(sqlite3_context *ctx, const char *zFunc,
                             sqlite3_value **argv, double *pStart,
                             double *pEnd) {
  int rcStart = mrr_arg_mrr(ctx, zFunc, "start_mrr", argv[0], pStart);
  if (rcStart == SX_INVALID)
    return 0;
  int rcEnd = mrr_arg_mrr(ctx, zFunc, "end_mrr", argv[1], pEnd);
  if (rcEnd == SX_INVALID)
    return 0;
  if (rcEnd == SX_NULL)
    *pEnd = 0;
  return rcStart == SX_OK && *pStart > 0;
}

static void mrr_retention_update(sqlite3_context *ctx, const char *zFunc,
                                 sqlite3_value **argv, double sign) {
  double start, end;
  MrrRetention *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!mrr_retention_row(ctx, zFunc, argv, &start, &end))
    return;
  mrr_sum_add(&p->start, sign * start);
  mrr_sum_add(&p->end, sign * end);
  mrr_sum_add(&p->kept, sign * (end < start ? end : start));
  p->n += sign > 0 ? 1 : -1;
}

static void nrr_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  mrr_retention_update(ctx, "nrr", argv, 1.0);
}
static void nrr_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  mrr_retention_update(ctx, "nrr", argv, -1.0);
}
static void grr_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  mrr_retention_update(ctx, "grr", argv, 1.0);
}
static void grr_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  mrr_retention_update(ctx, "grr", argv, -1.0);
}

/* The state, or NULL (result NULL) when no row counted. */
static MrrRetention *mrr_retention_state(sqlite3_context *ctx) {
  MrrRetention *p = sqlite3_aggregate_context(ctx, 0);
  return (p && p->n > 0) ? p : 0;
}

static void nrr_value(sqlite3_context *ctx) {
  MrrRetention *p = mrr_retention_state(ctx);
  if (p) {
    sqlite3_result_double(ctx,
                          (p->end.s + p->end.c) / (p->start.s + p->start.c));
  }
}

static void grr_value(sqlite3_context *ctx) {
  MrrRetention *p = mrr_retention_state(ctx);
  if (p) {
    double r = (p->kept.s + p->kept.c) / (p->start.s + p->start.c);
    sqlite3_result_double(ctx, r > 1 ? 1 : r); /* never above 1 */
  }
}

/* ------------------------------------------------------------------ */
/* The mrr_movements virtual table (3)-(11)                            */
/* ------------------------------------------------------------------ */

static const char zMovModule[] = "mrr_movements";
static const SxOptionSpec aMovOption[] = {MRR_SPEC_OPTIONS};

enum { MOV_KEY, MOV_PERIOD, MOV_PREV, MOV_MRR, MOV_DELTA, MOV_MOVEMENT };
static const char *const azMovOut[] = {"period", "prev_mrr", "mrr", "delta",
                                       "movement"};

typedef struct MovVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  MrrSpec spec;
} MovVtab;

typedef struct MovCursor {
  sqlite3_vtab_cursor base;
  MrrStream stream;
  sqlite3_int64 iMove; /* index in stream.aMove */
  sqlite3_int64 iRowid;
} MovCursor;

static int mov_init(sqlite3 *db, int argc, const char *const *argv,
                    sqlite3_vtab **ppVtab, char **pzErr, int bCreate) {
  SxOptions opt;
  MovVtab *pVtab = 0;
  int rc = sx_options_parse(zMovModule, aMovOption, SX_ARRAY_SIZE(aMovOption),
                            argc, argv, &opt, pzErr);
  if (rc != SQLITE_OK)
    return rc;
  pVtab = sqlite3_malloc64(sizeof(*pVtab));
  if (pVtab == 0) {
    sx_options_free(&opt);
    return SQLITE_NOMEM;
  }
  memset(pVtab, 0, sizeof(*pVtab));
  pVtab->db = db;
  rc = mrr_spec_init(&pVtab->spec, db, zMovModule, &opt, bCreate, pzErr);
  sx_options_free(&opt);
  if (rc != SQLITE_OK) {
    sqlite3_free(pVtab);
    return rc;
  }
  rc = mrr_spec_check_names(&pVtab->spec, azMovOut, SX_ARRAY_SIZE(azMovOut),
                            pzErr);
  if (rc == SQLITE_OK) {
    const char *azCol[] = {pVtab->spec.zKey, "period",  "prev_mrr", "mrr",
                           "delta",          "movement"};
    rc = sx_declare_vtab(db, azCol, SX_ARRAY_SIZE(azCol), 0, 0);
  }
  if (rc != SQLITE_OK) {
    mrr_spec_free(&pVtab->spec);
    sqlite3_free(pVtab);
    return rc;
  }
  *ppVtab = &pVtab->base;
  return SQLITE_OK;
}

/* xCreate checks the sources, xConnect does not. */
SX_VTAB_CREATE_CONNECT(mov_create, mov_connect, mov_init)

static int mov_disconnect(sqlite3_vtab *pBase) {
  MovVtab *pVtab = (MovVtab *)pBase;
  mrr_spec_free(&pVtab->spec);
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

static int mov_best_index(sqlite3_vtab *pBase, sqlite3_index_info *pInfo) {
  (void)pBase;
  return mrr_best_index(pInfo, MOV_KEY, MOV_PERIOD);
}

static int mov_open(sqlite3_vtab *pBase, sqlite3_vtab_cursor **ppCursor) {
  (void)pBase;
  MovCursor *pCur = sqlite3_malloc64(sizeof(*pCur));
  if (pCur == 0)
    return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  *ppCursor = &pCur->base;
  return SQLITE_OK;
}

static int mov_close(sqlite3_vtab_cursor *pBase) {
  MovCursor *pCur = (MovCursor *)pBase;
  mrr_stream_free(&pCur->stream);
  sqlite3_free(pCur);
  return SQLITE_OK;
}

/* Sets the vtab error from zErr (taken) and returns rc. */
static int mov_fail(sqlite3_vtab_cursor *pBase, int rc, char *zErr) {
  if (zErr)
    sx_vtab_error(pBase->pVtab, zErr);
  return rc;
}

static int mov_filter(sqlite3_vtab_cursor *pBase, int idxNum,
                      const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  (void)argc;
  MovCursor *pCur = (MovCursor *)pBase;
  MovVtab *pVtab = (MovVtab *)pBase->pVtab;
  char *zErr = 0;
  int rc = mrr_stream_start(&pCur->stream, pVtab->db, &pVtab->spec,
                            idxNum ? argv[0] : 0, &zErr);
  if (rc == SQLITE_OK)
    rc = mrr_stream_next(&pCur->stream, &zErr);
  pCur->iMove = 0;
  pCur->iRowid = 1;
  return mov_fail(pBase, rc, zErr);
}

static int mov_next(sqlite3_vtab_cursor *pBase) {
  MovCursor *pCur = (MovCursor *)pBase;
  char *zErr = 0;
  int rc = SQLITE_OK;
  pCur->iRowid++;
  if (++pCur->iMove >= pCur->stream.nMove) {
    pCur->iMove = 0;
    rc = mrr_stream_next(&pCur->stream, &zErr);
  }
  return mov_fail(pBase, rc, zErr);
}

static int mov_eof(sqlite3_vtab_cursor *pBase) {
  return ((MovCursor *)pBase)->stream.bEof;
}

static int mov_column(sqlite3_vtab_cursor *pBase, sqlite3_context *ctx,
                      int iCol) {
  MovCursor *pCur = (MovCursor *)pBase;
  const MrrMove *m = &pCur->stream.aMove[pCur->iMove];
  switch (iCol) {
  case MOV_KEY:
    sqlite3_result_value(ctx, pCur->stream.pKey);
    break;
  case MOV_PERIOD:
    mrr_result_period(ctx, m->period, pCur->stream.pSpec->grain);
    break;
  case MOV_PREV:
    sqlite3_result_double(ctx, m->prev);
    break;
  case MOV_MRR:
    sqlite3_result_double(ctx, m->mrr);
    break;
  case MOV_DELTA:
    sqlite3_result_double(ctx, m->mrr - m->prev);
    break;
  default:
    mrr_result_kind(ctx, m->kind);
  }
  return SQLITE_OK;
}

static int mov_rowid(sqlite3_vtab_cursor *pBase, sqlite3_int64 *pRowid) {
  *pRowid = ((MovCursor *)pBase)->iRowid;
  return SQLITE_OK;
}

/* Not eponymous (xCreate checks the sources), not innocuous: it reads
** tables named by its options. Read-only: no xUpdate. */
static const sqlite3_module mrrMovementsModule = {
    0,              /* iVersion */
    mov_create,     /* xCreate */
    mov_connect,    /* xConnect */
    mov_best_index, /* xBestIndex */
    mov_disconnect, /* xDisconnect */
    mov_disconnect, /* xDestroy: the sources are never touched */
    mov_open,       /* xOpen */
    mov_close,      /* xClose */
    mov_filter,     /* xFilter */
    mov_next,       /* xNext */
    mov_eof,        /* xEof */
    mov_column,     /* xColumn */
    mov_rowid,      /* xRowid */
    0,              /* xUpdate */
    0,              /* xBegin */
    0,              /* xSync */
    0,              /* xCommit */
    0,              /* xRollback */
    0,              /* xFindFunction */
    0,              /* xRename */
    0,              /* xSavepoint */
    0,              /* xRelease */
    0,              /* xRollbackTo */
    0,              /* xShadowName */
};

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static const SxFunction aRevenueFunc[] = {
    {"mrr_movement", 2, SX_PURE, mrr_movement_func, 0, 0, 0, 0},
    {"mrr_movement", 3, SX_PURE, mrr_movement_func, 0, 0, 0, 0},
    {"nrr", 2, SX_PURE, 0, nrr_step, nrr_value, nrr_value, nrr_inverse},
    {"grr", 2, SX_PURE, 0, grr_step, grr_value, grr_value, grr_inverse},
};

int sx_revenue_register(sqlite3 *db, char **pzErr) {
  int rc = sx_register_functions(db, aRevenueFunc, SX_ARRAY_SIZE(aRevenueFunc),
                                 pzErr);
  if (rc == SQLITE_OK) {
    rc = sx_register_module(db, zMovModule, &mrrMovementsModule, pzErr);
  }
  return rc;
}
