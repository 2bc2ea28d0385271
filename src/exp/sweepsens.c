/*
 * sweepsens.c - the sensitivity of a designed sweep's headline metrics to
 * its design's keys (see sweep.h, stats/sens.h, docs/sweeps.md
 * "Designed experiments"), for the network and each ward, cell by cell:
 * sweep_sensitivity.csv and sweep.json's "sensitivity".
 *
 * The model output at a point is the mean over its replications. Since
 * replication r of every point draws the same random streams (common
 * random numbers), the noise left in those means is shared in part
 * between points; what is left enters the estimates twice:
 *  - the variance V of the outputs holds the noise variance of a mean,
 *    s^2 / R (s the replications' sd), which deflates every index; the
 *    share is reported (noise_variance / variance);
 *  - the total effect (Jansen) is a mean of squared differences, so the
 *    noise of f(A)_j - f(A_B^i)_j adds Var_r(y_A,r - y_ABi,r) / (2R) to
 *    its numerator: an index a key with no effect would still show. It
 *    is estimated from the replications of each pair and reported in the
 *    `noise` column (an estimate below it is noise). The first-order
 *    estimator f(B)(f(A_B^i) - f(A)) has no such term when the noise is
 *    shared alike between points; noise only widens its interval, which
 *    the bootstrap of base rows (each row carries its points' noise)
 *    holds.
 *
 * Memory per cell: the points' means and noise (2 x rows x H numbers, H
 * = 13 headline metrics x (wards + 1)) and the replications of block A
 * (n x R x H), freed at the end of the cell.
 */
#include "exp/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "stats/metrics.h"

#define NH BS_METRIC_HEADLINE_N

struct bs_sens_acc {
	const struct bs_sweep *sw;
	int hm[NH];      /* metric index of each headline metric */
	size_t W, H;     /* the cell's wards; H = NH x (W + 1) */
	size_t d0;       /* the first design dim */
	double *mean;    /* [rows][H] */
	double *nvar;    /* [rows][H] s^2 / R */
	double *arep;    /* [n][R][H] (Saltelli schemes) */
	double *pair;    /* [k][H] sum over j of Var_r(diff) / R */
	double *x;       /* [rows][k] the design's values */
	double *y;       /* [rows] */
	struct bs_sens_est *ea, *eb; /* [k] */
	json_t *cells;   /* sweep.json's cells */
	json_t *out;
};

static void cell_release(struct bs_sens_acc *a)
{
	free(a->mean);
	free(a->nvar);
	free(a->arep);
	free(a->pair);
	a->mean = a->nvar = a->arep = a->pair = NULL;
}

struct bs_sens_acc *bs__sens_new(const struct bs_sweep *sw, int *rc)
{
	const struct bs_sweep_design *D = &sw->design;
	struct bs_sens_acc *a;
	json_t *ms;
	size_t i;

	*rc = 0;
	if (!D->type)
		return NULL;
	*rc = BS_E_NOMEM;
	if (!(a = calloc(1, sizeof(*a))))
		return NULL;
	a->sw = sw;
	a->d0 = sw->ndims - D->k;
	for (i = 0; i < NH; i++)
		a->hm[i] = bs_metric_index(bs_metric_headline[i]);
	a->x = malloc(D->rows * D->k * sizeof(double));
	a->y = malloc(D->rows * sizeof(double));
	a->ea = calloc(D->k, sizeof(*a->ea));
	a->eb = calloc(D->k, sizeof(*a->eb));
	a->cells = json_array();
	a->out = json_object();
	ms = json_array();
	if (!a->x || !a->y || !a->ea || !a->eb || !a->cells || !a->out || !ms) {
		json_decref(ms);
		bs__sens_free(a);
		return NULL;
	}
	for (i = 0; i < NH; i++)
		json_array_append_new(ms, json_string(bs_metric_headline[i]));
	json_object_set_new(a->out, "design", bs__sweep_design_json(sw));
	json_object_set_new(a->out, "replications", json_integer(sw->reps));
	json_object_set_new(a->out, "metrics", ms);
	json_object_set(a->out, "cells", a->cells);
	*rc = 0;
	return a;
}

void bs__sens_free(struct bs_sens_acc *a)
{
	if (!a)
		return;
	cell_release(a);
	free(a->x);
	free(a->y);
	free(a->ea);
	free(a->eb);
	json_decref(a->cells);
	json_decref(a->out);
	free(a);
}

json_t *bs__sens_json(struct bs_sens_acc *a)
{
	return a ? a->out : NULL;
}

static int cell_begin(struct bs_sens_acc *a, size_t W)
{
	const struct bs_sweep_design *D = &a->sw->design;

	a->W = W;
	a->H = NH * (W + 1);
	a->mean = calloc(D->rows * a->H, sizeof(double));
	a->nvar = calloc(D->rows * a->H, sizeof(double));
	a->pair = calloc(D->k * a->H, sizeof(double));
	if (bs_design_has_indices(D->type))
		a->arep = calloc(D->n * a->sw->reps * a->H, sizeof(double));
	if (!a->mean || !a->nvar || !a->pair ||
	    (bs_design_has_indices(D->type) && !a->arep))
		return BS_E_NOMEM;
	return 0;
}

/* The design's value of dim d at point p, from the plan. */
static double value_at(const struct bs_sens_acc *a, size_t p, size_t d)
{
	json_t *v = json_object_get(json_object_get(bs_sweep_point(a->sw, p),
						    "values"),
				    a->sw->dims[d].key);

	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* Mean and s^2 / R of the R values x[r * stride]; NaN when one is. */
static void mean_var(const double *x, size_t R, size_t stride, double *m,
		     double *nv)
{
	double s = 0, q = 0;
	size_t r;

	for (r = 0; r < R; r++)
		s += x[r * stride];
	s /= (double)R;
	for (r = 0; r < R; r++)
		q += (x[r * stride] - s) * (x[r * stride] - s);
	*m = s;
	*nv = R > 1 ? q / (double)(R - 1) / (double)R : (double)NAN;
}

/* Var_r(a_r - b_r) / R of the R pairs a[r * sa], b[r * sb]: the noise
 * variance of the difference of two points' means, common random
 * numbers included. */
static double pair_noise(const double *a, const double *b, size_t R,
			 size_t sa, size_t sb)
{
	double m = 0, q = 0;
	size_t r;

	if (R < 2)
		return NAN;
	for (r = 0; r < R; r++)
		m += a[r * sa] - b[r * sb];
	m /= (double)R;
	for (r = 0; r < R; r++)
		q += (a[r * sa] - b[r * sb] - m) * (a[r * sa] - b[r * sb] - m);
	return q / (double)(R - 1) / (double)R;
}

/* ---- one cell's indices -------------------------------------------------- */

static json_t *est_json(const struct bs_sens_est *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "estimate", bs_json_num(e->est));
	json_object_set_new(o, "ci95_low", bs_json_num(e->lo));
	json_object_set_new(o, "ci95_high", bs_json_num(e->hi));
	return o;
}

/* One row of sweep_sensitivity.csv. */
static void put_row(FILE *csv, const struct bs_sens_acc *a, size_t cell,
		    const char *metric, const char *ward, const char *param,
		    const char *index, const struct bs_sens_est *e,
		    double noise, const json_t *cvals)
{
	size_t d;

	fprintf(csv, "%zu,%s,", cell + 1, metric);
	bs_csv_put(csv, ward);
	fputc(',', csv);
	bs_csv_put(csv, param);
	fprintf(csv, ",%s,", index);
	bs_csv_num(csv, e->est);
	fputc(',', csv);
	bs_csv_num(csv, e->lo);
	fputc(',', csv);
	bs_csv_num(csv, e->hi);
	fputc(',', csv);
	bs_csv_num(csv, noise);
	for (d = 0; d < a->d0; d++) {
		char *s = json_dumps(json_object_get(cvals, a->sw->dims[d].key),
				     JSON_ENCODE_ANY | JSON_COMPACT |
					     JSON_REAL_PRECISION(12));
		fputc(',', csv);
		if (json_is_string(json_object_get(cvals, a->sw->dims[d].key)))
			bs_csv_put(csv, json_string_value(json_object_get(
						cvals, a->sw->dims[d].key)));
		else
			bs_csv_put(csv, s ? s : "?");
		free(s);
	}
	fputc('\n', csv);
}

/* Indices of output column h (metric, ward) of the cell: rows of the
 * csv, and the member of the cell's JSON. */
static int one_output(struct bs_sens_acc *a, size_t cell, size_t h,
		      const char *metric, const char *ward, FILE *csv,
		      const json_t *cvals, json_t *wo)
{
	const struct bs_sweep_design *D = &a->sw->design;
	size_t j, i, nv = bs_design_has_indices(D->type) ? 2 * D->n : D->n;
	double var = NAN, noise = 0, m, s = 0, q = 0;
	json_t *o = json_object(), *ps = json_object();
	struct bs_sens_est r2;
	int rc;

	if (!o || !ps) {
		json_decref(o);
		json_decref(ps);
		return BS_E_NOMEM;
	}
	for (j = 0; j < D->rows; j++)
		a->y[j] = a->mean[j * a->H + h];
	for (j = 0; j < nv; j++)
		noise += a->nvar[j * a->H + h];
	noise /= (double)nv;
	if (bs_design_has_indices(D->type)) {
		rc = bs_sens_sobol(a->y, D->n, D->k, D->boot, D->seed, a->ea,
				   a->eb, &var);
	} else {
		rc = bs_sens_src(a->x, a->y, D->n, D->k, D->boot, D->seed,
				 a->ea, &r2);
		for (j = 0; j < D->n; j++)
			s += a->y[j];
		m = s / (double)D->n;
		for (j = 0; j < D->n; j++)
			q += (a->y[j] - m) * (a->y[j] - m);
		var = q / (double)(D->n - 1);
	}
	if (rc) {
		json_decref(o);
		json_decref(ps);
		return rc;
	}
	json_object_set_new(o, "variance", bs_json_num(var));
	json_object_set_new(o, "noise_variance", bs_json_num(noise));
	for (i = 0; i < D->k; i++) {
		const char *key = a->sw->dims[a->d0 + i].key;
		json_t *po = json_object();
		if (bs_design_has_indices(D->type)) {
			double tn = a->pair[i * a->H + h] / (double)(2 * D->n) / var;
			json_t *t = est_json(&a->eb[i]);
			if (!(var > 0))
				tn = NAN;
			put_row(csv, a, cell, metric, ward, key, "first_order",
				&a->ea[i], NAN, cvals);
			put_row(csv, a, cell, metric, ward, key, "total_effect",
				&a->eb[i], tn, cvals);
			json_object_set_new(t, "noise", bs_json_num(tn));
			json_object_set_new(po, "first_order", est_json(&a->ea[i]));
			json_object_set_new(po, "total_effect", t);
		} else {
			put_row(csv, a, cell, metric, ward, key, "src", &a->ea[i],
				NAN, cvals);
			json_object_set_new(po, "src", est_json(&a->ea[i]));
		}
		json_object_set_new(ps, key, po);
	}
	if (!bs_design_has_indices(D->type)) {
		put_row(csv, a, cell, metric, ward, "all", "r2", &r2,
			var > 0 ? noise / var : (double)NAN, cvals);
		json_object_set_new(o, "r2", est_json(&r2));
	}
	json_object_set_new(o, "parameters", ps);
	return json_object_set_new(wo, ward, o) ? BS_E_NOMEM : 0;
}

static int cell_end(struct bs_sens_acc *a, size_t cell, const json_t *wards,
		    FILE *csv)
{
	const struct bs_sweep_design *D = &a->sw->design;
	json_t *pt = bs_sweep_point(a->sw, cell * D->rows);
	json_t *vals = json_object_get(pt, "values"), *cv = json_object();
	json_t *co = json_object(), *mo = json_object();
	size_t mi, w, d;
	int rc = 0;

	if (!cv || !co || !mo) {
		rc = BS_E_NOMEM;
		goto out;
	}
	for (d = 0; d < a->d0; d++)
		json_object_set(cv, a->sw->dims[d].key,
				json_object_get(vals, a->sw->dims[d].key));
	for (mi = 0; mi < NH && !rc; mi++) {
		json_t *wo = json_object();
		if (!wo || json_object_set_new(mo, bs_metric_headline[mi], wo)) {
			rc = BS_E_NOMEM;
			break;
		}
		for (w = 0; w <= a->W && !rc; w++)
			rc = one_output(a, cell, mi * (a->W + 1) + w,
					bs_metric_headline[mi],
					w < a->W ? json_string_value(json_array_get(wards, w))
						 : "all",
					csv, cv, wo);
	}
	if (!rc) {
		json_object_set_new(co, "cell", json_integer((json_int_t)cell + 1));
		json_object_set(co, "values", cv);
		json_object_set(co, "metrics", mo);
		if (json_array_append(a->cells, co))
			rc = BS_E_NOMEM;
	}
out:
	json_decref(cv);
	json_decref(co);
	json_decref(mo);
	cell_release(a);
	return rc;
}

static void header(const struct bs_sens_acc *a, FILE *csv)
{
	size_t d;

	fputs("cell,metric,ward,parameter,index,estimate,ci95_low,ci95_high,noise",
	      csv);
	for (d = 0; d < a->d0; d++) {
		fputc(',', csv);
		bs_csv_put(csv, a->sw->dims[d].key);
	}
	fputc('\n', csv);
}

int bs__sens_add(struct bs_sens_acc *a, size_t p, const double *vals,
		 size_t W, FILE *csv)
{
	const struct bs_sweep_design *D = &a->sw->design;
	size_t row = p % D->rows, cell = p / D->rows, R = a->sw->reps;
	size_t stride = (W + 1) * BS_METRIC_N, mi, w, i, r;
	int rc, same;

	if (p == 0)
		header(a, csv);
	if (row == 0 && (rc = cell_begin(a, W)))
		return rc;
	/* points of one cell on networks with other wards: the network's
	 * indices only */
	same = W == a->W;
	for (i = 0; i < D->k; i++)
		a->x[row * D->k + i] = value_at(a, p, a->d0 + i);
	for (mi = 0; mi < NH; mi++)
		for (w = 0; w <= a->W; w++) {
			size_t h = mi * (a->W + 1) + w;
			const double *x = vals + (w < a->W ? w : W) * BS_METRIC_N +
					  (size_t)a->hm[mi];
			if (!same && w < a->W) {
				a->mean[row * a->H + h] = NAN;
				continue;
			}
			mean_var(x, R, stride, &a->mean[row * a->H + h],
				 &a->nvar[row * a->H + h]);
			if (!bs_design_has_indices(D->type))
				continue;
			if (row < D->n) {
				for (r = 0; r < R; r++)
					a->arep[(row * R + r) * a->H + h] =
						x[r * stride];
			} else if (row >= 2 * D->n) {
				a->pair[(row / D->n - 2) * a->H + h] +=
					pair_noise(a->arep + (row % D->n) * R * a->H + h,
						   x, R, a->H, stride);
			}
		}
	if (row + 1 < D->rows)
		return 0;
	return cell_end(a, cell,
			json_object_get(bs_sweep_point(a->sw, cell * D->rows),
					"wards"),
			csv);
}
