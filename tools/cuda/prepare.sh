#!/usr/bin/env bash
# Prepares the CUDA kit's payload here, for tools/cuda/device.sh to run on a GPU machine that has PyTorch, CMake and
# a compiler but no .NET and no network:
#
#   bash tools/cuda/prepare.sh [--sources GIT_REPOSITORY]
#
# It writes artifacts/cuda-kit.tar.xz (ignored by git), which holds
#   app/            the device checks and GPT-2 benchmark (tests/Sculpt.DeviceChecks) published for linux-x64,
#                   without libtorch or libLibTorchSharp.so: the GPU machine's PyTorch provides the one, the kit
#                   builds the other against it;
#   dotnet/         the .NET runtime the program needs (the host and Microsoft.NETCore.App of this machine's SDK);
#   libtorchsharp/  the native sources (src/Native) of TorchSharp 0.107.0, the release this project references;
#   fortunes/       Debian's fortunes corpus, TinyGpt's data for the mixed-precision check.
# The sources come from TorchSharp's public repository, or from GIT_REPOSITORY (a clone or mirror of it) where that
# cannot be reached. Exit codes: 0 written, 2 bad arguments, 3 something the kit needs is missing here, 4 the payload
# is over the device tool's 64 MiB.
set -euo pipefail
repository_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# TorchSharp's 0.107.0 release: the commit whose release notes name it (the repository has no tag for it).
torchsharp_url=https://github.com/dotnet/TorchSharp.git
torchsharp_commit=c20b6a1cc574d690707638a488d2583f3b8b983f
limit_mib=64

sources=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --sources) [[ $# -ge 2 ]] || { echo "prepare.sh: --sources needs a git repository" >&2; exit 2; }; sources=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "prepare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Paths the caller gave are the caller's; the rest of the script works from the repository root.
[[ -n "$sources" && -d "$sources" ]] && sources=$(cd "$sources" && pwd)
cd "$repository_root"

# What the kit needs from this machine, checked before anything is removed or written.
if [[ -n "$sources" ]] && ! git -C "$sources" cat-file -e "$torchsharp_commit^{commit}" 2>/dev/null; then
  echo "prepare.sh: $sources is no git repository holding TorchSharp's commit $torchsharp_commit" >&2
  exit 3
fi
if [[ ! -d /usr/share/games/fortunes ]]; then
  echo "prepare.sh: /usr/share/games/fortunes is missing (apt-get install fortunes)" >&2
  exit 3
fi

# Made in a temporary folder: a failed run leaves the last payload as it was.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
kit=$staging/cuda-kit
mkdir -p "$kit"

echo "== TorchSharp 0.107.0 native sources ($torchsharp_commit)"
mkdir -p "$kit/libtorchsharp"
if [[ -n "$sources" ]]; then
  git -C "$sources" archive "$torchsharp_commit" src/Native | tar -x -C "$kit/libtorchsharp"
else
  clone=$staging/torchsharp
  git init -q "$clone"
  if ! git -C "$clone" fetch -q --depth 1 "$torchsharp_url" "$torchsharp_commit" 2>/dev/null; then
    echo "prepare.sh: cannot fetch TorchSharp's sources from $torchsharp_url; pass a clone with --sources DIR" >&2
    exit 3
  fi
  git -C "$clone" archive FETCH_HEAD src/Native | tar -x -C "$kit/libtorchsharp"
fi

echo "== the device checks, published for linux-x64"
dotnet publish tests/Sculpt.DeviceChecks/Sculpt.DeviceChecks.csproj -c Release -r linux-x64 --self-contained false \
  -p:SculptCudaKit=true -o "$kit/app" -nologo -v quiet
# The GPU machine's build replaces it; a stale copy must not load instead.
rm -f "$kit/app/libLibTorchSharp.so"
if compgen -G "$kit/app/libtorch*" >/dev/null; then
  echo "prepare.sh: libtorch was published with the app; the kit relies on the GPU machine's own" >&2
  exit 3
fi

echo "== the .NET runtime"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(sed -n 's/.*"version": "\([0-9.]*\)".*/\1/p' "$kit/app/Sculpt.DeviceChecks.runtimeconfig.json" | head -1)
runtime=$(ls -d "$dotnet_root/shared/Microsoft.NETCore.App/${runtime_version%.*}."* 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$runtime" ]]; then
  echo "prepare.sh: no Microsoft.NETCore.App $runtime_version under $dotnet_root" >&2
  exit 3
fi
mkdir -p "$kit/dotnet/shared/Microsoft.NETCore.App" "$kit/dotnet/host/fxr"
cp "$dotnet_root/dotnet" "$kit/dotnet/"
cp -r "$runtime" "$kit/dotnet/shared/Microsoft.NETCore.App/"
cp -r "$(ls -d "$dotnet_root"/host/fxr/* | sort -V | tail -1)" "$kit/dotnet/host/fxr/"

echo "== TinyGpt's corpus"
mkdir -p "$kit/fortunes"
# The files TinyGpt reads: those without an extension (the .dat files are fortune's indexes).
for file in /usr/share/games/fortunes/*; do
  if [[ -f "$file" && "$(basename "$file")" != *.* ]]; then cp -L "$file" "$kit/fortunes/"; fi
done

tar -C "$staging" -cJf "$staging/cuda-kit.tar.xz" cuda-kit
size=$(stat -c %s "$staging/cuda-kit.tar.xz")
echo "cuda-kit.tar.xz: $((size / 1024 / 1024)) MiB (the device tool carries at most $limit_mib MiB)"
if (( size > limit_mib * 1024 * 1024 )); then
  echo "prepare.sh: the payload is over $limit_mib MiB" >&2
  exit 4
fi
mkdir -p artifacts
mv "$staging/cuda-kit.tar.xz" artifacts/cuda-kit.tar.xz
