/*
 * depot.h - depots: one place per ward holding bikes out of service
 * (charging, repair, reserve), and the operations that bring bikes into
 * service from them and take bikes out of service to them (see
 * docs/model.md, "Depots").
 *
 * Two ways to run the operations (depots.operations):
 *   replay: the operator's moves of a real day (a CSV t_min,station_id,
 *           delta written by `bssim calibrate status --moves`), each at its
 *           minute, bikes from the port's ward's depot (delta > 0) or to it
 *           (delta < 0), as many as the depot, the port's bikes and its free
 *           docks allow;
 *   policy: depot trucks (capacity, travel at network distance / speed,
 *           daily shifts) that bring and take, per ward and hour of day, the
 *           bikes a policy table says (ward,hour,bring,take: written by
 *           `bssim calibrate status --ops-policy`), to the ports most short
 *           of, and from the ports most above, the rebalancing target.
 * A bike taken out of service charges in the depot for charge_min before it
 * may go out again (its battery full); trucks take low-battery bikes first.
 *
 * Built once per scenario by calib/world.c; immutable, shared by every
 * replication. Ownership: bs_depots_new/bs_depots_free.
 */
#ifndef BSSIM_DEPOT_H
#define BSSIM_DEPOT_H

#include <stddef.h>
#include <stdint.h>

#include "model/network.h"

enum bs_depot_ops { BS_DEPOT_OPS_NONE, BS_DEPOT_OPS_REPLAY,
		    BS_DEPOT_OPS_POLICY };

struct bs_depots {
	size_t nwards, n;
	int ops;              /* enum bs_depot_ops */
	double *lat, *lon;    /* [W] where each ward's depot stands */
	uint32_t *capacity;   /* [W] bikes it holds at most */
	uint32_t *stock;      /* [W] bikes in it at t = 0 */
	uint32_t *trucks;     /* [W] depot trucks (policy) */
	uint64_t total_stock, total_capacity;
	size_t ntrucks;
	double *dist_m;       /* [W * n] great-circle metres depot -> port */
	size_t *st_off;       /* [W + 1] CSR: the ports of each ward */
	uint32_t *st;

	/* replay: moves sorted by time (stable: file order at equal times) */
	size_t nmoves;
	double *mv_t;
	uint32_t *mv_st;
	int32_t *mv_delta;

	/* policy: bikes per day to bring in / take out, [W * 24] */
	double *bring, *take;

	double shift_start_h, shift_end_h; /* depot trucks */
	double charge_min;     /* in the depot before a bike may go out */
	double withdraw_below; /* battery below which trucks take a bike first */
};

/* A depot set for net's wards, every array zeroed (the caller fills it),
 * moves for nmoves rows. NULL when out of memory. */
struct bs_depots *bs_depots_new(const struct bs_network *net, size_t nmoves);

/* Fill the derived fields (totals, distances, ports by ward, trucks) and
 * sort the moves. 0 or BS_E_NOMEM. O(W * n + moves log moves). */
int bs_depots_finish(struct bs_depots *d, const struct bs_network *net);

void bs_depots_free(struct bs_depots *d);

#endif
