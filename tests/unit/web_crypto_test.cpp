// ChaCha20-Poly1305, HKDF-SHA256, HMAC-SHA256, PBKDF2-HMAC-SHA256 and SHA-256
// on both backends with the RFC vectors, and the web exchange against a
// vector computed independently (testdata/web-exchange-vector.json; the
// JavaScript side checks the same).
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "p1/crypto/web_crypto.h"
#include "p1/device/web/secure_exchange.h"
#include "support/testdata.h"
#include "support/typed_backend.h"
#include "support/fakes.h"

namespace {

using p1enc::from_hex;
using p1test::Bytes;

using p1test::Backend;
template <typename T>
class WebCryptoBackend : public ::testing::Test {};
using Backends = ::testing::Types<Backend<p1::BearSslWebCrypto>, Backend<p1::MbedTlsWebCrypto>>;
TYPED_TEST_SUITE(WebCryptoBackend, Backends);

const char* kSunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

TYPED_TEST(WebCryptoBackend, Rfc8439AeadVector) {
  typename TypeParam::type crypto;
  Bytes key(32);
  for (size_t i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(0x80 + i);
  Bytes iv = from_hex("070000004041424344454647");
  Bytes aad = from_hex("50515253c0c1c2c3c4c5c6c7");
  Bytes data(kSunscreen, kSunscreen + std::strlen(kSunscreen));
  uint8_t tag[16];
  crypto.seal(key.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag);
  EXPECT_EQ(p1enc::to_hex(data),
            "D31A8D34648E60DB7B86AFBC53EF7EC2A4ADED51296E08FEA9E2B5A736EE62D63DBEA45E8CA9671282FAFB69DA92728B1A71DE0A9E06"
            "0B2905D6A5B67ECD3B3692DDBD7F2D778B8C9803AEE328091B58FAB324E4FAD675945585808B4831D7BC3FF4DEF08E4B7A9DE576D265"
            "86CEC64B6116");
  EXPECT_EQ(p1enc::to_hex(Bytes(tag, tag + 16)), "1AE10B594F09E26A7E902ECBD0600691");
  ASSERT_TRUE(crypto.open(key.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()),
                          p1::MutableByteSpan(data.data(), data.size()), tag));
  EXPECT_EQ(std::string(data.begin(), data.end()), kSunscreen);
  // Any change is refused.
  crypto.seal(key.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag);
  data[3] ^= 1;
  EXPECT_FALSE(crypto.open(key.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()),
                           p1::MutableByteSpan(data.data(), data.size()), tag));
}

TYPED_TEST(WebCryptoBackend, Rfc5869HkdfCase1AndSha256) {
  typename TypeParam::type crypto;
  Bytes ikm(22, 0x0b);
  Bytes salt = from_hex("000102030405060708090a0b0c");
  Bytes info = from_hex("f0f1f2f3f4f5f6f7f8f9");
  Bytes okm(42);
  crypto.hkdf_sha256(p1::ByteSpan(ikm.data(), ikm.size()), p1::ByteSpan(salt.data(), salt.size()),
                     p1::ByteSpan(info.data(), info.size()), p1::MutableByteSpan(okm.data(), okm.size()));
  EXPECT_EQ(p1enc::to_hex(okm),
            "3CB25F25FAACD57A90434F64D0362F2A2D2D0A90CF1A5A4C5DB02D56ECC4C5BF34007208D5B887185865");
  uint8_t digest[32];
  crypto.sha256(p1::ByteSpan(reinterpret_cast<const uint8_t*>("abc"), 3), digest);
  EXPECT_EQ(p1enc::to_hex(Bytes(digest, digest + 32)),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
}

TYPED_TEST(WebCryptoBackend, Rfc4231HmacSha256) {
  typename TypeParam::type crypto;
  auto hmac = [&](const Bytes& key, const std::string& data) {
    uint8_t out[32];
    crypto.hmac_sha256(p1::ByteSpan(key.data(), key.size()),
                       p1::ByteSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()), out);
    return p1enc::to_hex(Bytes(out, out + 32));
  };
  EXPECT_EQ(hmac(Bytes(20, 0x0b), "Hi There"), "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
  EXPECT_EQ(hmac(Bytes{'J', 'e', 'f', 'e'}, "what do ya want for nothing?"),
            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
  // Case 6: a key longer than the block is hashed first.
  EXPECT_EQ(hmac(Bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54");
}

TYPED_TEST(WebCryptoBackend, Rfc7914Pbkdf2HmacSha256) {
  typename TypeParam::type crypto;
  auto pbkdf2 = [&](const std::string& password, const std::string& salt, uint32_t iterations) {
    Bytes out(64);
    EXPECT_TRUE(crypto.pbkdf2_sha256(p1::ByteSpan(reinterpret_cast<const uint8_t*>(password.data()), password.size()),
                                     p1::ByteSpan(reinterpret_cast<const uint8_t*>(salt.data()), salt.size()),
                                     iterations, p1::MutableByteSpan(out.data(), out.size())));
    return p1enc::to_hex(out);
  };
  // Two output blocks each, so the block index is exercised too.
  EXPECT_EQ(pbkdf2("passwd", "salt", 1),
            "55AC046E56E3089FEC1691C22544B605F94185216DDE0465E68B9D57C20DACBC49CA9CCCF179B645991664B39D77EF317C71B845B"
            "1E30BD509112041D3A19783");
  EXPECT_EQ(pbkdf2("Password", "NaCl", 80000),
            "4DDCD8F60B98BE21830CEE5EF22701F9641A4418D04C0414AEFF08876B34AB56A1D425A1225833549ADB841B51C9B3176A272BDEB"
            "BA1D078478F62B397F33C8D");
}

TYPED_TEST(WebCryptoBackend, ExchangeMatchesTheIndependentVector) {
  nlohmann::json v = nlohmann::json::parse(p1test::read_file(std::string(P1_TESTDATA_DIR) + "/web-exchange-vector.json"));
  typename TypeParam::type crypto;
  p1test::CountingRandom random;
  p1::PasskeyBox box(crypto, random);
  std::string passkey = v["passkey"];
  ASSERT_EQ(v["iterations"], p1::kPasskeyIterations);
  ASSERT_EQ(v["info"], p1::kExchangeInfo);
  Bytes kdf_salt = from_hex(v["kdf_salt"]);
  // The long-term key K, then the message sealed under HKDF(K, salt).
  Bytes k(32);
  ASSERT_TRUE(crypto.pbkdf2_sha256(p1::ByteSpan(reinterpret_cast<const uint8_t*>(passkey.data()), passkey.size()),
                                   p1::ByteSpan(kdf_salt.data(), kdf_salt.size()), p1::kPasskeyIterations,
                                   p1::MutableByteSpan(k.data(), k.size())));
  EXPECT_EQ(k, from_hex(v["long_term_key"]));
  ASSERT_TRUE(box.set_passkey(p1::Span<const char>(passkey.data(), passkey.size()), kdf_salt.data()));
  Bytes salt = from_hex(v["salt"]), iv = from_hex(v["iv"]), aad = from_hex(v["aad"]);
  std::string text = v["plaintext"];
  Bytes data(text.begin(), text.end());
  uint8_t tag[16];
  box.seal_with(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag);
  EXPECT_EQ(data, from_hex(v["ciphertext"]));
  EXPECT_EQ(Bytes(tag, tag + 16), from_hex(v["tag"]));
  ASSERT_TRUE(box.open(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag));
  EXPECT_EQ(std::string(data.begin(), data.end()), text);
  // Another passkey, or another nonce as additional data, fails.
  box.seal_with(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag);
  Bytes copy = data;
  aad[0] ^= 1;
  EXPECT_FALSE(box.open(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(copy.data(), copy.size()), tag));
  aad[0] ^= 1;
  // The same passkey under another PBKDF2 salt is another key.
  Bytes other_salt = kdf_salt;
  other_salt[0] ^= 1;
  box.set_passkey(p1::Span<const char>(passkey.data(), passkey.size()), other_salt.data());
  Bytes copy2 = data;
  EXPECT_FALSE(box.open(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(copy2.data(), copy2.size()), tag));
  box.set_passkey(p1::Span<const char>("wrong", 5), kdf_salt.data());
  EXPECT_FALSE(box.open(salt.data(), iv.data(), p1::ByteSpan(aad.data(), aad.size()), p1::MutableByteSpan(data.data(), data.size()), tag));
}

struct TestRandom final : p1::RandomSource {
  std::mt19937 rng{42};
  void fill(p1::MutableByteSpan out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  }
};

TEST(NonceBook, ValidOnceWithinTheLifetimeAndOnlyForItsClient) {
  TestRandom random;
  p1::BearSslWebCrypto crypto;
  p1::NonceBook book(crypto);
  uint8_t a[16], b[16], anyone[16];
  book.issue(random, 7, 1000, a);
  book.issue(random, 7, 1000, b);
  book.issue(random, 0, 1000, anyone);
  EXPECT_NE(std::memcmp(a, b, 16), 0) << "two nonces in the same millisecond must differ";
  EXPECT_TRUE(book.valid(a, 7, 2000));
  EXPECT_FALSE(book.valid(a, 8, 2000)) << "issued to client 7";
  EXPECT_TRUE(book.valid(anyone, 8, 2000)) << "issued to any client";
  book.mark_used(a, 2000);
  EXPECT_FALSE(book.valid(a, 7, 2000)) << "a replay must fail";
  EXPECT_FALSE(book.valid(b, 7, 1000 + p1::NonceBook::kLifetimeMs + 1)) << "expired";
  uint8_t never[16] = {9};
  EXPECT_FALSE(book.valid(never, 7, 1000));
  uint8_t changed[16];
  std::memcpy(changed, b, 16);
  changed[7] ^= 1;  // a later issue time, to live longer
  EXPECT_FALSE(book.valid(changed, 7, 1000));
  // More uses within a lifetime than the book remembers: the forgotten ones
  // (and everything older) stay refused.
  std::vector<std::array<uint8_t, 16>> used(3 * p1::NonceBook::kReplayCapacity);
  for (auto& n : used) book.issue(random, 7, 5000, n.data());
  for (auto& n : used) {
    ASSERT_TRUE(book.valid(n.data(), 7, 5001));
    book.mark_used(n.data(), 5001);
  }
  for (auto& n : used) EXPECT_FALSE(book.valid(n.data(), 7, 5002));
  uint8_t fresh[16];
  book.issue(random, 7, 5003, fresh);
  EXPECT_TRUE(book.valid(fresh, 7, 5003));
}

TEST(AttemptLimiter, LocksOutAfterRepeatedFailures) {
  p1::AttemptLimiter limiter;
  uint32_t retry = 0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(limiter.allowed(7, 0, retry));
    limiter.failure(7, 0);
  }
  EXPECT_TRUE(limiter.allowed(7, 0, retry));
  limiter.failure(7, 0);  // fifth
  EXPECT_FALSE(limiter.allowed(7, 1000, retry));
  EXPECT_EQ(retry, p1::AttemptLimiter::kFirstLockMs - 1000);
  EXPECT_TRUE(limiter.allowed(8, 1000, retry)) << "other clients are not affected";
  EXPECT_TRUE(limiter.allowed(7, p1::AttemptLimiter::kFirstLockMs, retry));
  limiter.failure(7, 30000);  // sixth: twice as long
  EXPECT_FALSE(limiter.allowed(7, 30000 + 59000, retry));
  limiter.success(7);
  EXPECT_TRUE(limiter.allowed(7, 30001, retry));
}

}  // namespace
