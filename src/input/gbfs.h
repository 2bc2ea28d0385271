/*
 * gbfs.h - importing a bike-share system's published GBFS feed (versions
 * 1.x and 2.x; 3.0's localised names are read too) into bssim's stations
 * CSV and an initial-stock CSV.
 *
 * station_information.json gives each port's id, name, position, capacity
 * and region_id. Wards come from system_regions.json (region_id -> name),
 * or from a user's map "1=Chiyoda,2=Chuo" when the feed has no regions
 * file (docomo's has none), or are the region ids themselves. A ward list
 * keeps only those wards, in that order. At most BS_MAX_WARDS (256)
 * wards, in the list or in the feed: the stations file holds no more.
 * Every lookup over the feed (region, ward, duplicate id, stock) is
 * O(log n), so a feed of n ports is read in O(n log n).
 *
 * Capacity: GBFS `capacity` is what the operator publishes, which for
 * docomo is bikes + free docks at the moment of publishing. Given a status
 * time series (status.h), capacity becomes each port's largest
 * bikes + docks over the series: every stock the port was seen to hold
 * fits, including the real midnight stock (see data/SOURCES.md).
 *
 * Rows are sorted by ward (the ward list's order, else first appearance),
 * then name, then id, so the output does not depend on feed order.
 *
 * Errors name the file, line:column (located in the text) and the key such
 * as data.stations[12].lat. Stations that can be skipped safely (no
 * capacity anywhere, zero capacity) are counted in warn.
 *
 * Ownership: bs_gbfs_read returns an import the caller frees with
 * bs_gbfs_free.
 */
#ifndef BSSIM_GBFS_H
#define BSSIM_GBFS_H

#include <stdint.h>
#include <stdio.h>

#include "base/common.h"
#include "input/status.h"

struct bs_gbfs_opts {
	const char *info_path;    /* station_information.json (required) */
	const char *regions_path; /* system_regions.json, or NULL */
	const char *region_map;   /* "ID=WARD,..." or NULL */
	const char *wards;        /* "WARD,WARD,..." or NULL: keep only these */
};

struct bs_gbfs_station {
	char *id, *name, *ward;
	double lat, lon;
	long capacity;  /* -1 when the feed gives none */
	long stock;     /* -1 until a station_status is read */
	int ward_rank;
};

struct bs_gbfs {
	struct bs_gbfs_station *st;
	size_t n;
	size_t feed_stations;   /* stations in the feed */
	size_t outside;         /* left out by the ward list */
	size_t capacity_raised; /* capacities changed by the status series */
	struct bs_warnings warn;
};

/* Read and select. NULL with err filled (err->code BS_E_INPUT for bad
 * input or bad options). */
struct bs_gbfs *bs_gbfs_read(const struct bs_gbfs_opts *o,
			     struct bs_error *err);

/* Capacity = the largest bikes + docks of each station over the series
 * (stations the series lacks keep the feed's capacity, with a warning). */
int bs_gbfs_capacity_from_status(struct bs_gbfs *g,
				 const struct bs_status *series);

/* Stock from a GBFS station_status.json (num_bikes_available). Stations of
 * the import the file lacks get no stock row (warning). 0 or BS_E_*. */
int bs_gbfs_read_stock(struct bs_gbfs *g, const char *status_path,
		       struct bs_error *err);

/*
 * Drop the stations still without a capacity, or with capacity 0 (with a
 * warning each). Call after the capacity rule; returns how many remain.
 */
size_t bs_gbfs_finish(struct bs_gbfs *g);

/* Write the stations CSV (station_id,name,ward,lat,lon,capacity). */
void bs_gbfs_write_stations(const struct bs_gbfs *g, FILE *fp);

/* Write the stock CSV (station_id,bikes) for stations with a stock. */
void bs_gbfs_write_stock(const struct bs_gbfs *g, FILE *fp);

void bs_gbfs_free(struct bs_gbfs *g);

#endif
