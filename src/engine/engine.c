/*
 * engine.c - allocation side of the event queue; the hot path is inline in
 * include/bssim/engine.h.
 */
#include "bssim/engine.h"

int bs_engine_init(struct bs_engine *e, size_t cap_hint)
{
	memset(e, 0, sizeof(*e));
	if (cap_hint < 16)
		cap_hint = 16;
	if (cap_hint > SIZE_MAX / sizeof(struct bs_event))
		return BS_E_NOMEM;
	e->heap = malloc(cap_hint * sizeof(struct bs_event));
	if (!e->heap)
		return BS_E_NOMEM;
	e->cap = cap_hint;
	return 0;
}

void bs_engine_release(struct bs_engine *e)
{
	free(e->heap);
	memset(e, 0, sizeof(*e));
}

void bs_engine_reset(struct bs_engine *e)
{
	e->n = 0;
	e->next_seq = 0;
	e->now = 0.0;
}

int bs__engine_grow(struct bs_engine *e)
{
	size_t ncap;
	struct bs_event *h;

	if (e->cap > SIZE_MAX / 2 / sizeof(struct bs_event))
		return BS_E_NOMEM;
	ncap = e->cap ? e->cap * 2 : 16;
	h = realloc(e->heap, ncap * sizeof(struct bs_event));
	if (!h)
		return BS_E_NOMEM;
	e->heap = h;
	e->cap = ncap;
	return 0;
}
