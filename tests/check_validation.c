/*
 * check_validation.c - analytic validation of the model.
 *
 * 1. Homogeneous closed network (N ports of K docks, uniform demand lambda
 *    per port, exponential rides of mean 1/mu, no walking, random port when
 *    full). The mean-field limit (Fricker & Gast 2016, "Incentives and
 *    redistribution in homogeneous bike-sharing systems with stations of
 *    finite capacity") says a port's stock is truncated geometric,
 *    P(k) ~ rho^k on 0..K, with rho solving
 *        s = E_rho[k] + rho * lambda / mu      (s: bikes per port),
 *    so the empty share is 1/sum rho^k and the full share rho^K/sum rho^k;
 *    at s = K/2 + lambda/mu, rho = 1 and both are 1/(K+1).
 *    Tolerance: the half-width of the run's own 99.9% Student-t interval
 *    (so a correct model fails 1 time in 1,000 per comparison, and the fixed
 *    seeds make the outcome repeatable) plus a finite-N allowance of
 *    0.25/N for the O(1/N) gap between N ports and the limit. Runs of 20
 *    replications with N = 50..400 showed gaps of 0.05/N to 0.15/N.
 * 2. PASTA: with no walking, a request is lost exactly when its port is
 *    empty, so service_level = 1 - empty share.
 * 3. Little's law: bikes in use = completed rentals per minute x mean ride.
 * 4. Poisson demand: requests per day = N lambda 24.
 * 5. Fares: 165 yen per started 30 minutes on exponential rides of mean m
 *    cost 165 / (1 - exp(-30/m)) per ride on average.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "stats/metrics.h"
#include "exp/runner.h"
#include "calib/world.h"
#include "testutil.h"

#define REPS TU_RUN_REPS

struct mf {
	int K;
	double s, load; /* load = lambda / mu */
};

static double mf_f(double rho, void *p)
{
	const struct mf *m = p;
	double z = 0.0, e = 0.0, w = 1.0;
	int k;

	for (k = 0; k <= m->K; k++) {
		z += w;
		e += k * w;
		w *= rho;
	}
	return e / z + rho * m->load - m->s;
}

/* rho of the mean-field fixed point, by Brent's method (GSL). */
static double solve_rho(int K, double s, double load)
{
	struct mf m = {K, s, load};
	gsl_function F = {mf_f, &m};
	gsl_root_fsolver *so = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	double lo = 1e-9, hi = 1e3, r = 1.0;
	int it;

	gsl_root_fsolver_set(so, &F, lo, hi);
	for (it = 0; it < 200; it++) {
		gsl_root_fsolver_iterate(so);
		r = gsl_root_fsolver_root(so);
		lo = gsl_root_fsolver_x_lower(so);
		hi = gsl_root_fsolver_x_upper(so);
		if (gsl_root_test_interval(lo, hi, 0.0, 1e-12) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(so);
	return r;
}

static void mf_shares(int K, double rho, double *empty, double *full)
{
	double z = 0.0, w = 1.0;
	int k;

	for (k = 0; k <= K; k++) {
		z += w;
		if (k < K)
			w *= rho;
	}
	*empty = 1.0 / z;
	*full = w / z;
}

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


static void run_homogeneous(struct tu_run *R, int N, int K, double s,
			    double lambda_h, double mean_min, const char *extra)
{
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 3, \"replications\": %d,"
		 " \"horizon\": {\"days\": 12, \"warmup_days\": 2},"
		 " \"network\": {\"synthetic\": {\"stations\": %d, \"capacity\": %d, \"wards\": 2}},"
		 " \"fleet\": {\"bikes\": %.0f},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": %g},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": %g}},"
		 " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}%s}",
		 REPS, N, K, s * N, lambda_h, mean_min, extra);
	tu_run_json(R, dir, json);
}


/* Half-width of the 99.9% interval of metric m (whole network). */
static double half999(const struct tu_run *R, int m)
{
	const struct bs_stat *st = bs_summary_stat(R->sum, R->sum->nwards, m);

	return gsl_cdf_tdist_Pinv(0.9995, (double)(st->n - 1)) * st->sd /
	       sqrt((double)st->n);
}

static double mean_of(const struct tu_run *R, int m)
{
	return bs_summary_stat(R->sum, R->sum->nwards, m)->mean;
}

static void check_mean_field(int N, int K, double s, double lambda_h,
			     double mean_min)
{
	struct tu_run R;
	double rho = solve_rho(K, s, lambda_h / 60.0 * mean_min), e, f;
	double allow = 0.25 / N, tol;

	mf_shares(K, rho, &e, &f);
	run_homogeneous(&R, N, K, s, lambda_h, mean_min, "");
	tol = half999(&R, BS_M_EMPTY_STATION_FRAC) + allow;
	ck_assert_msg(fabs(mean_of(&R, BS_M_EMPTY_STATION_FRAC) - e) <= tol,
		      "N=%d K=%d s=%g: empty share %.5f, mean field %.5f, tolerance %.5f",
		      N, K, s, mean_of(&R, BS_M_EMPTY_STATION_FRAC), e, tol);
	tol = half999(&R, BS_M_FULL_STATION_FRAC) + allow;
	ck_assert_msg(fabs(mean_of(&R, BS_M_FULL_STATION_FRAC) - f) <= tol,
		      "N=%d K=%d s=%g: full share %.5f, mean field %.5f, tolerance %.5f",
		      N, K, s, mean_of(&R, BS_M_FULL_STATION_FRAC), f, tol);
	/* PASTA: lost at an empty port <=> the port is empty */
	tol = half999(&R, BS_M_SERVICE_LEVEL) + allow;
	ck_assert_msg(fabs(mean_of(&R, BS_M_SERVICE_LEVEL) - (1.0 - e)) <= tol,
		      "service level %.5f, 1 - mean-field empty %.5f",
		      mean_of(&R, BS_M_SERVICE_LEVEL), 1.0 - e);
	/* bikes in use per port in the mean field: rho lambda / mu */
	tol = half999(&R, BS_M_BIKES_IN_USE_MEAN) + allow * N * s;
	ck_assert_msg(fabs(mean_of(&R, BS_M_BIKES_IN_USE_MEAN) -
			   N * rho * lambda_h / 60.0 * mean_min) <= tol,
		      "bikes in use %.3f, mean field %.3f",
		      mean_of(&R, BS_M_BIKES_IN_USE_MEAN),
		      N * rho * lambda_h / 60.0 * mean_min);
	tu_run_free(&R);
}

/* rho = 1: both shares 1/(K+1) */
START_TEST(test_mean_field_balanced)
{
	ck_assert_double_eq_tol(solve_rho(10, 6.0, 1.0), 1.0, 1e-9);
	check_mean_field(200, 10, 6.0, 3.0, 20.0);
}
END_TEST

/* few bikes: rho < 1, ports often empty */
START_TEST(test_mean_field_short_of_bikes)
{
	check_mean_field(150, 8, 3.0, 2.0, 30.0);
}
END_TEST

/* many bikes: rho > 1, ports often full */
START_TEST(test_mean_field_crowded)
{
	check_mean_field(200, 15, 10.0, 4.0, 15.0);
}
END_TEST

/* Little's law replication by replication: the paired difference
 * L - lambda_eff W has mean zero within its own 99.9% interval plus the
 * edge effect of rides that straddle the window ends (a ride or two per
 * port, relative size mean ride / window). */
START_TEST(test_littles_law)
{
	struct tu_run R;
	double d[REPS], L = 0.0;
	struct bs_stat st;
	int r;
	size_t W;

	run_homogeneous(&R, 100, 12, 7.0, 3.0, 25.0, "");
	W = R.sum->nwards;
	for (r = 0; r < REPS; r++) {
		const double *v = R.sum->vals + ((size_t)r * (W + 1) + W) * BS_METRIC_N;
		double lam = v[BS_M_TRIPS_COMPLETED] / 1440.0;
		d[r] = v[BS_M_BIKES_IN_USE_MEAN] - lam * v[BS_M_MEAN_TRIP_MIN];
		L += v[BS_M_BIKES_IN_USE_MEAN] / REPS;
	}
	bs_stat_compute(d, REPS, 1, &st);
	ck_assert_msg(fabs(st.mean) <= gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * st.sd /
						 sqrt(REPS) + L * 25.0 / (10.0 * 1440.0),
		      "L - lambda W = %.4f (sd %.4f), L = %.2f", st.mean, st.sd, L);
	tu_run_free(&R);
}
END_TEST

/* Requests per day are Poisson(N lambda 24) a day; fares follow the
 * tariff exactly when no ride is diverted (docks to spare). */
START_TEST(test_demand_and_fares)
{
	struct tu_run R;
	double want = 60 * 2.0 * 24.0, price = 165.0, mean = 20.0;
	double per_ride[REPS];
	struct bs_stat st;
	size_t W;
	int r;

	run_homogeneous(&R, 60, 80, 8.0, 2.0, mean, "");
	ck_assert_double_eq(mean_of(&R, BS_M_FULL_DIVERSIONS), 0.0);
	/* the mean of 20 replications of 10 days: sd sqrt(want / 10 / 20) */
	ck_assert_double_le(fabs(mean_of(&R, BS_M_TRIPS_REQUESTED) - want),
			    3.3 * sqrt(want / (10.0 * REPS)));
	W = R.sum->nwards;
	for (r = 0; r < REPS; r++) {
		const double *v = R.sum->vals + ((size_t)r * (W + 1) + W) * BS_METRIC_N;
		per_ride[r] = v[BS_M_REVENUE_YEN] / v[BS_M_TRIPS_COMPLETED];
	}
	bs_stat_compute(per_ride, REPS, 1, &st);
	ck_assert_msg(fabs(st.mean - price / (1.0 - exp(-30.0 / mean))) <=
			      gsl_cdf_tdist_Pinv(0.9995, REPS - 1) * st.sd / sqrt(REPS),
		      "fare per ride %.3f, expected %.3f", st.mean,
		      price / (1.0 - exp(-30.0 / mean)));
	tu_run_free(&R);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("validation");
	TCase *tc = tcase_create("analytic");

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mean_field_balanced);
	tcase_add_test(tc, test_mean_field_short_of_bikes);
	tcase_add_test(tc, test_mean_field_crowded);
	tcase_add_test(tc, test_littles_law);
	tcase_add_test(tc, test_demand_and_fares);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
