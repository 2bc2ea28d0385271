/*
 * mem.h - memory for the large arrays of the event path.
 */
#ifndef BS_BASE_MEM_H
#define BS_BASE_MEM_H

#include <stddef.h>

/*
 * Zeroed memory for large arrays touched at random on the event path
 * (bikes, docks, stations, generator blocks), aligned to a cache line;
 * blocks of 2 MiB or more are aligned to 2 MiB and offered to the kernel
 * as transparent huge pages:
 * on the 20,000-port benchmark the per-event TLB misses of 4 KiB pages
 * cost more than the arithmetic (docs/performance.md). Free with free().
 */
void *bs_big_calloc(size_t n, size_t size);

#endif
