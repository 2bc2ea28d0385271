/*
 * bind.c - the resolved scenario's values into their fields, as the key
 * table says (each row names its field: keys.h), and the fields that own
 * memory freed the same way.
 */
#include "input/scenario.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "input/keys.h"

static int wardname(struct bs_wardname *w, const char *name, const char *key)
{
	w->name = bs_strdup(name);
	w->key = bs_strdup(key);
	return w->name && w->key ? 0 : BS_E_NOMEM;
}

/* One per-ward value: a number for all, or {ward: number | string}. */
static int bind_wardval(struct bs_wardval *wv, const struct bs_key *k,
			json_t *v)
{
	const char *name;
	json_t *e;
	char key[300];

	wv->given = 1;
	if (json_is_number(v)) {
		wv->all = json_number_value(v);
		return 0;
	}
	wv->each = 1;
	wv->ward = calloc(json_object_size(v) + 1, sizeof(*wv->ward));
	wv->num = calloc(json_object_size(v) + 1, sizeof(double));
	if (k->type == BS_KT_WSTR)
		wv->str = calloc(json_object_size(v) + 1, sizeof(char *));
	if (!wv->ward || !wv->num || (k->type == BS_KT_WSTR && !wv->str))
		return BS_E_NOMEM;
	json_object_foreach(v, name, e) {
		snprintf(key, sizeof(key), "%s.%s", k->path, name);
		if (wardname(&wv->ward[wv->n], name, key))
			return BS_E_NOMEM;
		if (wv->str) {
			if (!(wv->str[wv->n] = bs_strdup(json_string_value(e))))
				return BS_E_NOMEM;
		} else {
			wv->num[wv->n] = json_number_value(e);
		}
		wv->n++;
	}
	return 0;
}

/* Ward lists: pairs [[a, b], ...], a matrix {owner: [ward, ...]} (the
 * owner first in its list), or pooling groups (true: all; false: none). */
static int bind_wardlists(struct bs_wardlists *wl, const struct bs_key *k,
			  json_t *v)
{
	size_t i, j, total = 0;
	const char *owner;
	json_t *e, *f;
	char key[600];

	wl->given = 1;
	if (json_is_boolean(v)) {
		wl->all = json_is_true(v);
		return 0;
	}
	if (json_is_array(v))
		json_array_foreach(v, i, e)
			total += json_array_size(e);
	else
		json_object_foreach(v, owner, e)
			total += 1 + json_array_size(e);
	wl->off = calloc(json_is_array(v) ? json_array_size(v) + 1
					  : json_object_size(v) + 1,
			 sizeof(size_t));
	wl->ward = calloc(total + 1, sizeof(*wl->ward));
	if (!wl->off || !wl->ward)
		return BS_E_NOMEM;
	total = 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			json_array_foreach(e, j, f) {
				snprintf(key, sizeof(key), "%s[%zu][%zu]", k->path, i, j);
				if (wardname(&wl->ward[total++], json_string_value(f), key))
					return BS_E_NOMEM;
			}
			wl->off[++wl->n] = total;
		}
		return 0;
	}
	json_object_foreach(v, owner, e) {
		snprintf(key, sizeof(key), "%s.%s", k->path, owner);
		if (wardname(&wl->ward[total++], owner, key))
			return BS_E_NOMEM;
		json_array_foreach(e, j, f) {
			snprintf(key, sizeof(key), "%s.%s[%zu]", k->path, owner, j);
			if (wardname(&wl->ward[total++], json_string_value(f), key))
				return BS_E_NOMEM;
		}
		wl->off[++wl->n] = total;
	}
	return 0;
}

/* The value v of key k into its field. 0 or BS_E_NOMEM. */
static int bind_one(struct bs_scenario *sc, const struct bs_key *k, json_t *v)
{
	char *base = k->dest == BS_KD_PARAM ? (char *)&sc->p : (char *)sc;
	void *f = base + k->off;
	size_t h;

	switch (k->ctype) {
	case BS_KC_DBL:
		*(double *)f = json_number_value(v);
		break;
	case BS_KC_U64:
		*(uint64_t *)f = (uint64_t)json_number_value(v);
		break;
	case BS_KC_U32:
		*(uint32_t *)f = (uint32_t)json_number_value(v);
		break;
	case BS_KC_SIZE:
		*(size_t *)f = (size_t)json_number_value(v);
		break;
	case BS_KC_INT:
		if (k->type == BS_KT_ENUM) {
			/* checked to be one of the choices */
			int i = bs_key_enum_index(k, json_string_value(v));
			assert(i >= 0);
			*(int *)f = i;
		} else {
			*(int *)f = json_is_true(v);
		}
		break;
	case BS_KC_STR:
		*(const char **)f = json_string_value(v);
		break;
	case BS_KC_PATH:
		if (!(*(char **)f = bs_scenario_path(sc, json_string_value(v))))
			return BS_E_NOMEM;
		break;
	case BS_KC_HOURS:
		for (h = 0; h < 24; h++)
			((double *)f)[h] = json_number_value(json_array_get(v, h));
		break;
	case BS_KC_MONTHS:
		for (h = 0; h < 12; h++)
			((double *)f)[h] = json_number_value(json_array_get(v, h));
		break;
	case BS_KC_WVAL:
		return bind_wardval(f, k, v);
	case BS_KC_WLIST:
		return bind_wardlists(f, k, v);
	case BS_KC_NONE:
		break;
	}
	return 0;
}

/* Every key that is present and applies, into its field (the key table
 * says which). O(keys). */
int bs__scenario_bind(struct bs_scenario *sc)
{
	size_t i;
	int rc;

	memset(&sc->p, 0, sizeof(sc->p));
	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		json_t *v;
		if (k->dest == BS_KD_NONE)
			continue;
		v = bs_json_path(sc->root, k->path);
		if (v && bs_key_when_holds(sc->root, k->when) &&
		    (rc = bind_one(sc, k, v)))
			return rc;
	}
	return 0;
}

static void wardnames_free(struct bs_wardname *w, size_t n)
{
	size_t i;

	for (i = 0; w && i < n; i++) {
		free(w[i].name);
		free(w[i].key);
	}
	free(w);
}

static void wardval_release(struct bs_wardval *wv)
{
	size_t i;

	wardnames_free(wv->ward, wv->n);
	for (i = 0; wv->str && i < wv->n; i++)
		free(wv->str[i]);
	free(wv->str);
	free(wv->num);
}

static void wardlists_release(struct bs_wardlists *wl)
{
	wardnames_free(wl->ward, wl->off ? wl->off[wl->n] : 0);
	free(wl->off);
}

/* Every field the table binds that owns memory (paths, per-ward values
 * and lists), freed. O(keys). */
void bs__scenario_unbind(struct bs_scenario *sc)
{
	for (size_t i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		char *base = k->dest == BS_KD_PARAM ? (char *)&sc->p : (char *)sc;
		void *f = base + k->off;

		if (k->dest == BS_KD_NONE)
			continue;
		if (k->ctype == BS_KC_PATH) {
			free(*(char **)f);
			*(char **)f = NULL;
		} else if (k->ctype == BS_KC_WVAL) {
			wardval_release(f);
		} else if (k->ctype == BS_KC_WLIST) {
			wardlists_release(f);
		}
	}
}
