/*
 * check_sweep_cli.c - `bssim sweep`, `merge` and `compare` end to end: the
 * contracted files and headers; the same sweep.csv bytes with --jobs 1,
 * --jobs 2, shards merged, MPI with 2 ranks (when BSSIM_MPI names
 * build/bssim-mpi), and after an interrupted or killed run resumed; a
 * sweep point equal to `bssim run` of that point; refusals; paired
 * comparisons; the progress line on a terminal.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "stats/metrics.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	tu_write_small_base(dir);
	/* 3 x 2 points x 3 replications = 18 tasks of a few milliseconds */
	free(tu_write(dir, "sweep.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		      "  \"set\": { \"horizon.days\": 3 },\n"
		      "  \"vary\": { \"fleet.bikes\": [10, 20, 25],\n"
		      "            \"agreement.type\": [\"isolated\", \"full\"] } }\n"));
	/* the same, with tasks long enough to interrupt (12 x ~50 ms) */
	free(tu_write(dir, "long.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 3,\n"
		      "  \"set\": { \"horizon.days\": 400 },\n"
		      "  \"vary\": { \"agreement.type\": [\"isolated\", \"full\"],\n"
		      "            \"fleet.bikes\": [12, 24] } }\n"));
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

static int run(const char *fmt, char **out, char **err, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 4)))
#endif
	;

/* bssim with printf-style arguments, run in dir. */
static int run(const char *fmt, char **out, char **err, ...)
{
	char args[4096], cmd[4600];
	va_list ap;

	va_start(ap, err);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s %s", dir,
		 tu_abspath(tu_bssim()), args);
	return tu_run(cmd, out, err);
}

static char *file_in(const char *sub, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	return tu_slurp(p, NULL);
}

static int exists_in(const char *sub, const char *name)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	return tu_exists(p);
}

static void same_file(const char *a, const char *b, const char *name)
{
	char *x = file_in(a, name), *y = file_in(b, name);

	ck_assert_msg(x != NULL, "%s/%s missing", a, name);
	ck_assert_msg(y != NULL, "%s/%s missing", b, name);
	ck_assert_msg(strcmp(x, y) == 0, "%s differs between %s and %s", name, a, b);
	free(x);
	free(y);
}

/* sweep.json without "run" (the machine and the moment). */
static char *json_sans_run(const char *sub)
{
	char p[1024], *s;
	json_t *doc;

	snprintf(p, sizeof(p), "%s/%s/sweep.json", dir, sub);
	doc = json_load_file(p, 0, NULL);
	ck_assert_msg(doc != NULL, "%s: not JSON", p);
	ck_assert(json_is_object(json_object_get(doc, "run")));
	json_object_del(doc, "run");
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

/* The three result files of two folders are the same. */
static void same_results(const char *a, const char *b)
{
	char *x, *y;

	same_file(a, b, "sweep.csv");
	same_file(a, b, "sweep_replications.csv");
	x = json_sans_run(a);
	y = json_sans_run(b);
	ck_assert_msg(strcmp(x, y) == 0, "sweep.json differs between %s and %s", a, b);
	free(x);
	free(y);
}

static void first_line_is(const char *text, const char *header)
{
	size_t l = strlen(header);

	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strncmp(text, header, l) == 0 && text[l] == '\n',
		      "header '%.*s' is not '%s'", (int)l, text, header);
}

static int hidden_files(const char *sub)
{
	char cmd[1200], *o;
	int n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s/%s' | grep -v '^\\.bssim$' | grep -c '^\\.' || true", dir, sub);
	tu_run(cmd, &o, NULL);
	n = atoi(o);
	free(o);
	return n;
}

START_TEST(test_contract)
{
	char *out, *t, line[256];
	json_t *doc, *pts, *p2;
	int m;

	ck_assert_int_eq(run("sweep sweep.json -o s", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "sweep: 6 points x 3 replications = 18 tasks"));
	free(out);
	t = file_in("s", "sweep.csv");
	first_line_is(t, "point,fleet.bikes,agreement.type,metric,ward,mean,sd,ci95_low,ci95_high");
	/* points x metrics x (3 wards + all) */
	ck_assert_uint_eq(tu_lines(t), 1 + 6 * BS_METRIC_N * 4);
	ck_assert_ptr_nonnull(strstr(t, "\n1,10,isolated,trips_requested,Alpha,"));
	ck_assert_ptr_nonnull(strstr(t, "\n6,25,full,bikes_docked_mean,all,"));
	free(t);
	t = file_in("s", "sweep_replications.csv");
	first_line_is(t, "point,fleet.bikes,agreement.type,replication,ward,metric,value");
	/* tasks x (3 wards + all) x metrics */
	ck_assert_uint_eq(tu_lines(t), 1 + 18 * 4 * BS_METRIC_N);
	free(t);
	ck_assert(exists_in("s", "sweep_plan.json"));
	t = file_in("s", "sweep_tasks.jsonl");
	ck_assert_uint_eq(tu_lines(t), 1 + 18);
	free(t);
	ck_assert_int_eq(hidden_files("s"), 0);
	/* sweep.json: per point what summary.json has for a run */
	{
		char p[1024];
		snprintf(p, sizeof(p), "%s/s/sweep.json", dir);
		doc = json_load_file(p, 0, NULL);
	}
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "replications")), 3);
	pts = json_object_get(doc, "points");
	ck_assert_uint_eq(json_array_size(pts), 6);
	p2 = json_array_get(pts, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(p2, "point")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p2, "values"),
							   "agreement.type")), "full");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
				 json_object_get(p2, "scenario"), "fleet"), "bikes")), 10);
	for (m = 0; m < 3; m++) {
		static const char *names[] = {"service_level", "revenue_yen", "trips_requested"};
		json_t *st = json_object_get(json_object_get(p2, "metrics"), names[m]);
		ck_assert(json_is_number(json_object_get(st, "mean")));
		ck_assert(json_is_number(json_object_get(st, "ci95_low")));
	}
	ck_assert(json_is_object(json_object_get(json_object_get(json_object_get(
		json_object_get(p2, "wards"), "Beta"), "metrics"), "cross_ward_trips")));
	ck_assert(json_is_number(json_object_get(json_object_get(
		json_object_get(p2, "settlement_yen"), "Alpha"), "Gamma")));
	json_decref(doc);
	/* point 4 (20 bikes, full) is `bssim run` of that scenario:
	 * replication 2's values, row for row */
	ck_assert_int_eq(run("run base.json -o r -q --set horizon.days=3 --replications 3"
			     " --set fleet.bikes=20 --set agreement.type=full", NULL, NULL), 0);
	{
		char *rr = file_in("r", "replications.csv"), *sr = file_in("s", "sweep_replications.csv");
		char *l = strstr(rr, "\n2,");
		int rows = 0;
		ck_assert_ptr_nonnull(l);
		for (l++; strncmp(l, "2,", 2) == 0; l = strchr(l, '\n') + 1) {
			size_t len = (size_t)(strchr(l, '\n') - l);
			snprintf(line, sizeof(line), "\n4,20,full,%.*s\n", (int)len, l);
			ck_assert_msg(strstr(sr, line) != NULL, "no row %s", line + 1);
			rows++;
		}
		ck_assert_int_eq(rows, 4 * BS_METRIC_N);
		free(rr);
		free(sr);
	}
}
END_TEST

START_TEST(test_same_bytes)
{
	char *out;

	ck_assert_int_eq(run("sweep sweep.json -o j1 -q --jobs 1", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep sweep.json -o j2 -q --jobs 2", NULL, NULL), 0);
	same_results("j1", "j2");
	/* three shards, merged in another order */
	ck_assert_int_eq(run("sweep sweep.json -o s1 --shard 1/3", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "shard 1/3: 6 tasks recorded"));
	ck_assert_ptr_nonnull(strstr(out, "bssim merge"));
	free(out);
	ck_assert(!exists_in("s1", "sweep.csv"));
	ck_assert_int_eq(run("sweep sweep.json -o s2 --shard 2/3 -q --jobs 2", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep sweep.json -o s3 --shard 3/3 -q", NULL, NULL), 0);
	ck_assert_int_eq(run("merge s3 s1 s2 -o m", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "merged 3 folders"));
	free(out);
	same_results("j1", "m");
	/* the merged folder is like one run's: merging it again, or a shard
	 * given twice, changes nothing */
	ck_assert_int_eq(run("merge m s2 -o m2 -q", NULL, NULL), 0);
	same_results("j1", "m2");
	same_file("m", "m2", "sweep_tasks.jsonl");
	/* a sweep already complete, resumed: nothing to run, same files */
	ck_assert_int_eq(run("sweep sweep.json -o j1 -q --resume", NULL, NULL), 0);
	same_results("j1", "j2");
}
END_TEST

/* A base with round trips, ward-pair factors and a calendar (weekday,
 * weekend and month factors, a run across a month's end), swept over
 * the round-trip share and the fleet, into feat_sweep.json. */
static void write_features_sweep(void)
{
	char base[2048];

	free(tu_write(dir, "wf.csv", "from,to,factor\nAlpha,Beta,2.5\nGamma,Alpha,0.4\n"));
	snprintf(base, sizeof(base),
		 "{\"bssim\": 1, \"name\": \"feat\", \"seed\": 9, \"replications\": 2,\n"
		 " \"horizon\": {\"days\": 4, \"warmup_days\": 1, \"start_weekday\": \"mon\"},\n"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},\n"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300,\n"
		 "   \"round_trip_share\": 0.1, \"ward_factors\": \"wf.csv\",\n"
		 "   \"calendar\": {\"weekday\": 1.1, \"saturday\": 0.8, \"sunday\": 0.7,\n"
		 "     \"month\": [1, 1, 0.9, 1.3, 1, 1, 1, 1, 1, 1, 1, 1],\n"
		 "     \"start\": \"2026-03-30\"}}}\n",
		 tu_abspath(tu_fixture("six.csv")));
	free(tu_write(dir, "feat.json", base));
	free(tu_write(dir, "feat_sweep.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"feat.json\", \"replications\": 3,\n"
		      "  \"vary\": { \"demand.round_trip_share\": [0.05, 0.3],\n"
		      "            \"fleet.bikes\": [10, 14] } }\n"));
}

/* Round trips, ward factors and the calendar give the same bytes with
 * --jobs 1, --jobs 2 and two shards merged (and under MPI, below): their
 * draws depend on the task, never on the worker. */
START_TEST(test_features_same_bytes)
{
	char *j;

	write_features_sweep();
	ck_assert_int_eq(run("sweep feat_sweep.json -o f1 -q --jobs 1", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep feat_sweep.json -o f2 -q --jobs 2", NULL, NULL), 0);
	same_results("f1", "f2");
	ck_assert_int_eq(run("sweep feat_sweep.json -o g1 -q --shard 1/2 --jobs 2", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep feat_sweep.json -o g2 -q --shard 2/2", NULL, NULL), 0);
	ck_assert_int_eq(run("merge g2 g1 -o gm -q", NULL, NULL), 0);
	same_results("f1", "gm");
	/* the features were on: round trips were made, and the points differ */
	j = file_in("f1", "sweep.csv");
	ck_assert_ptr_nonnull(strstr(j, "0.05"));
	ck_assert_ptr_nonnull(strstr(j, "0.3"));
	free(j);
	ck_assert_int_eq(run("run feat.json -o r -q --set output.trips=true", NULL, NULL), 0);
	j = file_in("r", "trips.csv");
	{
		const char *ids[] = {",A1,A1,", ",A2,A2,", ",B1,B1,", ",B2,B2,",
				     ",C1,C1,", ",C2,C2,"};
		size_t i, found = 0;
		for (i = 0; i < 6; i++)
			found += strstr(j, ids[i]) != NULL;
		ck_assert_uint_gt(found, 0); /* round trips: origin = destination */
	}
	free(j);
}
END_TEST

/*
 * `bssim-mpi ARGS` on 2 ranks in the test folder: its exit status, its
 * standard error in *err (free it). Under make sanitize, LeakSanitizer
 * reports Open MPI's own allocations at exit (MPI_Init's, and those of
 * components it dlopens, which cannot even be symbolised to be
 * suppressed), so leak detection is off for the ranks; AddressSanitizer's
 * memory errors and UBSan stay fatal. Leaks of bssim's sweep code are
 * caught by the threaded runs of the same code.
 */
static int mpirun2(const char *mpi, const char *args, char **err)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
		 "mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -np 2 '%s' %s",
		 dir, tu_abspath(mpi), args);
	*err = NULL;
	return tu_run(cmd, NULL, err);
}

START_TEST(test_mpi_same_bytes)
{
	const char *mpi = getenv("BSSIM_MPI");
	char *err;
	int st;

	ck_assert_msg(mpi && *mpi, "BSSIM_MPI is not set");
	ck_assert_int_eq(run("sweep sweep.json -o j1 -q", NULL, NULL), 0);
	st = mpirun2(mpi, "sweep sweep.json -o mp", &err);
	ck_assert_msg(st == 0, "mpirun: exit %d: %.600s", st, err ? err : "");
	free(err);
	same_results("j1", "mp");
	/* round trips, ward factors and the calendar under MPI too */
	write_features_sweep();
	ck_assert_int_eq(run("sweep feat_sweep.json -o f1 -q", NULL, NULL), 0);
	st = mpirun2(mpi, "sweep feat_sweep.json -o fmp", &err);
	ck_assert_msg(st == 0, "mpirun: exit %d: %.600s", st, err ? err : "");
	free(err);
	same_results("f1", "fmp");
	{
		char *j = file_in("mp", "sweep.json");
		ck_assert_ptr_nonnull(strstr(j, "\"mode\": \"mpi\""));
		ck_assert_ptr_nonnull(strstr(j, "\"workers\": 2"));
		free(j);
	}
	/* bad input under MPI: one message, exit 2, nothing written */
	st = mpirun2(mpi, "sweep sweep.json -o bad --shard 3/2", &err);
	ck_assert_int_ne(st, 0);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "--shard '3/2'"));
	ck_assert_ptr_null(strstr(strstr(err, "--shard '3/2'") + 1, "--shard '3/2'"));
	ck_assert(!exists_in("bad", "."));
	free(err);
}
END_TEST

/* Start a long sweep; return when it has recorded its n-th task and
 * stopped itself there (test point "task-recorded"): no polling, no
 * clock. */
static pid_t start_long(const char *sub, const char *extra, int n)
{
	char out[1024], errp[1200], at[64];
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s", dir, sub);
	snprintf(errp, sizeof(errp), "%s/%s.stderr", dir, sub);
	snprintf(at, sizeof(at), "task-recorded:%d", n);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = at, .err = errp},
		       "sweep", "long.json", "-o", out, "-q", extra, NULL);
	tu_wait_stopped(pid);
	return pid;
}

START_TEST(test_interrupt_resume)
{
	pid_t pid;
	char *msg, *t, p[1200];

	ck_assert_int_eq(run("sweep long.json -o ref -q --jobs 2", NULL, NULL), 0);
	/* Ctrl-C: exit 1, tasks in flight lost, finished ones kept */
	pid = start_long("int", "--jobs=2", 2);
	ck_assert_int_eq(tu_signal_and_wait(pid, SIGINT), 1);
	snprintf(p, sizeof(p), "%s/int.stderr", dir);
	msg = tu_slurp(p, NULL);
	ck_assert_ptr_nonnull(strstr(msg, "interrupted"));
	ck_assert_ptr_nonnull(strstr(msg, "--resume"));
	free(msg);
	ck_assert(!exists_in("int", "sweep.csv"));
	ck_assert_int_eq(hidden_files("int"), 0);
	t = file_in("int", "sweep_tasks.jsonl");
	/* the 2 and at most one more per thread: each task runs far more
	 * events than the stop flag's check interval, so none can finish
	 * after the interrupt but one about to end */
	ck_assert_uint_le(tu_lines(t), 1 + 2 + 2);
	ck_assert_uint_ge(tu_lines(t), 1 + 2);
	ck_assert_int_eq(t[strlen(t) - 1], '\n');
	free(t);
	ck_assert_int_eq(run("sweep long.json -o int -q --resume", NULL, NULL), 0);
	same_results("ref", "int");

	/* a killed job, with a torn last record, resumed */
	pid = start_long("kill", "--jobs=1", 3);
	kill(pid, SIGKILL);
	ck_assert_int_eq(tu_wait_exit(pid), 128 + SIGKILL);
	ck_assert(!exists_in("kill", "sweep.csv"));
	t = file_in("kill", "sweep_tasks.jsonl");
	ck_assert_uint_eq(tu_lines(t), 1 + 3); /* stopped right after the 3rd */
	free(t);
	snprintf(p, sizeof(p), "%s/kill/sweep_tasks.jsonl", dir);
	{
		FILE *fp = fopen(p, "ab");
		fputs("{\"task\":7,\"point\":3,\"rep\":2,\"m\":[1.5,2", fp);
		fclose(fp);
	}
	ck_assert_int_eq(run("sweep long.json -o kill -q --resume --jobs 2", NULL, NULL), 0);
	same_results("ref", "kill");
}
END_TEST

/* SIGINT while the sweep writes its outputs (sent while it stands at
 * "before-write"): announced at once, the outputs are complete and the
 * same as an uninterrupted sweep's, exit 1. */
START_TEST(test_interrupt_during_write)
{
	char errp[1200], *msg;
	pid_t pid;

	ck_assert_int_eq(run("sweep sweep.json -o ref -q", NULL, NULL), 0);
	snprintf(errp, sizeof(errp), "%s/w.stderr", dir);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "before-write",
					  .err = errp},
		       "sweep", "sweep.json", "-o", "w", "-q", NULL);
	tu_wait_stopped(pid);
	ck_assert_int_eq(tu_signal_and_wait(pid, SIGINT), 1);
	msg = tu_slurp(errp, NULL);
	ck_assert_str_eq(msg, "bssim: interrupt received: finishing the write of the sweep's outputs (18 tasks)\n"
			      "bssim: interrupted while writing: the sweep's outputs are written to w\n");
	free(msg);
	same_results("ref", "w");
	ck_assert_int_eq(hidden_files("w"), 0);
}
END_TEST

START_TEST(test_refusals)
{
	char *err, *out;
	pid_t pid;

	/* resuming into a folder of another sweep */
	ck_assert_int_eq(run("sweep sweep.json -o a -q", NULL, NULL), 0);
	free(tu_write(dir, "other.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"vary\": { \"fleet.bikes\": [10, 11] } }\n"));
	ck_assert_int_eq(run("sweep other.json -o a -q --resume", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "a/sweep_tasks.jsonl: holds the tasks of a different sweep"));
	free(err);
	/* merging shards of different sweeps, or an incomplete set */
	ck_assert_int_eq(run("sweep other.json -o o1 -q --shard 1/2", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep sweep.json -o s2 -q --shard 2/2", NULL, NULL), 0);
	ck_assert_int_eq(run("merge s2 o1 -o m", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "o1/sweep_plan.json: a shard of another sweep"));
	free(err);
	ck_assert_int_eq(run("merge s2 -o m", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "9 of the sweep's 18 tasks are not recorded (the first: point 1, replication 1)"));
	free(err);
	ck_assert(!exists_in("m", "."));
	ck_assert_int_eq(run("merge base.json -o m", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "expected the output folder of bssim sweep"));
	free(err);
	ck_assert_int_eq(run("merge s2", NULL, &err), 2);
	free(err);
	/* a fresh start over an interrupted sweep says what it dropped */
	ck_assert_int_eq(run("sweep sweep.json -o s2 --fresh", &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "held 9 recorded tasks"));
	free(out);
	free(err);
	/* one sweep per folder at a time: the first holds the folder,
	 * stopped after its first task, while the second is refused */
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "task-recorded:1"},
		       "sweep", "long.json", "-o", "busy", "-q", NULL);
	tu_wait_stopped(pid);
	ck_assert_int_eq(run("sweep long.json -o busy -q --resume", NULL, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "busy: another bssim is writing to this folder; wait for it or choose another output folder"));
	free(err);
	kill(pid, SIGKILL);
	ck_assert_int_eq(tu_wait_exit(pid), 128 + SIGKILL);
	/* once it is gone, the folder is free again */
	ck_assert_int_eq(run("sweep long.json -o busy -q --resume", NULL, NULL), 0);
}
END_TEST

/* Issue 16: varying `agreement` as docs/sweeps.md suggests labelled every
 * line "{" and booleans showed as bare false/true. Items may carry their
 * own label; other values get readable ones. */
START_TEST(test_labels)
{
	char *out, *err, *j;

	free(tu_write(dir, "agr.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		      "  \"vary\": { \"agreement\": [{\"type\": \"isolated\"},\n"
		      "      {\"type\": \"bilateral\", \"pairs\": [[\"Alpha\", \"Beta\"]]},\n"
		      "      {\"label\": \"everyone\", \"value\": {\"type\": \"full\"}}],\n"
		      "    \"rebalancing.pooled\": [false, true] } }\n"));
	ck_assert_int_eq(run("sweep agr.json -o a -q", NULL, &err), 0);
	free(err);
	/* sweep.csv keeps the values (the contract), sweep.json the labels */
	j = file_in("a", "sweep.csv");
	ck_assert_ptr_nonnull(strstr(j, "\n5,\"{\"\"type\"\":\"\"full\"\"}\",false,"));
	free(j);
	j = file_in("a", "sweep.json");
	ck_assert_ptr_nonnull(strstr(j, "\"everyone\""));
	free(j);
	ck_assert_int_eq(run("plotdata sweep a service_level", &out, NULL), 0);
	ck_assert_msg(strstr(out, "\n1,isolated,") && strstr(out, "\n3,everyone,") &&
		      strstr(out, "\n2,bilateral Alpha\xe2\x80\x93" "Beta,") &&
		      strstr(out, ",pooled: no,") && strstr(out, ",pooled: yes,"),
		      "%s", out);
	ck_assert_msg(!strchr(out, '{') && !strstr(out, "false") && !strstr(out, "true"),
		      "%s", out);
	free(out);
	/* the same labels on the differences */
	ck_assert_int_eq(run("plotdata diff a service_level --x rebalancing.pooled", &out, NULL), 0);
	ck_assert_msg(strstr(out, "everyone \xe2\x88\x92 isolated") != NULL, "%s", out);
	free(out);
	/* a label item is checked like every other input */
	free(tu_write(dir, "bad.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		      "  \"vary\": { \"fleet.bikes\": [{\"label\": \"few\", \"value\": 10},\n"
		      "      {\"label\": \"few\", \"value\": 20}] } }\n"));
	ck_assert_int_eq(run("sweep bad.json -o b -q", NULL, &err), 2);
	ck_assert_msg(strstr(err, "bad.json:2:13: vary.fleet.bikes:") && strstr(err, "the label 'few' is given twice"),
		      "%s", err);
	free(err);
	free(tu_write(dir, "bad2.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\",\n"
		      "  \"vary\": { \"fleet.bikes\": [{\"label\": \"few\"}] } }\n"));
	ck_assert_int_eq(run("sweep bad2.json -o b -q", NULL, &err), 2);
	ck_assert_msg(strstr(err, "bad2.json:2:") && strstr(err, "labelled value"), "%s", err);
	free(err);
	ck_assert(!exists_in("b", "sweep.csv"));
}
END_TEST

START_TEST(test_compare)
{
	char *out, *err, *a, *b;

	ck_assert_int_eq(run("sweep sweep.json -o s -q", NULL, NULL), 0);
	/* points 3 and 4 (20 bikes, isolated and full) as scenario files */
	ck_assert_int_eq(run("check base.json --set horizon.days=3 --set replications=3"
			     " --set fleet.bikes=20 --set agreement.type=isolated --json > A.json",
			     NULL, NULL), 0);
	ck_assert_int_eq(run("check base.json --set horizon.days=3 --set replications=3"
			     " --set fleet.bikes=20 --set agreement.type=full --json > B.json",
			     NULL, NULL), 0);
	ck_assert_int_eq(run("compare A.json B.json -o c1 --jobs 2", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "3 paired replications"));
	/* issue 16: grouped numbers for people, no exponents */
	ck_assert_msg(!strstr(out, "e+") && !strstr(out, "e-0") &&
		      strstr(out, " \xc2\xb1 "), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "paired 95% CI"));
	/* common random numbers: the same requests in both */
	ck_assert_ptr_nonnull(strstr(out, "trips_requested"));
	free(out);
	a = file_in("c1", "compare.csv");
	first_line_is(a, "metric,ward,n,mean_a,mean_b,diff,diff_sd,ci95_low,ci95_high,unpaired_ci95_low,unpaired_ci95_high");
	ck_assert_uint_eq(tu_lines(a), 1 + BS_METRIC_N * 4);
	ck_assert_ptr_nonnull(strstr(a, "\ntrips_requested,all,3,"));
	{
		/* diff, its sd and the paired interval of requests are 0 */
		char *l = strstr(a, "\ntrips_requested,all,3,");
		char *f = l + strlen("\ntrips_requested,all,3,");
		double ma = strtod(f, &f), mb = strtod(f + 1, &f);
		double d = strtod(f + 1, &f), sd = strtod(f + 1, &f);
		ck_assert_double_eq(ma, mb);
		ck_assert_double_eq(d, 0.0);
		ck_assert_double_eq(sd, 0.0);
	}
	/* the same numbers from the sweep's points, without running */
	ck_assert_int_eq(run("compare --sweep s 3 4 -o c2", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "A: point 3 (fleet.bikes=20, agreement.type=\"isolated\")"));
	free(out);
	b = file_in("c2", "compare.csv");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	ck_assert_int_eq(run("compare --sweep s 3 4 --ward Gamma -q", &out, NULL), 0);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(run("compare --sweep s 3 4 --ward Gamma", &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "ward Gamma"));
	free(out);
	/* pairs need the same seed and replications */
	ck_assert_int_eq(run("compare A.json B.json --set seed=5 -q", NULL, NULL), 0);
	ck_assert_int_eq(run("check B.json --set seed=5 --json > B5.json", NULL, NULL), 0);
	ck_assert_int_eq(run("compare A.json B5.json", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "B5.json:"));
	ck_assert_ptr_nonnull(strstr(err, "seed: seed 5 where A.json has 4"));
	free(err);
	ck_assert_int_eq(run("compare --sweep s 3 7", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "expected a number from 1 to 6"));
	free(err);
	ck_assert_int_eq(run("compare A.json", NULL, &err), 2);
	free(err);
}
END_TEST

/* Issue 16: re-typing a sweep's command keeps its recorded tasks (the
 * default), says so before it runs, and writes the same files; --fresh
 * starts afresh; another sweep's folder is refused naming --fresh. */
START_TEST(test_resume_by_default)
{
	char *out, *err, *log;

	ck_assert_int_eq(run("sweep sweep.json -o r -q", NULL, NULL), 0);
	log = file_in("r", "sweep_tasks.jsonl");
	ck_assert_int_eq(run("sweep sweep.json -o r", &out, &err), 0);
	ck_assert_str_eq(err, "bssim: note: r holds 18 recorded tasks of this sweep; running only the rest (--fresh starts afresh)\n");
	ck_assert_ptr_nonnull(strstr(out, "= 18 tasks (18 from an earlier run)"));
	free(out);
	free(err);
	{
		char *again = file_in("r", "sweep_tasks.jsonl");
		ck_assert_str_eq(log, again); /* not a task run again */
		free(again);
	}
	free(log);
	ck_assert_int_eq(run("sweep sweep.json -o f -q", NULL, NULL), 0);
	same_results("r", "f");
	/* --fresh: the old behaviour, said */
	ck_assert_int_eq(run("sweep sweep.json -o r --fresh", &out, &err), 0);
	ck_assert_str_eq(err, "bssim: note: r held 18 recorded tasks of this sweep; started afresh without them (--fresh)\n");
	ck_assert_ptr_nonnull(strstr(out, "(0 from an earlier run)"));
	free(out);
	free(err);
	same_results("r", "f");
	/* another sweep into the folder: refused, nothing changed */
	free(tu_write(dir, "other.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"vary\": { \"fleet.bikes\": [10, 11] } }\n"));
	ck_assert_int_eq(run("sweep other.json -o r -q", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "r/sweep_tasks.jsonl: holds the tasks of a different sweep"));
	ck_assert_ptr_nonnull(strstr(err, "or pass --fresh to discard its tasks and start afresh"));
	free(err);
	same_results("r", "f");
	ck_assert_int_eq(run("sweep other.json -o r -q --fresh", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep other.json -o r -q --fresh --resume", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim sweep: --resume and --fresh: expected one of them, not both\n");
	free(err);
}
END_TEST

/* Issue 16: two finished run folders compare as the two scenarios do,
 * paired from replications.csv with no new runs; runs of another seed or
 * another number of replications are refused, naming the key. */
START_TEST(test_compare_run_folders)
{
	char *out, *err;

	ck_assert_int_eq(run("run base.json -o a -q --replications 3 --set name=iso --set agreement.type=isolated", NULL, NULL), 0);
	ck_assert_int_eq(run("run base.json -o b -q --replications 3 --set name=full", NULL, NULL), 0);
	ck_assert_int_eq(run("compare a b --metrics service_level,trips_completed", &out, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_msg(strncmp(out, "A: iso\nB: full\n3 paired replications", 36) == 0, "%s", out);
	free(err);
	ck_assert_ptr_nonnull(strstr(out, "trips_completed"));
	free(out);
	{
		/* B - A of the folders equals B - A of the runs, pair by pair */
		char *x, *y;
		ck_assert_int_eq(run("run base.json -o c -q --replications 3 --set name=iso2 --set agreement.type=isolated", NULL, NULL), 0);
		ck_assert_int_eq(run("compare a c", &x, NULL), 0);
		ck_assert_ptr_nonnull(strstr(x, "service_level"));
		y = strstr(x, "service_level");
		/* identical runs: every difference is zero */
		ck_assert_msg(strncmp(y, "service_level", 13) == 0, "%s", x);
		/* (the people's format: "0 ± 0", or "0.000 ± 0" for a share) */
		ck_assert_msg(strstr(y, " 0 ± 0") != NULL &&
				      strchr(y, '\n') > strstr(y, " 0 ± 0"),
			      "%s", y);
		free(x);
	}
	ck_assert_int_eq(run("run base.json -o s5 -q --replications 3 --seed 5", NULL, NULL), 0);
	ck_assert_int_eq(run("compare a s5", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim: s5: seed: 5, and a has 4; expected the same seed (runs of different seeds do not share their random numbers, so their replications cannot be paired: run both again with --seed)\n");
	free(err);
	ck_assert_int_eq(run("run base.json -o r2 -q --replications 2", NULL, NULL), 0);
	ck_assert_int_eq(run("compare a r2", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim: r2: replications: 2, and a has 3; expected the same number of replications (each is paired with the other's of the same number)\n");
	free(err);
	ck_assert_int_eq(run("compare a b --seed 3", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "do not apply to run folders"));
	free(err);
	/* a folder and a missing one: the missing one is named (the message
	 * was "a: not a regular file (a folder); expected a scenario file",
	 * blaming the folder that was right); a folder and a file likewise */
	ck_assert_int_eq(run("compare a nosuch -o cx", NULL, &err), 2);
	ck_assert_msg(strstr(err, "a is a run folder and nosuch is not (no such file or folder); expected two run folders or two scenario files") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(run("compare base.json a", NULL, &err), 2);
	ck_assert_msg(strstr(err, "a is a run folder and base.json is not (a file)") != NULL, "%s", err);
	free(err);
	ck_assert(!exists_in("cx", "."));
}
END_TEST

/* Issue 16: sweep --check checks every point and lists the points and
 * their tasks, running nothing and writing nothing; a bad point is the
 * exit-2 error a run would give. */
START_TEST(test_sweep_check)
{
	char *out, *err;

	ck_assert_int_eq(run("sweep sweep.json -o c --check", &out, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_msg(strstr(out, ": OK: 6 points x 3 replications = 18 tasks (fingerprint ") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\n  point 1 (fleet.bikes=10, agreement.type=\"isolated\"): tasks 0 to 2\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  point 6 (fleet.bikes=25, agreement.type=\"full\"): tasks 15 to 17\n"));
	ck_assert_ptr_nonnull(strstr(out, "\noutput folder: c\n"));
	free(out);
	free(err);
	ck_assert(!exists_in("c", "."));
	free(tu_write(dir, "bad.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"vary\": { \"fleet.bikes\": [10, 100000] } }\n"));
	ck_assert_int_eq(run("sweep bad.json -o c --check", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "point 2"));
	free(err);
	ck_assert(!exists_in("c", "."));
}
END_TEST

/* On a terminal the sweep shows tasks done / total; --quiet shows none. */
START_TEST(test_progress_on_tty)
{
	char cmd[4096], *out;

	if (tu_run("command -v script", NULL, NULL) != 0) {
		fprintf(stderr, "check_sweep_cli: no `script` (util-linux): progress not checked\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && script -qec \"'%s' sweep sweep.json -o p\" /dev/null",
		 dir, tu_abspath(tu_bssim()));
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(strstr(out, "/18 done") != NULL, "no progress in: %s", out);
	free(out);
	snprintf(cmd, sizeof(cmd), "cd '%s' && script -qec \"'%s' sweep sweep.json -o p -q\" /dev/null",
		 dir, tu_abspath(tu_bssim()));
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_null(strstr(out, "done"));
	free(out);
}
END_TEST

/* A sweep whose points share worlds (the seed feeds only the simulation),
 * the world key (fleet.bikes) varying fastest: 6 points, 2 worlds. */
static void write_shared(const char *name, int days)
{
	char text[600];

	snprintf(text, sizeof(text),
		 "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		 "  \"set\": { \"horizon.days\": %d },\n"
		 "  \"vary\": { \"seed\": [3, 4, 5], \"fleet.bikes\": [10, 20] } }\n",
		 days);
	free(tu_write(dir, name, text));
}

static long world_builds(const char *sub)
{
	char *j = file_in(sub, "sweep.json"), *at = strstr(j, "\"world_builds\": ");
	long n;

	ck_assert_ptr_nonnull(at);
	n = strtol(at + strlen("\"world_builds\": "), NULL, 10);
	free(j);
	return n;
}

/*
 * Shared worlds keep the bytes however the work is split: one thread,
 * two, shards merged, MPI ranks, an interrupted run resumed; each world
 * is built once by the threads (tasks grouped by world), and a point's
 * rows are those of `bssim run` of that point alone.
 */
START_TEST(test_shared_worlds_same_bytes)
{
	const char *mpi = getenv("BSSIM_MPI");
	char *a, *b, *out;
	pid_t pid;

	write_shared("shared.json", 3);
	ck_assert_int_eq(run("sweep shared.json -o j1 -q --jobs 1", NULL, NULL), 0);
	ck_assert_int_eq(world_builds("j1"), 2);
	ck_assert_int_eq(run("sweep shared.json -o j2 -q --jobs 2", NULL, NULL), 0);
	ck_assert_int_eq(world_builds("j2"), 2);
	same_results("j1", "j2");
	ck_assert_int_eq(run("sweep shared.json -o s1 -q --shard 1/2", NULL, NULL), 0);
	ck_assert_int_eq(run("sweep shared.json -o s2 -q --shard 2/2 --jobs 2", NULL, NULL), 0);
	ck_assert_int_eq(run("merge s2 s1 -o m -q", NULL, NULL), 0);
	same_results("j1", "m");
	if (mpi && *mpi) {
		char cmd[4096], *err = NULL;
		int st;
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "
			 "mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -np 2 '%s' sweep shared.json -o mp",
			 dir, tu_abspath(mpi));
		st = tu_run(cmd, NULL, &err);
		ck_assert_msg(st == 0, "mpirun: exit %d: %.600s", st, err ? err : "");
		free(err);
		same_results("j1", "mp");
	}
	/* point 4 (seed 4, 20 bikes) is what `bssim run` gives it */
	ck_assert_int_eq(run("run base.json -o p4 -q --replications 2 --set horizon.days=3 --set seed=4 --set fleet.bikes=20",
			     NULL, NULL), 0);
	a = file_in("p4", "replications.csv");
	b = file_in("j1", "sweep_replications.csv");
	{
		/* "4,4,20,REP,..." rows of the sweep are "REP,..." of the run */
		char *line = strchr(a, '\n') + 1, want[4096];
		size_t rows = 0;
		for (; *line; line = strchr(line, '\n') + 1) {
			size_t len = (size_t)(strchr(line, '\n') - line);
			snprintf(want, sizeof(want), "\n4,4,20,%.*s\n", (int)len, line);
			ck_assert_msg(strstr(b, want), "missing in the sweep: %s", want + 1);
			rows++;
		}
		ck_assert_uint_gt(rows, 0);
	}
	free(a);
	free(b);
	/* interrupted after 3 tasks, resumed: the same bytes */
	write_shared("shared_long.json", 400);
	ck_assert_int_eq(run("sweep shared_long.json -o lref -q --jobs 2", NULL, NULL), 0);
	{
		char o[1024], e[1200];
		snprintf(o, sizeof(o), "%s/lint", dir);
		snprintf(e, sizeof(e), "%s/lint.stderr", dir);
		pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "task-recorded:3", .err = e},
			       "sweep", "shared_long.json", "-o", o, "-q", "--jobs=2", NULL);
		tu_wait_stopped(pid);
	}
	ck_assert_int_eq(tu_signal_and_wait(pid, SIGINT), 1);
	ck_assert_int_eq(run("sweep shared_long.json -o lint --jobs 2", &out, NULL), 0);
	free(out);
	same_results("lref", "lint");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_cli");
	TCase *tc = tcase_create("sweep_cli");
	const char *mpi = getenv("BSSIM_MPI");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_contract);
	tcase_add_test(tc, test_same_bytes);
	tcase_add_test(tc, test_interrupt_resume);
	tcase_add_test(tc, test_interrupt_during_write);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_resume_by_default);
	tcase_add_test(tc, test_compare_run_folders);
	tcase_add_test(tc, test_sweep_check);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_progress_on_tty);
	tcase_add_test(tc, test_shared_worlds_same_bytes);
	tcase_add_test(tc, test_features_same_bytes);
	/* make check sets BSSIM_MPI when it could build build/bssim-mpi, and
	 * says so when it could not */
	if (mpi && *mpi)
		tcase_add_test(tc, test_mpi_same_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
