/*
 * sim.c - the event loop of one replication (see sim.h).
 *
 * Hot-path layout: station state is one 64-byte struct per station (stock,
 * capacity, offset of its docks, ward, and its time accumulators), so an
 * arrival touches one cache line of station state; docked bikes are a stack
 * per station in one flat array; each bike carries its current trip inline.
 * Events are 32 bytes in a 4-ary heap (engine.h).
 */
#include "bssim/sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "bssim/engine.h"
#include "bssim/rng.h"

#define BS_RIDING UINT32_MAX
#define DRAIN_MIN 1440.0
#define CHECK_EVERY 65536u

enum ev_type { EV_ARRIVAL, EV_RETURN, EV_SAMPLE, EV_WARMUP, EV_HORIZON };

struct station {
	uint32_t stock;
	uint32_t cap;
	uint32_t off; /* first dock slot in sim->docks */
	uint32_t ward;
	double tlast;
	double empty_t, full_t, bike_t;
	uint32_t rentals, returns;
};

struct trip {
	double req_t;
	double rent_t;
	uint32_t origin;
	uint32_t rent_st;
	uint32_t dest;
	uint16_t diversions;
	uint8_t counted;
	uint8_t truncated;
};

struct bs_sim {
	const struct bs_model *m;
	struct bs_engine eng;
	size_t n, W;
	uint64_t fleet;

	gsl_rng **r_arr, **r_dst, **r_dur;
	gsl_rng *r_beh;

	struct station *st;
	uint32_t *docks;   /* [total docks] bike ids, stack per station */
	uint16_t *owner;   /* [fleet] */
	uint32_t *loc;     /* [fleet] station or BS_RIDING */
	struct trip *trip; /* [fleet] */

	uint32_t *w_docked, *w_empty, *w_full, *w_inuse; /* [W] */
	double *w_tlast;                                 /* [W] */
	uint64_t docked_total, inuse_total;

	double warm, horizon;
	int integrating;
	size_t sample_i;
	double ts_next;

	struct bs_rep_result *out;
	const struct bs_run_hooks *hooks;
	uint32_t rep;
	int cb_rc;
};

/* ---- allocation ------------------------------------------------------ */

struct bs_rep_result *bs_rep_result_alloc(const struct bs_model *m)
{
	struct bs_rep_result *r = calloc(1, sizeof(*r));
	const struct bs_params *p = &m->p;
	size_t W = m->net->nwards, ns = 0;
	double warm = p->warmup_days * BS_MINUTES_PER_DAY;
	double hor = p->days * BS_MINUTES_PER_DAY, k0, k1;

	if (!r)
		return NULL;
	r->nwards = W;
	r->n = m->net->n;
	k0 = ceil(warm / p->ts_step_min);
	k1 = ceil(hor / p->ts_step_min);
	if (k1 > k0)
		ns = (size_t)(k1 - k0);
	r->nsamples = ns;
	r->raw = calloc((W + 1) * BS_RAW_N, sizeof(double));
	r->flows = calloc(W * W, sizeof(double));
	r->settle = calloc(W * W, sizeof(double));
	r->st = calloc(r->n * BS_ST_N, sizeof(double));
	r->ts_t = calloc(ns ? ns : 1, sizeof(double));
	r->ts = calloc((ns ? ns : 1) * (W + 1) * BS_TS_N, sizeof(uint32_t));
	if (!r->raw || !r->flows || !r->settle || !r->st || !r->ts_t ||
	    !r->ts) {
		bs_rep_result_free(r);
		return NULL;
	}
	return r;
}

void bs_rep_result_free(struct bs_rep_result *r)
{
	if (!r)
		return;
	free(r->raw);
	free(r->flows);
	free(r->settle);
	free(r->st);
	free(r->ts_t);
	free(r->ts);
	free(r);
}

static gsl_rng **rng_array(size_t n)
{
	gsl_rng **a = calloc(n, sizeof(*a));
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < n; i++)
		if (!(a[i] = bs_rng_alloc()))
			return a; /* caller sees the NULL slot */
	return a;
}

static void rng_array_free(gsl_rng **a, size_t n)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < n; i++)
		if (a[i])
			gsl_rng_free(a[i]);
	free(a);
}

struct bs_sim *bs_sim_alloc(const struct bs_model *m)
{
	struct bs_sim *S = calloc(1, sizeof(*S));
	size_t n = m->net->n, W = m->net->nwards, i, fleet;

	if (!S)
		return NULL;
	S->m = m;
	S->n = n;
	S->W = W;
	S->fleet = m->fleet;
	fleet = (size_t)m->fleet;
	if (bs_engine_init(&S->eng, n + fleet + 16))
		goto err;
	S->r_arr = rng_array(n);
	S->r_dst = rng_array(n);
	S->r_dur = rng_array(n);
	S->r_beh = bs_rng_alloc();
	if (!S->r_arr || !S->r_dst || !S->r_dur || !S->r_beh)
		goto err;
	for (i = 0; i < n; i++)
		if (!S->r_arr[i] || !S->r_dst[i] || !S->r_dur[i])
			goto err;
	S->st = calloc(n, sizeof(*S->st));
	S->docks = malloc((m->net->total_docks ? m->net->total_docks : 1) *
			  sizeof(uint32_t));
	S->owner = malloc((fleet ? fleet : 1) * sizeof(uint16_t));
	S->loc = malloc((fleet ? fleet : 1) * sizeof(uint32_t));
	S->trip = calloc(fleet ? fleet : 1, sizeof(struct trip));
	S->w_docked = calloc(W, sizeof(uint32_t));
	S->w_empty = calloc(W, sizeof(uint32_t));
	S->w_full = calloc(W, sizeof(uint32_t));
	S->w_inuse = calloc(W, sizeof(uint32_t));
	S->w_tlast = calloc(W, sizeof(double));
	if (!S->st || !S->docks || !S->owner || !S->loc || !S->trip ||
	    !S->w_docked || !S->w_empty || !S->w_full ||
	    !S->w_inuse || !S->w_tlast)
		goto err;
	return S;
err:
	bs_sim_free(S);
	return NULL;
}

void bs_sim_free(struct bs_sim *S)
{
	if (!S)
		return;
	bs_engine_release(&S->eng);
	rng_array_free(S->r_arr, S->n);
	rng_array_free(S->r_dst, S->n);
	rng_array_free(S->r_dur, S->n);
	if (S->r_beh)
		gsl_rng_free(S->r_beh);
	free(S->st);
	free(S->docks);
	free(S->owner);
	free(S->loc);
	free(S->trip);
	free(S->w_docked);
	free(S->w_empty);
	free(S->w_full);
	free(S->w_inuse);
	free(S->w_tlast);
	free(S);
}

/* ---- accounting ------------------------------------------------------ */

static inline double *raw(struct bs_sim *S, size_t w, int k)
{
	return &S->out->raw[w * BS_RAW_N + (size_t)k];
}

/* Integrate station s's time shares up to t (before its stock changes). */
static inline void st_touch(struct bs_sim *S, struct station *st, double t)
{
	if (S->integrating) {
		double dt = t - st->tlast;
		if (st->stock == 0)
			st->empty_t += dt;
		else if (st->stock == st->cap)
			st->full_t += dt;
		st->bike_t += dt * st->stock;
	}
	st->tlast = t;
}

static inline void ward_inuse_touch(struct bs_sim *S, uint32_t w, double t)
{
	if (S->integrating)
		*raw(S, w, BS_RAW_INUSE_INT) +=
			S->w_inuse[w] * (t - S->w_tlast[w]);
	S->w_tlast[w] = t;
}

/* Ward counters of empty/full stations when stock goes from a to b. */
static inline void ward_stock(struct bs_sim *S, const struct station *st,
			      uint32_t a, uint32_t b)
{
	uint32_t w = st->ward;

	S->w_empty[w] += (b == 0) - (a == 0);
	S->w_full[w] += (b == st->cap) - (a == st->cap);
}

static inline uint32_t take_bike(struct bs_sim *S, uint32_t s, uint32_t pos,
				 double t)
{
	struct station *st = &S->st[s];
	uint32_t *stack = S->docks + st->off;
	uint32_t top = st->stock - 1, b = stack[pos];

	st_touch(S, st, t);
	stack[pos] = stack[top];
	stack[top] = b;
	st->stock--;
	ward_stock(S, st, top + 1, top);
	S->w_docked[st->ward]--;
	S->docked_total--;
	if (S->integrating)
		st->rentals++;
	S->loc[b] = BS_RIDING;
	return b;
}

static inline void dock_bike(struct bs_sim *S, uint32_t s, uint32_t b,
			     double t)
{
	struct station *st = &S->st[s];

	st_touch(S, st, t);
	S->docks[st->off + st->stock] = b;
	st->stock++;
	ward_stock(S, st, st->stock - 1, st->stock);
	S->w_docked[st->ward]++;
	S->docked_total++;
	if (S->integrating)
		st->returns++;
	S->loc[b] = s;
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
	const struct station *st = &p->S->st[s];

	return st->stock < st->cap &&
	       bs_agreement_allows(p->agr, p->owner, st->ward);
}

static double leg_minutes(const struct bs_sim *S, uint32_t from, uint32_t to,
			  double variate)
{
	const struct bs_params *p = &S->m->p;
	double d, v;

	if (p->dur == BS_DUR_EXPONENTIAL)
		return p->mean_min * variate;
	d = bs_network_dist(S->m->net, from, to);
	v = p->detour * d / (p->speed_kmh * 1000.0 / 60.0) * variate;
	return v < p->min_min ? p->min_min : v;
}

/* One duration variate: Exp(1) or a mean-one log-normal factor. */
static inline double draw_variate(const struct bs_params *p, gsl_rng *r)
{
	if (p->dur == BS_DUR_EXPONENTIAL)
		return gsl_ran_exponential(r, 1.0);
	return gsl_ran_lognormal(r, -0.5 * p->noise_sd * p->noise_sd,
				 p->noise_sd);
}

static int report_trip(struct bs_sim *S, const struct trip *tr, int outcome,
		       uint32_t bike, uint32_t ret_st, double t, double fare)
{
	struct bs_trip_record rec;

	if (!S->hooks || !S->hooks->on_trip)
		return 0;
	rec.rep = S->rep;
	rec.req_t = tr->req_t;
	rec.origin = tr->origin;
	rec.dest = tr->dest;
	rec.outcome = outcome;
	rec.rent_station = tr->rent_st;
	rec.return_station = ret_st;
	rec.rent_t = tr->rent_t;
	rec.return_t = t;
	rec.diversions = tr->diversions;
	rec.truncated = tr->truncated;
	rec.bike = bike;
	rec.owner = bike == BS_NO_STATION ? 0 : S->owner[bike];
	rec.fare_yen = fare;
	return S->hooks->on_trip(S->hooks->trip_ud, &rec);
}

static int lost(struct bs_sim *S, uint32_t o, uint32_t d, double t,
		int counted, int outcome)
{
	struct trip tr;

	if (!counted)
		return 0;
	*raw(S, S->st[o].ward, outcome == BS_TRIP_LOST_NO_BIKE
				       ? BS_RAW_LOST_NO_BIKE
				       : BS_RAW_LOST_FORBIDDEN) += 1.0;
	memset(&tr, 0, sizeof(tr));
	tr.req_t = t;
	tr.origin = o;
	tr.dest = d;
	tr.rent_st = BS_NO_STATION;
	tr.rent_t = (double)NAN;
	return report_trip(S, &tr, outcome, BS_NO_STATION, BS_NO_STATION,
			   (double)NAN, 0.0);
}

static int on_arrival(struct bs_sim *S, uint32_t o, uint32_t cursor, double t)
{
	const struct bs_model *m = S->m;
	const struct bs_params *p = &m->p;
	const struct bs_agreement *agr = m->agr;
	const struct bs_network *net = m->net;
	uint32_t d, r, b, target, pos, top, wd, bike_owner;
	double tn, variate;
	int counted = t >= S->warm;
	struct trip *tr;

	/* Draw everything this user needs first, whatever happens next, so
	 * the station's streams stay aligned across scenarios. */
	if (m->dem->tr_off) {
		/* Trace: this is logged request `cursor` of station o; the
		 * event of its next one carries the cursor on (no state). */
		d = m->dem->tr_dest[cursor];
		if (cursor + 1 < m->dem->tr_off[o + 1] &&
		    m->dem->tr_t[cursor + 1] < S->horizon &&
		    bs_engine_schedule(&S->eng, m->dem->tr_t[cursor + 1],
				       EV_ARRIVAL, o, cursor + 1, 0))
			return BS_E_NOMEM;
	} else {
		tn = bs_demand_next(m->dem, o, t,
				    gsl_ran_exponential(S->r_arr[o], 1.0));
		if (tn < S->horizon &&
		    bs_engine_schedule(&S->eng, tn, EV_ARRIVAL, o, 0, 0))
			return BS_E_NOMEM;
		d = bs_demand_dest_at(m->dem, o, t, S->r_dst[o]);
	}
	variate = draw_variate(p, S->r_dur[o]);
	if (counted)
		*raw(S, S->st[o].ward, BS_RAW_REQUESTED) += 1.0;

	/* Rental station: here, else the nearest with a bike in reach. */
	r = BS_NO_STATION;
	if (S->st[o].stock > 0) {
		r = o;
	} else if (p->walk_radius_m > 0.0) {
		size_t j;
		for (j = net->nb_off[o]; j < net->nb_off[o + 1]; j++) {
			if ((double)net->nb_dist[j] > p->walk_radius_m)
				break;
			if (S->st[net->nb_idx[j]].stock > 0) {
				r = net->nb_idx[j];
				break;
			}
		}
	}
	if (r == BS_NO_STATION)
		return lost(S, o, d, t, counted, BS_TRIP_LOST_NO_BIKE);

	/* Bike: the most recently docked one that may go to the
	 * destination's ward; else the top one, and the agreement decides. */
	top = S->st[r].stock - 1;
	pos = top;
	target = d;
	wd = S->st[d].ward;
	if (!agr->all) {
		const uint32_t *stack = S->docks + S->st[r].off;
		uint32_t k = S->st[r].stock;
		while (k-- > 0)
			if (bs_agreement_allows(agr, S->owner[stack[k]], wd))
				break;
		if (k == UINT32_MAX) {
			bike_owner = S->owner[stack[top]];
			if (p->forbidden == BS_FORBID_LOST)
				return lost(S, o, d, t, counted,
					    BS_TRIP_LOST_FORBIDDEN);
			target = agr->nearest[(size_t)bike_owner * net->n + d];
			/* Riding makes no sense when the nearest allowed port
			 * to the destination is where the user stands. */
			if (target == BS_NO_STATION || target == r)
				return lost(S, o, d, t, counted,
					    BS_TRIP_LOST_FORBIDDEN);
		} else {
			pos = k;
		}
	}
	b = take_bike(S, r, pos, t);
	tr = &S->trip[b];
	tr->req_t = t;
	tr->rent_t = t;
	tr->origin = o;
	tr->rent_st = r;
	tr->dest = d;
	tr->diversions = 0;
	tr->counted = (uint8_t)counted;
	tr->truncated = target != d;
	if (counted) {
		if (tr->truncated)
			*raw(S, S->st[o].ward, BS_RAW_TRUNCATED) += 1.0;
		if (r != o)
			*raw(S, S->st[o].ward, BS_RAW_WALKED) += 1.0;
	}
	ward_inuse_touch(S, S->st[r].ward, t);
	S->w_inuse[S->st[r].ward]++;
	S->inuse_total++;
	if (bs_engine_schedule(&S->eng, t + leg_minutes(S, r, target, variate),
			       EV_RETURN, b, target, 0))
		return BS_E_NOMEM;
	return 0;
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

static int on_return(struct bs_sim *S, uint32_t b, uint32_t x, double t)
{
	const struct bs_model *m = S->m;
	struct station *st = &S->st[x];
	struct trip *tr = &S->trip[b];
	uint32_t y, rw;
	double fare, dur;

	if (st->stock >= st->cap) {
		double variate;
		if (tr->diversions < UINT16_MAX)
			tr->diversions++;
		if (tr->counted)
			*raw(S, S->st[tr->origin].ward, BS_RAW_DIVERSIONS) += 1.0;
		y = divert_target(S, b, x);
		if (y == BS_NO_STATION)
			return bs_engine_schedule(&S->eng, t + m->p.retry_min,
						  EV_RETURN, b, x, 0)
				       ? BS_E_NOMEM
				       : 0;
		variate = draw_variate(&m->p, S->r_beh);
		return bs_engine_schedule(&S->eng,
					  t + leg_minutes(S, x, y, variate),
					  EV_RETURN, b, y, 0)
			       ? BS_E_NOMEM
			       : 0;
	}
	dock_bike(S, x, b, t);
	rw = S->st[tr->rent_st].ward;
	ward_inuse_touch(S, rw, t);
	S->w_inuse[rw]--;
	S->inuse_total--;
	if (!tr->counted)
		return 0;
	dur = t - tr->rent_t;
	{
		double blocks = ceil(dur / m->p.block_min - 1e-9);
		if (blocks < 1.0)
			blocks = 1.0;
		fare = m->agr->price_yen[rw] * blocks;
		if (st->ward != rw)
			fare += m->p.cross_surcharge_yen;
	}
	*raw(S, S->st[tr->origin].ward, BS_RAW_COMPLETED) += 1.0;
	*raw(S, S->st[tr->origin].ward, BS_RAW_TRIP_MIN) += dur;
	*raw(S, rw, BS_RAW_REVENUE) += fare;
	if (st->ward != rw)
		*raw(S, rw, BS_RAW_CROSS) += 1.0;
	S->out->flows[(size_t)rw * S->W + st->ward] += 1.0;
	return report_trip(S, tr, BS_TRIP_COMPLETED, b, x, t, fare);
}

/* ---- samples, warm-up, horizon ---------------------------------------- */

static int conservation(struct bs_sim *S, double t, int full,
			struct bs_error *err)
{
	uint64_t docked = 0, riding = 0;
	size_t i, w;

	for (w = 0; w < S->W; w++)
		docked += S->w_docked[w];
	if (docked != S->docked_total ||
	    S->docked_total + S->inuse_total != S->fleet)
		goto broken;
	if (!full)
		return 0;
	docked = 0;
	for (i = 0; i < S->n; i++) {
		const struct station *st = &S->st[i];
		if (st->stock > st->cap)
			goto broken;
		for (uint32_t k = 0; k < st->stock; k++)
			if (S->loc[S->docks[st->off + k]] != i)
				goto broken;
		docked += st->stock;
	}
	for (i = 0; i < S->fleet; i++)
		riding += S->loc[i] == BS_RIDING;
	if (docked != S->docked_total || riding != S->inuse_total)
		goto broken;
	return 0;
broken:
	bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
		     "internal error: bikes not conserved at t=%.3f min (replication %u: docked %llu + riding %llu != fleet %llu); please report this with the scenario",
		     t, S->rep, (unsigned long long)S->docked_total,
		     (unsigned long long)S->inuse_total,
		     (unsigned long long)S->fleet);
	return BS_E_RUN;
}

static void take_sample(struct bs_sim *S, double t)
{
	struct bs_rep_result *o = S->out;
	size_t w, base;
	uint32_t all[BS_TS_N] = {0, 0, 0};

	if (S->sample_i >= o->nsamples)
		return;
	o->ts_t[S->sample_i] = t;
	base = S->sample_i * (S->W + 1) * BS_TS_N;
	for (w = 0; w < S->W; w++) {
		uint32_t *row = o->ts + base + w * BS_TS_N;
		row[BS_TS_DOCKED] = S->w_docked[w];
		row[BS_TS_EMPTY] = S->w_empty[w];
		row[BS_TS_FULL] = S->w_full[w];
		all[BS_TS_DOCKED] += S->w_docked[w];
		all[BS_TS_EMPTY] += S->w_empty[w];
		all[BS_TS_FULL] += S->w_full[w];
	}
	memcpy(o->ts + base + S->W * BS_TS_N, all, sizeof(all));
	S->sample_i++;
}

static void flush_all(struct bs_sim *S, double t)
{
	size_t i;

	for (i = 0; i < S->n; i++)
		st_touch(S, &S->st[i], t);
	for (i = 0; i < S->W; i++)
		ward_inuse_touch(S, (uint32_t)i, t);
}

/* ---- the run --------------------------------------------------------- */

static int reset(struct bs_sim *S, uint32_t rep)
{
	const struct bs_model *m = S->m;
	const struct bs_network *net = m->net;
	uint64_t seed = m->p.seed;
	uint32_t off = 0, b = 0;
	size_t i;

	bs_engine_reset(&S->eng);
	for (i = 0; i < S->n; i++) {
		bs_rng_seed(S->r_arr[i], seed, rep, BS_RNG_ARRIVAL, i);
		bs_rng_seed(S->r_dst[i], seed, rep, BS_RNG_DESTINATION, i);
		bs_rng_seed(S->r_dur[i], seed, rep, BS_RNG_DURATION, i);
	}
	bs_rng_seed(S->r_beh, seed, rep, BS_RNG_BEHAVIOUR, 0);
	memset(S->w_docked, 0, S->W * sizeof(uint32_t));
	memset(S->w_empty, 0, S->W * sizeof(uint32_t));
	memset(S->w_full, 0, S->W * sizeof(uint32_t));
	memset(S->w_inuse, 0, S->W * sizeof(uint32_t));
	memset(S->w_tlast, 0, S->W * sizeof(double));
	S->docked_total = 0;
	S->inuse_total = 0;
	for (i = 0; i < S->n; i++) {
		struct station *st = &S->st[i];
		uint32_t k;
		memset(st, 0, sizeof(*st));
		st->cap = net->cap[i];
		st->ward = net->ward[i];
		st->off = off;
		off += st->cap;
		st->stock = m->init_stock[i];
		for (k = 0; k < st->stock; k++, b++) {
			S->docks[st->off + k] = b;
			S->owner[b] = (uint16_t)st->ward;
			S->loc[b] = (uint32_t)i;
		}
		S->w_docked[st->ward] += st->stock;
		S->w_empty[st->ward] += st->stock == 0;
		S->w_full[st->ward] += st->stock == st->cap;
		S->docked_total += st->stock;
	}
	S->warm = m->p.warmup_days * BS_MINUTES_PER_DAY;
	S->horizon = m->p.days * BS_MINUTES_PER_DAY;
	S->integrating = 0;
	S->sample_i = 0;
	S->rep = rep;
	S->cb_rc = 0;
	return b == S->fleet ? 0 : BS_E_RUN;
}

static int schedule_start(struct bs_sim *S)
{
	const struct bs_model *m = S->m;
	double step = m->p.ts_step_min;
	size_t i;

	/* Bookkeeping events go first so that, at equal times, they see the
	 * state before any user event of that minute. */
	if (bs_engine_schedule(&S->eng, S->warm, EV_WARMUP, 0, 0, 0) ||
	    bs_engine_schedule(&S->eng, S->horizon, EV_HORIZON, 0, 0, 0))
		return BS_E_NOMEM;
	S->ts_next = ceil(S->warm / step) * step;
	if (S->out->nsamples &&
	    bs_engine_schedule(&S->eng, S->ts_next, EV_SAMPLE, 0, 0, 0))
		return BS_E_NOMEM;
	for (i = 0; i < S->n; i++) {
		double t;
		if (m->dem->tr_off) {
			/* trace: the station's first logged request */
			size_t k = m->dem->tr_off[i];
			if (k < m->dem->tr_off[i + 1] && m->dem->tr_t[k] < S->horizon &&
			    bs_engine_schedule(&S->eng, m->dem->tr_t[k], EV_ARRIVAL,
					       (uint32_t)i, (uint32_t)k, 0))
				return BS_E_NOMEM;
			continue;
		}
		t = bs_demand_next(m->dem, (uint32_t)i, 0.0,
				   gsl_ran_exponential(S->r_arr[i], 1.0));
		if (t < S->horizon &&
		    bs_engine_schedule(&S->eng, t, EV_ARRIVAL, (uint32_t)i, 0,
				       0))
			return BS_E_NOMEM;
	}
	return 0;
}

static void finish(struct bs_sim *S, struct bs_rep_result *o)
{
	size_t i, w;
	double *all = o->raw + S->W * BS_RAW_N;

	for (i = 0; i < S->n; i++) {
		const struct station *st = &S->st[i];
		double *row = o->st + i * BS_ST_N;
		row[BS_ST_RENTALS] = st->rentals;
		row[BS_ST_RETURNS] = st->returns;
		row[BS_ST_EMPTY_T] = st->empty_t;
		row[BS_ST_FULL_T] = st->full_t;
		row[BS_ST_BIKE_T] = st->bike_t;
		*raw(S, st->ward, BS_RAW_EMPTY_T) += st->empty_t;
		*raw(S, st->ward, BS_RAW_FULL_T) += st->full_t;
		*raw(S, st->ward, BS_RAW_DOCKED_T) += st->bike_t;
		*raw(S, st->ward, BS_RAW_RENTALS) += st->rentals;
	}
	memset(all, 0, BS_RAW_N * sizeof(double));
	for (w = 0; w < S->W; w++)
		for (i = 0; i < BS_RAW_N; i++)
			all[i] += o->raw[w * BS_RAW_N + i];
	o->window_min = S->horizon - S->warm;
}

int bs_sim_run(struct bs_sim *S, uint32_t rep,
	       const struct bs_run_hooks *hooks, struct bs_rep_result *out,
	       struct bs_error *err)
{
	struct bs_event ev;
	uint64_t events = 0;
	int rc, draining = 0;
	double drain_end = HUGE_VAL;
	const int paranoid = hooks && hooks->paranoid;

	memset(out->raw, 0, (S->W + 1) * BS_RAW_N * sizeof(double));
	memset(out->flows, 0, S->W * S->W * sizeof(double));
	memset(out->settle, 0, S->W * S->W * sizeof(double));
	out->rep = rep;
	S->out = out;
	S->hooks = hooks;
	if ((rc = reset(S, rep)) != 0) {
		bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
			     "internal error: initial stock does not add up to the fleet");
		return rc;
	}
	if ((rc = schedule_start(S)) != 0)
		goto nomem;
	while (bs_engine_next(&S->eng, &ev)) {
		double t = ev.t;
		if (draining && t > drain_end) {
			/* Still riding a day after the horizon: only possible
			 * when docks run out everywhere the bike may go. */
			if (ev.type == EV_RETURN && S->trip[ev.a].counted) {
				struct trip *tr = &S->trip[ev.a];
				*raw(S, S->st[tr->origin].ward,
				     BS_RAW_UNFINISHED) += 1.0;
				if ((rc = report_trip(S, tr, BS_TRIP_UNFINISHED,
						      ev.a, BS_NO_STATION, (double)NAN,
						      0.0)))
					goto fail;
			}
			continue;
		}
		switch (ev.type) {
		case EV_ARRIVAL:
			rc = on_arrival(S, ev.a, ev.b, t);
			break;
		case EV_RETURN:
			rc = on_return(S, ev.a, ev.b, t);
			break;
		case EV_SAMPLE:
			if (paranoid && (rc = conservation(S, t, 1, err)))
				return rc;
			take_sample(S, t);
			S->ts_next += S->m->p.ts_step_min;
			if (S->ts_next < S->horizon)
				rc = bs_engine_schedule(&S->eng, S->ts_next,
							EV_SAMPLE, 0, 0, 0);
			break;
		case EV_WARMUP:
			flush_all(S, t);
			S->integrating = 1;
			break;
		case EV_HORIZON:
			flush_all(S, t);
			S->integrating = 0;
			draining = 1;
			drain_end = t + DRAIN_MIN;
			break;
		default:
			rc = BS_E_RUN;
		}
		if (rc)
			goto fail;
		if (paranoid && (rc = conservation(S, t, 0, err)))
			return rc;
		if ((++events & (CHECK_EVERY - 1)) == 0) {
			if (hooks && hooks->stop && atomic_load(hooks->stop))
				return BS_E_INTERRUPTED;
			if (hooks && hooks->progress)
				hooks->progress(hooks->progress_ud, rep,
						t < S->horizon ? t / S->horizon
							       : 1.0);
		}
	}
	finish(S, out);
	out->events = events;
	return 0;
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
