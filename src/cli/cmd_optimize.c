/*
 * cmd_optimize.c - `bssim optimize FILE [-o DIR] [--jobs N]`: allocate a
 * fleet budget over the ports of a scenario (greedy exchange with paired
 * confirmation), or, with a "select" block, choose the best of several
 * scenarios (Kim and Nelson's KN procedure). The work is the library's
 * (bs_optimize_* in bssim.h); this file parses the options and prints
 * what was found.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char OPTIMIZE_HELP[] =
	"usage: bssim optimize FILE [-o DIR] [--jobs N] [--select] [--quiet] [--force]\n"
	"\n"
	"FILE is an optimise file {\"bssim_optimize\": 1, ...} (docs/optimize.md).\n"
	"With a base scenario and a budget: allocate the fleet over the ports\n"
	"to maximise or minimise the objective (a metric, or a linear\n"
	"expression of metrics), moving blocks of bikes from the port that\n"
	"loses least to the one that gains most (ranked by each port's\n"
	"replayed lost demand), each move accepted only when its paired\n"
	"interval over common random numbers lies above zero. Writes\n"
	"allocation.csv (station_id,bikes: what fleet.initial reads), trace.csv\n"
	"and optimize.json. With a \"select\" block: the best of its scenarios\n"
	"with probability of correct selection 1 - alpha when it leads by\n"
	"delta (KN, fully sequential); writes selection.csv and optimize.json.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR   output folder (default: out/<name>)\n"
	"  -j, --jobs N       run replications on N threads (default 1);\n"
	"                     results are identical for every N\n"
	"      --select       require a \"select\" block (refuse an allocation)\n"
	"  -q, --quiet        print nothing but errors\n"
	"      --force        write into a folder holding files bssim did not\n"
	"                     write, or results of another kind\n"
	"  -h, --help         this help\n"
	"\n"
	"An allocation that cannot be improved is not an error: it is said, with\n"
	"the best paired interval found, and the exit status is 0.\n"
	"\n"
	"exit status: 0 success, 1 the work failed or was interrupted (nothing\n"
	"written), 2 bad usage or bad input (nothing written).\n";

struct opt_cli {
	const char *file, *outdir;
	unsigned jobs;
	int quiet, force, select;
};

static int parse(int argc, char **argv, struct opt_cli *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"jobs", required_argument, NULL, 'j'},
		{"select", no_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	uint64_t v;
	int ch, status;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((status = bs_cli_nonempty("optimize", "-o", optarg,
						      "an output folder")))
				return status;
			c->outdir = optarg;
			break;
		case 'j':
			if (bs_cli_uint(optarg, 1, 1024, &v))
				return bs_cli_usage("optimize",
						    "--jobs '%s': expected an integer from 1 to 1024",
						    optarg);
			c->jobs = (unsigned)v;
			break;
		case 'S':
			c->select = 1;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'F':
			c->force = 1;
			break;
		case 'h':
			if (!bs_cli_mute)
				fputs(OPTIMIZE_HELP, stdout);
			return -1;
		case ':':
		default:
			return bs_cli_bad_option("optimize", "optimize", ch, argv);
		}
	}
	return bs_cli_one_operand("optimize", argc, argv,
				  "FILE; usage: bssim optimize FILE [-o DIR] [--jobs N]",
				  "an optimise file", &c->file);
}

int bs_cmd_optimize(int argc, char **argv)
{
	struct opt_cli c;
	struct bs_optimize_opts oo;
	struct bs_optimize_outcome out;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	bs_optimize *o;
	int status, rc;

	status = parse(argc, argv, &c);
	if (status)
		return status < 0 ? BS_EXIT_OK : status;
	bs_error_clear(&err);
	if (!(o = bs_optimize_load(c.file, &err)))
		return bs_cli_fail(&err, 0);
	if (c.select && !bs_optimize_is_select(o)) {
		bs_optimize_free(o);
		return bs_cli_usage("optimize",
				    "--select: %s has no \"select\" block; expected an optimise file with \"select\": {\"scenarios\": [...], ...}",
				    c.file);
	}
	/* progress: allocations simulated of search.max_evaluations (an
	 * upper bound: the search usually stops sooner) */
	bs_cli_monitor(&mon, &watch, bs_optimize_name(o),
		       c.quiet || bs_optimize_is_select(o));
	bs_optimize_opts_init(&oo);
	oo.jobs = c.jobs;
	oo.force = c.force;
	oo.monitor = &mon;
	bs_cli_signals();
	rc = bs_optimize_run(o, c.outdir, &oo, &out, &err);
	bs_cli_watch_end(&watch);
	if (rc == BS_E_INTERRUPTED) {
		bs_cli_say("interrupted; nothing written");
		status = BS_EXIT_FAIL;
	} else if (rc) {
		status = bs_cli_fail(&err, rc);
	} else {
		if (!c.quiet) {
			/* the folder written: -o, or the library's out/<name> */
			fputs(out.text, stdout);
			if (c.outdir)
				printf("%.2f s -> %s/\n", out.wall_s, c.outdir);
			else
				printf("%.2f s -> out/%s/\n", out.wall_s,
				       bs_optimize_name(o));
		}
		status = BS_EXIT_OK;
	}
	bs_optimize_free(o);
	return status;
}
