/*
 * metrics.c - metrics from raw sums, and statistics over replications
 * (see metrics.h).
 */
#include "stats/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

const char *const bs_metric_names[BS_METRIC_N] = {
#define BS__METRIC_NAME(id, name, help) name,
	BS_METRIC_MAP(BS__METRIC_NAME)
#undef BS__METRIC_NAME
};

const char *const bs_metric_helptext[BS_METRIC_N] = {
#define BS__METRIC_HELP(id, name, help) help,
	BS_METRIC_MAP(BS__METRIC_HELP)
#undef BS__METRIC_HELP
};

const char *const bs_metric_headline[BS_METRIC_HEADLINE_N] = {
	"service_level", "reach_level", "trips_requested", "trips_completed",
	"lost_no_bike", "lost_forbidden", "cross_ward_trips",
	"empty_station_frac", "full_station_frac", "revenue_yen",
	"settlement_net_yen", "operating_cost_yen", "net_yen",
};

int bs_metric_index(const char *name)
{
	int m;

	for (m = 0; m < BS_METRIC_N; m++)
		if (strcmp(bs_metric_names[m], name) == 0)
			return m;
	return -1;
}

static double ratio(double a, double b)
{
	return b > 0.0 ? a / b : (double)NAN;
}

void bs_metrics_compute(const struct bs_rep_result *r,
			const struct bs_network *net, size_t w,
			double out[BS_METRIC_N])
{
	const double *x = r->raw + w * BS_RAW_N;
	double win = r->window_min, days = win / 1440.0;
	double nst = w < r->nwards ? (double)net->ward_nstations[w]
				   : (double)net->n;

	out[BS_M_TRIPS_REQUESTED] = x[BS_RAW_REQUESTED] / days;
	out[BS_M_TRIPS_COMPLETED] = x[BS_RAW_COMPLETED] / days;
	out[BS_M_LOST_NO_BIKE] = x[BS_RAW_LOST_NO_BIKE] / days;
	out[BS_M_LOST_FORBIDDEN] = x[BS_RAW_LOST_FORBIDDEN] / days;
	out[BS_M_TRUNCATED_TRIPS] = x[BS_RAW_TRUNCATED] / days;
	out[BS_M_FULL_DIVERSIONS] = x[BS_RAW_DIVERSIONS] / days;
	out[BS_M_CROSS_WARD_TRIPS] = x[BS_RAW_CROSS] / days;
	out[BS_M_SERVICE_LEVEL] =
		ratio(x[BS_RAW_COMPLETED], x[BS_RAW_REQUESTED]);
	out[BS_M_MEAN_TRIP_MIN] =
		ratio(x[BS_RAW_TRIP_MIN], x[BS_RAW_COMPLETED]);
	out[BS_M_EMPTY_STATION_FRAC] = ratio(x[BS_RAW_EMPTY_T], nst * win);
	out[BS_M_FULL_STATION_FRAC] = ratio(x[BS_RAW_FULL_T], nst * win);
	out[BS_M_REFUSING_STATION_FRAC] = ratio(x[BS_RAW_REFUSE_T], nst * win);
	out[BS_M_BIKES_IN_USE_MEAN] = x[BS_RAW_INUSE_INT] / win;
	out[BS_M_REBALANCING_MOVES] = x[BS_RAW_REB_MOVES] / days;
	out[BS_M_REBALANCING_KM] = x[BS_RAW_REB_KM] / days;
	out[BS_M_REVENUE_YEN] = x[BS_RAW_REVENUE] / days;
	out[BS_M_WALKED_TRIPS] = x[BS_RAW_WALKED] / days;
	out[BS_M_UNFINISHED_TRIPS] = x[BS_RAW_UNFINISHED] / days;
	out[BS_M_BIKES_DOCKED_MEAN] = x[BS_RAW_DOCKED_T] / win;
	out[BS_M_TRUCK_HOURS] = x[BS_RAW_TRUCK_HOURS] / days;
	out[BS_M_REPATRIATED_BIKES] = x[BS_RAW_REPATRIATED] / days;
	out[BS_M_BATTERY_SWAPS] = x[BS_RAW_SWAPS] / days;
	out[BS_M_CREW_HOURS] = x[BS_RAW_CREW_HOURS] / days;
	out[BS_M_BIKES_LOW_BATTERY_MEAN] = x[BS_RAW_LOW_T] / win;
	out[BS_M_OPERATING_COST_YEN] = x[BS_RAW_COST] / days;
	out[BS_M_SETTLEMENT_NET_YEN] =
		(x[BS_RAW_SETTLE_IN] - x[BS_RAW_SETTLE_OUT]) / days;
	out[BS_M_NET_YEN] = (x[BS_RAW_REVENUE] + x[BS_RAW_SETTLE_IN] -
			     x[BS_RAW_SETTLE_OUT] - x[BS_RAW_COST]) /
			    days;
	out[BS_M_TRIPS_REACHED] = x[BS_RAW_REACHED] / days;
	out[BS_M_REACH_LEVEL] = ratio(x[BS_RAW_REACHED], x[BS_RAW_REQUESTED]);
	out[BS_M_WALK_AFTER_M_MEAN] =
		ratio(x[BS_RAW_WALK_AFTER_M], x[BS_RAW_COMPLETED]);
	out[BS_M_BIKES_BROUGHT_IN] = x[BS_RAW_DEPOT_IN] / days;
	out[BS_M_BIKES_TAKEN_OUT] = x[BS_RAW_DEPOT_OUT] / days;
	out[BS_M_DEPOT_BIKES_MEAN] = x[BS_RAW_DEPOT_T] / win;
	out[BS_M_OPS_MOVES_SHORT] = x[BS_RAW_DEPOT_SHORT] / days;
	out[BS_M_LOST_PRICE] = x[BS_RAW_LOST_PRICE] / days;
}

/* gsl_stats_* over v[0], v[vs], ... (k values, all finite) */
static void stat_of(const double *v, size_t vs, size_t k, struct bs_stat *out)
{
	out->n = k;
	if (k >= 1)
		out->mean = gsl_stats_mean(v, vs, k);
	if (k >= 2) {
		double t = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1));
		double half;
		out->sd = gsl_stats_sd_m(v, vs, k, out->mean);
		half = t * out->sd / sqrt((double)k);
		out->ci_lo = out->mean - half;
		out->ci_hi = out->mean + half;
	}
}

int bs_stat_compute(const double *x, size_t n, size_t stride,
		    struct bs_stat *out)
{
	double *v;
	size_t i, k = 0;

	out->mean = out->sd = out->ci_lo = out->ci_hi = (double)NAN;
	out->n = 0;
	for (i = 0; i < n; i++)
		k += isfinite(x[i * stride]) != 0;
	if (k == n) {
		/* every value defined (the usual case): GSL reads them in
		 * place, the same arithmetic as on a copy, no allocation */
		stat_of(x, stride, n, out);
		return 0;
	}
	v = malloc((n ? n : 1) * sizeof(double));
	if (!v)
		return BS_E_NOMEM;
	for (i = 0, k = 0; i < n; i++)
		if (isfinite(x[i * stride]))
			v[k++] = x[i * stride];
	stat_of(v, 1, k, out);
	free(v);
	return 0;
}

struct bs_summary *bs_summary_new(const struct bs_network *net,
				  struct bs_rep_result *const *reps,
				  size_t nreps)
{
	struct bs_summary *s = calloc(1, sizeof(*s));
	size_t W = net->nwards, r, w, i, M = BS_METRIC_N;

	if (!s)
		return NULL;
	s->nwards = W;
	s->nreps = nreps;
	s->n = net->n;
	s->vals = calloc(nreps * (W + 1) * M, sizeof(double));
	s->stat = calloc((W + 1) * M, sizeof(struct bs_stat));
	s->flows = calloc(W * W, sizeof(double));
	s->settle = calloc(W * W, sizeof(double));
	s->st = calloc(net->n * BS_SS_N, sizeof(double));
	if (!s->vals || !s->stat || !s->flows || !s->settle || !s->st) {
		bs_summary_free(s);
		return NULL;
	}
	for (r = 0; r < nreps; r++)
		for (w = 0; w <= W; w++)
			bs_metrics_compute(reps[r], net, w,
					   s->vals + (r * (W + 1) + w) * M);
	for (w = 0; w <= W; w++)
		for (i = 0; i < M; i++)
			if (bs_stat_compute(s->vals + w * M + i, nreps,
					    (W + 1) * M, &s->stat[w * M + i])) {
				bs_summary_free(s);
				return NULL;
			}
	for (r = 0; r < nreps; r++) {
		double days = reps[r]->window_min / 1440.0, win = reps[r]->window_min;
		for (i = 0; i < W * W; i++) {
			s->flows[i] += reps[r]->flows[i] / days / (double)nreps;
			s->settle[i] += reps[r]->settle[i] / days / (double)nreps;
		}
		for (i = 0; i < net->n; i++) {
			const double *x = reps[r]->st + i * BS_ST_N;
			double *o = s->st + i * BS_SS_N;
			o[BS_SS_RENTALS] += x[BS_ST_RENTALS] / days / (double)nreps;
			o[BS_SS_RETURNS] += x[BS_ST_RETURNS] / days / (double)nreps;
			o[BS_SS_EMPTY] += x[BS_ST_EMPTY_T] / win / (double)nreps;
			o[BS_SS_FULL] += x[BS_ST_FULL_T] / win / (double)nreps;
			o[BS_SS_BIKES] += x[BS_ST_BIKE_T] / win / (double)nreps;
		}
	}
	if (bs__summary_tags(s, net, reps, nreps)) {
		bs_summary_free(s);
		return NULL;
	}
	return s;
}

void bs_summary_free(struct bs_summary *s)
{
	if (!s)
		return;
	free(s->vals);
	free(s->stat);
	free(s->flows);
	free(s->settle);
	free(s->st);
	free(s->tagstat);
	free(s->tagports);
	free(s);
}
