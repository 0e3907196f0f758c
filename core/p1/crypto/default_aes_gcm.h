// The backend a platform uses unless told otherwise: BearSSL on the host and
// the ESP8266, mbedTLS on the ESP32 (chosen by P1_CRYPTO_MBEDTLS).
#pragma once

#if defined(P1_CRYPTO_MBEDTLS)
#include "p1/crypto/aes_gcm_mbedtls.h"
namespace p1 {
using DefaultAesGcm = MbedTlsAesGcm;
}
#else
#include "p1/crypto/aes_gcm_bearssl.h"
namespace p1 {
using DefaultAesGcm = BearSslAesGcm;
}
#endif
