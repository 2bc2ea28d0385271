/*
 * plotdata.c - tables shaped for plotting (see plotdata.h).
 *
 * Inputs are small (a run's time series is a few MB, a sweep a few
 * thousand rows), so everything is read into memory and looked up by
 * linear or binary search; clarity wins over speed here.
 */
#include "output/plotdata.h"

#include "base/fmt.h"
#include "input/jsonpos.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/csvread.h"
#include "stats/metrics.h"
#include "output/output.h"

/* ---- helpers ------------------------------------------------------------- */

/* A growing list of distinct strings, in order of first appearance. */
struct names {
	char **v;
	size_t n, cap;
};

static long names_find(const struct names *nm, const char *s)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], s) == 0)
			return (long)i;
	return -1;
}

/* Index of s, added when new; -1 when out of memory. */
static long names_add(struct names *nm, const char *s)
{
	long i = names_find(nm, s);

	if (i >= 0)
		return i;
	if (nm->n == nm->cap) {
		size_t nc = nm->cap ? nm->cap * 2 : 16;
		char **v = realloc(nm->v, nc * sizeof(char *));
		if (!v)
			return -1;
		nm->v = v;
		nm->cap = nc;
	}
	if (!(nm->v[nm->n] = bs_strdup(s)))
		return -1;
	return (long)nm->n++;
}

static void names_release(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

/* A number as sweep.csv writes it: decimals, or NaN / empty for none. */
static int parse_num(const char *s, double *out)
{
	if (!*s || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0) {
		*out = (double)NAN;
		return 0;
	}
	return bs_parse_double(s, out);
}

/* A JSON number, or NaN for null or a missing value. */
static double jnum(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* "name" + suffix as one CSV field. */
static void put_suffixed(FILE *out, const char *name, const char *suffix)
{
	size_t a = strlen(name), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (!s) {
		/* the write check at the end reports nothing useful for this,
		 * so degrade to the bare name rather than fail a plot */
		bs_csv_put(out, name);
		return;
	}
	memcpy(s, name, a);
	memcpy(s + a, suffix, b + 1);
	bs_csv_put(out, s);
	free(s);
}

static void put_triplet_header(FILE *out, const char *name)
{
	fputc(',', out);
	bs_csv_put(out, name);
	fputc(',', out);
	put_suffixed(out, name, "_lo");
	fputc(',', out);
	put_suffixed(out, name, "_hi");
}

static void put_triplet(FILE *out, double mean, double lo, double hi)
{
	fputc(',', out);
	bs_csv_num(out, mean);
	fputc(',', out);
	bs_csv_num(out, lo);
	fputc(',', out);
	bs_csv_num(out, hi);
}

static int finish(FILE *out, struct bs_error *err)
{
	if (fflush(out) || ferror(out)) {
		bs_error_set(err, BS_E_IO, NULL, 0, 0, NULL,
			     "cannot write the table");
		return BS_E_IO;
	}
	return 0;
}

static int nomem(struct bs_error *err, const char *file)
{
	bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
	return BS_E_NOMEM;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort and keep distinct values; returns the new count. */
static size_t sort_unique(double *v, size_t n)
{
	size_t i, k = 0;

	qsort(v, n, sizeof(double), cmp_double);
	for (i = 0; i < n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

static size_t find_sorted(const double *v, size_t n, double x)
{
	const double *p = bsearch(&x, v, n, sizeof(double), cmp_double);

	return p ? (size_t)(p - v) : n;
}

/* ---- time of day ----------------------------------------------------------- */

struct ts_sample {
	double rep, tod, v;
	size_t ward;
};

struct ts_load {
	const char *file, *column;
	char expected[200];
	long idx[4];
	struct names wards;
	struct ts_sample *s;
	size_t n, cap;
};

static int ts_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct ts_load *L = ud;
	const char *cols[4] = {"replication", "t_min", "ward", L->column};
	static const int req[4] = {1, 1, 1, 1};
	uint64_t rep;
	double t, v;
	long w;
	int c;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 4, cols, req, L->idx,
				     L->expected, err);
	for (c = 0; c < 4; c++)
		if (L->idx[c] >= (long)r->n) {
			bs_error_row(err, L->file, r->row, cols[c],
				     "the row has %zu fields but the header has more; expected %s",
				     r->n, L->expected);
			return BS_E_INPUT;
		}
	if (bs_parse_u64(r->f[L->idx[0]], &rep) || rep == 0) {
		bs_error_row(err, L->file, r->row, cols[0],
			     "'%s': expected a replication number from 1",
			     r->f[L->idx[0]]);
		return BS_E_INPUT;
	}
	if (bs_parse_double(r->f[L->idx[1]], &t) || t < 0.0) {
		bs_error_row(err, L->file, r->row, cols[1],
			     "'%s': expected minutes from the start, a number >= 0",
			     r->f[L->idx[1]]);
		return BS_E_INPUT;
	}
	if (strcmp(r->f[L->idx[2]], "all") == 0)
		return 0; /* the whole network would flatten the wards' lines */
	if (parse_num(r->f[L->idx[3]], &v)) {
		bs_error_row(err, L->file, r->row, cols[3],
			     "'%s': expected a number", r->f[L->idx[3]]);
		return BS_E_INPUT;
	}
	if ((w = names_add(&L->wards, r->f[L->idx[2]])) < 0)
		return nomem(err, L->file);
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 4096;
		struct ts_sample *s = realloc(L->s, nc * sizeof(*s));
		if (!s)
			return nomem(err, L->file);
		L->s = s;
		L->cap = nc;
	}
	L->s[L->n].rep = (double)rep;
	/* to a thousandth of a minute, so that 1440*k + x and x agree */
	L->s[L->n].tod = round(fmod(t, 1440.0) * 1000.0) / 1000.0;
	if (L->s[L->n].tod >= 1440.0)
		L->s[L->n].tod = 0.0;
	L->s[L->n].v = v;
	L->s[L->n].ward = (size_t)w;
	L->n++;
	return 0;
}

int bs_plotdata_timeofday(const char *timeseries_csv, const char *column,
			  FILE *out, struct bs_error *err)
{
	struct ts_load L;
	double *reps = NULL, *tods = NULL, *sum = NULL, *cnt = NULL, *x = NULL;
	size_t nrep, ntod, nw, i, w, k, r, cells;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = timeseries_csv;
	L.column = column;
	snprintf(L.expected, sizeof(L.expected), "replication,t_min,ward,%s",
		 column);
	if ((rc = bs_csv_read_file(timeseries_csv, ts_row, &L, err)))
		goto out;
	if (L.n == 0) {
		bs_error_set(err, BS_E_INPUT, timeseries_csv, 0, 0, NULL,
			     "no samples of any ward; expected rows of %s",
			     L.expected);
		rc = BS_E_INPUT;
		goto out;
	}
	nw = L.wards.n;
	reps = malloc(L.n * sizeof(double));
	tods = malloc(L.n * sizeof(double));
	if (!reps || !tods) {
		rc = nomem(err, timeseries_csv);
		goto out;
	}
	for (i = 0; i < L.n; i++) {
		reps[i] = L.s[i].rep;
		tods[i] = L.s[i].tod;
	}
	nrep = sort_unique(reps, L.n);
	ntod = sort_unique(tods, L.n);
	if (bs_size_mul(nrep * nw, ntod, &cells)) {
		rc = nomem(err, timeseries_csv);
		goto out;
	}
	sum = calloc(cells, sizeof(double));
	cnt = calloc(cells, sizeof(double));
	x = malloc(nrep * sizeof(double));
	if (!sum || !cnt || !x) {
		rc = nomem(err, timeseries_csv);
		goto out;
	}
	/* per replication, ward and time of day: the mean over days */
	for (i = 0; i < L.n; i++) {
		size_t c = (find_sorted(reps, nrep, L.s[i].rep) * nw +
			    L.s[i].ward) * ntod +
			   find_sorted(tods, ntod, L.s[i].tod);
		sum[c] += L.s[i].v;
		cnt[c] += 1.0;
	}

	fputs("hour,time", out);
	for (w = 0; w < nw; w++)
		put_triplet_header(out, L.wards.v[w]);
	fputc('\n', out);
	for (k = 0; k < ntod; k++) {
		int hh = (int)floor(tods[k] / 60.0);
		int mm = (int)floor(tods[k] - 60.0 * hh);
		bs_csv_num(out, tods[k] / 60.0);
		fprintf(out, ",%02d:%02d", hh, mm);
		for (w = 0; w < nw; w++) {
			struct bs_stat st;
			for (r = 0; r < nrep; r++) {
				size_t c = (r * nw + w) * ntod + k;
				x[r] = cnt[c] > 0.0 ? sum[c] / cnt[c]
						    : (double)NAN;
			}
			if (bs_stat_compute(x, nrep, 1, &st)) {
				rc = nomem(err, timeseries_csv);
				goto out;
			}
			put_triplet(out, st.mean, st.ci_lo, st.ci_hi);
		}
		fputc('\n', out);
	}
	rc = finish(out, err);
out:
	free(reps);
	free(tods);
	free(sum);
	free(cnt);
	free(x);
	free(L.s);
	names_release(&L.wards);
	return rc;
}

/* ---- matrices -------------------------------------------------------------- */

int bs_plotdata_matrix(json_t *summary, const char *member, const char *file,
		       FILE *out, struct bs_error *err)
{
	json_t *m = json_object_get(summary, member), *row, *v;
	const char *a, *b;

	if (!json_is_object(m) || json_object_size(m) == 0) {
		bs_error_set(err, BS_E_INPUT, file, 0, 0, member,
			     "missing or empty; expected a bssim summary.json with a ward x ward \"%s\" object",
			     member);
		return BS_E_INPUT;
	}
	fputs("from/to", out);
	json_object_foreach(m, a, row) {
		fputc(',', out);
		bs_csv_put(out, a);
	}
	fputc('\n', out);
	json_object_foreach(m, a, row) {
		if (!json_is_object(row)) {
			bs_error_set(err, BS_E_INPUT, file, 0, 0, member,
				     "the row of '%s' is not an object; expected {ward: number, ...}",
				     a);
			return BS_E_INPUT;
		}
		bs_csv_put(out, a);
		json_object_foreach(m, b, v) {
			json_t *x = json_object_get(row, b);
			if (!x || !(json_is_number(x) || json_is_null(x))) {
				bs_error_set(err, BS_E_INPUT, file, 0, 0, member,
					     "no number for '%s' -> '%s'; expected a square ward x ward matrix",
					     a, b);
				return BS_E_INPUT;
			}
			fputc(',', out);
			bs_csv_num(out, jnum(x));
		}
		fputc('\n', out);
	}
	return finish(out, err);
}

/* ---- ports ----------------------------------------------------------------- */

static void put_text(FILE *out, const json_t *v)
{
	char buf[64];

	if (json_is_string(v)) {
		bs_csv_put(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld",
			 (long long)json_integer_value(v));
		fputs(buf, out);
	} else if (json_is_number(v)) {
		bs_csv_num(out, json_number_value(v));
	}
}

/* A FeatureCollection of Points with numeric capacity and empty_frac, as
 * bssim writes stations.geojson; NULL with err filled. New reference. */
static json_t *ports_load(const char *geojson, struct bs_error *err)
{
	json_t *doc = bs_json_load_file(geojson, BS_MAX_JSON_FILE,
					"the stations.geojson of a bssim run (a run writes it with output.geojson: true or --geojson)",
					JSON_REJECT_DUPLICATES, err);
	json_t *feats, *f;
	size_t i;

	if (!doc)
		return NULL;
	feats = json_object_get(doc, "features");
	if (!json_is_string(json_object_get(doc, "type")) ||
	    strcmp(json_string_value(json_object_get(doc, "type")),
		   "FeatureCollection") != 0 ||
	    !json_is_array(feats)) {
		bs_error_set(err, BS_E_INPUT, geojson, 0, 0, "type",
			     "expected a GeoJSON FeatureCollection with \"features\"");
		goto bad;
	}
	if (json_array_size(feats) == 0) {
		bs_error_set(err, BS_E_INPUT, geojson, 0, 0, "features",
			     "empty; expected one feature per port");
		goto bad;
	}
	json_array_foreach(feats, i, f) {
		json_t *g = json_object_get(f, "geometry");
		json_t *c = json_object_get(g, "coordinates");
		json_t *p = json_object_get(f, "properties");
		json_t *ef = json_object_get(p, "empty_frac");
		char key[64];

		snprintf(key, sizeof(key), "features[%zu]", i);
		if (!json_is_string(json_object_get(g, "type")) ||
		    strcmp(json_string_value(json_object_get(g, "type")),
			   "Point") != 0 ||
		    !json_is_array(c) || json_array_size(c) < 2 ||
		    !json_is_number(json_array_get(c, 0)) ||
		    !json_is_number(json_array_get(c, 1))) {
			bs_error_set(err, BS_E_INPUT, geojson, 0, 0, key,
				     "expected a Point geometry with coordinates [lon, lat]");
			goto bad;
		}
		if (!json_is_object(p) ||
		    !json_is_number(json_object_get(p, "capacity")) ||
		    !(json_is_number(ef) || json_is_null(ef))) {
			bs_error_set(err, BS_E_INPUT, geojson, 0, 0, key,
				     "expected properties with a numeric \"capacity\" and \"empty_frac\" (as bssim writes stations.geojson)");
			goto bad;
		}
	}
	return doc;
bad:
	json_decref(doc);
	return NULL;
}

static double coord(json_t *f, size_t k)
{
	return json_number_value(json_array_get(
		json_object_get(json_object_get(f, "geometry"), "coordinates"),
		k));
}

int bs_plotdata_ports(const char *geojson, FILE *out, struct bs_error *err)
{
	json_t *doc = ports_load(geojson, err), *f;
	size_t i;
	int rc;

	if (!doc)
		return BS_E_INPUT;
	fputs("station_id,ward,lon,lat,capacity,empty_frac,full_frac,mean_bikes\n",
	      out);
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *p = json_object_get(f, "properties");
		put_text(out, json_object_get(p, "station_id"));
		fputc(',', out);
		put_text(out, json_object_get(p, "ward"));
		fputc(',', out);
		bs_csv_num(out, coord(f, 0));
		fputc(',', out);
		bs_csv_num(out, coord(f, 1));
		fputc(',', out);
		bs_csv_num(out, jnum(json_object_get(p, "capacity")));
		fputc(',', out);
		bs_csv_num(out, jnum(json_object_get(p, "empty_frac")));
		fputc(',', out);
		bs_csv_num(out, jnum(json_object_get(p, "full_frac")));
		fputc(',', out);
		bs_csv_num(out, jnum(json_object_get(p, "mean_bikes")));
		fputc('\n', out);
	}
	rc = finish(out, err);
	json_decref(doc);
	return rc;
}

int bs_plotdata_wards(const char *geojson, FILE *out, struct bs_error *err)
{
	json_t *doc = ports_load(geojson, err), *f;
	struct names wards = {0};
	double *acc = NULL; /* [ward][lon, lat, ports, docks] */
	size_t i, cap = 0;
	int rc = 0;

	if (!doc)
		return BS_E_INPUT;
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *p = json_object_get(f, "properties");
		const char *w = json_string_value(json_object_get(p, "ward"));
		long k = names_add(&wards, w ? w : "");
		if (k < 0)
			goto nomem;
		if (wards.n > cap) {
			double *a = realloc(acc, wards.cap * 4 * sizeof(double));
			if (!a)
				goto nomem;
			acc = a;
			memset(acc + cap * 4, 0,
			       (wards.cap - cap) * 4 * sizeof(double));
			cap = wards.cap;
		}
		acc[k * 4 + 0] += coord(f, 0);
		acc[k * 4 + 1] += coord(f, 1);
		acc[k * 4 + 2] += 1.0;
		acc[k * 4 + 3] += jnum(json_object_get(p, "capacity"));
	}
	fputs("ward,lon,lat,ports,capacity\n", out);
	for (i = 0; i < wards.n; i++) {
		bs_csv_put(out, wards.v[i]);
		fputc(',', out);
		bs_csv_num(out, acc[i * 4 + 0] / acc[i * 4 + 2]);
		fputc(',', out);
		bs_csv_num(out, acc[i * 4 + 1] / acc[i * 4 + 2]);
		fputc(',', out);
		bs_csv_num(out, acc[i * 4 + 2]);
		fputc(',', out);
		bs_csv_num(out, acc[i * 4 + 3]);
		fputc('\n', out);
	}
	rc = finish(out, err);
	goto out;
nomem:
	rc = nomem(err, geojson);
out:
	free(acc);
	names_release(&wards);
	json_decref(doc);
	return rc;
}

/* ---- sweeps ---------------------------------------------------------------- */

#define SWEEP_TAIL "metric,ward,mean,sd,ci95_low,ci95_high"

static struct bs_plotdata_row *add_row(struct bs_plotdata_sweep *sw,
				       size_t *cap)
{
	struct bs_plotdata_row *row;

	if (sw->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct bs_plotdata_row *r =
			realloc(sw->rows, nc * sizeof(*r));
		if (!r)
			return NULL;
		sw->rows = r;
		*cap = nc;
	}
	row = &sw->rows[sw->n];
	memset(row, 0, sizeof(*row));
	row->val = calloc(sw->nkeys ? sw->nkeys : 1, sizeof(char *));
	if (!row->val)
		return NULL;
	sw->n++;
	return row;
}

struct sw_load {
	const char *file;
	struct bs_plotdata_sweep *sw;
	size_t ncol, cap;
};

static int sw_header(struct sw_load *L, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	static const char *const want[6] = {"metric", "ward", "mean", "sd",
					    "ci95_low", "ci95_high"};
	size_t i, k;

	if (r->n < 7 || strcmp(r->f[0], "point") != 0) {
		bs_error_row(err, L->file, 1, NULL,
			     "expected the header point,<one column per varied key>," SWEEP_TAIL);
		return BS_E_INPUT;
	}
	for (i = 0; i < 6; i++)
		if (strcmp(r->f[r->n - 6 + i], want[i]) != 0) {
			bs_error_row(err, L->file, 1, r->f[r->n - 6 + i],
				     "expected the header to end with " SWEEP_TAIL);
			return BS_E_INPUT;
		}
	L->ncol = r->n;
	L->sw->nkeys = r->n - 7;
	L->sw->keys = calloc(L->sw->nkeys ? L->sw->nkeys : 1, sizeof(char *));
	if (!L->sw->keys)
		return nomem(err, L->file);
	for (k = 0; k < L->sw->nkeys; k++)
		if (!(L->sw->keys[k] = bs_strdup(r->f[1 + k])))
			return nomem(err, L->file);
	return 0;
}

static int sw_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	static const char *const num[4] = {"mean", "sd", "ci95_low",
					   "ci95_high"};
	struct sw_load *L = ud;
	struct bs_plotdata_sweep *sw = L->sw;
	struct bs_plotdata_row *row;
	uint64_t point;
	double v[4];
	size_t k, base;

	if (r->row == 1)
		return sw_header(L, r, err);
	if (r->n != L->ncol) {
		bs_error_row(err, L->file, r->row, NULL,
			     "%zu fields; expected %zu, as in the header", r->n,
			     L->ncol);
		return BS_E_INPUT;
	}
	if (bs_parse_u64(r->f[0], &point) || point == 0 || point > 1000000000) {
		bs_error_row(err, L->file, r->row, "point",
			     "'%s': expected a point number from 1", r->f[0]);
		return BS_E_INPUT;
	}
	base = r->n - 6;
	for (k = 0; k < 4; k++)
		if (parse_num(r->f[base + 2 + k], &v[k])) {
			bs_error_row(err, L->file, r->row, num[k],
				     "'%s': expected a number (or NaN)",
				     r->f[base + 2 + k]);
			return BS_E_INPUT;
		}
	if (!(row = add_row(sw, &L->cap)))
		return nomem(err, L->file);
	row->point = (long)point;
	for (k = 0; k < sw->nkeys; k++)
		if (!(row->val[k] = bs_strdup(r->f[1 + k])))
			return nomem(err, L->file);
	row->metric = bs_strdup(r->f[base]);
	row->ward = bs_strdup(r->f[base + 1]);
	if (!row->metric || !row->ward)
		return nomem(err, L->file);
	row->mean = v[0];
	row->sd = v[1];
	row->lo = v[2];
	row->hi = v[3];
	return 0;
}

struct bs_plotdata_sweep *bs_plotdata_sweep_load(const char *path,
						 struct bs_error *err)
{
	struct bs_plotdata_sweep *sw = calloc(1, sizeof(*sw));
	struct sw_load L;

	if (!sw) {
		nomem(err, path);
		return NULL;
	}
	memset(&L, 0, sizeof(L));
	L.file = path;
	L.sw = sw;
	if (bs_csv_read_file(path, sw_row, &L, err)) {
		bs_plotdata_sweep_free(sw);
		return NULL;
	}
	if (sw->n == 0) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "no rows; expected one row per point, metric and ward");
		bs_plotdata_sweep_free(sw);
		return NULL;
	}
	return sw;
}

/* Rows of one run's metrics object for one ward. */
static int add_metrics(struct bs_plotdata_sweep *sw, size_t *cap, long point,
		       const char *label, const char *agreement,
		       json_t *metrics, const char *ward)
{
	const char *name;
	json_t *st;

	json_object_foreach(metrics, name, st) {
		struct bs_plotdata_row *row = add_row(sw, cap);
		if (!row)
			return BS_E_NOMEM;
		row->point = point;
		row->val[0] = bs_strdup(label);
		row->val[1] = bs_strdup(agreement);
		row->metric = bs_strdup(name);
		row->ward = bs_strdup(ward);
		if (!row->val[0] || !row->val[1] || !row->metric || !row->ward)
			return BS_E_NOMEM;
		row->mean = jnum(json_object_get(st, "mean"));
		row->sd = jnum(json_object_get(st, "sd"));
		row->lo = jnum(json_object_get(st, "ci95_low"));
		row->hi = jnum(json_object_get(st, "ci95_high"));
	}
	return 0;
}

struct bs_plotdata_sweep *
bs_plotdata_sweep_from_runs(json_t *const *summaries,
			    const char *const *labels,
			    const char *const *files, size_t n,
			    struct bs_error *err)
{
	struct bs_plotdata_sweep *sw = calloc(1, sizeof(*sw));
	size_t i, cap = 0;

	if (!sw || !(sw->keys = calloc(2, sizeof(char *))))
		goto nomem;
	sw->nkeys = 2;
	sw->keys[0] = bs_strdup("run");
	sw->keys[1] = bs_strdup("agreement.type");
	if (!sw->keys[0] || !sw->keys[1])
		goto nomem;
	for (i = 0; i < n; i++) {
		json_t *m = json_object_get(summaries[i], "metrics");
		json_t *wards = json_object_get(summaries[i], "wards"), *wo;
		const char *agr = json_string_value(json_object_get(
			json_object_get(json_object_get(summaries[i], "scenario"),
					"agreement"),
			"type"));
		const char *wn;

		if (!json_is_object(m)) {
			bs_error_set(err, BS_E_INPUT, files[i], 0, 0, "metrics",
				     "missing; expected a bssim summary.json");
			bs_plotdata_sweep_free(sw);
			return NULL;
		}
		if (add_metrics(sw, &cap, (long)i + 1, labels[i],
				agr ? agr : "", m, "all"))
			goto nomem;
		json_object_foreach(wards, wn, wo) {
			if (add_metrics(sw, &cap, (long)i + 1, labels[i],
					agr ? agr : "",
					json_object_get(wo, "metrics"), wn))
				goto nomem;
		}
	}
	return sw;
nomem:
	bs_plotdata_sweep_free(sw);
	nomem(err, n ? files[0] : NULL);
	return NULL;
}

int bs_plotdata_sweep_write_csv(const struct bs_plotdata_sweep *sw,
				FILE *out)
{
	size_t i, k;

	fputs("point", out);
	for (k = 0; k < sw->nkeys; k++) {
		fputc(',', out);
		bs_csv_put(out, sw->keys[k]);
	}
	fputs("," SWEEP_TAIL "\n", out);
	for (i = 0; i < sw->n; i++) {
		const struct bs_plotdata_row *r = &sw->rows[i];
		fprintf(out, "%ld", r->point);
		for (k = 0; k < sw->nkeys; k++) {
			fputc(',', out);
			bs_csv_put(out, r->val[k]);
		}
		fputc(',', out);
		bs_csv_put(out, r->metric);
		fputc(',', out);
		bs_csv_put(out, r->ward);
		fputc(',', out);
		bs_csv_num(out, r->mean);
		fputc(',', out);
		bs_csv_num(out, r->sd);
		fputc(',', out);
		bs_csv_num(out, r->lo);
		fputc(',', out);
		bs_csv_num(out, r->hi);
		fputc('\n', out);
	}
	return fflush(out) || ferror(out) ? BS_E_IO : 0;
}

/* Does key k take more than one value, and are all its values numbers? */
static void key_shape(const struct bs_plotdata_sweep *sw, size_t k,
		      int *varies, int *numeric)
{
	size_t i;
	double d;

	*varies = 0;
	*numeric = 1;
	for (i = 0; i < sw->n; i++) {
		if (strcmp(sw->rows[i].val[k], sw->rows[0].val[k]) != 0)
			*varies = 1;
		if (bs_parse_double(sw->rows[i].val[k], &d))
			*numeric = 0;
	}
}

int bs_plotdata_sweep_pick_x(const struct bs_plotdata_sweep *sw,
			     const char *want, struct bs_error *err)
{
	size_t k;
	int varies, numeric, first_varying = -1;

	if (sw->nkeys == 0) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "the sweep varies no key; expected at least one column between point and metric");
		return -1;
	}
	if (want) {
		for (k = 0; k < sw->nkeys; k++)
			if (strcmp(sw->keys[k], want) == 0)
				return (int)k;
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, want,
			     "not a varied key of the sweep");
		return -1;
	}
	for (k = 0; k < sw->nkeys; k++) {
		key_shape(sw, k, &varies, &numeric);
		if (varies && numeric)
			return (int)k;
		if (varies && first_varying < 0)
			first_varying = (int)k;
	}
	return first_varying >= 0 ? first_varying : 0;
}

struct xval {
	char *text;
	double x;
	size_t first; /* order of first appearance */
};

static int cmp_xval(const void *a, const void *b)
{
	const struct xval *p = a, *q = b;

	if (p->x != q->x)
		return (p->x > q->x) - (p->x < q->x);
	return (p->first > q->first) - (p->first < q->first);
}

/* The values of the keys marked in inlabel, joined with ", " (each cut at
 * 1000 bytes; lcap has room for that), or the metric's name when none. */
static void series_label(const struct bs_plotdata_sweep *sw,
			 const struct bs_plotdata_row *r, const int *inlabel,
			 const char *metric, char *label, size_t lcap)
{
	size_t k, used = 0;

	label[0] = '\0';
	for (k = 0; k < sw->nkeys; k++) {
		if (!inlabel[k])
			continue;
		used += (size_t)snprintf(label + used, lcap - used, "%s%.1000s",
					 used ? ", " : "", r->val[k]);
	}
	if (!used)
		snprintf(label, lcap, "%s", metric);
}

int bs_plotdata_sweep_series(const struct bs_plotdata_sweep *sw, int xkey,
			     const char *metric, const char *ward, FILE *out,
			     struct bs_error *err)
{
	struct names xs = {0}, ss = {0};
	size_t *match = NULL, nm = 0, i, k, j, nx, ns;
	int *inlabel = NULL, numeric = 1, rc = 0;
	struct xval *xv = NULL;
	size_t *xorder = NULL;
	double *grid = NULL;
	char *label = NULL;
	size_t lcap = 1;

	if (xkey < 0 || (size_t)xkey >= sw->nkeys) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "no x key; expected a varied key of the sweep");
		return BS_E_INPUT;
	}
	match = malloc((sw->n ? sw->n : 1) * sizeof(size_t));
	inlabel = calloc(sw->nkeys, sizeof(int));
	if (!match || !inlabel)
		goto nomem;
	for (i = 0; i < sw->n; i++)
		if (strcmp(sw->rows[i].metric, metric) == 0 &&
		    strcmp(sw->rows[i].ward, ward) == 0)
			match[nm++] = i;
	if (nm == 0) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, metric,
			     "the sweep has no row for metric '%s' and ward '%s'",
			     metric, ward);
		rc = BS_E_INPUT;
		goto out;
	}
	/* the series: every other key that varies among these rows */
	for (k = 0; k < sw->nkeys; k++) {
		if ((int)k == xkey)
			continue;
		for (j = 1; j < nm; j++)
			if (strcmp(sw->rows[match[j]].val[k],
				   sw->rows[match[0]].val[k]) != 0) {
				inlabel[k] = 1;
				break;
			}
	}
	lcap += strlen(metric);
	for (k = 0; k < sw->nkeys; k++)
		if (inlabel[k])
			lcap += strlen(", ") + 1001;
	if (!(label = malloc(lcap)))
		goto nomem;
	/* x values and series labels, in order of first appearance */
	for (j = 0; j < nm; j++) {
		const struct bs_plotdata_row *r = &sw->rows[match[j]];
		double d;
		if (names_add(&xs, r->val[xkey]) < 0)
			goto nomem;
		if (bs_parse_double(r->val[xkey], &d))
			numeric = 0;
	}
	nx = xs.n;
	xv = malloc(nx * sizeof(*xv));
	xorder = malloc(nx * sizeof(size_t));
	if (!xv || !xorder)
		goto nomem;
	for (i = 0; i < nx; i++) {
		xv[i].text = xs.v[i];
		xv[i].first = i;
		if (!numeric || bs_parse_double(xs.v[i], &xv[i].x))
			xv[i].x = (double)(i + 1);
	}
	qsort(xv, nx, sizeof(*xv), cmp_xval);
	for (i = 0; i < nx; i++)
		xorder[xv[i].first] = i; /* row of the table for value i */

	/* series label of each matching row */
	for (j = 0; j < nm; j++) {
		const struct bs_plotdata_row *r = &sw->rows[match[j]];
		series_label(sw, r, inlabel, metric, label, lcap);
		if (names_add(&ss, label) < 0)
			goto nomem;
	}
	ns = ss.n;
	if (!(grid = malloc(nx * ns * 3 * sizeof(double))))
		goto nomem;
	for (i = 0; i < nx * ns * 3; i++)
		grid[i] = (double)NAN;
	for (j = 0; j < nm; j++) {
		const struct bs_plotdata_row *r = &sw->rows[match[j]];
		size_t xi, si;
		series_label(sw, r, inlabel, metric, label, lcap);
		xi = xorder[(size_t)names_find(&xs, r->val[xkey])];
		si = (size_t)names_find(&ss, label);
		grid[(xi * ns + si) * 3 + 0] = r->mean;
		grid[(xi * ns + si) * 3 + 1] = r->lo;
		grid[(xi * ns + si) * 3 + 2] = r->hi;
	}

	bs_csv_put(out, sw->keys[xkey]);
	fputs(",label", out);
	for (i = 0; i < ns; i++)
		put_triplet_header(out, ss.v[i]);
	fputc('\n', out);
	for (i = 0; i < nx; i++) {
		bs_csv_num(out, xv[i].x);
		fputc(',', out);
		bs_csv_put(out, xv[i].text);
		for (j = 0; j < ns; j++)
			put_triplet(out, grid[(i * ns + j) * 3 + 0],
				    grid[(i * ns + j) * 3 + 1],
				    grid[(i * ns + j) * 3 + 2]);
		fputc('\n', out);
	}
	rc = finish(out, err);
	goto out;
nomem:
	rc = nomem(err, NULL);
out:
	free(match);
	free(inlabel);
	free(xv);
	free(xorder);
	free(grid);
	free(label);
	names_release(&xs);
	names_release(&ss);
	return rc;
}

void bs_plotdata_sweep_free(struct bs_plotdata_sweep *sw)
{
	size_t i, k;

	if (!sw)
		return;
	for (i = 0; i < sw->n; i++) {
		for (k = 0; k < sw->nkeys; k++)
			free(sw->rows[i].val[k]);
		free(sw->rows[i].val);
		free(sw->rows[i].metric);
		free(sw->rows[i].ward);
	}
	free(sw->rows);
	if (sw->keys)
		for (k = 0; k < sw->nkeys; k++)
			free(sw->keys[k]);
	free(sw->keys);
	free(sw);
}
