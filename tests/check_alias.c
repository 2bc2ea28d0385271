/*
 * check_alias.c - the alias tables: the same tables and the same draws as
 * GSL's gsl_ran_discrete (which they replace, so results must not move),
 * the exact distribution read back from the tables, a chi-square test of
 * the draws, and refusal of weights with nothing to draw from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "model/alias.h"
#include "engine/rng.h"
#include "testutil.h"

struct tab {
	double *F;
	uint32_t *A;
	void *work;
};

static void tab_alloc(struct tab *t, size_t K)
{
	t->F = malloc(K * sizeof(double));
	t->A = malloc(K * sizeof(uint32_t));
	t->work = malloc(bs_alias_work_size(K));
	ck_assert(t->F && t->A && t->work);
}

static void tab_free(struct tab *t)
{
	free(t->F);
	free(t->A);
	free(t->work);
}

/* Weights of many shapes: flat, uniform, heavy-tailed, with zeros, with
 * exact ties at the mean, and spanning 600 orders of magnitude. */
static void weights(gsl_rng *r, int shape, size_t K, double *w)
{
	size_t k;

	for (k = 0; k < K; k++) {
		double u = gsl_rng_uniform_pos(r);
		switch (shape % 6) {
		case 0: w[k] = 1.0; break;
		case 1: w[k] = u; break;
		case 2: w[k] = pow(u, -3.0); break;
		case 3: w[k] = u < 0.3 ? 0.0 : u; break;
		case 4: w[k] = (double)(k % 4); break; /* ties, exact means */
		default: w[k] = pow(10.0, 600.0 * u - 300.0); break;
		}
	}
	if (shape % 6 == 3 || shape % 6 == 4)
		w[K - 1] = 1.0; /* a positive sum */
}

static void same_as_gsl(gsl_rng *wr, int shape, size_t K, size_t draws)
{
	double *w = malloc(K * sizeof(double));
	gsl_rng *r1 = bs_rng_alloc(), *r2 = bs_rng_alloc();
	gsl_ran_discrete_t *g;
	struct tab t;
	size_t k, i;

	ck_assert(w && r1 && r2);
	weights(wr, shape, K, w);
	tab_alloc(&t, K);
	ck_assert_int_eq(bs_alias_build(K, w, t.F, t.A, t.work), 0);
	g = gsl_ran_discrete_preproc(K, w);
	ck_assert_ptr_nonnull(g);
	for (k = 0; k < K; k++) {
		/* bit for bit: the same arithmetic in the same order */
		ck_assert_msg(memcmp(&t.F[k], &g->F[k], sizeof(double)) == 0,
			      "K %zu shape %d: F[%zu] %.17g, GSL %.17g", K,
			      shape, k, t.F[k], g->F[k]);
		ck_assert_msg((size_t)t.A[k] == g->A[k],
			      "K %zu shape %d: A[%zu] %u, GSL %zu", K, shape,
			      k, t.A[k], g->A[k]);
	}
	bs_rng_seed(r1, 7, (uint64_t)K, 3, (uint64_t)shape);
	bs_rng_seed(r2, 7, (uint64_t)K, 3, (uint64_t)shape);
	for (i = 0; i < draws; i++)
		ck_assert_uint_eq(bs_alias_draw(K, t.F, t.A, r1),
				  gsl_ran_discrete(r2, g));
	gsl_ran_discrete_free(g);
	tab_free(&t);
	gsl_rng_free(r1);
	gsl_rng_free(r2);
	free(w);
}

START_TEST(test_same_tables_and_draws_as_gsl)
{
	gsl_rng *wr = bs_rng_alloc();
	int trial;

	bs_rng_seed(wr, 1, 2, 3, 4);
	for (trial = 0; trial < 3000; trial++) {
		size_t K = 1 + gsl_rng_uniform_int(wr, trial < 1500 ? 8 : 400);
		same_as_gsl(wr, trial, K, 200);
	}
	/* one long table, as for an origin of a large network */
	same_as_gsl(wr, 1, 200000, 100000);
	same_as_gsl(wr, 2, 200000, 100000);
	gsl_rng_free(wr);
}
END_TEST

/* The tables encode the distribution exactly (up to rounding). */
START_TEST(test_tables_hold_the_exact_distribution)
{
	gsl_rng *wr = bs_rng_alloc();
	int trial;

	bs_rng_seed(wr, 9, 9, 9, 9);
	for (trial = 0; trial < 600; trial++) {
		size_t K = 1 + gsl_rng_uniform_int(wr, 300), k;
		double *w = malloc(K * sizeof(double)), sum = 0.0;
		struct tab t;
		ck_assert_ptr_nonnull(w);
		weights(wr, trial % 5, K, w); /* not the 600-decade shape */
		for (k = 0; k < K; k++)
			sum += w[k];
		tab_alloc(&t, K);
		ck_assert_int_eq(bs_alias_build(K, w, t.F, t.A, t.work), 0);
		for (k = 0; k < K; k++) {
			double p = bs_alias_pdf(K, t.F, t.A, k);
			/* each F carries one rounding of order K ulp(1) */
			ck_assert_double_le(fabs(p - w[k] / sum),
					    1e-12 * (w[k] / sum) + 1e-13);
		}
		tab_free(&t);
		free(w);
	}
	gsl_rng_free(wr);
}
END_TEST

/*
 * Chi-square of 10^6 draws against the exact probabilities of 20 unequal
 * weights (1..20: expected counts 4,762 to 95,238, far above the 5 the
 * approximation needs). Tolerance: the chi-square quantile with 19 degrees
 * of freedom at 1 - 10^-6, so a correct sampler fails with probability
 * 10^-6; the seed is fixed, so the outcome is reproducible.
 */
START_TEST(test_chi_square)
{
	enum { K = 20 };
	const size_t N = 1000000;
	double w[K], sum = 0.0, chi2 = 0.0, q;
	size_t count[K] = {0}, i, k;
	gsl_rng *r = bs_rng_alloc();
	struct tab t;

	for (k = 0; k < K; k++) {
		w[k] = (double)(k + 1);
		sum += w[k];
	}
	tab_alloc(&t, K);
	ck_assert_int_eq(bs_alias_build(K, w, t.F, t.A, t.work), 0);
	bs_rng_seed(r, 11, 0, 0, 0);
	for (i = 0; i < N; i++)
		count[bs_alias_draw(K, t.F, t.A, r)]++;
	for (k = 0; k < K; k++) {
		double e = (double)N * w[k] / sum;
		chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
	}
	q = gsl_cdf_chisq_Qinv(1e-6, K - 1);
	ck_assert_msg(chi2 < q, "chi-square %.2f, limit %.2f", chi2, q);
	tab_free(&t);
	gsl_rng_free(r);
}
END_TEST

/* A weight of zero is never drawn. */
START_TEST(test_zero_weight_never_drawn)
{
	double w[5] = {0.0, 3.0, 0.0, 1.0, 0.0};
	gsl_rng *r = bs_rng_alloc();
	struct tab t;
	int i;

	tab_alloc(&t, 5);
	ck_assert_int_eq(bs_alias_build(5, w, t.F, t.A, t.work), 0);
	bs_rng_seed(r, 5, 5, 5, 5);
	for (i = 0; i < 100000; i++) {
		size_t k = bs_alias_draw(5, t.F, t.A, r);
		ck_assert(k == 1 || k == 3);
	}
	tab_free(&t);
	gsl_rng_free(r);
}
END_TEST

/* Nothing to draw from: refused, not drawn from (GSL would build a table
 * of NaN from a zero sum, or of zeros from an infinite one). */
START_TEST(test_bad_weights_refused)
{
	double F[2], work[4];
	uint32_t A[2];
	double neg[2] = {-1.0, 2.0}, zero[2] = {0.0, 0.0},
	       nan2[2] = {NAN, 1.0}, inf2[2] = {INFINITY, 1.0},
	       over[2] = {1e308, 1e308}, ok[2] = {1.0, 1.0};

	ck_assert_int_eq(bs_alias_build(0, ok, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, neg, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, zero, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, nan2, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, inf2, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, over, F, A, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build(2, ok, F, A, work), 0);
	ck_assert_uint_eq(bs_alias_work_size(0), 0);
	ck_assert_uint_eq(bs_alias_work_size(3), 3 * (sizeof(double) + sizeof(uint32_t)));
}
END_TEST

/*
 * Compact tables (the balanced model's hourly destinations): every
 * outcome's probability read back from the tables is its weight's share
 * within the stated bound, 2^-33 (plus the rounding of the shares, 1e-15
 * here), for weights of every shape and for both index widths; zero
 * weights are never an outcome; and 10^6 draws pass a chi-square test.
 */
START_TEST(test_compact_exact)
{
	enum { KM = 300 };
	double w[KM], work[KM * 2];
	uint32_t F[KM], A32[KM];
	uint16_t A16[KM];
	gsl_rng *wr = bs_rng_alloc(), *r = bs_rng_alloc();
	int shape, wide;
	size_t K, k, i;

	bs_rng_seed(wr, 21, 0, 0, 0);
	for (shape = 0; shape < 60; shape++)
		for (wide = 0; wide < 2; wide++) {
			double sum = 0.0;
			K = 1 + (size_t)(shape * 37) % KM;
			weights(wr, shape, K, w);
			for (k = 0; k < K; k++)
				sum += w[k];
			ck_assert_int_eq(bs_alias_build_compact(K, w, F, wide ? NULL : A16,
								wide ? A32 : NULL, work), 0);
			for (k = 0; k < K; k++) {
				double p = bs_alias_compact_pdf(K, F, wide ? NULL : A16,
								wide ? A32 : NULL, k);
				ck_assert_msg(fabs(p - w[k] / sum) <= ldexp(1.0, -33) + 1e-15,
					      "shape %d, K %zu, outcome %zu: %.17g against %.17g",
					      shape, K, k, p, w[k] / sum);
				if (w[k] == 0.0)
					ck_assert_double_eq(p, 0.0);
			}
		}
	/* draws: one chi-square over 20 outcomes of weights 1..20 */
	{
		double chi2 = 0.0, sum = 210.0;
		size_t count[20] = {0}, N = 1000000;
		for (k = 0; k < 20; k++)
			w[k] = (double)(k + 1);
		ck_assert_int_eq(bs_alias_build_compact(20, w, F, A16, NULL, work), 0);
		bs_rng_seed(r, 12, 0, 0, 0);
		for (i = 0; i < N; i++)
			count[bs_alias_draw_compact(20, F, A16, NULL, r)]++;
		for (k = 0; k < 20; k++) {
			double e = (double)N * w[k] / sum;
			chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
		}
		ck_assert_msg(gsl_cdf_chisq_Q(chi2, 19) > 1e-6, "chi-square %.2f", chi2);
	}
	/* nothing to draw from, or too many outcomes for 16-bit indices */
	w[0] = 0.0;
	ck_assert_int_eq(bs_alias_build_compact(1, w, F, A16, NULL, work), BS_E_INPUT);
	ck_assert_int_eq(bs_alias_build_compact(BS_ALIAS16_MAX_K + 1, w, F, A16, NULL, work),
			 BS_E_INPUT);
	gsl_rng_free(wr);
	gsl_rng_free(r);
}
END_TEST

/* The _u draws (rng philox hands in its own uniform) are the gsl_rng
 * draws of the same uniform, down to u next to 1 (the clamp). */
START_TEST(test_draw_from_a_given_uniform)
{
	double w[7] = {1, 0, 3, 2.5, 0.1, 9, 4}, F[7], work[32], u;
	uint32_t A[7], F32[7], A32[7];
	uint16_t A16[7];
	gsl_rng *r = bs_rng_alloc(), *r2 = bs_rng_alloc();
	size_t i, bad = 0;

	ck_assert_int_eq(bs_alias_build(7, w, F, A, work), 0);
	ck_assert_int_eq(bs_alias_build_compact(7, w, F32, A16, NULL, work), 0);
	ck_assert_int_eq(bs_alias_build_compact(7, w, F32, NULL, A32, work), 0);
	bs_rng_seed(r, 5, 1, 2, 3);
	bs_rng_seed(r2, 5, 1, 2, 3);
	for (i = 0; i < 20000; i++) {
		u = gsl_rng_uniform(r2);
		bad += bs_alias_draw(7, F, A, r) != bs_alias_draw_u(7, F, A, u);
	}
	for (i = 0; i < 20000; i++) {
		u = gsl_rng_uniform(r2);
		bad += bs_alias_draw_compact(7, F32, NULL, A32, r) !=
		       bs_alias_draw_compact_u(7, F32, NULL, A32, u);
	}
	ck_assert_uint_eq(bad, 0);
	u = 1.0 - 1.0 / 9007199254740992.0;
	ck_assert_uint_lt(bs_alias_draw_u(7, F, A, u), 7);
	ck_assert_uint_lt(bs_alias_draw_compact_u(7, F32, NULL, A32, u), 7);
	ck_assert_uint_ne(bs_alias_draw_u(7, F, A, 0.2), 1); /* weight 0 */
	gsl_rng_free(r);
	gsl_rng_free(r2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("alias");
	TCase *tc = tcase_create("alias");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_tables_and_draws_as_gsl);
	tcase_add_test(tc, test_tables_hold_the_exact_distribution);
	tcase_add_test(tc, test_chi_square);
	tcase_add_test(tc, test_zero_weight_never_drawn);
	tcase_add_test(tc, test_bad_weights_refused);
	tcase_add_test(tc, test_compact_exact);
	tcase_add_test(tc, test_draw_from_a_given_uniform);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bs_rng_setup();
	return tu_main(suite());
}
