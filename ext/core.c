/*
** core.c -- functions about the extension itself.
**
**   SELECT success_version();   -- '0.1.0'
**
** (1) success_version() returns the semantic version of the build as TEXT.
**     It is deterministic (one build, one answer) and innocuous.
*/
#include "success.h"

static void sx_version_func(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, SUCCESS_VERSION, -1, SQLITE_STATIC);
}

static const SxFunction aCoreFunc[] = {
    {"success_version", 0, SX_PURE, sx_version_func, 0, 0, 0, 0},
};

int sx_core_register(sqlite3 *db, char **pzErr) {
  return sx_register_functions(db, aCoreFunc, SX_ARRAY_SIZE(aCoreFunc), pzErr);
}
