/*
 * result.c - a run's results in memory or from a folder (see result.h),
 * and the public accessors of bs_result.
 */
#include "exp/result.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/limits.h"
#include "calib/world.h"
#include "input/csvread.h"
#include "input/jsonpos.h"
#include "input/scenario.h"
#include "output/output.h"

/* The wards of a summary, in its order. */
static int wards_of(struct bs_result *r)
{
	json_t *w = json_object_get(r->summary, "wards"), *v;
	const char *k;

	r->nwards = json_object_size(w);
	r->wards = calloc(r->nwards + 1, sizeof(char *));
	if (!r->wards)
		return BS_E_NOMEM;
	r->nwards = 0;
	json_object_foreach(w, k, v) {
		(void)v;
		if (!(r->wards[r->nwards++] = bs_strdup(k)))
			return BS_E_NOMEM;
	}
	return 0;
}

struct bs_result *bs__result_new(struct bs_scenario *sc,
				 struct bs_rep_result **reps,
				 uint32_t requested, uint32_t nreps,
				 struct bs_summary *sum,
				 const struct bs_run_info *info)
{
	struct bs_result *r = calloc(1, sizeof(*r));
	const struct bs_world *w = sc->world;
	uint32_t i;

	if (!r)
		goto fail;
	r->sc = bs__scenario_ref(sc);
	r->reps = reps;
	r->requested = requested;
	r->nreps = nreps;
	r->sum = sum;
	r->info = *info;
	r->summary = bs_output_summary_json(sc, w->net, w->warn.count, sum,
					    info);
	if (!r->summary || wards_of(r))
		goto nomem;
	/* the values by replication, ward and metric, in the summary's */
	r->vals = sum->vals;
	return r;
fail:
	for (i = 0; reps && i < requested; i++)
		bs_rep_result_free(reps[i]);
	free(reps);
	bs_summary_free(sum);
	return NULL;
nomem:
	bs_result_free(r);
	return NULL;
}

int bs__result_write_files(struct bs_result *r, const char *dir,
			   struct bs_trips *trips, struct bs_error *err)
{
	const struct bs_world *w = r->sc->world;

	return bs_output_write_run(dir, r->sc, w->net, w->warn.count, r->sum,
				   r->reps, r->nreps, &r->info, trips, err);
}

/* ---- opened from a folder ------------------------------------------------ */

struct reps_load {
	struct bs_result *r;
	const char *file;
	long col[4]; /* replication, ward, metric, value */
	size_t cap;
};

static int rep_row(void *ud, const struct bs_csv_row *row, struct bs_error *err)
{
	static const char *const N[] = {"replication", "ward", "metric", "value"};
	static const int REQ[] = {1, 1, 1, 1};
	struct reps_load *L = ud;
	struct bs_result *r = L->r;
	uint64_t rep;
	size_t w;
	int m;
	double v;

	if (row->row == 1)
		return bs_csv_header(row, L->file, 4, N, REQ, L->col,
				     "replication,ward,metric,value", err);
	if (bs_parse_u64(row->f[L->col[0]], &rep) || rep < 1 ||
	    rep > r->nreps) {
		bs_error_row(err, L->file, row->row, "replication",
			     "'%s' is not one of the run's replications 1 to %u",
			     row->f[L->col[0]], r->nreps);
		return BS_E_INPUT;
	}
	for (w = 0; w < r->nwards; w++)
		if (!strcmp(row->f[L->col[1]], r->wards[w]))
			break;
	if (w == r->nwards && strcmp(row->f[L->col[1]], "all")) {
		bs_error_row(err, L->file, row->row, "ward",
			     "'%s' is not a ward of the run's summary.json",
			     row->f[L->col[1]]);
		return BS_E_INPUT;
	}
	if ((m = bs_metric_index(row->f[L->col[2]])) < 0)
		return 0; /* a metric of another version: not ours to read */
	if (!strcmp(row->f[L->col[3]], "NaN"))
		v = (double)NAN;
	else if (bs_parse_double(row->f[L->col[3]], &v)) {
		bs_error_row(err, L->file, row->row, "value",
			     "'%s' is not a number", row->f[L->col[3]]);
		return BS_E_INPUT;
	}
	r->vals[((size_t)(rep - 1) * (r->nwards + 1) + w) * BS_METRIC_N +
		(size_t)m] = v;
	return 0;
}

struct bs_result *bs_result_open(const char *dir, struct bs_error *err)
{
	struct bs_result *r;
	struct reps_load L;
	json_t *v;
	char *path;
	size_t n;
	int rc;

	assert(dir);
	bs_outdir_settle(dir); /* a commit a killed run left */
	if (!(r = calloc(1, sizeof(*r))) || !(r->dir = bs_strdup(dir)))
		goto nomem;
	if (!(path = bs_path_join(dir, strlen(dir), "summary.json")))
		goto nomem;
	r->summary = bs_output_load_summary(path, err);
	free(path);
	if (!r->summary)
		goto fail;
	if (wards_of(r))
		goto nomem;
	v = json_object_get(r->summary, "replications");
	r->nreps = (uint32_t)json_integer_value(v);
	r->requested = (uint32_t)json_integer_value(json_object_get(
		json_object_get(r->summary, "run"), "replications_requested"));
	if (!r->requested)
		r->requested = r->nreps;
	n = (size_t)r->nreps * (r->nwards + 1) * BS_METRIC_N;
	if (!(r->vals = malloc((n ? n : 1) * sizeof(double))))
		goto nomem;
	for (size_t i = 0; i < n; i++)
		r->vals[i] = (double)NAN;
	{
		/* replications.csv, or .csv.gz (output.gzip) */
		char buf[4096];
		if (!(path = bs_strdup(bs_output_input_file(
			      dir, "replications.csv", buf, sizeof(buf)))))
			goto nomem;
	}
	memset(&L, 0, sizeof(L));
	L.r = r;
	L.file = path;
	rc = bs_csv_read_input(path, "the replications.csv of a bssim run",
			       rep_row, &L, err);
	free(path);
	if (rc)
		goto fail;
	return r;
nomem:
	bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL,
		     "out of memory reading the run");
fail:
	bs_result_free(r);
	return NULL;
}

/* ---- accessors ------------------------------------------------------------- */

const char *bs_result_dir(const bs_result *r)
{
	assert(r);
	return r->dir;
}

const char *bs_result_name(const bs_result *r)
{
	assert(r);
	return json_string_value(json_object_get(
		json_object_get(r->summary, "scenario"), "name"));
}

uint32_t bs_result_replications(const bs_result *r)
{
	assert(r);
	return r->nreps;
}

uint32_t bs_result_replications_requested(const bs_result *r)
{
	assert(r);
	return r->requested;
}

int bs_result_interrupted(const bs_result *r)
{
	assert(r);
	return json_is_true(json_object_get(json_object_get(r->summary, "run"),
					    "interrupted"));
}

int bs_result_demand_response(const bs_result *r, uint32_t *runs,
			      double *residual)
{
	json_t *dr;

	assert(r);
	dr = json_object_get(r->summary, "demand_response");
	if (!dr)
		return -1;
	if (runs)
		*runs = (uint32_t)json_integer_value(json_object_get(dr, "iterations"));
	if (residual)
		*residual = json_number_value(json_object_get(dr, "residual"));
	return 0;
}

double bs_result_days(const bs_result *r)
{
	json_t *h;

	assert(r);
	h = json_object_get(json_object_get(r->summary, "scenario"), "horizon");
	return json_number_value(json_object_get(h, "days")) -
	       json_number_value(json_object_get(h, "warmup_days"));
}

double bs_result_wall_s(const bs_result *r)
{
	json_t *w;

	assert(r);
	w = json_object_get(json_object_get(r->summary, "run"), "wall_s");
	return w ? json_number_value(w) : (double)NAN;
}

size_t bs_result_nwards(const bs_result *r)
{
	assert(r);
	return r->nwards;
}

const char *bs_result_ward(const bs_result *r, size_t w)
{
	assert(r && w < r->nwards);
	return r->wards[w];
}

/* The ward's index (nwards for NULL or "all"), or -1 with err filled. */
static long ward_index(const bs_result *r, const char *ward,
		       struct bs_error *err)
{
	size_t w;

	if (!ward || !strcmp(ward, "all"))
		return (long)r->nwards;
	for (w = 0; w < r->nwards; w++)
		if (!strcmp(r->wards[w], ward))
			return (long)w;
	bs_error_set(err, BS_E_INPUT, r->dir, 0, 0, "ward",
		     "'%s' is not a ward of the run (nor 'all')", ward);
	return -1;
}

static int metric_index(const char *metric, struct bs_error *err)
{
	int m = bs_metric_index(metric);

	if (m < 0)
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "metric",
			     "unknown metric '%s'; see docs/outputs.md for the names",
			     metric);
	return m;
}

static double jnum(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : (double)NAN;
}

int bs_result_metric(const bs_result *r, const char *ward, const char *metric,
		     struct bs_stat *out, struct bs_error *err)
{
	long w;
	int m;
	json_t *ms, *st;
	uint32_t i;

	assert(r && metric && out);
	if ((w = ward_index(r, ward, err)) < 0 ||
	    (m = metric_index(metric, err)) < 0)
		return BS_E_INPUT;
	ms = (size_t)w == r->nwards
		     ? json_object_get(r->summary, "metrics")
		     : json_object_get(json_object_get(json_object_get(
				r->summary, "wards"), r->wards[w]),
			 "metrics");
	st = json_object_get(ms, metric);
	out->mean = jnum(json_object_get(st, "mean"));
	out->sd = jnum(json_object_get(st, "sd"));
	out->ci_lo = jnum(json_object_get(st, "ci95_low"));
	out->ci_hi = jnum(json_object_get(st, "ci95_high"));
	out->n = 0;
	for (i = 0; i < r->nreps; i++)
		out->n += !isnan(r->vals[((size_t)i * (r->nwards + 1) + (size_t)w) *
						 BS_METRIC_N + (size_t)m]);
	return 0;
}

int bs_result_value(const bs_result *r, uint32_t rep, const char *ward,
		    const char *metric, double *v, struct bs_error *err)
{
	long w;
	int m;

	assert(r && metric && v);
	if ((w = ward_index(r, ward, err)) < 0 ||
	    (m = metric_index(metric, err)) < 0)
		return BS_E_INPUT;
	if (rep < 1 || rep > r->nreps) {
		bs_error_set(err, BS_E_INPUT, r->dir, 0, 0, "replication",
			     "%u is not a replication of the run (1 to %u)", rep,
			     r->nreps);
		return BS_E_INPUT;
	}
	*v = r->vals[((size_t)(rep - 1) * (r->nwards + 1) + (size_t)w) *
		     BS_METRIC_N + (size_t)m];
	return 0;
}

double bs_result_matrix(const bs_result *r, const char *name, size_t a,
			size_t b)
{
	json_t *m;

	assert(r && name);
	if (a >= r->nwards || b >= r->nwards)
		return (double)NAN;
	m = json_object_get(r->summary, name);
	return jnum(json_object_get(json_object_get(m, r->wards[a]),
				    r->wards[b]));
}

char *bs_result_summary(const bs_result *r)
{
	assert(r);
	return json_dumps(r->summary, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
}

char *bs_result_csv(const bs_result *r, const char *table,
		    struct bs_error *err)
{
	static const char *const T[] = {"replications", "stations",
					"timeseries", "flows"};
	char *text = NULL, name[64];
	size_t len = 0, i;
	FILE *fp;

	assert(r && table);
	for (i = 0; i < sizeof(T) / sizeof(T[0]); i++)
		if (!strcmp(T[i], table))
			break;
	if (i == sizeof(T) / sizeof(T[0])) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "table",
			     "unknown table '%s'; expected replications, stations, timeseries or flows",
			     table);
		return NULL;
	}
	if (!r->sc) {
		char *path;
		snprintf(name, sizeof(name), "%s.csv", table);
		if (!(path = bs_path_join(r->dir, strlen(r->dir), name)) ||
		    bs_read_file(path, (size_t)1 << 40, "a table of a bssim run",
				 &text, &len, err))
			text = NULL;
		free(path);
		return text;
	}
	if (!(fp = open_memstream(&text, &len))) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	bs_output_write_table(fp, table, r->sc->world->net, r->sum, r->reps,
			      r->nreps);
	if (fclose(fp) || !text) {
		free(text);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory rendering %s", table);
		return NULL;
	}
	return text;
}

/* What stands for the folder of a result in memory, among the n: its
 * name, and its place when another of the n shares the name ("small #2").
 * Cost: O(n) names compared. */
static char *memory_dir(const bs_result *const *r, size_t n, size_t i)
{
	const char *name = bs_result_name(r[i]);
	char buf[300];
	size_t k;

	name = name ? name : "";
	for (k = 0; k < n; k++) {
		const char *other = bs_result_name(r[k]);
		if (k != i && other && !strcmp(other, name)) {
			snprintf(buf, sizeof(buf), "%s #%zu", name, i + 1);
			return bs_strdup(buf);
		}
	}
	return bs_strdup(name);
}

int bs_result_labels(const bs_result *const *r, size_t n, char **labels)
{
	char **dirs = calloc(n + 1, sizeof(char *));
	json_t **docs = calloc(n + 1, sizeof(json_t *));
	size_t i;
	int rc = 0;

	assert(r && labels);
	for (i = 0; i < n; i++)
		labels[i] = NULL;
	if (!dirs || !docs) {
		rc = BS_E_NOMEM;
	} else {
		for (i = 0; i < n && !rc; i++) {
			dirs[i] = r[i]->dir ? bs_strdup(r[i]->dir)
					    : memory_dir(r, n, i);
			docs[i] = r[i]->summary;
			if (!dirs[i])
				rc = BS_E_NOMEM;
		}
		if (!rc && bs_output_run_labels(dirs, docs, n, labels))
			rc = BS_E_NOMEM;
	}
	if (rc)
		for (i = 0; i < n; i++) {
			free(labels[i]);
			labels[i] = NULL;
		}
	for (i = 0; dirs && i < n; i++)
		free(dirs[i]);
	free(dirs);
	free(docs);
	return rc;
}

void bs_result_free(bs_result *r)
{
	size_t i;

	if (!r)
		return;
	json_decref(r->summary);
	for (i = 0; r->wards && i < r->nwards; i++)
		free(r->wards[i]);
	free(r->wards);
	if (r->sc) {
		for (i = 0; r->reps && i < r->requested; i++)
			bs_rep_result_free(r->reps[i]);
		free(r->reps);
		bs_summary_free(r->sum); /* owns vals */
		bs_scenario_free(r->sc);
	} else {
		free(r->vals);
	}
	free(r->dir);
	free(r);
}
