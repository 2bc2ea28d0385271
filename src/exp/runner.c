/*
 * runner.c - a pool of worker threads over replications (see runner.h).
 */
#include "exp/runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pool {
	const struct bs_model *m;
	const struct bs_runner_opts *o;
	struct bs_rep_result **results;
	pthread_mutex_t mu;
	uint32_t next;     /* next replication to hand out (1-based) */
	uint32_t done;
	double *frac;      /* [nreps] progress of each replication */
	int *rc;           /* [nreps] */
	struct bs_error *errs; /* [nreps] */
	atomic_int local_stop;
};

static void report(struct pool *P)
{
	double sum = 0.0;
	uint32_t i;

	if (!P->o->progress)
		return;
	for (i = 0; i < P->o->nreps; i++)
		sum += P->frac[i];
	P->o->progress(P->o->progress_ud, P->done, P->o->nreps,
		       sum / P->o->nreps);
}

/* Called by each simulation every few tens of thousands of events: also
 * the moment to pass a stop request from outside on to every worker. */
static void on_progress(void *ud, uint32_t rep, double frac)
{
	struct pool *P = ud;

	if (P->o->stop && atomic_load(P->o->stop))
		atomic_store(&P->local_stop, 1);
	pthread_mutex_lock(&P->mu);
	P->frac[rep - 1] = frac;
	report(P);
	pthread_mutex_unlock(&P->mu);
}

static int stopped(struct pool *P)
{
	return atomic_load(&P->local_stop) ||
	       (P->o->stop && atomic_load(P->o->stop));
}

static void *worker(void *arg)
{
	struct pool *P = arg;
	struct bs_sim *S = bs_sim_alloc(P->m);

	for (;;) {
		uint32_t rep;
		struct bs_run_hooks hooks;
		struct bs_rep_result *res;
		int rc;

		pthread_mutex_lock(&P->mu);
		if (P->next > P->o->nreps || stopped(P)) {
			pthread_mutex_unlock(&P->mu);
			break;
		}
		rep = P->next++;
		pthread_mutex_unlock(&P->mu);

		memset(&hooks, 0, sizeof(hooks));
		hooks.progress = on_progress;
		hooks.progress_ud = P;
		hooks.stop = &P->local_stop;
		hooks.paranoid = P->o->paranoid;
		res = S ? bs_rep_result_alloc(P->m) : NULL;
		if (!res) {
			rc = BS_E_NOMEM;
			bs_error_set(&P->errs[rep - 1], BS_E_NOMEM, NULL, 0, 0,
				     NULL, "out of memory for replication %u",
				     rep);
		} else if (P->o->rep_begin &&
			   (rc = P->o->rep_begin(P->o->rep_ud, rep, &hooks))) {
			bs_error_set(&P->errs[rep - 1], rc, NULL, 0, 0, NULL,
				     "cannot start replication %u: %s", rep,
				     bs_strerror(rc));
		} else {
			/* The external stop flag is polled through ours so that
			 * one failing replication also stops the others. */
			if (P->o->stop && atomic_load(P->o->stop))
				atomic_store(&P->local_stop, 1);
			rc = bs_sim_run(S, rep, &hooks, res, &P->errs[rep - 1]);
			if (P->o->rep_end) {
				int rc2 = P->o->rep_end(P->o->rep_ud, rep, rc);
				if (!rc && rc2) {
					rc = rc2;
					bs_error_set(&P->errs[rep - 1], rc, NULL,
						     0, 0, NULL,
						     "cannot finish replication %u: %s",
						     rep, bs_strerror(rc));
				}
			}
		}
		pthread_mutex_lock(&P->mu);
		P->rc[rep - 1] = rc;
		if (rc == 0) {
			P->results[rep - 1] = res;
			res = NULL;
			P->done++;
			P->frac[rep - 1] = 1.0;
			report(P);
		} else {
			atomic_store(&P->local_stop, 1);
		}
		pthread_mutex_unlock(&P->mu);
		bs_rep_result_free(res);
	}
	bs_sim_free(S);
	return NULL;
}

int bs_run_replications(const struct bs_model *m,
			const struct bs_runner_opts *o,
			struct bs_rep_result **results, uint32_t *ndone,
			struct bs_error *err)
{
	struct pool P;
	unsigned jobs = o->jobs ? o->jobs : 1, i, started = 0;
	pthread_t *th;
	uint32_t r;
	int rc = 0;

	memset(&P, 0, sizeof(P));
	P.m = m;
	P.o = o;
	P.results = results;
	P.next = 1;
	atomic_init(&P.local_stop, 0);
	*ndone = 0;
	for (r = 0; r < o->nreps; r++)
		results[r] = NULL;
	if (jobs > o->nreps)
		jobs = o->nreps ? o->nreps : 1;
	P.frac = calloc(o->nreps ? o->nreps : 1, sizeof(double));
	P.rc = calloc(o->nreps ? o->nreps : 1, sizeof(int));
	P.errs = calloc(o->nreps ? o->nreps : 1, sizeof(struct bs_error));
	th = calloc(jobs, sizeof(pthread_t));
	if (!P.frac || !P.rc || !P.errs || !th ||
	    pthread_mutex_init(&P.mu, NULL)) {
		free(P.frac);
		free(P.rc);
		free(P.errs);
		free(th);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory starting the workers");
		return BS_E_NOMEM;
	}
	if (jobs == 1) {
		worker(&P);
	} else {
		for (i = 0; i < jobs; i++) {
			if (pthread_create(&th[i], NULL, worker, &P))
				break;
			started++;
		}
		if (started == 0)
			worker(&P); /* no thread could start: run here */
		for (i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	/* The lowest-numbered failure decides the outcome. */
	for (r = 0; r < o->nreps; r++) {
		if (P.rc[r] && P.rc[r] != BS_E_INTERRUPTED) {
			rc = P.rc[r];
			if (err)
				*err = P.errs[r];
			break;
		}
	}
	if (!rc)
		for (r = 0; r < o->nreps; r++)
			if (!results[r]) {
				rc = BS_E_INTERRUPTED;
				break;
			}
	for (r = 0; r < o->nreps && results[r]; r++)
		;
	*ndone = r;
	/* results past the complete prefix are not used */
	for (; r < o->nreps; r++) {
		bs_rep_result_free(results[r]);
		results[r] = NULL;
	}
	pthread_mutex_destroy(&P.mu);
	free(P.frac);
	free(P.rc);
	free(P.errs);
	free(th);
	return rc;
}
