/*
 * check_sens.c - designs and sensitivity estimators (stats/sens.h)
 * against functions whose indices are known exactly: the Ishigami
 * function (Ishigami and Homma 1990; indices in Saltelli et al., Global
 * Sensitivity Analysis: The Primer, 2008) and linear models.
 *
 * Tolerances come from the estimators' own bootstrap intervals: an exact
 * value must lie within the 95% percentile interval widened to 99.9%
 * (half-width x 3.29 / 1.96, as for a normal estimate), and the interval
 * must be narrow enough for that to mean something.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats/sens.h"
#include "testutil.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define ISH_A 7.0
#define ISH_B 0.1

/* x in [-pi, pi]^3 from u in [0, 1)^3 */
static double ishigami(const double *u, size_t k, void *ud)
{
	double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1];
	double x3 = -M_PI + 2 * M_PI * u[2];

	(void)k;
	(void)ud;
	return sin(x1) + ISH_A * sin(x2) * sin(x2) +
	       ISH_B * pow(x3, 4) * sin(x1);
}

/* The exact variances: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8,
 * V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225, V3 = 0, and V their sum
 * (Saltelli et al. 2008, 4.3). */
static void ishigami_exact(double *S, double *T)
{
	double p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
	double V1 = 0.5 * pow(1 + ISH_B * p4 / 5, 2), V2 = ISH_A * ISH_A / 8;
	double V13 = ISH_B * ISH_B * p8 * (1.0 / 18 - 1.0 / 50);
	double V = V1 + V2 + V13;

	S[0] = V1 / V;
	S[1] = V2 / V;
	S[2] = 0;
	T[0] = (V1 + V13) / V;
	T[1] = V2 / V;
	T[2] = V13 / V;
}

/* exact within the interval widened to 99.9%, which is at most `width` */
static void within(const struct bs_sens_est *e, double exact, double width,
		   const char *what)
{
	double half = 0.5 * (e->hi - e->lo) * 3.29 / 1.96;

	ck_assert_msg(isfinite(e->est) && isfinite(e->lo) && isfinite(e->hi),
		      "%s: undefined", what);
	ck_assert_msg(e->lo <= e->est + 1e-12 && e->est <= e->hi + 1e-12,
		      "%s: estimate %g outside its interval [%g, %g]", what,
		      e->est, e->lo, e->hi);
	ck_assert_msg(e->hi - e->lo < width,
		      "%s: interval [%g, %g] wider than %g", what, e->lo, e->hi,
		      width);
	ck_assert_msg(fabs(e->est - exact) <= half,
		      "%s: estimate %g, exact %g, tolerance %g", what, e->est,
		      exact, half);
}

static void check_ishigami(enum bs_design_type t, size_t n, double width)
{
	struct bs_sens_est S[3], T[3];
	double eS[3], eT[3];
	char what[64];
	size_t i;

	ishigami_exact(eS, eT);
	/* the textbook values, to 4 digits: the formulas above are right */
	ck_assert_double_eq_tol(eS[0], 0.3139, 1e-4);
	ck_assert_double_eq_tol(eS[1], 0.4424, 1e-4);
	ck_assert_double_eq_tol(eT[2], 0.2437, 1e-4);
	ck_assert_int_eq(bs__sens_check(ishigami, NULL, t, n, 3, 7, 500, S, T), 0);
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "%s S%zu", bs_design_name(t), i + 1);
		within(&S[i], eS[i], width, what);
		snprintf(what, sizeof(what), "%s ST%zu", bs_design_name(t), i + 1);
		within(&T[i], eT[i], width, what);
	}
}

START_TEST(test_ishigami_sobol)
{
	check_ishigami(BS_DESIGN_SOBOL, 4096, 0.12);
}
END_TEST

START_TEST(test_ishigami_saltelli)
{
	check_ishigami(BS_DESIGN_SALTELLI, 8192, 0.12);
}
END_TEST

/* y = sum c_i x_i, x_i uniform: S_i = ST_i = c_i^2 / sum c^2 */
static const double LIN_C[4] = {1, 2, 0, 4};

static double linear(const double *u, size_t k, void *ud)
{
	double y = 0;
	size_t i;

	(void)ud;
	for (i = 0; i < k; i++)
		y += LIN_C[i] * u[i];
	return y;
}

START_TEST(test_linear_sobol)
{
	struct bs_sens_est S[4], T[4];
	char what[64];
	size_t i;

	ck_assert_int_eq(bs__sens_check(linear, NULL, BS_DESIGN_SOBOL, 4096, 4,
					1, 500, S, T), 0);
	for (i = 0; i < 4; i++) {
		double e = LIN_C[i] * LIN_C[i] / 21.0;
		snprintf(what, sizeof(what), "linear S%zu", i + 1);
		within(&S[i], e, 0.1, what);
		snprintf(what, sizeof(what), "linear ST%zu", i + 1);
		within(&T[i], e, 0.1, what);
	}
	/* an input with no effect: the Jansen estimator is exactly 0 */
	ck_assert_double_eq(T[2].est, 0.0);
}
END_TEST

/* y = sum c_i x_i + e with e ~ N(0, sd_e) from a fixed stream: on the
 * uniform inputs (var 1/12) SRC_i = c_i sqrt(1/12) / sd(y), r2 = the
 * explained share. The noise comes through ud (a seeded generator). */
#define LIN_SDE 0.5
static double linear_noisy(const double *u, size_t k, void *ud)
{
	return linear(u, k, NULL) + gsl_ran_gaussian((gsl_rng *)ud, LIN_SDE);
}

START_TEST(test_linear_src_lhs)
{
	struct bs_sens_est src[4], r2;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	double vx = 21.0 / 12, sdy = sqrt(vx + LIN_SDE * LIN_SDE);
	char what[64];
	size_t i;

	gsl_rng_set(r, 12345);
	ck_assert_int_eq(bs__sens_check(linear_noisy, r, BS_DESIGN_LHS, 2000, 4,
					3, 500, src, &r2), 0);
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "SRC%zu", i + 1);
		within(&src[i], LIN_C[i] * sqrt(1.0 / 12) / sdy, 0.1, what);
	}
	within(&r2, vx / (sdy * sdy), 0.1, "r2");
	gsl_rng_free(r);
}
END_TEST

/* Each column of a Latin hypercube has exactly one point per stratum;
 * and the same seed gives the same design, another seed another. */
START_TEST(test_lhs_strata)
{
	enum { N = 50, K = 3 };
	double u[N * K], v[N * K];
	int seen[N];
	size_t i, j;

	ck_assert_int_eq(bs_design_unit(BS_DESIGN_LHS, N, K, 9, u), 0);
	for (i = 0; i < K; i++) {
		memset(seen, 0, sizeof(seen));
		for (j = 0; j < N; j++) {
			double x = u[j * K + i];
			ck_assert(x >= 0 && x < 1);
			seen[(int)(x * N)]++;
		}
		for (j = 0; j < N; j++)
			ck_assert_int_eq(seen[j], 1);
	}
	ck_assert_int_eq(bs_design_unit(BS_DESIGN_LHS, N, K, 9, v), 0);
	ck_assert(memcmp(u, v, sizeof(u)) == 0);
	ck_assert_int_eq(bs_design_unit(BS_DESIGN_LHS, N, K, 10, v), 0);
	ck_assert(memcmp(u, v, sizeof(u)) != 0);
}
END_TEST

/* Block A_B^i is A with column i from B; Sobol' starts at the centre. */
START_TEST(test_saltelli_layout)
{
	enum { N = 8, K = 3 };
	double u[N * (K + 2) * K];
	size_t i, j, c;

	ck_assert_uint_eq(bs_design_rows(BS_DESIGN_SOBOL, N, K), N * (K + 2));
	ck_assert_int_eq(bs_design_unit(BS_DESIGN_SOBOL, N, K, 0, u), 0);
	for (c = 0; c < 2 * K; c++)
		ck_assert_double_eq(u[c < K ? c : N * K + c - K], 0.5);
	for (i = 0; i < K; i++)
		for (j = 0; j < N; j++)
			for (c = 0; c < K; c++)
				ck_assert_double_eq(u[((2 + i) * N + j) * K + c],
						    c == i ? u[(N + j) * K + c]
							   : u[j * K + c]);
	{
		double big[4 * 23];
		ck_assert_int_eq(bs_design_unit(BS_DESIGN_SOBOL, 1, 21, 0, big),
				 BS_E_INPUT);
	}
}
END_TEST

static double constant(const double *u, size_t k, void *ud)
{
	(void)u;
	(void)k;
	(void)ud;
	return 3.0;
}

/* A metric that does not move has no indices: NaN, not 0 or 1. */
START_TEST(test_constant_undefined)
{
	struct bs_sens_est S[2], T[2];

	ck_assert_int_eq(bs__sens_check(constant, NULL, BS_DESIGN_SOBOL, 64, 2,
					1, 100, S, T), 0);
	ck_assert(isnan(S[0].est) && isnan(T[1].est) && isnan(T[1].lo));
	ck_assert_int_eq(bs__sens_check(constant, NULL, BS_DESIGN_LHS, 64, 2, 1,
					100, S, T), 0);
	ck_assert(isnan(S[0].est) && isnan(S[1].hi) && isnan(T[0].est));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sens");
	TCase *tc = tcase_create("sens");

	tcase_add_test(tc, test_ishigami_sobol);
	tcase_add_test(tc, test_ishigami_saltelli);
	tcase_add_test(tc, test_linear_sobol);
	tcase_add_test(tc, test_linear_src_lhs);
	tcase_add_test(tc, test_lhs_strata);
	tcase_add_test(tc, test_saltelli_layout);
	tcase_add_test(tc, test_constant_undefined);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
