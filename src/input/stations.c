/*
 * stations.c - stations CSV reader (see stations.h). Rows are collected in
 * growing arrays first because the station count is known only at the end;
 * their texts go to one growing pool (offsets, not pointers), so 2,000,000
 * stations cost two allocations that double, not six million small ones.
 */
#include "input/stations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "input/csvread.h"

enum { C_ID, C_NAME, C_WARD, C_LAT, C_LON, C_CAP, C_PHYS, C_TAGS, C_N };

/* physical_limit (optional): the most bikes the port holds, at least its
 * capacity; read by capacity.physical = "data" (docs/model.md). tags
 * (optional): the port's categories, "station;tourism" (read_tags). */
static const char *const COLS[C_N] = {"station_id", "name", "ward",
				      "lat",        "lon",  "capacity",
				      "physical_limit", "tags"};
static const int REQUIRED[C_N] = {1, 1, 1, 1, 1, 1, 0, 0};

struct srow {
	size_t id, name, ward; /* offsets in the pool */
	double lat, lon;
	uint32_t cap, lim;
	uint32_t tags; /* bit k: tag k of the load's tag names */
};

struct load {
	const char *file;
	long idx[C_N];
	struct srow *rows;
	size_t n, cap;
	char *pool;
	size_t used, pcap;
	char *tag[BS_MAX_TAGS]; /* tag names, in order of first appearance */
	size_t ntags;
};

/* Copy field ci of r into the pool; its offset in *off. */
static int pool_add(struct load *L, const struct bs_csv_row *r, long ci,
		    size_t *off)
{
	size_t len = r->len[ci];

	if (L->used + len + 1 > L->pcap) {
		size_t nc = L->pcap ? L->pcap : 4096;
		char *p;
		while (nc < L->used + len + 1)
			nc *= 2;
		if (!(p = realloc(L->pool, nc)))
			return BS_E_NOMEM;
		L->pool = p;
		L->pcap = nc;
	}
	memcpy(L->pool + L->used, r->f[ci], len + 1);
	*off = L->used;
	L->used += len + 1;
	return 0;
}

static int check_text(const struct bs_csv_row *r, const char *file, int col,
		      long ci, int may_be_empty, struct bs_error *err)
{
	/* ci < r->n: every row is as wide as the header (csvread) */
	if (!may_be_empty && r->len[ci] == 0) {
		bs_error_row(err, file, r->row, COLS[col],
			     "empty; expected a %s", col == C_WARD ? "ward name" : "station id");
		return BS_E_INPUT;
	}
	if (!bs_utf8_valid(r->f[ci], r->len[ci])) {
		bs_error_row(err, file, r->row, COLS[col],
			     "not valid UTF-8; expected UTF-8 text");
		return BS_E_INPUT;
	}
	return 0;
}

/* The physical_limit column of row r when the header has it (else the
 * capacity): a whole number from the capacity to BS_MAX_CAPACITY. */
static int read_limit(const struct load *L, const struct bs_csv_row *r,
		      struct srow *s, struct bs_error *err)
{
	long ci = L->idx[C_PHYS];
	double v;

	s->lim = s->cap;
	if (ci < 0)
		return 0;
	if (bs_parse_double(r->f[ci], &v) || !(v >= (double)s->cap) ||
	    v > (double)BS_MAX_CAPACITY || v != floor(v)) {
		bs_error_row(err, L->file, r->row, "physical_limit",
			     "'%s' is not a physical limit; expected a whole number of bikes from the port's capacity (%u) to %u",
			     r->f[ci], s->cap, BS_MAX_CAPACITY);
		return BS_E_INPUT;
	}
	s->lim = (uint32_t)v;
	return 0;
}

/* One tag: 1 to BS_MAX_TAG_LEN lowercase ASCII letters, digits and '_',
 * starting with a letter, so that it is a safe key in summary.json, a
 * CSV header and a file name alike. */
static int tag_ok(const char *t, size_t len)
{
	size_t i;

	if (len == 0 || len > BS_MAX_TAG_LEN || t[0] < 'a' || t[0] > 'z')
		return 0;
	for (i = 0; i < len; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			return 0;
	return 1;
}

/* The tags column of row r when the header has it: ';'-separated tags
 * (empty: none), into s->tags. O(length x BS_MAX_TAGS). */
static int read_tags(struct load *L, const struct bs_csv_row *r,
		     struct srow *s, struct bs_error *err)
{
	long ci = L->idx[C_TAGS];
	const char *p, *e;

	if (ci < 0 || r->len[ci] == 0)
		return 0;
	if (!bs_utf8_valid(r->f[ci], r->len[ci])) {
		bs_error_row(err, L->file, r->row, "tags",
			     "not valid UTF-8; expected tags separated by ';'");
		return BS_E_INPUT;
	}
	for (p = r->f[ci]; ; p = e + 1) {
		size_t len, k;
		e = strchr(p, ';');
		len = e ? (size_t)(e - p) : strlen(p);
		if (!tag_ok(p, len)) {
			bs_error_row(err, L->file, r->row, "tags",
				     "'%.*s' is not a tag; expected tags of 1 to %d lowercase letters, digits and '_' (starting with a letter), separated by ';' (e.g. station;tourism)",
				     (int)(len > 60 ? 60 : len), p, BS_MAX_TAG_LEN);
			return BS_E_INPUT;
		}
		for (k = 0; k < L->ntags; k++)
			if (strlen(L->tag[k]) == len && !strncmp(L->tag[k], p, len))
				break;
		if (k == L->ntags) {
			if (k == BS_MAX_TAGS) {
				bs_error_row(err, L->file, r->row, "tags",
					     "more than %d different tags; expected at most %d",
					     BS_MAX_TAGS, BS_MAX_TAGS);
				return BS_E_LIMIT;
			}
			if (!(L->tag[k] = malloc(len + 1)))
				return BS_E_NOMEM;
			memcpy(L->tag[k], p, len);
			L->tag[k][len] = '\0';
			L->ntags++;
		}
		s->tags |= 1u << k;
		if (!e)
			return 0;
	}
}

/* Hand the load's tags to the network: names and masks (none when no
 * port is tagged, so that a tags column of empty cells changes nothing). */
static int give_tags(struct load *L, struct bs_network *net)
{
	size_t i;

	if (L->ntags == 0)
		return 0;
	if (!(net->tag_names = calloc(L->ntags, sizeof(char *))) ||
	    !(net->tags = malloc(L->n * sizeof(uint32_t))))
		return BS_E_NOMEM;
	for (i = 0; i < L->ntags; i++) {
		net->tag_names[i] = L->tag[i];
		L->tag[i] = NULL;
	}
	net->ntags = L->ntags;
	for (i = 0; i < L->n; i++)
		net->tags[i] = L->rows[i].tags;
	return 0;
}

static int on_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct load *L = ud;
	struct srow *s;
	double v;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, C_N, COLS, REQUIRED, L->idx,
				     BS_STATIONS_HEADER, err);
	if ((rc = check_text(r, L->file, C_ID, L->idx[C_ID], 0, err)) ||
	    (rc = check_text(r, L->file, C_NAME, L->idx[C_NAME], 1, err)) ||
	    (rc = check_text(r, L->file, C_WARD, L->idx[C_WARD], 0, err)) ||
	    (rc = check_text(r, L->file, C_LAT, L->idx[C_LAT], 0, err)) ||
	    (rc = check_text(r, L->file, C_LON, L->idx[C_LON], 0, err)) ||
	    (rc = check_text(r, L->file, C_CAP, L->idx[C_CAP], 0, err)))
		return rc;
	/* the limit at the row of the first station too many, before any
	 * allocation for it; the array doubles but never past the limit */
	if (L->n == BS_MAX_STATIONS) {
		bs_error_row(err, L->file, r->row, NULL,
			     "more than %u stations; expected at most %u",
			     BS_MAX_STATIONS, BS_MAX_STATIONS);
		return BS_E_LIMIT;
	}
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 256;
		struct srow *t;
		if (nc > BS_MAX_STATIONS)
			nc = BS_MAX_STATIONS;
		t = realloc(L->rows, nc * sizeof(*t));
		if (!t)
			return BS_E_NOMEM;
		L->rows = t;
		L->cap = nc;
	}
	s = &L->rows[L->n];
	memset(s, 0, sizeof(*s));
	if (bs_parse_double(r->f[L->idx[C_LAT]], &s->lat) || s->lat < -90.0 ||
	    s->lat > 90.0) {
		bs_error_row(err, L->file, r->row, "lat",
			     "'%s' is not a latitude; expected a number of degrees from -90 to 90",
			     r->f[L->idx[C_LAT]]);
		return BS_E_INPUT;
	}
	if (bs_parse_double(r->f[L->idx[C_LON]], &s->lon) || s->lon < -180.0 ||
	    s->lon > 180.0) {
		bs_error_row(err, L->file, r->row, "lon",
			     "'%s' is not a longitude; expected a number of degrees from -180 to 180",
			     r->f[L->idx[C_LON]]);
		return BS_E_INPUT;
	}
	/* range first: converting an out-of-range double to an integer is
	 * undefined, so the whole-number test must only see small values */
	if (bs_parse_double(r->f[L->idx[C_CAP]], &v) || !(v >= 1.0) ||
	    v > (double)BS_MAX_CAPACITY || v != floor(v)) {
		bs_error_row(err, L->file, r->row, "capacity",
			     "'%s' is not a capacity; expected a whole number of docks from 1 to %u",
			     r->f[L->idx[C_CAP]], BS_MAX_CAPACITY);
		return BS_E_INPUT;
	}
	s->cap = (uint32_t)v;
	if ((rc = read_limit(L, r, s, err)) || (rc = read_tags(L, r, s, err)))
		return rc;
	if (pool_add(L, r, L->idx[C_ID], &s->id) ||
	    pool_add(L, r, L->idx[C_NAME], &s->name) ||
	    pool_add(L, r, L->idx[C_WARD], &s->ward))
		return BS_E_NOMEM;
	L->n++;
	return 0;
}

struct bs_network *bs_stations_load(const char *path, double radius_m,
				    struct bs_error *err)
{
	return bs_stations_load_noted(path, radius_m, NULL, err);
}

struct bs_network *bs_stations_load_noted(const char *path, double radius_m,
					  struct bs_warnings *notes,
					  struct bs_error *err)
{
	struct load L;
	struct bs_network *net = NULL;
	size_t i;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = path;
	rc = bs_csv_read_noted(path, "a stations CSV file", notes, on_row, &L,
			       err);
	if (rc == 0 && L.n == 0) {
		bs_error_row(err, path, 2, NULL,
			     "no stations; expected a header then one row per station (%s)",
			     BS_STATIONS_HEADER);
		rc = BS_E_INPUT;
	}
	if (rc == 0) {
		net = bs_network_alloc(L.n);
		if (!net)
			rc = BS_E_NOMEM;
	}
	for (i = 0; rc == 0 && i < L.n; i++) {
		int w = bs_network_add_ward(net, L.pool + L.rows[i].ward);
		if (w == BS_WARDS_NOMEM) {
			rc = BS_E_NOMEM; /* said below */
			break;
		}
		if (w < 0) {
			bs_error_row(err, path, (long)i + 2, "ward",
				     "more than %d wards; expected at most %d",
				     BS_MAX_WARDS, BS_MAX_WARDS);
			rc = BS_E_LIMIT;
			break;
		}
		rc = bs_network_set_station(net, i, L.pool + L.rows[i].id,
					    L.pool + L.rows[i].name, w, L.rows[i].lat,
					    L.rows[i].lon, L.rows[i].cap);
	}
	if (rc == 0 && L.idx[C_PHYS] >= 0) {
		if (!(net->lim_data = malloc(L.n * sizeof(uint32_t))))
			rc = BS_E_NOMEM;
		for (i = 0; rc == 0 && i < L.n; i++)
			net->lim_data[i] = L.rows[i].lim;
	}
	if (rc == 0)
		rc = give_tags(&L, net);
	if (rc == 0)
		rc = bs_network_finish(net, radius_m, path, 2, err);
	if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
			     "out of memory reading stations");
	free(L.rows);
	free(L.pool);
	for (i = 0; i < L.ntags; i++)
		free(L.tag[i]);
	if (rc) {
		bs_network_free(net);
		return NULL;
	}
	return net;
}

void bs_stations_put_place(FILE *fp, const char *id, const char *name,
			   const char *ward, double lat, double lon)
{
	char a[40], b[40];

	bs_fmt_shortest(lat, a, sizeof(a));
	bs_fmt_shortest(lon, b, sizeof(b));
	bs_csv_put(fp, id);
	fputc(',', fp);
	bs_csv_put(fp, name);
	fputc(',', fp);
	bs_csv_put(fp, ward);
	fprintf(fp, ",%s,%s", a, b);
}
