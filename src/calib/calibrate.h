/*
 * calibrate.h - demand estimated from what a system publishes: a GBFS
 * status time series (bikes per port, minute by minute) or a trip log.
 * The result is a `rates` table - departures and arrivals per station and
 * hour of day - that the `rates` demand model reads, plus an hour-of-day
 * profile by ward, and from a trip log an origin-destination table.
 *
 * From a status series (see docs/model.md, "Calibration"): between two
 * consecutive observations of a port, a fall in bikes is departures and a
 * rise is arrivals, counted in the hour of the later observation. A change
 * of `truck_jump` bikes or more between two observations is a truck (or
 * staff) move, not users: one user moves one bike, and a port's users
 * rarely take four bikes within the ~60 s between updates (the day's
 * changes of 1, 2 and 3 bikes fall off as a Poisson count does; from 4 on
 * they stop falling off, the mark of a different process). Pairs more than
 * `max_gap_min` apart are not used (the port was not observed). Rates are
 * counts per observed hour; a station-hour observed less than half an hour
 * is imputed from the station's other hours and the network's profile.
 *
 * From a trip log: departures at the start station in the hour of the
 * start, arrivals at the end station in the hour of the end, divided by
 * the number of days the log spans; the OD table counts rides per
 * (start, end) pair.
 *
 * Ownership: a struct bs_rates is caller-embedded; bs_rates_release frees
 * its arrays.
 */
#ifndef BSSIM_CALIBRATE_H
#define BSSIM_CALIBRATE_H

#include <stdint.h>
#include <stdio.h>

#include "base/common.h"
#include "model/network.h"
#include "input/status.h"

#define BS_RATES_HEADER "station_id,hour,departures_per_hour,arrivals_per_hour"

struct bs_rates {
	size_t n;          /* stations of the network */
	double *dep;       /* [n*24] departures per hour */
	double *arr;       /* [n*24] arrivals per hour */
	/* status series: moves judged to be trucks, per station-hour */
	double *truck_pick; /* [n*24] bikes taken away per hour */
	double *truck_drop; /* [n*24] bikes brought per hour */
	double days;        /* days the data cover (trip log) */
	double rides;       /* rides read (trip log) */
	size_t imputed;     /* station-hours imputed */
	/* trip log: OD pairs with their ride counts, sorted by (o, d) */
	size_t nod;
	uint32_t *od_o, *od_d;
	double *od_trips;
	struct bs_warnings warn;
	/* trip log: rides that end where they started (round trips) and
	 * the median of their ride minutes (0 when none) */
	double round;
	double round_median_min;
};

struct bs_calib_opts {
	int truck_jump;     /* changes of at least this many bikes: trucks */
	double max_gap_min; /* observations further apart are not used */
};

/*
 * Estimate from a status series. Every station of the series must be in
 * the network (else BS_E_INPUT naming the file, row and station); network
 * stations the series lacks get no demand (a warning each).
 */
int bs_calibrate_status(const struct bs_network *net,
			const struct bs_status *s, const char *file,
			const struct bs_calib_opts *o, struct bs_rates *out,
			struct bs_error *err);

/* The operator's moves of a status series as depots.replay reads them
 * (t_min,station_id,delta), and the policy calibrated to them as
 * depots.policy reads it (ward,hour,bring,take per day). The series'
 * stations must be the network's (bs_calibrate_status checked them). */
void bs_status_write_moves(const struct bs_status *s,
			   const struct bs_calib_opts *o, FILE *fp);
void bs_status_write_ops_policy(const struct bs_status *s,
				const struct bs_network *net,
				const struct bs_calib_opts *o, FILE *fp);

/*
 * Soft capacity from a status series (docs/model.md, "Soft capacity"):
 * for every station of the network, in network order,
 * - cap[i], the published capacity, what the feed's free docks count
 *   against: the most frequent bikes + docks over the observations that
 *   show a free dock (docks > 0; ties to the larger). Over observations
 *   at 0 free docks bikes + docks is just the bikes, so they say nothing
 *   of the capacity. A port never showing a free dock: its smallest
 *   bikes + docks (it was full at every observation). At least 1 and at
 *   most BS_MAX_CAPACITY (clamped, with a warning in warn);
 * - lim[i], its physical limit: cap[i] plus the most bikes seen above
 *   it (= max(cap[i], most bikes seen)), so that every stock of the
 *   series fits.
 * Every network station must be in the series (else BS_E_INPUT naming
 * stations_file, the station's row and station_id: a port without
 * observations has no published capacity); the series' stations must be
 * the network's (bs_calibrate_status checks that first). cap and lim hold
 * net->n each. O(observations x log(most observations of a port)): one
 * sort of each port's values, in one scratch array.
 */
int bs_status_soft_capacity(const struct bs_network *net,
			    const struct bs_status *s,
			    const char *stations_file, uint32_t *cap,
			    uint32_t *lim, struct bs_warnings *warn,
			    struct bs_error *err);

/* The network's stations CSV with capacity = cap and a physical_limit
 * column = lim (station_id,name,ward,lat,lon,capacity,physical_limit),
 * positions in their shortest exact text, as import writes them. */
void bs_stations_write_soft(const struct bs_network *net,
			    const uint32_t *cap, const uint32_t *lim,
			    FILE *fp);

/*
 * Estimate from a trip log. Every start and end station must be in the
 * network (BS_E_INPUT naming the file, row and column). days <= 0: the
 * calendar days from the first to the last start.
 */
int bs_calibrate_trips(const struct bs_network *net, const char *log,
		       double days, struct bs_rates *out,
		       struct bs_error *err);

/* station_id,hour,departures_per_hour,arrivals_per_hour (24 rows each). */
void bs_rates_write(const struct bs_rates *r, const struct bs_network *net,
		    FILE *fp);

/* ward,hour,departures,arrivals,truck_pickups,truck_dropoffs (per day),
 * each ward then `all`. */
void bs_rates_write_profile(const struct bs_rates *r,
			    const struct bs_network *net, FILE *fp);

/* origin_id,destination_id,trips (rides in the whole log). */
void bs_rates_write_od(const struct bs_rates *r, const struct bs_network *net,
		       FILE *fp);

void bs_rates_release(struct bs_rates *r);

#endif
