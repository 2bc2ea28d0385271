/*
 * check_schema.c - docs/bssim.schema.json against an independent
 * validator (Debian's python3-jsonschema, through tests/schema_validate.py)
 * and against bssim's own checks:
 *   - every shipped scenario and sweep file is valid for both;
 *   - each bad file of a corpus of mistakes the schema can express (an
 *     unknown key, a wrong type, a value out of range, an unknown enum
 *     name, a missing key, two keys that exclude each other) is refused
 *     by both, and both name the same key;
 *   - small valid variants are accepted by both.
 * Where bssim refuses more than the schema can say (files that must
 * exist, cross-key rules over the stations file) it is not a mismatch:
 * the schema is for editors, bssim check stays the reference
 * (docs/scenarios.md).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* Run the validator over one file: its exit status; *line its output. */
static int validate(const char *path, char **line)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "python3 tests/schema_validate.py docs/bssim.schema.json '%s'", path);
	return tu_run(cmd, line, NULL);
}

static int bssim_check(const char *path, char **err)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' check '%s'", tu_bssim(), path);
	return tu_run(cmd, NULL, err);
}

START_TEST(test_shipped_files_are_valid)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char path[512], *out = NULL, *err = NULL, cmd[1024];
		int st;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "scenarios/%s", e->d_name);
		st = validate(path, &out);
		ck_assert_msg(st == 0, "the schema refuses %s: %s", path, out ? out : "");
		free(out);
		/* a sweep file is checked by planning it, not by check */
		snprintf(cmd, sizeof(cmd), "grep -q '\"bssim_sweep\"' '%s'", path);
		if (tu_run(cmd, NULL, NULL) != 0) {
			st = bssim_check(path, &err);
			ck_assert_msg(st == 0, "bssim check refuses %s: %s", path, err ? err : "");
		}
		free(err);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 10);
}
END_TEST

/* A scenario with the fleet and demand objects given (demand NULL:
 * none) and `fields` added at the top level (a JSON fragment starting
 * with a comma, or ""); its network is the six-port fixture unless
 * fields start with a network of its own (", \"network\": ..."). */
static char *scenario(const char *name, const char *fleet, const char *demand,
		      const char *fields)
{
	char text[4096], net[1024] = "";

	if (strncmp(fields, ", \"network\"", 11) != 0)
		snprintf(net, sizeof(net), " \"network\": {\"stations\": \"%s\"},\n",
			 tu_abspath(tu_fixture("six.csv")));
	snprintf(text, sizeof(text),
		 "{\"bssim\": 1, \"name\": \"s\", \"replications\": 2,\n%s"
		 " \"fleet\": %s%s%s%s}\n",
		 net, fleet, demand ? ", \"demand\": " : "", demand ? demand : "", fields);
	return tu_write(dir, name, text);
}

#define GRAVITY "{\"trips_per_day\": 100}"

/* Mistakes the schema can express: the key the validator names (the
 * member itself when it is missing or unexpected) and what bssim's
 * message holds (it names the parent of a missing key, and the key). */
static const struct bad {
	const char *what, *fleet, *demand, *fields, *schema_key, *bssim_says;
} bad[] = {
	{"unknown top-level key", "{\"bikes\": 10}", GRAVITY, ", \"flete\": 3", "flete",
	 "flete"},
	{"unknown nested key", "{\"bikez\": 10}", GRAVITY, "", "fleet.bikez", "fleet.bikez"},
	{"wrong type", "{\"bikes\": \"many\"}", GRAVITY, "", "fleet.bikes", "fleet.bikes"},
	{"integer expected", "{\"bikes\": 10.5}", GRAVITY, "", "fleet.bikes", "fleet.bikes"},
	{"below the range", "{\"bikes\": 10}", GRAVITY, ", \"replications\": 0", "replications",
	 "replications"},
	{"above the range", "{\"fill\": 1.5}", GRAVITY, "", "fleet.fill", "fleet.fill"},
	{"unknown enum name", "{\"bikes\": 10}", GRAVITY, ", \"agreement\": {\"type\": \"partial\"}",
	 "agreement.type", "agreement.type"},
	{"object expected", "{\"bikes\": 10}", "3", "", "demand", "demand"},
	{"keys that exclude each other", "{\"bikes\": 10, \"fill\": 0.5}", GRAVITY, "", "fleet",
	 "fleet.fill"},
	{"the default model's key missing", "{\"bikes\": 10}", "{\"decay_m\": 900}", "",
	 "demand.trips_per_day", "demand: missing key 'trips_per_day'"},
	{"no demand at all (the default model)", "{\"bikes\": 10}", NULL, "", "demand",
	 "demand: missing key 'trips_per_day'"},
	{"the chosen model's key missing", "{\"bikes\": 10}", "{\"model\": \"uniform\"}", "",
	 "demand.rate_per_station_per_hour", "demand: missing key 'rate_per_station_per_hour'"},
	{"a bilateral agreement without pairs", "{\"bikes\": 10}", GRAVITY,
	 ", \"agreement\": {\"type\": \"bilateral\"}", "agreement.pairs",
	 "agreement: missing key 'pairs'"},
	{"a synthetic network without capacity", "{\"bikes\": 10}", GRAVITY,
	 ", \"network\": {\"synthetic\": {\"stations\": 4}}", "network.synthetic.capacity",
	 "network.synthetic: missing key 'capacity'"},
};

/* Does the validator's line name key (as "path: " after the file)? */
static int names_key(const char *line, const char *key)
{
	char want[256];

	snprintf(want, sizeof(want), ": %s: ", key);
	return line && strstr(line, want) != NULL;
}

START_TEST(test_mistakes_refused_by_both)
{
	const struct bad *b = &bad[_i];
	char name[64], *path, *out = NULL, *err = NULL;
	int st;

	snprintf(name, sizeof(name), "bad%d.json", _i);
	path = scenario(name, b->fleet, b->demand, b->fields);
	st = validate(path, &out);
	ck_assert_msg(st == 1, "%s: the schema accepts it (%d): %s", b->what, st, out ? out : "");
	ck_assert_msg(names_key(out, b->schema_key), "%s: the validator does not name %s: %s",
		      b->what, b->schema_key, out);
	st = bssim_check(path, &err);
	ck_assert_msg(st == 2, "%s: bssim check exits %d: %s", b->what, st, err ? err : "");
	ck_assert_msg(err && strstr(err, b->bssim_says), "%s: bssim check does not say \"%s\": %s",
		      b->what, b->bssim_says, err ? err : "");
	free(out);
	free(err);
	free(path);
}
END_TEST

/* Variants both accept: defaults left out, the other way to size a fleet,
 * another demand model with what it needs. */
static const struct good {
	const char *fleet, *demand, *fields;
} good[] = {
	{"{\"bikes\": 10}", GRAVITY, ""},
	{"{\"fill\": 0.5}", GRAVITY, ""},
	{"{\"bikes\": 10}", GRAVITY, ", \"agreement\": {\"type\": \"isolated\"}"},
	{"{\"bikes\": 10}", GRAVITY, ", \"seed\": 7, \"horizon\": {\"days\": 2}"},
	{"{\"bikes\": 10}", "{\"model\": \"uniform\", \"rate_per_station_per_hour\": 2}", ""},
	{"{\"bikes\": 10}", "{\"model\": \"gravity\", \"trips_per_day\": 50}", ""},
};

START_TEST(test_variants_accepted_by_both)
{
	const struct good *g = &good[_i];
	char name[64], *path, *out = NULL, *err = NULL;

	snprintf(name, sizeof(name), "good%d.json", _i);
	path = scenario(name, g->fleet, g->demand, g->fields);
	ck_assert_msg(validate(path, &out) == 0, "the schema refuses %s: %s", path, out);
	ck_assert_msg(bssim_check(path, &err) == 0, "bssim check refuses it: %s", err);
	free(out);
	free(err);
	free(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped_files_are_valid);
	tcase_add_loop_test(tc, test_mistakes_refused_by_both, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_variants_accepted_by_both, 0,
			    (int)(sizeof(good) / sizeof(good[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
