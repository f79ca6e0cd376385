/*
** revenue.h -- the MRR movement machinery shared by revenue.c
** (mrr_movements, SPEC 6) and churn.c (churn_classification, SPEC 7).
**
**   periods   reading a period cell ('YYYY-MM' text or a date) into an
**             integer index at a grain, and back into text or a first day;
**   keys      comparing key values in SQLite's ORDER BY order (BINARY);
**   kinds     the movement between two consecutive periods' MRR;
**   MrrSpec   the options every movement table shares (source, key,
**             period, value, grain), checked at CREATE;
**   MrrStream the movements of one customer at a time, read streaming from
**             the source in key order (see revenue.c for the algorithm);
**   MrrGroup  reading the rows of one key at a time from any statement
**             ordered by key, so other sources can be merged with the
**             stream (churn.c merges health and reasons this way).
*/
#ifndef REVENUE_H
#define REVENUE_H

#include "success.h"

/* ---- periods ---------------------------------------------------------- */

typedef enum { MRR_MONTH = 0, MRR_QUARTER = 1, MRR_YEAR = 2 } MrrGrain;

/* 'month' | 'quarter' | 'year' (any case) into *pGrain; SQLITE_OK or
** SQLITE_ERROR. */
int mrr_grain_parse(const char *z, MrrGrain *pGrain);

/* Reads a period cell: 'YYYY-MM' text or a date (sx_date), in years
** 0000..9999, into the index of its period at the grain (month:
** year*12+month-1, quarter: year*4+quarter-1, year: year), so that the
** period after i is i+1. SX_OK, SX_NULL or SX_INVALID. */
int mrr_period_index(sqlite3_value *pVal, MrrGrain grain, sqlite3_int64 *pIdx);
#define MRR_PERIOD_INVALID_MSG "must be a date or 'YYYY-MM' text"

/* The period's text as the result of ctx: '2024-03', '2024-Q1' or '2024'. */
void mrr_result_period(sqlite3_context *ctx, sqlite3_int64 idx, MrrGrain grain);

/* The first day of the period, midnight. */
SxTime mrr_period_start(sqlite3_int64 idx, MrrGrain grain);

/* ---- movement kinds --------------------------------------------------- */

typedef enum {
  MRR_NONE = 0, /* both 0: no movement */
  MRR_NEW,
  MRR_EXPANSION,
  MRR_CONTRACTION,
  MRR_CHURN,
  MRR_REACTIVATION,
  MRR_FLAT
} MrrKind;

/* The movement from prev to cur (both >= 0); bWasCustomer: had MRR > 0 in
** some earlier period. */
MrrKind mrr_kind(double prev, double cur, int bWasCustomer);
/* The kind's name as the result of ctx: 'new', 'expansion', ... (NULL for
** MRR_NONE). */
void mrr_result_kind(sqlite3_context *ctx, MrrKind kind);

/* ---- options shared by the movement tables ------------------------------ */

/* The first MRR_SPEC_NOPT entries of a module's option table must be these,
** in this order. */
#define MRR_SPEC_OPTIONS                                                       \
  {"source", 1}, {"key", 1}, {"period", 1}, {"value", 1}, { "grain", 0 }
#define MRR_SPEC_NOPT 5

typedef struct MrrSpec {
  const char *zModule; /* "mrr_movements", "churn_classification" */
  SxSource src;
  char *zKey, *zPeriod, *zValue; /* column names in the source */
  MrrGrain grain;
} MrrSpec;

/* Fills pSpec from parsed options (the option table starts with
** MRR_SPEC_OPTIONS). bCheck (xCreate): checks the source and its columns.
** Errors "zModule: option grain: must be month, quarter or year, got 'x'",
** or those of sx_source_check. */
int mrr_spec_init(MrrSpec *pSpec, sqlite3 *db, const char *zModule,
                  const SxOptions *pOpt, int bCheck, char **pzErr);
void mrr_spec_free(MrrSpec *pSpec);

/* Checks that the key column's name is none of azOut[0..nOut-1] (the
** module's other output columns). */
int mrr_spec_check_names(const MrrSpec *pSpec, const char *const *azOut,
                         int nOut, char **pzErr);

/* Appends "SELECT s.<col>, ... FROM <src> AS s": columns quoted and
** qualified, so that a missing column is an error rather than a string
** (SQLite reads an unknown "name" as a string literal). */
void mrr_sql_select(sqlite3_str *pStr, const SxSource *pSrc,
                    const char *const *azCol, int nCol);

/* Appends "SELECT s.<key>, s.<col>... FROM <src> AS s WHERE s.<key> IS NOT
** NULL [AND s.<key> = ?1] ORDER BY s.<key> COLLATE BINARY": the order
** every stream is read in. azCol[0..nCol-1] (nCol <= 7) follow the key. */
void mrr_sql_by_key(sqlite3_str *pStr, const SxSource *pSrc, const char *zKey,
                    const char *const *azCol, int nCol, int bKeyEq);

/* ---- xBestIndex shared by the movement tables --------------------------- */

/* idxNum 1: an equality on the key column (iKeyCol) is pushed down to the
** source as argv[0]; idxNum 0: full scan. The constraint is not omitted, so
** SQLite re-checks it with the virtual table's own comparison (a pushed
** down equality can only return more rows, never fewer). orderByConsumed
** when ORDER BY is key, or key then period (iPeriodCol), ascending. */
int mrr_best_index(sqlite3_index_info *pInfo, int iKeyCol, int iPeriodCol);

/* ---- reading rows grouped by key ----------------------------------------- */

/* A statement whose column 0 is the key, ordered by key (mrr_sql_by_key). */
typedef struct MrrGroup {
  sqlite3_stmt *pStmt;
  int bRow; /* pStmt is on a row not consumed yet */
} MrrGroup;

/* Resets pStmt, binds pKeyEq (when not NULL) and steps to the first row. */
int mrr_group_start(MrrGroup *pGrp, sqlite3_value *pKeyEq);
/* Steps to the next row; bRow says whether there is one. */
int mrr_group_step(MrrGroup *pGrp);
/* Skips rows whose key is below pKey; then *pbMatch says whether the
** current row's key equals pKey. */
int mrr_group_seek(MrrGroup *pGrp, sqlite3_value *pKey, int *pbMatch);
/* 1 when the group is on a row whose key equals pKey. */
int mrr_group_at(const MrrGroup *pGrp, sqlite3_value *pKey);

/* ---- the movement stream ------------------------------------------------ */

/* One output movement of a customer. */
typedef struct MrrMove {
  sqlite3_int64 period;
  double prev, mrr;
  MrrKind kind;
} MrrMove;

/* One source row of the current customer (period index, value, read order). */
typedef struct MrrRow {
  sqlite3_int64 period;
  double value;
  sqlite3_int64 seq;
} MrrRow;

/* Period cells already read, by content ('YYYY-MM' text only): a source
** has few distinct periods, each read on many rows. Direct-mapped; 64
** entries keep the 24 months of two years apart. */
#define MRR_PERIOD_CACHE 64
typedef struct MrrPeriodCache {
  uint64_t aWord[MRR_PERIOD_CACHE]; /* the cell's 8 bytes with terminator */
  sqlite3_int64 aIdx[MRR_PERIOD_CACHE];
} MrrPeriodCache;

typedef struct MrrStream {
  const MrrSpec *pSpec;
  sqlite3 *db;
  MrrGroup src; /* SELECT key, period, value ... by key */
  int bKeyEq;   /* src was prepared with "key = ?" */
  int bStarted; /* cache and iLatest are set (first start) */
  MrrPeriodCache cache;
  /* Rule (8), found lazily and kept for the stream's life (one statement):
  ** the latest period of a counted row read so far, by the main read or by
  ** pLastScan (a scan of the period column, stopped where it found a
  ** period later than asked); -1 before any. After the whole scan
  ** (bLastScanDone) it is the last period of the source. */
  sqlite3_int64 iLatest;
  sqlite3_stmt *pLastScan;
  int bLastScanDone;
  sqlite3_value *pKey; /* the current customer's key */
  MrrRow *aRow;        /* its rows */
  sqlite3_int64 nRow, nRowAlloc;
  MrrMove *aMove; /* its movements */
  sqlite3_int64 nMove, nMoveAlloc;
  int bEof; /* no more customers */
} MrrStream;

/* Prepares (first call, or when pKeyEq's presence changed) and starts the
** stream; what is known of the source's last period (8) is kept for the
** stream's life (one statement). Then call mrr_stream_next for the first
** customer. Errors go to *pzErr. */
int mrr_stream_start(MrrStream *p, sqlite3 *db, const MrrSpec *pSpec,
                     sqlite3_value *pKeyEq, char **pzErr);
/* Loads the next customer with at least one movement into pKey / aMove;
** sets bEof after the last. */
int mrr_stream_next(MrrStream *p, char **pzErr);
void mrr_stream_free(MrrStream *p);

#endif /* REVENUE_H */
