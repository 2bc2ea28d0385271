/*
 * optsearch.c - the allocation search: a greedy exchange over the ports'
 * starting stock, each accepted move confirmed by a paired test.
 *
 * State: an allocation (bikes per port, 0..capacity), its objective in
 * each of the search's R replications (common random numbers: replication
 * r of every allocation draws the same arrivals, destinations and rides
 * where the models agree), and each port's proxy f(s) (opteval.c).
 *
 * A round at block b: the proxy ranks the moves of b bikes - from the
 * port that loses least to the one that gains most, within a budgeted
 * ward or among the wards without a budget; with budget.mode "at_most",
 * also adding b bikes from the unused budget or returning b to it - and
 * the `candidates` best are simulated in that order, each on the same R
 * replications. The first whose paired interval of the improvement
 * (candidate - current, signed so that larger is better) lies above 0 is
 * accepted and becomes the state; the next round starts from it, at
 * twice the block (up to search.block). When none is confirmed, b
 * halves.
 *
 * Stopping rule: when a round at b = 1 confirms no move (no improving
 * move among the candidates whose paired interval excludes zero), when
 * max_evaluations allocations have been simulated, or when no move is
 * possible. The best rejected move of the last round is the evidence of a
 * search that cannot improve.
 *
 * Many moves are tested on the same replications, so the accepted ones
 * are favoured by chance; the objective before and after is therefore
 * reported again on final_replications fresh replications (numbers R + 1
 * onwards), which no decision saw.
 *
 * Cost: R replications per evaluation (the proxy adds about 1%); memory
 * O(sum of capacities) for the proxy and O(R) per objective.
 */
#include "exp/optimize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calib/world.h"

struct move {
	uint32_t from, to; /* UINT32_MAX: the unused budget */
	double score;
};

struct search {
	struct bs_optimize *o;
	const struct bs_network *net;
	const struct bs_model *m;
	size_t n, W, *off;
	uint32_t *grp;      /* [n] budget group: a budgeted ward, or W */
	uint64_t *gcap;     /* [W + 1] bikes the group may hold */
	uint64_t *gsum;     /* [W + 1] bikes it holds */
	uint64_t total;
	uint32_t *cur, *cand;
	double *cur_obj, *cand_obj, *f_cur, *f_cand, sign;
	unsigned jobs;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double gain_of(const struct search *S, uint32_t i, uint32_t b)
{
	const double *f = S->f_cur + S->off[i];

	return f[S->cur[i]] - f[S->cur[i] + b];
}

static double loss_of(const struct search *S, uint32_t j, uint32_t b)
{
	const double *f = S->f_cur + S->off[j];

	return f[S->cur[j] - b] - f[S->cur[j]];
}

/* The c ports of group g with the largest gain (recv) or smallest loss
 * (!recv) at block b into out[]; how many. Ties: lower index. O(c n). */
static size_t top_ports(const struct search *S, uint32_t g, uint32_t b,
			int recv, size_t c, uint32_t *out)
{
	size_t k = 0, i, t;

	while (k < c) {
		size_t best = SIZE_MAX;
		double bv = 0.0;
		for (i = 0; i < S->n; i++) {
			double v;
			if (S->grp[i] != g)
				continue;
			if (recv ? S->cur[i] + b > S->net->cap[i] : S->cur[i] < b)
				continue;
			for (t = 0; t < k && out[t] != i; t++)
				;
			if (t < k)
				continue;
			v = recv ? gain_of(S, (uint32_t)i, b)
				 : -loss_of(S, (uint32_t)i, b);
			if (best == SIZE_MAX || v > bv) {
				best = i;
				bv = v;
			}
		}
		if (best == SIZE_MAX)
			break;
		out[k++] = (uint32_t)best;
	}
	return k;
}

static int cmp_move(const void *pa, const void *pb)
{
	const struct move *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return a->from < b->from ? -1 : (a->from > b->from);
}

/* Do two moves touch a common port (the pool of an at_most budget,
 * UINT32_MAX, apart)? */
static int share_port(const struct move *a, const struct move *b)
{
	return (a->from != UINT32_MAX &&
		(a->from == b->from || a->from == b->to)) ||
	       (a->to != UINT32_MAX && (a->to == b->to || a->to == b->from));
}

/* Keep the best c of the sorted moves mv[0..k) that share no port with a
 * better one kept: c tests of c different ports, rather than c tests of
 * one donor whose proxy says it loses nothing. Falls back on the next
 * best when too few are disjoint. O(k c). */
static size_t distinct(struct move *mv, size_t k, size_t c)
{
	size_t kept = 0, i, j;

	for (i = 0; i < k && kept < c; i++) {
		int clash = 0;
		for (j = 0; j < kept && !clash; j++)
			clash = share_port(&mv[i], &mv[j]);
		if (!clash) {
			struct move t = mv[i];
			memmove(mv + kept + 1, mv + kept, (i - kept) * sizeof(*mv));
			mv[kept++] = t;
		}
	}
	return kept < c && k > kept ? (k < c ? k : c) : kept;
}

/* The best moves at block b by the proxy into mv[] (room for
 * (W + 1) x (c x c + 2 c)); how many, sorted best first. */
static size_t rank_moves(const struct search *S, uint32_t b, size_t c,
			 uint32_t *rv, uint32_t *dn, struct move *mv)
{
	size_t k = 0, g, x, y, nr, nd;

	for (g = 0; g <= S->W; g++) {
		nr = top_ports(S, (uint32_t)g, b, 1, c, rv);
		nd = top_ports(S, (uint32_t)g, b, 0, c, dn);
		for (x = 0; x < nr; x++)
			for (y = 0; y < nd; y++)
				if (rv[x] != dn[y]) {
					mv[k].from = dn[y];
					mv[k].to = rv[x];
					mv[k].score = gain_of(S, rv[x], b) -
						      loss_of(S, dn[y], b);
					k++;
				}
		if (!S->o->at_most)
			continue;
		for (x = 0; x < nr; x++)
			if (S->gsum[g] + b <= S->gcap[g] &&
			    S->total + b <= S->o->budget) {
				mv[k].from = UINT32_MAX;
				mv[k].to = rv[x];
				mv[k].score = gain_of(S, rv[x], b);
				k++;
			}
		for (y = 0; y < nd; y++) {
			mv[k].from = dn[y];
			mv[k].to = UINT32_MAX;
			mv[k].score = -loss_of(S, dn[y], b);
			k++;
		}
	}
	qsort(mv, k, sizeof(*mv), cmp_move);
	return distinct(mv, k, c);
}

static int push_step(struct bs_opt_search *out, const struct bs_opt_step *st)
{
	if (out->nsteps == out->capsteps) {
		size_t nc = out->capsteps ? 2 * out->capsteps : 64;
		struct bs_opt_step *ns = realloc(out->steps, nc * sizeof(*ns));
		if (!ns)
			return BS_E_NOMEM;
		out->steps = ns;
		out->capsteps = nc;
	}
	out->steps[out->nsteps++] = *st;
	return 0;
}

static void apply(struct search *S, const struct move *mv, uint32_t b,
		  int sign)
{
	if (mv->from != UINT32_MAX) {
		S->cur[mv->from] -= (uint32_t)sign * b;
		S->gsum[S->grp[mv->from]] -= (uint64_t)sign * b;
	}
	if (mv->to != UINT32_MAX) {
		S->cur[mv->to] += (uint32_t)sign * b;
		S->gsum[S->grp[mv->to]] += (uint64_t)sign * b;
	}
	S->total += (uint64_t)((mv->to != UINT32_MAX) - (mv->from != UINT32_MAX)) *
		    (uint64_t)sign * b;
}

static void swap_d(double **a, double **b)
{
	double *t = *a;

	*a = *b;
	*b = t;
}

/* The signed improvement of cand over cur, replication by replication. */
static void improvement(const struct search *S, const double *cand,
			const double *cur, uint32_t R, double conf,
			struct bs_opt_pair *out)
{
	double *a = malloc(R * sizeof(double)), *b = malloc(R * sizeof(double));
	uint32_t r;

	if (!a || !b) {
		free(a);
		free(b);
		memset(out, 0, sizeof(*out));
		out->mean = out->lo = out->hi = out->sd = (double)NAN;
		return;
	}
	for (r = 0; r < R; r++) {
		a[r] = S->sign * cand[r];
		b[r] = S->sign * cur[r];
	}
	bs__opt_pair(a, b, R, conf, out);
	free(a);
	free(b);
}

static int setup(struct search *S, struct bs_optimize *o, unsigned jobs)
{
	size_t i, R = o->reps;
	uint64_t named = 0;

	memset(S, 0, sizeof(*S));
	S->o = o;
	S->m = &o->sc->world->model;
	S->net = o->sc->world->net;
	S->n = S->net->n;
	S->W = S->net->nwards;
	S->jobs = jobs;
	S->sign = o->obj.maximize ? 1.0 : -1.0;
	if (!(S->off = malloc((S->n + 1) * sizeof(size_t))) ||
	    !(S->grp = malloc(S->n * sizeof(uint32_t))) ||
	    !(S->gcap = calloc(S->W + 1, sizeof(uint64_t))) ||
	    !(S->gsum = calloc(S->W + 1, sizeof(uint64_t))) ||
	    !(S->cur = malloc(S->n * sizeof(uint32_t))) ||
	    !(S->cand = malloc(S->n * sizeof(uint32_t))) ||
	    !(S->cur_obj = malloc(R * sizeof(double))) ||
	    !(S->cand_obj = malloc(R * sizeof(double))))
		return BS_E_NOMEM;
	S->off[0] = 0;
	for (i = 0; i < S->n; i++)
		S->off[i + 1] = S->off[i] + S->net->cap[i] + 1;
	if (!(S->f_cur = malloc(S->off[S->n] * sizeof(double))) ||
	    !(S->f_cand = malloc(S->off[S->n] * sizeof(double))))
		return BS_E_NOMEM;
	for (i = 0; i < S->W; i++)
		if (o->ward_budget[i] != UINT64_MAX) {
			S->gcap[i] = o->ward_budget[i];
			named += o->ward_budget[i];
		}
	S->gcap[S->W] = o->budget - named;
	memcpy(S->cur, o->start, S->n * sizeof(uint32_t));
	for (i = 0; i < S->n; i++) {
		S->grp[i] = o->ward_budget[S->net->ward[i]] == UINT64_MAX
				    ? (uint32_t)S->W : S->net->ward[i];
		S->gsum[S->grp[i]] += S->cur[i];
		S->total += S->cur[i];
	}
	return 0;
}

static void teardown(struct search *S)
{
	free(S->off);
	free(S->grp);
	free(S->gcap);
	free(S->gsum);
	free(S->cur);
	free(S->cand);
	free(S->cur_obj);
	free(S->cand_obj);
	free(S->f_cur);
	free(S->f_cand);
}

/* The before/after comparison on fresh replications (R + 1 onwards). */
static int confirm(struct search *S, struct bs_opt_search *out,
		   struct bs_error *err)
{
	struct bs_optimize *o = S->o;
	uint32_t F = o->final_reps;
	double *a = malloc((F ? F : 1) * sizeof(double)),
	       *b = malloc((F ? F : 1) * sizeof(double));
	int rc = BS_E_NOMEM;

	if (!a || !b)
		goto out;
	rc = bs__opt_evaluate(S->m, o->start, o->reps, F, S->jobs, &o->obj,
			      o->ward, a, NULL, NULL, err);
	if (!rc && out->accepted)
		rc = bs__opt_evaluate(S->m, S->cur, o->reps, F, S->jobs,
				      &o->obj, o->ward, b, NULL, NULL, err);
	else if (!rc)
		memcpy(b, a, F * sizeof(double));
	if (!rc) {
		bs__opt_mean(a, F, o->confidence, &out->before_new);
		bs__opt_mean(b, F, o->confidence, &out->after_new);
		improvement(S, b, a, F, o->confidence, &out->gain_new);
	}
out:
	if (rc == BS_E_NOMEM)
		bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
	free(a);
	free(b);
	return rc;
}

/* Simulate the moves mv[0..k) made together (k > 1: a compound move)
 * from the current allocation; the step filled, the state moved on when
 * it is confirmed. 1 accepted, 0 not, or a negative code. */
static int try_moves(struct search *S, struct bs_opt_search *out,
		     const struct move *mv, size_t k, uint32_t b,
		     struct bs_opt_step *st, struct bs_error *err)
{
	struct bs_optimize *o = S->o;
	size_t j;
	int rc;

	memset(st, 0, sizeof(*st));
	memcpy(S->cand, S->cur, S->n * sizeof(uint32_t));
	for (j = 0; j < k; j++) {
		if (mv[j].from != UINT32_MAX)
			S->cand[mv[j].from] -= b;
		if (mv[j].to != UINT32_MAX)
			S->cand[mv[j].to] += b;
		st->predicted += mv[j].score;
	}
	if ((rc = bs__opt_evaluate(S->m, S->cand, 0, o->reps, S->jobs, &o->obj,
				   o->ward, S->cand_obj, S->off, S->f_cand, err)))
		return rc;
	out->evaluations++;
	if (o->monitor && o->monitor->progress)
		o->monitor->progress(o->monitor->ud, out->evaluations,
				     o->max_evals,
				     (double)out->evaluations / o->max_evals);
	st->evaluation = out->evaluations;
	st->from = mv[0].from;
	st->to = mv[0].to;
	st->bikes = b;
	if (k > 1) {
		if (!(st->more = malloc(2 * (k - 1) * sizeof(uint32_t))))
			return BS_E_NOMEM;
		st->nmore = (uint32_t)(k - 1);
		for (j = 1; j < k; j++) {
			st->more[2 * (j - 1)] = mv[j].from;
			st->more[2 * (j - 1) + 1] = mv[j].to;
		}
	}
	improvement(S, S->cand_obj, S->cur_obj, o->reps, o->confidence,
		    &st->diff);
	st->accepted = st->diff.n >= 2 && st->diff.lo > 0.0;
	if (st->accepted) {
		for (j = 0; j < k; j++)
			apply(S, &mv[j], b, 1);
		swap_d(&S->cur_obj, &S->cand_obj);
		swap_d(&S->f_cur, &S->f_cand);
		out->accepted++;
	}
	st->iteration = out->accepted;
	bs__opt_mean(S->cur_obj, o->reps, o->confidence, &st->cur);
	st->objective = st->cur.mean;
	if (push_step(out, st)) {
		free(st->more);
		return BS_E_NOMEM;
	}
	return st->accepted;
}

/* Do the moves share no port? O(k^2). */
static int disjoint(const struct move *mv, size_t k)
{
	size_t i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			if (share_port(&mv[i], &mv[j]))
				return 0;
	return 1;
}

/* Do the moves, made together, keep within the budgets? Each alone does
 * (rank_moves); together the bikes they add from the unused budget of
 * an at_most search must fit too, in all and in each group. O(k W). */
static int fits(const struct search *S, const struct move *mv, size_t k,
		uint32_t b)
{
	uint64_t add = 0;
	size_t j, g;

	for (g = 0; g <= S->W; g++) {
		uint64_t in = 0;
		for (j = 0; j < k; j++)
			if (mv[j].from == UINT32_MAX && S->grp[mv[j].to] == g)
				in += b;
		if (S->gsum[g] + in > S->gcap[g])
			return 0;
		add += in;
	}
	return S->total + add <= S->o->budget;
}

/* One round at block b: first the candidates together (when they share
 * no port and the proxy predicts a gain for each), then each alone. 1
 * when a move was accepted, 0 when none was, 2 when none was possible,
 * or a negative code. */
static int round_at(struct search *S, struct bs_opt_search *out, uint32_t b,
		    struct move *mv, uint32_t *rv, uint32_t *dn,
		    struct bs_error *err)
{
	struct bs_optimize *o = S->o;
	size_t k = rank_moves(S, b, o->candidates, rv, dn, mv), c;
	struct bs_opt_step st;
	double best = -HUGE_VAL;
	int got;

	out->best_rejected = -1;
	if (k > 1 && disjoint(mv, k) && fits(S, mv, k, b) && mv[k - 1].score > 0.0 &&
	    out->evaluations < o->max_evals) {
		if ((got = try_moves(S, out, mv, k, b, &st, err)))
			return got;
		best = st.diff.mean;
		out->best_rejected = (int)out->nsteps - 1;
	}
	for (c = 0; c < k && out->evaluations < o->max_evals; c++) {
		if ((got = try_moves(S, out, &mv[c], 1, b, &st, err)))
			return got;
		if (st.diff.mean > best || out->best_rejected < 0) {
			best = st.diff.mean;
			out->best_rejected = (int)out->nsteps - 1;
		}
	}
	return k ? 0 : 2;
}

/* long: the search loop reads best as one piece (rounds, block halving,
 * the three stops, the confirmation) */
int bs__opt_search(struct bs_optimize *o, unsigned jobs,
		   struct bs_opt_search *out, struct bs_error *err)
{
	struct search S;
	struct bs_opt_step st;
	struct move *mv = NULL;
	uint32_t *rv = NULL, *dn = NULL, b = o->block;
	size_t c = o->candidates;
	double t0 = now_s(), *start_obj = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->best_rejected = -1;
	if ((rc = setup(&S, o, jobs)) ||
	    !(mv = malloc((S.W + 1) * (c * c + 2 * c) * sizeof(*mv))) ||
	    !(rv = malloc(c * sizeof(uint32_t))) ||
	    !(dn = malloc(c * sizeof(uint32_t))) ||
	    !(start_obj = malloc(o->reps * sizeof(double))) ||
	    !(out->alloc = malloc(S.n * sizeof(uint32_t))))
		goto nomem;
	out->fleet_before = S.total;
	if ((rc = bs__opt_evaluate(S.m, S.cur, 0, o->reps, jobs, &o->obj,
				   o->ward, S.cur_obj, S.off, S.f_cur, err)))
		goto out;
	memcpy(start_obj, S.cur_obj, o->reps * sizeof(double));
	out->evaluations = 1;
	memset(&st, 0, sizeof(st));
	st.evaluation = 1;
	st.from = st.to = UINT32_MAX;
	bs__opt_mean(S.cur_obj, o->reps, o->confidence, &st.cur);
	st.objective = st.cur.mean;
	st.diff.mean = st.diff.lo = st.diff.hi = st.diff.sd = (double)NAN;
	st.predicted = (double)NAN;
	if (push_step(out, &st))
		goto nomem;
	for (;;) {
		int got;
		if (out->evaluations >= o->max_evals) {
			snprintf(out->stop, sizeof(out->stop),
				 "the evaluation budget (search.max_evaluations %u) is spent",
				 o->max_evals);
			break;
		}
		got = round_at(&S, out, b, mv, rv, dn, err);
		if (got < 0) {
			rc = got;
			goto out;
		}
		if (got == 1) {
			/* expand on success, up to the first block: one
			 * unlucky round at a large block does not end large
			 * moves for good */
			if (b < o->block)
				b = 2 * b < o->block ? 2 * b : o->block;
			continue;
		}
		if (b > 1) {
			b /= 2;
			continue;
		}
		if (got == 2)
			snprintf(out->stop, sizeof(out->stop),
				 "no move is possible (every port is at a bound)");
		else if (out->evaluations >= o->max_evals)
			continue; /* the budget's message, above */
		else
			snprintf(out->stop, sizeof(out->stop),
				 "no improving move: none of the %zu best moves of one bike has a paired interval above zero",
				 c);
		break;
	}
	memcpy(out->alloc, S.cur, S.n * sizeof(uint32_t));
	out->fleet_after = S.total;
	bs__opt_mean(start_obj, o->reps, o->confidence, &out->before);
	bs__opt_mean(S.cur_obj, o->reps, o->confidence, &out->after);
	improvement(&S, S.cur_obj, start_obj, o->reps, o->confidence,
		    &out->gain);
	if (o->final_reps && (rc = confirm(&S, out, err)))
		goto out;
	out->wall_s = now_s() - t0;
	rc = 0;
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory in the search");
out:
	free(mv);
	free(rv);
	free(dn);
	free(start_obj);
	teardown(&S);
	return rc;
}

void bs__opt_search_release(struct bs_opt_search *s)
{
	size_t i;

	for (i = 0; i < s->nsteps; i++)
		free(s->steps[i].more);
	free(s->alloc);
	free(s->steps);
	memset(s, 0, sizeof(*s));
}
