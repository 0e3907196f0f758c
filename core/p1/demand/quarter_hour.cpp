#include "p1/demand/quarter_hour.h"

#include "p1/cosem/gateway_fields.h"
#include "p1/device/settings/crc32.h"

namespace p1 {

namespace {

constexpr int64_t kQ = QuarterHourDemand::kQuarterSeconds;
constexpr uint8_t kMagic[4] = {'P', '1', 'Q', 'H'};
constexpr uint8_t kVersion = 1;

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// The ranges feed() accepts and load() checks: energies the arithmetic
// cannot overflow with (10^15 mWh = 10^9 kWh), offsets of real time zones
// (DLMS allows +-720 minutes), seconds within +-2^40 (34,000 years).
constexpr int64_t kMaxMwh = 1000000000000000ll;
constexpr int64_t kMaxSeconds = int64_t{1} << 40;
bool energy_ok(int64_t e) { return e >= 0 && e <= kMaxMwh; }
bool time_ok(const MeterTime& t) {
  return t.seconds > -kMaxSeconds && t.seconds < kMaxSeconds && t.offset_minutes >= -16 * 60 &&
         t.offset_minutes <= 16 * 60;
}

// value x 10^scaler Wh as mWh; false when it does not fit (no meter counts
// that far) or the unit is not Wh. Flat registers without a unit are Wh.
bool to_mwh(const ReadingValue& v, int64_t& out) {
  if (v.kind != ReadingValue::Kind::kNumber || v.negative) return false;
  if (v.unit != static_cast<uint8_t>(Unit::kWattHour) && v.unit != 0 && v.unit != 255) return false;
  int exponent = v.scaler + 3;
  if (exponent < -18 || exponent > 12) return false;
  uint64_t m = v.magnitude;
  for (; exponent < 0; ++exponent) m /= 10;
  for (; exponent > 0; --exponent) {
    if (m > (static_cast<uint64_t>(INT64_MAX) / 10)) return false;
    m *= 10;
  }
  if (m > static_cast<uint64_t>(kMaxMwh)) return false;
  out = static_cast<int64_t>(m);
  return true;
}

// Energy at `at` on the line between (t0, e0) and (t1, e1), t0 < at <= t1.
int64_t interpolate(int64_t t0, int64_t e0, int64_t t1, int64_t e1, int64_t at) {
  if (at >= t1) return e1;
  return e0 + (e1 - e0) * (at - t0) / (t1 - t0);
}

MeterTime quarter_start(const MeterTime& t) {
  MeterTime q = t;
  q.seconds = floor_div(t.seconds, kQ) * kQ;
  return q;
}

int32_t local_day(const MeterTime& t) { return static_cast<int32_t>(floor_div(t.local_seconds(), 86400)); }
int32_t local_month(const MeterTime& t) {
  DlmsDateTime d = t.to_date_time();
  return static_cast<int32_t>(d.year) * 12 + d.month - 1;
}

void keep_peak(DemandPeak& peak, int64_t mw, const MeterTime& start) {
  if (peak.valid && peak.mw >= mw) return;  // the earlier of equal peaks stays
  peak.valid = true;
  peak.mw = mw;
  peak.start = start;
}

// Little-endian fields of the saved state.
class Writer {
 public:
  explicit Writer(uint8_t* p) : p_(p) {}
  void u8(uint8_t v) { p_[n_++] = v; }
  void i64(int64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
  }
  void i32(int32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * i)));
  }
  void i16(int16_t v) {
    u8(static_cast<uint8_t>(static_cast<uint16_t>(v)));
    u8(static_cast<uint8_t>(static_cast<uint16_t>(v) >> 8));
  }
  void time(const MeterTime& t) {
    i64(t.seconds);
    i16(t.offset_minutes);
    u8(t.has_offset ? 1 : 0);
  }
  size_t size() const { return n_; }

 private:
  uint8_t* p_;
  size_t n_ = 0;
};

class Reader {
 public:
  explicit Reader(const uint8_t* p) : p_(p) {}
  uint8_t u8() { return p_[n_++]; }
  int64_t i64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(u8()) << (8 * i);
    return static_cast<int64_t>(v);
  }
  int32_t i32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
    return static_cast<int32_t>(v);
  }
  int16_t i16() {
    uint16_t lo = u8();
    return static_cast<int16_t>(lo | static_cast<uint16_t>(u8()) << 8);
  }
  size_t position() const { return n_; }
  bool flag(bool& ok) {
    uint8_t v = u8();
    if (v > 1) ok = false;
    return v == 1;
  }
  MeterTime time(bool& ok) {
    MeterTime t;
    t.seconds = i64();
    t.offset_minutes = i16();
    t.has_offset = flag(ok);
    return t;
  }

 private:
  const uint8_t* p_;
  size_t n_ = 0;
};

void write_peak(Writer& w, const DemandPeak& p) {
  w.u8(p.valid ? 1 : 0);
  w.i64(p.mw);
  w.time(p.start);
}

DemandPeak read_peak(Reader& r, bool& ok) {
  DemandPeak p;
  p.valid = r.flag(ok);
  p.mw = r.i64();
  p.start = r.time(ok);
  return p;
}

}  // namespace

DlmsDateTime MeterTime::to_date_time() const {
  return DlmsDateTime::from_seconds(seconds, has_offset ? static_cast<int16_t>(-offset_minutes)
                                                        : DlmsDateTime::kDeviationUnspecified);
}

bool demand_sample(const Reading& reading, DemandSample& out) {
  const DlmsDateTime* clock = reading.timestamp();
  if (clock == nullptr || !clock->to_seconds(out.time.seconds)) return false;
  out.time.has_offset = clock->has_offset();
  out.time.offset_minutes = out.time.has_offset ? static_cast<int16_t>(-clock->deviation) : 0;
  if (!time_ok(out.time)) return false;
  GatewayValues values(reading);
  if (values.field[0] == nullptr || !to_mwh(*values.field[0], out.import_mwh)) return false;
  out.has_export = values.field[1] != nullptr && to_mwh(*values.field[1], out.export_mwh);
  if (!out.has_export) out.export_mwh = 0;
  return true;
}

const char* describe(DemandBreak cause) {
  switch (cause) {
    case DemandBreak::kNone: return "none";
    case DemandBreak::kFirst: return "first reading";
    case DemandBreak::kGap: return "readings missing (gap longer than the limit)";
    case DemandBreak::kClockBackwards: return "the meter clock went backwards";
    case DemandBreak::kRegisterDown: return "an energy register went down or vanished (meter replaced?)";
  }
  return "?";
}

const char* describe(DemandStateError error) {
  switch (error) {
    case DemandStateError::kNone: return "ok";
    case DemandStateError::kTooShort: return "too short (torn write?)";
    case DemandStateError::kBadMagic: return "not a demand state";
    case DemandStateError::kBadVersion: return "written by another version";
    case DemandStateError::kBadChecksum: return "checksum mismatch (corrupt or torn)";
    case DemandStateError::kInconsistent: return "values out of range";
  }
  return "?";
}

void QuarterHourDemand::reset() { state_ = State(); }

void QuarterHourDemand::start_fresh(const DemandSample& s) {
  state_.has_sample = true;
  state_.sample = s;
  state_.current_start = quarter_start(s.time);
  state_.start_known = false;
  state_.tainted = false;
  state_.start_import_mwh = state_.start_export_mwh = 0;
}

void QuarterHourDemand::close_current(bool complete, int64_t end_import, int64_t end_export, bool has_export) {
  QuarterHour& q = state_.last;
  q = QuarterHour();
  q.start = state_.current_start;
  q.complete = complete;
  q.has_export = complete && has_export;
  if (complete) {
    q.import_mwh = end_import - state_.start_import_mwh;
    q.export_mwh = q.has_export ? end_export - state_.start_export_mwh : 0;
  }
  state_.has_last = true;
  if (!complete) return;
  // A peak belongs to the local day / month of its start; a quarter hour of a
  // finished day (after the clock went back) counts for neither.
  roll_period(q.start);
  if (local_day(q.start) == state_.day_key) {
    keep_peak(state_.day.import_peak, q.import_mw(), q.start);
    if (q.has_export) keep_peak(state_.day.export_peak, q.export_mw(), q.start);
  }
  if (local_month(q.start) == state_.month_key) {
    keep_peak(state_.month.import_peak, q.import_mw(), q.start);
    if (q.has_export) keep_peak(state_.month.export_peak, q.export_mw(), q.start);
  }
}

// Moves the day / month forward to `time`'s (never back).
void QuarterHourDemand::roll_period(const MeterTime& time) {
  int32_t day = local_day(time), month = local_month(time);
  if (!state_.has_period) {
    state_.has_period = true;
    state_.day_key = day;
    state_.month_key = month;
    return;
  }
  if (day > state_.day_key) {
    state_.day_key = day;
    state_.day = DemandPeaks();
  }
  if (month > state_.month_key) {
    // The month just ended is the previous month only when it is the one
    // right before; after a longer silence there is no previous month's peak.
    state_.previous_month = month == state_.month_key + 1 ? state_.month : DemandPeaks();
    state_.month_key = month;
    state_.month = DemandPeaks();
  }
}

DemandUpdate QuarterHourDemand::feed(const DemandSample& given) {
  DemandUpdate u;
  if (!time_ok(given.time) || !energy_ok(given.import_mwh) || !energy_ok(given.export_mwh)) return u;  // not from demand_sample()
  DemandSample s = given;
  if (!s.has_export) s.export_mwh = 0;
  if (!state_.has_sample) {
    start_fresh(s);
    roll_period(s.time);
    u.accepted = true;
    u.cause = DemandBreak::kFirst;
    return u;
  }
  const DemandSample& last = state_.sample;
  if (s.time.seconds == last.time.seconds) return u;  // nothing to learn; a repeat keeps the first
  u.accepted = true;
  // A register that went down, or 2.8.0 appearing or vanishing: not the
  // same registers any more (a replaced meter, another layout).
  bool register_down = s.import_mwh < last.import_mwh || s.has_export != last.has_export ||
                       (s.has_export && s.export_mwh < last.export_mwh);
  if (s.time.seconds < last.time.seconds || register_down) {
    u.cause = register_down ? DemandBreak::kRegisterDown : DemandBreak::kClockBackwards;
    close_current(false, 0, 0, false);
    u.closed = 1;
    start_fresh(s);
    roll_period(s.time);
    return u;
  }
  bool gap = s.time.seconds - last.time.seconds > max_gap_;
  if (gap) u.cause = DemandBreak::kGap;
  bool has_export = s.has_export && last.has_export;
  MeterTime next_start = quarter_start(s.time);
  if (next_start.seconds == state_.current_start.seconds) {
    if (gap) state_.tainted = true;
  } else {
    int64_t end = state_.current_start.seconds + kQ;
    int64_t end_import = interpolate(last.time.seconds, last.import_mwh, s.time.seconds, s.import_mwh, end);
    int64_t end_export =
        has_export ? interpolate(last.time.seconds, last.export_mwh, s.time.seconds, s.export_mwh, end) : 0;
    close_current(!gap && state_.start_known && !state_.tainted, end_import, end_export, has_export);
    u.closed = static_cast<uint32_t>((next_start.seconds - end) / kQ + 1);
    if (u.closed > 1) {
      // Quarter hours without a reading: each ended incomplete; `last` is
      // the latest of them.
      state_.current_start = next_start;
      state_.current_start.seconds -= kQ;
      close_current(false, 0, 0, false);
    }
    state_.current_start = next_start;
    state_.start_known = !gap;
    state_.tainted = false;
    // After a gap the start is unknown (and the interpolation's span could
    // be long enough to overflow).
    state_.start_import_mwh = gap ? s.import_mwh
                                  : interpolate(last.time.seconds, last.import_mwh, s.time.seconds, s.import_mwh,
                                                next_start.seconds);
    state_.start_export_mwh =
        gap || !has_export
            ? (has_export ? s.export_mwh : 0)
            : interpolate(last.time.seconds, last.export_mwh, s.time.seconds, s.export_mwh, next_start.seconds);
  }
  state_.sample = s;
  roll_period(s.time);
  return u;
}

bool QuarterHourDemand::running(int64_t& import_mw, int64_t& export_mw, int64_t& elapsed) const {
  if (!current_complete_so_far()) return false;
  elapsed = state_.sample.time.seconds - state_.current_start.seconds;
  if (elapsed <= 0) return false;
  import_mw = (state_.sample.import_mwh - state_.start_import_mwh) * 3600 / elapsed;
  export_mw = state_.sample.has_export ? (state_.sample.export_mwh - state_.start_export_mwh) * 3600 / elapsed : 0;
  return true;
}

size_t QuarterHourDemand::save(MutableByteSpan out) const {
  if (out.size() < kStateSize) return 0;
  uint8_t* p = out.data();
  for (size_t i = 0; i < kStateSize; ++i) p[i] = 0;
  Writer w(p);
  for (uint8_t m : kMagic) w.u8(m);
  w.u8(kVersion);
  const State& s = state_;
  w.u8(s.has_sample ? 1 : 0);
  w.time(s.sample.time);
  w.i64(s.sample.import_mwh);
  w.i64(s.sample.export_mwh);
  w.u8(s.sample.has_export ? 1 : 0);
  w.time(s.current_start);
  w.u8(s.start_known ? 1 : 0);
  w.u8(s.tainted ? 1 : 0);
  w.i64(s.start_import_mwh);
  w.i64(s.start_export_mwh);
  w.u8(s.has_last ? 1 : 0);
  w.time(s.last.start);
  w.u8(s.last.complete ? 1 : 0);
  w.u8(s.last.has_export ? 1 : 0);
  w.i64(s.last.import_mwh);
  w.i64(s.last.export_mwh);
  w.i32(s.day_key);
  w.i32(s.month_key);
  w.u8(s.has_period ? 1 : 0);
  const DemandPeaks* const periods[] = {&s.day, &s.month, &s.previous_month};
  for (const DemandPeaks* peaks : periods) {
    write_peak(w, peaks->import_peak);
    write_peak(w, peaks->export_peak);
  }
  uint32_t crc = crc32(ByteSpan(p, kStateSize - 4));
  for (int i = 0; i < 4; ++i) p[kStateSize - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return kStateSize;
}

DemandStateError QuarterHourDemand::load(ByteSpan in) {
  reset();
  if (in.size() < kStateSize) return DemandStateError::kTooShort;
  const uint8_t* p = in.data();
  for (size_t i = 0; i < 4; ++i) {
    if (p[i] != kMagic[i]) return DemandStateError::kBadMagic;
  }
  if (p[4] != kVersion) return DemandStateError::kBadVersion;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<uint32_t>(p[kStateSize - 4 + i]) << (8 * i);
  if (in.size() != kStateSize || crc32(ByteSpan(p, kStateSize - 4)) != stored) return DemandStateError::kBadChecksum;
  Reader r(p + 5);
  bool ok = true;
  State s;
  s.has_sample = r.flag(ok);
  s.sample.time = r.time(ok);
  s.sample.import_mwh = r.i64();
  s.sample.export_mwh = r.i64();
  s.sample.has_export = r.flag(ok);
  s.current_start = r.time(ok);
  s.start_known = r.flag(ok);
  s.tainted = r.flag(ok);
  s.start_import_mwh = r.i64();
  s.start_export_mwh = r.i64();
  s.has_last = r.flag(ok);
  s.last.start = r.time(ok);
  s.last.complete = r.flag(ok);
  s.last.has_export = r.flag(ok);
  s.last.import_mwh = r.i64();
  s.last.export_mwh = r.i64();
  s.day_key = r.i32();
  s.month_key = r.i32();
  s.has_period = r.flag(ok);
  DemandPeaks* const periods[] = {&s.day, &s.month, &s.previous_month};
  for (DemandPeaks* peaks : periods) {
    peaks->import_peak = read_peak(r, ok);
    peaks->export_peak = read_peak(r, ok);
  }
  for (size_t i = 5 + r.position(); i < kStateSize - 4; ++i) ok = ok && p[i] == 0;  // the spare bytes
  // What feed() relies on: the ranges it accepts, the quarter hour in
  // progress the one of the last reading.
  ok = ok && energy_ok(s.sample.import_mwh) && energy_ok(s.sample.export_mwh) && energy_ok(s.start_import_mwh) &&
       energy_ok(s.start_export_mwh) && s.start_import_mwh <= s.sample.import_mwh &&
       s.start_export_mwh <= s.sample.export_mwh && (s.sample.has_export || s.sample.export_mwh == 0);
  ok = ok && time_ok(s.sample.time) && time_ok(s.current_start) && time_ok(s.last.start);
  ok = ok && (!s.has_sample || quarter_start(s.sample.time).seconds == s.current_start.seconds);
  ok = ok && s.last.import_mwh >= 0 && s.last.import_mwh <= kMaxMwh && s.last.export_mwh >= 0 &&
       s.last.export_mwh <= kMaxMwh;
  for (const DemandPeaks* peaks : periods) {
    ok = ok && peaks->import_peak.mw >= 0 && peaks->import_peak.mw <= 4 * kMaxMwh && time_ok(peaks->import_peak.start);
    ok = ok && peaks->export_peak.mw >= 0 && peaks->export_peak.mw <= 4 * kMaxMwh && time_ok(peaks->export_peak.start);
  }
  if (!ok) return DemandStateError::kInconsistent;
  state_ = s;
  return DemandStateError::kNone;
}

}  // namespace p1
