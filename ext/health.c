/*
** health.c -- health scoring, Success Vector and score backtesting
** (SPEC section 2).
**
**   SELECT health_scale(days_since_login, 60, 0);          -- 0..100
**   SELECT customer_id, health_score(score, weight)        -- weighted mean
**     FROM scored GROUP BY customer_id;
**   SELECT health_score(score, weight, 'neutral') ...      -- NULL counts 50
**   SELECT health_band(72);                                -- 'yellow'
**   SELECT health_drivers(measure, score, weight) ...      -- JSON, why
**   SELECT health_trend(at, score), success_vector(at, score)
**     FROM health_history GROUP BY customer_id;
**   SELECT roc_auc(score, renewed), brier_score(p, renewed) FROM backtest;
**
** Rules (cited in the code as "Rule n"):
**
** (1)  health_scale(value, worst, best) = 100 * (value - worst) /
**      (best - worst), clamped to [0, 100]. worst > best means lower is
**      better. Any NULL argument gives NULL.
** (2)  health_scale(): worst = best is an error ("best must differ from
**      worst, got 5").
** (3)  Every number argument follows SPEC 1: INTEGER, REAL or numeric TEXT;
**      other TEXT, BLOB, +-Inf are "f(): <arg> must be a number, got <v>".
** (4)  A health score is in [0, 100]; any other score given to health_score,
**      health_band, health_drivers, health_trend or success_vector is
**      "f(): score must be in [0, 100], got <v>".
** (5)  health_score(score [, weight [, missing]]): Sum(w*s) / Sum(w) over the
**      counted rows. weight defaults to 1, must be >= 0 ("weight must not be
**      negative"); a row with a NULL weight is skipped.
** (6)  missing is constant TEXT: 'skip' (default; a NULL score is left out,
**      so the other weights re-spread), 'neutral' (a NULL score counts as
**      50) or 'zero' (counts as 0). Anything else is "missing must be
**      'skip', 'neutral' or 'zero', got <v>"; a value that changes between
**      rows is "missing must be the same on every row, got <v>".
** (7)  health_score is NULL when no row counted or Sum(w) = 0. A total
**      weight that overflows a double is "total weight is too large, got
**      <Sum(w)>" (health_score and health_drivers).
** (8)  health_score is a window function: xInverse removes a row exactly as
**      xStep added it, so a sliding frame gives the value of recomputing
**      the frame (within floating rounding).
** (9)  health_band(score [, orange_at, yellow_at, green_at]) -> 'green' if
**      score >= green_at, 'yellow' if >= yellow_at, 'orange' if >=
**      orange_at, else 'red'. Defaults 25, 50, 75. NULL score gives NULL.
** (10) health_band thresholds must be numbers (NULL is an error) and
**      strictly increasing within [0, 100]: "thresholds must be strictly
**      increasing within [0, 100], got 50, 25, 75".
** (11) health_drivers(measure, score [, weight]) -> JSON array: for each row
**      with a score {"measure","score","share","points","lost"} with share =
**      w / Sum(w) over rows with a score, points = share * score, lost =
**      share * (100 - score); sorted by lost descending, then measure
**      ascending (byte order), then share descending. Rows whose score is
**      NULL follow, by measure, with score/share/points/lost null. When
**      Sum(w) over rows with a score is 0, share/points/lost are null.
**      Sum(points) = health_score(score, weight).
** (12) health_drivers skips rows whose measure or weight is NULL; NULL when
**      no row counted. measure is TEXT or a number (shown as text); a BLOB
**      is "measure must be text, got x'..'".
** (13) health_trend(at, score) -> least-squares slope of score over time in
**      points per 30 days; NULL with fewer than two distinct dates. Rows
**      with a NULL date or score are skipped. at is a date (SPEC 1): bad
**      dates are "at must be a date, got <v>". Aggregate and window.
** (14) success_vector(at, score [, threshold]) -> 'improving' when the trend
**      >= threshold (default 2), 'declining' when <= -threshold, else
**      'steady'; NULL when the trend is. threshold is a constant number >
**      0: "threshold must be greater than 0, got <v>"; "threshold must be
**      the same on every row, got <v>". Aggregate and window.
** (15) roc_auc(score, outcome) -> P(score of a random outcome-1 row > score
**      of a random outcome-0 row), ties counting 1/2. score is any number;
**      outcome must be 0 or 1 ("outcome must be 0 or 1, got 2"). Rows with a
**      NULL score or outcome are skipped; NULL when either class is empty.
**      Aggregate only (it needs every row).
** (16) brier_score(probability, outcome) -> mean of (probability -
**      outcome)^2; probability in [0, 1] ("probability must be in [0, 1],
**      got 1.5"), outcome 0 or 1. NULL rows skipped; NULL when no row
**      counted. Aggregate and window.
**
** How it works
**
** health_score and brier_score keep compensated (TwoSum) sums and exact
** integer counts; the value is NULL exactly when the counts say so, and a
** frame that becomes empty resets its sums to exact zeros, so rounding never
** leaks from one frame to the next.
**
** health_trend keeps, over the counted rows, n and four exact 128-bit
** integer sums: Sum(d), Sum(d^2), Sum(S), Sum(d*S), where d is the row's
** date in integer milliseconds minus a fixed origin (the first date this
** aggregate saw) and S = round(score * 2^40) (a score to within 2^-41).
** xInverse subtracts exactly what xStep added, so any frame holds the very
** sums a recomputation would: no drift, no residue. With q = Sum(d) / n and
** r = Sum(d) % n (so Sum(d) = q*n + r, |r| < n):
**     Sxx = Sum(d^2) - Sum(d)^2 / n = I - r^2 / n,  I = Sum(d^2) - q^2*n -
*2*q*r
** where I is an exact integer. All dates are equal exactly when Sxx = 0,
** i.e. when r = 0 and I = 0: an exact test of "fewer than two distinct
** dates" that survives any sequence of xStep/xInverse. Sxy is split the
** same way, and the slope is Sxy / Sxx scaled to points per 30 days. The
** sums stay exact while they fit in 127 bits: with dates spread over the
** whole calendar (d < 2^49), up to 2^29 rows per group or frame; over a
** 30-year span (d < 2^40), up to 2^39. Without a 128-bit integer type
** (not gcc/clang on a 64-bit target) long double is used instead.
**
** roc_auc keeps the scores of the two classes in two arrays, sorts them at
** xFinal and walks them together: for each positive, the negatives below it
** count 1 and those equal to it 1/2 (kept doubled, as exact integers).
**
** health_drivers keeps one entry per row and the measure texts in one
** growing byte buffer (no allocation per row beyond amortised growth),
** sorts at xFinal and writes JSON with sx_json_number.
*/
#include "success.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Shared pieces                                                       */
/* ------------------------------------------------------------------ */

/* A compensated sum (Knuth's TwoSum per addition, the lost parts summed
** apart): adding and later subtracting the same values returns to the start
** with little or no residue, and the result hardly depends on row order. */
typedef struct HxSum {
  double s; /* running sum */
  double c; /* compensation: the low-order bits lost by s */
} HxSum;

static void hx_sum_add(HxSum *p, double x) {
  /* Knuth's TwoSum: err is exactly what s + x lost; no branch. */
  double t = p->s + x;
  double xPart = t - p->s;
  double err = (p->s - (t - xPart)) + (x - xPart);
  p->s = t;
  p->c += err;
}

/* The sum; an overflowed sum stays +-Inf (its compensation is NaN). */
static double hx_sum_value(const HxSum *p) {
  return isfinite(p->s) ? p->s + p->c : p->s;
}

/* sx_arg_number with the common cases (REAL, INTEGER, NULL) decided here:
** the per-row path of the aggregates, where a call into common.c per
** argument is measurable. Everything else (TEXT, BLOB, non-finite) goes to
** sx_arg_number, which accepts or reports it (Rule 3). */
static int hx_number(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                     sqlite3_value *pVal, double *pOut) {
  switch (sqlite3_value_type(pVal)) {
  case SQLITE_FLOAT:
    *pOut = sqlite3_value_double(pVal);
    if (isfinite(*pOut)) {
      return SX_OK;
    }
    break;
  case SQLITE_INTEGER:
    *pOut = (double)sqlite3_value_int64(pVal);
    return SX_OK;
  case SQLITE_NULL:
    return SX_NULL;
  }
  return sx_arg_number(ctx, zFunc, zWhat, pVal, pOut);
}

/* Reads a score argument (Rules 3, 4): SX_OK, SX_NULL, or SX_INVALID with
** the error set. */
static int hx_arg_score(sqlite3_context *ctx, const char *zFunc,
                        sqlite3_value *pVal, double *pOut) {
  int rc = hx_number(ctx, zFunc, "score", pVal, pOut);
  if (rc == SX_OK && !(*pOut >= 0.0 && *pOut <= 100.0)) {
    sx_error_got(ctx, zFunc, "score must be in [0, 100]", pVal);
    return SX_INVALID;
  }
  return rc;
}

/* Reads a weight argument (Rules 3, 5). */
static int hx_arg_weight(sqlite3_context *ctx, const char *zFunc,
                         sqlite3_value *pVal, double *pOut) {
  int rc = hx_number(ctx, zFunc, "weight", pVal, pOut);
  if (rc == SX_OK && *pOut < 0.0) {
    sx_error_got(ctx, zFunc, "weight must not be negative", pVal);
    return SX_INVALID;
  }
  return rc;
}

/* Reads an outcome argument, 0 or 1 (Rules 15, 16). */
static int hx_arg_outcome(sqlite3_context *ctx, const char *zFunc,
                          sqlite3_value *pVal, int *pOut) {
  double x;
  int rc = hx_number(ctx, zFunc, "outcome", pVal, &x);
  if (rc != SX_OK)
    return rc;
  if (x != 0.0 && x != 1.0) {
    sx_error_got(ctx, zFunc, "outcome must be 0 or 1", pVal);
    return SX_INVALID;
  }
  *pOut = x == 1.0;
  return SX_OK;
}

/* Reads a parameter that must be a number, NULL included (Rules 10, 14);
** 0 on success, else the error is set. */
static int hx_arg_param(sqlite3_context *ctx, const char *zFunc,
                        const char *zWhat, sqlite3_value *pVal, double *pOut) {
  if (sx_number(pVal, pOut) == SX_OK)
    return 0;
  sx_error_value(ctx, zFunc, pVal, "%s must be a number", zWhat);
  return 1;
}

/* Sets the error of Rule 7 and returns 1 when the total weight overflowed. */
static int hx_weight_overflow(sqlite3_context *ctx, const char *zFunc,
                              double sumW, double sumWS) {
  if (isfinite(sumW) && isfinite(sumWS))
    return 0;
  sx_error(ctx, zFunc, "total weight is too large, got %!.15g", sumW);
  return 1;
}

/* ------------------------------------------------------------------ */
/* health_scale (Rules 1-3)                                            */
/* ------------------------------------------------------------------ */

static void hx_scale_func(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  static const char *const azArg[] = {"value", "worst", "best"};
  double a[3];
  int bNull = 0;
  (void)argc;
  for (int i = 0; i < 3; i++) {
    int rc = hx_number(ctx, "health_scale", azArg[i], argv[i], &a[i]);
    if (rc == SX_INVALID)
      return;
    bNull |= rc == SX_NULL;
  }
  if (bNull)
    return; /* Rule 1: NULL in, NULL out */
  double value = a[0], worst = a[1], best = a[2];
  if (worst == best) {
    sx_error_got(ctx, "health_scale", "best must differ from worst", argv[2]);
    return;
  }
  /* Rule 1: clamp by comparison first, so the ends are exact 0 and 100. */
  int bUp = best > worst;
  if (bUp ? value <= worst : value >= worst) {
    sqlite3_result_double(ctx, 0.0);
  } else if (bUp ? value >= best : value <= best) {
    sqlite3_result_double(ctx, 100.0);
  } else {
    double num = value - worst, den = best - worst;
    if (!isfinite(den)) { /* a range wider than DBL_MAX: scale both */
      num = value / 2 - worst / 2;
      den = best / 2 - worst / 2;
    }
    sqlite3_result_double(ctx, 100.0 * (num / den));
  }
}

/* ------------------------------------------------------------------ */
/* health_score (Rules 5-8)                                            */
/* ------------------------------------------------------------------ */

/* The missing-score policies of Rule 6. */
enum { HX_MISSING_UNSET, HX_MISSING_SKIP, HX_MISSING_NEUTRAL, HX_MISSING_ZERO };

static const char *const azMissingName[] = {"", "skip", "neutral", "zero"};

typedef struct HxScoreAgg {
  HxSum sumWS;             /* Sum(w * s) over counted rows */
  HxSum sumW;              /* Sum(w) over counted rows */
  sqlite3_int64 nRow;      /* counted rows */
  sqlite3_int64 nPositive; /* counted rows with w > 0: Sum(w) = 0 iff none */
  int eMissing;            /* HX_MISSING_*, from the first row (Rule 6) */
} HxScoreAgg;

/* The policy named by pVal, or HX_MISSING_UNSET when it names none. */
static int hx_missing_parse(sqlite3_value *pVal) {
  if (sqlite3_value_type(pVal) != SQLITE_TEXT)
    return HX_MISSING_UNSET;
  const char *z = (const char *)sqlite3_value_text(pVal);
  int n = sqlite3_value_bytes(pVal);
  for (int e = HX_MISSING_SKIP; e <= HX_MISSING_ZERO; e++) {
    if (z && n == (int)strlen(azMissingName[e]) &&
        memcmp(z, azMissingName[e], (size_t)n) == 0) {
      return e;
    }
  }
  return HX_MISSING_UNSET;
}

/* Rule 6: reads the policy of this row into p->eMissing; 0 on success. A
** check is a few byte compares, no allocation. */
static int hx_missing_check(sqlite3_context *ctx, HxScoreAgg *p,
                            sqlite3_value *pVal) {
  int e = hx_missing_parse(pVal);
  if (e == HX_MISSING_UNSET) {
    sx_error_got(ctx, "health_score",
                 "missing must be 'skip', 'neutral' or 'zero'", pVal);
    return 1;
  }
  if (p->eMissing != HX_MISSING_UNSET && p->eMissing != e) {
    sx_error_got(ctx, "health_score", "missing must be the same on every row",
                 pVal);
    return 1;
  }
  p->eMissing = e;
  return 0;
}

/* Reads one row of health_score into (*pS, *pW). Returns SX_OK when the
** row counts, SX_NULL when it is skipped, SX_INVALID on error (set). */
static int hx_score_row(sqlite3_context *ctx, HxScoreAgg *p, int argc,
                        sqlite3_value **argv, double *pS, double *pW) {
  int eMissing = HX_MISSING_SKIP;
  *pW = 1.0;
  if (argc == 3) {
    if (hx_missing_check(ctx, p, argv[2]))
      return SX_INVALID;
    eMissing = p->eMissing;
  }
  int rcS = hx_arg_score(ctx, "health_score", argv[0], pS);
  if (rcS == SX_INVALID)
    return SX_INVALID;
  if (argc >= 2) {
    int rcW = hx_arg_weight(ctx, "health_score", argv[1], pW);
    if (rcW != SX_OK)
      return rcW; /* Rule 5: NULL weight, row skipped */
  }
  if (rcS == SX_NULL) {
    if (eMissing == HX_MISSING_SKIP)
      return SX_NULL;
    *pS = eMissing == HX_MISSING_NEUTRAL ? 50.0 : 0.0;
  }
  return SX_OK;
}

static void hx_score_step(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  HxScoreAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  double s, w;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (hx_score_row(ctx, p, argc, argv, &s, &w) != SX_OK)
    return;
  hx_sum_add(&p->sumWS, w * s);
  hx_sum_add(&p->sumW, w);
  p->nRow++;
  p->nPositive += w > 0.0;
}

/* Rule 8: removes a row exactly as hx_score_step added it. */
static void hx_score_inverse(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  HxScoreAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  double s, w;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (hx_score_row(ctx, p, argc, argv, &s, &w) != SX_OK)
    return;
  p->nRow--;
  p->nPositive -= w > 0.0;
  if (p->nRow == 0) {
    memset(&p->sumWS, 0, sizeof(p->sumWS));
    memset(&p->sumW, 0, sizeof(p->sumW));
  } else {
    hx_sum_add(&p->sumWS, -(w * s));
    hx_sum_add(&p->sumW, -w);
  }
}

static void hx_score_value(sqlite3_context *ctx) {
  HxScoreAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0 || p->nRow == 0 || p->nPositive == 0)
    return; /* Rule 7 */
  double sumW = hx_sum_value(&p->sumW), sumWS = hx_sum_value(&p->sumWS);
  if (hx_weight_overflow(ctx, "health_score", sumW, sumWS))
    return;
  double score = sumWS / sumW;
  /* rounding cannot take a mean of [0, 100] scores outside [0, 100] */
  sqlite3_result_double(ctx, score < 0.0 ? 0.0 : score > 100.0 ? 100.0 : score);
}

/* ------------------------------------------------------------------ */
/* health_band (Rules 9, 10)                                           */
/* ------------------------------------------------------------------ */

/* Rule 10: "thresholds must be strictly increasing within [0, 100], got a,
** b, c", each value shown as sx_value_repr shows it. */
static void hx_band_threshold_error(sqlite3_context *ctx,
                                    sqlite3_value **apAt) {
  char *az[3];
  for (int i = 0; i < 3; i++)
    az[i] = sx_value_repr(apAt[i]);
  if (az[0] && az[1] && az[2]) {
    sx_error(ctx, "health_band",
             "thresholds must be strictly increasing within [0, 100], "
             "got %s, %s, %s",
             az[0], az[1], az[2]);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  for (int i = 0; i < 3; i++)
    sqlite3_free(az[i]);
}

static void hx_band_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  static const char *const azArg[] = {"orange_at", "yellow_at", "green_at"};
  double at[3] = {25.0, 50.0, 75.0};
  double score;
  if (argc == 4) {
    for (int i = 0; i < 3; i++) { /* Rule 10: a threshold is never NULL */
      if (hx_arg_param(ctx, "health_band", azArg[i], argv[i + 1], &at[i])) {
        return;
      }
    }
    if (!(at[0] >= 0.0 && at[0] < at[1] && at[1] < at[2] && at[2] <= 100.0)) {
      hx_band_threshold_error(ctx, argv + 1);
      return;
    }
  }
  if (hx_arg_score(ctx, "health_band", argv[0], &score) != SX_OK)
    return;
  /* Length -1: SQLite then knows the text is NUL-terminated and a consumer
  ** reading it (unicode(), =, GROUP BY) does not copy it to add one. */
  if (score >= at[2]) {
    sqlite3_result_text(ctx, "green", -1, SQLITE_STATIC);
  } else if (score >= at[1]) {
    sqlite3_result_text(ctx, "yellow", -1, SQLITE_STATIC);
  } else if (score >= at[0]) {
    sqlite3_result_text(ctx, "orange", -1, SQLITE_STATIC);
  } else {
    sqlite3_result_text(ctx, "red", -1, SQLITE_STATIC);
  }
}

/* ------------------------------------------------------------------ */
/* health_drivers (Rules 11, 12)                                       */
/* ------------------------------------------------------------------ */

typedef struct HxDriver {
  sqlite3_int64 iText; /* offset of the measure in HxDriversAgg.aText */
  int nText;           /* its length in bytes */
  int bScore;          /* 1: score present */
  double score, weight;
  double lost, share; /* filled at xFinal */
  const char *zText;  /* filled at xFinal, once aText stops moving */
} HxDriver;

typedef struct HxDriversAgg {
  HxDriver *aDriver;
  sqlite3_int64 nDriver, nDriverAlloc;
  char *aText; /* every measure text, back to back */
  sqlite3_int64 nText, nTextAlloc;
} HxDriversAgg;

static void hx_drivers_free(HxDriversAgg *p) {
  sqlite3_free(p->aDriver);
  sqlite3_free(p->aText);
  memset(p, 0, sizeof(*p));
}

static void hx_drivers_step(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  HxDriversAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  HxDriver d = {0, 0, 0, 0.0, 1.0, 0.0, 0.0, 0};
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int eType = sqlite3_value_type(argv[0]);
  if (eType == SQLITE_BLOB) {
    sx_error_got(ctx, "health_drivers", "measure must be text", argv[0]);
    return;
  }
  int rcS = hx_arg_score(ctx, "health_drivers", argv[1], &d.score);
  if (rcS == SX_INVALID)
    return;
  if (argc == 3) {
    int rcW = hx_arg_weight(ctx, "health_drivers", argv[2], &d.weight);
    if (rcW != SX_OK)
      return; /* Rule 12: NULL weight skipped */
  }
  if (eType == SQLITE_NULL)
    return; /* Rule 12: NULL measure skipped */
  const char *z = (const char *)sqlite3_value_text(argv[0]);
  d.nText = sqlite3_value_bytes(argv[0]);
  d.bScore = rcS == SX_OK;
  d.iText = p->nText;
  if (z == 0 ||
      sx_grow((void **)&p->aText, &p->nTextAlloc, p->nText + d.nText + 1, 1) ||
      sx_grow((void **)&p->aDriver, &p->nDriverAlloc, p->nDriver + 1,
              sizeof(HxDriver))) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  memcpy(p->aText + p->nText, z, (size_t)d.nText);
  p->nText += d.nText;
  p->aDriver[p->nDriver++] = d;
}

/* Rule 11's order: rows with a score by lost desc, measure asc, share desc;
** then rows without a score by measure. */
static int hx_driver_cmp(const void *pA, const void *pB) {
  const HxDriver *a = pA, *b = pB;
  if (a->bScore != b->bScore)
    return b->bScore - a->bScore;
  if (a->bScore && a->lost != b->lost)
    return a->lost > b->lost ? -1 : 1;
  int n = a->nText < b->nText ? a->nText : b->nText;
  int c = n ? memcmp(a->zText, b->zText, (size_t)n) : 0;
  if (c)
    return c;
  if (a->nText != b->nText)
    return a->nText - b->nText;
  if (a->share != b->share)
    return a->share > b->share ? -1 : 1;
  return 0;
}

/* Appends "name":x, or "name":null when !bHave. */
static void hx_json_field(sqlite3_str *pStr, const char *zName, int bHave,
                          double x) {
  sqlite3_str_appendf(pStr, ",\"%s\":", zName);
  if (bHave) {
    sx_json_number(pStr, x);
  } else {
    sqlite3_str_appendall(pStr, "null");
  }
}

static void hx_drivers_final(sqlite3_context *ctx) {
  HxDriversAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0)
    return;
  if (p->nDriver == 0) { /* Rule 12: no row counted */
    hx_drivers_free(p);
    return;
  }
  HxSum total = {0.0, 0.0}; /* compensated: nearly independent of row order */
  for (sqlite3_int64 i = 0; i < p->nDriver; i++) {
    if (p->aDriver[i].bScore) {
      hx_sum_add(&total, p->aDriver[i].weight);
    }
  }
  double sumW = hx_sum_value(&total);
  if (hx_weight_overflow(ctx, "health_drivers", sumW, 0.0)) {
    hx_drivers_free(p);
    return;
  }
  int bShare = sumW > 0.0; /* Rule 11: Sum(w) = 0 gives null shares */
  for (sqlite3_int64 i = 0; i < p->nDriver; i++) {
    HxDriver *d = &p->aDriver[i];
    d->zText = p->aText + d->iText;
    d->share = bShare && d->bScore ? d->weight / sumW : 0.0;
    d->lost = d->share * (100.0 - d->score);
  }
  qsort(p->aDriver, (size_t)p->nDriver, sizeof(HxDriver), hx_driver_cmp);
  sqlite3_str *pStr = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_str_appendchar(pStr, 1, '[');
  for (sqlite3_int64 i = 0; i < p->nDriver; i++) {
    const HxDriver *d = &p->aDriver[i];
    int bHave = d->bScore && bShare;
    sqlite3_str_appendall(pStr, i ? ",{\"measure\":" : "{\"measure\":");
    sx_json_string(pStr, d->zText, d->nText);
    hx_json_field(pStr, "score", d->bScore, d->score);
    hx_json_field(pStr, "share", bHave, d->share);
    hx_json_field(pStr, "points", bHave, d->share * d->score);
    hx_json_field(pStr, "lost", bHave, d->lost);
    sqlite3_str_appendchar(pStr, 1, '}');
  }
  sqlite3_str_appendchar(pStr, 1, ']');
  sx_result_str(ctx, pStr);
  hx_drivers_free(p);
}

/* ------------------------------------------------------------------ */
/* health_trend and success_vector (Rules 13, 14)                      */
/* ------------------------------------------------------------------ */

/* Exact wide integers for Sum(d), Sum(d^2) (see "How it works"). */
#if defined(__SIZEOF_INT128__)
typedef __int128 HxWide;
#else
/* No 128-bit integer type: long double, exact while the sums fit in its
** mantissa (64 bits on x86). */
typedef long double HxWide;
#endif

/* An HxWide as stored in the aggregate context, which SQLite aligns to 8
** bytes only: read and written with memcpy. */
typedef struct HxWideStore {
  unsigned char a[sizeof(HxWide)];
} HxWideStore;

static HxWide hx_wide_get(const HxWideStore *p) {
  HxWide x;
  memcpy(&x, p->a, sizeof(x));
  return x;
}
static void hx_wide_set(HxWideStore *p, HxWide x) {
  memcpy(p->a, &x, sizeof(x));
}

/* Scores enter the trend sums as integers S = round(s * 2^40): exact
** integer sums, so xInverse undoes xStep exactly. 2^-41 is far below any
** meaningful difference of two health scores. */
#define HX_SCORE_UNIT 1099511627776.0 /* 2^40 */

typedef struct HxTrendAgg {
  sqlite3_int64 nRow;      /* counted rows */
  SxTime origin;           /* d = date - origin, in ms */
  int bOrigin;             /* origin set */
  int bThreshold;          /* success_vector: threshold read */
  double threshold;        /* success_vector's threshold (Rule 14) */
  HxWideStore sumD, sumD2; /* Sum(d), Sum(d^2) */
  HxWideStore sumS, sumDS; /* Sum(S), Sum(d * S) */
} HxTrendAgg;

/* Rule 14: reads the constant threshold into p; 0 on success. */
static int hx_threshold_check(sqlite3_context *ctx, HxTrendAgg *p,
                              sqlite3_value *pVal) {
  double x;
  if (hx_arg_param(ctx, "success_vector", "threshold", pVal, &x))
    return 1;
  if (!(x > 0.0)) {
    sx_error_got(ctx, "success_vector", "threshold must be greater than 0",
                 pVal);
    return 1;
  }
  if (p->bThreshold && p->threshold != x) {
    sx_error_got(ctx, "success_vector",
                 "threshold must be the same on every row", pVal);
    return 1;
  }
  p->threshold = x;
  p->bThreshold = 1;
  return 0;
}

/* Reads one row into (*pD ms from the origin, *pS). SX_OK: counts;
** SX_NULL: skipped; SX_INVALID: error set. */
static int hx_trend_row(sqlite3_context *ctx, const char *zFunc, HxTrendAgg *p,
                        int argc, sqlite3_value **argv, sqlite3_int64 *pD,
                        double *pS) {
  SxTime at;
  if (argc == 3 && hx_threshold_check(ctx, p, argv[2]))
    return SX_INVALID;
  int rcT = sx_arg_date(ctx, zFunc, "at", argv[0], &at);
  if (rcT == SX_INVALID)
    return SX_INVALID;
  int rcS = hx_arg_score(ctx, zFunc, argv[1], pS);
  if (rcS == SX_INVALID)
    return SX_INVALID;
  if (rcT == SX_NULL || rcS == SX_NULL)
    return SX_NULL; /* Rule 13 */
  if (!p->bOrigin) {
    p->origin = at;
    p->bOrigin = 1;
  }
  *pD = at - p->origin;
  return SX_OK;
}

/* Adds x to the sum held in *p. */
static void hx_wide_add(HxWideStore *p, HxWide x) {
  hx_wide_set(p, hx_wide_get(p) + x);
}

/* Adds (sign +1) or removes (sign -1) one row; exact. */
static void hx_trend_update(HxTrendAgg *p, sqlite3_int64 d, double s,
                            int sign) {
  HxWide wd = (HxWide)d;
  HxWide ws = (HxWide)llround(s * HX_SCORE_UNIT);
  p->nRow += sign;
  hx_wide_add(&p->sumD, sign * wd);
  hx_wide_add(&p->sumD2, sign * wd * wd);
  hx_wide_add(&p->sumS, sign * ws);
  hx_wide_add(&p->sumDS, sign * wd * ws);
}

static void hx_trend_apply(sqlite3_context *ctx, const char *zFunc, int argc,
                           sqlite3_value **argv, int sign) {
  HxTrendAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  sqlite3_int64 d;
  double s;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (hx_trend_row(ctx, zFunc, p, argc, argv, &d, &s) != SX_OK)
    return;
  hx_trend_update(p, d, s, sign);
}

/* The slope in points per 30 days; 0 (and *pSlope untouched) when there
** are fewer than two distinct dates (Rule 13, exact test). With
** Sum(d) = q*n + r:
**   Sxx = Sum(d^2) - Sum(d)^2/n   = (Sum(d^2) - q^2*n - 2*q*r) - r^2/n
**   Sxy = Sum(d*S) - Sum(d)*Sum(S)/n = (Sum(d*S) - q*Sum(S)) - r*Sum(S)/n
** The parenthesised parts are exact integers; |r| < n keeps the rest
** small. */
static int hx_trend_slope(const HxTrendAgg *p, double *pSlope) {
  if (p->nRow < 2) {
    return 0;
  }
  HxWide n = (HxWide)p->nRow;
  HxWide sumD = hx_wide_get(&p->sumD), sumS = hx_wide_get(&p->sumS);
#if defined(__SIZEOF_INT128__)
  HxWide q = sumD / n, r = sumD % n;
#else
  HxWide q = truncl(sumD / n), r = sumD - q * n;
#endif
  HxWide wholeXX = hx_wide_get(&p->sumD2) - q * q * n - 2 * q * r;
  if (wholeXX == 0 && r == 0) {
    return 0; /* Sxx = 0: one distinct date */
  }
  HxWide wholeXY = hx_wide_get(&p->sumDS) - q * sumS;
  double rr = (double)r, nn = (double)p->nRow;
  double sxx = (double)wholeXX - rr * (rr / nn);           /* ms^2 */
  double sxy = (double)wholeXY - rr * ((double)sumS / nn); /* ms * S */
  double perMs = sxy / sxx / HX_SCORE_UNIT;
  *pSlope = perMs * (30.0 * (double)SX_MS_PER_DAY);
  return 1;
}

static void hx_trend_step(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  hx_trend_apply(ctx, "health_trend", argc, argv, 1);
}
static void hx_trend_inverse(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  hx_trend_apply(ctx, "health_trend", argc, argv, -1);
}
static void hx_trend_value(sqlite3_context *ctx) {
  HxTrendAgg *p = sqlite3_aggregate_context(ctx, 0);
  double slope;
  if (p && hx_trend_slope(p, &slope))
    sqlite3_result_double(ctx, slope);
}

static void hx_vector_step(sqlite3_context *ctx, int argc,
                           sqlite3_value **argv) {
  hx_trend_apply(ctx, "success_vector", argc, argv, 1);
}
static void hx_vector_inverse(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  hx_trend_apply(ctx, "success_vector", argc, argv, -1);
}
static void hx_vector_value(sqlite3_context *ctx) {
  HxTrendAgg *p = sqlite3_aggregate_context(ctx, 0);
  double slope;
  if (p == 0 || !hx_trend_slope(p, &slope))
    return;
  double threshold = p->bThreshold ? p->threshold : 2.0; /* Rule 14 */
  if (slope >= threshold) {
    sqlite3_result_text(ctx, "improving", -1, SQLITE_STATIC);
  } else if (slope <= -threshold) {
    sqlite3_result_text(ctx, "declining", -1, SQLITE_STATIC);
  } else {
    sqlite3_result_text(ctx, "steady", -1, SQLITE_STATIC);
  }
}

/* ------------------------------------------------------------------ */
/* roc_auc (Rule 15)                                                   */
/* ------------------------------------------------------------------ */

typedef struct HxRocAgg {
  double *aScore[2]; /* scores of outcome-0 and outcome-1 rows */
  sqlite3_int64 nScore[2], nAlloc[2];
} HxRocAgg;

static void hx_roc_free(HxRocAgg *p) {
  for (int k = 0; k < 2; k++)
    sqlite3_free(p->aScore[k]);
  memset(p, 0, sizeof(*p));
}

static void hx_roc_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  HxRocAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  double score;
  int outcome;
  (void)argc;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int rcS = hx_number(ctx, "roc_auc", "score", argv[0], &score);
  if (rcS == SX_INVALID)
    return;
  int rcO = hx_arg_outcome(ctx, "roc_auc", argv[1], &outcome);
  if (rcO != SX_OK || rcS != SX_OK)
    return;
  if (sx_grow((void **)&p->aScore[outcome], &p->nAlloc[outcome],
              p->nScore[outcome] + 1, sizeof(double))) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  p->aScore[outcome][p->nScore[outcome]++] = score;
}

static int hx_double_cmp(const void *pA, const void *pB) {
  double a = *(const double *)pA, b = *(const double *)pB;
  return (a > b) - (a < b);
}

static void hx_roc_final(sqlite3_context *ctx) {
  HxRocAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0)
    return;
  sqlite3_int64 nNeg = p->nScore[0], nPos = p->nScore[1];
  if (nNeg > 0 && nPos > 0) {
    const double *aNeg = p->aScore[0], *aPos = p->aScore[1];
    qsort(p->aScore[0], (size_t)nNeg, sizeof(double), hx_double_cmp);
    qsort(p->aScore[1], (size_t)nPos, sizeof(double), hx_double_cmp);
    /* twice the number of (positive, negative) pairs won, ties count 1 */
    double twiceWins = 0.0;
    sqlite3_int64 iBelow = 0, iUpTo = 0;
    for (sqlite3_int64 i = 0; i < nPos; i++) {
      while (iBelow < nNeg && aNeg[iBelow] < aPos[i])
        iBelow++;
      if (iUpTo < iBelow)
        iUpTo = iBelow;
      while (iUpTo < nNeg && aNeg[iUpTo] <= aPos[i])
        iUpTo++;
      twiceWins += (double)(iBelow + iUpTo); /* 2*below + equal */
    }
    sqlite3_result_double(ctx, twiceWins / 2.0 / (double)nPos / (double)nNeg);
  }
  hx_roc_free(p);
}

/* ------------------------------------------------------------------ */
/* brier_score (Rule 16)                                               */
/* ------------------------------------------------------------------ */

typedef struct HxBrierAgg {
  HxSum sumSq;
  sqlite3_int64 nRow;
} HxBrierAgg;

static void hx_brier_apply(sqlite3_context *ctx, sqlite3_value **argv,
                           int sign) {
  HxBrierAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  double prob;
  int outcome;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int rcP = hx_number(ctx, "brier_score", "probability", argv[0], &prob);
  if (rcP == SX_INVALID)
    return;
  if (rcP == SX_OK && !(prob >= 0.0 && prob <= 1.0)) {
    sx_error_got(ctx, "brier_score", "probability must be in [0, 1]", argv[0]);
    return;
  }
  int rcO = hx_arg_outcome(ctx, "brier_score", argv[1], &outcome);
  if (rcO != SX_OK || rcP != SX_OK)
    return;
  p->nRow += sign;
  if (p->nRow == 0) {
    memset(&p->sumSq, 0, sizeof(p->sumSq));
  } else {
    double e = prob - outcome;
    hx_sum_add(&p->sumSq, sign * e * e);
  }
}

static void hx_brier_step(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  (void)argc;
  hx_brier_apply(ctx, argv, 1);
}
static void hx_brier_inverse(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  (void)argc;
  hx_brier_apply(ctx, argv, -1);
}
static void hx_brier_value(sqlite3_context *ctx) {
  HxBrierAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0 || p->nRow == 0)
    return;
  double mean = hx_sum_value(&p->sumSq) / (double)p->nRow;
  sqlite3_result_double(ctx, mean < 0.0 ? 0.0 : mean);
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

#define HX_WINDOW(name, n, pre)                                                \
  { name, n, SX_PURE, 0, pre##_step, pre##_value, pre##_value, pre##_inverse }

static const SxFunction aHealthFunc[] = {
    {"health_scale", 3, SX_PURE, hx_scale_func, 0, 0, 0, 0},
    HX_WINDOW("health_score", 1, hx_score),
    HX_WINDOW("health_score", 2, hx_score),
    HX_WINDOW("health_score", 3, hx_score),
    {"health_band", 1, SX_PURE, hx_band_func, 0, 0, 0, 0},
    {"health_band", 4, SX_PURE, hx_band_func, 0, 0, 0, 0},
    {"health_drivers", 2, SX_PURE, 0, hx_drivers_step, hx_drivers_final, 0, 0},
    {"health_drivers", 3, SX_PURE, 0, hx_drivers_step, hx_drivers_final, 0, 0},
    HX_WINDOW("health_trend", 2, hx_trend),
    HX_WINDOW("success_vector", 2, hx_vector),
    HX_WINDOW("success_vector", 3, hx_vector),
    {"roc_auc", 2, SX_PURE, 0, hx_roc_step, hx_roc_final, 0, 0},
    HX_WINDOW("brier_score", 2, hx_brier),
};

int sx_health_register(sqlite3 *db, char **pzErr) {
  return sx_register_functions(db, aHealthFunc, SX_ARRAY_SIZE(aHealthFunc),
                               pzErr);
}
