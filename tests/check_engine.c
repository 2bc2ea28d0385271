/*
 * check_engine.c - the event queue: order by time, ties by scheduling
 * order, growth, reset, and a randomised comparison with a sort.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "testutil.h"

START_TEST(test_order_by_time)
{
	struct bs_engine e;
	struct bs_event ev;
	double t[] = {5.0, 1.0, 3.0, 2.0, 4.0};
	double last = -1.0;
	int i, n = 0;

	ck_assert_int_eq(bs_engine_init(&e, 4, 0), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(bs_engine_schedule(&e, t[i], 7, (uint32_t)i, 0), 0);
	while (bs_engine_next(&e, &ev)) {
		ck_assert(ev.t >= last);
		ck_assert(e.now == ev.t);
		ck_assert_uint_eq(ev.type, 7);
		last = ev.t;
		n++;
	}
	ck_assert_int_eq(n, 5);
	bs_engine_release(&e);
}
END_TEST

START_TEST(test_ties_in_scheduling_order)
{
	struct bs_engine e;
	struct bs_event ev;
	uint32_t i, expect = 0;

	ck_assert_int_eq(bs_engine_init(&e, 16, 0), 0);
	/* 100 events at the same time, then one earlier: the earlier comes
	 * first and the rest in the order they were scheduled. */
	for (i = 0; i < 100; i++)
		bs_engine_schedule(&e, 10.0, 1, i, 0);
	bs_engine_schedule(&e, 9.0, 2, 999, 0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.a, 999);
	while (bs_engine_next(&e, &ev))
		ck_assert_uint_eq(ev.a, expect++);
	ck_assert_uint_eq(expect, 100);
	bs_engine_release(&e);
}
END_TEST

START_TEST(test_grows_past_hint)
{
	struct bs_engine e;
	struct bs_event ev;
	uint32_t i;

	ck_assert_int_eq(bs_engine_init(&e, 1, 0), 0);
	ck_assert_uint_eq(e.cap, 16); /* floor on the hint */
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(bs_engine_schedule(&e, 10000.0 - i, 0, i, 0), 0);
	ck_assert_uint_ge(e.cap, 10000);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.a, 9999);
	bs_engine_release(&e);
}
END_TEST

/* The heap's placement (engine.h, BS__HEAP_PAD): the root's children,
 * and every node's four, start on a 32-byte boundary (two cache lines),
 * at init and after each growth, and growth keeps the pending events in
 * order. */
START_TEST(test_heap_children_aligned)
{
	struct bs_engine e;
	struct bs_event ev;
	uint32_t i;
	size_t cap;

	ck_assert_int_eq(bs_engine_init(&e, 5, 0), 0);
	ck_assert_uint_eq((uintptr_t)&e.heap[1] % BS__HEAP_GROUP, 0);
	cap = e.cap;
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(bs_engine_schedule(&e, (double)(i % 7), 0, i, 0), 0);
		if (e.cap != cap) {
			cap = e.cap;
			ck_assert_uint_eq((uintptr_t)&e.heap[1] % BS__HEAP_GROUP, 0);
			ck_assert_uint_eq((uintptr_t)&e.heap[4 * 5 + 1] %
						  BS__HEAP_GROUP, 0);
			ck_assert_uint_eq((uintptr_t)&e.heap[4 * 6 + 1] %
						  BS__HEAP_GROUP, 0);
		}
	}
	ck_assert_uint_ge(cap, 1000);
	/* times 0..6 in turn (143 events at each, 142 at 6), ties in
	 * scheduling order */
	for (i = 0; i < 1000; i++) {
		uint32_t k = i / 143, j = i % 143;
		ck_assert(bs_engine_next(&e, &ev));
		ck_assert(ev.t == (double)k);
		ck_assert_uint_eq(ev.a, 7 * j + k);
	}
	ck_assert(!bs_engine_next(&e, &ev));
	bs_engine_release(&e);
}
END_TEST

START_TEST(test_reset_and_peek)
{
	struct bs_engine e;
	struct bs_event ev;

	ck_assert_int_eq(bs_engine_init(&e, 8, 0), 0);
	ck_assert(!bs_engine_peek(&e, &ev));
	/* a heap event keeps its type (below 256) and two payload words;
	 * the third is always 0 (engine.h, struct bs__hev) */
	bs_engine_schedule(&e, 3.0, 255, 1, 2);
	bs_engine_schedule(&e, 2.0, 7, 4, 5);
	ck_assert(bs_engine_peek(&e, &ev));
	ck_assert(ev.t == 2.0);
	ck_assert_uint_eq(ev.seq, 1);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.type, 7);
	ck_assert_uint_eq(ev.a, 4);
	ck_assert_uint_eq(ev.b, 5);
	ck_assert_uint_eq(ev.c, 0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.type, 255);
	ck_assert_uint_eq(ev.seq, 0);
	ck_assert_uint_eq(ev.a, 1);
	ck_assert_uint_eq(ev.b, 2);
	bs_engine_schedule(&e, 9.0, 0, 0, 0);
	bs_engine_reset(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert(e.now == 0.0);
	ck_assert(!bs_engine_next(&e, &ev));
	/* sequence numbers restart: replications are independent */
	bs_engine_schedule(&e, 1.0, 0, 0, 0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.seq, 0);
	bs_engine_release(&e);
}
END_TEST

/*
 * The comparisons are integer ones on bs__tkey (engine.h): they must order
 * every time exactly as the doubles' `<` does, ties by sequence number,
 * negative times, zeros of both signs, subnormals and infinities included,
 * and the key must give the time back bit for bit. A key that read the
 * raw bits would put every negative time after the positive ones.
 */
START_TEST(test_keys_order_like_doubles)
{
	const double v[] = {-HUGE_VAL, -1e300, -1440.0, -1.5, -4.9e-324,
			    -0.0, 0.0, 4.9e-324, 2.2e-308, 1e-9, 0.5,
			    1.0, 1.0000000000000002, 1440.0, 525600.0,
			    1e300, HUGE_VAL};
	size_t n = sizeof v / sizeof v[0], i, j;
	struct bs_engine e;
	struct bs_event ev;
	double last = -HUGE_VAL;
	uint64_t lastseq = 0;
	int k = 0;

	for (i = 0; i < n; i++) {
		double x = bs__tnorm(v[i]);
		double back = bs__tval(bs__tkey(x));
		ck_assert_int_eq(memcmp(&back, &x, sizeof x), 0);
		for (j = 0; j < n; j++) {
			double y = bs__tnorm(v[j]);
			int s;
			for (s = 0; s < 2; s++) {
				int want = x < y || (x == y && s == 0);
				ck_assert_int_eq(bs__key_less(bs__tkey(x), (uint64_t)s,
							      bs__tkey(y), 1),
						 want);
			}
		}
	}
	ck_assert(signbit(bs__tnorm(-0.0)) == 0);
	/* the queue itself, heap and slots: every value twice, shuffled by
	 * a fixed stride, comes out in (t, scheduling order) */
	ck_assert_int_eq(bs_engine_init(&e, 4, 8), 0);
	for (i = 0; i < 2 * n; i++) {
		size_t at = (i * 7) % (2 * n);
		ck_assert_int_eq(bs_engine_schedule(&e, v[at % n], 1,
						    (uint32_t)at, 0), 0);
	}
	bs_engine_set_slot(&e, 3, -0.0, 2, 0, 0, 0);
	bs_engine_set_slot(&e, 5, -1.5, 2, 0, 0, 0);
	while (bs_engine_next(&e, &ev)) {
		ck_assert(k == 0 || ev.t > last ||
			  (ev.t == last && ev.seq > lastseq));
		last = ev.t;
		lastseq = ev.seq;
		k++;
	}
	ck_assert_int_eq(k, (int)(2 * n + 2));
	bs_engine_release(&e);
}
END_TEST

/* Interleaved schedules and pops with many ties: every pop is the least
 * pending (time, seq), so times never go back, and once scheduling stops
 * the rest drains in strict (time, seq) order. */
START_TEST(test_random_against_sort)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	struct bs_engine e;
	struct bs_event ev;
	enum { N = 20000 };
	double now = 0.0;
	size_t i, popped = 0;

	gsl_rng_set(r, 42);
	ck_assert_int_eq(bs_engine_init(&e, 64, 0), 0);
	for (i = 0; i < N; i++) {
		/* integer times make ties frequent */
		double t = now + (double)gsl_rng_uniform_int(r, 50);
		bs_engine_schedule(&e, t, 0, (uint32_t)i, 0);
		if (gsl_rng_uniform(r) < 0.4 && bs_engine_next(&e, &ev)) {
			ck_assert(ev.t >= now);
			now = ev.t;
			popped++;
		}
	}
	/* what is left must come out in sorted (t, seq) order */
	{
		double lt = -1.0, ls = -1.0;
		while (bs_engine_next(&e, &ev)) {
			ck_assert(ev.t > lt || (ev.t == lt && (double)ev.seq > ls));
			lt = ev.t;
			ls = (double)ev.seq;
			popped++;
		}
	}
	ck_assert_uint_eq(popped, N);
	bs_engine_release(&e);
	gsl_rng_free(r);
}
END_TEST

/*
 * Slots and heap together against a brute-force reference that keeps
 * every pending event in an array and delivers the least (t, seq): random
 * heap events, slots rescheduled as they fire (the fast path) and now and
 * then a slot that is not the winner (the rebuild path), many equal times.
 */
struct ref_ev {
	double t;
	uint64_t seq;
	uint32_t type, a;
	int live;
};

/*
 * One random run of `slots` slots and the heap against the reference:
 * heap events, slots rescheduled as they fire (the fast path) and now and
 * then moved while another is the winner (the rebuild path), times drawn
 * from a few integers (many ties), the heap grown from 16 events; with
 * reset_at, the engine and the reference are emptied after that many
 * steps and the run goes on from time 0 and sequence number 0.
 */
static void slots_vs_reference(uint32_t slots, unsigned long seed,
			       size_t steps, size_t reset_at)
{
	enum { MAXREF = 40000 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	struct ref_ev *ref = calloc(MAXREF, sizeof(*ref));
	long *slot_ref = calloc(slots, sizeof(*slot_ref)); /* index in ref */
	struct bs_engine e;
	struct bs_event ev;
	uint64_t seq = 0;
	size_t nref = 0, step, i, delivered = 0;
	double now = 0.0;

	gsl_rng_set(r, seed);
	ck_assert_int_eq(bs_engine_init(&e, 16, slots), 0);
	for (i = 0; i < slots; i++) {
		double t = (double)gsl_rng_uniform_int(r, 20);
		bs_engine_set_slot(&e, (uint32_t)i, t, 1, (uint32_t)i, 0, 0);
		ref[nref] = (struct ref_ev){t, seq++, 1, (uint32_t)i, 1};
		slot_ref[i] = (long)nref++;
	}
	for (step = 0; step < steps && nref < MAXREF - 4; step++) {
		size_t best = SIZE_MAX;
		double u = gsl_rng_uniform(r);
		if (step == reset_at) {
			bs_engine_reset(&e);
			for (i = 0; i < nref; i++)
				ref[i].live = 0;
			for (i = 0; i < slots; i++)
				slot_ref[i] = -1;
			seq = 0;
			now = 0.0;
		}
		if (u < 0.3) {
			double t = now + (double)gsl_rng_uniform_int(r, 15);
			bs_engine_schedule(&e, t, 2, (uint32_t)step, 0);
			ref[nref++] = (struct ref_ev){t, seq++, 2, (uint32_t)step, 1};
		} else if (u < 0.33 || (u < 0.4 && step == reset_at)) {
			/* move a slot that has not just fired: the rebuild path */
			uint32_t k = (uint32_t)gsl_rng_uniform_int(r, slots);
			double t = now + (double)gsl_rng_uniform_int(r, 15);
			if (slot_ref[k] >= 0)
				ref[slot_ref[k]].live = 0;
			bs_engine_set_slot(&e, k, t, 1, k, 0, 0);
			ref[nref] = (struct ref_ev){t, seq++, 1, k, 1};
			slot_ref[k] = (long)nref++;
		}
		for (i = 0; i < nref; i++)
			if (ref[i].live && (best == SIZE_MAX || ref[i].t < ref[best].t ||
					    (ref[i].t == ref[best].t && ref[i].seq < ref[best].seq)))
				best = i;
		if (best == SIZE_MAX) {
			ck_assert(!bs_engine_next(&e, &ev));
			continue;
		}
		ck_assert(bs_engine_next(&e, &ev));
		ck_assert(ev.t == ref[best].t);
		ck_assert_uint_eq(ev.seq, ref[best].seq);
		ck_assert_uint_eq(ev.type, ref[best].type);
		ck_assert_uint_eq(ev.a, ref[best].a);
		delivered++;
		ref[best].live = 0;
		now = ev.t;
		if (ev.type == 1) {
			slot_ref[ev.a] = -1;
			/* most firing slots reschedule themselves at once */
			if (gsl_rng_uniform(r) < 0.9) {
				double t = now + (double)gsl_rng_uniform_int(r, 25);
				bs_engine_set_slot(&e, ev.a, t, 1, ev.a, 0, 0);
				ref[nref] = (struct ref_ev){t, seq++, 1, ev.a, 1};
				slot_ref[ev.a] = (long)nref++;
			}
		}
	}
	ck_assert_uint_gt(delivered, steps / 2);
	bs_engine_release(&e);
	free(slot_ref);
	free(ref);
	gsl_rng_free(r);
}

START_TEST(test_slots_against_reference)
{
	slots_vs_reference(37, 77, 30000, SIZE_MAX);
}
END_TEST

/* The tree's leaves are pairs of slots (engine.h): one slot (a pair with
 * an empty half, no internal node), two, three (a half-empty second
 * pair), a full power of two and one past it, with a reset midway. */
START_TEST(test_slot_pairs_against_reference)
{
	static const uint32_t n[] = {1, 2, 3, 4, 5, 64, 65, 1000};
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		slots_vs_reference(n[i], 1000 + i, 12000, SIZE_MAX);
		slots_vs_reference(n[i], 2000 + i, 12000, 5000);
	}
}
END_TEST

START_TEST(test_slot_reset)
{
	struct bs_engine e;
	struct bs_event ev;

	ck_assert_int_eq(bs_engine_init(&e, 16, 5), 0);
	bs_engine_set_slot(&e, 3, 4.0, 1, 3, 0, 0);
	bs_engine_schedule(&e, 5.0, 2, 0, 0);
	bs_engine_reset(&e);
	ck_assert(!bs_engine_next(&e, &ev));
	bs_engine_set_slot(&e, 1, 2.0, 1, 1, 0, 0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.a, 1);
	ck_assert_uint_eq(ev.seq, 0);
	ck_assert(!bs_engine_next(&e, &ev)); /* delivered, not pending */
	bs_engine_release(&e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_order_by_time);
	tcase_add_test(tc, test_ties_in_scheduling_order);
	tcase_add_test(tc, test_grows_past_hint);
	tcase_add_test(tc, test_heap_children_aligned);
	tcase_add_test(tc, test_reset_and_peek);
	tcase_add_test(tc, test_keys_order_like_doubles);
	tcase_add_test(tc, test_random_against_sort);
	tcase_add_test(tc, test_slots_against_reference);
	tcase_add_test(tc, test_slot_pairs_against_reference);
	tcase_add_test(tc, test_slot_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
