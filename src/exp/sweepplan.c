/*
 * sweepplan.c - a sweep's plan (see sweep.h): every point checked as a
 * run would check it (on the worker pool), described and fingerprinted,
 * written to sweep_plan.json and read back by resume, shards and merge.
 */
#include "exp/sweep.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idindex.h"
#include "base/limits.h"
#include "base/pool.h"
#include "calib/world.h"
#include "input/jsonpos.h"
#include "output/output.h"
#include "stats/metrics.h"

/* ---- the plan ------------------------------------------------------------ */

/* FNV-1a (base/idindex.h): a fingerprint to tell sweeps apart, not a
 * defence against anyone forging one. */
#define fnv bs_fnv1a

static int fnv_file(const char *path, uint64_t *h)
{
	FILE *fp = bs_input_fopen(path, "a stations CSV", NULL);
	char buf[65536];
	size_t got;

	if (!fp)
		return -1;
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		*h = fnv(*h, buf, got);
	got = (size_t)ferror(fp);
	fclose(fp);
	return got ? -1 : 0;
}

/*
 * Make x share with ref every member (at any depth of objects) whose
 * value equals ref's: points differ in a few keys, and each kept its own
 * copy of the whole resolved scenario (about 9 kB of jansson nodes a
 * point on the Tokyo network, 17 KiB of memory with the allocator's
 * overhead; 4.6 KiB now, docs/performance.md 1a). The trees are read only once planned (the runs resolve
 * their scenarios again from the base), and a value's position in its
 * object stays, so every file written from them is the same bytes.
 * O(size of x).
 */
static void share_equal(json_t *x, json_t *ref)
{
	const char *key;
	json_t *v;

	json_object_foreach(x, key, v) {
		json_t *r = json_object_get(ref, key);
		if (!r || r == v)
			continue;
		if (json_equal(v, r))
			json_object_set(x, key, r); /* replaces v in place */
		else if (json_is_object(v) && json_is_object(r))
			share_equal(v, r);
	}
}

/* Every point of a planned or loaded sweep sharing what it has in
 * common with the first. */
static void share_points(json_t *points)
{
	size_t p;

	for (p = 1; p < json_array_size(points); p++)
		share_equal(json_array_get(points, p), json_array_get(points, 0));
}

json_t *bs_sweep_point(const struct bs_sweep *sw, size_t p)
{
	return json_array_get(json_object_get(sw->plan, "points"), p);
}

static json_t *str_array(const char *const *s, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(s[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A world checked once for all the points with its world key
 * (bs_world_key): what the plan keeps of it. */
struct checked {
	char *key;
	json_t *wards;        /* the network's ward names */
	json_t *names;        /* its display names (network.names) */
	uint64_t st_hash;     /* the stations file's bytes, when has_st */
	int has_st;
	size_t first;         /* the lowest point with this key */
	struct checked *next; /* in its bucket */
};

/* Checking the points on the worker pool. */
struct planner {
	struct bs_sweep *sw;
	pthread_mutex_t mu;   /* shared JSON (the base, doc), the table */
	json_t **pts;         /* [npoints] plan entries */
	uint64_t *st_hash;    /* [npoints] stations file hash */
	unsigned char *has_st;
	json_t **names;       /* [npoints] display names (network.names) */
	json_t *first;        /* the first point planned, which the later
			       * ones share their equal parts with */
	struct checked **of;  /* [npoints] each point's world */
	struct checked **bucket; /* [nbuckets] worlds checked, by key hash */
	size_t nbuckets;      /* npoints rounded up to a power of two */
	int ready;            /* the tables above and mu are set up */
};

/* The world checked with this key, or NULL. Lock held. O(1) expected. */
static struct checked *checked_find(struct planner *P, const char *key)
{
	uint64_t h = fnv(BS_FNV_INIT, key, strlen(key));
	struct checked *c = P->bucket[h & (P->nbuckets - 1)];

	while (c && strcmp(c->key, key))
		c = c->next;
	return c;
}

/* Record a world checked (taking key over). Lock held. 0 or -1. */
static int checked_add(struct planner *P, size_t p, char *key,
		       json_t *wards, json_t *names, uint64_t st_hash,
		       int has_st)
{
	uint64_t h = fnv(BS_FNV_INIT, key, strlen(key));
	struct checked *c = checked_find(P, key);

	if (c) { /* another worker checked it meanwhile */
		free(key);
		if (p < c->first)
			c->first = p;
		P->of[p] = c;
		return 0;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		free(key);
		return -1;
	}
	c->key = key;
	c->wards = json_incref(wards);
	c->names = json_incref(names);
	c->st_hash = st_hash;
	c->has_st = has_st;
	c->first = p;
	P->of[p] = c;
	c->next = P->bucket[h & (P->nbuckets - 1)];
	P->bucket[h & (P->nbuckets - 1)] = c;
	return 0;
}

static void checked_free_all(struct planner *P)
{
	size_t i;

	for (i = 0; P->bucket && i < P->nbuckets; i++)
		while (P->bucket[i]) {
			struct checked *c = P->bucket[i];
			P->bucket[i] = c->next;
			free(c->key);
			json_decref(c->wards);
			json_decref(c->names);
			free(c);
		}
	free(P->bucket);
}

/*
 * Point p's world, checked as a run would check it: built, unless a point
 * with the same world key was (its world is the same, and so is every
 * message its build would give). Its wards (new reference) and stations
 * hash. 0, or an error code with err filled (a failed build is not
 * recorded: each point that needs it fails for itself).
 */
static int check_world(struct planner *P, size_t p,
		       const struct bs_scenario *sc, char **last_path,
		       uint64_t *last_hash, json_t **wards, json_t **names,
		       uint64_t *st_hash, int *has_st, struct bs_error *err)
{
	char *key = bs_world_key(sc);
	struct checked *c;
	struct bs_world *w;
	int rc = 0;

	if (!key)
		return BS_E_NOMEM;
	pthread_mutex_lock(&P->mu);
	c = checked_find(P, key);
	if (c) {
		*wards = json_incref(c->wards);
		*names = json_incref(c->names);
		*st_hash = c->st_hash;
		*has_st = c->has_st;
		if (p < c->first)
			c->first = p;
		P->of[p] = c;
	}
	pthread_mutex_unlock(&P->mu);
	if (c) {
		free(key);
		return 0;
	}
	if (!(w = bs_world_build(sc, err))) {
		free(key);
		return err->code ? err->code : BS_E_INPUT;
	}
	*has_st = 0;
	*st_hash = 0;
	if (sc->stations_path) {
		/* the stations' bytes: the same path may hold another file on
		 * another machine or another day */
		if (!*last_path || strcmp(*last_path, sc->stations_path)) {
			*last_hash = BS_FNV_INIT;
			free(*last_path);
			*last_path = bs_strdup(sc->stations_path);
			if (fnv_file(sc->stations_path, last_hash))
				*last_hash = 0;
		}
		*st_hash = *last_hash;
		*has_st = 1;
	}
	*wards = str_array((const char *const *)w->net->ward_names,
			   w->net->nwards);
	*names = bs_output_names_json(w->net);
	bs_world_free(w);
	pthread_mutex_lock(&P->mu);
	if (!*wards || checked_add(P, p, key, *wards, *names, *st_hash,
				   *has_st))
		rc = BS_E_NOMEM;
	pthread_mutex_unlock(&P->mu);
	return rc;
}

/* Check point p as a run would (scenario and world), and describe it. */
static int plan_point(struct planner *P, size_t p, char **last_path,
		      uint64_t *last_hash, struct bs_error *err)
{
	struct bs_sweep *sw = P->sw;
	struct bs_scenario *sc;
	json_t *pt, *values, *wards = NULL, *names = NULL;
	size_t idx[64], k;
	int rc = 0, has_st = 0;

	/* scenarios copy the shared base: one at a time */
	pthread_mutex_lock(&P->mu);
	sc = bs_sweep_scenario(sw, p, err);
	pthread_mutex_unlock(&P->mu);
	if (!sc)
		return err->code ? err->code : BS_E_INPUT;
	if (sc->p.replications != sw->reps) {
		bs_scenario_error(sc, err, "replications",
				  "%u replications where the first point has %u; expected the same for every point",
				  sc->p.replications, sw->reps);
		rc = BS_E_INPUT;
	} else if (sc->p.resp_on) {
		bs_scenario_error(sc, err, "demand.response.enabled",
				  "a sweep runs each replication on its own, and the demand response needs all of a point's replications at every step; expected false (compare two scenarios with bssim compare, or run the point with bssim run)");
		rc = BS_E_INPUT;
	} else if (sc->p.trips_log) {
		bs_scenario_error(sc, err, "output.trips",
				  "a sweep writes no trip logs; expected false (run this point with bssim run to get trips.csv)");
		rc = BS_E_INPUT;
	}
	if (rc) {
		bs__sweep_remap(sw, p, err);
		bs_scenario_free(sc);
		return rc;
	}
	if ((rc = check_world(P, p, sc, last_path, last_hash, &wards, &names,
			      &P->st_hash[p], &has_st, err))) {
		json_decref(wards);
		json_decref(names);
		if (rc == BS_E_NOMEM && !err->code)
			bs_error_set(err, BS_E_NOMEM, sw->file, 0, 0, NULL,
				     "out of memory planning the sweep");
		else
			bs__sweep_remap(sw, p, err);
		bs_scenario_free(sc);
		return rc;
	}
	P->has_st[p] = (unsigned char)has_st;
	pthread_mutex_lock(&P->mu);
	pt = json_object();
	values = json_object();
	bs__sweep_point_index(sw, p, idx);
	if (pt && values && wards) {
		for (k = 0; k < sw->ndims; k++)
			json_object_set(values, sw->dims[k].key,
					(json_t *)bs__sweep_value(sw, k, idx[k]));
		json_object_set_new(pt, "point", json_integer((json_int_t)p + 1));
		json_object_set_new(pt, "values", values);
		json_object_set_new(pt, "wards", wards);
		json_object_set(pt, "scenario", sc->root);
		/* as it is planned, so that its own copies go at once */
		if (P->first)
			share_equal(pt, P->first);
		else
			P->first = pt;
		P->pts[p] = pt;
		P->names[p] = names;
	} else {
		json_decref(pt);
		json_decref(values);
		json_decref(wards);
		json_decref(names);
		bs_error_set(err, BS_E_NOMEM, sw->file, 0, 0, NULL,
			     "out of memory planning the sweep");
		rc = BS_E_NOMEM;
	}
	bs_scenario_free(sc);
	pthread_mutex_unlock(&P->mu);
	return rc;
}

/* A worker's cache: the stations file it hashed last (points mostly
 * share one). */
struct plan_ws {
	char *last_path;
	uint64_t last_hash;
};

static void *plan_ws_new(void *ud)
{
	(void)ud;
	return calloc(1, sizeof(struct plan_ws));
}

static void plan_ws_free(void *ud, void *ws)
{
	(void)ud;
	if (ws)
		free(((struct plan_ws *)ws)->last_path);
	free(ws);
}

/* Task p checks point p; after a fault the pool takes no new point, and
 * since those taken before are all lower, the lowest fault is the one
 * reported. */
static int plan_task(void *ud, void *ws, uint64_t p,
		     const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct plan_ws *w = ws;

	(void)ctl;
	return plan_point(ud, (size_t)p, &w->last_path, &w->last_hash, err);
}

/*
 * The sweep file's own labels of point p's values ({"label": ..., "value":
 * ...} items) as the point's "labels" {key: label}, for plots and the
 * report. Added after the fingerprint: like a name or a description, a
 * label changes what is shown, not what is run, so relabelling a finished
 * sweep keeps its recorded tasks. O(points x varied keys).
 */
static int add_labels(const struct bs_sweep *sw, json_t **pts)
{
	size_t p, d, idx[64];

	for (p = 0; p < sw->npoints; p++) {
		json_t *lab = NULL;
		bs__sweep_point_index(sw, p, idx);
		for (d = 0; d < sw->ndims; d++) {
			const char *l = bs__sweep_label(sw, d, idx[d]);
			if (!l)
				continue;
			if (!lab && (!(lab = json_object()) ||
				     json_object_set_new(pts[p], "labels", lab)))
				return BS_E_NOMEM;
			if (json_object_set_new(lab, sw->dims[d].key, json_string(l)))
				return BS_E_NOMEM;
		}
	}
	return 0;
}

/* The planner's tables for sw's points (mu is destroyed by the caller
 * once the pool has run); 0, or -1 out of memory (then nothing to
 * release). */
static int planner_init(struct planner *P, struct bs_sweep *sw)
{
	memset(P, 0, sizeof(*P));
	P->sw = sw;
	P->pts = calloc(sw->npoints, sizeof(json_t *));
	P->st_hash = calloc(sw->npoints, sizeof(uint64_t));
	P->has_st = calloc(sw->npoints, 1);
	P->names = calloc(sw->npoints, sizeof(json_t *));
	for (P->nbuckets = 1; P->nbuckets < sw->npoints; P->nbuckets *= 2)
		;
	P->bucket = calloc(P->nbuckets, sizeof(*P->bucket));
	P->of = calloc(sw->npoints, sizeof(*P->of));
	if (P->pts && P->st_hash && P->has_st && P->names && P->bucket &&
	    P->of && !pthread_mutex_init(&P->mu, NULL)) {
		P->ready = 1;
		return 0;
	}
	free(P->pts);
	free(P->st_hash);
	free(P->has_st);
	free(P->names);
	free(P->bucket);
	free(P->of);
	memset(P, 0, sizeof(*P));
	return -1;
}

static void planner_release(struct planner *P)
{
	size_t p;

	if (!P->ready)
		return;
	for (p = 0; p < P->sw->npoints; p++) {
		json_decref(P->pts[p]);
		json_decref(P->names[p]);
	}
	free(P->names);
	free(P->pts);
	free(P->st_hash);
	free(P->has_st);
	free(P->of);
	checked_free_all(P);
}

int bs_sweep_plan(struct bs_sweep *sw, unsigned jobs, struct bs_error *err)
{
	json_t *points = json_array(), *keys = json_array(), *plan = NULL;
	uint64_t h = BS_FNV_INIT;
	struct planner P;
	struct bs_pool_opts po;
	size_t p, d;
	int rc = BS_E_NOMEM;

	memset(&P, 0, sizeof(P));
	if (!points || !keys || planner_init(&P, sw))
		goto out;
	memset(&po, 0, sizeof(po));
	po.jobs = jobs;
	po.ntasks = sw->npoints;
	po.worker_new = plan_ws_new;
	po.worker_free = plan_ws_free;
	po.run = plan_task;
	po.ud = &P;
	rc = bs_pool_run(&po, NULL, err);
	pthread_mutex_destroy(&P.mu);
	free(sw->world_of);
	sw->world_of = NULL;
	if (!rc && !(sw->world_of = calloc(sw->npoints, sizeof(size_t))))
		rc = BS_E_NOMEM;
	for (p = 0; !rc && p < sw->npoints; p++)
		sw->world_of[p] = P.of[p]->first;
	checked_free_all(&P);
	P.bucket = NULL;
	if (rc)
		goto out;
	rc = BS_E_NOMEM;
	/* the plan and the fingerprint, in point order */
	for (d = 0; d < sw->ndims; d++)
		if (json_array_append_new(keys, json_string(sw->dims[d].key)))
			goto out;
	h = fnv(h, "bssim-sweep-1", 13);
	h = fnv(h, BSSIM_VERSION, strlen(BSSIM_VERSION));
	for (d = 0; d < BS_METRIC_N; d++)
		h = fnv(h, bs_metric_names[d], strlen(bs_metric_names[d]) + 1);
	for (p = 0; p < sw->npoints; p++) {
		char *s = json_dumps(P.pts[p], JSON_COMPACT | JSON_SORT_KEYS |
						       JSON_REAL_PRECISION(17));
		if (!s)
			goto out;
		h = fnv(h, s, strlen(s) + 1);
		free(s);
		if (P.has_st[p])
			h = fnv(h, &P.st_hash[p], sizeof(P.st_hash[p]));
		if (json_array_append(points, P.pts[p]))
			goto out;
	}
	{
		char rbuf[32];
		snprintf(rbuf, sizeof(rbuf), "|%u", sw->reps);
		h = fnv(h, rbuf, strlen(rbuf));
	}
	snprintf(sw->fingerprint, sizeof(sw->fingerprint), "%016llx",
		 (unsigned long long)h);
	if (add_labels(sw, P.pts))
		goto out;
	/* display names, like labels, after the fingerprint: renaming a
	 * ward in the names table changes what is shown, not what is run */
	for (p = 0; p < sw->npoints; p++)
		if (P.names[p]) {
			/* (set_new takes the reference even when it fails) */
			json_object_set_new(P.pts[p], "names", P.names[p]);
			P.names[p] = NULL;
		}
	share_points(points); /* the names, added since */
	plan = json_object();
	if (!plan)
		goto out;
	json_object_set_new(plan, "bssim_sweep_plan", json_integer(1));
	json_object_set_new(plan, "version", json_string(BSSIM_VERSION));
	json_object_set_new(plan, "fingerprint", json_string(sw->fingerprint));
	json_object_set_new(plan, "name", json_string(sw->name));
	json_object_set_new(plan, "replications", json_integer(sw->reps));
	json_object_set_new(plan, "tasks", json_integer((json_int_t)sw->ntasks));
	json_object_set_new(plan, "metrics",
			    str_array(bs_metric_names, BS_METRIC_N));
	json_object_set_new(plan, "keys", keys);
	keys = NULL;
	/* the design's type and bootstrap: how the points are read, not what
	 * they run (their values are in the fingerprint) */
	if (sw->design.type) {
		json_t *dj = bs__sweep_design_json(sw);
		if (!dj || json_object_set_new(plan, "design", dj))
			goto out;
	}
	json_object_set(plan, "sweep", sw->doc);
	json_object_set_new(plan, "points", points);
	points = NULL;
	json_decref(sw->plan);
	sw->plan = plan;
	plan = NULL;
	rc = 0;
out:
	if (rc == BS_E_NOMEM && err && err->code != BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, sw->file, 0, 0, NULL,
			     "out of memory planning the sweep");
	planner_release(&P);
	json_decref(points);
	json_decref(keys);
	json_decref(plan);
	return rc;
}

int bs_sweep_write_plan(const struct bs_sweep *sw, const char *dir,
			struct bs_error *err)
{
	struct bs_staged st;
	FILE *fp;
	int rc;

	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
	if (!(fp = bs_staged_open(&st, BS_SWEEP_PLAN_NAME, err))) {
		rc = BS_E_IO;
		goto out;
	}
	if (json_dumpf(sw->plan, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) ||
	    fputc('\n', fp) == EOF) {
		fclose(fp);
		bs_error_set(err, BS_E_IO, dir, 0, 0, BS_SWEEP_PLAN_NAME,
			     "cannot write the plan");
		rc = BS_E_IO;
		goto out;
	}
	if ((rc = bs_staged_close(&st, fp, BS_SWEEP_PLAN_NAME, err)))
		goto out;
	rc = bs_staged_commit(&st, err);
out:
	bs_staged_release(&st);
	return rc;
}

struct bs_sweep *bs_sweep_plan_load(const char *dir, struct bs_error *err)
{
	struct bs_sweep *sw = calloc(1, sizeof(*sw));
	json_t *plan, *v, *keys, *points, *metrics;
	size_t i, len = strlen(dir) + sizeof(BS_SWEEP_PLAN_NAME) + 2;
	const char *why = NULL;

	if (!sw || !(sw->file = malloc(len))) {
		free(sw);
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return NULL;
	}
	snprintf(sw->file, len, "%s/%s", dir, BS_SWEEP_PLAN_NAME);
	plan = bs_json_load_file(sw->file, BS_MAX_JSON_FILE,
				 "the output folder of bssim sweep",
				 JSON_REJECT_DUPLICATES, err);
	if (!plan) {
		bs_sweep_free(sw);
		return NULL;
	}
	sw->plan = plan;
	v = json_object_get(plan, "bssim_sweep_plan");
	keys = json_object_get(plan, "keys");
	points = json_object_get(plan, "points");
	metrics = json_object_get(plan, "metrics");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		why = "not a bssim sweep plan (expected \"bssim_sweep_plan\": 1)";
	else if (!json_is_string(json_object_get(plan, "fingerprint")) ||
		 !json_is_string(json_object_get(plan, "name")) ||
		 !json_is_integer(json_object_get(plan, "replications")) ||
		 json_integer_value(json_object_get(plan, "replications")) < 1 ||
		 json_integer_value(json_object_get(plan, "replications")) > 10000 ||
		 !json_is_array(keys) || !json_is_array(points) ||
		 json_array_size(points) == 0 ||
		 json_array_size(points) > BS_SWEEP_MAX_POINTS ||
		 !json_is_array(metrics))
		why = "damaged sweep plan (expected fingerprint, name, replications, keys, points)";
	for (i = 0; !why && i < json_array_size(points); i++) {
		json_t *pt = json_array_get(points, i);
		if (!json_is_object(json_object_get(pt, "values")) ||
		    !json_is_array(json_object_get(pt, "wards")) ||
		    !json_is_object(json_object_get(pt, "scenario")))
			why = "damaged sweep plan (a point without values, wards or scenario)";
	}
	if (why) {
		bs_error_set(err, BS_E_INPUT, sw->file, 0, 0, NULL, "%s", why);
		bs_sweep_free(sw);
		return NULL;
	}
	share_points(points);
	bs_strlcpy(sw->fingerprint,
		   json_string_value(json_object_get(plan, "fingerprint")),
		   sizeof(sw->fingerprint));
	sw->name = bs_strdup(json_string_value(json_object_get(plan, "name")));
	sw->reps = (uint32_t)json_integer_value(
		json_object_get(plan, "replications"));
	sw->npoints = json_array_size(points);
	sw->ntasks = (uint64_t)sw->npoints * sw->reps;
	sw->doc = json_incref(json_object_get(plan, "sweep"));
	sw->dims = calloc(json_array_size(keys) + 1, sizeof(*sw->dims));
	if (!sw->name || !sw->dims) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		bs_sweep_free(sw);
		return NULL;
	}
	for (i = 0; i < json_array_size(keys); i++) {
		const char *k = json_string_value(json_array_get(keys, i));
		if (!k || !(sw->dims[i].key = bs_strdup(k))) {
			bs_error_set(err, BS_E_INPUT, sw->file, 0, 0, NULL,
				     "damaged sweep plan (keys)");
			bs_sweep_free(sw);
			return NULL;
		}
		sw->ndims++;
	}
	if (bs__sweep_design_load(sw, json_object_get(plan, "design"))) {
		bs_error_set(err, BS_E_INPUT, sw->file, 0, 0, NULL,
			     "damaged sweep plan (design)");
		bs_sweep_free(sw);
		return NULL;
	}
	return sw;
}

int bs_sweep_plan_check(const struct bs_sweep *sw, struct bs_error *err)
{
	json_t *metrics = json_object_get(sw->plan, "metrics");
	size_t i;

	for (i = 0; i < BS_METRIC_N; i++)
		if (json_array_size(metrics) != BS_METRIC_N ||
		    !json_is_string(json_array_get(metrics, i)) ||
		    strcmp(json_string_value(json_array_get(metrics, i)),
			   bs_metric_names[i])) {
			bs_error_set(err, BS_E_INPUT, sw->file, 0, 0, NULL,
				     "written by a bssim with other metrics (version %s); read it with the bssim that ran it",
				     json_string_value(json_object_get(sw->plan,
								       "version")));
			return BS_E_INPUT;
		}
	return 0;
}
