#!/usr/bin/env bash
# Builds what the GPU check carries to a lent device machine: onnxcd published self-contained and
# trimmed for linux-x64 with ONNX Runtime's CUDA provider, packed as one xz-compressed tar and split
# into parts small enough that each travels in one call beside the working tree (a call carries at
# most 64 MiB: the tracked files, the untracked ones git does not ignore, and the carried parts).
# Writes OUT/partNN, OUT/SHA256SUMS (each part and the whole archive) and OUT/plan.txt (sizes and
# the calls that carry them; tools/gpu/README.md says how the visit goes), and OUT/app.tar.xz: OnnxCd's
# own two assemblies, which device-check.sh --app lays over an unpacked bundle, so a fix made during
# a visit travels in one small file (--app-only builds just that, in about a minute).
#
#   tools/gpu/bundle.sh [--out .gpu] [--part-mib N] [--app-only]   (N: default, what fits beside the tree)
set -euo pipefail
cd "$(dirname "$0")/../.."

out=.gpu part_mib="" app_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --part-mib) part_mib=$2; shift 2 ;;
    --app-only) app_only=1; shift ;;
    *) echo "bundle.sh: unknown argument '$1'; see the comment at the top of tools/gpu/bundle.sh" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# What travels with every call besides the part: the tree as the device tool counts it.
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
if [[ -z $part_mib ]]; then
  # 64 MiB per call, less the tree, less 2 MiB of margin for files written before the visit.
  part_mib=$(( (64 * 1048576 - tree_bytes) / 1048576 - 2 ))
fi
if (( part_mib < 8 )); then
  echo "bundle.sh: the working tree is $((tree_bytes / 1048576)) MiB, which leaves less than 8 MiB per call for a part; untracked files that should not travel belong in .git/info/exclude" >&2
  exit 1
fi

staging=out/gpu-bundle
rm -rf "$staging"
(( app_only )) || rm -rf "$out"
mkdir -p "$staging" "$out"
echo "== dotnet publish: linux-x64, self-contained, trimmed (framework assemblies only), gpu flavour"
# TrimMode=partial trims only the .NET libraries: OnnxCd, CommandLineParser and Google.Protobuf keep
# every type they reach by reflection. The trim analyser's warnings concern exactly those, so they
# are not errors here; System.Text.Json keeps its reflection serializer (trimming turns it off).
dotnet publish OnnxCd.Cli -c Release -r linux-x64 --self-contained -p:OnnxRuntimeFlavour=gpu \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:EnableTrimAnalyzer=false \
  -p:JsonSerializerIsReflectionEnabledByDefault=true -o "$staging/onnxcd" | grep -E ' error |->' || true
[[ -x $staging/onnxcd/onnxcd ]] || { echo "bundle.sh: the publish wrote no $staging/onnxcd/onnxcd" >&2; exit 1; }
rm -f "$staging"/onnxcd/*.pdb "$staging"/onnxcd/*.xml
tar -C "$staging" -cf - onnxcd/onnxcd.dll onnxcd/OnnxCd.Runtime.dll | xz -9 > "$out/app.tar.xz"
echo "OnnxCd's assemblies alone: $out/app.tar.xz, $(( $(stat -c %s "$out/app.tar.xz") / 1024 )) KiB"
(( app_only )) && exit 0

echo "== xz -9 (a few minutes on two cores)"
tar -C "$staging" -cf - onnxcd | xz -9 -T0 > "$out/bundle.tar.xz"
split -b "${part_mib}M" -d -a 2 "$out/bundle.tar.xz" "$out/part"
(cd "$out" && sha256sum part* bundle.tar.xz > SHA256SUMS)
parts=("$out"/part*)
rm -f "$out/bundle.tar.xz"

published=$(du -sb "$staging/onnxcd" | cut -f1)
{
  echo "onnxcd for linux-x64 with the CUDA provider: $((published / 1048576)) MiB published, $(( $(cat "${parts[@]}" | wc -c) / 1048576 )) MiB compressed"
  echo "working tree that travels with every call: $((tree_bytes / 1048576)) MiB; parts of at most $part_mib MiB: ${#parts[@]}"
  for part in "${parts[@]}"; do
    echo "  $(basename "$part")  $(( $(stat -c %s "$part") / 1048576 )) MiB"
  done
  echo "calls: ${#parts[@]}, each carrying one part (the first also SHA256SUMS; the last also runs the check): tools/gpu/README.md"
} | tee "$out/plan.txt"
