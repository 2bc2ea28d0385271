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

#include "cli.h"

/* The options of `bssim sweep`. */
struct sweep_cli {
	const char *file;
	const char *outdir;
	unsigned jobs;
	int resume; /* BS_SWEEP_KEEP unless --resume or --fresh */
	int quiet;
	int force;
	int paranoid;
	int check; /* --check: list the points and tasks, run nothing */
	double progress; /* --progress: seconds between lines; 0: off */
	uint32_t shard_i, shard_n; /* 1/1 when not sharded */
};

static const char SWEEP_HELP[] =
	"usage: bssim sweep SWEEP.json [options]\n"
	"\n"
	"Run every point of a sweep (a base scenario, keys set for all points,\n"
	"keys varied over a cartesian product, and a designed experiment:\n"
	"Latin hypercube or Sobol' points over ranges of keys) and write\n"
	"sweep.csv, sweep_replications.csv and sweep.json into the output\n"
	"folder; a design adds sweep_sensitivity.csv (Sobol' indices or\n"
	"regression coefficients of the headline metrics, with bootstrap\n"
	"intervals).\n"
	"Every task (point, replication) is recorded in sweep_tasks.jsonl as\n"
	"it finishes, so an interrupted sweep loses only the tasks in flight.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   output folder (default: out/<sweep name>)\n"
	"  -j, --jobs N       run tasks on N threads (default 1); results are\n"
	"                     identical for every N\n"
	"      --resume       keep the tasks already recorded in DIR and run\n"
	"                     the rest (the default: see below)\n"
	"      --fresh        discard the tasks recorded in DIR and start afresh\n"
	"      --check        check every point (as a run would before it starts)\n"
	"                     and list the points and their tasks; run nothing,\n"
	"                     write nothing\n"
	"      --shard I/N    run only the I-th of N slices of the tasks (for\n"
	"                     job arrays); join the folders with bssim merge\n"
	"      --progress[=S] a progress line on stderr every S seconds\n"
	"                     (default 10) and one at the end, also when\n"
	"                     stderr is a log file: tasks done of all,\n"
	"                     simulated days, elapsed, time left\n"
	"  -q, --quiet        print nothing but errors\n"
	"      --paranoid     check after every event that every bike is\n"
	"                     docked or riding exactly once (several times\n"
	"                     slower, same results; for bug reports)\n"
	"      --force        write into a folder holding files bssim did not\n"
	"                     write, or a run's results (refused otherwise)\n"
	"  -h, --help         this help\n"
	"\n"
	"A folder holding recorded tasks of this sweep is resumed by default: a\n"
	"task's result depends only on the sweep and its number, so resuming\n"
	"writes the same files as starting afresh, and a re-typed command loses\n"
	"nothing. A folder holding another sweep's tasks is refused unless\n"
	"--fresh. Check a sweep without running it: bssim sweep --check.\n"
	"\n"
	"The sweep file format and the outputs: docs/sweeps.md; clusters (MPI,\n"
	"Slurm): docs/cluster.md.\n"
	"\n"
	"exit status: 0 success, 1 the sweep failed or was interrupted (run it\n"
	"again with --resume), 2 bad usage or bad input (nothing is written).\n";

/* Simulated days of every task of the sweep, for progress lines. */
static double sweep_days(const bs_sweep *sw)
{
	double d = 0.0;
	size_t p;

	for (p = 0; p < bs_sweep_points(sw); p++)
		d += bs_sweep_point_days(sw, p) * bs_sweep_replications(sw);
	return d;
}

static const char MERGE_HELP[] =
	"usage: bssim merge DIR... -o DIR [--quiet] [--force]\n"
	"\n"
	"Join the output folders of the shards of one sweep (bssim sweep\n"
	"--shard I/N) into one folder holding the same files, byte for byte, as\n"
	"a single run of the sweep.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   the folder to write (new, empty or a sweep's\n"
	"                     folder bssim wrote before)\n"
	"  -q, --quiet        print nothing but errors\n"
	"      --force        write into any other folder\n"
	"  -h, --help         this help\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or the folders are\n"
	"not the complete shards of one sweep.\n";

/* 0, -1 after --help, or an exit status after printing. */
static int sweep_parse(int argc, char **argv, struct sweep_cli *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"jobs", required_argument, NULL, 'j'},
		{"resume", no_argument, NULL, 'r'},
		{"fresh", no_argument, NULL, 'f'},
		{"check", no_argument, NULL, 'C'},
		{"shard", required_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"paranoid", no_argument, NULL, 'P'},
		{"progress", optional_argument, NULL, 'p'},
		{NULL, 0, NULL, 0}};
	int ch;
	uint64_t v;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	c->resume = BS_SWEEP_KEEP;
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
			break;
		case 'r':
		case 'f':
			if (c->resume != BS_SWEEP_KEEP &&
			    c->resume != (ch == 'r' ? BS_SWEEP_RESUME : BS_SWEEP_FRESH))
				return bs_cli_usage("sweep",
						    "--resume and --fresh: expected one of them, not both");
			c->resume = ch == 'r' ? BS_SWEEP_RESUME : BS_SWEEP_FRESH;
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
		case 'C':
			c->check = 1;
			break;
		case 'p':
			if (bs_cli_progress_arg(optarg, &c->progress))
				return bs_cli_usage("sweep",
						    "--progress='%s': expected seconds between progress lines, more than 0 and at most 86400",
						    optarg);
			break;
		case 'h':
			if (!bs_cli_mute)
				fputs(SWEEP_HELP, stdout);
			return -1;
		case ':':
		default:
			return bs_cli_bad_option("sweep", "sweep", ch, argv);
		}
	}
	return bs_cli_one_operand("sweep", argc, argv,
				  "SWEEP.json; usage: bssim sweep SWEEP.json [-o DIR] [--jobs N] [--resume] [--shard I/N]",
				  "a sweep file", &c->file);
}

/* How the sweep ended, in words (exit status returned). */
static int sweep_outcome(const struct sweep_cli *c, const bs_sweep *sw,
			 const char *dir, int rc, int frc,
			 const struct bs_sweep_outcome *o,
			 const struct bs_error *err)
{
	if (rc) {
		if (rc != BS_E_INTERRUPTED)
			bs_cli_error(err);
		bs_cli_say("%s: %llu of %llu tasks are recorded in %s; run the same command with --resume to finish",
			   rc == BS_E_INTERRUPTED ? "interrupted" : "sweep stopped",
			   (unsigned long long)o->recorded,
			   (unsigned long long)o->tasks, dir);
		return BS_EXIT_FAIL;
	}
	if (frc) {
		bs_cli_error(err);
		return frc == BS_E_INPUT ? BS_EXIT_USAGE : BS_EXIT_FAIL;
	}
	if (!o->complete) {
		/* a shard: its tasks are recorded; merge writes the outputs */
		if (!c->quiet)
			printf("%s: shard %u/%u: %llu tasks recorded (%llu earlier) in %.2f s -> %s/\n"
			       "join the shards' folders with: bssim merge DIR... -o OUT\n",
			       bs_sweep_name(sw), c->shard_i, c->shard_n,
			       (unsigned long long)o->mine,
			       (unsigned long long)(o->mine - o->ran), o->wall_s,
			       dir);
		return BS_EXIT_OK;
	}
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: the sweep's outputs are written to %s",
			   dir);
		return BS_EXIT_FAIL;
	}
	if (!c->quiet)
		printf("%s: %zu point%s x %u replication%s = %llu tasks (%llu from an earlier run) in %.2f s -> %s/\n",
		       bs_sweep_name(sw), bs_sweep_points(sw),
		       bs_sweep_points(sw) == 1 ? "" : "s",
		       bs_sweep_replications(sw),
		       bs_sweep_replications(sw) == 1 ? "" : "s",
		       (unsigned long long)o->tasks,
		       (unsigned long long)o->resumed, o->wall_s, dir);
	return BS_EXIT_OK;
}

/* `sweep --check`: every point checked, then the points, their values
 * and their tasks (task = (point - 1) x replications + replication - 1),
 * and the folder it would write. O(points). */
static int sweep_check(const struct sweep_cli *c, bs_sweep *sw)
{
	struct bs_error err;
	size_t p, np = bs_sweep_points(sw);
	uint32_t r = bs_sweep_replications(sw);

	bs_error_clear(&err);
	if (bs_sweep_check(sw, c->jobs, &err))
		return bs_cli_fail(&err, 0);
	printf("%s: OK: %zu point%s x %u replication%s = %llu tasks (fingerprint %s)\n",
	       bs_sweep_name(sw), np, np == 1 ? "" : "s", r, r == 1 ? "" : "s",
	       (unsigned long long)bs_sweep_tasks(sw), bs_sweep_fingerprint(sw));
	{
		char *d = bs_sweep_design_summary(sw);
		if (d)
			printf("%s\n", d);
		bs_free(d);
	}
	for (p = 0; p < np; p++) {
		char *label = bs_sweep_point_label(sw, p);
		if (!label)
			return bs_cli_nomem("sweep", "out of memory");
		printf("  %s: tasks %llu to %llu\n", label,
		       (unsigned long long)(p * r),
		       (unsigned long long)(p * r + r - 1));
		bs_free(label);
	}
	if (c->outdir)
		printf("output folder: %s\n", c->outdir);
	else
		printf("output folder: out/%s\n", bs_sweep_name(sw));
	return BS_EXIT_OK;
}

int bs_cmd_sweep(int argc, char **argv)
{
	struct sweep_cli c;
	struct bs_sweep_opts so;
	struct bs_sweep_outcome o;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err, ferr;
	bs_sweep *sw = NULL;
	bs_sweep_job *j = NULL;
	int status, rc, frc;

	memset(&c, 0, sizeof(c));
	status = sweep_parse(argc, argv, &c);
	if (status)
		return status < 0 ? BS_EXIT_OK : status;
	bs_error_clear(&err);
	bs_error_clear(&ferr);
	if (!(sw = bs_sweep_load(c.file, &err)))
		return bs_cli_fail(&err, 0);
	if (c.check) {
		status = sweep_check(&c, sw);
		bs_sweep_free(sw);
		return status;
	}
	bs_cli_monitor(&mon, &watch, bs_sweep_name(sw), c.quiet);
	bs_sweep_opts_init(&so);
	so.jobs = c.jobs;
	so.resume = c.resume;
	so.force = c.force;
	so.paranoid = c.paranoid;
	so.shard_i = c.shard_i;
	so.shard_n = c.shard_n;
	so.monitor = &mon;
	if (!(j = bs_sweep_job_open(sw, c.outdir, &so, &err))) {
		status = bs_cli_fail(&err, 0);
		goto out;
	}
	bs_sweep_job_outcome(j, &o);
	bs_cli_watch_lines(&watch, c.progress, sweep_days(sw), "tasks", c.quiet);
	if (o.resumed && c.resume == BS_SWEEP_KEEP && !c.quiet)
		bs_cli_say("note: %s holds %llu recorded task%s of this sweep; running only the rest (--fresh starts afresh)",
			   bs_sweep_job_dir(j), (unsigned long long)o.resumed,
			   o.resumed == 1 ? "" : "s");
	if (o.discarded && !c.quiet)
		bs_cli_say("note: %s held %llu recorded tasks of this sweep; started afresh without them (--fresh)",
			   bs_sweep_job_dir(j), (unsigned long long)o.discarded);
	bs_cli_signals();
	rc = bs_sweep_job_run(j, &err);
	bs_cli_watch_end(&watch);
	frc = bs_sweep_job_finish(j, rc, &o, &ferr);
	if (rc)
		frc = 0; /* the run's failure is the one told */
	status = sweep_outcome(&c, sw, bs_sweep_job_dir(j), rc, frc, &o,
			       rc ? &err : &ferr);
out:
	bs_sweep_job_free(j);
	bs_sweep_free(sw);
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
	struct bs_sweep_outcome o;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	int ch, quiet = 0, force = 0, n, rc;

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
		default:
			return bs_cli_bad_option("merge", "merge", ch, argv);
		}
	}
	if (optind >= argc)
		return bs_cli_usage("merge",
				    "missing DIR; usage: bssim merge DIR... -o DIR");
	if (!out)
		return bs_cli_usage("merge",
				    "missing -o DIR: the folder to write the joined sweep into");
	if (bs_cli_operands("merge", argv + optind, argc - optind,
			    "a shard's output folder"))
		return BS_EXIT_USAGE;
	n = argc - optind;
	bs_error_clear(&err);
	bs_cli_monitor(&mon, &watch, "merge", 1);
	bs_cli_signals();
	rc = bs_sweep_merge((const char *const *)(argv + optind), (size_t)n, out,
			    force, &mon, &o, &err);
	if (rc)
		return bs_cli_fail(&err, rc);
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: the merged outputs are written to %s",
			   out);
		return BS_EXIT_FAIL;
	}
	if (!quiet) {
		bs_sweep *sw = bs_sweep_open(out, &err);
		if (sw) {
			printf("%s: merged %d folder%s: %zu point%s x %u replication%s = %llu tasks -> %s/\n",
			       bs_sweep_name(sw), n, n == 1 ? "" : "s",
			       bs_sweep_points(sw), bs_sweep_points(sw) == 1 ? "" : "s",
			       bs_sweep_replications(sw),
			       bs_sweep_replications(sw) == 1 ? "" : "s",
			       (unsigned long long)o.tasks, out);
			bs_sweep_free(sw);
		}
	}
	return BS_EXIT_OK;
}
