#!/bin/sh
# The default four-ward comparison: the real Wednesday 2022-06-29 (calibrated
# demand, real midnight stock) with each ward on its own (before 2016) and
# with full mutual use (from 2016), side by side, then their plots and a
# one-page report (plots/plots.sh; needs gnuplot).
#   scripts/demo.sh [path/to/bssim]      (OUT=dir to write elsewhere)
set -eu
BSSIM=${1:-build/bssim}
OUT=${OUT:-out}
JOBS=$(nproc 2>/dev/null || echo 2)

"$BSSIM" run scenarios/tokyo4_isolated.json -o "$OUT/tokyo4-isolated" --jobs "$JOBS"
echo
"$BSSIM" run scenarios/tokyo4_full.json -o "$OUT/tokyo4-full" --jobs "$JOBS"
echo
echo "Isolated wards vs full mutual use: whole network, per simulated day,"
echo "mean over replications +- half-width of the 95% confidence interval."
echo
"$BSSIM" show "$OUT/tokyo4-isolated" "$OUT/tokyo4-full"
echo
BSSIM=$BSSIM plots/plots.sh "$OUT/tokyo4-compare" "$OUT/tokyo4-isolated" "$OUT/tokyo4-full"
echo
echo "Results: $OUT/tokyo4-isolated/ and $OUT/tokyo4-full/ (summary.json, CSVs, stations.geojson)."
echo "Plots:   $OUT/tokyo4-compare/*.png"
echo "Report:  $OUT/tokyo4-compare/report.html (one self-contained page)"
