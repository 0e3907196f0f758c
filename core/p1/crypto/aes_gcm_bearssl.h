// BearSSL backend: AES-NI + PCLMUL where the CPU has them (host), otherwise
// BearSSL's constant-time portable code (ESP8266 uses the 32-bit "ct" one).
#pragma once
#include <bearssl/bearssl.h>

#include "p1/crypto/aes_gcm.h"

namespace p1 {

class BearSslAesGcm final : public AesGcmDecryptor {
 public:
  BearSslAesGcm();
  void set_key(const Aes128Key& key) override;
  void decrypt(const uint8_t iv[12], MutableByteSpan data) override;
  bool decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) override;
  const char* name() const override { return name_; }

 private:
  const br_block_ctr_class* ctr_class_;
  br_ghash ghash_;
  const char* name_;
  br_aes_gen_ctr_keys keys_;
};

}  // namespace p1
