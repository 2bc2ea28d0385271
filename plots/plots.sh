#!/bin/sh
# plots.sh - draw bssim's plots (PNG) and report.html from finished runs or
# a sweep. `make plots OUT=DIR [RUNS="RUN1 RUN2 ..."]` runs it; see
# docs/plots.md for each plot and the tables behind it.
#
#   plots/plots.sh DIR              DIR is a run's output folder (it has
#                                   summary.json) or a sweep's (sweep.csv):
#                                   the plots and report.html go into it
#   plots/plots.sh OUT RUN          one run's plots and report into OUT
#   plots/plots.sh OUT RUN RUN...   runs side by side, into OUT: each run's
#                                   plots (names start with the run's folder
#                                   name), its headline metrics against the
#                                   others' (compare-*.png, from
#                                   compare.csv), and report.html
#
# Environment:
#   BSSIM    the bssim executable (default build/bssim, else bssim on PATH)
#   GNUPLOT  gnuplot (default gnuplot)
#   METRICS  metrics drawn for comparisons and sweeps (default
#            "service_level reach_level walk_after_m_mean lost_no_bike
#            cross_ward_trips empty_station_frac full_station_frac
#            revenue_yen")
#   X        the sweep's varied key on the x axis (default: the first
#            numeric key that varies)
#   JA_FONT  the font of Japanese plots (default IPAexGothic, else
#            Noto Sans CJK JP: whichever fc-match resolves to a CJK font)
#
# Language: a run or sweep whose output.language is "ja" (the first run's,
# when runs are side by side; a sweep's first point's) gets Japanese
# titles, labels, legends, captions and ward names (from its names table,
# via `bssim plotdata names`). Without a CJK font the plots would show
# boxes for every Japanese glyph, so plots.sh then warns and draws them in
# English (install one with scripts/install-deps.sh plots).
#
# Everything is drawn in a temporary folder and moved into place at the
# end, so a failure leaves no half-drawn set behind. The output folder is
# locked as bssim locks its folders (flock on the folder itself, util-linux
# flock(1)) while plots.sh reads and writes it: with another writer there
# (a run into it, another plots.sh) it stops at once with exit status 1.
# A file in the way that is not a regular file (a link, a device, a
# folder) is never replaced: exit status 2.
set -eu

here=$(dirname "$0")
if [ -z "${BSSIM:-}" ]; then
	if [ -x build/bssim ]; then BSSIM=build/bssim; else BSSIM=bssim; fi
fi
GNUPLOT=${GNUPLOT:-gnuplot}
METRICS=${METRICS:-service_level reach_level walk_after_m_mean lost_no_bike cross_ward_trips empty_station_frac full_station_frac revenue_yen}
X=${X:-}

die() {
	echo "plots.sh: $*" >&2
	exit 2
}

[ $# -ge 1 ] || die "usage: plots/plots.sh DIR | OUT RUN [RUN...]"
out=$1
shift
command -v "$GNUPLOT" >/dev/null 2>&1 ||
	die "$GNUPLOT not found; install gnuplot-nox (scripts/install-deps.sh plots)"
"$BSSIM" --version >/dev/null 2>&1 || die "cannot run bssim as '$BSSIM'; set BSSIM"
command -v flock >/dev/null 2>&1 ||
	die "flock not found; install util-linux (it keeps two writers out of one folder)"

# lock_out: take the output folder's lock on descriptor 9, held to the end
locked=
lock_out() {
	exec 9<"$out" || die "cannot open $out"
	if ! flock -n 9; then
		echo "plots.sh: another bssim is writing to $out; wait for it or choose another output folder" >&2
		exit 1
	fi
	locked=1
}
[ -d "$out" ] && lock_out
case $here in *"'"*) die "the plots folder's path holds a quote: $here" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bssim-plots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
stage=$tmp/stage
mkdir "$stage"
: >"$tmp/dirs"

# gp SCRIPT 'gnuplot assignments': run plots/SCRIPT.gp
gp() {
	"$GNUPLOT" -e "plots='$here'; $2" "$here/$1.gp"
}

# add KIND FILE CAPTION: a plot for the report. The report shows the
# comparisons first, then each kind of plot for every run in turn (the
# runs' docked plots together, and so on), so that runs compare at a glance.
add() {
	printf '%s\t%s\n' "$2" "$3" >>"$tmp/plots.$1"
}

# Text safe inside a gnuplot '...' string and a file name: UTF-8 bytes
# (a Japanese run name) are kept, ASCII other than letters, digits and
# ._- replaced.
safe() {
	printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._\200-\377-' '_'
}

# ---- language (output.language) -------------------------------------------

olang=en gplang="" sweep_in=""
# cjk_font: the first of $JA_FONT, IPAexGothic, Noto Sans CJK JP that
# fc-match resolves to a font file fontconfig lists as Japanese, on
# stdout as the family name; nothing when there is none.
cjk_font() {
	command -v fc-match >/dev/null 2>&1 || return 0
	for f in ${JA_FONT:+"$JA_FONT"} IPAexGothic "Noto Sans CJK JP"; do
		file=$(fc-match -f '%{file}' "$f" 2>/dev/null) || continue
		if fc-list -f '%{file}\n' :lang=ja 2>/dev/null | grep -qxF "$file"; then
			printf '%s\n' "$f"
			return 0
		fi
	done
}

cjk=$(cjk_font)

# title_of NAME: a run's name as a plot title: safe's, but without a CJK
# font only ASCII (a run of other characters becomes one _), since cairo
# would draw a box for each (docs/plots.md)
title_of() {
	if [ -n "$cjk" ]; then
		safe "$1"
	else
		printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._-' '_' | tr -s '_'
	fi
}

# lang_of RUN: the run's (or sweep's) language and ward display names
# ($tmp/names.csv); sets olang (en or ja) and gplang (gnuplot assignments
# for style.gp)
lang_of() {
	[ -f "$1/summary.json" ] || [ -f "$1/sweep.json" ] || return 0
	"$BSSIM" plotdata names "$1" >"$tmp/names.csv"
	[ "$(head -n 1 "$tmp/names.csv" | cut -d, -f2)" = ja ] || return 0
	font=$cjk
	if [ -z "$font" ]; then
		echo "plots.sh: warning: $1 asks for Japanese plots (output.language ja) but no CJK font is installed; drawing them in English (install fonts-ipaexfont: scripts/install-deps.sh plots)" >&2
		# a sweep's labels would follow its language: read its tables
		# without sweep.json (default labels, in English)
		if [ -f "$1/sweep.csv" ]; then
			mkdir "$tmp/en"
			ln -s "$(cd "$1" && pwd)/sweep.csv" "$tmp/en/sweep.csv"
			[ -f "$1/sweep_replications.csv" ] &&
				ln -s "$(cd "$1" && pwd)/sweep_replications.csv" "$tmp/en/sweep_replications.csv"
			sweep_in=$tmp/en
		fi
		return 0
	fi
	case $font in *"'"*) die "JA_FONT holds a quote: $font" ;; esac
	olang=ja gplang="lang='ja'; font='$font'"
}

# relabel FILE: ward ids in a table's header (W, W_lo, W_hi) and first
# column replaced by their display names, for Japanese plots
relabel() {
	[ "$olang" = ja ] || return 0
	awk -F, -v OFS=, 'NR == FNR { if (FNR > 1) d[$1] = $2; next }
		function dn(x,  b) {
			if (x in d) return d[x]
			b = x; sub(/_(lo|hi)$/, "", b)
			return (b in d) ? d[b] substr(x, length(b) + 1) : x
		}
		FNR == 1 { for (i = 1; i <= NF; i++) $i = dn($i); print; next }
		{ if ($1 in d) $1 = d[$1]; print }' "$tmp/names.csv" "$1" >"$1.ja"
	mv "$1.ja" "$1"
}

# cap KIND TITLE: a plot's caption in the run's language
cap() {
	if [ "$olang" = ja ]; then
		case $1 in
		docked) echo "$2：区別・時刻別の駐輪台数（反復と計測日の平均、平日・週末とも。帯は95%信頼区間）。" ;;
		empty_full) echo "$2：区別・時刻別の、自転車のないポート（左）と空きラックのないポート（右）。" ;;
		flows) echo "$2：貸出区（行）から返却区（列）への1日あたりの利用回数。" ;;
		map) echo "$2：各ポート。色は自転車のない時間の割合、面積はラック数に比例。線は区の境界。" ;;
		days) echo "$2：日ごとの推移（全体）：サービス水準、到達率、自転車のないポートの時間の割合、電池残量不足の自転車（反復の平均、帯は95%信頼区間）。" ;;
		esac
		return 0
	fi
	case $1 in
	docked) echo "$2: bikes docked in each ward by time of day (mean over replications and measured days, weekdays and weekend together; band: 95% confidence interval)." ;;
	empty_full) echo "$2: ports with no bike (left) and with no free dock (right) in each ward by time of day." ;;
	flows) echo "$2: completed trips per day from the renting ward (row) to the return ward (column)." ;;
	map) echo "$2: each port, coloured by the share of time it had no bike, its area proportional to its docks." ;;
	days) echo "$2: the trend over the days, whole network: service level, reach level, share of time ports had no bike, docked bikes too low to rent (mean over replications; band: 95% confidence interval)." ;;
	esac
}

# tables RUN K: the tables behind one run's plots, into $tmp/K/
tables() {
	run=$1 d=$tmp/$2
	[ -f "$run/summary.json" ] || die "$run: no summary.json; expected a bssim run's output folder"
	mkdir "$d"
	"$BSSIM" plotdata timeofday "$run" bikes_docked >"$d/docked.csv"
	"$BSSIM" plotdata timeofday "$run" empty_stations >"$d/empty.csv"
	"$BSSIM" plotdata timeofday "$run" full_stations >"$d/full.csv"
	"$BSSIM" plotdata matrix "$run" flows >"$d/flows.csv"
	if [ -f "$run/stations.geojson" ]; then
		"$BSSIM" plotdata ports "$run" >"$d/ports.csv"
		"$BSSIM" plotdata wards "$run" >"$d/wards.csv"
		if [ -f "$run/wards.geojson" ]; then
			"$BSSIM" plotdata boundaries "$run" >"$d/bounds.csv"
		fi
	else
		echo "plots.sh: $run has no stations.geojson, so no map (run with --geojson, or output.geojson: true)" >&2
	fi
	# the trend over the days: with days.csv (output.days) of more than
	# one day (a header and two rows at least)
	if [ -f "$run/days.csv" ] || [ -f "$run/days.csv.gz" ]; then
		"$BSSIM" plotdata days "$run" >"$d/days.csv"
		[ "$(wc -l <"$d/days.csv")" -gt 2 ] || rm -f "$d/days.csv"
	fi
}

# the Japanese tables' ward names (after scales read their numbers)
relabel_tables() {
	for f in docked empty full flows wards; do
		[ -f "$tmp/$1/$f.csv" ] && relabel "$tmp/$1/$f.csv"
	done
	return 0
}

# colmax FILE FIRST: the largest number in columns FIRST.. of a table
# (skipping its header and NaN)
colmax() {
	awk -F, -v c="$2" 'NR > 1 { for (i = c; i <= NF; i++) if ($i != "NaN" && $i + 0 > m) m = $i + 0 }
		END { print m + 0 }' "$1"
}

# Runs side by side share their scales, so that their plots compare:
# scales K... sets ydocked, yports (empty and full) and vflows.
scales() {
	ydocked=0 yports=0 vflows=0
	for k in "$@"; do
		ydocked=$(awk -v a="$ydocked" -v b="$(colmax "$tmp/$k/docked.csv" 3)" 'BEGIN { print (b > a ? b : a) }')
		yports=$(awk -v a="$yports" -v b="$(colmax "$tmp/$k/empty.csv" 3)" -v c="$(colmax "$tmp/$k/full.csv" 3)" \
			'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; print m }')
		vflows=$(awk -v a="$vflows" -v b="$(colmax "$tmp/$k/flows.csv" 2)" 'BEGIN { print (b > a ? b : a) }')
	done
}

# draw K PREFIX TITLE SCALES: the four plots of one run from $tmp/K/;
# SCALES is "" or gnuplot assignments of common scales
draw() {
	d=$tmp/$1 p=$2 t=$3 sc="$4${gplang:+; $gplang}"
	relabel_tables "$1"
	gp docked "in='$d/docked.csv'; out='$stage/${p}docked.png'; title='$t'; $sc"
	add docked "${p}docked.png" "$(cap docked "$t")"
	gp emptyfull "empty='$d/empty.csv'; full='$d/full.csv'; out='$stage/${p}empty_full.png'; title='$t'; $sc"
	add empty_full "${p}empty_full.png" "$(cap empty_full "$t")"
	gp flows "in='$d/flows.csv'; out='$stage/${p}flows.png'; title='$t'; $sc"
	add flows "${p}flows.png" "$(cap flows "$t")"
	if [ -f "$d/ports.csv" ]; then
		b=
		[ -f "$d/bounds.csv" ] && b="bounds='$d/bounds.csv'; "
		gp map "in='$d/ports.csv'; wards='$d/wards.csv'; ${b}out='$stage/${p}map.png'; title='$t'${gplang:+; $gplang}"
		add map "${p}map.png" "$(cap map "$t")"
	fi
	if [ -f "$d/days.csv" ]; then
		gp days "in='$d/days.csv'; out='$stage/${p}days.png'; title='$t'${gplang:+; $gplang}"
		add days "${p}days.png" "$(cap days "$t")"
	fi
}

# metric_ja METRIC: yl and ti of a headline metric in Japanese (the
# metric's own name stays in the caption); others keep their English
metric_ja() {
	case $1 in
	service_level) yl="サービス水準（%）" ti="サービス水準：完了した利用 / 利用要求" ;;
	reach_level) yl="到達率（%）" ti="到達率：目的地に着いた利用 / 利用要求" ;;
	walk_after_m_mean) yl="メートル" ti="返却後の徒歩距離：返却ポートから目的地まで" ;;
	empty_station_frac) yl="空の時間（%）" ti="ポートが空の時間の割合" ;;
	full_station_frac) yl="満車の時間（%）" ti="ポートが満車の時間の割合" ;;
	lost_no_bike) yl="1日あたりの要求数" ti="失われた要求：徒歩圏内に自転車がない" ;;
	cross_ward_trips) yl="1日あたりの利用回数" ti="他区で返却された利用（区をまたぐ利用）" ;;
	revenue_yen) yl="1日あたり百万円" ti="利用料金収入" ;;
	trips_completed) yl="1日あたりの利用回数" ti="完了した利用" ;;
	rebalancing_km) yl="1日あたりのkm" ti="再配置トラックの走行距離" ;;
	esac
	return 0
}

# key_ja KEY: a varied key's name on a Japanese axis (others as they are)
key_ja() {
	case $1 in
	run) echo "実行" ;;
	agreement | agreement.type) echo "協定" ;;
	fleet.bikes) echo "自転車の台数" ;;
	rebalancing.trucks_per_ward) echo "区あたりのトラック台数" ;;
	rebalancing.pooled) echo "トラック共同運用" ;;
	rebalancing.policy) echo "再配置の方式" ;;
	behaviour.walk_radius_m) echo "徒歩圏（m）" ;;
	fees.price_yen) echo "料金（円）" ;;
	fees.cross_surcharge_yen) echo "区をまたぐ追加料金（円）" ;;
	demand.trips_per_day) echo "1日あたりの利用要求" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# xlabel_of TABLE XLABEL: the x axis: XLABEL, else the table's first
# header cell (the varied key), in the plots' language
xlabel_of() {
	x=$2
	[ -n "$x" ] || x=$(head -n 1 "$1" | cut -d, -f1)
	if [ "$olang" = ja ]; then key_ja "$x"; else printf '%s\n' "$x"; fi
}

# series_ja FILE METRIC NAME: in Japanese, a table's single series named
# after the metric (nothing else varies) named NAME in the legend
series_ja() {
	[ "$olang" = ja ] || return 0
	awk -F, -v OFS=, -v m="$2" -v n="$3" 'NR == 1 { for (i = 3; i <= NF; i++)
		if ($i == m) $i = n; else if ($i == m "_lo") $i = n "_lo"; else if ($i == m "_hi") $i = n "_hi" }
		{ print }' "$1" >"$1.ja"
	mv "$1.ja" "$1"
}

# metric_plots TABLE PREFIX XLABEL [RUN]: each of $METRICS against the x
# key (with RUN: labels in RUN's language, for runs side by side)
metric_plots() {
	table=$1 p=$2 xl=$3 lrun=${4:-}
	for m in $METRICS; do
		case $m in
		service_level) yl="service level (%)" sc=100 ti="Service level: trips completed / requested (truncated trips count)" ;;
		reach_level) yl="reach level (%)" sc=100 ti="Reach level: trips that got where they wanted / requested" ;;
		walk_after_m_mean) yl="metres" sc=1 ti="Walk left after the ride: return port to destination" ;;
		empty_station_frac) yl="time empty (%)" sc=100 ti="Share of time ports are empty" ;;
		full_station_frac) yl="time full (%)" sc=100 ti="Share of time ports are full (no free dock)" ;;
		refusing_station_frac) yl="time refusing (%)" sc=100 ti="Share of time ports refuse returns (physical limit)" ;;
		lost_no_bike) yl="requests per day" sc=1 ti="Requests lost: no bike within walking distance" ;;
		cross_ward_trips) yl="trips per day" sc=1 ti="Trips returned in another ward" ;;
		revenue_yen) yl="million yen per day" sc=0.000001 ti="Fares collected" ;;
		trips_completed) yl="trips per day" sc=1 ti="Trips completed" ;;
		rebalancing_km) yl="km per day" sc=1 ti="Truck kilometres" ;;
		*) yl=$m sc=1 ti=$m ;;
		esac
		[ "$olang" = ja ] && metric_ja "$m"
		set -- "$table" "$m"
		[ -n "$lrun" ] && [ "$olang" = ja ] && set -- "$@" "$lrun"
		[ -n "$X" ] && set -- "$@" --x "$X"
		if ! "$BSSIM" plotdata sweep "$@" >"$tmp/series.csv" 2>"$tmp/err"; then
			echo "plots.sh: no plot of $m: $(cat "$tmp/err")" >&2
			continue
		fi
		case $ti in *：*) series_ja "$tmp/series.csv" "$m" "${ti%%：*}" ;; esac
		gp sweep "in='$tmp/series.csv'; out='$stage/${p}$m.png'; ylabel='$yl'; scale=$sc; title='$ti'; xlabel='$(safe "$(xlabel_of "$tmp/series.csv" "$xl")")'$layout${gplang:+; $gplang}"
		if [ "$olang" = ja ]; then
			add metric "${p}$m.png" "$ti（$m、ネットワーク全体）：反復の平均と95%信頼区間。"
		else
			add metric "${p}$m.png" "$ti ($m, whole network): mean over replications with its 95% confidence interval."
		fi
	done
}

# diff_plots PREFIX XLABEL INPUT...: each of $METRICS as paired
# differences B - A with their paired 95% intervals (bssim plotdata diff:
# a sweep's folder, or METRIC RUN RUN...). Common random numbers make the
# pairs: the intervals to read, where each point's own would overlap.
diff_plots() {
	p=$1 xl=$2
	shift 2
	for m in $METRICS; do
		case $m in
		service_level | reach_level | *_frac) yl="difference (percentage points)" sc=100 ;;
		revenue_yen) yl="difference (million yen per day)" sc=0.000001 ;;
		*) yl="difference ($m)" sc=1 ;;
		esac
		ti="$m: paired difference B - A"
		if [ "$olang" = ja ]; then
			# the metric's Japanese name (metric_ja's title up to "：")
			ti=$m
			metric_ja "$m"
			case $ti in *：*) ti=${ti%%：*} ;; esac
			ti="$ti：対応のある差 B − A"
			case $m in
			service_level | reach_level | *_frac) yl="差（ポイント）" ;;
			revenue_yen) yl="差（1日あたり百万円）" ;;
			*) yl="差（$m）" ;;
			esac
		fi
		if [ -f "$1/sweep.csv" ]; then
			set -- "$1" "$m"
			[ -n "$X" ] && set -- "$@" --x "$X"
			ok=$("$BSSIM" plotdata diff "$@" >"$tmp/diff.csv" 2>"$tmp/err" && echo 1 || true)
			set -- "$1"
		else
			ok=$("$BSSIM" plotdata diff "$m" "$@" >"$tmp/diff.csv" 2>"$tmp/err" && echo 1 || true)
		fi
		if [ -z "$ok" ]; then
			echo "plots.sh: no paired plot of $m: $(cat "$tmp/err")" >&2
			continue
		fi
		series_ja "$tmp/diff.csv" "$m" "差"
		gp sweep "in='$tmp/diff.csv'; out='$stage/${p}diff-$m.png'; ylabel='$yl'; scale=$sc; diff=1; title='$ti'; xlabel='$(safe "$(xlabel_of "$tmp/diff.csv" "$xl")")'$layout${gplang:+; $gplang}"
		if [ "$olang" = ja ]; then
			add metric "${p}diff-$m.png" "$m（ネットワーク全体）：対応のある差 B − A と、その対応のある95%信頼区間（共通乱数：すべての実行の反復rは同じ乱数列を使う）。"
		else
			add metric "${p}diff-$m.png" "$m (whole network): paired differences B - A with their paired 95% confidence intervals (common random numbers: replication r of every run sees the same random streams)."
		fi
	done
}

# sens_plots DIR: a designed sweep's indices (sweep_sensitivity.csv), one
# plot per metric of $METRICS that the table holds, the whole network,
# for each cell of a cartesian vary crossed with the design (at most 4)
sens_plots() {
	f=$1/sweep_sensitivity.csv
	[ -f "$f" ] || return 0
	ncell=$(awk -F, 'NR > 1 { c[$1] = 1 } END { print length(c) }' "$f")
	[ "$ncell" -le 4 ] || ncell=4
	for m in $METRICS; do
		c=1
		while [ "$c" -le "$ncell" ]; do
			# parameter, a, a_lo, a_hi, b, b_lo, b_hi: first order and
			# total effect, or src (b NaN); the cart values are the
			# trailing columns, never read here
			awk -F, -v m="$m" -v c="$c" 'BEGIN { print "parameter,a,a_lo,a_hi,b,b_lo,b_hi" }
				NR > 1 && $1 == c && $2 == m && $3 == "all" && $5 != "r2" {
					if (!($4 in seen)) { seen[$4] = 1; order[++n] = $4; b[$4] = "NaN,NaN,NaN" }
					v = $6 "," $7 "," $8
					if ($5 == "total_effect") b[$4] = v; else a[$4] = v
					if ($5 == "src") lhs = 1
				}
				END { for (i = 1; i <= n; i++) print order[i] "," a[order[i]] "," b[order[i]]
				      if (lhs) print "#lhs" > "/dev/stderr" }' "$f" >"$tmp/sens.csv" 2>"$tmp/sens.kind"
			if [ "$(wc -l <"$tmp/sens.csv")" -le 1 ]; then
				c=$((c + 1))
				continue
			fi
			labels=""
			grep -q lhs "$tmp/sens.kind" && labels="; alabel='standardised regression coefficient'"
			sfx=
			[ "$ncell" -gt 1 ] && sfx="-cell$c"
			gp sensitivity "in='$tmp/sens.csv'; out='$stage/sweep-sensitivity-$m$sfx.png'; title='$m: sensitivity to the design keys${sfx:+ (cell $c)}'$labels"
			add metric "sweep-sensitivity-$m$sfx.png" "$m (whole network${sfx:+, cell $c of vary}): sensitivity to each key of the design, with 95% bootstrap intervals over the design's base points (sweep_sensitivity.csv; docs/sweeps.md, Designed experiments)."
			c=$((c + 1))
		done
	done
}

# PLOTS_LAYOUT=FILE: sweep.gp appends the axes it chose (y range, tick
# rotation) to FILE, one line per plot
layout=
[ -n "${PLOTS_LAYOUT:-}" ] && layout="; layout='$PLOTS_LAYOUT'"

if [ $# -eq 0 ]; then
	if [ -f "$out/sweep.csv" ]; then
		lang_of "$out"
		metric_plots "${sweep_in:-$out}/sweep.csv" sweep- ""
		diff_plots sweep- "" "${sweep_in:-$out}"
		sens_plots "$out"
		printf '%s\n' "$out" >>"$tmp/dirs"
	elif [ -f "$out/summary.json" ]; then
		lang_of "$out"
		tables "$out" 1
		draw 1 "" "$(title_of "$(basename "$out")")" ""
		printf '%s\n' "$out" >>"$tmp/dirs"
	else
		die "$out holds neither summary.json (a run) nor sweep.csv (a sweep); to compare runs: plots.sh OUT RUN RUN..."
	fi
elif [ $# -eq 1 ]; then
	lang_of "$1"
	tables "$1" 1
	draw 1 "" "$(title_of "$(basename "$1")")" ""
	printf '%s\n' "$1" >>"$tmp/dirs"
else
	k=0 ks=
	lang_of "$1"
	for run in "$@"; do
		k=$((k + 1))
		ks="$ks $k"
		tables "$run" "$k"
		printf '%s\n' "$run" >>"$tmp/dirs"
	done
	# shellcheck disable=SC2086 # the run numbers, split on purpose
	scales $ks
	k=0
	for run in "$@"; do
		k=$((k + 1))
		name=$(safe "$(basename "$run")")
		draw "$k" "$name-" "$(title_of "$(basename "$run")")" "ymax=$ydocked; yports=$yports; vmax=$vflows"
	done
	# runs on different networks are not drawn in one plot: each keeps
	# its own plots, and plotdata says why
	if "$BSSIM" plotdata compare "$@" >"$stage/compare.csv" 2>"$tmp/err"; then
		metric_plots "$stage/compare.csv" compare- "run" "$1"
		diff_plots compare- "run" "$@"
	else
		echo "plots.sh: no comparison plots: $(cat "$tmp/err")" >&2
		rm -f "$stage/compare.csv"
	fi
fi

# the report: every plot in order, then the runs or the sweep
set --
for kind in metric days docked empty_full flows map; do
	[ -f "$tmp/plots.$kind" ] || continue
	while IFS='	' read -r f c; do
		set -- "$@" --plot "$stage/$f=$c"
	done <"$tmp/plots.$kind"
done
while IFS= read -r d; do
	set -- "$@" "$d"
done <"$tmp/dirs"
"$BSSIM" report -o "$stage/report.html" "$@"

mkdir -p "$out"
[ -n "$locked" ] || lock_out
# every target a new name or a regular file, checked before anything moves
for f in "$stage"/*; do
	t=$out/$(basename "$f")
	if [ -L "$t" ] || { [ -e "$t" ] && [ ! -f "$t" ]; }; then
		die "$t is not a regular file; plots.sh replaces only regular files: remove it or choose another output folder"
	fi
done
n=0
# the list of what was drawn (.bssim-plots), merged with an earlier one:
# the next result bssim writes into the folder removes exactly these, so
# plots never sit beside results they were not drawn from
list=$out/.bssim-plots
if [ -L "$list" ] || { [ -e "$list" ] && [ ! -f "$list" ]; }; then
	die "$list is not a regular file; plots.sh replaces only regular files: remove it"
fi
{ [ -f "$list" ] && [ ! -L "$list" ] && cat "$list"; for f in "$stage"/*; do basename "$f"; done; } |
	sort -u >"$tmp/plots.list"
for f in "$stage"/*; do
	mv -f "$f" "$out/"
	case $f in *.png) n=$((n + 1)) ;; esac
done
mv -f "$tmp/plots.list" "$list"
echo "plots.sh: $n plots and report.html in $out/"
