/*
 * sens.c - designs and sensitivity estimators (see sens.h).
 */
#include "stats/sens.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "engine/rng.h"

/* Streams of the design and of the bootstrap: purposes past the
 * simulation's (rng.h), so they can never coincide with a model stream. */
#define DESIGN_PURPOSE (BS_RNG_PURPOSES + 11)
#define BOOT_PURPOSE (BS_RNG_PURPOSES + 12)

const char *bs_design_name(enum bs_design_type t)
{
	switch (t) {
	case BS_DESIGN_LHS:
		return "lhs";
	case BS_DESIGN_SOBOL:
		return "sobol";
	case BS_DESIGN_SALTELLI:
		return "saltelli";
	default:
		return NULL;
	}
}

size_t bs_design_rows(enum bs_design_type t, size_t n, size_t k)
{
	return bs_design_has_indices(t) ? n * (k + 2) : n;
}

static int lhs(size_t n, size_t k, uint64_t seed, double *u)
{
	gsl_rng *r = bs_rng_alloc();
	size_t *perm = malloc((n ? n : 1) * sizeof(size_t));
	size_t i, j;

	if (!r || !perm) {
		gsl_rng_free(r);
		free(perm);
		return BS_E_NOMEM;
	}
	bs_rng_seed(r, seed, 0, DESIGN_PURPOSE, 0);
	for (i = 0; i < k; i++) {
		for (j = 0; j < n; j++)
			perm[j] = j;
		gsl_ran_shuffle(r, perm, n, sizeof(size_t));
		for (j = 0; j < n; j++)
			u[j * k + i] = ((double)perm[j] + gsl_rng_uniform(r)) /
				       (double)n;
	}
	gsl_rng_free(r);
	free(perm);
	return 0;
}

/* A and B (n rows of 2k: A the first k columns) into u's first 2n rows,
 * then the A_B^i blocks. */
static int saltelli(enum bs_design_type t, size_t n, size_t k, uint64_t seed,
		    double *u)
{
	double *ab = malloc((k ? 2 * k : 1) * sizeof(double));
	gsl_qrng *q = NULL;
	gsl_rng *r = NULL;
	size_t i, j, c;

	if (!ab)
		return BS_E_NOMEM;
	if (t == BS_DESIGN_SOBOL) {
		if (k > BS_DESIGN_SOBOL_MAX_K) {
			free(ab);
			return BS_E_INPUT;
		}
		q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
	} else {
		r = bs_rng_alloc();
		if (r)
			bs_rng_seed(r, seed, 0, DESIGN_PURPOSE, 1);
	}
	if (!q && !r) {
		free(ab);
		return BS_E_NOMEM;
	}
	for (j = 0; j < n; j++) {
		if (q)
			gsl_qrng_get(q, ab);
		else
			for (c = 0; c < 2 * k; c++)
				ab[c] = gsl_rng_uniform(r);
		memcpy(u + j * k, ab, k * sizeof(double));
		memcpy(u + (n + j) * k, ab + k, k * sizeof(double));
		for (i = 0; i < k; i++) {
			double *row = u + ((2 + i) * n + j) * k;
			memcpy(row, ab, k * sizeof(double));
			row[i] = ab[k + i];
		}
	}
	gsl_qrng_free(q);
	gsl_rng_free(r);
	free(ab);
	return 0;
}

int bs_design_unit(enum bs_design_type t, size_t n, size_t k, uint64_t seed,
		   double *u)
{
	if (t == BS_DESIGN_LHS)
		return lhs(n, k, seed, u);
	if (bs_design_has_indices(t))
		return saltelli(t, n, k, seed, u);
	return BS_E_INPUT;
}

/* ---- the bootstrap ------------------------------------------------------- */

/* The 2.5 and 97.5 percentiles of the finite values of x[boot] (sorted
 * in place); NaN when more than a tenth are undefined. */
static void interval(double *x, size_t boot, struct bs_sens_est *e)
{
	size_t i, m = 0;

	for (i = 0; i < boot; i++)
		if (isfinite(x[i]))
			x[m++] = x[i];
	if (m == 0 || m * 10 < boot * 9) {
		e->lo = e->hi = NAN;
		return;
	}
	gsl_sort(x, 1, m);
	e->lo = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.025);
	e->hi = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.975);
}

/* The bootstrap's resample b of n rows into ix (b = 0: the rows as they
 * are, for the estimate itself). */
static void resample(gsl_rng *r, size_t b, size_t n, size_t *ix)
{
	size_t j;

	for (j = 0; j < n; j++)
		ix[j] = b ? (size_t)gsl_rng_uniform_int(r, n) : j;
}

static int any_nan(const double *y, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isnan(y[i]))
			return 1;
	return 0;
}

static void all_nan(struct bs_sens_est *e, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		e[i].est = e[i].lo = e[i].hi = NAN;
}

/* ---- Sobol' indices ------------------------------------------------------ */

static void sobol_once(const double *y, size_t n, size_t k, const size_t *ix,
		       double *S, double *T, double *var)
{
	const double *A = y, *B = y + n;
	double mean = 0, v = 0;
	size_t i, j;

	for (j = 0; j < n; j++)
		mean += A[ix[j]] + B[ix[j]];
	mean /= (double)(2 * n);
	for (j = 0; j < n; j++)
		v += (A[ix[j]] - mean) * (A[ix[j]] - mean) +
		     (B[ix[j]] - mean) * (B[ix[j]] - mean);
	v /= (double)(2 * n - 1);
	*var = v;
	for (i = 0; i < k; i++) {
		const double *AB = y + (2 + i) * n;
		double s = 0, t = 0;
		for (j = 0; j < n; j++) {
			size_t q = ix[j];
			s += (B[q] - mean) * (AB[q] - A[q]);
			t += (A[q] - AB[q]) * (A[q] - AB[q]);
		}
		S[i] = v > 0 ? s / (double)n / v : (double)NAN;
		T[i] = v > 0 ? t / (double)(2 * n) / v : (double)NAN;
	}
}

int bs_sens_sobol(const double *y, size_t n, size_t k, size_t boot,
		  uint64_t seed, struct bs_sens_est *first,
		  struct bs_sens_est *total, double *var)
{
	size_t *ix = malloc((n ? n : 1) * sizeof(size_t));
	double *bs = malloc((2 * boot * k + 2 * k + 1) * sizeof(double));
	double *S = bs + 2 * boot * k, *T = S + k, v;
	gsl_rng *r = bs_rng_alloc();
	size_t b, i;
	int rc = 0;

	if (!ix || !bs || !r) {
		rc = BS_E_NOMEM;
		goto out;
	}
	if (n < 2 || any_nan(y, n * (k + 2))) {
		all_nan(first, k);
		all_nan(total, k);
		*var = NAN;
		goto out;
	}
	bs_rng_seed(r, seed, 0, BOOT_PURPOSE, 0);
	resample(r, 0, n, ix);
	sobol_once(y, n, k, ix, S, T, var);
	for (i = 0; i < k; i++) {
		first[i].est = S[i];
		total[i].est = T[i];
	}
	for (b = 0; b < boot; b++) {
		resample(r, 1, n, ix);
		sobol_once(y, n, k, ix, S, T, &v);
		for (i = 0; i < k; i++) {
			bs[i * boot + b] = S[i];
			bs[(k + i) * boot + b] = T[i];
		}
	}
	for (i = 0; i < k; i++) {
		interval(bs + i * boot, boot, &first[i]);
		interval(bs + (k + i) * boot, boot, &total[i]);
		if (!(*var > 0))
			first[i].lo = first[i].hi = total[i].lo =
				total[i].hi = NAN;
	}
out:
	free(ix);
	free(bs);
	gsl_rng_free(r);
	return rc;
}

/* ---- standardised regression coefficients --------------------------------- */

struct src_ws {
	gsl_matrix *a;
	gsl_vector *rhs, *beta;
	gsl_permutation *perm;
	double *mx, *sx;
};

/* The standardised coefficients on the rows ix: solve the correlation
 * system R beta = r_xy. NaN when a column or y is constant or R is
 * singular. */
static void src_once(const double *x, const double *y, size_t n, size_t k,
		     const size_t *ix, struct src_ws *w, double *src,
		     double *r2)
{
	double my = 0, sy = 0, fit = 0;
	size_t i, l, j;
	int sign;

	for (j = 0; j < n; j++)
		my += y[ix[j]];
	my /= (double)n;
	for (j = 0; j < n; j++)
		sy += (y[ix[j]] - my) * (y[ix[j]] - my);
	sy = sqrt(sy / (double)(n - 1));
	for (i = 0; i < k; i++) {
		double m = 0, s = 0;
		for (j = 0; j < n; j++)
			m += x[ix[j] * k + i];
		m /= (double)n;
		for (j = 0; j < n; j++)
			s += (x[ix[j] * k + i] - m) * (x[ix[j] * k + i] - m);
		w->mx[i] = m;
		w->sx[i] = sqrt(s / (double)(n - 1));
	}
	for (i = 0; i < k; i++)
		if (!(w->sx[i] > 0) || !(sy > 0))
			goto undefined;
	for (i = 0; i < k; i++) {
		double c = 0;
		for (j = 0; j < n; j++)
			c += (x[ix[j] * k + i] - w->mx[i]) * (y[ix[j]] - my);
		gsl_vector_set(w->rhs, i, c / (double)(n - 1) / w->sx[i] / sy);
		for (l = 0; l <= i; l++) {
			double s = 0;
			for (j = 0; j < n; j++)
				s += (x[ix[j] * k + i] - w->mx[i]) *
				     (x[ix[j] * k + l] - w->mx[l]);
			s /= (double)(n - 1) * w->sx[i] * w->sx[l];
			gsl_matrix_set(w->a, i, l, s);
			gsl_matrix_set(w->a, l, i, s);
		}
	}
	if (gsl_linalg_LU_decomp(w->a, w->perm, &sign) ||
	    fabs(gsl_linalg_LU_det(w->a, sign)) < 1e-12 ||
	    gsl_linalg_LU_solve(w->a, w->perm, w->rhs, w->beta))
		goto undefined;
	for (i = 0; i < k; i++) {
		src[i] = gsl_vector_get(w->beta, i);
		fit += src[i] * gsl_vector_get(w->rhs, i);
	}
	*r2 = fit;
	return;
undefined:
	for (i = 0; i < k; i++)
		src[i] = NAN;
	*r2 = NAN;
}

int bs_sens_src(const double *x, const double *y, size_t n, size_t k,
		size_t boot, uint64_t seed, struct bs_sens_est *src,
		struct bs_sens_est *r2)
{
	struct src_ws w;
	size_t *ix = malloc((n ? n : 1) * sizeof(size_t));
	double *bs = malloc(((k + 1) * (boot + 1) + 2 * k) * sizeof(double));
	double *one = bs ? bs + (k + 1) * boot : NULL;
	gsl_rng *r = bs_rng_alloc();
	size_t b, i;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	if (k) {
		w.a = gsl_matrix_alloc(k, k);
		w.rhs = gsl_vector_alloc(k);
		w.beta = gsl_vector_alloc(k);
		w.perm = gsl_permutation_alloc(k);
	}
	w.mx = one ? one + k + 1 : NULL;
	w.sx = w.mx ? w.mx + k : NULL;
	if (!ix || !bs || !r || !k || !w.a || !w.rhs || !w.beta || !w.perm) {
		rc = k ? BS_E_NOMEM : BS_E_INPUT;
		goto out;
	}
	if (n < k + 2 || any_nan(y, n)) {
		all_nan(src, k);
		all_nan(r2, 1);
		goto out;
	}
	bs_rng_seed(r, seed, 0, BOOT_PURPOSE, 0);
	resample(r, 0, n, ix);
	src_once(x, y, n, k, ix, &w, one, &one[k]);
	for (i = 0; i < k; i++)
		src[i].est = one[i];
	r2->est = one[k];
	for (b = 0; b < boot; b++) {
		resample(r, 1, n, ix);
		src_once(x, y, n, k, ix, &w, one, &one[k]);
		for (i = 0; i <= k; i++)
			bs[i * boot + b] = one[i];
	}
	for (i = 0; i < k; i++)
		interval(bs + i * boot, boot, &src[i]);
	interval(bs + k * boot, boot, r2);
	if (isnan(r2->est))
		for (i = 0; i < k; i++)
			src[i].lo = src[i].hi = NAN;
out:
	if (w.a)
		gsl_matrix_free(w.a);
	if (w.rhs)
		gsl_vector_free(w.rhs);
	if (w.beta)
		gsl_vector_free(w.beta);
	if (w.perm)
		gsl_permutation_free(w.perm);
	free(ix);
	free(bs);
	gsl_rng_free(r);
	return rc;
}

/* ---- the test hook ------------------------------------------------------- */

int bs__sens_check(bs_sens_fn f, void *ud, enum bs_design_type t, size_t n,
		   size_t k, uint64_t seed, size_t boot, struct bs_sens_est *a,
		   struct bs_sens_est *b)
{
	size_t rows = bs_design_rows(t, n, k), j;
	double *u = malloc((rows * k + rows + 1) * sizeof(double));
	double *y = u ? u + rows * k : NULL, var;
	int rc;

	if (!u)
		return BS_E_NOMEM;
	rc = bs_design_unit(t, n, k, seed, u);
	for (j = 0; !rc && j < rows; j++)
		y[j] = f(u + j * k, k, ud);
	if (!rc)
		rc = bs_design_has_indices(t)
			     ? bs_sens_sobol(y, n, k, boot, seed, a, b, &var)
			     : bs_sens_src(u, y, n, k, boot, seed, a, b);
	free(u);
	return rc;
}
