// The frame reader decides between M-Bus, HDLC and bare APDUs by what the
// stream shows now: a burst of noise that looks like a frame header must not
// silence a bare-APDU meter, and a reconnect forgets the framing. Every
// payload a parser returns lies inside its frame.
#include <gtest/gtest.h>

#include <memory>

#include "p1/framing/crc16.h"
#include "p1/framing/frame_sync.h"
#include "support/evn_fixture.h"

namespace {

using p1::Error;
using p1::FrameEvent;
using p1test::Bytes;

// Energienetze Steiermark style: bare ciphered APDUs, DB 08 "SAG"...
Bytes bare_apdu(uint32_t fc) {
  p1enc::CipherParams params = p1test::cipher_params(fc);
  params.system_title[0] = 'S';
  params.system_title[1] = 'A';
  params.system_title[2] = 'G';
  return p1enc::cipher(p1enc::evn_notification(p1test::evn_values(fc)), params);
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Eleven bytes of line noise that look like an M-Bus long frame header
// (68 L L 68 C A CI STSAP DTSAP) announcing 32 bytes.
const Bytes kNoise = {0x68, 0x20, 0x20, 0x68, 0x53, 0xFF, 0x00, 0x01, 0x67, 0xDB, 0x08};

struct Collected {
  std::vector<Bytes> telegrams;
  std::vector<Error> errors;
};

void drain(p1::FrameSync& reader, p1::ByteSpan in, Collected& c, bool finish) {
  auto handle = [&](const FrameEvent& e) {
    if (e.kind == FrameEvent::Kind::kTelegram) c.telegrams.emplace_back(e.apdu.begin(), e.apdu.end());
    if (e.kind == FrameEvent::Kind::kError) c.errors.push_back(e.error);
  };
  while (FrameEvent e = reader.push(in)) handle(e);
  if (finish) {
    while (FrameEvent e = reader.finish()) handle(e);
  }
}

TEST(FramingRobustness, NoiseLikeAnMbusHeaderDoesNotSilenceBareApdus) {
  Bytes wire = concat({bare_apdu(1), kNoise, bare_apdu(2), bare_apdu(3), bare_apdu(4)});
  // The noise's claimed frame ends inside APDU 2 without a stop byte there.
  ASSERT_NE(wire[bare_apdu(1).size() + 4 + 0x20 + 1], 0x16);
  for (size_t chunk : {size_t(0), size_t(1), size_t(7), size_t(64)}) {
    p1test::KeyedStream s;
    auto outcomes = p1test::run_stream(s.stream, wire, chunk);
    EXPECT_EQ(p1test::count_readings(outcomes), 4u) << chunk;
    EXPECT_EQ(p1test::errors_of(outcomes), std::vector<Error>{Error::kMbusChecksum}) << chunk;
  }
}

TEST(FramingRobustness, BareApduFarAfterFramedFramesIsDecoded) {
  // An M-Bus telegram, then a long silence of noise, then bare APDUs: the
  // framing seen long ago does not decide about them.
  Bytes noise(p1::FrameSync::kFramedWindow + 10, 0x00);
  Bytes wire = concat({p1test::evn_wire(1), noise, bare_apdu(2), bare_apdu(3)});
  p1test::KeyedStream s;
  auto outcomes = p1test::run_stream(s.stream, wire);
  EXPECT_EQ(p1test::count_readings(outcomes), 3u);
  EXPECT_TRUE(p1test::errors_of(outcomes).empty());
}

TEST(FramingRobustness, ResetForgetsTheFraming) {
  p1::StreamCounters counters;
  auto reader = std::make_unique<p1::FrameSync>(counters);
  Collected c;
  Bytes mbus = p1test::evn_wire(1);
  drain(*reader, p1::ByteSpan(mbus.data(), mbus.size()), c, false);
  ASSERT_EQ(c.telegrams.size(), 1u);
  reader->reset();  // the source was reopened: another meter may be there
  Bytes bare = bare_apdu(2);
  drain(*reader, p1::ByteSpan(bare.data(), bare.size()), c, false);
  ASSERT_EQ(c.telegrams.size(), 2u);
  EXPECT_EQ(c.telegrams[1], bare);
}

TEST(FramingRobustness, MeterStreamResetKeepsReplayProtection) {
  p1test::KeyedStream s;
  Bytes mbus = p1test::evn_wire(5);
  auto first = p1test::run_stream(s.stream, mbus);
  ASSERT_EQ(p1test::count_readings(first), 1u);
  s.stream.reset();
  // Reconnected to a bare-APDU line: decoded at once...
  auto second = p1test::run_stream(s.stream, bare_apdu(6));
  EXPECT_EQ(p1test::count_readings(second), 1u);
  s.stream.reset();
  // ...but the frame counter is remembered across reconnects.
  auto replay = p1test::run_stream(s.stream, mbus);
  EXPECT_EQ(p1test::errors_of(replay), std::vector<Error>{Error::kReplayedTelegram});
}

// A ciphered KSM-West notification small enough for one M-Bus frame.
Bytes small_apdu(uint32_t fc) {
  p1enc::DateTime t;
  std::vector<p1enc::Register> regs = {{{1, 0, 32, 7, 0, 255}, 0x12, 2292, -1, 35},
                                       {{1, 0, 1, 8, 0, 255}, 0x06, 1327456, 0, 30}};
  return p1enc::cipher(p1enc::ksm_west_notification(t, regs, "1KFM0200234804", "KFM1200200234804", fc),
                       p1test::cipher_params(fc));
}

TEST(FramingRobustness, DamagedFrameAtStreamStartDoesNotLeakItsApdu) {
  // No good frame yet, so bare APDUs are looked for; but the APDU inside a
  // damaged frame is not one of them: its check failed, and without a tag
  // damage inside the APDU would go unnoticed. Here only the check bytes are
  // damaged, so a leaked APDU would decode to a reading.
  Bytes mbus = p1enc::mbus_frames(small_apdu(1));
  ASSERT_LT(small_apdu(1).size(), 200u);
  Bytes hdlc = p1enc::hdlc_frames(small_apdu(2));
  std::vector<Bytes> damaged(3);
  damaged[0] = mbus;
  damaged[0][mbus.size() - 2] ^= 0x01;  // checksum (the stop byte holds: a real frame)
  damaged[1] = damaged[0];
  damaged[1][mbus.size() - 1] = 0x00;   // and the stop byte: it could be noise
  damaged[2] = hdlc;
  damaged[2][hdlc.size() - 2] ^= 0x01;  // FCS (the header check holds)
  for (const Bytes& intact : {mbus, hdlc}) {
    p1test::KeyedStream s;
    ASSERT_EQ(p1test::count_readings(p1test::run_stream(s.stream, intact)), 1u);
  }
  for (size_t i = 0; i < damaged.size(); ++i) {
    p1test::KeyedStream s;
    auto outcomes = p1test::run_stream(s.stream, concat({damaged[i], p1test::evn_wire(9)}));
    ASSERT_EQ(p1test::count_readings(outcomes), 1u) << i;
    EXPECT_EQ(s.stream.reading().frame_counter, 9u) << i;
  }
}

// ---- Every payload inside its frame -------------------------------------

void expect_payload_inside(const p1::ParsedFrame& f, p1::ByteSpan buffered) {
  if (f.kind != p1::ParsedFrame::Kind::kFrame && f.kind != p1::ParsedFrame::Kind::kBroken) return;
  ASSERT_LE(f.length, buffered.size());
  if (f.payload.empty()) return;
  EXPECT_GE(f.payload.data(), buffered.data());
  EXPECT_LE(f.payload.data() + f.payload.size(), buffered.data() + f.length);
}

TEST(FramingRobustness, HdlcControlByteAtTheFcsPositionIsNotAFrame) {
  // 7E A0 07: seven bytes from the format field to the FCS. A two-byte
  // destination and a one-byte source put the control byte where the FCS
  // starts; the old parser then returned a payload running past the frame
  // (fcs_at - info underflowed).
  Bytes b = {0x7E, 0xA0, 0x07, 0x02, 0x03, 0x05};
  uint16_t fcs = p1::crc16_x25(p1::ByteSpan(b.data() + 1, 5));
  b.push_back(static_cast<uint8_t>(fcs));
  b.push_back(static_cast<uint8_t>(fcs >> 8));
  b.push_back(0x7E);
  for (int i = 0; i < 40; ++i) b.push_back(static_cast<uint8_t>(i));  // whatever follows on the line
  p1::ByteSpan view(b.data(), b.size());
  p1::ParsedFrame f = p1::parse_hdlc_frame(view);
  expect_payload_inside(f, view);
  EXPECT_EQ(f.kind, p1::ParsedFrame::Kind::kNotAFrame);

  // On the stream: no telegram made of the bytes after it.
  p1::StreamCounters counters;
  auto reader = std::make_unique<p1::FrameSync>(counters);
  Collected c;
  drain(*reader, view, c, true);
  EXPECT_TRUE(c.telegrams.empty());
}

TEST(FramingRobustness, ParsersKeepPayloadsInsideTheirFrames) {
  // Every frame of every framing, and every prefix and damaged variant of it.
  std::vector<Bytes> frames = {p1test::evn_wire(1), p1enc::hdlc_frames(bare_apdu(2)), bare_apdu(3),
                               p1enc::hdlc_gbt_frames(bare_apdu(4), 64), p1enc::evn_notification(p1test::evn_values(5))};
  for (const Bytes& whole : frames) {
    for (size_t cut = 1; cut <= whole.size(); ++cut) {
      for (int flip = -1; flip < 4; ++flip) {
        Bytes b(whole.begin(), whole.begin() + static_cast<long>(cut));
        if (flip >= 0 && static_cast<size_t>(flip + 1) < b.size()) b[static_cast<size_t>(flip + 1)] ^= 0x5A;
        p1::ByteSpan view(b.data(), b.size());
        expect_payload_inside(p1::parse_mbus_frame(view), view);
        expect_payload_inside(p1::parse_hdlc_frame(view), view);
        expect_payload_inside(p1::parse_bare_apdu(view), view);
      }
    }
  }
}

}  // namespace
