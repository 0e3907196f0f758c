// The general-glo-ciphering (0xDB) / general-ded-ciphering (0xDF) APDU:
// tag, system title, A-XDR length, security control, frame counter, ciphertext
// and (with authentication) a 12-byte tag. Parsing only; no crypto here.
#pragma once
#include <cstdint>

#include "p1/base/result.h"
#include "p1/base/span.h"

namespace p1 {

constexpr uint8_t kTagGeneralGloCiphering = 0xDB;
constexpr uint8_t kTagGeneralDedCiphering = 0xDF;
constexpr uint8_t kSecurityAuthentication = 0x10;
constexpr uint8_t kSecurityEncryption = 0x20;
constexpr size_t kGcmTagSize = 12;
constexpr size_t kSystemTitleSize = 8;

struct CipheredApdu {
  uint8_t system_title[kSystemTitleSize] = {};
  uint8_t security_control = 0;
  uint32_t frame_counter = 0;
  MutableByteSpan ciphertext;  // points into the telegram; decrypted in place
  ByteSpan tag;                // empty without the authentication bit

  bool authenticated() const { return (security_control & kSecurityAuthentication) != 0; }
  bool encrypted() const { return (security_control & kSecurityEncryption) != 0; }
  // IV = system title || frame counter (big endian).
  void iv(uint8_t out[12]) const;
};

// Length of a complete ciphered APDU as announced by its header, or 0 while
// the header itself is incomplete or the bytes are not a ciphered APDU;
// SIZE_MAX when the announced length does not fit in size_t (32-bit targets).
size_t announced_cipher_apdu_size(ByteSpan bytes);

// Parses the header; the APDU must be complete (trailing bytes are ignored).
Result<CipheredApdu> parse_cipher_apdu(MutableByteSpan bytes);

// A-XDR length: < 0x80 in one byte, else 0x8n followed by n big-endian bytes.
// Returns the number of bytes used, 0 when incomplete or invalid.
size_t read_axdr_length(ByteSpan bytes, uint32_t& length);

}  // namespace p1
