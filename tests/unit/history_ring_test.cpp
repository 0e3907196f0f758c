// The device's history (core/p1/history/history_ring): energy per period
// from the registers at the boundaries, a restart in the middle of an hour,
// gaps, the autumn clock change, a month change, the day's peak, the live
// ring, when flash is written, a write cut at every byte, slots of other
// periods or formats, and the longest answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <time.h>

#include <cstring>
#include <vector>

#include "p1/history/history_ring.h"
#include "support/fakes.h"
#include "support/history_samples.h"

namespace {

using nlohmann::json;
using p1::HistoryRing;
using p1::HistorySeries;

using p1test::wall;
template <typename... A>
p1::HistorySample sample(A... a) {
  return p1test::history_sample_at(a...);
}

using MemoryMedium = p1test::MemoryHistoryMedium;

json series(HistoryRing& ring, HistorySeries which) {
  char text[HistoryRing::kMaxSeriesText + 2];
  p1::TextBuffer out(p1::CharSpan(text, sizeof text));
  out.put('{');
  ring.write_series(out, which);
  out.put('}');
  EXPECT_FALSE(out.overflow());
  return json::parse(std::string(text, out.size())).begin().value();
}

json row(const char* iso, int64_t a, int64_t b) { return json::array({wall(iso), a, b}); }

TEST(HistoryRing, EnergyPerPeriodIsTheRegistersDifferenceAtTheBoundaries) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  ring.add(sample("2026-03-31T22:00:05", 1000, 50));
  ring.add(sample("2026-03-31T22:59:55", 1400, 60));
  ring.add(sample("2026-03-31T23:00:05", 1410, 61));
  ring.add(sample("2026-03-31T23:59:59", 1500, 70));
  ring.add(sample("2026-04-01T00:00:04", 1502, 70));  // a new day and month
  ring.add(sample("2026-04-01T00:30:00", 1600, 90));
  ASSERT_TRUE(ring.flush());
  // Each hour up to the next one's first registers: 22:00 ends at 1410.
  EXPECT_EQ(series(ring, HistorySeries::kHours),
            json::array({row("2026-03-31T22:00:00", 410, 11), row("2026-03-31T23:00:00", 92, 9),
                         row("2026-04-01T00:00:00", 98, 20)}));
  EXPECT_EQ(series(ring, HistorySeries::kDays),
            json::array({row("2026-03-31T00:00:00", 502, 20), row("2026-04-01T00:00:00", 98, 20)}));
  EXPECT_EQ(series(ring, HistorySeries::kMonths),
            json::array({row("2026-03-01T00:00:00", 502, 20), row("2026-04-01T00:00:00", 98, 20)}));
}

TEST(HistoryRing, ARestartInTheMiddleOfAnHourGoesOnFromFlash) {
  MemoryMedium medium;
  {
    HistoryRing ring(medium);
    ring.add(sample("2026-06-01T10:00:03", 5000));
    ring.add(sample("2026-06-01T10:20:00", 5200));
    ASSERT_TRUE(ring.flush());
    ring.add(sample("2026-06-01T10:25:00", 5250));  // not written: lost with the power cut
  }
  HistoryRing ring(medium);
  EXPECT_EQ(series(ring, HistorySeries::kHours), json::array());
  ring.add(sample("2026-06-01T10:40:00", 5400));
  ring.add(sample("2026-06-01T11:00:01", 5600));
  ASSERT_TRUE(ring.flush());
  EXPECT_EQ(series(ring, HistorySeries::kHours),
            json::array({row("2026-06-01T10:00:00", 600, 0), row("2026-06-01T11:00:00", 0, 0)}));
  EXPECT_EQ(series(ring, HistorySeries::kDays), json::array({row("2026-06-01T00:00:00", 600, 0)}));
}

TEST(HistoryRing, AfterARestartTheStoredHistoryIsShownBeforeTheFirstReading) {
  MemoryMedium medium;
  json hours, days, peaks;
  {
    HistoryRing ring(medium);
    for (int64_t t = 0; t < 3 * 3600; t += 60) ring.add(sample(wall("2026-06-01T10:00:00") + t, 5000 + t / 60));
    ring.add_quarter_hour(wall("2026-06-01T11:00:00"), 900, true);
    ASSERT_TRUE(ring.flush());
    hours = series(ring, HistorySeries::kHours);
    days = series(ring, HistorySeries::kDays);
    peaks = series(ring, HistorySeries::kPeaks);
  }
  HistoryRing ring(medium);
  ring.load();
  EXPECT_EQ(series(ring, HistorySeries::kHours), hours);
  EXPECT_EQ(series(ring, HistorySeries::kDays), days);
  EXPECT_EQ(series(ring, HistorySeries::kPeaks), peaks);
  EXPECT_EQ(hours.size(), 3u);
  EXPECT_FALSE(ring.flush_due());  // loading writes nothing
}

// As the Linux program counts it: a period that the next reading follows
// directly ends at that reading's registers, also across a restart.
TEST(HistoryRing, OffAcrossAnHourTheEnergyUpToTheNextReadingIsTheHours) {
  MemoryMedium medium;
  {
    HistoryRing ring(medium);
    ring.add(sample("2026-06-01T10:00:03", 5000));
    ring.add(sample("2026-06-01T10:40:00", 5400));
    ASSERT_TRUE(ring.flush());
  }
  HistoryRing ring(medium);
  ring.load();
  ring.add(sample("2026-06-01T11:05:00", 5700));
  EXPECT_EQ(series(ring, HistorySeries::kHours),
            json::array({row("2026-06-01T10:00:00", 700, 0), row("2026-06-01T11:00:00", 0, 0)}));
}

TEST(HistoryRing, AfterAGapAPeriodEndsWithItsOwnLastReading) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  ring.add(sample("2026-06-01T10:00:03", 5000));
  ring.add(sample("2026-06-01T10:40:00", 5400));
  ASSERT_TRUE(ring.flush());
  ring.add(sample("2026-06-01T12:20:00", 6000));  // silent from 10:40 to 12:20
  ring.add(sample("2026-06-01T12:50:00", 6300));
  ASSERT_TRUE(ring.flush());
  EXPECT_EQ(series(ring, HistorySeries::kHours),
            json::array({row("2026-06-01T10:00:00", 400, 0), row("2026-06-01T12:00:00", 300, 0)}));
  // The day counts what was seen of it: the gap's energy is in no hour.
  EXPECT_EQ(series(ring, HistorySeries::kDays), json::array({row("2026-06-01T00:00:00", 1300, 0)}));
}

TEST(HistoryRing, TheAutumnChangesHourHoldsTwoHoursOfEnergy) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  // Wall clock: 02:00..02:59 CEST, then 02:00..02:59 CET again.
  ring.add(sample("2026-10-25T01:59:50", 100));
  ring.add(sample("2026-10-25T02:00:00", 101));
  ring.add(sample("2026-10-25T02:59:50", 200));
  ring.add(sample("2026-10-25T02:00:00", 201));  // 03:00 CEST = 02:00 CET
  ring.add(sample("2026-10-25T02:30:00", 250));
  ring.add(sample("2026-10-25T02:59:50", 300));
  ring.add(sample("2026-10-25T03:00:00", 301));
  ASSERT_TRUE(ring.flush());
  EXPECT_EQ(series(ring, HistorySeries::kHours),
            json::array({row("2026-10-25T01:00:00", 1, 0), row("2026-10-25T02:00:00", 200, 0),
                         row("2026-10-25T03:00:00", 0, 0)}));
}

TEST(HistoryRing, ShowsAsManyPeriodsAsTheLinuxProgramAndNoSlotOfAnotherPeriod) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  int64_t start = wall("2026-01-01T00:00:00");
  // 30 months, one reading an hour, 1 Wh per hour.
  int64_t hours = 30 * 31 * 24;
  for (int64_t h = 0; h < hours; ++h) {
    ring.add(sample(start + h * 3600 + 30, h));
    if (ring.flush_due()) {
      ASSERT_TRUE(ring.flush());
    }
  }
  json h = series(ring, HistorySeries::kHours), d = series(ring, HistorySeries::kDays),
       m = series(ring, HistorySeries::kMonths);
  ASSERT_EQ(h.size(), 48u);
  ASSERT_EQ(d.size(), 62u);
  ASSERT_EQ(m.size(), 24u);
  for (size_t i = 0; i + 1 < h.size(); ++i) {
    EXPECT_EQ(h[i][0].get<int64_t>() + 3600, h[i + 1][0].get<int64_t>());
    EXPECT_EQ(h[i][1], 1);
  }
  for (size_t i = 0; i + 1 < d.size(); ++i) {
    EXPECT_EQ(d[i][1], 24) << d[i];
  }
  int64_t month = m[0][0].get<int64_t>();
  EXPECT_EQ(m[0][1], (p1::period_next(month, p1::HistoryPeriod::kMonth) - month) / 3600);
  // The newest is the period in progress.
  EXPECT_EQ(h.back()[0], p1::period_start(start + (hours - 1) * 3600, p1::HistoryPeriod::kHour));
  EXPECT_EQ(h.back()[1], 0);
}

TEST(HistoryRing, WritesWhenAPeriodEndsAndOtherwiseAtMostEveryQuarterHour) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  int64_t start = wall("2026-06-01T00:00:00");
  for (int64_t t = 0; t < 86400; t += 5) {
    ring.add(sample(start + t, t / 5));
    if (ring.flush_due()) {
      ASSERT_TRUE(ring.flush());
    }
  }
  // 96 quarter hours: one write each (the hour's end is one of them).
  EXPECT_EQ(ring.writes(), 96u);
  EXPECT_EQ(medium.flushes, 96);
}

TEST(HistoryRing, TheDaysPeakIsItsHighestQuarterHourAlsoWhenItEndsAfterMidnight) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  ring.add(sample("2026-06-01T18:00:00", 100));
  ring.add_quarter_hour(wall("2026-06-01T18:00:00"), 2400, true);
  ring.add_quarter_hour(wall("2026-06-01T18:15:00"), 5200, false);  // incomplete: no average to compare
  ring.add_quarter_hour(wall("2026-06-01T18:30:00"), 3100, true);
  ring.add_quarter_hour(wall("2026-06-01T18:45:00"), 3000, true);  // lower: not the peak
  EXPECT_EQ(series(ring, HistorySeries::kPeaks),
            json::array({json::array({wall("2026-06-01T00:00:00"), 3100, wall("2026-06-01T18:30:00"), 1})}));
  ring.add(sample("2026-06-02T00:00:05", 900));
  // The 23:45 quarter hour ends with the first reading of the next day.
  ring.add_quarter_hour(wall("2026-06-01T23:45:00"), 6000, true);
  ASSERT_TRUE(ring.flush());
  ring.add_quarter_hour(wall("2026-06-02T07:45:00"), 1800, true);
  ASSERT_TRUE(ring.flush());
  json expected = json::array({json::array({wall("2026-06-01T00:00:00"), 6000, wall("2026-06-01T23:45:00"), 1}),
                               json::array({wall("2026-06-02T00:00:00"), 1800, wall("2026-06-02T07:45:00"), 1})});
  EXPECT_EQ(series(ring, HistorySeries::kPeaks), expected);
  // A quarter hour of a day already in flash only (after a restart).
  HistoryRing again(medium);
  again.add(sample("2026-06-02T08:00:05", 1000));
  again.add_quarter_hour(wall("2026-06-01T20:00:00"), 7000, true);
  ASSERT_TRUE(again.flush());
  expected[0] = json::array({wall("2026-06-01T00:00:00"), 7000, wall("2026-06-01T20:00:00"), 1});
  EXPECT_EQ(series(again, HistorySeries::kPeaks), expected);
}

TEST(HistoryRing, LivePowerIsAPointEveryTenSecondsOfTheLastTenMinutes) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  int64_t start = wall("2026-06-01T12:00:00");
  for (int64_t t = 0; t <= 1200; ++t) {
    ring.add(sample(start + t, 0, 0, t % 2 == 0 ? 1000 + t : -500));
  }
  json live = series(ring, HistorySeries::kLive);
  ASSERT_EQ(live.size(), HistoryRing::kLivePoints);
  EXPECT_EQ(live.back(), json::array({start + 1200, 2200}));
  EXPECT_EQ(live.front(), json::array({start + 1200 - 600, 1000 + 600}));
  // The clock going back starts the series again.
  ring.add(sample(start + 100, 0, 0, -42));
  EXPECT_EQ(series(ring, HistorySeries::kLive), json::array({json::array({start + 100, -42})}));
}

TEST(HistoryRing, AMeterReplacedKeepsTheEnergySoFar) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  ring.add(sample("2026-06-01T10:00:00", 90000, 10));
  ring.add(sample("2026-06-01T10:10:00", 90100, 10));
  ring.add(sample("2026-06-01T10:20:00", 5, 0));  // new meter from 0
  ring.add(sample("2026-06-01T10:30:00", 55, 2));
  EXPECT_EQ(series(ring, HistorySeries::kHours), json::array({row("2026-06-01T10:00:00", 150, 2)}));
}

// A flush cut after every byte: what is read back afterwards is, per
// period, what was there before or what was to be written, or nothing;
// never a figure made of both.
TEST(HistoryRing, AWriteCutAtEveryByteNeverShowsAWrongFigure) {
  MemoryMedium base;
  {
    HistoryRing ring(base);
    ring.add(sample("2026-06-30T22:00:00", 1000, 5));
    ring.add(sample("2026-06-30T23:30:00", 1700, 6));
    ASSERT_TRUE(ring.flush());
  }
  auto run = [](MemoryMedium& medium) {
    medium.written = 0;
    HistoryRing ring(medium);
    ring.add(sample("2026-06-30T23:45:00", 1800, 7));
    ring.add(sample("2026-07-01T00:00:10", 1900, 9));  // ends the hour, day and month: written at once
    ring.flush();
    return ring.write_failures() == 0;
  };
  MemoryMedium whole = base;
  ASSERT_TRUE(run(whole));
  auto shown = [](MemoryMedium& medium, HistorySeries s) {
    MemoryMedium copy = medium;
    HistoryRing reader(copy);
    reader.add(sample("2026-07-01T00:30:00", 2000, 10));
    return series(reader, s);
  };
  const HistorySeries all[] = {HistorySeries::kHours, HistorySeries::kDays, HistorySeries::kMonths};
  long total = whole.written;
  ASSERT_GT(total, 0);
  for (long cut = 0; cut < total; ++cut) {
    MemoryMedium torn = base;
    torn.cut_after = cut;
    EXPECT_FALSE(run(torn));
    torn.cut_after = -1;
    for (HistorySeries s : all) {
      json before = shown(base, s), after = shown(whole, s), now = shown(torn, s);
      for (const json& r : now) {
        bool known = false;
        for (const json& candidate : before) known = known || candidate == r;
        for (const json& candidate : after) known = known || candidate == r;
        EXPECT_TRUE(known) << "cut " << cut << ": " << r;
      }
    }
  }
}

TEST(HistoryRing, AFailedWriteStaysDueAndIsCounted) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  ring.add(sample("2026-06-01T10:00:00", 100));
  medium.fail = true;
  EXPECT_TRUE(ring.flush_due());
  EXPECT_FALSE(ring.flush());
  EXPECT_TRUE(ring.flush_due());
  EXPECT_EQ(ring.write_failures(), 1u);
  medium.fail = false;
  EXPECT_TRUE(ring.flush());
  EXPECT_FALSE(ring.flush_due());
  HistoryRing again(medium);
  again.add(sample("2026-06-01T10:30:00", 150));
  EXPECT_EQ(series(again, HistorySeries::kHours), json::array({row("2026-06-01T10:00:00", 50, 0)}));
}

TEST(HistoryRing, SlotsOfAnotherFormatOrAnEmptyFileShowNothing) {
  MemoryMedium medium;
  for (size_t i = 0; i < medium.bytes.size(); ++i) medium.bytes[i] = static_cast<uint8_t>(i * 7);
  HistoryRing ring(medium);
  ring.add(sample("2026-06-01T10:00:00", 100));
  EXPECT_EQ(series(ring, HistorySeries::kHours), json::array({row("2026-06-01T10:00:00", 0, 0)}));
  EXPECT_EQ(series(ring, HistorySeries::kPeaks), json::array());
  MemoryMedium missing;
  missing.bytes.clear();  // the file is not there: nothing read, nothing written
  HistoryRing fresh(missing);
  fresh.add(sample("2026-06-01T10:00:00", 100));
  EXPECT_FALSE(fresh.flush());
  EXPECT_EQ(series(fresh, HistorySeries::kDays), json::array({row("2026-06-01T00:00:00", 0, 0)}));
}

TEST(HistoryRing, TheWidestSeriesFitsItsBound) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  // 2105-11-01 00:00 (past a 32-bit time_t: not through timegm): ten-digit
  // times, 64 days before 32 bits end.
  int64_t start = 4286476800;
  // Registers from one extreme to the other within every day: every day's
  // energy is a 19-digit number.
  for (int d = 0; d < 64; ++d) {
    for (int64_t at : {start + d * 86400 + 21600, start + d * 86400 + 64800}) {
      int64_t r = at % 86400 == 21600 ? INT64_MIN / 2 : INT64_MAX / 2;
      ring.add(sample(at, r, r, INT32_MIN));
      ring.add_quarter_hour(at, INT32_MAX, true);
      ASSERT_TRUE(ring.flush());
    }
  }
  EXPECT_EQ(series(ring, HistorySeries::kDays)[0][1], INT64_MAX);
  EXPECT_EQ(series(ring, HistorySeries::kDays).size(), 62u);
  for (HistorySeries s : {HistorySeries::kLive, HistorySeries::kHours, HistorySeries::kDays, HistorySeries::kMonths,
                          HistorySeries::kPeaks}) {
    char text[HistoryRing::kMaxSeriesText];
    p1::TextBuffer out(p1::CharSpan(text, sizeof text));
    ring.write_series(out, s);
    EXPECT_FALSE(out.overflow()) << static_cast<int>(s);
  }
}

}  // namespace

namespace {

// The pages of the "history" answer for a reply buffer of `size` bytes,
// merged as the page merges them (web/src/history_pages.js).
json merged_pages(HistoryRing& ring, size_t size, int& pages) {
  json all = json::object();
  size_t from = 0;
  pages = 0;
  for (;;) {
    std::vector<char> text(size);
    p1::TextBuffer out(p1::CharSpan(text.data(), text.size()));
    ring.write_part(out, from);
    EXPECT_FALSE(out.overflow());
    json page = json::parse(std::string(text.data(), out.size()));
    ++pages;
    if (page.contains("error") || pages > 10) return page;
    for (auto it = page.begin(); it != page.end(); ++it) {
      if (it.key() != "next") all[it.key()] = it.value();
    }
    if (!page.contains("next")) return all;
    EXPECT_GT(page["next"].get<size_t>(), from);
    from = page["next"];
  }
}

TEST(HistoryRing, APagedAnswerHoldsEverySeriesOnce) {
  MemoryMedium medium;
  HistoryRing ring(medium);
  int64_t start = wall("2026-04-01T00:00:00");
  for (int64_t t = 0; t < 70 * 86400; t += 300) {
    ring.add(sample(start + t, 12345678 + t / 30, 4567890 + t / 90, -2500 + t % 5000));
    if (t % 900 == 0) ring.add_quarter_hour(start + t, 1000 + t % 7000, (t / 900) % 3 != 0);
    if (ring.flush_due()) {
      ASSERT_TRUE(ring.flush());
    }
  }
  json whole = {{"live", series(ring, HistorySeries::kLive)},     {"hours", series(ring, HistorySeries::kHours)},
                {"days", series(ring, HistorySeries::kDays)},     {"months", series(ring, HistorySeries::kMonths)},
                {"peaks", series(ring, HistorySeries::kPeaks)}};
  ASSERT_EQ(whole["days"].size(), 62u);
  ASSERT_EQ(whole["peaks"].size(), 62u);
  for (size_t size : {16384, 4096, 2048}) {
    int pages = 0;
    EXPECT_EQ(merged_pages(ring, size, pages), whole) << size;
    if (size == 16384) {
      EXPECT_EQ(pages, 1);
    }
    if (size == 2048) {
      EXPECT_GE(pages, 3);
    }
  }
  int pages = 0;
  EXPECT_EQ(merged_pages(ring, 200, pages), json({{"error", "the history answer does not fit"}}));
  // A part past the last series: an empty answer, not an error.
  char text[16];
  p1::TextBuffer out(p1::CharSpan(text, sizeof text));
  ring.write_part(out, p1::kHistorySeriesCount);
  EXPECT_EQ(std::string(text, out.size()), "{}");
}

}  // namespace
