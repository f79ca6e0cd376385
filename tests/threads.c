/*
** threads.c -- concurrency test: N threads (default 8), each with its own
** connection to one shared database file, run the extension's SQL corpus
** over and over for a bounded time; every statement's outcome must equal
** the single-threaded one. Built with -fsanitize=thread by `make threads`.
**
**   dist/rel/threads [--threads 8] [--seconds 20] DB SCRIPT.sql...
**
** How it works:
**   1. The main thread opens DB read-only, runs every SCRIPT once and keeps
**      each statement's outcome (rows and result code) as the reference.
**   2. N threads start together. Each loops until the time is up: open a
**      new connection (read-only, SQLITE_OPEN_FULLMUTEX), register the
**      extension, run one script (thread k starts at script k, so
**      different modules run at the same time), compare every outcome with
**      the reference, close.
**   3. Scripts create their virtual tables in the temp schema, which is
**      private to a connection, so the threads never write the shared file.
**
** Output: mismatches (thread, script, statement, got/expected), then
**   "threads: N threads, N runs, N statements, N mismatches"; exit 1 when
** any mismatch or when a thread completed no run.
*/
#define _POSIX_C_SOURCE 200809L
#include "reliability/rel.h"

#include <pthread.h>
#include <time.h>

typedef struct Script {
  const char *zPath;
  RelScript sql;
  char **azRef; /* reference outcome of each statement */
} Script;

typedef struct Shared {
  const char *zDb;
  Script *aScript;
  int nScript;
  double tEnd; /* monotonic seconds */
} Shared;

typedef struct Worker {
  pthread_t tid;
  int iWorker;
  const Shared *pShared;
  long long nRun;
  long long nStmt;
  long long nMismatch;
} Worker;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sqlite3 *open_shared(const char *zDb) {
  sqlite3 *db = 0;
  int rc = rel_open(zDb, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, &db);
  if (rc != SQLITE_OK) {
    fprintf(stderr, "threads: cannot open %s: %s\n", zDb, sqlite3_errmsg(db));
    exit(2);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

/* Runs every statement of pScript on db; with azRef, counts mismatches. */
static long long run_script(sqlite3 *db, Script *pScript, Worker *pWorker) {
  RelBuf out = {0, 0, 0};
  long long nMismatch = 0;
  for (int i = 0; i < pScript->sql.nStmt; i++) {
    rel_buf_reset(&out);
    rel_run(db, pScript->sql.azStmt[i], &out, 0);
    if (pWorker == 0) {
      pScript->azRef[i] = rel_strdup(out.z, out.n);
      continue;
    }
    pWorker->nStmt++;
    if (strcmp(out.z, pScript->azRef[i]) != 0) {
      nMismatch++;
      if (pWorker->nMismatch + nMismatch <= 5) {
        printf("MISMATCH thread %d %s statement %d\n  sql: %s\n  got:      "
               "%s  expected: %s",
               pWorker->iWorker, pScript->zPath, i + 1, pScript->sql.azStmt[i],
               out.z, pScript->azRef[i]);
        fflush(stdout);
      }
    }
  }
  rel_buf_free(&out);
  return nMismatch;
}

static void *worker_main(void *pArg) {
  Worker *pWorker = (Worker *)pArg;
  const Shared *pShared = pWorker->pShared;
  int iScript = pWorker->iWorker % pShared->nScript;
  while (now_seconds() < pShared->tEnd) {
    sqlite3 *db = open_shared(pShared->zDb);
    pWorker->nMismatch += run_script(db, &pShared->aScript[iScript], pWorker);
    sqlite3_close(db);
    pWorker->nRun++;
    iScript = (iScript + 1) % pShared->nScript;
  }
  return 0;
}

int main(int argc, char **argv) {
  int nThread = 8;
  double seconds = 20;
  Shared shared;
  memset(&shared, 0, sizeof(shared));
  shared.aScript = calloc((size_t)argc, sizeof(Script));
  if (shared.aScript == 0)
    rel_die("out of memory");
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      nThread = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = atof(argv[++i]);
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: %s [--threads N] [--seconds S] DB SCRIPT...\n",
              argv[0]);
      return 2;
    } else if (shared.zDb == 0) {
      shared.zDb = argv[i];
    } else {
      Script *pScript = &shared.aScript[shared.nScript++];
      char *zText = rel_read_file(argv[i], 0);
      pScript->zPath = argv[i];
      rel_split_sql(zText, &pScript->sql);
      free(zText);
      pScript->azRef = calloc((size_t)pScript->sql.nStmt + 1, sizeof(char *));
      if (pScript->azRef == 0)
        rel_die("out of memory");
    }
  }
  if (shared.zDb == 0 || shared.nScript == 0 || nThread < 1) {
    fprintf(stderr, "threads: a database and at least one script needed\n");
    return 2;
  }

  /* 1. The single-threaded reference. */
  for (int i = 0; i < shared.nScript; i++) {
    sqlite3 *db = open_shared(shared.zDb);
    run_script(db, &shared.aScript[i], 0);
    sqlite3_close(db);
  }

  /* 2. The threads. */
  Worker *aWorker = calloc((size_t)nThread, sizeof(Worker));
  if (aWorker == 0)
    rel_die("out of memory");
  shared.tEnd = now_seconds() + seconds;
  for (int i = 0; i < nThread; i++) {
    aWorker[i].iWorker = i;
    aWorker[i].pShared = &shared;
    if (pthread_create(&aWorker[i].tid, 0, worker_main, &aWorker[i]))
      rel_die("cannot start a thread");
  }
  long long nRun = 0, nStmt = 0, nMismatch = 0;
  int nIdle = 0;
  for (int i = 0; i < nThread; i++) {
    pthread_join(aWorker[i].tid, 0);
    nRun += aWorker[i].nRun;
    nStmt += aWorker[i].nStmt;
    nMismatch += aWorker[i].nMismatch;
    nIdle += aWorker[i].nRun == 0;
  }
  printf("threads: %d threads, %lld runs, %lld statements, %lld mismatches\n",
         nThread, nRun, nStmt, nMismatch);
  for (int i = 0; i < shared.nScript; i++) {
    for (int j = 0; j < shared.aScript[i].sql.nStmt; j++)
      free(shared.aScript[i].azRef[j]);
    free(shared.aScript[i].azRef);
    rel_script_free(&shared.aScript[i].sql);
  }
  free(shared.aScript);
  free(aWorker);
  return (nMismatch || nIdle) ? 1 : 0;
}
