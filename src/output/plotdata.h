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
/*
 * The trend over days (plotdays.c): from days.csv, for ward (NULL: all),
 * per day the mean over replications of service_level, reach_level,
 * empty_station_frac and bikes_low_battery_mean with their 95% intervals.
 * A series table: X = day, label = weekday, one series per metric.
 */
int bs_plotdata_days(const char *days_csv, const char *ward, FILE *out,
		     struct bs_error *err);

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
	/* The sweep file's own labels (vary items {"label": ..., "value":
	 * ...}): sweep.json's points' "labels" objects, by point - 1; NULL
	 * when there is no sweep.json beside sweep.csv or it has none. */
	json_t *labels;
	/* The language of the sweep's (or the first run's) output.language:
	 * 1 for "ja"; and the wards' display names ({"wards": {id: {"en",
	 * "ja", "code"}}}: point 1's "names" in sweep.json, or the first
	 * run's summary.json "names"), or NULL. Labels follow them. */
	int ja;
	json_t *names;
};

/* At most this many characters of a label go into a plot table: a longer
 * one is cut with an ellipsis, so that legends and ticks stay readable. */
#define BS_PLOT_LABEL_MAX 40

/* A readable label of a varied key's value as sweep.csv holds it
 * (vlabel.c): "bilateral Minato–Koto", "pooled: yes"; never a bare JSON
 * text. Into buf (sz bytes). */
void bs_value_label(const char *key, const char *text, char *buf, size_t sz);
/* The same in the run's language: with ja, ward ids as their Japanese
 * names from names ({"wards": {id: {"ja": ...}}}, summary.json's "names";
 * may be NULL) and known words in Japanese ("二区間相互利用 港区–江東区"). */
void bs_value_label_lang(const char *key, const char *text, json_t *names,
			 int ja, char *buf, size_t sz);
/* Cut s (UTF-8) to fewer than maxchars characters with an ellipsis when it
 * is longer; a last character cut in two by a full buffer is dropped. */
void bs_label_cut(char *s, size_t maxchars);
/* What to show for row r's value of key k: the sweep's own label, else
 * bs_value_label's. Returns buf. */
const char *bs_plotdata_shown(const struct bs_plotdata_sweep *sw,
			      const struct bs_plotdata_row *r, size_t k,
			      char *buf, size_t sz);

/* Read a sweep.csv (and the labels of a sweep.json beside it). NULL with err filled. Free with
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

/* Labels in the language and with the ward names of doc: a run's
 * summary.json, or a point of sweep.json (both hold "scenario" and, with
 * network.names, "names"). Borrows doc's names (a reference). */
void bs_plotdata_sweep_language(struct bs_plotdata_sweep *sw, json_t *doc);

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

/* ---- paired differences (plotdiff.c) -------------------------------------- */

/*
 * Paired differences B - A of one metric of a sweep (a folder or its
 * sweep.csv, with sweep_replications.csv beside it), as a series table
 * like bs_plotdata_sweep_series': with other keys varying, each series
 * minus the first row's series at the same x ("full − isolated"); else
 * each point minus the point of the smallest x. Means and Student-t 95%
 * intervals of the within-replication differences (common random
 * numbers: the intervals to read).
 */
int bs_plotdata_diff_sweep(const char *in, const char *metric,
			   const char *ward, const char *x, FILE *out,
			   struct bs_error *err);
/* Runs side by side as differences from the first (dirs[0]): series table
 * with x = run. Refused (BS_E_INPUT) unless all ran on one network with
 * one seed and number of replications. */
int bs_plotdata_diff_runs(const char *const *dirs, size_t n,
			  const char *metric, const char *ward, FILE *out,
			  struct bs_error *err);
/* Can the runs be drawn in one plot (the same network: stations file and
 * wards), and with paired, also paired (the same seed and replications)?
 * 0, or BS_E_INPUT naming the first run that cannot. */
int bs_plotdata_runs_comparable(char *const *dirs, json_t *const *docs,
				size_t n, int paired, struct bs_error *err);
/* out[i]: run i paired with run 0 (out[0]: run 0 with itself), from their
 * replications.csv. Checks bs_plotdata_runs_comparable first. */
int bs_plotdata_runs_paired(char *const *dirs, json_t *const *docs, size_t n,
			    const char *metric, const char *ward,
			    struct bs_paired *out, struct bs_error *err);

#endif
