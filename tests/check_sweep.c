/*
 * check_sweep.c - sweep files: the cartesian product in order (last key
 * fastest), set and replications applied to every point, errors located
 * in the sweep file and naming the point, the plan and its fingerprint,
 * shards, the shared world cache and its records (equal to `run`'s),
 * outputs refused while tasks are missing; worlds shared by points that
 * differ only in simulation-only keys (the key table's classification
 * checked key by key), and the cost of a 20,000-task sweep's outputs,
 * counted.
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
#include "base/idindex.h"
#include "input/keys.h"
#include "model/demand.h"
#include "model/ops.h"
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

/* The plan's points share what they have in common (sweepplan.c
 * share_equal): each kept its own copy of the whole resolved scenario,
 * 17 KiB a point on the Tokyo network. The members a point does not
 * vary are the first point's own nodes, in a planned plan and in one
 * loaded back; those it varies are its own; and the plan file is the
 * same JSON either way. Fails if the sharing is dropped or reaches a
 * varied member. */
START_TEST(test_plan_points_share)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"name\": \"share\", \"base\": \"base.json\",\n"
		" \"vary\": {\"fleet.bikes\": [10, 12, 14],\n"
		"          \"behaviour.walk_radius_m\": [0, 300]}}\n", &err), *p;
	char out[600];
	int k;

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_int_eq(bs_sweep_plan(sw, 2, &err), 0);
	snprintf(out, sizeof(out), "%s/share", dir);
	ck_assert_int_eq(bs_sweep_write_plan(sw, out, &err), 0);
	p = bs_sweep_plan_load(out, &err);
	ck_assert_msg(p != NULL, "%s", err.text);
	for (k = 0; k < 2; k++) {
		const struct bs_sweep *s = k ? p : sw;
		json_t *a = json_object_get(bs_sweep_point(s, 0), "scenario"),
		       *b = json_object_get(bs_sweep_point(s, 5), "scenario");
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_ne(a, b);
		ck_assert_ptr_eq(json_object_get(a, "network"),
				 json_object_get(b, "network"));
		ck_assert_ptr_eq(json_object_get(a, "demand"),
				 json_object_get(b, "demand"));
		ck_assert_ptr_eq(json_object_get(bs_sweep_point(s, 0), "wards"),
				 json_object_get(bs_sweep_point(s, 5), "wards"));
		ck_assert_ptr_ne(json_object_get(a, "fleet"),
				 json_object_get(b, "fleet"));
		ck_assert_int_eq(json_integer_value(json_object_get(
					 json_object_get(b, "fleet"), "bikes")), 14);
		ck_assert_int_eq(json_integer_value(json_object_get(
					 json_object_get(a, "fleet"), "bikes")), 10);
	}
	ck_assert(json_equal(p->plan, sw->plan));
	bs_sweep_free(p);
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

/* ---- shared worlds ------------------------------------------------------- */

/* What a world is, as numbers: the stations, neighbours, agreement, ops,
 * initial stock and the demand's expected requests per station and hour.
 * FNV-1a over them: equal worlds have equal digests, and any of these
 * changed changes it. */
static uint64_t world_digest(const struct bs_world *w)
{
	const struct bs_network *n = w->net;
	uint64_t h = BS_FNV_INIT;
	size_t s, k;

	h = bs_fnv1a(h, &n->n, sizeof(n->n));
	h = bs_fnv1a(h, n->ward, n->n * sizeof(*n->ward));
	h = bs_fnv1a(h, n->cap, n->n * sizeof(*n->cap));
	h = bs_fnv1a(h, n->lim, n->n * sizeof(*n->lim));
	h = bs_fnv1a(h, n->nb_off, (n->n + 1) * sizeof(*n->nb_off));
	h = bs_fnv1a(h, n->nb_idx, n->nb_off[n->n] * sizeof(*n->nb_idx));
	h = bs_fnv1a(h, w->init_stock, n->n * sizeof(*w->init_stock));
	h = bs_fnv1a(h, w->owned, n->nwards * sizeof(*w->owned));
	h = bs_fnv1a(h, &w->fleet_bikes, sizeof(w->fleet_bikes));
	h = bs_fnv1a(h, &w->model.fleet, sizeof(w->model.fleet));
	h = bs_fnv1a(h, &w->agr->kind, sizeof(w->agr->kind));
	h = bs_fnv1a(h, w->agr->allow, n->nwards * n->nwards);
	h = bs_fnv1a(h, w->agr->price_yen, n->nwards * sizeof(double));
	if (w->ops) {
		h = bs_fnv1a(h, &w->ops->ntrucks, sizeof(w->ops->ntrucks));
		h = bs_fnv1a(h, &w->ops->ncrews, sizeof(w->ops->ncrews));
		h = bs_fnv1a(h, w->ops->depot, n->nwards * sizeof(uint32_t));
	}
	for (s = 0; s < n->n; s++)
		for (k = 0; k < 24; k++) {
			double e = bs_demand_expected(w->dem, (uint32_t)s,
						      60.0 * (double)k,
						      60.0 * (double)(k + 1));
			h = bs_fnv1a(h, &e, sizeof(e));
		}
	return h;
}

/* A change of every key the table marks BS_FEEDS_SIM (a case may need
 * several keys at once: user shares sum to 1). */
static const struct bs_set sim_cases[][3] = {
	{{"seed", "99"}},
	{{"behaviour.on_full", "\"random\""}},
	{{"behaviour.forbidden_return", "\"lost\""}},
	{{"behaviour.retry_min", "9"}},
	{{"behaviour.choice", "\"off\""}},
	{{"behaviour.walk_tolerance", "\"step\""}, {"behaviour.walk_tolerance_m", "120"}},
	{{"behaviour.walk_decay_per_m", "0.01"}},
	{{"behaviour.price_elasticity", "-1.5"}},
	{{"behaviour.reference_fare_yen", "220"}},
	{{"fees.block_min", "15"}},
	{{"fees.cross_surcharge_yen", "50"}},
	{{"fees.users.pay_per_ride", "0.5"}, {"fees.users.monthly", "0.3"}, {"fees.users.day_pass", "0.2"}},
	{{"fees.monthly_yen", "1000"}, {"fees.monthly_free_min", "45"}, {"fees.monthly_rides", "10"}},
	{{"fees.day_pass_yen", "500"}, {"fees.day_pass_rides", "3"}},
	{{"fees.settlement", "\"owner\""}},
	{{"fees.foreign_dock_fee_yen", "10"}, {"fees.night_hour", "4"}},
	{{"fees.repatriation_yen", "100"}},
	{{"rebalancing.truck_capacity", "5"}, {"rebalancing.speed_kmh", "20"}, {"rebalancing.detour", "1.2"}},
	{{"rebalancing.load_min_per_bike", "2"}, {"rebalancing.lookahead_min", "30"}, {"rebalancing.reach_m", "900"}},
	{{"rebalancing.low", "0.1"}, {"rebalancing.high", "0.9"}, {"rebalancing.target", "0.6"}},
	{{"battery.use_per_km", "0.03"}, {"battery.min_rentable", "0.1"}, {"battery.swap_below", "0.5"}},
	{{"battery.initial_min", "0.4"}, {"battery.speed_kmh", "20"}, {"battery.swap_min", "2"}},
	{{"costs.truck_hour_yen", "3000"}, {"costs.truck_km_yen", "40"}},
	{{"costs.crew_hour_yen", "2500"}, {"costs.swap_yen", "30"}},
};

static size_t case_len(const struct bs_set *c)
{
	size_t n = 0;

	while (n < 3 && c[n].key)
		n++;
	return n;
}

static struct bs_world *build_with(const char *base, const struct bs_set *sets,
				   size_t n, char **key)
{
	struct bs_error err;
	struct bs_scenario *sc = bs_scenario_load(base, sets, n, &err);
	struct bs_world *w;

	ck_assert_msg(sc != NULL, "%s: %s", n ? sets[0].key : "base", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s: %s", n ? sets[0].key : "base", err.text);
	*key = bs_world_key(sc);
	ck_assert_ptr_nonnull(*key);
	bs_scenario_free(sc);
	return w;
}

/*
 * The key table's classification holds: changing any simulation-only key
 * leaves the world key and every number of the world the same, while a
 * world key (fleet, demand, walk radius, price) changes both. Every key
 * marked BS_FEEDS_SIM has a case here (a key newly marked without one
 * fails).
 */
START_TEST(test_sim_keys_leave_world)
{
	static const struct bs_set world_cases[] = {
		{"fleet.bikes", "10"}, {"demand.trips_per_day", "150"},
		{"horizon.start_weekday", "\"sat\""}, {"fees.price_yen", "200"},
		{"behaviour.walk_radius_m", "900"},
	};
	char *base, *key0, *key, *text;
	struct bs_world *w0, *w;
	uint64_t d0;
	size_t c, i, k;

	base = tu_write(dir, "rich.json",
			"{\"bssim\": 1, \"seed\": 3, \"replications\": 2, \"horizon\": {\"days\": 1},\n"
			" \"network\": {\"stations\": \"six.csv\"}, \"fleet\": {\"bikes\": 14},\n"
			" \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 200},\n"
			" \"behaviour\": {\"choice\": \"on\"},\n"
			" \"rebalancing\": {\"policy\": \"threshold\"}, \"battery\": {\"enabled\": true}}\n");
	text = tu_slurp(tu_fixture("six.csv"), NULL);
	free(tu_write(dir, "six.csv", text));
	free(text);
	w0 = build_with(base, NULL, 0, &key0);
	d0 = world_digest(w0);
	for (c = 0; c < sizeof(sim_cases) / sizeof(sim_cases[0]); c++) {
		w = build_with(base, sim_cases[c], case_len(sim_cases[c]), &key);
		ck_assert_msg(world_digest(w) == d0, "%s changed the world",
			      sim_cases[c][0].key);
		ck_assert_msg(!strcmp(key, key0), "%s changed the world key",
			      sim_cases[c][0].key);
		bs_world_free(w);
		free(key);
	}
	for (c = 0; c < sizeof(world_cases) / sizeof(world_cases[0]); c++) {
		w = build_with(base, &world_cases[c], 1, &key);
		ck_assert_msg(strcmp(key, key0), "%s kept the world key",
			      world_cases[c].key);
		if (c < 4) /* the walk radius: six.csv's neighbours are closer */
			ck_assert_msg(world_digest(w) != d0, "%s kept the world",
				      world_cases[c].key);
		bs_world_free(w);
		free(key);
	}
	for (k = 0; k < bs_nkeys; k++) {
		int found = 0;
		if (bs_keys[k].feeds != BS_FEEDS_SIM)
			continue;
		for (c = 0; c < sizeof(sim_cases) / sizeof(sim_cases[0]); c++)
			for (i = 0; i < case_len(sim_cases[c]); i++)
				found |= !strcmp(sim_cases[c][i].key, bs_keys[k].path);
		ck_assert_msg(found, "%s is marked BS_FEEDS_SIM and has no case here",
			      bs_keys[k].path);
	}
	bs_world_free(w0);
	free(key0);
	free(base);
}
END_TEST

/*
 * Points differing only in simulation-only keys share a world, built once
 * whatever the order of the keys (fleet.bikes, a world key, varies
 * fastest here: tasks are grouped by world); each task's record is what
 * a world built for that point alone gives, and the outputs are the same
 * bytes with 1 and 2 threads.
 */
START_TEST(test_worlds_shared)
{
	static const char *text =
		"{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		" \"set\": {\"behaviour.choice\": \"on\"},\n"
		" \"vary\": {\"fees.cross_surcharge_yen\": [0, 300], \"seed\": [3, 4],\n"
		"          \"fleet.bikes\": [10, 14]}}\n";
	struct bs_error err;
	struct bs_sweep *sw = load(text, &err);
	struct bs_sweep_opts o;
	struct bs_taskindex *ix;
	char out1[600], out2[600], *a, *b, *log;
	json_t *js, *run;
	size_t p, len;
	uint64_t t;

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_uint_eq(sw->npoints, 8);
	bs_sweep_opts_init(&o);
	o.paranoid = 1;
	snprintf(out1, sizeof(out1), "%s/j1", dir);
	ck_assert_msg(bs_sweep_run(sw, out1, &o, NULL, &err) == 0, "%s", err.text);
	for (p = 0; p < 8; p++)
		ck_assert_uint_eq(sw->world_of[p], p % 2);
	/* one thread: the log is in the order tasks were handed out, the
	 * points of the first world (odd numbers) first */
	log = tu_slurp(tu_path(out1, "sweep_tasks.jsonl"), &len);
	{
		const char *l = strchr(log, '\n') + 1;
		for (t = 0; t < 16; t++, l = strchr(l, '\n') + 1) {
			uint64_t task = strtoull(l + strlen("{\"task\":"), NULL, 10);
			uint64_t want = t < 8 ? (t / 2) * 4 + t % 2
					      : ((t - 8) / 2) * 4 + 2 + t % 2;
			ck_assert_uint_eq(task, want);
		}
	}
	free(log);
	js = json_load_file(tu_path(out1, "sweep.json"), 0, NULL);
	run = json_object_get(js, "run");
	ck_assert_int_eq(json_integer_value(json_object_get(run, "world_builds")), 2);
	ck_assert(json_real_value(json_object_get(run, "setup_s")) > 0.0);
	json_decref(js);
	/* each record as from a world of its own */
	ix = bs_taskindex_new(sw->ntasks, sw->fingerprint);
	ck_assert_int_eq(bs_taskindex_add(ix, out1, NULL, &err), 0);
	for (p = 0; p < sw->npoints; p++) {
		struct bs_scenario *sc = bs_sweep_scenario(sw, p, &err);
		struct bs_world *w = bs_world_build(sc, &err);
		struct bs_rep_result *res[2];
		struct bs_runner_opts ro;
		uint32_t nd, r;
		memset(&ro, 0, sizeof(ro));
		ro.nreps = 2;
		w->model.p = sc->p;
		ck_assert_int_eq(bs_run_replications(&w->model, &ro, res, &nd, &err), 0);
		for (r = 0; r < 2; r++) {
			double m[BS_METRIC_N];
			struct bs_task_rec rec;
			memset(&rec, 0, sizeof(rec));
			ck_assert_int_eq(bs_taskindex_read(ix, p * 2 + r, &rec, &err), 0);
			bs_metrics_compute(res[r], w->net, w->net->nwards, m);
			ck_assert_int_eq(memcmp(m, rec.m + w->net->nwards * BS_METRIC_N,
						sizeof(m)), 0);
			bs_task_rec_release(&rec);
			bs_rep_result_free(res[r]);
		}
		bs_world_free(w);
		bs_scenario_free(sc);
	}
	bs_taskindex_free(ix);
	/* the surcharge and the seed did change the results */
	a = tu_slurp(tu_path(out1, "sweep.csv"), &len);
	o.jobs = 2;
	snprintf(out2, sizeof(out2), "%s/j2", dir);
	ck_assert_msg(bs_sweep_run(sw, out2, &o, NULL, &err) == 0, "%s", err.text);
	b = tu_slurp(tu_path(out2, "sweep.csv"), &len);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	bs_sweep_free(sw);
}
END_TEST

/*
 * A finished sweep of 20,000 tasks re-typed: the resume scans each log
 * line once, the index once more, and the outputs fetch each record
 * exactly once (counted: the cost per task does not grow with the
 * sweep). The records are made up (the outputs are a function of them),
 * so nothing is simulated.
 */
START_TEST(test_outputs_linear)
{
	struct bs_error err;
	struct bs_sweep *sw = load(
		"{\"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 100,\n"
		" \"vary\": {\"seed\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],\n"
		"          \"fees.block_min\": [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]}}\n", &err);
	struct bs_tasklog_counts c0, c1;
	struct bs_sweep_opts o;
	struct bs_sweep_outcome res;
	struct bs_tasklog *lg;
	char out[600];
	uint8_t *done;
	uint64_t t, n;
	size_t W, i;
	char *text;
	FILE *fp;

	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_uint_eq(sw->ntasks, 20000);
	ck_assert_int_eq(bs_sweep_plan(sw, 1, &err), 0);
	W = json_array_size(json_object_get(bs_sweep_point(sw, 0), "wards"));
	snprintf(out, sizeof(out), "%s/big", dir);
	done = calloc(sw->ntasks, 1);
	lg = bs_tasklog_open(out, sw->fingerprint, sw->ntasks, 0, done, &n,
			     NULL, &err);
	ck_assert_msg(lg != NULL, "%s", err.text);
	bs_tasklog_close(lg);
	free(done);
	fp = fopen(tu_path(out, "sweep_tasks.jsonl"), "ab");
	for (t = sw->ntasks; t-- > 0;) {
		struct bs_task_rec r;
		char *line;
		ck_assert_int_eq(bs_task_rec_init(&r, W), 0);
		r.task = t;
		r.point = (uint32_t)(t / 100 + 1);
		r.rep = (uint32_t)(t % 100 + 1);
		for (i = 0; i < (W + 1) * BS_METRIC_N; i++)
			r.m[i] = (double)((t + i) % 5);
		line = bs_task_rec_encode(&r);
		fputs(line, fp);
		free(line);
		bs_task_rec_release(&r);
	}
	ck_assert_int_eq(fclose(fp), 0);
	bs_sweep_opts_init(&o);
	o.resume = BS_SWEEP_KEEP;
	o.force = 1; /* a log this test wrote */
	bs_tasklog_counts(&c0);
	ck_assert_msg(bs_sweep_run(sw, out, &o, &res, &err) == 0, "%s", err.text);
	bs_tasklog_counts(&c1);
	ck_assert_uint_eq(res.resumed, 20000);
	ck_assert_uint_eq(res.ran, 0);
	ck_assert(res.complete);
	/* the resume and the index: header and records, once each */
	ck_assert_uint_eq(c1.lines_scanned - c0.lines_scanned, 2 * 20001);
	ck_assert_uint_eq(c1.records_read - c0.records_read, 20000);
	text = tu_slurp(tu_path(out, "sweep_replications.csv"), NULL);
	ck_assert_uint_eq(tu_lines(text), 1 + 20000 * (W + 1) * BS_METRIC_N);
	free(text);
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
	tcase_add_test(tc, test_plan_points_share);
	tcase_add_test(tc, test_exec_matches_runner);
	tcase_add_test(tc, test_outputs_need_every_task);
	tcase_add_test(tc, test_sim_keys_leave_world);
	tcase_add_test(tc, test_worlds_shared);
	tcase_add_test(tc, test_outputs_linear);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
