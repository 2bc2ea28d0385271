/*
 * choice.c - riders who choose (behaviour.choice "on"; docs/model.md).
 *
 * Each request draws its rider from its station's own stream RS_CHOICE,
 * always two uniforms whatever follows: a walk tolerance W (the walk from
 * the return port to the destination they accept) and a reservation price
 * U (they ride at one-block fare F iff U <= min(1, (F / F0)^e)). One U per
 * rider prices every option they weigh. Options, best first:
 *   1. the destination itself, or, when the agreement forbids its ward for
 *      the bike, the nearest port the bike may go to (truncated), at the
 *      fare of that port's ward;
 *   2. when option 1 ends in another ward and a surcharge applies, the
 *      renting ward's port nearest the destination, without surcharge.
 * An option is taken when its walk is within W and U within its price. A
 * rider who takes none is lost_price when some walk was tolerable (the
 * fare turned them away), else lost_forbidden.
 *
 * Before that, walking honours the agreement: a rider whose port has no
 * bike that may go to the destination's ward walks, within
 * behaviour.walk_radius_m, to the nearest port that has one; only when
 * none has does the forbidden-return choice apply, at the nearest port
 * with any bike.
 *
 * Cost per request on top of the model without choice: two uniforms; with a forbidden destination or a surcharge, one or two
 * lookups in the walk table, each filled once per (ward, station) by a
 * nearest-port query and a distance (the query walks the grid outwards,
 * so a cold cell costs what agreement.c pays per cell at start-up). No
 * allocation after bs__choice_alloc. Prices are per ward and fixed, so
 * P(ride) is computed once per ward and surcharge (2 * wards values).
 *
 * User types (fees.users, fares.c): a rider prices a ride at their own
 * marginal fare for one block (bs__marginal_fare): a monthly member inside
 * fees.monthly_free_min and a day-pass holder pay 0 but the cross-ward
 * surcharge, so only the surcharge can turn them away; pay-per-ride
 * riders use the table.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>

/* P(ride at fare F) = min(1, (F / F0)^e), e <= 0. */
static double ride_prob(const struct bs_params *p, double fare)
{
	if (fare <= p->ref_fare_yen)
		return 1.0;
	return pow(fare / p->ref_fare_yen, p->price_elasticity);
}

int bs__choice_alloc(struct bs_sim *S)
{
	const struct bs_params *p = &S->m->p;
	size_t w, i, cells = S->W * S->n;

	S->p_ride = malloc(2 * S->W * sizeof(double));
	S->walk = bs_big_calloc(cells ? cells : 1, sizeof(struct bs__walk));
	if (!S->p_ride || !S->walk)
		return -1;
	for (w = 0; w < S->W; w++) {
		double f = S->m->agr->price_yen[w];
		S->p_ride[2 * w] = ride_prob(p, f);
		S->p_ride[2 * w + 1] = ride_prob(p, f + p->cross_surcharge_yen);
	}
	for (i = 0; i < cells; i++) {
		S->walk[i].home = BS__UNASKED;
		S->walk[i].allowed_m = (float)NAN;
	}
	return 0;
}

/* A rider: v = 1 - u1 for the walk tolerance and u, the reservation
 * price. With the exponential tolerance W = -log(v) / rate, and W >= w
 * exactly when v <= exp(-rate w): the walk is tested in that form, so the
 * logarithm is never taken and the exponential only for riders who weigh
 * a walk (a forbidden destination or a surcharge), not on every arrival. */
struct rider {
	double v, u;
	uint32_t user; /* enum bs_user: the fare they face */
};

static struct rider draw_rider(gsl_rng *r, uint32_t user)
{
	struct rider x;

	x.v = 1.0 - gsl_rng_uniform(r);
	x.u = gsl_rng_uniform(r);
	x.user = user;
	return x;
}

/* Is a walk of walk_m metres within the rider's tolerance? */
static int tolerates(const struct bs_params *p, const struct rider *rd,
		     double walk_m)
{
	if (p->walk_tol == BS_WALK_STEP)
		return walk_m <= p->walk_tol_m;
	return rd->v <= exp(-p->walk_decay_per_m * walk_m);
}

struct in_ward {
	const struct bs_sim *S;
	uint32_t ward;
};

static int port_in_ward(const void *ud, uint32_t s)
{
	const struct in_ward *p = ud;

	return p->S->st[s].ward == p->ward;
}

/* The port of ward w nearest d and its walk (memoised). */
static uint32_t home_port(struct bs_sim *S, uint32_t w, uint32_t d,
			  double *walk_m)
{
	struct bs__walk *c = &S->walk[(size_t)w * S->n + d];

	if (c->home == BS__UNASKED) {
		struct in_ward pred = {S, w};
		c->home = bs_network_nearest(S->m->net, d, 0, port_in_ward,
					     &pred, NULL);
		c->home_m = c->home == BS_NO_STATION
				    ? 0.0f
				    : (float)bs_network_dist(S->m->net, c->home, d);
	}
	*walk_m = (double)c->home_m;
	return c->home;
}

/* The nearest port a bike of owner w may be returned to, and its walk. */
static uint32_t allowed_port(struct bs_sim *S, uint32_t w, uint32_t d,
			     double *walk_m)
{
	size_t cell = (size_t)w * S->n + d;
	uint32_t t = S->m->agr->nearest[cell];
	struct bs__walk *c = &S->walk[cell];

	if (isnan(c->allowed_m))
		c->allowed_m = t == BS_NO_STATION
				       ? 0.0f
				       : (float)bs_network_dist(S->m->net, t, d);
	*walk_m = (double)c->allowed_m;
	return t;
}

/* Does the rider at r take "ride to x, walk walk_m to d"? *walk_ok: the
 * walk was tolerable. A ride to d itself is taken as asked, as without
 * choice, even when the rider walked to d to rent; a ride short of d from
 * the port it would end at is no ride. */
static int takes(const struct bs_sim *S, const struct rider *rd, uint32_t r,
		 uint32_t x, uint32_t d, double walk_m, int *walk_ok)
{
	uint32_t rw = S->st[r].ward;

	if (x == BS_NO_STATION || (x == r && x != d))
		return 0;
	if (x != d && !tolerates(&S->m->p, rd, walk_m))
		return 0;
	*walk_ok = 1;
	if (rd->user != BS_USER_PAY) {
		/* one block at the member's or pass holder's marginal fare */
		const struct bs_params *p = &S->m->p;
		return rd->u <= ride_prob(p, bs__marginal_fare(S->m, rd->user,
							       p->block_min, rw,
							       S->st[x].ward));
	}
	return rd->u <= S->p_ride[2 * rw + (S->st[x].ward != rw)];
}

/* Where the rider with bike owner `owner` at r returns for d (allowed:
 * the bike may go to d's ward), or BS_NO_STATION with *why. */
static uint32_t choose_return(struct bs_sim *S, const struct rider *rd,
			      uint32_t r, uint32_t d, uint32_t owner,
			      int allowed, int *why)
{
	uint32_t rw = S->st[r].ward, t1, t2;
	double w1 = 0.0, w2;
	int walk_ok = 0;

	t1 = allowed ? d : allowed_port(S, owner, d, &w1);
	if (takes(S, rd, r, t1, d, w1, &walk_ok))
		return t1;
	if (t1 != BS_NO_STATION && S->st[t1].ward != rw &&
	    S->m->p.cross_surcharge_yen > 0.0) {
		t2 = home_port(S, rw, d, &w2);
		if (takes(S, rd, r, t2, d, w2, &walk_ok))
			return t2;
	}
	*why = walk_ok ? BS_TRIP_LOST_PRICE : BS_TRIP_LOST_FORBIDDEN;
	return BS_NO_STATION;
}

/* The port nearest o (o first) within the walk radius with a rentable
 * bike that may go to ward wd; *pos its stack position. Else the nearest
 * with any rentable bike (*allowed = 0). O(neighbours in reach x bikes
 * docked there). */
static uint32_t choice_port(const struct bs_sim *S, uint32_t o, uint32_t wd,
			    uint32_t *pos, int *allowed)
{
	const struct bs_network *net = S->m->net;
	double radius = S->m->p.walk_radius_m;
	uint32_t r, any;
	size_t j;

	*allowed = 1;
	if (S->st[o].usable > 0 &&
	    (*pos = bs__pick_bike(S, o, wd, &any)) != UINT32_MAX)
		return o;
	for (j = net->nb_off[o]; radius > 0.0 && j < net->nb_off[o + 1]; j++) {
		if ((double)net->nb_dist[j] > radius)
			break;
		r = net->nb_idx[j];
		if (S->st[r].usable > 0 &&
		    (*pos = bs__pick_bike(S, r, wd, &any)) != UINT32_MAX)
			return r;
	}
	*allowed = 0;
	r = bs__rental_port(S, o);
	if (r != BS_NO_STATION)
		bs__pick_bike(S, r, wd, pos);
	return r;
}

int bs__choice_arrival(struct bs_sim *S, uint32_t o, uint32_t d,
		       uint32_t user, uint32_t *r, uint32_t *pos,
		       uint32_t *target)
{
	struct rider rd = draw_rider(bs__rs(S, o, RS_CHOICE), user);
	int allowed, why = BS_TRIP_LOST_FORBIDDEN;
	uint32_t owner;

	*r = choice_port(S, o, S->st[d].ward, pos, &allowed);
	if (*r == BS_NO_STATION)
		return BS_TRIP_LOST_NO_BIKE;
	owner = S->owner[S->docks[S->st[*r].off + *pos]];
	*target = choose_return(S, &rd, *r, d, owner, allowed, &why);
	return *target == BS_NO_STATION ? why : 0;
}
