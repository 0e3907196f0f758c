// libFuzzer target: the EN 13757-3 record decoder (core/p1/mbus/) and the
// M-Bus acknowledger on arbitrary bytes. The decoder never reads outside
// its input, never yields more values than a reading holds, and every text
// value lies inside the input; the acknowledger never asks for more than
// one E5 per call.
//
// Input: byte 0 picks the manufacturer (even: SAM, whose records have a
// table; odd: another), the rest is the (decrypted) record data.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "p1/framing/mbus_acknowledger.h"
#include "p1/mbus/mbus_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const char maker[3] = {'S', 'A', static_cast<char>(data[0] & 1 ? 'X' : 'M')};
  std::vector<uint8_t> records(data + 1, data + size);
  static p1::Reading reading;
  reading.clear();
  p1::Error e = p1::decode_mbus_records(p1::MutableByteSpan(records.data(), records.size()), maker, reading);
  if (reading.count > p1::kMaxValues) __builtin_trap();
  for (size_t i = 0; i < reading.count; ++i) {
    const p1::ReadingValue& v = reading.values[i];
    if (v.kind != p1::ReadingValue::Kind::kText || v.text.empty()) continue;
    if (v.text.data() < records.data() || v.text.data() + v.text.size() > records.data() + records.size()) {
      __builtin_trap();
    }
  }
  if (e != p1::Error::kNone && p1::stage_of(e) == p1::Stage::kNone) __builtin_trap();
  p1::MbusAcknowledger ack;
  (void)ack.feed(p1::ByteSpan(data, size));
  return 0;
}
