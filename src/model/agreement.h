/*
 * agreement.h - the mutual-use agreement between wards: may a bike owned by
 * ward A be returned at (and rented from) a port of ward B?
 *
 * Presets: isolated (only A at A, as before 2016), full (anywhere, as from
 * 2016); bilateral and matrix come in as an explicit owner-by-ward matrix
 * built by the scenario reader from ward names. Alongside, for every owner
 * ward and station, the nearest station where that owner's bikes may be
 * returned (the station itself when allowed): the `truncate` behaviour sends
 * riders there. Also the per-ward tariff.
 *
 * Ownership: bs_agreement_new copies the matrix; bs_agreement_free frees
 * everything. Immutable after construction; shared by all replications.
 */
#ifndef BSSIM_AGREEMENT_H
#define BSSIM_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "model/network.h"

struct bs_agreement {
	int kind;          /* enum bs_agreement_kind */
	size_t nwards;
	size_t n;          /* stations */
	uint8_t *allow;    /* [owner * nwards + ward] */
	int all;           /* every entry allowed: the fast path */
	uint32_t *nearest; /* [owner * n + station] or BS_NO_STATION */
	double *price_yen; /* [nwards] per started tariff block */
};

/*
 * Build an agreement of the given kind over net's wards. matrix (nwards^2,
 * owner-major, nonzero = allowed) is used for bilateral and matrix kinds and
 * ignored for presets; the diagonal is always allowed. price_yen (nwards) is
 * copied. NULL when out of memory.
 */
struct bs_agreement *bs_agreement_new(const struct bs_network *net, int kind,
				      const uint8_t *matrix,
				      const double *price_yen);

static inline int bs_agreement_allows(const struct bs_agreement *a,
				      unsigned owner, unsigned ward)
{
	return a->allow[(size_t)owner * a->nwards + ward];
}

/* Number of ordered pairs (A, B), A != B, that are allowed. */
size_t bs_agreement_cross_pairs(const struct bs_agreement *a);

void bs_agreement_free(struct bs_agreement *a);

#endif
