/*
 * demand.c - arrival rates by hour of week, inversion of the cumulative
 * rate, and destination tables (see demand.h).
 */
#include "model/demand.h"

#include "model/alias.h"
#include "base/limits.h"
#include "model/balance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Built-in hour-of-day shapes for the gravity model (00h..23h, relative).
 * commute: two peaks in the 8 and 18 o'clock hours, as the Chuo ward report
 * gives for weekdays (see data/SOURCES.md); leisure: a broad day-time hump.
 * These are assumptions of shape only; the calibrated scenarios replace
 * them with observed profiles.
 */
const double bs_profile_commute[24] = {
	2, 1, 1, 1, 2, 6, 20, 60, 100, 60, 28, 22,
	24, 22, 22, 26, 42, 75, 95, 60, 32, 20, 12, 5};
const double bs_profile_leisure[24] = {
	4, 2, 1, 1, 1, 2, 4, 8, 14, 22, 32, 40,
	45, 46, 46, 45, 42, 38, 32, 25, 18, 13, 9, 6};


static void normalise(const double *in, double *out)
{
	double s = 0.0;
	int h;

	for (h = 0; h < 24; h++)
		s += in[h];
	for (h = 0; h < 24; h++)
		out[h] = s > 0.0 ? in[h] / s : 1.0 / 24.0;
}

/* Fill one 168-hour shape: fraction of a weekday's volume in each hour. */
static void week_shape(const struct bs_params *p, double *week)
{
	double wd[24], we[24], c[24], l[24];
	int h, day;

	if (p->demand == BS_DEMAND_UNIFORM) {
		for (h = 0; h < BS_HOURS_PER_WEEK; h++)
			week[h] = 1.0 / 24.0;
		return;
	}
	if (p->has_profile) {
		normalise(p->profile_weekday, wd);
		normalise(p->profile_weekend, we);
	} else {
		normalise(bs_profile_commute, c);
		normalise(bs_profile_leisure, l);
		for (h = 0; h < 24; h++) {
			wd[h] = p->commute_share_weekday * c[h] +
				(1.0 - p->commute_share_weekday) * l[h];
			we[h] = p->commute_share_weekend * c[h] +
				(1.0 - p->commute_share_weekend) * l[h];
		}
	}
	for (day = 0; day < 7; day++)
		for (h = 0; h < 24; h++)
			week[day * 24 + h] = day < 5 ? wd[h]
						     : p->weekend_factor * we[h];
}

void bs__demand_fill_cum(const double *shape, double *rate, double *cum)
{
	int h;

	cum[0] = 0.0;
	for (h = 0; h < BS_HOURS_PER_WEEK; h++) {
		rate[h] = shape[h] / 60.0;
		cum[h + 1] = cum[h] + shape[h];
	}
}

struct odc {
	uint32_t *idx;
	double *w;
	size_t m;
	void *work; /* alias tables' work space for maxm candidates */
	double *dd; /* balanced: the candidates' distances, as collected */
	uint32_t *pos; /* balanced: [n] where a station is in idx, or
			* UINT32_MAX */
	/* balanced: every origin's sorted candidates and distances as the
	 * counting pass found them (CSR as dest_idx), so that they are not
	 * looked up again; NULL beyond BAL_LIST_CACHE entries */
	uint32_t *cidx;
	double *cdist;
	size_t ccap;
};

/* Entries the counting pass keeps (12 bytes each: 48 MB); beyond, the
 * lists are looked up a second time instead (Tokyo: 212,166). */
#define BAL_LIST_CACHE 4000000u

static int od_count(void *ud, uint32_t s, double d)
{
	(void)s, (void)d;
	((struct odc *)ud)->m++;
	return 0;
}

static int od_add(void *ud, uint32_t s, double d)
{
	(void)d;
	((struct odc *)ud)->idx[((struct odc *)ud)->m++] = s;
	return 0;
}

/* A candidate with its distance (which bs_network_for_within computed
 * already: the same value as bs_network_dist, not computed again). */
static int od_add_dist(void *ud, uint32_t s, double d)
{
	struct odc *c = ud;

	c->pos[s] = (uint32_t)c->m;
	c->dd[c->m] = d;
	c->idx[c->m++] = s;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int not_self(const void *ud, uint32_t s)
{
	(void)ud, (void)s;
	return 1;
}

/* OD triples of the rates model, grouped by origin: CSR over a sorted
 * copy, duplicate pairs added up. */
struct od_tab {
	size_t *off; /* [n+1] */
	uint32_t *d;
	double *w;
};

struct od_ent {
	uint32_t o, d;
	double w;
};

static int cmp_od(const void *a, const void *b)
{
	const struct od_ent *x = a, *y = b;

	if (x->o != y->o)
		return x->o < y->o ? -1 : 1;
	return (x->d > y->d) - (x->d < y->d);
}

static int od_group(const struct bs_demand_input *in, size_t n,
		    struct od_tab *t)
{
	struct od_ent *e = malloc((in->nod ? in->nod : 1) * sizeof(*e));
	size_t i, k = 0;

	t->off = calloc(n + 1, sizeof(size_t));
	t->d = malloc((in->nod ? in->nod : 1) * sizeof(uint32_t));
	t->w = malloc((in->nod ? in->nod : 1) * sizeof(double));
	if (!e || !t->off || !t->d || !t->w) {
		free(e);
		return BS_E_NOMEM;
	}
	for (i = 0; i < in->nod; i++) {
		e[i].o = in->od_o[i];
		e[i].d = in->od_d[i];
		e[i].w = in->od_w[i];
	}
	qsort(e, in->nod, sizeof(*e), cmp_od);
	for (i = 0; i < in->nod; i++) {
		if (k > 0 && e[i].o == e[i - 1].o && e[i].d == e[i - 1].d) {
			t->w[k - 1] += e[i].w;
			continue;
		}
		t->d[k] = e[i].d;
		t->w[k] = e[i].w;
		t->off[e[i].o + 1]++;
		k++;
	}
	for (i = 0; i < n; i++)
		t->off[i + 1] += t->off[i];
	free(e);
	return 0;
}

static double od_total(const struct od_tab *t, size_t s)
{
	double sum = 0.0;
	size_t k;

	if (!t->off)
		return 0.0;
	for (k = t->off[s]; k < t->off[s + 1]; k++)
		sum += t->w[k];
	return sum;
}

/* The alias table of origin s over its candidates' weights w, in place in
 * the CSR arrays (no allocation). Weights are finite and non-negative by
 * construction; a sum that is not positive and finite (weights of 1e308
 * that add up to inf) is refused rather than drawn from. */
static int alias_of(struct bs_demand *d, size_t s, const double *w,
		    void *work, struct bs_error *err)
{
	size_t o = d->dest_off[s], m = d->dest_off[s + 1] - o;

	if (bs_alias_build(m, w, d->dest_F + o, d->dest_A + o, work) == 0)
		return 0;
	bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "demand",
		     "the destination weights of station %zu do not add up to a positive finite number; expected smaller arrivals or attractions",
		     s + 1);
	return BS_E_INPUT;
}

/* The m candidates collected in c, by index, into idx and dist (and
 * c->pos cleared again). Tokyo's origins reach nearly every station, so
 * a long list is read off the station-indexed positions, O(n); a short
 * one is sorted, O(m log m). Either way the same order, so the same
 * tables. */
static void sort_cands(struct odc *c, size_t n, uint32_t *idx, double *dist)
{
	size_t k, j = 0;

	if (c->m * 16 < n) /* short: sort, then read off in that order */
		qsort(c->idx, c->m, sizeof(uint32_t), cmp_u32);
	for (k = 0; k < (c->m * 16 < n ? c->m : n) && j < c->m; k++) {
		uint32_t x = c->m * 16 < n ? c->idx[k] : (uint32_t)k;
		if (c->pos[x] == UINT32_MAX)
			continue;
		idx[j] = x;
		dist[j++] = c->dd[c->pos[x]];
		c->pos[x] = UINT32_MAX;
	}
}

/* Keep origin s's m candidates (found by the counting pass in c->idx,
 * c->dd; an OD row, or the nearest station when m is 0) at cache offset
 * at, sorted; drop the cache when it would pass BAL_LIST_CACHE or cannot
 * grow (the lists are then looked up again). Clears c->pos. */
static void cache_row(struct odc *c, const struct bs_network *net,
		      const struct od_tab *od, size_t s, size_t at)
{
	size_t k, m = c->m ? c->m : 1, odm = od_total(od, s) > 0.0;

	if (c->cidx && at + m > c->ccap) {
		size_t cap = 2 * (at + m);
		uint32_t *ni = at + m <= BAL_LIST_CACHE ? realloc(c->cidx, cap * sizeof(uint32_t)) : NULL;
		double *nd = ni ? realloc(c->cdist, cap * sizeof(double)) : NULL;
		c->cidx = ni ? ni : c->cidx;
		c->cdist = nd ? nd : c->cdist;
		c->ccap = nd ? cap : c->ccap;
		if (!nd) {
			free(c->cidx);
			free(c->cdist);
			c->cidx = NULL;
			c->cdist = NULL;
		}
	}
	if (!c->cidx) {
		for (k = 0; k < c->m && !odm; k++)
			c->pos[c->idx[k]] = UINT32_MAX;
		return;
	}
	if (odm) {
		for (k = 0; k < m; k++) {
			c->cidx[at + k] = od->d[od->off[s] + k];
			c->cdist[at + k] = 0.0;
		}
	} else if (c->m == 0) {
		double dd;
		c->cidx[at] = bs_network_nearest(net, (uint32_t)s, 0, not_self, NULL, &dd);
		c->cdist[at] = bs_network_dist(net, (uint32_t)s, c->cidx[at]);
	} else {
		sort_cands(c, net->n, c->cidx + at, c->cdist + at);
	}
}

/* The size of every origin's candidate list (an OD table's row, or the
 * stations within max_trip_m), the tables and the scratch for the
 * largest (balanced: the lists themselves, cache_row). 0, BS_E_NOMEM, or
 * BS_E_LIMIT with err filled. */
static int size_tables(struct bs_demand *d, const struct bs_network *net,
		       const struct bs_params *p,
		       const struct bs_demand_input *in, struct od_tab *od,
		       struct odc *c, struct bs_error *err)
{
	size_t s, total = 0, maxm = 0;

	int bal = in && in->balance && in->arr;

	d->dest_off = calloc(net->n + 1, sizeof(size_t));
	if (!d->dest_off)
		return BS_E_NOMEM;
	if (in && in->nod && od_group(in, net->n, od))
		return BS_E_NOMEM;
	if (bal) {
		c->idx = malloc(net->n * sizeof(uint32_t));
		c->dd = malloc(net->n * sizeof(double));
		c->pos = malloc(net->n * sizeof(uint32_t));
		c->cidx = malloc(1024 * sizeof(uint32_t));
		c->cdist = malloc(1024 * sizeof(double));
		c->ccap = 1024;
		if (!c->idx || !c->dd || !c->pos || !c->cidx || !c->cdist)
			return BS_E_NOMEM;
		memset(c->pos, 0xff, net->n * sizeof(uint32_t));
	}
	for (s = 0; s < net->n; s++) {
		c->m = 0;
		if (od_total(od, s) > 0.0)
			c->m = od->off[s + 1] - od->off[s];
		else
			bs_network_for_within(net, (uint32_t)s, p->max_trip_m,
					      bal ? od_add_dist : od_count, c);
		if (bal)
			cache_row(c, net, od, s, total);
		if (c->m == 0)
			c->m = 1; /* falls back to the nearest other station */
		total += c->m;
		if (c->m > maxm)
			maxm = c->m;
		if (total > BS_MAX_OD_ENTRIES) {
			bs_error_set(err, BS_E_LIMIT, NULL, 0, 0,
				     "demand.max_trip_m",
				     "the gravity destination tables would exceed %u entries for %zu stations; expected a smaller max_trip_m",
				     BS_MAX_OD_ENTRIES, net->n);
			return BS_E_LIMIT;
		}
		d->dest_off[s + 1] = total;
	}
	d->dest_idx = malloc(total * sizeof(uint32_t));
	d->dest_F = malloc(total * sizeof(double));
	d->dest_A = malloc(total * sizeof(uint32_t));
	if (!bal)
		c->idx = malloc(maxm * sizeof(uint32_t));
	c->w = malloc(maxm * sizeof(double));
	c->work = malloc(bs_alias_compact_work_size(maxm)); /* the larger */
	if (!d->dest_idx || !d->dest_F || !d->dest_A || !c->idx || !c->w ||
	    !c->work)
		return BS_E_NOMEM;
	if (c->cidx)
		memcpy(d->dest_idx, c->cidx, total * sizeof(uint32_t));
	return 0;
}

/* Candidates of every origin (sorted by index; the nearest other station
 * when none is within max_trip_m, an OD table's row for the origins it
 * lists) with their distance (0 on OD rows, which the fit leaves out)
 * and their kernel: exp(-dist / decay), or the table's trips. */
static void balanced_lists(struct bs_demand *d, const struct bs_network *net,
			   const struct bs_params *p, const struct od_tab *od,
			   const double *wf, struct odc *c, double *kern,
			   double *dist)
{
	size_t s, k;

	for (s = 0; s < net->n; s++) {
		size_t o = d->dest_off[s];
		uint32_t *idx = d->dest_idx + o;
		d->dest_od[s] = od_total(od, s) > 0.0;
		c->m = 0;
		if (d->dest_od[s]) {
			c->m = od->off[s + 1] - od->off[s];
			for (k = 0; k < c->m; k++) {
				idx[k] = od->d[od->off[s] + k];
				kern[o + k] = od->w[od->off[s] + k];
				dist[o + k] = 0.0;
			}
			continue;
		}
		if (c->cidx) { /* kept by the counting pass */
			c->m = d->dest_off[s + 1] - o;
			memcpy(dist + o, c->cdist + o, c->m * sizeof(double));
		} else {
			bs_network_for_within(net, (uint32_t)s, p->max_trip_m,
					      od_add_dist, c);
			if (c->m == 0) {
				double dd;
				idx[0] = bs_network_nearest(net, (uint32_t)s, 0,
							    not_self, NULL, &dd);
				dist[o] = bs_network_dist(net, (uint32_t)s, idx[0]);
				c->m = 1;
			} else {
				sort_cands(c, net->n, idx, dist + o);
			}
		}
		for (k = 0; k < c->m; k++)
			kern[o + k] = exp(-dist[o + k] / p->decay_m);
		if (wf)
			for (k = 0; k < c->m; k++)
				kern[o + k] *= wf[(size_t)net->ward[s] * net->nwards +
						  net->ward[idx[k]]];
	}
}

/* The all-day table of every origin of the balanced model (an OD row's
 * trips, else arrivals per day (docks without them) x kern: what
 * bs_demand_dest draws from). */
static int balanced_day(struct bs_demand *d, const struct bs_network *net,
			const double *attr, const double *kern, struct odc *c,
			struct bs_error *err)
{
	size_t s, k;
	int rc = 0;

	for (s = 0; s < net->n && !rc; s++) {
		size_t o = d->dest_off[s], m = d->dest_off[s + 1] - o;
		double wsum = 0.0;
		for (k = 0; k < m; k++) {
			uint32_t x = d->dest_idx[o + k];
			c->w[k] = d->dest_od[s] ? kern[o + k]
				: (attr ? attr[x] : (double)net->cap[x]) * kern[o + k];
			wsum += c->w[k];
		}
		if (!(wsum > 0.0))
			for (k = 0; k < m; k++)
				c->w[k] = 1.0; /* nobody arrives near: any */
		rc = alias_of(d, s, c->w, c->work, err);
	}
	return rc;
}

/* Origin s's weights in hour h into c->w (w(d, h) x kern); their sum. */
static double hour_weights(const struct bs_demand *d, const double *kern,
			   struct odc *c, size_t s, size_t h)
{
	size_t o = d->dest_off[s], m = d->dest_off[s + 1] - o, k;
	double wsum = 0.0;

	for (k = 0; k < m; k++) {
		c->w[k] = d->dest_w[(size_t)d->dest_idx[o + k] * 24 + h] * kern[o + k];
		wsum += c->w[k];
	}
	return wsum;
}

/* Origin s's table for hour h into F and A16 or A32, when it has one
 * (requests in that hour, off the OD table, some weight): 1; else 0 and
 * dest_hoff says BS_DEMAND_NO_TABLE (the caller sets it when 1). */
static int hour_table(struct bs_demand *d, const double *dep,
		      const double *kern, struct odc *c, size_t s, size_t h,
		      uint32_t *F, uint16_t *A16, uint32_t *A32)
{
	size_t m = d->dest_off[s + 1] - d->dest_off[s];

	*bs__dest_hoff(d, s, h) = BS_DEMAND_NO_TABLE;
	if (d->dest_od[s] || !(dep[s * 24 + h] > 0.0))
		return 0;
	return hour_weights(d, kern, c, s, h) > 0.0 &&
	       bs_alias_build_compact(m, c->w, F, A16, A32, c->work) == 0;
}

/* balanced_hours for networks whose station ids fit 16 bits: the same
 * compact tables, built per origin and hour into scratch and packed into
 * dest_hcell with the stations they stand for (demand.h). */
static int packed_hours(struct bs_demand *d, const struct bs_network *net,
			const double *dep, const double *kern, struct odc *c,
			size_t cells, size_t maxm)
{
	uint32_t *F = malloc((maxm ? maxm : 1) * sizeof(uint32_t));
	uint16_t *A = malloc((maxm ? maxm : 1) * sizeof(uint16_t));
	size_t s, k, h, at = 0;
	int rc = 0;

	d->dest_hcell = bs_big_calloc(cells ? cells : 1, sizeof(struct bs_dcell));
	if (!F || !A || !d->dest_hcell) {
		rc = BS_E_NOMEM;
		goto out;
	}
	for (h = 0; h < 24; h++) {
		for (s = 0; s < net->n; s++) {
			size_t o = d->dest_off[s], m = d->dest_off[s + 1] - o;
			if (!hour_table(d, dep, kern, c, s, h, F, A, NULL))
				continue;
			for (k = 0; k < m; k++) {
				struct bs_dcell *x = &d->dest_hcell[at + k];
				x->F = F[k];
				x->self = (uint16_t)d->dest_idx[o + k];
				x->alias = (uint16_t)d->dest_idx[o + A[k]];
			}
			*bs__dest_hoff(d, s, h) = at;
			at += m;
		}
	}
out:
	free(F);
	free(A);
	return rc;
}

/* The hourly tables: for origins off the OD table, one per hour with
 * requests over w(d, h) x kern (compact, alias.h). An hour in which none
 * of o's candidates has weight (nobody arrives near o then or in the next
 * hour) keeps BS_DEMAND_NO_TABLE: the all-day table. Memory: 6 bytes per
 * candidate and hour with requests (Tokyo: 3.27 million, 19.6 MB); hours
 * without requests (a third of Tokyo's, most at night) cost nothing, as
 * no request is ever drawn in them. */
static int balanced_hours(struct bs_demand *d, const struct bs_network *net,
			  const double *dep, const double *kern, struct odc *c)
{
	size_t s, h, cells = 0, maxm = 0, at = 0;

	d->dest_hoff = malloc(net->n * 24 * sizeof(size_t));
	if (!d->dest_hoff)
		return BS_E_NOMEM;
	for (s = 0; s < net->n; s++) {
		size_t m = d->dest_off[s + 1] - d->dest_off[s];
		maxm = m > maxm ? m : maxm;
		for (h = 0; h < 24; h++)
			if (!d->dest_od[s] && dep[s * 24 + h] > 0.0)
				cells += m;
	}
	if (net->n <= UINT16_MAX + (size_t)1)
		return packed_hours(d, net, dep, kern, c, cells, maxm);
	d->dest_hF = malloc((cells ? cells : 1) * sizeof(uint32_t));
	if (maxm <= BS_ALIAS16_MAX_K)
		d->dest_hA16 = malloc((cells ? cells : 1) * sizeof(uint16_t));
	else
		d->dest_hA32 = malloc((cells ? cells : 1) * sizeof(uint32_t));
	if (!d->dest_hF || (!d->dest_hA16 && !d->dest_hA32))
		return BS_E_NOMEM;
	for (s = 0; s < net->n; s++) {
		size_t o = d->dest_off[s], m = d->dest_off[s + 1] - o;
		for (h = 0; h < 24; h++) {
			if (!hour_table(d, dep, kern, c, s, h, d->dest_hF + at,
					d->dest_hA16 ? d->dest_hA16 + at : NULL,
					d->dest_hA32 ? d->dest_hA32 + at : NULL))
				continue;
			*bs__dest_hoff(d, s, h) = at;
			at += m;
		}
	}
	return 0;
}

/*
 * The rates model balanced by the hour of arrival (balance.c): an alias
 * table per origin and hour of the request, so a draw is one uniform and
 * exact. Built once per world and shared read-only by every replication
 * and thread; the fit's work space (about 20 bytes per candidate pair)
 * and the distances are freed before the tables are built.
 */
static int build_balanced(struct bs_demand *d, const struct bs_network *net,
			  const struct bs_params *p,
			  const struct bs_demand_input *in,
			  const struct od_tab *od, struct odc *c,
			  struct bs_error *err)
{
	size_t s, nod = 0, total = d->dest_off[net->n];
	int rc = BS_E_NOMEM;
	double *kern = malloc(total * sizeof(double));
	double *dist = malloc(total * sizeof(double));

	d->dest_od = calloc(net->n, 1);
	d->dest_w = calloc(net->n * 24, sizeof(double));
	if (!kern || !dist || !d->dest_od || !d->dest_w)
		goto out;
	balanced_lists(d, net, p, od, in->ward_f, c, kern, dist);
	free(c->cidx); /* read: 12 bytes an entry less at the peak */
	free(c->cdist);
	c->cidx = NULL;
	c->cdist = NULL;
	for (s = 0; s < net->n; s++)
		nod += d->dest_od[s];
	rc = 0;
	if (nod < net->n)
		rc = bs__balance_arrivals(d, net, p, kern, dist, in, d->dest_w,
					  &d->balance_residual,
					  &d->balance_passes);
	free(dist);
	dist = NULL;
	if (!rc)
		rc = balanced_day(d, net, in->attr, kern, c, err);
	if (!rc && nod < net->n)
		rc = balanced_hours(d, net, in->dep, kern, c);
out:
	free(kern);
	free(dist);
	if (nod == net->n) {
		/* every origin on the OD table: nothing to balance */
		free(d->dest_od);
		d->dest_od = NULL;
		free(d->dest_w);
		d->dest_w = NULL;
	}
	return rc;
}

/* Plain gravity (attractiveness x decay), or the OD table's weights. */
static int build_plain(struct bs_demand *d, const struct bs_network *net,
		       const struct bs_params *p, const double *attr,
		       const double *wf, const struct od_tab *od,
		       struct odc *c, struct bs_error *err)
{
	size_t s;
	int rc = 0;

	for (s = 0; s < net->n && !rc; s++) {
		size_t k;
		double wsum = 0.0;
		if (od_total(od, s) > 0.0) {
			/* sorted by destination already */
			c->m = od->off[s + 1] - od->off[s];
			for (k = 0; k < c->m; k++) {
				c->idx[k] = od->d[od->off[s] + k];
				c->w[k] = od->w[od->off[s] + k];
				d->dest_idx[d->dest_off[s] + k] = c->idx[k];
			}
			rc = alias_of(d, s, c->w, c->work, err);
			continue;
		}
		c->m = 0;
		bs_network_for_within(net, (uint32_t)s, p->max_trip_m, od_add,
				      c);
		if (c->m == 0) {
			double dd;
			c->idx[0] = bs_network_nearest(net, (uint32_t)s, 0,
						      not_self, NULL, &dd);
			c->w[0] = 1.0;
			c->m = 1;
		}
		/* Grid order depends on cell layout; sort by index so the
		 * table, and so every draw, is independent of it. */
		qsort(c->idx, c->m, sizeof(uint32_t), cmp_u32);
		for (k = 0; k < c->m; k++) {
			double dist = bs_network_dist(net, (uint32_t)s, c->idx[k]);
			double a = attr ? attr[c->idx[k]] : (double)net->cap[c->idx[k]];
			c->w[k] = c->m == 1 && dist > p->max_trip_m
					 ? 1.0
					 : a * exp(-dist / p->decay_m);
			if (wf) /* folded in here: the draw stays one uniform */
				c->w[k] *= wf[(size_t)net->ward[s] * net->nwards +
					      net->ward[c->idx[k]]];
			if (!(c->w[k] > 0.0))
				c->w[k] = attr && !(a > 0.0) ? 0.0 : 1e-300; /* far beyond decay: tiny, legal */
			wsum += c->w[k];
			d->dest_idx[d->dest_off[s] + k] = c->idx[k];
		}
		if (!(wsum > 0.0)) {
			/* no candidate attracts anyone (no arrivals nearby):
			 * fall back to docks, so every user has a destination */
			for (k = 0; k < c->m; k++) {
				double dist = bs_network_dist(net, (uint32_t)s, c->idx[k]);
				c->w[k] = (double)net->cap[c->idx[k]] * exp(-dist / p->decay_m);
				if (!(c->w[k] > 0.0))
					c->w[k] = 1e-300;
			}
		}
		rc = alias_of(d, s, c->w, c->work, err);
	}
	return rc;
}

/*
 * Destination tables. Gravity: weight attr(d) * exp(-dist / decay_m) over
 * the stations within max_trip_m, attr = docks unless the rates model
 * gives arrivals. Origins an OD table lists (with a positive total) use
 * its weights instead, their own station included (round trips).
 */
static int build_gravity_od(struct bs_demand *d, const struct bs_network *net,
			    const struct bs_params *p,
			    const struct bs_demand_input *in,
			    struct bs_error *err)
{
	struct odc c = {NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0};
	struct od_tab od = {NULL, NULL, NULL};
	int rc = size_tables(d, net, p, in, &od, &c, err);

	if (!rc)
		rc = in && in->balance && in->arr
			     ? build_balanced(d, net, p, in, &od, &c, err)
			     : build_plain(d, net, p, in ? in->attr : NULL,
					   in ? in->ward_f : NULL, &od, &c, err);
	free(c.work);
	free(c.idx);
	free(c.w);
	free(c.dd);
	free(c.pos);
	free(c.cidx);
	free(c.cdist);
	free(od.off);
	free(od.d);
	free(od.w);
	return rc;
}

/* Each port's round-trip share: the rates CSV's where it gives one, else
 * demand.round_trip_share; none at all (every share 0) leaves round_p
 * NULL, and then no round-trip stream is drawn. */
static int round_trips(struct bs_demand *d, const struct bs_network *net,
		       const struct bs_params *p, const struct bs_demand_input *in)
{
	const double *col = in ? in->round_share : NULL;
	int any = 0;
	size_t s;

	for (s = 0; s < net->n && !any; s++)
		any = (col && !isnan(col[s]) ? col[s] : p->round_trip_share) > 0.0;
	if (!any)
		return 0;
	if (!(d->round_p = malloc(net->n * sizeof(double))))
		return BS_E_NOMEM;
	for (s = 0; s < net->n; s++)
		d->round_p[s] = col && !isnan(col[s]) ? col[s] : p->round_trip_share;
	d->round_min = p->round_trip_min > 0.0 ? p->round_trip_min
					       : BS_ROUND_TRIP_MIN;
	return 0;
}

/* A profile with one rate all week needs no inversion: the next arrival is
 * t + e / rate (exact; the general path would give the same time up to
 * rounding, at five times the cost). */
void bs__demand_mark_flat(struct bs_demand *d)
{
	size_t k, h, s;

	for (k = 0; k < d->nprof; k++) {
		const double *r = d->rate + k * BS_HOURS_PER_WEEK;
		d->flat[k] = r[0];
		for (h = 1; h < BS_HOURS_PER_WEEK; h++)
			if (r[h] != r[0])
				d->flat[k] = 0.0;
	}
	for (s = 0; s < d->n; s++) {
		double rate = d->scale[s] * d->flat[d->prof_of[s]];
		/* a calendar varies every rate by day: the general path */
		d->inv_flat[s] = rate > 0.0 && !d->day_f ? 1.0 / rate : 0.0;
	}
}

struct bs_demand *bs_demand_new(const struct bs_network *net,
				const struct bs_params *p,
				struct bs_error *err)
{
	return bs_demand_new_from(net, p, NULL, err);
}

struct bs_demand *bs_demand_new_from(const struct bs_network *net,
				     const struct bs_params *p,
				     const struct bs_demand_input *in,
				     struct bs_error *err)
{
	struct bs_demand *d = calloc(1, sizeof(*d));
	double week[BS_HOURS_PER_WEEK];
	size_t s;
	int rc = 0;

	if (!d)
		goto nomem;
	d->kind = p->demand;
	d->n = net->n;
	d->week_offset = p->start_weekday * BS_MINUTES_PER_DAY;
	/* rates: one shape per station (168 + 169 doubles each, 2.7 kB) */
	d->nprof = p->demand == BS_DEMAND_RATES ? net->n : 1;
	d->rate = malloc(d->nprof * BS_HOURS_PER_WEEK * sizeof(double));
	d->cum = malloc(d->nprof * (BS_HOURS_PER_WEEK + 1) * sizeof(double));
	d->prof_of = calloc(net->n, sizeof(uint32_t));
	d->scale = malloc(net->n * sizeof(double));
	d->flat = calloc(d->nprof, sizeof(double));
	d->inv_flat = calloc(net->n, sizeof(double));
	if (!d->rate || !d->cum || !d->prof_of || !d->scale || !d->flat ||
	    !d->inv_flat)
		goto nomem;
	week_shape(p, week);
	bs__demand_fill_cum(week, d->rate, d->cum);
	if (p->demand == BS_DEMAND_RATES) {
		for (s = 0; s < net->n; s++) {
			int day, h;
			for (day = 0; day < 7; day++)
				for (h = 0; h < 24; h++)
					week[day * 24 + h] =
						in->dep[s * 24 + (size_t)h] *
						(day < 5 ? 1.0 : p->weekend_factor);
			bs__demand_fill_cum(week, d->rate + s * BS_HOURS_PER_WEEK,
				 d->cum + s * (BS_HOURS_PER_WEEK + 1));
			d->prof_of[s] = (uint32_t)s;
			d->scale[s] = 1.0;
		}
		rc = build_gravity_od(d, net, p, in, err);
	} else if (p->demand == BS_DEMAND_TRACE) {
		/* no Poisson arrivals: a zero shape makes bs_demand_next
		 * answer "never" should anyone ask */
		for (s = 0; s < net->n; s++)
			d->scale[s] = 0.0;
		rc = bs__demand_build_trace(d, in);
	} else if (p->demand == BS_DEMAND_UNIFORM) {
		for (s = 0; s < net->n; s++)
			d->scale[s] = p->rate_per_station_per_hour * 24.0;
		d->uniform_dest = 1;
	} else {
		for (s = 0; s < net->n; s++)
			d->scale[s] = p->trips_per_day * (double)net->cap[s] /
				      (double)net->total_docks;
		rc = build_gravity_od(d, net, p, in, err);
	}
	if (!rc && p->demand != BS_DEMAND_TRACE &&
	    (rc = round_trips(d, net, p, in)) == BS_E_NOMEM)
		goto nomem;
	if (!rc)
		rc = bs__demand_calendar(d, p);
	bs__demand_mark_flat(d);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc) {
		bs_demand_free(d);
		return NULL;
	}
	return d;
nomem:
	bs_demand_free(d);
	bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, "demand",
		     "out of memory building the demand tables");
	return NULL;
}

void bs_demand_free(struct bs_demand *d)
{
	if (!d)
		return;
	free(d->dest_F);
	free(d->dest_A);
	free(d->dest_off);
	free(d->dest_idx);
	free(d->rate);
	free(d->cum);
	free(d->prof_of);
	free(d->scale);
	free(d->flat);
	free(d->inv_flat);
	free(d->tr_off);
	free(d->tr_t);
	free(d->tr_dest);
	free(d->dest_hoff);
	free(d->dest_hF);
	free(d->dest_hA16);
	free(d->dest_hA32);
	free(d->dest_hcell);
	free(d->dest_w);
	free(d->dest_od);
	free(d->day_f);
	free(d->base_rate);
	free(d->base_prof);
	free(d->round_p);
	free(d);
}
