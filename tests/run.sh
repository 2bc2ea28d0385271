#!/bin/sh
# Run every Check suite given on the command line; print one line each and a
# total; exit 1 if any failed. CK_VERBOSITY=normal shows failures only.
# A test that cannot run here (a missing optional tool) prints a line
# starting with "SKIP:"; those lines are shown under the suite's line.
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
