#!/bin/sh
# make bench-scaling: how a whole `bssim run` (load, build, simulate, write
# results) grows in wall time and peak memory with ports, bikes and days,
# and whether memory stays flat as trips grow, with and without the trip
# log. The homogeneous network of bench/homog_2000.json, one replication,
# varied by --set. Writes bench/scaling.csv; numbers for docs/performance.md.
#   bench/scaling.sh BUILD_DIR
set -eu
B=${1:-build}
OUT=bench/scaling.csv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "series,stations,bikes,days,trips_log,wall_s,peak_rss_mib,completed_trips,trips_per_s,trips_csv_mib" >"$OUT"
printf '%-6s %8s %8s %5s %5s %8s %9s %10s %10s %10s\n' series ports bikes days log wall_s "RSS MiB" trips trips/s "trips MiB"
one() { # series ports bikes days trips_log
	rm -rf "$TMP/o"
	/usr/bin/time -f "%e %M" -o "$TMP/t" "$B/bssim" run bench/homog_2000.json \
		-o "$TMP/o" -q --replications 1 \
		--set network.synthetic.stations="$2" --set fleet.bikes="$3" \
		--set horizon.days="$4" --set output.trips="$5"
	read -r wall kib <"$TMP/t"
	# replications.csv counts per simulated day: times the days
	trips=$(awk -F, -v d="$4" '$2 == "all" && $3 == "trips_completed" { printf "%.0f", $4 * d }' \
		"$TMP/o/replications.csv")
	tm=0
	[ -f "$TMP/o/trips.csv" ] && tm=$(du -m "$TMP/o/trips.csv" | cut -f1)
	rss=$(awk -v k="$kib" 'BEGIN{printf "%.1f", k / 1024}')
	tps=$(awk -v n="$trips" -v w="$wall" 'BEGIN{printf "%.0f", (w > 0) ? n / w : 0}')
	echo "$1,$2,$3,$4,$5,$wall,$rss,$trips,$tps,$tm" >>"$OUT"
	printf '%-6s %8s %8s %5s %5s %8s %9s %10s %10s %10s\n' "$1" "$2" "$3" "$4" "$5" "$wall" "$rss" "$trips" "$tps" "$tm"
}
for n in 500 2000 8000 20000; do one ports "$n" $((n * 13)) 2 false; done
for b in 6500 13000 26000 39000 52000; do one bikes 2000 "$b" 2 false; done
for d in 1 4 16 64; do one days 2000 26000 "$d" false; done
for d in 1 4 16; do one log 2000 26000 "$d" true; done
echo "wrote $OUT"
