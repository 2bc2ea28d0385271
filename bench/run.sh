#!/bin/sh
# make bench: time bssim against the lean reference loop (bench/lean.c) on
# the homogeneous network at 100, 2,000 and 20,000 ports (default streams and
# rng philox), one Tokyo day with every operation on, a sweep with --jobs 1
# against --jobs 2, and the 10,000-task sweep of the Tokyo day; write
# bench/results.csv.
#
# The machine is shared and noisy: every timing is the best of REPEAT runs,
# and bssim and the lean loop are run alternately so that both see the same
# machine. Ratios are what to compare between runs, not raw rates.
#   bench/run.sh BUILD_DIR        (REPEAT=n to change the 3 repetitions)
#   BASE=OTHER_BUILD_DIR bench/run.sh BUILD_DIR   also rows "...-base" of
#       OTHER_BUILD_DIR/bench/harness (another commit's build), interleaved
#       with the rest: before and after in one run
set -eu
B=${1:-build}
REPEAT=${REPEAT:-3}
H=$B/bench/harness
L=$B/bench/lean
OUT=bench/results.csv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# best (largest) value of column $2 over REPEAT runs of command $1
best() {
	i=0
	: >"$TMP/best"
	while [ "$i" -lt "$REPEAT" ]; do
		eval "$1" >>"$TMP/best"
		i=$((i + 1))
	done
	sort -t, -k"$2" -g "$TMP/best" | tail -n 1
}

echo "benchmark,stations,bikes,days,replications,setup_s,run_s,events,completed_trips,events_per_s,trips_per_s,peak_rss_mib,lean_trips_per_s,ratio_to_lean" >"$OUT"
printf '%-32s %9s %10s %12s %12s %9s %12s %7s\n' benchmark ports bikes events/s trips/s "RSS MiB" "lean trips/s" ratio
# Each size twice: the default streams (taus2) and rng "philox" (the
# counter-based streams, docs/model.md), the same model otherwise; both
# against the same lean-loop figure, measured between them.
for spec in "100 1300 100" "2000 26000 10" "20000 260000 2"; do
	set -- $spec
	n=$1 bikes=$2 days=$3
	ph=$TMP/homog_${n}_philox.json
	sed -e 's/"seed": 1,/"seed": 1, "rng": "philox",/' \
		-e 's/"name": "\([^"]*\)"/"name": "\1-philox"/' bench/homog_$n.json >"$ph"
	# interleaved: each repetition runs the three in turn, so that a
	# change of the machine's load between repetitions hits all three
	i=0
	: >"$TMP/b1"
	: >"$TMP/b2"
	: >"$TMP/b3"
	: >"$TMP/b4"
	while [ "$i" -lt "$REPEAT" ]; do
		$H bench/homog_$n.json >>"$TMP/b1"
		$L $n 26 $bikes 2 20 $days 1 | awk '{print $1","$4}' >>"$TMP/b2"
		$H "$ph" >>"$TMP/b3"
		if [ -n "${BASE:-}" ]; then
			"$BASE/bench/harness" bench/homog_$n.json |
				sed 's/^\([^,]*\),/\1-base,/' >>"$TMP/b4"
		fi
		i=$((i + 1))
	done
	line=$(sort -t, -k11 -g "$TMP/b1" | tail -n 1)
	lean=$(sort -t, -k2 -g "$TMP/b2" | tail -n 1)
	pline=$(sort -t, -k11 -g "$TMP/b3" | tail -n 1)
	bline=$(sort -t, -k11 -g "$TMP/b4" | tail -n 1)
	lt=$(echo "$lean" | cut -d, -f2)
	for l in $bline "$line" "$pline"; do
		bt=$(echo "$l" | cut -d, -f11)
		ratio=$(awk -v a="$bt" -v b="$lt" 'BEGIN{printf "%.2f", a/b}')
		echo "$l,$lt,$ratio" >>"$OUT"
		echo "$l" | awk -F, -v lt="$lt" -v r="$ratio" '{printf "%-32s %9s %10s %12.0f %12.0f %9.1f %12.0f %7s\n", $1, $2, $3, $10, $11, $12, lt, r}'
	done
done
line=$(best "$H bench/tokyo_day.json" 11)
echo "$line,," >>"$OUT"
echo "$line" | awk -F, '{printf "%-32s %9s %10s %12.0f %12.0f %9.1f %12s %7s\n", $1, $2, $3, $10, $11, $12, "-", "-"}'

# --jobs: wall time of the same CPU-bound sweep (bench/sweep.json: 2 points
# x 4 replications of the 2,000-port network, 3 days each) on 1 and 2 threads
wall() {
	# a fresh folder each time: into the last run's folder the sweep
	# would resume, find every point done and time nothing
	rm -rf "$TMP/jobs$1"
	s=$(date +%s.%N)
	"$B/bssim" sweep bench/sweep.json -o "$TMP/jobs$1" -q --jobs "$1"
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f\n", e - s}'
}
j1=9e9
j2=9e9
i=0
while [ "$i" -lt "$REPEAT" ]; do
	a=$(wall 1)
	b=$(wall 2)
	j1=$(awk -v x="$j1" -v y="$a" 'BEGIN{print (y < x) ? y : x}')
	j2=$(awk -v x="$j2" -v y="$b" 'BEGIN{print (y < x) ? y : x}')
	i=$((i + 1))
done
cmp -s "$TMP/jobs1/sweep.csv" "$TMP/jobs2/sweep.csv" || {
	echo "bench: --jobs 1 and --jobs 2 wrote different sweep.csv" >&2
	exit 1
}
speedup=$(awk -v a="$j1" -v b="$j2" 'BEGIN{printf "%.2f", a/b}')
echo "sweep-jobs,2000,26000,3,8,,$j1,,,,,,$j2,$speedup" >>"$OUT"
echo
echo "sweep --jobs 1: ${j1}s  --jobs 2: ${j2}s  speed-up ${speedup}x (bench/sweep.json, 8 tasks; same sweep.csv)"

# The 10,000-task sweep of the Tokyo day (bench/sweep_10k.json: 1,000
# points on 10 worlds, 10 replications each), once with --jobs 1 and once
# with --jobs 2 (minutes each; SWEEP10K=0 skips it, SWEEP10K_FILE=F runs
# another sweep file in its place): tasks per second, and
# the setup's share of the wall time: checking every point before the
# first task (sweep.json's run.setup_s) plus building worlds while tasks
# run (run.world_build_s, summed over the threads, divided by them).
if [ "${SWEEP10K:-1}" != 0 ]; then
	for j in 1 2; do
		s=$(date +%s.%N)
		"$B/bssim" sweep "${SWEEP10K_FILE:-bench/sweep_10k.json}" -o "$TMP/k$j" -q --jobs "$j"
		e=$(date +%s.%N)
		python3 - "$TMP/k$j/sweep.json" "$s" "$e" "$j" >>"$OUT" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
wall = float(sys.argv[3]) - float(sys.argv[2])
jobs = int(sys.argv[4])
setup = run["setup_s"] + run["world_build_s"] / jobs
doc = json.load(open(sys.argv[1]))
tasks = doc["points_total"] * doc["replications"]
print("sweep-10k-jobs%d,464,,1,%d,%.3f,%.3f,,,,%.1f,,%d,%.4f"
      % (jobs, tasks, setup, wall, tasks / wall, run["world_builds"], setup / wall))
PY
		tail -n 1 "$OUT" | awk -F, '{printf "%-26s %8.1f tasks/s  %7.1f s  setup %.2f s (%.1f %%), %d worlds built\n", $1, $11, $7, $6, 100 * $14, $13}'
	done
	cmp -s "$TMP/k1/sweep.csv" "$TMP/k2/sweep.csv" || {
		echo "bench: the 10,000-task sweep wrote different sweep.csv with --jobs 1 and 2" >&2
		exit 1
	}
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrote $OUT (for the sweep-jobs row, run_s is --jobs 1, lean_trips_per_s holds --jobs 2 seconds, ratio the speed-up; for the sweep-10k rows, replications is tasks, setup_s the setup, run_s the wall time, trips_per_s tasks per second, lean_trips_per_s the worlds built, ratio the setup's share)"
