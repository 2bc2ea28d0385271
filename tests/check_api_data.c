/*
 * check_api_data.c - the contract test of libbssim, part 4: data in
 * (import gbfs, import trips, calibrate status and trips) and out (plot
 * data, the report), each against the bssim command line on the same
 * inputs: the same files byte for byte, and the report's fields the
 * numbers the command prints (see check_api.c for how these suites are
 * built: bssim.h alone, against libbssim.so).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bssim.h>

#include "testbase.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	tu_paths_free();
	tu_rmrf(dir);
	free(dir);
}

/* dir/name, kept to the end of the test */
static const char *at(const char *name)
{
	return tu_path(dir, name);
}

/* An absolute fixture path, kept to the end of the test. */
static const char *fx(const char *name)
{
	return tu_path(NULL, tu_fixture(name));
}

static void same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *ta = tu_slurp(a, &la), *tb = tu_slurp(b, &lb);

	ck_assert_msg(ta && tb, "cannot read %s or %s", a, b);
	ck_assert_msg(la == lb && !memcmp(ta, tb, la), "%s and %s differ", a, b);
	free(ta);
	free(tb);
}

/* What the CLI prints on stderr for w (bs_cli_warnings). */
static void warnings_text(const struct bs_warnings *w, char *buf, size_t sz)
{
	char esc[1400];
	size_t n = 0;
	long i;

	buf[0] = '\0';
	for (i = 0; i < w->count && i < BS_WARN_KEEP; i++) {
		bs_escape(w->first[i], esc, sizeof(esc));
		n += (size_t)snprintf(buf + n, sz - n, "bssim: warning: %s\n", esc);
	}
	if (w->count > BS_WARN_KEEP)
		snprintf(buf + n, sz - n, "bssim: warning: ... and %ld more (%ld warnings in all)\n",
			 w->count - BS_WARN_KEEP, w->count);
}

/* The CLI printed want on stdout and warnings w on stderr (frees both). */
static void same_output(char *out, char *msg, const char *want,
			const struct bs_warnings *w)
{
	char want_err[4096];

	ck_assert_str_eq(out, want);
	warnings_text(w, want_err, sizeof(want_err));
	ck_assert_str_eq(msg, want_err);
	free(out);
	free(msg);
}

struct writes {
	int begins, ends;
	char what[512];
};

static void on_writing(void *ud, const char *what, int begin)
{
	struct writes *w = ud;

	if (begin) {
		w->begins++;
		snprintf(w->what, sizeof(w->what), "%s", what);
	} else {
		w->ends++;
	}
}

/* ---- import -------------------------------------------------------------------- */

START_TEST(test_import_gbfs)
{
	struct bs_import_gbfs_opts o;
	struct bs_data_report rep;
	struct bs_error err;
	struct bs_monitor m = {NULL, on_writing, NULL};
	struct writes wr;
	char want_out[2048], *out, *msg;
	int n;

	memset(&wr, 0, sizeof(wr));
	m.ud = &wr;
	bs_import_gbfs_opts_init(&o);
	ck_assert_int_eq(o.utc_offset_min, 540);
	o.station_information = fx("gbfs/station_information.json");
	o.system_regions = fx("gbfs/system_regions.json");
	o.wards = "Chiyoda,Minato";
	o.capacity_from = fx("status_small.csv");
	o.station_status = fx("gbfs/station_status.json");
	o.stock_output = at("api_stock.csv");
	o.output = at("api_st.csv");
	o.monitor = &m;
	ck_assert_msg(bs_import_gbfs(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert(wr.begins == 1 && wr.ends == 1);
	ck_assert(rep.stations == 3 && rep.feed_stations == 5 && rep.outside == 1);
	ck_assert(rep.capacity_raised == 2 && rep.docks == 39);
	ck_assert(rep.bikes == 10 && rep.stocked == 3 && rep.warnings.count == 3);
	ck_assert_int_eq(tu_cli(NULL, &out, &msg,
				"import gbfs --station-information %s --system-regions %s"
				" --wards Chiyoda,Minato --capacity-from %s --station-status %s"
				" --stock-output %s -o %s",
				o.station_information, o.system_regions, o.capacity_from,
				o.station_status, at("cli_stock.csv"), at("cli_st.csv")), 0);
	same_file(at("api_st.csv"), at("cli_st.csv"));
	same_file(at("api_stock.csv"), at("cli_stock.csv"));
	/* the report holds what the command prints */
	n = snprintf(want_out, sizeof(want_out),
		     "%s: %zu stations of the feed's %zu (%zu outside the wards), %llu docks\n",
		     at("cli_st.csv"), rep.stations, rep.feed_stations, rep.outside,
		     (unsigned long long)rep.docks);
	n += snprintf(want_out + n, sizeof(want_out) - (size_t)n,
		      "  capacity: largest bikes + docks in %s (%zu ports changed)\n",
		      o.capacity_from, rep.capacity_raised);
	snprintf(want_out + n, sizeof(want_out) - (size_t)n,
		 "%s: %llu bikes at %zu stations\n  warnings: %ld\n", at("cli_stock.csv"),
		 (unsigned long long)rep.bikes, rep.stocked, rep.warnings.count);
	same_output(out, msg, want_out, &rep.warnings);
	/* a feed without regions, its wards from a map */
	bs_import_gbfs_opts_init(&o);
	o.station_information = fx("gbfs/station_information.json");
	o.region_map = "1=Chiyoda,3=Minato,5=Shinjuku";
	o.output = at("map.csv");
	ck_assert_msg(bs_import_gbfs(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL,
				"import gbfs --station-information %s --region-map 1=Chiyoda,3=Minato,5=Shinjuku -o %s -q",
				o.station_information, at("cli_map.csv")), 0);
	same_file(at("map.csv"), at("cli_map.csv"));
	/* bad input: the file named, nothing written */
	o.station_information = at("none.json");
	o.output = at("bad_st.csv");
	o.stock_output = at("bad_stock.csv");
	ck_assert_int_eq(bs_import_gbfs(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, at("none.json"));
	ck_assert(!tu_exists(at("bad_st.csv")) && !tu_exists(at("bad_stock.csv")));
	/* a wards list that keeps fewer than two */
	o.station_information = fx("gbfs/station_information.json");
	o.wards = "Minato";
	ck_assert_int_eq(bs_import_gbfs(&o, &rep, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "at least two"));
	ck_assert(!tu_exists(at("bad_st.csv")));
}
END_TEST

START_TEST(test_import_trips)
{
	struct bs_import_trips_opts o;
	struct bs_data_report rep;
	struct bs_error err;
	char want[2048], *out, *msg;

	bs_import_trips_opts_init(&o);
	o.log = fx("trips_small.csv");
	o.ward = "JC";
	o.capacity = 7;
	o.output = at("api.csv");
	ck_assert_msg(bs_import_trips(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert(rep.stations == 3 && rep.rows == 5 && rep.docks == 21);
	ck_assert_int_eq(rep.warnings.count, 1);
	ck_assert_ptr_nonnull(strstr(rep.warnings.first[0], "row 7: no start station id"));
	ck_assert_int_eq(tu_cli(NULL, &out, &msg, "import trips %s --ward JC --capacity 7 -o %s",
				o.log, at("cli.csv")), 0);
	same_file(at("api.csv"), at("cli.csv"));
	snprintf(want, sizeof(want),
		 "%s: %zu stations of %llu rides in %s (ward %s, %u docks each); warnings: %ld\n",
		 at("cli.csv"), rep.stations, (unsigned long long)rep.rows, o.log, o.ward,
		 o.capacity, rep.warnings.count);
	same_output(out, msg, want, &rep.warnings);
	/* the defaults: ward "system", 20 docks */
	o.ward = NULL;
	o.capacity = 0;
	o.output = at("def.csv");
	ck_assert_int_eq(bs_import_trips(&o, &rep, &err), 0);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "import trips %s -o %s -q", o.log,
				at("cli_def.csv")), 0);
	same_file(at("def.csv"), at("cli_def.csv"));
	ck_assert_uint_eq(rep.docks, 60);
	/* a log that is not there; an output that is a folder */
	o.log = at("none.csv");
	ck_assert_int_eq(bs_import_trips(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, at("none.csv"));
	o.log = fx("trips_small.csv");
	o.output = dir;
	ck_assert_int_ne(bs_import_trips(&o, &rep, &err), 0);
	ck_assert_str_eq(err.key, "-o");
}
END_TEST

/* ---- calibration --------------------------------------------------------------- */

START_TEST(test_calibrate_trips)
{
	struct bs_calibrate_opts o;
	struct bs_data_report rep;
	struct bs_error err;
	char want[2048], *out, *msg;

	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "import trips %s -o %s -q",
				fx("trips_small.csv"), at("st.csv")), 0);
	bs_calibrate_opts_init(&o);
	ck_assert(o.truck_jump == 4 && o.max_gap_min == 10 && o.utc_offset_min == 540);
	o.source = "trips";
	o.input = fx("trips_small.csv");
	o.stations = at("st.csv");
	o.output = at("api_rates.csv");
	o.od = at("api_od.csv");
	o.profile = at("api_prof.csv");
	ck_assert_msg(bs_calibrate(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert(rep.stations == 3 && rep.rows == 5 && rep.days == 2.0 && rep.od_pairs == 4);
	ck_assert(rep.departures == 2.5 && rep.arrivals == 2.5); /* 5 rides over 2 days */
	ck_assert_int_eq(tu_cli(NULL, &out, &msg,
				"calibrate trips %s --stations %s -o %s --od %s --profile %s",
				o.input, o.stations, at("cli_rates.csv"), at("cli_od.csv"),
				at("cli_prof.csv")), 0);
	same_file(at("api_rates.csv"), at("cli_rates.csv"));
	same_file(at("api_od.csv"), at("cli_od.csv"));
	same_file(at("api_prof.csv"), at("cli_prof.csv"));
	snprintf(want, sizeof(want),
		 "%s: %zu stations x 24 hours; per day %.0f departures, %.0f arrivals\n"
		 "  %.0f rides over %g days; %zu origin-destination pairs\n"
		 "  round trips (back to the start port): %.0f, %.2f %% of rides, median ride %.1f min\n"
		 "  snippet: { \"demand\": { \"round_trip_share\": %.4f, \"round_trip_min\": %.1f } }\n"
		 "  warnings: %ld\n",
		 at("cli_rates.csv"), rep.stations, rep.departures, rep.arrivals,
		 (double)rep.rows, rep.days, rep.od_pairs, (double)rep.round_trips,
		 100.0 * (double)rep.round_trips / (double)rep.rows, rep.round_trip_min,
		 (double)rep.round_trips / (double)rep.rows, rep.round_trip_min,
		 rep.warnings.count);
	same_output(out, msg, want, &rep.warnings);
	/* --days */
	o.days = 4.0;
	o.od = NULL;
	o.profile = NULL;
	o.output = at("api4.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), 0);
	ck_assert(rep.days == 4.0 && rep.departures == 1.25);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "calibrate trips %s --stations %s -o %s --days 4 -q",
				o.input, o.stations, at("cli4.csv")), 0);
	same_file(at("api4.csv"), at("cli4.csv"));
}
END_TEST

START_TEST(test_calibrate_status)
{
	struct bs_calibrate_opts o;
	struct bs_data_report rep;
	struct bs_error err;
	char want[2048], *out, *msg;

	bs_calibrate_opts_init(&o);
	o.source = "status";
	o.input = fx("status_small.csv");
	o.stations = fx("gbfs_stations.csv");
	o.output = at("api_rates.csv");
	o.profile = at("api_prof.csv");
	ck_assert_msg(bs_calibrate(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert(rep.stations == 4 && rep.imputed == 21 && rep.warnings.count == 3);
	ck_assert_int_eq(tu_cli(NULL, &out, &msg, "calibrate status %s --stations %s -o %s --profile %s",
				o.input, o.stations, at("cli_rates.csv"), at("cli_prof.csv")), 0);
	same_file(at("api_rates.csv"), at("cli_rates.csv"));
	same_file(at("api_prof.csv"), at("cli_prof.csv"));
	snprintf(want, sizeof(want),
		 "%s: %zu stations x 24 hours; per day %.0f departures, %.0f arrivals\n"
		 "  truck moves (changes of %ld or more bikes): %.0f picked up, %.0f dropped off per day\n"
		 "  station-hours imputed: %zu\n  warnings: %ld\n",
		 at("cli_rates.csv"), rep.stations, rep.departures, rep.arrivals, o.truck_jump,
		 rep.truck_pickups, rep.truck_dropoffs, rep.imputed, rep.warnings.count);
	same_output(out, msg, want, &rep.warnings);
	/* --truck-jump and --max-gap reach the estimate */
	o.truck_jump = 3;
	o.max_gap_min = 5;
	o.profile = NULL;
	o.output = at("api3.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), 0);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL,
				"calibrate status %s --stations %s -o %s --truck-jump 3 --max-gap 5 -q",
				o.input, o.stations, at("cli3.csv")), 0);
	same_file(at("api3.csv"), at("cli3.csv"));
	/* --stations-out: the stations with soft capacity, as the CLI writes
	 * them (every port of this network is in the series) */
	free(tu_write(dir, "st3.csv", "station_id,name,ward,lat,lon,capacity\n"
				      "s1,A-2 Kanda,Chiyoda,35.6938,139.7533,20\n"
				      "s2,A-1 Kojimachi,Chiyoda,35.6851,139.738,9\n"
				      "s3,C-1 Shiba,Minato,35.6581,139.7514,10\n"));
	o.stations = at("st3.csv");
	o.output = at("api4.csv");
	o.stations_out = at("api_soft.csv");
	ck_assert_msg(bs_calibrate(&o, &rep, &err) == 0, "%s", err.text);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL,
				"calibrate status %s --stations %s -o %s --truck-jump 3 --max-gap 5 --stations-out %s -q",
				o.input, o.stations, at("cli4.csv"), at("cli_soft.csv")), 0);
	same_file(at("api_soft.csv"), at("cli_soft.csv"));
	same_file(at("api4.csv"), at("cli4.csv"));
	out = tu_slurp(at("api_soft.csv"), NULL);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "station_id,name,ward,lat,lon,capacity,physical_limit\n"
					  "s1,A-2 Kanda,Chiyoda,35.6938,139.7533,"));
	free(out);
}
END_TEST

START_TEST(test_calibrate_bad_input)
{
	struct bs_calibrate_opts o;
	struct bs_data_report rep;
	struct bs_error err;

	bs_calibrate_opts_init(&o);
	o.source = "gps";
	o.input = fx("status_small.csv");
	o.stations = fx("gbfs_stations.csv");
	o.output = at("r.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "source");
	ck_assert_ptr_nonnull(strstr(err.text, "'gps'"));
	o.source = "status";
	o.od = at("od.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "--od");
	o.od = NULL;
	o.stations = at("none.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, at("none.csv"));
	/* a station of the series missing from the network: nothing written */
	free(tu_write(dir, "st.csv", "station_id,name,ward,lat,lon,capacity\n"
				     "s1,One,W,35.7,139.7,20\ns2,Two,W,35.71,139.7,9\n"));
	o.stations = at("st.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "s3"));
	ck_assert(!tu_exists(at("r.csv")));
	/* --stations-out: a port of the network the series lacks (s4) is an
	 * error at its row, and nothing is written */
	o.stations = fx("gbfs_stations.csv");
	o.stations_out = at("soft.csv");
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.file, o.stations);
	ck_assert_int_eq(err.row, 5);
	ck_assert_str_eq(err.key, "station_id");
	ck_assert(!tu_exists(at("r.csv")) && !tu_exists(at("soft.csv")));
	/* and it needs a status series */
	o.source = "trips";
	ck_assert_int_eq(bs_calibrate(&o, &rep, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "--stations-out");
}
END_TEST

/* The shipped data are what scripts/make-data.sh makes from the raw
 * files; through the API, byte for byte, with data/SOURCES.md's numbers. */
START_TEST(test_shipped_data)
{
	struct bs_import_gbfs_opts g;
	struct bs_import_trips_opts t;
	struct bs_calibrate_opts c;
	struct bs_data_report rep;
	struct bs_error err;

	bs_import_gbfs_opts_init(&g);
	g.station_information = "data/raw/docomo-cycle-tokyo_station_information_20220628.json";
	g.region_map = "1=Chiyoda,2=Chuo,3=Minato,4=Koto";
	g.wards = "Chiyoda,Chuo,Minato,Koto";
	g.capacity_from = "data/tokyo4_status_20220629.csv.gz";
	g.station_status = "data/raw/docomo-cycle-tokyo_station_status_20220629T0000.json";
	g.stock_output = at("stock.csv");
	g.output = at("stations.csv");
	ck_assert_msg(bs_import_gbfs(&g, &rep, &err) == 0, "%s", err.text);
	same_file(at("stations.csv"), "data/tokyo4_stations.csv");
	same_file(at("stock.csv"), "data/tokyo4_stock_20220629T0000.csv");
	ck_assert(rep.stations == 94 + 68 + 145 + 157 && rep.bikes == 2726);

	bs_calibrate_opts_init(&c);
	c.source = "status";
	c.input = "data/tokyo4_status_20220629.csv.gz";
	c.stations = at("stations.csv");
	c.profile = at("profile.csv");
	c.output = at("rates.csv");
	c.stations_out = at("soft.csv");
	ck_assert_msg(bs_calibrate(&c, &rep, &err) == 0, "%s", err.text);
	same_file(at("rates.csv"), "data/tokyo4_rates_20220629.csv");
	same_file(at("soft.csv"), "data/tokyo4_stations_soft_20220629.csv");
	same_file(at("profile.csv"), "data/tokyo4_profile_20220629.csv");
	ck_assert(rep.stations == 464 && rep.imputed == 14);
	ck_assert(rep.departures > 26897.5 && rep.departures < 26898.5);
	ck_assert(rep.arrivals > 26424.5 && rep.arrivals < 26425.5);
	ck_assert(rep.truck_pickups > 539.5 && rep.truck_pickups < 540.5);
	ck_assert(rep.truck_dropoffs > 976.5 && rep.truck_dropoffs < 977.5);

	bs_import_trips_opts_init(&t);
	t.log = "data/raw/JC-201901-citibike-tripdata.csv";
	t.ward = "Jersey City";
	t.output = at("jc.csv");
	ck_assert_msg(bs_import_trips(&t, &rep, &err) == 0, "%s", err.text);
	same_file(at("jc.csv"), "data/jc_201901_stations.csv");
	ck_assert(rep.stations == 51 && rep.docks == 51 * 20);

	bs_calibrate_opts_init(&c);
	c.source = "trips";
	c.input = t.log;
	c.stations = at("jc.csv");
	c.od = at("jc_od.csv");
	c.output = at("jc_rates.csv");
	ck_assert_msg(bs_calibrate(&c, &rep, &err) == 0, "%s", err.text);
	same_file(at("jc_rates.csv"), "data/jc_201901_rates.csv");
	same_file(at("jc_od.csv"), "data/jc_201901_od.csv");
	ck_assert(rep.days == 31.0 && rep.od_pairs == 1366);
	ck_assert((double)rep.rows / rep.days > 634.5 && (double)rep.rows / rep.days < 635.5);
}
END_TEST

/* The ABI rule for the data options: the monitor (and the numbers)
 * beyond size are not read. */
START_TEST(test_abi_data_opts_size)
{
	struct bs_import_trips_opts it;
	struct bs_import_gbfs_opts ig;
	struct bs_calibrate_opts co;
	struct bs_data_report rep;
	struct bs_error err;

	memset(&it, 0xa5, sizeof(it));
	it.size = offsetof(struct bs_import_trips_opts, monitor);
	it.log = fx("trips_small.csv");
	it.ward = "JC";
	it.capacity = 7;
	it.output = at("st.csv");
	ck_assert_int_eq(bs_import_trips(&it, &rep, &err), 0);
	ck_assert_uint_eq(rep.docks, 21);

	memset(&ig, 0xa5, sizeof(ig));
	ig.size = offsetof(struct bs_import_gbfs_opts, monitor);
	ig.station_information = fx("gbfs/station_information.json");
	ig.system_regions = fx("gbfs/system_regions.json");
	ig.region_map = ig.wards = ig.capacity_from = NULL;
	ig.station_status = ig.stock_output = NULL;
	ig.output = at("g.csv");
	ig.utc_offset_min = 540;
	ck_assert_msg(bs_import_gbfs(&ig, &rep, &err) == 0, "%s", err.text);

	/* a caller that knows only source .. od: the rest take defaults */
	memset(&co, 0xa5, sizeof(co));
	co.size = offsetof(struct bs_calibrate_opts, truck_jump);
	co.source = "status";
	co.input = fx("status_small.csv");
	co.stations = fx("gbfs_stations.csv");
	co.output = at("api.csv");
	co.profile = co.od = NULL;
	ck_assert_msg(bs_calibrate(&co, &rep, &err) == 0, "%s", err.text);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "calibrate status %s --stations %s -o %s -q",
				co.input, co.stations, at("cli.csv")), 0);
	same_file(at("api.csv"), at("cli.csv"));
}
END_TEST

/* ---- plot data and the report -------------------------------------------------- */

/* A run of a shipped scenario (2 replications) into dir/name. */
static const char *run_into(const char *scenario, const char *name)
{
	const struct bs_set two = {"replications", "2"};
	struct bs_error err;
	bs_scenario *sc = bs_scenario_load(scenario, &two, 1, &err);

	ck_assert_ptr_nonnull(sc);
	ck_assert_msg(bs_run_to(sc, at(name), NULL, NULL, &err) == 0, "%s", err.text);
	bs_scenario_free(sc);
	return at(name);
}

static const char *small_sweep(void)
{
	struct bs_error err;
	bs_sweep *sw;

	tu_write_small_base(dir);
	free(tu_write(dir, "sweep.json",
		      "{\"bssim_sweep\": 1, \"name\": \"tiny\", \"base\": \"base.json\", \"replications\": 2,\n"
		      " \"vary\": {\"fleet.bikes\": [10, 14], \"agreement.type\": [\"isolated\", \"full\"]}}\n"));
	sw = bs_sweep_load(at("sweep.json"), &err);
	ck_assert_ptr_nonnull(sw);
	ck_assert_int_eq(bs_sweep_run(sw, at("sw"), NULL, NULL, &err), 0);
	bs_sweep_free(sw);
	return at("sw");
}

/* bs_plotdata's table equals `bssim plotdata` stdout for the same. */
static void same_plotdata(const char *kind, const char *const *args, size_t n,
			  const char *ward, const char *x)
{
	char cmd[4096], *text, *out;
	struct bs_error err;
	FILE *fp = tmpfile();
	size_t i, len = 0;
	long size;
	int rc;

	ck_assert_ptr_nonnull(fp);
	rc = bs_plotdata(kind, args, n, ward, x, fp, &err);
	ck_assert_msg(rc == 0, "plotdata %s: %s", kind, err.text);
	size = ftell(fp);
	rewind(fp);
	text = malloc((size_t)size + 1);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, fp), (size_t)size);
	text[size] = '\0';
	fclose(fp);
	len = (size_t)snprintf(cmd, sizeof(cmd), "plotdata %s", kind);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " '%s'", args[i]);
	if (ward)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, " --ward %s", ward);
	if (x)
		snprintf(cmd + len, sizeof(cmd) - len, " --x %s", x);
	ck_assert_int_eq(tu_cli(NULL, &out, NULL, "%s", cmd), 0);
	ck_assert_uint_gt(strlen(text), 20);
	ck_assert_msg(!strcmp(text, out), "%s differs", cmd);
	free(out);
	free(text);
}

START_TEST(test_plotdata)
{
	const char *iso = run_into("scenarios/tokyo4_isolated.json", "iso"),
		   *full = run_into("scenarios/tokyo4_full.json", "full"), *sw = small_sweep();
	const char *tod[] = {iso, "bikes_docked"}, *matrix[] = {iso, "settlement_yen"},
		   *cmp[] = {iso, full}, *sweep[] = {sw, "service_level"},
		   *bad[] = {iso, "bikes_parked"};
	struct bs_error err;
	FILE *fp = tmpfile();

	same_plotdata("timeofday", tod, 2, NULL, NULL);
	same_plotdata("matrix", tod, 1, NULL, NULL);
	same_plotdata("matrix", matrix, 2, NULL, NULL);
	same_plotdata("ports", tod, 1, NULL, NULL);
	same_plotdata("wards", tod, 1, NULL, NULL);
	same_plotdata("compare", cmp, 2, NULL, NULL);
	same_plotdata("sweep", sweep, 2, NULL, NULL);
	same_plotdata("sweep", sweep, 2, "Beta", "fleet.bikes");
	/* bad input: BS_E_INPUT, nothing on out */
	ck_assert_int_eq(bs_plotdata("histogram", tod, 1, NULL, NULL, fp, &err), BS_E_INPUT);
	ck_assert_int_eq(bs_plotdata("timeofday", bad, 2, NULL, NULL, fp, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.text, "bikes_parked"));
	ck_assert_int_eq(ftell(fp), 0);
	fclose(fp);
}
END_TEST

START_TEST(test_report)
{
	const char *iso = run_into("scenarios/tokyo4_isolated.json", "iso"),
		   *full = run_into("scenarios/tokyo4_full.json", "full"), *sw = small_sweep();
	const char *one[] = {iso}, *two[] = {iso, full}, *sweep[] = {sw};
	struct bs_monitor m = {NULL, on_writing, NULL};
	struct bs_report_opts o;
	struct bs_error err;
	struct writes wr;
	char *html;

	memset(&wr, 0, sizeof(wr));
	m.ud = &wr;
	bs_report_opts_init(&o);
	o.monitor = &m;
	/* one run: DIR/report.html, as `bssim report DIR` writes it */
	ck_assert_msg(bs_report(one, 1, &o, &err) == 0, "%s", err.text);
	ck_assert(wr.begins == 1 && wr.ends == 1);
	html = tu_slurp(at("iso/report.html"), NULL);
	ck_assert_ptr_nonnull(strstr(html, "<title>bssim: tokyo4-isolated</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<code>service_level</code>"));
	free(html);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "report %s -o %s", iso, at("cli1.html")), 0);
	same_file(at("iso/report.html"), at("cli1.html"));
	/* two side by side, with a title */
	o.output = at("two.html");
	o.title = "isolated & full";
	ck_assert_msg(bs_report(two, 2, &o, &err) == 0, "%s", err.text);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "report %s %s --title 'isolated & full' -o %s",
				iso, full, at("cli2.html")), 0);
	same_file(at("two.html"), at("cli2.html"));
	html = tu_slurp(at("two.html"), NULL);
	ck_assert_ptr_nonnull(strstr(html, "<title>isolated &amp; full</title>"));
	free(html);
	/* a sweep */
	o.output = at("sweep.html");
	o.title = NULL;
	ck_assert_int_eq(bs_report(sweep, 1, &o, &err), 0);
	html = tu_slurp(at("sweep.html"), NULL);
	ck_assert_ptr_nonnull(strstr(html, "Sweep points"));
	free(html);
	/* several folders need a file; a folder that holds no run */
	o.output = NULL;
	ck_assert_int_eq(bs_report(two, 2, &o, &err), BS_E_INPUT);
	ck_assert_str_eq(err.key, "-o");
	o.output = at("none.html");
	one[0] = dir;
	ck_assert_int_eq(bs_report(one, 1, &o, &err), BS_E_INPUT);
	ck_assert_ptr_nonnull(strstr(err.file, "summary.json"));
	ck_assert(!tu_exists(at("none.html")));
	/* the ABI rule: plots and the monitor beyond size are not read */
	memset(&o, 0xa5, sizeof(o));
	o.size = offsetof(struct bs_report_opts, plots);
	o.output = at("abi.html");
	o.title = NULL;
	ck_assert_int_eq(bs_report(two, 2, &o, &err), 0);
	ck_assert_int_eq(tu_cli(NULL, NULL, NULL, "report %s %s -o %s", iso, full,
				at("cli3.html")), 0);
	same_file(at("abi.html"), at("cli3.html"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api_data");
	TCase *tc = tcase_create("data");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_import_gbfs);
	tcase_add_test(tc, test_import_trips);
	tcase_add_test(tc, test_calibrate_trips);
	tcase_add_test(tc, test_calibrate_status);
	tcase_add_test(tc, test_calibrate_bad_input);
	tcase_add_test(tc, test_shipped_data);
	tcase_add_test(tc, test_abi_data_opts_size);
	tcase_add_test(tc, test_plotdata);
	tcase_add_test(tc, test_report);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bs_init();
	return tu_main(suite());
}
