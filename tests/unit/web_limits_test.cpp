// The web page's limits against an attacker on the network who does not know
// the passkey: rotating addresses must not reset a lockout (nor let guesses
// through faster than one client may), and fetching nonces (unauthenticated)
// must not lock the owner out. AttemptLimiter directly, then the whole
// handler (SealedCalls) as the page talks to it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "p1/base/hex.h"
#include "p1/crypto/web_crypto.h"
#include "p1/device/web/sealed_calls.h"
#include "p1/device/web/secure_exchange.h"
#include "support/fakes.h"

namespace {

using p1::AttemptLimiter;

TEST(AttemptLimiter, RotatingAddressesDoNotUnlockALockedClient) {
  AttemptLimiter limiter;
  uint32_t retry = 0;
  const uint32_t victim = 1;
  for (int i = 0; i < AttemptLimiter::kFreeFailures; ++i) limiter.failure(victim, 0);
  ASSERT_FALSE(limiter.allowed(victim, 1000, retry));
  // Every slot filled with locked clients, then many more addresses: the
  // first lockout must stay.
  for (uint32_t client = 100; client < 100 + 4 * AttemptLimiter::kClients; ++client) {
    for (int i = 0; i < AttemptLimiter::kFreeFailures; ++i) limiter.failure(client, 1000);
  }
  EXPECT_FALSE(limiter.allowed(victim, 2000, retry)) << "a locked client was evicted by new addresses";
  EXPECT_GT(retry, 0u);
}

TEST(AttemptLimiter, WhenEverySlotIsLockedANewClientIsRefused) {
  AttemptLimiter limiter;
  uint32_t retry = 0;
  for (uint32_t client = 1; client <= AttemptLimiter::kClients; ++client) {
    for (int i = 0; i < AttemptLimiter::kFreeFailures; ++i) limiter.failure(client, 0);
  }
  EXPECT_FALSE(limiter.allowed(5000, 1000, retry)) << "a new client got a guess while every slot is locked";
  EXPECT_GT(retry, 0u);
}

TEST(AttemptLimiter, ManyAddressesShareOneFailureBudget) {
  AttemptLimiter limiter;
  uint32_t retry = 0;
  // One failure from each of many addresses (never enough to lock one of
  // them): the guesses stop all the same.
  uint32_t guesses = 0;
  for (uint32_t client = 1; client <= 1000; ++client) {
    if (!limiter.allowed(client, 10, retry)) continue;
    ++guesses;
    limiter.failure(client, 10);
  }
  EXPECT_LE(guesses, AttemptLimiter::kGlobalFailures) << "rotating addresses bought more guesses than the budget";
  EXPECT_FALSE(limiter.allowed(424242, 20, retry)) << "a fresh address is let in while the budget is spent";
  EXPECT_GT(retry, 0u);
  // The budget refills with time: the owner gets in again later.
  EXPECT_TRUE(limiter.allowed(424242, 20 + AttemptLimiter::kMaxLockMs + AttemptLimiter::kGlobalWindowMs, retry));
}

TEST(AttemptLimiter, NewClientsEvictUnlockedEntriesNeverALockedOne) {
  AttemptLimiter limiter;
  uint32_t retry = 0;
  const uint32_t step = AttemptLimiter::kGlobalWindowMs / AttemptLimiter::kGlobalFailures;
  for (int i = 0; i < 2 * AttemptLimiter::kFreeFailures; ++i) limiter.failure(2, 0);  // locked for kMaxLockMs
  // One failure each from more clients than there are slots, slowly enough
  // that the global budget never runs out.
  uint32_t now = 0;
  for (uint32_t client = 10; client < 10 + AttemptLimiter::kClients + 4; ++client) {
    now += step;
    ASSERT_TRUE(limiter.allowed(client, now, retry)) << client;
    limiter.failure(client, now);
  }
  ASSERT_LT(now + 10, AttemptLimiter::kMaxLockMs);
  EXPECT_FALSE(limiter.allowed(2, now + 10, retry)) << "the locked client was evicted";
  EXPECT_EQ(retry, AttemptLimiter::kMaxLockMs - now - 10);
  EXPECT_TRUE(limiter.allowed(999, now + 10, retry)) << "the global budget is not spent: others may try";
}

// The handler as the page talks to it.
struct Backend final : p1::WebBackend {
  p1::Settings shown;
  void write_values(p1::TextBuffer& out) override { out.put("{\"meters\":[]}"); }
  const p1::Settings& settings() override { return shown; }
  bool is_device() const override { return false; }
  const char* save(const p1::Settings&, const p1::Settings&) override { return nullptr; }
  void request_restart() override {}
};

struct TestRandom final : p1::RandomSource {
  std::mt19937 rng{7};
  void fill(p1::MutableByteSpan out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  }
};

class Page {
 public:
  explicit Page(const std::string& passkey)
      : passkey_(passkey), calls_(crypto_, random_, backend_), client_(crypto_, random_) {
    calls_.set_passkey(p1::Span<const char>(passkey.data(), passkey.size()));
  }
  // GET /api/nonce: the nonce's hex. The page derives its key from the
  // passkey and the reply's PBKDF2 salt (once per salt).
  std::string nonce(uint32_t now_ms) {
    calls_.nonce(now_ms);
    p1test::ReplyCapture reply;
    calls_.send(reply);
    nlohmann::json json = nlohmann::json::parse(reply.text);
    std::string kdf_salt = json["kdf_salt"];
    if (kdf_salt != kdf_salt_) {
      uint8_t salt[p1::kKdfSaltSize];
      EXPECT_TRUE(p1::parse_hex_exact(p1::Span<const char>(kdf_salt.data(), kdf_salt.size()),
                                      p1::MutableByteSpan(salt, sizeof salt)));
      client_.set_passkey(p1::Span<const char>(passkey_.data(), passkey_.size()), salt);
      kdf_salt_ = kdf_salt;
    }
    return json["nonce"];
  }
  // POST /api/call with `op`, sealed with the page's passkey for `nonce_hex`.
  int call(uint32_t client, uint32_t now_ms, const std::string& nonce_hex, const std::string& op = "login") {
    uint8_t nonce[p1::kNonceSize];
    EXPECT_TRUE(p1::parse_hex_exact(p1::Span<const char>(nonce_hex.data(), nonce_hex.size()),
                                    p1::MutableByteSpan(nonce, sizeof nonce)));
    std::string request = "{\"op\":\"" + op + "\"}";
    std::vector<uint8_t> data(request.begin(), request.end());
    uint8_t salt[p1::kSaltSize] = {1, 2, 3}, iv[p1::WebCrypto::kIvSize] = {4, 5, 6}, tag[p1::WebCrypto::kTagSize];
    client_.seal_with(salt, iv, p1::ByteSpan(nonce, sizeof nonce), p1::MutableByteSpan(data.data(), data.size()), tag);
    std::string body = "{\"nonce\":\"" + nonce_hex + "\",\"salt\":\"" + p1test::hex_of(salt, sizeof salt) + "\",\"iv\":\"" +
                       p1test::hex_of(iv, sizeof iv) + "\",\"data\":\"" + p1test::hex_of(data.data(), data.size()) + "\",\"tag\":\"" +
                       p1test::hex_of(tag, sizeof tag) + "\"}";
    std::vector<uint8_t> plain(4096);
    p1::Settings scratch;
    p1::SealedCalls::Reply reply =
        calls_.call(client, now_ms, p1::CharSpan(&body[0], body.size()), p1::MutableByteSpan(plain.data(), plain.size()),
                    scratch);
    p1test::ReplyCapture text;
    calls_.send(text);
    last_reply_ = text.text;
    return reply.status;
  }
  const std::string& last_reply() const { return last_reply_; }

 private:
  std::string passkey_, kdf_salt_;
  TestRandom random_;
  p1::BearSslWebCrypto crypto_;
  Backend backend_;
  p1::SealedCalls calls_;
  p1::PasskeyBox client_;
  std::string last_reply_;
};

TEST(SealedCallsLimits, ANonceFloodDoesNotLockTheOwnerOut) {
  Page page("owner-passkey-1234");
  const uint32_t owner = 1, attacker = 2;
  std::string mine = page.nonce(1000);
  // Anyone may ask for nonces without the passkey, as often as they like.
  for (int i = 0; i < 5000; ++i) page.nonce(1001);
  EXPECT_EQ(page.call(owner, 1002, mine), 200) << page.last_reply();
  // Nor does a flood between the owner's requests hurt; replays still fail.
  std::string next = page.nonce(2000);
  for (int i = 0; i < 5000; ++i) page.nonce(2001);
  EXPECT_EQ(page.call(owner, 2002, next), 200) << page.last_reply();
  EXPECT_EQ(page.call(owner, 2003, next), 403) << "a replayed request was accepted";
  EXPECT_EQ(page.call(attacker, 2004, mine), 403) << "a replayed request was accepted";
}

TEST(SealedCallsLimits, NoncesExpireAndForgedOnesAreRefused) {
  Page page("owner-passkey-1234");
  std::string nonce = page.nonce(1000);
  EXPECT_EQ(page.call(1, 1000 + p1::NonceBook::kLifetimeMs + 1, nonce), 403);
  EXPECT_NE(page.last_reply().find("expired or reused request"), std::string::npos) << page.last_reply();
  std::string forged = page.nonce(5000);
  forged[0] = forged[0] == '0' ? '1' : '0';
  EXPECT_EQ(page.call(1, 5001, forged), 403);
  EXPECT_NE(page.last_reply().find("expired or reused request"), std::string::npos) << page.last_reply();
}

TEST(SealedCallsLimits, TheOwnerKeepsWorkingWhileTheReplayCacheIsFull) {
  // The page calls every two seconds; more calls than the replay cache holds
  // within a nonce's lifetime still go through, and none can be replayed.
  Page page("owner-passkey-1234");
  std::vector<std::string> used;
  for (uint32_t i = 0; i < 4 * p1::NonceBook::kReplayCapacity; ++i) {
    std::string nonce = page.nonce(1000 + i);
    ASSERT_EQ(page.call(1, 1000 + i, nonce, "values"), 200) << i << ": " << page.last_reply();
    used.push_back(nonce);
  }
  for (const std::string& nonce : used) EXPECT_EQ(page.call(1, 1000 + 4 * p1::NonceBook::kReplayCapacity, nonce), 403);
}

}  // namespace
