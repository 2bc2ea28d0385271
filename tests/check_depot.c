/*
 * check_depot.c - depots: a hand-computed day of one depot truck (every
 * move, bike and minute), the replay of a status series' detected moves
 * (bikes per port and minute, exactly), and conservation with depots under
 * the paranoid check over long random runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calib/calibrate.h"
#include "calib/world.h"
#include "input/status.h"
#include "model/depot.h"
#include "model/network.h"
#include "stats/metrics.h"
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

static struct bs_world *load(struct bs_scenario **scp, const char *json)
{
	struct bs_error err;
	char *p = tu_write(dir, "s.json", json);
	struct bs_scenario *sc = bs_scenario_load(p, NULL, 0, &err);
	struct bs_world *w;

	free(p);
	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	*scp = sc;
	return w;
}

/* One paranoid replication (conservation, depots included, after every
 * event and in full at every sample). */
static struct bs_rep_result *run_paranoid(struct bs_world *w, uint32_t rep)
{
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;
	int rc;

	ck_assert(S && r);
	memset(&h, 0, sizeof(h));
	h.paranoid = 1;
	rc = bs_sim_run(S, rep, &h, r, &err);
	ck_assert_msg(rc == 0, "run failed: %s", err.text);
	bs_sim_free(S);
	return r;
}

static double metric(const struct bs_world *w, const struct bs_rep_result *r,
		     int m)
{
	double v[BS_METRIC_N];

	bs_metrics_compute(r, w->net, w->net->nwards, v);
	return v[m];
}

/* The ward's depot stock in the sample at minute t (step 1 min). */
static uint32_t depot_at(const struct bs_rep_result *r, size_t t)
{
	return r->ts[(t * (r->nwards + 1)) * BS_TS_N + BS_TS_DEPOT];
}

/*
 * Ports A (north) and B (south) 1 km apart (two.csv), 10 docks each, A 8
 * bikes, B 2, no users; a depot at A's very position holding 6 bikes
 * (capacity 20, 60 min to charge); one depot truck of 4 bikes at 20 km/h,
 * detour 1, 1 min per bike, shift 8-12 h, target 0.5 (5 bikes); policy:
 * bring 6 in hour 8, take 4 in hour 10. With d the depot-B distance and
 * T = d / (20 km/h) minutes, by hand:
 *   480      load 4 (depot 6 -> 2), busy to 484
 *   484      B is 3 short: drive, arrive 484 + T
 *   484+T    unload 3 (B 2 -> 5), busy 3 min
 *   487+T    no port short: the one left goes to the nearest free dock,
 *            B itself (0 m): B 5 -> 6, busy 1 min
 *   488+T    empty: back to the depot, arrive 488 + 2T
 *            2 more to bring: load 2 (depot 2 -> 0), busy 2
 *   490+2T   nobody short: the nearest free dock is A (0 m): A 8 -> 10
 *   492+2T   home (0 m), nothing to do until 10:00
 *   600      take 4: A is 5 over target: load 4 (A 10 -> 6), busy 4
 *   604      home (0 m): 4 into the depot (0 -> 4), busy 4
 * So 6 brought in, 4 taken out, 2d truck metres, 4 truck hours.
 */
START_TEST(test_one_depot_two_ports_by_hand)
{
	char json[2048];
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *r;
	const struct bs_network *net;
	char *pol = tu_write(dir, "policy.csv",
			     "ward,hour,bring,take\nW,8,6,0\nW,10,0,4\n");
	double d, T, ta, tb;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 10},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0},"
		 " \"output\": {\"timeseries_step_min\": 1},"
		 " \"rebalancing\": {\"truck_capacity\": 4, \"speed_kmh\": 20,"
		 "   \"detour\": 1, \"load_min_per_bike\": 1},"
		 " \"depots\": {\"enabled\": true, \"at\": {\"W\": \"35.7089932,139.75\"},"
		 "   \"capacity\": 20, \"stock\": 6, \"charge_min\": 60,"
		 "   \"operations\": \"policy\", \"policy\": \"%s\", \"trucks_per_ward\": 1,"
		 "   \"shift_start_h\": 8, \"shift_end_h\": 12}}",
		 tu_abspath(tu_fixture("two.csv")), pol);
	free(pol);
	w = load(&sc, json);
	net = w->net;
	w->init_stock[0] = 8;
	w->init_stock[1] = 2;
	d = bs_distance_m(35.7089932, 139.75, net->lat[1], net->lon[1]);
	T = d / (20000.0 / 60.0);
	ck_assert_double_eq_tol(w->model.depots->dist_m[0], 0.0, 1e-6);
	r = run_paranoid(w, 1);
	ck_assert_double_eq_tol(metric(w, r, BS_M_BIKES_BROUGHT_IN), 6.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_BIKES_TAKEN_OUT), 4.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_OPS_MOVES_SHORT), 0.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_REBALANCING_KM), 2.0 * d / 1000.0,
				1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_TRUCK_HOURS), 4.0, 1e-9);
	/* port-minutes: A 8 to 490+2T, 10 to 600, then 6; B 2 to 484+T, 5
	 * for 3 min, then 6 */
	ta = 8.0 * (490.0 + 2 * T) + 10.0 * (600.0 - 490.0 - 2 * T) +
	     6.0 * (1440.0 - 600.0);
	tb = 2.0 * (484.0 + T) + 5.0 * 3.0 + 6.0 * (1440.0 - 487.0 - T);
	ck_assert_double_eq_tol(r->st[0 * BS_ST_N + BS_ST_BIKE_T], ta, 1e-6);
	ck_assert_double_eq_tol(r->st[1 * BS_ST_N + BS_ST_BIKE_T], tb, 1e-6);
	/* depot stock over the day, between the moves */
	ck_assert_uint_eq(depot_at(r, 479), 6);
	ck_assert_uint_eq(depot_at(r, 481), 2);
	ck_assert_uint_eq(depot_at(r, (size_t)(489 + 2 * T)), 0);
	ck_assert_uint_eq(depot_at(r, 603), 0);
	ck_assert_uint_eq(depot_at(r, 605), 4);
	ck_assert_uint_eq(depot_at(r, 1439), 4);
	/* 6 x 480 + 2 x (8 + 2T) + 4 x (1440 - 604) bike-minutes in the depot */
	ck_assert_double_eq_tol(metric(w, r, BS_M_DEPOT_BIKES_MEAN),
				(6.0 * 480 + 2.0 * (8.0 + 2 * T) + 4.0 * 836) / 1440.0,
				1e-9);
	bs_rep_result_free(r);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

/*
 * A status series of A and B every 5 minutes with four operator's jumps
 * (A +4 at 100, B +5 at 200, B -5 at 201, A -5 at 300) and two users' (A -1
 * at 105, B +1 at 500): calibration's moves file holds the four jumps, and
 * replaying it with no users moves those bikes at those minutes and
 * nothing else: A 5 -> 9 -> 4, B 2 -> 7 -> 2, the depot 9 -> 0 -> 10.
 */
START_TEST(test_replay_reproduces_detected_moves)
{
	char json[2048], *series, *moves, *csv = malloc(65536);
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *r;
	struct bs_status *st;
	struct bs_calib_opts co = {4, 10.0};
	struct bs_error err;
	size_t n = 0, m;
	FILE *fp;

	ck_assert(csv);
	n += (size_t)snprintf(csv + n, 65536 - n, "station_id,minute,bikes,docks\n");
	for (m = 0; m < 1440; m += 1) {
		int a = m < 100 ? 5 : m < 105 ? 9 : m < 300 ? 8 : 3;
		int b = m < 200 ? 2 : m < 201 ? 7 : m < 500 ? 2 : 3;
		if (m % 5 && m != 201 && m != 101)
			continue;
		n += (size_t)snprintf(csv + n, 65536 - n, "A,%zu,%d,%d\nB,%zu,%d,%d\n",
				      m, a, 10 - a, m, b, 10 - b);
	}
	series = tu_write(dir, "series.csv", csv);
	free(csv);
	st = bs_status_load(series, 0, &err);
	ck_assert_msg(st != NULL, "%s", err.text);
	moves = tu_write(dir, "moves.csv", "");
	fp = fopen(moves, "w");
	ck_assert(fp);
	bs_status_write_moves(st, &co, fp);
	fclose(fp);
	bs_status_free(st);
	free(series);
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 7},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0},"
		 " \"output\": {\"timeseries_step_min\": 1},"
		 " \"depots\": {\"enabled\": true, \"operations\": \"replay\","
		 "   \"replay\": \"%s\", \"capacity\": 20, \"stock\": 9}}",
		 tu_abspath(tu_fixture("two.csv")), moves);
	free(moves);
	w = load(&sc, json);
	ck_assert_uint_eq(w->model.depots->nmoves, 4);
	w->init_stock[0] = 5;
	w->init_stock[1] = 2;
	r = run_paranoid(w, 1);
	ck_assert_double_eq_tol(r->st[0 * BS_ST_N + BS_ST_BIKE_T],
				5.0 * 100 + 9.0 * 200 + 4.0 * 1140, 1e-9);
	ck_assert_double_eq_tol(r->st[1 * BS_ST_N + BS_ST_BIKE_T],
				2.0 * 200 + 7.0 * 1 + 2.0 * 1239, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_BIKES_BROUGHT_IN), 9.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_BIKES_TAKEN_OUT), 10.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_OPS_MOVES_SHORT), 0.0, 1e-9);
	ck_assert_uint_eq(depot_at(r, 99), 9);
	ck_assert_uint_eq(depot_at(r, 150), 5);
	ck_assert_uint_eq(depot_at(r, 250), 5);
	ck_assert_uint_eq(depot_at(r, 301), 10);
	bs_rep_result_free(r);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

/*
 * Replay with soft capacity (capacity.physical "data"): A has published
 * capacity 3 and physical limit 9, as a port that the operator fills past
 * its published docks. A drop-off of 6 (more than A's 3 docks: the moves
 * file is read against the limit) at 100 takes A from 2 to 8, one of 3 at
 * 200 fits one bike (to 9, the limit) and is 2 short. No users. A holds
 * 2 x 100 + 8 x 100 + 9 x 1240 bike-minutes; the feed's "full" (stock >= 3)
 * from 100 on, refusing (stock >= 9) from 200 on.
 */
START_TEST(test_replay_fills_to_the_physical_limit)
{
	char json[2048];
	char *st = tu_write(dir, "soft.csv",
			    "station_id,name,ward,lat,lon,capacity,physical_limit\n"
			    "A,North,W,35.7089932,139.75,3,9\nB,South,W,35.7,139.75,10,10\n");
	char *moves = tu_write(dir, "moves.csv", "t_min,station_id,delta\n100,A,6\n200,A,3\n");
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *r;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 2},"
		 " \"capacity\": {\"physical\": \"data\"},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0},"
		 " \"output\": {\"timeseries_step_min\": 1},"
		 " \"depots\": {\"enabled\": true, \"operations\": \"replay\","
		 "   \"replay\": \"%s\", \"capacity\": 20, \"stock\": 9}}",
		 st, moves);
	free(st);
	free(moves);
	w = load(&sc, json);
	ck_assert_uint_eq(w->model.depots->nmoves, 2);
	w->init_stock[0] = 2;
	w->init_stock[1] = 0;
	r = run_paranoid(w, 1);
	ck_assert_double_eq_tol(r->st[0 * BS_ST_N + BS_ST_BIKE_T],
				2.0 * 100 + 8.0 * 100 + 9.0 * 1240, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_BIKES_BROUGHT_IN), 7.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_OPS_MOVES_SHORT), 2.0, 1e-9);
	ck_assert_double_eq_tol(r->st[0 * BS_ST_N + BS_ST_FULL_T], 1340.0, 1e-9);
	ck_assert_double_eq_tol(metric(w, r, BS_M_REFUSING_STATION_FRAC),
				1240.0 / 1440.0 / 2.0, 1e-9);
	ck_assert_uint_eq(depot_at(r, 150), 3);
	ck_assert_uint_eq(depot_at(r, 250), 2);
	bs_rep_result_free(r);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

/*
 * The Tokyo network for three days of gravity demand with batteries, swap
 * crews, threshold trucks and depot trucks following the policy
 * calibrated to the real day, then the real day's moves replayed: bikes
 * are conserved across ports, riders, trucks and depots at every event
 * (the run fails otherwise), and the depots did work.
 */
START_TEST(test_tokyo_depots_conserve)
{
	static const char *const ops[2] = {"policy", "replay"};
	static const char *const file[2] = {"data/tokyo4_ops_policy_20220629.csv",
					    "data/tokyo4_moves_20220629.csv"};
	for (int k = 0; k < 2; k++) {
		char json[4096], o[512];
		struct bs_scenario *sc;
		struct bs_world *w;
		struct bs_rep_result *r;
		snprintf(o, sizeof(o), "\"operations\": \"%s\", \"%s\": \"%s\"",
			 ops[k], ops[k], tu_abspath(file[k]));
		snprintf(json, sizeof(json),
			 "{\"bssim\": 1, \"seed\": 5, \"horizon\": {\"days\": %d},"
			 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 2726},"
			 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 25000},"
			 " \"output\": {\"timeseries_step_min\": 30},"
			 " \"rebalancing\": {\"policy\": \"threshold\"},"
			 " \"battery\": {\"enabled\": true},"
			 " \"depots\": {\"enabled\": true, \"stock\": 150, %s}}",
			 k ? 1 : 3, tu_abspath("data/tokyo4_stations.csv"), o);
		w = load(&sc, json);
		r = run_paranoid(w, 1);
		ck_assert(metric(w, r, BS_M_BIKES_BROUGHT_IN) > 100.0);
		ck_assert(metric(w, r, BS_M_BIKES_TAKEN_OUT) > 100.0);
		bs_rep_result_free(r);
		bs_world_free(w);
		bs_scenario_free(sc);
	}
}
END_TEST

/* Completed rides by return port, docked before the horizon (every ride
 * is counted: no warm-up). */
struct ret_count {
	double *n;
	double horizon;
};

static int count_return(void *ud, const struct bs_trip_record *tr)
{
	struct ret_count *c = ud;

	if (tr->outcome == BS_TRIP_COMPLETED && tr->return_t < c->horizon)
		c->n[tr->return_station] += 1.0;
	return 0;
}

/*
 * A port's returns (stations.csv) are derived from its stock, its
 * rentals and what trucks and depots moved (sim_internal.h): with
 * threshold trucks, depot trucks and the real day's moves replayed,
 * every port's count is still the riders' docks there, ride by ride
 * from the trip records.
 */
START_TEST(test_returns_without_the_moves_of_processes)
{
	char json[4096];
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *r;
	struct bs_sim *S;
	struct bs_run_hooks h;
	struct bs_error err;
	struct ret_count c;
	double moved = 0.0;
	size_t i;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 5,"
		 " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 2726},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 25000},"
		 " \"rebalancing\": {\"policy\": \"threshold\"},"
		 " \"depots\": {\"enabled\": true, \"stock\": 150,"
		 " \"operations\": \"replay\", \"replay\": \"%s\"}}",
		 tu_abspath("data/tokyo4_stations.csv"),
		 tu_abspath("data/tokyo4_moves_20220629.csv"));
	w = load(&sc, json);
	S = bs_sim_alloc(&w->model);
	r = bs_rep_result_alloc(&w->model);
	c.n = calloc(w->net->n, sizeof(double));
	c.horizon = 1440.0;
	ck_assert(S && r && c.n);
	memset(&h, 0, sizeof(h));
	h.paranoid = 1;
	h.on_trip = count_return;
	h.trip_ud = &c;
	ck_assert_msg(bs_sim_run(S, 1, &h, r, &err) == 0, "%s", err.text);
	for (i = 0; i < w->net->n; i++)
		ck_assert_double_eq(r->st[i * BS_ST_N + BS_ST_RETURNS], c.n[i]);
	moved = metric(w, r, BS_M_BIKES_BROUGHT_IN) +
		metric(w, r, BS_M_BIKES_TAKEN_OUT) +
		metric(w, r, BS_M_REBALANCING_MOVES);
	ck_assert(moved > 100.0);
	free(c.n);
	bs_sim_free(S);
	bs_rep_result_free(r);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

/* Depots off (no "depots" key): the resolved scenario has no depots
 * object and the model none, so every output is as before. */
START_TEST(test_no_depots_by_default)
{
	char json[1024];
	struct bs_scenario *sc;
	struct bs_world *w;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},"
		 " \"fleet\": {\"bikes\": 10},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}",
		 tu_abspath(tu_fixture("two.csv")));
	w = load(&sc, json);
	ck_assert_ptr_null(w->model.depots);
	ck_assert_ptr_null(json_object_get(sc->root, "depots"));
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("depot");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_one_depot_two_ports_by_hand);
	tcase_add_test(tc, test_replay_reproduces_detected_moves);
	tcase_add_test(tc, test_replay_fills_to_the_physical_limit);
	tcase_add_test(tc, test_tokyo_depots_conserve);
	tcase_add_test(tc, test_returns_without_the_moves_of_processes);
	tcase_add_test(tc, test_no_depots_by_default);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
