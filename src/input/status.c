/*
 * status.c - GBFS station_status time series reader (see status.h).
 *
 * Rows are gathered in flat growing arrays with a station index from a small
 * open-addressing hash of ids (the series has ~500 ids and ~700,000 rows),
 * then bucketed by station and sorted by minute: O(rows log rows) time,
 * 16 bytes a row.
 */
#include "input/status.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/idindex.h"
#include "input/csvread.h"
#include "base/limits.h"

/* One station_status JSON file: the docomo feed's is 172 KB for 1,700
 * ports, so 512 MiB (as for GBFS files) is room for any real system. */
/* last_updated: at most 9999-12-31T23:59:59Z */

struct obs {
	int32_t minute, bikes, docks;
	uint32_t sid; /* index in the unsorted id list */
	long row;
};

struct gather {
	const char *file;
	long idx[4];
	struct obs *o;
	size_t n, cap;
	char **ids;     /* unsorted, in order of first appearance */
	long *first_row;
	size_t nids, idcap;
	struct bs_idindex ix; /* of ids */
};

/* Index of id, adding it when new; -1 when out of memory. Expected O(1)
 * (base/idindex.h). */
static long intern(struct gather *g, const char *id, long row)
{
	size_t k;
	long i;

	if (bs_idindex_reserve(&g->ix, g->ids, g->nids, g->nids + 1))
		return -1;
	if ((i = bs_idindex_find(&g->ix, g->ids, id, &k)) >= 0)
		return i;
	if (g->nids == g->idcap) {
		size_t nc = g->idcap ? g->idcap * 2 : 256;
		char **t = realloc(g->ids, nc * sizeof(char *));
		long *r;
		if (!t)
			return -1;
		g->ids = t;
		r = realloc(g->first_row, nc * sizeof(long));
		if (!r)
			return -1;
		g->first_row = r;
		g->idcap = nc;
	}
	if (!(g->ids[g->nids] = bs_strdup(id)))
		return -1;
	g->first_row[g->nids] = row;
	bs_idindex_set(&g->ix, k, g->nids);
	return (long)g->nids++;
}

static int add_obs(struct gather *g, const char *id, long row, int32_t minute,
		   int32_t bikes, int32_t docks)
{
	long sid = intern(g, id, row);

	if (sid < 0)
		return BS_E_NOMEM;
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 65536;
		struct obs *t = realloc(g->o, nc * sizeof(*t));
		if (!t)
			return BS_E_NOMEM;
		g->o = t;
		g->cap = nc;
	}
	g->o[g->n].minute = minute;
	g->o[g->n].bikes = bikes;
	g->o[g->n].docks = docks;
	g->o[g->n].sid = (uint32_t)sid;
	g->o[g->n].row = row;
	g->n++;
	return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

static const char *const COLS[4] = {"station_id", "minute", "bikes", "docks"};
static const int REQ[4] = {1, 1, 1, 1};

static int count_field(const struct bs_csv_row *r, const char *file, long ci,
		       const char *col, int64_t max, int32_t *out,
		       struct bs_error *err)
{
	uint64_t v;

	/* ci < r->n: every row is as wide as the header (csvread) */
	if (bs_parse_u64(r->f[ci], &v) || v > (uint64_t)max) {
		bs_error_row(err, file, r->row, col,
			     "'%s' is not a count; expected a whole number from 0 to %lld",
			     r->f[ci], (long long)max);
		return BS_E_INPUT;
	}
	*out = (int32_t)v;
	return 0;
}

static int on_csv_row(void *ud, const struct bs_csv_row *r,
		      struct bs_error *err)
{
	struct gather *g = ud;
	int32_t m, b, d;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, g->file, 4, COLS, REQ, g->idx,
				     BS_STATUS_HEADER, err);
	if (g->idx[0] >= (long)r->n || r->len[g->idx[0]] == 0 ||
	    !bs_utf8_valid(r->f[g->idx[0]], r->len[g->idx[0]])) {
		bs_error_row(err, g->file, r->row, "station_id",
			     "missing or not UTF-8 text; expected a station id");
		return BS_E_INPUT;
	}
	if ((rc = count_field(r, g->file, g->idx[1], "minute", 527040, &m, err)) ||
	    (rc = count_field(r, g->file, g->idx[2], "bikes", 100000, &b, err)) ||
	    (rc = count_field(r, g->file, g->idx[3], "docks", 100000, &d, err)))
		return rc;
	return add_obs(g, r->f[g->idx[0]], r->row, m, b, d);
}

/* ---- a folder of station_status JSON files -------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int json_count(const char *file, json_t *st, size_t i, const char *k,
		      int32_t *out, struct bs_error *err)
{
	json_t *v = json_object_get(st, k);
	char key[128];

	snprintf(key, sizeof(key), "data.stations[%zu].%s", i, k);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100000) {
		bs_error_set(err, BS_E_INPUT, file, 0, 0, key,
			     "%s; expected a whole number from 0 to 100000",
			     v ? "not a count" : "missing");
		return BS_E_INPUT;
	}
	*out = (int32_t)json_integer_value(v);
	return 0;
}

static int read_json_file(struct gather *g, const char *path, long fileno_,
			  long utc_offset_min, long long *day0,
			  struct bs_error *err)
{
	json_error_t je;
	json_t *doc, *sts, *st, *lu;
	long long local;
	int32_t minute;
	char *text;
	size_t i, len;
	int rc;

	/* a FIFO in the folder is refused, not waited on (bs_read_file) */
	if ((rc = bs_read_file(path, BS_MAX_JSON_FILE, "a GBFS station_status file",
			       &text, &len, err)))
		return rc;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!doc) {
		bs_error_set(err, BS_E_INPUT, path, je.line, je.column, NULL,
			     "invalid JSON: %s; expected a GBFS station_status file",
			     je.text);
		return BS_E_INPUT;
	}
	lu = json_object_get(doc, "last_updated");
	sts = json_object_get(json_object_get(doc, "data"), "stations");
	/* bounded so that adding the UTC offset cannot overflow */
	if (!json_is_integer(lu) || json_integer_value(lu) < 0 ||
	    json_integer_value(lu) > BS_MAX_POSIX_TIME) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "last_updated",
			     "missing or not a whole number from 0 to %lld; expected the POSIX time of the file",
			     (long long)BS_MAX_POSIX_TIME);
		rc = BS_E_INPUT;
		goto out;
	}
	if (!json_is_array(sts)) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "data.stations",
			     "missing or not an array; expected a GBFS station_status file");
		rc = BS_E_INPUT;
		goto out;
	}
	local = (long long)json_integer_value(lu) + 60LL * utc_offset_min;
	if (*day0 < 0)
		*day0 = local / 86400 * 86400;
	if (local < *day0 || (local - *day0) / 60 > 527040) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "last_updated",
			     "%lld is before the first file or more than a year after it; expected files of one series",
			     (long long)json_integer_value(lu));
		rc = BS_E_INPUT;
		goto out;
	}
	minute = (int32_t)((local - *day0) / 60);
	json_array_foreach(sts, i, st) {
		json_t *id = json_object_get(st, "station_id");
		char idbuf[64], key[64];
		const char *ids;
		int32_t b, d;
		if (json_is_string(id)) {
			ids = json_string_value(id);
		} else if (json_is_integer(id)) {
			snprintf(idbuf, sizeof(idbuf), "%lld",
				 (long long)json_integer_value(id));
			ids = idbuf;
		} else {
			snprintf(key, sizeof(key), "data.stations[%zu].station_id", i);
			bs_error_set(err, BS_E_INPUT, path, 0, 0, key,
				     "missing or not a string; expected the station's id");
			rc = BS_E_INPUT;
			goto out;
		}
		if ((rc = json_count(path, st, i, "num_bikes_available", &b, err)) ||
		    (rc = json_count(path, st, i, "num_docks_available", &d, err)))
			goto out;
		if ((rc = add_obs(g, ids, fileno_, minute, b, d)))
			goto out;
	}
out:
	json_decref(doc);
	return rc;
}

static int read_folder(struct gather *g, const char *dir, long utc_offset_min,
		       struct bs_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	long long day0 = -1;
	int rc = 0;

	if (!d) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL, "cannot open: %s",
			     strerror(errno));
		return BS_E_INPUT;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 ||
		    strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		if (n == cap) {
			char **t;
			cap = cap ? cap * 2 : 256;
			t = realloc(names, cap * sizeof(char *));
			if (!t) {
				rc = BS_E_NOMEM;
				break;
			}
			names = t;
		}
		if (!(names[n] = bs_strdup(e->d_name))) {
			rc = BS_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc && n == 0) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "no .json files; expected a folder of GBFS station_status files");
		rc = BS_E_INPUT;
	}
	/* Name order is time order for the usual timestamped names; the
	 * minute comes from last_updated either way. */
	if (!rc)
		qsort(names, n, sizeof(char *), cmp_str);
	for (i = 0; !rc && i < n; i++) {
		char *p = malloc(strlen(dir) + strlen(names[i]) + 2);
		if (!p) {
			rc = BS_E_NOMEM;
			break;
		}
		snprintf(p, strlen(dir) + strlen(names[i]) + 2, "%s/%s", dir, names[i]);
		rc = read_json_file(g, p, (long)i + 1, utc_offset_min, &day0, err);
		free(p);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- assembling ----------------------------------------------------------- */

static int cmp_obs(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

struct idref {
	const char *id;
	uint32_t i;
};

static int cmp_idref(const void *a, const void *b)
{
	return strcmp(((const struct idref *)a)->id,
		      ((const struct idref *)b)->id);
}

static int assemble(struct gather *g, struct bs_status *s)
{
	struct idref *perm = malloc((g->nids ? g->nids : 1) * sizeof(*perm));
	uint32_t *rank = malloc((g->nids ? g->nids : 1) * sizeof(uint32_t));
	struct obs *sorted = malloc((g->n ? g->n : 1) * sizeof(*sorted));
	size_t i, *fill = NULL;
	int rc = BS_E_NOMEM;

	s->nst = g->nids;
	s->ids = calloc(g->nids ? g->nids : 1, sizeof(char *));
	s->first_row = malloc((g->nids ? g->nids : 1) * sizeof(long));
	s->off = calloc(g->nids + 1, sizeof(size_t));
	fill = calloc(g->nids + 1, sizeof(size_t));
	s->minute = malloc((g->n ? g->n : 1) * sizeof(int32_t));
	s->bikes = malloc((g->n ? g->n : 1) * sizeof(int32_t));
	s->docks = malloc((g->n ? g->n : 1) * sizeof(int32_t));
	if (!perm || !rank || !sorted || !s->ids || !s->first_row || !s->off ||
	    !fill || !s->minute || !s->bikes || !s->docks)
		goto out;
	for (i = 0; i < g->nids; i++) {
		perm[i].id = g->ids[i];
		perm[i].i = (uint32_t)i;
	}
	qsort(perm, g->nids, sizeof(*perm), cmp_idref);
	for (i = 0; i < g->nids; i++) {
		rank[perm[i].i] = (uint32_t)i;
		s->ids[i] = g->ids[perm[i].i];
		s->first_row[i] = g->first_row[perm[i].i];
		g->ids[perm[i].i] = NULL; /* moved */
	}
	for (i = 0; i < g->n; i++)
		s->off[rank[g->o[i].sid] + 1]++;
	for (i = 0; i < g->nids; i++)
		s->off[i + 1] += s->off[i];
	memcpy(fill, s->off, (g->nids + 1) * sizeof(size_t));
	for (i = 0; i < g->n; i++)
		sorted[fill[rank[g->o[i].sid]]++] = g->o[i];
	s->nobs = 0;
	for (i = 0; i < g->nids; i++) {
		size_t a = s->off[i], b = s->off[i + 1], k, start = s->nobs;
		qsort(sorted + a, b - a, sizeof(*sorted), cmp_obs);
		for (k = a; k < b; k++) {
			size_t j = s->nobs;
			if (j > start && s->minute[j - 1] == sorted[k].minute) {
				bs_warn(&s->warn,
					"station %s: two observations in minute %d (rows %ld and earlier); kept the later",
					s->ids[i], (int)sorted[k].minute,
					sorted[k].row);
				j--; /* overwrite: the later row wins */
			} else {
				s->nobs++;
			}
			s->minute[j] = sorted[k].minute;
			s->bikes[j] = sorted[k].bikes;
			s->docks[j] = sorted[k].docks;
		}
		s->off[i] = start;
	}
	s->off[g->nids] = s->nobs;
	rc = 0;
out:
	free(perm);
	free(rank);
	free(sorted);
	free(fill);
	return rc;
}

struct bs_status *bs_status_load(const char *path, long utc_offset_min,
				 struct bs_error *err)
{
	struct gather g;
	struct bs_status *s = calloc(1, sizeof(*s));
	DIR *d;
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	g.file = path;
	if (!s) {
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		return NULL;
	}
	d = opendir(path);
	if (d) {
		closedir(d);
		s->folder = 1;
		rc = read_folder(&g, path, utc_offset_min, err);
	} else {
		rc = bs_csv_read_input(path, "a status series CSV file or a folder of station_status JSON files",
				       on_csv_row, &g, err);
	}
	if (!rc && g.n == 0) {
		bs_error_row(err, path, 2, NULL,
			     "no observations; expected a header then rows of %s",
			     BS_STATUS_HEADER);
		rc = BS_E_INPUT;
	}
	if (!rc)
		rc = assemble(&g, s);
	if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
			     "out of memory reading the status series");
	for (i = 0; i < g.nids; i++)
		free(g.ids[i]);
	free(g.ids);
	free(g.first_row);
	bs_idindex_free(&g.ix);
	free(g.o);
	if (rc) {
		bs_status_free(s);
		return NULL;
	}
	return s;
}

long bs_status_find(const struct bs_status *s, const char *id)
{
	size_t lo = 0, hi = s->nst;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->ids[mid], id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void bs_status_free(struct bs_status *s)
{
	size_t i;

	if (!s)
		return;
	if (s->ids)
		for (i = 0; i < s->nst; i++)
			free(s->ids[i]);
	free(s->ids);
	free(s->first_row);
	free(s->off);
	free(s->minute);
	free(s->bikes);
	free(s->docks);
	free(s);
}
