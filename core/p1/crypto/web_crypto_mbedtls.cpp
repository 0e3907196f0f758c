#include <mbedtls/chachapoly.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/sha256.h>

#include <cstring>

#include "p1/crypto/web_crypto.h"

namespace p1 {

void MbedTlsWebCrypto::sha256(ByteSpan data, uint8_t out[32]) { mbedtls_sha256_ret(data.data(), data.size(), out, 0); }

// On the SHA-256 context rather than mbedtls_md_hmac: the generic md layer
// allocates its context on the heap, and this runs for every request.
void MbedTlsWebCrypto::hmac_sha256(ByteSpan key, ByteSpan data, uint8_t out[32]) {
  uint8_t block[64] = {};
  if (key.size() > sizeof block) {
    mbedtls_sha256_ret(key.data(), key.size(), block, 0);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  mbedtls_sha256_context ctx;
  mbedtls_sha256_init(&ctx);
  for (uint8_t& b : block) b ^= 0x36;
  mbedtls_sha256_starts_ret(&ctx, 0);
  mbedtls_sha256_update_ret(&ctx, block, sizeof block);
  mbedtls_sha256_update_ret(&ctx, data.data(), data.size());
  uint8_t inner[32];
  mbedtls_sha256_finish_ret(&ctx, inner);
  for (uint8_t& b : block) b ^= 0x36 ^ 0x5c;
  mbedtls_sha256_starts_ret(&ctx, 0);
  mbedtls_sha256_update_ret(&ctx, block, sizeof block);
  mbedtls_sha256_update_ret(&ctx, inner, sizeof inner);
  mbedtls_sha256_finish_ret(&ctx, out);
  mbedtls_sha256_free(&ctx);
  std::memset(block, 0, sizeof block);
}

// Once per start (the passkey's long-term key), so the md layer's heap
// context is acceptable here.
bool MbedTlsWebCrypto::pbkdf2_sha256(ByteSpan password, ByteSpan salt, uint32_t iterations, MutableByteSpan out) {
  mbedtls_md_context_t ctx;
  mbedtls_md_init(&ctx);
  bool ok = mbedtls_md_setup(&ctx, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1) == 0 &&
            mbedtls_pkcs5_pbkdf2_hmac(&ctx, password.data(), password.size(), salt.data(), salt.size(), iterations,
                                      static_cast<uint32_t>(out.size()), out.data()) == 0;
  mbedtls_md_free(&ctx);
  if (!ok) std::memset(out.data(), 0, out.size());
  return ok;
}

void MbedTlsWebCrypto::hkdf_sha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, MutableByteSpan out) {
  mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), salt.data(), salt.size(), ikm.data(), ikm.size(),
               info.data(), info.size(), out.data(), out.size());
}

void MbedTlsWebCrypto::seal(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad,
                            MutableByteSpan data, uint8_t tag[kTagSize]) {
  mbedtls_chachapoly_context ctx;
  mbedtls_chachapoly_init(&ctx);
  mbedtls_chachapoly_setkey(&ctx, key);
  mbedtls_chachapoly_encrypt_and_tag(&ctx, data.size(), iv, aad.data(), aad.size(), data.data(), data.data(), tag);
  mbedtls_chachapoly_free(&ctx);
}

bool MbedTlsWebCrypto::open(const uint8_t key[kKeySize], const uint8_t iv[kIvSize], ByteSpan aad,
                            MutableByteSpan data, const uint8_t tag[kTagSize]) {
  mbedtls_chachapoly_context ctx;
  mbedtls_chachapoly_init(&ctx);
  mbedtls_chachapoly_setkey(&ctx, key);
  int rc = mbedtls_chachapoly_auth_decrypt(&ctx, data.size(), iv, aad.data(), aad.size(), tag, data.data(),
                                           data.data());
  mbedtls_chachapoly_free(&ctx);
  return rc == 0;
}

}  // namespace p1
