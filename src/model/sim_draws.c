/*
 * sim_draws.c - rng philox: the draws of the request being handled
 * (rng.h, sim_internal.h struct bs__req_draws). Apart from sim.c, whose
 * on_arrival calls bs__ctr_draws out of line on purpose (below).
 */
#include "model/sim_internal.h"

#include <math.h>

/* Out of line: inlined next to block 0's Philox in bs__ctr_draws, GCC keeps
 * the key schedule the two share on the stack, 10% more instructions
 * for block 0, which every request makes. */
static BS_NOINLINE const uint64_t *req_block1(const struct bs_sim *S,
					       uint32_t o, struct bs__req_draws *q)
{
	if (!q->y_made) {
		bs_ctr_request(S->ctr_key, o, S->ctr_draw, 1, q->y);
		q->y_made = 1;
	}
	return q->y;
}

/* Exp(1) from the top 53 bits of x[1]; a mean-one log-normal factor
 * exp(mu + sd z), z by Box-Muller from x[1] (radius) and y[1] (angle). */
static inline double req_variate(const struct bs_sim *S, uint32_t o,
				 struct bs__req_draws *q)
{
	const struct bs_params *p = &S->m->p;

	if (p->dur == BS_DUR_EXPONENTIAL)
		return -log1p(-bs_ctr_u53(q->x[1]));
	return exp(-0.5 * p->noise_sd * p->noise_sd +
		   p->noise_sd * bs_ctr_gauss(q->x[1], req_block1(S, o, q)[1]));
}

/* Uniform destinations by Lemire's method on the 22 destination bits of
 * x, a refusal (probability below n / 2^22) continuing exactly on the
 * RS_DST stream (the k >= o shift is bs_demand_dest's: any station but
 * o); alias tables from the uniform of y[0]. */
static inline uint32_t req_dest(struct bs_sim *S, uint32_t o, double t,
				struct bs__req_draws *q)
{
	const struct bs_demand *dem = S->m->dem;
	uint32_t k;

	if (!dem->uniform_dest)
		return bs_demand_dest_at_u(dem, o, t,
					   bs_ctr_u53(req_block1(S, o, q)[0]));
	if (!bs_ctr_lemire22(bs_ctr_bits22(q->x), (uint32_t)dem->n - 1, &k))
		k = bs_ctr_uniform_int(bs__rs(S, o, RS_DST),
				       (uint32_t)dem->n - 1);
	return k >= o ? k + 1 : k;
}

/* rng philox: request o's gap, destination (not for a trace) and ride
 * variate at once (counter-based, so their order is free). Out of line
 * on purpose: inlined, on_arrival grew past what GCC would inline
 * bs_engine_next with into bs_sim_run, and the default taus2 loop ran
 * 2% more instructions (docs/performance.md, issue 17 second pass). */
BS_NOINLINE void bs__ctr_draws(struct bs_sim *S, uint32_t o, double t,
			       int trace, struct bs__req_draws *q)
{
	q->y_made = 0;
	bs_ctr_request(S->ctr_key, o, S->ctr_draw, 0, q->x);
	q->gap = trace ? 0.0 : -log1p(-bs_ctr_u53(q->x[0]));
	q->dest = trace ? 0 : req_dest(S, o, t, q);
	q->variate = req_variate(S, o, q);
}

