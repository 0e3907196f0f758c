// The setup wizard as a person types at it.
#include <gtest/gtest.h>

#include <string>

#include "p1/device/setup_wizard.h"

namespace {

using Outcome = p1::SetupWizard::Outcome;
using p1::SettingId;

struct Capture final : p1::TextOutput {
  std::string text;
  void print(const char* t) override { text += t; }
};

struct FixedRandom final : p1::RandomSource {
  uint8_t next = 0;
  void fill(p1::MutableByteSpan out) override {
    for (uint8_t& b : out) b = next++;
  }
};

struct Session {
  Capture out;
  FixedRandom random;
  p1::SetupWizard wizard{out, random, false};
  uint32_t now = 0;
  Outcome type(const std::string& keys) {
    Outcome o = wizard.outcome();
    for (char c : keys) o = wizard.feed(c, ++now);
    return o;
  }
};

// Answers for every field the Linux wizard asks, in order.
std::string enters(int n) { return std::string(static_cast<size_t>(n), '\r'); }
int linux_fields() {
  int n = 0;
  for (const p1::SettingSpec& s : p1::setting_specs()) n += s.applies(false) ? 1 : 0;
  return n;
}

TEST(SetupWizard, EnterKeepsDefaultsAndGeneratesTheWebKey) {
  Session s;
  s.wizard.start(p1::Settings(), false, 0);
  EXPECT_EQ(s.type(enters(linux_fields())), Outcome::kSaved);
  const p1::Settings& r = s.wizard.result();
  EXPECT_STREQ(r.get(SettingId::kMqttPort), "1883");
  EXPECT_EQ(r.length(SettingId::kWebKey), 16u);
  // Printed once, at generation; the final listing hides it.
  std::string key = r.get(SettingId::kWebKey);
  EXPECT_EQ(s.out.text.find(key), s.out.text.rfind(key));
  EXPECT_NE(s.out.text.find("Webpage key generated: " + key), std::string::npos);
  EXPECT_NE(s.out.text.find("web_key = (set)"), std::string::npos);
}

TEST(SetupWizard, WrongInputIsExplainedAndAskedAgain) {
  Session s;
  s.wizard.start(p1::Settings(), false, 0);
  s.type("broker.lan\r");       // mqtt_host
  s.type("99999\r");            // mqtt_port: refused
  EXPECT_NE(s.out.text.find("expected a port number 1-65535"), std::string::npos);
  s.type("8883\r");
  s.type(enters(linux_fields() - 2));
  EXPECT_EQ(s.wizard.outcome(), Outcome::kSaved);
  EXPECT_STREQ(s.wizard.result().get(SettingId::kMqttHost), "broker.lan");
  EXPECT_STREQ(s.wizard.result().get(SettingId::kMqttPort), "8883");
}

TEST(SetupWizard, SecretsAreNeverEchoed) {
  Session s;
  p1::Settings current;
  current.set(SettingId::kMqttPassword, "old-password");
  s.wizard.start(current, false, 0);
  // host, port, fingerprint, user, then the password.
  s.type("\r\r\r\r");
  s.type("new-secret\r");
  s.type("\r\r\r");  // client id, base, mode
  s.type("abcd1234\r");  // web key
  s.type("36C66639E48A8CA4D6BC8B282A793BBB\r");
  s.type(enters(linux_fields() - 10));
  EXPECT_EQ(s.wizard.outcome(), Outcome::kSaved);
  EXPECT_STREQ(s.wizard.result().get(SettingId::kMqttPassword), "new-secret");
  EXPECT_EQ(s.out.text.find("new-secret"), std::string::npos);
  EXPECT_EQ(s.out.text.find("old-password"), std::string::npos);
  EXPECT_EQ(s.out.text.find("36C66639"), std::string::npos);
  EXPECT_EQ(s.out.text.find("abcd1234"), std::string::npos);
  EXPECT_NE(s.out.text.find("**********"), std::string::npos);
  EXPECT_NE(s.out.text.find("[set, Enter keeps it]"), std::string::npos);
}

TEST(SetupWizard, BackspaceAndCrLf) {
  Session s;
  s.wizard.start(p1::Settings(), false, 0);
  s.type("hostX\x7f\r\n");  // DEL removes the X; \r\n is one Enter
  s.type("18\b83\r\n");
  s.type(enters(linux_fields() - 2));
  EXPECT_STREQ(s.wizard.result().get(SettingId::kMqttHost), "host");
  EXPECT_STREQ(s.wizard.result().get(SettingId::kMqttPort), "183");
}

TEST(SetupWizard, CtrlDAndCtrlCAbandonWithoutSaving) {
  for (char key : {'\x04', '\x03'}) {
    Session s;
    s.wizard.start(p1::Settings(), false, 0);
    s.type("changed.host\r");
    EXPECT_EQ(s.type(std::string(1, key)), Outcome::kAborted);
    EXPECT_NE(s.out.text.find("nothing was changed"), std::string::npos);
    EXPECT_EQ(s.type("more\r"), Outcome::kAborted);
  }
}

TEST(SetupWizard, OfferWindowOnTheDevice) {
  Session timeout;
  timeout.wizard.start(p1::Settings(), true, 1000);
  EXPECT_NE(timeout.out.text.find("Press 's' within 10 seconds to edit settings, 'c' to clear them."),
            std::string::npos);
  EXPECT_EQ(timeout.wizard.tick(5000), Outcome::kRunning);
  EXPECT_EQ(timeout.wizard.feed('x', 6000), Outcome::kRunning);
  EXPECT_EQ(timeout.wizard.tick(11000), Outcome::kSkipped);

  Session edit;
  edit.wizard.start(p1::Settings(), true, 0);
  edit.wizard.feed('s', 100);
  EXPECT_NE(edit.out.text.find("MQTT broker address [127.0.0.1]: "), std::string::npos);
  EXPECT_EQ(edit.wizard.tick(20000), Outcome::kRunning);  // no timeout once editing

  Session clear;
  clear.wizard.start(p1::Settings(), true, 0);
  EXPECT_EQ(clear.wizard.feed('c', 100), Outcome::kCleared);
}

TEST(SetupWizard, DeviceAlsoAsksForWifi) {
  Capture out;
  FixedRandom random;
  p1::SetupWizard wizard(out, random, true);
  wizard.start(p1::Settings(), false, 0);
  EXPECT_NE(out.text.find("WiFi SSID []: "), std::string::npos);
  for (char c : std::string("MyWifi\rshort\rlongenough\r")) wizard.feed(c, 1);
  EXPECT_NE(out.text.find("expected 8 to 63 characters"), std::string::npos);
  EXPECT_STREQ(wizard.result().get(SettingId::kWifiSsid), "MyWifi");
  EXPECT_STREQ(wizard.result().get(SettingId::kWifiPassword), "longenough");
}

}  // namespace
