// AES-128-GCM as DLMS uses it (12-byte IV, 12-byte truncated tag), and
// AES-128-CBC decryption as OMS security mode 5 (EN 13757-7) uses it, behind
// one interface with a backend per crypto library: BearSSL (ESP8266 core, and
// the host default), mbedTLS (ESP32). One key per meter, so both modes share
// the object. Every backend runs the same test vectors.
#pragma once
#include <cstdint>

#include "p1/crypto/keys.h"
#include "p1/base/span.h"

namespace p1 {

class AesGcmDecryptor {
 public:
  AesGcmDecryptor() = default;
  AesGcmDecryptor(const AesGcmDecryptor&) = delete;
  AesGcmDecryptor& operator=(const AesGcmDecryptor&) = delete;

  // Expands the key once; the schedule is reused for every telegram.
  virtual void set_key(const Aes128Key& key) = 0;
  // Decrypts in place without checking a tag: for security control 0x20/0x21
  // telegrams, which carry none (GCM's CTR part starting at counter 2).
  virtual void decrypt(const uint8_t iv[12], MutableByteSpan data) = 0;
  // Verifies the (truncated) tag over aad and data, then decrypts in place.
  // Returns false, leaving data unspecified, when the tag does not match.
  virtual bool decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) = 0;
  // AES-128-CBC decryption in place; data.size() must be a multiple of 16
  // (the caller checks). `iv` is updated by nothing the caller sees.
  virtual void decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) = 0;
  // Which implementation runs (e.g. "bearssl/x86ni"), for logs and benchmarks.
  virtual const char* name() const = 0;

 protected:
  ~AesGcmDecryptor() = default;  // never deleted through the interface
};

}  // namespace p1
