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
/* report.c's escaping and number format, for such sections. */
void bs__report_esc(FILE *out, const char *s);
void bs__report_stat(FILE *out, int share, const json_t *st);

/*
 * Width and height of a PNG file from its header; 0, or BS_E_INPUT with
 * err filled when the file is not a PNG (signature, IHDR).
 */
int bs_report_png_size(const char *path, unsigned long *width,
		       unsigned long *height, struct bs_error *err);

#endif
