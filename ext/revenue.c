/*
** revenue.c -- PLACEHOLDER: the module is being written (see its issue).
** It registers nothing yet.
*/
#include "success.h"

int sx_revenue_register(sqlite3 *db, char **pzErr) {
  (void)db;
  (void)pzErr;
  return SQLITE_OK;
}
