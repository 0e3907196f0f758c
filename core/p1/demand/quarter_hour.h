// Quarter-hour demand (Austrian grid fees from 2027 charge the highest
// quarter-hour average power): a small state machine fed one reading at a
// time with the meter's clock and its energy registers (1.8.0 import, 2.8.0
// export), never with sampled power, so the figures are the meter's own
// energy over each quarter hour.
//
// Rules (docs/demand.md has them with examples):
// - Quarter hours follow the meter's clock: seconds since 2000-01-01 in UTC
//   when the meter states its offset (every offset in use is a whole number
//   of quarter hours, so these are its local quarter hours, and a daylight-
//   saving change is no jump), else its local time.
// - The energy at a boundary is interpolated linearly between the reading
//   just before and the one at or just after it (integer arithmetic, mWh).
// - A quarter hour is complete when its start and end were both interpolated
//   and no two consecutive readings from the one before its start to the one
//   at or after its end were more than `max_gap` seconds apart. A larger gap
//   (missing telegrams, or the meter clock stepping forward), the clock going
//   backwards and an energy register going down (a replaced meter) make the
//   quarter hours they touch incomplete: published as such, never counted as
//   a peak, never a guessed value.
// - Day and month peaks are per local day / month of the quarter hour's start
//   (a daylight-saving day has 92 or 100 quarter hours). A new month moves the
//   month's peak to `previous_month` and starts again.
//
// No allocation; the whole state fits in kStateSize bytes (save / load) so
// the Linux program keeps it in its queue folder and the device in flash.
#pragma once
#include <cstdint>

#include "p1/base/span.h"
#include "p1/cosem/reading.h"

namespace p1 {

// A point on the meter's clock.
struct MeterTime {
  int64_t seconds = 0;        // since 2000-01-01 00:00, UTC when has_offset, else local
  int16_t offset_minutes = 0;  // minutes east of UTC (local = UTC + offset); DLMS deviation negated
  bool has_offset = false;
  int64_t local_seconds() const { return seconds + (has_offset ? offset_minutes * 60LL : 0); }
  // Into the DLMS form (for to_iso); the date of local_seconds().
  DlmsDateTime to_date_time() const;
};

struct DemandSample {
  MeterTime time;
  int64_t import_mwh = 0;  // 1.8.0 in milliwatt-hours
  int64_t export_mwh = 0;  // 2.8.0
  bool has_export = false;
};

// The meter clock and 1.8.0 / 2.8.0 of a reading (through the one field
// mapping, gateway_fields); false when it has no usable clock (not sent,
// not fully specified, or marked invalid) or no 1.8.0 in Wh.
bool demand_sample(const Reading& reading, DemandSample& out);

struct QuarterHour {
  MeterTime start;
  bool complete = false;
  bool has_export = false;
  int64_t import_mwh = 0;  // energy within it (complete only)
  int64_t export_mwh = 0;
  // Average power over the 900 s in milliwatts: mWh * 3600 / 900.
  int64_t import_mw() const { return import_mwh * 4; }
  int64_t export_mw() const { return export_mwh * 4; }
};

struct DemandPeak {
  bool valid = false;
  int64_t mw = 0;     // average power of that quarter hour, milliwatts
  MeterTime start;    // its start
};

struct DemandPeaks {
  DemandPeak import_peak;
  DemandPeak export_peak;
};

enum class DemandBreak : uint8_t {
  kNone,
  kFirst,           // no reading before (fresh state)
  kGap,             // more than max_gap seconds since the last reading
  kClockBackwards,  // the meter clock went back
  kRegisterDown,    // an energy register went down, or 2.8.0 appeared / vanished (meter replaced?)
};
const char* describe(DemandBreak cause);

struct DemandUpdate {
  bool accepted = false;     // false: the same second as the last reading, ignored
  uint32_t closed = 0;       // quarter hours that ended with this reading
  DemandBreak cause = DemandBreak::kNone;
};

enum class DemandStateError : uint8_t { kNone, kTooShort, kBadMagic, kBadVersion, kBadChecksum, kInconsistent };
const char* describe(DemandStateError error);

class QuarterHourDemand {
 public:
  static constexpr int64_t kQuarterSeconds = 900;
  static constexpr int64_t kDefaultMaxGapSeconds = 60;
  static constexpr size_t kStateSize = 232;

  // `max_gap_seconds` below a quarter hour (larger values are taken as 899).
  explicit QuarterHourDemand(int64_t max_gap_seconds = kDefaultMaxGapSeconds)
      : max_gap_(max_gap_seconds < kQuarterSeconds ? max_gap_seconds : kQuarterSeconds - 1) {}

  DemandUpdate feed(const DemandSample& sample);
  void reset();

  bool has_sample() const { return state_.has_sample; }
  const DemandSample& last_sample() const { return state_.sample; }
  // The quarter hour in progress: its start (the current reading's quarter)
  // and whether it can still become complete.
  MeterTime current_start() const { return state_.current_start; }
  bool current_complete_so_far() const { return state_.has_sample && state_.start_known && !state_.tainted; }
  // Average so far (energy since the start / seconds since the start, not a
  // projection); false while current_complete_so_far() is false or no time
  // has passed since the start.
  bool running(int64_t& import_mw, int64_t& export_mw, int64_t& elapsed_seconds) const;

  bool has_last() const { return state_.has_last; }
  const QuarterHour& last() const { return state_.last; }  // the latest quarter hour that ended
  const DemandPeaks& day_peak() const { return state_.day; }
  const DemandPeaks& month_peak() const { return state_.month; }
  const DemandPeaks& previous_month_peak() const { return state_.previous_month; }

  // kStateSize bytes with a magic, a version and a CRC-32; 0 when `out` is smaller.
  size_t save(MutableByteSpan out) const;
  // Anything but a state save() wrote (torn, corrupt, another version) is
  // refused with its reason and leaves a fresh state.
  DemandStateError load(ByteSpan in);

 private:
  struct State {
    bool has_sample = false;
    DemandSample sample;          // the last reading
    MeterTime current_start;      // start of the quarter hour in progress
    bool start_known = false;     // its start energy was interpolated
    bool tainted = false;         // a gap inside it
    int64_t start_import_mwh = 0;
    int64_t start_export_mwh = 0;
    bool has_last = false;
    QuarterHour last;
    int32_t day_key = 0;          // local days since 2000 of the peaks below
    int32_t month_key = 0;        // local year * 12 + month - 1
    bool has_period = false;
    DemandPeaks day;
    DemandPeaks month;
    DemandPeaks previous_month;
  };
  void start_fresh(const DemandSample& sample);
  void close_current(bool complete, int64_t end_import_mwh, int64_t end_export_mwh, bool has_export);
  void roll_period(const MeterTime& time);
  int64_t max_gap_;
  State state_;
};

}  // namespace p1
