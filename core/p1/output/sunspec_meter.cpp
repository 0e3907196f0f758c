#include "p1/output/sunspec_meter.h"

#include <cstring>

namespace p1 {

namespace {

// SunSpec strings: two characters per register, high byte first, NUL-padded.
void put_string(uint16_t* regs, size_t count, const char* text) {
  size_t n = text ? std::strlen(text) : 0;
  if (n > count * 2) n = count * 2;
  for (size_t i = 0; i < count; ++i) {
    uint8_t hi = 2 * i < n ? static_cast<uint8_t>(text[2 * i]) : 0;
    uint8_t lo = 2 * i + 1 < n ? static_cast<uint8_t>(text[2 * i + 1]) : 0;
    regs[i] = static_cast<uint16_t>(hi << 8 | lo);
  }
}

// float32, big-endian word order (high word at the lower register).
void put_float(uint16_t* regs, const Measured& m) {
  uint32_t bits = static_cast<uint32_t>(kSunSpecNanHigh) << 16;
  if (m.has) {
    float f = static_cast<float>(m.value);
    std::memcpy(&bits, &f, sizeof bits);
  }
  regs[0] = static_cast<uint16_t>(bits >> 16);
  regs[1] = static_cast<uint16_t>(bits & 0xFFFF);
}

}  // namespace

bool build_sunspec_meter(const GridValues& v, const SunSpecIdentity& id, Span<uint16_t> out) {
  if (out.size() < kSunSpecRegisterCount) return false;
  uint16_t* r = out.data();
  for (size_t i = 0; i < kSunSpecRegisterCount; ++i) r[i] = 0;
  r[0] = 0x5375;  // "Su"
  r[1] = 0x6E53;  // "nS"

  uint16_t* common = r + kSunSpecCommonOffset;
  common[0] = kSunSpecCommonModel;
  common[1] = kSunSpecCommonLength;
  put_string(common + 2, 16, "Fronius");           // Mn
  put_string(common + 18, 16, "Smart Meter 63A");  // Md
  put_string(common + 34, 8, "p1bridge");          // Opt
  put_string(common + 42, 8, id.version);          // Vr
  put_string(common + 50, 16, id.serial);          // SN
  common[66] = id.unit_id;                         // DA

  r[kSunSpecMeterOffset] = kSunSpecMeterModel;
  r[kSunSpecMeterOffset + 1] = kSunSpecMeterLength;
  // Every float point starts "not implemented"; what the meter measured
  // replaces it.
  for (size_t p = sunspec213::kData; p < sunspec213::kEvt; p += 2) put_float(r + p, Measured());
  using namespace sunspec213;
  put_float(r + kA, v.total_current());
  put_float(r + kPhV, v.average_voltage());
  for (size_t i = 0; i < 3; ++i) {
    put_float(r + kAph + 2 * i, v.current[i]);
    put_float(r + kPhVph + 2 * i, v.voltage[i]);
    put_float(r + kWph + 2 * i, v.phase_power[i]);
  }
  put_float(r + kHz, v.frequency);
  put_float(r + kW, v.net_power);
  put_float(r + kVAR, v.reactive_power);
  put_float(r + kPF, v.power_factor);
  put_float(r + kTotWhExp, v.energy_export);
  put_float(r + kTotWhImp, v.energy_import);
  // Evt: no event flags while values are current; the bitfield's "not
  // implemented" (0xFFFFFFFF) while they are not.
  bool any = v.net_power.has || v.energy_import.has || v.energy_export.has;
  r[kEvt] = r[kEvt + 1] = any ? 0 : 0xFFFF;

  r[kSunSpecEndOffset] = 0xFFFF;
  r[kSunSpecEndOffset + 1] = 0;
  return true;
}

}  // namespace p1
