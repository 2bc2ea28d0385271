/*
 * csvread.h - reading CSV input through libcsv, row by row, with the checks
 * every bssim input needs: a UTF-8 byte-order mark is skipped, CRLF and LF
 * line ends both work, a NUL byte (a binary file) is an error naming the
 * row, and the callback gets NUL-terminated fields.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1 (blank
 * lines are not rows). Also: strict field parsers that reject trailing junk,
 * NaN and infinities, and header lookup with a message that lists what was
 * expected.
 */
#ifndef BSSIM_CSVREAD_H
#define BSSIM_CSVREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bssim/common.h"

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

/* Open path, gzip-compressed or plain (zlib tells them apart by the
 * content, not the name); a missing or unreadable file is BS_E_INPUT
 * naming it. */
int bs_csv_read_file(const char *path, bs_csv_cb cb, void *ud,
		     struct bs_error *err);

/*
 * Map header names to column indices: for each of the k names, idx[i]
 * receives its column, or -1. A name missing when required[i] is nonzero
 * is an error naming it and listing `expected`. Duplicate header names are
 * an error too.
 */
int bs_csv_header(const struct bs_csv_row *r, const char *file, size_t k,
		  const char *const *names, const int *required, long *idx,
		  const char *expected, struct bs_error *err);

/* Strict number parsers: the whole string, finite. 0 or -1. */
int bs_parse_double(const char *s, double *out);
int bs_parse_u64(const char *s, uint64_t *out);

/* Shortest decimal text that reads back as exactly v ("35.693799", where
 * %.17g gives "35.693798999999998"): how JSON and Python print numbers,
 * so coordinates copied from a feed keep their published digits. */
void bs_fmt_shortest(double v, char *buf, size_t sz);

/* Nonzero when s (len bytes) is valid UTF-8. */
int bs_utf8_valid(const char *s, size_t len);

#endif
