/*
 * compare.c - paired comparisons (bs_comparison in bssim.h): two
 * scenarios run replication by replication with common random numbers,
 * or two points of a finished sweep, and every metric's paired difference
 * per ward; compare.csv.
 *
 * Both scenarios run as a two-point sweep on the worker pool (task t is
 * scenario t / reps, replication t % reps + 1), so their records have
 * the sweep's layout and a comparison of two sweep points reads the same
 * numbers without running anything.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/fmt.h"
#include "base/interrupt.h"
#include "base/pool.h"
#include "calib/world.h"
#include "exp/response.h"
#include "exp/result.h"
#include "exp/runner.h"
#include "exp/sweep.h"
#include "exp/sweepexec.h"
#include "exp/tasklog.h"
#include "output/output.h"
#include "stats/compare.h"
#include "stats/metrics.h"

struct bs_comparison {
	char *label[2];
	size_t W;          /* wards compared one by one (0: only all) */
	char **wards;      /* [W] */
	uint32_t reps;
	double *vals[2];   /* [reps][(W + 1) * M]: ward rows, then all */
	struct bs_paired *pairs; /* [(W + 1) * M] */
};

void bs_comparison_free(bs_comparison *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->wards && i < c->W; i++)
		free(c->wards[i]);
	free(c->wards);
	free(c->label[0]);
	free(c->label[1]);
	free(c->vals[0]);
	free(c->vals[1]);
	free(c->pairs);
	free(c);
}

static bs_comparison *nomem(bs_comparison *c, struct bs_error *err)
{
	bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory comparing");
	bs_comparison_free(c);
	return NULL;
}

/* Every metric's paired statistics, once. 0 or BS_E_NOMEM. */
static int compute_pairs(bs_comparison *c)
{
	size_t row = (c->W + 1) * BS_METRIC_N, off;

	if (!(c->pairs = calloc(row, sizeof(*c->pairs))))
		return BS_E_NOMEM;
	for (off = 0; off < row; off++)
		if (bs_paired_compute(c->vals[0] + off, c->vals[1] + off,
				      c->reps, row, &c->pairs[off]))
			return BS_E_NOMEM;
	return 0;
}

/* A task record's metrics into the comparison's layout (its wards, then
 * all: the record's own last row). */
static void copy_rec(const bs_comparison *c, const struct bs_task_rec *rec,
		     double *dst)
{
	size_t k, M = BS_METRIC_N;

	for (k = 0; k < c->W; k++)
		memcpy(dst + k * M, rec->m + k * M, M * sizeof(double));
	memcpy(dst + c->W * M, rec->m + rec->nwards * M, M * sizeof(double));
}

/* ---- two scenarios ----------------------------------------------------- */

struct two {
	bs_scenario *sc[2];
	struct bs_exec *exec;
	struct bs_task_rec *recs; /* [2 * reps] */
	const struct bs_monitor *m;
	uint64_t total;
};

/* The exec's scenario of point p: a new reference to the caller's. */
static struct bs_scenario *two_scenario(void *ud, size_t p,
					struct bs_error *err)
{
	(void)err;
	return bs__scenario_ref(((struct two *)ud)->sc[p]);
}

static void *two_worker_new(void *ud)
{
	return bs_exec_worker_new(((struct two *)ud)->exec);
}

static void two_worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int two_run(void *ud, void *ws, uint64_t task,
		   const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct bs_run_hooks hooks;
	struct two *t = ud;

	bs_hooks_from_ctl(&hooks, ctl);
	/* each task fills its own slot: no lock needed */
	return bs_exec_task(ws, task, &hooks, &t->recs[task], err);
}

static void two_progress(void *ud, uint64_t done, double in_flight)
{
	struct two *t = ud;

	t->m->progress(t->m->ud, done, t->total,
		       ((double)done + in_flight) / (double)t->total);
}

static int same_wards(const struct bs_network *a, const struct bs_network *b)
{
	size_t w;

	if (a->nwards != b->nwards)
		return 0;
	for (w = 0; w < a->nwards; w++)
		if (strcmp(a->ward_names[w], b->ward_names[w]))
			return 0;
	return 1;
}

bs_comparison *bs_compare(bs_scenario *a, bs_scenario *b,
			  const struct bs_run_opts *o, struct bs_error *err)
{
	bs_comparison *c = calloc(1, sizeof(*c));
	struct two t;
	struct bs_exec_source src;
	struct bs_pool_opts po;
	struct bs_run_opts ro;
	size_t i, k, row;
	uint32_t r;
	int rc;

	assert(a && b);
	bs_run_opts_init(&ro);
	if (o)
		memcpy(&ro, o, o->size < sizeof(ro) ? o->size : sizeof(ro));
	memset(&t, 0, sizeof(t));
	if (!c)
		return nomem(c, err);
	/* every input checked before anything runs */
	if (bs_scenario_check(a, err) || bs_scenario_check(b, err))
		goto fail;
	if (a->p.seed != b->p.seed) {
		bs_scenario_error(b, err, "seed",
				  "seed %llu where %s has %llu; common random numbers need the same seed (give --seed N)",
				  (unsigned long long)b->p.seed, a->file,
				  (unsigned long long)a->p.seed);
		goto fail;
	}
	if (a->p.replications != b->p.replications) {
		bs_scenario_error(b, err, "replications",
				  "%u replications where %s has %u; expected the same (give --replications N)",
				  b->p.replications, a->file,
				  a->p.replications);
		goto fail;
	}
	if (!(c->label[0] = bs_strdup(a->file)) ||
	    !(c->label[1] = bs_strdup(b->file)))
		return nomem(c, err);
	c->reps = a->p.replications;
	c->W = same_wards(a->world->net, b->world->net) ? a->world->net->nwards : 0;
	if (!(c->wards = calloc(c->W + 1, sizeof(char *))))
		return nomem(c, err);
	for (k = 0; k < c->W; k++)
		if (!(c->wards[k] = bs_strdup(a->world->net->ward_names[k])))
			return nomem(c, err);

	/* demand response: each scenario's fixed point first (its world
	 * keeps the converged rates), then the paired runs below at them */
	for (i = 0; i < 2; i++) {
		bs_scenario *sc = i ? b : a;
		struct bs_runner_opts rn;
		struct bs_response_report rr;
		if (!sc->p.resp_on)
			continue;
		memset(&rn, 0, sizeof(rn));
		rn.jobs = ro.jobs;
		rn.nreps = c->reps;
		rn.paranoid = ro.paranoid;
		rn.stop = bs__interrupt_flag();
		if (bs__response_solve(sc->world, &sc->p, &rn, NULL, NULL, &rr,
				       err))
			goto fail;
	}
	t.sc[0] = a;
	t.sc[1] = b;
	t.m = ro.monitor;
	if (!(t.recs = calloc(2 * (size_t)c->reps, sizeof(*t.recs))))
		return nomem(c, err);
	memset(&src, 0, sizeof(src));
	src.npoints = 2;
	src.reps = c->reps;
	src.scenario = two_scenario;
	src.ud = &t;
	src.paranoid = ro.paranoid;
	if (!(t.exec = bs_exec_new(&src))) {
		free(t.recs);
		return nomem(c, err);
	}
	memset(&po, 0, sizeof(po));
	po.jobs = ro.jobs;
	po.ntasks = 2 * (uint64_t)c->reps;
	po.worker_new = two_worker_new;
	po.worker_free = two_worker_free;
	po.run = two_run;
	po.progress = ro.monitor && ro.monitor->progress ? two_progress : NULL;
	po.ud = &t;
	po.stop = bs__interrupt_flag();
	t.total = po.ntasks;
	rc = bs_pool_run(&po, NULL, err);
	if (rc == BS_E_INTERRUPTED)
		bs_error_set(err, rc, NULL, 0, 0, NULL,
			     "interrupted; nothing written");
	/* the records, as the sweep's vals layout: per replication */
	row = (c->W + 1) * BS_METRIC_N;
	for (i = 0; !rc && i < 2; i++) {
		if (!(c->vals[i] = calloc((size_t)c->reps * row, sizeof(double)))) {
			rc = BS_E_NOMEM;
			break;
		}
		for (r = 0; r < c->reps; r++)
			copy_rec(c, &t.recs[i * c->reps + r],
				 c->vals[i] + (size_t)r * row);
	}
	for (i = 0; i < 2 * (size_t)c->reps; i++)
		bs_task_rec_release(&t.recs[i]);
	free(t.recs);
	bs_exec_free(t.exec);
	if (rc == BS_E_NOMEM || (!rc && compute_pairs(c)))
		return nomem(c, err);
	if (rc)
		goto fail;
	return c;
fail:
	bs_comparison_free(c);
	return NULL;
}

/* ---- two points of a finished sweep ------------------------------------ */

/* A point named by its number, 1 to n: 0 or -1. */
static int point_number(const char *s, size_t n, uint64_t *p)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 9)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < 1 || v > n)
		return -1;
	*p = v;
	return 0;
}

bs_comparison *bs_compare_sweep(const char *dir, const char *pa,
				const char *pb, struct bs_error *err)
{
	bs_comparison *c = calloc(1, sizeof(*c));
	struct bs_sweep *sw = NULL;
	struct bs_taskindex *ix = NULL;
	struct bs_task_rec rec;
	uint64_t pq[2];
	json_t *wa, *wb;
	size_t i, k, row;
	uint32_t r;

	assert(dir && pa && pb);
	memset(&rec, 0, sizeof(rec));
	if (!c)
		return nomem(c, err);
	bs_outdir_settle(dir); /* finished results: see output.h */
	if (!(sw = bs_sweep_plan_load(dir, err)) || bs_sweep_plan_check(sw, err))
		goto fail;
	for (i = 0; i < 2; i++)
		if (point_number(i ? pb : pa, sw->npoints, &pq[i])) {
			bs_error_set(err, BS_E_INPUT, dir, 0, 0, "point",
				     "'%s': expected a number from 1 to %zu",
				     i ? pb : pa, sw->npoints);
			goto fail;
		}
	if (!(ix = bs_taskindex_new(sw->ntasks, sw->fingerprint)))
		goto nomem;
	if (bs_taskindex_add(ix, dir, NULL, err))
		goto fail;
	wa = json_object_get(bs_sweep_point(sw, pq[0] - 1), "wards");
	wb = json_object_get(bs_sweep_point(sw, pq[1] - 1), "wards");
	c->W = json_equal(wa, wb) ? json_array_size(wa) : 0;
	if (!(c->wards = calloc(c->W + 1, sizeof(char *))))
		goto nomem;
	for (k = 0; k < c->W; k++)
		if (!(c->wards[k] = bs_strdup(json_string_value(json_array_get(wa, k)))))
			goto nomem;
	c->reps = sw->reps;
	row = (c->W + 1) * BS_METRIC_N;
	for (i = 0; i < 2; i++) {
		char lab[300];
		bs_sweep_label_of(sw, pq[i] - 1, lab, sizeof(lab));
		if (!(c->label[i] = bs_strdup(lab)) ||
		    !(c->vals[i] = calloc((size_t)c->reps * row, sizeof(double))))
			goto nomem;
		for (r = 0; r < c->reps; r++) {
			uint64_t t = (pq[i] - 1) * sw->reps + r;
			if (!bs_taskindex_has(ix, t)) {
				bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
					     "point %llu, replication %u is not recorded; finish the sweep first (--resume)",
					     (unsigned long long)pq[i], r + 1);
				goto fail;
			}
			if (bs_taskindex_read(ix, t, &rec, err))
				goto fail;
			copy_rec(c, &rec, c->vals[i] + (size_t)r * row);
		}
	}
	if (compute_pairs(c))
		goto nomem;
	bs_task_rec_release(&rec);
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
	return c;
nomem:
	bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory comparing");
fail:
	bs_task_rec_release(&rec);
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
	bs_comparison_free(c);
	return NULL;
}

/* ---- two finished runs ------------------------------------------------- */

/* The seed a run was made with (summary.json's "seed"), -1 when absent. */
static long long seed_of(const bs_result *r)
{
	json_t *s = json_object_get(r->summary, "seed");

	return json_is_integer(s) ? (long long)json_integer_value(s) : -1;
}

/* Two finished runs paired replication by replication from their files
 * (replications.csv, read by bs_result_open): only runs of one seed and
 * one number of replications share their random numbers pair by pair.
 * Cost: O(replications x wards x metrics). */
bs_comparison *bs_compare_results(const bs_result *a, const bs_result *b,
				  struct bs_error *err)
{
	const bs_result *ab[2] = {a, b};
	bs_comparison *c;
	char *labels[2] = {NULL, NULL};
	size_t i, k, row, M = BS_METRIC_N;
	uint32_t r;

	assert(a && b);
	if (seed_of(a) != seed_of(b)) {
		bs_error_set(err, BS_E_INPUT, b->dir ? b->dir : "", 0, 0, "seed",
			     "%lld, and %s has %lld; expected the same seed (runs of different seeds do not share their random numbers, so their replications cannot be paired: run both again with --seed)",
			     seed_of(b), a->dir ? a->dir : "the first run",
			     seed_of(a));
		return NULL;
	}
	if (a->nreps != b->nreps) {
		bs_error_set(err, BS_E_INPUT, b->dir ? b->dir : "", 0, 0,
			     "replications",
			     "%u, and %s has %u; expected the same number of replications (each is paired with the other's of the same number)",
			     b->nreps, a->dir ? a->dir : "the first run", a->nreps);
		return NULL;
	}
	if (!(c = calloc(1, sizeof(*c))))
		return nomem(c, err);
	c->W = a->nwards == b->nwards ? a->nwards : 0;
	for (k = 0; k < c->W; k++)
		if (strcmp(a->wards[k], b->wards[k]))
			c->W = 0;
	c->reps = a->nreps;
	row = (c->W + 1) * M;
	if (!(c->wards = calloc(c->W + 1, sizeof(char *))) ||
	    bs_result_labels(ab, 2, labels))
		return nomem(c, err);
	for (k = 0; k < c->W; k++)
		if (!(c->wards[k] = bs_strdup(a->wards[k])))
			break;
	c->label[0] = labels[0] ? bs_strdup(labels[0]) : NULL;
	c->label[1] = labels[1] ? bs_strdup(labels[1]) : NULL;
	free(labels[0]);
	free(labels[1]);
	if (k < c->W || !c->label[0] || !c->label[1])
		return nomem(c, err);
	for (i = 0; i < 2; i++) {
		const bs_result *x = ab[i];
		size_t stride = (x->nwards + 1) * M;
		if (!(c->vals[i] = calloc((size_t)c->reps * row, sizeof(double))))
			return nomem(c, err);
		for (r = 0; r < c->reps; r++) {
			const double *src = x->vals + (size_t)r * stride;
			double *dst = c->vals[i] + (size_t)r * row;
			memcpy(dst, src, c->W * M * sizeof(double));
			memcpy(dst + c->W * M, src + x->nwards * M,
			       M * sizeof(double));
		}
	}
	if (compute_pairs(c))
		return nomem(c, err);
	return c;
}

/* ---- what a comparison holds ------------------------------------------- */

uint32_t bs_comparison_replications(const bs_comparison *c)
{
	assert(c);
	return c->reps;
}

const char *bs_comparison_label(const bs_comparison *c, int which)
{
	assert(c && (which == 0 || which == 1));
	return c->label[which];
}

size_t bs_comparison_nwards(const bs_comparison *c)
{
	assert(c);
	return c->W;
}

const char *bs_comparison_ward(const bs_comparison *c, size_t w)
{
	assert(c && w < c->W);
	return c->wards[w];
}

int bs_comparison_metric(const bs_comparison *c, const char *ward,
			 const char *metric, struct bs_paired *out,
			 struct bs_error *err)
{
	size_t w = c->W;
	int m;

	assert(c && metric && out);
	if (ward && strcmp(ward, "all")) {
		for (w = 0; w < c->W; w++)
			if (!strcmp(c->wards[w], ward))
				break;
		if (w == c->W) {
			bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "ward",
				     "'%s': not a ward of both scenarios%s", ward,
				     c->W ? "" : " (their wards differ: only the whole network compares)");
			return BS_E_INPUT;
		}
	}
	if ((m = bs_metric_index(metric)) < 0) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "metric",
			     "unknown metric '%s'", metric);
		return BS_E_INPUT;
	}
	*out = c->pairs[w * BS_METRIC_N + (size_t)m];
	return 0;
}

static const char *const compare_names[] = {"compare.csv"};

static void write_csv(const bs_comparison *c, FILE *fp)
{
	size_t w, i;
	int m;

	fputs("metric,ward,n,mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,unpaired_ci95_low,unpaired_ci95_high\n",
	      fp);
	for (m = 0; m < BS_METRIC_N; m++)
		for (w = 0; w <= c->W; w++) {
			const struct bs_paired *pr =
				&c->pairs[w * BS_METRIC_N + (size_t)m];
			const double x[] = {pr->mean_a, pr->mean_b, pr->diff,
					    pr->diff_sd, pr->ci_lo, pr->ci_hi,
					    pr->un_lo, pr->un_hi};
			fprintf(fp, "%s,", bs_metric_names[m]);
			bs_csv_put(fp, w < c->W ? c->wards[w] : "all");
			fprintf(fp, ",%zu", pr->n);
			for (i = 0; i < sizeof(x) / sizeof(x[0]); i++) {
				fputc(',', fp);
				bs_csv_num(fp, x[i]);
			}
			fputc('\n', fp);
		}
}

int bs_comparison_write(const bs_comparison *c, const char *dir, int force,
			const struct bs_monitor *m, struct bs_error *err)
{
	struct bs_outdir od = {NULL, -1};
	struct bs_staged st;
	char what[4200];
	FILE *fp;
	int rc;

	assert(c && dir);
	memset(&st, 0, sizeof(st));
	st.dirfd = -1;
	if ((rc = bs_output_check_names(dir, compare_names, 1, err)) ||
	    (rc = bs_outdir_open(&od, dir, BS_KIND_COMPARE, force, err))) {
		bs_outdir_close(&od);
		return rc;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	snprintf(what, sizeof(what), "%s/compare.csv", dir);
	if (m && m->writing)
		m->writing(m->ud, what, 1);
	if (!(rc = bs_staged_init(&st, dir, err))) {
		if (!(fp = bs_staged_open(&st, "compare.csv", err))) {
			rc = BS_E_IO;
		} else {
			write_csv(c, fp);
			if (!(rc = bs_staged_close(&st, fp, "compare.csv", err)) &&
			    !(rc = bs_staged_drop_plots(&st, err)))
				rc = bs_staged_commit(&st, err);
		}
	}
	bs_staged_release(&st);
	if (m && m->writing)
		m->writing(m->ud, what, 0);
	bs_outdir_close(&od);
	return rc;
}
