/*
 * keys.h - the key table of scenario files: every key a scenario may hold,
 * in one row each, with everything bssim knows of it: its type, bounds,
 * default, enum names, the condition under which it applies, a line of
 * help, and the field of struct bs_params or struct bs_scenario its value
 * goes into. Validation, defaults, the binding of values to fields, `--set`,
 * the list of unused keys, `bssim keys` (docs/scenario-keys.md), `bssim
 * schema` (docs/bssim.schema.json) and the enum names `check` prints all
 * come from this table: a key's meaning is written once.
 *
 * Order matters: a parent before its children, and a key before the keys
 * whose condition reads it (defaults are filled in table order).
 */
#ifndef BS_INPUT_KEYS_H
#define BS_INPUT_KEYS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum bs_ktype {
	BS_KT_OBJ,    /* object; def "{}" means created for its defaults */
	BS_KT_INT,    /* integer (an integral real is accepted) */
	BS_KT_NUM,    /* number */
	BS_KT_STR,    /* string */
	BS_KT_BOOL,   /* true / false */
	BS_KT_ENUM,   /* one of choices; bound as the choice's index */
	BS_KT_PATH,   /* file path, relative to the scenario */
	BS_KT_HOURS,  /* 24 non-negative numbers, positive sum */
	BS_KT_MONTHS, /* 12 numbers within the key's bounds */
	BS_KT_PAIRS,  /* [[ward, ward], ...] */
	BS_KT_WARDS,  /* {ward: [ward, ...], ...} */
	BS_KT_PRICE,  /* number, or {ward: number, ...} */
	BS_KT_WCOUNT, /* integer, or {ward: integer, ...} */
	BS_KT_POOL,   /* true/false, or [[ward, ...], ...] pooling groups */
	BS_KT_WSTR    /* {ward: string, ...} */
};

/* Where a key's value goes, and as what C type. */
enum bs_kdest { BS_KD_NONE, BS_KD_PARAM, BS_KD_SCEN };
enum bs_kctype {
	BS_KC_NONE,
	BS_KC_DBL,    /* double */
	BS_KC_U64,    /* uint64_t */
	BS_KC_U32,    /* uint32_t */
	BS_KC_SIZE,   /* size_t */
	BS_KC_INT,    /* int: an enum's index, or a boolean */
	BS_KC_STR,    /* const char *, borrowed from the resolved JSON */
	BS_KC_PATH,   /* char *, resolved against the scenario's folder */
	BS_KC_HOURS,  /* double[24] */
	BS_KC_MONTHS, /* double[12] */
	BS_KC_WVAL,   /* struct bs_wardval */
	BS_KC_WLIST   /* struct bs_wardlists */
};

enum bs_kfeeds { BS_FEEDS_WORLD, BS_FEEDS_SIM };

struct bs_key {
	const char *path;
	enum bs_ktype type;
	double min, max;     /* inclusive bounds for numbers */
	int min_open;        /* min itself excluded */
	const char *def;     /* JSON text of the default, or NULL */
	const char *choices; /* BS_KT_ENUM: "a|b|c", in the C enum's order */
	const char *when;    /* "key=value[|value]" or "key": where it applies */
	enum bs_kdest dest;
	enum bs_kctype ctype;
	size_t off;          /* offsetof the field in dest's struct */
	const char *help;
	/* Non-NULL: the key is required wherever `when` holds (always when
	 * when is NULL), and this is why, for the message "missing key
	 * 'LEAF'; NEEDS" that names the parent. The schema says the same
	 * (keyschema.c); the condition is a sibling key or the parent itself. */
	const char *needs;
	/* BS_FEEDS_SIM: the key feeds only the simulation (the replications,
	 * through struct bs_params), never bs_world_build (calib/world.c
	 * and what it calls): points of a sweep that differ only in such keys
	 * share one world (bs_world_key, calib/world.h). BS_FEEDS_WORLD, the
	 * conservative choice: the world may depend on the key. */
	enum bs_kfeeds feeds;
};

extern const struct bs_key bs_keys[];
extern const size_t bs_nkeys;

/* The row of a dotted key, or NULL. O(keys). */
const struct bs_key *bs_key_find(const char *path);

/* An enum key's choice: the index of name among the choices, or -1; and
 * the name of index i into buf (returned), or NULL. */
int bs_key_enum_index(const struct bs_key *k, const char *name);
const char *bs_key_enum_name(const char *path, int i, char *buf, size_t sz);

/* The known key under parent nearest to the unknown leaf bad (a small
 * edit distance), or NULL; and the leaves under parent as "a, b, c". */
const char *bs_key_closest(const char *parent, const char *bad, char *list,
			   size_t lsz);

/* The bounds of a numeric key (inclusive; min excluded when *min_open):
 * 0, or -1 when path is not a numeric key. O(keys). */
int bs_key_range(const char *path, double *min, double *max, int *min_open);

/* "from 0 to 10" or "greater than 0 and at most 10" of a numeric key. */
void bs_key_range_text(const struct bs_key *k, char *buf, size_t sz);
/* A bound as written in a scenario (whole numbers in full); buf of at
 * least 32 bytes, returned. */
const char *bs_key_bound(double v, char *buf);

/* The row of path when it carries `needs`, its condition holds in the
 * resolved root and the key is absent: the caller reports it as missing.
 * NULL otherwise (and for an unknown path, a programming error). */
const struct bs_key *bs_key_missing(json_t *root, const char *path);

/* Does the condition `when` (NULL: always) hold in the resolved root? */
int bs_key_when_holds(json_t *root, const char *when);

/* Borrowed value at a dotted path of root, or NULL. */
json_t *bs_json_path(json_t *root, const char *path);

/* The table as Markdown (docs/scenario-keys.md). */
void bs_keys_write_markdown(FILE *out);

/* The JSON Schema (draft 2020-12) of scenario and sweep files. New
 * reference, or NULL when out of memory. */
json_t *bs_keys_schema(void);

#endif
