/*
 * sweep.c - sweep files, points, the plan and shards (see sweep.h).
 */
#include "exp/sweep.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/jsonpos.h"
#include "input/keys.h"
#include "base/limits.h"
#include "base/pool.h"
#include "stats/metrics.h"
#include "output/output.h"
#include "calib/world.h"


/* ---- small helpers ------------------------------------------------------- */

/* Whole file, NUL-terminated, a UTF-8 byte-order mark skipped (*skip
 * bytes), refused when binary or empty. NULL with err. */
static char *read_text(const char *path, const char *what, size_t *len,
		       size_t *skip, struct bs_error *err)
{
	/* refuses a FIFO or a device before it can block */
	FILE *fp = bs_input_fopen(path, what, err);
	char *buf = NULL;
	size_t n = 0, k;
	int rc;

	*skip = 0;
	if (!fp) {
		if (errno) /* it could not be opened: say what was expected */
			bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
				     "cannot open: %s; expected %s",
				     strerror(errno), what);
		return NULL;
	}
	rc = bs_read_all(fp, BS_MAX_SWEEP_FILE, &buf, &n);
	if (rc == BS_E_LIMIT)
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "larger than 64 MiB; expected %s", what);
	else if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
	else if (rc)
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "cannot read: %s; expected %s", strerror(errno),
			     what);
	fclose(fp);
	if (rc)
		return NULL;
	if (n >= 3 && (unsigned char)buf[0] == 0xEF &&
	    (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
		*skip = 3;
	if (memchr(buf, '\0', n)) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "binary data (a NUL byte); expected %s", what);
		goto fail;
	}
	for (k = *skip; k < n && strchr(" \t\r\n", buf[k]); k++)
		;
	if (k == n) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "empty file; expected %s", what);
		goto fail;
	}
	*len = n;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* A value as compact JSON text that reads back to the same value; a real
 * with the fewest digits that do (0.4, not 0.40000000000000002), since
 * the text is also what messages show. New string. */
static char *dump_any(const json_t *v)
{
	if (json_is_real(v)) {
		int prec;
		for (prec = 15; prec < 17; prec++) {
			char *s = json_dumps(v, JSON_ENCODE_ANY |
						      JSON_REAL_PRECISION(prec));
			if (!s || strtod(s, NULL) == json_real_value(v))
				return s;
			free(s);
		}
	}
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
				     JSON_REAL_PRECISION(17));
}

#define serr bs__sweep_err
#define check_key bs__sweep_check_key
#define check_nesting bs__sweep_check_nesting

/* An error about the value at path (dotted, as jsonpos.h) in the sweep
 * file. Returns BS_E_INPUT. */
int serr(const struct bs_sweep *sw, struct bs_error *err,
		const char *path, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bs_json_error_at(err, sw->file, sw->text, sw->textlen, path, msg);
}

static int name_ok(const char *s)
{
	size_t i, l = strlen(s);

	if (l == 0 || l > 100 || s[0] == '.')
		return 0;
	for (i = 0; i < l; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    s[i]))
			return 0;
	return 1;
}

static char *default_name(const char *file)
{
	char buf[128];

	return bs_strdup(bs_name_of_file(file, "sweep", buf, sizeof(buf)));
}

/* Index of each dimension's value at point p (last key fastest; the
 * design's keys all at the point's row, the design fastest of all). */
void bs__sweep_point_index(const struct bs_sweep *sw, size_t p, size_t *idx)
{
	size_t d = sw->ndims - sw->design.k;

	if (sw->design.type) {
		size_t i, row = p % sw->design.rows;
		for (i = d; i < sw->ndims; i++)
			idx[i] = row;
		p /= sw->design.rows;
	}
	while (d-- > 0) {
		size_t n = json_array_size(sw->dims[d].values);
		idx[d] = p % n;
		p /= n;
	}
}

/* A vary item {"label": "...", "value": V}: exactly these two members,
 * the label a string. Any other item is a value as it is. */
static int is_labelled(const json_t *item)
{
	return json_is_object(item) && json_object_size(item) == 2 &&
	       json_is_string(json_object_get(item, "label")) &&
	       json_object_get(item, "value");
}

const json_t *bs__sweep_value(const struct bs_sweep *sw, size_t d, size_t i)
{
	const json_t *item = json_array_get(sw->dims[d].values, i);

	return is_labelled(item) ? json_object_get(item, "value") : item;
}

const char *bs__sweep_label(const struct bs_sweep *sw, size_t d, size_t i)
{
	const json_t *item = json_array_get(sw->dims[d].values, i);

	return is_labelled(item) ? json_string_value(json_object_get(item, "label"))
				 : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The labels of vary.<key>'s items: an item with "label" or "value" must
 * have both and nothing else; a label is 1 to 200 bytes of printable text
 * (it names a line in a legend); no two items of a key share one (their
 * lines would merge). O(n log n) in the items.
 */
static int check_labels(const struct bs_sweep *sw, const char *path,
			const json_t *list, struct bs_error *err)
{
	size_t i, n = json_array_size(list), nl = 0;
	const char **labels = calloc(n ? n : 1, sizeof(char *));
	const json_t *item;
	int rc = 0;

	if (!labels)
		return BS_E_NOMEM;
	json_array_foreach((json_t *)list, i, item) {
		char at[700];
		const json_t *lab = json_object_get(item, "label");
		const char *t;
		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		if (!json_is_object(item) ||
		    (!lab && !json_object_get(item, "value")))
			continue;
		if (!is_labelled(item)) {
			rc = serr(sw, err, at,
				  "expected a labelled value {\"label\": \"...\", \"value\": ...} with these two members only (or a value without \"label\" and \"value\")");
			goto out;
		}
		t = json_string_value(lab);
		if (!*t || strlen(t) > 200 || strpbrk(t, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f")) {
			snprintf(at + strlen(at), sizeof(at) - strlen(at), ".label");
			rc = serr(sw, err, at,
				  "expected 1 to 200 bytes of text on one line (it names a line in a plot)");
			goto out;
		}
		labels[nl++] = t;
	}
	qsort(labels, nl, sizeof(char *), cmp_str);
	for (i = 1; i < nl; i++)
		if (!strcmp(labels[i - 1], labels[i])) {
			rc = serr(sw, err, path,
				  "the label '%s' is given twice; expected a label per value (their lines would merge)",
				  labels[i]);
			goto out;
		}
out:
	free(labels);
	return rc;
}

/* ---- loading ------------------------------------------------------------- */

static const char *const TOP_KEYS[] = {"bssim_sweep", "name", "description",
				       "base", "replications", "set", "vary",
				       "design"};
#define NTOP (sizeof(TOP_KEYS) / sizeof(TOP_KEYS[0]))

static int check_top(const struct bs_sweep *sw, struct bs_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(sw->doc, k, v) {
		size_t i;
		for (i = 0; i < NTOP; i++)
			if (strcmp(k, TOP_KEYS[i]) == 0)
				break;
		if (i == NTOP)
			return serr(sw, err, k,
				    "unknown key; expected bssim_sweep, name, description, base, replications, set, vary or design");
	}
	return 0;
}

/* A key of set or vary must be a scenario key. */
int check_key(const struct bs_sweep *sw, const char *where,
		     const char *key, struct bs_error *err)
{
	char path[600];
	const char *near;

	snprintf(path, sizeof(path), "%s.%s", where, key);
	if (bs_key_find(key))
		return 0;
	near = bs_scenario_key_suggest(key);
	if (near)
		return serr(sw, err, path,
			    "'%s' is not a scenario key; did you mean '%s'? (docs/scenario-keys.md lists them all)",
			    key, near);
	return serr(sw, err, path,
		    "'%s' is not a scenario key; expected a dotted key such as fleet.bikes (docs/scenario-keys.md lists them all)",
		    key);
}

static int add_fixed(struct bs_sweep *sw, const char *key, const json_t *v,
		     const char *origin)
{
	struct bs_set *o = realloc(sw->fixed,
					(sw->nfixed + 1) * sizeof(*o));
	char **og;

	if (!o)
		return BS_E_NOMEM;
	sw->fixed = o;
	og = realloc(sw->fixed_origin, (sw->nfixed + 1) * sizeof(*og));
	if (!og)
		return BS_E_NOMEM;
	sw->fixed_origin = og;
	o[sw->nfixed].key = bs_strdup(key);
	o[sw->nfixed].value = dump_any(v);
	og[sw->nfixed] = bs_strdup(origin);
	sw->nfixed++;
	if (!o[sw->nfixed - 1].key || !o[sw->nfixed - 1].value ||
	    !og[sw->nfixed - 1])
		return BS_E_NOMEM;
	return 0;
}

/* a names an object that holds b ("fleet" and "fleet.bikes") */
static int key_contains(const char *a, const char *b)
{
	size_t la = strlen(a);

	return strncmp(a, b, la) == 0 && b[la] == '.';
}

/*
 * A varied key k and a key that contains it or that it contains, varied
 * before it or set: which value would a point run? Refused, naming both.
 * O(set + varied keys) per varied key (at most 64 varied keys).
 */
int check_nesting(struct bs_sweep *sw, const char *path, const char *k,
			 json_t *set, struct bs_error *err)
{
	const char *j;
	json_t *v;
	size_t d;

	for (d = 0; d < sw->ndims; d++) {
		j = sw->dims[d].key;
		if (key_contains(j, k) || key_contains(k, j))
			return serr(sw, err, path,
				    "'%s' and '%s' are both varied and one holds the other; expected only one of them",
				    j, k);
	}
	json_object_foreach(set, j, v) {
		if (key_contains(j, k) || key_contains(k, j))
			return serr(sw, err, path,
				    "'%s' is varied and '%s' is set, and one holds the other; expected them in one place",
				    k, j);
	}
	return 0;
}

static int parse_doc(struct bs_sweep *sw, struct bs_error *err)
{
	json_t *d = sw->doc, *v, *set, *vary;
	const char *k;
	int rc;
	double points = 1.0;

	if (!json_is_object(d))
		return serr(sw, err, "",
			    "expected a sweep object {\"bssim_sweep\": 1, \"base\": \"scenario.json\", \"vary\": {...}}");
	if ((rc = check_top(sw, err)))
		return rc;
	v = json_object_get(d, "bssim_sweep");
	if (!v)
		return serr(sw, err, "",
			    "missing \"bssim_sweep\": 1 (the sweep format version) at the top");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return serr(sw, err, "bssim_sweep",
			    "unsupported sweep format version; expected 1");
	v = json_object_get(d, "name");
	if (v && (!json_is_string(v) || !name_ok(json_string_value(v))))
		return serr(sw, err, "name",
			    "expected 1 to 100 letters, digits, '.', '_' or '-', not starting with '.' (it names the output folder)");
	sw->name = v ? bs_strdup(json_string_value(v)) : default_name(sw->file);
	if (!sw->name)
		return BS_E_NOMEM;
	v = json_object_get(d, "description");
	if (v && !json_is_string(v))
		return serr(sw, err, "description", "expected a string");
	v = json_object_get(d, "base");
	if (!v)
		return serr(sw, err, "",
			    "missing \"base\": the scenario file every point starts from");
	if (!json_is_string(v) || json_string_length(v) == 0)
		return serr(sw, err, "base",
			    "expected the path of a scenario file (relative to the sweep file)");

	set = json_object_get(d, "set");
	if (set && !json_is_object(set))
		return serr(sw, err, "set",
			    "expected an object of scenario keys and values, e.g. {\"horizon.days\": 7}");
	json_object_foreach(set, k, v) {
		char origin[600];
		if ((rc = check_key(sw, "set", k, err)))
			return rc;
		snprintf(origin, sizeof(origin), "set.%s", k);
		if (add_fixed(sw, k, v, origin))
			return BS_E_NOMEM;
	}
	v = json_object_get(d, "replications");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 10000)
			return serr(sw, err, "replications",
				    "expected an integer from 1 to 10000");
		if (add_fixed(sw, "replications", v, "replications"))
			return BS_E_NOMEM;
	}

	vary = json_object_get(d, "vary");
	if (vary && !json_is_object(vary))
		return serr(sw, err, "vary",
			    "expected an object of scenario keys and lists of values, e.g. {\"fleet.bikes\": [2000, 3000]}");
	sw->dims = calloc(json_object_size(vary) + 1, sizeof(*sw->dims));
	if (!sw->dims)
		return BS_E_NOMEM;
	json_object_foreach(vary, k, v) {
		char path[600];
		snprintf(path, sizeof(path), "vary.%s", k);
		if (!strcmp(k, "design"))
			return serr(sw, err, path,
				    "a design goes at the top of the sweep file, beside vary: {\"bssim_sweep\": 1, ..., \"design\": {\"type\": \"sobol\", \"points\": N, \"ranges\": {...}}}");
		if ((rc = check_key(sw, "vary", k, err)))
			return rc;
		if (sw->ndims == 64)
			return serr(sw, err, path,
				    "more than 64 varied keys; expected at most 64");
		if (strcmp(k, "replications") == 0)
			return serr(sw, err, path,
				    "replications cannot vary: every point runs the same replications (common random numbers); give \"replications\" at the top");
		if (json_object_get(set, k))
			return serr(sw, err, path,
				    "'%s' is both set and varied; expected it in one of them",
				    k);
		if ((rc = check_nesting(sw, path, k, set, err)))
			return rc;
		if (!json_is_array(v))
			return serr(sw, err, path,
				    "expected a list of values, e.g. [%s]",
				    "2000, 3000");
		if (json_array_size(v) == 0)
			return serr(sw, err, path,
				    "an empty list gives no point at all; expected at least one value");
		if ((rc = check_labels(sw, path, v, err)))
			return rc;
		points *= (double)json_array_size(v);
		if (points > BS_SWEEP_MAX_POINTS)
			return serr(sw, err, path,
				    "the product of the lists reaches %.0f points; expected at most %d",
				    points, BS_SWEEP_MAX_POINTS);
		sw->dims[sw->ndims].key = bs_strdup(k);
		sw->dims[sw->ndims].values = v;
		if (!sw->dims[sw->ndims].key)
			return BS_E_NOMEM;
		sw->ndims++;
	}
	return bs__sweep_design_parse(sw, json_object_get(d, "design"), set,
				      vary, points, err);
}

struct bs_sweep *bs_sweep_load(const char *path, struct bs_error *err)
{
	unsigned long f0;
	struct bs_sweep *sw = calloc(1, sizeof(*sw));
	json_error_t je;
	size_t len, skip, blen, bskip;
	char *btext = NULL;
	struct bs_scenario *sc;
	int rc;

	if (!sw)
		goto nomem;
	sw->file = bs_strdup(path);
	if (!sw->file)
		goto nomem;
	sw->text = read_text(path, "a sweep file {\"bssim_sweep\": 1, ...}",
			     &len, &skip, err);
	if (!sw->text)
		goto fail;
	if (skip)
		memmove(sw->text, sw->text + skip, len - skip + 1);
	sw->textlen = len - skip;
	if (bs_json_parse(path, sw->text, sw->textlen, "sweep", &sw->doc, err))
		goto fail;
	rc = parse_doc(sw, err);
	if (rc == BS_E_NOMEM)
		goto nomem;
	if (rc)
		goto fail;

	sw->base_file = bs_path_beside(path, json_string_value(
					       json_object_get(sw->doc, "base")));
	if (!sw->base_file)
		goto nomem;
	btext = read_text(sw->base_file, "a scenario file {\"bssim\": 1, ...}",
			  &blen, &bskip, err);
	if (!btext && err && err->code == BS_E_NOMEM)
		goto fail; /* no fault of the key: keep the message */
	if (!btext) {
		/* name the key that gave the path, then the problem */
		char msg[1100];
		char *e = bs_error_format(err, msg, sizeof(msg));
		serr(sw, err, "base", "%s", e);
		goto fail;
	}
	sw->base_text = bs_strdup(btext + bskip);
	free(btext);
	if (!sw->base_text)
		goto nomem;
	f0 = bs_json_alloc_failures();
	sw->base = json_loads(sw->base_text, JSON_REJECT_DUPLICATES, &je);
	if (!sw->base) {
		if (bs_json_nomem(&je, f0))
			goto nomem;
		bs_error_set(err, BS_E_INPUT, sw->base_file, je.line, je.column,
			     NULL, "invalid JSON: %s", je.text);
		goto fail;
	}

	/* The first point tells the replications (the same for all: they
	 * cannot vary); the plan checks every point. */
	sc = bs_sweep_scenario(sw, 0, err);
	if (!sc)
		goto fail;
	sw->reps = sc->p.replications;
	bs_scenario_free(sc);
	if ((double)sw->npoints * sw->reps > BS_SWEEP_MAX_TASKS) {
		serr(sw, err, "vary",
		     "%zu points x %u replications = %.0f tasks; expected at most %d (split the sweep into several files)",
		     sw->npoints, sw->reps, (double)sw->npoints * sw->reps,
		     BS_SWEEP_MAX_TASKS);
		goto fail;
	}
	sw->ntasks = (uint64_t)sw->npoints * sw->reps;
	return sw;
nomem:
	bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
		     "out of memory reading the sweep");
fail:
	bs_sweep_free(sw);
	return NULL;
}

/* ---- points -------------------------------------------------------------- */

void bs_sweep_label_of(const struct bs_sweep *sw, size_t p, char *buf,
			  size_t size)
{
	size_t used, d;
	json_t *values = NULL;

	used = (size_t)snprintf(buf, size, "point %zu", p + 1);
	if (used >= size)
		return;
	if (sw->plan)
		values = json_object_get(bs_sweep_point(sw, p), "values");
	if (!sw->ndims && !json_object_size(values))
		return;
	used += (size_t)snprintf(buf + used, size - used, " (");
	if (values) {
		const char *k;
		json_t *v;
		d = 0;
		json_object_foreach(values, k, v) {
			char *s = dump_any(v);
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used,
							 "%s%s=%s", d++ ? ", " : "",
							 k, s ? s : "?");
			free(s);
		}
	} else {
		size_t idx[64], nd = sw->ndims < 64 ? sw->ndims : 64;
		bs__sweep_point_index(sw, p, idx);
		for (d = 0; d < nd; d++) {
			char *s = dump_any(bs__sweep_value(sw, d, idx[d]));
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used,
							 "%s%s=%s", d ? ", " : "",
							 sw->dims[d].key,
							 s ? s : "?");
			free(s);
		}
	}
	if (used < size)
		snprintf(buf + used, size - used, ")");
	if (used >= size && size > 4)
		memcpy(buf + size - 5, "...)", 5);
}

/*
 * An error from a point's scenario or world: when a key of the sweep file
 * caused it (the scenario module names it "--set"), point at that key or
 * value in the sweep file; say which point unless the key is one of `set`
 * (then every point has the fault).
 */
void bs__sweep_remap(const struct bs_sweep *sw, size_t p, struct bs_error *err)
{
	char label[400], path[800], text[sizeof(err->text)];
	size_t idx[64] = {0}, i;
	long line = 0, col = 0;
	int found = 0, from_set = 0;

	if (!err || err->code == BS_E_NOMEM)
		return;
	if (strcmp(err->file, "--set") == 0) {
		/* the last override covering the key wins, as in applying */
		const char *key = err->key;
		bs__sweep_point_index(sw, p, idx);
		for (i = 0; i < sw->nfixed + sw->ndims; i++) {
			const char *k = i < sw->nfixed
						? sw->fixed[i].key
						: sw->dims[i - sw->nfixed].key;
			size_t l = strlen(k);
			if (strncmp(k, key, l) != 0 ||
			    (key[l] && key[l] != '.' && key[l] != '['))
				continue;
			if (i < sw->nfixed)
				snprintf(path, sizeof(path), "%s%s",
					 sw->fixed_origin[i], key + l);
			else if (sw->dims[i - sw->nfixed].design)
				snprintf(path, sizeof(path), "design.ranges.%s%s",
					 k, key + l);
			else
				snprintf(path, sizeof(path), "vary.%s[%zu]%s", k,
					 idx[i - sw->nfixed], key + l);
			found = 1;
			from_set = i < sw->nfixed;
		}
		if (found && sw->text)
			bs_json_locate(sw->text, sw->textlen, path, &line, &col);
		bs_strlcpy(err->file, sw->file, sizeof(err->file));
		err->line = line;
		err->column = col;
		err->row = 0;
	}
	/* a key given for every point is wrong at every point: no label */
	if (sw->ndims && !from_set) {
		size_t l;
		bs_sweep_label_of(sw, p, label, sizeof(label));
		/* the label first; the original text cut if need be */
		l = bs_strlcpy(text, label, sizeof(text) - 3);
		if (l > sizeof(text) - 4)
			l = sizeof(text) - 4;
		memcpy(text + l, ": ", 3);
		bs_strlcpy(text + l + 2, err->text, sizeof(text) - l - 2);
		bs_strlcpy(err->text, text, sizeof(err->text));
	}
}

struct bs_scenario *bs_sweep_scenario(const struct bs_sweep *sw, size_t p,
				      struct bs_error *err)
{
	struct bs_set *o;
	size_t idx[64], d, n = sw->nfixed + sw->ndims;
	struct bs_scenario *sc = NULL;
	json_t *root;

	if (!sw->base) {
		bs_error_set(err, BS_E_INPUT, sw->file, 0, 0, NULL,
			     "no base scenario (a plan, not a sweep file)");
		return NULL;
	}
	o = calloc(n ? n : 1, sizeof(*o));
	root = json_deep_copy(sw->base);
	if (!o || !root) {
		free(o);
		json_decref(root);
		bs_error_set(err, BS_E_NOMEM, sw->file, 0, 0, NULL,
			     "out of memory");
		return NULL;
	}
	if (sw->nfixed)
		memcpy(o, sw->fixed, sw->nfixed * sizeof(*o));
	bs__sweep_point_index(sw, p, idx);
	for (d = 0; d < sw->ndims; d++) {
		o[sw->nfixed + d].key = sw->dims[d].key;
		o[sw->nfixed + d].value =
			dump_any(bs__sweep_value(sw, d, idx[d]));
		if (!o[sw->nfixed + d].value)
			goto nomem;
	}
	sc = bs_scenario_from_json(root, sw->base_file, sw->base_text, o, n,
				   err);
	if (!sc)
		bs__sweep_remap(sw, p, err);
	goto out;
nomem:
	json_decref(root);
	bs_error_set(err, BS_E_NOMEM, sw->file, 0, 0, NULL, "out of memory");
out:
	for (d = 0; d < sw->ndims; d++)
		free((char *)o[sw->nfixed + d].value);
	free(o);
	return sc;
}

void bs_sweep_free(struct bs_sweep *sw)
{
	size_t i;

	if (!sw)
		return;
	for (i = 0; i < sw->nfixed; i++) {
		free((char *)sw->fixed[i].key);
		free((char *)sw->fixed[i].value);
		free(sw->fixed_origin[i]);
	}
	free(sw->fixed);
	free(sw->fixed_origin);
	for (i = 0; i < sw->ndims; i++)
		free(sw->dims[i].key);
	free(sw->dims);
	json_decref(sw->design.values);
	json_decref(sw->plan);
	free(sw->world_of);
	json_decref(sw->base);
	json_decref(sw->doc);
	free(sw->base_text);
	free(sw->base_file);
	free(sw->name);
	free(sw->text);
	free(sw->file);
	free(sw);
}

int bs_shard_parse(const char *s, uint32_t *i, uint32_t *n)
{
	unsigned long a, b;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (errno || *end || a < 1 || b < 1 || a > b || b > 1000000)
		return -1;
	*i = (uint32_t)a;
	*n = (uint32_t)b;
	return 0;
}
