/*
 * engine.c - allocation side of the event queue; the hot path is inline in
 * engine/engine.h.
 */
#include "engine/engine.h"

/*
 * Play every match bottom-up. With P = tsize / 2 leaves (pairs of slots,
 * engine.h), node i (1 <= i < P) has children 2i and 2i+1; a child >= P
 * is leaf child - P. The winner of each internal node goes to the scratch
 * half of the array (up[i] = tree[P+i]), its loser stays in tree[i]; the
 * final winner goes to tree[0]. O(slots).
 */
void bs__engine_rebuild(struct bs_engine *e)
{
	size_t i, P = e->tsize >> 1;
	struct bs__tnode *up = e->tree + P;

	for (i = P - 1; i >= 1; i--) {
		struct bs__tnode l = 2 * i >= P ? bs__engine_leaf(e, 2 * i - P)
					       : up[2 * i];
		struct bs__tnode r = 2 * i + 1 >= P
					     ? bs__engine_leaf(e, 2 * i + 1 - P)
					     : up[2 * i + 1];
		int right = bs__tnode_less(&r, &l);
		up[i] = right ? r : l;
		e->tree[i] = right ? l : r;
	}
	/* one leaf (two slots): no match above it */
	e->tree[0] = P > 1 ? up[1] : bs__engine_leaf(e, 0);
	e->rebuild = 0;
	e->dirty = BS_NO_SLOT;
}

void bs__engine_settle_slow(struct bs_engine *e)
{
	if (e->rebuild) {
		bs__engine_rebuild(e);
	} else if (e->dirty != BS_NO_SLOT) {
		uint32_t d = e->dirty;
		e->dirty = BS_NO_SLOT;
		bs__engine_replay(e, d);
	}
}

/* Empty every slot and rebuild the tree. O(slots). */
static void slots_clear(struct bs_engine *e)
{
	size_t i;

	if (!e->nslots)
		return;
	for (i = 0; i < e->tsize; i++) {
		memset(&e->slot[i], 0, sizeof(e->slot[i]));
		e->slot[i].t = HUGE_VAL;
		/* "never": the largest sequence number a node can hold */
		e->slot[i].seq = (UINT64_C(1) << (64 - BS__SLOT_BITS)) - 1;
	}
	bs__engine_rebuild(e);
}

/* An array of cap events placed as BS__HEAP_ALIGN says, into e->heap and
 * e->heap_mem (the n first copied from the old array, which is freed). 0
 * or BS_E_NOMEM (the old array kept). */
static int heap_place(struct bs_engine *e, size_t cap)
{
	void *mem;

	if (cap > SIZE_MAX / sizeof(struct bs__hev) - BS__HEAP_PAD ||
	    posix_memalign(&mem, BS__HEAP_ALIGN,
			   (cap + BS__HEAP_PAD) * sizeof(struct bs__hev)))
		return BS_E_NOMEM;
	/* children groups start at 96 + 96i bytes: on 32-byte boundaries */
	_Static_assert((BS__HEAP_PAD + 1) * sizeof(struct bs__hev) %
				       BS__HEAP_GROUP == 0 &&
			       4 * sizeof(struct bs__hev) % BS__HEAP_GROUP == 0,
		       "every node's first child on a BS__HEAP_GROUP boundary");
	if (e->n)
		memcpy((struct bs__hev *)mem + BS__HEAP_PAD, e->heap,
		       e->n * sizeof(struct bs__hev));
	free(e->heap_mem);
	e->heap_mem = mem;
	e->heap = (struct bs__hev *)mem + BS__HEAP_PAD;
	e->cap = cap;
	return 0;
}

int bs_engine_init(struct bs_engine *e, size_t cap_hint, size_t nslots)
{
	memset(e, 0, sizeof(*e));
	e->dirty = BS_NO_SLOT;
	if (cap_hint < 16)
		cap_hint = 16;
	if (cap_hint > SIZE_MAX / sizeof(struct bs__hev) ||
	    nslots > BS__SLOT_MASK)
		return BS_E_NOMEM;
	if (heap_place(e, cap_hint))
		return BS_E_NOMEM;
	if (nslots) {
		e->nslots = nslots;
		e->tsize = 1;
		while (e->tsize < nslots)
			e->tsize <<= 1;
		if (e->tsize < 2)
			e->tsize = 2;
		e->slot = bs_big_calloc(e->tsize, sizeof(struct bs_event));
		e->tree = bs_big_calloc(e->tsize, sizeof(struct bs__tnode));
		if (!e->slot || !e->tree) {
			bs_engine_release(e);
			return BS_E_NOMEM;
		}
		slots_clear(e);
	}
	return 0;
}

void bs_engine_release(struct bs_engine *e)
{
	free(e->heap_mem);
	free(e->slot);
	free(e->tree);
	memset(e, 0, sizeof(*e));
	e->dirty = BS_NO_SLOT;
}

void bs_engine_reset(struct bs_engine *e)
{
	e->n = 0;
	e->next_seq = 0;
	e->now = 0.0;
	slots_clear(e);
}

int bs__engine_grow(struct bs_engine *e)
{
	if (e->cap > SIZE_MAX / 2 / sizeof(struct bs__hev))
		return BS_E_NOMEM;
	return heap_place(e, e->cap ? e->cap * 2 : 16);
}
