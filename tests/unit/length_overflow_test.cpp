// Length arithmetic must not wrap where size_t is 32 bits (the ESP8266):
// scripts/test-m32.sh builds these tests with -m32, where the old sums
// `header + length` wrapped around to small, plausible sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "p1/dlms/axdr.h"
#include "p1/dlms/cipher_apdu.h"
#include "p1/framing/frame_parsers.h"
#include "p1/framing/frame_sync.h"
#include "p1/framing/general_block_transfer.h"
#include "support/evn_fixture.h"

namespace {

using p1test::Bytes;

// DB 08 "SAG" 01 02 03 04 05, then a four-byte A-XDR length near 2^32.
Bytes huge_cipher_header(uint32_t length) {
  Bytes b = {0xDB, 0x08, 'S', 'A', 'G', 1, 2, 3, 4, 5, 0x84};
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(length >> shift));
  b.insert(b.end(), {0x20, 0, 0, 0, 1});
  b.resize(64, 0xAA);
  return b;
}

TEST(LengthOverflow, AnnouncedCipherSizeDoesNotWrap) {
  for (uint32_t length : {0xFFFFFFFFu, 0xFFFFFFF6u, 0xFFFFFFF1u, 0xFFFFFFF0u, 0x80000000u}) {
    Bytes b = huge_cipher_header(length);
    size_t size = p1::announced_cipher_apdu_size(p1::ByteSpan(b.data(), b.size()));
    // 15 header bytes + length: more than any buffer, never a small number.
    EXPECT_GT(size, p1::kMaxFrameBytes) << length;
    EXPECT_GE(size, static_cast<size_t>(length)) << length;
  }
  Bytes normal = huge_cipher_header(0x30);
  EXPECT_EQ(p1::announced_cipher_apdu_size(p1::ByteSpan(normal.data(), normal.size())), 15u + 0x30);
}

TEST(LengthOverflow, BareApduWithHugeLengthIsNotAFrame) {
  for (uint32_t length : {0xFFFFFFF6u, 0xFFFFFFF1u, 0xFFFFFFFFu}) {
    Bytes b = huge_cipher_header(length);
    p1::ParsedFrame f = p1::parse_bare_apdu(p1::ByteSpan(b.data(), b.size()));
    EXPECT_EQ(f.kind, p1::ParsedFrame::Kind::kNotAFrame) << length;
  }
}

TEST(LengthOverflow, CipherApduWithHugeLengthIsTruncated) {
  Bytes b = huge_cipher_header(0xFFFFFFF6u);
  auto parsed = p1::parse_cipher_apdu(p1::MutableByteSpan(b.data(), b.size()));
  EXPECT_EQ(parsed.error(), p1::Error::kTelegramTruncated);
}

TEST(LengthOverflow, HugeLengthInMbusTelegramIsNotTakenAsComplete) {
  // The first M-Bus segment announces an APDU of nearly 4 GiB: the reader
  // must not emit it as complete after 5 bytes.
  Bytes apdu = huge_cipher_header(0xFFFFFFF6u);
  p1::StreamCounters counters;
  auto reader = std::make_unique<p1::FrameSync>(counters);
  Bytes wire = p1enc::mbus_frames(apdu, 245);
  p1::ByteSpan in(wire.data(), wire.size());
  size_t telegrams = 0;
  while (p1::FrameEvent e = reader->push(in)) telegrams += e.kind == p1::FrameEvent::Kind::kTelegram;
  while (p1::FrameEvent e = reader->finish()) telegrams += e.kind == p1::FrameEvent::Kind::kTelegram;
  EXPECT_EQ(telegrams, 0u);
}

TEST(LengthOverflow, BitStringLengthNearTwoToThe32IsTruncated) {
  // bit-string with 0xFFFFFFFA bits: (bits + 7) / 8 wrapped to 0 bytes.
  for (uint32_t bits : {0xFFFFFFFAu, 0xFFFFFFF9u, 0xFFFFFFFFu}) {
    Bytes b = {0x04, 0x84};
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(bits >> shift));
    b.push_back(0xFF);
    p1::AxdrReader reader(p1::ByteSpan(b.data(), b.size()));
    auto token = reader.next();
    EXPECT_EQ(token.error(), p1::Error::kApduTruncated) << bits;
  }
  Bytes ok = {0x04, 0x09, 0xFF, 0x80};
  p1::AxdrReader reader(p1::ByteSpan(ok.data(), ok.size()));
  auto token = reader.next();
  ASSERT_TRUE(token);
  EXPECT_EQ(token->bytes.size(), 2u);
}

TEST(LengthOverflow, OctetStringLengthNearTwoToThe32IsTruncated) {
  Bytes b = {0x09, 0x84, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02};
  p1::AxdrReader reader(p1::ByteSpan(b.data(), b.size()));
  EXPECT_EQ(reader.next().error(), p1::Error::kApduTruncated);
}

TEST(LengthOverflow, GbtBlockWithHugeLengthIsMalformed) {
  Bytes block = {0xE0, 0x80, 0x00, 0x01, 0x00, 0x00, 0x84, 0xFF, 0xFF, 0xFF, 0xF8, 1, 2, 3};
  auto gbt = std::make_unique<p1::GbtAssembler>();
  p1::Error error = p1::Error::kNone;
  EXPECT_EQ(gbt->add(p1::ByteSpan(block.data(), block.size()), error), p1::GbtAssembler::Status::kError);
  EXPECT_EQ(error, p1::Error::kGbtBlockMalformed);
}

}  // namespace
