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
 * It is the library's one pool of threads: the replications of a run
 * (exp/runner.c), the points a sweep checks before it starts, a sweep's
 * and a comparison's tasks all run on it. It knows nothing of models: a
 * task learns how to report its progress and when to stop from a struct
 * bs_pool_ctl, which the simulation's hooks take as they are.
 */
#ifndef BS_BASE_POOL_H
#define BS_BASE_POOL_H

#include <stdatomic.h>
#include <stdint.h>

#include "base/common.h"

/* What the pool tells a task: a progress function to call now and then
 * with the share done of the task (unit: any number the task likes, e.g.
 * its replication), and the flag that asks it to stop. */
struct bs_pool_ctl {
	void (*progress)(void *ud, uint32_t unit, double frac);
	void *progress_ud;
	const atomic_int *stop;
};

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
	/* Run one task on the worker's state, watching ctl (borrowed for
	 * the call). Returns 0 or a BS_E_* code with err filled;
	 * BS_E_INTERRUPTED when it stopped because ctl->stop was set. */
	int (*run)(void *ud, void *ws, uint64_t task,
		   const struct bs_pool_ctl *ctl, struct bs_error *err);
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
