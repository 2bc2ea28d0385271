#!/bin/bash
# slurm-merge.sh: join the N shard folders SHARDS/1 ... SHARDS/N of a sweep
# into OUT (docs/cluster.md). scripts/slurm-sweep.sh submits it to start
# once every shard has succeeded:
#   sbatch --dependency=afterok:JOB scripts/slurm-merge.sh SHARDS N OUT
# It needs no Slurm and can be run by hand too. bssim merge refuses (exit
# 2, writing nothing) a set with a shard missing or of another sweep.
#SBATCH --job-name=bssim-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=00:10:00
set -euo pipefail
fail() { echo "slurm-merge.sh: $*" >&2; exit 2; }
[ $# -eq 3 ] || fail "usage: slurm-merge.sh SHARDS N OUT (got $# arguments)"
case $2 in '' | *[!0-9]* | 0*) fail "N '$2': expected the number of shards, a whole number from 1" ;; esac
dirs=()
for ((i = 1; i <= $2; i++)); do dirs+=("$1/$i"); done
exec "${BSSIM:-build/bssim}" merge "${dirs[@]}" -o "$3" --quiet
