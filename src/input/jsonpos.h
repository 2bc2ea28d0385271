/*
 * jsonpos.h - where in a JSON text a key or value sits.
 *
 * jansson reports line and column for syntax errors only; a value it parsed
 * has no position. Errors about a well-formed but wrong value ("fleet.bikes
 * must not be negative") must still name line and column, so this module
 * scans the original text once more and finds the position of a dotted path
 * such as "agreement.pairs[0][1]". It runs only on the error path.
 *
 * Columns count characters (UTF-8 sequences), as jansson's do.
 */
#ifndef BSSIM_JSONPOS_H
#define BSSIM_JSONPOS_H

#include <stddef.h>

#include <jansson.h>

#include "base/common.h"
#include "base/limits.h"

/*
 * Find path in text. For an object member the position is that of its key;
 * for an array element, that of the element. When the path is absent, gives
 * the position of its longest present prefix and returns 0; 1 when found.
 * line/col are 0 when not even the first component is present.
 */
int bs_json_locate(const char *text, size_t len, const char *path,
		   long *line, long *col);

/* Fill err (BS_E_INPUT) with msg about the value at path of file, whose
 * text (may be NULL: no position) locates it. Returns BS_E_INPUT. */
int bs_json_error_at(struct bs_error *err, const char *file,
		     const char *text, size_t len, const char *path,
		     const char *msg);

/*
 * jansson cannot always tell a failed allocation from bad text (its lexer
 * reports "invalid token" when a string cannot be stored). bs_json_setup
 * (once, at start-up, before any thread) routes its allocations through
 * malloc with a count of failures; bs_json_alloc_failures reads the count.
 */
void bs_json_setup(void);
unsigned long bs_json_alloc_failures(void);

/*
 * Did a jansson load that failed with je fail for want of memory rather
 * than bad text? before: bs_json_alloc_failures() taken just before the
 * load. Also true when jansson says so, or leaves the error without a
 * text (a syntax error always carries one).
 */
int bs_json_nomem(const json_error_t *je, unsigned long before);

/*
 * A whole JSON file (bs_read_file: a regular file of at most max bytes)
 * parsed with jansson's flags. NULL with err filled: the messages of
 * bs_read_file (a missing file: "missing; expected WHAT"), "FILE:LINE:COLUMN: invalid JSON: ..." (BS_E_INPUT) or
 * "out of memory reading FILE" (BS_E_NOMEM). New reference.
 */
json_t *bs_json_load_file(const char *path, size_t max, const char *what,
			  size_t flags, struct bs_error *err);

/*
 * text[0..len) of file path parsed as one JSON document, duplicate keys
 * refused, into *doc (new reference). 0; BS_E_INPUT with "invalid JSON:
 * ..." at its line and column; BS_E_NOMEM with "out of memory reading the
 * THING" when jansson's allocations failed (not the text's fault).
 */
int bs_json_parse(const char *path, const char *text, size_t len,
		  const char *thing, json_t **doc, struct bs_error *err);

#endif
