/*
 * import.c - data in (bs_import_gbfs, bs_import_trips, bs_calibrate in
 * bssim.h): read a feed, a trip log or a status series, and write the
 * stations, stock and rates tables the scenarios read.
 *
 * Order of work, as everywhere: every output target is checked first (a
 * new file or a regular one: nothing is read before a device or a folder
 * is refused), then the inputs are read and checked, then the files are
 * written all at once (bs_output_write_files); the monitor's `writing`
 * brackets the write.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/opts.h"
#include "calib/calibrate.h"
#include "input/gbfs.h"
#include "input/stations.h"
#include "input/status.h"
#include "input/triplog.h"
#include "output/output.h"

/* The caller's options within their size (ABI rule); the rest default. */
#define OPTS_OF(type, init, o)                                               \
	do {                                                                 \
		init(&r_);                                                   \
		if (o)                                                       \
			memcpy(&r_, o, (o)->size < sizeof(r_) ? (o)->size    \
							      : sizeof(r_)); \
		r_.size = sizeof(r_);                                        \
	} while (0)

void bs_import_gbfs_opts_init_size(struct bs_import_gbfs_opts *o, size_t size)
{
	struct bs_import_gbfs_opts d = {.size = sizeof(d), .utc_offset_min = 540};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_import_gbfs_opts_init)(struct bs_import_gbfs_opts *o)
{
	bs_import_gbfs_opts_init_size(o, sizeof(*o));
}

void bs_import_trips_opts_init_size(struct bs_import_trips_opts *o, size_t size)
{
	struct bs_import_trips_opts d = {.size = sizeof(d)};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_import_trips_opts_init)(struct bs_import_trips_opts *o)
{
	bs_import_trips_opts_init_size(o, sizeof(*o));
}

void bs_calibrate_opts_init_size(struct bs_calibrate_opts *o, size_t size)
{
	struct bs_calibrate_opts d = {.size = sizeof(d),
				    .truck_jump = 4,
				    .max_gap_min = 10,
				    .utc_offset_min = 540};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_calibrate_opts_init)(struct bs_calibrate_opts *o)
{
	bs_calibrate_opts_init_size(o, sizeof(*o));
}

/* Each target a regular file or a new one, before any input is read. */
static int targets_ok(const char *const *paths, const char *const *opts,
		      size_t n, struct bs_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if (paths[i] && (rc = bs_output_check_target(paths[i], opts[i], err)))
			return rc;
	return 0;
}

/* The write of outs, bracketed for the monitor. */
static int write_all(const struct bs_outfile *outs, size_t n,
		     const struct bs_monitor *m, struct bs_error *err)
{
	int rc;

	if (m && m->writing)
		m->writing(m->ud, outs[0].path, 1);
	rc = bs_output_write_files(outs, n, err);
	if (m && m->writing)
		m->writing(m->ud, outs[0].path, 0);
	return rc;
}

/* The warnings of src added after those of dst (first few, all counted). */
static void warnings_add(struct bs_warnings *dst, const struct bs_warnings *src)
{
	long i;

	for (i = 0; i < src->count && i < BS_WARN_KEEP; i++)
		if (dst->count + i < BS_WARN_KEEP)
			memcpy(dst->first[dst->count + i], src->first[i],
			       sizeof(dst->first[0]));
	dst->count += src->count;
}

/* ---- import gbfs -------------------------------------------------------- */

static void put_stations(const void *ud, FILE *fp)
{
	bs_gbfs_write_stations(ud, fp);
}

static void put_stock(const void *ud, FILE *fp)
{
	bs_gbfs_write_stock(ud, fp);
}

int bs_import_gbfs(const struct bs_import_gbfs_opts *o,
		   struct bs_data_report *rep, struct bs_error *err)
{
	struct bs_import_gbfs_opts r_;
	struct bs_gbfs_opts go;
	struct bs_gbfs *g = NULL;
	struct bs_status *series = NULL;
	struct bs_data_report dr;
	size_t i, kept;
	int rc;

	OPTS_OF(struct bs_import_gbfs_opts, bs_import_gbfs_opts_init, o);
	assert(r_.station_information && r_.output);
	memset(&dr, 0, sizeof(dr));
	{
		const char *const paths[] = {r_.output, r_.stock_output};
		static const char *const opts[] = {"-o", "--stock-output"};
		if ((rc = targets_ok(paths, opts, 2, err)))
			return rc;
	}
	memset(&go, 0, sizeof(go));
	go.info_path = r_.station_information;
	go.regions_path = r_.system_regions;
	go.region_map = r_.region_map;
	go.wards = r_.wards;
	if (!(g = bs_gbfs_read(&go, err)))
		return err && err->code ? err->code : BS_E_INPUT;
	if (r_.capacity_from) {
		if (!(series = bs_status_load(r_.capacity_from, r_.utc_offset_min,
					      err))) {
			rc = err && err->code ? err->code : BS_E_INPUT;
			goto out;
		}
		bs_gbfs_capacity_from_status(g, series);
	}
	if (r_.station_status &&
	    (rc = bs_gbfs_read_stock(g, r_.station_status, err)))
		goto out;
	kept = bs_gbfs_finish(g);
	if (kept < 2) {
		bs_error_set(err, BS_E_INPUT, r_.station_information, 0, 0, NULL,
			     "%zu station(s) selected; expected at least two (check --wards and the region map)",
			     kept);
		rc = BS_E_INPUT;
		goto out;
	}
	{
		const struct bs_outfile outs[] = {
			{r_.output, "-o", put_stations, g},
			{r_.stock_output, "--stock-output", put_stock, g}};
		if ((rc = write_all(outs, 2, r_.monitor, err)))
			goto out;
	}
	for (i = 0; i < g->n; i++) {
		dr.docks += (uint64_t)g->st[i].capacity;
		if (g->st[i].stock >= 0) {
			dr.bikes += (uint64_t)g->st[i].stock;
			dr.stocked++;
		}
	}
	dr.stations = g->n;
	dr.feed_stations = g->feed_stations;
	dr.outside = g->outside;
	dr.capacity_raised = g->capacity_raised;
	dr.warnings = g->warn;
	if (rep)
		*rep = dr;
out:
	bs_status_free(series);
	bs_gbfs_free(g);
	return rc;
}

/* ---- import trips ------------------------------------------------------- */

struct tn_out {
	const struct bs_tripnet *t;
	const char *ward;
	long cap;
};

static void put_tripnet(const void *ud, FILE *fp)
{
	const struct tn_out *o = ud;

	bs_tripnet_write(o->t, o->ward, o->cap, fp);
}

int bs_import_trips(const struct bs_import_trips_opts *o,
		    struct bs_data_report *rep, struct bs_error *err)
{
	struct bs_import_trips_opts r_;
	struct tn_out tn;
	struct bs_tripnet *t;
	const char *opt = "-o";
	int rc;

	OPTS_OF(struct bs_import_trips_opts, bs_import_trips_opts_init, o);
	assert(r_.log && r_.output);
	if ((rc = targets_ok(&r_.output, &opt, 1, err)))
		return rc;
	if (!(t = bs_tripnet_read(r_.log, err)))
		return err && err->code ? err->code : BS_E_INPUT;
	tn.t = t;
	tn.ward = r_.ward ? r_.ward : "system";
	tn.cap = r_.capacity ? (long)r_.capacity : 20;
	{
		const struct bs_outfile outs[] = {{r_.output, "-o", put_tripnet, &tn}};
		rc = write_all(outs, 1, r_.monitor, err);
	}
	if (!rc && rep) {
		memset(rep, 0, sizeof(*rep));
		rep->stations = t->n;
		rep->rows = (uint64_t)t->rides;
		rep->docks = (uint64_t)t->n * (uint64_t)tn.cap;
		rep->warnings = t->warn;
	}
	bs_tripnet_free(t);
	return rc;
}

/* ---- calibrate ----------------------------------------------------------- */

struct rates_out {
	const struct bs_rates *r;
	const struct bs_network *net;
	const struct bs_status *series;
	const struct bs_calib_opts *co;
	const uint32_t *cap, *lim; /* --stations-out: [net->n] each */
};

static void put_rates(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_rates_write(o->r, o->net, fp);
}

static void put_profile(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_rates_write_profile(o->r, o->net, fp);
}

static void put_moves(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_status_write_moves(o->series, o->co, fp);
}

static void put_ops_policy(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_status_write_ops_policy(o->series, o->net, o->co, fp);
}

static void put_soft(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_stations_write_soft(o->net, o->cap, o->lim, fp);
}

static void put_od(const void *ud, FILE *fp)
{
	const struct rates_out *o = ud;

	bs_rates_write_od(o->r, o->net, fp);
}

/* --stations-out: *soft = each port's published capacity then its
 * physical limit ([2 n], caller frees), from the series. */
static int soft_capacity(const struct bs_network *net,
			 const struct bs_status *series, const char *stations,
			 uint32_t **soft, struct bs_warnings *warn,
			 struct bs_error *err)
{
	if (!(*soft = malloc(2 * (net->n ? net->n : 1) * sizeof(**soft)))) {
		bs_error_set(err, BS_E_NOMEM, stations, 0, 0, NULL,
			     "out of memory (soft capacity of %zu stations)",
			     net->n);
		return BS_E_NOMEM;
	}
	return bs_status_soft_capacity(net, series, stations, *soft,
				       *soft + net->n, warn, err);
}

int bs_calibrate(const struct bs_calibrate_opts *o, struct bs_data_report *rep,
		 struct bs_error *err)
{
	struct bs_calibrate_opts r_;
	struct bs_calib_opts co;
	struct bs_network *net = NULL;
	struct bs_status *series = NULL;
	struct bs_rates r;
	struct rates_out ro;
	uint32_t *soft = NULL; /* --stations-out: cap then lim, [2 n] */
	int rc, is_status;
	size_t i;

	OPTS_OF(struct bs_calibrate_opts, bs_calibrate_opts_init, o);
	assert(r_.source && r_.input && r_.stations && r_.output);
	memset(&r, 0, sizeof(r));
	is_status = !strcmp(r_.source, "status");
	if (!is_status && strcmp(r_.source, "trips")) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "source",
			     "unknown source '%s'; expected status or trips",
			     r_.source);
		return BS_E_INPUT;
	}
	if ((r_.moves || r_.ops_policy) && !is_status) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0,
			     r_.moves ? "--moves" : "--ops-policy",
			     "needs a status series: the operator's moves are read from a port's jumps between updates");
		return BS_E_INPUT;
	}
	if (r_.stations_out && !is_status) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--stations-out",
			     "needs a status series: a port's published capacity and physical limit are read from its bikes and free docks");
		return BS_E_INPUT;
	}
	if (r_.od && is_status) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "--od",
			     "needs a trip log: a status series has no destinations");
		return BS_E_INPUT;
	}
	{
		const char *const paths[] = {r_.output, r_.profile, r_.od,
					     r_.moves, r_.ops_policy,
					     r_.stations_out};
		static const char *const opts[] = {"-o", "--profile", "--od",
						   "--moves", "--ops-policy",
						   "--stations-out"};
		if ((rc = targets_ok(paths, opts, 6, err)))
			return rc;
	}
	co.truck_jump = (int)r_.truck_jump;
	co.max_gap_min = (double)r_.max_gap_min;
	if (!(net = bs_stations_load(r_.stations, 0.0, err))) {
		rc = err && err->code ? err->code : BS_E_INPUT;
		goto out;
	}
	if (is_status) {
		if (!(series = bs_status_load(r_.input, r_.utc_offset_min, err))) {
			rc = err && err->code ? err->code : BS_E_INPUT;
			goto out;
		}
		rc = bs_calibrate_status(net, series, r_.input, &co, &r, err);
		if (!rc && r_.stations_out)
			rc = soft_capacity(net, series, r_.stations, &soft,
					   &r.warn, err);
	} else {
		rc = bs_calibrate_trips(net, r_.input, r_.days, &r, err);
	}
	if (rc)
		goto out;
	ro.r = &r;
	ro.net = net;
	ro.series = series;
	ro.co = &co;
	ro.cap = soft;
	ro.lim = soft ? soft + net->n : NULL;
	{
		const struct bs_outfile outs[] = {
			{r_.output, "-o", put_rates, &ro},
			{r_.profile, "--profile", put_profile, &ro},
			{r_.od, "--od", put_od, &ro},
			{r_.moves, "--moves", put_moves, &ro},
			{r_.ops_policy, "--ops-policy", put_ops_policy, &ro},
			{r_.stations_out, "--stations-out", put_soft, &ro}};
		if ((rc = write_all(outs, 6, r_.monitor, err)))
			goto out;
	}
	if (rep) {
		memset(rep, 0, sizeof(*rep));
		rep->stations = net->n;
		for (i = 0; i < net->n * 24; i++) {
			rep->departures += r.dep[i];
			rep->arrivals += r.arr[i];
			rep->truck_pickups += r.truck_pick[i];
			rep->truck_dropoffs += r.truck_drop[i];
		}
		rep->imputed = r.imputed;
		rep->rows = (uint64_t)r.rides;
		rep->days = r.days;
		rep->od_pairs = r.nod;
		rep->round_trips = (uint64_t)r.round;
		rep->round_trip_min = r.round_median_min;
		if (series)
			warnings_add(&rep->warnings, &series->warn);
		warnings_add(&rep->warnings, &r.warn);
	}
out:
	free(soft);
	bs_rates_release(&r);
	bs_status_free(series);
	bs_network_free(net);
	return rc;
}
