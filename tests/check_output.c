/*
 * check_output.c - all-or-nothing files and commits (a process killed in
 * the middle of one, its journal rolled forward), output folders (their
 * lock, kind and stale temporaries), targets that are not regular files,
 * CSV and JSON number formatting.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fmt.h"
#include "output/output.h"
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

static int hidden_files(const char *d)
{
	char cmd[600], *out;
	int n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -v '^\\.bssim$' | grep -c '^\\.' || true", d);
	tu_run(cmd, &out, NULL);
	n = atoi(out);
	free(out);
	return n;
}

START_TEST(test_staged_commit)
{
	struct bs_staged st;
	struct bs_error err;
	FILE *a, *b;
	char path[600], *text;

	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	a = bs_staged_open(&st, "a.csv", &err);
	b = bs_staged_open(&st, "b.csv", &err);
	fputs("x\n", a);
	fputs("y\n", b);
	ck_assert_int_eq(bs_staged_close(&st, a, "a.csv", &err), 0);
	ck_assert_int_eq(bs_staged_close(&st, b, "b.csv", &err), 0);
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	ck_assert(!tu_exists(path)); /* nothing visible before the commit */
	ck_assert_int_eq(bs_staged_commit(&st, &err), 0);
	bs_staged_release(&st);
	text = tu_slurp(path, NULL);
	ck_assert_str_eq(text, "x\n");
	free(text);
	ck_assert_int_eq(hidden_files(dir), 0);
}
END_TEST

/* Without a commit, the previous file stays and no temporary is left. */
START_TEST(test_staged_abort_keeps_old)
{
	struct bs_staged st;
	struct bs_error err;
	char *old = tu_write(dir, "a.csv", "old\n"), *text;
	FILE *a;

	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	a = bs_staged_open(&st, "a.csv", &err);
	fputs("half", a);
	ck_assert_int_eq(bs_staged_close(&st, a, "a.csv", &err), 0);
	bs_staged_release(&st); /* e.g. a later file failed */
	text = tu_slurp(old, NULL);
	ck_assert_str_eq(text, "old\n");
	ck_assert_int_eq(hidden_files(dir), 0);
	free(text);
	free(old);
}
END_TEST

/* A full disk is reported at the close, naming the file and the system's
 * reason, even though the failed write was long before and later ones
 * succeeded (BSSIM_TEST_FAIL_WRITE fails only the N-th; each test runs in
 * a process of its own, which reads the variable at its first write). */
START_TEST(test_close_reports_full_disk)
{
	struct bs_staged st;
	struct bs_error err;
	FILE *fp;
	int i;

	setenv("BSSIM_TEST_FAIL_WRITE", "1", 1);
	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	fp = bs_staged_open(&st, "stations.csv", &err);
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < 20000; i++) /* 200 kB: several writes */
		fputs("0123456789", fp);
	ck_assert_int_eq(bs_staged_close(&st, fp, "stations.csv", &err), BS_E_IO);
	ck_assert_ptr_nonnull(strstr(err.file, "stations.csv"));
	ck_assert_str_eq(err.text, "cannot write: No space left on device; the previous results are left as they were");
	bs_staged_release(&st);
	ck_assert_int_eq(tu_temporaries(dir), 0);
}
END_TEST

static char *sub(const char *name)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return strdup(p);
}

/* One writer per folder: a second claim (or a single-file writer into
 * it) is refused at once while the first holds it. */
START_TEST(test_folder_lock)
{
	struct bs_outdir a, b;
	struct bs_error err;
	char *d = sub("out");

	ck_assert_int_eq(bs_outdir_open(&a, d, BS_KIND_RUN, 0, &err), 0);
	ck_assert_int_eq(bs_outdir_open(&b, d, BS_KIND_RUN, 0, &err), BS_E_IO);
	ck_assert_str_eq(err.text, "another bssim is writing to this folder; wait for it or choose another output folder");
	ck_assert_str_eq(err.file, d);
	bs_outdir_close(&b);
	ck_assert_int_eq(bs_outdir_join(&b, d, &err), BS_E_IO);
	bs_outdir_close(&b);
	bs_outdir_close(&a);
	ck_assert_int_eq(bs_outdir_open(&b, d, BS_KIND_RUN, 0, &err), 0);
	bs_outdir_close(&b);
	free(d);
}
END_TEST

/* The marker names what wrote the folder; another kind is refused unless
 * forced. A marker of an earlier bssim (no kind) is read from the files. */
START_TEST(test_folder_kinds)
{
	struct bs_outdir od;
	struct bs_error err;
	char *d = sub("k"), *m, *t;

	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_SWEEP, 0, &err), 0);
	bs_outdir_close(&od);
	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_RUN, 0, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "holds a sweep's results (bssim sweep or merge); expected a new or empty folder, or a run's folder: choose another -o, or pass --force to write there anyway");
	bs_outdir_close(&od);
	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_RUN, 1, &err), 0);
	bs_outdir_close(&od);
	m = sub("k/.bssim");
	t = tu_slurp(m, NULL);
	ck_assert_ptr_nonnull(strstr(t, "\nkind: run\n"));
	free(t);
	/* an earlier bssim's marker, beside a sweep's log */
	free(tu_write(d, ".bssim", "This folder holds bssim's results.\n"));
	free(tu_write(d, "sweep_tasks.jsonl", "{}\n"));
	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_RUN, 0, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "holds a sweep's results"));
	bs_outdir_close(&od);
	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_SWEEP, 0, &err), 0);
	bs_outdir_close(&od);
	free(m);
	free(d);
}
END_TEST

/* Write "new" to a, b and c and remove d as one commit, in a child that
 * stops at the commit's second rename. */
static pid_t commit_in_child(const char *d, const char *stop_at)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct bs_staged st;
		struct bs_error err;
		const char *names[] = {"a", "b", "c"};
		int i;
		setenv("BSSIM_TEST_STOP_AT", stop_at, 1);
		if (bs_staged_init(&st, d, &err))
			_exit(3);
		for (i = 0; i < 3; i++) {
			FILE *fp = bs_staged_open(&st, names[i], &err);
			if (!fp)
				_exit(4);
			fputs("new\n", fp);
			if (bs_staged_close(&st, fp, names[i], &err))
				_exit(5);
		}
		if (bs_staged_remove(&st, "d", &err) || bs_staged_commit(&st, &err))
			_exit(6);
		_exit(0);
	}
	return pid;
}

/* The child of commit_in_child, once stopped at its point, killed. */
static void kill_when_stopped(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
	ck_assert(WIFSTOPPED(st));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static void expect_file(const char *d, const char *name, const char *text)
{
	char p[700], *t;

	snprintf(p, sizeof(p), "%s/%s", d, name);
	t = tu_slurp(p, NULL);
	if (!text) {
		ck_assert_msg(t == NULL, "%s exists", p);
		return;
	}
	ck_assert_msg(t != NULL, "%s missing", p);
	ck_assert_msg(strcmp(t, text) == 0, "%s: '%s', expected '%s'", p, t, text);
	free(t);
}

/* A process killed between two renames of a commit leaves the journal;
 * a reader settles the folder: the whole new set, the removal done, no
 * temporary left. Killed before the journal, the old set stays whole and
 * the next writer removes the dead process's temporaries. */
START_TEST(test_commit_killed)
{
	const char *names[] = {"a", "b", "c", "d"};
	struct bs_outdir od;
	struct bs_error err;
	char p[700];
	pid_t pid;
	int i;

	for (i = 0; i < 4; i++)
		free(tu_write(dir, names[i], "old\n"));
	pid = commit_in_child(dir, "commit-rename:1");
	kill_when_stopped(pid);
	/* mixed, as the kill left it */
	expect_file(dir, "a", "new\n");
	expect_file(dir, "b", "old\n");
	snprintf(p, sizeof(p), "%s/%s", dir, BS_OUTDIR_JOURNAL);
	ck_assert(tu_exists(p));
	bs_outdir_settle(dir);
	for (i = 0; i < 3; i++)
		expect_file(dir, names[i], "new\n");
	expect_file(dir, "d", NULL);
	ck_assert(!tu_exists(p));
	ck_assert_int_eq(tu_temporaries(dir), 0);

	/* killed with every temporary written, before the journal */
	for (i = 0; i < 4; i++)
		free(tu_write(dir, names[i], "old\n"));
	pid = commit_in_child(dir, "temps-written");
	kill_when_stopped(pid);
	ck_assert_int_eq(tu_temporaries(dir), 3);
	bs_outdir_settle(dir); /* no journal: a reader changes nothing */
	ck_assert_int_eq(tu_temporaries(dir), 3);
	for (i = 0; i < 4; i++)
		expect_file(dir, names[i], "old\n");
	ck_assert_int_eq(bs_outdir_open(&od, dir, BS_KIND_RUN, 1, &err), 0);
	bs_outdir_close(&od);
	ck_assert_int_eq(tu_temporaries(dir), 0);
	for (i = 0; i < 4; i++)
		expect_file(dir, names[i], "old\n");
}
END_TEST

/* A journal that names anything but plain names in the folder (and
 * bssim's temporaries) is refused whole: nothing is renamed. */
START_TEST(test_journal_checked)
{
	struct bs_outdir od;
	struct bs_error err;
	char *d = sub("j"), *outside = sub("victim");

	ck_assert_int_eq(mkdir(d, 0777), 0);
	free(tu_write(dir, "victim", "mine\n"));
	free(tu_write(d, ".bssim", "marker\n"));
	free(tu_write(d, ".x.tmp.1", "new\n"));
	free(tu_write(d, BS_OUTDIR_JOURNAL,
		      "bssim-commit 1\nR\t.x.tmp.1\tx\nD\t../victim\nend\n"));
	ck_assert_int_eq(bs_outdir_open(&od, d, BS_KIND_RUN, 0, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.file, BS_OUTDIR_JOURNAL));
	ck_assert_int_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.text, "not a commit journal bssim wrote"));
	bs_outdir_close(&od);
	expect_file(dir, "victim", "mine\n");
	expect_file(d, "x", NULL);
	free(d);
	free(outside);
}
END_TEST

/* Temporaries of dead processes go when a writer claims the folder;
 * files that only look alike stay. */
START_TEST(test_stale_temporaries)
{
	struct bs_outdir od;
	struct bs_error err;

	free(tu_write(dir, ".bssim", "marker\n"));
	free(tu_write(dir, ".summary.json.tmp.4242", "x"));         /* older bssim */
	free(tu_write(dir, ".trips.3.tmp.0123456789ab", "x"));      /* this one */
	free(tu_write(dir, "notes.tmp.txt", "mine"));
	free(tu_write(dir, ".notes.tmp.my-draft", "mine"));
	ck_assert_int_eq(bs_outdir_open(&od, dir, BS_KIND_RUN, 0, &err), 0);
	bs_outdir_close(&od);
	expect_file(dir, ".summary.json.tmp.4242", NULL);
	expect_file(dir, ".trips.3.tmp.0123456789ab", NULL);
	expect_file(dir, "notes.tmp.txt", "mine");
	expect_file(dir, ".notes.tmp.my-draft", "mine");
}
END_TEST

/* What is not a regular file is never replaced: the commit refuses it,
 * the link and its target stay, no temporary is left. A link planted
 * under the name an earlier bssim gave its temporaries is not followed. */
START_TEST(test_nonregular_and_planted)
{
	struct bs_staged st;
	struct bs_error err;
	char *victim = tu_write(dir, "victim", "mine\n"), link[700];
	FILE *fp;

	snprintf(link, sizeof(link), "%s/a.csv", dir);
	ck_assert_int_eq(symlink(victim, link), 0);
	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	fp = bs_staged_open(&st, "a.csv", &err);
	fputs("new\n", fp);
	ck_assert_int_eq(bs_staged_close(&st, fp, "a.csv", &err), 0);
	ck_assert_int_eq(bs_staged_commit(&st, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "is a symbolic link, not a regular file; bssim replaces only regular files: remove it or choose another output");
	bs_staged_release(&st);
	expect_file(dir, "victim", "mine\n");
	ck_assert_int_eq(tu_temporaries(dir), 0);
	ck_assert_int_eq(unlink(link), 0);
	/* the old, predictable name of a temporary, planted */
	snprintf(link, sizeof(link), "%s/.b.csv.tmp.%ld", dir, (long)getpid());
	ck_assert_int_eq(symlink(victim, link), 0);
	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	fp = bs_staged_open(&st, "b.csv", &err);
	fputs("new\n", fp);
	ck_assert_int_eq(bs_staged_close(&st, fp, "b.csv", &err), 0);
	ck_assert_int_eq(bs_staged_commit(&st, &err), 0);
	bs_staged_release(&st);
	expect_file(dir, "victim", "mine\n");
	expect_file(dir, "b.csv", "new\n");
	free(victim);
}
END_TEST

START_TEST(test_unwritable_folder)
{
	struct bs_staged st;
	struct bs_error err;

	ck_assert_int_eq(bs_staged_init(&st, "/dev/null/out", &err), BS_E_IO);
	ck_assert_ptr_nonnull(strstr(err.text, "cannot create"));
	bs_staged_release(&st);
}
END_TEST

START_TEST(test_csv_and_json_numbers)
{
	char buf[256];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");
	json_t *j;

	bs_csv_put(fp, "plain");
	fputc('|', fp);
	bs_csv_put(fp, "a,b");
	fputc('|', fp);
	bs_csv_put(fp, "say \"x\"");
	fputc('|', fp);
	bs_csv_num(fp, NAN);
	fputc('|', fp);
	bs_csv_num(fp, -0.0);
	fputc('|', fp);
	bs_csv_num(fp, 0.1);
	fputc('|', fp);
	bs_csv_num(fp, 12345678901.0);
	fclose(fp);
	ck_assert_str_eq(buf, "plain|\"a,b\"|\"say \"\"x\"\"\"|NaN|0|0.1|12345678901");
	j = bs_json_num(NAN);
	ck_assert(json_is_null(j));
	json_decref(j);
	j = bs_json_num(2.5);
	ck_assert(json_real_value(j) == 2.5);
	json_decref(j);
}
END_TEST

/* ---- days.csv, long runs, output.gzip ------------------------------------ */

/* The small run of these tests: six ports, batteries (low-battery bikes
 * count), `extra` keys appended to the scenario; into dir/NAME. */
static void small_run(const char *name, const char *extra)
{
	char json[2048], *sc, *out, *err;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"days\", \"seed\": 7, \"replications\": 3,"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 3},"
		 " \"trip\": {\"duration\": {\"dist\": \"exponential\", \"mean_min\": 20}},"
		 " \"battery\": {\"enabled\": true}%s}",
		 tu_abspath(tu_fixture("six.csv")), extra);
	sc = tu_write(dir, "days.json", json);
	ck_assert_msg(tu_cli(NULL, &out, &err, "run %s -o %s/%s -q", sc, dir, name) == 0,
		      "%s", err);
	free(out);
	free(err);
	free(sc);
}

/* Field k of a CSV line without quotes (the fixture's wards have none). */
static double field(const char *line, int k, char *word, size_t sz)
{
	const char *p = line;
	size_t n;

	while (k-- > 0 && (p = strchr(p, ',')))
		p++;
	ck_assert_ptr_nonnull(p);
	n = strcspn(p, ",\n");
	if (word)
		snprintf(word, sz, "%.*s", (int)n, p);
	return strtod(p, NULL);
}

static int column(const char *header, const char *name)
{
	char w[64];
	int k;

	for (k = 0; k < 40; k++) {
		field(header, k, w, sizeof(w));
		if (!strcmp(w, name))
			return k;
	}
	ck_abort_msg("no column %s", name);
	return -1;
}

/* replications.csv's value of (rep, ward, metric). */
static double rep_value(const char *reps, unsigned rep, const char *ward,
			const char *metric)
{
	char key[200];
	const char *p;

	snprintf(key, sizeof(key), "\n%u,%s,%s,", rep, ward, metric);
	ck_assert_msg((p = strstr(reps, key)) != NULL, "no %s", key);
	return strtod(p + strlen(key), NULL);
}

static void near(double a, double b, const char *what)
{
	/* the files keep 12 significant digits, and a day's sum is a
	 * difference of cumulative sums: 1e-9 relative is rounding only */
	ck_assert_msg(fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b)),
		      "%s: days give %.15g, replications.csv %.15g", what, a, b);
}

/*
 * days.csv against replications.csv, exactly (up to rounding): with n_d
 * a day's measured minutes and m_d its metric, a count per day or a time
 * average of the run is sum n_d m_d / sum n_d; service and reach levels
 * are ratios of sums: sum c_d / sum q_d with c_d = completed (reached)
 * and q_d = requested trips of day d (m_d n_d / 1440 each). The window
 * starts and ends at noon (warm-up 0.5, horizon 4.5 days): the first and
 * last days have 720 minutes, three whole days between.
 */
START_TEST(test_days_agree_with_replications)
{
	static const char *const MEANS[] = {
		"trips_requested", "trips_completed", "lost_no_bike",
		"full_diversions", "cross_ward_trips", "empty_station_frac",
		"full_station_frac", "bikes_in_use_mean", "bikes_docked_mean",
		"bikes_low_battery_mean", "battery_swaps", "revenue_yen"};
	static const char *const WARDS[] = {"Alpha", "Beta", "Gamma", "all"};
	enum { NMEAN = sizeof(MEANS) / sizeof(MEANS[0]) };
	char path[600], word[64], *days, *reps, *line;
	int cm[NMEAN], cmin, creq, ccomp, creach, cday, crep, cward;
	size_t r, w, m, rows = 0;

	small_run("d", ", \"horizon\": {\"days\": 4.5, \"warmup_days\": 0.5},"
		       " \"output\": {\"days\": true}");
	snprintf(path, sizeof(path), "%s/d/days.csv", dir);
	days = tu_slurp(path, NULL);
	snprintf(path, sizeof(path), "%s/d/replications.csv", dir);
	reps = tu_slurp(path, NULL);
	ck_assert_ptr_nonnull(days);
	ck_assert_ptr_nonnull(reps);
	crep = column(days, "replication");
	cday = column(days, "day");
	cward = column(days, "ward");
	cmin = column(days, "minutes");
	creq = column(days, "trips_requested");
	ccomp = column(days, "trips_completed");
	creach = column(days, "trips_reached");
	for (m = 0; m < NMEAN; m++)
		cm[m] = column(days, MEANS[m]);
	for (r = 1; r <= 3; r++)
		for (w = 0; w < 4; w++) {
			double n = 0.0, q = 0.0, c = 0.0, rc = 0.0, sum[NMEAN] = {0};
			int nd = 0;
			for (line = strchr(days, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
				const char *l = line + 1;
				double mins;
				field(l, cward, word, sizeof(word));
				if ((unsigned)field(l, crep, NULL, 0) != r || strcmp(word, WARDS[w]))
					continue;
				mins = field(l, cmin, NULL, 0);
				/* days 0 to 4: noon to midnight, three whole, midnight to noon */
				ck_assert_double_eq(field(l, cday, NULL, 0), nd);
				ck_assert_double_eq(mins, nd == 0 || nd == 4 ? 720.0 : 1440.0);
				n += mins;
				q += field(l, creq, NULL, 0) * mins / 1440.0;
				c += field(l, ccomp, NULL, 0) * mins / 1440.0;
				rc += field(l, creach, NULL, 0) * mins / 1440.0;
				for (m = 0; m < NMEAN; m++)
					sum[m] += field(l, cm[m], NULL, 0) * mins;
				nd++;
				rows++;
			}
			ck_assert_int_eq(nd, 5);
			ck_assert_double_eq(n, 4.0 * 1440.0);
			for (m = 0; m < NMEAN; m++)
				near(sum[m] / n, rep_value(reps, (unsigned)r, WARDS[w], MEANS[m]),
				     MEANS[m]);
			near(c / q, rep_value(reps, (unsigned)r, WARDS[w], "service_level"),
			     "service_level");
			near(rc / q, rep_value(reps, (unsigned)r, WARDS[w], "reach_level"),
			     "reach_level");
		}
	ck_assert_uint_eq(rows, 3 * 5 * 4);
	/* the test can fail: low-battery bikes and trips are there */
	ck_assert(rep_value(reps, 1, "all", "bikes_low_battery_mean") > 0.0);
	ck_assert(rep_value(reps, 1, "all", "trips_completed") > 100.0);
	free(days);
	free(reps);
}
END_TEST

/*
 * The split itself (a sum over days only checks that the days telescope):
 * with no demand nothing moves, so every day's time shares and means are
 * the run's (no swap crews either), whatever part of a day it covers; a cut that lost the piece
 * since a port's last change, or counted it twice, would show here.
 */
START_TEST(test_days_split_still_network)
{
	static const char *const M[] = {"empty_station_frac", "full_station_frac",
					"bikes_docked_mean",
					"bikes_low_battery_mean"};
	char json[2048], path[600], word[64], *sc, *out, *err, *days, *reps, *line;
	size_t m, rows = 0;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 3, \"replications\": 2,"
		 " \"horizon\": {\"days\": 3.25, \"warmup_days\": 0.5},"
		 " \"network\": {\"stations\": \"%s\"},"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 0},"
		 " \"battery\": {\"enabled\": true, \"initial_min\": 0, \"min_rentable\": 0.5, \"crews_per_ward\": 0}, \"fleet\": {\"bikes\": 5}, \"output\": {\"days\": true}}",
		 tu_abspath(tu_fixture("six.csv")));
	sc = tu_write(dir, "still.json", json);
	ck_assert_msg(tu_cli(NULL, &out, &err, "run %s -o %s/s -q", sc, dir) == 0, "%s", err);
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/s/days.csv", dir);
	ck_assert_ptr_nonnull(days = tu_slurp(path, NULL));
	snprintf(path, sizeof(path), "%s/s/replications.csv", dir);
	ck_assert_ptr_nonnull(reps = tu_slurp(path, NULL));
	for (line = strchr(days, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		const char *l = line + 1;
		unsigned r = (unsigned)field(l, column(days, "replication"), NULL, 0);
		field(l, column(days, "ward"), word, sizeof(word));
		for (m = 0; m < sizeof(M) / sizeof(M[0]); m++)
			near(field(l, column(days, M[m]), NULL, 0),
			     rep_value(reps, r, word, M[m]), M[m]);
		rows++;
	}
	ck_assert_uint_eq(rows, 2 * 4 * 4); /* days 0-3 of 2 replications, 3 wards and all */
	/* the check can fail: some ports empty, some bikes too low */
	ck_assert(rep_value(reps, 1, "all", "empty_station_frac") > 0.0);
	ck_assert(rep_value(reps, 1, "all", "bikes_low_battery_mean") > 0.0);
	free(days);
	free(reps);
	free(sc);
}
END_TEST

/* Replication numbers present in a timeseries.csv (bit r-1 set). */
static unsigned ts_reps_of(const char *d)
{
	char path[600], *ts, *line;
	unsigned mask = 0;

	snprintf(path, sizeof(path), "%s/timeseries.csv", d);
	ck_assert_ptr_nonnull(ts = tu_slurp(path, NULL));
	for (line = strchr(ts, '\n'); line && line[1]; line = strchr(line + 1, '\n'))
		mask |= 1u << (atoi(line + 1) - 1);
	free(ts);
	return mask;
}

/*
 * The long-run rule (BS_LONG_RUN_DAYS = 31): up to 31 days no days.csv
 * and every replication's series, as before; beyond, days.csv and the
 * first replication's series unless the scenario says otherwise.
 */
START_TEST(test_long_run_defaults)
{
	char d[600];

	small_run("m31", ", \"horizon\": {\"days\": 31}");
	snprintf(d, sizeof(d), "%s/m31", dir);
	ck_assert(!tu_exists(tu_path(d, "days.csv")));
	ck_assert_uint_eq(ts_reps_of(d), 7u);
	small_run("m32", ", \"horizon\": {\"days\": 32}");
	snprintf(d, sizeof(d), "%s/m32", dir);
	ck_assert(tu_exists(tu_path(d, "days.csv")));
	ck_assert_uint_eq(ts_reps_of(d), 1u);
	small_run("m32b", ", \"horizon\": {\"days\": 32}, \"output\": {\"days\": false,"
			  " \"timeseries_replications\": 0}");
	snprintf(d, sizeof(d), "%s/m32b", dir);
	ck_assert(!tu_exists(tu_path(d, "days.csv")));
	ck_assert_uint_eq(ts_reps_of(d), 7u);
	small_run("m2", ", \"horizon\": {\"days\": 2}, \"output\": {\"timeseries_replications\": 2}");
	snprintf(d, sizeof(d), "%s/m2", dir);
	ck_assert_uint_eq(ts_reps_of(d), 3u);
	tu_paths_free();
}
END_TEST

/* gunzip -c of path into a new string */
static char *gunzip(const char *path)
{
	char cmd[700], *out;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	return out;
}

/*
 * output.gzip: every CSV as NAME.csv.gz holding the very bytes of the
 * plain run's NAME.csv, no plain CSV beside them; bssim's readers take
 * the folder as before; a plain run into the folder removes the .gz.
 */
START_TEST(test_gzip_outputs)
{
	static const char *const CSV[] = {"replications.csv", "stations.csv",
					  "timeseries.csv", "flows.csv",
					  "days.csv", "trips.csv"};
	const char *keys = ", \"horizon\": {\"days\": 3}, \"output\": {\"days\": true, \"trips\": true";
	char extra[300], p[600], g[600], *a, *b, *out, *err, *out2;
	size_t i;

	snprintf(extra, sizeof(extra), "%s}", keys);
	small_run("plain", extra);
	snprintf(extra, sizeof(extra), "%s, \"gzip\": true}", keys);
	small_run("gz", extra);
	for (i = 0; i < sizeof(CSV) / sizeof(CSV[0]); i++) {
		snprintf(p, sizeof(p), "%s/plain/%s", dir, CSV[i]);
		snprintf(g, sizeof(g), "%s/gz/%s.gz", dir, CSV[i]);
		ck_assert_ptr_nonnull(a = tu_slurp(p, NULL));
		b = gunzip(g);
		ck_assert_msg(strcmp(a, b) == 0, "%s differs from %s", g, p);
		free(a);
		free(b);
		snprintf(p, sizeof(p), "%s/gz/%s", dir, CSV[i]);
		ck_assert_msg(!tu_exists(p), "%s beside its .gz", p);
	}
	/* readers: plotdata and compare of finished folders */
	ck_assert_int_eq(tu_cli(NULL, &out, &err, "plotdata timeofday %s/gz empty_stations", dir), 0);
	free(err);
	ck_assert_int_eq(tu_cli(NULL, &out2, &err, "plotdata timeofday %s/plain empty_stations", dir), 0);
	ck_assert_str_eq(out, out2);
	free(out);
	free(out2);
	free(err);
	ck_assert_int_eq(tu_cli(NULL, &out, &err, "plotdata days %s/gz", dir), 0);
	ck_assert_uint_eq(tu_lines(out), 4); /* a header and three days */
	free(out);
	free(err);
	ck_assert_int_eq(tu_cli(NULL, &out, &err, "compare %s/plain %s/gz", dir, dir), 0);
	ck_assert_ptr_nonnull(strstr(out, "3 paired replications"));
	free(out);
	free(err);
	/* back to plain in the same folder: the .gz files go */
	snprintf(extra, sizeof(extra), "%s}", keys);
	small_run("gz", extra);
	for (i = 0; i < sizeof(CSV) / sizeof(CSV[0]); i++) {
		snprintf(g, sizeof(g), "%s/gz/%s.gz", dir, CSV[i]);
		ck_assert_msg(!tu_exists(g), "%s left beside a plain run", g);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_staged_commit);
	tcase_add_test(tc, test_staged_abort_keeps_old);
	tcase_add_test(tc, test_close_reports_full_disk);
	tcase_add_test(tc, test_folder_lock);
	tcase_add_test(tc, test_folder_kinds);
	tcase_add_test(tc, test_commit_killed);
	tcase_add_test(tc, test_journal_checked);
	tcase_add_test(tc, test_stale_temporaries);
	tcase_add_test(tc, test_nonregular_and_planted);
	tcase_add_test(tc, test_unwritable_folder);
	tcase_add_test(tc, test_csv_and_json_numbers);
	tcase_add_test(tc, test_days_agree_with_replications);
	tcase_add_test(tc, test_days_split_still_network);
	tcase_add_test(tc, test_long_run_defaults);
	tcase_add_test(tc, test_gzip_outputs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
