/*
 * sim_alloc.c - a replication's state and results: allocated once per
 * worker, sized from the model (sim.h); the event loop is sim.c. Apart
 * from sim.c because nothing here runs per event.
 */
#include "sim_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "engine/rng.h"
#include "model/depot.h"
#include "base/limits.h"

/* ---- allocation ------------------------------------------------------ */

/* The processes, in the order they start (sim_internal.h). */
const struct bs__process *const bs__processes[BS__NPROC] = {
	&bs__trucks, &bs__crews, &bs__night_fees, &bs__depots};

_Static_assert(sizeof(struct bs__station) == 64,
	       "a station's state is one cache line");
/* the bit-fields of struct bs__station (sim_internal.h) */
_Static_assert(BS_MAX_CAPACITY < (1u << 24), "a capacity fits 24 bits");
_Static_assert(BS_MAX_WARDS <= 256, "a ward index fits 8 bits");

struct bs_rep_result *bs_rep_result_alloc(const struct bs_model *m)
{
	return bs_rep_result_alloc_rep(m, 0);
}

struct bs_rep_result *bs_rep_result_alloc_rep(const struct bs_model *m,
					      uint32_t rep)
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
	r->depots = m->depots != NULL;
	r->soft = p->phys_mode != BS_PHYS_CAPACITY;
	k0 = ceil(warm / p->ts_step_min);
	k1 = ceil(hor / p->ts_step_min);
	/* output.timeseries_replications: later replications keep none */
	if (k1 > k0 && !(rep && p->ts_reps && rep > p->ts_reps))
		ns = (size_t)(k1 - k0);
	r->nsamples = ns;
	r->raw = calloc((W + 1) * BS_RAW_N, sizeof(double));
	r->flows = calloc(W * W, sizeof(double));
	r->settle = calloc(W * W, sizeof(double));
	r->st = calloc(r->n * BS_ST_N, sizeof(double));
	r->ts_t = calloc(ns ? ns : 1, sizeof(double));
	r->ts = calloc((ns ? ns : 1) * (W + 1) * BS_TS_N, sizeof(uint32_t));
	r->ndays = bs__days_count(p, &r->day_first);
	r->day_min = calloc(r->ndays ? r->ndays : 1, sizeof(double));
	r->day_raw = calloc((r->ndays ? r->ndays : 1) * (W + 1) * BS_RAW_N,
			    sizeof(double));
	if (!r->raw || !r->flows || !r->settle || !r->st || !r->ts_t ||
	    !r->ts || !r->day_min || !r->day_raw) {
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
	free(r->day_min);
	free(r->day_raw);
	free(r);
}

/*
 * The trip pool (struct bs__trip_pool): room for one record per bike, the
 * most rides there can be at once, left untouched (aligned_alloc, no
 * memset: a record is written whole when handed out), so that only the
 * records rides have used are ever brought in, 32-byte aligned so that
 * a record is one cache line. Not bs_big_calloc: its zeroing would touch
 * all of it, and huge pages buy nothing for the few hundred kilobytes
 * used. -1 when out of memory (or more bikes than trip ids).
 */
static int trip_pool_alloc(struct bs__trip_pool *P, size_t fleet)
{
	size_t bytes;

	if (fleet >= BS__NO_TRIP ||
	    bs_size_mul(fleet ? fleet : 1, sizeof(struct bs__trip), &bytes))
		return -1;
	P->rec = aligned_alloc(64, (bytes + 63) / 64 * 64);
	P->cap = (uint32_t)fleet;
	bs__trip_pool_reset(P);
	return P->rec ? 0 : -1;
}

struct bs_sim *bs_sim_alloc(const struct bs_model *m)
{
	struct bs_sim *S = calloc(1, sizeof(*S));
	size_t n = m->net->n, W = m->net->nwards, fleet;
	size_t vehicles = m->ops ? m->ops->ntrucks + m->ops->ncrews : 0;

	/* depots: their bikes are fleet too, their trucks and replay events
	 * vehicles of the heap */
	if (m->depots)
		vehicles += m->depots->ntrucks + 1;

	if (!S)
		return NULL;
	/* the station record's bit-fields (sim_internal.h): the inputs are
	 * checked against BS_MAX_CAPACITY and BS_MAX_WARDS; asserted here,
	 * once, not in reset, where the check cost the event loop 1 % of
	 * its instructions (GCC inlines reset into it) */
	for (size_t i = 0; i < n; i++)
		assert(m->net->cap[i] < (1u << 24) && m->net->ward[i] < 256);
	S->m = m;
	S->n = n;
	S->W = W;
	S->fleet = m->fleet + (m->depots ? m->depots->total_stock : 0);
	fleet = (size_t)S->fleet;
	/* arrivals live in one slot per station; the heap holds rides,
	 * vehicles and bookkeeping */
	if (bs_engine_init(&S->eng, fleet + vehicles + 16, n))
		goto err;
	S->r_beh = bs_rng_alloc();
	S->r_bat = bs_rng_alloc();
	S->ctr_on = m->p.rng == BS_RNGK_PHILOX;
	S->dst_ahead = !S->ctr_on && !m->dem->uniform_dest && !m->dem->tr_off;
	for (size_t j = 0; j < RS_N; j++) {
		S->ctr_rng[j].type = bs_rng_philox;
		S->ctr_rng[j].state = &S->ctr_mem[j];
		S->rs_h[j] = bs_rng_block_handle();
	}
	/* with philox, no per-station generator at all */
	if (bs_rng_block_alloc(&S->rs, S->ctr_on ? 0 : n,
			       m->dem->round_p	? RS_N
			       : m->p.choice		? RS_ROUND
			       : bs__users_on(&m->p) ? RS_CHOICE
						     : RS_USER) ||
	    !S->r_beh || !S->r_bat)
		goto err;
	S->st = bs_big_calloc(n, sizeof(*S->st));
	S->docks = bs_big_calloc(m->net->total_slots, sizeof(uint32_t));
	S->owner = bs_big_calloc(fleet, sizeof(uint16_t));
	S->loc_mem = malloc((fleet ? fleet : 1) * sizeof(uint32_t));
	if (trip_pool_alloc(&S->trips, fleet))
		goto err;
	S->w_docked = calloc(W, sizeof(uint32_t));
	S->w_empty = calloc(W, sizeof(uint32_t));
	S->w_full = calloc(W, sizeof(uint32_t));
	S->w_refuse = calloc(W, sizeof(uint32_t));
	S->w_refuse_tlast = calloc(W, sizeof(double));
	S->w_inuse = calloc(W, sizeof(uint32_t));
	S->w_tlast = calloc(W, sizeof(double));
	S->w_low = calloc(W, sizeof(uint32_t));
	S->w_low_tlast = calloc(W, sizeof(double));
	if (!S->st || !S->docks || !S->owner || !S->loc_mem ||
	    !S->w_docked || !S->w_empty || !S->w_full || !S->w_inuse ||
	    !S->w_tlast || !S->w_low || !S->w_low_tlast || !S->w_refuse ||
	    !S->w_refuse_tlast)
		goto err;
	if (bs__users_on(&m->p) && !(S->user = bs_big_calloc(fleet, 1)))
		goto err;
	if (m->p.battery && !(S->charge = bs_big_calloc(fleet, sizeof(float))))
		goto err;
	if (m->depots && !(S->w_depot = calloc(W, sizeof(uint32_t))))
		goto err;
	if (m->net->tags && !(S->visitors = bs_big_calloc(n, sizeof(uint32_t))))
		goto err;
	if (!(S->ret_adj = bs_big_calloc(n, sizeof(uint32_t))))
		goto err;
	if (m->p.choice && bs__choice_alloc(S))
		goto err;
	for (size_t i = 0; i < BS__NPROC; i++)
		if (bs__processes[i]->wanted(m) &&
		    !(S->proc[i] = bs__processes[i]->alloc(S)))
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
	bs_rng_block_free(&S->rs);
	if (S->r_beh)
		gsl_rng_free(S->r_beh);
	if (S->r_bat)
		gsl_rng_free(S->r_bat);
	for (size_t i = 0; i < BS__NPROC; i++)
		if (S->proc[i])
			bs__processes[i]->free(S->proc[i]);
	free(S->st);
	free(S->visitors);
	free(S->ret_adj);
	free(S->docks);
	free(S->owner);
	free(S->loc_mem);
	free(S->charge);
	free(S->trips.rec);
	free(S->w_docked);
	free(S->w_empty);
	free(S->w_full);
	free(S->w_refuse);
	free(S->w_refuse_tlast);
	free(S->user);
	free(S->w_inuse);
	free(S->w_tlast);
	free(S->w_low);
	free(S->w_low_tlast);
	free(S->w_depot);
	free(S->p_ride);
	free(S->walk);
	free(S);
}

