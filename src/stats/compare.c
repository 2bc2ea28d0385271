/*
 * compare.c - paired and unpaired intervals of a difference (see
 * compare.h).
 */
#include "stats/compare.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

int bs_paired_compute(const double *a, const double *b, size_t n,
		       size_t stride, struct bs_paired *out)
{
	double *x = malloc(3 * (n ? n : 1) * sizeof(double)), *y, *d;
	size_t i, k = 0;

	out->n = 0;
	out->mean_a = out->mean_b = out->diff = out->diff_sd = (double)NAN;
	out->ci_lo = out->ci_hi = out->un_lo = out->un_hi = (double)NAN;
	if (!x)
		return BS_E_NOMEM;
	y = x + n;
	d = y + n;
	for (i = 0; i < n; i++) {
		double u = a[i * stride], v = b[i * stride];
		if (!isfinite(u) || !isfinite(v))
			continue;
		x[k] = u;
		y[k] = v;
		d[k] = v - u;
		k++;
	}
	out->n = k;
	if (k >= 1) {
		out->mean_a = gsl_stats_mean(x, 1, k);
		out->mean_b = gsl_stats_mean(y, 1, k);
		out->diff = gsl_stats_mean(d, 1, k);
	}
	if (k >= 2) {
		double kn = (double)k;
		double t = gsl_cdf_tdist_Pinv(0.975, kn - 1.0), half;
		double va = gsl_stats_variance_m(x, 1, k, out->mean_a) / kn;
		double vb = gsl_stats_variance_m(y, 1, k, out->mean_b) / kn;
		double se = sqrt(va + vb), df;

		out->diff_sd = gsl_stats_sd_m(d, 1, k, out->diff);
		half = t * out->diff_sd / sqrt(kn);
		out->ci_lo = out->diff - half;
		out->ci_hi = out->diff + half;
		/* Welch-Satterthwaite degrees of freedom */
		if (se > 0.0) {
			df = (va + vb) * (va + vb) /
			     (va * va / (kn - 1.0) + vb * vb / (kn - 1.0));
			half = gsl_cdf_tdist_Pinv(0.975, df) * se;
		} else {
			half = 0.0;
		}
		out->un_lo = out->diff - half;
		out->un_hi = out->diff + half;
	}
	free(x);
	return 0;
}
