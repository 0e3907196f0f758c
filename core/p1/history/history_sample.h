// What the page's history keeps of a reading, and the periods it is summed
// over, for both front-ends (the Linux program's SQLite file now; the
// device's flash ring later). Energy per period comes from the energy
// registers' differences at the period boundaries, never from sampled power,
// and the periods align to the meter's own clock (its wall time: in Austria
// CET/CEST), so an hour on the page is the hour on the meter's display.
#pragma once
#include <cstdint>

#include "p1/cosem/reading.h"

namespace p1 {

// Seconds since 1970-01-01 00:00 of the meter's wall clock, read as if it
// were UTC: a browser shows them with the UTC time zone and gets the
// meter's hours. (The hour of the autumn clock change holds two hours.)
using LocalSeconds = int64_t;
// The same wall-clock second counted from 2000-01-01 (the demand's MeterTime::local_seconds()).
constexpr int64_t kLocalSecondsAt2000 = 946684800;
constexpr LocalSeconds local_from_2000(int64_t local_seconds_since_2000) {
  return local_seconds_since_2000 + kLocalSecondsAt2000;
}

struct HistorySample {
  LocalSeconds at = 0;
  bool from_meter_clock = false;  // false: `at` is the fallback given
  bool has_energy = false;        // 1.8.0 was sent (2.8.0 counts as 0 when it was not)
  int64_t import_wh = 0;          // 1.8.0, whole Wh
  int64_t export_wh = 0;          // 2.8.0
  bool has_power = false;
  int64_t net_w = 0;              // 1.7.0 - 2.7.0: import positive, export negative
};

// The sample of `reading` (its gateway fields w_p, w_n, p_p, p_n, and the
// meter clock; `fallback` when the meter sends no usable clock). False when
// it carries neither energy nor power.
bool history_sample(const Reading& reading, LocalSeconds fallback, HistorySample& out);

enum class HistoryPeriod : uint8_t { kHour, kDay, kMonth };
// Start of the period holding `at`, and of the one after it.
LocalSeconds period_start(LocalSeconds at, HistoryPeriod period);
LocalSeconds period_next(LocalSeconds start, HistoryPeriod period);
// The period's number: hours and days since 1970, months as year * 12 + month - 1.
// Consecutive periods have consecutive numbers.
int64_t period_index(LocalSeconds at, HistoryPeriod period);

}  // namespace p1
