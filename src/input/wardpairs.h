/*
 * wardpairs.h - a ward x ward table from CSV from,to,VALUE: the ward-pair
 * factors of the destination model (demand.ward_factors, column
 * `factor`) and the origin-destination evidence of `bssim calibrate od`
 * (column `trips` or `share`). Ward names are the network's (as its
 * stations CSV spells them).
 *
 * Errors name the file, the row and the column: a ward the network does
 * not have, a pair given twice (with the row that gave it first), a value
 * that is not a finite number within the caller's bounds, a header
 * without from, to and one of the value columns.
 *
 * Ownership: the caller owns m and given (W x W each, W = net->nwards).
 * O(rows) after the header; one ward lookup per cell (O(W)).
 */
#ifndef BSSIM_WARDPAIRS_H
#define BSSIM_WARDPAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "model/network.h"

struct bs_wardpairs {
	size_t W;       /* the network's wards */
	double *m;      /* [W*W] value of (from, to), row-major; 0 unless given */
	long *row;      /* [W*W] the CSV row that gave it, 0 unless given */
	int col;        /* which of the value columns the header had */
	double sum;     /* of every value */
};

/*
 * Read path against net into t (allocated here; bs_wardpairs_release).
 * cols: the accepted value columns (the header must have exactly one of
 * them), ncols of them; each value must lie in [lo, hi] (lo excluded
 * when lo_open). what: "a ward-factors CSV" and the like, for messages.
 * 0, BS_E_INPUT with err filled, or BS_E_NOMEM.
 */
int bs_wardpairs_load(const char *path, const char *what,
		      const struct bs_network *net, const char *const *cols,
		      size_t ncols, double lo, int lo_open, double hi,
		      struct bs_wardpairs *t, struct bs_error *err);

void bs_wardpairs_release(struct bs_wardpairs *t);

#endif
