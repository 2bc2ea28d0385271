/*
 * cmd_compare.c - `bssim compare A.json B.json` and `bssim compare --sweep
 * DIR P Q`: each metric's mean difference B - A with its paired 95%
 * interval (common random numbers: replication r of both sees the same
 * random streams), beside the unpaired interval for reference.
 *
 * The comparison itself is the library's (bs_compare, bs_compare_sweep);
 * this file parses the options and prints the table.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char COMPARE_HELP[] =
	"usage: bssim compare A.json B.json [options]\n"
	"       bssim compare DIR_A DIR_B [-o DIR] [--ward W] [--metrics LIST]\n"
	"       bssim compare --sweep DIR P Q [-o DIR] [--quiet]\n"
	"\n"
	"Each metric's mean difference B - A with its paired 95% confidence\n"
	"interval: replication r of both scenarios uses the same random\n"
	"streams (common random numbers), so the interval is built on the\n"
	"differences within replications. The unpaired (Welch) interval is\n"
	"shown beside it; their width ratio is what pairing buys. With --sweep,\n"
	"A and B are points P and Q of a finished sweep in DIR (no new runs);\n"
	"two folders are two finished runs (bssim run), paired from their\n"
	"replications.csv (no new runs).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR       also write DIR/compare.csv (every ward)\n"
	"      --seed N           base seed for both scenarios\n"
	"      --replications N   replications of both (1 to 10000)\n"
	"  -j, --jobs N           threads (default 1); results identical\n"
	"      --set KEY=VALUE    override a key in both scenarios (repeatable)\n"
	"      --ward NAME        print this ward instead of the whole network\n"
	"      --metrics LIST     print only these metrics, in this order\n"
	"                         (comma-separated, e.g. service_level,reach_level);\n"
	"                         compare.csv keeps every metric\n"
	"  -q, --quiet            print nothing but errors\n"
	"      --force            with -o: write into a folder holding files\n"
	"                         bssim did not write, or a run's or sweep's\n"
	"                         results\n"
	"  -h, --help             this help\n"
	"\n"
	"The scenarios must have the same seed and replications (else the\n"
	"pairs would not share random numbers), and so must two run folders.\n"
	"\n"
	"exit status: 0 success, 1 a run failed or cannot write, 2 bad usage,\n"
	"bad input, or two runs or scenarios that cannot be paired.\n";

struct cmp {
	const char *outdir, *ward, *sweepdir;
	char *metrics; /* --metrics: names separated by commas, or NULL */
	const char *a, *b; /* the scenarios, or the sweep's points */
	unsigned jobs;
	int quiet, force;
	struct bs_set *sets;
	size_t nset;
	char seedbuf[BS_CLI_NUMBUF], repbuf[BS_CLI_NUMBUF];
};

/* One row of the table: metric name of ward (NULL: whole network). Numbers
 * for people (bs_fmt_human): counts and yen grouped, the difference
 * rounded to its paired interval's second digit, shares to 3 significant
 * digits; compare.csv keeps every digit. */
static void print_row(const bs_comparison *cmp, const char *ward,
		      const char *name)
{
	struct bs_paired pr;
	char a[64], b[64], d[96], un[64], ratio[16];
	unsigned fl = bs_metric_is_share(name) ? BS_FMT_SHARE : 0;
	double pw, uw;

	if (bs_comparison_metric(cmp, ward, name, &pr, NULL))
		return;
	pw = pr.ci_hi - pr.ci_lo;
	uw = pr.un_hi - pr.un_lo;
	bs_fmt_human(pr.mean_a, (double)NAN, fl, a, sizeof(a));
	bs_fmt_human(pr.mean_b, (double)NAN, fl, b, sizeof(b));
	bs_fmt_human(pr.diff, isfinite(pw) ? pw / 2.0 : (double)NAN,
		     fl | BS_FMT_SIGN, d, sizeof(d));
	if (isfinite(uw)) {
		/* "± 15,000": the half-width as the paired one is shown */
		char t[64];
		bs_fmt_human(0.0, uw / 2.0, fl, t, sizeof(t));
		snprintf(un, sizeof(un), "%s", strstr(t, "\xc2\xb1") ? strstr(t, "\xc2\xb1") : t);
	} else {
		snprintf(un, sizeof(un), "-");
	}
	if (pw > 0.0 && isfinite(uw))
		snprintf(ratio, sizeof(ratio), "%.1f", uw / pw);
	else if (pw == 0.0 && uw > 0.0)
		snprintf(ratio, sizeof(ratio), "inf");
	else
		snprintf(ratio, sizeof(ratio), "-");
	printf("%-20s ", name);
	bs_fmt_pad(stdout, a, 13);
	fputc(' ', stdout);
	bs_fmt_pad(stdout, b, 13);
	fputs("  ", stdout);
	bs_fmt_pad(stdout, d, 26);
	fputs("  ", stdout);
	bs_fmt_pad(stdout, un, 17);
	printf(" %6s\n", ratio);
}

/* Is every name of the comma-separated list a metric? 0, or the usage
 * message and BS_EXIT_USAGE. O(names x metrics). */
static int check_metrics(const char *list)
{
	const char *p = list;

	for (;;) {
		size_t l = strcspn(p, ","), m;
		for (m = 0; m < bs_metric_count(); m++)
			if (strlen(bs_metric_name(m)) == l &&
			    !strncmp(bs_metric_name(m), p, l))
				break;
		if (m == bs_metric_count())
			return bs_cli_usage("compare",
					    "--metrics '%s': '%.*s' is not a metric; expected names from docs/outputs.md separated by commas, e.g. service_level,reach_level",
					    list, (int)l, p);
		if (!p[l])
			return 0;
		p += l + 1;
	}
}

/* The table of ward w (NULL: the whole network): every metric, or the
 * listed ones (checked by check_metrics). */
static void print_table(const bs_comparison *cmp, const char *ward,
			char *metrics)
{
	size_t m;

	printf("A: %s\nB: %s\n", bs_comparison_label(cmp, 0),
	       bs_comparison_label(cmp, 1));
	printf("%u paired replications (common random numbers); %s%s, per simulated day\n\n",
	       bs_comparison_replications(cmp), ward ? "ward " : "whole network",
	       ward ? ward : "");
	printf("%-20s %13s %13s  ", "metric", "A", "B");
	bs_fmt_pad(stdout, "B - A \xc2\xb1 paired 95% CI", 26);
	printf("  %17s %6s\n", "unpaired 95% CI", "ratio");
	if (metrics) {
		char *save = NULL, *name;
		for (name = strtok_r(metrics, ",", &save); name;
		     name = strtok_r(NULL, ",", &save))
			print_row(cmp, ward, name);
		return;
	}
	for (m = 0; m < bs_metric_count(); m++)
		print_row(cmp, ward, bs_metric_name(bs_cli_metric_at(m)));
}

/* ---- the command ------------------------------------------------------------- */

/* The options into c: 0, -1 after --help, or an exit status after
 * printing. */
static int parse(int argc, char **argv, struct cmp *c)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 'S'},
		{"replications", required_argument, NULL, 'R'},
		{"jobs", required_argument, NULL, 'j'},
		{"set", required_argument, NULL, 's'},
		{"ward", required_argument, NULL, 'w'},
		{"metrics", required_argument, NULL, 'M'},
		{"sweep", required_argument, NULL, 'W'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	uint64_t v;
	int ch, status;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	c->sets = calloc((size_t)argc + 2, sizeof(*c->sets));
	if (!c->sets)
		return bs_cli_nomem("compare", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((status = bs_cli_nonempty("compare", "-o", optarg,
						      "an output folder")))
				goto out;
			c->outdir = optarg;
			break;
		case 'S':
			if ((status = bs_cli_set_number("compare", "--seed", "seed", optarg, 0,
							9007199254740991ull, c->seedbuf,
							&c->sets[c->nset])))
				goto out;
			c->nset++;
			break;
		case 'R':
			if ((status = bs_cli_set_number("compare", "--replications",
							"replications", optarg, 1, 10000,
							c->repbuf, &c->sets[c->nset])))
				goto out;
			c->nset++;
			break;
		case 'j':
			if (bs_cli_uint(optarg, 1, 1024, &v)) {
				status = bs_cli_usage("compare",
						      "--jobs '%s': expected an integer from 1 to 1024",
						      optarg);
				goto out;
			}
			c->jobs = (unsigned)v;
			break;
		case 's':
			if (bs_cli_override(optarg, &c->sets[c->nset])) {
				status = bs_cli_usage("compare",
						      "--set '%s': expected KEY=VALUE, e.g. --set fleet.bikes=1200",
						      optarg);
				goto out;
			}
			c->nset++;
			break;
		case 'w':
			if ((status = bs_cli_nonempty("compare", "--ward", optarg,
						      "a ward name")))
				goto out;
			c->ward = optarg;
			break;
		case 'M':
			if ((status = check_metrics(optarg)))
				goto out;
			c->metrics = optarg;
			break;
		case 'W':
			if ((status = bs_cli_nonempty("compare", "--sweep", optarg,
						      "a sweep's output folder")))
				goto out;
			c->sweepdir = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'F':
			c->force = 1;
			break;
		case 'h':
			fputs(COMPARE_HELP, stdout);
			status = -1;
			goto out;
		case ':':
		default:
			status = bs_cli_bad_option("compare", "compare", ch, argv);
			goto out;
		}
	}
	if (argc - optind == 2 &&
	    (status = bs_cli_operands("compare", argv + optind, 2,
				      c->sweepdir ? "a point number"
					       : "a scenario file")))
		goto out;
	if (argc - optind != 2) {
		status = bs_cli_usage("compare",
				      c->sweepdir ? "expected two point numbers: bssim compare --sweep DIR P Q"
					       : "expected two scenario files: bssim compare A.json B.json");
		goto out;
	}
	c->a = argv[optind];
	c->b = argv[optind + 1];
	return 0;
out:
	free(c->sets);
	c->sets = NULL;
	return status;
}

static int is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Two finished run folders, paired from their replications.csv (no new
 * runs): NULL with err filled when they cannot be. */
static bs_comparison *compare_runs(const struct cmp *c, struct bs_error *err)
{
	bs_result *ra = NULL, *rb = NULL;
	bs_comparison *cmp = NULL;

	if ((ra = bs_result_open(c->a, err)) && (rb = bs_result_open(c->b, err)))
		cmp = bs_compare_results(ra, rb, err);
	bs_result_free(ra);
	bs_result_free(rb);
	return cmp;
}

int bs_cmd_compare(int argc, char **argv)
{
	struct cmp c;
	bs_scenario *sa = NULL, *sb = NULL;
	bs_comparison *cmp = NULL;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	int status;

	memset(&c, 0, sizeof(c));
	if ((status = parse(argc, argv, &c)))
		return status < 0 ? BS_EXIT_OK : status;
	bs_error_clear(&err);
	if (c.outdir && bs_folder_check(c.outdir, "compare", c.force, &err)) {
		/* refused now rather than after running both scenarios */
		status = bs_cli_fail(&err, 0);
		goto out;
	}
	bs_cli_monitor(&mon, &watch, "compare", c.quiet);
	if (c.sweepdir) {
		if (c.nset) {
			status = bs_cli_usage("compare",
					      "--set, --seed and --replications do not apply to --sweep (the points are already run)");
			goto out;
		}
		cmp = bs_compare_sweep(c.sweepdir, c.a, c.b, &err);
	} else if (is_dir(c.a) != is_dir(c.b)) {
		/* one folder, one not: say which is which, not that the
		 * folder is no scenario file */
		const char *dir = is_dir(c.a) ? c.a : c.b,
			   *other = is_dir(c.a) ? c.b : c.a;
		status = bs_cli_usage("compare",
				      "%s is a run folder and %s is not (%s); expected two run folders or two scenario files",
				      dir, other,
				      access(other, F_OK) ? "no such file or folder" : "a file");
		goto out;
	} else if (is_dir(c.a) && is_dir(c.b)) {
		if (c.nset) {
			status = bs_cli_usage("compare",
					      "--set, --seed and --replications do not apply to run folders (the runs are already made)");
			goto out;
		}
		cmp = compare_runs(&c, &err);
	} else {
		struct bs_run_opts ro;
		if (!(sa = bs_scenario_load(c.a, c.sets, c.nset, &err)) ||
		    !(sb = bs_scenario_load(c.b, c.sets, c.nset, &err))) {
			status = bs_cli_fail(&err, 0);
			goto out;
		}
		bs_run_opts_init(&ro);
		ro.jobs = c.jobs;
		ro.monitor = &mon;
		bs_cli_signals();
		cmp = bs_compare(sa, sb, &ro, &err);
		bs_cli_watch_end(&watch);
	}
	if (!cmp) {
		status = bs_cli_fail(&err, 0);
		goto out;
	}
	if (c.ward) {
		size_t w;
		for (w = 0; w < bs_comparison_nwards(cmp); w++)
			if (!strcmp(bs_comparison_ward(cmp, w), c.ward))
				break;
		if (w == bs_comparison_nwards(cmp)) {
			status = bs_cli_usage("compare",
					      "--ward '%s': not a ward of both scenarios%s",
					      c.ward,
					      bs_comparison_nwards(cmp)
						      ? ""
						      : " (their wards differ: only the whole network compares)");
			goto out;
		}
	}
	if (c.outdir) {
		int rc = bs_comparison_write(cmp, c.outdir, c.force, &mon, &err);
		if (rc) {
			status = bs_cli_fail(&err, rc);
			goto out;
		}
		if (bs_cli_interrupted()) {
			bs_cli_say("interrupted while writing: %s/compare.csv is complete",
				   c.outdir);
			status = BS_EXIT_FAIL;
			goto out;
		}
	}
	if (!c.quiet)
		print_table(cmp, c.ward, c.metrics);
	status = BS_EXIT_OK;
out:
	bs_comparison_free(cmp);
	bs_scenario_free(sa);
	bs_scenario_free(sb);
	free(c.sets);
	return status;
}
