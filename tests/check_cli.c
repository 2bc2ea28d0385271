/*
 * check_cli.c - end-to-end runs of the bssim executable: the contracted
 * files and headers, exit statuses, determinism across --jobs, --set and
 * --seed, interruption, and the bad-input corpus in tests/inputs/invalid.
 */
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

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

/* A small scenario on the six-port fixture, written into dir. */
static char *small_scenario(const char *extra)
{
	char json[4096];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 4, \"replications\": 4,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}%s}",
		 tu_abspath(tu_fixture("six.csv")), extra);
	return tu_write(dir, "small.json", json);
}

static int run(const char *args, char **out, char **err)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	return tu_run(cmd, out, err);
}

static char *file_in(const char *d, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s", d, name);
	return tu_slurp(p, NULL);
}

static void first_line_is(const char *text, const char *header)
{
	size_t l = strlen(header);

	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strncmp(text, header, l) == 0 && text[l] == '\n',
		      "header '%.*s' is not '%s'", (int)l, text, header);
}

/* The help of `bssim LINE --help` in the one shape every command's has
 * (issue 16): a usage line first, an "options:" section (a heading after
 * a blank line) holding -h, --help, and an "exit status:" paragraph after
 * it that gives the statuses. */
static void help_shape(const char *line)
{
	char args[256], *out = NULL, *opts, *ex;
	size_t l = strlen(line);

	snprintf(args, sizeof(args), "%s --help", line);
	ck_assert_msg(run(args, &out, NULL) == 0, "bssim %s: not exit status 0", args);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(strncmp(out, "usage: bssim ", 13) == 0 &&
			      strncmp(out + 13, line, l) == 0 &&
			      (out[13 + l] == ' ' || out[13 + l] == '\n'),
		      "bssim %s: the first line is not 'usage: bssim %s ...': %s", args, line, out);
	opts = strstr(out, "\n\noptions:\n");
	ck_assert_msg(opts != NULL, "bssim %s: no 'options:' section: %s", args, out);
	ck_assert_msg(strstr(opts, "  -h, --help ") != NULL,
		      "bssim %s: -h, --help is not among the options: %s", args, out);
	ex = strstr(opts, "\n\nexit status: 0 ");
	ck_assert_msg(ex != NULL, "bssim %s: no 'exit status: 0 ...' paragraph after the options: %s",
		      args, out);
	ck_assert_msg(strstr(ex, " 2 ") != NULL || strstr(ex, "\n2 ") != NULL,
		      "bssim %s: the exit status does not say what 2 means: %s", args, out);
	free(out);
}

/* The subcommands a command's usage lines name ("usage: bssim import
 * gbfs ...", "       bssim import trips ..."): a lower-case word right
 * after the command, where operands are upper-case (SCENARIO.json, DIR)
 * and options start with '-'. Into sub[][32]; returns how many. */
static size_t subcommands(const char *cmd, char sub[][32], size_t max)
{
	char args[128], pre[64], *out = NULL, *p;
	size_t n = 0, l;

	snprintf(args, sizeof(args), "%s --help", cmd);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	l = (size_t)snprintf(pre, sizeof(pre), "bssim %s ", cmd);
	/* the usage lines: up to the first blank line */
	p = strstr(out, "\n\n");
	if (p)
		*p = '\0';
	for (p = out; (p = strstr(p, pre)) && n < max; p += l) {
		size_t k = 0;
		while (p[l + k] >= 'a' && p[l + k] <= 'z' && k < 31)
			k++;
		if (k && (p[l + k] == ' ' || p[l + k] == '\n' || !p[l + k])) {
			memcpy(sub[n], p + l, k);
			sub[n++][k] = '\0';
		}
	}
	free(out);
	return n;
}

START_TEST(test_help_and_version)
{
	char *out, *err, *top, *p, *list;
	size_t ncmd = 0;

	ck_assert_int_eq(run("--version", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "bssim "));
	free(out);
	ck_assert_int_eq(run("--help", &top, NULL), 0);
	ck_assert_ptr_nonnull(strstr(top, "bssim run SCENARIO.json"));
	ck_assert_int_eq(run("run --help", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "--replications"));
	ck_assert_ptr_nonnull(strstr(out, "--again DIR"));
	free(out);
	/* every command bssim dispatches, as its "unknown command" message
	 * lists them (main.c makes that list from the table it dispatches
	 * by, so a new command is checked here without an edit): each in
	 * the top-level help, each --help and each subcommand's (import
	 * gbfs, calibrate status, ...) in the one shape */
	ck_assert_int_eq(run("frobnicate", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown command"));
	list = strstr(err, "; expected ");
	ck_assert_ptr_nonnull(list);
	list += strlen("; expected ");
	if ((p = strstr(list, " (see")))
		*p = '\0';
	for (p = strtok(list, ", "); p; p = strtok(NULL, ", ")) {
		char line[64], sub[8][32];
		size_t k, nsub;
		if (!strcmp(p, "or"))
			continue;
		snprintf(line, sizeof(line), "\n  bssim %s ", p);
		ck_assert_msg(strstr(top, line) != NULL, "bssim --help does not list %s", p);
		help_shape(p);
		nsub = subcommands(p, sub, 8);
		for (k = 0; k < nsub; k++) {
			snprintf(line, sizeof(line), "%s %s", p, sub[k]);
			help_shape(line);
		}
		ncmd++;
	}
	free(err);
	ck_assert_uint_ge(ncmd, 13);
	free(top);
	/* the subcommands are found: import has two, calibrate three */
	{
		char sub[8][32];
		ck_assert_uint_eq(subcommands("import", sub, 8), 2);
		ck_assert_str_eq(sub[0], "gbfs");
		ck_assert_str_eq(sub[1], "trips");
		ck_assert_uint_eq(subcommands("calibrate", sub, 8), 3);
		ck_assert_uint_eq(subcommands("run", sub, 8), 0);
	}
	/* each import's and calibration's help is its own (trips once
	 * printed gbfs's too) */
	{
		static const char *const own[][2] = {
			{"import trips --help", "gbfs"},
			{"import gbfs --help", "import trips"},
			{"calibrate trips --help", "--truck-jump"},
			{"calibrate status --help", "--od "}};
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			ck_assert_int_eq(run(own[i][0], &out, NULL), 0);
			ck_assert_msg(strstr(out, own[i][1]) == NULL, "%s names %s",
				      own[i][0], own[i][1]);
			free(out);
		}
	}
	ck_assert_int_eq(run("", NULL, &err), 2);
	free(err);
}
END_TEST

/* With soft capacity timeseries.csv adds refusing_stations after the
 * contracted columns (without it, the file is as contracted: above):
 * ports at their physical limit, never more than the full ones. */
START_TEST(test_timeseries_refusing_column)
{
	char *sc = small_scenario(", \"capacity\": {\"physical\": \"extra\", \"extra_docks\": 1}"),
	     args[2048], *t, *line, *save = NULL;
	char path[1024];
	size_t rows = 0;

	snprintf(args, sizeof(args), "run %s -o %s/out -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	t = file_in(path, "timeseries.csv");
	first_line_is(t, "replication,t_min,ward,bikes_docked,empty_stations,full_stations,refusing_stations");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned rep, docked, empty, full, refusing;
		double tm;
		char ward[64];
		if (sscanf(line, "%u,%lf,%63[^,],%u,%u,%u,%u", &rep, &tm, ward, &docked,
			   &empty, &full, &refusing) != 7)
			continue; /* the header */
		ck_assert_uint_le(refusing, full);
		rows++;
	}
	ck_assert_uint_eq(rows, 4 * 96 * 4);
	free(t);
	free(sc);
}
END_TEST

/* Every contracted file, with exactly the contracted header, and the
 * summary's contracted structure. */
/* rng philox end to end: summary.json says "streams": 2 right after the
 * seed and the resolved scenario keeps the key; the default streams
 * write no "streams" member; the two runs' numbers differ (other random
 * numbers) and each run reproduces itself byte for byte. */
START_TEST(test_rng_philox_streams_version)
{
	/* both are dir/small.json: the second replaces the first */
	char *sc = small_scenario(""), *ph;
	char args[4096], p[1024], *a, *b, *c;
	json_t *d0, *d1;
	json_error_t je;
	const char *k, *prev = NULL, *after_seed = NULL;
	json_t *v;

	snprintf(args, sizeof(args), "run %s -o %s/t -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	ph = small_scenario(", \"rng\": \"philox\"");
	snprintf(args, sizeof(args), "run %s -o %s/p1 -q", ph, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "run %s -o %s/p2 -q", ph, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(p, sizeof(p), "%s/t/summary.json", dir);
	d0 = json_load_file(p, JSON_PRESERVE_ORDER, &je);
	snprintf(p, sizeof(p), "%s/p1/summary.json", dir);
	d1 = json_load_file(p, JSON_PRESERVE_ORDER, &je);
	ck_assert_ptr_nonnull(d0);
	ck_assert_ptr_nonnull(d1);
	ck_assert_ptr_null(json_object_get(d0, "streams"));
	ck_assert_int_eq(json_integer_value(json_object_get(d1, "streams")), 2);
	json_object_foreach(d1, k, v) {
		if (prev && !strcmp(prev, "seed"))
			after_seed = k;
		prev = k;
	}
	ck_assert_str_eq(after_seed, "streams");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(d1, "scenario"), "rng")), "philox");
	a = file_in(dir, "t/replications.csv");
	b = file_in(dir, "p1/replications.csv");
	c = file_in(dir, "p2/replications.csv");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_ne(a, b);
	ck_assert_str_eq(b, c);
	free(a);
	free(b);
	free(c);
	json_decref(d0);
	json_decref(d1);
	free(sc);
	free(ph);
}
END_TEST

START_TEST(test_run_writes_contract)
{
	char *sc = small_scenario(""), args[2048], *out, *t;
	json_t *doc, *m;
	json_error_t je;
	char path[1024];
	const char *names[] = {"trips_requested", "service_level", "revenue_yen",
			       "empty_station_frac", "rebalancing_km",
			       "trips_reached", "reach_level",
			       "walk_after_m_mean"};
	size_t i;

	snprintf(args, sizeof(args), "run %s -o %s/out", sc, dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "small: 4 replications"));
	free(out);
	snprintf(path, sizeof(path), "%s/out", dir);
	first_line_is(t = file_in(path, "replications.csv"), "replication,ward,metric,value");
	ck_assert_ptr_nonnull(strstr(t, "\n1,all,trips_requested,"));
	ck_assert_ptr_nonnull(strstr(t, "\n4,Gamma,service_level,"));
	free(t);
	first_line_is(t = file_in(path, "stations.csv"),
		      "station_id,name,ward,capacity,rentals,returns,empty_frac,full_frac,mean_bikes");
	ck_assert_ptr_nonnull(strstr(t, "\nB2,\"South B, by the river\",Beta,5,"));
	ck_assert_uint_eq(tu_lines(t), 7);
	free(t);
	first_line_is(t = file_in(path, "timeseries.csv"),
		      "replication,t_min,ward,bikes_docked,empty_stations,full_stations");
	ck_assert_uint_eq(tu_lines(t), 1 + 4 * 96 * 4); /* reps x samples x (wards + all) */
	free(t);
	first_line_is(t = file_in(path, "flows.csv"), "replication,from_ward,to_ward,trips");
	ck_assert_uint_eq(tu_lines(t), 1 + 4 * 9);
	free(t);
	snprintf(path, sizeof(path), "%s/out/trips.csv", dir);
	ck_assert(!tu_exists(path));
	snprintf(path, sizeof(path), "%s/out/summary.json", dir);
	doc = json_load_file(path, 0, &je);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "replications")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "seed")), 4);
	ck_assert(json_is_string(json_object_get(doc, "version")));
	ck_assert(json_is_object(json_object_get(doc, "run")));
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(doc, "scenario"), "name")), "small");
	m = json_object_get(doc, "metrics");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *st = json_object_get(m, names[i]);
		ck_assert_msg(json_is_object(st), "metric %s", names[i]);
		ck_assert(json_is_number(json_object_get(st, "mean")));
		ck_assert(json_is_number(json_object_get(st, "sd")));
		ck_assert(json_is_number(json_object_get(st, "ci95_low")));
		ck_assert(json_is_number(json_object_get(st, "ci95_high")));
	}
	ck_assert(json_is_object(json_object_get(json_object_get(
		json_object_get(json_object_get(doc, "wards"), "Alpha"), "metrics"),
		"cross_ward_trips")));
	ck_assert(json_is_number(json_object_get(
		json_object_get(json_object_get(doc, "flows"), "Alpha"), "Gamma")));
	ck_assert(json_is_number(json_object_get(
		json_object_get(json_object_get(doc, "settlement_yen"), "Beta"), "Alpha")));
	json_decref(doc);
	free(sc);
}
END_TEST

static void same_file(const char *a, const char *b, const char *name)
{
	char *x = file_in(a, name), *y = file_in(b, name);

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_msg(strcmp(x, y) == 0, "%s differs between %s and %s", name, a, b);
	free(x);
	free(y);
}

/* The summary without its "run" member (the machine and the moment). */
static char *summary_sans_run(const char *d)
{
	char p[1024];
	json_t *doc;
	char *s;

	snprintf(p, sizeof(p), "%s/summary.json", d);
	doc = json_load_file(p, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_object_del(doc, "run");
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

START_TEST(test_jobs_same_bytes)
{
	char *sc = small_scenario(", \"output\": {\"trips\": true}"), args[2048];
	char a[1024], b[1024], *x, *y;
	const char *files[] = {"replications.csv", "stations.csv", "timeseries.csv",
			       "flows.csv", "trips.csv"};
	size_t i;

	snprintf(a, sizeof(a), "%s/j1", dir);
	snprintf(b, sizeof(b), "%s/j2", dir);
	snprintf(args, sizeof(args), "run %s -o %s --jobs 1 -q", sc, a);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "run %s -o %s --jobs 3 -q", sc, b);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		same_file(a, b, files[i]);
	x = summary_sans_run(a);
	y = summary_sans_run(b);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	x = file_in(a, "trips.csv");
	first_line_is(x, "replication,request_min,origin_id,destination_id,outcome,rental_id,return_id,rental_min,return_min,ride_min,diversions,truncated,bike,owner_ward,fare_yen,walk_after_m");
	ck_assert_uint_gt(tu_lines(x), 500);
	free(x);
	free(sc);
}
END_TEST

START_TEST(test_seed_and_set)
{
	char *sc = small_scenario(""), args[2048], *s1, *s2, *s3;
	char a[1024], b[1024], c[1024];

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	snprintf(args, sizeof(args), "run %s -o %s -q --seed 99", sc, a);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "run %s -o %s -q --set seed=99", sc, b);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "run %s -o %s -q --seed 100 --set fleet.bikes=20 --replications 2", sc, c);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	s1 = summary_sans_run(a);
	s2 = summary_sans_run(b);
	s3 = summary_sans_run(c);
	ck_assert_str_eq(s1, s2);
	ck_assert_str_ne(s1, s3);
	ck_assert_ptr_nonnull(strstr(s3, "\"bikes\":20"));
	ck_assert_ptr_nonnull(strstr(s3, "\"replications\":2"));
	free(s1);
	free(s2);
	free(s3);
	free(sc);
}
END_TEST

START_TEST(test_check_and_show)
{
	char *sc = small_scenario(", \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300, \"decay_m\": 900}"),
	     args[2048], *out;

	/* "demand" twice: duplicate keys are refused */
	snprintf(args, sizeof(args), "check %s", sc);
	ck_assert_int_eq(run(args, NULL, NULL), 2);
	free(sc);
	sc = small_scenario(", \"agreement\": {\"type\": \"isolated\"}");
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "small: OK"));
	ck_assert_ptr_nonnull(strstr(out, "Gamma"));
	ck_assert_ptr_nonnull(strstr(out, "isolated"));
	free(out);
	snprintf(args, sizeof(args), "check %s --json", sc);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"walk_radius_m\": 300"));
	free(out);
	snprintf(args, sizeof(args), "run %s -o %s/r -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "show %s/r %s/r", dir, dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "service_level"));
	/* two runs of one scenario: headed by their folders, not twice
	 * by the same name */
	ck_assert_ptr_nonnull(strstr(out, "/r "));
	ck_assert_ptr_null(strstr(out, "small"));
	free(out);
	snprintf(args, sizeof(args), "show %s/r", dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "small"));
	/* issue 16: numbers for people, never "2.932e+06 +- 1.6e+04" */
	ck_assert_msg(!strstr(out, "e+") && !strstr(out, "+-") &&
		      strstr(out, " \xc2\xb1 "), "%s", out);
	free(out);
	snprintf(args, sizeof(args), "show %s/nothing", dir);
	ck_assert_int_eq(run(args, NULL, NULL), 2);
	free(sc);
}
END_TEST

/* The issue's requirement: a stations CSV with a byte-order mark and CRLF
 * line ends runs, with the same results as the plain file. */
START_TEST(test_bom_crlf_csv_runs)
{
	char json[2048], *p, args[2048], *x, *y;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 10},"
		 " \"demand\": {\"trips_per_day\": 100}}",
		 tu_abspath(tu_fixture("six_bom_crlf.csv")));
	p = tu_write(dir, "bom.json", json);
	snprintf(args, sizeof(args), "run %s -o %s/bom -q", p, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	free(p);
	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"replications\": 2, \"horizon\": {\"days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 10},"
		 " \"demand\": {\"trips_per_day\": 100}}",
		 tu_abspath(tu_fixture("six.csv")));
	p = tu_write(dir, "plain.json", json);
	snprintf(args, sizeof(args), "run %s -o %s/plain -q", p, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "%s/bom", dir);
	x = file_in(args, "replications.csv");
	snprintf(args, sizeof(args), "%s/plain", dir);
	y = file_in(args, "replications.csv");
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	free(p);
}
END_TEST

/* An output folder that cannot be created: exit 1 before running. */
START_TEST(test_unwritable_output)
{
	char *sc = small_scenario(""), args[2048], *err;

	snprintf(args, sizeof(args), "run %s -o /dev/null/out", sc);
	ck_assert_int_eq(run(args, NULL, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "cannot create the output folder"));
	free(err);
	free(sc);
}
END_TEST

static void interrupt_at(const char *sc, const char *sub, const char *stop_at,
			 const char *reps_arg, int nreps, int cut,
			 const char *want, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

/* Run sc into dir/sub (with --replications reps_arg), interrupted with
 * SIGINT while it stands at stop_at: exit 1, stderr exactly want
 * (printf-style), summary.json holds nreps replications and says whether
 * the run was cut short, no temporary is left. */
static void interrupt_at(const char *sc, const char *sub, const char *stop_at,
			 const char *reps_arg, int nreps, int cut,
			 const char *want, ...)
{
	char out[1024], errp[1200], path[1300], *msg, text[2048];
	va_list ap;
	json_t *doc;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s", dir, sub);
	snprintf(errp, sizeof(errp), "%s/stderr", dir);
	pid = tu_start(&(struct tu_spawn){.stop_at = stop_at, .err = errp},
		       "run", sc, "-o", out, "-q", "--replications", reps_arg,
		       NULL);
	tu_wait_stopped(pid);
	ck_assert_int_eq(tu_signal_and_wait(pid, SIGINT), 1);
	msg = tu_slurp(errp, NULL);
	va_start(ap, want);
	vsnprintf(text, sizeof(text), want, ap);
	va_end(ap);
	ck_assert_str_eq(msg, text);
	free(msg);
	snprintf(path, sizeof(path), "%s/summary.json", out);
	doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_is_true(json_object_get(json_object_get(doc, "run"),
					       "interrupted")) == cut);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "replications")),
			 nreps);
	json_decref(doc);
	ck_assert_int_eq(tu_temporaries(out), 0);
}

/* Issue 16: show and report flag an interrupted run; show --ward shows
 * a ward's metrics and refuses an unknown ward; show reads a sweep's
 * folder; run warns about keys it does not use, as check lists them. */
START_TEST(test_show_report_issue16)
{
	char *sc = small_scenario(""), args[4096], *out, *err, *html, p[1200];

	interrupt_at(sc, "int", "rep-done:1", "50", 1, 1,
		     "bssim: interrupt received: finishing the write of 1 replication\n"
		     "bssim: interrupted: wrote the 1 complete replication of 50 to %s/int (run.interrupted is true in summary.json)\n",
		     dir);
	snprintf(args, sizeof(args), "show %s/int", dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "INTERRUPTED 1 of 50"));
	ck_assert_ptr_nonnull(strstr(err, "int was interrupted: 1 of its 50 replications finished"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "report %s/int", dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(p, sizeof(p), "%s/int/report.html", dir);
	html = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(strstr(html, "<strong>Interrupted:</strong> small holds 1 of the 50 replications"));
	free(html);
	/* a ward's metrics, and an unknown ward */
	snprintf(args, sizeof(args), "run %s -o %s/r -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "show %s/r --ward Alpha", dir);
	ck_assert_int_eq(run(args, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "service_level"));
	ck_assert_ptr_null(strstr(out, "INTERRUPTED"));
	{
		char *all;
		snprintf(args, sizeof(args), "show %s/r", dir);
		ck_assert_int_eq(run(args, &all, NULL), 0);
		ck_assert_str_ne(out, all); /* not the whole network's */
		free(all);
	}
	free(out);
	snprintf(args, sizeof(args), "show --ward Nowhere %s/r", dir);
	ck_assert_int_eq(run(args, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "'Nowhere' is not a ward"));
	free(err);
	/* a sweep's folder: one line per point */
	{
		char sw[2048];
		snprintf(sw, sizeof(sw),
			 "{ \"bssim_sweep\": 1, \"base\": \"%s\", \"replications\": 2,\n"
			 "  \"vary\": { \"fleet.bikes\": [10, 20] } }\n", sc);
		free(tu_write(dir, "sw.json", sw));
		snprintf(args, sizeof(args), "sweep %s/sw.json -o %s/s -q", dir, dir);
		ck_assert_int_eq(run(args, NULL, NULL), 0);
		snprintf(args, sizeof(args), "show %s/s", dir);
		ck_assert_int_eq(run(args, &out, &err), 0);
		ck_assert_msg(strstr(out, "2 points x 2 replications (ward all)") != NULL, "%s", out);
		ck_assert_ptr_nonnull(strstr(out, "point 1 (fleet.bikes=10)"));
		ck_assert_ptr_nonnull(strstr(out, "point 2 (fleet.bikes=20)"));
		free(out);
		free(err);
		snprintf(args, sizeof(args), "show %s/s --ward Beta", dir);
		ck_assert_int_eq(run(args, &out, NULL), 0);
		ck_assert_ptr_nonnull(strstr(out, "(ward Beta)"));
		free(out);
	}
	/* keys a run does not use are named, as check names them */
	snprintf(args, sizeof(args), "run %s -o %s/r --set demand.rate_per_station_per_hour=3", sc, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "bssim: warning: given but not used by this scenario: demand.rate_per_station_per_hour\n"));
	free(out);
	free(err);
	snprintf(args, sizeof(args), "run %s -o %s/r -q --set demand.rate_per_station_per_hour=3", sc, dir);
	ck_assert_int_eq(run(args, NULL, &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
	free(sc);
}
END_TEST

/* SIGINT while the replications run: the run stops, the finished ones
 * are written, marked as interrupted, exit 1. No clock: the run stops
 * itself once the first replication has finished (a test point), the
 * interrupt is sent then, and the run goes on; the runner hands out no
 * replication after a stop, so exactly one is written. */
START_TEST(test_interrupt)
{
	char *sc = small_scenario("");

	interrupt_at(sc, "int", "rep-done:1", "50", 1, 1,
		     "bssim: interrupt received: finishing the write of 1 replication\n"
		     "bssim: interrupted: wrote the 1 complete replication of 50 to %s/int (run.interrupted is true in summary.json)\n",
		     dir);
	free(sc);
}
END_TEST

/* SIGINT while the results are being written: never ignored silently.
 * The write completes (all four replications, not marked interrupted:
 * they all finished), stderr says so at once, and the exit status is 1.
 * The interrupt is sent while the run stands at "before-write". */
START_TEST(test_interrupt_during_write)
{
	char *sc = small_scenario(", \"output\": {\"trips\": true}"), *t, p[1200];

	interrupt_at(sc, "w", "before-write", "4", 4, 0,
		     "bssim: interrupt received: finishing the write of 4 replications\n"
		     "bssim: interrupted while writing: the 4 replications are written to %s/w\n",
		     dir);
	snprintf(p, sizeof(p), "%s/w", dir);
	t = file_in(p, "trips.csv");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(strstr(t, "\n4,")); /* the last replication's */
	free(t);
	free(sc);
}
END_TEST

/* Output folders: a folder holding files bssim did not write is refused
 * (exit 2, nothing written) unless --force; an empty folder or bssim's own
 * is used, and a rerun replaces its files and removes the optional ones it
 * no longer writes. */
START_TEST(test_output_folder_policy)
{
	char *sc = small_scenario(""), args[2048], *err, p[1200], *note;

	snprintf(p, sizeof(p), "%s/foreign", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	note = tu_write(p, "notes.txt", "my notes\n");
	snprintf(args, sizeof(args), "run %s -o %s/foreign -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "bssim did not write (e.g. 'notes.txt')"));
	ck_assert_ptr_nonnull(strstr(err, "--force"));
	free(err);
	snprintf(p, sizeof(p), "%s/foreign/summary.json", dir);
	ck_assert(!tu_exists(p));
	snprintf(args, sizeof(args), "run %s -o %s/foreign -q --force", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	ck_assert(tu_exists(p));
	ck_assert(tu_exists(note)); /* never removes what it did not write */
	free(note);
	/* an empty folder is fine */
	snprintf(p, sizeof(p), "%s/empty", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	snprintf(args, sizeof(args), "run %s -o %s/empty -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	/* bssim's own folder: rerun with trips, then without */
	snprintf(args, sizeof(args), "run %s -o %s/empty -q --set output.trips=true", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	snprintf(p, sizeof(p), "%s/empty/trips.csv", dir);
	ck_assert(tu_exists(p));
	snprintf(args, sizeof(args), "run %s -o %s/empty -q", sc, dir);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	ck_assert(!tu_exists(p));
	snprintf(p, sizeof(p), "%s/empty/.bssim", dir);
	ck_assert(tu_exists(p));
	free(sc);
}
END_TEST

/* docs/scenario-keys.md carries the output of `bssim keys` verbatim. */
START_TEST(test_keys_doc_current)
{
	char *out, *doc = tu_slurp("docs/scenario-keys.md", NULL);
	const char *mark = "<!-- generated by: bssim keys -->\n";

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(run("keys", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(doc, mark));
	ck_assert_msg(strcmp(strstr(doc, mark) + strlen(mark), out) == 0,
		      "docs/scenario-keys.md is stale: regenerate the table with `bssim keys`");
	free(out);
	free(doc);
}
END_TEST

/* docs/robustness.md carries the output of `bssim limits` verbatim between
 * its markers, and every key the table names is a numeric key. */
START_TEST(test_limits_doc_current)
{
	char *out, *doc = tu_slurp("docs/robustness.md", NULL), *a, *b;
	const char *mark = "<!-- generated by: bssim limits -->\n";
	const char *end = "<!-- end of generated table -->\n";

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(run("limits", &out, NULL), 0);
	ck_assert_ptr_null(strstr(out, "fix src/output/limits.c"));
	ck_assert_ptr_nonnull(a = strstr(doc, mark));
	a += strlen(mark);
	ck_assert_ptr_nonnull(b = strstr(a, end));
	*b = '\0';
	ck_assert_msg(strcmp(a, out) == 0,
		      "docs/robustness.md is stale: regenerate its limits with `make keys-doc`");
	free(out);
	free(doc);
}
END_TEST

/* ---- the bad-input corpus ------------------------------------------------ */

static char **cases;
static int ncases;

static void load_cases(void)
{
	char root[1024];
	DIR *d;
	struct dirent *e;
	const char *t = getenv("BSSIM_TESTS");

	snprintf(root, sizeof(root), "%s/inputs/invalid", t && *t ? t : "tests");
	d = opendir(root);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char p[1400], **c;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/expected", root, e->d_name);
		if (!tu_exists(p))
			continue;
		snprintf(p, sizeof(p), "%s/%s", root, e->d_name);
		if (!(c = realloc(cases, (size_t)(ncases + 1) * sizeof(*c))))
			break;
		cases = c;
		cases[ncases++] = strdup(p);
	}
	closedir(d);
	/* a stable order, so that _i names the same case everywhere */
	for (int i = 1; i < ncases; i++)
		for (int j = i; j > 0 && strcmp(cases[j - 1], cases[j]) > 0; j--) {
			char *x = cases[j];
			cases[j] = cases[j - 1];
			cases[j - 1] = x;
		}
}

/* Replace every @ by the case folder and % by the output folder. */
static void expand(const char *in, const char *cdir, const char *odir,
		   char *out, size_t sz)
{
	size_t o = 0;

	for (; *in && o + 1 < sz; in++) {
		const char *rep = *in == '@' ? cdir : *in == '%' ? odir : NULL;
		if (rep) {
			size_t l = strlen(rep);
			if (o + l >= sz)
				break;
			memcpy(out + o, rep, l);
			o += l;
		} else if (*in != '\n') {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

START_TEST(test_invalid_corpus)
{
	const char *c = cases[_i];
	char p[1400], args[4096], odir[1200], want[4096], *cmd, *exp, *err;
	int st;

	snprintf(odir, sizeof(odir), "%s/out", dir);
	snprintf(p, sizeof(p), "%s/cmd", c);
	cmd = tu_slurp(p, NULL);
	expand(cmd ? cmd : "run @/scenario.json -o %", c, odir, args, sizeof(args));
	free(cmd);
	snprintf(p, sizeof(p), "%s/expected", c);
	exp = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(exp);
	expand(exp, c, odir, want, sizeof(want));
	free(exp);
	st = run(args, NULL, &err);
	ck_assert_msg(st == 2, "%s: exit %d, expected 2 (stderr: %s)", c, st, err);
	ck_assert_msg(tu_lines(err) == 1, "%s: expected one line, got: %s", c, err);
	err[strcspn(err, "\n")] = '\0';
	ck_assert_msg(strcmp(err, want) == 0, "%s:\n got:  %s\n want: %s", c, err, want);
	snprintf(p, sizeof(p), "%s/summary.json", odir);
	ck_assert_msg(!tu_exists(p), "%s: summary.json written", c);
	ck_assert_msg(!tu_exists(odir), "%s: output folder created", c);
	free(err);
}
END_TEST

START_TEST(test_corpus_is_large)
{
	ck_assert_int_ge(ncases, 40);
}
END_TEST

/*
 * --progress: lines on stderr also when it is not a terminal (a pipe
 * here). Not timed: the interval is tiny so lines may come often, and
 * the test reads only what was printed: every line's done count is
 * monotone, and the last says all were done with all simulated days.
 * Without --progress and no terminal: no progress line at all.
 */
static void progress_lines(const char *err, const char *unit, unsigned total,
			   double days)
{
	const char *p = err;
	unsigned last = 0, done, of, n = 0;
	double simd = 0.0, alld = 0.0;
	char want[64];

	snprintf(want, sizeof(want), " %s done, ", unit);
	while ((p = strstr(p, "bssim: progress: "))) {
		const char *q = strchr(p + 17, ':');
		ck_assert_ptr_nonnull(q);
		ck_assert_int_eq(sscanf(q + 1, " %u/%u", &done, &of), 2);
		ck_assert_ptr_nonnull(strstr(q, want));
		ck_assert_int_eq(sscanf(strstr(q, want) + strlen(want),
					"%lf of %lf simulated days", &simd, &alld), 2);
		ck_assert_uint_eq(of, total);
		ck_assert_msg(done >= last, "progress went back: %u after %u", done, last);
		ck_assert_double_eq_tol(alld, days, 1e-9);
		ck_assert(simd <= alld + 1e-9);
		last = done;
		n++;
		p = q;
	}
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_eq(last, total);
	ck_assert_double_eq_tol(simd, days, 1e-9);
}

START_TEST(test_progress_lines)
{
	char args[4096], *out, *err, *sc = small_scenario("");

	snprintf(args, sizeof(args), "run %s -o %s/p --progress=0.000001", sc, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	progress_lines(err, "replications", 4, 4 * 2.0);
	free(out);
	free(err);
	/* not a terminal, not asked: nothing */
	snprintf(args, sizeof(args), "run %s -o %s/p", sc, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_ptr_null(strstr(err, "progress"));
	free(out);
	free(err);
	/* quiet wins */
	snprintf(args, sizeof(args), "run %s -o %s/p --progress -q", sc, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
	/* a sweep: tasks, the days of every point's horizon */
	free(tu_write(dir, "sw.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"small.json\", \"replications\": 2,"
		      " \"vary\": { \"horizon.days\": [2, 3] } }"));
	snprintf(args, sizeof(args), "sweep %s/sw.json -o %s/s --progress=0.000001", dir, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	progress_lines(err, "tasks", 4, 2 * 2.0 + 2 * 3.0);
	free(out);
	free(err);
	free(sc);
}
END_TEST

static void exists_in(const char *d, const char *name)
{
	ck_assert_msg(tu_exists(tu_path(d, name)), "%s/%s", d, name);
}

/* calibrate od end to end: a target met exits 0 and writes fit.json and
 * the factors; a target out of reach exits 1 with the fit written and a
 * warning. calibrate trips reports the Jersey City log's round trips
 * (422 of 19,676 rides, data/SOURCES.md). */
START_TEST(test_calibrate_od_cli)
{
	char *out = NULL, *err = NULL, args[8192];
	char *sc = tu_write(dir, "g.json",
		"{\"bssim\": 1, \"network\": {\"synthetic\": {\"stations\": 36, \"capacity\": 10, \"wards\": 3}},"
		" \"fleet\": {\"fill\": 0.5}, \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 900}}");
	char *od = tu_write(dir, "od.csv",
		"from,to,trips\nW1,W1,50\nW1,W2,40\nW1,W3,10\nW2,W1,30\nW2,W2,40\nW2,W3,30\n"
		"W3,W1,10\nW3,W2,40\nW3,W3,50\n");

	snprintf(args, sizeof(args), "calibrate od %s --od %s --factors -o %s/fit.json --factors-out %s/f.csv",
		 sc, od, dir, dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "decay_m "));
	ck_assert_ptr_nonnull(strstr(out, "\"ward_factors\""));
	exists_in(dir, "fit.json");
	exists_in(dir, "f.csv");
	free(out);
	free(err);
	snprintf(args, sizeof(args), "calibrate od %s --cross-share 0.999 -o %s/fit2.json", sc, dir);
	ck_assert_int_eq(run(args, &out, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "did not meet its target"));
	exists_in(dir, "fit2.json");
	free(out);
	free(err);
	snprintf(args, sizeof(args), "calibrate trips %s --stations %s -o %s/r.csv",
		 tu_abspath("data/raw/JC-201901-citibike-tripdata.csv"),
		 tu_abspath("data/jc_201901_stations.csv"), dir);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "round trips (back to the start port): 422, 2.14 % of rides"));
	free(out);
	free(err);
	free(sc);
	free(od);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli"), *tb = tcase_create("invalid");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_help_and_version);
	tcase_add_test(tc, test_run_writes_contract);
	tcase_add_test(tc, test_rng_philox_streams_version);
	tcase_add_test(tc, test_timeseries_refusing_column);
	tcase_add_test(tc, test_jobs_same_bytes);
	tcase_add_test(tc, test_seed_and_set);
	tcase_add_test(tc, test_check_and_show);
	tcase_add_test(tc, test_show_report_issue16);
	tcase_add_test(tc, test_bom_crlf_csv_runs);
	tcase_add_test(tc, test_unwritable_output);
	tcase_add_test(tc, test_interrupt);
	tcase_add_test(tc, test_interrupt_during_write);
	tcase_add_test(tc, test_keys_doc_current);
	tcase_add_test(tc, test_limits_doc_current);
	tcase_add_test(tc, test_output_folder_policy);
	tcase_add_test(tc, test_progress_lines);
	tcase_add_test(tc, test_calibrate_od_cli);
	suite_add_tcase(s, tc);
	load_cases();
	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_add_test(tb, test_corpus_is_large);
	tcase_add_loop_test(tb, test_invalid_corpus, 0, ncases);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
