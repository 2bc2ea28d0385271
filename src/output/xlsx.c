/*
 * xlsx.c - results.xlsx, the run's tables as one Excel workbook
 * (output.xlsx; DESIGN.md section 5a, docs/outputs.md, docs/analysts.md).
 *
 * Sheets, in this order: "metrics" (every metric's mean, sd and 95 %
 * interval for `all` and each ward, the headline metrics first), "run"
 * (what was run, and which sheets were left out), "stations",
 * "replications", "flows" (as flows.csv), "flow_matrix" and "settlement"
 * (ward by ward means), "timeseries" (the replications timeseries.csv
 * holds) when it is small enough, and "days" (as days.csv) with
 * output.days. Sheet
 * names are the same in every language, so scripts can name them; the
 * header row follows output.language (xlsx_header). Cells hold the same
 * doubles as the CSVs hold in %.12g, so a reader finds the same numbers;
 * NaN (no meaning) is an empty cell, which pandas reads as NaN too.
 * Station ids are strings, so `00010001` keeps its zeros.
 *
 * libxlsxwriter writes a workbook to a file name it opens itself, not to a
 * stream. It is given a name inside a private folder (mkdtemp, mode 0700,
 * under $TMPDIR), where nothing else can plant a link, and the finished
 * workbook is copied into the staged temporary of the run's commit, so
 * the workbook is committed with the other files or not at all. Cost: one
 * extra copy of the workbook (a few MB at most, sheets being bounded by
 * XLSX_MAX_ROWS). constant_memory mode keeps libxlsxwriter's memory to a
 * row at a time (it spills rows to temporary files in the same folder).
 */
#define _GNU_SOURCE /* mkdtemp */
#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/fmt.h"
#include "output/files_internal.h"

/* A sheet of more rows than this is left out (named in the "run" sheet):
 * the time series of a long run (10 M rows for a year) has no place in a
 * spreadsheet, and Excel stops at 1,048,576 rows anyway. */
#define XLSX_MAX_ROWS 100000

/* Number formats (Excel's codes). */
enum xfmt { XF_TEXT, XF_HEAD, XF_INT, XF_COUNT, XF_YEN, XF_SHARE, XF_DEC,
	    XF_N };

struct xw {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *f[XF_N];
	int lang;
	lxw_error e; /* the first failure */
};

/*
 * The header of column `en` in language lang: the one table of
 * translations of the workbook. English names are those of the CSVs, so
 * an English workbook reads as the CSVs do. O(entries) per header.
 */
static const char *xlsx_header(const char *en, int lang)
{
	static const char *const ja[][2] = {
		{"metric", "指標"},
		{"ward", "区"},
		{"mean", "平均"},
		{"sd", "標準偏差"},
		{"ci95_low", "95%信頼区間(下限)"},
		{"ci95_high", "95%信頼区間(上限)"},
		{"replications_defined", "有効な反復数"},
		{"description", "説明"},
		{"replication", "反復"},
		{"value", "値"},
		{"station_id", "ステーションID"},
		{"name", "名称"},
		{"capacity", "ラック数"},
		{"rentals", "貸出数/日"},
		{"returns", "返却数/日"},
		{"empty_frac", "自転車ゼロの時間率"},
		{"full_frac", "満車の時間率"},
		{"mean_bikes", "平均駐輪台数"},
		{"from_ward", "貸出区"},
		{"to_ward", "返却区"},
		{"trips", "トリップ数/日"},
		{"t_min", "経過時間(分)"},
		{"bikes_docked", "駐輪台数"},
		{"empty_stations", "自転車ゼロのポート数"},
		{"full_stations", "満車のポート数"},
		{"depot_bikes", "デポの台数"},
		{"from \\ to", "貸出区 \\ 返却区"},
		{"owes \\ to", "支払区 \\ 受取区"},
		{"item", "項目"},
		{"day", "日"},
		{"weekday", "曜日"},
		{"minutes", "計測時間(分)"},
	};
	size_t i;

	if (lang != BS_LANG_JA)
		return en;
	for (i = 0; i < sizeof(ja) / sizeof(ja[0]); i++)
		if (!strcmp(ja[i][0], en))
			return ja[i][1];
	return en;
}

/* The format of a metric's values, by its name's unit. */
static enum xfmt metric_fmt(const char *name)
{
	size_t l = strlen(name);

#define ENDS(sfx) (l >= sizeof(sfx) - 1 && !strcmp(name + l - (sizeof(sfx) - 1), sfx))
	if (ENDS("_level") || ENDS("_frac"))
		return XF_SHARE;
	if (ENDS("_yen"))
		return XF_YEN;
	if (ENDS("_min"))
		return XF_DEC;
#undef ENDS
	return XF_COUNT;
}

/* The headline metrics (metrics.h) first on the metrics sheet; the
 * others follow in the table's order. */
#define HEADLINE bs_metric_headline
#define NHEAD BS_METRIC_HEADLINE_N

static void keep(struct xw *x, lxw_error e)
{
	if (e && !x->e)
		x->e = e;
}

static void put_str(struct xw *x, size_t row, size_t col, const char *s)
{
	keep(x, worksheet_write_string(x->ws, (lxw_row_t)row, (lxw_col_t)col,
				       s, x->f[XF_TEXT]));
}

static void put_num(struct xw *x, size_t row, size_t col, double v,
		    enum xfmt f)
{
	if (isnan(v)) /* no meaning: an empty cell (NaN to pandas) */
		return;
	keep(x, worksheet_write_number(x->ws, (lxw_row_t)row, (lxw_col_t)col,
				       v, x->f[f]));
}

/* A new sheet with its header row (n names, English, translated here),
 * frozen below the header. */
static void sheet(struct xw *x, const char *name, const char *const *cols,
		  size_t n)
{
	size_t i;

	if (x->e)
		return;
	if (!(x->ws = workbook_add_worksheet(x->wb, name))) {
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *h = xlsx_header(cols[i], x->lang);
		keep(x, worksheet_write_string(x->ws, 0, (lxw_col_t)i, h,
					       x->f[XF_HEAD]));
		keep(x, worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
					     i == 0 ? 14 : 12, NULL));
	}
	worksheet_freeze_panes(x->ws, 1, 0);
}

static const char *ward_of(const struct bs_network *net, size_t w)
{
	return w < net->nwards ? net->ward_names[w] : "all";
}

/* metrics: one row per (metric, ward), `all` first; O(M (W + 1)). */
static void sheet_metrics(struct xw *x, const struct bs_network *net,
			  const struct bs_summary *s)
{
	static const char *const cols[] = {"metric", "ward", "mean", "sd",
					   "ci95_low", "ci95_high",
					   "replications_defined",
					   "description"};
	int order[BS_METRIC_N], seen[BS_METRIC_N] = {0}, n = 0, m, k;
	size_t row = 1, w, W = net->nwards;

	for (k = 0; k < (int)NHEAD; k++)
		if ((m = bs_metric_index(HEADLINE[k])) >= 0 && !seen[m]) {
			seen[m] = 1;
			order[n++] = m;
		}
	for (m = 0; m < BS_METRIC_N; m++)
		if (!seen[m])
			order[n++] = m;
	sheet(x, "metrics", cols, sizeof(cols) / sizeof(cols[0]));
	if (x->e)
		return;
	keep(x, worksheet_set_column(x->ws, 0, 0, 24, NULL));
	keep(x, worksheet_set_column(x->ws, 7, 7, 60, NULL));
	for (k = 0; k < n; k++) {
		enum xfmt f = metric_fmt(bs_metric_names[order[k]]);
		for (w = 0; w <= W; w++, row++) {
			/* `all` (index W) first, then the wards */
			size_t ww = w == 0 ? W : w - 1;
			const struct bs_stat *st = bs_summary_stat(s, ww, order[k]);
			put_str(x, row, 0, bs_metric_names[order[k]]);
			put_str(x, row, 1, ward_of(net, ww));
			put_num(x, row, 2, st->mean, f);
			put_num(x, row, 3, st->sd, f);
			put_num(x, row, 4, st->ci_lo, f);
			put_num(x, row, 5, st->ci_hi, f);
			put_num(x, row, 6, (double)st->n, XF_INT);
			put_str(x, row, 7, bs_metric_helptext[order[k]]);
		}
	}
}

static void sheet_replications(struct xw *x, const struct bs_network *net,
			       const struct bs_summary *s,
			       struct bs_rep_result *const *reps)
{
	static const char *const cols[] = {"replication", "ward", "metric",
					   "value"};
	size_t r, w, W = net->nwards, row = 1;
	int m;

	sheet(x, "replications", cols, 4);
	if (x->e)
		return;
	keep(x, worksheet_set_column(x->ws, 2, 2, 24, NULL));
	for (r = 0; r < s->nreps; r++)
		for (w = 0; w <= W; w++)
			for (m = 0; m < BS_METRIC_N; m++, row++) {
				put_num(x, row, 0, reps[r]->rep, XF_INT);
				put_str(x, row, 1, ward_of(net, w));
				put_str(x, row, 2, bs_metric_names[m]);
				put_num(x, row, 3,
					s->vals[(r * (W + 1) + w) * BS_METRIC_N +
						(size_t)m],
					metric_fmt(bs_metric_names[m]));
			}
}

static void sheet_stations(struct xw *x, const struct bs_network *net,
			   const struct bs_summary *s)
{
	static const char *const cols[] = {"station_id", "name", "ward",
					   "capacity", "rentals", "returns",
					   "empty_frac", "full_frac",
					   "mean_bikes"};
	static const enum xfmt F[BS_SS_N] = {XF_COUNT, XF_COUNT, XF_SHARE,
					     XF_SHARE, XF_COUNT};
	size_t i, k;

	sheet(x, "stations", cols, 9);
	if (x->e)
		return;
	keep(x, worksheet_set_column(x->ws, 1, 1, 30, NULL));
	for (i = 0; i < net->n; i++) {
		const double *v = s->st + i * BS_SS_N;
		put_str(x, i + 1, 0, net->ids[i]); /* text: leading zeros stay */
		put_str(x, i + 1, 1, net->names[i]);
		put_str(x, i + 1, 2, net->ward_names[net->ward[i]]);
		put_num(x, i + 1, 3, net->cap[i], XF_INT);
		for (k = 0; k < BS_SS_N; k++)
			put_num(x, i + 1, 4 + k, v[k], F[k]);
	}
}

static void sheet_flows(struct xw *x, const struct bs_network *net,
			struct bs_rep_result *const *reps, size_t nreps)
{
	static const char *const cols[] = {"replication", "from_ward",
					   "to_ward", "trips"};
	size_t r, a, b, W = net->nwards, row = 1;

	sheet(x, "flows", cols, 4);
	for (r = 0; r < nreps && !x->e; r++) {
		double days = reps[r]->window_min / 1440.0;
		for (a = 0; a < W; a++)
			for (b = 0; b < W; b++, row++) {
				put_num(x, row, 0, reps[r]->rep, XF_INT);
				put_str(x, row, 1, net->ward_names[a]);
				put_str(x, row, 2, net->ward_names[b]);
				put_num(x, row, 3,
					reps[r]->flows[a * W + b] / days,
					XF_COUNT);
			}
	}
}

/* A ward-by-ward matrix m[W*W] under a corner label. */
static void sheet_matrix(struct xw *x, const char *name, const char *corner,
			 const struct bs_network *net, const double *m,
			 enum xfmt f)
{
	size_t a, b, W = net->nwards;

	sheet(x, name, &corner, 1);
	if (x->e)
		return;
	keep(x, worksheet_set_column(x->ws, 0, 0, 22, NULL));
	for (b = 0; b < W; b++) {
		keep(x, worksheet_write_string(x->ws, 0, (lxw_col_t)(b + 1),
					       net->ward_names[b],
					       x->f[XF_HEAD]));
		keep(x, worksheet_set_column(x->ws, (lxw_col_t)(b + 1),
					     (lxw_col_t)(b + 1), 14, NULL));
	}
	for (a = 0; a < W; a++) {
		put_str(x, a + 1, 0, net->ward_names[a]);
		for (b = 0; b < W; b++)
			put_num(x, a + 1, b + 1, m[a * W + b], f);
	}
}

static size_t ts_rows(const struct bs_network *net,
		      struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, n = 0;

	for (r = 0; r < nreps; r++)
		n += reps[r]->nsamples * (net->nwards + 1);
	return n;
}

static void sheet_timeseries(struct xw *x, const struct bs_network *net,
			     struct bs_rep_result *const *reps, size_t nreps)
{
	static const char *const cols[] = {"replication", "t_min", "ward",
					   "bikes_docked", "empty_stations",
					   "full_stations", "depot_bikes"};
	size_t r, k, w, W = net->nwards, row = 1;
	int dep = nreps && reps[0]->depots;

	sheet(x, "timeseries", cols, dep ? 7 : 6);
	for (r = 0; r < nreps && !x->e; r++)
		for (k = 0; k < reps[r]->nsamples; k++)
			for (w = 0; w <= W; w++, row++) {
				const uint32_t *v =
					reps[r]->ts + (k * (W + 1) + w) * BS_TS_N;
				put_num(x, row, 0, reps[r]->rep, XF_INT);
				put_num(x, row, 1, reps[r]->ts_t[k], XF_DEC);
				put_str(x, row, 2, ward_of(net, w));
				put_num(x, row, 3, v[BS_TS_DOCKED], XF_INT);
				put_num(x, row, 4, v[BS_TS_EMPTY], XF_INT);
				put_num(x, row, 5, v[BS_TS_FULL], XF_INT);
				if (dep)
					put_num(x, row, 6, v[BS_TS_DEPOT], XF_INT);
			}
}

static size_t day_rows(const struct bs_network *net,
		       struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, n = 0;

	for (r = 0; r < nreps; r++)
		n += reps[r]->ndays * (net->nwards + 1);
	return n;
}

/* days: as days.csv (output.days), the same doubles. */
static void sheet_days(struct xw *x, const struct bs_scenario *sc,
		       const struct bs_network *net,
		       struct bs_rep_result *const *reps, size_t nreps)
{
	const char *cols[5 + BS_METRIC_N] = {"replication", "day", "weekday",
					     "ward", "minutes"};
	const int *m;
	size_t nm = bs__day_columns(&m), r, k, w, i, W = net->nwards, row = 1;
	double v[BS_METRIC_N];

	for (i = 0; i < nm; i++)
		cols[5 + i] = bs_metric_names[m[i]];
	sheet(x, "days", cols, 5 + nm);
	for (r = 0; r < nreps && !x->e; r++)
		for (k = 0; k < reps[r]->ndays; k++) {
			struct bs_rep_result day;
			uint32_t d = reps[r]->day_first + (uint32_t)k;
			bs__day_view(reps[r], k, &day);
			for (w = 0; w <= W; w++, row++) {
				bs_metrics_compute(&day, net, w, v);
				put_num(x, row, 0, reps[r]->rep, XF_INT);
				put_num(x, row, 1, d, XF_INT);
				put_str(x, row, 2, bs__day_weekday(sc->p.start_weekday, d));
				put_str(x, row, 3, ward_of(net, w));
				put_num(x, row, 4, day.window_min, XF_INT);
				for (i = 0; i < nm; i++)
					put_num(x, row, 5 + i, v[m[i]],
						metric_fmt(bs_metric_names[m[i]]));
			}
		}
}

/* run: what was run, and the sheets left out with why. */
static void sheet_run(struct xw *x, const struct bs_scenario *sc,
		      const struct bs_summary *s, const char *const *left,
		      size_t nleft)
{
	static const char *const cols[] = {"item", "value"};
	char buf[64];
	size_t i, row = 1;

	sheet(x, "run", cols, 2);
	if (x->e)
		return;
	keep(x, worksheet_set_column(x->ws, 1, 1, 80, NULL));
	put_str(x, row, 0, "name");
	put_str(x, row++, 1, sc->name ? sc->name : "");
	put_str(x, row, 0, "version");
	put_str(x, row++, 1, BSSIM_VERSION);
	put_str(x, row, 0, "seed");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)sc->p.seed);
	put_str(x, row++, 1, buf); /* text: a 2^53 seed stays exact */
	put_str(x, row, 0, "replications");
	put_num(x, row++, 1, (double)s->nreps, XF_INT);
	for (i = 0; i < nleft; i++, row++) {
		put_str(x, row, 0, "left out");
		put_str(x, row, 1, left[i]);
	}
}

static void formats(struct xw *x)
{
	static const char *const code[XF_N] = {
		[XF_INT] = "#,##0",   [XF_COUNT] = "#,##0.0",
		[XF_YEN] = "\"\xC2\xA5\"#,##0", /* ¥1,234 */
		[XF_SHARE] = "0.0%",  [XF_DEC] = "0.0",
	};
	int i;

	for (i = 0; i < XF_N; i++) {
		if (!(x->f[i] = workbook_add_format(x->wb))) {
			keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
			return;
		}
		if (code[i])
			format_set_num_format(x->f[i], code[i]);
	}
	format_set_bold(x->f[XF_HEAD]);
	format_set_num_format(x->f[XF_TEXT], "@"); /* text, as typed */
}

/* Every sheet into x->wb; O(cells). */
static void write_sheets(struct xw *x, const struct bs_scenario *sc,
			 const struct bs_network *net,
			 const struct bs_summary *s,
			 struct bs_rep_result *const *reps, size_t nreps)
{
	char why[4][160];
	const char *left[4];
	size_t nleft = 0, W = net->nwards;
	size_t nrep_rows = s->nreps * (W + 1) * BS_METRIC_N;
	/* the time series of the replications timeseries.csv holds */
	size_t nts_reps = bs__ts_reps(sc, nreps);
	size_t nflow_rows = nreps * W * W, nts = ts_rows(net, reps, nts_reps);
	size_t ndays = sc->p.days_out ? day_rows(net, reps, nreps) : 0;

#define LEFT_OUT(name, rows)                                                 \
	do {                                                                 \
		snprintf(why[nleft], sizeof(why[nleft]),                     \
			 "sheet %s: %zu rows, more than %d; see %s.csv", name, \
			 (size_t)(rows), XLSX_MAX_ROWS, name);                 \
		left[nleft] = why[nleft];                                    \
		nleft++;                                                     \
	} while (0)
	if (nrep_rows > XLSX_MAX_ROWS)
		LEFT_OUT("replications", nrep_rows);
	if (nflow_rows > XLSX_MAX_ROWS)
		LEFT_OUT("flows", nflow_rows);
	if (nts > XLSX_MAX_ROWS)
		LEFT_OUT("timeseries", nts);
	if (ndays > XLSX_MAX_ROWS)
		LEFT_OUT("days", ndays);
#undef LEFT_OUT
	formats(x);
	sheet_metrics(x, net, s);
	sheet_run(x, sc, s, left, nleft);
	if (net->n <= XLSX_MAX_ROWS) /* BS_MAX_STATIONS is below it */
		sheet_stations(x, net, s);
	if (nrep_rows <= XLSX_MAX_ROWS)
		sheet_replications(x, net, s, reps);
	if (nflow_rows <= XLSX_MAX_ROWS)
		sheet_flows(x, net, reps, nreps);
	sheet_matrix(x, "flow_matrix", "from \\ to", net, s->flows, XF_COUNT);
	sheet_matrix(x, "settlement", "owes \\ to", net, s->settle, XF_YEN);
	if (nts <= XLSX_MAX_ROWS)
		sheet_timeseries(x, net, reps, nts_reps);
	if (sc->p.days_out && ndays <= XLSX_MAX_ROWS)
		sheet_days(x, sc, net, reps, nreps);
}

/* Copy the file at path to out. 0 or an errno. */
static int copy_into(const char *path, FILE *out)
{
	char buf[65536];
	FILE *in = fopen(path, "rb");
	size_t k;
	int e = 0;

	if (!in)
		return errno ? errno : EIO;
	while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, k, out) != k) {
			e = errno ? errno : EIO;
			break;
		}
	if (!e && ferror(in))
		e = errno ? errno : EIO;
	fclose(in);
	return e;
}

/* A private folder for libxlsxwriter: $TMPDIR (or /tmp)/bssim-xlsx-XXXXXX. */
static int private_dir(char *dir, size_t sz)
{
	const char *t = getenv("TMPDIR");

	if (!t || !*t)
		t = "/tmp";
	if ((size_t)snprintf(dir, sz, "%s/bssim-xlsx-XXXXXX", t) >= sz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(dir) ? 0 : -1;
}

int bs__xlsx_write(FILE *out, const char *dir, const struct bs_scenario *sc,
		   const struct bs_network *net, const struct bs_summary *s,
		   struct bs_rep_result *const *reps, size_t nreps,
		   struct bs_error *err)
{
	char tdir[4096], path[4200];
	lxw_workbook_options opt;
	struct xw x;
	lxw_error e;
	int rc = 0, ce;

	if (private_dir(tdir, sizeof(tdir))) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, "results.xlsx",
			     "cannot make a private folder for the workbook under $TMPDIR: %s",
			     strerror(errno));
		return BS_E_IO;
	}
	snprintf(path, sizeof(path), "%s/results.xlsx", tdir);
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = tdir;
	memset(&x, 0, sizeof(x));
	x.lang = sc->p.language;
	if (!(x.wb = workbook_new_opt(path, &opt))) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, dir, 0, 0, "results.xlsx",
			     "out of memory starting the workbook");
		goto out;
	}
	write_sheets(&x, sc, net, s, reps, nreps);
	e = workbook_close(x.wb); /* frees it, whatever happened */
	if (!x.e)
		x.e = e;
	if (x.e) {
		rc = x.e == LXW_ERROR_MEMORY_MALLOC_FAILED ? BS_E_NOMEM
							   : BS_E_IO;
		bs_error_set(err, rc, dir, 0, 0, "results.xlsx",
			     "cannot write the workbook: %s; the previous results are left as they were",
			     lxw_strerror(x.e));
	} else if ((ce = copy_into(path, out))) {
		rc = BS_E_IO;
		bs_error_set(err, rc, dir, 0, 0, "results.xlsx",
			     "cannot copy the workbook from %s: %s; the previous results are left as they were",
			     tdir, strerror(ce));
	}
out:
	unlink(path);
	rmdir(tdir);
	return rc;
}
