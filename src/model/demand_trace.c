/*
 * demand_trace.c - a trip log replayed as demand (demand.model "trace"):
 * the logged requests grouped by origin (CSR), each group sorted by time,
 * ties in log order. O(m log m) for m requests. Apart from demand.c,
 * which had grown to the house limit of a file's length.
 */
#include "model/demand.h"

#include <stdlib.h>
#include <string.h>

struct trq {
	double t;
	uint32_t d;
	size_t i; /* log order, to break ties */
};

static int cmp_trq(const void *a, const void *b)
{
	const struct trq *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int bs__demand_build_trace(struct bs_demand *d, const struct bs_demand_input *in)
{
	size_t i, n = d->n, m = in->ntrace, *fill;
	struct trq *q = malloc((m ? m : 1) * sizeof(*q));

	d->tr_off = calloc(n + 1, sizeof(size_t));
	d->tr_t = malloc((m ? m : 1) * sizeof(double));
	d->tr_dest = malloc((m ? m : 1) * sizeof(uint32_t));
	fill = calloc(n + 1, sizeof(size_t));
	if (!q || !d->tr_off || !d->tr_t || !d->tr_dest || !fill) {
		free(q);
		free(fill);
		return BS_E_NOMEM;
	}
	for (i = 0; i < m; i++)
		d->tr_off[in->tr_o[i] + 1]++;
	for (i = 0; i < n; i++)
		d->tr_off[i + 1] += d->tr_off[i];
	memcpy(fill, d->tr_off, (n + 1) * sizeof(size_t));
	for (i = 0; i < m; i++) {
		size_t k = fill[in->tr_o[i]]++;
		q[k].t = in->tr_t[i];
		q[k].d = in->tr_d[i];
		q[k].i = i;
	}
	for (i = 0; i < n; i++) {
		size_t a = d->tr_off[i], b = d->tr_off[i + 1], k;
		qsort(q + a, b - a, sizeof(*q), cmp_trq);
		for (k = a; k < b; k++) {
			d->tr_t[k] = q[k].t;
			d->tr_dest[k] = q[k].d;
		}
	}
	free(q);
	free(fill);
	return 0;
}
