// libFuzzer target for the device's history ring: its file from arbitrary
// bytes (a damaged or foreign /history.bin, loaded at start) and arbitrary
// readings, quarter hours, writes, restarts and answers. Invariants: no series outgrows
// kMaxSeriesText, no answer page outgrows its buffer or leaves a bracket
// open, and nothing reads or writes outside the file.
//
// Input: mode byte (bit 0: give every slot of the file a valid CRC, so what
// is behind the check is reached), op count, 8 bytes per op, then the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "p1/device/settings/crc32.h"
#include "p1/history/history_ring.h"
#include "support/fakes.h"

namespace {

using p1::HistoryRing;

void balanced(const char* text, size_t n) {
  int square = 0, curly = 0;
  for (size_t i = 0; i < n; ++i) {
    square += text[i] == '[' ? 1 : text[i] == ']' ? -1 : 0;
    curly += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
    if (square < 0 || curly < 0) std::abort();
  }
  if (square != 0 || curly != 0) std::abort();
}

int16_t i16(const uint8_t* p) { return static_cast<int16_t>(p[0] | (p[1] << 8)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint8_t mode = data[0];
  size_t ops = data[1];
  if (size < 2 + ops * 8) return 0;
  const uint8_t* op = data + 2;
  p1test::MemoryHistoryMedium medium;
  size_t file = size - 2 - ops * 8;
  std::memcpy(medium.bytes.data(), op + ops * 8, file < medium.bytes.size() ? file : medium.bytes.size());
  if (mode & 1) {
    for (size_t at = 0; at + HistoryRing::kSlotSize <= medium.bytes.size(); at += HistoryRing::kSlotSize) {
      uint8_t* slot = medium.bytes.data() + at;
      uint32_t crc = p1::crc32(p1::ByteSpan(slot, HistoryRing::kSlotSize - 4), HistoryRing::kSlotFormat);
      for (int i = 0; i < 4; ++i) slot[HistoryRing::kSlotSize - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
    }
  }
  auto ring = std::make_unique<HistoryRing>(medium);
  ring->load();
  // 2026-06-01, registers of a household meter; each op moves them.
  int64_t at = 1780272000, import_wh = 12345678, export_wh = 234567;
  static char text[HistoryRing::kMaxSeriesText];
  for (size_t i = 0; i < ops; ++i, op += 8) {
    int kind = op[0] % 6;
    int64_t scale = 1 + (op[0] >> 4) * 60;  // up to 15 minutes per step unit
    at += i16(op + 1) * scale;
    switch (kind) {
      case 0:
      case 1: {
        import_wh += i16(op + 3);
        export_wh += op[5];
        p1::HistorySample s;
        s.at = at;
        s.from_meter_clock = true;
        s.has_energy = kind == 0 || (op[0] & 8);
        s.import_wh = import_wh;
        s.export_wh = export_wh;
        s.has_power = true;
        s.net_w = i16(op + 6) * static_cast<int64_t>(op[5]);
        ring->add(s);
        break;
      }
      case 2: ring->add_quarter_hour(at - at % 900, i16(op + 6) * 10, op[5] & 1); break;
      case 3: ring->flush(); medium.fail = op[5] == 0xFF; break;
      case 4:  // a restart
        ring = std::make_unique<HistoryRing>(medium);
        ring->load();
        break;
      case 5: {
        size_t buffer = 64 + (static_cast<size_t>(op[5]) << 4);  // 64: room for the error
        if (buffer > sizeof text) buffer = sizeof text;
        p1::TextBuffer out(p1::CharSpan(text, buffer));
        ring->write_part(out, op[6] % (p1::kHistorySeriesCount + 1));
        if (out.overflow() || out.size() < 2 || text[0] != '{' || text[out.size() - 1] != '}') std::abort();
        balanced(text, out.size());
        break;
      }
    }
  }
  for (size_t s = 0; s < p1::kHistorySeriesCount; ++s) {
    p1::TextBuffer out(p1::CharSpan(text, sizeof text));
    ring->write_series(out, static_cast<p1::HistorySeries>(s));
    if (out.overflow()) std::abort();
    balanced(text, out.size());
  }
  return 0;
}
