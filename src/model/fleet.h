/*
 * fleet.h - the initial placement of the fleet, and which ward owns how
 * many bikes.
 *
 * Bikes are spread over stations in proportion to capacity by the largest
 * remainder method (ties to the lower station index), so the total is exact,
 * no station gets more bikes than docks, and the result is deterministic.
 * Each bike's owner ward is the ward of the station where it starts; so
 * that a ward owns the bikes an ownership rule gives it, the rule sets
 * each ward's count first (bs_fleet_owned) and bs_fleet_place then spreads
 * each ward's bikes over that ward's own ports.
 */
#ifndef BSSIM_FLEET_H
#define BSSIM_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "model/network.h"
#include "model/params.h"

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

/*
 * The largest remainder method (Hamilton's): out[i] = total * w[i] / wsum
 * rounded down, then one more for the largest remainders, ties to the
 * lower index, so that the out[] sum to total exactly. wsum = the sum of
 * w[] and is positive unless total is 0; total * w[i] must fit in 64
 * bits (both below 2^32). A zero weight gets nothing. 0 or BS_E_NOMEM.
 */
int bs_fleet_apportion(uint64_t total, const uint32_t *w, size_t n,
		       uint64_t wsum, uint32_t *out);

/*
 * Each ward's own bikes, out of `bikes`, by `rule` (enum bs_ownership):
 * BS_OWN_DOCKS in proportion to net->ward_docks, BS_OWN_DEMAND to req[w]
 * (requests per day; NULL for the other rules). Demand weights are taken
 * to 2^-30 of the largest (integers below 2^31, so the apportionment is
 * exact integer arithmetic); their sum must be positive. BS_OWN_GIVEN and
 * BS_OWN_STOCK are not apportioned here (the caller has the counts, or
 * none). 0 or BS_E_NOMEM.
 */
int bs_fleet_owned(const struct bs_network *net, int rule, uint64_t bikes,
		   const double *req, uint32_t *ward_bikes);

/*
 * Place ward_bikes[w] bikes over ward w's own ports, for every ward
 * (ward_bikes[w] <= net->ward_docks[w] is the caller's promise). With
 * keep_pattern, stock[] holds a given stock (fleet.initial) whose pattern
 * within each ward is kept: bs_fleet_adjust restricted to the ward; else
 * stock[] is only written, each ward's bikes in proportion to its ports'
 * docks. The result never depends on the agreement. O(n log n).
 * 0 or BS_E_NOMEM.
 */
int bs_fleet_place(const struct bs_network *net, const uint32_t *ward_bikes,
		   int keep_pattern, uint32_t *stock);

#endif
