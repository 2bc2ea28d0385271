/*
 * keys.c - the key table of scenario files and what is derived from it
 * (see keys.h): lookups, enum names, ranges in words and the Markdown of
 * docs/scenario-keys.md (the JSON Schema is keyschema.c's).
 */
#include "input/keys.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/limits.h"
#include "input/scenario.h"

#define MAX_SEED 9007199254740991.0 /* 2^53 - 1: exact in every JSON reader */

/* The binding of a row: where its value goes (keys.h). */
#define BIND(dest, ct, type, field) dest, ct, offsetof(type, field)
#define PD(f) BIND(BS_KD_PARAM, BS_KC_DBL, struct bs_params, f)
#define PI(f) BIND(BS_KD_PARAM, BS_KC_INT, struct bs_params, f)
#define PU32(f) BIND(BS_KD_PARAM, BS_KC_U32, struct bs_params, f)
#define PU64(f) BIND(BS_KD_PARAM, BS_KC_U64, struct bs_params, f)
#define PH(f) BIND(BS_KD_PARAM, BS_KC_HOURS, struct bs_params, f)
#define PM(f) BIND(BS_KD_PARAM, BS_KC_MONTHS, struct bs_params, f)
#define SS(f) BIND(BS_KD_SCEN, BS_KC_STR, struct bs_scenario, f)
#define SP(f) BIND(BS_KD_SCEN, BS_KC_PATH, struct bs_scenario, f)
#define SD(f) BIND(BS_KD_SCEN, BS_KC_DBL, struct bs_scenario, f)
#define SZ(f) BIND(BS_KD_SCEN, BS_KC_SIZE, struct bs_scenario, f)
#define SU32(f) BIND(BS_KD_SCEN, BS_KC_U32, struct bs_scenario, f)
#define SW(f) BIND(BS_KD_SCEN, BS_KC_WVAL, struct bs_scenario, f)
#define SL(f) BIND(BS_KD_SCEN, BS_KC_WLIST, struct bs_scenario, f)
/* not bound to a field: objects, and keys read with the keys they combine
 * with (fleet.*, demand.trace_start) */
#define NB BS_KD_NONE, BS_KC_NONE, 0
/* What a key feeds (bs_key.feeds): the world and the simulation, or the
 * simulation alone. SIM only where neither calib/world.c nor what it
 * calls reads the key: tests/check_world.c builds worlds with each SIM
 * key changed and compares them. */
#define WORLD BS_FEEDS_WORLD
#define SIM BS_FEEDS_SIM

/*
 * The scenario format, version 1. Order matters: a parent before its
 * children, and a key before the keys whose condition reads it.
 */
const struct bs_key bs_keys[] = {
	{"bssim", BS_KT_INT, 1, 1, 0, NULL, NULL, NULL,
	 NB,
	 "format version; must be 1", NULL, WORLD},
	{"name", BS_KT_STR, 0, 0, 0, NULL, NULL, NULL,
	 SS(name),
	 "run name: letters, digits, '.', '_' or '-'; default output folder out/<name> (default: the file name)", NULL, WORLD},
	{"description", BS_KT_STR, 0, 0, 0, NULL, NULL, NULL,
	 NB,
	 "free text: the question this scenario answers", NULL, WORLD},
	{"seed", BS_KT_INT, 0, MAX_SEED, 0, "1", NULL, NULL,
	 PU64(seed),
	 "base seed of every random stream", NULL, SIM},
	/* no default on purpose (as behaviour.choice): a default would be
	 * written into every resolved scenario and change summary.json */
	{"rng", BS_KT_ENUM, 0, 0, 0, NULL, "taus2|philox", NULL,
	 PI(rng),
	 "generator of the per-station streams (arrivals, destinations, ride times, user types, choice; docs/model.md \"Random numbers\"): taus2 (absent: a seeded GSL taus2 stream per station and purpose, results as before) or philox (counter-based Philox4x32-10 keyed by seed, replication, station, purpose and the request's number at the station: no per-station state, faster on large networks; other random numbers, so other results, marked \"streams\": 2 in summary.json)", NULL, WORLD},
	{"replications", BS_KT_INT, 1, 10000, 0, "10", NULL, NULL,
	 PU32(replications),
	 "independent replications (common random numbers across scenarios)", NULL, WORLD},
	{"horizon", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "simulated time", NULL, WORLD},
	{"horizon.days", BS_KT_NUM, 0, 3650, 1, "7", NULL, NULL,
	 PD(days),
	 "length of a replication in days (at most 3650)", NULL, WORLD},
	{"horizon.warmup_days", BS_KT_NUM, 0, 3650, 0, "0", NULL, NULL,
	 PD(warmup_days),
	 "days at the start left out of every result; less than days", NULL, WORLD},
	{"horizon.start_weekday", BS_KT_ENUM, 0, 0, 0, "\"mon\"", "mon|tue|wed|thu|fri|sat|sun", NULL,
	 PI(start_weekday),
	 "day of the week of day 0", NULL, WORLD},
	{"network", BS_KT_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 NB,
	 "the stations: give `stations` or `synthetic`", NULL, WORLD},
	{"network.stations", BS_KT_PATH, 0, 0, 0, NULL, NULL, NULL,
	 SP(stations_path),
	 "stations CSV: station_id,name,ward,lat,lon,capacity", NULL, WORLD},
	{"network.names", BS_KT_PATH, 0, 0, 0, NULL, NULL, NULL,
	 SP(names_path),
	 "names table (CSV kind,id,en,ja,code; data/names.csv): the wards' display names in English and Japanese and their municipality codes, for output.language and network.boundaries", NULL, WORLD},
	{"network.boundaries", BS_KT_PATH, 0, 0, 0, NULL, NULL, NULL,
	 SP(bounds_path),
	 "ward boundaries: a GeoJSON FeatureCollection of (Multi)Polygons, a feature per ward matched by its N03_007 code (network.names) or its \"ward\" property; drawn on map.png and written as wards.geojson beside stations.geojson", NULL, WORLD},
	{"network.synthetic", BS_KT_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 NB,
	 "a generated grid network instead of a CSV", NULL, WORLD},
	{"network.synthetic.stations", BS_KT_INT, 2, BS_MAX_STATIONS, 0, NULL, NULL, "network.synthetic",
	 SZ(syn_n),
	 "number of stations",
	 "expected {\"stations\": N, \"capacity\": K, \"wards\": W}", WORLD},
	{"network.synthetic.capacity", BS_KT_INT, 1, 100000, 0, NULL, NULL, "network.synthetic",
	 SU32(syn_cap),
	 "docks per station",
	 "expected {\"stations\": N, \"capacity\": K, \"wards\": W}", WORLD},
	{"network.synthetic.wards", BS_KT_INT, 1, 256, 0, "1", NULL, "network.synthetic",
	 SZ(syn_wards),
	 "wards (bands of grid rows, named W1, W2, ...)", NULL, WORLD},
	{"network.synthetic.spacing_m", BS_KT_NUM, 0, 100000, 1, "300", NULL, "network.synthetic",
	 SD(syn_spacing_m),
	 "distance between neighbouring stations, metres", NULL, WORLD},
	{"capacity", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "soft capacity: a port's physical limit above its published capacity (docs/model.md)", NULL, WORLD},
	{"capacity.physical", BS_KT_ENUM, 0, 0, 0, "\"published\"", "published|data|factor|extra", NULL,
	 PI(phys_mode),
	 "the most bikes a port holds (returns beyond it divert): published (= capacity: hard), data (the stations CSV's physical_limit column), factor (capacity + ceil(capacity x extra_factor)) or extra (capacity + extra_docks); \"full\" stays capacity", NULL, WORLD},
	/* bounded so that a limit stays below 11 x BS_MAX_CAPACITY: the
	 * dock slots of every port are held in memory (BS_MAX_DOCKS) */
	{"capacity.extra_factor", BS_KT_NUM, 0, 10, 0, "0.25", NULL, "capacity.physical=factor",
	 PD(phys_factor),
	 "share of the capacity a port holds beyond it (0.25: an assumption)", NULL, WORLD},
	{"capacity.extra_docks", BS_KT_INT, 0, 100000, 0, "5", NULL, "capacity.physical=extra",
	 PU32(phys_extra),
	 "bikes a port holds beyond its capacity (5: an assumption)", NULL, WORLD},
	{"fleet", BS_KT_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 NB,
	 "bikes: give `bikes` or `fill` (not both), and/or `initial`; `ownership` says which ward owns how many", NULL, WORLD},
	{"fleet.bikes", BS_KT_WCOUNT, 0, 1e10, 0, NULL, NULL, NULL,
	 SW(fleet_bikes),
	 "total bikes; or {ward: bikes} naming every ward (the \"given\" ownership rule)", NULL, WORLD},
	{"fleet.fill", BS_KT_NUM, 0, 1, 0, NULL, NULL, NULL,
	 PD(fill),
	 "share of all docks holding a bike at the start", NULL, WORLD},
	{"fleet.initial", BS_KT_PATH, 0, 0, 0, NULL, NULL, NULL,
	 SP(initial_path),
	 "stock CSV station_id,bikes: each station's bikes at the start (unlisted: 0); with bikes or fill, bikes are added in proportion to free docks or taken in proportion to stock", NULL, WORLD},
	/* default "docks": what the wards' own programmes bought (about 11
	 * bikes a port in each, docs/model.md); "given" when fleet.bikes
	 * names wards (scenario.c), so that {ward: n} alone works */
	{"fleet.ownership", BS_KT_ENUM, 0, 0, 0, "\"docks\"", "docks|demand|given|stock", NULL,
	 PI(ownership),
	 "which ward owns how many bikes: docks (in proportion to its docks), demand (to its requests per day), given (fleet.bikes per ward), stock (each bike's owner is the ward of its starting port, the whole-network spread); each ward's bikes start on its own ports, keeping the pattern of `initial` within the ward (default: given when fleet.bikes names wards, else docks)", NULL, WORLD},
	{"demand", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "who rides, when, where to", NULL, WORLD},
	{"demand.model", BS_KT_ENUM, 0, 0, 0, "\"gravity\"", "uniform|gravity|rates|trace", NULL,
	 PI(demand),
	 "uniform (validation), gravity, rates (per station and hour, from a CSV) or trace (replay a trip log)", NULL, WORLD},
	{"demand.rates", BS_KT_PATH, 0, 0, 0, NULL, NULL, "demand.model=rates",
	 SP(rates_path),
	 "rates CSV station_id,hour,departures_per_hour[,arrivals_per_hour][,round_trip_share] (bssim calibrate); arrivals weight destinations; round_trip_share: each port's share of round trips (one per port)",
	 "the rates model needs a rates CSV (make one with bssim calibrate)", WORLD},
	{"demand.balance", BS_KT_BOOL, 0, 0, 0, "true", NULL, "demand.model=rates",
	 PI(balance),
	 "fit destinations hour by hour so that expected arrivals at each station match the rates CSV's arrivals (doubly constrained gravity); false: weight = daily arrivals", NULL, WORLD},
	{"demand.od", BS_KT_PATH, 0, 0, 0, NULL, NULL, "demand.model=rates",
	 SP(od_path),
	 "OD CSV origin_id,destination_id,trips: destinations of the origins it lists, in proportion to trips (others: gravity)", NULL, WORLD},
	{"demand.trips", BS_KT_PATH, 0, 0, 0, NULL, NULL, "demand.model=trace",
	 SP(trips_path),
	 "trip log CSV to replay (Citi Bike layout: starttime, start station id, end station id, ...)",
	 "the trace model needs a trip log CSV to replay", WORLD},
	{"demand.trace_start", BS_KT_STR, 0, 0, 0, NULL, NULL, "demand.model=trace",
	 NB,
	 "date YYYY-MM-DD of day 0 (default: the day of the log's first ride)", NULL, WORLD},
	{"demand.rate_per_station_per_hour", BS_KT_NUM, 0, 1e6, 0, NULL, NULL, "demand.model=uniform",
	 PD(rate_per_station_per_hour),
	 "arrivals per station per hour, all week",
	 "the uniform model needs it", WORLD},
	{"demand.trips_per_day", BS_KT_NUM, 0, 1e9, 0, NULL, NULL, "demand.model=gravity",
	 PD(trips_per_day),
	 "trips requested per weekday, whole network",
	 "the gravity model needs it", WORLD},
	{"demand.decay_m", BS_KT_NUM, 0, 1e6, 1, "1500", NULL, "demand.model=gravity|rates",
	 PD(decay_m),
	 "distance-decay length of destination choice, metres (1500: an assumption; the shipped tokyo4_* scenarios set 1080, fitted by bssim calibrate od to docomo's published mean ride length, docs/validation.md section 10)", NULL, WORLD},
	{"demand.max_trip_m", BS_KT_NUM, 0, 1e7, 1, "10000", NULL, "demand.model=gravity|rates",
	 PD(max_trip_m),
	 "farthest destination considered, metres", NULL, WORLD},
	{"demand.ward_factors", BS_KT_PATH, 0, 0, 0, NULL, NULL, "demand.model=gravity|rates",
	 SP(ward_factors_path),
	 "ward-pair factors CSV from,to,factor (bssim calibrate od): the destination weight of a station of ward `to` from an origin of ward `from` is multiplied by factor (pairs not listed: 1; OD-table origins: not applied); absent: none", NULL, WORLD},
	{"demand.round_trip_share", BS_KT_NUM, 0, 1, 0, NULL, NULL, "demand.model=uniform|gravity|rates",
	 PD(round_trip_share),
	 "share of requests that return to their own port (round trips), drawn from the port's own stream; a rates CSV's round_trip_share column sets it per port (its empty cells: this); absent: none (Tokyo: no published figure, an assumption; the Jersey City log: 0.0214, bssim calibrate trips)", NULL, WORLD},
	{"demand.round_trip_min", BS_KT_NUM, 0, 1440, 1, "17.7", NULL, "demand.round_trip_share",
	 PD(round_trip_min),
	 "mean minutes of a round trip: its ride time is this times the trip.duration variate (at least trip.duration.min_min under distance), whatever the distance; 17.7: the median of the Jersey City log's round trips (bssim calibrate trips), an assumption for Tokyo", NULL, WORLD},
	{"demand.commute_share_weekday", BS_KT_NUM, 0, 1, 0, "0.6", NULL, "demand.model=gravity",
	 PD(commute_share_weekday),
	 "weekday share of trips on the commute profile", NULL, WORLD},
	{"demand.commute_share_weekend", BS_KT_NUM, 0, 1, 0, "0.15", NULL, "demand.model=gravity",
	 PD(commute_share_weekend),
	 "weekend share of trips on the commute profile", NULL, WORLD},
	{"demand.weekend_factor", BS_KT_NUM, 0, 100, 0, "0.8", NULL, "demand.model=gravity|rates",
	 PD(weekend_factor),
	 "weekend daily volume relative to a weekday", NULL, WORLD},
	{"demand.profile", BS_KT_OBJ, 0, 0, 0, NULL, NULL, "demand.model=gravity",
	 NB,
	 "own hour-of-day shapes instead of the commute/leisure mix", NULL, WORLD},
	{"demand.profile.weekday", BS_KT_HOURS, 0, 0, 0, NULL, NULL, "demand.model=gravity",
	 PH(profile_weekday),
	 "24 relative weights, 00h to 23h", NULL, WORLD},
	{"demand.profile.weekend", BS_KT_HOURS, 0, 0, 0, NULL, NULL, "demand.model=gravity",
	 PH(profile_weekend),
	 "24 relative weights (default: as weekday)", NULL, WORLD},
	/* calendar: absent leaves every day as the week's profile says (the
	 * fields stay 0, read as factor 1: demand.c) */
	{"demand.calendar", BS_KT_OBJ, 0, 0, 0, NULL, NULL, "demand.model=uniform|gravity|rates",
	 NB,
	 "factors on each day's volume by day type and month (a year beyond one weekday)", NULL, WORLD},
	{"demand.calendar.weekday", BS_KT_NUM, 0, 100, 1, "1", NULL, "demand.model=uniform|gravity|rates",
	 PD(cal_weekday),
	 "factor on Monday to Friday", NULL, WORLD},
	{"demand.calendar.saturday", BS_KT_NUM, 0, 100, 1, "1", NULL, "demand.model=uniform|gravity|rates",
	 PD(cal_saturday),
	 "factor on Saturdays (on top of demand.weekend_factor)", NULL, WORLD},
	{"demand.calendar.sunday", BS_KT_NUM, 0, 100, 1, "1", NULL, "demand.model=uniform|gravity|rates",
	 PD(cal_sunday),
	 "factor on Sundays (on top of demand.weekend_factor)", NULL, WORLD},
	{"demand.calendar.month", BS_KT_MONTHS, 0, 100, 1, NULL, NULL, "demand.model=uniform|gravity|rates",
	 PM(cal_month),
	 "12 factors, January first; needs start", NULL, WORLD},
	{"demand.calendar.start", BS_KT_STR, 0, 0, 0, NULL, NULL, "demand.model=uniform|gravity|rates",
	 NB,
	 "date of day 0, YYYY-MM-DD (its weekday must be horizon.start_weekday)", NULL, WORLD},
	/* demand response (exp/response.c): absent or not enabled, the
	 * requests are the rates as given, bit for bit */
	{"demand.response", BS_KT_OBJ, 0, 0, 0, NULL, NULL, "demand.model=uniform|gravity|rates",
	 NB,
	 "requests that answer to the service found: a fixed point over replications", NULL, WORLD},
	{"demand.response.enabled", BS_KT_BOOL, 0, 0, 0, "false", NULL, "demand.model=uniform|gravity|rates",
	 PI(resp_on),
	 "requests = rates x min(cap, (service / reference)^elasticity) per port and hour", NULL, WORLD},
	{"demand.response.elasticity", BS_KT_NUM, 0, 5, 0, "0.305", NULL, "demand.response.enabled",
	 PD(resp_elasticity),
	 "elasticity of requests to the share of riders served (Kabra et al.: the interest part, 1/4 of 1.22)", NULL, WORLD},
	{"demand.response.reference", BS_KT_NUM, 0, 1, 1, "1", NULL, "demand.response.enabled",
	 PD(resp_reference),
	 "service at which requests equal the rates (1: the rates are latent demand)", NULL, WORLD},
	{"demand.response.cap", BS_KT_NUM, 1, 10, 0, "2", NULL, "demand.response.enabled",
	 PD(resp_cap),
	 "largest factor on the rates", NULL, WORLD},
	{"demand.response.tolerance", BS_KT_NUM, 1e-6, 1, 0, "0.01", NULL, "demand.response.enabled",
	 PD(resp_tol),
	 "stop when the request-weighted mean change of the factors is at most this", NULL, WORLD},
	{"demand.response.max_iterations", BS_KT_INT, 1, 100, 0, "20", NULL, "demand.response.enabled",
	 PU32(resp_max_iter),
	 "runs before giving up (exit 1 with the residual)", NULL, WORLD},
	{"demand.response.damping", BS_KT_NUM, 0, 1, 1, "1", NULL, "demand.response.enabled",
	 PD(resp_damping),
	 "share of each step taken (1: plain iteration; less calms oscillation)", NULL, WORLD},
	{"trip", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "rides", NULL, WORLD},
	{"trip.duration", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "ride time", NULL, WORLD},
	{"trip.duration.dist", BS_KT_ENUM, 0, 0, 0, "\"distance\"", "exponential|distance", NULL,
	 PI(dur),
	 "exponential (mean_min) or distance (detour x distance / speed, log-normal noise)", NULL, WORLD},
	{"trip.duration.mean_min", BS_KT_NUM, 0, 10080, 1, "15", NULL, "trip.duration.dist=exponential",
	 PD(mean_min),
	 "mean ride, minutes", NULL, WORLD},
	/* speeds from 1 km/h: slower is not moving, and the bound keeps every
	 * travel time, and the fares and hours summed from them, finite */
	{"trip.duration.speed_kmh", BS_KT_NUM, 1, 100, 0, "12", NULL, "trip.duration.dist=distance",
	 PD(speed_kmh),
	 "riding speed, km/h", NULL, WORLD},
	{"trip.duration.detour", BS_KT_NUM, 1, 10, 0, "1.3", NULL, "trip.duration.dist=distance",
	 PD(detour),
	 "road distance / great-circle distance", NULL, WORLD},
	{"trip.duration.noise_sd", BS_KT_NUM, 0, 3, 0, "0.3", NULL, "trip.duration.dist=distance",
	 PD(noise_sd),
	 "sd of the log of the mean-one log-normal factor", NULL, WORLD},
	{"trip.duration.min_min", BS_KT_NUM, 0, 1440, 1, "2", NULL, "trip.duration.dist=distance",
	 PD(min_min),
	 "shortest ride leg, minutes", NULL, WORLD},
	{"behaviour", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "users at empty, full and forbidden ports", NULL, WORLD},
	{"behaviour.walk_radius_m", BS_KT_NUM, 0, 5000, 0, "300", NULL, NULL,
	 PD(walk_radius_m),
	 "at an empty port, walk to the nearest port with a bike within this; 0: no walking", NULL, WORLD},
	{"behaviour.on_full", BS_KT_ENUM, 0, 0, 0, "\"nearest\"", "nearest|random", NULL,
	 PI(on_full),
	 "at a full port: ride to the nearest allowed port with a free dock, or to a random other port", NULL, SIM},
	{"behaviour.forbidden_return", BS_KT_ENUM, 0, 0, 0, "\"truncate\"", "truncate|lost", NULL,
	 PI(forbidden),
	 "destination's ward forbidden for the bike: return at the nearest allowed port, or do not ride", NULL, SIM},
	/* periods from 0.1 min (6 s): one event per wait, so a shorter one
	 * only multiplies events (1e-9 would never let a run end) */
	{"behaviour.retry_min", BS_KT_NUM, 0.1, 1440, 0, "5", NULL, NULL,
	 PD(retry_min),
	 "wait before retrying when no allowed port has a free dock, minutes", NULL, SIM},
	/* No default on purpose: a default is written into every resolved
	 * scenario (summary.json), so "off" as a default would change the
	 * bytes of every existing result. Absent means off. */
	{"behaviour.choice", BS_KT_ENUM, 0, 0, 0, NULL, "off|on", NULL,
	 PI(choice),
	 "riders choose (docs/model.md): on: a walk tolerance and a reservation price per rider decide truncated, surcharged and walked-to rides, replacing forbidden_return; absent or off: they do not (results as before)", NULL, SIM},
	{"behaviour.walk_tolerance", BS_KT_ENUM, 0, 0, 0, "\"exponential\"", "exponential|step", "behaviour.choice=on",
	 PI(walk_tol),
	 "distribution of the walk W a rider accepts after returning short of the destination: exponential (walk_decay_per_m) or step (exactly walk_tolerance_m)", NULL, SIM},
	/* the rate from 1e-6 per metre (a mean tolerance of 1,000 km: no
	 * limit) to 1 (a mean of 1 m: no walking) */
	{"behaviour.walk_decay_per_m", BS_KT_NUM, 1e-6, 1, 0, "0.00194", NULL, "behaviour.walk_tolerance=exponential",
	 PD(walk_decay_per_m),
	 "exponential walk tolerance: P(W >= w) = exp(-rate w); 0.00194: each metre of walking cuts use by 0.194 % (Kabra, Belavina & Girotra 2020)", NULL, SIM},
	{"behaviour.walk_tolerance_m", BS_KT_NUM, 0, 100000, 0, "300", NULL, "behaviour.walk_tolerance=step",
	 PD(walk_tol_m),
	 "step walk tolerance: every rider walks up to exactly this many metres (300: about 80 % of use comes from within 300 m of a port, Kabra, Belavina & Girotra 2020)", NULL, SIM},
	/* 0 (no price response) to -10: beyond, one yen above the reference
	 * fare already turns almost every rider away */
	{"behaviour.price_elasticity", BS_KT_NUM, -10, 0, 0, "-0.4", NULL, "behaviour.choice=on",
	 PD(price_elasticity),
	 "a rider rides at one-block fare F with probability min(1, (F / reference_fare_yen)^elasticity); -0.4: a short-run bus fare elasticity (assumption: no bike-share figure is published)", NULL, SIM},
	{"behaviour.reference_fare_yen", BS_KT_NUM, 0, 1e6, 1, "165", NULL, "behaviour.choice=on",
	 PD(ref_fare_yen),
	 "the fare at which every rider rides (165: docomo's one-time fare per 30 min since 2022-02-01)", NULL, SIM},
	{"agreement", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "mutual use between wards", NULL, WORLD},
	{"agreement.type", BS_KT_ENUM, 0, 0, 0, "\"full\"", "isolated|full|bilateral|matrix", NULL,
	 PI(agreement),
	 "isolated, full, bilateral (pairs) or matrix", NULL, WORLD},
	{"agreement.pairs", BS_KT_PAIRS, 0, 0, 0, NULL, NULL, "agreement.type=bilateral",
	 SL(agr_pairs),
	 "ward pairs with mutual use, e.g. [[\"Minato\",\"Chiyoda\"]]",
	 "a bilateral agreement needs e.g. \"pairs\": [[\"Minato\",\"Chiyoda\"]]", WORLD},
	{"agreement.matrix", BS_KT_WARDS, 0, 0, 0, NULL, NULL, "agreement.type=matrix",
	 SL(agr_matrix),
	 "owner ward -> wards where its bikes may be rented and returned (own ward implied)",
	 "expected e.g. \"matrix\": {\"Minato\": [\"Chiyoda\"]}", WORLD},
	{"fees", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "what users pay and wards owe each other", NULL, WORLD},
	{"fees.price_yen", BS_KT_PRICE, 0, 1e6, 0, "165", NULL, NULL,
	 SW(price),
	 "price per started block, yen: one number, or {ward: number} for every ward (165: docomo's price per 30 min)", NULL, WORLD},
	/* from 1 minute: a fare is price x started blocks, so a block of
	 * 1e-300 minutes makes it inf; with this bound and the prices' the
	 * revenue of 2^43 rides stays below 1e35 yen */
	{"fees.block_min", BS_KT_NUM, 1, 1440, 0, "30", NULL, NULL,
	 PD(block_min),
	 "tariff block, minutes", NULL, SIM},
	{"fees.cross_surcharge_yen", BS_KT_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 PD(cross_surcharge_yen),
	 "added to a ride returned in another ward", NULL, SIM},
	{"fees.users", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "shares of requests by user type; they sum to 1 (within 1e-6); each request draws its type from its own stream (docs/model.md)", NULL, WORLD},
	{"fees.users.pay_per_ride", BS_KT_NUM, 0, 1, 0, "1", NULL, NULL,
	 PD(share_pay),
	 "share paying fees.price_yen per started block (one-time members)", NULL, SIM},
	{"fees.users.monthly", BS_KT_NUM, 0, 1, 0, "0", NULL, NULL,
	 PD(share_monthly),
	 "share of monthly members: rides up to fees.monthly_free_min free, then price_yen per started block beyond (no public share: an assumption to give)", NULL, SIM},
	{"fees.users.day_pass", BS_KT_NUM, 0, 1, 0, "0", NULL, NULL,
	 PD(share_day),
	 "share riding on a day pass: every ride of the day free (no public share: an assumption to give)", NULL, SIM},
	{"fees.monthly_yen", BS_KT_NUM, 0, 1e6, 0, "3300", NULL, NULL,
	 PD(monthly_yen),
	 "monthly member's fee, yen a month (3,300: docomo, data/SOURCES.md)", NULL, SIM},
	{"fees.monthly_free_min", BS_KT_NUM, 0, 1440, 0, "30", NULL, NULL,
	 PD(monthly_free_min),
	 "a monthly member's ride is free up to these minutes (30: docomo)", NULL, SIM},
	{"fees.monthly_rides", BS_KT_NUM, 1, 1000, 0, "20", NULL, NULL,
	 PD(monthly_rides),
	 "rides a member takes a month: revenue counts monthly_yen / monthly_rides per member ride (20: an assumption, no public figure)", NULL, SIM},
	{"fees.day_pass_yen", BS_KT_NUM, 0, 1e6, 0, "1650", NULL, NULL,
	 PD(day_pass_yen),
	 "day pass, yen (1,650: docomo, data/SOURCES.md)", NULL, SIM},
	{"fees.day_pass_rides", BS_KT_NUM, 1, 1000, 0, "5", NULL, NULL,
	 PD(day_pass_rides),
	 "rides on one day pass: revenue counts day_pass_yen / day_pass_rides per pass ride (5: an assumption, the rides of up to an hour at which a pass pays off)", NULL, SIM},
	{"fees.settlement", BS_KT_ENUM, 0, 0, 0, "\"renting\"", "renting|owner|split_time", NULL,
	 PI(settlement),
	 "who earns a fare: the renting ward, the bike's owner ward, or each ward by ride time in it", NULL, SIM},
	{"fees.foreign_dock_fee_yen", BS_KT_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 PD(dock_fee_yen),
	 "per night, owed by a bike's owner ward to the ward whose port holds it", NULL, SIM},
	{"fees.night_hour", BS_KT_NUM, 0, 23.999, 0, "3", NULL, NULL,
	 PD(night_hour),
	 "hour of the nightly count of foreign bikes", NULL, SIM},
	{"fees.repatriation_yen", BS_KT_NUM, 0, 1e6, 0, "0", NULL, NULL,
	 PD(repatriation_yen),
	 "per bike a truck brings home, owed by the owner ward to the truck's ward", NULL, SIM},
	{"rebalancing", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "trucks", NULL, WORLD},
	{"rebalancing.policy", BS_KT_ENUM, 0, 0, 0, "\"none\"", "none|threshold|repatriate", NULL,
	 PI(reb_policy),
	 "none; threshold (keep ports between low and high fill); repatriate (bring bikes home to their owner ward)", NULL, WORLD},
	{"rebalancing.trucks_per_ward", BS_KT_WCOUNT, 0, 1000, 0, "2", NULL, NULL,
	 SW(trucks_per_ward),
	 "trucks each ward owns: one number for all, or {ward: number} for every ward (assumption: 2)", NULL, WORLD},
	{"rebalancing.pooled", BS_KT_POOL, 0, 0, 0, "false", NULL, NULL,
	 SL(reb_pool),
	 "false: each ward's trucks serve its own ports; true: all wards share; or groups [[\"Minato\",\"Chiyoda\"], ...]", NULL, WORLD},
	{"rebalancing.truck_capacity", BS_KT_INT, 1, 1000, 0, "20", NULL, NULL,
	 PU32(truck_capacity),
	 "bikes a truck carries (assumption)", NULL, SIM},
	{"rebalancing.speed_kmh", BS_KT_NUM, 1, 200, 0, "15", NULL, NULL,
	 PD(truck_speed_kmh),
	 "truck speed in city traffic, km/h (assumption)", NULL, SIM},
	{"rebalancing.detour", BS_KT_NUM, 1, 10, 0, "1.4", NULL, NULL,
	 PD(truck_detour),
	 "road distance / great-circle distance for trucks", NULL, SIM},
	{"rebalancing.load_min_per_bike", BS_KT_NUM, 0, 60, 0, "1", NULL, NULL,
	 PD(load_min),
	 "minutes to load or unload one bike", NULL, SIM},
	{"rebalancing.shift_start_h", BS_KT_NUM, 0, 24, 0, "7", NULL, NULL,
	 PD(reb_shift_start_h),
	 "daily shift start, hour", NULL, WORLD},
	{"rebalancing.shift_end_h", BS_KT_NUM, 0, 24, 0, "22", NULL, NULL,
	 PD(reb_shift_end_h),
	 "daily shift end, hour (after the start)", NULL, WORLD},
	{"rebalancing.low", BS_KT_NUM, 0, 1, 0, "0.2", NULL, NULL,
	 PD(reb_low),
	 "threshold: a port below this share of its docks in usable bikes needs bikes", NULL, SIM},
	{"rebalancing.high", BS_KT_NUM, 0, 1, 0, "0.8", NULL, NULL,
	 PD(reb_high),
	 "threshold: a port above this share of its docks in bikes has too many", NULL, SIM},
	{"rebalancing.target", BS_KT_NUM, 0, 1, 0, "0.5", NULL, NULL,
	 PD(reb_target),
	 "fill share a served port is brought to (between low and high)", NULL, SIM},
	{"rebalancing.lookahead_min", BS_KT_NUM, 0, 1440, 0, "60", NULL, NULL,
	 PD(reb_lookahead_min),
	 "threshold: a port also needs bikes when it has fewer rentable than the requests expected this many minutes ahead, and is filled up to them; 0: capacity bands only", NULL, SIM},
	{"rebalancing.reach_m", BS_KT_NUM, 0, 1e6, 0, "2000", NULL, NULL,
	 PD(reb_reach_m),
	 "threshold: serve the worst port within this distance of the truck; farther only when none within", NULL, SIM},
	{"rebalancing.review_min", BS_KT_NUM, 0.1, 1440, 0, "15", NULL, NULL,
	 PD(review_min),
	 "an idle truck or crew looks for work again after this many minutes", NULL, WORLD},
	{"rebalancing.depots", BS_KT_WSTR, 0, 0, 0, NULL, NULL, NULL,
	 SW(depots),
	 "{ward: station_id} where each ward's trucks and crews park (default: the ward's port nearest its centroid)", NULL, WORLD},
	/* no default object: a scenario without depots resolves as before */
	{"depots", BS_KT_OBJ, 0, 0, 0, NULL, NULL, NULL,
	 NB,
	 "depots: bikes out of service (charging, repair, reserve) and the operations that bring them into service and take them out", NULL, WORLD},
	{"depots.enabled", BS_KT_BOOL, 0, 0, 0, "false", NULL, NULL,
	 PI(dep_enabled),
	 "model depots (one per ward)", NULL, WORLD},
	{"depots.at", BS_KT_WSTR, 0, 0, 0, NULL, NULL, "depots.enabled",
	 SW(dep_at),
	 "{ward: station_id or \"lat,lon\"} where each ward's depot stands, within 2 km of the network's ports (default: the ward office for Chiyoda, Chuo, Minato and Koto, an assumption; else the ward's port nearest its centroid)", NULL, WORLD},
	{"depots.capacity", BS_KT_WCOUNT, 0, 100000, 0, "500", NULL, "depots.enabled",
	 SW(dep_capacity),
	 "bikes a ward's depot holds at most: one number, or {ward: number} (assumption: 500)", NULL, WORLD},
	{"depots.stock", BS_KT_WCOUNT, 0, 100000, 0, "0", NULL, "depots.enabled",
	 SW(dep_stock),
	 "bikes out of service in a ward's depot at the start, on top of the fleet (at most its capacity)", NULL, WORLD},
	{"depots.operations", BS_KT_ENUM, 0, 0, 0, "\"none\"", "none|replay|policy", "depots.enabled",
	 PI(dep_ops),
	 "none; replay (a day's moves at their minutes: depots.replay); policy (depot trucks bring and take per ward and hour: depots.policy)", NULL, WORLD},
	{"depots.replay", BS_KT_PATH, 0, 0, 0, NULL, NULL, "depots.operations=replay",
	 SP(dep_replay_path),
	 "moves CSV t_min,station_id,delta (bssim calibrate status --moves)",
	 "replaying operations needs \"replay\": a moves CSV (bssim calibrate status --moves)", WORLD},
	{"depots.policy", BS_KT_PATH, 0, 0, 0, NULL, NULL, "depots.operations=policy",
	 SP(dep_policy_path),
	 "policy CSV ward,hour,bring,take: bikes per day (bssim calibrate status --ops-policy)",
	 "the policy needs \"policy\": a CSV ward,hour,bring,take (bssim calibrate status --ops-policy)", WORLD},
	{"depots.trucks_per_ward", BS_KT_WCOUNT, 0, 1000, 0, "2", NULL, "depots.operations=policy",
	 SW(dep_trucks),
	 "depot trucks of each ward (capacity, speed, detour and load time: rebalancing.*; assumption: 2)", NULL, WORLD},
	{"depots.shift_start_h", BS_KT_NUM, 0, 24, 0, "7", NULL, "depots.operations=policy",
	 PD(dep_shift_start_h),
	 "depot trucks' daily shift start, hour (assumption)", NULL, WORLD},
	{"depots.shift_end_h", BS_KT_NUM, 0, 24, 0, "22", NULL, "depots.operations=policy",
	 PD(dep_shift_end_h),
	 "depot trucks' daily shift end, hour (assumption)", NULL, WORLD},
	{"depots.charge_min", BS_KT_NUM, 0, 10080, 0, "240", NULL, "depots.enabled",
	 PD(dep_charge_min),
	 "minutes a bike taken out of service stays in the depot (charging) before it may go out again (assumption)", NULL, WORLD},
	{"depots.withdraw_below", BS_KT_NUM, 0, 1, 0, "0.3", NULL, "depots.enabled",
	 PD(dep_withdraw_below),
	 "with batteries: bikes below this charge are taken out of service first, and a port holding one is worth a truck's visit (assumption)", NULL, WORLD},
	{"battery", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "e-assist batteries and swap crews", NULL, WORLD},
	{"battery.enabled", BS_KT_BOOL, 0, 0, 0, "false", NULL, NULL,
	 PI(battery),
	 "model batteries (all docomo bikes are electric-assist)", NULL, WORLD},
	{"battery.use_per_km", BS_KT_NUM, 0, 1, 0, "0.015", NULL, "battery.enabled",
	 PD(bat_use_per_km),
	 "share of a full battery used per km ridden (assumption: about 67 km per charge)", NULL, SIM},
	{"battery.min_rentable", BS_KT_NUM, 0, 1, 0, "0.2", NULL, "battery.enabled",
	 PD(bat_min_rentable),
	 "a bike with less charge cannot be rented (assumption)", NULL, SIM},
	{"battery.swap_below", BS_KT_NUM, 0, 1, 0, "0.6", NULL, "battery.enabled",
	 PD(bat_swap_below),
	 "crews swap every battery below this charge at the ports they visit", NULL, SIM},
	{"battery.initial_min", BS_KT_NUM, 0, 1, 0, "0.5", NULL, "battery.enabled",
	 PD(bat_initial_min),
	 "initial charges are uniform between this and 1", NULL, SIM},
	{"battery.crews_per_ward", BS_KT_WCOUNT, 0, 1000, 0, "3", NULL, "battery.enabled",
	 SW(crews_per_ward),
	 "swap crews each ward employs: one number for all, or {ward: number} for every ward (assumption: 3)", NULL, WORLD},
	{"battery.pooled", BS_KT_POOL, 0, 0, 0, "false", NULL, "battery.enabled",
	 SL(bat_pool),
	 "as rebalancing.pooled, for crews", NULL, WORLD},
	{"battery.speed_kmh", BS_KT_NUM, 1, 200, 0, "15", NULL, "battery.enabled",
	 PD(crew_speed_kmh),
	 "crew speed, km/h (assumption)", NULL, SIM},
	{"battery.swap_min", BS_KT_NUM, 0, 60, 0, "1", NULL, "battery.enabled",
	 PD(swap_min),
	 "minutes per battery swapped (assumption)", NULL, SIM},
	{"battery.shift_start_h", BS_KT_NUM, 0, 24, 0, "8", NULL, "battery.enabled",
	 PD(bat_shift_start_h),
	 "crews' daily shift start, hour", NULL, WORLD},
	{"battery.shift_end_h", BS_KT_NUM, 0, 24, 0, "20", NULL, "battery.enabled",
	 PD(bat_shift_end_h),
	 "crews' daily shift end, hour (after the start)", NULL, WORLD},
	{"costs", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "operating costs (all assumptions)", NULL, WORLD},
	{"costs.truck_hour_yen", BS_KT_NUM, 0, 1e7, 0, "3000", NULL, NULL,
	 PD(truck_hour_yen),
	 "per truck per hour on shift: driver and vehicle", NULL, SIM},
	{"costs.truck_km_yen", BS_KT_NUM, 0, 1e7, 0, "40", NULL, NULL,
	 PD(truck_km_yen),
	 "per truck kilometre: fuel and wear", NULL, SIM},
	{"costs.crew_hour_yen", BS_KT_NUM, 0, 1e7, 0, "2000", NULL, NULL,
	 PD(crew_hour_yen),
	 "per swap crew per hour on shift", NULL, SIM},
	{"costs.swap_yen", BS_KT_NUM, 0, 1e7, 0, "30", NULL, NULL,
	 PD(swap_yen),
	 "per battery swapped: charging and wear", NULL, SIM},
	{"output", BS_KT_OBJ, 0, 0, 0, "{}", NULL, NULL,
	 NB,
	 "what is written", NULL, WORLD},
	{"output.timeseries_step_min", BS_KT_NUM, 1, 1440, 0, "15", NULL, NULL,
	 PD(ts_step_min),
	 "minutes between time-series samples; must divide the day (1440 minutes), so that every day has the same samples", NULL, WORLD},
	{"output.trips", BS_KT_BOOL, 0, 0, 0, "false", NULL, NULL,
	 PI(trips_log),
	 "write trips.csv, one row per trip (streamed to disk)", NULL, WORLD},
	{"output.language", BS_KT_ENUM, 0, 0, 0, NULL, "en|ja", NULL,
	 PI(language),
	 "language of the plots, report.html and results.xlsx's headers: en (absent: en) or ja (Japanese titles, labels and ward names from network.names; needs a CJK font for the plots)", NULL, WORLD},
	{"output.geojson", BS_KT_BOOL, 0, 0, 0, "false", NULL, NULL,
	 PI(geojson),
	 "write stations.geojson: one RFC 7946 Point per port with its stations.csv results, for GIS tools and the map plot", NULL, WORLD},
	/* No defaults on purpose for the two keys below (and output.language) (as
	 * behaviour.choice): a default is written into every resolved
	 * scenario (summary.json) and would change the bytes of every
	 * existing result. Absent means false / "en". */
	{"output.xlsx", BS_KT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 PI(xlsx),
	 "write results.xlsx beside the CSVs: a sheet per table, headline metrics with intervals first, station ids as text (docs/analysts.md); absent: false", NULL, WORLD},
	/* No defaults either for the three keys below: their absent values
	 * depend on horizon.days (BS_LONG_RUN_DAYS, scenario.c), so that
	 * every run of 31 days or fewer keeps its files byte for byte. */
	{"output.days", BS_KT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 PI(days_out),
	 "write days.csv: one row per replication, day and ward with the day's service, reach, trips, losses, empty and full port shares and low-battery bikes (docs/outputs.md); absent: true when horizon.days is over 31, else false", NULL, WORLD},
	{"output.timeseries_replications", BS_KT_INT, 0, 10000, 0, NULL, NULL, NULL,
	 PU32(ts_reps),
	 "how many replications (the first ones) keep their time series (timeseries.csv, results.xlsx, the API's timeseries table; the others' samples are not even kept in memory); 0: all; absent: 1 when horizon.days is over 31 (a year at 5-minute steps of 20 replications would be 263 MB), else all", NULL, WORLD},
	{"output.gzip", BS_KT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 PI(gzip),
	 "write the run's CSV files compressed, as NAME.csv.gz (gzip; bssim's readers, pandas and R read them as they are); absent: false", NULL, WORLD},
	{"output.csv_bom", BS_KT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 PI(csv_bom),
	 "start the run's CSV files with a UTF-8 byte-order mark, so that Excel shows Japanese names right when it opens them; absent: false (no mark)", NULL, WORLD},
};

const size_t bs_nkeys = sizeof(bs_keys) / sizeof(bs_keys[0]);

const struct bs_key *bs_key_find(const char *path)
{
	size_t i;

	for (i = 0; i < bs_nkeys; i++)
		if (strcmp(bs_keys[i].path, path) == 0)
			return &bs_keys[i];
	return NULL;
}

int bs_key_enum_index(const struct bs_key *k, const char *name)
{
	size_t l = strlen(name);
	const char *p = k->choices;
	int i = 0;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t pl = bar ? (size_t)(bar - p) : strlen(p);
		if (pl == l && strncmp(p, name, l) == 0)
			return i;
		p = bar ? bar + 1 : NULL;
		i++;
	}
	return -1;
}

const char *bs_key_enum_name(const char *path, int i, char *buf, size_t sz)
{
	const struct bs_key *k = bs_key_find(path);
	const char *p;

	if (!k || k->type != BS_KT_ENUM || i < 0)
		return NULL;
	for (p = k->choices; p && i > 0; i--) {
		p = strchr(p, '|');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return NULL;
	snprintf(buf, sz, "%.*s", (int)strcspn(p, "|"), p);
	return buf;
}

/* Borrowed value at a dotted path, or NULL. */
json_t *bs_json_path(json_t *root, const char *path)
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

const char *bs_key_closest(const char *parent, const char *bad, char *list,
			   size_t lsz)
{
	size_t i, pl = strlen(parent), used = 0, best = 4;
	const char *closest = NULL;

	list[0] = '\0';
	for (i = 0; i < bs_nkeys; i++) {
		const char *k = bs_keys[i].path, *leaf;
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
				closest = k;
			}
		}
	}
	return closest;
}

int bs_key_range(const char *path, double *min, double *max, int *min_open)
{
	const struct bs_key *k = bs_key_find(path);

	if (!k || (k->type != BS_KT_INT && k->type != BS_KT_NUM &&
		   k->type != BS_KT_PRICE && k->type != BS_KT_WCOUNT))
		return -1;
	*min = k->min;
	*max = k->max;
	*min_open = k->min_open;
	return 0;
}

/* O(keys) for the lookup. */
const struct bs_key *bs_key_missing(json_t *root, const char *path)
{
	const struct bs_key *k = bs_key_find(path);

	if (!k || !k->needs || bs_json_path(root, path) ||
	    !bs_key_when_holds(root, k->when))
		return NULL;
	return k;
}

int bs_key_when_holds(json_t *root, const char *when)
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
		v = bs_json_path(root, when);
		return v && !json_is_false(v) && !json_is_null(v);
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - when), when);
	v = bs_json_path(root, key);
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

/* A bound as written in a scenario: whole numbers in full (the seed's
 * 9007199254740991, not 9.00719925474099e+15), others with 15 digits.
 * buf holds at least 32 bytes. */
const char *bs_key_bound(double v, char *buf)
{
	if (v == floor(v) && fabs(v) <= 9007199254740992.0)
		snprintf(buf, 32, "%.0f", v);
	else
		snprintf(buf, 32, "%.15g", v);
	return buf;
}

void bs_key_range_text(const struct bs_key *ks, char *buf, size_t sz)
{
	char a[32], b[32];

	if (ks->min_open)
		snprintf(buf, sz, "greater than %s and at most %s",
			 bs_key_bound(ks->min, a), bs_key_bound(ks->max, b));
	else
		snprintf(buf, sz, "from %s to %s", bs_key_bound(ks->min, a),
			 bs_key_bound(ks->max, b));
}

void bs_keys_write_markdown(FILE *out)
{
	size_t i;

	fprintf(out, "| key | type | default | applies when | meaning |\n");
	fprintf(out, "|---|---|---|---|---|\n");
	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		char t[160], a[32], b[32];
		switch (k->type) {
		case BS_KT_OBJ:
			snprintf(t, sizeof(t), "object");
			break;
		case BS_KT_INT:
			snprintf(t, sizeof(t), "integer, %s%s to %s",
				 k->min_open ? "> " : "", bs_key_bound(k->min, a),
				 bs_key_bound(k->max, b));
			break;
		case BS_KT_NUM:
			snprintf(t, sizeof(t), "number, %s%s to %s",
				 k->min_open ? "> " : "", bs_key_bound(k->min, a),
				 bs_key_bound(k->max, b));
			break;
		case BS_KT_STR:
			snprintf(t, sizeof(t), "string");
			break;
		case BS_KT_PATH:
			snprintf(t, sizeof(t), "path");
			break;
		case BS_KT_BOOL:
			snprintf(t, sizeof(t), "true/false");
			break;
		case BS_KT_ENUM:
			snprintf(t, sizeof(t), "`%s`", k->choices);
			break;
		case BS_KT_HOURS:
			snprintf(t, sizeof(t), "24 numbers, 0 to 1e15");
			break;
		case BS_KT_MONTHS:
			snprintf(t, sizeof(t), "12 numbers, greater than %s and at most %s",
				 bs_key_bound(k->min, a), bs_key_bound(k->max, b));
			break;
		case BS_KT_PAIRS:
			snprintf(t, sizeof(t), "array of ward pairs");
			break;
		case BS_KT_WARDS:
			snprintf(t, sizeof(t), "object: ward -> wards");
			break;
		case BS_KT_PRICE:
			snprintf(t, sizeof(t), "number, or object ward -> number");
			break;
		case BS_KT_WCOUNT:
			snprintf(t, sizeof(t), "integer %s to %s, or object ward -> integer",
				 bs_key_bound(k->min, a), bs_key_bound(k->max, b));
			break;
		case BS_KT_POOL:
			snprintf(t, sizeof(t), "true/false, or array of ward groups");
			break;
		case BS_KT_WSTR:
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
			/* a needed key has no default: say so where one would be */
			fprintf(out, "| `%s` | %s | %s%s%s%s | %s | %s%s |\n", k->path,
				t, k->def ? "`" : "", k->def ? k->def : "",
				k->def ? "`" : "", k->needs ? "**required**" : "",
				wh, k->help,
				k->feeds == BS_FEEDS_SIM ? " *(simulation only)*" : "");
		}
	}
}
