/*
 * check_sim.c - the simulator: conservation of bikes, determinism, common
 * random numbers, agreements, users' behaviour, warm-up and samples, the
 * trip hook, stopping.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics.h"
#include "exp/runner.h"
#include "model/agreement.h"
#include "model/sim.h"
#include "model/sim_internal.h" /* dst_ahead, test_dest_ahead_same_draws */
#include "calib/world.h"
#include "testutil.h"

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

/*
 * Worlds from a base scenario and overrides given as "key=value" strings
 * (the --set mechanism), ended by NULL.
 */
static struct bs_world *world_from(const char *json, const char *const *sets,
				   struct bs_scenario **scp)
{
	struct bs_set ov[16];
	char keys[16][128];
	struct bs_error err;
	struct bs_scenario *sc;
	struct bs_world *w;
	char *p = tu_write(dir, "base.json", json);
	size_t n = 0;

	for (; sets && sets[n]; n++) {
		const char *eq = strchr(sets[n], '=');
		ck_assert_ptr_nonnull(eq);
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)(eq - sets[n]), sets[n]);
		ov[n].key = keys[n];
		ov[n].value = eq + 1;
	}
	sc = bs_scenario_load(p, ov, n, &err);
	free(p);
	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	*scp = sc;
	return w;
}

/* The six-port fixture: three wards of two ports, uniform demand. */
static struct bs_world *six(struct bs_scenario **scp, ...)
{
	char json[8192];
	const char *sets[16];
	va_list ap;
	size_t n = 0;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 11, \"replications\": 2,"
		 " \"horizon\": {\"days\": 3, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 15},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 4},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		 " \"behaviour\": {\"walk_radius_m\": 300}}",
		 tu_abspath(tu_fixture("six.csv")));
	va_start(ap, scp);
	while (n < 15 && (sets[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	sets[n] = NULL;
	return world_from(json, sets, scp);
}

/* The real four-ward network, gravity demand. */
/* The four-ward fixture's scenario text into json[8192]. */
static void tokyo_json(char *json, size_t sz)
{
	snprintf(json, sz,
		 "{\"bssim\": 1, \"seed\": 5, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 2700},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 20000}}",
		 tu_abspath("data/tokyo4_stations.csv"));
}

static struct bs_world *tokyo(struct bs_scenario **scp, ...)
{
	char json[8192];
	const char *sets[16];
	va_list ap;
	size_t n = 0;

	tokyo_json(json, sizeof(json));
	va_start(ap, scp);
	while (n < 15 && (sets[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	sets[n] = NULL;
	return world_from(json, sets, scp);
}

/* Run replication rep of a world; returns the result (caller frees). */
static struct bs_rep_result *run1(struct bs_world *w, uint32_t rep,
				  struct bs_run_hooks *hooks)
{
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;
	int rc;

	memset(&h, 0, sizeof(h));
	h.paranoid = 1; /* every test checks conservation at every event */
	if (!hooks)
		hooks = &h;
	ck_assert_ptr_nonnull(S);
	ck_assert_ptr_nonnull(r);
	rc = bs_sim_run(S, rep, hooks, r, &err);
	ck_assert_msg(rc == 0, "run failed: %s", err.text);
	bs_sim_free(S);
	return r;
}

static double raw(const struct bs_rep_result *r, size_t w, int k)
{
	return r->raw[w * BS_RAW_N + (size_t)k];
}

static void done(struct bs_world *w, struct bs_scenario *sc)
{
	bs_world_free(w);
	bs_scenario_free(sc);
}

/* Bikes are conserved at every event and sample (paranoid mode) under
 * every agreement and behaviour, on a network small enough to be full and
 * empty often. */
START_TEST(test_conservation_everywhere)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		struct bs_scenario *sc;
		struct bs_world *w =
			i == 0 ? six(&sc, "fleet.bikes=12", "agreement.type=full", NULL)
			: i == 1 ? six(&sc, "fleet.bikes=24", "agreement.type=isolated", NULL)
			: i == 2 ? six(&sc, "fleet.bikes=6", "agreement.type=isolated",
				       "behaviour.forbidden_return=lost", NULL)
			: i == 3 ? six(&sc, "fleet.bikes=27", "agreement.type=bilateral",
				       "agreement.pairs=[[\"Alpha\", \"Gamma\"]]",
				       "behaviour.on_full=random", NULL)
				 : six(&sc, "fleet.bikes=30", "agreement.type=matrix",
				       "agreement.matrix={\"Beta\": [\"Alpha\"]}", NULL);
		struct bs_rep_result *r = run1(w, 1, NULL);
		size_t all = w->net->nwards;
		ck_assert_double_gt(raw(r, all, BS_RAW_REQUESTED), 100.0);
		/* every request has exactly one outcome */
		ck_assert_double_eq(raw(r, all, BS_RAW_REQUESTED),
				    raw(r, all, BS_RAW_COMPLETED) +
					    raw(r, all, BS_RAW_LOST_NO_BIKE) +
					    raw(r, all, BS_RAW_LOST_FORBIDDEN) +
					    raw(r, all, BS_RAW_UNFINISHED));
		bs_rep_result_free(r);
		done(w, sc);
	}
}
END_TEST

START_TEST(test_same_replication_same_result)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, NULL);
	struct bs_rep_result *a = run1(w, 2, NULL), *b = run1(w, 2, NULL),
			     *c = run1(w, 3, NULL);
	size_t nraw = (w->net->nwards + 1) * BS_RAW_N;

	ck_assert_int_eq(memcmp(a->raw, b->raw, nraw * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a->st, b->st, w->net->n * BS_ST_N * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a->ts, b->ts,
				a->nsamples * (w->net->nwards + 1) * BS_TS_N * sizeof(uint32_t)), 0);
	ck_assert_int_ne(memcmp(a->raw, c->raw, nraw * sizeof(double)), 0);
	bs_rep_result_free(a);
	bs_rep_result_free(b);
	bs_rep_result_free(c);
	done(w, sc);
}
END_TEST

/* Common random numbers: arrivals do not depend on the agreement or the
 * fleet, so replication r requests exactly the same trips at every port. */
START_TEST(test_common_random_numbers)
{
	double req[3][4];
	size_t i, k;

	for (i = 0; i < 3; i++) {
		struct bs_scenario *sc;
		struct bs_world *w =
			i == 0 ? six(&sc, NULL)
			: i == 1 ? six(&sc, "agreement.type=isolated", NULL)
				 : six(&sc, "fleet.bikes=25", NULL);
		struct bs_rep_result *r = run1(w, 1, NULL);
		for (k = 0; k <= 3; k++)
			req[i][k] = raw(r, k, BS_RAW_REQUESTED);
		bs_rep_result_free(r);
		done(w, sc);
	}
	for (k = 0; k <= 3; k++) {
		ck_assert_double_eq(req[0][k], req[1][k]);
		ck_assert_double_eq(req[0][k], req[2][k]);
	}
}
END_TEST

/* Isolated wards: no trip ends in another ward; users whose destination
 * is elsewhere stop short (truncate) or do not ride (lost). */
START_TEST(test_isolated_no_cross_ward)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "agreement.type=isolated", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	size_t a, b, W = 3;

	for (a = 0; a < W; a++)
		for (b = 0; b < W; b++)
			if (a != b)
				ck_assert_double_eq(r->flows[a * W + b], 0.0);
	ck_assert_double_eq(raw(r, W, BS_RAW_CROSS), 0.0);
	/* uniform destinations: two thirds want another ward */
	ck_assert_double_gt(raw(r, W, BS_RAW_TRUNCATED), 0.3 * raw(r, W, BS_RAW_COMPLETED));
	bs_rep_result_free(r);
	done(w, sc);

	w = six(&sc, "agreement.type=isolated", "behaviour.forbidden_return=lost", NULL);
	r = run1(w, 1, NULL);
	ck_assert_double_eq(raw(r, W, BS_RAW_TRUNCATED), 0.0);
	ck_assert_double_gt(raw(r, W, BS_RAW_LOST_FORBIDDEN), 0.0);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* A bilateral pair exchanges bikes; the third ward stays on its own. */
START_TEST(test_bilateral_only_pairs)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "agreement.type=bilateral",
				 "agreement.pairs=[[\"Alpha\", \"Beta\"]]", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	const double *f = r->flows;

	ck_assert_double_gt(f[0 * 3 + 1], 0.0); /* Alpha -> Beta */
	ck_assert_double_gt(f[1 * 3 + 0], 0.0); /* Beta -> Alpha */
	ck_assert_double_eq(f[0 * 3 + 2], 0.0);
	ck_assert_double_eq(f[2 * 3 + 0], 0.0);
	ck_assert_double_eq(f[1 * 3 + 2], 0.0);
	ck_assert_double_eq(f[2 * 3 + 1], 0.0);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* On the real four-ward network: full > bilateral > isolated in cross-ward
 * trips, replication by replication (common random numbers). */
START_TEST(test_tokyo_agreements_order)
{
	double cross[3];
	size_t i;
	uint32_t rep;

	for (rep = 1; rep <= 2; rep++) {
		for (i = 0; i < 3; i++) {
			struct bs_scenario *sc;
			struct bs_world *w =
				i == 0 ? tokyo(&sc, NULL)
				: i == 1 ? tokyo(&sc, "agreement.type=bilateral",
						 "agreement.pairs=[[\"Minato\", \"Chiyoda\"], [\"Chuo\", \"Koto\"]]",
						 NULL)
					 : tokyo(&sc, "agreement.type=isolated", NULL);
			struct bs_rep_result *r = run1(w, rep, NULL);
			cross[i] = raw(r, w->net->nwards, BS_RAW_CROSS);
			if (i == 1) /* Minato-Chuo is not a pair */
				ck_assert_double_eq(r->flows[2 * 4 + 1], 0.0);
			bs_rep_result_free(r);
			done(w, sc);
		}
		ck_assert_double_gt(cross[0], cross[1]);
		ck_assert_double_gt(cross[1], cross[2]);
		ck_assert_double_eq(cross[2], 0.0);
	}
}
END_TEST

/* Walking: with no walk radius nobody rents elsewhere; with 300 m users at
 * an empty port take the neighbour's bikes and fewer trips are lost. */
START_TEST(test_walking)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "fleet.bikes=9", "behaviour.walk_radius_m=0", NULL);
	struct bs_rep_result *r0 = run1(w, 1, NULL), *r1;
	double lost0 = raw(r0, 3, BS_RAW_LOST_NO_BIKE);

	ck_assert_double_eq(raw(r0, 3, BS_RAW_WALKED), 0.0);
	done(w, sc);
	w = six(&sc, "fleet.bikes=9", NULL);
	r1 = run1(w, 1, NULL);
	ck_assert_double_gt(raw(r1, 3, BS_RAW_WALKED), 0.0);
	ck_assert_double_lt(raw(r1, 3, BS_RAW_LOST_NO_BIKE), lost0);
	bs_rep_result_free(r0);
	bs_rep_result_free(r1);
	done(w, sc);
}
END_TEST

struct tripcheck {
	const struct bs_world *w;
	long completed, lost, diverted;
	double min_ride;
	int bad_ward, bad_order;
};

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct tripcheck *c = ud;
	const struct bs_network *net = c->w->net;

	if (tr->outcome == BS_TRIP_COMPLETED) {
		c->completed++;
		if (!bs_agreement_allows(c->w->agr, tr->owner,
					 net->ward[tr->return_station]))
			c->bad_ward++;
		if (!(tr->return_t >= tr->rent_t && tr->rent_t >= tr->req_t))
			c->bad_order++;
		if (tr->return_t - tr->rent_t < c->min_ride)
			c->min_ride = tr->return_t - tr->rent_t;
		c->diverted += tr->diversions > 0;
	} else {
		c->lost++;
	}
	return 0;
}

/* The trip hook sees every counted trip once; no bike is ever returned in
 * a ward its owner may not use; rides last at least min_min. */
START_TEST(test_trip_hook)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "agreement.type=bilateral",
				   "agreement.pairs=[[\"Minato\", \"Chiyoda\"]]",
				   "fleet.bikes=5000", NULL);
	struct tripcheck c;
	struct bs_run_hooks h;
	struct bs_rep_result *r;
	size_t all = 4;

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.min_ride = HUGE_VAL;
	memset(&h, 0, sizeof(h));
	h.on_trip = on_trip;
	h.trip_ud = &c;
	h.paranoid = 1;
	r = run1(w, 1, &h);
	ck_assert_double_eq((double)c.completed, raw(r, all, BS_RAW_COMPLETED));
	ck_assert_double_eq((double)c.lost, raw(r, all, BS_RAW_LOST_NO_BIKE) +
						 raw(r, all, BS_RAW_LOST_FORBIDDEN) +
						 raw(r, all, BS_RAW_UNFINISHED));
	ck_assert_int_eq(c.bad_ward, 0);
	ck_assert_int_eq(c.bad_order, 0);
	ck_assert_double_ge(c.min_ride, 2.0);
	/* 5000 bikes in 6825 docks: ports fill up and riders divert */
	ck_assert_int_gt(c.diverted, 0);
	ck_assert_double_ge(raw(r, all, BS_RAW_DIVERSIONS), (double)c.diverted);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* Samples: one every step over [warm-up, horizon), with the network's
 * bikes docked never above the fleet, and ward rows adding up to "all". */
START_TEST(test_samples_and_window)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "output.timeseries_step_min=60", NULL);
	struct bs_rep_result *r = run1(w, 1, NULL);
	size_t k, wd;

	ck_assert_uint_eq(r->nsamples, 48); /* days 1..3 hourly */
	ck_assert_double_eq(r->window_min, 2880.0);
	for (k = 0; k < r->nsamples; k++) {
		uint32_t sum[BS_TS_N] = {0};
		const uint32_t *all = r->ts + (k * 4 + 3) * BS_TS_N;
		ck_assert_double_eq(r->ts_t[k], 1440.0 + 60.0 * (double)k);
		for (wd = 0; wd < 3; wd++)
			for (int c = 0; c < BS_TS_N; c++)
				sum[c] += r->ts[(k * 4 + wd) * BS_TS_N + (size_t)c];
		ck_assert_uint_eq(sum[0], all[BS_TS_DOCKED]);
		ck_assert_uint_eq(sum[1], all[BS_TS_EMPTY]);
		ck_assert_uint_eq(sum[2], all[BS_TS_FULL]);
		ck_assert_uint_eq(sum[3], all[BS_TS_REFUSING]);
		/* hard ports: refusing exactly when full */
		ck_assert_uint_eq(all[BS_TS_REFUSING], all[BS_TS_FULL]);
		ck_assert_uint_le(all[BS_TS_DOCKED], 15);
		ck_assert_uint_le(all[BS_TS_EMPTY] + all[BS_TS_FULL], 6);
	}
	/* station shares are shares of the window */
	for (k = 0; k < w->net->n; k++) {
		const double *st = r->st + k * BS_ST_N;
		ck_assert_double_le(st[BS_ST_EMPTY_T] + st[BS_ST_FULL_T], 2880.0 + 1e-6);
		ck_assert_double_le(st[BS_ST_BIKE_T], 2880.0 * w->net->cap[k] + 1e-6);
	}
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* Only trips requested after the warm-up count: the same replication with
 * and without warm-up has the later window's counts inside. */
START_TEST(test_warmup_excluded)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "horizon.warmup_days=2", NULL);
	struct bs_rep_result *late = run1(w, 1, NULL), *all;
	double req_late = raw(late, 3, BS_RAW_REQUESTED);

	done(w, sc);
	w = six(&sc, "horizon.warmup_days=0", NULL);
	all = run1(w, 1, NULL);
	/* same arrivals (common random numbers): the last day is a subset */
	ck_assert_double_lt(req_late, raw(all, 3, BS_RAW_REQUESTED));
	ck_assert_double_gt(req_late, 0.25 * raw(all, 3, BS_RAW_REQUESTED));
	ck_assert_double_lt(req_late, 0.45 * raw(all, 3, BS_RAW_REQUESTED));
	bs_rep_result_free(late);
	bs_rep_result_free(all);
	done(w, sc);
}
END_TEST

static int stop_after_first(void *ud, const struct bs_trip_record *tr)
{
	(void)tr;
	atomic_store((atomic_int *)ud, 1);
	return 0;
}

/* ---- which bike: the most recently returned eligible one ----------------- */

struct bike_ev {
	double t;
	uint32_t st, bike, owner, dest;
	int rent; /* 1: rented at st, 0: returned at st */
	int truncated;
};

struct bike_log {
	struct bike_ev *ev;
	size_t n, cap;
};

static int log_trip(void *ud, const struct bs_trip_record *tr)
{
	struct bike_log *L = ud;
	int i;

	if (tr->outcome != BS_TRIP_COMPLETED)
		return 0;
	for (i = 0; i < 2; i++) {
		struct bike_ev *e;
		if (L->n == L->cap) {
			L->cap = L->cap ? 2 * L->cap : 1024;
			L->ev = realloc(L->ev, L->cap * sizeof(*L->ev));
			ck_assert_ptr_nonnull(L->ev);
		}
		e = &L->ev[L->n++];
		e->t = i == 0 ? tr->rent_t : tr->return_t;
		e->st = i == 0 ? tr->rent_station : tr->return_station;
		e->bike = tr->bike;
		e->owner = tr->owner;
		e->dest = tr->dest;
		e->rent = i == 0;
		e->truncated = tr->truncated;
	}
	return 0;
}

static int cmp_bike_ev(const void *a, const void *b)
{
	const struct bike_ev *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/*
 * Under a three-ward bilateral chain (Alpha-Beta, Beta-Gamma: an Alpha
 * bike may not be returned in Gamma), every rental takes, of the bikes
 * docked at its port, the most recently returned one that may go to the
 * destination's ward (or, when none may, the most recently returned one:
 * a truncated trip). Checked against the trip log replayed in time order:
 * each port's bikes with the time they were docked (bikes there from the
 * start count as docked at -1, their order unknown, so only returned
 * bikes are compared). Before bs__take kept the stack in order, a bike
 * taken from mid-stack swapped the top one down and later rentals took
 * an older bike.
 */
START_TEST(test_bike_most_recent_eligible)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, "agreement.type=bilateral",
				 "agreement.pairs=[[\"Alpha\", \"Beta\"], [\"Beta\", \"Gamma\"]]",
				 "horizon.warmup_days=0", NULL);
	struct bike_log L = {NULL, 0, 0};
	struct bs_run_hooks hk;
	double *docked_t = malloc(w->model.fleet * sizeof(double));
	uint32_t *at = malloc(w->model.fleet * sizeof(uint32_t));
	uint32_t *owner = malloc(w->model.fleet * sizeof(uint32_t));
	size_t i, checked = 0, mid = 0;
	uint32_t b;

	ck_assert_ptr_nonnull(docked_t);
	memset(&hk, 0, sizeof(hk));
	hk.paranoid = 1;
	hk.on_trip = log_trip;
	hk.trip_ud = &L;
	bs_rep_result_free(run1(w, 1, &hk));
	qsort(L.ev, L.n, sizeof(*L.ev), cmp_bike_ev);
	for (b = 0; b < w->model.fleet; b++) {
		docked_t[b] = -1.0;
		at[b] = UINT32_MAX; /* unknown until first rented */
	}
	for (i = 0; i < L.n; i++) {
		const struct bike_ev *e = &L.ev[i];
		uint32_t wd = w->net->ward[e->dest];
		double best_ok = -2.0, best_any = -2.0;
		int ok;
		owner[e->bike] = e->owner;
		if (!e->rent) {
			at[e->bike] = e->st;
			docked_t[e->bike] = e->t;
			continue;
		}
		for (b = 0; b < w->model.fleet; b++) {
			if (at[b] != e->st || b == e->bike)
				continue;
			if (docked_t[b] > best_any)
				best_any = docked_t[b];
			if (bs_agreement_allows(w->agr, owner[b], wd) &&
			    docked_t[b] > best_ok)
				best_ok = docked_t[b];
		}
		ok = bs_agreement_allows(w->agr, e->owner, wd);
		ck_assert_int_eq(ok, !e->truncated);
		if (ok)
			ck_assert_msg(docked_t[e->bike] >= best_ok,
				      "t %g at %s: bike %u docked at %g taken, an eligible one docked at %g there",
				      e->t, w->net->ids[e->st], e->bike,
				      docked_t[e->bike], best_ok);
		else
			ck_assert_msg(best_ok < -1.5 && docked_t[e->bike] >= best_any,
				      "t %g at %s: truncated with bike %u docked at %g, best eligible %g, latest %g",
				      e->t, w->net->ids[e->st], e->bike,
				      docked_t[e->bike], best_ok, best_any);
		mid += docked_t[e->bike] < best_any; /* not the top one */
		checked++;
		at[e->bike] = UINT32_MAX;
	}
	/* enough rentals, and enough of them from below the top */
	ck_assert_uint_gt(checked, 1000);
	ck_assert_uint_gt(mid, 50);
	free(L.ev);
	free(docked_t);
	free(at);
	free(owner);
	bs_world_free(w);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_stop_flag)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "horizon.days=30", NULL);
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;
	atomic_int stop;

	atomic_init(&stop, 0);
	memset(&h, 0, sizeof(h));
	h.stop = &stop;
	h.on_trip = stop_after_first;
	h.trip_ud = &stop;
	ck_assert_int_eq(bs_sim_run(S, 1, &h, r, &err), BS_E_INTERRUPTED);
	bs_rep_result_free(r);
	bs_sim_free(S);
	done(w, sc);
}
END_TEST

/* A sum that is not finite is reported as a bug, never returned as a
 * result: here a price of inf (which no scenario can give: fees.price_yen
 * is at most 1e6) is forced into the tariff. */
START_TEST(test_infinite_sum_is_a_bug_not_a_result)
{
	struct bs_scenario *sc;
	struct bs_world *w = six(&sc, NULL);
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_error err;

	ck_assert(S && r);
	w->agr->price_yen[0] = HUGE_VAL;
	bs_error_clear(&err);
	ck_assert_int_eq(bs_sim_run(S, 1, NULL, r, &err), BS_E_RUN);
	ck_assert_str_eq(err.text,
			 "internal error: the REVENUE of replication 1 is not a finite number; please report this bug with the scenario");
	bs_rep_result_free(r);
	bs_sim_free(S);
	done(w, sc);
}
END_TEST

/* The runner: replications in slots by number whatever the threads, and
 * identical to single runs. */
START_TEST(test_runner_threads)
{
	/* the default streams, then rng philox */
	const char *rng[2] = {NULL, "rng=philox"};
	int g;

	for (g = 0; g < 2; g++) {
		struct bs_scenario *sc;
		struct bs_world *w = six(&sc, rng[g], NULL);
		struct bs_rep_result *one[5], *two[5];
		struct bs_runner_opts o;
		struct bs_error err;
		uint32_t nd, i;

		memset(&o, 0, sizeof(o));
		o.nreps = 5;
		o.jobs = 1;
		ck_assert_int_eq(bs_run_replications(&w->model, &o, one, &nd, &err), 0);
		ck_assert_uint_eq(nd, 5);
		o.jobs = 3;
		ck_assert_int_eq(bs_run_replications(&w->model, &o, two, &nd, &err), 0);
		for (i = 0; i < 5; i++) {
			ck_assert_uint_eq(one[i]->rep, i + 1);
			ck_assert_int_eq(memcmp(one[i]->raw, two[i]->raw,
						4 * BS_RAW_N * sizeof(double)), 0);
			bs_rep_result_free(one[i]);
			bs_rep_result_free(two[i]);
		}
		done(w, sc);
	}
}
END_TEST

/* ---- counter-based streams (rng philox) ------------------------------ */

/* Every request of a run as (origin, request time, destination, ride
 * minutes of an undiverted ride or -1). */
struct reqlog {
	size_t n, cap;
	double (*v)[4];
};

static int log_request(void *ud, const struct bs_trip_record *tr)
{
	struct reqlog *L = ud;

	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 4096;
		L->v = realloc(L->v, L->cap * sizeof(*L->v));
		ck_assert_ptr_nonnull(L->v);
	}
	L->v[L->n][0] = tr->origin;
	L->v[L->n][1] = tr->req_t;
	L->v[L->n][2] = tr->dest;
	L->v[L->n][3] = tr->rent_station != BS_NO_STATION && !tr->diversions
				? tr->return_t - tr->rent_t
				: -1.0;
	L->n++;
	return 0;
}

/* by origin, time and destination (the ride left out) */
static int cmp_req(const void *a, const void *b)
{
	const double *x = a, *y = b;
	int i;

	for (i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* The requests of replication rep of the Tokyo fixture with the given
 * --set overrides (NULL-ended), sorted by station and time; *cross gets
 * its cross-ward trips. */
static struct reqlog requests_of(uint32_t rep, double *cross, ...)
{
	const char *sets[8];
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_run_hooks h;
	struct bs_rep_result *r;
	struct reqlog L = {0, 0, NULL};
	char json[8192];
	size_t n = 0;
	va_list ap;

	va_start(ap, cross);
	while (n < 7 && (sets[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	sets[n] = NULL;
	tokyo_json(json, sizeof(json));
	w = world_from(json, sets, &sc);
	memset(&h, 0, sizeof(h));
	h.on_trip = log_request;
	h.trip_ud = &L;
	r = run1(w, rep, &h);
	*cross = raw(r, w->net->nwards, BS_RAW_CROSS);
	qsort(L.v, L.n, sizeof(*L.v), cmp_req);
	bs_rep_result_free(r);
	done(w, sc);
	return L;
}

static int same_requests(const struct reqlog *a, const struct reqlog *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (cmp_req(a->v[i], b->v[i]))
			return 0;
	return 1;
}

/* Common random numbers with rng philox: scenarios that differ in the
 * agreement see, replication by replication, the same requests at every
 * station (time and destination, so the same arrival sequence), though
 * the agreement changes what the riders do (cross-ward trips); and the
 * philox streams are not the taus2 ones (the key is in force). */
START_TEST(test_philox_common_random_numbers)
{
	uint32_t rep;

	for (rep = 1; rep <= 2; rep++) {
		double cf, ci, ct;
		struct reqlog full = requests_of(rep, &cf, "rng=philox", NULL);
		struct reqlog iso = requests_of(rep, &ci, "rng=philox",
						"agreement.type=isolated", NULL);
		struct reqlog taus = requests_of(rep, &ct, NULL);
		ck_assert_uint_gt(full.n, 1000);
		ck_assert_msg(same_requests(&full, &iso),
			      "replication %u: %zu requests under full, %zu under isolated, or other times",
			      rep, full.n, iso.n);
		ck_assert_double_gt(cf, 0.0);
		ck_assert_double_eq(ci, 0.0);
		ck_assert(!same_requests(&full, &taus));
		free(full.v);
		free(iso.v);
		free(taus.v);
	}
}
END_TEST

/* The six-port fixture's requests (as requests_of) of replication rep
 * with rng philox and up to three --set overrides (NULL-ended): uniform
 * destinations and exponential rides, the request block's inline path
 * (rng.h). */
static struct reqlog six_rides(uint32_t rep, ...)
{
	const char *sets[16];
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_run_hooks h;
	struct reqlog L = {0, 0, NULL};
	size_t n = 0;
	va_list ap;

	sets[n++] = "rng=philox";
	va_start(ap, rep);
	while (n < 15 && (sets[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	sets[n] = NULL;
	w = six(&sc, sets[0], n > 1 ? sets[1] : NULL, n > 2 ? sets[2] : NULL,
		n > 3 ? sets[3] : NULL, NULL);
	memset(&h, 0, sizeof(h));
	h.on_trip = log_request;
	h.trip_ud = &L;
	bs_rep_result_free(run1(w, rep, &h));
	qsort(L.v, L.n, sizeof(*L.v), cmp_req);
	done(w, sc);
	return L;
}

/* Common random numbers on the request block's path: switching round
 * trips on (each then a ride of round_trip_min x its variate, here the
 * mean ride), riders' choice on, or another fleet moves no request's
 * time, no destination (but the round trips', now the origin) and no
 * undiverted ride's variate; and replication 2 differs from 1. */
START_TEST(test_philox_crn_request_block)
{
	struct reqlog base = six_rides(1, NULL), rep2 = six_rides(2, NULL);
	struct reqlog alt[3];
	size_t a, i, rounds = 0, rides = 0;

	alt[0] = six_rides(1, "demand.round_trip_share=0.3",
			   "demand.round_trip_min=20", NULL);
	alt[1] = six_rides(1, "behaviour.choice=on", NULL);
	alt[2] = six_rides(1, "fleet.bikes=7", NULL);
	ck_assert_uint_gt(base.n, 500);
	ck_assert(!same_requests(&base, &rep2));
	for (a = 0; a < 3; a++) {
		ck_assert_uint_eq(alt[a].n, base.n);
		for (i = 0; i < base.n; i++) {
			const double *x = base.v[i], *y = alt[a].v[i];
			ck_assert(x[0] == y[0] && x[1] == y[1]);
			ck_assert(x[2] != x[0]); /* uniform: never the origin */
			if (a == 0 && y[2] == y[0])
				rounds++;
			else
				ck_assert(x[2] == y[2]);
			if (x[3] >= 0.0 && y[3] >= 0.0) {
				ck_assert(fabs(x[3] - y[3]) <= 1e-9 * (1.0 + x[3]));
				rides++;
			}
		}
		free(alt[a].v);
	}
	ck_assert_uint_gt(rounds, base.n / 5);
	ck_assert_uint_gt(rides, base.n);
	free(base.v);
	free(rep2.v);
}
END_TEST

/* A digest of every counted trip (FNV-1a over its fields' bytes). */
struct trip_digest {
	uint64_t h;
	size_t n;
};

static int digest_trip(void *ud, const struct bs_trip_record *tr)
{
	struct trip_digest *g = ud;
	const unsigned char *b[] = {(const void *)&tr->req_t,
				    (const void *)&tr->origin,
				    (const void *)&tr->dest,
				    (const void *)&tr->rent_station,
				    (const void *)&tr->return_station,
				    (const void *)&tr->return_t};
	const size_t len[] = {8, 4, 4, 4, 4, 8};
	size_t i, j;

	for (i = 0; i < 6; i++)
		for (j = 0; j < len[i]; j++)
			g->h = (g->h ^ b[i][j]) * UINT64_C(0x100000001b3);
	g->n++;
	return 0;
}

/* One replication of world w, its trips digested, with the destination
 * look-ahead (sim.c dst_ahead) as built (ahead = 1) or switched off. */
static struct bs_rep_result *run_ahead(struct bs_world *w, int ahead,
				       struct trip_digest *g)
{
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;

	ck_assert_ptr_nonnull(S);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(S->dst_ahead, 1); /* taus2, hourly tables */
	S->dst_ahead = ahead;
	memset(&h, 0, sizeof(h));
	memset(g, 0, sizeof(*g));
	g->h = UINT64_C(0xcbf29ce484222325);
	h.on_trip = digest_trip;
	h.trip_ud = g;
	ck_assert_int_eq(bs_sim_run(S, 2, &h, r, &err), 0);
	bs_sim_free(S);
	return r;
}

/*
 * The destination look-ahead (dst_ahead: a request's destination
 * uniform drawn from its stream when its arrival is scheduled and
 * carried, with the table cell it selects, in the slot event) draws the
 * same numbers as drawing it when the request is handled, its only
 * purpose being the cell's prefetch: the calibrated Tokyo day (hourly
 * tables, trucks, crews, depots), also with round trips and a calendar,
 * and with riders who choose; the same trips in the same order and the
 * same result bytes with it on and off. Fails if the word, the cell or
 * the hour it is taken for goes to another request. (That both agree
 * with the code before the look-ahead is scripts/reference.sh's.)
 */
START_TEST(test_dest_ahead_same_draws)
{
	/* as shipped; with round trips and a calendar; with riders who
	 * choose and user types (draws after the destination's, from
	 * streams of their own) */
	static const struct bs_set ovs[3][4] = {
		{{"horizon.days", "2"}},
		{{"horizon.days", "2"}, {"demand.round_trip_share", "0.2"},
		 {"demand.calendar.saturday", "0.6"},
		 {"horizon.start_weekday", "fri"}},
		{{"horizon.days", "2"}, {"behaviour.choice", "on"},
		 {"fees.cross_surcharge_yen", "100"}},
	};
	static const size_t nov[3] = {1, 4, 3};
	size_t v;

	for (v = 0; v < 3; v++) {
		struct bs_error err;
		struct bs_scenario *sc = bs_scenario_load(
			tu_abspath("scenarios/tokyo4_calibrated.json"), ovs[v],
			nov[v], &err);
		struct bs_world *w;
		struct bs_rep_result *a, *b;
		struct trip_digest ga, gb;
		size_t W;

		ck_assert_msg(sc != NULL, "%s", err.text);
		w = bs_world_build(sc, &err);
		ck_assert_msg(w != NULL, "%s", err.text);
		W = w->net->nwards;
		a = run_ahead(w, 1, &ga);
		b = run_ahead(w, 0, &gb);
		ck_assert_uint_gt(ga.n, 10000);
		ck_assert_uint_eq(ga.n, gb.n);
		ck_assert_msg(ga.h == gb.h, "variant %zu: other trips", v);
		ck_assert_int_eq(memcmp(a->raw, b->raw, (W + 1) * BS_RAW_N * sizeof(double)), 0);
		ck_assert_int_eq(memcmp(a->st, b->st, w->net->n * BS_ST_N * sizeof(double)), 0);
		bs_rep_result_free(a);
		bs_rep_result_free(b);
		bs_world_free(w);
		bs_scenario_free(sc);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("sim");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_conservation_everywhere);
	tcase_add_test(tc, test_same_replication_same_result);
	tcase_add_test(tc, test_common_random_numbers);
	tcase_add_test(tc, test_isolated_no_cross_ward);
	tcase_add_test(tc, test_bilateral_only_pairs);
	tcase_add_test(tc, test_tokyo_agreements_order);
	tcase_add_test(tc, test_walking);
	tcase_add_test(tc, test_trip_hook);
	tcase_add_test(tc, test_samples_and_window);
	tcase_add_test(tc, test_warmup_excluded);
	tcase_add_test(tc, test_bike_most_recent_eligible);
	tcase_add_test(tc, test_stop_flag);
	tcase_add_test(tc, test_runner_threads);
	tcase_add_test(tc, test_infinite_sum_is_a_bug_not_a_result);
	tcase_add_test(tc, test_philox_common_random_numbers);
	tcase_add_test(tc, test_philox_crn_request_block);
	tcase_add_test(tc, test_dest_ahead_same_draws);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
