/*
 * sweep.h - sweep files (format version 1, DESIGN.md section 5) and the
 * files a sweep leaves in its output folder.
 *
 *   { "bssim_sweep": 1, "base": "tokyo4_full.json", "replications": 10,
 *     "set":  { "horizon.days": 7 },
 *     "vary": { "fleet.bikes": [2000, 3000], "agreement.type": ["isolated", "full"] } }
 *
 * `set` applies to every point; `vary` takes the cartesian product, points
 * numbered from 1 in product order (last key fastest). A point's scenario
 * is the base scenario with the `set` keys, `replications`, and the point's
 * values applied as --set overrides are (same validation, same meaning of
 * null). Tasks are (point, replication) pairs numbered from 0 in point
 * order: task = (point - 1) * replications + replication - 1. Shard I of N
 * owns the tasks with task mod N = I - 1 (round robin, so that shards get
 * a share of every point and of its cost).
 *
 * The plan (sweep_plan.json in the output folder) records what the sweep
 * is: each point's values, resolved scenario and wards, and a fingerprint
 * of all that (with the stations files' bytes, the metric names and the
 * bssim version). Outputs are written from the plan and the task logs
 * alone, so `bssim merge` needs neither the sweep file nor the scenarios,
 * and a resumed, sharded or MPI sweep writes the same bytes as one run.
 *
 * Errors name the sweep file, line and column of the key or value at
 * fault, and the point when the fault is in one point's scenario.
 *
 * Ownership: bs_sweep_load / bs_sweep_plan_load return a sweep freed with
 * bs_sweep_free; scenarios from bs_sweep_scenario are the caller's.
 */
#ifndef BSSIM_SWEEP_H
#define BSSIM_SWEEP_H

#include <stdint.h>

#include <jansson.h>

#include "base/common.h"
#include "base/limits.h"
#include "input/scenario.h"
#include "exp/tasklog.h"
#include "stats/sens.h"

#define BS_SWEEP_PLAN_NAME "sweep_plan.json"

struct bs_sweep_dim {
	char *key;      /* a scenario key, dotted */
	json_t *values; /* non-empty array, borrowed from doc; an item may be
			 * {"label": ..., "value": ...}: bs__sweep_value.
			 * A design key's: its values at the design's rows,
			 * borrowed from design.values */
	int design;     /* a key of design.ranges (the last design.k dims) */
};

/*
 * A designed experiment (sweepdesign.c, docs/sweeps.md "Designed
 * experiments"): `rows` points over the design's k keys, crossed with the
 * cartesian product of `vary` (the design fastest: point p is row
 * p mod rows of cell p / rows). type NONE: a cartesian sweep only.
 */
struct bs_sweep_design {
	enum bs_design_type type;
	size_t n;        /* base points ("points") */
	size_t k;        /* keys */
	size_t rows;     /* points per cell: n, or n (k + 2) */
	size_t cells;    /* points of the cartesian vary (1 without) */
	uint64_t seed;   /* of the design and of the bootstrap */
	size_t boot;     /* bootstrap resamples */
	json_t *values;  /* [k] arrays of rows values (from a sweep file) */
};

struct bs_sweep {
	char *file;        /* the sweep file as given (or the plan's path) */
	char *text;        /* its text, for locating errors; NULL from a plan */
	size_t textlen;
	json_t *doc;       /* the sweep file's JSON */
	char *name;        /* output name: "name", else the file's base name */

	/* To make points' scenarios (NULL when loaded from a plan). */
	char *base_file;   /* resolved against the sweep file's folder */
	char *base_text;
	json_t *base;
	struct bs_set *fixed; /* set, then replications: every point */
	char **fixed_origin;       /* where each is in the sweep file */
	size_t nfixed;

	struct bs_sweep_dim *dims;
	size_t ndims;      /* the varied keys, then the design's */
	struct bs_sweep_design design;
	size_t npoints;
	uint32_t reps;
	uint64_t ntasks;

	json_t *plan;          /* after bs_sweep_plan / bs_sweep_plan_load */
	char fingerprint[17];  /* 16 hex digits */
	/* After bs_sweep_plan (NULL from a plan file): [npoints], the first
	 * point with point p's world key (bs_world_key): points sharing a
	 * world have the same number. The job hands tasks out grouped by it
	 * (sweeprun.c), so each world is built about once. */
	size_t *world_of;
};

/*
 * Read and check a sweep file and its base scenario; resolve the first
 * point (to learn the replications). Worlds are not built: see
 * bs_sweep_plan. NULL with err filled.
 */
struct bs_sweep *bs_sweep_load(const char *path, struct bs_error *err);

/*
 * Check every point as a run would before it starts (scenario and world:
 * stations files, ward names, fleet size), on `jobs` threads, and build
 * the plan and the fingerprint. BS_E_INPUT naming the lowest-numbered
 * point at fault, whatever the number of threads. Costs one world build
 * per point (about 60 ms on the Tokyo network).
 */
int bs_sweep_plan(struct bs_sweep *sw, unsigned jobs, struct bs_error *err);

/* Scenario of point p (0-based). NULL with err filled (located in the
 * sweep file when one of its keys caused it, and naming the point). */
struct bs_scenario *bs_sweep_scenario(const struct bs_sweep *sw, size_t p,
				      struct bs_error *err);

/* "point 3 (fleet.bikes=3000, agreement.type=\"full\")" */
void bs_sweep_label_of(const struct bs_sweep *sw, size_t p, char *buf,
			  size_t size);

/* The plan's entry for point p (0-based): {"point", "values", "wards",
 * "scenario"}. Borrowed. */
json_t *bs_sweep_point(const struct bs_sweep *sw, size_t p);

/* Write dir/sweep_plan.json (staged, renamed into place). */
int bs_sweep_write_plan(const struct bs_sweep *sw, const char *dir,
			struct bs_error *err);

/* The plan of a sweep output folder (for merge and compare). Checks its
 * structure only: see bs_sweep_plan_check. */
struct bs_sweep *bs_sweep_plan_load(const char *dir, struct bs_error *err);

/* Can this bssim read the plan's records (the same metrics)? 0 or
 * BS_E_INPUT. Separate, so that merge first tells shards of different
 * sweeps apart whatever version wrote them. */
int bs_sweep_plan_check(const struct bs_sweep *sw, struct bs_error *err);

void bs_sweep_free(struct bs_sweep *sw);

/* Parse "I/N" (1 <= I <= N <= 1000000). 0 or -1. */
int bs_shard_parse(const char *s, uint32_t *i, uint32_t *n);

static inline int bs_shard_owns(uint64_t task, uint32_t i, uint32_t n)
{
	return task % n == (uint64_t)(i - 1);
}

/* ---- outputs (sweepout.c) ------------------------------------------------ */

/* Facts of the machine and the moment: only under "run" in sweep.json. */
struct bs_sweep_info {
	double wall_s;
	char host[256];
	char started_utc[32];
	const char *mode;       /* "threads", "mpi" or "merge" */
	unsigned workers;       /* threads or ranks */
	uint64_t resumed;       /* tasks found done in the folder */
	size_t nsources;        /* folders merged */
	/* a job's (0 for a merge): seconds from the start to the first
	 * task (every point checked, the folder, the log, the plan), and
	 * the worlds its threads built while the tasks ran (none for
	 * MPI ranks' worlds) and the seconds they took, summed */
	double setup_s;
	int ran_here;           /* the job's threads ran its tasks */
	uint64_t world_builds;
	double world_build_s;
};

/*
 * Write sweep.csv, sweep_replications.csv and sweep.json into dir from the
 * plan and the indexed task records, which must cover every task (else
 * BS_E_INPUT saying how many are missing). With `standalone`, also
 * sweep_plan.json and the task log joined in task order (bssim merge: the
 * folder is then like the output of one run). All files are staged and
 * renamed together.
 */
int bs_sweep_write_outputs(const struct bs_sweep *sw, struct bs_taskindex *ix,
			   const char *dir, const struct bs_sweep_info *info,
			   int standalone, struct bs_error *err);

/* sweep.c, for sweepplan.c: the value indices of point p (one per
 * varied key), and an error located at point p's value. */
void bs__sweep_point_index(const struct bs_sweep *sw, size_t p, size_t *idx);
/* Value i of varied key d (a labelled item's "value"), borrowed; and its
 * label ({"label": ..., "value": ...} in the sweep file), or NULL. */
const json_t *bs__sweep_value(const struct bs_sweep *sw, size_t d, size_t i);
const char *bs__sweep_label(const struct bs_sweep *sw, size_t d, size_t i);
void bs__sweep_remap(const struct bs_sweep *sw, size_t p, struct bs_error *err);

/* sweep.c, for sweepdesign.c: an error at a path of the sweep file
 * (BS_E_INPUT); a set or varied key checked against the key table; a
 * varied key against the keys holding it or held by it. */
int bs__sweep_err(const struct bs_sweep *sw, struct bs_error *err,
		  const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
int bs__sweep_check_key(const struct bs_sweep *sw, const char *where,
			const char *key, struct bs_error *err);
int bs__sweep_check_nesting(struct bs_sweep *sw, const char *path,
			    const char *k, json_t *set, struct bs_error *err);

/* ---- designed experiments (sweepdesign.c) -------------------------------- */

/* Read the sweep file's "design" (may be NULL: none), check it against
 * set and vary, generate its points and append its keys to sw->dims.
 * Call after the cartesian dims are read; sets sw->npoints. */
int bs__sweep_design_parse(struct bs_sweep *sw, json_t *design, json_t *set,
			   json_t *vary, double cart_points,
			   struct bs_error *err);
/* The plan's "design" member (NULL without a design: new reference). */
json_t *bs__sweep_design_json(const struct bs_sweep *sw);
/* Read it back from a plan: 0 or BS_E_INPUT (damaged). */
int bs__sweep_design_load(struct bs_sweep *sw, const json_t *d);
/* "lhs design of 64 points over 3 keys ..." for --check. */
void bs__sweep_design_text(const struct bs_sweep *sw, char *buf, size_t size);

/* ---- sensitivity (sweepsens.c) ------------------------------------------- */

struct bs_sens_acc;
/* An accumulator for the sweep's design (NULL without one, or *rc =
 * BS_E_NOMEM). */
struct bs_sens_acc *bs__sens_new(const struct bs_sweep *sw, int *rc);
/* Point p's replications vals[reps][(W + 1) * BS_METRIC_N], in point
 * order; at the end of each cell, its indices are written to csv (the
 * header first, at point 0) and kept for sweep.json. 0 or BS_E_NOMEM. */
int bs__sens_add(struct bs_sens_acc *a, size_t p, const double *vals,
		 size_t W, FILE *csv);
/* sweep.json's "sensitivity" (borrowed from a). */
json_t *bs__sens_json(struct bs_sens_acc *a);
void bs__sens_free(struct bs_sens_acc *a);

#endif
