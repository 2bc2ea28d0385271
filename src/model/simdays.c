/*
 * simdays.c - the sums of each calendar day of a replication, for
 * days.csv (output.days; see struct bs_rep_result in sim.h).
 *
 * At each midnight inside the window the loop asks for a cut: the
 * cumulative sums so far are copied into the day's row. Counters are
 * copied as they stand; time integrals are read as they would be after a
 * flush at midnight, without flushing (the pending piece of each station
 * and ward is added to a copy), so that the run's own sums are computed
 * exactly as without days and every other output keeps its bytes. At the
 * end the last row is the run's final sums, and each row minus the one
 * before is the day's. A cut costs O(stations + wards) once a day; the
 * loop pays one comparison per event.
 */
#include "sim_internal.h"

#include <math.h>
#include <string.h>

size_t bs__days_count(const struct bs_params *p, uint32_t *first)
{
	double warm = p->warmup_days * BS_MINUTES_PER_DAY;
	double hor = p->days * BS_MINUTES_PER_DAY;
	double d0, d1;

	*first = 0;
	if (!p->days_out || hor <= warm)
		return 0;
	d0 = floor(warm / BS_MINUTES_PER_DAY);
	d1 = ceil(hor / BS_MINUTES_PER_DAY);
	*first = (uint32_t)d0;
	return (size_t)(d1 - d0);
}

void bs__days_reset(struct bs_sim *S)
{
	struct bs_rep_result *o = S->out;
	size_t W = S->W;

	S->day_i = 0;
	S->day_next = HUGE_VAL;
	if (!o->ndays)
		return;
	memset(o->day_raw, 0, o->ndays * (W + 1) * BS_RAW_N * sizeof(double));
	for (size_t k = 0; k < o->ndays; k++) {
		double a = (o->day_first + (double)k) * BS_MINUTES_PER_DAY;
		double b = a + BS_MINUTES_PER_DAY;
		o->day_min[k] = (b < S->horizon ? b : S->horizon) -
				(a > S->warm ? a : S->warm);
	}
	if (o->ndays > 1)
		S->day_next = (o->day_first + 1.0) * BS_MINUTES_PER_DAY;
}

/* The cumulative sums at midnight T into row (wards only). */
static void snapshot(struct bs_sim *S, double T, double *row)
{
	size_t i, w, W = S->W;

	memcpy(row, S->out->raw, W * BS_RAW_N * sizeof(double));
	for (i = 0; i < S->n; i++) {
		const struct bs__station *st = &S->st[i];
		double dt = T - st->tlast, *x = row + st->ward * BS_RAW_N;
		x[BS_RAW_EMPTY_T] += st->empty_t + (st->usable == 0 ? dt : 0.0);
		x[BS_RAW_FULL_T] += st->full_t + (st->stock >= st->cap ? dt : 0.0);
		x[BS_RAW_DOCKED_T] += st->bike_t + dt * st->stock;
	}
	for (w = 0; w < W; w++) {
		double *x = row + w * BS_RAW_N;
		x[BS_RAW_INUSE_INT] += S->w_inuse[w] * (T - S->w_tlast[w]);
		x[BS_RAW_LOW_T] += S->w_low[w] * (T - S->w_low_tlast[w]);
		x[BS_RAW_REFUSE_T] += S->w_refuse[w] * (T - S->w_refuse_tlast[w]);
	}
}

void bs__days_cut(struct bs_sim *S, double t)
{
	struct bs_rep_result *o = S->out;
	size_t rowlen = (S->W + 1) * BS_RAW_N;

	/* the window's midnights lie inside [warm-up, horizon), where the
	 * loop integrates */
	while (t >= S->day_next && S->day_i + 1 < o->ndays) {
		snapshot(S, S->day_next, o->day_raw + S->day_i * rowlen);
		S->day_i++;
		S->day_next = S->day_i + 1 < o->ndays
				      ? S->day_next + BS_MINUTES_PER_DAY
				      : HUGE_VAL;
	}
}

/* Sums made only at the end of a replication: not split into days. */
static const int END_ONLY[] = {BS_RAW_TRUCK_HOURS, BS_RAW_CREW_HOURS,
			       BS_RAW_COST, BS_RAW_SETTLE_IN,
			       BS_RAW_SETTLE_OUT, BS_RAW_DEPOT_T};

void bs__days_finish(struct bs_sim *S)
{
	struct bs_rep_result *o = S->out;
	size_t W = S->W, rowlen = (W + 1) * BS_RAW_N, k, w, i;

	if (!o->ndays)
		return;
	memcpy(o->day_raw + (o->ndays - 1) * rowlen, o->raw,
	       W * BS_RAW_N * sizeof(double));
	for (k = o->ndays - 1; k > 0; k--) {
		double *x = o->day_raw + k * rowlen;
		const double *prev = x - rowlen;
		for (i = 0; i < W * BS_RAW_N; i++)
			x[i] -= prev[i];
	}
	for (k = 0; k < o->ndays; k++) {
		double *x = o->day_raw + k * rowlen, *all = x + W * BS_RAW_N;
		for (w = 0; w < W; w++)
			for (i = 0; i < sizeof(END_ONLY) / sizeof(END_ONLY[0]); i++)
				x[w * BS_RAW_N + (size_t)END_ONLY[i]] = 0.0;
		memset(all, 0, BS_RAW_N * sizeof(double));
		for (w = 0; w < W; w++)
			for (i = 0; i < BS_RAW_N; i++)
				all[i] += x[w * BS_RAW_N + i];
	}
}
