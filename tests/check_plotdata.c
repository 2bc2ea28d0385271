/*
 * check_plotdata.c - the tables behind the plots: time-of-day means and
 * Student-t intervals worked by hand, matrices, ports and ward centres
 * from GeoJSON, sweep.csv reading (quoted values, NaN), the choice of x
 * and series, runs as a sweep, and the messages for bad input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "output/plotdata.h"
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

/* What fn wrote to a memory stream, NUL-terminated (caller frees). */
struct sink {
	char *buf;
	size_t len;
	FILE *fp;
};

static FILE *sink_open(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->fp = open_memstream(&s->buf, &s->len);
	ck_assert_ptr_nonnull(s->fp);
	return s->fp;
}

static char *sink_close(struct sink *s)
{
	fclose(s->fp);
	return s->buf;
}

/* Field k (0-based) of CSV line `line` (1-based) as a number. */
static double field(const char *text, int line, int k)
{
	const char *p = text;
	int i;

	for (i = 1; i < line; i++) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	for (i = 0; i < k; i++) {
		p = strchr(p, ',');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	return strtod(p, NULL);
}

static void near(double a, double b)
{
	ck_assert_msg(fabs(a - b) <= 1e-9 * (1.0 + fabs(b)), "%.15g vs %.15g", a, b);
}

/* ---- time of day ---------------------------------------------------------- */

/*
 * Two replications of two days, samples at 00:00 and 12:00, wards A and B
 * (and `all`, which is left out). Replication means at 00:00 for A: (10 +
 * 20) / 2 = 15 and (16 + 18) / 2 = 17: mean 16, sd sqrt(2), interval
 * 16 -+ t(0.975, 1) sqrt(2) / sqrt(2).
 */
static const char TS[] =
	"replication,t_min,ward,bikes_docked,empty_stations,full_stations\n"
	"1,1440,A,10,1,0\n1,1440,B,5,0,0\n1,1440,all,15,1,0\n"
	"1,2160,A,4,2,0\n1,2160,B,6,0,1\n1,2160,all,10,2,1\n"
	"1,2880,A,20,1,0\n1,2880,B,5,0,0\n1,2880,all,25,1,0\n"
	"1,3600,A,4,2,0\n1,3600,B,6,0,1\n1,3600,all,10,2,1\n"
	"2,1440,A,16,0,0\n2,1440,B,7,0,0\n2,1440,all,23,0,0\n"
	"2,2160,A,4,2,0\n2,2160,B,6,0,1\n2,2160,all,10,2,1\n"
	"2,2880,A,18,0,0\n2,2880,B,7,0,0\n2,2880,all,25,0,0\n"
	"2,3600,A,4,2,0\n2,3600,B,6,0,1\n2,3600,all,10,2,1\n";

START_TEST(test_timeofday_by_hand)
{
	char *path = tu_write(dir, "timeseries.csv", TS), *t;
	struct bs_error err;
	struct sink s;
	double hw = gsl_cdf_tdist_Pinv(0.975, 1.0);

	ck_assert_int_eq(bs_plotdata_timeofday(path, "bikes_docked",
					       sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_ptr_nonnull(strstr(t, "hour,time,A,A_lo,A_hi,B,B_lo,B_hi\n"));
	ck_assert_uint_eq(tu_lines(t), 3); /* header, 00:00, 12:00 */
	ck_assert_ptr_null(strstr(t, "all"));
	ck_assert_ptr_nonnull(strstr(t, "\n0,00:00,"));
	ck_assert_ptr_nonnull(strstr(t, "\n12,12:00,"));
	near(field(t, 2, 2), 16.0);
	near(field(t, 2, 3), 16.0 - hw);
	near(field(t, 2, 4), 16.0 + hw);
	near(field(t, 2, 5), 6.0); /* B: 5 and 7, sd sqrt(2) again */
	near(field(t, 2, 6), 6.0 - hw);
	/* 12:00: the same value everywhere, a zero-width interval */
	near(field(t, 3, 2), 4.0);
	near(field(t, 3, 3), 4.0);
	near(field(t, 3, 4), 4.0);
	free(t);

	ck_assert_int_eq(bs_plotdata_timeofday(path, "full_stations",
					       sink_open(&s), &err), 0);
	t = sink_close(&s);
	near(field(t, 3, 5), 1.0);
	free(t);
	free(path);
}
END_TEST

/* One replication: the mean, and NaN for an interval that does not exist. */
START_TEST(test_timeofday_one_replication)
{
	char *path = tu_write(dir, "ts.csv",
			      "replication,t_min,ward,bikes_docked\n"
			      "1,1440,A,3\n1,2880,A,5\n");
	struct bs_error err;
	struct sink s;
	char *t;

	ck_assert_int_eq(bs_plotdata_timeofday(path, "bikes_docked",
					       sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "hour,time,A,A_lo,A_hi\n0,00:00,4,NaN,NaN\n");
	free(t);
	free(path);
}
END_TEST

START_TEST(test_timeofday_bad_input)
{
	char *a = tu_write(dir, "a.csv", "replication,t_min,ward\n1,0,A\n");
	char *b = tu_write(dir, "b.csv",
			   "replication,t_min,ward,bikes_docked\n1,0,A,3\n1,x,A,3\n");
	char *c = tu_write(dir, "c.csv",
			   "replication,t_min,ward,bikes_docked\n1,0,all,3\n");
	struct bs_error err;
	struct sink s;

	ck_assert_int_eq(bs_plotdata_timeofday(a, "bikes_docked", sink_open(&s),
					       &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "replication,t_min,ward,bikes_docked"));
	ck_assert_int_eq(bs_plotdata_timeofday(b, "bikes_docked", sink_open(&s),
					       &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "t_min");
	ck_assert_int_eq(bs_plotdata_timeofday(c, "bikes_docked", sink_open(&s),
					       &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "no samples"));
	free(a);
	free(b);
	free(c);
}
END_TEST

/* ---- matrices ------------------------------------------------------------- */

START_TEST(test_matrix)
{
	json_t *doc = json_loads(
		"{\"flows\": {\"A\": {\"A\": 5, \"B, east\": 1.5},"
		" \"B, east\": {\"A\": 2, \"B, east\": null}},"
		" \"bad\": {\"A\": {\"A\": 1}, \"B\": {\"A\": 1, \"B\": 2}}}",
		0, NULL);
	struct bs_error err;
	struct sink s;
	char *t;

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(bs_plotdata_matrix(doc, "flows", "s.json",
					    sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "from/to,A,\"B, east\"\nA,5,1.5\n\"B, east\",2,NaN\n");
	free(t);
	ck_assert_int_eq(bs_plotdata_matrix(doc, "bad", "s.json", sink_open(&s),
					    &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "square"));
	ck_assert_int_eq(bs_plotdata_matrix(doc, "settlement_yen", "s.json",
					    sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_str_eq(err.file, "s.json");
	json_decref(doc);
}
END_TEST

/* ---- ports ---------------------------------------------------------------- */

static const char PORTS[] =
	"{\"type\":\"FeatureCollection\",\"features\":[\n"
	"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.75,35.70]},"
	"\"properties\":{\"station_id\":\"001\",\"ward\":\"A\",\"capacity\":10,\"empty_frac\":0.25,"
	"\"full_frac\":0.5,\"mean_bikes\":3}},\n"
	"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.77,35.68]},"
	"\"properties\":{\"station_id\":\"002\",\"ward\":\"A\",\"capacity\":20,\"empty_frac\":null}},\n"
	"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[139.80,35.66]},"
	"\"properties\":{\"station_id\":3,\"ward\":\"B\",\"capacity\":5,\"empty_frac\":1}}\n"
	"]}\n";

START_TEST(test_ports_and_wards)
{
	char *path = tu_write(dir, "stations.geojson", PORTS), *t;
	struct bs_error err;
	struct sink s;

	ck_assert_int_eq(bs_plotdata_ports(path, sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "station_id,ward,lon,lat,capacity,empty_frac,full_frac,mean_bikes\n"
			    "001,A,139.75,35.7,10,0.25,0.5,3\n"
			    "002,A,139.77,35.68,20,NaN,NaN,NaN\n"
			    "3,B,139.8,35.66,5,1,NaN,NaN\n");
	free(t);
	ck_assert_int_eq(bs_plotdata_wards(path, sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_ptr_nonnull(strstr(t, "ward,lon,lat,ports,capacity\nA,"));
	near(field(t, 2, 1), 139.76);
	near(field(t, 2, 2), 35.69);
	near(field(t, 2, 3), 2);
	near(field(t, 2, 4), 30);
	ck_assert_ptr_nonnull(strstr(t, "\nB,139.8,35.66,1,5\n"));
	free(t);
	free(path);
}
END_TEST

START_TEST(test_ports_bad_input)
{
	char *a = tu_write(dir, "a.geojson", "{\"type\":\"Feature\"}");
	char *b = tu_write(dir, "b.geojson",
			   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
			   "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]},"
			   "\"properties\":{\"capacity\":1,\"empty_frac\":0}}]}");
	char *c = tu_write(dir, "c.geojson",
			   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
			   "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]},"
			   "\"properties\":{\"empty_frac\":0}}]}");
	char *d = tu_write(dir, "d.geojson", "{\"type\": \"FeatureCollection\",\n \"features\": [}");
	char missing[1024];
	struct bs_error err;
	struct sink s;

	ck_assert_int_eq(bs_plotdata_ports(a, sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "FeatureCollection"));
	ck_assert_int_eq(bs_plotdata_ports(b, sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_str_eq(err.key, "features[0]");
	ck_assert_ptr_nonnull(strstr(err.text, "Point"));
	ck_assert_int_eq(bs_plotdata_wards(c, sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "capacity"));
	ck_assert_int_eq(bs_plotdata_ports(d, sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_int_eq(err.line, 2);
	snprintf(missing, sizeof(missing), "%s/none.geojson", dir);
	ck_assert_int_eq(bs_plotdata_ports(missing, sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "--geojson"));
	free(a);
	free(b);
	free(c);
	free(d);
}
END_TEST

/* ---- sweeps --------------------------------------------------------------- */

/* Two varied keys, one of them quoted JSON with commas; NaN where one
 * replication gives no interval. */
static const char SWEEP[] =
	"point,fleet.bikes,agreement.pairs,metric,ward,mean,sd,ci95_low,ci95_high\n"
	"1,3000,\"[[\"\"A\"\",\"\"B\"\"]]\",service_level,all,0.7,0.01,0.69,0.71\n"
	"1,3000,\"[[\"\"A\"\",\"\"B\"\"]]\",service_level,A,0.6,0.01,0.59,0.61\n"
	"2,3000,[],service_level,all,0.5,NaN,NaN,NaN\n"
	"3,2000,\"[[\"\"A\"\",\"\"B\"\"]]\",service_level,all,0.65,0.01,0.64,0.66\n"
	"4,2000,[],service_level,all,0.45,0.02,0.43,0.47\n";

START_TEST(test_sweep_series)
{
	char *path = tu_write(dir, "sweep.csv", SWEEP), *t;
	struct bs_plotdata_sweep *sw;
	struct bs_error err;
	struct sink s;
	int x;

	sw = bs_plotdata_sweep_load(path, &err);
	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_uint_eq(sw->nkeys, 2);
	ck_assert_str_eq(sw->keys[1], "agreement.pairs");
	ck_assert_uint_eq(sw->n, 5);
	ck_assert_str_eq(sw->rows[0].val[1], "[[\"A\",\"B\"]]");
	ck_assert(isnan(sw->rows[2].sd));
	/* the numeric key is x; each pairs value is a series; x sorted */
	x = bs_plotdata_sweep_pick_x(sw, NULL, &err);
	ck_assert_int_eq(x, 0);
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, x, "service_level", "all",
						  sink_open(&s), &err), 0);
	t = sink_close(&s);
	/* issue 16: a JSON value is shown by its readable label (a legend
	 * read "{"): a pair of names joined by an en dash */
	ck_assert_str_eq(t,
		"fleet.bikes,label,A\xe2\x80\x93" "B,A\xe2\x80\x93" "B_lo,A\xe2\x80\x93" "B_hi,[],[]_lo,[]_hi\n"
		"2000,2000,0.65,0.64,0.66,0.45,0.43,0.47\n"
		"3000,3000,0.7,0.69,0.71,0.5,NaN,NaN\n");
	free(t);
	/* the categorical key on x: 1, 2 in order of appearance */
	x = bs_plotdata_sweep_pick_x(sw, "agreement.pairs", &err);
	ck_assert_int_eq(x, 1);
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, x, "service_level", "all",
						  sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_ptr_nonnull(strstr(t, "agreement.pairs,label,3000,3000_lo,3000_hi,2000,"));
	ck_assert_ptr_nonnull(strstr(t, "\n1,A\xe2\x80\x93" "B,0.7,"));
	ck_assert_ptr_nonnull(strstr(t, "\n2,[],0.5,"));
	free(t);
	/* a ward with one point: nothing else varies, one series */
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, 0, "service_level", "A",
						  sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "fleet.bikes,label,service_level,service_level_lo,service_level_hi\n"
			    "3000,3000,0.6,0.59,0.61\n");
	free(t);
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, 0, "revenue_yen", "all",
						  sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "revenue_yen"));
	ck_assert_int_eq(bs_plotdata_sweep_pick_x(sw, "fleet.fill", &err), -1);
	bs_plotdata_sweep_free(sw);
	free(path);
}
END_TEST

/* Issue 16: varying `agreement` labelled every line "{", booleans showed
 * as bare false/true. Every value gets a readable label. */
START_TEST(test_value_labels)
{
	static const struct {
		const char *key, *text, *want;
	} c[] = {
		{"agreement", "{\"type\":\"bilateral\",\"pairs\":[[\"Minato\",\"Koto\"]]}",
		 "bilateral Minato\xe2\x80\x93Koto"},
		{"agreement", "{\"type\":\"bilateral\",\"pairs\":[[\"Minato\",\"Koto\"],[\"Chuo\",\"Koto\"]]}",
		 "bilateral Minato\xe2\x80\x93Koto, Chuo\xe2\x80\x93Koto"},
		{"agreement", "{\"type\":\"full\"}", "full"},
		{"rebalancing.pooled", "true", "pooled: yes"},
		{"rebalancing.pooled", "false", "pooled: no"},
		{"rebalancing", "{\"pooled\":true,\"trucks_per_ward\":2}",
		 "pooled: yes, trucks_per_ward: 2"},
		{"fleet.bikes", "{\"Alpha\":10,\"Beta\":12}", "Alpha: 10, Beta: 12"},
		{"fleet.bikes", "2726", "2726"},
		{"agreement.type", "isolated", "isolated"},
		{"x", "null", "x: default"},
		{"x", "{broken", "{broken"},
	};
	char buf[200];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bs_value_label(c[i].key, c[i].text, buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, c[i].want) == 0, "%s=%s: '%s', expected '%s'",
			      c[i].key, c[i].text, buf, c[i].want);
	}
	/* in Japanese (output.language ja): wards by their names from the
	 * names table, the enum words and yes/no in Japanese; a run's name
	 * ("full" as a folder) and other text as they are */
	{
		static const struct {
			const char *key, *text, *want;
		} j[] = {
			{"agreement", "{\"type\":\"bilateral\",\"pairs\":[[\"Minato\",\"Koto\"]]}",
			 "二区間相互利用 港区\xe2\x80\x93江東区"},
			{"agreement.type", "isolated", "各区単独"},
			{"agreement.type", "full", "全区相互利用"},
			{"run", "full", "full"},
			{"rebalancing.pooled", "true", "トラック共同運用：あり"},
			{"fleet.bikes", "{\"Minato\":10,\"Koto\":12}", "港区：10, 江東区：12"},
			{"fleet.bikes", "2726", "2726"},
			{"ward", "Koto", "江東区"},
			{"ward", "Chuo", "Chuo"},
		};
		json_t *names = json_loads(
			"{\"wards\": {\"Minato\": {\"en\": \"Minato\", \"ja\": \"港区\"},"
			" \"Koto\": {\"en\": \"Koto\", \"ja\": \"江東区\"}}}", 0, NULL);
		ck_assert_ptr_nonnull(names);
		for (i = 0; i < sizeof(j) / sizeof(j[0]); i++) {
			bs_value_label_lang(j[i].key, j[i].text, names, 1, buf, sizeof(buf));
			ck_assert_msg(strcmp(buf, j[i].want) == 0, "%s=%s: '%s', expected '%s'",
				      j[i].key, j[i].text, buf, j[i].want);
			/* the same names in English change nothing */
			bs_value_label_lang(j[i].key, j[i].text, names, 0, buf, sizeof(buf));
			bs_value_label(j[i].key, j[i].text, buf + 100, 100);
			ck_assert_str_eq(buf, buf + 100);
		}
		json_decref(names);
	}
	/* cut with an ellipsis, never inside a character */
	strcpy(buf, "\xe6\xb8\xaf\xe5\x8c\xba\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88");
	bs_label_cut(buf, 4);
	ck_assert_str_eq(buf, "\xe6\xb8\xaf\xe5\x8c\xba\xe2\x80\xa6");
	strcpy(buf, "short");
	bs_label_cut(buf, 40);
	ck_assert_str_eq(buf, "short");
}
END_TEST

/* Issue 16: error bars were each point's unpaired interval although the
 * design is paired. plotdata diff gives the mean of the differences within
 * replications with their Student-t interval, worked by hand here:
 * differences 1, 2, 1 -> mean 4/3, sd sqrt(1/3), half-width
 * t(0.975, 2) sqrt(1/3) / sqrt(3). The unpaired interval would be more than
 * twice as wide (sds 2 and 2.08). */
START_TEST(test_diff_by_hand)
{
	char *a = tu_write(dir, "sweep.csv",
			   "point,k,metric,ward,mean,sd,ci95_low,ci95_high\n"
			   "1,200,m,all,12,2,7,17\n2,100,m,all,13.3333333333,2.08,8,18\n");
	char *b = tu_write(dir, "sweep_replications.csv",
			   "point,k,replication,ward,metric,value\n"
			   "1,200,1,all,m,10\n1,200,2,all,m,12\n1,200,3,all,m,14\n"
			   "2,100,1,all,m,11\n2,100,2,all,m,14\n2,100,3,all,m,15\n"
			   "2,100,1,all,other,99\n");
	double hw = gsl_cdf_tdist_Pinv(0.975, 2) * sqrt(1.0 / 3.0) / sqrt(3.0);
	struct bs_error err;
	struct sink s;
	char *t, *l;
	double x, m, lo, hi;

	ck_assert_int_eq(bs_plotdata_diff_sweep(dir, "m", NULL, NULL, sink_open(&s),
						&err), 0);
	t = sink_close(&s);
	/* the baseline is the smallest x (point 2, k = 100): point 1 minus it */
	{
		static const char head[] = "k,label,B \xe2\x88\x92 A (A = 100),";
		ck_assert_msg(strncmp(t, head, strlen(head)) == 0, "%s", t);
	}
	ck_assert_ptr_nonnull(strstr(t, "\n100,100,0,0,0\n"));
	l = strstr(t, "\n200,200,");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(sscanf(l + 1, "%lf,200,%lf,%lf,%lf", &x, &m, &lo, &hi), 4);
	ck_assert_double_eq_tol(m, -4.0 / 3.0, 1e-9);
	ck_assert_double_eq_tol(lo, -4.0 / 3.0 - hw, 1e-9);
	ck_assert_double_eq_tol(hi, -4.0 / 3.0 + hw, 1e-9);
	free(t);
	ck_assert_int_eq(bs_plotdata_diff_sweep(dir, "nothere", NULL, NULL,
						sink_open(&s), &err), BS_E_INPUT);
	free(sink_close(&s));
	ck_assert_ptr_nonnull(strstr(err.text, "nothere"));
	free(a);
	free(b);
}
END_TEST

START_TEST(test_sweep_bad_input)
{
	char *a = tu_write(dir, "a.csv", "point,metric,ward,mean,sd,ci95_low\n1,m,all,1,1,1\n");
	char *b = tu_write(dir, "b.csv",
			   "point,k,metric,ward,mean,sd,ci95_low,ci95_high\n"
			   "1,x,m,all,1,1,1,1\n1,x,m,all,one,1,1,1\n");
	char *c = tu_write(dir, "c.csv",
			   "point,k,metric,ward,mean,sd,ci95_low,ci95_high\n1,x,m,all,1\n");
	struct bs_error err;

	ck_assert_ptr_null(bs_plotdata_sweep_load(a, &err));
	ck_assert_ptr_nonnull(strstr(err.text, "metric,ward,mean,sd,ci95_low,ci95_high"));
	ck_assert_ptr_null(bs_plotdata_sweep_load(b, &err));
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.key, "mean");
	ck_assert_ptr_null(bs_plotdata_sweep_load(c, &err));
	ck_assert_int_eq(err.row, 2);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* The hand-made sweep fixture (DESIGN.md's format) reads and shapes. */
START_TEST(test_sweep_fixture)
{
	struct bs_plotdata_sweep *sw;
	struct bs_error err;
	struct sink s;
	char *t;

	sw = bs_plotdata_sweep_load(tu_fixture("sweep/sweep.csv"), &err);
	ck_assert_msg(sw != NULL, "%s", err.text);
	ck_assert_str_eq(sw->keys[0], "fleet.bikes");
	ck_assert_str_eq(sw->keys[1], "agreement.type");
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, bs_plotdata_sweep_pick_x(sw, NULL, &err),
						  "service_level", "Koto",
						  sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_ptr_nonnull(strstr(t, "fleet.bikes,label,isolated,isolated_lo,isolated_hi,full,full_lo,full_hi\n2000,2000,"));
	ck_assert_uint_eq(tu_lines(t), 4);
	free(t);
	bs_plotdata_sweep_free(sw);
}
END_TEST

START_TEST(test_runs_as_sweep)
{
	json_t *a = json_loads(
		"{\"scenario\": {\"agreement\": {\"type\": \"isolated\"}},"
		" \"metrics\": {\"service_level\": {\"mean\": 0.6, \"sd\": 0.1,"
		"   \"ci95_low\": 0.5, \"ci95_high\": 0.7}, \"revenue_yen\": {\"mean\": 10,"
		"   \"sd\": null, \"ci95_low\": null, \"ci95_high\": null}},"
		" \"wards\": {\"A\": {\"metrics\": {\"service_level\": {\"mean\": 0.4}}}}}",
		0, NULL);
	json_t *b = json_loads(
		"{\"scenario\": {\"agreement\": {\"type\": \"full\"}},"
		" \"metrics\": {\"service_level\": {\"mean\": 0.8, \"sd\": 0.1,"
		"   \"ci95_low\": 0.7, \"ci95_high\": 0.9}}}",
		0, NULL);
	json_t *docs[2] = {a, b};
	const char *labels[2] = {"one", "two"}, *files[2] = {"a.json", "b.json"};
	struct bs_plotdata_sweep *sw;
	struct bs_error err;
	struct sink s;
	char *t;

	sw = bs_plotdata_sweep_from_runs(docs, labels, files, 2, &err);
	ck_assert_ptr_nonnull(sw);
	ck_assert_int_eq(bs_plotdata_sweep_write_csv(sw, sink_open(&s)), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "point,run,agreement.type,metric,ward,mean,sd,ci95_low,ci95_high\n"
			    "1,one,isolated,service_level,all,0.6,0.1,0.5,0.7\n"
			    "1,one,isolated,revenue_yen,all,10,NaN,NaN,NaN\n"
			    "1,one,isolated,service_level,A,0.4,NaN,NaN,NaN\n"
			    "2,two,full,service_level,all,0.8,0.1,0.7,0.9\n");
	free(t);
	/* x is the run (the first key that varies), one series per agreement */
	ck_assert_int_eq(bs_plotdata_sweep_pick_x(sw, NULL, &err), 0);
	ck_assert_int_eq(bs_plotdata_sweep_series(sw, 0, "service_level", "all",
						  sink_open(&s), &err), 0);
	t = sink_close(&s);
	ck_assert_str_eq(t, "run,label,isolated,isolated_lo,isolated_hi,full,full_lo,full_hi\n"
			    "1,one,0.6,0.5,0.7,NaN,NaN,NaN\n"
			    "2,two,NaN,NaN,NaN,0.8,0.7,0.9\n");
	free(t);
	bs_plotdata_sweep_free(sw);
	docs[1] = json_object();
	ck_assert_ptr_null(bs_plotdata_sweep_from_runs(docs, labels, files, 2, &err));
	ck_assert_str_eq(err.file, "b.json");
	json_decref(docs[1]);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* The command line: folders or files as input, usage errors exit 2. */
START_TEST(test_cli)
{
	char cmd[2048], *out, *err, *sc;
	char json[1024];

	snprintf(json, sizeof(json),
		 "{\"bssim\": 1, \"name\": \"small\", \"replications\": 2,"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300},"
		 " \"output\": {\"geojson\": true}}",
		 tu_abspath(tu_fixture("six.csv")));
	sc = tu_write(dir, "small.json", json);
	snprintf(cmd, sizeof(cmd), "%s run %s -o %s/run -q", tu_bssim(), sc, dir);
	ck_assert_int_eq(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof(cmd), "%s plotdata timeofday %s/run empty_stations",
		 tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "hour,time,Alpha,Alpha_lo,Alpha_hi,Beta,"));
	ck_assert_uint_eq(tu_lines(out), 1 + 96);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s plotdata matrix %s/run/summary.json settlement_yen",
		 tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "from/to,Alpha,Beta,Gamma\n"));
	free(out);
	snprintf(cmd, sizeof(cmd), "%s plotdata ports %s/run", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_uint_eq(tu_lines(out), 7);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s plotdata compare %s/run %s/run/", tu_bssim(),
		 dir, dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	/* same scenario name and folder name: told apart by path */
	ck_assert_ptr_nonnull(strstr(out, "/run/,full,service_level,all,"));
	free(out);
	snprintf(cmd, sizeof(cmd), "%s plotdata sweep %s service_level --ward Koto --x fleet.bikes",
		 tu_bssim(), tu_fixture("sweep/sweep.csv"));
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_uint_eq(tu_lines(out), 4);
	free(out);

	snprintf(cmd, sizeof(cmd), "%s plotdata frobnicate x", tu_bssim());
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown kind"));
	free(err);
	snprintf(cmd, sizeof(cmd), "%s plotdata timeofday %s/run", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "usage: bssim plotdata timeofday RUN COLUMN"));
	free(err);
	snprintf(cmd, sizeof(cmd), "%s plotdata timeofday %s/run nothing", tu_bssim(), dir);
	ck_assert_int_eq(tu_run(cmd, NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "timeseries.csv"));
	free(err);
	snprintf(cmd, sizeof(cmd), "%s plotdata --help", tu_bssim());
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "timeofday RUN COLUMN"));
	free(out);
	free(sc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("plotdata");
	TCase *tc = tcase_create("plotdata");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_timeofday_by_hand);
	tcase_add_test(tc, test_timeofday_one_replication);
	tcase_add_test(tc, test_timeofday_bad_input);
	tcase_add_test(tc, test_matrix);
	tcase_add_test(tc, test_ports_and_wards);
	tcase_add_test(tc, test_ports_bad_input);
	tcase_add_test(tc, test_sweep_series);
	tcase_add_test(tc, test_sweep_bad_input);
	tcase_add_test(tc, test_value_labels);
	tcase_add_test(tc, test_diff_by_hand);
	tcase_add_test(tc, test_sweep_fixture);
	tcase_add_test(tc, test_runs_as_sweep);
	tcase_add_test(tc, test_cli);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
