/*
 * names.c - the names table and the ward boundaries (see names.h).
 */
#include "input/names.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/limits.h"
#include "base/str.h"
#include "input/csvread.h"
#include "input/jsonpos.h"

enum { N_KIND, N_ID, N_EN, N_JA, N_CODE, N_N };
static const char *const NCOLS[N_N] = {"kind", "id", "en", "ja", "code"};
static const int NREQ[N_N] = {1, 1, 1, 1, 0};

struct nrow {
	char *f[N_N]; /* kind is always "ward"; code may be "" */
	long row;
};

struct nload {
	const char *file;
	long idx[N_N];
	struct nrow *rows;
	size_t n, cap;
};

static int nrow_keep(struct nload *L, const struct bs_csv_row *r)
{
	struct nrow *x;
	int k;

	if (L->n == L->cap) {
		size_t nc = L->cap ? 2 * L->cap : 16;
		struct nrow *t = realloc(L->rows, nc * sizeof(*t));
		if (!t)
			return BS_E_NOMEM;
		L->rows = t;
		L->cap = nc;
	}
	x = &L->rows[L->n];
	memset(x, 0, sizeof(*x));
	x->row = r->row;
	L->n++;
	for (k = 0; k < N_N; k++)
		if (!(x->f[k] = bs_strdup(L->idx[k] >= 0 ? r->f[L->idx[k]] : "")))
			return BS_E_NOMEM;
	return 0;
}

static int names_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct nload *L = ud;
	int k;

	if (r->row == 1)
		return bs_csv_header(r, L->file, N_N, NCOLS, NREQ, L->idx,
				     BS_NAMES_HEADER, err);
	if (L->n == BS_MAX_NAMES_ROWS) {
		bs_error_row(err, L->file, r->row, NULL,
			     "more than %u rows; expected at most %u",
			     BS_MAX_NAMES_ROWS, BS_MAX_NAMES_ROWS);
		return BS_E_LIMIT;
	}
	for (k = 0; k < N_N; k++) {
		const char *v = L->idx[k] >= 0 ? r->f[L->idx[k]] : "";
		size_t len = L->idx[k] >= 0 ? r->len[L->idx[k]] : 0;
		if (!bs_utf8_valid(v, len)) {
			bs_error_row(err, L->file, r->row, NCOLS[k],
				     "not valid UTF-8; expected UTF-8 text");
			return BS_E_INPUT;
		}
		if (k != N_CODE && len == 0) {
			bs_error_row(err, L->file, r->row, NCOLS[k],
				     "empty; expected %s", k == N_KIND ? "ward"
						     : k == N_ID ? "the ward as the stations CSV names it"
								 : "a display name");
			return BS_E_INPUT;
		}
	}
	if (strcmp(r->f[L->idx[N_KIND]], "ward") != 0) {
		bs_error_row(err, L->file, r->row, "kind",
			     "'%s' is not a kind of name; expected ward",
			     r->f[L->idx[N_KIND]]);
		return BS_E_INPUT;
	}
	return nrow_keep(L, r);
}

static void nload_free(struct nload *L)
{
	size_t i;
	int k;

	for (i = 0; i < L->n; i++)
		for (k = 0; k < N_N; k++)
			free(L->rows[i].f[k]);
	free(L->rows);
}

/* Hand row x's names to ward w (the load keeps nothing it gave away). */
static int names_give(struct bs_network *net, size_t w, struct nrow *x)
{
	net->ward_en[w] = x->f[N_EN];
	net->ward_ja[w] = x->f[N_JA];
	net->ward_code[w] = x->f[N_CODE];
	x->f[N_EN] = x->f[N_JA] = x->f[N_CODE] = NULL;
	return 0;
}

int bs_names_load(const char *path, struct bs_network *net,
		  struct bs_error *err)
{
	struct nload L;
	struct bs_strpos *ix = NULL;
	size_t i, W = net->nwards;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = path;
	rc = bs_csv_read_input(path, "a names table (" BS_NAMES_HEADER ")",
			       names_row, &L, err);
	if (rc == 0 && !(ix = malloc((L.n ? L.n : 1) * sizeof(*ix))))
		rc = BS_E_NOMEM;
	/* duplicates: sorted by id, then row, neighbours compared */
	for (i = 0; rc == 0 && i < L.n; i++) {
		ix[i].s = L.rows[i].f[N_ID];
		ix[i].i = i;
	}
	if (rc == 0)
		qsort(ix, L.n, sizeof(*ix), bs_strpos_cmp);
	for (i = 1; rc == 0 && i < L.n; i++)
		if (strcmp(ix[i].s, ix[i - 1].s) == 0) {
			bs_error_row(err, path, L.rows[ix[i].i].row, "id",
				     "ward '%s' is named twice (also at row %ld); expected each id once",
				     ix[i].s, L.rows[ix[i - 1].i].row);
			rc = BS_E_INPUT;
		}
	if (rc == 0 && (!(net->ward_en = calloc(W, sizeof(char *))) ||
			!(net->ward_ja = calloc(W, sizeof(char *))) ||
			!(net->ward_code = calloc(W, sizeof(char *)))))
		rc = BS_E_NOMEM;
	for (i = 0; rc == 0 && i < W; i++) {
		long at = bs_strpos_find(ix, L.n, net->ward_names[i]);
		if (at >= 0)
			names_give(net, i, &L.rows[at]);
	}
	if (rc == BS_E_NOMEM)
		bs_error_set(err, rc, path, 0, 0, NULL,
			     "out of memory reading the names table");
	free(ix);
	nload_free(&L);
	return rc;
}

/* ---- boundaries ------------------------------------------------------- */

static const char *prop_str(json_t *f, const char *name)
{
	json_t *v = json_object_get(json_object_get(f, "properties"), name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Append feature f's polygons to the MultiPolygon coordinates polys. */
static int add_polygons(json_t *polys, json_t *f, const char *path, size_t k,
			struct bs_error *err)
{
	json_t *g = json_object_get(f, "geometry");
	const char *t = json_string_value(json_object_get(g, "type"));
	json_t *c = json_object_get(g, "coordinates"), *p;
	size_t i;

	if (!t || !json_is_array(c) ||
	    (strcmp(t, "Polygon") != 0 && strcmp(t, "MultiPolygon") != 0)) {
		char key[64];
		snprintf(key, sizeof(key), "features[%zu].geometry", k);
		bs_error_set(err, BS_E_INPUT, path, 0, 0, key,
			     "expected a Polygon or MultiPolygon with coordinates");
		return BS_E_INPUT;
	}
	if (strcmp(t, "Polygon") == 0)
		return json_array_append(polys, c) ? BS_E_NOMEM : 0;
	json_array_foreach(c, i, p)
		if (json_array_append(polys, p))
			return BS_E_NOMEM;
	return 0;
}

static json_t *ward_feature(const struct bs_network *net, size_t w,
			    json_t *polys)
{
	json_t *f = json_pack("{s:s, s:{s:s, s:O}, s:{s:s, s:s?, s:s?, s:s?}}",
			      "type", "Feature", "geometry", "type",
			      "MultiPolygon", "coordinates", polys,
			      "properties", "ward", net->ward_names[w],
			      "name_en", net->ward_en ? net->ward_en[w] : NULL,
			      "name_ja", net->ward_ja ? net->ward_ja[w] : NULL,
			      "code", net->ward_code ? net->ward_code[w] : NULL);
	return f;
}

/* The features of ward w, in file order; an empty array when none. */
static int ward_polygons(json_t *feats, const struct bs_network *net,
			 size_t w, const char *path, json_t **out,
			 struct bs_error *err)
{
	const char *code = net->ward_code ? net->ward_code[w] : NULL;
	json_t *polys = json_array(), *f;
	size_t k;
	int rc;

	if (!polys)
		return BS_E_NOMEM;
	json_array_foreach(feats, k, f) {
		const char *fc = prop_str(f, "N03_007"), *fw = prop_str(f, "ward");
		if (!((code && *code && fc && strcmp(fc, code) == 0) ||
		      (fw && strcmp(fw, net->ward_names[w]) == 0)))
			continue;
		if ((rc = add_polygons(polys, f, path, k, err))) {
			json_decref(polys);
			return rc;
		}
	}
	*out = polys;
	return 0;
}

int bs_boundaries_load(const char *path, struct bs_network *net,
		       struct bs_error *err)
{
	json_t *doc = bs_json_load_file(path, BS_MAX_JSON_FILE,
					"a GeoJSON FeatureCollection of ward boundaries",
					JSON_REJECT_DUPLICATES, err);
	json_t *feats, *out = NULL, *ofeats = NULL;
	size_t w;
	int rc = 0;

	if (!doc)
		return err && err->code ? err->code : BS_E_INPUT;
	feats = json_object_get(doc, "features");
	if (!json_is_array(feats) ||
	    !json_is_string(json_object_get(doc, "type")) ||
	    strcmp(json_string_value(json_object_get(doc, "type")),
		   "FeatureCollection") != 0) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, "type",
			     "expected a GeoJSON FeatureCollection with \"features\"");
		rc = BS_E_INPUT;
	}
	if (rc == 0 && (!(out = json_pack("{s:s, s:[]}", "type", "FeatureCollection",
					  "features")) ||
			!(ofeats = json_object_get(out, "features"))))
		rc = BS_E_NOMEM;
	for (w = 0; rc == 0 && w < net->nwards; w++) {
		json_t *polys = NULL, *f;
		if ((rc = ward_polygons(feats, net, w, path, &polys, err)))
			break;
		if (json_array_size(polys) == 0) {
			bs_error_set(err, BS_E_INPUT, path, 0, 0, "features",
				     "no boundary of ward '%s'; expected a feature whose N03_007 is the ward's code in network.names%s%s%s, or whose \"ward\" property is '%s'",
				     net->ward_names[w],
				     net->ward_code && net->ward_code[w] && *net->ward_code[w] ? " (" : "",
				     net->ward_code && net->ward_code[w] ? net->ward_code[w] : "",
				     net->ward_code && net->ward_code[w] && *net->ward_code[w] ? ")" : "",
				     net->ward_names[w]);
			json_decref(polys);
			rc = BS_E_INPUT;
			break;
		}
		f = ward_feature(net, w, polys);
		json_decref(polys);
		if (!f || json_array_append_new(ofeats, f))
			rc = BS_E_NOMEM;
	}
	if (rc == 0 &&
	    !(net->boundaries = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(12))))
		rc = BS_E_NOMEM;
	if (rc == BS_E_NOMEM)
		bs_error_set(err, rc, path, 0, 0, NULL,
			     "out of memory reading the ward boundaries");
	json_decref(out);
	json_decref(doc);
	return rc;
}

int bs_display_load(struct bs_network *net, const char *names_path,
		    const char *bounds_path, struct bs_error *err)
{
	int rc;

	if (names_path && (rc = bs_names_load(names_path, net, err)))
		return rc;
	if (bounds_path && (rc = bs_boundaries_load(bounds_path, net, err)))
		return rc;
	return 0;
}
