/*
 * sweep_cli.h - the parts of `bssim sweep` shared by the thread runner
 * (cmd_sweep.c) and the MPI runner (src/mpi/mpi_sweep.c): options, the
 * preparation before any task runs, running one task into a log line, and
 * the ending (outputs and messages).
 */
#ifndef BSSIM_SWEEP_CLI_H
#define BSSIM_SWEEP_CLI_H

#include <stdint.h>

#include "output/output.h"
#include "exp/sweep.h"
#include "exp/sweepexec.h"
#include "exp/tasklog.h"
#include "cli.h"

struct sweep_cli {
	const char *file;
	const char *outdir;
	unsigned jobs;
	int jobs_given;
	int resume;
	int quiet;
	int force;
	int paranoid;
	uint32_t shard_i, shard_n; /* 1/1 when not sharded */
};

struct sweep_ctx {
	struct sweep_cli c;
	struct bs_sweep *sw;
	char outdir[1024];
	struct bs_outdir od;   /* the folder, locked from prepare to release */
	struct bs_tasklog *log;
	uint8_t *done;       /* [ntasks] recorded before this run */
	uint64_t resumed;    /* how many */
	uint64_t *todo;      /* tasks this run owns and has not done */
	uint64_t ntodo;
	uint64_t nmine;      /* tasks this run owns (its shard) */
	struct bs_exec *exec;
	struct bs_progress pr;
	struct bs_sweep_info info;
};

/* Parse the options; BS_EXIT_OK, or an exit status after printing. */
int sweep_parse(int argc, char **argv, struct sweep_cli *c);

/* Read the sweep file (no worlds). 0, or an exit status with err filled
 * (not printed). */
int sweep_load(struct sweep_ctx *x, struct bs_error *err);

/*
 * Check every point, claim and lock the output folder, open its task log
 * (fresh or resumed), write the plan, list the tasks to run. 0 or an exit
 * status after printing.
 */
int sweep_prepare(struct sweep_ctx *x);

/* A task source for the sweep's points (for bs_exec_new). */
struct bs_scenario *sweep_scenario(void *ud, size_t p, struct bs_error *err);

/* Run task t on wk: its record as a log line (*line, caller frees). */
int sweep_task(struct sweep_ctx *x, struct bs_exec_worker *wk, uint64_t t,
	       const struct bs_run_hooks *hooks, char **line,
	       struct bs_error *err);

/*
 * After the tasks: rc is the runner's outcome (0, BS_E_INTERRUPTED, or a
 * failure already described by err). Closes the log, writes the outputs
 * when every task is recorded, prints the outcome. Returns the exit status.
 */
int sweep_finish(struct sweep_ctx *x, int rc, const struct bs_error *err);

void sweep_ctx_release(struct sweep_ctx *x);

#ifdef BS_MPI
/* MPI start-up (threads: funnelled, only the main thread calls MPI) and
 * shut-down; finalize returns the exit status all ranks agree on. */
int bs_mpi_init(int *argc, char ***argv);
int bs_mpi_finalize(int status);
int bs_mpi_size(void);
int bs_mpi_rank(void);
/* `bssim-mpi sweep` under mpirun with more than one rank. */
int bs_mpi_sweep(struct sweep_ctx *x);
#endif

#endif
