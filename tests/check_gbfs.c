/*
 * check_gbfs.c - GBFS import: ward mapping (region map, system_regions,
 * region ids), the ward filter and order, capacity from a status series,
 * the stock from station_status, shortest number text, the errors of a
 * malformed feed; feeds of 100,000 ports and regions read in near-linear
 * time; the ward limit; a FIFO named as a feed; and the shipped data
 * reproduced byte for byte from the raw files by the documented commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fmt.h"
#include "input/csvread.h"
#include "input/gbfs.h"
#include "input/status.h"
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

static struct bs_gbfs *read_fixture(const char *map, const char *regions,
				    const char *wards, struct bs_error *err)
{
	struct bs_gbfs_opts o;

	memset(&o, 0, sizeof(o));
	o.info_path = tu_fixture("gbfs/station_information.json");
	o.region_map = map;
	o.regions_path = regions ? tu_fixture(regions) : NULL;
	o.wards = wards;
	return bs_gbfs_read(&o, err);
}

START_TEST(test_region_map_and_wards)
{
	struct bs_error err;
	struct bs_gbfs *g = read_fixture("1=Chiyoda,3=Minato", NULL,
					 "Minato,Chiyoda", &err);

	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->feed_stations, 5);
	ck_assert_uint_eq(g->outside, 1); /* s9, region 5 */
	ck_assert_uint_eq(g->n, 4);
	/* ward order of --wards, then name */
	ck_assert_str_eq(g->st[0].id, "s3");
	ck_assert_str_eq(g->st[0].ward, "Minato");
	ck_assert_str_eq(g->st[1].id, "s4");
	ck_assert_str_eq(g->st[2].id, "s2");
	ck_assert_str_eq(g->st[3].id, "s1");
	ck_assert_int_eq(g->st[1].capacity, -1); /* the feed gives none */
	/* finish drops the station without capacity, with a warning */
	ck_assert_uint_eq(bs_gbfs_finish(g), 3);
	ck_assert_int_eq(g->warn.count, 1);
	ck_assert_ptr_nonnull(strstr(g->warn.first[0], "s4"));
	bs_gbfs_free(g);
}
END_TEST

START_TEST(test_system_regions_and_ids)
{
	struct bs_error err;
	struct bs_gbfs *g = read_fixture(NULL, "gbfs/system_regions.json", NULL,
					 &err);
	size_t i;

	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->n, 5);
	/* wards in order of first appearance: Minato (s3 comes first) */
	ck_assert_str_eq(g->st[0].ward, "Minato");
	ck_assert_str_eq(g->st[4].ward, "Shinjuku");
	bs_gbfs_free(g);
	/* no map at all: the region ids are the wards */
	g = read_fixture(NULL, NULL, "1", &err);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->n, 2);
	for (i = 0; i < g->n; i++)
		ck_assert_str_eq(g->st[i].ward, "1");
	bs_gbfs_free(g);
}
END_TEST

START_TEST(test_capacity_and_stock)
{
	struct bs_error err;
	struct bs_gbfs *g = read_fixture("1=Chiyoda,3=Minato", NULL,
					 "Chiyoda,Minato", &err);
	struct bs_status *s = bs_status_load(tu_fixture("status_small.csv.gz"),
					     540, &err);
	char *p, *text;
	FILE *fp;

	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(s);
	bs_gbfs_capacity_from_status(g, s);
	ck_assert_int_eq(bs_gbfs_read_stock(g, tu_fixture("gbfs/station_status.json"), &err), 0);
	ck_assert_uint_eq(bs_gbfs_finish(g), 3);
	/* s1: largest bikes + docks 20 (the feed said 8); s2: 9; s3: 10 */
	ck_assert_str_eq(g->st[0].id, "s2");
	ck_assert_int_eq(g->st[0].capacity, 9);
	ck_assert_int_eq(g->st[1].capacity, 20);
	ck_assert_int_eq(g->st[2].capacity, 10);
	ck_assert_int_eq(g->st[0].stock, 7);
	ck_assert_uint_eq(g->capacity_raised, 2); /* s3 already had 10 */
	p = tu_write(dir, "out.csv", "");
	fp = fopen(p, "wb");
	bs_gbfs_write_stations(g, fp);
	fclose(fp);
	text = tu_slurp(p, NULL);
	ck_assert_str_eq(text,
			 "station_id,name,ward,lat,lon,capacity\n"
			 "s2,A-1 Kojimachi,Chiyoda,35.6851,139.738,9\n"
			 "s1,A-2 Kanda,Chiyoda,35.6938,139.7533,20\n"
			 "s3,C-1 Shiba,Minato,35.6581,139.7514,10\n");
	free(text);
	fp = fopen(p, "wb");
	bs_gbfs_write_stock(g, fp);
	fclose(fp);
	text = tu_slurp(p, NULL);
	ck_assert_str_eq(text, "station_id,bikes\ns2,7\ns1,3\ns3,0\n");
	free(text);
	free(p);
	bs_status_free(s);
	bs_gbfs_free(g);
}
END_TEST

START_TEST(test_shortest_numbers)
{
	char b[40];

	bs_fmt_shortest(35.693799, b, sizeof(b));
	ck_assert_str_eq(b, "35.693799");
	bs_fmt_shortest(139.7, b, sizeof(b));
	ck_assert_str_eq(b, "139.7");
	bs_fmt_shortest(-74.0334588, b, sizeof(b));
	ck_assert_str_eq(b, "-74.0334588");
	bs_fmt_shortest(0.1 + 0.2, b, sizeof(b));
	ck_assert_str_eq(b, "0.30000000000000004");
}
END_TEST

/* Malformed feeds: each error names the file, the key and what was
 * expected, with line and column in the text. */
static void feed_error(const char *json, const char *map, const char *key,
		       const char *text)
{
	char *p = tu_write(dir, "si.json", json);
	struct bs_gbfs_opts o;
	struct bs_error err;

	memset(&o, 0, sizeof(o));
	o.info_path = p;
	o.region_map = map;
	bs_error_clear(&err);
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.file, p);
	ck_assert_msg(strcmp(err.key, key) == 0, "key '%s', expected '%s'",
		      err.key, key);
	ck_assert_msg(strstr(err.text, text) != NULL, "'%s' lacks '%s'",
		      err.text, text);
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_gt(err.column, 0);
	free(p);
}

START_TEST(test_malformed_feeds)
{
	feed_error("{\"data\": {\"station\": []}}", NULL, "data",
		   "missing key 'stations'");
	feed_error("{\"data\": {\"stations\": {}}}", NULL, "data.stations",
		   "not an array");
	feed_error("{\"data\": {\"stations\": [{\"station_id\": \"a\", \"name\": \"A\", \"lat\": \"35.6\", \"lon\": 139.7}]}}",
		   NULL, "data.stations[0].lat", "not a number");
	feed_error("{\"data\": {\"stations\": [{\"station_id\": \"a\", \"name\": \"A\", \"lon\": 139.7}]}}",
		   NULL, "data.stations[0].lat", "no latitude");
	feed_error("{\"data\": {\"stations\": [{\"station_id\": \"a\", \"name\": \"A\", \"lat\": 35.6, \"lon\": 139.7, \"region_id\": \"7\"}]}}",
		   "1=Chiyoda", "data.stations[0].region_id",
		   "unknown region id '7'");
	feed_error("{\"data\": {\"stations\": [{\"station_id\": true, \"name\": \"A\", \"lat\": 35.6, \"lon\": 139.7}]}}",
		   NULL, "data.stations[0].station_id", "expected the station's id");
	feed_error("{\"data\": {\"stations\": [{\"station_id\": \"a\", \"name\": \"A\", \"lat\": 35.6, \"lon\": 139.7, \"capacity\": -2}]}}",
		   NULL, "data.stations[0].capacity", "whole number");
}
END_TEST

/* --wards naming a ward no station has is an error, not an empty file. */
START_TEST(test_unknown_ward_in_filter)
{
	struct bs_error err;

	ck_assert_ptr_null(read_fixture("1=Chiyoda,3=Minato", NULL,
					"Chiyoda,Minatoo", &err));
	ck_assert_str_eq(err.file, "--wards");
	ck_assert_ptr_nonnull(strstr(err.text, "'Minatoo'"));
}
END_TEST

/* A feed of n ports s0..s(n-1) (port i in region r<i % nreg>, or "1"),
 * then, when dup >= 0, port dup again under another name. */
static char *big_feed(const char *name, long n, long nreg, long dup)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	FILE *fp;
	long i;

	sprintf(p, "%s/%s", dir, name);
	fp = fopen(p, "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"data\": {\"stations\": [", fp);
	for (i = 0; i < n + (dup >= 0); i++) {
		long k = i < n ? i : dup;
		char reg[32];
		if (nreg > 0)
			snprintf(reg, sizeof(reg), "r%ld", k % nreg);
		else
			snprintf(reg, sizeof(reg), "1");
		fprintf(fp, "%s\n{\"station_id\": \"s%ld\", \"name\": \"%s%ld\", \"lat\": 35.6, \"lon\": 139.7, \"region_id\": \"%s\", \"capacity\": 10}",
			i ? "," : "", k, i < n ? "P" : "Q", k, reg);
	}
	fputs("]}}\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	return p;
}

/* 100,000 ports: the duplicate-id check compared every pair after the
 * sort (30 s here for one duplicate, 37 s for none), the stock lookup
 * scanned every port for each status entry (54 s with it), the region
 * lookup scanned every region for each port (71 s for 100,000 regions):
 * together far past this test's timeout. Now each is O(n log n). */
START_TEST(test_feed_of_100k_ports)
{
	const long n = 100000;
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;
	char *info, *st, *rg;
	FILE *fp;
	long i;

	memset(&o, 0, sizeof(o));
	o.region_map = "1=W";
	o.info_path = info = big_feed("dup.json", n, 0, n / 2);
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_str_eq(err.key, "data.stations");
	ck_assert_str_eq(err.text, "station id 's50000' appears twice; expected unique station_id values");
	free(info);
	/* unique ids, and the stock of every port from station_status */
	o.info_path = info = big_feed("si.json", n, 0, -1);
	g = bs_gbfs_read(&o, &err);
	ck_assert_msg(g != NULL, "%s", err.text);
	ck_assert_uint_eq(g->n, (size_t)n);
	st = malloc(strlen(dir) + 16);
	sprintf(st, "%s/ss.json", dir);
	fp = fopen(st, "wb");
	fputs("{\"data\": {\"stations\": [", fp);
	for (i = n - 1; i >= 0; i--)
		fprintf(fp, "%s{\"station_id\": \"s%ld\", \"num_bikes_available\": %ld}",
			i < n - 1 ? "," : "", i, i % 7);
	fputs("]}}\n", fp);
	fclose(fp);
	ck_assert_int_eq(bs_gbfs_read_stock(g, st, &err), 0);
	ck_assert_int_eq(g->warn.count, 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(g->st[i].stock, atol(g->st[i].id + 1) % 7);
	bs_gbfs_free(g);
	free(info);
	/* 100,000 regions, 100 wards: each port's region looked up */
	rg = malloc(strlen(dir) + 16);
	sprintf(rg, "%s/rg.json", dir);
	fp = fopen(rg, "wb");
	fputs("{\"data\": {\"regions\": [", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s{\"region_id\": \"r%ld\", \"name\": \"W%ld\"}",
			i ? "," : "", i, i % 100);
	fputs("]}}\n", fp);
	fclose(fp);
	o.region_map = NULL;
	o.regions_path = rg;
	o.info_path = info = big_feed("sir.json", n, n, -1);
	g = bs_gbfs_read(&o, &err);
	ck_assert_msg(g != NULL, "%s", err.text);
	ck_assert_uint_eq(g->n, (size_t)n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(atol(g->st[i].ward + 1),
				 atol(g->st[i].id + 1) % 100);
	bs_gbfs_free(g);
	free(info);
	free(rg);
	free(st);
}
END_TEST

/* No port at all (an empty array, or none in the wanted wards): qsort of
 * the NULL array was undefined (UBSan; the gbfs fuzz target found it). */
START_TEST(test_feed_without_ports)
{
	char *p = tu_write(dir, "si.json", "{\"data\": {\"stations\": []}}");
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;

	memset(&o, 0, sizeof(o));
	o.info_path = p;
	g = bs_gbfs_read(&o, &err);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->n, 0);
	ck_assert_int_eq(bs_gbfs_read_stock(g, tu_fixture("gbfs/station_status.json"), &err), 0);
	ck_assert_uint_eq(bs_gbfs_finish(g), 0);
	bs_gbfs_free(g);
	free(p);
}
END_TEST

/* bssim reads at most 256 wards: the 257th is refused at the port that
 * brings it (the ward list was scanned for every port), and so is a ward
 * list of 257 names. */
START_TEST(test_ward_limit)
{
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;
	char *p = big_feed("w.json", 257, 257, -1), list[257 * 8];
	size_t i, n = 0;

	memset(&o, 0, sizeof(o));
	o.info_path = p;
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_str_eq(err.key, "data.stations[256].region_id");
	ck_assert_str_eq(err.text, "ward 'r256' is one more than 256; expected at most 256 wards (keep some with --wards)");
	ck_assert_int_gt(err.line, 0);
	for (i = 0; i < 256; i++)
		n += (size_t)sprintf(list + n, "%sr%zu", i ? "," : "", i);
	o.wards = list;
	g = bs_gbfs_read(&o, &err);
	ck_assert_msg(g != NULL, "%s", err.text);
	ck_assert_uint_eq(g->n, 256);
	ck_assert_uint_eq(g->outside, 1);
	ck_assert_str_eq(g->st[255].ward, "r255"); /* the list's order */
	bs_gbfs_free(g);
	sprintf(list + n, ",r256");
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_str_eq(err.file, "--wards");
	ck_assert_str_eq(err.text, "257 wards; expected at most 256");
	free(p);
}
END_TEST

/* A FIFO named as any of the feed's files is refused, not waited on
 * (with no writer, a plain open would never return: the test would fail
 * by its timeout). */
START_TEST(test_feed_fifo)
{
	char fifo[1200];
	struct bs_gbfs_opts o;
	struct bs_error err;
	struct bs_gbfs *g;

	snprintf(fifo, sizeof(fifo), "%s/feed.fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	memset(&o, 0, sizeof(o));
	o.info_path = fifo;
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_str_eq(err.file, fifo);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a GBFS JSON file");
	o.info_path = tu_fixture("gbfs/station_information.json");
	o.regions_path = fifo;
	ck_assert_ptr_null(bs_gbfs_read(&o, &err));
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a GBFS JSON file");
	o.regions_path = NULL;
	g = bs_gbfs_read(&o, &err);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(bs_gbfs_read_stock(g, fifo, &err), BS_E_INPUT);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a GBFS JSON file");
	bs_gbfs_free(g);
}
END_TEST

static int run(const char *args, char **out, char **err)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s %s", tu_bssim(), args);
	return tu_run(cmd, out, err);
}

static void same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = tu_slurp(a, &la), *y = tu_slurp(b, &lb);

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_msg(la == lb && memcmp(x, y, la) == 0, "%s differs from %s",
		      a, b);
	free(x);
	free(y);
}

/* data/README: the shipped derived files are what the documented commands
 * make from the raw published files, byte for byte. */
START_TEST(test_shipped_data_reproduces)
{
	char args[8192], p1[1024], p2[1024], p3[1024], p4[1024];

	snprintf(p1, sizeof(p1), "%s/stations.csv", dir);
	snprintf(p2, sizeof(p2), "%s/stock.csv", dir);
	snprintf(p3, sizeof(p3), "%s/rates.csv", dir);
	snprintf(p4, sizeof(p4), "%s/gbfs_capacity.csv", dir);
	snprintf(args, sizeof(args),
		 "import gbfs --station-information data/raw/docomo-cycle-tokyo_station_information_20220628.json"
		 " --region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto --wards Chiyoda,Chuo,Minato,Koto"
		 " --capacity-from data/tokyo4_status_20220629.csv.gz"
		 " --station-status data/raw/docomo-cycle-tokyo_station_status_20220629T0000.json"
		 " --stock-output %s -o %s -q", p2, p1);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	same_bytes(p1, "data/tokyo4_stations.csv");
	same_bytes(p2, "data/tokyo4_stock_20220629T0000.csv");
	snprintf(args, sizeof(args),
		 "calibrate status data/tokyo4_status_20220629.csv.gz --stations %s -o %s -q",
		 p1, p3);
	ck_assert_int_eq(run(args, NULL, NULL), 0);
	same_bytes(p3, "data/tokyo4_rates_20220629.csv");
	/* without the series: the feed's capacity (6,825 docks), and the
	 * 55 ports whose midnight stock exceeds it are named as warnings */
	snprintf(args, sizeof(args),
		 "import gbfs --station-information data/raw/docomo-cycle-tokyo_station_information_20220628.json"
		 " --region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto --wards Chiyoda,Chuo,Minato,Koto"
		 " --station-status data/raw/docomo-cycle-tokyo_station_status_20220629T0000.json"
		 " --stock-output %s -o %s", p2, p4);
	{
		char *out, *err;
		ck_assert_int_eq(run(args, &out, &err), 0);
		ck_assert_ptr_nonnull(strstr(out, "6825 docks"));
		ck_assert_ptr_nonnull(strstr(out, "warnings: 55"));
		ck_assert_ptr_nonnull(strstr(err, "and 52 more (55 warnings in all)"));
		free(out);
		free(err);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("gbfs");
	TCase *tc = tcase_create("gbfs");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_region_map_and_wards);
	tcase_add_test(tc, test_system_regions_and_ids);
	tcase_add_test(tc, test_capacity_and_stock);
	tcase_add_test(tc, test_shortest_numbers);
	tcase_add_test(tc, test_malformed_feeds);
	tcase_add_test(tc, test_unknown_ward_in_filter);
	tcase_add_test(tc, test_shipped_data_reproduces);
	tcase_add_test(tc, test_feed_of_100k_ports);
	tcase_add_test(tc, test_feed_without_ports);
	tcase_add_test(tc, test_ward_limit);
	tcase_add_test(tc, test_feed_fifo);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
