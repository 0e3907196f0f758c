// The page's history on the Linux program: one SQLite file in the queue
// directory (Debian's libsqlite3). The run loop adds each reading into an
// open transaction and commits it at most once a second (WAL, so the
// commit is an append and the web thread reads without blocking it); a
// kill -9 loses at most that second. Rows are kept only as far back as the
// page shows (live power 10 minutes, hours 48 h, days 2 months, months 2
// years). A file SQLite cannot read is moved aside with a log line and a
// new one started.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "p1/history/history_sample.h"

struct sqlite3;
struct sqlite3_stmt;

namespace p1d {

class HistoryStore {
 public:
  // What is kept, in the meter's clock.
  static constexpr int64_t kLiveSeconds = 600;
  static constexpr int kHours = 48, kDays = 62, kMonths = 24;
  // The longest series_json() answer (the live series is thinned to fit).
  static constexpr size_t kMaxJson = 48 * 1024;

  HistoryStore() = default;
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Opens (or creates) `path`; error message or empty. A corrupt file is
  // renamed to <path>.corrupt-<unix time> and a new one created.
  std::string open(const std::string& path);
  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }

  // Run loop: one reading of `meter`.
  void add(const std::string& meter, const p1::HistorySample& sample);
  // Run loop, every iteration: commits what add() wrote when `now_ms` is a
  // second past the last commit (or `force`).
  void commit(int64_t now_ms, bool force = false);

  // The highest quarter hour's average power, per quarter hour, as the
  // quarter-hour demand computes it (core/p1/demand): this table is its
  // place in the history and the page's peaks panel reads it.
  void record_quarter_hour(const std::string& meter, p1::LocalSeconds start, int64_t import_w, int64_t export_w,
                           bool complete);

  // {"live":[[t,W],..],"hours":[[start,import Wh,export Wh],..],"days":..,"months":..,
  //  "peaks":[[day start,import W,at,complete],..]} of `meter`; times are the
  // meter's wall clock in seconds (LocalSeconds). Any thread.
  std::string series_json(const std::string& meter) const;

 private:
  std::string create_schema();
  void prune(p1::LocalSeconds newest);
  void close();
  bool exec(const char* sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* upsert_energy_ = nullptr;
  sqlite3_stmt* insert_power_ = nullptr;
  sqlite3_stmt* clear_power_ = nullptr;
  // Per meter, the meter time of its latest reading: a clock that goes back
  // (the autumn change, a corrected clock) starts the live series again, as
  // on the device, instead of hiding the new points behind the old ones; and
  // rows are kept by the newest of these.
  std::map<std::string, p1::LocalSeconds> latest_at_;
  bool in_transaction_ = false;
  int64_t last_commit_ms_ = 0;
  p1::LocalSeconds last_prune_ = 0;
  std::string last_error_;
  // The web thread's own connection (a WAL reader never waits for the writer).
  mutable std::mutex read_mutex_;
  mutable sqlite3* reader_ = nullptr;
};

}  // namespace p1d
