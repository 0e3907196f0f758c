#!/usr/bin/env bash
# The main job on built-in defaults, live: a local mosquitto broker, p1sim as
# an EVN (Netz NÖ) Kaifa meter on a pseudo-terminal at 2400 8E1, p1bridge
# reading it with its web page on 127.0.0.1 (a passkey generated for this
# run), the Home Assistant entities it announced, and the readings in a table
# that updates in place. Ctrl-C stops all; the logs stay in build/demo/.
#   scripts/demo.sh --decode   only decodes the bundled EVN sample telegram
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
key=36C66639E48A8CA4D6BC8B282A793BBB
tty=0; [ -t 1 ] && tty=1
bold() { if [ $tty = 1 ]; then printf '\033[1m%s\033[0m' "$*"; else printf '%s' "$*"; fi; }

echo "$(bold '[1/3]') dependencies (scripts/install-deps.sh)"
scripts/install-deps.sh

# Only what the demo runs: the p1bridge and p1sim targets, not the tests.
echo "$(bold '[2/3]') building p1bridge and p1sim into build/"
mkdir -p build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >build/demo-cmake.log 2>&1 || { cat build/demo-cmake.log; exit 1; }
build_log=build/demo-build.log
set +e
cmake --build build -j"$(nproc)" --target p1bridge p1sim 2>&1 | tee "$build_log" | while IFS= read -r line; do
  case "$line" in
    \[*%\]*)
      if [ $tty = 1 ]; then printf '\r\033[K      %.100s' "$line"; else printf '      %s\n' "$line"; fi ;;
  esac
done
rc=${PIPESTATUS[0]}
set -e
[ $tty = 1 ] && printf '\r\033[K'
if [ "$rc" -ne 0 ]; then
  tail -n 40 "$build_log"
  echo "build failed (full log: $build_log)"
  exit 1
fi
echo "      built: build/daemon/p1bridge, build/tools/p1sim/p1sim ($(build/daemon/p1bridge --version | head -1))"

if [ "${1:-}" = "--decode" ]; then
  echo "\$ p1bridge decode --key $key testdata/evn-sample.hex" >&2
  exec build/daemon/p1bridge decode --key "$key" testdata/evn-sample.hex
fi

# Logs of this run; kept after it ends (replaced by the next run).
work="$root/build/demo"
rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ $tty = 1 ] && printf '\033[?25h'
  echo
  echo "Stopped. The logs stay in $work/ (p1bridge.log, p1sim.log, mosquitto.log)."
}
trap cleanup EXIT
trap 'exit 0' INT TERM

free_port() {
  local p=$1
  while (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
port=$(free_port 18830)
web_port=$(free_port 8080)

echo "$(bold '[3/3]') starting mosquitto, p1sim and p1bridge (logs: $work/)"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
[ "$(id -u)" -eq 0 ] && printf 'user root\n' >>"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

build/tools/p1sim/p1sim --key "$key" --output pty --link "$work/meter" --interval 5 --baud 2400 --delay 2 \
  --log "$work/p1sim-telegrams.jsonl" >"$work/p1sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "$work/meter" ] && break; sleep 0.1; done

# The web page's passkey for this run, handed over in the environment (never
# on the command line, where other users could see it).
web_key=$(tr -dc 'a-z0-9' </dev/urandom | head -c 16 || true)
P1BRIDGE_WEB_KEY="$web_key" build/daemon/p1bridge run --port "$work/meter" --key "$key" --mqtt-port "$port" \
  --queue-dir "$work/queue" --mode json,topics --web-bind 127.0.0.1 --web-port "$web_port" 2>"$work/p1bridge.log" &
pids+=($!)

echo
echo "  broker      mosquitto on 127.0.0.1:$port"
echo "  meter       p1sim as an EVN Kaifa MA309 on a pty at 2400 8E1, a telegram every 5 s"
echo "  web page    $(bold "http://127.0.0.1:$web_port/")   passkey $(bold "$web_key")"
echo "  logs        $work/p1bridge.log (kept after Ctrl-C)"
echo

# The first reading, then the entities p1bridge announced (retained).
for _ in $(seq 150); do grep -q "Home Assistant discovery under" "$work/p1bridge.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
echo "$(bold 'Home Assistant discovery') (retained on the broker; entity id, name, unit):"
{ mosquitto_sub -p "$port" -t 'homeassistant/#' -v -W 2 2>/dev/null </dev/null || true; } | awk '
  function field(json, key,   at, rest) {
    at = index(json, "\"" key "\":")
    if (at == 0) return ""
    rest = substr(json, at + length(key) + 3)
    if (substr(rest, 1, 1) == "\"") { rest = substr(rest, 2); return substr(rest, 1, index(rest, "\"") - 1) }
    match(rest, /^[^,}]*/)
    return substr(rest, 1, RLENGTH)
  }
  {
    topic = $1; json = substr($0, length($1) + 2)
    if (node == "") { node = topic; sub(/\/[^\/]*\/config$/, "/", node) }
    if (field(json, "entity_category") == "diagnostic") { diag = field(json, "default_entity_id"); sub(/_status_.*/, "_status_*", diag); ndiag++; next }
    unit = field(json, "unit_of_measurement")
    printf "  %-36s %-14s %s\n", field(json, "default_entity_id"), field(json, "name"), unit
    if (device == "") device = field(json, "name")
    n++
  }
  END {
    if (n == 0) { print "  (nothing announced yet: see the log)"; exit }
    printf "  %-36s %d diagnostic counters (bytes, frames, errors...), disabled by default\n", diag, ndiag
    printf "  config topics under %s (one device, keyed by the meter number)\n", node
  }' || true
echo

# The readings as they arrive, in a table redrawn in place.
echo "$(bold 'Live readings') from smartmeter/json (Ctrl-C stops):"
[ $tty = 1 ] && printf '\033[?25l'
mosquitto_sub -p "$port" -v -t 'smartmeter/json' -t 'smartmeter/availability' | awk -v tty=$tty '
  function value(json, key,   at, rest) {
    at = index(json, "\"" key "\":")
    if (at == 0) return "-"
    rest = substr(json, at + length(key) + 3)
    if (substr(rest, 1, 1) == "\"") { rest = substr(rest, 2); return substr(rest, 1, index(rest, "\"") - 1) }
    match(rest, /^[^,}]*/)
    return substr(rest, 1, RLENGTH)
  }
  function draw(   lines) {
    if (drawn && tty == 1) printf "\033[9A"
    printf "  %-16s %-28s %-13s %s\033[K\n", "meter " value(last, "meternumber"), value(last, "timestamp"), "reading " count, "availability " avail
    printf "  ------------------------------------------------------------------------\033[K\n"
    printf "  %-22s %12s Wh     %-22s %10s Wh\033[K\n", "energy import  (w_p)", value(last, "w_p"), "energy export  (w_n)", value(last, "w_n")
    printf "  %-22s %12s W      %-22s %10s W\033[K\n", "power import   (p_p)", value(last, "p_p"), "power export   (p_n)", value(last, "p_n")
    printf "  %-22s %8s %8s %8s V\033[K\n", "voltage  u1 u2 u3", value(last, "u1"), value(last, "u2"), value(last, "u3")
    printf "  %-22s %8s %8s %8s A\033[K\n", "current  i1 i2 i3", value(last, "i1"), value(last, "i2"), value(last, "i3")
    printf "  %-22s %8s\033[K\n", "power factor  (phi)", value(last, "phi")
    printf "  ------------------------------------------------------------------------\033[K\n"
    printf "  updated %s\033[K\n", strftime_now()
    drawn = 1
    fflush()
  }
  function strftime_now(   cmd, t) { cmd = "date +%H:%M:%S"; cmd | getline t; close(cmd); return t }
  BEGIN { avail = "?"; count = 0; last = "" }
  $1 == "smartmeter/availability" { avail = $2; if (last != "") draw(); next }
  $1 == "smartmeter/json" { last = substr($0, length($1) + 2); count++; draw() }
' | if [ $tty = 1 ]; then cat; else sed 's/\x1b\[K//g'; fi
