#!/usr/bin/env bash
# Runs the CUDA kit on a GPU machine with PyTorch (CUDA), CMake and a C++ compiler, from the repository root:
#
#   bash tools/cuda/device.sh [PAYLOAD]
#
# PAYLOAD is artifacts/cuda-kit.tar.xz, made by tools/cuda/prepare.sh. The script builds libLibTorchSharp.so against
# the machine's own libtorch (python3's torch package), runs the device checks (tests/Sculpt.DeviceChecks: parity of
# generated models and fused optimizers with the CPU, checkpoints across devices, mixed precision, memory over 1,000
# steps), then the GPT-2 small benchmark, Sculpt and PyTorch eager, in float32 and bf16. Everything it prints and a
# summary (summary.md) go to $OUT, or artifacts/cuda-results when OUT is not set.
# Exit codes: 0 every check passed, 1 a check failed, 3 the machine lacks something the kit needs, 4 the build failed.
set -uo pipefail
repository_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repository_root"
payload=${1:-artifacts/cuda-kit.tar.xz}
out=${OUT:-artifacts/cuda-results}

if [[ ! -f "$payload" ]]; then
  echo "device.sh: no payload at $payload (make it with tools/cuda/prepare.sh, where .NET is)" >&2
  exit 3
fi
for tool in python3 cmake nvidia-smi; do
  command -v "$tool" >/dev/null || { echo "device.sh: $tool is not installed here" >&2; exit 3; }
done
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))') || {
  echo "device.sh: python3 cannot import torch" >&2
  exit 3
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# xz may be missing where Python's lzma is not.
tar -C "$work" -xJf "$payload" 2>/dev/null \
  || python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$payload" "$work"
kit=$work/cuda-kit

{
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0))'
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  cmake --version | head -1
  c++ --version | head -1
} | tee "$out/environment.txt"

echo "== building libLibTorchSharp.so against $torch_lib"
started=$SECONDS
if ! bash tools/cuda/build-libtorchsharp.sh "$kit/libtorchsharp" "$kit/app" > "$out/native-build.log" 2>&1; then
  tail -40 "$out/native-build.log"
  echo "device.sh: the native build failed; $out/native-build.log has every error" >&2
  exit 4
fi
echo "built in $((SECONDS - started)) s"

export DOTNET_ROOT=$kit/dotnet
export LD_LIBRARY_PATH=$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export FORTUNES_DIR=$kit/fortunes
export DOTNET_CLI_TELEMETRY_OPTOUT=1
checks() { "$DOTNET_ROOT/dotnet" "$kit/app/Sculpt.DeviceChecks.dll" "$@"; }

status=0
echo "== device checks"
checks checks --device cuda --json "$out/checks.json" 2>&1 | tee "$out/checks.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

echo "== GPT-2 small, one training step: Sculpt and PyTorch eager"
for precision in fp32 bf16; do
  checks gpt2 --device cuda --precision "$precision" --json "$out/gpt2-sculpt-$precision.json" 2>&1 | tee -a "$out/gpt2.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
  python3 tools/cuda/gpt2_pytorch.py --precision "$precision" --json "$out/gpt2-pytorch-$precision.json" 2>&1 | tee -a "$out/gpt2.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
done

python3 tools/cuda/summarize.py "$out" | tee "$out/summary.md"
exit $status
