// Leveled logging to stderr. Secrets never reach it: callers pass redacted
// values (see Config::describe()).
#pragma once
#include <string>

namespace p1d {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
bool parse_log_level(const std::string& text, LogLevel& level);
void log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace p1d

#define P1_LOG_DEBUG(...) ::p1d::log(::p1d::LogLevel::kDebug, __VA_ARGS__)
#define P1_LOG_INFO(...) ::p1d::log(::p1d::LogLevel::kInfo, __VA_ARGS__)
#define P1_LOG_WARN(...) ::p1d::log(::p1d::LogLevel::kWarn, __VA_ARGS__)
#define P1_LOG_ERROR(...) ::p1d::log(::p1d::LogLevel::kError, __VA_ARGS__)
