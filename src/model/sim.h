/*
 * sim.h - one replication of the bike-share model: the event loop over
 * arrivals, rentals, rides, diversions and returns, with the accounting
 * that the stats layer turns into metrics.
 *
 * A struct bs_model bundles the immutable inputs (network, demand,
 * agreement, parameters, initial stock); many threads may share one. A
 * struct bs_sim is the mutable state of one replication at a time; a worker
 * allocates one and reuses it for every replication it runs, so nothing is
 * allocated per replication except its result, and nothing at all per
 * event or per trip.
 *
 * Accounting (per simulated run, before division by days):
 *   - a trip belongs to the time it was requested: only trips requested at
 *     or after the warm-up count, and trips still riding at the horizon are
 *     followed to their return (the queue drains for at most one more day;
 *     any still riding then are counted as unfinished);
 *   - trip outcomes (requested, completed, lost, truncated, diversions, ride
 *     minutes) belong to the ward of the station where the user asked;
 *     cross-ward trips, revenue, flows and bikes in use to the ward of the
 *     station where the bike was rented;
 *   - station time shares and time series cover [warm-up, horizon);
 *   - trucks and crews work in their daily shifts until the horizon;
 *     their moves, kilometres, swaps and hours belong to the ward that owns
 *     them, and count when they happen inside [warm-up, horizon);
 *   - settlement between wards (raw->settle) follows fees.settlement for
 *     fares, plus nightly dock fees and repatriation fees.
 *
 * Ownership: bs_sim_alloc/bs_sim_free; bs_rep_result_alloc/free (the
 * result is the caller's). The model's members are borrowed.
 */
#ifndef BSSIM_SIM_H
#define BSSIM_SIM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "model/agreement.h"
#include "base/common.h"
#include "model/demand.h"
#include "model/network.h"
#include "model/params.h"

struct bs_ops;
struct bs_depots;

struct bs_model {
	const struct bs_network *net;
	const struct bs_demand *dem;
	const struct bs_agreement *agr;
	const struct bs_ops *ops;   /* trucks and crews; may be NULL: none */
	const struct bs_depots *depots; /* NULL: no depots (depot.h) */
	struct bs_params p;
	const uint32_t *init_stock; /* [n] bikes at t = 0 */
	uint64_t fleet;             /* sum of init_stock (depots' bikes apart) */
};

/* Raw per-ward sums of one replication (row nwards is the whole network). */
#define BS_RAW_MAP(X)                                                      \
	X(REQUESTED)      /* trips requested */                            \
	X(COMPLETED)      /* trips that ended with a bike docked */        \
	X(LOST_NO_BIKE)   /* no rentable bike within the walk radius */    \
	X(LOST_FORBIDDEN) /* agreement forbids, user does not ride */      \
	X(LOST_PRICE)     /* choosing rider finds every fare too dear */   \
	X(TRUNCATED)      /* returned short of the destination */          \
	X(DIVERSIONS)     /* arrivals at a full (or forbidden) port */     \
	X(WALKED)         /* rented at another port than asked */          \
	X(UNFINISHED)     /* still riding one day after the horizon */     \
	X(TRIP_MIN)       /* sum of rental-to-return minutes */            \
	X(CROSS)          /* completed trips returned in another ward */   \
	X(REVENUE)        /* yen from users */                             \
	X(INUSE_INT)      /* bike-minutes in use */                        \
	X(EMPTY_T)        /* station-minutes empty */                      \
	X(FULL_T)         /* station-minutes full */                       \
	X(REFUSE_T)       /* station-minutes at the physical limit */      \
	X(DOCKED_T)       /* bike-minutes docked */                        \
	X(RENTALS)        /* rentals by event time in the window */        \
	X(REB_MOVES)      /* bikes moved by trucks (owning ward) */        \
	X(REB_KM)         /* truck kilometres */                           \
	X(TRUCK_HOURS)    /* truck hours on shift */                       \
	X(REPATRIATED)    /* bikes trucks brought back to their owner */   \
	X(SWAPS)          /* batteries swapped (crew's ward) */            \
	X(CREW_HOURS)     /* swap-crew hours on shift */                   \
	X(LOW_T)          /* bike-minutes docked and not rentable */       \
	X(COST)           /* operating cost, yen */                        \
	X(SETTLE_IN)      /* yen owed to the ward by other wards */        \
	X(SETTLE_OUT)     /* yen the ward owes other wards */             \
	X(REACHED)        /* completed, not truncated, docked within the  \
			     walk radius of the destination */          \
	X(WALK_AFTER_M)   /* sum over completed trips of metres from the  \
			     return port to the destination */          \
	X(DEPOT_IN)       /* bikes brought into service from a depot */   \
	X(DEPOT_OUT)      /* bikes taken out of service to a depot */     \
	X(DEPOT_T)        /* bike-minutes in the ward's depot */          \
	X(DEPOT_SHORT)    /* replayed moves' bikes that could not move */

enum bs_raw {
#define BS__RAW_ENUM(name) BS_RAW_##name,
	BS_RAW_MAP(BS__RAW_ENUM)
#undef BS__RAW_ENUM
	BS_RAW_N
};

/* Per-station sums (stations.csv). */
/* BS_ST_VISITORS: returns of bikes rented in another ward, by event time
 * in the window like BS_ST_RETURNS; counted only when the network has
 * port tags (zero otherwise), for the per-tag metrics. */
enum bs_st { BS_ST_RENTALS, BS_ST_RETURNS, BS_ST_EMPTY_T, BS_ST_FULL_T,
	     BS_ST_BIKE_T, BS_ST_VISITORS, BS_ST_N };

/* Time-series columns per (sample, ward). */
enum bs_ts { BS_TS_DOCKED, BS_TS_EMPTY, BS_TS_FULL, BS_TS_REFUSING, BS_TS_DEPOT,
	     BS_TS_N };

struct bs_rep_result {
	uint32_t rep;        /* 1-based replication number */
	size_t nwards;
	size_t n;
	double window_min;   /* horizon - warm-up, minutes */
	double *raw;         /* [(nwards + 1) * BS_RAW_N] */
	double *flows;       /* [nwards * nwards] trips, renting -> return ward */
	double *settle;      /* [nwards * nwards] yen owed by row to column */
	double *st;          /* [n * BS_ST_N] */
	size_t nsamples;
	double *ts_t;        /* [nsamples] minutes from the start */
	uint32_t *ts;        /* [nsamples * (nwards + 1) * BS_TS_N] */
	uint64_t events;
	int depots;          /* the model has depots (ts has their stock) */
	/* capacity.physical is not "published": timeseries.csv shows the
	 * ports refusing returns too (without, the file is as before) */
	int soft;
	/* output.days (simdays.c): the raw sums of each calendar day of the
	 * window [warm-up, horizon), day_first the number of the first
	 * (days from the start, day 0 = horizon.start_weekday), day_min
	 * each day's measured minutes (a partial first or last day is
	 * shorter). Counters belong to the day their event happened (a
	 * trip requested before midnight and returned after it counts its
	 * request on one day, its return on the next; the queue's drain
	 * after the horizon counts on the last day); time integrals are cut
	 * at midnight. Summed over days they give raw, up to rounding in
	 * the integrals. Sums made only at the end (truck and crew hours,
	 * costs, settlement, depot stock) are not split: 0 in every day. */
	size_t ndays;
	uint32_t day_first;
	double *day_min;     /* [ndays] */
	double *day_raw;     /* [ndays * (nwards + 1) * BS_RAW_N] */
};

struct bs_rep_result *bs_rep_result_alloc(const struct bs_model *m);
/* The result of replication rep (1-based): without time-series samples
 * when rep is past output.timeseries_replications (memory: a year at
 * 5-minute steps is 10.5 MB of samples a replication); rep 0: any
 * replication, with every sample (bs_rep_result_alloc). */
struct bs_rep_result *bs_rep_result_alloc_rep(const struct bs_model *m,
					      uint32_t rep);
void bs_rep_result_free(struct bs_rep_result *r);

enum bs_outcome {
	BS_TRIP_COMPLETED,
	BS_TRIP_LOST_NO_BIKE,
	BS_TRIP_LOST_FORBIDDEN,
	BS_TRIP_UNFINISHED,
	BS_TRIP_LOST_PRICE /* riders who choose: no option at a fare they take */
};

/* One trip, as handed to the trip-log hook (counted trips only). */
struct bs_trip_record {
	uint32_t rep;
	double req_t;
	uint32_t origin, dest;
	int outcome;           /* enum bs_outcome */
	uint32_t rent_station; /* BS_NO_STATION when lost */
	uint32_t return_station;
	double rent_t, return_t;
	uint32_t diversions;
	int truncated;
	uint32_t bike;
	uint32_t owner;
	double fare_yen;
	double walk_after_m;   /* return port to destination, m; NaN: lost */
};

struct bs_run_hooks {
	/* Called for every counted trip as it ends; nonzero stops the run
	 * with that code. */
	int (*on_trip)(void *ud, const struct bs_trip_record *tr);
	void *trip_ud;
	/* Called now and then with the share of the horizon simulated. */
	void (*progress)(void *ud, uint32_t rep, double frac);
	void *progress_ud;
	/* Set to nonzero from outside (a signal) to stop: BS_E_INTERRUPTED. */
	const atomic_int *stop;
	/* Check conservation of bikes in full at every sample (O(n + bikes))
	 * and the counters after every event. */
	int paranoid;
};

struct bs_sim;

struct bs_sim *bs_sim_alloc(const struct bs_model *m);

/*
 * Run replication rep (1-based) into out (from bs_rep_result_alloc for the
 * same model). 0, BS_E_INTERRUPTED, BS_E_NOMEM, or BS_E_RUN with err
 * filled (a broken invariant: a bug).
 */
int bs_sim_run(struct bs_sim *sim, uint32_t rep,
	       const struct bs_run_hooks *hooks, struct bs_rep_result *out,
	       struct bs_error *err);

void bs_sim_free(struct bs_sim *sim);

#endif
