/*
 * cmd_show.c - `bssim show DIR... [--ward W]`: the metrics of finished
 * runs side by side, read from each folder's summary.json (what `make
 * demo` prints), interrupted runs flagged; a sweep's folder as one line
 * per point.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char SHOW_HELP[] =
	"usage: bssim show DIR [DIR...] [options]\n"
	"\n"
	"Print the metrics of one or more finished runs side by side: the mean\n"
	"over replications and the half-width of its 95% confidence interval\n"
	"(mean ± half-width; counts and yen rounded to the interval's second\n"
	"digit, shares to 3 significant digits: the files keep every digit).\n"
	"Columns are headed by the scenario names, or by the folders when two\n"
	"runs share a name. A sweep's folder prints one line per point with its\n"
	"headline metrics, and a designed sweep's then its sensitivity indices\n"
	"of those metrics. A run that was interrupted is flagged under its\n"
	"column (its replications are fewer than asked).\n"
	"\n"
	"options:\n"
	"      --ward W   the metrics of ward W (default: all, the whole network)\n"
	"  -h, --help     this help\n"
	"\n"
	"exit status: 0 success, 2 bad usage or a folder that holds no\n"
	"finished run or sweep.\n";

static const char *run_name(const bs_result *r, const char *dir)
{
	const char *name = bs_result_name(r);

	return name ? name : dir;
}

/* The metrics shown for each point of a sweep (a line is 120 columns). */
static const char *const SWEEP_COLS[] = {"service_level", "reach_level",
					 "trips_requested",
					 "empty_station_frac", "revenue_yen"};
#define NSWEEP_COLS (sizeof(SWEEP_COLS) / sizeof(SWEEP_COLS[0]))

/* "mean +- half-width" of a statistic, or "-" when undefined. */
/* A metric's mean ± half-width for people (bs_fmt_human); "-" for none. */
static void cell_of(char *cell, size_t sz, const char *metric, double mean,
		    double lo, double hi)
{
	bs_fmt_human(mean, (hi - lo) / 2.0,
		     bs_metric_is_share(metric) ? BS_FMT_SHARE : 0, cell, sz);
}

/* The last k comma-separated fields of a sweep.csv line, cut in place:
 * they are plain (metric, ward and numbers); only the varied values
 * before them may be quoted. 0, or -1 when the line has fewer. */
static int last_fields(char *line, char **f, int k)
{
	char *p = line + strlen(line);

	while (k > 0) {
		char *c = p;
		while (c > line && c[-1] != ',')
			c--;
		f[--k] = c;
		if (c == line)
			return k ? -1 : 0;
		c[-1] = '\0';
		p = c - 1;
	}
	return 0;
}

/* A designed sweep's indices of the ward for the metrics of the table,
 * from sweep_sensitivity.csv (its first nine columns; one pass). Nothing
 * for a cartesian sweep. */
static void show_sensitivity(const char *dir, const bs_sweep *sw,
			     const char *ward)
{
	char path[4200], line[8192], *f[9], *c;
	char *d = bs_sweep_design_summary(sw);
	size_t m;
	int k;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sweep_sensitivity.csv", dir);
	if (!d || !(fp = fopen(path, "r"))) {
		bs_free(d);
		return;
	}
	printf("\n%s\n%-6s %-20s %-28s %-14s %s\n", d, "cell", "metric",
	       "key", "index", "estimate (95% bootstrap interval)");
	bs_free(d);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		for (k = 0, c = line; k < 9 && c; k++) {
			f[k] = c;
			if ((c = strchr(c, ',')))
				*c++ = '\0';
		}
		if (k < 9 || strcmp(f[2], ward))
			continue;
		for (m = 0; m < NSWEEP_COLS && strcmp(f[1], SWEEP_COLS[m]); m++)
			;
		if (m == NSWEEP_COLS)
			continue;
		printf("%-6s %-20s %-28s %-14s ", f[0], f[1], f[3], f[4]);
		if (isnan(strtod(f[5], NULL)))
			printf("undefined (the metric does not vary)\n");
		else
			printf("%.3g (%.3g .. %.3g)\n", strtod(f[5], NULL),
			       strtod(f[6], NULL), strtod(f[7], NULL));
	}
	fclose(fp);
}

/* A sweep's folder: one line per point, its label and headline metrics
 * of the ward (read from sweep.csv, one pass: O(rows)). */
static int show_sweep(const char *dir, const char *ward)
{
	struct bs_error err;
	bs_sweep *sw;
	char path[4200], line[8192], cell[64];
	double *v;
	size_t np, p, m, width = 5;
	int seen = 0;
	FILE *fp;

	bs_error_clear(&err);
	if (!(sw = bs_sweep_open(dir, &err)))
		return bs_cli_fail(&err, 0);
	np = bs_sweep_points(sw);
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	if (!(fp = fopen(path, "r"))) {
		bs_sweep_free(sw);
		bs_cli_say("%s: cannot read: %s; expected a finished sweep (bssim sweep writes it when every task is recorded)",
			   path, strerror(errno));
		return BS_EXIT_USAGE;
	}
	if (!(v = malloc((np ? np : 1) * NSWEEP_COLS * 3 * sizeof(double)))) {
		fclose(fp);
		bs_sweep_free(sw);
		return bs_cli_nomem("show", "out of memory for %zu points", np);
	}
	for (p = 0; p < np * NSWEEP_COLS * 3; p++)
		v[p] = (double)NAN;
	while (fgets(line, sizeof(line), fp)) {
		char *f[6];
		unsigned long pt = strtoul(line, NULL, 10);
		line[strcspn(line, "\r\n")] = '\0';
		if (pt < 1 || pt > np || last_fields(line, f, 6) ||
		    strcmp(f[1], ward))
			continue;
		seen = 1;
		for (m = 0; m < NSWEEP_COLS; m++)
			if (!strcmp(f[0], SWEEP_COLS[m])) {
				double *x = v + ((pt - 1) * NSWEEP_COLS + m) * 3;
				x[0] = strtod(f[2], NULL);
				x[1] = strtod(f[4], NULL);
				x[2] = strtod(f[5], NULL);
			}
	}
	fclose(fp);
	if (!seen && np) {
		free(v);
		bs_sweep_free(sw);
		bs_cli_say("%s: ward: '%s' is not a ward of the sweep (nor 'all')",
			   path, ward);
		return BS_EXIT_USAGE;
	}
	for (p = 0; p < np; p++) {
		char *label = bs_sweep_point_label(sw, p);
		if (label && strlen(label) > width)
			width = strlen(label);
		bs_free(label);
	}
	printf("%s: %zu point%s x %u replication%s (ward %s)\n",
	       bs_sweep_name(sw), np, np == 1 ? "" : "s",
	       bs_sweep_replications(sw),
	       bs_sweep_replications(sw) == 1 ? "" : "s", ward);
	printf("%-*s", (int)width, "point");
	for (m = 0; m < NSWEEP_COLS; m++)
		printf(" %20s", SWEEP_COLS[m]);
	printf("\n");
	for (p = 0; p < np; p++) {
		char *label = bs_sweep_point_label(sw, p);
		printf("%-*s", (int)width, label ? label : "?");
		bs_free(label);
		for (m = 0; m < NSWEEP_COLS; m++) {
			double *x = v + (p * NSWEEP_COLS + m) * 3;
			cell_of(cell, sizeof(cell), SWEEP_COLS[m], x[0], x[1],
				x[2]);
			fputc(' ', stdout);
			bs_fmt_pad(stdout, cell, 20);
		}
		printf("\n");
	}
	free(v);
	show_sensitivity(dir, sw, ward);
	bs_sweep_free(sw);
	return BS_EXIT_OK;
}

/* Is dir a sweep's folder (sweep_plan.json or sweep.csv in it)? */
static int is_sweep_dir(const char *dir)
{
	char p[4200];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/sweep_plan.json", dir);
	if ((fp = fopen(p, "r"))) {
		fclose(fp);
		return 1;
	}
	return 0;
}

/* The heading line of the runs' columns (and the interrupted ones'
 * flag, on the line under it). */
static void print_heads(bs_result **res, char **dirs, int n)
{
	int same = 0, i, j, any = 0;

	/* columns are headed by the scenario names, or by the folders when
	 * two runs share a name (one scenario run with different --set) */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			same |= !strcmp(run_name(res[i], dirs[i]),
					run_name(res[j], dirs[j]));
	printf("%-20s", "metric");
	for (i = 0; i < n; i++) {
		const char *h = same ? dirs[i] : run_name(res[i], dirs[i]);
		size_t l = strlen(h);
		/* a long heading keeps its end, where folders differ */
		if (l > 24)
			printf(" ...%21s", h + l - 21);
		else
			printf(" %24s", h);
		any |= bs_result_interrupted(res[i]);
	}
	printf("\n");
	if (!any)
		return;
	printf("%-20s", "");
	for (i = 0; i < n; i++) {
		char flag[64] = "";
		if (bs_result_interrupted(res[i]))
			snprintf(flag, sizeof(flag), "INTERRUPTED %u of %u",
				 bs_result_replications(res[i]),
				 bs_result_replications_requested(res[i]));
		printf(" %24s", flag);
	}
	printf("\n");
}

static int show_runs(char **dirs, int n, const char *ward)
{
	bs_result **res;
	int i, status = BS_EXIT_OK;
	size_t m;

	if (!(res = calloc((size_t)n, sizeof(*res))))
		return bs_cli_nomem("show", "out of memory");
	for (i = 0; i < n; i++) {
		struct bs_error err;
		struct bs_stat st;
		bs_error_clear(&err);
		if (!(res[i] = bs_result_open(dirs[i], &err)) ||
		    (ward && bs_result_metric(res[i], ward, "service_level",
					      &st, &err))) {
			status = bs_cli_fail(&err, 0);
			goto out;
		}
	}
	print_heads(res, dirs, n);
	for (m = 0; m < bs_metric_count(); m++) {
		const char *name = bs_metric_name(bs_cli_metric_at(m));
		printf("%-20s", name);
		for (i = 0; i < n; i++) {
			struct bs_stat st;
			char cell[64];
			if (bs_result_metric(res[i], ward, name, &st, NULL))
				st.mean = (double)NAN;
			cell_of(cell, sizeof(cell), name, st.mean, st.ci_lo,
				st.ci_hi);
			fputc(' ', stdout);
			bs_fmt_pad(stdout, cell, 24);
		}
		printf("\n");
	}
	for (i = 0; i < n; i++)
		if (bs_result_interrupted(res[i]))
			bs_cli_say("note: %s was interrupted: %u of its %u replications finished (run it again for all)",
				   dirs[i], bs_result_replications(res[i]),
				   bs_result_replications_requested(res[i]));
out:
	for (i = 0; i < n; i++)
		bs_result_free(res[i]);
	free(res);
	return status;
}

int bs_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ward", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *ward = NULL;
	int ch, n, i, status = BS_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (bs_cli_nonempty("show", "--ward", optarg, "a ward"))
				return BS_EXIT_USAGE;
			ward = optarg;
			break;
		case 'h':
			fputs(SHOW_HELP, stdout);
			return 0;
		case ':':
		default:
			return bs_cli_bad_option("show", "show", ch, argv);
		}
	}
	n = argc - optind;
	if (n < 1)
		return bs_cli_usage("show", "missing DIR; usage: bssim show DIR [DIR...] [--ward W]");
	if (bs_cli_operands("show", argv + optind, n, "a run's or sweep's output folder"))
		return BS_EXIT_USAGE;
	/* sweeps one by one, runs side by side */
	for (i = optind; i < argc && !status; i++)
		if (is_sweep_dir(argv[i]))
			status = show_sweep(argv[i], ward ? ward : "all");
	if (status)
		return status;
	{
		char **runs = calloc((size_t)n, sizeof(*runs));
		int k = 0;
		if (!runs)
			return bs_cli_nomem("show", "out of memory");
		for (i = optind; i < argc; i++)
			if (!is_sweep_dir(argv[i]))
				runs[k++] = argv[i];
		if (k)
			status = show_runs(runs, k, ward);
		free(runs);
	}
	return status;
}

/* Print a text the library made (a table, a schema); out of memory when
 * it could not. */
static int print_text(const char *cmd, char *text)
{
	if (!text)
		return bs_cli_nomem(cmd, "out of memory");
	fputs(text, stdout);
	bs_free(text);
	return 0;
}

int bs_cmd_keys(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim keys\n\n"
		      "Print every scenario key as a Markdown table: path, type and\n"
		      "range, default, the condition under which it applies, and\n"
		      "meaning (the table of docs/scenario-keys.md).\n"
		      "\noptions:\n  -h, --help   this help\n"
		      "\nexit status: 0 success, 1 cannot write to standard output,\n"
		      "2 bad usage.\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("keys", "takes no arguments");
	return print_text("keys", bs_keys_markdown());
}

int bs_cmd_limits(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim limits\n\n"
		      "Print every size and range limit bssim enforces on its inputs as\n"
		      "a Markdown table: what, where it is given, the bound, why (the\n"
		      "table of docs/robustness.md). Each is refused with exit status 2\n"
		      "before anything it would size is allocated.\n"
		      "\noptions:\n  -h, --help   this help\n"
		      "\nexit status: 0 success, 1 cannot write to standard output,\n"
		      "2 bad usage.\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("limits", "takes no arguments");
	return print_text("limits", bs_limits_markdown());
}

int bs_cmd_schema(int argc, char **argv)
{
	char *text;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim schema\n\n"
		      "Print the JSON Schema (draft 2020-12) of scenario and sweep files,\n"
		      "made from the key table: every key with its type, range, default\n"
		      "and meaning (docs/bssim.schema.json). Editors that read JSON\n"
		      "Schema (VS Code's JSON support, for one) then check and complete\n"
		      "scenario files as they are typed; bssim's own checks stay the\n"
		      "reference, with messages that locate every problem.\n"
		      "\noptions:\n  -h, --help   this help\n"
		      "\nexit status: 0 success, 1 cannot write to standard output,\n"
		      "2 bad usage.\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("schema", "takes no arguments");
	if (!(text = bs_schema_json()))
		return bs_cli_nomem("schema", "out of memory");
	printf("%s\n", text);
	bs_free(text);
	return 0;
}
