// When both front-ends publish the demand and write its state
// (core/p1/demand/demand_reporter.h): nothing before a first figure, a
// quarter hour's end at once, running values at most every 10 s of the
// meter clock, the state written only when a quarter hour ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "p1/demand/demand_reporter.h"

namespace {

// A reading at `seconds` past 2026-12-02 10:00:00 (+01:00) with 1.8.0 in Wh.
p1::Reading reading_at(int seconds, int64_t import_wh) {
  p1::DlmsDateTime t;
  t.year = 2026;
  t.month = 12;
  t.day = 2;
  t.hour = static_cast<uint8_t>(10 + seconds / 3600);
  t.minute = static_cast<uint8_t>(seconds / 60 % 60);
  t.second = static_cast<uint8_t>(seconds % 60);
  t.deviation = -60;
  p1::Reading r;
  EXPECT_EQ(r.add_clock(t), p1::Error::kNone);
  p1::ReadingValue energy;
  energy.obis = p1::obis::kEnergyImport;
  energy.magnitude = import_wh;
  energy.unit = static_cast<uint8_t>(p1::Unit::kWattHour);
  EXPECT_EQ(r.add(energy), p1::Error::kNone);
  return r;
}

struct Steps {
  std::vector<int> published, saved;
};

// Feeds a reading every `every` seconds from `from` to `to` at 1 Wh/s (3,600 W).
Steps run(p1::DemandReporter& reporter, int from, int to, int every) {
  Steps s;
  for (int t = from; t <= to; t += every) {
    p1::DemandReporter::Step step = reporter.on_reading(reading_at(t, 1000000 + t));
    EXPECT_TRUE(step.accepted) << t;
    if (step.publish) s.published.push_back(t);
    if (step.save) s.saved.push_back(t);
  }
  return s;
}

TEST(DemandReporter, NothingBeforeAFigureThenTheEndAtOnceAndRunningValuesEvery10s) {
  p1::DemandReporter reporter;
  // A fresh start at 10:05: the quarter hour in progress cannot be complete,
  // so there is no figure until 10:15 ends it.
  Steps s = run(reporter, 300, 940, 4);
  ASSERT_FALSE(s.published.empty());
  EXPECT_EQ(s.published.front(), 900) << "the first quarter hour's end, at once";
  EXPECT_EQ(s.saved, std::vector<int>{900}) << "written once, when the quarter hour ended";
  // After it: a running value at most every 10 s of the meter clock.
  for (size_t i = 1; i < s.published.size(); ++i) EXPECT_GE(s.published[i] - s.published[i - 1], 10);
  EXPECT_EQ(s.published, (std::vector<int>{900, 912, 924, 936}));
  EXPECT_TRUE(reporter.dirty());
  uint8_t state[p1::QuarterHourDemand::kStateSize];
  EXPECT_EQ(reporter.save(p1::MutableByteSpan(state, sizeof state)), sizeof state);
  reporter.mark_saved();
  EXPECT_FALSE(reporter.dirty());
}

TEST(DemandReporter, AQuarterHourEndIsPublishedEvenRightAfterARunningValue) {
  p1::DemandReporter reporter;
  Steps s = run(reporter, 0, 1803, 3);
  // 900 and 1800 end quarter hours: published although 897 / 1797 were
  // published less than 10 s before.
  EXPECT_NE(std::find(s.published.begin(), s.published.end(), 1800), s.published.end());
  EXPECT_EQ(s.saved, (std::vector<int>{900, 1800}));
  EXPECT_EQ(reporter.demand().last().import_mw(), 3600000) << "1 Wh a second is 3,600 W";
}

TEST(DemandReporter, ARepeatedSecondOrAReadingWithoutClockIsNotAStep) {
  p1::DemandReporter reporter;
  EXPECT_TRUE(reporter.on_reading(reading_at(10, 5)).accepted);
  p1::DemandReporter::Step repeat = reporter.on_reading(reading_at(10, 5));
  EXPECT_FALSE(repeat.accepted);
  EXPECT_FALSE(repeat.publish);
  EXPECT_FALSE(reporter.on_reading(p1::Reading()).accepted);
}

TEST(DemandReporter, ALoadedStateHasFiguresAtOnce) {
  p1::DemandReporter first;
  run(first, 0, 960, 5);
  uint8_t state[p1::QuarterHourDemand::kStateSize];
  ASSERT_EQ(first.save(p1::MutableByteSpan(state, sizeof state)), sizeof state);
  p1::DemandReporter second;
  EXPECT_FALSE(second.has_figures());
  ASSERT_EQ(second.load(p1::ByteSpan(state, sizeof state)), p1::DemandStateError::kNone);
  EXPECT_TRUE(second.has_figures());
  EXPECT_TRUE(second.on_reading(reading_at(965, 1000965)).publish) << "the first step after a restart publishes";
}

}  // namespace
