/*
 * check_softcap.c - soft port capacity and user types (issue 15, items 3
 * and 4), against closed forms.
 *
 * 1. One port A of published capacity C and physical limit K > C under
 *    Poisson rentals (rate lambda, lost when A is empty: no walking) and
 *    Poisson returns (rate mu: the rentals of a second port B that never
 *    runs dry, every ride going A <-> B; the departures of an M/G/inf ride
 *    stage are Poisson). A's stock is the M/M/1/K chain: P(k) ~ rho^k on
 *    0..K, rho = mu / lambda. The feed's "full" share is P(k >= C), the
 *    "refusing" share P(K), the empty share P(0), and (PASTA) returns
 *    diverted from A per day are mu 24 P(K): diversions only at K.
 * 2. Fares by user type on exponential rides of mean m (no diversions):
 *    pay per ride 165 / (1 - e^{-30/m}); a monthly member 3300 / 20 +
 *    165 e^{-30/m} / (1 - e^{-30/m}) (a block per started 30 minutes
 *    beyond the first 30); a day pass 1650 / 5; a mix their weighted sum.
 *    bs__marginal_fare on hand-picked rides.
 * 3. Common random numbers: user types change revenue, nothing else.
 * Tolerances: the half-width of the run's own 99.9% Student-t interval
 * over replications (the fixed seeds make the outcome repeatable).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "stats/metrics.h"
#include "exp/runner.h"
#include "calib/world.h"
#include "model/sim_internal.h"
#include "testutil.h"

#define REPS TU_RUN_REPS

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
	tu_paths_free();
}




/* Half-width of the 99.9% interval of metric m of ward w. */
static double half999(const struct tu_run *R, size_t w, int m)
{
	const struct bs_stat *st = bs_summary_stat(R->sum, w, m);

	return gsl_cdf_tdist_Pinv(0.9995, (double)(st->n - 1)) * st->sd /
	       sqrt((double)st->n);
}

static void near(const struct tu_run *R, size_t w, int m, double want,
		 const char *what)
{
	double got = bs_summary_stat(R->sum, w, m)->mean, tol = half999(R, w, m);

	ck_assert_msg(fabs(got - want) <= tol,
		      "%s: simulated %.5f, closed form %.5f, tolerance %.5f",
		      what, got, want, tol);
}

/* The two-port network of 1.: A (ward A, capacity C, limit K) and B. */
static void write_two_ports(int C, int K, double lam, double mu)
{
	char buf[4096];
	size_t used = 0;
	int h;

	snprintf(buf, sizeof(buf),
		 "station_id,name,ward,lat,lon,capacity,physical_limit\n"
		 "A,a,A,35.68,139.76,%d,%d\nB,b,B,35.69,139.77,2000,2000\n",
		 C, K);
	free(tu_write(dir, "st.csv", buf));
	used = (size_t)snprintf(buf, sizeof(buf),
				"station_id,hour,departures_per_hour\n");
	for (h = 0; h < 24; h++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					 "A,%d,%g\nB,%d,%g\n", h, lam, h, mu);
	free(tu_write(dir, "rates.csv", buf));
	free(tu_write(dir, "od.csv", "origin_id,destination_id,trips\nA,B,1\nB,A,1\n"));
}

START_TEST(test_mm1k_soft_port)
{
	const int C = 4, K = 8;
	const double lam = 5.0, mu = 4.0, rho = mu / lam;
	double Z = 0.0, full = 0.0;
	char json[2048];
	struct tu_run R;
	int k;

	for (k = 0; k <= K; k++) {
		Z += pow(rho, k);
		if (k >= C)
			full += pow(rho, k);
	}
	write_two_ports(C, K, lam, mu);
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 11, \"replications\": %d,"
		 " \"horizon\": {\"days\": 21, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"st.csv\"},"
		 " \"capacity\": {\"physical\": \"data\"},"
		 " \"fleet\": {\"bikes\": 600},"
		 " \"demand\": {\"model\": \"rates\", \"rates\": \"rates.csv\", \"od\": \"od.csv\", \"balance\": false},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		 " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}}",
		 REPS);
	tu_run_json(&R, dir, json);
	ck_assert_uint_eq(R.w->net->cap[0], (unsigned)C);
	ck_assert_uint_eq(R.w->net->lim[0], (unsigned)K);
	/* ward 0 is A */
	near(&R, 0, BS_M_EMPTY_STATION_FRAC, 1.0 / Z, "empty share");
	near(&R, 0, BS_M_FULL_STATION_FRAC, full / Z, "full share (feed)");
	near(&R, 0, BS_M_REFUSING_STATION_FRAC, pow(rho, K) / Z,
	     "refusing share");
	/* B's rides diverted at A (counted in B's ward), per day */
	near(&R, 1, BS_M_FULL_DIVERSIONS, mu * 24.0 * pow(rho, K) / Z,
	     "diversions per day");
	/* B never fills or empties */
	ck_assert_double_eq(bs_summary_stat(R.sum, 1, BS_M_EMPTY_STATION_FRAC)->mean, 0.0);
	tu_run_free(&R);
}
END_TEST

/* With the limit equal to the capacity the two shares are one. */
START_TEST(test_hard_limit_same_shares)
{
	char json[2048];
	struct tu_run R;
	size_t w;

	write_two_ports(4, 8, 5.0, 4.0);
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 11, \"replications\": %d,"
		 " \"horizon\": {\"days\": 3, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"st.csv\"},"
		 " \"fleet\": {\"bikes\": 600},"
		 " \"demand\": {\"model\": \"rates\", \"rates\": \"rates.csv\", \"od\": \"od.csv\", \"balance\": false},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		 " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}}",
		 REPS);
	tu_run_json(&R, dir, json);
	ck_assert_uint_eq(R.w->net->lim[0], 4);
	for (w = 0; w <= R.sum->nwards; w++)
		ck_assert_double_eq_tol(
			bs_summary_stat(R.sum, w, BS_M_REFUSING_STATION_FRAC)->mean,
			bs_summary_stat(R.sum, w, BS_M_FULL_STATION_FRAC)->mean, 1e-12);
	ck_assert_double_gt(bs_summary_stat(R.sum, 0, BS_M_FULL_STATION_FRAC)->mean, 0.0);
	tu_run_free(&R);
}
END_TEST

START_TEST(test_limits_rules)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(4, 10, 1, 300.0, 1000.0, &err);

	ck_assert_ptr_nonnull(net);
	bs_network_set_limits(net, BS_PHYS_FACTOR, 0.2, 0);
	ck_assert_uint_eq(net->lim[0], 12);
	ck_assert_uint_eq(net->total_slots, 48);
	bs_network_set_limits(net, BS_PHYS_FACTOR, 0.25, 0);
	ck_assert_uint_eq(net->lim[0], 13); /* ceil(2.5) */
	bs_network_set_limits(net, BS_PHYS_EXTRA, 0.0, 5);
	ck_assert_uint_eq(net->lim[3], 15);
	bs_network_set_limits(net, BS_PHYS_CAPACITY, 0.0, 0);
	ck_assert_uint_eq(net->lim[2], 10);
	ck_assert_uint_eq(net->total_slots, 40);
	bs_network_free(net);
}
END_TEST

static const char *homog(double pay, double monthly, double day)
{
	static char json[2048];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 5, \"replications\": %d,"
		 " \"horizon\": {\"days\": 6, \"warmup_days\": 1},"
		 " \"network\": {\"synthetic\": {\"stations\": 40, \"capacity\": 80, \"wards\": 2}},"
		 " \"fleet\": {\"bikes\": 320},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 2},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		 " \"fees\": {\"users\": {\"pay_per_ride\": %g, \"monthly\": %g, \"day_pass\": %g}},"
		 " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}}",
		 REPS, pay, monthly, day);
	return json;
}

static void fare_check(double pay, double monthly, double day)
{
	const double m = 20.0, q = exp(-30.0 / m);
	double want = pay * 165.0 / (1.0 - q) +
		      monthly * (3300.0 / 20.0 + 165.0 * q / (1.0 - q)) +
		      day * 1650.0 / 5.0;
	double per_ride[REPS];
	struct bs_stat st;
	struct tu_run R;
	size_t W;
	int r;

	tu_run_json(&R, dir, homog(pay, monthly, day));
	ck_assert_double_eq(bs_summary_stat(R.sum, R.sum->nwards, BS_M_FULL_DIVERSIONS)->mean, 0.0);
	W = R.sum->nwards;
	for (r = 0; r < REPS; r++) {
		const double *v = R.sum->vals + ((size_t)r * (W + 1) + W) * BS_METRIC_N;
		per_ride[r] = v[BS_M_REVENUE_YEN] / v[BS_M_TRIPS_COMPLETED];
	}
	bs_stat_compute(per_ride, REPS, 1, &st);
	if (st.sd == 0.0) /* day passes only: every ride brings the same */
		ck_assert_double_eq_tol(st.mean, want, 1e-9 * want);
	else
		ck_assert_msg(fabs(st.mean - want) <=
				      gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * st.sd / sqrt(REPS),
			      "shares %g/%g/%g: fare per ride %.3f, closed form %.3f",
			      pay, monthly, day, st.mean, want);
	tu_run_free(&R);
}

START_TEST(test_fares_monthly)
{
	fare_check(0.0, 1.0, 0.0);
}
END_TEST

START_TEST(test_fares_day_pass)
{
	fare_check(0.0, 0.0, 1.0);
}
END_TEST

START_TEST(test_fares_mix)
{
	fare_check(0.5, 0.3, 0.2);
}
END_TEST

/* The rider's marginal price, by hand: 165 yen a started 30 minutes. */
START_TEST(test_marginal_fare)
{
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir, homog(1, 0, 0), &err);
	struct bs_world *w;
	const struct bs_model *m;

	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	m = &w->model;
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_PAY, 0.5, 0, 0), 165.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_PAY, 30.0, 0, 0), 165.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_PAY, 31.0, 0, 0), 330.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_MONTHLY, 29.9, 0, 0), 0.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_MONTHLY, 30.0, 0, 0), 0.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_MONTHLY, 31.0, 0, 0), 165.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_MONTHLY, 61.0, 0, 0), 330.0);
	ck_assert_double_eq(bs__marginal_fare(m, BS_USER_DAY, 300.0, 0, 0), 0.0);
	ck_assert_double_eq(bs__fare(m, BS_USER_MONTHLY, 10.0, 0, 0), 165.0);
	ck_assert_double_eq(bs__fare(m, BS_USER_DAY, 10.0, 0, 0), 330.0);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

/* User types draw from their own stream: everything but money is the
 * same, replication by replication. */
START_TEST(test_users_keep_crn)
{
	struct tu_run a, b;
	size_t i, n = (size_t)REPS * (3) * BS_METRIC_N;

	tu_run_json(&a, dir, homog(1, 0, 0));
	tu_run_json(&b, dir, homog(0.5, 0.3, 0.2));
	ck_assert_uint_eq(a.sum->nwards, 2);
	for (i = 0; i < n; i++) {
		int mi = (int)(i % BS_METRIC_N);
		if (mi == BS_M_REVENUE_YEN || mi == BS_M_SETTLEMENT_NET_YEN ||
		    mi == BS_M_NET_YEN)
			continue;
		ck_assert_msg(a.sum->vals[i] == b.sum->vals[i] ||
				      (isnan(a.sum->vals[i]) && isnan(b.sum->vals[i])),
			      "metric %s differs", bs_metric_names[mi]);
	}
	tu_run_free(&a);
	tu_run_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("softcap");
	TCase *tc = tcase_create("analytic");

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mm1k_soft_port);
	tcase_add_test(tc, test_hard_limit_same_shares);
	tcase_add_test(tc, test_limits_rules);
	tcase_add_test(tc, test_fares_monthly);
	tcase_add_test(tc, test_fares_day_pass);
	tcase_add_test(tc, test_fares_mix);
	tcase_add_test(tc, test_marginal_fare);
	tcase_add_test(tc, test_users_keep_crn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
