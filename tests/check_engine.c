/*
 * check_engine.c - the event queue: order by time, ties by scheduling
 * order, growth, reset, and a randomised comparison with a sort.
 */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "bssim/engine.h"
#include "testutil.h"

START_TEST(test_order_by_time)
{
	struct bs_engine e;
	struct bs_event ev;
	double t[] = {5.0, 1.0, 3.0, 2.0, 4.0};
	double last = -1.0;
	int i, n = 0;

	ck_assert_int_eq(bs_engine_init(&e, 4), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(bs_engine_schedule(&e, t[i], 7, (uint32_t)i, 0, 0), 0);
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

	ck_assert_int_eq(bs_engine_init(&e, 16), 0);
	/* 100 events at the same time, then one earlier: the earlier comes
	 * first and the rest in the order they were scheduled. */
	for (i = 0; i < 100; i++)
		bs_engine_schedule(&e, 10.0, 1, i, 0, 0);
	bs_engine_schedule(&e, 9.0, 2, 999, 0, 0);
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

	ck_assert_int_eq(bs_engine_init(&e, 1), 0);
	ck_assert_uint_eq(e.cap, 16); /* floor on the hint */
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(bs_engine_schedule(&e, 10000.0 - i, 0, i, 0, 0), 0);
	ck_assert_uint_ge(e.cap, 10000);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.a, 9999);
	bs_engine_release(&e);
}
END_TEST

START_TEST(test_reset_and_peek)
{
	struct bs_engine e;
	struct bs_event ev;

	ck_assert_int_eq(bs_engine_init(&e, 8), 0);
	ck_assert_ptr_null(bs_engine_peek(&e));
	bs_engine_schedule(&e, 3.0, 0, 1, 2, 3);
	bs_engine_schedule(&e, 2.0, 0, 4, 5, 6);
	ck_assert(bs_engine_peek(&e)->t == 2.0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.b, 5);
	ck_assert_uint_eq(ev.c, 6);
	bs_engine_reset(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert(e.now == 0.0);
	ck_assert(!bs_engine_next(&e, &ev));
	/* sequence numbers restart: replications are independent */
	bs_engine_schedule(&e, 1.0, 0, 0, 0, 0);
	ck_assert(bs_engine_next(&e, &ev));
	ck_assert_uint_eq(ev.seq, 0);
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
	ck_assert_int_eq(bs_engine_init(&e, 64), 0);
	for (i = 0; i < N; i++) {
		/* integer times make ties frequent */
		double t = now + (double)gsl_rng_uniform_int(r, 50);
		bs_engine_schedule(&e, t, 0, (uint32_t)i, 0, 0);
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

static Suite *suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_order_by_time);
	tcase_add_test(tc, test_ties_in_scheduling_order);
	tcase_add_test(tc, test_grows_past_hint);
	tcase_add_test(tc, test_reset_and_peek);
	tcase_add_test(tc, test_random_against_sort);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
