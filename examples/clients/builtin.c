/*
** builtin.c -- compiles sqlite-success into SQLite itself (make shell).
**
**   cc -DSQLITE_EXTRA_INIT=sx_builtin_init shell.c sqlite3.c builtin.c \
**      dist/libsuccess.a -lm
**
** sqlite3_initialize() calls SQLITE_EXTRA_INIT(0) once, after the library is
** initialised. sx_builtin_init() registers sqlite3_success_init() as an
** automatic extension there, so every connection opened afterwards has the
** functions and virtual tables without `.load` or load_extension(). The
** extension's objects come from dist/libsuccess.a (built with -DSQLITE_CORE,
** so they call SQLite directly instead of through the loader's API table).
** Any program that links the amalgamation can embed the extension the same
** way, or call sqlite3_auto_extension() itself before opening a database.
*/
#include <sqlite3.h>

int sqlite3_success_init(sqlite3 *db, char **pzErrMsg,
                         const sqlite3_api_routines *pApi);

int sx_builtin_init(const char *zUnused) {
  (void)zUnused;
  return sqlite3_auto_extension((void (*)(void))sqlite3_success_init);
}
