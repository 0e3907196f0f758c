// The one freshness rule for values served to other devices (SunSpec, Shelly
// emulation) and for the meter's availability: a reading is current until
// `stale_after_s` seconds have passed without a newer one. Past that, what
// was last seen is withheld rather than shown as if it were live.
#pragma once
#include <cstdint>

namespace p1 {

constexpr bool reading_is_fresh(uint64_t age_ms, uint32_t stale_after_s) {
  return age_ms < static_cast<uint64_t>(stale_after_s) * 1000u;
}

}  // namespace p1
