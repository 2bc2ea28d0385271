/*
 * gbfs.c - GBFS station_information / system_regions / station_status
 * import (see gbfs.h).
 */
#include "input/gbfs.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "input/jsonpos.h"
#include "base/limits.h"
#include "input/stations.h"

/* A loaded JSON file with its text, to locate errors by key. */
struct jfile {
	const char *path;
	char *text;
	size_t len;
	json_t *doc;
};

static int jfile_load(struct jfile *f, const char *path, struct bs_error *err)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if ((rc = bs_read_file(path, BS_MAX_JSON_FILE, "a GBFS JSON file",
			       &f->text, &f->len, err)))
		return rc;
	return bs_json_parse(path, f->text, f->len, "feed", &f->doc, err);
}

static void jfile_release(struct jfile *f)
{
	json_decref(f->doc);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static int jerr(const struct jfile *f, struct bs_error *err, const char *key,
		const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int jerr(const struct jfile *f, struct bs_error *err, const char *key,
		const char *fmt, ...)
{
	char msg[900];
	long line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bs_json_locate(f->text, f->len, key, &line, &col);
	bs_error_set(err, BS_E_INPUT, f->path, line, col, key, "%s", msg);
	return BS_E_INPUT;
}

/* The stations (or regions) array of a GBFS file: data.<what>. GBFS 1.x
 * and 2.x both put it there. Borrowed. */
static json_t *data_array(const struct jfile *f, const char *what,
			  struct bs_error *err)
{
	json_t *data = json_object_get(f->doc, "data"), *a;
	char key[64];

	snprintf(key, sizeof(key), "data.%s", what);
	if (!json_is_object(f->doc))
		return jerr(f, err, "", "the file is not a JSON object; expected a GBFS file {\"data\": {\"%s\": [...]}}",
			    what), NULL;
	if (!json_is_object(data))
		return jerr(f, err, "data", "missing or not an object; expected a GBFS file {\"data\": {\"%s\": [...]}}",
			    what), NULL;
	a = json_object_get(data, what);
	if (!json_is_array(a))
		return jerr(f, err, a ? key : "data",
			    "%s; expected \"%s\": [...] as in GBFS 1.x and 2.x",
			    a ? "not an array" : (what[0] == 's' ? "missing key 'stations'" : "missing key 'regions'"),
			    what), NULL;
	return a;
}

/* An id that may be a string or (in some 1.x feeds) an integer. Writes
 * into buf; NULL when neither. */
static const char *id_text(json_t *v, char *buf, size_t sz)
{
	if (json_is_string(v) && json_string_length(v) > 0)
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, sz, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

/* A name: a string (1.x, 2.x) or GBFS 3.0's [{"text":..., "language":...}]. */
static const char *name_text(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) && json_array_size(v) > 0)
		return json_string_value(json_object_get(json_array_get(v, 0),
							 "text"));
	return NULL;
}

/* ---- region -> ward ------------------------------------------------------ */

/* Region id -> ward. Looked up once per station: through a sorted index
 * (rmap_index), O(log r) each, so a feed of s stations and r regions costs
 * O((s + r) log r), not O(s r). */
struct rmap {
	size_t n, cap;
	char **id, **ward;
	struct bs_strpos *idx; /* [n] by id, then position: first wins */
};

static void rmap_release(struct rmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->id[i]);
		free(m->ward[i]);
	}
	free(m->id);
	free(m->ward);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

static int rmap_add(struct rmap *m, const char *id, size_t idl,
		    const char *ward, size_t wl)
{
	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 16;
		char **a = realloc(m->id, nc * sizeof(char *)), **b;
		if (!a)
			return BS_E_NOMEM;
		m->id = a;
		b = realloc(m->ward, nc * sizeof(char *));
		if (!b)
			return BS_E_NOMEM;
		m->ward = b;
		m->cap = nc;
	}
	m->id[m->n] = malloc(idl + 1);
	m->ward[m->n] = malloc(wl + 1);
	if (!m->id[m->n] || !m->ward[m->n]) {
		free(m->id[m->n]);
		free(m->ward[m->n]);
		return BS_E_NOMEM;
	}
	memcpy(m->id[m->n], id, idl);
	m->id[m->n][idl] = '\0';
	memcpy(m->ward[m->n], ward, wl);
	m->ward[m->n][wl] = '\0';
	m->n++;
	return 0;
}

/* Sort the index once all regions are in. */
static int rmap_index(struct rmap *m)
{
	size_t i;

	if (!(m->idx = malloc((m->n ? m->n : 1) * sizeof(*m->idx))))
		return BS_E_NOMEM;
	for (i = 0; i < m->n; i++) {
		m->idx[i].s = m->id[i];
		m->idx[i].i = i;
	}
	if (m->n > 1)
		qsort(m->idx, m->n, sizeof(*m->idx), bs_strpos_cmp);
	return 0;
}

/* The ward of region id (the first mapping of it), or NULL. */
static const char *rmap_get(const struct rmap *m, const char *id)
{
	long i = bs_strpos_find(m->idx, m->n, id);

	return i < 0 ? NULL : m->ward[i];
}

static void rmap_ids(const struct rmap *m, char *buf, size_t sz)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < m->n && used + 8 < sz; i++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s",
					 i ? ", " : "", m->id[i]);
}

/* "1=Chiyoda,2=Chuo" */
static int parse_region_map(const char *s, struct rmap *m, struct bs_error *err)
{
	const char *p = s;

	while (*p) {
		const char *comma = strchr(p, ','), *eq;
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		int rc;
		eq = memchr(p, '=', l);
		if (!eq || eq == p || eq == p + l - 1) {
			bs_error_set(err, BS_E_INPUT, "--region-map", 0, 0, NULL,
				     "'%.*s' is not ID=WARD; expected e.g. --region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto",
				     (int)l, p);
			return BS_E_INPUT;
		}
		if ((rc = rmap_add(m, p, (size_t)(eq - p), eq + 1,
				   l - (size_t)(eq - p) - 1)))
			return rc;
		p += l;
		if (*p == ',')
			p++;
	}
	if (m->n == 0) {
		bs_error_set(err, BS_E_INPUT, "--region-map", 0, 0, NULL,
			     "empty; expected e.g. --region-map 1=Chiyoda,2=Chuo");
		return BS_E_INPUT;
	}
	return 0;
}

static int read_regions(const char *path, struct rmap *m, struct bs_error *err)
{
	struct jfile f;
	json_t *a, *r;
	size_t i;
	int rc;

	if ((rc = jfile_load(&f, path, err)))
		goto out;
	if (!(a = data_array(&f, "regions", err))) {
		rc = BS_E_INPUT;
		goto out;
	}
	json_array_foreach(a, i, r) {
		char key[96], buf[32];
		const char *id = id_text(json_object_get(r, "region_id"), buf,
					 sizeof(buf));
		const char *name = name_text(json_object_get(r, "name"));
		if (!id) {
			snprintf(key, sizeof(key), "data.regions[%zu].region_id", i);
			rc = jerr(&f, err, key, "missing or not a string; expected the region's id");
			goto out;
		}
		if (!name || !*name) {
			snprintf(key, sizeof(key), "data.regions[%zu].name", i);
			rc = jerr(&f, err, key, "missing or not a string; expected the region's name");
			goto out;
		}
		if ((rc = rmap_add(m, id, strlen(id), name, strlen(name))))
			goto out;
	}
out:
	jfile_release(&f);
	return rc;
}

/* ---- stations ------------------------------------------------------------ */

static int cmp_station(const void *a, const void *b)
{
	const struct bs_gbfs_station *x = a, *y = b;
	int c;

	if (x->ward_rank != y->ward_rank)
		return x->ward_rank < y->ward_rank ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/*
 * The names of --wards, split once: a station's rank is looked up in a
 * sorted index in O(log w), and whether every name got a station is
 * marked as stations come, so the import is O(s log w + w log w) for s
 * stations and w names (not O(s x the length of the list)). At most
 * BS_MAX_WARDS names: the stations file could not hold more.
 */
struct wlist {
	char *buf;             /* the list, commas replaced by NULs */
	size_t n;
	const char **name;     /* [n] in list order: the rank */
	struct bs_strpos *idx; /* [n] by name, then rank */
	unsigned char *has;    /* [n] a station was kept with this rank */
};

static void wlist_release(struct wlist *w)
{
	free(w->buf);
	free(w->name);
	free(w->idx);
	free(w->has);
	memset(w, 0, sizeof(*w));
}

static int wlist_parse(struct wlist *w, const char *list, struct bs_error *err)
{
	size_t i, k = *list ? 1 : 0; /* "" keeps no ward */
	const char *c;
	char *p;

	memset(w, 0, sizeof(*w));
	for (c = list; *c; c++)
		k += *c == ',';
	if (k > BS_MAX_WARDS) {
		bs_error_set(err, BS_E_INPUT, "--wards", 0, 0, NULL,
			     "%zu wards; expected at most %d", k, BS_MAX_WARDS);
		return BS_E_INPUT;
	}
	w->buf = bs_strdup(list);
	w->name = malloc((k ? k : 1) * sizeof(*w->name));
	w->idx = malloc((k ? k : 1) * sizeof(*w->idx));
	w->has = calloc(k ? k : 1, 1);
	if (!w->buf || !w->name || !w->idx || !w->has)
		return BS_E_NOMEM;
	w->name[0] = w->buf;
	for (p = w->buf, i = 1; *p; p++)
		if (*p == ',') {
			*p = '\0';
			w->name[i++] = p + 1;
		}
	w->n = k;
	for (i = 0; i < k; i++) {
		w->idx[i].s = w->name[i];
		w->idx[i].i = i;
	}
	if (k > 1)
		qsort(w->idx, k, sizeof(*w->idx), bs_strpos_cmp);
	return 0;
}

static int num_field(const struct jfile *f, json_t *st, size_t i,
		     const char *k, double lo, double hi, double *out,
		     struct bs_error *err)
{
	json_t *v = json_object_get(st, k);
	char key[96];

	snprintf(key, sizeof(key), "data.stations[%zu].%s", i, k);
	if (!v)
		return jerr(f, err, key[0] ? key : "data.stations",
			    "missing: the station has no %s; expected a number of degrees from %g to %g (every port needs a position)",
			    strcmp(k, "lat") == 0 ? "latitude" : "longitude",
			    lo, hi);
	if (!json_is_number(v))
		return jerr(f, err, key, "not a number; expected a number of degrees from %g to %g",
			    lo, hi);
	*out = json_number_value(v);
	if (!isfinite(*out) || *out < lo || *out > hi)
		return jerr(f, err, key, "%g is out of range; expected a number of degrees from %g to %g",
			    *out, lo, hi);
	return 0;
}

/* Appends to g->st, whose room is *room (doubling: O(1) amortised). */
static int add_station(struct bs_gbfs *g, size_t *room, const char *id,
		       const char *name, const char *ward, int rank,
		       double lat, double lon, long cap)
{
	struct bs_gbfs_station *s;

	if (g->n == *room) {
		size_t nc = *room ? *room * 2 : 64;
		struct bs_gbfs_station *t = realloc(g->st, nc * sizeof(*t));
		if (!t)
			return BS_E_NOMEM;
		g->st = t;
		*room = nc;
	}
	s = &g->st[g->n];
	memset(s, 0, sizeof(*s));
	s->id = bs_strdup(id);
	s->name = bs_strdup(name);
	s->ward = bs_strdup(ward);
	s->lat = lat;
	s->lon = lon;
	s->capacity = cap;
	s->stock = -1;
	s->ward_rank = rank;
	g->n++;
	return s->id && s->name && s->ward ? 0 : BS_E_NOMEM;
}

/* An index of the stations by id (then position): O(n log n). NULL when
 * out of memory. */
static struct bs_strpos *id_index(const struct bs_gbfs *g)
{
	struct bs_strpos *x = malloc((g->n ? g->n : 1) * sizeof(*x));
	size_t k;

	if (!x)
		return NULL;
	for (k = 0; k < g->n; k++) {
		x[k].s = g->st[k].id;
		x[k].i = k;
	}
	if (g->n > 1)
		qsort(x, g->n, sizeof(*x), bs_strpos_cmp);
	return x;
}

/* Duplicate ids would make two ports one in every later step. O(n log n):
 * the index sorted by id, neighbours compared. The id named is the one
 * the sorted stations list first (as a pairwise scan would find it). */
static int unique_ids(const struct jfile *f, const struct bs_gbfs *g,
		      struct bs_error *err)
{
	struct bs_strpos *x = id_index(g);
	size_t k, best = SIZE_MAX;

	if (!x)
		return BS_E_NOMEM;
	for (k = 1; k < g->n; k++)
		if (strcmp(x[k - 1].s, x[k].s) == 0 && x[k - 1].i < best)
			best = x[k - 1].i;
	free(x);
	if (best == SIZE_MAX)
		return 0;
	return jerr(f, err, "data.stations",
		    "station id '%s' appears twice; expected unique station_id values",
		    g->st[best].id);
}

/* The fields of one station of the feed, checked. */
struct st_fields {
	char buf[32], rbuf[32], ids[64];
	const char *id, *name, *region;
	double lat, lon;
	long cap; /* -1: not given */
};

static int station_fields(struct jfile *f, json_t *st, size_t i,
			  struct st_fields *sf, struct bs_error *err)
{
	char key[96];
	json_t *capv;
	int rc;

	sf->cap = -1;
	if (!json_is_object(st)) {
		snprintf(key, sizeof(key), "data.stations[%zu]", i);
		return jerr(f, err, key, "not an object; expected a station {\"station_id\": ..., \"lat\": ..., ...}");
	}
	sf->id = id_text(json_object_get(st, "station_id"), sf->buf, sizeof(sf->buf));
	if (!sf->id) {
		snprintf(key, sizeof(key), "data.stations[%zu].station_id", i);
		return jerr(f, err, key,
			    "missing or not a string; expected the station's id");
	}
	bs_strlcpy(sf->ids, sf->id, sizeof(sf->ids));
	sf->name = name_text(json_object_get(st, "name"));
	if (!sf->name) {
		snprintf(key, sizeof(key), "data.stations[%zu].name", i);
		return jerr(f, err, key, "missing or not a string; expected the station's name");
	}
	if ((rc = num_field(f, st, i, "lat", -90, 90, &sf->lat, err)) ||
	    (rc = num_field(f, st, i, "lon", -180, 180, &sf->lon, err)))
		return rc;
	capv = json_object_get(st, "capacity");
	if (capv) {
		if (!json_is_integer(capv) || json_integer_value(capv) < 0 ||
		    json_integer_value(capv) > 100000) {
			snprintf(key, sizeof(key), "data.stations[%zu].capacity", i);
			return jerr(f, err, key, "not a whole number from 0 to 100000; expected the number of docks");
		}
		sf->cap = (long)json_integer_value(capv);
	}
	sf->region = id_text(json_object_get(st, "region_id"), sf->rbuf,
			     sizeof(sf->rbuf));
	if (json_object_get(st, "region_id") && !sf->region) {
		snprintf(key, sizeof(key), "data.stations[%zu].region_id", i);
		return jerr(f, err, key, "not a string; expected the id of a region");
	}
	return 0;
}

static int read_stations(struct bs_gbfs *g, const struct bs_gbfs_opts *o,
			 const struct rmap *m, int have_map,
			 struct bs_error *err)
{
	struct jfile f;
	struct wlist wl;
	json_t *a, *st;
	size_t i, j, room = 0;
	/* wards in order of first appearance: at most BS_MAX_WARDS, so the
	 * scan of them is O(1) a station */
	char **seen = NULL;
	size_t nseen = 0;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&wl, 0, sizeof(wl));
	if (o->wards && (rc = wlist_parse(&wl, o->wards, err)))
		goto out;
	if ((rc = jfile_load(&f, o->info_path, err)))
		goto out;
	if (!(a = data_array(&f, "stations", err))) {
		rc = BS_E_INPUT;
		goto out;
	}
	g->feed_stations = json_array_size(a);
	json_array_foreach(a, i, st) {
		struct st_fields sf;
		char key[96];
		const char *ward;
		int rank;
		if ((rc = station_fields(&f, st, i, &sf, err)))
			goto out;
		if (have_map) {
			ward = sf.region ? rmap_get(m, sf.region) : NULL;
			if (!ward) {
				char list[256];
				if (o->wards) {
					g->outside++; /* not a wanted ward */
					continue;
				}
				rmap_ids(m, list, sizeof(list));
				snprintf(key, sizeof(key), "data.stations[%zu].%s", i,
					 sf.region ? "region_id" : "station_id");
				rc = jerr(&f, err, key,
					  sf.region ? "station %s: unknown region id '%s'; expected one of %s (%s), or --wards to keep only the mapped wards"
						 : "station %s has no region_id%s; expected one of %s (%s), or --wards to keep only the mapped wards",
					  sf.ids, sf.region ? sf.region : "", list,
					  o->regions_path ? "the regions of system_regions.json"
							  : "the ids of --region-map");
				goto out;
			}
		} else {
			ward = sf.region ? sf.region : "default";
		}
		if (o->wards) {
			long r = bs_strpos_find(wl.idx, wl.n, ward);
			if (r < 0) {
				g->outside++;
				continue;
			}
			rank = (int)r;
			wl.has[r] = 1;
		} else {
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j], ward) == 0)
					break;
			if (j == BS_MAX_WARDS) {
				snprintf(key, sizeof(key), "data.stations[%zu].%s", i,
					 sf.region ? "region_id" : "station_id");
				rc = jerr(&f, err, key,
					  "ward '%s' is one more than %d; expected at most %d wards (keep some with --wards)",
					  ward, BS_MAX_WARDS, BS_MAX_WARDS);
				goto out;
			}
			if (j == nseen) {
				char **t = realloc(seen, (nseen + 1) * sizeof(char *));
				if (!t || !(t[nseen] = bs_strdup(ward))) {
					seen = t ? t : seen;
					rc = BS_E_NOMEM;
					goto out;
				}
				seen = t;
				nseen++;
			}
			rank = (int)j;
		}
		if ((rc = add_station(g, &room, sf.id, sf.name, ward, rank,
				      sf.lat, sf.lon, sf.cap)))
			goto out;
	}
	/* every wanted ward must have stations: a typo must not pass */
	for (j = 0; j < wl.n; j++)
		if (!wl.has[bs_strpos_find(wl.idx, wl.n, wl.name[j])]) {
			bs_error_set(err, BS_E_INPUT, "--wards", 0, 0, NULL,
				     "no station of %s is in ward '%s'; expected ward names as %s gives them",
				     o->info_path, wl.name[j],
				     have_map ? "the region map" : "the feed's region_id");
			rc = BS_E_INPUT;
			goto out;
		}
	if (g->n > 1) /* qsort's array may not be NULL, even for 0 */
		qsort(g->st, g->n, sizeof(*g->st), cmp_station);
	rc = unique_ids(&f, g, err);
out:
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	wlist_release(&wl);
	jfile_release(&f);
	return rc;
}

struct bs_gbfs *bs_gbfs_read(const struct bs_gbfs_opts *o,
			     struct bs_error *err)
{
	struct bs_gbfs *g = calloc(1, sizeof(*g));
	struct rmap m;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	if (!g) {
		bs_error_set(err, BS_E_NOMEM, o->info_path, 0, 0, NULL, "out of memory");
		return NULL;
	}
	if (o->regions_path && o->region_map) {
		bs_error_set(err, BS_E_INPUT, "--region-map", 0, 0, NULL,
			     "given with --system-regions; expected one of them");
		rc = BS_E_INPUT;
	}
	if (!rc && o->regions_path)
		rc = read_regions(o->regions_path, &m, err);
	else if (!rc && o->region_map)
		rc = parse_region_map(o->region_map, &m, err);
	if (!rc)
		rc = rmap_index(&m);
	if (!rc)
		rc = read_stations(g, o, &m, o->regions_path || o->region_map, err);
	rmap_release(&m);
	if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, o->info_path, 0, 0, NULL, "out of memory");
	if (rc) {
		bs_gbfs_free(g);
		return NULL;
	}
	return g;
}

int bs_gbfs_capacity_from_status(struct bs_gbfs *g,
				 const struct bs_status *series)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		struct bs_gbfs_station *s = &g->st[i];
		long si = bs_status_find(series, s->id), mx = -1;
		if (si < 0) {
			bs_warn(&g->warn,
				"station %s (%s) is not in the status series; kept the feed's capacity",
				s->id, s->name);
			continue;
		}
		for (k = series->off[si]; k < series->off[si + 1]; k++)
			if (series->bikes[k] + series->docks[k] > mx)
				mx = series->bikes[k] + series->docks[k];
		if (mx != s->capacity)
			g->capacity_raised++;
		s->capacity = mx;
	}
	return 0;
}

int bs_gbfs_read_stock(struct bs_gbfs *g, const char *status_path,
		       struct bs_error *err)
{
	struct jfile f;
	struct bs_strpos *byid = NULL;
	json_t *a, *st;
	size_t i, k;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = jfile_load(&f, status_path, err)))
		goto out;
	/* the ids are unique (read_stations): O(log n) a status entry */
	if (!(byid = id_index(g))) {
		rc = BS_E_NOMEM;
		goto out;
	}
	if (!(a = data_array(&f, "stations", err))) {
		rc = BS_E_INPUT;
		goto out;
	}
	json_array_foreach(a, i, st) {
		char key[96], buf[32];
		const char *id = id_text(json_object_get(st, "station_id"), buf,
					 sizeof(buf));
		json_t *b = json_object_get(st, "num_bikes_available");
		if (!id) {
			snprintf(key, sizeof(key), "data.stations[%zu].station_id", i);
			rc = jerr(&f, err, key, "missing or not a string; expected the station's id");
			goto out;
		}
		if (!json_is_integer(b) || json_integer_value(b) < 0 ||
		    json_integer_value(b) > 100000) {
			snprintf(key, sizeof(key), "data.stations[%zu].num_bikes_available", i);
			rc = jerr(&f, err, key, "%s; expected a whole number of bikes from 0 to 100000",
				  b ? "not a count" : "missing");
			goto out;
		}
		{
			long at = bs_strpos_find(byid, g->n, id);
			if (at >= 0)
				g->st[at].stock = (long)json_integer_value(b);
		}
	}
	for (k = 0; k < g->n; k++)
		if (g->st[k].stock < 0)
			bs_warn(&g->warn,
				"station %s (%s) is not in %s; it has no stock row and starts empty",
				g->st[k].id, g->st[k].name, status_path);
out:
	free(byid);
	jfile_release(&f);
	return rc;
}

size_t bs_gbfs_finish(struct bs_gbfs *g)
{
	size_t i, k = 0;

	for (i = 0; i < g->n; i++) {
		struct bs_gbfs_station *s = &g->st[i];
		if (s->capacity <= 0) {
			bs_warn(&g->warn, "station %s (%s) skipped: %s", s->id,
				s->name,
				s->capacity < 0 ? "no capacity in the feed or the status series"
						: "capacity 0");
			free(s->id);
			free(s->name);
			free(s->ward);
			continue;
		}
		if (s->stock > s->capacity)
			bs_warn(&g->warn,
				"station %s (%s) holds %ld bikes but has capacity %ld; fleet.initial will refuse it (use --capacity-from)",
				s->id, s->name, s->stock, s->capacity);
		g->st[k++] = *s;
	}
	g->n = k;
	return k;
}

void bs_gbfs_write_stations(const struct bs_gbfs *g, FILE *fp)
{
	size_t i;

	fprintf(fp, "%s\n", BS_STATIONS_HEADER);
	for (i = 0; i < g->n; i++) {
		const struct bs_gbfs_station *s = &g->st[i];
		bs_stations_put_place(fp, s->id, s->name, s->ward, s->lat, s->lon);
		fprintf(fp, ",%ld\n", s->capacity);
	}
}

void bs_gbfs_write_stock(const struct bs_gbfs *g, FILE *fp)
{
	size_t i;

	fprintf(fp, "station_id,bikes\n");
	for (i = 0; i < g->n; i++) {
		if (g->st[i].stock < 0)
			continue;
		bs_csv_put(fp, g->st[i].id);
		fprintf(fp, ",%ld\n", g->st[i].stock);
	}
}

void bs_gbfs_free(struct bs_gbfs *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->st[i].id);
		free(g->st[i].name);
		free(g->st[i].ward);
	}
	free(g->st);
	free(g);
}
