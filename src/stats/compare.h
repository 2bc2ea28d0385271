/*
 * compare.h - paired comparison of two scenarios run with common random
 * numbers.
 *
 * Replication r of two scenarios draws the same arrivals, destinations and
 * ride times wherever their models agree (rng.h), so the difference
 * b_r - a_r of a metric in replication r varies much less than either
 * value. The paired interval is Student-t on those n differences (n - 1
 * degrees of freedom); the unpaired one, given for reference, is Welch's
 * interval for two independent samples of n, which is what one would get
 * from independent seeds. The ratio of their widths is what common random
 * numbers buy.
 *
 * Only replications where the metric is defined in both runs are used.
 */
#ifndef BSSIM_COMPARE_H
#define BSSIM_COMPARE_H

#include <stddef.h>

#include "base/common.h"

/* struct bs_paired is in bssim.h. */

/* Compare a[i * stride] with b[i * stride], i < n. NaN fields when fewer
 * than two pairs (the means need one). 0, or BS_E_NOMEM (all NaN). */
int bs_paired_compute(const double *a, const double *b, size_t n,
		       size_t stride, struct bs_paired *out);

#endif
