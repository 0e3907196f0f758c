#include "p1/probe/line_search.h"

namespace p1 {

void LineSearch::begin(const MeterStreamCore& stream, uint32_t now_ms) {
  probe_.begin(stream);
  window_start_ms_ = now_ms;
}

const LineSetting* LineSearch::tick(const MeterStreamCore& stream, uint32_t now_ms) {
  if (settled_) return nullptr;
  LineObservation seen = probe_.observation(stream);
  if (!only_errors(seen)) {
    settled_ = true;  // frames at this setting: it is the meter's
    return nullptr;
  }
  if (now_ms - window_start_ms_ < kWindowMs) return nullptr;
  Span<const LineSetting> settings = austrian_line_settings();
  current_ = &settings[next_];
  next_ = static_cast<uint8_t>((next_ + 1) % settings.size());
  begin(stream, now_ms);
  return current_;
}

}  // namespace p1
