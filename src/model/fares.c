/*
 * fares.c - what a ride costs its rider and what it brings in, by user
 * type: pay per ride (price per started block), monthly members (rides
 * free up to a limit, then per block beyond it) and day passes (rides
 * free), with each pass's price attributed to the rides taken on it
 * (docs/model.md, "Members and passes"). The rules are in
 * sim_internal.h beside their prototypes.
 *
 * The model has no identity of users across requests (each request is a
 * new Poisson arrival), so a pass's price cannot be split over the rides
 * its holder really took: it is spread over the rides a holder is taken
 * to take (fees.monthly_rides a month, fees.day_pass_rides a day). Its
 * cost: revenue per member ride is a constant, so revenue moves with the
 * number of member rides, not with the number of members.
 */
#include "sim_internal.h"

#include <math.h>

int bs__users_on(const struct bs_params *p)
{
	return p->share_pay < 1.0;
}

uint32_t bs__user_pick(struct bs_sim *S, uint32_t o)
{
	const struct bs_params *p = &S->m->p;
	double u = gsl_rng_uniform(bs__rs(S, o, RS_USER));

	/* the shares sum to 1 within 1e-6 (scenario.c): the last type
	 * takes whatever the first two leave */
	if (u < p->share_pay)
		return BS_USER_PAY;
	if (u < p->share_pay + p->share_monthly)
		return BS_USER_MONTHLY;
	return BS_USER_DAY;
}

/* Started blocks of a ride of `minutes` (the 1e-9 keeps a ride of
 * exactly 30.0 minutes in one block despite rounding). */
static double blocks_of(const struct bs_params *p, double minutes)
{
	return ceil(minutes / p->block_min - 1e-9);
}

double bs__marginal_fare(const struct bs_model *m, uint32_t user,
			 double minutes, uint32_t rw, uint32_t ret_w)
{
	const struct bs_params *p = &m->p;
	double fare = 0.0, blocks;

	switch (user) {
	case BS_USER_MONTHLY:
		if (minutes > p->monthly_free_min &&
		    (blocks = blocks_of(p, minutes - p->monthly_free_min)) > 0.0)
			fare = m->agr->price_yen[rw] * blocks;
		break;
	case BS_USER_DAY:
		break;
	default:
		/* the arithmetic of the single tariff before user types,
		 * step for step: results stay bit-identical */
		blocks = blocks_of(p, minutes);
		if (blocks < 1.0)
			blocks = 1.0;
		fare = m->agr->price_yen[rw] * blocks;
	}
	if (ret_w != rw)
		fare += p->cross_surcharge_yen;
	return fare;
}

double bs__fare(const struct bs_model *m, uint32_t user, double minutes,
		uint32_t rw, uint32_t ret_w)
{
	const struct bs_params *p = &m->p;
	double fare = bs__marginal_fare(m, user, minutes, rw, ret_w);

	if (user == BS_USER_MONTHLY)
		fare += p->monthly_yen / p->monthly_rides;
	else if (user == BS_USER_DAY)
		fare += p->day_pass_yen / p->day_pass_rides;
	return fare;
}
