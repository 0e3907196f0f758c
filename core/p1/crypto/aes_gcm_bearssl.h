// BearSSL backend, the implementation chosen per platform at build time:
// AES-NI + PCLMUL on x86 hosts whose CPU has them, else BearSSL's constant-
// time portable code (ct64 on 64-bit hosts, the 32-bit "ct" on the ESP8266,
// whose BearSSL has no x86 code at all).
#pragma once
#include <bearssl/bearssl.h>

#include "p1/crypto/aes_gcm.h"

namespace p1 {

class BearSslAesGcm final : public AesGcmDecryptor {
 public:
  BearSslAesGcm() : BearSslAesGcm(false) {}
  // true: the portable constant-time code even where AES-NI exists (tests
  // run both on an x86 host).
  explicit BearSslAesGcm(bool portable);
  void set_key(const Aes128Key& key) override;
  void decrypt(const uint8_t iv[12], MutableByteSpan data) override;
  bool decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) override;
  void decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) override;
  const char* name() const override { return name_; }

 private:
  const br_block_ctr_class* ctr_class_;
  const br_block_cbcdec_class* cbc_class_;
  // CBC (OMS, one telegram a second) expands its schedule per telegram from
  // this copy: 16 bytes kept instead of a second 248-byte schedule in the
  // device's RAM for every meter.
  uint8_t key_[16] = {};
  br_ghash ghash_;
  const char* name_;
  br_aes_gen_ctr_keys keys_;
};

// The portable implementation on any host, for the tests (inline, so the
// tests' RTTI needs nothing from the core, which has none).
class BearSslPortableAesGcm final : public AesGcmDecryptor {
 public:
  void set_key(const Aes128Key& key) override { impl_.set_key(key); }
  void decrypt(const uint8_t iv[12], MutableByteSpan data) override { impl_.decrypt(iv, data); }
  bool decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) override {
    return impl_.decrypt_verified(iv, aad, data, tag);
  }
  void decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) override { impl_.decrypt_cbc(iv, data); }
  const char* name() const override { return impl_.name(); }

 private:
  BearSslAesGcm impl_{true};
};

}  // namespace p1
