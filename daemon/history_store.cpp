#include "history_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "log.h"

namespace p1d {

namespace {

constexpr const char* kSchema =
    "PRAGMA journal_mode=WAL;"
    // NORMAL in WAL mode: a commit is not fsynced (a power cut may lose the
    // last commits, a crashed or killed p1bridge loses nothing committed).
    "PRAGMA synchronous=NORMAL;"
    // The WAL is cut back to 1 MB after each checkpoint (it would stay at its
    // largest, about 4 MB, otherwise).
    "PRAGMA journal_size_limit=1048576;"
    "CREATE TABLE IF NOT EXISTS energy("
    "  meter TEXT NOT NULL, period INTEGER NOT NULL, start INTEGER NOT NULL,"  // period: 0 hour, 1 day, 2 month
    "  first_import INTEGER NOT NULL, first_export INTEGER NOT NULL,"         // registers at the first reading in it
    "  last_import INTEGER NOT NULL, last_export INTEGER NOT NULL, last_at INTEGER NOT NULL,"
    "  PRIMARY KEY(meter, period, start)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS power(meter TEXT NOT NULL, at INTEGER NOT NULL, watts INTEGER NOT NULL,"
    "  PRIMARY KEY(meter, at)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS quarter_hours(meter TEXT NOT NULL, start INTEGER NOT NULL,"
    "  import_w INTEGER NOT NULL, export_w INTEGER NOT NULL, complete INTEGER NOT NULL,"
    "  PRIMARY KEY(meter, start)) WITHOUT ROWID;"
    "PRAGMA user_version=1;";

constexpr p1::HistoryPeriod kPeriods[] = {p1::HistoryPeriod::kHour, p1::HistoryPeriod::kDay, p1::HistoryPeriod::kMonth};

bool corrupt(int rc) { return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB; }

}  // namespace

HistoryStore::~HistoryStore() { close(); }

void HistoryStore::close() {
  if (db_ != nullptr && in_transaction_) exec("COMMIT");
  in_transaction_ = false;
  sqlite3_finalize(upsert_energy_);
  sqlite3_finalize(insert_power_);
  sqlite3_finalize(clear_power_);
  upsert_energy_ = insert_power_ = clear_power_ = nullptr;
  if (db_ != nullptr) sqlite3_close(db_);
  db_ = nullptr;
  std::lock_guard<std::mutex> lock(read_mutex_);
  if (reader_ != nullptr) sqlite3_close(reader_);
  reader_ = nullptr;
}

bool HistoryStore::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string error = message != nullptr ? message : sqlite3_errstr(rc);
    if (error != last_error_) P1_LOG_WARN("history: %s: %s", path_.c_str(), error.c_str());
    last_error_ = error;
  }
  sqlite3_free(message);
  return rc == SQLITE_OK;
}

std::string HistoryStore::create_schema() {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, kSchema, nullptr, nullptr, &message);
  std::string error = rc == SQLITE_OK ? "" : (message != nullptr ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  if (rc == SQLITE_OK) {
    // The whole file, not only the pages the schema touched: a torn or
    // overwritten file is found at start, not in the middle of a query.
    sqlite3_stmt* check = nullptr;
    rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check", -1, &check, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(check) == SQLITE_ROW) {
      const unsigned char* answer = sqlite3_column_text(check, 0);
      std::string verdict = answer != nullptr ? reinterpret_cast<const char*>(answer) : "";
      if (verdict != "ok") {
        rc = SQLITE_CORRUPT;
        error = verdict;
      }
    } else if (rc == SQLITE_OK) {
      rc = sqlite3_errcode(db_);
      error = sqlite3_errmsg(db_);
    }
    sqlite3_finalize(check);
  }
  if (corrupt(rc)) return "corrupt: " + error;
  return rc == SQLITE_OK ? "" : error;
}

std::string HistoryStore::open(const std::string& path) {
  close();
  path_ = path;
  for (int attempt = 0; attempt < 2; ++attempt) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::string error = rc == SQLITE_OK ? create_schema() : sqlite3_errstr(rc);
    if (error.empty()) break;
    sqlite3_close(db_);
    db_ = nullptr;
    if (attempt == 1 || (error.rfind("corrupt", 0) != 0 && !corrupt(rc))) {
      return "history: cannot open " + path + ": " + error;
    }
    std::string aside = path + ".corrupt-" + std::to_string(static_cast<long long>(std::time(nullptr)));
    P1_LOG_WARN("history: %s is not a readable history (%s); moved aside to %s, starting a new one", path.c_str(),
                error.c_str(), aside.c_str());
    if (std::rename(path.c_str(), aside.c_str()) != 0) return "history: cannot move " + path + " aside";
    for (const char* suffix : {"-wal", "-shm"}) std::rename((path + suffix).c_str(), (aside + suffix).c_str());
  }
  sqlite3_busy_timeout(db_, 50);
  sqlite3_prepare_v2(db_,
                     "INSERT INTO energy(meter,period,start,first_import,first_export,last_import,last_export,last_at) "
                     "VALUES(?1,?2,?3,?4,?5,?4,?5,?6) ON CONFLICT(meter,period,start) DO UPDATE SET "
                     "last_import=excluded.last_import,last_export=excluded.last_export,last_at=excluded.last_at",
                     -1, &upsert_energy_, nullptr);
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO power(meter,at,watts) VALUES(?1,?2,?3)", -1, &insert_power_, nullptr);
  sqlite3_prepare_v2(db_, "DELETE FROM power WHERE meter=?1", -1, &clear_power_, nullptr);
  if (upsert_energy_ == nullptr || insert_power_ == nullptr || clear_power_ == nullptr) {
    std::string error = sqlite3_errmsg(db_);
    close();
    return "history: " + path + ": " + error;
  }
  return {};
}

void HistoryStore::add(const std::string& meter, const p1::HistorySample& s) {
  if (db_ == nullptr) return;
  if (!in_transaction_) in_transaction_ = exec("BEGIN");
  p1::LocalSeconds& latest = latest_at_[meter];
  bool went_back = s.at < latest;
  latest = s.at;
  if (s.has_energy) {
    for (p1::HistoryPeriod period : kPeriods) {
      sqlite3_reset(upsert_energy_);
      sqlite3_bind_text(upsert_energy_, 1, meter.data(), static_cast<int>(meter.size()), SQLITE_STATIC);
      sqlite3_bind_int(upsert_energy_, 2, static_cast<int>(period));
      sqlite3_bind_int64(upsert_energy_, 3, p1::period_start(s.at, period));
      sqlite3_bind_int64(upsert_energy_, 4, s.import_wh);
      sqlite3_bind_int64(upsert_energy_, 5, s.export_wh);
      sqlite3_bind_int64(upsert_energy_, 6, s.at);
      sqlite3_step(upsert_energy_);
    }
    sqlite3_reset(upsert_energy_);
  }
  if (s.has_power) {
    if (went_back) {
      sqlite3_reset(clear_power_);
      sqlite3_bind_text(clear_power_, 1, meter.data(), static_cast<int>(meter.size()), SQLITE_STATIC);
      sqlite3_step(clear_power_);
      sqlite3_reset(clear_power_);
    }
    sqlite3_reset(insert_power_);
    sqlite3_bind_text(insert_power_, 1, meter.data(), static_cast<int>(meter.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_power_, 2, s.at);
    sqlite3_bind_int64(insert_power_, 3, s.net_w);
    sqlite3_step(insert_power_);
    sqlite3_reset(insert_power_);
  }
}

void HistoryStore::record_quarter_hour(const std::string& meter, p1::LocalSeconds start, int64_t import_w,
                                       int64_t export_w, bool complete) {
  if (db_ == nullptr) return;
  if (!in_transaction_) in_transaction_ = exec("BEGIN");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO quarter_hours(meter,start,import_w,export_w,complete) VALUES(?,?,?,?,?)",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, meter.data(), static_cast<int>(meter.size()), SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, start);
  sqlite3_bind_int64(st, 3, import_w);
  sqlite3_bind_int64(st, 4, export_w);
  sqlite3_bind_int(st, 5, complete ? 1 : 0);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

void HistoryStore::prune(p1::LocalSeconds newest) {
  // Beyond what the page shows, by the meter's clock (one period of slack,
  // so the oldest bar shown still has its successor's first register).
  char sql[512];
  std::snprintf(sql, sizeof sql,
                "DELETE FROM power WHERE at < %lld;"
                "DELETE FROM energy WHERE period=0 AND start < %lld;"
                "DELETE FROM energy WHERE period=1 AND start < %lld;"
                "DELETE FROM energy WHERE period=2 AND start < %lld;"
                "DELETE FROM quarter_hours WHERE start < %lld;",
                static_cast<long long>(newest - kLiveSeconds), static_cast<long long>(newest - (kHours + 2) * 3600LL),
                static_cast<long long>(newest - (kDays + 2) * 86400LL),
                static_cast<long long>(newest - (kMonths + 2) * 31 * 86400LL),
                static_cast<long long>(newest - (kDays + 2) * 86400LL));
  exec(sql);
}

void HistoryStore::commit(int64_t now_ms, bool force) {
  if (db_ == nullptr || !in_transaction_) return;
  if (!force && now_ms - last_commit_ms_ < 1000) return;
  p1::LocalSeconds newest = 0;
  for (const auto& meter : latest_at_) newest = std::max(newest, meter.second);
  if (newest - last_prune_ >= 60 || newest < last_prune_) {
    prune(newest);
    last_prune_ = newest;
  }
  exec("COMMIT");
  in_transaction_ = false;
  last_commit_ms_ = now_ms;
}

namespace {

struct Bucket {
  int64_t start, first_in, first_out, last_in, last_out;
};

}  // namespace

std::string HistoryStore::series_json(const std::string& meter) const {
  std::lock_guard<std::mutex> lock(read_mutex_);
  if (reader_ == nullptr &&
      sqlite3_open_v2(path_.c_str(), &reader_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    sqlite3_close(reader_);
    reader_ = nullptr;
    return "{\"error\":\"no history\"}";
  }
  sqlite3_busy_timeout(reader_, 200);
  auto query = [&](const char* sql, auto&& row, int64_t extra = 0) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(reader_, sql, -1, &st, nullptr) != SQLITE_OK) return;
    sqlite3_bind_text(st, 1, meter.data(), static_cast<int>(meter.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, extra);
    while (sqlite3_step(st) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
  };
  // One snapshot for every series (a read transaction).
  sqlite3_exec(reader_, "BEGIN", nullptr, nullptr, nullptr);
  std::string out = "{\"live\":[";
  std::vector<std::pair<int64_t, int64_t>> live;
  query("SELECT at, watts FROM power WHERE meter=?1 AND at >= (SELECT MAX(at) FROM power WHERE meter=?1) - ?2 ORDER BY at",
        [&](sqlite3_stmt* st) { live.emplace_back(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)); },
        kLiveSeconds);
  // A meter sending every second fills 600 points; more (a clock that
  // jumped) are thinned so the answer stays bounded.
  size_t step = live.size() / 720 + 1;
  char number[64];
  for (size_t i = 0; i < live.size(); i += step) {
    std::snprintf(number, sizeof number, "%s[%lld,%lld]", i == 0 ? "" : ",", static_cast<long long>(live[i].first),
                  static_cast<long long>(live[i].second));
    out += number;
  }
  out += "]";
  const char* names[] = {"hours", "days", "months"};
  const int64_t keep[] = {kHours, kDays, kMonths};
  for (int period = 0; period < 3; ++period) {
    std::vector<Bucket> buckets;
    query("SELECT start, first_import, first_export, last_import, last_export FROM energy WHERE meter=?1 AND period=?2 "
          "ORDER BY start",
          [&](sqlite3_stmt* st) {
            buckets.push_back(Bucket{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
                                     sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4)});
          },
          period);
    out += ",\"";
    out += names[period];
    out += "\":[";
    size_t from = buckets.size() > static_cast<size_t>(keep[period]) ? buckets.size() - keep[period] : 0;
    for (size_t i = from; i < buckets.size(); ++i) {
      const Bucket& b = buckets[i];
      // Up to the next period's first register when that period follows
      // directly: the energy between the last reading of this one and the
      // boundary belongs here. After a gap only what was seen counts.
      bool adjacent = i + 1 < buckets.size() &&
                      buckets[i + 1].start == p1::period_next(b.start, static_cast<p1::HistoryPeriod>(period));
      int64_t end_in = adjacent ? buckets[i + 1].first_in : b.last_in;
      int64_t end_out = adjacent ? buckets[i + 1].first_out : b.last_out;
      std::snprintf(number, sizeof number, "%s[%lld,%lld,%lld]", i == from ? "" : ",", static_cast<long long>(b.start),
                    static_cast<long long>(end_in - b.first_in), static_cast<long long>(end_out - b.first_out));
      out += number;
    }
    out += "]";
  }
  out += ",\"peaks\":[";
  bool first = true;
  // The highest whole quarter hour of each day (SQLite takes the other
  // columns from the row that holds the MAX); an incomplete one (a gap, the
  // first after a start) has no average to compare.
  query("SELECT start - start % 86400 AS day, MAX(import_w), start, complete FROM quarter_hours WHERE meter=?1 "
        "AND complete=1 GROUP BY day ORDER BY day",
        [&](sqlite3_stmt* st) {
          std::snprintf(number, sizeof number, "%s[%lld,%lld,%lld,%d]", first ? "" : ",",
                        static_cast<long long>(sqlite3_column_int64(st, 0)),
                        static_cast<long long>(sqlite3_column_int64(st, 1)),
                        static_cast<long long>(sqlite3_column_int64(st, 2)), sqlite3_column_int(st, 3));
          out += number;
          first = false;
        });
  out += "]}";
  sqlite3_exec(reader_, "COMMIT", nullptr, nullptr, nullptr);
  return out;
}

}  // namespace p1d
