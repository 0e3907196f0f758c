#include "p1/device/web/secure_exchange.h"

#include <cstring>

namespace p1 {

void PasskeyBox::set_passkey(Span<const char> passkey) {
  passkey_len_ = passkey.size() < sizeof passkey_ ? passkey.size() : sizeof passkey_;
  std::memcpy(passkey_, passkey.data(), passkey_len_);
}

void PasskeyBox::derive(const uint8_t salt[kSaltSize], uint8_t key[WebCrypto::kKeySize]) {
  crypto_.hkdf_sha256(ByteSpan(reinterpret_cast<const uint8_t*>(passkey_), passkey_len_), ByteSpan(salt, kSaltSize),
                      ByteSpan(reinterpret_cast<const uint8_t*>(kExchangeInfo), sizeof kExchangeInfo - 1),
                      MutableByteSpan(key, WebCrypto::kKeySize));
}

bool PasskeyBox::open(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad,
                      MutableByteSpan data, const uint8_t tag[WebCrypto::kTagSize]) {
  if (passkey_len_ == 0) return false;
  uint8_t key[WebCrypto::kKeySize];
  derive(salt, key);
  bool ok = crypto_.open(key, iv, aad, data, tag);
  std::memset(key, 0, sizeof key);
  return ok;
}

void PasskeyBox::seal_with(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad,
                           MutableByteSpan data, uint8_t tag[WebCrypto::kTagSize]) {
  uint8_t key[WebCrypto::kKeySize];
  derive(salt, key);
  crypto_.seal(key, iv, aad, data, tag);
  std::memset(key, 0, sizeof key);
}

void PasskeyBox::seal(ByteSpan aad, MutableByteSpan data, uint8_t salt[kSaltSize], uint8_t iv[WebCrypto::kIvSize],
                      uint8_t tag[WebCrypto::kTagSize]) {
  random_.fill(MutableByteSpan(salt, kSaltSize));
  random_.fill(MutableByteSpan(iv, WebCrypto::kIvSize));
  seal_with(salt, iv, aad, data, tag);
}

void NonceBook::issue(RandomSource& random, uint32_t now_ms, uint8_t out[kNonceSize]) {
  Entry& e = entries_[next_];
  next_ = (next_ + 1) % kCapacity;
  random.fill(MutableByteSpan(e.nonce, kNonceSize));
  e.issued_ms = now_ms;
  e.used = false;
  std::memcpy(out, e.nonce, kNonceSize);
}

bool NonceBook::consume(const uint8_t nonce[kNonceSize], uint32_t now_ms) {
  for (Entry& e : entries_) {
    if (e.used || std::memcmp(e.nonce, nonce, kNonceSize) != 0) continue;
    e.used = true;  // single use, whatever happens next
    return now_ms - e.issued_ms <= kLifetimeMs;
  }
  return false;
}

AttemptLimiter::Entry* AttemptLimiter::find(uint32_t client, bool create) {
  Entry* free_slot = nullptr;
  Entry* oldest = &entries_[0];
  for (Entry& e : entries_) {
    if (e.used && e.client == client) return &e;
    if (!e.used && free_slot == nullptr) free_slot = &e;
    if (e.locked_until < oldest->locked_until) oldest = &e;
  }
  if (!create) return nullptr;
  Entry* slot = free_slot != nullptr ? free_slot : oldest;
  *slot = Entry();
  slot->client = client;
  slot->used = true;
  return slot;
}

bool AttemptLimiter::allowed(uint32_t client, uint32_t now_ms, uint32_t& retry_after_ms) {
  Entry* e = find(client, false);
  if (e == nullptr || static_cast<int32_t>(e->locked_until - now_ms) <= 0) return true;
  retry_after_ms = e->locked_until - now_ms;
  return false;
}

void AttemptLimiter::failure(uint32_t client, uint32_t now_ms) {
  Entry* e = find(client, true);
  if (e->failures < 255) ++e->failures;
  if (e->failures >= kFreeFailures) {
    uint32_t lock = kFirstLockMs;
    for (uint8_t i = kFreeFailures; i < e->failures && lock < kMaxLockMs; ++i) lock *= 2;
    e->locked_until = now_ms + (lock < kMaxLockMs ? lock : kMaxLockMs);
  }
}

void AttemptLimiter::success(uint32_t client) {
  if (Entry* e = find(client, false)) *e = Entry();
}

}  // namespace p1
