// Byte-at-a-time and random-chunk feeding give exactly the whole-buffer result.
#include <gtest/gtest.h>

#include "support/evn_fixture.h"

namespace {

using p1test::Bytes;

Bytes mixed_stream() {
  Bytes wire;
  for (uint32_t n = 1; n <= 6; ++n) {
    Bytes t = p1test::evn_wire(n);
    if (n == 3) t[40] ^= 1;                          // checksum error
    if (n == 5) wire.insert(wire.end(), {0x68, 0x00, 0x12, 0x99});  // garbage
    wire.insert(wire.end(), t.begin(), t.end());
  }
  nlohmann::json evn = p1test::load_telegram("at-netznoe-kaifa-ma309-docsample");
  Bytes real = p1enc::from_hex(evn["hex"]);
  wire.insert(wire.end(), real.begin(), real.end());
  return wire;
}

std::string summary(const std::vector<p1test::Outcome>& outcomes) {
  std::string s;
  for (const auto& o : outcomes) {
    s += o.event.kind == p1::StreamEvent::Kind::kReading ? o.json : std::string("E") + p1::describe(o.event.error);
    s += "|" + std::to_string(o.event.frame) + "/" + std::to_string(o.event.telegram) + "\n";
  }
  return s;
}

TEST(Chunking, ByteAtATimeEqualsWholeBuffer) {
  Bytes wire = mixed_stream();
  p1test::KeyedStream whole, bytewise;
  auto a = p1test::run_stream(whole.stream, wire);
  auto b = p1test::run_stream(bytewise.stream, wire, 1);
  EXPECT_EQ(p1test::count_readings(a), 6u);  // 5 good self-made + the real one (the damaged one is lost)
  EXPECT_EQ(summary(a), summary(b));
}

TEST(Chunking, RandomChunksEqualWholeBuffer) {
  Bytes wire = mixed_stream();
  p1test::KeyedStream whole;
  std::string expected = summary(p1test::run_stream(whole.stream, wire));
  for (unsigned seed = 1; seed <= 20; ++seed) {
    p1test::KeyedStream chunked;
    EXPECT_EQ(summary(p1test::run_stream_random_chunks(chunked.stream, wire, seed)), expected) << seed;
  }
}

TEST(Chunking, CountersAgreeAcrossChunkings) {
  Bytes wire = mixed_stream();
  p1test::KeyedStream a, b;
  p1test::run_stream(a.stream, wire);
  p1test::run_stream(b.stream, wire, 1);
  const auto& ca = a.stream.counters();
  const auto& cb = b.stream.counters();
  EXPECT_EQ(ca.bytes, wire.size());
  EXPECT_EQ(ca.bytes, cb.bytes);
  EXPECT_EQ(ca.frames, cb.frames);
  EXPECT_EQ(ca.checksum_errors, 1u);
  EXPECT_EQ(ca.checksum_errors, cb.checksum_errors);
  EXPECT_EQ(ca.readings, 6u);
  EXPECT_EQ(ca.readings, cb.readings);
}

}  // namespace
