/*
 * sim_internal.h - the state of one replication and the operations on it
 * that the event loop (sim.c) and the processes plugged into it use:
 * trucks and swap crews (ops.c), the nightly dock fees and the money
 * (settle.c). Not a public header: names here carry the bs__ prefix.
 *
 * The loop knows the processes only through struct bs__process (below):
 * each keeps its own state, schedules its own events and does its own
 * accounting through bs__raw and bs__owe; the loop never names them.
 *
 * Hot-path layout: station state is one struct per station (stock, usable
 * bikes, capacity, offset of its docks, ward, constant 1 / rate, time
 * accumulators), so an arrival touches one cache line of station state;
 * docked bikes are a stack per station in one flat array; a ride in
 * progress has a record in a pool as large as rides overlap (struct
 * bs__trip_pool), its id in its return event.
 *
 * Every change of a station's stock goes through bs__st_set, which keeps
 * the time integrals and the ward counters (docked, empty, full) right.
 * "Empty" means no rentable bike (with batteries, a docked bike below
 * battery.min_rentable is not rentable); "full" means no free dock
 * against the published capacity (stock >= cap), "refusing" that the port
 * is at its physical limit (stock >= lim >= cap: returns divert).
 */
#ifndef BSSIM_SIM_INTERNAL_H
#define BSSIM_SIM_INTERNAL_H

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "model/ops.h"
#include "engine/rng.h"
#include "model/sim.h"

#define BS_RIDING UINT32_MAX
#define BS_ON_TRUCK (UINT32_MAX - 1)
#define BS_IN_DEPOT (UINT32_MAX - 2)

enum bs__ev {
	EV_ARRIVAL,
	EV_RETURN,
	EV_SAMPLE,
	EV_WARMUP,
	EV_HORIZON,
	EV_PROCESS /* process i's events have type EV_PROCESS + i */
};

/*
 * One cache line per station (64 bytes, 64-aligned): an arrival or a
 * return touches one line of station state. The line holds the port's
 * constant 1 / rate too (inv_rate, demand.h's inv_flat[s]), so that the
 * next arrival's time costs no second line at a random port (inv_flat
 * is 160 KB at 20,000 ports: a likely miss of a 1 MiB L2 per request).
 * Its 8 bytes come from two fields:
 * - the ward shares a word with the capacity (bit-fields: a ward index
 *   is below BS_MAX_WARDS = 256, a capacity at most BS_MAX_CAPACITY =
 *   100,000 < 2^24; reading either is a load and a mask or a byte load);
 * - the returns are not counted per event: a rider's return is the one
 *   stock change the line would count, so the window's returns are
 *   derived at its end from the stock, the rentals and the bikes the
 *   processes moved (ret_adj, touched by trucks and depots only; see
 *   bs__proc_take). No narrowing alone gives 8 bytes: of stock, usable,
 *   off (28 bits), lim (21 bits), cap (17) and ward (8) only ward fits
 *   beside another in 32 bits.
 */
struct bs__station {
	uint32_t stock;  /* bikes docked */
	uint32_t usable; /* of which rentable (battery) */
	unsigned int cap : 24;
	unsigned int ward : 8;
	uint32_t off;    /* first dock slot in sim->docks */
	uint32_t rentals;
	uint32_t lim;    /* physical limit >= cap: returns divert only here */
	double inv_rate; /* 1 / constant rate, or 0 (demand.h's inv_flat[s]) */
	double tlast;
	double empty_t, full_t, bike_t;
};

/*
 * The record of a ride in progress, 32 bytes (two to a cache line, 32-byte
 * aligned in the pool: one line each). The request time is the rental time
 * (rental is immediate).
 *
 * Layout: the return event carries the trip id (a) and the port it rides
 * to (b), the record the bike, so that the event loop can prefetch both
 * the port and the record from the heap's top event, neither waiting on
 * the other, and a return loads one record. The other way round (the
 * event carrying the bike, the record the target) would make the port's
 * load wait on the record's. The bike's 4 bytes come from the current
 * leg's kilometres, which the record no longer keeps: km is advanced
 * when a leg is scheduled (the same float additions in the same order as
 * when each leg's kilometres were added at its end, and km is read only
 * at the return, after the last leg ended), so every number is unchanged.
 */
struct bs__trip {
	double rent_t;
	/* in use: the bike; free: the next free record (BS__NO_TRIP ends
	 * the list), so the free list costs no memory of its own */
	uint32_t bike;
	uint32_t origin;
	uint32_t rent_st;
	uint32_t dest;
	float km;          /* ridden so far, legs scheduled (distance rides) */
	uint16_t diversions;
	/* the renting port's ward (BS_MAX_WARDS is 256), kept so that a
	 * return does not load the renting port's record for it */
	uint8_t rent_w;
	uint8_t flags;     /* BS__TRIP_COUNTED | BS__TRIP_TRUNCATED */
};
#define BS__TRIP_COUNTED 1u   /* requested after the warm-up */
#define BS__TRIP_TRUNCATED 2u /* the agreement stops it short of dest */
_Static_assert(sizeof(struct bs__trip) == 32, "a trip is 32 bytes");
#define BS__NO_TRIP UINT32_MAX

/*
 * The records of the rides in progress, indexed by trip id. Only the
 * rides that overlap need one (13,000 of the 260,000 bikes of the
 * 20,000-port benchmark), where an array indexed by bike put every
 * rental and return on a random line of 8 MB. Sized to the fleet (a ride
 * holds a bike, so it never runs out) but allocated untouched: a record
 * is written first when handed out, and the pool touches only as many
 * as rides overlap (hw). Freed records go on a LIFO list threaded
 * through them, so a rental reuses the record a return has just freed,
 * still in cache. O(1) each way, no allocation.
 */
struct bs__trip_pool {
	struct bs__trip *rec; /* [cap] */
	uint32_t cap;
	uint32_t hw;   /* records 0 .. hw-1 have been handed out */
	uint32_t head; /* the last freed record, or BS__NO_TRIP */
	/* No count of the records in use: it would cost two instructions a
	 * ride; the paranoid check counts them (bs__trips_in_use). */
};

/* Empty the pool (start of a replication): every record is free. */
static inline void bs__trip_pool_reset(struct bs__trip_pool *P)
{
	P->hw = 0;
	P->head = BS__NO_TRIP;
}

/* A free record's id: the last one freed, else the first never used.
 * The caller holds a bike for it, so there is one (cap = fleet). */
static inline uint32_t bs__trip_get(struct bs__trip_pool *P)
{
	uint32_t id = P->head;

	if (id != BS__NO_TRIP) {
		P->head = P->rec[id].bike;
	} else {
		assert(P->hw < P->cap);
		id = P->hw++;
	}
	return id;
}

/* Give record id (in use) back; its contents are dead from here on. No
 * assertion: five instructions a return; the paranoid check walks the
 * free list instead (bs__trips_in_use). */
static inline void bs__trip_put(struct bs__trip_pool *P, uint32_t id)
{
	P->rec[id].bike = P->head;
	P->head = id;
}

/* sim_check.c: the records in use (those handed out, hw, less the free
 * list's), or UINT64_MAX when the free list is broken (an id never handed
 * out, or more free records than hw: a cycle). O(hw). */
uint64_t bs__trips_in_use(const struct bs__trip_pool *P);

enum bs__vmode { V_OFF, V_IDLE, V_TO_PICK, V_TO_DROP, V_TO_DEPOT };

/*
 * A process plugged into the event loop. The loop allocates the state of
 * every process the model uses (wanted), starts them in table order at
 * the start of a replication, hands each its own events, asks for the
 * bikes they hold in the paranoid check, and lets them account at the end.
 *   wanted: does the model use this process at all;
 *   alloc/free: its state for one replication at a time (reused);
 *   start: schedule its first events, of type ev (its events' type);
 *   event: one of its events (a: the payload it scheduled);
 *   held: bikes it holds now, out of the docks (NULL: none); nonzero
 *         when its own state is inconsistent;
 *   finish: its accounting at the end of a replication (may be NULL).
 */
/* For ward w and station d (choice.c): the port of w nearest d (BS__UNASKED
 * until first asked) and its walk to d; and the walk to d from the
 * nearest port a bike of owner w may be returned to (NaN until asked).
 * Metres as float: to a millimetre within 10 km, 12 bytes a cell. */
#define BS__UNASKED (UINT32_MAX - 1)
struct bs__walk {
	uint32_t home;
	float home_m;
	float allowed_m;
};

struct bs_sim;
struct bs__process {
	const char *name;
	int (*wanted)(const struct bs_model *m);
	void *(*alloc)(const struct bs_sim *S);
	void (*free)(void *st);
	int (*start)(struct bs_sim *S, void *st, uint32_t ev);
	int (*event)(struct bs_sim *S, void *st, uint32_t a, double t);
	int (*held)(const struct bs_sim *S, const void *st, uint64_t *bikes);
	void (*finish)(struct bs_sim *S, void *st);
};

/* ops.c and settle.c: the processes, in the order the loop starts them
 * (the order of their first events, so of every result) */
extern const struct bs__process bs__trucks, bs__crews, bs__night_fees,
	bs__depots;
#define BS__NPROC 4

/* ops.c: is t inside the daily shift [sh, eh) hours; the shift minutes
 * inside [a, b) */
int bs__in_shift(double t, double sh, double eh);
double bs__shift_overlap(double a, double b, double sh, double eh);

/* A truck or a swap crew. */
struct bs__vehicle {
	uint32_t home;   /* owning ward */
	uint32_t group;  /* service group */
	uint32_t at;     /* station where it stands */
	uint32_t target; /* where it is heading */
	uint32_t mode;   /* enum bs__vmode */
	uint32_t load;   /* bikes on board (trucks) */
	uint32_t *bikes; /* [truck_capacity] on board */
	uint16_t *from;  /* [truck_capacity] ward each was loaded in */
	int dump;        /* drop everything that fits (shift over) */
};

struct bs_sim {
	const struct bs_model *m;
	struct bs_engine eng;
	size_t n, W;
	uint64_t fleet;

	struct bs_rng_block rs; /* per station: arrival, destination, duration[, choice] */
	/* rng taus2: one handle per RS_*, pointed at station s's state by
	 * bs__rs (rng.h says why the block holds no handles) */
	gsl_rng rs_h[6]; /* [RS_N] */
	gsl_rng *r_beh, *r_bat;
	/* rng "philox" (ctr_on): no per-station generators (rs is empty);
	 * the request being handled is number ctr_draw of its station, and
	 * bs__rs points ctr_rng[which] (state ctr_mem[which]) at its stream
	 * under the replication's key. Scratch shared by every station: it
	 * stays in L1. */
	int ctr_on;
	/* rng taus2 with hourly or all-day destination tables (not uniform,
	 * not a trace): a request's destination uniform is drawn when its
	 * arrival is scheduled and travels in the slot event (payload b, as
	 * the 32-bit taus2 word), so that its table cell can be prefetched
	 * an event ahead (sim.c, dest_ahead_prefetch) */
	int dst_ahead;
	uint32_t ctr_key[2];
	uint32_t ctr_draw;
	gsl_rng ctr_rng[6];       /* [RS_N] */
	struct bs_ctr ctr_mem[6]; /* [RS_N] */

	struct bs__station *st;
	/* [n] the returns of each port, less its rentals, in the window so
	 * far, as far as its stock does not tell them (modular): -stock at
	 * the warm-up, + 1 per bike a process takes, - 1 per bike it docks,
	 * + stock at the horizon; the returns are rentals + ret_adj then
	 * (finish). Out of the station line: riders never touch it. */
	uint32_t *ret_adj;
	/* [n] returns of bikes rented in another ward, by event time in the
	 * window; NULL when the network has no port tags (count_visitor) */
	uint32_t *visitors;
	uint32_t *docks;   /* [total docks] bike ids, stack per station */
	uint16_t *owner;   /* [fleet] */
	/* [fleet] station, BS_RIDING, BS_ON_TRUCK or BS_IN_DEPOT: kept only in paranoid
	 * runs (loc == loc_mem), where the full conservation check reads it;
	 * otherwise NULL, sparing a write to a fleet-sized array per move */
	uint32_t *loc, *loc_mem;
	float *charge;     /* [fleet] battery, or NULL when not modelled */
	struct bs__trip_pool trips; /* the rides in progress */

	/* user type of each bike's rider (enum bs__user), NULL when every
	 * user pays per ride (fares.c) */
	uint8_t *user;                                   /* [fleet] */

	uint32_t *w_docked, *w_empty, *w_full, *w_inuse; /* [W] */
	/* ports at their physical limit (refusing returns), per ward, and
	 * their time integral at ward level (BS_RAW_REFUSE_T) */
	uint32_t *w_refuse;                              /* [W] */
	double *w_refuse_tlast;                          /* [W] */
	double *w_tlast;                                 /* [W] */
	/* docked bikes too low to rent, per ward, integrated over time at
	 * ward level (it is reported per ward only) */
	uint32_t *w_low;                                 /* [W] */
	double *w_low_tlast;                             /* [W] */
	uint64_t docked_total, inuse_total, trucked_total;
	/* depots (depot.c): bikes out of service per ward and in all; w_depot
	 * is NULL without depots */
	uint32_t *w_depot;
	uint64_t depot_total;

	/* riders who choose (choice.c; NULL when behaviour.choice is off):
	 * P(ride) at each ward's one-block fare, without and with the
	 * surcharge [2 * W]; walks from the ports a rider may return to,
	 * [W * n], filled the first time each is asked */
	double *p_ride;
	struct bs__walk *walk;

	/* the processes of this model (BS__NPROC, in the order of
	 * bs__processes): state, NULL when not used */
	void *proc[BS__NPROC];

	double warm, horizon;
	/* output.days: the next midnight to cut the day's sums at
	 * (HUGE_VAL: none), and the day being summed (simdays.c) */
	double day_next;
	size_t day_i;
	int integrating, draining;
	size_t sample_i;
	double ts_k0;

	struct bs_rep_result *out;
	const struct bs_run_hooks *hooks;
	uint32_t rep;
};

/* Per-station streams. RS_USER (the user type of each request, fares.c)
 * and RS_CHOICE (riders who choose: a walk tolerance and a reservation
 * price per arrival) come after the first three so that those keep their
 * place, and are allocated only as far as used (bs_sim_alloc): with both
 * off a station's generators stay three, in two cache lines. Each is
 * seeded and drawn only when its feature is on, so that scenarios keep
 * common random numbers. */
/* RS_ROUND (is this request a round trip: one uniform per request,
 * demand.round_trip_share) comes last for the same reason: allocated and
 * drawn only when round trips are on. */
enum { RS_ARR, RS_DST, RS_DUR, RS_USER, RS_CHOICE, RS_ROUND, RS_N };

/*
 * An Exp(1) variate: gsl_ran_exponential(r, 1.0) inlined. GSL 2.x computes
 * -mu * log1p(-gsl_rng_uniform(r)); with HAVE_INLINE gsl_rng_uniform is one
 * indirect call, where the library function costs two more calls on the
 * busiest line of the loop (two draws per request). Same formula, same
 * numbers: the reference outputs are bit-identical (docs/performance.md).
 */
static inline double bs__exp1(gsl_rng *r)
{
	return -log1p(-gsl_rng_uniform(r));
}

_Static_assert(RS_N == 6,
	       "rs_h, ctr_rng and ctr_mem hold one stream per RS_*");

/* The enum bs_rng_purpose of each RS_* (the counter streams' purpose). */
static inline uint32_t bs__rs_purpose(int which)
{
	static const uint32_t P[RS_N] = {BS_RNG_ARRIVAL, BS_RNG_DESTINATION,
					 BS_RNG_DURATION, BS_RNG_USER,
					 BS_RNG_CHOICE, BS_RNG_ROUND};
	return P[which];
}

/* Station s's stream `which` for the request being handled: its taus2
 * generator, or with rng philox the counter stream (s, S->ctr_draw,
 * purpose), started afresh (so a request's draws of one purpose are
 * its own, however many another request took). */
static inline gsl_rng *bs__rs(struct bs_sim *S, uint32_t s, int which)
{
	if (S->ctr_on) {
		gsl_rng *r = &S->ctr_rng[which];
		bs_ctr_start(r, S->ctr_key, s, S->ctr_draw,
			     bs__rs_purpose(which));
		return r;
	}
	return bs_rng_block_point(&S->rs, &S->rs_h[which], s, (size_t)which);
}

/* Station s's taus2 state `which` (rng taus2 only), for the inline
 * draws of the arrival's hot path (bs_taus32_next, rng.h): the numbers
 * of gsl_rng_get / gsl_rng_uniform on bs__rs(S, s, which), without the
 * indirect call. */
static inline struct bs_taus32 *bs__rs_t32(struct bs_sim *S, uint32_t s,
					   int which)
{
	return bs_rng_block_state(&S->rs, s, (size_t)which);
}

/* An Exp(1) variate from station s's stream `which`: bs__exp1 on
 * bs__rs(S, s, which), the same number. */
static inline double bs__rs_exp1(struct bs_sim *S, uint32_t s, int which)
{
	if (S->ctr_on)
		return bs__exp1(bs__rs(S, s, which));
	return -log1p(-bs_taus32_u01(bs__rs_t32(S, s, which)));
}

/* The Exp(1) gap before station s's first request (request 0): from its
 * RS_ARR stream (taus2), or the first uniform of counter stream (s, 0,
 * arrival), inline. Later gaps: on_arrival (sim.c). */
static inline double bs__first_exp1(struct bs_sim *S, uint32_t s)
{
	if (S->ctr_on)
		return -log1p(-bs_ctr_u01(S->ctr_key, s, 0, BS_RNG_ARRIVAL));
	return bs__rs_exp1(S, s, RS_ARR);
}

/*
 * rng philox: the draws of the request being handled (rng.h): block 0 of
 * its request blocks, x, made on arrival; block 1, y, only when an alias
 * destination or a log-normal ride asks (y_made). On the stack: nothing
 * per station.
 */
struct bs__req_draws {
	uint64_t x[2], y[2];
	int y_made;
	double gap, variate; /* Exp(1) gap to the next request; ride variate */
	uint32_t dest;
};

/* Request o's gap, destination (not for a trace) and ride variate at
 * once, into q (sim_draws.c). */
void bs__ctr_draws(struct bs_sim *S, uint32_t o, double t, int trace,
		   struct bs__req_draws *q);

static inline double *bs__raw(struct bs_sim *S, size_t w, int k)
{
	return &S->out->raw[w * BS_RAW_N + (size_t)k];
}

static inline int bs__usable(const struct bs_sim *S, uint32_t b)
{
	return !S->charge || S->charge[b] >= (float)S->m->p.bat_min_rentable;
}

/* Integrate station st's time shares up to t (before its stock changes). */
static inline void bs__st_touch(struct bs_sim *S, struct bs__station *st,
				double t)
{
	if (S->integrating) {
		double dt = t - st->tlast;
		if (st->usable == 0)
			st->empty_t += dt;
		if (st->stock >= st->cap)
			st->full_t += dt;
		st->bike_t += dt * st->stock;
	}
	st->tlast = t;
}

static inline void bs__ward_low_touch(struct bs_sim *S, uint32_t w, double t)
{
	if (S->integrating)
		*bs__raw(S, w, BS_RAW_LOW_T) += S->w_low[w] * (t - S->w_low_tlast[w]);
	S->w_low_tlast[w] = t;
}


/* simdays.c (output.days): the days of the window, for the result's
 * arrays (0 when days are not asked); at reset, the first midnight to
 * cut at; in the loop, before an event at t >= S->day_next, the cut(s)
 * (O(stations + wards) a day, never per event); at the end (after the
 * sums of finish), the last day, and every day's sums from the
 * cumulative ones. */
size_t bs__days_count(const struct bs_params *p, uint32_t *first);
void bs__days_reset(struct bs_sim *S);
void bs__days_cut(struct bs_sim *S, double t);
void bs__days_finish(struct bs_sim *S);

/* sim_check.c: bikes conserved across ports, riders, trucks and depots
 * at t (full: also every port's stack, O(stations + fleet); else the
 * totals, O(wards + processes)): 0, or BS_E_RUN with err saying so. */
int bs__conservation(struct bs_sim *S, double t, int full,
		     struct bs_error *err);
/* Bikes held on the processes' vehicles (sim.c): 0 or -1 (books broken). */
int bs__held_by_processes(struct bs_sim *S, uint64_t *held);
/* The time-series sample at t of every ward and the network. */
void bs__take_sample(struct bs_sim *S, double t);
/* sim_check.c: with rng philox, station s passed 2^32 - 1 requests in
 * replication rep: BS_E_RUN with err saying so. */
int bs__numbers_wrap(uint32_t s, uint32_t rep, struct bs_error *err);
/* Every sum of replication o finite: 0, or BS_E_RUN naming the sum. */
int bs__check_finite(const struct bs_sim *S, const struct bs_rep_result *o,
		     struct bs_error *err);

/* A port starts (on = 1) or stops refusing returns at t: its ward's
 * count, integrated over time at ward level. Out of line: it runs only
 * when a port reaches or leaves its physical limit. */
void bs__st_refuse(struct bs_sim *S, uint32_t w, double t, int on);

/* The battery part of bs__st_set, out of line: only with batteries. */
void bs__st_low(struct bs_sim *S, const struct bs__station *st, double t,
		uint32_t stock, uint32_t usable);

/* Set station st's stock and usable bikes at time t, keeping integrals
 * and ward counters. Forced inline: two calls per trip, and the compiler
 * stops inlining it on its own once the battery branch is in. */
static BS_HOT void bs__st_set(struct bs_sim *S, struct bs__station *st,
			       double t, uint32_t stock, uint32_t usable)
{
	/* read once: the ward counters below are uint32_t stores that may
	 * alias the record for all the compiler knows, and every reload of
	 * a bit-field costs a mask */
	const uint32_t w = st->ward, cap = st->cap, lim = st->lim;
	const uint32_t old = st->stock, old_usable = st->usable;

	bs__st_touch(S, st, t);
	if (S->charge)
		bs__st_low(S, st, t, stock, usable);
	S->w_empty[w] += (usable == 0) - (old_usable == 0);
	/* full in the feed's sense: no free dock against the published
	 * capacity (with soft capacity the stock may pass it) */
	S->w_full[w] += (stock >= cap) - (old >= cap);
	if ((stock >= lim) != (old >= lim))
		bs__st_refuse(S, w, t, stock >= lim);
	S->w_docked[w] += stock - old; /* modular: may go down */
	S->docked_total += (uint64_t)stock - old;
	st->stock = stock;
	st->usable = usable;
}

/*
 * Take the bike at stack position pos of station s. The bikes above it
 * move down one slot (memmove), so the stack stays in the order the bikes
 * were docked and "the most recently returned eligible bike" stays true
 * for the next user. Cost: the bikes above pos, at most the port's
 * capacity (usually 0: the top is taken); swapping with the top would be
 * O(1) but reorders the stack.
 */
static inline uint32_t bs__take(struct bs_sim *S, uint32_t s, uint32_t pos,
				double t, uint32_t where)
{
	struct bs__station *st = &S->st[s];
	uint32_t *stack = S->docks + st->off;
	uint32_t top = st->stock - 1, b = stack[pos];

	if (pos < top)
		memmove(stack + pos, stack + pos + 1,
			(size_t)(top - pos) * sizeof(*stack));
	stack[top] = b;
	bs__st_set(S, st, t, st->stock - 1, st->usable - (uint32_t)bs__usable(S, b));
	if (S->loc)
		S->loc[b] = where;
	return b;
}

static inline void bs__dock(struct bs_sim *S, uint32_t s, uint32_t b, double t)
{
	struct bs__station *st = &S->st[s];

	S->docks[st->off + st->stock] = b;
	bs__st_set(S, st, t, st->stock + 1, st->usable + (uint32_t)bs__usable(S, b));
	if (S->loc)
		S->loc[b] = s;
}

/* A process (trucks, depots) takes the bike at stack position pos of s,
 * or docks bike b at s: as bs__take and bs__dock, and the port's
 * derived returns keep out what was not a rider's (ret_adj). Riders
 * take and dock through bs__take and bs__dock themselves. */
static inline uint32_t bs__proc_take(struct bs_sim *S, uint32_t s,
				     uint32_t pos, double t, uint32_t where)
{
	if (S->integrating)
		S->ret_adj[s]++;
	return bs__take(S, s, pos, t, where);
}

static inline void bs__proc_dock(struct bs_sim *S, uint32_t s, uint32_t b,
				 double t)
{
	if (S->integrating)
		S->ret_adj[s]--;
	bs__dock(S, s, b, t);
}

/* Bikes docked at st whose charge is below `below` (batteries on:
 * S->charge is not NULL). O(bikes docked there). */
static inline uint32_t bs__docked_below(const struct bs_sim *S,
					const struct bs__station *st,
					float below)
{
	uint32_t n = 0;

	for (uint32_t k = 0; k < st->stock; k++)
		n += S->charge[S->docks[st->off + k]] < below;
	return n;
}

/* Rental station: o itself, else the nearest port within the walk radius
 * with a rentable bike; BS_NO_STATION when none. O(neighbours in reach). */
static inline uint32_t bs__rental_port(const struct bs_sim *S, uint32_t o)
{
	const struct bs_network *net = S->m->net;
	size_t j;

	if (S->st[o].usable > 0)
		return o;
	if (S->m->p.walk_radius_m <= 0.0)
		return BS_NO_STATION;
	for (j = net->nb_off[o]; j < net->nb_off[o + 1]; j++) {
		if ((double)net->nb_dist[j] > S->m->p.walk_radius_m)
			break;
		if (S->st[net->nb_idx[j]].usable > 0)
			return net->nb_idx[j];
	}
	return BS_NO_STATION;
}

/* Bike at port r: the stack position of the most recently docked rentable
 * one that may go to ward wd (UINT32_MAX: none), and in *pos_any that of
 * the most recently docked rentable one. With full mutual use and no
 * batteries the first look at the top of the stack settles it.
 * O(bikes docked at r). */
static inline uint32_t bs__pick_bike(const struct bs_sim *S, uint32_t r,
				     uint32_t wd, uint32_t *pos_any)
{
	const struct bs_agreement *agr = S->m->agr;
	const uint32_t *stack = S->docks + S->st[r].off;
	uint32_t k;

	*pos_any = UINT32_MAX;
	for (k = S->st[r].stock; k-- > 0;) {
		uint32_t c = stack[k];
		if (!bs__usable(S, c))
			continue;
		if (*pos_any == UINT32_MAX)
			*pos_any = k;
		if (agr->all || bs_agreement_allows(agr, S->owner[c], wd))
			return k;
	}
	return UINT32_MAX;
}

/* choice.c: riders who choose. bs__choice_alloc fills S->p_ride and
 * S->walk (0, or -1 when out of memory; freed by bs_sim_free).
 * bs__choice_arrival: the request at o for d draws its rider (two
 * uniforms from o's RS_CHOICE stream, always) and returns 0 when they
 * ride, with the port r, the bike's stack position and the return
 * target; else the enum bs_outcome they are lost as. user (enum
 * bs_user) sets the fare they weigh (their marginal fare, fares.c). */
int bs__choice_alloc(struct bs_sim *S);
int bs__choice_arrival(struct bs_sim *S, uint32_t o, uint32_t d,
		       uint32_t user, uint32_t *r, uint32_t *pos,
		       uint32_t *target);

/* The first time at or after t (minutes) that is `hour` o'clock. */
static inline double bs__next_daily(double t, double hour)
{
	double day = floor(t / BS_MINUTES_PER_DAY);
	double s = day * BS_MINUTES_PER_DAY + hour * 60.0;

	return s >= t ? s : s + BS_MINUTES_PER_DAY;
}

/* User types (fares.c, docs/model.md "Members and passes"). */
enum bs__user { BS_USER_PAY, BS_USER_MONTHLY, BS_USER_DAY, BS_USER_N };

/* Does the model have user types other than pay per ride? */
int bs__users_on(const struct bs_params *p);

/* The user type of a request at station o: drawn from o's RS_USER stream
 * when bs__users_on (S->user is allocated then), else BS_USER_PAY
 * without a draw. */
uint32_t bs__user_pick(struct bs_sim *S, uint32_t o);
static inline uint32_t bs__user_draw(struct bs_sim *S, uint32_t o)
{
	return S->user ? bs__user_pick(S, o) : BS_USER_PAY;
}

/*
 * A rider's marginal price of a ride of `minutes` rented in ward rw and
 * returned in ward ret_w, yen: what this ride adds to what the rider
 * pays. Pay per ride: price_yen[rw] x started blocks (at least one), plus
 * the cross-ward surcharge. Monthly member: 0 up to monthly_free_min,
 * then price_yen[rw] per started block beyond it, plus the surcharge.
 * Day pass: the surcharge only. For a price-response choice (the rider
 * weighs this), and the part of bs__fare the rider pays at the ride.
 */
double bs__marginal_fare(const struct bs_model *m, uint32_t user,
			 double minutes, uint32_t rw, uint32_t ret_w);

/*
 * The revenue a ride brings: its marginal fare plus the share of the
 * pass it rides on (monthly_yen / monthly_rides for a member,
 * day_pass_yen / day_pass_rides on a day pass; nothing per ride).
 */
double bs__fare(const struct bs_model *m, uint32_t user, double minutes,
		uint32_t rw, uint32_t ret_w);

/* settle.c: money between wards. Ward `from` owes `to` yen (counted
 * in the settlement matrix; nothing when from == to). */
static inline void bs__owe(struct bs_sim *S, uint32_t from, uint32_t to,
			   double yen)
{
	if (from != to)
		S->out->settle[(size_t)from * S->W + to] += yen;
}
/* A fare's settlement between wards under the scenario's rule. */
void bs__settle_fare(struct bs_sim *S, uint32_t rent_st, uint32_t ret_st,
		     uint32_t owner, double fare);
/* At the end of a replication, after every process: operating costs and
 * each ward's settlement totals from the raw sums. */
void bs__accounts_finish(struct bs_sim *S);

/* The processes, in the order they start (sim_alloc.c). */
extern const struct bs__process *const bs__processes[BS__NPROC];

#endif
