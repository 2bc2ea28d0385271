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
	{"Yen per simulated day that the row's ward owes the column's ward under the scenario's fee rules (mean over replications).",
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
	{"trips per day still riding a day after the horizon", "1日あたりの、期間終了の1日後もまだ走行中の利用"},
	{"truck hours on shift per day (owning ward)", "1日あたりのトラック勤務時間（所有区）"},
	{"bikes per day trucks brought back to their owner ward", "1日あたりのトラックが所属区へ戻した自転車台数"},
	{"batteries swapped per day (crew&#39;s ward)", "1日あたりのバッテリー交換数（作業班の区）"},
	{"swap-crew hours on shift per day", "1日あたりのバッテリー交換班の勤務時間"},
	{"time-averaged docked bikes too low to rent", "電池残量不足で貸し出せない駐輪中の自転車の時間平均台数"},
	{"trucks, kilometres, crews and swaps per day, yen", "1日あたりの運営費（トラック、走行距離、作業班、交換。円）"},
	{"owed to the ward minus owed by it, per day, yen", "1日あたりの区の受取額から支払額を引いた額（円）"},
	{"revenue + settlement_net - operating_cost, per day, yen", "1日あたりの収入＋精算収支−運営費（円）"},
	{"trips per day docked at the destination, or within the walk radius of it after full-port diversions; truncated trips excluded",
	 "1日あたりの、目的地（満車による迂回の後はその徒歩圏内）に返却された利用（途中返却を除く）"},
	{"time-averaged share of ports at their physical limit, refusing returns (= full_station_frac unless capacity.physical gives limits above capacity)",
	 "物理的な上限に達し返却を受け付けないポートの時間平均割合（capacity.physical が容量を超える上限を与えない限り full_station_frac と同じ）"},
	{"bikes per day brought into service from the ward&#39;s depot (port&#39;s ward)", "1日あたりの区の車庫から投入された自転車台数（ポートの区）"},
	{"bikes per day taken out of service to the ward&#39;s depot (port&#39;s ward)", "1日あたりの区の車庫へ引き上げた自転車台数（ポートの区）"},
	{"time-averaged bikes out of service in the ward&#39;s depot", "区の車庫にある運用外の自転車の時間平均台数"},
	{"bikes per day of replayed moves that could not be made (depot, port or docks short)", "1日あたりの、再生した移動のうち実行できなかった自転車台数（車庫・ポート・ラックの不足）"},
	{"requests lost per day: the rider would walk but not pay the fare (behaviour.choice on)", "1日あたりの失われた要求：利用者が料金を払わず歩くことを選んだ（behaviour.choice 有効時）"},
	{"= trips completed / trips requested: a rider who rode and docked counts as served, even when the agreement stopped the ride short of the destination (truncated).",
	 "＝ 完了した利用 / 利用要求：乗って返却した利用者は、協定により目的地の手前で返却した場合（途中返却）も、サービスを受けたと数える。"},
	{"= trips reached / trips requested: a trip is reached when it was not truncated and its bike was docked at the intended port, or, after full-port diversions, at a port within",
	 "＝ 到達した利用 / 利用要求：途中返却されず、目的のポートに、または満車による迂回の後は目的のポートから"},
	{"of it.", "以内のポートに返却された利用を、到達したと数える。"},
	{"Whole network, per simulated day after the warm-up. Each cell: the mean over the replications and, in brackets, its 95% confidence interval (Student t). Shares in percent. Runs that share a seed see the same requests (common random numbers), so their differences are the scenarios' own.",
	 "ネットワーク全体、助走期間後の1日あたり。各欄：反復の平均と、括弧内にその95%信頼区間（スチューデントのt）。割合はパーセント。同じシードの実行は同じ利用要求を受ける（共通乱数）ため、実行間の差はシナリオ自体の差である。"},
	{"owes &#8595; to &#8594;", "支払元 &#8595; 支払先 &#8594;"},
	{"from &#8595; to &#8594;", "貸出 &#8595; 返却 &#8594;"},
	{"The same statistics for each ward (as counted in", "区ごとの同じ統計（数え方は"},
	{": requests where the user asked, trips and fares where the bike was rented).", "のとおり：利用要求は要求した区、利用と料金は自転車を借りた区で数える）。"},
	{"Every key of the resolved scenario (defaults filled in), as", "解決済みシナリオのすべてのキー（既定値を含む）："},
	{"records it.", "の記録のとおり。"},
	{"records it; rows where the runs differ are highlighted.", "の記録のとおり。実行間で異なる行は強調表示。"},
	{"Differences B &#8722; A, paired", "対応のある差 B &#8722; A"},
	{"Each run minus", "各実行から"},
	{"(A), whole network, per simulated day: the mean of the differences within each replication and, in brackets, their paired 95% confidence interval (Student t). Replication r of every run sees the same random streams (common random numbers), so this is the interval to read: the runs' own intervals overlap where the difference is clear. Shares in percentage points.",
	 "（A）を引いた差。ネットワーク全体、1日あたり：各反復内の差の平均と、括弧内にその対応のある95%信頼区間（スチューデントのt）。どの実行の反復rも同じ乱数列を使う（共通乱数）ため、読むべきはこの区間である：差が明らかでも、各実行自身の区間は重なる。割合はパーセントポイント。"},
	{"Reach of each agreement", "各協定の到達率"},
	{"run", "実行"},
	{"point", "点"},
	{"Sweep points", "スイープの各点"},
	{"Interrupted:", "中断："},
	{"Ports carrying a tag (the tags column of the stations CSV), per simulated day after the warm-up, by event time, for all the tagged ports and per ward of the port; mean over replications with its 95% confidence interval.",
	 "タグ（ステーションCSVのtags列）の付いたポートについて、助走期間後の1日あたり（発生時刻で計数）、タグ付きポート全体とポートの区ごとに示す。反復の平均と95%信頼区間。"},
};

/*
 * Text nodes that hold numbers or names: "{}" in en matches one or more
 * characters, "{w}" a ward id; ja takes them by number ("{0}", "{1}"),
 * a ward as its display name. Tried after the exact phrases.
 */
static const struct phrase JA_PAT[] = {
	{"; {} days with {} of warm-up, {} replications, seed {}",
	 "；{0}日（うち助走{1}日）、反復{2}回、シード{3}"},
	{"Made by bssim {} from", "作成：bssim {0}、入力："},
	{"(run {}, {} s on {} threads, bssim {});", "（実行 {0}、{1}秒、{2}スレッド、bssim {3}）；"},
	{"(run {}, {} s on {} threads, bssim {}).", "（実行 {0}、{1}秒、{2}スレッド、bssim {3}）。"},
	{"{} points. Whole network, per simulated day after the warm-up: the mean over replications &#177; the half-width of its 95% confidence interval (Student t); shares in percent; metrics that are zero at every point are left out. Every point sees the same random streams (common random numbers).",
	 "{0}点。ネットワーク全体、助走期間後の1日あたり：反復の平均 &#177; 95%信頼区間の半幅（スチューデントのt）。割合はパーセント。どの点でもゼロの指標は省く。すべての点は同じ乱数列を使う（共通乱数）。"},
	{"of {w}", "（{0}）"},
	{"bssim sweep: {}", "bssim スイープ：{0}"},
	{"{} holds {} of the {} replications asked for (the run was stopped); its intervals are wider than a complete run's. Run it again for all of them.",
	 "{0}：求めた反復{2}回のうち{1}回のみ（実行が中断された）。区間は完全な実行より広い。すべての反復を得るには、もう一度実行すること。"},
};

#define JA_MAXCAP 4

/* The display name of ward id t (len bytes) in names, or NULL. */
static const char *ward_ja(json_t *names, const char *t, size_t len)
{
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(names, "wards"), k, v)
		if (strlen(k) == len && !memcmp(k, t, len)) {
			const char *ja = json_string_value(json_object_get(v, "ja"));
			return ja && *ja ? ja : NULL;
		}
	return NULL;
}

/* Match t (len bytes) against pattern pat; the captures into cap/clen.
 * A capture ends at the first place the rest of the literal text
 * matches (at the end, for the last). O(len x pattern). */
static int pat_match(json_t *names, const char *pat, const char *t,
		     size_t len, const char **cap, size_t *clen)
{
	const char *e = t + len;
	int n = 0;

	while (*pat) {
		int ward = !strncmp(pat, "{w}", 3);
		if (ward || !strncmp(pat, "{}", 2)) {
			const char *lit = pat + (ward ? 3 : 2), *q;
			size_t ll = strcspn(lit, "{");
			if (n == JA_MAXCAP)
				return 0;
			if (!lit[ll]) /* the last literal ends the text */
				q = (size_t)(e - t) > ll ? e - ll : NULL;
			else
				for (q = t + 1; q + ll <= e && memcmp(q, lit, ll); q++)
					;
			if (!q || q <= t || q + ll > e || memcmp(q, lit, ll) ||
			    (ward && !ward_ja(names, t, (size_t)(q - t))))
				return 0;
			cap[n] = t;
			clen[n++] = (size_t)(q - t);
			t = q;
			pat = lit;
			continue;
		}
		{
			size_t ll = strcspn(pat, "{");
			if ((size_t)(e - t) < ll || memcmp(t, pat, ll))
				return 0;
			t += ll;
			pat += ll;
		}
	}
	return t == e;
}

/* Write a pattern's Japanese ja with the captures put in. */
static void pat_put(FILE *o, json_t *names, const char *ja,
		    const char *const *cap, const size_t *clen)
{
	for (; *ja; ja++) {
		if (ja[0] == '{' && ja[1] >= '0' && ja[1] < '0' + JA_MAXCAP &&
		    ja[2] == '}') {
			int k = ja[1] - '0';
			const char *w = ward_ja(names, cap[k], clen[k]);
			if (w)
				fputs(w, o);
			else
				fwrite(cap[k], 1, clen[k], o);
			ja += 2;
			continue;
		}
		fputc(*ja, o);
	}
}

/* Write the Japanese of text node t (len bytes, trimmed) and return 1, or
 * 0 when it has none. Wards first (their display names), then the
 * phrases, then the patterns. O(phrases x len). */
static int put_ja(FILE *o, json_t *names, const char *t, size_t len)
{
	const char *ja = ward_ja(names, t, len), *cap[JA_MAXCAP];
	size_t i, clen[JA_MAXCAP];

	for (i = 0; !ja && i < sizeof(JA) / sizeof(JA[0]); i++)
		if (strlen(JA[i].en) == len && !memcmp(JA[i].en, t, len))
			ja = JA[i].ja;
	if (ja) {
		fputs(ja, o);
		return 1;
	}
	for (i = 0; i < sizeof(JA_PAT) / sizeof(JA_PAT[0]); i++)
		if (pat_match(names, JA_PAT[i].en, t, len, cap, clen)) {
			pat_put(o, names, JA_PAT[i].ja, cap, clen);
			return 1;
		}
	return 0;
}

const char *bs__report_ja_phrase(const char *en)
{
	size_t i;

	for (i = 0; i < sizeof(JA) / sizeof(JA[0]); i++)
		if (!strcmp(JA[i].en, en))
			return JA[i].ja;
	return NULL;
}

/* Added to the page's style: Japanese does not break between any two
 * characters in the first column of the wards' table (甲 / 区). */
static const char STYLE_JA[] = "table.wards th[scope=row]{white-space:nowrap}\n";

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t';
}

/* Copy page (len bytes) to o, translating whole text nodes. A <style>'s
 * body is copied as it is. O(len x phrases). */
static void translate(FILE *o, json_t *names, const char *page, size_t len)
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
					fputs(STYLE_JA, o);
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
			const char *a = p, *b = q;
			while (a < b && is_space(*a))
				a++;
			while (b > a && is_space(b[-1]))
				b--;
			fwrite(p, 1, (size_t)(a - p), o);
			if (a == b || !put_ja(o, names, a, (size_t)(b - a)))
				fwrite(a, 1, (size_t)(b - a), o);
			fwrite(b, 1, (size_t)(q - b), o);
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
	json_t *names;
	int rc;

	if (rep->nruns && bs_summary_language(rep->runs[0].summary))
		names = json_object_get(rep->runs[0].summary, "names");
	else if (!rep->nruns && rep->sweep && rep->sweep->ja)
		names = rep->sweep->names;
	else
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
		translate(o, names, page, len);
		if (fflush(o) || ferror(o)) {
			bs_error_set(err, BS_E_IO, NULL, 0, 0, NULL,
				     "cannot write the report");
			rc = BS_E_IO;
		}
	}
	free(page);
	return rc;
}
