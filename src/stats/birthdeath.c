/*
 * birthdeath.c - a port's exact expected lost demand by uniformisation
 * (see birthdeath.h).
 */
#include "stats/birthdeath.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/common.h"

int bs_bd_expected_loss(uint32_t K, double lambda, double mu, double T,
			uint32_t s, double *lost_rent, double *lost_ret)
{
	double L = lambda + mu, LT, *p, *q, acc0 = 0.0, accK = 0.0;
	uint64_t n, nmax;
	uint32_t x;

	assert(s <= K && lambda >= 0.0 && mu >= 0.0 && T >= 0.0);
	assert(isfinite(lambda) && isfinite(mu) && isfinite(T));
	if (lost_rent)
		*lost_rent = 0.0;
	if (lost_ret)
		*lost_ret = 0.0;
	if (L == 0.0 || T == 0.0)
		return 0;
	LT = L * T;
	p = calloc((size_t)K + 1, sizeof(double));
	q = calloc((size_t)K + 1, sizeof(double));
	if (!p || !q) {
		free(p);
		free(q);
		return BS_E_NOMEM;
	}
	p[s] = 1.0;
	/* the weights P(N > n) fall below 1e-16 of the total well within
	 * LT + 12 sqrt(LT) + 40 steps (a Poisson tail 12 sd out) */
	nmax = (uint64_t)ceil(LT + 12.0 * sqrt(LT) + 40.0);
	for (n = 0; n <= nmax; n++) {
		double w = gsl_cdf_poisson_Q((unsigned)n, LT) / L;
		if (w <= 0.0)
			break;
		acc0 += w * p[0];
		accK += w * p[K];
		/* one step of the uniformised chain: down with lambda / L,
		 * up with mu / L, staying put where the move is blocked */
		memset(q, 0, ((size_t)K + 1) * sizeof(double));
		for (x = 0; x <= K; x++) {
			double down = lambda / L, up = mu / L;
			if (x > 0)
				q[x - 1] += p[x] * down;
			else
				q[x] += p[x] * down;
			if (x < K)
				q[x + 1] += p[x] * up;
			else
				q[x] += p[x] * up;
		}
		memcpy(p, q, ((size_t)K + 1) * sizeof(double));
	}
	free(p);
	free(q);
	if (lost_rent)
		*lost_rent = lambda * acc0;
	if (lost_ret)
		*lost_ret = mu * accK;
	return 0;
}

int bs_bd_best_stock(uint32_t K, double lambda, double mu, double T,
		     double *loss, uint32_t *best)
{
	uint32_t s;

	*best = 0;
	for (s = 0; s <= K; s++) {
		double a, b;
		if (bs_bd_expected_loss(K, lambda, mu, T, s, &a, &b))
			return BS_E_NOMEM;
		loss[s] = a + b;
		if (loss[s] < loss[*best])
			*best = s;
	}
	return 0;
}
