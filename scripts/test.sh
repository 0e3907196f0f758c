#!/usr/bin/env bash
# Every test: the GoogleTest/CTest suite (unit, golden, negative, CLI,
# zero-allocation, integration, browser), the Debian package built, installed
# and checked (scripts/check-package.sh), the core again with -m32
# (scripts/test-m32.sh), the core for the ESP8266, then every fuzz target
# under ASan/UBSan for a bounded time.
#   P1_FUZZ_SECONDS=90 (default) is the total fuzzing time, split across the
#   targets (the stream target gets the largest share); 0 skips it.
#   P1_FUZZ_M32_SECONDS=3 (default) per target for the 32-bit fuzz build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
scripts/check-package.sh
scripts/test-m32.sh
scripts/check-xtensa-core.sh

seconds="${P1_FUZZ_SECONDS:-90}"
if [ "$seconds" != 0 ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DP1_BUILD_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build build-fuzz -j"$(nproc)" >/dev/null
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # target:weight; the seeds of fuzz_stream are testdata/fuzz-corpus, of the
  # others tests/fuzz/corpus/<target>.
  targets=(fuzz_stream:4 fuzz_frames:1 fuzz_body:2 fuzz_hex:1 fuzz_hex_dump:1 fuzz_settings:1 fuzz_wizard:1
           fuzz_improv:1 fuzz_sealed_calls:2 fuzz_store_forward:1 fuzz_config_file:1 fuzz_queue_journal:1
           fuzz_shelly_rpc:1 fuzz_demand:1 fuzz_mbus_records:1 fuzz_oms_frame:1 fuzz_modbus_tcp:1
           fuzz_history_ring:1)
  total_weight=23
  for entry in "${targets[@]}"; do
    target="${entry%%:*}"
    share=$((seconds * ${entry##*:} / total_weight))
    [ "$share" -lt 1 ] && share=1
    seeds=tests/fuzz/corpus/$target
    [ "$target" = fuzz_stream ] && seeds=testdata/fuzz-corpus
    mkdir -p "$work/$target"
    set +e
    "build-fuzz/tests/fuzz/$target" -max_total_time="$share" -print_final_stats=1 \
      -artifact_prefix="$work/$target-" "$work/$target" "$seeds" >"$work/$target.log" 2>&1
    rc=$?
    set -e
    runs="$(grep -E '^stat::number_of_executed_units' "$work/$target.log" | awk '{print $2}')"
    echo "Fuzzed $target for ${share}s: ${runs:-?} executions"
    if [ "$rc" -ne 0 ]; then
      tail -n 60 "$work/$target.log"
      echo "The fuzzer $target found a failure (exit $rc)."
      exit 1
    fi
  done
fi
echo "All tests passed."
