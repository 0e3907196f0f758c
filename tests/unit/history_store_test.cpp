// The Linux program's history file (daemon/history_store): energy per
// period from the registers at the boundaries, gaps, bounds, the peaks
// table, a kill -9 after a commit, and a corrupt file moved aside.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <fstream>

#include "history_store.h"
#include "p1/history/history_ring.h"
#include "support/fakes.h"
#include "support/history_samples.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using p1test::wall;
template <typename... A>
p1::HistorySample sample(A... a) {
  return p1test::history_sample_at(a...);
}

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/p1history-XXXXXX";
    path = mkdtemp(name);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(HistoryStore, EnergyPerPeriodIsTheRegistersDifferenceAtTheBoundaries) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  store.add("house", sample("2026-03-31T22:00:05", 1000, 50));
  store.add("house", sample("2026-03-31T22:59:55", 1400, 60));
  store.add("house", sample("2026-03-31T23:00:05", 1410, 61));  // the next hour, day and... not month yet
  store.add("house", sample("2026-03-31T23:59:59", 1500, 70));
  store.add("house", sample("2026-04-01T00:00:04", 1502, 70));  // a new day and month
  store.add("house", sample("2026-04-01T00:30:00", 1600, 90));
  store.commit(0, true);
  json h = json::parse(store.series_json("house"));
  // 22:00 runs to 23:00's first register (1410), not only to its own last (1400).
  EXPECT_EQ(h["hours"], json::parse(R"([[)" + std::to_string(wall("2026-03-31T22:00:00")) + R"(,410,11],[)" +
                                    std::to_string(wall("2026-03-31T23:00:00")) + R"(,92,9],[)" +
                                    std::to_string(wall("2026-04-01T00:00:00")) + R"(,98,20]])"));
  EXPECT_EQ(h["days"], json::parse("[[" + std::to_string(wall("2026-03-31T00:00:00")) + ",502,20],[" +
                                   std::to_string(wall("2026-04-01T00:00:00")) + ",98,20]]"));
  EXPECT_EQ(h["months"], json::parse("[[" + std::to_string(wall("2026-03-01T00:00:00")) + ",502,20],[" +
                                     std::to_string(wall("2026-04-01T00:00:00")) + ",98,20]]"));
  EXPECT_EQ(json::parse(store.series_json("other"))["hours"], json::array());
}

TEST(HistoryStore, AfterAGapOnlyWhatWasSeenCounts) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  store.add("house", sample("2026-05-01T10:00:05", 1000, 0));
  store.add("house", sample("2026-05-01T10:40:00", 1100, 0));
  // p1bridge was away from 10:40 to 13:10: that energy belongs to no hour shown.
  store.add("house", sample("2026-05-01T13:10:00", 2000, 0));
  store.add("house", sample("2026-05-01T13:20:00", 2050, 0));
  store.commit(0, true);
  json hours = json::parse(store.series_json("house"))["hours"];
  ASSERT_EQ(hours.size(), 2u);
  EXPECT_EQ(hours[0][1], 100);
  EXPECT_EQ(hours[1][1], 50);
}

TEST(HistoryStore, KeepsOnlyWhatThePageShows) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  int64_t start = wall("2026-01-01T00:00:00");
  for (int i = 0; i < 24 * 70; ++i) {  // 70 days, one reading an hour
    p1::HistorySample s = sample("2026-01-01T00:00:00", 1000 + i * 10, 0, i);
    s.at = start + i * 3600LL;
    store.add("house", s);
    store.commit(i * 1000LL);
  }
  store.commit(0, true);
  json h = json::parse(store.series_json("house"));
  EXPECT_EQ(h["hours"].size(), 48u);
  EXPECT_EQ(h["days"].size(), 62u);
  EXPECT_EQ(h["months"].size(), 3u);
  EXPECT_EQ(h["hours"].back()[0], start + (24 * 70 - 1) * 3600LL);
  // Live power: only the last 10 minutes of the meter's clock.
  ASSERT_EQ(h["live"].size(), 1u);
  EXPECT_EQ(h["live"][0], json::array({start + (24 * 70 - 1) * 3600LL, 24 * 70 - 1}));
  EXPECT_LT(store.series_json("house").size(), p1d::HistoryStore::kMaxJson);
}

TEST(HistoryStore, QuarterHourPeaksGiveEachDaysHighestWholeOne) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  store.record_quarter_hour("house", wall("2026-06-01T08:00:00"), 2400, 0, true);
  store.record_quarter_hour("house", wall("2026-06-01T18:15:00"), 5200, 0, false);
  store.record_quarter_hour("house", wall("2026-06-01T18:30:00"), 3100, 0, true);
  store.record_quarter_hour("house", wall("2026-06-02T07:45:00"), 1800, 100, true);
  store.commit(0, true);
  json peaks = json::parse(store.series_json("house"))["peaks"];
  // The incomplete 18:15 has no average to compare: 18:30 is the day's peak.
  EXPECT_EQ(peaks, json::parse("[[" + std::to_string(wall("2026-06-01T00:00:00")) + ",3100," +
                               std::to_string(wall("2026-06-01T18:30:00")) + ",1],[" +
                               std::to_string(wall("2026-06-02T00:00:00")) + ",1800," +
                               std::to_string(wall("2026-06-02T07:45:00")) + ",1]]"));
}

TEST(HistoryStore, ACommittedReadingSurvivesKill9AndARestart) {
  TempDir dir;
  std::string path = dir.path + "/history.sqlite";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    p1d::HistoryStore store;
    if (!store.open(path).empty()) _exit(1);
    store.add("house", sample("2026-07-01T10:00:00", 1000, 0));
    store.add("house", sample("2026-07-01T10:30:00", 1300, 0));
    store.commit(0, true);
    store.add("house", sample("2026-07-01T10:45:00", 9999, 0));  // not committed: may be lost
    raise(SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(path), "");
  json hours = json::parse(store.series_json("house"))["hours"];
  ASSERT_EQ(hours.size(), 1u);
  EXPECT_EQ(hours[0][1], 300);
}

TEST(HistoryStore, ACorruptFileIsMovedAsideAndANewOneStarted) {
  TempDir dir;
  std::string path = dir.path + "/history.sqlite";
  {
    std::ofstream garbage(path, std::ios::binary);
    garbage << std::string(8192, 'x');
  }
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(path), "");
  bool aside = false;
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    if (entry.path().filename().string().rfind("history.sqlite.corrupt-", 0) == 0) aside = true;
  }
  EXPECT_TRUE(aside);
  store.add("house", sample("2026-07-01T10:00:00", 1000, 0));
  store.commit(0, true);
  EXPECT_EQ(json::parse(store.series_json("house"))["hours"].size(), 1u);
}

}  // namespace

namespace {

using RingFile = p1test::MemoryHistoryMedium;  // the device's ring over a file in memory

json ring_series(p1::HistoryRing& ring) {
  std::vector<char> text(64 * 1024);
  p1::TextBuffer out(p1::CharSpan(text.data(), text.size()));
  ring.write_part(out, 0);
  return json::parse(std::string(text.data(), out.size()));
}

}  // namespace

// The two front-ends keep the history differently (SQLite here, slots in a
// flash file on the device) and must show the same: one stream of readings
// through both, with gaps, the autumn change, a month change and quarter
// hours, gives the same energy series and peaks (live power too, at the
// device's spacing of 10 s).
// Both through `count` readings every 10 s from `from` (the meter's wall
// clock; 03:00 on 25 October 2026 goes back to 02:00), with the gaps after
// the readings named in `gaps` (reading number -> seconds away), during
// which the device restarts (a new ring over the same file, loaded).
void through_both(p1d::HistoryStore& store, RingFile& file, std::unique_ptr<p1::HistoryRing>& device,
                  const char* from, int count, std::map<int, int64_t> gaps) {
  int64_t at = wall(from);
  int64_t import_wh = 5000000, export_wh = 20000;
  bool autumn_done = false;
  for (int i = 0; i < count; ++i) {
    p1::HistorySample s = sample("2026-01-01T00:00:00", import_wh, export_wh, (i * 37) % 4000 - 1500);
    s.at = at;
    store.add("house", s);
    device->add(s);
    if (device->flush_due()) device->flush();
    if (at % 900 == 0) {
      int64_t watts = 500 + (i * 13) % 3000;
      store.record_quarter_hour("house", at - 900, watts, 0, i % 7 != 0);
      device->add_quarter_hour(at - 900, watts, i % 7 != 0);
    }
    import_wh += 1 + i % 5;
    export_wh += i % 3 == 0 ? 2 : 0;
    at += 10;
    if (gaps.count(i)) {
      at += gaps[i];
      device->flush();  // a clean stop
      device = std::make_unique<p1::HistoryRing>(file);
      device->load();
    }
    if (!autumn_done && at == wall("2026-10-25T03:00:00")) {
      at -= 3600;
      autumn_done = true;
    }
  }
  store.commit(0, true);
}

// The two front-ends keep the history differently (SQLite here, slots in a
// flash file on the device) and must show the same: the same readings,
// with gaps, the autumn change, a month change and quarter hours, give the
// same series through both.
TEST(HistoryStore, TheLinuxProgramAndTheDeviceShowTheSameHistory) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  RingFile file;
  auto ring = std::make_unique<p1::HistoryRing>(file);
  // Away (and restarted) for 20 minutes across an hour, three hours, and five days into November.
  through_both(store, file, ring, "2026-10-23T21:00:00", 32000,
               {{300, 1200}, {5000, 3 * 3600 + 125}, {30000, 5 * 86400}});
  json linux_side = json::parse(store.series_json("house"));
  json device = ring_series(*ring);
  for (const char* key : {"hours", "days", "months", "peaks", "live"}) {
    EXPECT_EQ(linux_side[key], device[key]) << key;
  }
  EXPECT_GE(device["hours"].size(), 5u);
  EXPECT_GE(device["days"].size(), 4u);
  EXPECT_GE(device["peaks"].size(), 2u);
  EXPECT_EQ(device["months"].size(), 2u);
  EXPECT_EQ(device["live"].size(), 61u);
}

TEST(HistoryStore, AfterTheAutumnChangeTheLiveSeriesStartsAgainAsOnTheDevice) {
  TempDir dir;
  p1d::HistoryStore store;
  ASSERT_EQ(store.open(dir.path + "/history.sqlite"), "");
  RingFile file;
  auto device = std::make_unique<p1::HistoryRing>(file);
  // Ends five minutes after 03:00 CEST became 02:00 CET.
  through_both(store, file, device, "2026-10-25T02:30:00", 180 + 30, {});
  p1::HistoryRing& ring = *device;
  json linux_side = json::parse(store.series_json("house"));
  json live = linux_side["live"];
  ASSERT_EQ(live.size(), 30u) << live;  // 02:00:00 .. 02:04:50 CET, not the last ten minutes of CEST
  EXPECT_EQ(live[0][0], wall("2026-10-25T02:00:00"));
  EXPECT_EQ(live, ring_series(ring)["live"]);
  EXPECT_EQ(linux_side["hours"], ring_series(ring)["hours"]);
}
