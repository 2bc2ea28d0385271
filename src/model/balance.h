/*
 * balance.h - fitting the hourly destination weights of the balanced rates
 * model to the table's arrivals, counted in the hour the ride ends
 * (demand.c builds the alias tables from the result). Internal to the
 * model layer.
 *
 * Ownership: bs__balance_arrivals allocates its work space and frees it
 * before it returns; the caller owns w.
 */
#ifndef BSSIM_BALANCE_H
#define BSSIM_BALANCE_H

#include <stddef.h>

#include "model/demand.h"

/* The ride-time shifts q(j | c) tabulated against the ride's fixed part
 * c = detour x dist / speed (minutes), every BS_BAL_STEP_MIN minutes and
 * interpolated linearly between; see balance.c for the error bound. */
#define BS_BAL_STEP_MIN 0.02

/*
 * Fit w(d, h) (into w, [n][24] caller-allocated, each hour's largest 1)
 * for the candidates of d (dest_off/dest_idx, dest_od filled) with kernel
 * kern and great-circle distance dist [entries]. Fills *residual and
 * *passes; a fit that does not reach BS_BALANCE_TOL within its cap is
 * reported through in->warn. 0 or BS_E_NOMEM. Memory while it runs: about
 * 12 bytes per entry plus 24 x 24 floats per station.
 */
int bs__balance_arrivals(const struct bs_demand *d,
			 const struct bs_network *net,
			 const struct bs_params *p, const double *kern,
			 const double *dist, const struct bs_demand_input *in,
			 double *w, double *residual, int *passes);

/* The folded shifts q[0..24) of a ride whose fixed part is c minutes
 * (exact: the log-normal integrals), and how many leading hours are used
 * (at least 1). For tests of the table's interpolation. */
size_t bs__ride_shift(const struct bs_params *p, double c, double *q);

/* The same, read from a table of step BS_BAL_STEP_MIN as the fit reads
 * it (built for cmax minutes; c must not exceed it). 0 or BS_E_NOMEM. */
int bs__ride_shift_table(const struct bs_params *p, double cmax, double c,
			 double *q);

#endif
