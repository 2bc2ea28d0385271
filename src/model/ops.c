/*
 * ops.c - operations inside the event loop: rebalancing trucks and
 * battery swap crews, two processes of the loop (struct bs__process; see
 * docs/operations.md for the rules in words).
 *
 * Each process's events carry the vehicle index as payload; its state (the
 * vehicles, the bikes on board) is its own, out of the loop's sight. A vehicle is always in one mode: off duty at its depot,
 * idle (it looks for work again after review_min), or travelling to a port
 * to load, unload or swap, or home to the depot. Bikes on a truck are
 * counted as such, so docked + riding + on trucks = fleet at every event.
 *
 * Cost of the choices: each plan scans the ports of the vehicle's service
 * group once (O(ports in group), and O(bikes docked in it) for crews and
 * repatriation); vehicles plan a few hundred times a day, so this is noise
 * next to the users' events even on the 464-port Tokyo network.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A fleet of vehicles: the state of the trucks' or the crews' process. */
struct fleet {
	struct bs__vehicle *v; /* [n] */
	size_t n;
	uint32_t ev;           /* the process's event type */
	uint32_t *bikes;       /* trucks: [n * capacity] on board */
	uint16_t *from;        /* trucks: [n * capacity] where each was loaded */
};

/* ---- shifts ----------------------------------------------------------- */

int bs__in_shift(double t, double sh, double eh)
{
	double m = fmod(t, BS_MINUTES_PER_DAY);

	return m >= sh * 60.0 && m < eh * 60.0;
}


/* Minutes of daily shifts [sh, eh) inside [a, b). */
double bs__shift_overlap(double a, double b, double sh, double eh)
{
	double total = 0.0, d;

	for (d = floor(a / BS_MINUTES_PER_DAY); d * BS_MINUTES_PER_DAY < b;
	     d += 1.0) {
		double lo = d * BS_MINUTES_PER_DAY + sh * 60.0;
		double hi = d * BS_MINUTES_PER_DAY + eh * 60.0;
		if (lo < a)
			lo = a;
		if (hi > b)
			hi = b;
		if (hi > lo)
			total += hi - lo;
	}
	return total;
}

/* ---- the processes' state ---------------------------------------------- */

static int trucks_wanted(const struct bs_model *m)
{
	return m->ops && m->p.reb_policy != BS_REB_NONE && m->ops->ntrucks > 0;
}

static int crews_wanted(const struct bs_model *m)
{
	return m->ops && m->p.battery && m->ops->ncrews > 0;
}

static void fleet_free(void *st)
{
	struct fleet *F = st;

	if (!F)
		return;
	free(F->v);
	free(F->bikes);
	free(F->from);
	free(F);
}

static struct fleet *fleet_alloc(size_t n, size_t cap)
{
	struct fleet *F = calloc(1, sizeof(*F));
	size_t k;

	if (!F)
		return NULL;
	F->n = n;
	F->v = calloc(n ? n : 1, sizeof(*F->v));
	if (!F->v)
		goto err;
	if (cap) {
		F->bikes = malloc((n * cap + 1) * sizeof(uint32_t));
		F->from = malloc((n * cap + 1) * sizeof(uint16_t));
		if (!F->bikes || !F->from)
			goto err;
		for (k = 0; k < n; k++) {
			F->v[k].bikes = F->bikes + k * cap;
			F->v[k].from = F->from + k * cap;
		}
	}
	return F;
err:
	fleet_free(F);
	return NULL;
}

static void *trucks_alloc(const struct bs_sim *S)
{
	return fleet_alloc(S->m->ops->ntrucks, S->m->p.truck_capacity);
}

static void *crews_alloc(const struct bs_sim *S)
{
	return fleet_alloc(S->m->ops->ncrews, 0);
}

/* Every vehicle off duty at its depot, first out at the shift's start. */
static int fleet_start(struct bs_sim *S, struct fleet *F, uint32_t ev,
		       const uint32_t *home, const struct bs_pool *pool,
		       double shift_start_h)
{
	double t0 = bs__next_daily(0.0, shift_start_h);
	size_t k;

	F->ev = ev;
	for (k = 0; k < F->n; k++) {
		struct bs__vehicle *v = &F->v[k];
		v->home = home[k];
		v->group = pool->group_of_ward[v->home];
		v->at = v->target = S->m->ops->depot[v->home];
		v->mode = V_OFF;
		v->load = 0;
		v->dump = 0;
		if (t0 < S->horizon &&
		    bs_engine_schedule(&S->eng, t0, ev, (uint32_t)k, 0))
			return BS_E_NOMEM;
	}
	return 0;
}

static int trucks_start(struct bs_sim *S, void *st, uint32_t ev)
{
	return fleet_start(S, st, ev, S->m->ops->truck_home,
			   &S->m->ops->trucks, S->m->p.reb_shift_start_h);
}

static int crews_start(struct bs_sim *S, void *st, uint32_t ev)
{
	return fleet_start(S, st, ev, S->m->ops->crew_home,
			   &S->m->ops->crews, S->m->p.bat_shift_start_h);
}

/* The bikes on board, each load within the truck's capacity. */
static int trucks_held(const struct bs_sim *S, const void *st, uint64_t *bikes)
{
	const struct fleet *F = st;
	size_t k;

	*bikes = 0;
	for (k = 0; k < F->n; k++) {
		if (F->v[k].load > S->m->p.truck_capacity)
			return -1;
		*bikes += F->v[k].load;
	}
	return 0;
}

/* ---- trucks: choosing ports -------------------------------------------- */

/*
 * Requests expected at port s in the next lookahead_min minutes (from the
 * demand tables; 0 when the look-ahead is off or demand is a replayed log).
 * Why: a busy port with a quarter of its docks filled runs dry within the
 * rush hour although it is inside the capacity bands, while a quiet port
 * below the band loses nobody. Operators plan by expected demand.
 */
static double expected(const struct bs_sim *S, uint32_t s, double t)
{
	double L = S->m->p.reb_lookahead_min;

	return L > 0.0 ? bs_demand_expected(S->m->dem, s, t, t + L) : 0.0;
}

/* The level a served port is brought to: target x docks, or the requests
 * expected in the look-ahead when more, never above the docks. */
static uint32_t target_bikes(const struct bs_sim *S, const struct bs__station *st,
			     double demand)
{
	double v = S->m->p.reb_target * st->cap;

	if (demand > v)
		v = demand;
	if (v > st->cap)
		v = st->cap;
	return (uint32_t)lround(v);
}

/* Below low x docks, or too few rentable bikes for the requests expected
 * in the look-ahead. */
static int needs_bikes(const struct bs_sim *S, const struct bs__station *st,
		       double demand)
{
	double low = S->m->p.reb_low * st->cap;

	return (double)st->usable < (demand > low ? demand : low);
}

static int too_many(const struct bs_sim *S, const struct bs__station *st)
{
	return (double)st->stock > S->m->p.reb_high * st->cap;
}

/* Wards where at least one bike on the truck may be docked. */
static void droppable_wards(const struct bs_sim *S,
			    const struct bs__vehicle *v, uint8_t *ok)
{
	const struct bs_agreement *agr = S->m->agr;
	size_t w;

	memset(ok, 0, S->W);
	for (uint32_t i = 0; i < v->load; i++)
		for (w = 0; w < S->W; w++)
			if (bs_agreement_allows(agr, S->owner[v->bikes[i]],
						(unsigned)w))
				ok[w] = 1;
}

enum pick_rule {
	WORST_DEFICIT, /* most bikes short of target, among ports below low */
	NEAREST_SOURCE_HIGH, /* nearest above high */
	NEAREST_SOURCE_SPARE, /* nearest with usable bikes above target */
	WORST_SURPLUS, /* most bikes over target, among ports above high */
	NEAREST_BELOW_TARGET, /* nearest with free docks, usable below target */
	NEAREST_FREE /* nearest with a free dock */
};

/*
 * The port of the truck's group chosen by rule: "worst" rules maximise the
 * gap to target among the ports within reach_m of the truck, and look
 * farther only when none within reach qualifies (ties to the nearer port,
 * then the lower index); "nearest" rules minimise the distance from the
 * truck. Drop rules consider only ports of wards in ok (may be NULL: all).
 *
 * Why the reach: without it a pooled truck crosses the city for a port
 * only one bike worse off than one next door, and pooling costs
 * kilometres instead of saving them.
 */
static uint32_t choose(const struct bs_sim *S, const struct bs__vehicle *v,
		       int rule, const uint8_t *ok, double t)
{
	const struct bs_pool *pool = &S->m->ops->trucks;
	const struct bs_network *net = S->m->net;
	uint32_t best = BS_NO_STATION;
	double best_gap = -1.0, best_d = HUGE_VAL, reach = S->m->p.reb_reach_m;
	int best_far = 1;
	size_t j;

	for (j = pool->off[v->group]; j < pool->off[v->group + 1]; j++) {
		uint32_t s = pool->st[j];
		const struct bs__station *st = &S->st[s];
		double dem = rule == NEAREST_FREE || rule == NEAREST_SOURCE_HIGH
				     ? 0.0
				     : expected(S, s, t);
		uint32_t tgt = target_bikes(S, st, dem);
		double gap = 0.0, d;
		int cand, far;
		if (ok && !ok[st->ward])
			continue;
		switch (rule) {
		case WORST_DEFICIT: {
			/* priority: the shortfall against the port's need, so a
			 * busy port about to run dry comes before a big quiet
			 * one that is merely below its band */
			double low = S->m->p.reb_low * st->cap;
			cand = needs_bikes(S, st, dem) && st->stock < st->cap;
			gap = (dem > low ? dem : low) - (double)st->usable;
			break;
		}
		case NEAREST_SOURCE_HIGH:
			cand = too_many(S, st);
			break;
		case NEAREST_SOURCE_SPARE:
			cand = st->usable > tgt;
			break;
		case WORST_SURPLUS:
			cand = too_many(S, st);
			gap = (double)st->stock - (double)tgt;
			break;
		case NEAREST_BELOW_TARGET:
			cand = st->usable < tgt && st->stock < st->cap;
			break;
		default:
			cand = st->stock < st->cap;
		}
		if (!cand)
			continue;
		d = bs_network_dist(net, v->at, s);
		far = d > reach;
		if (far < best_far ||
		    (far == best_far &&
		     (gap > best_gap || (gap == best_gap && d < best_d)))) {
			best = s;
			best_gap = gap;
			best_d = d;
			best_far = far;
		}
	}
	return best;
}

/* Repatriation: the port anywhere holding the most bikes that belong to a
 * ward of the truck's group but stand in another ward (ties: nearest). */
static uint32_t choose_foreign(const struct bs_sim *S,
			       const struct bs__vehicle *v)
{
	const struct bs_pool *pool = &S->m->ops->trucks;
	const struct bs_network *net = S->m->net;
	const uint8_t *mine = pool->in_group + (size_t)v->group * S->W;
	uint32_t best = BS_NO_STATION, best_n = 0;
	double best_d = HUGE_VAL;
	size_t s;

	for (s = 0; s < S->n; s++) {
		const struct bs__station *st = &S->st[s];
		uint32_t n = 0;
		double d;
		for (uint32_t k = 0; k < st->stock; k++) {
			uint32_t o = S->owner[S->docks[st->off + k]];
			n += mine[o] && o != st->ward;
		}
		if (!n)
			continue;
		d = bs_network_dist(net, v->at, (uint32_t)s);
		if (n > best_n || (n == best_n && d < best_d)) {
			best = (uint32_t)s;
			best_n = n;
			best_d = d;
		}
	}
	return best;
}

/* Repatriation drop: in the owner ward of the first bike on board, the
 * port most short of target, else the nearest with a free dock. */
static uint32_t choose_home_drop(const struct bs_sim *S,
				 const struct bs__vehicle *v)
{
	const struct bs_network *net = S->m->net;
	uint32_t w = S->owner[v->bikes[0]], best = BS_NO_STATION;
	double best_gap = -HUGE_VAL, best_d = HUGE_VAL;
	size_t s;

	for (s = 0; s < S->n; s++) {
		const struct bs__station *st = &S->st[s];
		double gap, d;
		if (st->ward != w || st->stock >= st->cap)
			continue;
		gap = (double)target_bikes(S, st, 0.0) - (double)st->usable;
		d = bs_network_dist(net, v->at, (uint32_t)s);
		if (gap > best_gap || (gap == best_gap && d < best_d)) {
			best = (uint32_t)s;
			best_gap = gap;
			best_d = d;
		}
	}
	return best;
}

/* ---- trucks: moving ----------------------------------------------------- */

static int travel(struct bs_sim *S, const struct fleet *F, uint32_t k,
		  struct bs__vehicle *v, uint32_t dest, uint32_t mode, double t,
		  double kmh)
{
	const struct bs_params *p = &S->m->p;
	double m = p->truck_detour * bs_network_dist(S->m->net, v->at, dest);

	/* trucks' kilometres are counted (crews' are not a cost here) */
	if (F->bikes && S->integrating)
		*bs__raw(S, v->home, BS_RAW_REB_KM) += m / 1000.0;
	v->target = dest;
	v->mode = mode;
	return bs_engine_schedule(&S->eng, t + m / (kmh * 1000.0 / 60.0),
				  F->ev, k, 0)
		       ? BS_E_NOMEM
		       : 0;
}

static int idle(struct bs_sim *S, const struct fleet *F, uint32_t k,
		struct bs__vehicle *v, double t)
{
	v->mode = V_IDLE;
	return bs_engine_schedule(&S->eng, t + S->m->p.review_min, F->ev, k, 0)
		       ? BS_E_NOMEM
		       : 0;
}

/* Load up to n bikes at the truck's port: rentable ones first (they are
 * what a short port needs), those of `owner` only when owner is not
 * BS_NO_STATION (repatriation: bikes standing outside their ward). */
static uint32_t load_bikes(struct bs_sim *S, struct bs__vehicle *v,
			   uint32_t n, uint32_t owner_group, double t)
{
	const uint8_t *mine = owner_group == BS_NO_STATION
				      ? NULL
				      : S->m->ops->trucks.in_group +
						(size_t)owner_group * S->W;
	struct bs__station *st = &S->st[v->at];
	uint32_t got = 0;
	int pass;

	for (pass = 0; pass < 2 && got < n; pass++) {
		uint32_t k = st->stock;
		while (k-- > 0 && got < n) {
			uint32_t b = S->docks[st->off + k];
			if ((pass == 0) != (bs__usable(S, b) != 0))
				continue;
			if (mine && (!mine[S->owner[b]] || S->owner[b] == st->ward))
				continue;
			bs__proc_take(S, v->at, k, t, BS_ON_TRUCK);
			v->from[v->load] = (uint16_t)st->ward;
			v->bikes[v->load++] = b;
			S->trucked_total++;
			got++;
		}
	}
	return got;
}

/* Unload up to n bikes that may stand at the truck's port (with only_owner
 * set, only bikes owned by the port's ward: repatriation). */
static uint32_t unload_bikes(struct bs_sim *S, struct bs__vehicle *v,
			     uint32_t n, int only_owner, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__station *st = &S->st[v->at];
	uint32_t done = 0, i = v->load;

	while (i-- > 0 && done < n && st->stock < st->cap) {
		uint32_t b = v->bikes[i], o = S->owner[b];
		if (!bs_agreement_allows(S->m->agr, o, st->ward) ||
		    (only_owner && o != st->ward))
			continue;
		if (S->integrating) {
			*bs__raw(S, v->home, BS_RAW_REB_MOVES) += 1.0;
			if (v->from[i] != o && st->ward == o) {
				*bs__raw(S, v->home, BS_RAW_REPATRIATED) += 1.0;
				bs__owe(S, o, v->home, p->repatriation_yen);
			}
		}
		bs__proc_dock(S, v->at, b, t);
		S->trucked_total--;
		v->bikes[i] = v->bikes[v->load - 1];
		v->from[i] = v->from[v->load - 1];
		v->load--;
		done++;
	}
	return done;
}

static int truck_plan(struct bs_sim *S, struct fleet *F, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__vehicle *v = &F->v[k];
	uint8_t ok[BS_MAX_WARDS];
	uint32_t s;
	double kmh = p->truck_speed_kmh;

	v->dump = 0;
	if (!bs__in_shift(t, p->reb_shift_start_h, p->reb_shift_end_h)) {
		/* shift over: drop what is on board, then go home */
		if (v->load > 0) {
			v->dump = 1;
			droppable_wards(S, v, ok);
			s = choose(S, v, NEAREST_BELOW_TARGET, ok, t);
			if (s == BS_NO_STATION)
				s = choose(S, v, NEAREST_FREE, ok, t);
			if (s != BS_NO_STATION)
				return travel(S, F, k, v, s, V_TO_DROP, t, kmh);
		}
		return travel(S, F, k, v, S->m->ops->depot[v->home],
			      V_TO_DEPOT, t, kmh);
	}
	if (p->reb_policy == BS_REB_REPATRIATE) {
		if (v->load > 0) {
			s = choose_home_drop(S, v);
			return s == BS_NO_STATION
				       ? idle(S, F, k, v, t)
				       : travel(S, F, k, v, s, V_TO_DROP, t, kmh);
		}
		s = choose_foreign(S, v);
		return s == BS_NO_STATION
			       ? idle(S, F, k, v, t)
			       : travel(S, F, k, v, s, V_TO_PICK, t, kmh);
	}
	/* threshold */
	if (v->load > 0) {
		droppable_wards(S, v, ok);
		s = choose(S, v, WORST_DEFICIT, ok, t);
		if (s == BS_NO_STATION)
			s = choose(S, v, NEAREST_BELOW_TARGET, ok, t);
		if (s == BS_NO_STATION) {
			/* nobody short of bikes any more: put the load back
			 * at the nearest port with room */
			s = choose(S, v, NEAREST_FREE, ok, t);
			v->dump = 1;
		}
		return s == BS_NO_STATION
			       ? idle(S, F, k, v, t)
			       : travel(S, F, k, v, s, V_TO_DROP, t, kmh);
	}
	if (choose(S, v, WORST_DEFICIT, NULL, t) != BS_NO_STATION) {
		s = choose(S, v, NEAREST_SOURCE_HIGH, NULL, t);
		if (s == BS_NO_STATION)
			s = choose(S, v, NEAREST_SOURCE_SPARE, NULL, t);
	} else {
		s = choose(S, v, WORST_SURPLUS, NULL, t);
	}
	return s == BS_NO_STATION ? idle(S, F, k, v, t)
				  : travel(S, F, k, v, s, V_TO_PICK, t, kmh);
}

static int trucks_event(struct bs_sim *S, void *state, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct fleet *F = state;
	struct bs__vehicle *v = &F->v[k];
	uint32_t n = 0;

	if (S->draining)
		return 0; /* operations stop at the horizon */
	switch (v->mode) {
	case V_OFF:
		v->at = S->m->ops->depot[v->home];
		return truck_plan(S, F, k, t);
	case V_IDLE:
		return truck_plan(S, F, k, t);
	case V_TO_PICK: {
		struct bs__station *st = &S->st[v->target];
		uint32_t room = p->truck_capacity - v->load, tgt;
		v->at = v->target;
		if (p->reb_policy == BS_REB_REPATRIATE) {
			n = load_bikes(S, v, room, v->group, t);
		} else {
			tgt = target_bikes(S, st, expected(S, v->target, t));
			if (st->stock > tgt)
				n = load_bikes(S, v, st->stock - tgt < room
							     ? st->stock - tgt
							     : room,
					       BS_NO_STATION, t);
		}
		break;
	}
	case V_TO_DROP: {
		struct bs__station *st;
		uint32_t want = UINT32_MAX, tgt;
		v->at = v->target;
		st = &S->st[v->at];
		tgt = target_bikes(S, st, expected(S, v->at, t));
		if (p->reb_policy == BS_REB_THRESHOLD && !v->dump)
			want = st->usable < tgt ? tgt - st->usable : 0;
		n = unload_bikes(S, v, want,
				 p->reb_policy == BS_REB_REPATRIATE && !v->dump, t);
		break;
	}
	case V_TO_DEPOT:
		v->at = S->m->ops->depot[v->home];
		v->mode = V_OFF;
		return bs_engine_schedule(&S->eng,
					  bs__next_daily(t + 1e-9, p->reb_shift_start_h),
					  F->ev, k, 0)
			       ? BS_E_NOMEM
			       : 0;
	default:
		return BS_E_RUN;
	}
	/* Busy loading or unloading; nothing done (the port changed while
	 * the truck drove): look again after a pause, never at once, so a
	 * truck cannot loop at one instant. */
	v->mode = V_IDLE;
	if (n == 0)
		return idle(S, F, k, v, t);
	return bs_engine_schedule(&S->eng, t + n * p->load_min, F->ev, k, 0)
		       ? BS_E_NOMEM
		       : 0;
}

/* ---- battery swap crews ------------------------------------------------- */

/* The port of the crew's group with the most unrentable bikes, then the
 * most bikes below swap_below, then the nearest (the first in the group's
 * order on a full tie): the lexicographic best of (dead, low, -distance)
 * among the ports with low bikes.
 *
 * Counting a port's low bikes reads every docked bike's charge, the cost
 * of a decision; so no port that cannot win is counted. Every unrentable
 * bike is a low one (the scenario holds swap_below >= min_rentable, and
 * float rounding keeps the order; checked here all the same), so a port
 * with dead bikes has low ones, and the winner has the group's most dead
 * bikes: a first pass finds that number from the ports' records alone,
 * and ports with fewer are passed over uncounted, as are ports that would
 * lose on dead bikes or, holding fewer bikes than the best has low ones,
 * on low bikes. The same port as counting them all. */
static uint32_t choose_swap(const struct bs_sim *S, const struct bs__vehicle *v)
{
	const struct bs_pool *pool = &S->m->ops->crews;
	const struct bs_params *p = &S->m->p;
	const float below = (float)p->bat_swap_below;
	uint32_t best = BS_NO_STATION, bd = 0, bl = 0;
	double best_d = HUGE_VAL;
	size_t j, j0 = pool->off[v->group], j1 = pool->off[v->group + 1];

	if (below >= (float)p->bat_min_rentable)
		for (j = j0; j < j1; j++) {
			const struct bs__station *st = &S->st[pool->st[j]];
			if (st->stock - st->usable > bd)
				bd = st->stock - st->usable;
		}
	for (j = j0; j < j1; j++) {
		uint32_t s = pool->st[j], low, dead;
		const struct bs__station *st = &S->st[s];
		double d;
		dead = st->stock - st->usable;
		if (dead < bd || st->stock == 0 || (dead == bd && st->stock < bl))
			continue;
		low = bs__docked_below(S, st, below);
		if (!low)
			continue;
		/* the distance only breaks ties: not computed for a port
		 * that loses on (dead, low) already (the same choice, a
		 * great-circle distance saved per port passed over) */
		if (dead == bd && low < bl)
			continue;
		d = bs_network_dist(S->m->net, v->at, s);
		if (dead > bd || low > bl || d < best_d) {
			best = s;
			bd = dead;
			bl = low;
			best_d = d;
		}
	}
	return best;
}

/* choose_swap without its shortcuts: every port's low bikes counted, as
 * before them. Paranoid runs (check_ops) hold the two to the same port. */
static uint32_t choose_swap_all(const struct bs_sim *S,
				const struct bs__vehicle *v)
{
	const struct bs_pool *pool = &S->m->ops->crews;
	const float below = (float)S->m->p.bat_swap_below;
	uint32_t best = BS_NO_STATION, bd = 0, bl = 0;
	double best_d = HUGE_VAL;
	size_t j;

	for (j = pool->off[v->group]; j < pool->off[v->group + 1]; j++) {
		uint32_t s = pool->st[j], low, dead;
		const struct bs__station *st = &S->st[s];
		double d;
		low = bs__docked_below(S, st, below);
		dead = st->stock - st->usable;
		if (!low || dead < bd || (dead == bd && low < bl))
			continue;
		d = bs_network_dist(S->m->net, v->at, s);
		if (dead > bd || low > bl || d < best_d) {
			best = s;
			bd = dead;
			bl = low;
			best_d = d;
		}
	}
	return best;
}

static int crews_event(struct bs_sim *S, void *state, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct fleet *F = state;
	struct bs__vehicle *v = &F->v[k];
	uint32_t s, n = 0;

	if (S->draining)
		return 0;
	switch (v->mode) {
	case V_OFF:
		v->at = S->m->ops->depot[v->home];
		break;
	case V_IDLE:
		break;
	case V_TO_PICK: {
		struct bs__station *st = &S->st[v->target];
		uint32_t usable = st->usable;
		v->at = v->target;
		for (uint32_t i = 0; i < st->stock; i++) {
			uint32_t b = S->docks[st->off + i];
			if (S->charge[b] >= (float)p->bat_swap_below)
				continue;
			usable += !bs__usable(S, b);
			S->charge[b] = 1.0f;
			n++;
		}
		bs__st_set(S, st, t, st->stock, usable);
		if (S->integrating)
			*bs__raw(S, v->home, BS_RAW_SWAPS) += n;
		v->mode = V_IDLE;
		if (n == 0)
			return idle(S, F, k, v, t);
		return bs_engine_schedule(&S->eng, t + n * p->swap_min, F->ev,
					  k, 0)
			       ? BS_E_NOMEM
			       : 0;
	}
	case V_TO_DEPOT:
		v->at = S->m->ops->depot[v->home];
		v->mode = V_OFF;
		return bs_engine_schedule(&S->eng,
					  bs__next_daily(t + 1e-9, p->bat_shift_start_h),
					  F->ev, k, 0)
			       ? BS_E_NOMEM
			       : 0;
	default:
		return BS_E_RUN;
	}
	if (!bs__in_shift(t, p->bat_shift_start_h, p->bat_shift_end_h))
		return travel(S, F, k, v, S->m->ops->depot[v->home], V_TO_DEPOT, t,
			      p->crew_speed_kmh);
	s = choose_swap(S, v);
	if (S->hooks && S->hooks->paranoid && s != choose_swap_all(S, v))
		return BS_E_RUN;
	return s == BS_NO_STATION
		       ? idle(S, F, k, v, t)
		       : travel(S, F, k, v, s, V_TO_PICK, t, p->crew_speed_kmh);
}

/* ---- end of a replication ----------------------------------------------- */

/* Hours on shift in the measured window, per vehicle of each ward. */
static void trucks_finish(struct bs_sim *S, void *st)
{
	const struct bs_params *p = &S->m->p;
	double th = bs__shift_overlap(S->warm, S->horizon, p->reb_shift_start_h,
				  p->reb_shift_end_h) / 60.0;
	size_t a;

	(void)st;
	for (a = 0; a < S->W; a++)
		*bs__raw(S, a, BS_RAW_TRUCK_HOURS) = th * S->m->ops->ward_trucks[a];
}

static void crews_finish(struct bs_sim *S, void *st)
{
	const struct bs_params *p = &S->m->p;
	double ch = bs__shift_overlap(S->warm, S->horizon, p->bat_shift_start_h,
				  p->bat_shift_end_h) / 60.0;
	size_t a;

	(void)st;
	for (a = 0; a < S->W; a++)
		*bs__raw(S, a, BS_RAW_CREW_HOURS) = ch * S->m->ops->ward_crews[a];
}

const struct bs__process bs__trucks = {
	"trucks", trucks_wanted, trucks_alloc, fleet_free, trucks_start,
	trucks_event, trucks_held, trucks_finish};

const struct bs__process bs__crews = {
	"crews", crews_wanted, crews_alloc, fleet_free, crews_start,
	crews_event, NULL, crews_finish};
