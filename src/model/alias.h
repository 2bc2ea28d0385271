/*
 * alias.h - Walker's alias method for drawing from a discrete distribution
 * over 0..K-1 in O(1) per draw, after O(K) preprocessing.
 *
 * Why our own: GSL's gsl_ran_discrete_preproc does not check its own
 * allocations (it dereferences what malloc returned), so under memory
 * pressure it crashes instead of failing. This module builds into arrays
 * the caller owns, so there is nothing to fail but the caller's malloc.
 *
 * The tables and the draw reproduce GSL's (randist/discrete.c, GSL 2.x)
 * bit for bit, so that every result computed with GSL's tables stays the
 * same: the same normalisation (w[k] / sum, summed in index order), the
 * same split into smalls (below 1/K) and bigs, the same stack order (each
 * a LIFO, filled in index order), the same pairing, and the same stored
 * form F'[k] = (k + F[k]) / K (Knuth's convention), so that one uniform u
 * gives k = floor(u K) and the draw is k if u < F'[k], else A[k].
 * tests/check_alias.c holds this against GSL on random weight vectors and
 * against the exact distribution (chi-square).
 *
 * Ownership: the caller allocates F (K doubles), A (K uint32_t) and the
 * work space (bs_alias_work_size(K) bytes) and frees them.
 */
#ifndef BSSIM_ALIAS_H
#define BSSIM_ALIAS_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "base/common.h"

/* Largest K: A holds 32-bit indices (a destination list is never longer
 * than the stations, at most 2 million). */
#define BS_ALIAS_MAX_K UINT32_MAX

/* Bytes of work space bs_alias_build needs for K outcomes (K doubles and
 * K indices); 0 when K is 0 or beyond BS_ALIAS_MAX_K. */
size_t bs_alias_work_size(size_t K);

/*
 * Fill F[0..K) and A[0..K) for weights w[0..K) (relative; need not sum to
 * 1). work: bs_alias_work_size(K) bytes, 8-byte aligned (any malloc'd
 * block). Returns 0, or BS_E_INPUT when K is 0 or too big, a weight is
 * negative or not finite, or the sum is not positive and finite (nothing
 * to draw from). O(K) time, no allocation.
 */
int bs_alias_build(size_t K, const double *w, double *F, uint32_t *A,
		   void *work);

/* One draw from tables built for K outcomes: one gsl_rng_uniform. */
static inline size_t bs_alias_draw_u(size_t K, const double *F,
				     const uint32_t *A, double u);

static inline size_t bs_alias_draw(size_t K, const double *F,
				   const uint32_t *A, const gsl_rng *r)
{
	return bs_alias_draw_u(K, F, A, gsl_rng_uniform(r));
}

/* The same draw from a uniform u in [0, 1) the caller made (rng philox's
 * request block): the same u, the same outcome. */
static inline size_t bs_alias_draw_u(size_t K, const double *F,
				     const uint32_t *A, double u)
{
	size_t c = (size_t)(u * (double)K);

	/* u < 1 keeps c < K; the clamp costs nothing and guards generators
	 * whose uniform could round up */
	if (c >= K)
		c = K - 1;
	return u < F[c] ? c : A[c];
}

/*
 * Probability of outcome k under tables built for K outcomes, read back
 * from F and A (O(K)); for tests and checks.
 */
double bs_alias_pdf(size_t K, const double *F, const uint32_t *A, size_t k);

/*
 * Compact tables (the balanced model's hourly destinations, millions of
 * outcomes in all): Vose's construction, each cell's own share kept as a
 * 32-bit fraction F (UINT32_MAX and the cell itself as its alias for a
 * share of 1) and the alias as a 16-bit index where K <= 65,536, else
 * 32-bit: 6 bytes an outcome instead of 12. Not GSL's tables (other
 * pairings, so other draws); exact to the fraction's rounding: a cell's
 * share is off by at most 2^-33, so an outcome's probability is within
 * 2^-33 of its weight's share (check_alias: test_compact_exact): finer
 * than a 32-bit generator's uniform, whose u x K has steps of K x 2^-32,
 * resolves anyway.
 */
#define BS_ALIAS16_MAX_K 65536u

/* Bytes of work space bs_alias_build_compact needs: K doubles and K
 * indices; 0 when K is 0 or beyond BS_ALIAS_MAX_K. */
size_t bs_alias_compact_work_size(size_t K);

/*
 * Fill F[0..K) and A16[0..K) (K <= BS_ALIAS16_MAX_K) or A32[0..K) (the
 * other NULL) for weights w[0..K). Returns 0, or BS_E_INPUT as
 * bs_alias_build. O(K) time, no allocation.
 */
int bs_alias_build_compact(size_t K, const double *w, uint32_t *F,
			   uint16_t *A16, uint32_t *A32, void *work);

/* One draw from compact tables: one gsl_rng_uniform; u x K's integer
 * part is the cell, its fraction is compared with the cell's share. */
static inline size_t bs_alias_draw_compact_u(size_t K, const uint32_t *F,
					     const uint16_t *A16,
					     const uint32_t *A32, double u01)
{
	double u = u01 * (double)K;
	size_t c = (size_t)u;

	if (c >= K)
		c = K - 1;
	if ((u - (double)c) * 4294967296.0 < (double)F[c])
		return c;
	return A16 ? A16[c] : A32[c];
}

static inline size_t bs_alias_draw_compact(size_t K, const uint32_t *F,
					   const uint16_t *A16,
					   const uint32_t *A32,
					   const gsl_rng *r)
{
	return bs_alias_draw_compact_u(K, F, A16, A32, gsl_rng_uniform(r));
}

/* Probability of outcome k under compact tables (O(K)); for tests. */
double bs_alias_compact_pdf(size_t K, const uint32_t *F, const uint16_t *A16,
			    const uint32_t *A32, size_t k);

/* Every outcome's probability p[0..K) at once, read back from the
 * tables (O(K); bs_alias_pdf and bs_alias_compact_pdf give one each in
 * O(K)): what a calibration fits against (calib/od.c). */
void bs_alias_probs(size_t K, const double *F, const uint32_t *A, double *p);
void bs_alias_compact_probs(size_t K, const uint32_t *F, const uint16_t *A16,
			    const uint32_t *A32, double *p);

#endif
