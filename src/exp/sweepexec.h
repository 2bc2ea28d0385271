/*
 * sweepexec.h - running one task of a sweep (or of a comparison): one
 * replication of one point, reduced to a task record.
 *
 * Points' worlds (network, demand tables, agreement) are built on demand
 * and shared by the workers running that point, and by every point with
 * the same world key (bs_world_key: points that differ only in keys the
 * simulation alone reads, such as fees, behaviour or the seed, run on one
 * world, each with its own parameters). A world no point holds is kept
 * idle for the next point that needs it, at most BS_EXEC_IDLE_WORLDS of
 * them (the least recently used is freed first). Tasks are handed out in
 * point order, so about one point per worker is alive, and at most
 * workers + BS_EXEC_IDLE_WORLDS worlds: memory follows the workers, not
 * the number of points. Each worker owns its simulation state and one
 * replication result, reused from task to task while the point stays the
 * same. Results are those of a world built for each point: a world is
 * read-only while it runs, and the point's parameters are its own.
 *
 * Thread safety: bs_exec_task may be called from many threads at once,
 * each with its own worker. Scenarios are made one at a time (they copy
 * shared JSON), worlds are built outside the lock.
 *
 * Ownership: bs_exec_new/bs_exec_free, bs_exec_worker_new/_free (free
 * every worker before the exec). Records filled by bs_exec_task are the
 * caller's (bs_task_rec_release).
 */
#ifndef BSSIM_SWEEPEXEC_H
#define BSSIM_SWEEPEXEC_H

#include <stddef.h>
#include <stdint.h>

#include "input/scenario.h"
#include "model/sim.h"
#include "exp/tasklog.h"

/* Idle worlds kept for later points (a Tokyo world is a few MiB). */
#define BS_EXEC_IDLE_WORLDS 4

struct bs_exec_source {
	size_t npoints;
	uint32_t reps;  /* task t is point t / reps, replication t % reps + 1 */
	/* The scenario of point p (0-based); NULL with err filled. */
	struct bs_scenario *(*scenario)(void *ud, size_t p,
					struct bs_error *err);
	void *ud;
	int paranoid;   /* full conservation checks (tests) */
};

struct bs_exec;
struct bs_exec_worker;

struct bs_exec *bs_exec_new(const struct bs_exec_source *src);
void bs_exec_free(struct bs_exec *x);

struct bs_exec_worker *bs_exec_worker_new(struct bs_exec *x);
void bs_exec_worker_free(struct bs_exec_worker *wk);

/*
 * Run task t; fill rec (released first) with its record. hooks: progress
 * and stop, as the pool gives them. 0, BS_E_INTERRUPTED, or another code
 * with err filled.
 */
int bs_exec_task(struct bs_exec_worker *wk, uint64_t t,
		 const struct bs_run_hooks *hooks, struct bs_task_rec *rec,
		 struct bs_error *err);

/* Worlds built so far, and the most points alive at once (for tests);
 * and the most worlds alive at once, held or idle, and the seconds spent
 * building worlds, summed over the workers (sweep.json's "run"). */
void bs_exec_stats(struct bs_exec *x, uint64_t *built, size_t *max_alive);
void bs_exec_world_stats(struct bs_exec *x, uint64_t *built,
			 size_t *max_worlds, double *build_s);

#endif
