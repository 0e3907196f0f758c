// Stand-ins for the core's platform interfaces, shared by the unit tests and
// the fuzz targets (header-only: the fuzz build links no test library).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "p1/base/hex.h"
#include "p1/base/platform.h"
#include "p1/device/store_forward/record_journal.h"
#include "p1/device/web/sealed_calls.h"
#include "p1/history/history_ring.h"

namespace p1test {

// Predictable "random" bytes: first, first + 1, ...
struct CountingRandom final : p1::RandomSource {
  explicit CountingRandom(uint8_t first = 1) : next(first) {}
  uint8_t next;
  void fill(p1::MutableByteSpan out) override {
    for (uint8_t& b : out) b = next++;
  }
};

// A reply body as one string.
struct ReplyCapture final : p1::ReplyWriter {
  std::string text;
  void write(const char* data, size_t length) override { text.append(data, length); }
};

// Upper-case hex of bytes (the core's hex module).
inline std::string hex_of(const uint8_t* p, size_t n) {
  std::string out(2 * n, '0');
  p1::write_hex(p1::ByteSpan(p, n), p1::CharSpan(&out[0], out.size()));
  return out;
}

// A journal file in memory; `fail_append_after` bytes are accepted before a
// "power cut" makes appends fail.
struct MemoryJournalFile final : p1::JournalFile {
  std::vector<uint8_t> bytes;
  uint32_t head = 0;
  bool has_head = false;
  size_t fail_append_after = SIZE_MAX;
  size_t size() override { return bytes.size(); }
  bool read(size_t offset, p1::MutableByteSpan out) override {
    if (offset > bytes.size() || bytes.size() - offset < out.size()) return false;
    if (!out.empty()) std::memcpy(out.data(), bytes.data() + offset, out.size());
    return true;
  }
  bool append(p1::ByteSpan data) override {
    for (uint8_t b : data) {
      if (fail_append_after == 0) return false;
      if (fail_append_after != SIZE_MAX) --fail_append_after;
      bytes.push_back(b);
    }
    return true;
  }
  bool truncate(size_t n) override {
    if (n < bytes.size()) bytes.resize(n);
    return true;
  }
  bool load_head(uint32_t& offset) override {
    offset = head;
    return has_head;
  }
  bool save_head(uint32_t offset) override {
    head = offset;
    has_head = true;
    return true;
  }
};

// Chunk sizes for the fuzz targets' chunking oracles: xorshift64, so a run
// is repeatable from its seed (the input).
struct ChunkRng {
  uint64_t s;
  size_t below(size_t n) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<size_t>((s >> 11) % n);
  }
};

// The history ring's file in memory. After `cut_after` bytes written (counted
// in `written`) the power goes: no more byte is written (this medium is not
// atomic, as LittleFS is: the CRCs must catch what is torn).
struct MemoryHistoryMedium final : p1::HistoryMedium {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(p1::HistoryRing::kFileSize, 0);
  long cut_after = -1;  // <0: never
  long written = 0;
  bool fail = false;
  int flushes = 0;
  bool read(size_t offset, p1::MutableByteSpan out) override {
    if (offset + out.size() > bytes.size()) return false;
    std::memcpy(out.data(), bytes.data() + offset, out.size());
    return true;
  }
  bool begin_write() override { return !fail; }
  bool write(size_t offset, p1::ByteSpan data) override {
    if (fail || offset + data.size() > bytes.size()) return false;
    for (size_t i = 0; i < data.size(); ++i) {
      if (cut_after >= 0 && written >= cut_after) return false;
      bytes[offset + i] = data[i];
      ++written;
    }
    return true;
  }
  bool end_write() override {
    ++flushes;
    return !fail;
  }
};

}  // namespace p1test
