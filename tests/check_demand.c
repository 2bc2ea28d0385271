/*
 * check_demand.c - arrivals by inversion of the cumulative rate, profiles,
 * and destination sampling, each against its exact distribution with a
 * statistical tolerance (Poisson counts, chi-square goodness of fit).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "model/demand.h"
#include "engine/rng.h"
#include "testutil.h"

static struct bs_network *grid(size_t n, size_t wards)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(n, 10, wards, 300.0, 1000.0, &err);

	ck_assert_ptr_nonnull(net);
	return net;
}

static void base_params(struct bs_params *p, int model)
{
	memset(p, 0, sizeof(*p));
	p->demand = model;
	p->rate_per_station_per_hour = 6.0;
	p->trips_per_day = 1000.0;
	p->decay_m = 800.0;
	p->max_trip_m = 5000.0;
	p->commute_share_weekday = 0.6;
	p->commute_share_weekend = 0.15;
	p->weekend_factor = 0.5;
}

/* Count of arrivals over 200 days at one station is Poisson with the
 * integrated rate as mean: within 4 standard deviations. */
START_TEST(test_uniform_count_poisson)
{
	struct bs_network *net = grid(4, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;
	gsl_rng *r = bs_rng_alloc();
	double t = 0.0, T = 200.0 * 1440.0, mean;
	long n = 0;

	base_params(&p, BS_DEMAND_UNIFORM);
	d = bs_demand_new(net, &p, &err);
	ck_assert_ptr_nonnull(d);
	bs_rng_seed(r, 1, 1, BS_RNG_ARRIVAL, 0);
	for (;;) {
		double tn = bs_demand_next(d, 0, t, gsl_ran_exponential(r, 1.0));
		ck_assert(tn >= t);
		if (tn >= T)
			break;
		t = tn;
		n++;
	}
	mean = bs_demand_expected(d, 0, 0.0, T);
	ck_assert_double_eq_tol(mean, 6.0 * 24.0 * 200.0, 1e-6);
	ck_assert_double_le(fabs((double)n - mean), 4.0 * sqrt(mean));
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

/* Arrivals by hour of week under the gravity profile follow the profile:
 * chi-square over the 168 hours, p > 0.001. */
START_TEST(test_profile_chisq)
{
	struct bs_network *net = grid(4, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;
	gsl_rng *r = bs_rng_alloc();
	double obs[168], chi = 0.0, t = 0.0, weeks = 60.0;
	int h, df = 0;

	memset(obs, 0, sizeof(obs));
	base_params(&p, BS_DEMAND_GRAVITY);
	p.trips_per_day = 400.0; /* 100 a day at each of the 4 stations */
	p.start_weekday = 3;     /* Thursday: the offset must be honoured */
	d = bs_demand_new(net, &p, &err);
	ck_assert_ptr_nonnull(d);
	bs_rng_seed(r, 2, 1, BS_RNG_ARRIVAL, 1);
	for (;;) {
		double tn = bs_demand_next(d, 1, t, gsl_ran_exponential(r, 1.0));
		double tw;
		if (tn >= weeks * 10080.0)
			break;
		t = tn;
		tw = fmod(t + 3.0 * 1440.0, 10080.0);
		obs[(int)(tw / 60.0)] += 1.0;
	}
	for (h = 0; h < 168; h++) {
		double e = weeks * bs_demand_expected(d, 1, h * 60.0 - 3.0 * 1440.0,
						      (h + 1) * 60.0 - 3.0 * 1440.0);
		if (e < 5.0)
			continue; /* chi-square needs expected counts >= 5 */
		chi += (obs[h] - e) * (obs[h] - e) / e;
		df++;
	}
	ck_assert_int_gt(df, 100);
	ck_assert_double_gt(gsl_cdf_chisq_Q(chi, df - 1), 0.001);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

/* Hours with zero weight never see an arrival, and the inversion jumps
 * over them (here only 08h and 18h have demand). */
START_TEST(test_zero_hours_skipped)
{
	struct bs_network *net = grid(4, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;
	gsl_rng *r = bs_rng_alloc();
	double t = 0.0;
	int h, n = 0;

	base_params(&p, BS_DEMAND_GRAVITY);
	p.has_profile = 1;
	for (h = 0; h < 24; h++)
		p.profile_weekday[h] = p.profile_weekend[h] = (h == 8 || h == 18);
	d = bs_demand_new(net, &p, &err);
	ck_assert_ptr_nonnull(d);
	bs_rng_seed(r, 3, 1, BS_RNG_ARRIVAL, 0);
	while (t < 14.0 * 1440.0) {
		int hour;
		t = bs_demand_next(d, 0, t, gsl_ran_exponential(r, 1.0));
		hour = (int)fmod(t / 60.0, 24.0);
		ck_assert_msg(hour == 8 || hour == 18, "arrival at %.3f (hour %d)", t, hour);
		n++;
	}
	ck_assert_int_gt(n, 100);
	/* weekend_factor 0.5 halves the weekend's daily volume */
	ck_assert_double_eq_tol(bs_demand_expected(d, 0, 5 * 1440.0, 6 * 1440.0),
				0.5 * bs_demand_expected(d, 0, 0.0, 1440.0), 1e-9);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_expected_additive_and_zero_rate)
{
	struct bs_network *net = grid(4, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;

	base_params(&p, BS_DEMAND_UNIFORM);
	p.rate_per_station_per_hour = 0.0;
	d = bs_demand_new(net, &p, &err);
	ck_assert(isinf(bs_demand_next(d, 0, 5.0, 1.0)));
	bs_demand_free(d);
	base_params(&p, BS_DEMAND_GRAVITY);
	d = bs_demand_new(net, &p, &err);
	ck_assert_double_eq_tol(bs_demand_expected(d, 2, 0.0, 777.0) +
					bs_demand_expected(d, 2, 777.0, 20000.0),
				bs_demand_expected(d, 2, 0.0, 20000.0), 1e-9);
	/* a week of the gravity model: 5 weekdays + 2 weekend days at 0.5 */
	ck_assert_double_eq_tol(bs_demand_expected(d, 0, 0.0, 10080.0) +
					bs_demand_expected(d, 1, 0.0, 10080.0) +
					bs_demand_expected(d, 2, 0.0, 10080.0) +
					bs_demand_expected(d, 3, 0.0, 10080.0),
				1000.0 * 6.0, 1e-6);
	bs_demand_free(d);
	bs_network_free(net);
}
END_TEST

/* Uniform destinations: never the origin, equally likely otherwise. */
START_TEST(test_uniform_destinations)
{
	struct bs_network *net = grid(10, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;
	gsl_rng *r = bs_rng_alloc();
	double obs[10] = {0}, chi = 0.0, e;
	int i, n = 90000;

	base_params(&p, BS_DEMAND_UNIFORM);
	d = bs_demand_new(net, &p, &err);
	bs_rng_seed(r, 4, 1, BS_RNG_DESTINATION, 3);
	for (i = 0; i < n; i++) {
		uint32_t k = bs_demand_dest(d, 3, r);
		ck_assert_uint_ne(k, 3);
		ck_assert_uint_lt(k, 10);
		obs[k] += 1.0;
	}
	e = n / 9.0;
	for (i = 0; i < 10; i++)
		if (i != 3)
			chi += (obs[i] - e) * (obs[i] - e) / e;
	ck_assert_double_gt(gsl_cdf_chisq_Q(chi, 8), 0.001);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

/* Gravity destinations follow docks x exp(-distance / decay) within
 * max_trip_m: chi-square against the weights computed here. */
START_TEST(test_gravity_destinations)
{
	struct bs_network *net = grid(49, 1);
	struct bs_params p;
	struct bs_demand *d;
	struct bs_error err;
	gsl_rng *r = bs_rng_alloc();
	double obs[49] = {0}, w[49], sw = 0.0, chi = 0.0;
	int i, n = 200000, df = 0;
	uint32_t o = 24; /* the centre of the 7 x 7 grid */

	base_params(&p, BS_DEMAND_GRAVITY);
	p.max_trip_m = 950.0; /* 3 grid steps and a bit */
	d = bs_demand_new(net, &p, &err);
	ck_assert_ptr_nonnull(d);
	for (i = 0; i < 49; i++) {
		double dist = bs_network_dist(net, o, (uint32_t)i);
		w[i] = (i != (int)o && dist <= p.max_trip_m)
			       ? 10.0 * exp(-dist / p.decay_m)
			       : 0.0;
		sw += w[i];
	}
	bs_rng_seed(r, 5, 1, BS_RNG_DESTINATION, o);
	for (i = 0; i < n; i++) {
		uint32_t k = bs_demand_dest(d, o, r);
		ck_assert_msg(w[k] > 0.0, "destination %u outside the candidates", k);
		obs[k] += 1.0;
	}
	for (i = 0; i < 49; i++) {
		double e = n * w[i] / sw;
		if (w[i] == 0.0)
			continue;
		chi += (obs[i] - e) * (obs[i] - e) / e;
		df++;
	}
	ck_assert_double_gt(gsl_cdf_chisq_Q(chi, df - 1), 0.001);
	bs_demand_free(d);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_gravity_table_limit)
{
	struct bs_network *net = grid(10000, 1);
	struct bs_params p;
	struct bs_error err;

	base_params(&p, BS_DEMAND_GRAVITY);
	p.max_trip_m = 1e7; /* every pair: 10^8 entries, over the cap */
	bs_error_clear(&err);
	ck_assert_ptr_null(bs_demand_new(net, &p, &err));
	ck_assert_int_eq(err.code, BS_E_LIMIT);
	ck_assert_str_eq(err.key, "demand.max_trip_m");
	bs_network_free(net);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("demand");
	TCase *tc = tcase_create("demand");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_uniform_count_poisson);
	tcase_add_test(tc, test_profile_chisq);
	tcase_add_test(tc, test_zero_hours_skipped);
	tcase_add_test(tc, test_expected_additive_and_zero_rate);
	tcase_add_test(tc, test_uniform_destinations);
	tcase_add_test(tc, test_gravity_destinations);
	tcase_add_test(tc, test_gravity_table_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
