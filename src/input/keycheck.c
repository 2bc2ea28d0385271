/*
 * keycheck.c - checking a scenario's keys and values against the key
 * table (keys.h): unknown keys (with the nearest known one), and every
 * value's type, range and shape, with a message that locates it. The
 * rules between keys are checked after binding (scenario.c); ward names
 * when the network is known (calib/world.c).
 *
 * Cost: one pass over the keys given, and one over the table; each value
 * is checked once (O(its size)).
 */
#include "input/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "input/keys.h"

/* A short rendering of a value for messages. */
void bs__json_show(const json_t *v, char *buf, size_t sz)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
					 JSON_REAL_PRECISION(15)) : NULL;

	if (!s) {
		bs_strlcpy(buf, v ? "?" : "nothing", sz);
		return;
	}
	if (strlen(s) > 60)
		memcpy(s + 57, "...", 4);
	bs_strlcpy(buf, s, sz);
	free(s);
}

const char *bs__json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

const char *bs_scenario_key_suggest(const char *key)
{
	const char *dot = strrchr(key, '.'), *closest;
	char parent[256], list[600];

	snprintf(parent, sizeof(parent), "%.*s", dot ? (int)(dot - key) : 0,
		 key);
	closest = bs_key_closest(parent, dot ? dot + 1 : key, list,
				 sizeof(list));
	return closest;
}

static int check_unknown(const struct bs_scenario *sc, json_t *obj,
			 const char *parent, struct bs_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		char path[256];
		const struct bs_key *ks;
		if (parent[0])
			snprintf(path, sizeof(path), "%s.%s", parent, k);
		else
			snprintf(path, sizeof(path), "%s", k);
		ks = bs_key_find(path);
		if (!ks) {
			char list[600];
			const char *closest;
			closest = bs_key_closest(parent, k, list, sizeof(list));
			if (closest)
				return bs_scenario_error(sc, err, path,
					    "unknown key; did you mean '%s'?",
					    closest);
			return bs_scenario_error(sc, err, path,
				    "unknown key; expected one of: %s", list);
		}
		if (ks->type == BS_KT_OBJ && json_is_object(v)) {
			int rc = check_unknown(sc, v, path, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int in_choices(const char *choices, const char *s)
{
	size_t l = strlen(s);
	const char *p = choices;

	while (p) {
		const char *bar = strchr(p, '|');
		size_t pl = bar ? (size_t)(bar - p) : strlen(p);
		if (pl == l && strncmp(p, s, l) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static int check_number(const struct bs_scenario *sc, const struct bs_key *ks,
			json_t *v, int integer, struct bs_error *err)
{
	char got[80], rng[120];
	double x;

	bs__json_show(v, got, sizeof(got));
	bs_key_range_text(ks, rng, sizeof(rng));
	if (!json_is_number(v))
		return bs_scenario_error(sc, err, ks->path, "expected %s %s, got %s %s",
			    integer ? "an integer" : "a number", rng,
			    bs__json_type_name(v), got);
	x = json_number_value(v);
	if (integer && x != floor(x))
		return bs_scenario_error(sc, err, ks->path,
			    "expected a whole number %s, got %s", rng, got);
	if (!isfinite(x) || x < ks->min || x > ks->max ||
	    (ks->min_open && x <= ks->min))
		return bs_scenario_error(sc, err, ks->path, "expected %s %s, got %s",
			    integer ? "an integer" : "a number", rng, got);
	return 0;
}

static int check_ward_name(const struct bs_scenario *sc, const char *path,
			   json_t *v, struct bs_error *err)
{
	char got[80];

	if (!json_is_string(v) || json_string_length(v) == 0) {
		bs__json_show(v, got, sizeof(got));
		return bs_scenario_error(sc, err, path, "expected a ward name (a string), got %s",
			    got);
	}
	return 0;
}

/* Every element of the array a is a ward name: a[i] at path[i]. */
static int check_ward_names(const struct bs_scenario *sc, const char *path,
			    json_t *a, struct bs_error *err)
{
	size_t j;
	json_t *f;

	json_array_foreach(a, j, f) {
		char p2[512];
		int rc;
		snprintf(p2, sizeof(p2), "%s[%zu]", path, j);
		if ((rc = check_ward_name(sc, p2, f, err)))
			return rc;
	}
	return 0;
}

/* A per-ward number: one for every ward, or an object naming wards (that
 * it names every ward is checked when the network is known). */
static int check_per_ward(const struct bs_scenario *sc,
			  const struct bs_key *ks, json_t *v, int integer,
			  const char *one, const char *obj, struct bs_error *err)
{
	char got[80], path[300];
	const char *k;
	json_t *e;

	if (json_is_number(v))
		return check_number(sc, ks, v, integer, err);
	if (!json_is_object(v)) {
		/* as check_number says it, with the object form beside */
		char rng[120];
		bs__json_show(v, got, sizeof(got));
		bs_key_range_text(ks, rng, sizeof(rng));
		return bs_scenario_error(sc, err, ks->path,
			    "expected %s %s, or %s for every ward, got %s %s",
			    integer ? "an integer" : "a number", rng, obj,
			    bs__json_type_name(v), got);
	}
	if (json_object_size(v) == 0) {
		bs__json_show(v, got, sizeof(got));
		return bs_scenario_error(sc, err, ks->path,
			    "expected %s, or %s for every ward, got %s", one,
			    obj, got);
	}
	json_object_foreach(v, k, e) {
		struct bs_key sub = *ks;
		snprintf(path, sizeof(path), "%s.%s", ks->path, k);
		sub.path = path;
		if (check_number(sc, &sub, e, integer, err))
			return BS_E_INPUT;
	}
	return 0;
}

/* The size of the callers' buffer for a shown value (got). */
#define GOT_SZ 80

/* 24 weights, each bounded, at least one positive. */
static int check_hours(const struct bs_scenario *sc, const struct bs_key *ks,
		       json_t *v, char *got, struct bs_error *err)
{
	char path[300];
	size_t i;
	json_t *e;
	double sum = 0.0;

	if (!json_is_array(v) || json_array_size(v) != 24)
		return bs_scenario_error(sc, err, ks->path,
			    "expected an array of 24 non-negative numbers (00h to 23h), got %s",
			    got);
	json_array_foreach(v, i, e) {
		snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
		/* each at most 1e15, so that the sum of 24 stays
		 * finite (24 x 1e308 is inf: every share 0, no
		 * trips at all) and every share keeps its digits */
		if (!json_is_number(e) || !(json_number_value(e) >= 0.0) ||
		    !(json_number_value(e) <= BS_MAX_HOUR_WEIGHT)) {
			bs__json_show(e, got, GOT_SZ);
			return bs_scenario_error(sc, err, path,
				    "expected a non-negative number of at most 1e15 (a relative weight), got %s",
				    got);
		}
		sum += json_number_value(e);
	}
	if (!(sum > 0.0))
		return bs_scenario_error(sc, err, ks->path,
			    "all 24 weights are zero; expected at least one positive");
	return 0;
}

/* 12 factors (January first), each within the key's bounds. O(12). */
static int check_months(const struct bs_scenario *sc, const struct bs_key *ks,
			json_t *v, char *got, struct bs_error *err)
{
	char path[300], a[32], b[32];
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) != 12)
		return bs_scenario_error(sc, err, ks->path,
			    "expected an array of 12 factors (January to December), got %s",
			    got);
	json_array_foreach(v, i, e) {
		double x = json_is_number(e) ? json_number_value(e) : -1.0;
		snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
		if (!json_is_number(e) || !(ks->min_open ? x > ks->min : x >= ks->min) ||
		    !(x <= ks->max)) {
			bs__json_show(e, got, GOT_SZ);
			return bs_scenario_error(sc, err, path,
				    "expected a number greater than %s and at most %s (a factor on the month's volume), got %s",
				    bs_key_bound(ks->min, a), bs_key_bound(ks->max, b), got);
		}
	}
	return 0;
}

/* A non-empty list of pairs of two different ward names. */
static int check_pairs(const struct bs_scenario *sc, const struct bs_key *ks,
		       json_t *v, char *got, struct bs_error *err)
{
	char path[300];
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return bs_scenario_error(sc, err, ks->path,
			    "expected a non-empty array of ward pairs like [[\"Minato\",\"Chiyoda\"]], got %s",
			    got);
	json_array_foreach(v, i, e) {
		int rc;
		snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
		if (!json_is_array(e) || json_array_size(e) != 2) {
			bs__json_show(e, got, GOT_SZ);
			return bs_scenario_error(sc, err, path,
				    "expected a pair of two ward names, got %s",
				    got);
		}
		if ((rc = check_ward_names(sc, path, e, err)))
			return rc;
		if (strcmp(json_string_value(json_array_get(e, 0)),
			   json_string_value(json_array_get(e, 1))) == 0)
			return bs_scenario_error(sc, err, path,
				    "a ward paired with itself; expected two different wards");
	}
	return 0;
}

static int check_special(const struct bs_scenario *sc, const struct bs_key *ks,
			 json_t *v, struct bs_error *err)
{
	char got[80], path[300];
	size_t i;
	json_t *e;
	const char *k;
	int rc;

	bs__json_show(v, got, sizeof(got));
	switch (ks->type) {
	case BS_KT_HOURS:
		return check_hours(sc, ks, v, got, err);
	case BS_KT_MONTHS:
		return check_months(sc, ks, v, got, err);
	case BS_KT_PAIRS:
		return check_pairs(sc, ks, v, got, err);
	case BS_KT_WARDS:
		if (!json_is_object(v))
			return bs_scenario_error(sc, err, ks->path,
				    "expected an object {owner ward: [wards its bikes may use]}, got %s",
				    got);
		json_object_foreach(v, k, e) {
			snprintf(path, sizeof(path), "%s.%s", ks->path, k);
			if (!json_is_array(e)) {
				bs__json_show(e, got, sizeof(got));
				return bs_scenario_error(sc, err, path,
					    "expected an array of ward names, got %s",
					    got);
			}
			if ((rc = check_ward_names(sc, path, e, err)))
				return rc;
		}
		return 0;
	case BS_KT_WCOUNT:
		return check_per_ward(sc, ks, v, 1, "a whole number",
				      "{ward: number}", err);
	case BS_KT_POOL:
		if (json_is_boolean(v))
			return 0;
		if (!json_is_array(v) || json_array_size(v) == 0)
			return bs_scenario_error(sc, err, ks->path,
				    "expected true, false, or pooling groups like [[\"Minato\",\"Chiyoda\"],[\"Chuo\",\"Koto\"]], got %s",
				    got);
		json_array_foreach(v, i, e) {
			snprintf(path, sizeof(path), "%s[%zu]", ks->path, i);
			if (!json_is_array(e) || json_array_size(e) == 0) {
				bs__json_show(e, got, sizeof(got));
				return bs_scenario_error(sc, err, path,
					    "expected a group: a non-empty array of ward names, got %s",
					    got);
			}
			if ((rc = check_ward_names(sc, path, e, err)))
				return rc;
		}
		return 0;
	case BS_KT_WSTR:
		if (!json_is_object(v))
			return bs_scenario_error(sc, err, ks->path,
				    "expected an object {ward: station_id}, got %s",
				    got);
		json_object_foreach(v, k, e) {
			snprintf(path, sizeof(path), "%s.%s", ks->path, k);
			if (!json_is_string(e) || json_string_length(e) == 0) {
				bs__json_show(e, got, sizeof(got));
				return bs_scenario_error(sc, err, path,
					    "expected a station id (a string), got %s",
					    got);
			}
		}
		return 0;
	case BS_KT_PRICE:
		return check_per_ward(sc, ks, v, 0, "a price in yen",
				      "{ward: price}", err);
	default:
		return 0;
	}
}

static int check_value(const struct bs_scenario *sc, const struct bs_key *ks,
		       json_t *v, struct bs_error *err)
{
	char got[80];

	bs__json_show(v, got, sizeof(got));
	if (strcmp(ks->path, "bssim") == 0 && json_is_integer(v) &&
	    json_integer_value(v) != 1)
		return bs_scenario_error(sc, err, ks->path,
			    "unsupported scenario format version %s; expected 1 (the version this bssim reads)",
			    got);
	switch (ks->type) {
	case BS_KT_OBJ:
		if (!json_is_object(v))
			return bs_scenario_error(sc, err, ks->path,
				    "expected an object {...}, got %s %s",
				    bs__json_type_name(v), got);
		return 0;
	case BS_KT_INT:
		return check_number(sc, ks, v, 1, err);
	case BS_KT_NUM:
		return check_number(sc, ks, v, 0, err);
	case BS_KT_STR:
	case BS_KT_PATH:
		if (!json_is_string(v) || json_string_length(v) == 0)
			return bs_scenario_error(sc, err, ks->path,
				    "expected a non-empty string%s, got %s",
				    ks->type == BS_KT_PATH ? " (a file path)" : "",
				    got);
		return 0;
	case BS_KT_BOOL:
		if (!json_is_boolean(v))
			return bs_scenario_error(sc, err, ks->path,
				    "expected true or false, got %s", got);
		return 0;
	case BS_KT_ENUM:
		if (!json_is_string(v) ||
		    !in_choices(ks->choices, json_string_value(v)))
			return bs_scenario_error(sc, err, ks->path,
				    "expected one of %s, got %s", ks->choices,
				    got);
		return 0;
	default:
		return check_special(sc, ks, v, err);
	}
}


int bs__scenario_check_value(const struct bs_scenario *sc, const char *key,
			     json_t *v, struct bs_error *err)
{
	return check_value(sc, bs_key_find(key), v, err);
}

int bs__scenario_check_keys(const struct bs_scenario *sc,
			    struct bs_error *err)
{
	return check_unknown(sc, sc->root, "", err);
}
