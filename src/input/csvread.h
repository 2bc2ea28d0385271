/*
 * csvread.h - reading CSV input through libcsv, row by row, with the checks
 * every bssim input needs: a UTF-8 byte-order mark is skipped, CRLF and LF
 * line ends both work, a NUL byte (a binary file) is an error naming the
 * row, and the callback gets NUL-terminated fields.
 *
 * Encodings: UTF-8 (with or without a byte-order mark) or CP932
 * (Shift-JIS as Windows and Japanese Excel write it), told apart by the
 * bytes; CP932 is converted to UTF-8 with glibc's iconv before parsing,
 * so callbacks always get UTF-8. A file that is neither is BS_E_INPUT
 * naming the row and the byte offset, with the hint "save as UTF-8 or
 * CP932" (csvread.c, "encodings").
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1 (blank
 * lines are not rows). Every row has as many fields as the header: a row
 * with more or fewer is an error naming it, in every reader alike. Also:
 * strict field parsers that reject trailing junk, NaN and infinities, and
 * header lookup with a message that lists what was expected.
 *
 * Files may be gzip-compressed: a stream cut short, a bad CRC-32 or length
 * and data after the last member are errors naming the file (csvread.c).
 * An input that is not a regular file (a FIFO, a device, a folder) is
 * refused before it is read.
 */
#ifndef BSSIM_CSVREAD_H
#define BSSIM_CSVREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/common.h"
#include "base/limits.h"

/* Field, row and column limits: BS_CSV_MAX_* in limits.h. */

struct bs_csv_row {
	long row;           /* 1-based, header = 1 */
	size_t n;           /* number of fields */
	char **f;           /* fields, NUL-terminated, borrowed for the call */
	const size_t *len;  /* field lengths */
};

/* Return 0 to go on, or a negative BS_E_* code (having filled err) to stop. */
typedef int (*bs_csv_cb)(void *ud, const struct bs_csv_row *r,
			 struct bs_error *err);

/*
 * Parse the whole stream fp (already open), named `file` in messages.
 * Returns 0, the callback's code, or BS_E_INPUT / BS_E_IO / BS_E_NOMEM with
 * err filled. An empty input (no rows at all) is BS_E_INPUT.
 */
int bs_csv_read_stream(FILE *fp, const char *file, bs_csv_cb cb, void *ud,
		       struct bs_error *err);

/* Open path, gzip-compressed or plain (told apart by the content, not
 * the name: the gzip magic bytes); a missing or unreadable file is
 * BS_E_INPUT naming it, and so is one that is not a regular file ("not a
 * regular file (a FIFO); expected WHAT"). bs_csv_read_file says "a CSV
 * file" for WHAT. */
int bs_csv_read_input(const char *path, const char *what, bs_csv_cb cb,
		      void *ud, struct bs_error *err);
int bs_csv_read_file(const char *path, bs_csv_cb cb, void *ud,
		     struct bs_error *err);

/* bs_csv_read_input, noting in notes (may be NULL) what was done to the
 * file as it was read: a CP932 file converted (see "Encodings"). */
int bs_csv_read_noted(const char *path, const char *what,
		      struct bs_warnings *notes, bs_csv_cb cb, void *ud,
		      struct bs_error *err);

/*
 * Map header names to column indices: for each of the k names, idx[i]
 * receives its column, or -1. A name missing when required[i] is nonzero
 * is an error naming it and listing `expected`. Duplicate header names are
 * an error too (bs_csv_header_unique). O(k n + n log n) for n columns.
 */
int bs_csv_header(const struct bs_csv_row *r, const char *file, size_t k,
		  const char *const *names, const int *required, long *idx,
		  const char *expected, struct bs_error *err);

/* Refuse a header that names a column twice (empty names may repeat),
 * naming the first repeated one and listing `expected`. O(n log n). */
int bs_csv_header_unique(const struct bs_csv_row *r, const char *file,
			 const char *expected, struct bs_error *err);

/*
 * A string and its position in some list, for checks over input that must
 * stay O(n log n): sort an array of them with bs_strpos_cmp (by string,
 * then position, so the first of equal strings comes first), then compare
 * neighbours or look up with bs_strpos_find. The strings are borrowed.
 */
struct bs_strpos {
	const char *s;
	size_t i;
};

int bs_strpos_cmp(const void *a, const void *b);
/* Position (the .i) of the first entry equal to s in x[n], sorted by
 * bs_strpos_cmp; -1 when none. O(log n). */
long bs_strpos_find(const struct bs_strpos *x, size_t n, const char *s);

/* Strict number parsers: the whole string, finite. 0 or -1. */
int bs_parse_double(const char *s, double *out);
int bs_parse_u64(const char *s, uint64_t *out);


/* Nonzero when s (len bytes) is valid UTF-8. */
int bs_utf8_valid(const char *s, size_t len);

#endif
