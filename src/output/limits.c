/*
 * limits.c - the table of limits that `bssim limits` prints and
 * docs/robustness.md carries (see limits.h). The numbers are read from the
 * macros the checks use and from the key table's bounds, never written
 * twice.
 */
#include "base/limits.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "input/keys.h"

enum unit { U_COUNT, U_BYTES, U_POW2, U_REAL };

struct limit {
	const char *what;
	const char *where; /* the key, file or input that carries it */
	double value;
	enum unit unit;
	const char *why;
};

/* A whole number with thousands separated: 2,000,000. */
static void grouped(double v, char *buf, size_t sz)
{
	char digits[64];
	int n, i, o = 0;

	n = snprintf(digits, sizeof(digits), "%.0f", v);
	for (i = 0; i < n && (size_t)o + 2 < sz; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

static void show(double v, enum unit u, char *buf, size_t sz)
{
	char g[64];

	switch (u) {
	case U_BYTES:
		snprintf(buf, sz, "%.0f MiB", v / 1048576.0);
		break;
	case U_POW2:
		grouped(v, g, sizeof(g));
		snprintf(buf, sz, "2^%.0f (%s)", log2(v), g);
		break;
	case U_REAL:
		/* 1e15 reads as 10^15 */
		if (v >= 1e6 && fabs(log10(v) - round(log10(v))) < 1e-12)
			snprintf(buf, sz, "10^%.0f", log10(v));
		else
			snprintf(buf, sz, "%g", v);
		break;
	default:
		grouped(v, buf, sz);
	}
}

static const struct limit LIMITS[] = {
	{"stations", "stations file rows, `network.synthetic.stations`",
	 BS_MAX_STATIONS, U_COUNT, "each is held with its neighbours in every replication"},
	{"docks per port", "stations file `capacity`, `network.synthetic.capacity`",
	 BS_MAX_CAPACITY, U_COUNT, "a port of more docks is a typing error"},
	{"docks in all", "the network", (double)BS_MAX_DOCKS, U_POW2,
	 "every dock is a slot in memory in every replication (4 bytes each)"},
	{"wards", "stations file `ward`, `network.synthetic.wards`, GBFS regions",
	 BS_MAX_WARDS, U_COUNT, "ward x ward matrices in every result"},
	{"walking-neighbour entries", "`behaviour.walk_radius_m`, the stations' spacing",
	 BS_MAX_NEIGHBOURS, U_POW2,
	 "8 bytes each (1 GiB); bounded from the grid before the table is built"},
	{"neighbour-search pairs", "the stations' layout", BS_MAX_NB_PAIRS, U_POW2,
	 "the work of building the table, for networks too clustered for the grid"},
	{"gravity destination entries", "`demand.max_trip_m`, `demand.decay_m`",
	 BS_MAX_OD_ENTRIES, U_COUNT, "about 1 GB of alias tables"},
	{"events per replication (estimated)", "demand, horizon, trucks' `review_min`",
	 BS_EVENT_BUDGET, U_POW2,
	 "an eighth of the engine's 2^43 sequence numbers; days of one core"},
	{"time-series samples per replication", "`output.timeseries_step_min` and `horizon.days`",
	 BS_MAX_SAMPLES, U_COUNT, "the series is kept in memory for the output"},
	{"sweep points", "a sweep file's `vary` (times a design's points)",
	 BS_SWEEP_MAX_POINTS, U_COUNT, "the plan holds about 4.6 KiB a point"},
	{"design points per cell", "`design.points` (N (k + 2) for Sobol' designs)",
	 BS_DESIGN_MAX_ROWS, U_COUNT,
	 "the analysis keeps a cell's point means and block A's replications in memory"},
	{"design bootstrap", "`design.bootstrap`", BS_DESIGN_MAX_BOOT, U_COUNT,
	 "resamples x points x keys of work per metric and ward"},
	{"sweep tasks", "points x replications", BS_SWEEP_MAX_TASKS, U_COUNT,
	 "one bit and one record each in memory and in the task log"},
	{"scenario file", "the file", (double)BS_MAX_SCENARIO_FILE, U_BYTES,
	 "read whole to locate errors by line and column"},
	{"sweep file", "the file", (double)BS_MAX_SWEEP_FILE, U_BYTES,
	 "read whole to locate errors by line and column"},
	{"JSON files read whole", "GBFS feeds, status JSON, summary.json, sweep plans, stations.geojson",
	 (double)BS_MAX_JSON_FILE, U_BYTES, "a 256-ward summary is a few MiB"},
	{"JSON nesting", "every JSON input", JSON_PARSER_MAX_DEPTH, U_COUNT,
	 "jansson's parser stops there (`maximum parsing depth reached`)"},
	{"CSV field", "every CSV input", BS_CSV_MAX_FIELD, U_BYTES,
	 "checked as bytes arrive; real fields are at most 78 bytes"},
	{"CSV row", "every CSV input", BS_CSV_MAX_ROW, U_BYTES,
	 "checked as bytes arrive; real rows are at most 224 bytes"},
	{"CSV columns", "every CSV input, the header too", BS_CSV_MAX_COLUMNS, U_COUNT,
	 "real headers have at most 15 columns"},
	{"requests an hour at a port", "rates CSV", BS_MAX_RATE, U_COUNT,
	 "sums over any file stay exact whole numbers"},
	{"trips of an OD pair", "OD CSV", BS_MAX_OD_TRIPS, U_COUNT,
	 "sums over any file stay finite"},
	{"weight of an hour", "`demand.profile.weekday`, `.weekend`", BS_MAX_HOUR_WEIGHT, U_REAL,
	 "24 of them sum to a finite number"},
	{"`last_updated`", "status JSON", (double)BS_MAX_POSIX_TIME, U_COUNT,
	 "the end of the year 9999: adding a UTC offset cannot overflow"},
};

/* Scenario keys whose bounds are limits in this sense (the key table
 * holds every other key's range: docs/scenario-keys.md). */
static const struct {
	const char *key;
	const char *why;
} KEY_LIMITS[] = {
	{"seed", "exact in every JSON reader (2^53 - 1)"},
	{"replications", "each is kept in memory until the run is written"},
	{"horizon.days", "ten years"},
	{"fleet.bikes", "and never more than the docks"},
	{"rebalancing.review_min", "one event per look: a shorter period makes a run that cannot end"},
	{"behaviour.retry_min", "one event per retry, as above"},
	{"fees.block_min", "a fare is price x blocks: a tiny block makes revenue overflow"},
	{"trip.duration.speed_kmh", "keeps ride times, fares and hours finite"},
	{"rebalancing.speed_kmh", "keeps travel times finite"},
};

void bs_limits_write(FILE *out)
{
	size_t i;
	char v[96], lo[64], hi[64];

	fputs("| limit | where | bound | why |\n|---|---|---|---|\n", out);
	for (i = 0; i < sizeof(LIMITS) / sizeof(LIMITS[0]); i++) {
		show(LIMITS[i].value, LIMITS[i].unit, v, sizeof(v));
		fprintf(out, "| %s | %s | %s | %s |\n", LIMITS[i].what,
			LIMITS[i].where, v, LIMITS[i].why);
	}
	for (i = 0; i < sizeof(KEY_LIMITS) / sizeof(KEY_LIMITS[0]); i++) {
		double min, max;
		int open;
		if (bs_key_range(KEY_LIMITS[i].key, &min, &max, &open)) {
			/* a key renamed: check_cli refuses this line */
			fprintf(out, "| key `%s` | not a numeric key: fix src/output/limits.c | | |\n",
				KEY_LIMITS[i].key);
			continue;
		}
		show(min, min == floor(min) ? U_COUNT : U_REAL, lo, sizeof(lo));
		show(max, max == floor(max) ? U_COUNT : U_REAL, hi, sizeof(hi));
		fprintf(out, "| key `%s` | scenario file, `--set` | %s%s to %s | %s |\n",
			KEY_LIMITS[i].key, open ? "above " : "", lo, hi,
			KEY_LIMITS[i].why);
	}
}
