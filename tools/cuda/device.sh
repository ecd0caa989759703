#!/usr/bin/env bash
# Runs the CUDA kit on a GPU machine with PyTorch (CUDA), CMake and a C++ compiler, from the repository root:
#
#   bash tools/cuda/device.sh [PAYLOAD] [STAGES]
#
# PAYLOAD is artifacts/cuda-kit.tar.xz, made by tools/cuda/prepare.sh. STAGES (default build,checks,bench) says what
# to run: `build` builds libLibTorchSharp.so against the machine's own libtorch (python3's torch package), into
# artifacts/cuda-build, where a later call on the same machine finds it; `checks` runs the device checks
# (tests/Sculpt.DeviceChecks: memory over 1,000 steps, parity of generated models and fused optimizers with the CPU,
# checkpoints across devices, mixed precision); `bench` times GPT-2 small, Sculpt and PyTorch eager, in float32 and
# bf16. Each stage has a time limit, so that one call of the device tool (10 minutes) always comes back with results.
# What it prints and a summary go to $OUT, or artifacts/cuda-results when OUT is not set: at most seven files (the
# device tool brings back eight), environment.txt, native-build.log, checks.log, checks.json, gpt2.log, gpt2.json and
# summary.md.
# Exit codes: 0 every stage passed, 1 a check or a benchmark failed, 2 bad arguments, 3 the machine lacks something the
# kit needs, 4 the native build failed.
set -uo pipefail
# Paths the caller gave are the caller's; the rest of the script works from the repository root.
payload=$(realpath -ms "${1:-artifacts/cuda-kit.tar.xz}")
stages=${2:-build,checks,bench}
out=$(realpath -ms "${OUT:-artifacts/cuda-results}")
repository_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repository_root"
[[ $# -ge 1 ]] || payload=$repository_root/artifacts/cuda-kit.tar.xz
[[ -n "${OUT:-}" ]] || out=$repository_root/artifacts/cuda-results
if [[ ! "$stages" =~ ^(build|checks|bench)(,(build|checks|bench))*$ ]]; then
  echo "device.sh: STAGES is a comma-separated list of build, checks and bench; got '$stages'" >&2
  exit 2
fi
runs() { [[ ",$stages," == *",$1,"* ]]; }

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
torch_version=$(python3 -c 'import torch; print(torch.__version__)')

mkdir -p "$out"
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
  nproc
} > "$out/environment.txt" 2>&1
cat "$out/environment.txt"

# The library built against this machine's torch, kept for later calls while the machine stays.
built=artifacts/cuda-build
if runs build && [[ ! -f "$built/libLibTorchSharp.so" || "$(cat "$built/torch-version" 2>/dev/null)" != "$torch_version" ]]; then
  echo "== building libLibTorchSharp.so against torch $torch_version"
  started=$SECONDS
  rm -rf "$built"
  if ! timeout 420 bash tools/cuda/build-libtorchsharp.sh "$kit/libtorchsharp" "$built" > "$out/native-build.log" 2>&1; then
    tail -40 "$out/native-build.log"
    echo "device.sh: the native build failed or ran past 7 minutes; native-build.log has every error" >&2
    exit 4
  fi
  echo "$torch_version" > "$built/torch-version"
  echo "built in $((SECONDS - started)) s"
fi
if [[ ! -f "$built/libLibTorchSharp.so" ]]; then
  echo "device.sh: no libLibTorchSharp.so built for torch $torch_version; run the build stage" >&2
  exit 4
fi
cp "$built/libLibTorchSharp.so" "$kit/app/"

export DOTNET_ROOT=$kit/dotnet
export LD_LIBRARY_PATH=$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export FORTUNES_DIR=$kit/fortunes
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export PYTHONUNBUFFERED=1
# What the loader would miss, for the log: a failed load is diagnosed from here, not on a second run.
{
  echo "== libraries libLibTorchSharp.so needs that the loader does not find"
  ldd "$kit/app/libLibTorchSharp.so" | grep 'not found' || echo "(none)"
} >> "$out/native-build.log" 2>&1

status=0
if runs checks; then
  echo "== device checks"
  timeout 300 "$DOTNET_ROOT/dotnet" "$kit/app/Sculpt.DeviceChecks.dll" checks --device cuda --json "$out/checks.json" 2>&1 | tee "$out/checks.log"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
fi

if runs bench; then
  echo "== GPT-2 small, one training step: Sculpt and PyTorch eager"
  for precision in fp32 bf16; do
    timeout 90 "$DOTNET_ROOT/dotnet" "$kit/app/Sculpt.DeviceChecks.dll" gpt2 --device cuda --precision "$precision" \
      --json "$work/gpt2-sculpt-$precision.json" 2>&1 | tee -a "$out/gpt2.log"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
    timeout 90 python3 tools/cuda/gpt2_pytorch.py --precision "$precision" --json "$work/gpt2-pytorch-$precision.json" 2>&1 | tee -a "$out/gpt2.log"
    [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
  done
  # One file of every run's record.
  python3 -c 'import json, sys; print(json.dumps([r for f in sys.argv[1:] for r in json.load(open(f))], indent=2))' \
    "$work"/gpt2-*.json > "$out/gpt2.json" 2>/dev/null || echo "[]" > "$out/gpt2.json"
fi

python3 tools/cuda/summarize.py "$out" > "$out/summary.md"
cat "$out/summary.md"
exit $status
