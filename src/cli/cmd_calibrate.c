/*
 * cmd_calibrate.c - `bssim calibrate status SERIES ...` and
 * `bssim calibrate trips LOG ...`: estimate the `rates` demand of a
 * network from a GBFS status time series or a trip log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char CALIBRATE_HELP[] =
	"usage: bssim calibrate status SERIES --stations F -o rates.csv [options]\n"
	"       bssim calibrate trips LOG.csv --stations F -o rates.csv [options]\n"
	"       bssim calibrate od SCENARIO.json -o fit.json [options]\n"
	"\n"
	"Write a `rates` demand table (station_id,hour,departures_per_hour,\n"
	"arrivals_per_hour: 24 rows per station, per day) for the scenario key\n"
	"demand.rates, from a GBFS status time series or a trip log; or fit\n"
	"the destinations' distance decay and ward factors to evidence (od).\n"
	"See bssim calibrate status --help, bssim calibrate trips --help and\n"
	"bssim calibrate od --help.\n"
	"\n"
	"options:\n"
	"  -h, --help         this help\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n";

/* the options both sources take, at the end of each one's help */
#define COMMON_OPTIONS                                                        \
	"  --stations F       the network (stations CSV); every station of the\n" \
	"                     input must be in it\n"                               \
	"  --profile F        also write ward,hour,departures,arrivals,\n"         \
	"                     truck_pickups,truck_dropoffs (per day)\n"            \
	"  -o, --output F     the rates CSV\n"                                     \
	"  -q, --quiet        print nothing but errors and warnings\n"             \
	"  -h, --help         this help\n"                                         \
	"\n"                                                                       \
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n"

static const char STATUS_HELP[] =
	"usage: bssim calibrate status SERIES --stations F -o rates.csv\n"
	"                              [--profile F] [--truck-jump K]\n"
	"                              [--max-gap MIN] [--utc-offset MIN]\n"
	"                              [--moves F] [--ops-policy F]\n"
	"                              [--stations-out F]\n"
	"\n"
	"Write a `rates` demand table (station_id,hour,departures_per_hour,\n"
	"arrivals_per_hour: 24 rows per station, per day) for demand.rates from\n"
	"a GBFS status time series (CSV station_id,minute,bikes,docks, gzip or\n"
	"plain, or a folder of station_status JSON files): a fall in a port's\n"
	"bikes between two observations is departures, a rise is arrivals; a\n"
	"change of K bikes or more is a truck move, not users.\n"
	"\n"
	"options:\n"
	"  --truck-jump K     (default 4) see docs/model.md, \"Calibration\"\n"
	"  --max-gap MIN      observations further apart are not used (default 10)\n"
	"  --utc-offset MIN   local time of JSON status files (default 540)\n"
	"  --moves F          also write those truck moves, t_min,station_id,delta\n"
	"                     (for depots.replay)\n"
	"  --ops-policy F     also write the policy calibrated to them,\n"
	"                     ward,hour,bring,take per day (for depots.policy)\n"
	"  --stations-out F   also write the stations CSV with soft capacity:\n"
	"                     capacity = each port's published capacity (its\n"
	"                     most frequent bikes + docks while showing a free\n"
	"                     dock), physical_limit = the most bikes it held\n"
	"                     (for capacity.physical \"data\"); every station\n"
	"                     must be in the series\n"
	COMMON_OPTIONS;

static const char TRIPS_HELP[] =
	"usage: bssim calibrate trips LOG.csv --stations F -o rates.csv\n"
	"                             [--od F] [--profile F] [--days N]\n"
	"\n"
	"Write a `rates` demand table (station_id,hour,departures_per_hour,\n"
	"arrivals_per_hour: 24 rows per station, per day) for demand.rates from\n"
	"a trip log (Citi Bike's layout): departures by start station and hour,\n"
	"arrivals by end station and hour, per day of the log.\n"
	"\n"
	"options:\n"
	"  --od F             also write the origin-destination table\n"
	"                     (origin_id,destination_id,trips) for demand.od\n"
	"  --days N           days the log covers (default: first to last start)\n"
	COMMON_OPTIONS;

/* Run the calibration co asks for and say what it made. */
static int calibrate(struct bs_calibrate_opts *co, int is_status, int quiet)
{
	struct bs_data_report rep;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	int rc;

	bs_error_clear(&err);
	bs_cli_monitor(&mon, &watch, "calibrate", 1);
	co->monitor = &mon;
	if ((rc = bs_calibrate(co, &rep, &err)))
		return bs_cli_fail(&err, rc);
	rc = BS_EXIT_OK;
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: %s is complete", co->output);
		rc = BS_EXIT_FAIL;
	}
	bs_cli_warnings(&rep.warnings);
	if (!quiet) {
		printf("%s: %zu stations x 24 hours; per day %.0f departures, %.0f arrivals\n",
		       co->output, rep.stations, rep.departures, rep.arrivals);
		if (is_status)
			printf("  truck moves (changes of %ld or more bikes): %.0f picked up, %.0f dropped off per day\n"
			       "  station-hours imputed: %zu\n",
			       co->truck_jump, rep.truck_pickups, rep.truck_dropoffs,
			       rep.imputed);
		else
			printf("  %.0f rides over %g days; %zu origin-destination pairs\n"
			       "  round trips (back to the start port): %.0f, %.2f %% of rides, median ride %.1f min\n"
			       "  snippet: { \"demand\": { \"round_trip_share\": %.4f, \"round_trip_min\": %.1f } }\n",
			       (double)rep.rows, rep.days, rep.od_pairs,
			       (double)rep.round_trips,
			       rep.rows ? 100.0 * (double)rep.round_trips / (double)rep.rows : 0.0,
			       rep.round_trip_min,
			       rep.rows ? (double)rep.round_trips / (double)rep.rows : 0.0,
			       rep.round_trip_min);
		printf("  warnings: %ld\n", rep.warnings.count);
	}
	return rc;
}

/* The output options (those given) each a non-empty path. */
enum { OUTS_N = 6 };
static int outputs_ok(const char *const val[OUTS_N])
{
	static const char *const name[OUTS_N] = {"-o", "--profile", "--od", "--moves",
						 "--ops-policy", "--stations-out"};
	int rc;

	for (size_t i = 0; i < OUTS_N; i++)
		if (val[i] && (rc = bs_cli_nonempty("calibrate", name[i], val[i],
						    "an output file")))
			return rc;
	return 0;
}

int bs_cmd_calibrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"stations", required_argument, NULL, 's'},
		{"output", required_argument, NULL, 'o'},
		{"profile", required_argument, NULL, 'p'},
		{"od", required_argument, NULL, 'd'},
		{"days", required_argument, NULL, 'D'},
		{"truck-jump", required_argument, NULL, 'k'},
		{"max-gap", required_argument, NULL, 'g'},
		{"utc-offset", required_argument, NULL, 'u'},
		{"moves", required_argument, NULL, 'm'},
		{"ops-policy", required_argument, NULL, 'P'},
		{"stations-out", required_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *what, *stations = NULL, *out = NULL, *profile = NULL,
		   *od = NULL, *input, *moves = NULL, *policy = NULL,
		   *soft = NULL;
	struct bs_calibrate_opts co;
	uint64_t v;
	int ch, quiet = 0, rc, is_status;

	bs_calibrate_opts_init(&co);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(CALIBRATE_HELP, argc < 2 ? stderr : stdout);
		return argc < 2 ? BS_EXIT_USAGE : 0;
	}
	what = argv[1];
	if (!strcmp(what, "od"))
		return bs_cmd_calibrate_od(argc - 1, argv + 1);
	if (strcmp(what, "status") && strcmp(what, "trips"))
		return bs_cli_usage("calibrate",
				    "unknown source '%s'; expected status, trips or od",
				    what);
	is_status = !strcmp(what, "status");
	argc--;
	argv++;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 's': stations = optarg; break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'd': od = optarg; break;
		case 'm': moves = optarg; break;
		case 'P': policy = optarg; break;
		case 'S': soft = optarg; break;
		case 'q': quiet = 1; break;
		case 'D':
			if (bs_cli_uint(optarg, 1, 36600, &v))
				return bs_cli_usage("calibrate", "--days '%s': expected a whole number of days from 1 to 36600",
						    optarg);
			co.days = (double)v;
			break;
		case 'k':
			if (bs_cli_uint(optarg, 2, 1000, &v))
				return bs_cli_usage("calibrate", "--truck-jump '%s': expected a whole number of bikes from 2 to 1000",
						    optarg);
			co.truck_jump = (long)v;
			break;
		case 'g':
			if (bs_cli_uint(optarg, 1, 1440, &v))
				return bs_cli_usage("calibrate", "--max-gap '%s': expected minutes from 1 to 1440",
						    optarg);
			co.max_gap_min = (long)v;
			break;
		case 'u': {
			char *end;
			co.utc_offset_min = strtol(optarg, &end, 10);
			if (*end || end == optarg || co.utc_offset_min < -1440 ||
			    co.utc_offset_min > 1440)
				return bs_cli_usage("calibrate", "--utc-offset '%s': expected minutes from -1440 to 1440",
						    optarg);
			break;
		}
		case 'h':
			fputs(is_status ? STATUS_HELP : TRIPS_HELP, stdout);
			return 0;
		case ':':
		default:
			return bs_cli_bad_option("calibrate", "calibrate", ch, argv);
		}
	}
	if ((rc = bs_cli_one_operand("calibrate", argc, argv,
				     "the input (a status series or a trip log)",
				     is_status ? "a status series" : "a trip log", &input)))
		return rc;
	if (!stations)
		return bs_cli_usage("calibrate", "missing --stations F (the network's stations CSV)");
	if (!out)
		return bs_cli_usage("calibrate", "missing -o rates.csv");
	if ((moves || policy) && !is_status)
		return bs_cli_usage("calibrate", "%s needs a status series: the operator's moves are read from a port's jumps between updates",
				    moves ? "--moves" : "--ops-policy");
	if (od && is_status)
		return bs_cli_usage("calibrate", "--od needs a trip log: a status series has no destinations");
	if (soft && !is_status)
		return bs_cli_usage("calibrate", "--stations-out needs a status series: a port's published capacity and physical limit are read from its bikes and free docks");
	/* every value checked before any input is read */
	if ((rc = bs_cli_nonempty("calibrate", "--stations", stations,
				  "a stations CSV")))
		return rc;
	{
		const char *const val[OUTS_N] = {out, profile, od, moves, policy, soft};
		if ((rc = outputs_ok(val)))
			return rc;
	}
	co.source = what;
	co.input = input;
	co.stations = stations;
	co.output = out;
	co.profile = profile;
	co.od = od;
	co.moves = moves;
	co.ops_policy = policy;
	co.stations_out = soft;
	return calibrate(&co, is_status, quiet);
}
