#!/bin/sh
# The whole test suite N times in a row (make check-repeat N=20): a test
# that fails once in twenty is a failing test. Each run's output goes to
# BUILD/check-repeat/run-K.log; the first failure stops the loop, names the
# log and exits 1.
#   scripts/check-repeat.sh N BUILD MAKE-ARGS...
set -u
n=$1
build=$2
shift 2
logs="$build/check-repeat"
mkdir -p "$logs"
rm -f "$logs"/run-*.log
k=0
while [ "$k" -lt "$n" ]; do
	k=$((k + 1))
	log="$logs/run-$k.log"
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		printf 'check-repeat: run %d of %d passed (%ss): %s\n' "$k" "$n" \
			"$(($(date +%s) - start))" "$(grep '^suites:' "$log" | tail -n 1)"
	else
		printf 'check-repeat: run %d of %d FAILED; its output: %s\n' "$k" "$n" "$log"
		grep -A12 '  FAIL ' "$log" | head -n 40
		exit 1
	fi
done
printf 'check-repeat: %d of %d runs passed\n' "$n" "$n"
