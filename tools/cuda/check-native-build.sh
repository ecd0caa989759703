#!/usr/bin/env bash
# Checks the kit's native build on a machine without a GPU: downloads Debian 13's CPU libtorch (libtorch-dev and
# libtorch2.6, unpacked into a temporary folder, nothing installed) and builds TorchSharp 0.107.0's native library
# against it with build-libtorchsharp.sh.
#
#   bash tools/cuda/check-native-build.sh [TORCHSHARP_GIT_REPOSITORY]
#
# The sources are those of the kit's payload when artifacts/cuda-kit.tar.xz exists (tools/cuda/prepare.sh), else
# TorchSharp's commit in TORCHSHARP_GIT_REPOSITORY. Exit codes: those of build-libtorchsharp.sh; 3 when Debian's
# archive or the sources cannot be reached.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repository_root=$(cd "$here/../.." && pwd)
torchsharp_commit=$(sed -n 's/^torchsharp_commit=//p' "$here/prepare.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/sources"
if [[ -f "$repository_root/artifacts/cuda-kit.tar.xz" ]]; then
  tar -C "$work" -xJf "$repository_root/artifacts/cuda-kit.tar.xz" cuda-kit/libtorchsharp
  sources=$work/cuda-kit/libtorchsharp
elif [[ $# -ge 1 ]]; then
  git -C "$1" archive "$torchsharp_commit" src/Native | tar -x -C "$work/sources"
  sources=$work/sources
else
  echo "check-native-build.sh: no payload (tools/cuda/prepare.sh) and no TorchSharp repository given" >&2
  exit 3
fi

apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$apt/root"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt/sources.list"
options=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$apt/lists"
         -o Dir::Cache="$apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
if ! apt-get "${options[@]}" update -qq || ! (cd "$apt/debs" && apt-get "${options[@]}" download -qq libtorch-dev libtorch2.6); then
  echo "check-native-build.sh: Debian 13's libtorch packages could not be downloaded" >&2
  exit 3
fi
for deb in "$apt"/debs/*.deb; do dpkg -x "$deb" "$apt/root"; done
# The package's CMake files look for the libraries in <prefix>/lib; Debian keeps them in the multiarch folder.
for library in "$apt"/root/usr/lib/x86_64-linux-gnu/*.so*; do ln -sf "$library" "$apt/root/usr/lib/"; done

bash "$here/build-libtorchsharp.sh" "$sources" "$work/out" "$apt/root/usr/lib/x86_64-linux-gnu/cmake/Torch"
ls -la "$work/out/libLibTorchSharp.so"
