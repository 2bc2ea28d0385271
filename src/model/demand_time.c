/*
 * demand_time.c - what varies the rates of demand.c over a run: the
 * calendar's factor per day (demand.calendar) and the demand response's
 * factor per port and hour of the day (bs_demand_set_response; the fixed
 * point itself is exp/response.c). See demand.h.
 */
#include "model/demand.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A factor as bound: 0 is a struct nobody filled (tests, the API's own
 * params), read as 1; scenarios give (0, 100]. */
static double factor_of(double f)
{
	return f > 0.0 ? f : 1.0;
}

/* Month (0 = January) of day z, in days from 1970-01-01 (H. Hinnant's
 * civil_from_days: exact for the proleptic Gregorian calendar). */
static int month_of(long z)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return (int)(mp < 10 ? mp + 2 : mp - 10);
}

/* The calendar's factor of each day of the run (and the day the queue
 * drains after the horizon), or none when every factor is 1: the rates
 * stay exactly as they were. O(days). */
int bs__demand_calendar(struct bs_demand *d, const struct bs_params *p)
{
	double wd = factor_of(p->cal_weekday), sa = factor_of(p->cal_saturday);
	double su = factor_of(p->cal_sunday);
	int m, trivial = wd == 1.0 && sa == 1.0 && su == 1.0;
	size_t k;

	for (m = 0; m < 12; m++)
		trivial = trivial && factor_of(p->cal_month[m]) == 1.0;
	if (trivial || p->demand == BS_DEMAND_TRACE)
		return 0;
	d->nday = (size_t)ceil(p->days) + 2;
	if (!(d->day_f = malloc(d->nday * sizeof(double))))
		return BS_E_NOMEM;
	for (k = 0; k < d->nday; k++) {
		int w = (int)(((size_t)p->start_weekday + k) % 7);
		double f = w < 5 ? wd : w == 5 ? sa : su;
		if (p->cal_day0 >= 0)
			f *= factor_of(p->cal_month[month_of(p->cal_day0 + (long)k)]);
		d->day_f[k] = f;
	}
	return 0;
}

/* The latent shapes, kept once: the rates as built and their owners. */
static int keep_base(struct bs_demand *d)
{
	size_t nr = d->nprof * BS_HOURS_PER_WEEK;

	if (d->base_rate)
		return 0;
	d->base_rate = malloc(nr * sizeof(double));
	d->base_prof = malloc(d->n * sizeof(uint32_t));
	if (!d->base_rate || !d->base_prof) {
		free(d->base_rate);
		free(d->base_prof);
		d->base_rate = NULL;
		d->base_prof = NULL;
		return BS_E_NOMEM;
	}
	memcpy(d->base_rate, d->rate, nr * sizeof(double));
	memcpy(d->base_prof, d->prof_of, d->n * sizeof(uint32_t));
	return 0;
}

int bs_demand_set_response(struct bs_demand *d, const double *f)
{
	size_t s, h, n = d->n;
	double *rate, *cum, *flat, shape[BS_HOURS_PER_WEEK];

	if (keep_base(d))
		return BS_E_NOMEM;
	rate = d->nprof == n ? d->rate : malloc(n * BS_HOURS_PER_WEEK * sizeof(double));
	cum = d->nprof == n ? d->cum
			    : malloc(n * (BS_HOURS_PER_WEEK + 1) * sizeof(double));
	flat = d->nprof == n ? d->flat : calloc(n, sizeof(double));
	if (!rate || !cum || !flat) {
		if (rate != d->rate)
			free(rate);
		if (cum != d->cum)
			free(cum);
		if (flat != d->flat)
			free(flat);
		return BS_E_NOMEM;
	}
	for (s = 0; s < n; s++) {
		const double *b = d->base_rate +
				  (size_t)d->base_prof[s] * BS_HOURS_PER_WEEK;
		for (h = 0; h < BS_HOURS_PER_WEEK; h++)
			shape[h] = 60.0 * b[h] * (f ? f[s * 24 + h % 24] : 1.0);
		bs__demand_fill_cum(shape, rate + s * BS_HOURS_PER_WEEK,
			 cum + s * (BS_HOURS_PER_WEEK + 1));
		d->prof_of[s] = (uint32_t)s;
	}
	if (rate != d->rate) {
		free(d->rate);
		free(d->cum);
		free(d->flat);
		d->rate = rate;
		d->cum = cum;
		d->flat = flat;
		d->nprof = n;
	}
	bs__demand_mark_flat(d);
	return 0;
}
