/*
 * fleet.h - the initial placement of the fleet.
 *
 * Bikes are spread over stations in proportion to capacity by the largest
 * remainder method (ties to the lower station index), so the total is exact,
 * no station gets more bikes than docks, and the result is deterministic.
 * Each bike's owner ward is the ward of the station where it starts.
 */
#ifndef BSSIM_FLEET_H
#define BSSIM_FLEET_H

#include <stdint.h>

#include "model/network.h"

/*
 * Fill stock[n] with a spread of `bikes` bikes (bikes <= total docks is the
 * caller's promise). 0 or BS_E_NOMEM.
 */
int bs_fleet_spread(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock);

/*
 * Bring a given stock (e.g. the real one, fleet.initial) to `bikes` bikes
 * in all (bikes <= total docks is the caller's promise): extra bikes go to
 * stations in proportion to their free docks, and bikes to take away come
 * from stations in proportion to their stock, each by the largest
 * remainder method (ties to the lower index), so the total is exact, no
 * station leaves [0, capacity], and the spatial pattern of the given
 * stock is kept. 0 or BS_E_NOMEM.
 */
int bs_fleet_adjust(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock);

#endif
