/*
 * harness.c - time bssim's event loop on a scenario (`make bench`).
 *
 *   harness SCENARIO.json [REPLICATIONS]
 *
 * Loads the scenario and builds the model (timed separately), then runs
 * the replications one after another on this thread and prints one CSV
 * line: scenario,stations,bikes,days,replications,setup_s,run_s,events,
 * completed_trips,events_per_s,trips_per_s,peak_rss_mib.
 * Peak memory is the process's maximum resident set (getrusage).
 * Times are the process's CPU time (CLOCK_PROCESS_CPUTIME_ID), as the
 * lean loop's: on the shared development machine the wall clock counts
 * the other programs too, and a ratio of wall times measured a minute
 * apart said more about the load than about the code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/rng.h"
#include "model/sim.h"
#include "calib/world.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct bs_error err;
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_sim *S;
	struct bs_rep_result *r;
	struct rusage ru;
	double t0, t1, t2, trips = 0.0;
	unsigned long long events = 0;
	uint32_t reps, k;

	if (argc < 2) {
		fprintf(stderr, "usage: harness SCENARIO.json [REPLICATIONS]\n");
		return 2;
	}
	bs_rng_setup();
	t0 = now();
	sc = bs_scenario_load(argv[1], NULL, 0, &err);
	w = sc ? bs_world_build(sc, &err) : NULL;
	if (!w) {
		char buf[2048];
		fprintf(stderr, "harness: %s\n", bs_error_format(&err, buf, sizeof(buf)));
		return 2;
	}
	reps = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : sc->p.replications;
	S = bs_sim_alloc(&w->model);
	r = bs_rep_result_alloc(&w->model);
	if (!S || !r) {
		fprintf(stderr, "harness: out of memory\n");
		return 1;
	}
	t1 = now();
	for (k = 1; k <= reps; k++) {
		if (bs_sim_run(S, k, NULL, r, &err)) {
			fprintf(stderr, "harness: run failed: %s\n", err.text);
			return 1;
		}
		events += r->events;
		trips += r->raw[r->nwards * BS_RAW_N + BS_RAW_COMPLETED];
	}
	t2 = now();
	getrusage(RUSAGE_SELF, &ru);
	printf("%s,%zu,%llu,%g,%u,%.3f,%.3f,%llu,%.0f,%.0f,%.0f,%.1f\n",
	       sc->name, w->net->n, (unsigned long long)w->model.fleet,
	       sc->p.days, reps, t1 - t0, t2 - t1, events, trips,
	       (double)events / (t2 - t1), trips / (t2 - t1),
	       (double)ru.ru_maxrss / 1024.0);
	bs_rep_result_free(r);
	bs_sim_free(S);
	bs_world_free(w);
	bs_scenario_free(sc);
	return 0;
}
