/*
 * check_csvread.c - the CSV reader and the strict field parsers; gzip
 * input that is cut short, damaged or followed by other bytes; inputs
 * that are not regular files; the limits on fields, rows and columns;
 * rows wider or narrower than the header; the duplicate-column check on
 * a header of a million columns; UTF-8 or CP932 text (converted, noted),
 * and a file that is neither refused at its row and byte offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "input/csvread.h"
#include "input/stations.h"
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

/* ---- files: gzip, what is not a regular file ------------------------------ */

/* dir/name holding len bytes; the path (caller frees). */
static char *put_bytes(const char *name, const void *data, size_t len)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	FILE *fp;

	sprintf(p, "%s/%s", dir, name);
	fp = fopen(p, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return p;
}

/* text gzip-compressed (one member, as gzip(1) writes it); caller frees */
static unsigned char *gz_of(const char *text, size_t len, size_t *outlen)
{
	z_stream z;
	size_t cap = len + 1024;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* Twenty ports, every capacity 17: cut anywhere, a gzip of it used to
 * load as fewer ports or a capacity of 1. */
static char *twenty(size_t *len)
{
	char *t = malloc(4096);
	size_t n = 0;
	int i;

	n += (size_t)sprintf(t, "%s\n", BS_STATIONS_HEADER);
	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(t + n, "s%02d,Port %d,W,35.%04d,139.7,17\n",
				     i, i, 6000 + i * 10);
	*len = n;
	return t;
}

struct count {
	long rows;
	char last[64];
};

static int count_row(void *ud, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	struct count *c = ud;

	(void)err;
	c->rows = r->row;
	bs_strlcpy(c->last, r->f[r->n - 1], sizeof(c->last));
	return 0;
}

static int read_path(const char *p, struct count *c, struct bs_error *err)
{
	memset(c, 0, sizeof(*c));
	bs_error_clear(err);
	return bs_csv_read_file(p, count_row, c, err);
}

START_TEST(test_gzip_whole_and_members)
{
	size_t len, zl, zl2;
	char *t = twenty(&len), *p, *two;
	unsigned char *z = gz_of(t, len, &zl), *z2;
	struct count c;
	struct bs_error err;
	struct bs_network *net;

	p = put_bytes("s.csv.gz", z, zl);
	ck_assert_int_eq(read_path(p, &c, &err), 0);
	ck_assert_int_eq(c.rows, 21);
	ck_assert_str_eq(c.last, "17");
	net = bs_stations_load(p, 300.0, &err);
	ck_assert_ptr_nonnull(net);
	ck_assert_uint_eq(net->n, 20);
	bs_network_free(net);
	free(p);
	/* two members (cat a.gz b.gz) are one file: the second holds rows */
	z2 = gz_of(t + len / 2, len - len / 2, &zl2);
	free(z);
	z = gz_of(t, len / 2, &zl);
	two = malloc(zl + zl2);
	memcpy(two, z, zl);
	memcpy(two + zl, z2, zl2);
	p = put_bytes("two.csv.gz", two, zl + zl2);
	ck_assert_int_eq(read_path(p, &c, &err), 0);
	ck_assert_int_eq(c.rows, 21);
	free(p);
	free(two);
	free(z2);
	free(z);
	free(t);
}
END_TEST

/* Every prefix of a gzip file lacks at least its trailer: none may load. */
START_TEST(test_gzip_cut_anywhere)
{
	size_t len, zl, cut;
	char *t = twenty(&len), *p;
	unsigned char *z = gz_of(t, len, &zl);
	struct count c;
	struct bs_error err;

	for (cut = 2; cut < zl; cut++) {
		p = put_bytes("cut.csv.gz", z, cut);
		ck_assert_msg(read_path(p, &c, &err) == BS_E_INPUT,
			      "cut at %zu of %zu bytes was read (%ld rows)", cut,
			      zl, c.rows);
		ck_assert_str_eq(err.file, p);
		ck_assert_msg(strstr(err.text, "gzip data ends early") != NULL,
			      "cut at %zu: %s", cut, err.text);
		free(p);
	}
	/* the case: 90 % of the file, and through the stations
	 * reader (it loaded 18 of 20 ports, the last with capacity 1) */
	p = put_bytes("s.csv.gz", z, zl * 9 / 10);
	ck_assert_ptr_null(bs_stations_load(p, 300.0, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.text, "the gzip data ends early (the file is cut short); expected a complete gzip file");
	free(p);
	free(z);
	free(t);
}
END_TEST

/* z (zl bytes) with byte at ^= flip (when flip), then tail (tl bytes),
 * must be refused with a message starting with want. */
static void refused_gz(const unsigned char *z, size_t zl, size_t at,
		       unsigned flip, const char *tail, size_t tl,
		       const char *want)
{
	unsigned char *y = malloc(zl + tl);
	struct count c;
	struct bs_error err;
	char *p;

	memcpy(y, z, zl);
	y[at] ^= (unsigned char)flip;
	if (tl)
		memcpy(y + zl, tail, tl);
	p = put_bytes("bad.csv.gz", y, zl + tl);
	ck_assert_int_eq(read_path(p, &c, &err), BS_E_INPUT);
	ck_assert_msg(strncmp(err.text, want, strlen(want)) == 0, "%s", err.text);
	free(p);
	free(y);
}

START_TEST(test_gzip_damaged_or_trailing)
{
	static const char TAIL[] = "data after the end of the gzip data; expected nothing after it but another gzip member";
	size_t len, zl;
	char *t = twenty(&len);
	unsigned char *z = gz_of(t, len, &zl);

	/* CRC-32 (the trailer's first four bytes), ISIZE (the last four), a
	 * byte of the compressed data */
	refused_gz(z, zl, zl - 8, 1, NULL, 0,
		   "damaged gzip data (incorrect data check); expected a complete gzip file");
	refused_gz(z, zl, zl - 1, 1, NULL, 0,
		   "damaged gzip data (incorrect length check); expected a complete gzip file");
	refused_gz(z, zl, zl / 2, 0x55, NULL, 0, "damaged gzip data");
	/* bytes after the stream: text, one byte, zero padding */
	refused_gz(z, zl, 0, 0, "junk\n", 5, TAIL);
	refused_gz(z, zl, 0, 0, "x", 1, TAIL);
	refused_gz(z, zl, 0, 0, "\0\0\0\0", 4, TAIL);
	free(z);
	free(t);
}
END_TEST

/* A FIFO blocks open() until a writer comes: with no writer, a reader
 * that opens it plainly never returns (this test would hang, and fail by
 * the suite's timeout); it must be refused at once. Likewise a folder and
 * a character device. */
START_TEST(test_not_regular_files)
{
	char fifo[1200];
	struct count c;
	struct bs_error err;
	const char *why;
	char *text;
	size_t len;

	snprintf(fifo, sizeof(fifo), "%s/in.fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(read_path(fifo, &c, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, fifo);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a CSV file");
	ck_assert_int_eq(bs_csv_read_input(fifo, "a stations CSV file", count_row,
					   &c, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a stations CSV file");
	ck_assert_int_eq(bs_open_regular(fifo, &why), -1);
	ck_assert_str_eq(why, "not a regular file (a FIFO)");
	ck_assert_int_eq(bs_read_file(fifo, 1 << 20, "a JSON file", &text, &len,
				      &err), BS_E_INPUT);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a JSON file");
	ck_assert_int_eq(read_path(dir, &c, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "not a regular file (a folder); expected a CSV file");
	ck_assert_int_eq(read_path("/dev/null", &c, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "not a regular file (a character device); expected a CSV file");
	/* a regular file still opens, and blocking reads work */
	{
		char *p = tu_write(dir, "a.csv", "a\n1\n");
		int fd = bs_open_regular(p, &why);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
		close(fd);
		ck_assert_int_eq(bs_read_file(p, 1 << 20, "x", &text, &len, &err), 0);
		ck_assert_str_eq(text, "a\n1\n");
		free(text);
		ck_assert_int_eq(bs_read_file(p, 1 << 20, "x", &text, &len, &err), 0);
		free(text);
		free(p);
	}
	ck_assert_int_eq(bs_open_regular("/nonexistent/x", &why), -1);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* ---- limits ----------------------------------------------------------------- */

/* A CSV of a header "a,b" and one row: a field of n bytes (x...), quoted
 * or not, then "1". */
static char *long_field_csv(size_t n, int quoted, size_t *len)
{
	char *t = malloc(n + 32), *q = t;

	q += sprintf(q, "a,b\n");
	if (quoted)
		*q++ = '"';
	memset(q, 'x', n);
	q += n;
	if (quoted)
		*q++ = '"';
	q += sprintf(q, ",1\n");
	*len = (size_t)(q - t);
	return t;
}

START_TEST(test_field_limit)
{
	struct count c;
	struct bs_error err;
	size_t len;
	int quoted;

	for (quoted = 0; quoted < 2; quoted++) {
		char *t = long_field_csv(BS_CSV_MAX_FIELD, quoted, &len), *p;
		p = put_bytes("f.csv", t, len);
		ck_assert_msg(read_path(p, &c, &err) == 0, "%s", err.text);
		ck_assert_int_eq(c.rows, 2);
		free(p);
		free(t);
		t = long_field_csv(BS_CSV_MAX_FIELD + 1, quoted, &len);
		p = put_bytes("f.csv", t, len);
		ck_assert_int_eq(read_path(p, &c, &err), BS_E_INPUT);
		ck_assert_int_eq(err.row, 2);
		ck_assert_str_eq(err.text, "a field longer than 1048576 bytes (1 MiB); expected fields of at most 1 MiB");
		ck_assert_int_eq(c.rows, 1); /* refused before its row was handed on */
		free(p);
		free(t);
	}
}
END_TEST

/* The gzip bomb, small: 8 MiB of one field in a 8 KiB file is refused
 * once the first MiB is in. */
START_TEST(test_field_limit_gzip)
{
	size_t n = (size_t)8 << 20, len, zl;
	char *t = long_field_csv(n, 0, &len), *p;
	unsigned char *z = gz_of(t, len, &zl);
	struct count c;
	struct bs_error err;

	ck_assert_uint_lt(zl, 65536);
	p = put_bytes("bomb.csv.gz", z, zl);
	ck_assert_int_eq(read_path(p, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 2);
	ck_assert_ptr_nonnull(strstr(err.text, "longer than 1048576 bytes"));
	free(p);
	free(z);
	free(t);
}
END_TEST

START_TEST(test_row_and_column_limits)
{
	struct count c;
	struct bs_error err;
	size_t k, n, len = 0;
	char *t, *p;

	/* 17 fields of 1 MiB - 1: each within its limit, the row over 16 MiB */
	n = BS_CSV_MAX_FIELD - 1;
	t = malloc(17 * (n + 1) + 64);
	len = (size_t)sprintf(t, "h\n");
	for (k = 0; k < 17; k++) {
		memset(t + len, 'y', n);
		len += n;
		t[len++] = k < 16 ? ',' : '\n';
	}
	p = put_bytes("r.csv", t, len);
	ck_assert_int_eq(read_path(p, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 2);
	ck_assert_str_eq(err.text, "a row longer than 16777216 bytes (16 MiB); expected rows of at most 16 MiB");
	free(p);
	free(t);
	/* 4096 columns are read, 4097 are refused at the header */
	t = malloc(5 * 4097 + 16);
	for (n = 4096; n <= 4097; n++) {
		len = 0;
		for (k = 0; k < n; k++)
			len += (size_t)sprintf(t + len, "%s%zu", k ? "," : "", k);
		t[len++] = '\n';
		p = put_bytes("c.csv", t, len);
		if (n == 4096) {
			ck_assert_int_eq(read_path(p, &c, &err), 0);
		} else {
			ck_assert_int_eq(read_path(p, &c, &err), BS_E_INPUT);
			ck_assert_int_eq(err.row, 1);
			ck_assert_str_eq(err.text, "more than 4096 fields; expected at most 4096 columns");
		}
		free(p);
	}
	free(t);
}
END_TEST

/* The duplicate-column check on a header of 10^6 columns, the repeat at
 * the very end. It compared every pair (5 x 10^11 comparisons, some 16
 * minutes): this test would hang and fail by the suite's timeout. The
 * reader itself stops such a header at 4,096 columns (above). */
START_TEST(test_header_million_columns)
{
	const size_t n = 1000000;
	char **f = malloc(n * sizeof(char *)), *names = malloc(n * 8);
	size_t *len = malloc(n * sizeof(size_t)), i;
	struct bs_csv_row r;
	struct bs_error err;
	const char *want[] = {"c0", "c999998"};
	int req[] = {1, 1};
	long idx[2];

	for (i = 0; i < n; i++) {
		f[i] = names + i * 8;
		len[i] = (size_t)sprintf(f[i], "c%zu", i);
	}
	r.row = 1;
	r.n = n;
	r.f = f;
	r.len = len;
	ck_assert_int_eq(bs_csv_header(&r, "h.csv", 2, want, req, idx, "c0,...", &err), 0);
	ck_assert_int_eq(idx[1], 999998);
	sprintf(f[n - 1], "c17"); /* c17 again, last */
	len[n - 1] = 3;
	ck_assert_int_eq(bs_csv_header_unique(&r, "h.csv", "unique names", &err),
			 BS_E_INPUT);
	ck_assert_str_eq(err.key, "c17");
	ck_assert_str_eq(err.text, "column 'c17' appears twice in the header; expected unique names");
	/* the first repeat from the left is named, as before */
	sprintf(f[500000], "c3");
	len[500000] = 2;
	ck_assert_int_eq(bs_csv_header_unique(&r, "h.csv", "u", &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "c3");
	free(f);
	free(names);
	free(len);
}
END_TEST

/* ---- rows as wide as the header -------------------------------------------- */

START_TEST(test_row_width)
{
	struct collect c;
	struct bs_error err;
	const char wide[] = "a,b,c\n1,2,3\n4,5,6,7\n";
	const char narrow[] = "a,b,c\n1,2,3\n4,5\n";
	const char comma[] = "id,name,n\nx,Port, by the river,3\n";

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(read_text(wide, sizeof(wide) - 1, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "");
	ck_assert_str_eq(err.text, "the row has 4 fields but the header has 3; expected one field per column of the header (quote a field that holds a comma)");
	ck_assert_int_eq(c.rows, 2); /* the row never reached the callback */
	ck_assert_int_eq(read_text(narrow, sizeof(narrow) - 1, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "c"); /* the first missing column */
	ck_assert_str_eq(err.text, "the row has 2 fields but the header has 3; expected one field per column of the header (quote a field that holds a comma)");
	ck_assert_int_eq(read_text(comma, sizeof(comma) - 1, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 2);
}
END_TEST

START_TEST(test_strpos_find)
{
	struct bs_strpos x[] = {{"b", 0}, {"a", 1}, {"b", 2}, {"c", 3}, {"a", 4}};

	qsort(x, 5, sizeof(x[0]), bs_strpos_cmp);
	ck_assert_int_eq(bs_strpos_find(x, 5, "a"), 1); /* the first of equals */
	ck_assert_int_eq(bs_strpos_find(x, 5, "b"), 0);
	ck_assert_int_eq(bs_strpos_find(x, 5, "c"), 3);
	ck_assert_int_eq(bs_strpos_find(x, 5, "d"), -1);
	ck_assert_int_eq(bs_strpos_find(x, 5, ""), -1);
	ck_assert_int_eq(bs_strpos_find(NULL, 0, "a"), -1);
}
END_TEST

/* ---- encodings (issue 16: Japanese Excel saves CSV as CP932) -------------- */

/* Japanese Excel's CSV: CP932, made from the UTF-8 fixture with iconv
 * (tests/fixtures/jp_stations_cp932.csv); read as the same stations as
 * the UTF-8 file, with a note naming the file and the conversion. */
START_TEST(test_cp932_read_as_utf8)
{
	struct bs_warnings notes, none;
	struct bs_error err;
	struct bs_network *u, *c;
	size_t i;

	memset(&notes, 0, sizeof(notes));
	memset(&none, 0, sizeof(none));
	u = bs_stations_load_noted(tu_fixture("jp_stations.csv"), 0.0, &none,
				   &err);
	ck_assert_msg(u != NULL, "%s", err.text);
	ck_assert_int_eq(none.count, 0); /* UTF-8: nothing to say */
	c = bs_stations_load_noted(tu_fixture("jp_stations_cp932.csv"), 0.0,
				   &notes, &err);
	ck_assert_msg(c != NULL, "%s", err.text);
	ck_assert_uint_eq(c->n, u->n);
	ck_assert_uint_eq(c->n, 6);
	for (i = 0; i < c->n; i++) {
		ck_assert_str_eq(c->ids[i], u->ids[i]);
		ck_assert_str_eq(c->names[i], u->names[i]);
	}
	ck_assert_uint_eq(c->nwards, 4);
	for (i = 0; i < c->nwards; i++)
		ck_assert_str_eq(c->ward_names[i], u->ward_names[i]);
	ck_assert_str_eq(c->ward_names[0], "千代田区");
	ck_assert_str_eq(c->names[3], "芝公園ｱﾈｯｸｽ"); /* half-width kana */
	ck_assert_int_eq(notes.count, 1);
	ck_assert_msg(strstr(notes.first[0], "jp_stations_cp932.csv: not UTF-8 but CP932") &&
		      strstr(notes.first[0], "converted to UTF-8 with iconv"),
		      "%s", notes.first[0]);
	bs_network_free(u);
	bs_network_free(c);
}
END_TEST

/* UTF-8 with and without a byte-order mark: the same rows, no note. */
START_TEST(test_utf8_bom_or_not)
{
	const char *body = "station_id,name\n1,港区\n2,江東区\n";
	char with[64];
	struct bs_warnings notes;
	struct bs_error err;
	struct collect c;
	char *p;
	int k;

	snprintf(with, sizeof(with), "\xEF\xBB\xBF%s", body);
	for (k = 0; k < 2; k++) {
		memset(&c, 0, sizeof(c));
		memset(&notes, 0, sizeof(notes));
		p = tu_write(dir, "u.csv", k ? with : body);
		ck_assert_int_eq(bs_csv_read_noted(p, "a CSV file", &notes,
						   on_row, &c, &err), 0);
		ck_assert_int_eq(c.rows, 3);
		ck_assert_str_eq(c.first[0], "1");
		ck_assert_str_eq(c.first[1], "港区");
		ck_assert_int_eq(notes.count, 0);
		free(p);
	}
}
END_TEST

static void not_text(const char *text, size_t len, long row,
		     unsigned long long off)
{
	struct bs_error err;
	struct collect c;
	char want[64];
	char *path;
	FILE *fp;

	path = malloc(strlen(dir) + 16);
	sprintf(path, "%s/bad.csv", dir);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(bs_csv_read_file(path, on_row, &c, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, row);
	snprintf(want, sizeof(want), "the byte at offset %llu is neither", off);
	ck_assert_msg(strstr(err.text, want) &&
		      strstr(err.text, "save as UTF-8 or CP932"),
		      "%s (want offset %llu)", err.text, off);
	free(path);
}

/* Neither UTF-8 nor CP932: refused at the row and byte offset (in the
 * file: a byte-order mark counts), whatever chunk it falls in. */
START_TEST(test_neither_refused)
{
	static char big[70000 + 64];
	size_t n;

#define NOT_TEXT(lit, row, off) not_text(lit, sizeof(lit) - 1, row, off)
	NOT_TEXT("a,b\n1,\xff\n", 2, 6);
	/* a BOM says UTF-8: CP932 after it is not text */
	NOT_TEXT("\xEF\xBB\xBF" "a,b\n1,\x8d\x60\n", 2, 9);
	/* CP932, then a byte no CP932 character has */
	NOT_TEXT("a,b\n1,\x8d\x60\n2,\x8d\xff\n", 3, 11);
	/* UTF-8, then a lone continuation byte */
	NOT_TEXT("a,b\n1,\xe6\xb8\xaf\n2,x\x80y\n", 3, 13);
	/* cut in the middle of a character at the end */
	NOT_TEXT("a,b\n1,\xe6\xb8\xaf\n2,\xe6\xb8", 3, 12);
	NOT_TEXT("a,b\n1,\x8d\x60\n2,\x8d", 3, 11);
#undef NOT_TEXT
	/* the first 64 KiB chunk says UTF-8; a bad byte in the second */
	n = (size_t)sprintf(big, "a,b\n1,\xe6\xb8\xaf\n");
	while (n < 70000)
		n += (size_t)sprintf(big + n, "2,xxxxxxxxxxxxxxxxxxxx\n");
	big[n] = '3', big[n + 1] = ',', big[n + 2] = (char)0xff,
	big[n + 3] = '\n';
	not_text(big, n + 4, (long)((n - 10) / 23 + 3), (unsigned long long)n + 2);
}
END_TEST

/* The fields of the last row. */
static int last_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct collect *c = ud;
	size_t i;

	(void)err;
	c->rows = r->row;
	for (i = 0; i < r->n && i < 8; i++) {
		bs_strlcpy(c->first[i], r->f[i], sizeof(c->first[i]));
		c->nfirst = i + 1;
	}
	return 0;
}

/* A character cut by the reader's 64 KiB chunks, in either encoding,
 * arrives whole. */
START_TEST(test_character_across_chunks)
{
	static char buf[65536 * 2];
	struct bs_warnings notes;
	struct bs_error err;
	struct collect c;
	size_t n, pad;
	char *path;
	int k;
	FILE *fp;

	path = malloc(strlen(dir) + 16);
	sprintf(path, "%s/x.csv", dir);
	for (k = 0; k < 2; k++)
		for (pad = 65530; pad < 65538; pad++) {
			/* header, then a row of pad ASCII bytes, then the
			 * character at offset pad + (0, 1, 2) */
			n = (size_t)sprintf(buf, "a,b\n");
			memset(buf + n, 'x', pad - n - 3);
			n = pad - 3;
			memcpy(buf + n, ",1\n", 3);
			n += 3;
			n += (size_t)sprintf(buf + n, k ? "q,\x8d\x60\n" /* 港, CP932 */
						       : "q,\xe6\xb8\xaf\n");
			fp = fopen(path, "wb");
			ck_assert_uint_eq(fwrite(buf, 1, n, fp), n);
			ck_assert_int_eq(fclose(fp), 0);
			memset(&c, 0, sizeof(c));
			memset(&notes, 0, sizeof(notes));
			ck_assert_msg(bs_csv_read_noted(path, "a CSV file", &notes,
							last_row, &c, &err) == 0,
				      "%s", err.text);
			ck_assert_int_eq(c.rows, 3);
			ck_assert_str_eq(c.first[1], "港");
			ck_assert_int_eq(notes.count, k);
		}
	free(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("csvread");
	TCase *tc = tcase_create("csv"), *tf;

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
	tcase_add_test(tc, test_row_width);
	tcase_add_test(tc, test_strpos_find);
	suite_add_tcase(s, tc);
	tf = tcase_create("files");
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_set_timeout(tf, 120);
	tcase_add_test(tf, test_gzip_whole_and_members);
	tcase_add_test(tf, test_gzip_cut_anywhere);
	tcase_add_test(tf, test_gzip_damaged_or_trailing);
	tcase_add_test(tf, test_not_regular_files);
	tcase_add_test(tf, test_field_limit);
	tcase_add_test(tf, test_field_limit_gzip);
	tcase_add_test(tf, test_row_and_column_limits);
	tcase_add_test(tf, test_header_million_columns);
	tcase_add_test(tf, test_cp932_read_as_utf8);
	tcase_add_test(tf, test_utf8_bom_or_not);
	tcase_add_test(tf, test_neither_refused);
	tcase_add_test(tf, test_character_across_chunks);
	suite_add_tcase(s, tf);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
