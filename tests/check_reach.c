/*
 * check_reach.c - service that counts arrival (issue 13, item 2):
 * trips_reached, reach_level and walk_after_m_mean.
 *
 * 1. Counted exactly on a hand-built deterministic day: a replayed trip
 *    log (demand.model trace), rides without noise, one port that is
 *    always full, one near it and one far from it, a ward border. Every
 *    trip's fate is known: a diversion that ends within the walk radius
 *    (reached), one that ends beyond it (not reached), a plain ride
 *    (reached), a truncation whose port lies within the walk radius of
 *    the destination (not reached: DESIGN.md 5a excludes truncated trips).
 * 2. Analytic: isolated wards of equal size, ports that never fill or
 *    empty, uniform destinations over the other ports. Nothing is ever
 *    diverted, so per replication reach_level = service_level - truncated
 *    share exactly, and reach_level estimates the closed form
 *    P(destination in the rider's ward) = (N/W - 1) / (N - 1), within the
 *    half-width of the run's own 99.9% interval. The same holds with a
 *    walk radius that covers the whole network (truncated trips never
 *    count, however close their port).
 * 3. End to end: every output of the CLI lists the three metrics (run,
 *    show, compare and compare.csv, sweep files, plot tables, report).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "exp/runner.h"
#include "model/network.h"
#include "stats/metrics.h"
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
	tu_paths_free();
}

/* ---- 1. the hand-built day ------------------------------------------------ */

/*
 * Ward W: O (origin, 5 bikes), D (1 dock, 1 bike: always full), N (1 dock,
 * 111 m north of D), F (1.0 km north of D), P (next to T). Ward V: T.
 *   08:00 O->D  D full: nearest free dock N (111 m)       reached, 111 m
 *   08:30 O->D  D and N full: nearest free dock F (1.0 km) not reached
 *   09:00 O->F  docked at F                               reached, 0 m
 *   09:30 O->T  isolated: truncated at P (~90 m from T)   not reached
 */
static const double LAT[] = {35.700, 35.710, 35.711, 35.719, 35.700, 35.700};
static const double LON[] = {139.750, 139.750, 139.750, 139.750, 139.759, 139.760};
enum { O, D, N, F, P, T };

static void write_day(void)
{
	free(tu_write(dir, "st.csv",
		 "station_id,name,ward,lat,lon,capacity\n"
		 "O,Origin,W,35.700,139.750,10\n"
		 "D,Destination,W,35.710,139.750,1\n"
		 "N,Near,W,35.711,139.750,1\n"
		 "F,Far,W,35.719,139.750,10\n"
		 "P,Border,W,35.700,139.759,10\n"
		 "T,Across,V,35.700,139.760,10\n"));
	free(tu_write(dir, "stock.csv", "station_id,bikes\nO,5\nD,1\n"));
	free(tu_write(dir, "trips.csv",
		 "starttime,stoptime,start station id,end station id\n"
		 "2019-01-01 08:00:00,2019-01-01 08:10:00,O,D\n"
		 "2019-01-01 08:30:00,2019-01-01 08:40:00,O,D\n"
		 "2019-01-01 09:00:00,2019-01-01 09:10:00,O,F\n"
		 "2019-01-01 09:30:00,2019-01-01 09:40:00,O,T\n"));
	free(tu_write(dir, "day.json",
		 "{\"bssim\": 1, \"name\": \"day\", \"seed\": 1, \"replications\": 2,"
		 " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		 " \"network\": {\"stations\": \"st.csv\"},"
		 " \"fleet\": {\"initial\": \"stock.csv\"},"
		 " \"demand\": {\"model\": \"trace\", \"trips\": \"trips.csv\","
		 "   \"trace_start\": \"2019-01-01\"},"
		 " \"trip\": {\"duration\": {\"dist\": \"distance\", \"noise_sd\": 0}},"
		 " \"behaviour\": {\"walk_radius_m\": 300, \"on_full\": \"nearest\","
		 "   \"forbidden_return\": \"truncate\"},"
		 " \"agreement\": {\"type\": \"isolated\"},"
		 " \"output\": {\"trips\": true}}"));
}

static double dist(int a, int b)
{
	return bs_distance_m(LAT[a], LON[a], LAT[b], LON[b]);
}

static double metric(json_t *doc, const char *ward, const char *name)
{
	json_t *m = ward ? json_object_get(json_object_get(json_object_get(
				   doc, "wards"), ward), "metrics")
			 : json_object_get(doc, "metrics");
	json_t *st = json_object_get(m, name);

	ck_assert_msg(json_is_object(st), "no metric %s (%s)", name,
		      ward ? ward : "all");
	return json_number_value(json_object_get(st, "mean"));
}

/* The last field of line k (1-based, after the header) of a CSV text. */
static double last_field(const char *csv, int k)
{
	const char *p = csv;
	const char *end, *c;
	int i;

	for (i = 0; i < k; i++) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	end = strchr(p, '\n');
	ck_assert_ptr_nonnull(end);
	for (c = end; c > p && c[-1] != ','; c--)
		;
	return strtod(c, NULL);
}

START_TEST(test_reached_counted_exactly)
{
	char *out = NULL, *err = NULL, *trips, path[1024];
	json_t *doc;
	double walk;
	int rc;

	write_day();
	ck_assert(dist(N, D) < 300.0 && dist(F, D) > 300.0 &&
		  dist(P, T) < 300.0 && dist(F, D) < dist(O, D));
	rc = tu_cli(dir, &out, &err, "run day.json -o out -q");
	ck_assert_msg(rc == 0, "%s", err);
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/out/summary.json", dir);
	doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_double_eq(metric(doc, NULL, "trips_requested"), 4.0);
	ck_assert_double_eq(metric(doc, NULL, "trips_completed"), 4.0);
	ck_assert_double_eq(metric(doc, NULL, "truncated_trips"), 1.0);
	ck_assert_double_eq(metric(doc, NULL, "full_diversions"), 2.0);
	ck_assert_double_eq(metric(doc, NULL, "service_level"), 1.0);
	ck_assert_double_eq(metric(doc, NULL, "trips_reached"), 2.0);
	ck_assert_double_eq(metric(doc, NULL, "reach_level"), 0.5);
	ck_assert_double_eq(metric(doc, "W", "trips_reached"), 2.0);
	ck_assert_double_eq(metric(doc, "V", "trips_reached"), 0.0);
	walk = (dist(N, D) + dist(F, D) + 0.0 + dist(P, T)) / 4.0;
	ck_assert_double_eq_tol(metric(doc, NULL, "walk_after_m_mean"), walk,
				1e-9 * walk);
	json_decref(doc);
	/* the per-trip walk, last column of trips.csv (trips in request
	 * order within a replication: each ends before the next starts) */
	snprintf(path, sizeof(path), "%s/out/trips.csv", dir);
	trips = tu_slurp(path, NULL);
	ck_assert_ptr_nonnull(trips);
	ck_assert_ptr_nonnull(strstr(trips, ",fare_yen,walk_after_m\n"));
	ck_assert_double_eq_tol(last_field(trips, 1), dist(N, D), 1e-3);
	ck_assert_double_eq_tol(last_field(trips, 2), dist(F, D), 1e-3);
	ck_assert_double_eq(last_field(trips, 3), 0.0);
	ck_assert_double_eq_tol(last_field(trips, 4), dist(P, T), 1e-3);
	free(trips);
}
END_TEST

/* ---- 2. the analytic case --------------------------------------------------- */

#define REPS TU_RUN_REPS
#define NST 8
#define NW 2


static void run_isolated(struct tu_run *R, double radius)
{
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 13, \"replications\": %d,"
		 " \"horizon\": {\"days\": 3, \"warmup_days\": 1},"
		 " \"network\": {\"synthetic\": {\"stations\": %d, \"capacity\": 1000, \"wards\": %d}},"
		 " \"fleet\": {\"fill\": 0.5},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 4},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 15}},"
		 " \"behaviour\": {\"walk_radius_m\": %g, \"on_full\": \"nearest\","
		 "   \"forbidden_return\": \"truncate\"},"
		 " \"agreement\": {\"type\": \"isolated\"}}",
		 REPS, NST, NW, radius);
	tu_run_json(R, dir, json);
}


static void check_identity(double radius)
{
	struct tu_run R;
	const struct bs_stat *st;
	size_t r, W, i, j;
	double want = (double)(NST / NW - 1) / (double)(NST - 1), tol, far = 0;

	run_isolated(&R, radius);
	W = R.sum->nwards;
	ck_assert_uint_eq(W, NW);
	for (i = 0; i < R.w->net->n; i++)
		for (j = 0; j < R.w->net->n; j++) {
			double d = bs_network_dist(R.w->net, (uint32_t)i, (uint32_t)j);
			far = d > far ? d : far;
		}
	for (r = 0; r < REPS; r++) {
		const double *v = R.sum->vals + (r * (W + 1) + W) * BS_METRIC_N;
		/* the premise: no diversion, no empty port, trips truncated */
		ck_assert_double_eq(v[BS_M_FULL_DIVERSIONS], 0.0);
		ck_assert_double_eq(v[BS_M_LOST_NO_BIKE], 0.0);
		ck_assert(v[BS_M_TRUNCATED_TRIPS] > 0.0);
		ck_assert_double_eq_tol(v[BS_M_REACH_LEVEL],
					v[BS_M_SERVICE_LEVEL] -
						v[BS_M_TRUNCATED_TRIPS] /
							v[BS_M_TRIPS_REQUESTED],
					1e-12);
		ck_assert(v[BS_M_WALK_AFTER_M_MEAN] > 0.0);
	}
	st = bs_summary_stat(R.sum, W, BS_M_REACH_LEVEL);
	tol = gsl_cdf_tdist_Pinv(0.9995, (double)(st->n - 1)) * st->sd /
	      sqrt((double)st->n);
	ck_assert_msg(fabs(st->mean - want) <= tol,
		      "radius %g: reach_level %.5f, closed form %.5f, tolerance %.5f",
		      radius, st->mean, want, tol);
	if (radius > 0.0)
		/* every truncation port lies within the radius, and still no
		 * truncated trip counts as reached */
		ck_assert_msg(far <= radius, "network spans %.0f m", far);
	tu_run_free(&R);
}

START_TEST(test_reach_is_service_minus_truncated)
{
	check_identity(0.0);
	check_identity(5000.0);
}
END_TEST

/* ---- 3. every output ------------------------------------------------------- */

static const char *const NEWM[] = {"trips_reached", "reach_level",
				   "walk_after_m_mean"};

static void lists_all(const char *what, const char *text)
{
	size_t k;

	ck_assert_msg(text != NULL, "%s: nothing", what);
	for (k = 0; k < 3; k++)
		ck_assert_msg(strstr(text, NEWM[k]) != NULL, "%s lacks %s", what,
			      NEWM[k]);
}

static void file_lists_all(const char *name)
{
	char path[1024], *t;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	t = tu_slurp(path, NULL);
	lists_all(name, t);
	free(t);
}

static void cli_lists_all(const char *args)
{
	char *out = NULL, *err = NULL;
	int rc = tu_cli(dir, &out, &err, "%s", args);

	ck_assert_msg(rc == 0, "%s: %s", args, err);
	lists_all(args, out);
	free(out);
	free(err);
}

START_TEST(test_every_output_lists_them)
{
	char *out = NULL, *err = NULL;
	int rc;
#define BASE_JSON                                                              \
	"{\"bssim\": 1, \"name\": \"%s\", \"seed\": 4, \"replications\": 3,"         \
	" \"horizon\": {\"days\": 1, \"warmup_days\": 0},"                           \
	" \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"          \
	" \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300},"             \
	" \"agreement\": {\"type\": \"%s\"}}"
	char json[2048];

	snprintf(json, sizeof(json), BASE_JSON, "iso",
		 tu_abspath(tu_fixture("six.csv")), "isolated");
	free(tu_write(dir, "iso.json", json));
	snprintf(json, sizeof(json), BASE_JSON, "full",
		 tu_abspath(tu_fixture("six.csv")), "full");
	free(tu_write(dir, "full.json", json));
	free(tu_write(dir, "sw.json",
		 "{\"bssim_sweep\": 1, \"base\": \"full.json\", \"replications\": 2,"
		 " \"vary\": {\"agreement.type\": [\"isolated\", \"full\"]}}"));
	rc = tu_cli(dir, &out, &err, "run iso.json -o iso -q && '%s' run full.json -o full -q"
		    " && '%s' sweep sw.json -o sw -q", tu_abspath(tu_bssim()),
		    tu_abspath(tu_bssim()));
	ck_assert_msg(rc == 0, "%s", err);
	free(out);
	free(err);
	file_lists_all("iso/summary.json");
	file_lists_all("iso/replications.csv");
	file_lists_all("sw/sweep.csv");
	file_lists_all("sw/sweep.json");
	file_lists_all("sw/sweep_replications.csv");
	cli_lists_all("show iso full");
	cli_lists_all("compare iso.json full.json -o cmp");
	file_lists_all("cmp/compare.csv");
	cli_lists_all("plotdata compare iso full");
	/* a sweep's plot table of each: its header names it */
	{
		size_t k;
		for (k = 0; k < 3; k++) {
			rc = tu_cli(dir, &out, &err, "plotdata sweep sw %s", NEWM[k]);
			ck_assert_msg(rc == 0, "%s", err);
			ck_assert_ptr_nonnull(strstr(out, NEWM[k]));
			free(out);
			free(err);
		}
	}
	rc = tu_cli(dir, &out, &err, "report -o page.html iso full");
	ck_assert_msg(rc == 0, "%s", err);
	free(out);
	free(err);
	file_lists_all("page.html");
	/* the page leads with both service measures and their definitions */
	{
		char path[1024], *html;
		snprintf(path, sizeof(path), "%s/page.html", dir);
		html = tu_slurp(path, NULL);
		ck_assert_ptr_nonnull(strstr(html, "<h2 id=\"reach\">"));
		ck_assert_ptr_nonnull(strstr(html, "<code>reach_level</code> = trips reached / trips requested"));
		ck_assert_ptr_nonnull(strstr(html, "<code>service_level</code> = trips completed / trips requested"));
		ck_assert(strstr(html, "<h2 id=\"reach\">") < strstr(html, "<h2 id=\"metrics\">"));
		free(html);
	}
	rc = tu_cli(dir, &out, &err, "report -o swpage.html sw");
	ck_assert_msg(rc == 0, "%s", err);
	free(out);
	free(err);
	/* the sweep page's table is chosen: the level and the walk */
	{
		char path[1024], *html;
		snprintf(path, sizeof(path), "%s/swpage.html", dir);
		html = tu_slurp(path, NULL);
		ck_assert_ptr_nonnull(strstr(html, "<th><code>reach_level</code></th>"));
		ck_assert_ptr_nonnull(strstr(html, "<th><code>walk_after_m_mean</code></th>"));
		ck_assert_ptr_nonnull(strstr(html, "<code>reach_level</code> = trips reached"));
		free(html);
	}
}
END_TEST

/* compare --metrics prints the listed rows in order, and refuses a name
 * that is no metric before running anything. */
START_TEST(test_compare_metrics_option)
{
	char *out = NULL, *err = NULL, json[2048], *a, *b;
	int rc;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"x\", \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}}",
		 tu_abspath(tu_fixture("six.csv")));
	free(tu_write(dir, "x.json", json));
	rc = tu_cli(dir, &out, &err,
		    "compare x.json x.json --set agreement.type=isolated"
		    " --metrics reach_level,service_level");
	ck_assert_msg(rc == 0, "%s", err);
	a = strstr(out, "\nreach_level ");
	b = strstr(out, "\nservice_level ");
	ck_assert(a && b && a < b);
	ck_assert_ptr_null(strstr(out, "\ntrips_requested "));
	free(out);
	free(err);
	rc = tu_cli(dir, &out, &err, "compare x.json x.json --metrics reach_levl -o nothere");
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(err, "'reach_levl' is not a metric"));
	ck_assert(!tu_exists(tu_path(dir, "nothere")));
	free(out);
	free(err);
}
END_TEST

/* show puts the arrival metrics right after service_level. */
START_TEST(test_show_order)
{
	char *out = NULL, *err = NULL, json[2048], *s, *r, *t;
	int rc;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"x\", \"seed\": 4, \"replications\": 2,"
		 " \"horizon\": {\"days\": 1, \"warmup_days\": 0},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}}",
		 tu_abspath(tu_fixture("six.csv")));
	free(tu_write(dir, "x.json", json));
	rc = tu_cli(dir, &out, &err, "run x.json -o x -q && '%s' show x",
		    tu_abspath(tu_bssim()));
	ck_assert_msg(rc == 0, "%s", err);
	s = strstr(out, "\nservice_level ");
	r = strstr(out, "\nreach_level ");
	t = strstr(out, "\nmean_trip_min ");
	ck_assert(s && r && t && s < r && r < t);
	free(out);
	free(err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reach");
	TCase *tc = tcase_create("reach");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_reached_counted_exactly);
	tcase_add_test(tc, test_reach_is_service_minus_truncated);
	tcase_add_test(tc, test_every_output_lists_them);
	tcase_add_test(tc, test_compare_metrics_option);
	tcase_add_test(tc, test_show_order);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
