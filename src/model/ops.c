/*
 * ops.c - operations inside the event loop: rebalancing trucks, battery
 * swap crews, the nightly count of foreign bikes, and settlement between
 * wards (see docs/operations.md for the rules in words).
 *
 * Trucks and crews are ordinary events (EV_TRUCK, EV_CREW) with the vehicle
 * index as payload. A vehicle is always in one mode: off duty at its depot,
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

#define SPLIT_POINTS 8

/* ---- shifts ----------------------------------------------------------- */

static int in_shift(double t, double sh, double eh)
{
	double m = fmod(t, BS_MINUTES_PER_DAY);

	return m >= sh * 60.0 && m < eh * 60.0;
}

/* The first shift start at or after t. */
static double next_start(double t, double sh)
{
	double day = floor(t / BS_MINUTES_PER_DAY);
	double s = day * BS_MINUTES_PER_DAY + sh * 60.0;

	return s >= t ? s : s + BS_MINUTES_PER_DAY;
}

/* Minutes of daily shifts [sh, eh) inside [a, b). */
static double shift_overlap(double a, double b, double sh, double eh)
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

/* ---- allocation ------------------------------------------------------- */

static int trucks_on(const struct bs_sim *S)
{
	return S->m->ops && S->m->p.reb_policy != BS_REB_NONE &&
	       S->m->ops->ntrucks > 0;
}

static int crews_on(const struct bs_sim *S)
{
	return S->m->ops && S->m->p.battery && S->m->ops->ncrews > 0;
}

int bs__ops_alloc(struct bs_sim *S)
{
	const struct bs_ops *o = S->m->ops;
	size_t cap = S->m->p.truck_capacity, k, slots;

	if (!o)
		return 0;
	slots = o->ntrucks * cap + 1;
	S->trucks = calloc(o->ntrucks ? o->ntrucks : 1, sizeof(*S->trucks));
	S->crews = calloc(o->ncrews ? o->ncrews : 1, sizeof(*S->crews));
	S->truck_bikes = malloc(slots * sizeof(uint32_t));
	S->truck_from = malloc(slots * sizeof(uint16_t));
	if (!S->trucks || !S->crews || !S->truck_bikes || !S->truck_from)
		return BS_E_NOMEM;
	for (k = 0; k < o->ntrucks; k++) {
		S->trucks[k].bikes = S->truck_bikes + k * cap;
		S->trucks[k].from = S->truck_from + k * cap;
	}
	return 0;
}

void bs__ops_free(struct bs_sim *S)
{
	free(S->trucks);
	free(S->crews);
	free(S->truck_bikes);
	free(S->truck_from);
}

int bs__ops_start(struct bs_sim *S)
{
	const struct bs_ops *o = S->m->ops;
	const struct bs_params *p = &S->m->p;
	size_t k;

	if (trucks_on(S)) {
		double t0 = next_start(0.0, p->reb_shift_start_h);
		for (k = 0; k < o->ntrucks; k++) {
			struct bs__vehicle *v = &S->trucks[k];
			v->home = o->truck_home[k];
			v->group = o->trucks.group_of_ward[v->home];
			v->at = v->target = o->depot[v->home];
			v->mode = V_OFF;
			v->load = 0;
			v->dump = 0;
			if (t0 < S->horizon &&
			    bs_engine_schedule(&S->eng, t0, EV_TRUCK,
					       (uint32_t)k, 0, 0))
				return BS_E_NOMEM;
		}
	}
	if (crews_on(S)) {
		double t0 = next_start(0.0, p->bat_shift_start_h);
		for (k = 0; k < o->ncrews; k++) {
			struct bs__vehicle *v = &S->crews[k];
			v->home = o->crew_home[k];
			v->group = o->crews.group_of_ward[v->home];
			v->at = v->target = o->depot[v->home];
			v->mode = V_OFF;
			if (t0 < S->horizon &&
			    bs_engine_schedule(&S->eng, t0, EV_CREW,
					       (uint32_t)k, 0, 0))
				return BS_E_NOMEM;
		}
	}
	if (p->dock_fee_yen > 0.0) {
		double t0 = next_start(0.0, p->night_hour);
		if (t0 < S->horizon &&
		    bs_engine_schedule(&S->eng, t0, EV_NIGHT, 0, 0, 0))
			return BS_E_NOMEM;
	}
	return 0;
}

/* ---- settlement -------------------------------------------------------- */

static void owe(struct bs_sim *S, uint32_t from, uint32_t to, double yen)
{
	if (from != to)
		S->out->settle[(size_t)from * S->W + to] += yen;
}

void bs__settle_fare(struct bs_sim *S, uint32_t rent_st, uint32_t ret_st,
		     uint32_t owner, double fare)
{
	const struct bs_network *net = S->m->net;
	uint32_t rw = net->ward[rent_st];
	int i;

	switch (S->m->p.settlement) {
	case BS_SETTLE_OWNER:
		/* the renting ward collected the fare; the bike's owner
		 * earns it */
		owe(S, rw, owner, fare);
		break;
	case BS_SETTLE_SPLIT_TIME:
		/* each ward earns the share of the ride spent in it: the
		 * ride is taken as the straight line between the two ports
		 * at even speed, and a point belongs to the ward of the port
		 * nearest to it (ward boundaries as the ports' Voronoi
		 * cells) */
		if (rent_st == ret_st)
			break;
		for (i = 0; i < SPLIT_POINTS; i++) {
			double f = (i + 0.5) / SPLIT_POINTS;
			double la = net->lat[rent_st] +
				    f * (net->lat[ret_st] - net->lat[rent_st]);
			double lo = net->lon[rent_st] +
				    f * (net->lon[ret_st] - net->lon[rent_st]);
			uint32_t s = bs_network_nearest_point(net, la, lo, NULL,
							      NULL, NULL);
			owe(S, rw, net->ward[s], fare / SPLIT_POINTS);
		}
		break;
	default:
		break;
	}
}

int bs__night_event(struct bs_sim *S, double t)
{
	const struct bs_params *p = &S->m->p;
	size_t s;

	if (S->draining)
		return 0;
	if (S->integrating)
		for (s = 0; s < S->n; s++) {
			const struct bs__station *st = &S->st[s];
			for (uint32_t k = 0; k < st->stock; k++) {
				uint32_t b = S->docks[st->off + k];
				owe(S, S->owner[b], st->ward, p->dock_fee_yen);
			}
		}
	t += BS_MINUTES_PER_DAY;
	return t < S->horizon &&
			       bs_engine_schedule(&S->eng, t, EV_NIGHT, 0, 0, 0)
		       ? BS_E_NOMEM
		       : 0;
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

static int travel(struct bs_sim *S, uint32_t k, struct bs__vehicle *v,
		  uint32_t dest, uint32_t mode, double t, int ev, double kmh)
{
	const struct bs_params *p = &S->m->p;
	double m = p->truck_detour * bs_network_dist(S->m->net, v->at, dest);

	if (ev == EV_TRUCK && S->integrating)
		*bs__raw(S, v->home, BS_RAW_REB_KM) += m / 1000.0;
	v->target = dest;
	v->mode = mode;
	return bs_engine_schedule(&S->eng, t + m / (kmh * 1000.0 / 60.0),
				  (uint32_t)ev, k, 0, 0)
		       ? BS_E_NOMEM
		       : 0;
}

static int idle(struct bs_sim *S, uint32_t k, struct bs__vehicle *v, double t,
		int ev)
{
	v->mode = V_IDLE;
	return bs_engine_schedule(&S->eng, t + S->m->p.review_min, (uint32_t)ev,
				  k, 0, 0)
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
			bs__take(S, v->at, k, t, BS_ON_TRUCK);
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
				owe(S, o, v->home, p->repatriation_yen);
			}
		}
		bs__dock(S, v->at, b, t);
		S->trucked_total--;
		v->bikes[i] = v->bikes[v->load - 1];
		v->from[i] = v->from[v->load - 1];
		v->load--;
		done++;
	}
	return done;
}

static int truck_plan(struct bs_sim *S, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__vehicle *v = &S->trucks[k];
	uint8_t ok[BS_MAX_WARDS];
	uint32_t s;
	double kmh = p->truck_speed_kmh;

	v->dump = 0;
	if (!in_shift(t, p->reb_shift_start_h, p->reb_shift_end_h)) {
		/* shift over: drop what is on board, then go home */
		if (v->load > 0) {
			v->dump = 1;
			droppable_wards(S, v, ok);
			s = choose(S, v, NEAREST_BELOW_TARGET, ok, t);
			if (s == BS_NO_STATION)
				s = choose(S, v, NEAREST_FREE, ok, t);
			if (s != BS_NO_STATION)
				return travel(S, k, v, s, V_TO_DROP, t, EV_TRUCK, kmh);
		}
		return travel(S, k, v, S->m->ops->depot[v->home], V_TO_DEPOT,
			      t, EV_TRUCK, kmh);
	}
	if (p->reb_policy == BS_REB_REPATRIATE) {
		if (v->load > 0) {
			s = choose_home_drop(S, v);
			return s == BS_NO_STATION
				       ? idle(S, k, v, t, EV_TRUCK)
				       : travel(S, k, v, s, V_TO_DROP, t, EV_TRUCK, kmh);
		}
		s = choose_foreign(S, v);
		return s == BS_NO_STATION
			       ? idle(S, k, v, t, EV_TRUCK)
			       : travel(S, k, v, s, V_TO_PICK, t, EV_TRUCK, kmh);
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
			       ? idle(S, k, v, t, EV_TRUCK)
			       : travel(S, k, v, s, V_TO_DROP, t, EV_TRUCK, kmh);
	}
	if (choose(S, v, WORST_DEFICIT, NULL, t) != BS_NO_STATION) {
		s = choose(S, v, NEAREST_SOURCE_HIGH, NULL, t);
		if (s == BS_NO_STATION)
			s = choose(S, v, NEAREST_SOURCE_SPARE, NULL, t);
	} else {
		s = choose(S, v, WORST_SURPLUS, NULL, t);
	}
	return s == BS_NO_STATION ? idle(S, k, v, t, EV_TRUCK)
				  : travel(S, k, v, s, V_TO_PICK, t, EV_TRUCK, kmh);
}

int bs__truck_event(struct bs_sim *S, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__vehicle *v = &S->trucks[k];
	uint32_t n = 0;

	if (S->draining)
		return 0; /* operations stop at the horizon */
	switch (v->mode) {
	case V_OFF:
		v->at = S->m->ops->depot[v->home];
		return truck_plan(S, k, t);
	case V_IDLE:
		return truck_plan(S, k, t);
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
					  next_start(t + 1e-9, p->reb_shift_start_h),
					  EV_TRUCK, k, 0, 0)
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
		return idle(S, k, v, t, EV_TRUCK);
	return bs_engine_schedule(&S->eng, t + n * p->load_min, EV_TRUCK, k,
				  0, 0)
		       ? BS_E_NOMEM
		       : 0;
}

/* ---- battery swap crews ------------------------------------------------- */

/* The port of the crew's group with the most unrentable bikes, then the
 * most bikes below swap_below, then the nearest. */
static uint32_t choose_swap(const struct bs_sim *S, const struct bs__vehicle *v)
{
	const struct bs_pool *pool = &S->m->ops->crews;
	const struct bs_params *p = &S->m->p;
	uint32_t best = BS_NO_STATION, bd = 0, bl = 0;
	double best_d = HUGE_VAL;
	size_t j;

	for (j = pool->off[v->group]; j < pool->off[v->group + 1]; j++) {
		uint32_t s = pool->st[j], low = 0, dead;
		const struct bs__station *st = &S->st[s];
		double d;
		for (uint32_t k = 0; k < st->stock; k++)
			low += S->charge[S->docks[st->off + k]] <
			       (float)p->bat_swap_below;
		if (!low)
			continue;
		dead = st->stock - st->usable;
		d = bs_network_dist(S->m->net, v->at, s);
		if (dead > bd || (dead == bd && (low > bl ||
						 (low == bl && d < best_d)))) {
			best = s;
			bd = dead;
			bl = low;
			best_d = d;
		}
	}
	return best;
}

int bs__crew_event(struct bs_sim *S, uint32_t k, double t)
{
	const struct bs_params *p = &S->m->p;
	struct bs__vehicle *v = &S->crews[k];
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
			return idle(S, k, v, t, EV_CREW);
		return bs_engine_schedule(&S->eng, t + n * p->swap_min, EV_CREW,
					  k, 0, 0)
			       ? BS_E_NOMEM
			       : 0;
	}
	case V_TO_DEPOT:
		v->at = S->m->ops->depot[v->home];
		v->mode = V_OFF;
		return bs_engine_schedule(&S->eng,
					  next_start(t + 1e-9, p->bat_shift_start_h),
					  EV_CREW, k, 0, 0)
			       ? BS_E_NOMEM
			       : 0;
	default:
		return BS_E_RUN;
	}
	if (!in_shift(t, p->bat_shift_start_h, p->bat_shift_end_h))
		return travel(S, k, v, S->m->ops->depot[v->home], V_TO_DEPOT, t,
			      EV_CREW, p->crew_speed_kmh);
	s = choose_swap(S, v);
	return s == BS_NO_STATION
		       ? idle(S, k, v, t, EV_CREW)
		       : travel(S, k, v, s, V_TO_PICK, t, EV_CREW, p->crew_speed_kmh);
}

/* ---- end of a replication ----------------------------------------------- */

void bs__ops_finish(struct bs_sim *S)
{
	const struct bs_params *p = &S->m->p;
	const struct bs_ops *o = S->m->ops;
	double th = 0.0, ch = 0.0;
	size_t a, b;

	if (trucks_on(S))
		th = shift_overlap(S->warm, S->horizon, p->reb_shift_start_h,
				   p->reb_shift_end_h) / 60.0;
	if (crews_on(S))
		ch = shift_overlap(S->warm, S->horizon, p->bat_shift_start_h,
				   p->bat_shift_end_h) / 60.0;
	for (a = 0; a < S->W; a++) {
		double *r = S->out->raw + a * BS_RAW_N;
		if (o) {
			r[BS_RAW_TRUCK_HOURS] = th * o->ward_trucks[a];
			r[BS_RAW_CREW_HOURS] = ch * o->ward_crews[a];
		}
		r[BS_RAW_COST] = r[BS_RAW_TRUCK_HOURS] * p->truck_hour_yen +
				 r[BS_RAW_REB_KM] * p->truck_km_yen +
				 r[BS_RAW_CREW_HOURS] * p->crew_hour_yen +
				 r[BS_RAW_SWAPS] * p->swap_yen;
		for (b = 0; b < S->W; b++) {
			r[BS_RAW_SETTLE_OUT] += S->out->settle[a * S->W + b];
			r[BS_RAW_SETTLE_IN] += S->out->settle[b * S->W + a];
		}
	}
}
