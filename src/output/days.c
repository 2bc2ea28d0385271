/*
 * days.c - days.csv (output.days): the trend of a run over its days, one
 * row per replication, calendar day and ward (and all), with the day's
 * metrics computed from its raw sums by the same function as the run's
 * (bs_metrics_compute over a one-day view), so that every definition is
 * the run's: counts per day, shares of the day's minutes.
 *
 * Relation to replications.csv (tested in check_output): with m_d the
 * day's metric, n_d the day's measured minutes and M the replication's,
 *   counts and time averages: M = sum_d n_d m_d / sum_d n_d (whole days:
 *     the plain mean over days);
 *   service_level and reach_level: M = sum_d c_d / sum_d q_d, with c_d
 *     the day's completed (reached) trips and q_d its requests: the
 *     requests-weighted mean of the days' levels, not their plain mean.
 * Counters belong to the day of their event (sim.h), so a day's service
 * level counts returns of the night's trips requested the day before.
 */
#include "output/files_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/fmt.h"
#include "stats/metrics.h"

/* The columns after replication,day,weekday,ward,minutes. */
static const int DAY_METRICS[] = {
	BS_M_TRIPS_REQUESTED,   BS_M_TRIPS_COMPLETED,
	BS_M_LOST_NO_BIKE,      BS_M_LOST_FORBIDDEN,
	BS_M_LOST_PRICE,        BS_M_SERVICE_LEVEL,
	BS_M_TRIPS_REACHED,     BS_M_REACH_LEVEL,
	BS_M_FULL_DIVERSIONS,   BS_M_CROSS_WARD_TRIPS,
	BS_M_EMPTY_STATION_FRAC, BS_M_FULL_STATION_FRAC,
	BS_M_BIKES_IN_USE_MEAN, BS_M_BIKES_DOCKED_MEAN,
	BS_M_BIKES_LOW_BATTERY_MEAN, BS_M_REBALANCING_MOVES,
	BS_M_BATTERY_SWAPS,     BS_M_REVENUE_YEN};
#define NDM (sizeof(DAY_METRICS) / sizeof(DAY_METRICS[0]))

static const char *const WEEKDAY[7] = {"mon", "tue", "wed", "thu",
				       "fri", "sat", "sun"};

size_t bs__day_columns(const int **metrics)
{
	*metrics = DAY_METRICS;
	return NDM;
}

const char *bs__day_weekday(int weekday0, uint32_t day)
{
	return WEEKDAY[((unsigned)weekday0 + day) % 7];
}

void bs__day_view(const struct bs_rep_result *r, size_t k,
		  struct bs_rep_result *day)
{
	*day = *r;
	day->window_min = r->day_min[k];
	day->raw = r->day_raw + k * (r->nwards + 1) * BS_RAW_N;
}

void bs__write_days(FILE *fp, const struct bs_network *net, int weekday0,
		    struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, k, w, i, W = net->nwards;
	double v[BS_METRIC_N];

	fputs("replication,day,weekday,ward,minutes", fp);
	for (i = 0; i < NDM; i++)
		fprintf(fp, ",%s", bs_metric_names[DAY_METRICS[i]]);
	fputc('\n', fp);
	for (r = 0; r < nreps; r++)
		for (k = 0; k < reps[r]->ndays; k++) {
			struct bs_rep_result day;
			uint32_t d = reps[r]->day_first + (uint32_t)k;
			bs__day_view(reps[r], k, &day);
			for (w = 0; w <= W; w++) {
				bs_metrics_compute(&day, net, w, v);
				fprintf(fp, "%u,%u,%s,", reps[r]->rep, d,
					bs__day_weekday(weekday0, d));
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fputc(',', fp);
				bs_csv_num(fp, day.window_min);
				for (i = 0; i < NDM; i++) {
					fputc(',', fp);
					bs_csv_num(fp, v[DAY_METRICS[i]]);
				}
				fputc('\n', fp);
			}
		}
}
