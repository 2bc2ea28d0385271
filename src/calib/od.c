/*
 * od.c - the destination model's expected trips at a given decay and set
 * of ward factors, and the fits built on them (od.h; the evidence and
 * the outputs are in odfit.c).
 */
#include "calib/od.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "model/demand.h"

/* Mean ride minutes of a ride whose fixed part is c = detour x dist /
 * speed, under trip.duration: max(min_min, c X) with X log-normal of
 * mean 1 and log-sd s (exact: E[X; X >= k] = Phi((s^2/2 - ln k) / s)
 * for mean-one X), or mean_min under the exponential model. */
static double ride_mean(const struct bs_params *p, double c)
{
	double s = p->noise_sd, k, lo;

	if (p->dur == BS_DUR_EXPONENTIAL)
		return p->mean_min;
	if (!(c > 0.0))
		return p->min_min;
	if (!(s > 0.0))
		return c < p->min_min ? p->min_min : c;
	k = p->min_min / c;
	if (!(k > 0.0))
		return c;
	lo = gsl_cdf_ugaussian_P((log(k) + 0.5 * s * s) / s);
	return p->min_min * lo +
	       c * gsl_cdf_ugaussian_P((0.5 * s * s - log(k)) / s);
}

/* The mean minutes of a round trip: round_trip_min x the variate, at
 * least min_min under the distance model (sim.c, round_minutes). */
static double round_mean(const struct bs_params *p, double minutes)
{
	if (p->dur == BS_DUR_EXPONENTIAL)
		return minutes;
	return ride_mean(p, minutes);
}

/* Origin s's expected requests in each hour of the run's first day into
 * e->od and the sums (req[24], the requests). */
static void add_origin(struct bs_od_model *m, const struct bs_demand *d,
		       uint32_t s, struct bs_od_eval *e, double *len,
		       double *nonround, double *mins)
{
	const struct bs_network *net = m->net;
	const struct bs_params *p = &m->p;
	double r = d->round_p ? d->round_p[s] : 0.0;
	double per_m = p->detour / (p->speed_kmh * 1000.0 / 60.0);
	size_t o = d->dest_off[s], k, n;
	size_t ws = net->ward[s], W = e->W;
	int h;

	n = d->dest_off[s + 1] - o;
	for (k = 0; k < n; k++)
		m->dist[k] = bs_network_dist(net, s, d->dest_idx[o + k]);
	for (h = 0; h < 24; h++) {
		double q = bs_demand_expected(d, s, h * 60.0, (h + 1) * 60.0);
		if (!(q > 0.0))
			continue;
		bs_demand_dest_probs(d, s, h, m->prob);
		for (k = 0; k < n; k++) {
			double f = q * (1.0 - r) * m->prob[k];
			uint32_t x = d->dest_idx[o + k];
			e->od[ws * W + net->ward[x]] += f;
			*len += f * m->dist[k];
			*nonround += f;
			*mins += f * ride_mean(p, per_m * m->dist[k]);
		}
		if (r > 0.0) {
			e->od[ws * W + ws] += q * r;
			*mins += q * r * round_mean(p, d->round_min);
		}
	}
}

int bs_od_evaluate(struct bs_od_model *m, double decay, const double *wf,
		   struct bs_od_eval *e, struct bs_error *err)
{
	struct bs_demand *d;
	double len = 0.0, nonround = 0.0, mins = 0.0, diag = 0.0;
	size_t s, a, W = m->net->nwards;

	m->p.decay_m = decay;
	m->tab->in.ward_f = wf;
	m->tab->in.warn = m->warn;
	if (!(d = bs_demand_new_from(m->net, &m->p, &m->tab->in, err)))
		return err && err->code ? err->code : BS_E_NOMEM;
	if (!m->prob) {
		for (s = 0; s < m->net->n; s++)
			if (d->dest_off[s + 1] - d->dest_off[s] > m->maxm)
				m->maxm = d->dest_off[s + 1] - d->dest_off[s];
		m->prob = malloc((m->maxm ? m->maxm : 1) * sizeof(double));
		m->dist = malloc((m->maxm ? m->maxm : 1) * sizeof(double));
		if (!m->prob || !m->dist) {
			bs_demand_free(d);
			bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory (the destination fit)");
			return BS_E_NOMEM;
		}
	}
	e->W = W;
	memset(e->od, 0, W * W * sizeof(double));
	for (s = 0; s < m->net->n; s++)
		add_origin(m, d, (uint32_t)s, e, &len, &nonround, &mins);
	e->bal_resid = d->balance_residual;
	e->bal_passes = d->balance_passes;
	bs_demand_free(d);
	e->trips = 0.0;
	for (a = 0; a < W * W; a++)
		e->trips += e->od[a];
	for (a = 0; a < W; a++)
		diag += e->od[a * W + a];
	e->cross = e->trips > 0.0 ? 1.0 - diag / e->trips : 0.0;
	e->mean_m = nonround > 0.0 ? len / nonround : 0.0;
	e->mean_min = e->trips > 0.0 ? mins / e->trips : 0.0;
	return 0;
}
