#include "p1/base/hex.h"

namespace p1 {

HexTextDecoder::Chunk HexTextDecoder::decode(Span<const char> text, MutableByteSpan out) {
  Chunk chunk{0, 0, false};
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  uint8_t* o = out.data();
  uint8_t* oend = o + out.size();
  while (p < end && o < oend) {
    // Fast path: two hex digits in a row (the bulk of any capture).
    if (!have_high_) {
      while (end - p >= 8 && oend - o >= 4) {
        uint8_t c0 = hex_class(p[0]), c1 = hex_class(p[1]), c2 = hex_class(p[2]), c3 = hex_class(p[3]);
        uint8_t c4 = hex_class(p[4]), c5 = hex_class(p[5]), c6 = hex_class(p[6]), c7 = hex_class(p[7]);
        if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 16) break;
        o[0] = static_cast<uint8_t>(c0 << 4 | c1);
        o[1] = static_cast<uint8_t>(c2 << 4 | c3);
        o[2] = static_cast<uint8_t>(c4 << 4 | c5);
        o[3] = static_cast<uint8_t>(c6 << 4 | c7);
        o += 4;
        p += 8;
      }
      while (end - p >= 2 && o < oend) {
        uint8_t hi = hex_class(p[0]);
        uint8_t lo = hex_class(p[1]);
        if ((hi | lo) >= 16) break;
        *o++ = static_cast<uint8_t>(hi << 4 | lo);
        p += 2;
      }
      if (p == end || o == oend) break;
    }
    uint8_t c = hex_class(*p);
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
  chunk.consumed = static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(text.data()));
  chunk.produced = static_cast<size_t>(o - out.data());
  position_ += chunk.consumed;
  return chunk;
}

bool parse_hex_exact(Span<const char> text, MutableByteSpan out) {
  if (text.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t hi = hex_class(static_cast<uint8_t>(text[2 * i]));
    uint8_t lo = hex_class(static_cast<uint8_t>(text[2 * i + 1]));
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
