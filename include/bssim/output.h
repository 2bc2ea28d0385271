/*
 * output.h - the result files of `bssim run` (DESIGN.md section 5):
 * summary.json, replications.csv, stations.csv, timeseries.csv, flows.csv
 * and, when asked, trips.csv and stations.geojson (RFC 7946, one Point per
 * port with the stations.csv columns as properties).
 *
 * All-or-nothing: every file is first written in full to a hidden temporary
 * name in the output folder (flushed, fsync'ed, checked), and only when all
 * of them are complete are they renamed into place. A full disk or an
 * unwritable folder leaves the previous files as they were and reports
 * BS_E_IO; it never leaves a truncated CSV under a real name.
 *
 * Trip logs stream: each replication writes its own hidden file as trips
 * end (memory does not grow with trips), and the files are joined in
 * replication order at the end, so the bytes do not depend on threads.
 */
#ifndef BSSIM_OUTPUT_H
#define BSSIM_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "bssim/metrics.h"
#include "bssim/scenario.h"
#include "bssim/sim.h"
#include "bssim/world.h"

struct bs_run_info {
	double wall_s;
	char host[256];
	char started_utc[32];
	unsigned jobs;
	uint32_t requested_reps;
	int interrupted;
};

/* A set of files written to temporary names, then renamed together. */
struct bs_staged {
	char *dir;
	size_t n;
	char **tmp, **final;
};

/* Create dir (and parents). 0 or BS_E_IO with err filled. */
int bs_mkdir_p(const char *dir, struct bs_error *err);

/* The marker file that makes a folder bssim's own. */
#define BS_OUTDIR_MARK ".bssim"

/*
 * Make dir an output folder of bssim's: create it, or accept it when it is
 * empty or carries BS_OUTDIR_MARK (a folder bssim wrote before: its files
 * will be replaced). A folder holding other files is refused with
 * BS_E_INPUT naming one of them, unless force. Then writes the marker.
 * BS_E_IO when the folder cannot be created or written.
 */
int bs_outdir_claim(const char *dir, int force, struct bs_error *err);

/* The claim in two halves, for commands that find bad input while
 * writing (merge): check an existing folder without creating anything,
 * then mark it once its files are written. */
int bs_outdir_check(const char *dir, int force, struct bs_error *err);
int bs_outdir_mark(const char *dir, struct bs_error *err);

int bs_staged_init(struct bs_staged *st, const char *dir,
		   struct bs_error *err);
/* Open a temporary file that will become dir/name. NULL with err. */
FILE *bs_staged_open(struct bs_staged *st, const char *name,
		     struct bs_error *err);
/* Flush, fsync and close fp; BS_E_IO naming the file on any error. */
int bs_staged_close(struct bs_staged *st, FILE *fp, const char *name,
		    struct bs_error *err);
/* Rename every file into place. */
int bs_staged_commit(struct bs_staged *st, struct bs_error *err);
/* Remove the temporary files not yet committed and release. */
void bs_staged_release(struct bs_staged *st);

/* Write one CSV field, quoted when it holds a comma, quote or line end. */
void bs_csv_put(FILE *fp, const char *s);
/* Write a number as CSV/JSON-friendly text (%.12g; NaN as "NaN"). */
void bs_csv_num(FILE *fp, double v);

/* A JSON real, or null for NaN/inf (jansson refuses those). New ref. */
json_t *bs_json_num(double v);

/* {"mean", "sd", "ci95_low", "ci95_high"} of a statistic (NaN as null). */
struct bs_stat;
json_t *bs_stat_json(const struct bs_stat *st);

struct bs_trips;

struct bs_trips *bs_trips_new(const char *dir, const struct bs_network *net,
			      uint32_t nreps, struct bs_error *err);
/* Runner hooks (see runner.h). */
int bs_trips_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks);
int bs_trips_end(void *ud, uint32_t rep, int rc);
void bs_trips_free(struct bs_trips *t);

/* The summary.json document. New reference. */
json_t *bs_output_summary_json(const struct bs_scenario *sc,
			       const struct bs_world *w,
			       const struct bs_summary *s,
			       const struct bs_run_info *info);

/*
 * Write every result file of a run into dir (created if needed). trips may
 * be NULL; it covers replications 1..nreps.
 */
int bs_output_write_run(const char *dir, const struct bs_scenario *sc,
			const struct bs_world *w, const struct bs_summary *s,
			struct bs_rep_result *const *reps, size_t nreps,
			const struct bs_run_info *info, struct bs_trips *trips,
			struct bs_error *err);

#endif
