/*
 * runner.h - replications of one model on N threads (the library's
 * worker pool, base/pool.h).
 *
 * Each worker owns one struct bs_sim and takes the next replication number
 * from the pool; results land in slot rep - 1, so the output never
 * depends on which thread ran what, or in which order. A replication's
 * random streams come from (seed, replication, purpose, station) alone.
 *
 * Stopping: when *stop becomes nonzero (a signal) workers stop at their
 * next check; the replications finished by then are kept, and *ndone tells
 * how many of the first replications are complete (a prefix, so that a
 * partial result is still a well-defined set of replications 1..k).
 *
 * Ownership: results[] (nreps slots) is the caller's array; the runner
 * allocates each finished result into it (free with bs_rep_result_free).
 */
#ifndef BSSIM_RUNNER_H
#define BSSIM_RUNNER_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "base/pool.h"
#include "model/sim.h"

struct bs_runner_opts {
	unsigned jobs;       /* threads; 0 means 1 */
	uint32_t nreps;      /* replications rep0 + 1 .. rep0 + nreps */
	int paranoid;        /* full conservation checks (tests) */
	atomic_int *stop;    /* may be NULL */
	/* Progress: replications done, total, and the share of all work
	 * done. Called from worker threads, serialised by the runner. */
	void (*progress)(void *ud, uint32_t done, uint32_t total, double frac);
	void *progress_ud;
	/* Per-replication hooks (trip logs): begin fills hooks->on_trip and
	 * trip_ud; end is told the replication's return code. Called on the
	 * worker thread running rep. Nonzero from begin fails the run. */
	int (*rep_begin)(void *ud, uint32_t rep, struct bs_run_hooks *hooks);
	int (*rep_end)(void *ud, uint32_t rep, int rc);
	void *rep_ud;
	/* Replication numbers start after rep0 (0: from 1), and results[i]
	 * holds replication rep0 + 1 + i: the optimiser's confirmation runs
	 * take fresh replications, independent of those the search used. */
	uint32_t rep0;
};

/*
 * Run. Returns 0 when all replications finished; BS_E_INTERRUPTED when
 * stopped (results[0..*ndone) are complete); another code with err filled
 * for the lowest-numbered replication that failed.
 */
int bs_run_replications(const struct bs_model *m,
			const struct bs_runner_opts *o,
			struct bs_rep_result **results, uint32_t *ndone,
			struct bs_error *err);

/* The simulation's hooks from what the pool tells a task (progress and
 * stop); the caller sets the rest (trip log, paranoid). */
static inline void bs_hooks_from_ctl(struct bs_run_hooks *h,
				     const struct bs_pool_ctl *ctl)
{
	memset(h, 0, sizeof(*h));
	h->progress = ctl->progress;
	h->progress_ud = ctl->progress_ud;
	h->stop = ctl->stop;
}

#endif
