/*
 * names.h - display names and ward boundaries for outputs (never read by
 * the model): the names table of network.names and the boundary GeoJSON
 * of network.boundaries, attached to a finished network.
 *
 * The names table (data/names.csv) is a CSV with the header
 * kind,id,en,ja[,code]: kind "ward" (the only kind so far: the data's
 * ports carry only their Japanese names, in the stations CSV), id the
 * ward as the stations CSV names it, en and ja its display names, code
 * its municipality code (JIS X 0402, e.g. 13103 for 港区; may be empty).
 * Rows for wards the network does not have are allowed (one table serves
 * every subset of the wards); a ward without a row displays its id.
 *
 * Ownership: the strings go into the network and are freed with it.
 */
#ifndef BSSIM_NAMES_H
#define BSSIM_NAMES_H

#include "base/common.h"
#include "model/network.h"

#define BS_NAMES_HEADER "kind,id,en,ja,code"

/* Read path into net->ward_en/ward_ja/ward_code. 0, or BS_E_INPUT (file,
 * row, column, what was expected: an unknown kind, an empty id or name,
 * an id given twice), BS_E_LIMIT, BS_E_NOMEM with err filled.
 * O(rows log rows + wards log rows). */
int bs_names_load(const char *path, struct bs_network *net,
		  struct bs_error *err);

/*
 * Read the boundary GeoJSON path (a FeatureCollection; Polygon and
 * MultiPolygon features) and keep, as net->boundaries, the text of
 * wards.geojson: one MultiPolygon Feature per ward of the network, in the
 * network's ward order, with properties ward, name_en, name_ja, code. A
 * feature is the ward's when its property N03_007 (the national land
 * data's municipality code) equals the ward's code from the names table,
 * or its property "ward" equals the ward's id (so wards.geojson reads
 * back); other features are skipped. Every ward needs at least one
 * feature: a ward without one is BS_E_INPUT naming it. O(features x
 * wards + coordinates).
 */
int bs_boundaries_load(const char *path, struct bs_network *net,
		       struct bs_error *err);

/* Both, as the scenario names them (either path NULL: not given): for
 * outputs only, so the model never sees them and results do not change
 * with them. */
int bs_display_load(struct bs_network *net, const char *names_path,
		    const char *bounds_path, struct bs_error *err);

#endif
