/*
 * testutil.h - the shared test helpers (testbase.h) with the library's
 * internal headers, for the suites that test internals.
 */
#ifndef BSSIM_TESTUTIL_H
#define BSSIM_TESTUTIL_H

#include "testbase.h"

#include <string.h>

#include "calib/world.h"
#include "exp/runner.h"
#include "input/scenario.h"
#include "stats/metrics.h"

/* A scenario run in memory for the analytic tests: TU_RUN_REPS
 * replications on two threads, and their summary (intervals). */
#define TU_RUN_REPS 20
struct tu_run {
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_rep_result *reps[TU_RUN_REPS];
	struct bs_summary *sum;
};
/* Run the scenario text json (its replications must be TU_RUN_REPS;
 * relative paths from dir), failing the test on any error. Here, not in
 * testutil.c: testutil.o is linked into the API suites too, which see
 * only bssim.h. */
static inline void tu_run_json(struct tu_run *R, const char *dir,
			       const char *json)
{
	struct bs_error err;
	struct bs_runner_opts o;
	uint32_t nd;

	R->sc = tu_scenario(dir, json, &err);
	ck_assert_msg(R->sc != NULL, "%s", err.text);
	R->w = bs_world_build(R->sc, &err);
	ck_assert_msg(R->w != NULL, "%s", err.text);
	memset(&o, 0, sizeof(o));
	o.nreps = TU_RUN_REPS;
	o.jobs = 2;
	ck_assert_int_eq(bs_run_replications(&R->w->model, &o, R->reps, &nd, &err), 0);
	R->sum = bs_summary_new(R->w->net, R->reps, TU_RUN_REPS);
	ck_assert_ptr_nonnull(R->sum);
}

static inline void tu_run_free(struct tu_run *R)
{
	for (int i = 0; i < TU_RUN_REPS; i++)
		bs_rep_result_free(R->reps[i]);
	bs_summary_free(R->sum);
	bs_world_free(R->w);
	bs_scenario_free(R->sc);
}

/* 1 in a build under AddressSanitizer, which reserves terabytes of
 * shadow memory: address-space limits (setrlimit RLIMIT_AS) cannot be
 * tested there. */
#if defined(__SANITIZE_ADDRESS__)
#define TU_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_UNDER_ASAN 1
#endif
#endif
#ifndef TU_UNDER_ASAN
#define TU_UNDER_ASAN 0
#endif

#endif
