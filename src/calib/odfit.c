/*
 * odfit.c - bs_calibrate_od (bssim.h): the evidence read and checked,
 * the decay found by Brent's method, the ward factors by IPF, and the
 * fit written out (od.h says what is fitted and how).
 *
 * Order of work as in import.c: the output targets are checked, the
 * scenario and the evidence are read and checked, the fit is made, then
 * the files are written at once; bad evidence writes nothing.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <jansson.h>

#include "base/opts.h"
#include "calib/od.h"
#include "calib/world.h"
#include "input/triplog.h"
#include "input/wardpairs.h"
#include "output/output.h"

void bs_calibrate_od_opts_init_size(struct bs_calibrate_od_opts *o,
				    size_t size)
{
	struct bs_calibrate_od_opts d = {.size = sizeof(d),
					 .cross_share = -1.0,
					 .mean_length_m = -1.0,
					 .mean_duration_min = -1.0,
					 .decay_min_m = 300.0,
					 .decay_max_m = 20000.0,
					 .max_iter = 50,
					 .tol = 1e-4};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_calibrate_od_opts_init)(struct bs_calibrate_od_opts *o)
{
	bs_calibrate_od_opts_init_size(o, sizeof(*o));
}

/* ---- evidence ------------------------------------------------------------ */

enum { T_CROSS, T_LENGTH, T_DURATION };
static const char *const TARGET_NAME[] = {"cross_share", "mean_length_m",
					  "mean_ride_min"};

struct evid {
	size_t W;
	double *od;      /* [W*W] rides (or shares) per ward pair; NULL: none */
	const char *src; /* the file it came from */
	double cross;    /* its share of rides ending in another ward */
	/* a trip log: rides, round trips, the mean great-circle metres of
	 * the others and the mean ride minutes */
	double rides, round, mean_m, mean_min;
};

/* A ward table: every pair of the network's wards once, each origin ward
 * with rides; shares add up to 1. positive: every cell above 0 (the IPF
 * cannot fit a pair without rides: its factor would be 0). */
static int table_load(const char *path, const struct bs_network *net,
		      int positive, struct evid *ev, struct bs_error *err)
{
	static const char *const cols[2] = {"trips", "share"};
	struct bs_wardpairs t;
	size_t a, b, W = net->nwards;
	int rc = bs_wardpairs_load(path, "a ward OD CSV", net, cols, 2, 0.0,
				   positive, 1e12, &t, err);

	if (rc)
		return rc;
	for (a = 0; a < W && !rc; a++) {
		double row = 0.0;
		for (b = 0; b < W && !rc; b++) {
			row += t.m[a * W + b];
			if (!t.row[a * W + b])
				rc = BS_E_INPUT;
		}
		if (rc)
			bs_error_set(err, BS_E_INPUT, path, 0, 0, "from",
				     "the pair %s -> %s is missing; expected a row for each of the %zu x %zu pairs of the network's wards",
				     net->ward_names[a], net->ward_names[b - 1], W, W);
		else if (!(row > 0.0)) {
			bs_error_set(err, BS_E_INPUT, path, 0, 0, "from",
				     "no rides from %s; expected some rides from every ward",
				     net->ward_names[a]);
			rc = BS_E_INPUT;
		}
	}
	if (!rc && t.col == 1 && fabs(t.sum - 1.0) > 1e-6) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "share",
			     "the shares add up to %.9g; expected 1 (or give trips)",
			     t.sum);
		rc = BS_E_INPUT;
	}
	if (!rc) {
		double diag = 0.0;
		for (a = 0; a < W; a++)
			diag += t.m[a * W + a];
		ev->cross = 1.0 - diag / t.sum;
		ev->od = t.m;
		t.m = NULL;
	}
	bs_wardpairs_release(&t);
	return rc;
}

struct log_ld {
	const char *file;
	const struct bs_network *net;
	struct evid *ev;
	double len, nlen, mins;
};

static int log_row(void *ud, const struct bs_trip_row *t, struct bs_error *err)
{
	struct log_ld *L = ud;
	uint32_t o = bs_network_find(L->net, t->start_id);
	uint32_t d = bs_network_find(L->net, t->end_id);
	size_t W = L->net->nwards;

	if (o == BS_NO_STATION || d == BS_NO_STATION) {
		bs_error_row(err, L->file, t->row,
			     o == BS_NO_STATION ? t->start_col : t->end_col,
			     "station '%s' is not in the network; expected a station of the scenario's stations file",
			     o == BS_NO_STATION ? t->start_id : t->end_id);
		return BS_E_INPUT;
	}
	L->ev->od[(size_t)L->net->ward[o] * W + L->net->ward[d]] += 1.0;
	L->ev->rides += 1.0;
	L->mins += t->end_min - t->start_min;
	if (o == d) {
		L->ev->round += 1.0;
	} else {
		L->len += bs_network_dist(L->net, o, d);
		L->nlen += 1.0;
	}
	return 0;
}

static int log_load(const char *path, const struct bs_network *net,
		    struct evid *ev, struct bs_warnings *warn,
		    struct bs_error *err)
{
	struct log_ld L = {path, net, ev, 0.0, 0.0, 0.0};
	double diag = 0.0;
	size_t a, W = net->nwards;
	int rc;

	if (!(ev->od = calloc(W * W, sizeof(double))))
		return BS_E_NOMEM;
	if ((rc = bs_triplog_read(path, log_row, &L, warn, err)))
		return rc;
	if (!(ev->rides > 0.0) || !(L.nlen > 0.0)) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "no rides between two stations of the network; expected rows of a trip log");
		return BS_E_INPUT;
	}
	for (a = 0; a < W; a++)
		diag += ev->od[a * W + a];
	ev->cross = 1.0 - diag / ev->rides;
	ev->mean_m = L.len / L.nlen;
	ev->mean_min = L.mins / ev->rides;
	return 0;
}

/* The IPF scales each factor by its pair's share: a pair without rides
 * would get a factor of 0 (and its row divided by it). */
static int cells_positive(const struct evid *ev, const struct bs_network *net,
			  struct bs_error *err)
{
	size_t a, b, W = net->nwards;

	for (a = 0; a < W; a++)
		for (b = 0; b < W; b++)
			if (!(ev->od[a * W + b] > 0.0)) {
				bs_error_set(err, BS_E_INPUT, ev->src, 0, 0, "--factors",
					     "no rides from %s to %s; expected rides on every pair of wards to fit ward factors",
					     net->ward_names[a], net->ward_names[b]);
				return BS_E_INPUT;
			}
	return 0;
}

/* ---- the fits ------------------------------------------------------------ */

struct fit {
	struct bs_od_model m;
	struct bs_od_eval e;
	int target;           /* T_*, or -1: the decay is kept */
	double want;          /* its value */
	double decay, got;    /* the decay found and the target's model value */
	int evals, converged;
	double *wf;           /* [W*W] fitted factors, or NULL */
	int passes, ipf_ok;
	int rounds;           /* decay and factors fitted in turn this often */
	int from_table;       /* the decay's target is the ward table's share */
	double ipf_diff;      /* largest |model - evidence| row share */
	struct bs_error *err;
	int rc;               /* the first evaluation's error */
};

static double metric(const struct bs_od_eval *e, int target)
{
	return target == T_CROSS ? e->cross
	       : target == T_LENGTH ? e->mean_m : e->mean_min;
}

/* g(log decay) = model - target, for Brent's method; NAN once an
 * evaluation failed (the solver stops on it). */
static double g_of(double x, void *ud)
{
	struct fit *f = ud;

	if (f->rc)
		return NAN;
	f->evals++;
	if ((f->rc = bs_od_evaluate(&f->m, exp(x), f->wf, &f->e, f->err)))
		return NAN;
	return metric(&f->e, f->target) - f->want;
}

/*
 * The decay at which the model meets the target, in [lo, hi]: Brent's
 * method on log(decay), to a relative tolerance of 1e-4 in the decay or
 * 1e-6 of the target (the ride-time target in minutes, the length in
 * metres, the share as it is). A target outside the values at the two
 * ends is not met: the nearer end is kept, converged = 0.
 */
#define SCAN 9 /* grid points of the scan, log-spaced over [lo, hi] */

static int fit_decay(struct fit *f, double lo, double hi)
{
	gsl_function F = {g_of, f};
	gsl_root_fsolver *s;
	double g[SCAN], x = log(lo), best = HUGE_VAL;
	int i, at = -1, it, status = GSL_CONTINUE;

	/* The targets rise with the decay where the model behaves, but not
	 * everywhere (the balanced model's floor of cross-ward rides, set
	 * by the hourly arrivals, docs/model.md): a scan finds the first
	 * bracket from the short end, and the nearest point when none. */
	for (i = 0; i < SCAN && !f->rc; i++) {
		double xi = log(lo) + (log(hi) - log(lo)) * i / (SCAN - 1);
		g[i] = g_of(xi, f);
		if (fabs(g[i]) < best)
			best = fabs(g[i]), x = xi;
		if (at < 0 && i > 0 && g[i - 1] * g[i] <= 0.0)
			at = i - 1;
	}
	if (f->rc)
		return f->rc;
	if (at < 0) {
		f->decay = exp(x);
		f->converged = 0;
		return bs_od_evaluate(&f->m, f->decay, f->wf, &f->e, f->err);
	}
	{
		double l0 = log(lo), step = (log(hi) - log(lo)) / (SCAN - 1);
		lo = exp(l0 + step * at);
		hi = exp(l0 + step * (at + 1));
	}
	if (g[at] == 0.0 || g[at + 1] == 0.0) {
		f->decay = g[at] == 0.0 ? lo : hi;
		f->converged = 1;
		return bs_od_evaluate(&f->m, f->decay, f->wf, &f->e, f->err);
	}
	if (!(s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent)))
		return BS_E_NOMEM;
	gsl_root_fsolver_set(s, &F, log(lo), log(hi));
	for (it = 0; it < 100 && status == GSL_CONTINUE && !f->rc; it++) {
		double a, b;
		if (gsl_root_fsolver_iterate(s))
			break;
		x = gsl_root_fsolver_root(s);
		a = gsl_root_fsolver_x_lower(s);
		b = gsl_root_fsolver_x_upper(s);
		status = gsl_root_test_interval(a, b, 0.0, 1e-4);
		if (fabs(metric(&f->e, f->target) - f->want) <=
		    1e-6 * (fabs(f->want) > 1.0 ? fabs(f->want) : 1.0))
			status = GSL_SUCCESS;
	}
	gsl_root_fsolver_free(s);
	if (f->rc)
		return f->rc;
	f->converged = status == GSL_SUCCESS;
	f->decay = exp(x);
	return bs_od_evaluate(&f->m, f->decay, f->wf, &f->e, f->err);
}

/* Largest difference between the model's and the evidence's share of
 * each origin ward's rides going to each ward. */
static double share_diff(const double *mod, const double *ev, size_t W)
{
	double worst = 0.0;
	size_t a, b;

	for (a = 0; a < W; a++) {
		double rm = 0.0, re = 0.0;
		for (b = 0; b < W; b++) {
			rm += mod[a * W + b];
			re += ev[a * W + b];
		}
		for (b = 0; b < W; b++) {
			double dd = fabs(mod[a * W + b] / rm - ev[a * W + b] / re);
			worst = dd > worst ? dd : worst;
		}
	}
	return worst;
}

/*
 * Ward factors at the fitted decay: each pass scales f(a, b) by the
 * evidence's share of a's rides going to b over the model's, then each
 * row by 1 / f(a, a), and rebuilds the demand; it stops when the largest
 * difference of shares is at most tol, or after max_iter passes
 * (ipf_ok = 0, and the residual is reported).
 */
static int fit_factors(struct fit *f, const double *ev, int max_iter,
		       double tol)
{
	size_t a, b, W = f->m.net->nwards;
	int rc;

	if (!f->wf) {
		if (!(f->wf = malloc(W * W * sizeof(double))))
			return BS_E_NOMEM;
		for (a = 0; a < W * W; a++)
			f->wf[a] = 1.0;
	}
	if ((rc = bs_od_evaluate(&f->m, f->decay, f->wf, &f->e, f->err)))
		return rc;
	for (f->passes = 0;; f->passes++) {
		f->ipf_diff = share_diff(f->e.od, ev, W);
		if (f->ipf_diff <= tol || f->passes >= max_iter)
			break;
		for (a = 0; a < W; a++) {
			double rm = 0.0, re = 0.0;
			for (b = 0; b < W; b++) {
				rm += f->e.od[a * W + b];
				re += ev[a * W + b];
			}
			for (b = 0; b < W; b++)
				if (f->e.od[a * W + b] > 0.0)
					f->wf[a * W + b] *= (ev[a * W + b] / re) /
							    (f->e.od[a * W + b] / rm);
			{
				double fa = f->wf[a * W + a];
				for (b = 0; b < W; b++)
					f->wf[a * W + b] /= fa;
			}
		}
		for (a = 0; a < W * W; a++)
			if (!(f->wf[a] <= BS_MAX_WARD_FACTOR))
				f->wf[a] = BS_MAX_WARD_FACTOR;
		if ((rc = bs_od_evaluate(&f->m, f->decay, f->wf, &f->e, f->err)))
			return rc;
	}
	f->ipf_ok = f->ipf_diff <= tol;
	return 0;
}

/* ---- outputs ------------------------------------------------------------- */

struct od_out {
	const struct fit *f;
	const struct evid *ev;
	const struct bs_calibrate_od_opts *o;
	const struct bs_network *net;
};

/* {from: {to: v[a * W + b] (scaled by 1 / its row's sum when rows)}} */
static json_t *ward_matrix(const struct bs_network *net, const double *v,
			   int rows)
{
	json_t *m = json_object();
	size_t a, b, W = net->nwards;

	for (a = 0; a < W; a++) {
		json_t *r = json_object();
		double sum = 0.0;
		for (b = 0; b < W; b++)
			sum += v[a * W + b];
		for (b = 0; b < W; b++)
			json_object_set_new(r, net->ward_names[b],
					    json_real(rows ? v[a * W + b] / sum
							   : v[a * W + b]));
		json_object_set_new(m, net->ward_names[a], r);
	}
	return m;
}

/* Each ward's rides (rented there) and the share that end elsewhere. */
static json_t *ward_cross(const struct bs_network *net, const double *od)
{
	json_t *m = json_object();
	size_t a, b, W = net->nwards;

	for (a = 0; a < W; a++) {
		double row = 0.0;
		for (b = 0; b < W; b++)
			row += od[a * W + b];
		json_object_set_new(m, net->ward_names[a],
				    json_pack("{s:f,s:f}", "trips", row,
					      "cross_share",
					      row > 0.0 ? 1.0 - od[a * W + a] / row
							: 0.0));
	}
	return m;
}

static json_t *fit_json(const struct od_out *x)
{
	const struct fit *f = x->f;
	const struct evid *ev = x->ev;
	json_t *doc = json_object(), *evj = json_object(), *snip;

	json_object_set_new(doc, "bssim_fit", json_integer(1));
	json_object_set_new(doc, "scenario", json_string(x->o->scenario));
	if (ev->src)
		json_object_set_new(evj, "file", json_string(ev->src));
	if (ev->od) {
		json_object_set_new(evj, "cross_share", json_real(ev->cross));
		json_object_set_new(evj, "shares", ward_matrix(x->net, ev->od, 1));
	}
	if (ev->rides > 0.0)
		json_object_set_new(evj, "log", json_pack("{s:f,s:f,s:f,s:f}",
			"rides", ev->rides, "round_trip_share", ev->round / ev->rides,
			"mean_length_m", ev->mean_m, "mean_ride_min", ev->mean_min));
	json_object_set_new(doc, "evidence", evj);
	json_object_set_new(doc, "decay_m", json_real(f->decay));
	if (f->target >= 0)
		json_object_set_new(doc, "decay_fit", json_pack("{s:s,s:f,s:f,s:f,s:i,s:b}",
			"target", TARGET_NAME[f->target], "value", f->want,
			"model", f->got, "residual", f->got - f->want,
			"evaluations", f->evals, "converged", f->converged));
	if (f->wf) {
		json_object_set_new(doc, "ward_factors", ward_matrix(x->net, f->wf, 0));
		json_object_set_new(doc, "ipf", json_pack("{s:i,s:i,s:f,s:f,s:b}",
			"passes", f->passes, "rounds", f->rounds,
			"max_share_diff", f->ipf_diff,
			"tolerance", x->o->tol, "converged", f->ipf_ok));
	}
	json_object_set_new(doc, "model", json_pack("{s:f,s:f,s:f,s:f,s:f,s:i,s:o,s:o}",
		"trips_per_day", f->e.trips, "cross_share", f->e.cross,
		"mean_length_m", f->e.mean_m, "mean_ride_min", f->e.mean_min,
		"balance_residual", f->e.bal_resid, "balance_passes", f->e.bal_passes,
		"wards", ward_cross(x->net, f->e.od),
		"shares", ward_matrix(x->net, f->e.od, 1)));
	snip = json_pack("{s:f}", "decay_m", f->decay);
	if (f->wf && x->o->factors_out)
		json_object_set_new(snip, "ward_factors",
				    json_string(x->o->factors_out));
	json_object_set_new(doc, "snippet", json_pack("{s:o}", "demand", snip));
	return doc;
}

static void put_fit(const void *ud, FILE *fp)
{
	json_t *doc = fit_json(ud);

	if (doc)
		json_dumpf(doc, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', fp);
	json_decref(doc);
}

static void put_factors(const void *ud, FILE *fp)
{
	const struct od_out *x = ud;
	size_t a, b, W = x->net->nwards;

	fputs("from,to,factor\n", fp);
	for (a = 0; a < W; a++)
		for (b = 0; b < W; b++)
			fprintf(fp, "%s,%s,%.10g\n", x->net->ward_names[a],
				x->net->ward_names[b], x->f->wf[a * W + b]);
}

/* The report's text: what was fitted and how well, by ward. */
static void report_text(const struct od_out *x, struct bs_od_report *rep)
{
	const struct fit *f = x->f;
	size_t a, b, W = x->net->nwards, used = 0;
	char *t = rep->text;
	size_t sz = sizeof(rep->text);

#define PUT(...) (used += (size_t)snprintf(t + used, used < sz ? sz - used : 0, __VA_ARGS__))
	if (f->target >= 0)
		PUT("decay_m %.1f: %s %.6g against %.6g (residual %+.3g, %d evaluations)%s\n",
		    f->decay, TARGET_NAME[f->target], f->got, f->want,
		    f->got - f->want, f->evals,
		    f->converged ? "" : " NOT MET within the decay range");
	else
		PUT("decay_m %.1f (kept)\n", f->decay);
	PUT("model: %.0f trips a day, %.2f %% cross-ward, mean length %.0f m, mean ride %.1f min\n",
	    f->e.trips, 100.0 * f->e.cross, f->e.mean_m, f->e.mean_min);
	if (f->e.bal_passes)
		PUT("  balancing: %.2f %% of arrivals misplaced after %d passes\n",
		    100.0 * f->e.bal_resid, f->e.bal_passes);
	for (a = 0; a < W; a++) {
		double row = 0.0;
		for (b = 0; b < W; b++)
			row += f->e.od[a * W + b];
		PUT("  %-12s %8.0f trips, %5.1f %% to other wards\n",
		    x->net->ward_names[a], row,
		    row > 0.0 ? 100.0 * (1.0 - f->e.od[a * W + a] / row) : 0.0);
	}
	if (f->wf)
		PUT("ward factors: %d IPF passes, largest share difference %.2g%s\n",
		    f->passes, f->ipf_diff,
		    f->ipf_ok ? "" : " NOT within the tolerance");
	PUT("snippet: { \"demand\": { \"decay_m\": %.1f%s%s%s } }\n", f->decay,
	    f->wf && x->o->factors_out ? ", \"ward_factors\": \"" : "",
	    f->wf && x->o->factors_out ? x->o->factors_out : "",
	    f->wf && x->o->factors_out ? "\"" : "");
#undef PUT
}

/* ---- the whole -------------------------------------------------------------- */

/* Which target fits the decay: the one given, else the log's mean length,
 * else the table's cross-ward share; -1 when the decay is kept. */
static int choose_target(const struct bs_calibrate_od_opts *o,
			 const struct evid *ev, double *want,
			 struct bs_error *err)
{
	int n = (o->cross_share >= 0.0) + (o->mean_length_m >= 0.0) +
		(o->mean_duration_min >= 0.0);

	if (n > 1 || (n == 1 && o->decay_m > 0.0)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--cross-share",
			     "more than one target for the decay; expected one of --cross-share, --mean-length, --mean-duration or --decay");
		return -2;
	}
	if (o->decay_m > 0.0)
		return -1;
	if (o->cross_share >= 0.0)
		return *want = o->cross_share, T_CROSS;
	if (o->mean_length_m >= 0.0)
		return *want = o->mean_length_m, T_LENGTH;
	if (o->mean_duration_min >= 0.0)
		return *want = o->mean_duration_min, T_DURATION;
	if (ev->rides > 0.0)
		return *want = ev->mean_m, T_LENGTH;
	if (ev->od)
		return *want = ev->cross, T_CROSS; /* fit.from_table */
	bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--cross-share",
		     "nothing to fit; expected evidence (--od, --trips) or a target (--cross-share, --mean-length, --mean-duration)");
	return -2;
}

static int model_ok(const struct bs_scenario *sc, const struct fit *f,
		    const struct bs_calibrate_od_opts *o, struct bs_error *err)
{
	if (sc->p.demand != BS_DEMAND_GRAVITY && sc->p.demand != BS_DEMAND_RATES)
		return bs_scenario_error(sc, err, "demand.model",
					 "destinations of this model have no decay to fit; expected gravity or rates");
	if (f->target == T_DURATION && sc->p.dur == BS_DUR_EXPONENTIAL)
		return bs_scenario_error(sc, err, "trip.duration.dist",
					 "exponential ride times do not depend on where riders go; expected distance for --mean-duration");
	if (o->factors && !(o->od || o->trips)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--factors",
			     "ward factors need ward-level evidence; expected --od or --trips");
		return BS_E_INPUT;
	}
	if (!(o->decay_min_m > 0.0) || !(o->decay_max_m > o->decay_min_m)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--decay-min",
			     "the decay range [%g, %g] is empty; expected 0 < min < max metres",
			     o->decay_min_m, o->decay_max_m);
		return BS_E_INPUT;
	}
	return 0;
}

static int fit_all(struct fit *f, const struct evid *ev,
		   const struct bs_calibrate_od_opts *o)
{
	int rc;

	int round;

	if (f->target < 0) {
		f->decay = o->decay_m;
		rc = bs_od_evaluate(&f->m, f->decay, NULL, &f->e, f->err);
		if (!rc && o->factors)
			rc = fit_factors(f, ev->od, o->max_iter, o->tol);
		return rc;
	}
	/* Both: the decay with the factors so far, the factors at that
	 * decay, until the decay settles (coordinate descent; each step
	 * meets its own target, so a fixed point meets both). When the
	 * decay's target is the table's own cross-ward share, the factors
	 * alone can meet both at any decay: the decay is then the one that
	 * meets the table's share with factors 1, once, and the factors fit
	 * the rest. */
	for (round = 0, rc = 0; round < 30 && !rc; round++) {
		double before = f->decay;
		rc = fit_decay(f, o->decay_min_m, o->decay_max_m);
		if (!rc && o->factors)
			rc = fit_factors(f, ev->od, o->max_iter, o->tol);
		f->rounds = round + 1;
		if (!o->factors || f->from_table ||
		    fabs(f->decay - before) <= 1e-5 * f->decay)
			break;
	}
	if (!rc && o->factors && f->rounds == 30)
		f->ipf_ok = 0; /* the two never settled together */
	if (!rc && f->target >= 0)
		f->got = metric(&f->e, f->target);
	return rc;
}

int bs_calibrate_od(const struct bs_calibrate_od_opts *o,
		    struct bs_od_report *rep, struct bs_error *err)
{
	struct bs_calibrate_od_opts r_;
	struct bs_scenario *sc = NULL;
	struct bs_world *w = NULL;
	struct bs_demand_tables tab;
	struct evid ev;
	struct fit f;
	int rc;

	bs_calibrate_od_opts_init(&r_);
	if (o)
		memcpy(&r_, o, o->size < sizeof(r_) ? o->size : sizeof(r_));
	r_.size = sizeof(r_);
	assert(r_.scenario && r_.output);
	memset(&tab, 0, sizeof(tab));
	memset(&ev, 0, sizeof(ev));
	memset(&f, 0, sizeof(f));
	if (rep)
		memset(rep, 0, sizeof(*rep));
	f.err = err;
	if ((rc = bs_output_check_target(r_.output, "-o", err)) ||
	    (r_.factors_out &&
	     (rc = bs_output_check_target(r_.factors_out, "--factors-out", err))))
		return rc;
	if (!(sc = bs_scenario_load(r_.scenario, r_.sets, r_.nset, err)) ||
	    !(w = bs_world_build(sc, err))) {
		rc = err && err->code ? err->code : BS_E_INPUT;
		goto out;
	}
	ev.W = w->net->nwards;
	ev.src = r_.trips ? r_.trips : r_.od;
	if ((r_.od && (rc = table_load(r_.od, w->net, r_.factors, &ev, err))) ||
	    (!r_.od && r_.trips &&
	     (rc = log_load(r_.trips, w->net, &ev, &w->warn, err))))
		goto out;
	if (r_.factors && (rc = cells_positive(&ev, w->net, err)))
		goto out;
	if ((f.target = choose_target(&r_, &ev, &f.want, err)) == -2) {
		rc = BS_E_INPUT;
		goto out;
	}
	f.from_table = f.target == T_CROSS && r_.cross_share < 0.0;
	if ((rc = model_ok(sc, &f, &r_, err)) ||
	    (rc = bs_demand_tables_load(sc, w->net, &w->warn, &tab, err)))
		goto out;
	f.m.net = w->net;
	f.m.p = sc->p;
	f.m.tab = &tab;
	f.m.warn = &w->warn;
	if (!(f.e.od = calloc(ev.W * ev.W, sizeof(double)))) {
		rc = BS_E_NOMEM;
		goto out;
	}
	if ((rc = fit_all(&f, &ev, &r_)))
		goto out;
	{
		struct od_out x = {&f, &ev, &r_, w->net};
		const struct bs_outfile outs[] = {
			{r_.output, "-o", put_fit, &x},
			{f.wf ? r_.factors_out : NULL, "--factors-out", put_factors, &x}};
		if ((rc = bs_output_write_files(outs, 2, err)))
			goto out;
		if (rep) {
			rep->decay_m = f.decay;
			rep->converged = (f.target < 0 || f.converged) &&
					 (!f.wf || f.ipf_ok);
			report_text(&x, rep);
			rep->warnings = w->warn;
		}
	}
out:
	if (rc == BS_E_NOMEM && err && !err->code)
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory (the destination fit)");
	free(f.m.prob);
	free(f.m.dist);
	free(f.e.od);
	free(f.wf);
	free(ev.od);
	bs_demand_tables_release(&tab);
	bs_world_free(w);
	bs_scenario_free(sc);
	return rc;
}
