/*
 * opts.c - see opts.h.
 */
#include "base/opts.h"

#include <assert.h>
#include <string.h>

void bs_opts_init(void *o, size_t size, const void *defaults, size_t dsize)
{
	/* every option struct starts with its size: a caller's struct
	 * holds at least that */
	assert(o && size >= sizeof(size_t) && dsize >= sizeof(size_t));
	memset(o, 0, size);
	memcpy(o, defaults, size < dsize ? size : dsize);
	memcpy(o, &size, sizeof(size));
}
