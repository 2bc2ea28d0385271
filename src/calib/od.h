/*
 * od.h - where riders go, fitted to evidence (`bssim calibrate od`,
 * bs_calibrate_od in bssim.h): the distance decay of the gravity and
 * rates destinations (demand.decay_m) and, from ward-level evidence,
 * ward-pair factors (demand.ward_factors) by iterative proportional
 * fitting.
 *
 * The model fitted is the simulator's own: for each decay and set of
 * factors tried, the demand is built as a run builds it
 * (bs_demand_new_from: the balanced fit of the rates model included) and
 * the expected trips of a weekday are read off its alias tables
 * (bs_demand_dest_probs), weighted by each origin's expected requests
 * per hour; round trips (demand.round_trip_share) go to the origin. From
 * that, every quantity is exact, not sampled: trips per ward pair, the
 * share that ends in another ward (overall and by renting ward), the mean
 * great-circle length of the rides that leave their port, the mean ride
 * time as trip.duration gives it.
 *
 * The decay is the root of one monotone target (a cross-ward share, a
 * mean length or a mean ride time) in log(decay) by Brent's method
 * within [decay_min, decay_max]; the factors are fitted, at that decay,
 * by scaling each pair's factor by evidence share / model share of its
 * origin ward's rides until the largest difference of shares is below
 * the tolerance (the balanced model refits its arrival weights each
 * time, so this is IPF against the balancing); each row is then scaled
 * so that its own ward's factor is 1 (the draw normalises each origin's
 * weights: a row's scale changes nothing).
 *
 * Cost: one demand build per evaluation (Tokyo: about 0.2 s), about a
 * dozen for the decay and one per IPF pass.
 */
#ifndef BSSIM_OD_H
#define BSSIM_OD_H

#include <stddef.h>

#include "base/common.h"
#include "calib/demandin.h"
#include "model/network.h"

/* The model's destinations summed up at one decay and set of factors. */
struct bs_od_eval {
	size_t W;
	double *od;        /* [W*W] expected trips per weekday, from x to */
	double trips;      /* their sum */
	double cross;      /* share ending in another ward */
	double mean_m;     /* mean great-circle metres of the non-round trips */
	double mean_min;   /* mean ride minutes (trip.duration), round trips in */
	double bal_resid;  /* the balanced model's share of arrivals misplaced
			    * (0 without balancing) and its passes */
	int bal_passes;
};

/* The model as the scenario builds it: its network, the tables its demand
 * is built from and the parameters (decay_m and ward_f are what the fit
 * changes). */
struct bs_od_model {
	const struct bs_network *net;
	struct bs_params p;
	struct bs_demand_tables *tab;
	double *prob, *dist; /* scratch: the largest candidate list */
	size_t maxm;
	struct bs_warnings *warn;
};

/* Evaluate at decay (metres) and factors wf ([W*W], NULL: none) into e
 * (e->od allocated by the caller, W*W). 0, or BS_E_NOMEM / BS_E_INPUT
 * with err filled. */
int bs_od_evaluate(struct bs_od_model *m, double decay, const double *wf,
		   struct bs_od_eval *e, struct bs_error *err);

#endif
