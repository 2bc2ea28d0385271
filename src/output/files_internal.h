/*
 * files_internal.h - what the output module's files share: the streams
 * every output file is written through (the fault hook and the first
 * errno live there), temporary names, and small helpers. Not installed;
 * names carry the bs__ prefix.
 */
#ifndef BS_OUTPUT_FILES_INTERNAL_H
#define BS_OUTPUT_FILES_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bssim.h"

struct bs__ostream {
	int fd;
	int err; /* errno of the first failure; 0: none */
};

FILE *bs__os_open(struct bs__ostream *os, int fd);
int bs__os_finish(struct bs__ostream *os, FILE *fp, int sync);
int bs__open_temp(int dirfd, const char *final, char *name, size_t sz);
int bs__is_temp_name(const char *n);
int bs__plain_name(const char *n);
const char *bs__what_is(mode_t m);
char *bs__join(const char *dir, const char *name);
int bs__not_regular(struct bs_error *err, const char *dir, const char *name, const char *opt, mode_t m);
uint64_t bs__rand64(void);
int bs__write_small(int dirfd, const char *dir, const char *final, const char *text, const char *what, struct bs_error *err);
/* trips.c: join the per-replication trip logs into out (runout.c writes
 * trips.csv): 0, or the errno of a read failure with *rep its
 * replication. */
struct bs_trips;
int bs__trips_join(struct bs_trips *t, uint32_t nreps, FILE *out,
		   uint32_t *rep);

/* xlsx.c: results.xlsx (output.xlsx) into out, a staged file of the
 * folder dir (named in messages): 0, BS_E_IO or BS_E_NOMEM with err
 * filled. */
struct bs_scenario;
struct bs_network;
struct bs_summary;
struct bs_rep_result;
int bs__xlsx_write(FILE *out, const char *dir, const struct bs_scenario *sc,
		   const struct bs_network *net, const struct bs_summary *s,
		   struct bs_rep_result *const *reps, size_t nreps,
		   struct bs_error *err);

/* gzout.c (output.gzip): a stream whose bytes are gzip-compressed into
 * dst (not closed with it); NULL when out of memory. bs__gz_close ends
 * the gzip data into dst and frees the stream: 0, or -1 when a write
 * into dst failed (dst's close then names the reason). */
FILE *bs__gz_open(FILE *dst);
int bs__gz_close(FILE *fp);

/* days.c: days.csv (output.days) onto fp; weekday0 the weekday of day 0
 * (0: Monday). */
void bs__write_days(FILE *fp, const struct bs_network *net, int weekday0,
		    struct bs_rep_result *const *reps, size_t nreps);
/* days.c, for results.xlsx's "days" sheet: the metrics of days.csv's
 * columns (their count; *metrics borrowed), day's weekday name, and a
 * one-day view of replication r (day k; day borrows r's arrays). */
size_t bs__day_columns(const int **metrics);
const char *bs__day_weekday(int weekday0, uint32_t day);
void bs__day_view(const struct bs_rep_result *r, size_t k,
		  struct bs_rep_result *day);
/* runout.c: how many replications timeseries.csv holds (the first ones;
 * output.timeseries_replications). */
size_t bs__ts_reps(const struct bs_scenario *sc, size_t nreps);

#endif
