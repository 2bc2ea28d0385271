/*
 * status.h - a GBFS station_status time series: every port's bikes and
 * free docks, observation by observation (DESIGN section 1a).
 *
 * Read from a CSV (gzip-compressed or plain) with the columns
 * station_id,minute,bikes,docks (header names in any order, others such as
 * last_reported ignored), `minute` counting whole minutes from the start of
 * the series (00:00 of its first day), as data/tokyo4_status_20220629.csv.gz
 * is; or from a folder of GBFS station_status JSON files, one per moment,
 * whose `last_updated` gives the minute (local time: utc_offset_min; at
 * most 253402300799, the end of year 9999), each file at most 512 MiB.
 *
 * Observations are grouped by station (ids sorted bytewise) and sorted by
 * minute. A station seen twice in the same minute keeps the later row (a
 * feed that did not refresh) and counts a warning; rows are never dropped
 * otherwise. Bad numbers are errors naming the file, row and column.
 *
 * Ownership: bs_status_load returns a series the caller frees with
 * bs_status_free.
 */
#ifndef BSSIM_STATUS_H
#define BSSIM_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"

#define BS_STATUS_HEADER "station_id,minute,bikes,docks"

struct bs_status {
	size_t nst;       /* stations */
	char **ids;       /* [nst] sorted bytewise */
	long *first_row;  /* [nst] row (or file number) where each first appears */
	size_t *off;      /* [nst+1]: observations of i are off[i]..off[i+1] */
	int32_t *minute;  /* [nobs] */
	int32_t *bikes;   /* [nobs] */
	int32_t *docks;   /* [nobs] */
	size_t nobs;
	int folder;       /* read from a folder: first_row is a file number */
	struct bs_warnings warn;
};

/*
 * Read path: a CSV file (gzip or plain), or a folder of station_status JSON
 * files (utc_offset_min gives local time for their timestamps; the first
 * file's local midnight is minute 0). NULL with err filled.
 */
struct bs_status *bs_status_load(const char *path, long utc_offset_min,
				 struct bs_error *err);

/* Index of station id, or -1. O(log n). */
long bs_status_find(const struct bs_status *s, const char *id);

void bs_status_free(struct bs_status *s);

#endif
