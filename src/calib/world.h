/*
 * world.h - everything a scenario needs before its replications run:
 * the network (CSV or synthetic), the agreement matrix resolved from ward
 * names, the tariff, the initial stock and the demand tables, bundled as a
 * struct bs_model for the simulator.
 *
 * Errors about ward names, prices and fleet size are located in the
 * scenario file (they need the network to be checked).
 *
 * Ownership: bs_world_build returns a world the caller frees with
 * bs_world_free; world->model borrows from the world.
 */
#ifndef BSSIM_WORLD_H
#define BSSIM_WORLD_H

#include "model/agreement.h"
#include "model/demand.h"
#include "model/network.h"
#include "input/scenario.h"
#include "model/sim.h"


struct bs_world {
	struct bs_network *net;
	struct bs_demand *dem;
	struct bs_agreement *agr;
	struct bs_ops *ops;
	struct bs_depots *depots; /* NULL: none */
	uint32_t *init_stock;
	/* fleet.ownership: each ward's own bikes [nwards] (= its ports'
	 * initial stock, as owner = the ward of a bike's first port), of
	 * fleet_bikes in all */
	uint32_t *owned;
	uint64_t fleet_bikes;
	struct bs_model model;
	/* inputs' rows skipped safely (trip log rows without a station) */
	struct bs_warnings warn;
	/* what reading the inputs did to them (a CP932 file converted, an
	 * id matched without its lost leading zeros): net->notes */
	struct bs_warnings notes;
	/* trace: rides read from the log, and those replayed in the horizon */
	size_t trace_rows, trace_kept;
};

struct bs_world *bs_world_build(const struct bs_scenario *sc,
				struct bs_error *err);

void bs_world_free(struct bs_world *w);

/*
 * What sc's world depends on, as a canonical text (worldkey.c): the
 * resolved scenario without the keys the key table marks as feeding only
 * the simulation (bs_key.feeds BS_FEEDS_SIM), and the folder its paths are resolved
 * against. Scenarios with equal keys build identical worlds and may share
 * one, each with its own struct bs_params (a sweep's points: sweepexec.c,
 * sweepplan.c). Files named by the scenario are the same names, not
 * necessarily the same bytes: a sharer reads them once. New string
 * (free), or NULL when out of memory. O(keys in the scenario x table).
 */
char *bs_world_key(const struct bs_scenario *sc);

/* Each ward's expected requests per measured day (after the warm-up),
 * into req[nwards]: what `check` shows and fleet.ownership "demand"
 * shares by. O(n). */
void bs_world_ward_requests(const struct bs_world *w,
			    const struct bs_params *p, double *req);

#endif
