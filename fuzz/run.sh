#!/bin/sh
# Run bssim's libFuzzer targets (built by make in BUILD/fuzz/fuzz_<target>).
#
#   fuzz/run.sh [-j JOBS] BUILD SECONDS TARGET...           (make fuzz)
#   fuzz/run.sh --smoke [-j JOBS] BUILD SECONDS TARGET...   (make fuzz-smoke)
#
# Campaign (make fuzz FUZZ_SECONDS=N FUZZ_JOBS=J): each target fuzzes for
# SECONDS from its seeds (fuzz/seeds/<target>), its kept inputs
# (tests/fuzz/<target>) and its working corpus (BUILD/fuzz/corpus/<target>,
# kept between runs: a later campaign goes on from there), JOBS targets at
# a time, after one pass over the seeds and kept inputs. It runs in
# libFuzzer's fork mode and goes on after a finding, so
# that one early bug does not cut a target's time short; every distinct
# finding is saved and the run fails at the end. FUZZ_KEEP_GOING=0 stops
# at the first finding instead (one process, libFuzzer's own statistics).
#
# Smoke (make fuzz-smoke, CI): each target runs every seed and kept input
# once (-runs=0), then SECONDS of new inputs from a fresh working corpus;
# it stops at the first finding.
#
# Either fails on a crash, a sanitizer report, a leak, a hang (-timeout: an
# input taking 10 s, where the slowest seeds take a few ms) or a memory
# blow-up (-rss_limit_mb). The input that did it is left in
# BUILD/fuzz-findings/<target>/ (crash-*, leak-*, timeout-*, oom-*); once
# the bug is fixed it goes to tests/fuzz/<target>/ so that check_fuzz
# replays it in make check. Logs: BUILD/fuzz/log/<target>{.seeds,,.cov}.log.
#
# At the end a Markdown table, one row per target, to paste into
# docs/robustness.md: wall seconds, executions, coverage (libFuzzer's cov:
# edges and ft: features, and the corpus as inputs/bytes, at the end of
# the smoke; for a campaign, from one pass over the final corpus, since
# fork mode counts its own way) and the result (ok, or the findings of
# this run by kind).
set -eu

smoke=0
jobs=1
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1; shift ;;
	-j) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 3 ]; then
	echo "usage: fuzz/run.sh [--smoke] [-j JOBS] BUILD SECONDS TARGET..." >&2
	exit 2
fi
B=$1
SECS=$2
shift 2
case "$jobs" in '' | *[!0-9]* | 0) echo "fuzz/run.sh: -j '$jobs': expected a whole number from 1" >&2; exit 2 ;; esac

# The targets write each input to a file under TMPDIR (so do libFuzzer's
# fork-mode jobs): a folder of this run, on tmpfs when we can (twice the
# executions for small inputs on a disk-backed /tmp), removed at the end
# with whatever crashed jobs left in it.
base=${TMPDIR:-}
if [ -z "$base" ]; then
	base=/tmp
	[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
fi
TMPDIR=$(mktemp -d "$base/bssim-fuzz-run-XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
trap 'exit 130' INT TERM

LOG="$B/fuzz/log"
RES="$B/fuzz/result"
FIND="$B/fuzz-findings"
mkdir -p "$LOG" "$RES"
FLAGS="-timeout=10 -rss_limit_mb=2048 -print_final_stats=1"
KEEP="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
[ "$smoke" = 0 ] && [ "${FUZZ_KEEP_GOING:-1}" != 0 ] || KEEP=""

# libFuzzer's last status line, one process ("#N DONE cov: C ft: F corp:
# U/S ...") or fork mode ("#N: cov: C ft: F corp: U exec/s ..."), as
# "N C F U[/S]".
stats() {
	grep -E '^#[0-9]+:?[[:space:]].*cov: [0-9]+ ft: [0-9]+ corp: ' "$1" | tail -n 1 |
		sed -nE 's/^#([0-9]+):?[[:space:]].*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+(\/[0-9A-Za-z]+)?).*/\1 \2 \3 \4/p'
}

# The findings this run left in a folder, by kind: "crash x2 leak x1"
# (libFuzzer's names only: a reproducer put there by hand is not one).
found() {
	find "$1" -maxdepth 1 -type f -newer "$2" \( -name 'crash-*' -o \
		-name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' -o \
		-name 'slow-unit-*' \) | sed -E 's,.*/,,; s,-.*,,' |
		sort | uniq -c | awk '{ printf("%s%s x%d", (NR > 1 ? " " : ""), $2, $1) }'
}

# Run one target; write "target seconds execs cov ft corpus result" to RES.
one() {
	t=$1
	bin="$B/fuzz/fuzz_$t"
	work="$B/fuzz/corpus/$t"
	log="$LOG/$t.log"
	seedlog="$LOG/$t.seeds.log"
	stamp="$TMPDIR/start-$t"
	mkdir -p "tests/fuzz/$t" "$FIND/$t"
	: >"$stamp"
	: >"$log"
	start=$(date +%s)
	rc=0
	# Every seed and kept input once, in one process: fork mode would
	# drop a seed that crashes without a word. Nothing is written there.
	mkdir -p "$TMPDIR/empty-$t"
	"$bin" -runs=0 $FLAGS -artifact_prefix="$FIND/$t/" "$TMPDIR/empty-$t" \
		"fuzz/seeds/$t" "tests/fuzz/$t" >"$seedlog" 2>&1 || rc=$?
	if [ "$smoke" = 1 ]; then
		work="$B/fuzz/smoke/$t"
		rm -rf "$work"
	fi
	mkdir -p "$work"
	if [ "$rc" = 0 ] || [ -n "$KEEP" ]; then
		# shellcheck disable=SC2086
		"$bin" -max_total_time="$SECS" $FLAGS $KEEP -artifact_prefix="$FIND/$t/" \
			"$work" "fuzz/seeds/$t" "tests/fuzz/$t" >>"$log" 2>&1 || rc=$?
	fi
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(stats "$log" | cut -d' ' -f1)
	[ -n "$execs" ] || execs=-
	covlog=$log
	if [ "$smoke" = 0 ]; then
		# Fork mode counts cov: its own way; one pass of the final corpus
		# in one process gives the same measure in both modes (a few s).
		covlog="$LOG/$t.cov.log"
		"$bin" -runs=0 $FLAGS -artifact_prefix="$FIND/$t/" "$TMPDIR/empty-$t" \
			"$work" "fuzz/seeds/$t" "tests/fuzz/$t" >"$covlog" 2>&1 || rc=$?
	fi
	# shellcheck disable=SC2046
	set -- $(stats "$covlog") - - - -
	result=$(found "$FIND/$t" "$stamp")
	if [ -n "$result" ]; then
		result="FOUND $result"
	elif [ "$rc" != 0 ]; then
		result="FAILED (exit $rc)"
	else
		result=ok
	fi
	echo "$t $((end - start)) $execs $2 $3 $4 $result" >"$RES/$t"
}

# JOBS lanes: lane k runs targets k, k+JOBS, ... in turn (a lane a target
# at a time; the targets' lengths are alike, so lanes finish together).
for t in "$@"; do rm -f "$RES/$t"; done
lane=0
while [ "$lane" -lt "$jobs" ]; do
	(
		i=0
		for t in "$@"; do
			if [ $((i % jobs)) = "$lane" ]; then
				echo "fuzz: $t for ${SECS}s$([ "$smoke" = 1 ] && echo ' (smoke: seeds and kept inputs first)')"
				one "$t"
			fi
			i=$((i + 1))
		done
	) &
	lane=$((lane + 1))
done
wait

status=0
echo
echo "| target | seconds | execs | cov | ft | corpus | result |"
echo "|---|---:|---:|---:|---:|---:|---|"
for t in "$@"; do
	if [ ! -s "$RES/$t" ]; then
		echo "| $t | | | | | | did not run |"
		status=1
		continue
	fi
	read -r name secs execs cov ft corp result <"$RES/$t"
	echo "| $name | $secs | $execs | $cov | $ft | $corp | $result |"
	[ "$result" = ok ] || status=1
done
if [ "$status" != 0 ]; then
	echo >&2
	for t in "$@"; do
		if [ -s "$RES/$t" ] && ! grep -q ' ok$' "$RES/$t"; then
			echo "fuzz: $t FAILED; see $LOG/$t.seeds.log and $LOG/$t.log" >&2
			cat "$LOG/$t.seeds.log" "$LOG/$t.log" |
				grep -E "ERROR|SUMMARY|Test unit written" | sort -u | head -n 8 >&2 || true
		fi
	done
fi
exit $status
