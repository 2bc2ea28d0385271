/*
 * output.h - the result files of `bssim run` (DESIGN.md section 5):
 * summary.json, replications.csv, stations.csv, timeseries.csv, flows.csv
 * and, when asked, trips.csv and stations.geojson (RFC 7946, one Point per
 * port with the stations.csv columns as properties).
 *
 * All-or-nothing: every file is first written in full to a hidden temporary
 * name in the output folder (flushed, fsync'ed, checked), and only when all
 * of them are complete are they committed together (a journal, then the
 * renames: see "Output folders" below). A full disk or an unwritable
 * folder leaves the previous files as they were and reports BS_E_IO
 * naming the file and the system's reason; it never leaves a truncated
 * CSV under a real name.
 *
 * Trip logs stream: each replication writes its own hidden file as trips
 * end (memory does not grow with trips), and the files are joined in
 * replication order at the end, so the bytes do not depend on threads.
 */
#ifndef BSSIM_OUTPUT_H
#define BSSIM_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "stats/metrics.h"
#include "input/scenario.h"
#include "model/sim.h"
#include "model/network.h"

struct bs_run_info {
	double wall_s;
	char host[256];
	char started_utc[32];
	unsigned jobs;
	uint32_t requested_reps;
	int interrupted;
	/* demand.response on: its runs and last residual, summary.json's
	 * "demand_response" (deterministic, so outside "run") */
	int resp_on;
	uint32_t resp_iterations;
	double resp_residual, resp_tol;
};

/*
 * Output folders. A folder bssim writes carries a marker, BS_OUTDIR_MARK,
 * that names its kind (BS_KIND_*: what wrote it). Every writer holds the
 * folder's lock, flock(LOCK_EX | LOCK_NB) on the folder itself, from the
 * moment it claims the folder to the end of its commit; a second writer is
 * refused at once (BS_E_IO, "another bssim is writing to this folder").
 * plots/plots.sh takes the same lock with util-linux flock(1).
 *
 * Commits are all-or-nothing even across a kill: a result set is written
 * to temporaries (flushed, fsync'ed), then a journal, BS_OUTDIR_JOURNAL,
 * lists the renames (and the removals of files the new set does not
 * have) and is made durable, then the renames are done and the journal is
 * removed. Whoever next takes the lock (any writer, or a reader through
 * bs_outdir_settle) rolls a journal left by a killed process forward, so
 * every reader sees the whole old set or the whole new one; temporaries
 * not named by a journal belong to dead processes and are removed then.
 *
 * Temporaries are created with O_CREAT | O_EXCL | O_NOFOLLOW in the target
 * folder under an unpredictable name (".NAME.tmp.<12 hex digits>"), so
 * nothing planted in the folder can redirect them, and a final name is
 * replaced only when it is a regular file: a symbolic link, device, FIFO,
 * socket or folder there is refused (BS_E_INPUT), never replaced.
 */

/* The marker file that makes a folder bssim's own, and the journal of an
 * unfinished commit. */
#define BS_OUTDIR_MARK ".bssim"
#define BS_OUTDIR_JOURNAL ".bssim-commit"

/* Kinds of output folder (the marker's "kind:" line). A merge writes a
 * sweep's folder: the same files as `bssim sweep`. */
#define BS_KIND_RUN "run"
#define BS_KIND_SWEEP "sweep"
#define BS_KIND_COMPARE "compare"
#define BS_KIND_OPTIMIZE "optimize"

/* Create dir (and parents). 0, BS_E_INPUT when dir exists and is not a
 * folder, or BS_E_IO with err filled. */
int bs_mkdir_p(const char *dir, struct bs_error *err);

/* An output folder held by this process (open and locked). */
struct bs_outdir {
	char *path;
	int fd; /* the folder, O_RDONLY | O_DIRECTORY, locked; -1: none */
};

/*
 * Claim dir as an output folder of this kind: create it, or accept it when
 * it is empty or carries the marker (a folder bssim wrote before: its
 * files will be replaced); lock it; roll a pending commit forward and
 * remove stale temporaries; write the marker. Refused with BS_E_INPUT
 * naming the reason, unless force: a folder holding files but no marker
 * (naming one of them), or one whose marker names another kind (a run
 * into a sweep's folder). BS_E_IO when the folder cannot be created or
 * written, or another process holds its lock. od is cleared first; release
 * with bs_outdir_close (also after a failure; a zeroed struct is safe).
 */
int bs_outdir_open(struct bs_outdir *od, const char *dir, const char *kind,
		   int force, struct bs_error *err);
/* The same for a result of the scenario named name (NULL: any): a folder
 * holding another scenario's results (the marker's "name:" line, or for
 * a marker of an earlier bssim the name in its summary.json) is refused
 * too, unless force; the marker records name. */
int bs_outdir_open_as(struct bs_outdir *od, const char *dir, const char *kind,
		      const char *name, int force, struct bs_error *err);
void bs_outdir_close(struct bs_outdir *od);

/* The checks of bs_outdir_open without creating or changing anything, for
 * commands that read their inputs first (merge): 0 when dir does not
 * exist. */
int bs_outdir_check(const char *dir, const char *kind, int force,
		    struct bs_error *err);
int bs_outdir_check_as(const char *dir, const char *kind, const char *name,
		       int force, struct bs_error *err);

/* The list plots/plots.sh leaves of the files it drew into a folder. */
#define BS_OUTDIR_PLOTS ".bssim-plots"

/*
 * For a single file written into dir (report -o, import -o, ...): when dir
 * carries the marker, lock it as bs_outdir_open does (and settle it), but
 * leave its kind alone; otherwise od->fd is -1 and nothing is locked.
 * 0, or BS_E_IO when another process holds the lock.
 */
int bs_outdir_join(struct bs_outdir *od, const char *dir,
		   struct bs_error *err);

/*
 * For readers of finished results (show, report, plotdata, compare
 * --sweep, merge): when path (a folder, or a file in one) has a pending
 * journal and no writer holds the folder, roll the journal forward. Best
 * effort and silent: a folder that cannot be locked or written is read as
 * it is.
 */
void bs_outdir_settle(const char *path);

/*
 * Is path fit to be replaced by an output (opt names the option, for the
 * message; may be NULL)? 0 when it does not exist or is a regular file;
 * BS_E_INPUT naming what it is otherwise, or when it names a folder
 * ("out/"). Cost: one lstat.
 */
int bs_output_check_target(const char *path, const char *opt,
			   struct bs_error *err);

/* The same for names[0..n) inside dir (a result set's files). */
int bs_output_check_names(const char *dir, const char *const *names,
			  size_t n, struct bs_error *err);

/*
 * A set of files written to temporary names, then committed together (see
 * above). The FILE streams from bs_staged_open are the caller's until
 * bs_staged_close (or fclose on an error path); the rest is released by
 * bs_staged_release.
 */
struct bs__ostream;
struct bs__staged_file {
	char *tmp, *final;         /* names in dir */
	struct bs__ostream *os;
	FILE *fp;                  /* open, not yet closed by bs_staged_close */
	int closed;                /* written, flushed, fsync'ed, closed */
};
struct bs_staged {
	char *dir;
	int dirfd;
	size_t n;
	struct bs__staged_file *f;
	size_t nrm;
	char **rm;                 /* names removed by the commit */
};

/* Create dir if needed and open it. 0 or BS_E_* with err filled. */
int bs_staged_init(struct bs_staged *st, const char *dir,
		   struct bs_error *err);
/* Open a temporary file that will become dir/name. NULL with err. */
FILE *bs_staged_open(struct bs_staged *st, const char *name,
		     struct bs_error *err);
/* Flush, fsync and close fp; BS_E_IO naming dir/name and the system's
 * reason on any error of any write to fp. */
int bs_staged_close(struct bs_staged *st, FILE *fp, const char *name,
		    struct bs_error *err);
/* Have the commit remove dir/name too (an optional file of an earlier
 * set that this one does not have), when it is a regular file. 0 or
 * BS_E_NOMEM. */
int bs_staged_remove(struct bs_staged *st, const char *name,
		     struct bs_error *err);
/* Have the commit remove the plots and report drawn from the folder's
 * previous result too: the files BS_OUTDIR_PLOTS lists (those ending in
 * .png, .svg or .html: what plots.sh draws), the list itself, and for a
 * folder plotted before the list existed the plots' fixed names. Plots
 * then never sit beside results they were not drawn from. 0 or
 * BS_E_NOMEM. Cost: one read of the list (at most 1 MiB). */
int bs_staged_drop_plots(struct bs_staged *st, struct bs_error *err);
/* Commit every closed file (see above). BS_E_INPUT when a final name is
 * not a regular file (nothing is renamed), BS_E_IO otherwise. */
int bs_staged_commit(struct bs_staged *st, struct bs_error *err);
/* Remove the temporary files not yet committed and release. */
void bs_staged_release(struct bs_staged *st);


/* {"mean", "sd", "ci95_low", "ci95_high"} of a statistic (NaN as null). */
struct bs_stat;
json_t *bs_stat_json(const struct bs_stat *st);

struct bs_trips;

/* Trip logs of replications 1..nreps, streamed to temporaries in dir
 * (which must exist; the run holds its lock). NULL with err filled. */
struct bs_trips *bs_trips_new(const char *dir, const struct bs_network *net,
			      uint32_t nreps, struct bs_error *err);
/* Runner hooks (see runner.h). */
int bs_trips_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks);
int bs_trips_end(void *ud, uint32_t rep, int rc);
/* The first failure of a trip log (the lowest-numbered replication whose
 * log could not be written), as an error naming trips.csv and the
 * system's reason. 0 when none failed, else BS_E_IO with err filled. */
int bs_trips_error(const struct bs_trips *t, struct bs_error *err);
void bs_trips_free(struct bs_trips *t);

/* The summary.json document of a run of sc over net; input_warnings:
 * the inputs' rows skipped safely. New reference. */
/* "names": {"wards": {WARD: {"en", "ja", "code"}}} from network.names
 * (wards without a row left out), as summary.json and sweep.json's points
 * hold it; NULL without a names table. */
json_t *bs_output_names_json(const struct bs_network *net);

json_t *bs_output_summary_json(const struct bs_scenario *sc,
			       const struct bs_network *net,
			       long input_warnings,
			       const struct bs_summary *s,
			       const struct bs_run_info *info);

/* One of the run's tables ("replications", "stations", "timeseries",
 * "flows") onto fp, the bytes of its file. BS_E_INPUT for another name. */
int bs_output_write_table(FILE *fp, const char *table,
			  const struct bs_network *net,
			  const struct bs_summary *s,
			  struct bs_rep_result *const *reps, size_t nreps);

/* The most files a run writes (bs_output_run_names). */
#define BS_RUN_FILES_MAX 12
/* The names of the files a run of sc writes (names has room for
 * BS_RUN_FILES_MAX); their count. For bs_output_check_names before a run. */
size_t bs_output_run_names(const struct bs_scenario *sc, const char **names);

/*
 * Write every result file of a run into dir (created if needed; the
 * caller holds its lock) as one commit, removing the optional files of an
 * earlier run that this one does not write (trips.csv, stations.geojson).
 * trips may be NULL; it covers replications 1..nreps.
 */
int bs_output_write_run(const char *dir, const struct bs_scenario *sc,
			const struct bs_network *net, long input_warnings,
			const struct bs_summary *s,
			struct bs_rep_result *const *reps, size_t nreps,
			const struct bs_run_info *info, struct bs_trips *trips,
			struct bs_error *err);

/*
 * Several single files (a stations CSV and its stock, a rates table and
 * its profile and OD table), all written before any is committed: every
 * target is checked (a regular file or a new one; -o names the option in
 * the message), the folders holding them are joined (and locked when
 * bssim's), each file is written through fn, and each folder's set is
 * committed. Entries with a NULL path are skipped. 0, or BS_E_INPUT
 * (nothing replaced; err->key names the option) or BS_E_IO with err
 * filled.
 */
struct bs_outfile {
	const char *path, *opt;
	void (*fn)(const void *ud, FILE *fp);
	const void *ud;
};
int bs_output_write_files(const struct bs_outfile *outs, size_t n,
			  struct bs_error *err);

/* runs.c: finished runs, for plotdata, the report and results. */
/* dir/name (in buf) when path is a folder (dir/name.gz when only that
 * one exists: output.gzip), else path itself. */
const char *bs_output_input_file(const char *path, const char *name, char *buf,
			      size_t sz);
/* A summary.json (new reference), or NULL with err filled. */
json_t *bs_output_load_summary(const char *path, struct bs_error *err);
/*
 * Names for runs side by side: their scenario names, or when two share one
 * (one scenario run with different --set) their folder names, or the paths
 * as given. labels[] (n, NULL or owned strings) receives new strings the
 * caller frees. 0, or -1 when out of memory.
 */
int bs_output_run_labels(char *const *dirs, json_t *const *docs, size_t n,
		      char **labels);

#endif
