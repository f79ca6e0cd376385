/*
** oom.c -- out-of-memory driver: every allocation that a statement of the
** extension's SQL corpus causes is made to fail in turn.
**
**   dist/rel/oom [--mode transient|persistent|both] [--setup FILE]...
**                [--max N] [--stride K] [--verbose] SCRIPT.sql...
**
** The extension is linked statically; SQLite's allocator is replaced with
** SQLITE_CONFIG_MALLOC by a wrapper around the real one that counts calls
** and live allocations and fails the Nth call ("transient": that call only;
** "persistent": that call and every later one).
**
** How it works:
**   1. The --setup scripts (the schema and tests/reliability/fixture.sql)
**      run once into a template database, kept serialized.
**   2. Each SCRIPT runs once without faults: the reference outcome (rows and
**      result code) of each of its statements.
**   3. For statement i and N = 1, 2, ...: a fresh connection gets the
**      template, the extension, and the earlier statements of the script
**      that change state (sqlite3_stmt_readonly() false); then allocation N
**      of statement i fails. The loop ends at the first N that the
**      statement does not reach (no fault injected).
**   4. Each trial must end with SQLITE_NOMEM or with exactly the reference
**      outcome (rows and result) -- anything else is reported "wrong";
**      when the reference is an error, any error will do (see
**      outcome_ok) --
**      and once the connection is closed the number of live allocations
**      must be what it was before it was opened -- else "leak". Crashes and
**      leaks SQLite cannot see are for AddressSanitizer / LeakSanitizer (the
**      make target builds this file with them).
**   5. Registering the extension on a connection is tested the same way.
**   6. --stride K (CI-sized runs): persistent mode fails only allocations
**      1, 1+K, 1+2K, ... of each statement (and of registration);
**      transient mode always fails every one.
**
** Output: one line per finding, then
**   "oom: N scripts, N statements, N trials, N failures"; exit 1 when any.
*/
#include "reliability/rel.h"

/* ---- the failing allocator ------------------------------------------ */

typedef struct Fault {
  sqlite3_mem_methods real; /* SQLite's own allocator */
  int bArmed;               /* count and fail calls */
  int bPersistent;          /* keep failing after the first fault */
  long long nCall;          /* malloc/realloc calls since armed */
  long long iFail;          /* the call to fail (1-based) */
  long long nInjected;      /* faults injected since armed */
  long long nLive;          /* live allocations (always counted) */
} Fault;

static Fault g; /* the harness is single-threaded */

static int fault_now(void) {
  if (!g.bArmed)
    return 0;
  g.nCall++;
  if (g.nCall == g.iFail || (g.bPersistent && g.nCall > g.iFail)) {
    g.nInjected++;
    return 1;
  }
  return 0;
}

static void *fault_malloc(int n) {
  if (fault_now())
    return 0;
  void *p = g.real.xMalloc(n);
  if (p)
    g.nLive++;
  return p;
}

static void fault_free(void *p) {
  if (p)
    g.nLive--;
  g.real.xFree(p);
}

static void *fault_realloc(void *p, int n) {
  if (fault_now())
    return 0;
  void *pNew = g.real.xRealloc(p, n);
  if (pNew && p == 0)
    g.nLive++;
  return pNew;
}

static int fault_size(void *p) { return g.real.xSize(p); }
static int fault_roundup(int n) { return g.real.xRoundup(n); }
static int fault_init(void *pArg) { return g.real.xInit(pArg); }
static void fault_shutdown(void *pArg) { g.real.xShutdown(pArg); }

static void fault_install(void) {
  static const sqlite3_mem_methods wrapper = {
      fault_malloc,  fault_free, fault_realloc,  fault_size,
      fault_roundup, fault_init, fault_shutdown, 0};
  if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g.real) != SQLITE_OK ||
      sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapper) != SQLITE_OK ||
      sqlite3_initialize() != SQLITE_OK)
    rel_die("cannot install the failing allocator");
}

static void fault_arm(long long iFail, int bPersistent) {
  g.nCall = 0;
  g.nInjected = 0;
  g.iFail = iFail;
  g.bPersistent = bPersistent;
  g.bArmed = 1;
}

static void fault_disarm(void) { g.bArmed = 0; }

/* ---- the driver ----------------------------------------------------- */

typedef struct Driver {
  unsigned char *aTemplate; /* serialized setup database */
  sqlite3_int64 nTemplate;
  int bVerbose;
  long long nMax;    /* give up a statement after this many trials */
  long long nStride; /* persistent mode: every nStride-th allocation */
  long long nTrial;
  int nStmt;
  int nFail;
} Driver;

/* A connection on a copy of the template with the extension registered. */
static sqlite3 *driver_open(Driver *p) {
  sqlite3 *db = 0;
  if (rel_open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db))
    rel_die("cannot open a connection");
  if (p->aTemplate) {
    unsigned char *aCopy = sqlite3_malloc64((sqlite3_uint64)p->nTemplate);
    if (aCopy == 0)
      rel_die("cannot copy the template");
    memcpy(aCopy, p->aTemplate, (size_t)p->nTemplate);
    if (sqlite3_deserialize(db, "main", aCopy, p->nTemplate, p->nTemplate,
                            SQLITE_DESERIALIZE_FREEONCLOSE |
                                SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
      rel_die("cannot load the template");
  }
  return db;
}

static void driver_close(sqlite3 *db) {
  if (sqlite3_close(db) != SQLITE_OK)
    rel_die("a connection did not close (unfinalized statement?)");
}

static void driver_setup(Driver *p, char **azSetup, int nSetup) {
  if (nSetup == 0)
    return;
  sqlite3 *db = driver_open(p);
  RelBuf out = {0, 0, 0};
  for (int i = 0; i < nSetup; i++) {
    char *zSql = rel_read_file(azSetup[i], 0);
    char *zErr = 0;
    if (sqlite3_exec(db, zSql, 0, 0, &zErr) != SQLITE_OK) {
      fprintf(stderr, "oom: setup %s: %s\n", azSetup[i], zErr);
      exit(2);
    }
    free(zSql);
  }
  sqlite3_int64 n = 0;
  unsigned char *a = sqlite3_serialize(db, "main", &n, 0);
  if (a == 0)
    rel_die("cannot serialize the setup database");
  p->aTemplate = malloc((size_t)n);
  if (p->aTemplate == 0)
    rel_die("out of memory");
  memcpy(p->aTemplate, a, (size_t)n);
  p->nTemplate = n;
  sqlite3_free(a);
  rel_buf_free(&out);
  driver_close(db);
}

static void driver_finding(Driver *p, const char *zKind, const char *zWhere,
                           const char *zSql, long long iFail, int bPersistent,
                           const char *zGot, const char *zWant) {
  p->nFail++;
  printf("FAIL %s: %s: fault at allocation %lld (%s)\n  sql: %s\n", zKind,
         zWhere, iFail, bPersistent ? "persistent" : "transient", zSql);
  if (zGot)
    printf("  got:      %s  expected: %s", zGot, zWant);
  fflush(stdout);
}

/* 1 when a run's output (see rel_run) ends in an error. */
static int output_is_error(const char *zOut) {
  const char *zLast = 0;
  for (const char *z = zOut; (z = strstr(z, "=> ")) != 0; z++)
    zLast = z;
  return zLast && strncmp(zLast, "=> ok\n", 6) != 0;
}

/* True when a trial's output is acceptable: the reference; or an
** out-of-memory error (whatever rows came before it); or, when the
** reference itself is an error, any error (SQLite may lose an error's text
** under OOM: sqlite3_result_error() cannot report that it failed to copy
** the message, and the statement then fails with a bare SQLITE_ERROR). */
static int outcome_ok(int rc, const char *zGot, const char *zWant) {
  if ((rc & 0xff) == SQLITE_NOMEM)
    return 1;
  if (rc != SQLITE_OK && output_is_error(zWant))
    return 1;
  return strcmp(zGot, zWant) == 0;
}

/* Registration of the extension under every fault. */
static void driver_register(Driver *p) {
  for (int bPersistent = 0; bPersistent <= 1; bPersistent++) {
    long long nStep = bPersistent ? p->nStride : 1;
    for (long long iFail = 1; iFail < p->nMax; iFail += nStep) {
      sqlite3 *db = 0;
      long long nLive = g.nLive;
      if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, 0))
        rel_die("cannot open a connection");
      fault_arm(iFail, bPersistent);
      int rc = rel_register(db);
      long long nInjected = g.nInjected;
      fault_disarm();
      p->nTrial++;
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOMEM)
        driver_finding(p, "wrong", "registration", "sqlite3_success_init",
                       iFail, bPersistent, sqlite3_errstr(rc), "NOMEM\n");
      driver_close(db);
      if (g.nLive != nLive)
        driver_finding(p, "leak", "registration", "sqlite3_success_init", iFail,
                       bPersistent, 0, 0);
      if (nInjected == 0)
        break;
    }
  }
}

/* Runs statement iStmt of the script under every fault of one mode. */
static void driver_statement(Driver *p, const char *zScript, RelScript *pScript,
                             const unsigned char *abWrite, char **azRef,
                             int iStmt, int bPersistent) {
  const char *zSql = pScript->azStmt[iStmt];
  RelBuf out = {0, 0, 0};
  char zWhere[300];
  snprintf(zWhere, sizeof(zWhere), "%s statement %d", zScript, iStmt + 1);
  long long nStep = bPersistent ? p->nStride : 1;
  for (long long iFail = 1;; iFail += nStep) {
    if (iFail > p->nMax) {
      printf("note: %s: stopped after %lld faults\n", zWhere, p->nMax);
      break;
    }
    long long nLive = g.nLive;
    sqlite3 *db = driver_open(p);
    for (int j = 0; j < iStmt; j++) {
      if (!abWrite[j])
        continue;
      rel_buf_reset(&out);
      rel_run(db, pScript->azStmt[j], &out, 0);
    }
    rel_buf_reset(&out);
    fault_arm(iFail, bPersistent);
    int rc = rel_run(db, zSql, &out, 0);
    long long nInjected = g.nInjected;
    fault_disarm();
    p->nTrial++;
    if (!outcome_ok(rc, out.z, azRef[iStmt]))
      driver_finding(p, "wrong", zWhere, zSql, iFail, bPersistent, out.z,
                     azRef[iStmt]);
    driver_close(db);
    if (g.nLive != nLive)
      driver_finding(p, "leak", zWhere, zSql, iFail, bPersistent, 0, 0);
    if (nInjected == 0) {
      if (p->bVerbose)
        printf("ok %s (%s): %lld allocations\n", zWhere,
               bPersistent ? "persistent" : "transient", iFail - 1);
      break;
    }
  }
  rel_buf_free(&out);
}

static void driver_script(Driver *p, const char *zPath, int bTransient,
                          int bPersistent) {
  char *zText = rel_read_file(zPath, 0);
  RelScript script;
  rel_split_sql(zText, &script);
  free(zText);
  char **azRef = calloc((size_t)script.nStmt + 1, sizeof(char *));
  unsigned char *abWrite = calloc((size_t)script.nStmt + 1, 1);
  if (azRef == 0 || abWrite == 0)
    rel_die("out of memory");

  /* The reference run, and which statements change state. */
  sqlite3 *db = driver_open(p);
  RelBuf out = {0, 0, 0};
  for (int i = 0; i < script.nStmt; i++) {
    sqlite3_stmt *pStmt = 0;
    if (sqlite3_prepare_v2(db, script.azStmt[i], -1, &pStmt, 0) == SQLITE_OK)
      abWrite[i] = pStmt && !sqlite3_stmt_readonly(pStmt);
    else
      abWrite[i] = 1; /* unknown: replay it */
    sqlite3_finalize(pStmt);
    rel_buf_reset(&out);
    rel_run(db, script.azStmt[i], &out, 0);
    azRef[i] = rel_strdup(out.z, out.n);
  }
  driver_close(db);
  rel_buf_free(&out);

  long long nTrial0 = p->nTrial;
  for (int i = 0; i < script.nStmt; i++) {
    if (bTransient)
      driver_statement(p, zPath, &script, abWrite, azRef, i, 0);
    if (bPersistent)
      driver_statement(p, zPath, &script, abWrite, azRef, i, 1);
    p->nStmt++;
  }
  printf("%s: %d statements, %lld trials\n", zPath, script.nStmt,
         p->nTrial - nTrial0);
  fflush(stdout);
  for (int i = 0; i < script.nStmt; i++)
    free(azRef[i]);
  free(azRef);
  free(abWrite);
  rel_script_free(&script);
}

int main(int argc, char **argv) {
  Driver d;
  char **azSetup = calloc((size_t)argc, sizeof(char *));
  int nSetup = 0, nScript = 0, bTransient = 1, bPersistent = 1;
  memset(&d, 0, sizeof(d));
  d.nMax = 100000;
  d.nStride = 1;
  fault_install();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--setup") == 0 && i + 1 < argc) {
      azSetup[nSetup++] = argv[++i];
    } else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc) {
      d.nMax = atoll(argv[++i]);
    } else if (strcmp(argv[i], "--stride") == 0 && i + 1 < argc) {
      d.nStride = atoll(argv[++i]);
      if (d.nStride < 1)
        d.nStride = 1;
    } else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
      const char *z = argv[++i];
      bTransient = strcmp(z, "persistent") != 0;
      bPersistent = strcmp(z, "transient") != 0;
    } else if (strcmp(argv[i], "--verbose") == 0) {
      d.bVerbose = 1;
    } else if (argv[i][0] == '-') {
      fprintf(stderr,
              "usage: %s [--mode transient|persistent|both] "
              "[--setup FILE]... [--max N] [--stride K] [--verbose] "
              "SCRIPT...\n",
              argv[0]);
      return 2;
    }
  }
  /* Warm up SQLite's lazily allocated globals before counting. */
  driver_close(driver_open(&d));
  driver_setup(&d, azSetup, nSetup);
  driver_register(&d);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--setup") == 0 || strcmp(argv[i], "--max") == 0 ||
        strcmp(argv[i], "--mode") == 0 || strcmp(argv[i], "--stride") == 0) {
      i++;
      continue;
    }
    if (argv[i][0] == '-')
      continue;
    driver_script(&d, argv[i], bTransient, bPersistent);
    nScript++;
  }
  printf("oom: %d scripts, %d statements, %lld trials, %d failures\n", nScript,
         d.nStmt, d.nTrial, d.nFail);
  free(d.aTemplate);
  free(azSetup);
  return d.nFail ? 1 : 0;
}
