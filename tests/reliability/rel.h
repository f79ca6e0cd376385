/*
** rel.h -- helpers shared by the reliability harnesses: tests/oom.c,
** tests/threads.c and the fuzz targets in tests/fuzz/.
**
** Each harness is one C file that includes this header and is linked with
** the ext sources built -DSQLITE_CORE and the system libsqlite3. The harnesses'
** own memory comes from malloc, never from SQLite's allocator, so the OOM
** driver counts and fails only what SQLite and the extension allocate.
**
**   rel_read_file()    a whole file, NUL-terminated (exits on failure)
**   rel_split_sql()    a script cut into complete statements
**   rel_open()         a connection with the extension registered
**   rel_run()          prepares and runs one statement, appending its rows
**                      and its outcome to a RelBuf as comparable text
*/
#ifndef REL_H
#define REL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sqlite3_success_init(sqlite3 *db, char **pzErrMsg,
                         const sqlite3_api_routines *pApi);

/* A growing text buffer on malloc. */
typedef struct RelBuf {
  char *z;
  size_t n;
  size_t nAlloc;
} RelBuf;

static inline void rel_die(const char *zMsg) {
  fprintf(stderr, "reliability harness: %s\n", zMsg);
  exit(2);
}

static inline void rel_buf_append(RelBuf *pBuf, const char *z, size_t n) {
  if (pBuf->n + n + 1 > pBuf->nAlloc) {
    size_t nNew = (pBuf->nAlloc + n + 1) * 2;
    char *zNew = realloc(pBuf->z, nNew);
    if (zNew == 0)
      rel_die("out of memory");
    pBuf->z = zNew;
    pBuf->nAlloc = nNew;
  }
  memcpy(pBuf->z + pBuf->n, z, n);
  pBuf->n += n;
  pBuf->z[pBuf->n] = 0;
}

static inline void rel_buf_printf(RelBuf *pBuf, const char *zFmt, ...) {
  char zSmall[256];
  va_list ap;
  va_start(ap, zFmt);
  int n = vsnprintf(zSmall, sizeof(zSmall), zFmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n < sizeof(zSmall)) {
    rel_buf_append(pBuf, zSmall, (size_t)n);
    return;
  }
  char *zBig = malloc((size_t)n + 1);
  if (zBig == 0)
    rel_die("out of memory");
  va_start(ap, zFmt);
  vsnprintf(zBig, (size_t)n + 1, zFmt, ap);
  va_end(ap);
  rel_buf_append(pBuf, zBig, (size_t)n);
  free(zBig);
}

/* The same with SQLite's printf (%q, %Q, %w); appends nothing on OOM. */
static inline void rel_buf_sqlf(RelBuf *pBuf, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  char *z = sqlite3_vmprintf(zFmt, ap);
  va_end(ap);
  if (z)
    rel_buf_append(pBuf, z, strlen(z));
  sqlite3_free(z);
}

static inline void rel_buf_reset(RelBuf *pBuf) {
  pBuf->n = 0;
  if (pBuf->z)
    pBuf->z[0] = 0;
}

static inline void rel_buf_free(RelBuf *pBuf) {
  free(pBuf->z);
  memset(pBuf, 0, sizeof(*pBuf));
}

static inline char *rel_strdup(const char *z, size_t n) {
  char *zOut = malloc(n + 1);
  if (zOut == 0)
    rel_die("out of memory");
  memcpy(zOut, z, n);
  zOut[n] = 0;
  return zOut;
}

static inline char *rel_read_file(const char *zPath, size_t *pnByte) {
  FILE *in = fopen(zPath, "rb");
  RelBuf buf = {0, 0, 0};
  char aChunk[8192];
  size_t n;
  if (in == 0) {
    fprintf(stderr, "reliability harness: cannot open %s\n", zPath);
    exit(2);
  }
  rel_buf_append(&buf, "", 0);
  while ((n = fread(aChunk, 1, sizeof(aChunk), in)) > 0)
    rel_buf_append(&buf, aChunk, n);
  fclose(in);
  if (pnByte)
    *pnByte = buf.n;
  return buf.z;
}

/* Statements of a script: complete SQL statements in order, each ending
** with its ';' (comment-only pieces are kept; they prepare to nothing). */
typedef struct RelScript {
  char **azStmt;
  int nStmt;
} RelScript;

static inline void rel_split_sql(const char *zSql, RelScript *pScript) {
  size_t nSql = strlen(zSql), iStart = 0;
  int nAlloc = 0;
  pScript->azStmt = 0;
  pScript->nStmt = 0;
  for (size_t i = 0; i <= nSql; i++) {
    if (i < nSql && zSql[i] != ';')
      continue;
    char *zPiece = rel_strdup(zSql + iStart, i - iStart + (i < nSql));
    if (i < nSql && !sqlite3_complete(zPiece)) {
      free(zPiece);
      continue;
    }
    iStart = i + 1;
    if (strspn(zPiece, " \t\r\n;") == strlen(zPiece)) {
      free(zPiece);
      continue;
    }
    if (pScript->nStmt == nAlloc) {
      nAlloc = nAlloc ? nAlloc * 2 : 64;
      pScript->azStmt = realloc(pScript->azStmt, sizeof(char *) * nAlloc);
      if (pScript->azStmt == 0)
        rel_die("out of memory");
    }
    pScript->azStmt[pScript->nStmt++] = zPiece;
  }
}

static inline void rel_script_free(RelScript *pScript) {
  for (int i = 0; i < pScript->nStmt; i++)
    free(pScript->azStmt[i]);
  free(pScript->azStmt);
  pScript->azStmt = 0;
  pScript->nStmt = 0;
}

/* Registers the statically linked extension on db. */
static inline int rel_register(sqlite3 *db) {
  char *zErr = 0;
  int rc = sqlite3_success_init(db, &zErr, 0);
  sqlite3_free(zErr);
  return rc;
}

/* Opens zFile with flags and registers the extension. Returns the SQLite
** result code; *pDb is always set (close it). */
static inline int rel_open(const char *zFile, int flags, sqlite3 **pDb) {
  int rc = sqlite3_open_v2(zFile, pDb, flags, 0);
  if (rc == SQLITE_OK)
    rc = rel_register(*pDb);
  return rc;
}

/* Appends a value as comparable text. */
static inline void rel_buf_value(RelBuf *pBuf, sqlite3_stmt *pStmt, int iCol) {
  switch (sqlite3_column_type(pStmt, iCol)) {
  case SQLITE_NULL:
    rel_buf_append(pBuf, "NULL", 4);
    break;
  case SQLITE_INTEGER:
    rel_buf_printf(pBuf, "%lld", sqlite3_column_int64(pStmt, iCol));
    break;
  case SQLITE_FLOAT:
    rel_buf_printf(pBuf, "%.17g", sqlite3_column_double(pStmt, iCol));
    break;
  case SQLITE_TEXT: {
    const char *z = (const char *)sqlite3_column_text(pStmt, iCol);
    int n = sqlite3_column_bytes(pStmt, iCol);
    if (z == 0) {
      rel_buf_append(pBuf, "<text:nomem>", 12);
      break;
    }
    rel_buf_append(pBuf, "'", 1);
    rel_buf_append(pBuf, z, (size_t)n);
    rel_buf_append(pBuf, "'", 1);
    break;
  }
  default: {
    const unsigned char *a = sqlite3_column_blob(pStmt, iCol);
    int n = sqlite3_column_bytes(pStmt, iCol);
    rel_buf_append(pBuf, "x'", 2);
    for (int i = 0; a && i < n; i++)
      rel_buf_printf(pBuf, "%02x", a[i]);
    rel_buf_append(pBuf, "'", 1);
    break;
  }
  }
}

/* Prepares and runs zSql (one statement) to the end. Appends each row as
** "v|v|...\n" (at most nMaxRows rows; 0: no limit) and then the outcome
** "=> <rc> <message>\n". Returns the result code: SQLITE_OK when the
** statement ran to the end, else the error code. */
static inline int rel_run(sqlite3 *db, const char *zSql, RelBuf *pOut,
                          int nMaxRows) {
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  int nRow = 0;
  if (rc == SQLITE_OK && pStmt) {
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
      if (nMaxRows > 0 && nRow >= nMaxRows)
        continue;
      int nCol = sqlite3_column_count(pStmt);
      for (int i = 0; i < nCol; i++) {
        if (i)
          rel_buf_append(pOut, "|", 1);
        rel_buf_value(pOut, pStmt, i);
      }
      rel_buf_append(pOut, "\n", 1);
      nRow++;
    }
    if (rc == SQLITE_DONE)
      rc = SQLITE_OK;
  }
  if (rc == SQLITE_OK)
    rel_buf_append(pOut, "=> ok\n", 6);
  else
    rel_buf_printf(pOut, "=> %d %s\n", rc & 0xff, sqlite3_errmsg(db));
  sqlite3_finalize(pStmt);
  return rc;
}

/* A progress handler that interrupts a statement after *pnLeft calls. */
static inline int rel_progress(void *pArg) {
  int *pnLeft = (int *)pArg;
  return --*pnLeft <= 0;
}

#endif /* REL_H */
