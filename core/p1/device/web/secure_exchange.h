// The web page's protection on plain HTTP (the ESP8266 cannot afford a second
// TLS session): every request and response is sealed with ChaCha20-Poly1305
// under a per-message key HKDF-SHA256(K, fresh random salt), where K is the
// passkey stretched once with PBKDF2-HMAC-SHA256 (kPasskeyIterations), so a
// sniffed request allows offline guessing only at PBKDF2 speed, not at hash
// speed. The additional data is a server nonce that expires and is accepted
// once, so a recorded request cannot be replayed; failed passkey attempts are
// rate-limited per client and for all clients together. Fixed capacities, no
// heap.
#pragma once
#include <cstdint>

#include "p1/crypto/web_crypto.h"
#include "p1/base/platform.h"

namespace p1 {

constexpr size_t kSaltSize = 16;
constexpr size_t kNonceSize = 16;
constexpr size_t kKdfSaltSize = 16;
constexpr char kExchangeInfo[] = "p1bridge web v2";
// PBKDF2 iterations for K. The server derives K once per start and the page
// once per login, so the count is bounded by the ESP8266: two SHA-256
// compressions per iteration, an estimated 1.2-1.5 s for 10,000 at 80 MHz
// (4.8 ms on a PC; docs/security.md has the figures). web/src/exchange.js uses the same
// count; the server never tells the page a count (a forged reply could ask
// for 1).
#ifdef P1_FUZZING_BUILD
constexpr uint32_t kPasskeyIterations = 1;  // the fuzz build only (CMakeLists.txt): thousands of inputs a second
#else
constexpr uint32_t kPasskeyIterations = 10000;
#endif

// A passkey typed by hand that is cheap to guess even at PBKDF2 speed:
// shorter than kStrongPasskeyLength or made of one kind of character only
// (lower case, upper case, digits, others). Setup and `p1bridge run` warn;
// they do not refuse (the settings' own rule is 8 to 64 characters).
constexpr size_t kStrongPasskeyLength = 12;
bool is_weak_passkey(Span<const char> passkey);

class PasskeyBox {
 public:
  PasskeyBox(WebCrypto& crypto, RandomSource& random) : crypto_(crypto), random_(random) {}
  ~PasskeyBox();
  // Derives K with a fresh random PBKDF2 salt: the server, once per start.
  // The page learns the salt from every nonce reply. False (and no passkey)
  // if the derivation failed; an empty passkey disables the box.
  bool set_passkey(Span<const char> passkey);
  // Derives K with a given salt: the page's side, and test vectors.
  bool set_passkey(Span<const char> passkey, const uint8_t kdf_salt[kKdfSaltSize]);
  bool has_passkey() const { return has_key_; }
  const uint8_t* kdf_salt() const { return kdf_salt_; }
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
  uint8_t long_term_key_[WebCrypto::kKeySize] = {};  // K; the passkey itself is not kept
  uint8_t kdf_salt_[kKdfSaltSize] = {};
  bool has_key_ = false;
};

// Server nonces without a table of issued ones: a nonce is its issue counter
// and time with an HMAC under a secret drawn at the first issue, bound to the
// client that asked (or to any client). Issuing costs no memory, so a flood
// of GET /api/nonce (no passkey needed) evicts nothing. A nonce is accepted
// within its lifetime and once: the counters of nonces used by requests that
// opened with the passkey are remembered until they expire. Only the owner
// can fill that memory; when it is full, the oldest is forgotten and every
// nonce issued before it is refused from then on, so none can be replayed.
class NonceBook {
 public:
  static constexpr uint32_t kLifetimeMs = 60000;
  static constexpr size_t kReplayCapacity = 32;
  explicit NonceBook(WebCrypto& crypto) : crypto_(crypto) {}
  ~NonceBook();
  // `client` 0: valid from any client.
  void issue(RandomSource& random, uint32_t client, uint32_t now_ms, uint8_t out[kNonceSize]);
  // Issued here to `client` (or to any), unexpired and unused. Does not use it up.
  bool valid(const uint8_t nonce[kNonceSize], uint32_t client, uint32_t now_ms) const;
  // Uses it up: call when its request opened with the passkey.
  void mark_used(const uint8_t nonce[kNonceSize], uint32_t now_ms);

 private:
  void mac(uint32_t counter, uint32_t issued_ms, uint32_t client, uint8_t out[8]) const;
  struct Used {
    uint32_t counter = 0;
    uint32_t issued_ms = 0;
  };
  static_assert(kReplayCapacity <= 32, "one bit of live_ per slot");
  WebCrypto& crypto_;
  uint8_t secret_[32] = {};
  bool has_secret_ = false;
  uint32_t next_counter_ = 0;
  Used used_[kReplayCapacity];
  uint32_t live_ = 0;  // bit i: used_[i] holds a used nonce (8 bytes a slot on the device)
  uint32_t floor_ = 0;  // counters up to this one are refused (once has_floor_)
  bool has_floor_ = false;
};

// Failed passkey attempts. Per client: after kFreeFailures, each further
// failure locks the client out for a doubling time (up to kMaxLockMs). For
// all clients together: at most kGlobalFailures failures per kGlobalWindowMs
// (a bucket that drains one failure every kGlobalWindowMs / kGlobalFailures);
// while it is full everyone waits, so guessing from many addresses is no
// faster than from one. The table never forgets a locked client: room is made
// by evicting the oldest unlocked one, and while every slot is locked a new
// client is refused.
class AttemptLimiter {
 public:
  static constexpr size_t kClients = 16;
  static constexpr uint8_t kFreeFailures = 5;
  static constexpr uint32_t kFirstLockMs = 30000;
  static constexpr uint32_t kMaxLockMs = 15 * 60 * 1000;
  static constexpr uint32_t kGlobalFailures = 20;
  static constexpr uint32_t kGlobalWindowMs = 10 * 60 * 1000;
  // False while `client` (or everyone) is locked out; retry_after_ms tells how long.
  bool allowed(uint32_t client, uint32_t now_ms, uint32_t& retry_after_ms);
  void failure(uint32_t client, uint32_t now_ms);
  void success(uint32_t client);

 private:
  static constexpr uint32_t kMsPerFailure = kGlobalWindowMs / kGlobalFailures;
  struct Entry {
    uint32_t client = 0;
    uint8_t failures = 0;
    bool used = false;
    uint32_t locked_until = 0;
    uint32_t last_ms = 0;  // last failure
  };
  static bool locked(const Entry& e, uint32_t now_ms);
  Entry* find(uint32_t client);
  Entry* make_room(uint32_t now_ms);
  void drain(uint32_t now_ms);
  Entry entries_[kClients];
  uint32_t debt_ms_ = 0;  // the global bucket: kMsPerFailure per failure, drained by time
  uint32_t drained_at_ = 0;
};

}  // namespace p1
