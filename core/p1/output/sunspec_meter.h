// The register image of a SunSpec three-phase meter as Fronius inverters
// read their "Fronius Smart Meter (TCP)": at holding register 40000 the
// "SunS" marker, the common model (1, 65 registers: manufacturer "Fronius",
// model "Smart Meter 63A", serial, device address), the float three-phase
// wye meter model (213, 124 registers) and the end model (0xFFFF, length 0).
// A pure function of a reading and its freshness, so the Modbus server on
// Linux and a future one on the device serve the same bytes.
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/span.h"
#include "p1/output/grid_values.h"

namespace p1 {

constexpr uint16_t kSunSpecBaseRegister = 40000;
constexpr uint16_t kSunSpecCommonModel = 1;
constexpr uint16_t kSunSpecCommonLength = 65;
constexpr uint16_t kSunSpecMeterModel = 213;  // three-phase wye meter, float32
constexpr uint16_t kSunSpecMeterLength = 124;
// "SunS", common header and body, meter header and body, end header.
constexpr size_t kSunSpecRegisterCount = 2 + 2 + kSunSpecCommonLength + 2 + kSunSpecMeterLength + 2;
// Offsets (from kSunSpecBaseRegister) of the models' headers.
constexpr size_t kSunSpecCommonOffset = 2;
constexpr size_t kSunSpecMeterOffset = kSunSpecCommonOffset + 2 + kSunSpecCommonLength;  // 69: register 40069
constexpr size_t kSunSpecEndOffset = kSunSpecMeterOffset + 2 + kSunSpecMeterLength;     // 195: register 40195
// SunSpec's "not implemented" float32: a quiet NaN, 0x7FC00000.
constexpr uint16_t kSunSpecNanHigh = 0x7FC0;

struct SunSpecIdentity {
  const char* serial = "";   // common model SN (up to 32 characters)
  const char* version = "";  // common model Vr (up to 16)
  uint8_t unit_id = 1;       // common model DA
};

// Offsets (from kSunSpecBaseRegister) of model 213's float points, for
// readers of the image (tests, documentation).
namespace sunspec213 {
constexpr size_t kData = kSunSpecMeterOffset + 2;
constexpr size_t kA = kData + 0, kAph = kData + 2, kPhV = kData + 8, kPhVph = kData + 10, kPPV = kData + 16;
constexpr size_t kHz = kData + 24, kW = kData + 26, kWph = kData + 28, kVA = kData + 34, kVAR = kData + 42;
constexpr size_t kPF = kData + 50, kPFph = kData + 52, kTotWhExp = kData + 58, kTotWhImp = kData + 66;
constexpr size_t kTotVAhExp = kData + 74, kEvt = kData + 122;
}  // namespace sunspec213

// Fills `out` (kSunSpecRegisterCount registers, first = 40000). `values` are
// the current reading's (GridValues(reading)); pass GridValues() when there
// is no current reading (none yet, or older than stale_after: see
// freshness.h), which leaves every measurement "not implemented" (NaN)
// while the models stay in place, so an inverter sees a meter without
// values rather than no meter or old numbers. Returns false if `out` is
// too small.
bool build_sunspec_meter(const GridValues& values, const SunSpecIdentity& identity, Span<uint16_t> out);

}  // namespace p1
