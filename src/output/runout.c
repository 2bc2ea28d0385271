/*
 * runout.c - the files of a run: summary.json, replications.csv, stations.csv, timeseries.csv, flows.csv, stations.geojson (see output.h).
 */
#define _GNU_SOURCE /* fopencookie, flock, getrandom */
#include "output/output.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "output/files_internal.h"

/* ---- summary.json -------------------------------------------------------- */

json_t *bs_stat_json(const struct bs_stat *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "mean", bs_json_num(st->mean));
	json_object_set_new(o, "sd", bs_json_num(st->sd));
	json_object_set_new(o, "ci95_low", bs_json_num(st->ci_lo));
	json_object_set_new(o, "ci95_high", bs_json_num(st->ci_hi));
	return o;
}

static json_t *metrics_json(const struct bs_summary *s, size_t w)
{
	json_t *o = json_object();
	int m;

	if (!o)
		return NULL;
	for (m = 0; m < BS_METRIC_N; m++)
		json_object_set_new(o, bs_metric_names[m],
				    bs_stat_json(bs_summary_stat(s, w, m)));
	return o;
}

static json_t *matrix_json(const struct bs_network *net, const double *x)
{
	json_t *o = json_object();
	size_t a, b, W = net->nwards;

	if (!o)
		return NULL;
	for (a = 0; a < W; a++) {
		json_t *row = json_object();
		for (b = 0; b < W; b++)
			json_object_set_new(row, net->ward_names[b],
					    bs_json_num(x[a * W + b]));
		json_object_set_new(o, net->ward_names[a], row);
	}
	return o;
}

json_t *bs_output_names_json(const struct bs_network *net)
{
	json_t *o, *w;
	size_t k;

	if (!net->ward_en)
		return NULL;
	o = json_object();
	w = json_object();
	if (!o || !w || json_object_set_new(o, "wards", w)) {
		json_decref(o);
		return NULL;
	}
	for (k = 0; k < net->nwards; k++)
		if (net->ward_en[k])
			json_object_set_new(w, net->ward_names[k],
					    json_pack("{s:s, s:s, s:s}", "en",
						      net->ward_en[k], "ja",
						      net->ward_ja[k], "code",
						      net->ward_code[k]));
	return o;
}

static json_t *tag_cell_json(const struct bs_summary *s, size_t t, size_t w)
{
	json_t *o = json_object(), *m = json_object();
	int k;

	if (!o || !m) {
		json_decref(o);
		json_decref(m);
		return NULL;
	}
	json_object_set_new(o, "ports",
			    json_integer(s->tagports[t * (s->nwards + 1) + w]));
	for (k = 0; k < BS_TAGM_N; k++)
		json_object_set_new(m, bs_tag_metric_names[k],
				    bs_stat_json(bs_summary_tagstat(s, t, w, k)));
	json_object_set_new(o, "metrics", m);
	return o;
}

/* "tags": {TAG: {"ports", "metrics": {...}, "wards": {WARD: {"ports",
 * "metrics"}}}}: the per-tag metrics; NULL when no port is tagged. */
static json_t *tags_json(const struct bs_network *net,
			 const struct bs_summary *s)
{
	json_t *o;
	size_t t, w;

	if (!s->ntags || !(o = json_object()))
		return NULL;
	for (t = 0; t < s->ntags; t++) {
		json_t *a = tag_cell_json(s, t, s->nwards), *wo = json_object();
		for (w = 0; a && wo && w < s->nwards; w++)
			json_object_set_new(wo, net->ward_names[w],
					    tag_cell_json(s, t, w));
		json_object_set_new(a, "wards", wo);
		json_object_set_new(o, net->tag_names[t], a);
	}
	return o;
}

json_t *bs_output_summary_json(const struct bs_scenario *sc,
			       const struct bs_network *net,
			       long input_warnings,
			       const struct bs_summary *s,
			       const struct bs_run_info *info)
{
	json_t *doc = json_object(), *wards = json_object(), *run;
	size_t k;

	if (!doc || !wards) {
		json_decref(doc);
		json_decref(wards);
		return NULL;
	}
	json_object_set(doc, "scenario", sc->root);
	json_object_set_new(doc, "replications", json_integer((json_int_t)s->nreps));
	json_object_set_new(doc, "metrics", metrics_json(s, s->nwards));
	for (k = 0; k < s->nwards; k++) {
		json_t *wo = json_object();
		json_object_set_new(wo, "metrics", metrics_json(s, k));
		json_object_set_new(wards, net->ward_names[k], wo);
	}
	json_object_set_new(doc, "wards", wards);
	json_object_set_new(doc, "flows", matrix_json(net, s->flows));
	json_object_set_new(doc, "settlement_yen",
			    matrix_json(net, s->settle));
	json_object_set_new(doc, "version", json_string(BSSIM_VERSION));
	json_object_set_new(doc, "seed", json_integer((json_int_t)sc->p.seed));
	/* the random streams' version: 2 for rng philox (other numbers, so
	 * other results); absent for the original taus2 streams (version 1),
	 * so that their summary.json stays as it was, byte for byte */
	if (sc->p.rng == BS_RNGK_PHILOX)
		json_object_set_new(doc, "streams", json_integer(2));
	/* rows of the inputs skipped safely (e.g. trip-log rows without a
	 * station): deterministic, so outside "run" */
	json_object_set_new(doc, "input_warnings",
			    json_integer((json_int_t)input_warnings));
	/* the files read, by checksum: the same on every machine; their
	 * absolute paths go under "run" (they differ between checkouts) */
	json_object_set_new(doc, "inputs", bs__scenario_inputs_json(sc, 0));
	if (info && info->resp_on) {
		json_t *dr = json_object();
		json_object_set_new(dr, "iterations",
				    json_integer(info->resp_iterations));
		json_object_set_new(dr, "residual", bs_json_num(info->resp_residual));
		json_object_set_new(dr, "tolerance", bs_json_num(info->resp_tol));
		json_object_set_new(doc, "demand_response", dr);
	}
	/* only with a names table or tagged ports: other runs' summary.json
	 * stay as they were, byte for byte */
	if (net->ward_en)
		json_object_set_new(doc, "names", bs_output_names_json(net));
	if (s->ntags)
		json_object_set_new(doc, "tags", tags_json(net, s));
	run = json_object();
	if (info) {
		json_object_set_new(run, "wall_s", bs_json_num(info->wall_s));
		json_object_set_new(run, "host", json_string(info->host));
		json_object_set_new(run, "started_utc",
				    json_string(info->started_utc));
		json_object_set_new(run, "jobs", json_integer(info->jobs));
		json_object_set_new(run, "replications_requested",
				    json_integer(info->requested_reps));
		json_object_set_new(run, "interrupted",
				    json_boolean(info->interrupted));
	}
	json_object_set_new(run, "inputs", bs__scenario_inputs_json(sc, 1));
	if (sc->again_of)
		json_object_set_new(run, "again", json_string(sc->again_of));
	json_object_set_new(doc, "run", run);
	return doc;
}

/* ---- the run's files ----------------------------------------------------- */

/*
 * Rows of the long files (replications.csv, timeseries.csv) are put
 * together in a line buffer and written with one fwrite: a few hundred
 * thousand rows of a year or of many replications cost a stdio call a
 * row instead of one a field, and the numbers go through bs_fmt_num
 * (whole numbers digit by digit). The bytes are those of the field by
 * field writers they replace. A row longer than the buffer (a ward name
 * of hundreds of bytes) is written field by field, as before.
 */
#define ROW_MAX 512

struct row {
	char b[ROW_MAX];
	size_t n;
	int over; /* did not fit: write field by field */
};

static void row_raw(struct row *r, const char *s, size_t len)
{
	if (r->over || r->n + len > ROW_MAX - 32) {
		r->over = 1;
		return;
	}
	memcpy(r->b + r->n, s, len);
	r->n += len;
}

static void row_field(struct row *r, const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		r->over = 1; /* quoting: bs_csv_put's business */
		return;
	}
	row_raw(r, s, strlen(s));
}

static void row_u(struct row *r, unsigned long long v)
{
	char d[20];

	row_raw(r, d, bs_fmt_u64(d, v));
}

static void row_num(struct row *r, double v)
{
	char d[32];

	row_raw(r, d, bs_fmt_num(d, v));
}

/* Write the row (it ends with its own '\n'); 0, or -1 when it did not
 * fit and the caller writes it field by field. */
static int row_put(FILE *fp, struct row *r)
{
	int over = r->over;

	if (!over)
		fwrite(r->b, 1, r->n, fp);
	r->n = 0;
	r->over = 0;
	return over ? -1 : 0;
}

static void write_replications(FILE *fp, const struct bs_network *net,
			       const struct bs_summary *s,
			       struct bs_rep_result *const *reps)
{
	size_t r, w, W = net->nwards;
	struct row row = {{0}, 0, 0};
	int m;

	fputs("replication,ward,metric,value\n", fp);
	for (r = 0; r < s->nreps; r++)
		for (w = 0; w <= W; w++)
			for (m = 0; m < BS_METRIC_N; m++) {
				const char *wn = w < W ? net->ward_names[w] : "all";
				double v = s->vals[(r * (W + 1) + w) * BS_METRIC_N +
						   (size_t)m];
				row_u(&row, reps[r]->rep);
				row_raw(&row, ",", 1);
				row_field(&row, wn);
				row_raw(&row, ",", 1);
				row_field(&row, bs_metric_names[m]);
				row_raw(&row, ",", 1);
				row_num(&row, v);
				row_raw(&row, "\n", 1);
				if (!row_put(fp, &row))
					continue;
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_put(fp, wn);
				fprintf(fp, ",%s,", bs_metric_names[m]);
				bs_csv_num(fp, v);
				fputc('\n', fp);
			}
}

static void write_stations(FILE *fp, const struct bs_network *net,
			   const struct bs_summary *s)
{
	size_t i, k;

	fputs("station_id,name,ward,capacity,rentals,returns,empty_frac,full_frac,mean_bikes\n",
	      fp);
	for (i = 0; i < net->n; i++) {
		const double *x = s->st + i * BS_SS_N;
		bs_csv_put(fp, net->ids[i]);
		fputc(',', fp);
		bs_csv_put(fp, net->names[i]);
		fputc(',', fp);
		bs_csv_put(fp, net->ward_names[net->ward[i]]);
		fprintf(fp, ",%u", net->cap[i]);
		for (k = 0; k < BS_SS_N; k++) {
			fputc(',', fp);
			bs_csv_num(fp, x[k]);
		}
		fputc('\n', fp);
	}
}

/* output.timeseries_replications: the first k replications (0: all) */
size_t bs__ts_reps(const struct bs_scenario *sc, size_t nreps)
{
	return sc && sc->p.ts_reps && sc->p.ts_reps < nreps ? sc->p.ts_reps
							    : nreps;
}

/* Row (sample k, ward w) of timeseries.csv through the line buffer: 0,
 * or -1 when it did not fit (nothing written). */
static int ts_row(FILE *fp, const struct bs_network *net,
		  const struct bs_rep_result *rp, size_t k, size_t w, int soft,
		  int dep)
{
	size_t W = net->nwards;
	const uint32_t *x = rp->ts + (k * (W + 1) + w) * BS_TS_N;
	struct row row;

	row.n = 0;
	row.over = 0;
	row_u(&row, rp->rep);
	row_raw(&row, ",", 1);
	row_num(&row, rp->ts_t[k]);
	row_raw(&row, ",", 1);
	row_field(&row, w < W ? net->ward_names[w] : "all");
	row_raw(&row, ",", 1);
	row_u(&row, x[BS_TS_DOCKED]);
	row_raw(&row, ",", 1);
	row_u(&row, x[BS_TS_EMPTY]);
	row_raw(&row, ",", 1);
	row_u(&row, x[BS_TS_FULL]);
	if (soft) {
		row_raw(&row, ",", 1);
		row_u(&row, x[BS_TS_REFUSING]);
	}
	if (dep) {
		row_raw(&row, ",", 1);
		row_u(&row, x[BS_TS_DEPOT]);
	}
	row_raw(&row, "\n", 1);
	return row_put(fp, &row);
}

static void write_timeseries(FILE *fp, const struct bs_network *net,
			     struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, k, w, W = net->nwards;

	/* ports refusing returns only with soft capacity, depot stock only
	 * with depots: without them the file is as before */
	int dep = nreps && reps[0]->depots, soft = nreps && reps[0]->soft;

	fputs("replication,t_min,ward,bikes_docked,empty_stations,full_stations",
	      fp);
	fputs(soft ? ",refusing_stations" : "", fp);
	fputs(dep ? ",depot_bikes\n" : "\n", fp);
	for (r = 0; r < nreps; r++)
		for (k = 0; k < reps[r]->nsamples; k++)
			for (w = 0; w <= W; w++) {
				const uint32_t *row =
					reps[r]->ts + (k * (W + 1) + w) * BS_TS_N;
				if (!ts_row(fp, net, reps[r], k, w, soft, dep))
					continue;
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_num(fp, reps[r]->ts_t[k]);
				fputc(',', fp);
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fprintf(fp, ",%u,%u,%u", row[BS_TS_DOCKED],
					row[BS_TS_EMPTY], row[BS_TS_FULL]);
				if (soft)
					fprintf(fp, ",%u", row[BS_TS_REFUSING]);
				if (dep)
					fprintf(fp, ",%u", row[BS_TS_DEPOT]);
				fputc('\n', fp);
			}
}

static void write_flows(FILE *fp, const struct bs_network *net,
			struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, a, b, W = net->nwards;

	fputs("replication,from_ward,to_ward,trips\n", fp);
	for (r = 0; r < nreps; r++) {
		double days = reps[r]->window_min / 1440.0;
		for (a = 0; a < W; a++)
			for (b = 0; b < W; b++) {
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_put(fp, net->ward_names[a]);
				fputc(',', fp);
				bs_csv_put(fp, net->ward_names[b]);
				fputc(',', fp);
				bs_csv_num(fp, reps[r]->flows[a * W + b] / days);
				fputc('\n', fp);
			}
	}
}

/*
 * stations.geojson (RFC 7946): a FeatureCollection of one Point per port,
 * [lon, lat] in WGS 84 (no "crs" member: 7946 fixes the datum), with the
 * columns of stations.csv as properties. One feature per line, so that the
 * file diffs well and line tools can read it; it is still one JSON text.
 * Coordinates are rounded to 7 decimals (about 1 cm), which is finer than
 * any port position in the data.
 */
static json_t *station_feature(const struct bs_network *net,
			       const struct bs_summary *s, size_t i)
{
	static const char *const SS[BS_SS_N] = {"rentals", "returns",
						"empty_frac", "full_frac",
						"mean_bikes"};
	const double *x = s->st + i * BS_SS_N;
	json_t *f = json_object(), *g = json_object(), *c = json_array(),
	       *p = json_object();
	size_t k;
	int bad = 0;

	if (!f || !g || !c || !p) {
		json_decref(f);
		json_decref(g);
		json_decref(c);
		json_decref(p);
		return NULL;
	}
	bad |= json_array_append_new(c, json_real(round(net->lon[i] * 1e7) / 1e7));
	bad |= json_array_append_new(c, json_real(round(net->lat[i] * 1e7) / 1e7));
	bad |= json_object_set_new(g, "type", json_string("Point"));
	bad |= json_object_set_new(g, "coordinates", c);
	bad |= json_object_set_new(p, "station_id", json_string(net->ids[i]));
	bad |= json_object_set_new(p, "name", json_string(net->names[i]));
	bad |= json_object_set_new(p, "ward",
				   json_string(net->ward_names[net->ward[i]]));
	bad |= json_object_set_new(p, "capacity", json_integer(net->cap[i]));
	for (k = 0; k < BS_SS_N; k++)
		bad |= json_object_set_new(p, SS[k], bs_json_num(x[k]));
	bad |= json_object_set_new(f, "type", json_string("Feature"));
	bad |= json_object_set_new(f, "geometry", g);
	bad |= json_object_set_new(f, "properties", p);
	if (bad) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static int write_geojson(FILE *fp, const struct bs_network *net,
			 const struct bs_summary *s)
{
	size_t i;

	fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", fp);
	for (i = 0; i < net->n; i++) {
		json_t *f = station_feature(net, s, i);
		int rc;
		if (!f)
			return BS_E_NOMEM;
		rc = json_dumpf(f, fp, JSON_COMPACT | JSON_REAL_PRECISION(12));
		json_decref(f);
		if (rc)
			return BS_E_IO;
		fputs(i + 1 < net->n ? ",\n" : "\n", fp);
	}
	fputs("]}\n", fp);
	return ferror(fp) ? BS_E_IO : 0;
}

int bs_output_write_table(FILE *fp, const char *table,
			  const struct bs_network *net,
			  const struct bs_summary *s,
			  struct bs_rep_result *const *reps, size_t nreps)
{
	if (!strcmp(table, "replications"))
		write_replications(fp, net, s, reps);
	else if (!strcmp(table, "stations"))
		write_stations(fp, net, s);
	else if (!strcmp(table, "timeseries"))
		write_timeseries(fp, net, reps, nreps);
	else if (!strcmp(table, "flows"))
		write_flows(fp, net, reps, nreps);
	else
		return BS_E_INPUT;
	return 0;
}

static const char *const RUN_CSV[] = {"replications.csv", "stations.csv",
				      "timeseries.csv", "flows.csv",
				      "days.csv", "trips.csv"};
static const char *const RUN_CSV_GZ[] = {
	"replications.csv.gz", "stations.csv.gz", "timeseries.csv.gz",
	"flows.csv.gz", "days.csv.gz", "trips.csv.gz"};

size_t bs_output_run_names(const struct bs_scenario *sc, const char **names)
{
	size_t n = 0, i;

	names[n++] = "summary.json";
	for (i = 0; i < 4; i++)
		names[n++] = sc->p.gzip ? RUN_CSV_GZ[i] : RUN_CSV[i];
	if (sc->p.geojson)
		names[n++] = "stations.geojson";
	if (sc->p.geojson && sc->bounds_path)
		names[n++] = "wards.geojson";
	if (sc->p.trips_log)
		names[n++] = sc->p.gzip ? RUN_CSV_GZ[5] : RUN_CSV[5];
	if (sc->p.xlsx)
		names[n++] = "results.xlsx";
	if (sc->p.days_out)
		names[n++] = sc->p.gzip ? RUN_CSV_GZ[4] : RUN_CSV[4];
	/* summary, replications, stations, timeseries, flows, stations and
	 * wards GeoJSON, trips, results.xlsx, days: 10 of BS_RUN_FILES_MAX */
	return n;
}

/* output.csv_bom: a UTF-8 byte-order mark first, for Excel (which reads a
 * CSV without one in the system's code page, CP932 in Japan). */
static void csv_bom(FILE *fp, const struct bs_scenario *sc)
{
	if (sc->p.csv_bom)
		fputs("\xEF\xBB\xBF", fp);
}

/* The run's CSVs (RUN_CSV) are written as NAME or, with output.gzip,
 * NAME.gz; the other form of each is removed at the commit, with both
 * forms of the optional ones this run does not write. */

static const char *csv_name(const struct bs_scenario *sc, const char *name,
			    char *buf, size_t sz)
{
	if (!sc->p.gzip)
		return name;
	snprintf(buf, sz, "%s.gz", name);
	return buf;
}

static int remove_other_csvs(struct bs_staged *st,
			     const struct bs_scenario *sc, int trips,
			     struct bs_error *err)
{
	char gz[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(RUN_CSV) / sizeof(RUN_CSV[0]); i++) {
		int written = (strcmp(RUN_CSV[i], "days.csv") || sc->p.days_out) &&
			      (strcmp(RUN_CSV[i], "trips.csv") || trips);
		snprintf(gz, sizeof(gz), "%s.gz", RUN_CSV[i]);
		if ((!written || sc->p.gzip) &&
		    (rc = bs_staged_remove(st, RUN_CSV[i], err)))
			return rc;
		if ((!written || !sc->p.gzip) &&
		    (rc = bs_staged_remove(st, gz, err)))
			return rc;
	}
	return 0;
}

static int code_of(const struct bs_error *err, int dflt)
{
	return err && err->code ? err->code : dflt;
}

/* Open the staged file of a CSV (compressed with output.gzip): the
 * stream to write and, in *raw, the staged file under it. */
static FILE *open_csv(struct bs_staged *st, const struct bs_scenario *sc,
		      const char *name, FILE **raw, int *nomem,
		      struct bs_error *err)
{
	FILE *fp;

	*nomem = 0;
	if (!(*raw = bs_staged_open(st, name, err)))
		return NULL;
	if (!sc->p.gzip)
		return *raw;
	if (!(fp = bs__gz_open(*raw)))
		*nomem = 1;
	return fp;
}

/* End a CSV's stream (the gzip data into the staged file): 0, or -1. */
static int end_csv(FILE *fp, FILE *raw)
{
	return fp && fp != raw ? bs__gz_close(fp) : 0;
}

/* Close a staged file whose body is written: 0, or the error (the write's,
 * or BS_E_NOMEM when the body ran out of memory: bad). */
static int close_staged(struct bs_staged *st, FILE *fp, const char *name,
			int bad, const char *dir, struct bs_error *err)
{
	int rc = bs_staged_close(st, fp, name, err);

	if (!rc && bad) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, dir, 0, 0, name,
			     "out of memory writing the file");
	}
	return rc;
}

/* Within bs_output_write_run. A write error shows at the file's close,
 * which names the file and the system's reason; a body fails on its own
 * only when out of memory (or, for the trip log, when a part cannot be
 * read back). STAGE_CSV: a CSV, the body writing to fp, compressed with
 * output.gzip into the staged file under it. */
#define STAGE(name, body)                                                  \
	do {                                                               \
		if (!(fp = bs_staged_open(&st, name, err))) {              \
			rc = code_of(err, BS_E_IO);                        \
			goto out;                                          \
		}                                                          \
		bad = 0;                                                   \
		body;                                                      \
		if ((rc = close_staged(&st, fp, name, bad, dir, err)))     \
			goto out;                                          \
	} while (0)
#define STAGE_CSV(plain, body)                                             \
	do {                                                               \
		const char *name = csv_name(sc, plain, gzname, sizeof(gzname)); \
		FILE *raw;                                                 \
		fp = open_csv(&st, sc, name, &raw, &bad, err);             \
		if (!raw) {                                                \
			rc = code_of(err, BS_E_IO);                        \
			goto out;                                          \
		}                                                          \
		if (fp) {                                                  \
			csv_bom(fp, sc);                                   \
			body;                                              \
			(void)end_csv(fp, raw);                            \
		}                                                          \
		if ((rc = close_staged(&st, raw, name, bad, dir, err)))    \
			goto out;                                          \
	} while (0)

int bs_output_write_run(const char *dir, const struct bs_scenario *sc,
			const struct bs_network *net, long input_warnings,
			const struct bs_summary *s,
			struct bs_rep_result *const *reps, size_t nreps,
			const struct bs_run_info *info, struct bs_trips *trips,
			struct bs_error *err)
{
	struct bs_staged st;
	json_t *doc = NULL;
	char gzname[64];
	FILE *fp;
	int rc, bad;

	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
	doc = bs_output_summary_json(sc, net, input_warnings, s, info);
	if (!doc) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, dir, 0, 0, NULL, "out of memory");
		goto out;
	}
	STAGE("summary.json", {
		bad = json_dumpf(doc, fp,
				 JSON_INDENT(2) | JSON_REAL_PRECISION(12)) != 0;
		fputc('\n', fp);
	});
	STAGE_CSV("replications.csv", write_replications(fp, net, s, reps));
	STAGE_CSV("stations.csv", write_stations(fp, net, s));
	STAGE_CSV("timeseries.csv",
		  write_timeseries(fp, net, reps, bs__ts_reps(sc, nreps)));
	if (sc->p.days_out)
		STAGE_CSV("days.csv", bs__write_days(fp, net, sc->p.start_weekday,
						     reps, nreps));
	STAGE_CSV("flows.csv", write_flows(fp, net, reps, nreps));
	if (sc->p.xlsx)
		STAGE("results.xlsx", {
			if ((rc = bs__xlsx_write(fp, dir, sc, net, s, reps,
						 nreps, err))) {
				fclose(fp);
				goto out;
			}
		});
	if (sc->p.geojson)
		STAGE("stations.geojson",
		      bad = write_geojson(fp, net, s) == BS_E_NOMEM);
	/* the ward boundaries beside the ports, for GIS tools and map.png */
	if (sc->p.geojson && net->boundaries)
		STAGE("wards.geojson", {
			fputs(net->boundaries, fp);
			fputc('\n', fp);
		});
	if (trips) {
		uint32_t rep = 0;
		int e = 0;
		STAGE_CSV("trips.csv",
			  e = bs__trips_join(trips, (uint32_t)nreps, fp, &rep));
		if (e) {
			/* the staged file is left out of the commit */
			char *p = bs__join(dir, "trips.csv");
			bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
				     "cannot read back the trip log of replication %u: %s; the previous results are left as they were",
				     rep, strerror(e));
			free(p);
			rc = BS_E_IO;
			goto out;
		}
	}
#undef STAGE
#undef STAGE_CSV
	/* optional files of an earlier run would describe another run */
	if ((rc = remove_other_csvs(&st, sc, trips != NULL, err)) ||
	    (!sc->p.geojson &&
	     (rc = bs_staged_remove(&st, "stations.geojson", err))) ||
	    ((!sc->p.geojson || !net->boundaries) &&
	     (rc = bs_staged_remove(&st, "wards.geojson", err))) ||
	    (!sc->p.xlsx && (rc = bs_staged_remove(&st, "results.xlsx", err))) ||
	    (rc = bs_staged_drop_plots(&st, err)))
		goto out;
	rc = bs_staged_commit(&st, err);
out:
	json_decref(doc);
	bs_staged_release(&st);
	return rc;
}
