/*
 * check_realdata.c - end to end on the shipped real data: every shipped
 * scenario checks; the calibrated Tokyo day requests what its rates table
 * says (Poisson tolerance); the Jersey City log replays to exactly its
 * 19,676 rides; skipped trip-log rows are warned about and counted in
 * summary.json; the real status series, cut short, is refused.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
}

static int run(const char *args, char **out, char **err)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	return tu_run(cmd, out, err);
}

static json_t *summary(const char *d)
{
	char p[1024];
	json_t *doc;

	snprintf(p, sizeof(p), "%s/summary.json", d);
	doc = json_load_file(p, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static double metric(json_t *doc, const char *name)
{
	return json_number_value(json_object_get(
		json_object_get(json_object_get(doc, "metrics"), name), "mean"));
}

START_TEST(test_shipped_scenarios_check)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char args[1024], *err;
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 ||
		    strstr(e->d_name, "sweep"))
			continue;
		snprintf(args, sizeof(args), "check scenarios/%s", e->d_name);
		ck_assert_msg(run(args, NULL, &err) == 0, "%s: %s", e->d_name, err);
		free(err);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 8);
}
END_TEST

/* The calibrated day: requests per day are Poisson with the table's total
 * (26,898): 4 replications within 4 standard errors. */
START_TEST(test_tokyo_calibrated_day)
{
	char args[2048];
	json_t *doc;
	double req, expect = 26897.6;

	snprintf(args, sizeof(args),
		 "run scenarios/tokyo4_full.json -o %s/t -q --replications 4"
		 " --set fleet.ownership=stock", dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "%s/t", dir);
	doc = summary(args);
	req = metric(doc, "trips_requested");
	ck_assert_msg(fabs(req - expect) <= 4.0 * sqrt(expect / 4.0),
		      "%g requests per day, expected %g", req, expect);
	/* the real stock: 2,726 bikes, none lost */
	ck_assert_double_gt(metric(doc, "service_level"), 0.8);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "input_warnings")), 0);
	json_decref(doc);
}
END_TEST

START_TEST(test_jc_trace_replays_the_month)
{
	char args[2048];
	json_t *doc;

	snprintf(args, sizeof(args),
		 "run scenarios/jc_trace.json -o %s/jc -q --replications 2", dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "%s/jc", dir);
	doc = summary(args);
	/* per day over 31 days: exactly the log's rides, in every replication */
	ck_assert_double_eq_tol(metric(doc, "trips_requested") * 31.0, 19676.0, 1e-6);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(
		json_object_get(doc, "metrics"), "trips_requested"), "sd")), 0.0);
	json_decref(doc);
}
END_TEST

/* A log row without a station: a warning on stderr naming the row, the
 * count in summary.json; --quiet silences the warning, not the count. */
START_TEST(test_trace_warnings_counted)
{
	char json[2048], args[2048], *p, *err;
	json_t *doc;

	free(tu_write(dir, "st.csv",
		      "station_id,name,ward,lat,lon,capacity\n"
		      "1,One,JC,40.71,-74.03,5\n2,Two,JC,40.72,-74.04,5\n3,Three,JC,40.73,-74.02,5\n"));
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 3},"
		 " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"bikes\": 6},"
		 " \"demand\": {\"model\": \"trace\", \"trips\": \"%s\"}}",
		 tu_abspath(tu_fixture("trips_small.csv")));
	p = tu_write(dir, "s.json", json);
	snprintf(args, sizeof(args), "run %s -o %s/w", p, dir);
	ck_assert_int_eq(run(args, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "warning:"));
	ck_assert_ptr_nonnull(strstr(err, "row 7: no start station id"));
	free(err);
	snprintf(args, sizeof(args), "%s/w", dir);
	doc = summary(args);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "input_warnings")), 1);
	ck_assert_double_eq_tol(metric(doc, "trips_requested") * 3.0, 5.0, 1e-9);
	json_decref(doc);
	snprintf(args, sizeof(args), "run %s -o %s/w -q", p, dir);
	ck_assert_int_eq(run(args, NULL, &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
	free(p);
}
END_TEST

/* Import and calibrate from a trip log through the CLI, then run on it. */
START_TEST(test_trips_pipeline)
{
	char args[4096], *out;
	json_t *doc;

	snprintf(args, sizeof(args), "import trips %s --ward JC --capacity 8 -o %s/st.csv",
		 tu_fixture("trips_small.csv"), dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "3 stations of 5 rides"));
	free(out);
	snprintf(args, sizeof(args),
		 "calibrate trips %s --stations %s/st.csv --od %s/od.csv --profile %s/p.csv -o %s/r.csv",
		 tu_fixture("trips_small.csv"), dir, dir, dir, dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "5 rides over 2 days; 4 origin-destination pairs"));
	free(out);
	free(tu_write(dir, "s.json",
		      "{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 2},"
		      " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"fill\": 0.5},"
		      " \"demand\": {\"model\": \"rates\", \"rates\": \"r.csv\", \"od\": \"od.csv\"}}"));
	snprintf(args, sizeof(args), "run %s/s.json -o %s/o -q", dir, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "%s/o", dir);
	doc = summary(args);
	ck_assert_double_gt(metric(doc, "trips_requested"), 0.0);
	json_decref(doc);
}
END_TEST

/* The Tokyo status series (3.6 MB of gzip) cut at 90 %, and with only
 * its 8-byte trailer missing: calibration used to go on with the rows it
 * had and exit 0. Now: exit 2, the file and the reason, nothing written. */
START_TEST(test_real_series_cut_short)
{
	size_t len, cuts[2], k;
	char *z = tu_slurp("data/tokyo4_status_20220629.csv.gz", &len);
	char cut[1024], out[1024], args[4096], want[2048], *err;
	FILE *fp;

	ck_assert_ptr_nonnull(z);
	cuts[0] = len * 9 / 10;
	cuts[1] = len - 8;
	snprintf(cut, sizeof(cut), "%s/series.csv.gz", dir);
	snprintf(out, sizeof(out), "%s/rates.csv", dir);
	for (k = 0; k < 2; k++) {
		fp = fopen(cut, "wb");
		ck_assert_ptr_nonnull(fp);
		ck_assert_uint_eq(fwrite(z, 1, cuts[k], fp), cuts[k]);
		fclose(fp);
		snprintf(args, sizeof(args),
			 "calibrate status %s --stations data/tokyo4_stations.csv -o %s -q",
			 cut, out);
		ck_assert_int_eq(run(args, NULL, &err), 2);
		snprintf(want, sizeof(want),
			 "bssim: %s: the gzip data ends early (the file is cut short); expected a complete gzip file\n",
			 cut);
		ck_assert_str_eq(err, want);
		ck_assert(!tu_exists(out));
		free(err);
	}
	free(z);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("realdata");
	TCase *tc = tcase_create("realdata");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped_scenarios_check);
	tcase_add_test(tc, test_tokyo_calibrated_day);
	tcase_add_test(tc, test_jc_trace_replays_the_month);
	tcase_add_test(tc, test_trace_warnings_counted);
	tcase_add_test(tc, test_trips_pipeline);
	tcase_add_test(tc, test_real_series_cut_short);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
