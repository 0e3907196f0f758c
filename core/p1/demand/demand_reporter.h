// When the quarter-hour demand is published and when its state is written,
// the same on both front-ends (the Linux program's MeterDemand, the device's
// DeviceDemand): published at once when a quarter hour ends, else at most
// every kRunningEverySeconds of the meter clock, and only once there is a
// figure to show; the state written when a quarter hour ends (at most once
// per quarter hour, which keeps a flash sector's wear at ~35,000 writes a
// year) and at a clean stop.
#pragma once
#include <cstdint>

#include "p1/cosem/reading.h"
#include "p1/demand/quarter_hour.h"
#include "p1/history/history_sample.h"

namespace p1 {

class DemandReporter {
 public:
  static constexpr int64_t kRunningEverySeconds = 10;

  struct Step {
    bool accepted = false;  // the reading had a usable clock and 1.8.0 and was not a repeat
    bool publish = false;   // render and publish the payload now
    bool save = false;      // write the state now (a quarter hour ended)
    DemandBreak cause = DemandBreak::kNone;
  };

  explicit DemandReporter(int64_t max_gap_seconds = QuarterHourDemand::kDefaultMaxGapSeconds)
      : demand_(max_gap_seconds) {}

  Step on_reading(const Reading& reading);
  // A figure is known: a quarter hour ended, a running value, or a peak.
  bool has_figures() const;

  const QuarterHourDemand& demand() const { return demand_; }
  // The latest quarter hour that ended, as the page's history keeps it (its
  // peaks): start on the history's clock, average power in W. Several end at
  // once only after a gap; those before the last are incomplete and hold no
  // energy, so the last is the one to keep. False before any ended.
  struct Ended {
    LocalSeconds start = 0;
    int64_t import_w = 0, export_w = 0;
    bool complete = false;
  };
  bool last_ended(Ended& out) const;
  // Restores a saved state; anything refused leaves a fresh state.
  DemandStateError load(ByteSpan state) { return demand_.load(state); }
  // The state to write (QuarterHourDemand::kStateSize bytes); 0 when `out` is too small.
  size_t save(MutableByteSpan out) const { return demand_.save(out); }
  // Once the state is on disk or flash: a clean stop writes only what changed since.
  void mark_saved() { dirty_ = false; }
  bool dirty() const { return dirty_; }

 private:
  QuarterHourDemand demand_;
  int64_t published_at_ = 0;  // meter seconds of the last publication
  bool published_ = false;
  bool dirty_ = false;
};

}  // namespace p1
