// libFuzzer target for the device's store-and-forward: a reading record
// from arbitrary bytes (what flash may hold after damage) and the journal
// opened over an arbitrary file. Invariants: a record that decodes encodes
// back to bytes that decode to the same reading (compared through the JSON);
// the journal only ever hands out entries whose CRC held, inside the file.
//
// Input: mode byte; bit 0: journal file, else one record.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "p1/device/store_forward/reading_record.h"
#include "p1/device/store_forward/record_journal.h"
#include "p1/output/output_format.h"
#include "support/fakes.h"

namespace {


std::string json(const p1::Reading& r) {
  static char out[16384];
  auto n = p1::format_json(r, p1::CharSpan(out, sizeof out));
  return n ? std::string(out, *n) : std::string("overflow");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) {
    p1test::MemoryJournalFile file;
    file.bytes.assign(data + 1, data + size);
    file.head = size > 2 ? data[1] : 0;
    file.has_head = true;
    p1::RecordJournal journal(file, 1 << 16);
    journal.open();
    uint8_t buffer[1 << 16];
    size_t handed = 0;
    while (!journal.empty() && handed < 10000) {
      size_t n = journal.front(p1::MutableByteSpan(buffer, sizeof buffer));
      if (n > file.bytes.size()) __builtin_trap();
      journal.pop();
      ++handed;
    }
    journal.append(p1::ByteSpan(data, size > 300 ? 300 : size));
    return 0;
  }
  static p1::Reading first, second;
  if (!p1::decode_reading(p1::ByteSpan(data + 1, size - 1), first)) return 0;
  static uint8_t record[p1::kMaxReadingRecord];
  size_t n = p1::encode_reading(first, first.plaintext.size() > 0, p1::MutableByteSpan(record, sizeof record));
  if (n == 0) return 0;  // a value too long to store again (the original record held it): refused, not cut
  if (!p1::decode_reading(p1::ByteSpan(record, n), second)) __builtin_trap();
  if (json(first) != json(second)) __builtin_trap();
  return 0;
}
