/*
 * keyschema.c - the JSON Schema (draft 2020-12) of scenario and sweep
 * files, made from the key table (keys.h): `bssim schema`,
 * docs/bssim.schema.json.
 */
#include "input/keys.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
/* ---- the JSON Schema ------------------------------------------------------ */

/* Set a member, dropping the value on failure; nonzero when out of memory. */
static int put(json_t *o, const char *k, json_t *v)
{
	return !v || json_object_set_new(o, k, v);
}

static json_t *num_schema(const struct bs_key *k, int integer)
{
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= put(o, "type", json_string(integer ? "integer" : "number"));
	bad |= put(o, k->min_open ? "exclusiveMinimum" : "minimum",
		   json_real(k->min));
	bad |= put(o, "maximum", json_real(k->max));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *strings(size_t min_items)
{
	json_t *a = json_object(), *s = json_object();

	if (!a || !s || put(s, "type", json_string("string")) ||
	    put(s, "minLength", json_integer(1)) ||
	    put(a, "type", json_string("array")) || put(a, "items", s) ||
	    (min_items && put(a, "minItems", json_integer((json_int_t)min_items)))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* A number, or an object naming wards, each with such a number. */
static json_t *per_ward(json_t *one)
{
	json_t *o = json_object(), *m = json_object(), *alt = json_array();

	if (!o || !m || !alt || !one || put(m, "type", json_string("object")) ||
	    put(m, "minProperties", json_integer(1)) ||
	    put(m, "additionalProperties", json_deep_copy(one)) ||
	    json_array_append_new(alt, one) || json_array_append_new(alt, m) ||
	    put(o, "oneOf", alt)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *object_schema(const char *prefix);

/* The schema of one key's value, with its description and default. */
static json_t *key_schema(const struct bs_key *k)
{
	json_t *s = NULL, *d;

	switch (k->type) {
	case BS_KT_OBJ:
		s = object_schema(k->path);
		break;
	case BS_KT_INT:
		s = num_schema(k, 1);
		break;
	case BS_KT_NUM:
		s = num_schema(k, 0);
		break;
	case BS_KT_STR:
	case BS_KT_PATH:
		s = json_pack("{s:s, s:i}", "type", "string", "minLength", 1);
		break;
	case BS_KT_BOOL:
		s = json_pack("{s:s}", "type", "boolean");
		break;
	case BS_KT_ENUM: {
		json_t *e = json_array();
		char name[64];
		int i;
		for (i = 0; e && bs_key_enum_name(k->path, i, name, sizeof(name)); i++)
			if (json_array_append_new(e, json_string(name))) {
				json_decref(e);
				e = NULL;
			}
		s = e ? json_pack("{s:o}", "enum", e) : NULL;
		break;
	}
	case BS_KT_HOURS:
		s = json_pack("{s:s, s:i, s:i, s:{s:s, s:f, s:f}}", "type", "array",
			      "minItems", 24, "maxItems", 24, "items", "type",
			      "number", "minimum", 0.0, "maximum", 1e15);
		break;
	case BS_KT_MONTHS:
		s = json_pack("{s:s, s:i, s:i, s:{s:s, s:f, s:f}}", "type", "array",
			      "minItems", 12, "maxItems", 12, "items", "type",
			      "number", "exclusiveMinimum", k->min, "maximum", k->max);
		break;
	case BS_KT_PAIRS: {
		json_t *pair = strings(2);
		if (pair && (put(pair, "maxItems", json_integer(2)))) {
			json_decref(pair);
			pair = NULL;
		}
		s = pair ? json_pack("{s:s, s:i, s:o}", "type", "array", "minItems",
				     1, "items", pair)
			 : NULL;
		break;
	}
	case BS_KT_WARDS: {
		json_t *row = strings(0);
		s = row ? json_pack("{s:s, s:o}", "type", "object",
				    "additionalProperties", row)
			: NULL;
		break;
	}
	case BS_KT_PRICE:
		s = per_ward(num_schema(k, 0));
		break;
	case BS_KT_WCOUNT:
		s = per_ward(num_schema(k, 1));
		break;
	case BS_KT_POOL: {
		json_t *group = strings(1);
		s = group ? json_pack("{s:[{s:s}, {s:s, s:i, s:o}]}", "oneOf",
				      "type", "boolean", "type", "array",
				      "minItems", 1, "items", group)
			  : NULL;
		break;
	}
	case BS_KT_WSTR:
		s = json_pack("{s:s, s:{s:s, s:i}}", "type", "object",
			      "additionalProperties", "type", "string",
			      "minLength", 1);
		break;
	}
	if (!s)
		return NULL;
	if (put(s, "description", json_string(k->help))) {
		json_decref(s);
		return NULL;
	}
	if (k->def && k->type != BS_KT_OBJ) {
		d = json_loads(k->def, JSON_DECODE_ANY, NULL);
		if (put(s, "default", d)) {
			json_decref(s);
			return NULL;
		}
	}
	return s;
}

/* The object of the keys directly under prefix ("" for the top). */
static json_t *object_schema(const char *prefix)
{
	json_t *o = json_object(), *props = json_object();
	size_t i, pl = strlen(prefix);

	if (!o || !props)
		goto fail;
	for (i = 0; i < bs_nkeys; i++) {
		const char *p = bs_keys[i].path, *leaf;
		json_t *ks;
		if (pl && (strncmp(p, prefix, pl) != 0 || p[pl] != '.'))
			continue;
		leaf = pl ? p + pl + 1 : p;
		if (strchr(leaf, '.'))
			continue;
		if (!(ks = key_schema(&bs_keys[i])) || put(props, leaf, ks))
			goto fail;
	}
	if (put(o, "type", json_string("object")) ||
	    put(o, "additionalProperties", json_false()) ||
	    put(o, "properties", props))
		goto fail_o;
	return o;
fail:
	json_decref(props);
fail_o:
	json_decref(o);
	return NULL;
}

/* The object schema of a dotted path ("" the scenario itself), or NULL. */
static json_t *object_at(json_t *sc, const char *path)
{
	char buf[128];
	json_t *o = sc;

	if (!*path)
		return sc;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *t = strtok_r(buf, ".", &save); t && o;
	     t = strtok_r(NULL, ".", &save))
		o = json_object_get(json_object_get(o, "properties"), t);
	return o;
}

/* Append name to the array member k of o (made when absent). */
static int append(json_t *o, const char *k, json_t *v)
{
	json_t *a = json_object_get(o, k);

	if (!a && put(o, k, a = json_array()))
		return -1;
	return !v || json_array_append_new(a, v);
}

/* Does the JSON text def name one of the values "a|b|c"? */
static int default_in(const char *def, const char *values)
{
	json_t *d = def ? json_loads(def, JSON_DECODE_ANY, NULL) : NULL;
	const char *v = d && json_is_string(d) ? json_string_value(d) : NULL;
	size_t n = v ? strlen(v) : 0;
	int in = 0;

	for (const char *p = values; v && p && *p; p = strchr(p, '|'), p = p ? p + 1 : NULL)
		if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			in = 1;
	json_decref(d);
	return in;
}

/* The values "a|b|c" as a JSON array of strings. */
static json_t *values_of(const char *values)
{
	json_t *a = json_array();

	for (const char *p = values; a && *p;) {
		size_t n = strcspn(p, "|");
		if (json_array_append_new(a, json_stringn(p, n))) {
			json_decref(a);
			return NULL;
		}
		p += n + (p[n] == '|');
	}
	return a;
}

/*
 * The keys the table says are needed (bs_key.needs), as the schema says
 * it: required in their parent when the condition is the parent itself
 * (or none); when it is a sibling key K=v|w, an if/then in the parent
 * ("if K is v or w, or K is absent and its default is v or w, then the
 * key is required"), and the parent itself required in its own parent
 * when K's default meets the condition (an absent demand object is the
 * default gravity model, which needs trips_per_day). -1 for a condition
 * of another shape: the key table must not hold one (check_scenario).
 */
static int needs_rules(json_t *sc)
{
	for (size_t i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i], *ck;
		const char *leaf = strrchr(k->path, '.'), *eq;
		char parent[128], cond[128];
		json_t *po, *vals, *test;
		size_t pl;

		if (!k->needs)
			continue;
		pl = leaf ? (size_t)(leaf - k->path) : 0;
		leaf = leaf ? leaf + 1 : k->path;
		snprintf(parent, sizeof(parent), "%.*s", (int)pl, k->path);
		if (!(po = object_at(sc, parent)))
			return -1;
		if (!k->when || strcmp(k->when, parent) == 0) {
			if (append(po, "required", json_string(leaf)))
				return -1;
			continue;
		}
		eq = strchr(k->when, '=');
		snprintf(cond, sizeof(cond), "%.*s",
			 (int)(eq ? (size_t)(eq - k->when) : strlen(k->when)),
			 k->when);
		if (!eq || strncmp(cond, parent, pl) || cond[pl] != '.' ||
		    strchr(cond + pl + 1, '.') || !(ck = bs_key_find(cond)))
			return -1;
		if (!(vals = values_of(eq + 1)))
			return -1;
		if (default_in(ck->def, eq + 1))
			test = json_pack("{s:{s:[s], s:{s:{s:{s:o}}}}}", "not",
					 "required", cond + pl + 1, "properties",
					 cond + pl + 1, "not", "enum", vals);
		else
			test = json_pack("{s:[s], s:{s:{s:o}}}", "required",
					 cond + pl + 1, "properties", cond + pl + 1,
					 "enum", vals);
		if (append(po, "allOf",
			   test ? json_pack("{s:o, s:{s:[s]}}", "if", test, "then",
					    "required", leaf)
				: NULL))
			return -1;
		if (default_in(ck->def, eq + 1) && pl) {
			const char *pleaf = strrchr(parent, '.');
			char gp[128];
			json_t *gpo, *req;
			size_t j;

			snprintf(gp, sizeof(gp), "%.*s",
				 (int)(pleaf ? (size_t)(pleaf - parent) : 0), parent);
			pleaf = pleaf ? pleaf + 1 : parent;
			if (!(gpo = object_at(sc, gp)))
				return -1;
			req = json_object_get(gpo, "required");
			for (j = 0; j < json_array_size(req); j++)
				if (strcmp(json_string_value(json_array_get(req, j)), pleaf) == 0)
					break;
			if ((!req || j == json_array_size(req)) &&
			    append(gpo, "required", json_string(pleaf)))
				return -1;
		}
	}
	return 0;
}

/* The rules between keys that a schema can say (bssim checks them all,
 * with a message that locates them; these let an editor warn early). */
static int scenario_rules(json_t *sc)
{
	json_t *props = json_object_get(sc, "properties");
	json_t *net = json_object_get(props, "network");
	json_t *fleet = json_object_get(props, "fleet");

	return put(json_object_get(props, "bssim"), "const", json_integer(1)) ||
	       put(sc, "required", json_pack("[s, s, s]", "bssim", "network",
					     "fleet")) ||
	       put(net, "oneOf", json_pack("[{s:[s]}, {s:[s]}]", "required",
					   "stations", "required", "synthetic")) ||
	       put(fleet, "anyOf", json_pack("[{s:[s]}, {s:[s]}, {s:[s]}]",
					     "required", "bikes", "required",
					     "fill", "required", "initial")) ||
	       put(fleet, "not", json_pack("{s:[s, s]}", "required", "bikes",
					   "fill"));
}

/* A sweep file's "design" (docs/sweeps.md, exp/sweepdesign.c): keys of
 * ranges are scenario keys; bssim refuses more (keys that take no
 * number, low >= high, too few points for k keys), with the key. */
static json_t *design_schema(json_t *names)
{
	return json_pack(
		"{s:s, s:b, s:[s, s, s], s:{"
		"s:{s:[s, s, s]}, s:{s:s, s:i, s:i}, s:{s:s, s:i, s:I},"
		"s:{s:s, s:i, s:i},"
		"s:{s:s, s:i, s:{s:O}, s:{s:["
		"{s:s, s:{s:s}, s:i, s:i},"
		"{s:s, s:b, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:s}}}]}}},"
		"s:s}",
		"type", "object", "additionalProperties", 0, "required", "type",
		"points", "ranges", "properties",
		"type", "enum", "lhs", "sobol", "saltelli",
		"points", "type", "integer", "minimum", 3, "maximum", 20000,
		"seed", "type", "integer", "minimum", 0,
		"maximum", (json_int_t)9007199254740991LL,
		"bootstrap", "type", "integer", "minimum", 100, "maximum", 100000,
		"ranges", "type", "object", "minProperties", 1, "propertyNames",
		"enum", names, "additionalProperties", "oneOf",
		"type", "array", "items", "type", "number", "minItems", 2,
		"maxItems", 2,
		"type", "object", "additionalProperties", 0, "required", "low",
		"high", "properties", "low", "type", "number", "high", "type",
		"number", "integer", "type", "boolean",
		"description",
		"a designed experiment: Latin hypercube (lhs) or Sobol' (sobol, saltelli: N (k + 2) points) points over ranges of scenario keys; bssim sweep writes their sensitivity indices (docs/sweeps.md)");
}

static json_t *sweep_schema(void)
{
	json_t *names = json_array(), *s;
	size_t i;

	for (i = 0; names && i < bs_nkeys; i++)
		if (json_array_append_new(names, json_string(bs_keys[i].path))) {
			json_decref(names);
			names = NULL;
		}
	if (!names)
		return NULL;
	s = json_pack(
		"{s:s, s:b, s:[s, s], s:{"
		"s:{s:i, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:i, s:s},"
		"s:{s:s, s:i, s:i, s:s},"
		"s:{s:s, s:{s:O}, s:s},"
		"s:{s:s, s:{s:O}, s:{s:s, s:i}, s:i, s:s}}}",
		"type", "object", "additionalProperties", 0, "required",
		"bssim_sweep", "base", "properties",
		"bssim_sweep", "const", 1, "description", "sweep file format version; must be 1",
		"name", "type", "string", "description", "names the default output folder out/<name>",
		"description", "type", "string", "description", "free text",
		"base", "type", "string", "minLength", 1, "description",
		"the scenario every point starts from (path relative to the sweep file)",
		"replications", "type", "integer", "minimum", 1, "maximum", 10000,
		"description", "replications of every point",
		"set", "type", "object", "propertyNames", "enum", names,
		"description", "scenario keys given the same value at every point",
		"vary", "type", "object", "propertyNames", "enum", names,
		"additionalProperties", "type", "array", "minItems", 1,
		"minProperties", 1,
		"description", "scenario keys, each with a non-empty list of values");
	if (s && json_object_set_new(json_object_get(s, "properties"), "design",
				     design_schema(names))) {
		json_decref(s);
		s = NULL;
	}
	json_decref(names);
	return s;
}

json_t *bs_keys_schema(void)
{
	json_t *doc, *sc = object_schema(""), *sw = sweep_schema();

	if (!sc || !sw || scenario_rules(sc) || needs_rules(sc)) {
		json_decref(sc);
		json_decref(sw);
		return NULL;
	}
	doc = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s}, {s:s}], s:{s:o, s:o}}",
			"$schema", "https://json-schema.org/draft/2020-12/schema",
			"$id", "urn:bssim:schema:1",
			"title", "bssim scenario or sweep file (format 1)",
			"description",
			"Generated by `bssim schema` from bssim's key table: every key, its type, range, default and meaning. bssim's own checks are the reference; this schema lets editors complete and check files as they are typed.",
			"oneOf", "$ref", "#/$defs/scenario", "$ref", "#/$defs/sweep",
			"$defs", "scenario", sc, "sweep", sw);
	return doc;
}
