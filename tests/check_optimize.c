/*
 * check_optimize.c - the optimiser (src/exp/opt*.c) on problems whose
 * answer is known, and the birth-death chain that gives one of them.
 *
 * 1. The chain's uniformisation against the closed form of a port of one
 *    dock, and the convexity of E_s in s (Raviv & Kolka 2013).
 * 2. One port (docs/validation.md, "The optimiser on known optima"): a
 *    port A of K docks whose rentals (lambda) ride to a reservoir B that
 *    never empties or fills, and whose returns come from B (mu): A's
 *    stock is the birth-death chain, requested - reached trips per day
 *    are its lost rentals and refused returns, and the best starting
 *    stock is argmin E_s. The optimiser, started at 2 bikes, must end
 *    where E_s is within the resolution of its own last test (the
 *    half-width of the best rejected move's paired interval) of the
 *    minimum; the simulated loss at its allocation must match the exact
 *    E_s within the 99.9% interval of fresh replications.
 * 3. A small homogeneous network: the mean-field optimum of bikes per
 *    port, s* = K/2 + lambda/mu (Fricker & Gast 2016), minimises the
 *    empty plus full shares (both 1/(K+1) there). Started at half of it
 *    with room to add bikes, the optimiser's allocation must not be
 *    demonstrably worse than s* per port (the 99.9% paired interval of
 *    fresh replications) by more than the search's resolution at its
 *    stop (as in 2).
 * 4. KN: k normal systems with known means in the slippage
 *    configuration (the best ahead by exactly delta), common random
 *    numbers; over 300 seeded macro-replications the share of correct
 *    selections must not be significantly below 1 - alpha (one-sided
 *    binomial test at 0.1%). Batches do not change a selection.
 * 5. An allocation that cannot improve says so, with its evidence, exit 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"
#include "calib/world.h"
#include "exp/optimize.h"
#include "stats/birthdeath.h"

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

/* ---- 1. the chain ------------------------------------------------------------- */

START_TEST(test_bd_one_dock)
{
	/* K = 1: P(empty at t | full at 0) = lambda / L (1 - e^{-L t}) */
	double lambda = 0.3, mu = 0.2, T = 7.5, L = lambda + mu, a, b;
	double int0 = lambda / L * (T - (1.0 - exp(-L * T)) / L);

	ck_assert_int_eq(bs_bd_expected_loss(1, lambda, mu, T, 1, &a, &b), 0);
	ck_assert_double_eq_tol(a, lambda * int0, 1e-12);
	ck_assert_double_eq_tol(b, mu * (T - int0), 1e-12);
	/* no demand, nothing lost */
	ck_assert_int_eq(bs_bd_expected_loss(5, 0.0, 0.0, T, 3, &a, &b), 0);
	ck_assert(a == 0.0 && b == 0.0);
}
END_TEST

START_TEST(test_bd_convex)
{
	double loss[21];
	uint32_t best, s;

	ck_assert_int_eq(bs_bd_best_stock(20, 6.0 / 60, 4.0 / 60, 1440.0, loss,
					  &best), 0);
	for (s = 1; s < 20; s++)
		ck_assert_msg(loss[s - 1] - 2 * loss[s] + loss[s + 1] > -1e-9,
			      "not convex at %u", s);
	for (s = 0; s <= 20; s++)
		ck_assert(loss[best] <= loss[s]);
	/* more rentals than returns: the best start is above half full */
	ck_assert_uint_gt(best, 10);
}
END_TEST

/* ---- 2. one port -------------------------------------------------------------- */

#define PK 12
#define PLAMBDA 5.0 /* per hour */
#define PMU 4.0

static void write_port(uint32_t start)
{
	char buf[4096];
	size_t l;
	int h;

	free(tu_write(dir, "st.csv",
		      "station_id,name,ward,lat,lon,capacity\n"
		      "A,Port A,W,35.6800,139.7600,12\n"
		      "B,Reservoir B,W,35.6850,139.7600,400\n"));
	snprintf(buf, sizeof(buf), "station_id,bikes\nA,%u\nB,200\n", start);
	free(tu_write(dir, "stock.csv", buf));
	l = (size_t)snprintf(buf, sizeof(buf), "station_id,hour,departures_per_hour\n");
	for (h = 0; h < 24; h++)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "A,%d,%g\nB,%d,%g\n",
				      h, PLAMBDA, h, PMU);
	free(tu_write(dir, "rates.csv", buf));
	free(tu_write(dir, "port.json",
		      "{\"bssim\": 1, \"name\": \"one-port\", \"seed\": 7, \"replications\": 20,"
		      " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		      " \"network\": {\"stations\": \"st.csv\"},"
		      " \"fleet\": {\"initial\": \"stock.csv\"},"
		      " \"demand\": {\"model\": \"rates\", \"rates\": \"rates.csv\", \"balance\": false},"
		      " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 0.5}},"
		      " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"nearest\"},"
		      " \"agreement\": {\"type\": \"full\"}, \"rebalancing\": {\"policy\": \"none\"},"
		      " \"output\": {\"timeseries_step_min\": 60}}"));
	free(tu_write(dir, "opt.json",
		      "{\"bssim_optimize\": 1, \"base\": \"port.json\", \"replications\": 20,"
		      " \"objective\": {\"minimize\": {\"trips_requested\": 1, \"trips_reached\": -1}},"
		      " \"search\": {\"block\": 4, \"candidates\": 2, \"max_evaluations\": 60}}"));
}

static struct bs_optimize *load(const char *name)
{
	struct bs_error err;
	struct bs_optimize *o;

	bs_error_clear(&err);
	o = bs__optimize_load(tu_path(dir, name), &err);
	ck_assert_msg(o != NULL, "%s", err.text);
	return o;
}

START_TEST(test_one_port_ctmc)
{
	struct bs_optimize *o;
	struct bs_opt_search s;
	struct bs_opt_pair sim;
	struct bs_error err;
	double loss[PK + 1], x[40], h, tol;
	uint32_t best, a;

	ck_assert_int_eq(bs_bd_best_stock(PK, PLAMBDA / 60, PMU / 60, 1440.0,
					  loss, &best), 0);
	write_port(2);
	o = load("opt.json");
	bs_error_clear(&err);
	ck_assert_int_eq(bs__opt_search(o, 2, &s, &err), 0);
	a = s.alloc[0];
	ck_assert_int_ge(s.best_rejected, 0);
	h = (s.steps[s.best_rejected].diff.hi - s.steps[s.best_rejected].diff.lo) / 2;
	fprintf(stderr, "one port: exact best %u (E %.4f), found %u (E %.4f), gap %.4f, resolution %.4f, %u evaluations\n",
		best, loss[best], a, loss[a], loss[a] - loss[best], h, s.evaluations);
	ck_assert_msg(loss[a] - loss[best] <= h,
		      "found %u: E %.4f, best %u: E %.4f, resolution %.4f", a,
		      loss[a], best, loss[best], h);
	/* the simulated loss at the found stock is the chain's */
	ck_assert_int_eq(bs__opt_evaluate(&o->sc->world->model, s.alloc, 1000, 40,
					  2, &o->obj, o->ward, x, NULL, NULL, &err), 0);
	bs__opt_mean(x, 40, 0.999, &sim);
	tol = (sim.hi - sim.lo) / 2;
	ck_assert_msg(fabs(sim.mean - loss[a]) <= tol,
		      "simulated %.4f, exact %.4f, tolerance %.4f", sim.mean,
		      loss[a], tol);
	bs__opt_search_release(&s);
	bs__optimize_free(o);
}
END_TEST

/* ---- 3. a homogeneous network ---------------------------------------------------- */

#define HN 20
#define HK 6

START_TEST(test_homogeneous_mean_field)
{
	struct bs_optimize *o;
	struct bs_opt_search s;
	struct bs_opt_pair gap;
	struct bs_error err;
	/* lambda 3/h, rides of 20 min: lambda/mu = 1, s* = K/2 + 1 = 4 */
	uint32_t star[HN], i;
	double a[30], b[30], h;
	uint64_t fleet = 0;

	free(tu_write(dir, "hom.json",
		      "{\"bssim\": 1, \"name\": \"hom\", \"seed\": 3, \"replications\": 30,"
		      " \"horizon\": {\"days\": 6, \"warmup_days\": 1},"
		      " \"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 6, \"wards\": 1}},"
		      " \"fleet\": {\"bikes\": 40},"
		      " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 3},"
		      " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		      " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"},"
		      " \"agreement\": {\"type\": \"full\"}, \"rebalancing\": {\"policy\": \"none\"},"
		      " \"output\": {\"timeseries_step_min\": 60}}"));
	free(tu_write(dir, "hopt.json",
		      "{\"bssim_optimize\": 1, \"base\": \"hom.json\","
		      " \"objective\": {\"minimize\": {\"empty_station_frac\": 1, \"full_station_frac\": 1}},"
		      " \"budget\": {\"bikes\": 120, \"mode\": \"at_most\"},"
		      " \"search\": {\"block\": 4, \"candidates\": 3, \"max_evaluations\": 150,"
		      " \"final_replications\": 0}}"));
	o = load("hopt.json");
	bs_error_clear(&err);
	ck_assert_int_eq(bs__opt_search(o, 2, &s, &err), 0);
	for (i = 0; i < HN; i++) {
		star[i] = 4;
		fleet += s.alloc[i];
	}
	/* found - s*, on 30 fresh replications (signed: > 0 is worse) */
	ck_assert_int_eq(bs__opt_evaluate(&o->sc->world->model, s.alloc, 1000, 30,
					  2, &o->obj, o->ward, a, NULL, NULL, &err), 0);
	ck_assert_int_eq(bs__opt_evaluate(&o->sc->world->model, star, 1000, 30,
					  2, &o->obj, o->ward, b, NULL, NULL, &err), 0);
	bs__opt_pair(a, b, 30, 0.999, &gap);
	ck_assert_int_ge(s.best_rejected, 0);
	h = (s.steps[s.best_rejected].diff.hi - s.steps[s.best_rejected].diff.lo) / 2;
	fprintf(stderr, "homogeneous: s* = 4 per port, found %.2f per port; objective gap %.5f [%.5f, %.5f] (99.9%%), resolution %.5f, %u evaluations\n",
		(double)fleet / HN, gap.mean, gap.lo, gap.hi, h, s.evaluations);
	ck_assert_msg(gap.lo <= h, "found %.2f bikes per port, worse than s* = 4 by %.5f [%.5f, %.5f], beyond the search's resolution %.5f",
		      (double)fleet / HN, gap.mean, gap.lo, gap.hi, h);
	/* and it moved: the start (2 per port) is far worse */
	ck_assert_uint_gt(fleet, 60);
	bs__opt_search_release(&s);
	bs__optimize_free(o);
}
END_TEST

/* Budgets hold: a named ward keeps exactly its bikes, the rest keeps the
 * others', every port stays within 0..capacity; at_most never exceeds. */
START_TEST(test_budgets_hold)
{
	static const char *const files[] = {"wopt.json", "mopt.json"};
	struct bs_error err;
	int f;

	free(tu_write(dir, "two.json",
		      "{\"bssim\": 1, \"name\": \"two\", \"seed\": 5, \"replications\": 6,"
		      " \"horizon\": {\"days\": 2, \"warmup_days\": 0},"
		      " \"network\": {\"synthetic\": {\"stations\": 12, \"capacity\": 6, \"wards\": 2}},"
		      " \"fleet\": {\"bikes\": 40},"
		      " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 3},"
		      " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		      " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"},"
		      " \"agreement\": {\"type\": \"isolated\"}, \"rebalancing\": {\"policy\": \"none\"},"
		      " \"output\": {\"timeseries_step_min\": 60}}"));
	/* W1 gets 8 bikes of 30 (the scenario had 20 there): W2 the other 22 */
	free(tu_write(dir, "wopt.json",
		      "{\"bssim_optimize\": 1, \"base\": \"two.json\","
		      " \"objective\": {\"maximize\": \"reach_level\"},"
		      " \"budget\": {\"bikes\": 30, \"wards\": {\"W1\": 8}},"
		      " \"search\": {\"block\": 2, \"max_evaluations\": 40, \"final_replications\": 0}}"));
	free(tu_write(dir, "mopt.json",
		      "{\"bssim_optimize\": 1, \"base\": \"two.json\","
		      " \"objective\": {\"minimize\": \"lost_no_bike\"},"
		      " \"budget\": {\"bikes\": 50, \"mode\": \"at_most\"},"
		      " \"search\": {\"block\": 4, \"max_evaluations\": 40, \"final_replications\": 0}}"));
	for (f = 0; f < 2; f++) {
		struct bs_optimize *o = load(files[f]);
		const struct bs_network *net = o->sc->world->net;
		struct bs_opt_search s;
		uint64_t w[2] = {0, 0};
		size_t i;

		ck_assert_int_eq(bs__opt_search(o, 2, &s, &err), 0);
		for (i = 0; i < net->n; i++) {
			ck_assert_uint_le(s.alloc[i], net->cap[i]);
			w[net->ward[i]] += s.alloc[i];
		}
		if (f == 0) {
			ck_assert_uint_eq(w[0], 8);
			ck_assert_uint_eq(w[1], 22);
			ck_assert_uint_eq(s.fleet_before, 30);
		} else {
			/* fewer bikes lose more riders: it adds, within 50 */
			ck_assert_uint_le(w[0] + w[1], 50);
			ck_assert_uint_gt(w[0] + w[1], 40);
		}
		ck_assert_uint_eq(s.fleet_after, w[0] + w[1]);
		bs__opt_search_release(&s);
		bs__optimize_free(o);
	}
}
END_TEST

/* ---- 4. KN --------------------------------------------------------------------- */

struct normal_sys {
	size_t k;
	double delta, sd, rho;
	unsigned long macro;
};

/* System i's replication r: mean delta for system 0, 0 for the others;
 * a common part (CRN, correlation rho) from a stream of (macro, r), the
 * system's own part from one of (macro, i, r). */
static int normal_sample(void *ud, size_t sys, uint32_t rep0, uint32_t n,
			 double *x, struct bs_error *err)
{
	struct normal_sys *S = ud;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	uint32_t t;

	(void)err;
	for (t = 0; t < n; t++) {
		unsigned long r = rep0 + t + 1;
		double z, e;
		gsl_rng_set(g, S->macro * 1000003ul + r * 7919ul);
		z = gsl_ran_gaussian(g, 1.0);
		gsl_rng_set(g, S->macro * 1000003ul + r * 7919ul + (sys + 1) * 104729ul + 17ul);
		e = gsl_ran_gaussian(g, 1.0);
		x[t] = (sys == 0 ? S->delta : 0.0) +
		       S->sd * (sqrt(S->rho) * z + sqrt(1.0 - S->rho) * e);
	}
	gsl_rng_free(g);
	return 0;
}

START_TEST(test_kn_pcs)
{
	struct normal_sys S = {5, 0.5, 1.0, 0.5, 0};
	struct bs_kn_result r;
	struct bs_error err;
	unsigned M = 300, correct = 0, m;
	double alpha = 0.05, p, lo, hi;
	uint64_t reps = 0;

	for (m = 0; m < M; m++) {
		S.macro = m + 1;
		ck_assert_int_eq(bs__kn_select(S.k, 10, alpha, S.delta, 100000, 1,
					       normal_sample, &S, &r, &err), 0);
		ck_assert(!r.capped);
		correct += r.winner == 0;
		reps += r.total_reps;
		bs__kn_release(&r);
	}
	/* P(X <= correct) for X ~ Binomial(M, 1 - alpha) */
	p = gsl_cdf_binomial_P(correct, 1.0 - alpha, M);
	/* the PCS's 95% Clopper-Pearson interval, for the record */
	lo = correct ? gsl_cdf_beta_Pinv(0.025, correct, M - correct + 1) : 0.0;
	hi = correct < M ? gsl_cdf_beta_Pinv(0.975, correct + 1, M - correct) : 1.0;
	fprintf(stderr, "KN: %u of %u correct selections (%.3f, 95%% interval %.3f .. %.3f; 1 - alpha = %.2f), P(X <= %u) = %.3g, %.1f replications per selection\n",
		correct, M, (double)correct / M, lo, hi, 1.0 - alpha, correct, p,
		(double)reps / M);
	ck_assert_msg(p >= 0.001, "%u of %u correct: below 1 - alpha", correct, M);
}
END_TEST

START_TEST(test_kn_batch_and_clear_winner)
{
	struct normal_sys S = {4, 0.2, 1.0, 0.8, 42};
	struct bs_kn_result a, b;
	struct bs_error err;
	size_t i;

	ck_assert_int_eq(bs__kn_select(S.k, 10, 0.05, 0.2, 5000, 1, normal_sample,
				       &S, &a, &err), 0);
	ck_assert_int_eq(bs__kn_select(S.k, 10, 0.05, 0.2, 5000, 7, normal_sample,
				       &S, &b, &err), 0);
	ck_assert_uint_eq(a.winner, b.winner);
	for (i = 0; i < S.k; i++) {
		ck_assert_uint_eq(a.reps[i], b.reps[i]);
		ck_assert_uint_eq(a.elim_at[i], b.elim_at[i]);
	}
	bs__kn_release(&a);
	bs__kn_release(&b);
	/* a winner 20 sd ahead is known after the first stage */
	S.delta = 20.0;
	ck_assert_int_eq(bs__kn_select(S.k, 10, 0.05, 0.2, 5000, 1, normal_sample,
				       &S, &a, &err), 0);
	ck_assert_uint_eq(a.winner, 0);
	ck_assert_uint_eq(a.total_reps, 10 * S.k);
	bs__kn_release(&a);
	/* the cap ends it and says so */
	S.delta = 0.0;
	ck_assert_int_eq(bs__kn_select(S.k, 10, 0.05, 0.01, 30, 1, normal_sample,
				       &S, &a, &err), 0);
	ck_assert(a.capped);
	bs__kn_release(&a);
}
END_TEST

/* ---- 5. the command ------------------------------------------------------------- */

START_TEST(test_cannot_improve_cli)
{
	char *out = NULL, *errs = NULL, *json;
	int st;

	/* at the chain's optimum already: no move can be confirmed */
	write_port(10);
	st = tu_cli(dir, &out, &errs, "optimize opt.json -o res --jobs 2");
	ck_assert_msg(st == 0, "exit %d: %s", st, errs);
	ck_assert_msg(strstr(out, "no improvement found: the best move tested"),
		      "%s", out);
	ck_assert(strstr(out, "does not exclude zero"));
	json = tu_slurp(tu_path(dir, "res/optimize.json"), NULL);
	ck_assert(json && strstr(json, "\"evidence\": {"));
	ck_assert(strstr(json, "\"moves\": 0"));
	free(json);
	json = tu_slurp(tu_path(dir, "res/allocation.csv"), NULL);
	ck_assert_str_eq(json, "station_id,bikes\nA,10\nB,200\n");
	free(json);
	/* the allocation is a stock CSV that fleet.initial reads */
	free(out);
	free(errs);
	st = tu_cli(dir, &out, &errs,
		    "check port.json --set fleet.initial=res/allocation.csv");
	ck_assert_msg(st == 0, "exit %d: %s", st, errs);
	free(out);
	free(errs);
}
END_TEST

START_TEST(test_select_cli)
{
	char *out = NULL, *errs = NULL, *csv;
	int st;

	/* A at 10 bikes (the optimum, loss 23.07 a day) against 2 (27.49)
	 * and 6 (24.34): the indifference zone 0.5 is below both gaps */
	write_port(10);
	free(tu_write(dir, "s2.csv", "station_id,bikes\nA,2\nB,200\n"));
	free(tu_write(dir, "s6.csv", "station_id,bikes\nA,6\nB,196\n"));
	free(tu_write(dir, "p2.json", "{\"bssim\": 1, \"name\": \"p2\", \"seed\": 7,"
		      " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		      " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"initial\": \"s2.csv\"},"
		      " \"demand\": {\"model\": \"rates\", \"rates\": \"rates.csv\", \"balance\": false},"
		      " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 0.5}},"
		      " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"nearest\"}}"));
	free(tu_write(dir, "p6.json", "{\"bssim\": 1, \"name\": \"p6\", \"seed\": 7,"
		      " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		      " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"initial\": \"s6.csv\"},"
		      " \"demand\": {\"model\": \"rates\", \"rates\": \"rates.csv\", \"balance\": false},"
		      " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 0.5}},"
		      " \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"nearest\"}}"));
	free(tu_write(dir, "sel.json",
		      "{\"bssim_optimize\": 1, \"name\": \"sel\","
		      " \"objective\": {\"minimize\": {\"trips_requested\": 1, \"trips_reached\": -1}},"
		      " \"select\": {\"scenarios\": [\"p2.json\", \"port.json\", \"p6.json\"],"
		      " \"alpha\": 0.05, \"delta\": 0.5, \"n0\": 10}}"));
	st = tu_cli(dir, &out, &errs, "optimize sel.json -o sres --select");
	ck_assert_msg(st == 0, "exit %d: %s", st, errs);
	ck_assert_msg(strstr(out, "best is port.json"), "%s", out);
	csv = tu_slurp(tu_path(dir, "sres/selection.csv"), NULL);
	ck_assert(csv && strstr(csv, "2,port.json,"));
	free(csv);
	free(out);
	free(errs);
	/* an allocation into the selection's folder takes the selection's
	 * file away with it, and a selection the allocation's: a folder
	 * never mixes the two (it did: selection.csv stayed) */
	st = tu_cli(dir, &out, &errs, "optimize opt.json -o sres");
	ck_assert_msg(st == 0, "exit %d: %s", st, errs);
	ck_assert(tu_exists(tu_path(dir, "sres/allocation.csv")));
	ck_assert(tu_exists(tu_path(dir, "sres/trace.csv")));
	ck_assert(!tu_exists(tu_path(dir, "sres/selection.csv")));
	free(out);
	free(errs);
	st = tu_cli(dir, &out, &errs, "optimize sel.json -o sres -q");
	ck_assert_msg(st == 0, "exit %d: %s", st, errs);
	ck_assert(tu_exists(tu_path(dir, "sres/selection.csv")));
	ck_assert(!tu_exists(tu_path(dir, "sres/allocation.csv")));
	ck_assert(!tu_exists(tu_path(dir, "sres/trace.csv")));
	free(out);
	free(errs);
	/* --select refuses a file without the block */
	st = tu_cli(dir, &out, &errs, "optimize opt.json -o x --select");
	ck_assert_int_eq(st, 2);
	ck_assert(!tu_exists(tu_path(dir, "x")));
	free(out);
	free(errs);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("optimize");
	TCase *tc = tcase_create("known optima");

	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bd_one_dock);
	tcase_add_test(tc, test_bd_convex);
	tcase_add_test(tc, test_one_port_ctmc);
	tcase_add_test(tc, test_homogeneous_mean_field);
	tcase_add_test(tc, test_budgets_hold);
	tcase_add_test(tc, test_kn_pcs);
	tcase_add_test(tc, test_kn_batch_and_clear_winner);
	tcase_add_test(tc, test_cannot_improve_cli);
	tcase_add_test(tc, test_select_cli);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
