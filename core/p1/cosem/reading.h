// One decoded telegram: every value it carried, keyed by OBIS code, with
// scaler and unit kept apart from the raw integer so it can be printed exactly.
// Strings point into the telegram buffer (valid until the next telegram).
#pragma once
#include <cstdint>

#include "p1/base/capacities.h"
#include "p1/dlms/date_time.h"
#include "p1/base/error.h"
#include "p1/dlms/obis.h"
#include "p1/base/span.h"

namespace p1 {

// DLMS unit enumeration values used by meters (IEC 62056-6-2, table 4).
enum class Unit : uint8_t {
  kNone = 0,
  kWatt = 27,
  kVoltAmpere = 28,
  kVar = 29,
  kWattHour = 30,
  kVoltAmpereHour = 31,
  kVarHour = 32,
  kAmpere = 33,
  kVolt = 35,
  kHertz = 44,
  kDegree = 8,
  kUnitless = 255,
};
// "Wh", "W", "V"...; "" for unitless and unknown.
const char* unit_symbol(uint8_t unit);

struct ReadingValue {
  enum class Kind : uint8_t { kNumber, kText, kDateTime };
  Obis obis;
  Kind kind = Kind::kNumber;
  bool negative = false;
  int8_t scaler = 0;
  uint8_t unit = 0;
  uint64_t magnitude = 0;  // kNumber: |raw|; value = (+/-)magnitude * 10^scaler
  ByteSpan text;           // kText
  DlmsDateTime time;       // kDateTime
  // kNumber as a binary floating-point number, for consumers that need one
  // (SunSpec float registers, JSON with fixed decimals); never for printing
  // the meter's value itself (exact_decimal.h does that).
  double number() const;
};

struct Reading {
  ReadingValue values[kMaxValues];
  size_t count = 0;
  DlmsDateTime header_time;  // the notification's own date-time, if sent
  bool has_header_time = false;
  uint8_t system_title[8] = {};
  uint32_t frame_counter = 0;
  uint8_t security_control = 0;
  bool tag_checked = false;  // an authentication tag was present and verified
  const char* layout = "";   // body layout that decoded it
  ByteSpan plaintext;        // decrypted APDU (for the raw output)
  ByteSpan body;             // the notification body (to describe an unknown layout)

  void clear();
  Error add(const ReadingValue& value);
  // The meter clock (0.0.1.0.0.255) as a value.
  Error add_clock(const DlmsDateTime& time);
  const ReadingValue* find(const Obis& obis) const;
  // The first clock object's value (any channel B), or nullptr.
  const ReadingValue* clock() const;
  // The meter clock: clock()'s time if sent, else the header time.
  const DlmsDateTime* timestamp() const;
};

}  // namespace p1
