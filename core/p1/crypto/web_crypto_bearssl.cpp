#include <bearssl/bearssl.h>

#include <cstring>

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

void BearSslWebCrypto::hmac_sha256(ByteSpan key, ByteSpan data, uint8_t out[32]) {
  br_hmac_key_context kc;
  br_hmac_key_init(&kc, &br_sha256_vtable, key.data(), key.size());
  br_hmac_context hc;
  br_hmac_init(&hc, &kc, 0);
  br_hmac_update(&hc, data.data(), data.size());
  br_hmac_out(&hc, out);
}

// BearSSL has HMAC but no PBKDF2. The key context holds the SHA-256 states
// after the padded key blocks, so each iteration costs two compressions
// (the inner and outer hash of 32 bytes), not four.
bool BearSslWebCrypto::pbkdf2_sha256(ByteSpan password, ByteSpan salt, uint32_t iterations, MutableByteSpan out) {
  br_hmac_key_context kc;
  br_hmac_key_init(&kc, &br_sha256_vtable, password.data(), password.size());
  br_hmac_context hc;
  uint8_t u[32], t[32];
  for (uint32_t block = 1, done = 0; done < out.size(); ++block) {
    const uint8_t index[4] = {static_cast<uint8_t>(block >> 24), static_cast<uint8_t>(block >> 16),
                              static_cast<uint8_t>(block >> 8), static_cast<uint8_t>(block)};
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, salt.data(), salt.size());
    br_hmac_update(&hc, index, sizeof index);
    br_hmac_out(&hc, u);
    std::memcpy(t, u, sizeof t);
    for (uint32_t i = 1; i < iterations; ++i) {
      br_hmac_init(&hc, &kc, 0);
      br_hmac_update(&hc, u, sizeof u);
      br_hmac_out(&hc, u);
      for (size_t k = 0; k < sizeof t; ++k) t[k] ^= u[k];
    }
    size_t n = out.size() - done < sizeof t ? out.size() - done : sizeof t;
    std::memcpy(out.data() + done, t, n);
    done += n;
  }
  std::memset(u, 0, sizeof u);
  std::memset(t, 0, sizeof t);
  std::memset(&kc, 0, sizeof kc);
  return true;
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
