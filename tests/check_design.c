/*
 * check_design.c - designed sweeps end to end (docs/sweeps.md "Designed
 * experiments"): a Sobol' design over a key that decides the service
 * level (the fleet) and one that cannot touch it (the fare), whose
 * indices must say so within their own intervals; a Latin hypercube's
 * regression coefficients; a design crossed with a cartesian vary; the
 * same bytes with --jobs 1, --jobs 2, shards merged and a killed sweep
 * resumed; --check listing the design's points.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	tu_write_small_base(dir);
	/* 16 x (2 + 2) = 64 points x 3 replications, a few ms each */
	free(tu_write(dir, "sobol.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		      "  \"design\": { \"type\": \"sobol\", \"points\": 16, \"seed\": 5,\n"
		      "    \"bootstrap\": 400,\n"
		      "    \"ranges\": { \"fleet.bikes\": [4, 30], \"fees.price_yen\": [100, 300] } } }\n"));
	free(tu_write(dir, "lhs.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		      "  \"vary\": { \"agreement.type\": [\"isolated\", \"full\"] },\n"
		      "  \"design\": { \"type\": \"lhs\", \"points\": 24, \"seed\": 8, \"bootstrap\": 400,\n"
		      "    \"ranges\": { \"fleet.bikes\": [4, 30],\n"
		      "                  \"behaviour.walk_radius_m\": {\"low\": 0, \"high\": 400} } } }\n"));
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

static char *slurp_in(const char *sub, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	return tu_slurp(p, NULL);
}

static void same_file(const char *a, const char *b, const char *name)
{
	char *x = slurp_in(a, name), *y = slurp_in(b, name);

	ck_assert_msg(x && y, "%s missing in %s or %s", name, a, b);
	ck_assert_msg(strcmp(x, y) == 0, "%s differs between %s and %s", name, a, b);
	free(x);
	free(y);
}

static void same_json(const char *a, const char *b)
{
	char *x = slurp_in(a, "sweep.json"), *y = slurp_in(b, "sweep.json");

	ck_assert(x && y);
	ck_assert_msg(strcmp(tu_strip_run(x), tu_strip_run(y)) == 0,
		      "sweep.json differs between %s and %s", a, b);
	free(x);
	free(y);
}

/* The sensitivity of (metric, ward all) to key, index, from sweep.json
 * of folder sub, cell 1. */
static json_t *doc_of(const char *sub)
{
	char p[1024];
	json_t *d;

	snprintf(p, sizeof(p), "%s/%s/sweep.json", dir, sub);
	d = json_load_file(p, 0, NULL);
	ck_assert_msg(d != NULL, "%s: not JSON", p);
	return d;
}

static json_t *idx(json_t *doc, size_t cell, const char *metric,
		   const char *key, const char *index)
{
	json_t *c = json_array_get(json_object_get(json_object_get(doc, "sensitivity"),
						   "cells"), cell);
	json_t *o = json_object_get(json_object_get(json_object_get(c, "metrics"),
						    metric), "all");
	json_t *e = json_object_get(json_object_get(json_object_get(o, "parameters"),
						    key), index);

	ck_assert_msg(e != NULL, "no %s of %s for %s", index, metric, key);
	return e;
}

static double num(json_t *e, const char *m)
{
	json_t *v = json_object_get(e, m);

	ck_assert_msg(v != NULL, "no %s", m);
	return json_is_null(v) ? (double)NAN : json_number_value(v);
}

/* A fleet of 4 to 30 bikes on six ports decides the service level; the
 * fare cannot change any ride (riders do not choose on price here), so
 * every point pair A, A_B^fare has exactly the same rides: index 0 with
 * the interval [0, 0]. The fleet's total effect is most of the variance,
 * its interval away from 0 and above the fare's. Revenue depends on both. */
START_TEST(test_sobol_end_to_end)
{
	json_t *doc, *e;
	char *csv, *line;
	size_t rows = 0;

	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o j1 -q --jobs 1"), 0);
	doc = doc_of("j1");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "points_total")), 64);
	e = idx(doc, 0, "service_level", "fees.price_yen", "total_effect");
	ck_assert_double_eq(num(e, "estimate"), 0.0);
	ck_assert(num(e, "ci95_low") <= 0 && num(e, "ci95_high") >= 0);
	e = idx(doc, 0, "service_level", "fees.price_yen", "first_order");
	ck_assert(num(e, "ci95_low") <= 0 && num(e, "ci95_high") >= 0);
	e = idx(doc, 0, "service_level", "fleet.bikes", "total_effect");
	ck_assert_msg(num(e, "estimate") > 0.7 && num(e, "ci95_low") > 0.3,
		      "fleet total effect %g [%g, %g]", num(e, "estimate"),
		      num(e, "ci95_low"), num(e, "ci95_high"));
	/* replication noise is estimated and small next to the index */
	ck_assert(num(e, "noise") > 0 && num(e, "noise") < 0.2 * num(e, "estimate"));
	e = idx(doc, 0, "service_level", "fleet.bikes", "first_order");
	ck_assert(num(e, "ci95_low") > 0.2);
	e = idx(doc, 0, "revenue_yen", "fees.price_yen", "total_effect");
	ck_assert_msg(num(e, "ci95_low") > 0.1, "fare on revenue [%g, %g]",
		      num(e, "ci95_low"), num(e, "ci95_high"));
	json_decref(doc);
	/* the table: a row per cell, headline metric, ward (3 + all),
	 * key and index */
	csv = slurp_in("j1", "sweep_sensitivity.csv");
	ck_assert_ptr_nonnull(csv);
	ck_assert(strncmp(csv, "cell,metric,ward,parameter,index,estimate,ci95_low,ci95_high,noise\n", 67) == 0);
	for (line = csv; (line = strchr(line, '\n')); line++)
		rows++;
	ck_assert_uint_eq(rows, 1 + 13 * 4 * 2 * 2);
	ck_assert_ptr_nonnull(strstr(csv, "\n1,service_level,all,fees.price_yen,total_effect,0,0,0,0\n"));
	free(csv);
	/* the same bytes on two threads and as two shards merged */
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o j2 -q --jobs 2"), 0);
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o s1 -q --shard 1/2"), 0);
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o s2 -q --shard 2/2 --jobs 2"), 0);
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "merge s2 s1 -o m -q"), 0);
	same_file("j1", "j2", "sweep_sensitivity.csv");
	same_file("j1", "j2", "sweep.csv");
	same_file("j1", "m", "sweep_sensitivity.csv");
	same_json("j1", "j2");
	same_json("j1", "m");
	/* bssim show: the points, then the design and its indices */
	{
		char *o = NULL;
		ck_assert_int_eq(tu_cli(dir, &o, NULL, "show j1"), 0);
		ck_assert_ptr_nonnull(strstr(o, "design: sobol, 16 base points"));
		ck_assert_ptr_nonnull(strstr(o, "fees.price_yen               total_effect   0 (0 .. 0)"));
		ck_assert_ptr_nonnull(strstr(o, "trips_requested      fleet.bikes                  first_order    undefined"));
		free(o);
	}
	/* a plan whose design does not fit its points is refused, named */
	{
		char *err = NULL, p[1024];
		snprintf(p, sizeof(p),
			 "cd '%s' && sed -i 's/\"rows\": 64/\"rows\": 63/' s1/sweep_plan.json",
			 dir);
		ck_assert_int_eq(tu_run(p, NULL, NULL), 0);
		ck_assert_int_eq(tu_cli(dir, NULL, &err, "merge s1 s2 -o m3"), 2);
		ck_assert_msg(strstr(err, "s1/sweep_plan.json: damaged sweep plan (design)"),
			      "%s", err);
		free(err);
	}
}
END_TEST

/* A designed sweep killed after 40 of its 192 tasks and resumed writes
 * the same files as one run: the design comes back from the plan. */
START_TEST(test_killed_and_resumed)
{
	char out[1024];
	pid_t pid;

	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o ref -q --jobs 2"), 0);
	snprintf(out, sizeof(out), "%s/k", dir);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "task-recorded:40"},
		       "sweep", "sobol.json", "-o", out, "-q", NULL);
	tu_wait_stopped(pid);
	kill(pid, SIGKILL);
	ck_assert_int_eq(tu_wait_exit(pid), 128 + SIGKILL);
	snprintf(out, sizeof(out), "%s/k/sweep_sensitivity.csv", dir);
	ck_assert(!tu_exists(out));
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o k -q --jobs 2"), 0);
	same_file("ref", "k", "sweep_sensitivity.csv");
	same_json("ref", "k");
}
END_TEST

/* The same design on two MPI ranks (when make check could build
 * build/bssim-mpi): the same indices. */
START_TEST(test_mpi_same_bytes)
{
	const char *mpi = getenv("BSSIM_MPI");
	char cmd[4096], *err = NULL;
	int st;

	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o j1 -q"), 0);
	/* leak detection off for the ranks, as in check_sweep_cli */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
		 "mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -np 2 '%s' sweep sobol.json -o mp",
		 dir, tu_abspath(mpi));
	st = tu_run(cmd, NULL, &err);
	ck_assert_msg(st == 0, "mpirun: exit %d: %.600s", st, err ? err : "");
	free(err);
	same_file("j1", "mp", "sweep_sensitivity.csv");
	same_json("j1", "mp");
}
END_TEST

/* A design crossed with a cartesian vary: each agreement (a cell) gets
 * its own coefficients. The fleet's standardised coefficient on the
 * service level is positive with its interval above 0 in both; the
 * table ends with the cell's agreement.type. */
START_TEST(test_lhs_cells)
{
	json_t *doc, *e;
	char *csv;
	size_t c;

	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep lhs.json -o l -q --jobs 2"), 0);
	doc = doc_of("l");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "points_total")), 48);
	for (c = 0; c < 2; c++) {
		e = idx(doc, c, "service_level", "fleet.bikes", "src");
		ck_assert_msg(num(e, "estimate") > 0.5 && num(e, "ci95_low") > 0,
			      "cell %zu: fleet src %g [%g, %g]", c + 1,
			      num(e, "estimate"), num(e, "ci95_low"),
			      num(e, "ci95_high"));
	}
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_array_get(json_object_get(
							 json_object_get(doc, "sensitivity"), "cells"), 1),
						 "values"),
				 "agreement.type")),
			 "full");
	json_decref(doc);
	csv = slurp_in("l", "sweep_sensitivity.csv");
	ck_assert(strncmp(csv, "cell,metric,ward,parameter,index,estimate,ci95_low,ci95_high,noise,agreement.type\n", 82) == 0);
	ck_assert_ptr_nonnull(strstr(csv, "\n2,service_level,all,fleet.bikes,src,"));
	ck_assert_ptr_nonnull(strstr(csv, ",full\n"));
	free(csv);
}
END_TEST

/* --check: the design in a line, then every point with its values; a
 * cartesian sweep leaves no sweep_sensitivity.csv (and one left by an
 * earlier designed sweep in the folder goes). */
START_TEST(test_check_lists_design)
{
	char *out;

	ck_assert_int_eq(tu_cli(dir, &out, NULL, "sweep sobol.json --check"), 0);
	ck_assert_ptr_nonnull(strstr(out, "64 points x 3 replications = 192 tasks"));
	ck_assert_ptr_nonnull(strstr(out, "design: sobol, 16 base points x (2 keys + 2) = 64 points"));
	/* Sobol' starts at the centre: 4 + floor(0.5 x 27) = 17 bikes, 200 yen */
	ck_assert_ptr_nonnull(strstr(out, "point 1 (fleet.bikes=17, fees.price_yen=200.0): tasks 0 to 2"));
	ck_assert_ptr_nonnull(strstr(out, "point 64 ("));
	free(out);
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep sobol.json -o x -q"), 0);
	free(tu_write(dir, "cart.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		      "  \"vary\": { \"fleet.bikes\": [10, 20] } }\n"));
	ck_assert_int_eq(tu_cli(dir, NULL, NULL, "sweep cart.json -o x -q --fresh"), 0);
	{
		char p[1024];
		snprintf(p, sizeof(p), "%s/x/sweep_sensitivity.csv", dir);
		ck_assert(!tu_exists(p));
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("design");
	TCase *tc = tcase_create("design");

	tcase_set_timeout(tc, 240);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sobol_end_to_end);
	tcase_add_test(tc, test_killed_and_resumed);
	tcase_add_test(tc, test_lhs_cells);
	tcase_add_test(tc, test_check_lists_design);
	if (getenv("BSSIM_MPI") && *getenv("BSSIM_MPI"))
		tcase_add_test(tc, test_mpi_same_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
