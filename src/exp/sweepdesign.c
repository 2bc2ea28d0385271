/*
 * sweepdesign.c - a sweep file's "design" (see sweep.h, stats/sens.h and
 * docs/sweeps.md "Designed experiments"):
 *
 *   "design": { "type": "sobol", "points": 64, "seed": 7, "bootstrap": 1000,
 *               "ranges": { "fleet.bikes": [2000, 3500],
 *                           "behaviour.walk_radius_m": {"low": 100, "high": 500} } }
 *
 * A range is [low, high] or {"low", "high", "integer"}; integer values
 * (the default for keys that take integers) are drawn uniformly from
 * low..high, others uniformly from [low, high). The design's keys become
 * the last of the sweep's dims, their values one array per key, so that
 * points, plans, labels and outputs treat them as varied keys. A key of
 * the design may not also be set or varied (which value would a point
 * run?); other varied keys are crossed with the design: every cartesian
 * point (a cell) runs the whole design, and gets its own indices.
 */
#include "exp/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/keys.h"

/* Points of one cell and resamples at most (base/limits.h). */
#define DESIGN_MAX_ROWS BS_DESIGN_MAX_ROWS
#define DESIGN_MAX_BOOT BS_DESIGN_MAX_BOOT

static const char *const DESIGN_KEYS[] = {"type", "points", "seed",
					  "bootstrap", "ranges"};
#define NDKEYS (sizeof(DESIGN_KEYS) / sizeof(DESIGN_KEYS[0]))

struct range {
	double lo, hi;
	int integer;
};

/* Keys whose values are numbers (a count per ward and a price per ward
 * take one number for all wards). */
static int numeric_key(const struct bs_key *k)
{
	return k->type == BS_KT_INT || k->type == BS_KT_NUM ||
	       k->type == BS_KT_WCOUNT || k->type == BS_KT_PRICE;
}

static int integral(double x)
{
	return isfinite(x) && x == floor(x) && fabs(x) < 9007199254740992.0;
}

/* ranges.<key>: [low, high] or {"low", "high", "integer"}. */
static int parse_range(const struct bs_sweep *sw, const char *path,
		       const char *key, const json_t *v, struct range *r,
		       struct bs_error *err)
{
	const struct bs_key *k = bs_key_find(key);
	const json_t *lo, *hi, *in = NULL;
	const char *m;
	json_t *x;

	if (!numeric_key(k))
		return bs__sweep_err(sw, err, path,
				     "'%s' does not take a number; expected a key with numeric values in a design (vary lists any values)",
				     key);
	if (json_is_array(v) && json_array_size(v) == 2) {
		lo = json_array_get(v, 0);
		hi = json_array_get(v, 1);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, m, x)
			if (strcmp(m, "low") && strcmp(m, "high") &&
			    strcmp(m, "integer"))
				return bs__sweep_err(sw, err, path,
						     "unknown member '%s'; expected low, high and optionally integer",
						     m);
		lo = json_object_get(v, "low");
		hi = json_object_get(v, "high");
		in = json_object_get(v, "integer");
		if (in && !json_is_boolean(in))
			return bs__sweep_err(sw, err, path,
					     "integer: expected true or false");
	} else {
		return bs__sweep_err(sw, err, path,
				     "expected a range [low, high] or {\"low\": L, \"high\": H, \"integer\": true}");
	}
	if (!json_is_number(lo) || !json_is_number(hi))
		return bs__sweep_err(sw, err, path,
				     "expected numbers for low and high, e.g. [2000, 3500]");
	r->lo = json_number_value(lo);
	r->hi = json_number_value(hi);
	r->integer = in ? json_is_true(in)
			: (k->type == BS_KT_INT || k->type == BS_KT_WCOUNT);
	if (!(r->lo < r->hi))
		return bs__sweep_err(sw, err, path,
				     "low %.15g is not below high %.15g; expected low < high",
				     r->lo, r->hi);
	if (r->lo < k->min || r->hi > k->max || (k->min_open && r->lo <= k->min))
		return bs__sweep_err(sw, err, path,
				     "[%.15g, %.15g] leaves the key's bounds; expected a range within %s%.15g to %.15g",
				     r->lo, r->hi, k->min_open ? "above " : "",
				     k->min, k->max);
	if (r->integer && (!integral(r->lo) || !integral(r->hi)))
		return bs__sweep_err(sw, err, path,
				     "an integer range needs integer ends; got [%.15g, %.15g]",
				     r->lo, r->hi);
	if (!r->integer && (k->type == BS_KT_INT || k->type == BS_KT_WCOUNT))
		return bs__sweep_err(sw, err, path,
				     "'%s' takes integers; expected \"integer\": true (or leave it out)",
				     key);
	return 0;
}

/* The value of unit coordinate u in range r: integers uniformly over
 * lo..hi (each of the hi - lo + 1 values with the same chance). */
static json_t *value_of(const struct range *r, double u)
{
	if (r->integer) {
		double v = r->lo + floor(u * (r->hi - r->lo + 1));
		if (v > r->hi)
			v = r->hi;
		return json_integer((json_int_t)v);
	}
	return json_real(r->lo + u * (r->hi - r->lo));
}

static int get_uint(const json_t *d, const char *name, double lo, double hi,
		    double def, double *out)
{
	const json_t *v = json_object_get(d, name);

	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || (double)json_integer_value(v) < lo ||
	    (double)json_integer_value(v) > hi)
		return -1;
	*out = (double)json_integer_value(v);
	return 0;
}

static int check_members(const struct bs_sweep *sw, json_t *design,
			 struct bs_error *err)
{
	const char *m;
	json_t *x;
	size_t i;

	if (!json_is_object(design))
		return bs__sweep_err(sw, err, "design",
				     "expected {\"type\": \"lhs\", \"sobol\" or \"saltelli\", \"points\": N, \"ranges\": {KEY: [low, high], ...}}");
	json_object_foreach(design, m, x) {
		for (i = 0; i < NDKEYS && strcmp(m, DESIGN_KEYS[i]); i++)
			;
		if (i == NDKEYS) {
			char path[300];
			snprintf(path, sizeof(path), "design.%s", m);
			return bs__sweep_err(sw, err, path,
					     "unknown key; expected type, points, seed, bootstrap or ranges");
		}
	}
	return 0;
}

/* type, points, seed and bootstrap; k is the number of ranges. */
static int parse_head(struct bs_sweep *sw, json_t *design, size_t k,
		      struct bs_error *err)
{
	struct bs_sweep_design *D = &sw->design;
	const char *t = json_string_value(json_object_get(design, "type"));
	double n, seed, boot, minn;

	if (!t || (strcmp(t, "lhs") && strcmp(t, "sobol") && strcmp(t, "saltelli")))
		return bs__sweep_err(sw, err, "design.type",
				     "expected \"lhs\" (a Latin hypercube: main effects), \"sobol\" or \"saltelli\" (Sobol' indices)");
	D->type = !strcmp(t, "lhs")     ? BS_DESIGN_LHS
		  : !strcmp(t, "sobol") ? BS_DESIGN_SOBOL
					: BS_DESIGN_SALTELLI;
	if (D->type == BS_DESIGN_SOBOL && k > BS_DESIGN_SOBOL_MAX_K)
		return bs__sweep_err(sw, err, "design.ranges",
				     "%zu keys; a sobol design takes at most %d (GSL's Sobol' sequence has 40 dimensions, two per key); expected fewer keys, or type saltelli",
				     k, BS_DESIGN_SOBOL_MAX_K);
	/* a regression needs a residual degree of freedom; a variance and a
	 * bootstrap of base rows need a few rows */
	minn = D->type == BS_DESIGN_LHS ? (double)k + 2 : 4;
	if (!json_object_get(design, "points"))
		return bs__sweep_err(sw, err, "design",
				     "missing \"points\": the number of base points N");
	if (get_uint(design, "points", minn, DESIGN_MAX_ROWS, 0, &n))
		return bs__sweep_err(sw, err, "design.points",
				     "expected an integer from %.0f to %d (%s)",
				     minn, DESIGN_MAX_ROWS,
				     D->type == BS_DESIGN_LHS
					     ? "a regression on k keys needs at least k + 2 points"
					     : "the indices need at least 4 base points");
	if (bs_design_has_indices(D->type) &&
	    n * (double)(k + 2) > DESIGN_MAX_ROWS)
		return bs__sweep_err(sw, err, "design.points",
				     "%.0f base points x (%zu keys + 2) = %.0f points; expected at most %d (the Saltelli scheme runs N (k + 2) points)",
				     n, k, n * (double)(k + 2), DESIGN_MAX_ROWS);
	if (get_uint(design, "seed", 0, 9007199254740991.0, 1, &seed))
		return bs__sweep_err(sw, err, "design.seed",
				     "expected an integer from 0 to 2^53 - 1");
	if (get_uint(design, "bootstrap", 100, DESIGN_MAX_BOOT, 1000, &boot))
		return bs__sweep_err(sw, err, "design.bootstrap",
				     "expected an integer from 100 to %d (resamples for the intervals)",
				     DESIGN_MAX_BOOT);
	D->n = (size_t)n;
	D->k = k;
	D->seed = (uint64_t)seed;
	D->boot = (size_t)boot;
	D->rows = bs_design_rows(D->type, D->n, k);
	return 0;
}

/* Each range's key: a scenario key, neither set nor varied nor holding
 * one of those; then its range. */
static int parse_keys(struct bs_sweep *sw, json_t *ranges, json_t *set,
		      json_t *vary, struct range *r, struct bs_error *err)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	int rc;

	json_object_foreach(ranges, k, v) {
		char path[600];
		snprintf(path, sizeof(path), "design.ranges.%s", k);
		if ((rc = bs__sweep_check_key(sw, "design.ranges", k, err)))
			return rc;
		if (json_object_get(vary, k))
			return bs__sweep_err(sw, err, path,
					     "'%s' is in both vary and the design; expected it in one of them (other keys of vary are crossed with the design)",
					     k);
		if (json_object_get(set, k))
			return bs__sweep_err(sw, err, path,
					     "'%s' is both set and in the design; expected it in one of them",
					     k);
		if (!strcmp(k, "replications"))
			return bs__sweep_err(sw, err, path,
					     "replications cannot vary: every point runs the same replications (common random numbers)");
		if ((rc = bs__sweep_check_nesting(sw, path, k, set, err)) ||
		    (rc = parse_range(sw, path, k, v, &r[i], err)))
			return rc;
		sw->dims[sw->ndims].key = bs_strdup(k);
		sw->dims[sw->ndims].design = 1;
		if (!sw->dims[sw->ndims].key)
			return BS_E_NOMEM;
		sw->ndims++;
		i++;
	}
	return 0;
}

/* The design's values: one array of rows values per key. */
static int generate(struct bs_sweep *sw, const struct range *r)
{
	struct bs_sweep_design *D = &sw->design;
	double *u = malloc(D->rows * D->k * sizeof(double));
	size_t i, j, d0 = sw->ndims - D->k;
	int rc = BS_E_NOMEM;

	if (!u || !(D->values = json_array()))
		goto out;
	if ((rc = bs_design_unit(D->type, D->n, D->k, D->seed, u)))
		goto out;
	rc = BS_E_NOMEM;
	for (i = 0; i < D->k; i++) {
		json_t *a = json_array();
		if (!a || json_array_append_new(D->values, a))
			goto out;
		for (j = 0; j < D->rows; j++)
			if (json_array_append_new(a, value_of(&r[i],
							      u[j * D->k + i])))
				goto out;
		sw->dims[d0 + i].values = a;
	}
	rc = 0;
out:
	free(u);
	return rc;
}

int bs__sweep_design_parse(struct bs_sweep *sw, json_t *design, json_t *set,
			   json_t *vary, double cart_points,
			   struct bs_error *err)
{
	struct bs_sweep_design *D = &sw->design;
	json_t *ranges;
	struct range *r = NULL;
	struct bs_sweep_dim *dims;
	size_t k;
	int rc;

	D->cells = (size_t)cart_points;
	if (!design) {
		sw->npoints = (size_t)cart_points;
		return 0;
	}
	if ((rc = check_members(sw, design, err)))
		return rc;
	ranges = json_object_get(design, "ranges");
	if (!json_is_object(ranges) || !json_object_size(ranges))
		return bs__sweep_err(sw, err, ranges ? "design.ranges" : "design",
				     "expected \"ranges\": {KEY: [low, high], ...} with at least one scenario key");
	k = json_object_size(ranges);
	if (sw->ndims + k > 64)
		return bs__sweep_err(sw, err, "design.ranges",
				     "%zu varied keys and %zu in the design; expected at most 64 in all",
				     sw->ndims, k);
	if ((rc = parse_head(sw, design, k, err)))
		return rc;
	if (cart_points * (double)D->rows > BS_SWEEP_MAX_POINTS)
		return bs__sweep_err(sw, err, "design.points",
				     "%.0f points of vary x %zu of the design = %.0f points; expected at most %d",
				     cart_points, D->rows,
				     cart_points * (double)D->rows,
				     BS_SWEEP_MAX_POINTS);
	dims = realloc(sw->dims, (sw->ndims + k + 1) * sizeof(*dims));
	r = calloc(k, sizeof(*r));
	if (dims) {
		sw->dims = dims;
		memset(dims + sw->ndims, 0, (k + 1) * sizeof(*dims));
	}
	if (!dims || !r) {
		free(r);
		return BS_E_NOMEM;
	}
	/* D->k counts the design dims that exist: sweep_free stays right */
	D->k = 0;
	rc = parse_keys(sw, ranges, set, vary, r, err);
	D->k = k;
	if (!rc)
		rc = generate(sw, r);
	free(r);
	if (rc)
		return rc;
	sw->npoints = D->cells * D->rows;
	return 0;
}

json_t *bs__sweep_design_json(const struct bs_sweep *sw)
{
	const struct bs_sweep_design *D = &sw->design;
	json_t *o, *keys;
	size_t i;

	if (!D->type)
		return NULL;
	o = json_object();
	keys = json_array();
	if (!o || !keys) {
		json_decref(o);
		json_decref(keys);
		return NULL;
	}
	for (i = sw->ndims - D->k; i < sw->ndims; i++)
		json_array_append_new(keys, json_string(sw->dims[i].key));
	json_object_set_new(o, "type", json_string(bs_design_name(D->type)));
	json_object_set_new(o, "points", json_integer((json_int_t)D->n));
	json_object_set_new(o, "keys", keys);
	json_object_set_new(o, "rows", json_integer((json_int_t)D->rows));
	json_object_set_new(o, "cells", json_integer((json_int_t)D->cells));
	json_object_set_new(o, "seed", json_integer((json_int_t)D->seed));
	json_object_set_new(o, "bootstrap", json_integer((json_int_t)D->boot));
	return o;
}

int bs__sweep_design_load(struct bs_sweep *sw, const json_t *d)
{
	struct bs_sweep_design *D = &sw->design;
	const char *t = json_string_value(json_object_get(d, "type"));
	const json_t *keys = json_object_get(d, "keys");
	json_int_t n = json_integer_value(json_object_get(d, "points"));
	json_int_t rows = json_integer_value(json_object_get(d, "rows"));
	json_int_t cells = json_integer_value(json_object_get(d, "cells"));
	json_int_t boot = json_integer_value(json_object_get(d, "bootstrap"));
	size_t k = json_array_size(keys), i;

	if (!d)
		return 0;
	D->type = !t                      ? BS_DESIGN_NONE
		  : !strcmp(t, "lhs")     ? BS_DESIGN_LHS
		  : !strcmp(t, "sobol")   ? BS_DESIGN_SOBOL
		  : !strcmp(t, "saltelli") ? BS_DESIGN_SALTELLI
					  : BS_DESIGN_NONE;
	if (!D->type || k == 0 || k > sw->ndims || n < 2 || cells < 1 ||
	    boot < 1 || boot > DESIGN_MAX_BOOT ||
	    rows != (json_int_t)bs_design_rows(D->type, (size_t)n, k) ||
	    (double)rows * (double)cells != (double)sw->npoints)
		return BS_E_INPUT;
	for (i = 0; i < k; i++)
		if (!json_is_string(json_array_get(keys, i)) ||
		    strcmp(json_string_value(json_array_get(keys, i)),
			   sw->dims[sw->ndims - k + i].key))
			return BS_E_INPUT;
	for (i = sw->ndims - k; i < sw->ndims; i++)
		sw->dims[i].design = 1;
	D->n = (size_t)n;
	D->k = k;
	D->rows = (size_t)rows;
	D->cells = (size_t)cells;
	D->seed = (uint64_t)json_integer_value(json_object_get(d, "seed"));
	D->boot = (size_t)boot;
	return 0;
}

void bs__sweep_design_text(const struct bs_sweep *sw, char *buf, size_t size)
{
	const struct bs_sweep_design *D = &sw->design;

	if (!D->type) {
		snprintf(buf, size, "%s", "");
		return;
	}
	if (bs_design_has_indices(D->type))
		snprintf(buf, size,
			 "design: %s, %zu base points x (%zu keys + 2) = %zu points%s (Sobol' indices, %zu bootstrap resamples, seed %llu)",
			 bs_design_name(D->type), D->n, D->k, D->rows,
			 D->cells > 1 ? " in each cell of vary" : "", D->boot,
			 (unsigned long long)D->seed);
	else
		snprintf(buf, size,
			 "design: lhs, %zu points over %zu keys%s (standardised regression coefficients, %zu bootstrap resamples, seed %llu)",
			 D->n, D->k, D->cells > 1 ? " in each cell of vary" : "",
			 D->boot, (unsigned long long)D->seed);
}
