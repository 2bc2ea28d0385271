#!/bin/bash
# slurm-shards.sh: one shard of a bssim sweep per task of a Slurm job array
# (docs/cluster.md). scripts/slurm-sweep.sh submits it as
#   sbatch --array=1-N scripts/slurm-shards.sh SWEEP.json SHARDS N
# and array task I runs shard I/N into SHARDS/I. N is given, not read from
# the array's range, so that one shard can be run again alone
# (--array=7) and still be the 7th of N.
#SBATCH --job-name=bssim-shards
#SBATCH --cpus-per-task=4             # threads per shard
#SBATCH --time=01:00:00
#SBATCH --requeue                     # a preempted shard restarts...
set -euo pipefail
fail() { echo "slurm-shards.sh: $*" >&2; exit 2; }
[ $# -eq 3 ] || fail "usage: sbatch --array=1-N slurm-shards.sh SWEEP.json SHARDS N (got $# arguments)"
[ -n "${SLURM_ARRAY_TASK_ID:-}" ] ||
	fail "SLURM_ARRAY_TASK_ID is not set: run this as a Slurm job array (sbatch --array=1-$3 ...), or submit with scripts/slurm-sweep.sh"
i=$SLURM_ARRAY_TASK_ID
mkdir -p "$2"
# ...and --resume makes a restarted shard keep the tasks it recorded.
# exec: Slurm's signals (scancel, the time limit) reach bssim itself.
exec "${BSSIM:-build/bssim}" sweep "$1" -o "$2/$i" --shard "$i/$3" \
	--jobs "${SLURM_CPUS_PER_TASK:-1}" --resume --quiet
