#!/usr/bin/env bash
# Checks the installed forms of onnxcd on this machine (linux-x64): packs the cpu-flavour .NET tool
# and its single-file binary, installs the tool into a fresh tool path with `dotnet tool install`,
# runs the same short scan with the tool, the binary and the build of the repository, and requires
# the same scores and masks, byte for byte, from all three, and the same scores when the scan is judged
# again by mask families (ML.NET's k-means).
#
#   deploy/install-check.sh [WORK_DIR]     (default: a new temporary folder, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${1:-$(mktemp -d)}
[[ $# -gt 0 ]] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

deploy/package.sh --flavours cpu --rids linux-x64 --out "$work/artifacts"

echo "== dotnet tool install OnnxCd.Cli.Cpu --tool-path $work/tools --add-source $work/artifacts/tools"
dotnet tool install OnnxCd.Cli.Cpu --tool-path "$work/tools" --add-source "$work/artifacts/tools"
"$work/tools/onnxcd" --version

dotnet build OnnxCd.Cli -c Release | grep -E 'error|warn' || true
scan=(scan --model onnx-models/fmnist-badnets.onnx --data onnx-models/scansets/badnets-images.npy
      --labels onnx-models/scansets/badnets-labels.npy --truth onnx-models/scansets/badnets-poison.npy
      --device cpu --steps 20 --batch-size 64)
declare -A runners=(
  [tool]="$work/tools/onnxcd"
  [binary]="$work/artifacts/bin/cpu-linux-x64/onnxcd"
  [repository]="dotnet $repo/OnnxCd.Cli/bin/Release/net10.0/onnxcd.dll")
for name in tool binary repository; do
  echo "== $name: ${runners[$name]} ${scan[*]} --out $work/scan-$name"
  ${runners[$name]} "${scan[@]}" --out "$work/scan-$name" > "$work/scan-$name.log" 2>&1 || { cat "$work/scan-$name.log" >&2; echo "FAIL: the $name's scan failed" >&2; exit 1; }
  grep -E '^(Flagged|AUROC|Run)' "$work/scan-$name.log"
  # The scan's default, mask families, runs ML.NET's k-means; size and shape judges the same scan again, no CD run.
  ${runners[$name]} merge "$work/scan-$name" --out "$work/size-shape-$name" --score size-shape > "$work/size-shape-$name.log" 2>&1 || { cat "$work/size-shape-$name.log" >&2; echo "FAIL: the $name's size-and-shape judging failed" >&2; exit 1; }
done

status=0
for name in tool binary; do
  for file in scores.csv masks-u8.npy group-masks.npy unlearn.txt safe.txt; do
    if ! cmp -s "$work/scan-repository/$file" "$work/scan-$name/$file"; then
      echo "FAIL: $file from the $name differs from the repository build's" >&2
      status=1
    fi
  done
  if ! cmp -s "$work/size-shape-repository/scores.csv" "$work/size-shape-$name/scores.csv"; then
    echo "FAIL: scores.csv judged by size and shape from the $name differs from the repository build's" >&2
    status=1
  fi
done
[[ $status == 0 ]] && echo "PASS: the installed tool, the single-file binary and the repository build give the same scan, byte for byte (mask families, the default), and the same size-and-shape judging"
exit $status
