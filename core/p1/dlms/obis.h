// OBIS code A-B:C.D.E*F (IEC 62056-61), e.g. 1.0.32.7.0.255 = voltage L1.
#pragma once
#include <cstdint>
#include <cstring>

#include "p1/base/span.h"

namespace p1 {

struct Obis {
  uint8_t v[6] = {};

  static constexpr Obis of(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e, uint8_t f = 255) {
    Obis o;
    o.v[0] = a;
    o.v[1] = b;
    o.v[2] = c;
    o.v[3] = d;
    o.v[4] = e;
    o.v[5] = f;
    return o;
  }
  static Obis from_bytes(ByteSpan b) {
    Obis o;
    if (b.size() == 6) std::memcpy(o.v, b.data(), 6);
    return o;
  }
  bool operator==(const Obis& other) const { return std::memcmp(v, other.v, 6) == 0; }
  bool operator!=(const Obis& other) const { return !(*this == other); }
  // Dotted form "1.0.32.7.0.255" (no terminator); `out` must hold kDottedMax
  // chars (the longest text is 23, one more is used as scratch).
  static constexpr size_t kDottedMax = 24;
  size_t to_dotted(char* out) const;
};

namespace obis {
constexpr Obis kClock = Obis::of(0, 0, 1, 0, 0);
constexpr Obis kMeterNumber = Obis::of(0, 0, 96, 1, 0);
constexpr Obis kDeviceName = Obis::of(0, 0, 42, 0, 0);
constexpr Obis kEnergyImport = Obis::of(1, 0, 1, 8, 0);
constexpr Obis kEnergyExport = Obis::of(1, 0, 2, 8, 0);
constexpr Obis kPowerImport = Obis::of(1, 0, 1, 7, 0);
constexpr Obis kPowerExport = Obis::of(1, 0, 2, 7, 0);
constexpr Obis kVoltageL1 = Obis::of(1, 0, 32, 7, 0);
constexpr Obis kVoltageL2 = Obis::of(1, 0, 52, 7, 0);
constexpr Obis kVoltageL3 = Obis::of(1, 0, 72, 7, 0);
constexpr Obis kCurrentL1 = Obis::of(1, 0, 31, 7, 0);
constexpr Obis kCurrentL2 = Obis::of(1, 0, 51, 7, 0);
constexpr Obis kCurrentL3 = Obis::of(1, 0, 71, 7, 0);
constexpr Obis kPowerFactor = Obis::of(1, 0, 13, 7, 0);
constexpr Obis kReactiveEnergyImport = Obis::of(1, 0, 3, 8, 0);
constexpr Obis kReactiveEnergyExport = Obis::of(1, 0, 4, 8, 0);
constexpr Obis kReactivePowerImport = Obis::of(1, 0, 3, 7, 0);
constexpr Obis kReactivePowerExport = Obis::of(1, 0, 4, 7, 0);

// A clock object (IEC 62056-6-1: 0-b:1.0.e.255): any channel B, e.g.
// Kamstrup's 0.1.1.0.0.255 is as much the meter clock as 0.0.1.0.0.255.
constexpr bool is_clock(const Obis& o) { return o.v[0] == 0 && o.v[2] == 1 && o.v[3] == 0 && o.v[5] == 255; }
}  // namespace obis

}  // namespace p1
