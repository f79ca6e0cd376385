/*
** common.c -- the shared layer declared in success.h: registration,
** number and date reading, errors, JSON output and the virtual-table helpers.
**
** Rules implemented here (SPEC section 1), cited in the code as (Cn):
**   (C1) INTEGER and REAL are numbers; TEXT that is a well-formed decimal
**        number is that number; other TEXT, BLOBs and non-finite values are
**        errors.
**   (C2) Dates are ISO-8601 TEXT (the forms of SQLite's date functions) or
**        numbers read as the `auto` modifier does: 0 .. 5373484.5 is a Julian
**        day number, otherwise Unix epoch seconds.
**   (C3) Dates that come out are 'YYYY-MM-DD', with ' HH:MM:SS' only when
**        the time of day is not midnight.
**   (C4) Errors read "name(): what is wrong, got <value>"; virtual tables
**        name the module and the option or column.
*/
#include "success.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

int sx_register_functions(sqlite3 *db, const SxFunction *aFunc, int nFunc,
                          char **pzErr) {
  for (int i = 0; i < nFunc; i++) {
    const SxFunction *f = &aFunc[i];
    int rc;
    if (f->xValue) {
      rc = sqlite3_create_window_function(db, f->zName, f->nArg, f->flags, 0,
                                          f->xStep, f->xFinal, f->xValue,
                                          f->xInverse, 0);
    } else {
      rc = sqlite3_create_function_v2(db, f->zName, f->nArg, f->flags, 0,
                                      f->xFunc, f->xStep, f->xFinal, 0);
    }
    if (rc != SQLITE_OK) {
      *pzErr = sqlite3_mprintf("cannot register %s/%d: %s", f->zName, f->nArg,
                               sqlite3_errmsg(db));
      return rc;
    }
  }
  return SQLITE_OK;
}

int sx_register_module(sqlite3 *db, const char *zName,
                       const sqlite3_module *pModule, char **pzErr) {
  int rc = sqlite3_create_module_v2(db, zName, pModule, 0, 0);
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("cannot register module %s: %s", zName,
                             sqlite3_errmsg(db));
  }
  return rc;
}

/* ------------------------------------------------------------------ */
/* Numbers (C1)                                                        */
/* ------------------------------------------------------------------ */

static int sx_is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}
static int sx_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Scans [+-]digits[.digits][e[+-]digits] with surrounding spaces; returns 1
** when z[0..n-1] is exactly that. Collects up to 19 significant digits in
** *pMant and the decimal exponent that goes with them in *pExp. */
static int sx_scan_number(const char *z, int n, int *pNeg, uint64_t *pMant,
                          int *pExp) {
  int i = 0, nDigit = 0, nSig = 0, exp = 0;
  uint64_t mant = 0;
  while (i < n && sx_is_space(z[i]))
    i++;
  *pNeg = 0;
  if (i < n && (z[i] == '+' || z[i] == '-'))
    *pNeg = (z[i++] == '-');
  for (; i < n && sx_is_digit(z[i]); i++, nDigit++) {
    if (nSig < 19) {
      if (mant || z[i] != '0') {
        mant = mant * 10 + (uint64_t)(z[i] - '0');
        nSig++;
      }
    } else {
      exp++;
    }
  }
  if (i < n && z[i] == '.') {
    for (i++; i < n && sx_is_digit(z[i]); i++, nDigit++) {
      if (nSig < 19) {
        if (mant || z[i] != '0') {
          mant = mant * 10 + (uint64_t)(z[i] - '0');
          nSig++;
        }
        exp--;
      }
    }
  }
  if (nDigit == 0)
    return 0;
  if (i < n && (z[i] == 'e' || z[i] == 'E')) {
    int eNeg = 0, e = 0, eDigits = 0;
    i++;
    if (i < n && (z[i] == '+' || z[i] == '-'))
      eNeg = (z[i++] == '-');
    for (; i < n && sx_is_digit(z[i]); i++, eDigits++) {
      if (e < 100000)
        e = e * 10 + (z[i] - '0');
    }
    if (eDigits == 0)
      return 0;
    exp += eNeg ? -e : e;
  }
  while (i < n && sx_is_space(z[i]))
    i++;
  if (i != n)
    return 0;
  *pMant = mant;
  *pExp = exp;
  return 1;
}

/* mant * 10^exp, correctly rounded without relying on long double (which
** is plain double on some targets and under valgrind):
**  - mant <= 2^53 and |exp| <= 22: both operands are exact doubles, so one
**    IEEE multiplication or division rounds correctly (Clinger's fast path);
**  - otherwise strtod() on "<mant>e<exp>", which is correctly rounded in
**    glibc, musl and the BSDs, and needs no decimal point, so the process
**    locale cannot change the result.
** Inputs with more than 19 significant digits were cut to 19 by the scanner
** (within one unit in the last place). */
static double sx_scale10(uint64_t mant, int exp) {
  static const double aPow10[] = {
      1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (mant == 0)
    return 0.0;
  if (mant <= (1ULL << 53) && exp >= -22 && exp <= 22) {
    double m = (double)mant;
    return exp < 0 ? m / aPow10[-exp] : m * aPow10[exp];
  }
  char zBuf[48];
  snprintf(zBuf, sizeof(zBuf), "%llue%d", (unsigned long long)mant, exp);
  return strtod(zBuf, 0);
}

int sx_parse_number(const char *z, int n, double *pOut) {
  int neg, exp;
  uint64_t mant;
  if (n < 0)
    n = (int)strlen(z);
  if (!sx_scan_number(z, n, &neg, &mant, &exp))
    return SX_INVALID;
  double x = sx_scale10(mant, exp);
  if (!isfinite(x))
    return SX_INVALID;
  *pOut = neg ? -x : x;
  return SX_OK;
}

/* sx_number for the types its inline part leaves: NULL, TEXT, BLOB. */
int sx_number_other(sqlite3_value *pVal, int eType, double *pOut) {
  switch (eType) {
  case SQLITE_NULL:
    return SX_NULL;
  case SQLITE_TEXT: {
    const char *z = (const char *)sqlite3_value_text(pVal);
    int n = sqlite3_value_bytes(pVal);
    double x;
    if (z == 0 || sx_parse_number(z, n, &x) != SX_OK)
      return SX_INVALID;
    *pOut = x;
    return SX_OK;
  }
  default:
    return SX_INVALID;
  }
}

/* ------------------------------------------------------------------ */
/* Dates (C2, C3)                                                      */
/* ------------------------------------------------------------------ */

/* Julian day 2440587.5 (1970-01-01 00:00 UTC) in milliseconds. */
#define SX_UNIX_EPOCH_MS 210866760000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
** days_from_civil). */
static int64_t sx_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

SxTime sx_time_from_ymd(int y, int m, int d) {
  return sx_days_from_civil(y, m, d) * SX_MS_PER_DAY + SX_UNIX_EPOCH_MS;
}

/* Floor division of a by b > 0. */
static int64_t sx_floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void sx_time_to_ymd(SxTime t, int *pY, int *pM, int *pD) {
  int64_t z = sx_floor_div(t - SX_UNIX_EPOCH_MS, SX_MS_PER_DAY) + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *pY = (int)(yoe + era * 400 + (m <= 2));
  *pM = m;
  *pD = d;
}

static int sx_days_in_month(int y, int m) {
  static const unsigned char aDays[] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 ? 28 + leap : aDays[m - 1];
}

/* Reads exactly nDigit digits at z[*pi]; -1 when they are not there. */
static int sx_digits(const char *z, int n, int *pi, int nDigit) {
  int v = 0;
  for (int k = 0; k < nDigit; k++) {
    if (*pi >= n || !sx_is_digit(z[*pi]))
      return -1;
    v = v * 10 + (z[(*pi)++] - '0');
  }
  return v;
}

/* Reads "HH:MM[:SS[.fff]]" into milliseconds; 0 on success. */
static int sx_parse_clock(const char *z, int n, int *pi, int64_t *pMs) {
  int h = sx_digits(z, n, pi, 2);
  if (h < 0 || *pi >= n || z[(*pi)++] != ':')
    return 1;
  int mi = sx_digits(z, n, pi, 2);
  int s = 0, ms = 0;
  if (mi < 0 || h > 23 || mi > 59)
    return 1;
  if (*pi < n && z[*pi] == ':') {
    (*pi)++;
    s = sx_digits(z, n, pi, 2);
    if (s < 0 || s > 59)
      return 1;
    if (*pi < n && z[*pi] == '.') {
      int scale = 100, nFrac = 0;
      for ((*pi)++; *pi < n && sx_is_digit(z[*pi]); (*pi)++, nFrac++) {
        ms += (z[*pi] - '0') * scale;
        scale /= 10;
      }
      if (nFrac == 0)
        return 1;
    }
  }
  *pMs = ((int64_t)h * 3600 + mi * 60 + s) * 1000 + ms;
  return 0;
}

int sx_parse_date_text(const char *z, int n, SxTime *pOut) {
  int i = 0;
  if (n < 0)
    n = (int)strlen(z);
  while (i < n && sx_is_space(z[i]))
    i++;
  int y = sx_digits(z, n, &i, 4);
  if (y < 0 || i >= n || z[i++] != '-')
    return SX_INVALID;
  int m = sx_digits(z, n, &i, 2);
  if (m < 1 || m > 12 || i >= n || z[i++] != '-')
    return SX_INVALID;
  int d = sx_digits(z, n, &i, 2);
  if (d < 1 || d > sx_days_in_month(y, m))
    return SX_INVALID;
  SxTime t = sx_time_from_ymd(y, m, d);
  if (i < n && (z[i] == 'T' || z[i] == ' ')) {
    int j = i + 1;
    while (j < n && z[j] == ' ')
      j++;
    if (j < n && sx_is_digit(z[j])) {
      int64_t ms;
      i = j;
      if (sx_parse_clock(z, n, &i, &ms))
        return SX_INVALID;
      t += ms;
    }
  }
  while (i < n && sx_is_space(z[i]))
    i++;
  if (i < n && (z[i] == 'Z' || z[i] == 'z')) {
    i++;
  } else if (i < n && (z[i] == '+' || z[i] == '-')) {
    int sign = z[i++] == '-' ? -1 : 1;
    int oh = sx_digits(z, n, &i, 2);
    if (oh < 0 || oh > 14 || i >= n || z[i++] != ':')
      return SX_INVALID;
    int om = sx_digits(z, n, &i, 2);
    if (om < 0 || om > 59)
      return SX_INVALID;
    /* 12:00+02:00 is 10:00 UTC */
    t -= sign * ((int64_t)oh * 60 + om) * 60000;
  }
  while (i < n && sx_is_space(z[i]))
    i++;
  if (i != n)
    return SX_INVALID;
  *pOut = t;
  return SX_OK;
}

/* The `auto` modifier's reading of a number (C2). */
static int sx_date_from_number(double x, SxTime *pOut) {
  if (!isfinite(x))
    return SX_INVALID;
  if (x >= 0.0 && x <= 5373484.5) {
    *pOut = (SxTime)(x * (double)SX_MS_PER_DAY + 0.5);
    return SX_OK;
  }
  if (x >= -210866760000.0 && x <= 253402300799.0) {
    *pOut = (SxTime)floor(x * 1000.0 + 0.5) + SX_UNIX_EPOCH_MS;
    return SX_OK;
  }
  return SX_INVALID;
}

int sx_date(sqlite3_value *pVal, SxTime *pOut) {
  switch (sqlite3_value_type(pVal)) {
  case SQLITE_NULL:
    return SX_NULL;
  case SQLITE_INTEGER:
  case SQLITE_FLOAT:
    return sx_date_from_number(sqlite3_value_double(pVal), pOut);
  case SQLITE_TEXT: {
    const char *z = (const char *)sqlite3_value_text(pVal);
    int n = sqlite3_value_bytes(pVal);
    double x;
    if (z == 0)
      return SX_INVALID;
    if (sx_parse_date_text(z, n, pOut) == SX_OK)
      return SX_OK;
    /* numeric text, as imported from CSV */
    if (sx_parse_number(z, n, &x) == SX_OK)
      return sx_date_from_number(x, pOut);
    return SX_INVALID;
  }
  default:
    return SX_INVALID;
  }
}

char *sx_time_text(SxTime t, char *zBuf) {
  int y, m, d;
  int64_t msOfDay = t - sx_floor_div(t, SX_MS_PER_DAY) * SX_MS_PER_DAY;
  /* Julian days start at noon; calendar days at midnight. */
  msOfDay = (msOfDay + SX_MS_PER_DAY / 2) % SX_MS_PER_DAY;
  sx_time_to_ymd(t, &y, &m, &d);
  int64_t s = msOfDay / 1000;
  if (s == 0) {
    sqlite3_snprintf(SX_DATE_BUF, zBuf, "%04d-%02d-%02d", y, m, d);
  } else {
    sqlite3_snprintf(SX_DATE_BUF, zBuf, "%04d-%02d-%02d %02d:%02d:%02d", y, m,
                     d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
  }
  return zBuf;
}

double sx_days_between(SxTime a, SxTime b) {
  return (double)(b - a) / (double)SX_MS_PER_DAY;
}

void sx_result_date(sqlite3_context *ctx, SxTime t) {
  char zBuf[SX_DATE_BUF];
  sqlite3_result_text(ctx, sx_time_text(t, zBuf), -1, SQLITE_TRANSIENT);
}

/* ------------------------------------------------------------------ */
/* Errors (C4)                                                         */
/* ------------------------------------------------------------------ */

#define SX_REPR_MAX_TEXT 40
#define SX_REPR_MAX_BLOB 16

char *sx_value_repr(sqlite3_value *pVal) {
  switch (sqlite3_value_type(pVal)) {
  case SQLITE_NULL:
    return sqlite3_mprintf("NULL");
  case SQLITE_INTEGER:
    return sqlite3_mprintf("%lld", sqlite3_value_int64(pVal));
  case SQLITE_FLOAT:
    return sqlite3_mprintf("%!.15g", sqlite3_value_double(pVal));
  case SQLITE_TEXT: {
    const unsigned char *z = sqlite3_value_text(pVal);
    int n = sqlite3_value_bytes(pVal);
    if (z == 0)
      return 0;
    /* Count characters, not bytes, so no UTF-8 sequence is cut. */
    int nChar = 0, nByte = 0;
    while (nByte < n && nChar < SX_REPR_MAX_TEXT) {
      nByte++;
      while (nByte < n && (z[nByte] & 0xc0) == 0x80)
        nByte++;
      nChar++;
    }
    return sqlite3_mprintf("'%.*q'%s", nByte, z, nByte < n ? "..." : "");
  }
  default: {
    const unsigned char *a = sqlite3_value_blob(pVal);
    int n = sqlite3_value_bytes(pVal);
    sqlite3_str *pStr = sqlite3_str_new(0);
    sqlite3_str_appendall(pStr, "x'");
    for (int i = 0; i < n && i < SX_REPR_MAX_BLOB; i++) {
      sqlite3_str_appendf(pStr, "%02x", a[i]);
    }
    sqlite3_str_appendall(pStr, n > SX_REPR_MAX_BLOB ? "'..." : "'");
    return sqlite3_str_finish(pStr);
  }
  }
}

void sx_error(sqlite3_context *ctx, const char *zFunc, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  char *zMsg = sqlite3_vmprintf(zFmt, ap);
  va_end(ap);
  char *zAll = zMsg ? sqlite3_mprintf("%s(): %s", zFunc, zMsg) : 0;
  if (zAll) {
    sqlite3_result_error(ctx, zAll, -1);
  } else {
    sqlite3_result_error_nomem(ctx);
  }
  sqlite3_free(zMsg);
  sqlite3_free(zAll);
}

void sx_error_got(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                  sqlite3_value *pVal) {
  char *zRepr = sx_value_repr(pVal);
  if (zRepr == 0) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sx_error(ctx, zFunc, "%s, got %s", zWhat, zRepr);
  sqlite3_free(zRepr);
}

void sx_error_value(sqlite3_context *ctx, const char *zFunc,
                    sqlite3_value *pVal, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  char *zWhat = sqlite3_vmprintf(zFmt, ap);
  va_end(ap);
  if (zWhat == 0) {
    sqlite3_result_error_nomem(ctx);
  } else {
    sx_error_got(ctx, zFunc, zWhat, pVal);
  }
  sqlite3_free(zWhat);
}

int sx_arg_number(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                  sqlite3_value *pVal, double *pOut) {
  int rc = sx_number(pVal, pOut);
  if (rc == SX_INVALID) {
    sx_error_value(ctx, zFunc, pVal, "%s must be a number", zWhat);
  }
  return rc;
}

int sx_arg_date(sqlite3_context *ctx, const char *zFunc, const char *zWhat,
                sqlite3_value *pVal, SxTime *pOut) {
  int rc = sx_date(pVal, pOut);
  if (rc == SX_INVALID) {
    sx_error_value(ctx, zFunc, pVal, "%s must be a date", zWhat);
  }
  return rc;
}

/* ------------------------------------------------------------------ */
/* Ordering values                                                     */
/* ------------------------------------------------------------------ */

int sx_value_class(int eType) {
  switch (eType) {
  case SQLITE_NULL:
    return 0;
  case SQLITE_INTEGER:
  case SQLITE_FLOAT:
    return 1;
  case SQLITE_TEXT:
    return 2;
  default:
    return 3;
  }
}

int sx_int_real_compare(sqlite3_int64 i, double r) {
  if (r < -9223372036854775808.0)
    return 1;
  if (r >= 9223372036854775808.0)
    return -1;
  sqlite3_int64 y = (sqlite3_int64)r;
  if (i != y)
    return i < y ? -1 : 1;
  double s = (double)i;
  return s < r ? -1 : s > r;
}

static int sx_bytes_compare(const void *a, int na, const void *b, int nb) {
  int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
  return c ? c : na - nb;
}

/* sx_value_compare for the pairs its inline part leaves (not both
** INTEGER). */
int sx_value_compare_other(sqlite3_value *a, int ta, sqlite3_value *b, int tb) {
  int ca = sx_value_class(ta), cb = sx_value_class(tb);
  if (ca != cb)
    return ca - cb;
  switch (ca) {
  case 0:
    return 0;
  case 1:
    if (ta == SQLITE_INTEGER) {
      return sx_int_real_compare(sqlite3_value_int64(a),
                                 sqlite3_value_double(b));
    }
    if (tb == SQLITE_INTEGER) {
      return -sx_int_real_compare(sqlite3_value_int64(b),
                                  sqlite3_value_double(a));
    }
    {
      double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
      return x < y ? -1 : x > y;
    }
  case 2: {
    const unsigned char *za = sqlite3_value_text(a);
    int na = sqlite3_value_bytes(a);
    const unsigned char *zb = sqlite3_value_text(b);
    int nb = sqlite3_value_bytes(b);
    return sx_bytes_compare(za, na, zb, nb);
  }
  default: {
    const void *za = sqlite3_value_blob(a);
    int na = sqlite3_value_bytes(a);
    const void *zb = sqlite3_value_blob(b);
    int nb = sqlite3_value_bytes(b);
    return sx_bytes_compare(za ? za : "", na, zb ? zb : "", nb);
  }
  }
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

void sx_json_string(sqlite3_str *pStr, const char *z, int n) {
  static const char aHex[] = "0123456789abcdef";
  if (n < 0)
    n = (int)strlen(z);
  sqlite3_str_appendchar(pStr, 1, '"');
  int start = 0;
  for (int i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    sqlite3_str_append(pStr, z + start, i - start);
    start = i + 1;
    switch (c) {
    case '"':
      sqlite3_str_append(pStr, "\\\"", 2);
      break;
    case '\\':
      sqlite3_str_append(pStr, "\\\\", 2);
      break;
    case '\n':
      sqlite3_str_append(pStr, "\\n", 2);
      break;
    case '\r':
      sqlite3_str_append(pStr, "\\r", 2);
      break;
    case '\t':
      sqlite3_str_append(pStr, "\\t", 2);
      break;
    default: {
      char zEsc[6] = {'\\', 'u', '0', '0', aHex[c >> 4], aHex[c & 15]};
      sqlite3_str_append(pStr, zEsc, 6);
    }
    }
  }
  sqlite3_str_append(pStr, z + start, n - start);
  sqlite3_str_appendchar(pStr, 1, '"');
}

/* Writes x with prec significant digits into zBuf as C's "%.*g" does, with
** '.' as the decimal point whatever the process locale. (SQLite's own printf
** stops at 16 significant digits, too few to round-trip every double.) */
static void sx_format_g(char *zBuf, size_t nBuf, int prec, double x) {
  char zRaw[64];
  snprintf(zRaw, sizeof(zRaw), "%.*g", prec, x);
  size_t j = 0;
  int inPoint = 0;
  for (size_t i = 0; zRaw[i] && j + 1 < nBuf; i++) {
    char c = zRaw[i];
    int plain = sx_is_digit(c) || c == '-' || c == '+' || c == 'e';
    if (plain) {
      zBuf[j++] = c;
      inPoint = 0;
    } else if (!inPoint) { /* the locale's decimal point, maybe multibyte */
      zBuf[j++] = '.';
      inPoint = 1;
    }
  }
  zBuf[j] = 0;
}

void sx_json_number(sqlite3_str *pStr, double x) {
  char zBuf[64];
  if (!isfinite(x)) {
    sqlite3_str_appendall(pStr, "null");
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    double back;
    sx_format_g(zBuf, sizeof(zBuf), prec, x);
    if (sx_parse_number(zBuf, -1, &back) == SX_OK && back == x)
      break;
  }
  sqlite3_str_appendall(pStr, zBuf);
}

void sx_result_str(sqlite3_context *ctx, sqlite3_str *pStr) {
  int rc = sqlite3_str_errcode(pStr);
  int n = sqlite3_str_length(pStr);
  char *z = sqlite3_str_finish(pStr);
  if (rc != SQLITE_OK || z == 0) {
    sqlite3_free(z);
    if (rc == SQLITE_TOOBIG) {
      sqlite3_result_error_toobig(ctx);
    } else {
      sqlite3_result_error_nomem(ctx);
    }
    return;
  }
  sqlite3_result_text(ctx, z, n, sqlite3_free);
}

/* ------------------------------------------------------------------ */
/* Virtual-table layer                                                 */
/* ------------------------------------------------------------------ */

/* Removes one level of SQL quoting ('x', "x", `x` or [x]) from z[0..n-1];
** returns a new string, or NULL on OOM. *pbQuoted says if it was quoted. */
static char *sx_unquote(const char *z, int n, unsigned char *pbQuoted) {
  char q = n >= 2 ? z[0] : 0;
  char qEnd = q == '[' ? ']' : q;
  *pbQuoted = 0;
  if ((q == '\'' || q == '"' || q == '`' || q == '[') && z[n - 1] == qEnd) {
    char *zOut = sqlite3_malloc64((sqlite3_uint64)n);
    int j = 0;
    if (zOut == 0)
      return 0;
    for (int i = 1; i < n - 1; i++) {
      zOut[j++] = z[i];
      if (q != '[' && z[i] == q && i + 1 < n - 1 && z[i + 1] == q)
        i++;
    }
    zOut[j] = 0;
    *pbQuoted = 1;
    return zOut;
  }
  return sqlite3_mprintf("%.*s", n, z);
}

static void sx_trim(const char **pz, int *pn) {
  while (*pn > 0 && sx_is_space(**pz)) {
    (*pz)++;
    (*pn)--;
  }
  while (*pn > 0 && sx_is_space((*pz)[*pn - 1]))
    (*pn)--;
}

void sx_options_free(SxOptions *pOpt) {
  for (int i = 0; i < SX_MAX_OPTIONS; i++) {
    sqlite3_free(pOpt->azValue[i]);
    pOpt->azValue[i] = 0;
  }
}

/* Parses one "name=value" argument into pOpt. */
static int sx_option_one(const char *zModule, const SxOptionSpec *aSpec,
                         int nSpec, const char *zArg, SxOptions *pOpt,
                         char **pzErr) {
  const char *zEq = strchr(zArg, '=');
  if (zEq == 0) {
    *pzErr =
        sqlite3_mprintf("%s: expected name=value, got '%q'", zModule, zArg);
    return SQLITE_ERROR;
  }
  const char *zName = zArg, *zVal = zEq + 1;
  int nName = (int)(zEq - zArg), nVal = (int)strlen(zVal);
  sx_trim(&zName, &nName);
  sx_trim(&zVal, &nVal);
  int iOpt = -1;
  for (int i = 0; i < nSpec; i++) {
    if ((int)strlen(aSpec[i].zName) == nName &&
        sqlite3_strnicmp(aSpec[i].zName, zName, nName) == 0) {
      iOpt = i;
    }
  }
  if (iOpt < 0) {
    *pzErr =
        sqlite3_mprintf("%s: unknown option '%.*q'", zModule, nName, zName);
    return SQLITE_ERROR;
  }
  if (pOpt->azValue[iOpt]) {
    *pzErr = sqlite3_mprintf("%s: option %s given twice", zModule,
                             aSpec[iOpt].zName);
    return SQLITE_ERROR;
  }
  pOpt->azValue[iOpt] = sx_unquote(zVal, nVal, &pOpt->bQuoted[iOpt]);
  if (pOpt->azValue[iOpt] == 0)
    return SQLITE_NOMEM;
  if (pOpt->azValue[iOpt][0] == 0) {
    *pzErr =
        sqlite3_mprintf("%s: option %s is empty", zModule, aSpec[iOpt].zName);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

int sx_options_parse(const char *zModule, const SxOptionSpec *aSpec, int nSpec,
                     int argc, const char *const *argv, SxOptions *pOpt,
                     char **pzErr) {
  int rc = SQLITE_OK;
  memset(pOpt, 0, sizeof(*pOpt));
  pOpt->nSpec = nSpec;
  for (int i = 3; i < argc && rc == SQLITE_OK; i++) {
    rc = sx_option_one(zModule, aSpec, nSpec, argv[i], pOpt, pzErr);
  }
  for (int i = 0; i < nSpec && rc == SQLITE_OK; i++) {
    if (aSpec[i].bRequired && pOpt->azValue[i] == 0) {
      *pzErr = sqlite3_mprintf("%s: missing required option %s", zModule,
                               aSpec[i].zName);
      rc = SQLITE_ERROR;
    }
  }
  if (rc != SQLITE_OK)
    sx_options_free(pOpt);
  return rc;
}

const char *sx_option(const SxOptions *pOpt, const SxOptionSpec *aSpec,
                      const char *zName) {
  for (int i = 0; i < pOpt->nSpec; i++) {
    if (sqlite3_stricmp(aSpec[i].zName, zName) == 0)
      return pOpt->azValue[i];
  }
  return 0;
}

int sx_source_init(SxSource *pSrc, const char *zValue, int bQuoted) {
  const char *zDot = bQuoted ? 0 : strchr(zValue, '.');
  memset(pSrc, 0, sizeof(*pSrc));
  if (zDot) {
    pSrc->zSchema = sqlite3_mprintf("%.*s", (int)(zDot - zValue), zValue);
    pSrc->zTable = sqlite3_mprintf("%s", zDot + 1);
    if (pSrc->zSchema == 0) {
      sx_source_free(pSrc);
      return SQLITE_NOMEM;
    }
  } else {
    pSrc->zTable = sqlite3_mprintf("%s", zValue);
  }
  if (pSrc->zTable == 0) {
    sx_source_free(pSrc);
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

void sx_source_free(SxSource *pSrc) {
  sqlite3_free(pSrc->zSchema);
  sqlite3_free(pSrc->zTable);
  pSrc->zSchema = pSrc->zTable = 0;
}

void sx_sql_ident(sqlite3_str *pStr, const char *zIdent) {
  sqlite3_str_appendf(pStr, "\"%w\"", zIdent);
}

void sx_sql_source(sqlite3_str *pStr, const SxSource *pSrc) {
  if (pSrc->zSchema) {
    sx_sql_ident(pStr, pSrc->zSchema);
    sqlite3_str_appendchar(pStr, 1, '.');
  }
  sx_sql_ident(pStr, pSrc->zTable);
}

/* Prepares (and drops) "SELECT <zCol or *> FROM <source>"; returns the
** prepare result code. */
static int sx_try_select(sqlite3 *db, const SxSource *pSrc, const char *zCol) {
  sqlite3_str *pStr = sqlite3_str_new(db);
  sqlite3_stmt *pStmt = 0;
  /* The column is qualified (s."col"): a bare "col" that names no column
  ** would be read as the string 'col' where double-quoted strings are on. */
  sqlite3_str_appendall(pStr, "SELECT ");
  if (zCol) {
    sqlite3_str_appendall(pStr, "s.");
    sx_sql_ident(pStr, zCol);
  } else {
    sqlite3_str_appendall(pStr, "*");
  }
  sqlite3_str_appendall(pStr, " FROM ");
  sx_sql_source(pStr, pSrc);
  sqlite3_str_appendall(pStr, " AS s");
  char *zSql = sqlite3_str_finish(pStr);
  if (zSql == 0)
    return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  sqlite3_finalize(pStmt);
  sqlite3_free(zSql);
  return rc;
}

int sx_source_check(sqlite3 *db, const char *zModule, const char *zSrcOpt,
                    const SxSource *pSrc, const char *const *azCol,
                    const char *const *azColOpt, int nCol, char **pzErr) {
  int rc = sx_try_select(db, pSrc, 0);
  if (rc == SQLITE_NOMEM)
    return rc;
  if (rc != SQLITE_OK) {
    *pzErr =
        sqlite3_mprintf("%s: option %s: no such table or view %s%s%s", zModule,
                        zSrcOpt, pSrc->zSchema ? pSrc->zSchema : "",
                        pSrc->zSchema ? "." : "", pSrc->zTable);
    return SQLITE_ERROR;
  }
  for (int i = 0; i < nCol; i++) {
    rc = sx_try_select(db, pSrc, azCol[i]);
    if (rc == SQLITE_NOMEM)
      return rc;
    if (rc != SQLITE_OK) {
      *pzErr = sqlite3_mprintf("%s: option %s: no column %s in %s", zModule,
                               azColOpt[i], azCol[i], pSrc->zTable);
      return SQLITE_ERROR;
    }
  }
  return SQLITE_OK;
}

int sx_source_prepare(sqlite3 *db, const char *zModule, sqlite3_str *pStr,
                      sqlite3_stmt **ppStmt, char **pzErr) {
  char *zSql = sqlite3_str_finish(pStr);
  *ppStmt = 0;
  if (zSql == 0)
    return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, zSql, -1, ppStmt, 0);
  sqlite3_free(zSql);
  if (rc == SQLITE_NOMEM)
    return rc;
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: cannot read source: %s", zModule,
                             sqlite3_errmsg(db));
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

char *sx_cell_error(const char *zModule, const SxSource *pSrc, const char *zCol,
                    const char *zWhat, sqlite3_value *pVal) {
  char *zRepr = sx_value_repr(pVal);
  char *zMsg = 0;
  if (zRepr) {
    zMsg = sqlite3_mprintf("%s: column %s of %s: %s, got %s", zModule, zCol,
                           pSrc->zTable, zWhat, zRepr);
  }
  sqlite3_free(zRepr);
  return zMsg;
}

int sx_declare_vtab(sqlite3 *db, const char *const *azCol, int nCol,
                    const char *const *azHidden, int nHidden) {
  sqlite3_str *pStr = sqlite3_str_new(db);
  sqlite3_str_appendall(pStr, "CREATE TABLE x(");
  for (int i = 0; i < nCol; i++) {
    if (i)
      sqlite3_str_appendall(pStr, ", ");
    sx_sql_ident(pStr, azCol[i]);
  }
  for (int i = 0; i < nHidden; i++) {
    sqlite3_str_appendall(pStr, nCol + i ? ", " : "");
    sx_sql_ident(pStr, azHidden[i]);
    sqlite3_str_appendall(pStr, " HIDDEN");
  }
  sqlite3_str_appendall(pStr, ")");
  char *zSql = sqlite3_str_finish(pStr);
  if (zSql == 0)
    return SQLITE_NOMEM;
  int rc = sqlite3_declare_vtab(db, zSql);
  sqlite3_free(zSql);
  return rc;
}

int sx_find_eq(const sqlite3_index_info *pInfo, int iCol) {
  for (int i = 0; i < pInfo->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &pInfo->aConstraint[i];
    if (c->usable && c->iColumn == iCol &&
        c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
      return i;
    }
  }
  return -1;
}

void sx_vtab_error(sqlite3_vtab *pVtab, char *zMsg) {
  sqlite3_free(pVtab->zErrMsg);
  pVtab->zErrMsg = zMsg;
}

int sx_grow_alloc(void **paElem, sqlite3_int64 *pnAlloc, sqlite3_int64 nNeed,
                  size_t szElem) {
  sqlite3_int64 nNew = *pnAlloc ? *pnAlloc * 2 : 16;
  while (nNew < nNeed)
    nNew *= 2;
  void *aNew = sqlite3_realloc64(*paElem, (sqlite3_uint64)nNew * szElem);
  if (aNew == 0)
    return SQLITE_NOMEM;
  *paElem = aNew;
  *pnAlloc = nNew;
  return SQLITE_OK;
}
