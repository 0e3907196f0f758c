// The page's history on the device: energy per hour (48), day (62) and
// month (24), the day's highest quarter hour, and the last ten minutes of
// power, in the same series the Linux program's SQLite file answers
// (p1/device/web/sealed_calls.h, "history").
//
// Each period is one slot in a file on flash: its start, the registers of
// its first reading and at its end (the next period's first reading when
// that follows directly, else its own last), and (days) its peak, with a
// CRC-32; a period's energy is in its own slot. A
// period's slot is fixed by its number (period_index modulo the slot count),
// so no head pointer is kept: a slot holding another period, a torn one or
// one of another format is simply not shown. Only the periods in progress
// (hour, day, month) live in RAM; the closed ones are read back from flash
// when the page asks. The file is written when a period ends and otherwise
// at most once per quarter hour of the meter clock (about 35,000 writes a
// year, spread by LittleFS's wear levelling), so a power cut costs at most
// the last quarter hour of the periods in progress, never a wrong figure.
// The live power is a RAM ring only (a restart empties it).
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/span.h"
#include "p1/base/text_buffer.h"
#include "p1/history/history_sample.h"

namespace p1 {

// Where the slots are kept (on the device a LittleFS file). Writes between
// begin_write() and end_write() become durable together or not at all
// (LittleFS commits a file at close); a medium that cannot promise that
// still never shows a wrong figure, as every slot carries its CRC.
class HistoryMedium {
 public:
  // False when the bytes are not there (file missing or short).
  virtual bool read(size_t offset, MutableByteSpan out) = 0;
  virtual bool begin_write() = 0;
  virtual bool write(size_t offset, ByteSpan data) = 0;
  virtual bool end_write() = 0;

 protected:
  ~HistoryMedium() = default;
};

// The series the page draws, in the order of the Linux program's answer.
enum class HistorySeries : uint8_t { kLive, kHours, kDays, kMonths, kPeaks };
constexpr size_t kHistorySeriesCount = 5;

class HistoryRing {
 public:
  // Shown, as the Linux program's HistoryStore keeps them.
  static constexpr int kShownHours = 48, kShownDays = 62, kShownMonths = 24;
  // Slots: one more than shown, so the oldest bar shown still finds the
  // first registers of its successor.
  static constexpr int kHourSlots = kShownHours + 1, kDaySlots = kShownDays + 1, kMonthSlots = kShownMonths + 1;
  static constexpr size_t kSlotSize = 56;  // the last 4 bytes: CRC-32 of the others, seeded with kSlotFormat
  // Mixed into each slot's CRC: a slot of another layout is refused, not misread.
  static constexpr uint32_t kSlotFormat = 0x70316831;  // "p1h1"
  static constexpr size_t kFileSize = (kHourSlots + kDaySlots + kMonthSlots) * kSlotSize;
  // The live series: a point at most every kLiveSpacing s of the meter
  // clock, the last kLiveSeconds.
  static constexpr int64_t kLiveSeconds = 600;
  static constexpr int64_t kLiveSpacing = 10;
  static constexpr size_t kLivePoints = kLiveSeconds / kLiveSpacing + 1;  // both ends, as the Linux program's
  // Between two writes while the periods go on (meter seconds).
  static constexpr int64_t kWriteEvery = 900;
  // The longest text write_series() can produce for one series (days or
  // peaks, every number at its widest): a reply buffer must hold it.
  static constexpr size_t kMaxSeriesText = 12 + kShownDays * 54;

  explicit HistoryRing(HistoryMedium& medium) : medium_(medium) {}

  // At start: the newest hour, day and month in the file become the periods
  // in progress, so the page shows the stored history before the first
  // reading, and a period that the first reading follows directly ends at
  // that reading's registers (as when the device had run on).
  void load();

  // A reading's sample. The periods it falls in are opened (from their slot
  // when one is there: after a restart the hour goes on) and their latest
  // registers updated. When periods end, their final slots are written at
  // once with the new ones; otherwise flush() writes when it is due.
  void add(const HistorySample& sample);
  // A quarter hour that ended (average import power in W): the day's peak
  // (a day that already ended is written at once).
  void add_quarter_hour(LocalSeconds start, int64_t import_w, bool complete);
  // Something to write: a period ended, or a quarter hour of the meter
  // clock passed since the last write.
  bool flush_due() const { return due_; }
  // Writes the changed slots (also at a clean stop). False if the medium
  // failed; what was to be written stays due.
  bool flush();

  // `"<name>":[...]` of one series (no braces). The newest period is the
  // one in progress (its energy so far).
  void write_series(TextBuffer& out, HistorySeries series);

  // One answer of the page's paged "history" call: `{<series>,..,"next":k}`
  // with as many series from number `from` on as fit in `out` ("next" when
  // some are left for the page to ask for), or an error when not even one
  // fits (`out` holds at least 64 chars). The page asks again from "next"
  // and merges the answers.
  void write_part(TextBuffer& out, size_t from);

  bool empty() const { return !open_[0].used && live_count_ == 0; }
  uint32_t writes() const { return writes_; }
  uint32_t write_failures() const { return write_failures_; }

 private:
  // A period as in its slot. Times are LocalSeconds (fit in 32 bits until 2106).
  struct Slot {
    uint32_t start = 0;
    uint32_t last_at = 0;
    int64_t first_import = 0, first_export = 0;
    int64_t last_import = 0, last_export = 0;
    int32_t peak_w = -1;  // days: the highest quarter hour's import, -1 none
    uint32_t peak_at = 0;
    bool peak_complete = false;
  };
  struct Open {
    Slot slot;
    bool used = false;
    bool changed = false;  // since it was last written
  };
  struct LivePoint {
    uint32_t at;
    int32_t watts;
  };

  static size_t slot_offset(HistoryPeriod period, int64_t index);
  static void encode(const Slot& slot, uint8_t out[kSlotSize]);
  static bool decode(const uint8_t in[kSlotSize], Slot& slot);
  bool read_slot(HistoryPeriod period, int64_t index, Slot& slot);
  bool write_slot(HistoryPeriod period, const Slot& slot);
  // What the page is shown of a period: from RAM while
  // in progress, else from the medium.
  bool shown_slot(HistoryPeriod period, int64_t index, Slot& slot);
  // True when the period in progress ended (`ended`: its final slot).
  bool open_period(HistoryPeriod period, const HistorySample& sample, Slot& ended);
  // Writes the ended slots marked in `has_ended` and the changed open ones, in one go.
  bool write(const Slot* ended, const bool* has_ended);
  void add_live(const HistorySample& sample);
  void write_energy(TextBuffer& out, HistoryPeriod period);
  void write_peaks(TextBuffer& out);

  HistoryMedium& medium_;
  Open open_[3];  // hour, day, month in progress
  LivePoint live_[kLivePoints] = {};
  uint8_t live_head_ = 0, live_count_ = 0;
  uint32_t written_at_ = 0;  // meter seconds of the last write
  bool due_ = false;
  uint32_t writes_ = 0, write_failures_ = 0;
};

}  // namespace p1
