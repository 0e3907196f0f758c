// The page's history on the device: the core's HistoryRing (energy per hour,
// day and month, the day's peak quarter hour, the last ten minutes of power)
// over /history.bin on LittleFS (7.7 KB, written when a period ends and at
// most once per quarter hour otherwise). Periods follow the meter's clock: a
// reading without a usable clock adds nothing (the device has no other).
#pragma once
#include <Arduino.h>
#include <LittleFS.h>

#include "p1/base/text_buffer.h"
#include "p1/cosem/reading.h"
#include "p1/history/history_ring.h"

// The ring's slots in one LittleFS file. LittleFS commits a file when it is
// closed, so the slots of one flush are on flash together or not at all.
class HistoryFile final : public p1::HistoryMedium {
 public:
  // Creates the file at its size when it is missing or short.
  bool begin();
  bool read(size_t offset, p1::MutableByteSpan out) override;
  bool begin_write() override;
  bool write(size_t offset, p1::ByteSpan data) override;
  bool end_write() override;
  // After an answer: the file stays open only while one is written.
  void close_reader();

 private:
  // Read or written, never both at once (begin_write() closes the reader).
  File file_;
  bool writing_ = false;
};

class DeviceHistory {
 public:
  // Makes the file if needed and shows what it holds (HistoryRing::load).
  void begin();
  // Before a restart: what is due is written now.
  void flush();
  void on_reading(const p1::Reading& reading);
  // A quarter hour that ended (from the demand): the day's peak.
  void on_quarter_hour(p1::LocalSeconds start, int64_t import_w, bool complete);
  // Writes what is due, outside the reading's callback; after a failed
  // write, tries again a minute later (flash full or worn: said once).
  void loop(uint32_t now_ms);
  // The sealed "history" call: one page of the answer (HistoryRing::write_part).
  void write_part(p1::TextBuffer& out, size_t part);
  // One series, `"name":[..]` (GET /api/v1/history).
  void write_series(p1::TextBuffer& out, p1::HistorySeries series);

 private:
  HistoryFile file_;
  p1::HistoryRing ring_{file_};
  bool ready_ = false;
  bool failed_ = false;
  uint32_t retry_ms_ = 0;
};
