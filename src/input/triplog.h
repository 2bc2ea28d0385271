/*
 * triplog.h - trip logs as bike-share systems publish them: one row per
 * ride with its start and end time and station. Two layouts are read, by
 * header names (any order, other columns ignored):
 *
 *   Citi Bike 2013-2020: starttime, stoptime, start station id, end
 *     station id (and start/end station name, latitude, longitude);
 *   Citi Bike / Divvy / Capital Bikeshare from 2020: started_at, ended_at,
 *     start_station_id, end_station_id (start_station_name, start_lat,
 *     start_lng, ...).
 *
 * Times are "YYYY-MM-DD HH:MM:SS[.fff]" (or with a 'T'), local time as
 * published, turned into minutes since 1970-01-01 00:00 of that local
 * clock (no time zone: only differences matter).
 *
 * Errors (BS_E_INPUT, naming file, row and column): a time that does not
 * parse, a ride that ends before it starts. A row without a start or end
 * station id (empty or "NULL", as logs show for bikes never docked) is
 * skipped with a warning: the ride cannot be placed on the network.
 */
#ifndef BSSIM_TRIPLOG_H
#define BSSIM_TRIPLOG_H

#include <stdio.h>

#include "base/common.h"

struct bs_trip_row {
	long row;                     /* CSV row, header = 1 */
	const char *start_id, *end_id; /* borrowed for the call */
	const char *start_name, *end_name; /* "" when absent */
	double start_lat, start_lon;  /* NAN when absent or unreadable */
	double end_lat, end_lon;
	double start_min, end_min;    /* minutes since 1970-01-01 local */
	const char *start_col, *end_col; /* header names, for messages */
};

/* Return 0 to go on, or a negative BS_E_* (err filled) to stop. */
typedef int (*bs_trip_cb)(void *ud, const struct bs_trip_row *t,
			  struct bs_error *err);

int bs_triplog_read(const char *path, bs_trip_cb cb, void *ud,
		    struct bs_warnings *warn, struct bs_error *err);

/*
 * The stations a log names (start and end), with the name and position of
 * their first mention. A station the log never gives a position is an
 * error (it could not be placed). Ids sort numerically when all are
 * numbers, else bytewise. Free with bs_tripnet_free.
 */
struct bs_tripnet {
	size_t n;
	char **id, **name;
	double *lat, *lon;
	long *starts, *ends; /* rides from and to each station */
	long rides;
	struct bs_warnings warn;
};

struct bs_tripnet *bs_tripnet_read(const char *path, struct bs_error *err);

/* Write a stations CSV: every station in `ward`, with `capacity` docks. */
void bs_tripnet_write(const struct bs_tripnet *t, const char *ward,
		      long capacity, FILE *fp);

void bs_tripnet_free(struct bs_tripnet *t);

/* "YYYY-MM-DD HH:MM[:SS[.fff]]" -> minutes since 1970-01-01. 0 or -1. */
int bs_parse_datetime(const char *s, double *minutes);

/* Days since 1970-01-01 of a "YYYY-MM-DD" date. 0 or -1. */
int bs_parse_date(const char *s, long *days);

#endif
