/*
 * check_agreement.c - agreement presets and matrices, the nearest allowed
 * station table (against brute force), and the initial fleet spread.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/agreement.h"
#include "model/fleet.h"
#include "model/params.h"
#include "input/stations.h"
#include "testutil.h"

static struct bs_network *six(void)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);

	ck_assert_msg(net != NULL, "%s", err.text);
	return net;
}

static const double PRICE[3] = {165, 165, 200};

START_TEST(test_presets)
{
	struct bs_network *net = six();
	struct bs_agreement *iso = bs_agreement_new(net, BS_AGR_ISOLATED, NULL, PRICE);
	struct bs_agreement *full = bs_agreement_new(net, BS_AGR_FULL, NULL, PRICE);
	unsigned a, b;

	for (a = 0; a < 3; a++)
		for (b = 0; b < 3; b++) {
			ck_assert_int_eq(bs_agreement_allows(iso, a, b), a == b);
			ck_assert_int_eq(bs_agreement_allows(full, a, b), 1);
		}
	ck_assert(full->all);
	ck_assert(!iso->all);
	ck_assert_uint_eq(bs_agreement_cross_pairs(iso), 0);
	ck_assert_uint_eq(bs_agreement_cross_pairs(full), 6);
	ck_assert_double_eq(full->price_yen[2], 200.0);
	bs_agreement_free(iso);
	bs_agreement_free(full);
	bs_network_free(net);
}
END_TEST

START_TEST(test_matrix_and_diagonal)
{
	struct bs_network *net = six();
	/* Alpha's bikes may go to Beta, nothing else; the diagonal is implied */
	uint8_t m[9] = {0, 1, 0, 0, 0, 0, 0, 0, 0};
	struct bs_agreement *a = bs_agreement_new(net, BS_AGR_MATRIX, m, PRICE);

	ck_assert(bs_agreement_allows(a, 0, 1));
	ck_assert(!bs_agreement_allows(a, 1, 0));
	ck_assert(bs_agreement_allows(a, 1, 1));
	ck_assert(bs_agreement_allows(a, 2, 2));
	ck_assert_uint_eq(bs_agreement_cross_pairs(a), 1);
	bs_agreement_free(a);
	bs_network_free(net);
}
END_TEST

/* For every owner ward and station: itself when allowed, else the nearest
 * station of an allowed ward (brute force). */
START_TEST(test_nearest_allowed_table)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(144, 5, 4, 250.0, 400.0, &err);
	uint8_t m[16];
	struct bs_agreement *a;
	size_t A, s, j;

	memset(m, 0, sizeof(m));
	m[0 * 4 + 3] = 1; /* W1 bikes may use W4 */
	a = bs_agreement_new(net, BS_AGR_MATRIX, m, (double[4]){1, 1, 1, 1});
	for (A = 0; A < 4; A++)
		for (s = 0; s < net->n; s++) {
			uint32_t got = a->nearest[A * net->n + s], want = BS_NO_STATION;
			double best = HUGE_VAL;
			if (bs_agreement_allows(a, (unsigned)A, net->ward[s])) {
				ck_assert_uint_eq(got, s);
				continue;
			}
			for (j = 0; j < net->n; j++) {
				double d;
				if (!bs_agreement_allows(a, (unsigned)A, net->ward[j]))
					continue;
				d = bs_network_dist(net, (uint32_t)s, (uint32_t)j);
				if (d < best - 1e-9) {
					best = d;
					want = (uint32_t)j;
				}
			}
			ck_assert_uint_ne(got, BS_NO_STATION);
			/* ties may pick another station at the same distance */
			ck_assert_double_eq_tol(bs_network_dist(net, (uint32_t)s, got),
						best, 1e-6);
			(void)want;
		}
	bs_agreement_free(a);
	bs_network_free(net);
}
END_TEST

START_TEST(test_fleet_spread)
{
	struct bs_network *net = six();
	uint32_t st[6];
	uint64_t bikes, sum;
	size_t i;

	for (bikes = 0; bikes <= net->total_docks; bikes++) {
		ck_assert_int_eq(bs_fleet_spread(net, bikes, st), 0);
		sum = 0;
		for (i = 0; i < 6; i++) {
			double share = (double)bikes * net->cap[i] / (double)net->total_docks;
			ck_assert_uint_le(st[i], net->cap[i]);
			/* largest remainder: within one of the exact share */
			ck_assert_double_lt(fabs(st[i] - share), 1.0);
			sum += st[i];
		}
		ck_assert_uint_eq(sum, bikes);
	}
	bs_network_free(net);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agreement");
	TCase *tc = tcase_create("agreement");

	tcase_add_test(tc, test_presets);
	tcase_add_test(tc, test_matrix_and_diagonal);
	tcase_add_test(tc, test_nearest_allowed_table);
	tcase_add_test(tc, test_fleet_spread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
