/*
 * output.c - result files, written all-or-nothing (see output.h).
 */
#include "bssim/output.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- files --------------------------------------------------------------- */

int bs_mkdir_p(const char *dir, struct bs_error *err)
{
	char buf[4096];
	size_t i, l = bs_strlcpy(buf, dir, sizeof(buf));

	if (l >= sizeof(buf)) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "path too long for an output folder");
		return BS_E_IO;
	}
	for (i = 1; i <= l; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0777) && errno != EEXIST) {
				bs_error_set(err, BS_E_IO, buf, 0, 0, NULL,
					     "cannot create the output folder: %s",
					     strerror(errno));
				return BS_E_IO;
			}
			buf[i] = c;
		}
	}
	{
		struct stat sb;
		if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
			bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
				     "not a folder; expected an output folder");
			return BS_E_IO;
		}
	}
	return 0;
}

int bs_outdir_check(const char *dir, int force, struct bs_error *err)
{
	char first[256] = "";
	long other = 0;
	int marked = 0;
	DIR *d;
	struct dirent *e;

	if (!(d = opendir(dir))) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* a new folder (creating it will tell) */
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot read the output folder: %s", strerror(errno));
		return BS_E_IO;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, BS_OUTDIR_MARK)) {
			marked = 1;
			continue;
		}
		/* name the first in byte order: messages must not depend on
		 * the order the file system lists a folder in */
		if (!other++ || strcmp(e->d_name, first) < 0)
			bs_strlcpy(first, e->d_name, sizeof(first));
	}
	closedir(d);
	if (other && !marked && !force) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "holds %ld file%s bssim did not write (e.g. '%s'); expected a new or empty folder, or one bssim wrote before: choose another -o, or pass --force to write there anyway",
			     other, other == 1 ? "" : "s", first);
		return BS_E_INPUT;
	}
	return 0;
}

int bs_outdir_mark(const char *dir, struct bs_error *err)
{
	char mark[4200];
	FILE *fp;
	int bad;

	snprintf(mark, sizeof(mark), "%s/%s", dir, BS_OUTDIR_MARK);
	if (access(mark, F_OK) == 0)
		return 0;
	fp = fopen(mark, "w");
	bad = !fp ||
	      fputs("This folder holds bssim's results; running bssim into it again replaces them.\n",
		    fp) == EOF;
	if (fp && fclose(fp))
		bad = 1;
	if (bad) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot write in the output folder: %s",
			     strerror(errno));
		return BS_E_IO;
	}
	return 0;
}

int bs_outdir_claim(const char *dir, int force, struct bs_error *err)
{
	int rc;

	if ((rc = bs_outdir_check(dir, force, err)) ||
	    (rc = bs_mkdir_p(dir, err)))
		return rc;
	if (access(dir, W_OK)) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "the output folder is not writable");
		return BS_E_IO;
	}
	return bs_outdir_mark(dir, err);
}

static char *join(const char *dir, const char *name)
{
	return bs_path_join(dir, strlen(dir), name);
}

int bs_staged_init(struct bs_staged *st, const char *dir,
		   struct bs_error *err)
{
	memset(st, 0, sizeof(*st));
	st->dir = bs_strdup(dir);
	if (!st->dir) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	return bs_mkdir_p(dir, err);
}

FILE *bs_staged_open(struct bs_staged *st, const char *name,
		     struct bs_error *err)
{
	char tname[512];
	char **t, **f;
	FILE *fp;

	snprintf(tname, sizeof(tname), ".%s.tmp.%ld", name, (long)getpid());
	t = realloc(st->tmp, (st->n + 1) * sizeof(char *));
	if (t)
		st->tmp = t;
	f = t ? realloc(st->final, (st->n + 1) * sizeof(char *)) : NULL;
	if (f)
		st->final = f;
	if (!t || !f) {
		bs_error_set(err, BS_E_NOMEM, name, 0, 0, NULL, "out of memory");
		return NULL;
	}
	st->tmp[st->n] = join(st->dir, tname);
	st->final[st->n] = join(st->dir, name);
	if (!st->tmp[st->n] || !st->final[st->n]) {
		free(st->tmp[st->n]);
		free(st->final[st->n]);
		bs_error_set(err, BS_E_NOMEM, name, 0, 0, NULL, "out of memory");
		return NULL;
	}
	fp = fopen(st->tmp[st->n], "wb");
	if (!fp) {
		bs_error_set(err, BS_E_IO, st->final[st->n], 0, 0, NULL,
			     "cannot write: %s", strerror(errno));
		free(st->tmp[st->n]);
		free(st->final[st->n]);
		return NULL;
	}
	st->n++;
	return fp;
}

int bs_staged_close(struct bs_staged *st, FILE *fp, const char *name,
		    struct bs_error *err)
{
	int bad = 0, e = 0;

	if (fflush(fp) || ferror(fp)) {
		bad = 1;
		e = errno;
	}
	if (!bad && fsync(fileno(fp)) && errno != EINVAL && errno != EROFS) {
		bad = 1;
		e = errno;
	}
	if (fclose(fp) && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		char *path = join(st->dir, name);
		bs_error_set(err, BS_E_IO, path ? path : name, 0, 0, NULL,
			     "cannot write: %s; the previous results are left as they were",
			     e ? strerror(e) : "write error");
		free(path);
		return BS_E_IO;
	}
	return 0;
}

int bs_staged_commit(struct bs_staged *st, struct bs_error *err)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (!st->tmp[i])
			continue;
		if (rename(st->tmp[i], st->final[i])) {
			bs_error_set(err, BS_E_IO, st->final[i], 0, 0, NULL,
				     "cannot rename the finished file into place: %s",
				     strerror(errno));
			return BS_E_IO;
		}
		free(st->tmp[i]);
		st->tmp[i] = NULL;
	}
	return 0;
}

void bs_staged_release(struct bs_staged *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->tmp[i]) {
			unlink(st->tmp[i]);
			free(st->tmp[i]);
		}
		free(st->final[i]);
	}
	free(st->tmp);
	free(st->final);
	free(st->dir);
	memset(st, 0, sizeof(*st));
}

void bs_csv_put(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

void bs_csv_num(FILE *fp, double v)
{
	if (isnan(v))
		fputs("NaN", fp);
	else if (v == 0.0)
		fputc('0', fp); /* never "-0" */
	else
		fprintf(fp, "%.12g", v);
}

json_t *bs_json_num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == 0.0)
		v = 0.0;
	return json_real(v);
}

/* ---- trip logs ----------------------------------------------------------- */

#define TRIPS_HEADER                                                           \
	"replication,request_min,origin_id,destination_id,outcome,"           \
	"rental_id,return_id,rental_min,return_min,ride_min,diversions,"      \
	"truncated,bike,owner_ward,fare_yen\n"

struct bs_trips {
	char *dir;
	const struct bs_network *net;
	uint32_t nreps;
	FILE **fp;    /* [nreps] open while the replication runs */
	char **path;  /* [nreps] */
	int *bad;     /* [nreps] a write failed */
};

static const char *const OUTCOMES[] = {"completed", "lost_no_bike",
				       "lost_forbidden", "unfinished"};

struct bs_trips *bs_trips_new(const char *dir, const struct bs_network *net,
			      uint32_t nreps, struct bs_error *err)
{
	struct bs_trips *t = calloc(1, sizeof(*t));
	uint32_t r;

	if (!t)
		goto nomem;
	t->dir = bs_strdup(dir);
	t->net = net;
	t->nreps = nreps;
	t->fp = calloc(nreps, sizeof(FILE *));
	t->path = calloc(nreps, sizeof(char *));
	t->bad = calloc(nreps, sizeof(int));
	if (!t->dir || !t->fp || !t->path || !t->bad)
		goto nomem;
	for (r = 0; r < nreps; r++) {
		char name[128];
		snprintf(name, sizeof(name), ".trips.%u.tmp.%ld", r + 1,
			 (long)getpid());
		if (!(t->path[r] = join(dir, name)))
			goto nomem;
	}
	if (bs_mkdir_p(dir, err)) {
		bs_trips_free(t);
		return NULL;
	}
	return t;
nomem:
	bs_trips_free(t);
	bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
	return NULL;
}

static void put_station(FILE *fp, const struct bs_network *net, uint32_t s)
{
	if (s != BS_NO_STATION)
		bs_csv_put(fp, net->ids[s]);
}

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct bs_trips *t = ud;
	FILE *fp = t->fp[tr->rep - 1];
	int done = tr->outcome == BS_TRIP_COMPLETED;

	fprintf(fp, "%u,", tr->rep);
	bs_csv_num(fp, tr->req_t);
	fputc(',', fp);
	put_station(fp, t->net, tr->origin);
	fputc(',', fp);
	put_station(fp, t->net, tr->dest);
	fprintf(fp, ",%s,", OUTCOMES[tr->outcome]);
	put_station(fp, t->net, tr->rent_station);
	fputc(',', fp);
	put_station(fp, t->net, tr->return_station);
	fputc(',', fp);
	if (tr->rent_station != BS_NO_STATION)
		bs_csv_num(fp, tr->rent_t);
	fputc(',', fp);
	if (done) {
		bs_csv_num(fp, tr->return_t);
		fputc(',', fp);
		bs_csv_num(fp, tr->return_t - tr->rent_t);
	} else {
		fputc(',', fp);
	}
	if (tr->rent_station != BS_NO_STATION) {
		fprintf(fp, ",%u,%d,%u,", tr->diversions, tr->truncated,
			tr->bike + 1);
		bs_csv_put(fp, t->net->ward_names[tr->owner]);
		fputc(',', fp);
		bs_csv_num(fp, tr->fare_yen);
		fputc('\n', fp);
	} else {
		fputs(",,,,,\n", fp);
	}
	if (ferror(fp)) {
		t->bad[tr->rep - 1] = 1;
		return BS_E_IO;
	}
	return 0;
}

int bs_trips_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks)
{
	struct bs_trips *t = ud;

	t->fp[rep - 1] = fopen(t->path[rep - 1], "wb");
	if (!t->fp[rep - 1])
		return BS_E_IO;
	hooks->on_trip = on_trip;
	hooks->trip_ud = t;
	return 0;
}

int bs_trips_end(void *ud, uint32_t rep, int rc)
{
	struct bs_trips *t = ud;
	FILE *fp = t->fp[rep - 1];

	t->fp[rep - 1] = NULL;
	if (!fp)
		return BS_E_IO;
	if (fflush(fp) || ferror(fp))
		t->bad[rep - 1] = 1;
	if (fclose(fp))
		t->bad[rep - 1] = 1;
	if (rc == 0 && t->bad[rep - 1])
		return BS_E_IO;
	return 0;
}

/* Join the per-replication files into fp. */
static int trips_join(struct bs_trips *t, uint32_t nreps, FILE *out)
{
	char buf[65536];
	uint32_t r;

	fputs(TRIPS_HEADER, out);
	for (r = 0; r < nreps; r++) {
		FILE *in = fopen(t->path[r], "rb");
		size_t got;
		if (!in)
			return BS_E_IO;
		while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, got, out) != got) {
				fclose(in);
				return BS_E_IO;
			}
		if (ferror(in)) {
			fclose(in);
			return BS_E_IO;
		}
		fclose(in);
	}
	return ferror(out) ? BS_E_IO : 0;
}

void bs_trips_free(struct bs_trips *t)
{
	uint32_t r;

	if (!t)
		return;
	for (r = 0; r < t->nreps; r++) {
		if (t->fp && t->fp[r])
			fclose(t->fp[r]);
		if (t->path && t->path[r]) {
			unlink(t->path[r]);
			free(t->path[r]);
		}
	}
	free(t->fp);
	free(t->path);
	free(t->bad);
	free(t->dir);
	free(t);
}

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

json_t *bs_output_summary_json(const struct bs_scenario *sc,
			       const struct bs_world *w,
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
		json_object_set_new(wards, w->net->ward_names[k], wo);
	}
	json_object_set_new(doc, "wards", wards);
	json_object_set_new(doc, "flows", matrix_json(w->net, s->flows));
	json_object_set_new(doc, "settlement_yen",
			    matrix_json(w->net, s->settle));
	json_object_set_new(doc, "version", json_string(BS_VERSION));
	json_object_set_new(doc, "seed", json_integer((json_int_t)sc->p.seed));
	/* rows of the inputs skipped safely (e.g. trip-log rows without a
	 * station): deterministic, so outside "run" */
	json_object_set_new(doc, "input_warnings",
			    json_integer((json_int_t)w->warn.count));
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
	json_object_set_new(doc, "run", run);
	return doc;
}

/* ---- the run's files ----------------------------------------------------- */

static void write_replications(FILE *fp, const struct bs_network *net,
			       const struct bs_summary *s,
			       struct bs_rep_result *const *reps)
{
	size_t r, w, W = net->nwards;
	int m;

	fputs("replication,ward,metric,value\n", fp);
	for (r = 0; r < s->nreps; r++)
		for (w = 0; w <= W; w++)
			for (m = 0; m < BS_METRIC_N; m++) {
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fprintf(fp, ",%s,", bs_metric_names[m]);
				bs_csv_num(fp, s->vals[(r * (W + 1) + w) *
							       BS_METRIC_N +
						       (size_t)m]);
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

static void write_timeseries(FILE *fp, const struct bs_network *net,
			     struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, k, w, W = net->nwards;

	fputs("replication,t_min,ward,bikes_docked,empty_stations,full_stations\n",
	      fp);
	for (r = 0; r < nreps; r++)
		for (k = 0; k < reps[r]->nsamples; k++)
			for (w = 0; w <= W; w++) {
				const uint32_t *row =
					reps[r]->ts + (k * (W + 1) + w) * BS_TS_N;
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_num(fp, reps[r]->ts_t[k]);
				fputc(',', fp);
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fprintf(fp, ",%u,%u,%u\n", row[BS_TS_DOCKED],
					row[BS_TS_EMPTY], row[BS_TS_FULL]);
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

int bs_output_write_run(const char *dir, const struct bs_scenario *sc,
			const struct bs_world *w, const struct bs_summary *s,
			struct bs_rep_result *const *reps, size_t nreps,
			const struct bs_run_info *info, struct bs_trips *trips,
			struct bs_error *err)
{
	struct bs_staged st;
	json_t *doc = NULL;
	FILE *fp;
	int rc;

	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
#define STAGE(name, body)                                                  \
	do {                                                               \
		if (!(fp = bs_staged_open(&st, name, err))) {              \
			rc = BS_E_IO;                                      \
			goto out;                                          \
		}                                                          \
		body;                                                      \
		if ((rc = bs_staged_close(&st, fp, name, err)))            \
			goto out;                                          \
	} while (0)
	doc = bs_output_summary_json(sc, w, s, info);
	if (!doc) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, dir, 0, 0, NULL, "out of memory");
		goto out;
	}
	STAGE("summary.json", {
		if (json_dumpf(doc, fp,
			       JSON_INDENT(2) | JSON_REAL_PRECISION(12)) ||
		    fputc('\n', fp) == EOF) {
			fclose(fp);
			bs_error_set(err, BS_E_IO, dir, 0, 0, "summary.json",
				     "cannot write the summary: %s",
				     strerror(errno));
			rc = BS_E_IO;
			goto out;
		}
	});
	STAGE("replications.csv", write_replications(fp, w->net, s, reps));
	STAGE("stations.csv", write_stations(fp, w->net, s));
	STAGE("timeseries.csv", write_timeseries(fp, w->net, reps, nreps));
	STAGE("flows.csv", write_flows(fp, w->net, reps, nreps));
	if (sc->p.geojson) {
		STAGE("stations.geojson", {
			if ((rc = write_geojson(fp, w->net, s))) {
				fclose(fp);
				bs_error_set(err, rc, dir, 0, 0, "stations.geojson",
					     "cannot write the port map: %s",
					     rc == BS_E_NOMEM ? "out of memory"
							      : strerror(errno));
				goto out;
			}
		});
	}
	if (trips) {
		STAGE("trips.csv", {
			if (trips_join(trips, (uint32_t)nreps, fp)) {
				fclose(fp);
				bs_error_set(err, BS_E_IO, dir, 0, 0, "trips.csv",
					     "cannot join the per-replication trip logs");
				rc = BS_E_IO;
				goto out;
			}
		});
	}
#undef STAGE
	rc = bs_staged_commit(&st, err);
	if (rc == 0) {
		/* Optional files of an earlier run into this folder would now
		 * describe another run: remove what this run did not write. */
		static const char *const optional[] = {"trips.csv",
						       "stations.geojson"};
		const int wrote[] = {trips != NULL, sc->p.geojson};
		for (size_t k = 0; k < 2; k++) {
			char *p;
			if (wrote[k] || !(p = join(dir, optional[k])))
				continue;
			unlink(p);
			free(p);
		}
	}
out:
	json_decref(doc);
	bs_staged_release(&st);
	return rc;
}
