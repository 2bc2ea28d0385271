/*
 * demand_probs.c - the destination probabilities a demand table draws
 * from (bs_demand_dest_probs, demand.h), read back exactly from its alias
 * tables for bssim calibrate od (calib/od.c): nothing here runs per
 * event.
 */
#include "model/demand.h"

#include <assert.h>

#include "model/alias.h"

/* The probabilities of one packed hourly table (dest_hcell): as
 * bs_alias_compact_probs, with each alias station found among the
 * origin's candidates idx[0..m), which hourly tables keep in increasing
 * order (sort_cands). O(m log m). */
static void packed_probs(size_t m, const uint32_t *idx,
			 const struct bs_dcell *cell, double *p)
{
	size_t i;

	for (i = 0; i < m; i++)
		p[i] = 0.0;
	for (i = 0; i < m; i++) {
		double f = (double)cell[i].F / 4294967296.0;
		size_t lo = 0, hi = m;
		while (lo + 1 < hi) { /* the last idx[] <= alias */
			size_t mid = lo + (hi - lo) / 2;
			if (idx[mid] <= cell[i].alias)
				lo = mid;
			else
				hi = mid;
		}
		assert(idx[lo] == cell[i].alias);
		if (cell[i].F == UINT32_MAX && lo == i)
			f = 1.0;
		p[i] += f / (double)m;
		if (lo != i)
			p[lo] += (1.0 - f) / (double)m;
	}
}

size_t bs_demand_dest_probs(const struct bs_demand *d, uint32_t s, int h,
			    double *p)
{
	size_t o, m, c = BS_DEMAND_NO_TABLE;

	if (d->uniform_dest || !d->dest_off)
		return 0;
	o = d->dest_off[s];
	m = d->dest_off[s + 1] - o;
	if (d->dest_hoff)
		c = *bs__dest_hoff(d, s, (size_t)h);
	if (c == BS_DEMAND_NO_TABLE)
		bs_alias_probs(m, d->dest_F + o, d->dest_A + o, p);
	else if (d->dest_hcell)
		packed_probs(m, d->dest_idx + o, d->dest_hcell + c, p);
	else
		bs_alias_compact_probs(m, d->dest_hF + c,
				       d->dest_hA16 ? d->dest_hA16 + c : NULL,
				       d->dest_hA32 ? d->dest_hA32 + c : NULL, p);
	return m;
}
