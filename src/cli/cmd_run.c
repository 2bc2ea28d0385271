/*
 * cmd_run.c - `bssim run SCENARIO.json [-o DIR] [--seed N]
 * [--replications N] [--jobs N] [--set KEY=VALUE]... [--quiet]`.
 *
 * Order of work: read and check every input first (exit 2 on bad input,
 * nothing written), make sure the output folder is writable (exit 1 before
 * a long run, not after), run, then write all files at once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats/metrics.h"
#include "output/output.h"
#include "exp/runner.h"
#include "input/scenario.h"
#include "calib/world.h"
#include "cli.h"

static const char RUN_HELP[] =
	"usage: bssim run SCENARIO.json [options]\n"
	"\n"
	"Run the scenario's replications and write summary.json,\n"
	"replications.csv, stations.csv, timeseries.csv, flows.csv (and\n"
	"trips.csv when output.trips is true, stations.geojson when\n"
	"output.geojson is true) into the output folder.\n"
	"\n"
	"options:\n"
	"  -o, --output DIR       output folder (default: out/<scenario name>)\n"
	"      --seed N           base seed (overrides the scenario's seed)\n"
	"      --replications N   number of replications (1 to 10000)\n"
	"  -j, --jobs N           run replications on N threads (default 1);\n"
	"                         results are identical for every N\n"
	"      --set KEY=VALUE    override a scenario key by its dotted path,\n"
	"                         e.g. --set fleet.bikes=1200; VALUE is JSON\n"
	"                         when it parses as JSON, else a string;\n"
	"                         KEY=null removes the key (repeatable)\n"
	"      --geojson          also write stations.geojson (the same as\n"
	"                         --set output.geojson=true)\n"
	"  -q, --quiet            print nothing but errors\n"
	"      --paranoid         check after every event that every bike is\n"
	"                         docked or riding exactly once (several times\n"
	"                         slower, same results; for bug reports)\n"
	"      --force            write into a folder holding files bssim did not\n"
	"                         write, or another command's results (a\n"
	"                         sweep's); refused otherwise: see docs/outputs.md\n"
	"  -h, --help             this help\n"
	"\n"
	"One bssim writes into a folder at a time: another one is refused at\n"
	"once (exit status 1). An interrupt (Ctrl-C) stops the replications and\n"
	"writes the finished ones; one while the results are written lets the\n"
	"write finish, and says so.\n"
	"\n"
	"exit status: 0 success, 1 the run failed or was interrupted,\n"
	"2 bad usage or bad input (then nothing is written).\n";

struct run_cli {
	const char *scenario;
	const char *outdir;
	unsigned jobs;
	int quiet;
	int force;
	int paranoid;
	struct bs_set *sets;
	size_t nset;
	char seedbuf[32], repbuf[32];
};

static int parse(int argc, char **argv, struct run_cli *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 'S'},
		{"replications", required_argument, NULL, 'R'},
		{"jobs", required_argument, NULL, 'j'},
		{"set", required_argument, NULL, 's'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{"paranoid", no_argument, NULL, 'P'},
		{"geojson", no_argument, NULL, 'G'},
		{NULL, 0, NULL, 0}};
	int ch;
	uint64_t v;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	c->sets = calloc((size_t)argc + 2, sizeof(*c->sets));
	if (!c->sets)
		return bs_cli_nomem("run", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (bs_cli_nonempty("run", "-o", optarg, "an output folder"))
				return BS_EXIT_USAGE;
			c->outdir = optarg;
			break;
		case 'S':
			if (bs_cli_uint(optarg, 0, 9007199254740991ull, &v))
				return bs_cli_usage("run",
						    "--seed '%s': expected an integer from 0 to 9007199254740991",
						    optarg);
			snprintf(c->seedbuf, sizeof(c->seedbuf), "%llu",
				 (unsigned long long)v);
			c->sets[c->nset].key = "seed";
			c->sets[c->nset++].value = c->seedbuf;
			break;
		case 'R':
			if (bs_cli_uint(optarg, 1, 10000, &v))
				return bs_cli_usage("run",
						    "--replications '%s': expected an integer from 1 to 10000",
						    optarg);
			snprintf(c->repbuf, sizeof(c->repbuf), "%llu",
				 (unsigned long long)v);
			c->sets[c->nset].key = "replications";
			c->sets[c->nset++].value = c->repbuf;
			break;
		case 'j':
			if (bs_cli_uint(optarg, 1, 1024, &v))
				return bs_cli_usage("run",
						    "--jobs '%s': expected an integer from 1 to 1024",
						    optarg);
			c->jobs = (unsigned)v;
			break;
		case 's':
			if (bs_cli_override(optarg, &c->sets[c->nset]))
				return bs_cli_usage("run",
						    "--set '%s': expected KEY=VALUE, e.g. --set fleet.bikes=1200",
						    optarg);
			c->nset++;
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
		case 'G':
			c->sets[c->nset].key = "output.geojson";
			c->sets[c->nset++].value = "true";
			break;
		case 'h':
			fputs(RUN_HELP, stdout);
			return -1; /* done: exit 0 (stdout checked by main) */
		case ':':
			return bs_cli_usage("run", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("run",
					    "unknown option '%s'; see bssim run --help",
					    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bs_cli_usage("run",
				    "missing SCENARIO.json; usage: bssim run SCENARIO.json [-o DIR] [options]");
	if (optind + 1 < argc)
		return bs_cli_usage("run",
				    "unexpected argument '%s'; expected one scenario file",
				    argv[optind + 1]);
	if (bs_cli_operands("run", argv + optind, 1, "a scenario file"))
		return BS_EXIT_USAGE;
	c->scenario = argv[optind];
	return 0;
}

struct prog_ctx {
	struct bs_progress pr;
	uint32_t done; /* replications finished so far */
};

/* Serialised by the runner: a test point per finished replication. */
static void on_progress(void *ud, uint32_t done, uint32_t total, double frac)
{
	struct prog_ctx *pc = ud;

	bs_progress_update(&pc->pr, done, total, frac);
}

/* A few headline metrics, for a glance at the terminal. */
static void print_headline(const struct bs_summary *s,
			   const struct bs_network *net)
{
	static const int M[] = {BS_M_TRIPS_REQUESTED, BS_M_SERVICE_LEVEL,
				BS_M_CROSS_WARD_TRIPS, BS_M_EMPTY_STATION_FRAC,
				BS_M_FULL_STATION_FRAC, BS_M_REVENUE_YEN};
	size_t i;

	(void)net;
	for (i = 0; i < sizeof(M) / sizeof(M[0]); i++) {
		const struct bs_stat *st = bs_summary_stat(s, s->nwards, M[i]);
		if (st->n >= 2)
			printf("  %-20s %14.4g  (95%% CI %.4g .. %.4g)\n",
			       bs_metric_names[M[i]], st->mean, st->ci_lo,
			       st->ci_hi);
		else
			printf("  %-20s %14.4g\n", bs_metric_names[M[i]],
			       st->mean);
	}
}

int bs_cmd_run(int argc, char **argv)
{
	struct run_cli c;
	struct bs_error err;
	struct bs_scenario *sc = NULL;
	struct bs_world *w = NULL;
	struct bs_rep_result **reps = NULL;
	struct bs_summary *sum = NULL;
	struct bs_trips *trips = NULL;
	struct bs_runner_opts ro;
	struct bs_run_info info;
	struct prog_ctx pc;
	struct bs_outdir od = {NULL, -1};
	const char *names[8];
	char outbuf[1024];
	const char *outdir;
	uint32_t ndone = 0, r;
	int rc, status;
	time_t now;
	struct tm tm;

	bs_error_clear(&err);
	if ((status = parse(argc, argv, &c)) != 0) {
		free(c.sets);
		return status < 0 ? BS_EXIT_OK : status;
	}
	sc = bs_scenario_load(c.scenario, c.sets, c.nset, &err);
	if (!sc)
		goto input_error;
	w = bs_world_build(sc, &err);
	if (!w)
		goto input_error;
	if (!c.quiet)
		bs_cli_warnings(&w->warn);
	if (c.outdir) {
		outdir = c.outdir;
	} else {
		snprintf(outbuf, sizeof(outbuf), "out/%s", sc->name);
		outdir = outbuf;
	}
	/* Before the run, so that a long run does not end in a refusal:
	 * every file it will replace is a regular file, and the folder is
	 * claimed and locked (held until the commit is done). */
	if ((rc = bs_output_check_names(outdir, names,
					bs_output_run_names(sc, names), &err)) ||
	    (rc = bs_outdir_open(&od, outdir, BS_KIND_RUN, c.force, &err))) {
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto out;
	}
	if (sc->p.trips_log) {
		trips = bs_trips_new(outdir, w->net, sc->p.replications, &err);
		if (!trips) {
			bs_cli_error(&err);
			status = BS_EXIT_FAIL;
			goto out;
		}
	}
	reps = calloc(sc->p.replications, sizeof(*reps));
	if (!reps) {
		bs_cli_nomem("run", "out of memory");
		status = BS_EXIT_FAIL;
		goto out;
	}

	memset(&info, 0, sizeof(info));
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(info.started_utc, sizeof(info.started_utc),
		 "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(info.host, sizeof(info.host) - 1))
		bs_strlcpy(info.host, "unknown", sizeof(info.host));
	info.jobs = c.jobs;
	info.requested_reps = sc->p.replications;

	memset(&ro, 0, sizeof(ro));
	ro.jobs = c.jobs;
	ro.nreps = sc->p.replications;
	ro.paranoid = c.paranoid;
	ro.stop = &bs_cli_stop;
	bs_progress_init(&pc.pr, sc->name, c.quiet);
	pc.done = 0;
	ro.progress = on_progress;
	ro.progress_ud = &pc;
	if (trips) {
		ro.rep_begin = bs_trips_begin;
		ro.rep_end = bs_trips_end;
		ro.rep_ud = trips;
	}
	bs_cli_signals();
	rc = bs_run_replications(&w->model, &ro, reps, &ndone, &err);
	bs_progress_end(&pc.pr);
	info.wall_s = bs_cli_now() - pc.pr.t0;
	if (rc && rc != BS_E_INTERRUPTED) {
		/* a trip log that could not be written says which and why */
		if (trips)
			bs_trips_error(trips, &err);
		bs_cli_error(&err);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (rc == BS_E_INTERRUPTED) {
		if (ndone == 0) {
			bs_cli_say("interrupted before any replication finished; nothing written");
			status = BS_EXIT_FAIL;
			goto out;
		}
		info.interrupted = 1;
	}
	sum = bs_summary_new(w->net, reps, ndone);
	if (!sum) {
		bs_cli_nomem("run", "out of memory summarising");
		status = BS_EXIT_FAIL;
		goto out;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	bs_cli_write_begin("%u replication%s", ndone, ndone == 1 ? "" : "s");
	rc = bs_output_write_run(outdir, sc, w->net, w->warn.count, sum, reps, ndone, &info, trips,
				 &err);
	if (bs_cli_write_end() && !rc && !info.interrupted) {
		bs_cli_say("interrupted while writing: the %u replications are written to %s",
			   ndone, outdir);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (rc) {
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto out;
	}
	if (info.interrupted) {
		bs_cli_say("interrupted: wrote the %u complete replication%s of %u to %s (run.interrupted is true in summary.json)",
			   ndone, ndone == 1 ? "" : "s", sc->p.replications,
			   outdir);
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (!c.quiet) {
		printf("%s: %u replication%s of %g day%s (%g measured) in %.2f s -> %s/\n",
		       sc->name, ndone, ndone == 1 ? "" : "s", sc->p.days,
		       sc->p.days == 1.0 ? "" : "s",
		       sc->p.days - sc->p.warmup_days, info.wall_s, outdir);
		print_headline(sum, w->net);
	}
	status = BS_EXIT_OK;
	goto out;
input_error:
	bs_cli_error(&err);
	status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
out:
	if (reps)
		for (r = 0; r < (sc ? sc->p.replications : 0); r++)
			bs_rep_result_free(reps[r]);
	free(reps);
	bs_summary_free(sum);
	bs_trips_free(trips);
	bs_outdir_close(&od); /* the lock, after the last file */
	bs_world_free(w);
	bs_scenario_free(sc);
	free(c.sets);
	return status;
}
