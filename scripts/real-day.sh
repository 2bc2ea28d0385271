#!/bin/sh
# Hold the calibrated scenario against the real day (docs/validation.md,
# "Against the real day"): run scenarios/tokyo4_calibrated.json (the real
# day with its operations replayed from depots; SCENARIO=file for another,
# e.g. scenarios/tokyo4_full.json without depots), average its time
# series by ward and hour over replications, put it beside the real hourly
# means of data/tokyo4_status_hourly_20220629.csv, compute the error
# measures and draw docs/img/real_day.png.
#   scripts/real-day.sh [path/to/bssim]     (OUT=dir for the run, default out/real-day)
set -eu
BSSIM=${1:-build/bssim}
OUT=${OUT:-out/real-day}
DOC=docs/img

# from the real state: the midnight stock as it stood (fleet.ownership
# "stock"; the shipped "docks" re-shares it between wards for the
# agreements' comparison, docs/scenarios.md)
SCENARIO=${SCENARIO:-scenarios/tokyo4_calibrated.json}
"$BSSIM" run "$SCENARIO" -o "$OUT" -q --jobs 2 --set fleet.ownership=stock

# Simulated: mean over replications and the samples in each hour (every
# 5 minutes), per ward; joined with the real means of the same hour.
awk -F, '
NR == FNR {
	if (FNR == 1) next
	h = int(($2 % 1440) / 60)
	k = $3 SUBSEP h
	n[k]++; d[k] += $4; e[k] += $5; f[k] += $6
	next
}
FNR == 1 { print "ward,hour,bikes_sim,bikes_real,empty_sim,empty_real,full_sim,full_real"; next }
{
	k = $1 SUBSEP $2
	printf "%s,%d,%.1f,%s,%.1f,%s,%.1f,%s\n", $1, $2, d[k] / n[k], $3,
	       e[k] / n[k], $4, f[k] / n[k], $5
}' "$OUT/timeseries.csv" data/tokyo4_status_hourly_20220629.csv > "$DOC/real_day.csv"

# Error measures per ward and quantity over the 24 hours: bias (mean of
# sim - real), MAE, and MAE relative to the real daily mean.
awk -F, '
NR == 1 { next }
{
	w = $1; if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
	for (q = 0; q < 3; q++) {
		s = $(3 + 2 * q); r = $(4 + 2 * q)
		bias[w, q] += s - r; mae[w, q] += (s > r ? s - r : r - s)
		real[w, q] += r; cnt[w, q]++
		hs[$2, q] += s; hr[$2, q] += r
	}
}
END {
	print "ward,quantity,real_mean,bias,mae,mae_pct"
	split("bikes_docked,empty_ports,full_ports", name, ",")
	for (i = 1; i <= nw + 1; i++) {
		w = i <= nw ? order[i] : "all"
		for (q = 0; q < 3; q++) {
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
}
' "$DOC/real_day.csv" > "$DOC/real_day_errors.csv"

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot -e "datafile='$DOC/real_day.csv'; outfile='$DOC/real_day.png'" plots/real_day.gp
fi
column -s, -t "$DOC/real_day_errors.csv" 2>/dev/null || cat "$DOC/real_day_errors.csv"
