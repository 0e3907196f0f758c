// Every crypto backend against the same vectors: the GCM specification's
// test case 4 (12-byte IV, AAD, truncated to 12 tag bytes as DLMS does) and
// real meter telegrams.
#include <gtest/gtest.h>

#include "p1/dlms/cipher_apdu.h"
#include "p1/crypto/aes_gcm_bearssl.h"
#include "p1/crypto/aes_gcm_mbedtls.h"
#include "support/testdata.h"
#include "support/typed_backend.h"

namespace {

using p1enc::from_hex;
using p1test::Bytes;

using p1test::Backend;
template <typename T>
class CryptoBackend : public ::testing::Test {};
using Backends = ::testing::Types<Backend<p1::BearSslAesGcm>, Backend<p1::BearSslPortableAesGcm>, Backend<p1::MbedTlsAesGcm>>;
TYPED_TEST_SUITE(CryptoBackend, Backends);

p1::Aes128Key key_of(const std::string& hex) {
  p1::Aes128Key key;
  EXPECT_EQ(p1::Aes128Key::parse(p1::Span<const char>(hex.data(), hex.size()), key), p1::KeyParseError::kNone);
  return key;
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 4.
const char* kKey = "feffe9928665731c6d6a8f9467308308";
const char* kIv = "cafebabefacedbaddecaf888";
const char* kAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const char* kPlain =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657"
    "ba637b39";
const char* kCipher =
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac97"
    "3d58e091";
const char* kTag = "5bc94fbc3221a5db94fae95ae7121a47";

TYPED_TEST(CryptoBackend, GcmSpecVectorDecryptsWithoutTag) {
  typename TypeParam::type gcm;
  gcm.set_key(key_of(kKey));
  Bytes data = from_hex(kCipher);
  Bytes iv = from_hex(kIv);
  gcm.decrypt(iv.data(), p1::MutableByteSpan(data.data(), data.size()));
  EXPECT_EQ(data, from_hex(kPlain));
}

TYPED_TEST(CryptoBackend, GcmSpecVectorVerifiesTruncatedTag) {
  typename TypeParam::type gcm;
  gcm.set_key(key_of(kKey));
  Bytes data = from_hex(kCipher);
  Bytes iv = from_hex(kIv);
  Bytes aad = from_hex(kAad);
  Bytes tag = from_hex(kTag);
  tag.resize(12);
  ASSERT_TRUE(gcm.decrypt_verified(iv.data(), p1::ByteSpan(aad.data(), aad.size()),
                                   p1::MutableByteSpan(data.data(), data.size()), p1::ByteSpan(tag.data(), 12)));
  EXPECT_EQ(data, from_hex(kPlain));
}

TYPED_TEST(CryptoBackend, RejectsFlippedCiphertextTagAndAad) {
  typename TypeParam::type gcm;
  gcm.set_key(key_of(kKey));
  Bytes iv = from_hex(kIv);
  for (int which = 0; which < 3; ++which) {
    Bytes data = from_hex(kCipher);
    Bytes aad = from_hex(kAad);
    Bytes tag = from_hex(kTag);
    tag.resize(12);
    (which == 0 ? data[5] : which == 1 ? tag[11] : aad[0]) ^= 0x01;
    EXPECT_FALSE(gcm.decrypt_verified(iv.data(), p1::ByteSpan(aad.data(), aad.size()),
                                      p1::MutableByteSpan(data.data(), data.size()), p1::ByteSpan(tag.data(), 12)))
        << which;
  }
}

TYPED_TEST(CryptoBackend, KeyCanBeReplaced) {
  typename TypeParam::type gcm;
  gcm.set_key(key_of("000102030405060708090A0B0C0D0E0F"));
  gcm.set_key(key_of(kKey));
  Bytes data = from_hex(kCipher);
  Bytes iv = from_hex(kIv);
  gcm.decrypt(iv.data(), p1::MutableByteSpan(data.data(), data.size()));
  EXPECT_EQ(data, from_hex(kPlain));
}

// A real telegram: the EVN sample (no tag) decrypts to its published plaintext.
TYPED_TEST(CryptoBackend, RealTelegramDecryptsToPublishedPlaintext) {
  nlohmann::json evn = p1test::load_telegram("at-netznoe-kaifa-ma309-docsample");
  Bytes wire = from_hex(evn["hex"]);
  // EVN: APDU bytes = frame 1 [9, 4+250) + frame 2 [9+256, 256+4+20).
  Bytes apdu(wire.begin() + 9, wire.begin() + 254);
  apdu.insert(apdu.end(), wire.begin() + 256 + 9, wire.begin() + 256 + 24);
  auto parsed = p1::parse_cipher_apdu(p1::MutableByteSpan(apdu.data(), apdu.size()));
  ASSERT_TRUE(parsed);
  typename TypeParam::type gcm;
  gcm.set_key(key_of(evn["key"]));
  uint8_t iv[12];
  parsed->iv(iv);
  gcm.decrypt(iv, parsed.value().ciphertext);
  EXPECT_EQ(p1enc::to_hex(Bytes(parsed->ciphertext.begin(), parsed->ciphertext.end())),
            evn["plaintext_hex"].get<std::string>());

}

}  // namespace
