/*
 * check_api_sweep.c - the contract test of libbssim, part 3: sweeps (one
 * run, shards and merge, resume, the job API driven by hand with a task
 * source of the test's own), comparisons of sweep points and shard
 * specifications (see check_api.c for how these suites are built:
 * bssim.h alone, against libbssim.so).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bssim.h>

#include "testbase.h"

static char *dir;
static char sweepfile[600];

/* 2 x 2 points of the small base, 2 replications: 8 tasks */
static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
	tu_write_small_base(dir);
	free(tu_write(dir, "sweep.json",
		      "{\"bssim_sweep\": 1, \"name\": \"tiny\", \"base\": \"base.json\",\n"
		      " \"replications\": 2,\n"
		      " \"vary\": {\"fleet.bikes\": [10, 14], \"agreement.type\": [\"isolated\", \"full\"]}}\n"));
	snprintf(sweepfile, sizeof(sweepfile), "%s/sweep.json", dir);
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

static bs_sweep *load(void)
{
	struct bs_error err;
	bs_sweep *sw = bs_sweep_load(sweepfile, &err);

	ck_assert_msg(sw != NULL, "%s", err.text);
	return sw;
}

/* The sweep as `bssim sweep` writes it, into dir/cli (once per test). */
static const char *cli_sweep(void)
{
	if (!tu_exists(at("cli/sweep.csv")))
		ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "sweep %s -o %s -q", sweepfile,
					at("cli")), 0);
	return at("cli");
}

/* The task log is in the order tasks finished; everything else must be
 * the same bytes (sweep.json but its "run"). */
static const char *const LOG[] = {"sweep_tasks.jsonl", NULL};

struct seen {
	uint64_t last_done, total;
	int nprog, begins, ends, monotone;
	uint64_t interrupt_at;
};

static void on_progress(void *ud, uint64_t done, uint64_t total, double frac)
{
	struct seen *s = ud;

	(void)frac;
	if (s->nprog && done < s->last_done)
		s->monotone = 0;
	s->last_done = done;
	s->total = total;
	s->nprog++;
	if (s->interrupt_at && done >= s->interrupt_at)
		bs_interrupt();
}

static void on_writing(void *ud, const char *what, int begin)
{
	struct seen *s = ud;

	(void)what;
	if (begin)
		s->begins++;
	else
		s->ends++;
}

static void seen_init(struct seen *s, struct bs_monitor *m)
{
	memset(s, 0, sizeof(*s));
	s->monotone = 1;
	m->progress = on_progress;
	m->writing = on_writing;
	m->ud = s;
}

/* ---- a sweep --------------------------------------------------------------- */

START_TEST(test_sweep_load_and_labels)
{
	bs_sweep *sw = load();
	struct bs_error err;
	char *label, *msg, want[4200], line[2048], esc[4096];

	ck_assert_str_eq(bs_sweep_name(sw), "tiny");
	ck_assert_uint_eq(bs_sweep_points(sw), 4);
	ck_assert_uint_eq(bs_sweep_replications(sw), 2);
	ck_assert_uint_eq(bs_sweep_tasks(sw), 8);
	/* points in product order, the last key fastest */
	label = bs_sweep_point_label(sw, 0);
	ck_assert_str_eq(label, "point 1 (fleet.bikes=10, agreement.type=\"isolated\")");
	bs_free(label);
	label = bs_sweep_point_label(sw, 1);
	ck_assert_str_eq(label, "point 2 (fleet.bikes=10, agreement.type=\"full\")");
	bs_free(label);
	label = bs_sweep_point_label(sw, 3);
	ck_assert_str_eq(label, "point 4 (fleet.bikes=14, agreement.type=\"full\")");
	bs_free(label);
	bs_sweep_free(sw);
	/* a bad sweep: the line `bssim sweep` prints */
	free(tu_write(dir, "bad.json", "{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
				       " \"vary\": {\"fleet.bikez\": [1, 2]}}\n"));
	ck_assert_ptr_null(bs_sweep_load(at("bad.json"), &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_int_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.key, "fleet.bikez"));
	bs_escape(bs_error_format(&err, line, sizeof(line)), esc, sizeof(esc));
	snprintf(want, sizeof(want), "bssim: %s\n", esc);
	ck_assert_int_eq(tu_cli(NULL, NULL, &msg, "sweep %s -o %s", at("bad.json"), at("o")), 2);
	ck_assert_str_eq(msg, want);
	free(msg);
	ck_assert(!tu_exists(at("o")));
	ck_assert_ptr_null(bs_sweep_load(at("none.json"), &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	/* a value bad at one point only: refused, the point named, before
	 * any file is touched */
	free(tu_write(dir, "bad2.json", "{\"bssim_sweep\": 1, \"base\": \"base.json\",\n"
					" \"vary\": {\"fleet.bikes\": [10, -1]}}\n"));
	sw = bs_sweep_load(at("bad2.json"), &err);
	if (sw) {
		ck_assert_int_eq(bs_sweep_run(sw, at("o2"), NULL, NULL, &err), BS_E_INPUT);
		bs_sweep_free(sw);
	}
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "fleet.bikes");
	ck_assert_ptr_nonnull(strstr(err.text, "point 2"));
	ck_assert(!tu_exists(at("o2")));
}
END_TEST

START_TEST(test_sweep_run_as_cli)
{
	bs_sweep *sw = load(), *opened;
	struct bs_sweep_opts o;
	struct bs_sweep_outcome out;
	struct bs_monitor m;
	struct seen seen;
	struct bs_error err;
	char *a, *b;
	size_t p;

	seen_init(&seen, &m);
	bs_sweep_opts_init(&o);
	o.jobs = 2;
	o.monitor = &m;
	ck_assert_msg(bs_sweep_run(sw, at("api"), &o, &out, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(out.tasks, 8);
	ck_assert_uint_eq(out.recorded, 8);
	ck_assert_uint_eq(out.resumed, 0);
	ck_assert_uint_eq(out.discarded, 0);
	ck_assert_uint_eq(out.mine, 8);
	ck_assert_uint_eq(out.ran, 8);
	ck_assert_int_eq(out.complete, 1);
	ck_assert(out.wall_s >= 0.0);
	ck_assert(seen.nprog > 0 && seen.monotone && seen.total == 8 && seen.last_done == 8);
	ck_assert(seen.begins == 1 && seen.ends == 1);
	tu_same_folders(at("api"), cli_sweep(), LOG);
	a = tu_slurp(at("api/sweep.json"), NULL);
	ck_assert_ptr_nonnull(strstr(a, "\"mode\": \"threads\""));
	ck_assert_ptr_nonnull(strstr(a, "\"workers\": 2"));
	free(a);
	/* the finished folder opens as the sweep it holds */
	opened = bs_sweep_open(at("api"), &err);
	ck_assert_msg(opened != NULL, "%s", err.text);
	ck_assert_str_eq(bs_sweep_name(opened), "tiny");
	ck_assert_uint_eq(bs_sweep_points(opened), 4);
	ck_assert_uint_eq(bs_sweep_replications(opened), 2);
	ck_assert_uint_eq(bs_sweep_tasks(opened), 8);
	for (p = 0; p < 4; p++) {
		a = bs_sweep_point_label(sw, p);
		b = bs_sweep_point_label(opened, p);
		ck_assert_str_eq(a, b);
		bs_free(a);
		bs_free(b);
	}
	bs_sweep_free(opened);
	ck_assert_ptr_null(bs_sweep_open(dir, &err));
	ck_assert_int_ne(err.code, 0);
	/* a folder of another kind is refused before anything runs */
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "run %s/base.json -o %s -q", dir, at("run")), 0);
	ck_assert_int_eq(bs_sweep_run(sw, at("run"), NULL, &out, &err), BS_E_INPUT);
	ck_assert(!tu_exists(at("run/sweep_plan.json")));
	bs_sweep_free(sw);
}
END_TEST

START_TEST(test_sweep_shards_and_merge)
{
	bs_sweep *sw = load();
	struct bs_sweep_opts o;
	struct bs_sweep_outcome out;
	struct bs_monitor m;
	struct seen seen;
	struct bs_error err;
	const char *shards[2];
	uint32_t i;

	for (i = 1; i <= 2; i++) {
		bs_sweep_opts_init(&o);
		o.shard_i = i;
		o.shard_n = 2;
		ck_assert_int_eq(bs_sweep_run(sw, at(i == 1 ? "s1" : "s2"), &o, &out, &err), 0);
		ck_assert_uint_eq(out.tasks, 8);
		ck_assert_uint_eq(out.mine, 4);
		ck_assert_uint_eq(out.ran, 4);
		ck_assert_uint_eq(out.recorded, 4);
		ck_assert_int_eq(out.complete, 0);
		ck_assert(!tu_exists(at(i == 1 ? "s1/sweep.csv" : "s2/sweep.csv")));
	}
	shards[0] = at("s1");
	shards[1] = at("s2");
	/* one shard alone is not the sweep */
	ck_assert_int_eq(bs_sweep_merge(shards, 1, at("m1"), 0, NULL, &out, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "task"));
	ck_assert(!tu_exists(at("m1/sweep.csv")));
	shards[0] = at("s1");
	shards[1] = at("s2");
	seen_init(&seen, &m);
	memset(&out, 0, sizeof(out));
	ck_assert_msg(bs_sweep_merge(shards, 2, at("m"), 0, &m, &out, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(out.tasks, 8);
	ck_assert_uint_eq(out.recorded, 8);
	ck_assert_int_eq(out.complete, 1);
	ck_assert(seen.begins == 1 && seen.ends == 1);
	tu_same_folders(at("m"), cli_sweep(), LOG);
	/* merge's own log is in task order, as a run on one thread writes it */
	tu_same_folders(at("m"), cli_sweep(), NULL);
	bs_sweep_free(sw);
}
END_TEST

START_TEST(test_sweep_interrupt_and_resume)
{
	bs_sweep *sw = load();
	struct bs_sweep_opts o;
	struct bs_sweep_outcome out;
	struct bs_monitor m;
	struct seen seen;
	struct bs_error err;

	/* stopped once the first task is recorded (one thread) */
	seen_init(&seen, &m);
	seen.interrupt_at = 1;
	bs_sweep_opts_init(&o);
	o.monitor = &m;
	ck_assert_int_eq(bs_sweep_run(sw, at("r"), &o, &out, &err), BS_E_INTERRUPTED);
	ck_assert_uint_eq(out.recorded, 1);
	ck_assert_uint_eq(out.ran, 1);
	ck_assert_int_eq(out.complete, 0);
	ck_assert(!tu_exists(at("r/sweep.csv")));
	ck_assert_int_eq(seen.begins, 0);
	bs_interrupt_clear();
	/* resumed: the other seven, then the outputs */
	o.resume = 1;
	o.monitor = NULL;
	ck_assert_int_eq(bs_sweep_run(sw, at("r"), &o, &out, &err), 0);
	ck_assert_uint_eq(out.resumed, 1);
	ck_assert_uint_eq(out.ran, 7);
	ck_assert_uint_eq(out.recorded, 8);
	ck_assert_int_eq(out.complete, 1);
	tu_same_folders(at("r"), cli_sweep(), LOG);
	/* a fresh start drops what was recorded, and says how much */
	o.resume = 0;
	ck_assert_int_eq(bs_sweep_run(sw, at("r"), &o, &out, &err), 0);
	ck_assert_uint_eq(out.discarded, 8);
	ck_assert_uint_eq(out.resumed, 0);
	ck_assert_uint_eq(out.ran, 8);
	bs_sweep_free(sw);
}
END_TEST

/* ---- the job API, as the MPI runner uses it ------------------------------- */

/* A task source of the test's own: the job's tasks, handed out last
 * first, their records kept and recorded by the job at the end (as a
 * runner that gathers results from elsewhere would). */
struct hand {
	bs_sweep_job *job;
	uint64_t tasks[16];
	size_t ntasks, next;
	char *records[16];
	size_t nrec;
	int fail_at; /* done() fails on this call (0: never) */
};

static int hand_next(void *ud, uint64_t *task)
{
	struct hand *h = ud;

	if (h->next == h->ntasks)
		return 1;
	*task = h->tasks[h->ntasks - 1 - h->next++];
	return 0;
}

static int hand_done(void *ud, uint64_t task, const char *record,
		     struct bs_error *err)
{
	struct hand *h = ud;
	char want[32];

	snprintf(want, sizeof(want), "{\"task\":%llu,", (unsigned long long)task);
	ck_assert_msg(!strncmp(record, want, strlen(want)), "%s", record);
	if (h->fail_at && (int)h->nrec + 1 == h->fail_at) {
		bs_error_clear(err);
		err->code = BS_E_IO;
		snprintf(err->text, sizeof(err->text), "the runner lost task %llu",
			 (unsigned long long)task);
		return BS_E_IO;
	}
	ck_assert_uint_lt(h->nrec, 16);
	h->records[h->nrec++] = strdup(record);
	return 0;
}

START_TEST(test_sweep_job_by_hand)
{
	bs_sweep *sw = load();
	struct bs_task_source src = {hand_next, hand_done, NULL};
	struct bs_sweep_outcome out;
	struct bs_error err;
	struct hand h;
	uint64_t t;
	size_t i;
	char *json;

	memset(&h, 0, sizeof(h));
	src.ud = &h;
	h.job = bs_sweep_job_open(sw, at("job"), NULL, &err);
	ck_assert_msg(h.job != NULL, "%s", err.text);
	ck_assert_str_eq(bs_sweep_job_dir(h.job), at("job"));
	bs_sweep_job_outcome(h.job, &out);
	ck_assert(out.tasks == 8 && out.mine == 8 && out.ran == 0 && out.resumed == 0);
	/* the job's dispenser hands out each of its tasks once */
	while (bs_sweep_job_next(h.job, &t) == 0)
		h.tasks[h.ntasks++] = t;
	ck_assert_uint_eq(h.ntasks, 8);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(h.tasks[i], i);
	ck_assert_int_eq(bs_sweep_job_next(h.job, &t), -1);
	/* the pool runs them from our source, on two threads */
	ck_assert_msg(bs_sweep_tasks_run(sw, 2, 0, &src, NULL, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(h.nrec, 8);
	for (i = 0; i < h.nrec; i++) {
		ck_assert_int_eq(bs_sweep_job_record(h.job, h.records[i], &err), 0);
		free(h.records[i]);
	}
	bs_sweep_job_outcome(h.job, &out);
	ck_assert_uint_eq(out.ran, 8);
	bs_sweep_job_runner(h.job, "mpi", 3);
	ck_assert_int_eq(bs_sweep_job_finish(h.job, 0, &out, &err), 0);
	ck_assert_int_eq(out.complete, 1);
	ck_assert_uint_eq(out.recorded, 8);
	bs_sweep_job_free(h.job);
	tu_same_folders(at("job"), cli_sweep(), LOG);
	json = tu_slurp(at("job/sweep.json"), NULL);
	ck_assert_ptr_nonnull(strstr(json, "\"mode\": \"mpi\""));
	ck_assert_ptr_nonnull(strstr(json, "\"workers\": 3"));
	free(json);

	/* a source whose done() fails stops the run with its code */
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 8; i++)
		h.tasks[h.ntasks++] = i;
	h.fail_at = 2;
	ck_assert_int_eq(bs_sweep_tasks_run(sw, 1, 0, &src, NULL, &err), BS_E_IO);
	ck_assert_ptr_nonnull(strstr(err.text, "the runner lost task"));
	ck_assert_uint_eq(h.nrec, 1);
	free(h.records[0]);
	/* a finish that ran nothing keeps the folder for --resume */
	h.job = bs_sweep_job_open(sw, at("job2"), NULL, &err);
	ck_assert_ptr_nonnull(h.job);
	ck_assert_int_eq(bs_sweep_job_finish(h.job, BS_E_INTERRUPTED, &out, &err),
			 BS_E_INTERRUPTED);
	ck_assert_int_eq(out.complete, 0);
	ck_assert_uint_eq(out.recorded, 0);
	bs_sweep_job_free(h.job);
	ck_assert(tu_exists(at("job2/sweep_plan.json")) && !tu_exists(at("job2/sweep.csv")));
	bs_sweep_free(sw);
}
END_TEST

START_TEST(test_sweep_job_run)
{
	bs_sweep *sw = load();
	struct bs_sweep_opts o;
	struct bs_sweep_outcome out;
	struct bs_error err;
	bs_sweep_job *j;

	bs_sweep_opts_init(&o);
	o.jobs = 2;
	j = bs_sweep_job_open(sw, at("j"), &o, &err);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(bs_sweep_job_run(j, &err), 0);
	ck_assert_int_eq(bs_sweep_job_finish(j, 0, &out, &err), 0);
	ck_assert(out.complete && out.ran == 8);
	bs_sweep_job_free(j);
	tu_same_folders(at("j"), cli_sweep(), LOG);
	/* interrupted before: nothing runs, the dispenser is dry */
	j = bs_sweep_job_open(sw, at("k"), &o, &err);
	bs_interrupt();
	{
		uint64_t t;
		ck_assert_int_eq(bs_sweep_job_next(j, &t), -1);
	}
	ck_assert_int_eq(bs_sweep_job_run(j, &err), BS_E_INTERRUPTED);
	ck_assert_int_eq(bs_sweep_job_finish(j, BS_E_INTERRUPTED, &out, &err), BS_E_INTERRUPTED);
	ck_assert_uint_eq(out.ran, 0);
	bs_sweep_job_free(j);
	bs_interrupt_clear();
	bs_sweep_free(sw);
}
END_TEST

/* ---- sweep points compared ------------------------------------------------ */

START_TEST(test_compare_sweep)
{
	bs_sweep *sw = load();
	struct bs_error err;
	struct bs_paired p;
	bs_comparison *c;
	char *api, *cli, *label;

	ck_assert_int_eq(bs_sweep_run(sw, at("s"), NULL, NULL, &err), 0);
	c = bs_compare_sweep(at("s"), "1", "2", &err);
	ck_assert_msg(c != NULL, "%s", err.text);
	ck_assert_uint_eq(bs_comparison_replications(c), 2);
	label = bs_sweep_point_label(sw, 0);
	ck_assert_str_eq(bs_comparison_label(c, 0), label);
	bs_free(label);
	label = bs_sweep_point_label(sw, 1);
	ck_assert_str_eq(bs_comparison_label(c, 1), label);
	bs_free(label);
	ck_assert_uint_eq(bs_comparison_nwards(c), 3);
	ck_assert_str_eq(bs_comparison_ward(c, 2), "Gamma");
	ck_assert_int_eq(bs_comparison_metric(c, "Beta", "trips_completed", &p, &err), 0);
	ck_assert(p.n == 2 && p.diff == p.mean_b - p.mean_a);
	ck_assert(p.ci_lo <= p.diff && p.diff <= p.ci_hi);
	ck_assert_int_eq(bs_comparison_write(c, at("api"), 0, NULL, &err), 0);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "compare --sweep %s 1 2 -o %s -q", at("s"),
				at("cli")), 0);
	api = tu_slurp(at("api/compare.csv"), NULL);
	cli = tu_slurp(at("cli/compare.csv"), NULL);
	ck_assert_str_eq(api, cli);
	free(api);
	free(cli);
	bs_comparison_free(c);
	/* points that are not there */
	ck_assert_ptr_null(bs_compare_sweep(at("s"), "1", "5", &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, "point");
	ck_assert_ptr_null(bs_compare_sweep(at("s"), "one", "2", &err));
	ck_assert_str_eq(err.key, "point");
	ck_assert_ptr_null(bs_compare_sweep(at("s"), "0", "2", &err));
	ck_assert_ptr_null(bs_compare_sweep(dir, "1", "2", &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	bs_sweep_free(sw);
}
END_TEST

START_TEST(test_shard_parse)
{
	static const struct {
		const char *s;
		int ok;
		uint32_t i, n;
	} cases[] = {
		{"1/1", 1, 1, 1}, {"2/3", 1, 2, 3}, {"3/3", 1, 3, 3},
		{"1/1000000", 1, 1, 1000000}, {"1000000/1000000", 1, 1000000, 1000000},
		{"0/3", 0, 0, 0}, {"4/3", 0, 0, 0}, {"1/0", 0, 0, 0},
		{"1/1000001", 0, 0, 0}, {"", 0, 0, 0}, {"1", 0, 0, 0},
		{"/2", 0, 0, 0}, {"1/", 0, 0, 0}, {"a/b", 0, 0, 0},
		{" 1/2", 0, 0, 0}, {"1/2 ", 0, 0, 0}, {"1/2x", 0, 0, 0},
		{"+1/2", 0, 0, 0}, {"-1/2", 0, 0, 0}, {"1//2", 0, 0, 0},
		{"1/2/3", 0, 0, 0}, {"4294967297/4294967298", 0, 0, 0},
		{"99999999999999999999/2", 0, 0, 0}};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint32_t i = 77, n = 77;
		int rc = bs_shard_parse(cases[k].s, &i, &n);
		ck_assert_msg(rc == (cases[k].ok ? 0 : -1), "'%s': %d", cases[k].s, rc);
		if (cases[k].ok)
			ck_assert_msg(i == cases[k].i && n == cases[k].n, "'%s'", cases[k].s);
	}
}
END_TEST

/* The ABI rule for sweep options: shards, resume and the monitor beyond
 * size are garbage the library must not read. */
START_TEST(test_abi_sweep_opts_size)
{
	bs_sweep *sw = load();
	struct bs_sweep_opts o;
	struct bs_sweep_outcome out;
	struct bs_error err;

	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_sweep_opts, resume);
	o.jobs = 2;
	ck_assert_msg(bs_sweep_run(sw, at("a"), &o, &out, &err) == 0, "%s", err.text);
	ck_assert(out.complete && out.mine == 8);
	tu_same_folders(at("a"), cli_sweep(), LOG);
	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_sweep_opts, shard_i);
	o.jobs = 1;
	o.resume = 0;
	o.force = 0;
	o.paranoid = 0;
	ck_assert_int_eq(bs_sweep_run(sw, at("b"), &o, &out, &err), 0);
	ck_assert(out.complete && out.mine == 8);
	/* a newer caller's larger struct: its fields the library does not
	 * know are not read either */
	{
		struct {
			struct bs_sweep_opts o;
			unsigned char newer[16];
		} big;
		bs_sweep_opts_init_size(&big.o, sizeof(big));
		memset(big.newer, 0xa5, sizeof(big.newer));
		big.o.shard_i = 2;
		big.o.shard_n = 2;
		ck_assert_int_eq(bs_sweep_run(sw, at("c"), &big.o, &out, &err), 0);
		ck_assert(!out.complete && out.mine == 4);
	}
	bs_sweep_free(sw);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_sweep");
	TCase *tc = tcase_create("sweeps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sweep_load_and_labels);
	tcase_add_test(tc, test_sweep_run_as_cli);
	tcase_add_test(tc, test_sweep_shards_and_merge);
	tcase_add_test(tc, test_sweep_interrupt_and_resume);
	tcase_add_test(tc, test_sweep_job_by_hand);
	tcase_add_test(tc, test_sweep_job_run);
	tcase_add_test(tc, test_compare_sweep);
	tcase_add_test(tc, test_shard_parse);
	tcase_add_test(tc, test_abi_sweep_opts_size);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bs_init();
	return tu_main(suite());
}
