#!/usr/bin/env bash
# Installs the Debian 12 packages p1bridge needs to build and test, if any are
# missing. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libbearssl-dev libmbedtls-dev      # crypto backends (ESP8266 / ESP32 libraries)
  libcli11-dev nlohmann-json3-dev    # command line, test data
  libjsmn-dev                        # the web exchange's JSON reader (core, no heap)
  libtomlplusplus-dev                # p1bridge run's config file
  libmosquitto-dev libssl-dev        # MQTT client, TLS pinning
  libcpp-httplib-dev                 # the configuration page's HTTP server
  libmodbus-dev                      # the SunSpec (Fronius Smart Meter TCP) Modbus server
  mbpoll python3-pymodbus python3-serial-asyncio  # Modbus clients of the integration tests (pymodbus imports serial_asyncio)
  libsqlite3-dev                     # the page's history (p1bridge run)
  chromium                           # browser tests (driven by playwright-core)
  mosquitto mosquitto-clients openssl  # broker and tools for the demo and the integration tests
  libgtest-dev libbenchmark-dev      # tests, benchmarks
  clang libclang-rt-14-dev           # libFuzzer with ASan/UBSan
  valgrind                           # docs/performance.md measurements
  systemd                            # systemd-analyze verify/security of daemon/p1bridge.service
  gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf  # the core compiled for the ESP8266
)

# Node.js (web page build, JavaScript and browser tests) comes with the machine;
# Debian's packages stand in where it does not.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
