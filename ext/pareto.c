/*
** pareto.c -- Pareto revenue tiering (SPEC section 4).
**
** Usage
**
**   SELECT pareto_floors(mrr) FROM accounts;                -- '[5773.68,2163]'
**   SELECT pareto_floors(mrr, 0.5, 0.8, 0.95) FROM accounts;
**   SELECT customer_id, pareto_tier(mrr, '[5773.68,2163]') FROM accounts;
**
**   CREATE VIRTUAL TABLE account_tiers USING pareto_tiers(
**     source=accounts, key=customer_id, value=mrr
**     [, cutoffs='0.45,0.75'] [, partition=segment]
**     [, names='high-touch,hybrid,automated']);
**   SELECT * FROM account_tiers;
**   -- [segment,] customer_id, mrr, rank, share, cum_share, tier, tier_name,
**   -- tier_floor
**
** Rules (cited in the code as "Rule n")
**
**  (1) Customers are ranked by value descending. With cutoffs c1 < ... < cK,
**      a customer's tier is 1 + (number of cutoffs c with before >= c), where
**      before = (sum of the values strictly greater than its value) / total,
**      all within its partition. Hence the top customer is tier 1, tied
**      customers share a tier, the customer that crosses a cutoff stays in
**      the higher tier, and the result does not depend on input order.
**  (2) The floor of tier k (k <= K) is the smallest value in it; an empty
**      tier repeats the previous floor (equivalently: floor k = the smallest
**      value in tiers 1..k). Tier K+1 has no floor.
**  (3) When the total is 0 every floor is null, and every customer with a
**      value is in tier K+1 (share and cum_share are NULL: there is no
**      revenue to share). This is what pareto_tier() gives with null floors,
**      so the virtual table and the floors+tier pair always agree.
**  (4) Cutoffs: numbers, strictly increasing, each in (0, 1); default 0.45,
**      0.75. In pareto_floors() they are constants (the same on every row).
**  (5) Values are numbers by SPEC section 1 (INTEGER, REAL, numeric TEXT);
**      NULL is skipped by pareto_floors(), gives NULL from pareto_tier() and
**      NULL computed columns in pareto_tiers; a negative value, other TEXT,
**      a BLOB or a non-finite value is an error.
**  (6) pareto_floors(value [, cutoff, ...]) returns a JSON array of the K
**      floors, written so that they read back exactly (pareto_tier(v,
**      pareto_floors(v)) is exact at the boundary); NULL when no row counted.
**  (7) pareto_tier(value, floors) returns the smallest k with a non-null
**      floor k and value >= floor k, else K+1. floors must be a JSON array
**      of non-negative numbers and nulls whose non-null entries do not
**      increase. floors is parsed once per statement, not once per row: a
**      constant argument is cached on the argument (sqlite3_set_auxdata),
**      any other (a subquery) by its text in a statement-wide entry.
**  (8) pareto_tiers options: source, key, value (required), cutoffs,
**      partition, names (exactly K+1 comma-separated names). Errors at
**      CREATE: unknown option, missing option, no such source or column,
**      bad cutoffs, wrong number of names, a column name used twice.
**  (9) pareto_tiers columns: [partition,] key, value, rank, share,
**      cum_share, tier, tier_name, tier_floor. One row per source row. Per
**      partition: rank = 1 + rows with a strictly greater value; share =
**      value / total; cum_share = running share in the order (value desc,
**      key asc) through this row; tier by (1); tier_floor by (2) (NULL for
**      tier K+1); tier_name from names or NULL. A NULL value gives NULL rank,
**      share, cum_share, tier, tier_name and tier_floor.
** (10) Rows come out ordered by partition, value desc, key asc, in SQLite's
**      order of values (NULL < numbers < text < blob, text and blobs by
**      memcmp); NULL values come last in their partition. A NULL partition
**      is a partition of its own; partitions equal in SQLite's comparison
**      (1 and 1.0) are one partition, shown as the INTEGER when both occur.
**      Keys keep their SQL type; values come out INTEGER when the source
**      cell was an INTEGER, else REAL.
** (11) The source (a table or view) is read afresh by every query, once per
**      cursor (a join that re-filters the table reuses the rows already
**      sorted); it is never written. A source dropped after CREATE gives
**      "pareto_tiers: cannot read source: ..." at query time; a bad value
**      gives "pareto_tiers: column <value> of <source>: ..., got <value>".
** (12) xBestIndex uses no constraint: every query reads the whole source.
**      It reports the rows seen by the last query of this table (10000
**      before any), a cost of a full read plus an n log n sort, and consumes
**      an ORDER BY that is a prefix of the output order (10).
**
** How it works
**
**   pareto_floors collects the values (8 bytes each) in the aggregate
**   context, sorts them descending in xFinal and walks the groups of equal
**   values once, keeping the running sum of the greater values (Rule 1).
**
**   pareto_tiers reads "SELECT key, value[, partition] FROM source" into an
**   array of 24-byte ParetoRow records: the value as a double, the key as 8
**   bytes (an int64, a double, or an offset into one arena holding text and
**   blob keys), the partition number and a few flags. Distinct partition
**   values go into a small hash table; after the read they are sorted and
**   the rows renumbered so that partition numbers follow SQLite's order. The
**   rows are then sorted in C (introsort with an inlined comparison: SQLite's
**   own sorter is several times slower) by (partition, value desc, key).
**   Output streams over the sorted array: entering a partition computes its
**   total and floors (two passes over the partition), then each xNext adds
**   one value to the running sum, which gives rank, cum_share and tier.
**   Sums run in the sorted order, so the same data always gives the same
**   bits, whatever the input order. When a total overflows (values near
**   1e308) every sum is taken over the values times 2^-64: a power of two
**   changes no share. Memory: 24 bytes per row plus the text of TEXT/BLOB
**   keys (the array is sized from the previous read, so a repeated query
**   does not regrow it).
*/
#include "success.h"

#include <math.h>
#include <string.h>

#define PARETO_MODULE "pareto_tiers"
#define PARETO_DEFAULT_CUTOFFS "0.45,0.75"
static const double aParetoDefaultCutoff[] = {0.45, 0.75};

/* ------------------------------------------------------------------ */
/* Sorting: an introsort template with an inlined comparison            */
/* ------------------------------------------------------------------ */

/* PARETO_SORT(NAME, TYPE, CTX, BEFORE) defines
**   static void NAME(TYPE *a, sqlite3_int64 n, CTX c);
** which sorts a[0..n-1] so that no element is BEFORE an earlier one.
** BEFORE(c, pA, pB) is true when *pA must come before *pB. Quicksort with a
** median-of-three pivot and Hoare partitioning (balanced on equal keys),
** insertion sort below 16 elements, heapsort past 2*log2(n) levels. */
#define PARETO_SORT(NAME, TYPE, CTX, BEFORE)                                   \
  static void NAME##_insertion(TYPE *a, sqlite3_int64 n, CTX c) {              \
    for (sqlite3_int64 i = 1; i < n; i++) {                                    \
      TYPE x = a[i];                                                           \
      sqlite3_int64 j = i;                                                     \
      for (; j > 0 && BEFORE(c, &x, &a[j - 1]); j--)                           \
        a[j] = a[j - 1];                                                       \
      a[j] = x;                                                                \
    }                                                                          \
  }                                                                            \
  static void NAME##_sift(TYPE *a, sqlite3_int64 i, sqlite3_int64 n, CTX c) {  \
    TYPE x = a[i];                                                             \
    for (sqlite3_int64 k; (k = 2 * i + 1) < n; i = k) {                        \
      if (k + 1 < n && BEFORE(c, &a[k], &a[k + 1]))                            \
        k++;                                                                   \
      if (!BEFORE(c, &x, &a[k]))                                               \
        break;                                                                 \
      a[i] = a[k];                                                             \
    }                                                                          \
    a[i] = x;                                                                  \
  }                                                                            \
  static void NAME##_heap(TYPE *a, sqlite3_int64 n, CTX c) {                   \
    for (sqlite3_int64 i = n / 2; i-- > 0;)                                    \
      NAME##_sift(a, i, n, c);                                                 \
    for (sqlite3_int64 end = n - 1; end > 0; end--) {                          \
      TYPE x = a[0];                                                           \
      a[0] = a[end];                                                           \
      a[end] = x;                                                              \
      NAME##_sift(a, 0, end, c);                                               \
    }                                                                          \
  }                                                                            \
  static void NAME##_swap(TYPE *a, sqlite3_int64 i, sqlite3_int64 j) {         \
    TYPE x = a[i];                                                             \
    a[i] = a[j];                                                               \
    a[j] = x;                                                                  \
  }                                                                            \
  static void NAME##_quick(TYPE *a, sqlite3_int64 n, CTX c, int depth) {       \
    while (n > 16) {                                                           \
      if (depth-- == 0) {                                                      \
        NAME##_heap(a, n, c);                                                  \
        return;                                                                \
      }                                                                        \
      sqlite3_int64 m = n / 2, i = -1, j = n;                                  \
      if (BEFORE(c, &a[m], &a[0]))                                             \
        NAME##_swap(a, m, 0);                                                  \
      if (BEFORE(c, &a[n - 1], &a[m]))                                         \
        NAME##_swap(a, n - 1, m);                                              \
      if (BEFORE(c, &a[m], &a[0]))                                             \
        NAME##_swap(a, m, 0);                                                  \
      TYPE pivot = a[m];                                                       \
      for (;;) {                                                               \
        do                                                                     \
          i++;                                                                 \
        while (BEFORE(c, &a[i], &pivot));                                      \
        do                                                                     \
          j--;                                                                 \
        while (BEFORE(c, &pivot, &a[j]));                                      \
        if (i >= j)                                                            \
          break;                                                               \
        NAME##_swap(a, i, j);                                                  \
      }                                                                        \
      /* a[0..j] then a[j+1..n-1]: recurse on the smaller side */              \
      if (j + 1 < n - j - 1) {                                                 \
        NAME##_quick(a, j + 1, c, depth);                                      \
        a += j + 1;                                                            \
        n -= j + 1;                                                            \
      } else {                                                                 \
        NAME##_quick(a + j + 1, n - j - 1, c, depth);                          \
        n = j + 1;                                                             \
      }                                                                        \
    }                                                                          \
    NAME##_insertion(a, n, c);                                                 \
  }                                                                            \
  static void NAME(TYPE *a, sqlite3_int64 n, CTX c) {                          \
    int depth = 0;                                                             \
    for (sqlite3_int64 k = n; k > 1; k >>= 1)                                  \
      depth += 2;                                                              \
    NAME##_quick(a, n, c, depth);                                              \
  }

/* ------------------------------------------------------------------ */
/* Tiers and floors (Rules 1-3), shared by the functions and the table  */
/* ------------------------------------------------------------------ */

/* Rule 1: the tier of a group of equal values whose strictly greater values
** sum to rGreater, in a partition of total rTotal. Rule 3: total 0 gives
** tier K+1. */
static int pareto_tier_of(double rGreater, double rTotal, const double *aCutoff,
                          int nCutoff) {
  if (rTotal <= 0.0)
    return nCutoff + 1;
  double rBefore = rGreater / rTotal;
  int iTier = 1;
  for (int k = 0; k < nCutoff; k++) {
    if (rBefore >= aCutoff[k])
      iTier++;
  }
  return iTier;
}

/* The i-th value of an array of records that start with a double. */
#define PARETO_AT(p, stride, i) (*(const double *)((p) + (i) * (stride)))

/* Total of values v[0..n-1] (at byte stride, sorted descending) times
** rScale, summed in that order so that every caller gets the same bits. */
static double pareto_sum(const char *p, size_t stride, sqlite3_int64 n,
                         double rScale) {
  double rTotal = 0.0;
  for (sqlite3_int64 i = 0; i < n; i++)
    rTotal += PARETO_AT(p, stride, i) * rScale;
  return rTotal;
}

/* Sets *pTotal to the total of v[0..n-1] and returns the scale that every
** sum of these values uses: 1, or 2^-64 when the plain total overflows
** (values near 1e308). A power of two changes no share, and avoids the
** silent wrong tiers of an infinite total. */
static double pareto_total(const char *p, size_t stride, sqlite3_int64 n,
                           double *pTotal) {
  double rScale = 1.0;
  *pTotal = pareto_sum(p, stride, n, rScale);
  if (isinf(*pTotal)) {
    rScale = 0x1p-64;
    *pTotal = pareto_sum(p, stride, n, rScale);
  }
  return rScale;
}

/* Rule 2: aFloor[k] = index (into v) of the value that is the floor of
** tier k+1, or -1 when the floor is null (Rule 3: total 0). v[0..n-1] are
** sorted descending, n > 0. */
static void pareto_floor_index(const char *p, size_t stride, sqlite3_int64 n,
                               double rTotal, double rScale,
                               const double *aCutoff, int nCutoff,
                               sqlite3_int64 *aFloor) {
  for (int k = 0; k < nCutoff; k++)
    aFloor[k] = -1;
  if (rTotal <= 0.0)
    return;
  double rGreater = 0.0;
  for (sqlite3_int64 i = 0; i < n;) {
    double v = PARETO_AT(p, stride, i);
    int iTier = pareto_tier_of(rGreater, rTotal, aCutoff, nCutoff);
    sqlite3_int64 iLast = i;
    while (i < n && PARETO_AT(p, stride, i) == v) {
      rGreater += v * rScale;
      iLast = i++;
    }
    if (iTier > nCutoff)
      break;                   /* the remaining groups are in tier K+1 */
    aFloor[iTier - 1] = iLast; /* the smallest value of the tier so far */
  }
  for (int k = 1; k < nCutoff; k++) {
    if (aFloor[k] < 0)
      aFloor[k] = aFloor[k - 1]; /* empty tier */
  }
}

/* Rule 4: strictly increasing, each in (0, 1). */
static int pareto_cutoffs_ok(const double *aCutoff, int nCutoff) {
  for (int k = 0; k < nCutoff; k++) {
    if (!(aCutoff[k] > 0.0 && aCutoff[k] < 1.0))
      return 0;
    if (k > 0 && !(aCutoff[k] > aCutoff[k - 1]))
      return 0;
  }
  return 1;
}

/* Reads a value argument of zFunc (Rule 5): SX_OK with *pOut >= 0 (never
** -0.0), SX_NULL, or SX_INVALID with the error set. */
static int pareto_arg_value(sqlite3_context *ctx, const char *zFunc,
                            sqlite3_value *pVal, double *pOut) {
  int rc = sx_arg_number(ctx, zFunc, "value", pVal, pOut);
  if (rc == SX_OK && *pOut < 0.0) {
    sx_error_got(ctx, zFunc, "value must not be negative", pVal);
    return SX_INVALID;
  }
  if (rc == SX_OK)
    *pOut += 0.0; /* -0.0 becomes 0.0 */
  return rc;
}

/* ------------------------------------------------------------------ */
/* pareto_floors(value [, cutoff, ...])  (Rules 2-6)                    */
/* ------------------------------------------------------------------ */

typedef struct ParetoFloorsCtx {
  double *aValue; /* the non-null values stepped so far */
  sqlite3_int64 nValue, nAlloc;
  double *aCutoff; /* NULL until the first step */
  int nCutoff;
  int bOom;
} ParetoFloorsCtx;

static int pareto_double_desc(void *c, const double *a, const double *b) {
  (void)c;
  return *a > *b;
}
#define PARETO_DOUBLE_DESC(c, a, b) pareto_double_desc(c, a, b)
PARETO_SORT(pareto_sort_values, double, void *, PARETO_DOUBLE_DESC)

/* Rule 4: reads the cutoffs of this row; the first row's are kept, later
** rows must repeat them. Returns 0 with the error set on failure. */
static int pareto_floors_cutoffs(sqlite3_context *ctx, ParetoFloorsCtx *p,
                                 int argc, sqlite3_value **argv) {
  static const char zFunc[] = "pareto_floors";
  int nCutoff = argc > 1 ? argc - 1 : SX_ARRAY_SIZE(aParetoDefaultCutoff);
  if (p->aCutoff == 0) {
    p->aCutoff = sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)nCutoff);
    if (p->aCutoff == 0) {
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
    p->nCutoff = nCutoff;
    if (argc == 1) {
      memcpy(p->aCutoff, aParetoDefaultCutoff, sizeof(aParetoDefaultCutoff));
      return 1;
    }
    for (int k = 0; k < nCutoff; k++) {
      if (sx_arg_number(ctx, zFunc, "cutoff", argv[k + 1], &p->aCutoff[k]) !=
          SX_OK) {
        if (sqlite3_value_type(argv[k + 1]) == SQLITE_NULL) {
          sx_error_got(ctx, zFunc, "cutoff must be a number", argv[k + 1]);
        }
        return 0;
      }
      if (!pareto_cutoffs_ok(p->aCutoff, k + 1)) {
        sx_error_got(ctx, zFunc,
                     "cutoffs must be strictly increasing numbers in (0, 1)",
                     argv[k + 1]);
        return 0;
      }
    }
    return 1;
  }
  for (int k = 1; k < argc; k++) {
    double c;
    if (sx_number(argv[k], &c) != SX_OK || c != p->aCutoff[k - 1]) {
      sx_error_got(ctx, zFunc, "cutoffs must be the same on every row",
                   argv[k]);
      return 0;
    }
  }
  return 1;
}

static void pareto_floors_step(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv) {
  ParetoFloorsCtx *p = sqlite3_aggregate_context(ctx, sizeof(*p));
  double v;
  if (argc < 1) {
    sx_error(ctx, "pareto_floors", "expected a value and optional cutoffs");
    return;
  }
  if (p == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!pareto_floors_cutoffs(ctx, p, argc, argv))
    return;
  if (pareto_arg_value(ctx, "pareto_floors", argv[0], &v) != SX_OK)
    return;
  if (sx_grow((void **)&p->aValue, &p->nAlloc, p->nValue + 1, sizeof(double))) {
    p->bOom = 1;
    sqlite3_result_error_nomem(ctx);
    return;
  }
  p->aValue[p->nValue++] = v;
}

static void pareto_floors_final(sqlite3_context *ctx) {
  ParetoFloorsCtx *p = sqlite3_aggregate_context(ctx, 0);
  if (p == 0)
    return; /* no row: NULL */
  sqlite3_int64 *aFloor = 0;
  if (p->bOom) {
    sqlite3_result_error_nomem(ctx);
  } else if (p->nValue > 0 && p->aCutoff) {
    aFloor = sqlite3_malloc64(sizeof(*aFloor) * (sqlite3_uint64)p->nCutoff);
    if (aFloor == 0) {
      sqlite3_result_error_nomem(ctx);
    } else {
      const char *pV = (const char *)p->aValue;
      pareto_sort_values(p->aValue, p->nValue, 0);
      double rTotal;
      double rScale = pareto_total(pV, sizeof(double), p->nValue, &rTotal);
      pareto_floor_index(pV, sizeof(double), p->nValue, rTotal, rScale,
                         p->aCutoff, p->nCutoff, aFloor);
      sqlite3_str *pStr = sqlite3_str_new(0);
      sqlite3_str_appendchar(pStr, 1, '[');
      for (int k = 0; k < p->nCutoff; k++) {
        if (k)
          sqlite3_str_appendchar(pStr, 1, ',');
        if (aFloor[k] < 0) {
          sqlite3_str_appendall(pStr, "null");
        } else {
          sx_json_number(pStr, p->aValue[aFloor[k]]);
        }
      }
      sqlite3_str_appendchar(pStr, 1, ']');
      sx_result_str(ctx, pStr);
    }
  }
  sqlite3_free(aFloor);
  sqlite3_free(p->aValue);
  sqlite3_free(p->aCutoff);
  p->aValue = p->aCutoff = 0;
}

/* ------------------------------------------------------------------ */
/* pareto_tier(value, floors)  (Rule 7)                                 */
/* ------------------------------------------------------------------ */

/* Parsed floors, shared by the two caches below (reference counted).
** aFloor[k] < 0 means floor k+1 is null (floors are never negative). The
** floors text follows aFloor in the same allocation. */
typedef struct ParetoFloors {
  sqlite3_uint64 magic; /* PARETO_FLOORS_MAGIC */
  int nRef;
  int nText;
  const char *zText;
  int nFloor;
  double aFloor[]; /* nFloor entries, then the text */
} ParetoFloors;

#define PARETO_FLOORS_MAGIC 0x50617265746f4631ULL
/* Access code of the statement-wide cache (sqlite3_set_auxdata with a
** negative argument number: kept until the statement is reset). */
#define PARETO_STMT_CACHE (-0x50617274)

static void pareto_floors_unref(void *pArg) {
  ParetoFloors *p = pArg;
  if (--p->nRef == 0)
    sqlite3_free(p);
}

static const char *pareto_skip_space(const char *z) {
  while (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r')
    z++;
  return z;
}

static int pareto_is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
         c == '+' || c == '-';
}

/* Reads one array element at z: "null" or a non-negative JSON number.
** Returns the end of the element, or NULL when it is neither. */
static const char *pareto_json_element(const char *z, double *pOut) {
  if (strncmp(z, "null", 4) == 0) {
    *pOut = -1.0;
    return z + 4;
  }
  const char *zEnd = z;
  if (*z != '-' && !(*z >= '0' && *z <= '9'))
    return 0;
  while (pareto_is_number_char(*zEnd))
    zEnd++;
  if (sx_parse_number(z, (int)(zEnd - z), pOut) != SX_OK || *pOut < 0.0) {
    return 0;
  }
  *pOut += 0.0; /* -0 is 0 */
  return zEnd;
}

/* Parses z[0..nText-1], a JSON array of non-negative numbers and nulls,
** into a new ParetoFloors (one reference). SQLITE_OK, SQLITE_NOMEM, or
** SQLITE_MISMATCH when z is not such an array. */
static int pareto_parse_floors(const char *z, int nText, ParetoFloors **ppOut) {
  int nMax = 1;
  for (int i = 0; i < nText; i++)
    nMax += z[i] == ',';
  ParetoFloors *p = sqlite3_malloc64(sizeof(*p) + sizeof(double) * nMax +
                                     (sqlite3_uint64)nText + 1);
  *ppOut = 0;
  if (p == 0)
    return SQLITE_NOMEM;
  char *zCopy = (char *)&p->aFloor[nMax];
  memcpy(zCopy, z, (size_t)nText);
  zCopy[nText] = 0;
  p->magic = PARETO_FLOORS_MAGIC;
  p->nRef = 1;
  p->nText = nText;
  p->zText = zCopy;
  p->nFloor = 0;
  z = pareto_skip_space(zCopy);
  if (*z++ != '[')
    goto not_floors;
  z = pareto_skip_space(z);
  if (*z == ']') {
    z++;
  } else {
    for (;;) {
      z = pareto_json_element(pareto_skip_space(z), &p->aFloor[p->nFloor]);
      if (z == 0)
        goto not_floors;
      p->nFloor++;
      z = pareto_skip_space(z);
      if (*z == ']') {
        z++;
        break;
      }
      if (*z++ != ',')
        goto not_floors;
    }
  }
  if (*pareto_skip_space(z) != 0)
    goto not_floors;
  *ppOut = p;
  return SQLITE_OK;
not_floors:
  sqlite3_free(p);
  return SQLITE_MISMATCH;
}

/* 1 when the non-null floors do not increase. */
static int pareto_floors_ordered(const ParetoFloors *p) {
  double rPrev = -1.0;
  for (int k = 0; k < p->nFloor; k++) {
    if (p->aFloor[k] < 0.0)
      continue;
    if (rPrev >= 0.0 && p->aFloor[k] > rPrev)
      return 0;
    rPrev = p->aFloor[k];
  }
  return 1;
}

/* Rule 7: the parsed floors of pArg, never parsed once per row:
**  1. a constant argument (literal, bound parameter) is cached on the
**     argument (sqlite3_set_auxdata(ctx, 1, ...), SQLite's documented way);
**  2. any other argument (a subquery, a column) is looked up by its text in
**     a statement-wide entry (negative access code), so that
**     pareto_tier(v, (SELECT pareto_floors(v) FROM t)) parses once.
** Returns NULL with the error set on failure. *ppOwn receives a reference
** the caller releases (pareto_floors_unref) when the floors were parsed
** here, else NULL. */
static const ParetoFloors *pareto_tier_floors(sqlite3_context *ctx,
                                              sqlite3_value *pArg,
                                              ParetoFloors **ppOwn) {
  static const char zFunc[] = "pareto_tier";
  ParetoFloors *p = sqlite3_get_auxdata(ctx, 1);
  *ppOwn = 0;
  if (p)
    return p;
  if (sqlite3_value_type(pArg) != SQLITE_TEXT) {
    sx_error_got(ctx, zFunc,
                 "floors must be a JSON array of non-negative numbers or nulls",
                 pArg);
    return 0;
  }
  const char *z = (const char *)sqlite3_value_text(pArg);
  int nText = sqlite3_value_bytes(pArg);
  if (z == 0) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  p = sqlite3_get_auxdata(ctx, PARETO_STMT_CACHE);
  if (p && p->magic == PARETO_FLOORS_MAGIC && p->nText == nText &&
      memcmp(p->zText, z, (size_t)nText) == 0) {
    return p;
  }
  int rc = pareto_parse_floors(z, nText, &p);
  if (rc == SQLITE_NOMEM) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  if (rc != SQLITE_OK || !pareto_floors_ordered(p)) {
    sx_error_got(ctx, zFunc,
                 rc ? "floors must be a JSON array of non-negative numbers or "
                      "nulls"
                    : "floors must not increase",
                 pArg);
    if (p)
      pareto_floors_unref(p);
    return 0;
  }
  p->nRef += 2; /* each set_auxdata owns one (and may release it at once) */
  sqlite3_set_auxdata(ctx, 1, p, pareto_floors_unref);
  sqlite3_set_auxdata(ctx, PARETO_STMT_CACHE, p, pareto_floors_unref);
  *ppOwn = p;
  return p;
}

static void pareto_tier_func(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  double v;
  ParetoFloors *pOwn;
  (void)argc;
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return;
  if (pareto_arg_value(ctx, "pareto_tier", argv[0], &v) != SX_OK)
    return;
  const ParetoFloors *p = pareto_tier_floors(ctx, argv[1], &pOwn);
  if (p == 0)
    return;
  int k = 0;
  while (k < p->nFloor && !(p->aFloor[k] >= 0.0 && v >= p->aFloor[k]))
    k++;
  sqlite3_result_int(ctx, k + 1);
  if (pOwn)
    pareto_floors_unref(pOwn);
}

/* ------------------------------------------------------------------ */
/* Cells: keys and partitions in SQLite's order of values (Rule 10)     */
/* ------------------------------------------------------------------ */

/* Text and blob cells live in one arena: a 4-byte length then the bytes. */
typedef struct ParetoArena {
  unsigned char *a;
  sqlite3_int64 n, nAlloc;
} ParetoArena;

static double pareto_bits_double(sqlite3_uint64 u) {
  double r;
  memcpy(&r, &u, sizeof(r));
  return r;
}

/* A key or partition value: eType is SQLITE_INTEGER, SQLITE_FLOAT,
** SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL; u holds the int64, the double's
** bits or the arena offset. */
static int pareto_cell_cmp(const ParetoArena *pArena, int eA, sqlite3_uint64 uA,
                           int eB, sqlite3_uint64 uB) {
  int cA = sx_value_class(eA), cB = sx_value_class(eB);
  if (cA != cB)
    return cA < cB ? -1 : 1;
  switch (cA) {
  case 0:
    return 0;
  case 1:
    if (eA == SQLITE_INTEGER && eB == SQLITE_INTEGER) {
      sqlite3_int64 a = (sqlite3_int64)uA, b = (sqlite3_int64)uB;
      return a < b ? -1 : a > b;
    }
    if (eA == SQLITE_FLOAT && eB == SQLITE_FLOAT) {
      double a = pareto_bits_double(uA), b = pareto_bits_double(uB);
      return a < b ? -1 : a > b;
    }
    if (eA == SQLITE_INTEGER) {
      return sx_int_real_compare((sqlite3_int64)uA, pareto_bits_double(uB));
    }
    return -sx_int_real_compare((sqlite3_int64)uB, pareto_bits_double(uA));
  default: {
    unsigned int nA, nB;
    memcpy(&nA, pArena->a + uA, 4);
    memcpy(&nB, pArena->a + uB, 4);
    int r = memcmp(pArena->a + uA + 4, pArena->a + uB + 4, nA < nB ? nA : nB);
    if (r)
      return r;
    return nA < nB ? -1 : nA > nB;
  }
  }
}

/* Stores pVal as (*peType, *pu), appending text and blobs to the arena. */
static int pareto_cell_store(ParetoArena *pArena, sqlite3_value *pVal,
                             unsigned char *peType, sqlite3_uint64 *pu) {
  int eType = sqlite3_value_type(pVal);
  *peType = (unsigned char)eType;
  *pu = 0;
  if (eType == SQLITE_INTEGER) {
    *pu = (sqlite3_uint64)sqlite3_value_int64(pVal);
  } else if (eType == SQLITE_FLOAT) {
    double r = sqlite3_value_double(pVal);
    memcpy(pu, &r, sizeof(r));
  } else if (eType != SQLITE_NULL) {
    const void *z = eType == SQLITE_TEXT
                        ? (const void *)sqlite3_value_text(pVal)
                        : sqlite3_value_blob(pVal);
    unsigned int n = (unsigned int)sqlite3_value_bytes(pVal);
    if (z == 0 && n > 0)
      return SQLITE_NOMEM;
    if (sx_grow((void **)&pArena->a, &pArena->nAlloc, pArena->n + 4 + n, 1)) {
      return SQLITE_NOMEM;
    }
    memcpy(pArena->a + pArena->n, &n, 4);
    if (n)
      memcpy(pArena->a + pArena->n + 4, z, n);
    *pu = (sqlite3_uint64)pArena->n;
    pArena->n += 4 + n;
  }
  return SQLITE_OK;
}

/* Sets the result of ctx to a stored cell. */
static void pareto_cell_result(sqlite3_context *ctx, const ParetoArena *pArena,
                               int eType, sqlite3_uint64 u) {
  unsigned int n;
  switch (eType) {
  case SQLITE_INTEGER:
    sqlite3_result_int64(ctx, (sqlite3_int64)u);
    break;
  case SQLITE_FLOAT:
    sqlite3_result_double(ctx, pareto_bits_double(u));
    break;
  case SQLITE_TEXT:
    memcpy(&n, pArena->a + u, 4);
    sqlite3_result_text(ctx, (const char *)pArena->a + u + 4, (int)n,
                        SQLITE_TRANSIENT);
    break;
  case SQLITE_BLOB:
    memcpy(&n, pArena->a + u, 4);
    sqlite3_result_blob(ctx, pArena->a + u + 4, (int)n, SQLITE_TRANSIENT);
    break;
  default:
    sqlite3_result_null(ctx);
  }
}

/* A hash that equal cells (by pareto_cell_cmp) share: numbers hash by
** value (an integral REAL like the INTEGER), text and blobs by bytes. */
static sqlite3_uint64 pareto_cell_hash(const ParetoArena *pArena, int eType,
                                       sqlite3_uint64 u) {
  sqlite3_uint64 h = 14695981039346656037ULL;
  if (eType == SQLITE_FLOAT) {
    double r = pareto_bits_double(u);
    if (r >= -9223372036854775808.0 && r < 9223372036854775808.0 &&
        r == (double)(sqlite3_int64)r) {
      eType = SQLITE_INTEGER;
      u = (sqlite3_uint64)(sqlite3_int64)r;
    }
  }
  if (eType == SQLITE_TEXT || eType == SQLITE_BLOB) {
    unsigned int n;
    memcpy(&n, pArena->a + u, 4);
    for (unsigned int i = 0; i < n; i++) {
      h = (h ^ pArena->a[u + 4 + i]) * 1099511628211ULL;
    }
    return h ^ (sqlite3_uint64)eType;
  }
  h = (h ^ u) * 1099511628211ULL;
  h ^= h >> 29;
  return (h ^ (sqlite3_uint64)sx_value_class(eType)) * 0xbf58476d1ce4e5b9ULL;
}

/* ------------------------------------------------------------------ */
/* The rows of one query                                                */
/* ------------------------------------------------------------------ */

/* One source row: 24 bytes. rValue must stay the first member (the
** floors code reads values at a stride). */
typedef struct ParetoRow {
  double rValue;        /* >= 0; 0 when the value is NULL */
  sqlite3_uint64 uKey;  /* see pareto_cell_store */
  unsigned int iPart;   /* partition number, in SQLite's order after sort */
  unsigned char eKey;   /* SQLite type of the key */
  unsigned char bNull;  /* the value is NULL */
  unsigned char bInt;   /* the value was an INTEGER */
  unsigned char unused; /* padding */
} ParetoRow;

/* Distinct partition values, with an open-addressing hash of their
** numbers (0: empty slot, else number + 1). */
typedef struct ParetoParts {
  unsigned char *aType;
  sqlite3_uint64 *aU;
  sqlite3_int64 nPart, nAlloc, nAllocU;
  unsigned int *aSlot;
  sqlite3_int64 nSlot; /* a power of two, > 2 * nPart */
} ParetoParts;

typedef struct ParetoData {
  ParetoRow *aRow;
  sqlite3_int64 nRow, nAlloc;
  ParetoArena arena;
  ParetoParts parts;
} ParetoData;

static void pareto_data_free(ParetoData *p) {
  sqlite3_free(p->aRow);
  sqlite3_free(p->arena.a);
  sqlite3_free(p->parts.aType);
  sqlite3_free(p->parts.aU);
  sqlite3_free(p->parts.aSlot);
  memset(p, 0, sizeof(*p));
}

/* Doubles the hash table of partitions and reinserts them. */
static int pareto_parts_rehash(ParetoParts *pParts, const ParetoArena *pArena) {
  sqlite3_int64 nSlot = pParts->nSlot ? pParts->nSlot * 2 : 64;
  unsigned int *aSlot = sqlite3_malloc64(sizeof(unsigned int) * nSlot);
  if (aSlot == 0)
    return SQLITE_NOMEM;
  memset(aSlot, 0, sizeof(unsigned int) * nSlot);
  for (sqlite3_int64 i = 0; i < pParts->nPart; i++) {
    sqlite3_uint64 h =
        pareto_cell_hash(pArena, pParts->aType[i], pParts->aU[i]);
    sqlite3_int64 s = (sqlite3_int64)(h & (sqlite3_uint64)(nSlot - 1));
    while (aSlot[s])
      s = (s + 1) & (nSlot - 1);
    aSlot[s] = (unsigned int)(i + 1);
  }
  sqlite3_free(pParts->aSlot);
  pParts->aSlot = aSlot;
  pParts->nSlot = nSlot;
  return SQLITE_OK;
}

/* The number of the partition of pVal, adding it when new (Rule 10). */
static int pareto_parts_find(ParetoData *pData, sqlite3_value *pVal,
                             unsigned int *piPart) {
  ParetoParts *pParts = &pData->parts;
  ParetoArena *pArena = &pData->arena;
  sqlite3_int64 nArena = pArena->n;
  unsigned char eType;
  sqlite3_uint64 u;
  if (pareto_cell_store(pArena, pVal, &eType, &u))
    return SQLITE_NOMEM;
  if (pParts->nSlot <= 2 * pParts->nPart &&
      pareto_parts_rehash(pParts, pArena)) {
    return SQLITE_NOMEM;
  }
  sqlite3_uint64 h = pareto_cell_hash(pArena, eType, u);
  sqlite3_int64 s = (sqlite3_int64)(h & (sqlite3_uint64)(pParts->nSlot - 1));
  for (; pParts->aSlot[s]; s = (s + 1) & (pParts->nSlot - 1)) {
    sqlite3_int64 i = pParts->aSlot[s] - 1;
    if (pareto_cell_cmp(pArena, pParts->aType[i], pParts->aU[i], eType, u)) {
      continue;
    }
    pArena->n = nArena; /* known: drop the copy just stored */
    if (eType == SQLITE_INTEGER && pParts->aType[i] == SQLITE_FLOAT) {
      pParts->aType[i] = SQLITE_INTEGER; /* 1 and 1.0: show 1 */
      pParts->aU[i] = u;
    }
    *piPart = (unsigned int)i;
    return SQLITE_OK;
  }
  sqlite3_int64 i = pParts->nPart;
  if (i >= 0xffffffffLL)
    return SQLITE_TOOBIG;
  if (sx_grow((void **)&pParts->aType, &pParts->nAlloc, i + 1, 1) ||
      sx_grow((void **)&pParts->aU, &pParts->nAllocU, i + 1,
              sizeof(sqlite3_uint64))) {
    return SQLITE_NOMEM;
  }
  pParts->aType[i] = eType;
  pParts->aU[i] = u;
  pParts->aSlot[s] = (unsigned int)(i + 1);
  pParts->nPart++;
  *piPart = (unsigned int)i;
  return SQLITE_OK;
}

/* Sorting partitions: an array of partition numbers. */
typedef struct ParetoPartSortCtx {
  const ParetoParts *pParts;
  const ParetoArena *pArena;
} ParetoPartSortCtx;

static int pareto_part_before(const ParetoPartSortCtx *c, const unsigned int *a,
                              const unsigned int *b) {
  return pareto_cell_cmp(c->pArena, c->pParts->aType[*a], c->pParts->aU[*a],
                         c->pParts->aType[*b], c->pParts->aU[*b]) < 0;
}
#define PARETO_PART_BEFORE(c, a, b) pareto_part_before(c, a, b)
PARETO_SORT(pareto_sort_parts, unsigned int, const ParetoPartSortCtx *,
            PARETO_PART_BEFORE)

/* Renumbers partitions (and the rows' iPart) in SQLite's order. */
static int pareto_parts_order(ParetoData *pData) {
  ParetoParts *pParts = &pData->parts;
  sqlite3_int64 n = pParts->nPart;
  if (n <= 1)
    return SQLITE_OK;
  unsigned int *aOrder = sqlite3_malloc64(sizeof(unsigned int) * 2 * n);
  unsigned char *aType = sqlite3_malloc64((sqlite3_uint64)n);
  sqlite3_uint64 *aU = sqlite3_malloc64(sizeof(sqlite3_uint64) * n);
  if (aOrder == 0 || aType == 0 || aU == 0) {
    sqlite3_free(aOrder);
    sqlite3_free(aType);
    sqlite3_free(aU);
    return SQLITE_NOMEM;
  }
  unsigned int *aRank = aOrder + n;
  ParetoPartSortCtx c = {pParts, &pData->arena};
  for (sqlite3_int64 i = 0; i < n; i++)
    aOrder[i] = (unsigned int)i;
  pareto_sort_parts(aOrder, n, &c);
  for (sqlite3_int64 r = 0; r < n; r++) {
    aRank[aOrder[r]] = (unsigned int)r;
    aType[r] = pParts->aType[aOrder[r]];
    aU[r] = pParts->aU[aOrder[r]];
  }
  for (sqlite3_int64 i = 0; i < pData->nRow; i++) {
    pData->aRow[i].iPart = aRank[pData->aRow[i].iPart];
  }
  sqlite3_free(pParts->aType);
  sqlite3_free(pParts->aU);
  sqlite3_free(pParts->aSlot); /* not needed after the read */
  pParts->aType = aType;
  pParts->aU = aU;
  pParts->aSlot = 0;
  pParts->nSlot = 0;
  sqlite3_free(aOrder);
  return SQLITE_OK;
}

/* Rule 10: partition, non-null values first, value desc, key asc; an
** INTEGER value before an equal REAL one, so output never depends on input
** order. */
static inline int pareto_row_before(const ParetoArena *pArena,
                                    const ParetoRow *a, const ParetoRow *b) {
  if (a->iPart != b->iPart)
    return a->iPart < b->iPart;
  if (a->bNull != b->bNull)
    return b->bNull;
  if (a->rValue != b->rValue)
    return a->rValue > b->rValue;
  if (a->eKey == SQLITE_INTEGER && b->eKey == SQLITE_INTEGER) {
    if (a->uKey != b->uKey) {
      return (sqlite3_int64)a->uKey < (sqlite3_int64)b->uKey;
    }
  } else {
    int c = pareto_cell_cmp(pArena, a->eKey, a->uKey, b->eKey, b->uKey);
    if (c)
      return c < 0;
  }
  return a->bInt > b->bInt;
}
#define PARETO_ROW_BEFORE(c, a, b) pareto_row_before(c, a, b)
PARETO_SORT(pareto_sort_rows, ParetoRow, const ParetoArena *, PARETO_ROW_BEFORE)

/* ------------------------------------------------------------------ */
/* The virtual table                                                    */
/* ------------------------------------------------------------------ */

/* Logical columns; without a partition option the first is absent. */
enum {
  PARETO_COL_PART,
  PARETO_COL_KEY,
  PARETO_COL_VALUE,
  PARETO_COL_RANK,
  PARETO_COL_SHARE,
  PARETO_COL_CUM_SHARE,
  PARETO_COL_TIER,
  PARETO_COL_TIER_NAME,
  PARETO_COL_TIER_FLOOR,
  PARETO_NCOL
};

static const SxOptionSpec aParetoOpt[] = {
    {"source", 1},  {"key", 1},       {"value", 1},
    {"cutoffs", 0}, {"partition", 0}, {"names", 0},
};

#define PARETO_DEFAULT_ROWS 10000

typedef struct ParetoVtab {
  sqlite3_vtab base;
  sqlite3 *db;
  SxSource src;
  char *zKey, *zValue, *zPart; /* source columns; zPart may be NULL */
  int nCutoff;
  double *aCutoff;
  char **azName;              /* nCutoff+1 names, or NULL */
  sqlite3_int64 nRowLastRead; /* rows of the last query (xBestIndex) */
} ParetoVtab;

typedef struct ParetoCursor {
  sqlite3_vtab_cursor base;
  ParetoData data;
  int bLoaded;
  sqlite3_int64 iRow;
  /* the current partition: rows [iPartStart, iPartEnd), values NULL from
  ** iNullStart */
  sqlite3_int64 iPartStart, iNullStart, iPartEnd;
  double rTotal;         /* of the scaled values */
  double rScale;         /* 1, or 2^-64 when the plain total overflows */
  sqlite3_int64 *aFloor; /* nCutoff row numbers of the floors, -1: null */
  /* the current row */
  double rCum;         /* sum of (scaled) values through this row */
  sqlite3_int64 iRank; /* 0 for a NULL value */
  int iTier;
} ParetoCursor;

static void pareto_vtab_free(ParetoVtab *p) {
  if (p == 0)
    return;
  sx_source_free(&p->src);
  sqlite3_free(p->zKey);
  sqlite3_free(p->zValue);
  sqlite3_free(p->zPart);
  sqlite3_free(p->aCutoff);
  sqlite3_free(p->azName);
  sqlite3_free(p);
}

/* Rule 4: parses option cutoffs ("0.45,0.75"). */
static int pareto_parse_cutoffs(ParetoVtab *p, const char *zList,
                                char **pzErr) {
  int n = 1;
  for (const char *z = zList; *z; z++)
    n += *z == ',';
  p->aCutoff = sqlite3_malloc64(sizeof(double) * (sqlite3_uint64)n);
  if (p->aCutoff == 0)
    return SQLITE_NOMEM;
  p->nCutoff = n;
  const char *z = zList;
  for (int k = 0; k < n; k++) {
    const char *zEnd = strchr(z, ',');
    int nItem = zEnd ? (int)(zEnd - z) : (int)strlen(z);
    if (sx_parse_number(z, nItem, &p->aCutoff[k]) != SX_OK)
      n = -1;
    if (n < 0)
      break;
    z += nItem + 1;
  }
  if (n < 0 || !pareto_cutoffs_ok(p->aCutoff, p->nCutoff)) {
    *pzErr = sqlite3_mprintf("%s: option cutoffs: must be strictly increasing "
                             "numbers in (0, 1), got '%q'",
                             PARETO_MODULE, zList);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* Rule 8: parses option names: exactly nCutoff+1 non-empty names, spaces
** around each trimmed. One allocation: the pointers, then the texts. */
static int pareto_parse_names(ParetoVtab *p, const char *zList, char **pzErr) {
  int nWant = p->nCutoff + 1, nGot = 1;
  for (const char *z = zList; *z; z++)
    nGot += *z == ',';
  size_t nList = strlen(zList);
  if (nGot == nWant) {
    p->azName = sqlite3_malloc64(sizeof(char *) * nWant + nList + 1);
    if (p->azName == 0)
      return SQLITE_NOMEM;
    char *zText = (char *)&p->azName[nWant];
    memcpy(zText, zList, nList + 1);
    for (int k = 0; k < nWant; k++) {
      char *zEnd = strchr(zText, ',');
      if (zEnd)
        *zEnd = 0;
      while (*zText == ' ')
        zText++;
      char *zTail = zText + strlen(zText);
      while (zTail > zText && zTail[-1] == ' ')
        *--zTail = 0;
      p->azName[k] = zText;
      if (*zText == 0)
        nGot = -1;
      zText = zEnd ? zEnd + 1 : zTail;
    }
  }
  if (nGot == nWant)
    return SQLITE_OK;
  if (nGot < 0) {
    *pzErr = sqlite3_mprintf("%s: option names: a tier name is empty, got '%q'",
                             PARETO_MODULE, zList);
  } else {
    *pzErr = sqlite3_mprintf("%s: option names: expected %d names (one per "
                             "tier), got %d in '%q'",
                             PARETO_MODULE, nWant, nGot, zList);
  }
  return SQLITE_ERROR;
}

/* The declared column names, in logical order (slot 0 NULL without a
** partition). */
static void pareto_column_names(const ParetoVtab *p, const char **azCol) {
  static const char *const azComputed[] = {"rank", "share",     "cum_share",
                                           "tier", "tier_name", "tier_floor"};
  azCol[PARETO_COL_PART] = p->zPart;
  azCol[PARETO_COL_KEY] = p->zKey;
  azCol[PARETO_COL_VALUE] = p->zValue;
  for (int i = 0; i < SX_ARRAY_SIZE(azComputed); i++) {
    azCol[PARETO_COL_RANK + i] = azComputed[i];
  }
}

/* Rule 8: every column of the table has its own name. */
static int pareto_check_names(const char **azCol, char **pzErr) {
  static const char *const azOpt[] = {"partition", "key", "value"};
  for (int i = PARETO_COL_PART; i <= PARETO_COL_VALUE; i++) {
    for (int j = 0; j < PARETO_NCOL && azCol[i]; j++) {
      if (j != i && azCol[j] && sqlite3_stricmp(azCol[i], azCol[j]) == 0) {
        *pzErr = sqlite3_mprintf("%s: option %s: column name %s is already "
                                 "used by the table (rename it in a view)",
                                 PARETO_MODULE, azOpt[i], azCol[i]);
        return SQLITE_ERROR;
      }
    }
  }
  return SQLITE_OK;
}

static int pareto_connect_opts(ParetoVtab *p, const SxOptions *pOpt,
                               char **pzErr) {
  const char *zCutoffs = sx_option(pOpt, aParetoOpt, "cutoffs");
  const char *zNames = sx_option(pOpt, aParetoOpt, "names");
  const char *zPart = sx_option(pOpt, aParetoOpt, "partition");
  int rc = sx_source_init(&p->src, sx_option(pOpt, aParetoOpt, "source"),
                          pOpt->bQuoted[0]);
  if (rc)
    return rc;
  p->zKey = sqlite3_mprintf("%s", sx_option(pOpt, aParetoOpt, "key"));
  p->zValue = sqlite3_mprintf("%s", sx_option(pOpt, aParetoOpt, "value"));
  p->zPart = zPart ? sqlite3_mprintf("%s", zPart) : 0;
  if (p->zKey == 0 || p->zValue == 0 || (zPart && p->zPart == 0)) {
    return SQLITE_NOMEM;
  }
  rc = pareto_parse_cutoffs(p, zCutoffs ? zCutoffs : PARETO_DEFAULT_CUTOFFS,
                            pzErr);
  if (rc == SQLITE_OK && zNames)
    rc = pareto_parse_names(p, zNames, pzErr);
  return rc;
}

/* Appends "SELECT s."c0", s."c1"... FROM <source> AS s". Columns are
** qualified so that a missing column is an error, not (through SQLite's
** double-quoted-string fallback) the string 'c0'. */
static void pareto_sql_select(sqlite3_str *pStr, const ParetoVtab *p,
                              const char *const *azCol, int nCol) {
  sqlite3_str_appendall(pStr, "SELECT ");
  for (int i = 0; i < nCol; i++) {
    sqlite3_str_appendall(pStr, i ? ", s." : "s.");
    sx_sql_ident(pStr, azCol[i]);
  }
  sqlite3_str_appendall(pStr, " FROM ");
  sx_sql_source(pStr, &p->src);
  sqlite3_str_appendall(pStr, " AS s");
}

/* Rule 11: "SELECT key, value[, partition] FROM source". */
static int pareto_prepare_source(ParetoVtab *p, sqlite3_stmt **ppStmt) {
  const char *azCol[] = {p->zKey, p->zValue, p->zPart};
  sqlite3_str *pStr = sqlite3_str_new(p->db);
  pareto_sql_select(pStr, p, azCol, p->zPart ? 3 : 2);
  char *zErr = 0;
  int rc = sx_source_prepare(p->db, PARETO_MODULE, pStr, ppStmt, &zErr);
  if (zErr)
    sx_vtab_error(&p->base, zErr);
  return rc;
}

/* xCreate (bCreate: check the source) and xConnect. */
static int pareto_init(sqlite3 *db, int argc, const char *const *argv,
                       sqlite3_vtab **ppVtab, char **pzErr, int bCreate) {
  SxOptions opt;
  const char *azCol[PARETO_NCOL];
  int rc = sx_options_parse(PARETO_MODULE, aParetoOpt,
                            SX_ARRAY_SIZE(aParetoOpt), argc, argv, &opt, pzErr);
  if (rc)
    return rc;
  ParetoVtab *p = sqlite3_malloc64(sizeof(*p));
  if (p == 0) {
    sx_options_free(&opt);
    return SQLITE_NOMEM;
  }
  memset(p, 0, sizeof(*p));
  p->db = db;
  rc = pareto_connect_opts(p, &opt, pzErr);
  sx_options_free(&opt);
  pareto_column_names(p, azCol);
  if (rc == SQLITE_OK)
    rc = pareto_check_names(azCol, pzErr);
  if (rc == SQLITE_OK && bCreate) {
    static const char *const azColOpt[] = {"partition", "key", "value"};
    int iFirst = p->zPart ? PARETO_COL_PART : PARETO_COL_KEY;
    int nCol = PARETO_COL_VALUE + 1 - iFirst;
    rc = sx_source_check(db, PARETO_MODULE, "source", &p->src, azCol + iFirst,
                         azColOpt + iFirst, nCol, pzErr);
  }
  if (rc == SQLITE_OK) {
    int iFirst = p->zPart ? PARETO_COL_PART : PARETO_COL_KEY;
    rc = sx_declare_vtab(db, azCol + iFirst, PARETO_NCOL - iFirst, 0, 0);
  }
  if (rc != SQLITE_OK) {
    pareto_vtab_free(p);
    return rc;
  }
  *ppVtab = &p->base;
  return SQLITE_OK;
}

/* xCreate checks the sources, xConnect does not. */
SX_VTAB_CREATE_CONNECT(pareto_create, pareto_connect, pareto_init)

/* xDisconnect and xDestroy: the source is never touched (SPEC 1). */
static int pareto_disconnect(sqlite3_vtab *pVtab) {
  pareto_vtab_free((ParetoVtab *)pVtab);
  return SQLITE_OK;
}

/* The logical column of declared column i. */
static int pareto_logical_col(const ParetoVtab *p, int i) {
  return p->zPart ? i : i + 1;
}

/* Rule 12. idxNum: bit 0 = ORDER BY consumed (informative only). No
** constraint is used; SQLite checks every WHERE term itself. */
static int pareto_best_index(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo) {
  ParetoVtab *p = (ParetoVtab *)pVtab;
  static const int aOrderCol[] = {PARETO_COL_PART, PARETO_COL_VALUE,
                                  PARETO_COL_KEY};
  static const unsigned char aOrderDesc[] = {0, 1, 0};
  int iFirst = p->zPart ? 0 : 1;
  int bConsumed = pInfo->nOrderBy > 0 && pInfo->nOrderBy <= 3 - iFirst;
  for (int i = 0; i < pInfo->nOrderBy && bConsumed; i++) {
    const struct sqlite3_index_orderby *o = &pInfo->aOrderBy[i];
    if (o->iColumn < 0 ||
        pareto_logical_col(p, o->iColumn) != aOrderCol[iFirst + i] ||
        (o->desc != 0) != aOrderDesc[iFirst + i]) {
      bConsumed = 0;
    }
  }
  double n =
      (double)(p->nRowLastRead > 0 ? p->nRowLastRead : PARETO_DEFAULT_ROWS);
  pInfo->orderByConsumed = bConsumed;
  pInfo->idxNum = bConsumed;
  pInfo->estimatedRows = (sqlite3_int64)n;
  pInfo->estimatedCost = n + n * log2(n > 2 ? n : 2); /* read + sort */
  return SQLITE_OK;
}

static int pareto_open(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor) {
  ParetoVtab *p = (ParetoVtab *)pVtab;
  ParetoCursor *pCur = sqlite3_malloc64(sizeof(*pCur));
  if (pCur == 0)
    return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  pCur->aFloor = sqlite3_malloc64(sizeof(sqlite3_int64) * p->nCutoff);
  if (pCur->aFloor == 0) {
    sqlite3_free(pCur);
    return SQLITE_NOMEM;
  }
  *ppCursor = &pCur->base;
  return SQLITE_OK;
}

static int pareto_close(sqlite3_vtab_cursor *pCursor) {
  ParetoCursor *pCur = (ParetoCursor *)pCursor;
  pareto_data_free(&pCur->data);
  sqlite3_free(pCur->aFloor);
  sqlite3_free(pCur);
  return SQLITE_OK;
}

/* Rule 5 for a source cell: sets *pRow's value; an error message (owned by
** the caller) for a bad cell. */
static int pareto_read_value(ParetoVtab *p, sqlite3_value *pVal,
                             ParetoRow *pRow) {
  int eType = sqlite3_value_type(pVal);
  double v = 0.0;
  pRow->bNull = eType == SQLITE_NULL;
  pRow->bInt = eType == SQLITE_INTEGER;
  pRow->rValue = 0.0;
  if (pRow->bNull)
    return SQLITE_OK;
  const char *zWhat = 0;
  if (sx_number(pVal, &v) != SX_OK) {
    zWhat = "must be a number";
  } else if (v < 0.0) {
    zWhat = "must not be negative";
  }
  if (zWhat) {
    char *zMsg = sx_cell_error(PARETO_MODULE, &p->src, p->zValue, zWhat, pVal);
    if (zMsg == 0)
      return SQLITE_NOMEM;
    sx_vtab_error(&p->base, zMsg);
    return SQLITE_ERROR;
  }
  pRow->rValue = v + 0.0; /* -0.0 becomes 0.0 */
  return SQLITE_OK;
}

/* Rule 11: reads the whole source into pData. */
static int pareto_read_source(ParetoVtab *p, ParetoData *pData) {
  sqlite3_stmt *pStmt = 0;
  int rc = pareto_prepare_source(p, &pStmt);
  if (rc == SQLITE_OK && p->nRowLastRead > 0 &&
      sx_grow((void **)&pData->aRow, &pData->nAlloc, p->nRowLastRead + 1,
              sizeof(ParetoRow))) {
    rc = SQLITE_NOMEM; /* sized like the last read: no regrowth */
  }
  while (rc == SQLITE_OK && sqlite3_step(pStmt) == SQLITE_ROW) {
    if (sx_grow((void **)&pData->aRow, &pData->nAlloc, pData->nRow + 1,
                sizeof(ParetoRow))) {
      rc = SQLITE_NOMEM;
      break;
    }
    ParetoRow *pRow = &pData->aRow[pData->nRow];
    memset(pRow, 0, sizeof(*pRow));
    rc = pareto_read_value(p, sqlite3_column_value(pStmt, 1), pRow);
    if (rc == SQLITE_OK) {
      rc = pareto_cell_store(&pData->arena, sqlite3_column_value(pStmt, 0),
                             &pRow->eKey, &pRow->uKey);
    }
    if (rc == SQLITE_OK && p->zPart) {
      rc = pareto_parts_find(pData, sqlite3_column_value(pStmt, 2),
                             &pRow->iPart);
    }
    if (rc == SQLITE_OK)
      pData->nRow++;
  }
  if (pStmt) {
    int rcFinal = sqlite3_finalize(pStmt);
    if (rc == SQLITE_OK && rcFinal != SQLITE_OK) {
      rc = rcFinal;
      sx_vtab_error(&p->base,
                    sqlite3_mprintf("%s: cannot read source: %s", PARETO_MODULE,
                                    sqlite3_errmsg(p->db)));
    }
  }
  if (rc == SQLITE_OK && p->zPart)
    rc = pareto_parts_order(pData);
  return rc;
}

/* Entering the partition that starts at pCur->iRow: its bounds, total
** (Rule 1) and floors (Rules 2, 3). */
static void pareto_partition_begin(ParetoCursor *pCur, const ParetoVtab *p) {
  const ParetoRow *aRow = pCur->data.aRow;
  sqlite3_int64 i = pCur->iRow, n = pCur->data.nRow;
  unsigned int iPart = aRow[i].iPart;
  pCur->iPartStart = i;
  while (i < n && aRow[i].iPart == iPart && !aRow[i].bNull)
    i++;
  pCur->iNullStart = i;
  while (i < n && aRow[i].iPart == iPart)
    i++;
  pCur->iPartEnd = i;
  const char *pFirst = (const char *)&aRow[pCur->iPartStart].rValue;
  sqlite3_int64 nValue = pCur->iNullStart - pCur->iPartStart;
  pCur->rScale = pareto_total(pFirst, sizeof(ParetoRow), nValue, &pCur->rTotal);
  pareto_floor_index(pFirst, sizeof(ParetoRow), nValue, pCur->rTotal,
                     pCur->rScale, p->aCutoff, p->nCutoff, pCur->aFloor);
  for (int k = 0; k < p->nCutoff; k++) {
    if (pCur->aFloor[k] >= 0)
      pCur->aFloor[k] += pCur->iPartStart;
  }
  pCur->rCum = 0.0;
}

/* Moves the running state onto row pCur->iRow (Rules 1, 9). */
static void pareto_row_begin(ParetoCursor *pCur, const ParetoVtab *p) {
  const ParetoRow *aRow = pCur->data.aRow;
  sqlite3_int64 i = pCur->iRow;
  if (i >= pCur->data.nRow)
    return;
  if (i == 0 || i >= pCur->iPartEnd)
    pareto_partition_begin(pCur, p);
  if (i >= pCur->iNullStart) {
    pCur->iRank = 0;
    return;
  }
  double v = aRow[i].rValue;
  if (i == pCur->iPartStart || v != aRow[i - 1].rValue) {
    pCur->iRank = i - pCur->iPartStart + 1;
    pCur->iTier =
        pareto_tier_of(pCur->rCum, pCur->rTotal, p->aCutoff, p->nCutoff);
  }
  pCur->rCum += v * pCur->rScale;
}

static int pareto_filter(sqlite3_vtab_cursor *pCursor, int idxNum,
                         const char *idxStr, int argc, sqlite3_value **argv) {
  ParetoCursor *pCur = (ParetoCursor *)pCursor;
  ParetoVtab *p = (ParetoVtab *)pCursor->pVtab;
  (void)idxNum;
  (void)idxStr;
  (void)argc;
  (void)argv;
  if (!pCur->bLoaded) {
    int rc = pareto_read_source(p, &pCur->data);
    if (rc != SQLITE_OK) {
      pareto_data_free(&pCur->data);
      return rc;
    }
    pareto_sort_rows(pCur->data.aRow, pCur->data.nRow, &pCur->data.arena);
    p->nRowLastRead = pCur->data.nRow;
    pCur->bLoaded = 1;
  }
  pCur->iRow = 0;
  pareto_row_begin(pCur, p);
  return SQLITE_OK;
}

static int pareto_next(sqlite3_vtab_cursor *pCursor) {
  ParetoCursor *pCur = (ParetoCursor *)pCursor;
  pCur->iRow++;
  pareto_row_begin(pCur, (const ParetoVtab *)pCursor->pVtab);
  return SQLITE_OK;
}

static int pareto_eof(sqlite3_vtab_cursor *pCursor) {
  ParetoCursor *pCur = (ParetoCursor *)pCursor;
  return pCur->iRow >= pCur->data.nRow;
}

/* A row's value: INTEGER when the source cell was one (Rule 10). */
static void pareto_result_value(sqlite3_context *ctx, const ParetoRow *pRow) {
  if (pRow->bInt && pRow->rValue < 9223372036854775808.0) {
    sqlite3_result_int64(ctx, (sqlite3_int64)pRow->rValue);
  } else {
    sqlite3_result_double(ctx, pRow->rValue);
  }
}

/* tier_floor: the value of the floor row, typed like that row's value. */
static void pareto_result_floor(sqlite3_context *ctx, const ParetoCursor *pCur,
                                const ParetoVtab *p) {
  if (pCur->iTier > p->nCutoff || pCur->aFloor[pCur->iTier - 1] < 0)
    return;
  pareto_result_value(ctx, &pCur->data.aRow[pCur->aFloor[pCur->iTier - 1]]);
}

static int pareto_column(sqlite3_vtab_cursor *pCursor, sqlite3_context *ctx,
                         int i) {
  ParetoCursor *pCur = (ParetoCursor *)pCursor;
  const ParetoVtab *p = (const ParetoVtab *)pCursor->pVtab;
  const ParetoRow *pRow = &pCur->data.aRow[pCur->iRow];
  const ParetoParts *pParts = &pCur->data.parts;
  int iCol = pareto_logical_col(p, i);
  int bComputed = pRow->bNull == 0; /* Rule 9: NULL value, NULL columns */
  int bShared = bComputed && pCur->rTotal > 0.0; /* Rule 3 */
  switch (iCol) {
  case PARETO_COL_PART:
    pareto_cell_result(ctx, &pCur->data.arena,
                       pParts->nPart ? pParts->aType[pRow->iPart] : SQLITE_NULL,
                       pParts->nPart ? pParts->aU[pRow->iPart] : 0);
    break;
  case PARETO_COL_KEY:
    pareto_cell_result(ctx, &pCur->data.arena, pRow->eKey, pRow->uKey);
    break;
  case PARETO_COL_VALUE:
    if (!pRow->bNull)
      pareto_result_value(ctx, pRow);
    break;
  case PARETO_COL_RANK:
    if (bComputed)
      sqlite3_result_int64(ctx, pCur->iRank);
    break;
  case PARETO_COL_SHARE:
    if (bShared)
      sqlite3_result_double(ctx, pRow->rValue * pCur->rScale / pCur->rTotal);
    break;
  case PARETO_COL_CUM_SHARE:
    if (bShared)
      sqlite3_result_double(ctx, pCur->rCum / pCur->rTotal);
    break;
  case PARETO_COL_TIER:
    if (bComputed)
      sqlite3_result_int(ctx, pCur->iTier);
    break;
  case PARETO_COL_TIER_NAME:
    if (bComputed && p->azName) {
      sqlite3_result_text(ctx, p->azName[pCur->iTier - 1], -1, SQLITE_STATIC);
    }
    break;
  default:
    if (bComputed)
      pareto_result_floor(ctx, pCur, p);
    break;
  }
  return SQLITE_OK;
}

static int pareto_rowid(sqlite3_vtab_cursor *pCursor, sqlite3_int64 *pRowid) {
  *pRowid = ((ParetoCursor *)pCursor)->iRow + 1;
  return SQLITE_OK;
}

/* Not eponymous (xCreate != NULL) and not innocuous: it reads user tables
** by name. Not DIRECTONLY either, so that views over it (sql/views) work
** in a trusted schema. Read-only: no xUpdate. */
static const sqlite3_module sParetoModule = {
    0,                 /* iVersion */
    pareto_create,     /* xCreate */
    pareto_connect,    /* xConnect */
    pareto_best_index, /* xBestIndex */
    pareto_disconnect, /* xDisconnect */
    pareto_disconnect, /* xDestroy */
    pareto_open,       /* xOpen */
    pareto_close,      /* xClose */
    pareto_filter,     /* xFilter */
    pareto_next,       /* xNext */
    pareto_eof,        /* xEof */
    pareto_column,     /* xColumn */
    pareto_rowid,      /* xRowid */
    0,                 /* xUpdate */
    0,                 /* xBegin */
    0,                 /* xSync */
    0,                 /* xCommit */
    0,                 /* xRollback */
    0,                 /* xFindFunction */
    0,                 /* xRename */
    0,                 /* xSavepoint */
    0,                 /* xRelease */
    0,                 /* xRollbackTo */
    0,                 /* xShadowName */
};

static const SxFunction aParetoFunc[] = {
    {"pareto_floors", -1, SX_PURE, 0, pareto_floors_step, pareto_floors_final,
     0, 0},
    {"pareto_tier", 2, SX_PURE, pareto_tier_func, 0, 0, 0, 0},
};

int sx_pareto_register(sqlite3 *db, char **pzErr) {
  int rc =
      sx_register_functions(db, aParetoFunc, SX_ARRAY_SIZE(aParetoFunc), pzErr);
  if (rc == SQLITE_OK) {
    rc = sx_register_module(db, PARETO_MODULE, &sParetoModule, pzErr);
  }
  return rc;
}
