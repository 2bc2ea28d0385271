/*
 * check_geojson.c - stations.geojson: written only when asked, valid RFC
 * 7946 (a FeatureCollection of Points, [lon, lat], no "crs"), one feature
 * per port carrying the same values as stations.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "input/csvread.h"
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

static char *small_scenario(const char *extra)
{
	char json[4096];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 4, \"replications\": 3,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}%s}",
		 tu_abspath(tu_fixture("six.csv")), extra);
	return tu_write(dir, "small.json", json);
}

static int run(const char *args)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	return tu_run(cmd, NULL, NULL);
}

/* Rows of a CSV file, fields copied: rows[r][c]. */
struct table {
	size_t n, ncol;
	char **cell; /* [n * ncol] */
};

static int on_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct table *t = ud;
	size_t c;

	(void)err;
	if (t->ncol == 0)
		t->ncol = r->n;
	ck_assert_uint_eq(r->n, t->ncol);
	t->cell = realloc(t->cell, (t->n + 1) * t->ncol * sizeof(char *));
	for (c = 0; c < r->n; c++)
		t->cell[t->n * t->ncol + c] = strdup(r->f[c]);
	t->n++;
	return 0;
}

static void table_load(struct table *t, const char *path)
{
	struct bs_error err;

	memset(t, 0, sizeof(*t));
	ck_assert_msg(bs_csv_read_file(path, on_row, t, &err) == 0, "%s: %s",
		      path, err.text);
}

static const char *cell(const struct table *t, size_t row, const char *col)
{
	size_t c;

	for (c = 0; c < t->ncol; c++)
		if (strcmp(t->cell[c], col) == 0)
			return t->cell[row * t->ncol + c];
	ck_abort_msg("no column %s", col);
	return NULL;
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
}

static void near(double a, double b, const char *what)
{
	ck_assert_msg(fabs(a - b) <= 1e-9 * (1.0 + fabs(b)), "%s: %.17g vs %.17g",
		      what, a, b);
}

START_TEST(test_geojson_matches_stations)
{
	char *sc = small_scenario(", \"output\": {\"geojson\": true}");
	char args[2048], path[1024];
	struct table net, st;
	json_t *doc, *feats, *f;
	json_error_t je;
	const char *k;
	json_t *v;
	size_t i;

	snprintf(args, sizeof(args), "run %s -o %s/out -q", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(path, sizeof(path), "%s/out/stations.geojson", dir);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	ck_assert_msg(doc != NULL, "%s:%d: %s", path, je.line, je.text);
	/* exactly the two members a FeatureCollection needs: no "crs" */
	ck_assert_uint_eq(json_object_size(doc), 2);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "type")),
			 "FeatureCollection");
	feats = json_object_get(doc, "features");
	ck_assert(json_is_array(feats));

	table_load(&net, tu_fixture("six.csv"));
	snprintf(path, sizeof(path), "%s/out/stations.csv", dir);
	table_load(&st, path);
	ck_assert_uint_eq(json_array_size(feats), 6);
	ck_assert_uint_eq(st.n, 7);
	json_array_foreach(feats, i, f) {
		json_t *g = json_object_get(f, "geometry"), *c, *p;
		const char *cols[] = {"rentals", "returns", "empty_frac",
				      "full_frac", "mean_bikes"};
		size_t j;

		ck_assert_str_eq(json_string_value(json_object_get(f, "type")),
				 "Feature");
		ck_assert_str_eq(json_string_value(json_object_get(g, "type")),
				 "Point");
		c = json_object_get(g, "coordinates");
		ck_assert_uint_eq(json_array_size(c), 2);
		/* RFC 7946 order: longitude first */
		near(json_number_value(json_array_get(c, 0)),
		     atof(cell(&net, i + 1, "lon")), "lon");
		near(json_number_value(json_array_get(c, 1)),
		     atof(cell(&net, i + 1, "lat")), "lat");
		p = json_object_get(f, "properties");
		ck_assert_str_eq(json_string_value(json_object_get(p, "station_id")),
				 cell(&st, i + 1, "station_id"));
		ck_assert_str_eq(json_string_value(json_object_get(p, "name")),
				 cell(&st, i + 1, "name"));
		ck_assert_str_eq(json_string_value(json_object_get(p, "ward")),
				 cell(&st, i + 1, "ward"));
		ck_assert_int_eq(json_integer_value(json_object_get(p, "capacity")),
				 atoi(cell(&st, i + 1, "capacity")));
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
			near(json_number_value(json_object_get(p, cols[j])),
			     atof(cell(&st, i + 1, cols[j])), cols[j]);
		/* every property is a column of stations.csv */
		json_object_foreach(p, k, v) {
			(void)cell(&st, 0, k);
			(void)v;
		}
	}
	/* the quoted name with a comma survived */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
				 json_array_get(feats, 3), "properties"), "name")),
			 "South B, by the river");
	table_free(&net);
	table_free(&st);
	json_decref(doc);
	free(sc);
}
END_TEST

/* Off by default; --geojson and --set output.geojson=true turn it on, and
 * it is staged like every other file (no temporary left behind). */
START_TEST(test_geojson_only_when_asked)
{
	char *sc = small_scenario(""), args[2048], path[1024], *o;

	snprintf(args, sizeof(args), "run %s -o %s/a -q", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(path, sizeof(path), "%s/a/stations.geojson", dir);
	ck_assert(!tu_exists(path));
	snprintf(path, sizeof(path), "%s/a/stations.csv", dir);
	ck_assert(tu_exists(path));

	snprintf(args, sizeof(args), "run %s -o %s/b -q --geojson", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(path, sizeof(path), "%s/b/stations.geojson", dir);
	ck_assert(tu_exists(path));

	snprintf(args, sizeof(args), "run %s -o %s/c -q --set output.geojson=true",
		 sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(path, sizeof(path), "%s/c/stations.geojson", dir);
	ck_assert(tu_exists(path));
	snprintf(args, sizeof(args), "ls -A '%s/c' | grep -v '^\\.bssim$' | grep -c '^\\.' || true", dir);
	tu_run(args, &o, NULL);
	ck_assert_int_eq(atoi(o), 0);
	free(o);

	snprintf(args, sizeof(args), "run %s -o %s/d -q --set output.geojson=1",
		 sc, dir);
	ck_assert_int_eq(run(args), 2);
	free(sc);
}
END_TEST

/* The same bytes whatever the number of threads, like every other file. */
START_TEST(test_geojson_same_bytes_any_jobs)
{
	char *sc = small_scenario(", \"output\": {\"geojson\": true}");
	char args[2048], a[1024], b[1024], *x, *y;

	snprintf(args, sizeof(args), "run %s -o %s/j1 -q --jobs 1", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(args, sizeof(args), "run %s -o %s/j3 -q --jobs 3", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(a, sizeof(a), "%s/j1/stations.geojson", dir);
	snprintf(b, sizeof(b), "%s/j3/stations.geojson", dir);
	x = tu_slurp(a, NULL);
	y = tu_slurp(b, NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	free(sc);
}
END_TEST

/* A synthetic network has coordinates too, within WGS 84 bounds. */
START_TEST(test_geojson_synthetic)
{
	char *sc, args[2048], path[1024];
	json_t *doc, *f;
	json_error_t je;
	size_t i;

	sc = tu_write(dir, "syn.json",
		      "{\"bssim\": 1, \"name\": \"syn\", \"replications\": 2,"
		      " \"horizon\": {\"days\": 1},"
		      " \"network\": {\"synthetic\": {\"stations\": 9, \"capacity\": 5, \"wards\": 3}},"
		      " \"fleet\": {\"fill\": 0.5},"
		      " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1},"
		      " \"output\": {\"geojson\": true}}");
	snprintf(args, sizeof(args), "run %s -o %s/out -q", sc, dir);
	ck_assert_int_eq(run(args), 0);
	snprintf(path, sizeof(path), "%s/out/stations.geojson", dir);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "features")), 9);
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *c = json_object_get(json_object_get(f, "geometry"),
					    "coordinates");
		double lon = json_number_value(json_array_get(c, 0));
		double lat = json_number_value(json_array_get(c, 1));
		ck_assert(lon > 139.0 && lon < 141.0); /* central Tokyo */
		ck_assert(lat > 35.0 && lat < 36.0);
	}
	json_decref(doc);
	free(sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("geojson");
	TCase *tc = tcase_create("geojson");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_geojson_matches_stations);
	tcase_add_test(tc, test_geojson_only_when_asked);
	tcase_add_test(tc, test_geojson_same_bytes_any_jobs);
	tcase_add_test(tc, test_geojson_synthetic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
