#!/usr/bin/env bash
# The GPU check: everything one visit to a lent GPU machine proves, in one command. Also runs on the
# CPU (--device cpu, the dry run): the same steps and outputs, with the CPU where the GPU would be.
#
#   tools/gpu/device-check.sh --parts DIR [--app FILE] | --onnxcd CMD  [--device cuda|cpu] [--out DIR]
#                             [--python python3] [--quick] [--only machine,smoke,bench,agreement,profile,scan]
#
#   --parts DIR   the bundle of tools/gpu/bundle.sh (DIR/partNN and DIR/SHA256SUMS): checked,
#                 reassembled and unpacked into /tmp/onnxcd-gpu (kept: a rerun reuses it), then its
#                 onnxcd runs (with CUDA 13 and cuDNN 9 from the nvidia-* Python packages of the
#                 machine's PyTorch on the loader's path)
#   --app FILE    OnnxCd's own assemblies (bundle.sh's app.tar.xz) laid over the unpacked bundle: a
#                 fix made during the visit, without sending the parts again
#   --onnxcd CMD  run this onnxcd instead, e.g. "dotnet OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll"
#   --device      where the "device" side runs: cuda (default) or cpu for the dry run
#   --quick       small sizes, for the dry run in CI (batch sizes 1,4; few steps; a tenth of the scan)
#   --only        a comma-separated subset of the steps (a rerun of what failed)
#
# Steps, each logged with its time and exit status in OUT/steps.tsv; a failing step does not stop the
# ones after it, except the first: if onnxcd cannot open the device, the loader's view is saved and
# the check stops, leaving the visit's time for a fix.
#   machine     nvidia-smi (the card, driver, clocks), the libraries found, onnxcd's version
#   smoke       one tiny bench on the device
#   bench       tools/bench_reference.py --onnxcd: PyTorch eager CD-L and onnxcd bench on the same
#               device, network, batch sizes and steps (the shipped Fashion-MNIST CNN and ResNet-18
#               at 32x32), TF32 off and on, every cuDNN search on ResNet-18
#   profile     onnxcd bench --profile on ResNet-18, summarised by tools/gpu/profile_summary.py:
#               which provider ran each node, graph-inserted copies, time outside the nodes
#   agreement   tools/gpu/agreement.py: onnxcd vjp and distill on the CPU and the device against
#               PyTorch autograd and the reference CD on the device, and float64 autograd; each
#               cuDNN search, CD-F and TF32 against the CPU and float32, --device auto; the gradient of a
#               max-pooling window with tied maxima on both
#   scan        the README's main job (blend scan set) on the CPU and on the device, compared
# Results: OUT/summary.txt (the figures, also printed last), OUT/results.tar.gz (every JSON, the
# profile summaries, the scans' summaries and scores), OUT/device-check.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

parts="" app="" onnxcd="" device=cuda out="${OUT:-out/gpu-check}" python=python3 quick=0 only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --parts) parts=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --onnxcd) onnxcd=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --only) only=$2; shift 2 ;;
    *) echo "device-check.sh: unknown argument '$1'; see the comment at the top of tools/gpu/device-check.sh" >&2; exit 2 ;;
  esac
done
if [[ -n $parts && -n $onnxcd ]] || [[ -z $parts && -z $onnxcd ]]; then
  echo "device-check.sh: give either --parts DIR (the bundle) or --onnxcd CMD" >&2; exit 2
fi
[[ $device == cuda || $device == cpu ]] || { echo "device-check.sh: --device '$device' is not valid; use cuda or cpu" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
bundle=""
trap 'rm -rf "$work"' EXIT
log="$out/device-check.log"
exec > >(tee -a "$log") 2>&1
printf 'step\tstatus\tseconds\n' > "$work/steps.tsv"

if (( quick )); then
  batches=1,4 steps=5 repeat=1 peak=256 agree_batch=8 agree_steps=3,10 scan_args=(--steps 10 --shard 1/10) search_batches=4
else
  batches=1,64,256,1024 steps=100 repeat=3 peak=8192 agree_batch=64 agree_steps=10,100 scan_args=() search_batches=256
fi
[[ $device == cpu ]] && peak=$(( peak < 1024 ? peak : 1024 ))
torch_device=$device

wanted() { [[ -z $only || ",$only," == *",$1,"* ]]; }
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "== $name: $*"
  "$@"
  local status=$?
  printf '%s\t%s\t%s\n' "$name" "$status" "$(( SECONDS - start ))" >> "$work/steps.tsv"
  (( status == 0 )) || echo "== $name: FAILED (exit $status)"
  return $status
}

if [[ -n $parts ]]; then
  echo "== bundle: checking and unpacking $parts"
  (cd "$parts" && grep ' part' SHA256SUMS | sha256sum -c -) || { echo "device-check.sh: the parts in $parts do not match SHA256SUMS; send the failing ones again" >&2; exit 3; }
  expected=$(awk '$2 == "bundle.tar.xz" { print $1 }' "$parts/SHA256SUMS")
  [[ $(cat "$parts"/part* | sha256sum | cut -d' ' -f1) == "$expected" ]] || { echo "device-check.sh: the parts in $parts join into another archive than the one bundled; are they all from one tools/gpu/bundle.sh run?" >&2; exit 3; }
  bundle=/tmp/onnxcd-gpu
  if [[ $(cat "$bundle/archive.sha256" 2>/dev/null) != "$expected" ]]; then
    rm -rf "$bundle" && mkdir -p "$bundle"
    cat "$parts"/part* | "$python" -c "import sys, tarfile; tarfile.open(fileobj=sys.stdin.buffer, mode='r|xz').extractall(sys.argv[1])" "$bundle" || exit 3
    echo "$expected" > "$bundle/archive.sha256"
  fi
  if [[ -n $app ]]; then
    echo "== bundle: OnnxCd's assemblies from $app"
    "$python" -c "import sys, tarfile; tarfile.open(sys.argv[1], mode='r:xz').extractall(sys.argv[2])" "$app" "$bundle" || exit 3
    echo "app $(sha256sum "$app" | cut -c1-16)" >> "$bundle/archive.sha256"
  fi
  onnxcd="$bundle/onnxcd/onnxcd"
fi
if [[ $device == cuda ]]; then
  # CUDA 13 and cuDNN 9 come with PyTorch's nvidia-* packages; the driver's libcuda from the system.
  nvidia_libs=$("$python" -c "import nvidia, os; print('\n'.join(nvidia.__path__))" 2>/dev/null | while read -r root; do find "$root" -name 'lib*.so*' -printf '%h\n'; done | sort -u | paste -sd:)
  for extra in /usr/local/nvidia/lib64 /usr/local/cuda/lib64; do [[ -d $extra ]] && nvidia_libs="$nvidia_libs:$extra"; done
  export LD_LIBRARY_PATH="${nvidia_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
read -r -a run_onnxcd <<< "$onnxcd"

machine() {
  { date -u; uname -a; nproc; free -g; } > "$work/machine.txt"
  if [[ $device == cuda ]]; then
    nvidia-smi >> "$work/machine.txt"
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv >> "$work/machine.txt"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >> "$work/machine.txt"
  fi
  "$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU')" >> "$work/machine.txt"
  "${run_onnxcd[@]}" --version >> "$work/machine.txt"
  cat "$work/machine.txt"
}

smoke() {
  "${run_onnxcd[@]}" bench --model onnx-models/fmnist-cnn-clean.onnx --device "$device" --batch-sizes 2 --steps 2 --repeat 1 --peak-size 64 \
    && return 0
  if [[ -n $bundle ]]; then
    echo "-- the CUDA provider's libraries as the loader sees them:"
    ldd "$bundle/onnxcd/libonnxruntime_providers_cuda.so" | tee "$work/ldd.txt"
  fi
  return 1
}

bench() {
  local status=0 model tf32 search tag
  for model in fmnist resnet18; do
    for tf32 in "" --tf32; do
      tag="$model-exhaustive${tf32:+-tf32}"
      echo "-- $tag"
      "$python" tools/bench_reference.py --model "$model" --device "$device" --batch-sizes "$batches" --steps "$steps" --repeat "$repeat" \
        --cudnn-search exhaustive $tf32 --peak-size "$peak" --onnxcd "$onnxcd" --json > "$work/bench-$tag.json" || status=1
    done
  done
  for search in heuristic default; do
    echo "-- resnet18-$search"
    "$python" tools/bench_reference.py --model resnet18 --device "$device" --batch-sizes "$search_batches" --steps "$steps" --repeat "$repeat" \
      --cudnn-search "$search" --peak-size "$peak" --onnxcd "$onnxcd" --json > "$work/bench-resnet18-$search.json" || status=1
  done
  return $status
}

# The --device of a run named cpu, auto or device (the device under test).
device_of() { case $1 in cpu | auto) echo "$1" ;; *) echo "$device" ;; esac; }

# onnxcd vjp of a prepared folder's batch: DIR MODEL WHERE writes DIR/vjp_WHERE.npy.
vjp_of() { "${run_onnxcd[@]}" vjp --model "$2" --input "$1/x.npy" --cotangent "$1/c.npy" --out "$1/vjp_$3.npy" --device "$(device_of "$3")"; }

# onnxcd distill (CD-L unless a flag says otherwise) of a prepared folder's batch with its noise
# file of STEPS steps: DIR WHERE STEPS NAME [flags...] writes DIR/distill_NAME_STEPS.
distill_of() {
  local dir=$1 where=$2 steps=$3 name=$4
  shift 4
  "${run_onnxcd[@]}" distill --model "$(cat "$dir/model.txt")" --input "$dir/x.npy" --steps "$steps" --noise "$dir/noise_$steps.npy" \
    --device "$(device_of "$where")" --out "$dir/distill_${name}_$steps" "$@" > /dev/null
}

agreement() {
  local status=0 model where s dir fewest=${agree_steps%%,*} most=${agree_steps##*,}
  for model in fmnist resnet18; do
    dir="$work/agreement-$model"
    "$python" tools/gpu/agreement.py prepare --model "$model" --work "$dir" --torch-device "$torch_device" --batch "$agree_batch" --steps "$agree_steps" || { status=1; continue; }
    for where in cpu device; do
      vjp_of "$dir" "$(cat "$dir/model.txt")" "$where" || status=1
      for s in ${agree_steps//,/ }; do
        distill_of "$dir" "$where" "$s" "$where" || status=1
      done
      distill_of "$dir" "$where" "$fewest" "$where-features" --mode features || status=1
    done
    # The device's other settings: each cuDNN search and --device auto after the fewest steps, TF32 after the most.
    for s in heuristic default; do
      distill_of "$dir" device "$fewest" "device-$s" --cudnn-search "$s" || status=1
    done
    distill_of "$dir" device "$most" device-tf32 --tf32 || status=1
    distill_of "$dir" auto "$fewest" auto || status=1
    "$python" tools/gpu/agreement.py compare --work "$dir" --runs cpu,device --out "$work/agreement-$model.json" || status=1
  done
  dir="$work/agreement-tied"
  "$python" tools/gpu/agreement.py tied --work "$dir" || return 1
  vjp_of "$dir" "$dir/tied.onnx" cpu || status=1
  vjp_of "$dir" "$dir/tied.onnx" device || status=1
  "$python" tools/gpu/agreement.py tied --work "$dir" --check --out "$work/agreement-tied.json" || status=1
  return $status
}

profile() {
  local dir="$work/agreement-resnet18"
  [[ -f $dir/model.txt ]] || "$python" tools/gpu/agreement.py prepare --model resnet18 --work "$dir" --torch-device "$torch_device" --batch 2 --steps 2 || return 1
  mkdir -p "$work/profile"
  "${run_onnxcd[@]}" bench --model "$(cat "$dir/model.txt")" --device "$device" --batch-sizes 64 --steps 10 --repeat 1 --peak-size 64 \
    --profile "$work/profile/resnet18" > /dev/null || return 1
  "$python" tools/gpu/profile_summary.py "$work/profile/resnet18" --out "$work/profile-resnet18.json" | tee "$work/profile-resnet18.txt"
}

scan() {
  local status=0 where
  for where in cpu device; do
    "${run_onnxcd[@]}" scan --model onnx-models/fmnist-blend.onnx --data onnx-models/scansets/blend-images.npy --labels onnx-models/scansets/blend-labels.npy \
      --truth onnx-models/scansets/blend-poison.npy --device "$(device_of "$where")" "${scan_args[@]}" --out "$work/scan-$where" || status=1
  done
  "$python" tools/gpu/agreement.py scans --cpu "$work/scan-cpu" --device "$work/scan-device" --out "$work/scan.json" || status=1
  return $status
}

wanted machine && step machine machine
if wanted smoke && ! step smoke smoke; then
  echo "device-check.sh: onnxcd could not run on $device; stopping here (the loader's view is in the results)"
else
  wanted bench && step bench bench
  wanted agreement && step agreement agreement
  wanted profile && step profile profile
  wanted scan && step scan scan
fi

# What comes back: a summary, every JSON and text result (not the raw traces and masks), the log.
{
  echo "# GPU check, device $device$( ((quick)) && echo ', quick sizes'), $(date -u +%FT%TZ)"
  grep -m1 -E 'NVIDIA|torch' "$work/machine.txt" 2>/dev/null
  column -t "$work/steps.tsv"
  results=$(for pattern in 'bench-*.json' 'agreement-*.json' scan.json; do ls "$work"/$pattern 2>/dev/null; done)
  [[ -n $results ]] && "$python" tools/gpu/agreement.py summary $results
  cat "$work/profile-resnet18.txt" 2>/dev/null
} > "$out/summary.txt"
tar -C "$work" -czf "$out/results.tar.gz" --exclude='*.npy' --exclude='profile' --exclude='*.onnx' --exclude='masks*' --exclude='*.html' .
echo
cat "$out/summary.txt"
awk -F'\t' 'NR > 1 && $2 != 0 { bad = 1 } END { exit bad }' "$work/steps.tsv"
