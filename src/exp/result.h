/*
 * result.h - a run's results (the public bs_result): what `bssim run`
 * computed in memory, or what a finished run's folder holds.
 *
 * Both kinds answer the same questions from the same data: the
 * summary.json document (metrics by ward, matrices, the resolved
 * scenario) and the per-replication values of replications.csv. A result
 * in memory also keeps the replications, its world and scenario (by
 * reference), so that it can write its files or render any table as the
 * CSV `bssim run` writes; one opened from a folder reads its files.
 *
 * Ownership: the result holds a reference to its scenario (which holds
 * the world); bs_result_free drops it.
 */
#ifndef BS_EXP_RESULT_H
#define BS_EXP_RESULT_H

#include <stdint.h>

#include <jansson.h>

#include "bssim.h"
#include "model/sim.h"
#include "output/output.h"
#include "stats/metrics.h"

struct bs_result {
	char *dir;             /* written to or opened from; NULL: memory */
	json_t *summary;       /* summary.json's document */
	size_t nwards;
	char **wards;          /* [nwards], summary's ward order */
	uint32_t nreps;
	double *vals;          /* [nreps][nwards + 1][BS_METRIC_N] */
	/* in memory only (NULL when opened from a folder) */
	struct bs_scenario *sc; /* a reference */
	struct bs_summary *sum;
	struct bs_rep_result **reps; /* [requested], the first nreps set */
	uint32_t requested;
	struct bs_run_info info;
};

/* A result of nreps finished replications of sc (its world built): takes
 * over reps and sum, takes a reference to sc. NULL when out of memory
 * (reps and sum freed). */
struct bs_result *bs__result_new(struct bs_scenario *sc,
				 struct bs_rep_result **reps,
				 uint32_t requested, uint32_t nreps,
				 struct bs_summary *sum,
				 const struct bs_run_info *info);

/* Write an in-memory result's files into the locked folder dir (the
 * caller holds od). trips may be NULL. */
int bs__result_write_files(struct bs_result *r, const char *dir,
			   struct bs_trips *trips, struct bs_error *err);

#endif
