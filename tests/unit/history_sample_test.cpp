// The history's sample of a reading and its periods (core/p1/history): real
// telegrams give the meter's own energy registers and wall clock; periods
// align to that clock, months by the calendar.
#include <gtest/gtest.h>

#include <ctime>

#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/history/history_sample.h"
#include "support/testdata.h"

namespace {

using p1::HistoryPeriod;

// "2021-09-27T09:47:15+02:00" -> the wall clock read as UTC.
int64_t wall_seconds(const std::string& iso) {
  std::tm t{};
  EXPECT_TRUE(strptime(iso.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &t)) << iso;
  return static_cast<int64_t>(timegm(&t));
}

p1::HistorySample sample_of(const std::string& id, bool& ok) {
  nlohmann::json t = p1test::load_telegram(id);
  p1::BearSslAesGcm gcm;
  p1::MeterStream stream(&gcm);
  std::string k = t["key"];
  p1::Aes128Key key;
  EXPECT_EQ(p1::Aes128Key::parse(p1::Span<const char>(k.data(), k.size()), key), p1::KeyParseError::kNone);
  stream.decoder().set_key(key);
  auto outcomes = p1test::run_stream(stream, p1enc::from_hex(t["hex"]));
  EXPECT_EQ(p1test::count_readings(outcomes), 1u) << id;
  p1::HistorySample s;
  ok = p1::history_sample(stream.reading(), -1, s);
  return s;
}

TEST(HistorySample, RealTelegramsGiveTheirRegistersAndTheMeterClock) {
  struct Case {
    const char* id;
    int64_t import_wh, export_wh, net_w;
  } cases[] = {
      {"at-netznoe-kaifa-ma309-docsample", 12937, 0, 0},
      {"at-wienernetze-iskra-am550-b", 855, 246, 0},
  };
  for (const Case& c : cases) {
    bool ok = false;
    p1::HistorySample s = sample_of(c.id, ok);
    ASSERT_TRUE(ok) << c.id;
    nlohmann::json t = p1test::load_telegram(c.id);
    EXPECT_TRUE(s.from_meter_clock) << c.id;
    EXPECT_EQ(s.at, wall_seconds(t["expected"]["timestamp"])) << c.id;
    EXPECT_TRUE(s.has_energy);
    EXPECT_EQ(s.import_wh, c.import_wh) << c.id;
    EXPECT_EQ(s.export_wh, c.export_wh) << c.id;
    EXPECT_TRUE(s.has_power);
    EXPECT_EQ(s.net_w, c.net_w) << c.id;
  }
}

TEST(HistorySample, ExportIsNegativeAndScalersApply) {
  p1::Reading r;
  p1::ReadingValue v;
  v.obis = p1::Obis::of(1, 0, 1, 8, 0);
  v.magnitude = 12345;  // 12.345 kWh sent as 12345 x 10^0 Wh
  v.unit = 30;
  r.add(v);
  v.obis = p1::Obis::of(1, 0, 2, 7, 0);
  v.magnitude = 15;  // 1.5 kW export as 15 x 10^2 W
  v.scaler = 2;
  v.unit = 27;
  r.add(v);
  p1::HistorySample s;
  ASSERT_TRUE(p1::history_sample(r, 777, s));
  EXPECT_FALSE(s.from_meter_clock);
  EXPECT_EQ(s.at, 777);  // no clock: the fallback
  EXPECT_EQ(s.import_wh, 12345);
  EXPECT_EQ(s.export_wh, 0);
  EXPECT_EQ(s.net_w, -1500);
  p1::Reading empty;
  EXPECT_FALSE(p1::history_sample(empty, 0, s));
}

TEST(HistoryPeriods, AlignToTheWallClockAndTheCalendar) {
  int64_t t = wall_seconds("2024-02-29T23:59:59");
  EXPECT_EQ(p1::period_start(t, HistoryPeriod::kHour), wall_seconds("2024-02-29T23:00:00"));
  EXPECT_EQ(p1::period_start(t, HistoryPeriod::kDay), wall_seconds("2024-02-29T00:00:00"));
  EXPECT_EQ(p1::period_start(t, HistoryPeriod::kMonth), wall_seconds("2024-02-01T00:00:00"));
  EXPECT_EQ(p1::period_next(wall_seconds("2024-02-01T00:00:00"), HistoryPeriod::kMonth), wall_seconds("2024-03-01T00:00:00"));
  EXPECT_EQ(p1::period_next(wall_seconds("2024-12-01T00:00:00"), HistoryPeriod::kMonth), wall_seconds("2025-01-01T00:00:00"));
  EXPECT_EQ(p1::period_next(wall_seconds("2025-01-01T00:00:00"), HistoryPeriod::kMonth), wall_seconds("2025-02-01T00:00:00"));
  EXPECT_EQ(p1::period_next(wall_seconds("2024-03-31T00:00:00"), HistoryPeriod::kDay), wall_seconds("2024-04-01T00:00:00"));
  EXPECT_EQ(p1::period_start(wall_seconds("2024-03-01T00:00:00"), HistoryPeriod::kMonth), wall_seconds("2024-03-01T00:00:00"));
}

}  // namespace
