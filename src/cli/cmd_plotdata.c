/*
 * cmd_plotdata.c - `bssim plotdata KIND ...`: small CSV tables shaped for
 * plotting, from a run's or a sweep's files, on stdout (see plotdata.h;
 * plots/plots.sh is the main user).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output/output.h"
#include "output/plotdata.h"
#include "cli.h"

static const char PLOTDATA_HELP[] =
	"usage: bssim plotdata KIND INPUT... [options]\n"
	"\n"
	"Write a table shaped for plotting on stdout (CSV with a header).\n"
	"INPUT is a run's (or sweep's) output folder, or the file itself.\n"
	"\n"
	"kinds:\n"
	"  timeofday RUN COLUMN   per ward and time of day: mean over\n"
	"                         replications (of each one's mean over its\n"
	"                         days) and its 95% confidence interval;\n"
	"                         COLUMN of timeseries.csv: bikes_docked,\n"
	"                         empty_stations or full_stations\n"
	"  matrix RUN [NAME]      summary.json's ward x ward matrix NAME:\n"
	"                         flows (default) or settlement_yen\n"
	"  ports RUN              stations.geojson as a table: station_id,\n"
	"                         ward, lon, lat, capacity, empty_frac, ...\n"
	"  wards RUN              each ward's centre (mean port position),\n"
	"                         ports and docks, from stations.geojson\n"
	"  compare RUN RUN...     runs side by side in sweep.csv's format\n"
	"                         (varied keys: run, agreement.type)\n"
	"  sweep SWEEP METRIC     one metric of a sweep.csv against a varied\n"
	"                         key, one series per value of the others\n"
	"\n"
	"options (sweep):\n"
	"      --ward W           ward (default: all, the whole network)\n"
	"      --x KEY            varied key on the x axis (default: the\n"
	"                         first numeric key that varies)\n"
	"  -h, --help             this help\n"
	"\n"
	"Series tables (timeofday, sweep) have the columns\n"
	"X,label,S1,S1_lo,S1_hi,S2,... (see docs/plots.md).\n";

/* Runs side by side (see bs_cli_run_labels for their names). */
static int do_compare(char **dirs, size_t n, struct bs_error *err)
{
	json_t **docs = calloc(n, sizeof(json_t *));
	char **labels = calloc(n, sizeof(char *));
	char **files = calloc(n, sizeof(char *));
	struct bs_plotdata_sweep *sw = NULL;
	size_t i;
	int rc = 0;

	if (!docs || !labels || !files)
		goto nomem;
	for (i = 0; i < n; i++) {
		char buf[4096];
		const char *f = bs_cli_input_file(dirs[i], "summary.json", buf,
						  sizeof(buf));
		if (!(files[i] = bs_strdup(f)))
			goto nomem;
		if (!(docs[i] = bs_cli_load_summary(f, err))) {
			rc = BS_E_INPUT;
			goto out;
		}
	}
	if (bs_cli_run_labels(dirs, docs, n, labels))
		goto nomem;
	sw = bs_plotdata_sweep_from_runs(docs, (const char *const *)labels,
					 (const char *const *)files, n, err);
	if (!sw) {
		rc = err->code ? err->code : BS_E_NOMEM;
		goto out;
	}
	if (bs_plotdata_sweep_write_csv(sw, stdout)) {
		rc = BS_E_IO;
		bs_error_set(err, rc, "stdout", 0, 0, NULL, "cannot write");
	}
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
out:
	bs_plotdata_sweep_free(sw);
	for (i = 0; i < n; i++) {
		if (docs)
			json_decref(docs[i]);
		if (files)
			free(files[i]);
		if (labels)
			free(labels[i]);
	}
	free(docs);
	free(labels);
	free(files);
	return rc;
}

static int do_sweep(const char *in, const char *metric, const char *ward,
		    const char *x, struct bs_error *err)
{
	char buf[4096];
	const char *f = bs_cli_input_file(in, "sweep.csv", buf, sizeof(buf));
	struct bs_plotdata_sweep *sw = bs_plotdata_sweep_load(f, err);
	int k, rc;

	if (!sw)
		return err->code;
	k = bs_plotdata_sweep_pick_x(sw, x, err);
	if (k < 0) {
		bs_strlcpy(err->file, f, sizeof(err->file));
		bs_plotdata_sweep_free(sw);
		return BS_E_INPUT;
	}
	rc = bs_plotdata_sweep_series(sw, k, metric, ward, stdout, err);
	if (rc == BS_E_INPUT)
		bs_strlcpy(err->file, f, sizeof(err->file));
	bs_plotdata_sweep_free(sw);
	return rc;
}

int bs_cmd_plotdata(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ward", required_argument, NULL, 'w'},
		{"x", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *ward = "all", *x = NULL, *kind;
	struct bs_error err;
	char buf[4096];
	int ch, n, rc;
	char **pos;

	bs_error_clear(&err);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (bs_cli_nonempty("plotdata", "--ward", optarg,
					    "a ward name, or all"))
				return BS_EXIT_USAGE;
			ward = optarg;
			break;
		case 'x':
			if (bs_cli_nonempty("plotdata", "--x", optarg,
					    "a varied key of the sweep"))
				return BS_EXIT_USAGE;
			x = optarg;
			break;
		case 'h':
			fputs(PLOTDATA_HELP, stdout);
			return 0;
		case ':':
			return bs_cli_usage("plotdata", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("plotdata",
					    "unknown option '%s'; see bssim plotdata --help",
					    argv[optind - 1]);
		}
	}
	pos = argv + optind;
	n = argc - optind;
	if (bs_cli_operands("plotdata", pos, n, "a kind, a run's or sweep's folder or file, or a name"))
		return BS_EXIT_USAGE;
	if (n < 1)
		return bs_cli_usage("plotdata",
				    "missing KIND; expected timeofday, matrix, ports, wards, compare or sweep (see bssim plotdata --help)");
	kind = pos[0];
	/* the inputs are finished results: a commit a killed run left is
	 * finished first (output.h) */
	for (ch = 1; ch < n; ch++)
		bs_outdir_settle(pos[ch]);
#define NEED(lo, hi, usage)                                                    \
	do {                                                                   \
		if (n - 1 < (lo) || n - 1 > (hi))                              \
			return bs_cli_usage("plotdata", "usage: bssim plotdata %s", \
					    usage);                            \
	} while (0)
	if (!strcmp(kind, "timeofday")) {
		NEED(2, 2, "timeofday RUN COLUMN");
		rc = bs_plotdata_timeofday(
			bs_cli_input_file(pos[1], "timeseries.csv", buf, sizeof(buf)),
			pos[2], stdout, &err);
	} else if (!strcmp(kind, "matrix")) {
		const char *f, *name = n > 2 ? pos[2] : "flows";
		json_t *doc;
		NEED(1, 2, "matrix RUN [flows|settlement_yen]");
		if (strcmp(name, "flows") && strcmp(name, "settlement_yen"))
			return bs_cli_usage("plotdata",
					    "matrix '%s': expected flows or settlement_yen",
					    name);
		f = bs_cli_input_file(pos[1], "summary.json", buf, sizeof(buf));
		doc = bs_cli_load_summary(f, &err);
		rc = doc ? bs_plotdata_matrix(doc, name, f, stdout, &err)
			 : BS_E_INPUT;
		json_decref(doc);
	} else if (!strcmp(kind, "ports")) {
		NEED(1, 1, "ports RUN");
		rc = bs_plotdata_ports(
			bs_cli_input_file(pos[1], "stations.geojson", buf, sizeof(buf)),
			stdout, &err);
	} else if (!strcmp(kind, "wards")) {
		NEED(1, 1, "wards RUN");
		rc = bs_plotdata_wards(
			bs_cli_input_file(pos[1], "stations.geojson", buf, sizeof(buf)),
			stdout, &err);
	} else if (!strcmp(kind, "compare")) {
		NEED(1, 100000, "compare RUN RUN...");
		rc = do_compare(pos + 1, (size_t)n - 1, &err);
	} else if (!strcmp(kind, "sweep")) {
		NEED(2, 2, "sweep SWEEP METRIC [--ward W] [--x KEY]");
		rc = do_sweep(pos[1], pos[2], ward, x, &err);
	} else {
		return bs_cli_usage("plotdata",
				    "unknown kind '%s'; expected timeofday, matrix, ports, wards, compare or sweep",
				    kind);
	}
#undef NEED
	if (rc == BS_E_IO && ferror(stdout))
		return BS_EXIT_FAIL; /* main says why stdout failed */
	if (rc) {
		bs_cli_error(&err);
		return bs_cli_exit(rc);
	}
	return 0;
}
