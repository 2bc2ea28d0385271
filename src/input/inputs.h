/*
 * inputs.h - the tables a scenario may name besides its stations, read
 * against the network: the initial stock (fleet.initial), per-station
 * hourly rates (demand.rates), an origin-destination table (demand.od) and
 * a trip log to replay (demand.trips).
 *
 * Every station id must be in the network: an unknown one is BS_E_INPUT
 * naming the file, the row and the column, as are bad numbers and
 * duplicate rows. Numbers are bounded at the cell (rates at most 100,000
 * an hour, OD weights at most 10^9, stock at most the capacity), so no sum
 * over a file can overflow. Rows of a trip log without a station id are
 * skipped with a warning (see triplog.h).
 *
 * Ownership: arrays are the caller's (allocated here, freed with free());
 * struct bs_trace is released with bs_trace_release.
 */
#ifndef BSSIM_INPUTS_H
#define BSSIM_INPUTS_H

#include <stdint.h>

#include "base/common.h"
#include "model/network.h"

#define BS_STOCK_HEADER "station_id,bikes"

/* stock[n] (zeroed here): bikes per station; stations not listed: 0. A
 * station over its capacity or listed twice is an error. *total gets the
 * sum. */
int bs_stock_load(const char *path, const struct bs_network *net,
		  uint32_t *stock, uint64_t *total, struct bs_error *err);

/* dep[n*24] and arr[n*24] (zeroed here) from station_id,hour,
 * departures_per_hour[,arrivals_per_hour]; *has_arr tells whether the
 * arrivals column was there. A (station, hour) listed twice is an error;
 * pairs not listed are 0. */
int bs_rates_load(const char *path, const struct bs_network *net,
		  double *dep, double *arr, int *has_arr,
		  struct bs_error *err);
/* The same, and an optional round_trip_share column into round[n] (NAN
 * for the stations it leaves empty or does not list): one share per
 * station, from 0 to 1, the same on each of its rows. */
int bs_rates_load_round(const char *path, const struct bs_network *net,
			double *dep, double *arr, int *has_arr, double *round,
			struct bs_error *err);

/* OD triples from origin_id,destination_id,trips (weights >= 0; repeated
 * pairs add up). *o, *d, *w are new arrays of *n entries. */
int bs_od_load(const char *path, const struct bs_network *net, size_t *n,
	       uint32_t **o, uint32_t **d, double **w, struct bs_error *err);

/* Moves of a day's operations (depots.replay): t_min,station_id,delta
 * (delta a whole number of bikes, not 0, within the port's docks); rows
 * in file order. Released with bs_moves_release. */
struct bs_moves {
	size_t n;
	double *t;
	uint32_t *st;
	int32_t *delta;
};
int bs_moves_load(const char *path, const struct bs_network *net,
		  struct bs_moves *m, struct bs_error *err);
void bs_moves_release(struct bs_moves *m);

/* bring[W*24] and take[W*24] (zeroed here) from ward,hour,bring,take
 * (depots.policy; bikes per day, from 0 to BS_MAX_OPS_BIKES); a (ward,
 * hour) listed twice is an error, pairs not listed are 0. */
int bs_ops_policy_load(const char *path, const struct bs_network *net,
		       double *bring, double *take, struct bs_error *err);

/* Requests of a trip log, in minutes from day 0. */
struct bs_trace {
	size_t n;          /* requests kept (within [0, horizon)) */
	double *t;         /* [n] request times, minutes from day 0 */
	uint32_t *o, *d;   /* [n] origin and destination stations */
	size_t rows;       /* rides read (with both stations) */
	long day0;         /* day 0, days since 1970-01-01 */
	struct bs_warnings warn;
};

/* Read path; day0 < 0 means the day of the first ride. */
int bs_trace_load(const char *path, const struct bs_network *net,
		  long day0, double horizon_min, struct bs_trace *tr,
		  struct bs_error *err);

void bs_trace_release(struct bs_trace *tr);

#endif
