/*
 * cmd_plotdata.c - `bssim plotdata KIND ...`: small CSV tables shaped for
 * plotting, from a run's or a sweep's files, on stdout (see plotdata.h;
 * plots/plots.sh is the main user).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	"  days RUN               the trend over the run's days (days.csv,\n"
	"                         output.days): per day, the mean over\n"
	"                         replications of service_level, reach_level,\n"
	"                         empty_station_frac, bikes_low_battery_mean\n"
	"                         with 95% intervals, of --ward (default all)\n"
	"  matrix RUN [NAME]      summary.json's ward x ward matrix NAME:\n"
	"                         flows (default) or settlement_yen\n"
	"  ports RUN              stations.geojson as a table: station_id,\n"
	"                         ward, lon, lat, capacity, empty_frac, ...\n"
	"  wards RUN              each ward's centre (mean port position),\n"
	"                         ports and docks, from stations.geojson\n"
	"  names RUN              the wards' display names in the run's (or\n"
	"                         a sweep's first point's) output.language:\n"
	"                         ward,LANG (en or ja)\n"
	"  boundaries RUN         wards.geojson's rings as lon,lat lines, a\n"
	"                         blank line after each ring\n"
	"  compare RUN RUN...     runs side by side in sweep.csv's format\n"
	"                         (varied keys: run, agreement.type)\n"
	"  sweep SWEEP METRIC [RUN]  one metric of a sweep.csv against a\n"
	"                         varied key, one series per value of the\n"
	"                         others; labels in the sweep's language (or\n"
	"                         RUN's: for the compare.csv of runs)\n"
	"  diff SWEEP METRIC      paired differences B - A with their paired\n"
	"                         95% intervals (from sweep_replications.csv):\n"
	"                         each series minus the first at the same x,\n"
	"                         or each point minus the smallest x\n"
	"  diff METRIC RUN RUN... each run minus the first, paired by\n"
	"                         replication (same network, seed and\n"
	"                         replications, else refused)\n"
	"\n"
	"options:\n"
	"      --ward W           ward of a sweep or of days (default: all,\n"
	"                         the whole network)\n"
	"      --x KEY            varied key on the x axis (default: the\n"
	"                         first numeric key that varies)\n"
	"  -h, --help             this help\n"
	"\n"
	"Series tables (timeofday, days, sweep) have the columns\n"
	"X,label,S1,S1_lo,S1_hi,S2,... (see docs/plots.md).\n"
	"\n"
	"exit status: 0 success, 1 cannot write to standard output, 2 bad\n"
	"usage or bad input.\n";

int bs_cmd_plotdata(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ward", required_argument, NULL, 'w'},
		{"x", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *ward = "all", *x = NULL, *kind;
	struct bs_error err;
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
		default:
			return bs_cli_bad_option("plotdata", "plotdata", ch, argv);
		}
	}
	pos = argv + optind;
	n = argc - optind;
	if (bs_cli_operands("plotdata", pos, n, "a kind, a run's or sweep's folder or file, or a name"))
		return BS_EXIT_USAGE;
	if (n < 1)
		return bs_cli_usage("plotdata",
				    "missing KIND; expected timeofday, days, matrix, ports, wards, names, boundaries, compare, sweep or diff (see bssim plotdata --help)");
	kind = pos[0];
#define NEED(lo, hi, usage)                                                    \
	do {                                                                   \
		if (n - 1 < (lo) || n - 1 > (hi))                              \
			return bs_cli_usage("plotdata", "usage: bssim plotdata %s", \
					    usage);                            \
	} while (0)
	if (!strcmp(kind, "timeofday")) {
		NEED(2, 2, "timeofday RUN COLUMN");
	} else if (!strcmp(kind, "days")) {
		NEED(1, 1, "days RUN [--ward W]");
	} else if (!strcmp(kind, "matrix")) {
		NEED(1, 2, "matrix RUN [flows|settlement_yen]");
		if (n > 2 && strcmp(pos[2], "flows") && strcmp(pos[2], "settlement_yen"))
			return bs_cli_usage("plotdata",
					    "matrix '%s': expected flows or settlement_yen",
					    pos[2]);
	} else if (!strcmp(kind, "ports")) {
		NEED(1, 1, "ports RUN");
	} else if (!strcmp(kind, "wards")) {
		NEED(1, 1, "wards RUN");
	} else if (!strcmp(kind, "names")) {
		NEED(1, 1, "names RUN");
	} else if (!strcmp(kind, "boundaries")) {
		NEED(1, 1, "boundaries RUN");
	} else if (!strcmp(kind, "compare")) {
		NEED(1, 100000, "compare RUN RUN...");
	} else if (!strcmp(kind, "sweep")) {
		NEED(2, 3, "sweep SWEEP METRIC [RUN] [--ward W] [--x KEY]");
	} else if (!strcmp(kind, "diff")) {
		NEED(2, 100001, "diff SWEEP METRIC [--ward W] [--x KEY], or diff METRIC RUN RUN...");
	} else {
		return bs_cli_usage("plotdata",
				    "unknown kind '%s'; expected timeofday, days, matrix, ports, wards, names, boundaries, compare, sweep or diff",
				    kind);
	}
#undef NEED
	rc = bs_plotdata(kind, (const char *const *)(pos + 1), (size_t)n - 1,
			 ward, x, stdout, &err);
	if (rc == BS_E_IO && ferror(stdout))
		return BS_EXIT_FAIL; /* main says why stdout failed */
	if (rc)
		return bs_cli_fail(&err, rc);
	return 0;
}
