/*
 * optfile.c - reading an optimise file (docs/optimize.md) and checking
 * everything in it before anything runs: the base scenario (or each
 * scenario to select among) with `set` applied and its world built, the
 * objective's metrics and ward, the budget against the network's docks.
 * Errors name the optimise file, line and column of the key or value at
 * fault, and say what was expected (exit status 2).
 *
 * Cost: one pass over the file's keys, one world per scenario (about 60
 * ms on the Tokyo network), O(n) over the ports for the budget.
 */
#include "exp/optimize.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "calib/world.h"
#include "input/jsonpos.h"
#include "stats/metrics.h"

static int oerr(const struct bs_optimize *o, struct bs_error *err,
		const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* An error about the value at path in the optimise file: BS_E_INPUT. */
static int oerr(const struct bs_optimize *o, struct bs_error *err,
		const char *path, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bs_json_error_at(err, o->file, o->text, o->textlen, path, msg);
}

/* Only the listed members in obj (at path; "" is the top). */
static int only_keys(const struct bs_optimize *o, const json_t *obj,
		     const char *path, const char *const *keys,
		     const char *list, struct bs_error *err)
{
	const char *k;
	json_t *v;
	char p[300];

	json_object_foreach((json_t *)obj, k, v) {
		size_t i;
		for (i = 0; keys[i]; i++)
			if (!strcmp(k, keys[i]))
				break;
		if (!keys[i]) {
			snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "",
				 k);
			return oerr(o, err, p, "unknown key; expected %s",
				    list);
		}
	}
	return 0;
}

/* A whole number in [lo, hi] at path into *out (dflt when absent). */
static int get_uint(const struct bs_optimize *o, const json_t *obj,
		    const char *key, const char *path, uint64_t lo,
		    uint64_t hi, uint64_t dflt, uint64_t *out,
		    struct bs_error *err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	char shown[80];

	*out = dflt;
	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    (uint64_t)json_integer_value(v) >= lo &&
	    (uint64_t)json_integer_value(v) <= hi) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	bs__json_show(v, shown, sizeof(shown));
	if (json_is_integer(v) && json_integer_value(v) < 0)
		return oerr(o, err, path,
			    "negative (%s); expected a whole number from %llu to %llu",
			    shown, (unsigned long long)lo,
			    (unsigned long long)hi);
	return oerr(o, err, path,
		    "expected a whole number from %llu to %llu, got %s %s",
		    (unsigned long long)lo, (unsigned long long)hi,
		    bs__json_type_name(v), shown);
}

/* A number in (lo, hi) (open when the flag says) at path. */
static int get_num(const struct bs_optimize *o, const json_t *obj,
		   const char *key, const char *path, double lo, double hi,
		   double dflt, double *out, struct bs_error *err)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	char shown[80];

	*out = dflt;
	if (!v)
		return 0;
	if (json_is_number(v) && json_number_value(v) > lo &&
	    json_number_value(v) < hi) {
		*out = json_number_value(v);
		return 0;
	}
	bs__json_show(v, shown, sizeof(shown));
	return oerr(o, err, path,
		    "expected a number greater than %g and less than %g, got %s %s",
		    lo, hi, bs__json_type_name(v), shown);
}

/* ---- the objective ------------------------------------------------------- */

/* The metric nearest to an unknown name (a small edit distance), or NULL. */
static const char *metric_suggest(const char *name)
{
	size_t m, best = 4, l = strlen(name);
	const char *near = NULL;

	if (l > 60)
		return NULL;
	for (m = 0; m < BS_METRIC_N; m++) {
		/* Levenshtein distance, two rows */
		const char *t = bs_metric_names[m];
		size_t lt = strlen(t), i, j, prev[64], cur[64];
		if (lt > 60)
			continue;
		for (j = 0; j <= lt; j++)
			prev[j] = j;
		for (i = 1; i <= l; i++) {
			cur[0] = i;
			for (j = 1; j <= lt; j++) {
				size_t c = prev[j - 1] + (name[i - 1] != t[j - 1]);
				if (prev[j] + 1 < c)
					c = prev[j] + 1;
				if (cur[j - 1] + 1 < c)
					c = cur[j - 1] + 1;
				cur[j] = c;
			}
			memcpy(prev, cur, (lt + 1) * sizeof(size_t));
		}
		if (prev[lt] < best) {
			best = prev[lt];
			near = t;
		}
	}
	return near;
}

static int add_term(struct bs_optimize *o, const char *name, double coef,
		    const char *path, struct bs_error *err)
{
	struct bs_opt_objective *ob = &o->obj;
	int m = bs_metric_index(name);
	const char *near;
	size_t l;

	if (m < 0) {
		near = metric_suggest(name);
		if (near)
			return oerr(o, err, path,
				    "'%s' is not a metric; did you mean '%s'? (docs/outputs.md lists them all)",
				    name, near);
		return oerr(o, err, path,
			    "'%s' is not a metric; expected a name such as reach_level or lost_no_bike (docs/outputs.md lists them all)",
			    name);
	}
	if (ob->nterms == BS_OPT_MAX_TERMS)
		return oerr(o, err, path, "more than %d terms; expected at most %d metrics",
			    BS_OPT_MAX_TERMS, BS_OPT_MAX_TERMS);
	ob->metric[ob->nterms] = m;
	ob->coef[ob->nterms] = coef;
	ob->nterms++;
	l = strlen(ob->text);
	if (coef == 1.0)
		snprintf(ob->text + l, sizeof(ob->text) - l, "%s%s",
			 ob->nterms > 1 ? " + " : " ", name);
	else
		snprintf(ob->text + l, sizeof(ob->text) - l, "%s%g %s",
			 ob->nterms > 1 ? " + " : " ", coef, name);
	return 0;
}

static int parse_objective(struct bs_optimize *o, struct bs_error *err)
{
	static const char *const keys[] = {"maximize", "minimize", "ward", NULL};
	json_t *ob = json_object_get(o->doc, "objective"), *v, *w, *c;
	const char *dir, *k;
	char path[300];
	int rc;

	if (!json_is_object(ob))
		return oerr(o, err, ob ? "objective" : "",
			    "%s; expected \"objective\": {\"maximize\": \"reach_level\"} (or \"minimize\": a metric or {metric: coefficient, ...})",
			    ob ? "not an object" : "no objective");
	if ((rc = only_keys(o, ob, "objective", keys, "maximize, minimize or ward", err)))
		return rc;
	v = json_object_get(ob, "maximize");
	dir = "maximize";
	if (!v) {
		v = json_object_get(ob, "minimize");
		dir = "minimize";
	} else if (json_object_get(ob, "minimize")) {
		return oerr(o, err, "objective.minimize",
			    "both maximize and minimize; expected one of them");
	}
	if (!v)
		return oerr(o, err, "objective",
			    "no maximize or minimize; expected \"maximize\": \"reach_level\" or \"minimize\": a metric or {metric: coefficient, ...}");
	o->obj.maximize = dir[1] == 'a';
	snprintf(o->obj.text, sizeof(o->obj.text), "%s", dir);
	snprintf(path, sizeof(path), "objective.%s", dir);
	if (json_is_string(v)) {
		if ((rc = add_term(o, json_string_value(v), 1.0, path, err)))
			return rc;
	} else if (json_is_object(v) && json_object_size(v)) {
		json_object_foreach(v, k, c) {
			char p[400];
			snprintf(p, sizeof(p), "%s.%s", path, k);
			if (!json_is_number(c) || !isfinite(json_number_value(c)))
				return oerr(o, err, p,
					    "expected a number (the metric's coefficient), got %s",
					    bs__json_type_name(c));
			if ((rc = add_term(o, k, json_number_value(c), p, err)))
				return rc;
		}
	} else {
		return oerr(o, err, path,
			    "expected a metric name or a non-empty object {metric: coefficient, ...}, got %s",
			    bs__json_type_name(v));
	}
	w = json_object_get(ob, "ward");
	if (w && (!json_is_string(w) || !*json_string_value(w)))
		return oerr(o, err, "objective.ward",
			    "expected a ward's name, got %s", bs__json_type_name(w));
	if (w) {
		size_t l = strlen(o->obj.text);
		if (!(o->obj.ward = bs_strdup(json_string_value(w))))
			return BS_E_NOMEM;
		snprintf(o->obj.text + l, sizeof(o->obj.text) - l, " (ward %s)",
			 o->obj.ward);
	}
	return 0;
}

/* The objective's ward in net: index, nwards for the whole network. */
static int resolve_ward(struct bs_optimize *o, const struct bs_network *net,
			struct bs_error *err)
{
	int w;

	o->ward = net->nwards;
	if (!o->obj.ward)
		return 0;
	w = bs_network_ward_index(net, o->obj.ward);
	if (w < 0)
		return oerr(o, err, "objective.ward",
			    "'%s' is not a ward of the network; expected one of its %zu wards (bssim check lists them)",
			    o->obj.ward, net->nwards);
	o->ward = (size_t)w;
	return 0;
}

/* ---- scenarios ----------------------------------------------------------- */

/* A scenario named by the file (at path), with `set` and replications
 * applied as --set overrides, its world built. An error an override
 * caused points at it in the optimise file. */
static struct bs_scenario *load_scenario(struct bs_optimize *o,
					 const char *rel, const char *path,
					 struct bs_error *err)
{
	json_t *set = json_object_get(o->doc, "set"), *v;
	size_t n = json_object_size(set) + 1, k = 0, i;
	struct bs_set *sets = calloc(n, sizeof(*sets));
	char **texts = calloc(n, sizeof(char *));
	char *file = bs_path_beside(o->file, rel), repbuf[32];
	struct bs_scenario *sc = NULL;
	const char *key;

	if (!sets || !texts || !file) {
		bs_error_set(err, BS_E_NOMEM, o->file, 0, 0, NULL, "out of memory");
		goto out;
	}
	json_object_foreach(set, key, v) {
		if (!(texts[k] = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
						       JSON_REAL_PRECISION(17)))) {
			bs_error_set(err, BS_E_NOMEM, o->file, 0, 0, NULL,
				     "out of memory");
			goto out;
		}
		sets[k].key = key;
		sets[k].value = texts[k];
		k++;
	}
	if (json_object_get(o->doc, "replications")) {
		snprintf(repbuf, sizeof(repbuf), "%u", o->reps);
		sets[k].key = "replications";
		sets[k].value = repbuf;
		k++;
	}
	sc = bs_scenario_load(file, sets, k, err);
	if (sc && bs_scenario_check(sc, err)) {
		bs_scenario_free(sc);
		sc = NULL;
	}
	if (!sc && err && err->code != BS_E_NOMEM) {
		if (!strcmp(err->file, "--set")) {
			/* an override of the file's: point at it */
			char p[600], text[sizeof(err->text)];
			long line = 0, col = 0;
			bs_strlcpy(text, err->text, sizeof(text));
			if (!strcmp(err->key, "replications"))
				snprintf(p, sizeof(p), "replications");
			else
				snprintf(p, sizeof(p), "set.%s", err->key);
			bs_json_locate(o->text, o->textlen, p, &line, &col);
			bs_error_set(err, BS_E_INPUT, o->file, line, col, p,
				     "%s", text);
		} else if (err->code == BS_E_INPUT && !strcmp(err->file, file) &&
			   err->line == 0 && strstr(err->text, "cannot open")) {
			char text[sizeof(err->text)];
			bs_strlcpy(text, err->text, sizeof(text));
			oerr(o, err, path, "%s: %s", file, text);
		}
	}
out:
	for (i = 0; texts && i < k; i++)
		if (texts[i] != repbuf)
			free(texts[i]);
	free(texts);
	free(sets);
	free(file);
	return sc;
}

/* ---- the budget ---------------------------------------------------------- */

/* Bring the stock of the ports in group g (grp[i] == g) to `want` bikes,
 * in proportion to their stock (to their docks when they hold none),
 * each port at most its docks; the remainders to the largest fractions.
 * The caller made sure want <= the group's docks. O(n + want / n). */
static void rescale(const struct bs_network *net, const uint32_t *grp,
		    uint32_t g, uint64_t want, uint32_t *stock)
{
	uint64_t have = 0, docks = 0, placed = 0;
	size_t i;

	for (i = 0; i < net->n; i++)
		if (grp[i] == g) {
			have += stock[i];
			docks += net->cap[i];
		}
	if (have == want)
		return; /* the scenario's own stock, as it is */
	for (i = 0; i < net->n; i++)
		if (grp[i] == g) {
			double share = have ? (double)stock[i] / (double)have
					    : (double)net->cap[i] / (double)docks;
			uint64_t x = (uint64_t)floor(share * (double)want);
			stock[i] = (uint32_t)(x < net->cap[i] ? x : net->cap[i]);
			placed += stock[i];
		}
	/* the rest one bike at a time to the ports with room, round robin
	 * in port order (deterministic) */
	while (placed < want)
		for (i = 0; i < net->n && placed < want; i++)
			if (grp[i] == g && stock[i] < net->cap[i]) {
				stock[i]++;
				placed++;
			}
	while (placed > want)
		for (i = 0; i < net->n && placed > want; i++)
			if (grp[i] == g && stock[i] > 0) {
				stock[i]--;
				placed--;
			}
}

static int parse_budget(struct bs_optimize *o, struct bs_error *err)
{
	static const char *const keys[] = {"bikes", "wards", "mode", NULL};
	const struct bs_world *wd = o->sc->world;
	const struct bs_network *net = wd->net;
	json_t *b = json_object_get(o->doc, "budget"), *wards, *v, *mode;
	uint64_t named = 0, rest_docks = 0, x, fleet = 0;
	uint32_t *grp;
	const char *k;
	size_t i, W = net->nwards;
	int rc;

	if (b && !json_is_object(b))
		return oerr(o, err, "budget", "expected an object {\"bikes\": N, \"wards\": {WARD: n}, \"mode\": \"exact\"}, got %s",
			    bs__json_type_name(b));
	if (b && (rc = only_keys(o, b, "budget", keys, "bikes, wards or mode", err)))
		return rc;
	for (i = 0; i < net->n; i++)
		fleet += wd->init_stock[i];
	if ((rc = get_uint(o, b, "bikes", "budget.bikes", 0, 10000000000ull,
			   fleet, &o->budget, err)))
		return rc;
	if (o->budget > net->total_docks)
		return oerr(o, err, "budget.bikes",
			    "%llu bikes exceed the network's %llu docks; expected at most %llu",
			    (unsigned long long)o->budget,
			    (unsigned long long)net->total_docks,
			    (unsigned long long)net->total_docks);
	mode = b ? json_object_get(b, "mode") : NULL;
	if (mode && !(json_is_string(mode) &&
		      (!strcmp(json_string_value(mode), "exact") ||
		       !strcmp(json_string_value(mode), "at_most"))))
		return oerr(o, err, "budget.mode",
			    "expected \"exact\" (the fleet stays at budget.bikes) or \"at_most\" (it may be smaller)");
	o->at_most = mode && !strcmp(json_string_value(mode), "at_most");
	if (!(o->ward_budget = malloc(W * sizeof(uint64_t))) ||
	    !(o->start = malloc(net->n * sizeof(uint32_t))) ||
	    !(grp = malloc(net->n * sizeof(uint32_t))))
		return BS_E_NOMEM;
	for (i = 0; i < W; i++)
		o->ward_budget[i] = UINT64_MAX;
	wards = b ? json_object_get(b, "wards") : NULL;
	if (wards && !json_is_object(wards)) {
		free(grp);
		return oerr(o, err, "budget.wards", "expected an object {WARD: bikes, ...}, got %s",
			    bs__json_type_name(wards));
	}
	json_object_foreach(wards, k, v) {
		char p[400];
		int w = bs_network_ward_index(net, k);
		snprintf(p, sizeof(p), "budget.wards.%s", k);
		if (w < 0) {
			char list[300] = "";
			size_t l = 0;
			for (i = 0; i < W && l < sizeof(list) - 40; i++)
				l += (size_t)snprintf(list + l, sizeof(list) - l,
						      "%s%s", i ? ", " : "",
						      net->ward_names[i]);
			free(grp);
			return oerr(o, err, p,
				    "'%s' is not a ward of the network; expected one of %s",
				    k, list);
		}
		if ((rc = get_uint(o, wards, k, p, 0, 10000000000ull, 0, &x, err))) {
			free(grp);
			return rc;
		}
		if (x > net->ward_docks[w]) {
			free(grp);
			return oerr(o, err, p,
				    "%llu bikes exceed the ward's %llu docks; expected at most %llu",
				    (unsigned long long)x,
				    (unsigned long long)net->ward_docks[w],
				    (unsigned long long)net->ward_docks[w]);
		}
		o->ward_budget[w] = x;
		named += x;
	}
	if (named > o->budget) {
		free(grp);
		return oerr(o, err, "budget.wards",
			    "the wards' budgets add up to %llu bikes, more than budget.bikes %llu; expected at most that",
			    (unsigned long long)named,
			    (unsigned long long)o->budget);
	}
	for (i = 0; i < W; i++)
		if (o->ward_budget[i] == UINT64_MAX)
			rest_docks += net->ward_docks[i];
	if (o->budget - named > rest_docks && !o->at_most) {
		free(grp);
		return oerr(o, err, "budget.bikes",
			    "%llu bikes left for the wards without a budget exceed their %llu docks; expected at most %llu in all",
			    (unsigned long long)(o->budget - named),
			    (unsigned long long)rest_docks,
			    (unsigned long long)(named + rest_docks));
	}
	/* the start: the scenario's own stock, each budgeted ward brought
	 * to its budget and the others together to the rest */
	memcpy(o->start, wd->init_stock, net->n * sizeof(uint32_t));
	for (i = 0; i < net->n; i++)
		grp[i] = o->ward_budget[net->ward[i]] == UINT64_MAX
				 ? (uint32_t)W : net->ward[i];
	for (i = 0; i < W; i++)
		if (o->ward_budget[i] != UINT64_MAX)
			rescale(net, grp, (uint32_t)i, o->ward_budget[i], o->start);
	{
		uint64_t rest = o->budget - named;
		if (rest > rest_docks)
			rest = rest_docks;
		if (!o->at_most || named || o->budget < fleet)
			rescale(net, grp, (uint32_t)W, rest, o->start);
	}
	free(grp);
	return 0;
}

/* ---- the file ------------------------------------------------------------ */

static int parse_search(struct bs_optimize *o, struct bs_error *err)
{
	static const char *const keys[] = {"block", "candidates", "max_evaluations",
					   "confidence", "final_replications", NULL};
	json_t *s = json_object_get(o->doc, "search");
	uint64_t x;
	int rc;

	if (s && !json_is_object(s))
		return oerr(o, err, "search", "expected an object, got %s",
			    bs__json_type_name(s));
	if (s && (rc = only_keys(o, s, "search", keys,
				 "block, candidates, max_evaluations, confidence or final_replications", err)))
		return rc;
	if ((rc = get_uint(o, s, "block", "search.block", 1, 1000000, 4, &x, err)))
		return rc;
	o->block = (uint32_t)x;
	if ((rc = get_uint(o, s, "candidates", "search.candidates", 1, 100, 4, &x, err)))
		return rc;
	o->candidates = (uint32_t)x;
	if ((rc = get_uint(o, s, "max_evaluations", "search.max_evaluations", 1, 100000, 200, &x, err)))
		return rc;
	o->max_evals = (uint32_t)x;
	if ((rc = get_uint(o, s, "final_replications", "search.final_replications", 0, 10000, o->reps, &x, err)))
		return rc;
	o->final_reps = (uint32_t)x;
	if (o->final_reps == 1)
		return oerr(o, err, "search.final_replications",
			    "1 replication gives no interval; expected 0 (no confirmation) or from 2 to 10000");
	return get_num(o, s, "confidence", "search.confidence", 0.5, 1.0, 0.95,
		       &o->confidence, err);
}

static int parse_select(struct bs_optimize *o, json_t *sel, struct bs_error *err)
{
	static const char *const keys[] = {"scenarios", "alpha", "delta", "n0",
					   "max_replications", NULL};
	json_t *list = json_object_get(sel, "scenarios"), *v;
	uint64_t x;
	size_t i;
	int rc;

	if (!json_is_object(sel))
		return oerr(o, err, "select", "expected an object {\"scenarios\": [...], \"alpha\": 0.05, \"delta\": ...}, got %s",
			    bs__json_type_name(sel));
	if ((rc = only_keys(o, sel, "select", keys,
			    "scenarios, alpha, delta, n0 or max_replications", err)))
		return rc;
	if (!json_is_array(list) || json_array_size(list) < 2 ||
	    json_array_size(list) > 1000)
		return oerr(o, err, list ? "select.scenarios" : "select",
			    "expected \"scenarios\": a list of 2 to 1000 scenario files");
	o->nsys = json_array_size(list);
	if (!(o->sys = calloc(o->nsys, sizeof(*o->sys))) ||
	    !(o->sys_files = calloc(o->nsys, sizeof(char *))))
		return BS_E_NOMEM;
	if (!json_object_get(sel, "delta"))
		return oerr(o, err, "select",
			    "no delta; expected \"delta\": the smallest difference of the objective worth detecting (the indifference zone), e.g. 0.002 for reach_level");
	if ((rc = get_num(o, sel, "delta", "select.delta", 0.0, 1e300, 0.0, &o->delta, err)) ||
	    (rc = get_num(o, sel, "alpha", "select.alpha", 0.0,
			  1.0 - 1.0 / (double)o->nsys, 0.05, &o->alpha, err)) ||
	    (rc = get_uint(o, sel, "n0", "select.n0", 2, 10000, 10, &x, err)))
		return rc;
	o->n0 = (uint32_t)x;
	if ((rc = get_uint(o, sel, "max_replications", "select.max_replications",
			   o->n0, 1000000, 1000 > o->n0 ? 1000 : o->n0, &x, err)))
		return rc;
	o->max_reps = (uint32_t)x;
	json_array_foreach(list, i, v) {
		char p[64];
		snprintf(p, sizeof(p), "select.scenarios[%zu]", i);
		if (!json_is_string(v) || !*json_string_value(v))
			return oerr(o, err, p, "expected a scenario file's path, got %s",
				    bs__json_type_name(v));
		if (!(o->sys_files[i] = bs_strdup(json_string_value(v))))
			return BS_E_NOMEM;
		if (!(o->sys[i] = load_scenario(o, json_string_value(v), p, err)))
			return err ? err->code : BS_E_INPUT;
		if (o->sys[i]->p.seed != o->sys[0]->p.seed)
			return oerr(o, err, p,
				    "seed %llu where %s has %llu; expected the same seed (common random numbers): give \"set\": {\"seed\": N}",
				    (unsigned long long)o->sys[i]->p.seed,
				    o->sys_files[0],
				    (unsigned long long)o->sys[0]->p.seed);
		if (o->obj.ward &&
		    bs_network_ward_index(o->sys[i]->world->net, o->obj.ward) < 0)
			return oerr(o, err, p,
				    "has no ward '%s' (objective.ward); expected a scenario whose network has it",
				    o->obj.ward);
	}
	return resolve_ward(o, o->sys[0]->world->net, err);
}

static int parse_doc(struct bs_optimize *o, struct bs_error *err)
{
	static const char *const keys[] = {"bssim_optimize", "name", "description",
					   "base", "replications", "set", "objective",
					   "budget", "search", "select", NULL};
	json_t *ver, *name, *base, *sel, *set;
	uint64_t x;
	int rc;

	if (!json_is_object(o->doc))
		return oerr(o, err, "", "expected an optimise file {\"bssim_optimize\": 1, ...}");
	if ((rc = only_keys(o, o->doc, "", keys,
			    "bssim_optimize, name, description, base, replications, set, objective, budget, search or select", err)))
		return rc;
	ver = json_object_get(o->doc, "bssim_optimize");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return oerr(o, err, ver ? "bssim_optimize" : "",
			    "expected \"bssim_optimize\": 1 (the format version)");
	name = json_object_get(o->doc, "name");
	if (name && (!json_is_string(name) || !*json_string_value(name)))
		return oerr(o, err, "name", "expected a non-empty string");
	set = json_object_get(o->doc, "set");
	if (set && !json_is_object(set))
		return oerr(o, err, "set", "expected an object {KEY: value, ...}, got %s",
			    bs__json_type_name(set));
	if ((rc = get_uint(o, o->doc, "replications", "replications", 2, 10000, 0, &x, err)))
		return rc;
	o->reps = (uint32_t)x;
	if ((rc = parse_objective(o, err)))
		return rc;
	sel = json_object_get(o->doc, "select");
	base = json_object_get(o->doc, "base");
	if (sel) {
		static const char *const not_sel[] = {"base", "budget", "search"};
		size_t i;
		for (i = 0; i < 3; i++)
			if (json_object_get(o->doc, not_sel[i]))
				return oerr(o, err, not_sel[i],
					    "not with select (it chooses among its scenarios); expected select or base, budget and search");
		/* KN decides the replications (n0, then one at a time): a
		 * count given here would be silently unused */
		const char *reps = json_object_get(o->doc, "replications") ? "replications"
				   : json_object_get(set, "replications") ? "set.replications"
									  : NULL;
		if (reps)
			return oerr(o, err, reps,
				    "not with select (KN runs n0 replications of each scenario, then one at a time up to max_replications); expected select.n0 or select.max_replications");
		o->mode = BS_OPT_SELECT;
		o->confidence = 0.95;
		return parse_select(o, sel, err);
	}
	if (!json_is_string(base) || !*json_string_value(base))
		return oerr(o, err, base ? "base" : "",
			    "expected \"base\": the scenario file whose stock to optimise (or a \"select\" block)");
	if (!(o->sc = load_scenario(o, json_string_value(base), "base", err)))
		return err ? err->code : BS_E_INPUT;
	if (!o->reps)
		o->reps = o->sc->p.replications;
	if (o->reps < 2)
		return oerr(o, err, json_object_get(o->doc, "replications") ? "replications" : "base",
			    "%u replication gives no paired interval; expected \"replications\": 2 or more",
			    o->reps);
	if (o->sc->p.resp_on)
		return oerr(o, err, "base",
			    "demand.response is on; the optimiser needs demand that does not depend on the stock (switch it off with \"set\": {\"demand.response\": null})");
	if ((rc = resolve_ward(o, o->sc->world->net, err)) ||
	    (rc = parse_search(o, err)))
		return rc;
	return parse_budget(o, err);
}

struct bs_optimize *bs__optimize_load(const char *path, struct bs_error *err)
{
	struct bs_optimize *o = calloc(1, sizeof(*o));
	char nbuf[256];
	json_t *name;
	size_t skip = 0;
	int rc;

	if (!o || !(o->file = bs_strdup(path)))
		goto nomem;
	if (bs_read_file(path, BS_MAX_SWEEP_FILE,
			 "an optimise file {\"bssim_optimize\": 1, ...}",
			 &o->text, &o->textlen, err))
		goto fail;
	if (o->textlen >= 3 && !memcmp(o->text, "\xEF\xBB\xBF", 3))
		skip = 3;
	memmove(o->text, o->text + skip, o->textlen - skip + 1);
	o->textlen -= skip;
	if (bs_json_parse(path, o->text, o->textlen, "optimise file", &o->doc,
			  err))
		goto fail;
	rc = parse_doc(o, err);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc)
		goto fail;
	name = json_object_get(o->doc, "name");
	if (!(o->name = bs_strdup(name ? json_string_value(name)
				       : bs_name_of_file(path, "optimize", nbuf,
							 sizeof(nbuf)))))
		goto nomem;
	return o;
nomem:
	bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
		     "out of memory reading the optimise file");
fail:
	bs__optimize_free(o);
	return NULL;
}

void bs__optimize_free(struct bs_optimize *o)
{
	size_t i;

	if (!o)
		return;
	bs_scenario_free(o->sc);
	for (i = 0; i < o->nsys; i++) {
		bs_scenario_free(o->sys ? o->sys[i] : NULL);
		free(o->sys_files ? o->sys_files[i] : NULL);
	}
	free(o->sys);
	free(o->sys_files);
	free(o->ward_budget);
	free(o->start);
	free(o->obj.ward);
	json_decref(o->doc);
	free(o->text);
	free(o->name);
	free(o->file);
	free(o);
}
