#include <bearssl/bearssl.h>

#include "p1/crypto/web_crypto.h"

namespace p1 {

namespace {
// Constant-time tag comparison.
bool same(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}
}  // namespace

void BearSslWebCrypto::sha256(ByteSpan data, uint8_t out[32]) {
  br_sha256_context ctx;
  br_sha256_init(&ctx);
  br_sha256_update(&ctx, data.data(), data.size());
  br_sha256_out(&ctx, out);
}

void BearSslWebCrypto::hkdf_sha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, MutableByteSpan out) {
  br_hkdf_context hc;
  br_hkdf_init(&hc, &br_sha256_vtable, salt.data(), salt.size());
  br_hkdf_inject(&hc, ikm.data(), ikm.size());
  br_hkdf_flip(&hc);
  br_hkdf_produce(&hc, info.data(), info.size(), out.data(), out.size());
}

void BearSslWebCrypto::seal(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad,
                            MutableByteSpan data, uint8_t tag[kTagSize]) {
  br_poly1305_ctmul_run(key, iv, data.data(), data.size(), aad.data(), aad.size(), tag, br_chacha20_ct_run, 1);
}

bool BearSslWebCrypto::open(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad,
                            MutableByteSpan data, const uint8_t tag[kTagSize]) {
  // BearSSL computes the tag while decrypting; compare afterwards.
  uint8_t computed[kTagSize];
  br_poly1305_ctmul_run(key, iv, data.data(), data.size(), aad.data(), aad.size(), computed, br_chacha20_ct_run, 0);
  return same(computed, tag, kTagSize);
}

}  // namespace p1
