/*
 * check_inputs.c - the tables a scenario names besides its stations and
 * the models they feed: fleet.initial (and bringing a stock to a fleet
 * size), the rates model (arrivals per station and hour against the table,
 * Poisson tolerance; balanced destinations against the table's arrivals,
 * chi-square), OD destinations, and the trace model (the log replayed
 * exactly: every request at its logged time, origin and destination).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "model/fleet.h"
#include "input/inputs.h"
#include "engine/rng.h"
#include "model/sim.h"
#include "input/stations.h"
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

static struct bs_world *world_of(const char *json, struct bs_error *err)
{
	struct bs_scenario *sc = tu_scenario(dir, json, err);
	struct bs_world *w;

	if (!sc)
		return NULL;
	w = bs_world_build(sc, err);
	bs_scenario_free(sc);
	return w;
}

/* six.csv: A1 (4 docks) A2 (6) B1 (5) B2 (5) C1 (4) C2 (6) */
START_TEST(test_initial_stock)
{
	struct bs_error err;
	struct bs_world *w;
	char json[2048];

	free(tu_write(dir, "stock.csv", "station_id,bikes\nA2,6\nB1,0\nC1,3\n"));
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},"
		 " \"fleet\": {\"initial\": \"stock.csv\", \"ownership\": \"stock\"},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}",
		 tu_abspath(tu_fixture("six.csv")));
	w = world_of(json, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->model.fleet, 9);
	ck_assert_uint_eq(w->init_stock[1], 6); /* A2, full */
	ck_assert_uint_eq(w->init_stock[0], 0); /* A1, not listed */
	ck_assert_uint_eq(w->init_stock[4], 3);
	bs_world_free(w);
	/* with fleet.bikes: 9 -> 15, the 6 extra in proportion to free docks */
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},"
		 " \"fleet\": {\"initial\": \"stock.csv\", \"bikes\": 15, \"ownership\": \"stock\"},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}",
		 tu_abspath(tu_fixture("six.csv")));
	w = world_of(json, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->model.fleet, 15);
	ck_assert_uint_eq(w->init_stock[1], 6); /* no free dock: unchanged */
	bs_world_free(w);
}
END_TEST

/* bs_fleet_adjust: exact total, within [0, capacity], proportional. */
START_TEST(test_fleet_adjust)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(50, 10, 2, 300.0, 1000.0, &err);
	uint32_t st[50], orig[50];
	uint64_t targets[] = {0, 1, 77, 123, 250, 499, 500}, t, sum;
	size_t i, k;

	ck_assert_ptr_nonnull(net);
	for (i = 0; i < 50; i++)
		orig[i] = (uint32_t)((i * 7) % 11 > 10 ? 10 : (i * 7) % 11);
	for (k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		t = targets[k];
		memcpy(st, orig, sizeof(st));
		ck_assert_int_eq(bs_fleet_adjust(net, t, st), 0);
		sum = 0;
		for (i = 0; i < 50; i++) {
			ck_assert_uint_le(st[i], 10);
			/* adding never removes, removing never adds */
			if (t >= 250)
				ck_assert_uint_ge(st[i], orig[i]);
			sum += st[i];
		}
		ck_assert_uint_eq(sum, t);
	}
	bs_network_free(net);
}
END_TEST

static void stock_error(const char *csv, long row, const char *key,
			const char *text)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 1000.0, &err);
	uint32_t st[6];
	uint64_t total;
	char *p = tu_write(dir, "stock.csv", csv);

	ck_assert_ptr_nonnull(net);
	ck_assert_int_eq(bs_stock_load(p, net, st, &total, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, row);
	ck_assert_str_eq(err.key, key);
	ck_assert_msg(strstr(err.text, text) != NULL, "%s", err.text);
	bs_network_free(net);
	free(p);
}

START_TEST(test_stock_errors)
{
	stock_error("station_id,bikes\nA1,2\nZ9,1\n", 3, "station_id", "'Z9' is not in the network");
	stock_error("station_id,bikes\nA1,-1\n", 2, "bikes", "'-1' is not a count");
	stock_error("station_id,bikes\nA1,5\n", 2, "bikes", "5 bikes do not fit in station A1's 4 docks");
	stock_error("station_id,bikes\nA1,1\nA1,1\n", 3, "station_id", "listed twice");
	stock_error("station_id,count\nA1,1\n", 1, "bikes", "missing column 'bikes'");
}
END_TEST

/* The rates model: arrivals at each station in each hour are Poisson with
 * the table's rate: over 200 simulated weekdays, every (station, hour)
 * count within 4 sd, and a chi-square over all cells. */
START_TEST(test_rates_poisson)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(4, 10, 1, 300.0, 1000.0, &err);
	struct bs_params p;
	struct bs_demand_input in;
	struct bs_demand *d;
	double dep[4 * 24], arr[4 * 24], obs[4 * 24], chi = 0.0;
	gsl_rng *r = bs_rng_alloc();
	size_t s, h;
	int df = 0;

	for (s = 0; s < 4; s++)
		for (h = 0; h < 24; h++) {
			dep[s * 24 + h] = (h >= 7 && h <= 9) ? 6.0 + (double)s : (h % 5 == 0 ? 0.0 : 1.5);
			arr[s * 24 + h] = 1.0;
		}
	memset(&p, 0, sizeof(p));
	p.demand = BS_DEMAND_RATES;
	p.decay_m = 1000.0;
	p.max_trip_m = 5000.0;
	p.weekend_factor = 1.0;
	memset(&in, 0, sizeof(in));
	in.dep = dep;
	in.arr = arr;
	d = bs_demand_new_from(net, &p, &in, &err);
	ck_assert_ptr_nonnull(d);
	memset(obs, 0, sizeof(obs));
	for (s = 0; s < 4; s++) {
		double t = 0.0;
		bs_rng_seed(r, 11, 1, BS_RNG_ARRIVAL, s);
		for (;;) {
			t = bs_demand_next(d, (uint32_t)s, t, gsl_ran_exponential(r, 1.0));
			if (t >= 200.0 * 1440.0)
				break;
			obs[s * 24 + (size_t)(fmod(t, 1440.0) / 60.0)] += 1.0;
		}
	}
	for (s = 0; s < 4; s++)
		for (h = 0; h < 24; h++) {
			double e = 200.0 * dep[s * 24 + h];
			if (e == 0.0) {
				ck_assert_double_eq(obs[s * 24 + h], 0.0);
				continue;
			}
			ck_assert_msg(fabs(obs[s * 24 + h] - e) <= 4.0 * sqrt(e),
				      "station %zu hour %zu: %g arrivals, expected %g",
				      s, h, obs[s * 24 + h], e);
			chi += (obs[s * 24 + h] - e) * (obs[s * 24 + h] - e) / e;
			df++;
		}
	ck_assert_double_gt(gsl_cdf_chisq_Q(chi, df), 0.001);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

/* Balanced destinations: in each hour, the destinations of all departures
 * (origins weighted by their rates) follow the table's arrivals of that
 * hour (scaled to the departures); chi-square per hour, p > 0.001. The
 * rides take no time (exponential of mean 0), so the hour of arrival the
 * balancing fits to is the hour of the request (check_demand.c tests
 * real ride times). */
START_TEST(test_balanced_destinations)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(9, 10, 1, 400.0, 1000.0, &err);
	struct bs_params p;
	struct bs_demand_input in;
	struct bs_demand *d;
	double dep[9 * 24], arr[9 * 24];
	gsl_rng *r = bs_rng_alloc();
	size_t s, h, hours[] = {3, 8, 18}, k;

	for (s = 0; s < 9; s++)
		for (h = 0; h < 24; h++) {
			dep[s * 24 + h] = 1.0 + (double)((s * 3 + h) % 4);
			/* morning to the first stations, evening to the last */
			arr[s * 24 + h] = h < 12 ? 9.0 - (double)s : 1.0 + (double)s;
		}
	memset(&p, 0, sizeof(p));
	p.demand = BS_DEMAND_RATES;
	p.decay_m = 800.0;
	p.max_trip_m = 5000.0;
	p.weekend_factor = 1.0;
	memset(&in, 0, sizeof(in));
	in.dep = dep;
	in.arr = arr;
	in.balance = 1;
	d = bs_demand_new_from(net, &p, &in, &err);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(d->dest_hoff);
	ck_assert_ptr_nonnull(d->dest_hcell); /* 16-bit station ids: packed */
	bs_rng_seed(r, 5, 1, BS_RNG_DESTINATION, 0);
	for (k = 0; k < 3; k++) {
		double obs[9], sa = 0.0, sd = 0.0, chi = 0.0, N = 0.0;
		h = hours[k];
		memset(obs, 0, sizeof(obs));
		for (s = 0; s < 9; s++) {
			/* draws in proportion to the origin's departures */
			int m = (int)(4000.0 * dep[s * 24 + h]), i;
			sd += dep[s * 24 + h];
			sa += arr[s * 24 + h];
			for (i = 0; i < m; i++)
				obs[bs_demand_dest_at(d, (uint32_t)s, 60.0 * (double)h + 1.0, r)] += 1.0;
			N += m;
		}
		for (s = 0; s < 9; s++) {
			double e = N * arr[s * 24 + h] / sa;
			chi += (obs[s] - e) * (obs[s] - e) / e;
		}
		ck_assert_msg(gsl_cdf_chisq_Q(chi, 8) > 0.001,
			      "hour %zu: chi-square %g over 8 df", h, chi);
	}
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

struct rec {
	double t[64];
	uint32_t o[64], d[64];
	int n;
};

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct rec *r = ud;

	if (r->n < 64) {
		r->t[r->n] = tr->req_t;
		r->o[r->n] = tr->origin;
		r->d[r->n] = tr->dest;
		r->n++;
	}
	return 0;
}

/* The trace model replays the log exactly: the trip log's rows become
 * requests at their logged minute, origin and destination. */
START_TEST(test_trace_replays_exactly)
{
	struct bs_error err;
	struct bs_world *w;
	struct bs_sim *sim;
	struct bs_rep_result *res;
	struct bs_run_hooks hk;
	struct rec rc;
	char json[2048], *stations;
	int i, found;
	/* (minute from 2019-01-01 00:00, origin, destination) of the fixture */
	const double want_t[] = {480.0, 490.0, 539.5, 1440.0 + 1050.0, 1440.0 + 1438.0};
	const char *want_o[] = {"1", "1", "2", "3", "1"};
	const char *want_d[] = {"2", "3", "1", "3", "2"};

	stations = tu_write(dir, "st.csv",
			    "station_id,name,ward,lat,lon,capacity\n"
			    "1,One,JC,40.71,-74.03,5\n2,Two,JC,40.72,-74.04,5\n3,Three,JC,40.73,-74.02,5\n");
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 3},"
		 " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"bikes\": 6},"
		 " \"demand\": {\"model\": \"trace\", \"trips\": \"%s\"},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 5}}}",
		 tu_abspath(tu_fixture("trips_small.csv")));
	w = world_of(json, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->trace_rows, 5);
	ck_assert_uint_eq(w->trace_kept, 5);
	ck_assert_int_eq(w->warn.count, 1); /* the row without a start station */
	sim = bs_sim_alloc(&w->model);
	res = bs_rep_result_alloc(&w->model);
	memset(&hk, 0, sizeof(hk));
	memset(&rc, 0, sizeof(rc));
	hk.on_trip = on_trip;
	hk.trip_ud = &rc;
	hk.paranoid = 1;
	ck_assert_int_eq(bs_sim_run(sim, 1, &hk, res, &err), 0);
	ck_assert_int_eq(rc.n, 5);
	ck_assert_double_eq(res->raw[w->net->nwards * BS_RAW_N + BS_RAW_REQUESTED], 5.0);
	for (i = 0; i < 5; i++) {
		int j;
		found = 0;
		for (j = 0; j < rc.n; j++)
			if (fabs(rc.t[j] - want_t[i]) < 1e-6 &&
			    strcmp(w->net->ids[rc.o[j]], want_o[i]) == 0 &&
			    strcmp(w->net->ids[rc.d[j]], want_d[i]) == 0)
				found = 1;
		ck_assert_msg(found, "request %d (t %g, %s -> %s) not replayed", i,
			      want_t[i], want_o[i], want_d[i]);
	}
	bs_rep_result_free(res);
	bs_sim_free(sim);
	bs_world_free(w);
	/* trace_start moves day 0: from 2019-01-02 only two rides remain */
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 3},"
		 " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"bikes\": 6},"
		 " \"demand\": {\"model\": \"trace\", \"trips\": \"%s\", \"trace_start\": \"2019-01-02\"}}",
		 tu_abspath(tu_fixture("trips_small.csv")));
	w = world_of(json, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->trace_kept, 2);
	ck_assert_double_eq(bs_demand_expected(w->dem, 2, 0.0, 1440.0), 1.0);
	bs_world_free(w);
	free(stations);
}
END_TEST

/* OD destinations: an origin listed in the OD table goes only where the
 * table says, in its proportions (round trips included). */
START_TEST(test_od_destinations)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(4, 10, 1, 300.0, 1000.0, &err);
	struct bs_params p;
	struct bs_demand_input in;
	struct bs_demand *d;
	double dep[4 * 24], cnt[4] = {0, 0, 0, 0};
	uint32_t oo[] = {0, 0, 0}, dd[] = {0, 2, 2};
	double ww[] = {1.0, 1.0, 2.0}; /* 0->2 given twice: they add up */
	gsl_rng *r = bs_rng_alloc();
	int i;

	for (i = 0; i < 4 * 24; i++)
		dep[i] = 1.0;
	memset(&p, 0, sizeof(p));
	p.demand = BS_DEMAND_RATES;
	p.decay_m = 1000.0;
	p.max_trip_m = 5000.0;
	p.weekend_factor = 1.0;
	memset(&in, 0, sizeof(in));
	in.dep = dep;
	in.nod = 3;
	in.od_o = oo;
	in.od_d = dd;
	in.od_w = ww;
	d = bs_demand_new_from(net, &p, &in, &err);
	ck_assert_ptr_nonnull(d);
	bs_rng_seed(r, 1, 1, BS_RNG_DESTINATION, 0);
	for (i = 0; i < 40000; i++)
		cnt[bs_demand_dest_at(d, 0, 100.0, r)] += 1.0;
	ck_assert_double_eq(cnt[1], 0.0);
	ck_assert_double_eq(cnt[3], 0.0);
	/* 1/4 round trips: binomial sd sqrt(40000 * 3/16) = 87 */
	ck_assert_double_le(fabs(cnt[0] - 10000.0), 4.0 * 87.0);
	/* an unlisted origin uses gravity: never itself */
	for (i = 0; i < 1000; i++)
		ck_assert_uint_ne(bs_demand_dest_at(d, 1, 100.0, r), 1);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

/* ---- bounds at the cell, rows as wide as the header ----------------------- */

enum { T_STOCK, T_RATES, T_OD, T_TRACE };

/* Load table kind k from csv against six.csv; returns its code, err. */
static int load_table(int k, const char *csv, struct bs_error *err)
{
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 1000.0, err);
	char *p = tu_write(dir, "t.csv", csv);
	double dep[6 * 24], arr[6 * 24], *w = NULL;
	uint32_t st[6], *o = NULL, *d = NULL;
	uint64_t total;
	size_t n;
	int has, rc = -99;
	struct bs_trace tr;

	ck_assert_ptr_nonnull(net);
	bs_error_clear(err);
	if (k == T_STOCK)
		rc = bs_stock_load(p, net, st, &total, err);
	else if (k == T_RATES)
		rc = bs_rates_load(p, net, dep, arr, &has, err);
	else if (k == T_OD)
		rc = bs_od_load(p, net, &n, &o, &d, &w, err);
	else {
		rc = bs_trace_load(p, net, -1, 1440.0, &tr, err);
		if (!rc)
			bs_trace_release(&tr);
	}
	free(o);
	free(d);
	free(w);
	bs_network_free(net);
	free(p);
	return rc;
}

static void table_error(int k, const char *csv, long row, const char *key,
			const char *text)
{
	struct bs_error err;

	ck_assert_int_eq(load_table(k, csv, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, row);
	ck_assert_str_eq(err.key, key);
	ck_assert_msg(strcmp(err.text, text) == 0, "got:  %s\nwant: %s", err.text,
		      text);
}

#define RATES "station_id,hour,departures_per_hour,arrivals_per_hour\n"

/* 1e308 departures an hour summed to infinity over a file and reached the
 * simulator; every number has a finite bound now, checked at the cell. */
START_TEST(test_numbers_bounded)
{
	struct bs_error err;

	table_error(T_RATES, RATES "A1,0,1e308,1\n", 2, "departures_per_hour",
		    "'1e308' is out of range; expected a number from 0 to 100000");
	table_error(T_RATES, RATES "A1,0,1,100000.5\n", 2, "arrivals_per_hour",
		    "'100000.5' is out of range; expected a number from 0 to 100000");
	table_error(T_RATES, RATES "A1,0,-0.5,1\n", 2, "departures_per_hour",
		    "'-0.5' is out of range; expected a number from 0 to 100000");
	table_error(T_RATES, RATES "A1,0,lots,1\n", 2, "departures_per_hour",
		    "'lots' is not a number; expected a number from 0 to 100000");
	ck_assert_int_eq(load_table(T_RATES, RATES "A1,0,100000,100000\n", &err), 0);
	table_error(T_OD, "origin_id,destination_id,trips\nA1,B1,1e10\n", 2,
		    "trips", "'1e10' is out of range; expected a number from 0 to 1000000000");
	ck_assert_int_eq(load_table(T_OD, "origin_id,destination_id,trips\nA1,B1,1e9\n",
				    &err), 0);
	table_error(T_STOCK, "station_id,bikes\nA1,99999999999999999999\n", 2, "bikes",
		    "'99999999999999999999' is not a count; expected a whole number of bikes from 0 to the station's capacity (4)");
}
END_TEST

/* A row one field too wide, in every reader of these tables: refused
 * like a short one (they took the first fields and dropped the rest). */
START_TEST(test_rows_one_field_too_wide)
{
	static const char *const csv[] = {
		"station_id,bikes\nA1,1\nA2,1,9\n",
		RATES "A1,0,1,1\nA1,1,1,1,9\n",
		"origin_id,destination_id,trips\nA1,B1,1\nA1,B1,1,9\n",
		"started_at,ended_at,start_station_id,end_station_id\n"
		"2019-01-01 08:00:00,2019-01-01 08:10:00,A1,B1\n"
		"2019-01-01 09:00:00,2019-01-01 09:10:00,A1,B1,9\n",
	};
	static const size_t width[] = {2, 4, 3, 4};
	char want[256];
	int k;

	for (k = T_STOCK; k <= T_TRACE; k++) {
		snprintf(want, sizeof(want), "the row has %zu fields but the header has %zu; expected one field per column of the header (quote a field that holds a comma)",
			 width[k] + 1, width[k]);
		table_error(k, csv[k], 3, "", want);
	}
}
END_TEST

/* The stations file holds 2,000,000 stations, as documented: the check
 * fired while the array doubled, at 1,048,576, and named row 1,048,578.
 * Now the 2,000,001st station is refused at its own row. */
START_TEST(test_stations_limit_exact)
{
	char *p = malloc(strlen(dir) + 16);
	struct bs_error err;
	FILE *fp;
	unsigned i;

	sprintf(p, "%s/many.csv", dir);
	fp = fopen(p, "wb");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "%s\n", BS_STATIONS_HEADER);
	for (i = 0; i <= BS_MAX_STATIONS; i++)
		fprintf(fp, "s%u,,W,35.6,139.7,1\n", i);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_null(bs_stations_load(p, 0.0, &err));
	ck_assert_int_eq(err.row, (long)BS_MAX_STATIONS + 2);
	ck_assert_str_eq(err.text, "more than 2000000 stations; expected at most 2000000");
	free(p);
}
END_TEST

/* Ids that lost their leading zeros in a spreadsheet (00010001 read as
 * the number 10001) match the station they came from, with a note
 * naming the file and the row; one that could be two stations is an
 * error naming both; a miss stays a miss. Through stock and rates. */
START_TEST(test_ids_without_leading_zeros)
{
	struct bs_warnings notes;
	struct bs_error err;
	struct bs_network *net;
	uint32_t st[5];
	uint64_t total;
	double dep[5 * 24], arr[5 * 24];
	int has_arr;
	char *sp = tu_write(dir, "st.csv",
			    "station_id,name,ward,lat,lon,capacity\n"
			    "00010001,a,W,35.70,139.75,4\n"
			    "00010002,b,W,35.70,139.76,4\n"
			    "042,c,W,35.71,139.75,4\n"
			    "0042,d,W,35.71,139.76,4\n"
			    "7,e,W,35.72,139.75,4\n");
	char *p;

	net = bs_stations_load(sp, 1000.0, &err);
	ck_assert_msg(net != NULL, "%s", err.text);
	memset(&notes, 0, sizeof(notes));
	net->notes = &notes;
	p = tu_write(dir, "stock.csv",
		     "station_id,bikes\n10001,2\n00010002,3\n0010001x,0\n");
	/* 0010001x is no id and not digits: refused as before */
	ck_assert_int_eq(bs_stock_load(p, net, st, &total, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 4);
	free(p);
	p = tu_write(dir, "stock.csv",
		     "station_id,bikes\n10001,2\n00010002,3\n7,1\n");
	memset(&notes, 0, sizeof(notes));
	ck_assert_msg(bs_stock_load(p, net, st, &total, &err) == 0, "%s",
		      err.text);
	ck_assert_uint_eq(st[0], 2);
	ck_assert_uint_eq(st[1], 3);
	ck_assert_uint_eq(st[4], 1);
	ck_assert_int_eq(notes.count, 1); /* exact ids say nothing */
	ck_assert_msg(strstr(notes.first[0], "stock.csv: row 2: matched '10001' to station '00010001' (leading zeros lost: read ids as text, docs/analysts.md)"),
		      "%s", notes.first[0]);
	free(p);
	/* 42 could be 042 or 0042: both named */
	p = tu_write(dir, "stock.csv", "station_id,bikes\n7,1\n42,1\n");
	ck_assert_int_eq(bs_stock_load(p, net, st, &total, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "station_id");
	ck_assert_msg(strstr(err.text, "station '42' is not in the network, and with its leading zeros put back it could be '042' or '0042'"),
		      "%s", err.text);
	free(p);
	/* rates go through the same lookup; no notes sink is fine too */
	net->notes = NULL;
	p = tu_write(dir, "rates.csv",
		     "station_id,hour,departures_per_hour\n10002,8,1.5\n");
	ck_assert_msg(bs_rates_load(p, net, dep, arr, &has_arr, &err) == 0,
		      "%s", err.text);
	ck_assert(dep[1 * 24 + 8] == 1.5);
	free(p);
	p = tu_write(dir, "stock.csv", "station_id,bikes\n99,1\n");
	ck_assert_int_eq(bs_stock_load(p, net, st, &total, &err), BS_E_INPUT);
	ck_assert_msg(strstr(err.text, "station '99' is not in the network; expected"),
		      "%s", err.text);
	free(p);
	free(sp);
	bs_network_free(net);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("inputs");
	TCase *tc = tcase_create("inputs");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_initial_stock);
	tcase_add_test(tc, test_fleet_adjust);
	tcase_add_test(tc, test_stock_errors);
	tcase_add_test(tc, test_ids_without_leading_zeros);
	tcase_add_test(tc, test_rates_poisson);
	tcase_add_test(tc, test_balanced_destinations);
	tcase_add_test(tc, test_trace_replays_exactly);
	tcase_add_test(tc, test_od_destinations);
	tcase_add_test(tc, test_numbers_bounded);
	tcase_add_test(tc, test_rows_one_field_too_wide);
	tcase_add_test(tc, test_stations_limit_exact);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
