#include "p1/device/web/secure_exchange.h"

#include <cstring>

namespace p1 {

namespace {

void wipe(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  while (n-- > 0) *v++ = 0;
}

void put_u32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

bool same(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

// a is after b, on counters and clocks that wrap.
bool after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

}  // namespace

bool is_weak_passkey(Span<const char> passkey) {
  if (passkey.size() < kStrongPasskeyLength) return true;
  bool lower = false, upper = false, digit = false, other = false;
  for (char c : passkey) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;
    }
  }
  return static_cast<int>(lower) + static_cast<int>(upper) + static_cast<int>(digit) + static_cast<int>(other) < 2;
}

PasskeyBox::~PasskeyBox() { wipe(long_term_key_, sizeof long_term_key_); }

bool PasskeyBox::set_passkey(Span<const char> passkey) {
  uint8_t salt[kKdfSaltSize];
  random_.fill(MutableByteSpan(salt, sizeof salt));
  return set_passkey(passkey, salt);
}

bool PasskeyBox::set_passkey(Span<const char> passkey, const uint8_t kdf_salt[kKdfSaltSize]) {
  has_key_ = false;
  wipe(long_term_key_, sizeof long_term_key_);
  std::memcpy(kdf_salt_, kdf_salt, kKdfSaltSize);
  if (passkey.empty()) return true;
  has_key_ = crypto_.pbkdf2_sha256(ByteSpan(reinterpret_cast<const uint8_t*>(passkey.data()), passkey.size()),
                                   ByteSpan(kdf_salt_, sizeof kdf_salt_), kPasskeyIterations,
                                   MutableByteSpan(long_term_key_, sizeof long_term_key_));
  return has_key_;
}

// Per message: cheap (HKDF is four compressions), so the work factor is paid
// once per start and once per login, not per request.
void PasskeyBox::derive(const uint8_t salt[kSaltSize], uint8_t key[WebCrypto::kKeySize]) {
  crypto_.hkdf_sha256(ByteSpan(long_term_key_, sizeof long_term_key_), ByteSpan(salt, kSaltSize),
                      ByteSpan(reinterpret_cast<const uint8_t*>(kExchangeInfo), sizeof kExchangeInfo - 1),
                      MutableByteSpan(key, WebCrypto::kKeySize));
}

bool PasskeyBox::open(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad,
                      MutableByteSpan data, const uint8_t tag[WebCrypto::kTagSize]) {
  if (!has_key_) return false;
  uint8_t key[WebCrypto::kKeySize];
  derive(salt, key);
  bool ok = crypto_.open(key, iv, aad, data, tag);
  wipe(key, sizeof key);
  return ok;
}

void PasskeyBox::seal_with(const uint8_t salt[kSaltSize], const uint8_t iv[WebCrypto::kIvSize], ByteSpan aad,
                           MutableByteSpan data, uint8_t tag[WebCrypto::kTagSize]) {
  uint8_t key[WebCrypto::kKeySize];
  derive(salt, key);
  crypto_.seal(key, iv, aad, data, tag);
  wipe(key, sizeof key);
}

void PasskeyBox::seal(ByteSpan aad, MutableByteSpan data, uint8_t salt[kSaltSize], uint8_t iv[WebCrypto::kIvSize],
                      uint8_t tag[WebCrypto::kTagSize]) {
  random_.fill(MutableByteSpan(salt, kSaltSize));
  random_.fill(MutableByteSpan(iv, WebCrypto::kIvSize));
  seal_with(salt, iv, aad, data, tag);
}

NonceBook::~NonceBook() { wipe(secret_, sizeof secret_); }

// Nonce layout: counter (4 bytes) | issue time (4) | HMAC-SHA256(secret,
// "p1n" counter time client), first 8 bytes. A forgery has to be guessed
// online, one request per try.
void NonceBook::mac(uint32_t counter, uint32_t issued_ms, uint32_t client, uint8_t out[8]) const {
  uint8_t message[15] = {'p', '1', 'n'};
  put_u32(message + 3, counter);
  put_u32(message + 7, issued_ms);
  put_u32(message + 11, client);
  uint8_t digest[32];
  crypto_.hmac_sha256(ByteSpan(secret_, sizeof secret_), ByteSpan(message, sizeof message), digest);
  std::memcpy(out, digest, 8);
}

void NonceBook::issue(RandomSource& random, uint32_t client, uint32_t now_ms, uint8_t out[kNonceSize]) {
  if (!has_secret_) {
    random.fill(MutableByteSpan(secret_, sizeof secret_));
    uint8_t start[4];
    random.fill(MutableByteSpan(start, sizeof start));
    next_counter_ = get_u32(start);
    has_secret_ = true;
  }
  uint32_t counter = next_counter_++;
  put_u32(out, counter);
  put_u32(out + 4, now_ms);
  mac(counter, now_ms, client, out + 8);
}

bool NonceBook::valid(const uint8_t nonce[kNonceSize], uint32_t client, uint32_t now_ms) const {
  if (!has_secret_) return false;
  uint32_t counter = get_u32(nonce), issued = get_u32(nonce + 4);
  uint8_t expected[8];
  mac(counter, issued, client, expected);
  if (!same(expected, nonce + 8, sizeof expected)) {
    mac(counter, issued, 0, expected);  // issued for any client
    if (!same(expected, nonce + 8, sizeof expected)) return false;
  }
  if (now_ms - issued > kLifetimeMs) return false;  // expired, or "issued" in the future
  if (has_floor_ && !after(counter, floor_)) return false;
  for (size_t i = 0; i < kReplayCapacity; ++i) {
    const Used& u = used_[i];
    if ((live_ >> i & 1u) != 0 && u.counter == counter && now_ms - u.issued_ms <= kLifetimeMs) return false;
  }
  return true;
}

void NonceBook::mark_used(const uint8_t nonce[kNonceSize], uint32_t now_ms) {
  uint32_t counter = get_u32(nonce), issued = get_u32(nonce + 4);
  size_t slot = kReplayCapacity;
  bool full = true;
  for (size_t i = 0; i < kReplayCapacity; ++i) {
    const Used& u = used_[i];
    if ((live_ >> i & 1u) == 0 || now_ms - u.issued_ms > kLifetimeMs) {  // free, or expired: refused by age
      slot = i;
      full = false;
      break;
    }
    if (slot == kReplayCapacity || after(used_[slot].counter, u.counter)) slot = i;
  }
  if (full) {
    // Full of unexpired nonces: forget the oldest, refuse it and all older.
    if (!has_floor_ || after(used_[slot].counter, floor_)) floor_ = used_[slot].counter;
    has_floor_ = true;
  }
  used_[slot].counter = counter;
  used_[slot].issued_ms = issued;
  live_ |= 1u << slot;
}

bool AttemptLimiter::locked(const Entry& e, uint32_t now_ms) {
  // A lock never outlives kMaxLockMs after the last failure; checking that
  // first keeps a stale entry from looking locked when the clock wraps.
  return e.used && now_ms - e.last_ms <= kMaxLockMs && after(e.locked_until, now_ms);
}

AttemptLimiter::Entry* AttemptLimiter::find(uint32_t client) {
  for (Entry& e : entries_) {
    if (e.used && e.client == client) return &e;
  }
  return nullptr;
}

AttemptLimiter::Entry* AttemptLimiter::make_room(uint32_t now_ms) {
  Entry* oldest = nullptr;
  for (Entry& e : entries_) {
    if (!e.used) return &e;
    if (locked(e, now_ms)) continue;  // never forget a lockout
    if (oldest == nullptr || now_ms - e.last_ms > now_ms - oldest->last_ms) oldest = &e;
  }
  return oldest;
}

void AttemptLimiter::drain(uint32_t now_ms) {
  uint32_t elapsed = now_ms - drained_at_;
  debt_ms_ = debt_ms_ > elapsed ? debt_ms_ - elapsed : 0;
  drained_at_ = now_ms;
}

bool AttemptLimiter::allowed(uint32_t client, uint32_t now_ms, uint32_t& retry_after_ms) {
  drain(now_ms);
  uint32_t wait = 0;
  if (Entry* e = find(client)) {
    if (locked(*e, now_ms)) wait = e->locked_until - now_ms;
  } else if (make_room(now_ms) == nullptr) {
    // Every slot holds a locked client: a newcomer could not be counted.
    wait = kMaxLockMs;
    for (const Entry& other : entries_) {
      if (other.locked_until - now_ms < wait) wait = other.locked_until - now_ms;
    }
  }
  constexpr uint32_t kCapacity = kGlobalFailures * kMsPerFailure;
  if (debt_ms_ + kMsPerFailure > kCapacity) {
    uint32_t global = debt_ms_ + kMsPerFailure - kCapacity;
    if (global > wait) wait = global;
  }
  if (wait == 0) return true;
  retry_after_ms = wait;
  return false;
}

void AttemptLimiter::failure(uint32_t client, uint32_t now_ms) {
  drain(now_ms);
  constexpr uint32_t kCapacity = kGlobalFailures * kMsPerFailure;
  debt_ms_ = debt_ms_ + kMsPerFailure < kCapacity ? debt_ms_ + kMsPerFailure : kCapacity;
  Entry* e = find(client);
  if (e == nullptr) {
    e = make_room(now_ms);
    if (e == nullptr) return;  // all locked: the global bucket still counted it
    *e = Entry();
    e->client = client;
    e->used = true;
  }
  e->last_ms = now_ms;
  if (e->failures < 255) ++e->failures;
  if (e->failures >= kFreeFailures) {
    uint32_t lock = kFirstLockMs;
    for (uint8_t i = kFreeFailures; i < e->failures && lock < kMaxLockMs; ++i) lock *= 2;
    e->locked_until = now_ms + (lock < kMaxLockMs ? lock : kMaxLockMs);
  }
}

void AttemptLimiter::success(uint32_t client) {
  if (Entry* e = find(client)) *e = Entry();
}

}  // namespace p1
