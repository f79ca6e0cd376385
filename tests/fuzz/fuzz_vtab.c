/*
** fuzz_vtab.c -- libFuzzer target: the extension's virtual tables, created
** with odd options over clean and dirty sources, queried with constraints,
** joins, LIMITs and ORDER BYs, while their sources change or disappear.
**
** The modules are found at start-up (pragma_module_list with the extension
** minus without). Their options are learned from the CREATE VIRTUAL TABLE
** statements of the SQL corpus (tests/reliability/corpus/<m>.sql): every
** "name=value" seen for a module. So a new module is fuzzed as soon as the
** corpus creates it once. For each input, byte by byte:
**   1. a module; for each known option: the corpus value, another value of
**      that option, an adversarial value (a fixture table or column name,
**      a value of tests/fuzz/values.txt, bytes of the input), or left out;
**      sometimes an unknown or repeated option;
**   2. CREATE VIRTUAL TABLE temp.f USING module(...);
**   3. statements on it: full scans, equality/IN/range constraints on any
**      column (hidden ones included), ORDER BY ... LIMIT, a self-join, and
**      changes to the sources (UPDATE a cell to an adversarial value,
**      INSERT, DELETE, DROP) between them; then DROP TABLE f.
*/
#include "fuzz.h"

typedef struct Option {
  char *zModule;
  char *zName;
  char *zValue;
} Option;

static char **azModule;
static int nModule;
static Option *aOption;
static int nOption;
static char **azTable; /* fixture tables and views */
static int nTable;

static void add_string(char ***paz, int *pn, const char *z, size_t n) {
  if ((*pn & 31) == 0) {
    *paz = realloc(*paz, sizeof(char *) * (size_t)(*pn + 32));
    if (*paz == 0)
      rel_die("out of memory");
  }
  (*paz)[(*pn)++] = rel_strdup(z, n);
}

static void add_option(const char *zModule, const char *zArg, size_t nArg) {
  const char *zEq = memchr(zArg, '=', nArg);
  if (zEq == 0)
    return;
  while (nArg > 0 && zArg[0] == ' ')
    zArg++, nArg--;
  size_t nName = (size_t)(zEq - zArg);
  while (nName > 0 && zArg[nName - 1] == ' ')
    nName--;
  if ((nOption & 63) == 0) {
    aOption = realloc(aOption, sizeof(Option) * (size_t)(nOption + 64));
    if (aOption == 0)
      rel_die("out of memory");
  }
  aOption[nOption].zModule = rel_strdup(zModule, strlen(zModule));
  aOption[nOption].zName = rel_strdup(zArg, nName);
  aOption[nOption].zValue =
      rel_strdup(zEq + 1, (size_t)(zArg + nArg - (zEq + 1)));
  nOption++;
}

/* Every "USING module(arg, arg, ...)" of the corpus. */
static void learn_options(void) {
  const char *z = zFuzzCorpus;
  while ((z = strstr(z, " USING ")) != 0) {
    char zModule[64];
    int n = 0;
    z += 7;
    while (n < 63 && (z[n] == '_' || (z[n] >= 'a' && z[n] <= 'z')))
      n++;
    memcpy(zModule, z, (size_t)n);
    zModule[n] = 0;
    z += n;
    if (*z != '(')
      continue;
    const char *zArg = ++z;
    char cQuote = 0;
    for (; *z && (cQuote || *z != ')'); z++) {
      if (cQuote) {
        if (*z == cQuote)
          cQuote = 0;
      } else if (*z == '\'' || *z == '"' || *z == '`') {
        cQuote = *z;
      } else if (*z == '[') {
        cQuote = ']';
      } else if (*z == ',') {
        add_option(zModule, zArg, (size_t)(z - zArg));
        zArg = z + 1;
      }
    }
    add_option(zModule, zArg, (size_t)(z - zArg));
  }
}

static void find_modules(void) {
  sqlite3 *plain = 0, *db = 0;
  sqlite3_stmt *pStmt = 0;
  fuzz_init();
  sqlite3_open(":memory:", &plain);
  sqlite3_open(":memory:", &db);
  rel_register(db);
  sqlite3_exec(plain, "CREATE TABLE m AS SELECT name FROM pragma_module_list",
               0, 0, 0);
  sqlite3_prepare_v2(db, "SELECT name FROM pragma_module_list ORDER BY 1", -1,
                     &pStmt, 0);
  while (sqlite3_step(pStmt) == SQLITE_ROW) {
    const char *zName = (const char *)sqlite3_column_text(pStmt, 0);
    sqlite3_stmt *pFind = 0;
    sqlite3_prepare_v2(plain, "SELECT 1 FROM m WHERE name=?1", -1, &pFind, 0);
    sqlite3_bind_text(pFind, 1, zName, -1, SQLITE_STATIC);
    if (sqlite3_step(pFind) != SQLITE_ROW)
      add_string(&azModule, &nModule, zName, strlen(zName));
    sqlite3_finalize(pFind);
  }
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  sqlite3_close(plain);
  /* The fixture's tables. */
  int nLeft;
  db = fuzz_open(&nLeft);
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_schema WHERE type IN "
                     "('table','view') ORDER BY 1",
                     -1, &pStmt, 0);
  while (sqlite3_step(pStmt) == SQLITE_ROW) {
    const char *zName = (const char *)sqlite3_column_text(pStmt, 0);
    add_string(&azTable, &nTable, zName, strlen(zName));
  }
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  learn_options();
  if (getenv("FUZZ_TRACE")) {
    for (int i = 0; i < nModule; i++)
      fprintf(stderr, "module %s\n", azModule[i]);
    for (int i = 0; i < nOption; i++)
      fprintf(stderr, "option %s %s=%s\n", aOption[i].zModule, aOption[i].zName,
              aOption[i].zValue);
  }
}

/* A value for option iOpt of the module. */
static void option_value(FuzzIn *p, RelBuf *pSql, const char *zModule,
                         int iOpt) {
  int k = fuzz_byte(p) % 8;
  if (k < 4) {
    rel_buf_printf(pSql, "%s", aOption[iOpt].zValue);
  } else if (k == 4) {
    /* another value of the same option, maybe of another module */
    int j = fuzz_byte(p) % nOption;
    for (int n = 0; n < nOption; n++, j = (j + 1) % nOption) {
      if (strcmp(aOption[j].zName, aOption[iOpt].zName) == 0 &&
          (n > 0 || strcmp(aOption[j].zModule, zModule) == 0))
        break;
    }
    rel_buf_printf(pSql, "%s", aOption[j].zValue);
  } else if (k == 5 && nTable > 0) {
    rel_buf_printf(pSql, "%s", azTable[fuzz_byte(p) % nTable]);
  } else if (k == 6) {
    fuzz_value(p, pSql);
  } else {
    /* quoted bytes of the input */
    int n = fuzz_byte(p) % 12;
    rel_buf_append(pSql, "'", 1);
    for (int i = 0; i < n; i++) {
      char c = (char)(fuzz_byte(p) % 95 + 32);
      rel_buf_append(pSql, c == '\'' ? "''" : &c, c == '\'' ? 2 : 1);
    }
    rel_buf_append(pSql, "'", 1);
  }
}

static void build_create(FuzzIn *p, RelBuf *pSql, const char *zModule) {
  int nArg = 0;
  rel_buf_printf(pSql, "CREATE VIRTUAL TABLE temp.f USING %s(", zModule);
  for (int i = 0; i < nOption; i++) {
    if (strcmp(aOption[i].zModule, zModule) != 0)
      continue;
    /* first option of this name for the module only */
    int bFirst = 1;
    for (int j = 0; j < i && bFirst; j++)
      bFirst = strcmp(aOption[j].zModule, zModule) != 0 ||
               strcmp(aOption[j].zName, aOption[i].zName) != 0;
    if (!bFirst)
      continue;
    int k = fuzz_byte(p);
    if (k % 16 == 0)
      continue; /* left out */
    /* a value of this option seen in the corpus, chosen by the input */
    int iOpt = i, nSkip = k / 16;
    for (int j = i + 1; j < nOption && nSkip > 0; j++) {
      if (strcmp(aOption[j].zModule, zModule) == 0 &&
          strcmp(aOption[j].zName, aOption[i].zName) == 0) {
        iOpt = j;
        nSkip--;
      }
    }
    rel_buf_printf(pSql, "%s%s=", nArg++ ? ", " : "", aOption[i].zName);
    option_value(p, pSql, zModule, iOpt);
  }
  int k = fuzz_byte(p) % 16;
  if (k == 1 && nOption > 0) {
    int j = fuzz_byte(p) % nOption;
    rel_buf_printf(pSql, "%s%s=", nArg++ ? ", " : "", aOption[j].zName);
    option_value(p, pSql, zModule, j);
  } else if (k == 2) {
    rel_buf_printf(pSql, "%sbogus=1", nArg++ ? ", " : "");
  } else if (k == 3) {
    rel_buf_printf(pSql, "%snovalue", nArg++ ? ", " : "");
  }
  rel_buf_append(pSql, ")", 1);
}

/* Column iCol of temp.f (hidden columns included), or NULL. */
static char *column_name(sqlite3 *db, int iCol) {
  sqlite3_stmt *pStmt = 0;
  char *zName = 0;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM pragma_table_xinfo('f', 'temp') "
                     "LIMIT 1 OFFSET ?1",
                     -1, &pStmt, 0);
  sqlite3_bind_int(pStmt, 1, iCol);
  if (sqlite3_step(pStmt) == SQLITE_ROW) {
    const char *z = (const char *)sqlite3_column_text(pStmt, 0);
    zName = rel_strdup(z, strlen(z));
  }
  sqlite3_finalize(pStmt);
  return zName;
}

static void one_statement(FuzzIn *p, sqlite3 *db, int *pnLeft, RelBuf *pSql) {
  int k = fuzz_byte(p) % 12;
  char *zCol = column_name(db, fuzz_byte(p) % 12);
  const char *zC = zCol ? zCol : "rowid";
  rel_buf_reset(pSql);
  switch (k) {
  case 0:
  case 1:
    rel_buf_append(pSql, "SELECT * FROM f", 15);
    break;
  case 2:
  case 3:
    rel_buf_sqlf(pSql, "SELECT *, \"%w\" FROM f WHERE \"%w\" = ", zC, zC);
    fuzz_value(p, pSql);
    break;
  case 4:
    rel_buf_sqlf(pSql, "SELECT * FROM f WHERE \"%w\" IN (", zC);
    fuzz_value(p, pSql);
    rel_buf_append(pSql, ", ", 2);
    fuzz_value(p, pSql);
    rel_buf_append(pSql, ")", 1);
    break;
  case 5:
    rel_buf_sqlf(pSql, "SELECT * FROM f WHERE \"%w\" > ", zC);
    fuzz_value(p, pSql);
    rel_buf_sqlf(pSql, " ORDER BY \"%w\" DESC LIMIT %d", zC, fuzz_byte(p) % 5);
    break;
  case 6:
    rel_buf_sqlf(pSql,
                 "SELECT count(*) FROM f AS x JOIN f AS y ON "
                 "x.\"%w\" = y.\"%w\"",
                 zC, zC);
    break;
  case 7:
    rel_buf_sqlf(pSql,
                 "SELECT * FROM f WHERE \"%w\" = (SELECT \"%w\" FROM "
                 "f LIMIT 1 OFFSET %d)",
                 zC, zC, fuzz_byte(p) % 8);
    break;
  default: {
    /* change a source table */
    const char *zTable = nTable ? azTable[fuzz_byte(p) % nTable] : "v";
    if (k == 8) {
      rel_buf_sqlf(pSql, "UPDATE \"%w\" SET \"%w\" = ", zTable, zC);
      fuzz_value(p, pSql);
      rel_buf_printf(pSql, " WHERE rowid %% 7 = %d", fuzz_byte(p) % 7);
    } else if (k == 9) {
      rel_buf_sqlf(pSql, "DELETE FROM \"%w\" WHERE rowid %% 3 = %d", zTable,
                   fuzz_byte(p) % 3);
    } else if (k == 10) {
      rel_buf_sqlf(pSql, "INSERT INTO \"%w\" SELECT * FROM \"%w\" LIMIT 2",
                   zTable, zTable);
    } else {
      rel_buf_sqlf(pSql, "DROP TABLE \"%w\"", zTable);
    }
    break;
  }
  }
  free(zCol);
  fuzz_exec(db, pnLeft, pSql->z);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
  FuzzIn in = {aData, nData, 0};
  RelBuf sql = {0, 0, 0};
  if (nModule == 0)
    find_modules();
  if (nModule == 0 || nData < 2)
    return 0;
  int nLeft;
  sqlite3 *db = fuzz_open(&nLeft);
  const char *zModule = azModule[fuzz_byte(&in) % nModule];
  build_create(&in, &sql, zModule);
  fuzz_exec(db, &nLeft, sql.z);
  for (int i = 0; i < 8 && fuzz_more(&in); i++)
    one_statement(&in, db, &nLeft, &sql);
  fuzz_exec(db, &nLeft, "DROP TABLE IF EXISTS temp.f");
  sqlite3_close(db);
  rel_buf_free(&sql);
  return 0;
}
