/*
 * tasklog.h - the durable record of a sweep's finished tasks, and reading
 * it back.
 *
 * A task is one replication of one sweep point. Its record holds what the
 * sweep's outputs need and nothing more: every metric for every ward and
 * the whole network, and the flow and settlement matrices per day (a few
 * hundred numbers, where a full replication result carries time series
 * and per-station sums).
 *
 * The log, DIR/sweep_tasks.jsonl, is a header line
 *   {"bssim_sweep_log":1,"fingerprint":"...","tasks":T}
 * and then one record per line, in the order tasks finished:
 *   {"task":5,"point":2,"rep":2,"m":[...],"flows":[...],"settle":[...]}
 * Numbers have 17 significant digits, so they read back bit for bit; null
 * is NaN. Each line is appended with one write() and fdatasync'ed before
 * the task counts as done, so a crash or a kill loses at most the tasks in
 * flight, and may leave one torn last line: readers ignore it, and a
 * resumed run cuts it off before appending. The caller holds the output
 * folder's lock (bs_outdir_open, output.h), which keeps two processes
 * from appending to one log; the log is opened only when it is a regular
 * file (a link or device under its name is refused, BS_E_INPUT).
 *
 * Reading never loads every record: an index keeps, per task, which log
 * and where (16 bytes a task), and records are read one point at a time.
 *
 * Ownership: records from bs_task_rec_init are released with
 * bs_task_rec_release; the log and the index are freed by their _close /
 * _free. Strings returned by bs_task_rec_encode are the caller's (free).
 */
#ifndef BSSIM_TASKLOG_H
#define BSSIM_TASKLOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "stats/metrics.h"
#include "model/network.h"
#include "model/sim.h"

#define BS_TASKLOG_NAME "sweep_tasks.jsonl"

struct bs_task_rec {
	uint64_t task;   /* 0-based: (point - 1) * replications + rep - 1 */
	uint32_t point;  /* 1-based */
	uint32_t rep;    /* 1-based */
	size_t nwards;
	double *m;       /* [(nwards + 1) * BS_METRIC_N]; row nwards: all */
	double *flows;   /* [nwards * nwards] trips per day, renting -> return */
	double *settle;  /* [nwards * nwards] yen per day owed, row -> column */
};

/* Allocate the arrays for nwards wards. 0 or BS_E_NOMEM. */
int bs_task_rec_init(struct bs_task_rec *r, size_t nwards);
void bs_task_rec_release(struct bs_task_rec *r);

/* Fill r (initialised for net->nwards) from one replication's result. */
void bs_task_rec_fill(struct bs_task_rec *r, const struct bs_rep_result *res,
		      const struct bs_network *net);

/* The record as one log line, '\n' included. New string; NULL: no memory. */
char *bs_task_rec_encode(const struct bs_task_rec *r);

/*
 * Parse one line (without its '\n') into r, which is (re)initialised for
 * the line's number of wards. 0, or BS_E_INPUT with a reason in why, or
 * BS_E_NOMEM.
 */
int bs_task_rec_decode(const char *line, size_t len, struct bs_task_rec *r,
		       char *why, size_t whysz);

/* ---- appending ----------------------------------------------------------- */

struct bs_tasklog;

/*
 * Open (creating it and dir if needed) dir's log for a sweep of ntasks
 * tasks with this fingerprint; the caller holds dir's lock. Fresh
 * (resume == BS_SWEEP_FRESH): any earlier log is emptied. Resume
 * (BS_SWEEP_RESUME or BS_SWEEP_KEEP, which differ only in the hint of
 * the message): the earlier log must belong to the same
 * sweep (else BS_E_INPUT, nothing changed); done[task] is set to 1 for each
 * recorded task (done has ntasks bytes, zeroed by the caller) and *ndone
 * counts them; *discarded (may be NULL) counts the records a fresh start
 * threw away. BS_E_IO when the folder cannot be written;
 * BS_E_INPUT when the log is not a regular file.
 */
struct bs_tasklog *bs_tasklog_open(const char *dir, const char *fingerprint,
				   uint64_t ntasks, int resume, uint8_t *done,
				   uint64_t *ndone, uint64_t *discarded,
				   struct bs_error *err);

/* Append one encoded record durably. Thread-safe. 0 or BS_E_IO. */
int bs_tasklog_append(struct bs_tasklog *lg, const char *line,
		      struct bs_error *err);

void bs_tasklog_close(struct bs_tasklog *lg);

/* ---- reading ------------------------------------------------------------- */

struct bs_taskindex;

/* An empty index of a sweep of ntasks tasks with this fingerprint. */
struct bs_taskindex *bs_taskindex_new(uint64_t ntasks,
				      const char *fingerprint);

/*
 * Add dir's log. Its header must carry the index's fingerprint (else BS_E_INPUT
 * naming the file, with `hint` appended to the message). A task already
 * present must have the same record, byte for byte. Damaged lines are
 * BS_E_INPUT with the line number.
 */
int bs_taskindex_add(struct bs_taskindex *ix, const char *dir,
		     const char *hint, struct bs_error *err);

uint64_t bs_taskindex_count(const struct bs_taskindex *ix);
int bs_taskindex_has(const struct bs_taskindex *ix, uint64_t task);

/* Read task's record into r (initialised or zeroed). 0, BS_E_IO/INPUT. */
int bs_taskindex_read(struct bs_taskindex *ix, uint64_t task,
		      struct bs_task_rec *r, struct bs_error *err);

/* Write a log to fp: the header, then every indexed record in task
 * order. 0 or BS_E_IO. */
int bs_taskindex_copy(struct bs_taskindex *ix, FILE *fp,
		      struct bs_error *err);

void bs_taskindex_free(struct bs_taskindex *ix);

/* ---- cost ---------------------------------------------------------------- */

/*
 * What reading task logs has cost so far in this process: bytes read
 * (read and pread), log lines scanned (the header and every record, by
 * bs_tasklog_open's resume and bs_taskindex_add), and records fetched by
 * bs_taskindex_read. Each is O(tasks) for a sweep: a resume scans every
 * line once, the outputs fetch every record once (check_tasklog and
 * check_sweep count them on logs of 20,000 tasks). For tests and benches.
 */
struct bs_tasklog_counts {
	uint64_t bytes_read, lines_scanned, records_read;
};
void bs_tasklog_counts(struct bs_tasklog_counts *c);

#endif
