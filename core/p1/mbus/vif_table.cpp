#include "p1/mbus/vif_table.h"

#include "p1/cosem/reading.h"

namespace p1 {

namespace {
constexpr uint8_t kExtension = 0x80;
constexpr uint8_t kTableFB = 0x7B;
constexpr uint8_t kTableFD = 0x7D;
constexpr uint8_t kManufacturerVif = 0x7F;

VifMeaning of(MbusQuantity q, int e, Unit unit) {
  VifMeaning m;
  m.quantity = q;
  m.exponent = static_cast<int8_t>(e);
  m.unit = static_cast<uint8_t>(unit);
  return m;
}
VifMeaning other() { return of(MbusQuantity::kOther, 0, Unit::kNone); }

// Primary VIF table (EN 13757-3 table 10), code without its extension bit.
VifMeaning primary(uint8_t v) {
  if (v <= 0x07) return of(MbusQuantity::kActiveEnergy, (v & 7) - 3, Unit::kWattHour);  // 10^(n-3) Wh
  if (v >= 0x28 && v <= 0x2F) return of(MbusQuantity::kActivePower, (v & 7) - 3, Unit::kWatt);  // 10^(n-3) W
  if (v == 0x6C) return of(MbusQuantity::kDate, 0, Unit::kNone);
  if (v == 0x6D) return of(MbusQuantity::kDateTime, 0, Unit::kNone);
  if (v == 0x6F) return VifMeaning();  // reserved
  if (v == 0x7E || v == 0x7C) return other();  // any VIF (readout), plain-text unit
  if (v == kManufacturerVif) return of(MbusQuantity::kManufacturerSpecific, 0, Unit::kNone);
  if (v <= 0x7A) return other();  // J, volume, mass, times, flows, temperatures, pressure, ids
  return VifMeaning();
}

// Extension table behind 0xFB (EN 13757-3 table 14).
VifMeaning table_fb(uint8_t v) {
  if (v <= 0x01) return of(MbusQuantity::kActiveEnergy, (v & 1) - 1 + 6, Unit::kWattHour);  // 10^(n-1) MWh
  if (v <= 0x03) return of(MbusQuantity::kReactiveEnergy, (v & 1) + 3, Unit::kVarHour);     // 10^n kvarh
  if (v >= 0x08 && v <= 0x09) return other();  // GJ
  if (v >= 0x10 && v <= 0x11) return other();  // m3
  if (v >= 0x14 && v <= 0x17) return of(MbusQuantity::kReactivePower, (v & 3) - 3 + 3, Unit::kVar);  // 10^(n-3) kvar
  if (v >= 0x18 && v <= 0x19) return other();  // t
  if (v >= 0x21 && v <= 0x21) return other();  // feet^3
  if (v >= 0x28 && v <= 0x29) return other();  // MW
  if (v >= 0x30 && v <= 0x31) return other();  // GJ/h
  if (v >= 0x58 && v <= 0x67) return other();  // temperatures in F
  return VifMeaning();
}

// Extension table behind 0xFD (EN 13757-3 table 12): identifiers, counters,
// times and the electrical quantities voltage and current.
VifMeaning table_fd(uint8_t v) {
  if (v >= 0x40 && v <= 0x4F) return of(MbusQuantity::kVoltage, (v & 0x0F) - 9, Unit::kVolt);     // 10^(n-9) V
  if (v >= 0x50 && v <= 0x5F) return of(MbusQuantity::kCurrent, (v & 0x0F) - 12, Unit::kAmpere);  // 10^(n-12) A
  if (v <= 0x3F || (v >= 0x60 && v <= 0x77)) return other();
  return VifMeaning();
}

// One combinable VIFE (EN 13757-3 table 15) applied to `m`; false: unknown.
void combine(uint8_t e, VifMeaning& m) {
  if (e == 0x3B) {
    m.direction = MbusDirection::kForward;
  } else if (e == 0x3C) {
    m.direction = MbusDirection::kBackward;
  } else if (e >= 0x70 && e <= 0x77) {
    m.exponent = static_cast<int8_t>(m.exponent + (e & 7) - 6);  // multiplicative correction 10^(n-6)
  } else if (e == 0x7D) {
    m.exponent = static_cast<int8_t>(m.exponent + 3);
  } else if (e <= 0x1F) {
    // record error codes and object actions: the value itself is as coded
  } else {
    // per time / per volume, limits, durations, additive corrections, future
    // values: not the plain register an OBIS code names
    m.quantity = MbusQuantity::kOther;
  }
}
}  // namespace

VifMeaning interpret_vif(const MbusRecord& r) {
  if (r.vif_size == 0) return VifMeaning();
  size_t at = 0;
  uint8_t first = r.vif[at++] & 0x7F;
  VifMeaning m;
  if (first == kTableFB || first == kTableFD) {
    if (at >= r.vif_size) return VifMeaning();  // the true VIF is missing
    uint8_t code = r.vif[at++] & 0x7F;
    m = first == kTableFB ? table_fb(code) : table_fd(code);
  } else {
    m = primary(first);
  }
  if (m.quantity == MbusQuantity::kUnknown) return m;
  bool more = (r.vif[at - 1] & kExtension) != 0;
  while (more && at < r.vif_size) {
    uint8_t e = r.vif[at++];
    more = (e & kExtension) != 0;
    uint8_t code = e & 0x7F;
    if (code == 0x7F) {  // the rest is the manufacturer's
      if (more && at < r.vif_size) m.manufacturer_vife = r.vif[at] & 0x7F;
      else m.manufacturer_vife = 0;
      break;
    }
    if (code == 0x7C) {  // extension of the combinable table: one more byte, not interpreted
      if (more && at < r.vif_size) more = (r.vif[at++] & kExtension) != 0;
      m.quantity = MbusQuantity::kOther;
      continue;
    }
    combine(code, m);
  }
  return m;
}

}  // namespace p1
