#include "p1/device/store_forward/record_journal.h"

#include "p1/device/settings/crc32.h"

namespace p1 {

namespace {
constexpr uint8_t kMagic = 0xA5;
}  // namespace

// Validates the entry at `offset` (header, length within the file, CRC) by
// reading it in small pieces; `length` is its record's length.
bool RecordJournal::entry_at(size_t offset, size_t& length) {
  size_t file_size = file_.size();
  if (offset > file_size || file_size - offset < kEntryHeader) return false;
  uint8_t header[kEntryHeader];
  if (!file_.read(offset, MutableByteSpan(header, sizeof header)) || header[0] != kMagic) return false;
  length = static_cast<size_t>(header[1] | header[2] << 8);
  if (file_size - offset - kEntryHeader < length) return false;  // runs past the end: torn
  uint32_t stored = static_cast<uint32_t>(header[3]) | static_cast<uint32_t>(header[4]) << 8 |
                    static_cast<uint32_t>(header[5]) << 16 | static_cast<uint32_t>(header[6]) << 24;
  uint32_t crc = crc32(ByteSpan(header + 1, 2));
  uint8_t chunk[64];
  for (size_t at = 0; at < length;) {
    size_t n = length - at < sizeof chunk ? length - at : sizeof chunk;
    if (!file_.read(offset + kEntryHeader + at, MutableByteSpan(chunk, n))) return false;
    crc = crc32(ByteSpan(chunk, n), crc);
    at += n;
  }
  return crc == stored;
}

void RecordJournal::open() {
  uint32_t saved = 0;
  head_ = file_.load_head(saved) ? saved : 0;
  count_ = 0;
  size_t size = file_.size();
  if (head_ > size) head_ = 0;
  size_t at = head_;
  size_t length = 0;
  while (at < size && entry_at(at, length)) {
    at += kEntryHeader + length;
    ++count_;
  }
  end_ = at;
  if (end_ < size) {
    torn_ = true;  // a cut append (or damage): what follows cannot be trusted
    file_.truncate(end_);
  }
  if (count_ == 0 && size > 0) {
    file_.truncate(0);
    file_.save_head(0);
    head_ = end_ = 0;
  }
}

bool RecordJournal::append(ByteSpan record) {
  if (record.size() > 0xFFFF || end_ + kEntryHeader + record.size() > max_bytes_) {
    ++dropped_;
    return false;
  }
  uint8_t header[kEntryHeader];
  header[0] = kMagic;
  header[1] = static_cast<uint8_t>(record.size());
  header[2] = static_cast<uint8_t>(record.size() >> 8);
  uint32_t crc = crc32(record, crc32(ByteSpan(header + 1, 2)));
  for (int i = 0; i < 4; ++i) header[3 + i] = static_cast<uint8_t>(crc >> (8 * i));
  if (!file_.append(ByteSpan(header, sizeof header)) || !file_.append(record)) {
    file_.truncate(end_);  // never leave a half entry behind a good one
    ++dropped_;
    return false;
  }
  end_ += kEntryHeader + record.size();
  ++count_;
  return true;
}

size_t RecordJournal::front(MutableByteSpan out) {
  size_t length = 0;
  if (count_ == 0 || !entry_at(head_, length) || length > out.size() ||
      !file_.read(head_ + kEntryHeader, out.first(length))) {
    front_length_ = 0;
    return 0;
  }
  front_length_ = length;
  return length;
}

void RecordJournal::pop() {
  if (count_ == 0) return;
  size_t length = front_length_;
  if (length == 0 && !entry_at(head_, length)) length = end_ - head_ - kEntryHeader;
  head_ += kEntryHeader + length;
  front_length_ = 0;
  if (--count_ == 0) {
    // The backlog is delivered: the file starts over.
    file_.truncate(0);
    head_ = end_ = 0;
  }
  file_.save_head(static_cast<uint32_t>(head_));
}

}  // namespace p1
