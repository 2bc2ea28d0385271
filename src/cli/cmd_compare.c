/*
 * cmd_compare.c - `bssim compare A.json B.json` and `bssim compare --sweep
 * DIR P Q`: each metric's mean difference B - A with its paired 95%
 * interval (common random numbers: replication r of both sees the same
 * random streams), beside the unpaired interval for reference.
 *
 * Two scenarios run as a two-point sweep held in memory (2 x R small task
 * records), on the same task pool as `bssim sweep`.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "stats/compare.h"
#include "stats/metrics.h"
#include "output/output.h"
#include "base/pool.h"
#include "exp/runner.h"
#include "exp/sweep.h"
#include "exp/sweepexec.h"
#include "calib/world.h"
#include "cli.h"

static const char COMPARE_HELP[] =
	"usage: bssim compare A.json B.json [options]\n"
	"       bssim compare --sweep DIR P Q [-o DIR] [--quiet]\n"
	"\n"
	"Each metric's mean difference B - A with its paired 95% confidence\n"
	"interval: replication r of both scenarios uses the same random\n"
	"streams (common random numbers), so the interval is built on the\n"
	"differences within replications. The unpaired (Welch) interval is\n"
	"shown beside it; their width ratio is what pairing buys. With --sweep,\n"
	"A and B are points P and Q of a finished sweep in DIR (no new runs).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR       also write DIR/compare.csv (every ward)\n"
	"      --seed N           base seed for both scenarios\n"
	"      --replications N   replications of both (1 to 10000)\n"
	"  -j, --jobs N           threads (default 1); results identical\n"
	"      --set KEY=VALUE    override a key in both scenarios (repeatable)\n"
	"      --ward NAME        print this ward instead of the whole network\n"
	"  -q, --quiet            print nothing but errors\n"
	"      --force            with -o: write into a folder holding files\n"
	"                         bssim did not write, or a run's or sweep's\n"
	"                         results\n"
	"\n"
	"The scenarios must have the same seed and replications (else the\n"
	"pairs would not share random numbers): exit status 2 otherwise.\n";

struct cmp {
	const char *outdir, *ward;
	unsigned jobs;
	int quiet;
	struct bs_set *sets;
	size_t nset;
	char seedbuf[32], repbuf[32];
	/* what is compared */
	const char *label[2];
	size_t W;              /* wards compared per ward (0: only all) */
	const char *const *wards;
	uint32_t reps;
	double *vals[2];       /* [reps][(W + 1) * M]: ward rows, then all */
	struct bs_paired *pairs; /* [(W + 1) * M], from compute_pairs */
};

/* ---- running two scenarios ------------------------------------------------- */

struct two {
	const char *files[2];
	const struct bs_set *sets;
	size_t nset;
	struct bs_exec *exec;
	struct bs_task_rec *recs; /* [2 * reps] */
	struct bs_progress pr;
	uint64_t total;
};

static struct bs_scenario *two_scenario(void *ud, size_t p,
					struct bs_error *err)
{
	struct two *t = ud;

	return bs_scenario_load(t->files[p], t->sets, t->nset, err);
}

static void *two_worker_new(void *ud)
{
	return bs_exec_worker_new(((struct two *)ud)->exec);
}

static void two_worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int two_run(void *ud, void *ws, uint64_t task,
		   const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct bs_run_hooks hooks_, *hooks = &hooks_;
	struct two *t = ud;

	bs_hooks_from_ctl(hooks, ctl);

	/* each task fills its own slot: no lock needed */
	return bs_exec_task(ws, task, hooks, &t->recs[task], err);
}

static void two_progress(void *ud, uint64_t done, double in_flight)
{
	struct two *t = ud;

	bs_progress_update(&t->pr, (uint32_t)done, (uint32_t)t->total,
			   ((double)done + in_flight) / (double)t->total);
}

static int same_wards(const struct bs_network *a, const struct bs_network *b)
{
	size_t w;

	if (a->nwards != b->nwards)
		return 0;
	for (w = 0; w < a->nwards; w++)
		if (strcmp(a->ward_names[w], b->ward_names[w]))
			return 0;
	return 1;
}

/* Run A and B; fill c->vals. Returns an exit status. */
static int run_two(struct cmp *c, const char *fa, const char *fb,
		   char ***ward_names)
{
	struct two t;
	struct bs_scenario *sc[2] = {NULL, NULL};
	struct bs_world *w[2] = {NULL, NULL};
	struct bs_exec_source src;
	struct bs_pool_opts po;
	struct bs_error err;
	size_t i, k, M = BS_METRIC_N, row;
	uint32_t r;
	int rc, status = BS_EXIT_FAIL;

	memset(&t, 0, sizeof(t));
	t.files[0] = fa;
	t.files[1] = fb;
	t.sets = c->sets;
	t.nset = c->nset;
	bs_error_clear(&err);
	/* every input checked before anything runs */
	for (i = 0; i < 2; i++) {
		if (!(sc[i] = bs_scenario_load(t.files[i], c->sets, c->nset, &err)) ||
		    !(w[i] = bs_world_build(sc[i], &err))) {
			bs_cli_error(&err);
			status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
			goto out;
		}
	}
	if (sc[0]->p.seed != sc[1]->p.seed) {
		bs_scenario_error(sc[1], &err, "seed",
				  "seed %llu where %s has %llu; common random numbers need the same seed (give --seed N)",
				  (unsigned long long)sc[1]->p.seed, fa,
				  (unsigned long long)sc[0]->p.seed);
		bs_cli_error(&err);
		status = BS_EXIT_USAGE;
		goto out;
	}
	if (sc[0]->p.replications != sc[1]->p.replications) {
		bs_scenario_error(sc[1], &err, "replications",
				  "%u replications where %s has %u; expected the same (give --replications N)",
				  sc[1]->p.replications, fa,
				  sc[0]->p.replications);
		bs_cli_error(&err);
		status = BS_EXIT_USAGE;
		goto out;
	}
	c->label[0] = fa;
	c->label[1] = fb;
	c->reps = sc[0]->p.replications;
	c->W = same_wards(w[0]->net, w[1]->net) ? w[0]->net->nwards : 0;
	*ward_names = calloc(c->W + 1, sizeof(char *));
	if (!*ward_names)
		goto nomem;
	for (k = 0; k < c->W; k++)
		if (!((*ward_names)[k] = bs_strdup(w[0]->net->ward_names[k])))
			goto nomem;
	c->wards = (const char *const *)*ward_names;

	t.recs = calloc(2 * (size_t)c->reps, sizeof(*t.recs));
	if (!t.recs)
		goto nomem;
	memset(&src, 0, sizeof(src));
	src.npoints = 2;
	src.reps = c->reps;
	src.scenario = two_scenario;
	src.ud = &t;
	t.exec = bs_exec_new(&src);
	if (!t.exec)
		goto nomem;
	memset(&po, 0, sizeof(po));
	po.jobs = c->jobs;
	po.ntasks = 2 * (uint64_t)c->reps;
	po.worker_new = two_worker_new;
	po.worker_free = two_worker_free;
	po.run = two_run;
	po.progress = two_progress;
	po.ud = &t;
	po.stop = &bs_cli_stop;
	t.total = po.ntasks;
	bs_progress_init(&t.pr, "compare", c->quiet);
	bs_cli_signals();
	rc = bs_pool_run(&po, NULL, &err);
	bs_progress_end(&t.pr);
	if (rc) {
		if (rc == BS_E_INTERRUPTED)
			bs_cli_say("interrupted; nothing written");
		else
			bs_cli_error(&err);
		status = BS_EXIT_FAIL;
		goto out;
	}
	/* the records, as the sweep's vals layout: per replication */
	row = (c->W + 1) * M;
	for (i = 0; i < 2; i++) {
		c->vals[i] = calloc((size_t)c->reps * row, sizeof(double));
		if (!c->vals[i])
			goto nomem;
		for (r = 0; r < c->reps; r++) {
			const struct bs_task_rec *rec = &t.recs[i * c->reps + r];
			size_t Wr = rec->nwards;
			double *dst = c->vals[i] + (size_t)r * row;
			for (k = 0; k < c->W; k++)
				memcpy(dst + k * M, rec->m + k * M,
				       M * sizeof(double));
			memcpy(dst + c->W * M, rec->m + Wr * M, M * sizeof(double));
		}
	}
	status = BS_EXIT_OK;
	goto out;
nomem:
	bs_cli_nomem("compare", "out of memory");
	status = BS_EXIT_FAIL;
out:
	if (t.recs)
		for (i = 0; i < 2 * (size_t)c->reps; i++)
			bs_task_rec_release(&t.recs[i]);
	free(t.recs);
	bs_exec_free(t.exec);
	for (i = 0; i < 2; i++) {
		bs_world_free(w[i]);
		bs_scenario_free(sc[i]);
	}
	return status;
}

/* ---- two points of a finished sweep ---------------------------------------- */

static int from_sweep(struct cmp *c, const char *dir, const char *ps,
		      const char *qs, struct bs_sweep **swp,
		      struct bs_taskindex **ixp, char *labels[2])
{
	struct bs_sweep *sw;
	struct bs_taskindex *ix;
	struct bs_task_rec rec;
	struct bs_error err;
	uint64_t pq[2];
	json_t *wa, *wb;
	size_t i, k, M = BS_METRIC_N, row;
	uint32_t r;

	bs_error_clear(&err);
	memset(&rec, 0, sizeof(rec));
	*swp = sw = bs_sweep_plan_load(dir, &err);
	if (!sw || bs_sweep_plan_check(sw, &err))
		goto input_error;
	for (i = 0; i < 2; i++)
		if (bs_cli_uint(i ? qs : ps, 1, sw->npoints, &pq[i]))
			return bs_cli_usage("compare",
					    "--sweep %s: point '%s': expected a number from 1 to %zu",
					    dir, i ? qs : ps, sw->npoints);
	*ixp = ix = bs_taskindex_new(sw->ntasks, sw->fingerprint);
	if (!ix)
		return bs_cli_nomem("compare", "out of memory");
	if (bs_taskindex_add(ix, dir, NULL, &err))
		goto input_error;
	wa = json_object_get(bs_sweep_point(sw, pq[0] - 1), "wards");
	wb = json_object_get(bs_sweep_point(sw, pq[1] - 1), "wards");
	c->W = json_equal(wa, wb) ? json_array_size(wa) : 0;
	c->wards = calloc(c->W + 1, sizeof(char *));
	if (!c->wards)
		return bs_cli_nomem("compare", "out of memory");
	for (k = 0; k < c->W; k++)
		((const char **)c->wards)[k] =
			json_string_value(json_array_get(wa, k));
	c->reps = sw->reps;
	row = (c->W + 1) * M;
	for (i = 0; i < 2; i++) {
		char lab[300];
		bs_sweep_label_of(sw, pq[i] - 1, lab, sizeof(lab));
		labels[i] = bs_strdup(lab);
		c->label[i] = labels[i];
		c->vals[i] = calloc((size_t)c->reps * row, sizeof(double));
		if (!c->vals[i] || !labels[i])
			return bs_cli_nomem("compare", "out of memory");
		for (r = 0; r < c->reps; r++) {
			uint64_t t = (pq[i] - 1) * sw->reps + r;
			double *dst = c->vals[i] + (size_t)r * row;
			if (!bs_taskindex_has(ix, t)) {
				bs_error_set(&err, BS_E_INPUT, dir, 0, 0, NULL,
					     "point %llu, replication %u is not recorded; finish the sweep first (--resume)",
					     (unsigned long long)pq[i], r + 1);
				goto input_error;
			}
			if (bs_taskindex_read(ix, t, &rec, &err))
				goto input_error;
			for (k = 0; k < c->W; k++)
				memcpy(dst + k * M, rec.m + k * M,
				       M * sizeof(double));
			memcpy(dst + c->W * M, rec.m + rec.nwards * M,
			       M * sizeof(double));
		}
	}
	bs_task_rec_release(&rec);
	return BS_EXIT_OK;
input_error:
	bs_task_rec_release(&rec);
	bs_cli_error(&err);
	return bs_cli_exit(err.code ? err.code : BS_E_INPUT);
}

/* ---- output ------------------------------------------------------------------ */

/* Every metric's paired statistics, once, before anything is printed or
 * written: 0, or BS_E_NOMEM with err filled. */
static int compute_pairs(struct cmp *c, struct bs_error *err)
{
	size_t row = (c->W + 1) * BS_METRIC_N, off;

	c->pairs = calloc(row, sizeof(*c->pairs));
	if (!c->pairs)
		goto nomem;
	for (off = 0; off < row; off++)
		if (bs_paired_compute(c->vals[0] + off, c->vals[1] + off,
				      c->reps, row, &c->pairs[off]))
			goto nomem;
	return 0;
nomem:
	bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
		     "out of memory computing the paired differences");
	return BS_E_NOMEM;
}

static const struct bs_paired *pair_of(const struct cmp *c, size_t w, int m)
{
	return &c->pairs[w * BS_METRIC_N + (size_t)m];
}

static void print_table(const struct cmp *c, size_t w)
{
	int m;

	printf("A: %s\nB: %s\n", c->label[0], c->label[1]);
	printf("%u paired replications (common random numbers); %s%s, per simulated day\n\n",
	       c->reps, w < c->W ? "ward " : "whole network",
	       w < c->W ? c->wards[w] : "");
	printf("%-20s %11s %11s %11s  %-25s  %-25s %6s\n", "metric", "A", "B",
	       "B - A", "paired 95% CI", "unpaired 95% CI", "ratio");
	for (m = 0; m < BS_METRIC_N; m++) {
		const struct bs_paired pr = *pair_of(c, w, m);
		char ci[64], un[64], ratio[16];
		double pw, uw;
		if (isfinite(pr.ci_lo))
			snprintf(ci, sizeof(ci), "[%.4g, %.4g]", pr.ci_lo, pr.ci_hi);
		else
			snprintf(ci, sizeof(ci), "-");
		if (isfinite(pr.un_lo))
			snprintf(un, sizeof(un), "[%.4g, %.4g]", pr.un_lo, pr.un_hi);
		else
			snprintf(un, sizeof(un), "-");
		pw = pr.ci_hi - pr.ci_lo;
		uw = pr.un_hi - pr.un_lo;
		if (pw > 0.0 && isfinite(uw))
			snprintf(ratio, sizeof(ratio), "%.1f", uw / pw);
		else if (pw == 0.0 && uw > 0.0)
			snprintf(ratio, sizeof(ratio), "inf");
		else
			snprintf(ratio, sizeof(ratio), "-");
		printf("%-20s %11.5g %11.5g %11.4g  %-25s  %-25s %6s\n",
		       bs_metric_names[m], pr.mean_a, pr.mean_b, pr.diff, ci, un,
		       ratio);
	}
}

static int write_csv(const struct cmp *c, struct bs_error *err)
{
	struct bs_staged st;
	FILE *fp;
	size_t w;
	int m, rc;

	if ((rc = bs_staged_init(&st, c->outdir, err)))
		goto out;
	if (!(fp = bs_staged_open(&st, "compare.csv", err))) {
		rc = BS_E_IO;
		goto out;
	}
	fputs("metric,ward,n,mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,unpaired_ci95_low,unpaired_ci95_high\n",
	      fp);
	for (m = 0; m < BS_METRIC_N; m++)
		for (w = 0; w <= c->W; w++) {
			const struct bs_paired pr = *pair_of(c, w, m);
			size_t i;
			fprintf(fp, "%s,", bs_metric_names[m]);
			bs_csv_put(fp, w < c->W ? c->wards[w] : "all");
			fprintf(fp, ",%zu", pr.n);
			{
				const double x[] = {pr.mean_a, pr.mean_b, pr.diff,
						    pr.diff_sd, pr.ci_lo, pr.ci_hi,
						    pr.un_lo, pr.un_hi};
				for (i = 0; i < sizeof(x) / sizeof(x[0]); i++) {
					fputc(',', fp);
					bs_csv_num(fp, x[i]);
				}
			}
			fputc('\n', fp);
		}
	if ((rc = bs_staged_close(&st, fp, "compare.csv", err)))
		goto out;
	rc = bs_staged_commit(&st, err);
out:
	bs_staged_release(&st);
	return rc;
}

/* ---- the command ------------------------------------------------------------- */

static const char *const compare_names[] = {"compare.csv"};

int bs_cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 'S'},
		{"replications", required_argument, NULL, 'R'},
		{"jobs", required_argument, NULL, 'j'},
		{"set", required_argument, NULL, 's'},
		{"ward", required_argument, NULL, 'w'},
		{"sweep", required_argument, NULL, 'W'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct cmp c;
	int force = 0;
	const char *sweepdir = NULL;
	char **owned_wards = NULL, *labels[2] = {NULL, NULL};
	struct bs_sweep *sw = NULL;
	struct bs_taskindex *ix = NULL;
	struct bs_error err;
	size_t w, i;
	uint64_t v;
	int ch, status;

	memset(&c, 0, sizeof(c));
	c.jobs = 1;
	c.sets = calloc((size_t)argc + 2, sizeof(*c.sets));
	if (!c.sets)
		return bs_cli_nomem("compare", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((status = bs_cli_nonempty("compare", "-o", optarg,
						      "an output folder")))
				goto out;
			c.outdir = optarg;
			break;
		case 'S':
			if (bs_cli_uint(optarg, 0, 9007199254740991ull, &v)) {
				status = bs_cli_usage("compare",
						      "--seed '%s': expected an integer from 0 to 9007199254740991",
						      optarg);
				goto out;
			}
			snprintf(c.seedbuf, sizeof(c.seedbuf), "%llu",
				 (unsigned long long)v);
			c.sets[c.nset].key = "seed";
			c.sets[c.nset++].value = c.seedbuf;
			break;
		case 'R':
			if (bs_cli_uint(optarg, 1, 10000, &v)) {
				status = bs_cli_usage("compare",
						      "--replications '%s': expected an integer from 1 to 10000",
						      optarg);
				goto out;
			}
			snprintf(c.repbuf, sizeof(c.repbuf), "%llu",
				 (unsigned long long)v);
			c.sets[c.nset].key = "replications";
			c.sets[c.nset++].value = c.repbuf;
			break;
		case 'j':
			if (bs_cli_uint(optarg, 1, 1024, &v)) {
				status = bs_cli_usage("compare",
						      "--jobs '%s': expected an integer from 1 to 1024",
						      optarg);
				goto out;
			}
			c.jobs = (unsigned)v;
			break;
		case 's':
			if (bs_cli_override(optarg, &c.sets[c.nset])) {
				status = bs_cli_usage("compare",
						      "--set '%s': expected KEY=VALUE, e.g. --set fleet.bikes=1200",
						      optarg);
				goto out;
			}
			c.nset++;
			break;
		case 'w':
			if ((status = bs_cli_nonempty("compare", "--ward", optarg,
						      "a ward name")))
				goto out;
			c.ward = optarg;
			break;
		case 'W':
			if ((status = bs_cli_nonempty("compare", "--sweep", optarg,
						      "a sweep's output folder")))
				goto out;
			sweepdir = optarg;
			break;
		case 'q':
			c.quiet = 1;
			break;
		case 'F':
			force = 1;
			break;
		case 'h':
			fputs(COMPARE_HELP, stdout);
			status = BS_EXIT_OK;
			goto out;
		case ':':
			status = bs_cli_usage("compare", "option '%s' needs a value",
					      argv[optind - 1]);
			goto out;
		default:
			status = bs_cli_usage("compare",
					      "unknown option '%s'; see bssim compare --help",
					      argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind == 2 &&
	    (status = bs_cli_operands("compare", argv + optind, 2,
				      sweepdir ? "a point number"
					       : "a scenario file")))
		goto out;
	if (argc - optind != 2) {
		status = bs_cli_usage("compare",
				      sweepdir ? "expected two point numbers: bssim compare --sweep DIR P Q"
					       : "expected two scenario files: bssim compare A.json B.json");
		goto out;
	}
	if (c.outdir) {
		/* refused now rather than after running both scenarios */
		int rc;
		bs_error_clear(&err);
		if ((rc = bs_output_check_names(c.outdir, compare_names, 1,
						&err)) ||
		    (rc = bs_outdir_check(c.outdir, BS_KIND_COMPARE, force,
					  &err))) {
			bs_cli_error(&err);
			status = bs_cli_exit(rc);
			goto out;
		}
	}
	if (sweepdir) {
		if (c.nset) {
			status = bs_cli_usage("compare",
					      "--set, --seed and --replications do not apply to --sweep (the points are already run)");
			goto out;
		}
		bs_outdir_settle(sweepdir); /* finished results: see output.h */
		status = from_sweep(&c, sweepdir, argv[optind], argv[optind + 1],
				    &sw, &ix, labels);
	} else {
		status = run_two(&c, argv[optind], argv[optind + 1],
				 &owned_wards);
	}
	if (status)
		goto out;
	w = c.W; /* the whole network */
	if (c.ward) {
		for (w = 0; w < c.W; w++)
			if (strcmp(c.wards[w], c.ward) == 0)
				break;
		if (w == c.W) {
			status = bs_cli_usage("compare",
					      "--ward '%s': not a ward of both scenarios%s",
					      c.ward,
					      c.W ? "" : " (their wards differ: only the whole network compares)");
			goto out;
		}
	}
	bs_error_clear(&err);
	if (compute_pairs(&c, &err)) {
		bs_cli_error(&err);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (c.outdir) {
		struct bs_outdir od = {NULL, -1};
		int rc, late;
		bs_error_clear(&err);
		if ((rc = bs_output_check_names(c.outdir, compare_names, 1,
						&err)) ||
		    (rc = bs_outdir_open(&od, c.outdir, BS_KIND_COMPARE, force,
					 &err))) {
			bs_outdir_close(&od);
			bs_cli_error(&err);
			status = bs_cli_exit(rc);
			goto out;
		}
		bs_test_point(BS_TP_BEFORE_WRITE);
		bs_cli_write_begin("%s/compare.csv", c.outdir);
		rc = write_csv(&c, &err);
		late = bs_cli_write_end();
		bs_outdir_close(&od);
		if (rc) {
			bs_cli_error(&err);
			status = bs_cli_exit(rc);
			goto out;
		}
		if (late) {
			bs_cli_say("interrupted while writing: %s/compare.csv is complete",
				   c.outdir);
			status = BS_EXIT_FAIL;
			goto out;
		}
	}
	if (!c.quiet)
		print_table(&c, w);
	status = BS_EXIT_OK;
out:
	if (owned_wards) {
		for (i = 0; i < c.W; i++)
			free(owned_wards[i]);
		free(owned_wards);
	} else {
		free((void *)c.wards);
	}
	free(labels[0]);
	free(labels[1]);
	free(c.vals[0]);
	free(c.vals[1]);
	free(c.pairs);
	free(c.sets);
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
	return status;
}
