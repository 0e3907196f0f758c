// The frame reader on M-Bus streams: framing, checksums, resynchronisation
// and reassembly, independent of decryption.
#include <gtest/gtest.h>

#include <memory>

#include "p1/framing/frame_sync.h"
#include "support/evn_fixture.h"

namespace {

using p1::Error;
using p1::FrameEvent;
using p1test::Bytes;

struct Collected {
  std::vector<Bytes> telegrams;
  std::vector<std::pair<Error, uint32_t>> errors;
};

Collected read_all(const Bytes& input, p1::StreamCounters& counters) {
  auto reader_ptr = std::make_unique<p1::FrameSync>(counters);
  p1::FrameSync& reader = *reader_ptr;
  Collected c;
  p1::ByteSpan in(input.data(), input.size());
  auto handle = [&](const FrameEvent& e) {
    if (e.kind == FrameEvent::Kind::kTelegram) c.telegrams.emplace_back(e.apdu.begin(), e.apdu.end());
    if (e.kind == FrameEvent::Kind::kError) c.errors.emplace_back(e.error, e.frame);
  };
  while (FrameEvent e = reader.push(in)) handle(e);
  while (FrameEvent e = reader.finish()) handle(e);
  return c;
}

Bytes apdu_of(uint32_t n) {
  return p1enc::cipher(p1enc::evn_notification(p1test::evn_values(n)), p1test::cipher_params(n));
}

TEST(FrameSyncMbus, ReassemblesTwoFrameTelegram) {
  p1::StreamCounters counters;
  auto c = read_all(p1test::evn_wire(1), counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu_of(1));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(counters.frames, 2u);
  EXPECT_EQ(counters.telegrams, 1u);
  EXPECT_EQ(counters.skipped_bytes, 0u);
}

TEST(FrameSyncMbus, ReassemblesManySmallFrames) {
  p1::StreamCounters counters;
  Bytes wire = p1enc::mbus_frames(apdu_of(2), 40);  // 7 frames, CI 00 01 .. 16
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu_of(2));
  EXPECT_EQ(counters.frames, 7u);
}

TEST(FrameSyncMbus, MiddleSegmentMarkedWithCi10IsNotTheEnd) {
  // Some meters send CI 0x10 on a middle segment; the APDU length decides.
  Bytes apdu = apdu_of(3);
  Bytes wire = p1enc::mbus_frames(apdu, 100);  // 3 frames: CI 00, 01, 12
  // Rewrite the middle frame's CI to 0x10 and fix its checksum.
  size_t second = 4 + wire[1] + 2;
  wire[second + 6] = 0x10;
  uint8_t sum = 0;
  for (size_t i = second + 4; i < second + 4 + wire[second + 1]; ++i) sum = static_cast<uint8_t>(sum + wire[i]);
  wire[second + 4 + wire[second + 1]] = sum;
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu);
}

TEST(FrameSyncMbus, SkipsGarbageBetweenTelegrams) {
  Bytes wire = {0x00, 0x68, 0x16, 0xE5, 0x68, 0x05, 0x06, 0x68, 0xFF};  // noise, false starts
  Bytes t1 = p1test::evn_wire(1), t2 = p1test::evn_wire(2);
  wire.insert(wire.end(), t1.begin(), t1.end());
  wire.insert(wire.end(), {0x10, 0x5B, 0xFE, 0x59, 0x16, 0x68});  // a short frame and a stray start byte
  wire.insert(wire.end(), t2.begin(), t2.end());
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 2u);
  EXPECT_EQ(c.telegrams[0], apdu_of(1));
  EXPECT_EQ(c.telegrams[1], apdu_of(2));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_GT(counters.skipped_bytes, 0u);
}

TEST(FrameSyncMbus, ChecksumErrorReportsFrameAndKeepsNextTelegram) {
  Bytes t1 = p1test::evn_wire(1), t2 = p1test::evn_wire(2);
  t1[100] ^= 0x40;  // damaged ciphertext byte in frame 1
  Bytes wire = t1;
  wire.insert(wire.end(), t2.begin(), t2.end());
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu_of(2));
  ASSERT_GE(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kMbusChecksum);
  EXPECT_EQ(c.errors[0].second, 1u);
  EXPECT_EQ(counters.checksum_errors, 1u);
}

TEST(FrameSyncMbus, DroppedBytesDoNotSwallowTheNextTelegram) {
  // Bytes lost inside frame 1: its announced length then reaches into the
  // next telegram. The reader must rescan what it buffered.
  Bytes t1 = p1test::evn_wire(1), t2 = p1test::evn_wire(2), t3 = p1test::evn_wire(3);
  t1.erase(t1.begin() + 50, t1.begin() + 90);
  Bytes wire = t1;
  wire.insert(wire.end(), t2.begin(), t2.end());
  wire.insert(wire.end(), t3.begin(), t3.end());
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 2u);
  EXPECT_EQ(c.telegrams[0], apdu_of(2));
  EXPECT_EQ(c.telegrams[1], apdu_of(3));
  EXPECT_FALSE(c.errors.empty());
}

TEST(FrameSyncMbus, MissingStopByte) {
  Bytes wire = p1test::evn_wire(1);
  size_t stop = 4 + wire[1] + 1;
  wire[stop] = 0x00;
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  EXPECT_TRUE(c.telegrams.empty());
  ASSERT_FALSE(c.errors.empty());
  EXPECT_EQ(c.errors[0].first, Error::kMbusStopByte);
}

TEST(FrameSyncMbus, ContinuationWithoutFirstFrame) {
  Bytes wire = p1test::evn_wire(1);
  size_t second = 4 + wire[1] + 2;
  Bytes tail(wire.begin() + static_cast<long>(second), wire.end());
  p1::StreamCounters counters;
  auto c = read_all(tail, counters);
  EXPECT_TRUE(c.telegrams.empty());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kSegmentWithoutStart);
}

TEST(FrameSyncMbus, FirstFrameOnlyThenNewTelegramReportsTruncation) {
  Bytes t1 = p1test::evn_wire(1), t2 = p1test::evn_wire(2);
  size_t second = 4 + t1[1] + 2;
  Bytes wire(t1.begin(), t1.begin() + static_cast<long>(second));
  wire.insert(wire.end(), t2.begin(), t2.end());
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu_of(2));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kTelegramTruncated);
}

TEST(FrameSyncMbus, InputEndingMidFrameIsTruncated) {
  Bytes wire = p1test::evn_wire(1);
  wire.resize(wire.size() - 10);
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  EXPECT_TRUE(c.telegrams.empty());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kFrameTruncated);
}

TEST(FrameSyncMbus, InputEndingBetweenFramesIsTruncatedTelegram) {
  Bytes wire = p1test::evn_wire(1);
  wire.resize(4 + wire[1] + 2);
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kTelegramTruncated);
}

TEST(FrameSyncMbus, LastFrameShortOfAnnouncedLengthIsTruncated) {
  Bytes apdu = apdu_of(1);
  apdu.resize(apdu.size() - 5);  // length field now promises more than sent
  p1::StreamCounters counters;
  auto c = read_all(p1enc::mbus_frames(apdu), counters);
  EXPECT_TRUE(c.telegrams.empty());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, Error::kTelegramTruncated);
}

TEST(FrameSyncMbus, OversizeTelegramIsRejectedAndReaderRecovers) {
  Bytes big(p1::kMaxTelegram + 300, 0xAA);
  big[0] = 0x0F;  // not a ciphered APDU: only the CI FIN bit ends it
  Bytes wire = p1enc::mbus_frames(big, 245);
  Bytes good = p1test::evn_wire(5);
  wire.insert(wire.end(), good.begin(), good.end());
  p1::StreamCounters counters;
  auto c = read_all(wire, counters);
  ASSERT_EQ(c.telegrams.size(), 1u);
  EXPECT_EQ(c.telegrams[0], apdu_of(5));
  ASSERT_FALSE(c.errors.empty());
  EXPECT_EQ(c.errors[0].first, Error::kTelegramTooLarge);
}

}  // namespace
