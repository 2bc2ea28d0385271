/*
 * opteval.c - one evaluation of an allocation for the optimiser: the
 * replications of the model with a given starting stock, each one's
 * objective, and the per-port proxy that ranks candidate moves.
 *
 * The proxy (Raviv & Kolka, IIE Transactions 2013): from each
 * replication's trips, every port's sequence of what riders wanted there
 * - a rental at each request made at the port (whatever happened next),
 * a return at each completed, untruncated ride whose destination was the
 * port (at its return time: the time a diverted rider reached the full
 * port is not recorded, so the return time stands for it) - is replayed
 * from each starting stock s in 0..cap: a rental finding no bike and a
 * return finding no dock count as dissatisfied. f(s), the mean count
 * over the replications, is convex in s for a fixed sequence, and its
 * differences f(s) - f(s + b) are the marginal values of b bikes. The
 * replay holds the rest of the network fixed (a rider lost here does not
 * arrive elsewhere), ignores trucks and counts only trips requested after
 * the warm-up: it ranks moves, it does not decide them. Every move is
 * decided by the paired simulation (optsearch.c).
 *
 * Cost: one record (16 bytes) per wished rental and return, kept for the
 * replication only; the replay is O(cap x events) per port, about a
 * million steps for a day of the Tokyo network, against some 10^8 for
 * its simulation. The arrays grow by doubling: an allocation per log2 of
 * the trips, not per trip.
 */
#include "exp/optimize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/interrupt.h"
#include "exp/runner.h"
#include "stats/metrics.h"

double bs__opt_objective_value(const struct bs_opt_objective *ob,
			       const struct bs_rep_result *r,
			       const struct bs_network *net, size_t w)
{
	double v[BS_METRIC_N], s = 0.0;
	size_t t;

	bs_metrics_compute(r, net, w, v);
	for (t = 0; t < ob->nterms; t++)
		s += ob->coef[t] * v[ob->metric[t]];
	return s;
}

void bs__opt_mean(const double *x, uint32_t n, double conf,
		  struct bs_opt_pair *out)
{
	double m = 0.0, ss = 0.0, q;
	uint32_t i, k = 0;

	out->n = 0;
	out->mean = out->sd = out->lo = out->hi = (double)NAN;
	for (i = 0; i < n; i++)
		if (isfinite(x[i])) {
			/* Welford: one pass, no cancellation */
			double d = x[i] - m;
			k++;
			m += d / k;
			ss += d * (x[i] - m);
		}
	out->n = k;
	if (!k)
		return;
	out->mean = m;
	if (k < 2)
		return;
	out->sd = sqrt(ss / (k - 1));
	q = gsl_cdf_tdist_Pinv(0.5 + conf / 2.0, (double)(k - 1));
	out->lo = m - q * out->sd / sqrt((double)k);
	out->hi = m + q * out->sd / sqrt((double)k);
}

void bs__opt_pair(const double *a, const double *b, uint32_t n, double conf,
		  struct bs_opt_pair *out)
{
	double *d = malloc((n ? n : 1) * sizeof(double));
	uint32_t i;

	if (!d) { /* the mean of differences needs no copy: one pass */
		out->n = 0;
		out->mean = out->sd = out->lo = out->hi = (double)NAN;
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = a[i] - b[i];
	bs__opt_mean(d, n, conf, out);
	free(d);
}

/* ---- the proxy's records --------------------------------------------------- */

struct wish {
	double t;
	uint32_t st;
	uint32_t ret; /* 0: a rental wished, 1: a return */
};

struct repbuf {
	struct wish *w;
	size_t n, cap;
	double *f;  /* [off[n]] this replication's replay */
};

struct ctx {
	const struct bs_network *net;
	const size_t *off;
	struct repbuf *b;
	uint32_t rep0;
};

static int push(struct repbuf *b, uint32_t st, double t, uint32_t ret)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 1024;
		struct wish *nw = realloc(b->w, nc * sizeof(*nw));
		if (!nw)
			return BS_E_NOMEM;
		b->w = nw;
		b->cap = nc;
	}
	b->w[b->n].t = t;
	b->w[b->n].st = st;
	b->w[b->n].ret = ret;
	b->n++;
	return 0;
}

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct repbuf *b = ud;
	int rc = push(b, tr->origin, tr->req_t, 0);

	if (!rc && tr->outcome == BS_TRIP_COMPLETED && !tr->truncated)
		rc = push(b, tr->dest, tr->return_t, 1);
	return rc;
}

static int rep_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks)
{
	struct ctx *c = ud;

	hooks->on_trip = on_trip;
	hooks->trip_ud = &c->b[rep - c->rep0 - 1];
	c->b[rep - c->rep0 - 1].n = 0;
	return 0;
}

static int cmp_wish(const void *pa, const void *pb)
{
	const struct wish *a = pa, *b = pb;

	if (a->st != b->st)
		return a->st < b->st ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return (int)a->ret - (int)b->ret;
}

/* Replay each port's wishes from every starting stock into b->f. */
static int rep_end(void *ud, uint32_t rep, int rc)
{
	struct ctx *c = ud;
	struct repbuf *b = &c->b[rep - c->rep0 - 1];
	size_t i = 0, j, k;

	if (rc)
		return 0;
	qsort(b->w, b->n, sizeof(*b->w), cmp_wish);
	memset(b->f, 0, c->off[c->net->n] * sizeof(double));
	while (i < b->n) {
		uint32_t st = b->w[i].st, cap = c->net->cap[st], s;
		for (j = i; j < b->n && b->w[j].st == st; j++)
			;
		for (s = 0; s <= cap; s++) {
			uint32_t x = s;
			double lost = 0.0;
			for (k = i; k < j; k++) {
				if (!b->w[k].ret) {
					if (x)
						x--;
					else
						lost += 1.0;
				} else if (x < cap) {
					x++;
				} else {
					lost += 1.0;
				}
			}
			b->f[c->off[st] + s] = lost;
		}
		i = j;
	}
	return 0;
}

int bs__opt_evaluate(const struct bs_model *m, const uint32_t *stock,
		     uint32_t rep0, uint32_t nreps, unsigned jobs,
		     const struct bs_opt_objective *ob, size_t ward,
		     double *obj, const size_t *off, double *f,
		     struct bs_error *err)
{
	struct bs_model mm = *m;
	struct bs_rep_result **res = calloc(nreps, sizeof(*res));
	struct bs_runner_opts ro;
	struct ctx c;
	uint32_t r, ndone = 0;
	size_t i, nf = off ? off[m->net->n] : 0;
	uint64_t fleet = 0;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	if (!res)
		goto nomem;
	for (i = 0; i < m->net->n; i++)
		fleet += stock[i];
	mm.init_stock = stock;
	mm.fleet = fleet;
	memset(&ro, 0, sizeof(ro));
	ro.jobs = jobs;
	ro.nreps = nreps;
	ro.rep0 = rep0;
	ro.stop = bs__interrupt_flag();
	if (f) {
		c.net = m->net;
		c.off = off;
		c.rep0 = rep0;
		if (!(c.b = calloc(nreps, sizeof(*c.b))))
			goto nomem;
		for (r = 0; r < nreps; r++)
			if (!(c.b[r].f = calloc(nf ? nf : 1, sizeof(double))))
				goto nomem;
		ro.rep_begin = rep_begin;
		ro.rep_end = rep_end;
		ro.rep_ud = &c;
	}
	rc = bs_run_replications(&mm, &ro, res, &ndone, err);
	if (!rc) {
		for (r = 0; r < nreps; r++)
			obj[r] = bs__opt_objective_value(ob, res[r], m->net,
							 ward);
		if (f) {
			memset(f, 0, nf * sizeof(double));
			for (r = 0; r < nreps; r++)
				for (i = 0; i < nf; i++)
					f[i] += c.b[r].f[i] / nreps;
		}
	}
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, NULL, 0, 0, NULL,
		     "out of memory evaluating an allocation");
out:
	if (res)
		for (r = 0; r < nreps; r++)
			bs_rep_result_free(res[r]);
	free(res);
	if (c.b)
		for (r = 0; r < nreps; r++) {
			free(c.b[r].w);
			free(c.b[r].f);
		}
	free(c.b);
	return rc;
}
