/*
 * optimize.h - optimise files (docs/optimize.md) and the two things they
 * ask for: an allocation of a fleet budget over ports (a greedy exchange
 * search with paired confirmation) and the selection of the best of K
 * scenarios (Kim & Nelson's fully sequential procedure). Both use common
 * random numbers: replication r of every allocation and every scenario
 * draws the same streams wherever the models agree.
 *
 *   { "bssim_optimize": 1, "base": "tokyo4_full.json", "replications": 10,
 *     "set": { "horizon.days": 1 },
 *     "objective": { "maximize": "reach_level" },
 *     "budget": { "bikes": 2726, "wards": { "Minato": 900 } },
 *     "search": { "block": 8, "candidates": 4, "max_evaluations": 200 } }
 *
 *   { "bssim_optimize": 1, "objective": { "maximize": "reach_level" },
 *     "select": { "scenarios": ["a.json", "b.json"], "alpha": 0.05,
 *                 "delta": 0.002, "n0": 10, "max_replications": 500 } }
 *
 * Ownership: bs_optimize_load returns a handle freed by
 * bs_optimize_free; it owns its scenarios (and their worlds).
 */
#ifndef BSSIM_OPTIMIZE_H
#define BSSIM_OPTIMIZE_H

#include <stdint.h>

#include <jansson.h>

#include "base/common.h"
#include "input/scenario.h"
#include "model/sim.h"

#define BS_OPT_MAX_TERMS 16

/* An objective: maximise or minimise sum coef[t] x metric[t] of one ward
 * (or the whole network), per replication. */
struct bs_opt_objective {
	int maximize;
	size_t nterms;
	int metric[BS_OPT_MAX_TERMS];
	double coef[BS_OPT_MAX_TERMS];
	char *ward;       /* NULL: the whole network */
	char text[400];   /* "maximize reach_level", for people */
};

/* Each replication's objective (sign not applied) from its result: ward w
 * of net (w == nwards: all). */
double bs__opt_objective_value(const struct bs_opt_objective *ob,
			       const struct bs_rep_result *r,
			       const struct bs_network *net, size_t w);

enum { BS_OPT_ALLOCATE = 0, BS_OPT_SELECT = 1 };

struct bs_optimize {
	char *file, *text, *name;
	size_t textlen;
	json_t *doc;
	int mode;
	struct bs_opt_objective obj;
	size_t ward;           /* the objective's ward index (nwards: all) */
	uint32_t reps;         /* search (allocate) or first-stage cap */
	double confidence;     /* of every paired interval (0.95) */

	/* allocate */
	struct bs_scenario *sc;
	uint64_t budget;       /* total bikes */
	int at_most;           /* budget.mode "at_most": the fleet may shrink */
	uint64_t *ward_budget; /* [nwards]; UINT64_MAX: ward not named */
	uint32_t block, candidates, max_evals, final_reps;
	uint32_t *start;       /* [n] the starting allocation */
	const struct bs_monitor *monitor; /* of the run in progress, or NULL */

	/* select */
	size_t nsys;
	struct bs_scenario **sys;
	char **sys_files;      /* as given */
	double alpha, delta;
	uint32_t n0, max_reps;
};

/* optfile.c: the loaded file, every scenario checked (exit-2 errors). */
struct bs_optimize *bs__optimize_load(const char *path, struct bs_error *err);
void bs__optimize_free(struct bs_optimize *o);

/* opteval.c: replications rep0 + 1 .. rep0 + nreps of model m with the
 * stock `stock` (the fleet is its sum), on jobs threads: each one's
 * objective into obj[nreps]; when f is not NULL, the per-port proxy into
 * f[off[i] + s] for s in 0..cap[i] (see opteval.c). 0, BS_E_INTERRUPTED
 * or a failure with err filled. */
int bs__opt_evaluate(const struct bs_model *m, const uint32_t *stock,
		     uint32_t rep0, uint32_t nreps, unsigned jobs,
		     const struct bs_opt_objective *ob, size_t ward,
		     double *obj, const size_t *off, double *f,
		     struct bs_error *err);

/* A paired interval of a - b (NaN pairs skipped) at confidence conf. */
struct bs_opt_pair {
	uint32_t n;
	double mean, sd, lo, hi;
};
void bs__opt_pair(const double *a, const double *b, uint32_t n, double conf,
		  struct bs_opt_pair *out);
/* The interval of the mean of x[0..n) at conf. */
void bs__opt_mean(const double *x, uint32_t n, double conf,
		  struct bs_opt_pair *out);

/* ---- the allocation search (optsearch.c) -------------------------------- */

struct bs_opt_step {
	uint32_t iteration;      /* accepted moves so far, this one included */
	uint32_t evaluation;
	uint32_t from, to;       /* station indices; UINT32_MAX: the pool */
	uint32_t bikes;
	/* a compound move: nmore further (from, to) pairs of `bikes` each,
	 * made together with the first (more[] owned by the search result) */
	uint32_t nmore;
	uint32_t *more;          /* [2 nmore] from, to, from, to, ... */
	double predicted;        /* the proxy's gain */
	struct bs_opt_pair diff; /* improvement (sign applied) */
	int accepted;
	double objective;        /* the current allocation's mean after it */
	struct bs_opt_pair cur;  /* its interval */
};

struct bs_opt_search {
	uint32_t *alloc;         /* [n] the final allocation */
	struct bs_opt_step *steps;
	size_t nsteps, capsteps;
	uint32_t accepted, evaluations;
	char stop[300];          /* why it stopped, for people */
	int best_rejected;       /* steps[] index of the best rejected move
				  * of the last round, -1: none */
	/* before/after: on the search's replications, and on fresh ones */
	struct bs_opt_pair before, after, gain;
	struct bs_opt_pair before_new, after_new, gain_new;
	uint64_t fleet_before, fleet_after;
	double wall_s;
};

int bs__opt_search(struct bs_optimize *o, unsigned jobs,
		   struct bs_opt_search *out, struct bs_error *err);
void bs__opt_search_release(struct bs_opt_search *s);

/* ---- selection (optselect.c) --------------------------------------------- */

/* Observations of system sys for replications rep0 + 1 .. rep0 + n into
 * x[n]: 0 or a failure with err filled. */
typedef int (*bs_kn_sample_fn)(void *ud, size_t sys, uint32_t rep0,
			       uint32_t n, double *x, struct bs_error *err);

struct bs_kn_result {
	size_t k, winner;
	uint32_t *reps;          /* [k] replications each used */
	uint32_t *elim_at;       /* [k] stage eliminated (0: not) */
	double *mean;            /* [k] sample means over reps[i] */
	double h2, eta;
	int capped;              /* the cap ended it: the largest mean won */
	uint64_t total_reps;
};

/* Kim & Nelson (2001), larger is better: k >= 2 systems, first stage n0
 * >= 2, 0 < alpha < 1 - 1/k, delta > 0, at most max_reps replications
 * of each; batch replications run at a time (results do not depend on
 * it). 0 or a failure with err filled; release with bs__kn_release. */
int bs__kn_select(size_t k, uint32_t n0, double alpha, double delta,
		  uint32_t max_reps, uint32_t batch, bs_kn_sample_fn fn,
		  void *ud, struct bs_kn_result *out, struct bs_error *err);
void bs__kn_release(struct bs_kn_result *r);

/* The selection among the file's scenarios, objective signed so that
 * larger is better. */
int bs__opt_select(struct bs_optimize *o, unsigned jobs,
		   struct bs_kn_result *out, struct bs_error *err);

#endif
