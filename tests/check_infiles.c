/*
 * check_infiles.c - every input file bssim reads is refused when it is
 * not a regular file, before it can block: a FIFO (open() waits for a
 * writer, for ever if none comes), a folder, a device. One FIFO, made with
 * mkfifo in a fresh folder and never opened for writing, is named as the
 * scenario, the sweep, a sweep's base, the stations file, each table a
 * scenario names (stock, rates, OD, trip log), the status series and a
 * trip log, through the library and through the bssim executable.
 *
 * Were any reader to open it plainly, its test would never return and
 * fail by the suite's timeout: nothing here depends on the time taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/scenario.h"
#include "exp/sweep.h"
#include "calib/world.h"
#include "testutil.h"

static char *dir;
static char fifo[1200];

static void setup(void)
{
	dir = tu_tmpdir();
	snprintf(fifo, sizeof(fifo), "%s/in.fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

START_TEST(test_scenario_and_sweep_files)
{
	struct bs_error err;
	char json[2048], *p;

	bs_error_clear(&err);
	ck_assert_ptr_null(bs_scenario_load(fifo, NULL, 0, &err));
	ck_assert_str_eq(err.file, fifo);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a scenario file");
	ck_assert_ptr_null(bs_scenario_load(dir, NULL, 0, &err));
	ck_assert_str_eq(err.text, "not a regular file (a folder); expected a scenario file");
	ck_assert_ptr_null(bs_sweep_load(fifo, &err));
	ck_assert_str_eq(err.file, fifo);
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file (a FIFO); expected a sweep file"));
	/* a sweep whose base scenario is the FIFO */
	snprintf(json, sizeof(json),
		 "{\"bssim_sweep\": 1, \"base\": \"%s\", \"vary\": {\"fleet.bikes\": [10, 20]}}",
		 fifo);
	p = tu_write(dir, "sweep.json", json);
	ck_assert_ptr_null(bs_sweep_load(p, &err));
	ck_assert_str_eq(err.key, "base");
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file (a FIFO); expected a scenario file"));
	free(p);
}
END_TEST

/* Each file key of a scenario, named to the FIFO: an error at that key. */
START_TEST(test_scenario_tables)
{
	static const struct {
		const char *stations, *fleet, *demand, *key;
	} t[] = {
		{"in.fifo", "\"bikes\": 4",
		 "\"model\": \"uniform\", \"rate_per_station_per_hour\": 1",
		 "network.stations"},
		{NULL, "\"initial\": \"in.fifo\"",
		 "\"model\": \"uniform\", \"rate_per_station_per_hour\": 1",
		 "fleet.initial"},
		{NULL, "\"bikes\": 4", "\"model\": \"rates\", \"rates\": \"in.fifo\"",
		 "demand.rates"},
		{NULL, "\"bikes\": 4",
		 "\"model\": \"rates\", \"rates\": \"rates.csv\", \"od\": \"in.fifo\"",
		 "demand.od"},
		{NULL, "\"bikes\": 4", "\"model\": \"trace\", \"trips\": \"in.fifo\"",
		 "demand.trips"},
	};
	struct bs_error err;
	char json[2048];
	size_t i;

	free(tu_write(dir, "rates.csv", "station_id,hour,departures_per_hour\nA1,8,2\n"));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bs_scenario *sc;
		struct bs_world *w;
		snprintf(json, sizeof(json),
			 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},"
			 " \"fleet\": {%s}, \"demand\": {%s}}",
			 t[i].stations ? t[i].stations
				       : tu_abspath(tu_fixture("six.csv")),
			 t[i].fleet, t[i].demand);
		bs_error_clear(&err);
		sc = tu_scenario(dir, json, &err);
		ck_assert_msg(sc != NULL, "%s", err.text);
		w = bs_world_build(sc, &err);
		ck_assert_ptr_null(w);
		ck_assert_str_eq(err.key, t[i].key);
		ck_assert_msg(strstr(err.text, "not a regular file (a FIFO)") != NULL,
			      "%s: %s", t[i].key, err.text);
		bs_scenario_free(sc);
	}
}
END_TEST

/* bssim ARGS exits 2 with exactly "bssim: WANT" on stderr. */
static void refused(const char *args, const char *want)
{
	char cmd[8192], *err;

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 2);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, "bssim: ", 7) == 0 && strcmp(err + 7, want) == 0,
		      "got:  %s\nwant: bssim: %s", err, want);
	free(err);
}

/* Through the executable: exit status 2 and the one-line message, for the
 * FIFO as scenario, as stations (in a scenario and for calibrate), as
 * status series and as trip log. */
START_TEST(test_cli)
{
	char args[4096], want[4096], *sc, *out;
	const char *six = tu_abspath(tu_fixture("six.csv"));

	out = malloc(strlen(dir) + 8);
	sprintf(out, "%s/out", dir);
	snprintf(args, sizeof(args), "run %s -o %s", fifo, out);
	snprintf(want, sizeof(want),
		 "%s: not a regular file (a FIFO); expected a scenario file\n", fifo);
	refused(args, want);

	sc = tu_write(dir, "scenario.json",
		      "{\"bssim\": 1, \"network\": {\"stations\": \"in.fifo\"}, \"fleet\": {\"bikes\": 4},\n"
		      " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}\n");
	snprintf(args, sizeof(args), "run %s -o %s", sc, out);
	snprintf(want, sizeof(want),
		 "%s:1:26: network.stations: cannot read '%s': not a regular file (a FIFO); expected a stations CSV file (path relative to the scenario file)\n",
		 sc, fifo);
	refused(args, want);
	free(sc);

	snprintf(args, sizeof(args), "calibrate status %s --stations %s -o %s/r.csv",
		 fifo, six, dir);
	snprintf(want, sizeof(want),
		 "%s: not a regular file (a FIFO); expected a status series CSV file or a folder of station_status JSON files\n",
		 fifo);
	refused(args, want);

	snprintf(args, sizeof(args), "calibrate trips %s --stations %s -o %s/r.csv",
		 tu_abspath(tu_fixture("trips_small.csv")), fifo, dir);
	snprintf(want, sizeof(want),
		 "%s: not a regular file (a FIFO); expected a stations CSV file\n", fifo);
	refused(args, want);

	snprintf(args, sizeof(args), "import trips %s --ward W -o %s/s.csv", fifo, dir);
	snprintf(want, sizeof(want),
		 "%s: not a regular file (a FIFO); expected a trip log CSV file\n", fifo);
	refused(args, want);
	ck_assert(!tu_exists(out));
	free(out);
}
END_TEST

/* The readers of finished results (show, report, plotdata, merge) face a
 * FIFO where a result file should be: a folder that looks like bssim's
 * but holds a FIFO as summary.json, stations.geojson, sweep_plan.json,
 * sweep_tasks.jsonl or a plot. Each is refused; none is opened plainly. */
START_TEST(test_result_readers)
{
	char args[4096], want[4096], res[1200], path[1400];

	snprintf(res, sizeof(res), "%s/res", dir);
	ck_assert_int_eq(mkdir(res, 0700), 0);
#define FIFO_IN(name)                                                     \
	do {                                                              \
		snprintf(path, sizeof(path), "%s/%s", res, name);         \
		ck_assert_int_eq(mkfifo(path, 0600), 0);                  \
	} while (0)
	FIFO_IN("summary.json");
	snprintf(args, sizeof(args), "show %s", res);
	snprintf(want, sizeof(want),
		 "%s/summary.json: not a regular file (a FIFO); expected the summary.json of a bssim run\n",
		 res);
	refused(args, want);
	snprintf(args, sizeof(args), "report -o %s/r.html %s", dir, res);
	refused(args, want);

	FIFO_IN("stations.geojson");
	snprintf(args, sizeof(args), "plotdata ports %s/stations.geojson", res);
	snprintf(want, sizeof(want),
		 "%s/stations.geojson: not a regular file (a FIFO); expected the stations.geojson of a bssim run (a run writes it with output.geojson: true or --geojson)\n",
		 res);
	refused(args, want);

	FIFO_IN("sweep_plan.json");
	snprintf(args, sizeof(args), "merge %s -o %s/m", res, dir);
	snprintf(want, sizeof(want),
		 "%s/sweep_plan.json: not a regular file (a FIFO); expected the output folder of bssim sweep\n",
		 res);
	refused(args, want);
#undef FIFO_IN
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("infiles");
	TCase *tc = tcase_create("infiles");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_scenario_and_sweep_files);
	tcase_add_test(tc, test_scenario_tables);
	tcase_add_test(tc, test_cli);
	tcase_add_test(tc, test_result_readers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
