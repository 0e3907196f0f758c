#!/usr/bin/env bash
# The core built for 32-bit x86 (-m32): size_t is 32 bits there, as on the
# ESP8266, so length arithmetic that would wrap on the device wraps here.
#  - the core unit tests (golden, negative, chunking, frame, overflow...) with
#    GCC -m32 into build-m32/, run with ctest;
#  - the fuzz targets with clang -m32 (ASan/UBSan/libFuzzer) into
#    build-fuzz-m32/, each run over its seed corpus and then fuzzed for
#    P1_FUZZ_M32_SECONDS (default 3; 0 runs the seeds only).
# Installs what it needs from Debian (i386 multiarch libraries) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
packages=(g++-multilib libbearssl-dev:i386 libmbedtls-dev:i386 libgtest-dev:i386 clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "Installing for -m32: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx i386; then "${sudo_cmd[@]}" dpkg --add-architecture i386; fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc)"
echo "Core unit tests with -m32"
cmake --no-warn-unused-cli -S . -B build-m32 -DCMAKE_TOOLCHAIN_FILE=cmake/m32.cmake -DP1_CORE_TESTS_ONLY=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-m32 -j"$jobs" >/dev/null
# ELF class byte: 01 = 32-bit.
if [ "$(od -An -tx1 -j4 -N1 build-m32/tests/p1_core_tests | tr -d ' ')" != 01 ]; then
  echo "build-m32/tests/p1_core_tests is not a 32-bit program"
  exit 1
fi
ctest --test-dir build-m32 --output-on-failure -j"$jobs"

echo "Fuzz targets with -m32"
CC=clang CXX=clang++ cmake --no-warn-unused-cli -S . -B build-fuzz-m32 -DCMAKE_TOOLCHAIN_FILE=cmake/m32.cmake -DP1_BUILD_FUZZ=ON -DP1_FUZZ_CORE_ONLY=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz-m32 -j"$jobs" >/dev/null
seconds="${P1_FUZZ_M32_SECONDS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
  for target in fuzz_stream fuzz_frames fuzz_body fuzz_hex fuzz_hex_dump fuzz_settings fuzz_wizard fuzz_improv \
      fuzz_sealed_calls fuzz_store_forward fuzz_shelly_rpc fuzz_demand fuzz_mbus_records fuzz_oms_frame fuzz_modbus_tcp \
      fuzz_history_ring; do
  seeds=tests/fuzz/corpus/$target
  [ "$target" = fuzz_stream ] && seeds=testdata/fuzz-corpus
  mkdir -p "$work/$target"
  if [ "$seconds" = 0 ]; then limit=(-runs=0); else limit=(-max_total_time="$seconds"); fi
  set +e
  "build-fuzz-m32/tests/fuzz/$target" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$work/$target-" \
    "$work/$target" "$seeds" >"$work/$target.log" 2>&1
  rc=$?
  set -e
  runs="$(grep -E '^stat::number_of_executed_units' "$work/$target.log" | awk '{print $2}')"
  echo "  $target (32-bit): ${runs:-?} executions"
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$work/$target.log"
    echo "The 32-bit $target found a failure (exit $rc)."
    exit 1
  fi
done
echo "-m32: all passed."
