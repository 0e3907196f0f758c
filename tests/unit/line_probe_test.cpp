// The probe's reading of one line setting (core/p1/probe): real telegrams,
// the same with a wrong or no key, a cut telegram, line noise and silence,
// each with the verdict and sentence a user gets.
#include <gtest/gtest.h>

#include <random>

#include "p1/crypto/default_aes_gcm.h"
#include "p1/probe/line_probe.h"
#include "p1/probe/line_search.h"
#include "support/testdata.h"

namespace {

using p1::LineVerdict;
using p1test::Bytes;

struct Probed {
  p1::LineObservation seen;
  std::string report;
  std::string who;
};

Probed probe(const Bytes& wire, const std::string& key_hex, const std::string& auth_hex = "",
             const p1::LineSetting& setting = p1::austrian_line_settings()[0]) {
  p1::DefaultAesGcm gcm;
  p1::MeterStream stream(&gcm);
  stream.decoder().set_reject_replays(false);  // as `p1bridge probe`: one telegram may be seen at two settings
  if (!key_hex.empty()) {
    p1::Aes128Key key;
    EXPECT_EQ(p1::Aes128Key::parse(p1::Span<const char>(key_hex.data(), key_hex.size()), key),
              p1::KeyParseError::kNone);
    stream.decoder().set_key(key);
  }
  if (!auth_hex.empty()) {
    p1::AuthKey key;
    EXPECT_EQ(p1::AuthKey::parse(p1::Span<const char>(auth_hex.data(), auth_hex.size()), key),
              p1::KeyParseError::kNone);
    stream.decoder().set_auth_key(key);
  }
  // What came before the window does not count.
  Bytes before = p1enc::from_hex(p1test::load_telegram("at-netznoe-kaifa-ma309-docsample")["hex"]);
  p1::ByteSpan b(before.data(), before.size());
  while (stream.push(b)) {
  }
  p1::LineProbe probe;
  stream.reset();
  probe.begin(stream);
  p1::ByteSpan in(wire.data(), wire.size());
  while (p1::StreamEvent e = stream.push(in)) probe.on_event(e, stream);
  while (p1::StreamEvent e = stream.finish()) probe.on_event(e, stream);
  Probed r;
  r.seen = probe.observation(stream);
  char text[512];
  p1::TextBuffer out(p1::CharSpan(text, sizeof text));
  p1::describe_observation(r.seen, out);
  r.report.assign(text, out.size());
  char who[256];
  p1::TextBuffer w(p1::CharSpan(who, sizeof who));
  p1::describe_operator(r.seen, setting, w);
  r.who.assign(who, w.size());
  return r;
}

Bytes wire_of(const std::string& id) { return p1enc::from_hex(p1test::load_telegram(id)["hex"]); }
std::string key_of(const std::string& id) { return p1test::load_telegram(id)["key"]; }

TEST(LineProbe, RealTelegramsWithTheirKeyAreReadings) {
  const std::string id = "at-netznoe-kaifa-ma309-docsample";
  Bytes wire = wire_of(id);
  Probed p = probe(wire, key_of(id));
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kReadings);
  EXPECT_EQ(p.seen.bytes, wire.size());
  EXPECT_EQ(p.seen.frames, 2u);
  EXPECT_EQ(p.seen.readings, 1u);
  EXPECT_EQ(p.seen.framing, p1::Framing::kMbus);
  EXPECT_STREQ(p.seen.layout, "evn");
  EXPECT_EQ(p.report, "bytes " + std::to_string(wire.size()) +
                          ", frames 2 (M-Bus), checksum errors 0, telegrams 1, readings 1; KFM 4B464D6750000009, "
                          "security 0x20 (encrypted); layout evn");
  EXPECT_EQ(p.who, "EVN/Netz NÖ");
  EXPECT_FALSE(p1::only_errors(p.seen));
}

TEST(LineProbe, EveryRealFamilyIsRecognised) {
  for (const std::string id : {"at-kaerntennetz-iskra-am550", "at-wienernetze-iskra-am550-b",
                               "at-tinetz-kaifa-docsample", "at-enetze-steiermark-sagemcom-t210dr"}) {
    Probed p = probe(wire_of(id), key_of(id));
    EXPECT_EQ(p1::judge(p.seen), LineVerdict::kReadings) << id << ": " << p.report;
    EXPECT_TRUE(p.seen.has_title) << id;
  }
}

TEST(LineProbe, AWrongKeyIsNamed) {
  const std::string id = "at-tinetz-kaifa-docsample";
  Probed p = probe(wire_of(id), "00112233445566778899AABBCCDDEEFF");
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kWrongKey);
  EXPECT_EQ(p.seen.readings, 0u);
  EXPECT_EQ(p.seen.decrypt_errors, 1u);
  EXPECT_EQ(p.seen.security_control, 0x21);
  // Without a decoded layout the manufacturer and the security suite point to the operator.
  EXPECT_EQ(p.who, "Kaifa on an M-Bus port: KSM-West (TINETZ, Salzburg Netz, Vorarlberg Netz, IKB)");
  EXPECT_STREQ(p1::explain(LineVerdict::kWrongKey).host_string(),
               "telegrams arrive, but the key does not decrypt them: the key is wrong");
  EXPECT_NE(p.report.find("first error: "), std::string::npos) << p.report;
}

TEST(LineProbe, NoKeyForEncryptedTelegramsAsksForOne) {
  const std::string id = "at-netznoe-kaifa-ma309-docsample";
  Probed p = probe(wire_of(id), "");
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kNeedsKey);
  EXPECT_EQ(p.who, "Kaifa on an M-Bus port: Netz NÖ (EVN)");
}

TEST(LineProbe, AWrongAuthenticationKeyIsNamed) {
  const std::string id = "lgz-e450-gbt-flat-a";
  Probed p = probe(wire_of(id), key_of(id), "000102030405060708090A0B0C0D0E0F");
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kWrongAuthKey);
  EXPECT_EQ(p.seen.auth_errors, 1u);
}

TEST(LineProbe, ACutTelegramShowsFramesOnly) {
  const std::string id = "at-netznoe-kaifa-ma309-docsample";
  Bytes wire = wire_of(id);
  wire.resize(256);  // the first M-Bus frame (L = 0xFA: 256 bytes), not the second
  Probed p = probe(wire, key_of(id));
  EXPECT_EQ(p.seen.frames, 1u);
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kFramesOnly);
}

TEST(LineProbe, NoiseAndSilence) {
  Bytes noise(3000);
  std::mt19937 rng(5);
  for (uint8_t& b : noise) b = static_cast<uint8_t>(rng());
  Probed p = probe(noise, key_of("at-netznoe-kaifa-ma309-docsample"));
  EXPECT_EQ(p.seen.bytes, 3000u);
  EXPECT_EQ(p1::judge(p.seen), LineVerdict::kNoise);
  EXPECT_TRUE(p1::only_errors(p.seen));
  EXPECT_FALSE(p.seen.has_title);

  Probed quiet = probe(Bytes(), "");
  EXPECT_EQ(quiet.seen.bytes, 0u);
  EXPECT_EQ(p1::judge(quiet.seen), LineVerdict::kNothing);
  EXPECT_TRUE(p1::only_errors(quiet.seen));
  EXPECT_EQ(quiet.who, p1::austrian_line_settings()[0].used_by().host_string());
}

TEST(LineProbe, SettingsCoverTheAustrianInterfaces) {
  auto s = p1::austrian_line_settings();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].baud, 2400u);
  EXPECT_STREQ(s[0].format, "8E1");
  EXPECT_EQ(s[1].baud, 9600u);
  EXPECT_STREQ(s[1].format, "8N1");
  EXPECT_FALSE(s[1].acknowledge);
  EXPECT_EQ(s[2].baud, 9600u);
  EXPECT_STREQ(s[2].format, "8E1");
  EXPECT_TRUE(s[2].acknowledge);  // AMIS: the reader must answer
  EXPECT_EQ(s[3].baud, 115200u);
  EXPECT_STREQ(s[3].format, "8N1");
}

}  // namespace

namespace {

// The device's search: stays on a setting with frames, walks the list while
// a whole window shows only noise, and never leaves a setting that worked.
TEST(LineSearch, WalksTheSettingsWhileOnlyNoiseArrivesAndStaysOnFrames) {
  p1::DefaultAesGcm gcm;
  p1::MeterStream stream(&gcm);
  p1::LineSearch search;
  uint32_t now = 1000;
  search.begin(stream, now);
  auto feed = [&](const Bytes& bytes) {
    p1::ByteSpan in(bytes.data(), bytes.size());
    while (p1::StreamEvent e = stream.push(in)) search.on_event(e, stream);
  };
  Bytes noise(500, 0x55);
  feed(noise);
  EXPECT_EQ(search.tick(stream, now + p1::LineSearch::kWindowMs - 1), nullptr) << "the window is not over";
  const p1::LineSetting* first = search.tick(stream, now + p1::LineSearch::kWindowMs);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first, &p1::austrian_line_settings()[0]);
  now += p1::LineSearch::kWindowMs;
  // Nothing at all is no better: the next setting is tried.
  const p1::LineSetting* second = search.tick(stream, now + p1::LineSearch::kWindowMs);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second, &p1::austrian_line_settings()[1]);
  now += p1::LineSearch::kWindowMs;
  EXPECT_FALSE(search.settled());
  // Frames (even undecryptable ones: no key yet) end the search.
  feed(wire_of("at-netznoe-kaifa-ma309-docsample"));
  EXPECT_EQ(search.tick(stream, now + 1), nullptr);
  EXPECT_TRUE(search.settled());
  EXPECT_EQ(search.current(), second);
  feed(noise);
  EXPECT_EQ(search.tick(stream, now + 10 * p1::LineSearch::kWindowMs), nullptr) << "a setting that worked stays";
}

TEST(LineSearch, WrapsAroundTheList) {
  p1::DefaultAesGcm gcm;
  p1::MeterStream stream(&gcm);
  p1::LineSearch search;
  uint32_t now = 0;
  search.begin(stream, now);
  auto settings = p1::austrian_line_settings();
  for (size_t i = 0; i < settings.size() + 1; ++i) {
    now += p1::LineSearch::kWindowMs;
    EXPECT_EQ(search.tick(stream, now), &settings[i % settings.size()]) << i;
  }
}

}  // namespace
