/*
 * check_metrics.c - metric definitions and statistics over replications.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics.h"
#include "input/stations.h"
#include "testutil.h"

START_TEST(test_stat_known_values)
{
	double x[] = {1, 2, 3, 4, 5};
	struct bs_stat st;
	/* t(0.975, 4) = 2.7764451 (tables); sd = sqrt(2.5) */
	double half = 2.7764451 * sqrt(2.5) / sqrt(5.0);

	bs_stat_compute(x, 5, 1, &st);
	ck_assert_uint_eq(st.n, 5);
	ck_assert_double_eq_tol(st.mean, 3.0, 1e-12);
	ck_assert_double_eq_tol(st.sd, sqrt(2.5), 1e-12);
	ck_assert_double_eq_tol(st.ci_lo, 3.0 - half, 1e-6);
	ck_assert_double_eq_tol(st.ci_hi, 3.0 + half, 1e-6);
}
END_TEST

START_TEST(test_stat_stride_nan_and_small)
{
	double x[] = {1, 99, NAN, 99, 3, 99};
	double one[] = {7};
	struct bs_stat st;

	bs_stat_compute(x, 3, 2, &st); /* 1, NaN, 3 */
	ck_assert_uint_eq(st.n, 2);
	ck_assert_double_eq(st.mean, 2.0);
	bs_stat_compute(one, 1, 1, &st);
	ck_assert_double_eq(st.mean, 7.0);
	ck_assert(isnan(st.sd) && isnan(st.ci_lo) && isnan(st.ci_hi));
	bs_stat_compute(x + 2, 1, 1, &st);
	ck_assert_uint_eq(st.n, 0);
	ck_assert(isnan(st.mean));
}
END_TEST

START_TEST(test_contract_names)
{
	static const char *const contract[] = {
		"trips_requested", "trips_completed", "lost_no_bike",
		"lost_forbidden", "truncated_trips", "full_diversions",
		"cross_ward_trips", "service_level", "mean_trip_min",
		"empty_station_frac", "full_station_frac", "bikes_in_use_mean",
		"rebalancing_moves", "rebalancing_km", "revenue_yen",
		/* section 5a, and issue 13's walk after the ride */
		"trips_reached", "reach_level", "walk_after_m_mean"};
	size_t i;
	int a, b;

	for (i = 0; i < sizeof(contract) / sizeof(contract[0]); i++)
		ck_assert_msg(bs_metric_index(contract[i]) >= 0, "missing %s", contract[i]);
	for (a = 0; a < BS_METRIC_N; a++)
		for (b = a + 1; b < BS_METRIC_N; b++)
			ck_assert_str_ne(bs_metric_names[a], bs_metric_names[b]);
	ck_assert_int_eq(bs_metric_index("nope"), -1);
}
END_TEST

/* Metrics from hand-made raw sums over a 2-day window. */
START_TEST(test_metrics_from_raw)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);
	struct bs_model m;
	struct bs_rep_result *r;
	double v[BS_METRIC_N];
	double *x;

	memset(&m, 0, sizeof(m));
	m.net = net;
	m.p.days = 3;
	m.p.warmup_days = 1;
	m.p.ts_step_min = 60;
	r = bs_rep_result_alloc(&m);
	r->window_min = 2880.0;
	x = r->raw + 1 * BS_RAW_N; /* ward Beta: 2 stations */
	x[BS_RAW_REQUESTED] = 100;
	x[BS_RAW_COMPLETED] = 80;
	x[BS_RAW_TRIP_MIN] = 80 * 12.5;
	x[BS_RAW_EMPTY_T] = 2880.0; /* one of two stations empty all along */
	x[BS_RAW_FULL_T] = 288.0;
	x[BS_RAW_INUSE_INT] = 3 * 2880.0;
	x[BS_RAW_REVENUE] = 1000;
	bs_metrics_compute(r, net, 1, v);
	ck_assert_double_eq(v[BS_M_TRIPS_REQUESTED], 50.0);
	ck_assert_double_eq(v[BS_M_TRIPS_COMPLETED], 40.0);
	ck_assert_double_eq(v[BS_M_SERVICE_LEVEL], 0.8);
	ck_assert_double_eq(v[BS_M_MEAN_TRIP_MIN], 12.5);
	ck_assert_double_eq(v[BS_M_EMPTY_STATION_FRAC], 0.5);
	ck_assert_double_eq(v[BS_M_FULL_STATION_FRAC], 0.05);
	ck_assert_double_eq(v[BS_M_BIKES_IN_USE_MEAN], 3.0);
	ck_assert_double_eq(v[BS_M_REVENUE_YEN], 500.0);
	/* a ward with no request has no service level */
	bs_metrics_compute(r, net, 0, v);
	ck_assert(isnan(v[BS_M_SERVICE_LEVEL]));
	ck_assert(isnan(v[BS_M_MEAN_TRIP_MIN]));
	bs_rep_result_free(r);
	bs_network_free(net);
}
END_TEST

/* The summary averages flows and station results over replications. */
START_TEST(test_summary_means)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);
	struct bs_model m;
	struct bs_rep_result *r[2];
	struct bs_summary *s;
	int i;

	memset(&m, 0, sizeof(m));
	m.net = net;
	m.p.days = 2;
	m.p.ts_step_min = 60;
	for (i = 0; i < 2; i++) {
		r[i] = bs_rep_result_alloc(&m);
		r[i]->window_min = 2880.0;
		r[i]->flows[0 * 3 + 2] = i ? 40 : 20;       /* Alpha -> Gamma */
		r[i]->st[4 * BS_ST_N + BS_ST_EMPTY_T] = i ? 1440.0 : 0.0;
		r[i]->raw[3 * BS_RAW_N + BS_RAW_REQUESTED] = i ? 20 : 10;
	}
	s = bs_summary_new(net, r, 2);
	ck_assert_double_eq(s->flows[2], 15.0); /* (10 + 20) / 2 per day */
	ck_assert_double_eq(s->st[4 * BS_SS_N + BS_SS_EMPTY], 0.25);
	ck_assert_double_eq(bs_summary_stat(s, 3, BS_M_TRIPS_REQUESTED)->mean, 7.5);
	bs_summary_free(s);
	bs_rep_result_free(r[0]);
	bs_rep_result_free(r[1]);
	bs_network_free(net);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_test(tc, test_stat_known_values);
	tcase_add_test(tc, test_stat_stride_nan_and_small);
	tcase_add_test(tc, test_contract_names);
	tcase_add_test(tc, test_metrics_from_raw);
	tcase_add_test(tc, test_summary_means);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
