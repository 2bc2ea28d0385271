/*
 * check_base.c - base/: the id index, FNV-1a, SHA-256, run names made
 * from file names. (The worker pool has check_pool; errors and files are exercised
 * by every suite.)
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idindex.h"
#include "base/sha256.h"
#include "base/str.h"
#include "base/fmt.h"
#include "testutil.h"

/* The published FNV-1a 64-bit test vectors (Fowler, Noll, Vo). */
START_TEST(test_fnv1a_vectors)
{
	ck_assert_uint_eq(bs_fnv1a(BS_FNV_INIT, "", 0), UINT64_C(0xcbf29ce484222325));
	ck_assert_uint_eq(bs_fnv1a(BS_FNV_INIT, "a", 1), UINT64_C(0xaf63dc4c8601ec8c));
	ck_assert_uint_eq(bs_fnv1a(BS_FNV_INIT, "foobar", 6), UINT64_C(0x85944171f73967e8));
	/* in pieces, the same as at once (sweep fingerprints hash files in
	 * chunks) */
	ck_assert_uint_eq(bs_fnv1a(bs_fnv1a(BS_FNV_INIT, "foo", 3), "bar", 3),
			  UINT64_C(0x85944171f73967e8));
}
END_TEST

/* SHA-256 against the example vectors NIST publishes for FIPS 180-4
 * (csrc.nist.gov, "Cryptographic Standards and Guidelines: Examples with
 * Intermediate Values", SHA256.pdf and SHA2_Additional.pdf): one block,
 * the empty message, two blocks (448 and 896 bits) and a million 'a's. */
START_TEST(test_sha256_vectors)
{
	static const struct {
		const char *msg, *hex;
	} V[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"}};
	char hex[BS_SHA256_HEX], *a = malloc(1000000);
	struct bs_sha256 c;
	unsigned char d[BS_SHA256_LEN];
	size_t i, k;

	for (i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
		bs_sha256_hex(V[i].msg, strlen(V[i].msg), hex);
		ck_assert_str_eq(hex, V[i].hex);
	}
	ck_assert_ptr_nonnull(a);
	memset(a, 'a', 1000000);
	bs_sha256_hex(a, 1000000, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the same million in uneven pieces (1, 2, ..., 127 bytes: every
	 * offset within a block, and pieces that span two) */
	bs_sha256_init(&c);
	for (i = 0, k = 1; i < 1000000; i += k, k = k % 127 + 1)
		bs_sha256_update(&c, a + i, i + k > 1000000 ? 1000000 - i : k);
	bs_sha256_final(&c, d);
	for (i = 0; i < BS_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

/* Lengths around the padding boundary (55, 56, 63, 64 and 65 bytes: the
 * length field in the same block or the next) from a file, as the run
 * hashes its inputs, against the same bytes in memory; and a file that
 * cannot be opened is an error naming it. The in-memory digests are the
 * NIST-checked code above, so a file read that dropped or doubled a chunk
 * (these files span one; the trip log several) fails here. */
START_TEST(test_sha256_file)
{
	static const size_t L[] = {0, 55, 56, 63, 64, 65, 65536, 65537, 200000};
	char want[BS_SHA256_HEX], got[BS_SHA256_HEX];
	char *buf = malloc(200000);
	struct bs_error err;
	uint64_t bytes;
	size_t i, k;

	char *dir = tu_tmpdir();

	ck_assert_ptr_nonnull(buf);
	for (k = 0; k < 200000; k++)
		buf[k] = (char)(k * 7919 % 251);
	for (i = 0; i < sizeof(L) / sizeof(L[0]); i++) {
		char *path = tu_write(dir, "sha.bin", "");
		FILE *fp = fopen(path, "wb");
		ck_assert_ptr_nonnull(fp);
		ck_assert_uint_eq(fwrite(buf, 1, L[i], fp), L[i]);
		fclose(fp);
		bs_sha256_hex(buf, L[i], want);
		bs_error_clear(&err);
		ck_assert_int_eq(bs_sha256_file(path, got, &bytes, &err), 0);
		ck_assert_str_eq(got, want);
		ck_assert_uint_eq(bytes, L[i]);
		free(path);
	}
	bs_error_clear(&err);
	ck_assert_int_eq(bs_sha256_file("/nonexistent/in.csv", got, NULL, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, "/nonexistent/in.csv");
	ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
	free(buf);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* 20,000 ids added one by one as the readers do (reserve, find, set):
 * each found again at its index, unknown ones not found, the index grown
 * past its first 256 slots and never more than half full. */
START_TEST(test_idindex)
{
	enum { N = 20000 };
	char **ids = calloc(N, sizeof(*ids));
	struct bs_idindex ix = {0};
	size_t k;

	ck_assert_ptr_nonnull(ids);
	for (size_t i = 0; i < N; i++) {
		char id[32];

		snprintf(id, sizeof(id), "%08zu", i * 7919 % 100003);
		ck_assert_int_eq(bs_idindex_reserve(&ix, ids, i, i + 1), 0);
		ck_assert_int_eq(bs_idindex_find(&ix, ids, id, &k), -1);
		ck_assert_ptr_nonnull(ids[i] = strdup(id));
		bs_idindex_set(&ix, k, i);
		ck_assert_uint_le((i + 1) * 2, ix.cap);
		/* a second lookup finds it */
		ck_assert_int_eq(bs_idindex_find(&ix, ids, id, &k), (long)i);
	}
	ck_assert_uint_ge(ix.cap, 2 * N);
	for (size_t i = 0; i < N; i++)
		ck_assert_int_eq(bs_idindex_find(&ix, ids, ids[i], &k), (long)i);
	ck_assert_int_eq(bs_idindex_find(&ix, ids, "not-an-id", &k), -1);
	ck_assert_int_eq(bs_idindex_find(&ix, ids, "", &k), -1);
	bs_idindex_free(&ix);
	ck_assert_ptr_null(ix.slot);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
}
END_TEST

START_TEST(test_name_of_file)
{
	static const struct {
		const char *path, *name;
	} c[] = {
		{"scenarios/tokyo4_full.json", "tokyo4_full"},
		{"/a/b/x y.json", "x_y"},
		{"plain", "plain"},
		{"dir/.json", "fallback"},
		{"dir/.hidden.json", "fallback"},
		{"a/b/", "fallback"},
		{"渋谷.json", "______"},
		{"v1.2-final_ok.json", "v1.2-final_ok"},
		{"x.json.json", "x.json"},
	};
	char buf[128], small[4];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ck_assert_str_eq(bs_name_of_file(c[i].path, "fallback", buf, sizeof(buf)),
				 c[i].name);
	/* truncated to the buffer, never overrun */
	ck_assert_str_eq(bs_name_of_file("abcdef.json", "f", small, sizeof(small)), "abc");
}
END_TEST

/* Issue 16: yen and counts printed as "2.932e+06 +- 1.6e+04". Numbers for
 * people are grouped and rounded to the interval's second digit; shares
 * have 3 significant digits. */
/* bs_fmt_num writes what %.12g writes (and "0" for -0, "NaN" for NaN),
 * on whole numbers on both sides of 10^12, fractions, tiny and huge
 * values, and pseudo-random doubles of every magnitude. */
static void same_as_printf(double v)
{
	char a[64], b[64];
	size_t n = bs_fmt_num(a, v);

	a[n] = '\0';
	if (isnan(v))
		strcpy(b, "NaN");
	else if (v == 0.0)
		strcpy(b, "0");
	else
		snprintf(b, sizeof(b), "%.12g", v);
	ck_assert_msg(strcmp(a, b) == 0, "%.17g: \"%s\", printf \"%s\"", v, a, b);
}

START_TEST(test_fmt_num_as_printf)
{
	static const double fixed[] = {
		1, -1, 7, 10, 15, 1440, 525600, 4294967295.0, 999999999999.0,
		-999999999999.0, 1e12, 1e12 + 1, 123456789012345.0, 1e15, 1e300,
		0.5, -2.25, 1e-7, 3.0000000000001, 0.1 + 0.2, 9007199254740993.0,
		-0.0};
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	size_t i;
	char d[20];

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		same_as_printf(fixed[i]);
	same_as_printf(NAN);
	for (i = 0; i < 20000; i++) {
		double v;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* a whole number of 1 to 16 digits, or a scaled fraction */
		v = (double)(x % 10000000000000000ull) /
		    pow(10.0, (double)((x >> 59) % 17u));
		same_as_printf((i & 1) ? v : floor(v));
		same_as_printf(-v);
	}
	ck_assert_uint_eq(bs_fmt_u64(d, 0), 1);
	ck_assert_uint_eq(bs_fmt_u64(d, 18446744073709551615ull), 20);
	ck_assert(memcmp(d, "18446744073709551615", 20) == 0);
}
END_TEST

START_TEST(test_fmt_human)
{
	char b[96];

	ck_assert_str_eq(bs_fmt_human(2932417.3, 16234.0, 0, b, sizeof(b)),
			 "2,932,000 \xc2\xb1 16,000");
	ck_assert_str_eq(bs_fmt_human(3525.71666, 15.3, 0, b, sizeof(b)),
			 "3,526 \xc2\xb1 15");
	ck_assert_str_eq(bs_fmt_human(3525.71666, 1.53, 0, b, sizeof(b)),
			 "3,525.7 \xc2\xb1 1.5");
	ck_assert_str_eq(bs_fmt_human(0.756734, 0.00192, BS_FMT_SHARE, b, sizeof(b)),
			 "0.757 \xc2\xb1 0.0019");
	ck_assert_str_eq(bs_fmt_human(546455.0, 11629.0, BS_FMT_SIGN, b, sizeof(b)),
			 "+546,000 \xc2\xb1 12,000");
	ck_assert_str_eq(bs_fmt_human(-0.0896, 0.0026, BS_FMT_SHARE | BS_FMT_SIGN,
				      b, sizeof(b)),
			 "-0.0896 \xc2\xb1 0.0026");
	/* no interval: whole numbers from 100, else 3 significant digits */
	ck_assert_str_eq(bs_fmt_human(2932417.3, (double)NAN, 0, b, sizeof(b)),
			 "2,932,417");
	ck_assert_str_eq(bs_fmt_human(12.3456, (double)NAN, 0, b, sizeof(b)), "12.3");
	ck_assert_str_eq(bs_fmt_human(-0.0001, (double)NAN, 0, b, sizeof(b)), "-0.000100");
	ck_assert_str_eq(bs_fmt_human(0.0, 0.0, BS_FMT_SIGN, b, sizeof(b)),
			 "0 \xc2\xb1 0");
	ck_assert_str_eq(bs_fmt_human((double)NAN, 1.0, 0, b, sizeof(b)), "-");
	/* never an exponent, and the buffer is never overrun */
	ck_assert_ptr_null(strchr(bs_fmt_human(1e15, 3e12, 0, b, sizeof(b)), 'e'));
	ck_assert_str_eq(bs_fmt_human(2932417.3, 16234.0, 0, b, 6), "2,93");
	ck_assert_uint_eq(bs_fmt_columns("1 \xc2\xb1 2"), 5);
	ck_assert(bs_metric_is_share("service_level"));
	ck_assert(bs_metric_is_share("empty_station_frac"));
	ck_assert(!bs_metric_is_share("revenue_yen"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("base");

	tcase_add_test(tc, test_fnv1a_vectors);
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_sha256_file);
	tcase_add_test(tc, test_idindex);
	tcase_add_test(tc, test_name_of_file);
	tcase_add_test(tc, test_fmt_human);
	tcase_add_test(tc, test_fmt_num_as_printf);
	suite_add_tcase(s, tc);
	return s;
}


int main(void)
{
	return tu_main(suite());
}
