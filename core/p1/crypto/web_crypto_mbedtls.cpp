#include <mbedtls/chachapoly.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include "p1/crypto/web_crypto.h"

namespace p1 {

void MbedTlsWebCrypto::sha256(ByteSpan data, uint8_t out[32]) { mbedtls_sha256_ret(data.data(), data.size(), out, 0); }

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
