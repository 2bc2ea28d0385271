/*
 * plotdiff.c - paired differences B - A as plotting series (see
 * plotdata.h): what a design with common random numbers should be read
 * by. Replication r of every sweep point, and of runs made with the same
 * seed, sees the same random streams, so the difference within each
 * replication varies far less than either value; drawing each point's own
 * interval instead makes a clear difference look like an overlap.
 *
 * The differences come from the replication files (sweep_replications.csv,
 * replications.csv), never from the means: only they carry the pairs.
 */
#include "output/plotdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "output/output.h"
#include "output/plot_internal.h"
#include "stats/compare.h"

#define MINUS " \xe2\x88\x92 " /* " − " */

/* ---- replication files ------------------------------------------------------ */

/* Values of one metric and ward: v[(point - 1) * R + rep - 1] once built;
 * read first as (point, replication, value) triples. */
struct rep_trip {
	size_t p, r;
	double v;
};

struct rep_grid {
	const char *file, *metric, *ward;
	long fixed_point; /* > 0: a run's replications.csv, this point */
	size_t P, R, ncol;
	struct rep_trip *t;
	size_t nt, cap;
	double *v;
};

static int grid_header(struct rep_grid *g, const struct bs_csv_row *r,
		       struct bs_error *err)
{
	size_t b = r->n;

	if (b < 4 || strcmp(r->f[b - 4], "replication") ||
	    strcmp(r->f[b - 3], "ward") || strcmp(r->f[b - 2], "metric") ||
	    strcmp(r->f[b - 1], "value") ||
	    (g->fixed_point <= 0 && strcmp(r->f[0], "point"))) {
		bs_error_row(err, g->file, 1, NULL,
			     "expected a header ending with replication,ward,metric,value (a bssim replications file)");
		return BS_E_INPUT;
	}
	g->ncol = r->n;
	return 0;
}

static int grid_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct rep_grid *g = ud;
	uint64_t point = (uint64_t)g->fixed_point, rep;
	size_t b;
	double x;

	if (r->row == 1)
		return grid_header(g, r, err);
	if (r->n != g->ncol) {
		bs_error_row(err, g->file, r->row, NULL,
			     "%zu fields; expected %zu, as in the header", r->n,
			     g->ncol);
		return BS_E_INPUT;
	}
	b = r->n - 4;
	if (strcmp(r->f[b + 1], g->ward) || strcmp(r->f[b + 2], g->metric))
		return 0;
	if ((g->fixed_point <= 0 &&
	     (bs_parse_u64(r->f[0], &point) || point == 0 || point > 1000000000)) ||
	    bs_parse_u64(r->f[b], &rep) || rep == 0 || rep > 10000 ||
	    bs__plot_parse_num(r->f[b + 3], &x)) {
		bs_error_row(err, g->file, r->row, NULL,
			     "expected a point number, a replication from 1 to 10000 and a number");
		return BS_E_INPUT;
	}
	if (g->nt == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 1024;
		struct rep_trip *t = realloc(g->t, nc * sizeof(*t));
		if (!t)
			return bs__plot_nomem(err, g->file);
		g->t = t;
		g->cap = nc;
	}
	g->t[g->nt].p = (size_t)point;
	g->t[g->nt].r = (size_t)rep;
	g->t[g->nt++].v = x;
	if (point > g->P)
		g->P = (size_t)point;
	if (rep > g->R)
		g->R = (size_t)rep;
	return 0;
}

/* Read the values of metric and ward of file, from point fixed (> 0) or
 * from the file's point column. Linear in the file. */
static int grid_read(struct rep_grid *g, const char *file, long fixed,
		     struct bs_error *err)
{
	g->file = file;
	g->fixed_point = fixed;
	return bs_csv_read_file(file, grid_row, g, err);
}

/* The P x R grid of what was read, NaN where nothing was. */
static int grid_build(struct rep_grid *g, size_t P, struct bs_error *err)
{
	size_t i, cells;

	if (P > g->P)
		g->P = P;
	if (bs_size_mul(g->P, g->R, &cells) ||
	    !(g->v = malloc((cells ? cells : 1) * sizeof(double))))
		return bs__plot_nomem(err, NULL);
	for (i = 0; i < cells; i++)
		g->v[i] = (double)NAN;
	for (i = 0; i < g->nt; i++)
		g->v[(g->t[i].p - 1) * g->R + g->t[i].r - 1] = g->t[i].v;
	return 0;
}

static void grid_release(struct rep_grid *g)
{
	free(g->t);
	free(g->v);
}

/* ---- runs -------------------------------------------------------------------- */

/* The network a run used, for telling runs apart: its stations file's
 * name and its wards. */
static void network_of(json_t *doc, char *buf, size_t sz)
{
	const char *st = json_string_value(json_object_get(json_object_get(
		json_object_get(doc, "scenario"), "network"), "stations"));
	const char *base = st ? strrchr(st, '/') : NULL, *w;
	size_t used;
	json_t *v;

	used = (size_t)snprintf(buf, sz, "%s (wards", st ? (base ? base + 1 : st) : "?");
	json_object_foreach(json_object_get(doc, "wards"), w, v)
		if (used < sz)
			used += (size_t)snprintf(buf + used, sz - used, " %s", w);
	if (used < sz)
		snprintf(buf + used, sz - used, ")");
}

int bs_plotdata_runs_comparable(char *const *dirs, json_t *const *docs,
				size_t n, int paired, struct bs_error *err)
{
	char a[600], b[600];
	size_t i;

	network_of(docs[0], a, sizeof(a));
	for (i = 1; i < n; i++) {
		network_of(docs[i], b, sizeof(b));
		if (strcmp(a, b) != 0) {
			bs_error_set(err, BS_E_INPUT, dirs[i], 0, 0, "network",
				     "ran on another network than %s: %s, not %s; runs on different networks do not compare in one plot",
				     dirs[0], b, a);
			return BS_E_INPUT;
		}
		if (paired &&
		    (!json_equal(json_object_get(docs[i], "seed"),
				 json_object_get(docs[0], "seed")) ||
		     !json_equal(json_object_get(docs[i], "replications"),
				 json_object_get(docs[0], "replications")))) {
			bs_error_set(err, BS_E_INPUT, dirs[i], 0, 0, "seed",
				     "another seed or number of replications than %s: its replications are not paired with that run's (common random numbers need both the same)",
				     dirs[0]);
			return BS_E_INPUT;
		}
	}
	return 0;
}

int bs_plotdata_runs_paired(char *const *dirs, json_t *const *docs, size_t n,
			    const char *metric, const char *ward,
			    struct bs_paired *out, struct bs_error *err)
{
	struct rep_grid g;
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	g.metric = metric;
	g.ward = ward ? ward : "all";
	if ((rc = bs_plotdata_runs_comparable(dirs, docs, n, 1, err)))
		return rc;
	for (i = 0; i < n && !rc; i++) {
		char buf[4096];
		rc = grid_read(&g, bs_output_input_file(dirs[i], "replications.csv",
							buf, sizeof(buf)),
			       (long)i + 1, err);
	}
	if (!rc)
		rc = grid_build(&g, n, err);
	for (i = 0; i < n && !rc; i++)
		if (bs_paired_compute(g.v, g.v + i * g.R, g.R, 1, &out[i]))
			rc = bs__plot_nomem(err, NULL);
	grid_release(&g);
	return rc;
}

/* ---- the series ---------------------------------------------------------------- */

struct xrow {
	const char *key; /* the row's x value and series, joined */
	size_t row;
};

static int cmp_xrow(const void *a, const void *b)
{
	return strcmp(((const struct xrow *)a)->key, ((const struct xrow *)b)->key);
}

/* The raw values of row r's series keys, joined by \x1f: what tells its
 * series from the baseline's. New string, or NULL. */
static char *series_key(const struct bs_plotdata_sweep *sw,
			const struct bs_plotdata_row *r, const int *inlabel)
{
	size_t k, len = 1;
	char *s;

	for (k = 0; k < sw->nkeys; k++)
		if (inlabel[k])
			len += strlen(r->val[k]) + 1;
	if (!(s = malloc(len)))
		return NULL;
	s[0] = '\0';
	for (k = 0; k < sw->nkeys; k++)
		if (inlabel[k]) {
			strcat(s, r->val[k]);
			strcat(s, "\x1f");
		}
	return s;
}

/* The readable series of row r (its inlabel keys' labels, " / "). */
static void series_text(const struct bs_plotdata_sweep *sw,
			const struct bs_plotdata_row *r, const int *inlabel,
			char *buf, size_t sz)
{
	size_t k, used = 0;
	char one[200];

	buf[0] = '\0';
	for (k = 0; k < sw->nkeys; k++)
		if (inlabel[k] && used < sz)
			used += (size_t)snprintf(buf + used, sz - used, "%s%s",
						 used ? " / " : "",
						 bs_plotdata_shown(sw, r, k, one,
								   sizeof(one)));
}

/*
 * The differences as a sweep of their own, drawn by
 * bs_plotdata_sweep_series: one key (x) and, when other keys vary, a
 * second "series" whose text is "<series> − <baseline series>"; the
 * metric's name becomes the table's single series' title otherwise.
 * base[j] is the baseline row of matched row j (or SIZE_MAX: left out).
 */
static struct bs_plotdata_sweep *
diff_sweep(const struct bs_plotdata_sweep *sw, int xkey, const size_t *match,
	   size_t nm, const size_t *base, const int *inlabel, int has_series,
	   const struct rep_grid *g, const char *title)
{
	struct bs_plotdata_sweep *d = calloc(1, sizeof(*d));
	char a[600], b[600], lab[1300];
	size_t j;

	if (!d || !(d->keys = calloc(2, sizeof(char *))) ||
	    !(d->rows = calloc(nm ? nm : 1, sizeof(*d->rows))))
		goto nomem;
	d->nkeys = has_series ? 2 : 1;
	d->keys[0] = bs_strdup(sw->keys[xkey]);
	if (!d->keys[0] || (has_series && !(d->keys[1] = bs_strdup("series"))))
		goto nomem;
	d->labels = json_incref(sw->labels);
	/* the x values' labels in the sweep's language */
	d->ja = sw->ja;
	d->names = json_incref(sw->names);
	for (j = 0; j < nm; j++) {
		const struct bs_plotdata_row *r = &sw->rows[match[j]];
		const struct bs_plotdata_row *q;
		struct bs_plotdata_row *o;
		struct bs_paired pr;
		if (base[j] == (size_t)-1)
			continue;
		q = &sw->rows[base[j]];
		if (bs_paired_compute(g->v + ((size_t)q->point - 1) * g->R,
				      g->v + ((size_t)r->point - 1) * g->R, g->R,
				      1, &pr))
			goto nomem;
		o = &d->rows[d->n++];
		o->point = r->point;
		if (!(o->val = calloc(2, sizeof(char *))) ||
		    !(o->val[0] = bs_strdup(r->val[xkey])))
			goto nomem;
		if (has_series) {
			series_text(sw, r, inlabel, a, sizeof(a));
			series_text(sw, q, inlabel, b, sizeof(b));
			snprintf(lab, sizeof(lab), "%s" MINUS "%s", a, b);
			if (!(o->val[1] = bs_strdup(lab)))
				goto nomem;
		}
		o->metric = bs_strdup(title);
		o->ward = bs_strdup(r->ward);
		if (!o->metric || !o->ward)
			goto nomem;
		o->mean = pr.diff;
		o->sd = pr.diff_sd;
		o->lo = pr.ci_lo;
		o->hi = pr.ci_hi;
	}
	return d;
nomem:
	if (d && d->rows && d->n == 0 && nm)
		d->n = 1; /* free what the first row holds */
	bs_plotdata_sweep_free(d);
	return NULL;
}

/*
 * The baseline row of each matched row (base[j], or (size_t)-1 for the
 * baseline series itself): with other keys varying, the row of the same x
 * value in the first row's series (full - isolated at each fleet size);
 * else the row of the smallest x (each point against the first). Sorted
 * lookups: O(n log n).
 */
static int find_bases(const struct bs_plotdata_sweep *sw, int xkey,
		      const size_t *match, size_t nm, const int *inlabel,
		      int has_series, size_t *base)
{
	struct xrow *br = NULL, want, *hit;
	char **sk = calloc(nm, sizeof(char *));
	size_t j, nb = 0, first = 0;
	int rc = BS_E_NOMEM;
	double x, best = 0.0;

	if (!sk || !(br = malloc(nm * sizeof(*br))))
		goto out;
	if (!has_series) {
		for (j = 0; j < nm; j++)
			if (!bs_parse_double(sw->rows[match[j]].val[xkey], &x) &&
			    (j == 0 || x < best)) {
				best = x;
				first = j;
			}
		for (j = 0; j < nm; j++)
			base[j] = match[first];
		rc = 0;
		goto out;
	}
	for (j = 0; j < nm; j++)
		if (!(sk[j] = series_key(sw, &sw->rows[match[j]], inlabel)))
			goto out;
	for (j = 0; j < nm; j++)
		if (!strcmp(sk[j], sk[0])) {
			br[nb].key = sw->rows[match[j]].val[xkey];
			br[nb++].row = match[j];
		}
	qsort(br, nb, sizeof(*br), cmp_xrow);
	for (j = 0; j < nm; j++) {
		base[j] = (size_t)-1;
		if (!strcmp(sk[j], sk[0]))
			continue;
		want.key = sw->rows[match[j]].val[xkey];
		hit = bsearch(&want, br, nb, sizeof(*br), cmp_xrow);
		if (hit)
			base[j] = hit->row;
	}
	rc = 0;
out:
	if (sk)
		for (j = 0; j < nm; j++)
			free(sk[j]);
	free(sk);
	free(br);
	return rc;
}

/* sweep_replications.csv beside the sweep.csv f, into buf. */
static const char *reps_file(const char *f, char *buf, size_t sz)
{
	const char *slash = strrchr(f, '/');

	snprintf(buf, sz, "%.*ssweep_replications.csv",
		 slash ? (int)(slash - f + 1) : 0, f);
	return buf;
}

int bs_plotdata_diff_sweep(const char *in, const char *metric,
			   const char *ward, const char *x, FILE *out,
			   struct bs_error *err)
{
	char buf[4096], rbuf[4200], title[700], shown[200];
	const char *f = bs_output_input_file(in, "sweep.csv", buf, sizeof(buf));
	struct bs_plotdata_sweep *sw = bs_plotdata_sweep_load(f, err), *d = NULL;
	struct rep_grid g;
	size_t *match = NULL, *base = NULL, nm = 0, j, k, P = 0;
	int *inlabel = NULL, xkey, rc = BS_E_INPUT, has_series = 0;

	memset(&g, 0, sizeof(g));
	if (!sw)
		return err && err->code ? err->code : BS_E_INPUT;
	if ((xkey = bs_plotdata_sweep_pick_x(sw, x, err)) < 0)
		goto out;
	ward = ward ? ward : "all";
	match = malloc(sw->n * sizeof(size_t));
	inlabel = calloc(sw->nkeys, sizeof(int));
	base = malloc(sw->n * sizeof(size_t));
	if (!match || !inlabel || !base)
		goto nomem;
	for (j = 0; j < sw->n; j++) {
		if (!strcmp(sw->rows[j].metric, metric) &&
		    !strcmp(sw->rows[j].ward, ward))
			match[nm++] = j;
		if ((size_t)sw->rows[j].point > P)
			P = (size_t)sw->rows[j].point;
	}
	if (!nm) {
		bs_error_set(err, BS_E_INPUT, f, 0, 0, metric,
			     "the sweep has no row for metric '%s' and ward '%s'",
			     metric, ward);
		goto out;
	}
	bs__plot_series_keys(sw, xkey, match, nm, inlabel);
	for (k = 0; k < sw->nkeys; k++)
		has_series |= inlabel[k];
	g.metric = metric;
	g.ward = ward;
	if ((rc = grid_read(&g, reps_file(f, rbuf, sizeof(rbuf)), 0, err)) ||
	    (rc = grid_build(&g, P, err)))
		goto out;
	if (find_bases(sw, xkey, match, nm, inlabel, has_series, base))
		goto nomem;
	if (has_series)
		snprintf(title, sizeof(title), "%s", metric);
	else
		snprintf(title, sizeof(title), "B" MINUS "A (A = %s)",
			 bs_plotdata_shown(sw, &sw->rows[base[0]], (size_t)xkey,
					   shown, sizeof(shown)));
	if (!(d = diff_sweep(sw, xkey, match, nm, base, inlabel, has_series, &g,
			     title)))
		goto nomem;
	rc = bs_plotdata_sweep_series(d, 0, title, ward, out, err);
	goto out;
nomem:
	rc = bs__plot_nomem(err, f);
out:
	grid_release(&g);
	bs_plotdata_sweep_free(d);
	bs_plotdata_sweep_free(sw);
	free(match);
	free(inlabel);
	free(base);
	return rc;
}

int bs_plotdata_diff_runs(const char *const *dirs, size_t n,
			  const char *metric, const char *ward, FILE *out,
			  struct bs_error *err)
{
	struct bs__runs r;
	struct bs_paired *pr = calloc(n, sizeof(*pr));
	struct bs_plotdata_sweep *d = calloc(1, sizeof(*d));
	char title[700];
	size_t i;
	int rc;

	if (!pr || !d || !(d->keys = calloc(1, sizeof(char *))) ||
	    !(d->keys[0] = bs_strdup("run")) ||
	    !(d->rows = calloc(n, sizeof(*d->rows)))) {
		memset(&r, 0, sizeof(r));
		rc = bs__plot_nomem(err, NULL);
		goto out;
	}
	d->nkeys = 1;
	ward = ward ? ward : "all";
	if ((rc = bs__plot_load_runs(dirs, n, &r, err)) ||
	    (rc = bs_plotdata_runs_paired((char *const *)dirs, r.docs, n, metric,
					  ward, pr, err)))
		goto out;
	snprintf(title, sizeof(title), "B" MINUS "A (A = %s)", r.labels[0]);
	for (i = 0; i < n; i++) {
		struct bs_plotdata_row *o = &d->rows[d->n++];
		o->point = (long)i + 1;
		if (!(o->val = calloc(1, sizeof(char *))) ||
		    !(o->val[0] = bs_strdup(r.labels[i])) ||
		    !(o->metric = bs_strdup(title)) || !(o->ward = bs_strdup(ward))) {
			rc = bs__plot_nomem(err, NULL);
			goto out;
		}
		o->mean = pr[i].diff;
		o->sd = pr[i].diff_sd;
		o->lo = pr[i].ci_lo;
		o->hi = pr[i].ci_hi;
	}
	rc = bs_plotdata_sweep_series(d, 0, title, ward, out, err);
out:
	bs__plot_free_runs(&r);
	bs_plotdata_sweep_free(d);
	free(pr);
	return rc;
}
