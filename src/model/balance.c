/*
 * balance.c - the rates model's destinations balanced by the hour of
 * arrival (see balance.h and docs/model.md, "Demand").
 */
#include "model/balance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/error.h"

/*
 * Balancing by the hour of arrival.
 *
 * A trip requested at origin o in hour h (request times uniform within
 * the hour: the rate is constant there) to d arrives in hour h + j with
 * probability q_j(o, d), from the ride-time model the simulator uses for
 * the pair (trip.duration; the ride from o, not from a port the user
 * walked to). The day is cyclic (every day alike), so q is folded mod 24.
 * The fit finds w(d, h) such that, with P(d | o, h) proportional to
 * w(d, h) x kern(o, d) over o's candidates,
 *   A(d, a) = sum_{o, h} dep(o, h) P(d | o, h) q_{a-h}(o, d)
 * equals T(d, a) = arr(d, a) x A(., a) / arr(., a): every station gets
 * the table's share of each hour's arrivals, counted in the hour they
 * arrive (the hour's total is what departures and ride times give; no
 * choice of destinations can change it). Origins on an OD table are left
 * out, as before.
 *
 * What it costs, and how it is kept cheap (docs/performance.md):
 * - q depends on the pair through the ride's fixed part c = detour x
 *   dist / speed only, so it is computed on a grid of c once (every
 *   BS_BAL_STEP_MIN minutes up to the longest pair: 3,252 points for
 *   Tokyo, not 212,166 pairs) and interpolated linearly. Error: each
 *   P(arrival hour >= h + j) is 1/60-Lipschitz in c (its derivative is
 *   E[X; the ride ends in that hour] / 60 <= E[X] / 60), so the
 *   interpolated q_j is within 2 x step / 120 = 3.3e-4 of the exact one
 *   whatever the noise; for a log-normal noise (smooth in c) the error is
 *   second order, below 1e-6 at the shipped noise_sd of 0.3 (largest
 *   near the min_min floor; check_demand: test_ride_shift_table). A
 *   pair's trailing hours below BAL_FIT_TAIL are merged (fit_bins).
 * - One pass is the expected flows of the current weights: per origin
 *   the normaliser z(o, h) (24 products per candidate pair), per
 *   destination C(d, j, h), the flow into d requested in h and arriving
 *   j hours later (24 products per pair and hour a ride spans, about 3
 *   for Tokyo's pairs), each in one contiguous sweep (origins by row,
 *   destinations by column, the 24 hours in registers: sum24), in
 *   single precision:
 *   a sum of m positive terms in float is within m x 2^-24 of its value
 *   (4 parts in 10^5 for Tokyo's 460 candidates; typically the square
 *   root of that), far below the 0.1% the fit aims at; what is summed
 *   over stations and hours (A, the residual) is in double.
 * - The passes are accelerated by SQUAREM (Varadhan & Roland, Scand. J.
 *   Statist. 2008; scheme S3, on log w, which keeps weights positive):
 *   two plain steps give the direction, an extrapolation along it is
 *   kept when it does at least as well as one plain step.
 */

/* E[(X - K)^+] for a log-normal X of mean 1 and log-sd sd. */
static double excess_lognormal(double K, double sd)
{
	double d1;

	if (K <= 0.0)
		return 1.0 - K;
	if (!(sd > 0.0))
		return K < 1.0 ? 1.0 - K : 0.0;
	d1 = (-log(K) + 0.5 * sd * sd) / sd;
	return gsl_cdf_ugaussian_P(d1) - K * gsl_cdf_ugaussian_P(d1 - sd);
}

/* G(y) = E[(D - y)^+] for the ride time D (minutes) of fixed part c, as
 * the simulator draws it: mean_min x Exp(1), or max(min_min, c x X) with
 * X log-normal of mean 1. */
static double ride_excess(const struct bs_params *p, double c, double y)
{
	double m = p->min_min;

	if (p->dur == BS_DUR_EXPONENTIAL) {
		if (!(p->mean_min > 0.0)) /* rides of no time */
			return y < 0.0 ? -y : 0.0;
		return y < 0.0 ? p->mean_min - y : p->mean_min * exp(-y / p->mean_min);
	}
	if (y < m)
		return m - y + (c > 0.0 ? c * excess_lognormal(m / c, p->noise_sd) : 0.0);
	return c > 0.0 ? c * excess_lognormal(y / c, p->noise_sd) : 0.0;
}

/* Ride tails below this are left out of q (a week of hours at most). */
#define BAL_TAIL 1e-12
#define BAL_MAX_HOURS 168

/* q folded mod 24 into qc[0..24); returns how many leading bins are used.
 * P(arrival hour >= h + j) = (G(60 j - 60) - G(60 j)) / 60. O(hours). */
size_t bs__ride_shift(const struct bs_params *p, double c, double *qc)
{
	double prev = 1.0, gprev = ride_excess(p, c, 0.0); /* P(>= 0), G(0) */
	size_t j, used = 1;

	for (j = 0; j < 24; j++)
		qc[j] = 0.0;
	for (j = 1; j <= BAL_MAX_HOURS; j++) {
		double gj = ride_excess(p, c, 60.0 * (double)j);
		double ge = (gprev - gj) / 60.0;
		gprev = gj;
		if (ge < 0.0)
			ge = 0.0;
		if (ge > prev)
			ge = prev;
		qc[(j - 1) % 24] += prev - ge;
		if (j > used && j <= 24)
			used = j;
		prev = ge;
		if (prev < BAL_TAIL)
			break;
	}
	return used;
}

/* The shifts on a grid of c: point i at i x step minutes. A grid of more
 * than BAL_MAX_GRID points (rides of more than 21 hours' fixed part) is
 * spread more thinly, so building it never costs more than that many
 * ride-time integrals. Exponential rides do not depend on c: one point. */
#define BAL_MAX_GRID 65536
struct rshift {
	double step;
	size_t np;
	double *q;     /* [np][24] */
	uint8_t *used; /* [np] */
	double *fq;    /* [np][24] q with the fit's tail merged (fit_bins) */
	uint8_t *fj;   /* [np] its bins */
};

static size_t fit_bins(double *q, size_t used);
static size_t rshift_cell(const struct rshift *rs, double c, double *a);

static void rshift_release(struct rshift *rs)
{
	free(rs->q);
	free(rs->used);
	free(rs->fq);
	free(rs->fj);
}

static int rshift_build(const struct bs_params *p, double cmax,
			struct rshift *rs)
{
	size_t i;

	rs->step = BS_BAL_STEP_MIN;
	rs->np = 1;
	if (p->dur != BS_DUR_EXPONENTIAL) {
		double np = ceil(cmax / rs->step) + 2.0;
		if (np > (double)BAL_MAX_GRID) {
			np = (double)BAL_MAX_GRID;
			rs->step = cmax / (np - 2.0);
		}
		rs->np = (size_t)np;
	}
	rs->q = malloc(rs->np * 24 * sizeof(double));
	rs->used = malloc(rs->np);
	rs->fq = malloc(rs->np * 24 * sizeof(double));
	rs->fj = malloc(rs->np);
	if (!rs->q || !rs->used || !rs->fq || !rs->fj)
		return BS_E_NOMEM;
	for (i = 0; i < rs->np; i++) {
		double *fq = rs->fq + i * 24;
		size_t used = bs__ride_shift(p, (double)i * rs->step, rs->q + i * 24);
		rs->used[i] = (uint8_t)used;
		memcpy(fq, rs->q + i * 24, 24 * sizeof(double));
		rs->fj[i] = (uint8_t)fit_bins(fq, used);
		memset(fq + rs->fj[i], 0, (24 - rs->fj[i]) * sizeof(double));
	}
	return 0;
}

/* q at c, interpolated (q[j] beyond the bins used are not written);
 * returns the bins used. O(bins). */
static size_t rshift_at(const struct rshift *rs, double c, double *q)
{
	size_t i, h, used;
	double a;

	if (rs->np == 1) {
		memcpy(q, rs->q, 24 * sizeof(double));
		return rs->used[0];
	}
	i = rshift_cell(rs, c, &a);
	used = rs->used[i] > rs->used[i + 1] ? rs->used[i] : rs->used[i + 1];
	for (h = 0; h < used; h++)
		q[h] = (1.0 - a) * rs->q[i * 24 + h] + a * rs->q[(i + 1) * 24 + h];
	return used;
}

/* The fit's bins of a grid point: the trailing hours that hold less
 * than BAL_FIT_TAIL of its rides are merged into the last hour kept,
 * which moves at most (bins - 1) x BAL_FIT_TAIL of a pair's flow by an
 * hour or more (Tokyo's longest pairs spread over 10 bins down to 1e-12,
 * of which 5 are kept) and keeps every ride. */
#define BAL_FIT_TAIL 1e-5
static size_t fit_bins(double *q, size_t used)
{
	while (used > 1 && q[used - 1] < BAL_FIT_TAIL) {
		q[used - 2] += q[used - 1];
		used--;
	}
	return used;
}

/* The grid interval of c and the weight of its upper end. */
static size_t rshift_cell(const struct rshift *rs, double c, double *a)
{
	double x = c / rs->step;
	size_t i = x >= (double)(rs->np - 2) ? rs->np - 2 : (size_t)x;

	*a = x - (double)i;
	return i;
}

/* The fit's bins of a pair at c: the more of its interval's ends. */
static size_t rshift_fit_bins(const struct rshift *rs, double c)
{
	double a;
	size_t i;

	if (rs->np == 1)
		return 1; /* the one q is applied per destination */
	i = rshift_cell(rs, c, &a);
	return rs->fj[i] > rs->fj[i + 1] ? rs->fj[i] : rs->fj[i + 1];
}

/* The fit's q at c in q[0..bins), interpolated from the merged tails
 * (each end sums to 1, so q does). */
static void rshift_fit_at(const struct rshift *rs, double c, double *q,
			  size_t bins)
{
	double a;
	size_t i = rshift_cell(rs, c, &a), h;

	for (h = 0; h < bins; h++)
		q[h] = (1.0 - a) * rs->fq[i * 24 + h] + a * rs->fq[(i + 1) * 24 + h];
}

int bs__ride_shift_table(const struct bs_params *p, double cmax, double c,
			 double *q)
{
	struct rshift rs;
	int rc = rshift_build(p, cmax, &rs);

	if (!rc)
		rshift_at(&rs, c, q);
	rshift_release(&rs);
	return rc;
}

/* The fitting's work space. Per entry (candidate pair): its kernel as a
 * float, its origin, its hours and their kern x q (about 20 bytes for
 * city rides); per station 24 x (jmax + 2) floats and 24 x 7 doubles. */
struct bal {
	size_t n, jmax;
	const struct bs_demand *d;
	const struct bs_demand_input *in;
	float *kf;      /* [entries] kern / the origin's largest, by row */
	size_t *ioff;   /* [n + 1] the pairs into each destination */
	uint32_t *isrc; /* their origins, by bins then ascending */
	uint8_t *ij;    /* their hours of q */
	float *kq;      /* kf x q_j, j < ij, packed in the same order */
	double qg[24];  /* exponential rides: the one q, applied per station */
	size_t jg;      /* its bins; 0 when q is per pair */
	float *wf, *g, *C; /* [n * 24], [n * 24], [n][jmax][24] */
	double *A, *T;     /* [n * 24] */
	double *w1, *w2, *w3, *best; /* the iterates, [n * 24] */
};

/* What a pass found: the residual and its worst cell. */
struct bal_res {
	double r, t, a;
	size_t s, h;
};

static void bal_release(struct bal *b)
{
	free(b->kf);
	free(b->ioff);
	free(b->isrc);
	free(b->ij);
	free(b->kq);
	free(b->wf);
	free(b->g);
	free(b->C);
	free(b->A);
	free(b->T);
	free(b->w1);
	free(b->w2);
	free(b->w3);
	free(b->best);
}

/* Kernels by row, scaled to each origin's largest (P(d | o, h) does not
 * change; the float never underflows for the nearest candidates), and
 * the columns counted. */
static void bal_rows(struct bal *b, const double *kern)
{
	const struct bs_demand *d = b->d;
	size_t s, k;

	for (s = 0; s < b->n; s++) {
		double mx = 0.0;
		for (k = d->dest_off[s]; k < d->dest_off[s + 1]; k++)
			if (kern[k] > mx)
				mx = kern[k];
		for (k = d->dest_off[s]; k < d->dest_off[s + 1]; k++) {
			b->kf[k] = mx > 0.0 ? (float)(kern[k] / mx) : 0.0f;
			if (!d->dest_od[s])
				b->ioff[d->dest_idx[k] + 1]++;
		}
	}
	for (s = 0; s < b->n; s++)
		b->ioff[s + 1] += b->ioff[s];
}

/* The columns: the pairs into each destination, grouped by their bins
 * (ascending; origins ascending within), with kf x q packed in the same
 * order, so that the sweeps run a kernel per run of equal bins. A sweep
 * of the rows for the bins, then one per number of bins (at most 24,
 * typically 5), each O(entries). */
static int bal_cols(struct bal *b, const struct bs_params *p,
		    const double *dist, const struct rshift *rs)
{
	const struct bs_demand *d = b->d;
	double q[24], v = p->speed_kmh * 1000.0 / 60.0;
	size_t s, k, j, J, jmax = 1, nq = 0, total = d->dest_off[b->n];
	size_t *fill = malloc((b->n + 1) * sizeof(size_t));
	size_t *qfill = malloc((b->n + 1) * sizeof(size_t));
	uint8_t *bins = malloc(total ? total : 1);
	int rc = BS_E_NOMEM;

	if (!fill || !qfill || !bins)
		goto out;
	memset(qfill, 0, (b->n + 1) * sizeof(size_t));
	for (s = 0; s < b->n; s++)
		for (k = d->dest_off[s]; k < d->dest_off[s + 1] && !d->dest_od[s]; k++) {
			bins[k] = (uint8_t)rshift_fit_bins(rs, p->detour * dist[k] / v);
			jmax = bins[k] > jmax ? bins[k] : jmax;
			qfill[d->dest_idx[k] + 1] += bins[k];
		}
	for (s = 0; s < b->n; s++)
		qfill[s + 1] += qfill[s];
	nq = qfill[b->n];
	if (!(b->kq = malloc((nq ? nq : 1) * sizeof(float))))
		goto out;
	memcpy(fill, b->ioff, (b->n + 1) * sizeof(size_t));
	for (J = 1; J <= jmax; J++)
		for (s = 0; s < b->n; s++)
			for (k = d->dest_off[s]; k < d->dest_off[s + 1] && !d->dest_od[s]; k++) {
				size_t x = d->dest_idx[k], e = fill[x];
				float *kq = b->kq + qfill[x];
				if (bins[k] != J)
					continue;
				fill[x]++;
				qfill[x] += J;
				b->isrc[e] = (uint32_t)s;
				b->ij[e] = (uint8_t)J;
				if (rs->np == 1) {
					kq[0] = b->kf[k];
					continue;
				}
				rshift_fit_at(rs, p->detour * dist[k] / v, q, J);
				for (j = 0; j < J; j++)
					kq[j] = (float)(q[j] * (double)b->kf[k]);
			}
	rc = 0;
out:
	free(fill);
	free(qfill);
	free(bins);
	return rc;
}

static int bal_init(struct bal *b, const struct bs_demand *d,
		    const struct bs_params *p, const double *kern,
		    const double *dist, const struct bs_demand_input *in)
{
	size_t n = d->n, total = d->dest_off[n], k, nh = n * 24;
	double cmax = 0.0, v = p->speed_kmh * 1000.0 / 60.0;
	struct rshift rs = {0.0, 0, NULL, NULL, NULL, NULL};
	int rc;

	memset(b, 0, sizeof(*b));
	b->n = n;
	b->d = d;
	b->in = in;
	for (k = 0; k < total; k++)
		if (p->detour * dist[k] / v > cmax)
			cmax = p->detour * dist[k] / v;
	if ((rc = rshift_build(p, cmax, &rs)))
		goto out;
	if (rs.np == 1) { /* one q for all: applied per destination */
		memcpy(b->qg, rs.q, sizeof(b->qg));
		b->jg = rs.used[0];
	}
	rc = BS_E_NOMEM;
	b->kf = malloc((total ? total : 1) * sizeof(float));
	b->ioff = calloc(n + 1, sizeof(size_t));
	b->isrc = malloc((total ? total : 1) * sizeof(uint32_t));
	b->ij = malloc(total ? total : 1);
	b->wf = malloc(nh * sizeof(float));
	b->g = malloc(nh * sizeof(float));
	b->A = malloc(nh * sizeof(double));
	b->T = malloc(nh * sizeof(double));
	b->w1 = malloc(nh * sizeof(double));
	b->w2 = malloc(nh * sizeof(double));
	b->w3 = malloc(nh * sizeof(double));
	b->best = malloc(nh * sizeof(double));
	if (!b->kf || !b->ioff || !b->isrc || !b->ij || !b->wf || !b->g ||
	    !b->A || !b->T || !b->w1 || !b->w2 || !b->w3 || !b->best)
		goto out;
	bal_rows(b, kern);
	if ((rc = bal_cols(b, p, dist, &rs)))
		goto out;
	b->jmax = b->jg ? b->jg : 1;
	for (k = 0; k < b->ioff[n]; k++)
		if (b->ij[k] > b->jmax)
			b->jmax = b->ij[k];
	b->C = malloc(nh * b->jmax * sizeof(float));
	rc = b->C ? 0 : BS_E_NOMEM;
out:
	rshift_release(&rs);
	return rc;
}

/*
 * The sweeps' kernels: sums over pairs of a float times one station's 24
 * hours. With GCC or Clang the 24 hours are six 4-float vectors held in
 * registers for the whole sum (half the instructions of a sum through
 * memory); elsewhere plain loops. Both add the same products in the same
 * order, lane by lane, so they give the same floats.
 */
#if defined(__GNUC__) && !defined(BS_BAL_SCALAR) /* BS_BAL_SCALAR: the plain loops */
typedef float bal_v4 __attribute__((vector_size(16)));

static inline bal_v4 v4_load(const float *p)
{
	bal_v4 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void v4_store(float *p, bal_v4 v)
{
	memcpy(p, &v, sizeof(v));
}

/* 24 floats from six vectors */
static inline void v4_store6(float *p, bal_v4 a0, bal_v4 a1, bal_v4 a2,
			     bal_v4 a3, bal_v4 a4, bal_v4 a5)
{
	v4_store(p, a0);
	v4_store(p + 4, a1);
	v4_store(p + 8, a2);
	v4_store(p + 12, a3);
	v4_store(p + 16, a4);
	v4_store(p + 20, a5);
}

/* acc[0..24) += sum over e < m of f[e * fs] x x(e)[0..24), x(e) = base +
 * 24 idx[e]. */
static void sum24(float *acc, const float *base, const uint32_t *idx,
		  const float *f, size_t fs, size_t m)
{
	bal_v4 a0 = v4_load(acc), a1 = v4_load(acc + 4), a2 = v4_load(acc + 8);
	bal_v4 a3 = v4_load(acc + 12), a4 = v4_load(acc + 16), a5 = v4_load(acc + 20);
	size_t e;

	for (e = 0; e < m; e++) {
		const float *x = base + (size_t)idx[e] * 24;
		float fe = f[e * fs];
		bal_v4 k = {fe, fe, fe, fe};
		a0 += k * v4_load(x);
		a1 += k * v4_load(x + 4);
		a2 += k * v4_load(x + 8);
		a3 += k * v4_load(x + 12);
		a4 += k * v4_load(x + 16);
		a5 += k * v4_load(x + 20);
	}
	v4_store6(acc, a0, a1, a2, a3, a4, a5);
}

/* The same for two bins at once, acc and acc + 24 with f[e * fs] and
 * f[e * fs + 1]: each load of x serves both. */
static void sum24x2(float *acc, const float *base, const uint32_t *idx,
		    const float *f, size_t fs, size_t m)
{
	bal_v4 a0 = v4_load(acc), a1 = v4_load(acc + 4), a2 = v4_load(acc + 8);
	bal_v4 a3 = v4_load(acc + 12), a4 = v4_load(acc + 16), a5 = v4_load(acc + 20);
	bal_v4 b0 = v4_load(acc + 24), b1 = v4_load(acc + 28), b2 = v4_load(acc + 32);
	bal_v4 b3 = v4_load(acc + 36), b4 = v4_load(acc + 40), b5 = v4_load(acc + 44);
	size_t e;

	for (e = 0; e < m; e++) {
		const float *x = base + (size_t)idx[e] * 24;
		float fa = f[e * fs], fb = f[e * fs + 1];
		bal_v4 ka = {fa, fa, fa, fa}, kb = {fb, fb, fb, fb}, v;
		v = v4_load(x); a0 += ka * v; b0 += kb * v;
		v = v4_load(x + 4); a1 += ka * v; b1 += kb * v;
		v = v4_load(x + 8); a2 += ka * v; b2 += kb * v;
		v = v4_load(x + 12); a3 += ka * v; b3 += kb * v;
		v = v4_load(x + 16); a4 += ka * v; b4 += kb * v;
		v = v4_load(x + 20); a5 += ka * v; b5 += kb * v;
	}
	v4_store6(acc, a0, a1, a2, a3, a4, a5);
	v4_store6(acc + 24, b0, b1, b2, b3, b4, b5);
}
#else
static void sum24(float *acc, const float *base, const uint32_t *idx,
		  const float *f, size_t fs, size_t m)
{
	size_t e, h;

	for (e = 0; e < m; e++)
		for (h = 0; h < 24; h++)
			acc[h] += f[e * fs] * base[(size_t)idx[e] * 24 + h];
}

static void sum24x2(float *acc, const float *base, const uint32_t *idx,
		    const float *f, size_t fs, size_t m)
{
	sum24(acc, base, idx, f, fs, m);
	sum24(acc + 24, base, idx, f + 1, fs, m);
}
#endif

/* The normalisers, by row: g(o, h) = dep(o, h) / z(o, h), z(o, h) = sum
 * over o's candidates of w(d, h) kf(o, d). O(entries x 24). */
static void bal_rowsweep(struct bal *b)
{
	const struct bs_demand *d = b->d;
	size_t s, h;

	for (s = 0; s < b->n; s++) {
		float z[24] = {0}, *g = b->g + s * 24;
		const double *dep = b->in->dep + s * 24;
		size_t o = d->dest_off[s];
		if (d->dest_od[s]) {
			memset(g, 0, 24 * sizeof(float));
			continue;
		}
		sum24(z, b->wf, d->dest_idx + o, b->kf + o, 1, d->dest_off[s + 1] - o);
		for (h = 0; h < 24; h++)
			g[h] = dep[h] > 0.0 && z[h] > 0.0f ? (float)(dep[h] / (double)z[h]) : 0.0f;
	}
}

/* The column's m pairs (origins src, bins ij, kf x q in f, packed by
 * pair), run by run of equal bins (bal_cols sorted them so), two bins at
 * a time; returns f advanced past them. */
static const float *col_sum(float *c, const float *g, const uint32_t *src,
			    const uint8_t *ij, const float *f, size_t m)
{
	size_t e = 0, r, j;

	while (e < m) {
		size_t J = ij[e];
		for (r = e; r < m && ij[r] == J; r++)
			;
		for (j = 0; j + 1 < J; j += 2)
			sum24x2(c + j * 24, g, src + e, f + j, J, r - e);
		if (j < J)
			sum24(c + j * 24, g, src + e, f + j, J, r - e);
		f += (r - e) * J;
		e = r;
	}
	return f;
}

/* The flows into each destination, by column: C(d, j, h) = sum over the
 * origins o of g(o, h) kf(o, d) q_j(o, d), then A(d, a) = sum over j, h
 * with h + j = a (mod 24) of w(d, h) C(d, j, h). O(entries x 24 x the
 * bins of q). */
static void bal_colsweep(struct bal *b, const double *w)
{
	const float *kq = b->kq;
	size_t s, j, h, J = b->jmax;

	for (s = 0; s < b->n; s++) {
		float *c = b->C + s * J * 24;
		double *A = b->A + s * 24;
		memset(c, 0, J * 24 * sizeof(float));
		kq = col_sum(c, b->g, b->isrc + b->ioff[s], b->ij + b->ioff[s],
			     kq, b->ioff[s + 1] - b->ioff[s]);
		for (j = J; j-- > 1 && b->jg;) /* exponential rides: shift */
			for (h = 0; h < 24; h++)
				c[j * 24 + h] = (float)(b->qg[j] * (double)c[h]);
		for (h = 0; h < 24 && b->jg; h++)
			c[h] = (float)(b->qg[0] * (double)c[h]);
		memset(A, 0, 24 * sizeof(double));
		for (j = 0; j < J; j++)
			for (h = 0; h < 24; h++)
				A[(h + j) % 24] += w[s * 24 + h] * (double)c[j * 24 + h];
	}
}

/* Targets T and the residual: the share of the day's arrivals in the
 * wrong (station, hour), sum |A - T| / (2 sum T), and the worst cell.
 * Hours the table has no arrivals in are not constrained. */
static struct bal_res bal_residual(struct bal *b)
{
	const double *arr = b->in->arr;
	double tot[24] = {0}, ta[24] = {0}, dev = 0.0, sum = 0.0, worst = -1.0;
	size_t n = b->n, s, h;
	struct bal_res res = {0.0, 0.0, 0.0, 0, 0};

	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			tot[h] += b->A[s * 24 + h];
			ta[h] += arr[s * 24 + h];
		}
	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			double t = ta[h] > 0.0 ? arr[s * 24 + h] * tot[h] / ta[h]
					       : b->A[s * 24 + h];
			double e = fabs(b->A[s * 24 + h] - t);
			b->T[s * 24 + h] = t;
			dev += e;
			sum += t;
			if (e > worst) {
				worst = e;
				res.s = s;
				res.h = h;
				res.t = t;
				res.a = b->A[s * 24 + h];
			}
		}
	res.r = sum > 0.0 ? 0.5 * dev / sum : 0.0;
	return res;
}

/* One pass: the flows of w and their residual. Weights below 1e-30 of
 * their hour's largest are left out of the float sweeps (they cannot
 * carry a share the fit could see, and g = dep / z stays finite). */
static struct bal_res bal_eval(struct bal *b, const double *w)
{
	size_t i;

	for (i = 0; i < b->n * 24; i++)
		b->wf[i] = w[i] > 1e-30 ? (float)w[i] : 0.0f;
	bal_rowsweep(b);
	bal_colsweep(b, w);
	return bal_residual(b);
}

/* Each hour scaled to a largest weight of 1, which leaves every
 * P(d | o, h) as it is and keeps w far from overflow. */
static void bal_normalise(size_t n, double *w)
{
	double mx[24] = {0};
	size_t s, h;

	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++)
			if (w[s * 24 + h] > mx[h])
				mx[h] = w[s * 24 + h];
	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++)
			if (mx[h] > 0.0)
				w[s * 24 + h] /= mx[h];
}

/* One multiplicative (Richardson-Lucy) step from w, whose flows the last
 * pass computed: w(d, h) times the mean of T / A over the hours its
 * requests arrive in, weighted by their flows. */
static void bal_update(const struct bal *b, const double *w, double *out)
{
	size_t n = b->n, J = b->jmax, s, h, j;

	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			double num = 0.0, den = 0.0;
			for (j = 0; j < J; j++) {
				double c = (double)b->C[(s * J + j) * 24 + h];
				size_t a = s * 24 + (h + j) % 24;
				if (c == 0.0)
					continue;
				den += c;
				num += c * (b->A[a] > 0.0 ? b->T[a] / b->A[a] : 1.0);
			}
			out[s * 24 + h] = den > 0.0 ? w[s * 24 + h] * (num / den)
						    : w[s * 24 + h];
		}
	bal_normalise(n, out);
}

/* SQUAREM's extrapolation on log w from w0, w1 = U(w0), w2 = U(w1):
 * r = log w1 - log w0, v = log w2 - 2 log w1 + log w0, a step of
 * a = |r| / |v| within [1, *amax] (1 gives w2), out = exp(log w0 + 2 a r
 * + a^2 v), each hour scaled to a largest of 1 in the logs (no
 * overflow). Zero weights stay zero. *amax grows fourfold when the step
 * reaches it. O(stations x 24). */
static void bal_extrapolate(size_t n, const double *w0, const double *w1,
			    const double *w2, double *amax, double *out)
{
	double rr = 0.0, vv = 0.0, a, mx[24];
	size_t i, h;

	for (i = 0; i < n * 24; i++)
		if (w0[i] > 0.0 && w1[i] > 0.0 && w2[i] > 0.0) {
			double r = log(w1[i] / w0[i]), v = log(w2[i] / w1[i]) - r;
			rr += r * r;
			vv += v * v;
		}
	a = vv > 0.0 ? sqrt(rr / vv) : 1.0;
	if (!(a >= 1.0))
		a = 1.0;
	if (a >= *amax) {
		a = *amax;
		*amax *= 4.0;
	}
	for (h = 0; h < 24; h++)
		mx[h] = -HUGE_VAL;
	for (i = 0; i < n * 24; i++) {
		if (w0[i] > 0.0 && w1[i] > 0.0 && w2[i] > 0.0) {
			double r = log(w1[i] / w0[i]), v = log(w2[i] / w1[i]) - r;
			out[i] = log(w0[i]) + 2.0 * a * r + a * a * v;
			if (out[i] > mx[i % 24])
				mx[i % 24] = out[i];
		} else {
			out[i] = -HUGE_VAL; /* zero */
		}
	}
	for (i = 0; i < n * 24; i++)
		out[i] = out[i] > -HUGE_VAL ? exp(out[i] - mx[i % 24]) : 0.0;
}

/* Keep w with its residual as the best so far when it is. */
static void bal_keep(struct bal *b, const double *w, struct bal_res r,
		     struct bal_res *best)
{
	if (r.r < best->r) {
		memcpy(b->best, w, b->n * 24 * sizeof(double));
		*best = r;
	}
}

/*
 * The passes: SQUAREM cycles of U(w) = w1 (one pass for its flows),
 * U(w1) = w2, the extrapolation w3 (one pass), or w2 itself (one more
 * pass) when w3 does worse than w1. Stops when the best residual is at
 * most BS_BALANCE_TOL (met), when a cycle improves it by less than a
 * tenth of that per pass it took (settled: near the fixed point, as
 * close as the table can be met), or after cap passes. The best weights
 * are left in w.
 */
static struct bal_res bal_fit(struct bal *b, double *w, int cap,
			      int *passes, int *capped)
{
	struct bal_res r0 = bal_eval(b, w), r1, r3, best = r0;
	double amax = 4.0, *w0 = w;
	int np = 0;

	memcpy(b->best, w, b->n * 24 * sizeof(double));
	*capped = 0;
	while (best.r > BS_BALANCE_TOL) {
		double before = best.r;
		int start = np;
		if (np >= cap) {
			*capped = 1;
			break;
		}
		bal_update(b, w0, b->w1);
		r1 = bal_eval(b, b->w1);
		np++;
		bal_keep(b, b->w1, r1, &best);
		if (best.r <= BS_BALANCE_TOL || np >= cap)
			continue;
		bal_update(b, b->w1, b->w2);
		bal_extrapolate(b->n, w0, b->w1, b->w2, &amax, b->w3);
		r3 = bal_eval(b, b->w3);
		np++;
		if (!(r3.r <= r1.r) && np < cap) {
			amax = amax > 4.0 ? amax / 4.0 : 1.0;
			memcpy(b->w3, b->w2, b->n * 24 * sizeof(double));
			r3 = bal_eval(b, b->w3);
			np++;
		}
		bal_keep(b, b->w3, r3, &best);
		/* the next cycle starts from the last weights evaluated */
		memcpy(w0, b->w3, b->n * 24 * sizeof(double));
		if (before - best.r < 0.1 * BS_BALANCE_TOL * (double)(np - start))
			break;
	}
	memcpy(w, b->best, b->n * 24 * sizeof(double));
	*passes = np;
	return best;
}

/*
 * Fit w (caller's [n][24]) by at most in->max_passes passes
 * (BS_BALANCE_MAX_PASSES when 0); see bal_fit. A fit stopped by the cap
 * above the tolerance did not converge: a warning names the residual and
 * the worst station and hour. Starts from w(d, h) = arr(d, h) +
 * arr(d, h + 1): a destination nobody arrives at in the hour of a
 * request or the next is never drawn then.
 */
int bs__balance_arrivals(const struct bs_demand *d,
			 const struct bs_network *net,
			 const struct bs_params *p, const double *kern,
			 const double *dist, const struct bs_demand_input *in,
			 double *w, double *residual, int *passes)
{
	struct bal b;
	struct bal_res r;
	size_t s, h;
	int capped, rc = bal_init(&b, d, p, kern, dist, in);
	int cap = in->max_passes > 0 ? in->max_passes : BS_BALANCE_MAX_PASSES;

	if (rc) {
		bal_release(&b);
		return rc;
	}
	for (s = 0; s < d->n; s++)
		for (h = 0; h < 24; h++)
			w[s * 24 + h] = in->arr[s * 24 + h] + in->arr[s * 24 + (h + 1) % 24];
	bal_normalise(d->n, w);
	r = bal_fit(&b, w, cap, passes, &capped);
	bal_release(&b);
	*residual = r.r;
	if (capped)
		bs_warn(in->warn,
			"demand.balance: the balancing of destinations to the hour of arrival did not converge in %d passes: %.3g%% of arrivals in another station or hour than the table's (tolerance %.3g%%); worst: station %s at %02zu:00, %.4g expected, %.4g fitted",
			cap, 100.0 * r.r, 100.0 * BS_BALANCE_TOL,
			net->ids ? net->ids[r.s] : "?", r.h, r.t, r.a);
	return 0;
}
