/*
 * world.c - from a validated scenario to a runnable model (see world.h).
 */
#include "calib/world.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/fleet.h"
#include "base/limits.h"
#include "model/depot.h"
#include "model/ops.h"
#include "input/inputs.h"
#include "input/names.h"
#include "input/stations.h"
#include "calib/demandin.h"

static void ward_list(const struct bs_network *net, char *buf, size_t sz)
{
	size_t w, used = 0;

	buf[0] = '\0';
	for (w = 0; w < net->nwards && used + 4 < sz; w++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s",
					 w ? ", " : "", net->ward_names[w]);
}

static int ward_of(const struct bs_scenario *sc, const struct bs_network *net,
		   const char *key, const char *name, struct bs_error *err)
{
	int w = bs_network_ward_index(net, name);
	char list[512];

	if (w >= 0)
		return w;
	ward_list(net, list, sizeof(list));
	bs_scenario_error(sc, err, key,
			  "unknown ward '%s'; expected one of the network's wards: %s",
			  name, list);
	return -1;
}

/* The ward a name given at key means, or -1 with err filled. */
static int ward_named(const struct bs_scenario *sc,
		      const struct bs_network *net, const struct bs_wardname *w,
		      struct bs_error *err)
{
	return ward_of(sc, net, w->key, w->name, err);
}

/* The agreement's matrix from its pairs (both ways) or its rows (owner
 * first in each list, sc->agr_matrix). */
static int build_matrix(const struct bs_scenario *sc,
			const struct bs_network *net, uint8_t *m,
			struct bs_error *err)
{
	size_t W = net->nwards, i, j;
	const struct bs_wardlists *wl = sc->p.agreement == BS_AGR_BILATERAL
						 ? &sc->agr_pairs
						 : &sc->agr_matrix;

	memset(m, 0, W * W);
	if (sc->p.agreement != BS_AGR_BILATERAL &&
	    sc->p.agreement != BS_AGR_MATRIX)
		return 0;
	for (i = 0; i < wl->n; i++) {
		int a = ward_named(sc, net, &wl->ward[wl->off[i]], err);
		if (a < 0)
			return BS_E_INPUT;
		for (j = wl->off[i] + 1; j < wl->off[i + 1]; j++) {
			int b = ward_named(sc, net, &wl->ward[j], err);
			if (b < 0)
				return BS_E_INPUT;
			m[(size_t)a * W + (size_t)b] = 1;
			if (sc->p.agreement == BS_AGR_BILATERAL)
				m[(size_t)b * W + (size_t)a] = 1;
		}
	}
	return 0;
}

/*
 * A per-ward number into out[W]: one for every ward, or one per named
 * ward naming every ward ("no WHAT for ward X; expected ONE for every
 * ward"). Absent (the key does not apply): none, zeros.
 */
static int ward_numbers(const struct bs_scenario *sc,
			const struct bs_network *net,
			const struct bs_wardval *wv, const char *key,
			const char *what, const char *one, double *out,
			struct bs_error *err)
{
	size_t w, i;
	char list[512];
	unsigned char *seen;

	for (w = 0; w < net->nwards; w++)
		out[w] = wv->given && !wv->each ? wv->all : 0.0;
	if (!wv->each)
		return 0;
	if (!(seen = calloc(net->nwards, 1)))
		return BS_E_NOMEM;
	for (i = 0; i < wv->n; i++) {
		int x = ward_named(sc, net, &wv->ward[i], err);
		if (x < 0) {
			free(seen);
			return BS_E_INPUT;
		}
		out[x] = wv->num[i];
		seen[x] = 1;
	}
	for (w = 0; w < net->nwards; w++)
		if (!seen[w]) {
			free(seen);
			ward_list(net, list, sizeof(list));
			return bs_scenario_error(sc, err, key,
						 "no %s for ward '%s'; expected %s for every ward (%s) or one number for all",
						 what, net->ward_names[w], one,
						 list);
		}
	free(seen);
	return 0;
}

static int build_prices(const struct bs_scenario *sc,
			const struct bs_network *net, double *price,
			struct bs_error *err)
{
	return ward_numbers(sc, net, &sc->price, "fees.price_yen", "price",
			    "a price", price, err);
}

/* A per-ward count (trucks, crews). */
static int ward_counts(const struct bs_scenario *sc,
		       const struct bs_network *net,
		       const struct bs_wardval *wv, const char *key,
		       uint32_t *out, struct bs_error *err)
{
	double *x = calloc(net->nwards, sizeof(double));
	size_t w;
	int rc;

	if (!x)
		return BS_E_NOMEM;
	rc = ward_numbers(sc, net, wv, key, "number", "one", x, err);
	for (w = 0; !rc && w < net->nwards; w++)
		out[w] = (uint32_t)x[w];
	free(x);
	return rc;
}

/* Pooling groups: false (each ward alone), true (one pool), or groups of
 * ward names; wards in no group stay alone. group[w] is dense from 0. */
static int pool_groups(const struct bs_scenario *sc,
		       const struct bs_network *net,
		       const struct bs_wardlists *wl, uint32_t *group,
		       struct bs_error *err)
{
	size_t w, i, j;
	uint32_t next = 0;

	for (w = 0; w < net->nwards; w++)
		group[w] = UINT32_MAX;
	if (wl->all) {
		memset(group, 0, net->nwards * sizeof(uint32_t));
		return 0;
	}
	for (i = 0; i < wl->n; i++) {
		for (j = wl->off[i]; j < wl->off[i + 1]; j++) {
			int x = ward_named(sc, net, &wl->ward[j], err);
			if (x < 0)
				return BS_E_INPUT;
			if (group[x] != UINT32_MAX)
				return bs_scenario_error(sc, err, wl->ward[j].key,
							 "ward '%s' is in two pooling groups; expected each ward in one group at most",
							 wl->ward[j].name);
			group[x] = next;
		}
		next++;
	}
	for (w = 0; w < net->nwards; w++)
		if (group[w] == UINT32_MAX)
			group[w] = next++;
	return 0;
}

static int build_ops(const struct bs_scenario *sc, struct bs_world *w,
		     struct bs_error *err)
{
	const struct bs_network *net = w->net;
	const struct bs_wardval *dv = &sc->depots;
	size_t W = net->nwards, i;
	uint32_t *buf = calloc(5 * W, sizeof(uint32_t));
	uint32_t *trucks = buf, *tg = buf + W, *crews = buf + 2 * W,
		 *cg = buf + 3 * W, *depot = buf + 4 * W;
	int rc = 0;

	if (!buf)
		return BS_E_NOMEM;
	if ((rc = ward_counts(sc, net, &sc->trucks_per_ward,
			      "rebalancing.trucks_per_ward", trucks, err)) ||
	    (rc = pool_groups(sc, net, &sc->reb_pool, tg, err)) ||
	    (rc = ward_counts(sc, net, &sc->crews_per_ward,
			      "battery.crews_per_ward", crews, err)) ||
	    (rc = pool_groups(sc, net, &sc->bat_pool, cg, err)))
		goto out;
	for (i = 0; i < W; i++)
		depot[i] = bs_ops_default_depot(net, i);
	for (i = 0; i < dv->n; i++) {
		int x = ward_named(sc, net, &dv->ward[i], err);
		uint32_t s;
		if (x < 0) {
			rc = BS_E_INPUT;
			goto out;
		}
		s = bs_network_find(net, dv->str[i]);
		if (s == BS_NO_STATION) {
			rc = bs_scenario_error(sc, err, dv->ward[i].key,
					       "no station with id '%s' in the network; expected a station_id",
					       dv->str[i]);
			goto out;
		}
		depot[x] = s;
	}
	w->ops = bs_ops_new(net, trucks, tg, crews, cg, depot);
	if (!w->ops)
		rc = BS_E_NOMEM;
out:
	free(buf);
	return rc;
}

/* ---- depots ------------------------------------------------------------- */


/* Where the four Tokyo wards' offices stand (WGS84, from the wards' own
 * address pages, read off a map to ~50 m): the default place of a ward's
 * depot. An ASSUMPTION: docomo publishes no depot but one warehouse in
 * Chuo, without an address (docs/model.md, "Depots"). */
static const struct {
	const char *ward;
	double lat, lon;
} WARD_OFFICE[] = {
	{"Chiyoda", 35.6940, 139.7536}, /* Kudanminami 1-2-1 */
	{"Chuo", 35.6706, 139.7720},    /* Tsukiji 1-1-1 */
	{"Minato", 35.6581, 139.7516},  /* Shibakoen 1-5-25 */
	{"Koto", 35.6729, 139.8171},    /* Toyo 4-11-28 */
};

/* The network's bounds, 2 km wider each way: a depot outside them is a
 * typo (swapped lat and lon, a sign), not a place trucks drive from.
 * O(n). */
static int depot_in_bounds(const struct bs_network *net, double la, double lo)
{
	double a = HUGE_VAL, b = -HUGE_VAL, c = HUGE_VAL, d = -HUGE_VAL;
	double mla = 2000.0 / 111320.0, mlo;

	for (size_t s = 0; s < net->n; s++) {
		a = fmin(a, net->lat[s]);
		b = fmax(b, net->lat[s]);
		c = fmin(c, net->lon[s]);
		d = fmax(d, net->lon[s]);
	}
	mlo = mla / fmax(cos((a + b) / 2.0 * 3.14159265358979323846 / 180.0), 0.01);
	return la >= a - mla && la <= b + mla && lo >= c - mlo && lo <= d + mlo;
}

/* depots.at: every ward's place (defaults first, then the ones given). */
static int depot_places(const struct bs_scenario *sc,
			const struct bs_network *net, struct bs_depots *d,
			struct bs_error *err)
{
	const struct bs_wardval *at = &sc->dep_at;
	size_t w, i;

	for (w = 0; w < net->nwards; w++) {
		uint32_t s = bs_ops_default_depot(net, w);
		d->lat[w] = s == BS_NO_STATION ? 0.0 : net->lat[s];
		d->lon[w] = s == BS_NO_STATION ? 0.0 : net->lon[s];
		for (i = 0; i < sizeof(WARD_OFFICE) / sizeof(WARD_OFFICE[0]); i++)
			if (!strcmp(net->ward_names[w], WARD_OFFICE[i].ward) &&
			    depot_in_bounds(net, WARD_OFFICE[i].lat,
					    WARD_OFFICE[i].lon)) {
				d->lat[w] = WARD_OFFICE[i].lat;
				d->lon[w] = WARD_OFFICE[i].lon;
			}
	}
	for (i = 0; i < at->n; i++) {
		int x = ward_named(sc, net, &at->ward[i], err);
		uint32_t s;
		double la, lo;
		char tail;
		if (x < 0)
			return BS_E_INPUT;
		if ((s = bs_network_find(net, at->str[i])) != BS_NO_STATION) {
			la = net->lat[s];
			lo = net->lon[s];
		} else if (sscanf(at->str[i], "%lf,%lf%c", &la, &lo, &tail) != 2 ||
			   !isfinite(la) || !isfinite(lo)) {
			return bs_scenario_error(sc, err, at->ward[i].key,
						 "'%s' is neither a station_id of the network nor \"lat,lon\"; expected a port's id or a position such as \"35.6706,139.7720\"",
						 at->str[i]);
		}
		if (!depot_in_bounds(net, la, lo))
			return bs_scenario_error(sc, err, at->ward[i].key,
						 "%.6f,%.6f is outside the network (its ports' bounds, 2 km wider); expected a depot near the network",
						 la, lo);
		d->lat[x] = la;
		d->lon[x] = lo;
	}
	return 0;
}

/* depots.capacity, depots.stock, depots.trucks_per_ward. */
static int depot_counts(const struct bs_scenario *sc,
			const struct bs_network *net, struct bs_depots *d,
			struct bs_error *err)
{
	int rc;
	size_t w;

	if ((rc = ward_counts(sc, net, &sc->dep_capacity, "depots.capacity",
			      d->capacity, err)) ||
	    (rc = ward_counts(sc, net, &sc->dep_stock, "depots.stock", d->stock,
			      err)) ||
	    (sc->p.dep_ops == BS_DEPOT_OPS_POLICY &&
	     (rc = ward_counts(sc, net, &sc->dep_trucks,
			       "depots.trucks_per_ward", d->trucks, err))))
		return rc;
	for (w = 0; w < net->nwards; w++)
		if (d->stock[w] > d->capacity[w])
			return bs_scenario_error(sc, err, "depots.stock",
						 "ward '%s' has %u bikes in a depot of capacity %u; expected a stock at most the capacity",
						 net->ward_names[w], d->stock[w],
						 d->capacity[w]);
	return 0;
}

/* The depots of the scenario (none unless depots.enabled), with their
 * replayed moves or policy read against the network. O(W n + moves). */
static int build_depots(const struct bs_scenario *sc, struct bs_world *w,
			struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	struct bs_moves mv;
	int rc;

	memset(&mv, 0, sizeof(mv));
	if (!p->dep_enabled)
		return 0;
	if (p->dep_ops == BS_DEPOT_OPS_REPLAY &&
	    ((rc = bs__table_ok(sc, "depots.replay", sc->dep_replay_path,
			    "a moves CSV", err)) ||
	     (rc = bs_moves_load(sc->dep_replay_path, w->net, &mv, err))))
		return rc;
	if (!(w->depots = bs_depots_new(w->net, mv.n))) {
		bs_moves_release(&mv);
		return BS_E_NOMEM;
	}
	w->depots->ops = p->dep_ops;
	if (mv.n) {
		memcpy(w->depots->mv_t, mv.t, mv.n * sizeof(double));
		memcpy(w->depots->mv_st, mv.st, mv.n * sizeof(uint32_t));
		memcpy(w->depots->mv_delta, mv.delta, mv.n * sizeof(int32_t));
	}
	bs_moves_release(&mv);
	w->depots->shift_start_h = p->dep_shift_start_h;
	w->depots->shift_end_h = p->dep_shift_end_h;
	w->depots->charge_min = p->dep_charge_min;
	w->depots->withdraw_below = p->dep_withdraw_below;
	if ((rc = depot_places(sc, w->net, w->depots, err)) ||
	    (rc = depot_counts(sc, w->net, w->depots, err)))
		return rc;
	if (p->dep_ops == BS_DEPOT_OPS_POLICY &&
	    ((rc = bs__table_ok(sc, "depots.policy", sc->dep_policy_path,
			    "an operations policy CSV", err)) ||
	     (rc = bs_ops_policy_load(sc->dep_policy_path, w->net,
				      w->depots->bring, w->depots->take, err))))
		return rc;
	return bs_depots_finish(w->depots, w->net);
}

/* A table the scenario names must be a readable regular file; else an
 * error at its key (as for network.stations). */

/* The tables of the rates and trace models (demandin.c), then the
 * demand. */
static int build_demand(struct bs_world *w, const struct bs_scenario *sc,
			struct bs_error *err)
{
	struct bs_demand_tables t;
	int rc = bs_demand_tables_load(sc, w->net, &w->warn, &t, err);

	if (rc)
		return rc;
	if (sc->p.demand == BS_DEMAND_TRACE) {
		w->warn = t.tr.warn;
		w->trace_rows = t.tr.rows;
		w->trace_kept = t.tr.n;
	}
	w->dem = bs_demand_new_from(w->net, &sc->p, &t.in, err);
	if (!w->dem)
		rc = err && err->code ? err->code : BS_E_NOMEM;
	if (rc == BS_E_NOMEM && err && !err->code)
		bs_error_set(err, BS_E_NOMEM, sc->file, 0, 0, NULL,
			     "out of memory reading the demand tables");
	bs_demand_tables_release(&t);
	return rc;
}

/*
 * The events of one replication, estimated before it runs, against
 * BS_EVENT_BUDGET. Terms: the expected ride requests over the horizon
 * (exact, from the demand tables: rates of 1e308 per hour show here as
 * inf), three events each (the request, the return, a diversion or
 * retry); one review per idle truck or crew every review_min of its
 * shifts; the time-series samples. Refused naming the key of the larger
 * term, with the estimate. O(n).
 */
static int check_event_budget(const struct bs_scenario *sc,
			      const struct bs_world *w, struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	double hor = p->days * BS_MINUTES_PER_DAY, req = 0.0, rev = 0.0, total;
	const char *dkey;
	char rv[120];
	size_t s;

	for (s = 0; s < w->net->n; s++)
		req += bs_demand_expected(w->dem, (uint32_t)s, 0.0, hor);
	if (p->reb_policy != BS_REB_NONE && w->ops)
		rev += (double)w->ops->ntrucks *
		       (p->reb_shift_end_h - p->reb_shift_start_h) * 60.0 /
		       p->review_min * p->days;
	if (w->depots && w->depots->ops == BS_DEPOT_OPS_POLICY)
		rev += (double)w->depots->ntrucks *
		       (p->dep_shift_end_h - p->dep_shift_start_h) * 60.0 /
		       fmin(p->review_min, 60.0) * p->days;
	if (w->depots)
		rev += (double)w->depots->nmoves;
	if (p->battery && w->ops)
		rev += (double)w->ops->ncrews *
		       (p->bat_shift_end_h - p->bat_shift_start_h) * 60.0 /
		       p->review_min * p->days;
	total = 3.0 * req + rev + hor / p->ts_step_min;
	if (total <= BS_EVENT_BUDGET)
		return 0;
	dkey = p->demand == BS_DEMAND_UNIFORM ? "demand.rate_per_station_per_hour"
	       : p->demand == BS_DEMAND_RATES ? "demand.rates"
	       : p->demand == BS_DEMAND_TRACE ? "demand.trips"
					      : "demand.trips_per_day";
	if (rev > 0.0)
		snprintf(rv, sizeof(rv),
			 ", %.3g truck and crew reviews every %g min", rev,
			 p->review_min);
	else
		rv[0] = '\0';
	return bs_scenario_error(sc, err, !(rev > 3.0 * req) ? dkey
							     : "rebalancing.review_min",
				 "one replication would take about %.3g events (%.3g ride requests from %s%s, over %g days); expected at most %.3g (2^40): less demand%s or a shorter horizon",
				 total, req, dkey, rv, p->days, BS_EVENT_BUDGET,
				 rev > 0.0 ? ", a longer review_min" : "");
}

/* Soft capacity: each port's physical limit (capacity.physical), after
 * the stations are read. O(stations). */
static int build_limits(struct bs_world *w, const struct bs_scenario *sc,
			struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	struct bs_network *net = w->net;

	if (p->phys_mode == BS_PHYS_DATA && !net->lim_data)
		return bs_scenario_error(sc, err, "capacity.physical",
					 "\"data\" reads each port's physical limit from the stations CSV, and %s has no physical_limit column; expected a stations CSV station_id,name,ward,lat,lon,capacity,physical_limit, or capacity.physical \"factor\" or \"extra\"",
					 sc->stations_path ? sc->stations_path
							   : "the synthetic network");
	bs_network_set_limits(net, p->phys_mode, p->phys_factor,
			      p->phys_extra);
	if (net->total_slots > BS_MAX_DOCKS)
		return bs_scenario_error(sc, err, "capacity.physical",
					 "the ports' physical limits add up to %llu bikes; expected at most %llu in all (every dock slot is held in memory)",
					 (unsigned long long)net->total_slots,
					 (unsigned long long)BS_MAX_DOCKS);
	return 0;
}

/* The stations (a CSV or the synthetic grid) with their neighbours, and
 * the sizes they imply. 0, BS_E_NOMEM, or BS_E_INPUT with err filled. */
static int build_network(struct bs_world *w, const struct bs_scenario *sc,
			 struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	double radius = p->walk_radius_m > BS_MIN_NEIGHBOUR_RADIUS_M
				? p->walk_radius_m
				: BS_MIN_NEIGHBOUR_RADIUS_M;
	double ns, bytes;
	int rc;

	if (sc->stations_path) {
		const char *why;
		int fd = bs_open_regular(sc->stations_path, &why);
		if (fd < 0)
			return bs_scenario_error(sc, err, "network.stations",
						 "cannot read '%s': %s; expected a stations CSV file (path relative to the scenario file)",
						 sc->stations_path,
						 why ? why : strerror(errno));
		close(fd);
		w->net = bs_stations_load_noted(sc->stations_path, radius,
						&w->notes, err);
	} else {
		w->net = bs_network_synthetic(sc->syn_n, sc->syn_cap,
					      sc->syn_wards, sc->syn_spacing_m,
					      radius, err);
	}
	if (!w->net) {
		/* a neighbour table too big: at the key that sets its radius
		 * when that is the walk radius, else at the network */
		if (err && err->code == BS_E_LIMIT)
			bs_scenario_error(sc, err,
					  p->walk_radius_m > BS_MIN_NEIGHBOUR_RADIUS_M
						  ? "behaviour.walk_radius_m"
					  : sc->stations_path ? "network.stations"
							      : "network.synthetic.spacing_m",
					  "%s", err->text);
		return err && err->code ? err->code : BS_E_INPUT;
	}
	w->net->notes = &w->notes; /* the tables read against it note here */
	if (w->net->total_docks > BS_MAX_DOCKS)
		return bs_scenario_error(sc, err, "network.stations",
					 "the network has %llu docks; expected at most %llu in all (every dock is held in memory)",
					 (unsigned long long)w->net->total_docks,
					 (unsigned long long)BS_MAX_DOCKS);
	if ((rc = build_limits(w, sc, err)) ||
	    (rc = bs_display_load(w->net, sc->names_path, sc->bounds_path, err)))
		return rc;
	if (w->net->n < 2)
		return bs_scenario_error(sc, err, "network",
					 "the network has one station; expected at least two so that trips can go somewhere");
	/* results of every replication are held until written */
	ns = ceil(p->days * BS_MINUTES_PER_DAY / p->ts_step_min);
	bytes = ns * (double)(w->net->nwards + 1) * (4.0 * BS_TS_N) *
		(double)p->replications;
	if (bytes > 2147483648.0)
		return bs_scenario_error(sc, err, "output.timeseries_step_min",
					 "the time series of %u replications would take %.1f GiB; expected a longer step or fewer replications",
					 p->replications, bytes / 1073741824.0);
	return 0;
}

/* The agreement (matrix and prices by ward) and the operations. */
static int build_rules(struct bs_world *w, const struct bs_scenario *sc,
		       struct bs_error *err)
{
	uint8_t *matrix = calloc(w->net->nwards * w->net->nwards, 1);
	double *price = calloc(w->net->nwards, sizeof(double));
	int rc = BS_E_NOMEM;

	if (matrix && price &&
	    !(rc = build_matrix(sc, w->net, matrix, err)) &&
	    !(rc = build_prices(sc, w->net, price, err))) {
		w->agr = bs_agreement_new(w->net, sc->p.agreement, matrix, price);
		rc = w->agr ? build_ops(sc, w, err) : BS_E_NOMEM;
	}
	free(matrix);
	free(price);
	return rc;
}

/*
 * fleet.ownership "given": each ward's count from fleet.bikes {ward: n}
 * (every ward named, each within its ward's docks). O(wards named x
 * wards) for the names.
 */
static int given_counts(const struct bs_scenario *sc,
			const struct bs_network *net, uint32_t *owned,
			struct bs_error *err)
{
	const struct bs_wardval *wv = &sc->fleet_bikes;
	double *x = calloc(net->nwards, sizeof(double));
	size_t i;
	int rc;

	if (!x)
		return BS_E_NOMEM;
	rc = ward_numbers(sc, net, wv, "fleet.bikes", "bikes", "a count", x,
			  err);
	for (i = 0; !rc && i < wv->n; i++) {
		int a = ward_named(sc, net, &wv->ward[i], err);
		uint64_t d = net->ward_docks[a];
		if (wv->num[i] > (double)d)
			rc = bs_scenario_error(sc, err, wv->ward[i].key,
					       "%.0f bikes do not fit in ward %s's %llu docks; expected at most %llu",
					       wv->num[i], net->ward_names[a],
					       (unsigned long long)d,
					       (unsigned long long)d);
	}
	for (i = 0; !rc && i < net->nwards; i++)
		owned[i] = (uint32_t)x[i];
	free(x);
	return rc;
}

/* Each ward's bikes by the stock it starts with (fleet.ownership
 * "stock", and what every rule's placement leaves). O(n). */
static void owned_from_stock(struct bs_world *w)
{
	size_t i;

	memset(w->owned, 0, w->net->nwards * sizeof(uint32_t));
	for (i = 0; i < w->net->n; i++)
		w->owned[w->net->ward[i]] += w->init_stock[i];
}

/*
 * The initial stock. Total: fleet.bikes (a number, or the sum of
 * {ward: n}), fill x docks, or the stock of fleet.initial. "stock": that
 * total spread over the docks (or added to / taken from the given stock)
 * whatever the wards, each bike owned by the ward where it stands.
 * Otherwise each ward's count by the rule, then over its own ports
 * (bs_fleet_place); "demand" waits for the demand (place_by_demand).
 */
static int build_fleet(struct bs_world *w, const struct bs_scenario *sc,
		       struct bs_error *err)
{
	const struct bs_params *p = &sc->p;
	uint64_t bikes = 0;
	int rc;

	if (!(w->init_stock = calloc(w->net->n, sizeof(uint32_t))) ||
	    !(w->owned = calloc(w->net->nwards, sizeof(uint32_t))))
		return BS_E_NOMEM;
	if (sc->initial_path) {
		if (bs__table_ok(sc, "fleet.initial", sc->initial_path,
			     "a stock CSV station_id,bikes", err))
			return BS_E_INPUT;
		if ((rc = bs_stock_load(sc->initial_path, w->net, w->init_stock,
					&bikes, err)))
			return rc;
	}
	if (p->ownership == BS_OWN_GIVEN &&
	    (rc = given_counts(sc, w->net, w->owned, err)))
		return rc;
	if (p->fleet_mode == BS_FLEET_FILL)
		bikes = (uint64_t)llround(p->fill * (double)w->net->total_docks);
	else if (p->fleet_mode == BS_FLEET_BIKES)
		bikes = p->bikes; /* else: the stock of fleet.initial */
	/* a stock as given may fill the ports to their physical limits;
	 * bikes spread or added go into published docks */
	if (sc->initial_path && p->fleet_mode == BS_FLEET_INITIAL ?
		    bikes > w->net->total_slots : bikes > w->net->total_docks)
		return bs_scenario_error(sc, err, "fleet.bikes",
					 "%llu bikes do not fit in the network's %llu docks; expected at most %llu",
					 (unsigned long long)bikes,
					 (unsigned long long)w->net->total_docks,
					 (unsigned long long)w->net->total_docks);
	if (bikes > UINT32_MAX - 1)
		return bs_scenario_error(sc, err, "fleet.bikes",
					 "%llu bikes; expected at most %u",
					 (unsigned long long)bikes, UINT32_MAX - 1);
	w->fleet_bikes = bikes;
	if (p->ownership == BS_OWN_STOCK) {
		if (sc->initial_path ? bs_fleet_adjust(w->net, bikes, w->init_stock)
				     : bs_fleet_spread(w->net, bikes, w->init_stock))
			return BS_E_NOMEM;
		owned_from_stock(w);
		return 0;
	}
	if (p->ownership == BS_OWN_DEMAND)
		return 0;
	if (p->ownership == BS_OWN_DOCKS &&
	    bs_fleet_owned(w->net, BS_OWN_DOCKS, bikes, NULL, w->owned))
		return BS_E_NOMEM;
	return bs_fleet_place(w->net, w->owned, sc->initial_path != NULL,
			      w->init_stock);
}

void bs_world_ward_requests(const struct bs_world *w,
			    const struct bs_params *p, double *req)
{
	double warm = p->warmup_days * BS_MINUTES_PER_DAY;
	double hor = p->days * BS_MINUTES_PER_DAY, mdays = p->days - p->warmup_days;
	size_t i;

	memset(req, 0, w->net->nwards * sizeof(double));
	for (i = 0; i < w->net->n; i++)
		req[w->net->ward[i]] +=
			bs_demand_expected(w->dem, (uint32_t)i, warm, hor) / mdays;
}

/* fleet.ownership "demand": each ward's share of the fleet by its
 * requests per measured day (what `check` shows), within its docks, then
 * over its own ports. O(n). */
static int place_by_demand(struct bs_world *w, const struct bs_scenario *sc,
			   struct bs_error *err)
{
	const struct bs_network *net = w->net;
	double *req = calloc(net->nwards, sizeof(double)), sum = 0.0;
	size_t a;
	int rc = 0;

	if (!req)
		return BS_E_NOMEM;
	bs_world_ward_requests(w, &sc->p, req);
	for (a = 0; a < net->nwards; a++)
		sum += req[a];
	if (!(sum > 0.0) && w->fleet_bikes > 0)
		rc = bs_scenario_error(sc, err, "fleet.ownership",
				       "\"demand\" shares bikes by requests, and the demand expects none in the measured days; expected another rule (\"docks\")");
	else if (bs_fleet_owned(net, BS_OWN_DEMAND, w->fleet_bikes, req,
				w->owned))
		rc = BS_E_NOMEM;
	for (a = 0; !rc && a < net->nwards; a++)
		if (w->owned[a] > net->ward_docks[a])
			rc = bs_scenario_error(sc, err, "fleet.ownership",
					       "\"demand\" gives ward %s %u bikes for its %llu docks; expected at most %llu bikes in a ward: fewer bikes, or the rule \"docks\"",
					       net->ward_names[a], w->owned[a],
					       (unsigned long long)net->ward_docks[a],
					       (unsigned long long)net->ward_docks[a]);
	if (!rc)
		rc = bs_fleet_place(net, w->owned, sc->initial_path != NULL,
				    w->init_stock);
	free(req);
	return rc;
}

struct bs_world *bs_world_build(const struct bs_scenario *sc,
				struct bs_error *err)
{
	struct bs_world *w = calloc(1, sizeof(*w));
	uint64_t s = 0;
	size_t i;
	int rc;

	if (!w)
		goto nomem;
	if ((rc = build_network(w, sc, err)) || (rc = build_rules(w, sc, err)) ||
	    (rc = build_fleet(w, sc, err))) {
		if (rc == BS_E_NOMEM)
			goto nomem;
		goto fail;
	}
	if (build_demand(w, sc, err)) {
		/* the demand module names the key; locate it in the file */
		if (err && err->code == BS_E_LIMIT && err->key[0])
			bs_scenario_error(sc, err, "demand.max_trip_m", "%s",
					  err->text);
		goto fail;
	}
	if ((rc = build_depots(sc, w, err))) {
		if (rc == BS_E_NOMEM)
			goto nomem;
		goto fail;
	}
	if (sc->p.ownership == BS_OWN_DEMAND &&
	    (rc = place_by_demand(w, sc, err))) {
		if (rc == BS_E_NOMEM)
			goto nomem;
		goto fail;
	}
	for (i = 0; i < w->net->n; i++)
		s += w->init_stock[i];
	if (check_event_budget(sc, w, err))
		goto fail;
	w->model.net = w->net;
	w->model.dem = w->dem;
	w->model.agr = w->agr;
	w->model.ops = w->ops;
	w->model.depots = w->depots;
	w->model.p = sc->p;
	w->model.init_stock = w->init_stock;
	w->model.fleet = s;
	return w;
nomem:
	bs_error_set(err, BS_E_NOMEM, sc->file, 0, 0, NULL,
		     "out of memory building the model");
fail:
	bs_world_free(w);
	return NULL;
}

void bs_world_free(struct bs_world *w)
{
	if (!w)
		return;
	bs_demand_free(w->dem);
	bs_agreement_free(w->agr);
	bs_ops_free(w->ops);
	bs_depots_free(w->depots);
	bs_network_free(w->net);
	free(w->init_stock);
	free(w->owned);
	free(w);
}

/* ---- the public check ---------------------------------------------------- */

static void world_free(struct bs_world *w)
{
	bs_world_free(w);
}

int bs_scenario_check(bs_scenario *sc, struct bs_error *err)
{
	assert(sc);
	if (sc->world)
		return 0;
	if (!(sc->world = bs_world_build(sc, err)))
		return err && err->code ? err->code : BS_E_INPUT;
	sc->world_free = world_free;
	return 0;
}

const struct bs_warnings *bs_scenario_warnings(const bs_scenario *sc)
{
	static const struct bs_warnings none;

	assert(sc);
	return sc->world ? &sc->world->warn : &none;
}
