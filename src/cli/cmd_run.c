/*
 * cmd_run.c - `bssim run SCENARIO.json [-o DIR] [--seed N]
 * [--replications N] [--jobs N] [--set KEY=VALUE]... [--quiet]`, and
 * `bssim run --again DIR [-o NEW]`: a finished run again from its folder.
 *
 * Order of work: read and check every input first (exit 2 on bad input,
 * nothing written), make sure the output folder is writable (exit 1 before
 * a long run, not after), run, then write all files at once.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char RUN_HELP[] =
	"usage: bssim run SCENARIO.json [options]\n"
	"       bssim run --again DIR [-o NEW] [--jobs N] [--force] [--quiet]\n"
	"\n"
	"Run the scenario's replications and write summary.json,\n"
	"replications.csv, stations.csv, timeseries.csv, flows.csv (and\n"
	"trips.csv when output.trips is true, stations.geojson when\n"
	"output.geojson is true, days.csv when output.days is true: by\n"
	"default in runs over 31 days; NAME.csv.gz with output.gzip) into the\n"
	"output folder. summary.json records every input file read, by\n"
	"sha256 (\"inputs\") and absolute path (\"run\".\"inputs\").\n"
	"\n"
	"With --again DIR, run the finished run in DIR again: its resolved\n"
	"scenario as summary.json recorded it (the --set overrides, seed and\n"
	"replications it was run with), each input read at its recorded\n"
	"absolute path and refused when its sha256 changed. The scenario file\n"
	"is not read (it may have moved). The results go to a new folder, NEW\n"
	"(default: DIR-again), never to DIR, and are the same bytes as DIR's\n"
	"but for summary.json's \"run\".\n"
	"\n"
	"options:\n"
	"  -o, --output DIR       output folder (default: out/<scenario name>;\n"
	"                         with --again, DIR-again)\n"
	"      --again DIR        run the finished run in DIR again (above);\n"
	"                         no SCENARIO, --set, --seed, --replications\n"
	"                         or --geojson: it runs what DIR recorded\n"
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
	"      --progress[=S]     a progress line on stderr every S seconds\n"
	"                         (default 10) and one at the end, also when\n"
	"                         stderr is a log file: replications done,\n"
	"                         simulated days, elapsed, time left (without\n"
	"                         it: a bar when stderr is a terminal)\n"
	"  -q, --quiet            print nothing but errors\n"
	"      --paranoid         check after every event that every bike is\n"
	"                         docked or riding exactly once (several times\n"
	"                         slower, same results; for bug reports)\n"
	"      --force            write into a folder holding files bssim did not\n"
	"                         write, or another command's results (a\n"
	"                         sweep's); refused otherwise: see docs/outputs.md;\n"
	"                         with --again, also rerun with inputs whose\n"
	"                         sha256 changed (a note names each)\n"
	"  -h, --help             this help\n"
	"\n"
	"One bssim writes into a folder at a time: another one is refused at\n"
	"once (exit status 1). An interrupt (Ctrl-C) stops the replications and\n"
	"writes the finished ones; one while the results are written lets the\n"
	"write finish, and says so.\n"
	"\n"
	"exit status: 0 success, 1 the run failed or was interrupted,\n"
	"2 bad usage or bad input (then nothing is written); with --again\n"
	"also 2 when DIR is not a finished run's folder, its summary.json is\n"
	"malformed or an input is missing or changed (naming the file and\n"
	"both sha256).\n";

struct run_cli {
	const char *scenario;
	const char *again; /* --again DIR */
	const char *outdir;
	unsigned jobs;
	int quiet;
	int force;
	int paranoid;
	double progress; /* --progress: seconds between lines; 0: off */
	struct bs_set *sets;
	size_t nset;
	char seedbuf[BS_CLI_NUMBUF], repbuf[BS_CLI_NUMBUF];
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
		{"again", required_argument, NULL, 'A'},
		{"progress", optional_argument, NULL, 'p'},
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
			if (bs_cli_set_number("run", "--seed", "seed", optarg, 0,
					      9007199254740991ull, c->seedbuf,
					      &c->sets[c->nset]))
				return BS_EXIT_USAGE;
			c->nset++;
			break;
		case 'R':
			if (bs_cli_set_number("run", "--replications", "replications", optarg,
					      1, 10000, c->repbuf, &c->sets[c->nset]))
				return BS_EXIT_USAGE;
			c->nset++;
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
		case 'p':
			if (bs_cli_progress_arg(optarg, &c->progress))
				return bs_cli_usage("run",
						    "--progress='%s': expected seconds between progress lines, more than 0 and at most 86400",
						    optarg);
			break;
		case 'G':
			c->sets[c->nset].key = "output.geojson";
			c->sets[c->nset++].value = "true";
			break;
		case 'A':
			if (bs_cli_nonempty("run", "--again", optarg,
					    "the folder of a finished run"))
				return BS_EXIT_USAGE;
			c->again = optarg;
			break;
		case 'h':
			fputs(RUN_HELP, stdout);
			return -1; /* done: exit 0 (stdout checked by main) */
		case ':':
		default:
			return bs_cli_bad_option("run", "run", ch, argv);
		}
	}
	if (c->again) {
		if (optind < argc)
			return bs_cli_usage("run", "unexpected argument '%s': --again runs what %s recorded, not a scenario file",
					    argv[optind], c->again);
		if (c->nset)
			return bs_cli_usage("run", "--again runs the scenario %s recorded as it was; --set, --seed, --replications and --geojson cannot change it (run the scenario file with them instead)",
					    c->again);
		return 0;
	}
	return bs_cli_one_operand("run", argc, argv,
				  "SCENARIO.json; usage: bssim run SCENARIO.json [-o DIR] [options]",
				  "a scenario file", &c->scenario);
}

/* The folder a rerun writes by default: DIR-again (DIR without its
 * trailing slashes), into buf; NULL when DIR has no name of its own
 * (".", "/"): then -o must say. */
static const char *again_folder(const char *dir, char *buf, size_t sz)
{
	size_t n = strlen(dir);
	const char *base;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (base = dir + n; base > dir && base[-1] != '/'; base--)
		;
	if ((size_t)(base - dir) == n || (dir + n - base == 1 && *base == '.') ||
	    (dir + n - base == 2 && !strncmp(base, "..", 2)))
		return NULL;
	if ((size_t)snprintf(buf, sz, "%.*s-again", (int)n, dir) >= sz)
		return NULL;
	return buf;
}

/* Whether a and b name the same existing folder (a rerun never writes
 * over the run it reproduces: with --force and a changed input that would
 * lose the original). */
static int same_folder(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The scenario of --again DIR, and the folder it goes to (c->outdir set
 * when it was not); NULL with the error printed and *status set. */
static bs_scenario *load_again(struct run_cli *c, char *buf, size_t sz,
			       int *status)
{
	struct bs_warnings notes;
	struct bs_error err;
	bs_scenario *sc;

	if (!c->outdir && !(c->outdir = again_folder(c->again, buf, sz))) {
		*status = bs_cli_usage("run", "--again '%s': give the new folder with -o (the default, DIR-again, needs a folder name)",
				       c->again);
		return NULL;
	}
	if (same_folder(c->outdir, c->again)) {
		*status = bs_cli_usage("run", "-o '%s' is the folder --again reruns; expected a new folder (default: %s-again)",
				       c->outdir, c->again);
		return NULL;
	}
	memset(&notes, 0, sizeof(notes));
	bs_error_clear(&err);
	if (!(sc = bs_scenario_again(c->again, c->force, &notes, &err))) {
		*status = bs_cli_fail(&err, 0);
		return NULL;
	}
	if (!c->quiet)
		bs_cli_notes(&notes);
	return sc;
}

/* A few headline metrics, for a glance at the terminal. */
static void print_headline(const bs_result *res)
{
	static const char *const M[] = {"trips_requested", "service_level",
					"cross_ward_trips", "empty_station_frac",
					"full_station_frac", "revenue_yen"};
	size_t i;

	for (i = 0; i < sizeof(M) / sizeof(M[0]); i++) {
		struct bs_stat st;
		char cell[96];
		if (bs_result_metric(res, NULL, M[i], &st, NULL))
			continue;
		/* for people: grouped counts and yen, 3 digits of a share,
		 * the half-width of the 95% interval (the files keep every
		 * digit) */
		bs_fmt_human(st.mean,
			     st.n >= 2 ? (st.ci_hi - st.ci_lo) / 2.0 : (double)NAN,
			     bs_metric_is_share(M[i]) ? BS_FMT_SHARE : 0, cell,
			     sizeof(cell));
		printf("  %-20s ", M[i]);
		bs_fmt_pad(stdout, cell, 24);
		printf("%s\n", st.n >= 2 ? "  (95% CI)" : "");
	}
}

/* The keys given that this scenario does not use, as check lists them:
 * one line on stderr, so that a typo'd intention (a rate for the gravity
 * model) does not pass silently in a run either. O(keys). */
static void warn_unused(const bs_scenario *sc)
{
	const char *const *keys;
	size_t i, n = bs_scenario_unused(sc, &keys);
	char line[1024];
	size_t l = 0;

	if (!n)
		return;
	for (i = 0; i < n && l < sizeof(line); i++)
		l += (size_t)snprintf(line + l, sizeof(line) - l, "%s%s",
				      i ? ", " : "", keys[i]);
	bs_cli_say("warning: given but not used by this scenario: %s", line);
}

/* A resolved number of the scenario (NaN when absent). */
static double number_of(const bs_scenario *sc, const char *key)
{
	char *v = bs_scenario_get(sc, key);
	double x = v ? strtod(v, NULL) : (double)NAN;

	bs_free(v);
	return x;
}

int bs_cmd_run(int argc, char **argv)
{
	struct run_cli c;
	struct bs_error err;
	struct bs_run_opts ro;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	bs_scenario *sc = NULL;
	bs_result *res = NULL;
	uint32_t ndone;
	double days;
	int rc, status;
	char againbuf[4096];

	bs_error_clear(&err);
	if ((status = parse(argc, argv, &c)) != 0) {
		free(c.sets);
		return status < 0 ? BS_EXIT_OK : status;
	}
	if (c.again) {
		if (!(sc = load_again(&c, againbuf, sizeof(againbuf), &status)))
			goto out;
	} else if (!(sc = bs_scenario_load(c.scenario, c.sets, c.nset, &err))) {
		status = bs_cli_fail(&err, 0);
		goto out;
	}
	if ((rc = bs_scenario_check(sc, &err))) {
		status = bs_cli_fail(&err, 0);
		goto out;
	}
	if (!c.quiet) {
		bs_cli_notes(bs_scenario_notes(sc));
		bs_cli_warnings(bs_scenario_warnings(sc));
		warn_unused(sc);
	}
	bs_cli_monitor(&mon, &watch, bs_scenario_name(sc), c.quiet);
	bs_cli_watch_lines(&watch, c.progress,
			   number_of(sc, "horizon.days") *
				   number_of(sc, "replications"),
			   "replications", c.quiet);
	bs_run_opts_init(&ro);
	ro.jobs = c.jobs;
	ro.paranoid = c.paranoid;
	ro.force = c.force;
	ro.monitor = &mon;
	bs_cli_signals();
	rc = bs_run_to(sc, c.outdir, &ro, &res, &err);
	bs_cli_watch_end(&watch);
	if (rc && rc != BS_E_INTERRUPTED) {
		/* claiming the folder is usage (2); the run itself 1 */
		status = bs_cli_fail(&err, rc);
		goto out;
	}
	if (rc == BS_E_INTERRUPTED && !res) {
		bs_cli_error(&err); /* nothing had finished: nothing written */
		status = BS_EXIT_FAIL;
		goto out;
	}
	ndone = bs_result_replications(res);
	if (rc == BS_E_INTERRUPTED) {
		bs_cli_say("interrupted: wrote the %u complete replication%s of %u to %s (run.interrupted is true in summary.json)",
			   ndone, ndone == 1 ? "" : "s",
			   bs_result_replications_requested(res),
			   bs_result_dir(res));
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: the %u replications are written to %s",
			   ndone, bs_result_dir(res));
		status = BS_EXIT_FAIL;
		goto out;
	}
	if (!c.quiet) {
		uint32_t runs;
		double resid;
		if (bs_result_demand_response(res, &runs, &resid) == 0)
			bs_cli_say("demand response: converged in %u run%s, residual %.4g (tolerance %g)",
				   runs, runs == 1 ? "" : "s", resid,
				   number_of(sc, "demand.response.tolerance"));
		days = number_of(sc, "horizon.days");
		printf("%s: %u replication%s of %g day%s (%g measured) in %.2f s -> %s/\n",
		       bs_scenario_name(sc), ndone, ndone == 1 ? "" : "s", days,
		       days == 1.0 ? "" : "s", bs_result_days(res),
		       bs_result_wall_s(res), bs_result_dir(res));
		print_headline(res);
	}
	status = BS_EXIT_OK;
out:
	bs_result_free(res);
	bs_scenario_free(sc);
	free(c.sets);
	return status;
}
