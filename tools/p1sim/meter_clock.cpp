#include "meter_clock.h"

#include <cmath>
#include <cstdio>

namespace p1sim {

namespace {

// The last Sunday of `month` (1-12) in `year`, 01:00 UTC.
std::time_t last_sunday_0100_utc(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;  // the first of the next month...
  tm.tm_mday = 1;
  tm.tm_hour = 1;
  std::time_t first_next = timegm(&tm);
  std::time_t t = first_next - 86400;  // ...minus one day: the last day of `month`
  std::tm last{};
  gmtime_r(&t, &last);
  return t - last.tm_wday * 86400LL;
}

// Minutes east of UTC for an instant: CET / CEST (EU rule since 1996).
int offset_minutes(std::time_t utc) {
  std::tm tm{};
  gmtime_r(&utc, &tm);
  int year = tm.tm_year + 1900;
  bool summer = utc >= last_sunday_0100_utc(year, 3) && utc < last_sunday_0100_utc(year, 10);
  return summer ? 120 : 60;
}

}  // namespace

void MeterClock::add_options(CLI::App& app) {
  app.add_option("--clock-start", start,
                 "Meter clock of the first telegram, local Austrian time (e.g. 2026-03-29T00:00:00); then it "
                 "advances --clock-step per telegram");
  app.add_option("--clock-step", step, "With --clock-start: meter seconds per telegram (default: --interval)");
  app.add_option("--gap-at", gap_at, "With --clock-start: after telegram N the meter is silent ...");
  app.add_option("--gap-seconds", gap_seconds, "... for this many seconds (clock and registers go on)");
  app.add_option("--clock-jump-at", jump_at, "With --clock-start: after telegram N the clock jumps ...");
  app.add_option("--clock-jump", jump_seconds, "... by this many seconds (negative: backwards)");
  app.add_option("--steady-import", steady_import_w, "Energy import follows this power (W) exactly");
  app.add_option("--steady-export", steady_export_w, "Energy export follows this power (W) exactly");
}

std::string MeterClock::check(double interval) {
  if (step <= 0) step = interval;
  if (!enabled()) {
    if (gap_at != 0 || jump_at != 0) return "--gap-at and --clock-jump-at need --clock-start";
    return {};
  }
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (std::sscanf(start.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return "--clock-start must look like 2026-03-29T00:00:00";
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t as_utc = timegm(&tm);
  // Summer time if that instant is in summer (the first of a repeated hour), else winter time.
  start_utc_ = offset_minutes(as_utc - 7200) == 120 ? as_utc - 7200 : as_utc - 3600;
  return {};
}

double MeterClock::seconds_before(long n) const { return (n - 1) * step + (gap_at > 0 && n > gap_at ? gap_seconds : 0); }

double MeterClock::seconds_since_previous(long n, double interval) const {
  if (!enabled()) return interval;
  return n <= 1 ? 0 : seconds_before(n) - seconds_before(n - 1);
}

void MeterClock::apply(long n, p1enc::DateTime& t) const {
  if (!enabled()) return;
  double elapsed = seconds_before(n) + (jump_at > 0 && n > jump_at ? jump_seconds : 0);
  std::time_t utc = start_utc_ + static_cast<std::time_t>(std::llround(elapsed));
  int offset = offset_minutes(utc);
  std::time_t local = utc + offset * 60;
  std::tm tm{};
  gmtime_r(&local, &tm);
  t = meter_date_time(tm, offset, offset == 120);
}

p1enc::DateTime meter_date_time(const std::tm& tm, int offset_minutes, bool daylight_saving) {
  p1enc::DateTime t;
  t.year = static_cast<uint16_t>(1900 + tm.tm_year);
  t.month = static_cast<uint8_t>(tm.tm_mon + 1);
  t.day = static_cast<uint8_t>(tm.tm_mday);
  t.weekday = static_cast<uint8_t>(tm.tm_wday == 0 ? 7 : tm.tm_wday);
  t.hour = static_cast<uint8_t>(tm.tm_hour);
  t.minute = static_cast<uint8_t>(tm.tm_min);
  t.second = static_cast<uint8_t>(tm.tm_sec);
  t.deviation = static_cast<int16_t>(-offset_minutes);
  t.status = daylight_saving ? 0x80 : 0x00;
  return t;
}

void MeterClock::count_energy(MeterState& state, double seconds) {
  auto count = [seconds](double watts, uint32_t& power, uint64_t& energy, double& rest) {
    if (watts < 0) return;
    power = static_cast<uint32_t>(watts);
    rest += watts * seconds / 3600.0;
    double whole = std::floor(rest + 1e-9);
    energy += static_cast<uint64_t>(whole);
    rest -= whole;
  };
  count(steady_import_w, state.power_import_w, state.energy_import_wh, import_rest_);
  count(steady_export_w, state.power_export_w, state.energy_export_wh, export_rest_);
}

}  // namespace p1sim
