/*
** success.c -- entry point of the sqlite-success extension.
**
**   .load ./dist/success                      -- sqlite3 shell
**   SELECT load_extension('./dist/success');  -- any SQLite binding
**
** sqlite3_success_init() registers every module in the order of aModule,
** stops at the first failure and reports which registration failed in
** *pzErrMsg. Built with -DSQLITE_CORE the same sources link statically; call
** sqlite3_auto_extension((void(*)(void))sqlite3_success_init) then.
*/
#include "success.h"

SQLITE_EXTENSION_INIT1

typedef struct SxModule {
  const char *zName;
  int (*xRegister)(sqlite3 *, char **);
} SxModule;

static const SxModule aModule[] = {
    {"core", sx_core_register},
    {"health", sx_health_register},
    {"nps", sx_nps_register},
    {"pareto", sx_pareto_register},
    {"milestone", sx_milestone_register},
    {"revenue", sx_revenue_register},
    {"churn", sx_churn_register},
};

#ifdef _WIN32
__declspec(dllexport)
#endif
    int sqlite3_success_init(sqlite3 *db, char **pzErrMsg,
                             const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  for (int i = 0; i < SX_ARRAY_SIZE(aModule); i++) {
    char *zErr = 0;
    int rc = aModule[i].xRegister(db, &zErr);
    if (rc != SQLITE_OK) {
      if (pzErrMsg) {
        *pzErrMsg =
            sqlite3_mprintf("sqlite-success: module %s: %s", aModule[i].zName,
                            zErr ? zErr : sqlite3_errstr(rc));
      }
      sqlite3_free(zErr);
      return rc;
    }
  }
  return SQLITE_OK;
}
