/*
 * sens.h - designed experiments and sensitivity estimators: the points of
 * a Latin hypercube or of a Sobol' sequence in the unit cube, the A, B,
 * A_B^i matrices of Saltelli (2010), and from a model's outputs at those
 * points the first-order (Saltelli 2010) and total-effect (Jansen 1999)
 * indices, or standardised regression coefficients for a Latin hypercube,
 * each with a bootstrap percentile interval over the design's base rows.
 *
 * Designs (rows x k numbers in [0, 1), row-major):
 *   lhs       n rows: column i is a random permutation of the n strata
 *             [s/n, (s+1)/n), each row placed uniformly inside its
 *             stratum (McKay, Beckman, Conover 1979); seeded generator.
 *   sobol     the Saltelli scheme over the first n points of GSL's
 *             2k-dimensional Sobol' sequence (gsl_qrng_sobol, unscrambled:
 *             GSL has no scrambling; its sequence already starts at the
 *             centre (0.5, ..., 0.5), not the corner 0, and no point is
 *             skipped): A = columns 1..k, B = columns k+1..2k. k <= 20
 *             (GSL's Sobol' generator stops at 40 dimensions).
 *   saltelli  the same scheme with A and B drawn from a seeded
 *             pseudo-random generator: i.i.d. base rows, for which the
 *             bootstrap interval is the textbook one (for Sobol' rows it
 *             is conservative: quasi-random errors shrink faster).
 * The Saltelli scheme has n (k + 2) rows: A (rows 0..n-1), B (n..2n-1),
 * then for each i the block A_B^i (rows (2 + i) n + j: row j of A with
 * column i taken from row j of B).
 *
 * Estimators, with V the variance of the 2n outputs of A and B:
 *   S_i  = (1/n) sum_j (f(B)_j - m) (f(A_B^i)_j - f(A)_j) / V  (Saltelli 2010)
 *   ST_i = (1/2n) sum_j (f(A)_j - f(A_B^i)_j)^2 / V             (Jansen 1999)
 * with m the mean of those 2n outputs. Centring f(B) (as SALib does by
 * standardising the outputs) leaves the estimator's expectation as it is,
 * since E[f(A_B^i) - f(A)] = 0, and removes the variance it would gain
 * from the output's level: trips per day near 20,000 that move by a few
 * hundred would otherwise give intervals wider than the index's range.
 * The interval: `boot` resamples of the n base rows (row j carries A_j,
 * B_j and every A_B^i_j), the estimates recomputed on each, the 2.5 and
 * 97.5 percentiles. The resamples come from a generator seeded with
 * `seed` alone, so every call with the same n and seed draws the same
 * resamples (every metric of a sweep is resampled alike).
 *
 * Cost: a design is O(rows x k); the indices O(boot x n x k); the
 * regression O(boot x n x k^2).
 */
#ifndef BSSIM_SENS_H
#define BSSIM_SENS_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"

enum bs_design_type {
	BS_DESIGN_NONE,
	BS_DESIGN_LHS,
	BS_DESIGN_SOBOL,
	BS_DESIGN_SALTELLI
};

#define BS_DESIGN_SOBOL_MAX_K 20

/* "lhs", "sobol", "saltelli" (NULL for none). */
const char *bs_design_name(enum bs_design_type t);

/* Rows of a design of n base points over k keys: n for lhs, n (k + 2)
 * for the Saltelli schemes. */
size_t bs_design_rows(enum bs_design_type t, size_t n, size_t k);

/* Whether a design gives Sobol' indices (else regression coefficients). */
static inline int bs_design_has_indices(enum bs_design_type t)
{
	return t == BS_DESIGN_SOBOL || t == BS_DESIGN_SALTELLI;
}

/* Fill u[rows * k] with the design's unit-cube points. 0, BS_E_NOMEM, or
 * BS_E_INPUT (sobol with k > 20). */
int bs_design_unit(enum bs_design_type t, size_t n, size_t k, uint64_t seed,
		   double *u);

/* An estimate and its 95% bootstrap percentile interval (NaN: undefined,
 * e.g. a metric that does not vary). */
struct bs_sens_est {
	double est, lo, hi;
};

/*
 * Sobol' indices from the outputs y[n (k + 2)] of a Saltelli scheme (the
 * row order above): first[k], total[k], and *var (V). NaN throughout
 * when V is 0 or an output is NaN. 0 or BS_E_NOMEM.
 */
int bs_sens_sobol(const double *y, size_t n, size_t k, size_t boot,
		  uint64_t seed, struct bs_sens_est *first,
		  struct bs_sens_est *total, double *var);

/*
 * Standardised regression coefficients of y[n] on the columns of x[n * k]
 * (row-major): b_i sd(x_i) / sd(y) of the least-squares fit with an
 * intercept, src[k], and its r2 (the share of Var(y) the linear model
 * explains). NaN when a column or y is constant, an output is NaN, or
 * n < k + 2. 0 or BS_E_NOMEM.
 */
int bs_sens_src(const double *x, const double *y, size_t n, size_t k,
		size_t boot, uint64_t seed, struct bs_sens_est *src,
		struct bs_sens_est *r2);

/*
 * Test hook: build design t of n base points over k unit inputs, evaluate
 * f at each row, and estimate (a: first-order indices or src, b: total
 * effects or, for lhs, b[0] the r2). The estimators' check against
 * functions with known indices (tests/check_sens.c). 0 or a BS_E_ code.
 */
typedef double (*bs_sens_fn)(const double *u, size_t k, void *ud);
int bs__sens_check(bs_sens_fn f, void *ud, enum bs_design_type t, size_t n,
		   size_t k, uint64_t seed, size_t boot, struct bs_sens_est *a,
		   struct bs_sens_est *b);

#endif
