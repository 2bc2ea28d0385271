/*
 * demand_time.c - what varies the rates of demand.c over a run: the
 * calendar's factor per day (demand.calendar) and the demand response's
 * factor per port and hour of the day (bs_demand_set_response; the fixed
 * point itself is exp/response.c), and the inversion of the rates they
 * vary: the next arrival and the expected arrivals over an interval. See
 * demand.h.
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

/* ---- arrivals over time --------------------------------------------- */

/* Cumulative expected arrivals (per unit scale) from Monday 00:00 of week 0
 * to week time tw, returned as whole weeks k and the remainder pos; the
 * value: the hour of the week pos falls in. */
static int cumulative_h(const double *rate, const double *cum, double tw,
			double *k, double *pos)
{
	double u;
	int h;

	*k = floor(tw / BS_MINUTES_PER_WEEK);
	u = tw - *k * BS_MINUTES_PER_WEEK;
	h = (int)(u / 60.0);
	if (h > BS_HOURS_PER_WEEK - 1)
		h = BS_HOURS_PER_WEEK - 1;
	if (h < 0)
		h = 0;
	*pos = cum[h] + rate[h] * (u - 60.0 * h);
	return h;
}

static void cumulative(const double *rate, const double *cum, double tw,
		       double *k, double *pos)
{
	(void)cumulative_h(rate, cum, tw, k, pos);
}

/* The first boundary j in (lo, hi] of cum with cum[j] > target (binary
 * search); the arrival falls in hour j - 1. */
static size_t hour_above(const double *cum, size_t lo, size_t hi,
			 double target)
{
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cum[mid] > target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static double next_periodic(const struct bs_demand *d, uint32_t s,
			    double t, double e)
{
	const double *rate = d->rate + (size_t)d->prof_of[s] * BS_HOURS_PER_WEEK;
	const double *cum = d->cum + (size_t)d->prof_of[s] * (BS_HOURS_PER_WEEK + 1);
	double W = cum[BS_HOURS_PER_WEEK], sc = d->scale[s];
	double k, pos, target, tn;
	size_t lo;
	int h;

	if (!(W > 0.0) || !(sc > 0.0))
		return HUGE_VAL;
	h = cumulative_h(rate, cum, t + d->week_offset, &k, &pos);
	target = pos + e / sc;
	if (target < W && cum[h] <= target) {
		/* Most arrivals come within an hour or two of the last: look
		 * at the next few boundaries first. cum never decreases
		 * (rates and response factors are >= 0), so every boundary
		 * up to h is <= target and the first one above it is the
		 * binary search's answer over (h, 168]: the same hour. */
		int steps = 0;
		lo = (size_t)h + 1;
		while (lo < BS_HOURS_PER_WEEK && !(cum[lo] > target) &&
		       ++steps < 4)
			lo++;
		if (lo < BS_HOURS_PER_WEEK && !(cum[lo] > target))
			lo = hour_above(cum, lo, BS_HOURS_PER_WEEK, target);
	} else {
		if (target >= W) {
			double c = floor(target / W);
			target -= c * W;
			k += c;
			if (target >= W) {
				target -= W;
				k += 1.0;
			}
			if (target < 0.0)
				target = 0.0;
		}
		/* First hour boundary j with cum[j] > target; the hour is
		 * j - 1, and its rate is positive because cum rises strictly
		 * across it. */
		lo = hour_above(cum, 1, BS_HOURS_PER_WEEK, target);
	}
	tn = k * BS_MINUTES_PER_WEEK + 60.0 * (double)(lo - 1) +
	     (target - cum[lo - 1]) / rate[lo - 1] - d->week_offset;
	return tn < t ? t : tn;
}

/*
 * With a calendar: day k's rate is day_f[k] times the weekly shape, so the
 * Exp(1) variate is spent day by day (each day's mass is one difference of
 * cum) and inverted inside the day it runs out in. Cost: the days it
 * spans (one, but for stations that see an arrival less than daily).
 * Past the calendar's last day the weekly inversion takes over (factor 1).
 */
static double next_calendar(const struct bs_demand *d, uint32_t s, double t,
			    double e)
{
	const double *rate = d->rate + (size_t)d->prof_of[s] * BS_HOURS_PER_WEEK;
	const double *cum = d->cum + (size_t)d->prof_of[s] * (BS_HOURS_PER_WEEK + 1);
	double sc = d->scale[s], need, k, pos, tt = t;
	size_t day = t > 0.0 ? (size_t)(t / BS_MINUTES_PER_DAY) : 0;

	if (!(cum[BS_HOURS_PER_WEEK] > 0.0) || !(sc > 0.0))
		return HUGE_VAL;
	need = e / sc;
	for (; day < d->nday; day++) {
		double f = d->day_f[day], avail;
		size_t wd, ce, j;

		cumulative(rate, cum, tt + d->week_offset, &k, &pos);
		/* whole-day offsets: the day's hours are wd*24 .. wd*24+23 */
		wd = (size_t)(fmod((double)day * BS_MINUTES_PER_DAY + d->week_offset,
				   BS_MINUTES_PER_WEEK) / BS_MINUTES_PER_DAY + 0.5) % 7;
		ce = (wd + 1) * 24;
		avail = f * (cum[ce] - pos);
		if (need < avail) {
			double target = pos + need / f, tn;
			j = hour_above(cum, wd * 24 + 1, ce, target);
			tn = (double)day * BS_MINUTES_PER_DAY +
			     60.0 * (double)(j - 1 - wd * 24) +
			     (target - cum[j - 1]) / rate[j - 1];
			return tn < t ? t : tn;
		}
		need -= avail > 0.0 ? avail : 0.0;
		tt = (double)(day + 1) * BS_MINUTES_PER_DAY;
	}
	return next_periodic(d, s, tt, need * sc);
}

double bs__demand_next_varying(const struct bs_demand *d, uint32_t s,
			       double t, double e)
{
	if (d->day_f)
		return next_calendar(d, s, t, e);
	return next_periodic(d, s, t, e);
}

/* Expected arrivals in [t0, t1) under the calendar: day by day, each
 * day's share of the weekly shape times its factor. O(days spanned). */
static double expected_calendar(const struct bs_demand *d, uint32_t s,
				double t0, double t1)
{
	const double *rate = d->rate + (size_t)d->prof_of[s] * BS_HOURS_PER_WEEK;
	const double *cum = d->cum + (size_t)d->prof_of[s] * (BS_HOURS_PER_WEEK + 1);
	double W = cum[BS_HOURS_PER_WEEK], sum = 0.0, a = t0;

	while (a < t1) {
		double day = floor(a / BS_MINUTES_PER_DAY);
		double b = fmin(t1, (day + 1.0) * BS_MINUTES_PER_DAY);
		double f = day >= 0.0 && day < (double)d->nday
				   ? d->day_f[(size_t)day] : 1.0;
		double k0, p0, k1, p1;
		cumulative(rate, cum, a + d->week_offset, &k0, &p0);
		cumulative(rate, cum, b + d->week_offset, &k1, &p1);
		sum += f * ((k1 - k0) * W + p1 - p0);
		a = b;
	}
	return d->scale[s] * sum;
}

double bs_demand_expected(const struct bs_demand *d, uint32_t s, double t0,
			  double t1)
{
	const double *rate = d->rate + (size_t)d->prof_of[s] * BS_HOURS_PER_WEEK;
	const double *cum = d->cum + (size_t)d->prof_of[s] * (BS_HOURS_PER_WEEK + 1);
	double W = cum[BS_HOURS_PER_WEEK], k0, p0, k1, p1;

	if (d->tr_off) {
		/* trace: the logged requests in [t0, t1) */
		size_t a = d->tr_off[s], b = d->tr_off[s + 1], lo = a, hi = b, c0;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (d->tr_t[mid] < t0)
				lo = mid + 1;
			else
				hi = mid;
		}
		c0 = lo;
		hi = b;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (d->tr_t[mid] < t1)
				lo = mid + 1;
			else
				hi = mid;
		}
		return (double)(lo - c0);
	}
	if (d->day_f)
		return expected_calendar(d, s, t0, t1);
	cumulative(rate, cum, t0 + d->week_offset, &k0, &p0);
	cumulative(rate, cum, t1 + d->week_offset, &k1, &p1);
	return d->scale[s] * ((k1 - k0) * W + p1 - p0);
}
