/*
 * worldkey.c - what a scenario's world depends on, as one canonical text
 * (see bs_world_key in world.h).
 *
 * A world (network, demand tables, agreement, operations, initial stock)
 * is built from the resolved scenario by bs_world_build, which reads
 * some keys and not others. The key table says which keys feed only the
 * simulation (bs_key.feeds, input/keys.h); every other key, and any
 * key the table does not know, is taken to feed the world. The key is
 * the resolved scenario with the simulation-only leaves removed, and the
 * folder that relative paths are resolved against: two scenarios with
 * the same key build the same world, byte for byte, and differ at most
 * in struct bs_params fields that only the simulation reads.
 */
#include "calib/world.h"

#include <stdlib.h>
#include <string.h>

#include "input/keys.h"

/* The world-relevant leaves under obj (at dotted prefix) into out, as
 * {"a.b.c": value}. Recursion follows the table's object keys only: a
 * value that is itself an object ({ward: number}, a matrix) is one leaf.
 * 0 or -1 (no memory). O(keys x table) for the lookups. */
static int collect(json_t *out, json_t *obj, const char *prefix)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		size_t lp = strlen(prefix), lk = strlen(k);
		char *path = malloc(lp + lk + 2);
		const struct bs_key *row;
		int rc = 0;

		if (!path)
			return -1;
		if (lp) {
			memcpy(path, prefix, lp);
			path[lp] = '.';
			memcpy(path + lp + 1, k, lk + 1);
		} else {
			memcpy(path, k, lk + 1);
		}
		row = bs_key_find(path);
		if (row && row->feeds == BS_FEEDS_SIM)
			; /* the simulation's alone */
		else if (row && row->type == BS_KT_OBJ && json_is_object(v))
			rc = collect(out, v, path);
		else
			rc = json_object_set(out, path, v) ? -1 : 0;
		free(path);
		if (rc)
			return rc;
	}
	return 0;
}

char *bs_world_key(const struct bs_scenario *sc)
{
	json_t *key = json_object(), *leaves = json_object();
	char *s = NULL;

	if (key && leaves && !collect(leaves, sc->root, "") &&
	    !json_object_set_new(key, "dir", json_string(sc->dir ? sc->dir : "")) &&
	    !json_object_set(key, "keys", leaves))
		s = json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS |
					    JSON_REAL_PRECISION(17));
	json_decref(key);
	json_decref(leaves);
	return s;
}
