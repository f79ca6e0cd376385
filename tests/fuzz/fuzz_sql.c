/*
** fuzz_sql.c -- libFuzzer target: the input is SQL, run against the fixture
** database with the extension registered (see fuzz.h for the guards).
** Seeds: every statement of tests/reliability/corpus/<m>.sql (make fuzz
** writes them to dist/rel/fuzz/seeds/fuzz_sql/) and tests/fuzz/corpus/sql/;
** the dictionary tests/fuzz/sql.dict plus every public name.
*/
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  if (nData > 20000)
    return 0;
  char *zSql = rel_strdup((const char *)aData, nData);
  /* VACUUM INTO writes a file: not for a fuzzer. */
  for (char *z = zSql; *z; z++) {
    if ((*z == 'v' || *z == 'V') && sqlite3_strnicmp(z, "vacuum", 6) == 0) {
      free(zSql);
      return 0;
    }
  }
  int nLeft;
  sqlite3 *db = fuzz_open(&nLeft);
  fuzz_exec(db, &nLeft, zSql);
  sqlite3_close(db);
  free(zSql);
  return 0;
}
