// The positional profiles of the Austrian grid operators, as data. Sources:
// the operators' customer-interface descriptions as summarised in
// shared/docs/meter-formats.md ("Body layouts").
#include "p1/cosem/layouts/positional_profiles.h"

#include "p1/base/flash_text.h"

namespace p1 {

// Flash on the device: read through flash_read (positional.cpp).
namespace {
using K = PositionalField::Kind;
constexpr uint8_t kWh = 30, kVarh = 32, kW = 27, kVar = 29, kV = 35, kA = 33, kDeg = 8;

// The eight registers every Wiener Netze meter sends, in this order:
// +A -A +R -R (energy), +P -P +Q -Q (power).
#define P1_WIENER_NETZE_REGISTERS                          \
  {K::kNumber, obis::kEnergyImport, 0, kWh},               \
      {K::kNumber, obis::kEnergyExport, 0, kWh},           \
      {K::kNumber, obis::kReactiveEnergyImport, 0, kVarh}, \
      {K::kNumber, obis::kReactiveEnergyExport, 0, kVarh}, \
      {K::kNumber, obis::kPowerImport, 0, kW},             \
      {K::kNumber, obis::kPowerExport, 0, kW},             \
      {K::kNumber, obis::kReactivePowerImport, 0, kVar},   \
      {K::kNumber, obis::kReactivePowerExport, 0, kVar},

// Wiener Netze (Iskra AM550, Landis+Gyr E450): date-time, then the eight registers.
constexpr PositionalField kWienerNetze[] P1_FLASH_DATA = {
    {K::kClock, {}, 0, 0},
    P1_WIENER_NETZE_REGISTERS
};

// Wiener Netze with the Siemens IM350: the meter number comes first.
constexpr PositionalField kWienerNetzeIm350[] P1_FLASH_DATA = {
    {K::kMeterNumber, {}, 0, 0},
    {K::kClock, {}, 0, 0},
    P1_WIENER_NETZE_REGISTERS
};

// Kärnten Netz / Wels (IM350, AM550 on P1): list id 0.6.25.9.0.255, meter
// number, time, date, +A -A +R -R +P -P, then optionally customer info text
// and code.
constexpr PositionalField kKaerntenNetz[] P1_FLASH_DATA = {
    {K::kListId, {}, 0, 0},
    {K::kMeterNumber, {}, 0, 0},
    {K::kTime, {}, 0, 0},
    {K::kDate, {}, 0, 0},
    {K::kNumber, obis::kEnergyImport, 0, kWh},
    {K::kNumber, obis::kEnergyExport, 0, kWh},
    {K::kNumber, obis::kReactiveEnergyImport, 0, kVarh},
    {K::kNumber, obis::kReactiveEnergyExport, 0, kVarh},
    {K::kNumber, obis::kPowerImport, 0, kW},
    {K::kNumber, obis::kPowerExport, 0, kW},
    {K::kText, Obis::of(0, 0, 96, 13, 0), 0, 0},
    {K::kText, Obis::of(0, 0, 96, 13, 1), 0, 0},
};

// Netz Burgenland (Landis+Gyr E450): U1..U3 (V), I1..I3 (10 mA), +P -P (W),
// +A -A (Wh), angles U-I L1..L3 (degrees), meter number.
constexpr PositionalField kNetzBurgenland[] P1_FLASH_DATA = {
    {K::kNumber, obis::kVoltageL1, 0, kV},
    {K::kNumber, obis::kVoltageL2, 0, kV},
    {K::kNumber, obis::kVoltageL3, 0, kV},
    {K::kNumber, obis::kCurrentL1, -2, kA},
    {K::kNumber, obis::kCurrentL2, -2, kA},
    {K::kNumber, obis::kCurrentL3, -2, kA},
    {K::kNumber, obis::kPowerImport, 0, kW},
    {K::kNumber, obis::kPowerExport, 0, kW},
    {K::kNumber, obis::kEnergyImport, 0, kWh},
    {K::kNumber, obis::kEnergyExport, 0, kWh},
    {K::kNumber, Obis::of(1, 0, 81, 7, 4), 0, kDeg},
    {K::kNumber, Obis::of(1, 0, 81, 7, 15), 0, kDeg},
    {K::kNumber, Obis::of(1, 0, 81, 7, 26), 0, kDeg},
    {K::kMeterNumber, {}, 0, 0},
};

template <size_t N>
constexpr PositionalProfile profile(const char* manufacturers, const PositionalField (&fields)[N], size_t optional_tail,
                                    Obis list_id = Obis()) {
  return PositionalProfile{manufacturers, fields, N, optional_tail, list_id};
}
}  // namespace

const PositionalProfile kWienerNetzeProfile P1_FLASH_DATA = profile("ISK LGZ", kWienerNetze, 0);
const PositionalProfile kWienerNetzeIm350Profile P1_FLASH_DATA = profile("SMS", kWienerNetzeIm350, 0);
const PositionalProfile kKaerntenNetzProfile P1_FLASH_DATA = profile("", kKaerntenNetz, 2, Obis::of(0, 6, 25, 9, 0));
const PositionalProfile kNetzBurgenlandProfile P1_FLASH_DATA = profile("LGZ", kNetzBurgenland, 0);

}  // namespace p1
