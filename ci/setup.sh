#!/usr/bin/env bash
# Installs the Debian packages rtfuzz builds and tests with, skipping those
# already installed. Idempotent; both README commands call it first.
#   RTFUZZ_WITH_BROWSER=1 also installs chromium and python3 (the timeline
#   browser checks).
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 libclang-rt-14-dev
  libboost-context-dev libgtest-dev libgmock-dev libbenchmark-dev libpfm4-dev
  libmd-dev libdw-dev pkg-config libtomlplusplus-dev libpugixml-dev yamllint shellcheck
)
if [[ "${RTFUZZ_WITH_BROWSER:-0}" == 1 ]]; then
  # python3 reads the screenshots' pixels (ci/png_stats.py).
  packages+=(chromium chromium-driver python3)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "ci/setup.sh: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "ci/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ci/setup.sh: installed ${#missing[@]} packages"
