/*
 * check_report.c - report.html: its sections and numbers, images embedded
 * byte for byte (base64 decoded back), text escaped, nothing fetched from
 * a network, the same bytes for the same inputs, all-or-nothing writing,
 * a sweep's page; and in headless Chromium (when installed): the page
 * renders, every image loads, and a screenshot is not blank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/report.h"
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

/* ---- in a real browser -------------------------------------------------- */

/* The browser to test with, or NULL: $BSSIM_CHROMIUM ("none": skip),
 * else chromium or chromium-browser on PATH. */
static const char *browser(void)
{
	static char path[1024];
	const char *env = getenv("BSSIM_CHROMIUM");
	char *out = NULL;

	if (env && *env)
		return strcmp(env, "none") ? env : NULL;
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
 * unreachable proxy): anything the page tried to fetch would fail. */
static int chromium(const char *exe, const char *args, char **out)
{
	char cmd[8192], *err = NULL;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "'%s' --headless --no-sandbox --disable-gpu --disable-quic "
		 "--no-first-run --disable-background-networking "
		 "--disable-component-update --disable-sync "
		 "--proxy-server=127.0.0.1:9 --user-data-dir='%s/profile' "
		 "--virtual-time-budget=5000 %s",
		 exe, dir, args);
	st = tu_run(cmd, out, &err);
	if (st != 0)
		fprintf(stderr, "%s\n%s\n", cmd, err ? err : "");
	free(err);
	return st;
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
		fprintf(stderr, "SKIP: report in headless Chromium: chromium is not "
				"installed (`make check-browser` installs it and runs this test)\n");
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
	tcase_add_test(tc, test_chromium);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
