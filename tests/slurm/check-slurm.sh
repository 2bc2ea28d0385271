#!/bin/bash
# check-slurm.sh BUILD: make check-slurm (docs/cluster.md, "The recipe,
# tested"). Starts a one-node Slurm cluster on localhost (munged,
# slurmctld, slurmd, as root, everything under one private temporary
# folder), and runs docs/cluster.md's recipes on it:
#   1. scripts/slurm-sweep.sh: the job array of shards and the merge job;
#      sweep.csv (and sweep_replications.csv, sweep.json but its "run")
#      the same bytes as a local `bssim sweep --jobs 2`;
#   2. one array task cancelled by scancel while it runs (stopped at the
#      test point task-recorded first, so "while it runs" is certain), its
#      merge left pending by afterok, that index submitted again: it
#      resumes from its task log, and the merge gives the same bytes;
#   3. with BUILD/bssim-mpi: the sweep on 2 MPI ranks started by srun
#      (--mpi=pmix) and by scripts/slurm-mpi.sh (mpirun inside sbatch);
#   4. tests/slurm/recipe.sh: the docs' scripts are these, and refuse to run
#      without Slurm (exit 2).
# Nothing here waits on the clock: every wait polls what Slurm reports
# (scontrol, squeue, sinfo) or the state of a process Slurm lists
# (scontrol listpids); the one time bound, SLURM_TEST_HANG seconds for
# each wait (default 600), only ends a hang, printing the daemons' logs.
# On exit, whatever happens: every job cancelled, the three daemons (and
# any process still carrying this cluster's SLURM_CONF) killed by their
# pids, the folder removed.
set -euo pipefail
build=${1:?usage: check-slurm.sh BUILD}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
bssim=$build/bssim
hang=${SLURM_TEST_HANG:-600}
sweep=$root/tests/slurm/sweep.json

[ "$(id -u)" -eq 0 ] || { echo "check-slurm: must run as root (it starts slurmd and munged)" >&2; exit 2; }
for c in munged mungekey slurmctld slurmd sbatch srun squeue scontrol scancel sinfo python3; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "check-slurm: $c not found (scripts/install-deps.sh slurm)" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/bssim-slurm.XXXXXX)
chmod 755 "$tmp" # munged wants its socket's folder searchable by all
pids=()
export SLURM_CONF=$tmp/slurm.conf

logs() {
	local f
	for f in "$tmp"/log/* "$tmp"/*/*-shards/slurm-*.out "$tmp"/*.out; do
		[ -f "$f" ] || continue
		echo "---- $f (last 40 lines)" >&2
		tail -n 40 "$f" >&2
	done
}
die() {
	echo "check-slurm: FAIL: $*" >&2
	logs
	exit 1
}

# The processes this run started (the daemons), and those still carrying
# its SLURM_CONF that are not this script's own children: slurmstepd and
# the jobs' programs, which slurmd does not take down with it. By pid,
# never by name. Cost: one read of /proc per process on the machine.
ours() {
	python3 - "$SLURM_CONF" $$ <<-'EOF'
	import os, sys
	mark, me = ("SLURM_CONF=" + sys.argv[1]).encode(), int(sys.argv[2])
	def parent(p):
	    with open("/proc/%d/stat" % p) as f:
	        return int(f.read().rsplit(")", 1)[1].split()[1])
	for d in os.listdir("/proc"):
	    try:
	        p = int(d)
	        with open("/proc/%d/environ" % p, "rb") as f:
	            if mark not in f.read().split(b"\0"):
	                continue
	        q = p
	        while q > 1 and q != me:
	            q = parent(q)
	        if q != me:
	            print(p)
	    except (ValueError, OSError):
	        pass
	EOF
}
# pstate PID: the process's state letter (R, S, T, ...), "gone" once it
# has ended (a zombie counts: it waits only for its parent to reap it)
pstate() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || s=
	case $s in '' | Z | X) echo gone ;; *) echo "$s" ;; esac
}
cleanup() {
	local st=$? p q left n sig
	trap - EXIT INT TERM HUP
	if [ ${#pids[@]} -gt 0 ]; then
		# Slurm ends its jobs first (bounded: a dead slurmctld answers no)
		for ((n = 0; n < 300; n++)); do
			left=$(squeue -h -o %A 2>/dev/null) || break
			[ -n "$left" ] || break
			# shellcheck disable=SC2086
			scancel $left 2>/dev/null || true
			sleep 0.1
		done
		# then the daemons and leftovers: SIGTERM, then SIGKILL; each a
		# bounded wait for the processes to be gone (the kernel's state)
		for sig in TERM KILL; do
			left=$( { printf '%s\n' "${pids[@]}"; ours; } | sort -u)
			[ -n "$left" ] || break
			# shellcheck disable=SC2086
			kill -s $sig $left 2>/dev/null || true
			for ((n = 0; n < 100; n++)); do
				p=
				for q in $left; do [ "$(pstate "$q")" = gone ] || p=$q; done
				[ -z "$p" ] && break
				sleep 0.1
			done
		done
	fi
	rm -rf "$tmp"
	exit $st
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# wait_for WHAT CMD...: run CMD (a test of Slurm's state) until it
# succeeds; fail with the logs after the hang bound.
wait_for() {
	local what=$1 t0=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - t0)) -lt "$hang" ] || die "no $what after ${hang}s (SLURM_TEST_HANG)"
		sleep 0.2
	done
}

# job_states JOB: "ARRAYTASK STATE REASON" per record of JOB (one record
# per array task once Slurm split them; a pending array is one record).
job_states() {
	scontrol show job -o "$1" 2>/dev/null | tr ' ' '\n' |
		awk -F= '$1 == "JobId" { if (s != "") print t, s, r; t = "-"; s = ""; r = "" }
			 $1 == "ArrayTaskId" { t = $2 } $1 == "JobState" { s = $2 } $1 == "Reason" { r = $2 }
			 END { if (s != "") print t, s, r }'
}
# ended JOB: every record of JOB is in a final state.
ended() {
	local s
	s=$(job_states "$1")
	[ -n "$s" ] && ! grep -qvE ' (COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE) ' <<<"$s "
}
# expect_states JOB STATE: every record of JOB ended in STATE.
expect_states() {
	wait_for "end of job $1" ended "$1"
	job_states "$1" | grep -v " $2 " | grep -q . && die "job $1: expected every task $2, got: $(job_states "$1" | tr '\n' ';')"
	return 0
}

# same_results A B: the result files of two sweep folders are the same
# bytes (sweep.json apart from its "run" member: the machine, the moment).
same_results() {
	cmp "$1/sweep.csv" "$2/sweep.csv" || die "sweep.csv: $1 differs from $2"
	cmp "$1/sweep_replications.csv" "$2/sweep_replications.csv" ||
		die "sweep_replications.csv: $1 differs from $2"
	python3 - "$1/sweep.json" "$2/sweep.json" <<-'EOF' || die "sweep.json: $1 differs from $2 (beyond \"run\")"
	import json, sys
	a, b = (json.load(open(p)) for p in sys.argv[1:])
	a.pop("run"); b.pop("run")
	sys.exit(a != b)
	EOF
}

start_cluster() {
	local host ports
	host=$(hostname -s)
	mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log"
	chmod 700 "$tmp/state" "$tmp/spool"
	mungekey --create --keyfile="$tmp/munge/munge.key" --bits=1024
	munged --foreground --force --socket="$tmp/munge/socket" --key-file="$tmp/munge/munge.key" \
		--pid-file="$tmp/munge/pid" --seed-file="$tmp/munge/seed" \
		--log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
	pids+=($!)
	# two free ports for slurmctld and slurmd (another cluster, or another
	# run of this test, may hold Slurm's default ones)
	ports=$(python3 -c 'import socket
s = [socket.socket() for _ in (0, 1)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
	# proctrack/linuxproc and task/none: no cgroups (a container may have
	# none, or v1 only); SlurmdParameters=config_overrides: the node has
	# CPUs=2 whatever the machine has; MinJobAge keeps ended jobs in
	# scontrol's view for the test to read; KillWait: seconds between a
	# cancelled job's SIGTERM and its SIGKILL.
	cat >"$SLURM_CONF" <<-EOF
	ClusterName=bssimtest
	SlurmctldHost=$host(127.0.0.1)
	SlurmctldPort=${ports% *}
	SlurmdPort=${ports#* }
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	CredType=cred/munge
	AuthInfo=socket=$tmp/munge/socket
	StateSaveLocation=$tmp/state
	SlurmdSpoolDir=$tmp/spool
	SlurmctldPidFile=$tmp/slurmctld.pid
	SlurmdPidFile=$tmp/slurmd.pid
	SlurmctldLogFile=$tmp/log/slurmctld.log
	SlurmdLogFile=$tmp/log/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	SelectType=select/cons_tres
	SelectTypeParameters=CR_CPU
	SlurmdParameters=config_overrides
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	JobCompType=jobcomp/none
	MpiDefault=none
	MailProg=/bin/true
	ReturnToService=2
	MinJobAge=86400
	KillWait=5
	NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
	PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
	EOF
	wait_for "munged socket" test -S "$tmp/munge/socket"
	slurmctld -D -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
	pids+=($!)
	slurmd -D -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
	pids+=($!)
	wait_for "idle node (sinfo)" node_idle
}
node_idle() { [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; }

t_start=$SECONDS
t_phase=$SECONDS
ok() { # ok WHAT: one line, with the seconds since the last
	echo "  ok    check-slurm: $* ($((SECONDS - t_phase)) s)"
	t_phase=$SECONDS
}
start_cluster
ok "one-node cluster up ($(sinfo -h -o '%N, %c CPUs') ; slurm $(sinfo -V | cut -d' ' -f2))"

# submit ARG...: scripts/slurm-sweep.sh ARG...; sets shards and merge to
# the two job ids from its line "shards=JOB merge=JOB"
submit() {
	local line
	line=$("$root/scripts/slurm-sweep.sh" "$@") || die "slurm-sweep.sh $*: exit $?"
	shards=${line#shards=}
	shards=${shards%% *}
	merge=${line##* merge=}
}

cd "$tmp"
"$bssim" sweep "$sweep" -o local --jobs 2 --quiet

# 1. the job array and its merge, as docs/cluster.md gives them
submit "$sweep" "$tmp/arr/out" 3 -- --cpus-per-task=1
expect_states "$shards" COMPLETED
expect_states "$merge" COMPLETED
same_results local arr/out
ok "sbatch --array of 3 shards, merged: same bytes as --jobs 2"

# 2. one array task cancelled while it runs. Every shard stops itself
# (SIGSTOP) after its first recorded task; the test cancels shard 2 when
# Slurm lists its bssim as stopped, and lets every other shard go on with
# Slurm's own signal (scancel --signal=CONT).
victim=2
stopped() { # stopped JOB: the pid of JOB's bssim when it is stopped
	local p
	for p in $(scontrol listpids "$1" 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = bssim ] || continue
		[ "$(pstate "$p")" = T ] && echo "$p"
	done
	return 0
}
drive() { # one look at every running shard; true when all have ended
	local id spec task state
	# id: the task's own job id (listpids wants it); spec: JOB_TASK, what
	# scancel wants for an array task (it refuses the task's own id)
	while read -r id spec task state; do
		[ "$state" = RUNNING ] || continue
		[ -n "$(stopped "$id")" ] || continue
		if [ "$task" = $victim ]; then
			scancel "$spec"
		else
			scancel --full --signal=CONT "$spec"
		fi
	done < <(squeue -h -j "$shards" -o '%A %i %K %T' 2>/dev/null)
	ended "$shards"
}
BSSIM_TEST_STOP_AT=task-recorded:1 submit "$sweep" "$tmp/kill/out" 3 -- --cpus-per-task=1
wait_for "end of the shards of job $shards" drive
job_states "$shards" | grep -qx "$victim CANCELLED.*" || die "shard $victim: not cancelled: $(job_states "$shards" | tr '\n' ';')"
[ "$(job_states "$shards" | grep -c ' COMPLETED ')" -eq 2 ] || die "shards: expected 2 completed: $(job_states "$shards" | tr '\n' ';')"
never() { job_states "$merge" | grep -q ' PENDING DependencyNeverSatisfied'; }
wait_for "merge job $merge held by afterok" never
scancel "$merge"
# the shard's log: a header line and the tasks recorded before the cancel
# (the first, and at most the one in flight): fewer than its 4
recorded=$(($(wc -l <kill/out-shards/$victim/sweep_tasks.jsonl) - 1))
if [ "$recorded" -lt 1 ] || [ "$recorded" -ge 4 ]; then
	die "shard $victim: $recorded tasks recorded before scancel, expected 1 to 3 of 4"
fi
[ ! -e kill/out ] || die "kill/out exists: the merge ran with a shard cancelled"
submit "$sweep" "$tmp/kill/out" 3 $victim -- --cpus-per-task=1
expect_states "$shards" COMPLETED
expect_states "$merge" COMPLETED
[ "$(($(wc -l <kill/out-shards/$victim/sweep_tasks.jsonl) - 1))" -eq 4 ] || die "shard $victim: not 4 tasks after --resume"
same_results local kill/out
ok "shard $victim cancelled by scancel after $recorded of 4 tasks, resubmitted (--resume), merged: same bytes"

# 3. MPI under Slurm
if [ -x "$build/bssim-mpi" ]; then
	# Open MPI refuses root unless told (a container's root)
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
	srun --ntasks=2 --mpi=pmix "$build/bssim-mpi" sweep "$sweep" -o srun --quiet >srun.out 2>&1 ||
		die "srun --mpi=pmix bssim-mpi: exit $?: $(cat srun.out)"
	grep -q '"mode": "mpi"' srun/sweep.json || die "srun: sweep.json's run is not an MPI run"
	same_results local srun
	ok "srun --ntasks=2 --mpi=pmix bssim-mpi sweep: same bytes"
	job=$(BSSIM_MPI="$build/bssim-mpi" sbatch --parsable --ntasks=2 --output="$tmp/mpi.out" \
		"$root/scripts/slurm-mpi.sh" "$sweep" mpi)
	expect_states "${job%%;*}" COMPLETED
	grep -q '"mode": "mpi"' mpi/sweep.json || die "slurm-mpi.sh: sweep.json's run is not an MPI run"
	same_results local mpi
	ok "sbatch --ntasks=2 scripts/slurm-mpi.sh (mpirun in the allocation): same bytes"
else
	echo "  skip  check-slurm: MPI under Slurm: $build/bssim-mpi not built (make mpi)"
fi

# 4. the docs' recipe is these scripts; without Slurm they refuse
"$root/tests/slurm/recipe.sh"
echo "  ok    check-slurm: all passed in $((SECONDS - t_start)) s"
