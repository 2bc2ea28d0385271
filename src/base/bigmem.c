/*
 * bigmem.c - large zeroed arrays on transparent huge pages where the
 * system offers them (see common.h). Linux's madvise(MADV_HUGEPAGE) is a
 * hint: elsewhere, or when refused, the memory is ordinary.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include "base/common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *bs_big_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (bs_size_mul(n ? n : 1, size ? size : 1, &bytes))
		return NULL;
	if (bytes < HUGE_PAGE) {
		/* cache-line aligned: arrays of 64-byte records stay one
		 * record per line */
		bytes = (bytes + 63) / 64 * 64;
		p = aligned_alloc(64, bytes);
		if (p)
			memset(p, 0, bytes);
		return p;
	}
	bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	p = aligned_alloc(HUGE_PAGE, bytes);
	if (!p)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}
