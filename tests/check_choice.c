/*
 * check_choice.c - riders who choose (behaviour.choice, docs/model.md):
 * off is the old model byte for byte; a step walk tolerance truncates
 * exactly the rides whose walk is within it; an exponential one and a
 * price elasticity thin the rides by their closed forms, within the run's
 * own binomial interval; walking honours the agreement; a surcharge keeps
 * common random numbers; the shipped surcharge sweep responds.
 *
 * The closed forms are evaluated request by request from the trip log
 * (each request's walk is a fact of the network), so a test compares the
 * simulated count of rides with the sum of the requests' probabilities,
 * with a tolerance of z = 3.29 (two-sided 99.9 %) binomial standard
 * deviations of that sum. Seeds are fixed: each test is deterministic.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "model/sim.h"
#include "calib/world.h"
#include "testutil.h"

#define Z999 3.2905 /* two-sided 99.9 % normal quantile */

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

/* A world from scenario text and "key=value" overrides ended by NULL. */
static struct bs_world *world_v(const char *json, struct bs_scenario **scp,
				va_list ap)
{
	struct bs_set ov[16];
	char keys[16][128];
	struct bs_error err;
	struct bs_world *w;
	char *p = tu_write(dir, "base.json", json);
	const char *s;
	size_t n = 0;

	while (n < 16 && (s = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(s, '=');
		ck_assert_ptr_nonnull(eq);
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)(eq - s), s);
		ov[n].key = keys[n];
		ov[n].value = eq + 1;
		n++;
	}
	*scp = bs_scenario_load(p, ov, n, &err);
	free(p);
	ck_assert_msg(*scp != NULL, "%s", err.text);
	w = bs_world_build(*scp, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	return w;
}

/* The real four-ward network, gravity demand, one measured day; riders
 * rent where they stand (no walking) unless a test sets walk_radius_m. */
static struct bs_world *tokyo(struct bs_scenario **scp, ...)
{
	char json[4096];
	struct bs_world *w;
	va_list ap;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 7, \"replications\": 1,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 4000},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 20000},"
		 " \"behaviour\": {\"walk_radius_m\": 0}}",
		 tu_abspath("data/tokyo4_stations.csv"));
	va_start(ap, scp);
	w = world_v(json, scp, ap);
	va_end(ap);
	return w;
}

static void done(struct bs_world *w, struct bs_scenario *sc)
{
	bs_world_free(w);
	bs_scenario_free(sc);
}

/* ---- trip logs ---------------------------------------------------------- */

struct log {
	struct bs_trip_record *r;
	size_t n, cap;
};

static int keep(void *ud, const struct bs_trip_record *tr)
{
	struct log *l = ud;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->r = realloc(l->r, l->cap * sizeof(*l->r));
		ck_assert_ptr_nonnull(l->r);
	}
	l->r[l->n++] = *tr;
	return 0;
}

/* Replication 1 of w, every counted trip into *l (may be NULL). */
static struct bs_rep_result *run_log(struct bs_world *w, struct log *l)
{
	struct bs_sim *S = bs_sim_alloc(&w->model);
	struct bs_rep_result *r = bs_rep_result_alloc(&w->model);
	struct bs_run_hooks h;
	struct bs_error err;
	int rc;

	ck_assert_ptr_nonnull(S);
	ck_assert_ptr_nonnull(r);
	memset(&h, 0, sizeof(h));
	h.paranoid = 1;
	if (l) {
		memset(l, 0, sizeof(*l));
		h.on_trip = keep;
		h.trip_ud = l;
	}
	rc = bs_sim_run(S, 1, &h, r, &err);
	ck_assert_msg(rc == 0, "run failed: %s", err.text);
	bs_sim_free(S);
	return r;
}

static int rode(const struct bs_trip_record *t)
{
	return t->outcome == BS_TRIP_COMPLETED || t->outcome == BS_TRIP_UNFINISHED;
}

static uint32_t ward_of(const struct bs_world *w, uint32_t s)
{
	return w->net->ward[s];
}

struct in_ward {
	const struct bs_network *net;
	uint32_t ward;
};

static int in_ward(const void *ud, uint32_t s)
{
	const struct in_ward *p = ud;

	return p->net->ward[s] == p->ward;
}

/* The nearest port of ward rw to d: the surcharge-free option. */
static uint32_t nearest_in(const struct bs_world *w, uint32_t rw, uint32_t d)
{
	struct in_ward p = {w->net, rw};

	return bs_network_nearest(w->net, d, 0, in_ward, &p, NULL);
}

/* Observed successes against the sum of their probabilities. */
struct bern {
	double obs, mean, var;
	size_t n;
};

static void bern_add(struct bern *b, double p, int success)
{
	b->obs += success;
	b->mean += p;
	b->var += p * (1.0 - p);
	b->n++;
}

static void bern_check(const struct bern *b, const char *what)
{
	double tol = Z999 * sqrt(b->var);

	ck_assert_msg(b->n > 1000, "%s: only %zu requests", what, b->n);
	ck_assert_msg(fabs(b->obs - b->mean) <= tol,
		      "%s: %g rides of %zu requests, closed form %g +- %g",
		      what, b->obs, b->n, b->mean, tol);
}

/* ---- off is the old model ----------------------------------------------- */

static void same_results(const struct bs_world *w, const struct bs_rep_result *a,
			 const struct bs_rep_result *b)
{
	size_t W = w->net->nwards;

	ck_assert_int_eq(memcmp(a->raw, b->raw, (W + 1) * BS_RAW_N * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a->flows, b->flows, W * W * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a->settle, b->settle, W * W * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a->st, b->st, w->net->n * BS_ST_N * sizeof(double)), 0);
}

/* "off" given is "off" absent, bit for bit (scripts/reference.sh holds the
 * absent case against the shipped outputs); and choosing riders with
 * nothing to choose (full mutual use, no surcharge, the reference fare)
 * ride exactly as riders who do not choose: the choice stream changes
 * nothing else. */
START_TEST(test_off_is_the_old_model)
{
	struct bs_scenario *s1, *s2, *s3, *s4;
	struct bs_world *w1 = tokyo(&s1, "agreement.type=isolated",
				    "behaviour.walk_radius_m=300", NULL);
	struct bs_world *w2 = tokyo(&s2, "agreement.type=isolated",
				    "behaviour.walk_radius_m=300",
				    "behaviour.choice=off", NULL);
	struct bs_world *w3 = tokyo(&s3, "behaviour.walk_radius_m=300", NULL);
	struct bs_world *w4 = tokyo(&s4, "behaviour.walk_radius_m=300",
				    "behaviour.choice=on", NULL);
	struct bs_rep_result *a = run_log(w1, NULL), *b = run_log(w2, NULL);
	struct bs_rep_result *c = run_log(w3, NULL), *d = run_log(w4, NULL);

	ck_assert_int_eq(s2->p.choice, BS_CHOICE_OFF);
	ck_assert_int_eq(s4->p.choice, BS_CHOICE_ON);
	same_results(w1, a, b);
	same_results(w3, c, d);
	ck_assert_double_gt(a->raw[4 * BS_RAW_N + BS_RAW_LOST_FORBIDDEN], 0.0);
	bs_rep_result_free(a);
	bs_rep_result_free(b);
	bs_rep_result_free(c);
	bs_rep_result_free(d);
	done(w1, s1);
	done(w2, s2);
	done(w3, s3);
	done(w4, s4);
}
END_TEST

/* ---- forbidden return: the walk left ------------------------------------ */

/*
 * Isolated wards, a step tolerance of 400 m, no walking to rent (so the
 * rider rents where they asked, and the bike is that ward's): every
 * request for another ward rides, truncated at the nearest port of its own
 * ward to the destination, exactly when that port's walk to the
 * destination is within 400 m; else it is lost_forbidden. Checked on every
 * trip of the log; no price effect at the reference fare.
 */
START_TEST(test_step_tolerance_truncates_exactly)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "agreement.type=isolated",
				   "behaviour.choice=on",
				   "behaviour.walk_tolerance=\"step\"",
				   "behaviour.walk_tolerance_m=400", NULL);
	struct bs_rep_result *r;
	struct log l;
	size_t i, trunc = 0, lostf = 0, n = w->net->n;

	r = run_log(w, &l);
	for (i = 0; i < l.n; i++) {
		const struct bs_trip_record *t = &l.r[i];
		uint32_t wo = ward_of(w, t->origin), target;
		double walk;
		ck_assert_int_ne(t->outcome, BS_TRIP_LOST_PRICE);
		if (t->outcome == BS_TRIP_LOST_NO_BIKE)
			continue;
		if (wo == ward_of(w, t->dest)) {
			ck_assert_msg(rode(t) && !t->truncated,
				      "a ride within its ward is always taken, whole");
			continue;
		}
		target = w->agr->nearest[(size_t)wo * n + t->dest];
		/* the model keeps walks as float (sim_internal.h) */
		walk = (double)(float)bs_network_dist(w->net, target, t->dest);
		if (target != t->origin && walk <= 400.0) {
			ck_assert_msg(rode(t) && t->truncated,
				      "walk %.1f m within 400 m: truncated ride", walk);
			if (t->outcome == BS_TRIP_COMPLETED && t->diversions == 0)
				ck_assert_uint_eq(t->return_station, target);
			trunc++;
		} else {
			ck_assert_msg(t->outcome == BS_TRIP_LOST_FORBIDDEN,
				      "walk %.1f m beyond 400 m: not ridden", walk);
			lostf++;
		}
	}
	ck_assert_uint_gt(trunc, 100);
	ck_assert_uint_gt(lostf, 100);
	ck_assert_double_eq((double)trunc, r->raw[4 * BS_RAW_N + BS_RAW_TRUNCATED]);
	free(l.r);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* The default exponential tolerance, P(W >= w) = exp(-0.00194 w): the
 * truncated rides of the same isolated network number the sum of
 * exp(-0.00194 w) over the requests for another ward. */
START_TEST(test_exponential_tolerance_share)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "agreement.type=isolated",
				   "behaviour.choice=on", NULL);
	struct bs_rep_result *r;
	struct bern b = {0};
	struct log l;
	size_t i, n = w->net->n;

	ck_assert_double_eq(sc->p.walk_decay_per_m, 0.00194);
	r = run_log(w, &l);
	for (i = 0; i < l.n; i++) {
		const struct bs_trip_record *t = &l.r[i];
		uint32_t wo = ward_of(w, t->origin), target;
		double p;
		if (t->outcome == BS_TRIP_LOST_NO_BIKE || wo == ward_of(w, t->dest))
			continue;
		target = w->agr->nearest[(size_t)wo * n + t->dest];
		p = target == t->origin
			    ? 0.0
			    : exp(-0.00194 * bs_network_dist(w->net, target, t->dest));
		bern_add(&b, p, rode(t));
	}
	bern_check(&b, "exponential walk tolerance");
	free(l.r);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* ---- price -------------------------------------------------------------- */

/*
 * Full mutual use, a 100-yen surcharge, elasticity -0.4, a step tolerance
 * of 0 m (no walk is tolerable, so no rider can dodge the surcharge):
 * requests for another ward ride with probability ((165 + 100) / 165)^-0.4
 * = 0.8274; requests within the ward always ride (the reference fare).
 */
START_TEST(test_price_without_walk_option)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "behaviour.choice=on",
				   "behaviour.walk_tolerance=\"step\"",
				   "behaviour.walk_tolerance_m=0",
				   "fees.cross_surcharge_yen=100", NULL);
	double pa = pow(265.0 / 165.0, -0.4);
	struct bern b = {0};
	struct bs_rep_result *r;
	struct log l;
	size_t i, lostp = 0;

	ck_assert_double_eq(sc->p.price_elasticity, -0.4);
	ck_assert_double_eq(sc->p.ref_fare_yen, 165.0);
	r = run_log(w, &l);
	for (i = 0; i < l.n; i++) {
		const struct bs_trip_record *t = &l.r[i];
		if (t->outcome == BS_TRIP_LOST_NO_BIKE)
			continue;
		ck_assert_int_ne(t->outcome, BS_TRIP_LOST_FORBIDDEN);
		lostp += t->outcome == BS_TRIP_LOST_PRICE;
		if (ward_of(w, t->origin) == ward_of(w, t->dest)) {
			ck_assert_msg(rode(t), "a ride at the reference fare is taken");
			continue;
		}
		ck_assert_int_eq(t->truncated, 0);
		bern_add(&b, pa, rode(t));
	}
	bern_check(&b, "surcharge, no walk option");
	ck_assert_double_eq((double)lostp, r->raw[4 * BS_RAW_N + BS_RAW_LOST_PRICE]);
	free(l.r);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/*
 * Members weigh their own marginal fare (fares.c): inside 30 minutes a
 * monthly member's one-block fare is 0, so only the surcharge prices the
 * ride. All riders members, no walk option: within a ward every request
 * rides; across wards at a 300-yen surcharge, P = (300/165)^-0.4; at a
 * 100-yen one (under the reference fare), every request rides.
 */
START_TEST(test_members_weigh_their_marginal_fare)
{
	static const char *const surcharge[] = {"fees.cross_surcharge_yen=300",
						"fees.cross_surcharge_yen=100"};
	const double pcross[] = {pow(300.0 / 165.0, -0.4), 1.0};

	for (size_t k = 0; k < 2; k++) {
		struct bs_scenario *sc;
		struct bs_world *w = tokyo(&sc, "behaviour.choice=on",
					   "behaviour.walk_tolerance=\"step\"",
					   "behaviour.walk_tolerance_m=0",
					   "fees.users.pay_per_ride=0",
					   "fees.users.monthly=1", surcharge[k],
					   NULL);
		struct bern b = {0};
		struct bs_rep_result *r;
		struct log l;
		size_t i;

		r = run_log(w, &l);
		for (i = 0; i < l.n; i++) {
			const struct bs_trip_record *t = &l.r[i];
			if (t->outcome == BS_TRIP_LOST_NO_BIKE)
				continue;
			if (ward_of(w, t->origin) == ward_of(w, t->dest)) {
				ck_assert_msg(rode(t), "a member's ride in the ward costs nothing at the ride");
				continue;
			}
			if (pcross[k] == 1.0)
				ck_assert_msg(rode(t), "a surcharge under the reference fare turns no member away");
			else
				bern_add(&b, pcross[k], rode(t));
		}
		if (pcross[k] < 1.0)
			bern_check(&b, "members at a 300-yen surcharge");
		free(l.r);
		bs_rep_result_free(r);
		done(w, sc);
	}
}
END_TEST

/*
 * The walk option: price 200 yen a block, surcharge 100, the default
 * exponential tolerance. A request for another ward rides at 300 yen with
 * P(A) = (300/165)^-0.4; else, with U between P(A) and P(B) = (200/165)^-0.4,
 * it rides to the renting ward's port nearest the destination when the
 * walk w from there is tolerated: P = P(A) + (P(B) - P(A)) exp(-0.00194 w).
 * Requests within the ward ride with P(B).
 */
START_TEST(test_price_with_walk_option)
{
	struct bs_scenario *sc;
	struct bs_world *w = tokyo(&sc, "behaviour.choice=on",
				   "fees.price_yen=200",
				   "fees.cross_surcharge_yen=100", NULL);
	double pa = pow(300.0 / 165.0, -0.4), pb = pow(200.0 / 165.0, -0.4);
	struct bern cross = {0}, within = {0}, dodged = {0};
	struct bs_rep_result *r;
	struct log l;
	size_t i;

	r = run_log(w, &l);
	for (i = 0; i < l.n; i++) {
		const struct bs_trip_record *t = &l.r[i];
		uint32_t wo = ward_of(w, t->origin), alt;
		double p = pa, q = 0.0;
		if (t->outcome == BS_TRIP_LOST_NO_BIKE)
			continue;
		if (wo == ward_of(w, t->dest)) {
			bern_add(&within, pb, rode(t));
			continue;
		}
		alt = nearest_in(w, wo, t->dest);
		if (alt != t->origin)
			q = (pb - pa) * exp(-0.00194 * bs_network_dist(w->net, alt, t->dest));
		bern_add(&cross, p + q, rode(t));
		bern_add(&dodged, q, rode(t) && t->truncated);
	}
	bern_check(&within, "price within the ward");
	bern_check(&cross, "surcharge with the walk option, P(A) + P(B)");
	bern_check(&dodged, "riders who dodge the surcharge by walking");
	free(l.r);
	bs_rep_result_free(r);
	done(w, sc);
}
END_TEST

/* ---- common random numbers ---------------------------------------------- */

static int by_request(const void *a, const void *b)
{
	const struct bs_trip_record *x = a, *y = b;

	if (x->req_t != y->req_t)
		return x->req_t < y->req_t ? -1 : 1;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return (x->dest > y->dest) - (x->dest < y->dest);
}

/* Two runs that differ only in the surcharge request the same trips: the
 * same times, origins and destinations, request by request (the choice
 * draws come from their own stream, a fixed two per request). */
START_TEST(test_surcharge_keeps_common_random_numbers)
{
	struct bs_scenario *s1, *s2;
	struct bs_world *w1 = tokyo(&s1, "behaviour.choice=on",
				    "behaviour.walk_radius_m=300", NULL);
	struct bs_world *w2 = tokyo(&s2, "behaviour.choice=on",
				    "behaviour.walk_radius_m=300",
				    "fees.cross_surcharge_yen=200", NULL);
	struct bs_rep_result *a, *b;
	struct log la, lb;
	size_t i;

	a = run_log(w1, &la);
	b = run_log(w2, &lb);
	ck_assert_uint_eq(la.n, lb.n);
	qsort(la.r, la.n, sizeof(*la.r), by_request);
	qsort(lb.r, lb.n, sizeof(*lb.r), by_request);
	for (i = 0; i < la.n; i++) {
		ck_assert_double_eq(la.r[i].req_t, lb.r[i].req_t);
		ck_assert_uint_eq(la.r[i].origin, lb.r[i].origin);
		ck_assert_uint_eq(la.r[i].dest, lb.r[i].dest);
	}
	/* and the surcharge did change what riders did */
	ck_assert_double_eq(a->raw[4 * BS_RAW_N + BS_RAW_LOST_PRICE], 0.0);
	ck_assert_double_gt(b->raw[4 * BS_RAW_N + BS_RAW_LOST_PRICE], 100.0);
	ck_assert_double_lt(b->raw[4 * BS_RAW_N + BS_RAW_CROSS],
			    a->raw[4 * BS_RAW_N + BS_RAW_CROSS]);
	free(la.r);
	free(lb.r);
	bs_rep_result_free(a);
	bs_rep_result_free(b);
	done(w1, s1);
	done(w2, s2);
}
END_TEST

/* ---- walking honours the agreement -------------------------------------- */

/*
 * Three ports: O (ward A, empty at the start), P1 (ward B, 100 m east of
 * O, 5 bikes) and P2 (ward A, 250 m north of O, 5 bikes); isolated wards;
 * the stock as given (fleet.ownership "stock").
 * A rider at O for P2 finding O empty walks, with choice, to P2, whose
 * bikes may go to A, never to the nearer P1, whose bikes may not; without
 * choice they walk to P1 and are lost to the agreement.
 */
static struct bs_world *three(struct bs_scenario **scp, const char *choice)
{
	char json[2048];
	char *st = tu_write(dir, "three.csv",
			    "station_id,name,ward,lat,lon,capacity\n"
			    "O,Origin,A,35.68000,139.76000,10\n"
			    "P1,East,B,35.68000,139.76110,10\n"
			    "P2,North,A,35.68225,139.76000,10\n");
	char *stock = tu_write(dir, "stock.csv", "station_id,bikes\nO,0\nP1,5\nP2,5\n");
	struct bs_world *w;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 3, \"replications\": 1,"
		 " \"horizon\": {\"days\": 20, \"warmup_days\": 0},"
		 " \"network\": {\"stations\": \"%s\"},"
		 " \"fleet\": {\"initial\": \"%s\", \"ownership\": \"stock\"},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 2},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 15}},"
		 " \"agreement\": {\"type\": \"isolated\"},"
		 " \"behaviour\": {\"walk_radius_m\": 300, \"choice\": \"%s\"}}",
		 st, stock, choice);
	free(st);
	free(stock);
	{
		struct bs_error err;
		char *p = tu_write(dir, "three.json", json);
		*scp = bs_scenario_load(p, NULL, 0, &err);
		free(p);
		ck_assert_msg(*scp != NULL, "%s", err.text);
		w = bs_world_build(*scp, &err);
		ck_assert_msg(w != NULL, "%s", err.text);
	}
	return w;
}

START_TEST(test_walking_honours_the_agreement)
{
	struct bs_scenario *s1, *s2;
	struct bs_world *on = three(&s1, "on"), *off = three(&s2, "off");
	uint32_t O = bs_network_find(on->net, "O"), P1 = bs_network_find(on->net, "P1"),
		 P2 = bs_network_find(on->net, "P2");
	struct bs_rep_result *a, *b;
	struct log la, lb;
	size_t i, walked = 0, via_b = 0;

	a = run_log(on, &la);
	b = run_log(off, &lb);
	for (i = 0; i < la.n; i++) {
		const struct bs_trip_record *t = &la.r[i];
		if (t->origin != O || t->dest != P2 || !rode(t))
			continue;
		ck_assert_uint_ne(t->rent_station, P1);
		walked += t->rent_station == P2;
	}
	for (i = 0; i < lb.n; i++) {
		const struct bs_trip_record *t = &lb.r[i];
		via_b += t->origin == O && t->dest == P2 &&
			 t->outcome == BS_TRIP_LOST_FORBIDDEN;
	}
	ck_assert_uint_gt(walked, 10);
	ck_assert_uint_gt(via_b, 10);
	free(la.r);
	free(lb.r);
	bs_rep_result_free(a);
	bs_rep_result_free(b);
	done(on, s1);
	done(off, s2);
}
END_TEST

/* ---- the shipped surcharge sweep ---------------------------------------- */

#define NPOINTS 5
#define MAXREP 64

/* value[point][rep] of metric at ward "all" from sweep_replications.csv */
static void read_metric(const char *csv, const char *metric,
			double v[NPOINTS][MAXREP], size_t *nrep)
{
	char *text = tu_slurp(csv, NULL), *line, *save = NULL;
	char want[64];

	ck_assert_ptr_nonnull(text);
	snprintf(want, sizeof(want), ",all,%s,", metric);
	*nrep = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned pt, rep;
		double s;
		char *at = strstr(line, want);
		if (!at || sscanf(line, "%u,%lf,%u,", &pt, &s, &rep) != 3)
			continue;
		ck_assert(pt >= 1 && pt <= NPOINTS && rep >= 1 && rep <= MAXREP);
		v[pt - 1][rep - 1] = strtod(at + strlen(want), NULL);
		if (rep > *nrep)
			*nrep = rep;
	}
	free(text);
}

/* Paired 95 % interval of the mean of b - a over n replications. */
static void paired(const double *a, const double *b, size_t n, double *lo,
		   double *hi)
{
	double m = 0.0, ss = 0.0, h;
	size_t i;

	for (i = 0; i < n; i++)
		m += (b[i] - a[i]) / (double)n;
	for (i = 0; i < n; i++)
		ss += (b[i] - a[i] - m) * (b[i] - a[i] - m);
	h = gsl_cdf_tdist_Pinv(0.975, (double)n - 1.0) * sqrt(ss / ((double)n - 1.0) / (double)n);
	*lo = m - h;
	*hi = m + h;
}

/* scenarios/tokyo4_surcharge_sweep.json, as shipped: each step up in the
 * surcharge (0, 50, 100, 200, 300 yen) cuts cross-ward trips and changes
 * revenue, each by a paired 95 % interval that excludes zero. */
START_TEST(test_surcharge_sweep_responds)
{
	static double cross[NPOINTS][MAXREP], rev[NPOINTS][MAXREP];
	char *out = NULL, *err = NULL, csv[4096];
	size_t k, nrep, nrep2;
	int st;

	st = tu_cli(NULL, &out, &err, "sweep %s -o %s/sw -q",
		    tu_abspath("scenarios/tokyo4_surcharge_sweep.json"), dir);
	ck_assert_msg(st == 0, "sweep failed: %s", err ? err : "");
	snprintf(csv, sizeof(csv), "%s/sw/sweep_replications.csv", dir);
	read_metric(csv, "cross_ward_trips", cross, &nrep);
	read_metric(csv, "revenue_yen", rev, &nrep2);
	ck_assert_uint_eq(nrep, 10);
	ck_assert_uint_eq(nrep2, 10);
	for (k = 0; k + 1 < NPOINTS; k++) {
		double lo, hi;
		paired(cross[k], cross[k + 1], nrep, &lo, &hi);
		ck_assert_msg(hi < 0.0, "point %zu -> %zu: cross-ward change [%g, %g]",
			      k + 1, k + 2, lo, hi);
		paired(rev[k], rev[k + 1], nrep, &lo, &hi);
		ck_assert_msg(lo > 0.0 || hi < 0.0,
			      "point %zu -> %zu: revenue change [%g, %g]", k + 1,
			      k + 2, lo, hi);
	}
	free(out);
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("choice");
	TCase *tc = tcase_create("choice");

	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_off_is_the_old_model);
	tcase_add_test(tc, test_step_tolerance_truncates_exactly);
	tcase_add_test(tc, test_exponential_tolerance_share);
	tcase_add_test(tc, test_price_without_walk_option);
	tcase_add_test(tc, test_price_with_walk_option);
	tcase_add_test(tc, test_members_weigh_their_marginal_fare);
	tcase_add_test(tc, test_surcharge_keeps_common_random_numbers);
	tcase_add_test(tc, test_walking_honours_the_agreement);
	tcase_add_test(tc, test_surcharge_sweep_responds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
