#!/usr/bin/env bash
# Cost of decoding one telegram through `p1bridge decode`, as stable counts:
# instructions (callgrind) and heap allocations (memcheck) for a capture of
# 101 copies of the EVN sample minus a capture of 1, divided by 100, so that
# start-up and shut-down cancel out. Measured twice: from hex text (the
# default input) and from the same bytes as a binary capture (`--binary`).
#   usage: scripts/measure-cost.sh [capture.hex] [key]
#   P1BRIDGE=path/to/p1bridge measures that binary instead of building build/.
set -euo pipefail
cd "$(dirname "$0")/.."
sample="${1:-testdata/evn-sample.hex}"
key="${2:-36C66639E48A8CA4D6BC8B282A793BBB}"
bin="${P1BRIDGE:-}"
if [ -z "$bin" ]; then
  scripts/build.sh >/dev/null
  bin=build/daemon/p1bridge
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$sample" "$work/1.hex"
for _ in $(seq 101); do cat "$sample"; done >"$work/101.hex"
xxd -r -p "$work/1.hex" "$work/1.bin"
xxd -r -p "$work/101.hex" "$work/101.bin"

instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" decode --key "$key" "$@" >/dev/null 2>"$work/cg.err"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.err"
}
allocations() {
  valgrind --tool=memcheck "$bin" decode --key "$key" "$@" 2>&1 >/dev/null |
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}

for input in hex bin; do
  flag=()
  [ "$input" = bin ] && flag=(--binary)
  i1=$(instructions "${flag[@]}" "$work/1.$input")
  i101=$(instructions "${flag[@]}" "$work/101.$input")
  a1=$(allocations "${flag[@]}" "$work/1.$input")
  a101=$(allocations "${flag[@]}" "$work/101.$input")
  label="hex text"
  [ "$input" = bin ] && label="binary"
  echo "$label: instructions, 1 / 101 telegrams: $i1 / $i101"
  echo "$label: instructions per telegram:       $(( (i101 - i1) / 100 ))"
  echo "$label: allocations, 1 / 101:            $a1 / $a101"
  echo "$label: allocations per telegram:        $(( (a101 - a1) / 100 ))"
done
