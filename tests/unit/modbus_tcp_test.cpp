// The device's Modbus TCP server (core/p1/output/modbus_tcp.h): golden frames
// of the answers the Linux program's libmodbus server gives for the same
// requests, every exception, and the framing of a TCP stream in any chunking.
#include "p1/output/modbus_tcp.h"
#include "telegram_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "p1/output/sunspec_meter.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct Meter {
  uint16_t image[p1::kSunSpecRegisterCount];
  Meter() {
    p1::SunSpecIdentity id;
    id.serial = "181220000009";
    id.version = "0.1.0";
    EXPECT_TRUE(p1::build_sunspec_meter(p1::GridValues(), id, p1::Span<uint16_t>(image)));
  }
  p1::Span<const uint16_t> span() const { return p1::Span<const uint16_t>(image, p1::kSunSpecRegisterCount); }
};

struct Served {
  std::vector<Bytes> answers;
  p1::ModbusTcpError error = p1::ModbusTcpError::kNone;
};

// Feeds `stream` in chunks of `chunk` bytes (0: all at once) through one
// framer and answers every request as a server with unit id 1 does.
Served serve(const Bytes& stream, size_t chunk = 0, uint8_t unit_id = 1) {
  static const Meter meter;
  Served served;
  p1::ModbusTcpFramer framer;
  size_t step = chunk == 0 ? stream.size() : chunk;
  for (size_t at = 0; at < stream.size() && served.error == p1::ModbusTcpError::kNone; at += step) {
    p1::ByteSpan bytes(stream.data() + at, std::min(step, stream.size() - at));
    while (!bytes.empty()) {
      p1::ModbusTcpRequest request;
      p1::ModbusTcpFeed fed = framer.feed(bytes, request);
      EXPECT_LE(fed.consumed, bytes.size());
      bytes = bytes.subspan(fed.consumed);
      if (fed.error != p1::ModbusTcpError::kNone) {
        served.error = fed.error;
        break;
      }
      if (!fed.complete) {
        EXPECT_TRUE(bytes.empty());
        continue;
      }
      uint8_t out[p1::kModbusTcpMaxAdu];
      p1::ModbusTcpAnswer a =
          p1::modbus_tcp_answer(request, meter.span(), p1::kSunSpecBaseRegister, unit_id, p1::MutableByteSpan(out));
      served.answers.emplace_back(out, out + a.length);
    }
  }
  return served;
}

// The first answer, or none (a failure, not a crash, when a request was not answered).
Bytes first(const Served& served) { return served.answers.empty() ? Bytes() : served.answers[0]; }

// Frames written as spaced hex (the encoder's reader skips the spaces).
Bytes hex(const std::string& text) { return p1enc::from_hex(text); }

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Transaction 0x0001, unit 1, read holding registers 40000-40001: "SunS".
const std::string kReadMarker = "0001 0000 0006 01 03 9C40 0002";
const std::string kMarker = "0001 0000 0007 01 03 04 5375 6E53";

TEST(ModbusTcp, ReadsTheSunSpecMarker) {
  Served s = serve(hex(kReadMarker));
  ASSERT_EQ(s.answers.size(), 1u);
  EXPECT_EQ(s.answers[0], hex(kMarker));
  EXPECT_EQ(s.error, p1::ModbusTcpError::kNone);
}

TEST(ModbusTcp, InputRegistersServeTheSameImage) {
  Served s = serve(hex("BEEF 0000 0006 01 04 9C40 0004"));
  ASSERT_EQ(s.answers.size(), 1u);
  EXPECT_EQ(s.answers[0], hex("BEEF 0000 000B 01 04 08 5375 6E53 0001 0041"));
}

TEST(ModbusTcp, ModelHeadersAndEndModel) {
  Served s = serve(hex("0002 0000 0006 01 03 9C85 0002") + hex("0003 0000 0006 01 03 9D03 0002"));
  ASSERT_EQ(s.answers.size(), 2u);
  EXPECT_EQ(s.answers[0], hex("0002 0000 0007 01 03 04 00D5 007C"));  // 40069: 213, 124
  EXPECT_EQ(s.answers[1], hex("0003 0000 0007 01 03 04 FFFF 0000"));  // 40195: end model
}

TEST(ModbusTcp, LastRegisterReadableAndOnePastItRefused) {
  // 40000 + 197 registers: 40196 is the last.
  Served last = serve(hex("0004 0000 0006 01 03 9D04 0001"));
  ASSERT_EQ(last.answers.size(), 1u);
  EXPECT_EQ(last.answers[0], hex("0004 0000 0005 01 03 02 0000"));
  EXPECT_EQ(first(serve(hex("0005 0000 0006 01 03 9D05 0001"))), hex("0005 0000 0003 01 83 02"));
  // A range that starts inside and runs one past the end.
  EXPECT_EQ(first(serve(hex("0006 0000 0006 01 03 9D04 0002"))), hex("0006 0000 0003 01 83 02"));
  // One below the first register.
  EXPECT_EQ(first(serve(hex("0007 0000 0006 01 04 9C3F 0002"))), hex("0007 0000 0003 01 84 02"));
  // The whole image in two reads of at most 125.
  Served whole = serve(hex("0008 0000 0006 01 03 9C40 007D") + hex("0009 0000 0006 01 03 9CBD 0048"));
  ASSERT_EQ(whole.answers.size(), 2u);
  EXPECT_EQ(whole.answers[0].size(), 9u + 250u);
  EXPECT_EQ(whole.answers[0][8], 250);
  EXPECT_EQ(whole.answers[1].size(), 9u + 144u);
}

TEST(ModbusTcp, EveryExceptionWithItsBytes) {
  // Quantity 0 and 126: illegal data value, before the address is looked at.
  EXPECT_EQ(first(serve(hex("0010 0000 0006 01 03 9C40 0000"))), hex("0010 0000 0003 01 83 03"));
  EXPECT_EQ(first(serve(hex("0011 0000 0006 01 03 9C40 007E"))), hex("0011 0000 0003 01 83 03"));
  EXPECT_EQ(first(serve(hex("0012 0000 0006 01 04 0000 0000"))), hex("0012 0000 0003 01 84 03"));
  // Outside the image: illegal data address.
  EXPECT_EQ(first(serve(hex("0013 0000 0006 01 03 0000 0001"))), hex("0013 0000 0003 01 83 02"));
  EXPECT_EQ(first(serve(hex("0014 0000 0006 01 03 FFFF 007D"))), hex("0014 0000 0003 01 83 02"));
  // Any other function: illegal function (a write single register, read
  // coils, report slave id without data).
  EXPECT_EQ(first(serve(hex("0015 0000 0006 01 06 9CA2 0007"))), hex("0015 0000 0003 01 86 01"));
  EXPECT_EQ(first(serve(hex("0016 0000 0006 01 01 0000 0001"))), hex("0016 0000 0003 01 81 01"));
  EXPECT_EQ(first(serve(hex("0017 0000 0002 01 11"))), hex("0017 0000 0003 01 91 01"));
}

TEST(ModbusTcp, AnotherUnitIdIsAGatewayTargetThatDoesNotAnswer) {
  // Whatever the function: the unit is checked first, and echoed.
  EXPECT_EQ(first(serve(hex("0020 0000 0006 02 03 9C40 0002"))), hex("0020 0000 0003 02 83 0B"));
  EXPECT_EQ(first(serve(hex("0021 0000 0006 00 03 9C40 0002"))), hex("0021 0000 0003 00 83 0B"));
  EXPECT_EQ(first(serve(hex("0022 0000 0006 FF 06 9CA2 0007"))), hex("0022 0000 0003 FF 86 0B"));
  EXPECT_EQ(first(serve(hex("0023 0000 0006 01 03 9C40 0000"))), hex("0023 0000 0003 01 83 03"));
  // A server configured with unit 7 answers 7 and refuses 1.
  EXPECT_EQ(first(serve(hex("0024 0000 0006 07 03 9C40 0002"), 0, 7)), hex("0024 0000 0007 07 03 04 5375 6E53"));
  EXPECT_EQ(first(serve(hex("0025 0000 0006 01 03 9C40 0002"), 0, 7)), hex("0025 0000 0003 01 83 0B"));
}

TEST(ModbusTcp, ByteByByteDeliveryGivesTheSameAnswers) {
  Bytes stream = hex(kReadMarker) + hex("0002 0000 0006 01 03 9C85 0002") + hex("0003 0000 0006 02 03 9C40 0001");
  Served whole = serve(stream);
  ASSERT_EQ(whole.answers.size(), 3u);
  for (size_t chunk : {1, 2, 3, 5, 7, 11, 13}) {
    Served s = serve(stream, chunk);
    EXPECT_EQ(s.answers, whole.answers) << "chunk " << chunk;
    EXPECT_EQ(s.error, p1::ModbusTcpError::kNone);
  }
}

TEST(ModbusTcp, FramerReturnsAtTheEndOfEachPipelinedRequest) {
  Bytes two = hex(kReadMarker) + hex("0002 0000 0006 01 03 9C85 0002");
  p1::ModbusTcpFramer framer;
  p1::ModbusTcpRequest request;
  p1::ModbusTcpFeed fed = framer.feed(p1::ByteSpan(two.data(), two.size()), request);
  EXPECT_TRUE(fed.complete);
  EXPECT_EQ(fed.consumed, 12u);
  EXPECT_EQ(request.transaction, 1);
  EXPECT_EQ(request.function, 3);
  EXPECT_EQ(framer.pending(), 0);
  fed = framer.feed(p1::ByteSpan(two.data() + 12, 5), request);
  EXPECT_FALSE(fed.complete);
  EXPECT_EQ(fed.consumed, 5u);
  EXPECT_EQ(framer.pending(), 5);
  fed = framer.feed(p1::ByteSpan(two.data() + 17, 7), request);
  EXPECT_TRUE(fed.complete);
  EXPECT_EQ(request.transaction, 2);
  EXPECT_EQ(request.data_length, 4);
  EXPECT_EQ(request.data[1], 0x85);
  // Its state: a connection costs a few bytes, not a frame buffer.
  EXPECT_LE(sizeof(p1::ModbusTcpFramer), 16u);
}

TEST(ModbusTcp, WriteRequestIsSkippedAndRefusedAndTheNextStillParses) {
  // Write multiple registers: 10 registers from 40098, 20 bytes of values
  // (25 data bytes after the function code; MBAP length 27).
  Bytes write = hex("0030 0000 001B 01 10 9CA2 000A 14") + Bytes(20, 0xAB);
  ASSERT_EQ(write.size(), 7u + 1 + 25);
  Bytes stream = write + hex(kReadMarker);
  for (size_t chunk : {0, 1, 4}) {
    Served s = serve(stream, chunk);
    ASSERT_EQ(s.answers.size(), 2u) << chunk;
    EXPECT_EQ(s.answers[0], hex("0030 0000 0003 01 90 01"));
    EXPECT_EQ(s.answers[1], hex(kMarker));
    EXPECT_EQ(s.error, p1::ModbusTcpError::kNone);
  }
  // The longest request a header allows, skipped alike.
  Bytes longest = hex("0031 0000 00FE 01 17") + Bytes(252, 0x5A);
  Served s = serve(longest + hex(kReadMarker), 3);
  ASSERT_EQ(s.answers.size(), 2u);
  EXPECT_EQ(s.answers[0], hex("0031 0000 0003 01 97 01"));
  EXPECT_EQ(s.answers[1], hex(kMarker));
  // A read with more bytes than it needs: answered from the first four.
  Served longer = serve(hex("0032 0000 0008 01 03 9C40 0002 1234") + hex(kReadMarker));
  ASSERT_EQ(longer.answers.size(), 2u);
  EXPECT_EQ(longer.answers[0], hex("0032 0000 0007 01 03 04 5375 6E53"));
}

TEST(ModbusTcp, ProtocolIdOtherThanZeroIsRefused) {
  for (const char* frame : {"0001 0001 0006 01 03 9C40 0002", "0001 0100 0006 01 03 9C40 0002", "0001 FFFF"}) {
    for (size_t chunk : {0, 1}) {
      Served s = serve(hex(frame), chunk);
      EXPECT_EQ(s.error, p1::ModbusTcpError::kProtocolId) << frame;
      EXPECT_TRUE(s.answers.empty());
    }
  }
  EXPECT_STREQ(p1::describe(p1::ModbusTcpError::kProtocolId),
               "Modbus TCP header with a protocol id other than 0: not Modbus");
  // A good request first is answered; the connection ends at the bad header.
  Served s = serve(hex(kReadMarker) + hex("0002 0005 0006 01 03 9C40 0002") + hex(kReadMarker));
  EXPECT_EQ(s.answers.size(), 1u);
  EXPECT_EQ(s.error, p1::ModbusTcpError::kProtocolId);
}

TEST(ModbusTcp, LengthsOutsideTwoTo254AreRefused) {
  for (const char* frame :
       {"0001 0000 0000", "0001 0000 0001 01", "0001 0000 00FF 01 03", "0001 0000 0100", "0001 0000 FFFF"}) {
    Served s = serve(hex(frame), 1);
    EXPECT_EQ(s.error, p1::ModbusTcpError::kBadLength) << frame;
    EXPECT_TRUE(s.answers.empty());
  }
  EXPECT_STREQ(p1::describe(p1::ModbusTcpError::kBadLength), "Modbus TCP header with a length outside 2..254");
  // 2 and 254 are the bounds that are accepted.
  EXPECT_EQ(serve(hex("0001 0000 0002 01 2B")).answers.size(), 1u);
  EXPECT_EQ(serve(hex("0001 0000 00FE 01 10") + Bytes(252, 0)).answers.size(), 1u);
}

TEST(ModbusTcp, ReadWithoutAddressAndQuantityClosesTheConnection) {
  // libmodbus waits for the 4 bytes and drops the client when they do not
  // come (its byte timeout); the core knows from the length at once.
  for (const char* frame : {"0001 0000 0002 01 03", "0001 0000 0004 01 03 9C40", "0001 0000 0005 01 04 9C40 00"}) {
    Served s = serve(hex(frame) + hex(kReadMarker));
    EXPECT_EQ(s.error, p1::ModbusTcpError::kShortRequest) << frame;
    EXPECT_TRUE(s.answers.empty());
  }
  EXPECT_STREQ(p1::describe(p1::ModbusTcpError::kShortRequest), "Modbus read request without its address and quantity");
  // Other functions are refused whatever their length (libmodbus answers
  // them once it has the bytes it expects of them).
  EXPECT_EQ(first(serve(hex("0001 0000 0003 01 06 9C"))), hex("0001 0000 0003 01 86 01"));
}

TEST(ModbusTcp, FramerKeepsItsErrorUntilReset) {
  p1::ModbusTcpFramer framer;
  p1::ModbusTcpRequest request;
  Bytes bad = hex("0001 0002");
  EXPECT_EQ(framer.feed(p1::ByteSpan(bad.data(), bad.size()), request).error, p1::ModbusTcpError::kProtocolId);
  Bytes good = hex(kReadMarker);
  p1::ModbusTcpFeed fed = framer.feed(p1::ByteSpan(good.data(), good.size()), request);
  EXPECT_EQ(fed.error, p1::ModbusTcpError::kProtocolId);
  EXPECT_EQ(fed.consumed, 0u);
  framer.reset();
  fed = framer.feed(p1::ByteSpan(good.data(), good.size()), request);
  EXPECT_EQ(fed.error, p1::ModbusTcpError::kNone);
  EXPECT_TRUE(fed.complete);
}

TEST(ModbusTcp, AnswerNeedsRoomAndNeverOverrunsIt) {
  static const Meter meter;
  p1::ModbusTcpRequest request;
  request.transaction = 9;
  request.unit = 1;
  request.function = 3;
  const uint8_t data[] = {0x9C, 0x40, 0x00, 0x7D};
  for (size_t i = 0; i < 4; ++i) request.data[i] = data[i];
  request.data_length = 4;
  uint8_t out[p1::kModbusTcpMaxAdu + 1];
  out[259] = 0xEE;
  p1::ModbusTcpAnswer a =
      p1::modbus_tcp_answer(request, meter.span(), p1::kSunSpecBaseRegister, 1, p1::MutableByteSpan(out, 258));
  EXPECT_EQ(a.length, 0u);
  EXPECT_EQ(out[259], 0xEE);
  a = p1::modbus_tcp_answer(request, meter.span(), p1::kSunSpecBaseRegister, 1, p1::MutableByteSpan(out, 259));
  EXPECT_EQ(a.length, 259u);
  EXPECT_EQ(a.exception, 0);
  request.function = 0x10;
  a = p1::modbus_tcp_answer(request, meter.span(), p1::kSunSpecBaseRegister, 1, p1::MutableByteSpan(out, 8));
  EXPECT_EQ(a.length, 0u);
  EXPECT_EQ(a.exception, p1::modbus::kIllegalFunction);
}

}  // namespace
