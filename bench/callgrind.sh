#!/bin/sh
# make bench-callgrind: instruction counts (valgrind --tool=callgrind,
# repeatable to the instruction, unlike wall time) of the bench harness on
# two days of the 2,000-port network (bench/callgrind_2000.json) and of
# the lean loop on the same model. The numbers docs/performance.md
# records before and after each optimisation.
#   bench/callgrind.sh BUILD_DIR
set -eu
B=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ir() { # total Ir of a command
	valgrind --tool=callgrind --callgrind-out-file="$TMP/cg" "$@" >/dev/null 2>"$TMP/log"
	sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$TMP/log"
}
h=$(ir "$B/bench/harness" bench/callgrind_2000.json)
h0=$(ir "$B/bench/harness" bench/callgrind_2000.json 0) # setup alone
l=$(ir "$B/bench/lean" 2000 26 26000 2 20 2 1)
echo "bssim harness (2 days, 2,000 ports): $h Ir, of which setup $h0, event loop $((h - h0))"
echo "lean loop (same model):              $l Ir"
