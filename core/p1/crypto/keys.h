// Keys are distinct types so an encryption key can never be passed where the
// authentication key is expected (and vice versa). Parsed once from hex.
#pragma once
#include <cstdint>
#include <cstring>

#include "p1/base/error.h"
#include "p1/base/hex.h"
#include "p1/base/span.h"

namespace p1 {

enum class KeyParseError : uint8_t { kNone, kWrongLength, kNotHex };
const char* describe(KeyParseError error);

template <typename Tag>
class Key128 {
 public:
  static constexpr size_t kSize = 16;
  Key128() = default;
  explicit Key128(const uint8_t (&bytes)[kSize]) { std::memcpy(bytes_, bytes, kSize); }

  // Accepts 32 hex digits; spaces, ':' and '-' between pairs are tolerated
  // because operators print keys in groups.
  static KeyParseError parse(Span<const char> text, Key128& out) {
    uint8_t digits[kSize * 2];
    size_t n = 0;
    for (char c : text) {
      if (c == ' ' || c == ':' || c == '-') continue;
      uint8_t digit = hex_class(static_cast<uint8_t>(c));
      if (digit >= 16) return KeyParseError::kNotHex;
      if (n == sizeof digits) return KeyParseError::kWrongLength;
      digits[n++] = digit;
    }
    if (n != sizeof digits) return KeyParseError::kWrongLength;
    for (size_t i = 0; i < kSize; ++i) out.bytes_[i] = static_cast<uint8_t>(digits[2 * i] << 4 | digits[2 * i + 1]);
    return KeyParseError::kNone;
  }

  const uint8_t* data() const { return bytes_; }
  ByteSpan span() const { return ByteSpan(bytes_, kSize); }

 private:
  uint8_t bytes_[kSize] = {};
};

struct EncryptionKeyTag;
struct AuthenticationKeyTag;
using Aes128Key = Key128<EncryptionKeyTag>;
using AuthKey = Key128<AuthenticationKeyTag>;

}  // namespace p1
