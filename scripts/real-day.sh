#!/bin/sh
# Hold the calibrated scenario against the real day (docs/validation.md,
# "Against the real day"): run scenarios/tokyo4_calibrated.json (the real
# day with its operations replayed from depots and soft capacity from the
# data; SCENARIO=file for another, e.g. scenarios/tokyo4_full.json with
# neither), average its time series by ward and hour over replications,
# put it beside the real hourly means of data/tokyo4_status_hourly_20220629.csv
# (and the real ports at their physical limit, counted from the status
# series), compute bias and MAE by ward and by hour, and draw
# docs/img/real_day.png.
#   scripts/real-day.sh [path/to/bssim]     (OUT=dir for the run, default out/real-day)
#
# Quantities, simulated / real:
#   bikes docked   bikes_docked / the feed's num_bikes_available
#   empty ports    empty_stations / ports with 0 bikes
#   full ports     full_stations (stock >= published capacity) / ports with
#                  0 free docks: the feed's sense
#   refusing ports refusing_stations (stock >= physical limit; = full ports
#                  under hard capacity) / ports holding at least their
#                  physical limit of the stations file (the feed cannot say
#                  whether a port refused a bike: this is the real stock
#                  against the same limit the model uses)
set -eu
BSSIM=${1:-build/bssim}
OUT=${OUT:-out/real-day}
DOC=docs/img
SERIES=data/tokyo4_status_20220629.csv.gz
HOURLY=data/tokyo4_status_hourly_20220629.csv

# from the real state: the midnight stock as it stood (fleet.ownership
# "stock"; the shipped "docks" re-shares it between wards for the
# agreements' comparison, docs/scenarios.md)
SCENARIO=${SCENARIO:-scenarios/tokyo4_calibrated.json}
"$BSSIM" run "$SCENARIO" -o "$OUT" -q --jobs 2 --set fleet.ownership=stock

# The scenario's stations file (network.stations, relative to the scenario)
ST=$(sed -n 's/.*"stations": *"\([^"]*\)".*/\1/p' "$SCENARIO" | head -n 1)
case $ST in /*) ;; *) ST=$(dirname "$SCENARIO")/$ST ;; esac

# Real ports at or above their physical limit (the physical_limit column,
# else the capacity), per ward and hour: averaged over the observed
# minutes of the hour, as the hourly file's means are.
gzip -dc "$SERIES" | awk -F, '
NR == FNR {
	if (FNR == 1) {
		for (i = 1; i <= NF; i++) col[$i] = i
		lc = ("physical_limit" in col) ? col["physical_limit"] : col["capacity"]
		next
	}
	ward[$col["station_id"]] = $col["ward"]; lim[$col["station_id"]] = $lc
	next
}
FNR == 1 { next }
{
	w = ward[$1]; h = int(($2 % 1440) / 60)
	if (!((w, $2) in seen)) { seen[w, $2] = 1; nmin[w, h]++ }
	if ($3 + 0 >= lim[$1] + 0) r[w, h]++
}
END {
	print "ward,hour,refusing_real"
	for (k in nmin) {
		split(k, p, SUBSEP)
		printf "%s,%d,%.1f\n", p[1], p[2], r[k] / nmin[k]
	}
}' "$ST" - > "$OUT/refusing_real.csv"

# Simulated: mean over replications and the samples in each hour (every
# 5 minutes), per ward, columns by name; joined with the real means of
# the same hour.
awk -F, '
FILENAME == ARGV[1] {
	if (FNR == 1) {
		for (i = 1; i <= NF; i++) col[$i] = i
		# hard capacity: a port refuses exactly when it is full
		rc = ("refusing_stations" in col) ? col["refusing_stations"] : col["full_stations"]
		next
	}
	h = int(($col["t_min"] % 1440) / 60)
	k = $col["ward"] SUBSEP h
	n[k]++; d[k] += $col["bikes_docked"]; e[k] += $col["empty_stations"]
	f[k] += $col["full_stations"]; g[k] += $rc
	next
}
FILENAME == ARGV[2] { if (FNR > 1) rr[$1, $2] = $3; next }
FNR == 1 { print "ward,hour,bikes_sim,bikes_real,empty_sim,empty_real,full_sim,full_real,refusing_sim,refusing_real"; next }
{
	k = $1 SUBSEP $2
	printf "%s,%d,%.1f,%s,%.1f,%s,%.1f,%s,%.1f,%.1f\n", $1, $2, d[k] / n[k], $3,
	       e[k] / n[k], $4, f[k] / n[k], $5, g[k] / n[k], rr[k]
}' "$OUT/timeseries.csv" "$OUT/refusing_real.csv" "$HOURLY" > "$DOC/real_day.csv"

# Error measures per quantity: by ward over the 24 hours (bias = mean of
# sim - real, MAE, MAE relative to the real daily mean; "all" compares the
# network's sums hour by hour), and by hour over the wards (the mean over
# wards of sim - real and of |sim - real|, relative to the mean ward; with
# the network's sums beside them).
awk -F, -v hours="$DOC/real_day_hours.csv" '
NR == 1 { next }
{
	w = $1; if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
	for (q = 0; q < 4; q++) {
		s = $(3 + 2 * q); r = $(4 + 2 * q); x = s - r
		bias[w, q] += x; mae[w, q] += (x > 0 ? x : -x)
		real[w, q] += r; cnt[w, q]++
		hs[$2, q] += s; hr[$2, q] += r
		hb[$2, q] += x; hm[$2, q] += (x > 0 ? x : -x); hn[$2, q]++
	}
}
END {
	print "ward,quantity,real_mean,bias,mae,mae_pct"
	split("bikes_docked,empty_ports,full_ports,refusing_ports", name, ",")
	for (i = 1; i <= nw + 1; i++) {
		w = i <= nw ? order[i] : "all"
		for (q = 0; q < 4; q++) {
			if (w == "all") {
				# the network: sums over wards, hour by hour
				b = m = rt = 0
				for (h = 0; h < 24; h++) {
					x = hs[h, q] - hr[h, q]
					b += x; m += x > 0 ? x : -x; rt += hr[h, q]
				}
				rm = rt / 24; bb = b / 24; mm = m / 24
			} else {
				rm = real[w, q] / cnt[w, q]
				bb = bias[w, q] / cnt[w, q]; mm = mae[w, q] / cnt[w, q]
			}
			printf "%s,%s,%.1f,%.1f,%.1f,%.0f\n", w, name[q + 1], rm, bb, mm,
			       (rm > 0 ? 100 * mm / rm : 0)
		}
	}
	print "hour,quantity,sim_all,real_all,ward_bias,ward_mae,ward_mae_pct" > hours
	for (h = 0; h < 24; h++)
		for (q = 0; q < 4; q++) {
			rm = hr[h, q] / hn[h, q]
			printf "%d,%s,%.1f,%.1f,%.1f,%.1f,%.0f\n", h, name[q + 1],
			       hs[h, q], hr[h, q], hb[h, q] / hn[h, q],
			       hm[h, q] / hn[h, q],
			       (rm > 0 ? 100 * hm[h, q] / hn[h, q] / rm : 0) > hours
		}
}
' "$DOC/real_day.csv" > "$DOC/real_day_errors.csv"

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot -e "datafile='$DOC/real_day.csv'; outfile='$DOC/real_day.png'" plots/real_day.gp
fi
show() { column -s, -t "$1" 2>/dev/null || cat "$1"; }
show "$DOC/real_day_errors.csv"
echo
show "$DOC/real_day_hours.csv"
