/*
 * check_fleet.c - fleets owned by wards (fleet.ownership): each rule's
 * per-ward counts against hand-computed largest-remainder cases (ties, a
 * ward with no docks), the placement of each ward's bikes over its own
 * ports (within docks, the pattern of a given stock kept inside each
 * ward, totals exact), the same placement under every agreement, the
 * "stock" rule equal to the whole-network spread of before, and the
 * errors a world refuses (a ward over its docks).
 *
 * six.csv: Alpha A1 (4 docks) A2 (6); Beta B1 (5) B2 (5); Gamma C1 (8)
 * C2 (2): 10 docks a ward, 30 in all.
 */
#include <stdlib.h>
#include <string.h>

#include "model/fleet.h"
#include "model/params.h"
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

static void expect_u32(const uint32_t *got, const uint32_t *want, size_t n,
		       const char *what)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "%s[%zu] = %u, expected %u",
			      what, i, got[i], want[i]);
}

/* Largest remainder by hand: floors, then one more to the largest
 * remainders, ties to the lower index, nothing to a zero weight. */
START_TEST(test_apportion_by_hand)
{
	static const struct {
		uint64_t total;
		uint32_t w[4];
		uint32_t want[4];
	} c[] = {
		/* 10 x 1/3 each: 3.33 -> 3, 3, 3 and one left: a tie, index 0 */
		{10, {1, 1, 1, 0}, {4, 3, 3, 0}},
		/* 7 x (.5 .3 .2): 3.5 2.1 1.4 -> 3 2 1, the .5 gets the 7th */
		{7, {5, 3, 2, 0}, {4, 2, 1, 0}},
		/* a zero weight between two halves: 0 1.5 1.5 -> tie to 1 */
		{3, {0, 2, 2, 0}, {0, 2, 1, 0}},
		/* exact quotas: nothing to round */
		{12, {1, 2, 3, 6}, {1, 2, 3, 6}},
		{0, {1, 2, 3, 4}, {0, 0, 0, 0}},
	};
	uint32_t out[4];

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		uint64_t sum = 0, got = 0;
		for (size_t i = 0; i < 4; i++)
			sum += c[k].w[i];
		ck_assert_int_eq(bs_fleet_apportion(c[k].total, c[k].w, 4, sum, out), 0);
		expect_u32(out, c[k].want, 4, "apportion");
		for (size_t i = 0; i < 4; i++)
			got += out[i];
		ck_assert_uint_eq(got, c[k].total);
	}
}
END_TEST

/* A network of four wards by hand, the second with no docks (only the
 * fields the rules read). */
static void four_wards(struct bs_network *net, uint64_t *wd)
{
	static const uint64_t docks[4] = {10, 0, 20, 10};

	memset(net, 0, sizeof(*net));
	memcpy(wd, docks, sizeof(docks));
	net->nwards = 4;
	net->ward_docks = wd;
	net->total_docks = 40;
}

START_TEST(test_owned_docks_by_hand)
{
	struct bs_network net;
	uint64_t wd[4];
	uint32_t out[4];

	four_wards(&net, wd);
	/* 21 x (10 0 20 10)/40 = 5.25 0 10.5 5.25: the .5 gets the 21st */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DOCKS, 21, NULL, out), 0);
	expect_u32(out, (const uint32_t[]){5, 0, 11, 5}, 4, "docks 21");
	/* 22: 5.5 0 11 5.5, a tie between wards 0 and 3: the lower */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DOCKS, 22, NULL, out), 0);
	expect_u32(out, (const uint32_t[]){6, 0, 11, 5}, 4, "docks 22");
	/* a full fleet: every ward exactly its docks */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DOCKS, 40, NULL, out), 0);
	expect_u32(out, (const uint32_t[]){10, 0, 20, 10}, 4, "docks 40");
}
END_TEST

START_TEST(test_owned_demand_by_hand)
{
	struct bs_network net;
	uint64_t wd[4];
	uint32_t out[4];
	const double req[4] = {100.0, 0.0, 300.0, 100.0};
	const double thirds[4] = {1.0, 1.0, 1.0, 0.0};

	four_wards(&net, wd);
	/* 10 x (1 0 3 1)/5 = 2 0 6 2 exactly, though 100/300 is not exact
	 * in the weights' 2^-30 */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DEMAND, 10, req, out), 0);
	expect_u32(out, (const uint32_t[]){2, 0, 6, 2}, 4, "demand 10");
	/* 7 x (1 0 3 1)/5 = 1.4 0 4.2 1.4 -> 1 0 4 1, one left for the
	 * largest remainder, .4 in wards 0 and 3: a tie, to ward 0 */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DEMAND, 7, req, out), 0);
	expect_u32(out, (const uint32_t[]){2, 0, 4, 1}, 4, "demand 7");
	/* equal requests stay a tie: 4 x 1/3 = 1.33 each, the 4th to ward 0
	 * (a ward with no docks is the caller's to refuse) */
	ck_assert_int_eq(bs_fleet_owned(&net, BS_OWN_DEMAND, 4, thirds, out), 0);
	expect_u32(out, (const uint32_t[]){2, 1, 1, 0}, 4, "demand thirds");
}
END_TEST

static struct bs_network *six(void)
{
	struct bs_error err;
	struct bs_network *net = bs_stations_load(tu_fixture("six.csv"), 300.0, &err);

	ck_assert_msg(net != NULL, "%s", err.text);
	return net;
}

/* Each ward's bikes over its own ports in proportion to docks. */
START_TEST(test_place_by_docks)
{
	struct bs_network *net = six();
	const uint32_t owned[3] = {5, 3, 7};
	uint32_t st[6];

	ck_assert_int_eq(bs_fleet_place(net, owned, 0, st), 0);
	/* Alpha 5 x (4 6)/10 = 2 3; Beta 3 x (5 5)/10 = 1.5 1.5 -> tie to
	 * B1; Gamma 7 x (8 2)/10 = 5.6 1.4 -> 6 1 */
	expect_u32(st, (const uint32_t[]){2, 3, 2, 1, 6, 1}, 6, "stock");
	/* every count from 0 to the ward's docks: within docks, exact */
	for (uint32_t a = 0; a <= 10; a++) {
		const uint32_t o[3] = {a, 10 - a, a};
		ck_assert_int_eq(bs_fleet_place(net, o, 0, st), 0);
		for (size_t i = 0; i < 6; i++)
			ck_assert_uint_le(st[i], net->cap[i]);
		ck_assert_uint_eq(st[0] + st[1], a);
		ck_assert_uint_eq(st[2] + st[3], 10 - a);
		ck_assert_uint_eq(st[4] + st[5], a);
	}
	bs_network_free(net);
}
END_TEST

/* A given stock's pattern kept inside each ward: bikes taken in
 * proportion to stock (an empty port stays empty), added in proportion
 * to free docks (a full port stays full), none moved between wards. */
START_TEST(test_place_keeps_pattern)
{
	struct bs_network *net = six();
	uint32_t st[6] = {0, 6, 2, 2, 0, 0};
	const uint32_t owned[3] = {3, 8, 5};

	ck_assert_int_eq(bs_fleet_place(net, owned, 1, st), 0);
	/* Alpha 6 -> 3: all from A2; Beta 4 -> 8: free 3 and 3, 2 each;
	 * Gamma 0 -> 5: free 8 and 2 -> 4 and 1 */
	expect_u32(st, (const uint32_t[]){0, 3, 4, 4, 4, 1}, 6, "stock");
	/* a ward already at its count is left as it is */
	{
		uint32_t s2[6] = {1, 2, 5, 0, 3, 0};
		const uint32_t o2[3] = {3, 5, 3};
		ck_assert_int_eq(bs_fleet_place(net, o2, 1, s2), 0);
		expect_u32(s2, (const uint32_t[]){1, 2, 5, 0, 3, 0}, 6, "same");
	}
	bs_network_free(net);
}
END_TEST

static struct bs_world *world_of(const char *fleet, const char *agreement,
				 const char *demand, struct bs_error *err)
{
	char json[2048];
	struct bs_scenario *sc;
	struct bs_world *w;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},\n"
		 " \"fleet\": {%s},\n \"agreement\": {%s},\n \"demand\": {%s}}\n",
		 tu_abspath(tu_fixture("six.csv")), fleet, agreement,
		 demand ? demand
			: "\"model\": \"uniform\", \"rate_per_station_per_hour\": 1");
	bs_error_clear(err);
	if (!(sc = tu_scenario(dir, json, err)))
		return NULL;
	w = bs_world_build(sc, err);
	bs_scenario_free(sc);
	return w;
}

/* The owned counts of a world, and that its stock gives each ward
 * exactly them (owner = the ward of a bike's first port). */
static void expect_owned(const struct bs_world *w, const uint32_t *want)
{
	uint32_t sum[3] = {0, 0, 0};

	for (size_t i = 0; i < w->net->n; i++) {
		ck_assert_uint_le(w->init_stock[i], w->net->cap[i]);
		sum[w->net->ward[i]] += w->init_stock[i];
	}
	expect_u32(w->owned, want, 3, "owned");
	expect_u32(sum, want, 3, "stock by ward");
}

/* Rates of 1, 3 and 0 requests a day in Alpha, Beta and Gamma. */
static const char *rates_demand(void)
{
	free(tu_write(dir, "rates.csv",
		      "station_id,hour,departures_per_hour\nA1,8,1\nB2,9,2\nB1,17,1\n"));
	return "\"model\": \"rates\", \"rates\": \"rates.csv\"";
}

START_TEST(test_world_rules)
{
	struct bs_error err;
	struct bs_world *w;

	/* the default: docks, 10 a ward: 16 -> 5.33 each -> 6 5 5 */
	w = world_of("\"bikes\": 16", "\"type\": \"isolated\"", NULL, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->fleet_bikes, 16);
	expect_owned(w, (const uint32_t[]){6, 5, 5});
	bs_world_free(w);
	/* given: as written; {ward: n} alone implies it */
	w = world_of("\"bikes\": {\"Gamma\": 0, \"Alpha\": 2, \"Beta\": 9}",
		     "\"type\": \"isolated\"", NULL, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->model.fleet, 11);
	expect_owned(w, (const uint32_t[]){2, 9, 0});
	bs_world_free(w);
	/* demand: 8 x (1 3 0)/4 = 2 6 0 */
	w = world_of("\"bikes\": 8, \"ownership\": \"demand\"",
		     "\"type\": \"isolated\"", rates_demand(), &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	expect_owned(w, (const uint32_t[]){2, 6, 0});
	bs_world_free(w);
	/* fill: 0.5 x 30 = 15 by docks, 5 a ward */
	w = world_of("\"fill\": 0.5", "\"type\": \"isolated\"", NULL, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	expect_owned(w, (const uint32_t[]){5, 5, 5});
	bs_world_free(w);
}
END_TEST

/* The initial stock's pattern within each ward, its total the fleet's
 * unless fleet.bikes says otherwise. */
START_TEST(test_world_initial_pattern)
{
	struct bs_error err;
	struct bs_world *w;

	/* 9 bikes, all in Alpha and Gamma; docks: 3 a ward */
	free(tu_write(dir, "stock.csv", "station_id,bikes\nA2,6\nC1,3\n"));
	w = world_of("\"initial\": \"stock.csv\"", "\"type\": \"isolated\"",
		     NULL, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	ck_assert_uint_eq(w->model.fleet, 9);
	expect_owned(w, (const uint32_t[]){3, 3, 3});
	/* Alpha: A1 stays empty; Beta (empty) by docks; Gamma as given */
	expect_u32(w->init_stock, (const uint32_t[]){0, 3, 2, 1, 3, 0}, 6, "stock");
	bs_world_free(w);
	/* "stock": the file as it stands, whatever the wards */
	w = world_of("\"initial\": \"stock.csv\", \"ownership\": \"stock\"",
		     "\"type\": \"isolated\"", NULL, &err);
	ck_assert_msg(w != NULL, "%s", err.text);
	expect_owned(w, (const uint32_t[]){6, 0, 3});
	bs_world_free(w);
}
END_TEST

/* "stock" is the whole-network spread of before: bs_fleet_spread's
 * stock, with its owners wherever the bikes fall. */
START_TEST(test_stock_rule_is_the_old_spread)
{
	struct bs_network *net = six();
	struct bs_error err;
	struct bs_world *w;
	uint32_t st[6];

	for (uint64_t b = 0; b <= 30; b++) {
		char fleet[80];
		snprintf(fleet, sizeof(fleet), "\"bikes\": %llu, \"ownership\": \"stock\"",
			 (unsigned long long)b);
		w = world_of(fleet, "\"type\": \"isolated\"", NULL, &err);
		ck_assert_msg(w != NULL, "%s", err.text);
		ck_assert_int_eq(bs_fleet_spread(net, b, st), 0);
		expect_u32(w->init_stock, st, 6, "stock");
		bs_world_free(w);
	}
	bs_network_free(net);
}
END_TEST

/* The same ports and counts under every agreement, for every rule: the
 * agreements differ only in what they allow. */
START_TEST(test_same_placement_every_agreement)
{
	static const char *const fleets[] = {
		"\"bikes\": 17", "\"bikes\": 8, \"ownership\": \"demand\"",
		"\"bikes\": {\"Alpha\": 7, \"Beta\": 1, \"Gamma\": 9}",
		"\"initial\": \"stock.csv\", \"bikes\": 20"};
	static const char *const agreements[] = {
		"\"type\": \"isolated\"", "\"type\": \"full\"",
		"\"type\": \"bilateral\", \"pairs\": [[\"Alpha\", \"Beta\"]]"};
	struct bs_error err;

	free(tu_write(dir, "stock.csv", "station_id,bikes\nA2,6\nC1,3\nB2,1\n"));
	for (size_t f = 0; f < 4; f++) {
		uint32_t first[6];
		for (size_t a = 0; a < 3; a++) {
			struct bs_world *w = world_of(fleets[f], agreements[a],
						      f == 1 ? rates_demand() : NULL,
						      &err);
			ck_assert_msg(w != NULL, "%s: %s", fleets[f], err.text);
			if (a == 0)
				memcpy(first, w->init_stock, sizeof(first));
			else
				expect_u32(w->init_stock, first, 6, fleets[f]);
			bs_world_free(w);
		}
	}
}
END_TEST

static void expect_refused(const char *fleet, const char *demand,
			   const char *key, const char *needle)
{
	struct bs_error err;
	struct bs_world *w = world_of(fleet, "\"type\": \"isolated\"", demand, &err);

	ck_assert_msg(w == NULL, "accepted: %s", fleet);
	ck_assert_int_eq(err.code, BS_E_INPUT);
	ck_assert_str_eq(err.key, key);
	ck_assert_msg(strstr(err.text, needle), "'%s' lacks '%s'", err.text, needle);
}

START_TEST(test_refused)
{
	expect_refused("\"bikes\": {\"Alpha\": 2, \"Beta\": 11, \"Gamma\": 0}", NULL,
		       "fleet.bikes.Beta", "expected at most 10");
	expect_refused("\"bikes\": {\"Alpha\": 2, \"Delta\": 1, \"Gamma\": 0}", NULL,
		       "fleet.bikes.Delta", "unknown ward 'Delta'");
	expect_refused("\"bikes\": {\"Alpha\": 2, \"Gamma\": 0}", NULL,
		       "fleet.bikes", "no bikes for ward 'Beta'");
	expect_refused("\"bikes\": 10, \"ownership\": \"given\"", NULL,
		       "fleet.ownership", "naming every ward");
	expect_refused("\"bikes\": {\"Alpha\": 2, \"Beta\": 1, \"Gamma\": 0}, \"ownership\": \"docks\"",
		       NULL, "fleet.bikes", "\"ownership\": \"given\"");
	/* demand 1 3 0: 16 bikes give Beta 12 for its 10 docks */
	expect_refused("\"bikes\": 16, \"ownership\": \"demand\"", rates_demand(),
		       "fleet.ownership", "Beta 12 bikes for its 10 docks");
	expect_refused("\"bikes\": 4, \"ownership\": \"demand\"",
		       "\"model\": \"uniform\", \"rate_per_station_per_hour\": 0",
		       "fleet.ownership", "expects none");
}
END_TEST

/* What `bssim check` prints (bs_scenario_describe). */
static char *describe(const char *fleet, const char *agreement)
{
	char json[2048];
	struct bs_error err;
	struct bs_scenario *sc;
	char *text;

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"network\": {\"stations\": \"%s\"},\n"
		 " \"fleet\": {%s},\n \"agreement\": {%s},\n"
		 " \"demand\": {\"model\": \"uniform\", \"rate_per_station_per_hour\": 1}}\n",
		 tu_abspath(tu_fixture("six.csv")), fleet, agreement);
	sc = tu_scenario(dir, json, &err);
	ck_assert_msg(sc != NULL, "%s", err.text);
	text = bs_scenario_describe(sc, &err);
	ck_assert_msg(text != NULL, "%s", err.text);
	bs_scenario_free(sc);
	return text;
}

/* Each ward's fleet, bikes per dock and per request, and the rule; the
 * warnings at 1.5x either way and on a snapshot under isolation. Uniform
 * demand: 48 requests a day in every ward, 10 docks each. */
START_TEST(test_check_shows_and_warns)
{
	char *t;

	/* 2 9 4 for 10 docks each: 0.2 0.9 0.4 a dock against 15 / 30 = 0.5;
	 * 0.042 0.1875 0.083 a request against 15 / 144 = 0.104 */
	t = describe("\"bikes\": {\"Alpha\": 2, \"Beta\": 9, \"Gamma\": 4}",
		     "\"type\": \"isolated\"");
	ck_assert_msg(strstr(t, "fleet owned by ward: given"), "%s", t);
	ck_assert_msg(strstr(t, "bikes/dock") && strstr(t, "bikes/req"), "%s", t);
	ck_assert_msg(strstr(t, "        2       0.200          48.0      0.042 "),
		      "Alpha's row: %s", t);
	ck_assert_msg(strstr(t, "warning: Alpha has 0.200 bikes per dock, 0.40x the network's 0.500"), "%s", t);
	ck_assert_msg(strstr(t, "warning: Alpha has 0.042 bikes per request, 0.40x the network's 0.104"), "%s", t);
	ck_assert_msg(strstr(t, "warning: Beta has 0.900 bikes per dock, 1.80x"), "%s", t);
	/* Gamma 0.4 a dock: 0.8x, within 1.5x either way */
	ck_assert_msg(!strstr(t, "warning: Gamma"), "%s", t);
	ck_assert_msg(!strstr(t, "snapshot"), "%s", t);
	free(t);
	/* docks: no warning at all */
	t = describe("\"bikes\": 15", "\"type\": \"isolated\"");
	ck_assert_msg(strstr(t, "fleet owned by ward: docks") && !strstr(t, "warning"), "%s", t);
	free(t);
	/* stock: warned under isolation, not under full mutual use */
	t = describe("\"bikes\": 15, \"ownership\": \"stock\"", "\"type\": \"isolated\"");
	ck_assert_msg(strstr(t, "warning: fleet.ownership \"stock\""), "%s", t);
	free(t);
	t = describe("\"bikes\": 15, \"ownership\": \"stock\"", "\"type\": \"full\"");
	ck_assert_msg(!strstr(t, "warning"), "%s", t);
	free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("fleet");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_apportion_by_hand);
	tcase_add_test(tc, test_owned_docks_by_hand);
	tcase_add_test(tc, test_owned_demand_by_hand);
	tcase_add_test(tc, test_place_by_docks);
	tcase_add_test(tc, test_place_keeps_pattern);
	tcase_add_test(tc, test_world_rules);
	tcase_add_test(tc, test_world_initial_pattern);
	tcase_add_test(tc, test_stock_rule_is_the_old_spread);
	tcase_add_test(tc, test_same_placement_every_agreement);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_check_shows_and_warns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
