/*
 * check_base.c - base/: the id index, FNV-1a, run names made from file
 * names. (The worker pool has check_pool; errors and files are exercised
 * by every suite.)
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idindex.h"
#include "base/str.h"
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

static Suite *suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("base");

	tcase_add_test(tc, test_fnv1a_vectors);
	tcase_add_test(tc, test_idindex);
	tcase_add_test(tc, test_name_of_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
