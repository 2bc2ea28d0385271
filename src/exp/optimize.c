/*
 * optimize.c - `bssim optimize`: the public entry points (bs_optimize_*
 * in bssim.h) and the files an optimisation leaves in its folder.
 *
 * Allocation: allocation.csv (station_id,bikes: what fleet.initial
 * reads), trace.csv (one row per evaluated allocation: iteration,
 * evaluation, the current objective and its interval, the move, its
 * predicted and paired gain, accepted or not) and optimize.json (the
 * objective before and after with paired intervals, on the search's
 * replications and on fresh ones, the stopping rule that ended it and
 * its evidence). Selection: selection.csv (each scenario's replications,
 * mean, interval and when it was eliminated) and optimize.json. As
 * everywhere, only "run" holds facts of the machine and moment.
 *
 * The folder is claimed (kind "optimize") only after the whole file was
 * checked (exit 2 leaves nothing behind), and the files are written to
 * temporaries and committed together at the end.
 */
#include "exp/optimize.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/opts.h"
#include "calib/world.h"
#include "output/output.h"
#include "stats/metrics.h"

void bs_optimize_opts_init_size(struct bs_optimize_opts *o, size_t size)
{
	struct bs_optimize_opts d = {.size = sizeof(d), .jobs = 1};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_optimize_opts_init)(struct bs_optimize_opts *o)
{
	bs_optimize_opts_init_size(o, sizeof(*o));
}

bs_optimize *bs_optimize_load(const char *path, struct bs_error *err)
{
	assert(path);
	return bs__optimize_load(path, err);
}

const char *bs_optimize_name(const bs_optimize *o)
{
	return o->name;
}

int bs_optimize_is_select(const bs_optimize *o)
{
	return o->mode == BS_OPT_SELECT;
}

void bs_optimize_free(bs_optimize *o)
{
	bs__optimize_free(o);
}

/* ---- files ----------------------------------------------------------------- */

static json_t *pair_json(const struct bs_opt_pair *p)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	json_object_set_new(j, "n", json_integer(p->n));
	json_object_set_new(j, "mean", bs_json_num(p->mean));
	json_object_set_new(j, "sd", bs_json_num(p->sd));
	json_object_set_new(j, "ci_low", bs_json_num(p->lo));
	json_object_set_new(j, "ci_high", bs_json_num(p->hi));
	return j;
}

static const char *port_id(const struct bs_network *net, uint32_t i)
{
	return i == UINT32_MAX ? "unused" : net->ids[i];
}

static json_t *objective_json(const struct bs_optimize *o)
{
	json_t *j = json_object(), *t = json_object();
	size_t k;

	if (!j || !t) {
		json_decref(j);
		json_decref(t);
		return NULL;
	}
	for (k = 0; k < o->obj.nterms; k++)
		json_object_set_new(t, bs_metric_names[o->obj.metric[k]],
				    bs_json_num(o->obj.coef[k]));
	json_object_set_new(j, "sense", json_string(o->obj.maximize ? "maximize"
								     : "minimize"));
	json_object_set_new(j, "terms", t);
	json_object_set_new(j, "ward", json_string(o->obj.ward ? o->obj.ward : "all"));
	json_object_set_new(j, "text", json_string(o->obj.text));
	return j;
}

static json_t *run_json(double wall, unsigned jobs)
{
	json_t *j = json_object();
	char host[256] = "", when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!j)
		return NULL;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(host, sizeof(host) - 1))
		bs_strlcpy(host, "unknown", sizeof(host));
	json_object_set_new(j, "wall_s", json_real(wall));
	json_object_set_new(j, "host", json_string(host));
	json_object_set_new(j, "finished_utc", json_string(when));
	json_object_set_new(j, "workers", json_integer(jobs));
	return j;
}

static json_t *step_move_json(const struct bs_network *net,
			      const struct bs_opt_step *s)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	{
	json_t *from = json_array(), *to = json_array();
	size_t k;

	json_array_append_new(from, json_string(port_id(net, s->from)));
	json_array_append_new(to, json_string(port_id(net, s->to)));
	for (k = 0; k < s->nmore; k++) {
		json_array_append_new(from, json_string(port_id(net, s->more[2 * k])));
		json_array_append_new(to, json_string(port_id(net, s->more[2 * k + 1])));
	}
	json_object_set_new(j, "from", from);
	json_object_set_new(j, "to", to);
	}
	json_object_set_new(j, "bikes", json_integer(s->bikes));
	json_object_set_new(j, "predicted", bs_json_num(s->predicted));
	json_object_set_new(j, "gain", pair_json(&s->diff));
	return j;
}

static json_t *allocate_json(const struct bs_optimize *o,
			     const struct bs_opt_search *s, unsigned jobs)
{
	const struct bs_network *net = o->sc->world->net;
	json_t *j = json_object(), *b = json_object(), *w = json_object(),
	       *fresh = json_object(), *sc = json_deep_copy(o->sc->root);
	uint64_t moved = 0;
	size_t i;

	if (!j || !b || !w || !fresh || !sc)
		goto fail;
	for (i = 0; i < net->n; i++)
		moved += s->alloc[i] > o->start[i] ? s->alloc[i] - o->start[i] : 0;
	json_object_set_new(j, "bssim_optimize", json_integer(1));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "version", json_string(bs_version()));
	json_object_set_new(j, "mode", json_string("allocate"));
	json_object_set_new(j, "objective", objective_json(o));
	json_object_set_new(j, "confidence", json_real(o->confidence));
	json_object_set_new(j, "replications", json_integer(o->reps));
	json_object_set_new(j, "final_replications", json_integer(o->final_reps));
	json_object_set_new(b, "bikes", json_integer((json_int_t)o->budget));
	json_object_set_new(b, "mode", json_string(o->at_most ? "at_most" : "exact"));
	for (i = 0; i < net->nwards; i++)
		if (o->ward_budget[i] != UINT64_MAX)
			json_object_set_new(w, net->ward_names[i],
					    json_integer((json_int_t)o->ward_budget[i]));
	json_object_set_new(b, "wards", w);
	w = NULL;
	json_object_set_new(j, "budget", b);
	b = NULL;
	json_object_set_new(j, "search", json_pack("{s:i,s:i,s:i}", "block",
						    (int)o->block, "candidates",
						    (int)o->candidates,
						    "max_evaluations",
						    (int)o->max_evals));
	json_object_set_new(j, "stop", json_string(s->stop));
	json_object_set_new(j, "evaluations", json_integer(s->evaluations));
	json_object_set_new(j, "moves", json_integer(s->accepted));
	json_object_set_new(j, "bikes_moved", json_integer((json_int_t)moved));
	json_object_set_new(j, "fleet", json_pack("{s:I,s:I}", "before",
						   (json_int_t)s->fleet_before,
						   "after",
						   (json_int_t)s->fleet_after));
	json_object_set_new(j, "before", pair_json(&s->before));
	json_object_set_new(j, "after", pair_json(&s->after));
	json_object_set_new(j, "gain", pair_json(&s->gain));
	if (o->final_reps) {
		json_object_set_new(fresh, "first_replication",
				    json_integer((json_int_t)o->reps + 1));
		json_object_set_new(fresh, "before", pair_json(&s->before_new));
		json_object_set_new(fresh, "after", pair_json(&s->after_new));
		json_object_set_new(fresh, "gain", pair_json(&s->gain_new));
		json_object_set_new(j, "fresh", fresh);
	} else {
		json_decref(fresh);
		json_object_set_new(j, "fresh", json_null());
	}
	fresh = NULL;
	json_object_set_new(j, "evidence",
			    s->best_rejected >= 0
				    ? step_move_json(net, &s->steps[s->best_rejected])
				    : json_null());
	json_object_set_new(j, "scenario", sc);
	json_object_set_new(j, "run", run_json(s->wall_s, jobs));
	return j;
fail:
	json_decref(j);
	json_decref(b);
	json_decref(w);
	json_decref(fresh);
	json_decref(sc);
	return NULL;
}

static void write_alloc(const struct bs_network *net, const uint32_t *a,
			FILE *fp)
{
	size_t i;

	fputs("station_id,bikes\n", fp);
	for (i = 0; i < net->n; i++) {
		bs_csv_put(fp, net->ids[i]);
		fprintf(fp, ",%u\n", a[i]);
	}
}

/* The ports a step's move takes bikes from (to: those it brings them to),
 * joined by ';' for a compound move, as one CSV field. */
static void put_ports(FILE *fp, const struct bs_network *net,
		      const struct bs_opt_step *st, int to)
{
	size_t len = strlen(port_id(net, to ? st->to : st->from)) + 1, j;
	char *buf;

	for (j = 0; j < st->nmore; j++)
		len += strlen(port_id(net, st->more[2 * j + (size_t)to])) + 1;
	if (!(buf = malloc(len))) {
		fputs("?", fp); /* the stream's own errors are checked at close */
		return;
	}
	bs_strlcpy(buf, port_id(net, to ? st->to : st->from), len);
	for (j = 0; j < st->nmore; j++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, ";%s",
			 port_id(net, st->more[2 * j + (size_t)to]));
	}
	bs_csv_put(fp, buf);
	free(buf);
}

static void write_trace(const struct bs_network *net,
			const struct bs_opt_search *s, FILE *fp)
{
	size_t k;

	fputs("iteration,evaluation,objective,ci_low,ci_high,from,to,bikes,predicted,gain,gain_ci_low,gain_ci_high,accepted\n",
	      fp);
	for (k = 0; k < s->nsteps; k++) {
		const struct bs_opt_step *st = &s->steps[k];
		fprintf(fp, "%u,%u,", st->iteration, st->evaluation);
		bs_csv_num(fp, st->objective);
		fputc(',', fp);
		bs_csv_num(fp, st->cur.lo);
		fputc(',', fp);
		bs_csv_num(fp, st->cur.hi);
		fputc(',', fp);
		if (k) {
			put_ports(fp, net, st, 0);
			fputc(',', fp);
			put_ports(fp, net, st, 1);
			fprintf(fp, ",%u,", st->bikes);
		} else {
			fputs(",,,", fp);
		}
		bs_csv_num(fp, st->predicted);
		fputc(',', fp);
		bs_csv_num(fp, st->diff.mean);
		fputc(',', fp);
		bs_csv_num(fp, st->diff.lo);
		fputc(',', fp);
		bs_csv_num(fp, st->diff.hi);
		fprintf(fp, ",%d\n", st->accepted);
	}
}

static json_t *select_json(const struct bs_optimize *o,
			   const struct bs_kn_result *r, double wall,
			   unsigned jobs)
{
	json_t *j = json_object(), *sys = json_array();
	size_t i;

	if (!j || !sys) {
		json_decref(j);
		json_decref(sys);
		return NULL;
	}
	json_object_set_new(j, "bssim_optimize", json_integer(1));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "version", json_string(bs_version()));
	json_object_set_new(j, "mode", json_string("select"));
	json_object_set_new(j, "procedure", json_string("KN (Kim and Nelson 2001), common random numbers"));
	json_object_set_new(j, "objective", objective_json(o));
	json_object_set_new(j, "alpha", json_real(o->alpha));
	json_object_set_new(j, "pcs", json_real(1.0 - o->alpha));
	json_object_set_new(j, "delta", json_real(o->delta));
	json_object_set_new(j, "n0", json_integer(o->n0));
	json_object_set_new(j, "max_replications", json_integer(o->max_reps));
	json_object_set_new(j, "h2", json_real(r->h2));
	json_object_set_new(j, "capped", json_boolean(r->capped));
	json_object_set_new(j, "winner", json_string(o->sys_files[r->winner]));
	json_object_set_new(j, "total_replications", json_integer((json_int_t)r->total_reps));
	for (i = 0; i < r->k; i++)
		json_array_append_new(
			sys, json_pack("{s:s,s:s,s:i,s:o,s:i,s:b}", "scenario",
				       o->sys_files[i], "name", o->sys[i]->name,
				       "replications", (int)r->reps[i], "mean",
				       bs_json_num(o->obj.maximize ? r->mean[i] : -r->mean[i]),
				       "eliminated_after", (int)r->elim_at[i],
				       "winner", i == r->winner));
	json_object_set_new(j, "scenarios", sys);
	json_object_set_new(j, "run", run_json(wall, jobs));
	return j;
}

static void write_selection(const struct bs_optimize *o,
			    const struct bs_kn_result *r, FILE *fp)
{
	size_t i;

	fputs("system,scenario,replications,mean,eliminated_after,winner\n", fp);
	for (i = 0; i < r->k; i++) {
		fprintf(fp, "%zu,", i + 1);
		bs_csv_put(fp, o->sys_files[i]);
		fprintf(fp, ",%u,", r->reps[i]);
		bs_csv_num(fp, o->obj.maximize ? r->mean[i] : -r->mean[i]);
		fprintf(fp, ",%u,%d\n", r->elim_at[i], i == r->winner);
	}
}

struct outset {
	const struct bs_optimize *o;
	const struct bs_opt_search *s;
	const struct bs_kn_result *k;
	json_t *doc;
};

static int write_folder(const char *dir, const struct outset *w, int force,
			struct bs_error *err)
{
	static const char *const alloc_names[] = {"allocation.csv", "trace.csv",
						  "optimize.json"};
	static const char *const sel_names[] = {"selection.csv", "optimize.json"};
	const char *const *names = w->s ? alloc_names : sel_names;
	size_t n = w->s ? 3 : 2, i;
	struct bs_outdir od = {NULL, -1};
	struct bs_staged st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.dirfd = -1;
	if ((rc = bs_output_check_names(dir, names, n, err)) ||
	    (rc = bs_outdir_open(&od, dir, BS_KIND_OPTIMIZE, force, err))) {
		bs_outdir_close(&od);
		return rc;
	}
	rc = bs_staged_init(&st, dir, err);
	for (i = 0; !rc && i < n; i++) {
		FILE *fp = bs_staged_open(&st, names[i], err);
		if (!fp) {
			rc = BS_E_IO;
			break;
		}
		if (!strcmp(names[i], "optimize.json")) {
			json_dumpf(w->doc, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
			fputc('\n', fp);
		} else if (!strcmp(names[i], "allocation.csv")) {
			write_alloc(w->o->sc->world->net, w->s->alloc, fp);
		} else if (!strcmp(names[i], "trace.csv")) {
			write_trace(w->o->sc->world->net, w->s, fp);
		} else {
			write_selection(w->o, w->k, fp);
		}
		rc = bs_staged_close(&st, fp, names[i], err);
	}
	/* the other mode's files, from an earlier optimisation into this
	 * folder: removed in the same commit, so that a folder never mixes
	 * an allocation with a selection */
	if (!rc && w->s)
		rc = bs_staged_remove(&st, "selection.csv", err);
	if (!rc && !w->s && !(rc = bs_staged_remove(&st, "allocation.csv", err)))
		rc = bs_staged_remove(&st, "trace.csv", err);
	if (!rc && !(rc = bs_staged_drop_plots(&st, err)))
		rc = bs_staged_commit(&st, err);
	bs_staged_release(&st);
	bs_outdir_close(&od);
	return rc;
}

/* ---- running ------------------------------------------------------------------ */

static void say_pair(char *buf, size_t sz, const char *what,
		     const struct bs_opt_pair *p)
{
	size_t l = strlen(buf);

	snprintf(buf + l, sz - l, "%s %.6g [%.6g, %.6g]", what, p->mean, p->lo,
		 p->hi);
}

static void allocate_text(const struct bs_optimize *o,
			  const struct bs_opt_search *s, const char *dir,
			  struct bs_optimize_outcome *out)
{
	char cwd[1024];
	char *t = out->text;
	size_t sz = sizeof(out->text), l;
	int pc = (int)lround(o->confidence * 100.0);

	snprintf(t, sz, "%s: %s over %zu ports, %u replications (common random numbers), %d%% paired intervals\n",
		 o->name, o->obj.text, o->sc->world->net->n, o->reps, pc);
	l = strlen(t);
	snprintf(t + l, sz - l, "%u moves accepted in %u evaluations; stopped: %s\n",
		 s->accepted, s->evaluations, s->stop);
	say_pair(t, sz, "before", &s->before);
	say_pair(t, sz, ", after", &s->after);
	say_pair(t, sz, ", gain", &s->gain);
	l = strlen(t);
	snprintf(t + l, sz - l, " (search replications)\n");
	if (o->final_reps) {
		say_pair(t, sz, "before", &s->before_new);
		say_pair(t, sz, ", after", &s->after_new);
		say_pair(t, sz, ", gain", &s->gain_new);
		l = strlen(t);
		snprintf(t + l, sz - l, " (%u fresh replications from %u)\n",
			 o->final_reps, o->reps + 1);
	}
	if (s->accepted) {
		l = strlen(t);
		/* the folder as an absolute path: fleet.initial is read
		 * relative to the scenario file's folder, not the current one */
		int rel = dir[0] != '/' && getcwd(cwd, sizeof(cwd));
		snprintf(t + l, sz - l,
			 "run it: bssim run %s --set fleet.initial=%s%s%s/allocation.csv --set fleet.ownership=stock\n",
			 o->sc->file, rel ? cwd : "", rel ? "/" : "", dir);
	} else {
		l = strlen(t);
		if (s->best_rejected >= 0) {
			const struct bs_opt_step *b = &s->steps[s->best_rejected];
			snprintf(t + l, sz - l,
				 "no improvement found: the best move tested (%u bikes %s -> %s%s) gains %.6g [%.6g, %.6g], an interval that does not exclude zero\n",
				 b->bikes, port_id(o->sc->world->net, b->from),
				 port_id(o->sc->world->net, b->to),
				 b->nmore ? " and more, together" : "",
				 b->diff.mean, b->diff.lo, b->diff.hi);
		} else {
			snprintf(t + l, sz - l, "no improvement found: no move could be tested\n");
		}
	}
}

static void select_text(const struct bs_optimize *o,
			const struct bs_kn_result *r,
			struct bs_optimize_outcome *out)
{
	char *t = out->text;
	size_t sz = sizeof(out->text), l, i;

	snprintf(t, sz, "%s: %s among %zu scenarios (KN, common random numbers): best is %s, ",
		 o->name, o->obj.text, r->k, o->sys_files[r->winner]);
	l = strlen(t);
	if (r->capped)
		snprintf(t + l, sz - l,
			 "the largest mean when the cap of %u replications was reached (no probability of correct selection holds)\n",
			 o->max_reps);
	else
		snprintf(t + l, sz - l,
			 "correct with probability >= %.4g when it leads by at least delta %.6g\n",
			 1.0 - o->alpha, o->delta);
	for (i = 0; i < r->k; i++) {
		l = strlen(t);
		snprintf(t + l, sz - l, "  %s: %u replications, mean %.6g%s\n",
			 o->sys_files[i], r->reps[i],
			 o->obj.maximize ? r->mean[i] : -r->mean[i],
			 i == r->winner ? " (selected)" : "");
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int bs_optimize_run(bs_optimize *o, const char *dir,
		    const struct bs_optimize_opts *opts,
		    struct bs_optimize_outcome *out, struct bs_error *err)
{
	struct bs_optimize_opts op;
	struct bs_opt_search s;
	struct bs_kn_result k;
	struct outset w;
	char dbuf[1100];
	double t0 = now_s();
	int rc;

	bs_optimize_opts_init(&op);
	if (opts)
		memcpy(&op, opts, opts->size < sizeof(op) ? opts->size : sizeof(op));
	if (!op.jobs)
		op.jobs = 1;
	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	memset(&k, 0, sizeof(k));
	memset(&w, 0, sizeof(w));
	if (!dir) {
		snprintf(dbuf, sizeof(dbuf), "out/%s", o->name);
		dir = dbuf;
	}
	/* refuse a folder that cannot take the results before the work */
	if ((rc = bs_outdir_check(dir, BS_KIND_OPTIMIZE, op.force, err)))
		return rc;
	w.o = o;
	o->monitor = op.monitor;
	out->select = o->mode == BS_OPT_SELECT;
	if (o->mode == BS_OPT_SELECT) {
		if ((rc = bs__opt_select(o, op.jobs, &k, err)))
			goto out;
		w.k = &k;
		out->winner = k.winner;
		out->capped = k.capped;
		out->replications = k.total_reps;
		out->pcs = k.capped ? (double)NAN : 1.0 - o->alpha;
		select_text(o, &k, out);
		w.doc = select_json(o, &k, now_s() - t0, op.jobs);
	} else {
		if ((rc = bs__opt_search(o, op.jobs, &s, err)))
			goto out;
		w.s = &s;
		out->improved = s.accepted > 0;
		out->moves = s.accepted;
		out->evaluations = s.evaluations;
		out->before = s.before.mean;
		out->after = s.after.mean;
		out->gain = o->final_reps ? s.gain_new.mean : s.gain.mean;
		out->gain_lo = o->final_reps ? s.gain_new.lo : s.gain.lo;
		out->gain_hi = o->final_reps ? s.gain_new.hi : s.gain.hi;
		allocate_text(o, &s, dir, out);
		w.doc = allocate_json(o, &s, op.jobs);
	}
	out->wall_s = now_s() - t0;
	if (!w.doc) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (op.monitor && op.monitor->writing)
		op.monitor->writing(op.monitor->ud, dir, 1);
	rc = write_folder(dir, &w, op.force, err);
	if (op.monitor && op.monitor->writing)
		op.monitor->writing(op.monitor->ud, dir, 0);
out:
	o->monitor = NULL;
	json_decref(w.doc);
	bs__opt_search_release(&s);
	bs__kn_release(&k);
	return rc;
}
