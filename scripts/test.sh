#!/usr/bin/env bash
# Every test: the GoogleTest/CTest suite (unit, golden, negative, CLI,
# zero-allocation, integration, browser), the Debian package built, installed
# and checked (scripts/check-package.sh), the core for the ESP8266, then the
# fuzzer under ASan/UBSan for a bounded time.
#   P1_FUZZ_SECONDS=90 (default) sets the fuzzing time, shared by the targets; 0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/check-package.sh
scripts/check-xtensa-core.sh

seconds="${P1_FUZZ_SECONDS:-90}"
if [ "$seconds" != 0 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DP1_BUILD_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-fuzz -j"$(nproc)" >/dev/null
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # Each target with its seed corpus; the time is shared among them.
  targets=(fuzz_stream:testdata/fuzz-corpus fuzz_sealed_calls:testdata/fuzz-corpus-sealed-calls
           fuzz_store_forward:testdata/fuzz-corpus-store-forward fuzz_config_file:testdata/fuzz-corpus-config)
  each=$(( seconds / ${#targets[@]} )); [ "$each" -lt 5 ] && each=5
  for entry in "${targets[@]}"; do
    target="${entry%%:*}"; seeds="${entry#*:}"
    mkdir -p "$work/$target"
    echo "Fuzzing $target for ${each}s"
    set +e
    build-fuzz/tests/fuzz/"$target" -max_total_time="$each" -print_final_stats=1 \
      -artifact_prefix="$work/$target-" "$work/$target" "$seeds" >"$work/$target.log" 2>&1
    rc=$?
    set -e
    grep -E "^(Done|stat::number_of_executed_units)" "$work/$target.log" || true
    if [ "$rc" -ne 0 ]; then
      tail -n 60 "$work/$target.log"
      echo "The fuzzer $target found a failure (exit $rc)."
      exit 1
    fi
  done
fi
echo "All tests passed."
