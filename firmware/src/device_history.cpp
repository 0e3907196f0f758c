#include "device_history.h"

#include "p1/history/history_sample.h"

namespace {
const char kHistoryFile[] = "/history.bin";
}  // namespace

bool HistoryFile::begin() {
  File f = LittleFS.open(kHistoryFile, "r");
  size_t size = f ? f.size() : 0;
  if (f) f.close();
  if (size >= p1::HistoryRing::kFileSize) return true;
  // Zeros are no slot (their CRC does not match): an empty history.
  f = LittleFS.open(kHistoryFile, size == 0 ? "w" : "a");
  if (!f) return false;
  uint8_t zeros[64] = {};
  while (size < p1::HistoryRing::kFileSize) {
    size_t n = p1::HistoryRing::kFileSize - size < sizeof zeros ? p1::HistoryRing::kFileSize - size : sizeof zeros;
    if (f.write(zeros, n) != n) break;
    size += n;
  }
  f.close();
  return size >= p1::HistoryRing::kFileSize;
}

bool HistoryFile::read(size_t offset, p1::MutableByteSpan out) {
  if (writing_) return false;
  if (!file_) file_ = LittleFS.open(kHistoryFile, "r");
  if (!file_ || !file_.seek(offset, SeekSet)) return false;
  return file_.read(out.data(), out.size()) == out.size();
}

void HistoryFile::close_reader() {
  if (file_ && !writing_) file_.close();
}

bool HistoryFile::begin_write() {
  if (file_) file_.close();
  file_ = LittleFS.open(kHistoryFile, "r+");
  writing_ = static_cast<bool>(file_);
  return writing_;
}

bool HistoryFile::write(size_t offset, p1::ByteSpan data) {
  return writing_ && file_.seek(offset, SeekSet) && file_.write(data.data(), data.size()) == data.size();
}

bool HistoryFile::end_write() {
  if (!writing_) return false;
  writing_ = false;
  file_.close();
  return true;
}

void DeviceHistory::begin() {
  ready_ = file_.begin();
  if (!ready_) {
    Serial1.println(F("history: /history.bin cannot be made; the page shows no history"));
    return;
  }
  ring_.load();
  file_.close_reader();
}

void DeviceHistory::flush() {
  if (ready_ && ring_.flush_due()) ring_.flush();
}

void DeviceHistory::on_reading(const p1::Reading& reading) {
  if (!ready_) return;
  p1::HistorySample sample;
  // No fallback clock here: a reading without the meter's is left out.
  if (p1::history_sample(reading, 0, sample) && sample.from_meter_clock) ring_.add(sample);
}

void DeviceHistory::on_quarter_hour(p1::LocalSeconds start, int64_t import_w, bool complete) {
  if (ready_) ring_.add_quarter_hour(start, import_w, complete);
}

void DeviceHistory::loop(uint32_t now_ms) {
  if (!ready_ || !ring_.flush_due()) return;
  if (failed_ && static_cast<int32_t>(now_ms - retry_ms_) < 0) return;
  bool ok = ring_.flush();
  if (!ok && !failed_) Serial1.println(F("history: /history.bin cannot be written; trying again every minute"));
  failed_ = !ok;
  retry_ms_ = now_ms + 60000;
}

void DeviceHistory::write_part(p1::TextBuffer& out, size_t part) {
  if (!ready_) {
    out.put(P1_TEXT("{\"error\":\"no history: its file on flash cannot be made\"}"));
    return;
  }
  ring_.write_part(out, part);
  file_.close_reader();
}

void DeviceHistory::write_series(p1::TextBuffer& out, p1::HistorySeries series) {
  ring_.write_series(out, series);
  file_.close_reader();
}
