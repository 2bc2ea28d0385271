/*
 * check_csvread.c - the CSV reader and the strict field parsers.
 */
#include <stdlib.h>
#include <string.h>

#include "bssim/csvread.h"
#include "testutil.h"

struct collect {
	long rows;
	char first[8][64];
	size_t nfirst;
	long stop_at;
};

static int on_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct collect *c = ud;
	size_t i;

	c->rows = r->row;
	if (r->row == 2)
		for (i = 0; i < r->n && i < 8; i++) {
			bs_strlcpy(c->first[i], r->f[i], sizeof(c->first[i]));
			c->nfirst = i + 1;
		}
	if (c->stop_at && r->row == c->stop_at) {
		bs_error_row(err, "x", r->row, "k", "stop");
		return BS_E_INPUT;
	}
	return 0;
}

static int read_text(const char *text, size_t len, struct collect *c,
		     struct bs_error *err)
{
	FILE *fp = fmemopen((void *)text, len, "rb");
	int rc = bs_csv_read_stream(fp, "mem.csv", on_row, c, err);

	fclose(fp);
	return rc;
}

START_TEST(test_quotes_bom_crlf)
{
	const char t[] = "\xEF\xBB\xBF" "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\r\nq,w,e\r\n";
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(read_text(t, sizeof(t) - 1, &c, &err), 0);
	ck_assert_int_eq(c.rows, 3);
	ck_assert_uint_eq(c.nfirst, 3);
	ck_assert_str_eq(c.first[0], "x, y");
	ck_assert_str_eq(c.first[1], "say \"hi\"");
	ck_assert_str_eq(c.first[2], "");
}
END_TEST

START_TEST(test_no_trailing_newline)
{
	const char t[] = "a,b\n1,2";
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(read_text(t, sizeof(t) - 1, &c, &err), 0);
	ck_assert_int_eq(c.rows, 2);
	ck_assert_str_eq(c.first[1], "2");
}
END_TEST

START_TEST(test_nul_byte_is_binary)
{
	const char t[] = "a,b\n1,2\n3,\0\n";
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(read_text(t, sizeof(t) - 1, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_ptr_nonnull(strstr(err.text, "binary"));
}
END_TEST

START_TEST(test_empty_and_unclosed)
{
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(read_text("", 0, &c, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "empty"));
	ck_assert_int_eq(read_text("a,b\n\"open,2\n", 12, &c, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "quoted field"));
}
END_TEST

START_TEST(test_callback_stops)
{
	const char t[] = "a\n1\n2\n3\n4\n";
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	c.stop_at = 3;
	ck_assert_int_eq(read_text(t, sizeof(t) - 1, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(c.rows, 3);
	ck_assert_int_eq(err.row, 3);
}
END_TEST

START_TEST(test_missing_file)
{
	struct collect c;
	struct bs_error err;

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(bs_csv_read_file("/nonexistent/x.csv", on_row, &c, &err),
			 BS_E_INPUT);
	ck_assert_str_eq(err.file, "/nonexistent/x.csv");
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
}
END_TEST

/* bs_read_all, under every whole-file reader (scenario, sweep, GBFS):
 * whole contents NUL-terminated, the limit exact, nothing returned past
 * it, an empty file as "". */
START_TEST(test_read_all)
{
	const size_t n = 200000; /* several reads and growths */
	char *data = malloc(n), *text = NULL;
	size_t i, len = 0;
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(data);
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	ck_assert_uint_eq(fwrite(data, 1, n, fp), n);
	rewind(fp);
	ck_assert_int_eq(bs_read_all(fp, n, &text, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(text, data, n), 0);
	ck_assert_int_eq(text[n], '\0');
	free(text);
	rewind(fp);
	ck_assert_int_eq(bs_read_all(fp, n - 1, &text, &len), BS_E_LIMIT);
	ck_assert_ptr_null(text);
	fclose(fp);
	fp = tmpfile();
	ck_assert_int_eq(bs_read_all(fp, 10, &text, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(text, "");
	free(text);
	fclose(fp);
	free(data);
}
END_TEST

START_TEST(test_parse_double_strict)
{
	double v;

	ck_assert_int_eq(bs_parse_double("35.5", &v), 0);
	ck_assert_double_eq(v, 35.5);
	ck_assert_int_eq(bs_parse_double("-1e3", &v), 0);
	ck_assert_double_eq(v, -1000.0);
	ck_assert_int_eq(bs_parse_double("", &v), -1);
	ck_assert_int_eq(bs_parse_double("1.5x", &v), -1);
	ck_assert_int_eq(bs_parse_double("nan", &v), -1);
	ck_assert_int_eq(bs_parse_double("inf", &v), -1);
	ck_assert_int_eq(bs_parse_double("0x10", &v), -1);
	ck_assert_int_eq(bs_parse_double("1e999", &v), -1);
}
END_TEST

START_TEST(test_parse_u64_and_utf8)
{
	uint64_t v;

	ck_assert_int_eq(bs_parse_u64("18446744073709551615", &v), 0);
	ck_assert(v == UINT64_MAX);
	ck_assert_int_eq(bs_parse_u64("18446744073709551616", &v), -1);
	ck_assert_int_eq(bs_parse_u64("-1", &v), -1);
	ck_assert_int_eq(bs_parse_u64("1 ", &v), -1);
	ck_assert(bs_utf8_valid("千代田", strlen("千代田")));
	ck_assert(!bs_utf8_valid("\xff", 1));
	ck_assert(!bs_utf8_valid("\xe5\x8d", 2));       /* cut short */
	ck_assert(!bs_utf8_valid("\xc0\xaf", 2));       /* overlong */
	ck_assert(!bs_utf8_valid("\xed\xa0\x80", 3));   /* surrogate */
}
END_TEST

START_TEST(test_header_lookup)
{
	char f0[] = "b", f1[] = "a", f2[] = "c";
	char *fs[] = {f0, f1, f2};
	size_t lens[] = {1, 1, 1};
	struct bs_csv_row r = {1, 3, fs, lens};
	const char *names[] = {"a", "b", "z"};
	int req_ok[] = {1, 1, 0}, req_bad[] = {1, 1, 1};
	long idx[3];
	struct bs_error err;

	ck_assert_int_eq(bs_csv_header(&r, "f", 3, names, req_ok, idx, "a,b", &err), 0);
	ck_assert_int_eq(idx[0], 1);
	ck_assert_int_eq(idx[1], 0);
	ck_assert_int_eq(idx[2], -1);
	ck_assert_int_eq(bs_csv_header(&r, "f", 3, names, req_bad, idx, "a,b,z", &err),
			 BS_E_INPUT);
	ck_assert_str_eq(err.key, "z");
	fs[2] = f0;
	ck_assert_int_eq(bs_csv_header(&r, "f", 3, names, req_ok, idx, "a,b", &err),
			 BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "twice"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("csvread");
	TCase *tc = tcase_create("csv");

	tcase_add_test(tc, test_quotes_bom_crlf);
	tcase_add_test(tc, test_no_trailing_newline);
	tcase_add_test(tc, test_nul_byte_is_binary);
	tcase_add_test(tc, test_empty_and_unclosed);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_read_all);
	tcase_add_test(tc, test_parse_double_strict);
	tcase_add_test(tc, test_parse_u64_and_utf8);
	tcase_add_test(tc, test_header_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
