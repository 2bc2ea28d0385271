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
 * 6. Demand response on the homogeneous network: every port alike, so the
 *    fixed point has one factor r, requests lambda r per port and hour,
 *    service u(r) = 1 - empty share of the mean field at load lambda r /
 *    mu, and r = min(cap, (u(r) / reference)^e), solved here by Brent's
 *    method; the simulated fixed point must match it within the run's
 *    99.9% interval plus the finite-N allowance (and, for requests, the
 *    tolerance the iteration stopped at).
 * 7. Calendar: a year's requests by month and day type are Poisson with
 *    mean N lambda 24 x (the sum of the factors of their days).
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
#include "exp/response.h"
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

/* The root of F in [lo, hi] by Brent's method (GSL), to eps. */
static double brent(gsl_function *F, double lo, double hi, double eps)
{
	gsl_root_fsolver *so = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	double r = 1.0;
	int it;

	gsl_root_fsolver_set(so, F, lo, hi);
	for (it = 0; it < 200; it++) {
		gsl_root_fsolver_iterate(so);
		r = gsl_root_fsolver_root(so);
		lo = gsl_root_fsolver_x_lower(so);
		hi = gsl_root_fsolver_x_upper(so);
		if (gsl_root_test_interval(lo, hi, 0.0, eps) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(so);
	return r;
}

/* rho of the mean-field fixed point. */
static double solve_rho(int K, double s, double load)
{
	struct mf m = {K, s, load};
	gsl_function F = {mf_f, &m};

	return brent(&F, 1e-9, 1e3, 1e-12);
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


/* The homogeneous network's scenario and world; dem: more members of
 * "demand" (e.g. its response), after a comma. */
static void build_homogeneous(struct tu_run *R, int N, int K, double s,
			      double lambda_h, double mean_min,
			      const char *dem, const char *extra)
{
	char json[2048];
	struct bs_error err;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 3, \"replications\": %d,"
		 " \"horizon\": {\"days\": 12, \"warmup_days\": 2},"
		 " \"network\": {\"synthetic\": {\"stations\": %d, \"capacity\": %d, \"wards\": 2}},"
		 " \"fleet\": {\"bikes\": %.0f},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": %g%s},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": %g}},"
		 " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}%s}",
		 REPS, N, K, s * N, lambda_h, dem, mean_min, extra);
	R->sc = tu_scenario(dir, json, &err);
	ck_assert_msg(R->sc != NULL, "%s", err.text);
	R->w = bs_world_build(R->sc, &err);
	ck_assert_msg(R->w != NULL, "%s", err.text);
}

static void run_homogeneous(struct tu_run *R, int N, int K, double s,
			    double lambda_h, double mean_min, const char *extra)
{
	struct bs_error err;
	struct bs_runner_opts o;
	uint32_t nd;

	build_homogeneous(R, N, K, s, lambda_h, mean_min, "", extra);
	memset(&o, 0, sizeof(o));
	o.nreps = REPS;
	o.jobs = 2;
	ck_assert_int_eq(bs_run_replications(&R->w->model, &o, R->reps, &nd, &err), 0);
	R->sum = bs_summary_new(R->w->net, R->reps, REPS);
	ck_assert_ptr_nonnull(R->sum);
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

/* extra: more top-level keys (", \"rng\": \"philox\"") or "" */
static void check_mean_field(int N, int K, double s, double lambda_h,
			     double mean_min, const char *extra)
{
	struct tu_run R;
	double rho = solve_rho(K, s, lambda_h / 60.0 * mean_min), e, f;
	double allow = 0.25 / N, tol;

	mf_shares(K, rho, &e, &f);
	run_homogeneous(&R, N, K, s, lambda_h, mean_min, extra);
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
	check_mean_field(200, 10, 6.0, 3.0, 20.0, "");
}
END_TEST

/* few bikes: rho < 1, ports often empty */
START_TEST(test_mean_field_short_of_bikes)
{
	check_mean_field(150, 8, 3.0, 2.0, 30.0, "");
}
END_TEST

/* many bikes: rho > 1, ports often full */
START_TEST(test_mean_field_crowded)
{
	check_mean_field(200, 15, 10.0, 4.0, 15.0, "");
}
END_TEST

/* The same three regimes with the counter-based streams (rng philox):
 * the mean field holds to the same tolerances, from the run's own
 * intervals, with other random numbers. */
#define PHILOX ", \"rng\": \"philox\""
START_TEST(test_mean_field_philox)
{
	check_mean_field(200, 10, 6.0, 3.0, 20.0, PHILOX);
	check_mean_field(150, 8, 3.0, 2.0, 30.0, PHILOX);
	check_mean_field(200, 15, 10.0, 4.0, 15.0, PHILOX);
}
END_TEST

/* Little's law replication by replication: the paired difference
 * L - lambda_eff W has mean zero within its own 99.9% interval plus the
 * edge effect of rides that straddle the window ends (a ride or two per
 * port, relative size mean ride / window). */
static void check_littles_law(const char *extra)
{
	struct tu_run R;
	double d[REPS], L = 0.0;
	struct bs_stat st;
	int r;
	size_t W;

	run_homogeneous(&R, 100, 12, 7.0, 3.0, 25.0, extra);
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

START_TEST(test_littles_law)
{
	check_littles_law("");
	check_littles_law(PHILOX);
}
END_TEST

/* Requests per day are Poisson(N lambda 24) a day; fares follow the
 * tariff exactly when no ride is diverted (docks to spare). */
static void check_demand_and_fares(const char *extra)
{
	struct tu_run R;
	double want = 60 * 2.0 * 24.0, price = 165.0, mean = 20.0;
	double per_ride[REPS];
	struct bs_stat st;
	size_t W;
	int r;

	run_homogeneous(&R, 60, 80, 8.0, 2.0, mean, extra);
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

START_TEST(test_demand_and_fares)
{
	check_demand_and_fares("");
	check_demand_and_fares(PHILOX);
}
END_TEST


/* ---- demand response ----------------------------------------------------- */

struct resp_cf {
	int K;
	double s, lambda_h, mean_min, e, ref, cap;
};

/* u(r): the mean-field service at requests lambda r. */
static double resp_service(const struct resp_cf *c, double r)
{
	double rho = solve_rho(c->K, c->s, c->lambda_h * r / 60.0 * c->mean_min);
	double e, f;

	mf_shares(c->K, rho, &e, &f);
	return 1.0 - e;
}

static double resp_g(double r, void *p)
{
	const struct resp_cf *c = p;
	double t = pow(resp_service(c, r) / c->ref, c->e);

	return r - (t < c->cap ? t : c->cap);
}

/* The fixed point r* in (0, cap] (Brent; g(0) < 0 < g(cap) since the
 * target lies in [0, cap]). */
static double resp_solve(const struct resp_cf *c)
{
	gsl_function F = {resp_g, (void *)c};

	return brent(&F, 1e-6, c->cap + 1e-9, 1e-10);
}

static void resp_run(struct tu_run *R, const char *dem, unsigned jobs,
		     struct bs_response_report *rr, int want_rc,
		     struct bs_error *err)
{
	struct bs_runner_opts o;
	uint32_t nd = 0;

	build_homogeneous(R, 100, 10, 5.0, 3.0, 20.0, dem, "");
	memset(&o, 0, sizeof(o));
	o.nreps = REPS;
	o.jobs = jobs;
	int rc = bs__response_solve(R->w, &R->sc->p, &o, R->reps, &nd, rr, err);

	ck_assert_msg(rc == want_rc, "rc %d: %s", rc, rc ? err->text : "");
	R->sum = want_rc ? NULL : bs_summary_new(R->w->net, R->reps, REPS);
	ck_assert(want_rc || R->sum);
}

#define RESP_KEYS(e, tol)                                                   \
	", \"response\": {\"enabled\": true, \"elasticity\": " #e            \
	", \"tolerance\": " #tol "}"

START_TEST(test_response_fixed_point)
{
	struct resp_cf c = {10, 5.0, 3.0, 20.0, 1.22, 1.0, 2.0};
	struct bs_response_report rr;
	struct bs_error err;
	struct tu_run R;
	double r = resp_solve(&c), u = resp_service(&c, r), want, tol;
	int N = 100;

	/* a real effect: the riders the empty ports turn away cost about
	 * a tenth of the requests (not a test of r = 1) */
	ck_assert_double_lt(r, 0.95);
	resp_run(&R, RESP_KEYS(1.22, 0.01), 2, &rr, 0, &err);
	ck_assert_uint_ge(rr.iterations, 2);
	ck_assert_double_le(rr.residual, 0.01);
	tol = half999(&R, BS_M_SERVICE_LEVEL) + 0.25 / N;
	ck_assert_msg(fabs(mean_of(&R, BS_M_SERVICE_LEVEL) - u) <= tol,
		      "service %.5f, closed form %.5f (r* %.5f), tolerance %.5f",
		      mean_of(&R, BS_M_SERVICE_LEVEL), u, r, tol);
	/* requests: the interval, the tolerance the iteration stopped at,
	 * and the finite-N allowance carried through the elasticity */
	want = N * 24.0 * c.lambda_h * r;
	tol = half999(&R, BS_M_TRIPS_REQUESTED) +
	      want * (0.01 + c.e * 0.25 / N / u);
	ck_assert_msg(fabs(mean_of(&R, BS_M_TRIPS_REQUESTED) - want) <= tol,
		      "requests %.1f a day, closed form %.1f (r* %.5f), tolerance %.1f",
		      mean_of(&R, BS_M_TRIPS_REQUESTED), want, r, tol);
	tu_run_free(&R);
}
END_TEST

/* The same fixed point, bit for bit, on one thread and on two (the
 * service counts are integer sums: their order does not matter). */
START_TEST(test_response_jobs)
{
	struct bs_response_report a, b;
	struct bs_error err;
	struct tu_run R1, R2;
	size_t k;

	resp_run(&R1, RESP_KEYS(0.305, 0.01), 1, &a, 0, &err);
	resp_run(&R2, RESP_KEYS(0.305, 0.01), 2, &b, 0, &err);
	ck_assert_uint_eq(a.iterations, b.iterations);
	ck_assert(memcmp(&a.residual, &b.residual, sizeof(double)) == 0);
	for (k = 0; k < REPS; k++) {
		size_t W = R1.reps[k]->nwards;
		ck_assert(memcmp(R1.reps[k]->raw, R2.reps[k]->raw,
				 (W + 1) * BS_RAW_N * sizeof(double)) == 0);
	}
	tu_run_free(&R1);
	tu_run_free(&R2);
}
END_TEST

/* Not within the iterations: BS_E_RUN (exit 1) saying the residual. */
START_TEST(test_response_no_convergence)
{
	struct bs_response_report rr;
	struct bs_error err;
	struct tu_run R;

	resp_run(&R, ", \"response\": {\"enabled\": true, \"elasticity\": 1.22,"
		     " \"tolerance\": 1e-6, \"max_iterations\": 2}",
		 2, &rr, BS_E_RUN, &err);
	ck_assert_uint_eq(rr.iterations, 2);
	ck_assert_double_gt(rr.residual, 1e-6);
	ck_assert_ptr_nonnull(strstr(err.text, "did not converge in 2 runs: residual"));
	ck_assert_str_eq(err.key, "demand.response.max_iterations");
	for (int k = 0; k < REPS; k++)
		ck_assert_ptr_null(R.reps[k]);
	tu_run_free(&R);
}
END_TEST

/* ---- calendar ------------------------------------------------------------- */

#define CAL_CELLS 36 /* 12 months x (weekday, Saturday, Sunday) */

static const double cal_month[12] = {0.6, 0.7, 0.9, 1.0, 1.1, 1.2,
				     1.25, 1.1, 1.0, 0.9, 0.8, 0.7};
static const double cal_type[3] = {1.0, 0.6, 0.3};

/* Day k of 2023 (day 0: Monday 2 January) -> its cell. */
static int cal_cell(long k)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long doy = k + 1; /* 2 January is day 1 of the year, from 0 */
	int m = 0, w = (int)(k % 7);

	while (doy >= md[m]) {
		doy -= md[m];
		m++;
	}
	return m * 3 + (w < 5 ? 0 : w == 5 ? 1 : 2);
}

static double cal_counts[REPS][CAL_CELLS];

static int cal_trip(void *ud, const struct bs_trip_record *tr)
{
	double *c = ud;

	c[cal_cell((long)(tr->req_t / 1440.0))] += 1.0;
	return 0;
}

static int cal_begin(void *ud, uint32_t rep, struct bs_run_hooks *h)
{
	(void)ud;
	h->on_trip = cal_trip;
	h->trip_ud = cal_counts[rep - 1];
	return 0;
}

START_TEST(test_calendar_year)
{
	const char *json =
		"{\"bssim\": 1, \"seed\": 11, \"replications\": 20,"
		" \"horizon\": {\"days\": 364, \"warmup_days\": 0, \"start_weekday\": \"mon\"},"
		" \"network\": {\"synthetic\": {\"stations\": 10, \"capacity\": 10, \"wards\": 2}},"
		" \"fleet\": {\"fill\": 0.5},"
		" \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0.5,"
		"  \"calendar\": {\"weekday\": 1, \"saturday\": 0.6, \"sunday\": 0.3,"
		"   \"start\": \"2023-01-02\","
		"   \"month\": [0.6, 0.7, 0.9, 1.0, 1.1, 1.2, 1.25, 1.1, 1.0, 0.9, 0.8, 0.7]}},"
		" \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 15}},"
		" \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"}}";
	double want[CAL_CELLS] = {0}, x[REPS];
	struct bs_runner_opts o;
	struct bs_error err;
	struct bs_stat st;
	struct tu_run R;
	uint32_t nd;
	long k;
	int c, r;
	/* 36 comparisons at 99.9% together (Bonferroni) */
	double q = gsl_cdf_tdist_Pinv(1.0 - 0.0005 / CAL_CELLS, REPS - 1);

	memset(&R, 0, sizeof(R));
	memset(cal_counts, 0, sizeof(cal_counts));
	R.sc = tu_scenario(dir, json, &err);
	ck_assert_msg(R.sc != NULL, "%s", err.text);
	R.w = bs_world_build(R.sc, &err);
	ck_assert_msg(R.w != NULL, "%s", err.text);
	for (k = 0; k < 364; k++) {
		c = cal_cell(k);
		want[c] += 10 * 24 * 0.5 * cal_type[c % 3] * cal_month[c / 3];
	}
	memset(&o, 0, sizeof(o));
	o.nreps = REPS;
	o.jobs = 2;
	o.rep_begin = cal_begin;
	ck_assert_int_eq(bs_run_replications(&R.w->model, &o, R.reps, &nd, &err), 0);
	for (c = 0; c < CAL_CELLS; c++) {
		for (r = 0; r < REPS; r++)
			x[r] = cal_counts[r][c];
		bs_stat_compute(x, REPS, 1, &st);
		ck_assert_msg(fabs(st.mean - want[c]) <= q * st.sd / sqrt(REPS),
			      "month %d day type %d: %.1f requests, factors give %.1f (half-width %.1f)",
			      c / 3 + 1, c % 3, st.mean, want[c],
			      q * st.sd / sqrt(REPS));
	}
	/* and the expected demand the world reports agrees exactly */
	{
		double e = 0.0;
		for (uint32_t s = 0; s < R.w->net->n; s++)
			e += bs_demand_expected(R.w->dem, s, 0.0, 364 * 1440.0);
		double tot = 0.0;
		for (c = 0; c < CAL_CELLS; c++)
			tot += want[c];
		ck_assert_double_eq_tol(e, tot, 1e-6 * tot);
	}
	R.sum = bs_summary_new(R.w->net, R.reps, REPS);
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
	tcase_add_test(tc, test_mean_field_philox);
	tcase_add_test(tc, test_littles_law);
	tcase_add_test(tc, test_demand_and_fares);
	tcase_add_test(tc, test_response_fixed_point);
	tcase_add_test(tc, test_response_jobs);
	tcase_add_test(tc, test_response_no_convergence);
	tcase_add_test(tc, test_calendar_year);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
