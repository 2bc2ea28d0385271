/*
 * check_trips.c - the pool of trip records of the rides in progress
 * (struct bs__trip_pool, model/sim_internal.h).
 *
 * 1. LIFO: a freed record is the next one handed out; the pool hands out
 *    new records (0, 1, 2, ...) only when none is free.
 * 2. A long deterministic sequence of gets and puts (a fixed LCG): the
 *    pool never hands out a record in use, its count of records in use
 *    is right, and it touches no more records than were ever in use at
 *    once.
 * 3. Full: a pool of cap records hands out each of 0 .. cap-1 once; a
 *    broken free list (a cycle, an id never handed out) is seen by
 *    bs__trips_in_use.
 * 4. In a run (a congested network, so rides divert and wait and keep
 *    their record): the paranoid check (records in use = bikes riding)
 *    passes at every event, and the pool touched about as many records
 *    as rides overlapped, far fewer than the fleet.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim_internal.h"
#include "testutil.h"

static struct bs__trip rec[64];

static void pool_init(struct bs__trip_pool *P, uint32_t cap)
{
	P->rec = rec;
	P->cap = cap;
	bs__trip_pool_reset(P);
}

START_TEST(test_lifo)
{
	struct bs__trip_pool P;

	pool_init(&P, 64);
	ck_assert_uint_eq(bs__trip_get(&P), 0);
	ck_assert_uint_eq(bs__trip_get(&P), 1);
	ck_assert_uint_eq(bs__trip_get(&P), 2);
	bs__trip_put(&P, 1);
	ck_assert_uint_eq(bs__trips_in_use(&P), 2);
	ck_assert_uint_eq(bs__trip_get(&P), 1);
	bs__trip_put(&P, 2);
	bs__trip_put(&P, 0);
	ck_assert_uint_eq(bs__trip_get(&P), 0);
	ck_assert_uint_eq(bs__trip_get(&P), 2);
	ck_assert_uint_eq(bs__trip_get(&P), 3);
	ck_assert_uint_eq(P.hw, 4);
	ck_assert_uint_eq(bs__trips_in_use(&P), 4);
	bs__trip_pool_reset(&P);
	ck_assert_uint_eq(bs__trip_get(&P), 0);
}
END_TEST

START_TEST(test_never_hands_out_in_use)
{
	struct bs__trip_pool P;
	uint32_t held[64], nheld = 0, peak = 0, x = 12345u;
	unsigned char in_use[64] = {0};

	pool_init(&P, 64);
	for (int k = 0; k < 100000; k++) {
		x = x * 1664525u + 1013904223u; /* Numerical Recipes' LCG */
		/* get with probability 1/2 (always when none is held, never
		 * when all are), else put a held one chosen by x */
		if (nheld < 64 && (nheld == 0 || (x >> 31))) {
			uint32_t id = bs__trip_get(&P);
			ck_assert_uint_lt(id, 64);
			ck_assert_msg(!in_use[id], "record %u handed out twice", id);
			in_use[id] = 1;
			rec[id].bike = 1000u + id; /* the caller writes it */
			held[nheld++] = id;
		} else {
			uint32_t i = (x >> 8) % nheld, id = held[i];
			ck_assert_uint_eq(rec[id].bike, 1000u + id);
			in_use[id] = 0;
			bs__trip_put(&P, id);
			held[i] = held[--nheld];
		}
		if (nheld > peak)
			peak = nheld;
		ck_assert_uint_eq(bs__trips_in_use(&P), nheld);
		ck_assert_uint_eq(P.hw, peak);
	}
}
END_TEST

START_TEST(test_full)
{
	struct bs__trip_pool P;
	unsigned char seen[64] = {0};

	pool_init(&P, 64);
	for (int k = 0; k < 64; k++) {
		uint32_t id = bs__trip_get(&P);
		ck_assert_uint_lt(id, 64);
		ck_assert(!seen[id]);
		seen[id] = 1;
	}
	ck_assert_uint_eq(bs__trips_in_use(&P), 64);
	bs__trip_put(&P, 5);
	bs__trip_put(&P, 9);
	ck_assert_uint_eq(bs__trips_in_use(&P), 62);
	rec[5].bike = 9; /* 9 -> 5 -> 9: a cycle */
	ck_assert_uint_eq(bs__trips_in_use(&P), UINT64_MAX);
	rec[5].bike = 64; /* never handed out */
	ck_assert_uint_eq(bs__trips_in_use(&P), UINT64_MAX);
}
END_TEST

/* 40 ports of 4 docks, 150 bikes (of 160 docks): returns find ports full,
 * divert, and wait when every allowed port is full. Rides in progress:
 * about 2/h x 40 x 20 min = 27 (Little's law) while bikes last. */
START_TEST(test_pool_in_a_run)
{
	const char *json =
		"{\"bssim\": 1, \"seed\": 7, \"replications\": 1,"
		" \"horizon\": {\"days\": 2, \"warmup_days\": 0},"
		" \"network\": {\"synthetic\": {\"stations\": 40, \"capacity\": 4, \"wards\": 2}},"
		" \"fleet\": {\"bikes\": 150},"
		" \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 2},"
		" \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		" \"behaviour\": {\"on_full\": \"nearest\"}}";
	char *dir = tu_tmpdir();
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir, json, &err);
	struct bs_world *w;
	struct bs_sim *S;
	struct bs_rep_result *r;
	struct bs_run_hooks hooks;
	uint32_t W;

	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	S = bs_sim_alloc(&w->model);
	r = bs_rep_result_alloc(&w->model);
	ck_assert(S && r);
	memset(&hooks, 0, sizeof(hooks));
	hooks.paranoid = 1;
	for (uint32_t rep = 1; rep <= 2; rep++) {
		ck_assert_int_eq(bs_sim_run(S, rep, &hooks, r, &err), 0);
		W = r->nwards;
		ck_assert(r->raw[W * BS_RAW_N + BS_RAW_DIVERSIONS] > 0.0);
		ck_assert_uint_eq(bs__trips_in_use(&S->trips), S->inuse_total);
		ck_assert_uint_gt(S->trips.hw, 10);
		ck_assert_uint_lt(S->trips.hw, 100);
	}
	bs_rep_result_free(r);
	bs_sim_free(S);
	bs_world_free(w);
	bs_scenario_free(sc);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trips");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_lifo);
	tcase_add_test(tc, test_never_hands_out_in_use);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_pool_in_a_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
