#if !defined(ESP32)
#include <Updater.h>

#include <cstring>

#include "board.h"

namespace board {

String reset_reason() { return ESP.getResetReason(); }

void watchdog_start() { ESP.wdtEnable(8000); }

void watchdog_feed() { ESP.wdtFeed(); }

uint32_t free_heap() { return ESP.getFreeHeap(); }

String device_id() { return String(ESP.getChipId(), HEX); }

uint32_t max_update_size() { return (ESP.getFreeSketchSpace() - 0x1000) & 0xFFFFF000; }

String update_error() { return Update.getErrorString(); }

void Sha256::begin() { br_sha256_init(&context_); }
void Sha256::add(const uint8_t* data, size_t length) { br_sha256_update(&context_, data, length); }
void Sha256::finish(uint8_t out[32]) { br_sha256_out(&context_, out); }

}  // namespace board
#endif

#if !defined(ESP32)
// libgcc's signed 64-bit remainder is linked into IRAM (the core's linker
// script moves only the unsigned division helpers to flash), 873 B of the
// 32 KB that WiFi's interrupt code also needs. Its one caller is BearSSL's
// certificate date check, which runs from flash anyway: this definition,
// built on the unsigned helper the core keeps in flash, is linked instead.
extern "C" long long __moddi3(long long a, long long b) {
  unsigned long long ua = a < 0 ? 0ull - static_cast<unsigned long long>(a) : static_cast<unsigned long long>(a);
  unsigned long long ub = b < 0 ? 0ull - static_cast<unsigned long long>(b) : static_cast<unsigned long long>(b);
  unsigned long long r = ua % ub;  // the remainder takes the dividend's sign
  return a < 0 ? -static_cast<long long>(r) : static_cast<long long>(r);
}
#endif

#if !defined(ESP32)
// The core's digitalWrite runs from IRAM and first stops any PWM or waveform
// on the pin, which links the waveform generator: 388 B of IRAM and 580 B of
// RAM for a feature the firmware never uses. Its only caller here is the
// updater's LED (off unless Update.begin is given a pin). This plain GPIO
// write from flash replaces the core's weak definition.
extern "C" void digitalWrite(uint8_t pin, uint8_t value) {
  if (pin < 16) {
    if (value) {
      GPOS = 1u << pin;
    } else {
      GPOC = 1u << pin;
    }
  } else if (pin == 16) {
    if (value) {
      GP16O |= 1;
    } else {
      GP16O &= ~1u;
    }
  }
}

// The core's own digitalWrite (unused now, but its object is linked for
// pinMode) names these two; defining them keeps the waveform generator's
// object out of the link altogether, with its 580 B of state and the static
// constructor that kept that state alive. Nothing here makes waveforms or
// PWM: a later analogWrite or tone would fail to link (duplicate symbols)
// rather than silently do nothing.
extern "C" int stopWaveform(uint8_t) { return false; }
extern "C" bool _stopPWM(uint8_t) { return false; }

// libgcc's helpers for 64-bit shifts (the core's varints and decimals) and
// LittleFS's byte swap and bit count are linked into IRAM like __moddi3
// (above). These versions, on 32-bit halves, run from flash instead.
namespace {
struct Halves {
  uint32_t lo, hi;  // little-endian
};
Halves split(unsigned long long v) {
  Halves h;
  std::memcpy(&h, &v, sizeof h);
  return h;
}
unsigned long long join(Halves h) {
  unsigned long long v;
  std::memcpy(&v, &h, sizeof v);
  return v;
}
}  // namespace

extern "C" long long __ashldi3(long long a, int b) {
  Halves h = split(static_cast<unsigned long long>(a));
  if (b >= 32) {
    h.hi = h.lo << (b - 32);
    h.lo = 0;
  } else if (b > 0) {
    h.hi = (h.hi << b) | (h.lo >> (32 - b));
    h.lo <<= b;
  }
  return static_cast<long long>(join(h));
}

extern "C" unsigned long long __lshrdi3(unsigned long long a, int b) {
  Halves h = split(a);
  if (b >= 32) {
    h.lo = h.hi >> (b - 32);
    h.hi = 0;
  } else if (b > 0) {
    h.lo = (h.lo >> b) | (h.hi << (32 - b));
    h.hi >>= b;
  }
  return join(h);
}

extern "C" uint32_t __bswapsi2(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xFF00u) | ((x << 8) & 0xFF0000u) | (x << 24);
}

extern "C" int __popcountsi2(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return static_cast<int>((x * 0x01010101u) >> 24);
}
#endif
