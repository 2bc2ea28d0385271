#!/bin/bash
# slurm-sweep.sh SWEEP.json OUT N [INDICES] [-- SBATCH-OPTION...]
#
# Submit a bssim sweep to Slurm as N shards (docs/cluster.md): a job array
# of scripts/slurm-shards.sh (array task I runs shard I/N into OUT-shards/I)
# and a job of scripts/slurm-merge.sh that starts once every shard has
# succeeded (afterok) and merges them into OUT. INDICES (default 1-N, any
# --array list such as 7 or 2,5) reruns only those shards: each resumes
# from its task log, then the merge runs again. SBATCH-OPTIONs (e.g.
# --partition=P, --cpus-per-task=8) go to both sbatch calls. BSSIM names
# the bssim executable (default: build/bssim beside this script), the same
# path on every node. Prints "shards=JOB merge=JOB"; the jobs' logs are
# OUT-shards/slurm-*.out. Exit 2 when Slurm or an input is missing.
set -euo pipefail
fail() { echo "slurm-sweep.sh: $*" >&2; exit 2; }
[ $# -ge 3 ] || fail "usage: slurm-sweep.sh SWEEP.json OUT N [INDICES] [-- SBATCH-OPTION...]"
sweep=$1 out=$2 n=$3
shift 3
indices=1-$n
if [ $# -gt 0 ] && [ "$1" != -- ]; then indices=$1; shift; fi
if [ $# -gt 0 ]; then
	[ "$1" = -- ] || fail "'$1': expected -- before the sbatch options"
	shift
fi
case $n in '' | *[!0-9]* | 0*) fail "N '$n': expected the number of shards, a whole number from 1" ;; esac
command -v sbatch >/dev/null 2>&1 ||
	fail "sbatch not found on PATH: this recipe submits Slurm jobs; run it where Slurm's client commands are (a cluster's login node; Debian: slurm-client)"
[ -f "$sweep" ] || fail "$sweep: no such sweep file"
here=$(cd "$(dirname "$0")" && pwd)
BSSIM=${BSSIM:-$here/../build/bssim}
[ -x "$BSSIM" ] || fail "$BSSIM: no bssim executable there (build it with make, or set BSSIM)"
export BSSIM
shards=$out-shards
mkdir -p "$shards"
jid=$(sbatch --parsable --array="$indices" --output="$shards/slurm-%A_%a.out" "$@" \
	"$here/slurm-shards.sh" "$sweep" "$shards" "$n")
jid=${jid%%;*} # --parsable prints JOB or JOB;CLUSTER
mid=$(sbatch --parsable --dependency=afterok:"$jid" --output="$shards/slurm-merge-%j.out" "$@" \
	"$here/slurm-merge.sh" "$shards" "$n" "$out")
echo "shards=$jid merge=${mid%%;*}"
