/*
 * check_tags.c - port tags (the stations CSV's tags column), the names
 * table and ward boundaries in a run's outputs: the per-tag metrics
 * against the per-port counts they sum and against a closed form, and
 * summary.json's "names" and wards.geojson.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

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

/* Six ports, two per ward, 100 m apart along a line; tags on some. */
static const char STATIONS[] =
	"station_id,name,ward,lat,lon,capacity,tags\n"
	"A1,A1,Alpha,35.7000,139.7500,200,station\n"
	"A2,A2,Alpha,35.7000,139.7511,200,\n"
	"B1,B1,Beta,35.7000,139.7522,200,station;tourism\n"
	"B2,B2,Beta,35.7000,139.7533,200,\n"
	"C1,C1,Gamma,35.7000,139.7544,200,tourism\n"
	"C2,C2,Gamma,35.7000,139.7555,200,\n";

/* Uniform demand (destinations uniform over the other five ports), so
 * many bikes and docks that no port empties or fills, no walking. */
static const char SCENARIO[] =
	"{\"bssim\": 1, \"name\": \"tags\", \"seed\": 7, \"replications\": 10,\n"
	" \"horizon\": {\"days\": 3, \"warmup_days\": 1},\n"
	" \"network\": {\"stations\": \"s.csv\"%s},\n"
	" \"fleet\": {\"bikes\": 600},\n"
	" \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 3},\n"
	" \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 15}},\n"
	" \"behaviour\": {\"walk_radius_m\": 0, \"on_full\": \"random\"},\n"
	" \"output\": {\"geojson\": true}}\n";

static json_t *run_tags(const char *network_extra)
{
	char text[2048], p[1024], *err = NULL;
	json_t *doc;
	int rc;

	free(tu_write(dir, "s.csv", STATIONS));
	snprintf(text, sizeof(text), SCENARIO, network_extra);
	free(tu_write(dir, "s.json", text));
	rc = tu_cli(dir, NULL, &err, "run s.json -o out -q");
	ck_assert_msg(rc == 0, "bssim run: %s", err ? err : "");
	free(err);
	snprintf(p, sizeof(p), "%s/out/summary.json", dir);
	doc = json_load_file(p, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static double mean_at(json_t *cell, const char *m, const char *what)
{
	json_t *v = json_object_get(json_object_get(json_object_get(cell, "metrics"), m), what);

	ck_assert_msg(json_is_number(v), "%s.%s missing", m, what);
	return json_number_value(v);
}

/* stations.csv's rentals and returns of port id (means per day). */
static void port_counts(const char *id, double *rentals, double *returns)
{
	char p[1024], line[512];
	FILE *fp;
	int found = 0;

	snprintf(p, sizeof(p), "%s/out/stations.csv", dir);
	ck_assert_ptr_nonnull(fp = fopen(p, "r"));
	while (fgets(line, sizeof(line), fp)) {
		/* station_id,name,ward,capacity,rentals,returns,... */
		char sid[64], name[64], ward[64];
		unsigned cap;
		if (sscanf(line, "%63[^,],%63[^,],%63[^,],%u,%lf,%lf", sid, name,
			   ward, &cap, rentals, returns) == 6 &&
		    strcmp(sid, id) == 0)
			found = 1;
		if (found)
			break;
	}
	fclose(fp);
	ck_assert_msg(found, "no port %s in stations.csv", id);
}

/* The tag metrics are the sums of the tagged ports' counts, per ward and
 * for all; and visitors follow the closed form: a return at a port comes
 * from each of the five other ports alike (uniform destinations, nothing
 * lost or diverted), four of them in other wards, so visitor_share = 4/5,
 * within the run's own 99.9% Student-t interval. */
START_TEST(test_tag_metrics)
{
	json_t *doc = run_tags(""), *tags = json_object_get(doc, "tags");
	json_t *st = json_object_get(tags, "station"), *tou = json_object_get(tags, "tourism");
	double ra, ta, rb, tb, rc1, tc1, half, n, sd;
	json_t *share;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(tou);
	ck_assert_int_eq(json_object_size(tags), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "ports")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(json_object_get(st, "wards"), "Gamma"), "ports")), 0);
	port_counts("A1", &ra, &ta);
	port_counts("B1", &rb, &tb);
	port_counts("C1", &rc1, &tc1);
	ck_assert_double_eq_tol(mean_at(st, "trips_from", "mean"), ra + rb, 1e-6 * (ra + rb));
	ck_assert_double_eq_tol(mean_at(st, "trips_to", "mean"), ta + tb, 1e-6 * (ta + tb));
	ck_assert_double_eq_tol(mean_at(tou, "trips_to", "mean"), tb + tc1, 1e-6 * (tb + tc1));
	ck_assert_double_eq_tol(
		mean_at(json_object_get(json_object_get(st, "wards"), "Alpha"), "trips_to", "mean"),
		ta, 1e-6 * ta);
	ck_assert(mean_at(st, "visitors", "mean") < mean_at(st, "trips_to", "mean"));
	share = json_object_get(json_object_get(st, "metrics"), "visitor_share");
	n = (double)json_integer_value(json_object_get(doc, "replications"));
	sd = json_number_value(json_object_get(share, "sd"));
	half = gsl_cdf_tdist_Pinv(0.9995, n - 1.0) * sd / sqrt(n);
	ck_assert_msg(half > 0.0 && half < 0.05, "half-width %g", half);
	ck_assert_msg(fabs(json_number_value(json_object_get(share, "mean")) - 0.8) <= half,
		      "visitor_share %g, expected 0.8 within %g",
		      json_number_value(json_object_get(share, "mean")), half);
	json_decref(doc);
}
END_TEST

/* Names and boundaries: summary.json's "names" and wards.geojson, one
 * MultiPolygon per ward with its display names; without the keys, no
 * such member and no file. */
START_TEST(test_names_and_boundaries)
{
	char p[1024];
	json_t *doc, *wg, *f;

	free(tu_write(dir, "names.csv",
		      "kind,id,en,ja,code\nward,Alpha,Alpha ward,甲区,99001\n"
		      "ward,Beta,Beta ward,乙区,\nward,Delta,Delta,丁区,\n"));
	free(tu_write(dir, "b.geojson",
		      "{\"type\":\"FeatureCollection\",\"features\":["
		      "{\"type\":\"Feature\",\"properties\":{\"N03_007\":\"99001\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.74,35.69],[139.752,35.69],[139.752,35.71],[139.74,35.69]]]}},"
		      "{\"type\":\"Feature\",\"properties\":{\"ward\":\"Beta\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[139.752,35.69],[139.754,35.69],[139.754,35.71],[139.752,35.69]]]]}},"
		      "{\"type\":\"Feature\",\"properties\":{\"ward\":\"Gamma\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[139.754,35.69],[139.76,35.69],[139.76,35.71],[139.754,35.69]]]}}]}\n"));
	doc = run_tags(", \"names\": \"names.csv\", \"boundaries\": \"b.geojson\"");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
				 json_object_get(json_object_get(doc, "names"), "wards"), "Alpha"), "ja")),
			 "甲区");
	ck_assert_ptr_null(json_object_get(json_object_get(json_object_get(doc, "names"), "wards"), "Gamma"));
	json_decref(doc);
	snprintf(p, sizeof(p), "%s/out/wards.geojson", dir);
	ck_assert_ptr_nonnull(wg = json_load_file(p, 0, NULL));
	ck_assert_int_eq(json_array_size(json_object_get(wg, "features")), 3);
	f = json_array_get(json_object_get(wg, "features"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "properties"), "ward")), "Alpha");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "properties"), "name_ja")), "甲区");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "geometry"), "type")), "MultiPolygon");
	json_decref(wg);
	/* the same run without them: no names, no wards.geojson (removed) */
	doc = run_tags("");
	ck_assert_ptr_null(json_object_get(doc, "names"));
	json_decref(doc);
	ck_assert(!tu_exists(p));
}
END_TEST

/* The shipped tagged stations are the rule applied to the shipped
 * stations, byte for byte, and a run reads them: 41 ports named 駅. */
START_TEST(test_shipped_tags)
{
	char cmd[2048], *made = NULL, *shipped;
	size_t len;

	snprintf(cmd, sizeof(cmd), "scripts/tag-stations.sh data/tokyo4_stations.csv");
	ck_assert_int_eq(tu_run(cmd, &made, NULL), 0);
	shipped = tu_slurp("data/tokyo4_stations_tagged.csv", &len);
	ck_assert_ptr_nonnull(shipped);
	ck_assert_uint_eq(strlen(made), len);
	ck_assert(memcmp(made, shipped, len) == 0);
	ck_assert_uint_eq(tu_lines(shipped) - 1, 464);
	{
		size_t n = 0;
		const char *p = shipped;
		while ((p = strstr(p, ",station\n")) != NULL) {
			n++;
			p++;
		}
		ck_assert_uint_eq(n, 41);
	}
	free(made);
	free(shipped);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tags");
	TCase *tc = tcase_create("tags");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600); /* a hang detector, as in every suite (x10 in tests/run.sh) */
	tcase_add_test(tc, test_tag_metrics);
	tcase_add_test(tc, test_names_and_boundaries);
	tcase_add_test(tc, test_shipped_tags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
