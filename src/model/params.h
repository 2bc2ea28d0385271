/*
 * params.h - the model's parameters as plain C values, resolved from a
 * scenario by the io layer (which owns JSON, defaults and validation). The
 * model layer reads only this struct, so it never sees jansson.
 *
 * Everything is by value except the few arrays noted; their owner is the
 * struct bs_scenario that filled them (see scenario.h).
 */
#ifndef BSSIM_PARAMS_H
#define BSSIM_PARAMS_H

#include <stddef.h>
#include <stdint.h>

enum bs_fleet_mode { BS_FLEET_BIKES, BS_FLEET_FILL, BS_FLEET_INITIAL };
/* fleet.ownership, in the key's choice order */
enum bs_ownership { BS_OWN_DOCKS, BS_OWN_DEMAND, BS_OWN_GIVEN, BS_OWN_STOCK };
enum bs_demand_kind { BS_DEMAND_UNIFORM, BS_DEMAND_GRAVITY, BS_DEMAND_RATES,
		      BS_DEMAND_TRACE };
enum bs_dur_kind { BS_DUR_EXPONENTIAL, BS_DUR_DISTANCE };
enum bs_on_full { BS_FULL_NEAREST, BS_FULL_RANDOM };
enum bs_forbidden { BS_FORBID_TRUNCATE, BS_FORBID_LOST };
enum bs_choice { BS_CHOICE_OFF, BS_CHOICE_ON };
enum bs_walk_tol { BS_WALK_EXPONENTIAL, BS_WALK_STEP };
enum bs_language { BS_LANG_EN, BS_LANG_JA };
/* rng, in the key's choice order: the per-station streams' generator */
enum bs_rng_kind { BS_RNGK_TAUS2, BS_RNGK_PHILOX };
enum bs_settlement { BS_SETTLE_RENTING, BS_SETTLE_OWNER, BS_SETTLE_SPLIT_TIME };
enum bs_reb_policy { BS_REB_NONE, BS_REB_THRESHOLD, BS_REB_REPATRIATE };
enum bs_agreement_kind {
	BS_AGR_ISOLATED,
	BS_AGR_FULL,
	BS_AGR_BILATERAL,
	BS_AGR_MATRIX
};

#define BS_MINUTES_PER_DAY 1440.0
#define BS_MINUTES_PER_WEEK 10080.0

struct bs_params {
	uint64_t seed;
	uint32_t replications;

	/* time */
	double days;         /* horizon, days */
	double warmup_days;  /* excluded from results */
	int start_weekday;   /* 0 = Monday ... 6 = Sunday, for day 0 */

	/* soft capacity: how physical limits follow (enum bs_phys) */
	int phys_mode;
	double phys_factor;
	uint32_t phys_extra;

	/* fleet */
	int fleet_mode;      /* enum bs_fleet_mode */
	uint64_t bikes;      /* BS_FLEET_BIKES */
	double fill;         /* BS_FLEET_FILL: share of docks filled */
	int ownership;       /* enum bs_ownership: who owns how many bikes */

	/* demand */
	int demand;                  /* enum bs_demand_kind */
	double rate_per_station_per_hour; /* uniform */
	double trips_per_day;        /* gravity: weekday requests, whole net */
	double decay_m;              /* gravity: distance decay length */
	double max_trip_m;           /* gravity: farthest destination */
	double commute_share_weekday; /* gravity: share on the commute shape */
	double commute_share_weekend;
	double weekend_factor;       /* weekend volume / weekday volume */
	int balance;                 /* rates: hourly doubly-constrained dests */
	/* calendar (demand.calendar): each day's volume times the factor of
	 * its day type and month; all 1 (the default) leaves rates as they
	 * were, bit for bit */
	double cal_weekday, cal_saturday, cal_sunday;
	double cal_month[12];        /* January first */
	long cal_day0;               /* day 0 in days from 1970-01-01; -1: none */
	/* demand response (demand.response, exp/response.h) */
	int resp_on;
	double resp_elasticity;      /* of requests to the service found */
	double resp_reference;       /* the service at which requests = rates */
	double resp_cap;             /* largest factor on the latent rate */
	double resp_tol;             /* residual that ends the iteration */
	double resp_damping;         /* share of each step taken */
	uint32_t resp_max_iter;
	int has_profile;             /* custom hour-of-day shapes given */
	double profile_weekday[24];  /* relative weights, any scale */
	double profile_weekend[24];

	/* trip duration */
	int dur;             /* enum bs_dur_kind */
	double mean_min;     /* exponential */
	double speed_kmh;    /* distance */
	double detour;       /* road distance / great-circle distance */
	double noise_sd;     /* sd of log of the log-normal factor */
	double min_min;      /* floor on a ride leg, minutes */

	/* users' behaviour */
	double walk_radius_m;
	int on_full;         /* enum bs_on_full */
	int forbidden;       /* enum bs_forbidden */
	double retry_min;    /* wait before retrying when no dock anywhere */
	/* riders who choose (docs/model.md): off unless the scenario says
	 * behaviour.choice "on"; then every arrival draws a walk tolerance
	 * and a reservation price from its station's RS_CHOICE stream */
	int choice;              /* enum bs_choice */
	int walk_tol;            /* enum bs_walk_tol */
	double walk_decay_per_m; /* exponential: P(W >= w) = exp(-decay w) */
	double walk_tol_m;       /* step: W = this */
	double price_elasticity; /* P(ride at fare F) = min(1, (F/F0)^e) */
	double ref_fare_yen;     /* F0 */

	/* agreement: kind; the ward matrix lives in struct bs_agreement */
	int agreement;

	/* fees and settlement between wards */
	double block_min;        /* tariff block, minutes */
	double cross_surcharge_yen;
	int settlement;          /* enum bs_settlement */
	double dock_fee_yen;     /* per foreign bike per night */
	double night_hour;       /* when foreign bikes are counted */
	double repatriation_yen; /* per bike brought home by a truck */
	/* user types (fares.c): shares of requests, and each type's rule */
	double share_pay, share_monthly, share_day;
	double monthly_yen, monthly_free_min, monthly_rides;
	double day_pass_yen, day_pass_rides;

	/* rebalancing trucks (per-ward counts, pools and depots: bs_ops) */
	int reb_policy;          /* enum bs_reb_policy */
	uint32_t truck_capacity;
	double truck_speed_kmh, truck_detour, load_min;
	double reb_shift_start_h, reb_shift_end_h;
	double reb_low, reb_high, reb_target;
	double review_min;       /* idle trucks and crews look again */
	double reb_reach_m;      /* worst-first within this distance */
	double reb_lookahead_min; /* plan for the requests expected this far */

	/* batteries and swap crews */
	int battery;             /* modelled at all */
	double bat_use_per_km, bat_min_rentable, bat_swap_below;
	double bat_initial_min;
	double crew_speed_kmh, swap_min;
	double bat_shift_start_h, bat_shift_end_h;

	/* depots (places, stock and trucks: struct bs_depots, depot.h) */
	int dep_enabled;
	int dep_ops;             /* enum bs_depot_ops */
	double dep_shift_start_h, dep_shift_end_h;
	double dep_charge_min, dep_withdraw_below;

	/* operating costs, yen */
	double truck_hour_yen, truck_km_yen, crew_hour_yen, swap_yen;

	/* output */
	double ts_step_min;
	int trips_log;
	int geojson;         /* write stations.geojson */
	int xlsx;            /* write results.xlsx */
	int csv_bom;         /* the run's CSVs start with a UTF-8 BOM */
	int language;        /* output.language: enum bs_language */
	/* long runs (docs/outputs.md): days.csv, the replications whose
	 * series timeseries.csv holds (0: all), .csv.gz files; their
	 * absent values follow BS_LONG_RUN_DAYS (scenario.c) */
	int days_out;
	uint32_t ts_reps;
	int gzip;

	/* round trips (demand.round_trip_share): the share of requests
	 * that return to their own port, and their mean ride minutes */
	double round_trip_share;
	double round_trip_min;

	/* rng: the per-station streams' generator (enum bs_rng_kind): seeded
	 * taus2 streams (absent: results as before) or counter-based
	 * Philox4x32-10 (engine/rng.h), stream version 2 */
	int rng;
};

/* A run longer than this many days is long: days.csv is written and
 * timeseries.csv holds one replication unless the scenario says
 * otherwise. 31: the longest shipped scenario (jc_*.json), so that every
 * shipped run keeps its files byte for byte. */
#define BS_LONG_RUN_DAYS 31.0

#endif
