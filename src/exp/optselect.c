/*
 * optselect.c - the best of K scenarios with a stated probability of
 * correct selection: Kim & Nelson's fully sequential procedure KN (ACM
 * TOMACS 11, 2001), on common random numbers.
 *
 * Larger is better. With k systems, first stage n0, confidence 1 - alpha
 * and indifference zone delta:
 *
 *   eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2,  h^2 = 2 eta (n0 - 1);
 *   S^2_il = the sample variance of X_i - X_l over the first n0
 *            replications (replication r of every system shares its
 *            random numbers: CRN makes S^2_il small);
 *   after r replications, with W_il(r) = max(0, delta / (2 r) (h^2
 *   S^2_il / delta^2 - r)), system i is eliminated when its mean is below
 *   some survivor l's by more than W_il(r); every survivor then runs one
 *   more replication, until one remains.
 *
 * When the best mean exceeds every other by at least delta, the survivor
 * is the best with probability at least 1 - alpha (the PCS). W_il reaches
 * 0 after h^2 S^2_il / delta^2 replications, so the procedure ends; the
 * cap max_replications ends it earlier if need be, choosing the largest
 * mean among the survivors (then the guarantee does not hold and the
 * result says so).
 *
 * Replications run `batch` at a time per survivor (on the worker pool),
 * but are screened one at a time in order: the decisions, the winner and
 * the counts do not depend on the batch, only the work wasted on
 * replications past a system's elimination.
 *
 * Cost: O(k^2) per screening, O(k max_reps) memory for the observations.
 */
#include "exp/optimize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/world.h"
#include "model/network.h"

struct kn {
	size_t k;
	double **x;     /* [k][cap] observations */
	uint32_t cap;
	double *sum;    /* [k] over the first r */
	double *s2;     /* [k][k] variance of differences, first stage */
	int *alive;
};

static int grow(struct kn *K, uint32_t need)
{
	size_t i;

	if (need <= K->cap)
		return 0;
	if (need < 2 * K->cap)
		need = 2 * K->cap;
	for (i = 0; i < K->k; i++) {
		double *nx = realloc(K->x[i], need * sizeof(double));
		if (!nx)
			return BS_E_NOMEM;
		K->x[i] = nx;
	}
	K->cap = need;
	return 0;
}

/* Screen after r replications: eliminate against the survivors of
 * before this screening (simultaneously). Returns the survivors. */
static size_t screen(struct kn *K, uint32_t r, double delta, double h2,
		     uint32_t *elim_at, uint32_t *reps)
{
	size_t i, l, left = 0;
	int *was = malloc(K->k * sizeof(int));

	if (!was)
		return 0;
	memcpy(was, K->alive, K->k * sizeof(int));
	for (i = 0; i < K->k; i++) {
		if (!was[i])
			continue;
		for (l = 0; l < K->k; l++) {
			double w;
			if (l == i || !was[l])
				continue;
			w = delta / (2.0 * r) *
			    (h2 * K->s2[i * K->k + l] / (delta * delta) - r);
			if (w < 0.0)
				w = 0.0;
			if (K->sum[i] / r < K->sum[l] / r - w) {
				K->alive[i] = 0;
				elim_at[i] = r;
				reps[i] = r;
				break;
			}
		}
	}
	for (i = 0; i < K->k; i++)
		left += K->alive[i] != 0;
	free(was);
	return left;
}

static void first_stage_var(struct kn *K, uint32_t n0)
{
	size_t i, l;
	uint32_t r;

	for (i = 0; i < K->k; i++)
		for (l = i + 1; l < K->k; l++) {
			double m = 0.0, ss = 0.0;
			for (r = 0; r < n0; r++)
				m += (K->x[i][r] - K->x[l][r]) / n0;
			for (r = 0; r < n0; r++) {
				double d = K->x[i][r] - K->x[l][r] - m;
				ss += d * d;
			}
			K->s2[i * K->k + l] = K->s2[l * K->k + i] = ss / (n0 - 1);
		}
}

/* long: the procedure as the paper states it, in one place */
int bs__kn_select(size_t k, uint32_t n0, double alpha, double delta,
		  uint32_t max_reps, uint32_t batch, bs_kn_sample_fn fn,
		  void *ud, struct bs_kn_result *out, struct bs_error *err)
{
	struct kn K;
	size_t i, left = k;
	uint32_t r = n0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&K, 0, sizeof(K));
	out->k = K.k = k;
	out->eta = 0.5 * (pow(2.0 * alpha / (double)(k - 1),
			      -2.0 / (double)(n0 - 1)) - 1.0);
	out->h2 = 2.0 * out->eta * (double)(n0 - 1);
	if (!batch)
		batch = 1;
	if (!(K.x = calloc(k, sizeof(double *))) ||
	    !(K.sum = calloc(k, sizeof(double))) ||
	    !(K.s2 = calloc(k * k, sizeof(double))) ||
	    !(K.alive = malloc(k * sizeof(int))) ||
	    !(out->reps = calloc(k, sizeof(uint32_t))) ||
	    !(out->elim_at = calloc(k, sizeof(uint32_t))) ||
	    !(out->mean = calloc(k, sizeof(double))) || grow(&K, n0))
		goto nomem;
	for (i = 0; i < k; i++) {
		uint32_t t;
		K.alive[i] = 1;
		if ((rc = fn(ud, i, 0, n0, K.x[i], err)))
			goto out;
		for (t = 0; t < n0; t++)
			K.sum[i] += K.x[i][t];
	}
	first_stage_var(&K, n0);
	for (;;) {
		uint32_t nb, t;
		left = screen(&K, r, delta, out->h2, out->elim_at, out->reps);
		if (!left)
			goto nomem;
		if (left == 1 || r >= max_reps)
			break;
		nb = max_reps - r < batch ? max_reps - r : batch;
		if (grow(&K, r + nb))
			goto nomem;
		for (i = 0; i < k; i++)
			if (K.alive[i] && (rc = fn(ud, i, r, nb, K.x[i] + r, err)))
				goto out;
		/* one replication at a time, as the procedure has it */
		for (t = 0; t < nb; t++) {
			r++;
			for (i = 0; i < k; i++)
				if (K.alive[i])
					K.sum[i] += K.x[i][r - 1];
			if (t + 1 < nb) {
				left = screen(&K, r, delta, out->h2, out->elim_at,
					      out->reps);
				if (left <= 1)
					break;
			}
		}
		if (left == 1)
			break;
	}
	out->capped = left > 1;
	out->winner = SIZE_MAX;
	for (i = 0; i < k; i++) {
		if (K.alive[i])
			out->reps[i] = r;
		out->mean[i] = K.sum[i] / out->reps[i];
		if (K.alive[i] && (out->winner == SIZE_MAX ||
				   out->mean[i] > out->mean[out->winner]))
			out->winner = i;
		out->total_reps += out->reps[i];
	}
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory in the selection");
out:
	if (K.x)
		for (i = 0; i < k; i++)
			free(K.x[i]);
	free(K.x);
	free(K.sum);
	free(K.s2);
	free(K.alive);
	return rc;
}

void bs__kn_release(struct bs_kn_result *r)
{
	free(r->reps);
	free(r->elim_at);
	free(r->mean);
	memset(r, 0, sizeof(*r));
}

struct sel {
	struct bs_optimize *o;
	unsigned jobs;
};

/* Replications rep0 + 1 .. rep0 + n of scenario sys, signed. */
static int sample(void *ud, size_t sys, uint32_t rep0, uint32_t n, double *x,
		  struct bs_error *err)
{
	struct sel *s = ud;
	const struct bs_world *w = s->o->sys[sys]->world;
	size_t ward = w->net->nwards;
	uint32_t r;
	int rc;

	if (s->o->obj.ward)
		ward = (size_t)bs_network_ward_index(w->net, s->o->obj.ward);
	rc = bs__opt_evaluate(&w->model, w->init_stock, rep0, n, s->jobs,
			      &s->o->obj, ward, x, NULL, NULL, err);
	for (r = 0; !rc && r < n; r++)
		if (!s->o->obj.maximize)
			x[r] = -x[r];
	for (r = 0; !rc && r < n; r++)
		if (!isfinite(x[r])) {
			bs_error_set(err, BS_E_RUN, s->o->sys_files[sys], 0, 0,
				     NULL,
				     "replication %u: the objective is undefined (%s has no value there)",
				     rep0 + r + 1, s->o->obj.text);
			return BS_E_RUN;
		}
	return rc;
}

int bs__opt_select(struct bs_optimize *o, unsigned jobs,
		   struct bs_kn_result *out, struct bs_error *err)
{
	struct sel s = {o, jobs ? jobs : 1};

	return bs__kn_select(o->nsys, o->n0, o->alpha, o->delta, o->max_reps,
			     s.jobs, sample, &s, out, err);
}
