#include "p1/crypto/aes_gcm_bearssl.h"

namespace p1 {

namespace {
// GCM encrypts the first data block with counter 2 (counter 1 is the tag's).
constexpr uint32_t kFirstDataCounter = 2;
}  // namespace

BearSslAesGcm::BearSslAesGcm(bool portable) {
  ctr_class_ = nullptr;
  cbc_class_ = nullptr;
  ghash_ = nullptr;
#if defined(__x86_64__) || defined(__i386__)
  if (!portable) {
    ctr_class_ = br_aes_x86ni_ctr_get_vtable();
    cbc_class_ = br_aes_x86ni_cbcdec_get_vtable();
    ghash_ = br_ghash_pclmul_get();
    name_ = "bearssl/x86ni";
  }
#else
  (void)portable;
#endif
  if (ctr_class_ == nullptr || cbc_class_ == nullptr || ghash_ == nullptr) {
#if UINTPTR_MAX > 0xFFFFFFFFu
    ctr_class_ = &br_aes_ct64_ctr_vtable;
    cbc_class_ = &br_aes_ct64_cbcdec_vtable;
    ghash_ = &br_ghash_ctmul64;
    name_ = "bearssl/ct64";
#else
    ctr_class_ = &br_aes_ct_ctr_vtable;
    cbc_class_ = &br_aes_ct_cbcdec_vtable;
    ghash_ = &br_ghash_ctmul32;
    name_ = "bearssl/ct";
#endif
  }
  keys_.vtable = nullptr;
}

void BearSslAesGcm::set_key(const Aes128Key& key) {
  ctr_class_->init(&keys_.vtable, key.data(), Aes128Key::kSize);
  for (size_t i = 0; i < sizeof key_; ++i) key_[i] = key.data()[i];
}

void BearSslAesGcm::decrypt_cbc(const uint8_t iv[16], MutableByteSpan data) {
  uint8_t chain[16];  // BearSSL advances the IV in place; the caller's stays as it was
  for (size_t i = 0; i < sizeof chain; ++i) chain[i] = iv[i];
  br_aes_gen_cbcdec_keys keys;
  cbc_class_->init(&keys.vtable, key_, sizeof key_);
  cbc_class_->run(&keys.vtable, chain, data.data(), data.size());
}

void BearSslAesGcm::decrypt(const uint8_t iv[12], MutableByteSpan data) {
  ctr_class_->run(&keys_.vtable, iv, kFirstDataCounter, data.data(), data.size());
}

bool BearSslAesGcm::decrypt_verified(const uint8_t iv[12], ByteSpan aad, MutableByteSpan data, ByteSpan tag) {
  br_gcm_context gcm;
  br_gcm_init(&gcm, &keys_.vtable, ghash_);
  br_gcm_reset(&gcm, iv, 12);
  br_gcm_aad_inject(&gcm, aad.data(), aad.size());
  br_gcm_flip(&gcm);
  br_gcm_run(&gcm, 0, data.data(), data.size());
  return br_gcm_check_tag_trunc(&gcm, tag.data(), tag.size()) == 1;
}

}  // namespace p1
