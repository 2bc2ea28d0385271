/*
 * check_rng.c - stream derivation: deterministic, distinct per coordinate,
 * reproducible, GSL errors returned instead of aborting.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "testutil.h"

START_TEST(test_mix_deterministic_and_distinct)
{
	uint64_t a = bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 5);

	ck_assert(a == bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(2, 1, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(1, 2, BS_RNG_ARRIVAL, 5));
	ck_assert(a != bs_rng_mix(1, 1, BS_RNG_DESTINATION, 5));
	ck_assert(a != bs_rng_mix(1, 1, BS_RNG_ARRIVAL, 6));
	/* swapped coordinates do not collide */
	ck_assert(bs_rng_mix(1, 2, 3, 4) != bs_rng_mix(2, 1, 3, 4));
	ck_assert(bs_rng_mix(0, 0, 0, 1) != bs_rng_mix(0, 0, 1, 0));
}
END_TEST

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

/* No two of the 3 x 5,000 station streams of 4 replications share a seed
 * (the birthday bound says ~0.8% chance for 60,000 32-bit seeds; this
 * pins the actual seeds used by these coordinates). */
START_TEST(test_no_seed_collisions_in_a_run)
{
	enum { N = 60000 };
	unsigned long *s = malloc(N * sizeof(unsigned long));
	size_t k = 0, i;
	uint32_t rep, purpose, st;

	for (rep = 1; rep <= 4; rep++)
		for (purpose = BS_RNG_ARRIVAL; purpose <= BS_RNG_DURATION; purpose++)
			for (st = 0; st < 5000; st++)
				s[k++] = bs_rng_seed_of(20160201, rep, purpose, st);
	for (i = 0; i < k; i++)
		ck_assert_uint_ne(s[i], 0);
	/* sort and look for neighbours */
	qsort(s, k, sizeof(unsigned long), cmp_ul);
	for (i = 1; i < k; i++)
		ck_assert_msg(s[i] != s[i - 1], "seed collision %lu", s[i]);
	free(s);
}
END_TEST

START_TEST(test_streams_reproduce)
{
	gsl_rng *a = bs_rng_alloc(), *b = bs_rng_alloc();
	int i;

	ck_assert_ptr_nonnull(a);
	bs_rng_seed(a, 7, 3, BS_RNG_BEHAVIOUR, 0);
	bs_rng_seed(b, 7, 3, BS_RNG_BEHAVIOUR, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
	bs_rng_seed(b, 7, 4, BS_RNG_BEHAVIOUR, 0);
	bs_rng_seed(a, 7, 3, BS_RNG_BEHAVIOUR, 0);
	ck_assert_uint_ne(gsl_rng_get(a), gsl_rng_get(b));
	ck_assert_str_eq(gsl_rng_name(a), "taus2");
	gsl_rng_free(a);
	gsl_rng_free(b);
}
END_TEST

/* Uniform draws of a derived stream: mean 1/2 within 4 standard errors
 * (a sanity check of the seeding, not of taus2 itself). */
START_TEST(test_stream_uniform_mean)
{
	gsl_rng *r = bs_rng_alloc();
	double s = 0.0;
	int i, n = 100000;

	bs_rng_seed(r, 1, 1, BS_RNG_ARRIVAL, 123);
	for (i = 0; i < n; i++)
		s += gsl_rng_uniform(r);
	s /= n;
	ck_assert_double_le(fabs(s - 0.5), 4.0 * sqrt(1.0 / 12.0 / n));
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_gsl_errors_return)
{
	double p[2] = {-1.0, 1.0};

	bs_rng_setup();
	/* with the abort handler on, this would abort the process */
	ck_assert_ptr_null(gsl_ran_discrete_preproc(2, p));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("streams");

	tcase_add_test(tc, test_mix_deterministic_and_distinct);
	tcase_add_test(tc, test_no_seed_collisions_in_a_run);
	tcase_add_test(tc, test_streams_reproduce);
	tcase_add_test(tc, test_stream_uniform_mean);
	tcase_add_test(tc, test_gsl_errors_return);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
