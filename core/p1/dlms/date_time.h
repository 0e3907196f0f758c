// DLMS date-time (IEC 62056-6-2, 12 bytes): year(2) month day weekday hour
// minute second hundredths deviation(2, signed minutes) clock-status.
// The deviation is "local = UTC - deviation": 0xFF88 (-120) means UTC+02:00.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

struct DlmsDateTime {
  static constexpr size_t kSize = 12;
  static constexpr int16_t kDeviationUnspecified = INT16_MIN;  // 0x8000
  static constexpr uint8_t kStatusInvalid = 0x01;
  static constexpr uint8_t kStatusDoubtful = 0x02;
  static constexpr uint8_t kStatusDaylightSaving = 0x80;

  uint16_t year = 0;   // 0xFFFF = not specified
  uint8_t month = 0;   // 1..12; 0xFF = not specified (0xFD/0xFE: DST end/begin)
  uint8_t day = 0;     // 1..31; 0xFF = not specified
  uint8_t weekday = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint8_t hundredths = 0;
  int16_t deviation = kDeviationUnspecified;
  uint8_t status = 0;

  // Parses the 12-byte form; false when a field is out of range.
  static bool parse(ByteSpan bytes, DlmsDateTime& out);
  // The 12-byte form without range checks, and back: for values that were
  // parsed before (a stored reading).
  static DlmsDateTime from_bytes(const uint8_t bytes[kSize]);
  void to_bytes(uint8_t out[kSize]) const;
  // Time (4 bytes: hour minute second hundredths) and date (5 bytes: year(2)
  // month day weekday) as sent separately by some positional profiles.
  static bool parse_time(ByteSpan bytes, DlmsDateTime& out);
  static bool parse_date(ByteSpan bytes, DlmsDateTime& out);

  bool has_date() const { return year != 0xFFFF && month >= 1 && month <= 12 && day >= 1 && day <= 31; }
  bool has_offset() const { return deviation != kDeviationUnspecified; }
  // ISO 8601: "2021-09-27T09:47:15+02:00", without offset when the deviation
  // is not specified. Writes at most kIsoMax chars (no terminator); returns
  // the length, 0 if the date is not specified.
  static constexpr size_t kIsoMax = 25;
  size_t to_iso(char* out) const;
  // Seconds since 2000-01-01 00:00 (UTC when the deviation is specified, else
  // the meter's local time), to compare two clock readings of one meter.
  // False when the date or time is not fully specified or the clock status
  // says the time is invalid.
  bool to_seconds(int64_t& out) const;
  // The meter's wall clock as seconds since 2000-01-01 00:00, the deviation
  // ignored: what hours, days and months of its history align to.
  bool to_local_seconds(int64_t& out) const;
  // The inverse of to_seconds: `seconds` since 2000 (UTC when `deviation` is
  // specified, else local time) as the meter's local date and time with that
  // deviation; hundredths 0, clock status 0.
  static DlmsDateTime from_seconds(int64_t seconds, int16_t deviation);
};

}  // namespace p1
