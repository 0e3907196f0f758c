// Leveled logging to stderr. Secrets never reach it: callers pass redacted
// values (see Config::describe()).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace p1d {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
bool parse_log_level(const std::string& text, LogLevel& level);
void log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

// One warning per cause per window (a minute) instead of one per telegram:
// the first occurrence is logged at once, the rest are counted, and when the
// window is over flush() reports "<summary> (repeated N times in the last
// minute)". The next occurrence after that is logged at once again.
class WarningThrottle {
 public:
  explicit WarningThrottle(int64_t window_ms = 60000) : window_ms_(window_ms) {}
  // True when this occurrence of `cause` is to be logged now; otherwise it is
  // counted and `summary` kept for the report.
  bool allow(const std::string& cause, const std::string& summary, int64_t now_ms);
  // Reports (summary, count) of every cause whose window is over and that
  // repeated in it; forgets the causes whose window is over.
  void flush(int64_t now_ms, const std::function<void(const std::string& summary, uint64_t count)>& report);

 private:
  struct Entry {
    int64_t start_ms = 0;
    uint64_t repeated = 0;
    std::string summary;
  };
  int64_t window_ms_;
  std::map<std::string, Entry> entries_;
};

}  // namespace p1d

#define P1_LOG_DEBUG(...) ::p1d::log(::p1d::LogLevel::kDebug, __VA_ARGS__)
#define P1_LOG_INFO(...) ::p1d::log(::p1d::LogLevel::kInfo, __VA_ARGS__)
#define P1_LOG_WARN(...) ::p1d::log(::p1d::LogLevel::kWarn, __VA_ARGS__)
#define P1_LOG_ERROR(...) ::p1d::log(::p1d::LogLevel::kError, __VA_ARGS__)
