/*
 * cmd_import.c - `bssim import gbfs ...` and `bssim import trips ...`:
 * build a stations CSV (and an initial-stock CSV) from what bike-share
 * systems publish. Every file is written whole or not at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/gbfs.h"
#include "output/output.h"
#include "input/status.h"
#include "input/triplog.h"
#include "cli.h"

static const char IMPORT_HELP[] =
	"usage: bssim import gbfs --station-information F [--system-regions F]\n"
	"                         [--region-map ID=WARD,...] [--wards W,...]\n"
	"                         [--capacity-from SERIES] [--station-status F\n"
	"                          --stock-output F] -o stations.csv\n"
	"       bssim import trips LOG.csv [--ward NAME] [--capacity K] -o stations.csv\n"
	"\n"
	"gbfs: read a GBFS station_information.json (1.x or 2.x) into a\n"
	"stations CSV (station_id,name,ward,lat,lon,capacity).\n"
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
	"\n"
	"trips: derive the stations of a published trip log (Citi Bike's layout)\n"
	"from its start and end stations (id, name, position). Logs carry no dock\n"
	"counts: every station gets --capacity docks (default 20).\n"
	"  --ward NAME              the ward of every station (default: system)\n"
	"\n"
	"  -o, --output F           the stations CSV to write\n"
	"  -q, --quiet              print nothing but errors and warnings\n"
	"\n"
	"Rows that can be skipped safely are skipped with a warning (the first\n"
	"few named, all counted). exit status: 0 success, 1 cannot write,\n"
	"2 bad usage or bad input.\n";

static void put_stations(const void *ud, FILE *fp)
{
	bs_gbfs_write_stations(ud, fp);
}

static void put_stock(const void *ud, FILE *fp)
{
	bs_gbfs_write_stock(ud, fp);
}

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
	struct bs_gbfs_opts o;
	const char *out = NULL, *series_path = NULL, *status_path = NULL,
		   *stock_out = NULL;
	long utc = 540;
	struct bs_gbfs *g = NULL;
	struct bs_status *series = NULL;
	struct bs_error err;
	int ch, quiet = 0, status = BS_EXIT_OK, rc;
	size_t i, kept;
	long bikes = 0, nstock = 0;

	memset(&o, 0, sizeof(o));
	bs_error_clear(&err);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'i': o.info_path = optarg; break;
		case 'r': o.regions_path = optarg; break;
		case 'm': o.region_map = optarg; break;
		case 'w': o.wards = optarg; break;
		case 'c': series_path = optarg; break;
		case 's': status_path = optarg; break;
		case 'S': stock_out = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'u': {
			char *end;
			utc = strtol(optarg, &end, 10);
			if (*end || end == optarg || utc < -1440 || utc > 1440)
				return bs_cli_usage("import gbfs",
						    "--utc-offset '%s': expected minutes from -1440 to 1440 (540 for Japan)",
						    optarg);
			break;
		}
		case 'h':
			fputs(IMPORT_HELP, stdout);
			return 0;
		case ':':
			return bs_cli_usage("import gbfs", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("import gbfs",
					    "unknown option '%s'; see bssim import --help",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bs_cli_usage("import gbfs", "unexpected argument '%s'",
				    argv[optind]);
	if (!o.info_path)
		return bs_cli_usage("import gbfs",
				    "missing --station-information F (the feed's station_information.json)");
	if (!out)
		return bs_cli_usage("import gbfs", "missing -o stations.csv");
	if (!status_path != !stock_out)
		return bs_cli_usage("import gbfs",
				    "--station-status and --stock-output go together; expected both or neither");
	/* every value checked before any input is read */
	{
		const char *const val[] = {o.info_path, o.regions_path,
					   o.region_map, o.wards, series_path,
					   status_path, stock_out, out};
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
		if ((rc = bs_cli_check_output("-o", out)) ||
		    (stock_out && (rc = bs_cli_check_output("--stock-output",
							     stock_out))))
			return rc;
	}
	g = bs_gbfs_read(&o, &err);
	if (!g)
		goto input_error;
	if (series_path) {
		series = bs_status_load(series_path, utc, &err);
		if (!series)
			goto input_error;
		bs_gbfs_capacity_from_status(g, series);
	}
	if (status_path && (rc = bs_gbfs_read_stock(g, status_path, &err)))
		goto input_error;
	kept = bs_gbfs_finish(g);
	if (kept < 2) {
		bs_error_set(&err, BS_E_INPUT, o.info_path, 0, 0, NULL,
			     "%zu station(s) selected; expected at least two (check --wards and the region map)",
			     kept);
		goto input_error;
	}
	for (i = 0; i < g->n; i++)
		if (g->st[i].stock >= 0) {
			bikes += g->st[i].stock;
			nstock++;
		}
	bs_cli_write_begin("%s", out);
	{
		const struct bs_cli_out outs[] = {
			{out, "-o", put_stations, g},
			{stock_out, "--stock-output", put_stock, g}};
		rc = bs_cli_write_files(outs, 2, &err);
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
	bs_cli_warnings(&g->warn);
	if (!quiet) {
		long docks = 0;
		for (i = 0; i < g->n; i++)
			docks += g->st[i].capacity;
		printf("%s: %zu stations of the feed's %zu (%zu outside the wards), %ld docks\n",
		       out, g->n, g->feed_stations, g->outside, docks);
		if (series)
			printf("  capacity: largest bikes + docks in %s (%zu ports changed)\n",
			       series_path, g->capacity_raised);
		if (stock_out)
			printf("%s: %ld bikes at %ld stations\n", stock_out, bikes,
			       nstock);
		printf("  warnings: %ld\n", g->warn.count);
	}
	goto done;
input_error:
	bs_cli_error(&err);
	status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
done:
	bs_status_free(series);
	bs_gbfs_free(g);
	return status;
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
		return bs_cmd_import_trips(argc - 1, argv + 1);
	return bs_cli_usage("import", "unknown source '%s'; expected gbfs or trips",
			    argv[1]);
}
