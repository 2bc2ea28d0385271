/*
 * alias.c - Walker's alias tables, built as GSL builds them (see alias.h).
 */
#include "model/alias.h"

#include <float.h>
#include <math.h>

size_t bs_alias_work_size(size_t K)
{
	if (K == 0 || K > BS_ALIAS_MAX_K)
		return 0;
	return K * (sizeof(double) + sizeof(uint32_t));
}

/*
 * The two stacks share one array of K indices: smalls grow up from the
 * front, bigs down from the back. Neither ever holds more than it held at
 * the start (each step pops one small and one big and pushes at most one
 * back), and the two start with K in all, so they never meet.
 */
int bs_alias_build(size_t K, const double *w, double *F, uint32_t *A,
		   void *work)
{
	double *E = work, total = 0.0, mean;
	uint32_t *stk;
	size_t k, ns = 0, nb = 0;

	if (K == 0 || K > BS_ALIAS_MAX_K)
		return BS_E_INPUT;
	for (k = 0; k < K; k++) {
		if (!(w[k] >= 0.0) || !isfinite(w[k]))
			return BS_E_INPUT;
		total += w[k];
	}
	if (!(total > 0.0) || !isfinite(total))
		return BS_E_INPUT;
	stk = (uint32_t *)(E + K);
	for (k = 0; k < K; k++)
		E[k] = w[k] / total;
	mean = 1.0 / (double)K;
	/* smalls at stk[0..ns), bigs at stk[K-nb..K) with the top at the
	 * low end: both pushed in index order, popped last-in first-out */
	for (k = 0; k < K; k++)
		if (E[k] < mean)
			ns++;
	nb = K - ns;
	{
		size_t si = 0, bi = 0;
		for (k = 0; k < K; k++) {
			if (E[k] < mean)
				stk[si++] = (uint32_t)k;
			else
				stk[K - 1 - bi++] = (uint32_t)k;
		}
	}
	while (ns > 0) {
		size_t s = stk[--ns], b;
		double d;
		if (nb == 0) {
			A[s] = (uint32_t)s;
			F[s] = 1.0;
			continue;
		}
		b = stk[K - nb--];
		A[s] = (uint32_t)b;
		F[s] = (double)K * E[s];
		d = mean - E[s];
		E[s] += d;
		E[b] -= d;
		if (E[b] < mean) {
			stk[ns++] = (uint32_t)b;
		} else if (E[b] > mean) {
			stk[K - ++nb] = (uint32_t)b;
		} else {
			A[b] = (uint32_t)b;
			F[b] = 1.0;
		}
	}
	while (nb > 0) {
		size_t b = stk[K - nb--];
		A[b] = (uint32_t)b;
		F[b] = 1.0;
	}
	/* Knuth's convention: compare u with (k + F[k]) / K directly */
	for (k = 0; k < K; k++) {
		F[k] += (double)k;
		F[k] /= (double)K;
	}
	return 0;
}

double bs_alias_pdf(size_t K, const double *F, const uint32_t *A, size_t k)
{
	double p = 0.0;
	size_t i;

	if (k >= K)
		return 0.0;
	for (i = 0; i < K; i++) {
		double f = (double)K * F[i] - (double)i;
		if (i == k)
			p += f;
		else if (A[i] == k)
			p += 1.0 - f;
	}
	return p / (double)K;
}

size_t bs_alias_compact_work_size(size_t K)
{
	if (K == 0 || K > BS_ALIAS_MAX_K)
		return 0;
	return K * (sizeof(double) + sizeof(uint32_t));
}

/* A cell's share p in [0, 1] as a 32-bit fraction, rounded (to 2^-33). */
static uint32_t share32(double p)
{
	double x = p * 4294967296.0 + 0.5;

	return x >= 4294967295.0 ? UINT32_MAX : (uint32_t)x;
}

/*
 * Vose's method: scaled shares P = K w / sum; smalls (P < 1) grow up from
 * the front of one index array, larges down from the back (both pushed
 * without a branch); each small, its share final once popped, is filled
 * up by the large on top, whose share shrinks by what it gave,
 * (P_l + P_s) - 1 (Vose's order of operations, which keeps the rounding
 * from drifting). What is left has a share of 1 up to rounding and is its
 * own alias. About 45 instructions an outcome.
 */
int bs_alias_build_compact(size_t K, const double *w, uint32_t *F,
			   uint16_t *A16, uint32_t *A32, void *work)
{
	double *P = work, total = 0.0, scale;
	uint32_t *stk;
	size_t k, ns = 0, nl = 0;

	if (K == 0 || K > BS_ALIAS_MAX_K || (A16 && K > BS_ALIAS16_MAX_K))
		return BS_E_INPUT;
	for (k = 0; k < K; k++) {
		if (!(w[k] >= 0.0 && w[k] <= DBL_MAX))
			return BS_E_INPUT; /* negative, NaN or infinite */
		total += w[k];
	}
	if (!(total > 0.0 && total <= DBL_MAX))
		return BS_E_INPUT;
	stk = (uint32_t *)(P + K);
	scale = (double)K / total;
	for (k = 0; k < K; k++) {
		int small;
		P[k] = w[k] * scale;
		small = P[k] < 1.0;
		stk[ns] = (uint32_t)k;
		stk[K - 1 - nl] = (uint32_t)k;
		ns += (size_t)small;
		nl += (size_t)!small;
	}
	while (ns > 0 && nl > 0) {
		size_t sm = stk[--ns], l = stk[K - nl];
		F[sm] = share32(P[sm]);
		if (A16)
			A16[sm] = (uint16_t)l;
		else
			A32[sm] = (uint32_t)l;
		P[l] = (P[l] + P[sm]) - 1.0;
		if (P[l] < 1.0) {
			nl--;
			stk[ns++] = (uint32_t)l;
		}
	}
	/* larges left, and smalls that rounding left just below 1 */
	while (nl > 0)
		stk[ns++] = stk[K - nl--];
	while (ns > 0) {
		size_t x = stk[--ns];
		F[x] = UINT32_MAX;
		if (A16)
			A16[x] = (uint16_t)x;
		else
			A32[x] = (uint32_t)x;
	}
	return 0;
}

double bs_alias_compact_pdf(size_t K, const uint32_t *F, const uint16_t *A16,
			    const uint32_t *A32, size_t k)
{
	double p = 0.0;
	size_t i;

	if (k >= K)
		return 0.0;
	for (i = 0; i < K; i++) {
		double f = (double)F[i] / 4294967296.0;
		size_t a = A16 ? A16[i] : A32[i];
		if (F[i] == UINT32_MAX && a == i)
			f = 1.0;
		if (i == k)
			p += f;
		if (a == k && a != i)
			p += 1.0 - f;
	}
	return p / (double)K;
}

void bs_alias_probs(size_t K, const double *F, const uint32_t *A, double *p)
{
	size_t i;

	for (i = 0; i < K; i++)
		p[i] = 0.0;
	for (i = 0; i < K; i++) {
		double f = (double)K * F[i] - (double)i;
		p[i] += f / (double)K;
		if (A[i] != i)
			p[A[i]] += (1.0 - f) / (double)K;
	}
}

void bs_alias_compact_probs(size_t K, const uint32_t *F, const uint16_t *A16,
			    const uint32_t *A32, double *p)
{
	size_t i;

	for (i = 0; i < K; i++)
		p[i] = 0.0;
	for (i = 0; i < K; i++) {
		double f = (double)F[i] / 4294967296.0;
		size_t a = A16 ? A16[i] : A32[i];
		if (F[i] == UINT32_MAX && a == i)
			f = 1.0;
		p[i] += f / (double)K;
		if (a != i)
			p[a] += (1.0 - f) / (double)K;
	}
}
