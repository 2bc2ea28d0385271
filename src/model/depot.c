/*
 * depot.c - depots inside the event loop (see depot.h for the rules): a
 * process of the loop (struct bs__process) whose events are the replayed
 * moves (payload REPLAY) or its trucks' (payload: the truck's index).
 *
 * A depot's bikes are a FIFO ring per ward: a bike enters at the tail and
 * may leave from the head once charged (entry + charge_min); entry times
 * never decrease, so the head is always the first ready. Every change of a
 * depot's count goes through put/get, which integrate the ward's depot
 * stock over [warm-up, horizon) themselves (so the loop needs no hook).
 *
 * Cost: a replayed move is O(bikes moved) (and O(port's bikes) to find a
 * low-battery bike); a truck plan scans the ports of its ward once. Nothing
 * is allocated after the start of a replication.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/depot.h"

#define REPLAY UINT32_MAX
#define AT_DEPOT BS_NO_STATION

enum { T_OFF, T_IDLE, T_TO_DROP, T_TO_PICK, T_TO_DEPOT };

struct dtruck {
	uint32_t ward, mode, at, target;
	uint32_t load;   /* bikes on board */
	uint32_t commit; /* taking out: bikes to collect on this round */
	uint32_t *bikes; /* [truck_capacity] */
};

struct dstate {
	const struct bs_depots *d;
	uint32_t ev;
	uint32_t *ring;   /* [total capacity] */
	double *ready;    /* [total capacity] when each may go out */
	size_t *off;      /* [W + 1] */
	uint32_t *head, *count, *inbound; /* [W] */
	double *tlast;    /* [W] depot stock integrated up to */
	double *hour;     /* [W] the hour the commitments below are for */
	double *done_in, *done_out; /* [W] committed in that hour */
	struct dtruck *tr;
	uint32_t *tb;
	size_t cursor;    /* next replayed move */
};

static int depots_wanted(const struct bs_model *m)
{
	return m->depots != NULL;
}

static void depots_free(void *p)
{
	struct dstate *D = p;

	if (!D)
		return;
	free(D->ring);
	free(D->ready);
	free(D->off);
	free(D->head);
	free(D->count);
	free(D->inbound);
	free(D->tlast);
	free(D->hour);
	free(D->done_in);
	free(D->done_out);
	free(D->tr);
	free(D->tb);
	free(D);
}

static void *depots_alloc(const struct bs_sim *S)
{
	const struct bs_depots *d = S->m->depots;
	struct dstate *D = calloc(1, sizeof(*D));
	size_t W = S->W, c = (size_t)d->total_capacity + 1, w;
	size_t tc = S->m->p.truck_capacity, nt = d->ntrucks;

	if (!D)
		return NULL;
	D->d = d;
	D->ring = malloc(c * sizeof(uint32_t));
	D->ready = malloc(c * sizeof(double));
	D->off = calloc(W + 1, sizeof(size_t));
	D->head = calloc(W, sizeof(uint32_t));
	D->count = calloc(W, sizeof(uint32_t));
	D->inbound = calloc(W, sizeof(uint32_t));
	D->tlast = calloc(W, sizeof(double));
	D->hour = calloc(W, sizeof(double));
	D->done_in = calloc(W, sizeof(double));
	D->done_out = calloc(W, sizeof(double));
	D->tr = calloc(nt + 1, sizeof(*D->tr));
	D->tb = malloc((nt * tc + 1) * sizeof(uint32_t));
	if (!D->ring || !D->ready || !D->off || !D->head || !D->count ||
	    !D->inbound || !D->tlast || !D->hour || !D->done_in ||
	    !D->done_out || !D->tr || !D->tb) {
		depots_free(D);
		return NULL;
	}
	for (w = 0; w < W; w++)
		D->off[w + 1] = D->off[w] + d->capacity[w];
	return D;
}

/* ---- the depots' stock ------------------------------------------------- */

/* Integrate ward w's depot stock up to t, inside [warm-up, horizon). */
static void dep_touch(struct bs_sim *S, struct dstate *D, uint32_t w,
		      double t)
{
	double a = D->tlast[w] > S->warm ? D->tlast[w] : S->warm;
	double b = t < S->horizon ? t : S->horizon;

	if (b > a)
		*bs__raw(S, w, BS_RAW_DEPOT_T) += D->count[w] * (b - a);
	D->tlast[w] = t;
}

static uint32_t room(const struct dstate *D, uint32_t w)
{
	uint32_t used = D->count[w] + D->inbound[w];

	return used < D->d->capacity[w] ? D->d->capacity[w] - used : 0;
}

/* Bikes of ward w's depot that may go out at t (at most `most`). */
static uint32_t ready_n(const struct dstate *D, uint32_t w, double t,
			uint32_t most)
{
	uint32_t k = 0, cap = D->d->capacity[w];

	while (k < most && k < D->count[w] &&
	       D->ready[D->off[w] + (D->head[w] + k) % cap] <= t)
		k++;
	return k;
}

static void put(struct bs_sim *S, struct dstate *D, uint32_t w, uint32_t b,
		double t)
{
	uint32_t cap = D->d->capacity[w];
	size_t i = D->off[w] + (D->head[w] + D->count[w]) % cap;

	dep_touch(S, D, w, t);
	D->ring[i] = b;
	D->ready[i] = t + D->d->charge_min;
	D->count[w]++;
	S->w_depot[w]++;
	S->depot_total++;
	if (S->charge)
		S->charge[b] = 1.0f; /* charged by the time it may leave */
	if (S->loc)
		S->loc[b] = BS_IN_DEPOT;
}

static uint32_t get(struct bs_sim *S, struct dstate *D, uint32_t w, double t)
{
	uint32_t b = D->ring[D->off[w] + D->head[w]];

	dep_touch(S, D, w, t);
	D->head[w] = (D->head[w] + 1) % D->d->capacity[w];
	D->count[w]--;
	S->w_depot[w]--;
	S->depot_total--;
	return b;
}

/* Take one bike from port s (a low-battery one when there is one; else
 * the top of the stack). */
static uint32_t take_one(struct bs_sim *S, uint32_t s, double t,
			 uint32_t where)
{
	const struct bs__station *st = &S->st[s];
	uint32_t k = st->stock - 1, i;

	if (S->charge)
		for (i = st->stock; i-- > 0;)
			if (S->charge[S->docks[st->off + i]] <
			    (float)S->m->depots->withdraw_below) {
				k = i;
				break;
			}
	return bs__proc_take(S, s, k, t, where);
}

static uint32_t low_bikes(const struct bs_sim *S, const struct bs__station *st)
{
	return S->charge ? bs__docked_below(S, st,
					    (float)S->m->depots->withdraw_below)
			 : 0;
}

static void count(struct bs_sim *S, uint32_t w, int k, uint32_t n)
{
	if (S->integrating)
		*bs__raw(S, w, k) += n;
}

/* ---- replay ------------------------------------------------------------- */

/* Every move due at t: as many bikes as the depot (ready bikes, room),
 * the port (bikes, free docks) allow; the rest is counted short. */
static int replay(struct bs_sim *S, struct dstate *D, double t)
{
	const struct bs_depots *d = D->d;

	while (D->cursor < d->nmoves && d->mv_t[D->cursor] <= t) {
		uint32_t s = d->mv_st[D->cursor];
		int32_t delta = d->mv_delta[D->cursor];
		struct bs__station *st = &S->st[s];
		uint32_t w = st->ward, want, n = 0;
		D->cursor++;
		if (delta > 0) {
			want = (uint32_t)delta;
			while (n < want && st->stock < st->lim &&
			       ready_n(D, w, t, 1)) {
				bs__proc_dock(S, s, get(S, D, w, t), t);
				n++;
			}
			count(S, w, BS_RAW_DEPOT_IN, n);
		} else {
			want = (uint32_t)-(int64_t)delta;
			while (n < want && st->stock > 0 && room(D, w)) {
				put(S, D, w, take_one(S, s, t, BS_IN_DEPOT), t);
				n++;
			}
			count(S, w, BS_RAW_DEPOT_OUT, n);
		}
		count(S, w, BS_RAW_DEPOT_SHORT, want - n);
	}
	if (D->cursor < d->nmoves && d->mv_t[D->cursor] < S->horizon)
		return bs_engine_schedule(&S->eng, d->mv_t[D->cursor], D->ev,
					  REPLAY, 0)
			       ? BS_E_NOMEM
			       : 0;
	return 0;
}

/* ---- trucks: choosing ports ---------------------------------------------- */

static double dist_from(const struct bs_sim *S, const struct dtruck *v,
			uint32_t s)
{
	if (v->at == AT_DEPOT)
		return S->m->depots->dist_m[(size_t)v->ward * S->n + s];
	return bs_network_dist(S->m->net, v->at, s);
}

static uint32_t target_of(const struct bs_sim *S, const struct bs__station *st)
{
	return (uint32_t)lround(S->m->p.reb_target * st->cap);
}

/*
 * The port of the truck's ward to drop at (drop != 0: most bikes short of
 * target, else any with a free dock) or to pick from (most bikes above
 * target plus low-battery bikes); ties to the nearer, then the lower index.
 */
static uint32_t choose(const struct bs_sim *S, const struct dtruck *v,
		       int drop, int any)
{
	const struct bs_depots *d = S->m->depots;
	uint32_t best = BS_NO_STATION;
	double best_gap = 0.0, best_d = HUGE_VAL;

	for (size_t j = d->st_off[v->ward]; j < d->st_off[v->ward + 1]; j++) {
		uint32_t s = d->st[j];
		const struct bs__station *st = &S->st[s];
		double tg = target_of(S, st), gap, dd;
		if (drop) {
			if (st->stock >= st->cap)
				continue;
			gap = any ? 1.0 : tg - (double)st->stock;
		} else {
			gap = (double)st->stock - tg;
			if (gap < 0.0)
				gap = 0.0;
			gap += low_bikes(S, st);
			if (gap > st->stock)
				gap = st->stock;
		}
		if (gap <= 0.0)
			continue;
		dd = dist_from(S, v, s);
		if (any ? dd < best_d
			: gap > best_gap || (gap == best_gap && dd < best_d)) {
			best = s;
			best_gap = gap;
			best_d = dd;
		}
	}
	return best;
}

/* ---- trucks: moving ---------------------------------------------------- */

static int at_time(struct bs_sim *S, struct dstate *D, uint32_t k, double t)
{
	return bs_engine_schedule(&S->eng, t, D->ev, k, 0) ? BS_E_NOMEM : 0;
}

/* Drive to dest (AT_DEPOT: home), leaving after `delay` minutes. */
static int drive(struct bs_sim *S, struct dstate *D, uint32_t k,
		 uint32_t dest, uint32_t mode, double t, double delay)
{
	const struct bs_params *p = &S->m->p;
	struct dtruck *v = &D->tr[k];
	double m;

	if (dest == AT_DEPOT)
		m = v->at == AT_DEPOT
			    ? 0.0
			    : S->m->depots->dist_m[(size_t)v->ward * S->n + v->at];
	else
		m = dist_from(S, v, dest);
	m *= p->truck_detour;
	if (S->integrating)
		*bs__raw(S, v->ward, BS_RAW_REB_KM) += m / 1000.0;
	v->target = dest;
	v->mode = mode;
	return at_time(S, D, k,
		       t + delay + m / (p->truck_speed_kmh * 1000.0 / 60.0));
}

/* The commitments of ward w are for the hour of t (a new hour: none). */
static void roll(struct dstate *D, uint32_t w, double t)
{
	double h = floor(t / 60.0);

	if (h != D->hour[w]) {
		D->hour[w] = h;
		D->done_in[w] = D->done_out[w] = 0.0;
	}
}

/* Bikes of ward w's policy still to commit in the hour of t. */
static uint32_t quota(const double *table, const double *done, uint32_t w,
		      double t)
{
	size_t h = (size_t)fmod(floor(t / 60.0), 24.0);
	double left = floor(table[(size_t)w * 24 + h] + 1e-9) - done[w];

	return left >= 1.0 ? (uint32_t)left : 0;
}

/* At the depot, empty: load bikes to bring in, or set out to take some
 * out, as the hour's policy says; else wait for the next hour. */
static int from_depot(struct bs_sim *S, struct dstate *D, uint32_t k,
		      double t)
{
	const struct bs_params *p = &S->m->p;
	struct dtruck *v = &D->tr[k];
	uint32_t w = v->ward, n, s;
	double next_h = (floor(t / 60.0) + 1.0) * 60.0;

	roll(D, w, t);
	n = quota(D->d->bring, D->done_in, w, t);
	if (n > p->truck_capacity)
		n = p->truck_capacity;
	n = ready_n(D, w, t, n);
	if (n && choose(S, v, 1, 1) != BS_NO_STATION) {
		D->done_in[w] += n;
		for (uint32_t i = 0; i < n; i++)
			v->bikes[v->load++] = get(S, D, w, t);
		S->trucked_total += n;
		if (S->loc)
			for (uint32_t i = 0; i < n; i++)
				S->loc[v->bikes[i]] = BS_ON_TRUCK;
		v->mode = T_IDLE;
		return at_time(S, D, k, t + n * p->load_min);
	}
	n = quota(D->d->take, D->done_out, w, t);
	if (n > p->truck_capacity)
		n = p->truck_capacity;
	if (n > room(D, w))
		n = room(D, w);
	if (n && (s = choose(S, v, 0, 0)) != BS_NO_STATION) {
		D->done_out[w] += n;
		D->inbound[w] += n;
		v->commit = n;
		return drive(S, D, k, s, T_TO_PICK, t, 0.0);
	}
	v->mode = T_IDLE;
	return at_time(S, D, k,
		       next_h < t + p->review_min ? next_h : t + p->review_min);
}

/* Back at the depot: what is on board goes in (as far as it holds). */
static double unload_home(struct bs_sim *S, struct dstate *D, uint32_t k,
			  double t)
{
	struct dtruck *v = &D->tr[k];
	uint32_t w = v->ward, n = 0;

	D->inbound[w] -= v->commit < D->inbound[w] ? v->commit : D->inbound[w];
	v->commit = 0;
	while (v->load > 0 && room(D, w)) {
		put(S, D, w, v->bikes[--v->load], t);
		S->trucked_total--;
		n++;
	}
	v->at = AT_DEPOT;
	return n * S->m->p.load_min;
}

static int plan(struct bs_sim *S, struct dstate *D, uint32_t k, double t)
{
	const struct bs_depots *d = D->d;
	struct dtruck *v = &D->tr[k];
	uint32_t s;

	if (!bs__in_shift(t, d->shift_start_h, d->shift_end_h)) {
		if (v->at != AT_DEPOT)
			return drive(S, D, k, AT_DEPOT, T_TO_DEPOT, t, 0.0);
		v->mode = T_OFF;
		return at_time(S, D, k,
			       bs__next_daily(t + 1e-9, d->shift_start_h));
	}
	if (v->load > 0 && v->commit == 0) {
		s = choose(S, v, 1, 0);
		if (s == BS_NO_STATION)
			s = choose(S, v, 1, 1);
		return s == BS_NO_STATION
			       ? drive(S, D, k, AT_DEPOT, T_TO_DEPOT, t, 0.0)
			       : drive(S, D, k, s, T_TO_DROP, t, 0.0);
	}
	if (v->commit > 0 && v->load < v->commit &&
	    (s = choose(S, v, 0, 0)) != BS_NO_STATION)
		return drive(S, D, k, s, T_TO_PICK, t, 0.0);
	if (v->at != AT_DEPOT || v->load > 0)
		return drive(S, D, k, AT_DEPOT, T_TO_DEPOT, t, 0.0);
	return from_depot(S, D, k, t);
}

/* At a port: unload what it needs (up to its target; all that fits when
 * no port of the ward is short) or load what the round committed to. */
static int at_port(struct bs_sim *S, struct dstate *D, uint32_t k, double t)
{
	struct dtruck *v = &D->tr[k];
	struct bs__station *st;
	uint32_t n = 0, tg;

	v->at = v->target;
	st = &S->st[v->at];
	tg = target_of(S, st);
	if (v->mode == T_TO_DROP) {
		uint32_t want = st->stock < tg ? tg - st->stock : v->load;
		while (n < want && v->load > 0 && st->stock < st->cap) {
			bs__proc_dock(S, v->at, v->bikes[--v->load], t);
			S->trucked_total--;
			n++;
		}
		count(S, st->ward, BS_RAW_DEPOT_IN, n);
	} else {
		while (v->load < v->commit && st->stock > 0 &&
		       (st->stock > tg || low_bikes(S, st))) {
			v->bikes[v->load++] = take_one(S, v->at, t, BS_ON_TRUCK);
			S->trucked_total++;
			n++;
		}
		count(S, st->ward, BS_RAW_DEPOT_OUT, n);
	}
	v->mode = T_IDLE;
	return at_time(S, D, k,
		       t + (n ? n * S->m->p.load_min : S->m->p.review_min));
}

static int depots_event(struct bs_sim *S, void *st, uint32_t k, double t)
{
	struct dstate *D = st;
	struct dtruck *v;

	if (k == REPLAY)
		return replay(S, D, t);
	if (S->draining)
		return 0; /* operations stop at the horizon */
	v = &D->tr[k];
	switch (v->mode) {
	case T_OFF:
	case T_IDLE:
		return plan(S, D, k, t);
	case T_TO_DROP:
	case T_TO_PICK:
		return at_port(S, D, k, t);
	case T_TO_DEPOT: {
		double busy = unload_home(S, D, k, t);
		v->mode = T_IDLE;
		return at_time(S, D, k, t + busy);
	}
	default:
		return BS_E_RUN;
	}
}

/* ---- start, check, finish ----------------------------------------------- */

/* The depots' bikes, numbered on from the docked ones, charged and ready;
 * the trucks at their depots until the shift; the first replayed move. */
static int depots_start(struct bs_sim *S, void *st, uint32_t ev)
{
	struct dstate *D = st;
	const struct bs_depots *d = D->d;
	uint64_t b = S->m->fleet;
	size_t w, k = 0;

	D->ev = ev;
	D->cursor = 0;
	for (w = 0; w < S->W; w++) {
		D->head[w] = D->count[w] = D->inbound[w] = 0;
		D->tlast[w] = 0.0;
		D->hour[w] = -1.0;
		D->done_in[w] = D->done_out[w] = 0.0;
		for (uint32_t i = 0; i < d->stock[w]; i++, b++) {
			S->owner[b] = (uint16_t)w;
			put(S, D, (uint32_t)w, (uint32_t)b, -HUGE_VAL);
			D->ready[D->off[w] + D->count[w] - 1] = -HUGE_VAL;
		}
		D->tlast[w] = 0.0;
		for (uint32_t i = 0; i < d->trucks[w]; i++, k++) {
			struct dtruck *v = &D->tr[k];
			memset(v, 0, sizeof(*v));
			v->ward = (uint32_t)w;
			v->at = AT_DEPOT;
			v->mode = T_OFF;
			v->bikes = D->tb + k * S->m->p.truck_capacity;
			if (d->ops == BS_DEPOT_OPS_POLICY &&
			    at_time(S, D, (uint32_t)k,
				    bs__next_daily(0.0, d->shift_start_h)))
				return BS_E_NOMEM;
		}
	}
	if (b != S->fleet)
		return BS_E_RUN;
	if (d->ops == BS_DEPOT_OPS_REPLAY && d->nmoves &&
	    d->mv_t[0] < S->horizon &&
	    bs_engine_schedule(&S->eng, d->mv_t[0], ev, REPLAY, 0))
		return BS_E_NOMEM;
	return 0;
}

/* Bikes on the depot trucks; nonzero when a depot's own count disagrees
 * with the loop's, holds more than its capacity, or holds a bike the
 * paranoid locations place elsewhere. O(depot bikes + trucks). */
static int depots_held(const struct bs_sim *S, const void *st, uint64_t *bikes)
{
	const struct dstate *D = st;
	uint64_t in = 0;
	size_t w, k;

	*bikes = 0;
	for (k = 0; k < D->d->ntrucks; k++) {
		if (D->tr[k].load > S->m->p.truck_capacity)
			return -1;
		*bikes += D->tr[k].load;
	}
	for (w = 0; w < S->W; w++) {
		uint32_t cap = D->d->capacity[w];
		if (D->count[w] > cap || D->count[w] != S->w_depot[w])
			return -1;
		for (uint32_t i = 0; S->loc && i < D->count[w]; i++)
			if (S->loc[D->ring[D->off[w] + (D->head[w] + i) % cap]] !=
			    BS_IN_DEPOT)
				return -1;
		in += D->count[w];
	}
	return in == S->depot_total ? 0 : -1;
}

static void depots_finish(struct bs_sim *S, void *st)
{
	struct dstate *D = st;
	const struct bs_depots *d = D->d;
	double th = bs__shift_overlap(S->warm, S->horizon, d->shift_start_h,
				      d->shift_end_h) / 60.0;

	for (uint32_t w = 0; w < S->W; w++) {
		dep_touch(S, D, w, S->horizon);
		if (d->ops == BS_DEPOT_OPS_POLICY)
			*bs__raw(S, w, BS_RAW_TRUCK_HOURS) += th * d->trucks[w];
	}
}

const struct bs__process bs__depots = {
	"depots", depots_wanted, depots_alloc, depots_free, depots_start,
	depots_event, depots_held, depots_finish};
