/*
 * engine.h - the discrete-event core: a clock in minutes and a queue of
 * inline events ordered by (time, sequence number).
 *
 * The engine knows events and time, never bikes: an event is a type code and
 * two 32-bit payload words whose meaning belongs to the model. Ties in time
 * are broken by the order of scheduling (the sequence number), so a run is
 * deterministic whatever the platform's floating point ordering of equal keys.
 *
 * The queue is a 4-ary min-heap of 32-byte events stored inline in one
 * array: no allocation per event, and a sift touches half the levels of a
 * binary heap (log4 n), with the four children of a node in one or two cache
 * lines. The array grows geometrically when full; callers that know their
 * peak (stations + bikes + a few) pass it to bs_engine_init and never grow.
 *
 * The hot functions are static inline here (as libuv's heap-inl.h) because
 * they are called twice per event from the model's loop.
 *
 * Ownership: struct bs_engine is embedded by the caller; bs_engine_init
 * allocates the heap array, bs_engine_release frees it.
 */
#ifndef BSSIM_ENGINE_H
#define BSSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bssim/common.h"

struct bs_event {
	double t;      /* minutes from the start of the run */
	uint64_t seq;  /* scheduling order; breaks ties in t */
	uint32_t type; /* model-defined */
	uint32_t a;    /* model-defined payload */
	uint32_t b;    /* model-defined payload */
	uint32_t c;    /* model-defined payload */
};

struct bs_engine {
	struct bs_event *heap;
	size_t n;
	size_t cap;
	uint64_t next_seq;
	double now;
};

/* Allocate room for cap_hint events (at least 16). 0 or BS_E_NOMEM. */
int bs_engine_init(struct bs_engine *e, size_t cap_hint);

/* Free the heap array; the struct may be initialised again. */
void bs_engine_release(struct bs_engine *e);

/* Drop every pending event and rewind the clock to 0, keeping the memory. */
void bs_engine_reset(struct bs_engine *e);

/* Grow the heap array (doubling). Internal to the inline schedule. */
int bs__engine_grow(struct bs_engine *e);

static inline int bs__event_less(const struct bs_event *x,
				 const struct bs_event *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

/*
 * Schedule an event at time t (t >= now is the caller's promise; an event in
 * the past would still be delivered next, in order). 0 or BS_E_NOMEM.
 */
static inline int bs_engine_schedule(struct bs_engine *e, double t,
				     uint32_t type, uint32_t a, uint32_t b,
				     uint32_t c)
{
	struct bs_event ev;
	size_t i;

	if (e->n == e->cap && bs__engine_grow(e))
		return BS_E_NOMEM;
	ev.t = t;
	ev.seq = e->next_seq++;
	ev.type = type;
	ev.a = a;
	ev.b = b;
	ev.c = c;
	i = e->n++;
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (!bs__event_less(&ev, &e->heap[p]))
			break;
		e->heap[i] = e->heap[p];
		i = p;
	}
	e->heap[i] = ev;
	return 0;
}

/*
 * Pop the earliest event into *out and advance the clock to its time.
 * Returns 1 when an event was delivered, 0 when the queue is empty.
 */
static inline int bs_engine_next(struct bs_engine *e, struct bs_event *out)
{
	struct bs_event last;
	size_t i = 0, n;

	if (e->n == 0)
		return 0;
	*out = e->heap[0];
	e->now = out->t;
	n = --e->n;
	if (n == 0)
		return 1;
	last = e->heap[n];
	for (;;) {
		size_t c = (i << 2) + 1, best, k, end;
		if (c >= n)
			break;
		best = c;
		end = c + 4 < n ? c + 4 : n;
		for (k = c + 1; k < end; k++)
			if (bs__event_less(&e->heap[k], &e->heap[best]))
				best = k;
		if (!bs__event_less(&e->heap[best], &last))
			break;
		e->heap[i] = e->heap[best];
		i = best;
	}
	e->heap[i] = last;
	return 1;
}

/* Earliest pending event without removing it, or NULL. Borrowed pointer. */
static inline const struct bs_event *bs_engine_peek(const struct bs_engine *e)
{
	return e->n ? &e->heap[0] : NULL;
}

#endif
