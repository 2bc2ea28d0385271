/*
 * cmd_calibrate.c - `bssim calibrate status SERIES ...` and
 * `bssim calibrate trips LOG ...`: estimate the `rates` demand of a
 * network from a GBFS status time series or a trip log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calibrate.h"
#include "input/stations.h"
#include "input/status.h"
#include "cli.h"

static const char CALIBRATE_HELP[] =
	"usage: bssim calibrate status SERIES --stations F -o rates.csv\n"
	"                              [--profile F] [--truck-jump K]\n"
	"       bssim calibrate trips LOG.csv --stations F -o rates.csv\n"
	"                             [--od F] [--profile F] [--days N]\n"
	"\n"
	"Write a `rates` demand table (station_id,hour,departures_per_hour,\n"
	"arrivals_per_hour: 24 rows per station, per day) for the scenario key\n"
	"demand.rates.\n"
	"\n"
	"status: from a GBFS status time series (CSV station_id,minute,bikes,\n"
	"docks, gzip or plain, or a folder of station_status JSON files): a fall\n"
	"in a port's bikes between two observations is departures, a rise is\n"
	"arrivals; a change of K bikes or more is a truck move, not users.\n"
	"  --truck-jump K     (default 4) see docs/model.md, \"Calibration\"\n"
	"  --max-gap MIN      observations further apart are not used (default 10)\n"
	"  --utc-offset MIN   local time of JSON status files (default 540)\n"
	"\n"
	"trips: from a trip log (Citi Bike's layout): departures by start station\n"
	"and hour, arrivals by end station and hour, per day of the log.\n"
	"  --od F             also write the origin-destination table\n"
	"                     (origin_id,destination_id,trips) for demand.od\n"
	"  --days N           days the log covers (default: first to last start)\n"
	"\n"
	"  --stations F       the network (stations CSV); every station of the\n"
	"                     input must be in it\n"
	"  --profile F        also write ward,hour,departures,arrivals,\n"
	"                     truck_pickups,truck_dropoffs (per day)\n"
	"  -o, --output F     the rates CSV\n"
	"  -q, --quiet        print nothing but errors and warnings\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n";

struct outs {
	const struct bs_rates *r;
	const struct bs_network *net;
};

static void put_rates(const void *ud, FILE *fp)
{
	const struct outs *o = ud;

	bs_rates_write(o->r, o->net, fp);
}

static void put_profile(const void *ud, FILE *fp)
{
	const struct outs *o = ud;

	bs_rates_write_profile(o->r, o->net, fp);
}

static void put_od(const void *ud, FILE *fp)
{
	const struct outs *o = ud;

	bs_rates_write_od(o->r, o->net, fp);
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
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *what, *stations = NULL, *out = NULL, *profile = NULL,
		   *od = NULL, *input;
	struct bs_calib_opts co = {4, 10.0};
	double days = 0.0;
	long utc = 540;
	struct bs_network *net = NULL;
	struct bs_status *series = NULL;
	struct bs_rates r;
	struct bs_error err;
	struct outs o;
	uint64_t v;
	int ch, quiet = 0, status = BS_EXIT_OK, rc, is_status;
	size_t i;

	memset(&r, 0, sizeof(r));
	bs_error_clear(&err);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(CALIBRATE_HELP, argc < 2 ? stderr : stdout);
		return argc < 2 ? BS_EXIT_USAGE : 0;
	}
	what = argv[1];
	if (strcmp(what, "status") && strcmp(what, "trips"))
		return bs_cli_usage("calibrate",
				    "unknown source '%s'; expected status or trips",
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
		case 'q': quiet = 1; break;
		case 'D':
			if (bs_cli_uint(optarg, 1, 36600, &v))
				return bs_cli_usage("calibrate", "--days '%s': expected a whole number of days from 1 to 36600",
						    optarg);
			days = (double)v;
			break;
		case 'k':
			if (bs_cli_uint(optarg, 2, 1000, &v))
				return bs_cli_usage("calibrate", "--truck-jump '%s': expected a whole number of bikes from 2 to 1000",
						    optarg);
			co.truck_jump = (int)v;
			break;
		case 'g':
			if (bs_cli_uint(optarg, 1, 1440, &v))
				return bs_cli_usage("calibrate", "--max-gap '%s': expected minutes from 1 to 1440",
						    optarg);
			co.max_gap_min = (double)v;
			break;
		case 'u': {
			char *end;
			utc = strtol(optarg, &end, 10);
			if (*end || end == optarg || utc < -1440 || utc > 1440)
				return bs_cli_usage("calibrate", "--utc-offset '%s': expected minutes from -1440 to 1440",
						    optarg);
			break;
		}
		case 'h':
			fputs(CALIBRATE_HELP, stdout);
			return 0;
		case ':':
			return bs_cli_usage("calibrate", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("calibrate",
					    "unknown option '%s'; see bssim calibrate --help",
					    argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return bs_cli_usage("calibrate", optind >= argc
				    ? "missing the input (a status series or a trip log)"
				    : "expected one input file");
	if ((rc = bs_cli_operands("calibrate", argv + optind, 1,
				  is_status ? "a status series" : "a trip log")))
		return rc;
	input = argv[optind];
	if (!stations)
		return bs_cli_usage("calibrate", "missing --stations F (the network's stations CSV)");
	if (!out)
		return bs_cli_usage("calibrate", "missing -o rates.csv");
	if (od && is_status)
		return bs_cli_usage("calibrate", "--od needs a trip log: a status series has no destinations");
	/* every value checked before any input is read */
	if ((rc = bs_cli_nonempty("calibrate", "--stations", stations,
				  "a stations CSV")) ||
	    (rc = bs_cli_nonempty("calibrate", "-o", out, "an output file")) ||
	    (profile && (rc = bs_cli_nonempty("calibrate", "--profile", profile,
					      "an output file"))) ||
	    (od && (rc = bs_cli_nonempty("calibrate", "--od", od,
					 "an output file"))) ||
	    (rc = bs_cli_check_output("-o", out)) ||
	    (profile && (rc = bs_cli_check_output("--profile", profile))) ||
	    (od && (rc = bs_cli_check_output("--od", od))))
		return rc;
	net = bs_stations_load(stations, 0.0, &err);
	if (!net)
		goto input_error;
	if (is_status) {
		series = bs_status_load(input, utc, &err);
		if (!series)
			goto input_error;
		rc = bs_calibrate_status(net, series, input, &co, &r, &err);
	} else {
		rc = bs_calibrate_trips(net, input, days, &r, &err);
	}
	if (rc)
		goto input_error;
	o.r = &r;
	o.net = net;
	bs_cli_write_begin("%s", out);
	{
		const struct bs_cli_out outs[] = {
			{out, "-o", put_rates, &o},
			{profile, "--profile", put_profile, &o},
			{od, "--od", put_od, &o}};
		rc = bs_cli_write_files(outs, 3, &err);
	}
	if (rc) {
		bs_cli_write_end();
		bs_cli_error(&err);
		status = bs_cli_exit(rc);
		goto done;
	}
	if (bs_cli_write_end()) {
		bs_cli_say("interrupted while writing: %s is complete", out);
		status = BS_EXIT_FAIL;
	}
	if (series)
		bs_cli_warnings(&series->warn);
	bs_cli_warnings(&r.warn);
	if (!quiet) {
		double d = 0, a = 0, tp = 0, td = 0;
		for (i = 0; i < net->n * 24; i++) {
			d += r.dep[i];
			a += r.arr[i];
			tp += r.truck_pick[i];
			td += r.truck_drop[i];
		}
		printf("%s: %zu stations x 24 hours; per day %.0f departures, %.0f arrivals\n",
		       out, net->n, d, a);
		if (is_status)
			printf("  truck moves (changes of %d or more bikes): %.0f picked up, %.0f dropped off per day\n"
			       "  station-hours imputed: %zu\n",
			       co.truck_jump, tp, td, r.imputed);
		else
			printf("  %.0f rides over %g days; %zu origin-destination pairs\n",
			       r.rides, r.days, r.nod);
		printf("  warnings: %ld\n",
		       r.warn.count + (series ? series->warn.count : 0));
	}
	goto done;
input_error:
	bs_cli_error(&err);
	status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
done:
	bs_rates_release(&r);
	bs_status_free(series);
	bs_network_free(net);
	return status;
}
