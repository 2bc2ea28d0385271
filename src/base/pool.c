/*
 * pool.c - worker threads over numbered tasks (see pool.h).
 */
#include "base/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pool;

/* One worker's slot: what it is doing now, for progress. */
struct slot {
	struct pool *P;
	double frac;   /* share done of the task in flight */
	int busy;
};

struct pool {
	const struct bs_pool_opts *o;
	pthread_mutex_t mu;
	uint64_t next;     /* next task of a plain range */
	uint64_t done;
	int exhausted;     /* next() said there is nothing left */
	int abandoned;     /* a task stopped before its end */
	struct slot *slots;
	unsigned nslots;
	atomic_int local_stop;
	/* the failure that decides the outcome: the lowest task number */
	int rc;
	uint64_t rc_task;
	struct bs_error err;
};

static void report(struct pool *P)
{
	double f = 0.0;
	unsigned i;

	if (!P->o->progress)
		return;
	for (i = 0; i < P->nslots; i++)
		if (P->slots[i].busy)
			f += P->slots[i].frac;
	P->o->progress(P->o->ud, P->done, f);
}

static int stopped(struct pool *P)
{
	if (P->o->stop && atomic_load(P->o->stop))
		atomic_store(&P->local_stop, 1);
	return atomic_load(&P->local_stop);
}

/* Called by the simulation every few tens of thousands of events; also
 * where a stop request from outside reaches the task in flight. */
static void on_progress(void *ud, uint32_t unit, double frac)
{
	struct slot *s = ud;
	struct pool *P = s->P;

	(void)unit;
	(void)stopped(P);
	if (!P->o->progress)
		return;
	pthread_mutex_lock(&P->mu);
	s->frac = frac;
	report(P);
	pthread_mutex_unlock(&P->mu);
}

/* Take the next task under the lock; 0 when there is one. */
static int take(struct pool *P, uint64_t *task)
{
	if (stopped(P) || P->exhausted)
		return -1;
	if (P->o->next) {
		if (P->o->next(P->o->ud, task)) {
			P->exhausted = 1;
			return -1;
		}
		return 0;
	}
	if (P->next >= P->o->ntasks)
		return -1;
	*task = P->next++;
	return 0;
}

static void *worker(void *arg)
{
	struct slot *s = arg;
	struct pool *P = s->P;
	void *ws = P->o->worker_new ? P->o->worker_new(P->o->ud) : NULL;

	if (P->o->worker_new && !ws) {
		pthread_mutex_lock(&P->mu);
		if (!P->rc) {
			P->rc = BS_E_NOMEM;
			P->rc_task = UINT64_MAX;
			bs_error_set(&P->err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory starting a worker");
		}
		atomic_store(&P->local_stop, 1);
		pthread_mutex_unlock(&P->mu);
		return NULL;
	}
	for (;;) {
		struct bs_pool_ctl ctl;
		struct bs_error e;
		uint64_t task;
		int rc;

		pthread_mutex_lock(&P->mu);
		if (take(P, &task)) {
			pthread_mutex_unlock(&P->mu);
			break;
		}
		s->busy = 1;
		s->frac = 0.0;
		pthread_mutex_unlock(&P->mu);

		ctl.progress = on_progress;
		ctl.progress_ud = s;
		ctl.stop = &P->local_stop;
		bs_error_clear(&e);
		rc = P->o->run(P->o->ud, ws, task, &ctl, &e);

		pthread_mutex_lock(&P->mu);
		s->busy = 0;
		if (rc == 0) {
			P->done++;
			report(P);
		} else {
			P->abandoned = 1;
			if (rc != BS_E_INTERRUPTED &&
			    (P->rc == 0 || P->rc == BS_E_INTERRUPTED ||
			     task < P->rc_task)) {
				P->rc = rc;
				P->rc_task = task;
				P->err = e;
			}
			atomic_store(&P->local_stop, 1);
		}
		pthread_mutex_unlock(&P->mu);
	}
	if (P->o->worker_free)
		P->o->worker_free(P->o->ud, ws);
	return NULL;
}

int bs_pool_run(const struct bs_pool_opts *o, uint64_t *ndone,
		struct bs_error *err)
{
	struct pool P;
	unsigned jobs = o->jobs ? o->jobs : 1, i, started = 0;
	pthread_t *th;
	int rc;

	memset(&P, 0, sizeof(P));
	P.o = o;
	atomic_init(&P.local_stop, 0);
	if (!o->next && jobs > o->ntasks)
		jobs = o->ntasks ? (unsigned)o->ntasks : 1;
	P.slots = calloc(jobs, sizeof(*P.slots));
	th = calloc(jobs, sizeof(*th));
	if (!P.slots || !th || pthread_mutex_init(&P.mu, NULL)) {
		free(P.slots);
		free(th);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory starting the workers");
		return BS_E_NOMEM;
	}
	P.nslots = jobs;
	for (i = 0; i < jobs; i++)
		P.slots[i].P = &P;
	if (jobs == 1) {
		worker(&P.slots[0]);
	} else {
		for (i = 0; i < jobs; i++) {
			if (pthread_create(&th[i], NULL, worker, &P.slots[i]))
				break;
			started++;
		}
		if (started == 0)
			worker(&P.slots[0]); /* no thread could start: run here */
		for (i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	rc = P.rc;
	if (rc && err)
		*err = P.err;
	if (!rc && (P.abandoned || (o->next ? !P.exhausted
					      : P.done < o->ntasks)))
		rc = BS_E_INTERRUPTED;
	if (ndone)
		*ndone = P.done;
	pthread_mutex_destroy(&P.mu);
	free(P.slots);
	free(th);
	return rc;
}
