// What a record's VIF chain means (EN 13757-3: the primary VIF table, the
// extension tables behind 0xFB and 0xFD, the combinable VIFEs): quantity,
// decimal exponent and unit. Quantities an electricity meter does not have
// (volume, temperature...) are recognised as kOther, so their records are
// skipped rather than refused; codes no table defines are kUnknown.
#pragma once
#include <cstdint>

#include "p1/mbus/data_record.h"

namespace p1 {

enum class MbusQuantity : uint8_t {
  kUnknown,
  kOther,
  kActiveEnergy,
  kReactiveEnergy,
  kApparentEnergy,
  kActivePower,
  kReactivePower,
  kApparentPower,
  kVoltage,
  kCurrent,
  kFrequency,
  kDateTime,  // VIF 0x6D: type F (4 bytes) or type I (6 bytes)
  kDate,      // VIF 0x6C: type G
  kManufacturerSpecific,  // VIF 0x7F/0xFF: meaning known only to the maker
};

enum class MbusDirection : uint8_t { kNone, kForward, kBackward };

struct VifMeaning {
  MbusQuantity quantity = MbusQuantity::kUnknown;
  int8_t exponent = 0;  // value = data * 10^exponent in `unit`
  uint8_t unit = 0;     // DLMS unit enumeration (p1::Unit)
  MbusDirection direction = MbusDirection::kNone;  // combinable VIFE 0x3B / 0x3C
  // A VIFE 0xFF/0x7F made the rest of the chain manufacturer-specific: the
  // first such VIFE (without its extension bit), else -1.
  int16_t manufacturer_vife = -1;
};

VifMeaning interpret_vif(const MbusRecord& record);

}  // namespace p1
