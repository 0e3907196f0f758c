// mbedTLS backend (what the ESP32 core ships).
#pragma once
#include <mbedtls/aes.h>
#include <mbedtls/gcm.h>

#include "p1/crypto/aes_gcm.h"

namespace p1 {

class MbedTlsAesGcm final : public AesGcmDecryptor {
 public:
  MbedTlsAesGcm();
  ~MbedTlsAesGcm();
  void set_key(const Aes128Key& key) override;
  void decrypt(const uint8_t iv[12], MutableByteSpan data) override;
  bool decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) override;
  void decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) override;
  const char* name() const override { return "mbedtls"; }

 private:
  mbedtls_aes_context aes_;  // CTR for telegrams without a tag
  unsigned char key_[16] = {};  // CBC (OMS mode 5) expands its decryption schedule per telegram
  mbedtls_gcm_context gcm_;
};

}  // namespace p1
