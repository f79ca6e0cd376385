/*
** churn.c -- churn classification (SPEC section 7).
**
**   SELECT churn_class(0, 1);      -- 'unexpected_avoidable'
**   SELECT churn_severity(0, 1);   -- 1 (the worst)
**   SELECT churn_expected(h.at, h.score, '2024-06-01') FROM health_history h
**    WHERE h.customer_id = 7;      -- 1: flagged in time
**   CREATE VIRTUAL TABLE churn_matrix USING churn_classification(
**     source=mrr_history, key=customer_id, period=month, value=mrr
**     [, grain='month'], health=health_history [, reasons=churn_reasons]
**     [, lead_days=30, window_days=180, include='churn,contraction']);
**
** Rules (cited in the code and tests as (n)):
**   (1) churn_class(expected, avoidable) -> 'unexpected_avoidable',
**       'expected_avoidable', 'unexpected_unavoidable',
**       'expected_unavoidable'; churn_severity(expected, avoidable) -> 1, 2,
**       3, 4 in that order (1 is the worst). NULL argument: NULL.
**   (2) expected and avoidable are 0 or 1 (numbers, SPEC 1), else
**       "churn_class(): expected must be 0 or 1, got 2".
**   (3) churn_expected(at, score, churn_date [, lead_days [, window_days]])
**       is an aggregate (and a window function): 1 when some observation
**       dated in [churn_date - window_days, churn_date - lead_days] (closed
**       at both ends) has score < 50 (band red or orange), else 0 -- also
**       when no row counted (no data: nobody saw it coming). Rows with a
**       NULL at, score or churn_date do not count; a NULL lead_days or
**       window_days takes its default: 30 and 180 days.
**   (4) at and churn_date are dates (SPEC 1); score a number in [0, 100];
**       lead_days and window_days numbers >= 0 with lead_days <=
**       window_days. Errors name the function and the argument.
**   (5) churn_classification options: those of mrr_movements (source, key,
**       period, value, grain), health (required; columns <key>, at, score),
**       reasons (columns <key>, period, reason, avoidable), lead_days (30),
**       window_days (180), include (a comma list of churn, contraction;
**       default churn). All checked at CREATE with clear errors.
**   (6) One row per churn (and, when included, contraction) movement of
**       mrr_movements over the same source and grain -- the same code, see
**       revenue.h -- in the same order (key, period). Columns <key>, period,
**       kind, lost_mrr (prev_mrr - mrr), expected, avoidable, class,
**       severity, reason.
**   (7) expected is churn_expected (3) over the key's health rows, with the
**       first day of the period as the churn date.
**   (8) avoidable comes from the reasons rows of the same key whose period,
**       normalised to the grain, is the movement's period; 1 when there is
**       none (unavoidable churn must be shown), and reason is NULL then.
**       With several rows, avoidable is 1 when any row says 1, and reason
**       the least non-NULL reason among the rows with that avoidable.
**   (9) Health rows with a NULL at or score, and reasons rows with a NULL
**       period or avoidable, are ignored; other bad cells (a date that is
**       not one, a score outside [0, 100], avoidable not 0 or 1) are errors
**       naming the column. Cells are checked for the keys that have an
**       output row.
**
** How it works. The movement stream of revenue.c (one key at a time, in key
** order) is merged with the health and reasons sources, each read once in
** the same key order ("... ORDER BY key COLLATE BINARY"): for each key with
** a churn (or contraction) movement, both side readers skip the keys below
** it and collect its rows (only the flagged health observations are kept).
** With WHERE <key> = ? the three reads are pushed down to that key. Memory
** is one key's rows, whatever the number of keys.
*/
#include "revenue.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* churn_class(), churn_severity() (1), (2)                            */
/* ------------------------------------------------------------------ */

/* Reads a 0/1 argument (2); SX_INVALID has set the error. */
static int churn_arg_flag(sqlite3_context *ctx, const char *zFunc,
                          const char *zWhat, sqlite3_value *pVal, int *pOut) {
  double x;
  int rc = sx_number(pVal, &x);
  if (rc == SX_NULL)
    return rc;
  if (rc != SX_OK || (x != 0 && x != 1)) {
    sx_error_value(ctx, zFunc, pVal, "%s must be 0 or 1", zWhat);
    return SX_INVALID;
  }
  *pOut = x != 0;
  return SX_OK;
}

static const char *const azChurnClass[] = {
    "unexpected_avoidable", "expected_avoidable", "unexpected_unavoidable",
    "expected_unavoidable"};

/* 0..3: the index of the class, severity - 1 (1). */
static int churn_quadrant(int bExpected, int bAvoidable) {
  return (bAvoidable ? 0 : 2) + (bExpected ? 1 : 0);
}

/* Reads both arguments; the quadrant, or -1 (NULL result or error). */
static int churn_args_quadrant(sqlite3_context *ctx, const char *zFunc,
                               sqlite3_value **argv) {
  int bExpected = 0, bAvoidable = 0;
  int rc1 = churn_arg_flag(ctx, zFunc, "expected", argv[0], &bExpected);
  if (rc1 == SX_INVALID)
    return -1;
  int rc2 = churn_arg_flag(ctx, zFunc, "avoidable", argv[1], &bAvoidable);
  if (rc2 == SX_INVALID || rc1 == SX_NULL || rc2 == SX_NULL)
    return -1;
  return churn_quadrant(bExpected, bAvoidable);
}

static void churn_class_func(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  (void)argc;
  int q = churn_args_quadrant(ctx, "churn_class", argv);
  if (q >= 0)
    sqlite3_result_text(ctx, azChurnClass[q], -1, SQLITE_STATIC);
}

static void churn_severity_func(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv) {
  (void)argc;
  int q = churn_args_quadrant(ctx, "churn_severity", argv);
  if (q >= 0)
    sqlite3_result_int(ctx, q + 1);
}

/* ------------------------------------------------------------------ */
/* churn_expected() (3), (4)                                           */
/* ------------------------------------------------------------------ */

#define CHURN_LEAD_DAYS 30.0
#define CHURN_WINDOW_DAYS 180.0
#define CHURN_FLAG_BELOW 50.0 /* red or orange */

/* 1 when an observation at `at` falls in the window before `churn` (3). */
static int churn_in_window(SxTime at, SxTime churn, double lead,
                           double window) {
  double days = sx_days_between(at, churn);
  return days >= lead && days <= window;
}

typedef struct ChurnExpected {
  sqlite3_int64 nFlagged; /* counted rows flagged in the window */
} ChurnExpected;

/* Reads a day count (4): a number >= 0; NULL keeps *pOut (the default). */
static int churn_arg_days(sqlite3_context *ctx, const char *zWhat,
                          sqlite3_value *pVal, double *pOut) {
  static const char zFunc[] = "churn_expected";
  double x;
  int rc = sx_arg_number(ctx, zFunc, zWhat, pVal, &x);
  if (rc == SX_OK && x < 0) {
    sx_error_value(ctx, zFunc, pVal, "%s must not be negative", zWhat);
    return SX_INVALID;
  }
  if (rc == SX_OK)
    *pOut = x;
  return rc;
}

/* Reads one row: 1 flagged, 0 not (or skipped), -1 error (set). */
static int churn_expected_row(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  static const char zFunc[] = "churn_expected";
  SxTime at = 0, churn = 0;
  double score = 0, lead = CHURN_LEAD_DAYS, window = CHURN_WINDOW_DAYS;
  int rcAt = sx_arg_date(ctx, zFunc, "at", argv[0], &at);
  if (rcAt == SX_INVALID)
    return -1;
  int rcScore = sx_arg_number(ctx, zFunc, "score", argv[1], &score);
  if (rcScore == SX_INVALID)
    return -1;
  if (rcScore == SX_OK && (score < 0 || score > 100)) {
    sx_error_got(ctx, zFunc, "score must be in [0, 100]", argv[1]);
    return -1;
  }
  int rcChurn = sx_arg_date(ctx, zFunc, "churn_date", argv[2], &churn);
  if (rcChurn == SX_INVALID)
    return -1;
  if (argc > 3 &&
      churn_arg_days(ctx, "lead_days", argv[3], &lead) == SX_INVALID) {
    return -1;
  }
  if (argc > 4 &&
      churn_arg_days(ctx, "window_days", argv[4], &window) == SX_INVALID) {
    return -1;
  }
  if (window < lead) {
    if (argc > 4) {
      sx_error_got(ctx, zFunc, "window_days must not be less than lead_days",
                   argv[4]);
    } else {
      sx_error_got(ctx, zFunc, "lead_days must not be more than window_days",
                   argv[3]);
    }
    return -1;
  }
  if (rcAt != SX_OK || rcScore != SX_OK || rcChurn != SX_OK)
    return 0;
  return score < CHURN_FLAG_BELOW && churn_in_window(at, churn, lead, window);
}

static void churn_expected_update(sqlite3_context *ctx, int argc,
                                  sqlite3_value **argv, int delta) {
  ChurnExpected *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (churn_expected_row(ctx, argc, argv) == 1)
    p->nFlagged += delta;
}

static void churn_expected_step(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv) {
  churn_expected_update(ctx, argc, argv, 1);
}

static void churn_expected_inverse(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv) {
  churn_expected_update(ctx, argc, argv, -1);
}

static void churn_expected_value(sqlite3_context *ctx) {
  ChurnExpected *p = sqlite3_aggregate_context(ctx, 0);
  sqlite3_result_int(ctx, p && p->nFlagged > 0); /* no row: 0 (3) */
}

/* ------------------------------------------------------------------ */
/* The churn_classification virtual table (5)-(9)                      */
/* ------------------------------------------------------------------ */

static const char zChurnModule[] = "churn_classification";
static const SxOptionSpec aChurnOption[] = {
    MRR_SPEC_OPTIONS, {"health", 1},      {"reasons", 0},
    {"lead_days", 0}, {"window_days", 0}, {"include", 0},
};
enum {
  OPT_HEALTH = MRR_SPEC_NOPT,
  OPT_REASONS,
  OPT_LEAD,
  OPT_WINDOW,
  OPT_INCLUDE
};

enum {
  CH_KEY,
  CH_PERIOD,
  CH_KIND,
  CH_LOST,
  CH_EXPECTED,
  CH_AVOIDABLE,
  CH_CLASS,
  CH_SEVERITY,
  CH_REASON
};
static const char *const azChurnOut[] = {"period",   "kind",      "lost_mrr",
                                         "expected", "avoidable", "class",
                                         "severity", "reason"};

typedef struct ChurnVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  MrrSpec spec;
  SxSource health;
  SxSource reasons; /* zTable NULL: no reasons option */
  double lead, window;
  unsigned kindMask; /* bit (1 << MrrKind) for each included kind */
} ChurnVtab;

/* One reasons row of the current key. */
typedef struct ChurnReason {
  sqlite3_int64 period;
  int avoidable;
  sqlite3_value *pReason; /* a copy, NULL when the cell is NULL */
} ChurnReason;

/* One output row of the current key. */
typedef struct ChurnOut {
  const MrrMove *pMove;
  int expected, avoidable;
  sqlite3_value *pReason; /* borrowed from aReason, or NULL */
} ChurnOut;

typedef struct ChurnCursor {
  sqlite3_vtab_cursor base;
  MrrStream stream;
  MrrGroup health, reasons; /* side readers, merged by key */
  int bSidePrepared, bSideKeyEq;
  SxTime *aFlag; /* the key's health observations with score < 50 */
  sqlite3_int64 nFlag, nFlagAlloc;
  ChurnReason *aReason;
  sqlite3_int64 nReason, nReasonAlloc;
  ChurnOut *aOut;
  sqlite3_int64 nOut, nOutAlloc, iOut;
  sqlite3_int64 iRowid;
  int bEof;
} ChurnCursor;

/* Option lead_days / window_days: a number >= 0. */
static int churn_parse_days(const char *zOpt, const char *zValue, double *pOut,
                            char **pzErr) {
  if (zValue == 0)
    return SQLITE_OK;
  if (sx_parse_number(zValue, -1, pOut) != SX_OK || *pOut < 0) {
    *pzErr = sqlite3_mprintf("%s: option %s: must be a number >= 0, got '%q'",
                             zChurnModule, zOpt, zValue);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* Option include: a comma list of churn and contraction. */
static int churn_parse_include(const char *zValue, unsigned *pMask,
                               char **pzErr) {
  *pMask = 1u << MRR_CHURN;
  if (zValue == 0)
    return SQLITE_OK;
  *pMask = 0;
  for (const char *z = zValue; *z;) {
    const char *zEnd = strchr(z, ',');
    int n = zEnd ? (int)(zEnd - z) : (int)strlen(z);
    const char *zItem = z;
    int nItem = n;
    while (nItem > 0 && zItem[0] == ' ')
      zItem++, nItem--;
    while (nItem > 0 && zItem[nItem - 1] == ' ')
      nItem--;
    if (nItem == 5 && sqlite3_strnicmp(zItem, "churn", 5) == 0) {
      *pMask |= 1u << MRR_CHURN;
    } else if (nItem == 11 && sqlite3_strnicmp(zItem, "contraction", 11) == 0) {
      *pMask |= 1u << MRR_CONTRACTION;
    } else {
      *pzErr = sqlite3_mprintf("%s: option include: must list churn and/or "
                               "contraction, got '%q'",
                               zChurnModule, zValue);
      return SQLITE_ERROR;
    }
    z += n + (zEnd != 0);
  }
  return SQLITE_OK;
}

/* Reads the options of this module beyond the movement ones (5). */
static int churn_parse_options(ChurnVtab *pVtab, const SxOptions *pOpt,
                               int bCheck, char **pzErr) {
  int rc;
  pVtab->lead = CHURN_LEAD_DAYS;
  pVtab->window = CHURN_WINDOW_DAYS;
  rc = churn_parse_days("lead_days", pOpt->azValue[OPT_LEAD], &pVtab->lead,
                        pzErr);
  if (rc == SQLITE_OK) {
    rc = churn_parse_days("window_days", pOpt->azValue[OPT_WINDOW],
                          &pVtab->window, pzErr);
  }
  if (rc == SQLITE_OK && pVtab->window < pVtab->lead) {
    const char *zWindow = pOpt->azValue[OPT_WINDOW];
    if (zWindow) {
      *pzErr = sqlite3_mprintf("%s: option window_days: must not be less "
                               "than lead_days, got '%q'",
                               zChurnModule, zWindow);
    } else {
      *pzErr = sqlite3_mprintf("%s: option lead_days: must not be more than "
                               "window_days, got '%q'",
                               zChurnModule, pOpt->azValue[OPT_LEAD]);
    }
    rc = SQLITE_ERROR;
  }
  if (rc == SQLITE_OK) {
    rc = churn_parse_include(pOpt->azValue[OPT_INCLUDE], &pVtab->kindMask,
                             pzErr);
  }
  if (rc == SQLITE_OK) {
    rc = sx_source_init(&pVtab->health, pOpt->azValue[OPT_HEALTH],
                        pOpt->bQuoted[OPT_HEALTH]);
  }
  if (rc == SQLITE_OK && pOpt->azValue[OPT_REASONS]) {
    rc = sx_source_init(&pVtab->reasons, pOpt->azValue[OPT_REASONS],
                        pOpt->bQuoted[OPT_REASONS]);
  }
  if (rc == SQLITE_OK && bCheck) {
    const char *azHealth[] = {pVtab->spec.zKey, "at", "score"};
    const char *azHealthOpt[] = {"health", "health", "health"};
    rc = sx_source_check(pVtab->db, zChurnModule, "health", &pVtab->health,
                         azHealth, azHealthOpt, 3, pzErr);
    if (rc == SQLITE_OK && pVtab->reasons.zTable) {
      const char *azReasons[] = {pVtab->spec.zKey, "period", "reason",
                                 "avoidable"};
      const char *azReasonsOpt[] = {"reasons", "reasons", "reasons", "reasons"};
      rc = sx_source_check(pVtab->db, zChurnModule, "reasons", &pVtab->reasons,
                           azReasons, azReasonsOpt, 4, pzErr);
    }
  }
  return rc;
}

static void churn_vtab_free(ChurnVtab *pVtab) {
  mrr_spec_free(&pVtab->spec);
  sx_source_free(&pVtab->health);
  sx_source_free(&pVtab->reasons);
  sqlite3_free(pVtab);
}

static int churn_init(sqlite3 *db, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr, int bCreate) {
  SxOptions opt;
  int rc =
      sx_options_parse(zChurnModule, aChurnOption, SX_ARRAY_SIZE(aChurnOption),
                       argc, argv, &opt, pzErr);
  if (rc != SQLITE_OK)
    return rc;
  ChurnVtab *pVtab = sqlite3_malloc64(sizeof(*pVtab));
  if (pVtab == 0) {
    sx_options_free(&opt);
    return SQLITE_NOMEM;
  }
  memset(pVtab, 0, sizeof(*pVtab));
  pVtab->db = db;
  rc = mrr_spec_init(&pVtab->spec, db, zChurnModule, &opt, bCreate, pzErr);
  if (rc == SQLITE_OK)
    rc = churn_parse_options(pVtab, &opt, bCreate, pzErr);
  sx_options_free(&opt);
  if (rc == SQLITE_OK) {
    rc = mrr_spec_check_names(&pVtab->spec, azChurnOut,
                              SX_ARRAY_SIZE(azChurnOut), pzErr);
  }
  if (rc == SQLITE_OK) {
    const char *azCol[] = {pVtab->spec.zKey, "period",   "kind",
                           "lost_mrr",       "expected", "avoidable",
                           "class",          "severity", "reason"};
    rc = sx_declare_vtab(db, azCol, SX_ARRAY_SIZE(azCol), 0, 0);
  }
  if (rc != SQLITE_OK) {
    churn_vtab_free(pVtab);
    return rc;
  }
  *ppVtab = &pVtab->base;
  return SQLITE_OK;
}

/* xCreate checks the sources, xConnect does not. */
SX_VTAB_CREATE_CONNECT(churn_create, churn_connect, churn_init)

static int churn_disconnect(sqlite3_vtab *pBase) {
  churn_vtab_free((ChurnVtab *)pBase);
  return SQLITE_OK;
}

static int churn_best_index(sqlite3_vtab *pBase, sqlite3_index_info *pInfo) {
  (void)pBase;
  return mrr_best_index(pInfo, CH_KEY, CH_PERIOD);
}

static int churn_open(sqlite3_vtab *pBase, sqlite3_vtab_cursor **ppCursor) {
  (void)pBase;
  ChurnCursor *pCur = sqlite3_malloc64(sizeof(*pCur));
  if (pCur == 0)
    return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  pCur->bEof = 1;
  *ppCursor = &pCur->base;
  return SQLITE_OK;
}

static void churn_free_reasons(ChurnCursor *pCur) {
  for (sqlite3_int64 i = 0; i < pCur->nReason; i++) {
    sqlite3_value_free(pCur->aReason[i].pReason);
  }
  pCur->nReason = 0;
}

static int churn_close(sqlite3_vtab_cursor *pBase) {
  ChurnCursor *pCur = (ChurnCursor *)pBase;
  mrr_stream_free(&pCur->stream);
  sqlite3_finalize(pCur->health.pStmt);
  sqlite3_finalize(pCur->reasons.pStmt);
  churn_free_reasons(pCur);
  sqlite3_free(pCur->aReason);
  sqlite3_free(pCur->aFlag);
  sqlite3_free(pCur->aOut);
  sqlite3_free(pCur);
  return SQLITE_OK;
}

/* "churn_classification: cannot read source: <error>" after a failed step
** of a side reader. */
static int churn_read_error(ChurnVtab *pVtab, int rc, char **pzErr) {
  if (rc == SQLITE_NOMEM)
    return rc;
  *pzErr = sqlite3_mprintf("%s: cannot read source: %s", zChurnModule,
                           sqlite3_errmsg(pVtab->db));
  return SQLITE_ERROR;
}

static int churn_cell_error(const SxSource *pSrc, const char *zCol,
                            const char *zWhat, sqlite3_value *pVal,
                            char **pzErr) {
  *pzErr = sx_cell_error(zChurnModule, pSrc, zCol, zWhat, pVal);
  return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Prepares the side readers (health, reasons) for a full scan or a pushed
** down key, unless already prepared that way. */
static int churn_prepare_sides(ChurnCursor *pCur, ChurnVtab *pVtab, int bKeyEq,
                               char **pzErr) {
  static const char *const azHealth[] = {"at", "score"};
  static const char *const azReasons[] = {"period", "reason", "avoidable"};
  int rc = SQLITE_OK;
  if (pCur->bSidePrepared && pCur->bSideKeyEq == bKeyEq)
    return SQLITE_OK;
  sqlite3_finalize(pCur->health.pStmt);
  sqlite3_finalize(pCur->reasons.pStmt);
  pCur->health.pStmt = pCur->reasons.pStmt = 0;
  pCur->bSidePrepared = 0;
  sqlite3_str *pStr = sqlite3_str_new(pVtab->db);
  mrr_sql_by_key(pStr, &pVtab->health, pVtab->spec.zKey, azHealth, 2, bKeyEq);
  rc = sx_source_prepare(pVtab->db, zChurnModule, pStr, &pCur->health.pStmt,
                         pzErr);
  if (rc == SQLITE_OK && pVtab->reasons.zTable) {
    pStr = sqlite3_str_new(pVtab->db);
    mrr_sql_by_key(pStr, &pVtab->reasons, pVtab->spec.zKey, azReasons, 3,
                   bKeyEq);
    rc = sx_source_prepare(pVtab->db, zChurnModule, pStr, &pCur->reasons.pStmt,
                           pzErr);
  }
  if (rc == SQLITE_OK) {
    pCur->bSidePrepared = 1;
    pCur->bSideKeyEq = bKeyEq;
  }
  return rc;
}

/* Reads the current key's health rows; keeps the flagged dates (7), (9). */
static int churn_read_health(ChurnCursor *pCur, ChurnVtab *pVtab,
                             char **pzErr) {
  sqlite3_value *pKey = pCur->stream.pKey;
  sqlite3_stmt *pStmt = pCur->health.pStmt;
  int bMatch, rc = mrr_group_seek(&pCur->health, pKey, &bMatch);
  pCur->nFlag = 0;
  while (rc == SQLITE_OK && bMatch) {
    sqlite3_value *pAt = sqlite3_column_value(pStmt, 1);
    sqlite3_value *pScore = sqlite3_column_value(pStmt, 2);
    SxTime at;
    double score;
    if (sqlite3_value_type(pAt) != SQLITE_NULL &&
        sqlite3_value_type(pScore) != SQLITE_NULL) {
      if (sx_date(pAt, &at) != SX_OK) {
        return churn_cell_error(&pVtab->health, "at", "must be a date", pAt,
                                pzErr);
      }
      if (sx_number(pScore, &score) != SX_OK || score < 0 || score > 100) {
        return churn_cell_error(&pVtab->health, "score",
                                "must be a number in [0, 100]", pScore, pzErr);
      }
      if (score < CHURN_FLAG_BELOW) {
        if (sx_grow((void **)&pCur->aFlag, &pCur->nFlagAlloc, pCur->nFlag + 1,
                    sizeof(SxTime))) {
          return SQLITE_NOMEM;
        }
        pCur->aFlag[pCur->nFlag++] = at;
      }
    }
    rc = mrr_group_step(&pCur->health);
    bMatch = rc == SQLITE_OK && mrr_group_at(&pCur->health, pKey);
  }
  return rc == SQLITE_OK ? rc : churn_read_error(pVtab, rc, pzErr);
}

/* Appends the reasons row the reader is on, when it counts (8), (9). */
static int churn_add_reason(ChurnCursor *pCur, ChurnVtab *pVtab, char **pzErr) {
  sqlite3_stmt *pStmt = pCur->reasons.pStmt;
  sqlite3_value *pPeriod = sqlite3_column_value(pStmt, 1);
  sqlite3_value *pAvoidable = sqlite3_column_value(pStmt, 3);
  sqlite3_int64 period;
  double avoidable;
  if (sqlite3_value_type(pPeriod) == SQLITE_NULL ||
      sqlite3_value_type(pAvoidable) == SQLITE_NULL) {
    return SQLITE_OK;
  }
  if (mrr_period_index(pPeriod, pVtab->spec.grain, &period) != SX_OK) {
    return churn_cell_error(&pVtab->reasons, "period", MRR_PERIOD_INVALID_MSG,
                            pPeriod, pzErr);
  }
  if (sx_number(pAvoidable, &avoidable) != SX_OK ||
      (avoidable != 0 && avoidable != 1)) {
    return churn_cell_error(&pVtab->reasons, "avoidable", "must be 0 or 1",
                            pAvoidable, pzErr);
  }
  if (sx_grow((void **)&pCur->aReason, &pCur->nReasonAlloc, pCur->nReason + 1,
              sizeof(ChurnReason))) {
    return SQLITE_NOMEM;
  }
  ChurnReason *r = &pCur->aReason[pCur->nReason];
  sqlite3_value *pReason = sqlite3_column_value(pStmt, 2);
  r->period = period;
  r->avoidable = avoidable != 0;
  r->pReason = 0;
  if (sqlite3_value_type(pReason) != SQLITE_NULL) {
    r->pReason = sqlite3_value_dup(pReason);
    if (r->pReason == 0)
      return SQLITE_NOMEM;
  }
  pCur->nReason++;
  return SQLITE_OK;
}

/* Reads the current key's reasons rows. */
static int churn_read_reasons(ChurnCursor *pCur, ChurnVtab *pVtab,
                              char **pzErr) {
  sqlite3_value *pKey = pCur->stream.pKey;
  int bMatch, rc;
  churn_free_reasons(pCur);
  if (pCur->reasons.pStmt == 0)
    return SQLITE_OK;
  rc = mrr_group_seek(&pCur->reasons, pKey, &bMatch);
  while (rc == SQLITE_OK && bMatch) {
    rc = churn_add_reason(pCur, pVtab, pzErr);
    if (rc != SQLITE_OK)
      return rc;
    rc = mrr_group_step(&pCur->reasons);
    bMatch = rc == SQLITE_OK && mrr_group_at(&pCur->reasons, pKey);
  }
  return rc == SQLITE_OK ? rc : churn_read_error(pVtab, rc, pzErr);
}

/* expected (7): a flagged observation in the window before the period. */
static int churn_is_expected(const ChurnCursor *pCur, const ChurnVtab *pVtab,
                             sqlite3_int64 period) {
  SxTime churn = mrr_period_start(period, pVtab->spec.grain);
  for (sqlite3_int64 i = 0; i < pCur->nFlag; i++) {
    if (churn_in_window(pCur->aFlag[i], churn, pVtab->lead, pVtab->window)) {
      return 1;
    }
  }
  return 0;
}

/* avoidable and reason (8) of the movement in `period`. */
static void churn_find_reason(const ChurnCursor *pCur, sqlite3_int64 period,
                              ChurnOut *pOut) {
  int bFound = 0;
  pOut->avoidable = 1;
  pOut->pReason = 0;
  for (sqlite3_int64 i = 0; i < pCur->nReason; i++) {
    const ChurnReason *r = &pCur->aReason[i];
    if (r->period != period)
      continue;
    if (!bFound || r->avoidable > pOut->avoidable) {
      pOut->avoidable = r->avoidable;
      pOut->pReason = r->pReason;
      bFound = 1;
    } else if (r->avoidable == pOut->avoidable && r->pReason &&
               (pOut->pReason == 0 ||
                sx_value_compare(r->pReason, pOut->pReason) < 0)) {
      pOut->pReason = r->pReason;
    }
  }
}

/* Number of the current key's movements of an included kind (6). */
static sqlite3_int64 churn_count_kinds(const ChurnCursor *pCur,
                                       unsigned kindMask) {
  sqlite3_int64 n = 0;
  for (sqlite3_int64 i = 0; i < pCur->stream.nMove; i++) {
    n += (kindMask >> pCur->stream.aMove[i].kind) & 1;
  }
  return n;
}

/* Builds aOut for the current key. */
static int churn_build_rows(ChurnCursor *pCur, ChurnVtab *pVtab,
                            sqlite3_int64 nOut) {
  if (sx_grow((void **)&pCur->aOut, &pCur->nOutAlloc, nOut, sizeof(ChurnOut))) {
    return SQLITE_NOMEM;
  }
  pCur->nOut = 0;
  for (sqlite3_int64 i = 0; i < pCur->stream.nMove; i++) {
    const MrrMove *m = &pCur->stream.aMove[i];
    if (!((pVtab->kindMask >> m->kind) & 1))
      continue;
    ChurnOut *o = &pCur->aOut[pCur->nOut++];
    o->pMove = m;
    o->expected = churn_is_expected(pCur, pVtab, m->period);
    churn_find_reason(pCur, m->period, o);
  }
  return SQLITE_OK;
}

/* Moves to the next key that has an output row. */
static int churn_next_key(ChurnCursor *pCur, char **pzErr) {
  ChurnVtab *pVtab = (ChurnVtab *)pCur->base.pVtab;
  pCur->nOut = 0;
  pCur->iOut = 0;
  while (pCur->nOut == 0) {
    int rc = mrr_stream_next(&pCur->stream, pzErr);
    if (rc != SQLITE_OK)
      return rc;
    if (pCur->stream.bEof) {
      pCur->bEof = 1;
      return SQLITE_OK;
    }
    sqlite3_int64 n = churn_count_kinds(pCur, pVtab->kindMask);
    if (n == 0)
      continue;
    rc = churn_read_health(pCur, pVtab, pzErr);
    if (rc == SQLITE_OK)
      rc = churn_read_reasons(pCur, pVtab, pzErr);
    if (rc == SQLITE_OK)
      rc = churn_build_rows(pCur, pVtab, n);
    if (rc != SQLITE_OK)
      return rc;
  }
  return SQLITE_OK;
}

static int churn_fail(sqlite3_vtab_cursor *pBase, int rc, char *zErr) {
  if (zErr)
    sx_vtab_error(pBase->pVtab, zErr);
  return rc;
}

static int churn_filter(sqlite3_vtab_cursor *pBase, int idxNum,
                        const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  (void)argc;
  ChurnCursor *pCur = (ChurnCursor *)pBase;
  ChurnVtab *pVtab = (ChurnVtab *)pBase->pVtab;
  sqlite3_value *pKeyEq = idxNum ? argv[0] : 0;
  char *zErr = 0;
  pCur->bEof = 1;
  pCur->iRowid = 1;
  int rc =
      mrr_stream_start(&pCur->stream, pVtab->db, &pVtab->spec, pKeyEq, &zErr);
  if (rc == SQLITE_OK)
    rc = churn_prepare_sides(pCur, pVtab, pKeyEq != 0, &zErr);
  if (rc == SQLITE_OK)
    rc = mrr_group_start(&pCur->health, pKeyEq);
  if (rc == SQLITE_OK && pCur->reasons.pStmt) {
    rc = mrr_group_start(&pCur->reasons, pKeyEq);
  }
  if (rc != SQLITE_OK && zErr == 0)
    rc = churn_read_error(pVtab, rc, &zErr);
  if (rc == SQLITE_OK) {
    pCur->bEof = 0;
    rc = churn_next_key(pCur, &zErr);
  }
  return churn_fail(pBase, rc, zErr);
}

static int churn_next(sqlite3_vtab_cursor *pBase) {
  ChurnCursor *pCur = (ChurnCursor *)pBase;
  char *zErr = 0;
  int rc = SQLITE_OK;
  pCur->iRowid++;
  if (++pCur->iOut >= pCur->nOut)
    rc = churn_next_key(pCur, &zErr);
  return churn_fail(pBase, rc, zErr);
}

static int churn_eof(sqlite3_vtab_cursor *pBase) {
  return ((ChurnCursor *)pBase)->bEof;
}

static int churn_column(sqlite3_vtab_cursor *pBase, sqlite3_context *ctx,
                        int iCol) {
  ChurnCursor *pCur = (ChurnCursor *)pBase;
  const ChurnOut *o = &pCur->aOut[pCur->iOut];
  const MrrMove *m = o->pMove;
  switch (iCol) {
  case CH_KEY:
    sqlite3_result_value(ctx, pCur->stream.pKey);
    break;
  case CH_PERIOD:
    mrr_result_period(ctx, m->period, pCur->stream.pSpec->grain);
    break;
  case CH_KIND:
    mrr_result_kind(ctx, m->kind);
    break;
  case CH_LOST:
    sqlite3_result_double(ctx, m->prev - m->mrr);
    break;
  case CH_EXPECTED:
    sqlite3_result_int(ctx, o->expected);
    break;
  case CH_AVOIDABLE:
    sqlite3_result_int(ctx, o->avoidable);
    break;
  case CH_CLASS:
    sqlite3_result_text(ctx,
                        azChurnClass[churn_quadrant(o->expected, o->avoidable)],
                        -1, SQLITE_STATIC);
    break;
  case CH_SEVERITY:
    sqlite3_result_int(ctx, churn_quadrant(o->expected, o->avoidable) + 1);
    break;
  default:
    if (o->pReason)
      sqlite3_result_value(ctx, o->pReason);
  }
  return SQLITE_OK;
}

static int churn_rowid(sqlite3_vtab_cursor *pBase, sqlite3_int64 *pRowid) {
  *pRowid = ((ChurnCursor *)pBase)->iRowid;
  return SQLITE_OK;
}

/* Not eponymous (xCreate checks the sources), not innocuous: it reads
** tables named by its options. Read-only: no xUpdate. */
static const sqlite3_module churnClassificationModule = {
    0,                /* iVersion */
    churn_create,     /* xCreate */
    churn_connect,    /* xConnect */
    churn_best_index, /* xBestIndex */
    churn_disconnect, /* xDisconnect */
    churn_disconnect, /* xDestroy: the sources are never touched */
    churn_open,       /* xOpen */
    churn_close,      /* xClose */
    churn_filter,     /* xFilter */
    churn_next,       /* xNext */
    churn_eof,        /* xEof */
    churn_column,     /* xColumn */
    churn_rowid,      /* xRowid */
    0,                /* xUpdate */
    0,                /* xBegin */
    0,                /* xSync */
    0,                /* xCommit */
    0,                /* xRollback */
    0,                /* xFindFunction */
    0,                /* xRename */
    0,                /* xSavepoint */
    0,                /* xRelease */
    0,                /* xRollbackTo */
    0,                /* xShadowName */
};

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static const SxFunction aChurnFunc[] = {
    {"churn_class", 2, SX_PURE, churn_class_func, 0, 0, 0, 0},
    {"churn_severity", 2, SX_PURE, churn_severity_func, 0, 0, 0, 0},
    {"churn_expected", 3, SX_PURE, 0, churn_expected_step, churn_expected_value,
     churn_expected_value, churn_expected_inverse},
    {"churn_expected", 4, SX_PURE, 0, churn_expected_step, churn_expected_value,
     churn_expected_value, churn_expected_inverse},
    {"churn_expected", 5, SX_PURE, 0, churn_expected_step, churn_expected_value,
     churn_expected_value, churn_expected_inverse},
};

int sx_churn_register(sqlite3 *db, char **pzErr) {
  int rc =
      sx_register_functions(db, aChurnFunc, SX_ARRAY_SIZE(aChurnFunc), pzErr);
  if (rc == SQLITE_OK) {
    rc =
        sx_register_module(db, zChurnModule, &churnClassificationModule, pzErr);
  }
  return rc;
}
