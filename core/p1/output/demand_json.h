// The demand payload (<base>/demand, the JSON API's "demand"): the quarter
// hour in progress, the last one that ended, and the peaks of the day, the
// month and the previous month, as flat keys so Home Assistant templates and
// scripts read them without nesting. Power in whole watts (rounded), times
// as the meter's local time with its UTC offset; a figure that is not known
// (an incomplete quarter hour, no peak yet) is null, never a guess.
#pragma once
#include <cstdint>

#include "p1/base/result.h"
#include "p1/base/span.h"
#include "p1/demand/quarter_hour.h"

namespace p1 {

// One published figure: its JSON key and how Home Assistant shows it.
struct DemandField {
  const char* key;     // "month_peak_import_w"
  const char* title;   // "Peak quarter hour import, month"
  bool timestamp;      // an ISO time (device_class timestamp), else watts (device_class power)
  bool is_export;      // only for meters that send 2.8.0
};
// Every figure the payload carries, in its order (the "*_complete" flags and
// "timestamp" aside).
Span<const DemandField> demand_fields();

Result<size_t> format_demand_json(const QuarterHourDemand& demand, CharSpan out);

}  // namespace p1
