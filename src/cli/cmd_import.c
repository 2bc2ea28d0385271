/*
 * cmd_import.c - `bssim import gbfs ...` and `bssim import trips ...`:
 * build a stations CSV (and an initial-stock CSV) from what bike-share
 * systems publish. Every file is written whole or not at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Each subcommand's help in the shape of every other (usage, options,
 * exit status); `bssim import --help` lists the two. */
static const char IMPORT_HELP[] =
	"usage: bssim import gbfs --station-information F [options] -o stations.csv\n"
	"       bssim import trips LOG.csv [options] -o stations.csv\n"
	"\n"
	"Build a stations CSV (station_id,name,ward,lat,lon,capacity) from what\n"
	"bike-share systems publish: a GBFS feed, or a published trip log. See\n"
	"bssim import gbfs --help and bssim import trips --help.\n"
	"\n"
	"options:\n"
	"  -h, --help               this help\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n";

static const char GBFS_HELP[] =
	"usage: bssim import gbfs --station-information F [--system-regions F]\n"
	"                         [--region-map ID=WARD,...] [--wards W,...]\n"
	"                         [--capacity-from SERIES] [--station-status F\n"
	"                          --stock-output F] -o stations.csv\n"
	"\n"
	"Read a GBFS station_information.json (1.x or 2.x) into a stations CSV\n"
	"(station_id,name,ward,lat,lon,capacity).\n"
	"\n"
	"options:\n"
	"  --station-information F  the feed's station_information.json\n"
	"  --system-regions F       its system_regions.json: region names are wards\n"
	"  --region-map M           region id -> ward, for feeds without regions,\n"
	"                           e.g. 1=Chiyoda,2=Chuo,3=Minato,4=Koto\n"
	"  --wards W,...            keep these wards only, in this order\n"
	"  --capacity-from SERIES   capacity = each port's largest bikes + docks in\n"
	"                           a status series (CSV station_id,minute,bikes,\n"
	"                           docks, gzip or plain, or a folder of\n"
	"                           station_status JSON files)\n"
	"  --station-status F       a station_status.json: write its bikes as an\n"
	"                           initial-stock CSV (station_id,bikes) ...\n"
	"  --stock-output F         ... to F (for the scenario key fleet.initial)\n"
	"  --utc-offset MIN         local time of JSON status files (default 540,\n"
	"                           Tokyo)\n"
	"  -o, --output F           the stations CSV to write\n"
	"  -q, --quiet              print nothing but errors and warnings\n"
	"  -h, --help               this help\n"
	"\n"
	"Rows that can be skipped safely are skipped with a warning (the first\n"
	"few named, all counted).\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n";

static const char TRIPS_HELP[] =
	"usage: bssim import trips LOG.csv [--ward NAME] [--capacity K] -o stations.csv\n"
	"\n"
	"Derive the stations of a published trip log (Citi Bike's layout) from\n"
	"its start and end stations (id, name, position). Logs carry no dock\n"
	"counts: every station gets --capacity docks.\n"
	"\n"
	"options:\n"
	"  --ward NAME              the ward of every station (default: system)\n"
	"  --capacity K             docks of every station (default 20)\n"
	"  -o, --output F           the stations CSV to write\n"
	"  -q, --quiet              print nothing but errors and warnings\n"
	"  -h, --help               this help\n"
	"\n"
	"Rows that can be skipped safely are skipped with a warning (the first\n"
	"few named, all counted).\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or bad input.\n";

static int import_gbfs(int argc, char **argv)
{
	static const struct option opts[] = {
		{"station-information", required_argument, NULL, 'i'},
		{"system-regions", required_argument, NULL, 'r'},
		{"region-map", required_argument, NULL, 'm'},
		{"wards", required_argument, NULL, 'w'},
		{"capacity-from", required_argument, NULL, 'c'},
		{"station-status", required_argument, NULL, 's'},
		{"stock-output", required_argument, NULL, 'S'},
		{"utc-offset", required_argument, NULL, 'u'},
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_import_gbfs_opts o;
	struct bs_data_report rep;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	int ch, quiet = 0, rc;
	size_t i;

	bs_import_gbfs_opts_init(&o);
	bs_error_clear(&err);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': o.station_information = optarg; break;
		case 'r': o.system_regions = optarg; break;
		case 'm': o.region_map = optarg; break;
		case 'w': o.wards = optarg; break;
		case 'c': o.capacity_from = optarg; break;
		case 's': o.station_status = optarg; break;
		case 'S': o.stock_output = optarg; break;
		case 'o': o.output = optarg; break;
		case 'q': quiet = 1; break;
		case 'u': {
			char *end;
			o.utc_offset_min = strtol(optarg, &end, 10);
			if (*end || end == optarg || o.utc_offset_min < -1440 ||
			    o.utc_offset_min > 1440)
				return bs_cli_usage("import gbfs",
						    "--utc-offset '%s': expected minutes from -1440 to 1440 (540 for Japan)",
						    optarg);
			break;
		}
		case 'h':
			fputs(GBFS_HELP, stdout);
			return 0;
		case ':':
		default:
			return bs_cli_bad_option("import gbfs", "import", ch, argv);
		}
	}
	if (optind < argc)
		return bs_cli_usage("import gbfs", "unexpected argument '%s'",
				    argv[optind]);
	if (!o.station_information)
		return bs_cli_usage("import gbfs",
				    "missing --station-information F (the feed's station_information.json)");
	if (!o.output)
		return bs_cli_usage("import gbfs", "missing -o stations.csv");
	if (!o.station_status != !o.stock_output)
		return bs_cli_usage("import gbfs",
				    "--station-status and --stock-output go together; expected both or neither");
	/* every value checked before any input is read */
	{
		const char *const val[] = {o.station_information, o.system_regions,
					   o.region_map, o.wards, o.capacity_from,
					   o.station_status, o.stock_output, o.output};
		static const char *const opt[] = {
			"--station-information", "--system-regions",
			"--region-map", "--wards", "--capacity-from",
			"--station-status", "--stock-output", "-o"};
		static const char *const what[] = {
			"a station_information.json", "a system_regions.json",
			"ID=WARD,... pairs", "ward names, e.g. Minato,Chuo",
			"a status series", "a station_status.json",
			"an output file", "an output file"};
		for (i = 0; i < sizeof(val) / sizeof(val[0]); i++)
			if (val[i] && (rc = bs_cli_nonempty("import gbfs", opt[i],
							    val[i], what[i])))
				return rc;
	}
	bs_cli_monitor(&mon, &watch, "import", 1);
	o.monitor = &mon;
	if ((rc = bs_import_gbfs(&o, &rep, &err)))
		return bs_cli_fail(&err, rc);
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: %s is complete", o.output);
		return BS_EXIT_FAIL;
	}
	bs_cli_warnings(&rep.warnings);
	if (!quiet) {
		printf("%s: %zu stations of the feed's %zu (%zu outside the wards), %llu docks\n",
		       o.output, rep.stations, rep.feed_stations, rep.outside,
		       (unsigned long long)rep.docks);
		if (o.capacity_from)
			printf("  capacity: largest bikes + docks in %s (%zu ports changed)\n",
			       o.capacity_from, rep.capacity_raised);
		if (o.stock_output)
			printf("%s: %llu bikes at %zu stations\n", o.stock_output,
			       (unsigned long long)rep.bikes, rep.stocked);
		printf("  warnings: %ld\n", rep.warnings.count);
	}
	return 0;
}

static int import_trips(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ward", required_argument, NULL, 'w'},
		{"capacity", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_import_trips_opts o;
	struct bs_data_report rep;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	uint64_t v;
	int ch, quiet = 0, rc;

	bs_import_trips_opts_init(&o);
	o.ward = "system";
	o.capacity = 20;
	bs_error_clear(&err);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (bs_cli_nonempty("import trips", "--ward", optarg,
					    "a ward name"))
				return BS_EXIT_USAGE;
			o.ward = optarg;
			break;
		case 'c':
			if (bs_cli_uint(optarg, 1, 100000, &v))
				return bs_cli_usage("import trips",
						    "--capacity '%s': expected a whole number of docks from 1 to 100000",
						    optarg);
			o.capacity = (uint32_t)v;
			break;
		case 'o': o.output = optarg; break;
		case 'q': quiet = 1; break;
		case 'h':
			fputs(TRIPS_HELP, stdout);
			return 0;
		case ':':
		default:
			return bs_cli_bad_option("import trips", "import", ch, argv);
		}
	}
	if ((rc = bs_cli_one_operand("import trips", argc, argv, "LOG.csv (a trip log)",
				     "a trip log", &o.log)))
		return rc;
	if (!o.output)
		return bs_cli_usage("import trips", "missing -o stations.csv");
	if ((rc = bs_cli_nonempty("import trips", "-o", o.output, "an output file")))
		return rc;
	bs_cli_monitor(&mon, &watch, "import", 1);
	o.monitor = &mon;
	if ((rc = bs_import_trips(&o, &rep, &err)))
		return bs_cli_fail(&err, rc);
	if (bs_cli_interrupted()) {
		bs_cli_say("interrupted while writing: %s is complete", o.output);
		return BS_EXIT_FAIL;
	}
	bs_cli_warnings(&rep.warnings);
	if (!quiet)
		printf("%s: %zu stations of %llu rides in %s (ward %s, %u docks each); warnings: %ld\n",
		       o.output, rep.stations, (unsigned long long)rep.rows, o.log,
		       o.ward, o.capacity, rep.warnings.count);
	return 0;
}

int bs_cmd_import(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 2) {
			fputs(IMPORT_HELP, stderr);
			return BS_EXIT_USAGE;
		}
		fputs(IMPORT_HELP, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "gbfs"))
		return import_gbfs(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trips"))
		return import_trips(argc - 1, argv + 1);
	return bs_cli_usage("import", "unknown source '%s'; expected gbfs or trips",
			    argv[1]);
}
