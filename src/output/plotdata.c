/*
 * plotdata.c - tables shaped for plotting (see plotdata.h).
 *
 * Inputs are small (a run's time series is a few MB, a sweep a few
 * thousand rows), so everything is read into memory and looked up by
 * linear or binary search; clarity wins over speed here.
 */
#include "output/plotdata.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "input/jsonpos.h"
#include "output/output.h"
#include "output/plot_internal.h"
#include "stats/metrics.h"

/* ---- helpers ------------------------------------------------------------- */


long bs__plot_names_find(const struct bs__names *nm, const char *s)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], s) == 0)
			return (long)i;
	return -1;
}

/* Index of s, added when new; -1 when out of memory. */
long bs__plot_names_add(struct bs__names *nm, const char *s)
{
	long i = bs__plot_names_find(nm, s);

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

void bs__plot_names_release(struct bs__names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

/* A number as sweep.csv writes it: decimals, or NaN / empty for none. */
int bs__plot_parse_num(const char *s, double *out)
{
	if (!*s || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0) {
		*out = (double)NAN;
		return 0;
	}
	return bs_parse_double(s, out);
}

/* A JSON number, or NaN for null or a missing value. */
double bs__plot_jnum(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* "name" + suffix as one CSV field. */
void bs__plot_put_suffixed(FILE *out, const char *name, const char *suffix)
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

void bs__plot_put_triplet_header(FILE *out, const char *name)
{
	fputc(',', out);
	bs_csv_put(out, name);
	fputc(',', out);
	bs__plot_put_suffixed(out, name, "_lo");
	fputc(',', out);
	bs__plot_put_suffixed(out, name, "_hi");
}

void bs__plot_put_triplet(FILE *out, double mean, double lo, double hi)
{
	fputc(',', out);
	bs_csv_num(out, mean);
	fputc(',', out);
	bs_csv_num(out, lo);
	fputc(',', out);
	bs_csv_num(out, hi);
}

int bs__plot_finish(FILE *out, struct bs_error *err)
{
	if (fflush(out) || ferror(out)) {
		bs_error_set(err, BS_E_IO, NULL, 0, 0, NULL,
			     "cannot write the table");
		return BS_E_IO;
	}
	return 0;
}

int bs__plot_nomem(struct bs_error *err, const char *file)
{
	bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
	return BS_E_NOMEM;
}

int bs__plot_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort and keep distinct values; returns the new count. */
size_t bs__plot_sort_unique(double *v, size_t n)
{
	size_t i, k = 0;

	qsort(v, n, sizeof(double), bs__plot_cmp_double);
	for (i = 0; i < n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

size_t bs__plot_find_sorted(const double *v, size_t n, double x)
{
	const double *p = bsearch(&x, v, n, sizeof(double), bs__plot_cmp_double);

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
	struct bs__names wards;
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
	if (bs__plot_parse_num(r->f[L->idx[3]], &v)) {
		bs_error_row(err, L->file, r->row, cols[3],
			     "'%s': expected a number", r->f[L->idx[3]]);
		return BS_E_INPUT;
	}
	if ((w = bs__plot_names_add(&L->wards, r->f[L->idx[2]])) < 0)
		return bs__plot_nomem(err, L->file);
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 4096;
		struct ts_sample *s = realloc(L->s, nc * sizeof(*s));
		if (!s)
			return bs__plot_nomem(err, L->file);
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
		rc = bs__plot_nomem(err, timeseries_csv);
		goto out;
	}
	for (i = 0; i < L.n; i++) {
		reps[i] = L.s[i].rep;
		tods[i] = L.s[i].tod;
	}
	nrep = bs__plot_sort_unique(reps, L.n);
	ntod = bs__plot_sort_unique(tods, L.n);
	if (bs_size_mul(nrep * nw, ntod, &cells)) {
		rc = bs__plot_nomem(err, timeseries_csv);
		goto out;
	}
	sum = calloc(cells, sizeof(double));
	cnt = calloc(cells, sizeof(double));
	x = malloc(nrep * sizeof(double));
	if (!sum || !cnt || !x) {
		rc = bs__plot_nomem(err, timeseries_csv);
		goto out;
	}
	/* per replication, ward and time of day: the mean over days */
	for (i = 0; i < L.n; i++) {
		size_t c = (bs__plot_find_sorted(reps, nrep, L.s[i].rep) * nw +
			    L.s[i].ward) * ntod +
			   bs__plot_find_sorted(tods, ntod, L.s[i].tod);
		sum[c] += L.s[i].v;
		cnt[c] += 1.0;
	}

	fputs("hour,time", out);
	for (w = 0; w < nw; w++)
		bs__plot_put_triplet_header(out, L.wards.v[w]);
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
				rc = bs__plot_nomem(err, timeseries_csv);
				goto out;
			}
			bs__plot_put_triplet(out, st.mean, st.ci_lo, st.ci_hi);
		}
		fputc('\n', out);
	}
	rc = bs__plot_finish(out, err);
out:
	free(reps);
	free(tods);
	free(sum);
	free(cnt);
	free(x);
	free(L.s);
	bs__plot_names_release(&L.wards);
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
			bs_csv_num(out, bs__plot_jnum(x));
		}
		fputc('\n', out);
	}
	return bs__plot_finish(out, err);
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
		bs_csv_num(out, bs__plot_jnum(json_object_get(p, "capacity")));
		fputc(',', out);
		bs_csv_num(out, bs__plot_jnum(json_object_get(p, "empty_frac")));
		fputc(',', out);
		bs_csv_num(out, bs__plot_jnum(json_object_get(p, "full_frac")));
		fputc(',', out);
		bs_csv_num(out, bs__plot_jnum(json_object_get(p, "mean_bikes")));
		fputc('\n', out);
	}
	rc = bs__plot_finish(out, err);
	json_decref(doc);
	return rc;
}

int bs_plotdata_wards(const char *geojson, FILE *out, struct bs_error *err)
{
	json_t *doc = ports_load(geojson, err), *f;
	struct bs__names wards = {0};
	double *acc = NULL; /* [ward][lon, lat, ports, docks] */
	size_t i, cap = 0;
	int rc = 0;

	if (!doc)
		return BS_E_INPUT;
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *p = json_object_get(f, "properties");
		const char *w = json_string_value(json_object_get(p, "ward"));
		long k = bs__plot_names_add(&wards, w ? w : "");
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
		acc[k * 4 + 3] += bs__plot_jnum(json_object_get(p, "capacity"));
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
	rc = bs__plot_finish(out, err);
	goto out;
nomem:
	rc = bs__plot_nomem(err, geojson);
out:
	free(acc);
	bs__plot_names_release(&wards);
	json_decref(doc);
	return rc;
}


/* ---- the entry point (bs_plotdata in bssim.h) ------------------------------ */

/* Runs' summaries, their labels (as bs_output_run_labels names them) and
 * file names into r. 0, or an error code with err filled. */
int bs__plot_load_runs(const char *const *dirs, size_t n,
		       struct bs__runs *r, struct bs_error *err)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->docs = calloc(n, sizeof(json_t *));
	r->labels = calloc(n, sizeof(char *));
	r->files = calloc(n, sizeof(char *));
	if (!r->docs || !r->labels || !r->files)
		return bs__plot_nomem(err, NULL);
	for (i = 0; i < n; i++) {
		char buf[4096];
		const char *f = bs_output_input_file(dirs[i], "summary.json", buf,
						     sizeof(buf));
		if (!(r->files[i] = bs_strdup(f)))
			return bs__plot_nomem(err, NULL);
		if (!(r->docs[i] = bs_output_load_summary(f, err)))
			return err && err->code ? err->code : BS_E_INPUT;
	}
	if (bs_output_run_labels((char *const *)dirs, r->docs, n, r->labels))
		return bs__plot_nomem(err, NULL);
	return 0;
}

void bs__plot_free_runs(struct bs__runs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->docs)
			json_decref(r->docs[i]);
		if (r->files)
			free(r->files[i]);
		if (r->labels)
			free(r->labels[i]);
	}
	free(r->docs);
	free(r->labels);
	free(r->files);
	memset(r, 0, sizeof(*r));
}

/* Runs side by side, on one network (else refused: their metrics do not
 * compare in one plot). */
static int plot_compare(const char *const *dirs, size_t n, FILE *out,
			struct bs_error *err)
{
	struct bs__runs r;
	struct bs_plotdata_sweep *sw = NULL;
	int rc;

	if ((rc = bs__plot_load_runs(dirs, n, &r, err)) ||
	    (rc = bs_plotdata_runs_comparable((char *const *)dirs, r.docs, n, 0,
					      err)))
		goto out;
	sw = bs_plotdata_sweep_from_runs(r.docs, (const char *const *)r.labels,
					 (const char *const *)r.files, n, err);
	if (!sw) {
		rc = err && err->code ? err->code : BS_E_NOMEM;
		goto out;
	}
	rc = bs_plotdata_sweep_write_csv(sw, out);
out:
	bs_plotdata_sweep_free(sw);
	bs__plot_free_runs(&r);
	return rc;
}

/* names RUN: a run's folder or summary.json, or a sweep's folder or
 * sweep.json (the names of its first point) */
static int plot_names(const char *in, FILE *out, struct bs_error *err)
{
	char buf[4096], sj[4096];
	const char *f = bs_output_input_file(in, "summary.json", buf, sizeof(buf));
	size_t len = strlen(in);
	int sweep = len >= 10 && !strcmp(in + len - 10, "sweep.json");
	json_t *doc, *pt;
	int rc;

	/* a folder without summary.json but with sweep.json: a sweep's */
	if (!sweep && f != in && access(f, F_OK) != 0 &&
	    access(bs_output_input_file(in, "sweep.json", sj, sizeof(sj)), F_OK) == 0) {
		f = sj;
		sweep = 1;
	}
	if (!sweep) {
		if (!(doc = bs_output_load_summary(f, err)))
			return err && err->code ? err->code : BS_E_INPUT;
		rc = bs_plotdata_names(doc, out, err);
		json_decref(doc);
		return rc;
	}
	doc = bs_json_load_file(f, BS_MAX_JSON_FILE, "a sweep's sweep.json", 0, err);
	if (!doc)
		return err && err->code ? err->code : BS_E_INPUT;
	pt = json_array_get(json_object_get(doc, "points"), 0);
	if (!json_is_object(pt)) {
		bs_error_set(err, BS_E_INPUT, f, 0, 0, "points",
			     "missing or empty; expected a bssim sweep.json");
		json_decref(doc);
		return BS_E_INPUT;
	}
	rc = bs_plotdata_names(pt, out, err);
	json_decref(doc);
	return rc;
}

/* sweep SWEEP METRIC [RUN]: with RUN, labels in RUN's language and ward
 * names (the compare.csv of runs side by side has no sweep.json) */
static int plot_sweep(const char *in, const char *metric, const char *lang,
		      const char *ward, const char *x, FILE *out,
		      struct bs_error *err)
{
	char buf[4096], sb[4096];
	const char *f = bs_output_input_file(in, "sweep.csv", buf, sizeof(buf));
	struct bs_plotdata_sweep *sw = bs_plotdata_sweep_load(f, err);
	int k, rc;

	if (!sw)
		return err && err->code ? err->code : BS_E_INPUT;
	if (lang) {
		const char *s = bs_output_input_file(lang, "summary.json", sb,
						     sizeof(sb));
		json_t *doc = bs_output_load_summary(s, err);
		if (!doc) {
			bs_plotdata_sweep_free(sw);
			return err && err->code ? err->code : BS_E_INPUT;
		}
		bs_plotdata_sweep_language(sw, doc);
		json_decref(doc);
	}
	k = bs_plotdata_sweep_pick_x(sw, x, err);
	if (k < 0) {
		if (err)
			bs_strlcpy(err->file, f, sizeof(err->file));
		bs_plotdata_sweep_free(sw);
		return BS_E_INPUT;
	}
	rc = bs_plotdata_sweep_series(sw, k, metric, ward ? ward : "all", out,
				      err);
	if (rc == BS_E_INPUT && err)
		bs_strlcpy(err->file, f, sizeof(err->file));
	bs_plotdata_sweep_free(sw);
	return rc;
}

int bs_plotdata(const char *kind, const char *const *args, size_t nargs,
		const char *ward, const char *x, FILE *out,
		struct bs_error *err)
{
	char buf[4096];
	size_t i;
	int rc;

	assert(kind && (args || !nargs) && out);
	/* the inputs are finished results: a commit a killed run left is
	 * finished first (output.h) */
	for (i = 0; i < nargs; i++)
		bs_outdir_settle(args[i]);
	if (!strcmp(kind, "timeofday") && nargs == 2)
		return bs_plotdata_timeofday(
			bs_output_input_file(args[0], "timeseries.csv", buf,
					     sizeof(buf)),
			args[1], out, err);
	if (!strcmp(kind, "days") && nargs == 1)
		return bs_plotdata_days(bs_output_input_file(args[0], "days.csv",
							     buf, sizeof(buf)),
					ward, out, err);
	if (!strcmp(kind, "matrix") && (nargs == 1 || nargs == 2)) {
		const char *f, *name = nargs > 1 ? args[1] : "flows";
		json_t *doc;
		if (strcmp(name, "flows") && strcmp(name, "settlement_yen")) {
			bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "matrix",
				     "'%s': expected flows or settlement_yen", name);
			return BS_E_INPUT;
		}
		f = bs_output_input_file(args[0], "summary.json", buf, sizeof(buf));
		if (!(doc = bs_output_load_summary(f, err)))
			return err && err->code ? err->code : BS_E_INPUT;
		rc = bs_plotdata_matrix(doc, name, f, out, err);
		json_decref(doc);
		return rc;
	}
	if (!strcmp(kind, "ports") && nargs == 1)
		return bs_plotdata_ports(bs_output_input_file(args[0],
							      "stations.geojson",
							      buf, sizeof(buf)),
					 out, err);
	if (!strcmp(kind, "wards") && nargs == 1)
		return bs_plotdata_wards(bs_output_input_file(args[0],
							      "stations.geojson",
							      buf, sizeof(buf)),
					 out, err);
	if (!strcmp(kind, "names") && nargs == 1)
		return plot_names(args[0], out, err);
	if (!strcmp(kind, "boundaries") && nargs == 1)
		return bs_plotdata_boundaries(
			bs_output_input_file(args[0], "wards.geojson", buf,
					     sizeof(buf)),
			out, err);
	if (!strcmp(kind, "compare") && nargs >= 1)
		return plot_compare(args, nargs, out, err);
	if (!strcmp(kind, "sweep") && (nargs == 2 || nargs == 3))
		return plot_sweep(args[0], args[1], nargs > 2 ? args[2] : NULL,
				  ward, x, out, err);
	if (!strcmp(kind, "diff") && nargs == 2)
		return bs_plotdata_diff_sweep(args[0], args[1], ward, x, out, err);
	if (!strcmp(kind, "diff") && nargs >= 3)
		return bs_plotdata_diff_runs(args + 1, nargs - 1, args[0], ward,
					     out, err);
	bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "kind",
		     "'%s' with %zu argument%s: expected timeofday RUN COLUMN, days RUN, matrix RUN [NAME], ports RUN, wards RUN, names RUN, boundaries RUN, compare RUN..., sweep SWEEP METRIC [RUN], diff SWEEP METRIC or diff METRIC RUN RUN...",
		     kind, nargs, nargs == 1 ? "" : "s");
	return BS_E_INPUT;
}
