#!/usr/bin/env bash
# Every test: the GoogleTest/CTest suite (unit, golden, negative, CLI,
# zero-allocation, integration, browser), the Debian package built, installed
# and checked (scripts/check-package.sh), the core for the ESP8266, then the
# fuzzer under ASan/UBSan for a bounded time.
#   P1_FUZZ_SECONDS=60 (default) sets the fuzzing time; 0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/check-package.sh
scripts/check-xtensa-core.sh

seconds="${P1_FUZZ_SECONDS:-60}"
if [ "$seconds" != 0 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DP1_BUILD_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-fuzz -j"$(nproc)" >/dev/null
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/corpus"
  echo "Fuzzing the stream/APDU/A-XDR path for ${seconds}s"
  set +e
  build-fuzz/tests/fuzz/fuzz_stream -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" testdata/fuzz-corpus >"$work/log" 2>&1
  rc=$?
  set -e
  grep -E "^(Done|stat::number_of_executed_units)" "$work/log" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$work/log"
    echo "The fuzzer found a failure (exit $rc)."
    exit 1
  fi
fi
echo "All tests passed."
