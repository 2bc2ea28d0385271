/*
 * network.h - wards and stations (cycle ports): identity, ward, position,
 * capacity; great-circle distances; a sorted neighbour list per station
 * within a radius; nearest-station queries through a uniform grid.
 *
 * A network is built in three steps: bs_network_alloc (sizes), filling the
 * arrays (bs_network_add_ward, bs_network_set_station), then
 * bs_network_finish (validation, spatial index, neighbour lists). After
 * finish it is immutable and shared read-only by every replication and
 * thread.
 *
 * Ownership: bs_network_free frees the network and every string in it.
 */
#ifndef BSSIM_NETWORK_H
#define BSSIM_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "base/limits.h"

#define BS_NO_STATION UINT32_MAX
/* Neighbour lists always reach at least this far (diversions use them). */
#define BS_MIN_NEIGHBOUR_RADIUS_M 1000.0

struct bs_network {
	size_t n;           /* stations */
	size_t nwards;      /* wards, in order of first appearance */
	char **ward_names;  /* [nwards] */
	char **ids;         /* [n] station ids (strings: keep leading zeros) */
	char **names;       /* [n] */
	uint16_t *ward;     /* [n] ward index */
	double *lat, *lon;  /* [n] degrees */
	uint32_t *cap;      /* [n] docks: the published capacity, what the
			     * feed's free docks count against ("full") */
	/* [n] physical limit >= cap: returns are accepted up to it and
	 * diverted only there (soft capacity, docs/model.md). Equal to cap
	 * unless bs_network_set_limits says otherwise. */
	uint32_t *lim;
	/* the stations CSV gave a physical_limit column (held in lim_data,
	 * NULL otherwise) */
	uint32_t *lim_data;
	double *x, *y;      /* [n] local planar metres, for the grid only */
	double *coslat;     /* [n] cos(lat): half the haversine's trigonometry */
	/* [n * n] every pair's bs__network_haversine, row a holding the
	 * distances from a, for networks of at most BS_DIST_TABLE_MAX
	 * stations (NULL above, or before bs_network_finish). See
	 * BS_DIST_TABLE_MAX for why the table exists and where it stops. */
	double *dist_tab;

	uint32_t *ward_nstations; /* [nwards] */
	uint64_t *ward_docks;     /* [nwards] */
	uint64_t total_docks;
	uint64_t total_slots;     /* sum of lim: the dock slots to hold */

	/* Neighbours within nb_radius metres, nearest first (ties by index);
	 * CSR: those of s are nb_idx[nb_off[s] .. nb_off[s+1]). */
	double nb_radius;
	size_t *nb_off;
	uint32_t *nb_idx;
	float *nb_dist;

	/* Uniform grid over the planar coordinates; cells in CSR form. */
	double cell_m, x0, y0, proj_eps;
	double cos_lat0; /* projection: x = R cos(lat0) lon, y = R lat */
	uint32_t nx, ny;
	uint32_t *cell_off; /* [nx*ny+1] */
	uint32_t *cell_idx; /* [n] */

	uint32_t *by_id; /* [n] station indices sorted by id */

	/* Display names and outputs only (never read by the model):
	 * network.names gives each ward its English and Japanese display
	 * names and municipality code ([nwards] each, an entry NULL where the
	 * table has no row for the ward; the arrays NULL without a table);
	 * network.boundaries gives wards.geojson's text (NULL: none). */
	char **ward_en, **ward_ja, **ward_code;
	char *boundaries;

	/* Port tags (the stations CSV's tags column): ntags names, in order
	 * of first appearance, and each port's set as a bit mask (NULL: no
	 * tags column, or no port tagged). At most BS_MAX_TAGS tags. */
	size_t ntags;
	char **tag_names;
	uint32_t *tags;

	/* Borrowed, may be NULL: where readers of tables against this
	 * network note what they did (an id matched without its leading
	 * zeros, a CP932 file converted); the world's notes, shown by
	 * `run` and `check`. Writing through it is the one change a
	 * reader makes, while the world is built (single-threaded). */
	struct bs_warnings *notes;
};

/* Great-circle distance in metres (haversine, mean Earth radius). */
double bs_distance_m(double lat1, double lon1, double lat2, double lon2);

/*
 * The pairwise distance table (dist_tab). A distance ride, a diversion,
 * a swap crew's tie-break and the setup's candidate lists each need the
 * great-circle distance of a pair: two sines, an arcsine and a square
 * root, about 160 instructions, where a look-up is one load. Every
 * entry is the very double bs__network_haversine computes (filled by
 * it, at bs_network_finish), so results do not change. Cost: n * n
 * doubles, 1.7 MB for Tokyo's 464 ports, and n (n + 1) / 2 haversines
 * to fill (the table is symmetric: bs__network_haversine(a, b) and
 * (b, a) are the same double, see network.c), about the number the
 * setup's neighbour and candidate lists used to compute anyway. The
 * limit: 512 ports, at most 2 MiB. Past it the table would not stay in
 * a last-level cache shared with other work, and a missed load costs
 * as much as the trigonometry it saves; larger networks compute every
 * distance, as before. Even at Tokyo's size an entry is often read cold
 * (docs/performance.md: 15,000 more misses of a 1 MiB cache per simulated
 * day for 4.4 M fewer instructions), hence bs_network_dist_prefetch.
 * Building with -DBS_DIST_TABLE_MAX=0 turns the table off (to measure).
 */
#ifndef BS_DIST_TABLE_MAX
#define BS_DIST_TABLE_MAX 512
#endif

/* Great-circle distance between stations a and b in metres, always
 * computed (bs_distance_m with the cosines looked up, the same double). */
double bs__network_haversine(const struct bs_network *net, uint32_t a,
			     uint32_t b);

/* Distance between stations a and b in metres: the table's entry when
 * the network has one, else computed; the same double either way. */
static inline double bs_network_dist(const struct bs_network *net,
				     uint32_t a, uint32_t b)
{
	if (net->dist_tab)
		return net->dist_tab[(size_t)a * net->n + b];
	return bs__network_haversine(net, a, b);
}

/* Start loading the table's entry for (a, b), when there is a table, so
 * that a bs_network_dist(net, a, b) a few hundred instructions later does
 * not wait for memory: the table (1.7 MB for Tokyo) does not stay in cache
 * beside the model's other tables, and an entry read cold costs a memory
 * access (~100 ns), more than the trigonometry it replaces. */
static inline void bs_network_dist_prefetch(const struct bs_network *net,
					    uint32_t a, uint32_t b)
{
#if defined(__GNUC__)
	if (net->dist_tab)
		__builtin_prefetch(&net->dist_tab[(size_t)a * net->n + b]);
#else
	(void)net;
	(void)a;
	(void)b;
#endif
}

/* An empty network of n stations; NULL when out of memory or n too big. */
struct bs_network *bs_network_alloc(size_t n);

/* Index of ward name, adding it when new; BS_WARDS_FULL when there would
 * be more than BS_MAX_WARDS wards, BS_WARDS_NOMEM when out of memory. */
#define BS_WARDS_FULL (-1)
#define BS_WARDS_NOMEM (-2)
int bs_network_add_ward(struct bs_network *net, const char *name);

/* Index of a ward by name, or -1. */
int bs_network_ward_index(const struct bs_network *net, const char *name);

/* Fill station i; copies the strings. 0 or BS_E_NOMEM. */
int bs_network_set_station(struct bs_network *net, size_t i, const char *id,
			   const char *name, int ward, double lat, double lon,
			   uint32_t cap);

/*
 * Validate (unique ids), build the spatial index and neighbour lists within
 * radius_m. On a duplicate id fills err naming file and the rows (data row
 * i is CSV row i+2 when first_row is 2; pass 0 to omit rows). A neighbour
 * table of more than BS_MAX_NEIGHBOURS entries is refused before it is
 * allocated: BS_E_LIMIT, key behaviour.walk_radius_m, file (may be NULL)
 * named.
 */
int bs_network_finish(struct bs_network *net, double radius_m,
		      const char *file, long first_row, struct bs_error *err);

/*
 * Internal (tests): bounds lo <= entries <= hi on the neighbour table
 * within radius of a network whose grid is built (after finish), from the
 * grid's cell counts alone. O(n + cells). 0 or BS_E_NOMEM.
 */
int bs__network_nb_bounds(const struct bs_network *net, double radius,
			  double *lo, double *hi);

/* Station index of an id, or BS_NO_STATION. O(log n). */
uint32_t bs_network_find(const struct bs_network *net, const char *id);

/* Ids lose their leading zeros in spreadsheets (`00010001` read as the
 * number 10001). The station whose id is id with leading zeros put back,
 * for an id of digits that is not itself in the network, or BS_NO_STATION;
 * *other gets a second such station (ambiguous: both named to the user)
 * or BS_NO_STATION. Up to BS_ID_ZEROS zeros are tried: O(BS_ID_ZEROS
 * log n), on the rows that miss only. */
#define BS_ID_ZEROS 32
uint32_t bs_network_find_unpadded(const struct bs_network *net,
				  const char *id, uint32_t *other);

/*
 * Synthetic network: n stations of capacity cap on a square grid with the
 * given spacing (metres), centred on central Tokyo, split into `wards`
 * bands of consecutive rows named W1..Wk. Deterministic (no randomness).
 */
struct bs_network *bs_network_synthetic(size_t n, uint32_t cap, size_t wards,
					double spacing_m, double radius_m,
					struct bs_error *err);

/* How the physical limits follow from the capacities (capacity.physical). */
enum bs_phys { BS_PHYS_CAPACITY, BS_PHYS_DATA, BS_PHYS_FACTOR, BS_PHYS_EXTRA };

/*
 * Set every station's physical limit: the capacity itself (hard, as
 * before), the stations CSV's physical_limit column (lim_data; the caller
 * checks it was given), capacity + ceil(capacity x factor), or capacity +
 * extra; then total_slots. The caller keeps the result within
 * BS_MAX_CAPACITY x (1 + factor bound). O(n).
 */
void bs_network_set_limits(struct bs_network *net, int mode, double factor,
			   uint32_t extra);

/* Predicate for nearest-station queries. */
typedef int (*bs_station_pred)(const void *ud, uint32_t s);

/*
 * Nearest station to station `from` (excluding it) that satisfies pred, by
 * great-circle distance, ties by lowest index. Searches the neighbour list
 * first, then the grid outwards. Returns BS_NO_STATION when none qualifies
 * anywhere. *dist_m (may be NULL) receives the distance.
 */
uint32_t bs_network_nearest(const struct bs_network *net, uint32_t from,
			    int include_self, bs_station_pred pred,
			    const void *ud, double *dist_m);

/*
 * Call fn(ud, station, distance) for every station other than s within
 * radius_m of s, in no particular order. Stops early and returns fn's value
 * when fn returns nonzero; else 0.
 */
/*
 * Nearest station to a point (degrees) satisfying pred (NULL: any), ties
 * by lowest index; BS_NO_STATION when none. Grid search, exact distances.
 */
uint32_t bs_network_nearest_point(const struct bs_network *net, double lat,
				  double lon, bs_station_pred pred,
				  const void *ud, double *dist_m);

typedef int (*bs_station_visit)(void *ud, uint32_t s, double dist_m);
int bs_network_for_within(const struct bs_network *net, uint32_t s,
			  double radius_m, bs_station_visit fn, void *ud);

void bs_network_free(struct bs_network *net);

#endif
