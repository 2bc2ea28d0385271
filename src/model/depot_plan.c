/*
 * depot_plan.c - building the depots (see depot.h).
 */
#include "model/depot.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"

struct bs_depots *bs_depots_new(const struct bs_network *net, size_t nmoves)
{
	struct bs_depots *d = calloc(1, sizeof(*d));
	size_t W = net->nwards, m = nmoves ? nmoves : 1;

	if (!d)
		return NULL;
	d->nwards = W;
	d->n = net->n;
	d->nmoves = nmoves;
	d->lat = calloc(W, sizeof(double));
	d->lon = calloc(W, sizeof(double));
	d->capacity = calloc(W, sizeof(uint32_t));
	d->stock = calloc(W, sizeof(uint32_t));
	d->trucks = calloc(W, sizeof(uint32_t));
	d->dist_m = calloc(W * (net->n ? net->n : 1), sizeof(double));
	d->st_off = calloc(W + 1, sizeof(size_t));
	d->st = calloc(net->n ? net->n : 1, sizeof(uint32_t));
	d->mv_t = calloc(m, sizeof(double));
	d->mv_st = calloc(m, sizeof(uint32_t));
	d->mv_delta = calloc(m, sizeof(int32_t));
	d->bring = calloc(W * 24, sizeof(double));
	d->take = calloc(W * 24, sizeof(double));
	if (!d->lat || !d->lon || !d->capacity || !d->stock || !d->trucks ||
	    !d->dist_m || !d->st_off || !d->st || !d->mv_t || !d->mv_st ||
	    !d->mv_delta || !d->bring || !d->take) {
		bs_depots_free(d);
		return NULL;
	}
	return d;
}

struct mv {
	double t;
	size_t i;
};

static int mv_cmp(const void *a, const void *b)
{
	const struct mv *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Moves by time, file order at equal times (the index breaks ties, so
 * qsort's instability does not matter). O(m log m). */
static int sort_moves(struct bs_depots *d)
{
	struct mv *o = malloc((d->nmoves ? d->nmoves : 1) * sizeof(*o));
	uint32_t *st = malloc((d->nmoves ? d->nmoves : 1) * sizeof(uint32_t));
	int32_t *dl = malloc((d->nmoves ? d->nmoves : 1) * sizeof(int32_t));
	size_t i;

	if (!o || !st || !dl) {
		free(o);
		free(st);
		free(dl);
		return BS_E_NOMEM;
	}
	for (i = 0; i < d->nmoves; i++) {
		o[i].t = d->mv_t[i];
		o[i].i = i;
	}
	qsort(o, d->nmoves, sizeof(*o), mv_cmp);
	for (i = 0; i < d->nmoves; i++) {
		st[i] = d->mv_st[o[i].i];
		dl[i] = d->mv_delta[o[i].i];
		d->mv_t[i] = o[i].t;
	}
	memcpy(d->mv_st, st, d->nmoves * sizeof(uint32_t));
	memcpy(d->mv_delta, dl, d->nmoves * sizeof(int32_t));
	free(o);
	free(st);
	free(dl);
	return 0;
}

int bs_depots_finish(struct bs_depots *d, const struct bs_network *net)
{
	size_t W = d->nwards, w, s;
	size_t *fill = calloc(W ? W : 1, sizeof(size_t));

	if (!fill)
		return BS_E_NOMEM;
	d->total_stock = d->total_capacity = 0;
	d->ntrucks = 0;
	for (w = 0; w < W; w++) {
		d->total_stock += d->stock[w];
		d->total_capacity += d->capacity[w];
		d->ntrucks += d->trucks[w];
		for (s = 0; s < net->n; s++)
			d->dist_m[w * net->n + s] = bs_distance_m(
				d->lat[w], d->lon[w], net->lat[s], net->lon[s]);
	}
	for (s = 0; s < net->n; s++)
		d->st_off[net->ward[s] + 1]++;
	for (w = 0; w < W; w++)
		d->st_off[w + 1] += d->st_off[w];
	for (s = 0; s < net->n; s++) {
		w = net->ward[s];
		d->st[d->st_off[w] + fill[w]++] = (uint32_t)s;
	}
	free(fill);
	return sort_moves(d);
}

void bs_depots_free(struct bs_depots *d)
{
	if (!d)
		return;
	free(d->lat);
	free(d->lon);
	free(d->capacity);
	free(d->stock);
	free(d->trucks);
	free(d->dist_m);
	free(d->st_off);
	free(d->st);
	free(d->mv_t);
	free(d->mv_st);
	free(d->mv_delta);
	free(d->bring);
	free(d->take);
	free(d);
}
