#include <gtest/gtest.h>

#include "p1/dlms/cipher_apdu.h"
#include "support/testdata.h"

namespace {

TEST(CipherApdu, ParsesAllLengthEncodings) {
  for (size_t plain_size : {20u, 200u, 400u}) {
    std::vector<uint8_t> plain(plain_size, 0x11);
    p1enc::CipherParams p;
    p.frame_counter = 0x01020304;
    auto apdu = p1enc::cipher(plain, p);
    EXPECT_EQ(p1::announced_cipher_apdu_size(p1::ByteSpan(apdu.data(), apdu.size())), apdu.size());
    auto parsed = p1::parse_cipher_apdu(p1::MutableByteSpan(apdu.data(), apdu.size()));
    ASSERT_TRUE(parsed) << plain_size;
    EXPECT_EQ(parsed->ciphertext.size(), plain_size);
    EXPECT_EQ(parsed->frame_counter, 0x01020304u);
    EXPECT_EQ(parsed->security_control, 0x20);
    EXPECT_TRUE(parsed->tag.empty());
    uint8_t iv[12];
    parsed->iv(iv);
    EXPECT_EQ(iv[0], 'K');
    EXPECT_EQ(iv[11], 0x04);
  }
}

TEST(CipherApdu, AuthenticatedHasTwelveByteTag) {
  std::vector<uint8_t> plain(50, 0x22);
  p1enc::CipherParams p;
  p.security_control = 0x30;
  auto apdu = p1enc::cipher(plain, p);
  auto parsed = p1::parse_cipher_apdu(p1::MutableByteSpan(apdu.data(), apdu.size()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->ciphertext.size(), 50u);
  EXPECT_EQ(parsed->tag.size(), 12u);
  EXPECT_TRUE(parsed->authenticated());
}

TEST(CipherApdu, AnnouncedSizeNeedsTheHeader) {
  std::vector<uint8_t> partial = {0xDB, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x82, 0x01};
  EXPECT_EQ(p1::announced_cipher_apdu_size(p1::ByteSpan(partial.data(), partial.size())), 0u);
  partial.push_back(0x09);
  EXPECT_EQ(p1::announced_cipher_apdu_size(p1::ByteSpan(partial.data(), partial.size())), 13u + 0x109);
  std::vector<uint8_t> other = {0x0F, 0x08};
  EXPECT_EQ(p1::announced_cipher_apdu_size(p1::ByteSpan(other.data(), other.size())), 0u);
}

TEST(CipherApdu, RejectsBadHeaders) {
  std::vector<uint8_t> short_title = {0xDB, 0x04, 1, 2, 3, 4, 0x05, 0x20, 0, 0, 0, 1};
  EXPECT_EQ(p1::parse_cipher_apdu(p1::MutableByteSpan(short_title.data(), short_title.size())).error(),
            p1::Error::kNotCiphered);
  std::vector<uint8_t> tiny_length = {0xDB, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x03, 0x20, 0, 0};
  EXPECT_EQ(p1::parse_cipher_apdu(p1::MutableByteSpan(tiny_length.data(), tiny_length.size())).error(),
            p1::Error::kCipherHeaderTruncated);
  std::vector<uint8_t> no_tag_room = {0xDB, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x08, 0x30, 0, 0, 0, 1, 0xAA, 0xBB, 0xCC};
  EXPECT_EQ(p1::parse_cipher_apdu(p1::MutableByteSpan(no_tag_room.data(), no_tag_room.size())).error(),
            p1::Error::kTelegramTruncated);
}

}  // namespace
