#!/bin/sh
# make memcheck: valgrind memcheck on short runs of every kind of work:
# a synthetic network, the Tokyo day with trucks, batteries and a trip log,
# a sweep, the GBFS import and a calibration. Any error or leak fails.
#   scripts/memcheck.sh path/to/bssim
set -eu
B=${1:-build/bssim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
n=0
# check [EXIT=n] ARGS...: run bssim ARGS under memcheck; expect exit n
# (default 0); valgrind's own findings exit 99.
check() {
	want=0
	case "$1" in EXIT=*) want=${1#EXIT=}; shift ;; esac
	n=$((n + 1))
	printf '  memcheck %s %s:' "$1" "$2"
	st=0
	$VG "$B" "$@" >"$T/out" 2>"$T/err" || st=$?
	if [ "$st" -eq "$want" ]; then
		echo " ok"
	else
		echo " FAILED (exit $st, expected $want)"
		cat "$T/err" >&2
		exit 1
	fi
}
check run scenarios/homogeneous.json -o "$T/h" -q --replications 2 --set horizon.days=1 --set horizon.warmup_days=0 --jobs 2
check run scenarios/tokyo4_full_trucks.json -o "$T/t" -q --replications 1 --set output.trips=true
check run scenarios/tokyo4_settlement.json -o "$T/s" -q --replications 1 --set fees.settlement=split_time
check run scenarios/jc_trace.json -o "$T/jc" -q --replications 1 --set horizon.days=2
check check scenarios/tokyo4_isolated.json
cat >"$T/sweep.json" <<SWEEP
{ "bssim_sweep": 1, "base": "$PWD/scenarios/homogeneous.json", "replications": 2,
  "set": { "horizon.days": 1, "horizon.warmup_days": 0 },
  "vary": { "fleet.bikes": [1000, 1200], "agreement.type": ["full", "isolated"] } }
SWEEP
check sweep "$T/sweep.json" -o "$T/sw" -q --jobs 2
check compare scenarios/tokyo4_isolated.json scenarios/tokyo4_full.json -q --replications 2 -o "$T/cmp"
check import gbfs --station-information data/raw/docomo-cycle-tokyo_station_information_20220628.json \
	--region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto --wards Chiyoda,Chuo,Minato,Koto -o "$T/st.csv"
check calibrate trips data/raw/JC-201901-citibike-tripdata.csv --stations data/jc_201901_stations.csv -o "$T/r.csv"
check EXIT=2 run tests/inputs/invalid/negative-bikes/scenario.json -o "$T/bad"
check EXIT=2 run tests/inputs/invalid/csv-unclosed-quote/scenario.json -o "$T/bad"
echo "memcheck: $n runs clean"
