/*
 * scenario.h - scenario files (JSON, format version 1): loading, --set
 * overrides, validation against the key table, defaults, and the resolved
 * scenario that results carry.
 *
 * Every key a scenario may hold is one row of the key table in scenario.c:
 * its type, range, default, the condition under which it applies, and a
 * line of help. The same table drives validation, defaults, the list of
 * keys that `bssim check` reports as unused, and docs/scenario-keys.md
 * (`bssim keys`). Unknown keys are errors, with the nearest known key
 * suggested.
 *
 * Errors name the file, line and column of the offending key (or the
 * `--set` that introduced it), the key, and what was expected.
 *
 * Ownership: bs_scenario_load returns a scenario the caller frees with
 * bs_scenario_free; the resolved JSON (root) belongs to it.
 */
#ifndef BSSIM_SCENARIO_H
#define BSSIM_SCENARIO_H

#include <stdio.h>

#include <jansson.h>

#include "base/common.h"
#include "model/params.h"

/* struct bs_set (one --set KEY=VALUE override) is in bssim.h. */

struct bs_scenario {
	char *file;  /* path as given */
	char *dir;   /* its directory, for relative paths ("." when none) */
	char *text;  /* source text (BOM removed), for locating errors */
	size_t textlen;
	json_t *root; /* resolved: overrides applied, defaults filled */
	char **set_keys; /* keys given by --set, for error origins */
	size_t nset;
	char **unused; /* keys given but not used by this scenario */
	size_t nunused;

	const char *name; /* borrowed from root */
	struct bs_params p;

	/* network: exactly one of these */
	char *stations_path; /* resolved against dir; NULL when synthetic */
	size_t syn_n, syn_wards;
	uint32_t syn_cap;
	double syn_spacing_m;

	/* tables named by the scenario, resolved against dir; NULL if none */
	char *initial_path; /* fleet.initial */
	char *rates_path;   /* demand.rates */
	char *od_path;      /* demand.od */
	char *trips_path;   /* demand.trips */
	long trace_day0;    /* demand.trace_start, days since 1970; -1: auto */
};

/*
 * Load, apply overrides (in order; a later one wins), validate, fill
 * defaults. NULL with err filled on bad input.
 */
struct bs_scenario *bs_scenario_load(const char *path,
				     const struct bs_set *sets,
				     size_t nset, struct bs_error *err);

/*
 * The same from a JSON value already in memory (a sweep point): `root` is
 * taken over (its reference is stolen, even on failure); `file` and `text`
 * locate errors in the base file (text may be NULL).
 */
struct bs_scenario *bs_scenario_from_json(json_t *root, const char *file,
					  const char *text,
					  const struct bs_set *sets,
					  size_t nset, struct bs_error *err);

/*
 * Fill err for a problem with the value at dotted `key` of sc, locating it
 * in the file or naming the --set that gave it. Returns BS_E_INPUT.
 */
int bs_scenario_error(const struct bs_scenario *sc, struct bs_error *err,
		      const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Resolve a path given in the scenario against its directory. New string. */
char *bs_scenario_path(const struct bs_scenario *sc, const char *rel);

/* Is key a known scenario key (dotted path, as for --set)? */
int bs_scenario_key_known(const char *key);

/* The bounds of a numeric key (inclusive; min excluded when *min_open):
 * 0, or -1 when key is not a numeric key. */
int bs_scenario_key_range(const char *key, double *min, double *max,
			  int *min_open);

/* The known key nearest to an unknown one (same parent, a small edit
 * distance), or NULL. Static string. */
const char *bs_scenario_key_suggest(const char *key);

/* Write the key table as Markdown (docs/scenario-keys.md). */
void bs_scenario_keys_markdown(FILE *out);

void bs_scenario_free(struct bs_scenario *sc);

#endif
