// Hex text <-> bytes. Table-driven because the decode path runs it over every
// captured byte (see docs/performance.md).
#pragma once
#include <cstddef>
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

constexpr uint8_t kHexSpace = 0x40;
constexpr uint8_t kHexInvalid = 0x80;

// Character class per byte: 0..15 for a hex digit, kHexSpace, or kHexInvalid.
struct HexClassTable {
  uint8_t of[256];
  constexpr HexClassTable() : of() {
    for (int c = 0; c < 256; ++c) {
      of[c] = (c >= '0' && c <= '9')   ? static_cast<uint8_t>(c - '0')
              : (c >= 'a' && c <= 'f') ? static_cast<uint8_t>(c - 'a' + 10)
              : (c >= 'A' && c <= 'F') ? static_cast<uint8_t>(c - 'A' + 10)
              : (c == ' ' || (c >= '\t' && c <= '\r')) ? kHexSpace
                                                      : kHexInvalid;
    }
  }
};
#if !defined(P1_COMPACT_TABLES)
inline constexpr HexClassTable kHexClass{};
inline uint8_t hex_class(unsigned char c) { return kHexClass.of[c]; }
#else
// The device keeps no 256-byte table in its RAM: the class is computed.
inline uint8_t hex_class(unsigned char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  unsigned char l = static_cast<unsigned char>(c | 0x20);
  if (l >= 'a' && l <= 'f') return static_cast<uint8_t>(l - 'a' + 10);
  return (c == ' ' || (c >= '\t' && c <= '\r')) ? kHexSpace : kHexInvalid;
}
#endif

// Streaming hex-text decoder: accepts any whitespace between digits, upper or
// lower case; a byte is emitted per pair of digits.
class HexTextDecoder {
 public:
  struct Chunk {
    size_t consumed;  // input characters used
    size_t produced;  // bytes written to out
    bool invalid;     // stopped at a character that is neither hex nor space
  };
  Chunk decode(Span<const char> text, MutableByteSpan out);
  bool has_half_byte() const { return have_high_; }
  uint64_t position() const { return position_; }

 private:
  bool have_high_ = false;
  uint8_t high_ = 0;
  uint64_t position_ = 0;
};

// Exactly 2*out.size() hex digits, nothing else. Returns false otherwise.
bool parse_hex_exact(Span<const char> text, MutableByteSpan out);

// Writes 2*bytes.size() upper-case digits; returns false if out is too small.
bool write_hex(ByteSpan bytes, CharSpan out);

}  // namespace p1
