/*
 * calibrate.c - demand from a status series or a trip log (see
 * calibrate.h).
 */
#include "calib/calibrate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/limits.h"
#include "input/stations.h"
#include "input/triplog.h"

/* A station-hour observed less than this many minutes is imputed. */
#define MIN_OBS_MIN 30.0

static int alloc_rates(struct bs_rates *r, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->n = n;
	r->dep = calloc(n * 24, sizeof(double));
	r->arr = calloc(n * 24, sizeof(double));
	r->truck_pick = calloc(n * 24, sizeof(double));
	r->truck_drop = calloc(n * 24, sizeof(double));
	if (!r->dep || !r->arr || !r->truck_pick || !r->truck_drop) {
		bs_rates_release(r);
		return BS_E_NOMEM;
	}
	return 0;
}

void bs_rates_release(struct bs_rates *r)
{
	if (!r)
		return;
	free(r->dep);
	free(r->arr);
	free(r->truck_pick);
	free(r->truck_drop);
	free(r->od_o);
	free(r->od_d);
	free(r->od_trips);
	memset(r, 0, sizeof(*r));
}

int bs_calibrate_status(const struct bs_network *net,
			const struct bs_status *s, const char *file,
			const struct bs_calib_opts *o, struct bs_rates *out,
			struct bs_error *err)
{
	size_t n = net->n, i, k, h;
	double *obs = NULL, prof[24], profsum = 0.0;
	int rc;

	for (i = 0; i < s->nst; i++)
		if (bs_network_find(net, s->ids[i]) == BS_NO_STATION) {
			if (s->folder) {
				bs_error_set(err, BS_E_INPUT, file, 0, 0, "station_id",
					     "station '%s' (first in file %ld of the folder, by name) is not in the network; expected a status series of the network's stations",
					     s->ids[i], s->first_row[i]);
				return BS_E_INPUT;
			}
			bs_error_row(err, file, s->first_row[i], "station_id",
				     "station '%s' is not in the network; expected a status series of the network's stations (import it with the same --wards, or check the stations file)",
				     s->ids[i]);
			return BS_E_INPUT;
		}
	if ((rc = alloc_rates(out, n)))
		goto nomem;
	obs = calloc(n * 24, sizeof(double));
	if (!obs)
		goto nomem;
	for (i = 0; i < s->nst; i++) {
		uint32_t st = bs_network_find(net, s->ids[i]);
		double *dep = out->dep + (size_t)st * 24, *arr = out->arr + (size_t)st * 24;
		double *tp = out->truck_pick + (size_t)st * 24;
		double *td = out->truck_drop + (size_t)st * 24;
		for (k = s->off[i] + 1; k < s->off[i + 1]; k++) {
			int32_t gap = s->minute[k] - s->minute[k - 1];
			int32_t d = s->bikes[k] - s->bikes[k - 1];
			if (gap <= 0 || (double)gap > o->max_gap_min)
				continue;
			h = (size_t)(s->minute[k] / 60) % 24;
			obs[(size_t)st * 24 + h] += gap;
			if (d <= -o->truck_jump)
				tp[h] -= d;
			else if (d >= o->truck_jump)
				td[h] += d;
			else if (d < 0)
				dep[h] -= d;
			else
				arr[h] += d;
		}
	}
	/* counts per observed hour; the network's hour profile for imputing */
	for (h = 0; h < 24; h++) {
		double c = 0.0, m = 0.0;
		for (i = 0; i < n; i++) {
			if (obs[i * 24 + h] < MIN_OBS_MIN)
				continue;
			c += out->dep[i * 24 + h];
			m += obs[i * 24 + h];
		}
		prof[h] = m > 0.0 ? c / m : 0.0; /* departures per station-minute */
		profsum += prof[h];
	}
	for (i = 0; i < n; i++) {
		double seen_dep = 0.0, seen_arr = 0.0, seen_prof = 0.0;
		size_t nseen = 0;
		for (h = 0; h < 24; h++) {
			double m = obs[i * 24 + h];
			if (m < MIN_OBS_MIN)
				continue;
			nseen++;
			out->dep[i * 24 + h] *= 60.0 / m;
			out->arr[i * 24 + h] *= 60.0 / m;
			out->truck_pick[i * 24 + h] *= 60.0 / m;
			out->truck_drop[i * 24 + h] *= 60.0 / m;
			seen_dep += out->dep[i * 24 + h];
			seen_arr += out->arr[i * 24 + h];
			seen_prof += prof[h];
		}
		if (nseen == 24)
			continue;
		if (nseen == 0) {
			bs_warn(&out->warn,
				"station %s (%s) has no usable observations; it gets no demand",
				net->ids[i], net->names[i]);
			for (h = 0; h < 24; h++)
				out->dep[i * 24 + h] = out->arr[i * 24 + h] = 0.0;
			continue;
		}
		bs_warn(&out->warn,
			"station %s (%s) was observed in %zu of 24 hours; the others are imputed from its observed hours and the network's hour profile",
			net->ids[i], net->names[i], nseen);
		for (h = 0; h < 24; h++) {
			double share;
			if (obs[i * 24 + h] >= MIN_OBS_MIN)
				continue;
			share = seen_prof > 0.0 ? prof[h] / seen_prof : 0.0;
			out->dep[i * 24 + h] = seen_dep * share;
			out->arr[i * 24 + h] = seen_arr * share;
			out->truck_pick[i * 24 + h] = 0.0;
			out->truck_drop[i * 24 + h] = 0.0;
			out->imputed++;
		}
	}
	(void)profsum;
	out->days = 1.0;
	free(obs);
	return 0;
nomem:
	free(obs);
	bs_rates_release(out);
	bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
	return BS_E_NOMEM;
}

/* ---- soft capacity ---------------------------------------------------------- */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* The most frequent of v[0..n) (sorted in place; ties to the larger).
 * n > 0. O(n log n). */
static int32_t mode_of(int32_t *v, size_t n)
{
	size_t i, run = 1, best = 0;
	int32_t m = v[0];

	qsort(v, n, sizeof(*v), cmp_i32);
	for (i = 1; i <= n; i++) {
		if (i < n && v[i] == v[i - 1]) {
			run++;
			continue;
		}
		if (run >= best) { /* >=: a later (larger) value wins a tie */
			best = run;
			m = v[i - 1];
		}
		run = 1;
	}
	return m;
}

/* Published capacity and physical limit of series station i (see
 * calibrate.h); tmp holds its observations. */
static void soft_of(const struct bs_status *s, size_t i, int32_t *tmp,
		    uint32_t *cap, uint32_t *lim, int *clamped)
{
	size_t k, nfree = 0;
	int32_t most = 0, least = INT32_MAX, c;

	for (k = s->off[i]; k < s->off[i + 1]; k++) {
		int32_t bd = s->bikes[k] + s->docks[k]; /* each <= 100000 */
		if (s->docks[k] > 0)
			tmp[nfree++] = bd;
		if (bd < least)
			least = bd;
		if (s->bikes[k] > most)
			most = s->bikes[k];
	}
	c = nfree ? mode_of(tmp, nfree) : least;
	if (c < 1)
		c = 1; /* a port showing 0 bikes and 0 docks: one dock */
	*clamped = c > (int32_t)BS_MAX_CAPACITY;
	if (*clamped)
		c = (int32_t)BS_MAX_CAPACITY;
	*cap = (uint32_t)c;
	*lim = most > c ? (uint32_t)most : (uint32_t)c;
}

int bs_status_soft_capacity(const struct bs_network *net,
			    const struct bs_status *s,
			    const char *stations_file, uint32_t *cap,
			    uint32_t *lim, struct bs_warnings *warn,
			    struct bs_error *err)
{
	size_t i, most = 1;
	int32_t *tmp;

	/* every port observed (O(n log n)), before any work */
	for (i = 0; i < net->n; i++)
		if (bs_status_find(s, net->ids[i]) < 0) {
			bs_error_row(err, stations_file, (long)i + 2, "station_id",
				     "station '%s' is not in the status series; expected every port of the stations file observed (its published capacity comes from the series)",
				     net->ids[i]);
			return BS_E_INPUT;
		}
	for (i = 0; i < s->nst; i++)
		if (s->off[i + 1] - s->off[i] > most)
			most = s->off[i + 1] - s->off[i];
	if (!(tmp = malloc(most * sizeof(*tmp)))) {
		bs_error_set(err, BS_E_NOMEM, stations_file, 0, 0, NULL,
			     "out of memory (soft capacity: a port's observations)");
		return BS_E_NOMEM;
	}
	for (i = 0; i < net->n; i++) {
		int clamped;
		soft_of(s, (size_t)bs_status_find(s, net->ids[i]), tmp, &cap[i],
			&lim[i], &clamped);
		if (clamped)
			bs_warn(warn,
				"station %s (%s): published capacity above %u docks in the series; kept %u",
				net->ids[i], net->names[i], BS_MAX_CAPACITY,
				BS_MAX_CAPACITY);
	}
	free(tmp);
	return 0;
}

void bs_stations_write_soft(const struct bs_network *net,
			    const uint32_t *cap, const uint32_t *lim,
			    FILE *fp)
{
	size_t i;

	fprintf(fp, "%s,physical_limit\n", BS_STATIONS_HEADER);
	for (i = 0; i < net->n; i++) {
		bs_stations_put_place(fp, net->ids[i], net->names[i],
				      net->ward_names[net->ward[i]],
				      net->lat[i], net->lon[i]);
		fprintf(fp, ",%u,%u\n", cap[i], lim[i]);
	}
}

/* ---- trip logs ------------------------------------------------------------ */

struct tc {
	const struct bs_network *net;
	const char *file;
	struct bs_rates *r;
	uint64_t *pairs; /* (o << 32 | d) per ride */
	size_t np, cap;
	double first, last;
	double *rmin;     /* round trips' ride minutes */
	size_t nr, rcap;
};

/* A round trip's ride minutes, kept for their median. */
static int keep_round(struct tc *c, double minutes)
{
	if (c->nr == c->rcap) {
		size_t nc = c->rcap ? c->rcap * 2 : 256;
		double *p = realloc(c->rmin, nc * sizeof(double));
		if (!p)
			return BS_E_NOMEM;
		c->rmin = p;
		c->rcap = nc;
	}
	c->rmin[c->nr++] = minutes;
	return 0;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the round trips' minutes: a log's durations have rides
 * of several days (bikes kept, docks that failed to record), which would
 * dominate a mean. O(r log r). */
static double round_median(struct tc *c)
{
	if (c->nr == 0)
		return 0.0;
	qsort(c->rmin, c->nr, sizeof(double), cmp_dbl);
	return c->nr % 2 ? c->rmin[c->nr / 2]
			 : 0.5 * (c->rmin[c->nr / 2 - 1] + c->rmin[c->nr / 2]);
}

/* The hour of the day (0 to 23) of a time in minutes since 1970: times
 * before 1970 are negative, and fmod keeps the sign, so -30 min (23:30 on
 * 1969-12-31) must come out as 23, not as a cast of -1 to size_t (an
 * index far outside the table). */
static size_t hour_of_day(double minutes)
{
	double h = fmod(floor(minutes / 60.0), 24.0);

	return (size_t)(h < 0.0 ? h + 24.0 : h);
}

static int tc_row(void *ud, const struct bs_trip_row *t, struct bs_error *err)
{
	struct tc *c = ud;
	uint32_t o = bs_network_find(c->net, t->start_id);
	uint32_t d = bs_network_find(c->net, t->end_id);
	size_t hs, he;

	if (o == BS_NO_STATION || d == BS_NO_STATION) {
		bs_error_row(err, c->file, t->row,
			     o == BS_NO_STATION ? t->start_col : t->end_col,
			     "station '%s' is not in the network; expected a station of the stations file (make one with bssim import trips)",
			     o == BS_NO_STATION ? t->start_id : t->end_id);
		return BS_E_INPUT;
	}
	hs = hour_of_day(t->start_min);
	he = hour_of_day(t->end_min);
	c->r->dep[(size_t)o * 24 + hs] += 1.0;
	c->r->arr[(size_t)d * 24 + he] += 1.0;
	if (c->np == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 4096;
		uint64_t *p = realloc(c->pairs, nc * sizeof(uint64_t));
		if (!p)
			return BS_E_NOMEM;
		c->pairs = p;
		c->cap = nc;
	}
	c->pairs[c->np++] = (uint64_t)o << 32 | d;
	if (o == d) {
		c->r->round += 1.0;
		if (keep_round(c, t->end_min - t->start_min))
			return BS_E_NOMEM;
	}
	if (c->r->rides == 0.0 || t->start_min < c->first)
		c->first = t->start_min;
	if (c->r->rides == 0.0 || t->start_min > c->last)
		c->last = t->start_min;
	c->r->rides += 1.0;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int bs_calibrate_trips(const struct bs_network *net, const char *log,
		       double days, struct bs_rates *out,
		       struct bs_error *err)
{
	struct tc c;
	size_t i, k;
	int rc;

	memset(&c, 0, sizeof(c));
	if (alloc_rates(out, net->n))
		goto nomem;
	c.net = net;
	c.file = log;
	c.r = out;
	rc = bs_triplog_read(log, tc_row, &c, &out->warn, err);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (!rc && out->rides == 0.0) {
		bs_error_row(err, log, 2, NULL,
			     "no rides with both stations; expected rows of a trip log");
		rc = BS_E_INPUT;
	}
	if (rc) {
		free(c.pairs);
		free(c.rmin);
		bs_rates_release(out);
		return rc;
	}
	out->round_median_min = round_median(&c);
	free(c.rmin);
	c.rmin = NULL;
	if (days <= 0.0)
		days = floor(c.last / 1440.0) - floor(c.first / 1440.0) + 1.0;
	out->days = days;
	for (i = 0; i < net->n * 24; i++) {
		out->dep[i] /= days;
		out->arr[i] /= days;
	}
	/* O(r log r) for r rides; np > 0 here (rides > 0), qsort's array
	 * must not be NULL even for none */
	if (c.np > 1)
		qsort(c.pairs, c.np, sizeof(uint64_t), cmp_u64);
	for (i = 0, k = 0; i < c.np; i++)
		k += i == 0 || c.pairs[i] != c.pairs[i - 1];
	out->od_o = malloc((k ? k : 1) * sizeof(uint32_t));
	out->od_d = malloc((k ? k : 1) * sizeof(uint32_t));
	out->od_trips = malloc((k ? k : 1) * sizeof(double));
	if (!out->od_o || !out->od_d || !out->od_trips)
		goto nomem;
	for (i = 0, k = 0; i < c.np; i++) {
		if (i == 0 || c.pairs[i] != c.pairs[i - 1]) {
			out->od_o[k] = (uint32_t)(c.pairs[i] >> 32);
			out->od_d[k] = (uint32_t)(c.pairs[i] & 0xffffffffu);
			out->od_trips[k] = 0.0;
			k++;
		}
		out->od_trips[k - 1] += 1.0;
	}
	out->nod = k;
	free(c.pairs);
	return 0;
nomem:
	free(c.pairs);
	bs_rates_release(out);
	bs_error_set(err, BS_E_NOMEM, log, 0, 0, NULL, "out of memory");
	return BS_E_NOMEM;
}

/* ---- writing -------------------------------------------------------------- */

/* Rates are printed to 6 significant digits: far below their sampling
 * error, and the files stay readable. */
static void num6(FILE *fp, double v)
{
	if (v == 0.0)
		fputc('0', fp);
	else
		fprintf(fp, "%.6g", v);
}

void bs_rates_write(const struct bs_rates *r, const struct bs_network *net,
		    FILE *fp)
{
	size_t i, h;

	fprintf(fp, "%s\n", BS_RATES_HEADER);
	for (i = 0; i < net->n; i++)
		for (h = 0; h < 24; h++) {
			bs_csv_put(fp, net->ids[i]);
			fprintf(fp, ",%zu,", h);
			num6(fp, r->dep[i * 24 + h]);
			fputc(',', fp);
			num6(fp, r->arr[i * 24 + h]);
			fputc('\n', fp);
		}
}

void bs_rates_write_profile(const struct bs_rates *r,
			    const struct bs_network *net, FILE *fp)
{
	size_t w, i, h, W = net->nwards;

	fprintf(fp, "ward,hour,departures,arrivals,truck_pickups,truck_dropoffs\n");
	for (w = 0; w <= W; w++)
		for (h = 0; h < 24; h++) {
			double a[4] = {0, 0, 0, 0};
			for (i = 0; i < net->n; i++) {
				if (w < W && net->ward[i] != w)
					continue;
				a[0] += r->dep[i * 24 + h];
				a[1] += r->arr[i * 24 + h];
				a[2] += r->truck_pick[i * 24 + h];
				a[3] += r->truck_drop[i * 24 + h];
			}
			bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
			fprintf(fp, ",%zu", h);
			for (i = 0; i < 4; i++) {
				fputc(',', fp);
				num6(fp, a[i]);
			}
			fputc('\n', fp);
		}
}

void bs_rates_write_od(const struct bs_rates *r, const struct bs_network *net,
		       FILE *fp)
{
	size_t k;

	fprintf(fp, "origin_id,destination_id,trips\n");
	for (k = 0; k < r->nod; k++) {
		bs_csv_put(fp, net->ids[r->od_o[k]]);
		fputc(',', fp);
		bs_csv_put(fp, net->ids[r->od_d[k]]);
		fputc(',', fp);
		num6(fp, r->od_trips[k]);
		fputc('\n', fp);
	}
}

/* Is observation k (not a station's first) an operator's move, as
 * bs_calibrate_status judges: a change of truck_jump bikes or more since
 * the observation before, at most max_gap_min earlier. *d: the change. */
static int is_move(const struct bs_status *s, size_t k,
		   const struct bs_calib_opts *o, int32_t *d)
{
	int32_t gap = s->minute[k] - s->minute[k - 1];

	*d = s->bikes[k] - s->bikes[k - 1];
	return gap > 0 && (double)gap <= o->max_gap_min &&
	       (*d <= -o->truck_jump || *d >= o->truck_jump);
}

/*
 * The moves calibration sets aside as the operator's (a change of
 * truck_jump bikes or more between two observations at most max_gap_min
 * apart), one row each: t_min (the later observation's minute), the
 * station, the change. In station order, then time; depots.replay sorts
 * them by time. O(observations).
 */
void bs_status_write_moves(const struct bs_status *s,
			   const struct bs_calib_opts *o, FILE *fp)
{
	size_t i, k;

	fprintf(fp, "t_min,station_id,delta\n");
	for (i = 0; i < s->nst; i++)
		for (k = s->off[i] + 1; k < s->off[i + 1]; k++) {
			int32_t d;
			if (!is_move(s, k, o, &d))
				continue;
			fprintf(fp, "%ld,", (long)s->minute[k]);
			bs_csv_put(fp, s->ids[i]);
			fprintf(fp, ",%ld\n", (long)d);
		}
}

/*
 * The operations policy calibrated to the same moves: per ward and hour of
 * day, the bikes brought (rises) and taken (falls) per day of the series
 * (days: from minute 0 to the last observation's day). Stations not in the
 * network are refused before (bs_calibrate_status). O(observations).
 * At most BS_MAX_WARDS wards (the network's own bound).
 */
void bs_status_write_ops_policy(const struct bs_status *s,
				const struct bs_network *net,
				const struct bs_calib_opts *o, FILE *fp)
{
	/* on the stack (96 KiB at most): nothing to run out of while the
	 * file is half written */
	double bt[BS_MAX_WARDS * 48], days = 1.0;
	size_t W = net->nwards, i, k, w, h;

	memset(bt, 0, W * 48 * sizeof(double));
	for (k = 0; k < s->nobs; k++)
		if (floor(s->minute[k] / 1440.0) + 1.0 > days)
			days = floor(s->minute[k] / 1440.0) + 1.0;
	for (i = 0; i < s->nst; i++) {
		w = net->ward[bs_network_find(net, s->ids[i])];
		for (k = s->off[i] + 1; k < s->off[i + 1]; k++) {
			int32_t d;
			if (!is_move(s, k, o, &d))
				continue;
			h = (size_t)(s->minute[k] / 60) % 24; /* as calibration */
			bt[(w * 24 + h) * 2 + (d < 0)] += d < 0 ? -d : d;
		}
	}
	fprintf(fp, "ward,hour,bring,take\n");
	for (w = 0; w < W; w++)
		for (h = 0; h < 24; h++) {
			bs_csv_put(fp, net->ward_names[w]);
			fprintf(fp, ",%zu,", h);
			num6(fp, bt[(w * 24 + h) * 2] / days);
			fputc(',', fp);
			num6(fp, bt[(w * 24 + h) * 2 + 1] / days);
			fputc('\n', fp);
		}
}
