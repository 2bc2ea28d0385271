/*
 * metrics.h - the named results of a run: per-replication metrics computed
 * from the simulator's raw sums, and their mean, standard deviation and
 * Student-t 95% confidence interval over replications (GSL).
 *
 * Names are contract (DESIGN.md sections 5 and 5a); counts are per simulated day
 * after the warm-up. A metric with no meaning in a replication (a service
 * level with no request) is NaN there, and the statistics use the
 * replications where it is defined.
 *
 * Ownership: bs_summary_new returns a summary freed with bs_summary_free;
 * it copies what it needs from the results.
 */
#ifndef BSSIM_METRICS_H
#define BSSIM_METRICS_H

#include <stddef.h>

#include "model/sim.h"

/* The second wave's metrics come last, so that every earlier metric keeps
 * its index (bs_metric_name(i) of the API) and its place in every file. */
#define BS_METRIC_MAP(X)                                                        \
	X(TRIPS_REQUESTED, "trips_requested", "trips requested per day (ward where the user asked)") \
	X(TRIPS_COMPLETED, "trips_completed", "trips ridden and returned per day") \
	X(LOST_NO_BIKE, "lost_no_bike", "requests lost per day: no bike within the walk radius") \
	X(LOST_FORBIDDEN, "lost_forbidden", "requests lost per day: the agreement forbids the ride") \
	X(TRUNCATED_TRIPS, "truncated_trips", "trips per day returned short of a forbidden destination") \
	X(FULL_DIVERSIONS, "full_diversions", "arrivals at a full port per day (each diversion counts)") \
	X(CROSS_WARD_TRIPS, "cross_ward_trips", "trips per day returned in another ward than rented (renting ward)") \
	X(SERVICE_LEVEL, "service_level", "trips_completed / trips_requested") \
	X(MEAN_TRIP_MIN, "mean_trip_min", "mean minutes from rental to return, diversions included") \
	X(EMPTY_STATION_FRAC, "empty_station_frac", "time-averaged share of ports with no rentable bike") \
	X(FULL_STATION_FRAC, "full_station_frac", "time-averaged share of ports with no free dock") \
	X(BIKES_IN_USE_MEAN, "bikes_in_use_mean", "time-averaged bikes being ridden (renting ward)") \
	X(REBALANCING_MOVES, "rebalancing_moves", "bikes moved by trucks per day") \
	X(REBALANCING_KM, "rebalancing_km", "truck kilometres per day") \
	X(REVENUE_YEN, "revenue_yen", "fares collected per day, yen (renting ward)") \
	X(WALKED_TRIPS, "walked_trips", "trips per day rented at another port than asked") \
	X(UNFINISHED_TRIPS, "unfinished_trips", "trips per day still riding a day after the horizon") \
	X(BIKES_DOCKED_MEAN, "bikes_docked_mean", "time-averaged bikes docked") \
	X(TRUCK_HOURS, "truck_hours", "truck hours on shift per day (owning ward)") \
	X(REPATRIATED_BIKES, "repatriated_bikes", "bikes per day trucks brought back to their owner ward") \
	X(BATTERY_SWAPS, "battery_swaps", "batteries swapped per day (crew's ward)") \
	X(CREW_HOURS, "crew_hours", "swap-crew hours on shift per day") \
	X(BIKES_LOW_BATTERY_MEAN, "bikes_low_battery_mean", "time-averaged docked bikes too low to rent") \
	X(OPERATING_COST_YEN, "operating_cost_yen", "trucks, kilometres, crews and swaps per day, yen") \
	X(SETTLEMENT_NET_YEN, "settlement_net_yen", "owed to the ward minus owed by it, per day, yen") \
	X(NET_YEN, "net_yen", "revenue + settlement_net - operating_cost, per day, yen") \
	X(TRIPS_REACHED, "trips_reached", "trips per day docked at the destination, or within the walk radius of it after full-port diversions; truncated trips excluded") \
	X(REACH_LEVEL, "reach_level", "trips_reached / trips_requested") \
	X(WALK_AFTER_M_MEAN, "walk_after_m_mean", "mean metres from the return port to the destination, over completed trips") \
	X(REFUSING_STATION_FRAC, "refusing_station_frac", "time-averaged share of ports at their physical limit, refusing returns (= full_station_frac unless capacity.physical gives limits above capacity)") \
	X(BIKES_BROUGHT_IN, "bikes_brought_in", "bikes per day brought into service from the ward's depot (port's ward)") \
	X(BIKES_TAKEN_OUT, "bikes_taken_out", "bikes per day taken out of service to the ward's depot (port's ward)") \
	X(DEPOT_BIKES_MEAN, "depot_bikes_mean", "time-averaged bikes out of service in the ward's depot") \
	X(OPS_MOVES_SHORT, "ops_moves_short", "bikes per day of replayed moves that could not be made (depot, port or docks short)") \
	X(LOST_PRICE, "lost_price", "requests lost per day: the rider would walk but not pay the fare (behaviour.choice on)")

enum bs_metric {
#define BS__METRIC_ENUM(id, name, help) BS_M_##id,
	BS_METRIC_MAP(BS__METRIC_ENUM)
#undef BS__METRIC_ENUM
	BS_METRIC_N
};

extern const char *const bs_metric_names[BS_METRIC_N];
extern const char *const bs_metric_helptext[BS_METRIC_N];

/* The headline metrics, in the order analysts read them: first on the
 * metrics sheet of results.xlsx, and those of a designed sweep's
 * sensitivity indices. */
#define BS_METRIC_HEADLINE_N 13
extern const char *const bs_metric_headline[BS_METRIC_HEADLINE_N];

/* Index of a metric by name, or -1. */
int bs_metric_index(const char *name);

/* Metrics of ward w (w == nwards: whole network) of one replication. */
void bs_metrics_compute(const struct bs_rep_result *r,
			const struct bs_network *net, size_t w,
			double out[BS_METRIC_N]);

/* struct bs_stat is in bssim.h (mean, sd, 95% interval; NaN when
 * undefined; n: replications where defined). */

/* Statistics of x[0], x[stride], ... (n values; NaNs skipped). sd and the
 * interval need two defined values. 0, or BS_E_NOMEM (out all NaN) when
 * values must be skipped and no copy can be allocated. */
int bs_stat_compute(const double *x, size_t n, size_t stride,
		    struct bs_stat *out);

struct bs_summary {
	size_t nwards, nreps, n;
	double *vals;          /* [nreps][nwards + 1][BS_METRIC_N] */
	struct bs_stat *stat;  /* [nwards + 1][BS_METRIC_N] */
	double *flows;         /* [nwards][nwards] mean trips per day */
	double *settle;        /* [nwards][nwards] mean yen per day */
	double *st;            /* [n][BS_SS_N] per-station means */
	/* port tags (tags.c): none when the network has no tags */
	size_t ntags;
	struct bs_stat *tagstat; /* [ntags][nwards + 1][BS_TAGM_N] */
	uint32_t *tagports;      /* [ntags][nwards + 1] tagged ports */
};

/* Per-tag metrics, for the ports carrying a tag, per ward of the port and
 * all: per day after the warm-up, by event time in the window (like
 * stations.csv's rentals and returns). */
#define BS_TAG_METRIC_MAP(X)                                                  \
	X(FROM, "trips_from", "rentals per day at the tagged ports")          \
	X(TO, "trips_to", "returns per day at the tagged ports")              \
	X(VISITORS, "visitors", "returns per day at the tagged ports of bikes rented in another ward (cross-ward visitors)") \
	X(VISITOR_SHARE, "visitor_share", "visitors / trips_to")

enum bs_tag_metric {
#define BS__TAGM_ENUM(id, name, help) BS_TAGM_##id,
	BS_TAG_METRIC_MAP(BS__TAGM_ENUM)
#undef BS__TAGM_ENUM
	BS_TAGM_N
};

extern const char *const bs_tag_metric_names[BS_TAGM_N];
extern const char *const bs_tag_metric_helptext[BS_TAGM_N];

/* Fill s's tag members from the replications' per-station sums (tags.c).
 * 0 or BS_E_NOMEM. O(nreps x n x ntags). */
int bs__summary_tags(struct bs_summary *s, const struct bs_network *net,
		     struct bs_rep_result *const *reps, size_t nreps);

/* Statistic of tag metric m of tag t for ward w (w == nwards: all). */
static inline const struct bs_stat *
bs_summary_tagstat(const struct bs_summary *s, size_t t, size_t w, int m)
{
	return &s->tagstat[(t * (s->nwards + 1) + w) * BS_TAGM_N + (size_t)m];
}

enum bs_station_stat { BS_SS_RENTALS, BS_SS_RETURNS, BS_SS_EMPTY,
		       BS_SS_FULL, BS_SS_BIKES, BS_SS_N };

struct bs_summary *bs_summary_new(const struct bs_network *net,
				  struct bs_rep_result *const *reps,
				  size_t nreps);

/* Statistic of metric m for ward w (w == nwards: whole network). */
static inline const struct bs_stat *bs_summary_stat(const struct bs_summary *s,
						    size_t w, int m)
{
	return &s->stat[w * BS_METRIC_N + (size_t)m];
}

void bs_summary_free(struct bs_summary *s);

#endif
