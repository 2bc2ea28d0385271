/*
 * check_network.c - distances, synthetic layout, neighbour lists and
 * nearest-station queries against brute force.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "model/network.h"
#include "input/stations.h"
#include "testutil.h"

START_TEST(test_haversine_known)
{
	/* one degree of latitude is 111.2 km on the mean sphere */
	ck_assert_double_eq_tol(bs_distance_m(35.0, 139.0, 36.0, 139.0),
				111194.9, 1.0);
	/* a quarter meridian is pi/2 R; a degree of longitude on the
	 * equator equals a degree of latitude */
	ck_assert_double_eq_tol(bs_distance_m(0.0, 0.0, 90.0, 0.0),
				3.14159265358979323846 / 2.0 * 6371008.8, 0.01);
	ck_assert_double_eq_tol(bs_distance_m(0.0, 10.0, 0.0, 11.0),
				bs_distance_m(10.0, 0.0, 11.0, 0.0), 1e-6);
	ck_assert_double_eq(bs_distance_m(35.0, 139.0, 35.0, 139.0), 0.0);
	/* symmetric */
	ck_assert_double_eq(bs_distance_m(35.1, 139.2, 35.3, 139.9),
			    bs_distance_m(35.3, 139.9, 35.1, 139.2));
}
END_TEST

START_TEST(test_synthetic_layout)
{
	struct bs_error err;
	struct bs_network *net = bs_network_synthetic(100, 10, 4, 300.0, 1000.0, &err);
	size_t w;

	ck_assert_ptr_nonnull(net);
	ck_assert_uint_eq(net->n, 100);
	ck_assert_uint_eq(net->nwards, 4);
	ck_assert_uint_eq(net->total_docks, 1000);
	for (w = 0; w < 4; w++)
		ck_assert_uint_eq(net->ward_nstations[w], 25);
	ck_assert_str_eq(net->ward_names[0], "W1");
	ck_assert_str_eq(net->ids[0], "S000001");
	/* grid spacing: station 0 and 1 are 300 m apart, 0 and 10 too */
	ck_assert_double_eq_tol(bs_network_dist(net, 0, 1), 300.0, 0.5);
	ck_assert_double_eq_tol(bs_network_dist(net, 0, 10), 300.0, 0.5);
	ck_assert_uint_eq(bs_network_find(net, "S000042"), 41);
	ck_assert_uint_eq(bs_network_find(net, "nope"), BS_NO_STATION);
	bs_network_free(net);
}
END_TEST

START_TEST(test_synthetic_rejects_bad_sizes)
{
	struct bs_error err;

	bs_error_clear(&err);
	ck_assert_ptr_null(bs_network_synthetic(10, 5, 11, 300.0, 1000.0, &err));
	ck_assert_str_eq(err.key, "network.synthetic");
	ck_assert_ptr_null(bs_network_synthetic(10, 0, 1, 300.0, 1000.0, &err));
	ck_assert_ptr_null(bs_network_synthetic(0, 5, 1, 300.0, 1000.0, &err));
}
END_TEST

/* Neighbour lists hold exactly the stations within the radius, nearest
 * first, on a random network (checked against all pairs). */
START_TEST(test_neighbours_brute_force)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	struct bs_network *net = bs_network_alloc(400);
	struct bs_error err;
	double radius = 700.0;
	size_t i, j;

	gsl_rng_set(r, 5);
	bs_network_add_ward(net, "X");
	for (i = 0; i < 400; i++) {
		char id[16];
		snprintf(id, sizeof(id), "s%zu", i);
		bs_network_set_station(net, i, id, id, 0,
				       35.65 + 0.06 * gsl_rng_uniform(r),
				       139.72 + 0.08 * gsl_rng_uniform(r), 5);
	}
	ck_assert_int_eq(bs_network_finish(net, radius, NULL, 0, &err), 0);
	for (i = 0; i < 400; i++) {
		size_t cnt = 0;
		for (j = 0; j < 400; j++)
			if (j != i && bs_network_dist(net, (uint32_t)i, (uint32_t)j) <= radius)
				cnt++;
		ck_assert_uint_eq(net->nb_off[i + 1] - net->nb_off[i], cnt);
		for (j = net->nb_off[i]; j < net->nb_off[i + 1]; j++) {
			ck_assert_double_le(net->nb_dist[j], radius);
			if (j > net->nb_off[i])
				ck_assert(net->nb_dist[j] >= net->nb_dist[j - 1]);
		}
	}
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

static int pred_mod7(const void *ud, uint32_t s)
{
	(void)ud;
	return s % 7 == 3;
}

static int pred_none(const void *ud, uint32_t s)
{
	(void)ud;
	(void)s;
	return 0;
}

/* Nearest station satisfying a sparse predicate, beyond the neighbour
 * radius, equals the brute-force answer for every station. */
START_TEST(test_nearest_brute_force)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	struct bs_network *net = bs_network_alloc(300);
	struct bs_error err;
	size_t i, j;

	gsl_rng_set(r, 9);
	bs_network_add_ward(net, "X");
	for (i = 0; i < 300; i++) {
		char id[16];
		snprintf(id, sizeof(id), "s%zu", i);
		bs_network_set_station(net, i, id, id, 0,
				       35.60 + 0.15 * gsl_rng_uniform(r),
				       139.70 + 0.15 * gsl_rng_uniform(r), 5);
	}
	ck_assert_int_eq(bs_network_finish(net, 200.0, NULL, 0, &err), 0);
	for (i = 0; i < 300; i++) {
		double best = HUGE_VAL, d;
		uint32_t bj = BS_NO_STATION, got;
		for (j = 0; j < 300; j++) {
			if (j == i || !pred_mod7(NULL, (uint32_t)j))
				continue;
			d = bs_network_dist(net, (uint32_t)i, (uint32_t)j);
			if (d < best) {
				best = d;
				bj = (uint32_t)j;
			}
		}
		got = bs_network_nearest(net, (uint32_t)i, 0, pred_mod7, NULL, &d);
		ck_assert_uint_eq(got, bj);
		ck_assert_double_eq_tol(d, best, 0.01);
	}
	ck_assert_uint_eq(bs_network_nearest(net, 0, 0, pred_none, NULL, NULL),
			  BS_NO_STATION);
	/* include_self answers at once when the station qualifies */
	ck_assert_uint_eq(bs_network_nearest(net, 3, 1, pred_mod7, NULL, NULL), 3);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_stations_fixture)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);

	ck_assert_msg(net != NULL, "%s", err.text);
	ck_assert_uint_eq(net->n, 6);
	ck_assert_uint_eq(net->nwards, 3);
	ck_assert_str_eq(net->ward_names[1], "Beta");
	ck_assert_str_eq(net->names[3], "South B, by the river");
	ck_assert_uint_eq(net->cap[4], 8);
	ck_assert_uint_eq(net->total_docks, 30);
	/* A1's only neighbour within 300 m is A2 (222 m south) */
	ck_assert_uint_eq(net->nb_off[1] - net->nb_off[0], 1);
	ck_assert_uint_eq(net->nb_idx[net->nb_off[0]], 1);
	ck_assert_uint_eq(bs_network_find(net, "C2"), 5);
	bs_network_free(net);
}
END_TEST

START_TEST(test_stations_bom_crlf_same)
{
	struct bs_error err;
	struct bs_network *a = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);
	struct bs_network *b = bs_stations_load(tu_fixture("six_bom_crlf.csv"), 300.0, &err);
	size_t i;

	ck_assert_ptr_nonnull(a);
	ck_assert_msg(b != NULL, "%s", err.text);
	for (i = 0; i < 6; i++) {
		ck_assert_str_eq(a->ids[i], b->ids[i]);
		ck_assert_str_eq(a->names[i], b->names[i]);
		ck_assert_double_eq(a->lat[i], b->lat[i]);
		ck_assert_uint_eq(a->cap[i], b->cap[i]);
	}
	bs_network_free(a);
	bs_network_free(b);
}
END_TEST

static void expect_bad(const char *csv, long row, const char *key,
		       const char *needle)
{
	char *d = tu_tmpdir(), *p = tu_write(d, "s.csv", csv);
	struct bs_error err;
	struct bs_network *net;

	bs_error_clear(&err);
	net = bs_stations_load(p, 300.0, &err);
	ck_assert_ptr_null(net);
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_int_eq(err.row, row);
	if (key)
		ck_assert_str_eq(err.key, key);
	ck_assert_msg(strstr(err.text, needle) != NULL, "'%s' lacks '%s'",
		      err.text, needle);
	ck_assert_str_eq(err.file, p);
	free(p);
	tu_rmrf(d);
	free(d);
}

#define HDR "station_id,name,ward,lat,lon,capacity\n"

START_TEST(test_stations_bad_rows)
{
	expect_bad(HDR "a,n,W,35.7,139.7,4\nb,n,W,95.1,139.7,4\n", 3, "lat",
		   "-90 to 90");
	expect_bad(HDR "a,n,W,35.7,200,4\n", 2, "lon", "-180 to 180");
	expect_bad(HDR "a,n,W,35.7,139.7,four\n", 2, "capacity", "whole number");
	expect_bad(HDR "a,n,W,35.7,139.7,0\n", 2, "capacity", "from 1");
	expect_bad(HDR "a,n,W,35.7,139.7,2.5\n", 2, "capacity", "whole number");
	expect_bad(HDR "a,n,W,35.7,139.7,4\nb,n,W,35.7,139.7,4\na,n,W,35.7,139.7,4\n",
		   4, "station_id", "first at row 2");
	expect_bad(HDR "a,n,,35.7,139.7,4\n", 2, "ward", "empty");
	expect_bad(HDR "a,n,W,nan,139.7,4\n", 2, "lat", "latitude");
	expect_bad(HDR "a,n,W,35.7\n", 2, "lon", "fields");
	expect_bad("station_id,name,ward,lat,capacity\na,n,W,35.7,4\n", 1, "lon",
		   "missing column");
	expect_bad(HDR, 2, NULL, "no stations");
}
END_TEST

/* A network of n ports in one of several layouts (metres from a point in
 * central Tokyo): 0 uniform over a 3 km square, 1 five tight clusters,
 * 2 all at one point, 3 a line 1 m apart, 4 two clusters 40 km apart. */
static struct bs_network *layout(int kind, size_t n, double radius,
				 gsl_rng *r)
{
	struct bs_network *net = bs_network_alloc(n);
	struct bs_error err;
	size_t i;

	ck_assert_ptr_nonnull(net);
	ck_assert_int_eq(bs_network_add_ward(net, "X"), 0);
	for (i = 0; i < n; i++) {
		double x = 0.0, y = 0.0;
		char id[16];
		switch (kind) {
		case 0: x = 3000.0 * gsl_rng_uniform(r); y = 3000.0 * gsl_rng_uniform(r); break;
		case 1: x = 2000.0 * (double)(i % 5) + 20.0 * gsl_rng_uniform(r);
			y = 20.0 * gsl_rng_uniform(r); break;
		case 2: break;
		case 3: x = (double)i; break;
		default: x = (i % 2 ? 40000.0 : 0.0) + 500.0 * gsl_rng_uniform(r);
			y = 500.0 * gsl_rng_uniform(r); break;
		}
		snprintf(id, sizeof(id), "s%zu", i);
		ck_assert_int_eq(bs_network_set_station(net, i, id, id, 0,
							35.68 + y / 111195.0,
							139.76 + x / 90290.0, 5), 0);
	}
	ck_assert_int_eq(bs_network_finish(net, radius, NULL, 0, &err), 0);
	return net;
}

/* The grid's bounds hold the exact size of the table between them, for
 * every layout and radius (the limit is decided on them). */
START_TEST(test_neighbour_bounds_hold)
{
	static const double radii[] = {30.0, 300.0, 1000.0, 5000.0};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	int kind;
	size_t k;

	gsl_rng_set(r, 17);
	for (kind = 0; kind < 5; kind++)
		for (k = 0; k < 4; k++) {
			size_t n = 200 + 400 * k;
			struct bs_network *net = layout(kind, n, radii[k], r);
			double lo, hi, exact = (double)net->nb_off[n];
			ck_assert_int_eq(bs__network_nb_bounds(net, radii[k], &lo, &hi), 0);
			ck_assert_msg(lo <= exact && exact <= hi,
				      "layout %d radius %g: %g <= %g <= %g",
				      kind, radii[k], lo, exact, hi);
			if (kind == 2) /* at one point: exact at once */
				ck_assert_double_eq(lo, (double)n * (double)(n - 1));
			bs_network_free(net);
		}
	gsl_rng_free(r);
}
END_TEST

/* 20,000 ports at one point (400 million pairs within any radius: 3.1 GB
 * and minutes of work before) and 100,000 synthetic ports 1 m apart (10^10
 * pairs: 184 s, then out of memory) are refused from the grid, before the
 * table is allocated. */
START_TEST(test_neighbour_table_refused_before_built)
{
	struct bs_network *net = bs_network_alloc(20000);
	struct bs_error err;
	size_t i;

	ck_assert_ptr_nonnull(net);
	bs_network_add_ward(net, "X");
	for (i = 0; i < 20000; i++) {
		char id[16];
		snprintf(id, sizeof(id), "p%zu", i);
		bs_network_set_station(net, i, id, id, 0, 35.68, 139.76, 10);
	}
	bs_error_clear(&err);
	ck_assert_int_eq(bs_network_finish(net, 1000.0, "p.csv", 2, &err), BS_E_LIMIT);
	ck_assert_ptr_null(net->nb_off);
	ck_assert_str_eq(err.file, "p.csv");
	ck_assert_str_eq(err.key, "behaviour.walk_radius_m");
	ck_assert_str_eq(err.text,
			 "the table of stations within 1000 m of each other would hold at least 4e+08 entries; expected at most 1.34e+08 (8 bytes each): fewer stations that close together");
	bs_network_free(net);

	bs_error_clear(&err);
	ck_assert_ptr_null(bs_network_synthetic(100000, 10, 1, 1.0, 1000.0, &err));
	ck_assert_int_eq(err.code, BS_E_LIMIT);
	ck_assert_ptr_nonnull(strstr(err.text, "would hold at least 1e+10 entries"));
}
END_TEST

/* The pairwise table holds, for every ordered pair, the very double
 * the haversine computes (and so bs_network_dist gives the same results
 * with and without it): checked bit for bit on networks spread over the
 * globe and packed into central Tokyo, which also checks the symmetry
 * the table's fill relies on. Networks past BS_DIST_TABLE_MAX have none
 * and compute every distance. */
/*
 * bs_network_add_ward says why it failed: the 257th ward is the limit,
 * a name it cannot copy is out of memory (it said "more than 256 wards"
 * for both, and a stations file read short of memory reported a ward
 * limit, exit 2, that check_oom's sweep at 32 MB met now and then).
 */
START_TEST(test_add_ward_says_why)
{
	struct bs_network *net = bs_network_alloc(1);
	char name[16];
	int k;

	ck_assert_ptr_nonnull(net);
	for (k = 0; k < BS_MAX_WARDS; k++) {
		snprintf(name, sizeof(name), "W%d", k);
		ck_assert_int_eq(bs_network_add_ward(net, name), k);
	}
	ck_assert_int_eq(bs_network_add_ward(net, "W7"), 7);
	ck_assert_int_eq(bs_network_add_ward(net, "one more"), BS_WARDS_FULL);
	bs_network_free(net);
	if (!TU_UNDER_ASAN) {
		/* a 64 MB name under an address-space limit 16 MB above what
		 * the process maps now: its copy cannot be made */
		size_t len = (size_t)64 << 20;
		char *big = malloc(len + 1);
		struct rlimit old, rl;
		long pages = 0;
		FILE *fp = fopen("/proc/self/statm", "r");
		ck_assert_ptr_nonnull(big);
		memset(big, 'x', len);
		big[len] = '\0';
		net = bs_network_alloc(1);
		ck_assert_ptr_nonnull(net);
		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(fscanf(fp, "%ld", &pages), 1);
		fclose(fp);
		ck_assert_int_eq(getrlimit(RLIMIT_AS, &old), 0);
		rl = old;
		rl.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) +
			      ((rlim_t)16 << 20);
		ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
		k = bs_network_add_ward(net, big);
		ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
		ck_assert_int_eq(k, BS_WARDS_NOMEM);
		ck_assert_int_eq(bs_network_add_ward(net, "W"), 0);
		bs_network_free(net);
		free(big);
	}
}
END_TEST

START_TEST(test_dist_table)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	struct bs_network *net;
	int kind;
	size_t i, j, n = BS_DIST_TABLE_MAX;

	gsl_rng_set(r, 23);
	for (kind = 0; kind < 2; kind++) {
		struct bs_error err;
		net = bs_network_alloc(n);
		ck_assert_ptr_nonnull(net);
		bs_network_add_ward(net, "X");
		for (i = 0; i < n; i++) {
			char id[16];
			double lat = kind ? 35.6 + 0.1 * gsl_rng_uniform(r)
					  : -89.0 + 178.0 * gsl_rng_uniform(r);
			double lon = kind ? 139.7 + 0.1 * gsl_rng_uniform(r)
					  : -180.0 + 360.0 * gsl_rng_uniform(r);
			snprintf(id, sizeof(id), "s%zu", i);
			bs_network_set_station(net, i, id, id, 0, lat, lon, 5);
		}
		ck_assert_int_eq(bs_network_finish(net, 300.0, NULL, 0, &err), 0);
		ck_assert_ptr_nonnull(net->dist_tab);
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++) {
				double t = bs_network_dist(net, (uint32_t)i, (uint32_t)j);
				double h = bs__network_haversine(net, (uint32_t)i,
								 (uint32_t)j);
				ck_assert_msg(memcmp(&t, &h, sizeof(t)) == 0,
					      "pair %zu %zu: %.17g != %.17g", i, j, t, h);
			}
		ck_assert_double_eq(bs_network_dist(net, 7, 7), 0.0);
		ck_assert_double_eq_tol(bs_network_dist(net, 1, 2),
					bs_distance_m(net->lat[1], net->lon[1],
						      net->lat[2], net->lon[2]),
					1e-6);
		bs_network_free(net);
	}
	net = layout(0, BS_DIST_TABLE_MAX + 1, 300.0, r);
	ck_assert_ptr_null(net->dist_tab);
	ck_assert_double_eq_tol(bs_network_dist(net, 0, 1),
				bs_distance_m(net->lat[0], net->lon[0],
					      net->lat[1], net->lon[1]),
				1e-6);
	bs_network_free(net);
	gsl_rng_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("network");
	TCase *tc = tcase_create("network");

	tcase_add_test(tc, test_haversine_known);
	tcase_add_test(tc, test_synthetic_layout);
	tcase_add_test(tc, test_synthetic_rejects_bad_sizes);
	tcase_add_test(tc, test_neighbours_brute_force);
	tcase_add_test(tc, test_nearest_brute_force);
	tcase_add_test(tc, test_neighbour_bounds_hold);
	tcase_add_test(tc, test_neighbour_table_refused_before_built);
	tcase_add_test(tc, test_dist_table);
	tcase_add_test(tc, test_stations_fixture);
	tcase_add_test(tc, test_stations_bom_crlf_same);
	tcase_add_test(tc, test_stations_bad_rows);
	tcase_add_test(tc, test_add_ward_says_why);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
