/*
 * cmd_check.c - `bssim check SCENARIO.json [--set KEY=VALUE]... [--json]`:
 * read every input the run would read, check it, and print what the
 * scenario resolves to. Writes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ops.h"
#include "calib/world.h"
#include "cli.h"

static const char CHECK_HELP[] =
	"usage: bssim check SCENARIO.json [--set KEY=VALUE]... [--json]\n"
	"\n"
	"Validate the scenario and every file it names (stations, agreement\n"
	"wards, prices, fleet size) without running it, and print the resolved\n"
	"scenario: network and fleet by ward, expected demand, agreement.\n"
	"\n"
	"options:\n"
	"      --set KEY=VALUE   override a scenario key, as for bssim run\n"
	"      --json            print the resolved scenario as JSON instead\n"
	"  -h, --help            this help\n"
	"\n"
	"exit status: 0 valid, 2 bad usage or bad input.\n";

static const char *const WEEKDAYS[] = {"Monday", "Tuesday", "Wednesday",
				       "Thursday", "Friday", "Saturday",
				       "Sunday"};

static void print_summary(const struct bs_scenario *sc,
			  const struct bs_world *w)
{
	const struct bs_params *p = &sc->p;
	const struct bs_network *net = w->net;
	double warm = p->warmup_days * BS_MINUTES_PER_DAY;
	double hor = p->days * BS_MINUTES_PER_DAY, mdays = p->days - p->warmup_days;
	double *req = calloc(net->nwards, sizeof(double)), total = 0.0;
	uint64_t *bikes = calloc(net->nwards, sizeof(uint64_t));
	size_t i, a, b;

	if (!req || !bikes) {
		free(req);
		free(bikes);
		return;
	}
	for (i = 0; i < net->n; i++) {
		double e = bs_demand_expected(w->dem, (uint32_t)i, warm, hor) / mdays;
		req[net->ward[i]] += e;
		total += e;
		bikes[net->ward[i]] += w->init_stock[i];
	}
	printf("%s: OK (%s)\n", sc->name, sc->file);
	printf("  horizon     %g day%s from a %s, warm-up %g (%g measured); %u replication%s, seed %llu\n",
	       p->days, p->days == 1.0 ? "" : "s", WEEKDAYS[p->start_weekday],
	       p->warmup_days, mdays, p->replications,
	       p->replications == 1 ? "" : "s", (unsigned long long)p->seed);
	if (sc->stations_path)
		printf("  network     %zu stations, %llu docks, %zu wards (%s)\n",
		       net->n, (unsigned long long)net->total_docks,
		       net->nwards, sc->stations_path);
	else
		printf("  network     synthetic: %zu stations of %u docks, %zu wards, %g m apart\n",
		       net->n, sc->syn_cap, net->nwards, sc->syn_spacing_m);
	printf("  fleet       %llu bikes (%.1f%% of docks)%s%s\n",
	       (unsigned long long)w->model.fleet,
	       100.0 * (double)w->model.fleet / (double)net->total_docks,
	       sc->initial_path ? "; initial stock from " : "",
	       sc->initial_path ? sc->initial_path : "");
	if (p->demand == BS_DEMAND_UNIFORM)
		printf("  demand      uniform: %g per station per hour; destinations uniform\n",
		       p->rate_per_station_per_hour);
	else if (p->demand == BS_DEMAND_RATES)
		printf("  demand      rates: %s; destinations %s%s%s, decay %g m, farthest %g m\n",
		       sc->rates_path, sc->od_path ? "from " : "gravity",
		       sc->od_path ? sc->od_path : "",
		       w->dem->dest_acc ? " balanced to each hour's arrivals" : "",
		       p->decay_m, p->max_trip_m);
	else if (p->demand == BS_DEMAND_TRACE)
		printf("  demand      trace: %s; %zu rides, %zu of them in the horizon\n",
		       sc->trips_path, w->trace_rows, w->trace_kept);
	else
		printf("  demand      gravity: %g trips per weekday; decay %g m, farthest %g m\n",
		       p->trips_per_day, p->decay_m, p->max_trip_m);
	printf("              expected requests per measured day: %.1f\n", total);
	if (p->dur == BS_DUR_EXPONENTIAL)
		printf("  rides       exponential, mean %g min\n", p->mean_min);
	else
		printf("  rides       distance: %g km/h, detour %g, noise sd %g, at least %g min\n",
		       p->speed_kmh, p->detour, p->noise_sd, p->min_min);
	printf("  behaviour   walk up to %g m; at a full port: %s; forbidden return: %s\n",
	       p->walk_radius_m,
	       p->on_full == BS_FULL_RANDOM ? "random port" : "nearest free allowed port",
	       p->forbidden == BS_FORBID_LOST ? "lost" : "truncate");
	{
		static const char *const POL[] = {"none", "threshold", "repatriate"};
		static const char *const RULE[] = {"renting ward", "owner ward",
						   "split by time in each ward"};
		printf("  trucks      %s", POL[p->reb_policy]);
		if (p->reb_policy != BS_REB_NONE)
			printf(": %zu trucks of %u bikes in %zu service area%s, %g-%g h",
			       w->ops->ntrucks, p->truck_capacity,
			       w->ops->trucks.ngroups,
			       w->ops->trucks.ngroups == 1 ? "" : "s",
			       p->reb_shift_start_h, p->reb_shift_end_h);
		printf("\n");
		if (p->battery)
			printf("  batteries   %g per km, rentable from %g; %zu swap crews, %g-%g h\n",
			       p->bat_use_per_km, p->bat_min_rentable,
			       w->ops->ncrews, p->bat_shift_start_h,
			       p->bat_shift_end_h);
		else
			printf("  batteries   not modelled\n");
		printf("  fares       earned by the %s", RULE[p->settlement]);
		if (p->dock_fee_yen > 0.0)
			printf("; %g yen a night per foreign bike", p->dock_fee_yen);
		if (p->repatriation_yen > 0.0)
			printf("; %g yen per bike brought home", p->repatriation_yen);
		printf("\n");
	}
	printf("  agreement   %s (%zu cross-ward permissions)\n",
	       json_string_value(json_object_get(
		       json_object_get(sc->root, "agreement"), "type")),
	       bs_agreement_cross_pairs(w->agr));
	printf("\n  %-14s %9s %8s %8s %13s %10s\n", "ward", "stations", "docks",
	       "bikes", "requests/day", "price/blk");
	for (a = 0; a < net->nwards; a++)
		printf("  %-14s %9u %8llu %8llu %13.1f %10g\n",
		       net->ward_names[a], net->ward_nstations[a],
		       (unsigned long long)net->ward_docks[a],
		       (unsigned long long)bikes[a], req[a],
		       w->agr->price_yen[a]);
	if (net->nwards > 1 && net->nwards <= 16) {
		printf("\n  may a bike of (row) be returned in (column)?\n  %-14s",
		       "");
		for (b = 0; b < net->nwards; b++)
			printf(" %-9.9s", net->ward_names[b]);
		printf("\n");
		for (a = 0; a < net->nwards; a++) {
			printf("  %-14s", net->ward_names[a]);
			for (b = 0; b < net->nwards; b++)
				printf(" %-9s", bs_agreement_allows(w->agr, (unsigned)a,
								    (unsigned)b)
							? "yes"
							: "-");
			printf("\n");
		}
	}
	if (sc->nunused) {
		printf("\n  given but not used by this scenario:");
		for (i = 0; i < sc->nunused; i++)
			printf(" %s", sc->unused[i]);
		printf("\n");
	}
	free(req);
	free(bikes);
}

int bs_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"set", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_set *sets = calloc((size_t)argc + 1, sizeof(*sets));
	struct bs_scenario *sc = NULL;
	struct bs_world *w = NULL;
	struct bs_error err;
	size_t nset = 0;
	int ch, json = 0, status = BS_EXIT_OK;

	bs_error_clear(&err);
	if (!sets)
		return bs_cli_nomem("check", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (bs_cli_override(optarg, &sets[nset])) {
				free(sets);
				return bs_cli_usage("check",
						    "--set '%s': expected KEY=VALUE",
						    optarg);
			}
			nset++;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			fputs(CHECK_HELP, stdout);
			free(sets);
			return 0;
		case ':':
			free(sets);
			return bs_cli_usage("check", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			free(sets);
			return bs_cli_usage("check",
					    "unknown option '%s'; see bssim check --help",
					    argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		free(sets);
		return bs_cli_usage("check",
				    optind >= argc ? "missing SCENARIO.json"
						   : "expected one scenario file");
	}
	if (bs_cli_operands("check", argv + optind, 1, "a scenario file")) {
		free(sets);
		return BS_EXIT_USAGE;
	}
	sc = bs_scenario_load(argv[optind], sets, nset, &err);
	if (sc)
		w = bs_world_build(sc, &err);
	if (!sc || !w) {
		bs_cli_error(&err);
		status = bs_cli_exit(err.code ? err.code : BS_E_INPUT);
	} else if (json) {
		bs_cli_warnings(&w->warn);
		json_dumpf(sc->root, stdout, JSON_INDENT(2));
		printf("\n");
	} else {
		bs_cli_warnings(&w->warn);
		print_summary(sc, w);
		if (w->warn.count)
			printf("  input warnings: %ld (rows skipped)\n", w->warn.count);
	}
	bs_world_free(w);
	bs_scenario_free(sc);
	free(sets);
	return status;
}
