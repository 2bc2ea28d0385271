#!/bin/sh
# Speed-up of a CPU-bound sweep with --jobs 2 over --jobs 1 (and with 2
# MPI ranks when build/bssim-mpi and mpirun exist), and the check that all
# of them write the same sweep.csv.
#
# The machine may be shared: the configurations are run in turn, RUNS
# rounds, and the best time of each counts (the least disturbed run);
# the load average is printed with the result.
#   bench/sweep_jobs.sh [SWEEP.json]     (default scenarios/tokyo4_sweep.json)
#   RUNS=3 BSSIM=build/bssim BSSIM_MPI=build/bssim-mpi
set -eu
SWEEP=${1:-scenarios/tokyo4_sweep.json}
BSSIM=${BSSIM:-build/bssim}
BSSIM_MPI=${BSSIM_MPI:-build/bssim-mpi}
RUNS=${RUNS:-3}
OUT=$(mktemp -d /tmp/bssim-bench-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

MPI=
if [ -x "$BSSIM_MPI" ] && command -v mpirun >/dev/null 2>&1; then MPI=yes; fi

now() { date +%s.%N; }
# time one run of "$@" into $OUT/$name; keep the best in $OUT/$name.best
timed() {
	name=$1
	shift
	rm -rf "$OUT/$name"
	t0=$(now)
	"$@" -o "$OUT/$name" -q >/dev/null
	t=$(awk "BEGIN { print $(now) - $t0 }")
	if [ ! -f "$OUT/$name.best" ] || awk "BEGIN { exit !($t < $(cat "$OUT/$name.best")) }"; then
		echo "$t" >"$OUT/$name.best"
	fi
	cmp -s "$OUT/j1/sweep.csv" "$OUT/$name/sweep.csv" ||
		{ echo "$name: sweep.csv differs from --jobs 1" >&2; exit 1; }
}

echo "sweep: $SWEEP; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ "$i" -lt "$RUNS" ]; do
	timed j1 "$BSSIM" sweep "$SWEEP" --jobs 1
	timed j2 "$BSSIM" sweep "$SWEEP" --jobs 2
	if [ -n "$MPI" ]; then
		timed mpi mpirun --oversubscribe --allow-run-as-root -np 2 "$BSSIM_MPI" sweep "$SWEEP"
	fi
	i=$((i + 1))
done
t1=$(cat "$OUT/j1.best")
t2=$(cat "$OUT/j2.best")
awk "BEGIN { printf \"--jobs 1:     %6.2f s\n--jobs 2:     %6.2f s  speed-up %.2f\n\", $t1, $t2, $t1 / $t2 }"
if [ -n "$MPI" ]; then
	tm=$(cat "$OUT/mpi.best")
	awk "BEGIN { printf \"mpirun -np 2: %6.2f s  speed-up %.2f (mpirun start-up included)\n\", $tm, $t1 / $tm }"
fi
echo "best of $RUNS rounds; sweep.csv identical in every run; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
