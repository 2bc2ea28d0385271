/*
 * runner.c - the replications of one model on the library's worker pool
 * (see runner.h).
 */
#include "exp/runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/pool.h"

/* One run's shared state; the pool's workers each own a bs_sim. */
struct run {
	const struct bs_model *m;
	const struct bs_runner_opts *o;
	struct bs_rep_result **results;
	pthread_mutex_t mu; /* results[] */
};

static void *worker_new(void *ud)
{
	return bs_sim_alloc(((struct run *)ud)->m);
}

static void worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_sim_free(ws);
}

/* Task t is replication rep0 + t + 1, into results[t]. */
static int run_rep(void *ud, void *ws, uint64_t t,
		   const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct run *R = ud;
	uint32_t rep = R->o->rep0 + (uint32_t)t + 1;
	struct bs_run_hooks hooks;
	struct bs_rep_result *res = bs_rep_result_alloc_rep(R->m, rep);
	int rc;

	bs_hooks_from_ctl(&hooks, ctl);
	hooks.paranoid = R->o->paranoid;
	if (!res) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory for replication %u", rep);
		return BS_E_NOMEM;
	}
	if (R->o->rep_begin &&
	    (rc = R->o->rep_begin(R->o->rep_ud, rep, &hooks))) {
		bs_error_set(err, rc, NULL, 0, 0, NULL,
			     "cannot start replication %u: %s", rep,
			     bs_strerror(rc));
		bs_rep_result_free(res);
		return rc;
	}
	rc = bs_sim_run(ws, rep, &hooks, res, err);
	if (R->o->rep_end) {
		int rc2 = R->o->rep_end(R->o->rep_ud, rep, rc);
		if (!rc && rc2) {
			rc = rc2;
			bs_error_set(err, rc, NULL, 0, 0, NULL,
				     "cannot finish replication %u: %s", rep,
				     bs_strerror(rc));
		}
	}
	if (rc) {
		bs_rep_result_free(res);
		return rc;
	}
	pthread_mutex_lock(&R->mu);
	R->results[t] = res;
	pthread_mutex_unlock(&R->mu);
	bs_test_point(BS_TP_REP_DONE);
	return 0;
}

static void on_progress(void *ud, uint64_t done, double in_flight)
{
	struct run *R = ud;

	R->o->progress(R->o->progress_ud, (uint32_t)done, R->o->nreps,
		       ((double)done + in_flight) / R->o->nreps);
}

int bs_run_replications(const struct bs_model *m,
			const struct bs_runner_opts *o,
			struct bs_rep_result **results, uint32_t *ndone,
			struct bs_error *err)
{
	struct run R;
	struct bs_pool_opts po;
	uint32_t r;
	int rc;

	memset(&R, 0, sizeof(R));
	R.m = m;
	R.o = o;
	R.results = results;
	*ndone = 0;
	for (r = 0; r < o->nreps; r++)
		results[r] = NULL;
	if (pthread_mutex_init(&R.mu, NULL)) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory starting the workers");
		return BS_E_NOMEM;
	}
	memset(&po, 0, sizeof(po));
	po.jobs = o->jobs;
	po.ntasks = o->nreps;
	po.worker_new = worker_new;
	po.worker_free = worker_free;
	po.run = run_rep;
	po.progress = o->progress ? on_progress : NULL;
	po.ud = &R;
	po.stop = o->stop;
	/* the pool keeps the lowest-numbered failure */
	rc = bs_pool_run(&po, NULL, err);
	pthread_mutex_destroy(&R.mu);
	if (!rc)
		for (r = 0; r < o->nreps; r++)
			if (!results[r]) {
				rc = BS_E_INTERRUPTED;
				break;
			}
	for (r = 0; r < o->nreps && results[r]; r++)
		;
	*ndone = r;
	/* results past the complete prefix are not used */
	for (; r < o->nreps; r++) {
		bs_rep_result_free(results[r]);
		results[r] = NULL;
	}
	return rc;
}
