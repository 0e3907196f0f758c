// Improv provisioning as an installer sees it: the packets the device sends
// for good and for wrong credentials.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "p1/device/improv_session.h"

namespace {

struct FakeDevice final : p1::ImprovDevice {
  std::vector<std::vector<uint8_t>> sent;
  std::string ssid, password;
  bool up = false;
  void send_packet(p1::ByteSpan packet) override { sent.emplace_back(packet.begin(), packet.end()); }
  void connect(const char* s, const char* p) override {
    ssid = s;
    password = p;
  }
  bool connected() override { return up; }
  void url(p1::CharSpan out) override { std::strncpy(out.data(), "http://192.168.1.23/", out.size()); }
  void device_info(const char* out[4]) override {
    out[0] = "p1bridge";
    out[1] = "0.1.0";
    out[2] = "ESP8266";
    out[3] = "abc123";
  }
  // (type, first data byte) of each packet.
  std::vector<std::pair<int, int>> kinds() const {
    std::vector<std::pair<int, int>> out;
    for (const auto& p : sent) out.emplace_back(p[7], p.size() > 9 ? p[9] : -1);
    return out;
  }
};

p1::ImprovParser::Event wifi(const char* ssid, const char* password) {
  p1::ImprovParser::Event e;
  e.kind = p1::ImprovParser::Event::Kind::kCommand;
  e.command = p1::improv::kWifiSettings;
  std::strncpy(e.ssid, ssid, sizeof e.ssid - 1);
  std::strncpy(e.password, password, sizeof e.password - 1);
  return e;
}

TEST(ImprovSession, GoodCredentialsEndProvisionedWithTheUrl) {
  FakeDevice device;
  p1::ImprovSession session(device);
  session.on_event(wifi("HomeNet", "secret-pass"), 0);
  EXPECT_EQ(device.ssid, "HomeNet");
  EXPECT_TRUE(session.provisioning());
  EXPECT_EQ(session.tick(1000), p1::ImprovSession::Outcome::kNone);
  device.up = true;
  EXPECT_EQ(session.tick(2000), p1::ImprovSession::Outcome::kProvisioned);
  // error(no error), state(provisioning), state(provisioned), RPC result (WiFi settings) with the URL.
  std::vector<std::pair<int, int>> expected = {{p1::improv::kErrorState, p1::improv::kNoError},
                                               {p1::improv::kCurrentState, p1::improv::kProvisioning},
                                               {p1::improv::kCurrentState, p1::improv::kProvisioned},
                                               {p1::improv::kRpcResult, p1::improv::kWifiSettings}};
  EXPECT_EQ(device.kinds(), expected);
  std::string last(device.sent.back().begin(), device.sent.back().end());
  EXPECT_NE(last.find("http://192.168.1.23/"), std::string::npos);
  EXPECT_EQ(session.tick(3000), p1::ImprovSession::Outcome::kNone) << "once only";
}

TEST(ImprovSession, CredentialsThatDoNotConnectReportTheErrorAndAreForgotten) {
  FakeDevice device;
  p1::ImprovSession session(device);
  session.on_event(wifi("HomeNet", "wrong"), 100);
  EXPECT_EQ(session.tick(100 + p1::ImprovSession::kConnectTimeoutMs - 1), p1::ImprovSession::Outcome::kNone);
  EXPECT_EQ(session.tick(100 + p1::ImprovSession::kConnectTimeoutMs), p1::ImprovSession::Outcome::kFailed);
  EXPECT_EQ(device.kinds().back(), std::make_pair(int{p1::improv::kErrorState}, int{p1::improv::kUnableToConnect}));
  EXPECT_FALSE(session.provisioning());
  EXPECT_STREQ(session.password(), "");
  // Asked for its state, the device is authorized again, ready for new credentials.
  p1::ImprovParser::Event state;
  state.kind = p1::ImprovParser::Event::Kind::kCommand;
  state.command = p1::improv::kGetCurrentState;
  session.on_event(state, 40000);
  EXPECT_EQ(device.kinds().back(), std::make_pair(int{p1::improv::kCurrentState}, int{p1::improv::kAuthorized}));
}

TEST(ImprovSession, InvalidAndUnknownRequestsGetTheirErrors) {
  FakeDevice device;
  p1::ImprovSession session(device);
  p1::ImprovParser::Event invalid;
  invalid.kind = p1::ImprovParser::Event::Kind::kInvalid;
  session.on_event(invalid, 0);
  p1::ImprovParser::Event unknown;
  unknown.kind = p1::ImprovParser::Event::Kind::kCommand;
  unknown.command = 0x42;
  session.on_event(unknown, 0);
  session.on_event(wifi("", "x"), 0);
  std::vector<std::pair<int, int>> expected = {{p1::improv::kErrorState, p1::improv::kInvalidRpc},
                                               {p1::improv::kErrorState, p1::improv::kUnknownRpc},
                                               {p1::improv::kErrorState, p1::improv::kInvalidRpc}};
  EXPECT_EQ(device.kinds(), expected);
  EXPECT_FALSE(session.provisioning());
}

}  // namespace
