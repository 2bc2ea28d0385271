/*
 * idindex.h - an index of string ids kept in the caller's array: the ids
 * of a status series or of a trip log's stations, looked up row by row.
 * Open addressing with linear probing, at most half full, so a lookup is
 * expected O(1). The hash is unseeded FNV-1a: ids crafted to collide
 * would make a lookup O(ids); real ids do not, and the inputs are the
 * user's own files, not an adversary's.
 */
#ifndef BSSIM_BASE_IDINDEX_H
#define BSSIM_BASE_IDINDEX_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bits, over n bytes from h (BS_FNV_INIT to start). */
#define BS_FNV_INIT UINT64_C(0xcbf29ce484222325) /* the offset basis */
uint64_t bs_fnv1a(uint64_t h, const void *data, size_t n);

struct bs_idindex {
	uint32_t *slot; /* an id's index + 1; 0 is empty */
	size_t cap;     /* a power of two, or 0 */
};

/* Room for n ids of ids[0..have) (rebuilt, doubling, when more than half
 * would be full): 0, or BS_E_NOMEM with the index unchanged. */
int bs_idindex_reserve(struct bs_idindex *ix, char *const *ids, size_t have,
		       size_t n);

/* The index of id in ids, or -1 with *free_slot where to bs_idindex_set
 * it (after a bs_idindex_reserve for one more). */
long bs_idindex_find(const struct bs_idindex *ix, char *const *ids,
		     const char *id, size_t *free_slot);
void bs_idindex_set(struct bs_idindex *ix, size_t slot, size_t i);

void bs_idindex_free(struct bs_idindex *ix);

#endif
