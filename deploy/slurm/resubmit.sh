#!/usr/bin/env bash
# Resubmits shards of an array scan whose tasks failed or were cancelled, and points the merge job at
# them. Each resubmitted task continues from its journal (--resume).
#
#   deploy/slurm/resubmit.sh OUT_ROOT INDICES        (INDICES as sbatch --array takes them: 2 or 1,3 or 0-2)
#
# If the merge job still waits (Slurm keeps a job whose dependency failed pending, "DependencyNeverSatisfied"),
# its dependency is replaced; otherwise a new merge job is submitted. Either way the merge waits for the
# resubmitted tasks to succeed and for every task of the earlier arrays to end: shards still running
# there must finish before the merge reads them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: resubmit.sh OUT_ROOT INDICES}
indices=${2:?usage: resubmit.sh OUT_ROOT INDICES}
root=$(cd "$root" && pwd)
[[ -f $root/slurm-jobs.env ]] || { echo "resubmit.sh: $root/slurm-jobs.env not found; submit the scan with deploy/slurm/submit.sh" >&2; exit 2; }
# shellcheck disable=SC1091
source "$root/slurm-jobs.env"
export ONNXCD ONNXCD_SHARDS=$shards
# shellcheck disable=SC2154,SC2086  # scan_options, merge_options, merge_job, workdir, extra and merge_extra come from slurm-jobs.env
again=$(sbatch --parsable $extra --array="$indices" --chdir="$workdir" --output="$root/slurm-%x-%A_%a.out" --export=ALL "$here/scan-array.sbatch" "$root" "${scan_options[@]}")
# The earlier arrays' tasks still queued or running (squeue forgets finished ones, and a dependency on a
# forgotten job is refused).
waits=""
# shellcheck disable=SC2154  # array_job and resubmitted come from slurm-jobs.env
for job in $array_job ${resubmitted:-}; do
  [[ -n $(squeue -h -j "$job" -o %i 2>/dev/null) ]] && waits+=":$job"
done
dependency="afterok:$again${waits:+,afterany$waits}"
if [[ $(squeue -h -j "$merge_job" -o %T 2>/dev/null) == PENDING ]]; then
  scontrol update JobId="$merge_job" Dependency="$dependency"
  echo "shards $indices resubmitted as array $again; merge $merge_job now waits for it${waits:+ and for the shards still running}"
else
  # shellcheck disable=SC2086
  merge_job=$(sbatch --parsable $merge_extra --dependency="$dependency" --chdir="$workdir" --output="$root/slurm-%x-%j.out" --export=ALL "$here/merge.sbatch" "$root" "${merge_options[@]}")
  echo "shards $indices resubmitted as array $again; new merge job $merge_job"
fi
sed -i "s/^merge_job=.*/merge_job=$merge_job/" "$root/slurm-jobs.env"
if grep -q '^resubmitted=' "$root/slurm-jobs.env"; then
  sed -i "s/^resubmitted=.*/resubmitted=\"${resubmitted:+$resubmitted }$again\"/" "$root/slurm-jobs.env"
else
  echo "resubmitted=\"$again\"" >> "$root/slurm-jobs.env"
fi
