#include "p1/hex.h"

namespace p1 {

HexTextDecoder::Chunk HexTextDecoder::decode(Span<const char> text, MutableByteSpan out) {
  Chunk chunk{0, 0, false};
  const char* p = text.data();
  const char* end = p + text.size();
  uint8_t* o = out.data();
  uint8_t* oend = o + out.size();
  while (p < end && o < oend) {
    uint8_t c = kHexClass.of[static_cast<uint8_t>(*p)];
    if (c < 16) {
      if (have_high_) {
        *o++ = static_cast<uint8_t>(high_ << 4 | c);
        have_high_ = false;
      } else {
        high_ = c;
        have_high_ = true;
      }
    } else if (c == kHexInvalid) {
      chunk.invalid = true;
      break;
    }
    ++p;
  }
  chunk.consumed = static_cast<size_t>(p - text.data());
  chunk.produced = static_cast<size_t>(o - out.data());
  position_ += chunk.consumed;
  return chunk;
}

bool parse_hex_exact(Span<const char> text, MutableByteSpan out) {
  if (text.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t hi = kHexClass.of[static_cast<uint8_t>(text[2 * i])];
    uint8_t lo = kHexClass.of[static_cast<uint8_t>(text[2 * i + 1])];
    if (hi >= 16 || lo >= 16) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool write_hex(ByteSpan bytes, CharSpan out) {
  static const char kDigits[] = "0123456789ABCDEF";
  if (out.size() < bytes.size() * 2) return false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return true;
}

}  // namespace p1
