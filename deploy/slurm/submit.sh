#!/usr/bin/env bash
# Submits an onnxcd scan as a Slurm job array (one task per shard) and the merge job that runs once
# every task has succeeded (--dependency=afterok). Prints the two job ids; writes them, with the scan
# options, to OUT_ROOT/slurm-jobs.env, which resubmit.sh reads.
#
#   deploy/slurm/submit.sh [--shards 4] [--sbatch "-p gpu --gres=gpu:1"] [--merge-sbatch "-p cpu"] OUT_ROOT -- SCAN_OPTIONS...
#
# --sbatch options go to the array's tasks, --merge-sbatch options to the merge job (one CPU, no GPU).
# The options of the scan that judge it (--truth, --truth-kind, --threshold, -k, --score, --unlearn,
# --safe) are passed to the merge as well. ONNXCD (the command; default onnxcd) is
# exported to the jobs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=4 extra="" merge_extra=""
while [[ $# -gt 0 && $1 != -- ]]; do
  case "$1" in
    --shards) shards=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --merge-sbatch) merge_extra=$2; shift 2 ;;
    -*) echo "submit.sh: unknown option '$1'; see the comment at the top of deploy/slurm/submit.sh" >&2; exit 2 ;;
    *) root=$1; shift ;;
  esac
done
[[ ${1:-} == -- && -n ${root:-} ]] || { echo "usage: submit.sh [--shards N] [--sbatch ARGS] [--merge-sbatch ARGS] OUT_ROOT -- SCAN_OPTIONS..." >&2; exit 2; }
shift
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --shards $shards is not a positive whole number" >&2; exit 2; }
scan_options=("$@")
merge_options=()
for ((i = 0; i < ${#scan_options[@]}; i++)); do
  case "${scan_options[i]}" in
    --truth|--truth-kind|--threshold|-k|--score|--unlearn|--safe) merge_options+=("${scan_options[i]}" "${scan_options[i + 1]:-}") ;;
  esac
done
mkdir -p "$root"
root=$(cd "$root" && pwd)
workdir=$PWD   # the jobs run here, so relative paths in the options mean what they meant here
export ONNXCD=${ONNXCD:-onnxcd}
# shellcheck disable=SC2086  # --sbatch holds several sbatch options
array_job=$(sbatch --parsable $extra --array="0-$((shards - 1))" --chdir="$workdir" --output="$root/slurm-%x-%A_%a.out" --export=ALL "$here/scan-array.sbatch" "$root" "${scan_options[@]}")
# shellcheck disable=SC2086
merge_job=$(sbatch --parsable $merge_extra --dependency="afterok:$array_job" --chdir="$workdir" --output="$root/slurm-%x-%j.out" --export=ALL "$here/merge.sbatch" "$root" "${merge_options[@]}")
{
  echo "shards=$shards"
  echo "workdir=$workdir"
  echo "array_job=$array_job"
  echo "merge_job=$merge_job"
  declare -p scan_options merge_options extra merge_extra ONNXCD
} > "$root/slurm-jobs.env"
echo "array $array_job ($shards tasks), merge $merge_job (after every task succeeds); jobs recorded in $root/slurm-jobs.env"
