/*
 * check_calibrate.c - the status series reader (gzip and plain, JSON
 * folders), demand calibration from a status series (departures,
 * arrivals, truck moves, imputation) and from a trip log (rates, OD), the
 * trip-log reader's times and its errors; every count worked out by hand
 * from the fixtures. Also what the readers refuse: rows wider than the
 * header, a column named twice, a timestamp beyond year 9999, a cut gzip
 * series, a FIFO as the series or inside its folder; and rides before
 * 1970 counted in the right hour. Soft capacity from a series (published
 * capacity, physical limit) on a hand-made series, and a network port the
 * series lacks. The destination fit (calibrate od) recovers a decay and
 * ward factors from a sample drawn from the model itself, within that
 * sample's own error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calib/calibrate.h"
#include "input/stations.h"
#include "input/status.h"
#include "input/triplog.h"
#include "engine/rng.h"
#include "testutil.h"

#include <gsl/gsl_rng.h>
#include <jansson.h>

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

static struct bs_network *net_of(const char *fixture)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture(fixture), 0.0, &err);

	ck_assert_msg(net != NULL, "%s", err.text);
	return net;
}

START_TEST(test_status_gzip_equals_plain)
{
	struct bs_error err;
	struct bs_status *a = bs_status_load(tu_fixture("status_small.csv"), 0, &err);
	struct bs_status *b = bs_status_load(tu_fixture("status_small.csv.gz"), 0, &err);
	long s2;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->nst, 3);
	ck_assert_uint_eq(a->nobs, b->nobs);
	ck_assert_int_eq(memcmp(a->bikes, b->bikes, a->nobs * sizeof(int32_t)), 0);
	ck_assert_int_eq(memcmp(a->minute, b->minute, a->nobs * sizeof(int32_t)), 0);
	/* 1440 + 1440 + 180 rows, one of s2's minutes given twice */
	ck_assert_uint_eq(a->nobs, 3060);
	ck_assert_int_eq(a->warn.count, 1);
	ck_assert_ptr_nonnull(strstr(a->warn.first[0], "minute 700"));
	s2 = bs_status_find(a, "s2");
	ck_assert_int_eq(s2, 1);
	ck_assert_uint_eq(a->off[2] - a->off[1], 1440);
	ck_assert_int_eq(bs_status_find(a, "nope"), -1);
	bs_status_free(a);
	bs_status_free(b);
}
END_TEST

START_TEST(test_status_json_folder)
{
	struct bs_error err;
	struct bs_status *s;
	char sub[1024];

	snprintf(sub, sizeof(sub), "%s/feed", dir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	/* 2022-06-29 00:00:06 and 00:01:06 JST */
	free(tu_write(sub, "a.json", "{\"last_updated\": 1656428406, \"data\": {\"stations\": ["
				     "{\"station_id\": \"s1\", \"num_bikes_available\": 4, \"num_docks_available\": 6}]}}"));
	free(tu_write(sub, "b.json", "{\"last_updated\": 1656428466, \"data\": {\"stations\": ["
				     "{\"station_id\": \"s1\", \"num_bikes_available\": 3, \"num_docks_available\": 7}]}}"));
	s = bs_status_load(sub, 540, &err);
	ck_assert_msg(s != NULL, "%s", err.text);
	ck_assert_uint_eq(s->nobs, 2);
	ck_assert_int_eq(s->minute[0], 0);
	ck_assert_int_eq(s->minute[1], 1);
	ck_assert_int_eq(s->bikes[1], 3);
	bs_status_free(s);
	free(tu_write(sub, "c.json", "{\"last_updated\": 1656428526, \"data\": {\"stations\": ["
				     "{\"station_id\": \"s1\", \"num_bikes_available\": \"3\"}]}}"));
	ck_assert_ptr_null(bs_status_load(sub, 540, &err));
	ck_assert_str_eq(err.key, "data.stations[0].num_bikes_available");
}
END_TEST

/* A status CSV refused at row, key, with a message holding text. */
static void status_error(const char *csv, long row, const char *key,
			 const char *text)
{
	struct bs_error err;
	char *p = tu_write(dir, "s.csv", csv);

	ck_assert_ptr_null(bs_status_load(p, 0, &err));
	ck_assert_int_eq(err.row, row);
	ck_assert_str_eq(err.key, key);
	ck_assert_msg(strstr(err.text, text) != NULL, "%s", err.text);
	free(p);
}

START_TEST(test_status_bad_rows)
{
	status_error("station_id,minute,bikes,docks\na,0,1,2\na,1,-1,3\n", 3,
		     "bikes", "'-1' is not a count");
	status_error("station_id,minute,bikes\na,0,1\n", 1, "docks",
		     "missing column 'docks'");
	/* a row one field too wide: it was read, its last field dropped */
	status_error("station_id,minute,bikes,docks\na,0,1,2\na,1,1,2,3\n", 3, "",
		     "the row has 5 fields but the header has 4; expected one field per column of the header (quote a field that holds a comma)");
}

START_TEST(test_calibrate_status)
{
	struct bs_error err;
	struct bs_network *net = net_of("gbfs_stations.csv");
	struct bs_status *s = bs_status_load(tu_fixture("status_small.csv"), 0, &err);
	struct bs_calib_opts o = {4, 10.0};
	struct bs_rates r;
	uint32_t s1 = bs_network_find(net, "s1"), s2 = bs_network_find(net, "s2"),
		 s3 = bs_network_find(net, "s3"), s4 = bs_network_find(net, "s4");
	size_t h;
	double d1 = 0.0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(bs_calibrate_status(net, s, "x", &o, &r, &err), 0);
	/* s1: -1 and -2 in minutes 61, 62 (users), -5 at 63 (a truck) */
	ck_assert_double_eq_tol(r.dep[s1 * 24 + 1], 3.0, 1e-12);
	ck_assert_double_eq_tol(r.truck_pick[s1 * 24 + 1], 5.0, 1e-12);
	/* +3 at minute 500 (users), +4 at 501 (a truck), hour 8 */
	ck_assert_double_eq_tol(r.arr[s1 * 24 + 8], 3.0, 1e-12);
	ck_assert_double_eq_tol(r.truck_drop[s1 * 24 + 8], 4.0, 1e-12);
	for (h = 0; h < 24; h++)
		d1 += r.dep[s1 * 24 + h];
	ck_assert_double_eq_tol(d1, 3.0, 1e-12);
	/* s2: +1 in minute 130 and +1 in minute 1439 */
	ck_assert_double_eq_tol(r.arr[s2 * 24 + 2], 1.0, 1e-12);
	ck_assert_double_eq_tol(r.arr[s2 * 24 + 23], 1.0, 1e-12);
	/* s3: observed in hours 0-2 only; -1 at minute 90; the other 21
	 * hours are imputed (0 here: the network has no departures then) */
	ck_assert_double_eq_tol(r.dep[s3 * 24 + 1], 1.0, 1e-12);
	ck_assert_uint_eq(r.imputed, 21);
	/* s4 is not in the series: no demand, one warning; s3 one */
	ck_assert_double_eq(r.dep[s4 * 24 + 8], 0.0);
	ck_assert_int_eq(r.warn.count, 2);
	bs_rates_release(&r);
	/* a higher truck threshold makes the 4 and 5 users */
	o.truck_jump = 6;
	ck_assert_int_eq(bs_calibrate_status(net, s, "x", &o, &r, &err), 0);
	ck_assert_double_eq_tol(r.dep[s1 * 24 + 1], 8.0, 1e-12);
	ck_assert_double_eq_tol(r.arr[s1 * 24 + 8], 7.0, 1e-12);
	bs_rates_release(&r);
	bs_status_free(s);
	bs_network_free(net);
}
END_TEST

/* A series with a station the network lacks: the file, row and id. */
START_TEST(test_status_station_not_in_network)
{
	struct bs_error err;
	struct bs_network *net = net_of("gbfs_stations.csv");
	char *p = tu_write(dir, "s.csv", "station_id,minute,bikes,docks\ns1,0,1,2\nzz,0,1,2\n");
	struct bs_status *s = bs_status_load(p, 0, &err);
	struct bs_calib_opts o = {4, 10.0};
	struct bs_rates r;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(bs_calibrate_status(net, s, p, &o, &r, &err), BS_E_INPUT);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "station_id");
	ck_assert_ptr_nonnull(strstr(err.text, "'zz' is not in the network"));
	bs_status_free(s);
	bs_network_free(net);
	free(p);
}
END_TEST

START_TEST(test_datetime)
{
	double m;
	long d;

	ck_assert_int_eq(bs_parse_date("1970-01-02", &d), 0);
	ck_assert_int_eq(d, 1);
	ck_assert_int_eq(bs_parse_date("2019-01-01", &d), 0);
	ck_assert_int_eq(d, 17897);
	ck_assert_int_eq(bs_parse_date("2019-02-29", &d), -1);
	ck_assert_int_eq(bs_parse_date("2020-02-29", &d), 0);
	ck_assert_int_eq(bs_parse_datetime("2019-01-01 03:09:09.7110", &m), 0);
	ck_assert_double_eq_tol(m, 17897.0 * 1440.0 + 189.0 + 9.711 / 60.0, 1e-6);
	ck_assert_int_eq(bs_parse_datetime("2021-06-01T10:00:00Z", &m), 0);
	ck_assert_int_eq(bs_parse_datetime("2019-01-01 25:00:00", &m), -1);
	ck_assert_int_eq(bs_parse_datetime("2019-01-01", &m), -1);
	ck_assert_int_eq(bs_parse_datetime("2019-01-01 10:00:00x", &m), -1);
}
END_TEST

START_TEST(test_calibrate_trips)
{
	struct bs_error err;
	struct bs_tripnet *t = bs_tripnet_read(tu_fixture("trips_small.csv"), &err);
	struct bs_network *net;
	struct bs_rates r;
	char *p;
	FILE *fp;
	size_t k;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 3);
	ck_assert_int_eq(t->rides, 5);
	ck_assert_int_eq(t->warn.count, 1); /* the NULL start station */
	ck_assert_str_eq(t->name[2], "Three, East");
	p = tu_write(dir, "st.csv", "");
	fp = fopen(p, "wb");
	bs_tripnet_write(t, "JC", 7, fp);
	fclose(fp);
	net = bs_stations_load(p, 0.0, &err);
	ck_assert_ptr_nonnull(net);
	ck_assert_uint_eq(net->total_docks, 21);
	ck_assert_int_eq(bs_calibrate_trips(net, tu_fixture("trips_small.csv"), 0.0, &r, &err), 0);
	/* starts on days 1..2 of the log (Jan 1 and 2; the NULL row of Jan 3
	 * is skipped): 2 days */
	ck_assert_double_eq(r.days, 2.0);
	ck_assert_double_eq_tol(r.dep[0 * 24 + 8], 1.0, 1e-12); /* 2 rides / 2 days */
	ck_assert_double_eq_tol(r.dep[1 * 24 + 8], 0.5, 1e-12);
	ck_assert_double_eq_tol(r.arr[0 * 24 + 9], 0.5, 1e-12); /* ends 09:09 */
	ck_assert_double_eq_tol(r.dep[0 * 24 + 23], 0.5, 1e-12);
	ck_assert_double_eq_tol(r.arr[1 * 24 + 0], 0.5, 1e-12); /* past midnight */
	/* OD: 1->2 twice, 1->3, 2->1, 3->3 */
	ck_assert_uint_eq(r.nod, 4);
	for (k = 0; k < r.nod; k++)
		if (r.od_o[k] == 0 && r.od_d[k] == 1)
			ck_assert_double_eq(r.od_trips[k], 2.0);
	bs_rates_release(&r);
	bs_network_free(net);
	bs_tripnet_free(t);
	free(p);
}
END_TEST

static void trips_error(const char *rows, long row, const char *key,
			const char *text)
{
	char body[4096];
	char *p;
	struct bs_error err;
	struct bs_tripnet *t;

	snprintf(body, sizeof(body),
		 "starttime,stoptime,start station id,end station id,start station latitude,start station longitude,end station latitude,end station longitude\n%s",
		 rows);
	p = tu_write(dir, "log.csv", body);
	t = bs_tripnet_read(p, &err);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(err.row, row);
	ck_assert_msg(strcmp(err.key, key) == 0, "key %s", err.key);
	ck_assert_msg(strstr(err.text, text) != NULL, "%s", err.text);
	free(p);
}

START_TEST(test_trip_log_errors)
{
	trips_error("2019-01-01 10:00:00,2019-01-01 09:59:00,1,2,40.7,-74,40.7,-74.1\n",
		    2, "stoptime", "ends (2019-01-01 09:59:00) before it starts");
	trips_error("2019-01-01 10:00:00,2019-01-01 10:09:00,1,2,40.7,-74,40.7,-74.1\nyesterday,2019-01-01 10:09:00,1,2,40.7,-74,40.7,-74.1\n",
		    3, "starttime", "'yesterday' is not a time");
	{
		struct bs_error err;
		char *p = tu_write(dir, "log.csv", "a,b,c\n1,2,3\n");
		ck_assert_ptr_null(bs_tripnet_read(p, &err));
		ck_assert_ptr_nonnull(strstr(err.text, "not a trip log header"));
		free(p);
	}
}
END_TEST

/* A log naming a station the network lacks: file, row, column. */
START_TEST(test_trips_unknown_station)
{
	struct bs_error err;
	struct bs_network *net = net_of("gbfs_stations.csv");
	struct bs_rates r;

	ck_assert_int_eq(bs_calibrate_trips(net, tu_fixture("trips_small.csv"), 0.0, &r, &err),
			 BS_E_INPUT);
	ck_assert_int_eq(err.row, 2);
	ck_assert_str_eq(err.key, "start station id");
	ck_assert_ptr_nonnull(strstr(err.text, "station '1' is not in the network"));
	bs_network_free(net);
}
END_TEST

/* Rides before 1970 have negative times: their hour came out of fmod
 * negative and was cast to an index (-1 as size_t: a write far outside
 * the table, under ASan a crash). 23:30 on 1969-12-31 is hour 23. */
START_TEST(test_trips_before_1970)
{
	struct bs_error err;
	char *log = tu_write(dir, "old.csv",
			     "starttime,stoptime,start station id,end station id,start station latitude,start station longitude,end station latitude,end station longitude\n"
			     "1969-12-31 23:30:00,1970-01-01 00:10:00,1,2,40.71,-74.03,40.72,-74.04\n"
			     "1969-12-31 08:00:00,1969-12-31 08:20:00,2,1,40.72,-74.04,40.71,-74.03\n");
	struct bs_tripnet *t = bs_tripnet_read(log, &err);
	struct bs_network *net;
	struct bs_rates r;
	char *p;
	FILE *fp;

	ck_assert_msg(t != NULL, "%s", err.text);
	p = tu_write(dir, "st.csv", "");
	fp = fopen(p, "wb");
	bs_tripnet_write(t, "JC", 7, fp);
	fclose(fp);
	net = bs_stations_load(p, 0.0, &err);
	ck_assert_ptr_nonnull(net);
	ck_assert_int_eq(bs_calibrate_trips(net, log, 0.0, &r, &err), 0);
	ck_assert_double_eq(r.days, 1.0);
	ck_assert_double_eq(r.dep[0 * 24 + 23], 1.0);
	ck_assert_double_eq(r.arr[1 * 24 + 0], 1.0);
	ck_assert_double_eq(r.dep[1 * 24 + 8], 1.0);
	ck_assert_double_eq(r.arr[0 * 24 + 8], 1.0);
	bs_rates_release(&r);
	bs_network_free(net);
	bs_tripnet_free(t);
	free(p);
	free(log);
}
END_TEST

/* The rule of every CSV reader, here in the trip log: a row one field
 * too wide is refused (the series: test_status_bad_rows); and a trip log
 * naming a column twice is refused (the last of them was read). */
START_TEST(test_rows_too_wide_and_twice_named)
{
	struct bs_error err;
	char *p;

	trips_error("2019-01-01 10:00:00,2019-01-01 10:09:00,1,2,40.7,-74,40.7,-74.1,x\n",
		    2, "", "the row has 9 fields but the header has 8");
	p = tu_write(dir, "log.csv",
		     "starttime,stoptime,start station id,end station id,end station id\n"
		     "2019-01-01 10:00:00,2019-01-01 10:09:00,1,2,3\n");
	ck_assert_ptr_null(bs_tripnet_read(p, &err));
	ck_assert_int_eq(err.row, 1);
	ck_assert_str_eq(err.key, "end station id");
	ck_assert_ptr_nonnull(strstr(err.text, "appears twice in the header"));
	free(p);
}
END_TEST

/* last_updated plus the UTC offset overflowed a long long for values
 * near its maximum (undefined; UBSan stops there). */
START_TEST(test_status_json_time_bounded)
{
	struct bs_error err;
	char sub[1024];

	snprintf(sub, sizeof(sub), "%s/feed", dir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	free(tu_write(sub, "a.json", "{\"last_updated\": 9223372036854775807, \"data\": {\"stations\": ["
				     "{\"station_id\": \"s1\", \"num_bikes_available\": 4, \"num_docks_available\": 6}]}}"));
	ck_assert_ptr_null(bs_status_load(sub, 1440, &err));
	ck_assert_str_eq(err.key, "last_updated");
	ck_assert_str_eq(err.text, "missing or not a whole number from 0 to 253402300799; expected the POSIX time of the file");
}
END_TEST

/* The series, gzip-compressed, cut short or with bytes after it: refused
 * (gzread handed out what it had and said nothing). */
START_TEST(test_status_gzip_damaged)
{
	struct bs_error err;
	size_t len;
	char *z = tu_slurp(tu_fixture("status_small.csv.gz"), &len), *p;
	FILE *fp;

	ck_assert_ptr_nonnull(z);
	p = tu_write(dir, "cut.csv.gz", "");
	fp = fopen(p, "wb");
	fwrite(z, 1, len * 9 / 10, fp);
	fclose(fp);
	ck_assert_ptr_null(bs_status_load(p, 0, &err));
	ck_assert_str_eq(err.file, p);
	ck_assert_str_eq(err.text, "the gzip data ends early (the file is cut short); expected a complete gzip file");
	fp = fopen(p, "wb");
	fwrite(z, 1, len, fp);
	fputs("\n", fp);
	fclose(fp);
	ck_assert_ptr_null(bs_status_load(p, 0, &err));
	ck_assert_str_eq(err.text, "data after the end of the gzip data; expected nothing after it but another gzip member");
	free(p);
	free(z);
}
END_TEST

/* A FIFO as the series, or as a file of its folder: refused at once (a
 * plain open would wait for a writer for ever: this test would fail by
 * its timeout). */
START_TEST(test_status_fifo)
{
	struct bs_error err;
	char sub[1024], fifo[1100];

	snprintf(fifo, sizeof(fifo), "%s/series.fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_ptr_null(bs_status_load(fifo, 540, &err));
	ck_assert_str_eq(err.file, fifo);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a status series CSV file or a folder of station_status JSON files");
	snprintf(sub, sizeof(sub), "%s/feed", dir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	free(tu_write(sub, "a.json", "{\"last_updated\": 1656428406, \"data\": {\"stations\": ["
				     "{\"station_id\": \"s1\", \"num_bikes_available\": 4, \"num_docks_available\": 6}]}}"));
	snprintf(fifo, sizeof(fifo), "%s/b.json", sub);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_ptr_null(bs_status_load(sub, 540, &err));
	ck_assert_str_eq(err.file, fifo);
	ck_assert_str_eq(err.text, "not a regular file (a FIFO); expected a GBFS station_status file");
}
END_TEST

/*
 * Soft capacity by hand (calibrate.h): bikes,docks per observation.
 * P1: 3,7 5,5 10,0 12,0 4,6 2,7: free-dock values 10 10 10 9, mode 10;
 *     the most bikes 12 -> limit 12 (bikes above the published 10).
 * P2: 1,4 2,3 1,5 0,6: 5 5 6 6, a tie to the larger: 6; bikes <= 2 -> 6.
 * P3: 9,0 7,0 8,0: never a free dock, the smallest bikes + docks 7;
 *     the most bikes 9 -> limit 9.
 * P4: 0,0 0,0: never a free dock, 0 -> 1 dock; limit 1.
 * The written stations CSV reads back with these as capacity and
 * physical_limit.
 */
START_TEST(test_soft_capacity_by_hand)
{
	static const int obs[4][6][2] = {
		{{3, 7}, {5, 5}, {10, 0}, {12, 0}, {4, 6}, {2, 7}},
		{{1, 4}, {2, 3}, {1, 5}, {0, 6}, {-1, 0}, {-1, 0}},
		{{9, 0}, {7, 0}, {8, 0}, {-1, 0}, {-1, 0}, {-1, 0}},
		{{0, 0}, {0, 0}, {-1, 0}, {-1, 0}, {-1, 0}, {-1, 0}}};
	static const uint32_t want_cap[4] = {10, 6, 7, 1}, want_lim[4] = {12, 6, 9, 1};
	char csv[4096], *st, *series, *out;
	size_t n = 0, i, k;
	struct bs_error err;
	struct bs_network *net, *back;
	struct bs_status *s;
	struct bs_warnings warn;
	uint32_t cap[4], lim[4];
	FILE *fp;

	st = tu_write(dir, "st.csv", "station_id,name,ward,lat,lon,capacity\n"
				     "P1,One,W,35.7,139.7,20\nP2,Two,W,35.71,139.7,20\n"
				     "P3,Three,V,35.72,139.7,20\nP4,Four,V,35.73,139.7,20\n");
	n += (size_t)snprintf(csv + n, sizeof(csv) - n, "station_id,minute,bikes,docks\n");
	for (i = 0; i < 4; i++)
		for (k = 0; k < 6 && obs[i][k][0] >= 0; k++)
			n += (size_t)snprintf(csv + n, sizeof(csv) - n, "P%zu,%zu,%d,%d\n",
					      i + 1, k, obs[i][k][0], obs[i][k][1]);
	series = tu_write(dir, "series.csv", csv);
	net = bs_stations_load(st, 0.0, &err);
	ck_assert_msg(net != NULL, "%s", err.text);
	s = bs_status_load(series, 0, &err);
	ck_assert_msg(s != NULL, "%s", err.text);
	memset(&warn, 0, sizeof(warn));
	ck_assert_int_eq(bs_status_soft_capacity(net, s, st, cap, lim, &warn, &err), 0);
	ck_assert_int_eq(warn.count, 0);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(cap[i], want_cap[i]);
		ck_assert_uint_eq(lim[i], want_lim[i]);
	}
	out = tu_write(dir, "soft.csv", "");
	fp = fopen(out, "w");
	ck_assert_ptr_nonnull(fp);
	bs_stations_write_soft(net, cap, lim, fp);
	fclose(fp);
	back = bs_stations_load(out, 0.0, &err);
	ck_assert_msg(back != NULL, "%s", err.text);
	ck_assert_ptr_nonnull(back->lim_data);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(back->ids[i], net->ids[i]);
		ck_assert_uint_eq(back->cap[i], want_cap[i]);
		ck_assert_uint_eq(back->lim_data[i], want_lim[i]);
		ck_assert(back->lat[i] == net->lat[i] && back->lon[i] == net->lon[i]);
	}
	ck_assert_str_eq(back->ward_names[back->ward[2]], "V");
	bs_network_free(back);
	bs_status_free(s);
	bs_network_free(net);
	free(st);
	free(series);
	free(out);
}
END_TEST

/* A port of the network the series never observed has no published
 * capacity: an error at its row of the stations file. */
START_TEST(test_soft_capacity_port_not_observed)
{
	char *st = tu_write(dir, "st.csv", "station_id,name,ward,lat,lon,capacity\n"
					   "P1,One,W,35.7,139.7,20\nP2,Two,W,35.71,139.7,20\n"
					   "P3,Three,W,35.72,139.7,20\n");
	char *series = tu_write(dir, "series.csv", "station_id,minute,bikes,docks\n"
						   "P1,0,1,9\nP3,0,2,8\n");
	struct bs_error err;
	struct bs_network *net = bs_stations_load(st, 0.0, &err);
	struct bs_status *s = bs_status_load(series, 0, &err);
	struct bs_warnings warn;
	uint32_t cap[3], lim[3];

	ck_assert_ptr_nonnull(net);
	ck_assert_ptr_nonnull(s);
	memset(&warn, 0, sizeof(warn));
	ck_assert_int_eq(bs_status_soft_capacity(net, s, st, cap, lim, &warn, &err),
			 BS_E_INPUT);
	ck_assert_str_eq(err.file, st);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "station_id");
	ck_assert_ptr_nonnull(strstr(err.text, "'P2' is not in the status series"));
	bs_status_free(s);
	bs_network_free(net);
	free(st);
	free(series);
}
END_TEST


/* ---- calibrate od ---------------------------------------------------- */

#define OD_W 4
static const double OD_F0[OD_W * OD_W] = {1.0, 0.5, 0.3, 0.8, 1.6, 1.0, 0.7, 0.4,
					 0.5, 1.2, 1.0, 2.0, 0.9, 0.6, 1.5, 1.0};

static void od_scenario(const char *name, double decay, const char *factors)
{
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"seed\": 3, \"replications\": 1,"
		 " \"network\": {\"synthetic\": {\"stations\": 100, \"capacity\": 10, \"wards\": %d, \"spacing_m\": 300}},"
		 " \"fleet\": {\"fill\": 0.5},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 5000, \"decay_m\": %g, \"max_trip_m\": 4000%s%s%s},"
		 " \"trip\": {\"duration\": {\"dist\": \"distance\"}}}",
		 OD_W, decay, factors ? ", \"ward_factors\": \"" : "",
		 factors ? factors : "", factors ? "\"" : "");
	free(tu_write(dir, name, json));
}

/* model.mean_length_m of a fit.json written by bs_calibrate_od at a kept
 * decay (the truth's factors), and the whole document for the rest. */
static json_t *od_fit(const char *scenario, double decay, double length,
		      const char *od, int factors, struct bs_od_report *rep)
{
	struct bs_calibrate_od_opts o;
	struct bs_error err;
	json_error_t je;
	json_t *doc;
	char out[4096];

	snprintf(out, sizeof(out), "%s/fit.json", dir);
	remove(out);
	bs_calibrate_od_opts_init(&o);
	o.scenario = tu_path(dir, scenario);
	o.decay_m = decay;
	o.mean_length_m = length;
	o.od = od ? tu_path(dir, od) : NULL;
	o.factors = factors;
	o.tol = 1e-7;
	o.max_iter = 500;
	o.output = out;
	ck_assert_msg(bs_calibrate_od(&o, rep, &err) == 0, "%s", err.text);
	doc = json_load_file(out, 0, &je);
	ck_assert_msg(doc != NULL, "%s", je.text);
	return doc;
}

static double jnum(json_t *doc, const char *a, const char *b)
{
	json_t *v = json_object_get(doc, a);

	if (b)
		v = json_object_get(v, b);
	ck_assert_msg(json_is_number(v), "%s.%s", a, b ? b : "");
	return json_number_value(v);
}

/*
 * A sample of 400,000 destinations drawn with the simulator's own draw
 * from a model of decay d0 = 700 m and ward factors F0 (not 1): its ward
 * table and mean length, given to the fit (which starts from 1500 m and
 * factors 1), must give back d0 and F0 within the sample's error: the
 * decay within 5 standard errors of the mean length over the slope of
 * length against decay (the model's own, from two fits at d0 x 1.05^+-1),
 * each factor's log within 5 x sqrt(1/n_ab + 1/n_aa) (the multinomial
 * error of a log share ratio), and each within the fit's own tolerance.
 */
START_TEST(test_od_recovers_decay_and_factors)
{
	const double d0 = 700.0, N = 400000.0;
	struct bs_scenario *sc;
	struct bs_world *w;
	struct bs_error err;
	struct bs_od_report rep;
	double T[OD_W * OD_W] = {0}, len = 0.0, len2 = 0.0, mean, sd, lp, lm,
	       slope, dfit, tol;
	char buf[4096], *csv = buf;
	gsl_rng *r = bs_rng_alloc();
	json_t *doc, *wf;
	size_t s, a, b, used = 0;
	long i;

	used += (size_t)snprintf(buf, sizeof(buf), "from,to,factor\n");
	for (a = 0; a < OD_W; a++)
		for (b = 0; b < OD_W; b++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
						 "W%zu,W%zu,%g\n", a + 1, b + 1,
						 OD_F0[a * OD_W + b]);
	free(tu_write(dir, "f0.csv", csv));
	od_scenario("truth.json", d0, "f0.csv");
	od_scenario("start.json", 1500.0, NULL);
	{
		char *text = tu_slurp(tu_path(dir, "truth.json"), NULL);
		sc = tu_scenario(dir, text, &err);
		free(text);
	}
	ck_assert_msg(sc != NULL, "%s", err.text);
	w = bs_world_build(sc, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	bs_rng_seed(r, 77, 1, BS_RNG_DESTINATION, 0);
	for (s = 0; s < w->net->n; s++) /* equal docks: equal requests */
		for (i = 0; i < (long)(N / (double)w->net->n); i++) {
			uint32_t d = bs_demand_dest(w->dem, (uint32_t)s, r);
			double x = bs_network_dist(w->net, (uint32_t)s, d);
			T[w->net->ward[s] * OD_W + w->net->ward[d]] += 1.0;
			len += x;
			len2 += x * x;
		}
	mean = len / N;
	sd = sqrt(len2 / N - mean * mean);
	used = (size_t)snprintf(buf, sizeof(buf), "from,to,trips\n");
	for (a = 0; a < OD_W; a++)
		for (b = 0; b < OD_W; b++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
						 "W%zu,W%zu,%.0f\n", a + 1, b + 1,
						 T[a * OD_W + b]);
	free(tu_write(dir, "od.csv", buf));

	/* the slope of the model's mean length against the decay at d0 */
	doc = od_fit("truth.json", d0 * 1.05, -1.0, NULL, 0, &rep);
	lp = jnum(doc, "model", "mean_length_m");
	json_decref(doc);
	doc = od_fit("truth.json", d0 / 1.05, -1.0, NULL, 0, &rep);
	lm = jnum(doc, "model", "mean_length_m");
	json_decref(doc);
	slope = (lp - lm) / (d0 * (1.05 - 1.0 / 1.05));
	ck_assert_double_gt(slope, 0.0);

	doc = od_fit("start.json", -1.0, mean, "od.csv", 1, &rep);
	ck_assert_msg(rep.converged, "%s", rep.text);
	dfit = jnum(doc, "decay_m", NULL);
	tol = 5.0 * sd / sqrt(N) / slope + 1e-3 * d0;
	ck_assert_msg(fabs(dfit - d0) <= tol, "decay %g, expected %g +- %g\n%s",
		      dfit, d0, tol, rep.text);
	wf = json_object_get(doc, "ward_factors");
	for (a = 0; a < OD_W; a++)
		for (b = 0; b < OD_W; b++) {
			char fa[8], fb[8];
			double f, e;
			snprintf(fa, sizeof(fa), "W%zu", a + 1);
			snprintf(fb, sizeof(fb), "W%zu", b + 1);
			f = json_number_value(json_object_get(json_object_get(wf, fa), fb));
			e = 5.0 * sqrt(1.0 / T[a * OD_W + b] + 1.0 / T[a * OD_W + a]) + 1e-3;
			ck_assert_msg(fabs(log(f) - log(OD_F0[a * OD_W + b])) <= e,
				      "factor %s -> %s: %g, expected %g (log within %g)",
				      fa, fb, f, OD_F0[a * OD_W + b], e);
		}
	json_decref(doc);
	bs_world_free(w);
	bs_scenario_free(sc);
	gsl_rng_free(r);
}
END_TEST

/* A target the decay range cannot reach is not met: the fit is written
 * with the nearest decay and says so (the CLI exits 1 on it). */
START_TEST(test_od_target_not_met)
{
	struct bs_calibrate_od_opts o;
	struct bs_od_report rep;
	struct bs_error err;
	char out[4096];

	od_scenario("start.json", 1500.0, NULL);
	snprintf(out, sizeof(out), "%s/fit.json", dir);
	bs_calibrate_od_opts_init(&o);
	o.scenario = tu_path(dir, "start.json");
	o.mean_length_m = 1e5; /* farther than max_trip_m */
	o.output = out;
	ck_assert_int_eq(bs_calibrate_od(&o, &rep, &err), 0);
	ck_assert_int_eq(rep.converged, 0);
	ck_assert_double_eq_tol(rep.decay_m, 20000.0, 1e-6);
	ck_assert_ptr_nonnull(strstr(rep.text, "NOT MET"));
	ck_assert(tu_exists(out));
}
END_TEST

/* A trip log as evidence, counted by hand from trips_small.csv on three
 * ports of three wards: 5 rides with both stations (the NULL one
 * skipped), 4 of them to another ward, 1 round trip (3 -> 3); the mean
 * great-circle length of the other 4 is (3 d(1,2) + d(1,3)) / 4; the
 * mean ride (5 + 5 + 10 + 2 + 6 2/3) / 5 min. --factors refuses the
 * log's empty pairs. */
START_TEST(test_od_trip_log_evidence)
{
	struct bs_calibrate_od_opts o;
	struct bs_od_report rep;
	struct bs_error err;
	struct bs_network *net;
	char out[4096];
	json_t *doc, *lg;
	json_error_t je;
	double d12, d13;

	free(tu_write(dir, "st3.csv", "station_id,name,ward,lat,lon,capacity\n"
				   "1,One,A,40.71,-74.03,7\n2,Two,B,40.72,-74.04,7\n"
				   "3,Three,C,40.73,-74.02,7\n"));
	free(tu_write(dir, "g3.json",
		      "{\"bssim\": 1, \"network\": {\"stations\": \"st3.csv\"},"
		      " \"fleet\": {\"fill\": 0.5}, \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 100}}"));
	net = bs_stations_load(tu_path(dir, "st3.csv"), 0.0, &err);
	ck_assert_ptr_nonnull(net);
	d12 = bs_network_dist(net, 0, 1);
	d13 = bs_network_dist(net, 0, 2);
	bs_network_free(net);
	snprintf(out, sizeof(out), "%s/fit3.json", dir);
	bs_calibrate_od_opts_init(&o);
	o.scenario = tu_path(dir, "g3.json");
	o.trips = tu_fixture("trips_small.csv");
	o.decay_m = 1000.0;
	o.output = out;
	ck_assert_msg(bs_calibrate_od(&o, &rep, &err) == 0, "%s", err.text);
	doc = json_load_file(out, 0, &je);
	ck_assert_ptr_nonnull(doc);
	lg = json_object_get(json_object_get(doc, "evidence"), "log");
	ck_assert_double_eq(json_number_value(json_object_get(lg, "rides")), 5.0);
	ck_assert_double_eq_tol(json_number_value(json_object_get(lg, "round_trip_share")), 0.2, 1e-12);
	ck_assert_double_eq_tol(json_number_value(json_object_get(lg, "mean_length_m")),
				(3.0 * d12 + d13) / 4.0, 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_object_get(lg, "mean_ride_min")),
				(22.0 + 20.0 / 3.0) / 5.0, 1e-9);
	ck_assert_double_eq_tol(jnum(doc, "evidence", "cross_share"), 0.8, 1e-12);
	json_decref(doc);
	remove(out);
	o.factors = 1;
	ck_assert_int_eq(bs_calibrate_od(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "--factors");
	ck_assert_ptr_nonnull(strstr(err.text, "no rides from A to A"));
	ck_assert(!tu_exists(out));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("calibrate");
	TCase *tc = tcase_create("calibrate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_gzip_equals_plain);
	tcase_add_test(tc, test_status_json_folder);
	tcase_add_test(tc, test_status_bad_rows);
	tcase_add_test(tc, test_calibrate_status);
	tcase_add_test(tc, test_status_station_not_in_network);
	tcase_add_test(tc, test_datetime);
	tcase_add_test(tc, test_calibrate_trips);
	tcase_add_test(tc, test_trip_log_errors);
	tcase_add_test(tc, test_trips_unknown_station);
	tcase_add_test(tc, test_trips_before_1970);
	tcase_add_test(tc, test_rows_too_wide_and_twice_named);
	tcase_add_test(tc, test_status_json_time_bounded);
	tcase_add_test(tc, test_status_gzip_damaged);
	tcase_add_test(tc, test_status_fifo);
	tcase_add_test(tc, test_soft_capacity_by_hand);
	tcase_add_test(tc, test_soft_capacity_port_not_observed);
	suite_add_tcase(s, tc);
	tc = tcase_create("od");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_od_recovers_decay_and_factors);
	tcase_add_test(tc, test_od_target_not_met);
	tcase_add_test(tc, test_od_trip_log_evidence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
