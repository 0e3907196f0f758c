// Improv Wi-Fi serial packets: parsing what an installer sends, building
// what the device answers (checked against hand-computed bytes).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "p1/device/improv_serial.h"

namespace {

std::vector<uint8_t> rpc_packet(uint8_t command, const std::vector<std::string>& fields, bool corrupt = false) {
  std::vector<uint8_t> rpc = {command, 0};
  for (const std::string& f : fields) {
    rpc.push_back(static_cast<uint8_t>(f.size()));
    rpc.insert(rpc.end(), f.begin(), f.end());
  }
  rpc[1] = static_cast<uint8_t>(rpc.size() - 2);
  std::vector<uint8_t> p = {'I', 'M', 'P', 'R', 'O', 'V', 1, 0x03, static_cast<uint8_t>(rpc.size())};
  p.insert(p.end(), rpc.begin(), rpc.end());
  uint8_t sum = 0;
  for (uint8_t b : p) sum = static_cast<uint8_t>(sum + b);
  p.push_back(static_cast<uint8_t>(sum + (corrupt ? 1 : 0)));
  return p;
}

std::vector<p1::ImprovParser::Event> feed_all(p1::ImprovParser& parser, const std::vector<uint8_t>& bytes,
                                              std::string* passed = nullptr) {
  std::vector<p1::ImprovParser::Event> events;
  for (uint8_t b : bytes) {
    auto e = parser.feed(b);
    if (passed) passed->append(reinterpret_cast<const char*>(e.passthrough), e.passthrough_count);
    if (e.kind != p1::ImprovParser::Event::Kind::kNone) events.push_back(e);
  }
  return events;
}

TEST(Improv, WifiSettingsCommand) {
  p1::ImprovParser parser;
  auto events = feed_all(parser, rpc_packet(0x01, {"HomeWifi", "secret-pass"}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, p1::ImprovParser::Event::Kind::kCommand);
  EXPECT_EQ(events[0].command, 0x01);
  EXPECT_STREQ(events[0].ssid, "HomeWifi");
  EXPECT_STREQ(events[0].password, "secret-pass");
}

TEST(Improv, OtherCommandsAndOpenNetwork) {
  p1::ImprovParser parser;
  auto events = feed_all(parser, rpc_packet(0x03, {}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].command, p1::improv::kGetDeviceInfo);
  events = feed_all(parser, rpc_packet(0x01, {"Open", ""}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_STREQ(events[0].password, "");
}

TEST(Improv, BadChecksumAndMalformedFieldsAreInvalid) {
  p1::ImprovParser parser;
  auto events = feed_all(parser, rpc_packet(0x01, {"HomeWifi", "pw"}, true));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, p1::ImprovParser::Event::Kind::kInvalid);
  std::vector<uint8_t> long_ssid = rpc_packet(0x01, {std::string(40, 'x'), "pw"});
  events = feed_all(parser, long_ssid);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, p1::ImprovParser::Event::Kind::kInvalid);
  // And the parser is ready for the next packet.
  events = feed_all(parser, rpc_packet(0x02, {}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, p1::ImprovParser::Event::Kind::kCommand);
}

TEST(Improv, OtherBytesPassThroughToTheWizard) {
  p1::ImprovParser parser;
  std::string passed;
  std::vector<uint8_t> input = {'s', '\r', 'I', 'M', 'x', 'I', 'n', 'n', 's', 'I', 'I', 'M', 'P', '!'};
  auto packet = rpc_packet(0x02, {});
  input.insert(input.end(), packet.begin(), packet.end());
  input.push_back('c');
  auto events = feed_all(parser, input, &passed);
  EXPECT_EQ(passed, "s\rIMxInnsIIMP!c");
  ASSERT_EQ(events.size(), 1u);
}

TEST(Improv, BuildersMatchHandComputedBytes) {
  uint8_t out[64];
  size_t n = p1::build_improv_state(p1::improv::kProvisioned, p1::MutableByteSpan(out, sizeof out));
  // "IMPROV" = 49 4D 50 52 4F 56, sum 0x1DD; + 01 + 01 + 01 + 04 = 0x1E4 -> E4
  std::vector<uint8_t> expected = {'I', 'M', 'P', 'R', 'O', 'V', 1, 1, 1, 4, 0xE4};
  EXPECT_EQ(std::vector<uint8_t>(out, out + n), expected);
  n = p1::build_improv_error(p1::improv::kUnableToConnect, p1::MutableByteSpan(out, sizeof out));
  EXPECT_EQ(n, 11u);
  EXPECT_EQ(out[7], 0x02);
  EXPECT_EQ(out[9], 0x03);
  const char* const info[] = {"p1bridge", "0.1.0", "ESP8266", "p1bridge-1a2b"};
  n = p1::build_improv_rpc_result(p1::improv::kGetDeviceInfo, p1::Span<const char* const>(info),
                                  p1::MutableByteSpan(out, sizeof out));
  ASSERT_GT(n, 0u);
  EXPECT_EQ(out[7], 0x04);
  EXPECT_EQ(out[9], 0x03);                      // command answered
  EXPECT_EQ(out[10], n - 12);                   // RPC data length
  EXPECT_EQ(out[11], 8);                        // "p1bridge"
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out + 12), 8), "p1bridge");
  uint8_t sum = 0;
  for (size_t i = 0; i + 1 < n; ++i) sum = static_cast<uint8_t>(sum + out[i]);
  EXPECT_EQ(out[n - 1], sum);
  EXPECT_EQ(p1::build_improv_rpc_result(1, p1::Span<const char* const>(info), p1::MutableByteSpan(out, 20)), 0u);
}

TEST(Improv, WifiSettingsResultCarriesTheDeviceUrl) {
  uint8_t out[64];
  const char* const url[] = {"http://192.168.1.20/"};
  size_t n = p1::build_improv_rpc_result(p1::improv::kWifiSettings, p1::Span<const char* const>(url),
                                         p1::MutableByteSpan(out, sizeof out));
  ASSERT_EQ(n, 10u + 2 + 1 + std::strlen(url[0]));
  EXPECT_EQ(out[7], p1::improv::kRpcResult);
  EXPECT_EQ(out[8], n - 10);                        // packet data length
  EXPECT_EQ(out[9], p1::improv::kWifiSettings);     // command answered
  EXPECT_EQ(out[10], n - 12);                       // RPC data length
  EXPECT_EQ(out[11], std::strlen(url[0]));          // string length
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out + 12), out[11]), url[0]);
}

}  // namespace
