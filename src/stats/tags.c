/*
 * tags.c - per-tag metrics of a run (metrics.h): for each port tag, the
 * trips from and to its ports and the cross-ward visitors arriving there,
 * per ward of the port and for all its ports, with the same Student-t
 * intervals over replications as every other metric.
 */
#include <math.h>
#include <stdlib.h>

#include "stats/metrics.h"

const char *const bs_tag_metric_names[BS_TAGM_N] = {
#define BS__TAGM_NAME(id, name, help) name,
	BS_TAG_METRIC_MAP(BS__TAGM_NAME)
#undef BS__TAGM_NAME
};

const char *const bs_tag_metric_helptext[BS_TAGM_N] = {
#define BS__TAGM_HELP(id, name, help) help,
	BS_TAG_METRIC_MAP(BS__TAGM_HELP)
#undef BS__TAGM_HELP
};

/* One replication's sums into v[ntags][W + 1][BS_TAGM_N] (zeroed). */
static void tag_sums(const struct bs_network *net, const struct bs_rep_result *r,
		     double *v)
{
	size_t W = net->nwards, i, t;
	double days = r->window_min / 1440.0;

	for (i = 0; i < net->n; i++) {
		const double *x = r->st + i * BS_ST_N;
		for (t = 0; t < net->ntags; t++) {
			double *a, *w;
			if (!(net->tags[i] & (1u << t)))
				continue;
			w = v + (t * (W + 1) + net->ward[i]) * BS_TAGM_N;
			a = v + (t * (W + 1) + W) * BS_TAGM_N;
			w[BS_TAGM_FROM] += x[BS_ST_RENTALS] / days;
			w[BS_TAGM_TO] += x[BS_ST_RETURNS] / days;
			w[BS_TAGM_VISITORS] += x[BS_ST_VISITORS] / days;
			a[BS_TAGM_FROM] += x[BS_ST_RENTALS] / days;
			a[BS_TAGM_TO] += x[BS_ST_RETURNS] / days;
			a[BS_TAGM_VISITORS] += x[BS_ST_VISITORS] / days;
		}
	}
	for (i = 0; i < net->ntags * (W + 1); i++) {
		double *m = v + i * BS_TAGM_N;
		m[BS_TAGM_VISITOR_SHARE] = m[BS_TAGM_TO] > 0.0
						   ? m[BS_TAGM_VISITORS] / m[BS_TAGM_TO]
						   : (double)NAN;
	}
}

int bs__summary_tags(struct bs_summary *s, const struct bs_network *net,
		     struct bs_rep_result *const *reps, size_t nreps)
{
	size_t W = net->nwards, cells = net->ntags * (W + 1), i, r;
	size_t per = cells * BS_TAGM_N;
	double *v;
	int rc = 0;

	if (!net->tags || net->ntags == 0)
		return 0;
	s->ntags = net->ntags;
	s->tagstat = calloc(per, sizeof(struct bs_stat));
	s->tagports = calloc(cells, sizeof(uint32_t));
	v = calloc(nreps * per, sizeof(double));
	if (!s->tagstat || !s->tagports || !v) {
		free(v);
		return BS_E_NOMEM;
	}
	for (i = 0; i < net->n; i++)
		for (size_t t = 0; t < net->ntags; t++)
			if (net->tags[i] & (1u << t)) {
				s->tagports[t * (W + 1) + net->ward[i]]++;
				s->tagports[t * (W + 1) + W]++;
			}
	for (r = 0; r < nreps; r++)
		tag_sums(net, reps[r], v + r * per);
	for (i = 0; i < per && rc == 0; i++)
		rc = bs_stat_compute(v + i, nreps, per, &s->tagstat[i]);
	free(v);
	return rc;
}
