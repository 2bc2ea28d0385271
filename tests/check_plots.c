/*
 * check_plots.c - plots/plots.sh end to end: from a small run, two runs
 * side by side, and a hand-made sweep.csv, every plot it promises is a
 * real PNG that shows something (decoded with libpng: signature, size,
 * colours, not blank), and report.html embeds them all. Needs gnuplot
 * (make check installs gnuplot-nox).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testpng.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* Run the six-port scenario into dir/name with extra --set options. */
static void small_run(const char *name, const char *opts)
{
	char json[2048], cmd[4096], *sc, *err = NULL;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}}",
		 tu_abspath(tu_fixture("six.csv")));
	sc = tu_write(dir, "small.json", json);
	snprintf(cmd, sizeof(cmd), "%s run %s -o %s/%s -q %s", tu_bssim(), sc,
		 dir, name, opts);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
	free(err);
	free(sc);
}

/* plots/plots.sh ARGS; returns the exit status, stderr in *err. */
static int plots(const char *args, char **err)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "BSSIM=%s plots/plots.sh %s", tu_bssim(), args);
	return tu_run(cmd, NULL, err);
}

static void assert_plot(const char *d, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", d, name);
	ck_assert_msg(tu_exists(p), "%s was not drawn", p);
	tp_assert_plot(p, 600, 400);
}

static void assert_colour(const char *d, const char *name, unsigned long rgb,
			  long min)
{
	char p[1024];
	long k;

	snprintf(p, sizeof(p), "%s/%s", d, name);
	k = tp_png_count_colour(p, rgb);
	ck_assert_msg(k >= min, "%s: %ld pixels of #%06lX, expected at least %ld",
		      p, k, rgb, min);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* The report exists, embeds n images and fetches nothing. */
static void assert_report(const char *d, size_t nimages)
{
	char p[1024], *html;

	snprintf(p, sizeof(p), "%s/report.html", d);
	html = tu_slurp(p, NULL);
	ck_assert_msg(html != NULL, "no %s", p);
	ck_assert_uint_eq(count(html, "<img "), nimages);
	ck_assert_uint_eq(count(html, "src=\"data:image/png;base64,iVBORw0KGgo"),
			  nimages);
	ck_assert_ptr_null(strstr(html, "http:"));
	ck_assert_ptr_null(strstr(html, "https:"));
	free(html);
}

/* Without stations.geojson there is no map, and the script says why.
 * One replication: no intervals (NaN), yet every plot is drawn. */
START_TEST(test_no_geojson_no_map)
{
	char d[1024], p[1100], *err;

	small_run("run", "--replications 1");
	snprintf(d, sizeof(d), "%s/run", dir);
	ck_assert_int_eq(plots(d, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "no stations.geojson"));
	free(err);
	assert_plot(d, "docked.png");
	assert_plot(d, "empty_full.png");
	assert_plot(d, "flows.png");
	snprintf(p, sizeof(p), "%s/map.png", d);
	ck_assert(!tu_exists(p));
	assert_report(d, 3);
	/* issue 16: the script lists what it drew; a new result removes it */
	{
		char *list;
		snprintf(p, sizeof(p), "%s/.bssim-plots", d);
		list = tu_slurp(p, NULL);
		ck_assert_ptr_nonnull(list);
		ck_assert_str_eq(list, "docked.png\nempty_full.png\nflows.png\nreport.html\n");
		free(list);
		small_run("run", "--replications 2");
		snprintf(p, sizeof(p), "%s/docked.png", d);
		ck_assert(!tu_exists(p));
		snprintf(p, sizeof(p), "%s/report.html", d);
		ck_assert(!tu_exists(p));
		snprintf(p, sizeof(p), "%s/.bssim-plots", d);
		ck_assert(!tu_exists(p));
	}
}
END_TEST

/*
 * The trend over days: a run with days.csv of more than one day gets
 * days.png (its four panels' lines drawn in their colours) and the report
 * shows it; the table's line is the mean over replications of days.csv's
 * values; a run of one measured day gets no trend plot.
 */
START_TEST(test_days_trend)
{
	char d[1024], p[1100], cmd[1200], *err, *tab, *days, *line;
	double sum = 0.0, mean;
	int n = 0;

	small_run("long", "--set horizon.days=5 --set output.days=true");
	snprintf(d, sizeof(d), "%s/long", dir);
	ck_assert_int_eq(plots(d, &err), 0);
	free(err);
	assert_plot(d, "days.png");
	assert_colour(d, "days.png", 0x0072B2, 500); /* service level */
	assert_colour(d, "days.png", 0x009E73, 500); /* reach level */
	assert_colour(d, "days.png", 0xD55E00, 500); /* empty ports */
	assert_report(d, 4);                         /* docked, empty_full, flows, days */
	/* day 2 of the table against days.csv's rows of day 2, ward all */
	snprintf(cmd, sizeof(cmd), "%s plotdata days %s", tu_bssim(), d);
	ck_assert_int_eq(tu_run(cmd, &tab, NULL), 0);
	ck_assert_uint_eq(tu_lines(tab), 1 + 4); /* days 1 to 4 */
	ck_assert_ptr_nonnull(line = strstr(tab, "\n2,"));
	ck_assert_int_eq(sscanf(strchr(line + 3, ',') + 1, "%lf", &mean), 1);
	snprintf(p, sizeof(p), "%s/days.csv", d);
	ck_assert_ptr_nonnull(days = tu_slurp(p, NULL));
	for (line = days; (line = strchr(line, '\n')) && line[1]; line++) {
		unsigned r, day;
		char ward[32];
		double v;
		if (sscanf(line + 1, "%u,%u,%*3s,%31[^,],%*f,%*f,%*f,%*f,%*f,%*f,%lf",
			   &r, &day, ward, &v) == 4 && day == 2 && !strcmp(ward, "all")) {
			sum += v;
			n++;
		}
	}
	ck_assert_int_eq(n, 3);
	ck_assert_double_eq_tol(mean, sum / n, 1e-9);
	free(days);
	free(tab);
	/* one measured day: no trend to draw */
	small_run("one", "--set output.days=true");
	snprintf(d, sizeof(d), "%s/one", dir);
	ck_assert_int_eq(plots(d, &err), 0);
	free(err);
	snprintf(p, sizeof(p), "%s/days.png", d);
	ck_assert(!tu_exists(p));
}
END_TEST

/* Two runs: each one's plots, and headline metrics side by side (two of
 * them here, through METRICS, to keep the test short; the sweep test
 * draws all six with the same script). */
START_TEST(test_two_runs)
{
	static const char *const names[] = {
		"iso-docked.png", "iso-empty_full.png", "iso-flows.png",
		"iso-map.png", "full-docked.png", "full-empty_full.png",
		"full-flows.png", "full-map.png", "compare-service_level.png",
		"compare-revenue_yen.png", "compare-diff-service_level.png",
		"compare-diff-revenue_yen.png"};
	char args[2048], d[1024], p[1100], *err, *csv;
	size_t i;

	small_run("iso", "--geojson --set agreement.type=isolated");
	small_run("full", "--geojson");
	snprintf(d, sizeof(d), "%s/cmp", dir);
	snprintf(args, sizeof(args), "%s %s/iso %s/full", d, dir, dir);
	setenv("METRICS", "service_level revenue_yen", 1);
	ck_assert_msg(plots(args, &err) == 0, "%s", err);
	unsetenv("METRICS");
	free(err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_plot(d, names[i]);
	assert_report(d, 12);
	/* the table behind the comparison is in sweep.csv's format; both
	 * runs are named "small", so they go by folder name */
	snprintf(p, sizeof(p), "%s/compare.csv", d);
	csv = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(csv);
	ck_assert_ptr_nonnull(strstr(csv, "point,run,agreement.type,metric,ward,mean,sd,ci95_low,ci95_high\n"));
	ck_assert_ptr_nonnull(strstr(csv, "\n1,iso,isolated,service_level,all,"));
	ck_assert_ptr_nonnull(strstr(csv, "\n2,full,full,service_level,all,"));
	free(csv);
}
END_TEST

/* A sweep's folder: each headline metric against the varied key. */
START_TEST(test_sweep)
{
	static const char *const names[] = {
		"sweep-service_level.png", "sweep-lost_no_bike.png",
		"sweep-cross_ward_trips.png", "sweep-empty_station_frac.png",
		"sweep-full_station_frac.png", "sweep-revenue_yen.png"};
	char cmd[2048], d[1024], *err;
	size_t i;

	snprintf(d, sizeof(d), "%s/sweep", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s && cp %s %s/", d,
		 tu_fixture("sweep/sweep.csv"), d);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	ck_assert_msg(plots(d, &err) == 0, "%s", err);
	free(err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_plot(d, names[i]);
	assert_report(d, 6);
	/* one line per agreement: both colours are there */
	assert_colour(d, "sweep-service_level.png", 0x0072B2, 200);
	assert_colour(d, "sweep-service_level.png", 0xD55E00, 200);
}
END_TEST

/* A designed sweep's folder: its indices per key for each metric, both
 * indices (two colours), in the report. */
START_TEST(test_design_sweep)
{
	char cmd[4096], d[1024], p[1100], *sc, *err = NULL, *html;

	tu_write_small_base(dir);
	sc = tu_write(dir, "des.json",
		      "{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		      " \"design\": {\"type\": \"sobol\", \"points\": 8, \"bootstrap\": 200,\n"
		      "  \"ranges\": {\"fleet.bikes\": [4, 30], \"behaviour.walk_radius_m\": [0, 400]}}}\n");
	snprintf(d, sizeof(d), "%s/des", dir);
	snprintf(cmd, sizeof(cmd), "%s sweep %s -o %s -q --jobs 2", tu_bssim(), sc, d);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
	free(err);
	free(sc);
	snprintf(cmd, sizeof(cmd), "METRICS='service_level revenue_yen' BSSIM=%s plots/plots.sh %s",
		 tu_bssim(), d);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s", err);
	free(err);
	assert_plot(d, "sweep-sensitivity-service_level.png");
	assert_plot(d, "sweep-sensitivity-revenue_yen.png");
	/* first-order bars blue, total-effect bars vermilion */
	assert_colour(d, "sweep-sensitivity-service_level.png", 0x0072B2, 2000);
	assert_colour(d, "sweep-sensitivity-service_level.png", 0xD55E00, 2000);
	snprintf(p, sizeof(p), "%s/report.html", d);
	html = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(html);
	/* each plot's caption, as its alt text and under it */
	ck_assert_uint_eq(count(html, "sensitivity to each key of the design"), 2 * 2);
	free(html);
}
END_TEST

/* The layout sweep.gp chose for the plot named name (PLOTS_LAYOUT). */
static char *layout_of(const char *layout, const char *name)
{
	char *all = tu_slurp(layout, NULL), *l, *e, *r;

	ck_assert_msg(all != NULL, "no %s", layout);
	l = strstr(all, name);
	ck_assert_msg(l != NULL, "no layout of %s in %s", name, all);
	e = strchr(l, '\n');
	if (e)
		*e = '\0';
	r = strdup(l);
	free(all);
	return r;
}

/* Issue 16, "comparisons that mislead": y axes that did not start at zero
 * (89.4-91.4 %), lines joining unrelated runs, unpaired error bars, run
 * labels that overlapped, runs on different networks in one plot. */
START_TEST(test_comparisons_read_right)
{
	char args[2048], d[1024], lay[1100], csv[4096], *err, *l;
	size_t i;
	FILE *f;

	small_run("iso", "--set agreement.type=isolated");
	small_run("full", "");
	snprintf(lay, sizeof(lay), "%s/layout.txt", dir);
	setenv("PLOTS_LAYOUT", lay, 1);
	setenv("METRICS", "service_level", 1);
	snprintf(d, sizeof(d), "%s/cmp", dir);
	snprintf(args, sizeof(args), "%s %s/iso %s/full", d, dir, dir);
	ck_assert_msg(plots(args, &err) == 0, "%s", err);
	free(err);
	/* shares from zero; runs are categories: points, no lines */
	l = layout_of(lay, "compare-service_level.png");
	ck_assert_msg(strstr(l, " ymin=0 ") && strstr(l, " categorical=1 "), "%s", l);
	free(l);
	/* the paired differences are drawn, around zero */
	l = layout_of(lay, "compare-diff-service_level.png");
	ck_assert_ptr_nonnull(l);
	free(l);
	assert_plot(d, "compare-diff-service_level.png");

	/* a sweep over long names, its shares all near 90 %: from zero, and
	 * the ticks tilted so that the names do not overlap */
	snprintf(d, sizeof(d), "%s/long", dir);
	snprintf(csv, sizeof(csv), "mkdir -p %s", d);
	ck_assert_int_eq(tu_run(csv, NULL, NULL), 0);
	snprintf(csv, sizeof(csv), "%s/sweep.csv", d);
	f = fopen(csv, "w");
	ck_assert_ptr_nonnull(f);
	fputs("point,network.name,metric,ward,mean,sd,ci95_low,ci95_high\n", f);
	for (i = 1; i <= 6; i++)
		fprintf(f, "%zu,Agreement between the wards of Minato and Chiyoda number %zu,"
			   "service_level,all,0.9%zu,0.001,0.894,0.914\n", i, i, i);
	fclose(f);
	ck_assert_msg(plots(d, &err) == 0, "%s", err);
	free(err);
	l = layout_of(lay, "sweep-service_level.png");
	ck_assert_msg(strstr(l, " ymin=0 ") != NULL, "%s", l);
	ck_assert_msg(strstr(l, " xrot=0 ") == NULL, "long labels not tilted: %s", l);
	/* plotdata cut them to at most 40 characters */
	ck_assert_msg(strstr(l, " maxlabel=39") != NULL, "%s", l);
	free(l);
	unsetenv("PLOTS_LAYOUT");

	/* another network: refused in one plot, each run keeps its own */
	{
		char json[2048], cmd[4096], *sc, *out = NULL;
		snprintf(json, sizeof(json),
			 "{\"bssim\": 1, \"name\": \"other\", \"seed\": 4, \"replications\": 3,"
			 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
			 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 10},"
			 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 100}}",
			 tu_abspath(tu_fixture("two.csv")));
		sc = tu_write(dir, "other.json", json);
		snprintf(cmd, sizeof(cmd), "%s run %s -o %s/other -q", tu_bssim(), sc, dir);
		ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
		snprintf(cmd, sizeof(cmd), "%s plotdata compare %s/iso %s/other", tu_bssim(),
			 dir, dir);
		ck_assert_int_eq(tu_run(cmd, &out, &err), 2);
		ck_assert_msg(strstr(err, "another network") != NULL, "%s", err);
		free(out);
		free(err);
		snprintf(d, sizeof(d), "%s/mixed", dir);
		snprintf(args, sizeof(args), "%s %s/iso %s/other", d, dir, dir);
		ck_assert_int_eq(plots(args, &err), 0);
		ck_assert_msg(strstr(err, "no comparison plots") != NULL, "%s", err);
		free(err);
		snprintf(cmd, sizeof(cmd), "%s/compare-service_level.png", d);
		ck_assert(!tu_exists(cmd));
		assert_plot(d, "iso-docked.png");
		free(sc);
	}
	unsetenv("METRICS");
}
END_TEST

/* `make plots OUT=DIR` on one run's folder (the contracted way in): the
 * four plots and the report; without OUT it says how. */
START_TEST(test_make_plots)
{
	static const char *const names[] = {"docked.png", "empty_full.png",
					    "flows.png", "map.png"};
	char cmd[2048], d[1024], *out = NULL, *err = NULL;
	const char *build = getenv("BUILD");
	size_t i;

	small_run("run", "--geojson");
	snprintf(d, sizeof(d), "%s/run", dir);
	snprintf(cmd, sizeof(cmd), "make --no-print-directory -s plots-run BUILD=%s OUT=%s",
		 build && *build ? build : "build", d);
	ck_assert_msg(tu_run(cmd, &out, &err) == 0, "%s\n%s", out, err);
	ck_assert_ptr_nonnull(strstr(out, "report.html"));
	free(out);
	free(err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_plot(d, names[i]);
	assert_report(d, 4);
	/* the data were drawn: the first ward's line (plots/style.gp's
	 * colour 1) and the busiest cell of the heat map (its darkest) */
	assert_colour(d, "docked.png", 0x0072B2, 300);
	assert_colour(d, "empty_full.png", 0x0072B2, 300);
	assert_colour(d, "flows.png", 0x08519C, 2000);
	snprintf(cmd, sizeof(cmd), "make --no-print-directory -s plots-run BUILD=%s",
		 build && *build ? build : "build");
	ck_assert_int_ne(tu_run(cmd, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "usage: make plots OUT=DIR"));
	free(err);
}
END_TEST

/* Not a run nor a sweep: exit 2 with a message, nothing written. */
START_TEST(test_bad_input)
{
	char d[1024], args[2048], p[1100], *err;

	snprintf(d, sizeof(d), "%s/empty", dir);
	snprintf(args, sizeof(args), "mkdir -p %s", d);
	ck_assert_int_eq(tu_run(args, NULL, NULL), 0);
	ck_assert_int_eq(plots(d, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "neither summary.json"));
	free(err);
	snprintf(p, sizeof(p), "%s/report.html", d);
	ck_assert(!tu_exists(p));
	/* a run folder that is not one */
	snprintf(args, sizeof(args), "%s/out %s %s", dir, d, d);
	ck_assert_int_eq(plots(args, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "no summary.json"));
	free(err);
	snprintf(p, sizeof(p), "%s/out", dir);
	ck_assert(!tu_exists(p));
}
END_TEST

/* The font plots.sh names for Japanese plots resolves (fc-match) to a
 * font file fontconfig lists as covering Japanese: nonzero. */
static int cjk_font_resolves(void)
{
	char *file = NULL, *list = NULL;
	int ok;

	ck_assert_int_eq(tu_run("fc-match -f '%{file}' IPAexGothic", &file, NULL), 0);
	ck_assert_int_eq(tu_run("fc-list -f '%{file}\\n' :lang=ja", &list, NULL), 0);
	ok = file && *file && strstr(list, file) != NULL;
	free(file);
	free(list);
	return ok;
}

/* A Japanese run (output.language ja, ward names from a names table) in
 * dir/SUB/run, its plots drawn with the plots folder PLOTS. */
static void ja_run_plots(const char *sub, const char *names, const char *pdir)
{
	char cmd[4096], d[1024], *err = NULL;

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/%s && printf '%s' > %s/%s/names.csv",
		 dir, sub, names, dir, sub);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	snprintf(d, sizeof(d), "%s/run", sub);
	snprintf(cmd, sizeof(cmd), "--geojson --set output.language=ja --set network.names=%s/%s/names.csv",
		 dir, sub);
	small_run(d, cmd);
	snprintf(cmd, sizeof(cmd), "BSSIM=%s %s/plots.sh %s/%s/run", tu_bssim(), pdir, dir, sub);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
	free(err);
}

/* Japanese plots draw their glyphs: the named font is a CJK one, and each
 * plot differs from the same plot with every Japanese text (titles,
 * labels, legends, ward names) blank; the report and its captions are
 * Japanese. */
START_TEST(test_japanese_plots)
{
	static const char *const pngs[] = {"docked.png", "empty_full.png",
					   "flows.png", "map.png"};
	char a[1100], b[1100], why[256], cmd[4096], *html;
	size_t i;

	ck_assert_msg(cjk_font_resolves(),
		      "IPAexGothic does not resolve to a Japanese font (scripts/install-deps.sh plots installs fonts-ipaexfont-gothic)");
	ja_run_plots("a", "kind,id,en,ja\\nward,Alpha,Alpha,甲区\\nward,Beta,Beta,乙区\\nward,Gamma,Gamma,丙区\\n",
		     "plots");
	/* the blank twin: the same run, its Japanese texts ideographic spaces */
	snprintf(cmd, sizeof(cmd),
		 "cp -r plots %s/plots-blank && sed -i 's/= \\\".*\\\"$/= \\\"　\\\"/' %s/plots-blank/lang/ja.gp",
		 dir, dir);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof(cmd), "%s/plots-blank", dir);
	ja_run_plots("b", "kind,id,en,ja\\nward,Alpha,Alpha,　\\nward,Beta,Beta,　\\nward,Gamma,Gamma,　\\n",
		     cmd);
	for (i = 0; i < sizeof(pngs) / sizeof(pngs[0]); i++) {
		struct tp_png ja, blank;
		size_t la, lb;
		char *x, *y;
		snprintf(a, sizeof(a), "%s/a/run/%s", dir, pngs[i]);
		snprintf(b, sizeof(b), "%s/b/run/%s", dir, pngs[i]);
		tp_assert_plot(a, 600, 400);
		ck_assert_msg(tp_png_inspect(a, &ja, why, sizeof(why)) == 0, "%s", why);
		ck_assert_msg(tp_png_inspect(b, &blank, why, sizeof(why)) == 0, "%s", why);
		x = tu_slurp(a, &la);
		y = tu_slurp(b, &lb);
		ck_assert_msg(la != lb || memcmp(x, y, la) != 0,
			      "%s: the same with its Japanese texts blank", pngs[i]);
		/* (not "more ink": blank texts leave the plot area larger) */
		ck_assert(ja.colours >= 8 && blank.colours >= 8);
		free(x);
		free(y);
	}
	snprintf(a, sizeof(a), "%s/a/run/report.html", dir);
	html = tu_slurp(a, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"ja\">"));
	ck_assert_ptr_nonnull(strstr(html, "主要指標"));
	ck_assert_ptr_nonnull(strstr(html, "甲区"));
	ck_assert_ptr_nonnull(strstr(html, "区別・時刻別の駐輪台数"));
	free(html);
}
END_TEST

/* dir/NAME: a sweep of the six-port network over fleet size and two
 * agreements (one a bilateral pair), its base scenario in language LANG
 * with the names table dir/names.csv. */
static void lang_sweep(const char *name, const char *lang)
{
	char json[2048], cmd[4096], *names, *base, *sw, *err = NULL;

	names = tu_write(dir, "names.csv",
			 "kind,id,en,ja\nward,Alpha,Alpha,甲区\nward,Beta,Beta,乙区\n"
			 "ward,Gamma,Gamma,丙区\n");
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\", \"names\": \"%s\"},"
		 " \"fleet\": {\"bikes\": 14}, \"output\": {\"language\": \"%s\"},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}}",
		 tu_abspath(tu_fixture("six.csv")), names, lang);
	snprintf(cmd, sizeof(cmd), "%s-base.json", name);
	base = tu_write(dir, cmd, json);
	snprintf(json, sizeof(json),
		 "{\"bssim_sweep\": 1, \"base\": \"%s\", \"vary\": {"
		 "\"fleet.bikes\": [10, 20], \"agreement\": [{\"type\": \"isolated\"},"
		 " {\"type\": \"bilateral\", \"pairs\": [[\"Alpha\", \"Beta\"]]}]}}",
		 base);
	snprintf(cmd, sizeof(cmd), "%s-sweep.json", name);
	sw = tu_write(dir, cmd, json);
	snprintf(cmd, sizeof(cmd), "%s sweep %s -o %s/%s -q", tu_bssim(), sw, dir, name);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
	free(err);
	free(names);
	free(base);
	free(sw);
}

/* Issue 16's leftover: sweeps were drawn and reported only in English. A
 * sweep in Japanese gets Japanese legends (agreements, ward names from the
 * names table), axes, captions and report. */
START_TEST(test_japanese_sweep)
{
	char cmd[4096], p[1024], *out = NULL, *err = NULL, *html;

	ck_assert(cjk_font_resolves());
	/* every text a script translates has its Japanese in lang/ja.gp (a
	 * missing one stays English, as the paired plots' note did) */
	ck_assert_int_eq(tu_run("for k in $(grep -oh 'tr(\"[a-z_]*\"' plots/*.gp | sort -u | "
				"sed 's/tr(\"//; s/\"//'); do grep -q \"^L_$k \" plots/lang/ja.gp || "
				"echo \"$k\"; done", &out, NULL), 0);
	ck_assert_msg(out && !*out, "plots/lang/ja.gp lacks: %s", out);
	free(out);
	lang_sweep("sw", "ja");
	snprintf(cmd, sizeof(cmd), "%s plotdata names %s/sw", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_str_eq(out, "ward,ja\nAlpha,甲区\nBeta,乙区\nGamma,丙区\n");
	free(out);
	snprintf(cmd, sizeof(cmd), "%s plotdata sweep %s/sw service_level", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(strncmp(out, "fleet.bikes,label,各区単独,各区単独_lo,各区単独_hi,"
				   "二区間相互利用 甲区–乙区,", 80) == 0, "%s", out);
	free(out);
	snprintf(p, sizeof(p), "%s/sw", dir);
	/* the paired differences' ticks too */
	snprintf(cmd, sizeof(cmd), "%s plotdata diff %s/sw service_level --x agreement",
		 tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(strstr(out, "\n1,各区単独,") && strstr(out, "\n2,二区間相互利用 甲区–乙区,"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(plots(p, &err), 0);
	ck_assert_msg(!strstr(err, "warning"), "%s", err);
	free(err);
	assert_plot(p, "sweep-service_level.png");
	assert_plot(p, "sweep-diff-service_level.png");
	snprintf(p, sizeof(p), "%s/sw/report.html", dir);
	html = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"ja\">"));
	ck_assert_ptr_nonnull(strstr(html, "スイープの各点"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">二区間相互利用 甲区–乙区</td>"));
	ck_assert_ptr_nonnull(strstr(html, "サービス水準：完了した利用 / 利用要求（service_level、ネットワーク全体）"));
	ck_assert_ptr_nonnull(strstr(html, "対応のある差 B − A"));
	free(html);
	/* the English sweep is as it was */
	lang_sweep("en", "en");
	snprintf(cmd, sizeof(cmd), "%s plotdata sweep %s/en service_level", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert(strncmp(out, "fleet.bikes,label,isolated,isolated_lo,isolated_hi,"
			       "bilateral Alpha–Beta,", 60) == 0);
	free(out);
}
END_TEST

/* Japanese asked for, no CJK font (fontconfig pointed at DejaVu alone):
 * one clear warning, and the plots are the English ones, pixel for pixel,
 * never boxes: a run's four plots, and a sweep's (whose legends would
 * otherwise follow its language). */
START_TEST(test_english_fallback)
{
	static const char *const pngs[] = {"docked.png", "empty_full.png",
					   "flows.png", "map.png"};
	char cmd[4096], a[1100], b[1100], *fonts = tu_no_cjk_fontconfig(dir);
	char *err = NULL, *html, *w;
	size_t i;

	ck_assert_ptr_nonnull(fonts);
	free(tu_write(dir, "names.csv", "kind,id,en,ja\nward,Alpha,Alpha,甲区\n"));
	snprintf(cmd, sizeof(cmd), "--geojson --set output.language=ja --set network.names=%s/names.csv", dir);
	small_run("ja/run", cmd);
	small_run("en/run", "--geojson");
	snprintf(cmd, sizeof(cmd), "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/ja/run",
		 fonts, tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
	w = strstr(err, "plots.sh: warning: ");
	ck_assert_msg(w && strstr(w, "no CJK font is installed; drawing them in English"), "%s", err);
	ck_assert_msg(!strstr(w + strlen("plots.sh: warning: "), "warning"),
		      "more than one warning: %s", err);
	free(err);
	snprintf(cmd, sizeof(cmd), "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/en/run",
		 fonts, tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	for (i = 0; i < sizeof(pngs) / sizeof(pngs[0]); i++) {
		snprintf(a, sizeof(a), "%s/ja/run/%s", dir, pngs[i]);
		snprintf(b, sizeof(b), "%s/en/run/%s", dir, pngs[i]);
		tp_assert_plot(a, 600, 400);
		ck_assert_msg(tp_png_diff(a, b) == 0, "%s: not the English plot", pngs[i]);
	}
	snprintf(a, sizeof(a), "%s/ja/run/report.html", dir);
	html = tu_slurp(a, NULL);
	ck_assert_ptr_nonnull(strstr(html, "run: bikes docked in each ward by time of day"));
	free(html);
	/* a Japanese run name in the title: ASCII without the font (港区 is
	 * drawn as "_"), as an English run named "_" */
	snprintf(cmd, sizeof(cmd), "--geojson --set output.language=ja --set network.names=%s/names.csv", dir);
	small_run("ja/港区", cmd);
	small_run("en/_", "--geojson");
	snprintf(cmd, sizeof(cmd), "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/ja/港区 2>/dev/null && "
		 "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/en/_",
		 fonts, tu_bssim(), dir, fonts, tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	snprintf(a, sizeof(a), "%s/ja/港区/docked.png", dir);
	snprintf(b, sizeof(b), "%s/en/_/docked.png", dir);
	ck_assert_msg(tp_png_diff(a, b) == 0, "a Japanese run name drawn without a CJK font");

	lang_sweep("swja", "ja");
	lang_sweep("swen", "en");
	snprintf(cmd, sizeof(cmd), "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/swja && "
		 "FONTCONFIG_FILE=%s BSSIM=%s plots/plots.sh %s/swen",
		 fonts, tu_bssim(), dir, fonts, tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "no CJK font is installed"));
	free(err);
	snprintf(a, sizeof(a), "%s/swja/sweep-service_level.png", dir);
	snprintf(b, sizeof(b), "%s/swen/sweep-service_level.png", dir);
	ck_assert_int_eq(tp_png_diff(a, b), 0);
	snprintf(a, sizeof(a), "%s/swja/sweep-diff-service_level.png", dir);
	snprintf(b, sizeof(b), "%s/swen/sweep-diff-service_level.png", dir);
	ck_assert_int_eq(tp_png_diff(a, b), 0);
	free(fonts);
}
END_TEST

/* Issue 16, "maps": no ward boundaries, though the data ships them. With
 * network.boundaries the map draws each ward's outline (grey #555555
 * lines, thousands of pixels more than the ports' rims alone) and spans
 * the wards whole. */
START_TEST(test_map_boundaries)
{
	char cmd[4096], a[1024], b[1024], *err = NULL;
	long with, without;

	free(tu_write(dir, "b.geojson",
		      "{\"type\":\"FeatureCollection\",\"features\":["
		      "{\"type\":\"Feature\",\"properties\":{\"ward\":\"Alpha\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.747,35.695],[139.753,35.695],[139.753,35.703],[139.747,35.703],[139.747,35.695]]]}},"
		      "{\"type\":\"Feature\",\"properties\":{\"ward\":\"Beta\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.753,35.695],[139.759,35.695],[139.759,35.703],[139.753,35.703],[139.753,35.695]]]}},"
		      "{\"type\":\"Feature\",\"properties\":{\"ward\":\"Gamma\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.759,35.695],[139.765,35.695],[139.765,35.703],[139.759,35.703],[139.759,35.695]]]}}]}\n"));
	snprintf(cmd, sizeof(cmd), "--geojson --set network.boundaries=%s/b.geojson", dir);
	small_run("b", cmd);
	small_run("nb", "--geojson");
	snprintf(a, sizeof(a), "%s/b", dir);
	snprintf(b, sizeof(b), "%s/nb", dir);
	snprintf(cmd, sizeof(cmd), "%s/b/wards.geojson", dir);
	ck_assert(tu_exists(cmd));
	ck_assert_int_eq(plots(a, &err), 0);
	free(err);
	ck_assert_int_eq(plots(b, NULL), 0);
	assert_plot(a, "map.png");
	snprintf(cmd, sizeof(cmd), "%s/b/map.png", dir);
	with = tp_png_count_colour(cmd, 0x555555);
	snprintf(cmd, sizeof(cmd), "%s/nb/map.png", dir);
	without = tp_png_count_colour(cmd, 0x555555);
	ck_assert_msg(with > without + 2000, "boundary lines: %ld grey pixels, %ld without",
		      with, without);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("plots");
	TCase *tc = tcase_create("plots");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_geojson_no_map);
	tcase_add_test(tc, test_days_trend);
	tcase_add_test(tc, test_two_runs);
	tcase_add_test(tc, test_sweep);
	tcase_add_test(tc, test_design_sweep);
	tcase_add_test(tc, test_comparisons_read_right);
	tcase_add_test(tc, test_make_plots);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_japanese_plots);
	tcase_add_test(tc, test_japanese_sweep);
	tcase_add_test(tc, test_english_fallback);
	tcase_add_test(tc, test_map_boundaries);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
