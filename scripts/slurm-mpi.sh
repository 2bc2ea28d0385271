#!/bin/bash
# slurm-mpi.sh SWEEP.json OUT: a bssim sweep as one MPI job (docs/cluster.md):
#   sbatch --nodes=4 --ntasks-per-node=32 scripts/slurm-mpi.sh SWEEP.json OUT
# Open MPI's mpirun reads the Slurm allocation (here 128 ranks over 4
# nodes, one per core). --resume: a job requeued or stopped by its time
# limit, submitted again, keeps what OUT already holds and runs the rest.
# BSSIM_MPI names build/bssim-mpi (default: that path, relative to the
# folder sbatch was called from).
#SBATCH --job-name=bssim-mpi
#SBATCH --time=04:00:00
set -euo pipefail
fail() { echo "slurm-mpi.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || fail "usage: sbatch --ntasks=N slurm-mpi.sh SWEEP.json OUT (got $# arguments)"
[ -n "${SLURM_JOB_ID:-}" ] ||
	fail "SLURM_JOB_ID is not set: submit this with sbatch (or run it inside salloc), it needs a Slurm allocation"
module load openmpi 2>/dev/null || true # site-specific; Debian: none needed
command -v mpirun >/dev/null 2>&1 ||
	fail "mpirun not found on PATH: this job needs Open MPI (module load openmpi; Debian: openmpi-bin)"
exec mpirun "${BSSIM_MPI:-build/bssim-mpi}" sweep "$1" -o "$2" --resume --quiet
