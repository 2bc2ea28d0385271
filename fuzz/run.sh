#!/bin/sh
# make fuzz FUZZ_SECONDS=N: run every fuzz target for N seconds each, from
# the seed corpus (fuzz/seeds/<target>: real files) and the kept findings
# (tests/fuzz/<target>), with a working corpus under the build folder.
# Fails on a crash, a sanitizer report, a leak, a hang (-timeout) or a
# memory blow-up (-rss_limit_mb); the input that did it is left as
# BUILD/fuzz/<target>-crash-* to be added to tests/fuzz/<target>/.
#   fuzz/run.sh BUILD SECONDS
set -eu
B=$1
SECONDS_EACH=$2
status=0
for t in scenario stations gbfs triplog sweep; do
	work="$B/fuzz/corpus/$t"
	mkdir -p "$work" "tests/fuzz/$t"
	echo "fuzz: $t for ${SECONDS_EACH}s"
	if ! "$B/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$B/fuzz/$t-" \
		"$work" "fuzz/seeds/$t" "tests/fuzz/$t" >"$B/fuzz/$t.log" 2>&1; then
		status=1
		echo "fuzz: $t FAILED; see $B/fuzz/$t.log" >&2
		grep -E "ERROR|SUMMARY|Test unit written" "$B/fuzz/$t.log" | head -5 >&2
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$B/fuzz/$t.log" | tr '\n' ' '
		echo
	fi
done
exit $status
