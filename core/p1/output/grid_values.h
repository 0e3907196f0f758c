// What devices regulating on the grid meter (inverters, batteries) are served:
// a reading reduced to signed grid quantities, import positive, each either
// measured or absent. Built from the one field mapping (gateway_fields) plus
// the few OBIS codes only these outputs use; the SunSpec image and the Shelly
// status are both drawn from it, so they cannot disagree.
#pragma once
#include "p1/cosem/reading.h"

namespace p1 {

struct Measured {
  bool has = false;
  double value = 0;
};

struct GridValues {
  Measured net_power;       // W: import (1.7.0) minus export (2.7.0)
  Measured phase_power[3];  // W per phase: 21/41/61.7.0 minus 22/42/62.7.0
  Measured voltage[3];      // V
  Measured current[3];      // A
  Measured power_factor;    // 13.7.0
  Measured frequency;       // Hz, 14.7.0
  Measured reactive_power;  // var: 3.7.0 minus 4.7.0
  Measured energy_import;   // Wh, 1.8.0
  Measured energy_export;   // Wh, 2.8.0

  GridValues() = default;  // nothing measured (no reading, or a stale one)
  explicit GridValues(const Reading& reading);

  // Sums and averages over the phases the meter sent; absent if none.
  Measured total_current() const;
  Measured average_voltage() const;
};

}  // namespace p1
