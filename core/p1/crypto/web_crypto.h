// The primitives of the web page's encrypted exchange (and certificate
// fingerprints on the device): SHA-256, HMAC-SHA256 (the nonces' MAC),
// PBKDF2-HMAC-SHA256 (the passkey's work factor), HKDF-SHA256 and
// ChaCha20-Poly1305 (RFC 8439), behind one interface with a backend per
// library (BearSSL, mbedTLS), both run against the RFC test vectors.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

class WebCrypto {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kIvSize = 12;
  static constexpr size_t kTagSize = 16;

  virtual void sha256(ByteSpan data, uint8_t out[32]) = 0;
  virtual void hmac_sha256(ByteSpan key, ByteSpan data, uint8_t out[32]) = 0;
  // PBKDF2-HMAC-SHA256 (RFC 8018): deliberately slow, `iterations` HMACs per
  // 32 bytes of output. False if it could not run (out of memory).
  virtual bool pbkdf2_sha256(ByteSpan password, ByteSpan salt, uint32_t iterations, MutableByteSpan out) = 0;
  virtual void hkdf_sha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, MutableByteSpan out) = 0;
  // Encrypts `data` in place and writes the tag.
  virtual void seal(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
                    uint8_t tag[kTagSize]) = 0;
  // Checks the tag, then decrypts in place; false (data unspecified) on mismatch.
  virtual bool open(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
                    const uint8_t tag[kTagSize]) = 0;

 protected:
  ~WebCrypto() = default;
};

class BearSslWebCrypto final : public WebCrypto {
 public:
  void sha256(ByteSpan data, uint8_t out[32]) override;
  void hmac_sha256(ByteSpan key, ByteSpan data, uint8_t out[32]) override;
  bool pbkdf2_sha256(ByteSpan password, ByteSpan salt, uint32_t iterations, MutableByteSpan out) override;
  void hkdf_sha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, MutableByteSpan out) override;
  void seal(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
            uint8_t tag[kTagSize]) override;
  bool open(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
            const uint8_t tag[kTagSize]) override;
};

class MbedTlsWebCrypto final : public WebCrypto {
 public:
  void sha256(ByteSpan data, uint8_t out[32]) override;
  void hmac_sha256(ByteSpan key, ByteSpan data, uint8_t out[32]) override;
  bool pbkdf2_sha256(ByteSpan password, ByteSpan salt, uint32_t iterations, MutableByteSpan out) override;
  void hkdf_sha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, MutableByteSpan out) override;
  void seal(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
            uint8_t tag[kTagSize]) override;
  bool open(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad, MutableByteSpan data,
            const uint8_t tag[kTagSize]) override;
};

}  // namespace p1
