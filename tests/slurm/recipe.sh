#!/bin/bash
# recipe.sh: the Slurm recipe's checks that need no Slurm (make check and
# make check-slurm run it; docs/cluster.md):
#   - every block of docs/cluster.md marked <!-- file: PATH --> is PATH's
#     text exactly, so the scripts the docs give are the ones
#     make check-slurm runs on its cluster and cannot drift apart;
#   - the scripts run without Slurm exit 2 with one line naming what is
#     missing (sbatch, the job array, the allocation) and write nothing.
# Each script runs under `env -i` (no SLURM_* variable leaks in when this
# itself runs inside a Slurm job) with PATH holding only the tools it uses,
# so that "no sbatch" holds on a machine that has Slurm installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/bssim-recipe.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "  FAIL  slurm recipe: $*" >&2
	exit 1
}

# 1. the docs' blocks are the files. Cost: one pass over the doc.
python3 - "$root" <<'EOF' || fail "docs/cluster.md and scripts/slurm-*.sh differ (see above)"
import re, sys
root = sys.argv[1]
doc = open(root + "/docs/cluster.md").read()
blocks = re.findall(r"<!-- file: (\S+) -->\n```sh\n(.*?)```\n", doc, re.S)
want = {"scripts/slurm-sweep.sh", "scripts/slurm-shards.sh", "scripts/slurm-merge.sh", "scripts/slurm-mpi.sh"}
bad = 0
for path, text in blocks:
    if open(root + "/" + path).read() != text:
        print("docs/cluster.md: the block of %s is not that file's text" % path, file=sys.stderr)
        bad = 1
for path in sorted(want - {p for p, _ in blocks}):
    print("docs/cluster.md: no <!-- file: %s --> block" % path, file=sys.stderr)
    bad = 1
sys.exit(bad)
EOF

# 2. without Slurm: exit 2, the exact message, nothing written
mkdir "$tmp/bin"
for c in dirname mkdir; do ln -s "$(command -v $c)" "$tmp/bin/$c"; done
refuses() { # refuses EXPECTED SCRIPT ARG...: exit 2, EXPECTED on stderr, stdout empty
	local want=$1 st=0
	shift
	(cd "$tmp" && env -i PATH="$tmp/bin" /bin/bash "$root/scripts/$1" "${@:2}") \
		>"$tmp/out" 2>"$tmp/err" || st=$?
	[ $st -eq 2 ] || fail "$*: exit $st, expected 2 ($(cat "$tmp/err"))"
	[ "$(cat "$tmp/err")" = "$want" ] || fail "$*: said '$(cat "$tmp/err")', expected '$want'"
	[ ! -s "$tmp/out" ] || fail "$*: printed on stdout: $(cat "$tmp/out")"
}
echo '{}' >"$tmp/s.json"
refuses "slurm-sweep.sh: sbatch not found on PATH: this recipe submits Slurm jobs; run it where Slurm's client commands are (a cluster's login node; Debian: slurm-client)" \
	slurm-sweep.sh s.json out 4
refuses "slurm-shards.sh: SLURM_ARRAY_TASK_ID is not set: run this as a Slurm job array (sbatch --array=1-4 ...), or submit with scripts/slurm-sweep.sh" \
	slurm-shards.sh s.json out-shards 4
refuses "slurm-mpi.sh: SLURM_JOB_ID is not set: submit this with sbatch (or run it inside salloc), it needs a Slurm allocation" \
	slurm-mpi.sh s.json out
refuses "slurm-sweep.sh: N 'four': expected the number of shards, a whole number from 1" \
	slurm-sweep.sh s.json out four
refuses "slurm-sweep.sh: usage: slurm-sweep.sh SWEEP.json OUT N [INDICES] [-- SBATCH-OPTION...]" \
	slurm-sweep.sh s.json out
refuses "slurm-merge.sh: N '0': expected the number of shards, a whole number from 1" \
	slurm-merge.sh out-shards 0 out
# shellcheck disable=SC2012 # the names are known: bin err out s.json
[ "$(ls "$tmp")" = "$(printf 'bin\nerr\nout\ns.json')" ] || fail "a refused script wrote: $(ls "$tmp" | tr '\n' ' ')"
echo "  ok    slurm recipe: docs/cluster.md's scripts are scripts/slurm-*.sh; without Slurm they exit 2 (on a cluster: make check-slurm)"
