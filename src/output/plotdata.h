/*
 * plotdata.h - small tables shaped for plotting, made from a run's or a
 * sweep's result files (`bssim plotdata`, used by plots/plots.sh and the
 * gnuplot scripts in plots/). Each table is CSV with a header, so any
 * plotting tool can read it, not only gnuplot.
 *
 * Why C and not awk: the time-of-day band is the same Student-t 95%
 * interval over replications as in summary.json (bs_stat_compute, GSL),
 * JSON (summary.json, stations.geojson) needs a real parser, and sweep.csv
 * quotes varied values that hold commas (agreement pairs), which awk's
 * field splitting gets wrong.
 *
 * "Series" tables share one layout, so one gnuplot idiom draws them all:
 *
 *   X,label,S1,S1_lo,S1_hi,S2,S2_lo,S2_hi,...
 *
 * X is the x value (a number; for a categorical x, 1, 2, ... in order of
 * first appearance), label its text, then for each series (ward, agreement,
 * ...) the mean and the ends of its 95% interval. NaN marks a value that
 * does not exist (one replication has no interval).
 *
 * Functions write to a caller-owned FILE and return 0 or a negative BS_E_*
 * code with err filled (BS_E_INPUT for bad input files, naming the file,
 * row or feature, and what was expected; BS_E_IO when writing failed).
 * Nothing here prints.
 */
#ifndef BSSIM_PLOTDATA_H
#define BSSIM_PLOTDATA_H

#include <stdio.h>

#include <jansson.h>

#include "base/common.h"

/*
 * Time of day: from timeseries.csv (replication,t_min,ward,<column>), for
 * each ward other than `all` and each time of day (t_min mod 1440), the
 * mean over replications of each replication's mean over its measured
 * days, with the Student-t 95% interval over replications. A series table
 * with X = hour of day (0 <= X < 24), label = "HH:MM", one series per ward
 * in the order of the file. column: bikes_docked, empty_stations or
 * full_stations (any numeric column of the file works).
 */
int bs_plotdata_timeofday(const char *timeseries_csv, const char *column,
			  FILE *out, struct bs_error *err);

/*
 * A ward x ward matrix of a summary.json (member "flows" or
 * "settlement_yen") as CSV with row and column headers:
 *   from\to,W1,W2,...
 *   W1,x11,x12,...
 * (gnuplot: `matrix rowheaders columnheaders`). file names the summary in
 * messages.
 */
int bs_plotdata_matrix(json_t *summary, const char *member,
		       const char *file, FILE *out, struct bs_error *err);

/*
 * Ports from a GeoJSON FeatureCollection of Points (stations.geojson):
 *   station_id,ward,lon,lat,capacity,empty_frac,full_frac,mean_bikes
 * capacity and empty_frac are required properties; others may be missing
 * (then NaN, or empty text).
 */
int bs_plotdata_ports(const char *geojson, FILE *out, struct bs_error *err);

/*
 * Wards from the same GeoJSON, for labels on the map:
 *   ward,lon,lat,ports,capacity
 * lon and lat are the mean of the ward's port positions; wards in order of
 * first appearance.
 */
int bs_plotdata_wards(const char *geojson, FILE *out, struct bs_error *err);

/* ---- display names and boundaries (plotnames.c) --------------------------- */

/* Nonzero when a run's summary.json says output.language "ja". */
int bs_summary_language(json_t *summary);
/* The display name of ward in the run's names table (its "ja" or "en"
 * name), or ward itself when the run has none. Borrowed from summary. */
const char *bs_summary_ward_name(json_t *summary, const char *ward, int ja);

/*
 * The wards' display names of a run, in summary.json's ward order:
 *   ward,LANG        (LANG: the run's output.language, en or ja)
 *   Minato,港区
 * plots.sh reads the language from the header and relabels the tables.
 */
int bs_plotdata_names(json_t *summary, FILE *out, struct bs_error *err);

/* The rings of wards.geojson (MultiPolygons) as "lon,lat" lines, a blank
 * line after each ring (gnuplot's `with lines` breaks there). */
int bs_plotdata_boundaries(const char *geojson, FILE *out,
			   struct bs_error *err);

/* ---- sweep tables (sweep.csv, DESIGN.md section 5) ----------------------- */

/* One row of sweep.csv. */
struct bs_plotdata_row {
	long point;
	char **val;   /* [nkeys] the varied keys' values, as text */
	char *metric, *ward;
	double mean, sd, lo, hi; /* NaN when absent */
};

/*
 * sweep.csv in memory:
 * point,<key 1>,...,<key k>,metric,ward,mean,sd,ci95_low,ci95_high
 */
struct bs_plotdata_sweep {
	size_t nkeys;
	char **keys;  /* [nkeys] column names of the varied keys */
	size_t n;
	struct bs_plotdata_row *rows;
};

/* Read a sweep.csv. NULL with err filled. Free with
 * bs_plotdata_sweep_free. */
struct bs_plotdata_sweep *bs_plotdata_sweep_load(const char *path,
						 struct bs_error *err);

/*
 * Runs side by side as a sweep: one point per summary, varied keys `run`
 * (labels[i]) and `agreement.type`, every metric of "metrics" (ward all)
 * and of "wards". files name the summaries in messages. Summaries are
 * borrowed. NULL with err filled.
 */
struct bs_plotdata_sweep *
bs_plotdata_sweep_from_runs(json_t *const *summaries,
			    const char *const *labels,
			    const char *const *files, size_t n,
			    struct bs_error *err);

/* Write in sweep.csv's format. 0 or BS_E_IO. */
int bs_plotdata_sweep_write_csv(const struct bs_plotdata_sweep *sw,
				FILE *out);

/*
 * Choose the x key: `want` when given (BS_E_INPUT if not a varied key),
 * else the first varied key whose values are all numbers and not all the
 * same, else the first whose values are not all the same, else the first.
 * Returns its index, or -1 with err filled.
 */
int bs_plotdata_sweep_pick_x(const struct bs_plotdata_sweep *sw,
			     const char *want, struct bs_error *err);

/*
 * A series table of one metric for one ward against the x key (index
 * from bs_plotdata_sweep_pick_x): one series per combination of the other
 * varied keys that are not constant (e.g. one per agreement), labelled by
 * their values joined with ", "; a single series named after the metric
 * when nothing else varies. The first header cell is the x key's name.
 * Rows in increasing X. BS_E_INPUT when the metric or ward has no row.
 */
int bs_plotdata_sweep_series(const struct bs_plotdata_sweep *sw, int xkey,
			     const char *metric, const char *ward, FILE *out,
			     struct bs_error *err);

void bs_plotdata_sweep_free(struct bs_plotdata_sweep *sw);

#endif
