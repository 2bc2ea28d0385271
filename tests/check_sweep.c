/*
 * check_sweep.c - sweep files: the cartesian product in order (last key
 * fastest), set and replications applied to every point, errors located
 * in the sweep file and naming the point, the plan and its fingerprint,
 * shards, the shared world cache and its records (equal to `run`'s), and
 * outputs refused while tasks are missing.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stats/metrics.h"
#include "base/pool.h"
#include "exp/runner.h"
#include "exp/sweep.h"
#include "exp/sweepexec.h"
#include "calib/world.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	char base[2048];

	dir = tu_tmpdir();
	snprintf(base, sizeof(base),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 3, \"replications\": 2,\n"
		 " \"horizon\": {\"days\": 1},\n"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},\n"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 200}}\n",
		 tu_abspath(tu_fixture("six.csv")));
	free(tu_write(dir, "base.json", base));
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

static struct bs_sweep *load(const char *text, struct bs_error *err)
{
	char *p = tu_write(dir, "sweep.json", text);
	struct bs_sweep *sw;

	bs_error_clear(err);
	sw = bs_sweep_load(p, err);
	free(p);
	return sw;
}

START_TEST(test_product_order)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		" \"set\": {\"horizon.days\": 2},\n"
		" \"vary\": {\"fleet.bikes\": [10, 12],\n"
		"          \"behaviour.walk_radius_m\": [0, 300, 500]}}\n", &err);
	struct bs_scenario *sc;
	char label[200];

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_uint_eq(sw->npoints, 6);
	ck_assert_uint_eq(sw->reps, 3);
	ck_assert_uint_eq(sw->ntasks, 18);
	ck_assert_str_eq(sw->name, "sweep"); /* the file's base name */
	bs_sweep_label_of(sw, 0, label, sizeof(label));
	ck_assert_str_eq(label, "point 1 (fleet.bikes=10, behaviour.walk_radius_m=0)");
	bs_sweep_label_of(sw, 4, label, sizeof(label));
	ck_assert_str_eq(label, "point 5 (fleet.bikes=12, behaviour.walk_radius_m=300)");
	sc = bs_sweep_scenario(sw, 4, &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_uint_eq(sc->p.bikes, 12);
	ck_assert_double_eq(sc->p.walk_radius_m, 300.0);
	ck_assert_double_eq(sc->p.days, 2.0);      /* set */
	ck_assert_uint_eq(sc->p.replications, 3);  /* replications */
	ck_assert_uint_eq(sc->p.seed, 3);          /* base */
	bs_scenario_free(sc);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(sw->plan, "points")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
				 bs_sweep_point(sw, 5), "values"), "behaviour.walk_radius_m")), 500);
	ck_assert_uint_eq(json_array_size(json_object_get(bs_sweep_point(sw, 5),
							  "wards")), 3);
	bs_sweep_free(sw);
}
END_TEST

struct bad {
	const char *text;
	long line, col;
	const char *key;
	const char *says;
};

/* Reals are shown, and passed on to the point, with the fewest digits
 * that read back exactly: 0.4, not 0.40000000000000002 as once. */
START_TEST(test_real_values_shortest)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		" \"set\": {\"fleet.bikes\": null},\n"
		" \"vary\": {\"fleet.fill\": [0.4, 0.30000000000000004]}}\n", &err);
	struct bs_scenario *sc;
	char label[200];

	ck_assert_msg(sw != NULL, "%s", err.text);
	bs_sweep_label_of(sw, 0, label, sizeof(label));
	ck_assert_str_eq(label, "point 1 (fleet.fill=0.4)");
	bs_sweep_label_of(sw, 1, label, sizeof(label));
	ck_assert_str_eq(label, "point 2 (fleet.fill=0.30000000000000004)");
	sc = bs_sweep_scenario(sw, 1, &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert(sc->p.fill == 0.30000000000000004);
	bs_scenario_free(sc);
	bs_sweep_free(sw);
}
END_TEST

START_TEST(test_errors_located)
{
	static const struct bad cases[] = {
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"vary\": {\"fleet.bikez\": [1, 2]}}",
		 2, 11, "vary.fleet.bikez", "did you mean 'fleet.bikes'"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"vary\": {\"fleet.bikes\": []}}",
		 2, 11, "vary.fleet.bikes", "empty list"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"vary\": {\"fleet.bikes\": [10, \"many\"]}}",
		 2, 31, "fleet.bikes", "point 2 (fleet.bikes=\"many\"): expected an integer"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"set\": {\"fleet\": {\"bikes\": -1}}}",
		 2, 20, "fleet.bikes", "expected an integer from 0"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"set\": {\"demand.modle\": \"uniform\"}}",
		 2, 10, "set.demand.modle", "did you mean 'demand.model'"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"vary\": {\"replications\": [2, 3]}}",
		 2, 11, "vary.replications", "cannot vary"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\", \"set\": {\"fleet.bikes\": 3},\n \"vary\": {\"fleet.bikes\": [2, 3]}}",
		 2, 11, "vary.fleet.bikes", "both set and varied"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"vary\": {\"fleet.bikes\": 10}}",
		 2, 11, "vary.fleet.bikes", "expected a list"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n \"varies\": {}}",
		 2, 2, "varies", "unknown key"},
		{"{\"bssim_sweep\": 2, \"base\": \"base.json\"}", 1, 2, "bssim_sweep",
		 "expected 1"},
		{"{\"base\": \"base.json\"}", 0, 0, "", "missing \"bssim_sweep\""},
		{"{\"bssim_sweep\": 1}", 0, 0, "", "missing \"base\""},
		{"{\"bssim_sweep\": 1,\n \"base\": \"nothing.json\"}", 2, 2, "base",
		 "cannot open"},
		{"{\"bssim_sweep\": 1,\n \"base\": \"base.json\" \"vary\": {}}", 2, 27, "",
		 "invalid JSON"},
		{"{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 0}", 1, 41,
		 "replications", "from 1 to 10000"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bs_error err;
		struct bs_sweep *sw = load(cases[i].text, &err);
		/* loading checks the file and the first point; planning
		 * checks every point, before any task runs */
		if (sw) {
			ck_assert_msg(bs_sweep_plan(sw, 2, &err) != 0,
				      "case %zu accepted", i);
			bs_sweep_free(sw);
		}
		ck_assert_int_eq(err.code, BS_E_INPUT);
		ck_assert_msg(strstr(err.file, "sweep.json") != NULL,
			      "case %zu: file %s", i, err.file);
		ck_assert_msg(err.line == cases[i].line && err.column == cases[i].col,
			      "case %zu: at %ld:%ld, expected %ld:%ld (%s)", i,
			      err.line, err.column, cases[i].line, cases[i].col,
			      err.text);
		ck_assert_msg(strcmp(err.key, cases[i].key) == 0,
			      "case %zu: key '%s'", i, err.key);
		ck_assert_msg(strstr(err.text, cases[i].says) != NULL,
			      "case %zu: '%s' lacks '%s'", i, err.text,
			      cases[i].says);
	}
}
END_TEST

/* Faults found only with the world (the fleet against the docks) or in
 * the plan (trip logs) name the point, before any task runs. */
START_TEST(test_plan_errors_name_point)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		" \"vary\": {\"agreement.type\": [\"full\", \"isolated\"],\n"
		"          \"fleet.bikes\": [10, 31]}}\n", &err);

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), BS_E_INPUT);
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 31);
	ck_assert_str_eq(err.key, "fleet.bikes");
	ck_assert_ptr_nonnull(strstr(err.text,
		"point 2 (agreement.type=\"full\", fleet.bikes=31): 31 bikes do not fit"));
	bs_sweep_free(sw);
	sw = load("{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		  " \"set\": {\"output.trips\": true}}\n", &err);
	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), BS_E_INPUT);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.text, "no trip logs"));
	bs_sweep_free(sw);
}
END_TEST

static void fingerprint_of(const char *text, char out[17])
{
	struct bs_error err;
	struct bs_sweep *sw = load(text, &err);

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), 0);
	memcpy(out, sw->fingerprint, 17);
	bs_sweep_free(sw);
}

START_TEST(test_fingerprint)
{
	const char *a = "{\"bssim_sweep\": 1, \"base\": \"base.json\", \"vary\": {\"fleet.bikes\": [10, 12]}}";
	const char *a2 = "{\"bssim_sweep\": 1, \"name\": \"other\", \"description\": \"x\",\n"
			 "  \"base\": \"base.json\", \"vary\": {\"fleet.bikes\": [10, 12]}}";
	const char *b = "{\"bssim_sweep\": 1, \"base\": \"base.json\", \"vary\": {\"fleet.bikes\": [10, 13]}}";
	const char *c = "{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3, \"vary\": {\"fleet.bikes\": [10, 12]}}";
	char fa[17], fa2[17], fb[17], fc[17], fd[17], json[2048], *csv, *p;

	fingerprint_of(a, fa);
	fingerprint_of(a2, fa2);
	fingerprint_of(b, fb);
	fingerprint_of(c, fc);
	ck_assert_str_eq(fa, fa2); /* names and descriptions change no result */
	ck_assert_str_ne(fa, fb);
	ck_assert_str_ne(fa, fc);
	/* the same path, another stations file */
	csv = tu_slurp(tu_fixture("six.csv"), NULL);
	free(tu_write(dir, "six.csv", csv));
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 3, \"replications\": 2,\n"
		 " \"horizon\": {\"days\": 1}, \"network\": {\"stations\": \"six.csv\"},\n"
		 " \"fleet\": {\"bikes\": 14}, \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 200}}\n");
	free(tu_write(dir, "base.json", json));
	fingerprint_of(a, fa);
	p = strstr(csv, ",8\n");
	ck_assert_ptr_nonnull(p);
	p[1] = '9';
	free(tu_write(dir, "six.csv", csv));
	fingerprint_of(a, fd);
	ck_assert_str_ne(fa, fd);
	free(csv);
}
END_TEST

START_TEST(test_shards)
{
	uint32_t i, n;
	uint64_t t;
	const char *bad[] = {"3/2", "0/2", "1/0", "2", "/2", "1/", "a/b", "1/2x",
			     "-1/2", "1/2000000", ""};
	size_t k;

	ck_assert_int_eq(bs_shard_parse("2/5", &i, &n), 0);
	ck_assert_uint_eq(i, 2);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(bs_shard_parse("1/1", &i, &n), 0);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		ck_assert_msg(bs_shard_parse(bad[k], &i, &n) != 0, "'%s'", bad[k]);
	/* the shards partition the tasks */
	for (t = 0; t < 50; t++) {
		int owners = 0;
		for (i = 1; i <= 4; i++)
			owners += bs_shard_owns(t, i, 4);
		ck_assert_int_eq(owners, 1);
	}
}
END_TEST

START_TEST(test_plan_roundtrip)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"name\": \"rt\", \"base\": \"base.json\",\n"
		" \"vary\": {\"agreement.type\": [\"full\", \"isolated\"]}}\n", &err), *p;
	char out[600];

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), 0);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(bs_sweep_write_plan(sw, out, &err), 0);
	p = bs_sweep_plan_load(out, &err);
	ck_assert_msg(p != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan_check(p, &err), 0);
	ck_assert_str_eq(p->fingerprint, sw->fingerprint);
	ck_assert_str_eq(p->name, "rt");
	ck_assert_uint_eq(p->npoints, 2);
	ck_assert_uint_eq(p->reps, 2);
	ck_assert_uint_eq(p->ndims, 1);
	ck_assert_str_eq(p->dims[0].key, "agreement.type");
	ck_assert(json_equal(bs_sweep_point(p, 1), bs_sweep_point(sw, 1)));
	ck_assert_ptr_null(bs_sweep_scenario(p, 0, &err)); /* no base */
	bs_sweep_free(p);
	ck_assert_ptr_null(bs_sweep_plan_load(dir, &err));
	ck_assert_str_eq(err.text, "missing; expected the output folder of bssim sweep");
	ck_assert_ptr_nonnull(strstr(err.file, "/sweep_plan.json"));
	bs_sweep_free(sw);
}
END_TEST

/* ---- running ------------------------------------------------------------- */

struct runctx {
	struct bs_sweep *sw;
	struct bs_exec *x;
	struct bs_task_rec *recs;
};

static struct bs_scenario *scen(void *ud, size_t p, struct bs_error *err)
{
	return bs_sweep_scenario(((struct runctx *)ud)->sw, p, err);
}

static void *wnew(void *ud)
{
	return bs_exec_worker_new(((struct runctx *)ud)->x);
}

static void wfree(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int run1(void *ud, void *ws, uint64_t t, const struct bs_pool_ctl *ctl,
		struct bs_error *err)
{
	struct bs_run_hooks h;

	bs_hooks_from_ctl(&h, ctl);
	return bs_exec_task(ws, t, &h, &((struct runctx *)ud)->recs[t], err);
}

START_TEST(test_exec_matches_runner)
{
	struct bs_error err;
	struct runctx rc;
	struct bs_exec_source src;
	struct bs_pool_opts po;
	uint64_t built, t;
	size_t alive, p;

	memset(&rc, 0, sizeof(rc));
	rc.sw = load("{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		     " \"vary\": {\"fleet.bikes\": [8, 12, 16, 20]}}\n", &err);
	ck_assert_msg(rc.sw != NULL, "%s", err.text);
	memset(&src, 0, sizeof(src));
	src.npoints = rc.sw->npoints;
	src.reps = rc.sw->reps;
	src.scenario = scen;
	src.ud = &rc;
	src.paranoid = 1;
	rc.x = bs_exec_new(&src);
	rc.recs = calloc(rc.sw->ntasks, sizeof(*rc.recs));
	memset(&po, 0, sizeof(po));
	po.jobs = 2;
	po.ntasks = rc.sw->ntasks;
	po.worker_new = wnew;
	po.worker_free = wfree;
	po.run = run1;
	po.ud = &rc;
	ck_assert_int_eq(bs_pool_run(&po, NULL, &err), 0);
	bs_exec_stats(rc.x, &built, &alive);
	ck_assert_uint_ge(built, 4);
	ck_assert_uint_le(alive, 2); /* worlds follow the workers */
	/* each record is what `bssim run` computes for that point */
	for (p = 0; p < rc.sw->npoints; p++) {
		struct bs_scenario *sc = bs_sweep_scenario(rc.sw, p, &err);
		struct bs_world *w = bs_world_build(sc, &err);
		struct bs_rep_result *res[3];
		struct bs_runner_opts ro;
		uint32_t nd, r;
		memset(&ro, 0, sizeof(ro));
		ro.nreps = 3;
		ck_assert_int_eq(bs_run_replications(&w->model, &ro, res, &nd, &err), 0);
		for (r = 0; r < 3; r++) {
			double m[BS_METRIC_N];
			const struct bs_task_rec *rec = &rc.recs[p * 3 + r];
			ck_assert_uint_eq(rec->point, p + 1);
			ck_assert_uint_eq(rec->rep, r + 1);
			bs_metrics_compute(res[r], w->net, w->net->nwards, m);
			ck_assert_int_eq(memcmp(m, rec->m + 3 * BS_METRIC_N, sizeof(m)), 0);
			bs_rep_result_free(res[r]);
		}
		bs_world_free(w);
		bs_scenario_free(sc);
	}
	for (t = 0; t < rc.sw->ntasks; t++)
		bs_task_rec_release(&rc.recs[t]);
	free(rc.recs);
	bs_exec_free(rc.x);
	bs_sweep_free(rc.sw);
}
END_TEST

START_TEST(test_outputs_need_every_task)
{
	struct bs_error err;
	struct bs_sweep *sw = load("{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
				   " \"vary\": {\"fleet.bikes\": [8, 12]}}\n", &err);
	struct bs_taskindex *ix;
	char out[600];

	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), 0);
	ix = bs_taskindex_new(sw->ntasks, sw->fingerprint);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(bs_sweep_write_outputs(sw, ix, out, NULL, 0, &err),
			 BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "4 of the sweep's 4 tasks are not recorded (the first: point 1, replication 1)"));
	ck_assert(!tu_exists(out));
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_product_order);
	tcase_add_test(tc, test_real_values_shortest);
	tcase_add_test(tc, test_errors_located);
	tcase_add_test(tc, test_plan_errors_name_point);
	tcase_add_test(tc, test_fingerprint);
	tcase_add_test(tc, test_shards);
	tcase_add_test(tc, test_plan_roundtrip);
	tcase_add_test(tc, test_exec_matches_runner);
	tcase_add_test(tc, test_outputs_need_every_task);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
