/*
 * check_ops.c - operations and money: trucks (a hand-computed case,
 * conservation, capacity, service), batteries and swap crews, settlement
 * between wards under each rule, operating costs.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics.h"
#include "exp/runner.h"
#include "calib/world.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* A world from base JSON text and "key=value" overrides ended by NULL. */
static struct bs_world *world(struct bs_scenario **scp, const char *json, ...)
{
	struct bs_set ov[24];
	char keys[24][128];
	struct bs_error err;
	struct bs_scenario *sc;
	struct bs_world *w;
	char *p = tu_write(dir, "base.json", json);
	const char *a;
	size_t n = 0;
	va_list ap;

	va_start(ap, json);
	while (n < 24 && (a = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(a, '=');
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)(eq - a), a);
		ov[n].key = keys[n];
		ov[n].value = eq + 1;
		n++;
	}
	va_end(ap);
	sc = bs_scenario_load(p, ov, n, &err);
	free(p);
	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	*scp = sc;
	return w;
}

static char *tokyo_json(void)
{
	static char json[4096];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 8, \"replications\": 2,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1, \"start_weekday\": \"wed\"},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 2726},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 25000}}",
		 tu_abspath("data/tokyo4_stations.csv"));
	return json;
}

static struct bs_rep_result *run1(struct bs_world *w, uint32_t rep,
				  const struct bs_run_hooks *hooks)
{
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;
	int rc;

	memset(&h, 0, sizeof(h));
	h.paranoid = 1;
	rc = bs_sim_run(S, rep, hooks ? hooks : &h, r, &err);
	ck_assert_msg(rc == 0, "run failed: %s", err.text);
	bs_sim_free(S);
	return r;
}

static void done(struct bs_world *w, struct bs_scenario *sc)
{
	bs_world_free(w);
	bs_scenario_free(sc);
}

static double metric(const struct bs_world *w, const struct bs_rep_result *r,
		     size_t ward, int m)
{
	double v[BS_METRIC_N];

	bs_metrics_compute(r, w->net, ward, v);
	return v[m];
}

/*
 * Two ports 1 km apart on a meridian, 10 docks each, all 10 bikes at A, no
 * demand, one truck of 4 bikes at 20 km/h parked at A, 1 min per bike,
 * bands 0.2 / 0.8, target 0.5, on duty all day. By hand:
 *   t=0   B is short (0 < 2 usable), A has too many (10 > 8): load at A
 *         min(10 - 5, 4) = 4 bikes, busy until t=4;
 *   t=4   drive to B: 1 km at 20 km/h = 3 min, arrive t=7;
 *   t=7   unload min(4, 5 - 0) = 4 bikes, busy until t=11;
 *   t=11  no port below 2 or above 8: idle for the rest of the day.
 * So A ends with 6, B with 4; 4 moves, 1 km, 24 truck hours, cost
 * 24 x 3000 + 1 x 40 yen.
 */
START_TEST(test_two_ports_one_truck_by_hand)
{
	char json[2048];
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *r;
	double km;
	size_t k;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 10},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0},"
		 " \"output\": {\"timeseries_step_min\": 1},"
		 " \"rebalancing\": {\"policy\": \"threshold\", \"trucks_per_ward\": 1,"
		 "   \"truck_capacity\": 4, \"speed_kmh\": 20, \"detour\": 1,"
		 "   \"load_min_per_bike\": 1, \"shift_start_h\": 0, \"shift_end_h\": 24,"
		 "   \"depots\": {\"W\": \"A\"}}}",
		 tu_abspath(tu_fixture("two.csv")));
	w = world(&sc, json, NULL);
	w->init_stock[0] = 10; /* all bikes at A (the spread gave 5 and 5) */
	w->init_stock[1] = 0;
	km = bs_network_dist(w->net, 0, 1) / 1000.0;
	ck_assert_double_eq_tol(km, 1.0, 1e-4);
	r = run1(w, 1, NULL);
	ck_assert_double_eq(r->raw[0 * BS_RAW_N + BS_RAW_REB_MOVES], 4.0);
	ck_assert_double_eq_tol(r->raw[0 * BS_RAW_N + BS_RAW_REB_KM], km, 1e-12);
	ck_assert_double_eq(r->raw[0 * BS_RAW_N + BS_RAW_TRUCK_HOURS], 24.0);
	ck_assert_double_eq_tol(metric(w, r, 0, BS_M_OPERATING_COST_YEN),
				24.0 * 3000.0 + km * 40.0, 1e-9);
	/* the time series, minute by minute: docked bikes and empty ports */
	for (k = 0; k < r->nsamples && k < 20; k++) {
		const uint32_t *row = r->ts + (k * 2 + 1) * BS_TS_N; /* "all" */
		double t = r->ts_t[k];
		uint32_t docked = t < 7.0 ? 6 : 10;
		if (t == 0.0)
			docked = 10; /* sampled before the truck's first act */
		ck_assert_msg(row[BS_TS_DOCKED] == docked,
			      "t=%g: %u docked, expected %u", t,
			      row[BS_TS_DOCKED], docked);
		ck_assert_uint_eq(row[BS_TS_EMPTY], t < 7.0 ? 1 : 0);
		ck_assert_uint_eq(row[BS_TS_FULL], t == 0.0 ? 1 : 0);
	}
	/* A: 6 bikes from t=0 on (the load happens at t=0) */
	ck_assert_double_eq_tol(r->st[0 * BS_ST_N + BS_ST_BIKE_T], 6.0 * 1440.0, 1e-9);
	/* B holds 4 bikes from the truck's arrival, 4 + 3 km-minutes on */
	ck_assert_double_eq_tol(r->st[1 * BS_ST_N + BS_ST_BIKE_T],
				4.0 * (1440.0 - (4.0 + 3.0 * km)), 1e-9);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* Bikes are conserved with trucks and crews moving, under every policy and
 * pooling (paranoid checks: every event, and in full at every sample,
 * including that no truck holds more than its capacity and no port more
 * than its docks); threshold trucks raise the service level of the same
 * requests (common random numbers). */
START_TEST(test_tokyo_policies_conserve)
{
	static const char *const pol[][4] = {
		{"rebalancing.policy=none", NULL, NULL, NULL},
		{"rebalancing.policy=threshold", NULL, NULL, NULL},
		{"rebalancing.policy=threshold", "rebalancing.pooled=true", NULL, NULL},
		{"rebalancing.policy=repatriate", "rebalancing.pooled=[[\"Minato\",\"Chiyoda\"]]", NULL, NULL},
		{"rebalancing.policy=threshold", "battery.enabled=true", "rebalancing.truck_capacity=3", NULL},
	};
	double service[5];
	size_t i;

	for (i = 0; i < 5; i++) {
		struct bs_scenario *sc;
		struct bs_world *w = world(&sc, tokyo_json(), pol[i][0],
					   pol[i][1] ? pol[i][1] : "seed=8",
					   pol[i][2] ? pol[i][2] : "seed=8", NULL);
		struct bs_rep_result *r = run1(w, 1, NULL);
		service[i] = metric(w, r, 4, BS_M_SERVICE_LEVEL);
		if (i > 0) {
			ck_assert_double_gt(r->raw[4 * BS_RAW_N + BS_RAW_REB_MOVES], 100.0);
			ck_assert_double_gt(r->raw[4 * BS_RAW_N + BS_RAW_REB_KM], 100.0);
			ck_assert_double_gt(r->raw[4 * BS_RAW_N + BS_RAW_TRUCK_HOURS], 0.0);
		}
		bs_rep_result_free(r);
		done(w, sc);
	}
	ck_assert_double_gt(service[1], service[0] + 0.02);
	ck_assert_double_gt(service[2], service[0] + 0.02);
}
END_TEST

struct fares {
	const struct bs_world *w;
	double expect[16];
	int rule;
};

static int collect(void *ud, const struct bs_trip_record *tr)
{
	struct fares *f = ud;
	const struct bs_network *net = f->w->net;
	uint32_t rw;

	if (tr->outcome != BS_TRIP_COMPLETED)
		return 0;
	rw = net->ward[tr->rent_station];
	if (f->rule == BS_SETTLE_OWNER && tr->owner != rw)
		f->expect[rw * 4 + tr->owner] += tr->fare_yen;
	if (f->rule == BS_SETTLE_SPLIT_TIME && tr->rent_station != tr->return_station)
		for (int i = 0; i < 8; i++) {
			double a = (i + 0.5) / 8;
			uint32_t s = bs_network_nearest_point(
				net,
				net->lat[tr->rent_station] + a * (net->lat[tr->return_station] - net->lat[tr->rent_station]),
				net->lon[tr->rent_station] + a * (net->lon[tr->return_station] - net->lon[tr->rent_station]),
				NULL, NULL, NULL);
			if (net->ward[s] != rw)
				f->expect[rw * 4 + net->ward[s]] += tr->fare_yen / 8;
		}
	return 0;
}

/* The settlement matrix is exactly what the rule says, trip by trip:
 * recomputed here from the trip records in the same order. */
START_TEST(test_settlement_rules)
{
	static const char *const rules[] = {"renting", "owner", "split_time"};
	static const int codes[] = {BS_SETTLE_RENTING, BS_SETTLE_OWNER,
				    BS_SETTLE_SPLIT_TIME};
	size_t i, j;

	for (i = 0; i < 3; i++) {
		char set[64];
		struct bs_scenario *sc;
		struct bs_world *w;
		struct fares f;
		struct bs_run_hooks h;
		struct bs_rep_result *r;
		double sum = 0.0;

		snprintf(set, sizeof(set), "fees.settlement=%s", rules[i]);
		w = world(&sc, tokyo_json(), set, "fees.cross_surcharge_yen=50", NULL);
		memset(&f, 0, sizeof(f));
		f.w = w;
		f.rule = codes[i];
		memset(&h, 0, sizeof(h));
		h.on_trip = collect;
		h.trip_ud = &f;
		r = run1(w, 1, &h);
		for (j = 0; j < 16; j++) {
			ck_assert_msg(fabs(r->settle[j] - f.expect[j]) <= 1e-6 * (1.0 + f.expect[j]),
				      "%s: cell %zu is %.3f, expected %.3f", rules[i],
				      j, r->settle[j], f.expect[j]);
			sum += r->settle[j];
		}
		if (codes[i] == BS_SETTLE_RENTING)
			ck_assert_double_eq(sum, 0.0);
		else
			ck_assert_double_gt(sum, 1000.0);
		/* what wards owe and are owed nets to zero over the network */
		ck_assert_double_eq_tol(metric(w, r, 4, BS_M_SETTLEMENT_NET_YEN), 0.0, 1e-6);
		bs_rep_result_free(r);
		done(w, sc);
	}
}
END_TEST

/* Isolated wards owe each other nothing, whatever the fees: no bike leaves
 * its ward, so no fare crosses, no foreign bike sleeps, none is brought home. */
START_TEST(test_isolated_no_settlement)
{
	struct bs_scenario *sc;
	struct bs_world *w = world(&sc, tokyo_json(), "agreement.type=isolated",
				   "fees.settlement=owner", "fees.foreign_dock_fee_yen=100",
				   "fees.repatriation_yen=500", "rebalancing.policy=repatriate",
				   "rebalancing.pooled=true", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	size_t j;

	for (j = 0; j < 16; j++)
		ck_assert_double_eq(r->settle[j], 0.0);
	ck_assert_double_eq(r->raw[4 * BS_RAW_N + BS_RAW_REPATRIATED], 0.0);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* Nightly dock fees: owed by the owner to the ward holding its bikes, in
 * whole fees; repatriation by the owner's own trucks owes nothing, by a
 * pooled truck of another ward it does. */
START_TEST(test_dock_and_repatriation_fees)
{
	struct bs_scenario *sc;
	struct bs_world *w = world(&sc, tokyo_json(), "fees.foreign_dock_fee_yen=100", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	double sum = 0.0;
	size_t j;

	for (j = 0; j < 16; j++) {
		ck_assert_double_eq(fmod(r->settle[j], 100.0), 0.0);
		sum += r->settle[j];
		if (j % 5 == 0)
			ck_assert_double_eq(r->settle[j], 0.0); /* diagonal */
	}
	ck_assert_double_gt(sum, 100.0 * 50); /* dozens of foreign bikes a night */
	bs_rep_result_free(r);
	done(w, sc);

	w = world(&sc, tokyo_json(), "rebalancing.policy=repatriate",
		  "fees.repatriation_yen=500", NULL);
	r = run1(w, 1, NULL);
	ck_assert_double_gt(r->raw[4 * BS_RAW_N + BS_RAW_REPATRIATED], 50.0);
	for (j = 0; j < 16; j++)
		ck_assert_double_eq(r->settle[j], 0.0);
	bs_rep_result_free(r);
	done(w, sc);

	w = world(&sc, tokyo_json(), "rebalancing.policy=repatriate",
		  "rebalancing.pooled=true", "fees.repatriation_yen=500", NULL);
	r = run1(w, 1, NULL);
	sum = 0.0;
	for (j = 0; j < 16; j++) {
		ck_assert_double_eq(fmod(r->settle[j], 500.0), 0.0);
		sum += r->settle[j];
	}
	ck_assert_double_gt(sum, 0.0);
	ck_assert_double_le(sum, 500.0 * r->raw[4 * BS_RAW_N + BS_RAW_REPATRIATED]);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* Batteries: a bike below min_rentable is never rented (with a threshold
 * above every initial charge and no crews, nothing can be rented); crews
 * swap batteries and cut the share of dead bikes. */
START_TEST(test_batteries_and_crews)
{
	struct bs_scenario *sc;
	struct bs_world *w = world(&sc, tokyo_json(), "battery.enabled=true",
				   "battery.initial_min=0.3", "battery.min_rentable=0.999",
				   "battery.swap_below=0.999", "battery.crews_per_ward=0", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL), *r2;

	/* initial charges below 0.999 are 99.9% of them: a handful rentable */
	ck_assert_double_lt(metric(w, r, 4, BS_M_SERVICE_LEVEL), 0.01);
	ck_assert_double_eq(r->raw[4 * BS_RAW_N + BS_RAW_SWAPS], 0.0);
	bs_rep_result_free(r);
	done(w, sc);

	w = world(&sc, tokyo_json(), "battery.enabled=true", "battery.crews_per_ward=0", NULL);
	r = run1(w, 1, NULL);
	done(w, sc);
	w = world(&sc, tokyo_json(), "battery.enabled=true", NULL);
	r2 = run1(w, 1, NULL);
	ck_assert_double_gt(r2->raw[4 * BS_RAW_N + BS_RAW_SWAPS], 100.0);
	ck_assert_double_lt(r2->raw[4 * BS_RAW_N + BS_RAW_LOW_T],
			    0.8 * r->raw[4 * BS_RAW_N + BS_RAW_LOW_T]);
	ck_assert_double_gt(r2->raw[4 * BS_RAW_N + BS_RAW_COMPLETED],
			    r->raw[4 * BS_RAW_N + BS_RAW_COMPLETED]);
	ck_assert_double_eq(r2->raw[4 * BS_RAW_N + BS_RAW_CREW_HOURS], 12.0 * 3 * 4);
	bs_rep_result_free(r);
	bs_rep_result_free(r2);
	done(w, sc);
}
END_TEST

/* Per-ward operating cost adds up as documented. */
START_TEST(test_cost_arithmetic)
{
	struct bs_scenario *sc;
	struct bs_world *w = world(&sc, tokyo_json(), "rebalancing.policy=threshold",
				   "battery.enabled=true", "costs.truck_hour_yen=1000",
				   "costs.truck_km_yen=10", "costs.crew_hour_yen=500",
				   "costs.swap_yen=7", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	size_t k;

	for (k = 0; k <= 4; k++) {
		const double *x = r->raw + k * BS_RAW_N;
		ck_assert_double_eq_tol(x[BS_RAW_COST],
					1000.0 * x[BS_RAW_TRUCK_HOURS] + 10.0 * x[BS_RAW_REB_KM] +
						500.0 * x[BS_RAW_CREW_HOURS] + 7.0 * x[BS_RAW_SWAPS],
					1e-6);
		ck_assert_double_eq_tol(metric(w, r, k, BS_M_NET_YEN),
					metric(w, r, k, BS_M_REVENUE_YEN) +
						metric(w, r, k, BS_M_SETTLEMENT_NET_YEN) -
						metric(w, r, k, BS_M_OPERATING_COST_YEN),
					1e-6);
	}
	/* 2 trucks a ward, 7-22 h: 30 truck hours a ward a day */
	ck_assert_double_eq(r->raw[0 * BS_RAW_N + BS_RAW_TRUCK_HOURS], 30.0);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("ops");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_two_ports_one_truck_by_hand);
	tcase_add_test(tc, test_tokyo_policies_conserve);
	tcase_add_test(tc, test_settlement_rules);
	tcase_add_test(tc, test_isolated_no_settlement);
	tcase_add_test(tc, test_dock_and_repatriation_fees);
	tcase_add_test(tc, test_batteries_and_crews);
	tcase_add_test(tc, test_cost_arithmetic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
