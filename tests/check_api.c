/*
 * check_api.c - the contract test of libbssim, part 1: errors, the
 * version, the reference texts, scenarios, frees, the example program.
 * (check_api_run.c: runs, results, comparisons, folders;
 * check_api_sweep.c: sweeps, import, calibration, plot data, reports.)
 *
 * These suites include bssim.h and nothing else of bssim (the Makefile
 * builds them without src/ on the include path) and link against
 * libbssim.so, so every function they call is proved exported. Each
 * documented promise of bssim.h is asserted against known values: the
 * numbers and texts of the bssim command line on the same inputs where
 * it has them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bssim.h>

#include "testbase.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* The error as the CLI prints it: "bssim: " and the escaped line. */
static void cli_line(const struct bs_error *e, char *out, size_t sz)
{
	char line[2048], esc[4096];

	bs_escape(bs_error_format(e, line, sizeof(line)), esc, sizeof(esc));
	snprintf(out, sz, "bssim: %s\n", esc);
}

static void fill(struct bs_error *e, int code, const char *file, long line,
		 long column, long row, const char *key, const char *text)
{
	bs_error_clear(e);
	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	e->column = column;
	e->row = row;
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->text, sizeof(e->text), "%s", text);
}

/* ---- errors -------------------------------------------------------------- */

START_TEST(test_error_clear_and_format)
{
	struct bs_error e;
	char buf[512], small[12];

	memset(&e, 0x5a, sizeof(e));
	bs_error_clear(&e);
	ck_assert_int_eq(e.code, 0);
	ck_assert_str_eq(e.file, "");
	ck_assert_str_eq(e.key, "");
	ck_assert_str_eq(e.text, "");
	ck_assert(e.line == 0 && e.column == 0 && e.row == 0);

	/* JSON shape: file:line:column: key: text */
	fill(&e, BS_E_INPUT, "s.json", 3, 7, 0, "fleet.bikes", "expected an integer");
	ck_assert_ptr_eq(bs_error_format(&e, buf, sizeof(buf)), buf);
	ck_assert_str_eq(buf, "s.json:3:7: fleet.bikes: expected an integer");
	/* CSV shape: file: row N: key: text */
	fill(&e, BS_E_INPUT, "st.csv", 0, 0, 4, "capacity", "expected 1 to 100000");
	ck_assert_str_eq(bs_error_format(&e, buf, sizeof(buf)),
			 "st.csv: row 4: capacity: expected 1 to 100000");
	/* parts left out when unknown */
	fill(&e, BS_E_INPUT, "s.json", 0, 0, 0, "", "not an object");
	ck_assert_str_eq(bs_error_format(&e, buf, sizeof(buf)), "s.json: not an object");
	fill(&e, BS_E_INPUT, "", 0, 0, 0, "seed", "expected a number");
	ck_assert_str_eq(bs_error_format(&e, buf, sizeof(buf)), "seed: expected a number");
	/* no text: the code's sentence */
	fill(&e, BS_E_IO, "out", 0, 0, 0, "", "");
	ck_assert_str_eq(bs_error_format(&e, buf, sizeof(buf)),
			 "out: input/output error");
	/* control characters are left as they are */
	fill(&e, BS_E_INPUT, "a\nb.json", 1, 2, 0, "k", "t\tu");
	ck_assert_str_eq(bs_error_format(&e, buf, sizeof(buf)), "a\nb.json:1:2: k: t\tu");
	/* a short buffer: a terminated prefix */
	fill(&e, BS_E_INPUT, "s.json", 3, 7, 0, "fleet.bikes", "expected an integer");
	bs_error_format(&e, small, sizeof(small));
	ck_assert_str_eq(small, "s.json:3:7:");
	memset(small, 'x', sizeof(small));
	bs_error_format(&e, small, 1);
	ck_assert_str_eq(small, "");
	ck_assert_ptr_eq(bs_error_format(&e, small, 0), small);
	ck_assert_int_eq(small[0], '\0');
	ck_assert_int_eq(small[1], 'x'); /* nothing written */
}
END_TEST

START_TEST(test_escape)
{
	/* text, the buffer's size, what it holds after */
	static const struct {
		const char *text;
		size_t sz;
		const char *want;
	} cases[] = {
		{"plain text", 64, "plain text"},
		{"a\nb\tc\rd\001e\177f\033[31m", 64, "a\\nb\\tc\\rd\\x01e\\x7ff\\x1b[31m"},
		/* bytes of UTF-8 text are not control characters */
		{"T\xc5\x8dky\xc5\x8d", 64, "T\xc5\x8dky\xc5\x8d"},
		/* truncated when long, always terminated, never half an escape */
		{"abcde", 6, "abcde"},
		{"abcdef", 6, "abcde"},
		{"ab\n", 5, "ab\\n"},
		{"ab\n", 4, "ab"},
		{"a\001", 5, "a"},
		{"a\001", 6, "a\\x01"},
		{"abc", 1, ""}};
	char out[64], big[4096];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		ck_assert_ptr_eq(bs_escape(cases[i].text, out, cases[i].sz), out);
		ck_assert_str_eq(out, cases[i].want);
		if (cases[i].sz < sizeof(out))
			ck_assert_int_eq(out[cases[i].sz], 'x'); /* nothing past sz */
	}
	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bs_escape(big, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 62); /* 31 whole "\n" */
}
END_TEST

START_TEST(test_strerror_and_exit_status)
{
	static const int unknown[] = {-99, -7, 1, 7, -2147483647 - 1};
	size_t i;

#define KNOWN(name, code, text) ck_assert_str_eq(bs_strerror(code), text);
	BS_ERRNO_MAP(KNOWN)
#undef KNOWN
	ck_assert_int_eq(BS_E_NOMEM, -1);
	ck_assert_int_eq(BS_E_LIMIT, -6);
	ck_assert_ptr_nonnull(bs_strerror(0));
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const char *s = bs_strerror(unknown[i]);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_gt(strlen(s), 0);
#define DISTINCT(name, code, text) ck_assert_str_ne(s, text);
		BS_ERRNO_MAP(DISTINCT)
#undef DISTINCT
		ck_assert_int_eq(bs_exit_status(unknown[i]), 1);
	}
	ck_assert_int_eq(bs_exit_status(0), 0);
	ck_assert_int_eq(bs_exit_status(BS_E_INPUT), 2);
	ck_assert_int_eq(bs_exit_status(BS_E_LIMIT), 2);
	ck_assert_int_eq(bs_exit_status(BS_E_NOMEM), 1);
	ck_assert_int_eq(bs_exit_status(BS_E_IO), 1);
	ck_assert_int_eq(bs_exit_status(BS_E_RUN), 1);
	ck_assert_int_eq(bs_exit_status(BS_E_INTERRUPTED), 1);
}
END_TEST

/* ---- the library ----------------------------------------------------------- */

START_TEST(test_version)
{
	char v[32], *out;

	ck_assert_str_eq(bs_version(), BSSIM_VERSION);
	snprintf(v, sizeof(v), "%d.%d.%d", BSSIM_VERSION_MAJOR,
		 BSSIM_VERSION_MINOR, BSSIM_VERSION_PATCH);
	ck_assert_str_eq(v, BSSIM_VERSION);
	ck_assert_int_eq(BSSIM_VERSION_HEX, (BSSIM_VERSION_MAJOR << 16) |
						    (BSSIM_VERSION_MINOR << 8) |
						    BSSIM_VERSION_PATCH);
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "--version"), 0);
	ck_assert_str_eq(out, "bssim " BSSIM_VERSION "\n");
	free(out);
	bs_init(); /* again: nothing */
	ck_assert_str_eq(bs_version(), BSSIM_VERSION);
}
END_TEST

START_TEST(test_interrupt_flag)
{
	ck_assert_int_eq(bs_interrupted(), 0);
	bs_interrupt();
	ck_assert_int_eq(bs_interrupted(), 1);
	bs_interrupt();
	ck_assert_int_eq(bs_interrupted(), 1);
	bs_interrupt_clear();
	ck_assert_int_eq(bs_interrupted(), 0);
}
END_TEST

START_TEST(test_frees_accept_null)
{
	bs_free(NULL);
	bs_scenario_free(NULL);
	bs_result_free(NULL);
	bs_comparison_free(NULL);
	bs_sweep_free(NULL);
	bs_sweep_job_free(NULL);
}
END_TEST

/* ---- the ABI rule: _init ---------------------------------------------------- */

/* bs_X_init_size(o, cut) writes the defaults into o's first cut bytes
 * and nothing past them, and records cut; the macro bs_X_init(o) and the
 * exported function of the same name record the whole size. */
#define INIT_CUT(X, field)                                                    \
	do {                                                                  \
		struct X o_;                                                  \
		size_t cut_ = offsetof(struct X, field), k_;                  \
		memset(&o_, 0xa5, sizeof(o_));                                \
		X##_init_size(&o_, cut_);                                     \
		ck_assert_uint_eq(o_.size, cut_);                             \
		for (k_ = cut_; k_ < sizeof(o_); k_++)                        \
			ck_assert_msg(((unsigned char *)&o_)[k_] == 0xa5,     \
				      #X ": byte %zu of %zu written", k_,     \
				      sizeof(o_));                            \
		X##_init(&o_);                                                \
		ck_assert_uint_eq(o_.size, sizeof(o_));                       \
		memset(&o_, 0xa5, sizeof(o_));                                \
		(X##_init)(&o_);                                              \
		ck_assert_uint_eq(o_.size, sizeof(o_));                       \
	} while (0)

START_TEST(test_abi_init_size)
{
	struct bs_run_opts r;
	struct bs_calibrate_opts c;
	struct {
		struct bs_sweep_opts o;
		unsigned char newer[16]; /* a newer caller's fields */
	} big;

	INIT_CUT(bs_run_opts, force);
	INIT_CUT(bs_sweep_opts, shard_i);
	INIT_CUT(bs_import_gbfs_opts, utc_offset_min);
	INIT_CUT(bs_import_trips_opts, monitor);
	INIT_CUT(bs_calibrate_opts, max_gap_min);
	INIT_CUT(bs_report_opts, nplots);
	/* the defaults within the cut, zero past the known fields */
	memset(&r, 0xa5, sizeof(r));
	bs_run_opts_init_size(&r, offsetof(struct bs_run_opts, force));
	ck_assert(r.jobs == 1 && r.paranoid == 0);
	bs_calibrate_opts_init(&c);
	ck_assert(c.truck_jump == 4 && c.max_gap_min == 10 && c.utc_offset_min == 540);
	ck_assert(c.source == NULL && c.monitor == NULL && c.days == 0.0);
	memset(&big, 0xa5, sizeof(big));
	bs_sweep_opts_init_size(&big.o, sizeof(big));
	ck_assert_uint_eq(big.o.size, sizeof(big));
	ck_assert(big.o.jobs == 1 && big.o.shard_i == 1 && big.o.shard_n == 1);
	ck_assert(big.o.monitor == NULL && big.newer[0] == 0 && big.newer[15] == 0);
}
END_TEST

/* ---- reference texts ----------------------------------------------------- */

/* A minimal JSON syntax check (RFC 8259), enough to know a text parses:
 * the end of the value at s, or NULL. Cost: linear in the text. */
static const char *json_value(const char *s, int depth);

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return NULL;
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
	}
	return s + 1;
}

static const char *json_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* The members of an object or the items of an array after its opener. */
static const char *json_items(const char *s, char close, int depth)
{
	s = json_ws(s);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (close == '}') {
			if (!(s = json_string(json_ws(s))))
				return NULL;
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		if (!(s = json_value(s, depth + 1)))
			return NULL;
		s = json_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *s, int depth)
{
	if (depth > 64)
		return NULL;
	s = json_ws(s);
	if (*s == '{' || *s == '[')
		return json_items(s + 1, *s == '{' ? '}' : ']', depth);
	if (*s == '"')
		return json_string(s);
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	return json_number(s);
}

static int json_parses(const char *text)
{
	const char *end = json_value(text, 0);

	return end && *json_ws(end) == '\0';
}

START_TEST(test_json_checker)
{
	/* the checker above tells good JSON from bad */
	ck_assert(json_parses("{\"a\": [1, -2.5e3, true, null, \"x\\n\\u00e9\"]}"));
	ck_assert(!json_parses("{\"a\": }"));
	ck_assert(!json_parses("{\"a\": 1,}"));
	ck_assert(!json_parses("[1] 2"));
	ck_assert(!json_parses("\"tab\tin string\""));
}
END_TEST

START_TEST(test_reference_texts)
{
	char *keys = bs_keys_markdown(), *limits = bs_limits_markdown(),
	     *schema = bs_schema_json(), *out, *with_nl;

	ck_assert(keys && limits && schema);
	ck_assert(!strncmp(keys, "| key | type | default | applies when | meaning |\n|---|", 50));
	ck_assert_ptr_nonnull(strstr(keys, "\n| `fleet.bikes` | "));
	ck_assert_ptr_nonnull(strstr(keys, "\n| `agreement.type` | "));
	ck_assert_ptr_nonnull(strstr(keys, "\n| `replications` | integer, 1 to 10000 | `10` |"));
	ck_assert(!strncmp(limits, "| limit | where | bound | why |\n|---|", 35));
	ck_assert_ptr_nonnull(strstr(limits, "\n| stations | "));
	ck_assert(json_parses(schema));
	ck_assert_ptr_nonnull(strstr(schema, "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
	ck_assert_ptr_nonnull(strstr(schema, "\"fleet\""));
	ck_assert_ptr_nonnull(strstr(schema, "\"bssim_sweep\""));
	/* what `bssim keys`, `limits` and `schema` print */
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "keys"), 0);
	ck_assert_str_eq(out, keys);
	free(out);
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "limits"), 0);
	ck_assert_str_eq(out, limits);
	free(out);
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "schema"), 0);
	with_nl = malloc(strlen(schema) + 2);
	sprintf(with_nl, "%s\n", schema);
	ck_assert_str_eq(out, with_nl);
	free(out);
	free(with_nl);
	bs_free(keys);
	bs_free(limits);
	bs_free(schema);
}
END_TEST

START_TEST(test_metric_names)
{
	/* the contract's metrics (DESIGN.md, section 5) */
	static const char *const contract[] = {
		"trips_requested", "trips_completed", "lost_no_bike",
		"lost_forbidden", "truncated_trips", "full_diversions",
		"cross_ward_trips", "service_level", "mean_trip_min",
		"empty_station_frac", "full_station_frac", "bikes_in_use_mean",
		"rebalancing_moves", "rebalancing_km", "revenue_yen"};
	size_t n = bs_metric_count(), i, j, found;

	ck_assert_uint_ge(n, sizeof(contract) / sizeof(contract[0]));
	for (i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
		for (found = 0, j = 0; j < n; j++)
			found += !strcmp(bs_metric_name(j), contract[i]);
		ck_assert_msg(found == 1, "%s listed %zu times", contract[i], found);
	}
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(bs_metric_name(i));
		ck_assert_ptr_nonnull(bs_metric_help(i));
		ck_assert_uint_gt(strlen(bs_metric_help(i)), 10);
		ck_assert_ptr_null(strchr(bs_metric_help(i), '\n'));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(bs_metric_name(i), bs_metric_name(j));
	}
}
END_TEST

/* ---- scenarios ----------------------------------------------------------- */

#define ISOLATED "scenarios/tokyo4_isolated.json"

START_TEST(test_scenario_load_shipped)
{
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(ISOLATED, NULL, 0, &err);
	char *v, *json;

	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_str_eq(bs_scenario_name(sc), "tokyo4-isolated");
	ck_assert_str_eq(bs_scenario_file(sc), ISOLATED);
	v = bs_scenario_get(sc, "seed");
	ck_assert_str_eq(v, "20160201");
	bs_free(v);
	v = bs_scenario_get(sc, "agreement.type");
	ck_assert_str_eq(v, "\"isolated\"");
	bs_free(v);
	v = bs_scenario_get(sc, "horizon");
	ck_assert_ptr_nonnull(strstr(v, "\"days\":1"));
	bs_free(v);
	/* a default filled in: replications is given, walk_radius_m too */
	v = bs_scenario_get(sc, "behaviour.walk_radius_m");
	ck_assert_str_eq(v, "300");
	bs_free(v);
	ck_assert_ptr_null(bs_scenario_get(sc, "no.such.key"));
	ck_assert_ptr_null(bs_scenario_get(sc, "seed.below"));
	json = bs_scenario_json(sc);
	ck_assert(json_parses(json));
	ck_assert_ptr_nonnull(strstr(json, "\"name\": \"tokyo4-isolated\""));
	bs_free(json);
	/* nothing checked yet: no warnings; then checked, twice */
	ck_assert_int_eq(bs_scenario_warnings(sc)->count, 0);
	ck_assert_int_eq(bs_scenario_check(sc, &err), 0);
	ck_assert_int_eq(bs_scenario_check(sc, &err), 0);
	ck_assert_int_eq(bs_scenario_warnings(sc)->count, 0);
	bs_scenario_free(sc);
	/* a file that is not there */
	ck_assert_ptr_null(bs_scenario_load("scenarios/none.json", NULL, 0, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.file, "scenarios/none.json");
	ck_assert_ptr_null(bs_scenario_load("scenarios/none.json", NULL, 0, NULL));
}
END_TEST

START_TEST(test_scenario_parse_memory)
{
	struct bs_error err;
	size_t len;
	char *text = tu_slurp(ISOLATED, &len), *v;
	bs_scenario *sc;

	ck_assert_ptr_nonnull(text);
	/* relative paths (../data/...) resolve against dir */
	sc = bs_scenario_parse(text, len, "tokyo4_isolated.json", "scenarios",
			       NULL, 0, &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_str_eq(bs_scenario_file(sc), "scenarios/tokyo4_isolated.json");
	ck_assert_str_eq(bs_scenario_name(sc), "tokyo4-isolated");
	ck_assert_msg(bs_scenario_check(sc, &err) == 0, "%s", err.text);
	bs_scenario_free(sc);
	/* dir NULL: the current folder, where ../data is not */
	sc = bs_scenario_parse(text, len, "tokyo4_isolated.json", NULL, NULL, 0, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(bs_scenario_check(sc, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "../data/tokyo4_stations.csv"));
	/* a failed check is told again, the same */
	{
		struct bs_error again;
		ck_assert_int_eq(bs_scenario_check(sc, &again), BS_E_INPUT);
		ck_assert_str_eq(again.text, err.text);
		ck_assert_str_eq(again.key, err.key);
	}
	bs_scenario_free(sc);
	/* only len bytes are read: the text need not be terminated */
	text[len - 2] = '!';
	sc = bs_scenario_parse(text, len - 2, "cut.json", "scenarios", NULL, 0, &err);
	ck_assert_ptr_null(sc);
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.file, "cut.json");
	ck_assert_int_gt(err.line, 1);
	ck_assert_ptr_nonnull(strstr(err.text, "invalid JSON"));
	/* sets apply in memory too */
	{
		const struct bs_set s = {"replications", "3"};
		const char json[] = "{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 6, \"capacity\": 5}},"
				    " \"fleet\": {\"bikes\": 12}, \"demand\": {\"model\": \"uniform\","
				    " \"rate_per_station_per_hour\": 1}}";
		sc = bs_scenario_parse(json, sizeof(json) - 1, "mem.json", NULL, &s, 1, &err);
		ck_assert_msg(sc != NULL, "%s", err.text);
		ck_assert_str_eq(bs_scenario_name(sc), "mem");
		v = bs_scenario_get(sc, "replications");
		ck_assert_str_eq(v, "3");
		bs_free(v);
		bs_scenario_free(sc);
	}
	free(text);
}
END_TEST

static char *get(const bs_scenario *sc, const char *key, char *buf, size_t sz)
{
	char *v = bs_scenario_get(sc, key);

	snprintf(buf, sz, "%s", v ? v : "(none)");
	bs_free(v);
	return buf;
}

START_TEST(test_scenario_sets)
{
	const struct bs_set sets[] = {
		{"replications", "3"},
		{"fleet.bikes", "1000"},
		{"description", "null"},    /* removed */
		{"agreement.type", "full"}, /* not JSON: a string */
		{"fleet.bikes", "1200"},    /* a later one wins */
		{"horizon", "{\"days\": 2, \"warmup_days\": 1}"}};
	const struct bs_set bad[] = {{"replications", "3"}, {"fleet.bikes", "-5"}};
	const struct bs_set unknown[] = {{"fleet.bikez", "5"}};
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(ISOLATED, sets, 6, &err);
	char buf[256];

	ck_assert_msg(sc != NULL, "%s", err.text);
	ck_assert_str_eq(get(sc, "replications", buf, sizeof(buf)), "3");
	ck_assert_str_eq(get(sc, "fleet.bikes", buf, sizeof(buf)), "1200");
	ck_assert_str_eq(get(sc, "description", buf, sizeof(buf)), "(none)");
	ck_assert_str_eq(get(sc, "agreement.type", buf, sizeof(buf)), "\"full\"");
	ck_assert_str_eq(get(sc, "horizon.days", buf, sizeof(buf)), "2");
	ck_assert_str_eq(get(sc, "horizon.warmup_days", buf, sizeof(buf)), "1");
	bs_scenario_free(sc);

	ck_assert_ptr_null(bs_scenario_load(ISOLATED, bad, 2, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "fleet.bikes");
	ck_assert_ptr_nonnull(strstr(err.text, "-5"));
	ck_assert_ptr_null(bs_scenario_load(ISOLATED, unknown, 1, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.key, "fleet.bikez"));
	ck_assert_ptr_nonnull(strstr(err.text, "fleet.bikes")); /* did you mean */
}
END_TEST

/* The API's message for file (with sets) is the line `bssim check`
 * prints, and its code the exit status. */
static void same_error_as_cli(const char *file, const struct bs_set *sets,
			      size_t nset, const char *cli_args)
{
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(file, sets, nset, &err);
	char want[4200], *out, *msg;
	int rc = 0, st;

	if (sc)
		rc = bs_scenario_check(sc, &err);
	ck_assert_msg(!sc || rc, "%s: expected an error", file);
	if (!sc)
		rc = err.code;
	cli_line(&err, want, sizeof(want));
	st = tu_cli(dir, &out, &msg, "check %s %s", file, cli_args);
	ck_assert_int_eq(st, bs_exit_status(rc));
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(msg, want);
	free(out);
	free(msg);
	bs_scenario_free(sc);
}

START_TEST(test_scenario_errors_as_cli)
{
	static const struct bs_set bad_set[] = {{"fleet.bikes", "many\nbikes"}};
	struct bs_error err;
	char path[512];
	bs_scenario *sc;

	free(tu_write(dir, "json.json", "{\"bssim\": 1,\n  \"seed\": }\n"));
#define DEMAND " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1},\n"
#define SYNTH " \"network\": {\"synthetic\": {\"stations\": 6, \"capacity\": 5}},\n"
	free(tu_write(dir, "value.json", "{\"bssim\": 1,\n" SYNTH DEMAND
					  " \"fleet\": {\"bikes\": -3}}\n"));
	free(tu_write(dir, "key.json", "{\"bssim\": 1,\n" SYNTH DEMAND
					" \"fleet\": {\"bikez\": 3}}\n"));
	free(tu_write(dir, "st.csv", "station_id,name,ward,lat,lon,capacity\n"
				     "a,A,W,35.7,139.7,5\nb,B,W,35.71,139.7,lots\n"));
	free(tu_write(dir, "row.json", "{\"bssim\": 1, \"network\": {\"stations\": \"st.csv\"},\n"
					DEMAND " \"fleet\": {\"bikes\": 3}}\n"));
	free(tu_write(dir, "ok.json", "{\"bssim\": 1,\n" SYNTH DEMAND
				       " \"fleet\": {\"bikes\": 3}}\n"));
#undef SYNTH
#undef DEMAND
#define AT(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
	/* the shapes: line and column of the JSON, the CSV row */
	sc = bs_scenario_load(AT("json.json"), NULL, 0, &err);
	ck_assert_ptr_null(sc);
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 11);
	same_error_as_cli(AT("json.json"), NULL, 0, "");
	ck_assert_ptr_null(bs_scenario_load(AT("value.json"), NULL, 0, &err));
	ck_assert_str_eq(err.key, "fleet.bikes");
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.column, 12); /* the key "bikes" */
	same_error_as_cli(AT("value.json"), NULL, 0, "");
	same_error_as_cli(AT("key.json"), NULL, 0, "");
	sc = bs_scenario_load(AT("row.json"), NULL, 0, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(bs_scenario_check(sc, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "capacity");
	ck_assert_ptr_nonnull(strstr(err.file, "st.csv"));
	bs_scenario_free(sc);
	same_error_as_cli(AT("row.json"), NULL, 0, "");
	/* a --set, with a newline the CLI escapes */
	same_error_as_cli(AT("ok.json"), bad_set, 1, "--set 'fleet.bikes=many\nbikes'");
#undef AT
}
END_TEST

START_TEST(test_scenario_describe_as_cli)
{
	static const char *const files[] = {ISOLATED, "scenarios/tokyo4_full_trucks.json"};
	const char *const *unused;
	struct bs_error err;
	char *text, *out, *json, *want, path[512];
	bs_scenario *sc;
	size_t i;

	for (i = 0; i < 2; i++) {
		sc = bs_scenario_load(files[i], NULL, 0, &err);
		ck_assert_ptr_nonnull(sc);
		/* describe checks first */
		text = bs_scenario_describe(sc, &err);
		ck_assert_msg(text != NULL, "%s", err.text);
		ck_assert_int_eq(tu_cli(NULL, &out, NULL, "check %s", files[i]), 0);
		ck_assert_str_eq(text, out);
		free(out);
		bs_free(text);
		json = bs_scenario_json(sc);
		want = malloc(strlen(json) + 2);
		sprintf(want, "%s\n", json);
		ck_assert_int_eq(tu_cli(NULL, &out, NULL, "check %s --json", files[i]), 0);
		ck_assert_str_eq(out, want);
		free(out);
		free(want);
		bs_free(json);
		ck_assert_uint_eq(bs_scenario_unused(sc, &unused), 0);
		bs_scenario_free(sc);
	}
	/* keys given but not used: listed, and described */
	snprintf(path, sizeof(path), "%s/unused.json", dir);
	free(tu_write(dir, "unused.json",
		      "{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 20, \"capacity\": 5}},"
		      "\"fleet\": {\"bikes\": 40}, \"demand\": {\"model\": \"uniform\","
		      "\"rate_per_station_per_hour\": 1, \"trips_per_day\": 9},"
		      "\"trip\": {\"duration\": {\"dist\": \"exponential\", \"speed_kmh\": 10}}}"));
	sc = bs_scenario_load(path, NULL, 0, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_uint_eq(bs_scenario_unused(sc, &unused), 2);
	ck_assert_str_eq(unused[0], "demand.trips_per_day");
	ck_assert_str_eq(unused[1], "trip.duration.speed_kmh");
	text = bs_scenario_describe(sc, &err);
	ck_assert_ptr_nonnull(strstr(text, "demand.trips_per_day"));
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "check %s", path), 0);
	ck_assert_str_eq(text, out);
	free(out);
	bs_free(text);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_scenario_warnings)
{
	char json[2048], path[600];
	struct bs_error err;
	const struct bs_warnings *w;
	bs_scenario *sc;

	free(tu_write(dir, "st.csv",
		      "station_id,name,ward,lat,lon,capacity\n"
		      "1,One,JC,40.71,-74.03,5\n2,Two,JC,40.72,-74.04,5\n3,Three,JC,40.73,-74.02,5\n"));
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 1, \"horizon\": {\"days\": 3},"
		 " \"network\": {\"stations\": \"st.csv\"}, \"fleet\": {\"bikes\": 6},"
		 " \"demand\": {\"model\": \"trace\", \"trips\": \"%s\"}}",
		 tu_abspath(tu_fixture("trips_small.csv")));
	free(tu_write(dir, "trace.json", json));
	snprintf(path, sizeof(path), "%s/trace.json", dir);
	sc = bs_scenario_load(path, NULL, 0, &err);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(bs_scenario_warnings(sc)->count, 0); /* not read yet */
	ck_assert_int_eq(bs_scenario_check(sc, &err), 0);
	w = bs_scenario_warnings(sc);
	ck_assert_int_eq(w->count, 1);
	ck_assert_ptr_nonnull(strstr(w->first[0], "row 7: no start station id"));
	bs_scenario_free(sc);
}
END_TEST

/* ---- the example program --------------------------------------------------- */

/* build/examples/hello, beside the tests of this build */
static const char *hello_path(void)
{
	static char p[1024];
	const char *b = getenv("BUILD");

	snprintf(p, sizeof(p), "%s/examples/hello", b && *b ? b : "build");
	return p;
}

START_TEST(test_example_hello)
{
	const struct bs_set two = {"replications", "2"};
	struct bs_run_opts o;
	struct bs_error err;
	struct bs_stat st;
	char cmd[2048], want[4096], line[256], *out, *msg;
	bs_scenario *sc = bs_scenario_load(ISOLATED, &two, 1, &err);
	bs_result *r;
	size_t w, n = 0;

	ck_assert_ptr_nonnull(sc);
	bs_run_opts_init(&o);
	r = bs_run(sc, &o, &err);
	ck_assert_msg(r != NULL, "%s", err.text);
	n = (size_t)snprintf(want, sizeof(want), "tokyo4-isolated: 2 replications\n");
	for (w = 0; w < bs_result_nwards(r); w++) {
		ck_assert_int_eq(bs_result_metric(r, bs_result_ward(r, w),
						  "service_level", &st, &err), 0);
		snprintf(line, sizeof(line), "%-10s service_level %.6f  95%% CI [%.6f, %.6f]\n",
			 bs_result_ward(r, w), st.mean, st.ci_lo, st.ci_hi);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s", line);
	}
	ck_assert_uint_eq(bs_result_nwards(r), 4);
	snprintf(cmd, sizeof(cmd), "%s %s", hello_path(), ISOLATED);
	ck_assert_int_eq(tu_run(cmd, &out, &msg), 0);
	ck_assert_str_eq(out, want);
	ck_assert_str_eq(msg, "");
	free(out);
	free(msg);
	/* bad input: exit 2 and the error line */
	snprintf(cmd, sizeof(cmd), "%s %s/none.json", hello_path(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, &msg), 2);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(msg, "hello: "));
	ck_assert_ptr_nonnull(strstr(msg, "none.json"));
	free(out);
	free(msg);
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_error_clear_and_format);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_strerror_and_exit_status);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_interrupt_flag);
	tcase_add_test(tc, test_frees_accept_null);
	tcase_add_test(tc, test_abi_init_size);
	tcase_add_test(tc, test_json_checker);
	tcase_add_test(tc, test_reference_texts);
	tcase_add_test(tc, test_metric_names);
	tcase_add_test(tc, test_scenario_load_shipped);
	tcase_add_test(tc, test_scenario_parse_memory);
	tcase_add_test(tc, test_scenario_sets);
	tcase_add_test(tc, test_scenario_errors_as_cli);
	tcase_add_test(tc, test_scenario_describe_as_cli);
	tcase_add_test(tc, test_scenario_warnings);
	tcase_add_test(tc, test_example_hello);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bs_init();
	return tu_main(suite());
}
