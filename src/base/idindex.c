/*
 * idindex.c - an index of string ids kept in the caller's array (see
 * idindex.h).
 */
#include "base/idindex.h"

#include <stdlib.h>
#include <string.h>

#include "bssim.h"

uint64_t bs_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static size_t home(const char *id, size_t cap)
{
	return (size_t)bs_fnv1a(BS_FNV_INIT, id, strlen(id)) & (cap - 1);
}

/* O(have) when it rebuilds, else O(1). */
int bs_idindex_reserve(struct bs_idindex *ix, char *const *ids, size_t have,
		       size_t n)
{
	size_t nc = ix->cap ? ix->cap : 256;
	uint32_t *s;

	while (n * 2 > nc)
		nc *= 2;
	if (nc == ix->cap)
		return 0;
	if (!(s = calloc(nc, sizeof(*s))))
		return BS_E_NOMEM;
	for (size_t i = 0; i < have; i++) {
		size_t k = home(ids[i], nc);
		while (s[k])
			k = (k + 1) & (nc - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(ix->slot);
	ix->slot = s;
	ix->cap = nc;
	return 0;
}

long bs_idindex_find(const struct bs_idindex *ix, char *const *ids,
		     const char *id, size_t *free_slot)
{
	size_t k = home(id, ix->cap);

	while (ix->slot[k]) {
		if (strcmp(ids[ix->slot[k] - 1], id) == 0)
			return (long)ix->slot[k] - 1;
		k = (k + 1) & (ix->cap - 1);
	}
	*free_slot = k;
	return -1;
}

void bs_idindex_set(struct bs_idindex *ix, size_t slot, size_t i)
{
	ix->slot[slot] = (uint32_t)i + 1;
}

void bs_idindex_free(struct bs_idindex *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = 0;
}
