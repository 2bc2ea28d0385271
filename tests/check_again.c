/*
 * check_again.c - summary.json's record of the input files (sha256 in
 * "inputs", absolute paths under "run") and `bssim run --again DIR`: a
 * finished run reproduced byte for byte from its folder, from another
 * working directory and after its scenario file moved; inputs that
 * changed refused (or, with --force, used and noted); folders that are
 * not runs, malformed or older summaries, missing inputs: exit 2 with a
 * message naming the file.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * dir/data/{six.csv,stock.csv,rates.csv} and dir/scen/a.json naming them
 * relative to itself ("../data/..."), the way shipped scenarios do: three
 * inputs besides the scenario. Rates are made up, 1 to 6 an hour.
 */
static void write_tree(void)
{
	char p[1024], rates[16384], *six = tu_slurp(tu_fixture("six.csv"), NULL);
	static const char *const ids[] = {"A1", "A2", "B1", "B2", "C1", "C2"};
	size_t l, i;
	int h;

	ck_assert_ptr_nonnull(six);
	snprintf(p, sizeof(p), "%s/data", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/scen", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/data", dir);
	free(tu_write(p, "six.csv", six));
	free(six);
	free(tu_write(p, "stock.csv", "station_id,bikes\nA1,2\nA2,3\nB1,1\nB2,4\nC1,5\nC2,1\n"));
	l = (size_t)snprintf(rates, sizeof(rates), "station_id,hour,departures_per_hour\n");
	for (i = 0; i < 6; i++)
		for (h = 0; h < 24; h++)
			l += (size_t)snprintf(rates + l, sizeof(rates) - l, "%s,%d,%zu\n",
					      ids[i], h, 1 + (i + (size_t)h) % 6);
	free(tu_write(p, "rates.csv", rates));
	snprintf(p, sizeof(p), "%s/scen", dir);
	free(tu_write(p, "a.json",
		      "{\"bssim\": 1, \"name\": \"again\", \"seed\": 7, \"replications\": 2,\n"
		      " \"horizon\": {\"days\": 2, \"warmup_days\": 1},\n"
		      " \"network\": {\"stations\": \"../data/six.csv\"},\n"
		      " \"fleet\": {\"initial\": \"../data/stock.csv\"},\n"
		      " \"demand\": {\"model\": \"rates\", \"rates\": \"../data/rates.csv\"},\n"
		      " \"output\": {\"trips\": true}}\n"));
}

static json_t *summary_of(const char *run)
{
	char p[1024];
	json_t *doc;

	snprintf(p, sizeof(p), "%s/%s/summary.json", dir, run);
	doc = json_load_file(p, 0, NULL);
	ck_assert_msg(doc != NULL, "cannot read %s", p);
	return doc;
}

/* sha256sum's digest of dir/rel: a second implementation to hold ours to */
static void sha256sum(const char *rel, char hex[65])
{
	char cmd[1200], *out = NULL;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s/%s'", dir, rel);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_ge(strlen(out), 64);
	memcpy(hex, out, 64);
	hex[64] = '\0';
	free(out);
}

/* The recorded digest and absolute path of input `key` of a summary. */
static const char *sha_of(json_t *doc, const char *key)
{
	return json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "inputs"), key), "sha256"));
}

static const char *path_of(json_t *doc, const char *key)
{
	return json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "run"), "inputs"), key));
}

/* Every input of the run recorded, by sha256sum's digest and its real
 * absolute path; the --set overrides in the resolved scenario. */
START_TEST(test_inputs_recorded)
{
	static const char *const keys[] = {"network.stations", "fleet.initial",
					   "demand.rates"};
	static const char *const files[] = {"data/six.csv", "data/stock.csv",
					    "data/rates.csv"};
	char hex[65], p[1200], *real;
	json_t *doc;

	write_tree();
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "run scen/a.json -o out/a -q --seed 11"), 0);
	doc = summary_of("out/a");
	ck_assert_uint_eq(json_object_size(json_object_get(doc, "inputs")), 4);
	sha256sum("scen/a.json", hex);
	ck_assert_str_eq(sha_of(doc, "scenario"), hex);
	for (size_t i = 0; i < 3; i++) {
		sha256sum(files[i], hex);
		ck_assert_str_eq(sha_of(doc, keys[i]), hex);
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		real = realpath(p, NULL);
		ck_assert_ptr_nonnull(real);
		ck_assert_str_eq(path_of(doc, keys[i]), real);
		free(real);
	}
	/* the digests are in the compared part, the paths are not */
	ck_assert_ptr_null(json_object_get(json_object_get(doc, "inputs"), "path"));
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(doc, "scenario"), "seed")), 11);
	json_decref(doc);
	/* a synthetic network reads no file but the scenario */
	free(tu_write(dir, "syn.json",
		      "{\"bssim\": 1, \"name\": \"syn\", \"replications\": 2,"
		      " \"horizon\": {\"days\": 1},"
		      " \"network\": {\"synthetic\": {\"stations\": 4, \"capacity\": 5}},"
		      " \"fleet\": {\"fill\": 0.5}, \"demand\": {\"model\": \"uniform\","
		      " \"rate_per_station_per_hour\": 1}}"));
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "run syn.json -o out/syn -q"), 0);
	doc = summary_of("out/syn");
	ck_assert_uint_eq(json_object_size(json_object_get(doc, "inputs")), 1);
	ck_assert_ptr_nonnull(sha_of(doc, "scenario"));
	json_decref(doc);
}
END_TEST

/* The rerun of a run with --set overrides, from another working
 * directory, after the scenario file moved and its folder went: the same
 * files byte for byte but summary.json's "run", which names the folder it
 * reran; the default output folder is DIR-again. */
START_TEST(test_again_same_bytes)
{
	char p[1200], q[1200], *out = NULL, *err = NULL, *real;
	json_t *a, *b;

	write_tree();
	ck_assert_int_eq(tu_cli(dir, NULL, NULL,
				"run scen/a.json -o out/a -q --seed 11 --replications 3"
				" --set fleet.bikes=20 --geojson"), 0);
	snprintf(p, sizeof(p), "%s/scen/a.json", dir);
	snprintf(q, sizeof(q), "%s/moved.json", dir);
	ck_assert_int_eq(rename(p, q), 0);
	snprintf(p, sizeof(p), "%s/scen", dir);
	ck_assert_int_eq(rmdir(p), 0);
	snprintf(p, sizeof(p), "%s/elsewhere", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(tu_cli(p, &out, &err, "run --again ../out/a/ --jobs 2"), 0);
	ck_assert_ptr_nonnull(strstr(out, "out/a-again"));
	free(out);
	free(err);
	snprintf(p, sizeof(p), "%s/out/a", dir);
	snprintf(q, sizeof(q), "%s/out/a-again", dir);
	tu_same_folders(p, q, NULL);
	/* trips.csv and stations.geojson were among them */
	snprintf(q, sizeof(q), "%s/out/a-again/trips.csv", dir);
	ck_assert(tu_exists(q));
	snprintf(q, sizeof(q), "%s/out/a-again/stations.geojson", dir);
	ck_assert(tu_exists(q));
	a = summary_of("out/a");
	b = summary_of("out/a-again");
	real = realpath(p, NULL);
	ck_assert_ptr_nonnull(real);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "run"), "again")),
			 real);
	ck_assert_ptr_null(json_object_get(json_object_get(a, "run"), "again"));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "replications")), 3);
	/* the scenario file's record is the original's (it was not read) */
	ck_assert_str_eq(path_of(b, "scenario"), path_of(a, "scenario"));
	free(real);
	json_decref(a);
	json_decref(b);
	/* a rerun of the rerun: the same again */
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "run --again out/a-again -o out/c -q"), 0);
	snprintf(q, sizeof(q), "%s/out/c", dir);
	tu_same_folders(p, q, NULL);
}
END_TEST

/* An input whose bytes changed is refused, naming the file and both
 * digests, with nothing written; --force reruns with it, says so, and
 * records its new digest. */
START_TEST(test_again_changed_input)
{
	char p[1200], was[65], now[65], *err = NULL, *real, *expect;
	json_t *doc;

	write_tree();
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "run scen/a.json -o out/a -q"), 0);
	sha256sum("data/stock.csv", was);
	snprintf(p, sizeof(p), "%s/data", dir);
	free(tu_write(p, "stock.csv", "station_id,bikes\nA1,4\nA2,3\nB1,1\nB2,4\nC1,5\nC2,1\n"));
	sha256sum("data/stock.csv", now);
	ck_assert_str_ne(was, now);
	ck_assert_int_eq(tu_cli(dir, NULL, &err, "run --again out/a -o out/b"), 2);
	snprintf(p, sizeof(p), "%s/data/stock.csv", dir);
	real = realpath(p, NULL);
	ck_assert_ptr_nonnull(real);
	expect = malloc(4096);
	snprintf(expect, 4096,
		 "bssim: %s: fleet.initial: changed since the run in out/a: its sha256 was %s and is now %s; expected the same bytes (--force reruns with the file as it is now)\n",
		 real, was, now);
	ck_assert_str_eq(err, expect);
	free(err);
	snprintf(p, sizeof(p), "%s/out/b", dir);
	ck_assert(!tu_exists(p));
	ck_assert_int_eq(tu_cli(dir, NULL, &err, "run --again out/a -o out/b --force"), 0);
	ck_assert_ptr_nonnull(strstr(err, "fleet.initial"));
	ck_assert_ptr_nonnull(strstr(err, "changed since the run"));
	free(err);
	doc = summary_of("out/b");
	ck_assert_str_eq(sha_of(doc, "fleet.initial"), now);
	json_decref(doc);
	free(expect);
	free(real);
}
END_TEST

/* exit 2 and a message naming what is wrong, nothing written: */
static void refused(const char *args, const char *want)
{
	char *err = NULL, p[1200];

	ck_assert_int_eq(tu_cli(dir, NULL, &err, "%s", args), 2);
	ck_assert_msg(err && strstr(err, want), "bssim %s: '%s' is not in: %s", args, want,
		      err ? err : "(nothing)");
	free(err);
	snprintf(p, sizeof(p), "%s/out/new", dir);
	ck_assert_msg(!tu_exists(p), "bssim %s wrote out/new", args);
}

START_TEST(test_again_bad_input)
{
	char p[1200], *text;
	json_t *doc;

	write_tree();
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "run scen/a.json -o out/a -q"), 0);
	refused("run --again out/nothing -o out/new",
		"out/nothing: cannot open: No such file or directory; expected the folder of a finished bssim run");
	refused("run --again data/six.csv -o out/new", "data/six.csv: not a folder");
	refused("run --again data -o out/new",
		"data: no summary.json; expected the folder of a finished bssim run");
	refused("run --again out/a -o out/a", "is the folder --again reruns");
	refused("run --again out/a -o out/a/", "is the folder --again reruns");
	refused("run --again out/a --set seed=3 -o out/new", "cannot change it");
	refused("run --again out/a scen/a.json -o out/new", "unexpected argument 'scen/a.json'");
	refused("run --again . ", "give the new folder with -o");
	/* malformed: cut in the middle */
	snprintf(p, sizeof(p), "%s/out/a/summary.json", dir);
	text = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(text);
	snprintf(p, sizeof(p), "%s/out/cut", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	text[strlen(text) / 2] = '\0';
	free(tu_write(p, "summary.json", text));
	refused("run --again out/cut -o out/new", "out/cut/summary.json:");
	/* a summary.json of a bssim before the records */
	doc = summary_of("out/a");
	json_object_del(doc, "inputs");
	snprintf(p, sizeof(p), "%s/out/old", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/out/old/summary.json", dir);
	ck_assert_int_eq(json_dump_file(doc, p, 0), 0);
	refused("run --again out/old -o out/new",
		"out/old/summary.json: inputs: missing; expected the record of the files the run read");
	/* a record that is not a digest */
	json_object_set_new(doc, "inputs", json_pack("{s:{s:s}}", "demand.rates", "sha256", "xyz"));
	ck_assert_int_eq(json_dump_file(doc, p, 0), 0);
	refused("run --again out/old -o out/new", "inputs.network.stations: missing or not 64 hex digits");
	json_decref(doc);
	/* an input gone */
	snprintf(p, sizeof(p), "%s/data/rates.csv", dir);
	ck_assert_int_eq(remove(p), 0);
	refused("run --again out/a -o out/new",
		"data/rates.csv: demand.rates: cannot open: No such file or directory; the run in out/a read this file as demand.rates");
	free(text);
}
END_TEST

/* A sweep's folder is not a run's: said so. */
START_TEST(test_again_sweep_folder)
{
	char p[1200];

	tu_write_small_base(dir);
	free(tu_write(dir, "sw.json",
		      "{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,"
		      " \"vary\": {\"fleet.bikes\": [10, 14]}}"));
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sw.json -o sw -q"), 0);
	snprintf(p, sizeof(p), "%s/sw/sweep.json", dir);
	ck_assert(tu_exists(p));
	refused("run --again sw -o out/new", "sw: a sweep's folder");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("again");
	TCase *tc = tcase_create("again");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_inputs_recorded);
	tcase_add_test(tc, test_again_same_bytes);
	tcase_add_test(tc, test_again_changed_input);
	tcase_add_test(tc, test_again_bad_input);
	tcase_add_test(tc, test_again_sweep_folder);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
