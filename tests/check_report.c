/*
 * check_report.c - report.html: its sections and numbers, images embedded
 * byte for byte (base64 decoded back), text escaped, nothing fetched from
 * a network, the same bytes for the same inputs, all-or-nothing writing,
 * a sweep's page; and in headless Chromium (make check-browser): the page
 * renders, every image loads, and a screenshot is not blank; Japanese
 * pages (a run's, a sweep's, a comparison's, with the real plots) draw
 * their CJK glyphs, not boxes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/report.h"
#include "stats/metrics.h"
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

static int bssim(const char *args, char **out, char **err)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	return tu_run(cmd, out, err);
}

/* A small run into dir/name; description may hold HTML. */
static void small_run(const char *name, const char *agreement,
		      const char *description)
{
	char json[2048], args[4096], *sc, *err = NULL;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"%s\", \"description\": \"%s\","
		 " \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300},"
		 " \"agreement\": {\"type\": \"%s\"}}",
		 name, description, tu_abspath(tu_fixture("six.csv")), agreement);
	sc = tu_write(dir, "scenario.json", json);
	snprintf(args, sizeof(args), "run %s -o %s/%s -q", sc, dir, name);
	ck_assert_msg(bssim(args, NULL, &err) == 0, "%s", err);
	free(err);
	free(sc);
}

static char *report_text(const char *path)
{
	char *t = tu_slurp(path, NULL);

	ck_assert_msg(t != NULL, "no %s", path);
	return t;
}

static int b64(int c)
{
	const char *A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(A, c) : NULL;

	return p ? (int)(p - A) : -1;
}

/* Decode base64 text up to its closing quote; returns the byte count. */
static size_t unbase64(const char *s, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned v = 0;
	int bits = 0;

	for (; *s && *s != '"'; s++) {
		int d = b64(*s);
		if (*s == '=')
			break;
		ck_assert_msg(d >= 0, "not base64: '%c'", *s);
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			ck_assert(n < cap);
			out[n++] = (unsigned char)(v >> bits & 255);
		}
	}
	return n;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Nothing in the page reaches outside it: every src is a data: URI, and
 * there is no link, script, style import or URL. */
static void assert_offline(const char *html)
{
	ck_assert_uint_eq(count(html, "src="), count(html, "src=\"data:image/png;base64,"));
	ck_assert_ptr_null(strstr(html, "http:"));
	ck_assert_ptr_null(strstr(html, "https:"));
	ck_assert_ptr_null(strstr(html, "href="));
	ck_assert_ptr_null(strstr(html, "url("));
	ck_assert_ptr_null(strstr(html, "@import"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<link"));
}

START_TEST(test_report_of_runs)
{
	char args[4096], png[1024], page[1024], *html, *img, *p;
	unsigned char *want, got[65536];
	size_t wlen, glen;

	small_run("iso", "isolated", "Each ward <b>alone</b> & \\\"quoted\\\"");
	small_run("full", "full", "All four wards");
	snprintf(png, sizeof(png), "%s/plot.png", dir);
	ck_assert_int_eq(tp_png_write_test(png, 40, 30), 0);
	snprintf(page, sizeof(page), "%s/out/report.html", dir);
	snprintf(args, sizeof(args),
		 "report -o %s --plot '%s=Caption <with> & markup' %s/iso %s/full",
		 page, png, dir, dir);
	ck_assert_int_eq(bssim(args, NULL, NULL), 0);
	html = report_text(page);
	ck_assert(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	ck_assert_ptr_nonnull(strstr(html, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(html, "<title>bssim: iso vs full</title>"));
	ck_assert_ptr_nonnull(strstr(html, "Headline metrics"));
	ck_assert_ptr_nonnull(strstr(html, "Settlement between wards"));
	ck_assert_ptr_nonnull(strstr(html, "owes &#8595; to &#8594;"));
	ck_assert_ptr_nonnull(strstr(html, "<code>service_level</code>"));
	ck_assert_ptr_nonnull(strstr(html, "<code>revenue_yen</code>"));
	ck_assert_ptr_nonnull(strstr(html, "<th>Alpha</th><th>Beta</th><th>Gamma</th>"));
	/* the agreement row differs between the runs and is marked */
	ck_assert_ptr_nonnull(strstr(html, "<tr class=\"diff\"><th scope=\"row\"><code>agreement.type</code>"));
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"row\"><code>fleet.bikes</code></th><td class=\"text\">14</td><td class=\"text\">14</td>"));
	/* input text is escaped */
	ck_assert_ptr_nonnull(strstr(html, "Each ward &lt;b&gt;alone&lt;/b&gt; &amp; &quot;quoted&quot;"));
	ck_assert_ptr_null(strstr(html, "<b>alone"));
	ck_assert_ptr_nonnull(strstr(html, "<figcaption>Caption &lt;with&gt; &amp; markup</figcaption>"));
	assert_offline(html);
	/* the image, byte for byte, with its size */
	ck_assert_ptr_nonnull(strstr(html, "<img width=\"40\" height=\"30\""));
	img = strstr(html, "src=\"data:image/png;base64,");
	ck_assert_ptr_nonnull(img);
	ck_assert_ptr_null(strstr(img + 1, "src=\"data:")); /* only one */
	want = (unsigned char *)tu_slurp(png, &wlen);
	glen = unbase64(img + strlen("src=\"data:image/png;base64,"), got,
			sizeof(got));
	ck_assert_uint_eq(glen, wlen);
	ck_assert(memcmp(got, want, wlen) == 0);
	free(want);
	/* a share in percent with its interval */
	p = strstr(html, "<code>service_level</code>");
	ck_assert_ptr_nonnull(strstr(p, "&#8239;%<br><span class=\"ci\">["));
	/* issue 16: the report had no B - A column. Paired differences of
	 * the headline metrics, each ward's settlement, and each agreement's
	 * reach */
	p = strstr(html, "<h2 id=\"paired\">Differences B &#8722; A, paired</h2>");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "<th>full &#8722; iso</th>"));
	ck_assert_ptr_nonnull(strstr(p, "<code>lost_no_bike</code>"));
	ck_assert_ptr_nonnull(strstr(p, "<code>settlement_net_yen</code> of Alpha"));
	ck_assert_ptr_nonnull(strstr(p, "Reach of each agreement"));
	ck_assert_ptr_nonnull(strstr(p, "<td class=\"text\">isolated</td>"));
	ck_assert(p < strstr(html, "Headline metrics"));
	free(html);

	/* the same inputs give the same bytes */
	{
		char again[1024], *a, *b;
		snprintf(again, sizeof(again), "%s/out/again.html", dir);
		snprintf(args, sizeof(args),
			 "report -o %s --plot '%s=Caption <with> & markup' %s/iso %s/full",
			 again, png, dir, dir);
		ck_assert_int_eq(bssim(args, NULL, NULL), 0);
		a = report_text(page);
		b = report_text(again);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
}
END_TEST

/* One run: report.html lands in its folder by default; the Tokyo credit
 * line travels with pages made from the Tokyo network. */
START_TEST(test_report_default_path)
{
	char args[2048], page[1024], *html;

	small_run("one", "full", "x");
	snprintf(args, sizeof(args), "report %s/one", dir);
	ck_assert_int_eq(bssim(args, NULL, NULL), 0);
	snprintf(page, sizeof(page), "%s/one/report.html", dir);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "<title>bssim: one</title>"));
	ck_assert_ptr_null(strstr(html, "<h2 id=\"plots\">"));
	ck_assert_ptr_null(strstr(html, "CC BY"));
	free(html);
}
END_TEST

START_TEST(test_report_bad_input)
{
	char args[2048], page[1024], *err;

	small_run("one", "full", "x");
	/* several folders need -o */
	snprintf(args, sizeof(args), "report %s/one %s/one", dir, dir);
	ck_assert_int_eq(bssim(args, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "-o FILE"));
	free(err);
	/* a plot that is not a PNG: exit 2, no page, no temporary left */
	free(tu_write(dir, "fake.png", "not an image"));
	snprintf(args, sizeof(args), "report -o %s/out/r.html --plot %s/fake.png %s/one",
		 dir, dir, dir);
	ck_assert_int_eq(bssim(args, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "fake.png"));
	ck_assert_ptr_nonnull(strstr(err, "not a PNG"));
	free(err);
	snprintf(page, sizeof(page), "%s/out/r.html", dir);
	ck_assert(!tu_exists(page));
	snprintf(args, sizeof(args), "ls -A %s/out | wc -l", dir);
	ck_assert_int_eq(tu_run(args, &err, NULL), 0);
	ck_assert_int_eq(atoi(err), 0);
	free(err);
	/* not a run */
	snprintf(args, sizeof(args), "report -o %s/r.html %s", dir, dir);
	ck_assert_int_eq(bssim(args, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "summary.json"));
	free(err);
	/* an output folder that cannot be made */
	snprintf(args, sizeof(args), "report -o /dev/null/r.html %s/one", dir);
	ck_assert_int_eq(bssim(args, NULL, &err), 1);
	free(err);
}
END_TEST

START_TEST(test_report_of_sweep)
{
	char args[2048], page[1024], *html;

	snprintf(args, sizeof(args), "mkdir -p %s/sw && cp %s %s/sw/", dir,
		 tu_fixture("sweep/sweep.csv"), dir);
	ck_assert_int_eq(tu_run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "report %s/sw", dir);
	ck_assert_int_eq(bssim(args, NULL, NULL), 0);
	snprintf(page, sizeof(page), "%s/sw/report.html", dir);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "Sweep points"));
	ck_assert_ptr_nonnull(strstr(html, "6 points"));
	ck_assert_ptr_nonnull(strstr(html, "<th><code>fleet.bikes</code></th><th><code>agreement.type</code></th>"));
	ck_assert_ptr_nonnull(strstr(html, "<tr><th scope=\"row\">6</th><td class=\"text\">3500</td><td class=\"text\">full</td>"));
	/* service level 0.830008 +- (0.836736 - 0.823279) / 2, in percent */
	ck_assert_ptr_nonnull(strstr(html, "<td>83.00&#8239;%<br><span class=\"ci\">&#177;&#8239;0.67</span></td>"));
	/* no trucks in the fixture: its zero column is left out */
	ck_assert_ptr_null(strstr(html, "rebalancing_km"));
	assert_offline(html);
	free(html);
}
END_TEST

START_TEST(test_png_size)
{
	char png[1024], txt[1024];
	unsigned long w, h;
	struct bs_error err;

	snprintf(png, sizeof(png), "%s/a.png", dir);
	ck_assert_int_eq(tp_png_write_test(png, 321, 123), 0);
	ck_assert_int_eq(bs_report_png_size(png, &w, &h, &err), 0);
	ck_assert_uint_eq(w, 321);
	ck_assert_uint_eq(h, 123);
	free(tu_write(dir, "b.png", "\x89PNG\r\n\x1a\n short"));
	snprintf(txt, sizeof(txt), "%s/b.png", dir);
	ck_assert_int_eq(bs_report_png_size(txt, &w, &h, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "not a PNG"));
}
END_TEST

/* The official names of the fixture's wards in Japanese, and a run (or
 * sweep base) in Japanese: output.language ja with that names table. */
static char *ja_base(void)
{
	char json[2048], *names, *sc;

	names = tu_write(dir, "names.csv",
			 "kind,id,en,ja\nward,Alpha,Minato,港区\n"
			 "ward,Beta,Chuo,中央区\nward,Gamma,Koto,江東区\n");
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"ja\", \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\", \"names\": \"%s\"},"
		 " \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300},"
		 " \"output\": {\"language\": \"ja\", \"geojson\": true}}",
		 tu_abspath(tu_fixture("six.csv")), names);
	free(names);
	sc = tu_write(dir, "ja.json", json);
	return sc;
}

static void ja_run(const char *name, const char *agreement)
{
	char args[4096], *sc = ja_base(), *err = NULL;

	snprintf(args, sizeof(args), "run %s -o '%s/%s' -q --set agreement.type=%s",
		 sc, dir, name, agreement);
	ck_assert_msg(bssim(args, NULL, &err) == 0, "%s", err);
	free(err);
	free(sc);
}

/* The page's escaping of a text (as report.c's esc writes it). */
static void html_escape(const char *s, char *buf, size_t sz)
{
	size_t n = 0;

	for (; *s && n + 7 < sz; s++) {
		const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;"
			      : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
			      : *s == '\'' ? "&#39;" : NULL;
		if (e) {
			memcpy(buf + n, e, strlen(e));
			n += strlen(e);
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

/* A Japanese report (output.language ja) says everything in Japanese:
 * every metric's description has its Japanese (a metric added later
 * without one fails here), and the sentences with numbers, the notes and
 * the footer were translated, not left in English as before (the
 * settlement note's apostrophes never matched its phrase). */
START_TEST(test_report_japanese)
{
	char args[4096], page[1024], esc_help[1024], *html;
	size_t i;
	static const char *const english[] = {
		"days with", "Whole network", "Made by", "trips per day still riding",
		"row's ward owes", "The same statistics for each ward",
		"Every key of the resolved scenario", "a rider who rode",
		"owes &#8595; to", "Differences B", "Reach of each agreement",
	};

	for (i = 0; i < BS_METRIC_N; i++) {
		html_escape(bs_metric_helptext[i], esc_help, sizeof(esc_help));
		ck_assert_msg(bs__report_ja_phrase(esc_help) != NULL,
			      "no Japanese for %s's description '%s'",
			      bs_metric_names[i], esc_help);
	}
	for (i = 0; i < BS_TAGM_N; i++) {
		html_escape(bs_tag_metric_helptext[i], esc_help, sizeof(esc_help));
		ck_assert_msg(bs__report_ja_phrase(esc_help) != NULL,
			      "no Japanese for the tag metric %s", bs_tag_metric_names[i]);
	}
	ja_run("iso", "isolated");
	ja_run("full", "full");
	snprintf(page, sizeof(page), "%s/r.html", dir);
	snprintf(args, sizeof(args), "report -o %s %s/iso %s/full", page, dir, dir);
	ck_assert_int_eq(bssim(args, NULL, NULL), 0);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"ja\">"));
	for (i = 0; i < sizeof(english) / sizeof(english[0]); i++)
		ck_assert_msg(strstr(html, english[i]) == NULL,
			      "'%s' left in English", english[i]);
	ck_assert_ptr_nonnull(strstr(html, "；2日（うち助走1日）、反復3回、シード4"));
	ck_assert_ptr_nonnull(strstr(html, "シナリオの料金規則のもとで、行の区が列の区に支払う"));
	ck_assert_ptr_nonnull(strstr(html, "作成：bssim "));
	ck_assert_ptr_nonnull(strstr(html, "<code>settlement_net_yen</code> （中央区）"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">全区相互利用</td>"));
	/* values and keys stay as written */
	ck_assert_ptr_nonnull(strstr(html, "<code>agreement.type</code>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">isolated</td>"));
	/* a ward's name is not broken in two in the wards' table */
	ck_assert_ptr_nonnull(strstr(html, "table.wards th[scope=row]{white-space:nowrap}"));
	assert_offline(html);
	free(html);
}
END_TEST

/* ---- in a real browser -------------------------------------------------- */

/* The browser to test with, or NULL: $BSSIM_CHROMIUM ("none": skip),
 * else, under `make check-browser` (BSSIM_CHECK_BROWSER=1), chromium or
 * chromium-browser on PATH. `make check` skips the browser, which would
 * add a minute of page loads to every check. */
static const char *browser(void)
{
	static char path[1024];
	const char *env = getenv("BSSIM_CHROMIUM");
	char *out = NULL;

	if (env && *env)
		return strcmp(env, "none") ? env : NULL;
	if (!getenv("BSSIM_CHECK_BROWSER"))
		return NULL;
	if (tu_run("command -v chromium || command -v chromium-browser", &out,
		   NULL) != 0 || !out || !*out) {
		free(out);
		return NULL;
	}
	out[strcspn(out, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s", out);
	free(out);
	return path;
}

/* Headless Chromium with a fresh profile and no way out to a network (an
 * unreachable proxy): anything the page tried to fetch would fail. fonts:
 * NULL, or a fontconfig file (FONTCONFIG_FILE) to see the page with. The
 * screenshot is taken after every compositor stage (no tile left white). */
static int chromium_fonts(const char *exe, const char *fonts,
			  const char *args, char **out)
{
	char cmd[8192], *err = NULL;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "%s%s%s'%s' --headless --no-sandbox --disable-gpu --disable-quic "
		 "--no-first-run --disable-background-networking "
		 "--disable-component-update --disable-sync --hide-scrollbars "
		 "--run-all-compositor-stages-before-draw "
		 "--proxy-server=127.0.0.1:9 --user-data-dir='%s/profile%s' "
		 "--virtual-time-budget=5000 %s",
		 fonts ? "FONTCONFIG_FILE='" : "", fonts ? fonts : "",
		 fonts ? "' " : "", exe, dir, fonts ? "-fonts" : "", args);
	st = tu_run(cmd, out, &err);
	if (st != 0)
		fprintf(stderr, "%s\n%s\n", cmd, err ? err : "");
	free(err);
	return st;
}

static int chromium(const char *exe, const char *args, char **out)
{
	return chromium_fonts(exe, NULL, args, out);
}

START_TEST(test_chromium)
{
	const char *exe = browser();
	char png[1024], page[1024], probe[1024], shot[1024], args[4096];
	char *html, *body, *out = NULL, want[64];
	struct tp_png info;
	char why[256];
	FILE *fp;
	int bad;

	if (!exe) {
		fprintf(stderr, "SKIP: report in headless Chromium: run `make "
				"check-browser` (it installs chromium and runs this test)\n");
		return;
	}
	small_run("iso", "isolated", "Each ward alone");
	small_run("full", "full", "All four wards");
	snprintf(png, sizeof(png), "%s/plot.png", dir);
	ck_assert_int_eq(tp_png_write_test(png, 640, 360), 0);
	snprintf(page, sizeof(page), "%s/report.html", dir);
	snprintf(args, sizeof(args),
		 "report -o %s --plot '%s=first' --plot '%s=second' %s/iso %s/full",
		 page, png, png, dir, dir);
	ck_assert_int_eq(bssim(args, NULL, NULL), 0);

	/* every image loads: the page plus a probe that counts the images
	 * the browser decoded, read back from the DOM after load; and, to
	 * show the probe can fail, the same page with one image spoilt */
	html = report_text(page);
	body = strstr(html, "</body>");
	ck_assert_ptr_nonnull(body);
	for (bad = 0; bad < 2; bad++) {
		snprintf(probe, sizeof(probe), "%s/probe%d.html", dir, bad);
		fp = fopen(probe, "wb");
		ck_assert_ptr_nonnull(fp);
		fwrite(html, 1, (size_t)(body - html), fp);
		fputs("<script>window.addEventListener('load', function () {"
		      " var im = document.images, ok = 0;"
		      " for (var i = 0; i < im.length; i++)"
		      "  if (im[i].complete && im[i].naturalWidth > 0) ok++;"
		      " var p = document.createElement('pre'); p.id = 'probe';"
		      " p.textContent = 'images ' + ok + ' of ' + im.length;"
		      " document.body.appendChild(p); });</script>\n",
		      fp);
		fputs(body, fp);
		fclose(fp);
		if (bad) {
			/* the first image's data: base64 of something else */
			char *t = report_text(probe), *d;
			d = strstr(t, "base64,iVBORw0KGgo");
			ck_assert_ptr_nonnull(d);
			memcpy(d + 7, "bm90IGEgcG5n", 12);
			fp = fopen(probe, "wb");
			fputs(t, fp);
			fclose(fp);
			free(t);
		}
		snprintf(args, sizeof(args), "--dump-dom 'file://%s'", probe);
		ck_assert_int_eq(chromium(exe, args, &out), 0);
		ck_assert_ptr_nonnull(out);
		ck_assert_ptr_nonnull(strstr(out, "Headline metrics"));
		snprintf(want, sizeof(want), "images %d of 2", bad ? 1 : 2);
		ck_assert_msg(strstr(out, want) != NULL,
			      "the probe did not say '%s'", want);
		free(out);
	}
	free(html);

	/* it renders: a screenshot with the page on it, not a blank one */
	snprintf(shot, sizeof(shot), "%s/shot.png", dir);
	snprintf(args, sizeof(args), "--window-size=1200,1600 --screenshot='%s' 'file://%s'",
		 shot, page);
	ck_assert_int_eq(chromium(exe, args, NULL), 0);
	ck_assert_int_eq(tp_png_inspect(shot, &info, why, sizeof(why)), 0);
	ck_assert_uint_eq(info.width, 1200);
	ck_assert_msg(info.colours >= 16, "screenshot has %zu colours", info.colours);
	ck_assert_msg(info.background < 0.97, "screenshot is %.1f%% background",
		      100.0 * info.background);
}
END_TEST

/* ---- Japanese in a real browser ------------------------------------------ */

/* plots/plots.sh ARGS: the real plots (gnuplot, the CJK font) and the
 * report. */
static void ja_plots(const char *args)
{
	char cmd[4096], *err = NULL;

	snprintf(cmd, sizeof(cmd), "BSSIM=%s plots/plots.sh %s", tu_bssim(), args);
	ck_assert_msg(tu_run(cmd, NULL, &err) == 0, "%s: %s", cmd, err);
	ck_assert_msg(!err || !strstr(err, "warning"), "%s: %s", cmd, err);
	free(err);
}

/* page with a probe before </body> into probe: after load, it draws 港, 区
 * and U+0378 (no font has it: the box of a missing glyph) on a canvas in
 * the page's own font and says whether the two ideographs came out as two
 * different glyphs, neither the box ("glyphs drawn") or not ("glyphs
 * missing"), with the page's language and the images that loaded. */
static void write_probe(const char *page, const char *probe)
{
	char *html = report_text(page), *body = strstr(html, "</body>");
	FILE *fp = fopen(probe, "wb");

	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(fp);
	fwrite(html, 1, (size_t)(body - html), fp);
	fputs("<script>function ink(ch) {"
	      " var c = document.createElement('canvas'); c.width = 64; c.height = 64;"
	      " var x = c.getContext('2d'); x.fillStyle = '#fff'; x.fillRect(0, 0, 64, 64);"
	      " x.fillStyle = '#000';"
	      " x.font = '40px ' + getComputedStyle(document.body).fontFamily;"
	      " x.fillText(ch, 8, 48);"
	      " return Array.prototype.join.call(x.getImageData(0, 0, 64, 64).data, ''); }\n"
	      "window.addEventListener('load', function () {"
	      " var a = ink('\\u6e2f'), b = ink('\\u533a'), t = ink('\\u0378');"
	      " var im = document.images, ok = 0;"
	      " for (var i = 0; i < im.length; i++)"
	      "  if (im[i].complete && im[i].naturalWidth > 0) ok++;"
	      " var p = document.createElement('pre'); p.id = 'probe';"
	      " p.textContent = 'lang ' + document.documentElement.lang + ' glyphs '"
	      "  + (a != b && a != t && b != t ? 'drawn' : 'missing')"
	      "  + ' images ' + ok + ' of ' + im.length;"
	      " document.body.appendChild(p); });</script>\n",
	      fp);
	fputs(body, fp);
	fclose(fp);
	free(html);
}

/* The page's tofu twin: every CJK character (U+3000 to U+9FFF and the
 * full-width forms U+FF00 to U+FFEF) replaced by U+0378, which no font
 * has: the page as a machine without a CJK font would draw it. */
static void write_tofu_twin(const char *page, const char *twin)
{
	size_t n, i;
	unsigned char *h = (unsigned char *)tu_slurp(page, &n);
	FILE *fp = fopen(twin, "wb");
	long changed = 0;

	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++) {
		if (i + 2 < n && ((h[i] >= 0xE3 && h[i] <= 0xE9) ||
				  (h[i] == 0xEF && h[i + 1] >= 0xBC))) {
			fputs("\xCD\xB8", fp);
			i += 2;
			changed++;
			continue;
		}
		fputc(h[i], fp);
	}
	fclose(fp);
	free(h);
	ck_assert_msg(changed > 50, "%s: only %ld CJK characters", page, changed);
}

/* A Japanese page in the browser: the DOM probe says the glyphs were
 * drawn and every image loaded; a screenshot differs from its tofu twin's
 * in many pixels. With fonts (a fontconfig without CJK fonts) given, the
 * opposite must hold, which shows that both checks can fail: the probe
 * says "missing", and the page is drawn exactly as its twin. */
static void ja_in_browser(const char *exe, const char *page, const char *fonts)
{
	char probe[1024], twin[1024], a[1024], b[1024], args[4096], want[128];
	char *html = report_text(page), *out = NULL;
	size_t nimg = 0;
	const char *p = html;
	long d;

	while ((p = strstr(p, "<img ")) != NULL) {
		nimg++;
		p++;
	}
	free(html);
	snprintf(probe, sizeof(probe), "%s.probe.html", page);
	write_probe(page, probe);
	snprintf(args, sizeof(args), "--dump-dom 'file://%s'", probe);
	ck_assert_int_eq(chromium_fonts(exe, fonts, args, &out), 0);
	snprintf(want, sizeof(want), "lang ja glyphs %s images %zu of %zu",
		 fonts ? "missing" : "drawn", nimg, nimg);
	ck_assert_msg(out && strstr(out, want), "%s: the probe did not say '%s'",
		      page, want);
	free(out);

	snprintf(twin, sizeof(twin), "%s.twin.html", page);
	write_tofu_twin(page, twin);
	snprintf(a, sizeof(a), "%s.shot.png", page);
	snprintf(b, sizeof(b), "%s.twin.png", page);
	snprintf(args, sizeof(args), "--window-size=1200,1600 --screenshot='%s' 'file://%s'",
		 a, page);
	ck_assert_int_eq(chromium_fonts(exe, fonts, args, NULL), 0);
	snprintf(args, sizeof(args), "--window-size=1200,1600 --screenshot='%s' 'file://%s'",
		 b, twin);
	ck_assert_int_eq(chromium_fonts(exe, fonts, args, NULL), 0);
	d = tp_png_diff(a, b);
	if (fonts)
		ck_assert_msg(d == 0, "%s without CJK fonts: %ld pixels differ from the tofu twin", page, d);
	else
		/* a heading's worth of ideographs is thousands of pixels */
		ck_assert_msg(d > 5000, "%s: only %ld pixels differ from the tofu twin", page, d);
}

/* A Japanese report of one run, with its real plots (gnuplot and the CJK
 * font), renders its Japanese text in headless Chromium (issue 16's "done
 * when"); and would be caught drawing boxes. */
START_TEST(test_chromium_japanese)
{
	const char *exe = browser();
	char page[1024], *html, *fonts;

	if (!exe) {
		fprintf(stderr, "SKIP: Japanese report in headless Chromium: run "
				"`make check-browser` (it installs chromium)\n");
		return;
	}
	ja_run("港区テスト", "full");
	snprintf(page, sizeof(page), "'%s/港区テスト'", dir);
	ja_plots(page);
	snprintf(page, sizeof(page), "%s/港区テスト/report.html", dir);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"ja\">"));
	ck_assert_ptr_nonnull(strstr(html, "主要指標"));
	ck_assert_ptr_nonnull(strstr(html, "<th>港区</th><th>中央区</th><th>江東区</th>"));
	ck_assert_ptr_nonnull(strstr(html, "反復3回"));
	free(html);
	ja_in_browser(exe, page, NULL);
	fonts = tu_no_cjk_fontconfig(dir);
	ck_assert_ptr_nonnull(fonts);
	ja_in_browser(exe, page, fonts);
	free(fonts);
}
END_TEST

/* The same for a sweep's report and a comparison of two runs, in
 * Japanese: their tables, legends and captions. */
START_TEST(test_chromium_japanese_sweep_compare)
{
	const char *exe = browser();
	char args[4096], page[1024], *html, *sc, *err = NULL;

	if (!exe) {
		fprintf(stderr, "SKIP: Japanese sweep and compare reports in headless "
				"Chromium: run `make check-browser`\n");
		return;
	}
	sc = ja_base();
	free(sc);
	free(tu_write(dir, "sw.json",
		      "{\"bssim_sweep\": 1, \"name\": \"sw\", \"base\": \"ja.json\","
		      " \"replications\": 3, \"vary\": {\"fleet.bikes\": [10, 20],"
		      " \"agreement.type\": [\"isolated\", \"full\"]}}"));
	snprintf(args, sizeof(args), "sweep %s/sw.json -o %s/sw -q", dir, dir);
	ck_assert_msg(bssim(args, NULL, &err) == 0, "%s", err);
	free(err);
	snprintf(args, sizeof(args), "%s/sw", dir);
	ja_plots(args);
	snprintf(page, sizeof(page), "%s/sw/report.html", dir);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"ja\">"));
	ck_assert_ptr_nonnull(strstr(html, "スイープの各点"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">全区相互利用</td>"));
	ck_assert_ptr_nonnull(strstr(html, "ネットワーク全体）：反復の平均と95%信頼区間。"));
	free(html);
	ja_in_browser(exe, page, NULL);

	ja_run("iso", "isolated");
	ja_run("full", "full");
	snprintf(args, sizeof(args), "%s/cmp %s/iso %s/full", dir, dir, dir);
	ja_plots(args);
	snprintf(page, sizeof(page), "%s/cmp/report.html", dir);
	html = report_text(page);
	ck_assert_ptr_nonnull(strstr(html, "対応のある差 B &#8722; A"));
	ck_assert_ptr_nonnull(strstr(html, "<code>settlement_net_yen</code> （港区）"));
	ck_assert_ptr_nonnull(strstr(html, "各協定の到達率"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">各区単独</td>"));
	free(html);
	ja_in_browser(exe, page, NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_report_of_runs);
	tcase_add_test(tc, test_report_default_path);
	tcase_add_test(tc, test_report_bad_input);
	tcase_add_test(tc, test_report_of_sweep);
	tcase_add_test(tc, test_png_size);
	tcase_add_test(tc, test_report_japanese);
	tcase_add_test(tc, test_chromium);
	tcase_add_test(tc, test_chromium_japanese);
	tcase_add_test(tc, test_chromium_japanese_sweep_compare);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
