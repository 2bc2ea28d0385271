/*
 * demand.h - who wants a bike, where, when, and to go where.
 *
 * Arrivals at each station are a non-homogeneous Poisson process whose rate
 * is piecewise constant by hour of the week (168 hours, Monday 00:00 first),
 * so weekday and weekend profiles both fit. The next arrival is found by
 * inverting the cumulative rate: one Exp(1) draw per arrival, never thinning,
 * so that a station's stream stays aligned when rates change between
 * scenarios (common random numbers).
 *
 * Station s uses rate shape prof_of[s] (shared by many stations) times
 * scale[s]: uniform and gravity need one shape; per-station rate tables add
 * one shape per station.
 *
 * Destinations: uniform over the other stations (no table), or an alias
 * table per origin (alias.h: GSL's gsl_ran_discrete tables, rebuilt with
 * checked allocations; O(1) per draw) over a candidate list.
 *
 * Models:
 *   uniform - rate_per_station_per_hour everywhere, all week; destinations
 *             uniform over the other stations. For validation.
 *   gravity - trips_per_day spread over stations in proportion to their
 *             docks; hour-of-day shape mixing a commute and a leisure
 *             profile (weekday and weekend mixes); destination d from
 *             origin o with weight docks(d) * exp(-dist(o,d) / decay_m) over
 *             stations within max_trip_m.
 *   rates   - per station and hour of day, from a table (every day alike,
 *             weekends times weekend_factor); one rate shape per station.
 *             Destinations: an OD table's weights for the origins it lists,
 *             else gravity. With the table's arrivals and `balance`, the
 *             gravity model is doubly constrained by the hour of arrival:
 *             weights w(d, h) by hour of request are fitted so that the
 *             expected arrivals at every station, counted in the hour the
 *             ride ends (ride times as trip.duration draws them), take the
 *             table's share of each hour's arrivals (demand.c,
 *             balance.c); P(d | o, h) is proportional to
 *             w(d, h) * exp(-dist / decay), one compact alias table per
 *             origin and hour with requests (exact, one uniform per draw;
 *             6 bytes per candidate and hour with requests: 19.6 MB for
 *             Tokyo, shared by all replications). Without balance the
 *             weight is the station's arrivals per day (docks when the
 *             table has none).
 *   trace   - a trip log replayed: each station's logged requests, sorted
 *             by time, with their logged destinations (tr_off/tr_t/tr_dest;
 *             the simulator walks them with a cursor carried in its arrival
 *             events). No randomness in arrivals or destinations.
 *
 * Ownership: bs_demand_new returns an immutable object the caller frees with
 * bs_demand_free; shared read-only by all replications.
 */
#ifndef BSSIM_DEMAND_H
#define BSSIM_DEMAND_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "model/alias.h"
#include "base/common.h"
#include "model/network.h"
#include "model/params.h"

#define BS_HOURS_PER_WEEK 168

/* A round trip's mean minutes when the rates CSV gives round-trip shares
 * and demand.round_trip_min is absent: its default (the Jersey City
 * log's median, keys.c). */
#define BS_ROUND_TRIP_MIN 17.7

/* dest_hoff of an (origin, hour) without an hourly table */
#define BS_DEMAND_NO_TABLE SIZE_MAX

/* The balancing's cap and tolerance: it stops once at most this share of
 * the day's expected arrivals falls in another (station, hour) than the
 * table's, or once it stops improving, else after this many passes with
 * a warning (each pass costs O(candidate entries x 24 x (1 + hours a
 * ride spans)); Tokyo: about 24 M instructions, 12 passes). */
#define BS_BALANCE_TOL 1e-3
#define BS_BALANCE_MAX_PASSES 60

/* Built-in hour-of-day shapes of the gravity model (relative weights). */
extern const double bs_profile_commute[24];
extern const double bs_profile_leisure[24];

struct bs_demand {
	int kind;
	size_t n;
	double week_offset; /* minutes from Monday 00:00 to t = 0 */

	size_t nprof;
	double *rate; /* [nprof][168] arrivals per minute per unit scale */
	double *cum;  /* [nprof][169] cumulative arrivals from Monday 00:00 */
	uint32_t *prof_of; /* [n] */
	double *scale;     /* [n] */
	double *flat;      /* [nprof] the rate when constant all week, else 0 */
	double *inv_flat;  /* [n] 1 / (scale x flat rate), or 0: the mean gap
			    * between arrivals of a station with a constant
			    * rate, dense so the hot path reads one double */

	int uniform_dest;  /* destinations uniform over the other stations */
	size_t *dest_off;  /* [n+1] CSR of candidate destinations */
	uint32_t *dest_idx;
	double *dest_F;    /* alias tables of the candidates, CSR as dest_idx */
	uint32_t *dest_A;

	/* rates, balanced: one compact alias table (alias.h) per origin and
	 * hour of the request with requests, over dest_idx[dest_off[s] ..]:
	 * dest_hoff[h * n + s] (bs__dest_hoff; hour-major, so that the
	 * hour's row, 8 bytes a station, stays in cache while the hour's
	 * requests read it) is its first cell in dest_hF and dest_hA16
	 * (every origin with at most 65,536 candidates) or dest_hA32;
	 * BS_DEMAND_NO_TABLE for an hour without requests or without any
	 * weight, and for origins on an OD table, which draw from
	 * dest_F/dest_A then. All NULL unless balanced. */
	size_t *dest_hoff;
	uint32_t *dest_hF;
	uint16_t *dest_hA16;
	uint32_t *dest_hA32;
	/* the same tables packed (networks of at most 65,536 stations, so
	 * Tokyo's; then dest_hF, dest_hA16 and dest_hA32 are NULL): a cell
	 * holds its share and the stations it and its alias stand for, so a
	 * draw reads one 8-byte cell where the split arrays cost three
	 * dependent cache misses (share, alias, then dest_idx). The same
	 * draws: results are byte-identical. 8 bytes a cell, not 6. */
	struct bs_dcell *dest_hcell;
	double *dest_w;          /* [n*24] the fitted w(d, h), each hour's
				  * largest 1; P(d | o, h) is proportional
				  * to w(d, h) x exp(-dist / decay) */
	uint8_t *dest_od;        /* [n] origin uses an OD table; NULL unless balanced */
	int balance_passes;      /* the fit's passes (balance.h) */
	double balance_residual; /* share of arrivals the fit leaves misplaced */

	/* calendar: day k of the run (k < nday) has its rate times
	 * day_f[k] (day type x month); NULL when every factor is 1, and
	 * then nothing below reads it (bit-identical rates). Later days
	 * (the drain after the horizon) take factor 1. */
	double *day_f;
	size_t nday;

	/* demand response: the shapes as built (rate per minute, before
	 * any response factor) and their owners, kept from the first
	 * bs_demand_set_response so every later factor applies to the
	 * latent rates; NULL until then */
	double *base_rate;   /* [base_nprof][168] */
	uint32_t *base_prof; /* [n] */

	/* round trips: round_p[s] is the share of station s's requests
	 * that return to s (demand.round_trip_share), drawn from the
	 * station's own RS_ROUND stream after its destination; NULL when
	 * none, and then no stream is drawn (byte-identical results) */
	double *round_p;
	double round_min; /* a round trip's mean ride minutes (the key, or
			   * BS_ROUND_TRIP_MIN when only the rates CSV
			   * gives shares) */

	/* trace: requests of station s are tr_t/tr_dest[tr_off[s] ..
	 * tr_off[s+1]), by time (ties in log order); NULL otherwise */
	size_t *tr_off;
	double *tr_t;
	uint32_t *tr_dest;
};

/* Tables the rates and trace models need (read by the io layer); all
 * borrowed for the call, indices are network stations. */
struct bs_demand_input {
	const double *dep;  /* rates: [n*24] requests per hour, each day */
	const double *attr; /* rates: [n] destination weights, or NULL: docks */
	const double *arr;  /* rates: [n*24] arrivals per hour, or NULL */
	int balance;        /* rates: fit hourly weights to arr (needs arr) */
	struct bs_warnings *warn; /* where a fit that did not converge is
				   * reported (may be NULL) */
	int max_passes;     /* the fit's cap; 0: BS_BALANCE_MAX_PASSES */
	size_t nod;         /* rates: OD triples (may be 0) */
	const uint32_t *od_o, *od_d;
	const double *od_w;
	const double *ward_f; /* gravity, rates: [W*W] ward-pair factors
			       * (from's row, to's column) multiplying the
			       * gravity kernel, or NULL: none (the
			       * demand.ward_factors CSV) */
	const double *round_share; /* [n] a port's round-trip share (the
				    * rates CSV's round_trip_share column;
				    * NAN: demand.round_trip_share), or NULL */
	size_t ntrace;      /* trace: requests, any order */
	const double *tr_t; /* minutes from t = 0 */
	const uint32_t *tr_o, *tr_d;
};

/*
 * Build the demand of p over net. On a size limit or bad combination fills
 * err (key named) and returns NULL.
 */
struct bs_demand *bs_demand_new(const struct bs_network *net,
				const struct bs_params *p,
				struct bs_error *err);

/* The same for any model; in is needed by rates and trace (else NULL). */
struct bs_demand *bs_demand_new_from(const struct bs_network *net,
				     const struct bs_params *p,
				     const struct bs_demand_input *in,
				     struct bs_error *err);


/* Internal to demand.c and demand_time.c: one 168-hour shape (arrivals
 * per hour) into its rates and cumulative table; the flat-rate shortcut
 * recomputed from the rates; the calendar's day factors of p (none when
 * every factor is 1). */
void bs__demand_fill_cum(const double *shape, double *rate, double *cum);
void bs__demand_mark_flat(struct bs_demand *d);
/* demand_trace.c: the logged requests of in grouped by origin, sorted by
 * time (d->tr_*): 0 or BS_E_NOMEM. */
int bs__demand_build_trace(struct bs_demand *d,
			   const struct bs_demand_input *in);
int bs__demand_calendar(struct bs_demand *d, const struct bs_params *p);

/* The general inversion (any profile); bs_demand_next's slow path. */
double bs__demand_next_varying(const struct bs_demand *d, uint32_t s,
			       double t, double e);

/*
 * Time of the next arrival at station s after time t (minutes), given an
 * Exp(1) variate e; HUGE_VAL when the station never sees demand. A
 * constant rate needs no inversion: one dense read, before anything else
 * is touched (inline). The event loop calls bs_demand_next_inv with the
 * rate from its station record instead, which the arrival loads anyway.
 */
static inline double bs_demand_next_inv(const struct bs_demand *d,
					uint32_t s, double t, double e,
					double inv);

static inline double bs_demand_next(const struct bs_demand *d, uint32_t s,
				    double t, double e)
{
	return bs_demand_next_inv(d, s, t, e, d->inv_flat[s]);
}

/* bs_demand_next given inv = d->inv_flat[s], read by the caller from
 * where it already has a line loaded (the simulator's station record):
 * the same double, t + e x inv, for a constant rate; the general
 * inversion otherwise. */
static inline double bs_demand_next_inv(const struct bs_demand *d,
					uint32_t s, double t, double e,
					double inv)
{
	if (inv > 0.0)
		return t + e * inv;
	return bs__demand_next_varying(d, s, t, e);
}

/* Expected arrivals at station s in [t0, t1). */
double bs_demand_expected(const struct bs_demand *d, uint32_t s, double t0,
			  double t1);

/* Destination from the tables (not uniform_dest) for a user at origin
 * s at time t (minutes), from a uniform u in [0, 1): the all-day alias
 * table, or in the balanced rates model the origin's table for the hour
 * of t. One uniform, exact. */
static inline uint32_t bs_demand_dest_at_u(const struct bs_demand *d,
					   uint32_t s, double t, double u);

/* Destination for a user at origin s (one draw from r). */
static inline uint32_t bs_demand_dest(const struct bs_demand *d, uint32_t s,
				      gsl_rng *r)
{
	if (d->uniform_dest) {
		uint32_t k = (uint32_t)gsl_rng_uniform_int(r, d->n - 1);
		return k >= s ? k + 1 : k;
	}
	{
		size_t o = d->dest_off[s];
		return d->dest_idx[o + bs_alias_draw(d->dest_off[s + 1] - o,
						     d->dest_F + o,
						     d->dest_A + o, r)];
	}
}

/* Where dest_hoff keeps origin s's first cell for hour h. */
static inline size_t *bs__dest_hoff(const struct bs_demand *d, size_t s,
				    size_t h)
{
	return &d->dest_hoff[h * d->n + s];
}

/* A packed cell of an hourly table (dest_hcell): the compact table's
 * share F of cell k, and the stations of outcome k and of its alias. */
struct bs_dcell {
	uint32_t F;
	uint16_t self;
	uint16_t alias;
};

/* The cell of K that uniform u01 draws from (bs_dcell_draw_u). */
static inline size_t bs_dcell_index(size_t K, double u01)
{
	size_t c = (size_t)(u01 * (double)K);

	return c < K ? c : K - 1;
}

/* One draw from K packed cells: bs_alias_draw_compact's arithmetic on
 * the same uniform, so the same outcome, as a station. */
static inline uint32_t bs_dcell_draw_u(size_t K, const struct bs_dcell *cell,
				       double u01)
{
	double u = u01 * (double)K;
	size_t c = bs_dcell_index(K, u01);

	if ((u - (double)c) * 4294967296.0 < (double)cell[c].F)
		return cell[c].self;
	return cell[c].alias;
}

/*
 * fmod(x, 1440.0), the same double, without the library's loop (about
 * 100 instructions, once per request of the balanced model) and without
 * a division. For 0 <= x < 2^52 the truncated quotient q, from a product
 * with the rounded 1/1440, is off by at most one (its error is below
 * 2^-10), and x - 1440 q is exact: 1440 q is an integer below 2^53, both
 * lie on the grid of x's last bit (at most 1), and the difference, below
 * 2880 in magnitude, fits in 53 bits of that grid; one exact correction
 * by 1440 then gives the remainder in [0, 1440), which is fmod's. Any
 * other x (negative, huge, NaN) goes to fmod. test_fmod_day compares the
 * two bit for bit.
 */
static inline double bs__fmod_day(double x)
{
	double r;

	if (!(x >= 0.0 && x < 4503599627370496.0))
		return fmod(x, 1440.0);
	r = x - (double)(int64_t)(x * (1.0 / 1440.0)) * 1440.0;
	if (r < 0.0)
		r += 1440.0;
	else if (r >= 1440.0)
		r -= 1440.0;
	return r;
}

/*
 * floor(x / m) for an integer m >= 1, the same double as floor() of the
 * rounded quotient, without the division (a product with inv_m, the
 * rounded 1/m, and one exact correction). Why the rounded quotient's
 * floor is the true one: below an integer k >= 1, x <= the double before
 * k m, so x / m is under k by at least ulp(k m) / m (k m is no power of
 * two unless m is, and then the division is exact), which is at least
 * 2^floor(log2 m) ulp(k) / m, more than half an ulp of k: it rounds
 * under k. The product is off by at most one below 2^52, and q m and
 * (q + 1) m are integers below 2^53, so the comparisons are exact. Any
 * other x (zeros, keeping floor's sign, negatives, huge, NaN) goes to
 * floor(x / m). test_floor_quot compares the two.
 */
static inline double bs__floor_quot(double x, double m, double inv_m)
{
	double q;

	if (!(x > 0.0 && x < 4503599627370496.0)) /* -0.0 too: floor's sign */
		return floor(x / m);
	q = (double)(int64_t)(x * inv_m);
	if (q * m > x)
		q -= 1.0;
	else if ((q + 1.0) * m <= x)
		q += 1.0;
	return q;
}

/* The hour of the day of minute x: (size_t)(bs__fmod_day(x) / 60.0) % 24,
 * the same integer (bs__floor_quot), without a division. */
static inline size_t bs__hour_of_day(double x)
{
	double r = bs__fmod_day(x);

	if (!(r >= 0.0 && r < 1440.0))
		return (size_t)(r / 60.0) % 24u;
	return (size_t)bs__floor_quot(r, 60.0, 1.0 / 60.0);
}

/*
 * The draw of bs_demand_dest_at_u(d, s, t, u) in two halves, for a caller
 * that knows the request's time when it is scheduled (sim.c, dst_ahead):
 * bs_demand_dest_table is the first cell of origin s's packed table for
 * the hour of t, BS_DEMAND_NO_TABLE when the draw reads none (no packed
 * table for that origin and hour); bs_demand_dest_in draws from it, the
 * very call bs_demand_dest_at_u makes (test_dest_cell_halves), and
 * bs_demand_dest_prefetch_in starts loading the cell it will read
 * (always inline: a function that only prefetches is free of side
 * effects to GCC, which deletes its calls when it is out of line).
 */
static inline size_t bs_demand_dest_table(const struct bs_demand *d,
					  uint32_t s, double t)
{
	if (!d->dest_hoff || !d->dest_hcell)
		return BS_DEMAND_NO_TABLE;
	return *bs__dest_hoff(d, s, bs__hour_of_day(t + d->week_offset));
}

static inline uint32_t bs_demand_dest_in(const struct bs_demand *d,
					 uint32_t s, size_t table, double u)
{
	return bs_dcell_draw_u(d->dest_off[s + 1] - d->dest_off[s],
			       d->dest_hcell + table, u);
}

static BS_HOT void bs_demand_dest_prefetch_in(const struct bs_demand *d,
					      uint32_t s, size_t table,
					      double u)
{
#if defined(__GNUC__)
	__builtin_prefetch(d->dest_hcell + table +
			   bs_dcell_index(d->dest_off[s + 1] - d->dest_off[s], u));
#else
	(void)d;
	(void)s;
	(void)table;
	(void)u;
#endif
}

static inline uint32_t bs_dcell_draw(size_t K, const struct bs_dcell *cell,
				     const gsl_rng *r)
{
	return bs_dcell_draw_u(K, cell, gsl_rng_uniform(r));
}

static inline uint32_t bs_demand_dest_at_u(const struct bs_demand *d,
					   uint32_t s, double t, double u)
{
	size_t o = d->dest_off[s], c, h;

	if (d->dest_hoff) {
		h = bs__hour_of_day(t + d->week_offset);
		c = *bs__dest_hoff(d, s, h);
		if (c != BS_DEMAND_NO_TABLE && d->dest_hcell)
			return bs_demand_dest_in(d, s, c, u);
		if (c != BS_DEMAND_NO_TABLE)
			return d->dest_idx[o + bs_alias_draw_compact_u(
						       d->dest_off[s + 1] - o,
						       d->dest_hF + c,
						       d->dest_hA16 ? d->dest_hA16 + c : NULL,
						       d->dest_hA32 ? d->dest_hA32 + c : NULL,
						       u)];
	}
	return d->dest_idx[o + bs_alias_draw_u(d->dest_off[s + 1] - o,
					       d->dest_F + o, d->dest_A + o, u)];
}

/*
 * Destination for a user at origin s at time t (minutes): as
 * bs_demand_dest, from the origin's table for the hour of t in the
 * balanced rates model. One draw from r, exact: a uniform integer
 * (uniform_dest, which never has hourly tables) or one uniform.
 */
static inline uint32_t bs_demand_dest_at(const struct bs_demand *d,
					 uint32_t s, double t, gsl_rng *r)
{
	if (d->uniform_dest)
		return bs_demand_dest(d, s, r);
	return bs_demand_dest_at_u(d, s, t, gsl_rng_uniform(r));
}

/*
 * Demand response: station s's rate in hour h of every day becomes its
 * latent rate (as built) times f[s * 24 + h]; f NULL restores the latent
 * rates. Every station gets its own shape from the first call on
 * (n x 337 doubles: 1.3 MB for Tokyo); the destination tables are not
 * touched. Not thread-safe: call it between runs, never while one runs.
 * 0 or BS_E_NOMEM (d unchanged). O(n x 168).
 */
int bs_demand_set_response(struct bs_demand *d, const double *f);

/*
 * The exact probabilities of the destination draw of a request at origin
 * s in hour h of a weekday (0..23; ignored by tables without hours), over
 * the origin's candidates dest_idx[dest_off[s] ..] (p holds as many):
 * read back from the alias tables the draw uses, so that a calibration
 * fits the very distribution the simulator draws from (round trips not
 * included: see round_p). Uniform destinations and the trace give none:
 * returns 0 there, else the number of candidates. O(candidates).
 */
size_t bs_demand_dest_probs(const struct bs_demand *d, uint32_t s, int h,
			    double *p);

void bs_demand_free(struct bs_demand *d);

#endif
