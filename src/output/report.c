/*
 * report.c - report.html (see report.h).
 *
 * The page is written top to bottom with fprintf; every text that comes
 * from an input (names, descriptions, keys, captions) goes through esc().
 * Images are read whole and written as base64 data: URIs: a page of a few
 * plots is a few hundred kB, and one file is what survives being attached
 * to an e-mail.
 */
#include "output/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "output/flat.h"
#include "stats/metrics.h"

/* ---- text ------------------------------------------------------------------ */

static void esc(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", o);
			break;
		case '<':
			fputs("&lt;", o);
			break;
		case '>':
			fputs("&gt;", o);
			break;
		case '"':
			fputs("&quot;", o);
			break;
		case '\'':
			fputs("&#39;", o);
			break;
		default:
			fputc(*s, o);
		}
	}
}

/* Shares (0..1) are shown in percent. */
static int is_share(const char *metric)
{
	size_t l = strlen(metric);

	return strcmp(metric, "service_level") == 0 ||
	       strcmp(metric, "reach_level") == 0 ||
	       (l > 5 && strcmp(metric + l - 5, "_frac") == 0);
}

/* v with dec decimals and thousands separators ("25,190", "-0.25"); an
 * em dash for no number. */
static void fmt_fixed(char *buf, size_t sz, double v, int dec)
{
	if (!isfinite(v)) {
		bs_strlcpy(buf, "\xe2\x80\x94", sz); /* an em dash */
		return;
	}
	bs_fmt_grouped(buf, sz, v, dec, 0);
}

/* Decimals that show the interval's half-width to two significant
 * digits (at most 6); without an interval, by the size of the value. */
static int decimals(double mean, double lo, double hi)
{
	double hw = (hi - lo) / 2.0, m = fabs(mean);
	int d;

	if (isfinite(hw) && hw > 0.0) {
		d = 1 - (int)floor(log10(hw));
		return d < 0 ? 0 : d > 6 ? 6 : d;
	}
	if (!isfinite(m) || m == 0.0 || m >= 1000.0)
		return 0;
	return m >= 10.0 ? 1 : 3;
}

static double jnum(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

/* Decimals for a metric's value: from its interval (see decimals()). */
static int stat_decimals(const char *metric, double mean, double lo,
			 double hi)
{
	double k = is_share(metric) ? 100.0 : 1.0;

	return decimals(mean * k, lo * k, hi * k);
}

/* A statistic as "mean<br><span class=ci>[lo, hi]</span>" with dec
 * decimals (-1: chosen from this interval). An interval of zero width
 * (a count that is always zero) is left out. With pm, the narrower
 * "mean<br>± half-width" (the Student-t interval is symmetric), for tables
 * with many columns. */
static void put_stat(FILE *o, const char *metric, double mean, double lo,
		     double hi, int dec, int pm)
{
	double k = is_share(metric) ? 100.0 : 1.0;
	int d;
	char a[80], b[80], c[80];

	d = dec >= 0 ? dec : stat_decimals(metric, mean, lo, hi);
	fmt_fixed(a, sizeof(a), mean * k, d);
	fprintf(o, "%s%s", a, k == 100.0 && isfinite(mean) ? "&#8239;%" : "");
	if (isfinite(lo) && isfinite(hi) && hi > lo) {
		if (pm) {
			fmt_fixed(b, sizeof(b), (hi - lo) / 2.0 * k, d);
			fprintf(o, "<br><span class=\"ci\">&#177;&#8239;%s</span>", b);
			return;
		}
		fmt_fixed(b, sizeof(b), lo * k, d);
		fmt_fixed(c, sizeof(c), hi * k, d);
		fprintf(o, "<br><span class=\"ci\">[%s, %s]</span>", b, c);
	}
}

static void put_stat_json(FILE *o, const char *metric, const json_t *st,
			  int dec)
{
	put_stat(o, metric, jnum(json_object_get(st, "mean")),
		 jnum(json_object_get(st, "ci95_low")),
		 jnum(json_object_get(st, "ci95_high")), dec, 0);
}

static int json_decimals(const char *metric, const json_t *st)
{
	return stat_decimals(metric, jnum(json_object_get(st, "mean")),
			     jnum(json_object_get(st, "ci95_low")),
			     jnum(json_object_get(st, "ci95_high")));
}

static const char *str_at(json_t *root, const char *a, const char *b)
{
	json_t *v = json_object_get(root, a);

	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

/* ---- images ---------------------------------------------------------------- */

/* The file as base64 onto o. */
static int put_base64(FILE *o, const char *path, struct bs_error *err)
{
	static const char B64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char in[3 * 1024];
	FILE *fp = bs_input_fopen(path, "a PNG image", err);
	size_t got, i;

	if (!fp)
		return err ? err->code : BS_E_INPUT;
	/* full reads of a multiple of 3 bytes: padding only at the end */
	while ((got = fread(in, 1, sizeof(in), fp)) > 0) {
		for (i = 0; i + 2 < got; i += 3) {
			unsigned v = (unsigned)in[i] << 16 |
				     (unsigned)in[i + 1] << 8 | in[i + 2];
			fputc(B64[v >> 18 & 63], o);
			fputc(B64[v >> 12 & 63], o);
			fputc(B64[v >> 6 & 63], o);
			fputc(B64[v & 63], o);
		}
		if (i < got) {
			unsigned v = (unsigned)in[i] << 16 |
				     (i + 1 < got ? (unsigned)in[i + 1] << 8 : 0);
			fputc(B64[v >> 18 & 63], o);
			fputc(B64[v >> 12 & 63], o);
			fputc(i + 1 < got ? B64[v >> 6 & 63] : '=', o);
			fputc('=', o);
		}
		if (got < sizeof(in))
			break;
	}
	if (ferror(fp)) {
		fclose(fp);
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "cannot read: %s", strerror(errno));
		return BS_E_INPUT;
	}
	fclose(fp);
	return 0;
}

/* ---- sections -------------------------------------------------------------- */

static const char STYLE[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',sans-serif;"
	"color:#1b1b1b;background:#fff;max-width:1100px;margin:2em auto;padding:0 1.2em;line-height:1.45}\n"
	"h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;margin-top:2em;border-bottom:2px solid #d0d7de;padding-bottom:.2em}\n"
	"h3{font-size:1.05em;margin:1.2em 0 .4em}\n"
	"p.lead{font-size:1.05em;color:#333}.note{color:#555;font-size:.92em}\n"
	"table{border-collapse:collapse;margin:.6em 0 1em;font-variant-numeric:tabular-nums;"
	"display:block;max-width:100%;overflow-x:auto}\n"
	"th,td{border:1px solid #d0d7de;padding:.3em .6em;vertical-align:top}\n"
	"thead th{background:#f3f5f7;text-align:center}td{text-align:right}\n"
	"th[scope=row]{text-align:left;font-weight:normal;background:#fafbfc}\n"
	"td.text{text-align:left;font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9em;word-break:break-word}\n"
	"tr.diff td.text,tr.diff th{background:#fff4d6}\n"
	".ci{color:#666;font-size:.85em;white-space:nowrap}.help{color:#666;font-size:.85em}\n"
	"code{font-size:.92em}figure{margin:1.5em 0;page-break-inside:avoid}\n"
	"figure img{max-width:100%;height:auto;border:1px solid #e1e4e8}\n"
	"figcaption{color:#444;font-size:.92em;margin-top:.3em}\n"
	"footer{margin-top:3em;border-top:1px solid #d0d7de;padding-top:.6em;color:#555;font-size:.85em}\n"
	"details{margin:.6em 0}summary{cursor:pointer;font-weight:600}\n"
	"@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}}\n";

static void section_summary(FILE *o, const struct bs_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nruns; i++) {
		json_t *sc = json_object_get(rep->runs[i].summary, "scenario");
		const char *d = str_at(sc, "description", NULL);
		json_t *h = json_object_get(sc, "horizon");
		fprintf(o, "<p class=\"lead\"><strong>");
		esc(o, rep->runs[i].label);
		fprintf(o, "</strong>");
		if (d) {
			fprintf(o, ": ");
			esc(o, d);
		}
		fprintf(o, "<br><span class=\"note\">agreement <code>");
		esc(o, str_at(sc, "agreement", "type"));
		fprintf(o, "</code>; %g days with %g of warm-up, %lld replications, seed %lld</span></p>\n",
			jnum(json_object_get(h, "days")),
			jnum(json_object_get(h, "warmup_days")),
			(long long)json_integer_value(json_object_get(
				rep->runs[i].summary, "replications")),
			(long long)json_integer_value(json_object_get(
				rep->runs[i].summary, "seed")));
	}
}

/* Runs that were interrupted (run.interrupted in summary.json): a
 * warning under the heading, so a partial result is never read as a
 * whole one (issue 16). */
static void put_interrupted(FILE *o, const struct bs_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nruns; i++) {
		json_t *run = json_object_get(rep->runs[i].summary, "run");
		if (!json_is_true(json_object_get(run, "interrupted")))
			continue;
		fprintf(o, "<p class=\"lead interrupted\"><strong>Interrupted:</strong> ");
		esc(o, rep->runs[i].label);
		fprintf(o, " holds %lld of the %lld replications asked for (the run was stopped); its intervals are wider than a complete run's. Run it again for all of them.</p>\n",
			(long long)json_integer_value(json_object_get(
				rep->runs[i].summary, "replications")),
			(long long)json_integer_value(json_object_get(
				run, "replications_requested")));
	}
}

/* The two service measures, one line each: what the page leads with. */
static const char DEF_SERVICE[] =
	"<code>service_level</code> = trips completed / trips requested: a "
	"rider who rode and docked counts as served, even when the agreement "
	"stopped the ride short of the destination (truncated).";
static const char DEF_REACH[] =
	"<code>reach_level</code> = trips reached / trips requested: a trip is "
	"reached when it was not truncated and its bike was docked at the "
	"intended port, or, after full-port diversions, at a port within "
	"<code>behaviour.walk_radius_m</code> of it.";

static void put_definitions(FILE *o)
{
	fprintf(o, "<ul class=\"note\">\n<li>%s</li>\n<li>%s</li>\n</ul>\n", DEF_SERVICE, DEF_REACH);
}

/* One row per metric (names[0..n), or every metric of the first run's
 * summary when names is NULL), one column per run; a metric a run lacks
 * (a summary.json from before the metric) is a dash. */
static void metrics_table(FILE *o, const struct bs_report *rep,
			  const char *const *names, size_t n)
{
	json_t *m0 = json_object_get(rep->runs[0].summary, "metrics"), *v;
	void *it = names ? NULL : json_object_iter(m0);
	size_t i, k;

	fprintf(o, "<table class=\"metrics\">\n<thead><tr><th>metric</th>");
	for (i = 0; i < rep->nruns; i++) {
		fprintf(o, "<th>");
		esc(o, rep->runs[i].label);
		fprintf(o, "</th>");
	}
	fprintf(o, "</tr></thead>\n<tbody>\n");
	for (k = 0; names ? k < n : it != NULL; k++) {
		const char *name = names ? names[k] : json_object_iter_key(it);
		int idx = bs_metric_index(name), dec = 0;
		fprintf(o, "<tr><th scope=\"row\"><code>");
		esc(o, name);
		fprintf(o, "</code>");
		if (idx >= 0) {
			fprintf(o, "<br><span class=\"help\">");
			esc(o, bs_metric_helptext[idx]);
			fprintf(o, "</span>");
		}
		fprintf(o, "</th>");
		/* one number of decimals across the row, so runs line up */
		for (i = 0; i < rep->nruns; i++) {
			int d = json_decimals(name, json_object_get(json_object_get(
					rep->runs[i].summary, "metrics"), name));
			dec = i == 0 || d > dec ? d : dec;
		}
		for (i = 0; i < rep->nruns; i++) {
			v = json_object_get(json_object_get(rep->runs[i].summary,
							    "metrics"),
					    name);
			fprintf(o, "<td>");
			if (v)
				put_stat_json(o, name, v, dec);
			else
				fprintf(o, "\xe2\x80\x94");
			fprintf(o, "</td>");
		}
		fprintf(o, "</tr>\n");
		if (!names)
			it = json_object_iter_next(m0, it);
	}
	fprintf(o, "</tbody></table>\n");
}

/* What the page leads with: served beside reached, and what parts them. */
static void section_headline(FILE *o, const struct bs_report *rep)
{
	static const char *const M[] = {"service_level", "reach_level",
					"truncated_trips", "walk_after_m_mean"};

	fprintf(o, "<h2 id=\"reach\">Served, and reached</h2>\n");
	put_definitions(o);
	metrics_table(o, rep, M, sizeof(M) / sizeof(M[0]));
}

static void section_metrics(FILE *o, const struct bs_report *rep)
{
	fprintf(o, "<h2 id=\"metrics\">Headline metrics</h2>\n"
		   "<p class=\"note\">Whole network, per simulated day after the warm-up. "
		   "Each cell: the mean over the replications and, in brackets, its 95%% "
		   "confidence interval (Student t). Shares in percent. Runs that share "
		   "a seed see the same requests (common random numbers), so their "
		   "differences are the scenarios' own.</p>\n");
	metrics_table(o, rep, NULL, 0);
}

/* For the sections in other files (reportpair.c, reporttags.c): the same
 * escaping and number formats. */
void bs__report_esc(FILE *o, const char *s)
{
	esc(o, s);
}

void bs__report_stat(FILE *o, const char *metric, double mean, double lo,
		     double hi)
{
	put_stat(o, metric, mean, lo, hi, -1, 0);
}

void bs__report_stat_json(FILE *o, const char *metric, const json_t *st)
{
	put_stat_json(o, metric, st, -1);
}

static void put_matrix(FILE *o, json_t *m, int money)
{
	const char *a, *b;
	json_t *row, *v;
	double tot_all = 0.0;
	char buf[80];

	fprintf(o, "<table class=\"matrix\">\n<thead><tr><th>%s</th>",
		money ? "owes &#8595; to &#8594;" : "from &#8595; to &#8594;");
	json_object_foreach(m, b, v) {
		fprintf(o, "<th>");
		esc(o, b);
		fprintf(o, "</th>");
	}
	fprintf(o, "<th>%s</th></tr></thead>\n<tbody>\n",
		money ? "owes in all" : "all");
	json_object_foreach(m, a, row) {
		double tot = 0.0;
		fprintf(o, "<tr><th scope=\"row\">");
		esc(o, a);
		fprintf(o, "</th>");
		json_object_foreach(m, b, v) {
			double x = jnum(json_object_get(row, b));
			fmt_fixed(buf, sizeof(buf), x, 0);
			fprintf(o, "<td>%s</td>", buf);
			if (isfinite(x))
				tot += x;
		}
		tot_all += tot;
		fmt_fixed(buf, sizeof(buf), tot, 0);
		fprintf(o, "<td><strong>%s</strong></td></tr>\n", buf);
	}
	fprintf(o, "<tr><th scope=\"row\">%s</th>",
		money ? "is owed in all" : "all");
	json_object_foreach(m, b, v) {
		double tot = 0.0;
		json_object_foreach(m, a, row) {
			double x = jnum(json_object_get(row, b));
			if (isfinite(x))
				tot += x;
		}
		fmt_fixed(buf, sizeof(buf), tot, 0);
		fprintf(o, "<td><strong>%s</strong></td>", buf);
	}
	fmt_fixed(buf, sizeof(buf), tot_all, 0);
	fprintf(o, "<td><strong>%s</strong></td></tr>\n</tbody></table>\n", buf);
}

static int all_zero(json_t *m)
{
	const char *a, *b;
	json_t *row, *v;

	json_object_foreach(m, a, row)
		json_object_foreach(row, b, v)
			if (jnum(v) != 0.0)
				return 0;
	return 1;
}

static void section_matrices(FILE *o, const struct bs_report *rep)
{
	size_t i;

	fprintf(o, "<h2 id=\"settlement\">Settlement between wards</h2>\n"
		   "<p class=\"note\">Yen per simulated day that the row's ward owes "
		   "the column's ward under the scenario's fee rules (mean over "
		   "replications).</p>\n");
	for (i = 0; i < rep->nruns; i++) {
		json_t *m = json_object_get(rep->runs[i].summary,
					    "settlement_yen");
		if (rep->nruns > 1) {
			fprintf(o, "<h3>");
			esc(o, rep->runs[i].label);
			fprintf(o, "</h3>\n");
		}
		if (!json_is_object(m)) {
			fprintf(o, "<p class=\"note\">No settlement matrix in this summary.</p>\n");
			continue;
		}
		put_matrix(o, m, 1);
		if (all_zero(m))
			fprintf(o, "<p class=\"note\">Nothing is owed: no fee rule of this "
				   "scenario moves money between wards.</p>\n");
	}
	fprintf(o, "<h2 id=\"flows\">Trips between wards</h2>\n"
		   "<p class=\"note\">Completed trips per simulated day from the "
		   "renting ward (row) to the return ward (column), mean over "
		   "replications.</p>\n");
	for (i = 0; i < rep->nruns; i++) {
		json_t *m = json_object_get(rep->runs[i].summary, "flows");
		if (rep->nruns > 1) {
			fprintf(o, "<h3>");
			esc(o, rep->runs[i].label);
			fprintf(o, "</h3>\n");
		}
		if (json_is_object(m))
			put_matrix(o, m, 0);
	}
}

static const char *const WARD_METRICS[] = {
	"trips_requested", "service_level", "reach_level", "lost_no_bike",
	"cross_ward_trips", "walk_after_m_mean", "empty_station_frac",
	"full_station_frac", "refusing_station_frac", "revenue_yen"};
#define NWARD_METRICS (sizeof(WARD_METRICS) / sizeof(WARD_METRICS[0]))

static void section_wards(FILE *o, const struct bs_report *rep)
{
	size_t i, k;

	fprintf(o, "<h2 id=\"wards\">By ward</h2>\n"
		   "<p class=\"note\">The same statistics for each ward (as counted in "
		   "<code>docs/model.md</code>: requests where the user asked, trips "
		   "and fares where the bike was rented).</p>\n");
	for (i = 0; i < rep->nruns; i++) {
		json_t *wards = json_object_get(rep->runs[i].summary, "wards"),
		       *wo;
		const char *wn;
		if (rep->nruns > 1) {
			fprintf(o, "<h3>");
			esc(o, rep->runs[i].label);
			fprintf(o, "</h3>\n");
		}
		fprintf(o, "<table class=\"wards\">\n<thead><tr><th>ward</th>");
		for (k = 0; k < NWARD_METRICS; k++)
			fprintf(o, "<th><code>%s</code></th>", WARD_METRICS[k]);
		fprintf(o, "</tr></thead>\n<tbody>\n");
		json_object_foreach(wards, wn, wo) {
			json_t *m = json_object_get(wo, "metrics");
			fprintf(o, "<tr><th scope=\"row\">");
			esc(o, wn);
			fprintf(o, "</th>");
			for (k = 0; k < NWARD_METRICS; k++) {
				fprintf(o, "<td>");
				put_stat_json(o, WARD_METRICS[k],
					      json_object_get(m, WARD_METRICS[k]),
					      -1);
				fprintf(o, "</td>");
			}
			fprintf(o, "</tr>\n");
		}
		fprintf(o, "</tbody></table>\n");
	}
}

/* ---- the resolved scenario, flattened ------------------------------------- */

static int section_scenario(FILE *o, const struct bs_report *rep)
{
	struct bs_flat *f = calloc(rep->nruns, sizeof(*f)), all = {0};
	size_t i, k, j;
	int rc = 0;

	if (!f)
		return BS_E_NOMEM;
	for (i = 0; i < rep->nruns && !rc; i++)
		rc = bs_flatten(&f[i], "",
				json_object_get(rep->runs[i].summary, "scenario"),
				"description"); /* shown at the top */
	/* every key of any run, in order of first appearance */
	for (i = 0; i < rep->nruns && !rc; i++)
		for (k = 0; k < f[i].n && !rc; k++)
			if (!bs_flat_get(&all, f[i].path[k]))
				rc = bs_flat_add(&all, f[i].path[k], json_null());
	if (rc)
		goto out;
	fprintf(o, "<h2 id=\"scenario\">Scenario</h2>\n"
		   "<p class=\"note\">Every key of the resolved scenario (defaults "
		   "filled in), as <code>summary.json</code> records it%s.</p>\n"
		   "<table class=\"scenario\">\n<thead><tr><th>key</th>",
		rep->nruns > 1 ? "; rows where the runs differ are highlighted" : "");
	for (i = 0; i < rep->nruns; i++) {
		fprintf(o, "<th>");
		esc(o, rep->runs[i].label);
		fprintf(o, "</th>");
	}
	fprintf(o, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < all.n; k++) {
		const char *first = bs_flat_get(&f[0], all.path[k]);
		int diff = 0;
		for (j = 1; j < rep->nruns; j++) {
			const char *t = bs_flat_get(&f[j], all.path[k]);
			if (!t || !first || strcmp(t, first) != 0)
				diff = 1;
		}
		fprintf(o, "<tr%s><th scope=\"row\"><code>",
			diff ? " class=\"diff\"" : "");
		esc(o, all.path[k]);
		fprintf(o, "</code></th>");
		for (j = 0; j < rep->nruns; j++) {
			const char *t = bs_flat_get(&f[j], all.path[k]);
			fprintf(o, "<td class=\"text\">");
			esc(o, t ? t : "\xe2\x80\x94");
			fprintf(o, "</td>");
		}
		fprintf(o, "</tr>\n");
	}
	fprintf(o, "</tbody></table>\n");
out:
	for (i = 0; i < rep->nruns; i++)
		bs_flat_release(&f[i]);
	free(f);
	bs_flat_release(&all);
	return rc;
}

/* ---- sweeps ---------------------------------------------------------------- */

static const char *const SWEEP_METRICS[] = {
	"service_level", "reach_level", "lost_no_bike", "cross_ward_trips",
	"walk_after_m_mean", "empty_station_frac", "full_station_frac",
	"refusing_station_frac",
	"revenue_yen", "rebalancing_km"};
#define NSWEEP_METRICS (sizeof(SWEEP_METRICS) / sizeof(SWEEP_METRICS[0]))

static const struct bs_plotdata_row *
sweep_find(const struct bs_plotdata_sweep *sw, long point, const char *metric)
{
	size_t i;

	for (i = 0; i < sw->n; i++)
		if (sw->rows[i].point == point &&
		    strcmp(sw->rows[i].metric, metric) == 0 &&
		    strcmp(sw->rows[i].ward, "all") == 0)
			return &sw->rows[i];
	return NULL;
}

static void section_sweep(FILE *o, const struct bs_report *rep)
{
	const struct bs_plotdata_sweep *sw = rep->sweep;
	int present[NSWEEP_METRICS], dec[NSWEEP_METRICS];
	size_t i, k, npoints = 0;
	long last = -1;

	/* which metrics the sweep has, and one number of decimals per
	 * column so that the points line up */
	for (k = 0; k < NSWEEP_METRICS; k++) {
		present[k] = 0;
		dec[k] = 0;
		for (i = 0; i < sw->n; i++) {
			const struct bs_plotdata_row *r = &sw->rows[i];
			int d;
			if (strcmp(r->metric, SWEEP_METRICS[k]) != 0 ||
			    strcmp(r->ward, "all") != 0)
				continue;
			/* a column of zeros (no trucks) says nothing */
			if (r->mean != 0.0 || r->hi > r->lo)
				present[k] = 1;
			d = stat_decimals(r->metric, r->mean, r->lo, r->hi);
			dec[k] = d > dec[k] ? d : dec[k];
		}
	}
	for (i = 0; i < sw->n; i++)
		if (sw->rows[i].point != last) {
			npoints++;
			last = sw->rows[i].point;
		}
	fprintf(o, "<h2 id=\"sweep\">Sweep points</h2>\n");
	put_definitions(o);
	fprintf(o, "<p class=\"note\">%zu points. Whole network, per simulated day "
		   "after the warm-up: the mean over replications &#177; the "
		   "half-width of its 95%% confidence interval (Student t); shares "
		   "in percent; metrics that are zero at every point are left out. "
		   "Every point sees the same random streams (common random "
		   "numbers).</p>\n"
		   "<table class=\"sweep\">\n<thead><tr><th>point</th>",
		npoints);
	for (k = 0; k < sw->nkeys; k++) {
		fprintf(o, "<th><code>");
		esc(o, sw->keys[k]);
		fprintf(o, "</code></th>");
	}
	for (k = 0; k < NSWEEP_METRICS; k++)
		if (present[k])
			fprintf(o, "<th><code>%s</code></th>", SWEEP_METRICS[k]);
	fprintf(o, "</tr></thead>\n<tbody>\n");
	last = -1;
	for (i = 0; i < sw->n; i++) {
		const struct bs_plotdata_row *r = &sw->rows[i];
		if (r->point == last)
			continue;
		last = r->point;
		fprintf(o, "<tr><th scope=\"row\">%ld</th>", r->point);
		for (k = 0; k < sw->nkeys; k++) {
			char shown[400];
			fprintf(o, "<td class=\"text\">");
			esc(o, bs_plotdata_shown(sw, r, k, shown, sizeof(shown)));
			fprintf(o, "</td>");
		}
		for (k = 0; k < NSWEEP_METRICS; k++) {
			const struct bs_plotdata_row *s;
			if (!present[k])
				continue;
			s = sweep_find(sw, r->point, SWEEP_METRICS[k]);
			fprintf(o, "<td>");
			if (s)
				put_stat(o, SWEEP_METRICS[k], s->mean, s->lo,
					 s->hi, dec[k], 1);
			else
				fprintf(o, "\xe2\x80\x94");
			fprintf(o, "</td>");
		}
		fprintf(o, "</tr>\n");
	}
	fprintf(o, "</tbody></table>\n");
}

/* ---- plots and page -------------------------------------------------------- */

static int section_plots(FILE *o, const struct bs_report *rep,
			 struct bs_error *err)
{
	size_t i;
	int rc;

	if (rep->nplots == 0)
		return 0;
	fprintf(o, "<h2 id=\"plots\">Plots</h2>\n");
	for (i = 0; i < rep->nplots; i++) {
		const struct bs_report_plot *p = &rep->plots[i];
		unsigned long w, h;
		if ((rc = bs_report_png_size(p->path, &w, &h, err)))
			return rc;
		fprintf(o, "<figure>\n<img width=\"%lu\" height=\"%lu\" alt=\"", w, h);
		esc(o, p->caption ? p->caption : p->path);
		fprintf(o, "\" src=\"data:image/png;base64,");
		if ((rc = put_base64(o, p->path, err)))
			return rc;
		fprintf(o, "\">\n");
		if (p->caption) {
			fprintf(o, "<figcaption>");
			esc(o, p->caption);
			fprintf(o, "</figcaption>\n");
		}
		fprintf(o, "</figure>\n");
	}
	return 0;
}

/*
 * CC BY data must carry its credit line into whatever is made from it (the
 * map is). The shipped networks are known by file name; a scenario on
 * other data gets no line, and its author adds theirs.
 */
static const struct {
	const char *file, *credit;
} CREDITS[] = {
	{"tokyo4_stations.csv",
	 "Station data: 「ドコモ・バイクシェア バイクシェア関連情報（GBFS） "
	 "株式会社ドコモ・バイクシェア／公共交通オープンデータセンター, CC BY 4.0, "
	 "加工して作成」 (docomo bike share GBFS feed on the Public "
	 "Transportation Open Data Center, CC BY 4.0; positions and capacities "
	 "used as the simulated network)."},
};

static const char *credit_of(json_t *summary)
{
	const char *path = json_string_value(json_object_get(
		json_object_get(json_object_get(summary, "scenario"), "network"),
		"stations"));
	const char *base;
	size_t i;

	if (!path)
		return NULL;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(CREDITS) / sizeof(CREDITS[0]); i++)
		if (strcmp(base, CREDITS[i].file) == 0)
			return CREDITS[i].credit;
	return NULL;
}

static void put_title(FILE *o, const struct bs_report *rep)
{
	size_t i;

	if (rep->title) {
		esc(o, rep->title);
		return;
	}
	if (rep->sweep) {
		fputs("bssim sweep: ", o);
		esc(o, rep->sweep_dir);
		return;
	}
	fputs("bssim: ", o);
	for (i = 0; i < rep->nruns; i++) {
		if (i)
			fputs(" vs ", o);
		esc(o, rep->runs[i].label);
	}
}

static void footer(FILE *o, const struct bs_report *rep)
{
	const char *credit = NULL;
	size_t i;

	fprintf(o, "<footer>\n<p>Made by bssim %s from ", BSSIM_VERSION);
	if (rep->sweep) {
		fputs("<code>", o);
		esc(o, rep->sweep_dir);
		fputs("/sweep.csv</code>", o);
	}
	for (i = 0; i < rep->nruns; i++) {
		json_t *run = json_object_get(rep->runs[i].summary, "run");
		fprintf(o, "%s<code>", i ? "; " : "");
		esc(o, rep->runs[i].dir);
		fputs("</code>", o);
		if (json_is_string(json_object_get(run, "started_utc"))) {
			fputs(" (run ", o);
			esc(o, json_string_value(json_object_get(run, "started_utc")));
			fprintf(o, ", %.1f s on %lld threads, bssim ",
				jnum(json_object_get(run, "wall_s")),
				(long long)json_integer_value(
					json_object_get(run, "jobs")));
			esc(o, str_at(rep->runs[i].summary, "version", NULL));
			fputs(")", o);
		}
		if (!credit)
			credit = credit_of(rep->runs[i].summary);
	}
	fputs(".</p>\n", o);
	if (credit) {
		fputs("<p>", o);
		esc(o, credit);
		fputs("</p>\n", o);
	}
	fputs("</footer>\n", o);
}

int bs__report_write_page(FILE *o, const struct bs_report *rep,
			  struct bs_error *err)
{
	int rc;

	if ((rep->nruns == 0) == (rep->sweep == NULL)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "expected either runs or a sweep to report on");
		return BS_E_INPUT;
	}
	fprintf(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		   "<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<meta name=\"generator\" content=\"bssim %s\">\n<title>",
		BSSIM_VERSION);
	put_title(o, rep);
	fprintf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>",
		STYLE);
	put_title(o, rep);
	fprintf(o, "</h1>\n");
	if (rep->nruns) {
		section_summary(o, rep);
		put_interrupted(o, rep);
	}
	fprintf(o, "</header>\n<main>\n");
	if (rep->nruns) {
		section_headline(o, rep);
		if (rep->nruns > 1 && (rc = bs__report_paired(o, rep))) {
			bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
			return rc;
		}
		section_metrics(o, rep);
		section_matrices(o, rep);
		bs__report_tags(o, rep);
	} else {
		section_sweep(o, rep);
	}
	if ((rc = section_plots(o, rep, err)))
		return rc;
	if (rep->nruns) {
		section_wards(o, rep);
		if ((rc = section_scenario(o, rep))) {
			bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
			return rc;
		}
	}
	fprintf(o, "</main>\n");
	footer(o, rep);
	fprintf(o, "</body>\n</html>\n");
	if (fflush(o) || ferror(o)) {
		bs_error_set(err, BS_E_IO, NULL, 0, 0, NULL,
			     "cannot write the report: %s", strerror(errno));
		return BS_E_IO;
	}
	return 0;
}
