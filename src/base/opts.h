/*
 * opts.h - the ABI rule of bssim.h's option structs, in one place.
 */
#ifndef BS_BASE_OPTS_H
#define BS_BASE_OPTS_H

#include <stddef.h>

/*
 * Fill the caller's option struct o of `size` bytes (the size it was
 * compiled with) from defaults (dsize bytes, the library's layout): the
 * fields both know get the defaults, bytes of a newer caller's fields
 * the library does not know are zeroed, nothing past size is written,
 * and o's leading `size` records size. Cost: O(size).
 */
void bs_opts_init(void *o, size_t size, const void *defaults, size_t dsize);

#endif
