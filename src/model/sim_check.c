/*
 * sim_check.c - what a replication checks and records of itself: the
 * conservation of bikes (every few events under --paranoid, and in full at
 * each sample and at the end), the time-series samples, and that every sum
 * is finite before it is output. Split from sim.c, which keeps the events.
 */
#include "sim_internal.h"

#include <math.h>
#include <string.h>

#include "model/depot.h"

uint64_t bs__trips_in_use(const struct bs__trip_pool *P)
{
	uint64_t nfree = 0;

	for (uint32_t id = P->head; id != BS__NO_TRIP; id = P->rec[id].bike)
		if (id >= P->hw || ++nfree > P->hw)
			return UINT64_MAX;
	return P->hw - nfree;
}

int bs__conservation(struct bs_sim *S, double t, int full,
		      struct bs_error *err)
{
	uint64_t docked = 0, riding = 0, trucked = 0, depot = 0, usable = 0,
		 W = 0;
	size_t i, w;

	for (w = 0; w < S->W; w++)
		docked += S->w_docked[w];
	if (docked != S->docked_total ||
	    S->docked_total + S->inuse_total + S->trucked_total +
			    S->depot_total !=
		    S->fleet)
		goto broken;
	if (!full)
		return 0;
	docked = 0;
	for (i = 0; i < S->n; i++) {
		const struct bs__station *st = &S->st[i];
		uint32_t u = 0;
		if (st->stock > st->lim)
			goto broken;
		for (uint32_t k = 0; k < st->stock; k++) {
			uint32_t b = S->docks[st->off + k];
			if (S->loc[b] != i ||
			    !bs_agreement_allows(S->m->agr, S->owner[b], st->ward))
				goto broken;
			u += (uint32_t)bs__usable(S, b);
		}
		if (u != st->usable)
			goto broken;
		docked += st->stock;
		usable += u;
		W += st->usable == 0;
	}
	for (i = 0; i < S->fleet; i++) {
		riding += S->loc[i] == BS_RIDING;
		trucked += S->loc[i] == BS_ON_TRUCK;
		depot += S->loc[i] == BS_IN_DEPOT;
	}
	/* a ride in progress holds one trip record (struct bs__trip_pool) */
	if (docked != S->docked_total || riding != S->inuse_total ||
	    bs__trips_in_use(&S->trips) != S->inuse_total ||
	    trucked != S->trucked_total || depot != S->depot_total)
		goto broken;
	for (w = 0, i = 0; w < S->W; w++)
		i += S->w_empty[w];
	if (i != W)
		goto broken;
	{
		uint64_t held;
		if (bs__held_by_processes(S, &held) || held != S->trucked_total)
			goto broken;
	}
	(void)usable;
	return 0;
broken:
	bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
		     "internal error: bikes not conserved at t=%.3f min (replication %u: docked %llu + riding %llu + on trucks %llu + in depots %llu, fleet %llu); please report this with the scenario",
		     t, S->rep, (unsigned long long)S->docked_total,
		     (unsigned long long)S->inuse_total,
		     (unsigned long long)S->trucked_total,
		     (unsigned long long)S->depot_total,
		     (unsigned long long)S->fleet);
	return BS_E_RUN;
}

void bs__take_sample(struct bs_sim *S, double t)
{
	struct bs_rep_result *o = S->out;
	size_t w, base;
	uint32_t all[BS_TS_N] = {0};

	if (S->sample_i >= o->nsamples)
		return;
	o->ts_t[S->sample_i] = t;
	base = S->sample_i * (S->W + 1) * BS_TS_N;
	for (w = 0; w < S->W; w++) {
		uint32_t *row = o->ts + base + w * BS_TS_N;
		row[BS_TS_DOCKED] = S->w_docked[w];
		row[BS_TS_EMPTY] = S->w_empty[w];
		row[BS_TS_FULL] = S->w_full[w];
		row[BS_TS_REFUSING] = S->w_refuse[w];
		all[BS_TS_DOCKED] += S->w_docked[w];
		all[BS_TS_EMPTY] += S->w_empty[w];
		all[BS_TS_FULL] += S->w_full[w];
		all[BS_TS_REFUSING] += S->w_refuse[w];
		if (S->w_depot) {
			row[BS_TS_DEPOT] = S->w_depot[w];
			all[BS_TS_DEPOT] += S->w_depot[w];
		}
	}
	memcpy(o->ts + base + S->W * BS_TS_N, all, sizeof(all));
	S->sample_i++;
}

static const char *const RAW_NAME[] = {
#define BS__RAW_NAME(name) #name,
	BS_RAW_MAP(BS__RAW_NAME)
#undef BS__RAW_NAME
};

/*
 * Every sum of a replication is finite: the keys' bounds are chosen so
 * (scenario.c), so an inf or NaN here is a bug to report, never output.
 * O(wards^2 + stations).
 */
int bs__check_finite(const struct bs_sim *S, const struct bs_rep_result *o,
		     struct bs_error *err)
{
	size_t i, W = S->W;
	const char *what = NULL;

	for (i = 0; i < (W + 1) * BS_RAW_N && !what; i++)
		if (!isfinite(o->raw[i]))
			what = RAW_NAME[i % BS_RAW_N];
	for (i = 0; i < W * W && !what; i++)
		if (!isfinite(o->flows[i]) || !isfinite(o->settle[i]))
			what = "flows or settlement";
	for (i = 0; i < S->n * BS_ST_N && !what; i++)
		if (!isfinite(o->st[i]))
			what = "station sums";
	if (!what)
		return 0;
	bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
		     "internal error: the %s of replication %u is not a finite number; please report this bug with the scenario",
		     what, o->rep);
	return BS_E_RUN;
}

/* With rng philox, station s's next request would be number 2^32: its
 * number would wrap and repeat the station's streams, so the run stops
 * (4.3 billion requests at one port in one replication). */
int bs__numbers_wrap(uint32_t s, uint32_t rep, struct bs_error *err)
{
	bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
		     "station %u passed 4294967295 requests in replication %u; with rng philox a station's requests are numbered in 32 bits",
		     s, rep);
	return BS_E_RUN;
}
