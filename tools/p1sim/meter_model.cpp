#include "meter_model.h"

#include "meter_clock.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace p1sim {

p1enc::DateTime local_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return meter_date_time(tm, static_cast<int>(tm.tm_gmtoff / 60), tm.tm_isdst > 0);
}

void MeterModel::step(double seconds) {
  if (!walk_) return;
  std::normal_distribution<double> noise(0.0, 1.0);
  MeterState& s = state_;
  // Net power wanders between -5 kW (PV export) and 11 kW.
  double net = static_cast<double>(s.power_import_w) - static_cast<double>(s.power_export_w);
  net = std::clamp(net + noise(rng_) * 300.0, -5000.0, 11000.0);
  s.power_import_w = net > 0 ? static_cast<uint32_t>(net) : 0;
  s.power_export_w = net < 0 ? static_cast<uint32_t>(-net) : 0;
  import_fraction_ += s.power_import_w * seconds / 3600.0;
  export_fraction_ += s.power_export_w * seconds / 3600.0;
  s.energy_import_wh += static_cast<uint64_t>(import_fraction_);
  s.energy_export_wh += static_cast<uint64_t>(export_fraction_);
  import_fraction_ -= std::floor(import_fraction_);
  export_fraction_ -= std::floor(export_fraction_);
  for (int i = 0; i < 3; ++i) {
    s.voltage_dv[i] = static_cast<uint16_t>(std::clamp(2300.0 + noise(rng_) * 15.0, 2150.0, 2450.0));
    s.current_ca[i] = static_cast<uint16_t>(std::fabs(net) / 3.0 / (s.voltage_dv[i] / 10.0) * 100.0);
  }
  s.power_factor_milli = static_cast<int16_t>(std::clamp(950.0 + noise(rng_) * 20.0, 800.0, 1000.0));
}

}  // namespace p1sim
