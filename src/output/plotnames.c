/*
 * plotnames.c - display names and ward boundaries for the plots and the
 * report (plotdata.h): a run's language and its wards' display names from
 * summary.json (output.language, the "names" member written with
 * network.names), and wards.geojson as rings gnuplot draws.
 */
#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "input/jsonpos.h"
#include "output/output.h"
#include "output/plot_internal.h"
#include "output/plotdata.h"

int bs_summary_language(json_t *summary)
{
	json_t *l = json_object_get(
		json_object_get(json_object_get(summary, "scenario"), "output"),
		"language");

	return json_is_string(l) && strcmp(json_string_value(l), "ja") == 0;
}

const char *bs_summary_ward_name(json_t *summary, const char *ward, int ja)
{
	json_t *n = json_object_get(
		json_object_get(json_object_get(summary, "names"), "wards"), ward);
	json_t *v = json_object_get(n, ja ? "ja" : "en");

	return json_is_string(v) && *json_string_value(v) ? json_string_value(v)
							   : ward;
}

static void put_name(FILE *out, json_t *summary, const char *w, int ja)
{
	bs_csv_put(out, w);
	fputc(',', out);
	bs_csv_put(out, bs_summary_ward_name(summary, w, ja));
	fputc('\n', out);
}

int bs_plotdata_names(json_t *summary, FILE *out, struct bs_error *err)
{
	int ja = bs_summary_language(summary);
	json_t *wards = json_object_get(summary, "wards"), *v;
	const char *w;
	size_t i;

	fprintf(out, "ward,%s\n", ja ? "ja" : "en");
	/* a summary's wards are an object, a sweep point's a list of ids */
	json_object_foreach(wards, w, v)
		put_name(out, summary, w, ja);
	json_array_foreach(wards, i, v)
		if (json_is_string(v))
			put_name(out, summary, json_string_value(v), ja);
	return bs__plot_finish(out, err);
}

/* Ring r of a polygon: "lon,lat" lines, then a blank line (gnuplot starts
 * a new line there). 0, or -1 when it is not an array of [lon, lat]. */
static int put_ring(FILE *out, json_t *r)
{
	json_t *p;
	size_t i;

	if (!json_is_array(r))
		return -1;
	json_array_foreach(r, i, p) {
		if (!json_is_number(json_array_get(p, 0)) ||
		    !json_is_number(json_array_get(p, 1)))
			return -1;
		bs_csv_num(out, json_number_value(json_array_get(p, 0)));
		fputc(',', out);
		bs_csv_num(out, json_number_value(json_array_get(p, 1)));
		fputc('\n', out);
	}
	fputc('\n', out);
	return 0;
}

int bs_plotdata_boundaries(const char *geojson, FILE *out,
			   struct bs_error *err)
{
	json_t *doc = bs_json_load_file(geojson, BS_MAX_JSON_FILE,
					"the wards.geojson of a bssim run (written with network.boundaries and output.geojson)",
					JSON_REJECT_DUPLICATES, err);
	json_t *f, *poly, *ring;
	size_t i, j, k;
	int bad = 0;

	if (!doc)
		return err && err->code ? err->code : BS_E_INPUT;
	fputs("lon,lat\n", out);
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *g = json_object_get(f, "geometry");
		json_array_foreach(json_object_get(g, "coordinates"), j, poly)
			json_array_foreach(poly, k, ring)
				bad |= put_ring(out, ring);
	}
	json_decref(doc);
	if (bad) {
		bs_error_set(err, BS_E_INPUT, geojson, 0, 0, "features",
			     "expected MultiPolygon features with [lon, lat] positions (as bssim writes wards.geojson)");
		return BS_E_INPUT;
	}
	return bs__plot_finish(out, err);
}
