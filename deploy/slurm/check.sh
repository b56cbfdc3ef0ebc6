#!/usr/bin/env bash
# Runs an onnxcd scan on a real, one-node Slurm started on this machine, and requires the merged
# outputs to equal a single-process scan's byte for byte, after one array task was killed mid-scan.
#
#   deploy/slurm/check.sh [--onnxcd "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"] [--keep]
#
# Needs Debian's slurm-wlm and munge and root (slurmd runs the jobs as root). munged, slurmctld and
# slurmd run from a throwaway configuration in a temporary folder, on ports 16817/16818 unless
# SLURM_CHECK_PORT says otherwise, and are stopped at the end; nothing under /etc is touched.
# Steps: a single-process scan of a shipped scan set; deploy/slurm/submit.sh with 4 shards (a job
# array and a merge job with --dependency=afterok); task 2 is cancelled (scancel) once it has
# recorded its first batch; deploy/slurm/resubmit.sh resubmits it, and it continues from its journal
# (--resume); the merge runs; scores.csv, the masks, group-masks.npy, unlearn.txt and safe.txt are
# compared with the single run's.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
onnxcd="dotnet $repo/OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll" keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --onnxcd) onnxcd=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "check.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "check.sh: $tool not found; apt-get install slurm-wlm munge" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "check.sh: run as root (the one-node cluster runs its jobs as root)" >&2; exit 2; }

started=$SECONDS
tmp=$(mktemp -d /tmp/onnxcd-slurm.XXXXXX)
stop() {
  for pid in "$tmp"/slurmd.pid "$tmp"/slurmctld.pid "$tmp"/munged.pid; do
    [[ -f $pid ]] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  if [[ $keep == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap stop EXIT
note() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*"; }

# --- a one-node cluster -------------------------------------------------------------------------
port=${SLURM_CHECK_PORT:-16817}
host=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
head -c 1024 /dev/urandom > "$tmp/munge.key"
chmod 400 "$tmp/munge.key"
munged --key-file="$tmp/munge.key" --socket="$tmp/munge.socket" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge.seed" --force
cat > "$tmp/slurm.conf" <<CONF
ClusterName=onnxcdcheck
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -c
slurmd
for _ in $(seq 60); do
  [[ $(sinfo -h -o %t 2>/dev/null) == idle ]] && break
  sleep 1
done
[[ $(sinfo -h -o %t) == idle ]] || { echo "check.sh: the node did not come up; logs in $tmp/log" >&2; keep=1; exit 1; }
note "one-node Slurm $(sinfo -V | cut -d' ' -f2) up: $(sinfo -h -o '%P %D node(s) %c CPUs %t')"

# --- the scan, once in one process and once as a job array ---------------------------------------
scan=(--model onnx-models/fmnist-badnets.onnx --data onnx-models/scansets/badnets-images.npy
      --labels onnx-models/scansets/badnets-labels.npy --truth onnx-models/scansets/badnets-poison.npy
      --device cpu --batch-size 32 --threads 1)
note "single-process scan"
# shellcheck disable=SC2086
$onnxcd scan "${scan[@]}" --out "$tmp/single" > "$tmp/single.log" 2>&1 || { cat "$tmp/single.log" >&2; echo "check.sh: the single-process scan failed" >&2; exit 1; }
grep -E '^(Flagged|AUROC|Run) ' "$tmp/single.log"

export ONNXCD=$onnxcd
note "deploy/slurm/submit.sh --shards 4"
deploy/slurm/submit.sh --shards 4 "$tmp/array" -- "${scan[@]}"
# shellcheck disable=SC1091
source "$tmp/array/slurm-jobs.env"

# Kill task 2 once it has recorded its first batch (journal header + one batch of rows).
for _ in $(seq 1200); do
  [[ -f $tmp/array/shard-2/journal.csv && $(wc -l < "$tmp/array/shard-2/journal.csv") -gt 1 ]] && break
  sleep 0.25
done
state=$(squeue -h -j "${array_job}_2" -o %T 2>/dev/null || true)
[[ $state == RUNNING ]] || { echo "check.sh: task 2 is '$state', not running, when it should be killed" >&2; keep=1; exit 1; }
scancel "${array_job}_2"
while [[ -n $(squeue -h -j "${array_job}_2" 2>/dev/null) ]]; do sleep 0.25; done
killed_at=$(($(wc -l < "$tmp/array/shard-2/journal.csv") - 1))
note "task ${array_job}_2 cancelled with $killed_at of its samples recorded: $(scontrol show job "${array_job}_2" | grep -o 'JobState=[A-Z]*')"

note "deploy/slurm/resubmit.sh 2"
deploy/slurm/resubmit.sh "$tmp/array" 2
source "$tmp/array/slurm-jobs.env"
# Wait until nothing can run any more: a job left pending on a failed dependency never will.
while squeue -h -o '%r' 2>/dev/null | grep -qv DependencyNeverSatisfied; do sleep 1; done
merge_state=$(scontrol show job "$merge_job" | grep -o 'JobState=[A-Z]*')
note "every job finished; merge job $merge_job: $merge_state"
[[ $merge_state == JobState=COMPLETED ]] || { echo "check.sh: the merge job did not complete; logs in $tmp/array" >&2; keep=1; exit 1; }
grep -E '^(Flagged|AUROC|Runs?) ' "$tmp/array/slurm-onnxcd-merge-$merge_job.out" || true

# --- the verdict ----------------------------------------------------------------------------------
status=0
# Shard 2's summary lists the runs that finished: the resubmitted task's, which scanned only what the
# killed one had not recorded.
runs=$(python3 -c 'import json, sys; print(" ".join(str(r["scanned"]) for r in json.load(open(sys.argv[1]))["summary"]["runs"]))' "$tmp/array/shard-2/summary.json")
if [[ $runs == "$((500 - killed_at))" ]]; then
  note "shard 2 continued: the resubmitted task scanned the $runs samples the killed one had not recorded"
else
  echo "FAIL: shard 2's finished runs scanned '$runs' samples; expected $((500 - killed_at)) (the resubmitted task continuing the killed one)" >&2
  status=1
fi
# The default scan also runs CD-L for the mask shapes, into logits/: merged like the main scan.
for file in scores.csv masks-u8.npy group-masks.npy unlearn.txt safe.txt logits/scores.csv logits/masks-u8.npy; do
  if cmp -s "$tmp/single/$file" "$tmp/array/merged/$file"; then
    note "same bytes: $file"
  else
    echo "FAIL: merged $file differs from the single-process scan's" >&2
    status=1
  fi
done
[[ $status == 0 ]] && note "PASS: Slurm job array (4 tasks, task 2 killed after $killed_at samples and resubmitted) + merge = single-process scan, byte for byte"
exit $status
