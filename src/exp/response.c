/*
 * response.c - the fixed point of demand response (see response.h).
 *
 * Counting: every counted trip passes the runner's trip hook; each
 * replication counts into its own table (allocated when it starts: two
 * uint32 per port and hour, 192 bytes a port) and adds it, under a lock,
 * to the run's totals when it ends. Integer sums do not depend on the
 * order replications finish in, so the factors, and so every result, are
 * the same for every --jobs.
 */
#include "exp/response.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/demand.h"

struct counts {
	uint32_t *asked;  /* [n * 24] */
	uint32_t *served; /* [n * 24] */
};

struct ctx {
	size_t n;
	struct counts *rep;     /* [nreps]: while a replication runs */
	uint64_t *asked, *served; /* [n * 24] the run's totals */
	pthread_mutex_t mu;
};

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct counts *c = ud;
	size_t h = (size_t)(fmod(tr->req_t, BS_MINUTES_PER_DAY) / 60.0) % 24u;
	size_t k = (size_t)tr->origin * 24 + h;

	if (tr->outcome == BS_TRIP_LOST_PRICE)
		return 0;
	c->asked[k]++;
	if ((tr->outcome == BS_TRIP_COMPLETED ||
	     tr->outcome == BS_TRIP_UNFINISHED) && !tr->truncated)
		c->served[k]++;
	return 0;
}

static int rep_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks)
{
	struct ctx *x = ud;
	struct counts *c = &x->rep[rep - 1];

	c->asked = calloc(x->n * 24, sizeof(uint32_t));
	c->served = calloc(x->n * 24, sizeof(uint32_t));
	if (!c->asked || !c->served)
		return BS_E_NOMEM;
	hooks->on_trip = on_trip;
	hooks->trip_ud = c;
	return 0;
}

static int rep_end(void *ud, uint32_t rep, int rc)
{
	struct ctx *x = ud;
	struct counts *c = &x->rep[rep - 1];
	size_t k;

	if (!rc && c->asked && c->served) {
		pthread_mutex_lock(&x->mu);
		for (k = 0; k < x->n * 24; k++) {
			x->asked[k] += c->asked[k];
			x->served[k] += c->served[k];
		}
		pthread_mutex_unlock(&x->mu);
	}
	free(c->asked);
	free(c->served);
	c->asked = c->served = NULL;
	return 0;
}

/* Each cell's latent requests per week (the weights of the residual):
 * the rate shapes as built, the calendar left aside. O(n x 168). */
static void latent_weights(const struct bs_demand *d, double *L)
{
	size_t s, h;

	for (s = 0; s < d->n; s++) {
		const double *b = d->base_rate +
				  (size_t)d->base_prof[s] * BS_HOURS_PER_WEEK;
		for (h = 0; h < 24; h++)
			L[s * 24 + h] = 0.0;
		for (h = 0; h < BS_HOURS_PER_WEEK; h++)
			L[s * 24 + h % 24] += 60.0 * b[h] * d->scale[s];
	}
}

/* The targets of the run just counted; returns the residual and moves
 * r a damped step towards them (the caller keeps r when it is done).
 * The residual sums each port's change of requests over its 24 hours
 * before taking its size: one hour's service is measured on few riders
 * (Tokyo: about 5 per port and hour in 20 replications of a day), and its
 * sampling noise, which no iteration removes, would otherwise set a floor
 * under the residual (0.034 on check_validation's network at e = 1.22,
 * against 0.003 per port). O(n x 24). */
static double update(const struct ctx *x, const struct bs_params *p,
		     const double *L, double *r, double *next)
{
	double num = 0.0, den = 0.0;
	size_t s, h;

	for (s = 0; s < x->n; s++) {
		double port = 0.0;
		for (h = 0; h < 24; h++) {
			size_t k = s * 24 + h;
			double t = r[k];
			if (x->asked[k] > 0) {
				double u = (double)x->served[k] /
					   (double)x->asked[k];
				t = pow(u / p->resp_reference, p->resp_elasticity);
				if (t > p->resp_cap)
					t = p->resp_cap;
			}
			port += L[k] * (t - r[k]);
			den += L[k] * r[k];
			next[k] = r[k] + p->resp_damping * (t - r[k]);
		}
		num += fabs(port);
	}
	return den > 0.0 ? num / den : 0.0;
}

static void free_reps(struct bs_rep_result **reps, uint32_t n)
{
	for (uint32_t i = 0; reps && i < n; i++) {
		bs_rep_result_free(reps[i]);
		reps[i] = NULL;
	}
}

/* One run at factors r into reps (counting service). */
static int run_once(struct bs_world *w, struct ctx *x,
		    const struct bs_runner_opts *o, const double *r,
		    struct bs_rep_result **reps, uint32_t *ndone,
		    struct bs_error *err)
{
	struct bs_runner_opts ro = *o;

	if (bs_demand_set_response(w->dem, r)) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, "demand.response",
			     "out of memory building the demand response's rates");
		return BS_E_NOMEM;
	}
	memset(x->asked, 0, x->n * 24 * sizeof(uint64_t));
	memset(x->served, 0, x->n * 24 * sizeof(uint64_t));
	ro.rep_begin = rep_begin;
	ro.rep_end = rep_end;
	ro.rep_ud = x;
	return bs_run_replications(&w->model, &ro, reps, ndone, err);
}

int bs__response_solve(struct bs_world *w, const struct bs_params *p,
		       const struct bs_runner_opts *o,
		       struct bs_rep_result **keep, uint32_t *ndone,
		       struct bs_response_report *rep, struct bs_error *err)
{
	size_t n = w->net->n, k;
	struct ctx x = {.n = n};
	struct bs_rep_result **reps = keep ? keep : calloc(o->nreps, sizeof(*reps));
	double *r = malloc(n * 24 * sizeof(double));
	double *next = malloc(n * 24 * sizeof(double));
	double *L = malloc(n * 24 * sizeof(double));
	uint32_t it, nd = 0;
	int rc = 0;

	if (ndone)
		*ndone = 0;
	memset(rep, 0, sizeof(*rep));
	x.rep = calloc(o->nreps, sizeof(*x.rep));
	x.asked = calloc(n * 24, sizeof(uint64_t));
	x.served = calloc(n * 24, sizeof(uint64_t));
	if (!reps || !r || !next || !L || !x.rep || !x.asked || !x.served ||
	    pthread_mutex_init(&x.mu, NULL)) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, NULL, 0, 0, "demand.response",
			     "out of memory building the demand response's tables");
		goto out_nolock;
	}
	for (k = 0; k < n * 24; k++)
		r[k] = 1.0;
	for (it = 1; it <= p->resp_max_iter; it++) {
		double *t;
		if ((rc = run_once(w, &x, o, r, reps, &nd, err)))
			break;
		if (it == 1)
			latent_weights(w->dem, L);
		rep->iterations = it;
		rep->residual = update(&x, p, L, r, next);
		if (rep->residual <= p->resp_tol)
			break;
		free_reps(reps, o->nreps);
		t = r;
		r = next;
		next = t;
	}
	if (!rc && rep->residual > p->resp_tol) {
		rc = BS_E_RUN;
		bs_error_set(err, rc, NULL, 0, 0, "demand.response.max_iterations",
			     "the demand response did not converge in %u runs: residual %.4g, expected at most demand.response.tolerance %g (raise max_iterations, lower damping or loosen the tolerance)",
			     rep->iterations, rep->residual, p->resp_tol);
	}
	if (rc == BS_E_INTERRUPTED)
		bs_error_set(err, rc, NULL, 0, 0, NULL,
			     "interrupted during run %u of the demand response; nothing written",
			     rep->iterations + 1);
	pthread_mutex_destroy(&x.mu);
out_nolock:
	if (rc || !keep)
		free_reps(reps, o->nreps);
	else if (ndone)
		*ndone = nd;
	if (!keep)
		free(reps);
	free(r);
	free(next);
	free(L);
	free(x.rep);
	free(x.asked);
	free(x.served);
	return rc;
}
