/*
 * sweepexec.c - one task of a sweep: world cache, simulation, record
 * (see sweepexec.h).
 */
#include "exp/sweepexec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calib/world.h"

/*
 * A world shared by the points whose world key (bs_world_key) is the
 * same: held while some point uses it, then kept idle for the next such
 * point, up to BS_EXEC_IDLE_WORLDS idle worlds (the least recently
 * released goes first). Tasks come in point order, so points sharing a
 * world are mostly close together: with the points' worlds varying on
 * the fastest key (fleet.bikes last), as many idle worlds as that key
 * has values would be needed to build each once; beyond the bound, a
 * world is built again.
 */
struct world {
	char *key;              /* bs_world_key of its points */
	struct bs_world *w;     /* NULL while building */
	unsigned holders;       /* points holding it */
	int building;
	uint64_t released;      /* tick of the last release (LRU) */
	struct world *next;
};

/* A point while some worker holds it: its scenario, and its model: the
 * shared world's, with the point's own parameters. */
struct entry {
	size_t point;
	struct bs_scenario *sc;
	struct world *world;    /* NULL: sc->world, built by the caller */
	struct bs_model model;
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
	struct world *worlds;   /* held and idle: workers + idle bound */
	uint64_t built, tick;
	double build_s;              /* in bs_world_build, summed */
	size_t alive, max_alive;     /* points */
	size_t wlive, max_wlive;     /* worlds */
};

struct bs_exec_worker {
	struct bs_exec *x;
	struct entry *held;     /* the point this worker's sim is sized for */
	struct bs_sim *sim;
	struct bs_rep_result *res;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

static void world_free(struct world *wd)
{
	bs_world_free(wd->w);
	free(wd->key);
	free(wd);
}

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	bs_scenario_free(e->sc); /* and a world of its own, sc->world */
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
	while (x->worlds) {
		struct world *wd = x->worlds;
		x->worlds = wd->next;
		world_free(wd);
	}
	pthread_cond_destroy(&x->cv);
	pthread_mutex_destroy(&x->mu);
	free(x);
}

static void world_unlink(struct bs_exec *x, struct world *wd)
{
	struct world **pp;

	for (pp = &x->worlds; *pp; pp = &(*pp)->next)
		if (*pp == wd) {
			*pp = wd->next;
			break;
		}
	x->wlive--;
}

/* Drop a point's hold on its world; keep it idle, and free the least
 * recently released idle worlds beyond the bound. Lock held. O(worlds
 * alive) per release, a short list. */
static void world_release_locked(struct bs_exec *x, struct world *wd)
{
	size_t idle = 0;
	struct world *it, *old;

	if (--wd->holders > 0)
		return;
	wd->released = ++x->tick;
	for (;;) {
		idle = 0;
		old = NULL;
		for (it = x->worlds; it; it = it->next)
			if (!it->holders && !it->building) {
				idle++;
				if (!old || it->released < old->released)
					old = it;
			}
		if (idle <= BS_EXEC_IDLE_WORLDS)
			return;
		world_unlink(x, old);
		world_free(old);
	}
}

/* Hold the world of sc (key: its world key, taken over), building it
 * when nobody has it. Lock held on entry and exit, released while
 * building. NULL with err filled (a failed build is not kept: each point
 * that needs it tries, and fails, for itself). */
static struct world *world_hold_locked(struct bs_exec *x, char *key,
				       const struct bs_scenario *sc,
				       struct bs_error *err)
{
	struct world *wd;
	double t0;

	for (;;) {
		for (wd = x->worlds; wd; wd = wd->next)
			if (!strcmp(wd->key, key))
				break;
		if (!wd || !wd->building)
			break;
		pthread_cond_wait(&x->cv, &x->mu);
	}
	if (wd) {
		free(key);
		wd->holders++;
		return wd;
	}
	if (!(wd = calloc(1, sizeof(*wd)))) {
		free(key);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	wd->key = key;
	wd->building = 1;
	wd->holders = 1;
	wd->next = x->worlds;
	x->worlds = wd;
	if (++x->wlive > x->max_wlive)
		x->max_wlive = x->wlive;
	pthread_mutex_unlock(&x->mu);
	t0 = now_s();
	wd->w = bs_world_build(sc, err);
	t0 = now_s() - t0;
	pthread_mutex_lock(&x->mu);
	wd->building = 0;
	x->built++;
	x->build_s += t0;
	pthread_cond_broadcast(&x->cv);
	if (!wd->w) {
		world_unlink(x, wd);
		world_free(wd);
		return NULL;
	}
	return wd;
}

/* Drop a hold; the last holder frees the point (and lets its world go
 * idle). Lock held. */
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
	if (e->world)
		world_release_locked(x, e->world);
	entry_free(e);
}

/* The world of e's scenario: the caller's (a comparison checks, and may
 * solve, both scenarios first) or the shared one of its world key. Lock
 * held. 0 or an error code with e->err filled. */
static int point_world_locked(struct bs_exec *x, struct entry *e)
{
	const struct bs_world *w = e->sc->world;
	char *key;

	if (!w) {
		if (!(key = bs_world_key(e->sc))) {
			bs_error_set(&e->err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory");
			return BS_E_NOMEM;
		}
		if (!(e->world = world_hold_locked(x, key, e->sc, &e->err)))
			return e->err.code ? e->err.code : BS_E_INPUT;
		w = e->world->w;
	}
	/* the world's model, run with this point's parameters: they
	 * differ at most in keys that only the simulation reads */
	e->model = w->model;
	e->model.p = e->sc->p;
	return 0;
}

/* Hold point p, making its scenario and finding its world when nobody
 * has it. NULL with err. */
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
	if (!e->sc || point_world_locked(x, e))
		e->failed = 1;
	e->building = 0;
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
		m = &wk->held->model;
		wk->sim = bs_sim_alloc(m);
		wk->res = bs_rep_result_alloc(m);
		if (!wk->sim || !wk->res) {
			drop(wk);
			bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory for point %zu", p + 1);
			return BS_E_NOMEM;
		}
	}
	m = &wk->held->model;
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

void bs_exec_world_stats(struct bs_exec *x, uint64_t *built,
			 size_t *max_worlds, double *build_s)
{
	pthread_mutex_lock(&x->mu);
	*built = x->built;
	*max_worlds = x->max_wlive;
	*build_s = x->build_s;
	pthread_mutex_unlock(&x->mu);
}
