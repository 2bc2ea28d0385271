#!/bin/sh
# The default four-ward comparison: the real Wednesday 2022-06-29 (calibrated
# demand, real midnight stock) with each ward on its own (before 2016), with
# one bilateral agreement (Minato and Chiyoda, the pair with the most
# cross-boundary trips) and with full mutual use (from 2016), side by side;
# then the paired differences of the headline metrics (bssim compare: the
# same random numbers in every scenario), their plots and a one-page report
# (plots/plots.sh; needs gnuplot).
#   scripts/demo.sh [path/to/bssim]      (OUT=dir to write elsewhere)
set -eu
BSSIM=${1:-build/bssim}
OUT=${OUT:-out}
JOBS=$(nproc 2>/dev/null || echo 2)
ISO=scenarios/tokyo4_isolated.json
BIL=scenarios/tokyo4_minato_chiyoda.json
FULL=scenarios/tokyo4_full.json
# what the comparison is about: served, reached, crossing, lost
HEAD=service_level,reach_level,cross_ward_trips,lost_no_bike,lost_forbidden

"$BSSIM" run "$ISO" -o "$OUT/tokyo4-isolated" --jobs "$JOBS"
echo
"$BSSIM" run "$BIL" -o "$OUT/tokyo4-minato-chiyoda" --jobs "$JOBS"
echo
"$BSSIM" run "$FULL" -o "$OUT/tokyo4-full" --jobs "$JOBS"
echo
echo "Isolated wards, one bilateral pair (Minato-Chiyoda) and full mutual use:"
echo "whole network, per simulated day, mean over replications +- half-width"
echo "of the 95% confidence interval."
echo
"$BSSIM" show "$OUT/tokyo4-isolated" "$OUT/tokyo4-minato-chiyoda" "$OUT/tokyo4-full"
echo
echo "  service_level = trips completed / requested (a rider stopped short at a"
echo "                  ward border by truncation counts as served)"
echo "  reach_level   = trips reached / requested (docked at the intended port,"
echo "                  or within behaviour.walk_radius_m of it after full-port"
echo "                  diversions; truncated trips excluded)"
echo "  lost riders   = lost_no_bike (no bike within walking distance) and"
echo "                  lost_forbidden (the agreement forbids the ride, or the"
echo "                  walk it would leave is more than the rider accepts)"
echo
echo "Paired differences B - A (common random numbers: replication r of every"
echo "scenario sees the same requests, so the paired interval is the one to read):"
for pair in "$ISO $BIL" "$BIL $FULL" "$ISO $FULL"; do
	echo
	# shellcheck disable=SC2086 # the pair's two files, split on purpose
	"$BSSIM" compare $pair --jobs "$JOBS" --metrics "$HEAD"
done
echo
BSSIM=$BSSIM plots/plots.sh "$OUT/tokyo4-compare" "$OUT/tokyo4-isolated" \
	"$OUT/tokyo4-minato-chiyoda" "$OUT/tokyo4-full"
echo
echo "Results: $OUT/tokyo4-isolated/, $OUT/tokyo4-minato-chiyoda/ and $OUT/tokyo4-full/"
echo "         (summary.json, CSVs, stations.geojson)."
echo "Plots:   $OUT/tokyo4-compare/*.png"
echo "Report:  $OUT/tokyo4-compare/report.html (one self-contained page)"
