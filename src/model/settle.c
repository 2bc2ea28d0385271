/*
 * settle.c - money in the event loop: the settlement of fares between
 * wards under fees.settlement, the nightly fee for foreign bikes (a
 * process of the loop, sim_internal.h), and at the end of a replication
 * the operating costs and each ward's settlement totals (see
 * docs/operations.md for the rules in words).
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>

/* Points along a ride at which split_time asks which ward it is in. */
#define SPLIT_POINTS 8

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
		bs__owe(S, rw, owner, fare);
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
			bs__owe(S, rw, net->ward[s], fare / SPLIT_POINTS);
		}
		break;
	default:
		break;
	}
}

/* ---- the nightly fee for foreign bikes: a process ----------------------- */

/* Its state: its event type. */
struct night {
	uint32_t ev;
};

static int night_wanted(const struct bs_model *m)
{
	return m->p.dock_fee_yen > 0.0;
}

static void *night_alloc(const struct bs_sim *S)
{
	(void)S;
	return calloc(1, sizeof(struct night));
}

static void night_free(void *st)
{
	free(st);
}

static int night_start(struct bs_sim *S, void *st, uint32_t ev)
{
	double t0 = bs__next_daily(0.0, S->m->p.night_hour);

	((struct night *)st)->ev = ev;
	return t0 < S->horizon && bs_engine_schedule(&S->eng, t0, ev, 0, 0)
		       ? BS_E_NOMEM
		       : 0;
}

/* Every docked bike of another ward's owes its owner's ward the fee to
 * the ward it stands in, once a night. */
static int night_event(struct bs_sim *S, void *st, uint32_t a, double t)
{
	const struct bs_params *p = &S->m->p;
	size_t s;

	(void)a;
	if (S->draining)
		return 0;
	if (S->integrating)
		for (s = 0; s < S->n; s++) {
			const struct bs__station *ps = &S->st[s];
			for (uint32_t k = 0; k < ps->stock; k++) {
				uint32_t b = S->docks[ps->off + k];
				bs__owe(S, S->owner[b], ps->ward, p->dock_fee_yen);
			}
		}
	t += BS_MINUTES_PER_DAY;
	return t < S->horizon &&
			       bs_engine_schedule(&S->eng, t, ((struct night *)st)->ev,
					  0, 0)
		       ? BS_E_NOMEM
		       : 0;
}

const struct bs__process bs__night_fees = {
	"night fees", night_wanted, night_alloc, night_free, night_start,
	night_event, NULL, NULL};

/* ---- the accounts of a replication ------------------------------------ */

void bs__accounts_finish(struct bs_sim *S)
{
	const struct bs_params *p = &S->m->p;
	size_t a, b;

	for (a = 0; a < S->W; a++) {
		double *r = S->out->raw + a * BS_RAW_N;
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
