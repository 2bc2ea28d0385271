/*
 * engine.c - allocation side of the event queue; the hot path is inline in
 * engine/engine.h.
 */
#include "engine/engine.h"

/*
 * Play every match bottom-up. Node i (1 <= i < T) has children 2i and
 * 2i+1; a child >= T is the leaf of slot child - T. The winner of each
 * internal node goes to the scratch half of the array (up[i] = tree[T+i]),
 * its loser stays in tree[i]; the final winner goes to tree[0]. O(slots).
 */
void bs__engine_rebuild(struct bs_engine *e)
{
	size_t i, T = e->tsize;
	struct bs__tnode *up = e->tree + T;

	for (i = T - 1; i >= 1; i--) {
		struct bs__tnode l = 2 * i >= T ? bs__tnode_of(e, (uint32_t)(2 * i - T))
					       : up[2 * i];
		struct bs__tnode r = 2 * i + 1 >= T
					     ? bs__tnode_of(e, (uint32_t)(2 * i + 1 - T))
					     : up[2 * i + 1];
		int right = bs__tnode_less(&r, &l);
		up[i] = right ? r : l;
		e->tree[i] = right ? l : r;
	}
	e->tree[0] = up[1];
	e->rebuild = 0;
	e->dirty = BS_NO_SLOT;
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

	if (cap > SIZE_MAX / sizeof(struct bs_event) - BS__HEAP_PAD ||
	    posix_memalign(&mem, BS__HEAP_ALIGN,
			   (cap + BS__HEAP_PAD) * sizeof(struct bs_event)))
		return BS_E_NOMEM;
	_Static_assert((BS__HEAP_PAD + 1) * sizeof(struct bs_event) %
				       BS__HEAP_ALIGN == 0,
		       "element 1, the first child of the root, on a boundary");
	if (e->n)
		memcpy((struct bs_event *)mem + BS__HEAP_PAD, e->heap,
		       e->n * sizeof(struct bs_event));
	free(e->heap_mem);
	e->heap_mem = mem;
	e->heap = (struct bs_event *)mem + BS__HEAP_PAD;
	e->cap = cap;
	return 0;
}

int bs_engine_init(struct bs_engine *e, size_t cap_hint, size_t nslots)
{
	memset(e, 0, sizeof(*e));
	e->dirty = BS_NO_SLOT;
	if (cap_hint < 16)
		cap_hint = 16;
	if (cap_hint > SIZE_MAX / sizeof(struct bs_event) ||
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
		e->tree = bs_big_calloc(2 * e->tsize, sizeof(struct bs__tnode));
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
	if (e->cap > SIZE_MAX / 2 / sizeof(struct bs_event))
		return BS_E_NOMEM;
	return heap_place(e, e->cap ? e->cap * 2 : 16);
}
