/*
 * balance.h - fitting the hourly destination weights of the balanced rates
 * model to the table's arrivals, counted in the hour the ride ends
 * (demand.c builds the alias tables from the result). Internal to the
 * model layer.
 *
 * Ownership: the caller owns struct bal (zeroed or filled by
 * bs__balance_arrivals) and frees its arrays with bs__bal_release.
 */
#ifndef BSSIM_BALANCE_H
#define BSSIM_BALANCE_H

#include <stddef.h>

#include "model/demand.h"

/* The fitting's work space. Cost: entries x (one double, one offset, the
 * bins of q used: 2 to 4 for city rides) + stations x 24 x 27 doubles. */
struct bal {
	size_t n;
	const double *kern; /* [entries] */
	size_t *qoff;       /* [entries + 1] into q */
	double *q;
	double *w, *g, *A, *T; /* [n * 24] */
	double *C;             /* [n * 24 * 24]: C[d][j][h] / w(d, h) */
};

void bs__bal_release(struct bal *b);

/*
 * Fit w(d, h) (into b->w, [n][24], each hour's largest 1) for the
 * candidates of d (dest_off/dest_idx, dest_od filled) with kernel kern
 * [entries]. Fills *residual; a fit that does not reach BS_BALANCE_TOL
 * is reported through in->warn. 0 or BS_E_NOMEM (b is then released by
 * the caller as usual).
 */
int bs__balance_arrivals(const struct bs_demand *d,
			 const struct bs_network *net,
			 const struct bs_params *p, const double *kern,
			 const struct bs_demand_input *in, struct bal *b,
			 double *residual);

#endif
