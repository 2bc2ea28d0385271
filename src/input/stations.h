/*
 * stations.h - the stations CSV: station_id,name,ward,lat,lon,capacity
 * (header names in any order; other columns are ignored). Reads it into a
 * finished network. At most BS_MAX_STATIONS (2,000,000) stations: the
 * first one more is refused at its row, before anything is allocated for
 * it.
 *
 * Ownership: the returned network is the caller's (bs_network_free).
 */
#ifndef BSSIM_STATIONS_H
#define BSSIM_STATIONS_H

#include <stdio.h>

#include "model/network.h"

#define BS_STATIONS_HEADER "station_id,name,ward,lat,lon,capacity"

/*
 * Read path into a network with neighbour lists within radius_m; NULL with
 * err filled (file, row, column, what was expected) on bad input.
 */
struct bs_network *bs_stations_load(const char *path, double radius_m,
				    struct bs_error *err);
/* The same, noting a converted encoding in notes (may be NULL). */
struct bs_network *bs_stations_load_noted(const char *path, double radius_m,
					  struct bs_warnings *notes,
					  struct bs_error *err);

/* The first five fields of a stations CSV row, "id,name,ward,lat,lon"
 * (no line end), as every writer of the file puts them: text quoted only
 * when it must be, positions in their shortest exact text, so that
 * coordinates read from a feed keep their published digits. */
void bs_stations_put_place(FILE *fp, const char *id, const char *name,
			   const char *ward, double lat, double lon);

#endif
