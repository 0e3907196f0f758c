// The simulated meter's values: fixed, or a plausible random walk with
// rising energy counters (power wanders, voltage around 230 V, currents
// follow power).
#pragma once
#include <cstdint>
#include <random>

#include "telegram_encoder.h"

namespace p1sim {

struct MeterState {
  uint64_t energy_import_wh = 12937;
  uint64_t energy_export_wh = 0;
  uint32_t power_import_w = 450;
  uint32_t power_export_w = 0;
  uint16_t voltage_dv[3] = {2337, 2320, 2310};
  uint16_t current_ca[3] = {0, 0, 0};
  int16_t power_factor_milli = 1000;
};

// The meter's clock: local time now, with the DLMS deviation and the
// daylight-saving status set.
p1enc::DateTime local_now();

class MeterModel {
 public:
  MeterModel(bool random_walk, unsigned seed) : walk_(random_walk), rng_(seed) {}
  // Advances the values by `seconds`.
  void step(double seconds);
  const MeterState& state() const { return state_; }
  MeterState& state() { return state_; }

 private:
  bool walk_;
  std::mt19937 rng_;
  MeterState state_;
  double import_fraction_ = 0, export_fraction_ = 0;
};

}  // namespace p1sim
