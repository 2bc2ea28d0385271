#!/bin/sh
# Reference outputs: a fixed set of runs whose results must stay byte for
# byte the same across a refactoring (docs/architecture.md lists them).
#
#   scripts/reference.sh record DIR [BSSIM]   run the set into DIR
#   scripts/reference.sh check DIR [BSSIM]    run it again and compare with DIR
#
# The set: every shipped scenario (3 replications; the week-long and
# month-long ones shortened to 2 days), one with trips.csv and
# stations.geojson, two sweeps (agreement x fleet, trucks x pooled), a
# compare, `import gbfs`, `import trips`, `calibrate status`, `calibrate
# trips` on the shipped data, and the plot tables of `plotdata`.
# Facts of the machine and moment (the "run" member of summary.json and
# sweep.json) are left out of the comparison; everything else must match.
set -eu
mode=${1:?usage: scripts/reference.sh record|check DIR [BSSIM]}
out=${2:?usage: scripts/reference.sh record|check DIR [BSSIM]}
B=$(realpath "${3:-build/bssim}")
top=$(cd "$(dirname "$0")/.." && pwd)

case "$mode" in
record) dest=$out; rm -rf "$dest"; mkdir -p "$dest" ;;
check) dest=$(mktemp -d "${TMPDIR:-/tmp}/bssim-reference.XXXXXX") ;;
*) echo "usage: scripts/reference.sh record|check DIR [BSSIM]" >&2; exit 2 ;;
esac

run() { "$B" "$@" -q >/dev/null; }
cd "$top"
for sc in scenarios/*.json; do
	name=$(basename "$sc" .json)
	grep -q '"bssim_sweep"' "$sc" && continue
	set -- --replications 3
	case "$name" in
	homogeneous | jc_*) set -- "$@" --set horizon.days=2 --set horizon.warmup_days=0 ;;
	esac
	run run "$sc" -o "$dest/run/$name" "$@"
done
run run scenarios/tokyo4_full_trucks.json -o "$dest/run/trips-geojson" \
	--replications 2 --set output.trips=true --geojson

cat >"$dest/sweep1.json" <<EOF
{ "bssim_sweep": 1, "name": "ref-sweep", "base": "$top/scenarios/tokyo4_full.json",
  "replications": 2, "set": { "horizon.days": 1 },
  "vary": { "agreement.type": ["isolated", "full"], "fleet.bikes": [2000, 2726] } }
EOF
cat >"$dest/sweep2.json" <<EOF
{ "bssim_sweep": 1, "name": "ref-trucks", "base": "$top/scenarios/tokyo4_full_trucks.json",
  "replications": 2,
  "vary": { "rebalancing.trucks_per_ward": [0, 2], "rebalancing.pooled": [false, true] } }
EOF
run sweep "$dest/sweep1.json" -o "$dest/sweep/agreements" --jobs 2
run sweep "$dest/sweep2.json" -o "$dest/sweep/trucks"
rm -f "$dest/sweep1.json" "$dest/sweep2.json"
run compare scenarios/tokyo4_isolated.json scenarios/tokyo4_full.json \
	--replications 3 -o "$dest/compare"

D=data
mkdir -p "$dest/import"
run import gbfs \
	--station-information $D/raw/docomo-cycle-tokyo_station_information_20220628.json \
	--region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto --wards Chiyoda,Chuo,Minato,Koto \
	--capacity-from $D/tokyo4_status_20220629.csv.gz \
	--station-status $D/raw/docomo-cycle-tokyo_station_status_20220629T0000.json \
	--stock-output "$dest/import/stock.csv" -o "$dest/import/stations.csv"
run calibrate status $D/tokyo4_status_20220629.csv.gz --stations $D/tokyo4_stations.csv \
	--profile "$dest/import/profile.csv" -o "$dest/import/rates.csv"
run import trips $D/raw/JC-201901-citibike-tripdata.csv --ward "Jersey City" \
	-o "$dest/import/jc_stations.csv"
run calibrate trips $D/raw/JC-201901-citibike-tripdata.csv \
	--stations $D/jc_201901_stations.csv --od "$dest/import/jc_od.csv" \
	-o "$dest/import/jc_rates.csv"

mkdir -p "$dest/plotdata"
r=$dest/run
"$B" plotdata timeofday "$r/tokyo4_full/timeseries.csv" empty_stations >"$dest/plotdata/timeofday.csv"
"$B" plotdata matrix "$r/tokyo4_full" >"$dest/plotdata/matrix.csv"
"$B" plotdata ports "$r/trips-geojson/stations.geojson" >"$dest/plotdata/ports.csv"
"$B" plotdata compare "$r/tokyo4_isolated" "$r/tokyo4_full" >"$dest/plotdata/compare.csv"
"$B" plotdata sweep "$dest/sweep/agreements" service_level >"$dest/plotdata/sweep.csv"

# summary.json and sweep.json without their "run" member, canonically;
# the task log in task order (threads append in the order tasks finish)
# and the checkout's and the output's own paths replaced by TOP and DEST
python3 - "$dest" "$top" <<'EOF'
import json, os, sys
dest, top = sys.argv[1], sys.argv[2]
for root, _, files in os.walk(dest):
    for f in files:
        p = os.path.join(root, f)
        b = open(p, "rb").read()
        n = b.replace(dest.encode(), b"DEST").replace(top.encode(), b"TOP")
        if n != b:
            open(p, "wb").write(n)
for root, _, files in os.walk(dest):
    for f in files:
        if f == "sweep_tasks.jsonl":
            p = os.path.join(root, f)
            lines = open(p).read().splitlines(True)
            head, recs = lines[:1], sorted(lines[1:], key=lambda l: json.loads(l)["task"])
            open(p, "w").writelines(head + recs)
        if f in ("summary.json", "sweep.json"):
            p = os.path.join(root, f)
            d = json.load(open(p))
            d.pop("run", None)
            with open(p + ".canonical", "w") as o:
                json.dump(d, o, indent=1, sort_keys=True)
            os.remove(p)
EOF

if [ "$mode" = record ]; then
	echo "reference.sh: recorded $(find "$dest" -type f | wc -l) files in $dest"
	exit 0
fi
if diff -r -x .bssim "$out" "$dest" >"$dest.diff" 2>&1; then
	echo "reference.sh: the same bytes as $out ($(find "$out" -type f | wc -l) files)"
	rm -rf "$dest" "$dest.diff"
	exit 0
fi
echo "reference.sh: DIFFERENT from $out (files kept in $dest):" >&2
head -n 40 "$dest.diff" >&2
exit 1
