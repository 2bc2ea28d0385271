/*
 * provenance.c - the files a scenario's run reads, by absolute path and
 * sha256 (see scenario.h): what summary.json records so that a result
 * can be traced to its inputs and run again (`bssim run --again`).
 *
 * Which files: the scenario file itself and every key of the table whose
 * value is a path (BS_KC_PATH) and applies, so that a path key added to
 * keys.c is recorded without a line here. The data files are hashed when
 * the run starts (bs__scenario_inputs), just after bs_scenario_check read
 * them: a file rewritten in between would be recorded with its new bytes
 * (a window of milliseconds; closing it would mean hashing inside every
 * reader). The scenario file is hashed from the very bytes parsed.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/sha256.h"
#include "base/str.h"
#include "input/keys.h"
#include "input/scenario.h"

/* The absolute path of an existing file, symbolic links resolved, into
 *out; 0 or a code with err filled. */
static int absolute(const char *path, const char *key, char **out,
		    struct bs_error *err)
{
	int e, code;

	if ((*out = realpath(path, NULL)))
		return 0;
	e = errno;
	code = e == ENOMEM ? BS_E_NOMEM : BS_E_INPUT;
	bs_error_set(err, code, path, 0, 0, key, "cannot resolve the path: %s",
		     strerror(e));
	return code;
}

int bs__scenario_origin(struct bs_scenario *sc, const char *path,
			const void *bytes, size_t len, struct bs_error *err)
{
	int rc;

	bs__input_file_release(&sc->origin);
	if ((rc = absolute(path, NULL, &sc->origin.path, err)))
		return rc;
	sc->origin.key = "scenario";
	bs_sha256_hex(bytes, len, sc->origin.sha256);
	sc->origin.bytes = len;
	return 0;
}

/* The bound field of path key k (NULL when the key does not apply). */
static char **field_of(struct bs_scenario *sc, const struct bs_key *k)
{
	return (char **)(void *)((char *)sc + k->off);
}

static int is_path_key(const struct bs_key *k)
{
	return k->ctype == BS_KC_PATH && k->dest == BS_KD_SCEN;
}

int bs__scenario_inputs(struct bs_scenario *sc, struct bs_error *err)
{
	size_t i, n = 0;
	int rc;

	if (sc->inputs_done)
		return 0;
	for (i = 0; i < bs_nkeys; i++)
		n += is_path_key(&bs_keys[i]) && *field_of(sc, &bs_keys[i]);
	for (i = 0; sc->inputs && i < sc->ninputs; i++)
		bs__input_file_release(&sc->inputs[i]); /* a failed try's */
	free(sc->inputs);
	sc->ninputs = 0;
	if (!(sc->inputs = calloc(n ? n : 1, sizeof(*sc->inputs)))) {
		bs_error_set(err, BS_E_NOMEM, sc->file, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		struct bs_input_file *f = &sc->inputs[sc->ninputs];
		const char *p;

		if (!is_path_key(k) || !(p = *field_of(sc, k)))
			continue;
		f->key = k->path;
		if ((rc = absolute(p, k->path, &f->path, err)))
			return rc;
		sc->ninputs++;
		if ((rc = bs_sha256_file(f->path, f->sha256, &f->bytes, err))) {
			if (err)
				bs_strlcpy(err->key, k->path, sizeof(err->key));
			return rc;
		}
	}
	sc->inputs_done = 1;
	return 0;
}

int bs__scenario_repath(struct bs_scenario *sc, const char *key,
			const char *path)
{
	const struct bs_key *k = bs_key_find(key);
	char **f, *p;

	if (!k || !is_path_key(k) || !*(f = field_of(sc, k)))
		return BS_E_INPUT;
	if (!(p = bs_strdup(path)))
		return BS_E_NOMEM;
	free(*f);
	*f = p;
	return 0;
}

static json_t *record(const struct bs_input_file *f, int with_paths)
{
	json_t *o;

	if (with_paths)
		return json_string(f->path);
	if ((o = json_object())) {
		json_object_set_new(o, "sha256", json_string(f->sha256));
		json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
	}
	return o;
}

json_t *bs__scenario_inputs_json(const struct bs_scenario *sc, int with_paths)
{
	json_t *o = json_object();
	size_t i;

	if (!o)
		return NULL;
	if (sc->origin.key &&
	    json_object_set_new(o, "scenario", record(&sc->origin, with_paths)))
		goto nomem;
	for (i = 0; i < sc->ninputs; i++)
		if (json_object_set_new(o, sc->inputs[i].key,
					record(&sc->inputs[i], with_paths)))
			goto nomem;
	return o;
nomem:
	json_decref(o);
	return NULL;
}

/* A recorded sha256: 64 lower-case hex digits. */
static int is_sha256(const char *h)
{
	size_t i;

	if (!h || strlen(h) != 2 * BS_SHA256_LEN)
		return 0;
	for (i = 0; h[i]; i++)
		if (!strchr("0123456789abcdef", h[i]))
			return 0;
	return 1;
}

/* One path key of a rerun: its recorded path and sha256, checked against
 * the file as it is now, into f. */
static int adopt_one(struct bs_scenario *sc, const struct bs_key *k,
		     json_t *sums, json_t *paths, const struct bs_again *a,
		     struct bs_input_file *f, struct bs_error *err)
{
	json_t *rec = json_object_get(sums, k->path);
	const char *was = json_string_value(json_object_get(rec, "sha256"));
	const char *abs = json_string_value(json_object_get(paths, k->path));
	char key[256];
	int rc;

	snprintf(key, sizeof(key), "inputs.%s", k->path);
	if (!is_sha256(was)) {
		bs_error_set(err, BS_E_INPUT, a->summary, 0, 0, key,
			     "missing or not 64 hex digits; expected the sha256 of the file the run read as %s",
			     k->path);
		return BS_E_INPUT;
	}
	snprintf(key, sizeof(key), "run.inputs.%s", k->path);
	if (!abs || abs[0] != '/') {
		bs_error_set(err, BS_E_INPUT, a->summary, 0, 0, key,
			     "missing or not an absolute path; expected the path of the file the run read as %s",
			     k->path);
		return BS_E_INPUT;
	}
	f->key = k->path;
	if (!(f->path = bs_strdup(abs)) ||
	    (rc = bs__scenario_repath(sc, k->path, abs)) == BS_E_NOMEM) {
		bs_error_set(err, BS_E_NOMEM, a->summary, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if (bs_sha256_file(abs, f->sha256, &f->bytes, err)) {
		/* "cannot open: No such file or directory", and which input */
		char why[sizeof(err->text)];
		bs_strlcpy(why, err->text, sizeof(why));
		bs_error_set(err, err->code, abs, 0, 0, k->path,
			     "%.600s; the run in %s read this file as %s",
			     why, a->dir, k->path);
		return err->code;
	}
	if (strcmp(f->sha256, was) == 0)
		return 0;
	if (!a->force) {
		bs_error_set(err, BS_E_INPUT, abs, 0, 0, k->path,
			     "changed since the run in %s: its sha256 was %s and is now %s; expected the same bytes (--force reruns with the file as it is now)",
			     a->dir, was, f->sha256);
		return BS_E_INPUT;
	}
	bs_warn(a->notes, "%s (%s) changed since the run (sha256 %.12s..., now %.12s...): rerun with it as it is now (--force)",
		k->path, abs, was, f->sha256);
	return 0;
}

int bs__scenario_adopt_inputs(struct bs_scenario *sc, json_t *sums,
			      json_t *paths, const struct bs_again *a,
			      struct bs_error *err)
{
	json_t *scen = json_object_get(sums, "scenario");
	const char *key, *was = json_string_value(json_object_get(scen, "sha256"));
	const char *abs = json_string_value(json_object_get(paths, "scenario"));
	json_t *v;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < bs_nkeys; i++)
		n += is_path_key(&bs_keys[i]) && *field_of(sc, &bs_keys[i]);
	if (!(sc->inputs = calloc(n ? n : 1, sizeof(*sc->inputs))))
		goto nomem;
	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		if (!is_path_key(k) || !*field_of(sc, k))
			continue;
		rc = adopt_one(sc, k, sums, paths, a, &sc->inputs[sc->ninputs++],
			       err);
		if (rc)
			return rc;
	}
	/* a record of a file this scenario does not read: the summary.json
	 * was edited, or is not this scenario's */
	json_object_foreach(sums, key, v) {
		const struct bs_key *k = bs_key_find(key);
		if (strcmp(key, "scenario") &&
		    (!k || !is_path_key(k) || !*field_of(sc, k))) {
			char where[256];
			snprintf(where, sizeof(where), "inputs.%s", key);
			bs_error_set(err, BS_E_INPUT, a->summary, 0, 0, where,
				     "a file the recorded scenario does not read; expected only the scenario and its path keys");
			return BS_E_INPUT;
		}
	}
	sc->inputs_done = 1;
	/* the scenario file: recorded as the original's (the rerun runs its
	 * resolved copy, so the file itself may have moved or changed) */
	if (is_sha256(was) && abs && abs[0] == '/') {
		if (!(sc->origin.path = bs_strdup(abs)))
			goto nomem;
		sc->origin.key = "scenario";
		bs_strlcpy(sc->origin.sha256, was, sizeof(sc->origin.sha256));
		sc->origin.bytes = (uint64_t)json_integer_value(
			json_object_get(scen, "bytes"));
	}
	return 0;
nomem:
	bs_error_set(err, BS_E_NOMEM, a->summary, 0, 0, NULL, "out of memory");
	return BS_E_NOMEM;
}

void bs__input_file_release(struct bs_input_file *f)
{
	free(f->path);
	memset(f, 0, sizeof(*f));
}
