#include "p1/history/history_ring.h"

#include "p1/device/settings/crc32.h"
#include "p1/output/json_text.h"

namespace p1 {

namespace {

constexpr HistoryPeriod kPeriods[] = {HistoryPeriod::kHour, HistoryPeriod::kDay, HistoryPeriod::kMonth};

void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(u >> (8 * i));
}
uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
int64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return static_cast<int64_t>(v);
}

int slot_count(HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::kHour: return HistoryRing::kHourSlots;
    case HistoryPeriod::kDay: return HistoryRing::kDaySlots;
    case HistoryPeriod::kMonth: return HistoryRing::kMonthSlots;
  }
  return 1;
}

int shown(HistoryPeriod period) {
  switch (period) {
    case HistoryPeriod::kHour: return HistoryRing::kShownHours;
    case HistoryPeriod::kDay: return HistoryRing::kShownDays;
    case HistoryPeriod::kMonth: return HistoryRing::kShownMonths;
  }
  return 1;
}

// Register arithmetic wraps instead of overflowing (registers are the
// meter's numbers, whatever it sends).
int64_t minus(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }

// One row of a series: [a,b,..] (times fit 32 bits, energies and powers 64).
void put_row(TextBuffer& out, bool& first, const int64_t* values, size_t count) {
  if (!first) out.put(',');
  first = false;
  out.put('[');
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out.put(',');
    put_json_int(out, values[i]);
  }
  out.put(']');
}

// Times before 1970 or after 2106 cannot be kept in a slot.
bool storable(LocalSeconds at) { return at > 0 && at <= static_cast<LocalSeconds>(UINT32_MAX); }

}  // namespace

size_t HistoryRing::slot_offset(HistoryPeriod period, int64_t index) {
  size_t base = 0;
  if (period != HistoryPeriod::kHour) base += kHourSlots;
  if (period == HistoryPeriod::kMonth) base += kDaySlots;
  int64_t n = slot_count(period);
  int64_t position = ((index % n) + n) % n;
  return (base + static_cast<size_t>(position)) * kSlotSize;
}

void HistoryRing::encode(const Slot& s, uint8_t out[kSlotSize]) {
  put32(out, s.start);
  put32(out + 4, s.last_at);
  put64(out + 8, s.first_import);
  put64(out + 16, s.first_export);
  put64(out + 24, s.last_import);
  put64(out + 32, s.last_export);
  put32(out + 40, static_cast<uint32_t>(s.peak_w));
  put32(out + 44, s.peak_at);
  put32(out + 48, s.peak_complete ? 1u : 0u);
  put32(out + 52, crc32(ByteSpan(out, 52), kSlotFormat));
}

bool HistoryRing::decode(const uint8_t in[kSlotSize], Slot& s) {
  if (get32(in + 52) != crc32(ByteSpan(in, 52), kSlotFormat)) return false;
  s.start = get32(in);
  s.last_at = get32(in + 4);
  s.first_import = get64(in + 8);
  s.first_export = get64(in + 16);
  s.last_import = get64(in + 24);
  s.last_export = get64(in + 32);
  s.peak_w = static_cast<int32_t>(get32(in + 40));
  s.peak_at = get32(in + 44);
  s.peak_complete = get32(in + 48) == 1;
  return s.start != 0 && s.last_at >= s.start;
}

bool HistoryRing::read_slot(HistoryPeriod period, int64_t index, Slot& slot) {
  uint8_t bytes[kSlotSize];
  if (!medium_.read(slot_offset(period, index), MutableByteSpan(bytes, sizeof bytes))) return false;
  // A slot that holds another period (older, or a clock that was once far
  // ahead) is not this one.
  return decode(bytes, slot) && period_index(slot.start, period) == index;
}

bool HistoryRing::write_slot(HistoryPeriod period, const Slot& slot) {
  uint8_t bytes[kSlotSize];
  encode(slot, bytes);
  return medium_.write(slot_offset(period, period_index(slot.start, period)), ByteSpan(bytes, sizeof bytes));
}

void HistoryRing::load() {
  for (HistoryPeriod period : kPeriods) {
    Open& open = open_[static_cast<int>(period)];
    open = Open();
    for (int position = 0; position < slot_count(period); ++position) {
      uint8_t bytes[kSlotSize];
      Slot slot;
      size_t offset = slot_offset(period, position);  // the first index at that place
      if (!medium_.read(offset, MutableByteSpan(bytes, sizeof bytes)) || !decode(bytes, slot)) continue;
      // A slot in the wrong place is not one this ring wrote.
      if (slot_offset(period, period_index(slot.start, period)) != offset) continue;
      if (!open.used || slot.start > open.slot.start) {
        open.slot = slot;
        open.used = true;
      }
    }
  }
  if (open_[0].used) written_at_ = open_[0].slot.last_at;
}

bool HistoryRing::open_period(HistoryPeriod period, const HistorySample& s, Slot& ended) {
  int p = static_cast<int>(period);
  Open& open = open_[p];
  int64_t index = period_index(s.at, period);
  bool has_ended = false;
  if (open.used) {
    int64_t current = period_index(open.slot.start, period);
    if (index == current) return false;
    // It ended: written once more, with the registers at its end. When the
    // next period follows directly, its first reading's registers are that
    // end (the energy between the last reading and the boundary belongs to
    // the one that ended); after a gap, its own last reading. So a period's
    // energy is in its own slot, whatever becomes of its successor's.
    ended = open.slot;
    if (index == current + 1 && s.import_wh >= open.slot.last_import && s.export_wh >= open.slot.last_export) {
      ended.last_import = s.import_wh;
      ended.last_export = s.export_wh;
    }
    has_ended = true;
  }
  open = Open();
  open.used = true;
  open.changed = true;
  due_ = true;
  // The period may have begun before a restart: it goes on from its slot,
  // unless that is from an earlier pass through the same hours (the meter
  // clock went back further than the autumn change's hour).
  if (read_slot(period, index, open.slot) && s.at + 3600 >= static_cast<LocalSeconds>(open.slot.last_at)) {
    return has_ended;
  }
  open.slot = Slot();
  open.slot.start = static_cast<uint32_t>(period_start(s.at, period));
  open.slot.last_at = static_cast<uint32_t>(s.at);
  open.slot.first_import = open.slot.last_import = s.import_wh;
  open.slot.first_export = open.slot.last_export = s.export_wh;
  return has_ended;
}

void HistoryRing::add(const HistorySample& s) {
  if (!storable(s.at)) return;
  if (s.has_power) add_live(s);
  if (!s.has_energy) return;
  // The periods that end with this reading are written at once (their
  // slots are final), together with the ones it opens.
  Slot ended[3];
  bool has_ended[3] = {};
  for (HistoryPeriod period : kPeriods) {
    int p = static_cast<int>(period);
    // A clock that went back opens the earlier period again.
    has_ended[p] = open_period(period, s, ended[p]);
    Open& open = open_[p];
    Slot& slot = open.slot;
    // A register that went down (meter replaced, 2.8.0 gone): the energy so
    // far is kept and counted on from the new register.
    if (s.import_wh < slot.last_import) slot.first_import = minus(s.import_wh, minus(slot.last_import, slot.first_import));
    if (s.export_wh < slot.last_export) slot.first_export = minus(s.export_wh, minus(slot.last_export, slot.first_export));
    slot.last_import = s.import_wh;
    slot.last_export = s.export_wh;
    // Within the autumn change's hour the wall clock goes back: the latest
    // time stays the latest.
    if (s.at > static_cast<LocalSeconds>(slot.last_at)) slot.last_at = static_cast<uint32_t>(s.at);
    open.changed = true;
  }
  if (has_ended[0] || has_ended[1] || has_ended[2]) {
    // A failure leaves the ended periods as last written (at most a quarter
    // hour old); the open ones stay due.
    write(ended, has_ended);
    return;
  }
  LocalSeconds written = written_at_;
  if (s.at - written >= kWriteEvery || s.at + 3600 < written) due_ = true;
}

void HistoryRing::add_live(const HistorySample& s) {
  if (live_count_ > 0) {
    const LivePoint& last = live_[(live_head_ + live_count_ - 1) % kLivePoints];
    if (s.at < static_cast<LocalSeconds>(last.at)) live_count_ = 0;  // the clock went back: start again
    else if (s.at - static_cast<LocalSeconds>(last.at) < kLiveSpacing) return;
  }
  int64_t w = s.net_w;
  if (w > INT32_MAX) w = INT32_MAX;
  if (w < -INT32_MAX) w = -INT32_MAX;
  size_t at = live_count_ < kLivePoints ? (live_head_ + live_count_) % kLivePoints : live_head_;
  live_[at] = LivePoint{static_cast<uint32_t>(s.at), static_cast<int32_t>(w)};
  if (live_count_ < kLivePoints) {
    ++live_count_;
  } else {
    live_head_ = static_cast<uint8_t>((live_head_ + 1) % kLivePoints);
  }
}

void HistoryRing::add_quarter_hour(LocalSeconds start, int64_t import_w, bool complete) {
  // An incomplete one (a gap, the first after a start) has no average to compare.
  if (!storable(start) || import_w < 0 || !complete) return;
  int32_t w = import_w > INT32_MAX ? INT32_MAX : static_cast<int32_t>(import_w);
  int64_t day = period_index(start, HistoryPeriod::kDay);
  Open& open = open_[static_cast<int>(HistoryPeriod::kDay)];
  bool in_open = open.used && period_index(open.slot.start, HistoryPeriod::kDay) == day;
  Slot ended;
  // The last quarter hour of a day ends in the next one: its day is in
  // flash by then, and is written again with the peak.
  if (!in_open && !read_slot(HistoryPeriod::kDay, day, ended)) return;
  Slot& slot = in_open ? open.slot : ended;
  if (slot.peak_w >= w) return;
  slot.peak_w = w;
  slot.peak_at = static_cast<uint32_t>(start);
  slot.peak_complete = complete;
  if (in_open) {
    open.changed = true;
    due_ = true;
    return;
  }
  Slot none[3];
  bool which[3] = {false, true, false};
  none[1] = ended;
  write(none, which);
}

bool HistoryRing::flush() {
  Slot none[3];
  bool which[3] = {};
  return write(none, which);
}

bool HistoryRing::write(const Slot* ended, const bool* has_ended) {
  bool any = false;
  for (int p = 0; p < 3; ++p) any = any || has_ended[p] || (open_[p].used && open_[p].changed);
  if (!any) {
    due_ = false;
    return true;
  }
  bool ok = medium_.begin_write();
  for (HistoryPeriod period : kPeriods) {
    int p = static_cast<int>(period);
    if (ok && has_ended[p]) ok = write_slot(period, ended[p]);
    if (ok && open_[p].used && open_[p].changed) ok = write_slot(period, open_[p].slot);
  }
  ok = medium_.end_write() && ok;
  if (!ok) {
    ++write_failures_;
    due_ = true;
    return false;
  }
  ++writes_;
  for (Open& open : open_) open.changed = false;
  if (open_[0].used) written_at_ = open_[0].slot.last_at;
  due_ = false;
  return true;
}

bool HistoryRing::shown_slot(HistoryPeriod period, int64_t index, Slot& slot) {
  int p = static_cast<int>(period);
  if (open_[p].used && period_index(open_[p].slot.start, period) == index) {
    slot = open_[p].slot;
    return true;
  }
  return read_slot(period, index, slot);
}

void HistoryRing::write_energy(TextBuffer& out, HistoryPeriod period) {
  const Open& open = open_[static_cast<int>(period)];
  if (!open.used) return;
  bool first = true;
  int64_t newest = period_index(open.slot.start, period);
  for (int64_t index = newest - shown(period) + 1; index <= newest; ++index) {
    Slot s;
    if (!shown_slot(period, index, s)) continue;
    const int64_t row[] = {s.start, minus(s.last_import, s.first_import), minus(s.last_export, s.first_export)};
    put_row(out, first, row, sizeof row / sizeof row[0]);
  }
}

void HistoryRing::write_peaks(TextBuffer& out) {
  const Open& open = open_[static_cast<int>(HistoryPeriod::kDay)];
  if (!open.used) return;
  bool first = true;
  int64_t newest = period_index(open.slot.start, HistoryPeriod::kDay);
  for (int64_t index = newest - kShownDays + 1; index <= newest; ++index) {
    Slot slot;
    if (!shown_slot(HistoryPeriod::kDay, index, slot) || slot.peak_w < 0) continue;
    const int64_t row[] = {slot.start, slot.peak_w, slot.peak_at, slot.peak_complete ? 1 : 0};
    put_row(out, first, row, sizeof row / sizeof row[0]);
  }
}

void HistoryRing::write_series(TextBuffer& out, HistorySeries series) {
  switch (series) {
    case HistorySeries::kLive: {
      out.put(P1_TEXT("\"live\":["));
      const LivePoint* newest = live_count_ > 0 ? &live_[(live_head_ + live_count_ - 1) % kLivePoints] : nullptr;
      bool first = true;
      for (size_t i = 0; i < live_count_; ++i) {
        const LivePoint& p = live_[(live_head_ + i) % kLivePoints];
        if (static_cast<int64_t>(newest->at) - p.at > kLiveSeconds) continue;
        const int64_t row[] = {p.at, p.watts};
        put_row(out, first, row, sizeof row / sizeof row[0]);
      }
      break;
    }
    case HistorySeries::kHours: out.put(P1_TEXT("\"hours\":[")); write_energy(out, HistoryPeriod::kHour); break;
    case HistorySeries::kDays: out.put(P1_TEXT("\"days\":[")); write_energy(out, HistoryPeriod::kDay); break;
    case HistorySeries::kMonths: out.put(P1_TEXT("\"months\":[")); write_energy(out, HistoryPeriod::kMonth); break;
    case HistorySeries::kPeaks: out.put(P1_TEXT("\"peaks\":[")); write_peaks(out); break;
  }
  out.put(']');
}

void HistoryRing::write_part(TextBuffer& out, size_t from) {
  size_t opened = out.size();
  // Room kept for `,"next":N}`.
  constexpr size_t kTail = 11;
  out.put('{');
  size_t next = from;
  for (; next < kHistorySeriesCount && !out.overflow(); ++next) {
    size_t before = out.size();
    if (next > from) out.put(',');
    write_series(out, static_cast<HistorySeries>(next));
    if (out.overflow() || !out.has_room(kTail)) {
      out.truncate(before);
      break;
    }
  }
  if (next == from && from < kHistorySeriesCount) {
    out.truncate(opened);
    out.put(P1_TEXT("{\"error\":\"the history answer does not fit\"}"));
    return;
  }
  if (next < kHistorySeriesCount) {
    out.put(P1_TEXT(",\"next\":"));
    put_json_uint(out, next);
  }
  out.put('}');
}

}  // namespace p1
