#!/bin/sh
# Run every Check suite given on the command line; print one line each and a
# total; exit 1 if any failed. CK_VERBOSITY=normal shows failures only.
# A test that cannot run here (a missing optional tool) prints a line
# starting with "SKIP:"; those lines are shown under the suite's line.
#
# Timeouts are hang detectors only, never a race with the clock: no test
# waits on time (each waits on something bssim does, e.g. a process that
# stops itself at a test point). Check's default of 4 s for a test case
# that sets none would fail a slow but correct test on a loaded machine or
# under the sanitizers, so every test case gets 60 s times 10 (600 s) by
# default, and the cases that set their own (60 to 300 s) get ten times
# theirs: far above any plausible run, there only to end a real hang.
# Set CK_DEFAULT_TIMEOUT or CK_TIMEOUT_MULTIPLIER to choose otherwise.
export CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-60}"
export CK_TIMEOUT_MULTIPLIER="${CK_TIMEOUT_MULTIPLIER:-10}"
status=0
pass=0
fail=0
for t in "$@"; do
	if out=$("$t" 2>&1); then
		pass=$((pass + 1))
		printf '  ok    %s  %s\n' "$(basename "$t")" "$(printf '%s\n' "$out" | grep -E '^[0-9]+%' | tail -n 1)"
		printf '%s\n' "$out" | sed -n 's/^SKIP:/        skipped:/p'
	else
		fail=$((fail + 1))
		status=1
		printf '  FAIL  %s\n%s\n' "$(basename "$t")" "$out"
	fi
done
printf 'suites: %d passed, %d failed\n' "$pass" "$fail"
exit $status
