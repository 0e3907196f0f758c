// p1sim's meter clock for tests at accelerated time: the clock the telegrams
// carry can start at a given local time and advance a fixed step per
// telegram (far faster than real time), be silent for a while (a gap: the
// meter goes on counting, its telegrams are lost) or jump; and the energy
// registers can follow a steady power exactly. Local time follows the rule
// of Austrian meters (CET, CEST from the last Sunday of March to the last
// Sunday of October, switching at 01:00 UTC), with the DLMS deviation -60 /
// -120 and the daylight-saving bit. Without --clock-start the telegrams carry
// the host's clock, as before.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <ctime>
#include <string>

#include "meter_model.h"
#include "telegram_encoder.h"

namespace p1sim {

// A local time (struct tm fields) as the meter's DLMS date-time with its
// offset (minutes east of UTC) and daylight-saving bit.
p1enc::DateTime meter_date_time(const std::tm& local, int offset_minutes, bool daylight_saving);

struct MeterClock {
  std::string start;      // --clock-start 2026-03-29T00:00:00 (local)
  double step = 0;        // --clock-step: meter seconds per telegram (default: --interval)
  long gap_at = 0;        // --gap-at N: after telegram N ...
  double gap_seconds = 0;  // ... the meter is silent for this long (its clock and registers go on)
  long jump_at = 0;       // --clock-jump-at N: after telegram N ...
  double jump_seconds = 0;  // ... the clock jumps by this much (negative: back); the registers do not
  double steady_import_w = -1, steady_export_w = -1;  // --steady-import/--steady-export W

  void add_options(CLI::App& app);
  // "" or what is wrong with the options; `interval` is the default step.
  std::string check(double interval);
  bool enabled() const { return !start.empty(); }
  // The clock of telegram n (1-based) into `t`, when enabled.
  void apply(long n, p1enc::DateTime& t) const;
  // Meter seconds between telegram n - 1 and n (0 for the first; the gap
  // included, a jump not): what the registers count over.
  double seconds_since_previous(long n, double interval) const;
  // Energy registers from the steady powers over `seconds` (exact: the
  // remainders carry over).
  void count_energy(MeterState& state, double seconds);

 private:
  double seconds_before(long n) const;
  std::time_t start_utc_ = 0;
  double import_rest_ = 0, export_rest_ = 0;
};

}  // namespace p1sim
