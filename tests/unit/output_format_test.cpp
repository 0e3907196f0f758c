#include <gtest/gtest.h>

#include <map>
#include <string>

#include "p1/output/output_format.h"
#include "support/evn_fixture.h"

namespace {

p1::Reading evn_reading() {
  static p1test::Bytes apdu;
  apdu = p1enc::evn_notification(p1test::evn_values(1));
  p1::StreamCounters counters;
  p1::TelegramDecoder decoder(nullptr, counters);
  p1::Reading reading;
  EXPECT_EQ(decoder.decode(p1::MutableByteSpan(apdu.data(), apdu.size()), reading), p1::Error::kNone);
  return reading;
}

TEST(OutputFormat, TopicValuesInGatewayOrder) {
  p1::Reading reading = evn_reading();
  p1::TopicValues topics(reading);
  const char* field = nullptr;
  char value[64];
  size_t length = 0;
  std::vector<std::string> lines;
  while (topics.next(field, p1::CharSpan(value, sizeof value), length)) {
    lines.push_back(std::string(field) + "=" + std::string(value, length));
  }
  ASSERT_EQ(lines.size(), 13u);
  EXPECT_EQ(lines[0], "meternumber=181220000009");
  EXPECT_EQ(lines[1], "timestamp=2024-01-01T01:00:00+01:00");
  EXPECT_EQ(lines[2], "w_p=1000007");
  EXPECT_EQ(lines[6], "u1=230.1");
  EXPECT_EQ(lines[9], "i1=1.51");
  EXPECT_EQ(lines[12], "phi=1.000");
  EXPECT_FALSE(topics.overflow());
}

TEST(OutputFormat, RawIsHexOfPlaintext) {
  p1::Reading reading = evn_reading();
  char out[1024];
  auto n = p1::format_raw_hex(reading, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(out, *n), p1enc::to_hex(p1enc::evn_notification(p1test::evn_values(1))));
  EXPECT_EQ(p1::format_raw_hex(reading, p1::CharSpan(out, 10)).error(), p1::Error::kOutputTooSmall);
}

TEST(OutputFormat, JsonReportsOverflowAtEveryBufferSize) {
  p1::Reading reading = evn_reading();
  char full[2048];
  auto n = p1::format_json(reading, p1::CharSpan(full, sizeof full));
  ASSERT_TRUE(n);
  EXPECT_TRUE(nlohmann::json::accept(std::string(full, *n)));
  for (size_t size = 0; size < *n; ++size) {
    std::vector<char> small(size);
    EXPECT_EQ(p1::format_json(reading, p1::CharSpan(small.data(), size)).error(), p1::Error::kOutputTooSmall) << size;
  }
}

TEST(OutputFormat, StringsAreEscapedOrHex) {
  p1::Reading reading;
  p1::ReadingValue quoted;
  quoted.obis = p1::obis::kMeterNumber;
  quoted.kind = p1::ReadingValue::Kind::kText;
  static const uint8_t text[] = {'a', '"', 'b', '\\'};
  quoted.text = p1::ByteSpan(text, sizeof text);
  reading.add(quoted);
  p1::ReadingValue binary;
  binary.obis = p1::obis::kDeviceName;
  binary.kind = p1::ReadingValue::Kind::kText;
  static const uint8_t bytes[] = {0x00, 0xFF, 0x10};
  binary.text = p1::ByteSpan(bytes, sizeof bytes);
  reading.add(binary);
  char out[512];
  auto n = p1::format_json(reading, p1::CharSpan(out, sizeof out));
  ASSERT_TRUE(n);
  auto j = nlohmann::json::parse(std::string(out, *n));
  EXPECT_EQ(j["meternumber"], "a\"b\\");
  EXPECT_EQ(j["obis"]["0.0.42.0.0.255"], "00FF10");
  EXPECT_FALSE(j.contains("timestamp"));
}

TEST(OutputFormat, ObisDottedForm) {
  char out[p1::Obis::kDottedMax];
  auto o = p1::Obis::of(255, 255, 255, 255, 255, 255);
  EXPECT_EQ(std::string(out, o.to_dotted(out)), "255.255.255.255.255.255");
  auto z = p1::Obis::of(1, 0, 32, 7, 0, 255);
  EXPECT_EQ(std::string(out, z.to_dotted(out)), "1.0.32.7.0.255");
}

}  // namespace

// Kamstrup numbers its registers 1-1:1.8.0: the same gateway fields in every
// output, from the one mapping (the topics once used an exact lookup).
TEST(OutputFormat, ChannelOneRegistersReachEveryOutput) {
  p1::Reading reading;
  p1::ReadingValue energy;
  energy.obis = p1::Obis::of(1, 1, 1, 8, 0);
  energy.magnitude = 42;
  energy.unit = 30;
  ASSERT_EQ(reading.add(energy), p1::Error::kNone);
  p1::ReadingValue voltage;
  voltage.obis = p1::Obis::of(1, 1, 32, 7, 0);
  voltage.magnitude = 2291;
  voltage.scaler = -1;
  ASSERT_EQ(reading.add(voltage), p1::Error::kNone);

  char json[1024];
  auto n = p1::format_json(reading, p1::CharSpan(json, sizeof json));
  ASSERT_TRUE(n);
  std::string text(json, *n);
  EXPECT_NE(text.find("\"w_p\":42"), std::string::npos) << text;
  EXPECT_NE(text.find("\"u1\":229.1"), std::string::npos) << text;

  p1::TopicValues topics(reading);
  std::map<std::string, std::string> published;
  const char* field = nullptr;
  char value[64];
  size_t length = 0;
  while (topics.next(field, p1::CharSpan(value, sizeof value), length)) published[field] = std::string(value, length);
  EXPECT_EQ(published["w_p"], "42");
  EXPECT_EQ(published["u1"], "229.1");
  EXPECT_EQ(p1::GatewayValues(reading).present(), (1u << 0) | (1u << 4));
}
