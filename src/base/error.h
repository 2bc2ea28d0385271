/*
 * error.h - filling the caller-owned error record and warnings whose
 * types bssim.h declares (struct bs_error, struct bs_warnings, the BS_E_*
 * codes): the lowest layer, used by every other.
 *
 * Functions return 0 or a negative BS_E_* code; constructors return NULL.
 * When the cause is bad input, they also fill a struct bs_error owned by
 * the caller with the file, line/column or row, the key and a sentence the
 * user can act on. Nothing below the front ends prints or exits.
 */
#ifndef BS_BASE_ERROR_H
#define BS_BASE_ERROR_H

#include <stddef.h>

#include "bssim.h"

/* Fill e (may be NULL: then nothing happens). Any string may be NULL. */
void bs_error_set(struct bs_error *e, int code, const char *file, long line,
		  long column, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

/* Same, for CSV input: names the row instead of line and column. */
void bs_error_row(struct bs_error *e, const char *file, long row,
		  const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

void bs_warnings_clear(struct bs_warnings *w);
/* Count one warning (w may be NULL) and keep its text if among the first. */
void bs_warn(struct bs_warnings *w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
