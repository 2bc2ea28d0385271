/*
 * reportpair.c - report.html's comparison of runs (see report.h): each
 * later run minus the first, replication by replication, with the paired
 * 95% interval, and the reach of each run's agreement.
 */
#include "output/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/metrics.h"

static const char *const PAIRED_METRICS[] = {
	"service_level", "reach_level", "cross_ward_trips", "lost_no_bike",
	"lost_forbidden", "revenue_yen"};
#define NPAIRED (sizeof(PAIRED_METRICS) / sizeof(PAIRED_METRICS[0]))

/* One metric's row of the B - A table: each later run minus the first,
 * with the paired interval; a note in place of the row when the runs do
 * not pair (different network, seed or replications). */
static int paired_row(FILE *o, const struct bs_report *rep, char **dirs,
		      json_t **docs, const char *metric, const char *ward,
		      char *why, size_t wsz)
{
	struct bs_paired *pr = calloc(rep->nruns, sizeof(*pr));
	struct bs_error e;
	size_t i;
	int idx = bs_metric_index(metric);

	bs_error_clear(&e);
	if (!pr)
		return BS_E_NOMEM;
	if (bs_plotdata_runs_paired(dirs, docs, rep->nruns, metric, ward, pr,
				    &e)) {
		bs_error_format(&e, why, wsz);
		free(pr);
		return e.code == BS_E_NOMEM ? BS_E_NOMEM : 1;
	}
	fprintf(o, "<tr><th scope=\"row\"><code>%s</code>", metric);
	if (strcmp(ward, "all") != 0) {
		fprintf(o, " of ");
		bs__report_esc(o, ward);
	}
	if (idx >= 0) {
		fprintf(o, "<br><span class=\"help\">");
		bs__report_esc(o, bs_metric_helptext[idx]);
		fprintf(o, "</span>");
	}
	fprintf(o, "</th>");
	for (i = 1; i < rep->nruns; i++) {
		double d = pr[i].diff;
		fprintf(o, "<td>");
		/* a sign on every difference: the direction is the news */
		if (isfinite(d) && d > 0.0)
			fputs("+", o);
		bs__report_stat(o, metric, d, pr[i].ci_lo, pr[i].ci_hi);
		fprintf(o, "</td>");
	}
	fprintf(o, "</tr>\n");
	free(pr);
	return 0;
}

/* Each run's agreement, readably ("bilateral Minato–Chiyoda"), with how
 * many of its requests reached their destination. */
static void put_reach(FILE *o, const struct bs_report *rep)
{
	size_t i;

	fprintf(o, "<h3>Reach of each agreement</h3>\n<table class=\"reach\">\n"
		   "<thead><tr><th>run</th><th>agreement</th><th><code>reach_level</code></th>"
		   "<th><code>trips_reached</code></th><th><code>cross_ward_trips</code></th></tr></thead>\n<tbody>\n");
	for (i = 0; i < rep->nruns; i++) {
		json_t *m = json_object_get(rep->runs[i].summary, "metrics");
		char *text = json_dumps(json_object_get(json_object_get(
						rep->runs[i].summary, "scenario"),
						"agreement"),
					JSON_COMPACT | JSON_ENCODE_ANY);
		char label[400];
		/* in the page's language (reportja.c translates whole phrases,
		 * not labels made of names) */
		bs_value_label_lang("agreement", text ? text : "",
				    json_object_get(rep->runs[0].summary, "names"),
				    bs_summary_language(rep->runs[0].summary),
				    label, sizeof(label));
		free(text);
		fprintf(o, "<tr><th scope=\"row\">");
		bs__report_esc(o, rep->runs[i].label);
		fprintf(o, "</th><td class=\"text\">");
		bs__report_esc(o, label);
		fprintf(o, "</td><td>");
		bs__report_stat_json(o, "reach_level", json_object_get(m, "reach_level"));
		fprintf(o, "</td><td>");
		bs__report_stat_json(o, "trips_reached", json_object_get(m, "trips_reached"));
		fprintf(o, "</td><td>");
		bs__report_stat_json(o, "cross_ward_trips",
				     json_object_get(m, "cross_ward_trips"));
		fprintf(o, "</td></tr>\n");
	}
	fprintf(o, "</tbody></table>\n");
}

/*
 * The comparison the design was made for: B - A of each later run against
 * the first, replication by replication (runs with one seed see the same
 * requests: common random numbers), with the paired 95% interval, read
 * from the runs' replications.csv. Each run's own interval (the tables
 * below) would make a clear difference look like an overlap.
 */
int bs__report_paired(FILE *o, const struct bs_report *rep)
{
	char **dirs = calloc(rep->nruns, sizeof(char *)), why[1200] = "";
	json_t **docs = calloc(rep->nruns, sizeof(json_t *));
	size_t i, k;
	int rc = 0;

	if (!dirs || !docs) {
		free(dirs);
		free(docs);
		return BS_E_NOMEM;
	}
	for (i = 0; i < rep->nruns; i++) {
		dirs[i] = (char *)rep->runs[i].dir;
		docs[i] = rep->runs[i].summary;
	}
	fprintf(o, "<h2 id=\"paired\">Differences B &#8722; A, paired</h2>\n"
		   "<p class=\"note\">Each run minus <strong>");
	bs__report_esc(o, rep->runs[0].label);
	fprintf(o, "</strong> (A), whole network, per simulated day: the mean of "
		   "the differences within each replication and, in brackets, their "
		   "paired 95%% confidence interval (Student t). Replication r of every "
		   "run sees the same random streams (common random numbers), so this "
		   "is the interval to read: the runs' own intervals overlap where "
		   "the difference is clear. Shares in percentage points.</p>\n"
		   "<table class=\"paired\">\n<thead><tr><th>metric</th>");
	for (i = 1; i < rep->nruns; i++) {
		fprintf(o, "<th>");
		bs__report_esc(o, rep->runs[i].label);
		fprintf(o, " &#8722; ");
		bs__report_esc(o, rep->runs[0].label);
		fprintf(o, "</th>");
	}
	fprintf(o, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < NPAIRED && rc == 0; k++)
		rc = paired_row(o, rep, dirs, docs, PAIRED_METRICS[k], "all", why,
				sizeof(why));
	{
		/* settlement nets to zero over the network: each ward's */
		const char *wn;
		json_t *wo;
		json_object_foreach(json_object_get(docs[0], "wards"), wn, wo) {
			if (rc)
				break;
			rc = paired_row(o, rep, dirs, docs, "settlement_net_yen", wn,
					why, sizeof(why));
		}
	}
	fprintf(o, "</tbody></table>\n");
	if (rc == 1) {
		fprintf(o, "<p class=\"note\">No paired differences: ");
		bs__report_esc(o, why);
		fprintf(o, "</p>\n");
		rc = 0;
	}
	if (rc == 0)
		put_reach(o, rep);
	free(dirs);
	free(docs);
	return rc;
}

