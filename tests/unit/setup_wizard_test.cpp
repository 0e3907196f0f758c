// The setup wizard as a person types at it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "p1/device/setup_wizard.h"
#include "p1/device/web/secure_exchange.h"

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

namespace {

struct PrngRandom final : p1::RandomSource {
  std::mt19937 rng{12345};
  void fill(p1::MutableByteSpan out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(rng() >> 24);
  }
};

TEST(SetupWizard, GeneratedWebKeysCarryAtLeast80BitsEachLetterEquallyLikely) {
  // Many keys from one (seeded, so repeatable) random stream. Bytes reduced
  // modulo the 57 letters would make the first 28 a quarter likelier than
  // the rest; unbiased letters stay within a few percent of each other.
  Capture out;
  PrngRandom random;
  p1::SetupWizard wizard(out, random, false);
  std::map<char, size_t> seen;
  size_t length = 0;
  for (int i = 0; i < 15000; ++i) {
    wizard.start(p1::Settings(), false, 0);
    for (char c : enters(linux_fields())) wizard.feed(c, 1);
    std::string key = wizard.result().get(SettingId::kWebKey);
    ASSERT_GE(key.size(), 16u);
    length = key.size();
    for (char c : key) ++seen[c];
    if (out.text.size() > 100000) out.text.clear();
  }
  double bits = static_cast<double>(length) * std::log2(static_cast<double>(seen.size()));
  EXPECT_GE(bits, 80.0) << length << " characters from " << seen.size();
  size_t least = SIZE_MAX, most = 0;
  for (const auto& [c, n] : seen) {
    least = std::min(least, n);
    most = std::max(most, n);
  }
  EXPECT_LE(static_cast<double>(most), 1.12 * static_cast<double>(least))
      << "some letters are likelier than others: " << most << " vs " << least;
}

// The web key comes after host, port, fingerprint, user, password, client
// id, base and mode.
std::string wizard_output_for_web_key(const std::string& key) {
  Session s;
  s.wizard.start(p1::Settings(), false, 0);
  s.type(enters(8));
  s.type(key + "\r");
  s.type(enters(linux_fields() - 9));
  EXPECT_EQ(s.wizard.outcome(), Outcome::kSaved);
  EXPECT_EQ(s.wizard.result().get(SettingId::kWebKey), key) << "a weak key is warned about, not refused";
  return s.out.text;
}

TEST(SetupWizard, AWeakWebKeyTypedByHandIsAcceptedWithAWarning) {
  for (const char* weak : {"abcd1234", "short-Key1", "onlylowercaseletters", "123456789012345", "ABCDEFGHIJKLMNOP"}) {
    SCOPED_TRACE(weak);
    EXPECT_NE(wizard_output_for_web_key(weak).find("Weak key:"), std::string::npos);
  }
  for (const char* strong : {"correct horse battery staple", "Tr0ub4dor&3x", "k3ys-and-words"}) {
    SCOPED_TRACE(strong);
    EXPECT_EQ(wizard_output_for_web_key(strong).find("Weak key"), std::string::npos);
  }
}

TEST(PasskeyStrength, ShortOrOneKindOfCharacterIsWeak) {
  auto weak = [](const char* key) { return p1::is_weak_passkey(p1::Span<const char>(key, std::strlen(key))); };
  EXPECT_TRUE(weak(""));
  EXPECT_TRUE(weak("Ab1!Ab1!Ab1"));  // 11 characters
  EXPECT_FALSE(weak("Ab1!Ab1!Ab1!"));
  EXPECT_TRUE(weak("abcdefghijklmnopqrstuvwxyz"));
  EXPECT_TRUE(weak("!!!!!!!!!!!!!!"));
  EXPECT_FALSE(weak("abcdefghijk1"));
  EXPECT_FALSE(weak("correct horse"));  // letters and a space
}

}  // namespace
