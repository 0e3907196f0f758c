// Positional profiles: bodies that carry values without OBIS codes, in an
// order fixed by the grid operator's interface description. The profile maps
// each position to an OBIS code, scaler and unit.
#pragma once
#include "p1/dlms/obis.h"

namespace p1 {

struct PositionalField {
  enum class Kind : uint8_t {
    kClock,        // 12-byte date-time -> 0.0.1.0.0.255
    kTime,         // 4-byte time, combined with kDate into the clock
    kDate,         // 5-byte date
    kListId,       // 6-byte OBIS octet-string that must equal the profile's list id
    kMeterNumber,  // string -> 0.0.96.1.0.255
    kNumber,       // integer register
    kText,         // string register (customer information...)
  };
  Kind kind;
  Obis obis;
  int8_t scaler;
  uint8_t unit;
};

struct PositionalProfile {
  const char* manufacturers;  // FLAG ids allowed, e.g. "ISK LGZ"; "" = any
  const PositionalField* fields;
  size_t count;
  size_t optional_tail;  // how many trailing fields a meter may leave out
  Obis list_id;          // for kListId
};

}  // namespace p1
