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

enum bs_fleet_mode { BS_FLEET_BIKES, BS_FLEET_FILL };
enum bs_demand_kind { BS_DEMAND_UNIFORM, BS_DEMAND_GRAVITY };
enum bs_dur_kind { BS_DUR_EXPONENTIAL, BS_DUR_DISTANCE };
enum bs_on_full { BS_FULL_NEAREST, BS_FULL_RANDOM };
enum bs_forbidden { BS_FORBID_TRUNCATE, BS_FORBID_LOST };
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

	/* fleet */
	int fleet_mode;      /* enum bs_fleet_mode */
	uint64_t bikes;      /* BS_FLEET_BIKES */
	double fill;         /* BS_FLEET_FILL: share of docks filled */

	/* demand */
	int demand;                  /* enum bs_demand_kind */
	double rate_per_station_per_hour; /* uniform */
	double trips_per_day;        /* gravity: weekday requests, whole net */
	double decay_m;              /* gravity: distance decay length */
	double max_trip_m;           /* gravity: farthest destination */
	double commute_share_weekday; /* gravity: share on the commute shape */
	double commute_share_weekend;
	double weekend_factor;       /* weekend volume / weekday volume */
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

	/* agreement: kind; the ward matrix lives in struct bs_agreement */
	int agreement;

	/* fees */
	double block_min;        /* tariff block, minutes */
	double cross_surcharge_yen;

	/* output */
	double ts_step_min;
	int trips_log;
	int geojson;         /* write stations.geojson */
};

#endif
