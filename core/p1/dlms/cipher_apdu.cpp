#include "p1/dlms/cipher_apdu.h"

#include <cstdint>

namespace p1 {

size_t read_axdr_length(ByteSpan bytes, uint32_t& length) {
  if (bytes.empty()) return 0;
  uint8_t first = bytes[0];
  if (first < 0x80) {
    length = first;
    return 1;
  }
  size_t n = first & 0x7F;
  if (n == 0 || n > 4 || bytes.size() < n + 1) return 0;
  uint32_t value = 0;
  for (size_t i = 1; i <= n; ++i) value = value << 8 | bytes[i];
  length = value;
  return n + 1;
}

void CipheredApdu::iv(uint8_t out[12]) const {
  for (size_t i = 0; i < kSystemTitleSize; ++i) out[i] = system_title[i];
  out[8] = static_cast<uint8_t>(frame_counter >> 24);
  out[9] = static_cast<uint8_t>(frame_counter >> 16);
  out[10] = static_cast<uint8_t>(frame_counter >> 8);
  out[11] = static_cast<uint8_t>(frame_counter);
}

namespace {
constexpr size_t kTitleOffset = 2;  // after tag and title length
}

size_t announced_cipher_apdu_size(ByteSpan bytes) {
  if (bytes.size() < 2) return 0;
  if (bytes[0] != kTagGeneralGloCiphering && bytes[0] != kTagGeneralDedCiphering) return 0;
  size_t title_len = bytes[1];
  uint32_t length = 0;
  size_t used = read_axdr_length(bytes.subspan(kTitleOffset + title_len), length);
  if (used == 0) return 0;
  // size_t is 32 bits on the ESP8266: a 4-byte length near 2^32 must not wrap
  // around to a small size. Such a length announces more than any buffer.
  size_t header = kTitleOffset + title_len + used;  // at most 2 + 255 + 5
  if (length > SIZE_MAX - header) return SIZE_MAX;
  return header + length;
}

Result<CipheredApdu> parse_cipher_apdu(MutableByteSpan bytes) {
  if (bytes.empty()) return Error::kCipherHeaderTruncated;
  if (bytes[0] != kTagGeneralGloCiphering && bytes[0] != kTagGeneralDedCiphering) return Error::kNotCiphered;
  if (bytes.size() < kTitleOffset + kSystemTitleSize + 1) return Error::kCipherHeaderTruncated;
  if (bytes[1] != kSystemTitleSize) return Error::kNotCiphered;
  CipheredApdu apdu;
  for (size_t i = 0; i < kSystemTitleSize; ++i) apdu.system_title[i] = bytes[kTitleOffset + i];
  size_t pos = kTitleOffset + kSystemTitleSize;
  uint32_t length = 0;
  size_t used = read_axdr_length(bytes.subspan(pos), length);
  if (used == 0) return Error::kCipherHeaderTruncated;
  pos += used;
  if (length < 5) return Error::kCipherHeaderTruncated;
  if (bytes.size() - pos < length) return Error::kTelegramTruncated;
  apdu.security_control = bytes[pos];
  apdu.frame_counter = static_cast<uint32_t>(bytes[pos + 1]) << 24 | static_cast<uint32_t>(bytes[pos + 2]) << 16 |
                       static_cast<uint32_t>(bytes[pos + 3]) << 8 | bytes[pos + 4];
  // Suites 0 and 1 are AES-128-GCM; compression and broadcast keys are not
  // used by any customer interface.
  uint8_t sc = apdu.security_control;
  if ((sc & 0x0F) > 1 || (sc & 0xC0) != 0 || !(sc & kSecurityEncryption)) return Error::kUnsupportedSecurity;
  size_t body = length - 5;
  if (apdu.authenticated()) {
    if (body < kGcmTagSize) return Error::kTelegramTruncated;
    body -= kGcmTagSize;
    apdu.tag = ByteSpan(bytes.data() + pos + 5 + body, kGcmTagSize);
  }
  apdu.ciphertext = bytes.subspan(pos + 5, body);
  return apdu;
}

}  // namespace p1
