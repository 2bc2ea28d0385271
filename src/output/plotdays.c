/*
 * plotdays.c - the trend over a run's days (`bssim plotdata days RUN`),
 * from days.csv (output.days): for each day and one ward (default all),
 * the mean over replications of the day's service level, reach level,
 * share of empty ports and docked bikes too low to rent, with the
 * Student-t 95% interval over replications (bs_stat_compute, as
 * summary.json's). A series table (plotdata.h): X = day (days from the
 * start), label = its weekday, one series per metric.
 *
 * Cost: O(rows log rows) to sort the days and replications; memory one
 * sample per matching row.
 */
#include "output/plotdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "output/plot_internal.h"
#include "stats/metrics.h"

#define NM 4
static const char *const TREND[NM] = {"service_level", "reach_level",
				      "empty_station_frac",
				      "bikes_low_battery_mean"};
#define NC (4 + NM)

struct day_row {
	double rep, day;
	char weekday[4];
	double v[NM];
};

struct days_load {
	const char *file, *ward;
	char expected[300];
	long idx[NC];
	struct day_row *s;
	size_t n, cap;
};

/* Column c (of cols) of row r is not what: BS_E_INPUT naming it. */
static int bad_num(const struct days_load *L, const struct bs_csv_row *r,
		   const char *const *cols, int c, const char *what,
		   struct bs_error *err)
{
	bs_error_row(err, L->file, r->row, cols[c], "'%s': expected %s",
		     r->f[L->idx[c]], what);
	return BS_E_INPUT;
}

static int day_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	static const int req[NC] = {1, 1, 1, 1, 1, 1, 1, 1};
	struct days_load *L = ud;
	const char *cols[NC] = {"replication", "day", "weekday", "ward"};
	struct day_row *d;
	uint64_t rep, day;
	int c;

	for (c = 0; c < NM; c++)
		cols[4 + c] = TREND[c];
	if (r->row == 1)
		return bs_csv_header(r, L->file, NC, cols, req, L->idx,
				     L->expected, err);
	for (c = 0; c < NC; c++)
		if (L->idx[c] >= (long)r->n) {
			bs_error_row(err, L->file, r->row, cols[c],
				     "the row has %zu fields but the header has more; expected %s",
				     r->n, L->expected);
			return BS_E_INPUT;
		}
	if (strcmp(r->f[L->idx[3]], L->ward) != 0)
		return 0;
	if (bs_parse_u64(r->f[L->idx[0]], &rep) || rep == 0)
		return bad_num(L, r, cols, 0, "a replication number from 1", err);
	if (bs_parse_u64(r->f[L->idx[1]], &day))
		return bad_num(L, r, cols, 1, "a day number from 0", err);
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 1024;
		struct day_row *s = realloc(L->s, nc * sizeof(*s));
		if (!s)
			return bs__plot_nomem(err, L->file);
		L->s = s;
		L->cap = nc;
	}
	d = &L->s[L->n];
	d->rep = (double)rep;
	d->day = (double)day;
	snprintf(d->weekday, sizeof(d->weekday), "%s", r->f[L->idx[2]]);
	for (c = 0; c < NM; c++)
		if (bs__plot_parse_num(r->f[L->idx[4 + c]], &d->v[c]))
			return bad_num(L, r, cols, 4 + c, "a number", err);
	L->n++;
	return 0;
}

/* The table from the loaded rows: days and replications sorted. */
static int put_days(struct days_load *L, FILE *out, struct bs_error *err)
{
	double *reps = malloc(L->n * sizeof(double)),
	       *days = malloc(L->n * sizeof(double)), *cell = NULL, *x = NULL;
	const char **wd = NULL;
	size_t nrep, nday, i, k, r, m;
	int rc = 0;

	if (!reps || !days)
		goto nomem;
	for (i = 0; i < L->n; i++) {
		reps[i] = L->s[i].rep;
		days[i] = L->s[i].day;
	}
	nrep = bs__plot_sort_unique(reps, L->n);
	nday = bs__plot_sort_unique(days, L->n);
	cell = malloc(nday * nrep * NM * sizeof(double));
	x = malloc(nrep * sizeof(double));
	wd = calloc(nday, sizeof(*wd));
	if (!cell || !x || !wd)
		goto nomem;
	for (i = 0; i < nday * nrep * NM; i++)
		cell[i] = (double)NAN;
	for (i = 0; i < L->n; i++) {
		k = bs__plot_find_sorted(days, nday, L->s[i].day);
		r = bs__plot_find_sorted(reps, nrep, L->s[i].rep);
		wd[k] = L->s[i].weekday;
		for (m = 0; m < NM; m++)
			cell[(k * nrep + r) * NM + m] = L->s[i].v[m];
	}
	fputs("day,weekday", out);
	for (m = 0; m < NM; m++)
		bs__plot_put_triplet_header(out, TREND[m]);
	fputc('\n', out);
	for (k = 0; k < nday; k++) {
		fprintf(out, "%.0f,%s", days[k], wd[k]);
		for (m = 0; m < NM; m++) {
			struct bs_stat st;
			for (r = 0; r < nrep; r++)
				x[r] = cell[(k * nrep + r) * NM + m];
			if (bs_stat_compute(x, nrep, 1, &st))
				goto nomem;
			bs__plot_put_triplet(out, st.mean, st.ci_lo, st.ci_hi);
		}
		fputc('\n', out);
	}
	rc = bs__plot_finish(out, err);
	goto out;
nomem:
	rc = bs__plot_nomem(err, L->file);
out:
	free(reps);
	free(days);
	free(cell);
	free(x);
	free(wd);
	return rc;
}

int bs_plotdata_days(const char *days_csv, const char *ward, FILE *out,
		     struct bs_error *err)
{
	struct days_load L;
	size_t c;
	int rc, l;

	memset(&L, 0, sizeof(L));
	L.file = days_csv;
	L.ward = ward ? ward : "all";
	l = snprintf(L.expected, sizeof(L.expected),
		     "replication,day,weekday,ward");
	for (c = 0; c < NM && l > 0 && (size_t)l < sizeof(L.expected); c++)
		l += snprintf(L.expected + l, sizeof(L.expected) - (size_t)l,
			      ",%s", TREND[c]);
	if ((rc = bs_csv_read_file(days_csv, day_row, &L, err)))
		goto out;
	if (L.n == 0) {
		bs_error_set(err, BS_E_INPUT, days_csv, 0, 0, "ward",
			     "no day of ward '%s'; expected rows of %s (a run with output.days)",
			     L.ward, L.expected);
		rc = BS_E_INPUT;
		goto out;
	}
	rc = put_days(&L, out, err);
out:
	free(L.s);
	return rc;
}
