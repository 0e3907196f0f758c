#!/usr/bin/env bash
# The main job on built-in defaults, live: a local mosquitto broker, p1sim as
# an EVN (Netz NÖ) Kaifa meter on a pseudo-terminal at 2400 8E1, p1bridge
# reading it, and the readings as they arrive at the broker. Ctrl-C stops all.
#   scripts/demo.sh --decode   only decodes the bundled EVN sample telegram
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh >/dev/null
key=36C66639E48A8CA4D6BC8B282A793BBB

if [ "${1:-}" = "--decode" ]; then
  echo "\$ p1bridge decode --key $key testdata/evn-sample.hex" >&2
  exec build/daemon/p1bridge decode --key "$key" testdata/evn-sample.hex
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=18830
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
[ "$(id -u)" -eq 0 ] && printf 'user root\n' >>"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

build/tools/p1sim/p1sim --key "$key" --output pty --link "$work/meter" --interval 5 --baud 2400 --delay 2 >"$work/p1sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "$work/meter" ] && break; sleep 0.1; done

build/daemon/p1bridge run --port "$work/meter" --key "$key" --mqtt-port "$port" --queue-dir "$work/queue" \
  --mode json,topics 2>"$work/p1bridge.log" &
pids+=($!)

echo "mosquitto on 127.0.0.1:$port, p1sim (EVN Kaifa MA309) on a pty at 2400 8E1, p1bridge reading it."
echo "p1bridge's log: $work/p1bridge.log. A telegram every 5 s; Ctrl-C to stop."
echo
mosquitto_sub -p "$port" -v -t 'smartmeter/json' -t 'smartmeter/w_p' -t 'smartmeter/p_p' -t 'smartmeter/availability'
