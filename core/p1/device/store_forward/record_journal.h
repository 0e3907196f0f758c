// Records that did not fit in RAM during an outage, in an append-only file
// in flash (LittleFS on the device; any file in tests), bounded in size and
// sent in order once the broker is back. Flash is written only while the
// outage lasts (appends) and while the backlog drains (the read position).
//
// Entry: 0xA5 | length u16 LE | CRC-32 u32 LE over length and record | record
// A power cut in the middle of an append leaves a torn last entry: its CRC
// (or its length running past the end) gives it away, it is dropped and the
// file cut back to the last whole entry; everything before it is kept.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

// The platform's file. Reads past the end fail.
class JournalFile {
 public:
  virtual size_t size() = 0;
  virtual bool read(size_t offset, MutableByteSpan out) = 0;
  virtual bool append(ByteSpan data) = 0;
  virtual bool truncate(size_t size) = 0;
  // Where reading resumes after a restart (a second small file on the device).
  virtual bool load_head(uint32_t& offset) = 0;
  virtual bool save_head(uint32_t offset) = 0;

 protected:
  ~JournalFile() = default;
};

class RecordJournal {
 public:
  static constexpr size_t kEntryHeader = 7;
  RecordJournal(JournalFile& file, size_t max_bytes) : file_(file), max_bytes_(max_bytes) {}

  // Scans the file from the saved read position: counts the whole entries,
  // cuts a torn tail (torn_dropped() says so). Call once at start.
  void open();
  // False (and counted in dropped()) when the bound is reached.
  bool append(ByteSpan record);
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  // Reads the oldest record into `out`; its length, 0 if none or unreadable.
  size_t front(MutableByteSpan out);
  // The oldest record was delivered. When the last one is, the file empties.
  void pop();
  uint32_t dropped() const { return dropped_; }
  bool torn_dropped() const { return torn_; }

 private:
  bool entry_at(size_t offset, size_t& length);
  JournalFile& file_;
  size_t max_bytes_;
  size_t head_ = 0;  // offset of the oldest undelivered entry
  size_t end_ = 0;   // offset after the last whole entry
  size_t count_ = 0;
  size_t front_length_ = 0;
  uint32_t dropped_ = 0;
  bool torn_ = false;
};

}  // namespace p1
