/*
 * network.c - stations, wards, distances, neighbour lists and the grid
 * index behind nearest-station queries (see network.h).
 *
 * Cost of the grid: building neighbour lists is O(n * k) for k stations per
 * neighbourhood instead of O(n^2) haversines (20,000 ports: ~0.1 s instead of
 * ~4 s). Distances are always great-circle; the planar projection is used
 * only to decide which cells to visit, with a margin (proj_eps) for its
 * error so that no nearer station is ever missed.
 */
#include "model/network.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_R 6371008.8
#define DEG2RAD (3.14159265358979323846 / 180.0)

double bs_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * DEG2RAD, p2 = lat2 * DEG2RAD;
	double dp = p2 - p1, dl = (lon2 - lon1) * DEG2RAD;
	double s1 = sin(dp * 0.5), s2 = sin(dl * 0.5);
	double h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;

	if (h > 1.0)
		h = 1.0;
	return 2.0 * EARTH_R * asin(sqrt(h));
}

double bs__network_haversine(const struct bs_network *net, uint32_t a,
			     uint32_t b)
{
	/* bs_distance_m with the stations' cos(lat) looked up: the same
	 * value to the last bit, two cosines fewer. Symmetric to the last
	 * bit as well: swapping a and b negates dp and dl exactly, the
	 * sines are odd (glibc computes them on |x|) and only squared, and
	 * the product of the cosines commutes; test_dist_table checks it
	 * on every pair of a network. */
	double dp = net->lat[b] * DEG2RAD - net->lat[a] * DEG2RAD;
	double dl = (net->lon[b] - net->lon[a]) * DEG2RAD;
	double s1 = sin(dp * 0.5), s2 = sin(dl * 0.5);
	double h = s1 * s1 + net->coslat[a] * net->coslat[b] * s2 * s2;

	if (h > 1.0)
		h = 1.0;
	return 2.0 * EARTH_R * asin(sqrt(h));
}

struct bs_network *bs_network_alloc(size_t n)
{
	struct bs_network *net;

	if (n == 0 || n > BS_MAX_STATIONS)
		return NULL;
	net = calloc(1, sizeof(*net));
	if (!net)
		return NULL;
	net->n = n;
	net->ward_names = calloc(BS_MAX_WARDS, sizeof(char *));
	net->ids = calloc(n, sizeof(char *));
	net->names = calloc(n, sizeof(char *));
	net->ward = calloc(n, sizeof(uint16_t));
	net->lat = calloc(n, sizeof(double));
	net->lon = calloc(n, sizeof(double));
	net->cap = calloc(n, sizeof(uint32_t));
	net->lim = calloc(n, sizeof(uint32_t));
	net->x = calloc(n, sizeof(double));
	net->y = calloc(n, sizeof(double));
	net->coslat = calloc(n, sizeof(double));
	net->ward_nstations = calloc(BS_MAX_WARDS, sizeof(uint32_t));
	net->ward_docks = calloc(BS_MAX_WARDS, sizeof(uint64_t));
	if (!net->ward_names || !net->ids || !net->names || !net->ward ||
	    !net->lat || !net->lon || !net->cap || !net->lim || !net->x || !net->y ||
	    !net->coslat ||
	    !net->ward_nstations || !net->ward_docks) {
		bs_network_free(net);
		return NULL;
	}
	return net;
}

int bs_network_ward_index(const struct bs_network *net, const char *name)
{
	size_t w;

	for (w = 0; w < net->nwards; w++)
		if (strcmp(net->ward_names[w], name) == 0)
			return (int)w;
	return -1;
}

int bs_network_add_ward(struct bs_network *net, const char *name)
{
	int w = bs_network_ward_index(net, name);

	if (w >= 0)
		return w;
	if (net->nwards >= BS_MAX_WARDS)
		return BS_WARDS_FULL;
	net->ward_names[net->nwards] = bs_strdup(name);
	if (!net->ward_names[net->nwards])
		return BS_WARDS_NOMEM;
	return (int)net->nwards++;
}

int bs_network_set_station(struct bs_network *net, size_t i, const char *id,
			   const char *name, int ward, double lat, double lon,
			   uint32_t cap)
{
	free(net->ids[i]);
	free(net->names[i]);
	net->ids[i] = bs_strdup(id);
	net->names[i] = bs_strdup(name);
	if (!net->ids[i] || !net->names[i])
		return BS_E_NOMEM;
	net->ward[i] = (uint16_t)ward;
	net->lat[i] = lat;
	net->lon[i] = lon;
	net->cap[i] = cap;
	net->lim[i] = cap;
	return 0;
}

/* qsort has no user pointer in C11; a file-static would not be thread-safe,
 * so sort (key, index) pairs instead. */
struct idref {
	const char *id;
	uint32_t i;
};

static int cmp_idref(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return (x->i > y->i) - (x->i < y->i);
}

struct nbref {
	float d;
	uint32_t i;
};

static int cmp_nbref(const void *a, const void *b)
{
	const struct nbref *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The pairwise distance table of a network of at most BS_DIST_TABLE_MAX
 * stations (network.h): n (n + 1) / 2 haversines, each stored at (a, b)
 * and (b, a). After build_grid (it needs coslat). 0 or BS_E_NOMEM. */
static int build_dist_table(struct bs_network *net)
{
	size_t n = net->n, a, b;
	double *tab;

	free(net->dist_tab);
	net->dist_tab = NULL;
	if (n > BS_DIST_TABLE_MAX)
		return 0;
	tab = malloc(n * n * sizeof(double));
	if (!tab)
		return BS_E_NOMEM;
	for (a = 0; a < n; a++)
		for (b = a; b < n; b++)
			tab[a * n + b] = tab[b * n + a] =
				bs__network_haversine(net, (uint32_t)a,
						      (uint32_t)b);
	net->dist_tab = tab;
	return 0;
}

static int build_grid(struct bs_network *net)
{
	double minx, maxx, miny, maxy, lat0 = 0.0, latmin, latmax, area, c;
	size_t i, ncell;
	uint32_t *fill;

	for (i = 0; i < net->n; i++)
		lat0 += net->lat[i];
	lat0 /= (double)net->n;
	latmin = latmax = net->lat[0];
	net->cos_lat0 = cos(lat0 * DEG2RAD);
	for (i = 0; i < net->n; i++) {
		net->coslat[i] = cos(net->lat[i] * DEG2RAD);
		net->x[i] = EARTH_R * net->cos_lat0 * net->lon[i] * DEG2RAD;
		net->y[i] = EARTH_R * net->lat[i] * DEG2RAD;
		if (net->lat[i] < latmin)
			latmin = net->lat[i];
		if (net->lat[i] > latmax)
			latmax = net->lat[i];
	}
	/* Relative error of the equirectangular projection over the span,
	 * plus a floor; used as a safety margin when pruning the search. */
	net->proj_eps = tan(fabs(lat0) * DEG2RAD) *
				(latmax - latmin) * DEG2RAD +
			0.002;
	if (latmax > 85.0 || latmin < -85.0 || net->proj_eps > 0.2)
		net->proj_eps = 0.2;
	minx = maxx = net->x[0];
	miny = maxy = net->y[0];
	for (i = 1; i < net->n; i++) {
		if (net->x[i] < minx)
			minx = net->x[i];
		if (net->x[i] > maxx)
			maxx = net->x[i];
		if (net->y[i] < miny)
			miny = net->y[i];
		if (net->y[i] > maxy)
			maxy = net->y[i];
	}
	area = (maxx - minx + 100.0) * (maxy - miny + 100.0);
	/* About four stations per cell on average, clipped to sane sizes. */
	c = sqrt(area * 4.0 / (double)net->n);
	if (c < 50.0)
		c = 50.0;
	for (;;) {
		double gx = floor((maxx - minx) / c) + 1.0;
		double gy = floor((maxy - miny) / c) + 1.0;
		if (gx * gy <= 4.0 * (double)net->n + 64.0) {
			net->nx = (uint32_t)gx;
			net->ny = (uint32_t)gy;
			break;
		}
		c *= 1.5;
	}
	net->cell_m = c;
	net->x0 = minx;
	net->y0 = miny;
	ncell = (size_t)net->nx * net->ny;
	net->cell_off = calloc(ncell + 1, sizeof(uint32_t));
	net->cell_idx = malloc(net->n * sizeof(uint32_t));
	fill = calloc(ncell, sizeof(uint32_t));
	if (!net->cell_off || !net->cell_idx || !fill) {
		free(fill);
		return BS_E_NOMEM;
	}
	for (i = 0; i < net->n; i++) {
		uint32_t cx = (uint32_t)((net->x[i] - minx) / c);
		uint32_t cy = (uint32_t)((net->y[i] - miny) / c);
		if (cx >= net->nx)
			cx = net->nx - 1;
		if (cy >= net->ny)
			cy = net->ny - 1;
		net->cell_off[(size_t)cy * net->nx + cx + 1]++;
	}
	for (i = 0; i < ncell; i++)
		net->cell_off[i + 1] += net->cell_off[i];
	for (i = 0; i < net->n; i++) {
		uint32_t cx = (uint32_t)((net->x[i] - minx) / c);
		uint32_t cy = (uint32_t)((net->y[i] - miny) / c);
		size_t k;
		if (cx >= net->nx)
			cx = net->nx - 1;
		if (cy >= net->ny)
			cy = net->ny - 1;
		k = (size_t)cy * net->nx + cx;
		net->cell_idx[net->cell_off[k] + fill[k]++] = (uint32_t)i;
	}
	free(fill);
	return 0;
}

static void cell_of(const struct bs_network *net, double x, double y,
		    long *cx, long *cy)
{
	*cx = (long)floor((x - net->x0) / net->cell_m);
	*cy = (long)floor((y - net->y0) / net->cell_m);
}

int bs_network_for_within(const struct bs_network *net, uint32_t s,
			  double radius_m, bs_station_visit fn, void *ud)
{
	long cx, cy, gx, gy, reach;
	double lim2;

	if (!(radius_m > 0.0))
		return 0;
	/* great-circle >= planar x (1 - proj_eps): beyond this planar
	 * distance a station cannot be within radius_m */
	lim2 = radius_m / (1.0 - net->proj_eps);
	lim2 *= lim2;
	reach = (long)ceil(radius_m * (1.0 + net->proj_eps) / net->cell_m);
	if (reach > (long)net->nx + (long)net->ny)
		reach = (long)net->nx + (long)net->ny;
	cell_of(net, net->x[s], net->y[s], &cx, &cy);
	for (gy = cy - reach; gy <= cy + reach; gy++) {
		if (gy < 0 || gy >= (long)net->ny)
			continue;
		for (gx = cx - reach; gx <= cx + reach; gx++) {
			size_t k, j;
			if (gx < 0 || gx >= (long)net->nx)
				continue;
			k = (size_t)gy * net->nx + (size_t)gx;
			for (j = net->cell_off[k]; j < net->cell_off[k + 1];
			     j++) {
				uint32_t t = net->cell_idx[j];
				double d, dx, dy;
				int rc;
				if (t == s)
					continue;
				/* planar pre-check: most candidates of the
				 * outer cells are out of reach, and ruling
				 * them out costs no trigonometry */
				dx = net->x[t] - net->x[s];
				dy = net->y[t] - net->y[s];
				if (dx * dx + dy * dy > lim2)
					continue;
				d = bs_network_dist(net, s, t);
				if (d > radius_m)
					continue;
				if ((rc = fn(ud, t, d)))
					return rc;
			}
		}
	}
	return 0;
}

struct nbcollect {
	struct nbref *v;
	size_t m, cap;
};

static int nb_count(void *ud, uint32_t s, double d)
{
	(void)s;
	(void)d;
	((struct nbcollect *)ud)->m++;
	return 0;
}

static int nb_add(void *ud, uint32_t s, double d)
{
	struct nbcollect *c = ud;

	if (c->m == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct nbref *t = realloc(c->v, nc * sizeof(*t));
		if (!t)
			return BS_E_NOMEM;
		c->v = t;
		c->cap = nc;
	}
	c->v[c->m].d = (float)d;
	c->v[c->m].i = s;
	c->m++;
	return 0;
}

/* Stations in the cells [x0, x1] x [y0, y1] (clipped to the grid), from
 * the 2-D prefix sums P[(y)(nx+1) + x] of the cell counts. */
static double box_count(const struct bs_network *net, const uint32_t *P,
			long cx, long cy, long r)
{
	long x0 = cx - r, x1 = cx + r + 1, y0 = cy - r, y1 = cy + r + 1;
	size_t w = (size_t)net->nx + 1;

	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > (long)net->nx)
		x1 = (long)net->nx;
	if (y1 > (long)net->ny)
		y1 = (long)net->ny;
	return (double)P[(size_t)y1 * w + (size_t)x1] -
	       (double)P[(size_t)y0 * w + (size_t)x1] -
	       (double)P[(size_t)y1 * w + (size_t)x0] +
	       (double)P[(size_t)y0 * w + (size_t)x0];
}

/*
 * Bounds on the entries of the neighbour table within radius, from the
 * grid alone, before any pair is looked at: O(n + cells) time, one
 * transient array of (nx+1)(ny+1) counts (at most ~16 bytes a station).
 *   hi: every station of the cells within reach (the cells that
 *       bs_network_for_within visits): also the pairs it will examine.
 *   lo: the pairs sure to be within radius: all of the cells within h
 *       when even their farthest corners are (h >= 0), else those of one
 *       cell whose stations' bounding box has a diagonal within radius
 *       (20,000 ports at one point: 20,000 x 19,999 at once).
 * The projection's error is allowed for on both sides (proj_eps, twice
 * for lo).
 */
int bs__network_nb_bounds(const struct bs_network *net, double radius,
			  double *lo, double *hi)
{
	size_t nx = net->nx, ny = net->ny, w = nx + 1, x, y;
	uint32_t *P = calloc(w * (ny + 1), sizeof(uint32_t));
	double c = net->cell_m, slack = 1.0 + 2.0 * net->proj_eps;
	long reach = (long)ceil(radius * (1.0 + net->proj_eps) / c);
	long h = (long)floor(radius / (c * sqrt(2.0) * slack)) - 1;

	if (!P)
		return BS_E_NOMEM;
	if (reach > (long)(nx + ny))
		reach = (long)(nx + ny);
	if (h > (long)(nx + ny))
		h = (long)(nx + ny);
	for (y = 0; y < ny; y++)
		for (x = 0; x < nx; x++) {
			size_t k = y * nx + x;
			P[(y + 1) * w + x + 1] =
				(net->cell_off[k + 1] - net->cell_off[k]) +
				P[y * w + x + 1] + P[(y + 1) * w + x] -
				P[y * w + x];
		}
	*lo = *hi = 0.0;
	for (y = 0; y < ny; y++)
		for (x = 0; x < nx; x++) {
			size_t k = y * nx + x, j;
			double m = (double)(net->cell_off[k + 1] - net->cell_off[k]);
			if (m == 0.0)
				continue;
			*hi += m * (box_count(net, P, (long)x, (long)y, reach) - 1.0);
			if (h >= 0) {
				*lo += m * (box_count(net, P, (long)x, (long)y, h) - 1.0);
				continue;
			}
			{
				double x0 = HUGE_VAL, x1 = -HUGE_VAL,
				       y0 = HUGE_VAL, y1 = -HUGE_VAL;
				for (j = net->cell_off[k]; j < net->cell_off[k + 1]; j++) {
					uint32_t s = net->cell_idx[j];
					x0 = fmin(x0, net->x[s]);
					x1 = fmax(x1, net->x[s]);
					y0 = fmin(y0, net->y[s]);
					y1 = fmax(y1, net->y[s]);
				}
				if (hypot(x1 - x0, y1 - y0) * slack <= radius)
					*lo += m * (m - 1.0);
			}
		}
	free(P);
	return 0;
}

static int nb_limit(struct bs_error *err, const char *what, double count,
		    double radius)
{
	bs_error_set(err, BS_E_LIMIT, NULL, 0, 0, "behaviour.walk_radius_m",
		     "the table of stations within %g m of each other would %s %.3g entries; expected at most %.3g (8 bytes each): fewer stations that close together%s",
		     radius, what, count, (double)BS_MAX_NEIGHBOURS,
		     radius > BS_MIN_NEIGHBOUR_RADIUS_M ? " or a smaller walk radius" : "");
	return BS_E_LIMIT;
}

static int build_neighbours(struct bs_network *net, double radius,
			    struct bs_error *err)
{
	struct nbcollect c = {NULL, 0, 0};
	size_t i, total;
	double lo, hi;
	int rc = 0;

	net->nb_radius = radius > 0.0 ? radius : 0.0;
	/* The table is bounded before it is built: counting it exactly costs
	 * as much as building it (O(n^2) when every station is near every
	 * other), so the grid's bounds decide first, and the exact count
	 * runs only when they straddle the limit, stopping at it. */
	if ((rc = bs__network_nb_bounds(net, net->nb_radius, &lo, &hi)))
		return rc;
	if (lo > (double)BS_MAX_NEIGHBOURS)
		return nb_limit(err, "hold at least", lo, net->nb_radius);
	if (hi > BS_MAX_NB_PAIRS) {
		bs_error_set(err, BS_E_LIMIT, NULL, 0, 0, "behaviour.walk_radius_m",
			     "finding the stations within %g m of each other would compare %.3g pairs of stations; expected at most %.3g (the stations are too clustered for the search grid)",
			     net->nb_radius, hi, BS_MAX_NB_PAIRS);
		return BS_E_LIMIT;
	}
	net->nb_off = calloc(net->n + 1, sizeof(size_t));
	if (!net->nb_off)
		return BS_E_NOMEM;
	/* Two passes, count then fill, so the CSR arrays are exact. */
	for (i = 0; i < net->n; i++) {
		c.m = 0;
		bs_network_for_within(net, (uint32_t)i, net->nb_radius,
				      nb_count, &c);
		net->nb_off[i + 1] = net->nb_off[i] + c.m;
		if (net->nb_off[i + 1] > BS_MAX_NEIGHBOURS)
			return nb_limit(err, "hold more than",
					(double)BS_MAX_NEIGHBOURS,
					net->nb_radius);
	}
	total = net->nb_off[net->n];
	net->nb_idx = malloc((total ? total : 1) * sizeof(uint32_t));
	net->nb_dist = malloc((total ? total : 1) * sizeof(float));
	if (!net->nb_idx || !net->nb_dist)
		return BS_E_NOMEM;
	for (i = 0; i < net->n && !rc; i++) {
		size_t o = net->nb_off[i];
		c.m = 0;
		rc = bs_network_for_within(net, (uint32_t)i, net->nb_radius,
					   nb_add, &c);
		if (c.m)
			qsort(c.v, c.m, sizeof(*c.v), cmp_nbref);
		for (size_t q = 0; q < c.m && !rc; q++) {
			net->nb_idx[o + q] = c.v[q].i;
			net->nb_dist[o + q] = c.v[q].d;
		}
	}
	free(c.v);
	return rc;
}

int bs_network_finish(struct bs_network *net, double radius_m,
		      const char *file, long first_row, struct bs_error *err)
{
	struct idref *refs;
	size_t i;
	int rc;

	refs = malloc(net->n * sizeof(*refs));
	net->by_id = malloc(net->n * sizeof(uint32_t));
	if (!refs || !net->by_id) {
		free(refs);
		return BS_E_NOMEM;
	}
	for (i = 0; i < net->n; i++) {
		refs[i].id = net->ids[i];
		refs[i].i = (uint32_t)i;
	}
	qsort(refs, net->n, sizeof(*refs), cmp_idref);
	for (i = 0; i < net->n; i++) {
		net->by_id[i] = refs[i].i;
		if (i > 0 && strcmp(refs[i].id, refs[i - 1].id) == 0) {
			if (first_row > 0)
				bs_error_row(err, file,
					     first_row + (long)refs[i].i,
					     "station_id",
					     "duplicate station id '%s' (first at row %ld); expected every id once",
					     refs[i].id,
					     first_row + (long)refs[i - 1].i);
			else
				bs_error_set(err, BS_E_INPUT, file, 0, 0,
					     "station_id",
					     "duplicate station id '%s'; expected every id once",
					     refs[i].id);
			free(refs);
			return BS_E_INPUT;
		}
	}
	free(refs);
	memset(net->ward_nstations, 0, BS_MAX_WARDS * sizeof(uint32_t));
	memset(net->ward_docks, 0, BS_MAX_WARDS * sizeof(uint64_t));
	net->total_docks = 0;
	net->total_slots = 0;
	for (i = 0; i < net->n; i++) {
		net->ward_nstations[net->ward[i]]++;
		net->ward_docks[net->ward[i]] += net->cap[i];
		net->total_docks += net->cap[i];
		net->total_slots += net->lim[i];
	}
	rc = build_grid(net);
	if (rc)
		return rc;
	/* before the neighbour lists, so that they read the table too */
	rc = build_dist_table(net);
	if (rc)
		return rc;
	rc = build_neighbours(net, radius_m, err);
	if (rc == BS_E_LIMIT && file && err)
		bs_strlcpy(err->file, file, sizeof(err->file));
	return rc;
}

uint32_t bs_network_find(const struct bs_network *net, const char *id)
{
	size_t lo = 0, hi = net->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(net->ids[net->by_id[mid]], id);
		if (c == 0)
			return net->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return BS_NO_STATION;
}

uint32_t bs_network_find_unpadded(const struct bs_network *net,
				  const char *id, uint32_t *other)
{
	char buf[BS_ID_ZEROS + 128];
	size_t l = strlen(id), k;
	uint32_t first = BS_NO_STATION, s;

	*other = BS_NO_STATION;
	if (l == 0 || l >= sizeof(buf) - BS_ID_ZEROS ||
	    strspn(id, "0123456789") != l)
		return BS_NO_STATION;
	for (k = 1; k <= BS_ID_ZEROS; k++) {
		memset(buf, '0', k);
		memcpy(buf + k, id, l + 1);
		if ((s = bs_network_find(net, buf)) == BS_NO_STATION)
			continue;
		if (first != BS_NO_STATION) {
			*other = s;
			break;
		}
		first = s;
	}
	return first;
}

/*
 * Outwards over the grid from the cell of planar point (x, y): after ring k
 * every unseen station is at least k cells away in the plane, so the search
 * stops once the best great-circle distance is below that (with the
 * projection's error margin).
 */
static uint32_t grid_nearest(const struct bs_network *net, double x, double y,
			     double lat, double lon, uint32_t exclude,
			     bs_station_pred pred, const void *ud,
			     double *dist_m)
{
	uint32_t best = BS_NO_STATION;
	double bestd = HUGE_VAL;
	long cx, cy, k, kmax;
	size_t j;

	cell_of(net, x, y, &cx, &cy);
	kmax = (long)(net->nx > net->ny ? net->nx : net->ny) +
	       (labs(cx) > labs(cy) ? labs(cx) : labs(cy));
	for (k = 0; k <= kmax; k++) {
		long gx, gy;
		for (gy = cy - k; gy <= cy + k; gy++) {
			long step;
			if (gy < 0 || gy >= (long)net->ny)
				continue;
			step = (gy == cy - k || gy == cy + k) ? 1 : 2 * k;
			for (gx = cx - k; gx <= cx + k; gx += step) {
				size_t cell;
				if (gx < 0 || gx >= (long)net->nx)
					continue;
				cell = (size_t)gy * net->nx + (size_t)gx;
				for (j = net->cell_off[cell];
				     j < net->cell_off[cell + 1]; j++) {
					uint32_t s = net->cell_idx[j];
					double d;
					if (s == exclude || (pred && !pred(ud, s)))
						continue;
					d = bs_distance_m(lat, lon, net->lat[s],
							  net->lon[s]);
					if (d < bestd || (d == bestd && s < best)) {
						bestd = d;
						best = s;
					}
				}
			}
		}
		if (best != BS_NO_STATION &&
		    bestd < (double)k * net->cell_m * (1.0 - net->proj_eps))
			break;
	}
	if (dist_m)
		*dist_m = bestd;
	return best;
}

uint32_t bs_network_nearest(const struct bs_network *net, uint32_t from,
			    int include_self, bs_station_pred pred,
			    const void *ud, double *dist_m)
{
	size_t j;

	if (include_self && pred(ud, from)) {
		if (dist_m)
			*dist_m = 0.0;
		return from;
	}
	/* The sorted neighbour list answers most queries at once. */
	for (j = net->nb_off[from]; j < net->nb_off[from + 1]; j++) {
		uint32_t s = net->nb_idx[j];
		if (pred(ud, s)) {
			if (dist_m)
				*dist_m = net->nb_dist[j];
			return s;
		}
	}
	return grid_nearest(net, net->x[from], net->y[from], net->lat[from],
			    net->lon[from], from, pred, ud, dist_m);
}

uint32_t bs_network_nearest_point(const struct bs_network *net, double lat,
				  double lon, bs_station_pred pred,
				  const void *ud, double *dist_m)
{
	return grid_nearest(net, EARTH_R * net->cos_lat0 * lon * DEG2RAD,
			    EARTH_R * lat * DEG2RAD, lat, lon, BS_NO_STATION,
			    pred, ud, dist_m);
}

struct bs_network *bs_network_synthetic(size_t n, uint32_t cap, size_t wards,
					double spacing_m, double radius_m,
					struct bs_error *err)
{
	struct bs_network *net;
	size_t cols, i, w;
	const double lat0 = 35.68, lon0 = 139.76;
	char id[32], name[64];

	if (n == 0 || n > BS_MAX_STATIONS || wards == 0 || wards > n ||
	    wards > BS_MAX_WARDS || cap == 0 || cap > BS_MAX_CAPACITY ||
	    !(spacing_m > 0.0)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "network.synthetic",
			     "expected 1 <= stations <= %u, 1 <= wards <= min(stations, %d), 1 <= capacity <= %u",
			     BS_MAX_STATIONS, BS_MAX_WARDS, BS_MAX_CAPACITY);
		return NULL;
	}
	net = bs_network_alloc(n);
	if (!net)
		goto nomem;
	for (w = 0; w < wards; w++) {
		snprintf(name, sizeof(name), "W%zu", w + 1);
		if (bs_network_add_ward(net, name) < 0)
			goto nomem;
	}
	cols = (size_t)ceil(sqrt((double)n));
	for (i = 0; i < n; i++) {
		double dx = (double)(i % cols) * spacing_m;
		double dy = (double)(i / cols) * spacing_m;
		double lat = lat0 + dy / EARTH_R / DEG2RAD;
		double lon = lon0 + dx / (EARTH_R * cos(lat0 * DEG2RAD)) / DEG2RAD;
		snprintf(id, sizeof(id), "S%06zu", i + 1);
		snprintf(name, sizeof(name), "synthetic %zu", i + 1);
		if (bs_network_set_station(net, i, id, name,
					   (int)(i * wards / n), lat, lon, cap))
			goto nomem;
	}
	{
		int rc = bs_network_finish(net, radius_m, NULL, 0, err);
		if (rc == BS_E_NOMEM)
			goto nomem;
		if (rc) {
			bs_network_free(net);
			return NULL;
		}
	}
	return net;
nomem:
	bs_network_free(net);
	bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, "network.synthetic",
		     "out of memory building a synthetic network of %zu stations",
		     n);
	return NULL;
}

void bs_network_set_limits(struct bs_network *net, int mode, double factor,
			   uint32_t extra)
{
	size_t i;

	net->total_slots = 0;
	for (i = 0; i < net->n; i++) {
		uint32_t c = net->cap[i];
		switch (mode) {
		case BS_PHYS_DATA:
			net->lim[i] = net->lim_data ? net->lim_data[i] : c;
			break;
		case BS_PHYS_FACTOR:
			/* the 1e-9 keeps 10 x 0.2 at 2, not 3 */
			net->lim[i] = c + (uint32_t)ceil((double)c * factor - 1e-9);
			break;
		case BS_PHYS_EXTRA:
			net->lim[i] = c + extra;
			break;
		default:
			net->lim[i] = c;
		}
		net->total_slots += net->lim[i];
	}
}

void bs_network_free(struct bs_network *net)
{
	size_t i;

	if (!net)
		return;
	if (net->ward_names)
		for (i = 0; i < net->nwards; i++)
			free(net->ward_names[i]);
	if (net->ids)
		for (i = 0; i < net->n; i++)
			free(net->ids[i]);
	if (net->names)
		for (i = 0; i < net->n; i++)
			free(net->names[i]);
	for (i = 0; i < net->nwards; i++) {
		if (net->ward_en)
			free(net->ward_en[i]);
		if (net->ward_ja)
			free(net->ward_ja[i]);
		if (net->ward_code)
			free(net->ward_code[i]);
	}
	free(net->ward_en);
	free(net->ward_ja);
	free(net->ward_code);
	free(net->boundaries);
	for (i = 0; i < net->ntags; i++)
		free(net->tag_names[i]);
	free(net->tag_names);
	free(net->tags);
	free(net->ward_names);
	free(net->ids);
	free(net->names);
	free(net->ward);
	free(net->lat);
	free(net->lon);
	free(net->cap);
	free(net->lim);
	free(net->lim_data);
	free(net->x);
	free(net->y);
	free(net->coslat);
	free(net->dist_tab);
	free(net->ward_nstations);
	free(net->ward_docks);
	free(net->nb_off);
	free(net->nb_idx);
	free(net->nb_dist);
	free(net->cell_off);
	free(net->cell_idx);
	free(net->by_id);
	free(net);
}
