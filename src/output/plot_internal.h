/*
 * plot_internal.h - what the plot tables share (plotdata.c, plotsweep.c):
 * a list of distinct names, number parsing, the series columns, sorting.
 * Not installed; names carry the bs__ prefix.
 */
#ifndef BS_OUTPUT_PLOT_INTERNAL_H
#define BS_OUTPUT_PLOT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "bssim.h"

/* A growing list of distinct strings, in order of first appearance. */
struct bs__names {
	char **v;
	size_t n, cap;
};

long bs__plot_names_find(const struct bs__names *nm, const char *s);
long bs__plot_names_add(struct bs__names *nm, const char *s);
void bs__plot_names_release(struct bs__names *nm);
int bs__plot_parse_num(const char *s, double *out);
double bs__plot_jnum(const json_t *v);
void bs__plot_put_suffixed(FILE *out, const char *name, const char *suffix);
void bs__plot_put_triplet_header(FILE *out, const char *name);
void bs__plot_put_triplet(FILE *out, double mean, double lo, double hi);
int bs__plot_finish(FILE *out, struct bs_error *err);
int bs__plot_nomem(struct bs_error *err, const char *file);
int bs__plot_cmp_double(const void *a, const void *b);
size_t bs__plot_sort_unique(double *v, size_t n);
size_t bs__plot_find_sorted(const double *v, size_t n, double x);
struct bs_plotdata_sweep;
/* Finished runs read for plotting (plotdata.c). */
struct bs__runs {
	size_t n;
	json_t **docs;
	char **labels, **files;
};
int bs__plot_load_runs(const char *const *dirs, size_t n,
		       struct bs__runs *r, struct bs_error *err);
void bs__plot_free_runs(struct bs__runs *r);
void bs__plot_series_keys(const struct bs_plotdata_sweep *sw, int xkey,
			  const size_t *match, size_t nm, int *inlabel);

#endif
