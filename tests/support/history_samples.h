// Readings as the page's history sees them, for the history tests of both
// front-ends (the Linux program's SQLite file, the device's ring): the
// meter's wall clock from ISO text (read as UTC, as history_sample.h counts).
#pragma once
#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <ctime>

#include "p1/history/history_sample.h"

namespace p1test {

inline int64_t wall(const char* iso) {
  std::tm t{};
  EXPECT_TRUE(strptime(iso, "%Y-%m-%dT%H:%M:%S", &t)) << iso;
  return static_cast<int64_t>(timegm(&t));
}

inline p1::HistorySample history_sample_at(int64_t at, int64_t import_wh, int64_t export_wh = 0, int64_t net_w = 0) {
  p1::HistorySample s;
  s.at = at;
  s.from_meter_clock = true;
  s.has_energy = true;
  s.import_wh = import_wh;
  s.export_wh = export_wh;
  s.has_power = true;
  s.net_w = net_w;
  return s;
}

inline p1::HistorySample history_sample_at(const char* iso, int64_t import_wh, int64_t export_wh = 0,
                                           int64_t net_w = 0) {
  return history_sample_at(wall(iso), import_wh, export_wh, net_w);
}

}  // namespace p1test
