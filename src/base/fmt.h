/*
 * fmt.h - numbers and fields as bssim writes them: CSV fields quoted only
 * when they must be, numbers with 12 significant digits (never "-0"),
 * NaN as null in JSON, and the shortest text that reads back exactly.
 * Every writer of CSV or JSON (outputs, imports, calibration, task logs)
 * formats through these, so the same number reads the same everywhere.
 */
#ifndef BS_BASE_FMT_H
#define BS_BASE_FMT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Write one CSV field, quoted when it holds a comma, quote or line end. */
void bs_csv_put(FILE *fp, const char *s);
/* Write a number as CSV/JSON-friendly text (%.12g; NaN as "NaN"). */
void bs_csv_num(FILE *fp, double v);
/* The text bs_csv_num writes for v, into buf (at least 32 bytes, not
 * terminated): its length. Whole numbers below 10^12 in magnitude, the
 * counts and minutes of most rows, are written digit by digit (what
 * %.12g gives for them, without printf's cost); others by %.12g. */
size_t bs_fmt_num(char *buf, double v);
/* The decimal digits of v into buf (at least 20 bytes, not
 * terminated): their number. */
size_t bs_fmt_u64(char *buf, unsigned long long v);
/* ",mean,sd,lo,hi\n": the end of a row of statistics. */
void bs_csv_stat_end(FILE *fp, double mean, double sd, double lo, double hi);

/* A JSON real, or null for NaN/inf (jansson refuses those). New ref. */
json_t *bs_json_num(double v);

/* Shortest decimal text that reads back as exactly v ("35.693799", where
 * %.17g gives "35.693798999999998"): how JSON and Python print numbers,
 * so coordinates copied from a feed keep their published digits. */
void bs_fmt_shortest(double v, char *buf, size_t sz);

/* v rounded to 10^-dec (dec < 0: to tens, hundreds, ...) with a comma
 * between thousands ("25,190", "-0.25"), '+' before a positive value when
 * sign is set, never "-0"; for people (bs_fmt_human, report.html). */
void bs_fmt_grouped(char *buf, size_t sz, double v, int dec, int sign);

#endif
