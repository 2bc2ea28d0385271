/*
 * scenario.c - scenario loading and validation, driven by one key table
 * (see scenario.h).
 */
#include "input/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "input/csvread.h"
#include "input/jsonpos.h"
#include "base/limits.h"
#include "model/network.h"
#include "input/triplog.h"

enum ktype {
	T_OBJ,    /* object; def "{}" means created for its defaults */
	T_INT,    /* integer (an integral real is accepted) */
	T_NUM,    /* number */
	T_STR,    /* string */
	T_BOOL,   /* true / false */
	T_ENUM,   /* one of choices */
	T_PATH,   /* file path, relative to the scenario */
	T_HOURS,  /* 24 non-negative numbers, positive sum */
	T_PAIRS,  /* [[ward, ward], ...] */
	T_WARDS,  /* {ward: [ward, ...], ...} */
	T_PRICE,  /* number, or {ward: number, ...} */
	T_WCOUNT, /* integer, or {ward: integer, ...} */
	T_POOL,   /* true/false, or [[ward, ...], ...] pooling groups */
	T_WSTR    /* {ward: string, ...} */
};

struct keyspec {
	const char *path;
	enum ktype type;
	double min, max;    /* inclusive bounds for numbers */
	int min_open;       /* min itself excluded */
	const char *def;    /* JSON text of the default, or NULL */
	const char *choices; /* T_ENUM: "a|b|c" */
	const char *when;   /* "key=value" or "key": where the key applies */
	const char *help;
};

#define BIG 1e15
#define MAX_SEED 9007199254740991.0 /* 2^53 - 1: exact in every JSON reader */

/*
 * The scenario format, version 1. Order matters: a parent before its
 * children, and a key before the keys whose condition reads it.
 */
static const struct keyspec KEYS[] = {
	{"bssim", T_INT, 1, 1, 0, NULL, NULL, NULL,
	 "format version; must be 1"},
	{"name", T_STR, 0, 0, 0, NULL, NULL, NULL,
	 "run name: letters, digits, '.', '_' or '-'; default output folder out/<name> (default: the file name)"},
	{"description", T_STR, 0, 0, 0, NULL, NULL, NULL,
	 "free text: the question this scenario answers"},
	{"seed", T_INT, 0, MAX_SEED, 0, "1", NULL, NULL,
	 "base seed of every random stream"},
	{"replications", T_INT, 1, 10000, 0, "10", NULL, NULL,
	 "independent replications (common random numbers across scenarios)"},

	{"horizon", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "simulated time"},
	{"horizon.days", T_NUM, 0, 3650, 1, "7", NULL, NULL,
	 "length of a replication in days (at most 3650)"},
	{"horizon.warmup_days", T_NUM, 0, 3650, 0, "0", NULL, NULL,
	 "days at the start left out of every result; less than days"},
	{"horizon.start_weekday", T_ENUM, 0, 0, 0, "\"mon\"",
	 "mon|tue|wed|thu|fri|sat|sun", NULL, "day of the week of day 0"},

	{"network", T_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 "the stations: give `stations` or `synthetic`"},
	{"network.stations", T_PATH, 0, 0, 0, NULL, NULL, NULL,
	 "stations CSV: station_id,name,ward,lat,lon,capacity"},
	{"network.synthetic", T_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 "a generated grid network instead of a CSV"},
	{"network.synthetic.stations", T_INT, 2, BS_MAX_STATIONS, 0, NULL, NULL,
	 "network.synthetic", "number of stations"},
	{"network.synthetic.capacity", T_INT, 1, 100000, 0, NULL, NULL,
	 "network.synthetic", "docks per station"},
	{"network.synthetic.wards", T_INT, 1, 256, 0, "1", NULL,
	 "network.synthetic", "wards (bands of grid rows, named W1, W2, ...)"},
	{"network.synthetic.spacing_m", T_NUM, 0, 100000, 1, "300", NULL,
	 "network.synthetic", "distance between neighbouring stations, metres"},

	{"fleet", T_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 "bikes: give `bikes` or `fill` (not both), and/or `initial`"},
	{"fleet.bikes", T_INT, 0, 1e10, 0, NULL, NULL, NULL,
	 "total bikes, spread over stations in proportion to capacity"},
	{"fleet.fill", T_NUM, 0, 1, 0, NULL, NULL, NULL,
	 "share of all docks holding a bike at the start"},
	{"fleet.initial", T_PATH, 0, 0, 0, NULL, NULL, NULL,
	 "stock CSV station_id,bikes: each station's bikes at the start (unlisted: 0); with bikes or fill, bikes are added in proportion to free docks or taken in proportion to stock"},

	{"demand", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "who rides, when, where to"},
	{"demand.model", T_ENUM, 0, 0, 0, "\"gravity\"",
	 "uniform|gravity|rates|trace", NULL,
	 "uniform (validation), gravity, rates (per station and hour, from a CSV) or trace (replay a trip log)"},
	{"demand.rates", T_PATH, 0, 0, 0, NULL, NULL, "demand.model=rates",
	 "rates CSV station_id,hour,departures_per_hour[,arrivals_per_hour] (bssim calibrate); arrivals weight destinations"},
	{"demand.balance", T_BOOL, 0, 0, 0, "true", NULL, "demand.model=rates",
	 "fit destinations hour by hour so that expected arrivals at each station match the rates CSV's arrivals (doubly constrained gravity); false: weight = daily arrivals"},
	{"demand.od", T_PATH, 0, 0, 0, NULL, NULL, "demand.model=rates",
	 "OD CSV origin_id,destination_id,trips: destinations of the origins it lists, in proportion to trips (others: gravity)"},
	{"demand.trips", T_PATH, 0, 0, 0, NULL, NULL, "demand.model=trace",
	 "trip log CSV to replay (Citi Bike layout: starttime, start station id, end station id, ...)"},
	{"demand.trace_start", T_STR, 0, 0, 0, NULL, NULL, "demand.model=trace",
	 "date YYYY-MM-DD of day 0 (default: the day of the log's first ride)"},
	{"demand.rate_per_station_per_hour", T_NUM, 0, 1e6, 0, NULL, NULL,
	 "demand.model=uniform", "arrivals per station per hour, all week"},
	{"demand.trips_per_day", T_NUM, 0, 1e9, 0, NULL, NULL,
	 "demand.model=gravity", "trips requested per weekday, whole network"},
	{"demand.decay_m", T_NUM, 0, 1e6, 1, "1500", NULL,
	 "demand.model=gravity|rates", "distance-decay length of destination choice, metres"},
	{"demand.max_trip_m", T_NUM, 0, 1e7, 1, "10000", NULL,
	 "demand.model=gravity|rates", "farthest destination considered, metres"},
	{"demand.commute_share_weekday", T_NUM, 0, 1, 0, "0.6", NULL,
	 "demand.model=gravity", "weekday share of trips on the commute profile"},
	{"demand.commute_share_weekend", T_NUM, 0, 1, 0, "0.15", NULL,
	 "demand.model=gravity", "weekend share of trips on the commute profile"},
	{"demand.weekend_factor", T_NUM, 0, 100, 0, "0.8", NULL,
	 "demand.model=gravity|rates", "weekend daily volume relative to a weekday"},
	{"demand.profile", T_OBJ, 0, 0, 0, NULL, NULL, "demand.model=gravity",
	 "own hour-of-day shapes instead of the commute/leisure mix"},
	{"demand.profile.weekday", T_HOURS, 0, 0, 0, NULL, NULL,
	 "demand.model=gravity", "24 relative weights, 00h to 23h"},
	{"demand.profile.weekend", T_HOURS, 0, 0, 0, NULL, NULL,
	 "demand.model=gravity", "24 relative weights (default: as weekday)"},

	{"trip", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "rides"},
	{"trip.duration", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "ride time"},
	{"trip.duration.dist", T_ENUM, 0, 0, 0, "\"distance\"",
	 "exponential|distance", NULL,
	 "exponential (mean_min) or distance (detour x distance / speed, log-normal noise)"},
	{"trip.duration.mean_min", T_NUM, 0, 10080, 1, "15", NULL,
	 "trip.duration.dist=exponential", "mean ride, minutes"},
	/* speeds from 1 km/h: slower is not moving, and the bound keeps every
	 * travel time, and the fares and hours summed from them, finite */
	{"trip.duration.speed_kmh", T_NUM, 1, 100, 0, "12", NULL,
	 "trip.duration.dist=distance", "riding speed, km/h"},
	{"trip.duration.detour", T_NUM, 1, 10, 0, "1.3", NULL,
	 "trip.duration.dist=distance", "road distance / great-circle distance"},
	{"trip.duration.noise_sd", T_NUM, 0, 3, 0, "0.3", NULL,
	 "trip.duration.dist=distance", "sd of the log of the mean-one log-normal factor"},
	{"trip.duration.min_min", T_NUM, 0, 1440, 1, "2", NULL,
	 "trip.duration.dist=distance", "shortest ride leg, minutes"},

	{"behaviour", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "users at empty, full and forbidden ports"},
	{"behaviour.walk_radius_m", T_NUM, 0, 5000, 0, "300", NULL, NULL,
	 "at an empty port, walk to the nearest port with a bike within this; 0: no walking"},
	{"behaviour.on_full", T_ENUM, 0, 0, 0, "\"nearest\"", "nearest|random",
	 NULL, "at a full port: ride to the nearest allowed port with a free dock, or to a random other port"},
	{"behaviour.forbidden_return", T_ENUM, 0, 0, 0, "\"truncate\"",
	 "truncate|lost", NULL,
	 "destination's ward forbidden for the bike: return at the nearest allowed port, or do not ride"},
	/* periods from 0.1 min (6 s): one event per wait, so a shorter one
	 * only multiplies events (1e-9 would never let a run end) */
	{"behaviour.retry_min", T_NUM, 0.1, 1440, 0, "5", NULL, NULL,
	 "wait before retrying when no allowed port has a free dock, minutes"},

	{"agreement", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "mutual use between wards"},
	{"agreement.type", T_ENUM, 0, 0, 0, "\"full\"",
	 "isolated|full|bilateral|matrix", NULL,
	 "isolated, full, bilateral (pairs) or matrix"},
	{"agreement.pairs", T_PAIRS, 0, 0, 0, NULL, NULL,
	 "agreement.type=bilateral", "ward pairs with mutual use, e.g. [[\"Minato\",\"Chiyoda\"]]"},
	{"agreement.matrix", T_WARDS, 0, 0, 0, NULL, NULL,
	 "agreement.type=matrix",
	 "owner ward -> wards where its bikes may be rented and returned (own ward implied)"},

	{"fees", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "what users pay and wards owe each other"},
	{"fees.price_yen", T_PRICE, 0, 1e6, 0, "165", NULL, NULL,
	 "price per started block, yen: one number, or {ward: number} for every ward (165: docomo's price per 30 min)"},
	/* from 1 minute: a fare is price x started blocks, so a block of
	 * 1e-300 minutes makes it inf; with this bound and the prices' the
	 * revenue of 2^43 rides stays below 1e35 yen */
	{"fees.block_min", T_NUM, 1, 1440, 0, "30", NULL, NULL,
	 "tariff block, minutes"},
	{"fees.cross_surcharge_yen", T_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 "added to a ride returned in another ward"},
	{"fees.settlement", T_ENUM, 0, 0, 0, "\"renting\"",
	 "renting|owner|split_time", NULL,
	 "who earns a fare: the renting ward, the bike's owner ward, or each ward by ride time in it"},
	{"fees.foreign_dock_fee_yen", T_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 "per night, owed by a bike's owner ward to the ward whose port holds it"},
	{"fees.night_hour", T_NUM, 0, 23.999, 0, "3", NULL, NULL,
	 "hour of the nightly count of foreign bikes"},
	{"fees.repatriation_yen", T_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 "per bike a truck brings home, owed by the owner ward to the truck's ward"},

	{"rebalancing", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "trucks"},
	{"rebalancing.policy", T_ENUM, 0, 0, 0, "\"none\"",
	 "none|threshold|repatriate", NULL,
	 "none; threshold (keep ports between low and high fill); repatriate (bring bikes home to their owner ward)"},
	{"rebalancing.trucks_per_ward", T_WCOUNT, 0, 1000, 0, "2", NULL, NULL,
	 "trucks each ward owns: one number for all, or {ward: number} for every ward (assumption: 2)"},
	{"rebalancing.pooled", T_POOL, 0, 0, 0, "false", NULL, NULL,
	 "false: each ward's trucks serve its own ports; true: all wards share; or groups [[\"Minato\",\"Chiyoda\"], ...]"},
	{"rebalancing.truck_capacity", T_INT, 1, 1000, 0, "20", NULL, NULL,
	 "bikes a truck carries (assumption)"},
	{"rebalancing.speed_kmh", T_NUM, 1, 200, 0, "15", NULL, NULL,
	 "truck speed in city traffic, km/h (assumption)"},
	{"rebalancing.detour", T_NUM, 1, 10, 0, "1.4", NULL, NULL,
	 "road distance / great-circle distance for trucks"},
	{"rebalancing.load_min_per_bike", T_NUM, 0, 60, 0, "1", NULL, NULL,
	 "minutes to load or unload one bike"},
	{"rebalancing.shift_start_h", T_NUM, 0, 24, 0, "7", NULL, NULL,
	 "daily shift start, hour"},
	{"rebalancing.shift_end_h", T_NUM, 0, 24, 0, "22", NULL, NULL,
	 "daily shift end, hour (after the start)"},
	{"rebalancing.low", T_NUM, 0, 1, 0, "0.2", NULL, NULL,
	 "threshold: a port below this share of its docks in usable bikes needs bikes"},
	{"rebalancing.high", T_NUM, 0, 1, 0, "0.8", NULL, NULL,
	 "threshold: a port above this share of its docks in bikes has too many"},
	{"rebalancing.target", T_NUM, 0, 1, 0, "0.5", NULL, NULL,
	 "fill share a served port is brought to (between low and high)"},
	{"rebalancing.lookahead_min", T_NUM, 0, 1440, 0, "60", NULL, NULL,
	 "threshold: a port also needs bikes when it has fewer rentable than the requests expected this many minutes ahead, and is filled up to them; 0: capacity bands only"},
	{"rebalancing.reach_m", T_NUM, 0, 1e6, 0, "2000", NULL, NULL,
	 "threshold: serve the worst port within this distance of the truck; farther only when none within"},
	{"rebalancing.review_min", T_NUM, 0.1, 1440, 0, "15", NULL, NULL,
	 "an idle truck or crew looks for work again after this many minutes"},
	{"rebalancing.depots", T_WSTR, 0, 0, 0, NULL, NULL, NULL,
	 "{ward: station_id} where each ward's trucks and crews park (default: the ward's port nearest its centroid)"},

	{"battery", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "e-assist batteries and swap crews"},
	{"battery.enabled", T_BOOL, 0, 0, 0, "false", NULL, NULL,
	 "model batteries (all docomo bikes are electric-assist)"},
	{"battery.use_per_km", T_NUM, 0, 1, 0, "0.015", NULL,
	 "battery.enabled", "share of a full battery used per km ridden (assumption: about 67 km per charge)"},
	{"battery.min_rentable", T_NUM, 0, 1, 0, "0.2", NULL, "battery.enabled",
	 "a bike with less charge cannot be rented (assumption)"},
	{"battery.swap_below", T_NUM, 0, 1, 0, "0.6", NULL, "battery.enabled",
	 "crews swap every battery below this charge at the ports they visit"},
	{"battery.initial_min", T_NUM, 0, 1, 0, "0.5", NULL, "battery.enabled",
	 "initial charges are uniform between this and 1"},
	{"battery.crews_per_ward", T_WCOUNT, 0, 1000, 0, "3", NULL,
	 "battery.enabled", "swap crews each ward employs: one number for all, or {ward: number} for every ward (assumption: 3)"},
	{"battery.pooled", T_POOL, 0, 0, 0, "false", NULL, "battery.enabled",
	 "as rebalancing.pooled, for crews"},
	{"battery.speed_kmh", T_NUM, 1, 200, 0, "15", NULL, "battery.enabled",
	 "crew speed, km/h (assumption)"},
	{"battery.swap_min", T_NUM, 0, 60, 0, "1", NULL, "battery.enabled",
	 "minutes per battery swapped (assumption)"},
	{"battery.shift_start_h", T_NUM, 0, 24, 0, "8", NULL, "battery.enabled",
	 "crews' daily shift start, hour"},
	{"battery.shift_end_h", T_NUM, 0, 24, 0, "20", NULL, "battery.enabled",
	 "crews' daily shift end, hour (after the start)"},

	{"costs", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "operating costs (all assumptions)"},
	{"costs.truck_hour_yen", T_NUM, 0, 1e7, 0, "3000", NULL, NULL,
	 "per truck per hour on shift: driver and vehicle"},
	{"costs.truck_km_yen", T_NUM, 0, 1e7, 0, "40", NULL, NULL,
	 "per truck kilometre: fuel and wear"},
	{"costs.crew_hour_yen", T_NUM, 0, 1e7, 0, "2000", NULL, NULL,
	 "per swap crew per hour on shift"},
	{"costs.swap_yen", T_NUM, 0, 1e7, 0, "30", NULL, NULL,
	 "per battery swapped: charging and wear"},

	{"output", T_OBJ, 0, 0, 0, "{}", NULL, NULL, "what is written"},
	{"output.timeseries_step_min", T_NUM, 1, 1440, 0, "15", NULL, NULL,
	 "minutes between time-series samples"},
	{"output.trips", T_BOOL, 0, 0, 0, "false", NULL, NULL,
	 "write trips.csv, one row per trip (streamed to disk)"},
	{"output.geojson", T_BOOL, 0, 0, 0, "false", NULL, NULL,
	 "write stations.geojson: one RFC 7946 Point per port with its stations.csv results, for GIS tools and the map plot"},
};

#define NKEYS (sizeof(KEYS) / sizeof(KEYS[0]))

static const struct keyspec *spec_of(const char *path)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(KEYS[i].path, path) == 0)
			return &KEYS[i];
	return NULL;
}

int bs_scenario_key_known(const char *key)
{
	return spec_of(key) != NULL;
}

int bs_scenario_key_range(const char *key, double *min, double *max,
			  int *min_open)
{
	const struct keyspec *k = spec_of(key);

	if (!k || (k->type != T_INT && k->type != T_NUM && k->type != T_PRICE &&
		   k->type != T_WCOUNT))
		return -1;
	*min = k->min;
	*max = k->max;
	*min_open = k->min_open;
	return 0;
}

/* ---- JSON helpers -------------------------------------------------------- */

/* Borrowed value at a dotted path, or NULL. */
static json_t *get_path(json_t *root, const char *path)
{
	char buf[256], *save = NULL, *tok;
	json_t *v = root;

	if (bs_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return NULL;
	for (tok = strtok_r(buf, ".", &save); tok && v;
	     tok = strtok_r(NULL, ".", &save)) {
		if (!json_is_object(v))
			return NULL;
		v = json_object_get(v, tok);
	}
	return v;
}

/* Set (or with v == NULL, delete) the value at path, creating objects on
 * the way. Steals v. 0, or -1 with *bad set to the prefix that is not an
 * object. */
static int set_path(json_t *root, const char *path, json_t *v, char *bad,
		    size_t badsz)
{
	char buf[256], *dot, *cur = buf;
	json_t *o = root;

	if (bs_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		json_decref(v);
		bs_strlcpy(bad, path, badsz);
		return -1;
	}
	while ((dot = strchr(cur, '.')) != NULL) {
		json_t *next;
		*dot = '\0';
		next = json_object_get(o, cur);
		if (!next) {
			if (!v)
				return 0; /* deleting below a missing object */
			next = json_object();
			if (!next || json_object_set_new(o, cur, next)) {
				json_decref(v);
				return -2;
			}
		} else if (!json_is_object(next)) {
			json_decref(v);
			bs_strlcpy(bad, buf, badsz);
			return -1;
		}
		*dot = '.';
		o = next;
		cur = dot + 1;
	}
	if (!v) {
		json_object_del(o, cur);
		return 0;
	}
	return json_object_set_new(o, cur, v) ? -2 : 0;
}

/* A short rendering of a value for messages. */
static void show(const json_t *v, char *buf, size_t sz)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
					 JSON_REAL_PRECISION(15)) : NULL;

	if (!s) {
		bs_strlcpy(buf, v ? "?" : "nothing", sz);
		return;
	}
	if (strlen(s) > 60)
		memcpy(s + 57, "...", 4);
	bs_strlcpy(buf, s, sz);
	free(s);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* ---- errors -------------------------------------------------------------- */

static const char *set_origin(char **keys, size_t n, const char *key)
{
	size_t i;

	/* the last --set that covers key wins, as in applying them */
	for (i = n; i-- > 0;) {
		size_t l = strlen(keys[i]);
		if (strncmp(keys[i], key, l) == 0 &&
		    (key[l] == '\0' || key[l] == '.' || key[l] == '['))
			return keys[i];
	}
	return NULL;
}

static void verr(const char *file, const char *text, size_t textlen,
		 char **setk, size_t nset, struct bs_error *err,
		 const char *key, const char *fmt, va_list ap)
{
	char msg[900];
	long line = 0, col = 0;
	const char *o;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	o = set_origin(setk, nset, key);
	if (o) {
		/* the value came from the command line: name the option and
		 * the key (the key may be below the one that was set) */
		bs_error_set(err, BS_E_INPUT, "--set", 0, 0, key, "%s", msg);
		return;
	}
	if (text)
		bs_json_locate(text, textlen, key, &line, &col);
	bs_error_set(err, BS_E_INPUT, file, line, col, key, "%s", msg);
}

int bs_scenario_error(const struct bs_scenario *sc, struct bs_error *err,
		      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(sc->file, sc->text, sc->textlen, sc->set_keys, sc->nset, err, key,
	     fmt, ap);
	va_end(ap);
	return BS_E_INPUT;
}

static int serr(const struct bs_scenario *sc, struct bs_error *err,
		const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int serr(const struct bs_scenario *sc, struct bs_error *err,
		const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(sc->file, sc->text, sc->textlen, sc->set_keys, sc->nset, err, key,
	     fmt, ap);
	va_end(ap);
	return BS_E_INPUT;
}

/* ---- validation ---------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[128];

	if (lb >= 127 || la >= 127)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], tmp;
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);
			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* Known keys directly under parent, as a comma list; and the closest. */
static void siblings(const char *parent, const char *bad, char *list,
		     size_t lsz, const char **closest)
{
	size_t i, pl = strlen(parent), used = 0, best = 4;

	list[0] = '\0';
	*closest = NULL;
	for (i = 0; i < NKEYS; i++) {
		const char *k = KEYS[i].path, *leaf;
		if (pl) {
			if (strncmp(k, parent, pl) != 0 || k[pl] != '.')
				continue;
			leaf = k + pl + 1;
		} else {
			leaf = k;
		}
		if (strchr(leaf, '.'))
			continue;
		if (used + strlen(leaf) + 3 < lsz) {
			used += (size_t)snprintf(list + used, lsz - used, "%s%s",
						 used ? ", " : "", leaf);
		}
		{
			size_t d = edit_distance(bad, leaf);
			if (d < best) {
				best = d;
				*closest = k;
			}
		}
	}
}

const char *bs_scenario_key_suggest(const char *key)
{
	const char *dot = strrchr(key, '.'), *closest;
	char parent[256], list[600];

	snprintf(parent, sizeof(parent), "%.*s", dot ? (int)(dot - key) : 0,
		 key);
	siblings(parent, dot ? dot + 1 : key, list, sizeof(list), &closest);
	return closest;
}

static int check_unknown(const struct bs_scenario *sc, json_t *obj,
			 const char *parent, struct bs_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		char path[256];
		const struct keyspec *ks;
		if (parent[0])
			snprintf(path, sizeof(path), "%s.%s", parent, k);
		else
			snprintf(path, sizeof(path), "%s", k);
		ks = spec_of(path);
		if (!ks) {
			char list[600];
			const char *closest;
			siblings(parent, k, list, sizeof(list), &closest);
			if (closest)
				return serr(sc, err, path,
					    "unknown key; did you mean '%s'?",
					    closest);
			return serr(sc, err, path,
				    "unknown key; expected one of: %s", list);
		}
		if (ks->type == T_OBJ && json_is_object(v)) {
			int rc = check_unknown(sc, v, path, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int when_holds(json_t *root, const char *when)
{
	char key[128];
	const char *eq;
	json_t *v;

	if (!when)
		return 1;
	eq = strchr(when, '=');
	if (!eq) {
		/* a bare key: present and not false ("battery.enabled" is
		 * there by default, as false, so presence alone would not do) */
		v = get_path(root, when);
		return v && !json_is_false(v) && !json_is_null(v);
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - when), when);
	v = get_path(root, key);
	if (!v || !json_is_string(v))
		return 0;
	/* "key=a|b": any of the alternatives */
	{
		const char *p = eq + 1, *val = json_string_value(v);
		size_t l = strlen(val);
		while (p) {
			const char *bar = strchr(p, '|');
			size_t pl = bar ? (size_t)(bar - p) : strlen(p);
			if (pl == l && strncmp(p, val, l) == 0)
				return 1;
			p = bar ? bar + 1 : NULL;
		}
	}
	return 0;
}

static int in_choices(const char *choices, const char *s)
{
	size_t l = strlen(s);
	const char *p = choices;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t pl = bar ? (size_t)(bar - p) : strlen(p);
		if (pl == l && strncmp(p, s, l) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* A bound as written in a scenario: whole numbers in full (the seed's
 * 9007199254740991, not 9.00719925474099e+15), others with 15 digits.
 * buf holds at least 32 bytes. */
static const char *bound(double v, char *buf)
{
	if (v == floor(v) && fabs(v) <= 9007199254740992.0)
		snprintf(buf, 32, "%.0f", v);
	else
		snprintf(buf, 32, "%.15g", v);
	return buf;
}

static void range_text(const struct keyspec *ks, char *buf, size_t sz)
{
	char a[32], b[32];

	if (ks->min_open)
		snprintf(buf, sz, "greater than %s and at most %s",
			 bound(ks->min, a), bound(ks->max, b));
	else
		snprintf(buf, sz, "from %s to %s", bound(ks->min, a),
			 bound(ks->max, b));
}

static int check_number(const struct bs_scenario *sc, const struct keyspec *ks,
			json_t *v, int integer, struct bs_error *err)
{
	char got[80], rng[120];
	double x;

	show(v, got, sizeof(got));
	range_text(ks, rng, sizeof(rng));
	if (!json_is_number(v))
		return serr(sc, err, ks->path, "expected %s %s, got %s %s",
			    integer ? "an integer" : "a number", rng,
			    type_name(v), got);
	x = json_number_value(v);
	if (integer && x != floor(x))
		return serr(sc, err, ks->path,
			    "expected a whole number %s, got %s", rng, got);
	if (!isfinite(x) || x < ks->min || x > ks->max ||
	    (ks->min_open && x <= ks->min))
		return serr(sc, err, ks->path, "expected %s %s, got %s",
			    integer ? "an integer" : "a number", rng, got);
	return 0;
}

static int check_ward_name(const struct bs_scenario *sc, const char *path,
			   json_t *v, struct bs_error *err)
{
	char got[80];

	if (!json_is_string(v) || json_string_length(v) == 0) {
		show(v, got, sizeof(got));
		return serr(sc, err, path, "expected a ward name (a string), got %s",
			    got);
	}
	return 0;
}

/* A per-ward number: one for every ward, or an object naming wards (that
 * it names every ward is checked when the network is known). */
static int check_per_ward(const struct bs_scenario *sc,
			  const struct keyspec *ks, json_t *v, int integer,
			  const char *one, const char *obj, struct bs_error *err)
{
	char got[80], path[300];
	const char *k;
	json_t *e;

	if (json_is_number(v))
		return check_number(sc, ks, v, integer, err);
	if (!json_is_object(v) || json_object_size(v) == 0) {
		show(v, got, sizeof(got));
		return serr(sc, err, ks->path,
			    "expected %s, or %s for every ward, got %s", one,
			    obj, got);
	}
	json_object_foreach(v, k, e) {
		struct keyspec sub = *ks;
		snprintf(path, sizeof(path), "%s.%s", ks->path, k);
		sub.path = path;
		if (check_number(sc, &sub, e, integer, err))
			return BS_E_INPUT;
	}
	return 0;
}

static int check_special(const struct bs_scenario *sc, const struct keyspec *ks,
			 json_t *v, struct bs_error *err)
{
	char got[80], path[300];
	size_t i, j;
	json_t *e, *f;
	const char *k;

	show(v, got, sizeof(got));
	switch (ks->type) {
	case T_HOURS: {
		double sum = 0.0;
		if (!json_is_array(v) || json_array_size(v) != 24)
			return serr(sc, err, ks->path,
				    "expected an array of 24 non-negative numbers (00h to 23h), got %s",
				    got);
		json_array_foreach(v, i, e) {
			snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
			/* each at most 1e15, so that the sum of 24 stays
			 * finite (24 x 1e308 is inf: every share 0, no
			 * trips at all) and every share keeps its digits */
			if (!json_is_number(e) || !(json_number_value(e) >= 0.0) ||
			    !(json_number_value(e) <= BS_MAX_HOUR_WEIGHT)) {
				show(e, got, sizeof(got));
				return serr(sc, err, path,
					    "expected a non-negative number of at most 1e15 (a relative weight), got %s",
					    got);
			}
			sum += json_number_value(e);
		}
		if (!(sum > 0.0))
			return serr(sc, err, ks->path,
				    "all 24 weights are zero; expected at least one positive");
		return 0;
	}
	case T_PAIRS:
		if (!json_is_array(v) || json_array_size(v) == 0)
			return serr(sc, err, ks->path,
				    "expected a non-empty array of ward pairs like [[\"Minato\",\"Chiyoda\"]], got %s",
				    got);
		json_array_foreach(v, i, e) {
			int rc;
			snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
			if (!json_is_array(e) || json_array_size(e) != 2) {
				show(e, got, sizeof(got));
				return serr(sc, err, path,
					    "expected a pair of two ward names, got %s",
					    got);
			}
			json_array_foreach(e, j, f) {
				char p2[512];
				snprintf(p2, sizeof(p2), "%s[%zu]", path, j);
				if ((rc = check_ward_name(sc, p2, f, err)))
					return rc;
			}
			if (strcmp(json_string_value(json_array_get(e, 0)),
				   json_string_value(json_array_get(e, 1))) == 0)
				return serr(sc, err, path,
					    "a ward paired with itself; expected two different wards");
		}
		return 0;
	case T_WARDS:
		if (!json_is_object(v))
			return serr(sc, err, ks->path,
				    "expected an object {owner ward: [wards its bikes may use]}, got %s",
				    got);
		json_object_foreach(v, k, e) {
			snprintf(path, sizeof(path), "%s.%s", ks->path, k);
			if (!json_is_array(e)) {
				show(e, got, sizeof(got));
				return serr(sc, err, path,
					    "expected an array of ward names, got %s",
					    got);
			}
			json_array_foreach(e, j, f) {
				char p2[512];
				int rc;
				snprintf(p2, sizeof(p2), "%s[%zu]", path, j);
				if ((rc = check_ward_name(sc, p2, f, err)))
					return rc;
			}
		}
		return 0;
	case T_WCOUNT:
		return check_per_ward(sc, ks, v, 1, "a whole number",
				      "{ward: number}", err);
	case T_POOL:
		if (json_is_boolean(v))
			return 0;
		if (!json_is_array(v) || json_array_size(v) == 0)
			return serr(sc, err, ks->path,
				    "expected true, false, or pooling groups like [[\"Minato\",\"Chiyoda\"],[\"Chuo\",\"Koto\"]], got %s",
				    got);
		json_array_foreach(v, i, e) {
			snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
			if (!json_is_array(e) || json_array_size(e) == 0) {
				show(e, got, sizeof(got));
				return serr(sc, err, path,
					    "expected a group: a non-empty array of ward names, got %s",
					    got);
			}
			json_array_foreach(e, j, f) {
				char p2[512];
				int rc;
				snprintf(p2, sizeof(p2), "%s[%zu]", path, j);
				if ((rc = check_ward_name(sc, p2, f, err)))
					return rc;
			}
		}
		return 0;
	case T_WSTR:
		if (!json_is_object(v))
			return serr(sc, err, ks->path,
				    "expected an object {ward: station_id}, got %s",
				    got);
		json_object_foreach(v, k, e) {
			snprintf(path, sizeof(path), "%s.%s", ks->path, k);
			if (!json_is_string(e) || json_string_length(e) == 0) {
				show(e, got, sizeof(got));
				return serr(sc, err, path,
					    "expected a station id (a string), got %s",
					    got);
			}
		}
		return 0;
	case T_PRICE:
		return check_per_ward(sc, ks, v, 0, "a price in yen",
				      "{ward: price}", err);
	default:
		return 0;
	}
}

static int check_value(const struct bs_scenario *sc, const struct keyspec *ks,
		       json_t *v, struct bs_error *err)
{
	char got[80];

	show(v, got, sizeof(got));
	if (strcmp(ks->path, "bssim") == 0 && json_is_integer(v) &&
	    json_integer_value(v) != 1)
		return serr(sc, err, ks->path,
			    "unsupported scenario format version %s; expected 1 (the version this bssim reads)",
			    got);
	switch (ks->type) {
	case T_OBJ:
		if (!json_is_object(v))
			return serr(sc, err, ks->path,
				    "expected an object {...}, got %s %s",
				    type_name(v), got);
		return 0;
	case T_INT:
		return check_number(sc, ks, v, 1, err);
	case T_NUM:
		return check_number(sc, ks, v, 0, err);
	case T_STR:
	case T_PATH:
		if (!json_is_string(v) || json_string_length(v) == 0)
			return serr(sc, err, ks->path,
				    "expected a non-empty string%s, got %s",
				    ks->type == T_PATH ? " (a file path)" : "",
				    got);
		return 0;
	case T_BOOL:
		if (!json_is_boolean(v))
			return serr(sc, err, ks->path,
				    "expected true or false, got %s", got);
		return 0;
	case T_ENUM:
		if (!json_is_string(v) ||
		    !in_choices(ks->choices, json_string_value(v)))
			return serr(sc, err, ks->path,
				    "expected one of %s, got %s", ks->choices,
				    got);
		return 0;
	default:
		return check_special(sc, ks, v, err);
	}
}

/* ---- extraction ---------------------------------------------------------- */

static double num(json_t *root, const char *path)
{
	return json_number_value(get_path(root, path));
}

static const char *str(json_t *root, const char *path)
{
	json_t *v = get_path(root, path);

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static int weekday_of(const char *s)
{
	static const char *const D[] = {"mon", "tue", "wed", "thu",
					"fri", "sat", "sun"};
	int i;

	for (i = 0; i < 7; i++)
		if (strcmp(s, D[i]) == 0)
			return i;
	return 0;
}

static int name_ok(const char *s)
{
	size_t i, l = strlen(s);

	if (l == 0 || l > 100 || s[0] == '.')
		return 0;
	for (i = 0; i < l; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

char *bs_scenario_path(const struct bs_scenario *sc, const char *rel)
{
	if (rel[0] == '/' || strcmp(sc->dir, ".") == 0)
		return bs_strdup(rel);
	return bs_path_join(sc->dir, strlen(sc->dir), rel);
}

static int extract(struct bs_scenario *sc, struct bs_error *err)
{
	json_t *r = sc->root;
	struct bs_params *p = &sc->p;
	const char *s;
	json_t *v;

	memset(p, 0, sizeof(*p));
	sc->name = str(r, "name");
	if (!name_ok(sc->name))
		return serr(sc, err, "name",
			    "'%s' cannot name an output folder; expected 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'",
			    sc->name);
	p->seed = (uint64_t)num(r, "seed");
	p->replications = (uint32_t)num(r, "replications");
	p->days = num(r, "horizon.days");
	p->warmup_days = num(r, "horizon.warmup_days");
	if (p->warmup_days >= p->days)
		return serr(sc, err, "horizon.warmup_days",
			    "warm-up of %g days leaves nothing of a %g-day horizon; expected less than horizon.days",
			    p->warmup_days, p->days);
	p->start_weekday = weekday_of(str(r, "horizon.start_weekday"));

	/* network */
	if (!get_path(r, "network"))
		return serr(sc, err, "network",
			    "missing; expected \"network\": {\"stations\": \"stations.csv\"} or {\"synthetic\": {...}}");
	s = str(r, "network.stations");
	v = get_path(r, "network.synthetic");
	if (s && v)
		return serr(sc, err, "network.synthetic",
			    "both network.stations and network.synthetic are given; expected one of them");
	if (!s && !v)
		return serr(sc, err, "network",
			    "expected network.stations (a CSV path) or network.synthetic");
	if (s) {
		sc->stations_path = bs_scenario_path(sc, s);
		if (!sc->stations_path)
			return BS_E_NOMEM;
	} else {
		if (!get_path(r, "network.synthetic.stations"))
			return serr(sc, err, "network.synthetic",
				    "missing key 'stations'; expected {\"stations\": N, \"capacity\": K, \"wards\": W}");
		if (!get_path(r, "network.synthetic.capacity"))
			return serr(sc, err, "network.synthetic",
				    "missing key 'capacity'; expected {\"stations\": N, \"capacity\": K, \"wards\": W}");
		sc->syn_n = (size_t)num(r, "network.synthetic.stations");
		sc->syn_cap = (uint32_t)num(r, "network.synthetic.capacity");
		sc->syn_wards = (size_t)num(r, "network.synthetic.wards");
		sc->syn_spacing_m = num(r, "network.synthetic.spacing_m");
		if ((double)sc->syn_n * sc->syn_cap > (double)BS_MAX_DOCKS)
			return serr(sc, err, "network.synthetic.capacity",
				    "%zu stations of %u docks make %.0f docks; expected at most %llu in all (every dock is held in memory)",
				    sc->syn_n, sc->syn_cap,
				    (double)sc->syn_n * sc->syn_cap,
				    (unsigned long long)BS_MAX_DOCKS);
		if (sc->syn_wards > sc->syn_n)
			return serr(sc, err, "network.synthetic.wards",
				    "%zu wards for %zu stations; expected at most one ward per station",
				    sc->syn_wards, sc->syn_n);
	}

	/* fleet */
	if (!get_path(r, "fleet"))
		return serr(sc, err, "fleet",
			    "missing; expected \"fleet\": {\"bikes\": N} or {\"fill\": F}");
	if (get_path(r, "fleet.bikes") && get_path(r, "fleet.fill"))
		return serr(sc, err, "fleet.fill",
			    "both fleet.bikes and fleet.fill are given; expected one of them");
	if ((s = str(r, "fleet.initial")) != NULL &&
	    !(sc->initial_path = bs_scenario_path(sc, s)))
		return BS_E_NOMEM;
	if (get_path(r, "fleet.bikes")) {
		p->fleet_mode = BS_FLEET_BIKES;
		p->bikes = (uint64_t)num(r, "fleet.bikes");
	} else if (get_path(r, "fleet.fill")) {
		p->fleet_mode = BS_FLEET_FILL;
		p->fill = num(r, "fleet.fill");
	} else if (sc->initial_path) {
		p->fleet_mode = BS_FLEET_INITIAL; /* the stock as given */
	} else {
		return serr(sc, err, "fleet",
			    "expected fleet.bikes (a number of bikes), fleet.fill (a share of docks) or fleet.initial (a stock CSV)");
	}

	/* demand */
	s = str(r, "demand.model");
	if (strcmp(s, "uniform") == 0) {
		p->demand = BS_DEMAND_UNIFORM;
		if (!get_path(r, "demand.rate_per_station_per_hour"))
			return serr(sc, err, "demand",
				    "missing key 'rate_per_station_per_hour'; the uniform model needs it");
		p->rate_per_station_per_hour =
			num(r, "demand.rate_per_station_per_hour");
	} else if (strcmp(s, "rates") == 0) {
		p->demand = BS_DEMAND_RATES;
		if (!get_path(r, "demand.rates"))
			return serr(sc, err, "demand",
				    "missing key 'rates'; the rates model needs a rates CSV (make one with bssim calibrate)");
		if (!(sc->rates_path = bs_scenario_path(sc, str(r, "demand.rates"))))
			return BS_E_NOMEM;
		if (get_path(r, "demand.od") &&
		    !(sc->od_path = bs_scenario_path(sc, str(r, "demand.od"))))
			return BS_E_NOMEM;
		p->decay_m = num(r, "demand.decay_m");
		p->max_trip_m = num(r, "demand.max_trip_m");
		p->weekend_factor = num(r, "demand.weekend_factor");
		p->balance = json_is_true(get_path(r, "demand.balance"));
	} else if (strcmp(s, "trace") == 0) {
		p->demand = BS_DEMAND_TRACE;
		if (!get_path(r, "demand.trips"))
			return serr(sc, err, "demand",
				    "missing key 'trips'; the trace model needs a trip log CSV to replay");
		if (!(sc->trips_path = bs_scenario_path(sc, str(r, "demand.trips"))))
			return BS_E_NOMEM;
		sc->trace_day0 = -1;
		if (get_path(r, "demand.trace_start") &&
		    bs_parse_date(str(r, "demand.trace_start"), &sc->trace_day0))
			return serr(sc, err, "demand.trace_start",
				    "'%s' is not a date; expected YYYY-MM-DD",
				    str(r, "demand.trace_start"));
	} else {
		p->demand = BS_DEMAND_GRAVITY;
		if (!get_path(r, "demand.trips_per_day"))
			return serr(sc, err, "demand",
				    "missing key 'trips_per_day'; the gravity model needs it");
		p->trips_per_day = num(r, "demand.trips_per_day");
		p->decay_m = num(r, "demand.decay_m");
		p->max_trip_m = num(r, "demand.max_trip_m");
		p->commute_share_weekday = num(r, "demand.commute_share_weekday");
		p->commute_share_weekend = num(r, "demand.commute_share_weekend");
		p->weekend_factor = num(r, "demand.weekend_factor");
		v = get_path(r, "demand.profile.weekday");
		if (get_path(r, "demand.profile.weekend") && !v)
			return serr(sc, err, "demand.profile",
				    "a weekend profile without a weekday one; expected demand.profile.weekday too");
		if (v) {
			json_t *we = get_path(r, "demand.profile.weekend");
			size_t h;
			p->has_profile = 1;
			for (h = 0; h < 24; h++) {
				p->profile_weekday[h] =
					json_number_value(json_array_get(v, h));
				p->profile_weekend[h] = json_number_value(
					json_array_get(we ? we : v, h));
			}
		}
	}

	/* trip */
	p->dur = strcmp(str(r, "trip.duration.dist"), "exponential") == 0
			 ? BS_DUR_EXPONENTIAL
			 : BS_DUR_DISTANCE;
	if (p->dur == BS_DUR_EXPONENTIAL) {
		p->mean_min = num(r, "trip.duration.mean_min");
	} else {
		p->speed_kmh = num(r, "trip.duration.speed_kmh");
		p->detour = num(r, "trip.duration.detour");
		p->noise_sd = num(r, "trip.duration.noise_sd");
		p->min_min = num(r, "trip.duration.min_min");
	}

	/* behaviour */
	p->walk_radius_m = num(r, "behaviour.walk_radius_m");
	p->on_full = strcmp(str(r, "behaviour.on_full"), "random") == 0
			     ? BS_FULL_RANDOM
			     : BS_FULL_NEAREST;
	p->forbidden = strcmp(str(r, "behaviour.forbidden_return"), "lost") == 0
			       ? BS_FORBID_LOST
			       : BS_FORBID_TRUNCATE;
	p->retry_min = num(r, "behaviour.retry_min");

	/* agreement */
	s = str(r, "agreement.type");
	p->agreement = strcmp(s, "isolated") == 0    ? BS_AGR_ISOLATED
		       : strcmp(s, "bilateral") == 0 ? BS_AGR_BILATERAL
		       : strcmp(s, "matrix") == 0    ? BS_AGR_MATRIX
						     : BS_AGR_FULL;
	if (p->agreement == BS_AGR_BILATERAL && !get_path(r, "agreement.pairs"))
		return serr(sc, err, "agreement",
			    "missing key 'pairs'; a bilateral agreement needs e.g. \"pairs\": [[\"Minato\",\"Chiyoda\"]]");
	if (p->agreement == BS_AGR_MATRIX && !get_path(r, "agreement.matrix"))
		return serr(sc, err, "agreement",
			    "missing key 'matrix'; expected e.g. \"matrix\": {\"Minato\": [\"Chiyoda\"]}");

	/* fees and settlement */
	p->block_min = num(r, "fees.block_min");
	p->cross_surcharge_yen = num(r, "fees.cross_surcharge_yen");
	s = str(r, "fees.settlement");
	p->settlement = strcmp(s, "owner") == 0        ? BS_SETTLE_OWNER
			: strcmp(s, "split_time") == 0 ? BS_SETTLE_SPLIT_TIME
						       : BS_SETTLE_RENTING;
	p->dock_fee_yen = num(r, "fees.foreign_dock_fee_yen");
	p->night_hour = num(r, "fees.night_hour");
	p->repatriation_yen = num(r, "fees.repatriation_yen");

	/* rebalancing */
	s = str(r, "rebalancing.policy");
	p->reb_policy = strcmp(s, "threshold") == 0    ? BS_REB_THRESHOLD
			: strcmp(s, "repatriate") == 0 ? BS_REB_REPATRIATE
						       : BS_REB_NONE;
	p->truck_capacity = (uint32_t)num(r, "rebalancing.truck_capacity");
	p->truck_speed_kmh = num(r, "rebalancing.speed_kmh");
	p->truck_detour = num(r, "rebalancing.detour");
	p->load_min = num(r, "rebalancing.load_min_per_bike");
	p->reb_shift_start_h = num(r, "rebalancing.shift_start_h");
	p->reb_shift_end_h = num(r, "rebalancing.shift_end_h");
	p->reb_low = num(r, "rebalancing.low");
	p->reb_high = num(r, "rebalancing.high");
	p->reb_target = num(r, "rebalancing.target");
	p->review_min = num(r, "rebalancing.review_min");
	p->reb_reach_m = num(r, "rebalancing.reach_m");
	p->reb_lookahead_min = num(r, "rebalancing.lookahead_min");
	if (p->reb_shift_end_h <= p->reb_shift_start_h)
		return serr(sc, err, "rebalancing.shift_end_h",
			    "the shift ends at %g h, not after it starts (%g h); expected an end hour after the start, within the day",
			    p->reb_shift_end_h, p->reb_shift_start_h);
	if (p->reb_high < p->reb_low)
		return serr(sc, err, "rebalancing.high",
			    "high %g is below low %g; expected low <= target <= high",
			    p->reb_high, p->reb_low);
	if (p->reb_target < p->reb_low || p->reb_target > p->reb_high)
		return serr(sc, err, "rebalancing.target",
			    "target %g is outside [low %g, high %g]; expected low <= target <= high",
			    p->reb_target, p->reb_low, p->reb_high);

	/* batteries */
	p->battery = json_is_true(get_path(r, "battery.enabled"));
	if (p->battery) {
		p->bat_use_per_km = num(r, "battery.use_per_km");
		p->bat_min_rentable = num(r, "battery.min_rentable");
		p->bat_swap_below = num(r, "battery.swap_below");
		p->bat_initial_min = num(r, "battery.initial_min");
		p->crew_speed_kmh = num(r, "battery.speed_kmh");
		p->swap_min = num(r, "battery.swap_min");
		p->bat_shift_start_h = num(r, "battery.shift_start_h");
		p->bat_shift_end_h = num(r, "battery.shift_end_h");
		if (p->bat_swap_below < p->bat_min_rentable)
			return serr(sc, err, "battery.swap_below",
				    "%g is below min_rentable %g: crews would leave unrentable bikes; expected swap_below >= min_rentable",
				    p->bat_swap_below, p->bat_min_rentable);
		if (p->bat_shift_end_h <= p->bat_shift_start_h)
			return serr(sc, err, "battery.shift_end_h",
				    "the shift ends at %g h, not after it starts (%g h); expected an end hour after the start, within the day",
				    p->bat_shift_end_h, p->bat_shift_start_h);
	}

	/* costs */
	p->truck_hour_yen = num(r, "costs.truck_hour_yen");
	p->truck_km_yen = num(r, "costs.truck_km_yen");
	p->crew_hour_yen = num(r, "costs.crew_hour_yen");
	p->swap_yen = num(r, "costs.swap_yen");

	/* output */
	p->ts_step_min = num(r, "output.timeseries_step_min");
	p->trips_log = json_is_true(get_path(r, "output.trips"));
	p->geojson = json_is_true(get_path(r, "output.geojson"));
	if (p->days * BS_MINUTES_PER_DAY / p->ts_step_min > BS_MAX_SAMPLES)
		return serr(sc, err, "output.timeseries_step_min",
			    "%g-minute samples over %g days make more than %g samples per replication; expected a longer step",
			    p->ts_step_min, p->days, BS_MAX_SAMPLES);
	return 0;
}

/* ---- loading ------------------------------------------------------------- */

/* A copy of src with its members in key-table order, so that the resolved
 * scenario reads the same whatever order the user wrote. New reference. */
static json_t *canonical(json_t *src, const char *prefix)
{
	json_t *o = json_object();
	size_t i, pl = strlen(prefix);

	if (!o)
		return NULL;
	for (i = 0; i < NKEYS; i++) {
		const char *k = KEYS[i].path, *leaf;
		json_t *v, *c;
		if (pl && (strncmp(k, prefix, pl) != 0 || k[pl] != '.'))
			continue;
		leaf = pl ? k + pl + 1 : k;
		if (strchr(leaf, '.'))
			continue;
		v = json_object_get(src, leaf);
		if (!v)
			continue;
		c = KEYS[i].type == T_OBJ && json_is_object(v)
			    ? canonical(v, k)
			    : json_incref(v);
		if (!c || json_object_set_new(o, leaf, c)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int validate(struct bs_scenario *sc, struct bs_error *err)
{
	size_t i;
	int rc;

	if (!json_is_object(sc->root))
		return serr(sc, err, "",
			    "the scenario is %s; expected a JSON object {\"bssim\": 1, ...}",
			    type_name(sc->root));
	if (!get_path(sc->root, "bssim"))
		return serr(sc, err, "bssim",
			    "missing; expected \"bssim\": 1 (the scenario format version) at the top");
	if ((rc = check_unknown(sc, sc->root, "", err)))
		return rc;
	for (i = 0; i < NKEYS; i++) {
		const struct keyspec *ks = &KEYS[i];
		json_t *v = get_path(sc->root, ks->path);
		if (v) {
			if ((rc = check_value(sc, ks, v, err)))
				return rc;
			if (!when_holds(sc->root, ks->when)) {
				char **u = realloc(sc->unused,
						   (sc->nunused + 1) * sizeof(char *));
				if (!u)
					return BS_E_NOMEM;
				sc->unused = u;
				if (!(u[sc->nunused] = bs_strdup(ks->path)))
					return BS_E_NOMEM;
				sc->nunused++;
			}
			continue;
		}
		if (ks->def && when_holds(sc->root, ks->when)) {
			char bad[256];
			char *dot = strrchr(ks->path, '.');
			json_t *d;
			/* a default lives only inside an object that exists
			 * or is itself created by default */
			if (dot) {
				char parent[256];
				snprintf(parent, sizeof(parent), "%.*s",
					 (int)(dot - ks->path), ks->path);
				if (!json_is_object(get_path(sc->root, parent)))
					continue;
			}
			d = json_loads(ks->def, JSON_DECODE_ANY, NULL);
			if (!d || set_path(sc->root, ks->path, d, bad,
					   sizeof(bad)))
				return BS_E_NOMEM;
		}
	}
	{
		json_t *c = canonical(sc->root, "");
		if (!c)
			return BS_E_NOMEM;
		json_decref(sc->root);
		sc->root = c;
	}
	return extract(sc, err);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return bs_strdup(".");
	if (slash == path)
		return bs_strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (!d)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

/* Default name: the file's base name without .json. */
static int default_name(struct bs_scenario *sc)
{
	const char *base = strrchr(sc->file, '/');
	char buf[128];
	size_t l;
	json_t *s;

	if (json_object_get(sc->root, "name"))
		return 0;
	base = base ? base + 1 : sc->file;
	bs_strlcpy(buf, base, sizeof(buf));
	l = strlen(buf);
	if (l > 5 && strcmp(buf + l - 5, ".json") == 0)
		buf[l - 5] = '\0';
	for (l = 0; buf[l]; l++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    buf[l]))
			buf[l] = '_';
	if (!buf[0] || buf[0] == '.')
		bs_strlcpy(buf, "scenario", sizeof(buf));
	s = json_string(buf);
	return !s || json_object_set_new(sc->root, "name", s) ? BS_E_NOMEM : 0;
}

static int apply_sets(struct bs_scenario *sc, const struct bs_set *sets,
		      size_t nset, struct bs_error *err)
{
	size_t i;

	sc->set_keys = calloc(nset ? nset : 1, sizeof(char *));
	if (!sc->set_keys)
		return BS_E_NOMEM;
	for (i = 0; i < nset; i++) {
		json_error_t je;
		json_t *v;
		char bad[256];
		int rc;
		if (!(sc->set_keys[i] = bs_strdup(sets[i].key)))
			return BS_E_NOMEM;
		sc->nset = i + 1;
		if (!spec_of(sets[i].key)) {
			const char *dot = strrchr(sets[i].key, '.');
			char parent[256], list[600];
			const char *closest;
			snprintf(parent, sizeof(parent), "%.*s",
				 dot ? (int)(dot - sets[i].key) : 0, sets[i].key);
			siblings(parent, dot ? dot + 1 : sets[i].key, list,
				 sizeof(list), &closest);
			if (closest)
				return serr(sc, err, sets[i].key,
					    "unknown scenario key; did you mean '%s'?",
					    closest);
			return serr(sc, err, sets[i].key,
				    "unknown scenario key; see docs/scenario-keys.md or `bssim keys`");
		}
		v = json_loads(sets[i].value, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			       &je);
		if (!v) {
			if (!bs_utf8_valid(sets[i].value, strlen(sets[i].value)))
				return serr(sc, err, sets[i].key,
					    "the value is not valid UTF-8 text");
			v = json_string(sets[i].value);
			if (!v)
				return BS_E_NOMEM;
		}
		if (json_is_null(v)) {
			json_decref(v);
			v = NULL; /* KEY=null removes the key */
		}
		rc = set_path(sc->root, sets[i].key, v, bad, sizeof(bad));
		if (rc == -1)
			return serr(sc, err, sets[i].key,
				    "'%s' is not an object in the scenario, so it cannot hold this key",
				    bad);
		if (rc)
			return BS_E_NOMEM;
	}
	return 0;
}

struct bs_scenario *bs_scenario_from_json(json_t *root, const char *file,
					  const char *text,
					  const struct bs_set *sets,
					  size_t nset, struct bs_error *err)
{
	struct bs_scenario *sc = calloc(1, sizeof(*sc));
	int rc;

	if (!sc) {
		json_decref(root);
		goto nomem;
	}
	sc->root = root;
	sc->file = bs_strdup(file);
	sc->dir = file ? dir_of(file) : bs_strdup(".");
	if (text) {
		sc->text = bs_strdup(text);
		sc->textlen = strlen(text);
	}
	if (!sc->file || !sc->dir || (text && !sc->text))
		goto nomem;
	if (!json_is_object(root)) {
		serr(sc, err, "", "the scenario is %s; expected a JSON object {\"bssim\": 1, ...}",
		     type_name(root));
		goto fail;
	}
	rc = apply_sets(sc, sets, nset, err);
	if (!rc)
		rc = default_name(sc);
	if (!rc)
		rc = validate(sc, err);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc)
		goto fail;
	return sc;
nomem:
	bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL,
		     "out of memory reading the scenario");
fail:
	bs_scenario_free(sc);
	return NULL;
}

/* Read a whole file; NULL with err filled. Refuses files over 64 MiB,
 * and a FIFO or a device before it can block (bs_read_file). */
static char *slurp(const char *path, size_t *len, struct bs_error *err)
{
	char *buf;

	return bs_read_file(path, BS_MAX_SCENARIO_FILE, "a scenario file", &buf,
			    len, err) ? NULL : buf;
}

struct bs_scenario *bs_scenario_load(const char *path,
				     const struct bs_set *sets,
				     size_t nset, struct bs_error *err)
{
	unsigned long f0;
	size_t len, off = 0;
	char *text = slurp(path, &len, err);
	json_error_t je;
	json_t *root;
	struct bs_scenario *sc;

	if (!text)
		return NULL;
	if (len >= 3 && (unsigned char)text[0] == 0xEF &&
	    (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
		off = 3; /* a UTF-8 byte-order mark, as some editors write */
	if (memchr(text + off, '\0', len - off)) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "binary data (a NUL byte); expected a JSON text file");
		free(text);
		return NULL;
	}
	{
		size_t k = off;
		while (k < len && strchr(" \t\r\n", text[k]))
			k++;
		if (k == len) {
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "empty file; expected a JSON scenario object {\"bssim\": 1, ...}");
			free(text);
			return NULL;
		}
	}
	f0 = bs_json_alloc_failures();
	root = json_loadb(text + off, len - off, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (bs_json_nomem(&je, f0))
			bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
				     "out of memory reading the scenario");
		else
			bs_error_set(err, BS_E_INPUT, path, je.line, je.column,
				     NULL, "invalid JSON: %s", je.text);
		free(text);
		return NULL;
	}
	sc = bs_scenario_from_json(root, path, text + off, sets, nset, err);
	free(text);
	return sc;
}

void bs_scenario_keys_markdown(FILE *out)
{
	size_t i;

	fprintf(out, "| key | type | default | applies when | meaning |\n");
	fprintf(out, "|---|---|---|---|---|\n");
	for (i = 0; i < NKEYS; i++) {
		const struct keyspec *k = &KEYS[i];
		char t[160], a[32], b[32];
		switch (k->type) {
		case T_OBJ:
			snprintf(t, sizeof(t), "object");
			break;
		case T_INT:
			snprintf(t, sizeof(t), "integer, %s%s to %s",
				 k->min_open ? "> " : "", bound(k->min, a),
				 bound(k->max, b));
			break;
		case T_NUM:
			snprintf(t, sizeof(t), "number, %s%s to %s",
				 k->min_open ? "> " : "", bound(k->min, a),
				 bound(k->max, b));
			break;
		case T_STR:
			snprintf(t, sizeof(t), "string");
			break;
		case T_PATH:
			snprintf(t, sizeof(t), "path");
			break;
		case T_BOOL:
			snprintf(t, sizeof(t), "true/false");
			break;
		case T_ENUM:
			snprintf(t, sizeof(t), "`%s`", k->choices);
			break;
		case T_HOURS:
			snprintf(t, sizeof(t), "24 numbers, 0 to 1e15");
			break;
		case T_PAIRS:
			snprintf(t, sizeof(t), "array of ward pairs");
			break;
		case T_WARDS:
			snprintf(t, sizeof(t), "object: ward -> wards");
			break;
		case T_PRICE:
			snprintf(t, sizeof(t), "number, or object ward -> number");
			break;
		case T_WCOUNT:
			snprintf(t, sizeof(t), "integer %s to %s, or object ward -> integer",
				 bound(k->min, a), bound(k->max, b));
			break;
		case T_POOL:
			snprintf(t, sizeof(t), "true/false, or array of ward groups");
			break;
		case T_WSTR:
			snprintf(t, sizeof(t), "object ward -> station id");
			break;
		}
		/* '|' inside enum choices would break the table */
		for (char *c = t; *c; c++)
			if (*c == '|')
				*c = '/';
		{
			char wh[160];
			bs_strlcpy(wh, k->when ? k->when : "", sizeof(wh));
			for (char *c = wh; *c; c++)
				if (*c == '|')
					*c = '/';
			fprintf(out, "| `%s` | %s | %s%s%s | %s | %s |\n", k->path,
				t, k->def ? "`" : "", k->def ? k->def : "",
				k->def ? "`" : "", wh, k->help);
		}
	}
}

void bs_scenario_free(struct bs_scenario *sc)
{
	size_t i;

	if (!sc)
		return;
	json_decref(sc->root);
	for (i = 0; i < sc->nset; i++)
		free(sc->set_keys[i]);
	free(sc->set_keys);
	for (i = 0; i < sc->nunused; i++)
		free(sc->unused[i]);
	free(sc->unused);
	free(sc->file);
	free(sc->dir);
	free(sc->text);
	free(sc->stations_path);
	free(sc->initial_path);
	free(sc->rates_path);
	free(sc->od_path);
	free(sc->trips_path);
	free(sc);
}
