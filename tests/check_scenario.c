/*
 * check_scenario.c - scenario files: defaults, validation messages with
 * file:line:column and key, --set overrides, and the JSON locator.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/jsonpos.h"
#include "input/keys.h"
#include "model/params.h"
#include "input/scenario.h"
#include "testutil.h"

#define MINIMAL                                                              \
	"{\n"                                                                \
	"  \"bssim\": 1,\n"                                                  \
	"  \"network\": { \"synthetic\": { \"stations\": 20, \"capacity\": 5 } },\n" \
	"  \"fleet\": { \"bikes\": 40 },\n"                                  \
	"  \"demand\": { \"model\": \"uniform\", \"rate_per_station_per_hour\": 1 }\n" \
	"}\n"

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

static json_t *at(const struct bs_scenario *sc, const char *a, const char *b)
{
	json_t *v = json_object_get(sc->root, a);

	return b ? json_object_get(v, b) : v;
}

START_TEST(test_minimal_defaults)
{
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir, MINIMAL, &err);

	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_str_eq(sc->name, "scenario"); /* from the file name */
	ck_assert_int_eq(json_integer_value(at(sc, "replications", NULL)), 10);
	ck_assert_double_eq(json_number_value(at(sc, "horizon", "days")), 7.0);
	ck_assert_str_eq(json_string_value(at(sc, "agreement", "type")), "full");
	ck_assert_uint_eq(sc->syn_wards, 1);
	ck_assert_double_eq(sc->syn_spacing_m, 300.0);
	ck_assert_int_eq(sc->p.demand, BS_DEMAND_UNIFORM);
	ck_assert_int_eq(sc->p.dur, BS_DUR_DISTANCE);
	ck_assert_double_eq(sc->p.speed_kmh, 12.0);
	ck_assert_double_eq(sc->p.block_min, 30.0);
	/* gravity-only defaults are not filled for a uniform model */
	ck_assert_ptr_null(at(sc, "demand", "decay_m"));
	ck_assert_uint_eq(sc->nunused, 0);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_canonical_order)
{
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir,
		"{\"fleet\": {\"bikes\": 40}, \"demand\": {\"rate_per_station_per_hour\": 1, \"model\": \"uniform\"},"
		"\"network\": {\"synthetic\": {\"capacity\": 5, \"stations\": 20}}, \"bssim\": 1}", &err);
	const char *k;
	json_t *v;
	const char *order[4];
	int i = 0;

	ck_assert_msg(sc != NULL, "%s", err.text);
	json_object_foreach(sc->root, k, v) {
		if (i < 4)
			order[i] = k;
		i++;
	}
	ck_assert_str_eq(order[0], "bssim");
	ck_assert_str_eq(order[1], "name");
	ck_assert_str_eq(order[2], "seed");
	ck_assert_str_eq(order[3], "replications");
	bs_scenario_free(sc);
}
END_TEST

/* Where the anchor text starts in json (line and character column, as
 * the error must report it); the n-th occurrence, 1-based. */
static void position_of(const char *json, const char *anchor, int nth,
			long *line, long *col)
{
	const char *p = json, *hit = NULL;
	long l = 1, c = 1;

	while (nth-- > 0) {
		hit = strstr(p, anchor);
		ck_assert_msg(hit != NULL, "anchor '%s' not in the text", anchor);
		p = hit + 1;
	}
	for (p = json; p < hit; p++) {
		if (*p == '\n') {
			l++;
			c = 1;
		} else if ((*p & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static void check_err(const char *json, long line, long col, const char *key,
		      const char *needle)
{
	struct bs_error err;
	struct bs_scenario *sc;

	bs_error_clear(&err);
	sc = tu_scenario(dir, json, &err);
	ck_assert_msg(sc == NULL, "accepted: %s", json);
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_msg(strstr(err.file, "scenario.json") != NULL, "file '%s'", err.file);
	ck_assert_msg(err.line == line && err.column == col,
		      "at %ld:%ld, expected %ld:%ld (%s)", err.line, err.column,
		      line, col, err.text);
	if (key)
		ck_assert_str_eq(err.key, key);
	ck_assert_msg(strstr(err.text, needle) != NULL, "'%s' lacks '%s'",
		      err.text, needle);
}

/* The error must point at the anchor (a quoted key, usually). */
static void expect_at(const char *json, const char *anchor, int nth,
		      const char *key, const char *needle)
{
	long l = 0, c = 0;

	if (anchor)
		position_of(json, anchor, nth, &l, &c);
	check_err(json, l, c, key, needle);
}

START_TEST(test_unknown_key_suggests)
{
	expect_at("{\n  \"bssim\": 1,\n  \"fleet\": {\"bikez\": 3}\n}",
		  "\"bikez\"", 1, "fleet.bikez", "did you mean 'fleet.bikes'");
	expect_at("{\"bssim\": 1, \"colour\": 3}", "\"colour\"", 1, "colour",
		  "unknown key");
}
END_TEST

START_TEST(test_type_and_range_errors)
{
	const char *pre = "{\"bssim\": 1,\n\"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 5}},\n";
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": \"many\"}}", pre);
	expect_at(buf, "\"bikes\"", 1, "fleet.bikes", "expected an integer");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": -3}}", pre);
	expect_at(buf, "\"bikes\"", 1, "fleet.bikes", "got -3");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 4}, \"replications\": 0}", pre);
	expect_at(buf, "\"replications\"", 1, "replications", "from 1 to 10000");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 4}, \"horizon\": {\"days\": 1e308}}", pre);
	expect_at(buf, "\"days\"", 1, "horizon.days", "at most 3650");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 4}, \"horizon\": {\"days\": 0}}", pre);
	expect_at(buf, "\"days\"", 1, "horizon.days", "greater than 0");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"fill\": 1.5}}", pre);
	expect_at(buf, "\"fill\"", 1, "fleet.fill", "from 0 to 1");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 4}, \"behaviour\": {\"on_full\": \"wait\"}}", pre);
	expect_at(buf, "\"on_full\"", 1, "behaviour.on_full", "nearest|random");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 4.5}}", pre);
	expect_at(buf, "\"bikes\"", 1, "fleet.bikes", "whole number");
	snprintf(buf, sizeof(buf), "%s\"fleet\": 7}", pre);
	expect_at(buf, "\"fleet\"", 1, "fleet", "expected an object");
	/* the value is shown as written, not as its 17-digit double
	 * (once "got 1.0000000000000001e300") */
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"bikes\": 1e300}}", pre);
	expect_at(buf, "\"bikes\"", 1, "fleet.bikes", "got 1e300");
	snprintf(buf, sizeof(buf), "%s\"fleet\": {\"fill\": 0.1, \"bikes\": 0.1}}", pre);
	expect_at(buf, "\"bikes\"", 1, "fleet.bikes", "got 0.1");
}
END_TEST

START_TEST(test_syntax_error_position)
{
	/* jansson's own positions: the character where parsing failed */
	check_err("{\n  \"bssim\": 1,\n  \"fleet\": {\"bikes\": 3,}\n}", 3, 24, NULL,
		  "invalid JSON");
	check_err("{\"bssim\": 1, \"bssim\": 1}", 1, 20, NULL, "duplicate");
}
END_TEST

START_TEST(test_structure_errors)
{
#define NET "\"network\": {\"stations\": \"a.csv\"}"
	expect_at("{\"network\": {}}", NULL, 0, "bssim", "missing");
	expect_at("{\"bssim\": 2}", "\"bssim\"", 1, "bssim", "unsupported scenario format version 2");
	expect_at("[1, 2]", NULL, 0, "", "expected a JSON object");
	expect_at("{\"bssim\": 1, \"fleet\": {\"bikes\": 1}}", NULL, 0, "network",
		  "missing");
	expect_at("{\"bssim\": 1, \"network\": {\"stations\": \"a.csv\", \"synthetic\": {\"stations\": 3, \"capacity\": 2}}, \"fleet\": {\"bikes\": 1}}",
		  "\"synthetic\"", 1, "network.synthetic", "both");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {}}", "\"fleet\"", 1,
		  "fleet", "expected fleet.bikes");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1, \"fill\": 0.5}}",
		  "\"fill\"", 1, "fleet.fill", "both");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"horizon\": {\"days\": 2, \"warmup_days\": 2}}",
		  "\"warmup_days\"", 1, "horizon.warmup_days", "less than horizon.days");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"demand\": {\"trips_per_day\": 1}, \"agreement\": {\"type\": \"bilateral\"}}",
		  "\"agreement\"", 1, "agreement", "pairs");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"agreement\": {\"type\": \"bilateral\", \"pairs\": [[\"A\", \"A\"]]}}",
		  "[\"A\"", 1, "agreement.pairs[0]", "itself");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"agreement\": {\"type\": \"bilateral\", \"pairs\": [[\"A\", 7]]}}",
		  "7", 1, "agreement.pairs[0][1]", "ward name");
	expect_at("{\"bssim\": 1, \"name\": \"../up\", " NET ", \"fleet\": {\"bikes\": 1}}",
		  "\"name\"", 1, "name", "output folder");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"demand\": {\"profile\": {\"weekday\": [1, 2]}}}",
		  "\"weekday\"", 1, "demand.profile.weekday", "24");
	expect_at("{\"bssim\": 1, " NET ", \"fleet\": {\"bikes\": 1}, \"demand\": {\"model\": \"uniform\"}}",
		  "\"demand\"", 1, "demand", "rate_per_station_per_hour");
#undef NET
}
END_TEST

/* Load a scenario named name: 1 when it loads (freed), 0 when refused at
 * the key "name". */
static int name_loads(const char *name)
{
	struct bs_error err;
	struct bs_scenario *sc;
	char text[1024], *p;

	snprintf(text, sizeof(text),
		 "{\"bssim\": 1, \"name\": \"%s\", \"network\": { \"synthetic\": { \"stations\": 4, \"capacity\": 5 } }, \"fleet\": { \"bikes\": 4 }, \"demand\": { \"model\": \"uniform\", \"rate_per_station_per_hour\": 1 }}",
		 name);
	p = tu_write(dir, "u.json", text);
	sc = bs_scenario_load(p, NULL, 0, &err);
	free(p);
	if (sc) {
		ck_assert_str_eq(sc->name, name);
		bs_scenario_free(sc);
		return 1;
	}
	ck_assert_str_eq(err.key, "name");
	return 0;
}

/* Run names in any script name their folder; what could escape it or
 * hide in a listing is still refused (scenario.c's name_ok). */
START_TEST(test_unicode_names)
{
	static const char *const ok[] = {"港区テスト", "tokyo4-港区_v2.1",
					 "Ålesund", "😀"};
	static const char *const bad[] = {
		"a/b", "a\\\\b", ".港区", "港区 テスト", "a\\u00a0b", "a\\u0085b",
		"a\\u2028b", "\\ufeff港区", "a\\tb", "a:b", ""};
	char hundred[512] = "";
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(name_loads(ok[i]), "refused %s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!name_loads(bad[i]), "accepted %s", bad[i]);
	/* 100 characters (300 bytes) pass, 101 do not */
	for (i = 0; i < 100; i++)
		strcat(hundred, "港");
	ck_assert(name_loads(hundred));
	strcat(hundred, "区");
	ck_assert(!name_loads(hundred));
}
END_TEST

START_TEST(test_set_overrides)
{
	struct bs_error err;
	char *p = tu_write(dir, "s.json", MINIMAL);
	struct bs_set sets[] = {
		{"fleet.bikes", "60"},
		{"agreement.type", "isolated"},   /* not JSON: a string */
		{"name", "\"quoted\""},           /* JSON string */
		{"horizon.days", "2"},
		{"demand.rate_per_station_per_hour", "2.5"},
		{"output.trips", "true"},
	};
	struct bs_scenario *sc = bs_scenario_load(p, sets, 6, &err);

	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_uint_eq(sc->p.bikes, 60);
	ck_assert_int_eq(sc->p.agreement, BS_AGR_ISOLATED);
	ck_assert_str_eq(sc->name, "quoted");
	ck_assert_double_eq(sc->p.days, 2.0);
	ck_assert_double_eq(sc->p.rate_per_station_per_hour, 2.5);
	ck_assert_int_eq(sc->p.trips_log, 1);
	bs_scenario_free(sc);
	free(p);
}
END_TEST

START_TEST(test_set_errors_name_the_option)
{
	struct bs_error err;
	char *p = tu_write(dir, "s.json", MINIMAL);
	struct bs_set bad_key[] = {{"fleet.bykes", "3"}};
	struct bs_set bad_val[] = {{"fleet.bikes", "-3"}};
	struct bs_set remove[] = {{"fleet.bikes", "null"}};
	struct bs_set not_obj[] = {{"fleet", "3"}, {"fleet.bikes", "3"}};

	ck_assert_ptr_null(bs_scenario_load(p, bad_key, 1, &err));
	ck_assert_str_eq(err.file, "--set");
	ck_assert_str_eq(err.key, "fleet.bykes");
	ck_assert_ptr_nonnull(strstr(err.text, "did you mean 'fleet.bikes'"));
	ck_assert_ptr_null(bs_scenario_load(p, bad_val, 1, &err));
	ck_assert_str_eq(err.file, "--set");
	ck_assert_str_eq(err.key, "fleet.bikes");
	/* null removes the key: then the fleet has neither bikes nor fill */
	ck_assert_ptr_null(bs_scenario_load(p, remove, 1, &err));
	ck_assert_str_eq(err.key, "fleet");
	ck_assert_ptr_null(bs_scenario_load(p, not_obj, 2, &err));
	ck_assert_ptr_nonnull(strstr(err.text, "not an object"));
	free(p);
}
END_TEST

START_TEST(test_unused_keys_listed)
{
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir,
		"{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 5}},"
		"\"fleet\": {\"bikes\": 40}, \"demand\": {\"model\": \"uniform\","
		"\"rate_per_station_per_hour\": 1, \"trips_per_day\": 9},"
		"\"trip\": {\"duration\": {\"dist\": \"exponential\", \"speed_kmh\": 10}}}", &err);

	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_uint_eq(sc->nunused, 2);
	ck_assert_str_eq(sc->unused[0], "demand.trips_per_day");
	ck_assert_str_eq(sc->unused[1], "trip.duration.speed_kmh");
	bs_scenario_free(sc);

	/* keys that apply only with batteries on: not filled in, and
	 * reported, while battery.enabled is false (its default); they
	 * were once filled and never reported, the false being "present" */
	sc = tu_scenario(dir,
		"{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 5}},"
		"\"fleet\": {\"bikes\": 40}, \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}, \"battery\": {\"crews_per_ward\": 2}}", &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_uint_eq(sc->nunused, 1);
	ck_assert_str_eq(sc->unused[0], "battery.crews_per_ward");
	ck_assert_ptr_null(json_object_get(json_object_get(sc->root, "battery"),
					   "min_rentable"));
	bs_scenario_free(sc);
	sc = tu_scenario(dir,
		"{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 5}},"
		"\"fleet\": {\"bikes\": 40}, \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}, \"battery\": {\"enabled\": true, \"crews_per_ward\": 2}}", &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_uint_eq(sc->nunused, 0);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(sc->root, "battery"),
					      "min_rentable"));
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_bom_and_empty_files)
{
	struct bs_error err;
	char buf[2048];
	char *p;
	struct bs_scenario *sc;

	snprintf(buf, sizeof(buf), "\xEF\xBB\xBF%s", MINIMAL);
	sc = tu_scenario(dir, buf, &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	bs_scenario_free(sc);
	ck_assert_ptr_null(tu_scenario(dir, " \n\t", &err));
	ck_assert_ptr_nonnull(strstr(err.text, "empty file"));
	p = tu_write(dir, "bin.json", "x");
	{
		FILE *fp = fopen(p, "wb");
		fwrite("{\"bssim\"\0: 1}", 1, 13, fp);
		fclose(fp);
	}
	ck_assert_ptr_null(bs_scenario_load(p, NULL, 0, &err));
	ck_assert_ptr_nonnull(strstr(err.text, "binary"));
	ck_assert_ptr_null(bs_scenario_load("/nonexistent.json", NULL, 0, &err));
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
	free(p);
}
END_TEST

START_TEST(test_relative_paths)
{
	struct bs_error err;
	struct bs_scenario *sc = tu_scenario(dir,
		"{\"bssim\": 1, \"network\": {\"stations\": \"../data/x.csv\"}, \"fleet\": {\"bikes\": 1},"
		" \"demand\": {\"trips_per_day\": 10}}",
		&err);
	char want[600];

	ck_assert_msg(sc != NULL, "%s", err.text);
	snprintf(want, sizeof(want), "%s/../data/x.csv", dir);
	ck_assert_str_eq(sc->stations_path, want);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_locate_paths)
{
	const char *t = "{\n  \"a\": {\"b\": [10, {\"c\": \"千代田\", \"d\": 2}]},\n  \"e\": 1\n}";
	long l, c;

	ck_assert_int_eq(bs_json_locate(t, strlen(t), "a.b", &l, &c), 1);
	ck_assert_int_eq(l, 2);
	ck_assert_int_eq(c, 9); /* the key "b" */
	ck_assert_int_eq(bs_json_locate(t, strlen(t), "a.b[1]", &l, &c), 1);
	ck_assert_int_eq(c, 19); /* the element {...} */
	ck_assert_int_eq(bs_json_locate(t, strlen(t), "a.b[1].d", &l, &c), 1);
	/* columns count characters: the three kanji are three columns */
	ck_assert_int_eq(c, 32);
	ck_assert_int_eq(bs_json_locate(t, strlen(t), "e", &l, &c), 1);
	ck_assert_int_eq(l, 3);
	/* absent: the longest present prefix */
	ck_assert_int_eq(bs_json_locate(t, strlen(t), "a.b[1].zz", &l, &c), 0);
	ck_assert_int_eq(l, 2);
	ck_assert_int_eq(c, 19);
	ck_assert_int_eq(bs_json_locate(t, strlen(t), "q", &l, &c), 0);
	ck_assert_int_eq(l, 0);
}
END_TEST

START_TEST(test_keys_table)
{
	ck_assert_ptr_nonnull(bs_key_find("fleet.bikes"));
	ck_assert_ptr_nonnull(bs_key_find("agreement.pairs"));
	ck_assert_ptr_null(bs_key_find("fleet"  ".bike"));
}
END_TEST

/* The value of key's field in sc, as a double (enums and booleans as
 * their int). */
static double field_of(const struct bs_scenario *sc, const struct bs_key *k)
{
	const char *base = k->dest == BS_KD_PARAM ? (const char *)&sc->p
						  : (const char *)sc;
	const void *f = base + k->off;

	switch (k->ctype) {
	case BS_KC_DBL:
		return *(const double *)f;
	case BS_KC_U64:
		return (double)*(const uint64_t *)f;
	case BS_KC_U32:
		return *(const uint32_t *)f;
	case BS_KC_SIZE:
		return (double)*(const size_t *)f;
	case BS_KC_INT:
		return *(const int *)f;
	default:
		return NAN;
	}
}

/*
 * The key table binds: every scalar key, set to a value of its own
 * (within its range, not its default) where its condition holds, lands
 * in the field its row names, as the same number; an enum as the index
 * of its choice, a boolean as 1. A row pointing at the wrong field, or
 * a condition the binding ignores, fails here.
 */
START_TEST(test_keys_bind)
{
	size_t i, tested = 0;

	for (i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i];
		struct bs_set sets[8];
		struct bs_error err;
		struct bs_scenario *sc;
		char val[64], cond_key[128];
		size_t n = 0;
		double want;
		char *path;

		if (k->ctype != BS_KC_DBL && k->ctype != BS_KC_U64 &&
		    k->ctype != BS_KC_U32 && k->ctype != BS_KC_SIZE &&
		    k->ctype != BS_KC_INT)
			continue;
		/* keys bounded by others in ways one value cannot keep */
		if (!strcmp(k->path, "fleet.fill") || !strcmp(k->path, "bssim"))
			continue;
		if (k->when) {
			const char *eq = strchr(k->when, '=');
			static char cond_val[64];
			snprintf(cond_key, sizeof(cond_key), "%.*s",
				 eq ? (int)(eq - k->when) : (int)strlen(k->when),
				 k->when);
			if (eq)
				snprintf(cond_val, sizeof(cond_val), "\"%.*s\"",
					 (int)strcspn(eq + 1, "|"), eq + 1);
			else if (bs_key_find(cond_key)->type == BS_KT_NUM)
				/* a number that, given, switches a feature on
				 * (demand.round_trip_share) */
				snprintf(cond_val, sizeof(cond_val), "0.5");
			else
				snprintf(cond_val, sizeof(cond_val), "true");
			/* an object as condition (network.synthetic) is there */
			if (bs_key_find(cond_key)->type != BS_KT_OBJ) {
				sets[n].key = cond_key;
				sets[n++].value = cond_val;
			}
		}
		if (k->type == BS_KT_ENUM) {
			/* the last choice: never index 0, never the default */
			char name[64];
			int c = 0;
			while (bs_key_enum_name(k->path, c + 1, name, sizeof(name)))
				c++;
			bs_key_enum_name(k->path, c, name, sizeof(name));
			snprintf(val, sizeof(val), "\"%s\"", name);
			want = c;
		} else if (k->type == BS_KT_BOOL) {
			snprintf(val, sizeof(val), "true");
			want = 1;
		} else {
			/* a value near the low end of the range, away from 0
			 * and the default; whole for integers */
			double lo = k->min, hi = k->max;
			/* ends and upper bands near the top of their range */
			int top = strstr(k->path, "end_h") ||
				  !strcmp(k->path, "rebalancing.high") ||
				  !strcmp(k->path, "battery.swap_below");
			want = top ? hi - (hi - lo) * 0.013
				   : lo + (hi - lo) * 0.013 + (k->min_open ? 1e-6 : 0);
			if (k->type == BS_KT_INT)
				want = ceil(want) < hi ? ceil(want) : hi;
			/* the sampling step must divide the day */
			if (!strcmp(k->path, "output.timeseries_step_min"))
				want = 20.0;
			snprintf(val, sizeof(val), "%.17g", want);
		}
		sets[n].key = k->path;
		sets[n++].value = val;
		/* keep the rules between keys: a horizon longer than any
		 * warm-up, shifts that end after they start, bands */
		if (!strcmp(k->path, "horizon.warmup_days") ||
		    !strcmp(k->path, "horizon.days")) {
			/* a long horizon, sampled daily */
			sets[n].key = "output.timeseries_step_min";
			sets[n++].value = "1440";
			if (!strcmp(k->path, "horizon.warmup_days")) {
				sets[n].key = "horizon.days";
				sets[n++].value = "3650";
			}
		}
		if (!strncmp(k->path, "fees.users.", 11)) {
			/* user shares sum to 1: another type takes the rest */
			static char rest[64];
			snprintf(rest, sizeof(rest), "%.17g", 1.0 - want);
			sets[n].key = strcmp(k->path, "fees.users.pay_per_ride")
					      ? "fees.users.pay_per_ride"
					      : "fees.users.monthly";
			sets[n++].value = rest;
		}
		if (!strcmp(k->path, "rebalancing.target"))
			continue; /* between low and high: the default is tested */
		/* what a model or an agreement chosen above needs with it */
		for (size_t j = 0, m = n; j < m; j++) {
			static const char *const NEED[][3] = {
				{"\"gravity\"", "demand.trips_per_day", "100"},
				{"\"rates\"", "demand.rates", "\"r.csv\""},
				{"\"trace\"", "demand.trips", "\"t.csv\""},
				{"\"bilateral\"", "agreement.pairs", "[[\"A\", \"B\"]]"},
				{"\"matrix\"", "agreement.matrix", "{}"}};
			for (size_t q = 0; q < sizeof(NEED) / sizeof(NEED[0]); q++)
				if (!strcmp(sets[j].value, NEED[q][0]) && n < 7 &&
				    strcmp(NEED[q][1], k->path)) {
					sets[n].key = NEED[q][1];
					sets[n++].value = NEED[q][2];
				}
		}
		path = tu_write(dir, "bind.json", MINIMAL);
		sc = bs_scenario_load(path, sets, n, &err);
		free(path);
		ck_assert_msg(sc != NULL, "%s=%s: %s: %s", k->path, val, err.key,
			      err.text);
		ck_assert_msg(field_of(sc, k) == want,
			      "%s=%s bound as %.17g", k->path, val, field_of(sc, k));
		bs_scenario_free(sc);
		tested++;
	}
	ck_assert_uint_gt(tested, 60);
}
END_TEST

/* An enum's choices are the C enum's values, in order: the table's names
 * for every value the model tests by name. */
/* Every key the table marks as needed has a condition the schema can say
 * (none, its parent, or a sibling key's values) and a reason; the schema
 * is built from them. And the need binds: a synthetic network without its
 * capacity is refused with the table's reason. */
START_TEST(test_needed_keys)
{
	struct bs_error err;
	struct bs_scenario *sc;
	json_t *schema;
	int n = 0;

	for (size_t i = 0; i < bs_nkeys; i++) {
		const struct bs_key *k = &bs_keys[i], *ck;
		const char *leaf = strrchr(k->path, '.'), *eq;
		size_t pl = leaf ? (size_t)(leaf - k->path) : 0;

		if (!k->needs)
			continue;
		n++;
		ck_assert_msg(*k->needs, "%s: an empty reason", k->path);
		if (!k->when || (strlen(k->when) == pl && strncmp(k->when, k->path, pl) == 0))
			continue;
		eq = strchr(k->when, '=');
		ck_assert_msg(eq && (size_t)(eq - k->when) > pl &&
				      strncmp(k->when, k->path, pl) == 0 && k->when[pl] == '.' &&
				      !memchr(k->when + pl + 1, '.', (size_t)(eq - k->when) - pl - 1),
			      "%s: the condition %s is not a sibling key's value", k->path, k->when);
		{
			char cond[128];
			snprintf(cond, sizeof(cond), "%.*s", (int)(eq - k->when), k->when);
			ck_assert_ptr_nonnull(ck = bs_key_find(cond));
			ck_assert_int_eq(ck->type, BS_KT_ENUM);
		}
	}
	ck_assert_int_ge(n, 8);
	ck_assert_ptr_nonnull(schema = bs_keys_schema());
	json_decref(schema);

	sc = tu_scenario(dir, "{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 4}},"
			      " \"fleet\": {\"bikes\": 4}, \"demand\": {\"trips_per_day\": 9}}",
			 &err);
	ck_assert_ptr_null(sc);
	ck_assert_str_eq(err.key, "network.synthetic");
	ck_assert_str_eq(err.text, "missing key 'capacity'; expected {\"stations\": N, \"capacity\": K, \"wards\": W}");
}
END_TEST

START_TEST(test_enum_names_match_the_model)
{
	static const struct {
		const char *key, *name;
		int value;
	} E[] = {
		{"demand.model", "uniform", BS_DEMAND_UNIFORM},
		{"demand.model", "gravity", BS_DEMAND_GRAVITY},
		{"demand.model", "rates", BS_DEMAND_RATES},
		{"demand.model", "trace", BS_DEMAND_TRACE},
		{"trip.duration.dist", "exponential", BS_DUR_EXPONENTIAL},
		{"trip.duration.dist", "distance", BS_DUR_DISTANCE},
		{"behaviour.on_full", "nearest", BS_FULL_NEAREST},
		{"behaviour.on_full", "random", BS_FULL_RANDOM},
		{"behaviour.forbidden_return", "truncate", BS_FORBID_TRUNCATE},
		{"behaviour.forbidden_return", "lost", BS_FORBID_LOST},
		{"agreement.type", "isolated", BS_AGR_ISOLATED},
		{"agreement.type", "full", BS_AGR_FULL},
		{"agreement.type", "bilateral", BS_AGR_BILATERAL},
		{"agreement.type", "matrix", BS_AGR_MATRIX},
		{"fees.settlement", "renting", BS_SETTLE_RENTING},
		{"fees.settlement", "owner", BS_SETTLE_OWNER},
		{"fees.settlement", "split_time", BS_SETTLE_SPLIT_TIME},
		{"rebalancing.policy", "none", BS_REB_NONE},
		{"rebalancing.policy", "threshold", BS_REB_THRESHOLD},
		{"rebalancing.policy", "repatriate", BS_REB_REPATRIATE},
		{"horizon.start_weekday", "mon", 0},
		{"horizon.start_weekday", "sun", 6},
	};
	size_t i;
	char buf[64];

	for (i = 0; i < sizeof(E) / sizeof(E[0]); i++) {
		ck_assert_int_eq(bs_key_enum_index(bs_key_find(E[i].key), E[i].name),
				 E[i].value);
		ck_assert_str_eq(bs_key_enum_name(E[i].key, E[i].value, buf,
						  sizeof(buf)),
				 E[i].name);
	}
	ck_assert_ptr_null(bs_key_enum_name("demand.model", 4, buf, sizeof(buf)));
	ck_assert_int_eq(bs_key_enum_index(bs_key_find("demand.model"), "gravit"), -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("scenario");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_canonical_order);
	tcase_add_test(tc, test_unknown_key_suggests);
	tcase_add_test(tc, test_type_and_range_errors);
	tcase_add_test(tc, test_syntax_error_position);
	tcase_add_test(tc, test_structure_errors);
	tcase_add_test(tc, test_unicode_names);
	tcase_add_test(tc, test_set_overrides);
	tcase_add_test(tc, test_set_errors_name_the_option);
	tcase_add_test(tc, test_unused_keys_listed);
	tcase_add_test(tc, test_bom_and_empty_files);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_locate_paths);
	tcase_add_test(tc, test_keys_table);
	tcase_add_test(tc, test_keys_bind);
	tcase_add_test(tc, test_enum_names_match_the_model);
	tcase_add_test(tc, test_needed_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
