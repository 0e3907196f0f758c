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
#include <fstream>

#include "history_store.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

int64_t wall(const char* iso) {
  std::tm t{};
  EXPECT_TRUE(strptime(iso, "%Y-%m-%dT%H:%M:%S", &t)) << iso;
  return static_cast<int64_t>(timegm(&t));
}

p1::HistorySample sample(const char* iso, int64_t import_wh, int64_t export_wh, int64_t net_w = 0) {
  p1::HistorySample s;
  s.at = wall(iso);
  s.from_meter_clock = true;
  s.has_energy = true;
  s.import_wh = import_wh;
  s.export_wh = export_wh;
  s.has_power = true;
  s.net_w = net_w;
  return s;
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
