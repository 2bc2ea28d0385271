/*
 * run.c - running a scenario's replications, in memory or into an output
 * folder (bs_run, bs_run_to in bssim.h): the sequence `bssim run` follows.
 *
 * Order of work into a folder: the scenario and every file it names are
 * checked first (bad input: nothing touched); then every file the run
 * will replace is checked to be a regular file and the folder is claimed
 * and locked (held to the end of the commit), so that a long run does not
 * end in a refusal; then the replications run (the trip log streams to
 * temporaries in the folder); then every file is written and committed at
 * once. An interrupt stops the replications in flight; the finished ones
 * are written, marked interrupted. An interrupt during the write does not
 * stop it (the monitor's `writing` says when it runs).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/common.h"
#include "base/interrupt.h"
#include "base/opts.h"
#include "calib/world.h"
#include "exp/response.h"
#include "exp/result.h"
#include "exp/runner.h"
#include "output/output.h"

void bs_run_opts_init_size(struct bs_run_opts *o, size_t size)
{
	struct bs_run_opts d = {.size = sizeof(d), .jobs = 1};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_run_opts_init)(struct bs_run_opts *o)
{
	bs_run_opts_init_size(o, sizeof(*o));
}

/* The options the caller's struct holds (ABI rule: read only within
 * its size; later fields take their defaults). */
static struct bs_run_opts opts_of(const struct bs_run_opts *o)
{
	struct bs_run_opts r;

	bs_run_opts_init(&r);
	if (o)
		memcpy(&r, o, o->size < sizeof(r) ? o->size : sizeof(r));
	r.size = sizeof(r);
	if (!r.jobs)
		r.jobs = 1;
	return r;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Facts of the machine and the moment, for summary.json's "run". */
static void info_init(struct bs_run_info *info, unsigned jobs, uint32_t reps)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(info, 0, sizeof(*info));
	gmtime_r(&now, &tm);
	strftime(info->started_utc, sizeof(info->started_utc),
		 "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(info->host, sizeof(info->host) - 1))
		bs_strlcpy(info->host, "unknown", sizeof(info->host));
	info->jobs = jobs;
	info->requested_reps = reps;
}

struct monitor_ctx {
	const struct bs_monitor *m;
};

static void on_progress(void *ud, uint32_t done, uint32_t total, double frac)
{
	const struct bs_monitor *m = ((struct monitor_ctx *)ud)->m;

	m->progress(m->ud, done, total, frac);
}

/*
 * The replications of sc into a new result; into the folder dir too when
 * it is not NULL (claimed and locked by the caller through od, trips set
 * when the scenario streams a trip log). rc: 0, BS_E_INTERRUPTED (the
 * result holds the finished prefix, marked; NULL when none finished), or
 * a failure with err filled.
 */
static int run(struct bs_scenario *sc, const struct bs_run_opts *o,
	       const char *dir, struct bs_trips *trips, bs_result **res,
	       struct bs_error *err)
{
	uint32_t nreps = sc->p.replications, ndone = 0;
	struct bs_rep_result **reps = calloc(nreps, sizeof(*reps));
	struct bs_runner_opts ro;
	struct bs_run_info info;
	struct monitor_ctx mc = {o->monitor};
	struct bs_summary *sum;
	double t0 = now_s();
	int rc, rc_write;
	char what[64];

	*res = NULL;
	if (!reps) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	info_init(&info, o->jobs, nreps);
	memset(&ro, 0, sizeof(ro));
	ro.jobs = o->jobs;
	ro.nreps = nreps;
	ro.paranoid = o->paranoid;
	ro.stop = bs__interrupt_flag();
	if (o->monitor && o->monitor->progress) {
		ro.progress = on_progress;
		ro.progress_ud = &mc;
	}
	if (trips) {
		ro.rep_begin = bs_trips_begin;
		ro.rep_end = bs_trips_end;
		ro.rep_ud = trips;
	}
	if (sc->p.resp_on) {
		/* the fixed point; its last run is the result, unless a trip
		 * log is wanted: then one more run, with the log, at the
		 * converged rates (the same seeds: the same replications) */
		struct bs_response_report rr;
		rc = bs__response_solve(sc->world, &sc->p, &ro,
					trips ? NULL : reps, &ndone, &rr, err);
		info.resp_on = 1;
		info.resp_iterations = rr.iterations;
		info.resp_residual = rr.residual;
		info.resp_tol = sc->p.resp_tol;
		if (!rc && trips)
			rc = bs_run_replications(&sc->world->model, &ro, reps,
						 &ndone, err);
	} else {
		rc = bs_run_replications(&sc->world->model, &ro, reps, &ndone,
					 err);
	}
	info.wall_s = now_s() - t0;
	if (rc && rc != BS_E_INTERRUPTED) {
		/* a trip log that could not be written says which and why */
		if (trips)
			bs_trips_error(trips, err);
		free(reps);
		return rc;
	}
	if (rc == BS_E_INTERRUPTED) {
		if (ndone == 0) {
			free(reps);
			bs_error_set(err, BS_E_INTERRUPTED, NULL, 0, 0, NULL,
				     "interrupted before any replication finished; nothing written");
			return rc;
		}
		info.interrupted = 1;
	}
	if (!(sum = bs_summary_new(sc->world->net, reps, ndone))) {
		for (uint32_t r = 0; r < nreps; r++)
			bs_rep_result_free(reps[r]);
		free(reps);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory summarising");
		return BS_E_NOMEM;
	}
	if (!(*res = bs__result_new(sc, reps, nreps, ndone, sum, &info))) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory summarising");
		return BS_E_NOMEM;
	}
	if (!dir)
		return rc;
	bs_test_point(BS_TP_BEFORE_WRITE);
	snprintf(what, sizeof(what), "%u replication%s", ndone,
		 ndone == 1 ? "" : "s");
	if (o->monitor && o->monitor->writing)
		o->monitor->writing(o->monitor->ud, what, 1);
	rc_write = bs__result_write_files(*res, dir, trips, err);
	if (o->monitor && o->monitor->writing)
		o->monitor->writing(o->monitor->ud, what, 0);
	if (!((*res)->dir = bs_strdup(dir)) && !rc_write) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		rc_write = BS_E_NOMEM;
	}
	if (rc_write) {
		bs_result_free(*res);
		*res = NULL;
		return rc_write;
	}
	return rc;
}

bs_result *bs_run(bs_scenario *sc, const struct bs_run_opts *o,
		  struct bs_error *err)
{
	struct bs_run_opts ro = opts_of(o);
	bs_result *res = NULL;

	assert(sc);
	if (bs_scenario_check(sc, err) || bs__scenario_inputs(sc, err))
		return NULL;
	if (run(sc, &ro, NULL, NULL, &res, err) && res &&
	    !bs_result_interrupted(res)) {
		bs_result_free(res);
		res = NULL;
	}
	return res;
}

/* Claim and lock dir for a run of sc: every file it will replace a
 * regular file, the folder of kind run and of sc's scenario (or force). */
static int claim(struct bs_scenario *sc, const char *dir, int force,
		 struct bs_outdir *od, struct bs_error *err)
{
	const char *names[BS_RUN_FILES_MAX];
	int rc;

	if ((rc = bs_output_check_names(dir, names,
					bs_output_run_names(sc, names), err)))
		return rc;
	return bs_outdir_open_as(od, dir, BS_KIND_RUN, sc->name, force, err);
}

int bs_run_to(bs_scenario *sc, const char *dir, const struct bs_run_opts *o,
	      bs_result **res, struct bs_error *err)
{
	struct bs_run_opts ro = opts_of(o);
	struct bs_outdir od = {NULL, -1};
	struct bs_trips *trips = NULL;
	bs_result *r = NULL;
	char buf[1024];
	int rc;

	assert(sc);
	if (res)
		*res = NULL;
	/* the inputs' checksums for summary.json, just after the check
	 * read them and before the folder is claimed */
	if ((rc = bs_scenario_check(sc, err)) ||
	    (rc = bs__scenario_inputs(sc, err)))
		return rc;
	if (!dir) {
		snprintf(buf, sizeof(buf), "out/%s", sc->name);
		dir = buf;
	}
	if ((rc = claim(sc, dir, ro.force, &od, err)))
		goto out;
	if (sc->p.trips_log &&
	    !(trips = bs_trips_new(dir, sc->world->net, sc->p.replications, err))) {
		rc = err && err->code ? err->code : BS_E_IO;
		goto out;
	}
	rc = run(sc, &ro, dir, trips, &r, err);
out:
	bs_trips_free(trips);
	bs_outdir_close(&od); /* the lock, after the last file */
	if (res)
		*res = r;
	else
		bs_result_free(r);
	return rc;
}

int bs_result_write(const bs_result *r, const char *dir,
		    const struct bs_run_opts *o, struct bs_error *err)
{
	struct bs_run_opts ro = opts_of(o);
	struct bs_outdir od = {NULL, -1};
	int rc;

	assert(r && dir);
	if (!r->sc) {
		bs_error_set(err, BS_E_INPUT, r->dir, 0, 0, NULL,
			     "a result read from a folder is already written; expected a result of bs_run");
		return BS_E_INPUT;
	}
	if ((rc = claim(r->sc, dir, ro.force, &od, err)) == 0) {
		if (ro.monitor && ro.monitor->writing)
			ro.monitor->writing(ro.monitor->ud, "the result", 1);
		rc = bs__result_write_files((struct bs_result *)r, dir, NULL,
					    err);
		if (ro.monitor && ro.monitor->writing)
			ro.monitor->writing(ro.monitor->ud, "the result", 0);
	}
	bs_outdir_close(&od);
	return rc;
}
