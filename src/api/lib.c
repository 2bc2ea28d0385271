/*
 * lib.c - the library as a whole and its reference texts (bssim.h): the
 * version, process set-up, freeing what it returns, the key table as
 * Markdown and as a JSON Schema, the limits, the metrics; and the
 * scenario handle's accessors. No model logic: each function checks its
 * arguments (a misuse is an assertion, as in Lua) and calls the layer
 * that knows.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/limits.h"
#include "calib/world.h"
#include "engine/rng.h"
#include "input/jsonpos.h"
#include "input/keys.h"
#include "input/scenario.h"
#include "stats/metrics.h"

const char *bs_version(void)
{
	return BSSIM_VERSION;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
	bs_rng_setup();
	bs_json_setup();
}

void bs_init(void)
{
	pthread_once(&init_once, init);
}

void bs_free(void *p)
{
	free(p);
}

/* What fn writes, as a new string; NULL when out of memory. */
static char *text_of(void (*fn)(FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return NULL;
	fn(fp);
	if (fclose(fp) || !text) {
		free(text);
		return NULL;
	}
	return text;
}

char *bs_keys_markdown(void)
{
	return text_of(bs_keys_write_markdown);
}

char *bs_limits_markdown(void)
{
	return text_of(bs_limits_write);
}

char *bs_schema_json(void)
{
	json_t *s = bs_keys_schema();
	char *text;

	if (!s)
		return NULL;
	text = json_dumps(s, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	json_decref(s);
	return text;
}

size_t bs_metric_count(void)
{
	return BS_METRIC_N;
}

const char *bs_metric_name(size_t i)
{
	assert(i < BS_METRIC_N);
	return bs_metric_names[i];
}

const char *bs_metric_help(size_t i)
{
	assert(i < BS_METRIC_N);
	return bs_metric_helptext[i];
}

/* ---- the scenario handle --------------------------------------------------- */

bs_scenario *bs_scenario_parse(const char *text, size_t len, const char *name,
			       const char *dir, const struct bs_set *sets,
			       size_t nset, struct bs_error *err)
{
	char *file, *copy;
	json_t *root;
	bs_scenario *sc;

	assert(text && name);
	/* messages name `name`; relative paths resolve against dir */
	if (dir && strcmp(dir, "."))
		file = bs_path_join(dir, strlen(dir), name);
	else
		file = bs_strdup(name);
	copy = malloc(len + 1);
	if (!file || !copy) {
		free(file);
		free(copy);
		bs_error_set(err, BS_E_NOMEM, name, 0, 0, NULL, "out of memory");
		return NULL;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (bs_json_parse(name, text, len, "scenario", &root, err)) {
		free(file);
		free(copy);
		return NULL;
	}
	sc = bs_scenario_from_json(root, file, copy, sets, nset, err);
	free(file);
	free(copy);
	return sc;
}

const char *bs_scenario_name(const bs_scenario *sc)
{
	assert(sc);
	return sc->name;
}

const char *bs_scenario_file(const bs_scenario *sc)
{
	assert(sc);
	return sc->file;
}

char *bs_scenario_json(const bs_scenario *sc)
{
	assert(sc);
	return json_dumps(sc->root, JSON_INDENT(2));
}

char *bs_scenario_get(const bs_scenario *sc, const char *key)
{
	json_t *v;

	assert(sc && key);
	v = bs_json_path(sc->root, key);
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
					  JSON_REAL_PRECISION(17))
		 : NULL;
}

size_t bs_scenario_unused(const bs_scenario *sc, const char *const **keys)
{
	assert(sc && keys);
	*keys = (const char *const *)sc->unused;
	return sc->nunused;
}

/* Beside bs_scenario_warnings (calib/world.c), which is at its length. */
const struct bs_warnings *bs_scenario_notes(const bs_scenario *sc)
{
	static const struct bs_warnings none;

	assert(sc);
	return sc->world ? &sc->world->notes : &none;
}
