/*
** milestone.c -- milestone progression (SPEC section 5): where each customer
** stands on its onboarding journey, on any day.
**
**   SELECT milestone_status('2024-01-08', '2024-01-10', '2024-02-01');
**                                                      -- 'late'
**   CREATE VIRTUAL TABLE progress USING milestone_progress(
**     milestones=journey_steps,   -- milestone, due_day [, seq, phase, journey]
**     customers=accounts,         -- <key>, <start> [, journey]
**     events=adoption_events,     -- <key>, milestone, <at>
**     key=customer_id, start=start_date, at=at
**     [, as_of='2024-06-30']);    -- default: today, at query time
**   SELECT customer_id, journey_status(status, days_late) AS journey,
**          milestone_phase(phase, seq, status) AS stage
**   FROM progress WHERE as_of = '2024-06-30' GROUP BY customer_id;
**
** Rules (cited in the code and in tests/milestone.test as "rule (n)"):
**
** (1) milestone_status(due, achieved, as_of) is 'done' when achieved <= due,
**     'late' when achieved > due, 'overdue' when not achieved and
**     as_of > due, 'pending' when not achieved and as_of <= due.
** (2) Calendar days. as_of is a day: a time of day in it is ignored. An
**     achieved date (an event) and a customer's start count on their
**     calendar day: an event at 15:00 on the due day is 'done', an event
**     at 15:00 on the as_of day is achieved, a customer starting at 10:00 on
**     the as_of day has started. The due date keeps its exact value
**     (start + due_day).
** (3) An achieved date after the as_of day counts as not achieved.
** (4) Dates are read by the SPEC's rules (ISO-8601 text or a number read as
**     `auto`). NULL due or as_of gives NULL; NULL achieved means not
**     achieved. Anything else that is not a date is an error.
** (5) days_late (REAL days) = achieved day - due for 'late', as_of - due for
**     'overdue', else 0.
** (6) milestone_progress options: milestones, customers, events, key,
**     start, at (required) and as_of (a date). At CREATE the three sources
**     must exist with their columns (milestones: milestone, due_day;
**     customers: <key>, <start>; events: <key>, milestone, <at>), as_of
**     must be a date and <key> must not be the name of another output
**     column. Sources are read afresh by each query and never written;
**     identifiers are quoted.
** (7) The milestones source: milestone (not NULL, compared as text),
**     due_day (a number of days in [0, 1000000]); optional seq (a number),
**     phase and journey, detected at query time. Milestones are ordered by
**     seq, then due_day, then milestone; without seq by due_day then
**     milestone, and seq is the position 1, 2, ... in the journey.
** (8) Journeys: when both the milestones and the customers source have a
**     journey column, a customer follows the milestones of its journey; a
**     customer whose journey is NULL or matches no journey has no rows.
**     Otherwise every customer follows the single journey of the milestones
**     source (the journey column is its name, or NULL without a journey
**     column); a milestones source with several journeys and customers
**     without a journey column is an error.
** (9) One row per (customer, milestone of its journey) for customers whose
**     start (a date; NULL: not started, no rows) is on or before the as_of
**     day, ordered by key then seq. Columns: <key>, journey, seq,
**     milestone, phase, due_date (start + due_day), achieved_at, status,
**     days_late, and the hidden as_of.
** (10) achieved_at = the earliest event of that customer and milestone
**     whose day is on or before as_of (so duplicates: the first counts).
**     Events for unknown customers or milestones, or with a NULL milestone
**     or at, are ignored (and not checked). Keys and milestone names match
**     when equal as stored (no affinity: 5 and '5' differ; 5 and 5.0 match).
** (11) status and days_late as rules (1) to (5).
** (12) as_of: `WHERE as_of = <date>` (the hidden column) replays the
**     journeys on that day; otherwise the as_of option; otherwise today,
**     the UTC date of SQLite's 'now' (as date('now')), taken once per query.
**     A NULL as_of constraint matches nothing; a non-date is an error. The
**     value may come from a joined table (the planner runs that table
**     first); other conditions on as_of filter the rows of the default day.
** (13) `WHERE <key> = v` reads only that customer's rows from the customers
**     and events sources (the equality is pushed into their queries, so
**     their indexes serve it; v is compared by the sources' own rules).
** (14) journey_status(status, days_late [, stuck_after_days]) -- aggregate
**     and window -- 'complete' when every row is done or late, 'stuck' when
**     some row is overdue by more than stuck_after_days (default 30),
**     'behind' when some row is overdue, else 'on_track'. Rows with a NULL
**     status or days_late are skipped; NULL when no row counted.
** (15) milestone_phase(phase, seq, status) -- aggregate -- phases are
**     ordered by their smallest seq (then name); the result is the last
**     phase of the leading run of phases whose rows are all done or late,
**     NULL when the first phase is not complete or no row counted. Rows
**     with a NULL phase, seq or status are skipped.
** (16) Errors: a status that is not 'done', 'late', 'overdue' or
**     'pending'; days_late and stuck_after_days not a non-negative number;
**     seq not a number; a bad source cell names the module, column and
**     source ("milestone_progress: column at of adoption_events: must be a
**     date, got 'x'").
**
** How it works. A query loads the milestones source into memory (sorted
** journeys of steps), then walks the customers source in key order and
** merges it with the events source read in the same key order, one pass
** each (with `WHERE <key> = ?1` for a point lookup). The events of the
** current key are buffered (a customer may appear twice); each journey step
** takes the earliest matching event on or before the as_of day. A row's
** status and days_late are computed when its columns are read. The table
** keeps its source queries prepared between statements (a lookup costs a
** few index searches, not four prepares); SQLite re-prepares them after a
** schema change, and the optional columns are looked up by name at every
** query.
**
** Flags. The scalar and aggregates are pure: SX_PURE. milestone_progress
** reads user tables by name, so it is neither eponymous nor innocuous: under
** trusted_schema=OFF views and triggers cannot use it.
*/
#include "success.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MS_MODULE "milestone_progress"
#define MS_MAX_DUE_DAY 1000000.0

/* ------------------------------------------------------------------ */
/* Statuses and calendar days (rules 1-5)                              */
/* ------------------------------------------------------------------ */

enum { MS_DONE, MS_LATE, MS_OVERDUE, MS_PENDING, MS_N_STATUS };
static const char *const azMsStatus[MS_N_STATUS] = {"done", "late", "overdue",
                                                    "pending"};

/* Midnight at the start of t's calendar day (Julian days begin at noon). */
static SxTime ms_day(SxTime t) {
  SxTime r = (t + SX_MS_PER_DAY / 2) % SX_MS_PER_DAY;
  return t - (r < 0 ? r + SX_MS_PER_DAY : r);
}

/* Rules (1), (2), (3), (5): the status of a milestone due at `due`,
** achieved at `achieved` (when bAchieved), seen on the day asOfDay. */
static int ms_status(int bAchieved, SxTime achieved, SxTime due, SxTime asOfDay,
                     double *pDaysLate) {
  SxTime achievedDay = ms_day(achieved);
  *pDaysLate = 0.0;
  if (bAchieved && achievedDay <= asOfDay) {
    if (achievedDay <= due)
      return MS_DONE;
    *pDaysLate = sx_days_between(due, achievedDay);
    return MS_LATE;
  }
  if (asOfDay > due) {
    *pDaysLate = sx_days_between(due, asOfDay);
    return MS_OVERDUE;
  }
  return MS_PENDING;
}

/* The status named by pVal, or -1 (rule 16). */
static int ms_status_code(sqlite3_value *pVal) {
  if (sqlite3_value_type(pVal) != SQLITE_TEXT)
    return -1;
  const char *z = (const char *)sqlite3_value_text(pVal);
  for (int i = 0; z && i < MS_N_STATUS; i++) {
    if (strcmp(z, azMsStatus[i]) == 0)
      return i;
  }
  return -1;
}

static int ms_is_open(int status) {
  return status == MS_OVERDUE || status == MS_PENDING;
}

/* Reads the status argument of zFunc; SX_INVALID has set the error. */
static int ms_arg_status(sqlite3_context *ctx, const char *zFunc,
                         sqlite3_value *pVal, int *pStatus) {
  if (sqlite3_value_type(pVal) == SQLITE_NULL)
    return SX_NULL;
  *pStatus = ms_status_code(pVal);
  if (*pStatus < 0) {
    sx_error_got(ctx, zFunc,
                 "status must be 'done', 'late', 'overdue' or 'pending'", pVal);
    return SX_INVALID;
  }
  return SX_OK;
}

/* Reads a non-negative number argument; SX_INVALID has set the error. NULL
** is SX_NULL for a data argument, an error for a parameter (!bNullOk). */
static int ms_arg_nonneg(sqlite3_context *ctx, const char *zFunc,
                         const char *zWhat, sqlite3_value *pVal, int bNullOk,
                         double *pX) {
  int rc = sx_number(pVal, pX);
  if (rc == SX_NULL && bNullOk)
    return SX_NULL;
  if (rc != SX_OK || *pX < 0.0) {
    sx_error_value(ctx, zFunc, pVal, "%s must be a non-negative number", zWhat);
    return SX_INVALID;
  }
  return SX_OK;
}

/* milestone_status(due, achieved, as_of): rules (1)-(4). */
static void ms_status_func(sqlite3_context *ctx, int argc,
                           sqlite3_value **argv) {
  static const char *zFunc = "milestone_status";
  SxTime due = 0, achieved = 0, asOf = 0;
  double daysLate;
  (void)argc;
  int rcDue = sx_arg_date(ctx, zFunc, "due", argv[0], &due);
  if (rcDue == SX_INVALID)
    return;
  int rcAch = sx_arg_date(ctx, zFunc, "achieved", argv[1], &achieved);
  if (rcAch == SX_INVALID)
    return;
  int rcAsOf = sx_arg_date(ctx, zFunc, "as_of", argv[2], &asOf);
  if (rcAsOf == SX_INVALID)
    return;
  if (rcDue == SX_NULL || rcAsOf == SX_NULL)
    return; /* rule (4) */
  int status =
      ms_status(rcAch == SX_OK, achieved, due, ms_day(asOf), &daysLate);
  sqlite3_result_text(ctx, azMsStatus[status], -1, SQLITE_STATIC);
}

/* ------------------------------------------------------------------ */
/* journey_status (rule 14)                                            */
/* ------------------------------------------------------------------ */

typedef struct MsJourneyAgg {
  sqlite3_int64 nRow;     /* rows counted */
  sqlite3_int64 nOpen;    /* overdue or pending */
  sqlite3_int64 nOverdue; /* overdue */
  sqlite3_int64 nStuck;   /* overdue by more than stuck_after_days */
} MsJourneyAgg;

#define MS_STUCK_AFTER_DEFAULT 30.0

/* Adds (delta 1) or removes (delta -1) one row. */
static void ms_journey_add(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                           int delta) {
  static const char *zFunc = "journey_status";
  double daysLate, stuckAfter = MS_STUCK_AFTER_DEFAULT;
  int status = MS_PENDING;
  int rcS = ms_arg_status(ctx, zFunc, argv[0], &status);
  if (rcS == SX_INVALID)
    return;
  int rcD = ms_arg_nonneg(ctx, zFunc, "days_late", argv[1], 1, &daysLate);
  if (rcD == SX_INVALID)
    return;
  if (argc == 3 && ms_arg_nonneg(ctx, zFunc, "stuck_after_days", argv[2], 0,
                                 &stuckAfter) != SX_OK) {
    return;
  }
  if (rcS == SX_NULL || rcD == SX_NULL)
    return; /* skipped */
  MsJourneyAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  p->nRow += delta;
  p->nOpen += ms_is_open(status) ? delta : 0;
  p->nOverdue += status == MS_OVERDUE ? delta : 0;
  p->nStuck += status == MS_OVERDUE && daysLate > stuckAfter ? delta : 0;
}

static void ms_journey_step(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  ms_journey_add(ctx, argc, argv, 1);
}

static void ms_journey_inverse(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv) {
  ms_journey_add(ctx, argc, argv, -1);
}

static void ms_journey_value(sqlite3_context *ctx) {
  MsJourneyAgg *p = sqlite3_aggregate_context(ctx, 0);
  const char *zResult;
  if (p == 0 || p->nRow == 0)
    return;
  if (p->nStuck > 0) {
    zResult = "stuck";
  } else if (p->nOverdue > 0) {
    zResult = "behind";
  } else if (p->nOpen == 0) {
    zResult = "complete";
  } else {
    zResult = "on_track";
  }
  sqlite3_result_text(ctx, zResult, -1, SQLITE_STATIC);
}

/* ------------------------------------------------------------------ */
/* milestone_phase (rule 15)                                           */
/* ------------------------------------------------------------------ */

typedef struct MsPhase {
  char *zName;
  int nName;
  double minSeq; /* the phase's place in the journey */
  int bOpen;     /* some milestone overdue or pending */
} MsPhase;

typedef struct MsPhaseAgg {
  MsPhase *aPhase;
  sqlite3_int64 nPhase, nAlloc;
} MsPhaseAgg;

/* The phase named z[0..n-1], added when new; NULL on OOM. */
static MsPhase *ms_phase_find(MsPhaseAgg *p, const char *z, int n, double seq) {
  for (sqlite3_int64 i = 0; i < p->nPhase; i++) {
    MsPhase *ph = &p->aPhase[i];
    if (ph->nName == n && memcmp(ph->zName, z, (size_t)n) == 0)
      return ph;
  }
  if (sx_grow((void **)&p->aPhase, &p->nAlloc, p->nPhase + 1,
              sizeof(MsPhase)) != SQLITE_OK) {
    return 0;
  }
  MsPhase *ph = &p->aPhase[p->nPhase];
  ph->zName = sqlite3_mprintf("%.*s", n, z);
  if (ph->zName == 0)
    return 0;
  ph->nName = n;
  ph->minSeq = seq;
  ph->bOpen = 0;
  p->nPhase++;
  return ph;
}

static void ms_phase_step(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  static const char *zFunc = "milestone_phase";
  double seq;
  int status = MS_PENDING;
  (void)argc;
  int rcSeq = sx_arg_number(ctx, zFunc, "seq", argv[1], &seq);
  if (rcSeq == SX_INVALID)
    return;
  int rcS = ms_arg_status(ctx, zFunc, argv[2], &status);
  if (rcS == SX_INVALID)
    return;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || rcSeq == SX_NULL ||
      rcS == SX_NULL) {
    return; /* skipped */
  }
  MsPhaseAgg *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  const char *zName = (const char *)sqlite3_value_text(argv[0]);
  MsPhase *ph = p && zName
                    ? ms_phase_find(p, zName, sqlite3_value_bytes(argv[0]), seq)
                    : 0;
  if (ph == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (seq < ph->minSeq)
    ph->minSeq = seq;
  if (ms_is_open(status))
    ph->bOpen = 1;
}

static int ms_phase_cmp(const void *a, const void *b) {
  const MsPhase *x = a, *y = b;
  if (x->minSeq != y->minSeq)
    return x->minSeq < y->minSeq ? -1 : 1;
  int c = memcmp(x->zName, y->zName,
                 (size_t)(x->nName < y->nName ? x->nName : y->nName));
  return c ? c : x->nName - y->nName;
}

static void ms_phase_final(sqlite3_context *ctx) {
  MsPhaseAgg *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0)
    return;
  if (p->nPhase > 0) {
    const MsPhase *pLast = 0;
    qsort(p->aPhase, (size_t)p->nPhase, sizeof(MsPhase), ms_phase_cmp);
    for (sqlite3_int64 i = 0; i < p->nPhase && !p->aPhase[i].bOpen; i++) {
      pLast = &p->aPhase[i];
    }
    if (pLast) {
      sqlite3_result_text(ctx, pLast->zName, pLast->nName, SQLITE_TRANSIENT);
    }
  }
  for (sqlite3_int64 i = 0; i < p->nPhase; i++) {
    sqlite3_free(p->aPhase[i].zName);
  }
  sqlite3_free(p->aPhase);
}

/* ------------------------------------------------------------------ */
/* milestone_progress: the journeys (rules 7, 8)                       */
/* ------------------------------------------------------------------ */

/* One milestone of a journey. */
typedef struct MsStep {
  char *zJourney; /* NULL: no journey column, or a NULL journey */
  char *zMilestone;
  int nMilestone;
  char *zPhase; /* NULL: no phase column, or a NULL phase */
  double seq;
  SxTime dueMs; /* due_day in milliseconds */
} MsStep;

/* The steps aStep[iFirst .. iFirst+nStep-1] of one journey. */
typedef struct MsJourney {
  const char *zName;
  int iFirst, nStep;
} MsJourney;

/* The milestones source, loaded for one query. */
typedef struct MsPlan {
  MsStep *aStep;
  sqlite3_int64 nStep, nStepAlloc;
  MsJourney *aJourney; /* sorted by name, NULL name first */
  sqlite3_int64 nJourney, nJourneyAlloc;
  int bSeq;     /* the source has a seq column */
  int bJourney; /* the source has a journey column */
  int nLongest; /* steps of the longest journey */
} MsPlan;

static void ms_plan_free(MsPlan *p) {
  for (sqlite3_int64 i = 0; i < p->nStep; i++) {
    sqlite3_free(p->aStep[i].zJourney);
    sqlite3_free(p->aStep[i].zMilestone);
    sqlite3_free(p->aStep[i].zPhase);
  }
  sqlite3_free(p->aStep);
  sqlite3_free(p->aJourney);
  memset(p, 0, sizeof(*p));
}

/* Compares two possibly NULL names, NULL first. */
static int ms_name_cmp(const char *a, const char *b) {
  if (a == 0 || b == 0)
    return (a != 0) - (b != 0);
  return strcmp(a, b);
}

/* Rule (7): journey, then seq, then due_day, then milestone. */
static int ms_step_cmp(const void *pa, const void *pb) {
  const MsStep *a = pa, *b = pb;
  int c = ms_name_cmp(a->zJourney, b->zJourney);
  if (c)
    return c;
  if (a->seq != b->seq)
    return a->seq < b->seq ? -1 : 1;
  if (a->dueMs != b->dueMs)
    return a->dueMs < b->dueMs ? -1 : 1;
  return strcmp(a->zMilestone, b->zMilestone);
}

/* Copies column iCol of pStmt as text (NULL stays NULL); 1 on OOM. */
static int ms_column_text(sqlite3_stmt *pStmt, int iCol, char **pz) {
  const char *z = (const char *)sqlite3_column_text(pStmt, iCol);
  *pz = 0;
  if (z == 0)
    return sqlite3_column_type(pStmt, iCol) != SQLITE_NULL;
  *pz = sqlite3_mprintf("%s", z);
  return *pz == 0;
}

/* Column positions in the milestones query. */
enum {
  MS_COL_MILESTONE,
  MS_COL_DUE_DAY,
  MS_COL_SEQ,
  MS_COL_PHASE,
  MS_COL_JOURNEY,
  MS_N_PLAN_COL
};
static const char *const azMsPlanCol[MS_N_PLAN_COL] = {
    "milestone", "due_day", "seq", "phase", "journey"};

/* The statements a query runs on the sources. The table keeps one set
** between queries (prepared once, reset after each query); a cursor opened
** while that set is in use (a self-join) prepares its own. Their column
** lists are re-read at each query, after the first step, when SQLite has
** re-prepared them for any schema change (rule 7). */
typedef struct MsStmts {
  sqlite3_stmt *pPlan;      /* SELECT * FROM <milestones> AS s */
  sqlite3_stmt *pProbe;     /* SELECT * FROM <customers> AS s LIMIT 0 */
  sqlite3_stmt *apCust[2];  /* key, start [, journey]; [1]: key lookup */
  sqlite3_stmt *apEvent[2]; /* key, milestone, at; [1]: key lookup */
  int bCustJourney;         /* apCust[] read the journey column */
  int bBusy;                /* a cursor uses this set */
} MsStmts;

static void ms_stmts_reset(MsStmts *p) {
  sqlite3_stmt *aStmt[] = {p->pPlan,     p->pProbe,     p->apCust[0],
                           p->apCust[1], p->apEvent[0], p->apEvent[1]};
  for (int i = 0; i < SX_ARRAY_SIZE(aStmt); i++) {
    if (aStmt[i]) {
      sqlite3_reset(aStmt[i]);
      sqlite3_clear_bindings(aStmt[i]);
    }
  }
}

/* Finalizes the customers and events queries. */
static void ms_stmts_free_merge(MsStmts *p) {
  for (int i = 0; i < 2; i++) {
    sqlite3_finalize(p->apCust[i]);
    sqlite3_finalize(p->apEvent[i]);
    p->apCust[i] = p->apEvent[i] = 0;
  }
}

static void ms_stmts_free(MsStmts *p) {
  ms_stmts_free_merge(p);
  sqlite3_finalize(p->pPlan);
  sqlite3_finalize(p->pProbe);
  p->pPlan = p->pProbe = 0;
}

/* The virtual table. */
typedef struct MsVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  SxSource milestones, customers, events;
  char *zKey, *zStart, *zAt;
  int bAsOf;   /* the as_of option was given */
  SxTime asOf; /* its value */
  MsStmts cache;
} MsVtab;

/* Sets *pzErr to a bad-cell message (rule 16); returns the error code. */
static int ms_cell_error(const SxSource *pSrc, const char *zCol,
                         const char *zWhat, sqlite3_value *pVal, char **pzErr) {
  *pzErr = sx_cell_error(MS_MODULE, pSrc, zCol, zWhat, pVal);
  return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Reads one row of the milestones query into a new step. */
static int ms_plan_row(MsVtab *pTab, MsPlan *p, sqlite3_stmt *pStmt,
                       const int *aiCol, char **pzErr) {
  double dueDay, seq = 0.0;
  sqlite3_value *pDue = sqlite3_column_value(pStmt, aiCol[MS_COL_DUE_DAY]);
  sqlite3_value *pName = sqlite3_column_value(pStmt, aiCol[MS_COL_MILESTONE]);
  if (sqlite3_value_type(pName) == SQLITE_NULL) {
    return ms_cell_error(&pTab->milestones, "milestone", "must not be NULL",
                         pName, pzErr);
  }
  if (sx_number(pDue, &dueDay) != SX_OK || dueDay < 0.0 ||
      dueDay > MS_MAX_DUE_DAY) {
    return ms_cell_error(&pTab->milestones, "due_day",
                         "must be a number in [0, 1000000]", pDue, pzErr);
  }
  if (aiCol[MS_COL_SEQ] >= 0) {
    sqlite3_value *pSeq = sqlite3_column_value(pStmt, aiCol[MS_COL_SEQ]);
    if (sx_number(pSeq, &seq) != SX_OK) {
      return ms_cell_error(&pTab->milestones, "seq", "must be a number", pSeq,
                           pzErr);
    }
  }
  if (sx_grow((void **)&p->aStep, &p->nStepAlloc, p->nStep + 1,
              sizeof(MsStep)) != SQLITE_OK) {
    return SQLITE_NOMEM;
  }
  MsStep *s = &p->aStep[p->nStep++];
  memset(s, 0, sizeof(*s));
  s->seq = seq;
  s->dueMs = (SxTime)llround(dueDay * (double)SX_MS_PER_DAY);
  int bNoMem = ms_column_text(pStmt, aiCol[MS_COL_MILESTONE], &s->zMilestone);
  if (aiCol[MS_COL_PHASE] >= 0) {
    bNoMem |= ms_column_text(pStmt, aiCol[MS_COL_PHASE], &s->zPhase);
  }
  if (aiCol[MS_COL_JOURNEY] >= 0) {
    bNoMem |= ms_column_text(pStmt, aiCol[MS_COL_JOURNEY], &s->zJourney);
  }
  if (bNoMem || s->zMilestone == 0)
    return SQLITE_NOMEM;
  s->nMilestone = (int)strlen(s->zMilestone);
  return SQLITE_OK;
}

/* Sorts the steps and groups them into journeys (rule 7). */
static int ms_plan_group(MsPlan *p) {
  if (p->nStep > 1)
    qsort(p->aStep, (size_t)p->nStep, sizeof(MsStep), ms_step_cmp);
  for (sqlite3_int64 i = 0; i < p->nStep; i++) {
    MsStep *s = &p->aStep[i];
    MsJourney *j = p->nJourney ? &p->aJourney[p->nJourney - 1] : 0;
    if (j == 0 || ms_name_cmp(j->zName, s->zJourney) != 0) {
      if (sx_grow((void **)&p->aJourney, &p->nJourneyAlloc, p->nJourney + 1,
                  sizeof(MsJourney)) != SQLITE_OK) {
        return SQLITE_NOMEM;
      }
      j = &p->aJourney[p->nJourney++];
      j->zName = s->zJourney;
      j->iFirst = (int)i;
      j->nStep = 0;
    }
    j->nStep++;
    if (!p->bSeq)
      s->seq = j->nStep; /* rule (7): the position */
    if (j->nStep > p->nLongest)
      p->nLongest = j->nStep;
  }
  return SQLITE_OK;
}

/* Appends s."zCol". Source columns are always qualified by the alias s:
** SQLite reads an unknown bare "name" as the string 'name' (double-quoted
** string literals), so a missing column would pass silently. */
static void ms_sql_col(sqlite3_str *pStr, const char *zCol) {
  sqlite3_str_appendall(pStr, "s.");
  sx_sql_ident(pStr, zCol);
}

/* Starts "SELECT s."c0", s."c1", ... FROM <source> AS s". */
static sqlite3_str *ms_select(sqlite3 *db, const SxSource *pSrc,
                              const char *const *azCol, int nCol) {
  sqlite3_str *pStr = sqlite3_str_new(db);
  sqlite3_str_appendall(pStr, "SELECT ");
  for (int i = 0; i < nCol; i++) {
    sqlite3_str_appendall(pStr, i ? ", " : "");
    ms_sql_col(pStr, azCol[i]);
  }
  sqlite3_str_appendall(pStr, " FROM ");
  sx_sql_source(pStr, pSrc);
  sqlite3_str_appendall(pStr, " AS s");
  return pStr;
}

/* Index of column zName among pStmt's result columns, or -1. */
static int ms_column_index(sqlite3_stmt *pStmt, const char *zName) {
  for (int i = 0; i < sqlite3_column_count(pStmt); i++) {
    const char *z = sqlite3_column_name(pStmt, i);
    if (z && sqlite3_stricmp(z, zName) == 0)
      return i;
  }
  return -1;
}

/* Loads the milestones source into *p (rule 7): SELECT * and the columns
** found by name, so the optional ones are those the source has now. */
static int ms_plan_load(MsVtab *pTab, MsStmts *pStmts, MsPlan *p,
                        char **pzErr) {
  int aiCol[MS_N_PLAN_COL], rc = SQLITE_OK;
  if (pStmts->pPlan == 0) {
    sqlite3_str *pStr = sqlite3_str_new(pTab->db);
    sqlite3_str_appendall(pStr, "SELECT * FROM ");
    sx_sql_source(pStr, &pTab->milestones);
    sqlite3_str_appendall(pStr, " AS s");
    rc = sx_source_prepare(pTab->db, MS_MODULE, pStr, &pStmts->pPlan, pzErr);
    if (rc != SQLITE_OK)
      return rc;
  }
  sqlite3_stmt *pStmt = pStmts->pPlan;
  sqlite3_reset(pStmt);
  rc = sqlite3_step(pStmt);
  for (int i = 0; i < MS_N_PLAN_COL; i++) {
    aiCol[i] = ms_column_index(pStmt, azMsPlanCol[i]);
    if (i <= MS_COL_DUE_DAY && aiCol[i] < 0 &&
        (rc == SQLITE_ROW || rc == SQLITE_DONE)) {
      *pzErr =
          sqlite3_mprintf("%s: cannot read source: no column %s in %s",
                          MS_MODULE, azMsPlanCol[i], pTab->milestones.zTable);
      rc = SQLITE_ERROR;
    }
  }
  p->bSeq = aiCol[MS_COL_SEQ] >= 0;
  p->bJourney = aiCol[MS_COL_JOURNEY] >= 0;
  while (rc == SQLITE_ROW) {
    rc = ms_plan_row(pTab, p, pStmt, aiCol, pzErr);
    if (rc == SQLITE_OK)
      rc = sqlite3_step(pStmt);
  }
  if (rc == SQLITE_DONE) {
    rc = ms_plan_group(p);
  } else if (rc != SQLITE_NOMEM && *pzErr == 0) {
    *pzErr = sqlite3_mprintf("%s: cannot read source: %s", MS_MODULE,
                             sqlite3_errmsg(pTab->db));
  }
  sqlite3_reset(pStmt);
  return rc;
}

/* The journey named z, or NULL (binary search, rule 8). */
static const MsJourney *ms_plan_journey(const MsPlan *p, const char *z) {
  sqlite3_int64 lo = 0, hi = p->nJourney - 1;
  while (z && lo <= hi) {
    sqlite3_int64 mid = (lo + hi) / 2;
    int c = ms_name_cmp(p->aJourney[mid].zName, z);
    if (c == 0)
      return &p->aJourney[mid];
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* milestone_progress: the table and its options (rule 6)              */
/* ------------------------------------------------------------------ */

static const SxOptionSpec aMsOption[] = {
    {"milestones", 1}, {"customers", 1}, {"events", 1}, {"key", 1},
    {"start", 1},      {"at", 1},        {"as_of", 0},
};

/* Output columns; the first is renamed to the key. */
enum {
  MS_OUT_KEY,
  MS_OUT_JOURNEY,
  MS_OUT_SEQ,
  MS_OUT_MILESTONE,
  MS_OUT_PHASE,
  MS_OUT_DUE_DATE,
  MS_OUT_ACHIEVED_AT,
  MS_OUT_STATUS,
  MS_OUT_DAYS_LATE,
  MS_OUT_AS_OF,
  MS_N_OUT
};
static const char *const azMsOut[MS_N_OUT] = {
    "key",      "journey",     "seq",    "milestone", "phase",
    "due_date", "achieved_at", "status", "days_late", "as_of"};

static void ms_vtab_free(MsVtab *p) {
  if (p == 0)
    return;
  ms_stmts_free(&p->cache);
  sx_source_free(&p->milestones);
  sx_source_free(&p->customers);
  sx_source_free(&p->events);
  sqlite3_free(p->zKey);
  sqlite3_free(p->zStart);
  sqlite3_free(p->zAt);
  sqlite3_free(p);
}

/* Reads TEXT z as a date cell is read (rule 4): through SQLite, so the
** value is exactly what a source column holding that text gives. */
static int ms_date_option(sqlite3 *db, const char *z, SxTime *pOut,
                          int *pRead) {
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT ?1", -1, &pStmt, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(pStmt, 1, z, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && sqlite3_step(pStmt) == SQLITE_ROW) {
    *pRead = sx_date(sqlite3_column_value(pStmt, 0), pOut);
  } else if (rc == SQLITE_OK) {
    rc = sqlite3_errcode(db);
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Checks the sources and columns named by the options (rule 6). */
static int ms_check_sources(MsVtab *p, char **pzErr) {
  const char *azPlan[] = {"milestone", "due_day"};
  const char *azPlanOpt[] = {"milestones", "milestones"};
  const char *azCust[] = {p->zKey, p->zStart};
  const char *azCustOpt[] = {"key", "start"};
  const char *azEvent[] = {p->zKey, "milestone", p->zAt};
  const char *azEventOpt[] = {"key", "events", "at"};
  int rc = sx_source_check(p->db, MS_MODULE, "milestones", &p->milestones,
                           azPlan, azPlanOpt, 2, pzErr);
  if (rc == SQLITE_OK) {
    rc = sx_source_check(p->db, MS_MODULE, "customers", &p->customers, azCust,
                         azCustOpt, 2, pzErr);
  }
  if (rc == SQLITE_OK) {
    rc = sx_source_check(p->db, MS_MODULE, "events", &p->events, azEvent,
                         azEventOpt, 3, pzErr);
  }
  return rc;
}

/* Builds the table from parsed options; bCreate also checks the sources. */
static int ms_vtab_init(sqlite3 *db, const SxOptions *pOpt, int bCreate,
                        MsVtab *p, char **pzErr) {
  static const char *const azSrc[] = {"milestones", "customers", "events"};
  SxSource *apSrc[] = {&p->milestones, &p->customers, &p->events};
  int rc = SQLITE_OK;
  p->db = db;
  for (int i = 0; i < 3 && rc == SQLITE_OK; i++) {
    int iOpt = 0;
    while (strcmp(aMsOption[iOpt].zName, azSrc[i]) != 0)
      iOpt++;
    rc = sx_source_init(apSrc[i], pOpt->azValue[iOpt], pOpt->bQuoted[iOpt]);
  }
  if (rc != SQLITE_OK)
    return rc;
  p->zKey = sqlite3_mprintf("%s", sx_option(pOpt, aMsOption, "key"));
  p->zStart = sqlite3_mprintf("%s", sx_option(pOpt, aMsOption, "start"));
  p->zAt = sqlite3_mprintf("%s", sx_option(pOpt, aMsOption, "at"));
  if (p->zKey == 0 || p->zStart == 0 || p->zAt == 0)
    return SQLITE_NOMEM;
  for (int i = 1; i < MS_N_OUT; i++) {
    if (sqlite3_stricmp(p->zKey, azMsOut[i]) == 0) {
      *pzErr = sqlite3_mprintf(
          "%s: option key: %s is also the name of an output column", MS_MODULE,
          p->zKey);
      return SQLITE_ERROR;
    }
  }
  const char *zAsOf = sx_option(pOpt, aMsOption, "as_of");
  if (zAsOf) {
    int bRead = SX_INVALID;
    rc = ms_date_option(db, zAsOf, &p->asOf, &bRead);
    if (rc != SQLITE_OK)
      return rc;
    if (bRead != SX_OK) {
      *pzErr = sqlite3_mprintf("%s: option as_of: must be a date, got '%q'",
                               MS_MODULE, zAsOf);
      return SQLITE_ERROR;
    }
    p->bAsOf = 1;
  }
  if (bCreate)
    rc = ms_check_sources(p, pzErr);
  if (rc == SQLITE_OK) {
    const char *azCol[MS_N_OUT - 1];
    memcpy(azCol, azMsOut, sizeof(azCol));
    azCol[MS_OUT_KEY] = p->zKey;
    rc = sx_declare_vtab(db, azCol, MS_N_OUT - 1, &azMsOut[MS_OUT_AS_OF], 1);
  }
  return rc;
}

static int ms_vtab_open_table(sqlite3 *db, int argc, const char *const *argv,
                              sqlite3_vtab **ppVtab, char **pzErr,
                              int bCreate) {
  SxOptions opt;
  int rc = sx_options_parse(MS_MODULE, aMsOption, SX_ARRAY_SIZE(aMsOption),
                            argc, argv, &opt, pzErr);
  if (rc != SQLITE_OK)
    return rc;
  MsVtab *p = sqlite3_malloc64(sizeof(*p));
  if (p == 0) {
    sx_options_free(&opt);
    return SQLITE_NOMEM;
  }
  memset(p, 0, sizeof(*p));
  rc = ms_vtab_init(db, &opt, bCreate, p, pzErr);
  sx_options_free(&opt);
  if (rc != SQLITE_OK) {
    ms_vtab_free(p);
    return rc;
  }
  *ppVtab = &p->base;
  return SQLITE_OK;
}

/* xCreate checks the sources, xConnect does not. */
SX_VTAB_CREATE_CONNECT(ms_create, ms_connect, ms_vtab_open_table)

static int ms_disconnect(sqlite3_vtab *pVtab) {
  ms_vtab_free((MsVtab *)pVtab);
  return SQLITE_OK;
}

/* idxNum bits; argv holds the key value first (when given), then as_of. */
#define MS_IDX_KEY 1
#define MS_IDX_AS_OF 2

/* Rows come out in key order and as_of is one value per scan, so ORDER BY
** <key> [, as_of ...] (and GROUP BY customer_id, as_of) needs no sort. */
static int ms_order_consumed(const sqlite3_index_info *pInfo) {
  if (pInfo->nOrderBy < 1 || pInfo->aOrderBy[0].iColumn != MS_OUT_KEY ||
      pInfo->aOrderBy[0].desc) {
    return 0;
  }
  for (int i = 1; i < pInfo->nOrderBy; i++) {
    if (pInfo->aOrderBy[i].iColumn != MS_OUT_AS_OF)
      return 0;
  }
  return 1;
}

/* An equality on as_of that this plan cannot use (its value comes from a
** table joined later). */
static int ms_has_unusable_as_of(const sqlite3_index_info *pInfo) {
  for (int i = 0; i < pInfo->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if (!c->usable && c->iColumn == MS_OUT_AS_OF &&
        c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
      return 1;
    }
  }
  return 0;
}

/* Rules (12), (13): equality on the key and on as_of are used (and
** omitted: the sources' own comparison decides). A key lookup reads a few
** rows; a scan reads everything. Rows come out in key order, so ORDER BY
** <key> is consumed. */
static int ms_best_index(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo) {
  static const char *const azIdxStr[] = {"", "key", "as_of", "key,as_of"};
  int iKey = sx_find_eq(pInfo, MS_OUT_KEY);
  int iAsOf = sx_find_eq(pInfo, MS_OUT_AS_OF);
  int nArg = 0, idxNum = 0;
  (void)pVtab;
  if (iKey >= 0) {
    pInfo->aConstraintUsage[iKey].argvIndex = ++nArg;
    pInfo->aConstraintUsage[iKey].omit = 1;
    idxNum |= MS_IDX_KEY;
  }
  if (iAsOf >= 0) {
    pInfo->aConstraintUsage[iAsOf].argvIndex = ++nArg;
    pInfo->aConstraintUsage[iAsOf].omit = 1;
    idxNum |= MS_IDX_AS_OF;
  }
  pInfo->idxNum = idxNum;
  pInfo->idxStr = (char *)azIdxStr[idxNum];
  if (idxNum & MS_IDX_KEY) {
    pInfo->estimatedCost = 20.0;
    pInfo->estimatedRows = 8;
  } else {
    pInfo->estimatedCost = 1000000.0;
    pInfo->estimatedRows = 1000000;
  }
  if (iAsOf < 0 && ms_has_unusable_as_of(pInfo)) {
    /* as_of decides every row: a plan that runs before its value is known
    ** (it comes from a table joined later) computes the default day, and is
    ** chosen only when no other plan exists (p1.as_of = p2.as_of) */
    pInfo->estimatedCost = 1e18;
  }
  pInfo->orderByConsumed = ms_order_consumed(pInfo);
  return SQLITE_OK;
}

/* ------------------------------------------------------------------ */
/* milestone_progress: the cursor (rules 9-13)                         */
/* ------------------------------------------------------------------ */

/* One buffered event of the current key. */
typedef struct MsEvent {
  sqlite3_int64 iName; /* milestone name at zNames[iName] */
  int nName;
  int rc; /* SX_OK, SX_NULL or SX_INVALID (zErr says why) */
  SxTime at;
  char *zErr; /* the cell error, when rc is SX_INVALID */
} MsEvent;

typedef struct MsCursor {
  sqlite3_vtab_cursor base;
  MsPlan plan;
  int bPlan;        /* plan loaded */
  int bCustJourney; /* customers have a journey column (rule 8) */
  int bToday;       /* today known */
  SxTime today;
  MsStmts *pStmts; /* the table's statements, or own */
  MsStmts own;
  sqlite3_stmt *pCust;  /* key, start [, journey]: in pStmts */
  sqlite3_stmt *pEvent; /* key, milestone, at: in pStmts */
  int bPoint;           /* statements prepared for a key lookup */
  SxTime asOfDay;
  /* the current customer */
  int bEof;
  const MsJourney *pJourney;
  SxTime start;
  SxTime *aAchieved;   /* per step of the journey ... */
  unsigned char *aHas; /* ... when achieved */
  int iStep;
  sqlite3_int64 iRowid;
  /* the events of the current key */
  int bEventRow;          /* pEvent holds a row not consumed yet */
  sqlite3_value *pBufKey; /* the key aEvent belongs to */
  MsEvent *aEvent;
  sqlite3_int64 nEvent, nEventAlloc;
  char *zNames;
  sqlite3_int64 nNames, nNamesAlloc;
} MsCursor;

static int ms_open(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCur) {
  MsVtab *pTab = (MsVtab *)pVtab;
  MsCursor *p = sqlite3_malloc64(sizeof(*p));
  if (p == 0)
    return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->bEof = 1;
  p->pStmts = pTab->cache.bBusy ? &p->own : &pTab->cache;
  p->pStmts->bBusy = 1;
  *ppCur = &p->base;
  return SQLITE_OK;
}

static void ms_events_clear(MsCursor *p) {
  for (sqlite3_int64 i = 0; i < p->nEvent; i++)
    sqlite3_free(p->aEvent[i].zErr);
  p->nEvent = 0;
  p->nNames = 0;
  sqlite3_value_free(p->pBufKey);
  p->pBufKey = 0;
}

static int ms_close(sqlite3_vtab_cursor *pCur) {
  MsCursor *p = (MsCursor *)pCur;
  ms_events_clear(p);
  sqlite3_free(p->aEvent);
  sqlite3_free(p->zNames);
  ms_stmts_reset(p->pStmts);
  p->pStmts->bBusy = 0;
  ms_stmts_free(&p->own);
  sqlite3_free(p->aAchieved);
  sqlite3_free(p->aHas);
  ms_plan_free(&p->plan);
  sqlite3_free(p);
  return SQLITE_OK;
}

/* Sets the error of the table to zMsg (taken) and returns rc. */
static int ms_fail(MsCursor *p, int rc, char *zMsg) {
  if (zMsg)
    sx_vtab_error(p->base.pVtab, zMsg);
  return rc;
}

/* An error of a source query while stepping. */
static int ms_step_error(MsCursor *p, int rc) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  if (rc == SQLITE_NOMEM)
    return rc;
  return ms_fail(p, SQLITE_ERROR,
                 sqlite3_mprintf("%s: cannot read source: %s", MS_MODULE,
                                 sqlite3_errmsg(pTab->db)));
}

/* Appends " WHERE s.<key> = ?1" (a point lookup) or the scan's order. */
static void ms_sql_key_filter(sqlite3_str *pStr, const char *zKey, int bPoint,
                              int bNotNull) {
  if (bPoint || bNotNull) {
    sqlite3_str_appendall(pStr, " WHERE ");
    ms_sql_col(pStr, zKey);
    sqlite3_str_appendall(pStr, bPoint ? " = ?1" : " IS NOT NULL");
  }
  if (!bPoint)
    sqlite3_str_appendall(pStr, " ORDER BY 1 COLLATE BINARY");
}

/* Whether the customers source has a journey column now (rule 8). */
static int ms_probe_journey(MsCursor *p, int *pbJourney) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  MsStmts *pStmts = p->pStmts;
  char *zErr = 0;
  if (pStmts->pProbe == 0) {
    sqlite3_str *pStr = sqlite3_str_new(pTab->db);
    sqlite3_str_appendall(pStr, "SELECT * FROM ");
    sx_sql_source(pStr, &pTab->customers);
    sqlite3_str_appendall(pStr, " AS s LIMIT 0");
    int rc =
        sx_source_prepare(pTab->db, MS_MODULE, pStr, &pStmts->pProbe, &zErr);
    if (rc != SQLITE_OK)
      return ms_fail(p, rc, zErr);
  }
  int rc = sqlite3_step(pStmts->pProbe); /* re-prepares after a change */
  sqlite3_reset(pStmts->pProbe);
  if (rc != SQLITE_DONE)
    return ms_step_error(p, rc);
  *pbJourney = ms_column_index(pStmts->pProbe, "journey") >= 0;
  return SQLITE_OK;
}

/* Prepares the customers and events queries (rule 13), unless the table
** has them from an earlier query with the same columns. */
static int ms_prepare(MsCursor *p, int bPoint) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  MsStmts *pStmts = p->pStmts;
  const char *azCust[] = {pTab->zKey, pTab->zStart, "journey"};
  const char *azEvent[] = {pTab->zKey, "milestone", pTab->zAt};
  char *zErr = 0;
  int bJourney = 0, rc = ms_probe_journey(p, &bJourney);
  if (rc != SQLITE_OK)
    return rc;
  if (bJourney != pStmts->bCustJourney) {
    ms_stmts_free_merge(pStmts);
    pStmts->bCustJourney = bJourney;
  }
  p->bPoint = bPoint;
  p->bCustJourney = bJourney;
  if (pStmts->apCust[bPoint] == 0) {
    sqlite3_str *pStr =
        ms_select(pTab->db, &pTab->customers, azCust, bJourney ? 3 : 2);
    ms_sql_key_filter(pStr, pTab->zKey, bPoint, 0);
    rc = sx_source_prepare(pTab->db, MS_MODULE, pStr, &pStmts->apCust[bPoint],
                           &zErr);
  }
  if (rc == SQLITE_OK && pStmts->apEvent[bPoint] == 0) {
    sqlite3_str *pStr = ms_select(pTab->db, &pTab->events, azEvent, 3);
    ms_sql_key_filter(pStr, pTab->zKey, bPoint, 1);
    rc = sx_source_prepare(pTab->db, MS_MODULE, pStr, &pStmts->apEvent[bPoint],
                           &zErr);
  }
  p->pCust = pStmts->apCust[bPoint];
  p->pEvent = pStmts->apEvent[bPoint];
  return ms_fail(p, rc, zErr);
}

/* Steps the events query; keeps bEventRow. */
static int ms_event_step(MsCursor *p) {
  int rc = sqlite3_step(p->pEvent);
  p->bEventRow = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return SQLITE_OK;
  return ms_step_error(p, rc);
}

/* Buffers the current event row (rule 10: checked only when used). */
static int ms_event_buffer(MsCursor *p) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  const char *zName = (const char *)sqlite3_column_text(p->pEvent, 1);
  int nName = sqlite3_column_bytes(p->pEvent, 1);
  if (zName == 0) {
    return sqlite3_column_type(p->pEvent, 1) == SQLITE_NULL ? SQLITE_OK
                                                            : SQLITE_NOMEM;
  }
  if (sx_grow((void **)&p->aEvent, &p->nEventAlloc, p->nEvent + 1,
              sizeof(MsEvent)) != SQLITE_OK ||
      sx_grow((void **)&p->zNames, &p->nNamesAlloc, p->nNames + nName + 1, 1) !=
          SQLITE_OK) {
    return SQLITE_NOMEM;
  }
  MsEvent *e = &p->aEvent[p->nEvent];
  e->iName = p->nNames;
  e->nName = nName;
  e->zErr = 0;
  memcpy(p->zNames + p->nNames, zName, (size_t)nName);
  p->nNames += nName;
  sqlite3_value *pAt = sqlite3_column_value(p->pEvent, 2);
  e->rc = sx_date(pAt, &e->at);
  if (e->rc == SX_INVALID) {
    e->zErr = sx_cell_error(MS_MODULE, &pTab->events, pTab->zAt,
                            "must be a date", pAt);
    if (e->zErr == 0)
      return SQLITE_NOMEM;
  }
  p->nEvent++;
  return SQLITE_OK;
}

/* Buffers the events of key pKey (rule 10). In a scan both queries are in
** key order (a merge); in a point lookup every row has the key. */
static int ms_events_load(MsCursor *p, sqlite3_value *pKey) {
  if (p->pBufKey && sx_value_compare(p->pBufKey, pKey) == 0)
    return SQLITE_OK;
  ms_events_clear(p);
  p->pBufKey = sqlite3_value_dup(pKey);
  if (p->pBufKey == 0)
    return SQLITE_NOMEM;
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK && p->bEventRow) {
    int c = sx_value_compare(sqlite3_column_value(p->pEvent, 0), pKey);
    if (c > 0 && !p->bPoint)
      break;
    if (c == 0)
      rc = ms_event_buffer(p);
    if (rc == SQLITE_OK)
      rc = ms_event_step(p);
  }
  return rc;
}

/* Rules (3), (10): the earliest event on or before as_of of each step. */
static int ms_achieved(MsCursor *p) {
  const MsStep *aStep = &p->plan.aStep[p->pJourney->iFirst];
  int nStep = p->pJourney->nStep;
  memset(p->aHas, 0, (size_t)nStep);
  for (sqlite3_int64 i = 0; i < p->nEvent; i++) {
    MsEvent *e = &p->aEvent[i];
    const char *zName = p->zNames + e->iName;
    for (int k = 0; k < nStep; k++) {
      if (aStep[k].nMilestone != e->nName ||
          memcmp(aStep[k].zMilestone, zName, (size_t)e->nName) != 0) {
        continue;
      }
      if (e->rc == SX_INVALID) {
        char *zErr = e->zErr;
        e->zErr = 0;
        return ms_fail(p, SQLITE_ERROR, zErr);
      }
      if (e->rc != SX_OK || ms_day(e->at) > p->asOfDay)
        continue;
      if (!p->aHas[k] || e->at < p->aAchieved[k]) {
        p->aHas[k] = 1;
        p->aAchieved[k] = e->at;
      }
    }
  }
  return SQLITE_OK;
}

/* The journey of the current customer row, or NULL (rule 8). */
static const MsJourney *ms_customer_journey(MsCursor *p) {
  if (p->bCustJourney && p->plan.bJourney) {
    return ms_plan_journey(&p->plan,
                           (const char *)sqlite3_column_text(p->pCust, 2));
  }
  return &p->plan.aJourney[0];
}

/* Moves to the next customer with rows (rule 9), or to EOF. */
static int ms_next_customer(MsCursor *p) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  for (;;) {
    int rc = sqlite3_step(p->pCust);
    if (rc == SQLITE_DONE) {
      p->bEof = 1;
      return SQLITE_OK;
    }
    if (rc != SQLITE_ROW)
      return ms_step_error(p, rc);
    sqlite3_value *pStart = sqlite3_column_value(p->pCust, 1);
    int rcStart = sx_date(pStart, &p->start);
    if (rcStart == SX_INVALID) {
      char *zErr = 0;
      rc = ms_cell_error(&pTab->customers, pTab->zStart, "must be a date",
                         pStart, &zErr);
      return ms_fail(p, rc, zErr);
    }
    if (rcStart == SX_NULL || ms_day(p->start) > p->asOfDay)
      continue;
    p->pJourney = ms_customer_journey(p);
    if (p->pJourney == 0)
      continue;
    rc = ms_events_load(p, sqlite3_column_value(p->pCust, 0));
    if (rc == SQLITE_OK)
      rc = ms_achieved(p);
    if (rc != SQLITE_OK)
      return rc;
    p->iStep = 0;
    return SQLITE_OK;
  }
}

/* Rule (12): today, the date of SQLite's 'now', once per cursor. */
static int ms_today(MsCursor *p, SxTime *pOut) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  if (!p->bToday) {
    sqlite3_stmt *pStmt = 0;
    int rc =
        sqlite3_prepare_v2(pTab->db, "SELECT julianday('now')", -1, &pStmt, 0);
    if (rc == SQLITE_OK && sqlite3_step(pStmt) == SQLITE_ROW &&
        sx_date(sqlite3_column_value(pStmt, 0), &p->today) == SX_OK) {
      p->bToday = 1;
    }
    sqlite3_finalize(pStmt);
    if (!p->bToday)
      return ms_step_error(p, rc ? rc : SQLITE_ERROR);
  }
  *pOut = p->today;
  return SQLITE_OK;
}

/* Rule (12): the as_of day of this query; *pbNone when a NULL constraint
** selects nothing. */
static int ms_as_of(MsCursor *p, int idxNum, sqlite3_value *pArg, int *pbNone) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  SxTime asOf;
  *pbNone = 0;
  if (idxNum & MS_IDX_AS_OF) {
    int rc = sx_date(pArg, &asOf);
    if (rc == SX_NULL) {
      *pbNone = 1;
      return SQLITE_OK;
    }
    if (rc == SX_INVALID) {
      char *zRepr = sx_value_repr(pArg);
      char *zMsg = zRepr ? sqlite3_mprintf("%s: as_of must be a date, got %s",
                                           MS_MODULE, zRepr)
                         : 0;
      sqlite3_free(zRepr);
      return ms_fail(p, zMsg ? SQLITE_ERROR : SQLITE_NOMEM, zMsg);
    }
  } else if (pTab->bAsOf) {
    asOf = pTab->asOf;
  } else {
    int rc = ms_today(p, &asOf);
    if (rc != SQLITE_OK)
      return rc;
  }
  p->asOfDay = ms_day(asOf);
  return SQLITE_OK;
}

/* Loads the milestones once per cursor (rules 7, 8). */
static int ms_load_plan(MsCursor *p) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  char *zErr = 0;
  if (p->bPlan)
    return SQLITE_OK;
  int rc = ms_plan_load(pTab, p->pStmts, &p->plan, &zErr);
  if (rc == SQLITE_OK && p->plan.nLongest > 0) {
    p->aAchieved = sqlite3_malloc64(sizeof(SxTime) * (size_t)p->plan.nLongest);
    p->aHas = sqlite3_malloc64((size_t)p->plan.nLongest);
    if (p->aAchieved == 0 || p->aHas == 0)
      rc = SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK) {
    ms_plan_free(&p->plan);
    return ms_fail(p, rc, zErr);
  }
  p->bPlan = 1;
  return SQLITE_OK;
}

/* Rule (8): several journeys need customers with a journey column. */
static int ms_check_journeys(MsCursor *p) {
  MsVtab *pTab = (MsVtab *)p->base.pVtab;
  if ((p->bCustJourney && p->plan.bJourney) || p->plan.nJourney <= 1) {
    return SQLITE_OK;
  }
  return ms_fail(
      p, SQLITE_ERROR,
      sqlite3_mprintf("%s: %s has no journey column, so %s must hold a single "
                      "journey, got %lld",
                      MS_MODULE, pTab->customers.zTable,
                      pTab->milestones.zTable, p->plan.nJourney));
}

static int ms_filter(sqlite3_vtab_cursor *pCur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv) {
  MsCursor *p = (MsCursor *)pCur;
  int bPoint = (idxNum & MS_IDX_KEY) != 0, bNone;
  (void)idxStr;
  (void)argc;
  p->bEof = 1;
  p->iRowid = 1; /* rowids count from 1, as in every virtual table here */
  ms_events_clear(p);
  sqlite3_value *pAsOf = (idxNum & MS_IDX_AS_OF) ? argv[bPoint] : 0;
  int rc = ms_as_of(p, idxNum, pAsOf, &bNone);
  if (rc != SQLITE_OK || bNone)
    return rc;
  rc = ms_load_plan(p);
  if (rc != SQLITE_OK)
    return rc;
  if (p->pCust == 0 || p->bPoint != bPoint) {
    rc = ms_prepare(p, bPoint);
    if (rc == SQLITE_OK)
      rc = ms_check_journeys(p);
    if (rc != SQLITE_OK)
      return rc;
  }
  sqlite3_reset(p->pCust);
  sqlite3_reset(p->pEvent);
  if (p->plan.nStep == 0)
    return SQLITE_OK; /* no milestone, no row */
  if (bPoint) {
    rc = sqlite3_bind_value(p->pCust, 1, argv[0]);
    if (rc == SQLITE_OK)
      rc = sqlite3_bind_value(p->pEvent, 1, argv[0]);
    if (rc != SQLITE_OK)
      return rc;
  }
  p->bEof = 0;
  rc = ms_event_step(p);
  if (rc == SQLITE_OK)
    rc = ms_next_customer(p);
  return rc;
}

static int ms_next(sqlite3_vtab_cursor *pCur) {
  MsCursor *p = (MsCursor *)pCur;
  p->iRowid++;
  if (++p->iStep < p->pJourney->nStep)
    return SQLITE_OK;
  return ms_next_customer(p);
}

static int ms_eof(sqlite3_vtab_cursor *pCur) {
  return ((MsCursor *)pCur)->bEof;
}

static void ms_result_text_or_null(sqlite3_context *ctx, const char *z) {
  if (z)
    sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int ms_column(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx,
                     int iCol) {
  MsCursor *p = (MsCursor *)pCur;
  const MsStep *s = &p->plan.aStep[p->pJourney->iFirst + p->iStep];
  SxTime due = p->start + s->dueMs;
  int bHas = p->aHas[p->iStep];
  SxTime achieved = p->aAchieved[p->iStep];
  double daysLate;
  switch (iCol) {
  case MS_OUT_KEY:
    sqlite3_result_value(ctx, sqlite3_column_value(p->pCust, 0));
    break;
  case MS_OUT_JOURNEY:
    ms_result_text_or_null(ctx, s->zJourney);
    break;
  case MS_OUT_SEQ:
    if (s->seq == floor(s->seq) && fabs(s->seq) < 9e15) {
      sqlite3_result_int64(ctx, (sqlite3_int64)s->seq);
    } else {
      sqlite3_result_double(ctx, s->seq);
    }
    break;
  case MS_OUT_MILESTONE:
    sqlite3_result_text(ctx, s->zMilestone, s->nMilestone, SQLITE_TRANSIENT);
    break;
  case MS_OUT_PHASE:
    ms_result_text_or_null(ctx, s->zPhase);
    break;
  case MS_OUT_DUE_DATE:
    sx_result_date(ctx, due);
    break;
  case MS_OUT_ACHIEVED_AT:
    if (bHas)
      sx_result_date(ctx, achieved);
    break;
  case MS_OUT_STATUS:
    sqlite3_result_text(
        ctx, azMsStatus[ms_status(bHas, achieved, due, p->asOfDay, &daysLate)],
        -1, SQLITE_STATIC);
    break;
  case MS_OUT_DAYS_LATE:
    ms_status(bHas, achieved, due, p->asOfDay, &daysLate);
    sqlite3_result_double(ctx, daysLate);
    break;
  default: /* MS_OUT_AS_OF */
    sx_result_date(ctx, p->asOfDay);
    break;
  }
  return SQLITE_OK;
}

static int ms_rowid(sqlite3_vtab_cursor *pCur, sqlite_int64 *pRowid) {
  *pRowid = ((MsCursor *)pCur)->iRowid;
  return SQLITE_OK;
}

static const sqlite3_module msProgressModule = {
    .iVersion = 0,
    .xCreate = ms_create,
    .xConnect = ms_connect,
    .xBestIndex = ms_best_index,
    .xDisconnect = ms_disconnect,
    .xDestroy = ms_disconnect, /* the sources are never touched */
    .xOpen = ms_open,
    .xClose = ms_close,
    .xFilter = ms_filter,
    .xNext = ms_next,
    .xEof = ms_eof,
    .xColumn = ms_column,
    .xRowid = ms_rowid,
};

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static const SxFunction aMilestoneFunc[] = {
    {"milestone_status", 3, SX_PURE, ms_status_func, 0, 0, 0, 0},
    {"journey_status", 2, SX_PURE, 0, ms_journey_step, ms_journey_value,
     ms_journey_value, ms_journey_inverse},
    {"journey_status", 3, SX_PURE, 0, ms_journey_step, ms_journey_value,
     ms_journey_value, ms_journey_inverse},
    {"milestone_phase", 3, SX_PURE, 0, ms_phase_step, ms_phase_final, 0, 0},
};

int sx_milestone_register(sqlite3 *db, char **pzErr) {
  int rc = sx_register_functions(db, aMilestoneFunc,
                                 SX_ARRAY_SIZE(aMilestoneFunc), pzErr);
  if (rc == SQLITE_OK) {
    rc = sx_register_module(db, MS_MODULE, &msProgressModule, pzErr);
  }
  return rc;
}
