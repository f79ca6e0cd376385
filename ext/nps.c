/*
** nps.c -- Net Promoter Score (SPEC section 3).
**
**   SELECT nps_category(9);                         -- 'promoter'
**   SELECT segment, nps(score) FROM nps_responses JOIN accounts USING
**     (customer_id) GROUP BY segment;               -- -100 .. 100
**   SELECT responded_at, nps(score) OVER (ORDER BY responded_at
**     ROWS BETWEEN 99 PRECEDING AND CURRENT ROW) FROM nps_responses;
**
** Rules (cited in the code as "Rule n"):
**
** (1) An NPS answer is a whole number from 0 to 10: INTEGER, REAL with no
**     fraction (9.0) or numeric TEXT ('9'). Anything else is an error:
**     "f(): score must be a number, got <v>" for non-numbers (other TEXT,
**     BLOB, +-Inf), "f(): score must be a whole number from 0 to 10, got
**     <v>" for 9.5, -1, 11.
** (2) nps_category(score) -> 'promoter' (9-10), 'passive' (7-8),
**     'detractor' (0-6); NULL gives NULL.
** (3) nps(score) -> 100 * (promoters - detractors) / responses, REAL in
**     [-100, 100]; passives count in responses. NULL answers are skipped;
**     NULL when no answer counted.
** (4) nps is a window function too: xInverse removes an answer exactly (the
**     state is three integer counts), so any frame gives the exact value.
**
** How it works: the per-row path reads an INTEGER answer directly (the
** common case) and other types through sx_number; no allocation, no
** parsing of constant text.
*/
#include "success.h"

enum { NPS_DETRACTOR, NPS_PASSIVE, NPS_PROMOTER };

/* Reads an answer (Rule 1) and sets *pCat to its category. SX_OK, SX_NULL,
** or SX_INVALID with the error set. */
static int nps_arg_category(sqlite3_context *ctx, const char *zFunc,
                            sqlite3_value *pVal, int *pCat) {
  double x;
  if (sqlite3_value_type(pVal) == SQLITE_INTEGER) {
    sqlite3_int64 i = sqlite3_value_int64(pVal);
    if (i < 0 || i > 10) {
      sx_error_got(ctx, zFunc, "score must be a whole number from 0 to 10",
                   pVal);
      return SX_INVALID;
    }
    x = (double)i;
  } else {
    int rc = sx_arg_number(ctx, zFunc, "score", pVal, &x);
    if (rc != SX_OK)
      return rc;
    if (!(x >= 0.0 && x <= 10.0) || x != (double)(int)x) {
      sx_error_got(ctx, zFunc, "score must be a whole number from 0 to 10",
                   pVal);
      return SX_INVALID;
    }
  }
  *pCat = x >= 9.0 ? NPS_PROMOTER : x >= 7.0 ? NPS_PASSIVE : NPS_DETRACTOR;
  return SX_OK;
}

/* Rule 2 */
static void nps_category_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  static const char *const azName[] = {"detractor", "passive", "promoter"};
  int cat;
  (void)argc;
  if (nps_arg_category(ctx, "nps_category", argv[0], &cat) != SX_OK)
    return;
  /* length -1: SQLite knows the text is NUL-terminated, so reading it back
  ** (unicode(), =, GROUP BY) does not copy it */
  sqlite3_result_text(ctx, azName[cat], -1, SQLITE_STATIC);
}

typedef struct NpsAgg {
  sqlite3_int64 aCount[3]; /* answers per category */
} NpsAgg;

static void nps_apply(sqlite3_context *ctx, sqlite3_value **argv, int sign) {
  NpsAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  int cat;
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (nps_arg_category(ctx, "nps", argv[0], &cat) != SX_OK)
    return;
  p->aCount[cat] += sign;
}

static void nps_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  nps_apply(ctx, argv, 1);
}

/* Rule 4 */
static void nps_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  nps_apply(ctx, argv, -1);
}

/* Rule 3 */
static void nps_value(sqlite3_context *ctx) {
  NpsAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0)
    return;
  sqlite3_int64 n = p->aCount[NPS_DETRACTOR] + p->aCount[NPS_PASSIVE] +
                    p->aCount[NPS_PROMOTER];
  if (n == 0)
    return;
  sqlite3_int64 net = p->aCount[NPS_PROMOTER] - p->aCount[NPS_DETRACTOR];
  sqlite3_result_double(ctx, 100.0 * (double)net / (double)n);
}

static const SxFunction aNpsFunc[] = {
    {"nps_category", 1, SX_PURE, nps_category_func, 0, 0, 0, 0},
    {"nps", 1, SX_PURE, 0, nps_step, nps_value, nps_value, nps_inverse},
};

int sx_nps_register(sqlite3 *db, char **pzErr) {
  return sx_register_functions(db, aNpsFunc, SX_ARRAY_SIZE(aNpsFunc), pzErr);
}
