/*
 * sweeprun.c - a sweep from start to end (bs_sweep_run and its pieces,
 * bs_sweep_job_*, bs_sweep_tasks_run, bs_sweep_merge in bssim.h).
 *
 * Order of work, as for a run: every point is checked as a run would
 * check it (bad input: nothing touched); then the folder is claimed and
 * locked, its task log opened (kept with resume, else emptied) and the
 * plan written; then the tasks of this shard not yet recorded run on the
 * worker pool, each recorded durably as it finishes; when every task of
 * the sweep is recorded, sweep.csv, sweep_replications.csv and sweep.json
 * are written from the log at once. A shard writes only its tasks; merge
 * joins shards' logs into the outputs.
 *
 * Where tasks run is the caller's choice: the job's own dispenser on N
 * threads (bs_sweep_job_run), or any task source (bs_sweep_tasks_run):
 * the MPI runner hands tasks to ranks and sends their records to rank 0.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/common.h"
#include "base/interrupt.h"
#include "base/opts.h"
#include "base/pool.h"
#include "exp/runner.h"
#include "exp/sweep.h"
#include "exp/sweepexec.h"
#include "exp/tasklog.h"
#include "output/output.h"

struct bs_sweep_job {
	struct bs_sweep *sw;
	struct bs_sweep_opts o;
	char dir[1024];
	struct bs_outdir od;
	struct bs_tasklog *log;
	uint64_t *todo;      /* tasks this job owns and has not done */
	uint64_t ntodo, next;
	uint64_t nmine, resumed, discarded;
	pthread_mutex_t mu;  /* next */
	uint64_t ran;        /* records appended by this job */
	struct bs_sweep_info info;
	double t0;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void stamp(char *utc, size_t usz, char *host, size_t hsz)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(utc, usz, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(host, hsz - 1))
		bs_strlcpy(host, "unknown", hsz);
}

void bs_sweep_opts_init_size(struct bs_sweep_opts *o, size_t size)
{
	struct bs_sweep_opts d = {.size = sizeof(d), .jobs = 1, .shard_i = 1, .shard_n = 1};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_sweep_opts_init)(struct bs_sweep_opts *o)
{
	bs_sweep_opts_init_size(o, sizeof(*o));
}

static struct bs_sweep_opts opts_of(const struct bs_sweep_opts *o)
{
	struct bs_sweep_opts r;

	bs_sweep_opts_init(&r);
	if (o)
		memcpy(&r, o, o->size < sizeof(r) ? o->size : sizeof(r));
	r.size = sizeof(r);
	if (!r.jobs)
		r.jobs = 1;
	if (!r.shard_n) {
		r.shard_i = 1;
		r.shard_n = 1;
	}
	return r;
}

/* ---- accessors of a loaded sweep ------------------------------------------ */

bs_sweep *bs_sweep_open(const char *dir, struct bs_error *err)
{
	bs_sweep *sw;

	assert(dir);
	bs_outdir_settle(dir); /* a commit a killed run left */
	if (!(sw = bs_sweep_plan_load(dir, err)))
		return NULL;
	if (bs_sweep_plan_check(sw, err)) {
		bs_sweep_free(sw);
		return NULL;
	}
	return sw;
}

const char *bs_sweep_name(const bs_sweep *sw)
{
	assert(sw);
	return sw->name;
}

size_t bs_sweep_points(const bs_sweep *sw)
{
	assert(sw);
	return sw->npoints;
}

uint32_t bs_sweep_replications(const bs_sweep *sw)
{
	assert(sw);
	return sw->reps;
}

uint64_t bs_sweep_tasks(const bs_sweep *sw)
{
	assert(sw);
	return sw->ntasks;
}

int bs_sweep_check(bs_sweep *sw, unsigned jobs, struct bs_error *err)
{
	assert(sw);
	return bs_sweep_plan(sw, jobs ? jobs : 1, err);
}

const char *bs_sweep_fingerprint(const bs_sweep *sw)
{
	assert(sw);
	return sw->plan ? sw->fingerprint : NULL;
}

char *bs_sweep_point_label(const bs_sweep *sw, size_t p)
{
	char buf[600];

	assert(sw && p < sw->npoints);
	bs_sweep_label_of(sw, p, buf, sizeof(buf));
	return bs_strdup(buf);
}

double bs_sweep_point_days(const bs_sweep *sw, size_t p)
{
	json_t *d;

	assert(sw && p < sw->npoints);
	d = json_object_get(json_object_get(json_object_get(bs_sweep_point(sw, p),
							    "scenario"),
					    "horizon"),
			    "days");
	return json_is_number(d) ? json_number_value(d) : (double)NAN;
}

char *bs_sweep_design_summary(const bs_sweep *sw)
{
	char buf[400];

	assert(sw);
	if (!sw->design.type)
		return NULL;
	bs__sweep_design_text(sw, buf, sizeof(buf));
	return bs_strdup(buf);
}

/* ---- running one task ------------------------------------------------------ */

/* The points' scenarios, for the world cache. */
static struct bs_scenario *point_scenario(void *ud, size_t p,
					  struct bs_error *err)
{
	return bs_sweep_scenario(ud, p, err);
}

/* Task t on worker wk: its record line (*line, bs_free it). */
static int run_task(const struct bs_sweep *sw, struct bs_exec_worker *wk,
		    uint64_t t, const struct bs_run_hooks *hooks, char **line,
		    struct bs_error *err)
{
	struct bs_task_rec rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	*line = NULL;
	rc = bs_exec_task(wk, t, hooks, &rec, err);
	if (rc) {
		if (rc != BS_E_INTERRUPTED && rc != BS_E_INPUT) {
			char text[sizeof(err->text)];
			int l = snprintf(text, sizeof(text),
					 "point %llu, replication %llu: ",
					 (unsigned long long)(t / sw->reps + 1),
					 (unsigned long long)(t % sw->reps + 1));
			bs_strlcpy(text + l,
				   err->text[0] ? err->text : bs_strerror(rc),
				   sizeof(text) - (size_t)l);
			bs_strlcpy(err->text, text, sizeof(err->text));
		}
		return rc;
	}
	*line = bs_task_rec_encode(&rec);
	bs_task_rec_release(&rec);
	if (!*line) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	return 0;
}

/* ---- tasks on the pool, from any source -------------------------------- */

struct tasks {
	struct bs_sweep *sw;
	struct bs_exec *exec;
	const struct bs_task_source *src;
	const struct bs_monitor *m;
	uint64_t before, total; /* for progress: done earlier, of all */
};

static void *tw_new(void *ud)
{
	return bs_exec_worker_new(((struct tasks *)ud)->exec);
}

static void tw_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int tw_next(void *ud, uint64_t *task)
{
	const struct bs_task_source *src = ((struct tasks *)ud)->src;

	return src->next(src->ud, task);
}

static int tw_run(void *ud, void *ws, uint64_t t, const struct bs_pool_ctl *ctl,
		  struct bs_error *err)
{
	struct tasks *T = ud;
	struct bs_run_hooks hooks;
	char *line;
	int rc;

	bs_hooks_from_ctl(&hooks, ctl);
	if ((rc = run_task(T->sw, ws, t, &hooks, &line, err)))
		return rc;
	rc = T->src->done(T->src->ud, t, line, err);
	free(line);
	return rc;
}

static void tw_progress(void *ud, uint64_t done, double in_flight)
{
	struct tasks *T = ud;

	done += T->before;
	T->m->progress(T->m->ud, done, T->total,
		       T->total ? ((double)done + in_flight) / (double)T->total
				: 1.0);
}

/* The tasks of src on `jobs` threads; before and total for progress
 * (tasks done earlier, and of all: 0 when unknown). */
static int tasks_run(bs_sweep *sw, unsigned jobs, int paranoid,
		     const struct bs_task_source *src,
		     const struct bs_monitor *m, uint64_t before,
		     uint64_t total, struct bs_sweep_info *info,
		     struct bs_error *err)
{
	struct tasks T;
	struct bs_exec_source es;
	struct bs_pool_opts po;
	int rc;

	memset(&T, 0, sizeof(T));
	memset(&es, 0, sizeof(es));
	es.npoints = sw->npoints;
	es.reps = sw->reps;
	es.scenario = point_scenario;
	es.ud = sw;
	es.paranoid = paranoid;
	if (!(T.exec = bs_exec_new(&es))) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	T.sw = sw;
	T.src = src;
	T.m = m;
	T.before = before;
	T.total = total;
	memset(&po, 0, sizeof(po));
	po.jobs = jobs;
	po.next = tw_next;
	po.worker_new = tw_new;
	po.worker_free = tw_free;
	po.run = tw_run;
	po.progress = m && m->progress && total ? tw_progress : NULL;
	po.ud = &T;
	po.stop = bs__interrupt_flag();
	rc = bs_pool_run(&po, NULL, err);
	if (info) {
		size_t most;
		info->ran_here = 1;
		bs_exec_world_stats(T.exec, &info->world_builds, &most,
				    &info->world_build_s);
	}
	bs_exec_free(T.exec);
	return rc;
}

int bs_sweep_tasks_run(bs_sweep *sw, unsigned jobs, int paranoid,
		       const struct bs_task_source *src,
		       const struct bs_monitor *m, struct bs_error *err)
{
	assert(sw && src && src->next && src->done);
	return tasks_run(sw, jobs ? jobs : 1, paranoid, src, m, 0, 0, NULL,
			 err);
}

/* ---- a job: the folder, its log and its tasks ---------------------------- */

/* Tasks in the order the job hands them out: grouped by world (the first
 * point of each world in point order, sw->world_of), and in task order
 * within a world. Points sharing a world (bs_world_key) are then run
 * together, and each world is built once, whatever the order of the
 * sweep's keys; when every point has its own world this is task order.
 * Outputs never depend on it (they are written from the records in
 * point order). A counting sort, stable: O(tasks + points). 0 or
 * BS_E_NOMEM. */
static int order_by_world(const struct bs_sweep *sw, uint64_t *todo,
			  uint64_t n)
{
	size_t *start, p;
	uint64_t *out, i;

	if (!sw->world_of || n < 2)
		return 0;
	start = calloc(sw->npoints + 1, sizeof(*start));
	out = malloc((size_t)n * sizeof(*out));
	if (!start || !out) {
		free(start);
		free(out);
		return BS_E_NOMEM;
	}
	for (i = 0; i < n; i++)
		start[sw->world_of[todo[i] / sw->reps] + 1]++;
	for (p = 0; p < sw->npoints; p++)
		start[p + 1] += start[p];
	for (i = 0; i < n; i++)
		out[start[sw->world_of[todo[i] / sw->reps]]++] = todo[i];
	memcpy(todo, out, (size_t)n * sizeof(*out));
	free(start);
	free(out);
	return 0;
}

void bs_sweep_job_free(bs_sweep_job *j)
{
	if (!j)
		return;
	bs_tasklog_close(j->log);
	bs_outdir_close(&j->od); /* the lock, after the log and outputs */
	pthread_mutex_destroy(&j->mu);
	free(j->todo);
	free(j);
}

bs_sweep_job *bs_sweep_job_open(bs_sweep *sw, const char *dir,
				const struct bs_sweep_opts *o,
				struct bs_error *err)
{
	/* every file the sweep replaces is a regular file, and the folder
	 * is held until the outputs are committed */
	static const char *const names[] = {"sweep.csv", "sweep_replications.csv",
					    "sweep.json", BS_SWEEP_PLAN_NAME,
					    BS_TASKLOG_NAME};
	bs_sweep_job *j = calloc(1, sizeof(*j));
	uint8_t *done = NULL;
	uint64_t t;
	int rc;

	assert(sw);
	if (!j || pthread_mutex_init(&j->mu, NULL)) {
		free(j);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	j->sw = sw;
	j->o = opts_of(o);
	j->od.fd = -1;
	j->t0 = now_s();
	if ((rc = bs_sweep_plan(sw, j->o.jobs, err)))
		goto fail;
	if (dir)
		bs_strlcpy(j->dir, dir, sizeof(j->dir));
	else
		snprintf(j->dir, sizeof(j->dir), "out/%s", sw->name);
	if (bs_output_check_names(j->dir, names, 5, err) ||
	    bs_outdir_open(&j->od, j->dir, BS_KIND_SWEEP, j->o.force, err))
		goto fail;
	done = calloc(sw->ntasks, 1);
	j->todo = calloc(sw->ntasks, sizeof(uint64_t));
	if (!done || !j->todo) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory for %llu tasks",
			     (unsigned long long)sw->ntasks);
		goto fail;
	}
	if (!(j->log = bs_tasklog_open(j->dir, sw->fingerprint, sw->ntasks,
				       j->o.resume, done, &j->resumed,
				       &j->discarded, err)))
		goto fail;
	if ((rc = bs_sweep_write_plan(sw, j->dir, err))) {
		if (rc != BS_E_INPUT && err)
			err->code = BS_E_IO;
		goto fail;
	}
	for (t = 0; t < sw->ntasks; t++) {
		if (!bs_shard_owns(t, j->o.shard_i, j->o.shard_n))
			continue;
		j->nmine++;
		if (!done[t])
			j->todo[j->ntodo++] = t;
	}
	free(done);
	done = NULL;
	if (order_by_world(sw, j->todo, j->ntodo)) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory for %llu tasks",
			     (unsigned long long)sw->ntasks);
		goto fail;
	}
	stamp(j->info.started_utc, sizeof(j->info.started_utc), j->info.host,
	      sizeof(j->info.host));
	j->info.resumed = j->resumed;
	j->info.mode = "threads";
	j->info.workers = j->o.jobs;
	j->info.setup_s = now_s() - j->t0;
	return j;
fail:
	free(done);
	bs_sweep_job_free(j);
	return NULL;
}

const char *bs_sweep_job_dir(const bs_sweep_job *j)
{
	assert(j);
	return j->dir;
}

void bs_sweep_job_runner(bs_sweep_job *j, const char *mode, unsigned workers)
{
	assert(j && mode);
	j->info.mode = mode;
	j->info.workers = workers;
}

void bs_sweep_job_outcome(const bs_sweep_job *j, struct bs_sweep_outcome *out)
{
	assert(j && out);
	memset(out, 0, sizeof(*out));
	out->tasks = j->sw->ntasks;
	out->resumed = j->resumed;
	out->discarded = j->discarded;
	out->mine = j->nmine;
	out->recorded = j->nmine - j->ntodo + j->ran; /* of this shard */
	out->ran = j->ran;
	out->wall_s = now_s() - j->t0;
}

int bs_sweep_job_next(bs_sweep_job *j, uint64_t *task)
{
	int rc = -1;

	assert(j && task);
	pthread_mutex_lock(&j->mu);
	if (!bs_interrupted() && j->next < j->ntodo) {
		*task = j->todo[j->next++];
		rc = 0;
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int bs_sweep_job_record(bs_sweep_job *j, const char *record,
			struct bs_error *err)
{
	int rc;

	assert(j && record);
	if ((rc = bs_tasklog_append(j->log, record, err)) == 0) {
		pthread_mutex_lock(&j->mu);
		j->ran++;
		pthread_mutex_unlock(&j->mu);
	}
	return rc;
}

static int job_next(void *ud, uint64_t *task)
{
	return bs_sweep_job_next(ud, task);
}

static int job_done(void *ud, uint64_t task, const char *record,
		    struct bs_error *err)
{
	(void)task;
	return bs_sweep_job_record(ud, record, err);
}

int bs_sweep_job_run(bs_sweep_job *j, struct bs_error *err)
{
	struct bs_task_source src = {job_next, job_done, j};
	int rc;

	assert(j);
	rc = tasks_run(j->sw, j->o.jobs, j->o.paranoid, &src, j->o.monitor,
		       j->nmine - j->ntodo, j->nmine, &j->info, err);
	/* the dispenser stops at an interrupt: tasks left undone */
	if (!rc && j->ran < j->ntodo)
		rc = BS_E_INTERRUPTED;
	return rc;
}

int bs_sweep_job_finish(bs_sweep_job *j, int rc, struct bs_sweep_outcome *out,
			struct bs_error *err)
{
	struct bs_sweep *sw = j->sw;
	const struct bs_monitor *m = j->o.monitor;
	struct bs_taskindex *ix;
	struct bs_error e2;
	char what[128];
	int wrc;

	assert(j);
	j->info.wall_s = now_s() - j->t0;
	bs_tasklog_close(j->log);
	j->log = NULL;
	bs_error_clear(&e2);
	if (!(ix = bs_taskindex_new(sw->ntasks, sw->fingerprint))) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if ((wrc = bs_taskindex_add(ix, j->dir, NULL, &e2))) {
		if (err)
			*err = e2;
		bs_taskindex_free(ix);
		return wrc == BS_E_INPUT ? BS_E_IO : wrc;
	}
	if (out) {
		bs_sweep_job_outcome(j, out);
		out->recorded = bs_taskindex_count(ix);
	}
	if (rc || bs_taskindex_count(ix) < sw->ntasks) {
		/* stopped, or a shard: its tasks are recorded; merge writes
		 * the outputs of a sharded sweep */
		bs_taskindex_free(ix);
		return rc;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	snprintf(what, sizeof(what), "the sweep's outputs (%llu tasks)",
		 (unsigned long long)sw->ntasks);
	if (m && m->writing)
		m->writing(m->ud, what, 1);
	wrc = bs_sweep_write_outputs(sw, ix, j->dir, &j->info, 0, err);
	if (m && m->writing)
		m->writing(m->ud, what, 0);
	bs_taskindex_free(ix);
	if (!wrc && out)
		out->complete = 1;
	return wrc;
}

int bs_sweep_run(bs_sweep *sw, const char *dir, const struct bs_sweep_opts *o,
		 struct bs_sweep_outcome *out, struct bs_error *err)
{
	bs_sweep_job *j = bs_sweep_job_open(sw, dir, o, err);
	int rc;

	if (!j)
		return err && err->code ? err->code : BS_E_INPUT;
	rc = bs_sweep_job_run(j, err);
	rc = bs_sweep_job_finish(j, rc, out, err);
	bs_sweep_job_free(j);
	return rc;
}

/* ---- merging shards ---------------------------------------------------- */

int bs_sweep_merge(const char *const *dirs, size_t n, const char *out,
		   int force, const struct bs_monitor *m,
		   struct bs_sweep_outcome *res, struct bs_error *err)
{
	struct bs_sweep *sw = NULL;
	struct bs_taskindex *ix = NULL;
	struct bs_outdir od = {NULL, -1};
	struct bs_sweep_info info;
	double t0 = now_s();
	char what[128];
	size_t i;
	int rc = BS_E_INPUT;

	assert(dirs && n > 0 && out);
	/* the shards are read as finished results: a commit a killed run
	 * left is finished first */
	for (i = 0; i < n; i++)
		bs_outdir_settle(dirs[i]);
	if (!(sw = bs_sweep_plan_load(dirs[0], err)))
		goto out;
	for (i = 1; i < n; i++) {
		struct bs_sweep *o = bs_sweep_plan_load(dirs[i], err);
		if (!o)
			goto out;
		if (strcmp(o->fingerprint, sw->fingerprint) != 0) {
			bs_error_set(err, BS_E_INPUT, o->file, 0, 0, NULL,
				     "a shard of another sweep (fingerprint %s; %s holds %s); expected the shards of one sweep",
				     o->fingerprint, dirs[0], sw->fingerprint);
			bs_sweep_free(o);
			goto out;
		}
		bs_sweep_free(o);
	}
	if (bs_sweep_plan_check(sw, err))
		goto out;
	if (!(ix = bs_taskindex_new(sw->ntasks, sw->fingerprint))) {
		bs_error_set(err, rc = BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = bs_taskindex_add(ix, dirs[i],
					   "; expected the shards of one sweep",
					   err)))
			goto out;
	memset(&info, 0, sizeof(info));
	stamp(info.started_utc, sizeof(info.started_utc), info.host,
	      sizeof(info.host));
	info.mode = "merge";
	info.nsources = n;
	info.wall_s = now_s() - t0;
	if ((rc = bs_outdir_check(out, BS_KIND_SWEEP, force, err)))
		goto out;
	/* an incomplete set is bad input: bs_sweep_write_outputs words the
	 * refusal (naming the first missing task) before it touches out, so
	 * it is asked before the folder is claimed */
	if (bs_taskindex_count(ix) < sw->ntasks) {
		bs_sweep_write_outputs(sw, ix, out, &info, 1, err);
		rc = BS_E_INPUT;
		goto out;
	}
	if ((rc = bs_outdir_open(&od, out, BS_KIND_SWEEP, force, err)))
		goto out;
	bs_test_point(BS_TP_BEFORE_WRITE);
	snprintf(what, sizeof(what), "the merged sweep's outputs (%llu tasks)",
		 (unsigned long long)sw->ntasks);
	if (m && m->writing)
		m->writing(m->ud, what, 1);
	rc = bs_sweep_write_outputs(sw, ix, out, &info, 1, err);
	if (m && m->writing)
		m->writing(m->ud, what, 0);
	if (!rc && res) {
		memset(res, 0, sizeof(*res));
		res->tasks = res->recorded = sw->ntasks;
		res->complete = 1;
		res->wall_s = now_s() - t0;
	}
out:
	bs_outdir_close(&od);
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
	return rc;
}
