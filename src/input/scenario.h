/*
 * scenario.h - scenario files (JSON, format version 1): loading, --set
 * overrides, validation against the key table, defaults, and the resolved
 * scenario that results carry.
 *
 * Every key a scenario may hold is one row of the key table (keys.h): its
 * type, range, default, the condition under which it applies, a line of
 * help, and the field below (or of struct bs_params) its value is bound
 * to. Values are checked by keycheck.c, bound by scenario.c from the
 * table, and the few rules between keys (exactly one network, a warm-up
 * shorter than the horizon, ...) are checked after binding. Unknown keys
 * are errors, with the nearest known key suggested. Per-ward values are
 * bound as the file names the wards (struct bs_wardval, bs_wardlists):
 * the names are resolved against the network by calib/world.c, which
 * never reads the JSON again.
 *
 * Errors name the file, line and column of the offending key (or the
 * `--set` that introduced it), the key, and what was expected.
 *
 * Ownership: bs_scenario_load returns a scenario the caller frees with
 * bs_scenario_free; the resolved JSON (root) belongs to it.
 */
#ifndef BSSIM_SCENARIO_H
#define BSSIM_SCENARIO_H

#include <stdatomic.h>
#include <stdio.h>

#include <jansson.h>

#include "base/common.h"
#include "base/sha256.h"
#include "model/params.h"

/* struct bs_set (one --set KEY=VALUE override) is in bssim.h. */

/* A ward as the file names it, and the key that names it (for messages:
 * "fees.price_yen.Minato", "agreement.pairs[0][1]"). */
struct bs_world;

struct bs_wardname {
	char *name;
	char *key;
};

/*
 * A per-ward value (fleet.bikes, fees.price_yen, rebalancing.trucks_per_ward,
 * battery.crews_per_ward, rebalancing.depots): one value for every ward,
 * or an object naming wards. given: the key is present and applies.
 */
struct bs_wardval {
	int given;
	int each;                 /* {ward: value} */
	double all;               /* !each: the value of every ward */
	size_t n;                 /* each: the wards named */
	struct bs_wardname *ward; /* [n] */
	double *num;              /* [n] numbers */
	char **str;               /* [n] strings (depots' station ids) */
};

/*
 * Lists of wards: agreement.pairs (lists of two), agreement.matrix (the
 * owner, then the wards its bikes may use), pooling groups. all: a pool
 * of `true` (one group of every ward).
 */
struct bs_wardlists {
	int given;
	int all;
	size_t n;                 /* lists */
	size_t *off;              /* [n + 1]: list i is ward[off[i]..off[i+1]) */
	struct bs_wardname *ward;
};

/* A file a run read (provenance.c; summary.json's "inputs"): the
 * scenario file itself (key "scenario") or the value of a path key of
 * the table (network.stations, fleet.initial, demand.rates, ...). */
struct bs_input_file {
	const char *key;   /* static: "scenario" or the key table's path */
	char *path;        /* absolute, symbolic links resolved */
	char sha256[BS_SHA256_HEX];
	uint64_t bytes;
};

struct bs_scenario {
	char *file;  /* path as given */
	char *dir;   /* its directory, for relative paths ("." when none) */
	char *text;  /* source text (BOM removed), for locating errors */
	size_t textlen;
	json_t *root; /* resolved: overrides applied, defaults filled */
	char **set_keys; /* keys given by --set, for error origins */
	size_t nset;
	char **unused; /* keys given but not used by this scenario */
	size_t nunused;

	const char *name; /* borrowed from root */
	struct bs_params p;

	/* network: exactly one of these */
	char *stations_path; /* resolved against dir; NULL when synthetic */
	char *names_path;    /* network.names, or NULL */
	char *bounds_path;   /* network.boundaries, or NULL */
	size_t syn_n, syn_wards;
	uint32_t syn_cap;
	double syn_spacing_m;

	/* tables named by the scenario, resolved against dir; NULL if none */
	char *initial_path; /* fleet.initial */
	char *rates_path;   /* demand.rates */
	char *od_path;      /* demand.od */
	char *ward_factors_path; /* demand.ward_factors */
	char *trips_path;   /* demand.trips */
	long trace_day0;    /* demand.trace_start, days since 1970; -1: auto */

	/* per-ward keys, as given (resolved against the network by world.c) */
	struct bs_wardval fleet_bikes;        /* fleet.bikes: total or {ward: n} */
	struct bs_wardlists agr_pairs, agr_matrix;
	struct bs_wardval price;              /* fees.price_yen */
	struct bs_wardval trucks_per_ward, crews_per_ward;
	struct bs_wardlists reb_pool, bat_pool; /* rebalancing/battery.pooled */
	struct bs_wardval depots;             /* rebalancing.depots */
	/* depots.*: where, how big, how full, trucks; the replay and policy */
	struct bs_wardval dep_at, dep_capacity, dep_stock, dep_trucks;
	char *dep_replay_path, *dep_policy_path;

	/* the world bs_scenario_check built (calib/world.c) and how to free
	 * it: this layer does not know what a world is */
	struct bs_world *world;
	void (*world_free)(struct bs_world *w);
	/* the files it read: the scenario file as bs_scenario_load parsed
	 * it (origin.key NULL when not from a file), and every path key
	 * that applies, hashed once by bs__scenario_inputs (provenance.c) */
	struct bs_input_file origin;
	struct bs_input_file *inputs;
	size_t ninputs;
	int inputs_done;
	char *again_of; /* a rerun: the absolute folder it reran, else NULL */

	/* references beyond the owner's (results hold one): the last
	 * bs_scenario_free frees */
	atomic_int extra_refs;
};

/* Take a reference (dropped by bs_scenario_free). Returns sc. */
struct bs_scenario *bs__scenario_ref(struct bs_scenario *sc);

/*
 * Load, apply overrides (in order; a later one wins), validate, fill
 * defaults. NULL with err filled on bad input.
 */
struct bs_scenario *bs_scenario_load(const char *path,
				     const struct bs_set *sets,
				     size_t nset, struct bs_error *err);

/*
 * The same from a JSON value already in memory (a sweep point): `root` is
 * taken over (its reference is stolen, even on failure); `file` and `text`
 * locate errors in the base file (text may be NULL).
 */
struct bs_scenario *bs_scenario_from_json(json_t *root, const char *file,
					  const char *text,
					  const struct bs_set *sets,
					  size_t nset, struct bs_error *err);

/*
 * Fill err for a problem with the value at dotted `key` of sc, locating it
 * in the file or naming the --set that gave it. Returns BS_E_INPUT.
 */
int bs_scenario_error(const struct bs_scenario *sc, struct bs_error *err,
		      const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Resolve a path given in the scenario against its directory. New string. */
char *bs_scenario_path(const struct bs_scenario *sc, const char *rel);

/* The known key nearest to an unknown one (same parent, a small edit
 * distance), or NULL. Static string. */
const char *bs_scenario_key_suggest(const char *key);

/* bind.c: every key present and applying, into its field (0 or
 * BS_E_NOMEM); and the fields that own memory freed. */
int bs__scenario_bind(struct bs_scenario *sc);
void bs__scenario_unbind(struct bs_scenario *sc);

/* keycheck.c: check the resolved root against the key table (unknown keys
 * with a suggestion, every value's type and range); 0 or BS_E_INPUT with
 * err filled. */
int bs__scenario_check_keys(const struct bs_scenario *sc,
			    struct bs_error *err);
int bs__scenario_check_value(const struct bs_scenario *sc, const char *key,
			     json_t *v, struct bs_error *err);
/* A short rendering of a value for messages (at most 60 characters), and
 * its JSON type in words ("a number"). */
void bs__json_show(const json_t *v, char *buf, size_t sz);
const char *bs__json_type_name(const json_t *v);

/* provenance.c: the files a run reads, for summary.json ("inputs",
 * "run"."inputs") and `bssim run --again`. */

/* The scenario file's record from the bytes that were parsed: its
 * absolute path and their sha256. 0, BS_E_NOMEM, or BS_E_INPUT (the path
 * cannot be made absolute) with err filled. */
int bs__scenario_origin(struct bs_scenario *sc, const char *path,
			const void *bytes, size_t len, struct bs_error *err);

/* Every path key that applies (table order): its file's absolute path,
 * sha256 and length. Done once (later calls return 0 at once): the world
 * is built from the files once too. Reads each file whole, O(bytes); call
 * just after bs_scenario_check, before the scenario is shared between
 * threads. 0 or BS_E_INPUT / BS_E_NOMEM with err filled, naming the key. */
int bs__scenario_inputs(struct bs_scenario *sc, struct bs_error *err);

/* Give the path key `key` (bound, applying) the file `path` instead of
 * the one its value names relative to the scenario (a rerun reads the
 * absolute path the run recorded). 0, BS_E_NOMEM, or BS_E_INPUT when key
 * is not a path key that this scenario reads. */
int bs__scenario_repath(struct bs_scenario *sc, const char *key,
			const char *path);

/* The records as summary.json has them: with_paths 0, {KEY: {"sha256",
 * "bytes"}} (the deterministic part); 1, {KEY: "/absolute/path"} (for
 * "run": paths differ between machines and checkouts). New reference,
 * NULL on NOMEM; {} when nothing was read from files. */
json_t *bs__scenario_inputs_json(const struct bs_scenario *sc, int with_paths);

/*
 * A rerun's inputs (`bssim run --again`, exp/again.c): for every path key
 * the scenario reads, the file at the absolute path the run recorded
 * (paths: summary.json's "run"."inputs") instead of the one its value
 * names, and its sha256 now against the recorded one (sums: "inputs").
 * A changed file is BS_E_INPUT naming it and both digests, unless
 * a->force (then a line in a->notes). The scenario file's record is
 * carried over as it was. A missing record, a record of a key the
 * scenario does not read, a file that cannot be read: BS_E_INPUT with
 * err filled. Before bs_scenario_check; O(bytes of the inputs).
 */
struct bs_again {
	const char *dir;          /* the run's folder, for messages */
	const char *summary;      /* its summary.json, for messages */
	int force;
	struct bs_warnings *notes; /* may be NULL */
};
int bs__scenario_adopt_inputs(struct bs_scenario *sc, json_t *sums,
			      json_t *paths, const struct bs_again *a,
			      struct bs_error *err);

void bs__input_file_release(struct bs_input_file *f);

void bs_scenario_free(struct bs_scenario *sc);

#endif
