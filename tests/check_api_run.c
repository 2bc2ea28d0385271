/*
 * check_api_run.c - the contract test of libbssim, part 2: runs and their
 * results, interrupts, the monitor, the ABI rule of the option structs,
 * paired comparisons and output folders (see check_api.c for how these
 * suites are built: bssim.h alone, against libbssim.so).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bssim.h>

#include "testbase.h"

#define ISOLATED "scenarios/tokyo4_isolated.json"
#define FULL "scenarios/tokyo4_full.json"

static char *dir;
static char base[600];

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
	tu_write_small_base(dir);
	snprintf(base, sizeof(base), "%s/base.json", dir);
}

static void teardown(void)
{
	tu_paths_free();
	tu_rmrf(dir);
	free(dir);
}

/* dir/name, kept to the end of the test */
static const char *at(const char *name)
{
	return tu_path(dir, name);
}

static bs_scenario *load(const char *file, const char *reps)
{
	struct bs_set s = {"replications", reps};
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(file, &s, reps ? 1 : 0, &err);

	ck_assert_msg(sc != NULL, "%s: %s", file, err.text);
	return sc;
}

static bs_result *run(bs_scenario *sc, unsigned jobs)
{
	struct bs_run_opts o;
	struct bs_error err;
	bs_result *r;

	bs_run_opts_init(&o);
	o.jobs = jobs;
	r = bs_run(sc, &o, &err);
	ck_assert_msg(r != NULL, "%s", err.text);
	return r;
}

static const char *const TABLES[] = {"replications", "stations", "timeseries",
				     "flows"};

/* Relative equality, for numbers written with 12 digits. */
static int near(double a, double b, double rel)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= rel * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* What the monitor saw. */
struct seen {
	uint64_t done[64], total[64];
	double frac[64];
	int nprog, prog_after_write;
	int begins, ends, open;
	char what[256];
	uint64_t interrupt_at; /* call bs_interrupt when done reaches it (0: never) */
	const char *file; /* absent when the write begins, there when it ends */
};

static void on_progress(void *ud, uint64_t done, uint64_t total, double frac)
{
	struct seen *s = ud;

	if (s->nprog < 64) {
		s->done[s->nprog] = done;
		s->total[s->nprog] = total;
		s->frac[s->nprog] = frac;
	}
	s->nprog++;
	s->prog_after_write += s->begins > 0;
	if (s->interrupt_at && done >= s->interrupt_at)
		bs_interrupt();
}

static void on_writing(void *ud, const char *what, int begin)
{
	struct seen *s = ud;

	if (begin) {
		ck_assert_int_eq(s->open, 0);
		s->begins++;
		s->open = 1;
		snprintf(s->what, sizeof(s->what), "%s", what);
	} else {
		ck_assert_int_eq(s->open, 1);
		s->ends++;
		s->open = 0;
	}
	if (s->file)
		ck_assert_int_eq(tu_exists(s->file), !begin);
}

/* Progress was monotone and ended at total (jobs 1). */
static void progress_ok(const struct seen *s, uint64_t total)
{
	int i, n = s->nprog < 64 ? s->nprog : 64;

	ck_assert_int_gt(s->nprog, 0);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(s->total[i], total);
		ck_assert_uint_le(s->done[i], total);
		ck_assert(s->frac[i] >= 0.0 && s->frac[i] <= 1.0 + 1e-12);
		if (i) {
			ck_assert_uint_ge(s->done[i], s->done[i - 1]);
			ck_assert(s->frac[i] >= s->frac[i - 1] - 1e-12);
		}
	}
	if (s->nprog <= 64)
		ck_assert_uint_eq(s->done[n - 1], total);
}

/* ---- runs -------------------------------------------------------------------- */

START_TEST(test_run_jobs_identical)
{
	bs_scenario *sc = load(base, "3");
	bs_result *r1 = run(sc, 1), *r2 = run(sc, 2);
	struct bs_error err;
	char *a, *b;
	size_t i;

	for (i = 0; i < 4; i++) {
		a = bs_result_csv(r1, TABLES[i], &err);
		b = bs_result_csv(r2, TABLES[i], &err);
		ck_assert_msg(a && b, "%s", err.text);
		ck_assert_uint_gt(strlen(a), 40);
		ck_assert_str_eq(a, b);
		bs_free(a);
		bs_free(b);
	}
	a = bs_result_summary(r1);
	b = bs_result_summary(r2);
	ck_assert_ptr_nonnull(strstr(a, "\"jobs\": 1"));
	ck_assert_ptr_nonnull(strstr(b, "\"jobs\": 2"));
	ck_assert_str_eq(tu_strip_run(a), tu_strip_run(b));
	bs_free(a);
	bs_free(b);
	ck_assert_ptr_null(bs_result_dir(r1));
	ck_assert_str_eq(bs_result_name(r1), "small");
	ck_assert_uint_eq(bs_result_replications(r1), 3);
	ck_assert_uint_eq(bs_result_replications_requested(r1), 3);
	ck_assert_int_eq(bs_result_interrupted(r1), 0);
	ck_assert(bs_result_days(r1) == 1.0); /* 2 days, 1 of warm-up */
	ck_assert(bs_result_wall_s(r1) >= 0.0 && isfinite(bs_result_wall_s(r1)));
	ck_assert_uint_eq(bs_result_nwards(r1), 3);
	ck_assert_str_eq(bs_result_ward(r1, 0), "Alpha");
	ck_assert_str_eq(bs_result_ward(r1, 1), "Beta");
	ck_assert_str_eq(bs_result_ward(r1, 2), "Gamma");
	bs_result_free(r1);
	bs_result_free(r2);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_run_to_as_cli)
{
	bs_scenario *sc = load(ISOLATED, "2");
	struct bs_monitor m = {on_progress, on_writing, NULL};
	struct seen seen;
	struct bs_run_opts o;
	struct bs_error err;
	bs_result *r = NULL;
	char *text, *file, *out;
	size_t i, len;
	int rc;

	memset(&seen, 0, sizeof(seen));
	seen.file = at("api/summary.json");
	m.ud = &seen;
	bs_run_opts_init(&o);
	o.monitor = &m;
	rc = bs_run_to(sc, at("api"), &o, &r, &err);
	ck_assert_msg(rc == 0, "%s", err.text);
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "run %s -o %s --replications 2 -q",
				ISOLATED, at("cli")), 0);
	ck_assert_str_eq(out, "");
	free(out);
	/* every file, byte for byte, but summary.json's "run" */
	tu_same_folders(at("api"), at("cli"), NULL);
	ck_assert(tu_exists(at("api/stations.geojson")));
	/* the monitor: progress up to 2 of 2, then one write */
	progress_ok(&seen, 2);
	ck_assert_int_eq(seen.prog_after_write, 0);
	ck_assert_int_eq(seen.begins, 1);
	ck_assert_int_eq(seen.ends, 1);
	ck_assert_str_eq(seen.what, "2 replications");
	/* the result: its folder, its tables and summary as written */
	ck_assert_str_eq(bs_result_dir(r), at("api"));
	for (i = 0; i < 4; i++) {
		char name[64];
		snprintf(name, sizeof(name), "api/%s.csv", TABLES[i]);
		text = bs_result_csv(r, TABLES[i], &err);
		file = tu_slurp(at(name), &len);
		ck_assert_ptr_nonnull(text);
		ck_assert_uint_eq(strlen(text), len);
		ck_assert_str_eq(text, file);
		bs_free(text);
		free(file);
	}
	text = bs_result_summary(r);
	file = tu_slurp(at("api/summary.json"), &len);
	ck_assert_uint_eq(strlen(text) + 1, len); /* the file ends in a newline */
	ck_assert(!strncmp(text, file, strlen(text)) && file[len - 1] == '\n');
	ck_assert_ptr_nonnull(strstr(text, "\"version\": \"" BSSIM_VERSION "\""));
	bs_free(text);
	free(file);
	bs_result_free(r);
	/* res may be NULL; dir NULL is out/<name> of the current folder */
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(bs_run_to(sc, NULL, NULL, NULL, &err), 0);
	ck_assert(tu_exists("out/tokyo4-isolated/summary.json"));
	bs_scenario_free(sc);
}
END_TEST

/* output.trips: the trip log streams into the folder as `bssim run`
 * writes it; a run in memory keeps none and writes nothing. */
START_TEST(test_run_trip_log)
{
	const struct bs_set sets[] = {{"replications", "2"}, {"output.trips", "true"}};
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(base, sets, 2, &err);
	bs_result *r;
	char *log;

	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(bs_run_to(sc, at("api"), NULL, NULL, &err), 0);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "run %s -o %s --replications 2 --set output.trips=true -q",
				base, at("cli")), 0);
	tu_same_folders(at("api"), at("cli"), NULL);
	log = tu_slurp(at("api/trips.csv"), NULL);
	ck_assert_ptr_nonnull(log);
	ck_assert(!strncmp(log, "replication,request_min,origin_id,", 34));
	ck_assert_uint_gt(tu_lines(log), 100);
	free(log);
	ck_assert_int_eq(chdir(at("api")), 0);
	ck_assert_int_eq(unlink("trips.csv"), 0);
	r = run(sc, 1);
	ck_assert(!tu_exists("trips.csv") && !tu_exists("out"));
	ck_assert_uint_eq(tu_temporaries("."), 0);
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_result_open)
{
	bs_scenario *sc = load(base, "3");
	struct bs_error err;
	struct bs_stat a, b;
	bs_result *r = NULL, *o;
	char *text, *file;
	size_t w, m;
	uint32_t k;
	double va, vb;

	ck_assert_int_eq(bs_run_to(sc, at("r"), NULL, &r, &err), 0);
	o = bs_result_open(at("r"), &err);
	ck_assert_msg(o != NULL, "%s", err.text);
	ck_assert_str_eq(bs_result_dir(o), at("r"));
	ck_assert_str_eq(bs_result_name(o), "small");
	ck_assert_uint_eq(bs_result_replications(o), 3);
	ck_assert_uint_eq(bs_result_replications_requested(o), 3);
	ck_assert_int_eq(bs_result_interrupted(o), 0);
	ck_assert(bs_result_days(o) == bs_result_days(r));
	ck_assert(near(bs_result_wall_s(o), bs_result_wall_s(r), 1e-11));
	ck_assert_uint_eq(bs_result_nwards(o), 3);
	/* the same metrics, to the 12 digits of the files */
	for (w = 0; w <= 3; w++) {
		const char *ward = w < 3 ? bs_result_ward(o, w) : "all";
		ck_assert_str_eq(ward, w < 3 ? bs_result_ward(r, w) : "all");
		for (m = 0; m < bs_metric_count(); m++) {
			const char *name = bs_metric_name(m);
			ck_assert_int_eq(bs_result_metric(r, ward, name, &a, &err), 0);
			ck_assert_int_eq(bs_result_metric(o, ward, name, &b, &err), 0);
			ck_assert_msg(near(a.mean, b.mean, 1e-11) && near(a.sd, b.sd, 1e-11) &&
					      near(a.ci_lo, b.ci_lo, 1e-11) &&
					      near(a.ci_hi, b.ci_hi, 1e-11) && a.n == b.n,
				      "%s %s: %.17g vs %.17g", ward, name, a.mean, b.mean);
			for (k = 1; k <= 3; k++) {
				ck_assert_int_eq(bs_result_value(r, k, ward, name, &va, &err), 0);
				ck_assert_int_eq(bs_result_value(o, k, ward, name, &vb, &err), 0);
				ck_assert(near(va, vb, 1e-11));
			}
		}
		for (m = 0; m < 3 && w < 3; m++)
			ck_assert(near(bs_result_matrix(r, "flows", w, m),
				       bs_result_matrix(o, "flows", w, m), 1e-11));
	}
	/* its summary and tables are the files' */
	text = bs_result_summary(o);
	file = tu_slurp(at("r/summary.json"), NULL);
	ck_assert(!strncmp(text, file, strlen(text)) && !strcmp(file + strlen(text), "\n"));
	bs_free(text);
	free(file);
	text = bs_result_csv(o, "stations", &err);
	file = tu_slurp(at("r/stations.csv"), NULL);
	ck_assert_str_eq(text, file);
	bs_free(text);
	free(file);
	/* a result read from a folder is written already */
	ck_assert_int_eq(bs_result_write(o, at("again"), NULL, &err), BS_E_INPUT);
	ck_assert(!tu_exists(at("again")));
	/* a table the folder lacks */
	ck_assert_int_eq(unlink(at("r/flows.csv")), 0);
	ck_assert_ptr_null(bs_result_csv(o, "flows", &err));
	ck_assert_int_ne(err.code, 0);
	ck_assert_ptr_nonnull(strstr(err.file, "flows.csv"));
	bs_result_free(o);
	/* not a run's folder; a damaged replications.csv */
	ck_assert_ptr_null(bs_result_open(dir, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.file, "summary.json"));
	free(tu_write(dir, "r/replications.csv",
		      "replication,ward,metric,value\n1,Alpha,trips_requested,3\n9,Alpha,trips_requested,3\n"));
	ck_assert_ptr_null(bs_result_open(at("r"), &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "replication");
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_result_metrics_and_values)
{
	bs_scenario *sc = load(base, "3"), *one = load(base, "1");
	bs_result *r = run(sc, 1), *r1 = run(one, 1);
	struct bs_error err;
	struct bs_stat st, st2;
	double v, req, done, sum, sumw;
	uint32_t k;
	size_t w, m, n;

	for (w = 0; w <= 3; w++) {
		const char *ward = w < 3 ? bs_result_ward(r, w) : NULL;
		for (m = 0; m < bs_metric_count(); m++) {
			const char *name = bs_metric_name(m);
			ck_assert_int_eq(bs_result_metric(r, ward, name, &st, &err), 0);
			for (sum = 0.0, n = 0, k = 1; k <= 3; k++) {
				ck_assert_int_eq(bs_result_value(r, k, ward, name, &v, &err), 0);
				if (!isnan(v)) {
					sum += v;
					n++;
				}
			}
			ck_assert_uint_eq(st.n, n);
			ck_assert_msg(near(st.mean, sum / (double)n, 1e-9), "%s", name);
			ck_assert(st.ci_lo <= st.mean + 1e-9 && st.mean <= st.ci_hi + 1e-9);
			ck_assert(st.sd >= 0.0);
		}
	}
	/* "all" and NULL are the whole network */
	ck_assert_int_eq(bs_result_metric(r, "all", "service_level", &st, &err), 0);
	ck_assert_int_eq(bs_result_metric(r, NULL, "service_level", &st2, &err), 0);
	ck_assert(st.mean == st2.mean && st.ci_lo == st2.ci_lo && st.n == st2.n);
	/* what the metrics mean, replication by replication */
	for (k = 1; k <= 3; k++) {
		bs_result_value(r, k, NULL, "trips_requested", &req, &err);
		bs_result_value(r, k, NULL, "trips_completed", &done, &err);
		bs_result_value(r, k, NULL, "service_level", &v, &err);
		ck_assert(req > 100.0 && near(v, done / req, 1e-12));
		for (sumw = 0.0, w = 0; w < 3; w++) {
			bs_result_value(r, k, bs_result_ward(r, w), "trips_requested", &v, &err);
			sumw += v;
		}
		ck_assert(near(sumw, req, 1e-12));
	}
	/* unknown names and replications: BS_E_INPUT naming them */
	ck_assert_int_eq(bs_result_metric(r, "Delta", "service_level", &st, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "ward");
	ck_assert_ptr_nonnull(strstr(err.text, "'Delta'"));
	ck_assert_int_eq(bs_result_metric(r, NULL, "service_levle", &st, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "metric");
	ck_assert_ptr_nonnull(strstr(err.text, "'service_levle'"));
	ck_assert_int_eq(bs_result_metric(r, "Alpha", "service_level", &st, NULL), 0);
	ck_assert_int_eq(bs_result_metric(r, "Delta", "service_level", &st, NULL), BS_E_INPUT);
	v = 42.0;
	ck_assert_int_eq(bs_result_value(r, 0, NULL, "service_level", &v, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "replication");
	ck_assert_int_eq(bs_result_value(r, 4, NULL, "service_level", &v, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "replication");
	ck_assert(v == 42.0);
	ck_assert_int_eq(bs_result_value(r, 1, "Delta", "service_level", &v, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "ward");
	/* one replication: no spread, no interval */
	ck_assert_int_eq(bs_result_metric(r1, NULL, "trips_requested", &st, &err), 0);
	bs_result_value(r1, 1, NULL, "trips_requested", &v, &err);
	ck_assert(st.mean == v && st.n == 1);
	ck_assert(isnan(st.sd) && isnan(st.ci_lo) && isnan(st.ci_hi));
	bs_result_free(r);
	bs_result_free(r1);
	bs_scenario_free(sc);
	bs_scenario_free(one);
}
END_TEST

START_TEST(test_result_matrix_and_tables)
{
	bs_scenario *sc = load(base, "2");
	bs_result *r = run(sc, 1);
	struct bs_error err;
	struct bs_stat st;
	double total = 0.0, f;
	size_t a, b;

	for (a = 0; a < 3; a++)
		for (b = 0; b < 3; b++) {
			f = bs_result_matrix(r, "flows", a, b);
			ck_assert(f >= 0.0);
			total += f;
			ck_assert(isfinite(bs_result_matrix(r, "settlement_yen", a, b)));
		}
	/* every completed trip is rented in one ward and returned in one */
	bs_result_metric(r, NULL, "trips_completed", &st, &err);
	ck_assert(near(total, st.mean, 1e-9));
	ck_assert(isnan(bs_result_matrix(r, "flow", 0, 0)));
	ck_assert(isnan(bs_result_matrix(r, "flows", 3, 0)));
	ck_assert(isnan(bs_result_matrix(r, "flows", 0, 3)));
	ck_assert(isnan(bs_result_matrix(r, "settlement_yen", 0, 99)));
	ck_assert_ptr_null(bs_result_csv(r, "trips", &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "table");
	ck_assert_ptr_nonnull(strstr(err.text, "'trips'"));
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_result_write)
{
	bs_scenario *sc = load(base, "3");
	bs_result *r = run(sc, 2);
	struct bs_monitor m = {NULL, on_writing, NULL};
	struct seen seen;
	struct bs_run_opts o;
	struct bs_error err;

	memset(&seen, 0, sizeof(seen));
	seen.file = at("w/replications.csv");
	m.ud = &seen;
	bs_run_opts_init(&o);
	o.monitor = &m;
	ck_assert_msg(bs_result_write(r, at("w"), &o, &err) == 0, "%s", err.text);
	ck_assert_int_eq(seen.begins, 1);
	ck_assert_int_eq(seen.ends, 1);
	seen.file = NULL;
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "run %s -o %s --replications 3 -q", base,
				at("cli")), 0);
	tu_same_folders(at("w"), at("cli"), NULL);
	/* again into its own folder; into a sweep's or a stranger's only by force */
	ck_assert_int_eq(bs_result_write(r, at("w"), NULL, &err), 0);
	ck_assert_int_eq(mkdir(at("mine"), 0777), 0);
	free(tu_write(dir, "mine/notes.txt", "mine\n"));
	ck_assert_int_eq(bs_result_write(r, at("mine"), NULL, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "bssim did not write"));
	ck_assert(!tu_exists(at("mine/summary.json")));
	o.force = 1;
	ck_assert_int_eq(bs_result_write(r, at("mine"), &o, &err), 0);
	ck_assert(tu_exists(at("mine/summary.json")) && tu_exists(at("mine/notes.txt")));
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

START_TEST(test_result_labels)
{
	const struct bs_set other = {"name", "other"};
	struct bs_error err;
	bs_scenario *sc = load(base, "1"),
		    *sc2 = bs_scenario_load(base, &other, 1, &err);
	bs_result *r[3] = {NULL, NULL, NULL};
	char *labels[3];

	ck_assert_ptr_nonnull(sc2);
	ck_assert_int_eq(bs_run_to(sc, at("x"), NULL, &r[0], &err), 0);
	ck_assert_int_eq(bs_run_to(sc, at("y"), NULL, &r[1], &err), 0);
	r[2] = run(sc2, 1);
	/* names when they differ */
	ck_assert_int_eq(bs_result_labels((const bs_result *const *)r + 1, 2, labels), 0);
	ck_assert_str_eq(labels[0], "small");
	ck_assert_str_eq(labels[1], "other");
	bs_free(labels[0]);
	bs_free(labels[1]);
	/* folders when two share one */
	ck_assert_int_eq(bs_result_labels((const bs_result *const *)r, 3, labels), 0);
	ck_assert_str_eq(labels[0], "x");
	ck_assert_str_eq(labels[1], "y");
	ck_assert_str_eq(labels[2], "other");
	for (int i = 0; i < 3; i++)
		bs_free(labels[i]);
	bs_result_free(r[0]);
	bs_result_free(r[1]);
	/* results in memory that share a name: still told apart */
	r[0] = run(sc, 1);
	r[1] = run(sc, 1);
	ck_assert_int_eq(bs_result_labels((const bs_result *const *)r, 3, labels), 0);
	ck_assert_str_ne(labels[0], labels[1]);
	ck_assert_ptr_nonnull(strstr(labels[0], "small"));
	ck_assert_ptr_nonnull(strstr(labels[1], "small"));
	ck_assert_str_eq(labels[2], "other");
	for (int i = 0; i < 3; i++) {
		bs_free(labels[i]);
		bs_result_free(r[i]);
	}
	bs_scenario_free(sc);
	bs_scenario_free(sc2);
}
END_TEST

/* ---- interrupts -------------------------------------------------------------- */

START_TEST(test_interrupt_before)
{
	bs_scenario *sc = load(base, "2");
	struct bs_error err;
	bs_result *r = (bs_result *)&err;

	bs_interrupt();
	ck_assert_ptr_null(bs_run(sc, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INTERRUPTED);
	ck_assert_int_eq(bs_run_to(sc, at("x"), NULL, &r, &err), BS_E_INTERRUPTED);
	ck_assert_ptr_null(r);
	ck_assert(!tu_exists(at("x/summary.json")));
	ck_assert_int_eq(bs_interrupted(), 1);
	bs_interrupt_clear();
	r = run(sc, 1);
	ck_assert_uint_eq(bs_result_replications(r), 2);
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

/* bs_interrupt from the progress callback once the first replication is
 * done (jobs 1: no other in flight): the run keeps exactly that one. */
START_TEST(test_interrupt_during)
{
	bs_scenario *sc = load(base, "3");
	struct bs_monitor m = {on_progress, on_writing, NULL};
	struct seen seen;
	struct bs_run_opts o;
	struct bs_error err;
	bs_result *r, *full, *opened;
	char *a, *b, *cut, *text;

	memset(&seen, 0, sizeof(seen));
	seen.interrupt_at = 1;
	m.ud = &seen;
	bs_run_opts_init(&o);
	o.monitor = &m;
	r = bs_run(sc, &o, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(bs_result_replications(r), 1);
	ck_assert_uint_eq(bs_result_replications_requested(r), 3);
	ck_assert_int_eq(bs_result_interrupted(r), 1);
	text = bs_result_summary(r);
	ck_assert_ptr_nonnull(strstr(text, "\"interrupted\": true"));
	bs_free(text);
	bs_result_free(r);
	bs_interrupt_clear();
	/* into a folder: the one replication is written, marked */
	memset(&seen, 0, sizeof(seen));
	seen.interrupt_at = 1;
	m.ud = &seen;
	ck_assert_int_eq(bs_run_to(sc, at("cut"), &o, &r, &err), BS_E_INTERRUPTED);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(seen.begins, 1); /* the write was not stopped */
	ck_assert_uint_eq(bs_result_replications(r), 1);
	bs_interrupt_clear();
	opened = bs_result_open(at("cut"), &err);
	ck_assert_ptr_nonnull(opened);
	ck_assert_uint_eq(bs_result_replications(opened), 1);
	ck_assert_uint_eq(bs_result_replications_requested(opened), 3);
	ck_assert_int_eq(bs_result_interrupted(opened), 1);
	/* and replication 1 is the replication 1 of a whole run */
	full = run(sc, 1);
	a = bs_result_csv(full, "replications", &err);
	b = bs_result_csv(r, "replications", &err);
	cut = strstr(a, "\n2,");
	ck_assert_ptr_nonnull(cut);
	cut[1] = '\0';
	ck_assert_str_eq(a, b);
	bs_free(a);
	bs_free(b);
	bs_result_free(full);
	bs_result_free(opened);
	bs_result_free(r);
	bs_scenario_free(sc);
}
END_TEST

/* ---- the ABI rule -------------------------------------------------------- */

/* Options of a caller built against an older header: size ends before
 * monitor (or before force); the later fields hold garbage that the
 * library must not read. */
START_TEST(test_abi_run_opts_size)
{
	bs_scenario *sc = load(base, "2");
	struct bs_run_opts o;
	struct bs_error err;
	bs_result *r, *ref = run(sc, 1);
	char *a, *b;

	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_run_opts, monitor);
	o.jobs = 2;
	o.paranoid = 0;
	o.force = 0;
	r = bs_run(sc, &o, &err);
	ck_assert_msg(r != NULL, "%s", err.text);
	a = bs_result_csv(r, "replications", &err);
	b = bs_result_csv(ref, "replications", &err);
	ck_assert_str_eq(a, b);
	bs_free(a);
	bs_free(b);
	ck_assert_int_eq(bs_result_write(r, at("w"), &o, &err), 0);
	bs_result_free(r);
	/* force beyond size: a stranger's folder stays refused */
	ck_assert_int_eq(mkdir(at("mine"), 0777), 0);
	free(tu_write(dir, "mine/notes.txt", "mine\n"));
	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_run_opts, force);
	o.jobs = 1;
	o.paranoid = 1;
	ck_assert_int_eq(bs_run_to(sc, at("mine"), &o, NULL, &err), BS_E_INPUT);
	ck_assert(!tu_exists(at("mine/summary.json")));
	ck_assert_int_eq(bs_result_write(ref, at("mine"), &o, &err), BS_E_INPUT);
	/* jobs beyond size: one thread, the same numbers */
	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_run_opts, jobs);
	r = bs_run(sc, &o, &err);
	ck_assert_ptr_nonnull(r);
	a = bs_result_summary(r);
	ck_assert_ptr_nonnull(strstr(a, "\"jobs\": 1"));
	bs_free(a);
	bs_result_free(r);
	/* and bs_compare reads run options the same way */
	{
		bs_comparison *c;
		memset(&o, 0xa5, sizeof(o));
		o.size = offsetof(struct bs_run_opts, monitor);
		o.jobs = 2;
		o.paranoid = 0;
		c = bs_compare(sc, sc, &o, &err);
		ck_assert_msg(c != NULL, "%s", err.text);
		bs_comparison_free(c);
	}
	bs_result_free(ref);
	bs_scenario_free(sc);
}
END_TEST

/* ---- paired comparisons ---------------------------------------------------- */

START_TEST(test_compare)
{
	bs_scenario *a = load(ISOLATED, "3"), *b = load(FULL, "3");
	struct bs_monitor m = {on_progress, on_writing, NULL};
	struct seen seen;
	struct bs_run_opts o;
	struct bs_error err;
	struct bs_paired p, p2;
	struct bs_stat st;
	bs_comparison *c;
	bs_result *ra;
	char *api, *cli;
	size_t w, k;

	memset(&seen, 0, sizeof(seen));
	m.ud = &seen;
	bs_run_opts_init(&o);
	o.monitor = &m;
	c = bs_compare(a, b, &o, &err);
	ck_assert_msg(c != NULL, "%s", err.text);
	progress_ok(&seen, 6); /* 3 replications of each */
	ck_assert_uint_eq(bs_comparison_replications(c), 3);
	ck_assert_str_eq(bs_comparison_label(c, 0), ISOLATED);
	ck_assert_str_eq(bs_comparison_label(c, 1), FULL);
	ck_assert_uint_eq(bs_comparison_nwards(c), 4);
	ck_assert_str_eq(bs_comparison_ward(c, 0), "Chiyoda");
	ck_assert_str_eq(bs_comparison_ward(c, 3), "Koto");
	/* A's side is A's run (common random numbers) */
	ra = run(a, 2);
	for (w = 0; w <= 4; w++) {
		const char *ward = w < 4 ? bs_comparison_ward(c, w) : "all";
		for (k = 0; k < bs_metric_count(); k++) {
			const char *name = bs_metric_name(k);
			ck_assert_int_eq(bs_comparison_metric(c, ward, name, &p, &err), 0);
			ck_assert_int_eq(bs_result_metric(ra, ward, name, &st, &err), 0);
			if (p.n == 0)
				continue;
			ck_assert_msg(near(p.diff, p.mean_b - p.mean_a, 1e-9), "%s", name);
			ck_assert(p.ci_lo <= p.diff + 1e-9 && p.diff <= p.ci_hi + 1e-9);
			ck_assert(p.diff_sd >= 0.0);
			ck_assert_msg(near(p.mean_a, st.mean, 1e-9), "%s %s", ward, name);
		}
	}
	ck_assert_int_eq(bs_comparison_metric(c, NULL, "service_level", &p, &err), 0);
	ck_assert_int_eq(bs_comparison_metric(c, "all", "service_level", &p2, &err), 0);
	ck_assert(p.n == 3 && p.diff == p2.diff && p.ci_lo == p2.ci_lo);
	ck_assert(p.un_lo <= p.diff && p.diff <= p.un_hi);
	ck_assert_int_eq(bs_comparison_metric(c, "Shibuya", "service_level", &p, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "ward");
	ck_assert_int_eq(bs_comparison_metric(c, NULL, "nope", &p, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "metric");
	/* compare.csv as `bssim compare -o` writes it */
	ck_assert_int_eq(bs_comparison_write(c, at("api"), 0, &m, &err), 0);
	ck_assert_int_eq(seen.begins, 1);
	ck_assert_int_eq(seen.ends, 1);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "compare %s %s --replications 3 -o %s -q",
				ISOLATED, FULL, at("cli")), 0);
	api = tu_slurp(at("api/compare.csv"), NULL);
	cli = tu_slurp(at("cli/compare.csv"), NULL);
	ck_assert_ptr_nonnull(api);
	ck_assert_str_eq(api, cli);
	free(api);
	free(cli);
	tu_same_folders(at("api"), at("cli"), NULL);
	/* a run's folder is not a comparison's, but by force */
	ck_assert_int_eq(bs_run_to(a, at("run"), NULL, NULL, &err), 0);
	ck_assert_int_eq(bs_comparison_write(c, at("run"), 0, NULL, &err), BS_E_INPUT);
	ck_assert(!tu_exists(at("run/compare.csv")));
	ck_assert_int_eq(bs_comparison_write(c, at("run"), 1, NULL, &err), 0);
	ck_assert(tu_exists(at("run/compare.csv")));
	bs_result_free(ra);
	bs_comparison_free(c);
	bs_scenario_free(a);
	bs_scenario_free(b);
}
END_TEST

START_TEST(test_compare_mismatch)
{
	const struct bs_set seed = {"seed", "5"}, reps = {"replications", "3"};
	struct bs_error err;
	char *text = tu_slurp(base, NULL), *p = strstr(text, "\"seed\": 4");
	bs_scenario *a = load(base, NULL), *b, *c = bs_scenario_load(base, &reps, 1, &err);

	/* B's file gives another seed: the error names B's file and line */
	ck_assert_ptr_nonnull(p);
	p[8] = '5';
	free(tu_write(dir, "b.json", text));
	free(text);
	b = load(at("b.json"), NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(bs_compare(a, b, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "seed");
	ck_assert_str_eq(err.file, at("b.json"));
	ck_assert_int_eq(err.line, 1);
	ck_assert_ptr_nonnull(strstr(err.text, base));
	bs_scenario_free(b);
	/* a --set gave it: the error says so */
	b = bs_scenario_load(base, &seed, 1, &err);
	ck_assert_ptr_null(bs_compare(a, b, NULL, &err));
	ck_assert_str_eq(err.key, "seed");
	ck_assert_str_eq(err.file, "--set");
	ck_assert_ptr_null(bs_compare(a, c, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "replications");
	bs_scenario_free(a);
	bs_scenario_free(b);
	bs_scenario_free(c);
}
END_TEST

/* ---- output folders ------------------------------------------------------ */

START_TEST(test_folder_check)
{
	bs_scenario *sc = load(base, "1");
	struct bs_error err;

	/* new: nothing created */
	ck_assert_int_eq(bs_folder_check(at("new"), "run", 0, &err), 0);
	ck_assert_int_eq(bs_folder_check(at("new/deeper"), "sweep", 0, &err), 0);
	ck_assert(!tu_exists(at("new")));
	/* empty */
	ck_assert_int_eq(mkdir(at("empty"), 0777), 0);
	ck_assert_int_eq(bs_folder_check(at("empty"), "compare", 0, &err), 0);
	/* its own kind; another kind only by force */
	ck_assert_int_eq(bs_run_to(sc, at("run"), NULL, NULL, &err), 0);
	ck_assert_int_eq(bs_folder_check(at("run"), "run", 0, &err), 0);
	ck_assert_int_eq(bs_folder_check(at("run"), "sweep", 0, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.file, "run"));
	ck_assert_ptr_nonnull(strstr(err.text, "run"));
	ck_assert_int_eq(bs_folder_check(at("run"), "sweep", 1, &err), 0);
	ck_assert_int_eq(bs_folder_check(at("run"), "compare", 0, &err), BS_E_INPUT);
	/* a folder of files bssim did not write */
	ck_assert_int_eq(mkdir(at("mine"), 0777), 0);
	free(tu_write(dir, "mine/notes.txt", "mine\n"));
	ck_assert_int_eq(bs_folder_check(at("mine"), "run", 0, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "bssim did not write"));
	ck_assert_int_eq(bs_folder_check(at("mine"), "run", 1, &err), 0);
	ck_assert(!tu_exists(at("mine/.bssim")));
	/* a file where the folder would be */
	free(tu_write(dir, "file", "x\n"));
	ck_assert_int_ne(bs_folder_check(at("file"), "run", 1, &err), 0);
	ck_assert_int_ne(err.code, 0);
	ck_assert_ptr_nonnull(strstr(err.file, "file"));
	ck_assert_int_ne(bs_folder_check(at("file/sub"), "run", 0, &err), 0);
	bs_scenario_free(sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_run");
	TCase *tc = tcase_create("runs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_run_jobs_identical);
	tcase_add_test(tc, test_run_to_as_cli);
	tcase_add_test(tc, test_run_trip_log);
	tcase_add_test(tc, test_result_open);
	tcase_add_test(tc, test_result_metrics_and_values);
	tcase_add_test(tc, test_result_matrix_and_tables);
	tcase_add_test(tc, test_result_write);
	tcase_add_test(tc, test_result_labels);
	tcase_add_test(tc, test_interrupt_before);
	tcase_add_test(tc, test_interrupt_during);
	tcase_add_test(tc, test_abi_run_opts_size);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_compare_mismatch);
	tcase_add_test(tc, test_folder_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bs_init();
	return tu_main(suite());
}
