// Shared walker for layouts whose values carry their OBIS code: flat
// sequences "OBIS, value[, {scaler, unit}]" (EVN, E450 flat pairs) and nested
// structures "{OBIS, value[, {scaler, unit}]}" (KSM-West), in any mix.
#pragma once
#include "p1/dlms/axdr.h"
#include "p1/cosem/reading.h"

namespace p1 {

struct TaggedWalkOptions {
  // EVN: the clock is sent first without its OBIS code.
  bool bare_datetime_is_clock = false;
  // EVN: the meter number is sent last without its OBIS code.
  bool bare_string_is_meter_number = false;
};

// Decodes `count` elements from `reader` (positioned after the container
// header) into `out`.
Error walk_obis_tagged(AxdrReader& reader, uint32_t count, const TaggedWalkOptions& options, Reading& out);

// Turns one value token into a reading value for `obis`; false for tokens that
// carry no reading (null, floats, bit-strings, containers).
bool make_reading_value(const Obis& obis, const AxdrToken& token, int8_t scaler, uint8_t unit, ReadingValue& out);

}  // namespace p1
