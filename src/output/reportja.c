/*
 * reportja.c - report.html in Japanese (output.language "ja"): the page
 * is written as in English into memory, then every text node that is
 * exactly a known phrase (headings, table heads, the metrics'
 * descriptions) or a ward id is replaced by its Japanese text, and the
 * page says lang="ja". Whole text nodes only, so numbers, keys, file
 * names and the scenario's values are never touched, and a phrase the
 * table does not know (a section added later) stays English rather than
 * half-translated. The English page is the same bytes as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/plotdata.h"
#include "output/report.h"

struct phrase {
	const char *en, *ja;
};

/* Exact text nodes of the English page (HTML-escaped as written there). */
static const struct phrase JA[] = {
	{"Served, and reached", "サービス水準と到達率"},
	{"Headline metrics", "主要指標"},
	{"metric", "指標"},
	{"Settlement between wards", "区間の精算"},
	{"Trips between wards", "区間の利用"},
	{"owes in all", "支払計"},
	{"is owed in all", "受取計"},
	{"Nothing is owed: no fee rule of this scenario moves money between wards.",
	 "支払いはありません：このシナリオの料金規則では区間で金銭が移動しません。"},
	{"Completed trips per simulated day from the renting ward (row) to the return ward (column), mean over replications.",
	 "貸出区（行）から返却区（列）への1日あたりの完了した利用回数（反復の平均）。"},
	{"Yen per simulated day that the row&#39;s ward owes the column&#39;s ward under the scenario&#39;s fee rules (mean over replications).",
	 "シナリオの料金規則のもとで、行の区が列の区に支払う1日あたりの金額（円、反復の平均）。"},
	{"Plots", "グラフ"},
	{"By ward", "区別"},
	{"ward", "区"},
	{"all", "全体"},
	{"Scenario", "シナリオ"},
	{"key", "キー"},
	{"agreement", "協定"},
	{"Port tags", "タグ付きポート"},
	{"tag", "タグ"},
	{"ports", "ポート数"},
	{"trips_completed / trips_requested", "完了した利用 / 利用要求"},
	{"trips_reached / trips_requested", "到達した利用 / 利用要求"},
	{"trips requested per day (ward where the user asked)", "1日あたりの利用要求（要求した区）"},
	{"trips ridden and returned per day", "1日あたりの完了した利用"},
	{"requests lost per day: no bike within the walk radius", "1日あたりの失われた要求：徒歩圏内に自転車がない"},
	{"requests lost per day: the agreement forbids the ride", "1日あたりの失われた要求：協定が利用を認めない"},
	{"trips per day returned short of a forbidden destination", "1日あたりの、目的地の手前で返却された利用"},
	{"arrivals at a full port per day (each diversion counts)", "1日あたりの満車ポートへの到着（迂回ごとに数える）"},
	{"trips per day returned in another ward than rented (renting ward)", "1日あたりの他区で返却された利用（貸出区）"},
	{"mean minutes from rental to return, diversions included", "貸出から返却までの平均分数（迂回を含む）"},
	{"time-averaged share of ports with no rentable bike", "借りられる自転車のないポートの時間平均割合"},
	{"time-averaged share of ports with no free dock", "空きラックのないポートの時間平均割合"},
	{"time-averaged bikes being ridden (renting ward)", "利用中の自転車の時間平均台数（貸出区）"},
	{"bikes moved by trucks per day", "1日あたりのトラックによる再配置台数"},
	{"truck kilometres per day", "1日あたりのトラック走行距離（km）"},
	{"fares collected per day, yen (renting ward)", "1日あたりの利用料金収入（円、貸出区）"},
	{"trips per day rented at another port than asked", "1日あたりの、希望と別のポートで借りた利用"},
	{"time-averaged bikes docked", "駐輪中の自転車の時間平均台数"},
	{"mean metres from the return port to the destination, over completed trips", "返却ポートから目的地までの平均距離（m）"},
	{"rentals per day at the tagged ports", "タグ付きポートでの1日あたりの貸出"},
	{"returns per day at the tagged ports", "タグ付きポートでの1日あたりの返却"},
	{"returns per day at the tagged ports of bikes rented in another ward (cross-ward visitors)",
	 "他区で借りた自転車のタグ付きポートへの1日あたりの返却（区をまたぐ来訪者）"},
	{"visitors / trips_to", "来訪者 / 返却"},
	{"Ports carrying a tag (the tags column of the stations CSV), per simulated day after the warm-up, by event time, for all the tagged ports and per ward of the port; mean over replications with its 95% confidence interval.",
	 "タグ（ステーションCSVのtags列）の付いたポートについて、助走期間後の1日あたり（発生時刻で計数）、タグ付きポート全体とポートの区ごとに示す。反復の平均と95%信頼区間。"},
};

/* The Japanese of text node t (len bytes, trimmed), or NULL. Wards first
 * (their display names), then the phrases. O(phrases). */
static const char *ja_of(const struct bs_report *rep, const char *t,
			 size_t len)
{
	json_t *w = json_object_get(rep->runs[0].summary, "wards");
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(w, k, v)
		if (strlen(k) == len && !memcmp(k, t, len))
			return bs_summary_ward_name(rep->runs[0].summary, k, 1);
	for (i = 0; i < sizeof(JA) / sizeof(JA[0]); i++)
		if (strlen(JA[i].en) == len && !memcmp(JA[i].en, t, len))
			return JA[i].ja;
	return NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t';
}

/* Copy page (len bytes) to o, translating whole text nodes. A <style>'s
 * body is copied as it is. O(len x phrases). */
static void translate(FILE *o, const struct bs_report *rep, const char *page,
		      size_t len)
{
	const char *p = page, *e = page + len;
	static const char LANG_EN[] = "<html lang=\"en\">";

	while (p < e) {
		const char *q;
		if (*p == '<') {
			if ((q = memchr(p, '>', (size_t)(e - p))) == NULL)
				q = e - 1;
			if ((size_t)(q + 1 - p) == sizeof(LANG_EN) - 1 &&
			    !memcmp(p, LANG_EN, sizeof(LANG_EN) - 1))
				fputs("<html lang=\"ja\">", o);
			else
				fwrite(p, 1, (size_t)(q + 1 - p), o);
			if ((size_t)(e - p) > 7 && !memcmp(p, "<style>", 7)) {
				const char *s = strstr(q, "</style>");
				if (s) {
					fwrite(q + 1, 1, (size_t)(s - q - 1), o);
					q = s - 1;
				}
			}
			p = q + 1;
			continue;
		}
		q = memchr(p, '<', (size_t)(e - p));
		if (!q)
			q = e;
		{
			const char *a = p, *b = q, *ja;
			while (a < b && is_space(*a))
				a++;
			while (b > a && is_space(b[-1]))
				b--;
			ja = a < b ? ja_of(rep, a, (size_t)(b - a)) : NULL;
			if (ja) {
				fwrite(p, 1, (size_t)(a - p), o);
				fputs(ja, o);
				fwrite(b, 1, (size_t)(q - b), o);
			} else {
				fwrite(p, 1, (size_t)(q - p), o);
			}
		}
		p = q;
	}
}

int bs_report_write(FILE *o, const struct bs_report *rep,
		    struct bs_error *err)
{
	char *page = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	if (!rep->nruns || !bs_summary_language(rep->runs[0].summary))
		return bs__report_write_page(o, rep, err);
	if (!(m = open_memstream(&page, &len))) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory writing the report");
		return BS_E_NOMEM;
	}
	rc = bs__report_write_page(m, rep, err);
	if (fclose(m) && rc == 0) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
			     "out of memory writing the report");
		rc = BS_E_NOMEM;
	}
	if (rc == 0) {
		translate(o, rep, page, len);
		if (fflush(o) || ferror(o)) {
			bs_error_set(err, BS_E_IO, NULL, 0, 0, NULL,
				     "cannot write the report");
			rc = BS_E_IO;
		}
	}
	free(page);
	return rc;
}
