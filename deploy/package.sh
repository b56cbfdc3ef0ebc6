#!/usr/bin/env bash
# Builds what users install: the .NET tool packages (one per platform, plus the package that points
# to them) and self-contained single-file binaries, for the gpu flavour (ONNX Runtime with the CPU and
# CUDA providers: Linux and Windows) and the cpu flavour (CPU provider only: also macOS). Prints the
# sizes and writes them to OUT/sizes.md.
#
#   deploy/package.sh [--out artifacts] [--flavours gpu,cpu] [--rids linux-x64,win-x64,osx-arm64] [--no-tools] [--no-binaries]
#
# Then: dotnet tool install --global OnnxCd.Cli --add-source artifacts/tools   (or OnnxCd.Cli.Cpu)
#       artifacts/bin/cpu-linux-x64/onnxcd scan ...
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts flavours=gpu,cpu rids=linux-x64,win-x64,osx-arm64 tools=1 binaries=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --flavours) flavours=$2; shift 2 ;;
    --rids) rids=$2; shift 2 ;;
    --no-tools) tools=0; shift ;;
    --no-binaries) binaries=0; shift ;;
    *) echo "package.sh: unknown argument '$1'; see the comment at the top of deploy/package.sh" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$out"
out=$(cd "$out" && pwd)
sizes=()
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { if (b < 1048576) printf "%.0f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'; }

for flavour in ${flavours//,/ }; do
  if [[ $tools == 1 ]]; then
    echo "== tool packages, $flavour flavour"
    dotnet pack OnnxCd.Cli -c Release -p:OnnxRuntimeFlavour="$flavour" -o "$out/tools" | grep -E 'error|Successfully created' || true
    id=$([[ $flavour == gpu ]] && echo OnnxCd.Cli || echo OnnxCd.Cli.Cpu)
    for package in "$out/tools/$id".*.nupkg; do
      [[ $(basename "$package") =~ ^$id\.(linux|win|osx)-[a-z0-9]+\.[0-9] || $(basename "$package") =~ ^$id\.[0-9] ]] || continue
      sizes+=("| tool package | $flavour | $(basename "$package") | $(mib "$package") |")
    done
  fi
  if [[ $binaries == 1 ]]; then
    for rid in ${rids//,/ }; do
      if [[ $flavour == gpu && $rid == osx-* ]]; then
        echo "== $flavour-$rid: skipped, ONNX Runtime's GPU build has no macOS binaries (use the cpu flavour)"
        continue
      fi
      echo "== single-file binary, $flavour-$rid"
      staging="$out/staging/$flavour-$rid" target="$out/bin/$flavour-$rid"
      rm -rf "$staging" "$target"
      # Native libraries ride inside the file and are extracted once per user (~/.net) on first start.
      dotnet publish OnnxCd.Cli -c Release -r "$rid" --self-contained -p:OnnxRuntimeFlavour="$flavour" \
        -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
        -o "$staging" | grep -E 'error|warn' || true
      mkdir -p "$target"
      find "$staging" -maxdepth 1 -type f ! -name '*.pdb' ! -name '*.xml' -exec cp {} "$target/" \;
      for file in "$target"/*; do
        sizes+=("| single-file binary | $flavour | bin/$flavour-$rid/$(basename "$file") | $(mib "$file") |")
      done
    done
  fi
done
rm -rf "$out/staging"

{
  echo "| what | flavour | file | size |"
  echo "|---|---|---|---|"
  printf '%s\n' "${sizes[@]}"
} | tee "$out/sizes.md"
