/*
 * triplog.c - published trip logs (see triplog.h). Streams through libcsv:
 * memory does not grow with the log.
 */
#include "input/triplog.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/idindex.h"
#include "input/csvread.h"
#include "input/stations.h"

enum { F_START, F_END, F_SID, F_EID, F_SNAME, F_ENAME, F_SLAT, F_SLON,
       F_ELAT, F_ELON, F_N };

/* Header names of each field, one per layout (old Citi Bike, 2020+). */
static const char *const NAMES[F_N][2] = {
	{"starttime", "started_at"},
	{"stoptime", "ended_at"},
	{"start station id", "start_station_id"},
	{"end station id", "end_station_id"},
	{"start station name", "start_station_name"},
	{"end station name", "end_station_name"},
	{"start station latitude", "start_lat"},
	{"start station longitude", "start_lng"},
	{"end station latitude", "end_lat"},
	{"end station longitude", "end_lng"},
};

#define EXPECTED "starttime,stoptime,start station id,end station id (Citi Bike) or started_at,ended_at,start_station_id,end_station_id"

struct tl {
	const char *file;
	long idx[F_N];
	int layout;
	bs_trip_cb cb;
	void *ud;
	struct bs_warnings *warn;
};

static long days_from_civil(long y, unsigned m, unsigned d)
{
	/* H. Hinnant's algorithm: exact for the proleptic Gregorian calendar */
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static int digits(const char *s, int n, long *out)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int bs_parse_date(const char *s, long *days)
{
	long y, m, d;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (!s || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int bs_parse_datetime(const char *s, double *minutes)
{
	long days, hh, mm, ss = 0;
	double frac = 0.0;
	const char *p;

	if (!s || strlen(s) < 16 || bs_parse_date(s, &days) < 0)
		return -1;
	if ((s[10] != ' ' && s[10] != 'T') || digits(s + 11, 2, &hh) ||
	    s[13] != ':' || digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
		return -1;
	p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss) || ss > 60)
			return -1;
		p += 3;
		if (*p == '.') {
			double scale = 0.1;
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9') {
				frac += (*p - '0') * scale;
				scale *= 0.1;
				p++;
			}
		}
	}
	if (*p == 'Z')
		p++;
	if (*p)
		return -1;
	*minutes = (double)days * 1440.0 + (double)hh * 60.0 + (double)mm +
		   ((double)ss + frac) / 60.0;
	return 0;
}

/* O(n) in the n columns for the lookups (ten names, two layouts), and
 * O(n log n) for the duplicate check. */
static int header(struct tl *t, const struct bs_csv_row *r,
		  struct bs_error *err)
{
	int f, lay, best = -1, rc;
	size_t j;

	/* a column named twice would be read from the last of them */
	if ((rc = bs_csv_header_unique(r, t->file, EXPECTED, err)))
		return rc;

	for (lay = 0; lay < 2 && best < 0; lay++) {
		int ok = 1;
		for (f = 0; f < F_N; f++) {
			t->idx[f] = -1;
			for (j = 0; j < r->n; j++)
				if (strcmp(r->f[j], NAMES[f][lay]) == 0)
					t->idx[f] = (long)j;
			if (f <= F_EID && t->idx[f] < 0)
				ok = 0;
		}
		if (ok)
			best = lay;
	}
	if (best < 0) {
		bs_error_row(err, t->file, 1, NULL,
			     "not a trip log header; expected the columns %s",
			     EXPECTED);
		return BS_E_INPUT;
	}
	t->layout = best;
	for (f = 0; f < F_N; f++) {
		t->idx[f] = -1;
		for (j = 0; j < r->n; j++)
			if (strcmp(r->f[j], NAMES[f][best]) == 0)
				t->idx[f] = (long)j;
	}
	return 0;
}

static const char *field(const struct tl *t, const struct bs_csv_row *r,
			 int f)
{
	long i = t->idx[f];

	return i >= 0 && i < (long)r->n ? r->f[i] : NULL;
}

static double coord(const struct tl *t, const struct bs_csv_row *r, int f)
{
	const char *s = field(t, r, f);
	double v;

	return s && !bs_parse_double(s, &v) ? v : (double)NAN;
}

static int no_station(const char *s)
{
	return !s || !*s || strcmp(s, "NULL") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "NA") == 0;
}

static int on_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct tl *t = ud;
	struct bs_trip_row tr;
	const char *s;
	int f;

	if (r->row == 1)
		return header(t, r, err);
	memset(&tr, 0, sizeof(tr));
	tr.row = r->row;
	for (f = F_START; f <= F_END; f++) {
		double *dst = f == F_START ? &tr.start_min : &tr.end_min;
		s = field(t, r, f);
		if (!s || bs_parse_datetime(s, dst)) {
			bs_error_row(err, t->file, r->row, NAMES[f][t->layout],
				     "'%s' is not a time; expected YYYY-MM-DD HH:MM:SS",
				     s ? s : "");
			return BS_E_INPUT;
		}
	}
	if (tr.end_min < tr.start_min) {
		bs_error_row(err, t->file, r->row, NAMES[F_END][t->layout],
			     "the ride ends (%s) before it starts (%s); expected an end at or after the start",
			     field(t, r, F_END), field(t, r, F_START));
		return BS_E_INPUT;
	}
	tr.start_id = field(t, r, F_SID);
	tr.end_id = field(t, r, F_EID);
	if (no_station(tr.start_id) || no_station(tr.end_id)) {
		bs_warn(t->warn, "%s: row %ld: no %s station id; the ride was skipped",
			t->file, r->row,
			no_station(tr.start_id) ? "start" : "end");
		return 0;
	}
	tr.start_name = field(t, r, F_SNAME) ? field(t, r, F_SNAME) : "";
	tr.end_name = field(t, r, F_ENAME) ? field(t, r, F_ENAME) : "";
	tr.start_lat = coord(t, r, F_SLAT);
	tr.start_lon = coord(t, r, F_SLON);
	tr.end_lat = coord(t, r, F_ELAT);
	tr.end_lon = coord(t, r, F_ELON);
	tr.start_col = NAMES[F_SID][t->layout];
	tr.end_col = NAMES[F_EID][t->layout];
	return t->cb(t->ud, &tr, err);
}

int bs_triplog_read(const char *path, bs_trip_cb cb, void *ud,
		    struct bs_warnings *warn, struct bs_error *err)
{
	struct tl t;

	memset(&t, 0, sizeof(t));
	t.file = path;
	t.cb = cb;
	t.ud = ud;
	t.warn = warn;
	return bs_csv_read_input(path, "a trip log CSV file", on_row, &t, err);
}

/* ---- the stations of a log ---------------------------------------------- */

struct tn_build {
	struct bs_tripnet *t;
	size_t cap;
	const char *file;
	struct bs_idindex ix; /* of t->id */
};

/* Index of a station of the log, added when new: expected O(1)
 * (base/idindex.h). */
static long tn_station(struct tn_build *b, const char *id, const char *name,
		       double lat, double lon)
{
	struct bs_tripnet *t = b->t;
	size_t k;
	long i;

	if (bs_idindex_reserve(&b->ix, t->id, t->n, t->n + 1))
		return -1;
	if ((i = bs_idindex_find(&b->ix, t->id, id, &k)) >= 0) {
		if (isnan(t->lat[i]) && !isnan(lat) && !isnan(lon)) {
			t->lat[i] = lat;
			t->lon[i] = lon;
		}
		return i;
	}
	if (t->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		char **a = realloc(t->id, nc * sizeof(char *)), **c;
		double *la, *lo;
		long *s1, *s2;
		if (a) t->id = a;
		c = a ? realloc(t->name, nc * sizeof(char *)) : NULL;
		if (c) t->name = c;
		la = c ? realloc(t->lat, nc * sizeof(double)) : NULL;
		if (la) t->lat = la;
		lo = la ? realloc(t->lon, nc * sizeof(double)) : NULL;
		if (lo) t->lon = lo;
		s1 = lo ? realloc(t->starts, nc * sizeof(long)) : NULL;
		if (s1) t->starts = s1;
		s2 = s1 ? realloc(t->ends, nc * sizeof(long)) : NULL;
		if (s2) t->ends = s2;
		if (!s2)
			return -1;
		b->cap = nc;
	}
	t->id[t->n] = bs_strdup(id);
	t->name[t->n] = bs_strdup(name);
	if (!t->id[t->n] || !t->name[t->n]) {
		free(t->id[t->n]);
		free(t->name[t->n]);
		return -1;
	}
	/* (0, 0) is how some logs write an unknown position */
	t->lat[t->n] = lat == 0.0 && lon == 0.0 ? (double)NAN : lat;
	t->lon[t->n] = lat == 0.0 && lon == 0.0 ? (double)NAN : lon;
	t->starts[t->n] = 0;
	t->ends[t->n] = 0;
	bs_idindex_set(&b->ix, k, t->n);
	return (long)t->n++;
}

static int tn_row(void *ud, const struct bs_trip_row *r, struct bs_error *err)
{
	struct tn_build *b = ud;
	long s = tn_station(b, r->start_id, r->start_name, r->start_lat,
			    r->start_lon);
	long e = s < 0 ? -1 : tn_station(b, r->end_id, r->end_name, r->end_lat,
					 r->end_lon);

	(void)err;
	if (s < 0 || e < 0)
		return BS_E_NOMEM;
	b->t->starts[s]++;
	b->t->ends[e]++;
	b->t->rides++;
	return 0;
}

static int numeric(const char *s)
{
	if (!*s || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

struct tn_ord {
	const struct bs_tripnet *t;
	size_t i;
	int num;
};

static int cmp_tn(const void *a, const void *b)
{
	const struct tn_ord *x = a, *y = b;
	const char *p = x->t->id[x->i], *q = y->t->id[y->i];

	if (x->num) {
		unsigned long long u = strtoull(p, NULL, 10), v = strtoull(q, NULL, 10);
		if (u != v)
			return u < v ? -1 : 1;
	}
	return strcmp(p, q);
}

struct bs_tripnet *bs_tripnet_read(const char *path, struct bs_error *err)
{
	struct tn_build b;
	struct bs_tripnet *t = calloc(1, sizeof(*t)), sorted;
	struct tn_ord *ord = NULL;
	size_t i;
	int rc, num = 1;

	memset(&b, 0, sizeof(b));
	if (!t) {
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		return NULL;
	}
	b.t = t;
	b.file = path;
	rc = bs_triplog_read(path, tn_row, &b, &t->warn, err);
	bs_idindex_free(&b.ix);
	if (!rc && t->n == 0) {
		bs_error_row(err, path, 2, NULL,
			     "no rides with both stations; expected rows of a trip log");
		rc = BS_E_INPUT;
	}
	for (i = 0; !rc && i < t->n; i++)
		if (isnan(t->lat[i]) || isnan(t->lon[i]) || fabs(t->lat[i]) > 90.0 ||
		    fabs(t->lon[i]) > 180.0) {
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "station %s (%s) has no usable position in any row; expected latitude and longitude columns with degrees",
				     t->id[i], t->name[i]);
			rc = BS_E_INPUT;
		}
	if (!rc && !(ord = malloc(t->n * sizeof(*ord))))
		rc = BS_E_NOMEM;
	if (!rc) {
		for (i = 0; i < t->n; i++)
			num &= numeric(t->id[i]);
		for (i = 0; i < t->n; i++) {
			ord[i].t = t;
			ord[i].i = i;
			ord[i].num = num;
		}
		qsort(ord, t->n, sizeof(*ord), cmp_tn);
		sorted = *t;
		sorted.id = malloc(t->n * sizeof(char *));
		sorted.name = malloc(t->n * sizeof(char *));
		sorted.lat = malloc(t->n * sizeof(double));
		sorted.lon = malloc(t->n * sizeof(double));
		sorted.starts = malloc(t->n * sizeof(long));
		sorted.ends = malloc(t->n * sizeof(long));
		if (!sorted.id || !sorted.name || !sorted.lat || !sorted.lon ||
		    !sorted.starts || !sorted.ends) {
			free(sorted.id);
			free(sorted.name);
			free(sorted.lat);
			free(sorted.lon);
			free(sorted.starts);
			free(sorted.ends);
			rc = BS_E_NOMEM;
		} else {
			for (i = 0; i < t->n; i++) {
				size_t k = ord[i].i;
				sorted.id[i] = t->id[k];
				sorted.name[i] = t->name[k];
				sorted.lat[i] = t->lat[k];
				sorted.lon[i] = t->lon[k];
				sorted.starts[i] = t->starts[k];
				sorted.ends[i] = t->ends[k];
			}
			free(t->id);
			free(t->name);
			free(t->lat);
			free(t->lon);
			free(t->starts);
			free(t->ends);
			*t = sorted;
		}
	}
	free(ord);
	if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
	if (rc) {
		bs_tripnet_free(t);
		return NULL;
	}
	return t;
}

void bs_tripnet_write(const struct bs_tripnet *t, const char *ward,
		      long capacity, FILE *fp)
{
	size_t i;

	fprintf(fp, "station_id,name,ward,lat,lon,capacity\n");
	for (i = 0; i < t->n; i++) {
		bs_stations_put_place(fp, t->id[i], t->name[i], ward, t->lat[i],
				      t->lon[i]);
		fprintf(fp, ",%ld\n", capacity);
	}
}

void bs_tripnet_free(struct bs_tripnet *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->id[i]);
		free(t->name[i]);
	}
	free(t->id);
	free(t->name);
	free(t->lat);
	free(t->lon);
	free(t->starts);
	free(t->ends);
	free(t);
}
