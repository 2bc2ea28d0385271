/*
 * check_fuzz.c - every input kept under tests/fuzz/<target>/ (findings of
 * `make fuzz`, and the seeds under fuzz/seeds/) replayed through the same
 * target bodies the fuzzers run: once a crash is fixed, its input stays
 * here so the crash can never come back unnoticed. Under `make sanitize`
 * the replay runs with AddressSanitizer and UBSan, as the fuzzers do.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzztargets.h"
#include "testutil.h"

struct target {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
};

static const struct target TARGETS[] = {
	{"scenario", bs_fuzz_scenario},
	{"stations", bs_fuzz_stations},
	{"gbfs", bs_fuzz_gbfs},
	{"triplog", bs_fuzz_triplog},
	{"sweep", bs_fuzz_sweep},
	{"stock", bs_fuzz_stock},
	{"rates", bs_fuzz_rates},
	{"od", bs_fuzz_od},
	{"status", bs_fuzz_status},
	{"set", bs_fuzz_set},
};

/* Replay every file of dir through fn; returns how many. */
static int replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char p[1200];
		size_t len;
		char *data;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		data = tu_slurp(p, &len);
		if (!data)
			continue;
		ck_assert_int_eq(fn((const uint8_t *)data, len), 0);
		free(data);
		n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_replay)
{
	const struct target *t = &TARGETS[_i];
	char dir[512];
	int n;

	snprintf(dir, sizeof(dir), "tests/fuzz/%s", t->name);
	n = replay(dir, t->fn);
	snprintf(dir, sizeof(dir), "fuzz/seeds/%s", t->name);
	n += replay(dir, t->fn);
	ck_assert_msg(n > 0, "no inputs for target %s", t->name);
}
END_TEST

/* The file dir/name of the fuzz folder holds exactly want. */
static void assert_file(const char *name, const char *want)
{
	char p[1200];
	size_t len;
	char *got;

	snprintf(p, sizeof(p), "%s/%s", bs_fuzz_dir(), name);
	got = tu_slurp(p, &len);
	ck_assert_msg(got != NULL, "%s was not written", name);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
	free(got);
}

/* The gbfs target feeds every part of its input to the file the docs say
 * (docs/robustness.md section 5): station_information, station_status
 * (also as the one file of a status series folder), system_regions. */
START_TEST(test_gbfs_parts)
{
	static const char IN[] = "{\"info\": 1}\n----\n{\"status\": 2}\n----\n"
				 "{\"regions\": 3}\n----\n1=A\n----\nA\n";

	ck_assert_int_eq(bs_fuzz_gbfs((const uint8_t *)IN, strlen(IN)), 0);
	assert_file("gbfs/station_information.json", "{\"info\": 1}");
	assert_file("gbfs/station_status.json", "{\"status\": 2}");
	assert_file("gbfs/series/status_0000.json", "{\"status\": 2}");
	assert_file("gbfs/system_regions.json", "{\"regions\": 3}");
}
END_TEST

/* Empty and tiny inputs: the smallest corner of every reader. */
START_TEST(test_degenerate)
{
	static const char *const inputs[] = {"", "\n", "{", "\xEF\xBB\xBF", "\"", ",,,", "\0"};
	size_t i, k;

	for (k = 0; k < sizeof(TARGETS) / sizeof(TARGETS[0]); k++)
		for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
			ck_assert_int_eq(TARGETS[k].fn((const uint8_t *)inputs[i],
						       i == 6 ? 1 : strlen(inputs[i])),
					 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_replay, 0,
			    (int)(sizeof(TARGETS) / sizeof(TARGETS[0])));
	tcase_add_test(tc, test_degenerate);
	tcase_add_test(tc, test_gbfs_parts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
