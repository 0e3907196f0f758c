#!/usr/bin/env bash
# Compiles the portable core (and its BearSSL backends) for the ESP8266's
# Xtensa LX106 with Debian's cross compiler, as the firmware does: C++17,
# -fno-exceptions -fno-rtti -fno-jump-tables -fno-tree-switch-conversion (as platformio.ini), -Os, the device's capacities and compact tables,
# warnings as errors. Debian's gcc-xtensa-lx106 has no C++ library, so the few
# standard headers the core uses come from scripts/xtensa-shim/; C headers
# from picolibc. Prints the core's static RAM (DATA + RODATA + BSS: on the
# ESP8266 constants live in RAM unless placed in flash) and fails when it
# exceeds the budget set from the real firmware build (README, "Memory").
set -euo pipefail
cd "$(dirname "$0")/.."
budget_ram="${P1_CORE_RAM_BUDGET:-3800}"  # every core file, linked by the firmware or not. The settings schema, the error sentences, the layout table, the positional profiles and the line settings' texts in flash, the hex class computed (P1_COMPACT_TABLES): 10,732 -> 3,728 measured. Before: 10,600 with switch tables in RAM; -530 with -fno-jump-tables -fno-tree-switch-conversion; the wizard, probe, sealed-call, status and Home Assistant texts and tables in flash (P1_FLASH_STRINGS, about -3,200); + the AMIS decoder (~580: EN 13757-3 errors, meter_ack, record tables), + quarter-hour demand (~560), + the settings form (~660: groups, help, options), + the SunSpec and Shelly outputs (~960, not linked by the firmware), + the line probe (~1,800 before its texts went to flash): 10,732 measured
need=()
for p in gcc-xtensa-lx106 binutils-xtensa-lx106 picolibc-xtensa-lx106-elf libbearssl-dev libjsmn-dev; do
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
ln -s /usr/include/jsmn.h "$out/include/jsmn.h"
flags=(-std=c++17 -Os -fno-exceptions -fno-rtti -fno-jump-tables -fno-tree-switch-conversion -mlongcalls -mtext-section-literals -ffunction-sections
       -fdata-sections -Wall -Wextra -Wpedantic -Wshadow -Werror -specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
       -DP1_DEVICE_CAPACITIES -DP1_COMPACT_TABLES -DP1_FLASH_STRINGS
       -nostdinc++ -isystem scripts/xtensa-shim -isystem "$out/include" -Icore)
sources=$(find core/p1 -name '*.cpp' ! -name '*mbedtls*' | sort)
for src in $sources; do
  xtensa-lx106-elf-g++ "${flags[@]}" -c "$src" -o "$out/$(echo "$src" | tr / _).o"
done
xtensa-lx106-elf-ar rcs "$out/libp1core.a" "$out"/*.o
echo "core compiled for xtensa-lx106 ($(echo "$sources" | wc -w) files):"
# Sections of inline variables (COMDAT, named after the symbol) appear in
# every object that uses them but once in the image: counted once by name.
read -r text data rodata bss < <(xtensa-lx106-elf-objdump -h "$out"/*.o | awk '
  function add(kind, name, size) {
    if (name ~ /_Z/ && seen[name]++) return
    total[kind] += size
  }
  $2 ~ /^\.(text|literal|irom0)/ {add("t", $2, strtonum("0x"$3))}
  $2 ~ /^\.data/ {add("d", $2, strtonum("0x"$3))}
  $2 ~ /^\.rodata/ {add("r", $2, strtonum("0x"$3))}
  $2 ~ /^\.bss/ {add("b", $2, strtonum("0x"$3))}
  END {print total["t"] + 0, total["d"] + 0, total["r"] + 0, total["b"] + 0}')
ram=$((data + rodata + bss))
echo "  code ${text} bytes (flash); static RAM ${ram} bytes (DATA ${data} + RODATA ${rodata} + BSS ${bss}); budget ${budget_ram}"
if [ "$ram" -gt "$budget_ram" ]; then
  echo "the core's static RAM (${ram} B) exceeds its budget (${budget_ram} B): move constants to flash or shrink buffers"
  exit 1
fi
