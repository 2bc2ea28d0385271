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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
