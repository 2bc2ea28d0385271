/*
 * limits.h - every size and range limit bssim enforces on its inputs, in
 * one place, with the reason for each. The modules that check them include
 * this header; `bssim limits` prints them (with the scenario keys' own
 * bounds) as the Markdown table of docs/robustness.md, so the documented
 * numbers are the code's.
 *
 * Each limit is checked before anything its size drives is allocated, at
 * the key, row or file that causes it, and refused as bad input (exit 2).
 */
#ifndef BSSIM_LIMITS_H
#define BSSIM_LIMITS_H

#include <stddef.h>
#include <stdio.h>

/* ---- network ---- */
#define BS_MAX_WARDS 256
#define BS_MAX_STATIONS 2000000u
#define BS_MAX_CAPACITY 100000u
/* Port tags of a network (a bit each in a 32-bit mask per port), and the
 * bytes of one tag's name: tags are categories (station, tourism, ...),
 * a few per network, and a mask keeps the return's count O(1). */
#define BS_MAX_TAGS 32
#define BS_MAX_TAG_LEN 40
/* Rows of a names table (network.names): wards (and, later, ports) with
 * their display names; read whole. */
#define BS_MAX_NAMES_ROWS 100000u
/* Docks of a whole network: every dock is a slot in memory in every
 * replication (4 bytes each, and a fleet at most as large), so a network
 * of more than 2^28 docks is refused before anything is allocated. */
#define BS_MAX_DOCKS (1ull << 28)
/* Entries of the neighbour table (8 bytes each: 1 GiB; 2 million ports
 * 300 m apart need 70 million), checked from the grid before it is built;
 * and the pairs of stations its search may compare (the work of building
 * it, some seconds at 2^32). */
#define BS_MAX_NEIGHBOURS 134217728u
#define BS_MAX_NB_PAIRS 4294967296.0
/* Cap on the gravity destination tables: 50 million entries (~1 GB). */
#define BS_MAX_OD_ENTRIES 50000000u

/* ---- runs ---- */
/*
 * Events one replication may be expected to take: 2^40 (1.1e12), an
 * eighth of the 2^43 sequence numbers the engine can give (engine.h), the
 * margin for what the estimate leaves out (repeated retries, walks); at
 * the rates of `make bench` some days of one core. A scenario whose
 * estimate passes it is refused at the key that drives it.
 */
#define BS_EVENT_BUDGET 1099511627776.0
/* Time-series samples per replication: the series is kept in memory for
 * the output (a year at the default 15 minutes is 35,040). */
#define BS_MAX_SAMPLES 200000.0

/* ---- sweeps ---- */
#define BS_SWEEP_MAX_POINTS 100000 /* the plan holds ~4.6 KiB a point (docs/performance.md 1a) */
#define BS_SWEEP_MAX_TASKS 10000000
/* a design's points per cell: the analysis keeps a cell's point means
 * and its block A's replications in memory */
#define BS_DESIGN_MAX_ROWS 20000
#define BS_DESIGN_MAX_BOOT 100000 /* resamples x points x keys per output */

/* ---- files ---- */
#define BS_MAX_SCENARIO_FILE ((size_t)64 << 20) /* scenario and sweep files */
#define BS_MAX_SWEEP_FILE ((size_t)64 << 20)
/* GBFS feeds, status JSON files and bssim's own result JSON (summary.json,
 * sweep plans, stations.geojson): read whole; the largest, a 256-ward
 * summary, is a few MiB. */
#define BS_MAX_JSON_FILE ((size_t)512 << 20)
/*
 * CSV sizes, checked as the bytes arrive (before a buffer grows past
 * them). The real inputs are far below: the longest field of data/ and its
 * raw files is 78 bytes (a station name), the longest row 224 bytes (a
 * Citi Bike ride), the widest header 15 columns. They bound what one
 * reader holds to some 17 MiB whatever the file (an 18 MB gzip bomb of one
 * 4 GB field used to take 8.4 GB).
 */
#define BS_CSV_MAX_FIELD 1048576u   /* bytes in a field: 1 MiB */
#define BS_CSV_MAX_ROW 16777216u    /* bytes in a row: 16 MiB */
#define BS_CSV_MAX_COLUMNS 4096u    /* fields in a row, the header's too */

/* ---- numbers in tables ---- */
/*
 * - a rate: at most 10^5 requests an hour at one station (the busiest
 *   shipped port has 63); 2 million stations x 24 hours x 10^5 < 2^53, so
 *   the sums over a file are exact whole numbers at the limit;
 * - an OD weight: at most 10^9 trips between two stations (the busiest
 *   pair of Jersey City's month has 395); sums of them stay finite for any
 *   file that fits on a disk, and exact up to 9 million rows at the limit;
 * - the stock: at most the station's capacity (at most BS_MAX_CAPACITY).
 */
#define BS_MAX_RATE 100000.0
/* depots: a replayed move's minute (ten years), a policy's bikes per ward
 * and hour, and a depot's capacity, stock and trucks (depots.*): so that
 * no sum over them overflows and the bikes fit bike ids (32 bits) */
#define BS_MAX_MOVE_T 5256000.0
#define BS_MAX_OPS_BIKES 100000.0
#define BS_MAX_OD_TRIPS 1e9
/* Largest ward-pair factor of demand.ward_factors (and smallest is above
 * 0): kernels times it stay far from overflow (exp() <= 1, docks or
 * arrivals below 1e9). */
#define BS_MAX_WARD_FACTOR 1e6
/* An hour's weight of a demand profile: 24 of them sum to a finite number
 * (24 x 1e308 overflowed to inf and gave no trips at all). */
#define BS_MAX_HOUR_WEIGHT 1e15
/* last_updated of a station_status file: the end of the year 9999, so that
 * adding a UTC offset cannot overflow. */
#define BS_MAX_POSIX_TIME 253402300799LL

/* Write the table of limits as Markdown (docs/robustness.md). */
void bs_limits_write(FILE *out);

#endif
