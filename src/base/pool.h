/*
 * pool.h - worker threads over a stream of numbered tasks (a sweep's
 * (point, replication) pairs, a comparison's two scenarios).
 *
 * Tasks come either from a plain range 0..ntasks-1, handed out in order,
 * or from a caller's `next` function (an MPI rank asks its coordinator).
 * Each worker owns one state object made by worker_new (its simulation
 * state, the world it holds), so tasks run without locks; the pool only
 * serialises taking a task and reporting progress. What a task produces is
 * the caller's business (run() stores or appends it): the pool never holds
 * results, so its memory does not grow with the number of tasks.
 *
 * Stopping: when *stop becomes nonzero (a signal) or a task fails, workers
 * stop at their next check and the tasks in flight are abandoned
 * (run() sees BS_E_INTERRUPTED from the simulation).
 *
 * Unlike runner.h (replications of one model, results kept in memory for
 * `bssim run`), this pool knows nothing of models; both stay, each for its
 * caller.
 */
#ifndef BSSIM_POOL_H
#define BSSIM_POOL_H

#include <stdatomic.h>
#include <stdint.h>

#include "base/common.h"
#include "model/sim.h"

struct bs_pool_opts {
	unsigned jobs;    /* threads; 0 means 1; 1 runs in the caller's thread */
	uint64_t ntasks;  /* tasks 0..ntasks-1, when next is NULL */
	/* Another source of tasks: store the next task and return 0, or
	 * return nonzero when there is none left. Called with the pool's
	 * lock held (one caller at a time); may block. */
	int (*next)(void *ud, uint64_t *task);
	/* Per-worker state; NULL means out of memory. */
	void *(*worker_new)(void *ud);
	void (*worker_free)(void *ud, void *ws);
	/* Run one task on the worker's state. hooks->progress and
	 * hooks->stop are filled by the pool; pass hooks to the simulation.
	 * Returns 0 or a BS_E_* code with err filled. */
	int (*run)(void *ud, void *ws, uint64_t task, struct bs_run_hooks *hooks,
		   struct bs_error *err);
	/* Progress: tasks finished by this pool, and the summed fraction
	 * done of the tasks in flight. Serialised by the pool. May be NULL. */
	void (*progress)(void *ud, uint64_t done, double in_flight);
	void *ud;
	atomic_int *stop; /* may be NULL */
};

/*
 * Run every task. Returns 0 when all finished; BS_E_INTERRUPTED when
 * stopped from outside; otherwise the code of the failed task taken first
 * (the lowest-numbered one for a plain range), with err filled. *ndone
 * (may be NULL) counts the tasks that finished.
 */
int bs_pool_run(const struct bs_pool_opts *o, uint64_t *ndone,
		struct bs_error *err);

#endif
