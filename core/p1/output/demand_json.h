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
#include "p1/base/text_buffer.h"
#include "p1/demand/quarter_hour.h"

namespace p1 {

enum class DemandPeriod : uint8_t { kCurrent, kLast, kDay, kMonth, kPreviousMonth };

// One published figure. Names are built from the parts (a few bytes of
// constants on the device instead of a string per figure).
struct DemandField {
  DemandPeriod period;
  bool is_export;  // only for meters that send 2.8.0
  bool timestamp;  // the peak's start (device_class timestamp), else watts (device_class power)
};
// Every figure the payload carries, in its order (besides "timestamp",
// "current_start", "current_complete", "current_seconds", "last_start" and
// "last_complete").
Span<const DemandField> demand_fields();
// "month_peak_import_w", "day_peak_export_start"
void put_demand_key(TextBuffer& out, const DemandField& field);
// "Demand month peak import", "Demand day peak export start"
void put_demand_title(TextBuffer& out, const DemandField& field);

Result<size_t> format_demand_json(const QuarterHourDemand& demand, CharSpan out);

}  // namespace p1
