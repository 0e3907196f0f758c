// libFuzzer target for the Linux queue's journal loader (daemon/
// journal_record.cpp): any file (a power cut, a changed byte, a corrupt
// length) gives whole records and then one clean stop, never a huge
// allocation or a record outside the file; a record read, written again,
// reads back the same.
#include <cstdint>
#include <cstdio>
#include <string>

#include "journal_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FILE* file = fmemopen(const_cast<uint8_t*>(data), size, "rb");
  if (file == nullptr) return 0;
  p1d::JournalReader reader(file, size, 0);
  p1d::JournalRecord record;
  uint64_t previous_end = 0;
  for (int i = 0; i < 100000; ++i) {
    p1d::JournalReader::Status status = reader.next(record);
    if (reader.good_end() > size || reader.good_end() < previous_end) __builtin_trap();
    if (status != p1d::JournalReader::Status::kRecord) break;
    std::string again;
    if (record.kind == p1d::JournalRecord::Kind::kMessage) {
      if (!p1d::encode_message(record.seq, record.message, again)) __builtin_trap();
    } else {
      p1d::encode_done(record.seq, again);
    }
    // What was read, written again, reads back the same.
    FILE* copy = fmemopen(&again[0], again.size(), "rb");
    if (copy == nullptr) break;
    p1d::JournalReader second(copy, again.size(), 0);
    p1d::JournalRecord back;
    if (second.next(back) != p1d::JournalReader::Status::kRecord || back.kind != record.kind || back.seq != record.seq) {
      __builtin_trap();
    }
    if (record.kind == p1d::JournalRecord::Kind::kMessage &&
        (back.message.topic != record.message.topic || back.message.payload != record.message.payload ||
         back.message.qos != record.message.qos || back.message.retain != record.message.retain)) {
      __builtin_trap();
    }
    std::fclose(copy);
    previous_end = reader.good_end();
  }
  std::fclose(file);
  return 0;
}
