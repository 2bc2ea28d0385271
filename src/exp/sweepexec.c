/*
 * sweepexec.c - one task of a sweep: world cache, simulation, record
 * (see sweepexec.h).
 */
#include "exp/sweepexec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "calib/world.h"

/* A point's world while some worker holds it. */
struct entry {
	size_t point;
	struct bs_world *w;
	struct bs_scenario *sc;
	unsigned holders;
	int building;
	int failed;             /* the build failed: err says why */
	struct bs_error err;
	struct entry *next;
};

struct bs_exec {
	struct bs_exec_source src;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct entry *live;     /* short list: about one per worker */
	uint64_t built;
	size_t alive, max_alive;
};

struct bs_exec_worker {
	struct bs_exec *x;
	struct entry *held;     /* the world this worker's sim is sized for */
	struct bs_sim *sim;
	struct bs_rep_result *res;
};

struct bs_exec *bs_exec_new(const struct bs_exec_source *src)
{
	struct bs_exec *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->src = *src;
	if (pthread_mutex_init(&x->mu, NULL)) {
		free(x);
		return NULL;
	}
	if (pthread_cond_init(&x->cv, NULL)) {
		pthread_mutex_destroy(&x->mu);
		free(x);
		return NULL;
	}
	return x;
}

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	bs_scenario_free(e->sc); /* and its world, e->w */
	free(e);
}

void bs_exec_free(struct bs_exec *x)
{
	if (!x)
		return;
	while (x->live) {
		struct entry *e = x->live;
		x->live = e->next;
		entry_free(e);
	}
	pthread_cond_destroy(&x->cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
}

/* Drop a hold; the last holder frees the world. Lock held. */
static void release_locked(struct bs_exec *x, struct entry *e)
{
	struct entry **pp;

	if (--e->holders > 0)
		return;
	for (pp = &x->live; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	x->alive--;
	entry_free(e);
}

/* Hold point p's world, building it when nobody has it. NULL with err. */
static struct entry *acquire(struct bs_exec *x, size_t p, struct bs_error *err)
{
	struct entry *e;

	pthread_mutex_lock(&x->mu);
	for (;;) {
		for (e = x->live; e; e = e->next)
			if (e->point == p)
				break;
		if (!e || !e->building)
			break;
		pthread_cond_wait(&x->cv, &x->mu);
	}
	if (e) {
		if (e->failed) {
			*err = e->err;
			pthread_mutex_unlock(&x->mu);
			return NULL;
		}
		e->holders++;
		pthread_mutex_unlock(&x->mu);
		return e;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		pthread_mutex_unlock(&x->mu);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	e->point = p;
	e->building = 1;
	e->holders = 1;
	e->next = x->live;
	x->live = e;
	x->alive++;
	if (x->alive > x->max_alive)
		x->max_alive = x->alive;
	/* Scenarios copy shared JSON: one at a time. */
	e->sc = x->src.scenario(x->src.ud, p, &e->err);
	pthread_mutex_unlock(&x->mu);
	/* the world lives in its scenario: built here unless the caller
	 * built it already (a comparison checks both first) */
	if (e->sc && bs_scenario_check(e->sc, &e->err) == 0)
		e->w = e->sc->world;
	pthread_mutex_lock(&x->mu);
	e->building = 0;
	x->built++;
	if (!e->w)
		e->failed = 1;
	pthread_cond_broadcast(&x->cv);
	if (e->failed) {
		*err = e->err;
		release_locked(x, e);
		e = NULL;
	}
	pthread_mutex_unlock(&x->mu);
	return e;
}

struct bs_exec_worker *bs_exec_worker_new(struct bs_exec *x)
{
	struct bs_exec_worker *wk = calloc(1, sizeof(*wk));

	if (wk)
		wk->x = x;
	return wk;
}

static void drop(struct bs_exec_worker *wk)
{
	bs_sim_free(wk->sim);
	bs_rep_result_free(wk->res);
	wk->sim = NULL;
	wk->res = NULL;
	if (wk->held) {
		pthread_mutex_lock(&wk->x->mu);
		release_locked(wk->x, wk->held);
		pthread_mutex_unlock(&wk->x->mu);
		wk->held = NULL;
	}
}

void bs_exec_worker_free(struct bs_exec_worker *wk)
{
	if (!wk)
		return;
	drop(wk);
	free(wk);
}

int bs_exec_task(struct bs_exec_worker *wk, uint64_t t,
		 const struct bs_run_hooks *hooks, struct bs_task_rec *rec,
		 struct bs_error *err)
{
	struct bs_exec *x = wk->x;
	size_t p = (size_t)(t / x->src.reps);
	uint32_t rep = (uint32_t)(t % x->src.reps) + 1;
	struct bs_run_hooks h = *hooks;
	const struct bs_model *m;
	int rc;

	bs_task_rec_release(rec);
	if (p >= x->src.npoints) {
		bs_error_set(err, BS_E_RUN, NULL, 0, 0, NULL,
			     "task %llu is beyond the last point",
			     (unsigned long long)t);
		return BS_E_RUN;
	}
	if (!wk->held || wk->held->point != p) {
		/* a new point: let go of the old world before holding the
		 * next, so the old one can be freed */
		drop(wk);
		wk->held = acquire(x, p, err);
		if (!wk->held)
			return err->code ? err->code : BS_E_INPUT;
		m = &wk->held->w->model;
		wk->sim = bs_sim_alloc(m);
		wk->res = bs_rep_result_alloc(m);
		if (!wk->sim || !wk->res) {
			drop(wk);
			bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory for point %zu", p + 1);
			return BS_E_NOMEM;
		}
	}
	m = &wk->held->w->model;
	h.paranoid = x->src.paranoid;
	rc = bs_sim_run(wk->sim, rep, &h, wk->res, err);
	if (rc)
		return rc;
	if (bs_task_rec_init(rec, m->net->nwards)) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	rec->task = t;
	rec->point = (uint32_t)p + 1;
	bs_task_rec_fill(rec, wk->res, m->net);
	rec->rep = rep;
	return 0;
}

void bs_exec_stats(struct bs_exec *x, uint64_t *built, size_t *max_alive)
{
	pthread_mutex_lock(&x->mu);
	*built = x->built;
	*max_alive = x->max_alive;
	pthread_mutex_unlock(&x->mu);
}
