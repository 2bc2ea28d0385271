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

/* G(y) = E[(D - y)^+] for the ride time D (minutes) over dist metres, as
 * the simulator draws it: mean_min x Exp(1), or max(min_min, c x X) with
 * c = detour x dist / speed and X log-normal of mean 1. */
static double ride_excess(const struct bs_params *p, double dist, double y)
{
	double c, m = p->min_min;

	if (p->dur == BS_DUR_EXPONENTIAL) {
		if (!(p->mean_min > 0.0)) /* rides of no time */
			return y < 0.0 ? -y : 0.0;
		return y < 0.0 ? p->mean_min - y : p->mean_min * exp(-y / p->mean_min);
	}
	c = p->detour * dist / (p->speed_kmh * 1000.0 / 60.0);
	if (y < m)
		return m - y + (c > 0.0 ? c * excess_lognormal(m / c, p->noise_sd) : 0.0);
	return c > 0.0 ? c * excess_lognormal(y / c, p->noise_sd) : 0.0;
}

/* Ride tails below this are left out of q (a week of hours at most). */
#define BAL_TAIL 1e-12
#define BAL_MAX_HOURS 168

/* q folded mod 24 into qc[0..24); returns how many leading bins are used.
 * P(arrival hour >= h + j) = (G(60 j - 60) - G(60 j)) / 60. O(hours). */
static size_t ride_shift(const struct bs_params *p, double dist, double *qc)
{
	double prev = 1.0; /* P(>= 0) */
	size_t j, used = 1;

	for (j = 0; j < 24; j++)
		qc[j] = 0.0;
	for (j = 1; j <= BAL_MAX_HOURS; j++) {
		double ge = (ride_excess(p, dist, 60.0 * (double)j - 60.0) -
			     ride_excess(p, dist, 60.0 * (double)j)) / 60.0;
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

void bs__bal_release(struct bal *b)
{
	free(b->qoff);
	free(b->q);
	free(b->w);
	free(b->g);
	free(b->A);
	free(b->T);
	free(b->C);
}

static int bal_init(struct bal *b, const struct bs_demand *d,
		    const struct bs_network *net, const struct bs_params *p,
		    const double *kern)
{
	size_t n = d->n, total = d->dest_off[n], s, k, cap = total * 3 + 24;
	double qc[24];

	memset(b, 0, sizeof(*b));
	b->n = n;
	b->kern = kern;
	b->qoff = malloc((total + 1) * sizeof(size_t));
	b->q = malloc(cap * sizeof(double));
	b->w = malloc(n * 24 * sizeof(double));
	b->g = malloc(n * 24 * sizeof(double));
	b->A = malloc(n * 24 * sizeof(double));
	b->T = malloc(n * 24 * sizeof(double));
	b->C = malloc(n * 24 * 24 * sizeof(double));
	if (!b->qoff || !b->q || !b->w || !b->g || !b->A || !b->T || !b->C)
		return BS_E_NOMEM;
	b->qoff[0] = 0;
	for (s = 0; s < n; s++)
		for (k = d->dest_off[s]; k < d->dest_off[s + 1]; k++) {
			size_t used = ride_shift(p, bs_network_dist(net, (uint32_t)s, d->dest_idx[k]), qc);
			if (b->qoff[k] + used > cap) {
				double *nq;
				cap = 2 * cap + used;
				if (!(nq = realloc(b->q, cap * sizeof(double))))
					return BS_E_NOMEM;
				b->q = nq;
			}
			memcpy(b->q + b->qoff[k], qc, used * sizeof(double));
			b->qoff[k + 1] = b->qoff[k] + used;
		}
	return 0;
}

/* The expected arrivals A(d, a) under the current w, and C. One sweep:
 * O(entries x 24 x (2 + bins of q)), the loops over the hours innermost
 * (contiguous: the compiler vectorises them). */
static void bal_flows(const struct bs_demand *d,
		      const struct bs_demand_input *in, struct bal *b)
{
	size_t n = b->n, s, k, h, j;

	memset(b->C, 0, n * 24 * 24 * sizeof(double));
	for (s = 0; s < n; s++) {
		double z[24] = {0}, g[24];
		const double *dep = in->dep + s * 24;
		if (d->dest_od[s])
			continue;
		for (k = d->dest_off[s]; k < d->dest_off[s + 1]; k++) {
			const double *restrict wd = b->w + (size_t)d->dest_idx[k] * 24;
			double kk = b->kern[k];
			for (h = 0; h < 24; h++)
				z[h] += wd[h] * kk;
		}
		for (h = 0; h < 24; h++)
			g[h] = dep[h] > 0.0 && z[h] > 0.0 ? dep[h] / z[h] : 0.0;
		for (k = d->dest_off[s]; k < d->dest_off[s + 1]; k++) {
			double *restrict c = b->C + (size_t)d->dest_idx[k] * 576;
			const double *q = b->q + b->qoff[k];
			size_t used = b->qoff[k + 1] - b->qoff[k];
			for (j = 0; j < used; j++) {
				double f = q[j] * b->kern[k];
				for (h = 0; h < 24; h++)
					c[j * 24 + h] += g[h] * f;
			}
		}
	}
	memset(b->A, 0, n * 24 * sizeof(double));
	for (s = 0; s < n; s++)
		for (j = 0; j < 24; j++)
			for (h = 0; h < 24; h++)
				b->A[s * 24 + (h + j) % 24] +=
					b->w[s * 24 + h] * b->C[s * 576 + j * 24 + h];
}

/* Targets T and the residual: the share of the day's arrivals in the
 * wrong (station, hour), sum |A - T| / (2 sum T); the worst cell in *ws,
 * *wh. Hours the table has no arrivals in are not constrained. */
static double bal_residual(const struct bs_demand_input *in, struct bal *b,
			   size_t *ws, size_t *wh)
{
	double tot[24] = {0}, ta[24] = {0}, dev = 0.0, sum = 0.0, worst = -1.0;
	size_t n = b->n, s, h;

	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			tot[h] += b->A[s * 24 + h];
			ta[h] += in->arr[s * 24 + h];
		}
	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			double t = ta[h] > 0.0 ? in->arr[s * 24 + h] * tot[h] / ta[h]
					       : b->A[s * 24 + h];
			double e = fabs(b->A[s * 24 + h] - t);
			b->T[s * 24 + h] = t;
			dev += e;
			sum += t;
			if (e > worst) {
				worst = e;
				*ws = s;
				*wh = h;
			}
		}
	return sum > 0.0 ? 0.5 * dev / sum : 0.0;
}

/* One multiplicative step: w(d, h) times the mean of T / A over the hours
 * its requests arrive in, weighted by their flows (Richardson-Lucy's
 * step); then each hour scaled to a largest weight of 1, which leaves
 * every P(d | o, h) as it is and keeps w far from overflow. */
static void bal_update(struct bal *b)
{
	size_t n = b->n, s, h, j;
	double mx[24] = {0};

	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++) {
			double num = 0.0, den = 0.0, *w = b->w + s * 24 + h;
			for (j = 0; j < 24; j++) {
				double c = b->C[s * 576 + j * 24 + h];
				size_t a = s * 24 + (h + j) % 24;
				if (c == 0.0)
					continue;
				den += c;
				num += c * (b->A[a] > 0.0 ? b->T[a] / b->A[a] : 1.0);
			}
			if (den > 0.0)
				*w *= num / den;
			if (*w > mx[h])
				mx[h] = *w;
		}
	for (s = 0; s < n; s++)
		for (h = 0; h < 24; h++)
			if (mx[h] > 0.0)
				b->w[s * 24 + h] /= mx[h];
}

/*
 * Fit w (into b->w, [n][24]) by at most in->max_passes sweeps
 * (BS_BALANCE_MAX_PASSES when 0). Stops when the residual is at most
 * BS_BALANCE_TOL (met), or when a pass improves it by less than a tenth
 * of that (settled: the fixed point, as close as the table can be met;
 * typically hours whose arrivals the rides from the hour before already
 * exceed; the residual is kept in *residual), or at the cap: then the
 * fit did not converge and a warning names the residual and the worst
 * station and hour. Starts from w(d, h) = arr(d, h) + arr(d, h + 1): a
 * destination nobody arrives at in the hour of a request or the next is
 * never drawn then.
 */
int bs__balance_arrivals(const struct bs_demand *d,
			 const struct bs_network *net,
			 const struct bs_params *p, const double *kern,
			 const struct bs_demand_input *in, struct bal *b,
			 double *residual)
{
	size_t s, h, ws = 0, wh = 0;
	int it, rc = bal_init(b, d, net, p, kern);
	int cap = in->max_passes > 0 ? in->max_passes : BS_BALANCE_MAX_PASSES;
	double r = 0.0, prev = HUGE_VAL;

	if (rc)
		return rc;
	for (s = 0; s < d->n; s++)
		for (h = 0; h < 24; h++)
			b->w[s * 24 + h] = in->arr[s * 24 + h] + in->arr[s * 24 + (h + 1) % 24];
	for (it = 0;; it++) {
		bal_flows(d, in, b);
		r = bal_residual(in, b, &ws, &wh);
		if (r <= BS_BALANCE_TOL || it == cap ||
		    prev - r < 0.1 * BS_BALANCE_TOL)
			break;
		prev = r;
		bal_update(b);
	}
	*residual = r;
	if (r > BS_BALANCE_TOL && it == cap)
		bs_warn(in->warn,
			"demand.balance: the balancing of destinations to the hour of arrival did not converge in %d passes: %.3g%% of arrivals in another station or hour than the table's (tolerance %.3g%%); worst: station %s at %02zu:00, %.4g expected, %.4g fitted",
			cap, 100.0 * r, 100.0 * BS_BALANCE_TOL,
			net->ids ? net->ids[ws] : "?", wh, b->T[ws * 24 + wh],
			b->A[ws * 24 + wh]);
	return 0;
}
