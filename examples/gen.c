/*
 * gen.c - deterministic demo data generator for sqlite-success.
 *
 *   dist/gen [--customers N] [--months M] [--seed S] [--tables LIST]
 *            [--schema sql/schema.sql] --out FILE.db
 *
 * Fills the canonical schema (sql/schema.sql) with a B2B customer base:
 * accounts, mrr_history, scorecard, health_measures, health_history,
 * journey_steps, adoption_events, nps_responses, churn_reasons, renewals.
 *
 * Determinism: every random draw comes from a splitmix64 stream keyed by
 * (seed, customer_id, purpose), so a customer's rows depend only on the seed,
 * its id and --months (which months of history are written), never on
 * which other tables are requested or how many customers there are. No
 * rand(), no clock, no libm: the only transcendental function (exp, for the
 * lognormal MRR) is computed here with + - * / so results are identical on
 * every IEEE-754 machine. Money is rounded to cents in integer arithmetic.
 *
 * Calendar: the simulation runs over the 48 months 2022-11 .. 2026-10
 * (customers start in that span); the history written is the --months
 * months ending 2026-10. The demo "as of" date is 2026-10-31.
 */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* ---------------------------------------------------------------- PRNG */

static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  uint64_t s;
} Rng;

enum {
  P_PROFILE = 1,
  P_MRR,
  P_HEALTH,
  P_HNOISE,
  P_MEASURES,
  P_EVENTS,
  P_NPS,
  P_REASONS
};

static Rng rng_for(uint64_t seed, int64_t id, int purpose) {
  Rng r;
  r.s = mix64(mix64(seed ^ 0x5ce55c0de5ce55ULL) ^
              mix64((uint64_t)id * 0x9e3779b97f4a7c15ULL + (uint64_t)purpose));
  return r;
}

static uint64_t next64(Rng *r) {
  r->s += 0x9e3779b97f4a7c15ULL;
  return mix64(r->s);
}

/* uniform in [0, 1) */
static double unif(Rng *r) {
  return (double)(next64(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* integer uniform in [lo, hi] */
static int irange(Rng *r, int lo, int hi) {
  return lo + (int)(unif(r) * (double)(hi - lo + 1));
}

/* approximately standard normal (Irwin-Hall, 12 uniforms), in [-6, 6] */
static double normal(Rng *r) {
  double s = 0.0;
  for (int i = 0; i < 12; i++)
    s += unif(r);
  return s - 6.0;
}

/* exp(x) with basic arithmetic only (deterministic everywhere) */
static double dexp(double x) {
  const double ln2 = 0.693147180559945309417;
  double kf = x / ln2;
  int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
  double r = x - (double)k * ln2, term = 1.0, sum = 1.0;
  for (int i = 1; i < 24; i++) {
    term = term * r / (double)i;
    sum += term;
  }
  while (k > 0) {
    sum *= 2.0;
    k--;
  }
  while (k < 0) {
    sum *= 0.5;
    k++;
  }
  return sum;
}

static double clampd(double x, double lo, double hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

/* round half away from zero to an integer */
static int64_t iround(double x) { return (int64_t)(x < 0 ? x - 0.5 : x + 0.5); }

/* ---------------------------------------------------------------- dates */

static int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

#define NCAL 48 /* simulated months: 2022-11 .. 2026-10 */
#define CAL0_Y 2022
#define CAL0_M 11

static int month_index(int day) /* calendar month index of a day number */
{
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  return (y * 12 + m - 1) - (CAL0_Y * 12 + CAL0_M - 1);
}

static void month_ym(int k, int *y, int *m) {
  int a = CAL0_Y * 12 + CAL0_M - 1 + k;
  *y = a / 12;
  *m = a % 12 + 1;
}

static int month_first_day(int k) {
  int y, m;
  month_ym(k, &y, &m);
  return days_from_civil(y, m, 1);
}

static void fmt_month(int k, char *buf) {
  int y, m;
  month_ym(k, &y, &m);
  snprintf(buf, 16, "%04d-%02d", y, m);
}

static void fmt_date(int day, char *buf) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  snprintf(buf, 32, "%04d-%02d-%02d", y, m, d);
}

/* ---------------------------------------------------------------- model */

enum { SEG_ENT, SEG_MID, SEG_SMB };
static const char *const SEGMENT[3] = {"enterprise", "mid-market", "smb"};
static const char *const PLAN[3] = {"scale", "growth", "starter"};
static const char *const ADDON_PLAN = "analytics_addon";
static const char *const FIT[3] = {"ideal", "good", "poor"};

static const char *const NAME1[32] = {
    "Acme",       "Globex",   "Initech",  "Umbrella",  "Hooli",    "Vandelay",
    "Stark",      "Wayne",    "Tyrell",   "Cyberdyne", "Soylent",  "Wonka",
    "Gringotts",  "Oscorp",   "Aperture", "Massive",   "Monarch",  "Pied Piper",
    "Dunder",     "Sterling", "Blue Sun", "Nakatomi",  "Virtucon", "Bluth",
    "Prestige",   "Duff",     "Krusty",   "Vehement",  "Rekall",   "Zorg",
    "Ollivander", "Northwind"};
static const char *const NAME2[16] = {
    "Labs",      "Systems",  "Logistics",  "Foods",    "Health",    "Capital",
    "Retail",    "Energy",   "Media",      "Robotics", "Analytics", "Travel",
    "Insurance", "Software", "Industries", "Partners"};

/* Lognormal size of a customer at start (monthly $), calibrated so that the
 * MRR of the last month (after expansions/contractions) has top 10% ~ 45%
 * and top 30% ~ 75% of revenue. */
#ifndef MRR_MU
#define MRR_MU 7.05
#endif
#ifndef MRR_SIGMA
#define MRR_SIGMA 1.15
#endif

typedef struct {
  int64_t id;
  double risk; /* hidden churn propensity, 0..1 */
  int segment, fit;
  int start_day, s0; /* start date (day number), its month index */
  int name1, name2;
  int two_plans, addon_pct, addon_from;
  int64_t prim[NCAL], addon[NCAL]; /* cents, 0 when not a customer */
  int nchurn, churn_at[NCAL];      /* months with MRR 0 after MRR > 0 */
  int churn_signal[NCAL];          /* health fell before that churn */
  double L[NCAL];                  /* latent health, 0..100 */
  int health_done;
} Cust;

static int active(const Cust *c, int k) {
  return k >= 0 && k < NCAL && c->prim[k] > 0;
}

static int64_t total(const Cust *c, int k) {
  return (k >= 0 && k < NCAL) ? c->prim[k] + c->addon[k] : 0;
}

static int anniversary_month(const Cust *c, int k) {
  return k > c->s0 && (k - c->s0) % 12 == 0;
}

static void sim_customer(uint64_t seed, int64_t id, Cust *c) {
  static int first = 1;
  static int day0, ndays;
  if (first) {
    day0 = days_from_civil(2022, 11, 1);
    ndays = days_from_civil(2026, 10, 31) - day0 + 1;
    first = 0;
  }
  Rng r = rng_for(seed, id, P_PROFILE);
  c->id = id;
  c->health_done = 0;
  c->risk = (unif(&r) + unif(&r)) / 2.0;
  double base = clampd(dexp(MRR_MU + MRR_SIGMA * normal(&r)), 50.0, 50000.0);
  int64_t base_cents = iround(base) * 100;
  c->segment = base >= 5000.0 ? SEG_ENT : base >= 1000.0 ? SEG_MID : SEG_SMB;
  c->start_day = day0 + (int)(unif(&r) * (double)ndays);
  c->s0 = month_index(c->start_day);
  double f = c->risk + 0.3 * (unif(&r) - 0.5);
  c->fit = f < 0.38 ? 0 : f < 0.62 ? 1 : 2;
  c->name1 = irange(&r, 0, 31);
  c->name2 = irange(&r, 0, 15);
  c->two_plans = unif(&r) < 0.10;
  c->addon_pct = irange(&r, 15, 40);
  c->addon_from = c->s0 + (unif(&r) < 0.5 ? 0 : irange(&r, 1, 12));

  /* monthly dynamics */
  Rng m = rng_for(seed, id, P_MRR);
  double hz = 0.003 + 0.045 * c->risk * c->risk;
  int64_t p = base_cents;
  int on = 0, back_at = -1;
  c->nchurn = 0;
  for (int k = 0; k < NCAL; k++) {
    if (k < c->s0) {
      c->prim[k] = c->addon[k] = 0;
      continue;
    }
    if (k == c->s0) {
      on = 1;
    } else if (on) {
      double h = hz * (anniversary_month(c, k) ? 4.0 : 0.73);
      if (unif(&m) < h) {
        on = 0;
        c->churn_at[c->nchurn++] = k;
        back_at = unif(&m) < 0.30 ? k + irange(&m, 2, 9) : -1;
      } else {
        double u = unif(&m);
        double pe = 0.05 - 0.03 * c->risk, pc = 0.01 + 0.035 * c->risk;
        if (u < pe) {
          int64_t q = p * irange(&m, 105, 150) / 100;
          if (q <= 5000000)
            p = q;
        } else if (u < pe + pc) {
          int64_t q = p * irange(&m, 60, 95) / 100;
          if (q >= 5000)
            p = q;
        }
      }
    } else if (k == back_at) {
      on = 1;
      p = p * irange(&m, 60, 110) / 100;
      if (p < 5000)
        p = 5000;
    }
    c->prim[k] = on ? p : 0;
    c->addon[k] = (on && c->two_plans && k >= c->addon_from)
                      ? (p * c->addon_pct / 100 + 50) / 100 * 100
                      : 0;
  }
}

/* latent health per month: hidden risk, a per-customer offset, a fall in
 * the months before most churns, and occasional dips without churn */
static void sim_health(uint64_t seed, Cust *c) {
  if (c->health_done)
    return;
  Rng r = rng_for(seed, c->id, P_HEALTH);
  double base = 90.0 - 58.0 * c->risk + 7.0 * normal(&r);
  for (int k = 0; k < NCAL; k++)
    c->L[k] = base;
  for (int i = 0; i < c->nchurn; i++) {
    int sig = unif(&r) < 0.70;
    int span = irange(&r, 2, 6);
    double drop = 15.0 + 30.0 * unif(&r);
    c->churn_signal[i] = sig;
    if (!sig)
      continue;
    for (int j = 1; j <= span; j++) {
      int k = c->churn_at[i] - j;
      if (k >= 0)
        c->L[k] -= drop * (double)(span - j + 1) / (double)span;
    }
  }
  if (unif(&r) < 0.15) { /* a dip that does not end in churn */
    int at = irange(&r, c->s0, NCAL - 1);
    int len = irange(&r, 2, 4);
    double depth = 10.0 + 25.0 * unif(&r);
    for (int j = 0; j < 2 * len + 1; j++) {
      int k = at - len + j;
      int dist = j < len ? len - j : j - len;
      if (k >= 0 && k < NCAL)
        c->L[k] -= depth * (double)(len + 1 - dist) / (double)(len + 1);
    }
  }
  for (int k = 0; k < NCAL; k++)
    c->L[k] = clampd(c->L[k], 0.0, 100.0);
  c->health_done = 1;
}

/* ---------------------------------------------------------------- journeys */

typedef struct {
  const char *milestone, *phase;
  int due_day;
} Step;

static const Step J_ENT[8] = {
    {"kickoff", "onboard", 3},           {"first_login", "onboard", 7},
    {"data_connected", "implement", 14}, {"integration_live", "implement", 30},
    {"training_done", "adopt", 45},      {"first_value", "adopt", 60},
    {"self_sufficient", "optimize", 90}, {"executive_review", "expand", 120}};
static const Step J_MID[6] = {
    {"kickoff", "onboard", 3},           {"first_login", "onboard", 7},
    {"data_connected", "implement", 14}, {"training_done", "adopt", 30},
    {"first_value", "adopt", 45},        {"self_sufficient", "expand", 75}};
static const Step J_SMB[5] = {{"first_login", "onboard", 2},
                              {"data_connected", "onboard", 7},
                              {"training_done", "adopt", 14},
                              {"first_value", "adopt", 21},
                              {"self_sufficient", "expand", 45}};
static const Step *const JOURNEY[3] = {J_ENT, J_MID, J_SMB};
static const int JOURNEY_LEN[3] = {8, 6, 5};

/* ---------------------------------------------------------------- scorecard */

typedef struct {
  const char *measure;
  double weight, worst, best;
  const char *desc;
} Measure;
static const Measure SCORECARD[6] = {
    {"active_users_pct", 0.25, 0, 100,
     "share of licensed users active in the last 30 days (%)"},
    {"logins_per_week", 0.15, 0, 20, "logins per week, all users"},
    {"support_tickets_open", 0.10, 10, 0,
     "open support tickets (lower is better)"},
    {"days_since_login", 0.15, 60, 0,
     "days since the last login of any user (lower is better)"},
    {"nps_last", 0.20, 0, 10, "latest NPS answer (0..10)"},
    {"exec_sponsor", 0.15, 0, 1,
     "an executive sponsor is engaged (1) or not (0)"}};

/* ---------------------------------------------------------------- sqlite */

enum {
  T_ACCOUNTS,
  T_MRR,
  T_SCORECARD,
  T_MEASURES,
  T_HHIST,
  T_STEPS,
  T_EVENTS,
  T_NPS,
  T_REASONS,
  T_RENEWALS,
  T_COUNT
};
static const char *const TABLE[T_COUNT] = {
    "accounts",       "mrr_history",   "scorecard",       "health_measures",
    "health_history", "journey_steps", "adoption_events", "nps_responses",
    "churn_reasons",  "renewals"};
static const char *const INSERT_SQL[T_COUNT] = {
    "INSERT INTO accounts(customer_id,name,segment,start_date,fit,journey,mrr) "
    "VALUES(?,?,?,?,?,?,?)",
    "INSERT INTO mrr_history(customer_id,month,mrr,plan) VALUES(?,?,?,?)",
    "INSERT INTO scorecard(measure,weight,worst,best,description) "
    "VALUES(?,?,?,?,?)",
    "INSERT INTO health_measures(customer_id,measure,at,value) VALUES(?,?,?,?)",
    "INSERT INTO health_history(customer_id,at,score) VALUES(?,?,?)",
    "INSERT INTO journey_steps(journey,seq,milestone,phase,due_day) "
    "VALUES(?,?,?,?,?)",
    "INSERT INTO adoption_events(customer_id,milestone,at) VALUES(?,?,?)",
    "INSERT INTO nps_responses(customer_id,responded_at,score,comment) "
    "VALUES(?,?,?,?)",
    "INSERT INTO churn_reasons(customer_id,period,reason,avoidable) "
    "VALUES(?,?,?,?)",
    "INSERT INTO renewals(customer_id,renewal_date,renewed) VALUES(?,?,?)"};

static sqlite3 *db;
static sqlite3_stmt *stmt[T_COUNT];
static long long nrows[T_COUNT];

static void die(const char *what) {
  fprintf(stderr, "gen: %s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
  if (db)
    sqlite3_close(db);
  exit(1);
}

static void ck(int rc, const char *what) {
  if (rc != SQLITE_OK)
    die(what);
}

static void exec_sql(const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "gen: %s: %s\n", sql, err ? err : "error");
    sqlite3_free(err);
    sqlite3_close(db);
    exit(1);
  }
}

/* Bind helpers: column i (1-based) of table t */
static void b_int(int t, int i, int64_t v) {
  ck(sqlite3_bind_int64(stmt[t], i, v), TABLE[t]);
}
static void b_real(int t, int i, double v) {
  ck(sqlite3_bind_double(stmt[t], i, v), TABLE[t]);
}
static void b_null(int t, int i) {
  ck(sqlite3_bind_null(stmt[t], i), TABLE[t]);
}
static void b_text(int t, int i, const char *v) {
  ck(v ? sqlite3_bind_text(stmt[t], i, v, -1, SQLITE_STATIC)
       : sqlite3_bind_null(stmt[t], i),
     TABLE[t]);
}

static void row(int t) {
  if (sqlite3_step(stmt[t]) != SQLITE_DONE)
    die(TABLE[t]);
  ck(sqlite3_reset(stmt[t]), TABLE[t]);
  nrows[t]++;
}

/* ---------------------------------------------------------------- writers */

static int want[T_COUNT];
static int win0;      /* first month index written (NCAL - months) */
static int as_of_day; /* 2026-10-31 */

static void w_accounts(const Cust *c) {
  char name[96], date[32];
  snprintf(name, sizeof name, "%s %s %04lld", NAME1[c->name1], NAME2[c->name2],
           (long long)c->id);
  fmt_date(c->start_day, date);
  b_int(T_ACCOUNTS, 1, c->id);
  b_text(T_ACCOUNTS, 2, name);
  b_text(T_ACCOUNTS, 3, SEGMENT[c->segment]);
  b_text(T_ACCOUNTS, 4, date);
  b_text(T_ACCOUNTS, 5, FIT[c->fit]);
  b_text(T_ACCOUNTS, 6, SEGMENT[c->segment]);
  b_real(T_ACCOUNTS, 7, (double)total(c, NCAL - 1) / 100.0);
  row(T_ACCOUNTS);
}

static void w_mrr(const Cust *c) {
  char month[16];
  for (int k = win0; k < NCAL; k++) {
    if (!active(c, k))
      continue;
    fmt_month(k, month);
    b_int(T_MRR, 1, c->id);
    b_text(T_MRR, 2, month);
    b_real(T_MRR, 3, (double)c->prim[k] / 100.0);
    b_text(T_MRR, 4, PLAN[c->segment]);
    row(T_MRR);
    if (c->addon[k] > 0) {
      b_real(T_MRR, 3, (double)c->addon[k] / 100.0);
      b_text(T_MRR, 4, ADDON_PLAN);
      row(T_MRR);
    }
  }
}

/* the day of month k on which a monthly observation is made (the 15th, or
 * the start date when the customer started later that month) */
static int obs_day(const Cust *c, int k) {
  int d = month_first_day(k) + 14;
  return d < c->start_day ? c->start_day : d;
}

static void w_health_history(uint64_t seed, Cust *c) {
  char date[32];
  Rng r = rng_for(seed, c->id, P_HNOISE);
  sim_health(seed, c);
  for (int k = 0; k < NCAL; k++) {
    double noise = 6.0 * normal(&r);
    if (k < win0 || !active(c, k))
      continue;
    double s = clampd(c->L[k] + noise, 0.0, 100.0);
    fmt_date(obs_day(c, k), date);
    b_int(T_HHIST, 1, c->id);
    b_text(T_HHIST, 2, date);
    b_real(T_HHIST, 3, (double)iround(s * 10.0) / 10.0);
    row(T_HHIST);
  }
}

static void w_health_measures(uint64_t seed, Cust *c) {
  char date[32];
  Rng r = rng_for(seed, c->id, P_MEASURES);
  sim_health(seed, c);
  int last = NCAL - 1;
  while (last > c->s0 && !active(c, last))
    last--;
  int ylast, mlast;
  month_ym(last, &ylast, &mlast);
  int latest =
      month_first_day(last) + irange(&r, 0, days_in_month(ylast, mlast) - 1);
  if (latest < c->start_day)
    latest = c->start_day;
  if (latest > as_of_day)
    latest = as_of_day;
  int nolder = irange(&r, 0, 2);
  for (int o = nolder; o >= 0; o--) {
    int day = latest - 30 * o;
    int k = month_index(day);
    double L = (day >= c->start_day && k >= 0) ? c->L[k] : c->L[c->s0];
    int keep = day >= c->start_day; /* always draw, so streams stay put */
    for (int i = 0; i < 6; i++) {
      double v = 0.0;
      switch (i) {
      case 0:
        v = (double)iround(clampd(L + 12.0 * normal(&r), 0.0, 100.0) * 10.0) /
            10.0;
        break;
      case 1:
        v = (double)iround(clampd(L / 5.0 + 2.5 * normal(&r), 0.0, 40.0) *
                           10.0) /
            10.0;
        break;
      case 2:
        v = (double)iround(
            clampd((100.0 - L) / 12.0 + 1.5 * normal(&r), 0.0, 30.0));
        break;
      case 3:
        v = (double)iround(
            clampd((100.0 - L) * 0.5 - 5.0 + 8.0 * normal(&r), 0.0, 90.0));
        break;
      case 4:
        v = (double)iround(
            clampd(L / 10.0 + 1.2 + 1.5 * normal(&r), 0.0, 10.0));
        break;
      case 5:
        v = unif(&r) < 0.15 + 0.75 * L / 100.0 ? 1.0 : 0.0;
        break;
      }
      int missing = unif(&r) < (o == 0 ? 0.03 : 0.02);
      if (!keep)
        continue;
      fmt_date(day, date);
      b_int(T_MEASURES, 1, c->id);
      b_text(T_MEASURES, 2, SCORECARD[i].measure);
      b_text(T_MEASURES, 3, date);
      if (missing)
        b_null(T_MEASURES, 4);
      else
        b_real(T_MEASURES, 4, v);
      row(T_MEASURES);
    }
  }
}

static void event(const Cust *c, const char *milestone, int day, int minute) {
  char date[32];
  fmt_date(day, date);
  if (minute >= 0)
    snprintf(date + 10, sizeof date - 10, " %02d:%02d:00", minute / 60,
             minute % 60);
  b_int(T_EVENTS, 1, c->id);
  b_text(T_EVENTS, 2, milestone);
  b_text(T_EVENTS, 3, date);
  row(T_EVENTS);
}

static void w_events(uint64_t seed, const Cust *c) {
  Rng r = rng_for(seed, c->id, P_EVENTS);
  if (unif(&r) >= 0.90 - 0.40 * c->risk)
    return;            /* not tracked (~30%) */
  int end = as_of_day; /* events only while a customer */
  if (c->nchurn > 0 && month_first_day(c->churn_at[0]) - 1 < end)
    end = month_first_day(c->churn_at[0]) - 1;
  const Step *js = JOURNEY[c->segment];
  int prev = c->start_day;
  for (int i = 0; i < JOURNEY_LEN[c->segment]; i++) {
    if (unif(&r) < 0.03 + 0.22 * c->risk && i > 0)
      break; /* stalls here */
    int due = c->start_day + js[i].due_day;
    int day;
    if (unif(&r) < 0.12 + 0.35 * c->risk)
      day = due + irange(&r, 1, 40); /* late */
    else
      day = due - irange(&r, 0, js[i].due_day / 2); /* in time */
    if (day < prev)
      day = prev;
    int minute = unif(&r) < 0.06 ? irange(&r, 8 * 60, 19 * 60 + 59) : -1;
    int dup = unif(&r) < 0.02;
    int dupday = day + irange(&r, 1, 20);
    if (day > end)
      break; /* journey in progress, or churned */
    event(c, js[i].milestone, day, minute);
    if (dup && dupday <= end)
      event(c, js[i].milestone, dupday, -1);
    prev = day;
  }
  if (unif(&r) < 0.03) { /* not a milestone of any journey */
    int day = c->start_day + irange(&r, 5, 60);
    if (day <= end)
      event(c, "webinar_attended", day, -1);
  }
}

static const char *const COMMENT_PROMOTER[5] = {
    "Great product, the team loves it", "Support is fast and helpful",
    "Saved us hours every week", "Easy to roll out",
    "Would recommend to peers"};
static const char *const COMMENT_PASSIVE[5] = {
    "Does the job", "Good, but reporting could be better",
    "Pricing is a bit high", "Onboarding took longer than expected",
    "Fine for now"};
static const char *const COMMENT_DETRACTOR[6] = {
    "Too hard to use",
    "Missing the integrations we need",
    "Support takes days to answer",
    "We do not see the value",
    "Our champion left, nobody uses it",
    "Too expensive for what we get"};

static void w_nps(uint64_t seed, Cust *c) {
  char date[32];
  Rng r = rng_for(seed, c->id, P_NPS);
  if (unif(&r) >= 0.40)
    return;
  sim_health(seed, c);
  int w0 = month_first_day(win0);
  for (int day = c->start_day + irange(&r, 30, 120); day <= as_of_day;
       day += irange(&r, 150, 210)) {
    int k = month_index(day);
    double noise = 1.3 * normal(&r);
    int score = (int)iround(clampd(c->L[k] / 10.0 + 1.5 + noise, 0.0, 10.0));
    int has_comment = unif(&r) < 0.35;
    int pick = irange(&r, 0, 59);
    if (day < w0 || !active(c, k))
      continue;
    const char *comment = NULL;
    if (has_comment)
      comment = score >= 9   ? COMMENT_PROMOTER[pick % 5]
                : score >= 7 ? COMMENT_PASSIVE[pick % 5]
                             : COMMENT_DETRACTOR[pick % 6];
    fmt_date(day, date);
    b_int(T_NPS, 1, c->id);
    b_text(T_NPS, 2, date);
    b_int(T_NPS, 3, score);
    b_text(T_NPS, 4, comment);
    row(T_NPS);
  }
}

static const char *const AVOIDABLE[5] = {"low_adoption", "missing_feature",
                                         "champion_left", "no_value_realized",
                                         "poor_support"};

static void w_reasons(uint64_t seed, Cust *c) {
  char month[16];
  Rng r = rng_for(seed, c->id, P_REASONS);
  sim_health(seed, c);
  int ci = 0;
  for (int k = c->s0 + 1; k < NCAL; k++) {
    int churn = active(c, k - 1) && !active(c, k);
    int contraction =
        active(c, k - 1) && active(c, k) && total(c, k) < total(c, k - 1);
    if (!churn && !contraction)
      continue;
    int signal = 1;
    if (churn) {
      while (ci < c->nchurn && c->churn_at[ci] < k)
        ci++;
      signal = ci < c->nchurn ? c->churn_signal[ci] : 1;
    }
    int record = unif(&r) < 0.80;
    double pu = churn ? (signal ? 0.15 : 0.45) : 0.25;
    int unavoidable = unif(&r) < pu;
    int pick = irange(&r, 0, 59);
    if (!record || k - 1 < win0)
      continue;
    const char *reason;
    if (unavoidable)
      reason = churn ? (pick % 3 == 0   ? "acquired"
                        : pick % 3 == 1 ? "out_of_business"
                                        : "budget_frozen_by_parent")
                     : (pick % 3 == 0 ? "acquired" : "budget_frozen_by_parent");
    else if (!churn) /* contractions: seats unused or budget cuts */
      reason = pick % 4 == 0   ? "missing_feature"
               : pick % 4 == 1 ? "champion_left"
                               : "low_adoption";
    else if (signal)
      reason = AVOIDABLE[pick % 5];
    else /* no warning in the score: the champion left... */
      reason = pick % 2 ? "champion_left" : "missing_feature";
    fmt_month(k, month);
    b_int(T_REASONS, 1, c->id);
    b_text(T_REASONS, 2, month);
    b_text(T_REASONS, 3, reason);
    b_int(T_REASONS, 4, !unavoidable);
    row(T_REASONS);
  }
}

static void w_renewals(const Cust *c) {
  char date[32];
  int y0, m0, d0;
  civil_from_days(c->start_day, &y0, &m0, &d0);
  int w0 = month_first_day(win0);
  for (int n = 1; n < 10; n++) {
    int y = y0 + n, d = d0;
    if (d > days_in_month(y, m0))
      d = days_in_month(y, m0);
    int day = days_from_civil(y, m0, d);
    if (day > as_of_day)
      break;
    if (day < w0)
      continue;
    int k = month_index(day);
    if (!active(c, k - 1))
      continue; /* not a customer going into renewal */
    int renewed = active(c, k) && (k + 1 >= NCAL || active(c, k + 1));
    fmt_date(day, date);
    b_int(T_RENEWALS, 1, c->id);
    b_text(T_RENEWALS, 2, date);
    b_int(T_RENEWALS, 3, renewed);
    row(T_RENEWALS);
  }
}

static void w_static(void) {
  if (want[T_SCORECARD])
    for (int i = 0; i < 6; i++) {
      b_text(T_SCORECARD, 1, SCORECARD[i].measure);
      b_real(T_SCORECARD, 2, SCORECARD[i].weight);
      b_real(T_SCORECARD, 3, SCORECARD[i].worst);
      b_real(T_SCORECARD, 4, SCORECARD[i].best);
      b_text(T_SCORECARD, 5, SCORECARD[i].desc);
      row(T_SCORECARD);
    }
  if (want[T_STEPS])
    for (int j = 0; j < 3; j++)
      for (int i = 0; i < JOURNEY_LEN[j]; i++) {
        b_text(T_STEPS, 1, SEGMENT[j]);
        b_int(T_STEPS, 2, i + 1);
        b_text(T_STEPS, 3, JOURNEY[j][i].milestone);
        b_text(T_STEPS, 4, JOURNEY[j][i].phase);
        b_real(T_STEPS, 5, JOURNEY[j][i].due_day);
        row(T_STEPS);
      }
}

/* ---------------------------------------------------------------- main */

static void usage(int code) {
  fprintf(
      code ? stderr : stdout,
      "usage: gen [--customers N] [--months M] [--seed S] [--tables LIST]\n"
      "           [--schema sql/schema.sql] --out FILE.db\n"
      "  --customers N  number of accounts (default 2000)\n"
      "  --months M     months of history ending 2026-10, 1..%d (default 24)\n"
      "  --seed S       random seed, an unsigned integer (default 42)\n"
      "  --tables LIST  comma list of tables to fill (default: all):\n"
      "                 "
      "accounts,mrr_history,scorecard,health_measures,health_history,\n"
      "                 "
      "journey_steps,adoption_events,nps_responses,churn_reasons,renewals\n"
      "  --schema FILE  schema to execute first (default sql/schema.sql)\n"
      "  --out FILE     database to create (deleted first if it exists)\n",
      NCAL);
  exit(code);
}

static long long parse_num(const char *opt, const char *s, long long lo,
                           long long hi) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "gen: %s expects a whole number in %lld..%lld, got '%s'\n",
            opt, lo, hi, s);
    exit(2);
  }
  return v;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "gen: cannot open schema %s: %s\n", path, strerror(errno));
    exit(1);
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fprintf(stderr, "gen: out of memory\n");
      exit(1);
    }
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (len < cap - 1)
      break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  if (ferror(f)) {
    fprintf(stderr, "gen: cannot read schema %s\n", path);
    exit(1);
  }
  fclose(f);
  buf[len] = 0;
  return buf;
}

int main(int argc, char **argv) {
  long long customers = 2000, months = 24;
  uint64_t seed = 42;
  const char *tables = NULL, *schema = "sql/schema.sql", *out = NULL;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help"))
      usage(0);
    if (i + 1 >= argc) {
      fprintf(stderr, "gen: unknown option or missing value: %s\n", a);
      usage(2);
    }
    const char *v = argv[++i];
    if (!strcmp(a, "--customers"))
      customers = parse_num(a, v, 0, 100000000);
    else if (!strcmp(a, "--months"))
      months = parse_num(a, v, 1, NCAL);
    else if (!strcmp(a, "--seed")) {
      char *end;
      errno = 0;
      seed = strtoull(v, &end, 10);
      if (errno || end == v || *end || *v == '-') {
        fprintf(stderr, "gen: --seed expects an unsigned integer, got '%s'\n",
                v);
        exit(2);
      }
    } else if (!strcmp(a, "--tables"))
      tables = v;
    else if (!strcmp(a, "--schema"))
      schema = v;
    else if (!strcmp(a, "--out"))
      out = v;
    else {
      fprintf(stderr, "gen: unknown option: %s\n", a);
      usage(2);
    }
  }
  if (!out) {
    fprintf(stderr, "gen: --out FILE.db is required\n");
    usage(2);
  }
  if (!tables) {
    for (int t = 0; t < T_COUNT; t++)
      want[t] = 1;
  } else {
    const char *p = tables;
    while (*p) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      int found = 0;
      for (int t = 0; t < T_COUNT; t++)
        if (strlen(TABLE[t]) == n && !strncmp(TABLE[t], p, n))
          want[t] = found = 1;
      if (n == 3 && !strncmp(p, "all", 3)) {
        for (int t = 0; t < T_COUNT; t++)
          want[t] = 1;
        found = 1;
      }
      if (!found && n > 0) {
        fprintf(stderr, "gen: unknown table in --tables: %.*s\n", (int)n, p);
        exit(2);
      }
      p += n;
      if (*p == ',')
        p++;
    }
  }
  win0 = NCAL - (int)months;
  as_of_day = days_from_civil(2026, 10, 31);

  char *sql = read_file(schema);
  static const char *const suffix[4] = {"", "-journal", "-wal", "-shm"};
  for (int i = 0; i < 4; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s%s", out, suffix[i]);
    if (remove(path) != 0 && errno != ENOENT) {
      fprintf(stderr, "gen: cannot delete %s: %s\n", path, strerror(errno));
      exit(1);
    }
  }
  if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      NULL) != SQLITE_OK)
    die(out);
  exec_sql("PRAGMA journal_mode=OFF");
  exec_sql("PRAGMA synchronous=OFF");
  exec_sql("PRAGMA cache_size=-131072");
  exec_sql(sql);
  free(sql);
  exec_sql("BEGIN");
  for (int t = 0; t < T_COUNT; t++)
    if (want[t])
      ck(sqlite3_prepare_v2(db, INSERT_SQL[t], -1, &stmt[t], NULL),
         INSERT_SQL[t]);

  w_static();
  int per_customer = 0;
  for (int t = 0; t < T_COUNT; t++)
    if (want[t] && t != T_SCORECARD && t != T_STEPS)
      per_customer = 1;
  if (per_customer) {
    Cust *c = malloc(sizeof *c);
    if (!c) {
      fprintf(stderr, "gen: out of memory\n");
      exit(1);
    }
    for (int64_t id = 1; id <= customers; id++) {
      sim_customer(seed, id, c);
      if (want[T_ACCOUNTS])
        w_accounts(c);
      if (want[T_MRR])
        w_mrr(c);
      if (want[T_MEASURES])
        w_health_measures(seed, c);
      if (want[T_HHIST])
        w_health_history(seed, c);
      if (want[T_EVENTS])
        w_events(seed, c);
      if (want[T_NPS])
        w_nps(seed, c);
      if (want[T_REASONS])
        w_reasons(seed, c);
      if (want[T_RENEWALS])
        w_renewals(c);
    }
    free(c);
  }
  for (int t = 0; t < T_COUNT; t++)
    if (stmt[t])
      ck(sqlite3_finalize(stmt[t]), TABLE[t]);
  exec_sql("COMMIT");
  if (sqlite3_close(db) != SQLITE_OK)
    die("close");
  db = NULL;

  printf("gen: %s seed=%llu customers=%lld months=%lld:", out,
         (unsigned long long)seed, customers, months);
  for (int t = 0; t < T_COUNT; t++)
    if (want[t])
      printf(" %s=%lld", TABLE[t], nrows[t]);
  printf("\n");
  return 0;
}
