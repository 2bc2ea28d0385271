/*
 * reporttags.c - the report's section on port tags: for every tag of a
 * run (summary.json's "tags"), its ports, the trips from and to them and
 * the cross-ward visitors arriving there, for all its ports and per ward,
 * so that aims such as circulation through shopping streets (回遊性) are
 * numbers with their intervals.
 */
#include <stdio.h>
#include <string.h>

#include "output/report.h"
#include "stats/metrics.h"

static void tag_row(FILE *o, const char *tag, const char *ward, json_t *cell)
{
	json_t *m = json_object_get(cell, "metrics");
	int k;

	fputs("<tr><th scope=\"row\"><code>", o);
	bs__report_esc(o, tag);
	fputs("</code></th><td>", o);
	bs__report_esc(o, ward);
	fprintf(o, "</td><td>%lld</td>",
		(long long)json_integer_value(json_object_get(cell, "ports")));
	for (k = 0; k < BS_TAGM_N; k++) {
		fputs("<td>", o);
		bs__report_stat_json(o, k == BS_TAGM_VISITOR_SHARE ? "share_frac"
								    : "count",
				     json_object_get(m, bs_tag_metric_names[k]));
		fputs("</td>", o);
	}
	fputs("</tr>\n", o);
}

static void tag_table(FILE *o, json_t *tags)
{
	const char *t, *w;
	json_t *v, *c;
	int k;

	fputs("<table class=\"wards\">\n<thead><tr><th>tag</th><th>ward</th><th>ports</th>", o);
	for (k = 0; k < BS_TAGM_N; k++)
		fprintf(o, "<th><code>%s</code></th>", bs_tag_metric_names[k]);
	fputs("</tr></thead>\n<tbody>\n", o);
	json_object_foreach(tags, t, v) {
		tag_row(o, t, "all", v);
		json_object_foreach(json_object_get(v, "wards"), w, c)
			tag_row(o, t, w, c);
	}
	fputs("</tbody>\n</table>\n", o);
}

void bs__report_tags(FILE *o, const struct bs_report *rep)
{
	size_t i, n = 0;
	int k;

	for (i = 0; i < rep->nruns; i++)
		n += json_object_get(rep->runs[i].summary, "tags") != NULL;
	if (!n)
		return;
	fputs("<h2 id=\"tags\">Port tags</h2>\n<p>Ports carrying a tag (the tags column of the stations CSV), per simulated day after the warm-up, by event time, for all the tagged ports and per ward of the port; mean over replications with its 95% confidence interval.</p>\n<ul>\n", o);
	for (k = 0; k < BS_TAGM_N; k++) {
		fprintf(o, "<li><code>%s</code>: <span>", bs_tag_metric_names[k]);
		bs__report_esc(o, bs_tag_metric_helptext[k]);
		fputs("</span></li>\n", o);
	}
	fputs("</ul>\n", o);
	for (i = 0; i < rep->nruns; i++) {
		json_t *tags = json_object_get(rep->runs[i].summary, "tags");
		if (!tags)
			continue;
		if (rep->nruns > 1) {
			fputs("<h3>", o);
			bs__report_esc(o, rep->runs[i].label);
			fputs("</h3>\n", o);
		}
		tag_table(o, tags);
	}
}
