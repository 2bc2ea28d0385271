/*
 * check_output.c - all-or-nothing files, CSV and JSON number formatting.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bssim/output.h"
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

/* A full disk is reported, naming the file. */
START_TEST(test_close_reports_full_disk)
{
	struct bs_staged st;
	struct bs_error err;
	FILE *fp = fopen("/dev/full", "w");
	int i;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(bs_staged_init(&st, dir, &err), 0);
	for (i = 0; i < 10000; i++)
		fputs("0123456789", fp);
	ck_assert_int_eq(bs_staged_close(&st, fp, "stations.csv", &err), BS_E_IO);
	ck_assert_ptr_nonnull(strstr(err.file, "stations.csv"));
	ck_assert_ptr_nonnull(strstr(err.text, "No space"));
	bs_staged_release(&st);
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
	tcase_add_test(tc, test_unwritable_folder);
	tcase_add_test(tc, test_csv_and_json_numbers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
