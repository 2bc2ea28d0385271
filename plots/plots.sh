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

# Text safe inside a gnuplot '...' string and a file name.
safe() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'
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
	else
		echo "plots.sh: $run has no stations.geojson, so no map (run with --geojson, or output.geojson: true)" >&2
	fi
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
	d=$tmp/$1 p=$2 t=$3 sc=$4
	gp docked "in='$d/docked.csv'; out='$stage/${p}docked.png'; title='$t'; $sc"
	add docked "${p}docked.png" "$t: bikes docked in each ward by time of day (mean over replications and measured days, weekdays and weekend together; band: 95% confidence interval)."
	gp emptyfull "empty='$d/empty.csv'; full='$d/full.csv'; out='$stage/${p}empty_full.png'; title='$t'; $sc"
	add empty_full "${p}empty_full.png" "$t: ports with no bike (left) and with no free dock (right) in each ward by time of day."
	gp flows "in='$d/flows.csv'; out='$stage/${p}flows.png'; title='$t'; $sc"
	add flows "${p}flows.png" "$t: completed trips per day from the renting ward (row) to the return ward (column)."
	if [ -f "$d/ports.csv" ]; then
		gp map "in='$d/ports.csv'; wards='$d/wards.csv'; out='$stage/${p}map.png'; title='$t'"
		add map "${p}map.png" "$t: each port, coloured by the share of time it had no bike, its area proportional to its docks."
	fi
}

# metric_plots TABLE PREFIX XLABEL: each of $METRICS against the x key
metric_plots() {
	table=$1 p=$2 xl=$3
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
		set -- "$table" "$m"
		[ -n "$X" ] && set -- "$@" --x "$X"
		if ! "$BSSIM" plotdata sweep "$@" >"$tmp/series.csv" 2>"$tmp/err"; then
			echo "plots.sh: no plot of $m: $(cat "$tmp/err")" >&2
			continue
		fi
		[ -n "$xl" ] || xl=$(head -n 1 "$tmp/series.csv" | cut -d, -f1)
		gp sweep "in='$tmp/series.csv'; out='$stage/${p}$m.png'; ylabel='$yl'; scale=$sc; title='$ti'; xlabel='$(safe "$xl")'"
		add metric "${p}$m.png" "$ti ($m, whole network): mean over replications with its 95% confidence interval."
	done
}

if [ $# -eq 0 ]; then
	if [ -f "$out/sweep.csv" ]; then
		metric_plots "$out/sweep.csv" sweep- ""
		printf '%s\n' "$out" >>"$tmp/dirs"
	elif [ -f "$out/summary.json" ]; then
		tables "$out" 1
		draw 1 "" "$(safe "$(basename "$out")")" ""
		printf '%s\n' "$out" >>"$tmp/dirs"
	else
		die "$out holds neither summary.json (a run) nor sweep.csv (a sweep); to compare runs: plots.sh OUT RUN RUN..."
	fi
elif [ $# -eq 1 ]; then
	tables "$1" 1
	draw 1 "" "$(safe "$(basename "$1")")" ""
	printf '%s\n' "$1" >>"$tmp/dirs"
else
	k=0 ks=
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
		draw "$k" "$name-" "$name" "ymax=$ydocked; yports=$yports; vmax=$vflows"
	done
	"$BSSIM" plotdata compare "$@" >"$stage/compare.csv"
	metric_plots "$stage/compare.csv" compare- "run"
fi

# the report: every plot in order, then the runs or the sweep
set --
for kind in metric docked empty_full flows map; do
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
