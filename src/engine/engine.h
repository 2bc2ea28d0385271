/*
 * engine.h - the discrete-event core: a clock in minutes and a queue of
 * inline events ordered by (time, sequence number).
 *
 * The engine knows events and time, never bikes: an event is a type code and
 * two 32-bit payload words whose meaning belongs to the model. Ties in time
 * are broken by the order of scheduling (the sequence number), so a run is
 * deterministic whatever the platform's floating point ordering of equal keys.
 *
 * The queue is a 4-ary min-heap of 24-byte events stored inline in one
 * array (struct bs__hev): no allocation per event, and a sift touches half
 * the levels of a binary heap (log4 n), with the four children of a node in
 * exactly two cache lines. The array grows geometrically when full; callers that know their
 * peak (stations + bikes + a few) pass it to bs_engine_init and never grow.
 *
 * Slots: many model processes keep exactly one pending event each (every
 * station's next arrival). They live apart from the heap, one per slot, in
 * a tournament tree of losers over pairs of slots (a pair is one cache
 * line; see struct bs_engine): each internal node keeps the loser of its
 * match, key inline (time, and the sequence number packed with the slot
 * index), and the overall winner sits apart. Rescheduling the
 * slot just delivered (the winner, by far the common case: a station
 * draws its next arrival while handling one) replays its leaf-to-root
 * path with one comparison per level and moves no event, where the heap
 * would sift 24-byte events through log4(n) levels of four comparisons.
 * Setting any other slot marks the tree for a rebuild (O(slots)) before
 * the next delivery; that happens only while the model schedules its
 * first events. Events from slots and from the heap carry
 * sequence numbers from the same counter, so the order of delivery is the
 * same total order on (time, seq) as with one heap: swapping the structure
 * changes no result, only the cost (docs/performance.md has the counts).
 *
 * The hot functions are static inline here (as libuv's heap-inl.h) because
 * they are called twice per event from the model's loop.
 *
 * Ownership: struct bs_engine is embedded by the caller; bs_engine_init
 * allocates the heap and slot arrays, bs_engine_release frees them.
 */
#ifndef BSSIM_ENGINE_H
#define BSSIM_ENGINE_H

#include <assert.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"

struct bs_event {
	double t;      /* minutes from the start of the run */
	uint64_t seq;  /* scheduling order; breaks ties in t */
	uint32_t type; /* model-defined */
	uint32_t a;    /* model-defined payload */
	uint32_t b;    /* model-defined payload */
	uint32_t c;    /* model-defined payload */
};

#define BS_NO_SLOT UINT32_MAX

/*
 * A node of the slots' loser tree: the key of a slot's event inline, so
 * that a replay reads the nodes of one path (independent loads, one cache
 * line for the top levels) instead of chasing indices into the slots.
 * k packs the event's sequence number (high 43 bits) and the slot index
 * (low 21 bits, up to 2,097,151 slots); since sequence numbers are
 * unique, ordering by (t, k) is ordering by (t, seq). 2^43 events (8.8e12)
 * per replication is the resulting limit.
 */
#define BS__SLOT_BITS 21
#define BS__SLOT_MASK ((UINT64_C(1) << BS__SLOT_BITS) - 1)
struct bs__tnode {
	int64_t t; /* bs__tkey of the slot's time */
	uint64_t k;
};

/*
 * A heap event: 24 bytes, not the 32 of struct bs_event, so that the heap
 * (every ride under way: 13,000 events at 20,000 ports) is a quarter
 * smaller in the caches and a sift moves less. The type rides in the low
 * BS__HEV_TYPE_BITS of the sequence number's word: since sequence numbers
 * are unique, ordering by (t, st) is ordering by (t, seq). Heap events
 * have two payload words (bs_engine_schedule takes no third; only slots
 * carry c), and are delivered with c = 0.
 */
#define BS__HEV_TYPE_BITS 8
#define BS__HEV_TYPE_MASK ((UINT64_C(1) << BS__HEV_TYPE_BITS) - 1)
struct bs__hev {
	int64_t tk;  /* bs__tkey of the time (bs__tval gives it back) */
	uint64_t st; /* seq << BS__HEV_TYPE_BITS | type */
	uint32_t a;
	uint32_t b;
};
_Static_assert(sizeof(struct bs__hev) == 24, "a heap event is 24 bytes");

static inline uint32_t bs__hev_type(const struct bs__hev *h)
{
	return (uint32_t)(h->st & BS__HEV_TYPE_MASK);
}

/*
 * The heap's placement: element 0 sits BS__HEAP_PAD elements past a
 * 64-byte boundary, so that the four children of node i (elements 4i+1
 * to 4i+4, 96 bytes) start on a 32-byte one (96 + 96i bytes in): a sift
 * level reads exactly two cache lines, where malloc's 16-byte alignment
 * let some levels straddle three (docs/performance.md, issue 17, second
 * pass).
 */
#define BS__HEAP_ALIGN 64
#define BS__HEAP_GROUP 32
#define BS__HEAP_PAD 3

struct bs_engine {
	struct bs__hev *heap;   /* BS__HEAP_PAD events into heap_mem */
	void *heap_mem;         /* the allocation, BS__HEAP_ALIGN-aligned */
	size_t n;
	size_t cap;
	uint64_t next_seq;
	double now;
	/* slots: slot[s].t is +inf when s has no pending event. The tree's
	 * leaves are pairs of slots (2p, 2p + 1), leaf p keyed by the earlier
	 * of the two: the pair is one cache line of the 64-byte aligned slot
	 * array, which the delivery of either slot has just loaded, so a
	 * replay reads no tree node for the bottom match and the tree has
	 * half the nodes (at 20,000 slots the bottom level alone was 256 KiB,
	 * one likely cache miss per arrival). tree[0] is the winner (the
	 * earliest slot), tree[1..tsize / 2) the losers of the internal
	 * nodes; leaf p is node tsize / 2 + p */
	size_t nslots, tsize;
	struct bs_event *slot;    /* [tsize], 64-byte aligned */
	struct bs__tnode *tree;   /* [tsize]: the upper half is scratch */
	uint32_t dirty;        /* the winner just delivered, not replayed */
	int rebuild;           /* a slot other than the winner changed */
};

/*
 * Allocate room for cap_hint heap events (at least 16) and nslots slots
 * (0 for none). 0 or BS_E_NOMEM.
 */
int bs_engine_init(struct bs_engine *e, size_t cap_hint, size_t nslots);

/* Free the heap array; the struct may be initialised again. */
void bs_engine_release(struct bs_engine *e);

/* Drop every pending event and rewind the clock to 0, keeping the memory. */
void bs_engine_reset(struct bs_engine *e);

/* Recompute the tree from scratch (after arbitrary slot changes). */
void bs__engine_rebuild(struct bs_engine *e);

/* Grow the heap array (doubling). Internal to the inline schedule. */
int bs__engine_grow(struct bs_engine *e);

/*
 * Comparisons without branches. The earlier of two events is a coin toss
 * to the branch predictor (9.7 of every 100 branches of the 2,000-port
 * benchmark were mispredicted, 83 % of them in the heap's sift and the
 * tree's replay; docs/performance.md), so keys are compared as integers
 * and the winners chosen with masks, not jumps. bs__tkey maps a double to
 * an integer of the same order (IEEE 754: the bits of a non-negative
 * double order like the number; a negative one's magnitude bits are
 * flipped). The only pair it orders where `<` calls them equal is -0.0
 * before +0.0; bs__tnorm turns -0.0 into +0.0 where times enter the
 * queue, so the order of delivery is exactly the order of (t, seq).
 */
/* flip a negative double's magnitude bits: its own inverse */
static inline int64_t bs__tflip(int64_t b)
{
	return b ^ (int64_t)((uint64_t)(b >> 63) >> 1);
}

static inline int64_t bs__tkey(double t)
{
	int64_t b;

	memcpy(&b, &t, sizeof b);
	return bs__tflip(b);
}

/* the time of key k */
static inline double bs__tval(int64_t k)
{
	int64_t b = bs__tflip(k);
	double t;

	memcpy(&t, &b, sizeof t);
	return t;
}

static inline double bs__tnorm(double t)
{
	return t + 0.0; /* -0.0 + 0.0 is +0.0; every other t is itself */
}

/* (tx, sx) before (ty, sy), lexicographically: 0 or 1, no branch */
static inline int bs__key_less(int64_t tx, uint64_t sx, int64_t ty,
			       uint64_t sy)
{
#if defined(__SIZEOF_INT128__)
	/* one 128-bit subtraction (cmp, sbb): the fewest instructions */
	__extension__ typedef unsigned __int128 bs__u128;
	bs__u128 x = (bs__u128)((uint64_t)tx ^ (UINT64_C(1) << 63)) << 64 | sx,
		 y = (bs__u128)((uint64_t)ty ^ (UINT64_C(1) << 63)) << 64 | sy;

	return x < y;
#else
	return (tx < ty) | ((tx == ty) & (sx < sy));
#endif
}

/* a when !pick, b when pick (pick is 0 or 1), no branch; 64 bits wide
 * so that a key survives it where size_t is 32 */
static inline uint64_t bs__pick(uint64_t a, uint64_t b, int pick)
{
	return a ^ ((a ^ b) & ((uint64_t)0 - (uint64_t)pick));
}

static inline int bs__event_less(const struct bs_event *x,
				 const struct bs_event *y)
{
	return bs__key_less(bs__tkey(x->t), x->seq, bs__tkey(y->t), y->seq);
}

static inline int bs__hev_less(const struct bs__hev *x,
			       const struct bs__hev *y)
{
	return bs__key_less(x->tk, x->st, y->tk, y->st);
}

/* Is slot event x before heap event y? */
static inline int bs__slot_first(const struct bs_event *x,
				 const struct bs__hev *y)
{
	return bs__key_less(bs__tkey(x->t), x->seq, y->tk,
			    y->st >> BS__HEV_TYPE_BITS);
}

/* Heap event h as the struct the model reads (c is 0). */
static inline void bs__hev_out(const struct bs__hev *h, struct bs_event *out)
{
	out->t = bs__tval(h->tk);
	out->seq = h->st >> BS__HEV_TYPE_BITS;
	out->type = bs__hev_type(h);
	out->a = h->a;
	out->b = h->b;
	out->c = 0;
}

/*
 * Schedule an event at time t (t >= now is the caller's promise; an event in
 * the past would still be delivered next, in order), of type below 256
 * (asserted) with payload a and b. 0 or BS_E_NOMEM.
 */
static inline int bs_engine_schedule(struct bs_engine *e, double t,
				     uint32_t type, uint32_t a, uint32_t b)
{
	struct bs__hev ev;
	size_t i;

	assert(type <= BS__HEV_TYPE_MASK);
	if (e->n == e->cap && bs__engine_grow(e))
		return BS_E_NOMEM;
	ev.tk = bs__tkey(bs__tnorm(t));
	ev.st = (e->next_seq++ << BS__HEV_TYPE_BITS) | type;
	ev.a = a;
	ev.b = b;
	i = e->n++;
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (!bs__hev_less(&ev, &e->heap[p]))
			break;
		e->heap[i] = e->heap[p];
		i = p;
	}
	e->heap[i] = ev;
	return 0;
}

static inline int bs__tnode_less(const struct bs__tnode *x,
				 const struct bs__tnode *y)
{
	return bs__key_less(x->t, x->k, y->t, y->k);
}

static inline struct bs__tnode bs__tnode_of(const struct bs_engine *e,
					    uint32_t s)
{
	struct bs__tnode n;

	n.t = bs__tkey(e->slot[s].t);
	n.k = (e->slot[s].seq << BS__SLOT_BITS) | s;
	return n;
}

static inline uint32_t bs__engine_win(const struct bs_engine *e)
{
	return (uint32_t)(e->tree[0].k & BS__SLOT_MASK);
}

/* The key of leaf p: the earlier of slots 2p and 2p + 1. */
static inline struct bs__tnode bs__engine_leaf(const struct bs_engine *e,
					       size_t p)
{
	struct bs__tnode x = bs__tnode_of(e, (uint32_t)(2 * p)),
			 y = bs__tnode_of(e, (uint32_t)(2 * p + 1));

	int m = bs__tnode_less(&y, &x);

	x.t = (int64_t)bs__pick((uint64_t)x.t, (uint64_t)y.t, m);
	x.k = bs__pick(x.k, y.k, m);
	return x;
}
/* Replay the path of the winner w after its key changed: its pair's key
 * again, then at each node the smaller of (it, the node's loser) goes on
 * up, the other stays. */
static inline void bs__engine_replay(struct bs_engine *e, uint32_t w)
{
	struct bs__tnode c = bs__engine_leaf(e, w >> 1);
	size_t i = ((e->tsize >> 1) + (w >> 1)) >> 1;

	for (; i >= 1; i >>= 1) {
		/* the smaller goes on up, the larger stays: masks, no jump */
		struct bs__tnode l = e->tree[i];
		uint64_t m = (uint64_t)0 - (uint64_t)bs__tnode_less(&l, &c);
		uint64_t dt = ((uint64_t)l.t ^ (uint64_t)c.t) & m,
			 dk = (l.k ^ c.k) & m;
		e->tree[i].t = (int64_t)((uint64_t)l.t ^ dt);
		e->tree[i].k = l.k ^ dk;
		c.t = (int64_t)((uint64_t)c.t ^ dt);
		c.k ^= dk;
	}
	e->tree[0] = c;
}

/* The rebuild or the pending replay of bs__engine_settle (engine.c). */
void bs__engine_settle_slow(struct bs_engine *e);

/* Bring the tree up to date before looking at its winner. Out of line
 * when there is work: a delivered slot is nearly always rescheduled
 * before the next delivery (its replay is in bs_engine_set_slot), and a
 * second inline replay here made bs_engine_next too big for the
 * compiler to inline into the model's loop (a call per event). */
static inline void bs__engine_settle(struct bs_engine *e)
{
	if (e->rebuild || e->dirty != BS_NO_SLOT)
		bs__engine_settle_slow(e);
}

/*
 * Set slot s's one pending event (replacing any), at time t. Scheduling
 * order (the sequence number) is shared with bs_engine_schedule.
 */
static inline void bs_engine_set_slot(struct bs_engine *e, uint32_t s,
				      double t, uint32_t type, uint32_t a,
				      uint32_t b, uint32_t c)
{
	struct bs_event *ev = &e->slot[s];

	ev->t = bs__tnorm(t);
	ev->seq = e->next_seq++;
	ev->type = type;
	ev->a = a;
	ev->b = b;
	ev->c = c;
	if (e->rebuild)
		return;
	if (e->dirty == s) {
		/* the winner just delivered: one pass up its path */
		e->dirty = BS_NO_SLOT;
		bs__engine_replay(e, s);
	} else if (bs__engine_win(e) == s && e->dirty == BS_NO_SLOT) {
		bs__engine_replay(e, s);
	} else {
		e->rebuild = 1;
	}
}

/*
 * Pop the earliest event into *out and advance the clock to its time.
 * Returns 1 when an event was delivered, 0 when the queue is empty. A
 * slot's delivered event is no longer pending; the slot's path is
 * replayed lazily (by the next bs_engine_set_slot on it, which usually
 * follows at once, or by the next bs_engine_next), so a slot rescheduled
 * while its event is handled costs one replay, not two.
 */
static BS_HOT int bs_engine_next(struct bs_engine *e, struct bs_event *out)
{
	struct bs__hev last;
	size_t i = 0, n;

	bs__engine_settle(e);
	if (e->nslots) {
		uint32_t w = bs__engine_win(e);
		struct bs_event *sv = &e->slot[w];
		if (sv->t != HUGE_VAL &&
		    (e->n == 0 || bs__slot_first(sv, &e->heap[0]))) {
			*out = *sv;
			e->now = out->t;
			sv->t = HUGE_VAL;
			e->dirty = w;
			return 1;
		}
	}
	if (e->n == 0)
		return 0;
	bs__hev_out(&e->heap[0], out);
	e->now = out->t;
	n = --e->n;
	if (n == 0)
		return 1;
	last = e->heap[n];
	/* Bottom-up: the hole goes down to a leaf along the smaller
	 * children (three comparisons a level, none against `last`), then
	 * `last`, which came from the bottom and usually belongs near it,
	 * climbs back a level or two. Fewer comparisons than the textbook
	 * sift-down; the order delivered is the same total order. */
	for (;;) {
		const struct bs__hev *h = e->heap;
		size_t c = (i << 2) + 1, best;
		if (c + 3 < n) {
			size_t a = c + (size_t)bs__hev_less(&h[c + 1], &h[c]);
			size_t b = c + 2 + (size_t)bs__hev_less(&h[c + 3], &h[c + 2]);
			best = (size_t)bs__pick(a, b, bs__hev_less(&h[b], &h[a]));
		} else if (c < n) {
			size_t k;
			best = c;
			for (k = c + 1; k < n; k++)
				if (bs__hev_less(&h[k], &h[best]))
					best = k;
		} else {
			break;
		}
		e->heap[i] = e->heap[best];
		i = best;
	}
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (!bs__hev_less(&last, &e->heap[p]))
			break;
		e->heap[i] = e->heap[p];
		i = p;
	}
	e->heap[i] = last;
	return 1;
}

/*
 * The slots' earliest pending event when the tree already knows it (no
 * replay or rebuild pending, which is so after a heap event's delivery
 * and after the delivered slot was set again), else NULL. A look-ahead
 * for prefetching: it changes nothing, and the event it names may still
 * be preceded by heap events or replaced before it is delivered.
 */
static inline const struct bs_event *
bs_engine_slot_ahead(const struct bs_engine *e)
{
	const struct bs_event *ev;

	if (!e->nslots || e->rebuild || e->dirty != BS_NO_SLOT)
		return NULL;
	ev = &e->slot[bs__engine_win(e)];
	return ev->t != HUGE_VAL ? ev : NULL;
}

/* Earliest pending event into *out without removing it: 1, or 0 when
 * the queue is empty. */
static inline int bs_engine_peek(struct bs_engine *e, struct bs_event *out)
{
	bs__engine_settle(e);
	if (e->nslots && e->slot[bs__engine_win(e)].t != HUGE_VAL &&
	    (!e->n || bs__slot_first(&e->slot[bs__engine_win(e)], &e->heap[0]))) {
		*out = e->slot[bs__engine_win(e)];
		return 1;
	}
	if (!e->n)
		return 0;
	bs__hev_out(&e->heap[0], out);
	return 1;
}

#endif
