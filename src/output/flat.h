/*
 * flat.h - a JSON document flattened to (dotted path, text) pairs: objects
 * become their members' paths ("fleet.bikes"), every other value its text
 * (a string as itself, anything else as compact JSON, numbers at 12
 * significant digits). Lookups are linear: the report's documents hold a
 * few hundred keys.
 */
#ifndef BSSIM_OUTPUT_FLAT_H
#define BSSIM_OUTPUT_FLAT_H

#include <stddef.h>

#include <jansson.h>

struct bs_flat {
	char **path, **text; /* n pairs, owned */
	size_t n, cap;
};

/* Append v's pairs under prefix ("" at the top), leaving out the member
 * whose path is skip (may be NULL): 0 or BS_E_NOMEM (f keeps what it had;
 * release it either way). Paths are cut at 511 bytes. */
int bs_flatten(struct bs_flat *f, const char *prefix, json_t *v,
	       const char *skip);
/* Append one pair (v's text at path): 0 or BS_E_NOMEM. */
int bs_flat_add(struct bs_flat *f, const char *path, json_t *v);
/* The text at path, or NULL. O(n). */
const char *bs_flat_get(const struct bs_flat *f, const char *path);
void bs_flat_release(struct bs_flat *f);

#endif
