#include "p1/crypto/aes_gcm_mbedtls.h"

#include <cstring>

namespace p1 {

MbedTlsAesGcm::MbedTlsAesGcm() {
  mbedtls_aes_init(&aes_);
  mbedtls_gcm_init(&gcm_);
}

MbedTlsAesGcm::~MbedTlsAesGcm() {
  mbedtls_aes_free(&aes_);
  mbedtls_gcm_free(&gcm_);
}

void MbedTlsAesGcm::set_key(const Aes128Key& key) {
  mbedtls_aes_setkey_enc(&aes_, key.data(), 128);
  std::memcpy(key_, key.data(), sizeof key_);
  mbedtls_gcm_setkey(&gcm_, MBEDTLS_CIPHER_ID_AES, key.data(), 128);
}

void MbedTlsAesGcm::decrypt(const uint8_t iv[12], MutableByteSpan data) {
  // GCM's keystream for data starts at J0 + 1 = IV || 00000002.
  unsigned char counter[16];
  unsigned char stream[16];
  std::memcpy(counter, iv, 12);
  counter[12] = 0;
  counter[13] = 0;
  counter[14] = 0;
  counter[15] = 2;
  size_t offset = 0;
  mbedtls_aes_crypt_ctr(&aes_, data.size(), &offset, counter, stream, data.data(), data.data());
}

bool MbedTlsAesGcm::decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) {
  return mbedtls_gcm_auth_decrypt(&gcm_, data.size(), iv, 12, aad.data(), aad.size(), tag.data(), tag.size(),
                                  data.data(), data.data()) == 0;
}

}  // namespace p1

namespace p1 {

void MbedTlsAesGcm::decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) {
  unsigned char chain[16];  // mbedTLS advances the IV in place
  std::memcpy(chain, iv, sizeof chain);
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  mbedtls_aes_setkey_dec(&aes, key_, 128);
  mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, data.size(), chain, data.data(), data.data());
  mbedtls_aes_free(&aes);
}

}  // namespace p1
