// The web page's protection on plain HTTP (the ESP8266 cannot afford a second
// TLS session): every request and response is sealed with ChaCha20-Poly1305
// under a key derived from the passkey with HKDF-SHA256 and a fresh random
// salt; the additional data is a single-use server nonce that expires, so a
// recorded request cannot be replayed; failed passkey attempts are
// rate-limited per client. Fixed capacities, no heap.
#pragma once
#include <cstdint>

#include "p1/crypto/web_crypto.h"
#include "p1/base/platform.h"

namespace p1 {

constexpr size_t kSaltSize = 16;
constexpr size_t kNonceSize = 16;
constexpr char kExchangeInfo[] = "p1bridge web v1";

class PasskeyBox {
 public:
  PasskeyBox(WebCrypto& crypto, RandomSource& random) : crypto_(crypto), random_(random) {}
  void set_passkey(Span<const char> passkey);
  bool has_passkey() const { return passkey_len_ > 0; }
  // Decrypts in place; false if the passkey (or anything sealed) differs.
  bool open(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad, MutableByteSpan data,
            const uint8_t tag[WebCrypto::kTagSize]);
  // Encrypts in place with a fresh salt and IV.
  void seal(ByteSpan aad, MutableByteSpan data, uint8_t salt[kSaltSize], uint8_t iv[WebCrypto::kIvSize],
            uint8_t tag[WebCrypto::kTagSize]);
  // Sealing with a given salt and IV: for cross-language test vectors only.
  void seal_with(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad,
                 MutableByteSpan data, uint8_t tag[WebCrypto::kTagSize]);

 private:
  void derive(const uint8_t salt[kSaltSize], uint8_t key[WebCrypto::kKeySize]);
  WebCrypto& crypto_;
  RandomSource& random_;
  char passkey_[64] = {};
  size_t passkey_len_ = 0;
};

// Server nonces: issued on request, accepted once, within their lifetime.
class NonceBook {
 public:
  static constexpr size_t kCapacity = 16;
  static constexpr uint32_t kLifetimeMs = 120000;
  void issue(RandomSource& random, uint32_t now_ms, uint8_t out[kNonceSize]);
  // True once for an issued, unexpired nonce; it is then forgotten.
  bool consume(const uint8_t nonce[kNonceSize], uint32_t now_ms);

 private:
  struct Entry {
    uint8_t nonce[kNonceSize];
    uint32_t issued_ms;
    bool used = true;
  };
  Entry entries_[kCapacity];
  size_t next_ = 0;  // oldest slot, reused when full
};

// Failed passkey attempts: after kFreeFailures, each further failure locks
// the client out for a doubling time (up to kMaxLockMs).
class AttemptLimiter {
 public:
  static constexpr size_t kClients = 16;
  static constexpr uint8_t kFreeFailures = 5;
  static constexpr uint32_t kFirstLockMs = 30000;
  static constexpr uint32_t kMaxLockMs = 15 * 60 * 1000;
  // False while `client` is locked out; retry_after_ms tells how long.
  bool allowed(uint32_t client, uint32_t now_ms, uint32_t& retry_after_ms);
  void failure(uint32_t client, uint32_t now_ms);
  void success(uint32_t client);

 private:
  struct Entry {
    uint32_t client = 0;
    uint8_t failures = 0;
    uint32_t locked_until = 0;
    bool used = false;
  };
  Entry* find(uint32_t client, bool create);
  Entry entries_[kClients];
};

}  // namespace p1
