#!/usr/bin/env bash
# Cost of decoding one telegram through `p1bridge decode`, as stable counts:
# instructions (callgrind) and heap allocations (memcheck) for a capture of
# 101 copies of the EVN sample minus a capture of 1, divided by 100, so that
# start-up and shut-down cancel out.
#   usage: scripts/measure-cost.sh [capture.hex] [key]
set -euo pipefail
cd "$(dirname "$0")/.."
sample="${1:-testdata/evn-sample.hex}"
key="${2:-36C66639E48A8CA4D6BC8B282A793BBB}"
scripts/build.sh >/dev/null
bin=build/daemon/p1bridge
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$sample" "$work/1.hex"
for _ in $(seq 101); do cat "$sample"; done >"$work/101.hex"

instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" decode --key "$key" "$1" >/dev/null 2>"$work/cg.err"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.err"
}
allocations() {
  valgrind --tool=memcheck "$bin" decode --key "$key" "$1" 2>&1 >/dev/null |
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}

i1=$(instructions "$work/1.hex")
i101=$(instructions "$work/101.hex")
a1=$(allocations "$work/1.hex")
a101=$(allocations "$work/101.hex")
echo "instructions, 1 telegram:    $i1"
echo "instructions, 101 telegrams: $i101"
echo "instructions per telegram:   $(( (i101 - i1) / 100 ))"
echo "allocations, 1 / 101:        $a1 / $a101"
echo "allocations per telegram:    $(( (a101 - a1) / 100 ))"
