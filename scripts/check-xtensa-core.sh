#!/usr/bin/env bash
# Compiles the portable core (and its BearSSL backends) for the ESP8266's
# Xtensa LX106 with Debian's cross compiler, as the firmware does: C++17,
# -fno-exceptions -fno-rtti, -Os, warnings as errors. Debian's
# gcc-xtensa-lx106 has no C++ library, so the few standard headers the core
# uses come from scripts/xtensa-shim/; C headers from picolibc. Prints the
# size of the code (flash) and static data (RAM).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf libbearssl-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/include"
ln -s /usr/include/bearssl "$out/include/bearssl"   # BearSSL's portable headers only
ln -s /usr/include/jsmn.h "$out/include/jsmn.h"      # the header-only JSON tokenizer of the web exchange
flags=(-std=c++17 -Os -fno-exceptions -fno-rtti -mlongcalls -mtext-section-literals -ffunction-sections
       -fdata-sections -Wall -Wextra -Wpedantic -Wshadow -Werror -specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
       -nostdinc++ -isystem scripts/xtensa-shim -isystem "$out/include" -Icore)
sources=$(find core/p1 -name '*.cpp' ! -name '*mbedtls*' | sort)
for src in $sources; do
  xtensa-lx106-elf-g++ "${flags[@]}" -c "$src" -o "$out/$(echo "$src" | tr / _).o"
done
xtensa-lx106-elf-ar rcs "$out/libp1core.a" "$out"/*.o
echo "core compiled for xtensa-lx106 ($(echo "$sources" | wc -w) files):"
xtensa-lx106-elf-size -t "$out/libp1core.a" | tail -1 | awk '{printf "  text (flash) %d bytes, data %d bytes, bss (RAM) %d bytes\n", $1, $2, $3}'
