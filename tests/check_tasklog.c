/*
 * check_tasklog.c - task records read back bit for bit; the log: fresh
 * and resumed opening, a torn last line cut off, another sweep's log
 * refused, a log that is not a regular file refused; the index over several logs: duplicates,
 * conflicts, damaged lines, and the joined log in task order; the cost
 * of reading logs of 10,000 and 20,000 tasks, counted: each line once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exp/tasklog.h"
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

/* A record of task t (point t/3 + 1, rep t%3 + 1) with awkward numbers. */
static void make_rec(struct bs_task_rec *r, uint64_t t, size_t W)
{
	size_t i;

	ck_assert_int_eq(bs_task_rec_init(r, W), 0);
	r->task = t;
	r->point = (uint32_t)(t / 3 + 1);
	r->rep = (uint32_t)(t % 3 + 1);
	for (i = 0; i < (W + 1) * BS_METRIC_N; i++)
		r->m[i] = (double)t + 1.0 / (double)(i + 3) + 1e-300 * (double)i;
	r->m[1] = (double)NAN;
	r->m[2] = 0.1 + 0.2;
	r->m[3] = 1e308;
	r->m[4] = -5e-324;
	for (i = 0; i < W * W; i++) {
		r->flows[i] = (double)i / 7.0;
		r->settle[i] = -(double)(i + 1) * 165.0 / 11.0;
	}
}

static char *encode(uint64_t t)
{
	struct bs_task_rec r;
	char *s;

	make_rec(&r, t, 3);
	s = bs_task_rec_encode(&r);
	bs_task_rec_release(&r);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_roundtrip_exact)
{
	struct bs_task_rec a, b;
	char *line, why[256];
	size_t i;

	make_rec(&a, 7, 3);
	line = bs_task_rec_encode(&a);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(line[strlen(line) - 1], '\n');
	ck_assert_uint_eq(tu_lines(line), 1); /* one line, whatever the values */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(bs_task_rec_decode(line, strlen(line) - 1, &b, why,
					    sizeof(why)), 0);
	ck_assert_uint_eq(b.task, 7);
	ck_assert_uint_eq(b.point, 3);
	ck_assert_uint_eq(b.rep, 2);
	ck_assert_uint_eq(b.nwards, 3);
	ck_assert(isnan(b.m[1]));
	for (i = 0; i < 4 * BS_METRIC_N; i++)
		if (i != 1)
			ck_assert_msg(memcmp(&a.m[i], &b.m[i], sizeof(double)) == 0 ||
				      (a.m[i] == 0.0 && b.m[i] == 0.0),
				      "value %zu: %.17g read back as %.17g", i,
				      a.m[i], b.m[i]);
	ck_assert_int_eq(memcmp(a.flows, b.flows, 9 * sizeof(double)), 0);
	ck_assert_int_eq(memcmp(a.settle, b.settle, 9 * sizeof(double)), 0);
	bs_task_rec_release(&a);
	bs_task_rec_release(&b);
	free(line);
}
END_TEST

START_TEST(test_decode_rejects)
{
	struct bs_task_rec r;
	char why[256];
	const char *bad[] = {
		"{\"task\":1",
		"[1,2]",
		"{\"task\":1,\"point\":0,\"rep\":1,\"m\":[],\"flows\":[],\"settle\":[]}",
		"{\"task\":1,\"point\":1,\"rep\":1,\"m\":[1,2,3],\"flows\":[],\"settle\":[]}",
		"{\"task\":-1,\"point\":1,\"rep\":1,\"m\":[],\"flows\":[],\"settle\":[]}",
	};
	size_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_int_eq(bs_task_rec_decode(bad[i], strlen(bad[i]), &r,
						    why, sizeof(why)),
				 BS_E_INPUT);
		ck_assert_msg(why[0] != '\0', "no reason for %s", bad[i]);
	}
}
END_TEST

static void append(struct bs_tasklog *lg, uint64_t t)
{
	struct bs_error err;
	char *s = encode(t);

	ck_assert_int_eq(bs_tasklog_append(lg, s, &err), 0);
	free(s);
}

static void append_raw(const char *d, const char *text)
{
	char p[600];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", d, BS_TASKLOG_NAME);
	fp = fopen(p, "ab");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(test_log_resume)
{
	uint8_t done[12];
	uint64_t n = 99, disc = 99;
	struct bs_error err;
	struct bs_tasklog *lg;
	int i;

	memset(done, 0, sizeof(done));
	lg = bs_tasklog_open(dir, "00000000000000aa", 12, 0, done, &n, &disc,
			     &err);
	ck_assert_msg(lg != NULL, "%s", err.text);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(disc, 0);
	append(lg, 4);
	append(lg, 0);
	append(lg, 11);
	/* (one writer at a time is the folder's lock: check_output.c) */
	bs_tasklog_close(lg);
	/* a crash in the middle of a write */
	append_raw(dir, "{\"task\":5,\"point\":2,\"re");
	lg = bs_tasklog_open(dir, "00000000000000aa", 12, 1, done, &n, NULL,
			     &err);
	ck_assert_msg(lg != NULL, "%s", err.text);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < 12; i++)
		ck_assert_int_eq(done[i], i == 0 || i == 4 || i == 11);
	append(lg, 5);
	bs_tasklog_close(lg);
	/* the torn line was cut: the log reads back whole */
	memset(done, 0, sizeof(done));
	lg = bs_tasklog_open(dir, "00000000000000aa", 12, 1, done, &n, NULL,
			     &err);
	ck_assert_msg(lg != NULL, "%s", err.text);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(done[5], 1);
	bs_tasklog_close(lg);
	/* another sweep's log is refused on resume, untouched */
	ck_assert_ptr_null(bs_tasklog_open(dir, "00000000000000bb", 12, 1, done,
					   &n, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "different sweep"));
	/* a fresh start empties it, counting what it throws away */
	lg = bs_tasklog_open(dir, "00000000000000aa", 12, 0, done, &n, &disc,
			     &err);
	ck_assert_ptr_nonnull(lg);
	ck_assert_uint_eq(disc, 4);
	bs_tasklog_close(lg);
	lg = bs_tasklog_open(dir, "00000000000000aa", 12, 1, done, &n, NULL,
			     &err);
	ck_assert_uint_eq(n, 0);
	bs_tasklog_close(lg);
}
END_TEST

/* A log that is not a regular file is refused, never written through:
 * neither a link to someone's file nor a FIFO. */
START_TEST(test_log_not_regular)
{
	uint8_t done[12] = {0};
	uint64_t n;
	struct bs_error err;
	char *victim = tu_write(dir, "victim", "mine\n"), p[600], *t;

	snprintf(p, sizeof(p), "%s/%s", dir, BS_TASKLOG_NAME);
	ck_assert_int_eq(symlink(victim, p), 0);
	ck_assert_ptr_null(bs_tasklog_open(dir, "00000000000000aa", 12, 0, done,
					   &n, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "is a symbolic link, not a regular file"));
	t = tu_slurp(victim, NULL);
	ck_assert_str_eq(t, "mine\n");
	free(t);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkfifo(p, 0666), 0);
	ck_assert_ptr_null(bs_tasklog_open(dir, "00000000000000aa", 12, 0, done,
					   &n, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "is a FIFO"));
	free(victim);
}
END_TEST

START_TEST(test_damaged_line)
{
	uint8_t done[12] = {0};
	uint64_t n;
	struct bs_error err;
	struct bs_tasklog *lg = bs_tasklog_open(dir, "00000000000000aa", 12, 0,
						done, &n, NULL, &err);

	ck_assert_ptr_nonnull(lg);
	append(lg, 1);
	bs_tasklog_close(lg);
	append_raw(dir, "{\"task\": oops}\n");
	ck_assert_ptr_null(bs_tasklog_open(dir, "00000000000000aa", 12, 1, done,
					   &n, NULL, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_int_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.text, "damaged task record"));
}
END_TEST

static char *subdir(const char *name)
{
	char *p = malloc(600);

	snprintf(p, 600, "%s/%s", dir, name);
	return p;
}

static void make_log(const char *d, const char *fp, const uint64_t *tasks,
		     size_t n)
{
	uint8_t done[12] = {0};
	uint64_t k;
	struct bs_error err;
	struct bs_tasklog *lg = bs_tasklog_open(d, fp, 12, 0, done, &k, NULL,
						&err);
	size_t i;

	ck_assert_msg(lg != NULL, "%s", err.text);
	for (i = 0; i < n; i++)
		append(lg, tasks[i]);
	bs_tasklog_close(lg);
}

START_TEST(test_index)
{
	char *a = subdir("a"), *b = subdir("b"), *c = subdir("c"), *j;
	const uint64_t ta[] = {9, 0, 3, 6}, tb[] = {1, 4, 7, 10, 3};
	struct bs_taskindex *ix;
	struct bs_task_rec r;
	struct bs_error err;
	FILE *fp;
	char path[700];
	size_t len;
	uint64_t t;

	make_log(a, "00000000000000aa", ta, 4);
	make_log(b, "00000000000000aa", tb, 5); /* task 3 in both: same */
	make_log(c, "00000000000000cc", ta, 1);
	ix = bs_taskindex_new(12, "00000000000000aa");
	ck_assert_int_eq(bs_taskindex_add(ix, a, NULL, &err), 0);
	ck_assert_int_eq(bs_taskindex_add(ix, b, NULL, &err), 0);
	ck_assert_uint_eq(bs_taskindex_count(ix), 8);
	ck_assert(bs_taskindex_has(ix, 10) && !bs_taskindex_has(ix, 2));
	ck_assert_int_eq(bs_taskindex_add(ix, c, "; expected one sweep", &err),
			 BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "; expected one sweep"));
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(bs_taskindex_read(ix, 7, &r, &err), 0);
	ck_assert_uint_eq(r.task, 7);
	ck_assert_uint_eq(r.point, 3);
	ck_assert_uint_eq(r.rep, 2);
	bs_task_rec_release(&r);
	ck_assert_int_eq(bs_taskindex_read(ix, 2, &r, &err), BS_E_INPUT);
	/* the joined log: header, then tasks in order */
	j = subdir("joined");
	snprintf(path, sizeof(path), "%s.jsonl", j);
	fp = fopen(path, "wb");
	ck_assert_int_eq(bs_taskindex_copy(ix, fp, &err), 0);
	fclose(fp);
	{
		char *text = tu_slurp(path, &len), *line;
		uint64_t prev = 0;
		int first = 1;
		ck_assert_uint_eq(tu_lines(text), 9);
		ck_assert_ptr_nonnull(strstr(text, "\"fingerprint\":\"00000000000000aa\""));
		for (line = strchr(text, '\n') + 1; *line;
		     line = strchr(line, '\n') + 1) {
			t = strtoull(line + strlen("{\"task\":"), NULL, 10);
			ck_assert(first || t > prev);
			prev = t;
			first = 0;
		}
		free(text);
	}
	bs_taskindex_free(ix);
	/* a task recorded twice with different values is refused */
	ix = bs_taskindex_new(12, "00000000000000aa");
	ck_assert_int_eq(bs_taskindex_add(ix, a, NULL, &err), 0);
	append_raw(b, "{\"task\":0,\"point\":1,\"rep\":1,\"m\":[");
	{
		/* complete that line with other numbers */
		char tail[8192];
		size_t i, o = 0;
		for (i = 0; i < 4 * BS_METRIC_N; i++)
			o += (size_t)snprintf(tail + o, sizeof(tail) - o, "%s%zu",
					      i ? "," : "", i);
		snprintf(tail + o, sizeof(tail) - o,
			 "],\"flows\":[0,0,0,0,0,0,0,0,0],\"settle\":[0,0,0,0,0,0,0,0,0]}\n");
		append_raw(b, tail);
	}
	ck_assert_int_eq(bs_taskindex_add(ix, b, NULL, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "other values"));
	bs_taskindex_free(ix);
	/* a folder without a log */
	ix = bs_taskindex_new(12, "00000000000000aa");
	ck_assert_int_eq(bs_taskindex_add(ix, j, NULL, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "no task log"));
	bs_taskindex_free(ix);
	free(a);
	free(b);
	free(c);
	free(j);
}
END_TEST

/*
 * The cost of reading a log is linear in its tasks: on logs of 10,000
 * and 20,000 tasks (written in reverse task order, as finishing tasks
 * would), a resume scans every line once and reads every byte once,
 * indexing does the same, and fetching every record reads each record's
 * bytes once (the outputs fetch each task once: check_sweep). Counted,
 * not timed.
 */
static void cost_of(uint64_t n)
{
	struct bs_tasklog_counts c0, c1;
	struct bs_taskindex *ix;
	struct bs_tasklog *lg;
	struct bs_task_rec r;
	struct bs_error err;
	char path[600], *sub, name[32];
	uint8_t *done = calloc(n, 1);
	uint64_t t, ndone, size, head;
	struct stat sb;
	FILE *fp;
	size_t i;

	snprintf(name, sizeof(name), "cost%llu", (unsigned long long)n);
	sub = subdir(name);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	snprintf(path, sizeof(path), "%s/%s", sub, BS_TASKLOG_NAME);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	head = (uint64_t)fprintf(fp, "{\"bssim_sweep_log\":1,\"fingerprint\":\"00000000000000aa\",\"tasks\":%llu}\n",
				 (unsigned long long)n);
	for (t = n; t-- > 0;) {
		char *line;
		ck_assert_int_eq(bs_task_rec_init(&r, 1), 0);
		r.task = t;
		r.point = (uint32_t)(t / 4 + 1);
		r.rep = (uint32_t)(t % 4 + 1);
		for (i = 0; i < 2 * BS_METRIC_N; i++)
			r.m[i] = (double)((t + i) % 7);
		r.flows[0] = 1.0;
		r.settle[0] = 2.0;
		line = bs_task_rec_encode(&r);
		ck_assert_ptr_nonnull(line);
		fputs(line, fp);
		free(line);
		bs_task_rec_release(&r);
	}
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	size = (uint64_t)sb.st_size;

	bs_tasklog_counts(&c0);
	lg = bs_tasklog_open(sub, "00000000000000aa", n, 1, done, &ndone, NULL,
			     &err);
	ck_assert_msg(lg != NULL, "%s", err.text);
	bs_tasklog_close(lg);
	bs_tasklog_counts(&c1);
	ck_assert_uint_eq(ndone, n);
	ck_assert_uint_eq(c1.lines_scanned - c0.lines_scanned, n + 1);
	ck_assert_uint_eq(c1.bytes_read - c0.bytes_read, size);

	ix = bs_taskindex_new(n, "00000000000000aa");
	ck_assert_int_eq(bs_taskindex_add(ix, sub, NULL, &err), 0);
	bs_tasklog_counts(&c0);
	ck_assert_uint_eq(c0.lines_scanned - c1.lines_scanned, n + 1);
	ck_assert_uint_eq(c0.bytes_read - c1.bytes_read, size);
	memset(&r, 0, sizeof(r));
	for (t = 0; t < n; t++)
		ck_assert_int_eq(bs_taskindex_read(ix, t, &r, &err), 0);
	bs_task_rec_release(&r);
	bs_tasklog_counts(&c1);
	ck_assert_uint_eq(c1.records_read - c0.records_read, n);
	ck_assert_uint_eq(c1.bytes_read - c0.bytes_read, size - head - n); /* no newlines */
	ck_assert_uint_eq(c1.lines_scanned, c0.lines_scanned);
	bs_taskindex_free(ix);
	free(done);
	free(sub);
}

START_TEST(test_cost_linear)
{
	cost_of(10000);
	cost_of(20000);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tasklog");
	TCase *tc = tcase_create("tasklog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60); /* 30,000 records written and read */
	tcase_add_test(tc, test_roundtrip_exact);
	tcase_add_test(tc, test_decode_rejects);
	tcase_add_test(tc, test_log_resume);
	tcase_add_test(tc, test_log_not_regular);
	tcase_add_test(tc, test_damaged_line);
	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_cost_linear);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
