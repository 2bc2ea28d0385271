/*
 * check_compare.c - paired and unpaired intervals of a difference, against
 * values worked by hand, and pairs with an undefined member left out.
 */
#include <math.h>

#include "stats/compare.h"
#include "testutil.h"

/* a = 1 2 3 4, b = 2 4 3 5: d = 1 2 0 1, mean 1, sd sqrt(2/3); t(0.975, 3)
 * = 3.182446305. Welch: both variances 5/3, se = sqrt(5/6), df = 6,
 * t(0.975, 6) = 2.446911851. */
START_TEST(test_by_hand)
{
	const double a[] = {1, 2, 3, 4}, b[] = {2, 4, 3, 5};
	struct bs_paired p;
	double half = 3.182446305 * sqrt(2.0 / 3.0) / 2.0;
	double uhalf = 2.446911851 * sqrt(5.0 / 6.0);

	bs_paired_compute(a, b, 4, 1, &p);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_double_eq_tol(p.mean_a, 2.5, 1e-12);
	ck_assert_double_eq_tol(p.mean_b, 3.5, 1e-12);
	ck_assert_double_eq_tol(p.diff, 1.0, 1e-12);
	ck_assert_double_eq_tol(p.diff_sd, sqrt(2.0 / 3.0), 1e-12);
	ck_assert_double_eq_tol(p.ci_lo, 1.0 - half, 1e-8);
	ck_assert_double_eq_tol(p.ci_hi, 1.0 + half, 1e-8);
	ck_assert_double_eq_tol(p.un_lo, 1.0 - uhalf, 1e-8);
	ck_assert_double_eq_tol(p.un_hi, 1.0 + uhalf, 1e-8);
}
END_TEST

/* Strongly correlated pairs (common random numbers): the paired interval
 * is far narrower than the unpaired one, and a constant shift has a
 * zero-width paired interval. */
START_TEST(test_pairing_tightens)
{
	double a[10], b[10], c[10];
	struct bs_paired p, q;
	int i;

	for (i = 0; i < 10; i++) {
		a[i] = 100.0 + 10.0 * sin(i);
		b[i] = a[i] + 2.0 + 0.1 * cos(3 * i);
		c[i] = a[i] + 5.0;
	}
	bs_paired_compute(a, b, 10, 1, &p);
	ck_assert(p.ci_hi - p.ci_lo < 0.05 * (p.un_hi - p.un_lo));
	ck_assert(p.ci_lo < 2.0 + 0.1 && p.ci_hi > 2.0 - 0.1);
	bs_paired_compute(a, c, 10, 1, &q);
	ck_assert_double_eq_tol(q.diff, 5.0, 1e-12);
	ck_assert_double_eq_tol(q.ci_hi - q.ci_lo, 0.0, 1e-9);
	ck_assert(q.un_hi - q.un_lo > 1.0);
}
END_TEST

START_TEST(test_undefined_pairs_skipped)
{
	/* stride 2: the values sit at even indices */
	const double a[] = {1, -1, NAN, -1, 3, -1, 4, -1};
	const double b[] = {2, -1, 9, -1, NAN, -1, 6, -1};
	struct bs_paired p;

	bs_paired_compute(a, b, 4, 2, &p);
	ck_assert_uint_eq(p.n, 2); /* pairs 0 and 3 */
	ck_assert_double_eq_tol(p.diff, 1.5, 1e-12);
	bs_paired_compute(a, b, 1, 2, &p);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_double_eq_tol(p.diff, 1.0, 1e-12);
	ck_assert(isnan(p.ci_lo) && isnan(p.un_hi));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");

	tcase_add_test(tc, test_by_hand);
	tcase_add_test(tc, test_pairing_tightens);
	tcase_add_test(tc, test_undefined_pairs_skipped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
