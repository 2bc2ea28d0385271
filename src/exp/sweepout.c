/*
 * sweepout.c - a sweep's result files, from its plan and task records
 * (see sweep.h).
 *
 * Memory: one point's records at a time (replications x wards x metrics
 * numbers), whatever the number of points; sweep.json is written point by
 * point rather than built whole.
 */
#include "exp/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "stats/metrics.h"
#include "output/output.h"

/* One value of a varied key as a CSV field. */
static void put_value(FILE *fp, const json_t *v)
{
	char *s;

	switch (json_typeof(v)) {
	case JSON_STRING:
		bs_csv_put(fp, json_string_value(v));
		break;
	case JSON_INTEGER:
		fprintf(fp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		bs_csv_num(fp, json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("true", fp);
		break;
	case JSON_FALSE:
		fputs("false", fp);
		break;
	case JSON_NULL:
		fputs("null", fp);
		break;
	default:
		s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		bs_csv_put(fp, s ? s : "?");
		free(s);
	}
}

/* "point,<values>," for a row. */
static void put_point(FILE *fp, const struct bs_sweep *sw, size_t p,
		      const json_t *values)
{
	size_t d;

	fprintf(fp, "%zu,", p + 1);
	for (d = 0; d < sw->ndims; d++) {
		put_value(fp, json_object_get(values, sw->dims[d].key));
		fputc(',', fp);
	}
}

/* Dump v (indented by 2) with every line after the first indented by
 * `indent` more spaces, so that it nests in a hand-written document. */
static int put_json(FILE *fp, const json_t *v, int indent)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_INDENT(2) |
					JSON_REAL_PRECISION(12));
	const char *c;

	if (!s)
		return -1;
	for (c = s; *c; c++) {
		fputc(*c, fp);
		if (*c == '\n')
			fprintf(fp, "%*s", indent, "");
	}
	free(s);
	return 0;
}

static json_t *metrics_json(const struct bs_stat *stat, size_t w)
{
	json_t *o = json_object();
	int m;

	for (m = 0; o && m < BS_METRIC_N; m++)
		json_object_set_new(o, bs_metric_names[m],
				    bs_stat_json(&stat[w * BS_METRIC_N + (size_t)m]));
	return o;
}

static json_t *matrix_json(const json_t *wards, const double *x)
{
	json_t *o = json_object();
	size_t a, b, W = json_array_size(wards);

	for (a = 0; o && a < W; a++) {
		json_t *row = json_object();
		for (b = 0; row && b < W; b++)
			json_object_set_new(row,
					    json_string_value(json_array_get(wards, b)),
					    bs_json_num(x[a * W + b]));
		json_object_set_new(o, json_string_value(json_array_get(wards, a)),
				    row);
	}
	return o;
}

/* The first task not recorded, for the message; ntasks when none. */
static uint64_t first_missing(const struct bs_taskindex *ix, uint64_t n)
{
	uint64_t t;

	for (t = 0; t < n; t++)
		if (!bs_taskindex_has(ix, t))
			return t;
	return n;
}

struct point_work {
	size_t W;
	double *vals;   /* [reps][(W + 1) * M] */
	double *flows;  /* [W * W] mean */
	double *settle;
	struct bs_stat *stat; /* [(W + 1) * M] */
};

static void work_release(struct point_work *pw)
{
	free(pw->vals);
	free(pw->flows);
	free(pw->settle);
	free(pw->stat);
	memset(pw, 0, sizeof(*pw));
}

/* Read point p's records and compute its statistics. */
static int point_stats(const struct bs_sweep *sw, struct bs_taskindex *ix,
		       size_t p, struct point_work *pw, struct bs_error *err)
{
	json_t *wards = json_object_get(bs_sweep_point(sw, p), "wards");
	size_t W = json_array_size(wards), M = BS_METRIC_N, w, i, row;
	struct bs_task_rec rec;
	uint32_t r;
	int rc = 0;

	memset(pw, 0, sizeof(*pw));
	memset(&rec, 0, sizeof(rec));
	pw->W = W;
	row = (W + 1) * M;
	pw->vals = calloc((size_t)sw->reps * row, sizeof(double));
	pw->flows = calloc(W ? W * W : 1, sizeof(double));
	pw->settle = calloc(W ? W * W : 1, sizeof(double));
	pw->stat = calloc(row, sizeof(struct bs_stat));
	if (!pw->vals || !pw->flows || !pw->settle || !pw->stat) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	for (r = 0; r < sw->reps; r++) {
		uint64_t t = (uint64_t)p * sw->reps + r;
		if ((rc = bs_taskindex_read(ix, t, &rec, err)))
			goto out;
		if (rec.point != p + 1 || rec.rep != r + 1 || rec.nwards != W) {
			bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
				     "task %llu is recorded as point %u replication %u with %zu wards; the plan expects point %zu replication %u with %zu wards (a log of another sweep?)",
				     (unsigned long long)t, rec.point, rec.rep,
				     rec.nwards, p + 1, r + 1, W);
			rc = BS_E_INPUT;
			goto out;
		}
		memcpy(pw->vals + (size_t)r * row, rec.m, row * sizeof(double));
		for (i = 0; i < W * W; i++) {
			pw->flows[i] += rec.flows[i];
			pw->settle[i] += rec.settle[i];
		}
	}
	for (i = 0; i < W * W; i++) {
		pw->flows[i] /= (double)sw->reps;
		pw->settle[i] /= (double)sw->reps;
	}
	for (w = 0; w <= W; w++)
		for (i = 0; i < M; i++)
			if (bs_stat_compute(pw->vals + w * M + i, sw->reps, row,
					    &pw->stat[w * M + i])) {
				bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
					     "out of memory summarising point %zu",
					     p + 1);
				rc = BS_E_NOMEM;
				goto out;
			}
out:
	bs_task_rec_release(&rec);
	return rc;
}

static void write_point_csv(FILE *fp, const struct bs_sweep *sw, size_t p,
			    const json_t *values, const json_t *wards,
			    const struct point_work *pw)
{
	size_t W = pw->W, w;
	int m;

	for (m = 0; m < BS_METRIC_N; m++)
		for (w = 0; w <= W; w++) {
			const struct bs_stat *st =
				&pw->stat[w * BS_METRIC_N + (size_t)m];
			put_point(fp, sw, p, values);
			fprintf(fp, "%s,", bs_metric_names[m]);
			bs_csv_put(fp, w < W ? json_string_value(
						       json_array_get(wards, w))
					     : "all");
			bs_csv_stat_end(fp, st->mean, st->sd, st->ci_lo, st->ci_hi);
		}
}

static void write_point_reps(FILE *fp, const struct bs_sweep *sw, size_t p,
			     const json_t *values, const json_t *wards,
			     const struct point_work *pw)
{
	size_t W = pw->W, w, row = (W + 1) * BS_METRIC_N;
	uint32_t r;
	int m;

	for (r = 0; r < sw->reps; r++)
		for (w = 0; w <= W; w++)
			for (m = 0; m < BS_METRIC_N; m++) {
				put_point(fp, sw, p, values);
				fprintf(fp, "%u,", r + 1);
				bs_csv_put(fp, w < W ? json_string_value(
							       json_array_get(wards, w))
						     : "all");
				fprintf(fp, ",%s,", bs_metric_names[m]);
				bs_csv_num(fp, pw->vals[(size_t)r * row +
							w * BS_METRIC_N +
							(size_t)m]);
				fputc('\n', fp);
			}
}

static json_t *point_json(const struct bs_sweep *sw, size_t p,
			  const struct point_work *pw)
{
	json_t *pt = bs_sweep_point(sw, p), *wards = json_object_get(pt, "wards");
	json_t *o = json_object(), *wo = json_object();
	size_t w;

	if (!o || !wo) {
		json_decref(o);
		json_decref(wo);
		return NULL;
	}
	json_object_set_new(o, "point", json_integer((json_int_t)p + 1));
	json_object_set(o, "values", json_object_get(pt, "values"));
	/* the sweep file's own labels of these values, when it gave any */
	if (json_object_get(pt, "labels"))
		json_object_set(o, "labels", json_object_get(pt, "labels"));
	json_object_set(o, "scenario", json_object_get(pt, "scenario"));
	/* the wards' display names (network.names), for Japanese plots */
	if (json_object_get(pt, "names"))
		json_object_set(o, "names", json_object_get(pt, "names"));
	json_object_set_new(o, "replications", json_integer(sw->reps));
	json_object_set_new(o, "metrics", metrics_json(pw->stat, pw->W));
	for (w = 0; w < pw->W; w++) {
		json_t *x = json_object();
		json_object_set_new(x, "metrics", metrics_json(pw->stat, w));
		json_object_set_new(wo, json_string_value(json_array_get(wards, w)),
				    x);
	}
	json_object_set_new(o, "wards", wo);
	json_object_set_new(o, "flows", matrix_json(wards, pw->flows));
	json_object_set_new(o, "settlement_yen", matrix_json(wards, pw->settle));
	return o;
}

static json_t *run_json(const struct bs_sweep_info *info)
{
	json_t *o = json_object();

	if (!o || !info)
		return o;
	json_object_set_new(o, "wall_s", bs_json_num(info->wall_s));
	json_object_set_new(o, "host", json_string(info->host));
	json_object_set_new(o, "started_utc", json_string(info->started_utc));
	json_object_set_new(o, "mode", json_string(info->mode ? info->mode : ""));
	json_object_set_new(o, "workers", json_integer(info->workers));
	json_object_set_new(o, "resumed_tasks",
			    json_integer((json_int_t)info->resumed));
	if (info->nsources)
		json_object_set_new(o, "merged_folders",
				    json_integer((json_int_t)info->nsources));
	if (info->setup_s > 0.0)
		json_object_set_new(o, "setup_s", bs_json_num(info->setup_s));
	if (info->ran_here) {
		json_object_set_new(o, "world_builds",
				    json_integer((json_int_t)info->world_builds));
		json_object_set_new(o, "world_build_s",
				    bs_json_num(info->world_build_s));
	}
	return o;
}

/* The members of sweep.json before "points". */
static int write_json_head(FILE *fp, const struct bs_sweep *sw)
{
	json_t *keys = json_object_get(sw->plan, "keys");
	json_t *head = json_object();
	const char *k;
	json_t *v;
	int first = 1;

	if (!head)
		return -1;
	json_object_set_new(head, "bssim_sweep", json_integer(1));
	json_object_set_new(head, "name", json_string(sw->name));
	json_object_set_new(head, "version", json_string(BSSIM_VERSION));
	json_object_set_new(head, "fingerprint", json_string(sw->fingerprint));
	json_object_set_new(head, "replications", json_integer(sw->reps));
	json_object_set_new(head, "points_total",
			    json_integer((json_int_t)sw->npoints));
	json_object_set(head, "keys", keys);
	json_object_set(head, "sweep", sw->doc);
	fputs("{\n", fp);
	json_object_foreach(head, k, v) {
		fprintf(fp, "%s  \"%s\": ", first ? "" : ",\n", k);
		first = 0;
		if (put_json(fp, v, 2)) {
			json_decref(head);
			return -1;
		}
	}
	fputs(",\n  \"points\": [\n", fp);
	json_decref(head);
	return 0;
}

/* The members of sweep.json after "points": a designed sweep's
 * "sensitivity", then "run". */
static int write_json_tail(FILE *js, struct bs_sens_acc *acc,
			   const struct bs_sweep_info *info)
{
	json_t *run = run_json(info);

	fputs("  ],\n", js);
	if (acc) {
		fputs("  \"sensitivity\": ", js);
		if (put_json(js, bs__sens_json(acc), 2)) {
			json_decref(run);
			return -1;
		}
		fputs(",\n", js);
	}
	fputs("  \"run\": ", js);
	if (!run || put_json(js, run, 2)) {
		json_decref(run);
		return -1;
	}
	json_decref(run);
	fputs("\n}\n", js);
	return 0;
}

/* A merged sweep's folder also holds the plan and the whole task log,
 * so that it reads (and resumes) like one sweep's. */
static int write_standalone(const struct bs_sweep *sw, struct bs_taskindex *ix,
			    const char *dir, struct bs_staged *st,
			    struct bs_error *err)
{
	FILE *fp = bs_staged_open(st, BS_SWEEP_PLAN_NAME, err);
	int rc;

	if (!fp)
		return BS_E_IO;
	if (json_dumpf(sw->plan, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) ||
	    fputc('\n', fp) == EOF) {
		fclose(fp);
		bs_error_set(err, BS_E_IO, dir, 0, 0, BS_SWEEP_PLAN_NAME,
			     "cannot write the plan");
		return BS_E_IO;
	}
	if ((rc = bs_staged_close(st, fp, BS_SWEEP_PLAN_NAME, err)))
		return rc;
	if (!(fp = bs_staged_open(st, BS_TASKLOG_NAME, err)))
		return BS_E_IO;
	if ((rc = bs_taskindex_copy(ix, fp, err))) {
		fclose(fp);
		return rc;
	}
	return bs_staged_close(st, fp, BS_TASKLOG_NAME, err);
}

int bs_sweep_write_outputs(const struct bs_sweep *sw, struct bs_taskindex *ix,
			   const char *dir, const struct bs_sweep_info *info,
			   int standalone, struct bs_error *err)
{
	struct bs_staged st;
	FILE *csv = NULL, *reps = NULL, *js = NULL, *sens = NULL;
	struct bs_sens_acc *acc = NULL;
	struct point_work pw;
	size_t p, d;
	int rc;

	memset(&pw, 0, sizeof(pw));
	if (bs_taskindex_count(ix) < sw->ntasks) {
		uint64_t t = first_missing(ix, sw->ntasks);
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "%llu of the sweep's %llu tasks are not recorded (the first: point %llu, replication %llu); expected every shard, complete (finish an unfinished one with --resume)",
			     (unsigned long long)(sw->ntasks - bs_taskindex_count(ix)),
			     (unsigned long long)sw->ntasks,
			     (unsigned long long)(t / sw->reps + 1),
			     (unsigned long long)(t % sw->reps + 1));
		return BS_E_INPUT;
	}
	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
	if (!(csv = bs_staged_open(&st, "sweep.csv", err)) ||
	    !(reps = bs_staged_open(&st, "sweep_replications.csv", err)) ||
	    !(js = bs_staged_open(&st, "sweep.json", err))) {
		rc = BS_E_IO;
		goto out;
	}
	/* a designed sweep's indices (sweepsens.c) */
	acc = bs__sens_new(sw, &rc);
	if (rc)
		goto nomem;
	if (acc && !(sens = bs_staged_open(&st, "sweep_sensitivity.csv", err))) {
		rc = BS_E_IO;
		goto out;
	}
	fputs("point,", csv);
	fputs("point,", reps);
	for (d = 0; d < sw->ndims; d++) {
		bs_csv_put(csv, sw->dims[d].key);
		fputc(',', csv);
		bs_csv_put(reps, sw->dims[d].key);
		fputc(',', reps);
	}
	fputs("metric,ward,mean,sd,ci95_low,ci95_high\n", csv);
	fputs("replication,ward,metric,value\n", reps);
	if (write_json_head(js, sw))
		goto nomem;
	for (p = 0; p < sw->npoints; p++) {
		json_t *pt = bs_sweep_point(sw, p), *o;
		json_t *values = json_object_get(pt, "values");
		json_t *wards = json_object_get(pt, "wards");
		if ((rc = point_stats(sw, ix, p, &pw, err)))
			goto out;
		write_point_csv(csv, sw, p, values, wards, &pw);
		write_point_reps(reps, sw, p, values, wards, &pw);
		if (acc && bs__sens_add(acc, p, pw.vals, pw.W, sens))
			goto nomem;
		o = point_json(sw, p, &pw);
		fputs("    ", js);
		if (!o || put_json(js, o, 4)) {
			json_decref(o);
			goto nomem;
		}
		json_decref(o);
		fputs(p + 1 < sw->npoints ? ",\n" : "\n", js);
		work_release(&pw);
	}
	if (write_json_tail(js, acc, info))
		goto nomem;
	rc = bs_staged_close(&st, csv, "sweep.csv", err);
	csv = NULL;
	if (!rc)
		rc = bs_staged_close(&st, reps, "sweep_replications.csv", err);
	reps = NULL;
	if (!rc)
		rc = bs_staged_close(&st, js, "sweep.json", err);
	js = NULL;
	if (!rc && sens)
		rc = bs_staged_close(&st, sens, "sweep_sensitivity.csv", err);
	sens = NULL;
	if (rc)
		goto out;
	/* an earlier designed sweep's indices do not outlive it */
	if ((!acc && (rc = bs_staged_remove(&st, "sweep_sensitivity.csv", err))) ||
	    (standalone && (rc = write_standalone(sw, ix, dir, &st, err))) ||
	    (rc = bs_staged_drop_plots(&st, err)))
		goto out;
	rc = bs_staged_commit(&st, err);
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, dir, 0, 0, NULL, "out of memory writing the sweep");
out:
	if (csv)
		fclose(csv);
	if (reps)
		fclose(reps);
	if (js)
		fclose(js);
	if (sens)
		fclose(sens);
	bs__sens_free(acc);
	work_release(&pw);
	bs_staged_release(&st);
	return rc;
}
