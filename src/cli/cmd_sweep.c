/*
 * cmd_sweep.c - `bssim sweep SWEEP.json [-o DIR] [--jobs N] [--resume]
 * [--shard I/N] [--quiet]` and `bssim merge DIR... -o DIR`.
 *
 * Order of work, as for `run`: read and check every input first (every
 * point's scenario and world: exit 2 on bad input, nothing written), then
 * open the output folder's task log, run the tasks on N threads (or MPI
 * ranks, see src/mpi/mpi_sweep.c) recording each one durably as it
 * finishes, and write sweep.csv, sweep_replications.csv and sweep.json at
 * once from the log when every task is recorded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "base/pool.h"
#include "exp/runner.h"
#include "sweep_cli.h"

static const char SWEEP_HELP[] =
	"usage: bssim sweep SWEEP.json [options]\n"
	"\n"
	"Run every point of a sweep (a base scenario, keys set for all points,\n"
	"keys varied over a cartesian product) and write sweep.csv,\n"
	"sweep_replications.csv and sweep.json into the output folder.\n"
	"Every task (point, replication) is recorded in sweep_tasks.jsonl as\n"
	"it finishes, so an interrupted sweep loses only the tasks in flight.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   output folder (default: out/<sweep name>)\n"
	"  -j, --jobs N       run tasks on N threads (default 1); results are\n"
	"                     identical for every N\n"
	"      --resume       keep the tasks already recorded in DIR and run\n"
	"                     the rest (DIR must hold the same sweep)\n"
	"      --shard I/N    run only the I-th of N slices of the tasks (for\n"
	"                     job arrays); join the folders with bssim merge\n"
	"  -q, --quiet        print nothing but errors\n"
	"      --paranoid     check after every event that every bike is\n"
	"                     docked or riding exactly once (several times\n"
	"                     slower, same results; for bug reports)\n"
	"      --force        write into a folder holding files bssim did not\n"
	"                     write, or a run's results (refused otherwise)\n"
	"  -h, --help         this help\n"
	"\n"
	"The sweep file format and the outputs: docs/sweeps.md; clusters (MPI,\n"
	"Slurm): docs/cluster.md.\n"
	"\n"
	"exit status: 0 success, 1 the sweep failed or was interrupted (run it\n"
	"again with --resume), 2 bad usage or bad input (nothing is written).\n";

static const char MERGE_HELP[] =
	"usage: bssim merge DIR... -o DIR [--quiet] [--force]\n"
	"\n"
	"Join the output folders of the shards of one sweep (bssim sweep\n"
	"--shard I/N) into one folder holding the same files, byte for byte, as\n"
	"a single run of the sweep. The folder must be new, empty or a sweep's\n"
	"folder bssim wrote before, unless --force.\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or the folders are\n"
	"not the complete shards of one sweep.\n";

int sweep_parse(int argc, char **argv, struct sweep_cli *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"jobs", required_argument, NULL, 'j'},
		{"resume", no_argument, NULL, 'r'},
		{"shard", required_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"paranoid", no_argument, NULL, 'P'},
		{NULL, 0, NULL, 0}};
	int ch;
	uint64_t v;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	c->shard_i = c->shard_n = 1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (bs_cli_nonempty("sweep", "-o", optarg, "an output folder"))
				return BS_EXIT_USAGE;
			c->outdir = optarg;
			break;
		case 'j':
			if (bs_cli_uint(optarg, 1, 1024, &v))
				return bs_cli_usage("sweep",
						    "--jobs '%s': expected an integer from 1 to 1024",
						    optarg);
			c->jobs = (unsigned)v;
			c->jobs_given = 1;
			break;
		case 'r':
			c->resume = 1;
			break;
		case 'S':
			if (bs_shard_parse(optarg, &c->shard_i, &c->shard_n))
				return bs_cli_usage("sweep",
						    "--shard '%s': expected I/N with 1 <= I <= N <= 1000000, e.g. --shard 1/4 for the first of four slices",
						    optarg);
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'F':
			c->force = 1;
			break;
		case 'P':
			c->paranoid = 1;
			break;
		case 'h':
			if (!bs_cli_mute)
				fputs(SWEEP_HELP, stdout);
			return -1;
		case ':':
			return bs_cli_usage("sweep", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("sweep",
					    "unknown option '%s'; see bssim sweep --help",
					    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bs_cli_usage("sweep",
				    "missing SWEEP.json; usage: bssim sweep SWEEP.json [-o DIR] [--jobs N] [--resume] [--shard I/N]");
	if (optind + 1 < argc)
		return bs_cli_usage("sweep",
				    "unexpected argument '%s'; expected one sweep file",
				    argv[optind + 1]);
	if (bs_cli_operands("sweep", argv + optind, 1, "a sweep file"))
		return BS_EXIT_USAGE;
	c->file = argv[optind];
	return 0;
}

int sweep_load(struct sweep_ctx *x, struct bs_error *err)
{
	x->sw = bs_sweep_load(x->c.file, err);
	if (!x->sw)
		return bs_cli_exit(err->code ? err->code : BS_E_INPUT);
	return 0;
}

struct bs_scenario *sweep_scenario(void *ud, size_t p, struct bs_error *err)
{
	struct sweep_ctx *x = ud;

	return bs_sweep_scenario(x->sw, p, err);
}

int sweep_prepare(struct sweep_ctx *x)
{
	struct bs_sweep *sw = x->sw;
	struct bs_error err;
	struct bs_exec_source src;
	uint64_t t, discarded = 0;
	time_t now;
	struct tm tm;
	int rc;

	bs_error_clear(&err);
	if ((rc = bs_sweep_plan(sw, x->c.jobs, &err))) {
		bs_cli_error(&err);
		return bs_cli_exit(rc);
	}
	if (x->c.outdir)
		bs_strlcpy(x->outdir, x->c.outdir, sizeof(x->outdir));
	else
		snprintf(x->outdir, sizeof(x->outdir), "out/%s", sw->name);
	{
		/* every file the sweep replaces is a regular file, and the
		 * folder is held until the outputs are committed */
		static const char *const names[] = {
			"sweep.csv", "sweep_replications.csv", "sweep.json",
			BS_SWEEP_PLAN_NAME, BS_TASKLOG_NAME};
		if ((rc = bs_output_check_names(x->outdir, names, 5, &err)) ||
		    (rc = bs_outdir_open(&x->od, x->outdir, BS_KIND_SWEEP,
					 x->c.force, &err))) {
			bs_cli_error(&err);
			return bs_cli_exit(rc);
		}
	}
	x->done = calloc(sw->ntasks, 1);
	x->todo = calloc(sw->ntasks, sizeof(uint64_t));
	if (!x->done || !x->todo) {
		bs_cli_nomem("sweep", "out of memory for %llu tasks",
			     (unsigned long long)sw->ntasks);
		return BS_EXIT_FAIL;
	}
	x->log = bs_tasklog_open(x->outdir, sw->fingerprint, sw->ntasks,
				 x->c.resume, x->done, &x->resumed, &discarded,
				 &err);
	if (!x->log) {
		bs_cli_error(&err);
		return bs_cli_exit(err.code);
	}
	if (discarded && !x->c.quiet)
		bs_cli_say("note: %s held %llu recorded tasks of this sweep; started afresh without them (--resume keeps them)",
			   x->outdir, (unsigned long long)discarded);
	if ((rc = bs_sweep_write_plan(sw, x->outdir, &err))) {
		bs_cli_error(&err);
		return bs_cli_exit(rc == BS_E_INPUT ? rc : BS_E_IO);
	}
	for (t = 0; t < sw->ntasks; t++) {
		if (!bs_shard_owns(t, x->c.shard_i, x->c.shard_n))
			continue;
		x->nmine++;
		if (!x->done[t])
			x->todo[x->ntodo++] = t;
	}
	memset(&src, 0, sizeof(src));
	src.npoints = sw->npoints;
	src.reps = sw->reps;
	src.scenario = sweep_scenario;
	src.ud = x;
	src.paranoid = x->c.paranoid;
	x->exec = bs_exec_new(&src);
	if (!x->exec) {
		bs_cli_nomem("sweep", "out of memory");
		return BS_EXIT_FAIL;
	}
	memset(&x->info, 0, sizeof(x->info));
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(x->info.started_utc, sizeof(x->info.started_utc),
		 "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(x->info.host, sizeof(x->info.host) - 1))
		bs_strlcpy(x->info.host, "unknown", sizeof(x->info.host));
	x->info.resumed = x->resumed;
	bs_progress_init(&x->pr, sw->name, x->c.quiet);
	return 0;
}

int sweep_task(struct sweep_ctx *x, struct bs_exec_worker *wk, uint64_t t,
	       const struct bs_run_hooks *hooks, char **line,
	       struct bs_error *err)
{
	struct bs_task_rec rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	*line = NULL;
	rc = bs_exec_task(wk, t, hooks, &rec, err);
	if (rc) {
		if (rc != BS_E_INTERRUPTED && rc != BS_E_INPUT) {
			char text[sizeof(err->text)];
			int l = snprintf(text, sizeof(text),
					 "point %llu, replication %llu: ",
					 (unsigned long long)(t / x->sw->reps + 1),
					 (unsigned long long)(t % x->sw->reps + 1));
			bs_strlcpy(text + l,
				   err->text[0] ? err->text : bs_strerror(rc),
				   sizeof(text) - (size_t)l);
			bs_strlcpy(err->text, text, sizeof(err->text));
		}
		return rc;
	}
	*line = bs_task_rec_encode(&rec);
	bs_task_rec_release(&rec);
	if (!*line) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	return 0;
}

int sweep_finish(struct sweep_ctx *x, int rc, const struct bs_error *err)
{
	struct bs_sweep *sw = x->sw;
	struct bs_taskindex *ix = NULL;
	struct bs_error e2;
	uint64_t have;
	int status;

	bs_progress_end(&x->pr);
	x->info.wall_s = bs_cli_now() - x->pr.t0;
	bs_tasklog_close(x->log);
	x->log = NULL;
	bs_error_clear(&e2);
	ix = bs_taskindex_new(sw->ntasks, sw->fingerprint);
	if (!ix) {
		bs_cli_nomem("sweep", "out of memory");
		return BS_EXIT_FAIL;
	}
	if (bs_taskindex_add(ix, x->outdir, NULL, &e2)) {
		bs_cli_error(&e2);
		bs_taskindex_free(ix);
		return BS_EXIT_FAIL;
	}
	have = bs_taskindex_count(ix);
	if (rc) {
		if (rc != BS_E_INTERRUPTED)
			bs_cli_error(err);
		bs_cli_say("%s: %llu of %llu tasks are recorded in %s; run the same command with --resume to finish",
			   rc == BS_E_INTERRUPTED ? "interrupted" : "sweep stopped",
			   (unsigned long long)have,
			   (unsigned long long)sw->ntasks, x->outdir);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (have < sw->ntasks) {
		/* a shard: its tasks are recorded; merge writes the outputs */
		if (!x->c.quiet)
			printf("%s: shard %u/%u: %llu tasks recorded (%llu earlier) in %.2f s -> %s/\n"
			       "join the shards' folders with: bssim merge DIR... -o OUT\n",
			       sw->name, x->c.shard_i, x->c.shard_n,
			       (unsigned long long)x->nmine,
			       (unsigned long long)(x->nmine - x->ntodo),
			       x->info.wall_s, x->outdir);
		status = BS_EXIT_OK;
		goto out;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	bs_cli_write_begin("the sweep's outputs (%llu tasks)",
			   (unsigned long long)sw->ntasks);
	rc = bs_sweep_write_outputs(sw, ix, x->outdir, &x->info, 0, &e2);
	if (bs_cli_write_end() && !rc) {
		bs_cli_say("interrupted while writing: the sweep's outputs are written to %s",
			   x->outdir);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (rc) {
		bs_cli_error(&e2);
		status = e2.code == BS_E_INPUT ? BS_EXIT_USAGE : BS_EXIT_FAIL;
		goto out;
	}
	if (!x->c.quiet)
		printf("%s: %zu point%s x %u replication%s = %llu tasks (%llu from an earlier run) in %.2f s -> %s/\n",
		       sw->name, sw->npoints, sw->npoints == 1 ? "" : "s",
		       sw->reps, sw->reps == 1 ? "" : "s",
		       (unsigned long long)sw->ntasks,
		       (unsigned long long)x->resumed, x->info.wall_s,
		       x->outdir);
	status = BS_EXIT_OK;
out:
	bs_taskindex_free(ix);
	return status;
}

void sweep_ctx_release(struct sweep_ctx *x)
{
	bs_tasklog_close(x->log);
	bs_outdir_close(&x->od); /* the lock, after the log and outputs */
	bs_exec_free(x->exec);
	bs_sweep_free(x->sw);
	free(x->done);
	free(x->todo);
	memset(x, 0, sizeof(*x));
}

/* ---- threads ------------------------------------------------------------- */

static void *thr_worker_new(void *ud)
{
	return bs_exec_worker_new(((struct sweep_ctx *)ud)->exec);
}

static void thr_worker_free(void *ud, void *ws)
{
	(void)ud;
	bs_exec_worker_free(ws);
}

static int thr_run(void *ud, void *ws, uint64_t i,
		   const struct bs_pool_ctl *ctl, struct bs_error *err)
{
	struct bs_run_hooks hooks_, *hooks = &hooks_;
	struct sweep_ctx *x = ud;
	char *line;
	int rc;

	bs_hooks_from_ctl(hooks, ctl);
	rc = sweep_task(x, ws, x->todo[i], hooks, &line, err);
	if (rc)
		return rc;
	rc = bs_tasklog_append(x->log, line, err);
	free(line);
	return rc;
}

static void thr_progress(void *ud, uint64_t done, double in_flight)
{
	struct sweep_ctx *x = ud;
	uint64_t before = x->nmine - x->ntodo;

	bs_progress_update(&x->pr, (uint32_t)(before + done),
			   (uint32_t)x->nmine,
			   x->nmine ? ((double)(before + done) + in_flight) /
					      (double)x->nmine
				    : 1.0);
}

int bs_cmd_sweep(int argc, char **argv)
{
	struct sweep_ctx x;
	struct bs_pool_opts po;
	struct bs_error err;
	int status, rc;

	memset(&x, 0, sizeof(x));
	status = sweep_parse(argc, argv, &x.c);
	if (status)
		return status < 0 ? BS_EXIT_OK : status;
#ifdef BS_MPI
	if (bs_mpi_size() > 1) {
		status = bs_mpi_sweep(&x);
		sweep_ctx_release(&x);
		return status;
	}
#endif
	bs_error_clear(&err);
	if ((status = sweep_load(&x, &err))) {
		bs_cli_error(&err);
		goto out;
	}
	if ((status = sweep_prepare(&x)))
		goto out;
	memset(&po, 0, sizeof(po));
	po.jobs = x.c.jobs;
	po.ntasks = x.ntodo;
	po.worker_new = thr_worker_new;
	po.worker_free = thr_worker_free;
	po.run = thr_run;
	po.progress = thr_progress;
	po.ud = &x;
	po.stop = &bs_cli_stop;
	x.info.mode = "threads";
	x.info.workers = x.c.jobs;
	bs_cli_signals();
	bs_error_clear(&err);
	rc = bs_pool_run(&po, NULL, &err);
	status = sweep_finish(&x, rc, &err);
out:
	sweep_ctx_release(&x);
	return status;
}

/* ---- merge --------------------------------------------------------------- */

int bs_cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *out = NULL;
	int force = 0;
	struct bs_sweep *sw = NULL;
	struct bs_taskindex *ix = NULL;
	struct bs_sweep_info info;
	struct bs_outdir od = {NULL, -1};
	struct bs_error err;
	int ch, quiet = 0, i, status, rc;
	double t0 = bs_cli_now();

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (bs_cli_nonempty("merge", "-o", optarg, "an output folder"))
				return BS_EXIT_USAGE;
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'F':
			force = 1;
			break;
		case 'h':
			fputs(MERGE_HELP, stdout);
			return BS_EXIT_OK;
		case ':':
			return bs_cli_usage("merge", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("merge",
					    "unknown option '%s'; see bssim merge --help",
					    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bs_cli_usage("merge",
				    "missing DIR; usage: bssim merge DIR... -o DIR");
	if (!out)
		return bs_cli_usage("merge",
				    "missing -o DIR: the folder to write the joined sweep into");
	bs_error_clear(&err);
	if (bs_cli_operands("merge", argv + optind, argc - optind,
			    "a shard's output folder"))
		return BS_EXIT_USAGE;
	/* the shards are read as finished results: a commit a killed run
	 * left is finished first */
	for (i = optind; i < argc; i++)
		bs_outdir_settle(argv[i]);
	sw = bs_sweep_plan_load(argv[optind], &err);
	if (!sw)
		goto input_error;
	for (i = optind + 1; i < argc; i++) {
		struct bs_sweep *o = bs_sweep_plan_load(argv[i], &err);
		if (!o)
			goto input_error;
		if (strcmp(o->fingerprint, sw->fingerprint) != 0) {
			bs_error_set(&err, BS_E_INPUT, o->file, 0, 0, NULL,
				     "a shard of another sweep (fingerprint %s; %s holds %s); expected the shards of one sweep",
				     o->fingerprint, argv[optind], sw->fingerprint);
			bs_sweep_free(o);
			goto input_error;
		}
		bs_sweep_free(o);
	}
	if (bs_sweep_plan_check(sw, &err))
		goto input_error;
	ix = bs_taskindex_new(sw->ntasks, sw->fingerprint);
	if (!ix) {
		status = bs_cli_nomem("merge", "out of memory");
		status = BS_EXIT_FAIL;
		goto out;
	}
	for (i = optind; i < argc; i++)
		if (bs_taskindex_add(ix, argv[i],
				     "; expected the shards of one sweep", &err))
			goto input_error;
	memset(&info, 0, sizeof(info));
	{
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(info.started_utc, sizeof(info.started_utc),
			 "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (gethostname(info.host, sizeof(info.host) - 1))
		bs_strlcpy(info.host, "unknown", sizeof(info.host));
	info.mode = "merge";
	info.nsources = (size_t)(argc - optind);
	info.wall_s = bs_cli_now() - t0;
	if ((rc = bs_outdir_check(out, BS_KIND_SWEEP, force, &err))) {
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto out;
	}
	/* an incomplete set is bad input: bs_sweep_write_outputs words the
	 * refusal (naming the first missing task) before it touches dir, so
	 * it is asked before the folder is claimed */
	if (bs_taskindex_count(ix) < sw->ntasks) {
		bs_sweep_write_outputs(sw, ix, out, &info, 1, &err);
		goto input_error;
	}
	if ((rc = bs_outdir_open(&od, out, BS_KIND_SWEEP, force, &err))) {
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto out;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	bs_cli_write_begin("the merged sweep's outputs (%llu tasks)",
			   (unsigned long long)sw->ntasks);
	rc = bs_sweep_write_outputs(sw, ix, out, &info, 1, &err);
	if (bs_cli_write_end() && !rc) {
		bs_cli_say("interrupted while writing: the merged outputs are written to %s",
			   out);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (rc) {
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto out;
	}
	if (!quiet)
		printf("%s: merged %d folder%s: %zu point%s x %u replication%s = %llu tasks -> %s/\n",
		       sw->name, argc - optind, argc - optind == 1 ? "" : "s",
		       sw->npoints, sw->npoints == 1 ? "" : "s", sw->reps,
		       sw->reps == 1 ? "" : "s",
		       (unsigned long long)sw->ntasks, out);
	status = BS_EXIT_OK;
	goto out;
input_error:
	bs_cli_error(&err);
	status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
out:
	bs_outdir_close(&od);
	bs_taskindex_free(ix);
	bs_sweep_free(sw);
	return status;
}
