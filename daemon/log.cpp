#include "log.h"

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace p1d {

namespace {
LogLevel g_level = LogLevel::kInfo;
const char* kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }

bool parse_log_level(const std::string& text, LogLevel& level) {
  for (int i = 0; i < 4; ++i) {
    if (text == kNames[i]) {
      level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

void log(LogLevel level, const char* format, ...) {
  if (level < g_level) return;
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char line[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  std::fprintf(stderr, "%s %-5s %s\n", stamp, kNames[static_cast<int>(level)], line);
}

bool WarningThrottle::allow(const std::string& cause, const std::string& summary, int64_t now_ms) {
  auto it = entries_.find(cause);
  if (it == entries_.end() || now_ms - it->second.start_ms >= window_ms_) {
    Entry& e = entries_[cause];
    e.start_ms = now_ms;
    e.repeated = 0;
    e.summary = summary;
    return true;
  }
  ++it->second.repeated;
  it->second.summary = summary;
  return false;
}

void WarningThrottle::flush(int64_t now_ms,
                            const std::function<void(const std::string& summary, uint64_t count)>& report) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now_ms - it->second.start_ms < window_ms_) {
      ++it;
      continue;
    }
    if (it->second.repeated > 0) report(it->second.summary, it->second.repeated);
    it = entries_.erase(it);
  }
}

}  // namespace p1d
