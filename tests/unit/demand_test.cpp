// The quarter-hour demand state machine (core/p1/demand/quarter_hour.h):
// exact figures, boundaries interpolated, every break (gap, clock back,
// register down) marking the quarter hours it touches incomplete, daylight-
// saving days of 92 and 100 quarter hours, the day and month peaks, the
// saved state (round trip, torn, corrupt), and the sample taken from every
// shared real telegram.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "p1/base/hex.h"
#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/demand/quarter_hour.h"
#include "p1/output/demand_json.h"
#include "p1/output/ha_discovery.h"
#include "support/testdata.h"

namespace {

using p1::DemandBreak;
using p1::DemandSample;
using p1::MeterTime;
using p1::QuarterHourDemand;

// Meter time of a local date and time with its offset (minutes east).
MeterTime at(int y, int mo, int d, int h, int mi, int s, int offset_minutes = 60) {
  p1::DlmsDateTime t;
  t.year = static_cast<uint16_t>(y);
  t.month = static_cast<uint8_t>(mo);
  t.day = static_cast<uint8_t>(d);
  t.hour = static_cast<uint8_t>(h);
  t.minute = static_cast<uint8_t>(mi);
  t.second = static_cast<uint8_t>(s);
  t.deviation = static_cast<int16_t>(-offset_minutes);
  MeterTime m;
  EXPECT_TRUE(t.to_seconds(m.seconds));
  m.offset_minutes = static_cast<int16_t>(offset_minutes);
  m.has_offset = true;
  return m;
}

MeterTime plus(MeterTime t, int64_t seconds) {
  t.seconds += seconds;
  return t;
}

DemandSample sample(const MeterTime& t, int64_t import_mwh, int64_t export_mwh = -1) {
  DemandSample s;
  s.time = t;
  s.import_mwh = import_mwh;
  s.has_export = export_mwh >= 0;
  s.export_mwh = export_mwh >= 0 ? export_mwh : 0;
  return s;
}

std::string iso(const MeterTime& t) {
  char out[p1::DlmsDateTime::kIsoMax];
  return std::string(out, t.to_date_time().to_iso(out));
}

// Readings every `step` seconds from `from` at a constant power, the energy
// registers rising exactly with it from the reading before (powers are
// chosen so that every step is a whole number of mWh).
struct Feeder {
  explicit Feeder(QuarterHourDemand& d) : demand(d) {}
  QuarterHourDemand& demand;
  int64_t import_mwh = 5000000;
  int64_t export_mwh = 0;
  bool has_last = false;
  int64_t last_seconds = 0;
  std::vector<p1::QuarterHour> closed;  // every quarter hour that ended with a reading
  p1::DemandUpdate feed(const MeterTime& t) {
    p1::DemandUpdate u = demand.feed(sample(t, import_mwh, export_mwh));
    if (u.closed > 0) closed.push_back(demand.last());
    has_last = true;
    last_seconds = t.seconds;
    return u;
  }
  void run(MeterTime from, int64_t step, int count, int64_t import_mw, int64_t export_mw = 0) {
    for (int i = 0; i < count; ++i) {
      MeterTime t = plus(from, i * step);
      if (has_last) {
        EXPECT_EQ(import_mw * (t.seconds - last_seconds) % 3600, 0) << "choose a power that steps in whole mWh";
        import_mwh += import_mw * (t.seconds - last_seconds) / 3600;
        export_mwh += export_mw * (t.seconds - last_seconds) / 3600;
      }
      feed(t);
    }
  }
};

TEST(Demand, ThousandWattHoursInAQuarterHourAre4000W) {
  QuarterHourDemand d;
  // Readings on the boundaries (no interpolation), 30 s apart.
  MeterTime t0 = at(2026, 1, 15, 9, 59, 30);
  EXPECT_EQ(d.feed(sample(t0, 4990000)).cause, DemandBreak::kFirst);
  EXPECT_EQ(d.feed(sample(plus(t0, 30), 5000000)).closed, 1u);  // 10:00:00 closes 09:45 (incomplete: no start)
  EXPECT_FALSE(d.last().complete);
  int64_t e = 5000000;
  for (int i = 2; i <= 31; ++i) {
    e = 5000000 + 1000000LL * (i - 1) / 30;  // 1000 Wh over the 30 steps of 30 s
    p1::DemandUpdate u = d.feed(sample(plus(t0, i * 30), e));
    EXPECT_EQ(u.closed, i == 31 ? 1u : 0u) << i;
  }
  ASSERT_TRUE(d.has_last());
  EXPECT_TRUE(d.last().complete);
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:00:00+01:00");
  EXPECT_EQ(d.last().import_mwh, 1000000);
  EXPECT_EQ(d.last().import_mw(), 4000000);
  EXPECT_TRUE(d.day_peak().import_peak.valid);
  EXPECT_EQ(d.day_peak().import_peak.mw, 4000000);
  EXPECT_EQ(iso(d.day_peak().import_peak.start), "2026-01-15T10:00:00+01:00");
  EXPECT_EQ(d.month_peak().import_peak.mw, 4000000);
  EXPECT_FALSE(d.previous_month_peak().import_peak.valid);
}

TEST(Demand, BoundariesAreInterpolatedBetweenTheReadingsAround) {
  QuarterHourDemand d;
  d.feed(sample(at(2026, 1, 15, 9, 59, 50), 0, 0));
  d.feed(sample(at(2026, 1, 15, 10, 0, 10), 20000, 40000));  // E(10:00) = 10,000 / 20,000 mWh
  // Readings every 55 s (within the 60 s limit) with energy rising 1 Wh per second.
  MeterTime t = at(2026, 1, 15, 10, 0, 10);
  int64_t e = 20000;
  while (true) {
    MeterTime next = plus(t, 55);
    if (next.seconds >= at(2026, 1, 15, 10, 14, 55).seconds) break;
    e += 55000;
    d.feed(sample(next, e, 40000));
    t = next;
  }
  // Last reading before the end at 10:14:55 and the one after at 10:15:05:
  // chosen so that E(10:15) = 10,000 + 1,000,000 mWh.
  d.feed(sample(at(2026, 1, 15, 10, 14, 55), 1000000, 40000));
  EXPECT_EQ(d.feed(sample(at(2026, 1, 15, 10, 15, 5), 1020000, 40000 + 250000)).closed, 1u);
  ASSERT_TRUE(d.last().complete);
  EXPECT_EQ(d.last().import_mwh, 1000000);
  EXPECT_EQ(d.last().import_mw(), 4000000);
  // Export: 20,000 mWh at the start, 40,000 + 125,000 at the end.
  EXPECT_EQ(d.last().export_mwh, 145000);
  EXPECT_EQ(d.last().export_mw(), 580000);
}

TEST(Demand, RunningValueIsEnergySoFarOverElapsedTime) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 73, 3600000);  // 3.6 kW until 10:05:00
  int64_t import_mw = 0, export_mw = 0, elapsed = 0;
  ASSERT_TRUE(d.running(import_mw, export_mw, elapsed));
  EXPECT_EQ(elapsed, 300);
  EXPECT_EQ(import_mw, 3600000);
  EXPECT_EQ(export_mw, 0);
  char out[1024];
  auto n = p1::format_demand_json(d, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  std::string json(out, *n);
  EXPECT_NE(json.find("\"current_start\":\"2026-01-15T10:00:00+01:00\",\"current_complete\":true,"
                      "\"current_seconds\":300,\"current_import_w\":3600,\"current_export_w\":0"),
            std::string::npos)
      << json;
}

TEST(Demand, AGapOfExactlyTheLimitKeepsTheQuarterHourComplete) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 30, 30, 3600000);  // to 10:13:30
  f.import_mwh += 60000;
  f.feed(at(2026, 1, 15, 10, 14, 30));
  f.import_mwh += 60000;
  EXPECT_EQ(f.feed(at(2026, 1, 15, 10, 15, 30)).cause, DemandBreak::kNone);  // 60 s: not more than the limit
  ASSERT_TRUE(d.last().complete);
  EXPECT_EQ(d.last().import_mw(), 3600000);
}

TEST(Demand, AGapAroundABoundaryMakesBothQuarterHoursIncomplete) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 175, 3600000);  // to 10:13:30
  f.import_mwh += 61000;
  p1::DemandUpdate u = f.feed(at(2026, 1, 15, 10, 14, 31));  // 61 s inside 10:00-10:15
  EXPECT_EQ(u.cause, DemandBreak::kGap);
  EXPECT_EQ(u.closed, 0u);
  EXPECT_FALSE(d.current_complete_so_far());
  int64_t a = 0, b = 0, c = 0;
  EXPECT_FALSE(d.running(a, b, c)) << "no running value for a quarter hour that cannot be complete";
  f.import_mwh += 90000;
  u = f.feed(at(2026, 1, 15, 10, 16, 1));  // 90 s across 10:15
  EXPECT_EQ(u.cause, DemandBreak::kGap);
  EXPECT_EQ(u.closed, 1u);
  EXPECT_FALSE(d.last().complete);
  EXPECT_EQ(d.last().import_mwh, 0) << "never a guessed value";
  f.run(at(2026, 1, 15, 10, 16, 6), 5, 180, 3600000);  // to 10:31:01
  ASSERT_GE(f.closed.size(), 3u);
  EXPECT_EQ(iso(f.closed[f.closed.size() - 1].start), "2026-01-15T10:15:00+01:00");
  EXPECT_FALSE(f.closed[f.closed.size() - 1].complete) << "its start was in the gap";
  EXPECT_FALSE(d.day_peak().import_peak.valid) << "incomplete quarter hours are no peaks";
  f.run(at(2026, 1, 15, 10, 31, 6), 5, 180, 2160000);  // to 10:46:01
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:30:00+01:00");
  EXPECT_TRUE(d.last().complete);
  EXPECT_TRUE(d.day_peak().import_peak.valid);
}

TEST(Demand, AGapOverSeveralQuarterHoursClosesEachIncomplete) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 192, 3600000);  // to 10:14:55
  f.import_mwh += 1000000;
  p1::DemandUpdate u = f.feed(at(2026, 1, 15, 11, 0, 5));
  EXPECT_EQ(u.cause, DemandBreak::kGap);
  EXPECT_EQ(u.closed, 4u);  // 10:00, 10:15, 10:30, 10:45
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:45:00+01:00");
  EXPECT_FALSE(d.last().complete);
  EXPECT_EQ(iso(d.current_start()), "2026-01-15T11:00:00+01:00");
  EXPECT_FALSE(d.current_complete_so_far());
}

TEST(Demand, ClockJumpingForwardInsideAQuarterHourMakesItIncomplete) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 25, 3600000);  // to 10:01:00
  f.import_mwh += 5000;
  EXPECT_EQ(f.feed(at(2026, 1, 15, 10, 9, 0)).cause, DemandBreak::kGap);  // 8 min in 5 s
  f.run(at(2026, 1, 15, 10, 9, 5), 5, 200, 3600000);
  ASSERT_FALSE(f.closed.empty());
  EXPECT_EQ(iso(f.closed.back().start), "2026-01-15T10:00:00+01:00");
  EXPECT_FALSE(f.closed.back().complete);
}

TEST(Demand, ClockGoingBackwardsRestarts) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 97, 3600000);  // to 10:07:00
  f.import_mwh += 5000;
  p1::DemandUpdate u = f.feed(at(2026, 1, 15, 10, 6, 0));
  EXPECT_EQ(u.cause, DemandBreak::kClockBackwards);
  EXPECT_EQ(u.closed, 1u);
  EXPECT_FALSE(d.last().complete);
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:00:00+01:00");
  EXPECT_FALSE(d.current_complete_so_far());
  f.run(at(2026, 1, 15, 10, 6, 5), 5, 120, 3600000);  // to 10:16:00
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:00:00+01:00");
  EXPECT_FALSE(d.last().complete) << "the quarter hour after the jump has no known start";
  EXPECT_TRUE(d.current_complete_so_far());
}

TEST(Demand, RepeatedSecondIsIgnored) {
  QuarterHourDemand d;
  d.feed(sample(at(2026, 1, 15, 10, 0, 0), 1000));
  p1::DemandUpdate u = d.feed(sample(at(2026, 1, 15, 10, 0, 0), 2000));
  EXPECT_FALSE(u.accepted);
  EXPECT_EQ(d.last_sample().import_mwh, 1000);
}

TEST(Demand, EnergyRegisterGoingDownRestarts) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 40, 3600000);
  f.import_mwh = 1000;  // a new meter
  p1::DemandUpdate u = f.feed(at(2026, 1, 15, 10, 2, 20));
  EXPECT_EQ(u.cause, DemandBreak::kRegisterDown);
  EXPECT_FALSE(d.last().complete);
  f.import_mwh = 5000000;
  f.export_mwh = 1000;
  f.feed(at(2026, 1, 15, 10, 2, 25));
  f.export_mwh = 500;
  EXPECT_EQ(f.feed(at(2026, 1, 15, 10, 2, 30)).cause, DemandBreak::kRegisterDown) << "export counts too";
}

TEST(Demand, PeaksPerLocalDayAndMonthAndThePreviousMonth) {
  QuarterHourDemand d;
  Feeder f{d};
  // 31 January 23:00-24:00: 1.44 kW, then 5.04 kW in 23:30-23:45, then 2.88 kW.
  // A run's power holds from the reading before its first one.
  f.run(at(2026, 1, 31, 22, 59, 55), 5, 2 + 12 * 30, 1440000);  // to 23:30:00
  f.run(at(2026, 1, 31, 23, 30, 5), 5, 180, 5040000);           // to 23:45:00
  f.run(at(2026, 1, 31, 23, 45, 5), 5, 179, 2880000);           // to 23:59:55
  EXPECT_EQ(d.day_peak().import_peak.mw, 5040000);
  EXPECT_EQ(iso(d.day_peak().import_peak.start), "2026-01-31T23:30:00+01:00");
  EXPECT_EQ(d.month_peak().import_peak.mw, 5040000);
  // 1 February 00:00: 0.72 kW.
  f.run(at(2026, 2, 1, 0, 0, 0), 5, 1, 2880000);
  EXPECT_FALSE(d.day_peak().import_peak.valid) << "a new day starts without a peak";
  f.run(at(2026, 2, 1, 0, 0, 5), 5, 181, 720000);  // to 00:15:05
  EXPECT_EQ(iso(d.last().start), "2026-02-01T00:00:00+01:00");
  EXPECT_EQ(d.day_peak().import_peak.mw, 720000) << "a new day starts over";
  EXPECT_EQ(d.month_peak().import_peak.mw, 720000) << "a new month starts over";
  EXPECT_EQ(d.previous_month_peak().import_peak.mw, 5040000);
  EXPECT_EQ(iso(d.previous_month_peak().import_peak.start), "2026-01-31T23:30:00+01:00");
  // The 23:45 quarter hour ended with the first reading of February and
  // counted for January's day.
  ASSERT_GE(f.closed.size(), 2u);
  EXPECT_EQ(iso(f.closed[f.closed.size() - 2].start), "2026-01-31T23:45:00+01:00");
  EXPECT_EQ(f.closed[f.closed.size() - 2].import_mw(), 2880000);
}

TEST(Demand, ExportPeaksAreKeptApart) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 6, 15, 11, 59, 55, 120), 5, 2 + 180, 0, 7200000);  // 7.2 kW export, 12:00-12:15 (CEST)
  f.run(at(2026, 6, 15, 12, 15, 5, 120), 5, 180, 360000, 0);
  EXPECT_EQ(d.day_peak().export_peak.mw, 7200000);
  ASSERT_GE(f.closed.size(), 2u);
  EXPECT_EQ(f.closed[f.closed.size() - 2].import_mw(), 0) << "no import in the export quarter hour";
  EXPECT_EQ(f.closed.back().import_mw(), 360000);
  EXPECT_EQ(f.closed.back().export_mw(), 0);
  EXPECT_EQ(d.day_peak().import_peak.mw, 360000);
  EXPECT_EQ(iso(d.day_peak().export_peak.start), "2026-06-15T12:00:00+02:00");
}

// Readings every 30 s over a whole local day with the meter's offset
// switching at 01:00 UTC, as a meter in Europe/Vienna does.
int complete_quarter_hours_of_local_day(int month, int day, int offset_before, int offset_after) {
  QuarterHourDemand d;
  MeterTime start = at(2026, month, day - 1, 23, 50, 0, offset_before);
  MeterTime switch_at = at(2026, month, day, 1, 0, 0, 0);  // 01:00 UTC
  int64_t e = 1000000;
  int complete = 0, incomplete = 0;
  for (int i = 0; i < 26 * 120 + 60; ++i) {
    MeterTime t = plus(start, i * 30);
    if (t.seconds >= switch_at.seconds) t.offset_minutes = static_cast<int16_t>(offset_after);
    e += 25000;  // 3 kW
    p1::DemandUpdate u = d.feed(sample(t, e));
    if (u.closed == 0) continue;
    p1::DlmsDateTime local = d.last().start.to_date_time();
    if (local.day != day) continue;
    (d.last().complete ? complete : incomplete)++;
    EXPECT_EQ(d.last().import_mw(), d.last().complete ? 3000000 : 0);
  }
  EXPECT_EQ(incomplete, 0);
  return complete;
}

TEST(Demand, DaylightSavingStartDayHas92QuarterHours) {
  EXPECT_EQ(complete_quarter_hours_of_local_day(3, 29, 60, 120), 92);
}

TEST(Demand, DaylightSavingEndDayHas100QuarterHours) {
  EXPECT_EQ(complete_quarter_hours_of_local_day(10, 25, 120, 60), 100);
}

TEST(Demand, TheRepeatedHourOfOctoberIsTwoDistinctQuarterHours) {
  QuarterHourDemand d;
  Feeder f{d};
  f.run(at(2026, 10, 25, 2, 44, 0, 120), 30, 2 + 30, 2400000);  // 02:44 CEST to 03:00 CEST = 02:00 CET
  f.run(at(2026, 10, 25, 2, 0, 30, 60), 30, 30, 3600000);       // 02:00:30 CET to 02:15:00 CET
  ASSERT_GE(f.closed.size(), 2u);
  EXPECT_EQ(iso(f.closed[f.closed.size() - 2].start), "2026-10-25T02:45:00+02:00");
  EXPECT_EQ(iso(f.closed.back().start), "2026-10-25T02:00:00+01:00");
  EXPECT_TRUE(f.closed.back().complete);
  EXPECT_EQ(f.closed.back().import_mw(), 3600000);
}

TEST(Demand, MeterWithoutOffsetUsesItsLocalClock) {
  QuarterHourDemand d;
  Feeder f{d};
  MeterTime t = at(2026, 1, 15, 9, 59, 0);
  t.seconds += 3600;  // the same wall-clock digits as local time
  t.has_offset = false;
  t.offset_minutes = 0;
  f.run(t, 5, 200, 3600000);
  EXPECT_EQ(iso(d.last().start), "2026-01-15T10:00:00");
  EXPECT_TRUE(d.last().complete);
}

TEST(DemandState, SavedStateContinuesExactlyLikeTheOriginal) {
  QuarterHourDemand a, b;
  Feeder fa{a};
  fa.run(at(2026, 1, 31, 23, 40, 0), 5, 150, 2520000, 72000);
  uint8_t bytes[QuarterHourDemand::kStateSize];
  ASSERT_EQ(a.save(p1::MutableByteSpan(bytes, sizeof bytes)), QuarterHourDemand::kStateSize);
  ASSERT_EQ(b.load(p1::ByteSpan(bytes, sizeof bytes)), p1::DemandStateError::kNone);
  Feeder fb{b};
  fb.import_mwh = fa.import_mwh;
  fb.export_mwh = fa.export_mwh;
  fb.has_last = true;
  fb.last_seconds = fa.last_seconds;
  MeterTime next = plus(at(2026, 1, 31, 23, 40, 0), 150 * 5);
  fa.run(next, 5, 400, 6120000, 0);
  fb.run(next, 5, 400, 6120000, 0);
  char ja[1024], jb[1024];
  auto na = p1::format_demand_json(a, p1::CharSpan(ja, sizeof ja));
  auto nb = p1::format_demand_json(b, p1::CharSpan(jb, sizeof jb));
  ASSERT_TRUE(na && nb);
  EXPECT_EQ(std::string(ja, *na), std::string(jb, *nb));
  EXPECT_TRUE(b.previous_month_peak().import_peak.valid);
  uint8_t again[QuarterHourDemand::kStateSize];
  a.save(p1::MutableByteSpan(again, sizeof again));
  uint8_t again_b[QuarterHourDemand::kStateSize];
  b.save(p1::MutableByteSpan(again_b, sizeof again_b));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(again), sizeof again),
            std::string(reinterpret_cast<char*>(again_b), sizeof again_b));
}

TEST(DemandState, TornCorruptOrForeignStateIsRefusedAndStartsFresh) {
  QuarterHourDemand a;
  Feeder f{a};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 300, 3600000);
  uint8_t bytes[QuarterHourDemand::kStateSize];
  ASSERT_EQ(a.save(p1::MutableByteSpan(bytes, sizeof bytes)), sizeof bytes);
  uint8_t small[10];
  EXPECT_EQ(a.save(p1::MutableByteSpan(small, sizeof small)), 0u);
  QuarterHourDemand b;
  for (size_t cut = 0; cut < sizeof bytes; ++cut) {
    EXPECT_EQ(b.load(p1::ByteSpan(bytes, cut)), p1::DemandStateError::kTooShort) << cut;
    EXPECT_FALSE(b.has_sample());
  }
  for (size_t i = 0; i < sizeof bytes; ++i) {
    uint8_t copy[sizeof bytes];
    std::copy(bytes, bytes + sizeof bytes, copy);
    copy[i] ^= 0x10;
    p1::DemandStateError e = b.load(p1::ByteSpan(copy, sizeof copy));
    EXPECT_NE(e, p1::DemandStateError::kNone) << "byte " << i;
    EXPECT_FALSE(b.has_sample());
    p1::DemandStateError expected = i < 4 ? p1::DemandStateError::kBadMagic
                                    : i == 4 ? p1::DemandStateError::kBadVersion
                                             : p1::DemandStateError::kBadChecksum;
    EXPECT_EQ(e, expected) << "byte " << i;
  }
  std::vector<uint8_t> longer(bytes, bytes + sizeof bytes);
  longer.push_back(0);
  EXPECT_EQ(b.load(p1::ByteSpan(longer.data(), longer.size())), p1::DemandStateError::kBadChecksum);
  EXPECT_STREQ(p1::describe(p1::DemandStateError::kBadChecksum), "checksum mismatch (corrupt or torn)");
}

TEST(DemandJson, FreshStateIsAllNullAndEveryFieldIsAKey) {
  QuarterHourDemand d;
  char out[1024];
  auto n = p1::format_demand_json(d, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(out, *n),
            "{\"timestamp\":null,\"current_start\":null,\"current_complete\":false,\"current_seconds\":null,"
            "\"current_import_w\":null,\"last_start\":null,\"last_complete\":false,\"last_import_w\":null,"
            "\"day_peak_import_w\":null,\"day_peak_import_start\":null,\"month_peak_import_w\":null,"
            "\"month_peak_import_start\":null,\"previous_month_peak_import_w\":null,"
            "\"previous_month_peak_import_start\":null}");
  Feeder f{d};
  f.run(at(2026, 1, 15, 9, 59, 0), 5, 200, 3600000, 0);
  n = p1::format_demand_json(d, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  nlohmann::json j = nlohmann::json::parse(std::string(out, *n));
  for (const p1::DemandField& field : p1::demand_fields()) {
    char key[64];
    p1::TextBuffer b(p1::CharSpan(key, sizeof key));
    p1::put_demand_key(b, field);
    EXPECT_TRUE(j.contains(std::string(key, b.size()))) << std::string(key, b.size());  // the feeder sends 2.8.0
  }
  EXPECT_EQ(j["last_import_w"], 3600);
  EXPECT_EQ(j["day_peak_import_start"], "2026-01-15T10:00:00+01:00");
  EXPECT_EQ(j["last_complete"], true);
  EXPECT_FALSE(p1::format_demand_json(d, p1::CharSpan(out, 100)));
}

TEST(DemandDiscovery, PowerAndTimestampSensorsWithTheirClasses) {
  p1::DiscoveryTarget t;
  t.meter_number = "1KFM0200234804";
  t.base_topic = "house";
  EXPECT_EQ(p1::demand_sensor_count(true), p1::demand_fields().size());
  EXPECT_EQ(p1::demand_sensor_count(false), 8u);
  char topic[256], payload[2048];
  bool saw_power = false, saw_time = false;
  for (size_t i = 0; i < p1::demand_sensor_count(false); ++i) {
    auto tn = p1::format_demand_discovery_topic(t, i, false, p1::CharSpan(topic, sizeof topic));
    auto pn = p1::format_demand_discovery_config(t, i, false, p1::CharSpan(payload, sizeof payload));
    ASSERT_TRUE(tn && pn);
    nlohmann::json j = nlohmann::json::parse(std::string(payload, *pn));
    std::string key = j["value_template"].get<std::string>();
    EXPECT_EQ(j["state_topic"], "house/demand");
    EXPECT_EQ(key.find("export"), std::string::npos);
    EXPECT_FALSE(j.contains("expire_after")) << "none when the target has none";
    if (j["device_class"] == "power") {
      saw_power = true;
      EXPECT_EQ(j["unit_of_measurement"], "W");
      EXPECT_EQ(j["state_class"], "measurement");
    } else {
      saw_time = true;
      EXPECT_EQ(j["device_class"], "timestamp");
      EXPECT_FALSE(j.contains("state_class"));
      EXPECT_FALSE(j.contains("unit_of_measurement"));
    }
  }
  EXPECT_TRUE(saw_power && saw_time);
  auto tn = p1::format_demand_discovery_topic(t, 0, true, p1::CharSpan(topic, sizeof topic));
  ASSERT_TRUE(tn);
  EXPECT_EQ(std::string(topic, *tn), "homeassistant/sensor/p1bridge_1kfm0200234804/demand_current_import_w/config");
  auto pn = p1::format_demand_discovery_config(t, 0, true, p1::CharSpan(payload, sizeof payload));
  nlohmann::json j = nlohmann::json::parse(std::string(payload, *pn));
  EXPECT_EQ(j["unique_id"], "p1bridge_1kfm0200234804_demand_current_import_w");
  EXPECT_EQ(j["value_template"], "{{ value_json.current_import_w }}");
  EXPECT_EQ(j["name"], "Demand current import");
  pn = p1::format_demand_discovery_config(t, 15, true, p1::CharSpan(payload, sizeof payload));
  ASSERT_TRUE(pn);
  j = nlohmann::json::parse(std::string(payload, *pn));
  EXPECT_EQ(j["name"], "Demand previous month peak export start");
  EXPECT_EQ(j["value_template"], "{{ value_json.previous_month_peak_export_start }}");
  EXPECT_FALSE(p1::format_demand_discovery_config(t, 16, true, p1::CharSpan(payload, sizeof payload)));
}

// The sample of every shared real telegram: its clock and 1.8.0 / 2.8.0 as
// the file lists them.
TEST(DemandGolden, SampleOfEveryRealTelegram) {
  int checked = 0;
  for (const std::string& id : p1test::telegram_ids()) {
    nlohmann::json t = p1test::load_telegram(id);
    p1::BearSslAesGcm gcm;
    p1::MeterStream stream(&gcm);
    ASSERT_TRUE(p1test::set_keys(stream, t));
    auto outcomes = p1test::run_stream(stream, p1enc::from_hex(t["hex"]));
    if (outcomes.size() != 1 || outcomes[0].event.kind != p1::StreamEvent::Kind::kReading) continue;
    const nlohmann::json& obis = t["expected"]["obis"];
    const char* import_key = obis.contains("1.0.1.8.0.255") ? "1.0.1.8.0.255" : "1.1.1.8.0.255";
    DemandSample s;
    bool ok = p1::demand_sample(stream.reading(), s);
    if (!obis.contains(import_key) || !t["expected"]["timestamp"].is_string()) {
      EXPECT_FALSE(ok) << id;
      continue;
    }
    ASSERT_TRUE(ok) << id;
    const nlohmann::json& e = obis[import_key];
    double wh = e["value"].get<double>();
    if (e.contains("unit") && e["unit"] == "kWh") wh *= 1000;
    EXPECT_EQ(s.import_mwh, static_cast<int64_t>(wh * 1000 + 0.5)) << id;
    EXPECT_EQ(iso(s.time), t["expected"]["timestamp"].get<std::string>()) << id;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(DemandGolden, ReadingWithoutClockOrImportIsNoSample) {
  p1::Reading r;
  DemandSample s;
  EXPECT_FALSE(p1::demand_sample(r, s));
  p1::DlmsDateTime invalid;
  invalid.year = 2026;
  invalid.month = 1;
  invalid.day = 1;
  invalid.deviation = -60;
  invalid.status = p1::DlmsDateTime::kStatusInvalid;
  r.add_clock(invalid);
  p1::ReadingValue energy;
  energy.obis = p1::obis::kEnergyImport;
  energy.magnitude = 5;
  energy.unit = static_cast<uint8_t>(p1::Unit::kWattHour);
  r.add(energy);
  EXPECT_FALSE(p1::demand_sample(r, s)) << "a clock marked invalid";
  p1::Reading varh;
  invalid.status = 0;
  varh.add_clock(invalid);
  energy.unit = static_cast<uint8_t>(p1::Unit::kVarHour);
  varh.add(energy);
  EXPECT_FALSE(p1::demand_sample(varh, s)) << "1.8.0 in another unit";
}

TEST(DateTime, FromSecondsIsTheInverseOfToSeconds) {
  for (int64_t s : {86400LL, 172799LL, 5097600LL, 836524800LL, 1000000007LL, 3155760000LL}) {
    for (int16_t deviation : {int16_t{-120}, int16_t{-60}, int16_t{0}, int16_t{330},
                              p1::DlmsDateTime::kDeviationUnspecified}) {
      p1::DlmsDateTime t = p1::DlmsDateTime::from_seconds(s, deviation);
      int64_t back = 0;
      ASSERT_TRUE(t.to_seconds(back)) << s;
      EXPECT_EQ(back, s) << s << " " << deviation;
    }
  }
  p1::DlmsDateTime t = p1::DlmsDateTime::from_seconds(at(2026, 3, 29, 3, 0, 0, 120).seconds, -120);
  char out[p1::DlmsDateTime::kIsoMax];
  EXPECT_EQ(std::string(out, t.to_iso(out)), "2026-03-29T03:00:00+02:00");
  EXPECT_EQ(t.weekday, 7);  // a Sunday
}

}  // namespace
