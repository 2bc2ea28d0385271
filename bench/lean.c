/*
 * lean.c - the reference: a lean hand-written event loop of the
 * homogeneous model, to measure bssim against (`make bench`).
 *
 * Same model as bench/homog_*.json: N ports of K docks, B bikes spread
 * evenly, Poisson arrivals of lambda per port per hour (one aggregated
 * stream, port chosen uniformly), destination uniform over the other
 * ports, exponential rides of mean M minutes, a full port sends the rider
 * to a uniformly random other port on a new exponential ride. No walking,
 * no warm-up, no statistics but the count of completed trips.
 *
 * Lean on purpose: anonymous bikes (counts per port only), one GSL mt19937
 * stream, a binary heap of (time, port) returns, the next arrival kept out
 * of the heap. It is what a careful programmer writes in an afternoon for
 * this one model; bssim carries individual bikes, owners, agreements,
 * per-station random streams (common random numbers) and accounting.
 *
 *   lean N K BIKES LAMBDA_PER_HOUR MEAN_MIN DAYS SEED
 * prints: completed_trips events seconds trips_per_second
 * (seconds of the process's CPU time, as the harness's: on a shared
 * machine the wall clock also counts the time other programs ran)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

struct ev {
	double t;
	unsigned port;
};

static struct ev *heap;
static size_t hn;

static void push(double t, unsigned port)
{
	size_t i = hn++;

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (heap[p].t <= t)
			break;
		heap[i] = heap[p];
		i = p;
	}
	heap[i].t = t;
	heap[i].port = port;
}

static struct ev pop(void)
{
	struct ev top = heap[0], last = heap[--hn];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= hn)
			break;
		if (c + 1 < hn && heap[c + 1].t < heap[c].t)
			c++;
		if (last.t <= heap[c].t)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (hn)
		heap[i] = last;
	return top;
}

static unsigned other(gsl_rng *r, unsigned n, unsigned from)
{
	unsigned k = (unsigned)gsl_rng_uniform_int(r, n - 1);

	return k >= from ? k + 1 : k;
}

int main(int argc, char **argv)
{
	unsigned n, k, *count, i;
	unsigned long bikes, done = 0, events = 0;
	double lam, mean, end, t_arr, rate;
	gsl_rng *r;
	struct timespec t0, t1;
	double secs;

	if (argc != 8) {
		fprintf(stderr, "usage: lean N K BIKES LAMBDA_PER_HOUR MEAN_MIN DAYS SEED\n");
		return 2;
	}
	n = (unsigned)strtoul(argv[1], NULL, 10);
	k = (unsigned)strtoul(argv[2], NULL, 10);
	bikes = strtoul(argv[3], NULL, 10);
	lam = strtod(argv[4], NULL) / 60.0;
	mean = strtod(argv[5], NULL);
	end = strtod(argv[6], NULL) * 1440.0;
	if (n < 2 || bikes > (unsigned long)n * k) {
		fprintf(stderr, "lean: bad sizes\n");
		return 2;
	}
	r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, strtoul(argv[7], NULL, 10));
	count = calloc(n, sizeof(unsigned));
	heap = malloc((bikes + 1) * sizeof(struct ev));
	for (i = 0; i < n; i++)
		count[i] = (unsigned)(bikes / n + (i < bikes % n));
	rate = lam * n;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	t_arr = gsl_ran_exponential(r, 1.0 / rate);
	for (;;) {
		if (hn && heap[0].t < t_arr) {
			struct ev e = pop();
			if (e.t >= end)
				break;
			if (count[e.port] < k) {
				count[e.port]++;
				done++;
			} else {
				push(e.t + gsl_ran_exponential(r, mean),
				     other(r, n, e.port));
			}
		} else {
			unsigned s;
			if (t_arr >= end)
				break;
			s = (unsigned)gsl_rng_uniform_int(r, n);
			if (count[s] > 0) {
				count[s]--;
				push(t_arr + gsl_ran_exponential(r, mean),
				     other(r, n, s));
			}
			t_arr += gsl_ran_exponential(r, 1.0 / rate);
		}
		events++;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("%lu %lu %.6f %.0f\n", done, events, secs, done / secs);
	free(count);
	free(heap);
	gsl_rng_free(r);
	return 0;
}
