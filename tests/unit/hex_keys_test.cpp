#include <gtest/gtest.h>

#include "p1/base/hex.h"
#include "p1/crypto/keys.h"

namespace {

std::string decode_all(p1::HexTextDecoder& d, const std::string& text, bool* invalid = nullptr) {
  uint8_t out[256];
  auto c = d.decode(p1::Span<const char>(text.data(), text.size()), p1::MutableByteSpan(out, sizeof out));
  if (invalid) *invalid = c.invalid;
  return std::string(reinterpret_cast<char*>(out), c.produced);
}

TEST(HexText, AnyWhitespaceAnyCase) {
  p1::HexTextDecoder d;
  EXPECT_EQ(decode_all(d, "68 fa\tFA\r\n68\n 53ff"), std::string("\x68\xFA\xFA\x68\x53\xFF", 6));
}

TEST(HexText, DigitPairsMaySpanChunksAndWhitespace) {
  p1::HexTextDecoder d;
  EXPECT_EQ(decode_all(d, "6"), "");
  EXPECT_TRUE(d.has_half_byte());
  EXPECT_EQ(decode_all(d, "8 1"), "h");
  EXPECT_EQ(decode_all(d, "6"), "\x16");
  EXPECT_FALSE(d.has_half_byte());
}

TEST(HexText, LongRunsUseTheFastPathCorrectly) {
  std::string text;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", i * 37 & 0xFF);
    text += pair;
    expected.push_back(static_cast<char>(i * 37 & 0xFF));
    if (i % 13 == 0) text += ' ';
  }
  p1::HexTextDecoder d;
  EXPECT_EQ(decode_all(d, text), expected);
}

TEST(HexText, StopsAtNonHex) {
  p1::HexTextDecoder d;
  bool invalid = false;
  EXPECT_EQ(decode_all(d, "6868 0x12", &invalid), "hh");
  EXPECT_TRUE(invalid);
  EXPECT_EQ(d.position(), 6u);  // the 'x'... after "0"
}

TEST(Keys, ParsesHexOnce) {
  p1::Aes128Key key;
  std::string text = "36C66639E48A8CA4D6BC8B282A793BBB";
  ASSERT_EQ(p1::Aes128Key::parse(p1::Span<const char>(text.data(), text.size()), key), p1::KeyParseError::kNone);
  EXPECT_EQ(key.data()[0], 0x36);
  EXPECT_EQ(key.data()[15], 0xBB);
  std::string grouped = "36 c6 66 39 e4 8a 8c a4 d6 bc 8b 28 2a 79 3b bb";
  p1::Aes128Key same;
  ASSERT_EQ(p1::Aes128Key::parse(p1::Span<const char>(grouped.data(), grouped.size()), same),
            p1::KeyParseError::kNone);
  EXPECT_EQ(std::memcmp(key.data(), same.data(), 16), 0);
}

TEST(Keys, RejectsWrongLengthAndNonHex) {
  p1::AuthKey key;
  auto parse = [&](const std::string& s) { return p1::AuthKey::parse(p1::Span<const char>(s.data(), s.size()), key); };
  EXPECT_EQ(parse("36C66639E48A8CA4D6BC8B282A793BB"), p1::KeyParseError::kWrongLength);
  EXPECT_EQ(parse("36C66639E48A8CA4D6BC8B282A793BBBB0"), p1::KeyParseError::kWrongLength);
  EXPECT_EQ(parse(""), p1::KeyParseError::kWrongLength);
  EXPECT_EQ(parse("36C66639E48A8CA4D6BC8B282A793BBG"), p1::KeyParseError::kNotHex);
  EXPECT_STREQ(p1::describe(p1::KeyParseError::kWrongLength), "a key is 32 hex digits (16 bytes)");
}

}  // namespace
