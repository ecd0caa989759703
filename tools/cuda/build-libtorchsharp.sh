#!/usr/bin/env bash
# Builds TorchSharp's native library, libLibTorchSharp.so, from its 0.107.0 sources against a libtorch that is
# already installed: a PyTorch installation (the default: the torch package of `python3`) or a libtorch folder.
#
#   build-libtorchsharp.sh SOURCES OUTPUT [TORCH_CMAKE_DIR]
#
# SOURCES holds TorchSharp's src/Native (prepare.sh puts it in the kit); OUTPUT receives libLibTorchSharp.so;
# TORCH_CMAKE_DIR is the folder with TorchConfig.cmake (default: python3's torch.utils.cmake_prefix_path + /Torch).
# The source changes newer libtorch releases need (listed below, in source_changes) are made to a copy of SOURCES.
# Exit codes: 0 built, 2 bad arguments, 3 no libtorch found, 4 the build failed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: build-libtorchsharp.sh SOURCES OUTPUT [TORCH_CMAKE_DIR]" >&2
  exit 2
fi
sources=$1 output=$2 torch_cmake=${3:-}
if [[ ! -f "$sources/src/Native/LibTorchSharp/CMakeLists.txt" ]]; then
  echo "build-libtorchsharp.sh: $sources holds no TorchSharp sources (src/Native/LibTorchSharp/CMakeLists.txt)" >&2
  exit 2
fi
if [[ -z "$torch_cmake" ]]; then
  prefix=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>/dev/null) || {
    echo "build-libtorchsharp.sh: python3 cannot import torch; pass the folder holding TorchConfig.cmake" >&2
    exit 3
  }
  torch_cmake=$prefix/Torch
fi
if [[ ! -f "$torch_cmake/TorchConfig.cmake" ]]; then
  echo "build-libtorchsharp.sh: no TorchConfig.cmake in $torch_cmake" >&2
  exit 3
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/libtorchsharp.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$sources/src" "$work/src"
torch_version=$(sed -n 's/^set(PACKAGE_VERSION "\([0-9]*\.[0-9]*\).*/\1/p' "$torch_cmake/TorchConfigVersion.cmake" 2>/dev/null || true)
torch_minor=${torch_version#2.}
if [[ ! "$torch_version" =~ ^2\.[0-9]+$ ]]; then
  echo "build-libtorchsharp.sh: libtorch ${torch_version:-of unknown version} in $torch_cmake: TorchSharp 0.107.0 needs libtorch 2.x" >&2
  exit 3
fi

# Makes one change to a source file, and stops if it found nothing to change (the sources are then not 0.107.0's).
change() {
  local file=$1 before=$2 after=$3
  grep -qF -- "$before" "$file" || {
    echo "build-libtorchsharp.sh: $(basename "$file") has no '$before': these are not TorchSharp 0.107.0's sources" >&2
    exit 2
  }
  BEFORE=$before AFTER=$after perl -0pi -e 's/\Q$ENV{BEFORE}\E/$ENV{AFTER}/g' "$file"
}

native=$work/src/Native
# libtorch 2.12 and later compile only as C++20 (ATen.h refuses anything older); 0.107.0 asks for C++17. C++20 builds
# against older releases too, so it is always used.
change "$native/LibTorchSharp/CMakeLists.txt" 'CXX_STANDARD 17' 'CXX_STANDARD 20'
change "$native/LibTorchSharp/CMakeLists.txt" '-std=c++17>' '-std=c++20>'
# Warnings are not errors: newer releases deprecate calls the 0.107.0 sources make, which still work.
change "$native/CMakeLists.txt" 'add_definitions(-Werror)' 'add_compile_options(-Wno-error)'
# Before 2.10, the release 0.107.0 was written for, three calls had other signatures. Only so that the build can be
# checked against the libtorch Debian 13 packages (2.6) on a machine without a GPU; the kit's GPU machines are newer.
if (( torch_minor < 10 )); then
  change "$native/LibTorchSharp/THSAutograd.cpp" 'view_as_self_fn, false);' 'view_as_self_fn);'
  change "$native/LibTorchSharp/THSTorch.cpp" 'allowFP16ReductionCuBLAS() == at::CuBLASReductionOption::AllowReducedPrecisionWithSplitK' 'allowFP16ReductionCuBLAS()'
  change "$native/LibTorchSharp/THSTorch.cpp" 'setAllowFP16ReductionCuBLAS(flag, true)' 'setAllowFP16ReductionCuBLAS(flag)'
fi
# TorchSharp's own build script writes the version file the CMake project compiles in.
echo 'static char sccsid[] __attribute__((used)) = "@(#)LibTorchSharp 0.107.0, built by the Sculpt CUDA kit";' > "$work/version.c"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A CUDA libtorch's CMake files look for NVTX3's headers in PyTorch's own source tree unless told to use the system's,
# then fall back to CUDA::nvToolsExt, which CUDA 12.9 and later no longer ship. The headers come with the CUDA toolkit
# (beside nvcc) or NVIDIA's Python packages; naming the folder skips the search.
nvtx=()
cuda_root=$(dirname "$(dirname "$(command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)")")
for include in "$cuda_root/include" "$cuda_root/targets/x86_64-linux/include" /usr/local/cuda/include \
               $(python3 -c 'import glob, site; print(" ".join(glob.glob(site.getsitepackages()[0] + "/nvidia/*/include")))' 2>/dev/null || true); do
  if [[ -d "$include/nvtx3" ]]; then
    nvtx=(-DUSE_SYSTEM_NVTX=ON -Dnvtx3_dir="$include")
    break
  fi
done
echo "libtorch $torch_version: $torch_cmake${nvtx:+ (NVTX3: ${nvtx[1]#-Dnvtx3_dir=})}"
# Torch_DIR as well as LIBTORCH_PATH (TorchSharp's name for it): find_package searches system folders before PATHS,
# and would take a system libtorch of another version.
# Two folders down: TorchSharp's CMake project adds the build folder's grandparent to the include path.
build=$work/obj/build
if ! cmake -S "$work/src/Native" -B "$build" "${generator[@]}" "${nvtx[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DTorch_DIR="$torch_cmake" -DLIBTORCH_PATH="$torch_cmake" -DLIBTORCH_ARCH=x64 -DVERSION_FILE_PATH="$work/version.c" > "$work/configure.log" 2>&1; then
  cat "$work/configure.log" >&2
  echo "build-libtorchsharp.sh: CMake could not configure the build against $torch_cmake" >&2
  exit 4
fi
if ! cmake --build "$build" --parallel "$(nproc)" -- ${generator:+-k 0}; then
  echo "build-libtorchsharp.sh: the build failed (the errors above name the sources and the libtorch API they need)" >&2
  exit 4
fi
mkdir -p "$output"
cp "$(find "$build" -name libLibTorchSharp.so -type f | head -1)" "$output/libLibTorchSharp.so"
echo "built $output/libLibTorchSharp.so"
