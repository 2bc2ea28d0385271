/*
 * fuzztargets.c - see fuzztargets.h.
 *
 * The readers take paths, so each input is written to a file of this
 * process first (tmpfs-backed /tmp: cheap next to the parsing). The
 * scenario target also builds the world of small synthetic networks and
 * runs one short replication, so that odd but valid parameter values reach
 * the simulator; large networks are only loaded, to keep each input fast.
 */
#include "fuzztargets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bssim/gbfs.h"
#include "bssim/rng.h"
#include "bssim/scenario.h"
#include "bssim/sim.h"
#include "bssim/stations.h"
#include "bssim/sweep.h"
#include "bssim/triplog.h"
#include "bssim/world.h"

static const char *put(const char *name, const uint8_t *data, size_t size)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "/tmp/bssim-fuzz-%ld-%s", (long)getpid(),
		 name);
	fp = fopen(path, "wb");
	if (!fp)
		abort(); /* the harness itself is broken: say so loudly */
	if (size && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	return path;
}

int bs_fuzz_scenario(const uint8_t *data, size_t size)
{
	const char *p = put("scenario.json", data, size);
	struct bs_error err;
	struct bs_scenario *sc;
	struct bs_world *w;
	char buf[2048];

	bs_rng_setup();
	sc = bs_scenario_load(p, NULL, 0, &err);
	if (!sc) {
		bs_error_format(&err, buf, sizeof(buf));
		return 0;
	}
	if (sc->stations_path || sc->syn_n > 400 ||
	    sc->p.days * sc->syn_n > 4000.0) {
		bs_scenario_free(sc);
		return 0;
	}
	w = bs_world_build(sc, &err);
	if (w && w->model.fleet < 100000) {
		struct bs_sim *S;
		struct bs_rep_result *r;
		if (w->model.p.days > 2.0) {
			w->model.p.days = 2.0;
			w->model.p.warmup_days = 0.0;
		}
		S = bs_sim_alloc(&w->model);
		r = bs_rep_result_alloc(&w->model);
		if (S && r)
			bs_sim_run(S, 1, NULL, r, &err);
		bs_rep_result_free(r);
		bs_sim_free(S);
	}
	bs_world_free(w);
	bs_scenario_free(sc);
	return 0;
}

int bs_fuzz_stations(const uint8_t *data, size_t size)
{
	struct bs_error err;
	struct bs_network *net =
		bs_stations_load(put("stations.csv", data, size), 300.0, &err);

	bs_network_free(net);
	return 0;
}

int bs_fuzz_gbfs(const uint8_t *data, size_t size)
{
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;
	FILE *devnull;

	memset(&o, 0, sizeof(o));
	o.info_path = put("station_information.json", data, size);
	o.region_map = "1=Chiyoda,2=Chuo,3=Minato,4=Koto";
	g = bs_gbfs_read(&o, &err);
	if (g) {
		bs_gbfs_finish(g);
		devnull = fopen("/dev/null", "w");
		if (devnull) {
			bs_gbfs_write_stations(g, devnull);
			fclose(devnull);
		}
		bs_gbfs_free(g);
	}
	return 0;
}

static int count_row(void *ud, const struct bs_trip_row *t,
		     struct bs_error *err)
{
	(void)t;
	(void)err;
	++*(size_t *)ud;
	return 0;
}

int bs_fuzz_triplog(const uint8_t *data, size_t size)
{
	const char *p = put("trips.csv", data, size);
	struct bs_error err;
	struct bs_warnings warn;
	struct bs_tripnet *tn;
	size_t rows = 0;

	memset(&warn, 0, sizeof(warn));
	bs_triplog_read(p, count_row, &rows, &warn, &err);
	tn = bs_tripnet_read(p, &err);
	bs_tripnet_free(tn);
	return 0;
}

/* The sweep file is the input; its base scenario is a fixed small one
 * beside it (base.json), which the seeds name. Sweeps of up to 50 points
 * are planned too (a world per point), larger ones only read. */
int bs_fuzz_sweep(const uint8_t *data, size_t size)
{
	static const char BASE[] =
		"{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 1},"
		" \"network\": {\"synthetic\": {\"stations\": 12, \"capacity\": 4, \"wards\": 3}},"
		" \"fleet\": {\"bikes\": 20},"
		" \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}\n";
	char dir[128], path[200];
	struct bs_error err;
	struct bs_sweep *sw;
	FILE *fp;

	bs_rng_setup();
	snprintf(dir, sizeof(dir), "/tmp/bssim-fuzz-%ld-sweep", (long)getpid());
	if (mkdir(dir, 0777) && errno != EEXIST)
		abort();
	snprintf(path, sizeof(path), "%s/base.json", dir);
	if (access(path, F_OK)) {
		fp = fopen(path, "wb");
		if (!fp || fputs(BASE, fp) == EOF)
			abort();
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/sweep.json", dir);
	fp = fopen(path, "wb");
	if (!fp || (size && fwrite(data, 1, size, fp) != size))
		abort();
	fclose(fp);
	sw = bs_sweep_load(path, &err);
	if (sw && sw->npoints <= 50 && bs_sweep_plan(sw, 1, &err) == 0) {
		char label[512];
		struct bs_scenario *sc = bs_sweep_scenario(sw, 0, &err);
		bs_sweep_point_label(sw, sw->npoints - 1, label, sizeof(label));
		bs_scenario_free(sc);
	}
	bs_sweep_free(sw);
	return 0;
}
