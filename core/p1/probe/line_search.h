// The device's automatic line-setting search, on the probe's logic: while the
// configured line setting shows nothing but errors (no valid frame for a whole
// window), the device tries the Austrian settings in turn, and stays on the
// first that shows valid frames. A setting that once worked is never left
// (a meter that falls silent for a while is not a wrong setting).
#pragma once
#include <cstdint>

#include "p1/probe/line_probe.h"

namespace p1 {

class LineSearch {
 public:
  // Long enough for an AMIS meter's search frame (once a minute) to show.
  static constexpr uint32_t kWindowMs = 65000;

  void begin(const MeterStreamCore& stream, uint32_t now_ms);
  void on_event(const StreamEvent& event, const MeterStreamCore& stream) { probe_.on_event(event, stream); }
  // Called from loop(): the setting to switch to now, or nullptr to stay.
  // After a switch the caller reopens the UART; the window starts again.
  const LineSetting* tick(const MeterStreamCore& stream, uint32_t now_ms);
  // True once a setting showed valid frames: the search is over.
  bool settled() const { return settled_; }
  // The setting the search switched to last (nullptr: still the configured one).
  const LineSetting* current() const { return current_; }

 private:
  LineProbe probe_;
  uint32_t window_start_ms_ = 0;
  const LineSetting* current_ = nullptr;
  uint8_t next_ = 0;  // index of the next setting to try
  bool settled_ = false;
};

}  // namespace p1
