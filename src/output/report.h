/*
 * report.h - report.html: one self-contained page about one or more runs,
 * or a sweep, that an analyst can attach to a memo: the scenario, the
 * headline metrics with their 95% confidence intervals, the settlement
 * matrix, and the plots (embedded as data: URIs, so the page needs no
 * other file and no network).
 *
 * The page is plain HTML and CSS: no script, no external fonts or
 * styles. The same inputs give the same bytes.
 *
 * Ownership: everything in struct bs_report is borrowed for the call.
 */
#ifndef BSSIM_REPORT_H
#define BSSIM_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "base/common.h"
#include "output/plotdata.h"

struct bs_report_run {
	json_t *summary;   /* a run's summary.json */
	const char *label; /* column title, e.g. the scenario name */
	const char *dir;   /* where it was read from, shown in the footer */
};

struct bs_report_plot {
	const char *path;    /* a PNG file */
	const char *caption; /* may be NULL */
};

struct bs_report {
	const char *title; /* NULL: made from the runs' or sweep's names */
	const struct bs_report_run *runs;
	size_t nruns;
	const struct bs_plotdata_sweep *sweep; /* or NULL */
	const char *sweep_dir;
	const struct bs_report_plot *plots;
	size_t nplots;
};

/*
 * Write the page to out. Needs runs or a sweep (not both). A plot that is
 * not a readable PNG is BS_E_INPUT naming it; a write error BS_E_IO.
 */
int bs_report_write(FILE *out, const struct bs_report *rep,
		    struct bs_error *err);

/* The page in English (report.c); bs_report_write translates it when the
 * first run's output.language is "ja" (reportja.c). */
int bs__report_write_page(FILE *out, const struct bs_report *rep,
			  struct bs_error *err);

/* The section "Port tags" of runs with tagged ports (reporttags.c):
 * nothing when no run has them. */
void bs__report_tags(FILE *out, const struct bs_report *rep);
/* (report.c's escaping and number formats for such sections: below.) */

/*
 * Width and height of a PNG file from its header; 0, or BS_E_INPUT with
 * err filled when the file is not a PNG (signature, IHDR).
 */
int bs_report_png_size(const char *path, unsigned long *width,
		       unsigned long *height, struct bs_error *err);

/* Internal, between report.c and reportpair.c, reporttags.c: text escaped for HTML, a
 * statistic as the report shows it, and the section of paired
 * differences B - A of runs side by side. */
void bs__report_esc(FILE *o, const char *s);
void bs__report_stat(FILE *o, const char *metric, double mean, double lo,
		     double hi);
void bs__report_stat_json(FILE *o, const char *metric, const json_t *st);
int bs__report_paired(FILE *o, const struct bs_report *rep);

/* The Japanese of an exact English text node of the page (HTML-escaped
 * as written there), or NULL (reportja.c; the tests ask it about every
 * metric's description). */
const char *bs__report_ja_phrase(const char *en);

#endif
