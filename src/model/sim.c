/*
 * sim.c - the event loop of one replication (see sim.h): arrivals,
 * rentals, rides, diversions, returns, samples. Trucks, swap crews and the
 * nightly dock fees are processes plugged into the loop (ops.c,
 * settle.c); the shared state is in sim_internal.h.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "engine/rng.h"
#include "model/depot.h"

#define DRAIN_MIN 1440.0
#define CHECK_EVERY 65536u
/* Ride speed used for battery use when rides are timed, not measured. */
#define EXP_RIDE_KMH 12.0

/* ---- accounting ------------------------------------------------------ */

void bs__st_low(struct bs_sim *S, const struct bs__station *st, double t,
		uint32_t stock, uint32_t usable)
{
	bs__ward_low_touch(S, st->ward, t);
	S->w_low[st->ward] += (stock - usable) - (st->stock - st->usable);
}

static void ward_refuse_touch(struct bs_sim *S, uint32_t w, double t)
{
	if (S->integrating)
		*bs__raw(S, w, BS_RAW_REFUSE_T) +=
			S->w_refuse[w] * (t - S->w_refuse_tlast[w]);
	S->w_refuse_tlast[w] = t;
}

void bs__st_refuse(struct bs_sim *S, uint32_t w, double t, int on)
{
	ward_refuse_touch(S, w, t);
	S->w_refuse[w] += on ? 1u : (uint32_t)-1;
}

static inline void ward_inuse_touch(struct bs_sim *S, uint32_t w, double t)
{
	if (S->integrating)
		*bs__raw(S, w, BS_RAW_INUSE_INT) +=
			S->w_inuse[w] * (t - S->w_tlast[w]);
	S->w_tlast[w] = t;
}

static inline void count_rental(struct bs_sim *S, uint32_t s)
{
	if (S->integrating)
		S->st[s].rentals++;
}

/* A return at st of a bike rented in ward rw: a visitor when the wards
 * differ (per-tag metrics; only when the network has tags, so that a run
 * without them does no extra work). */
static inline void count_visitor(struct bs_sim *S, uint32_t x, uint32_t rw)
{
	if (S->visitors && S->integrating && S->st[x].ward != rw)
		S->visitors[x]++;
}

/* ---- behaviour ------------------------------------------------------- */

struct dock_pred {
	const struct bs_sim *S;
	const struct bs_agreement *agr;
	unsigned owner;
};

static int free_allowed_dock(const void *ud, uint32_t s)
{
	const struct dock_pred *p = ud;
	const struct bs__station *st = &p->S->st[s];

	return st->stock < st->lim &&
	       bs_agreement_allows(p->agr, p->owner, st->ward);
}

/* Minutes of a leg from `from` to `to`, and in *km the kilometres it
 * will add to the trip (0 for timed rides). One distance at most. */
static double leg_minutes(const struct bs_sim *S, uint32_t from, uint32_t to,
			  double variate, float *km)
{
	const struct bs_params *p = &S->m->p;
	double d, v;

	if (p->dur == BS_DUR_EXPONENTIAL) {
		*km = 0.0f;
		return p->mean_min * variate;
	}
	d = bs_network_dist(S->m->net, from, to);
	*km = (float)(p->detour * d / 1000.0);
	v = p->detour * d / (p->speed_kmh * 1000.0 / 60.0) * variate;
	return v < p->min_min ? p->min_min : v;
}

/* The kilometres of a leg from x back to x (0 for timed rides): a rider
 * waiting at a full port, a round trip. */
static float stay_km(const struct bs_sim *S, uint32_t x)
{
	const struct bs_params *p = &S->m->p;

	return p->dur == BS_DUR_DISTANCE
		       ? (float)(p->detour * bs_network_dist(S->m->net, x, x) /
				 1000.0)
		       : 0.0f;
}

/* One duration variate: Exp(1) or a mean-one log-normal factor. */
static inline double draw_variate(const struct bs_params *p, gsl_rng *r)
{
	if (p->dur == BS_DUR_EXPONENTIAL)
		return bs__exp1(r);
	return gsl_ran_lognormal(r, -0.5 * p->noise_sd * p->noise_sd,
				 p->noise_sd);
}

/* ---- arrival: did the rider get where they wanted? ------------------- */

/* The ward of a trip's origin: its renting port's (kept in the trip)
 * unless the rider walked to another port to rent. */
static inline uint32_t origin_ward(const struct bs_sim *S,
				   const struct bs__trip *tr)
{
	return tr->origin == tr->rent_st ? tr->rent_w : S->st[tr->origin].ward;
}

/* Metres the rider walks from return port x to destination d: 0 at d
 * itself, so the usual trip costs no sine. */
static inline double walk_after_m(const struct bs_sim *S, uint32_t x,
				  uint32_t d)
{
	return x == d ? 0.0 : bs_network_dist(S->m->net, x, d);
}

/*
 * The arrival counters of a counted trip that has just docked at x (the
 * origin's ward, like trips_completed): the walk left to the destination,
 * and whether the trip reached it. Reached: not truncated (the agreement
 * did not stop it short) and docked at the destination or, after full-port
 * diversions, within behaviour.walk_radius_m of it (docs/outputs.md).
 * Kept apart from on_return so that changes to the return choice merge
 * around it. One distance at most: O(1), no allocation.
 */
static inline void count_arrival(struct bs_sim *S, const struct bs__trip *tr,
				 uint32_t x)
{
	size_t w = origin_ward(S, tr);
	double walk = walk_after_m(S, x, tr->dest);

	*bs__raw(S, w, BS_RAW_WALK_AFTER_M) += walk;
	if (!(tr->flags & BS__TRIP_TRUNCATED) && (x == tr->dest || walk <= S->m->p.walk_radius_m))
		*bs__raw(S, w, BS_RAW_REACHED) += 1.0;
}

static int report_trip(struct bs_sim *S, const struct bs__trip *tr,
		       int outcome, uint32_t bike, uint32_t ret_st, double t,
		       double fare, double req_t)
{
	struct bs_trip_record rec;

	if (!S->hooks || !S->hooks->on_trip)
		return 0;
	rec.rep = S->rep;
	rec.req_t = req_t;
	rec.origin = tr->origin;
	rec.dest = tr->dest;
	rec.outcome = outcome;
	rec.rent_station = tr->rent_st;
	rec.return_station = ret_st;
	rec.rent_t = tr->rent_t;
	rec.return_t = t;
	rec.diversions = tr->diversions;
	rec.truncated = (tr->flags & BS__TRIP_TRUNCATED) != 0;
	rec.bike = bike;
	rec.owner = bike == BS_NO_STATION ? 0 : S->owner[bike];
	rec.fare_yen = fare;
	rec.walk_after_m = outcome == BS_TRIP_COMPLETED
				   ? walk_after_m(S, ret_st, tr->dest)
				   : (double)NAN;
	return S->hooks->on_trip(S->hooks->trip_ud, &rec);
}

static int lost(struct bs_sim *S, uint32_t o, uint32_t d, double t,
		int counted, int outcome)
{
	struct bs__trip tr;

	if (!counted)
		return 0;
	*bs__raw(S, S->st[o].ward,
		 outcome == BS_TRIP_LOST_NO_BIKE ? BS_RAW_LOST_NO_BIKE
		 : outcome == BS_TRIP_LOST_PRICE ? BS_RAW_LOST_PRICE
						 : BS_RAW_LOST_FORBIDDEN) += 1.0;
	memset(&tr, 0, sizeof(tr));
	tr.origin = o;
	tr.dest = d;
	tr.rent_st = BS_NO_STATION;
	tr.rent_t = (double)NAN;
	return report_trip(S, &tr, outcome, BS_NO_STATION, BS_NO_STATION,
			   (double)NAN, 0.0, t);
}

/* Rent the bike at stack position pos of r and send it to target. */
/* A round trip (demand.round_trip_share) rides its mean minutes x its
 * variate (at least min_min under the distance model), not the
 * distance to its port: out and back again. */
static double round_minutes(const struct bs_params *p, double minutes,
			    double variate)
{
	double v = minutes * variate;

	return p->dur != BS_DUR_EXPONENTIAL && v < p->min_min ? p->min_min : v;
}

static int start_ride(struct bs_sim *S, uint32_t o, uint32_t r, uint32_t pos,
		      uint32_t d, uint32_t target, double t, int counted,
		      double variate, uint32_t user, int round)
{
	uint32_t b = bs__take(S, r, pos, t, BS_RIDING);
	uint32_t id = bs__trip_get(&S->trips);
	struct bs__trip *tr = &S->trips.rec[id];
	float leg_km = 0.0f;
	double min;

	count_rental(S, r);
	if (S->user)
		S->user[b] = (uint8_t)user;
	tr->rent_t = t;
	tr->bike = b;
	tr->origin = o;
	tr->rent_st = r;
	tr->dest = d;
	tr->diversions = 0;
	tr->rent_w = (uint8_t)S->st[r].ward;
	tr->flags = (uint8_t)((counted ? BS__TRIP_COUNTED : 0u) |
			      (target != d ? BS__TRIP_TRUNCATED : 0u));
	if (counted) {
		if (target != d)
			*bs__raw(S, S->st[o].ward, BS_RAW_TRUNCATED) += 1.0;
		if (r != o)
			*bs__raw(S, S->st[o].ward, BS_RAW_WALKED) += 1.0;
	}
	ward_inuse_touch(S, S->st[r].ward, t);
	S->w_inuse[S->st[r].ward]++;
	S->inuse_total++;
	if (round) { /* out and back: the leg from r to r */
		leg_km = stay_km(S, r);
		min = round_minutes(&S->m->p, S->m->dem->round_min, variate);
	} else {
		min = leg_minutes(S, r, target, variate, &leg_km);
	}
	/* 0 + the first leg's kilometres, as its return used to add them
	 * (leg_km is 0 for timed rides, whose km stays 0 as before) */
	tr->km = leg_km;
	if (bs_engine_schedule(&S->eng, t + min, EV_RETURN, id, target))
		return BS_E_NOMEM;
	return 0;
}

/* ---- arrivals ---------------------------------------------------------- */

/*
 * Station o's next request, number `draw`, at t, into its slot. With rng
 * taus2 and destination tables (dst_ahead) its destination uniform is
 * the next word w of o's destination stream (gsl_rng_uniform would have
 * returned w / 2^32, bs_rng_taus32's get_double), drawn now rather than
 * when the request is handled: the same words of the same stream in the
 * same order, so no number moves. The event then carries w (payload b)
 * and the first cell of the packed table the draw will read (payload c,
 * where other modes carry the request's number, which only rng philox
 * reads; UINT32_MAX: none, bs_demand_dest_at_u then), so that the cell
 * can be prefetched an event ahead (dest_ahead_prefetch).
 */
static void arrival_slot(struct bs_sim *S, uint32_t o, double t,
			 uint32_t draw)
{
	uint32_t w;
	size_t c;

	if (!S->dst_ahead) {
		bs_engine_set_slot(&S->eng, o, t, EV_ARRIVAL, o, 0, draw);
		return;
	}
	w = bs_taus32_next(bs__rs_t32(S, o, RS_DST));
	c = bs_demand_dest_table(S->m->dem, o, t);
	bs_engine_set_slot(&S->eng, o, t, EV_ARRIVAL, o, w,
			   c < UINT32_MAX ? (uint32_t)c : UINT32_MAX);
}

/* Start loading the destination cell of the next arrival the slots will
 * deliver, when the tree knows it (dst_ahead): an event of look-ahead,
 * where the request's own prefetch overlapped only its rate inversion
 * and replay (docs/performance.md). Changes no result. Always inline:
 * out of line, GCC's IPA sees a function without side effects (a
 * prefetch is none to it) and deletes its calls. */
static BS_HOT void dest_ahead_prefetch(struct bs_sim *S)
{
	const struct bs_event *nx = bs_engine_slot_ahead(&S->eng);

	if (nx && nx->c != UINT32_MAX)
		bs_demand_dest_prefetch_in(S->m->dem, nx->a, nx->c,
					   (double)nx->b / 4294967296.0);
}

/* A request of station o at t. `draw`: its number (counted from 0 in
 * each replication; carried in its slot event, so it costs no state),
 * read only by rng philox; with dst_ahead the same payload carries the
 * request's table instead (arrival_slot), and `cursor` its
 * destination word; otherwise `cursor` is its row of the trip log (trace
 * demand). */
static int on_arrival(struct bs_sim *S, uint32_t o, uint32_t cursor,
		      uint32_t draw, double t)
{
	const struct bs_model *m = S->m;
	const struct bs_params *p = &m->p;
	const struct bs_agreement *agr = m->agr;
	uint32_t d, r, target, pos_ok, pos_any, user;
	double tn, variate;
	int counted = t >= S->warm, round = 0;
	struct bs__req_draws q; /* rng philox: all of them, first (sim_draws.c) */

	if (S->ctr_on) {
		S->ctr_draw = draw;
		bs__ctr_draws(S, o, t, m->dem->tr_off != NULL, &q);
	}
	/* Draw everything this user needs first, whatever happens next, so
	 * the station's streams stay aligned across scenarios. */
	if (m->dem->tr_off) {
		/* Trace: this is logged request `cursor` of station o; the
		 * station's slot takes its next one, carrying the cursor on
		 * (no state). */
		d = m->dem->tr_dest[cursor];
		if (cursor + 1 < m->dem->tr_off[o + 1] &&
		    m->dem->tr_t[cursor + 1] < S->horizon)
			bs_engine_set_slot(&S->eng, o, m->dem->tr_t[cursor + 1],
					   EV_ARRIVAL, o, cursor + 1, draw + 1);
	} else {
		/* dst_ahead: this request's destination uniform came in its
		 * event (cursor), drawn when it was scheduled; the next one's
		 * is drawn now, the same words of the same stream in the same
		 * order, so no number moves */
		int early = S->dst_ahead;
		double u_dst = early ? (double)cursor / 4294967296.0 : 0.0;
		uint32_t table = draw; /* dst_ahead: see arrival_slot */
		/* the rate from the station's own line (sim_internal.h) */
		tn = bs_demand_next_inv(m->dem, o, t,
					S->ctr_on ? q.gap
						  : bs__rs_exp1(S, o, RS_ARR),
					S->st[o].inv_rate);
		if (tn < S->horizon) {
			arrival_slot(S, o, tn, draw + 1);
			if (early)
				dest_ahead_prefetch(S);
		}
		d = S->ctr_on ? q.dest
		    : early   ? (table != UINT32_MAX
				 ? bs_demand_dest_in(m->dem, o, table, u_dst)
				 : bs_demand_dest_at_u(m->dem, o, t, u_dst))
			      : bs_demand_dest_at(m->dem, o, t,
						  bs__rs(S, o, RS_DST));
		/* the ride's distance, loaded while the request is served */
		bs_network_dist_prefetch(m->net, o, d);
		/* a round trip: drawn after (and whatever) the destination,
		 * from its own stream, so that switching round trips on
		 * keeps every other draw where it was */
		if (m->dem->round_p &&
		    gsl_rng_uniform(bs__rs(S, o, RS_ROUND)) < m->dem->round_p[o]) {
			d = o;
			round = 1;
		}
	}
	variate = S->ctr_on			    ? q.variate
		  : p->dur == BS_DUR_EXPONENTIAL ? bs__rs_exp1(S, o, RS_DUR)
						 : draw_variate(p, bs__rs(S, o, RS_DUR));
	user = bs__user_draw(S, o);
	if (counted)
		*bs__raw(S, S->st[o].ward, BS_RAW_REQUESTED) += 1.0;
	if (p->choice) {
		/* riders who choose (choice.c), at their type's marginal fare */
		int why = bs__choice_arrival(S, o, d, user, &r, &pos_ok,
					     &target);
		if (why)
			return lost(S, o, d, t, counted, why);
		return start_ride(S, o, r, pos_ok, d, target, t, counted,
				  variate, user, round);
	}

	r = bs__rental_port(S, o);
	if (r == BS_NO_STATION)
		return lost(S, o, d, t, counted, BS_TRIP_LOST_NO_BIKE);

	/* Bike: one that may go to the destination's ward; else the most
	 * recently docked rentable one, and the agreement decides. Under
	 * full mutual use the ward is not looked at, and not loaded: the
	 * destination's record is a cache miss at a random port that its
	 * return pays again twenty minutes later. */
	pos_ok = bs__pick_bike(S, r, agr->all ? 0 : S->st[d].ward, &pos_any);
	target = d;
	if (pos_ok == UINT32_MAX) {
		uint32_t bike_owner =
			S->owner[S->docks[S->st[r].off + pos_any]];
		if (p->forbidden == BS_FORBID_LOST)
			return lost(S, o, d, t, counted, BS_TRIP_LOST_FORBIDDEN);
		target = agr->nearest[(size_t)bike_owner * m->net->n + d];
		/* Riding makes no sense when the nearest allowed port to the
		 * destination is where the user stands. */
		if (target == BS_NO_STATION || target == r)
			return lost(S, o, d, t, counted, BS_TRIP_LOST_FORBIDDEN);
		pos_ok = pos_any;
	}
	return start_ride(S, o, r, pos_ok, d, target, t, counted, variate,
			  user, round);
}

static uint32_t divert_target(struct bs_sim *S, uint32_t b, uint32_t x)
{
	const struct bs_model *m = S->m;
	struct dock_pred pred = {S, m->agr, S->owner[b]};
	uint32_t y;
	int tries;

	if (m->p.on_full == BS_FULL_RANDOM && m->net->n > 1) {
		/* A uniformly random other station the bike may go to (the
		 * mean-field model's user); it may be full too. */
		for (tries = 0; tries < 64; tries++) {
			y = (uint32_t)gsl_rng_uniform_int(S->r_beh,
							  m->net->n - 1);
			if (y >= x)
				y++;
			if (bs_agreement_allows(m->agr, pred.owner,
						S->st[y].ward))
				return y;
		}
	}
	return bs_network_nearest(m->net, x, 0, free_allowed_dock, &pred,
				  NULL);
}

/* The accounting of a counted trip that has just docked its bike at x,
 * dur minutes after its rental, in the renting ward rw: its record is
 * still in use. */
static int count_return(struct bs_sim *S, const struct bs__trip *tr,
			uint32_t x, double t, double dur, uint32_t rw)
{
	const struct bs_model *m = S->m;
	uint32_t b = tr->bike, xw = S->st[x].ward;
	double fare = bs__fare(m, S->user ? S->user[b] : BS_USER_PAY, dur, rw,
			       xw);

	*bs__raw(S, origin_ward(S, tr), BS_RAW_COMPLETED) += 1.0;
	*bs__raw(S, origin_ward(S, tr), BS_RAW_TRIP_MIN) += dur;
	count_arrival(S, tr, x);
	*bs__raw(S, rw, BS_RAW_REVENUE) += fare;
	if (xw != rw)
		*bs__raw(S, rw, BS_RAW_CROSS) += 1.0;
	S->out->flows[(size_t)rw * S->W + xw] += 1.0;
	if (m->p.settlement != BS_SETTLE_RENTING)
		bs__settle_fare(S, tr->rent_st, x, S->owner[b], fare);
	return report_trip(S, tr, BS_TRIP_COMPLETED, b, x, t, fare, tr->rent_t);
}

/* The ride with trip record id reaches port x at t: it docks, or it
 * diverts (or waits) and rides on under the same record. The event
 * carries the record's id and the port, the record the bike: one record
 * load, prefetched with the port (bs_sim_run). */
static int on_return(struct bs_sim *S, uint32_t id, uint32_t x, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__station *st = &S->st[x];
	struct bs__trip *tr = &S->trips.rec[id];
	uint32_t b = tr->bike, y, rw;
	double dur;
	int rc;

	if (st->stock >= st->lim) {
		double variate, min;
		float leg_km;
		if (tr->diversions < UINT16_MAX)
			tr->diversions++;
		if (tr->flags & BS__TRIP_COUNTED)
			*bs__raw(S, origin_ward(S, tr), BS_RAW_DIVERSIONS) += 1.0;
		y = divert_target(S, b, x);
		if (y == BS_NO_STATION) {
			/* waiting at x: a leg from x to x (0 km when timed) */
			tr->km += stay_km(S, x);
			return bs_engine_schedule(&S->eng, t + p->retry_min,
						  EV_RETURN, id, x)
				       ? BS_E_NOMEM
				       : 0;
		}
		variate = draw_variate(p, S->r_beh);
		min = leg_minutes(S, x, y, variate, &leg_km);
		tr->km += leg_km; /* 0 when timed */
		return bs_engine_schedule(&S->eng, t + min, EV_RETURN, id, y)
			       ? BS_E_NOMEM
			       : 0;
	}
	dur = t - tr->rent_t;
	if (S->charge) {
		double km = p->dur == BS_DUR_DISTANCE ? (double)tr->km
						      : dur * EXP_RIDE_KMH / 60.0;
		double c = (double)S->charge[b] - p->bat_use_per_km * km;
		S->charge[b] = c > 0.0 ? (float)c : 0.0f;
	}
	bs__dock(S, x, b, t); /* counted at the end (ret_adj) */
	rw = tr->rent_w;
	count_visitor(S, x, rw);
	ward_inuse_touch(S, rw, t);
	S->w_inuse[rw]--;
	S->inuse_total--;
	rc = tr->flags & BS__TRIP_COUNTED ? count_return(S, tr, x, t, dur, rw)
					  : 0;
	bs__trip_put(&S->trips, id);
	return rc;
}

/* ---- samples, warm-up, horizon ---------------------------------------- */

/* Bikes the processes hold (on their trucks), summed: 0, or -1 when one
 * process finds its own books inconsistent. O(processes + vehicles). */
int bs__held_by_processes(struct bs_sim *S, uint64_t *held)
{
	uint64_t h;
	size_t i;

	*held = 0;
	for (i = 0; i < BS__NPROC; i++) {
		if (!S->proc[i] || !bs__processes[i]->held)
			continue;
		if (bs__processes[i]->held(S, S->proc[i], &h))
			return -1;
		*held += h;
	}
	return 0;
}

static void flush_all(struct bs_sim *S, double t)
{
	size_t i;

	for (i = 0; i < S->n; i++)
		bs__st_touch(S, &S->st[i], t);
	for (i = 0; i < S->W; i++) {
		ward_inuse_touch(S, (uint32_t)i, t);
		bs__ward_low_touch(S, (uint32_t)i, t);
		ward_refuse_touch(S, (uint32_t)i, t);
	}
}

/* The window starts (start = 1, the warm-up) or ends (0, the horizon)
 * at t: the time integrals brought up to t, and the derived returns
 * (sim_internal.h, ret_adj) take every port's stock, less at the start,
 * plus at the end. O(stations + wards), twice a replication; out of line
 * so that the loop stays small enough for GCC to inline bs_engine_next
 * into it (docs/performance.md). */
static BS_NOINLINE void window_edge(struct bs_sim *S, double t, int start)
{
	uint32_t sign = start ? (uint32_t)-1 : 1u;
	size_t i;

	flush_all(S, t);
	for (i = 0; i < S->n; i++)
		S->ret_adj[i] += sign * S->st[i].stock;
	S->integrating = start;
}

/* ---- the run --------------------------------------------------------- */

static int reset(struct bs_sim *S, uint32_t rep)
{
	const struct bs_model *m = S->m;
	const struct bs_network *net = m->net;
	const struct bs_params *p = &m->p;
	uint64_t seed = p->seed;
	uint32_t off = 0, b = 0;
	size_t i;

	bs_engine_reset(&S->eng);
	bs__trip_pool_reset(&S->trips);
	bs_ctr_key(S->ctr_key, seed, rep);
	for (i = 0; i < S->n && !S->ctr_on; i++) {
		uint32_t s = (uint32_t)i;
		bs_rng_seed(bs__rs(S, s, RS_ARR), seed, rep, BS_RNG_ARRIVAL, i);
		bs_rng_seed(bs__rs(S, s, RS_DST), seed, rep, BS_RNG_DESTINATION, i);
		bs_rng_seed(bs__rs(S, s, RS_DUR), seed, rep, BS_RNG_DURATION, i);
		if (S->user)
			bs_rng_seed(bs__rs(S, s, RS_USER), seed, rep, BS_RNG_USER, i);
		if (p->choice)
			bs_rng_seed(bs__rs(S, s, RS_CHOICE), seed, rep,
				    BS_RNG_CHOICE, i);
		if (m->dem->round_p)
			bs_rng_seed(bs__rs(S, s, RS_ROUND), seed, rep,
				    BS_RNG_ROUND, i);
	}
	bs_rng_seed(S->r_beh, seed, rep, BS_RNG_BEHAVIOUR, 0);
	bs_rng_seed(S->r_bat, seed, rep, BS_RNG_BATTERY, 0);
	memset(S->w_docked, 0, S->W * sizeof(uint32_t));
	memset(S->w_empty, 0, S->W * sizeof(uint32_t));
	memset(S->w_full, 0, S->W * sizeof(uint32_t));
	memset(S->w_refuse, 0, S->W * sizeof(uint32_t));
	memset(S->w_refuse_tlast, 0, S->W * sizeof(double));
	memset(S->w_inuse, 0, S->W * sizeof(uint32_t));
	memset(S->w_tlast, 0, S->W * sizeof(double));
	memset(S->w_low, 0, S->W * sizeof(uint32_t));
	memset(S->w_low_tlast, 0, S->W * sizeof(double));
	S->docked_total = 0;
	S->inuse_total = 0;
	S->trucked_total = 0;
	S->depot_total = 0;
	if (S->w_depot)
		memset(S->w_depot, 0, S->W * sizeof(uint32_t));
	if (S->visitors)
		memset(S->visitors, 0, S->n * sizeof(uint32_t));
	memset(S->ret_adj, 0, S->n * sizeof(uint32_t));
	for (i = 0; i < S->n; i++) {
		struct bs__station *st = &S->st[i];
		uint32_t k;
		memset(st, 0, sizeof(*st));
		st->cap = net->cap[i];
		st->lim = net->lim[i];
		st->ward = net->ward[i];
		st->inv_rate = m->dem->inv_flat[i];
		st->off = off;
		off += st->lim;
		st->stock = m->init_stock[i];
		for (k = 0; k < st->stock; k++, b++) {
			S->docks[st->off + k] = b;
			S->owner[b] = (uint16_t)st->ward;
			if (S->loc)
				S->loc[b] = (uint32_t)i;
			/* initial charge: uniform on [initial_min, 1], drawn
			 * in bike order from the battery stream */
			if (S->charge)
				S->charge[b] = (float)gsl_ran_flat(
					S->r_bat, p->bat_initial_min, 1.0);
			st->usable += (uint32_t)bs__usable(S, b);
		}
		S->w_docked[st->ward] += st->stock;
		S->w_low[st->ward] += st->stock - st->usable;
		S->w_empty[st->ward] += st->usable == 0;
		S->w_full[st->ward] += st->stock >= st->cap;
		S->w_refuse[st->ward] += st->stock >= st->lim;
		S->docked_total += st->stock;
	}
	S->warm = p->warmup_days * BS_MINUTES_PER_DAY;
	S->horizon = p->days * BS_MINUTES_PER_DAY;
	S->integrating = 0;
	S->draining = 0;
	S->sample_i = 0;
	S->ts_k0 = ceil(S->warm / p->ts_step_min);
	S->rep = rep;
	bs__days_reset(S);
	/* the depots' bikes are numbered on from b by their process */
	return b == m->fleet ? 0 : BS_E_RUN;
}

static int schedule_start(struct bs_sim *S)
{
	const struct bs_model *m = S->m;
	size_t i;

	/* Bookkeeping events go first so that, at equal times, they see the
	 * state before any user event of that minute. */
	if (bs_engine_schedule(&S->eng, S->warm, EV_WARMUP, 0, 0) ||
	    bs_engine_schedule(&S->eng, S->horizon, EV_HORIZON, 0, 0))
		return BS_E_NOMEM;
	if (S->out->nsamples &&
	    bs_engine_schedule(&S->eng, S->ts_k0 * m->p.ts_step_min,
			       EV_SAMPLE, 0, 0))
		return BS_E_NOMEM;
	for (i = 0; i < BS__NPROC; i++)
		if (S->proc[i] &&
		    bs__processes[i]->start(S, S->proc[i], EV_PROCESS + (uint32_t)i))
			return BS_E_NOMEM;
	for (i = 0; i < S->n; i++) {
		double t;
		if (m->dem->tr_off) {
			/* trace: the station's first logged request */
			size_t k = m->dem->tr_off[i];
			if (k < m->dem->tr_off[i + 1] && m->dem->tr_t[k] < S->horizon)
				bs_engine_set_slot(&S->eng, (uint32_t)i, m->dem->tr_t[k],
						   EV_ARRIVAL, (uint32_t)i, (uint32_t)k, 0);
			continue;
		}
		t = bs_demand_next_inv(m->dem, (uint32_t)i, 0.0,
				       bs__first_exp1(S, (uint32_t)i),
				       S->st[i].inv_rate);
		if (t < S->horizon)
			arrival_slot(S, (uint32_t)i, t, 0);
	}
	return 0;
}

static void finish(struct bs_sim *S, struct bs_rep_result *o)
{
	size_t i, w;
	double *all = o->raw + S->W * BS_RAW_N;

	for (i = 0; i < S->n; i++) {
		const struct bs__station *st = &S->st[i];
		double *row = o->st + i * BS_ST_N;
		row[BS_ST_RENTALS] = st->rentals;
		row[BS_ST_RETURNS] = (uint32_t)(st->rentals + S->ret_adj[i]);
		row[BS_ST_EMPTY_T] = st->empty_t;
		row[BS_ST_FULL_T] = st->full_t;
		row[BS_ST_BIKE_T] = st->bike_t;
		row[BS_ST_VISITORS] = S->visitors ? S->visitors[i] : 0.0;
		*bs__raw(S, st->ward, BS_RAW_EMPTY_T) += st->empty_t;
		*bs__raw(S, st->ward, BS_RAW_FULL_T) += st->full_t;
		*bs__raw(S, st->ward, BS_RAW_DOCKED_T) += st->bike_t;
		*bs__raw(S, st->ward, BS_RAW_RENTALS) += st->rentals;
	}
	o->window_min = S->horizon - S->warm;
	for (i = 0; i < BS__NPROC; i++)
		if (S->proc[i] && bs__processes[i]->finish)
			bs__processes[i]->finish(S, S->proc[i]);
	bs__accounts_finish(S);
	memset(all, 0, BS_RAW_N * sizeof(double));
	for (w = 0; w < S->W; w++)
		for (i = 0; i < BS_RAW_N; i++)
			all[i] += o->raw[w * BS_RAW_N + i];
}

/* A time-series sample at t, and the next one scheduled. */
static int on_sample(struct bs_sim *S, double t)
{
	double next;

	bs__take_sample(S, t);
	/* sample_i counts the samples taken, this one included */
	next = (S->ts_k0 + (double)S->sample_i) * S->m->p.ts_step_min;
	if (next < S->horizon)
		return bs_engine_schedule(&S->eng, next, EV_SAMPLE, 0, 0);
	return 0;
}

/* Sequence numbers the engine packs in its keys (engine.h); less a margin
 * of one check interval. */
#define MAX_SEQ ((UINT64_C(1) << (64 - BS__SLOT_BITS)) - 2 * CHECK_EVERY)

int bs_sim_run(struct bs_sim *S, uint32_t rep,
	       const struct bs_run_hooks *hooks, struct bs_rep_result *out,
	       struct bs_error *err)
{
	struct bs_event ev;
	uint64_t events = 0;
	int rc;
	double drain_end = HUGE_VAL;
	const int paranoid = hooks && hooks->paranoid;

	memset(out->raw, 0, (S->W + 1) * BS_RAW_N * sizeof(double));
	memset(out->flows, 0, S->W * S->W * sizeof(double));
	memset(out->settle, 0, S->W * S->W * sizeof(double));
	out->rep = rep;
	S->out = out;
	S->hooks = hooks;
	S->loc = paranoid ? S->loc_mem : NULL;
	if ((rc = reset(S, rep)) != 0) {
		bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
			     "internal error: initial stock does not add up to the fleet");
		return rc;
	}
	if ((rc = schedule_start(S)) != 0)
		goto nomem;
	while (bs_engine_next(&S->eng, &ev)) {
		double t = ev.t;
		if (t >= S->day_next)
			bs__days_cut(S, t);
		if (S->draining && t > drain_end) {
			/* Still riding a day after the horizon: only possible
			 * when docks run out everywhere the bike may go. */
			if (ev.type == EV_RETURN &&
			    (S->trips.rec[ev.a].flags & BS__TRIP_COUNTED)) {
				struct bs__trip *tr = &S->trips.rec[ev.a];
				*bs__raw(S, S->st[tr->origin].ward,
					 BS_RAW_UNFINISHED) += 1.0;
				if ((rc = report_trip(S, tr, BS_TRIP_UNFINISHED,
						      tr->bike, BS_NO_STATION,
						      (double)NAN, 0.0, tr->rent_t)))
					goto fail;
			}
			continue;
		}
		/* The next return is already at the top of the heap: start
		 * loading its station and trip while this event is handled
		 * (both are random accesses, the loop's main cache misses). */
		if (S->eng.n && bs__hev_type(&S->eng.heap[0]) == EV_RETURN) {
			__builtin_prefetch(&S->st[S->eng.heap[0].b]);
			__builtin_prefetch(&S->trips.rec[S->eng.heap[0].a]);
		}
		if (S->dst_ahead)
			dest_ahead_prefetch(S);
		switch (ev.type) {
		case EV_ARRIVAL:
			if (S->ctr_on && ev.c == UINT32_MAX)
				return bs__numbers_wrap(ev.a, rep, err);
			rc = on_arrival(S, ev.a, ev.b, ev.c, t);
			break;
		case EV_RETURN:
			rc = on_return(S, ev.a, ev.b, t);
			break;
		case EV_SAMPLE:
			if (paranoid && (rc = bs__conservation(S, t, 1, err)))
				return rc;
			rc = on_sample(S, t);
			break;
		case EV_WARMUP:
			window_edge(S, t, 1);
			break;
		case EV_HORIZON:
			window_edge(S, t, 0);
			S->draining = 1;
			drain_end = t + DRAIN_MIN;
			break;
		default:
			if (ev.type - EV_PROCESS < BS__NPROC &&
			    S->proc[ev.type - EV_PROCESS])
				rc = bs__processes[ev.type - EV_PROCESS]->event(
					S, S->proc[ev.type - EV_PROCESS], ev.a, t);
			else
				rc = BS_E_RUN;
		}
		if (rc)
			goto fail;
		if (paranoid && (rc = bs__conservation(S, t, 0, err)))
			return rc;
		if ((++events & (CHECK_EVERY - 1)) == 0) {
			if (hooks && hooks->stop && atomic_load(hooks->stop))
				return BS_E_INTERRUPTED;
			if (S->eng.next_seq > MAX_SEQ) {
				/* world.c's up-front budget keeps this an
				 * eighth away; a run that still gets here
				 * stops rather than reorder its events */
				bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
					     "replication %u passed the engine's %.3g events; expected a smaller run",
					     rep, (double)MAX_SEQ);
				return BS_E_RUN;
			}
			if (hooks && hooks->progress)
				hooks->progress(hooks->progress_ud, rep,
						t < S->horizon ? t / S->horizon
							       : 1.0);
		}
	}
	if (paranoid && (rc = bs__conservation(S, S->horizon, 1, err)))
		return rc;
	finish(S, out);
	bs__days_finish(S);
	out->events = events;
	return bs__check_finite(S, out, err);
fail:
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc == BS_E_RUN)
		bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
			     "internal error: unknown event type");
	return rc;
nomem:
	bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
		     "out of memory in the event queue");
	return BS_E_NOMEM;
}
