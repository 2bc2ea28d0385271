/*
 * plotsweep.c - a sweep's metrics as plotting series (see plotdata.h):
 * sweep.csv, or runs side by side in its format, against a varied key.
 */
#include "output/plotdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "input/jsonpos.h"
#include "output/output.h"
#include "output/plot_internal.h"
#include "stats/metrics.h"

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
		return bs__plot_nomem(err, L->file);
	for (k = 0; k < L->sw->nkeys; k++)
		if (!(L->sw->keys[k] = bs_strdup(r->f[1 + k])))
			return bs__plot_nomem(err, L->file);
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
		if (bs__plot_parse_num(r->f[base + 2 + k], &v[k])) {
			bs_error_row(err, L->file, r->row, num[k],
				     "'%s': expected a number (or NaN)",
				     r->f[base + 2 + k]);
			return BS_E_INPUT;
		}
	if (!(row = add_row(sw, &L->cap)))
		return bs__plot_nomem(err, L->file);
	row->point = (long)point;
	for (k = 0; k < sw->nkeys; k++)
		if (!(row->val[k] = bs_strdup(r->f[1 + k])))
			return bs__plot_nomem(err, L->file);
	row->metric = bs_strdup(r->f[base]);
	row->ward = bs_strdup(r->f[base + 1]);
	if (!row->metric || !row->ward)
		return bs__plot_nomem(err, L->file);
	row->mean = v[0];
	row->sd = v[1];
	row->lo = v[2];
	row->hi = v[3];
	return 0;
}

/*
 * The sweep file's own labels, from the sweep.json beside a sweep.csv:
 * sw->labels[point - 1] is that point's "labels" object (or null). A
 * missing or unreadable sweep.json leaves the default labels (plots of a
 * sweep.csv copied alone still draw). Linear in sweep.json's size.
 */
static void load_labels(struct bs_plotdata_sweep *sw, const char *csv)
{
	const char *slash = strrchr(csv, '/'), *base = slash ? slash + 1 : csv;
	char json[4096];
	json_t *doc, *pts, *pt, *lab;
	struct bs_error e;
	size_t i;
	int any = 0;

	if (strcmp(base, "sweep.csv") != 0 ||
	    (size_t)snprintf(json, sizeof(json), "%.*ssweep.json",
			     (int)(base - csv), csv) >= sizeof(json))
		return;
	doc = bs_json_load_file(json, BS_MAX_JSON_FILE, "a sweep's sweep.json",
				0, &e);
	pts = json_object_get(doc, "points");
	if (json_is_array(pts) && (sw->labels = json_array())) {
		json_array_foreach(pts, i, pt) {
			lab = json_object_get(pt, "labels");
			any |= json_is_object(lab);
			json_array_append(sw->labels,
					  json_is_object(lab) ? lab : json_null());
		}
	}
	if (!any) {
		json_decref(sw->labels);
		sw->labels = NULL;
	}
	/* the language and names of point 1 (bs_plotdata_sweep_language) */
	pt = json_array_get(pts, 0);
	bs_plotdata_sweep_language(sw, pt);
	json_decref(doc);
}

void bs_plotdata_sweep_language(struct bs_plotdata_sweep *sw, json_t *doc)
{
	json_t *names = json_object_get(doc, "names");

	sw->ja = bs_summary_language(doc);
	json_decref(sw->names);
	sw->names = json_is_object(names) ? json_incref(names) : NULL;
}

const char *bs_plotdata_shown(const struct bs_plotdata_sweep *sw,
			      const struct bs_plotdata_row *r, size_t k,
			      char *buf, size_t sz)
{
	const char *own = NULL;

	if (sw->labels && r->point >= 1)
		own = json_string_value(json_object_get(
			json_array_get(sw->labels, (size_t)r->point - 1),
			sw->keys[k]));
	if (own)
		bs_strlcpy(buf, own, sz);
	else
		bs_value_label_lang(sw->keys[k], r->val[k], sw->names, sw->ja,
				    buf, sz);
	return buf;
}

struct bs_plotdata_sweep *bs_plotdata_sweep_load(const char *path,
						 struct bs_error *err)
{
	struct bs_plotdata_sweep *sw = calloc(1, sizeof(*sw));
	struct sw_load L;

	if (!sw) {
		bs__plot_nomem(err, path);
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
	load_labels(sw, path);
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
		row->mean = bs__plot_jnum(json_object_get(st, "mean"));
		row->sd = bs__plot_jnum(json_object_get(st, "sd"));
		row->lo = bs__plot_jnum(json_object_get(st, "ci95_low"));
		row->hi = bs__plot_jnum(json_object_get(st, "ci95_high"));
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
	if (n)
		bs_plotdata_sweep_language(sw, summaries[0]);
	return sw;
nomem:
	bs_plotdata_sweep_free(sw);
	bs__plot_nomem(err, n ? files[0] : NULL);
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
		bs_csv_stat_end(out, r->mean, r->sd, r->lo, r->hi);
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

/* The labels (bs_plotdata_shown) of the keys marked in inlabel, joined
 * with " / " (each cut at 1000 bytes; lcap has room for that), or the
 * metric's name when none. */
static void series_label(const struct bs_plotdata_sweep *sw,
			 const struct bs_plotdata_row *r, const int *inlabel,
			 const char *metric, char *label, size_t lcap)
{
	size_t k, used = 0;
	char shown[1001];

	label[0] = '\0';
	for (k = 0; k < sw->nkeys; k++) {
		if (!inlabel[k])
			continue;
		bs_plotdata_shown(sw, r, k, shown, sizeof(shown));
		bs_label_cut(shown, sizeof(shown) - 1);
		used += (size_t)snprintf(label + used, lcap - used, "%s%s",
					 used ? " / " : "", shown);
	}
	if (!used)
		snprintf(label, lcap, "%s", metric);
}

/* The rows of metric and ward (*match, n of them). 0, BS_E_NOMEM, or
 * BS_E_INPUT when there is none. */
static int match_rows(const struct bs_plotdata_sweep *sw, const char *metric,
		      const char *ward, size_t **match, size_t *n,
		      struct bs_error *err)
{
	size_t i;

	*n = 0;
	if (!(*match = malloc((sw->n ? sw->n : 1) * sizeof(size_t))))
		return BS_E_NOMEM;
	for (i = 0; i < sw->n; i++)
		if (strcmp(sw->rows[i].metric, metric) == 0 &&
		    strcmp(sw->rows[i].ward, ward) == 0)
			(*match)[(*n)++] = i;
	if (*n)
		return 0;
	bs_error_set(err, BS_E_INPUT, NULL, 0, 0, metric,
		     "the sweep has no row for metric '%s' and ward '%s'",
		     metric, ward);
	return BS_E_INPUT;
}

/* The series keys of the matched rows: every key but x that varies among
 * them (inlabel[k] = 1). O(rows x keys). */
void bs__plot_series_keys(const struct bs_plotdata_sweep *sw, int xkey,
			  const size_t *match, size_t nm, int *inlabel)
{
	size_t k, j;

	for (k = 0; k < sw->nkeys; k++) {
		inlabel[k] = 0;
		if ((int)k == xkey)
			continue;
		for (j = 1; j < nm; j++)
			if (strcmp(sw->rows[match[j]].val[k],
				   sw->rows[match[0]].val[k]) != 0) {
				inlabel[k] = 1;
				break;
			}
	}
}

/*
 * A label as a plot table cell gnuplot reads right: cut to
 * BS_PLOT_LABEL_MAX characters, and without commas or double quotes
 * (gnuplot's columnheader() ends a title at a comma even inside quotes:
 * a legend of JSON read "{"). Into buf (sz >= 1).
 */
static char *plot_text(const char *label, char *buf, size_t sz)
{
	char *p;

	bs_strlcpy(buf, label, sz);
	bs_label_cut(buf, BS_PLOT_LABEL_MAX);
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = ';';
		else if (*p == '"')
			*p = '\'';
	return buf;
}

int bs_plotdata_sweep_series(const struct bs_plotdata_sweep *sw, int xkey,
			     const char *metric, const char *ward, FILE *out,
			     struct bs_error *err)
{
	struct bs__names xs = {0}, ss = {0};
	size_t *match = NULL, nm = 0, i, k, j, nx, ns;
	int *inlabel = NULL, numeric = 1, rc = 0;
	struct xval *xv = NULL;
	size_t *xorder = NULL;
	char **xshown = NULL, cell[4 * BS_PLOT_LABEL_MAX + 8];
	double *grid = NULL;
	char *label = NULL;
	size_t lcap = 1;

	if (xkey < 0 || (size_t)xkey >= sw->nkeys) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "no x key; expected a varied key of the sweep");
		return BS_E_INPUT;
	}
	inlabel = calloc(sw->nkeys, sizeof(int));
	if (!inlabel || (rc = match_rows(sw, metric, ward, &match, &nm, err)))
		goto fail;
	bs__plot_series_keys(sw, xkey, match, nm, inlabel);
	lcap += strlen(metric);
	for (k = 0; k < sw->nkeys; k++)
		if (inlabel[k])
			lcap += strlen(" / ") + 1001;
	if (!(label = malloc(lcap)))
		goto nomem;
	/* x values and series labels, in order of first appearance */
	if (!(xshown = calloc(nm, sizeof(char *))))
		goto nomem;
	for (j = 0; j < nm; j++) {
		const struct bs_plotdata_row *r = &sw->rows[match[j]];
		size_t before = xs.n;
		long xi = bs__plot_names_add(&xs, r->val[xkey]);
		double d;
		if (xi < 0)
			goto nomem;
		/* the tick text: the value's label, from its first row */
		if ((size_t)xi == before &&
		    !(xshown[xi] = bs_strdup(bs_plotdata_shown(sw, r, (size_t)xkey,
							       cell, sizeof(cell)))))
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
		if (bs__plot_names_add(&ss, label) < 0)
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
		xi = xorder[(size_t)bs__plot_names_find(&xs, r->val[xkey])];
		si = (size_t)bs__plot_names_find(&ss, label);
		grid[(xi * ns + si) * 3 + 0] = r->mean;
		grid[(xi * ns + si) * 3 + 1] = r->lo;
		grid[(xi * ns + si) * 3 + 2] = r->hi;
	}

	bs_csv_put(out, sw->keys[xkey]);
	fputs(",label", out);
	for (i = 0; i < ns; i++)
		bs__plot_put_triplet_header(out, plot_text(ss.v[i], cell,
							   sizeof(cell)));
	fputc('\n', out);
	for (i = 0; i < nx; i++) {
		bs_csv_num(out, xv[i].x);
		fputc(',', out);
		bs_csv_put(out, plot_text(xshown[xv[i].first], cell, sizeof(cell)));
		for (j = 0; j < ns; j++)
			bs__plot_put_triplet(out, grid[(i * ns + j) * 3 + 0],
				    grid[(i * ns + j) * 3 + 1],
				    grid[(i * ns + j) * 3 + 2]);
		fputc('\n', out);
	}
	rc = bs__plot_finish(out, err);
	goto out;
nomem:
	rc = bs__plot_nomem(err, NULL);
	goto out;
fail:
	if (!inlabel || rc == BS_E_NOMEM)
		rc = bs__plot_nomem(err, NULL);
out:
	free(match);
	free(inlabel);
	free(xv);
	free(xorder);
	for (j = 0; xshown && j < nm; j++)
		free(xshown[j]);
	free(xshown);
	free(grid);
	free(label);
	bs__plot_names_release(&xs);
	bs__plot_names_release(&ss);
	return rc;
}

void bs_plotdata_sweep_free(struct bs_plotdata_sweep *sw)
{
	size_t i, k;

	if (!sw)
		return;
	for (i = 0; i < sw->n; i++) {
		for (k = 0; k < sw->nkeys && sw->rows[i].val; k++)
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
	json_decref(sw->labels);
	json_decref(sw->names);
	free(sw);
}

