/*
 * fuzztargets.c - see fuzztargets.h.
 *
 * The readers take paths, so each input is written to a file first, in a
 * folder of this process (mkdtemp under $TMPDIR, one subfolder per target
 * so that no target can read another's files). Every path made is
 * remembered and removed at exit. On a disk-backed /tmp the write costs
 * about as much as reading a small input, so fuzz/run.sh points TMPDIR at
 * /dev/shm (tmpfs) when it can: twice the executions for the small CSVs. The scenario and set targets also build the world of
 * small synthetic networks and run one short replication, so that odd but
 * valid parameter values reach the simulator; large networks, and
 * scenarios naming a table (stations, stock, rates, OD, trips: each has
 * its own target), are only loaded, to keep each input fast and to read
 * no file the input names.
 */
#include "fuzztargets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "calib/calibrate.h"
#include "input/gbfs.h"
#include "input/keys.h"
#include "input/inputs.h"
#include "model/network.h"
#include "engine/rng.h"
#include "input/scenario.h"
#include "model/sim.h"
#include "input/stations.h"
#include "input/status.h"
#include "exp/sweep.h"
#include "input/triplog.h"
#include "calib/world.h"

/* ---- the process's temporary folder --------------------------------------- */

/* Paths made, in order of creation (folders before what they hold), so
 * that removing them in reverse empties each folder before it goes. A few
 * dozen at most: the linear search costs nothing next to a read. */
#define MAX_MADE 64
static char *made[MAX_MADE];
static size_t nmade;
static char root_dir[512];
static struct bs_network *fixed_net;

static void cleanup(void)
{
	bs_network_free(fixed_net);
	fixed_net = NULL;
	while (nmade) {
		char *p = made[--nmade];
		remove(p); /* a file, or a folder emptied before */
		free(p);
	}
	root_dir[0] = '\0';
}

static const char *remember(const char *path)
{
	size_t i;

	for (i = 0; i < nmade; i++)
		if (!strcmp(made[i], path))
			return made[i];
	if (nmade == MAX_MADE || !(made[nmade] = strdup(path)))
		abort(); /* the harness itself is broken: say so loudly */
	return made[nmade++];
}

static const char *root(void)
{
	if (!root_dir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(root_dir, sizeof(root_dir), "%s/bssim-fuzz-XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(root_dir))
			abort();
		remember(root_dir);
		atexit(cleanup);
	}
	return root_dir;
}

const char *bs_fuzz_dir(void)
{
	return root();
}

/* The folder <root>/<sub>, made when new. A stable string. */
static const char *folder(const char *sub)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", root(), sub);
	if (mkdir(p, 0700) && errno != EEXIST)
		abort();
	return remember(p);
}

/* Write data to <root>/<target>/<name> (<name> may hold one folder made
 * with folder()); gzip-compressed when gz. A stable string. */
static const char *put_file(const char *target, const char *name,
			    const uint8_t *data, size_t size, int gz)
{
	char p[1024];
	const char *path;

	snprintf(p, sizeof(p), "%s/%s", folder(target), name);
	path = remember(p);
	if (gz) {
		gzFile z = gzopen(path, "wb1");
		if (!z || (size && gzwrite(z, data, (unsigned)size) != (int)size) ||
		    gzclose(z) != Z_OK)
			abort();
	} else {
		FILE *fp = fopen(path, "wb");
		if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp))
			abort();
	}
	return path;
}

static const char *put(const char *target, const char *name,
		       const uint8_t *data, size_t size)
{
	return put_file(target, name, data, size, 0);
}

/* A NUL-terminated copy of bytes, without one trailing newline (as a
 * command-line argument has none). Bytes after a NUL are cut, as argv
 * would cut them. */
static char *cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	if (size && s[size - 1] == '\n')
		s[size - 1] = '\0';
	return s;
}

/* ---- a fixed network for the tables ------------------------------------- */

/*
 * Twelve stations with the ids of the real files (six Tokyo ports with
 * leading zeros, six Jersey City ones with plain numbers), so that seeds
 * cut from data/ reach the rows past the id lookup. Loaded once per
 * process through the stations reader; the readers only read it.
 */
static const char FIXED_STATIONS[] =
	"station_id,name,ward,lat,lon,capacity\n"
	"00010001,A1-01 Chiyoda City Office,Chiyoda,35.693799,139.753281,8\n"
	"00010003,A1-03 Tokyo Kusei Kaikan,Chiyoda,35.701073,139.747525,9\n"
	"00010004,A1-04 Tokyo Kusei Kaikan West,Chiyoda,35.701347,139.746951,11\n"
	"00010005,A1-05 Fujimi,Chiyoda,35.699187,139.746348,12\n"
	"00010036,A1-08 Iidabashi Sakura Terrace,Chiyoda,35.699132,139.74462,13\n"
	"00010138,A1-10 Hulic Kudan,Chiyoda,35.696449,139.750784,6\n"
	"3183,Exchange Place,Jersey City,40.7162469,-74.0334588,20\n"
	"3184,Paulus Hook,Jersey City,40.7141454,-74.0335519,20\n"
	"3185,City Hall,Jersey City,40.7177325,-74.043845,20\n"
	"3186,Grove St PATH,Jersey City,40.71958611647166,-74.04311746358871,20\n"
	"3187,Warren St,Jersey City,40.7211236,-74.03805095,20\n"
	"3191,Union St,Jersey City,40.7182113,-74.0836394,20\n";

static const struct bs_network *network(void)
{
	struct bs_error err;

	if (!fixed_net) {
		const char *p = put("net", "stations.csv",
				    (const uint8_t *)FIXED_STATIONS,
				    sizeof(FIXED_STATIONS) - 1);
		if (!(fixed_net = bs_stations_load(p, 300.0, &err)))
			abort();
	}
	return fixed_net;
}

/* ---- scenarios ------------------------------------------------------------ */

/* Does the loaded scenario name a file (a table, or a stations CSV)? */
static int names_a_file(const struct bs_scenario *sc)
{
	return sc->stations_path || sc->initial_path || sc->rates_path ||
	       sc->od_path || sc->trips_path;
}

/* Build the world of a small synthetic scenario and run one replication of
 * at most two days: ~1 ms for the seeds' networks. */
static void run_small(const struct bs_scenario *sc)
{
	struct bs_error err;
	struct bs_world *w;

	if (names_a_file(sc) || sc->syn_n > 400 ||
	    sc->p.days * (double)sc->syn_n > 4000.0)
		return;
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
}

int bs_fuzz_scenario(const uint8_t *data, size_t size)
{
	const char *p = put("scenario", "scenario.json", data, size);
	struct bs_error err;
	struct bs_scenario *sc;
	char buf[2048];

	bs_rng_setup();
	sc = bs_scenario_load(p, NULL, 0, &err);
	if (!sc) {
		bs_error_format(&err, buf, sizeof(buf));
		return 0;
	}
	run_small(sc);
	bs_scenario_free(sc);
	return 0;
}

/*
 * --set: each line KEY=VALUE (split at the first '=', as the command line
 * does; a line without '=' or with an empty key is refused there, before
 * the library, and skipped here), at most MAX_SETS, applied in order to
 * SET_BASE. Every key also goes through the key table's lookups.
 */
#define MAX_SETS 32
static const char SET_BASE[] =
	"{\"bssim\": 1, \"name\": \"set\", \"seed\": 7, \"replications\": 2,\n"
	" \"horizon\": {\"days\": 1},\n"
	" \"network\": {\"synthetic\": {\"stations\": 16, \"capacity\": 6, \"wards\": 4}},\n"
	" \"fleet\": {\"bikes\": 40},\n"
	" \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 200},\n"
	" \"agreement\": {\"type\": \"full\"},\n"
	" \"rebalancing\": {\"policy\": \"none\"}}\n";

int bs_fuzz_set(const uint8_t *data, size_t size)
{
	struct bs_set sets[MAX_SETS];
	struct bs_error err;
	struct bs_scenario *sc;
	json_error_t je;
	json_t *root_json;
	char *text = cstr(data, size), *line = text, buf[2048];
	size_t n = 0, k;

	bs_rng_setup();
	while (line && n < MAX_SETS) {
		char *nl = strchr(line, '\n'), *eq;
		if (nl)
			*nl = '\0';
		eq = strchr(line, '=');
		if (eq && eq != line) {
			*eq = '\0';
			sets[n].key = line;
			sets[n].value = eq + 1;
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	for (k = 0; k < n; k++)
		if (!bs_key_find(sets[k].key))
			bs_scenario_key_suggest(sets[k].key);
	root_json = json_loads(SET_BASE, JSON_REJECT_DUPLICATES, &je);
	if (!root_json)
		abort();
	sc = bs_scenario_from_json(root_json, "set-base.json", SET_BASE, sets,
				   n, &err);
	if (sc) {
		run_small(sc);
		bs_scenario_free(sc);
	} else {
		bs_error_format(&err, buf, sizeof(buf));
	}
	free(text);
	return 0;
}

/* ---- stations, tables ------------------------------------------------------ */

int bs_fuzz_stations(const uint8_t *data, size_t size)
{
	struct bs_error err;
	struct bs_network *net =
		bs_stations_load(put("stations", "stations.csv", data, size),
				 300.0, &err);

	bs_network_free(net);
	return 0;
}

int bs_fuzz_stock(const uint8_t *data, size_t size)
{
	const struct bs_network *net = network();
	uint32_t stock[16];
	uint64_t total = 0;
	struct bs_error err;

	if (net->n > 16)
		abort();
	bs_stock_load(put("stock", "stock.csv", data, size), net, stock,
		      &total, &err);
	return 0;
}

int bs_fuzz_rates(const uint8_t *data, size_t size)
{
	const struct bs_network *net = network();
	double dep[16 * 24], arr[16 * 24];
	struct bs_error err;
	int has_arr = 0;

	if (net->n > 16)
		abort();
	bs_rates_load(put("rates", "rates.csv", data, size), net, dep, arr,
		      &has_arr, &err);
	return 0;
}

int bs_fuzz_od(const uint8_t *data, size_t size)
{
	const struct bs_network *net = network();
	uint32_t *o = NULL, *d = NULL;
	double *w = NULL;
	struct bs_error err;
	size_t n = 0;

	if (bs_od_load(put("od", "od.csv", data, size), net, &n, &o, &d, &w,
		       &err) == 0) {
		free(o);
		free(d);
		free(w);
	}
	return 0;
}

/* Two series read from the same bytes must be the same. */
static int same_series(const struct bs_status *a, const struct bs_status *b)
{
	size_t i;

	if (!a || !b)
		return !a && !b;
	if (a->nst != b->nst || a->nobs != b->nobs)
		return 0;
	for (i = 0; i < a->nst; i++)
		if (strcmp(a->ids[i], b->ids[i]) || a->off[i] != b->off[i])
			return 0;
	return !a->nobs ||
	       (!memcmp(a->minute, b->minute, a->nobs * sizeof(int32_t)) &&
		!memcmp(a->bikes, b->bikes, a->nobs * sizeof(int32_t)) &&
		!memcmp(a->docks, b->docks, a->nobs * sizeof(int32_t)));
}

/*
 * The status-series CSV, read as given (plain, or gzip when the bytes are
 * gzip) and gzip-compressed (the form the shipped series has): both reads
 * must agree, on the series or on the error's row and column. A series
 * read is then looked up id by id and calibrated against the fixed network.
 */
int bs_fuzz_status(const uint8_t *data, size_t size)
{
	const char *plain = put("status", "status.csv", data, size);
	struct bs_error err, gzerr;
	struct bs_status *s, *z = NULL;
	int is_gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	size_t i;

	bs_error_clear(&err);
	bs_error_clear(&gzerr);
	s = bs_status_load(plain, 540, &err);
	if (!is_gz) {
		z = bs_status_load(put_file("status", "status.csv.gz", data,
					    size, 1),
				   540, &gzerr);
		if (!same_series(s, z) ||
		    (!s && (err.code != gzerr.code || err.row != gzerr.row ||
			    strcmp(err.key, gzerr.key)))) {
			fprintf(stderr, "fuzz status: the plain and gzip reads differ\n");
			abort();
		}
		bs_status_free(z);
	}
	if (s) {
		struct bs_calib_opts co = {4, 10.0};
		struct bs_rates r;
		for (i = 0; i < s->nst; i++)
			if (bs_status_find(s, s->ids[i]) != (long)i)
				abort(); /* the index and the ids disagree */
		memset(&r, 0, sizeof(r));
		bs_calibrate_status(network(), s, plain, &co, &r, &err);
		bs_rates_release(&r);
		bs_status_free(s);
	}
	return 0;
}

/* ---- GBFS ---------------------------------------------------------------- */

struct part {
	const uint8_t *p;
	size_t n;
};

/* Split at each BS_FUZZ_SEP into at most max parts (the last keeps the
 * rest); returns how many. O(size * separator length). */
static size_t split(const uint8_t *data, size_t size, struct part *pt,
		    size_t max)
{
	const size_t seplen = sizeof(BS_FUZZ_SEP) - 1;
	size_t np = 0, start = 0, i = 0;

	while (np + 1 < max && i + seplen <= size) {
		if (!memcmp(data + i, BS_FUZZ_SEP, seplen)) {
			pt[np].p = data + start;
			pt[np].n = i - start;
			np++;
			i += seplen;
			start = i;
		} else {
			i++;
		}
	}
	pt[np].p = data + start;
	pt[np].n = size - start;
	return np + 1;
}

/*
 * One input, split at lines "----" into, in order:
 *   0 station_information.json (always written);
 *   1 station_status.json: when not empty, read for the stock (import's
 *     --station-status) and, as a one-file folder, as the status series
 *     that sets capacities (--capacity-from FOLDER);
 *   2 system_regions.json, when not empty (--system-regions);
 *   3 the region map (--region-map), "-" for none; when the part is
 *     absent, docomo's map unless a regions file was given;
 *   4 the ward list (--wards), when not empty.
 * Then as `bssim import gbfs`: capacities, stock, finish, both CSVs written
 * (to /dev/null).
 */
int bs_fuzz_gbfs(const uint8_t *data, size_t size)
{
	static const char DOCOMO_MAP[] = "1=Chiyoda,2=Chuo,3=Minato,4=Koto";
	struct part pt[5];
	size_t np = split(data, size, pt, 5);
	const char *status_path = NULL, *series = NULL;
	char *map = NULL, *wards = NULL;
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;
	FILE *devnull;

	memset(&o, 0, sizeof(o));
	o.info_path = put("gbfs", "station_information.json", pt[0].p, pt[0].n);
	if (np > 1 && pt[1].n) {
		status_path = put("gbfs", "station_status.json", pt[1].p, pt[1].n);
		series = folder("gbfs/series");
		put("gbfs", "series/status_0000.json", pt[1].p, pt[1].n);
	}
	if (np > 2 && pt[2].n)
		o.regions_path = put("gbfs", "system_regions.json", pt[2].p, pt[2].n);
	if (np > 3) {
		map = cstr(pt[3].p, pt[3].n);
		o.region_map = strcmp(map, "-") ? map : NULL;
	} else if (!o.regions_path) {
		o.region_map = DOCOMO_MAP;
	}
	if (np > 4 && pt[4].n)
		o.wards = wards = cstr(pt[4].p, pt[4].n);
	g = bs_gbfs_read(&o, &err);
	if (g && series) {
		struct bs_status *s = bs_status_load(series, 540, &err);
		if (s)
			bs_gbfs_capacity_from_status(g, s);
		bs_status_free(s);
	}
	if (g && (!status_path || bs_gbfs_read_stock(g, status_path, &err) == 0)) {
		bs_gbfs_finish(g);
		devnull = fopen("/dev/null", "w");
		if (devnull) {
			bs_gbfs_write_stations(g, devnull);
			bs_gbfs_write_stock(g, devnull);
			fclose(devnull);
		}
	}
	bs_gbfs_free(g);
	free(map);
	free(wards);
	return 0;
}

/* ---- trip logs ------------------------------------------------------------- */

static int count_row(void *ud, const struct bs_trip_row *t,
		     struct bs_error *err)
{
	(void)t;
	(void)err;
	++*(size_t *)ud;
	return 0;
}

/* The stations of a log as a network, the way a user gets one: `bssim
 * import trips` writes them as a stations CSV (ward "log", 10 docks each),
 * which the stations reader then checks. NULL when they do not make one. */
static struct bs_network *log_network(const struct bs_tripnet *tn)
{
	char p[1024];
	struct bs_error err;
	FILE *fp;

	snprintf(p, sizeof(p), "%s/log_stations.csv", folder("triplog"));
	fp = fopen(remember(p), "wb");
	if (!fp)
		abort();
	bs_tripnet_write(tn, "log", 10, fp);
	if (fclose(fp))
		abort();
	return bs_stations_load(p, 300.0, &err);
}

/*
 * A trip log, read row by row, as the stations it names (import trips),
 * and then against those stations as a trace to replay (demand.trips) and
 * as calibration input (calibrate trips).
 */
int bs_fuzz_triplog(const uint8_t *data, size_t size)
{
	const char *p = put("triplog", "trips.csv", data, size);
	struct bs_error err;
	struct bs_warnings warn;
	struct bs_tripnet *tn;
	size_t rows = 0;

	memset(&warn, 0, sizeof(warn));
	bs_triplog_read(p, count_row, &rows, &warn, &err);
	tn = bs_tripnet_read(p, &err);
	if (tn && tn->n >= 2 && tn->n <= 1000) {
		struct bs_network *net = log_network(tn);
		if (net) {
			struct bs_trace tr;
			struct bs_rates r;
			if (bs_trace_load(p, net, -1, 2.0 * 1440.0, &tr, &err) == 0)
				bs_trace_release(&tr);
			memset(&r, 0, sizeof(r));
			bs_calibrate_trips(net, p, 0.0, &r, &err);
			bs_rates_release(&r);
			bs_network_free(net);
		}
	}
	bs_tripnet_free(tn);
	return 0;
}

/* ---- sweeps -------------------------------------------------------------- */

/* The sweep file is the input; its base scenario is a fixed small one
 * beside it (base.json), which the seeds name. Sweeps of up to 50 points
 * are planned too (a world per point), larger ones only read, and so are
 * sweeps whose points name a file (planning would read it). */
int bs_fuzz_sweep(const uint8_t *data, size_t size)
{
	static const char BASE[] =
		"{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 1},"
		" \"network\": {\"synthetic\": {\"stations\": 12, \"capacity\": 4, \"wards\": 3}},"
		" \"fleet\": {\"bikes\": 20},"
		" \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}\n";
	static int have_base;
	struct bs_error err;
	struct bs_sweep *sw;
	const char *path;

	bs_rng_setup();
	if (!have_base) {
		put("sweep", "base.json", (const uint8_t *)BASE, sizeof(BASE) - 1);
		have_base = 1;
	}
	path = put("sweep", "sweep.json", data, size);
	sw = bs_sweep_load(path, &err);
	if (sw && sw->npoints <= 50) {
		size_t p;
		int files = 0;
		/* ~50 scenario resolutions: less than one world build */
		for (p = 0; p < sw->npoints && !files; p++) {
			struct bs_scenario *sc = bs_sweep_scenario(sw, p, &err);
			files = sc && names_a_file(sc);
			bs_scenario_free(sc);
		}
		if (!files && bs_sweep_plan(sw, 1, &err) == 0) {
			char label[512];
			struct bs_scenario *sc = bs_sweep_scenario(sw, 0, &err);
			bs_sweep_label_of(sw, sw->npoints - 1, label, sizeof(label));
			bs_scenario_free(sc);
		}
	}
	bs_sweep_free(sw);
	return 0;
}
